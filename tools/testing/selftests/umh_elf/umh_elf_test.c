// SPDX-License-Identifier: GPL-2.0
/*
 * Tests for ELF modules: statically linked user-space programs that
 * init_module() and finit_module() accept as modules and run as supervised
 * processes (see Documentation/admin-guide/elf-modules.rst).
 *
 * The program loaded is test_module.c, built as umh_elf_test.ko and
 * umh_elf_test2.ko; its parameters choose what it does.  The tests run as
 * root, with module signatures not enforced, and expect what the project's
 * test guest provides:
 *
 *	/lib/modules/$(uname -r)/extra/umh_elf_test.ko		signed
 *	/lib/modules/$(uname -r)/extra/umh_elf_test2.ko		signed
 *	/lib/modules/$(uname -r)/extra/umh_elf_regular.ko	a regular module
 *	/opt/umh_elf/umh_elf_test.unsigned.ko	the same program, unsigned
 *	/opt/umh_elf/umh_elf_test.sha256	its SHA-256, in hex
 *	/sbin/{modprobe,rmmod,lsmod,modinfo}	kmod, with depmod run
 *
 * They check what a user sees: the result of the load and unload
 * syscalls, /proc/modules, /sys/module/NAME, the module's processes in
 * /proc and the kernel log in /dev/kmsg.  The bad_image tests feed
 * init_module() broken copies of the unsigned program and expect each to
 * be rejected for the right reason.
 *
 * Each test starts with none of the test modules loaded and the timeout
 * parameters at their defaults, and leaves things that way, also after a
 * failed assertion.  The kernel log of a failed test is printed with it.
 */
#define _GNU_SOURCE
#include <byteswap.h>
#include <ctype.h>
#include <linux/elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
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
#define MOD2		"umh_elf_test2"
#define REGULAR		"umh_elf_regular"
#define MOD_ALIAS	"umh-elf-test-alias-" MOD
#define MOD_DESCRIPTION	"ELF modules selftest program"

/* Blacklisted on the kernel command line (module_blacklist=). */
#define BLOCKED		"umh_elf_blocked"

#define UEVENT_HELPER	"/sys/kernel/uevent_helper"
#define UEVENT_SCRIPT	"/opt/umh_elf/uevent.sh"
#define UEVENT_LOG	"/opt/umh_elf/uevents"

#define UNSIGNED_KO	"/opt/umh_elf/umh_elf_test.unsigned.ko"
#define SHA256_FILE	"/opt/umh_elf/umh_elf_test.sha256"
#define COMPRESSED_KO	"/opt/umh_elf/umh_elf_test.ko.gz"

#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE	4
#endif

#define PARAMS_DIR	"/sys/module/module/parameters/"
#define READY_TIMEOUT	PARAMS_DIR "elf_ready_timeout_ms"
#define STOP_TIMEOUT	PARAMS_DIR "elf_stop_timeout_ms"
#define READY_TIMEOUT_DEFAULT	"30000"
#define STOP_TIMEOUT_DEFAULT	"5000"

/* Debian's kmod; busybox has applets of the same names in /bin. */
#define MODPROBE	"/sbin/modprobe"
#define RMMOD		"/sbin/rmmod"
#define LSMOD		"/sbin/lsmod"
#define MODINFO		"/sbin/modinfo"
#define INSMOD		"/sbin/insmod"

/*
 * Per test, in seconds: above the default ready timeout (30 s), so that a
 * load that never settles fails in the test with ETIMEDOUT rather than
 * being cut short by the harness.
 */
#define TEST_TIMEOUT	60

/* Processes started at once by concurrent_modprobe_one_process. */
#define CONCURRENT	20

/* An ELF machine that is not this one. */
#ifdef __aarch64__
#define OTHER_MACHINE	EM_X86_64
#else
#define OTHER_MACHINE	EM_AARCH64
#endif

/* Does @text have a line starting with @prefix? */
static bool has_line(const char *text, const char *prefix)
{
	size_t n = strlen(prefix);
	const char *line = text;

	while (line) {
		if (!strncmp(line, prefix, n))
			return true;
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return false;
}

/*
 * The sum of the numbers right after each @prefix in the kernel log since
 * the test began, or -1 if no @prefix is followed by one.  For
 * "elf-module M: " that adds up the suppressed-lines counts, the only
 * lines of the module that start with a number.
 */
static long kmsg_sum(struct kmsg *log, const char *prefix)
{
	size_t n = strlen(prefix);
	const char *p;
	long sum = -1;

	kmsg_collect(log);
	for (p = log->text; p && (p = strstr(p, prefix)); p += n) {
		if (!isdigit((unsigned char)p[n]))
			continue;
		sum = (sum < 0 ? 0 : sum) + strtol(p + n, NULL, 10);
	}
	return sum;
}

/* The one process with @comm, or -1 if there is not exactly one. */
static pid_t the_proc(const char *comm)
{
	pid_t pid;

	return find_procs(comm, &pid, 1) == 1 ? pid : -1;
}

static bool proc_gone(pid_t pid)
{
	return kill(pid, 0) && errno == ESRCH;
}

/* The environment of each test */

static const char * const test_modules[] = { MOD, MOD2, REGULAR, BLOCKED };
static const char * const test_comms[] = { MOD, MOD2, BLOCKED };

/*
 * Put things back the way a test expects to find them: the timeouts at
 * their defaults, the test modules unloaded, no processes of them left.
 */
static void env_reset(void)
{
	unsigned int i;

	write_text(READY_TIMEOUT, READY_TIMEOUT_DEFAULT);
	write_text(STOP_TIMEOUT, STOP_TIMEOUT_DEFAULT);
	for (i = 0; i < ARRAY_SIZE(test_modules); i++)
		if (!module_gone(test_modules[i]))
			unload(test_modules[i]);
	for (i = 0; i < ARRAY_SIZE(test_modules); i++)
		WAIT_UNTIL(module_gone(test_modules[i]));
	for (i = 0; i < ARRAY_SIZE(test_comms); i++) {
		kill_procs(test_comms[i]);
		WAIT_UNTIL(count_procs(test_comms[i]) <= 0);
	}
}

/* Returns false if the test is to be skipped. */
static bool env_setup(struct __test_metadata *_metadata, struct kmsg *log)
{
	const char *left;
	char buf[64];

	log->fd = -1;
	log->text = NULL;
	if (geteuid())
		return false;
	ASSERT_EQ(0, access(READY_TIMEOUT, F_OK))
		TH_LOG("%s: %s: is CONFIG_ELF_MODULES set?", READY_TIMEOUT,
		       strerror(errno));

	env_reset();
	left = first_loaded(test_modules, ARRAY_SIZE(test_modules));
	ASSERT_TRUE(!left)
		TH_LOG("%s is still loaded and will not unload", left);
	left = first_with_procs(test_comms, ARRAY_SIZE(test_comms));
	ASSERT_TRUE(!left)
		TH_LOG("processes named %s are left", left);
	read_text(READY_TIMEOUT, buf, sizeof(buf));
	ASSERT_STREQ(READY_TIMEOUT_DEFAULT, buf);
	read_text(STOP_TIMEOUT, buf, sizeof(buf));
	ASSERT_STREQ(STOP_TIMEOUT_DEFAULT, buf);

	ASSERT_EQ(0, kmsg_open(log))
		TH_LOG("/dev/kmsg: %s", strerror(errno));
	return true;
}

/*
 * The teardowns are FIXTURE_TEARDOWN_PARENT(): at -O2 the harness's own
 * teardown is skipped after a failed ASSERT (its "child" variable does not
 * survive the longjmp()), whereas this one runs either way, in the test
 * process or in its parent.  So it must not use what the test process
 * allocated or opened: of the fixture data it reads only the kmsg start.
 */
static void env_teardown(struct __test_metadata *_metadata, struct kmsg *log)
{
	if (_metadata->exit_code == KSFT_FAIL)
		kmsg_dump(log->start);
	env_reset();
}

FIXTURE(umh_elf) {
	struct kmsg log;
};

FIXTURE_SETUP(umh_elf)
{
	if (!env_setup(_metadata, &self->log))
		SKIP(return, "must be run as root");
}

FIXTURE_TEARDOWN_PARENT(umh_elf)
{
	env_teardown(_metadata, &self->log);
}

/* Main process exits 0 with nothing else holding fd 3: done, nothing kept. */
TEST_F_TIMEOUT(umh_elf, oneshot_returns_0_and_leaves_nothing, TEST_TIMEOUT)
{
	ASSERT_EQ(0, load_ko(MOD, "mode=oneshot"));
	EXPECT_FALSE(module_listed(MOD));
	EXPECT_FALSE(module_in_sysfs(MOD));
	EXPECT_EQ(0, count_procs(MOD));
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " MOD ": started pid "));
	EXPECT_TRUE(kmsg_wait(&self->log,
			      "elf-module " MOD ": stopped (exit 0)"));
}

TEST_F_TIMEOUT(umh_elf, ready_module_is_live, TEST_TIMEOUT)
{
	char buf[256], sha[128], comm[64], want[512], path[64];
	pid_t pid;

	ASSERT_LT(0, read_text(SHA256_FILE, sha, sizeof(sha)))
		TH_LOG("%s: %s", SHA256_FILE, sha);
	ASSERT_EQ(64, (int)strlen(sha));
	read_text("/proc/self/comm", comm, sizeof(comm));

	ASSERT_EQ(0, load_ko(MOD, "mode=ready status=hello"));
	ASSERT_TRUE(module_listed(MOD));
	ASSERT_STREQ("live", attr(MOD, "initstate", buf, sizeof(buf)));
	ASSERT_STREQ("0", attr(MOD, "refcnt", buf, sizeof(buf)));

	pid = elf_pid(MOD);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, kill(pid, 0));
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	read_text(path, buf, sizeof(buf));
	ASSERT_STREQ(MOD, buf);
	EXPECT_EQ(1, count_procs(MOD));

	EXPECT_STREQ("1", attr(MOD, "elf/signed", buf, sizeof(buf)));
	EXPECT_STREQ(sha, attr(MOD, "elf/sha256", buf, sizeof(buf)));
	EXPECT_STREQ("hello", attr(MOD, "elf/status", buf, sizeof(buf)));

	snprintf(want, sizeof(want),
		 "elf-module %s: started pid %d, sha256 %s, signed, by %s[%d]",
		 MOD, pid, sha, comm, getpid());
	EXPECT_TRUE(kmsg_wait(&self->log, want))
		TH_LOG("no \"%s\" in the kernel log", want);

	ASSERT_EQ(0, unload(MOD));
	EXPECT_TRUE(WAIT_UNTIL(proc_gone(pid)))
		TH_LOG("process %d survived rmmod", pid);
	EXPECT_FALSE(module_in_sysfs(MOD));
	EXPECT_FALSE(module_listed(MOD));
	EXPECT_TRUE(kmsg_wait(&self->log,
			      "elf-module " MOD ": stopped (rmmod)"));
}

TEST_F_TIMEOUT(umh_elf, unsigned_load_says_unsigned, TEST_TIMEOUT)
{
	char buf[256], sha[128];

	ASSERT_LT(0, read_text(SHA256_FILE, sha, sizeof(sha)))
		TH_LOG("%s: %s", SHA256_FILE, sha);

	ASSERT_EQ(0, load_path(UNSIGNED_KO, "mode=ready"));
	ASSERT_TRUE(module_listed(MOD));
	ASSERT_STREQ("live", attr(MOD, "initstate", buf, sizeof(buf)));
	EXPECT_STREQ("0", attr(MOD, "elf/signed", buf, sizeof(buf)));
	EXPECT_STREQ(sha, attr(MOD, "elf/sha256", buf, sizeof(buf)));
	EXPECT_TRUE(kmsg_wait(&self->log, ", unsigned, by "));
	EXPECT_EQ(0, kmsg_count(&self->log, ", signed, by "));
	EXPECT_EQ(0, unload(MOD));
}

TEST_F_TIMEOUT(umh_elf, exit_status_is_errno, TEST_TIMEOUT)
{
	ASSERT_EQ(-ENODEV, load_ko(MOD, "exit=19"));
	EXPECT_TRUE(module_gone(MOD));
	EXPECT_EQ(0, count_procs(MOD));
	EXPECT_TRUE(kmsg_wait(&self->log,
			      "elf-module " MOD ": stopped (exit 19)"));
}

TEST_F_TIMEOUT(umh_elf, signal_is_echild, TEST_TIMEOUT)
{
	ASSERT_EQ(-ECHILD, load_ko(MOD, "signal=11"));
	EXPECT_TRUE(module_gone(MOD));
	EXPECT_EQ(0, count_procs(MOD));
	EXPECT_TRUE(kmsg_wait(&self->log,
			      "elf-module " MOD ": stopped (signal 11)"));
}

TEST_F_TIMEOUT(umh_elf, ready_timeout, TEST_TIMEOUT)
{
	long long start, took;
	int ret;

	ASSERT_EQ(0, write_text(READY_TIMEOUT, "1000"));
	start = now_ms();
	ret = WITHIN(20, load_ko(MOD, "mode=never"));
	took = now_ms() - start;
	ASSERT_NE(-ETIME, ret)
		TH_LOG("elf_ready_timeout_ms ignored: load still waiting after 20 s");
	ASSERT_EQ(-ETIMEDOUT, ret);
	EXPECT_LE(900, took);
	EXPECT_GT(10000, took) TH_LOG("elf_ready_timeout_ms was not used");
	EXPECT_TRUE(WAIT_UNTIL(module_gone(MOD)));
	EXPECT_TRUE(WAIT_UNTIL(count_procs(MOD) == 0));
	EXPECT_TRUE(kmsg_wait(&self->log,
			      "elf-module " MOD ": stopped (timeout)"));
	EXPECT_EQ(0, write_text(READY_TIMEOUT, READY_TIMEOUT_DEFAULT));
}

/* READY=1 without a newline counts once fd 3 is closed (sd_notify habit). */
#define NONL_STOP \
	"stopped (timeout; fd 3 holds \"READY=1\" without a newline)"

/*
 * The sd_notify habit: READY=1 without a newline, fd 3 kept open.  The
 * load times out, and the stop line says what was waiting for its newline.
 */
TEST_F_TIMEOUT(umh_elf, ready_timeout_shows_line_without_newline,
	       TEST_TIMEOUT)
{
	ASSERT_EQ(0, write_text(READY_TIMEOUT, "1000"));
	EXPECT_EQ(-ETIMEDOUT, WITHIN(20, load_ko(MOD, "mode=readynonlopen")));
	EXPECT_TRUE(WAIT_UNTIL(module_gone(MOD)));
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " MOD ": " NONL_STOP));
	EXPECT_EQ(0, write_text(READY_TIMEOUT, READY_TIMEOUT_DEFAULT));
}

TEST_F_TIMEOUT(umh_elf, ready_without_newline_counts_at_close, TEST_TIMEOUT)
{
	ASSERT_EQ(0, write_text(READY_TIMEOUT, "5000"));
	EXPECT_EQ(0, WITHIN(20, load_ko(MOD, "mode=readynonl")));
	EXPECT_TRUE(module_listed(MOD));
	EXPECT_EQ(1, count_procs(MOD));
	EXPECT_EQ(0, write_text(READY_TIMEOUT, READY_TIMEOUT_DEFAULT));
}

/* Lines that only start like READY=1 (READY=10, READY=1x, ...) are not it. */
TEST_F_TIMEOUT(umh_elf, malformed_ready_lines_ignored, TEST_TIMEOUT)
{
	ASSERT_EQ(0, write_text(READY_TIMEOUT, "1500"));
	EXPECT_EQ(-ETIMEDOUT, WITHIN(20, load_ko(MOD, "mode=readybad")));
	EXPECT_TRUE(WAIT_UNTIL(module_gone(MOD)));
	EXPECT_EQ(0, write_text(READY_TIMEOUT, READY_TIMEOUT_DEFAULT));
}

/*
 * rmmod stops every process of the module, not only the main one: a
 * daemon's child gets SIGTERM and is gone when rmmod returns.
 */
TEST_F_TIMEOUT(umh_elf, rmmod_signals_every_process, TEST_TIMEOUT)
{
	pid_t child;

	ASSERT_EQ(0, write_text(STOP_TIMEOUT, "1000"));
	ASSERT_EQ(0, load_ko(MOD, "mode=daemon"));
	ASSERT_TRUE(WAIT_UNTIL(elf_pid(MOD) < 0));	/* the main one exited */
	child = the_proc(MOD);
	ASSERT_LT(0, child);
	EXPECT_EQ(0, WITHIN(20, unload(MOD)))
		TH_LOG("rmmod of a module whose main process has exited");
	EXPECT_TRUE(proc_gone(child)) TH_LOG("child %d survived rmmod", child);
	EXPECT_EQ(0, count_procs(MOD));
	EXPECT_EQ(0, kmsg_count(&self->log, "does not die"));
	EXPECT_TRUE(kmsg_wait(&self->log,
			      "elf-module " MOD ": stopped (rmmod)"));
	EXPECT_EQ(0, write_text(STOP_TIMEOUT, STOP_TIMEOUT_DEFAULT));
}

/* module_blacklist= keeps an ELF module from loading, as a regular one. */
TEST_F_TIMEOUT(umh_elf, blacklisted_refused, TEST_TIMEOUT)
{
	EXPECT_EQ(-EPERM, load_ko(BLOCKED, ""));
	EXPECT_TRUE(kmsg_wait(&self->log, "Module " BLOCKED " is blacklisted"));
	EXPECT_TRUE(module_gone(BLOCKED));
	EXPECT_EQ(0, count_procs(BLOCKED));
}

#define MODULE_STATS	DEBUGFS "/modules/stats"

/* The counter on the line @label of the module loader's statistics. */
static long mod_stat(const char *label)
{
	char buf[4096], *p;

	if (read_text(MODULE_STATS, buf, sizeof(buf)) < 0)
		return -1;
	p = strstr(buf, label);
	return p ? strtol(p + strlen(label), NULL, 10) : -1;
}

/*
 * CONFIG_MODULE_STATS counts ELF modules as modules: a load that ends
 * ready counts as loaded, a program that fails its load as a failed load,
 * an image refused before it is entered in the module list as failed on
 * becoming (see "Lifecycle hooks" in the admin guide).
 */
TEST_F_TIMEOUT(umh_elf, module_stats_count_elf_modules, TEST_TIMEOUT)
{
	long loaded = mod_stat("Mods ever loaded");
	long failed = mod_stat("Mods failed on load");
	long becoming = mod_stat("Mods failed on becoming");

	if (loaded < 0)
		SKIP(return, "%s: no CONFIG_MODULE_STATS", MODULE_STATS);
	ASSERT_EQ(0, load_ko(MOD, "mode=ready"));
	EXPECT_EQ(loaded + 1, mod_stat("Mods ever loaded"));
	ASSERT_EQ(0, unload(MOD));
	ASSERT_EQ(-ENODEV, load_ko(MOD, "exit=19"));
	EXPECT_EQ(failed + 1, mod_stat("Mods failed on load"));
	EXPECT_EQ(-EPERM, load_ko(BLOCKED, ""));
	EXPECT_EQ(becoming + 1, mod_stat("Mods failed on becoming"));
	EXPECT_EQ(loaded + 1, mod_stat("Mods ever loaded"));
}

/*
 * A live ELF module sends the uevents of a module, "add" and "remove",
 * as udev rules and udevadm monitor expect: seen here through the
 * uevent helper.
 */
TEST_F_TIMEOUT(umh_elf, uevents_add_and_remove, TEST_TIMEOUT)
{
	static const char script[] = "#!/bin/sh\n"
		"echo \"$ACTION $DEVPATH\" >> " UEVENT_LOG "\n";
	char log[4096] = "";
	int fd;

	unlink(UEVENT_LOG);
	fd = open(UEVENT_SCRIPT, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		  0755);
	ASSERT_LE(0, fd);
	ASSERT_EQ(sizeof(script) - 1, write(fd, script, sizeof(script) - 1));
	close(fd);
	ASSERT_EQ(0, write_text(UEVENT_HELPER, UEVENT_SCRIPT));
	ASSERT_EQ(0, load_ko(MOD, "mode=ready"));
	EXPECT_TRUE(WAIT_UNTIL(read_text(UEVENT_LOG, log, sizeof(log)) > 0 &&
			       has_line(log, "add /module/" MOD)))
		TH_LOG("uevents: %s", log);
	EXPECT_EQ(0, unload(MOD));
	EXPECT_TRUE(WAIT_UNTIL(read_text(UEVENT_LOG, log, sizeof(log)) > 0 &&
			       has_line(log, "remove /module/" MOD)))
		TH_LOG("uevents: %s", log);
	EXPECT_EQ(0, write_text(UEVENT_HELPER, "\n"));
}

/* Main exits 0 while a forked child holds fd 3: loaded until it is gone. */
TEST_F_TIMEOUT(umh_elf, daemon_stays_until_child_gone, TEST_TIMEOUT)
{
	char buf[64], want[32];
	pid_t child = -1;

	ASSERT_EQ(0, load_ko(MOD, "mode=daemon"));
	ASSERT_TRUE(module_listed(MOD));
	ASSERT_STREQ("live", attr(MOD, "initstate", buf, sizeof(buf)));

	/*
	 * The main process has exited (elf/pid is empty); the child is left,
	 * and elf/pids lists it alone.
	 */
	ASSERT_TRUE(WAIT_UNTIL((child = the_proc(MOD)) > 0))
		TH_LOG("%d processes named %s", count_procs(MOD), MOD);
	EXPECT_TRUE(WAIT_UNTIL(elf_pid(MOD) == -1));
	snprintf(want, sizeof(want), "%d", child);
	EXPECT_STREQ(want, attr(MOD, "elf/pids", buf, sizeof(buf)));
	usleep(300000);
	ASSERT_TRUE(module_listed(MOD))
		TH_LOG("module gone while its daemon runs");
	ASSERT_STREQ("live", attr(MOD, "initstate", buf, sizeof(buf)));

	ASSERT_EQ(0, kill(child, SIGKILL));
	EXPECT_TRUE(WAIT_UNTIL(module_gone(MOD)))
		TH_LOG("module still loaded after its daemon was killed");
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " MOD ": stopped ("));
}

/*
 * The load of a daemon returns when its main process exits 0, with
 * nothing else to wake it: the main process takes its time (the loader
 * is surely waiting by then), says nothing on fd 3 and does not close
 * it last (its child keeps it, silent).  A loader left waiting would
 * see the exit only at the ready timeout (30 s).
 */
TEST_F_TIMEOUT(umh_elf, daemon_load_returns_when_main_exits, TEST_TIMEOUT)
{
	char buf[64];
	int ret;

	ret = WITHIN(20, load_ko(MOD, "mode=daemon delay_ms=500"));
	ASSERT_NE(-ETIME, ret)
		TH_LOG("load still waiting 20 s after the main process exited 0");
	ASSERT_EQ(0, ret);
	EXPECT_TRUE(module_listed(MOD));
	EXPECT_STREQ("live", attr(MOD, "initstate", buf, sizeof(buf)));
	EXPECT_EQ(0, unload(MOD));
}

TEST_F_TIMEOUT(umh_elf, rmmod_sigkill_after_stop_timeout, TEST_TIMEOUT)
{
	long long start, took, killed;
	pid_t pid;

	ASSERT_EQ(0, write_text(STOP_TIMEOUT, "300"));
	ASSERT_EQ(0, load_ko(MOD, "mode=ignoreterm"));
	pid = elf_pid(MOD);
	ASSERT_LT(0, pid);

	start = now_ms();
	ASSERT_EQ(0, unload(MOD));
	took = now_ms() - start;
	/* SIGTERM is ignored: only SIGKILL, after the timeout, ends it. */
	EXPECT_LE(250, took);
	EXPECT_GT(4000, took) TH_LOG("elf_stop_timeout_ms was not used");
	EXPECT_TRUE(WAIT_UNTIL(proc_gone(pid)))
		TH_LOG("process %d survived rmmod", pid);
	EXPECT_TRUE(module_gone(MOD));
	ASSERT_TRUE(kmsg_wait(&self->log,
			      "elf-module " MOD ": stopped (rmmod, killed after "));
	killed = kmsg_sum(&self->log, "stopped (rmmod, killed after ");
	EXPECT_LE(300, killed);
	EXPECT_GT(4000, killed);
	EXPECT_EQ(0, kmsg_count(&self->log, "stopped (rmmod)"));
	EXPECT_EQ(0, write_text(STOP_TIMEOUT, STOP_TIMEOUT_DEFAULT));
}

TEST_F_TIMEOUT(umh_elf, killed_module_disappears, TEST_TIMEOUT)
{
	pid_t pid;

	ASSERT_EQ(0, load_ko(MOD, "mode=ready"));
	pid = elf_pid(MOD);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, kill(pid, SIGKILL));
	EXPECT_TRUE(WAIT_UNTIL(!module_listed(MOD)));
	EXPECT_TRUE(WAIT_UNTIL(!module_in_sysfs(MOD)));
	EXPECT_TRUE(kmsg_wait(&self->log,
			      "elf-module " MOD ": stopped (signal 9)"));
}

TEST_F_TIMEOUT(umh_elf, readyexit_disappears_on_its_own, TEST_TIMEOUT)
{
	ASSERT_EQ(0, load_ko(MOD, "mode=readyexit"));
	EXPECT_TRUE(WAIT_UNTIL(module_gone(MOD)));
	EXPECT_TRUE(WAIT_UNTIL(count_procs(MOD) == 0));
	EXPECT_TRUE(kmsg_wait(&self->log,
			      "elf-module " MOD ": stopped (exit 0)"));
}

TEST_F_TIMEOUT(umh_elf, params_reach_argv, TEST_TIMEOUT)
{
	static const char * const lines[] = {
		MOD ": argv[0]=<" MOD ">",
		MOD ": argv[1]=<mode=args>",
		MOD ": argv[2]=<a=1>",
		MOD ": argv[3]=<b=x y>",
		MOD ": argv[4]=<c>",
	};
	unsigned int i;

	ASSERT_EQ(0, load_ko(MOD, "mode=args a=1 b=\"x y\" c"));
	for (i = 0; i < ARRAY_SIZE(lines); i++) {
		EXPECT_TRUE(kmsg_wait(&self->log, lines[i]))
			TH_LOG("no \"%s\" in the kernel log", lines[i]);
	}
	EXPECT_EQ(0, kmsg_count(&self->log, MOD ": argv[5]="));
	EXPECT_TRUE(module_gone(MOD));
}

/* What test_module.c's envcheck found wrong, by its exit status. */
static const char *envcheck_failure(int ret)
{
	static const char * const what[] = {
		[1] = "argv[0] is not the module name",
		[2] = "HOME is not /",
		[3] = "PATH is not /sbin:/bin:/usr/sbin:/usr/bin",
		[4] = "NOTIFY_FD is not 3",
		[5] = "MODULE_NAME is not the module name",
		[6] = "cwd is not /",
		[7] = "fd 0 is not the read end of a pipe",
		[8] = "fd 1 is not the write end of a pipe",
		[9] = "fd 2 is not the write end of a pipe",
		[10] = "fd 3 is not the write end of a pipe",
		[11] = "fd 4 is open",
		[12] = "not running as root",
		[13] = "a tty among fds 0 to 2",
	};
	int check = -ret - 100;

	if (check > 0 && check < (int)ARRAY_SIZE(what) && what[check])
		return what[check];
	return strerror(-ret);
}

TEST_F_TIMEOUT(umh_elf, environment_and_fds, TEST_TIMEOUT)
{
	int ret;

	ret = load_ko(MOD, "mode=envcheck");
	ASSERT_EQ(0, ret) TH_LOG("envcheck: %s", envcheck_failure(ret));
	EXPECT_TRUE(module_gone(MOD));
}

TEST_F_TIMEOUT(umh_elf, stderr_reaches_kmsg, TEST_TIMEOUT)
{
	ASSERT_EQ(0, load_ko(MOD, "mode=oneshot say=hello-from-stderr"));
	EXPECT_TRUE(kmsg_wait(&self->log, MOD ": hello-from-stderr"));
}

TEST_F_TIMEOUT(umh_elf, duplicate_name_eexist, TEST_TIMEOUT)
{
	pid_t pid;

	ASSERT_EQ(0, load_ko(MOD, "mode=ready"));
	pid = elf_pid(MOD);
	ASSERT_LT(0, pid);
	EXPECT_EQ(-EEXIST, load_ko(MOD, "mode=ready"));
	EXPECT_EQ(-EEXIST, load_path(UNSIGNED_KO, "mode=ready"));
	EXPECT_EQ(1, count_procs(MOD));
	EXPECT_EQ(pid, elf_pid(MOD));
	EXPECT_EQ(1, kmsg_count(&self->log, "elf-module " MOD ": started"));
	EXPECT_EQ(0, unload(MOD));
	EXPECT_TRUE(module_gone(MOD));
}

TEST_F_TIMEOUT(umh_elf, init_module_syscall_works, TEST_TIMEOUT)
{
	char buf[64];
	size_t len;
	void *image;
	int ret;

	image = read_all(UNSIGNED_KO, &len);
	ASSERT_NE(NULL, image) TH_LOG("%s: %s", UNSIGNED_KO, strerror(errno));
	ret = load_image(image, len, "mode=ready");
	free(image);
	ASSERT_EQ(0, ret);
	ASSERT_TRUE(module_listed(MOD));
	EXPECT_STREQ("live", attr(MOD, "initstate", buf, sizeof(buf)));
	EXPECT_STREQ("0", attr(MOD, "elf/signed", buf, sizeof(buf)));
	EXPECT_EQ(1, count_procs(MOD));
	EXPECT_EQ(0, unload(MOD));
	EXPECT_TRUE(module_gone(MOD));
}

/* Many modprobes at once: one of them loads it, the others find it loaded. */
TEST_F_TIMEOUT(umh_elf, concurrent_modprobe_one_process, TEST_TIMEOUT)
{
	char *const argv[] = { MODPROBE, MOD, "mode=ready", "delay_ms=300",
			       NULL };
	pid_t pids[CONCURRENT];
	int i, status, started = 0, failed = 0;
	char buf[64];

	fflush(stdout);
	fflush(stderr);
	for (i = 0; i < CONCURRENT; i++) {
		pids[i] = fork();
		if (!pids[i]) {
			int null = open("/dev/null", O_RDWR);

			if (null >= 0) {
				dup2(null, 0);
				dup2(null, 1);
				dup2(null, 2);
			}
			execv(argv[0], argv);
			_exit(127);
		}
		if (pids[i] > 0)
			started++;
	}
	for (i = 0; i < CONCURRENT; i++) {
		if (pids[i] <= 0)
			continue;
		if (waitpid(pids[i], &status, 0) != pids[i]) {
			failed++;
			continue;
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			TH_LOG("modprobe %d: status 0x%x", i, status);
			failed++;
		}
	}
	ASSERT_EQ(CONCURRENT, started);
	EXPECT_EQ(0, failed);
	ASSERT_TRUE(module_listed(MOD));
	EXPECT_STREQ("live", attr(MOD, "initstate", buf, sizeof(buf)));
	EXPECT_EQ(1, count_procs(MOD));
	EXPECT_EQ(1, kmsg_count(&self->log, "elf-module " MOD ": started"));
	EXPECT_EQ(0, unload(MOD));
	EXPECT_TRUE(module_gone(MOD));
}

TEST_F_TIMEOUT(umh_elf, kmod_tools, TEST_TIMEOUT)
{
	char out[4096], buf[64];
	pid_t pid;

	ASSERT_EQ(0, run(MODPROBE, MOD, "mode=ready"));
	ASSERT_TRUE(module_listed(MOD));
	ASSERT_STREQ("live", attr(MOD, "initstate", buf, sizeof(buf)));
	pid = elf_pid(MOD);

	ASSERT_EQ(0, run_out(out, LSMOD));
	EXPECT_TRUE(has_line(out, MOD " ")) TH_LOG("lsmod said:\n%s", out);

	/* Loaded already: nothing to do, and nothing new is started. */
	EXPECT_EQ(0, run(MODPROBE, MOD));
	EXPECT_EQ(pid, elf_pid(MOD));

	EXPECT_EQ(0, run_out(out, MODINFO, "-F", "description", MOD));
	if (strchr(out, '\n'))
		*strchr(out, '\n') = '\0';
	EXPECT_STREQ(MOD_DESCRIPTION, out);

	EXPECT_EQ(0, run(MODPROBE, MOD_ALIAS));
	EXPECT_EQ(pid, elf_pid(MOD));
	EXPECT_EQ(1, kmsg_count(&self->log, "elf-module " MOD ": started"));

	ASSERT_EQ(0, run(RMMOD, MOD));
	EXPECT_TRUE(module_gone(MOD));
	EXPECT_TRUE(WAIT_UNTIL(proc_gone(pid)));

	/* The alias loads it too. */
	EXPECT_EQ(0, run(MODPROBE, MOD_ALIAS, "mode=ready"));
	EXPECT_TRUE(module_listed(MOD));
	EXPECT_EQ(0, run(RMMOD, MOD));
	EXPECT_TRUE(module_gone(MOD));

	ASSERT_EQ(0, run(MODPROBE, MOD2, "mode=ready"));
	ASSERT_TRUE(module_listed(MOD2));
	EXPECT_STREQ("live", attr(MOD2, "initstate", buf, sizeof(buf)));
	EXPECT_EQ(1, count_procs(MOD2));
	EXPECT_EQ(0, run(MODPROBE, "-r", MOD2));
	EXPECT_TRUE(module_gone(MOD2));
	EXPECT_EQ(0, count_procs(MOD2));
}

/*
 * What kmod's tools print for the errno of a failed load: the table of
 * elf-modules.rst ("What modprobe prints") and elfmod-run's "modprobe
 * would print" line.  Most errnos read as strerror(); kmod rewrites a few.
 */
TEST_F_TIMEOUT(umh_elf, kmod_prints_errnos, TEST_TIMEOUT)
{
	static const struct {
		const char *tool, *param, *says;
	} cases[] = {
		{ MODPROBE, "exit=19", "No such device" },
		{ MODPROBE, "exit=1", "Operation not permitted" },
		{ MODPROBE, "exit=2",
		  "Unknown symbol in module, or unknown parameter (see dmesg)" },
		{ MODPROBE, "exit=22", "Invalid argument" },
		{ MODPROBE, "exit=8", "Exec format error" },
		{ MODPROBE, "exit=17", "No child processes" },
		{ INSMOD, "exit=22", "Invalid parameters" },
		{ INSMOD, "exit=2", "Unknown symbol in module" },
		{ INSMOD, "exit=8", "Invalid module format" },
	};
	char cmd[256], out[1024], says[256];
	const char *what;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		what = MOD;
		if (!strcmp(cases[i].tool, INSMOD))
			what = UNSIGNED_KO;
		snprintf(cmd, sizeof(cmd), "%s %s %s 2>&1", cases[i].tool,
			 what, cases[i].param);
		snprintf(says, sizeof(says), "'%s': %s", what, cases[i].says);
		if (!strcmp(cases[i].tool, INSMOD))
			snprintf(says, sizeof(says), "%s", cases[i].says);
		EXPECT_NE(0, run_cmd(_metadata, true, out, sizeof(out),
				     "/bin/sh", "-c", cmd, NULL));
		EXPECT_NE(NULL, strstr(out, says))
			TH_LOG("%s said: %s", cmd, out);
		EXPECT_TRUE(WAIT_UNTIL(module_gone(MOD)));
	}
}

/*
 * The samples of samples/umh_elf, built and installed as a module author
 * would, loaded with modprobe: they must keep doing what they say.
 */
TEST_F_TIMEOUT(umh_elf, samples_work, TEST_TIMEOUT)
{
	char out[512], buf[128];

	EXPECT_EQ(0, run(MODPROBE, "umh_sample_oneshot", "count=2"));
	EXPECT_TRUE(kmsg_wait(&self->log, "umh_sample_oneshot: job step 2 of 2"));
	EXPECT_FALSE(module_listed("umh_sample_oneshot"));
	EXPECT_NE(0, run_quiet(MODPROBE, "umh_sample_oneshot", "count=x"));
	EXPECT_TRUE(kmsg_wait(&self->log,
			      "elf-module umh_sample_oneshot: stopped (exit 22)"));
	/*
	 * ELF_MODULE_PARAM() of <elfmod.h> gives modinfo its parm: line,
	 * with the type as for a module_param().
	 */
	EXPECT_EQ(0, run_out(out, MODINFO, "-F", "parm", "umh_sample_oneshot"));
	EXPECT_TRUE(has_line(out,
			     "count:steps to log, 0 to 100 (default 1) (long)\n"))
		TH_LOG("modinfo -F parm said:\n%s", out);

	ASSERT_EQ(0, run(MODPROBE, "umh_sample_service"));
	EXPECT_TRUE(module_listed("umh_sample_service"));
	EXPECT_EQ(0, strncmp("serving, tick ",
			     attr("umh_sample_service", "elf/status", buf,
				  sizeof(buf)), 14));
	EXPECT_EQ(0, run(RMMOD, "umh_sample_service"));
	EXPECT_TRUE(kmsg_wait(&self->log,
			      "umh_sample_service: stopping on SIGTERM"));

	ASSERT_EQ(0, run(MODPROBE, "umh_sample_daemon"));
	EXPECT_TRUE(module_listed("umh_sample_daemon"));
	EXPECT_EQ(1, count_procs("umh_sample_daemon"));
	EXPECT_EQ(0, run(RMMOD, "umh_sample_daemon"));
	EXPECT_TRUE(module_gone("umh_sample_daemon"));
	EXPECT_EQ(0, count_procs("umh_sample_daemon"));
}

/*
 * Kbuild: the samples come from the kernel's own modules_install (built
 * with elfmod-m in samples/umh_elf/Makefile), and umh-elf-kbuild.ko from
 * an external module directory (make M=kbuild modules modules_install).
 * Kbuild named them after their file, signed them (MODULE_SIG_ALL), and
 * depmod indexed their aliases.
 */
TEST_F_TIMEOUT(umh_elf, kbuild_modules_installed, TEST_TIMEOUT)
{
	const char *path = "/kernel/samples/umh_elf/umh_sample_echo.ko\n";
	char out[512], buf[64];

	ASSERT_EQ(0, run_out(out, MODINFO, "-F", "filename", "umh_sample_echo"));
	EXPECT_TRUE(strlen(out) > strlen(path) &&
		    !strcmp(out + strlen(out) - strlen(path), path)) {
		TH_LOG("umh_sample_echo installed as %s", out);
	}
	ASSERT_EQ(0, run_out(out, MODINFO, "-F", "name", "umh_sample_echo"));
	EXPECT_STREQ("umh_sample_echo\n", out);

	path = "/updates/umh-elf-kbuild.ko\n";
	ASSERT_EQ(0, run_out(out, MODINFO, "-F", "filename",
			     "umh-elf-kbuild-alias"));
	EXPECT_TRUE(strlen(out) > strlen(path) &&
		    !strcmp(out + strlen(out) - strlen(path), path)) {
		TH_LOG("umh-elf-kbuild-alias resolves to %s", out);
	}
	ASSERT_EQ(0, run_out(out, MODINFO, "-F", "name", "umh-elf-kbuild"));
	EXPECT_STREQ("umh_elf_kbuild\n", out);
	ASSERT_EQ(0, run_out(out, MODINFO, "-F", "signer", "umh-elf-kbuild"));
	EXPECT_NE('\0', out[0]);

	ASSERT_EQ(0, run(MODPROBE, "umh-elf-kbuild-alias"));
	EXPECT_TRUE(module_listed("umh_elf_kbuild"));
	EXPECT_TRUE(kmsg_wait(&self->log, "umh_elf_kbuild: hello from Kbuild"));
	EXPECT_STREQ("1", attr("umh_elf_kbuild", "elf/signed", buf,
			       sizeof(buf)));
	EXPECT_EQ(0, run(MODPROBE, "-r", "umh-elf-kbuild"));
	EXPECT_TRUE(module_gone("umh_elf_kbuild"));
	EXPECT_EQ(0, count_procs("umh_elf_kbuild"));
}

TEST_F_TIMEOUT(umh_elf, regular_module_unchanged, TEST_TIMEOUT)
{
	char buf[64];

	ASSERT_EQ(0, run(MODPROBE, REGULAR));
	ASSERT_TRUE(module_listed(REGULAR));
	EXPECT_STREQ("live", attr(REGULAR, "initstate", buf, sizeof(buf)));
	EXPECT_NE(0, access("/sys/module/" REGULAR "/elf", F_OK));
	EXPECT_EQ(0, kmsg_count(&self->log, "elf-module"));
	EXPECT_EQ(0, run(RMMOD, REGULAR));
	EXPECT_TRUE(module_gone(REGULAR));
}

TEST_F_TIMEOUT(umh_elf, params_too_long, TEST_TIMEOUT)
{
	size_t len = 200 * 1024;
	char *params;
	size_t i;
	int ret;

	params = malloc(len + 1);
	ASSERT_NE(NULL, params);
	for (i = 0; i < len; i += 2)
		memcpy(params + i, "a ", 2);
	params[len] = '\0';
	ret = load_ko(MOD, params);
	free(params);
	EXPECT_TRUE(ret == -EINVAL || ret == -E2BIG)
		TH_LOG("load returned %d (%s)", ret, strerror(-ret));
	EXPECT_TRUE(module_gone(MOD));
	EXPECT_EQ(0, count_procs(MOD));
}

/* A fatal signal to the loading process: its module's processes die too. */
TEST_F_TIMEOUT(umh_elf, caller_killed_while_waiting, TEST_TIMEOUT)
{
	char state[32];
	pid_t child;
	int status;

	child = fork();
	ASSERT_LE(0, child);
	if (!child)
		_exit(-load_ko(MOD, "mode=never"));
	ASSERT_TRUE(WAIT_UNTIL(count_procs(MOD) == 1));
	ASSERT_TRUE(module_in_sysfs(MOD));
	EXPECT_STREQ("coming", attr(MOD, "initstate", state, sizeof(state)));
	kill(child, SIGKILL);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));
	EXPECT_TRUE(WAIT_UNTIL(count_procs(MOD) == 0));
	EXPECT_TRUE(module_gone(MOD));
	EXPECT_TRUE(kmsg_wait(&self->log,
			      "elf-module " MOD ": stopped (signal 9)"));
}

/* A module compressed as kmod allows, decompressed by the kernel. */
TEST_F_TIMEOUT(umh_elf, compressed_module_loads, TEST_TIMEOUT)
{
	char sha[128], buf[128];
	int fd, ret;

	if (access("/sys/module/compression", F_OK))
		SKIP(return, "kernel without module decompression");
	ASSERT_LT(0, read_text(SHA256_FILE, sha, sizeof(sha)));
	fd = open(COMPRESSED_KO, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ret = syscall(__NR_finit_module, fd, "mode=ready",
		      MODULE_INIT_COMPRESSED_FILE) ? -errno : 0;
	close(fd);
	ASSERT_EQ(0, ret);
	EXPECT_STREQ(sha, attr(MOD, "elf/sha256", buf, sizeof(buf)));
	EXPECT_STREQ("1", attr(MOD, "elf/signed", buf, sizeof(buf)));
	EXPECT_EQ(0, unload(MOD));
}

/* Code that walks the module list finds an ELF module and no symbols. */
TEST_F_TIMEOUT(umh_elf, module_list_walkers_survive, TEST_TIMEOUT)
{
	size_t len = 0;
	char *text;

	ASSERT_EQ(0, load_ko(MOD, "mode=ready"));
	text = read_all("/proc/kallsyms", &len);
	ASSERT_NE(NULL, text);
	EXPECT_LT(0, (int)len);
	EXPECT_EQ(NULL, strstr(text, "[" MOD "]"));
	free(text);
	text = read_all("/proc/modules", &len);
	ASSERT_NE(NULL, text);
	EXPECT_TRUE(has_line(text, MOD " 0 0 - Live 0x"));
	free(text);
	EXPECT_EQ(0, unload(MOD));
}

/* stderr lines reach the kernel log, but a flood of them is rate-limited. */
TEST_F_TIMEOUT(umh_elf, stderr_is_rate_limited, TEST_TIMEOUT)
{
	const char *sup, *stop;
	int lines;

	ASSERT_EQ(0, load_ko(MOD, "flood=200"));
	ASSERT_TRUE(kmsg_wait(&self->log, "elf-module " MOD ": stopped (exit 0)"));
	lines = kmsg_count(&self->log, MOD ": flood line ");
	EXPECT_LE(5, lines);
	EXPECT_GT(200, lines);
	/* The rest is counted, in a line that names the module */
	EXPECT_EQ(200 - lines, kmsg_sum(&self->log, "elf-module " MOD ": "))
		TH_LOG("no \"elf-module %s: N stderr lines suppressed\"", MOD);
	EXPECT_EQ(0, kmsg_count(&self->log, "callbacks suppressed"));
	/* ...before the stop line, whoever reads the log up to it */
	sup = strstr(self->log.text, " stderr lines suppressed");
	stop = strstr(self->log.text, "elf-module " MOD ": stopped (exit 0)");
	EXPECT_TRUE(sup && stop && sup < stop);
}

/*
 * The count of dropped lines comes out when the burst ends, 5 s (the
 * interval of the limit) after it began, while the module runs on.
 */
TEST_F_TIMEOUT(umh_elf, stderr_suppressed_count_when_burst_ends,
	       TEST_TIMEOUT)
{
	bool said = false;
	int lines, i;

	ASSERT_EQ(0, load_ko(MOD, "flood=50 stay=1"));
	/* kmsg_wait() gives up after 5 s: three of them */
	for (i = 0; i < 3 && !said; i++)
		said = kmsg_wait(&self->log, " stderr lines suppressed");
	ASSERT_TRUE(said);
	EXPECT_TRUE(module_live(MOD));
	lines = kmsg_count(&self->log, MOD ": flood line ");
	EXPECT_EQ(50 - lines, kmsg_sum(&self->log, "elf-module " MOD ": "));
	EXPECT_EQ(0, unload(MOD));
}

/* The last STATUS= text outlives a module that crashed, in its stop line. */
TEST_F_TIMEOUT(umh_elf, crash_keeps_last_status, TEST_TIMEOUT)
{
	ASSERT_EQ(-ECHILD, load_ko(MOD, "status=halfway signal=11"));
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " MOD
			      ": stopped (signal 11), last status \"halfway\""));
}

/* Loads of MOD and rmmods by loads_leave_no_memory */
#define LEAK_LOADS	20

/*
 * Loads and unloads leave no memory behind: the shmem file each instance
 * runs from, which finit_module() reads the module file into, goes with
 * its last process, pages and all.  A leaked file keeps its pages in
 * Shmem; a leaked page reference keeps them out of MemFree (LEAK_LOADS
 * images of about 0.8 MiB; half of that is the bound).
 */
TEST_F_TIMEOUT(umh_elf, loads_leave_no_memory, TEST_TIMEOUT)
{
	long long shmem0 = -1, free0 = -1, shmem = 0, free_kib, image_kib;
	char path[PATH_MAX];
	struct stat st;
	int i;

	ko_path(path, sizeof(path), MOD);
	ASSERT_EQ(0, stat(path, &st)) TH_LOG("%s: %s", path, strerror(errno));
	image_kib = st.st_size / 1024;
	for (i = 0; i <= LEAK_LOADS; i++) {
		ASSERT_EQ(0, load_ko(MOD, "mode=ready"));
		ASSERT_EQ(0, unload(MOD));
		ASSERT_TRUE(module_gone(MOD));
		/* The first round only warms up what any load allocates. */
		if (!i) {
			shmem0 = meminfo_kib("Shmem");
			free0 = meminfo_kib("MemFree");
			ASSERT_LE(0, shmem0);
			ASSERT_LE(0, free0);
		}
	}
	EXPECT_TRUE(WAIT_UNTIL((shmem = meminfo_kib("Shmem")) >= 0 &&
			       shmem - shmem0 < image_kib))
		TH_LOG("Shmem grew by %lld KiB after %d loads of %lld KiB",
		       shmem - shmem0, LEAK_LOADS, image_kib);
	free_kib = meminfo_kib("MemFree");
	EXPECT_LE(0, free_kib);
	EXPECT_LT(free0 - free_kib, LEAK_LOADS * image_kib / 2)
		TH_LOG("MemFree fell by %lld KiB after %d loads of %lld KiB",
		       free0 - free_kib, LEAK_LOADS, image_kib);
}

/*
 * Broken images.  Each variant changes a copy of the unsigned program in
 * memory; init_module() must fail with ENOEXEC, log why, and start
 * nothing.
 */

/*
 * The .modinfo entry ("tag=value\0") that starts with @prefix, or equals
 * it if @exact.
 */
static char *modinfo_entry(struct image *img, const char *prefix, bool exact)
{
	struct elf64_shdr *sh = find_section(img, ".modinfo", NULL);
	char *p, *end;

	if (!sh || !sh->sh_size)
		return NULL;
	p = (char *)img->buf + sh->sh_offset;
	end = p + sh->sh_size;
	if (end[-1])
		return NULL;
	for (; p < end; p += strlen(p) + 1)
		if (exact ? !strcmp(p, prefix) :
			    !strncmp(p, prefix, strlen(prefix)))
			return p;
	return NULL;
}

static int wrong_class(struct image *img)
{
	ehdr(img)->e_ident[EI_CLASS] = ELFCLASS32;
	return 0;
}

static int wrong_byte_order(struct image *img)
{
	struct elf64_hdr *eh = ehdr(img);

	/*
	 * Swap e_type as well, so that read big-endian it still says
	 * ET_EXEC or ET_DYN and the image is taken as an ELF module.
	 */
	eh->e_ident[EI_DATA] = ELFDATA2MSB;
	eh->e_type = bswap_16(eh->e_type);
	return 0;
}

static int wrong_machine(struct image *img)
{
	ehdr(img)->e_machine = OTHER_MACHINE;
	return 0;
}

static int phoff_beyond_file(struct image *img)
{
	ehdr(img)->e_phoff = img->len + 4096;
	return 0;
}

static int phnum_huge(struct image *img)
{
	ehdr(img)->e_phnum = 0xffff;
	return 0;
}

/* Shorter than an ELF header: not even taken as an ELF module. */
static int truncated_40(struct image *img)
{
	img->len = 40;
	return 0;
}

static int truncated_to_header(struct image *img)
{
	img->len = sizeof(struct elf64_hdr);
	return 0;
}

static int pt_interp(struct image *img)
{
	struct elf64_phdr *ph;
	unsigned int i;

	for (i = 0; (ph = phdr(img, i)); i++)
		if (ph->p_type == PT_NOTE || ph->p_type == PT_GNU_STACK) {
			ph->p_type = PT_INTERP;
			return 0;
		}
	return -1;
}

static int no_pt_load(struct image *img)
{
	unsigned int i, n = 0;
	struct elf64_phdr *ph;

	for (i = 0; (ph = phdr(img, i)); i++)
		if (ph->p_type == PT_LOAD) {
			ph->p_type = PT_NULL;
			n++;
		}
	return n ? 0 : -1;
}

static int load_offset_huge(struct image *img)
{
	struct elf64_phdr *ph;
	unsigned int i;

	for (i = 0; (ph = phdr(img, i)); i++)
		if (ph->p_type == PT_LOAD) {
			ph->p_offset = 1ULL << 62;
			return 0;
		}
	return -1;
}

static int no_name(struct image *img)
{
	char *p = modinfo_entry(img, "name=", false);

	if (!p)
		return -1;
	memcpy(p, "nome=", 5);
	return 0;
}

static int bad_name(struct image *img)
{
	char *p = modinfo_entry(img, "name=", false);

	if (!p || !p[5])
		return -1;
	p[5] = '/';
	return 0;
}

/* "version=1.0" becomes a second name=, of the same length. */
static int duplicate_name(struct image *img)
{
	char *p = modinfo_entry(img, "version=1.0", true);

	if (!p)
		return -1;
	memcpy(p, "name=abcdef", 11);
	return 0;
}

static int modinfo_not_nul_terminated(struct image *img)
{
	struct elf64_shdr *sh = find_section(img, ".modinfo", NULL);

	if (!sh || !sh->sh_size)
		return -1;
	img->buf[sh->sh_offset + sh->sh_size - 1] = 'x';
	return 0;
}

static int no_modinfo(struct image *img)
{
	char *name;

	if (!find_section(img, ".modinfo", &name))
		return -1;
	name[7] = 'X';	/* ".modinfX" */
	return 0;
}

FIXTURE(bad_image) {
	struct kmsg log;
	struct image img;
};

FIXTURE_VARIANT(bad_image) {
	int (*mutate)(struct image *img);
	/* What the kernel log says; NULL: no elf-module line at all. */
	const char *reason;
};

FIXTURE_VARIANT_ADD(bad_image, wrong_class) {
	.mutate = wrong_class,
	.reason = "wrong ELF class for this machine",
};

FIXTURE_VARIANT_ADD(bad_image, wrong_byte_order) {
	.mutate = wrong_byte_order,
	.reason = "wrong byte order for this machine",
};

FIXTURE_VARIANT_ADD(bad_image, wrong_machine) {
	.mutate = wrong_machine,
	.reason = "not an executable for this machine",
};

FIXTURE_VARIANT_ADD(bad_image, phoff_beyond_file) {
	.mutate = phoff_beyond_file,
	.reason = "program headers out of bounds",
};

FIXTURE_VARIANT_ADD(bad_image, phnum_huge) {
	.mutate = phnum_huge,
	.reason = "program headers out of bounds",
};

FIXTURE_VARIANT_ADD(bad_image, truncated_40) {
	.mutate = truncated_40,
	.reason = NULL,
};

FIXTURE_VARIANT_ADD(bad_image, truncated_to_header) {
	.mutate = truncated_to_header,
	.reason = "program headers out of bounds",
};

FIXTURE_VARIANT_ADD(bad_image, pt_interp) {
	.mutate = pt_interp,
	.reason = "PT_INTERP: not statically linked",
};

FIXTURE_VARIANT_ADD(bad_image, no_pt_load) {
	.mutate = no_pt_load,
	.reason = "no PT_LOAD segment",
};

FIXTURE_VARIANT_ADD(bad_image, load_offset_huge) {
	.mutate = load_offset_huge,
	.reason = "segment out of bounds",
};

FIXTURE_VARIANT_ADD(bad_image, no_name) {
	.mutate = no_name,
	.reason = "no name= in .modinfo",
};

FIXTURE_VARIANT_ADD(bad_image, bad_name) {
	.mutate = bad_name,
	.reason = "bad name= in .modinfo",
};

FIXTURE_VARIANT_ADD(bad_image, duplicate_name) {
	.mutate = duplicate_name,
	.reason = "duplicate tag in .modinfo",
};

FIXTURE_VARIANT_ADD(bad_image, modinfo_not_nul_terminated) {
	.mutate = modinfo_not_nul_terminated,
	.reason = ".modinfo not NUL-terminated",
};

FIXTURE_VARIANT_ADD(bad_image, no_modinfo) {
	.mutate = no_modinfo,
	.reason = "no .modinfo section",
};

FIXTURE_SETUP(bad_image)
{
	struct elf64_hdr *eh;

	self->img.buf = NULL;
	if (!env_setup(_metadata, &self->log))
		SKIP(return, "must be run as root");
	self->img.buf = read_all(UNSIGNED_KO, &self->img.len);
	ASSERT_NE(NULL, self->img.buf)
		TH_LOG("%s: %s", UNSIGNED_KO, strerror(errno));
	ASSERT_LE(sizeof(*eh), self->img.len);
	eh = ehdr(&self->img);
	ASSERT_EQ(0, memcmp(eh->e_ident, ELFMAG, SELFMAG));
	ASSERT_EQ(ELFCLASS64, eh->e_ident[EI_CLASS]);
}

FIXTURE_TEARDOWN_PARENT(bad_image)
{
	env_teardown(_metadata, &self->log);
}

TEST_F_TIMEOUT(bad_image, rejected, TEST_TIMEOUT)
{
	char want[128];

	ASSERT_EQ(0, variant->mutate(&self->img))
		TH_LOG("%s has nothing to change for this test", UNSIGNED_KO);
	ASSERT_EQ(-ENOEXEC, load_image(self->img.buf, self->img.len, ""));
	if (variant->reason) {
		snprintf(want, sizeof(want), ": rejected: %s", variant->reason);
		EXPECT_TRUE(kmsg_wait(&self->log, want))
			TH_LOG("no \"elf-module...%s\" in the kernel log", want);
		EXPECT_EQ(1, kmsg_count(&self->log, "elf-module"));
	} else {
		EXPECT_EQ(0, kmsg_count(&self->log, "elf-module"));
	}
	EXPECT_EQ(0, count_procs(MOD));
	EXPECT_TRUE(module_gone(MOD));
}

TEST_HARNESS_MAIN
