// SPDX-License-Identifier: GPL-2.0
/*
 * Security tests for ELF modules (see
 * Documentation/admin-guide/elf-modules.rst): module signatures, the bytes
 * that run against the bytes that were checked, capability limits,
 * hostile headers and parameters, a mutation fuzzer, and modules_disabled.
 *
 * The same program runs in three boots and reads /proc/cmdline to know
 * which one it is in:
 *
 *	plain		signatures checked, not enforced
 *	enforce		module.sig_enforce=1
 *	lockdown	lockdown=integrity (without module.sig_enforce)
 *
 * and expects, per boot, what regular modules get: an unsigned module or
 * one signed with an unknown key loads (tainting the kernel), or fails
 * with EKEYREJECTED, or with EPERM; a bad signature fails with
 * EKEYREJECTED in every boot, as does a module whose hash is blacklisted.
 * It runs as root and uses what the project's test guest provides:
 *
 *	/lib/modules/$(uname -r)/extra/umh_elf_test.ko		signed
 *	/lib/modules/$(uname -r)/extra/umh_elf_caps.ko		signed, with
 *		capabilities=cap_net_admin,cap_sys_time
 *	/lib/modules/$(uname -r)/extra/umh_elf_nocaps.ko	signed, with
 *		capabilities= (empty)
 *	/lib/modules/$(uname -r)/extra/umh_elf_badcap.ko	signed, with
 *		capabilities=cap_net_admin,cap_bogus
 *	/lib/modules/$(uname -r)/extra/umh_elf_regular.ko	a regular module
 *	/opt/umh_elf/NAME.{unsigned,badsig,otherkey}.ko	for umh_elf_test and
 *		umh_elf_regular: unsigned, one byte changed after signing,
 *		signed with a key the kernel does not trust
 *	/opt/umh_elf/NAME.sha512.ko	signed with the trusted key, digest SHA-512
 *	/opt/umh_elf/NAME.blacklisted.{ko,desc,p7s}	signed with the trusted
 *		key, a section added first so that its bytes are its own; the
 *		"bin:" description of its SHA-256 (the whole file), and that
 *		description's PKCS#7 signature by the trusted key, for the
 *		.blacklist keyring
 *	/opt/umh_elf/umh_elf_test.sha256	SHA-256 of the unsigned image
 *	/opt/umh_elf/umh_elf_evil{,.unsigned}.ko	another program named
 *		umh_elf_test, signed with the trusted key and unsigned
 *	/opt/umh_elf/umh_elf_evil.sha256	its SHA-256
 *	/opt/umh_elf/umh_elf_tiny.unsigned.ko	a tiny one-shot ELF module,
 *		the seed of the hostile header cases and of the fuzzer
 *
 * Each test starts with none of these modules loaded and the ready timeout
 * at its default, and leaves things that way, also after a failed
 * assertion.  Two tests change what cannot be changed back, so they come
 * last: usermodehelper_bset_applies (the user-mode-helper bounding set
 * only ever loses capabilities) and modules_disabled (enforce boot only).
 *
 * The mutation fuzzer takes its seed from UMH_ELF_FUZZ_SEED (default 1)
 * and its number of iterations from UMH_ELF_FUZZ_ITERS (default 2000;
 * make check-debug asks for 10000), and fails if it could not run them
 * all within UMH_ELF_FUZZ_MS (default 240000 per 2000 iterations).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <linux/elf.h>
#include <linux/keyctl.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* The harness is not -Wextra clean; keep that out of this file's build. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "../kselftest_harness.h"
#pragma GCC diagnostic pop
#include "umh_elf_util.h"

/*
 * Every TEST_F() expands to a function in which gcc rightly warns that
 * "child" may be clobbered by longjmp(): the teardowns are written to cope
 * with that (see env_teardown()).
 */
#pragma GCC diagnostic ignored "-Wclobbered"

#define MOD		"umh_elf_test"
#define REGULAR		"umh_elf_regular"
#define CAPS		"umh_elf_caps"
#define NOCAPS		"umh_elf_nocaps"
#define BADCAP		"umh_elf_badcap"
#define TINY		"umh_elf_tiny"

#define OPT		"/opt/umh_elf/"
#define UNSIGNED_KO	OPT MOD ".unsigned.ko"
#define SHA256_FILE	OPT MOD ".sha256"
#define EVIL_KO		OPT "umh_elf_evil.ko"
#define EVIL_UNSIGNED_KO OPT "umh_elf_evil.unsigned.ko"
#define EVIL_SHA256_FILE OPT "umh_elf_evil.sha256"
#define TINY_KO		OPT TINY ".unsigned.ko"

/* The scratch files of the TOCTOU test. */
#define RACE_KO		"/tmp/race.ko"
#define RACE_GOOD	"/tmp/race.good"
#define RACE_EVIL	"/tmp/race.evil"

#define PARAMS_DIR	"/sys/module/module/parameters/"
#define READY_TIMEOUT	PARAMS_DIR "elf_ready_timeout_ms"
#define SIG_ENFORCE	PARAMS_DIR "sig_enforce"
#define READY_TIMEOUT_DEFAULT	"30000"

#define UMH_BSET	"/proc/sys/kernel/usermodehelper/bset"
#define TAINTED		"/proc/sys/kernel/tainted"
#define MODULES_DISABLED "/proc/sys/kernel/modules_disabled"

/* TAINT_UNSIGNED_MODULE, the 'E' of /proc/sys/kernel/tainted */
#define TAINT_UNSIGNED	13

#define CAP_BIT(cap)	(1ULL << (cap))
#define CAP_NET_ADMIN	12
#define CAP_SYS_ADMIN	21
#define CAP_SYS_TIME	25

/* MODULE_NAME_LEN is 56 with the NUL: 55 characters fit, 56 do not. */
#define NAME_55	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
#define NAME_56	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"

/* Per test, in seconds: generous, as the guest is emulated. */
#define TEST_TIMEOUT	120
#define FUZZ_TIMEOUT	3600

/* The TOCTOU test: loads tried, how long, successes required. */
#define RACE_LOADS	200
#define RACE_MS		45000
#define RACE_MIN_OK	20

/* The fuzzer: defaults, and when it stops even if iterations are left. */
#define FUZZ_SEED	1
#define FUZZ_ITERS	2000
#define FUZZ_MS_PER_2000	240000
#define FUZZ_READY_MS	"300"

/* Files */

/* Write all of @len bytes to @fd; 0 or -errno. */
static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= n;
	}
	return 0;
}

/* Is @word one of the white-space separated words of @text? */
static bool has_word(const char *text, const char *word)
{
	size_t n = strlen(word);
	const char *p = text;

	while ((p = strstr(p, word))) {
		if ((p == text || isspace((unsigned char)p[-1])) &&
		    (!p[n] || isspace((unsigned char)p[n])))
			return true;
		p += n;
	}
	return false;
}

/* Processes */

/* Is @pid a process running this very program (a helper it forked)? */
static bool runs_this_program(pid_t pid)
{
	struct stat self, exe;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	return !stat("/proc/self/exe", &self) && !stat(path, &exe) &&
	       exe.st_dev == self.st_dev && exe.st_ino == self.st_ino;
}

/* Boot modes */

enum boot_mode {
	BOOT_PLAIN,	/* signatures checked, not enforced */
	BOOT_ENFORCE,	/* module.sig_enforce=1 */
	BOOT_LOCKDOWN,	/* lockdown=integrity, signatures not enforced */
};

static enum boot_mode boot_mode(void)
{
	char cmdline[4096], buf[16];

	read_text("/proc/cmdline", cmdline, sizeof(cmdline));
	if (has_word(cmdline, "module.sig_enforce=1") ||
	    (read_text(SIG_ENFORCE, buf, sizeof(buf)) > 0 && buf[0] == 'Y'))
		return BOOT_ENFORCE;
	if (has_word(cmdline, "lockdown=integrity") ||
	    has_word(cmdline, "lockdown=confidentiality"))
		return BOOT_LOCKDOWN;
	return BOOT_PLAIN;
}

static const char *boot_name(void)
{
	static const char * const names[] = {
		[BOOT_PLAIN] = "plain",
		[BOOT_ENFORCE] = "enforce",
		[BOOT_LOCKDOWN] = "lockdown",
	};

	return names[boot_mode()];
}

/*
 * What loading a module without a valid signature returns, as for regular
 * modules: it loads where signatures are not enforced; enforcement rejects
 * it, and lockdown refuses it.  (A bad signature is always rejected.)
 */
static int unsigned_load_result(void)
{
	switch (boot_mode()) {
	case BOOT_ENFORCE:
		return -EKEYREJECTED;
	case BOOT_LOCKDOWN:
		return -EPERM;
	default:
		return 0;
	}
}

/* SHA-256 (FIPS 180-4), for the images the kernel runs */

static const __u32 sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static __u32 ror32(__u32 x, unsigned int n)
{
	return x >> n | x << (32 - n);
}

/* Fold the 64-byte block at @p into the state @h. */
static void sha256_block(__u32 h[8], const unsigned char *p)
{
	__u32 w[64], v[8], t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (__u32)p[4 * i] << 24 | (__u32)p[4 * i + 1] << 16 |
		       (__u32)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (; i < 64; i++)
		w[i] = w[i - 16] + w[i - 7] +
		       (ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^
			w[i - 15] >> 3) +
		       (ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^
			w[i - 2] >> 10);
	memcpy(v, h, sizeof(v));
	for (i = 0; i < 64; i++) {
		/* v[0..7] are a..h */
		t1 = v[7] + (ror32(v[4], 6) ^ ror32(v[4], 11) ^
			     ror32(v[4], 25)) +
		     ((v[4] & v[5]) ^ (~v[4] & v[6])) + sha256_k[i] + w[i];
		t2 = (ror32(v[0], 2) ^ ror32(v[0], 13) ^ ror32(v[0], 22)) +
		     ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
		memmove(v + 1, v, 7 * sizeof(*v));
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		h[i] += v[i];
}

/* The SHA-256 of @len bytes at @data, as 64 hex digits, into @hex. */
static void sha256_hex(const void *data, size_t len, char hex[65])
{
	__u32 h[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};
	unsigned char tail[128] = { 0 };
	const unsigned char *p = data;
	__u64 bits = (__u64)len * 8;
	size_t done, rest, end;
	int i;

	for (done = 0; len - done >= 64; done += 64)
		sha256_block(h, p + done);
	rest = len - done;
	memcpy(tail, p + done, rest);
	tail[rest] = 0x80;
	end = rest < 56 ? 64 : 128;
	for (i = 0; i < 8; i++)
		tail[end - 1 - i] = bits >> (8 * i);
	sha256_block(h, tail);
	if (end == 128)
		sha256_block(h, tail + 64);
	for (i = 0; i < 8; i++)
		snprintf(hex + 8 * i, 9, "%08x", h[i]);
}

/* Capabilities */

struct caps {
	__u64 inh, prm, eff, bnd, amb;
};

/* The "@tag:\t<hex>" line of a /proc/PID/status text, into *@val. */
static bool status_hex(const char *status, const char *tag, __u64 *val)
{
	size_t n = strlen(tag);
	const char *line = status;
	char *end;

	for (; line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (strncmp(line, tag, n) || line[n] != ':')
			continue;
		*val = strtoull(line + n + 1, &end, 16);
		return end != line + n + 1;
	}
	return false;
}

/* The capability sets of process @pid; 0, or -1 if it has none to read. */
static int read_caps(pid_t pid, struct caps *c)
{
	char path[64], buf[8192];

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if (read_text(path, buf, sizeof(buf)) <= 0)
		return -1;
	if (!status_hex(buf, "CapInh", &c->inh) ||
	    !status_hex(buf, "CapPrm", &c->prm) ||
	    !status_hex(buf, "CapEff", &c->eff) ||
	    !status_hex(buf, "CapBnd", &c->bnd) ||
	    !status_hex(buf, "CapAmb", &c->amb))
		return -1;
	return 0;
}

/*
 * The user-mode-helper bounding set: /proc/sys/kernel/usermodehelper/bset
 * holds it as two 32-bit decimal words, the low one first.
 */
static int read_umh_bset(__u64 *set)
{
	unsigned long lo, hi;
	char buf[64], *end;

	if (read_text(UMH_BSET, buf, sizeof(buf)) <= 0)
		return -1;
	lo = strtoul(buf, &end, 10);
	hi = strtoul(end, &end, 10);
	*set = (__u64)hi << 32 | (__u32)lo;
	return 0;
}

static int write_umh_bset(__u64 set)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%u %u", (__u32)set, (__u32)(set >> 32));
	return write_text(UMH_BSET, buf);
}

/* Is the kernel tainted by an unsigned module (TAINT_UNSIGNED_MODULE)? */
static bool tainted_unsigned(void)
{
	char buf[64];

	if (read_text(TAINTED, buf, sizeof(buf)) <= 0)
		return false;
	return strtoull(buf, NULL, 10) & (1ULL << TAINT_UNSIGNED);
}

/* The environment of each test */

/* Every module the tests load, and the names of their processes. */
static const char * const test_modules[] = {
	MOD, REGULAR, CAPS, NOCAPS, BADCAP, TINY, NAME_55,
};

static const char * const race_files[] = { RACE_KO, RACE_GOOD, RACE_EVIL };

struct env {
	struct kmsg log;
	/* A process this program forked for the test, or -1. */
	pid_t helper;
};

/*
 * Put things back the way a test expects to find them: the ready timeout
 * at its default, the test modules unloaded, no processes of them left,
 * no scratch files.
 */
static void env_reset(void)
{
	unsigned int i;

	write_text(READY_TIMEOUT, READY_TIMEOUT_DEFAULT);
	for (i = 0; i < ARRAY_SIZE(test_modules); i++)
		if (!module_gone(test_modules[i]))
			unload(test_modules[i]);
	for (i = 0; i < ARRAY_SIZE(test_modules); i++)
		WAIT_UNTIL(module_gone(test_modules[i]));
	for (i = 0; i < ARRAY_SIZE(test_modules); i++) {
		kill_procs(test_modules[i]);
		WAIT_UNTIL(count_procs(test_modules[i]) <= 0);
	}
	for (i = 0; i < ARRAY_SIZE(race_files); i++)
		unlink(race_files[i]);
}

/* Returns false if the test is to be skipped. */
static bool env_setup(struct __test_metadata *_metadata, struct env *env)
{
	const char *left;
	char buf[64];

	env->helper = -1;
	env->log.fd = -1;
	env->log.text = NULL;
	if (geteuid())
		return false;
	ASSERT_EQ(0, access(READY_TIMEOUT, F_OK))
		TH_LOG("%s: %s: is CONFIG_ELF_MODULES set?", READY_TIMEOUT,
		       strerror(errno));

	env_reset();
	left = first_loaded(test_modules, ARRAY_SIZE(test_modules));
	ASSERT_TRUE(!left)
		TH_LOG("%s is still loaded and will not unload", left);
	left = first_with_procs(test_modules, ARRAY_SIZE(test_modules));
	ASSERT_TRUE(!left)
		TH_LOG("processes named %s are left", left);
	read_text(READY_TIMEOUT, buf, sizeof(buf));
	ASSERT_STREQ(READY_TIMEOUT_DEFAULT, buf);

	ASSERT_EQ(0, kmsg_open(&env->log))
		TH_LOG("/dev/kmsg: %s", strerror(errno));
	return true;
}

/*
 * The teardowns are FIXTURE_TEARDOWN_PARENT(): at -O2 the harness's own
 * teardown is skipped after a failed ASSERT (its "child" variable does not
 * survive the longjmp()), whereas this one runs either way, in the test
 * process or in its parent.  So it must not use what the test process
 * allocated or opened: of the fixture data (shared memory) it reads only
 * the kmsg start and the helper's pid.  A helper also dies with the test
 * process (PR_SET_PDEATHSIG); it is killed here in case it has not yet.
 */
static void env_teardown(struct __test_metadata *_metadata, struct env *env)
{
	if (env->helper > 0 && runs_this_program(env->helper))
		kill(env->helper, SIGKILL);
	env->helper = -1;
	if (_metadata->exit_code == KSFT_FAIL)
		kmsg_dump(env->log.start);
	env_reset();
}

/*
 * Module signatures: each variant loads one file with finit_module() and
 * expects what a regular module gets in this boot.  A load that fails
 * leaves nothing behind: for an ELF module, nothing ran and no
 * "elf-module" line was logged, as the signature is checked first.
 */

enum sig_kind {
	SIG_GOOD,	/* signed with the trusted key */
	SIG_NONE,	/* unsigned */
	SIG_BAD,	/* one byte changed after signing */
	SIG_OTHER_KEY,	/* signed with a key the kernel does not trust */
	SIG_SHA512,	/* signed with the trusted key, digest SHA-512 */
	SIG_BLACKLISTED, /* signed, its file's SHA-256 in .blacklist */
};

/* The serial of the .blacklist keyring, from /proc/keys, or 0. */
static long blacklist_keyring(void)
{
	char line[256];
	long serial = 0;
	FILE *f;

	f = fopen("/proc/keys", "re");
	if (!f)
		return 0;
	while (!serial && fgets(line, sizeof(line), f))
		if (strstr(line, " keyring ") && strstr(line, " .blacklist: "))
			serial = strtol(line, NULL, 16);
	fclose(f);
	return serial;
}

/*
 * Add the hash of OPT @name.blacklisted.ko to the .blacklist keyring, as an
 * administrator would: a "bin:" key whose description is signed by a
 * trusted key (the harness signs it with the build's key).  Blacklist keys
 * cannot be removed or added twice: the second variant of a boot finds it.
 * Returns the key's description ("bin:HEX") in @desc.
 */
static void blacklist_add(struct __test_metadata *_metadata, const char *name,
			  char *desc, size_t size)
{
	char path[PATH_MAX], sig[4096];
	long ring, key;
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), OPT "%s.blacklisted.desc", name);
	ASSERT_LT(0, read_text(path, desc, size)) TH_LOG("%s", path);
	ring = blacklist_keyring();
	ASSERT_NE(0, ring) TH_LOG("no .blacklist keyring in /proc/keys");
	key = syscall(__NR_keyctl, KEYCTL_SEARCH, ring, "blacklist", desc, 0);
	if (key > 0)
		return;
	snprintf(path, sizeof(path), OPT "%s.blacklisted.p7s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("%s: %s", path, strerror(errno));
	len = read(fd, sig, sizeof(sig));
	close(fd);
	ASSERT_LT(0, len);
	key = syscall(__NR_add_key, "blacklist", desc, sig, (size_t)len, ring);
	ASSERT_LT(0, key) TH_LOG("add_key(blacklist, %s): %s", desc,
				 strerror(errno));
}

FIXTURE(signature) {
	struct env env;
};

FIXTURE_VARIANT(signature) {
	const char *name;
	bool elf;
	enum sig_kind kind;
};

FIXTURE_VARIANT_ADD(signature, elf_signed) {
	.name = MOD, .elf = true, .kind = SIG_GOOD,
};

FIXTURE_VARIANT_ADD(signature, elf_unsigned) {
	.name = MOD, .elf = true, .kind = SIG_NONE,
};

FIXTURE_VARIANT_ADD(signature, elf_badsig) {
	.name = MOD, .elf = true, .kind = SIG_BAD,
};

FIXTURE_VARIANT_ADD(signature, elf_otherkey) {
	.name = MOD, .elf = true, .kind = SIG_OTHER_KEY,
};

FIXTURE_VARIANT_ADD(signature, elf_sha512) {
	.name = MOD, .elf = true, .kind = SIG_SHA512,
};

FIXTURE_VARIANT_ADD(signature, elf_blacklisted) {
	.name = MOD, .elf = true, .kind = SIG_BLACKLISTED,
};

FIXTURE_VARIANT_ADD(signature, regular_signed) {
	.name = REGULAR, .elf = false, .kind = SIG_GOOD,
};

FIXTURE_VARIANT_ADD(signature, regular_unsigned) {
	.name = REGULAR, .elf = false, .kind = SIG_NONE,
};

FIXTURE_VARIANT_ADD(signature, regular_badsig) {
	.name = REGULAR, .elf = false, .kind = SIG_BAD,
};

FIXTURE_VARIANT_ADD(signature, regular_otherkey) {
	.name = REGULAR, .elf = false, .kind = SIG_OTHER_KEY,
};

FIXTURE_VARIANT_ADD(signature, regular_sha512) {
	.name = REGULAR, .elf = false, .kind = SIG_SHA512,
};

FIXTURE_VARIANT_ADD(signature, regular_blacklisted) {
	.name = REGULAR, .elf = false, .kind = SIG_BLACKLISTED,
};

FIXTURE_SETUP(signature)
{
	if (!env_setup(_metadata, &self->env))
		SKIP(return, "must be run as root");
}

FIXTURE_TEARDOWN_PARENT(signature)
{
	env_teardown(_metadata, &self->env);
}

TEST_F_TIMEOUT(signature, load, TEST_TIMEOUT)
{
	static const char * const suffix[] = {
		[SIG_NONE] = "unsigned", [SIG_BAD] = "badsig",
		[SIG_OTHER_KEY] = "otherkey", [SIG_SHA512] = "sha512",
		[SIG_BLACKLISTED] = "blacklisted",
	};
	const char *name = variant->name;
	bool sig_ok = variant->kind == SIG_GOOD || variant->kind == SIG_SHA512;
	char path[PATH_MAX], buf[128], sha[128], desc[128], line[192];
	int want, ret;

	if (variant->kind == SIG_GOOD)
		ko_path(path, sizeof(path), name);
	else
		snprintf(path, sizeof(path), OPT "%s.%s.ko", name,
			 suffix[variant->kind]);
	if (sig_ok)
		want = 0;
	else if (variant->kind == SIG_BAD || variant->kind == SIG_BLACKLISTED)
		want = -EKEYREJECTED;
	else
		want = unsigned_load_result();
	if (variant->kind == SIG_BLACKLISTED)
		blacklist_add(_metadata, name, desc, sizeof(desc));

	ret = load_path(path, variant->elf ? "mode=ready" : "");
	ASSERT_EQ(want, ret)
		TH_LOG("%s in the %s boot: %s", path, boot_name(),
		       ret ? strerror(-ret) : "loaded");
	if (variant->kind == SIG_BLACKLISTED) {
		/* The hash of the whole file, signature included */
		snprintf(line, sizeof(line), "Module hash %s is blacklisted",
			 desc + strlen("bin:"));
		EXPECT_EQ(1, kmsg_count(&self->env.log, line)) TH_LOG("%s", line);
	}
	if (ret) {
		EXPECT_TRUE(module_gone(name));
		if (variant->elf) {
			EXPECT_EQ(0, count_procs(name));
			EXPECT_EQ(0, kmsg_count(&self->env.log, "elf-module"));
		}
		return;
	}

	ASSERT_TRUE(module_listed(name));
	EXPECT_STREQ("live", attr(name, "initstate", buf, sizeof(buf)));
	attr(name, "taint", buf, sizeof(buf));
	if (sig_ok) {
		EXPECT_EQ(NULL, strchr(buf, 'E')) TH_LOG("taint: %s", buf);
	} else {
		EXPECT_NE(NULL, strchr(buf, 'E')) TH_LOG("taint: %s", buf);
		EXPECT_TRUE(tainted_unsigned());
	}
	if (variant->elf) {
		ASSERT_LT(0, read_text(SHA256_FILE, sha, sizeof(sha)))
			TH_LOG("%s: %s", SHA256_FILE, sha);
		EXPECT_STREQ(sig_ok ? "1" : "0",
			     attr(name, "elf/signed", buf, sizeof(buf)));
		/* What runs is the image without its signature. */
		EXPECT_STREQ(sha, attr(name, "elf/sha256", buf, sizeof(buf)));
		EXPECT_EQ(1, count_procs(name));
		EXPECT_TRUE(kmsg_wait(&self->env.log, sig_ok ?
				      ", signed, by " : ", unsigned, by "));
	} else {
		EXPECT_NE(0, access("/sys/module/" REGULAR "/elf", F_OK));
	}
	EXPECT_EQ(0, unload(name));
	EXPECT_TRUE(module_gone(name));
	if (variant->elf)
		EXPECT_TRUE(WAIT_UNTIL(count_procs(name) == 0));
}

/* Tests of one environment each */

FIXTURE(security) {
	struct env env;
};

FIXTURE_SETUP(security)
{
	if (!env_setup(_metadata, &self->env))
		SKIP(return, "must be run as root");
}

FIXTURE_TEARDOWN_PARENT(security)
{
	env_teardown(_metadata, &self->env);
}

/*
 * The TOCTOU test: while a helper keeps changing /tmp/race.ko (rewriting
 * it in place, and replacing it by rename()) between the genuine signed
 * image and an attacker's image of the same module name, load it again
 * and again.  Whatever got loaded, the process runs exactly the bytes the
 * kernel hashed (and checked the signature of), and nobody can write to
 * them.
 */

struct blob {
	void *buf;
	size_t len;
};

/* Create or replace @path with @b; 0 or -errno. */
static int put_file(const char *path, const struct blob *b)
{
	int fd, err;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	err = write_all(fd, b->buf, b->len);
	close(fd);
	return err;
}

/* Rewrite the file @path in place with @b (same inode). */
static void rewrite_file(const char *path, const struct blob *b)
{
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;		/* ETXTBSY: the kernel is reading it */
	if (!write_all(fd, b->buf, b->len))
		ftruncate(fd, b->len);
	close(fd);
}

/* The helper: swap the genuine and evil images until @deadline. */
static void __noreturn
race_attacker(const struct blob *good, const struct blob *evil, int nevil,
	      long long deadline)
{
	const struct blob *bad;
	unsigned int i;

	for (i = 0; now_ms() < deadline; i++) {
		bad = &evil[(i / 4) % nevil];
		switch (i % 4) {
		case 0:
			rewrite_file(RACE_KO, bad);
			break;
		case 1:
			rewrite_file(RACE_KO, good);
			break;
		case 2:
			if (!put_file(RACE_EVIL, bad))
				rename(RACE_EVIL, RACE_KO);
			break;
		default:
			if (!put_file(RACE_GOOD, good))
				rename(RACE_GOOD, RACE_KO);
			break;
		}
	}
	_exit(0);
}

static bool write_refused(int err)
{
	return err == ETXTBSY || err == EACCES || err == EPERM || err == EROFS;
}

#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC	0x0020	/* Linux 6.3; glibc 2.36 lacks it */
#endif

/* The seals of an image file, as the admin guide lists them. */
#define IMAGE_SEALS	(F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | \
			 F_SEAL_WRITE | F_SEAL_EXEC)

/*
 * /proc/@pid/exe is the unlinked file "/MOD", with every seal of an image
 * file, and neither it nor any /proc/@pid/map_files entry is writable.
 */
static void check_image_sealed(struct __test_metadata *_metadata, pid_t pid)
{
	static const int modes[] = { O_WRONLY, O_RDWR, O_WRONLY | O_TRUNC };
	char exe[64], dir[64], path[PATH_MAX], link[PATH_MAX];
	struct dirent *de;
	unsigned int i;
	int fd, ret, seals, entries = 0;
	ssize_t n;
	DIR *d;

	snprintf(exe, sizeof(exe), "/proc/%d/exe", pid);
	n = readlink(exe, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	EXPECT_STREQ("/" MOD " (deleted)", link) TH_LOG("%s", exe);

	fd = open(exe, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("%s: %s", exe, strerror(errno));
	seals = fcntl(fd, F_GET_SEALS);
	close(fd);
	EXPECT_EQ(IMAGE_SEALS, seals & IMAGE_SEALS)
		TH_LOG("%s: seals 0x%x", exe, seals);

	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		fd = open(exe, modes[i] | O_CLOEXEC);
		EXPECT_EQ(-1, fd) TH_LOG("%s opened with flags 0%o", exe,
					 modes[i]);
		/* Braces: EXPECT_*() and its TH_LOG() are two statements. */
		if (fd >= 0) {
			close(fd);
		} else {
			EXPECT_TRUE(write_refused(errno))
				TH_LOG("%s: %s", exe, strerror(errno));
		}
	}
	ret = truncate(exe, 0);
	EXPECT_EQ(-1, ret) TH_LOG("%s truncated", exe);
	if (ret) {
		EXPECT_TRUE(write_refused(errno))
			TH_LOG("truncate %s: %s", exe, strerror(errno));
	}

	snprintf(dir, sizeof(dir), "/proc/%d/map_files", pid);
	d = opendir(dir);
	ASSERT_NE(NULL, d) TH_LOG("%s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		entries++;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		for (i = 0; i < ARRAY_SIZE(modes); i++) {
			fd = open(path, modes[i] | O_CLOEXEC);
			EXPECT_EQ(-1, fd) TH_LOG("%s opened with flags 0%o",
						 path, modes[i]);
			if (fd >= 0)
				close(fd);
			else
				EXPECT_TRUE(write_refused(errno))
					TH_LOG("%s: %s", path, strerror(errno));
		}
	}
	closedir(d);
	EXPECT_LT(0, entries) TH_LOG("%s is empty", dir);
}

TEST_F_TIMEOUT(security, toctou_bytes_run_are_bytes_signed, TEST_TIMEOUT)
{
	char genuine[128], evil_sha[128], sha[128], sig[16], hex[65];
	char path[PATH_MAX];
	struct blob good, evil[2], exe;
	int nevil = 0, loads = 0, ok = 0, busy = 0, refused = 0;
	int ok_genuine = 0, ok_evil = 0, odd = 0;
	bool enforce = boot_mode() == BOOT_ENFORCE;
	long long deadline;
	pid_t pid, attacker, parent = getpid();
	int fd, ret, status;

	ASSERT_LT(0, read_text(SHA256_FILE, genuine, sizeof(genuine)))
		TH_LOG("%s: %s", SHA256_FILE, genuine);
	ASSERT_LT(0, read_text(EVIL_SHA256_FILE, evil_sha, sizeof(evil_sha)))
		TH_LOG("%s: %s", EVIL_SHA256_FILE, evil_sha);
	ASSERT_STRNE(genuine, evil_sha);

	/* The SHA-256 here agrees with sha256sum. */
	exe.buf = read_all(UNSIGNED_KO, &exe.len);
	ASSERT_NE(NULL, exe.buf) TH_LOG("%s: %s", UNSIGNED_KO, strerror(errno));
	sha256_hex(exe.buf, exe.len, hex);
	free(exe.buf);
	ASSERT_STREQ(genuine, hex);

	ko_path(path, sizeof(path), MOD);
	good.buf = read_all(path, &good.len);
	ASSERT_NE(NULL, good.buf) TH_LOG("%s: %s", path, strerror(errno));
	/*
	 * Both evil images are the attacker's; under enforcement only the
	 * unsigned one, so that any load that succeeds must be genuine.
	 */
	if (!enforce) {
		evil[nevil].buf = read_all(EVIL_KO, &evil[nevil].len);
		ASSERT_NE(NULL, evil[nevil].buf)
			TH_LOG("%s: %s", EVIL_KO, strerror(errno));
		nevil++;
	}
	evil[nevil].buf = read_all(EVIL_UNSIGNED_KO, &evil[nevil].len);
	ASSERT_NE(NULL, evil[nevil].buf)
		TH_LOG("%s: %s", EVIL_UNSIGNED_KO, strerror(errno));
	nevil++;
	ASSERT_EQ(0, put_file(RACE_KO, &good));

	deadline = now_ms() + RACE_MS;
	fflush(stdout);
	fflush(stderr);
	attacker = fork();
	ASSERT_LE(0, attacker);
	if (!attacker) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		race_attacker(&good, evil, nevil, deadline + 5000);
	}
	self->env.helper = attacker;

	while (loads < RACE_LOADS && now_ms() < deadline &&
	       _metadata->exit_code != KSFT_FAIL) {
		fd = open(RACE_KO, O_RDONLY | O_CLOEXEC);
		ASSERT_LE(0, fd) TH_LOG("%s: %s", RACE_KO, strerror(errno));
		ret = load_fd(fd, "mode=ready");
		close(fd);
		if (ret == -ETXTBSY) {	/* being written: not read at all */
			busy++;
			usleep(1000);
			continue;
		}
		loads++;
		if (ret == -EKEYREJECTED || ret == -EPERM) {
			/* The attacker's image, refused in this boot. */
			EXPECT_EQ(ret, unsigned_load_result())
				TH_LOG("load %d: %s", loads, strerror(-ret));
			EXPECT_TRUE(module_gone(MOD));
			refused++;
			continue;
		}
		ASSERT_EQ(0, ret) TH_LOG("load %d: %s", loads, strerror(-ret));
		ok++;

		attr(MOD, "elf/sha256", sha, sizeof(sha));
		attr(MOD, "elf/signed", sig, sizeof(sig));
		pid = elf_pid(MOD);
		ASSERT_LT(0, pid);

		/* The bytes that run are the bytes that were hashed. */
		snprintf(path, sizeof(path), "/proc/%d/exe", pid);
		exe.buf = read_all(path, &exe.len);
		ASSERT_NE(NULL, exe.buf) TH_LOG("%s: %s", path, strerror(errno));
		sha256_hex(exe.buf, exe.len, hex);
		free(exe.buf);
		EXPECT_STREQ(sha, hex) TH_LOG("load %d: runs other bytes", loads);

		if (!strcmp(sha, genuine)) {
			ok_genuine++;
		} else if (!strcmp(sha, evil_sha)) {
			ok_evil++;
		} else {
			odd++;
			TH_LOG("load %d: sha256 %s is neither image", loads,
			       sha);
		}
		if (!strcmp(sig, "1")) {
			/* Under enforcement only the genuine one is signed. */
			if (enforce)
				EXPECT_STREQ(genuine, sha);
		} else {
			/* Unsigned: the attacker's, where that may load. */
			EXPECT_STREQ("0", sig);
			EXPECT_EQ(0, unsigned_load_result());
			EXPECT_STREQ(evil_sha, sha);
		}

		check_image_sealed(_metadata, pid);
		ASSERT_EQ(0, unload(MOD));
		ASSERT_TRUE(module_gone(MOD));
	}

	kill(attacker, SIGKILL);
	waitpid(attacker, &status, 0);
	self->env.helper = -1;
	free(good.buf);
	free(evil[0].buf);
	if (nevil > 1)
		free(evil[1].buf);

	TH_LOG("%s boot: %d loads, and %d retried after ETXTBSY",
	       boot_name(), loads, busy);
	TH_LOG("%d ran the genuine image, %d the attacker's, %d refused",
	       ok_genuine, ok_evil, refused);
	EXPECT_EQ(0, odd);
	EXPECT_LE(RACE_MIN_OK, ok);
	EXPECT_TRUE(WAIT_UNTIL(count_procs(MOD) == 0));
}

/*
 * capabilities=: the process's sets are cut down to the list (and to the
 * user-mode-helper bounding set, which applies in every case).
 */

/* Load @name (signed, mode "ready") and read its process's capabilities. */
static void load_and_read_caps(struct __test_metadata *_metadata,
			       const char *name, struct caps *c)
{
	pid_t pid;

	ASSERT_EQ(0, load_ko(name, "")) TH_LOG("%s did not load", name);
	pid = elf_pid(name);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, read_caps(pid, c)) TH_LOG("/proc/%d/status", pid);
	TH_LOG("%s: CapInh %016llx CapPrm %016llx CapEff %016llx CapBnd %016llx CapAmb %016llx",
	       name, c->inh, c->prm, c->eff, c->bnd, c->amb);
}

TEST_F_TIMEOUT(security, capabilities_limit, TEST_TIMEOUT)
{
	__u64 mask = CAP_BIT(CAP_NET_ADMIN) | CAP_BIT(CAP_SYS_TIME), bset;
	struct caps c;

	ASSERT_EQ(0, read_umh_bset(&bset));
	/* Normally all of it: usermodehelper_bset_applies runs later. */
	mask &= bset;

	load_and_read_caps(_metadata, CAPS, &c);
	EXPECT_EQ(0ULL, c.bnd & ~mask);
	EXPECT_EQ(0ULL, c.prm & ~mask);
	EXPECT_EQ(0ULL, c.eff & ~mask);
	EXPECT_EQ(0ULL, c.inh & ~mask);
	EXPECT_EQ(0ULL, c.amb & ~mask);
	EXPECT_EQ(mask, c.prm);
	EXPECT_EQ(mask, c.eff);
	EXPECT_EQ(0, kmsg_count(&self->env.log, "no capabilities= limit"));
	EXPECT_EQ(0, unload(CAPS));
	EXPECT_TRUE(module_gone(CAPS));
}

TEST_F_TIMEOUT(security, capabilities_empty_list, TEST_TIMEOUT)
{
	struct caps c;

	load_and_read_caps(_metadata, NOCAPS, &c);
	EXPECT_EQ(0ULL, c.bnd);
	EXPECT_EQ(0ULL, c.prm);
	EXPECT_EQ(0ULL, c.eff);
	EXPECT_EQ(0ULL, c.inh);
	EXPECT_EQ(0ULL, c.amb);
	EXPECT_EQ(0, kmsg_count(&self->env.log, "no capabilities= limit"));
	EXPECT_EQ(0, unload(NOCAPS));
	EXPECT_TRUE(module_gone(NOCAPS));
}

TEST_F_TIMEOUT(security, capabilities_tag_absent, TEST_TIMEOUT)
{
	struct caps c;
	__u64 bset;
	pid_t pid;

	ASSERT_EQ(0, read_umh_bset(&bset));
	ASSERT_EQ(0, load_ko(MOD, "mode=ready"));
	pid = elf_pid(MOD);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, read_caps(pid, &c));
	EXPECT_EQ(c.bnd, c.eff);
	EXPECT_EQ(bset, c.bnd);
	EXPECT_NE(0ULL, c.bnd & CAP_BIT(CAP_SYS_ADMIN));
	EXPECT_TRUE(kmsg_wait(&self->env.log, "elf-module " MOD
			      ": no capabilities= limit: full user-mode-helper capability set"));
	EXPECT_EQ(0, unload(MOD));
	EXPECT_TRUE(module_gone(MOD));
}

TEST_F_TIMEOUT(security, capabilities_unknown_name, TEST_TIMEOUT)
{
	EXPECT_EQ(-EINVAL, load_ko(BADCAP, ""));
	EXPECT_TRUE(kmsg_wait(&self->env.log, "elf-module " BADCAP
			      ": rejected: unknown capability 'cap_bogus'"));
	EXPECT_EQ(1, kmsg_count(&self->env.log, "elf-module"));
	EXPECT_TRUE(module_gone(BADCAP));
	EXPECT_EQ(0, count_procs(BADCAP));
}

/* Hostile parameter strings */

/* @first, then " a" until there are @words words; a string to free(). */
static char *make_words(const char *first, int words)
{
	size_t len = strlen(first);
	char *s;
	int i;

	s = malloc(len + 2 * words + 1);
	if (!s)
		return NULL;
	memcpy(s, first, len);
	for (i = 1; i < words; i++, len += 2)
		memcpy(s + len, " a", 2);
	s[len] = '\0';
	return s;
}

/* Odd quoting: the load works or fails with EINVAL, and nothing is left. */
TEST_F_TIMEOUT(security, params_odd_quoting, TEST_TIMEOUT)
{
	static const char * const params[] = {
		"mode=args a=\"b c",
		"mode=args \"",
		"mode=args \"\"",
		"mode=args a=\"\"\"",
		"mode=args \"a b\" \"c",
		"mode=args = == \"=\" =\"",
		"mode=args a=\"b\"c\" d",
		"mode=args \\\" \\",
		"mode=args \t\n\v\f\r a\n",
	};
	struct kmsg *log = &self->env.log;
	size_t seen = 0;
	unsigned int i;
	int ret, ran = 0;
	char *line, *next;

	for (i = 0; i < ARRAY_SIZE(params); i++) {
		ret = load_ko(MOD, params[i]);
		EXPECT_TRUE(ret == 0 || ret == -EINVAL)
			TH_LOG("'%s': %s", params[i], strerror(-ret));
		EXPECT_TRUE(module_gone(MOD));
		EXPECT_TRUE(WAIT_UNTIL(count_procs(MOD) == 0));
		if (ret)
			continue;
		/* It printed its argv: show what it got. */
		ran++;
		EXPECT_TRUE(WAIT_UNTIL(kmsg_count(log, MOD ": argv[0]=") >= ran));
		TH_LOG("'%s' gave:", params[i]);
		kmsg_collect(log);
		for (line = log->text ? log->text + seen : NULL; line && *line;
		     line = next) {
			next = strchr(line, '\n');
			if (next)
				*next++ = '\0';
			if (strstr(line, MOD ": argv["))
				TH_LOG("  %s", line);
			if (next)
				next[-1] = '\n';
		}
		seen = log->len;
	}
}

/* Parameter strings of @words words, and what loading with them returns. */
static const struct word_case {
	const char *first;
	int words;
	int ret;
} word_cases[] = {
	{ "mode=oneshot", 4000, 0 },
	{ "mode=oneshot", 4095, 0 },
	{ "mode=oneshot", 4096, -E2BIG },
	{ "a", 5000, -E2BIG },
};

/* At most 4095 words: argv[0] is the module name. */
TEST_F_TIMEOUT(security, params_word_limit, TEST_TIMEOUT)
{
	const struct word_case *c;
	unsigned int i;
	char *params;
	int ret;

	for (i = 0; i < ARRAY_SIZE(word_cases); i++) {
		c = &word_cases[i];
		params = make_words(c->first, c->words);
		ASSERT_NE(NULL, params);
		ret = load_ko(MOD, params);
		free(params);
		EXPECT_EQ(c->ret, ret)
			TH_LOG("%d words: %s", c->words,
			       ret ? strerror(-ret) : "loaded");
		EXPECT_TRUE(module_gone(MOD));
		EXPECT_TRUE(WAIT_UNTIL(count_procs(MOD) == 0));
	}
}

/* Parameter strings of @len bytes, and what loading with them returns. */
static const struct size_case {
	size_t len;
	int ret;
} size_cases[] = {
	{ 127 * 1024, 0 },
	{ 129 * 1024, -EINVAL },
};

/* At most 128 KiB of parameters. */
TEST_F_TIMEOUT(security, params_size_limit, TEST_TIMEOUT)
{
	const struct size_case *c;
	unsigned int i;
	char *params;
	int ret;

	for (i = 0; i < ARRAY_SIZE(size_cases); i++) {
		c = &size_cases[i];
		/* One word, "x=aaa...": the program's default mode runs. */
		params = malloc(c->len + 1);
		ASSERT_NE(NULL, params);
		memset(params, 'a', c->len);
		memcpy(params, "x=", 2);
		params[c->len] = '\0';
		ret = load_ko(MOD, params);
		free(params);
		EXPECT_EQ(c->ret, ret)
			TH_LOG("%zu bytes: %s", c->len,
			       ret ? strerror(-ret) : "loaded");
		EXPECT_TRUE(module_gone(MOD));
		EXPECT_TRUE(WAIT_UNTIL(count_procs(MOD) == 0));
	}
}

/* ELF images: the tiny module, changed in memory */

/* The first PT_LOAD program header. */
static struct elf64_phdr *first_load(struct image *img)
{
	struct elf64_phdr *ph;
	unsigned int i;

	for (i = 0; (ph = phdr(img, i)); i++)
		if (ph->p_type == PT_LOAD)
			return ph;
	return NULL;
}

/*
 * The value of name= in .modinfo, copied into @buf; false if the image
 * has none that can be read.
 */
static bool modinfo_name(struct image *img, char *buf, size_t size)
{
	struct elf64_shdr *sh = find_section(img, ".modinfo", NULL);
	char *p, *end;

	if (!sh || !sh->sh_size)
		return false;
	p = (char *)img->buf + sh->sh_offset;
	end = p + sh->sh_size;
	if (end[-1])
		return false;
	for (; p < end; p += strlen(p) + 1)
		if (!strncmp(p, "name=", 5)) {
			snprintf(buf, size, "%s", p + 5);
			return true;
		}
	return false;
}

/*
 * Replace the strings of .modinfo by @entries (up to a NULL), padded with
 * NULs: the section keeps its size and stays NUL-terminated.
 */
static int set_modinfo(struct image *img, const char * const *entries)
{
	struct elf64_shdr *sh = find_section(img, ".modinfo", NULL);
	size_t used = 0, n;
	char *p;

	if (!sh || !sh->sh_size)
		return -1;
	p = (char *)img->buf + sh->sh_offset;
	memset(p, 0, sh->sh_size);
	for (; *entries; entries++) {
		n = strlen(*entries) + 1;
		if (used + n > sh->sh_size)
			return -1;
		memcpy(p + used, *entries, n);
		used += n;
	}
	return 0;
}

/* What a hostile header case changes in the tiny module. */
enum change {
	CH_NONE,
	CH_PHENTSIZE,		/* e_phentsize = arg */
	CH_PHNUM,		/* e_phnum = arg */
	CH_PHOFF,		/* e_phoff = arg */
	CH_PHOFF_LAST_BYTE,	/* e_phoff = the last byte of the file */
	CH_SHOFF,		/* e_shoff = arg */
	CH_SHNUM,		/* e_shnum = arg */
	CH_SHENTSIZE,		/* e_shentsize = arg */
	CH_SHSTRNDX_SHNUM,	/* e_shstrndx = e_shnum */
	CH_EI_VERSION,		/* e_ident[EI_VERSION] = arg */
	CH_VERSION,		/* e_version = arg */
	CH_EHSIZE,		/* e_ehsize = arg */
	CH_FILESZ_OVER_MEMSZ,	/* first PT_LOAD: p_filesz = p_memsz + 1 */
	CH_LOAD_PAST_END,	/* first PT_LOAD: ends one byte past the file */
	CH_LOAD_OFFSET,		/* first PT_LOAD: p_offset = arg, p_filesz 1 */
	CH_TRUNCATE,		/* cut the file where enum cut @arg says */
	CH_MODINFO_OFFSET,	/* .modinfo: sh_offset = arg */
	CH_MODINFO_SIZE,	/* .modinfo: sh_size = arg */
	CH_MODINFO_TYPE,	/* .modinfo: sh_type = arg */
	CH_MODINFO,		/* new .modinfo strings */
};

enum cut {
	CUT_64,		/* the ELF header alone */
	CUT_PHOFF,	/* at the program headers */
	CUT_PHDR1,	/* after the first program header */
	CUT_SHOFF,	/* at the section headers */
	CUT_SHDR1,	/* after the first section header */
};

/* Cut @img where @where says; 1 if that is not shorter than the file. */
static int truncate_image(struct image *img, __u64 where)
{
	struct elf64_hdr *eh = ehdr(img);
	__u64 at;

	switch (where) {
	case CUT_64:
		at = sizeof(*eh);
		break;
	case CUT_PHOFF:
		at = eh->e_phoff;
		break;
	case CUT_PHDR1:
		if (eh->e_phnum < 2)
			return -1;
		at = eh->e_phoff + eh->e_phentsize;
		break;
	case CUT_SHOFF:
		at = eh->e_shoff;
		break;
	default:
		if (eh->e_shnum < 2)
			return -1;
		at = eh->e_shoff + sizeof(struct elf64_shdr);
		break;
	}
	if (at >= img->len)
		return 1;
	img->len = at;
	return 0;
}

/* Change the first PT_LOAD segment as @change says. */
static int change_load(struct image *img, enum change change, __u64 arg)
{
	struct elf64_phdr *ph = first_load(img);

	if (!ph)
		return -1;
	switch (change) {
	case CH_FILESZ_OVER_MEMSZ:
		if (ph->p_memsz >= img->len - ph->p_offset)
			return -1;
		ph->p_filesz = ph->p_memsz + 1;
		break;
	case CH_LOAD_PAST_END:
		if (ph->p_filesz > img->len)
			return -1;
		ph->p_offset = img->len + 1 - ph->p_filesz;
		break;
	default:
		if (!ph->p_memsz)
			return -1;
		ph->p_offset = arg;
		ph->p_filesz = 1;
		break;
	}
	return 0;
}

/* Change the .modinfo section header as @change says. */
static int change_modinfo(struct image *img, enum change change, __u64 arg)
{
	struct elf64_shdr *sh = find_section(img, ".modinfo", NULL);

	if (!sh)
		return -1;
	if (change == CH_MODINFO_OFFSET)
		sh->sh_offset = arg;
	else if (change == CH_MODINFO_SIZE)
		sh->sh_size = arg;
	else
		sh->sh_type = arg;
	return 0;
}

/*
 * Make the change @change (with @arg, or the .modinfo strings @modinfo) to
 * @img.  Returns 0, -1 if the image has nothing to change, or 1 if the
 * case does not apply to it.
 */
static int change_image(struct image *img, enum change change, __u64 arg,
			const char * const *modinfo)
{
	struct elf64_hdr *eh = ehdr(img);

	switch (change) {
	case CH_NONE:
		break;
	case CH_PHENTSIZE:
		eh->e_phentsize = arg;
		break;
	case CH_PHNUM:
		eh->e_phnum = arg;
		break;
	case CH_PHOFF:
		eh->e_phoff = arg;
		break;
	case CH_PHOFF_LAST_BYTE:
		eh->e_phoff = img->len - 1;
		break;
	case CH_SHOFF:
		eh->e_shoff = arg;
		break;
	case CH_SHNUM:
		eh->e_shnum = arg;
		break;
	case CH_SHENTSIZE:
		eh->e_shentsize = arg;
		break;
	case CH_SHSTRNDX_SHNUM:
		eh->e_shstrndx = eh->e_shnum;
		break;
	case CH_EI_VERSION:
		eh->e_ident[EI_VERSION] = arg;
		break;
	case CH_VERSION:
		eh->e_version = arg;
		break;
	case CH_EHSIZE:
		eh->e_ehsize = arg;
		break;
	case CH_FILESZ_OVER_MEMSZ:
	case CH_LOAD_PAST_END:
	case CH_LOAD_OFFSET:
		return change_load(img, change, arg);
	case CH_TRUNCATE:
		return truncate_image(img, arg);
	case CH_MODINFO_OFFSET:
	case CH_MODINFO_SIZE:
	case CH_MODINFO_TYPE:
		return change_modinfo(img, change, arg);
	case CH_MODINFO:
		return set_modinfo(img, modinfo);
	}
	return 0;
}

/*
 * Hostile headers: every case must fail with ENOEXEC (EINVAL for a bad
 * capabilities= list or limit, EEXIST for the name of a built-in
 * module), log exactly one "elf-module" line saying why, and start
 * nothing.  Three controls show that the image and the rewriting of
 * .modinfo are sound: the tiny module unchanged, with a name of 55
 * characters, and with valid limits, loads and exits 0.  Where
 * signatures are enforced or lockdown is on, every case (all unsigned)
 * is refused before the image is looked at: no "elf-module" line at all.
 */

FIXTURE(hostile_header) {
	struct env env;
	struct image img;
};

FIXTURE_VARIANT(hostile_header) {
	enum change change;
	__u64 arg;
	/* For CH_MODINFO: the new strings of .modinfo. */
	const char * const *modinfo;
	/* The result in the plain boot, and what the kernel log says. */
	int ret;
	const char *reason;
	/* The module name, for the controls (ret 0). */
	const char *name;
};

#define PH_OOB		"program headers out of bounds"
#define SH_OOB		"section headers out of bounds"
#define SEG_OOB		"segment out of bounds"
#define MODINFO_OOB	".modinfo out of bounds"
#define BAD_NAME	"bad name= in .modinfo"
#define DUPLICATE	"duplicate tag in .modinfo"

FIXTURE_VARIANT_ADD(hostile_header, control_unchanged) {
	.change = CH_NONE, .ret = 0, .name = TINY,
};

FIXTURE_VARIANT_ADD(hostile_header, phentsize_0) {
	.change = CH_PHENTSIZE, .arg = 0,
	.ret = -ENOEXEC, .reason = PH_OOB,
};

FIXTURE_VARIANT_ADD(hostile_header, phentsize_1) {
	.change = CH_PHENTSIZE, .arg = 1,
	.ret = -ENOEXEC, .reason = PH_OOB,
};

FIXTURE_VARIANT_ADD(hostile_header, phentsize_57) {
	.change = CH_PHENTSIZE, .arg = 57,
	.ret = -ENOEXEC, .reason = PH_OOB,
};

FIXTURE_VARIANT_ADD(hostile_header, phnum_0) {
	.change = CH_PHNUM, .arg = 0,
	.ret = -ENOEXEC, .reason = PH_OOB,
};

FIXTURE_VARIANT_ADD(hostile_header, phoff_last_byte) {
	.change = CH_PHOFF_LAST_BYTE, .arg = 0,
	.ret = -ENOEXEC, .reason = PH_OOB,
};

FIXTURE_VARIANT_ADD(hostile_header, phoff_max) {
	.change = CH_PHOFF, .arg = ~0ULL,
	.ret = -ENOEXEC, .reason = PH_OOB,
};

FIXTURE_VARIANT_ADD(hostile_header, shoff_max) {
	.change = CH_SHOFF, .arg = ~0ULL,
	.ret = -ENOEXEC, .reason = SH_OOB,
};

FIXTURE_VARIANT_ADD(hostile_header, shnum_0) {
	.change = CH_SHNUM, .arg = 0,
	.ret = -ENOEXEC, .reason = SH_OOB,
};

FIXTURE_VARIANT_ADD(hostile_header, shstrndx_shnum) {
	.change = CH_SHSTRNDX_SHNUM, .arg = 0,
	.ret = -ENOEXEC, .reason = SH_OOB,
};

FIXTURE_VARIANT_ADD(hostile_header, shentsize_0) {
	.change = CH_SHENTSIZE, .arg = 0,
	.ret = -ENOEXEC, .reason = SH_OOB,
};

FIXTURE_VARIANT_ADD(hostile_header, load_filesz_over_memsz) {
	.change = CH_FILESZ_OVER_MEMSZ, .arg = 0,
	.ret = -ENOEXEC, .reason = SEG_OOB,
};

FIXTURE_VARIANT_ADD(hostile_header, load_ends_past_file) {
	.change = CH_LOAD_PAST_END, .arg = 0,
	.ret = -ENOEXEC, .reason = SEG_OOB,
};

FIXTURE_VARIANT_ADD(hostile_header, load_offset_max) {
	.change = CH_LOAD_OFFSET, .arg = ~0ULL,
	.ret = -ENOEXEC, .reason = SEG_OOB,
};

FIXTURE_VARIANT_ADD(hostile_header, truncated_64) {
	.change = CH_TRUNCATE, .arg = CUT_64,
	.ret = -ENOEXEC, .reason = PH_OOB,
};

FIXTURE_VARIANT_ADD(hostile_header, truncated_phoff) {
	.change = CH_TRUNCATE, .arg = CUT_PHOFF,
	.ret = -ENOEXEC, .reason = PH_OOB,
};

FIXTURE_VARIANT_ADD(hostile_header, truncated_phdr1) {
	.change = CH_TRUNCATE, .arg = CUT_PHDR1,
	.ret = -ENOEXEC, .reason = PH_OOB,
};

FIXTURE_VARIANT_ADD(hostile_header, truncated_shoff) {
	.change = CH_TRUNCATE, .arg = CUT_SHOFF,
	.ret = -ENOEXEC, .reason = SH_OOB,
};

FIXTURE_VARIANT_ADD(hostile_header, truncated_shdr1) {
	.change = CH_TRUNCATE, .arg = CUT_SHDR1,
	.ret = -ENOEXEC, .reason = SH_OOB,
};

FIXTURE_VARIANT_ADD(hostile_header, ei_version_0) {
	.change = CH_EI_VERSION, .arg = 0,
	.ret = -ENOEXEC, .reason = "unknown ELF version",
};

FIXTURE_VARIANT_ADD(hostile_header, e_version_0) {
	.change = CH_VERSION, .arg = 0,
	.ret = -ENOEXEC, .reason = "unknown ELF version",
};

FIXTURE_VARIANT_ADD(hostile_header, ehsize_0) {
	.change = CH_EHSIZE, .arg = 0,
	.ret = -ENOEXEC, .reason = "truncated ELF header",
};

FIXTURE_VARIANT_ADD(hostile_header, modinfo_offset_max) {
	.change = CH_MODINFO_OFFSET, .arg = ~0ULL,
	.ret = -ENOEXEC, .reason = MODINFO_OOB,
};

FIXTURE_VARIANT_ADD(hostile_header, modinfo_size_max) {
	.change = CH_MODINFO_SIZE, .arg = ~0ULL,
	.ret = -ENOEXEC, .reason = MODINFO_OOB,
};

FIXTURE_VARIANT_ADD(hostile_header, modinfo_nobits) {
	.change = CH_MODINFO_TYPE, .arg = SHT_NOBITS,
	.ret = -ENOEXEC, .reason = MODINFO_OOB,
};

FIXTURE_VARIANT_ADD(hostile_header, control_name_55) {
	.change = CH_MODINFO,
	.modinfo = (const char * const []){ "name=" NAME_55, NULL },
	.ret = 0, .name = NAME_55,
};

FIXTURE_VARIANT_ADD(hostile_header, name_slash) {
	.change = CH_MODINFO,
	.modinfo = (const char * const []){ "name=a/b", NULL },
	.ret = -ENOEXEC, .reason = BAD_NAME,
};

FIXTURE_VARIANT_ADD(hostile_header, name_dotdot) {
	.change = CH_MODINFO,
	.modinfo = (const char * const []){ "name=..", NULL },
	.ret = -ENOEXEC, .reason = BAD_NAME,
};

FIXTURE_VARIANT_ADD(hostile_header, name_space) {
	.change = CH_MODINFO,
	.modinfo = (const char * const []){ "name=a b", NULL },
	.ret = -ENOEXEC, .reason = BAD_NAME,
};

FIXTURE_VARIANT_ADD(hostile_header, name_empty) {
	.change = CH_MODINFO,
	.modinfo = (const char * const []){ "name=", NULL },
	.ret = -ENOEXEC, .reason = BAD_NAME,
};

FIXTURE_VARIANT_ADD(hostile_header, name_56) {
	.change = CH_MODINFO,
	.modinfo = (const char * const []){ "name=" NAME_56, NULL },
	.ret = -ENOEXEC, .reason = BAD_NAME,
};

FIXTURE_VARIANT_ADD(hostile_header, name_of_builtin) {
	.change = CH_MODINFO,
	.modinfo = (const char * const []){ "name=printk", NULL },
	.ret = -EEXIST, .reason = "name taken by a built-in module",
};

/* A built-in module without parameters, so without /sys/module/NAME. */
FIXTURE_VARIANT_ADD(hostile_header, name_of_builtin_module) {
	.change = CH_MODINFO,
	.modinfo = (const char * const []){ "name=rsa_generic", NULL },
	.ret = -EEXIST, .reason = "name taken by a built-in module",
};

FIXTURE_VARIANT_ADD(hostile_header, name_twice) {
	.change = CH_MODINFO,
	.modinfo = (const char * const []){
		"name=" TINY, "name=" TINY "2", NULL,
	},
	.ret = -ENOEXEC, .reason = DUPLICATE,
};

FIXTURE_VARIANT_ADD(hostile_header, caps_unknown) {
	.change = CH_MODINFO,
	.modinfo = (const char * const []){
		"name=" TINY, "capabilities=cap_bogus", NULL,
	},
	.ret = -EINVAL, .reason = "unknown capability 'cap_bogus'",
};

FIXTURE_VARIANT_ADD(hostile_header, caps_empty_item) {
	.change = CH_MODINFO,
	.modinfo = (const char * const []){
		"name=" TINY, "capabilities=cap_net_admin,,cap_sys_time", NULL,
	},
	.ret = -EINVAL, .reason = "unknown capability ''",
};

FIXTURE_VARIANT_ADD(hostile_header, caps_twice) {
	.change = CH_MODINFO,
	.modinfo = (const char * const []){
		"name=" TINY, "capabilities=", "capabilities=", NULL,
	},
	.ret = -ENOEXEC, .reason = DUPLICATE,
};

FIXTURE_VARIANT_ADD(hostile_header, limits_valid) {
	.change = CH_MODINFO,
	.modinfo = (const char * const []){
		"name=" TINY, "memory_max=16M", "pids_max=1", NULL,
	},
	.ret = 0, .name = TINY,
};

FIXTURE_VARIANT_ADD(hostile_header, memory_max_bad_suffix) {
	.change = CH_MODINFO,
	.modinfo = (const char * const []){
		"name=" TINY, "memory_max=12Q", NULL,
	},
	.ret = -EINVAL, .reason = "bad memory_max= in .modinfo: '12Q'",
};

FIXTURE_VARIANT_ADD(hostile_header, memory_max_zero) {
	.change = CH_MODINFO,
	.modinfo = (const char * const []){
		"name=" TINY, "memory_max=0", NULL,
	},
	.ret = -EINVAL, .reason = "bad memory_max= in .modinfo: '0'",
};

FIXTURE_VARIANT_ADD(hostile_header, memory_max_overflow) {
	.change = CH_MODINFO,
	.modinfo = (const char * const []){
		"name=" TINY, "memory_max=17179869184G", NULL,
	},
	.ret = -EINVAL,
	.reason = "bad memory_max= in .modinfo: '17179869184G'",
};

FIXTURE_VARIANT_ADD(hostile_header, pids_max_zero) {
	.change = CH_MODINFO,
	.modinfo = (const char * const []){
		"name=" TINY, "pids_max=0", NULL,
	},
	.ret = -EINVAL, .reason = "bad pids_max= in .modinfo: '0'",
};

FIXTURE_VARIANT_ADD(hostile_header, pids_max_negative) {
	.change = CH_MODINFO,
	.modinfo = (const char * const []){
		"name=" TINY, "pids_max=-1", NULL,
	},
	.ret = -EINVAL, .reason = "bad pids_max= in .modinfo: '-1'",
};

FIXTURE_VARIANT_ADD(hostile_header, pids_max_twice) {
	.change = CH_MODINFO,
	.modinfo = (const char * const []){
		"name=" TINY, "pids_max=4", "pids_max=4", NULL,
	},
	.ret = -ENOEXEC, .reason = DUPLICATE,
};

FIXTURE_VARIANT_ADD(hostile_header, restart_twice) {
	.change = CH_MODINFO,
	.modinfo = (const char * const []){
		"name=" TINY, "restart=no", "restart=always", NULL,
	},
	.ret = -ENOEXEC, .reason = DUPLICATE,
};

FIXTURE_VARIANT_ADD(hostile_header, restart_max_twice) {
	.change = CH_MODINFO,
	.modinfo = (const char * const []){
		"name=" TINY, "restart_max=1", "restart_max=1", NULL,
	},
	.ret = -ENOEXEC, .reason = DUPLICATE,
};

FIXTURE_VARIANT_ADD(hostile_header, watchdog_ms_twice) {
	.change = CH_MODINFO,
	.modinfo = (const char * const []){
		"name=" TINY, "watchdog_ms=1000", "watchdog_ms=2000", NULL,
	},
	.ret = -ENOEXEC, .reason = DUPLICATE,
};

FIXTURE_SETUP(hostile_header)
{
	struct elf64_hdr *eh;

	self->img.buf = NULL;
	if (!env_setup(_metadata, &self->env))
		SKIP(return, "must be run as root");
	self->img.buf = read_all(TINY_KO, &self->img.len);
	ASSERT_NE(NULL, self->img.buf)
		TH_LOG("%s: %s", TINY_KO, strerror(errno));
	ASSERT_LE(sizeof(*eh), self->img.len);
	eh = ehdr(&self->img);
	ASSERT_EQ(0, memcmp(eh->e_ident, ELFMAG, SELFMAG));
	ASSERT_EQ(ELFCLASS64, eh->e_ident[EI_CLASS]);
}

FIXTURE_TEARDOWN_PARENT(hostile_header)
{
	env_teardown(_metadata, &self->env);
}

TEST_F_TIMEOUT(hostile_header, load, TEST_TIMEOUT)
{
	struct kmsg *log = &self->env.log;
	char want[160];
	int ret, expected;

	ret = change_image(&self->img, variant->change, variant->arg,
			   variant->modinfo);
	if (ret > 0)
		SKIP(return, "the case does not apply to %s", TINY_KO);
	ASSERT_EQ(0, ret) TH_LOG("%s has nothing to change for this case",
				 TINY_KO);

	expected = boot_mode() == BOOT_PLAIN ? variant->ret :
					       unsigned_load_result();
	ret = load_image(self->img.buf, self->img.len, "");
	free(self->img.buf);
	self->img.buf = NULL;
	ASSERT_EQ(expected, ret) TH_LOG("%s boot: %s", boot_name(),
					ret ? strerror(-ret) : "loaded");

	if (boot_mode() != BOOT_PLAIN) {
		EXPECT_EQ(0, kmsg_count(log, "elf-module"));
	} else if (ret) {
		snprintf(want, sizeof(want), ": rejected: %s", variant->reason);
		EXPECT_TRUE(kmsg_wait(log, want))
			TH_LOG("no \"elf-module...%s\" in the kernel log", want);
		EXPECT_EQ(1, kmsg_count(log, "elf-module"));
		EXPECT_EQ(0, kmsg_count(log, ": started pid "));
	} else {
		snprintf(want, sizeof(want), "elf-module %s: stopped (exit 0)",
			 variant->name);
		EXPECT_TRUE(kmsg_wait(log, want))
			TH_LOG("no \"%s\" in the kernel log", want);
	}
	EXPECT_TRUE(module_gone(TINY));
	EXPECT_EQ(0, count_procs(TINY));
	if (variant->name) {
		EXPECT_TRUE(module_gone(variant->name));
		EXPECT_TRUE(WAIT_UNTIL(count_procs(variant->name) == 0));
	}
}

/*
 * The mutation fuzzer: copies of the tiny module with a few bytes changed,
 * mostly in its headers and .modinfo, some truncated, fed to init_module().
 * Whatever happens, the call returns 0 or an errno (the program's exit
 * status counts as one), and nothing is left loaded or running.  A
 * deterministic sequence: UMH_ELF_FUZZ_SEED and UMH_ELF_FUZZ_ITERS.
 */

static __u64 env_number(const char *name, __u64 def)
{
	const char *v = getenv(name);
	char *end;
	__u64 n;

	if (!v || !*v)
		return def;
	n = strtoull(v, &end, 0);
	return *end ? def : n;
}

/* splitmix64 */
static __u64 rnd(__u64 *state)
{
	__u64 z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

struct range {
	size_t off, len;
};

/* Where the fuzzer changes bytes. */
struct fuzz_map {
	struct range head;	/* the first 512 bytes */
	struct range phdrs, shdrs, modinfo, shstrtab;
	struct range code[8];	/* executable segments: left alone */
	unsigned int ncode;
};

static struct range clip(struct image *img, __u64 off, __u64 len)
{
	struct range r = { 0, 0 };

	if (off < img->len) {
		r.off = off;
		r.len = len < img->len - off ? len : img->len - off;
	}
	return r;
}

static void fuzz_map_init(struct image *img, struct fuzz_map *m)
{
	struct elf64_hdr *eh = ehdr(img);
	struct elf64_shdr *sh;
	struct elf64_phdr *ph;
	unsigned int i;

	memset(m, 0, sizeof(*m));
	m->head = clip(img, 0, 512);
	m->phdrs = clip(img, eh->e_phoff, (__u64)eh->e_phnum * eh->e_phentsize);
	m->shdrs = clip(img, eh->e_shoff, (__u64)eh->e_shnum * eh->e_shentsize);
	sh = find_section(img, ".modinfo", NULL);
	if (sh)
		m->modinfo = clip(img, sh->sh_offset, sh->sh_size);
	sh = shdr(img, eh->e_shstrndx);
	if (sh)
		m->shstrtab = clip(img, sh->sh_offset, sh->sh_size);
	for (i = 0; (ph = phdr(img, i)) && m->ncode < ARRAY_SIZE(m->code); i++)
		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X))
			m->code[m->ncode++] = clip(img, ph->p_offset,
						   ph->p_filesz);
}

static bool in_code(const struct fuzz_map *m, size_t off)
{
	unsigned int i;

	for (i = 0; i < m->ncode; i++)
		if (off >= m->code[i].off && off - m->code[i].off < m->code[i].len)
			return true;
	return false;
}

/* An offset to change: mostly in the headers and .modinfo, never in code. */
static size_t fuzz_offset(const struct fuzz_map *m, size_t len, __u64 *state)
{
	const struct range *r;
	size_t off;
	int tries;

	for (tries = 0; tries < 16; tries++) {
		switch (rnd(state) % 16) {
		case 0 ... 5:
			r = &m->head;
			break;
		case 6 ... 8:
			r = &m->phdrs;
			break;
		case 9 ... 10:
			r = &m->shdrs;
			break;
		case 11 ... 13:
			r = &m->modinfo;
			break;
		case 14:
			r = &m->shstrtab;
			break;
		default:
			r = NULL;	/* anywhere */
			break;
		}
		if (r && !r->len)
			continue;
		off = r ? r->off + rnd(state) % r->len : rnd(state) % len;
		if (!in_code(m, off))
			return off;
	}
	return 0;
}

static void fuzz_byte(unsigned char *b, __u64 *state)
{
	static const unsigned char values[] = {
		0x00, 0x01, 0x02, 0x07, 0x38, 0x40, 0x7f, 0x80, 0xfe, 0xff,
		'=', '/', ' ', ',',
	};
	__u64 r = rnd(state);

	switch (r % 4) {
	case 0:
		*b ^= 1 << (r >> 8) % 8;
		break;
	case 1:
		*b = r >> 8;
		break;
	case 2:
		*b = values[(r >> 8) % sizeof(values)];
		break;
	default:
		*b += (r >> 8) & 1 ? 1 : -1;
		break;
	}
}

/* The module names in /proc/modules, one per line; a string to free(). */
static char *module_names(void)
{
	char *text, *line, *sp, *names, *p;
	size_t len;

	text = read_all("/proc/modules", &len);
	if (!text)
		return NULL;
	names = malloc(len + 2);
	if (!names) {
		free(text);
		return NULL;
	}
	p = names;
	*p++ = '\n';
	for (line = text; line < text + len; line = sp + 1) {
		sp = memchr(line, '\n', text + len - line);
		if (!sp)
			sp = text + len;
		p += sprintf(p, "%.*s\n", (int)strcspn(line, "\n "), line);
	}
	*p = '\0';
	free(text);
	return names;
}

TEST_F_TIMEOUT(security, mutation_fuzzer, FUZZ_TIMEOUT)
{
	__u64 seed = env_number("UMH_ELF_FUZZ_SEED", FUZZ_SEED);
	__u64 iters = env_number("UMH_ELF_FUZZ_ITERS", FUZZ_ITERS);
	__u64 ms = env_number("UMH_ELF_FUZZ_MS",
			      (iters + 1999) / 2000 * FUZZ_MS_PER_2000);
	char name[64], want[80], *before, *after, *line, *next;
	int hist[256] = { 0 }, odd = 0, left = 0, ret, e;
	struct image pristine, img;
	struct fuzz_map map;
	long long deadline;
	__u64 i, state;
	int flips, f;

	pristine.buf = read_all(TINY_KO, &pristine.len);
	ASSERT_NE(NULL, pristine.buf) TH_LOG("%s: %s", TINY_KO, strerror(errno));
	ASSERT_LE(sizeof(struct elf64_hdr), pristine.len);
	img.buf = malloc(pristine.len);
	ASSERT_NE(NULL, img.buf);
	fuzz_map_init(&pristine, &map);
	ASSERT_NE(0UL, map.modinfo.len) TH_LOG("%s: no .modinfo", TINY_KO);
	before = module_names();
	ASSERT_NE(NULL, before);
	ASSERT_EQ(0, write_text(READY_TIMEOUT, FUZZ_READY_MS));

	state = seed;
	deadline = now_ms() + ms;
	for (i = 0; i < iters && now_ms() < deadline; i++) {
		memcpy(img.buf, pristine.buf, pristine.len);
		img.len = pristine.len;
		flips = 1 + rnd(&state) % 8;
		for (f = 0; f < flips; f++)
			fuzz_byte(img.buf + fuzz_offset(&map, img.len, &state),
				  &state);
		if (rnd(&state) % 16 == 0)
			img.len = rnd(&state) % img.len;

		ret = load_image(img.buf, img.len, "");
		e = -ret;
		if (ret > 0 || e > 255) {
			if (odd++ < 10)
				TH_LOG("iteration %llu: returned %d", i, ret);
			continue;
		}
		hist[e]++;
		if (ret)
			continue;
		/* A one-shot program that exited 0: nothing may stay. */
		if (!modinfo_name(&img, name, sizeof(name)))
			snprintf(name, sizeof(name), "%s", TINY);
		if (!module_gone(name)) {
			if (left++ < 10)
				TH_LOG("iteration %llu: %s left loaded", i, name);
			unload(name);
		}
	}

	TH_LOG("seed %llu: %llu of %llu iterations in the %s boot",
	       seed, i, iters, boot_name());
	for (e = 0; e < 256; e++)
		if (hist[e])
			TH_LOG("  %3d %-30s %d", e, e ? strerror(e) : "loaded",
			       hist[e]);
	EXPECT_EQ(iters, i) TH_LOG("deadline of %llu ms reached", ms);
	EXPECT_EQ(0, odd);
	EXPECT_EQ(0, left);
	EXPECT_TRUE(WAIT_UNTIL(count_procs(TINY) == 0));
	EXPECT_TRUE(module_gone(TINY));

	/* No module that was not there before, whatever its name. */
	after = module_names();
	ASSERT_NE(NULL, after);
	for (line = after + 1; *line; line = next) {
		next = strchr(line, '\n') + 1;
		snprintf(want, sizeof(want), "\n%.*s\n",
			 (int)(next - line - 1), line);
		if (strstr(before, want))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(next - line - 1),
			 line);
		TH_LOG("module %s is left", name);
		unload(name);
		left++;
	}
	EXPECT_EQ(0, left);
	free(before);
	free(after);
	free(img.buf);
	free(pristine.buf);
}

/*
 * A program that exec refuses after it joined the module's cgroup (its
 * first PT_LOAD asks for 1 TiB, which the loader's checks let through and
 * exec cannot map: -ENOMEM): each load fails with exec's errno and one
 * line, and the name is free when it returns: the unchanged module loads
 * at once, with no "still alive" refusal.  In the plain boot (the others
 * refuse the unsigned copies before any exec).
 */
TEST_F_TIMEOUT(security, exec_failure_frees_the_name, TEST_TIMEOUT)
{
	struct kmsg *log = &self->env.log;
	struct elf64_phdr *ph;
	struct image img;
	int i, rounds = 20;

	if (boot_mode() != BOOT_PLAIN)
		SKIP(return, "the %s boot refuses unsigned images", boot_name());
	img.buf = read_all(TINY_KO, &img.len);
	ASSERT_NE(NULL, img.buf) TH_LOG("%s: %s", TINY_KO, strerror(errno));
	for (i = 0; i < rounds; i++) {
		ph = first_load(&img);
		ASSERT_NE(NULL, ph);
		ph->p_memsz = 1ULL << 40;
		ASSERT_EQ(-ENOMEM, load_image(img.buf, img.len, ""));
		free(img.buf);
		img.buf = read_all(TINY_KO, &img.len);
		ASSERT_NE(NULL, img.buf);
		ASSERT_EQ(0, load_image(img.buf, img.len, ""))
			TH_LOG("round %d: the load after a failed exec", i);
	}
	free(img.buf);
	EXPECT_EQ(rounds, kmsg_count(log, "elf-module " TINY
				     ": exec failed: -12"));
	EXPECT_EQ(0, kmsg_count(log, "is still alive"));
	EXPECT_TRUE(WAIT_UNTIL(count_procs(TINY) == 0));
}

/*
 * finit_module() of an fd that is not a regular file: a FIFO that holds
 * the start of an ELF module (a reader that took it for a file would
 * block on it, or find ET_EXEC) and a directory.  Both fail at once with
 * -EINVAL, as for a regular module, and the FIFO's bytes stay unread.
 */
TEST_F_TIMEOUT(security, finit_of_a_fifo_or_directory_fails, TEST_TIMEOUT)
{
	const char *fifo = "/tmp/umh_elf_fifo";
	struct image img;
	char buf[64];
	int fd;

	img.buf = read_all(TINY_KO, &img.len);
	ASSERT_NE(NULL, img.buf) TH_LOG("%s: %s", TINY_KO, strerror(errno));
	unlink(fifo);
	ASSERT_EQ(0, mkfifo(fifo, 0600));
	fd = open(fifo, O_RDWR | O_CLOEXEC);	/* does not wait for a peer */
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)sizeof(buf), write(fd, img.buf, sizeof(buf)));
	free(img.buf);

	EXPECT_EQ(-EINVAL, load_fd(fd, ""));
	EXPECT_EQ(0, fcntl(fd, F_SETFL, O_NONBLOCK));
	EXPECT_EQ((ssize_t)sizeof(buf), read(fd, buf, sizeof(buf)))
		TH_LOG("the loader read from the FIFO");
	close(fd);
	unlink(fifo);

	fd = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EINVAL, load_fd(fd, ""));
	close(fd);
	EXPECT_TRUE(module_gone(TINY));
}

/*
 * Last, what cannot be undone: these tests belong to the fixture defined
 * last, so they run after all the others, in this order.
 */

FIXTURE(irreversible) {
	struct env env;
};

FIXTURE_SETUP(irreversible)
{
	if (!env_setup(_metadata, &self->env))
		SKIP(return, "must be run as root");
}

FIXTURE_TEARDOWN_PARENT(irreversible)
{
	env_teardown(_metadata, &self->env);
}

/*
 * /proc/sys/kernel/usermodehelper/bset applies to ELF modules too, with or
 * without capabilities=.  A write to it can only drop capabilities (the
 * kernel intersects the old set with the new): CAP_SYS_TIME stays out of
 * the user-mode-helper bounding set until the next boot, which is why
 * this test comes after the others that load umh_elf_caps.  Nothing that
 * runs after it in the guest needs CAP_SYS_TIME.
 */
TEST_F_TIMEOUT(irreversible, usermodehelper_bset_applies, TEST_TIMEOUT)
{
	__u64 bset, now;
	struct caps c;

	/* Irreversible: keep the plain boot, where every test runs, intact. */
	if (boot_mode() == BOOT_PLAIN)
		SKIP(return, "changes the helper bounding set for good");
	ASSERT_EQ(0, read_umh_bset(&bset));
	ASSERT_NE(0ULL, bset & CAP_BIT(CAP_NET_ADMIN));
	ASSERT_EQ(0, write_umh_bset(bset & ~CAP_BIT(CAP_SYS_TIME)));
	ASSERT_EQ(0, read_umh_bset(&now));
	ASSERT_EQ(bset & ~CAP_BIT(CAP_SYS_TIME), now);

	load_and_read_caps(_metadata, CAPS, &c);
	EXPECT_EQ(0ULL, c.bnd & CAP_BIT(CAP_SYS_TIME));
	EXPECT_EQ(0ULL, c.prm & CAP_BIT(CAP_SYS_TIME));
	EXPECT_EQ(0ULL, c.eff & CAP_BIT(CAP_SYS_TIME));
	EXPECT_NE(0ULL, c.bnd & CAP_BIT(CAP_NET_ADMIN));
	EXPECT_NE(0ULL, c.prm & CAP_BIT(CAP_NET_ADMIN));
	EXPECT_NE(0ULL, c.eff & CAP_BIT(CAP_NET_ADMIN));
	EXPECT_EQ(0, unload(CAPS));
	EXPECT_TRUE(module_gone(CAPS));
}

/* The very last test: no module loads after it, in this boot. */
TEST_F_TIMEOUT(irreversible, modules_disabled, TEST_TIMEOUT)
{
	char buf[16];
	size_t len;
	void *image;
	int ret;

	if (boot_mode() != BOOT_ENFORCE)
		SKIP(return, "only in the boot with module.sig_enforce=1");
	image = read_all(TINY_KO, &len);
	ASSERT_NE(NULL, image) TH_LOG("%s: %s", TINY_KO, strerror(errno));

	ASSERT_EQ(0, write_text(MODULES_DISABLED, "1"));
	read_text(MODULES_DISABLED, buf, sizeof(buf));
	EXPECT_STREQ("1", buf);

	EXPECT_EQ(-EPERM, load_ko(MOD, "mode=ready"));
	EXPECT_EQ(-EPERM, load_ko(REGULAR, ""));
	EXPECT_EQ(-EPERM, load_path(UNSIGNED_KO, "mode=ready"));
	ret = load_image(image, len, "");
	free(image);
	EXPECT_EQ(-EPERM, ret);
	EXPECT_TRUE(module_gone(MOD));
	EXPECT_TRUE(module_gone(REGULAR));
	EXPECT_TRUE(module_gone(TINY));
	EXPECT_EQ(0, count_procs(MOD));
	EXPECT_EQ(0, kmsg_count(&self->env.log, "elf-module"));
}

TEST_HARNESS_MAIN
