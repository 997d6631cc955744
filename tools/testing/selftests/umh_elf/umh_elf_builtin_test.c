// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of ELF modules built into the kernel image (elfmod-y): the echo
 * sample linked in as umh_sample_builtin (started on first use, alias
 * umh_sample_builtin_alias) and as umh_sample_boot (start=boot), with
 * CONFIG_SAMPLE_UMH_ELF_BUILTIN=y.  They drive the test driver
 * lib/test_umh_elf.c through /sys/kernel/debug/test_umh_elf/run, and run
 * on the modular test kernel, next to loadable ELF modules, and on the
 * test kernel without CONFIG_MODULES (test driver and samples built in).
 *
 * Three more samples are built in for the tests: umh_sample_limits (a
 * capabilities= list, memory_max= and pids_max=), umh_sample_stall (never
 * ready) and umh_sample_badcaps (an unknown capability: refused at boot).
 *
 * Each test starts with the driver holding no reference, and leaves
 * umh_sample_builtin running or stopped; it stops it first if it needs
 * it stopped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The harness is not -Wextra clean; keep that out of this file's build. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "../kselftest_harness.h"
#pragma GCC diagnostic pop
#include "umh_elf_util.h"

#pragma GCC diagnostic ignored "-Wclobbered"

#define BUILTIN		"umh_sample_builtin"
#define BUILTIN_ALIAS	"umh_sample_builtin_alias"
#define BOOT		"umh_sample_boot"
#define LOADABLE	"umh_sample_echo"
#define SYSMOD		"/sys/module/"
#define STATE(m)	SYSMOD m "/elf/state"
#define MODPROBE	"/sbin/modprobe"
#define MODPROBE_PATH	"/proc/sys/kernel/modprobe"
#define FAKE_MODPROBE	"/tmp/umh_elf_builtin_modprobe"
#define MODPROBE_RAN	"/tmp/umh_elf_builtin_modprobe_ran"

#define LIMITS		"umh_sample_limits"
#define STALL		"umh_sample_stall"
#define BADCAPS		"umh_sample_badcaps"
#define READY_TIMEOUT	"/sys/module/module/parameters/elf_ready_timeout_ms"
#define RESTART_IGNORED	"restart=on-failure ignored built in: the next use starts it again"

#define TEST_TIMEOUT	120

static bool modular(void)
{
	return !access("/proc/modules", F_OK);
}

static int read_state(const char *mod, char *buf, size_t size)
{
	char path[128];

	snprintf(path, sizeof(path), SYSMOD "%s/elf/state", mod);
	return read_text(path, buf, size);
}

static bool running(const char *mod)
{
	char buf[32];

	return read_state(mod, buf, sizeof(buf)) > 0 && !strcmp(buf, "running");
}

static pid_t builtin_pid(const char *mod)
{
	char path[128], buf[32];

	snprintf(path, sizeof(path), SYSMOD "%s/elf/pid", mod);
	if (read_text(path, buf, sizeof(buf)) <= 0)
		return 0;
	return atoi(buf);
}

static int stop(const char *mod)
{
	char path[128];

	snprintf(path, sizeof(path), SYSMOD "%s/elf/state", mod);
	return write_text(path, "stop");
}

/* "elf-module NAME: started pid " */
static const char *start_line(const char *mod)
{
	static char needle[96];

	snprintf(needle, sizeof(needle), "elf-module %s: started pid ", mod);
	return needle;
}

/*
 * The first record of the whole kernel log that contains @needle: its
 * sequence number and time in µs since boot, and its text in @text.
 * Returns false if there is none.
 */
static bool boot_record(const char *needle, unsigned long long *seq,
			unsigned long long *usec, char *text, size_t size)
{
	char rec[8192];
	bool found = false;
	ssize_t n;
	char *msg;
	int fd;

	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return false;
	while (!found) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		if (!msg || !strstr(msg, needle) ||
		    sscanf(rec, "%*u,%llu,%llu", seq, usec) != 2)
			continue;
		*strchrnul(msg, '\n') = '\0';
		snprintf(text, size, "%s", msg + 1);
		found = true;
	}
	close(fd);
	return found;
}

#define RUN_INIT	"Run /init as init process"

FIXTURE(builtin) {
	struct kmsg log;
};

FIXTURE_SETUP(builtin)
{
	self->log.fd = -1;
	self->log.text = NULL;
	self->log.start = 0;
	if (geteuid())
		SKIP(return, "must be run as root");
	if (access(SYSMOD BUILTIN, F_OK))
		SKIP(return, "no %s: is CONFIG_SAMPLE_UMH_ELF_BUILTIN=y?",
		     SYSMOD BUILTIN);
	if (modular())
		run(MODPROBE, DRIVER);
	if (access(RUN_FILE, F_OK))
		mount("debugfs", DEBUGFS, "debugfs", 0, NULL);
	ASSERT_EQ(0, access(RUN_FILE, W_OK))
		TH_LOG("%s: %s", RUN_FILE, strerror(errno));
	drv("release");
	ASSERT_EQ(0, kmsg_open(&self->log))
		TH_LOG("/dev/kmsg: %s", strerror(errno));
}

FIXTURE_TEARDOWN_PARENT(builtin)
{
	if (_metadata->exit_code == KSFT_FAIL)
		kmsg_dump(self->log.start);
	drv("release");
	if (modular())
		write_text(MODPROBE_PATH, MODPROBE);
}

/*
 * Listed in /sys/module with the elf/ group, before any use; not in the
 * module list (built-in code), never signed, and rmmod does not apply.
 */
TEST_F_TIMEOUT(builtin, listed_in_sysfs_not_in_lsmod, TEST_TIMEOUT)
{
	static const char * const attrs[] = {
		"pid", "pids", "sha256", "signed", "state", "status",
	};
	char path[128], buf[128];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(attrs); i++) {
		snprintf(path, sizeof(path), SYSMOD BUILTIN "/elf/%s",
			 attrs[i]);
		EXPECT_EQ(0, access(path, R_OK)) TH_LOG("%s", path);
	}
	ASSERT_EQ(64, read_text(SYSMOD BUILTIN "/elf/sha256", buf,
				sizeof(buf)));
	ASSERT_EQ(1, read_text(SYSMOD BUILTIN "/elf/signed", buf,
			       sizeof(buf)));
	EXPECT_STREQ("0", buf);
	EXPECT_FALSE(module_listed(BUILTIN));
	if (modular()) {
		EXPECT_EQ(-1, syscall(SYS_delete_module, BUILTIN, O_NONBLOCK));
		EXPECT_EQ(ENOENT, errno);
	}
}

/*
 * umh_elf_get() of a stopped built-in module starts it: one start line
 * with the sha256 of /sys/module/NAME/elf/sha256 and "built-in", and it
 * answers on its channel.
 */
TEST_F_TIMEOUT(builtin, get_starts_on_first_use, TEST_TIMEOUT)
{
	char sha[80], line[256];
	pid_t pid;

	ASSERT_EQ(0, stop(BUILTIN));
	ASSERT_FALSE(running(BUILTIN));
	EXPECT_EQ(0, builtin_pid(BUILTIN));
	EXPECT_EQ(0, count_procs(BUILTIN));

	ASSERT_EQ(0, drv("get " BUILTIN));
	ASSERT_TRUE(running(BUILTIN));
	pid = builtin_pid(BUILTIN);
	ASSERT_LT(0, pid);
	EXPECT_EQ(1, count_procs(BUILTIN));
	ASSERT_EQ(64, read_text(SYSMOD BUILTIN "/elf/sha256", sha,
				sizeof(sha)));
	snprintf(line, sizeof(line), "%s%d, sha256 %s, built-in, by ",
		 start_line(BUILTIN), pid, sha);
	EXPECT_EQ(1, kmsg_count(&self->log, line)) TH_LOG("no \"%s\"", line);
	EXPECT_EQ(1, kmsg_count(&self->log, start_line(BUILTIN)));

	EXPECT_EQ(0, drv("echo " BUILTIN " 4 8 100 10000"));
	/* Still the same process: no second start. */
	EXPECT_EQ(pid, builtin_pid(BUILTIN));
	EXPECT_EQ(1, kmsg_count(&self->log, start_line(BUILTIN)));
}

/*
 * Make kernel.modprobe a script that leaves MODPROBE_RAN, then runs the
 * real modprobe: whether modprobe ran shows.  0 or -errno.
 */
static int modprobe_that_marks(void)
{
	FILE *f;

	unlink(MODPROBE_RAN);
	f = fopen(FAKE_MODPROBE, "w");
	if (!f)
		return -errno;
	fprintf(f, "#!/bin/sh\ntouch " MODPROBE_RAN "\nexec " MODPROBE
		   " \"$@\"\n");
	if (fclose(f) || chmod(FAKE_MODPROBE, 0755))
		return -errno;
	return write_text(MODPROBE_PATH, FAKE_MODPROBE);
}

/*
 * request_module() of the alias starts it without modprobe: a
 * kernel.modprobe that leaves a mark is never run.
 */
TEST_F_TIMEOUT(builtin, request_module_alias_runs_no_modprobe, TEST_TIMEOUT)
{
	if (!modular())
		SKIP(return, "no request_module() without CONFIG_MODULES");
	ASSERT_EQ(0, stop(BUILTIN));
	ASSERT_EQ(0, modprobe_that_marks());

	EXPECT_EQ(0, drv("request " BUILTIN_ALIAS " 1"));
	EXPECT_TRUE(running(BUILTIN));
	EXPECT_EQ(0, drv("echo " BUILTIN_ALIAS " 1 1 16 10000"));
	EXPECT_NE(0, access(MODPROBE_RAN, F_OK))
		TH_LOG("modprobe ran for a built-in ELF module");

	/* The check is live: a name no built-in has runs it. */
	drv("expect umh_elf_builtin_nonexistent 1 256");
	EXPECT_EQ(0, access(MODPROBE_RAN, F_OK));
	write_text(MODPROBE_PATH, MODPROBE);
}

/* Sixteen concurrent request_module() calls start one process. */
TEST_F_TIMEOUT(builtin, concurrent_requests_one_process, TEST_TIMEOUT)
{
	if (!modular())
		SKIP(return, "no request_module() without CONFIG_MODULES");
	ASSERT_EQ(0, stop(BUILTIN));
	EXPECT_EQ(0, drv("request " BUILTIN " 16"));
	EXPECT_TRUE(running(BUILTIN));
	EXPECT_EQ(1, count_procs(BUILTIN));
	EXPECT_EQ(1, kmsg_count(&self->log, start_line(BUILTIN)));
}

/* Sixteen concurrent umh_elf_get() calls start one process. */
TEST_F_TIMEOUT(builtin, concurrent_gets_one_process, TEST_TIMEOUT)
{
	ASSERT_EQ(0, stop(BUILTIN));
	EXPECT_EQ(0, drv("gets " BUILTIN " 16"));
	EXPECT_TRUE(running(BUILTIN));
	EXPECT_EQ(1, count_procs(BUILTIN));
	EXPECT_EQ(1, kmsg_count(&self->log, start_line(BUILTIN)));
	/* And all of them are answered by it. */
	EXPECT_EQ(0, drv("echo " BUILTIN " 16 4 64 10000"));
	EXPECT_EQ(1, kmsg_count(&self->log, start_line(BUILTIN)));
}

/*
 * Stopped and started through /sys/module/NAME/elf/state: the process
 * ends with a "stopped (sysfs)" line, and a start runs a new one.
 */
TEST_F_TIMEOUT(builtin, sysfs_stop_and_start, TEST_TIMEOUT)
{
	pid_t pid;

	ASSERT_EQ(0, write_text(STATE(BUILTIN), "start"));
	ASSERT_TRUE(running(BUILTIN));
	pid = builtin_pid(BUILTIN);
	ASSERT_LT(0, pid);
	/* Starting a running module is a no-op. */
	EXPECT_EQ(0, write_text(STATE(BUILTIN), "start"));
	EXPECT_EQ(pid, builtin_pid(BUILTIN));

	ASSERT_EQ(0, stop(BUILTIN));
	EXPECT_FALSE(running(BUILTIN));
	/*
	 * The stop returns once the process has exited; it is released a
	 * moment later, by itself (a loaded host can stretch that moment).
	 */
	EXPECT_TRUE(WAIT_UNTIL(kill(pid, 0) && errno == ESRCH));
	EXPECT_TRUE(WAIT_UNTIL(count_procs(BUILTIN) == 0));
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " BUILTIN
			      ": stopped (sysfs)"));
	/* Stopping a stopped module is a no-op. */
	EXPECT_EQ(0, stop(BUILTIN));
	EXPECT_EQ(-EINVAL, write_text(STATE(BUILTIN), "restart"));

	ASSERT_EQ(0, write_text(STATE(BUILTIN), "start"));
	EXPECT_TRUE(running(BUILTIN));
	EXPECT_NE(pid, builtin_pid(BUILTIN));
	EXPECT_EQ(1, count_procs(BUILTIN));
}

/* A reference of kernel code keeps it from being stopped: -EBUSY. */
TEST_F_TIMEOUT(builtin, stop_while_held_is_busy, TEST_TIMEOUT)
{
	ASSERT_EQ(0, drv("hold " BUILTIN));
	EXPECT_EQ(-EBUSY, stop(BUILTIN));
	EXPECT_TRUE(running(BUILTIN));
	ASSERT_EQ(0, drv("release"));
	EXPECT_EQ(0, stop(BUILTIN));
	EXPECT_FALSE(running(BUILTIN));
}

/*
 * Killed, it is stopped with the signal in the log; the next use starts
 * it afresh.
 */
TEST_F_TIMEOUT(builtin, killed_starts_afresh_on_next_use, TEST_TIMEOUT)
{
	pid_t pid;

	ASSERT_EQ(0, drv("get " BUILTIN));
	pid = builtin_pid(BUILTIN);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, kill(pid, SIGKILL));
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " BUILTIN
			      ": stopped (signal 9)"));
	EXPECT_TRUE(WAIT_UNTIL(!running(BUILTIN)));
	EXPECT_EQ(0, drv("echo " BUILTIN " 1 1 16 10000"));
	EXPECT_TRUE(running(BUILTIN));
	EXPECT_NE(pid, builtin_pid(BUILTIN));
}

/* ---- the channel and containment, as for a loaded module ---- */

#define CGROUP_FS	"/sys/fs/cgroup"
#define DAEMON		"umh_sample_daemon"

/* Requests of every size up to the limit come back intact; one more fails. */
TEST_F_TIMEOUT(builtin, channel_round_trip_sizes, TEST_TIMEOUT)
{
	static const unsigned int sizes[] = { 0, 1, 4096, 65535, 65536 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		EXPECT_EQ(0, drv("echo " BUILTIN " 1 2 %u 10000", sizes[i]))
			TH_LOG("size %u", sizes[i]);
	EXPECT_EQ(-EMSGSIZE, drv("echo " BUILTIN " 1 1 65537 10000"));
	EXPECT_EQ(0, drv("echo " BUILTIN " 1 1 16 10000"));
	EXPECT_EQ(1, count_procs(BUILTIN));
}

/*
 * Killed while kernel code holds it: the held reference stays valid, and
 * the next use starts a new process.
 */
TEST_F_TIMEOUT(builtin, killed_while_held_starts_afresh, TEST_TIMEOUT)
{
	pid_t pid;

	ASSERT_EQ(0, drv("hold " BUILTIN));
	pid = builtin_pid(BUILTIN);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, kill(pid, SIGKILL));
	EXPECT_TRUE(WAIT_UNTIL(!running(BUILTIN)));
	/* The held reference is to the dead run: a new get starts afresh. */
	EXPECT_EQ(0, drv("echo " BUILTIN " 1 1 16 10000"));
	EXPECT_NE(pid, builtin_pid(BUILTIN));
	ASSERT_EQ(0, drv("release"));
}

/*
 * Its process is in the module's kernel-owned cgroup, which no process
 * can enter, and a stop ends every process of it.  With the forking
 * daemon sample (built in on the kernel without modules): the main
 * process exits once its child runs, which stays a member.
 */
TEST_F_TIMEOUT(builtin, contained_and_stopped_whole, TEST_TIMEOUT)
{
	const char *mod = access(SYSMOD DAEMON, F_OK) ? BUILTIN : DAEMON;
	char path[128], procs[256], pid[32];

	snprintf(path, sizeof(path), SYSMOD "%s/elf/state", mod);
	ASSERT_EQ(0, write_text(path, "start"));
	ASSERT_TRUE(running(mod));
	ASSERT_EQ(1, count_procs(mod));
	snprintf(path, sizeof(path), CGROUP_FS "/elf-modules/%s/cgroup.procs",
		 mod);
	ASSERT_LT(0, read_text(path, procs, sizeof(procs)));
	snprintf(pid, sizeof(pid), "%d", getpid());
	EXPECT_EQ(-EPERM, write_text(path, pid));
	snprintf(path, sizeof(path), SYSMOD "%s/elf/pids", mod);
	ASSERT_LT(0, read_text(path, pid, sizeof(pid)));
	EXPECT_STREQ(procs, pid);
	if (!strcmp(mod, DAEMON))
		EXPECT_EQ(0, builtin_pid(mod)) TH_LOG("the main process ran on");

	ASSERT_EQ(0, stop(mod));
	EXPECT_EQ(0, count_procs(mod));
	EXPECT_FALSE(running(mod));
}

/*
 * start=boot: it runs without anyone having asked for it, started during
 * the initcalls, before /init runs, with only the initramfs there.  The
 * log times are shown: how early it was started, and ready.
 */
TEST_F_TIMEOUT(builtin, start_boot_runs_from_boot, TEST_TIMEOUT)
{
	unsigned long long seq, usec, init_seq, init_usec;
	char text[256];

	if (access(SYSMOD BOOT, F_OK))
		SKIP(return, "no %s", BOOT);
	EXPECT_TRUE(WAIT_UNTIL(running(BOOT)));
	EXPECT_EQ(1, count_procs(BOOT));
	EXPECT_EQ(0, drv("echo " BOOT " 2 2 32 10000"));

	ASSERT_TRUE(boot_record(RUN_INIT, &init_seq, &init_usec, text,
				sizeof(text)));
	ASSERT_TRUE(boot_record(start_line(BOOT), &seq, &usec, text,
				sizeof(text)));
	TH_LOG("%s at %llu.%06llu s; /init at %llu.%06llu s", text,
	       usec / 1000000, usec % 1000000, init_usec / 1000000,
	       init_usec % 1000000);
	EXPECT_LT(seq, init_seq);
	ASSERT_TRUE(boot_record("elf-module " BOOT ": ready", &seq, &usec,
				text, sizeof(text)));
	TH_LOG("%s at %llu.%06llu s", text, usec / 1000000, usec % 1000000);
}

/*
 * test_umh_elf.boot_get=NAME (the boot of the kernel without modules):
 * the driver's initcall got the built-in module, before /init ran.
 */
TEST_F_TIMEOUT(builtin, used_by_driver_initcall, TEST_TIMEOUT)
{
	unsigned long long seq, usec, init_seq, init_usec;
	char text[256];

	if (!boot_record("test_umh_elf: boot_get ", &seq, &usec, text,
			 sizeof(text)))
		SKIP(return, "no test_umh_elf.boot_get= at boot");
	TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "boot_get " BUILTIN ": 0 after "));
	ASSERT_TRUE(boot_record(RUN_INIT, &init_seq, &init_usec, text,
				sizeof(text)));
	EXPECT_LT(seq, init_seq);
	ASSERT_TRUE(boot_record(start_line(BUILTIN), &seq, &usec, text,
				sizeof(text)));
	EXPECT_NE(NULL, strstr(text, "by swapper/"))
		TH_LOG("not started from an initcall: %s", text);
}

/*
 * Side by side with a loadable ELF module: both run and answer, the
 * loadable one in lsmod, the built-in one not; a file that names itself
 * like the built-in one does not load (-EEXIST).
 */
TEST_F_TIMEOUT(builtin, side_by_side_with_loadable, TEST_TIMEOUT)
{
	if (!modular())
		SKIP(return, "no loadable modules without CONFIG_MODULES");
	ASSERT_EQ(0, drv("echo " BUILTIN " 2 2 32 10000"));
	ASSERT_EQ(0, drv("echo " LOADABLE " 2 2 32 10000"));
	EXPECT_TRUE(running(BUILTIN));
	EXPECT_TRUE(module_live(LOADABLE));
	EXPECT_FALSE(module_listed(BUILTIN));
	EXPECT_EQ(0, unload(LOADABLE));
	EXPECT_TRUE(running(BUILTIN));
}

/* ---- what .modinfo declares, as for a loaded module ---- */

/* A field of /proc/PID/status ("CapEff"), into @buf. */
static bool proc_status_field(pid_t pid, const char *key, char *buf,
			      size_t size)
{
	char path[64], line[256];
	size_t n = strlen(key);
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, n) || line[n] != ':')
			continue;
		snprintf(buf, size, "%s", line + n + 1 + strspn(line + n + 1,
								" \t"));
		*strchrnul(buf, '\n') = '\0';
		found = true;
	}
	fclose(f);
	return found;
}

/*
 * capabilities=cap_net_bind_service,cap_kill: the process has exactly
 * those (bits 10 and 5) in every set, bounding set included, and does
 * not run as root; no "full user-mode-helper capability set" line.
 */
TEST_F_TIMEOUT(builtin, capabilities_list_applied, TEST_TIMEOUT)
{
	static const char * const sets[] = {
		"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb",
	};
	char buf[128];
	unsigned int i;
	pid_t pid;

	if (access(SYSMOD LIMITS, F_OK))
		SKIP(return, "no %s", LIMITS);
	ASSERT_EQ(0, stop(LIMITS));
	ASSERT_EQ(0, drv("get " LIMITS));
	pid = builtin_pid(LIMITS);
	ASSERT_LT(0, pid);
	for (i = 0; i < ARRAY_SIZE(sets); i++) {
		ASSERT_TRUE(proc_status_field(pid, sets[i], buf, sizeof(buf)));
		EXPECT_STREQ("0000000000000420", buf) TH_LOG("%s", sets[i]);
	}
	ASSERT_TRUE(proc_status_field(pid, "Uid", buf, sizeof(buf)));
	EXPECT_NE(0, atoi(buf)) TH_LOG("Uid: %s", buf);
	ASSERT_TRUE(proc_status_field(pid, "NoNewPrivs", buf, sizeof(buf)));
	EXPECT_STREQ("1", buf);
	EXPECT_EQ(0, kmsg_count(&self->log, "elf-module " LIMITS
				": no capabilities= limit"));
	EXPECT_EQ(0, stop(LIMITS));
}

/*
 * An unknown capability name: refused at boot with the line a load
 * of it logs, and not listed.
 */
TEST_F_TIMEOUT(builtin, unknown_capability_refused, TEST_TIMEOUT)
{
	unsigned long long seq, usec;
	char text[256];

	EXPECT_NE(0, access(SYSMOD BADCAPS, F_OK));
	ASSERT_TRUE(boot_record("elf-module " BADCAPS ": rejected: ", &seq,
				&usec, text, sizeof(text)));
	EXPECT_STREQ("elf-module " BADCAPS
		     ": rejected: unknown capability 'cap_bogus'", text);
}

/*
 * memory_max=16M and pids_max=4: the module's cgroup has them, sysfs
 * shows them, and the fifth process is refused (the sample forks until
 * a fork fails and says how many it got).
 */
TEST_F_TIMEOUT(builtin, limits_in_cgroup_and_enforced, TEST_TIMEOUT)
{
	char buf[128];

	if (access(SYSMOD LIMITS, F_OK))
		SKIP(return, "no %s", LIMITS);
	ASSERT_EQ(0, stop(LIMITS));
	ASSERT_EQ(0, drv("get " LIMITS));
	ASSERT_LT(0, read_text(CGROUP_FS "/elf-modules/" LIMITS "/pids.max",
			       buf, sizeof(buf)));
	EXPECT_STREQ("4", buf);
	ASSERT_LT(0, read_text(CGROUP_FS "/elf-modules/" LIMITS "/memory.max",
			       buf, sizeof(buf)));
	EXPECT_STREQ("16777216", buf);
	ASSERT_LT(0, read_text(SYSMOD LIMITS "/elf/pids_max", buf,
			       sizeof(buf)));
	EXPECT_STREQ("4", buf);
	ASSERT_LT(0, read_text(SYSMOD LIMITS "/elf/memory_max", buf,
			       sizeof(buf)));
	EXPECT_STREQ("16777216", buf);
	ASSERT_LT(0, read_text(SYSMOD LIMITS "/elf/status", buf,
			       sizeof(buf)));
	EXPECT_STREQ("forked 03", buf);
	EXPECT_EQ(4, count_procs(LIMITS));
	EXPECT_EQ(0, stop(LIMITS));
	EXPECT_EQ(0, count_procs(LIMITS));
	/* Without limits: none in sysfs. */
	ASSERT_LT(0, read_text(SYSMOD BUILTIN "/elf/pids_max", buf,
			       sizeof(buf)));
	EXPECT_STREQ("max", buf);
}

/*
 * watchdog_ms=5000: the sample never writes WATCHDOG=1, so 5 s after it
 * is ready the watchdog stops it; restart=on-failure was logged as
 * ignored at boot, and it is not restarted.
 */
TEST_F_TIMEOUT(builtin, watchdog_applies_restart_ignored, TEST_TIMEOUT)
{
	unsigned long long seq, usec;
	char buf[256];
	int i;

	if (access(SYSMOD LIMITS, F_OK))
		SKIP(return, "no %s", LIMITS);
	ASSERT_TRUE(boot_record("elf-module " LIMITS ": restart=", &seq, &usec,
				buf, sizeof(buf)));
	EXPECT_STREQ("elf-module " LIMITS ": " RESTART_IGNORED, buf);
	ASSERT_LT(0, read_text(SYSMOD LIMITS "/elf/watchdog_ms", buf,
			       sizeof(buf)));
	EXPECT_STREQ("5000", buf);
	ASSERT_EQ(0, stop(LIMITS));
	ASSERT_EQ(0, drv("get " LIMITS));
	for (i = 0; i < 4; i++)
		if (kmsg_wait(&self->log, "elf-module " LIMITS
			      ": stopped (watchdog)"))
			break;
	EXPECT_GT(4, i) TH_LOG("no watchdog stop within 20 s");
	EXPECT_TRUE(WAIT_UNTIL(!count_procs(LIMITS)));
	EXPECT_FALSE(running(LIMITS));
	sleep(1);
	EXPECT_EQ(1, kmsg_count(&self->log, start_line(LIMITS)));
}

/* ---- the wait for a start ---- */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Set the ready timeout; returns the old value in @old. */
static int set_ready_timeout(const char *ms, char *old, size_t size)
{
	if (old && read_text(READY_TIMEOUT, old, size) <= 0)
		return -1;
	return write_text(READY_TIMEOUT, ms);
}

/*
 * A start waits for READY=1 as long as module.elf_ready_timeout_ms says,
 * as a load does: with 1000 ms, a module that never gets ready fails
 * with ETIMEDOUT after about a second, and is stopped.
 */
TEST_F_TIMEOUT(builtin, start_uses_ready_timeout, TEST_TIMEOUT)
{
	char old[32];
	double t;
	int ret;

	if (access(SYSMOD STALL, F_OK))
		SKIP(return, "no %s", STALL);
	ASSERT_EQ(0, set_ready_timeout("1000", old, sizeof(old)));
	t = now();
	ret = drv("get " STALL);
	t = now() - t;
	write_text(READY_TIMEOUT, old);
	EXPECT_EQ(-ETIMEDOUT, ret);
	EXPECT_LT(0.9, t);
	EXPECT_GT(10.0, t) TH_LOG("the start waited %.1f s", t);
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " STALL
			      ": stopped (timeout)"));
	EXPECT_FALSE(running(STALL));
	EXPECT_TRUE(WAIT_UNTIL(!count_procs(STALL)));
}

/*
 * A caller killed while the start it waits for is in progress ends at
 * once, and the module it started is stopped; meanwhile umh_elf_find()
 * does not wait for the start: the module does not run yet (ENOENT).
 */
TEST_F_TIMEOUT(builtin, killed_caller_and_find_do_not_wait, TEST_TIMEOUT)
{
	int status, i;
	char old[32];
	pid_t child;
	double t;
	int ret;

	if (access(SYSMOD STALL, F_OK))
		SKIP(return, "no %s", STALL);
	ASSERT_EQ(0, set_ready_timeout("20000", old, sizeof(old)));
	child = fork();
	ASSERT_LE(0, child);
	if (!child)
		_exit(drv("get " STALL) == -EINTR ? 0 : 1);
	EXPECT_TRUE(WAIT_UNTIL(count_procs(STALL) == 1));

	t = now();
	ret = drv("find " STALL);
	t = now() - t;
	EXPECT_EQ(-ENOENT, ret);
	EXPECT_GT(2.0, t) TH_LOG("umh_elf_find() waited %.1f s", t);
	EXPECT_FALSE(running(STALL));

	t = now();
	ASSERT_EQ(0, kill(child, SIGKILL));
	for (i = 0; i < 50 && waitpid(child, &status, WNOHANG) != child; i++)
		usleep(100000);
	t = now() - t;
	if (i == 50) {
		waitpid(child, &status, 0);	/* after the ready timeout */
		t = now() - t;
	}
	write_text(READY_TIMEOUT, old);
	EXPECT_GT(5.0, t) TH_LOG("the killed caller waited %.1f s", t);
	EXPECT_TRUE(WIFSIGNALED(status));
	EXPECT_TRUE(WAIT_UNTIL(!count_procs(STALL)));
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " STALL ": stopped ("));
	EXPECT_FALSE(running(STALL));
}

/*
 * request_module_nowait() of the alias starts it too, without modprobe,
 * and returns at once.
 */
TEST_F_TIMEOUT(builtin, request_module_nowait_runs_no_modprobe, TEST_TIMEOUT)
{
	if (!modular())
		SKIP(return, "no request_module() without CONFIG_MODULES");
	ASSERT_EQ(0, stop(BUILTIN));
	ASSERT_EQ(0, modprobe_that_marks());

	EXPECT_EQ(0, drv("nowait " BUILTIN_ALIAS));
	EXPECT_TRUE(WAIT_UNTIL(running(BUILTIN)));
	EXPECT_EQ(1, kmsg_count(&self->log, start_line(BUILTIN)));
	EXPECT_NE(0, access(MODPROBE_RAN, F_OK))
		TH_LOG("modprobe ran for a built-in ELF module");
	write_text(MODPROBE_PATH, MODPROBE);
}

TEST_HARNESS_MAIN
