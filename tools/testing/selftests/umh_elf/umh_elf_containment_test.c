// SPDX-License-Identifier: GPL-2.0
/*
 * Containment tests for ELF modules: a module's processes, privileges,
 * image and outcome belong to the kernel, whatever the program does
 * (SPEC sections 2 to 5, Documentation/admin-guide/elf-modules.rst).
 *
 * Each test feeds a hostile or sloppy program, or a hostile bystander,
 * and checks what an administrator would check: the load's errno, the
 * kernel log, /proc/modules, /sys/module/NAME/elf/ and the processes
 * left in /proc.  Every test ends with nothing of the test modules
 * loaded or running, also after a failed assertion.
 *
 * The sections below are grouped by the promise they check: process
 * membership, privileges, the image, and the outcome of a load.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sched.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* The harness is not -Wextra clean; keep that out of this file's build. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "../kselftest_harness.h"
#pragma GCC diagnostic pop
#include "umh_elf_util.h"

#pragma GCC diagnostic ignored "-Wclobbered"

#define MOD		"umh_elf_test"
#define MOD2		"umh_elf_test2"

#define PARAMS_DIR	"/sys/module/module/parameters/"
#define READY_TIMEOUT	PARAMS_DIR "elf_ready_timeout_ms"
#define STOP_TIMEOUT	PARAMS_DIR "elf_stop_timeout_ms"
#define READY_TIMEOUT_DEFAULT	"30000"
#define STOP_TIMEOUT_DEFAULT	"5000"

/* The cgroup of a module, as an administrator sees it. */
#define CGROUP_FS	"/sys/fs/cgroup"
#define MOD_CGROUP	CGROUP_FS "/elf-modules/" MOD

/* Per test, in seconds: above the default ready timeout (30 s). */
#define TEST_TIMEOUT	60

/*
 * How long rmmod may take with the default stop timeout: 5 s, plus the
 * fixed grace after SIGKILL, plus slack for the emulated guest.
 */
#define RMMOD_MS	15000

/* Debian's kmod; busybox has applets of the same names in /bin. */
#define MODPROBE	"/sbin/modprobe"

/* Loads raced by a reader of fd 3. */
#define READER_LOADS	3

/* Built with memory_max=32M and pids_max=8 in its .modinfo. */
#define LIMITS		"umh_elf_limits"
#define LIMITS_CGROUP	CGROUP_FS "/elf-modules/" LIMITS

static const char * const test_modules[] = {
	MOD, MOD2, "umh_elf_caps", "umh_elf_nocaps", LIMITS,
};

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
	for (i = 0; i < ARRAY_SIZE(test_modules); i++) {
		WAIT_UNTIL(module_gone(test_modules[i]));
		kill_procs(test_modules[i]);
		WAIT_UNTIL(count_procs(test_modules[i]) <= 0);
	}
}

/* Returns false if the test is to be skipped. */
static bool env_setup(struct __test_metadata *_metadata, struct kmsg *log)
{
	const char *left;

	log->fd = -1;
	log->text = NULL;
	if (geteuid())
		return false;
	env_reset();
	left = first_loaded(test_modules, ARRAY_SIZE(test_modules));
	ASSERT_TRUE(!left)
		TH_LOG("%s is still loaded and will not unload", left);
	left = first_with_procs(test_modules, ARRAY_SIZE(test_modules));
	ASSERT_TRUE(!left)
		TH_LOG("processes named %s are left", left);
	ASSERT_EQ(0, kmsg_open(log))
		TH_LOG("/dev/kmsg: %s", strerror(errno));
	return true;
}

/* Runs in the test process or its parent: uses only log->start. */
static void env_teardown(struct __test_metadata *_metadata, struct kmsg *log)
{
	if (_metadata->exit_code == KSFT_FAIL)
		kmsg_dump(log->start);
	env_reset();
}

FIXTURE(contain) {
	struct kmsg log;
};

FIXTURE_SETUP(contain)
{
	if (!env_setup(_metadata, &self->log))
		SKIP(return, "must be run as root");
}

FIXTURE_TEARDOWN_PARENT(contain)
{
	env_teardown(_metadata, &self->log);
}

/*
 * rmmod @name in a child and wait at most @ms for it: a stop that hangs
 * fails the test by name instead of running into the harness timeout.
 * Returns rmmod's exit status, or -1 if it had not returned in time.
 */
static int rmmod_within(const char *name, int ms)
{
	long long deadline = now_ms() + ms;
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid)
		_exit(unload(name) ? 1 : 0);
	while (now_ms() < deadline) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		usleep(50000);
	}
	return -1;
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

/* The pids listed in a module's cgroup.procs, or -1 if unreadable. */
static int cgroup_procs(const char *cgroup, pid_t *pids, int max)
{
	char path[256], buf[4096], *p, *end;
	int n = 0;

	snprintf(path, sizeof(path), "%s/cgroup.procs", cgroup);
	if (read_text(path, buf, sizeof(buf)) < 0)
		return -1;
	for (p = buf; *p; p = end) {
		long v = strtol(p, &end, 10);

		if (end == p)
			break;
		if (n < max)
			pids[n] = v;
		n++;
	}
	return n;
}

/* ---- Outcomes that tell the truth (SPEC section 4) ---- */

/* Per test, in seconds: above the default ready timeout (30 s). */
#define OUTCOME_TIMEOUT	90

/* Loads of modprobe_after_kill_starts_afresh: each a chance at the window. */
#define KILL_ROUNDS	8

/* Where the kernel's unbound work items may run (a hex CPU mask). */
#define WQ_CPUMASK	"/sys/devices/virtual/workqueue/cpumask"

/*
 * Let the kernel's unbound work items run on CPU 0 only (and with them
 * the bound ones they queue), or on every CPU again.  On a guest with
 * one CPU there is nothing to do.  0 or -errno.
 */
static int work_on_cpu0_only(bool only)
{
	long cpus = sysconf(_SC_NPROCESSORS_CONF);
	char mask[32] = "1";

	if (cpus <= 1)
		return 0;
	if (!only && cpus < 64)
		snprintf(mask, sizeof(mask), "%llx", (1ULL << cpus) - 1);
	else if (!only)
		snprintf(mask, sizeof(mask), "%llx", ~0ULL);
	return write_text(WQ_CPUMASK, mask);
}

/* Timeouts, unloaded test modules, no processes of them left. */
static void outcome_reset(void)
{
	write_text(READY_TIMEOUT, READY_TIMEOUT_DEFAULT);
	write_text(STOP_TIMEOUT, STOP_TIMEOUT_DEFAULT);
	work_on_cpu0_only(false);
	if (!module_gone(MOD))
		unload(MOD);
	WAIT_UNTIL(module_gone(MOD));
	kill_procs(MOD);
	WAIT_UNTIL(count_procs(MOD) <= 0);
}

FIXTURE(outcome) {
	struct kmsg log;
};

FIXTURE_SETUP(outcome)
{
	self->log.fd = -1;
	self->log.text = NULL;
	self->log.start = 0;
	if (geteuid())
		SKIP(return, "must be run as root");
	ASSERT_EQ(0, access(READY_TIMEOUT, F_OK))
		TH_LOG("%s: %s: is CONFIG_ELF_MODULES set?", READY_TIMEOUT,
		       strerror(errno));
	outcome_reset();
	ASSERT_TRUE(module_gone(MOD)) TH_LOG("%s will not unload", MOD);
	ASSERT_EQ(0, count_procs(MOD)) TH_LOG("processes of %s left", MOD);
	ASSERT_EQ(0, kmsg_open(&self->log))
		TH_LOG("/dev/kmsg: %s", strerror(errno));
}

/* Runs in the test process or its parent: reads only the kmsg start. */
FIXTURE_TEARDOWN_PARENT(outcome)
{
	if (_metadata->exit_code == KSFT_FAIL)
		kmsg_dump(self->log.start);
	outcome_reset();
}

/* The pid of the last "started" line of MOD in the log, or -1. */
static pid_t started_pid(struct kmsg *log)
{
	const char *key = "elf-module " MOD ": started pid ";
	const char *p, *last = NULL;

	kmsg_collect(log);
	for (p = log->text; p && (p = strstr(p, key)); p += strlen(key))
		last = p;
	return last ? atoi(last + strlen(key)) : -1;
}

/* Wait for @pid to be gone (reaped), yielding the CPU and nothing else. */
static bool wait_gone_now(pid_t pid)
{
	long long end = now_ms() + 5000;

	while (!proc_gone(pid) && now_ms() < end)
		sched_yield();
	return proc_gone(pid);
}

/* A module loader parameter, read into @buf. */
static const char *param(const char *path, char *buf, size_t size)
{
	read_text(path, buf, size);
	return buf;
}

/* Is @pid blocked in system call @nr (/proc/PID/syscall)? */
static bool in_syscall(pid_t pid, long nr)
{
	char path[64], buf[256];

	snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	return read_text(path, buf, sizeof(buf)) > 0 && atol(buf) == nr &&
	       buf[0] != '-';
}

/* Start @path with the arguments that follow (up to NULL), output to null. */
static pid_t __attribute__((sentinel)) spawn(const char *path, ...)
{
	char *argv[8];
	int argc = 0;
	va_list ap;
	pid_t pid;

	argv[argc++] = (char *)path;
	va_start(ap, path);
	while (argc < 7 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (!pid) {
		int null = open("/dev/null", O_RDWR);

		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		execv(path, argv);
		_exit(127);
	}
	return pid;
}

/* exit(EEXIST) would read "already loaded" to modprobe: ECHILD. */
TEST_F_TIMEOUT(outcome, exit_eexist_is_echild, OUTCOME_TIMEOUT)
{
	ASSERT_EQ(-ECHILD, load_ko(MOD, "exit=17"));
	EXPECT_TRUE(module_gone(MOD));
	EXPECT_EQ(0, count_procs(MOD));
	EXPECT_TRUE(kmsg_wait(&self->log,
			      "elf-module " MOD ": stopped (exit 17)"));
}

/* Exit statuses above 133 are not errnos: ECHILD. */
TEST_F_TIMEOUT(outcome, exit_above_133_is_echild, OUTCOME_TIMEOUT)
{
	ASSERT_EQ(-ECHILD, load_ko(MOD, "exit=200"));
	EXPECT_TRUE(module_gone(MOD));
	EXPECT_EQ(0, count_procs(MOD));
	EXPECT_TRUE(kmsg_wait(&self->log,
			      "elf-module " MOD ": stopped (exit 200)"));
}

/* ERRNO= on fd 3 gives the errno; the log keeps the real status. */
TEST_F_TIMEOUT(outcome, errno_line_is_the_errno, OUTCOME_TIMEOUT)
{
	ASSERT_EQ(-ENODEV, load_ko(MOD, "errno=19 exit=1"));
	EXPECT_TRUE(module_gone(MOD));
	EXPECT_EQ(0, count_procs(MOD));
	EXPECT_TRUE(kmsg_wait(&self->log,
			      "elf-module " MOD ": stopped (exit 1)"));
}

/* ERRNO=EEXIST is no more "already loaded" than exit(EEXIST). */
TEST_F_TIMEOUT(outcome, errno_line_eexist_is_echild, OUTCOME_TIMEOUT)
{
	ASSERT_EQ(-ECHILD, load_ko(MOD, "errno=17 exit=1"));
	EXPECT_TRUE(module_gone(MOD));
	EXPECT_TRUE(kmsg_wait(&self->log,
			      "elf-module " MOD ": stopped (exit 1)"));
}

/*
 * READY=1, then SIGABRT before the load returns: the load reports that
 * end, and nothing is listed.  The module runs SCHED_FIFO on CPU 0, and
 * this test and the kernel's work items on CPU 0 too, so that neither
 * the load nor the work that sees READY=1 can run in between.
 */
TEST_F_TIMEOUT(outcome, ready_then_abort_fails, OUTCOME_TIMEOUT)
{
	cpu_set_t cpu0;

	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(cpu0), &cpu0));
	ASSERT_EQ(0, work_on_cpu0_only(true));
	ASSERT_EQ(-ECHILD, load_ko(MOD, "mode=readyabort"));
	EXPECT_FALSE(module_listed(MOD));
	EXPECT_TRUE(WAIT_UNTIL(module_gone(MOD)));
	EXPECT_EQ(0, count_procs(MOD));
	EXPECT_TRUE(kmsg_wait(&self->log,
			      "elf-module " MOD ": stopped (signal 6)"));
	EXPECT_EQ(0, work_on_cpu0_only(false));
}

/* Make @pid (0: this process) SCHED_FIFO on CPU 0; 0 or -errno. */
static int fifo_on_cpu0(pid_t pid)
{
	struct sched_param sp = { .sched_priority = 1 };
	cpu_set_t cpu0;

	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	if (sched_setaffinity(pid, sizeof(cpu0), &cpu0))
		return -errno;
	return sched_setscheduler(pid, SCHED_FIFO, &sp) ? -errno : 0;
}

/*
 * The name is free once the last process is gone: a load right after
 * kill -9 (and the process reaped) starts the module afresh, never
 * "already loaded" or "busy" from the dead one.  This test and the
 * module run SCHED_FIFO on CPU 0, and the kernel's work items (which
 * take the dead module off the list) on CPU 0 only, so that they cannot
 * run between the end of the process and the load: odd rounds load
 * through modprobe (which reads initstate first), even ones through
 * finit_module() directly.
 */
TEST_F_TIMEOUT(outcome, modprobe_after_kill_starts_afresh, OUTCOME_TIMEOUT)
{
	char buf[64];
	pid_t pid, again;
	int i, ret;

	ASSERT_EQ(0, fifo_on_cpu0(0));
	ASSERT_EQ(0, work_on_cpu0_only(true));
	ASSERT_EQ(0, load_ko(MOD, "mode=ready"));
	pid = elf_pid(MOD);
	ASSERT_LT(0, pid);
	for (i = 1; i <= KILL_ROUNDS; i++) {
		ASSERT_EQ(0, fifo_on_cpu0(pid));
		ASSERT_EQ(0, kill(pid, SIGKILL));
		ASSERT_TRUE(wait_gone_now(pid)) TH_LOG("round %d", i);
		if (i % 2)
			ret = run(MODPROBE, MOD, "mode=ready");
		else
			ret = load_ko(MOD, "mode=ready");
		ASSERT_EQ(0, ret) TH_LOG("round %d: load returned %d", i, ret);
		ASSERT_STREQ("live", attr(MOD, "initstate", buf, sizeof(buf)))
			TH_LOG("round %d: nothing loaded", i);
		again = elf_pid(MOD);
		ASSERT_LT(0, again) TH_LOG("round %d: no process", i);
		ASSERT_NE(pid, again);
		ASSERT_FALSE(proc_gone(again));
		EXPECT_EQ(1, count_procs(MOD));
		pid = again;
	}
	EXPECT_EQ(KILL_ROUNDS + 1,
		  kmsg_count(&self->log, "elf-module " MOD ": started"));
	EXPECT_EQ(0, work_on_cpu0_only(false));
	EXPECT_EQ(0, unload(MOD));
	EXPECT_TRUE(WAIT_UNTIL(module_gone(MOD)));
}

/*
 * Two modprobes of one module share one load; the one that started it
 * is killed while it waits: the other still gets the outcome, and the
 * module runs on (one process, never stopped).
 */
TEST_F_TIMEOUT(outcome, killed_modprobe_leaves_load_to_other,
	       OUTCOME_TIMEOUT)
{
	int status_a, status_b;
	pid_t a, b, pid;
	char buf[64];

	a = spawn(MODPROBE, MOD, "mode=ready", "delay_ms=4000", NULL);
	ASSERT_LT(0, a);
	ASSERT_TRUE(WAIT_UNTIL(count_procs(MOD) == 1))
		TH_LOG("the first modprobe did not start %s", MOD);
	b = spawn(MODPROBE, MOD, "mode=ready", "delay_ms=4000", NULL);
	ASSERT_LT(0, b);
	ASSERT_TRUE(WAIT_UNTIL(in_syscall(b, __NR_finit_module)))
		TH_LOG("the second modprobe is not waiting in finit_module()");
	pid = started_pid(&self->log);
	ASSERT_LT(0, pid);

	ASSERT_EQ(0, kill(a, SIGKILL));
	ASSERT_EQ(a, waitpid(a, &status_a, 0));
	EXPECT_TRUE(WIFSIGNALED(status_a));
	ASSERT_EQ(b, waitpid(b, &status_b, 0));
	EXPECT_TRUE(WIFEXITED(status_b) && WEXITSTATUS(status_b) == 0)
		TH_LOG("second modprobe: status 0x%x", status_b);
	ASSERT_TRUE(module_listed(MOD));
	EXPECT_STREQ("live", attr(MOD, "initstate", buf, sizeof(buf)));
	EXPECT_EQ(pid, elf_pid(MOD));
	EXPECT_EQ(1, count_procs(MOD));
	EXPECT_EQ(1, kmsg_count(&self->log, "elf-module " MOD ": started"));
	EXPECT_EQ(0, kmsg_count(&self->log, "elf-module " MOD ": stopped"));
	EXPECT_EQ(0, unload(MOD));
	EXPECT_TRUE(WAIT_UNTIL(module_gone(MOD)));
}

/*
 * elf/pid names the main process only while it runs: once the main
 * process of a daemon has exited, its number (free for reuse) is not
 * shown.  elf/pids lists the processes that remain.
 */
TEST_F_TIMEOUT(outcome, pid_not_shown_after_main_exits, OUTCOME_TIMEOUT)
{
	char buf[64], want[32];
	pid_t main_pid, child = -1;

	ASSERT_EQ(0, load_ko(MOD, "mode=daemon"));
	main_pid = started_pid(&self->log);
	ASSERT_LT(0, main_pid);
	ASSERT_TRUE(WAIT_UNTIL(proc_gone(main_pid)));
	ASSERT_TRUE(WAIT_UNTIL(find_procs(MOD, &child, 1) == 1));
	ASSERT_TRUE(module_listed(MOD));

	EXPECT_STREQ("", attr(MOD, "elf/pid", buf, sizeof(buf)));
	EXPECT_EQ(-1, elf_pid(MOD));
	snprintf(want, sizeof(want), "%d", child);
	EXPECT_STREQ(want, attr(MOD, "elf/pids", buf, sizeof(buf)));

	ASSERT_EQ(0, kill(child, SIGKILL));
	EXPECT_TRUE(WAIT_UNTIL(module_gone(MOD)));
}

/* elf/pid and elf/pids while the main process runs. */
TEST_F_TIMEOUT(outcome, pid_and_pids_while_running, OUTCOME_TIMEOUT)
{
	char buf[64], want[32];
	pid_t pid;

	ASSERT_EQ(0, load_ko(MOD, "mode=ready"));
	pid = started_pid(&self->log);
	ASSERT_LT(0, pid);
	EXPECT_EQ(pid, elf_pid(MOD));
	snprintf(want, sizeof(want), "%d", pid);
	EXPECT_STREQ(want, attr(MOD, "elf/pids", buf, sizeof(buf)));
	EXPECT_EQ(0, unload(MOD));
	EXPECT_TRUE(WAIT_UNTIL(module_gone(MOD)));
}

/* Out-of-range timeouts are refused and change nothing; bounds accepted. */
TEST_F_TIMEOUT(outcome, timeout_bounds, OUTCOME_TIMEOUT)
{
	static const struct {
		const char *path, *value, *unchanged;
		int ret;
	} writes[] = {
		{ READY_TIMEOUT, "0", READY_TIMEOUT_DEFAULT, -EINVAL },
		{ READY_TIMEOUT, "99", READY_TIMEOUT_DEFAULT, -EINVAL },
		{ READY_TIMEOUT, "600001", READY_TIMEOUT_DEFAULT, -EINVAL },
		{ READY_TIMEOUT, "4294967295", READY_TIMEOUT_DEFAULT, -EINVAL },
		{ READY_TIMEOUT, "-1", READY_TIMEOUT_DEFAULT, -EINVAL },
		{ READY_TIMEOUT, "x", READY_TIMEOUT_DEFAULT, -EINVAL },
		{ STOP_TIMEOUT, "0", STOP_TIMEOUT_DEFAULT, -EINVAL },
		{ STOP_TIMEOUT, "99", STOP_TIMEOUT_DEFAULT, -EINVAL },
		{ STOP_TIMEOUT, "60001", STOP_TIMEOUT_DEFAULT, -EINVAL },
		{ STOP_TIMEOUT, "4294967295", STOP_TIMEOUT_DEFAULT, -EINVAL },
		{ STOP_TIMEOUT, "-1", STOP_TIMEOUT_DEFAULT, -EINVAL },
		{ STOP_TIMEOUT, "x", STOP_TIMEOUT_DEFAULT, -EINVAL },
		{ READY_TIMEOUT, "100", NULL, 0 },
		{ READY_TIMEOUT, "600000", NULL, 0 },
		{ STOP_TIMEOUT, "100", NULL, 0 },
		{ STOP_TIMEOUT, "60000", NULL, 0 },
	};
	char buf[64];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(writes); i++) {
		EXPECT_EQ(writes[i].ret,
			  write_text(writes[i].path, writes[i].value))
			TH_LOG("write #%u", i);
		/* Accepted: it reads back; refused (all before): the default. */
		EXPECT_STREQ(writes[i].ret ? writes[i].unchanged : writes[i].value,
			     param(writes[i].path, buf, sizeof(buf)));
	}
	EXPECT_STREQ("600000", param(READY_TIMEOUT, buf, sizeof(buf)));
	EXPECT_STREQ("60000", param(STOP_TIMEOUT, buf, sizeof(buf)));
	EXPECT_EQ(0, write_text(READY_TIMEOUT, READY_TIMEOUT_DEFAULT));
	EXPECT_EQ(0, write_text(STOP_TIMEOUT, STOP_TIMEOUT_DEFAULT));
}

/* ---- The image is out of reach (SPEC section 2) ---- */

/*
 * The image a module runs is the kernel's alone: no path, directory or
 * file descriptor of any process leads to a place where a name could be
 * created or to the image opened for writing, at any moment of a load; the
 * image is sealed against writes; and its owner and mode do not depend on
 * who loads the module.
 */

#define SHA256_FILE	"/opt/umh_elf/umh_elf_test.sha256"

/* Per test, in seconds: 200 loads beside a busy bystander take a while. */
#define IMAGE_TIMEOUT	300
/* Loads watched by the bystander. */
#define IMAGE_LOADS	200
/* Private directories the bystander keeps open, at most. */
#define REACH_DIRS	16
/* The name the bystander tries to create: the one the next load needs. */
#define REACH_NAME	MOD
/* Not root: the caller's fsuid and fsgid in image_owner_and_mode_are_fixed. */
#define OTHER_ID	4242

/* What the bystander got hold of, in memory shared with the test. */
struct reach {
	int stop;		/* set by the test: clean up and exit */
	int passes;		/* sweeps over every process done */
	int dirs;		/* directories reached outside every mount */
	int created;		/* names created in them */
	int opened;		/* ELF images opened for writing */
	char what[256];		/* the first creation or open, for the log */
};

/* The devices of the mounts this process sees: ordinary places. */
struct mounts {
	dev_t dev[256];
	int n;
};

static void read_mounts(struct mounts *m)
{
	unsigned int major, minor;
	char line[4096];
	FILE *f;

	m->n = 0;
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return;
	while (m->n < 256 && fgets(line, sizeof(line), f))
		if (sscanf(line, "%*u %*u %u:%u", &major, &minor) == 2)
			m->dev[m->n++] = makedev(major, minor);
	fclose(f);
}

static bool ordinary(const struct mounts *m, dev_t dev)
{
	int i;

	for (i = 0; i < m->n; i++)
		if (m->dev[i] == dev)
			return true;
	return false;
}

static void reach_note(struct reach *r, int *count, const char *fmt,
		       const char *path)
{
	if (!r->created && !r->opened)
		snprintf(r->what, sizeof(r->what), fmt, path);
	(*count)++;
}

/* Open @path for writing; count it if it is an ELF image. */
static void reach_file(struct reach *r, int dirfd, const char *path)
{
	unsigned char magic[4];
	int fd;

	fd = openat(dirfd, path, O_RDWR | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (pread(fd, magic, sizeof(magic), 0) == sizeof(magic) &&
	    !memcmp(magic, "\177ELF", 4))
		reach_note(r, &r->opened, "opened %s for writing", path);
	close(fd);
}

/* Create names in a private directory, and open what is in it. */
static void reach_into(struct reach *r, int dirfd)
{
	struct dirent *de;
	int fd;
	DIR *d;

	fd = openat(dirfd, REACH_NAME, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC,
		    0600);
	if (fd >= 0) {
		reach_note(r, &r->created, "created %s", REACH_NAME);
		close(fd);
		/* Leave it: the next load of MOD would trip over it. */
	}
	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d)))
		if (de->d_type == DT_REG)
			reach_file(r, dirfd, de->d_name);
	closedir(d);
}

/* Keep an fd to the directory at @path if no mount of ours holds it. */
static void reach_dir(struct reach *r, const struct mounts *m, int *dirs,
		      int *ndirs, const char *path)
{
	struct stat st, other;
	int fd, i;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) || ordinary(m, st.st_dev))
		goto skip;
	for (i = 0; i < *ndirs; i++)
		if (!fstat(dirs[i], &other) && other.st_dev == st.st_dev &&
		    other.st_ino == st.st_ino)
			goto skip;
	if (*ndirs == REACH_DIRS)
		goto skip;
	dirs[(*ndirs)++] = fd;
	r->dirs++;
	return;
skip:
	close(fd);
}

/* Everything /proc/@pid/cwd and /proc/@pid/fd/ lead to. */
static void reach_proc(struct reach *r, const struct mounts *m, int *dirs,
		       int *ndirs, const char *pid)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%s/cwd", pid);
	reach_dir(r, m, dirs, ndirs, path);
	snprintf(path, sizeof(path), "/proc/%s/fd", pid);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd/%s", pid, de->d_name);
		if (stat(path, &st) || ordinary(m, st.st_dev))
			continue;
		if (S_ISDIR(st.st_mode))
			reach_dir(r, m, dirs, ndirs, path);
		else if (S_ISREG(st.st_mode))
			reach_file(r, AT_FDCWD, path);
	}
	closedir(d);
}

/*
 * The bystander: root, sweeping /proc for as long as the test runs,
 * keeping every directory outside its mounts it ever reached and trying
 * to create a name in it and to open its files for writing, every sweep.
 * On the way out it removes the name it created, if any.
 */
static void bystander(struct reach *r)
{
	int dirs[REACH_DIRS], ndirs = 0, i;
	char self[32];
	struct mounts m;
	struct dirent *de;
	DIR *proc;

	read_mounts(&m);
	snprintf(self, sizeof(self), "%d", getpid());
	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		proc = opendir("/proc");
		if (!proc)
			break;
		while ((de = readdir(proc)))
			if (isdigit((unsigned char)de->d_name[0]) &&
			    strcmp(de->d_name, self))
				reach_proc(r, &m, dirs, &ndirs, de->d_name);
		closedir(proc);
		for (i = 0; i < ndirs; i++)
			reach_into(r, dirs[i]);
		r->passes++;
	}
	for (i = 0; i < ndirs; i++)
		unlinkat(dirs[i], REACH_NAME, 0);
}

static bool proc_running_this(pid_t pid)
{
	struct stat self, exe;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	return !stat("/proc/self/exe", &self) && !stat(path, &exe) &&
	       exe.st_dev == self.st_dev && exe.st_ino == self.st_ino;
}

/*
 * The fixture: MOD unloaded before and after.  Its data is shared memory
 * (FIXTURE_TEARDOWN_PARENT()), so the bystander writes what it got hold
 * of there, and the teardown, in the harness's process, can kill it.
 */
FIXTURE(image) {
	struct reach reach;
	pid_t bystander;
	struct kmsg log;
};

static void image_reset(void)
{
	if (!module_gone(MOD))
		unload(MOD);
	WAIT_UNTIL(module_gone(MOD));
	kill_procs(MOD);
	WAIT_UNTIL(count_procs(MOD) <= 0);
}

FIXTURE_SETUP(image)
{
	memset(&self->reach, 0, sizeof(self->reach));
	self->bystander = -1;
	self->log.fd = -1;
	self->log.text = NULL;
	if (geteuid())
		SKIP(return, "must be run as root");
	image_reset();
	ASSERT_TRUE(module_gone(MOD)) TH_LOG("%s will not unload", MOD);
	ASSERT_EQ(0, count_procs(MOD)) TH_LOG("processes named %s are left",
					      MOD);
	ASSERT_EQ(0, kmsg_open(&self->log));
}

/* It dies with the test process too (PR_SET_PDEATHSIG). */
FIXTURE_TEARDOWN_PARENT(image)
{
	if (self->bystander > 0 && proc_running_this(self->bystander))
		kill(self->bystander, SIGKILL);
	if (_metadata->exit_code == KSFT_FAIL)
		kmsg_dump(self->log.start);
	image_reset();
}

/* The SHA-256 of the signed test module's image, from the guest's files. */
static void known_sha256(struct __test_metadata *_metadata, char *sha,
			 size_t size)
{
	ASSERT_LT(0, read_text(SHA256_FILE, sha, size))
		TH_LOG("%s: %s", SHA256_FILE, sha);
	ASSERT_EQ(64, (int)strlen(sha));
}

/*
 * A root bystander sweeps /proc/PID/cwd and /proc/PID/fd/ of every
 * process through 200 loads, keeping each directory it reaches outside
 * the mounts it sees, creating names there and opening the files there
 * for writing, as the image's old shared tmpfs mount allowed.  It never
 * gets anywhere, every load runs, and runs the signed bytes.
 */
TEST_F_TIMEOUT(image, bystander_reaches_no_image_and_creates_no_name,
	       IMAGE_TIMEOUT)
{
	char sha[128], buf[128], first[160] = "";
	int i, ret, failed = 0, other = 0, status;
	pid_t child, parent = getpid();

	known_sha256(_metadata, sha, sizeof(sha));
	fflush(stdout);
	fflush(stderr);
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		bystander(&self->reach);
		_exit(0);
	}
	/* Only now: the fixture is shared with the bystander too. */
	self->bystander = child;

	for (i = 0; i < IMAGE_LOADS; i++) {
		ret = load_ko(MOD, "mode=ready");
		if (ret) {
			if (!failed++)
				snprintf(first, sizeof(first), "load %d: %s",
					 i, strerror(-ret));
			continue;
		}
		attr(MOD, "elf/sha256", buf, sizeof(buf));
		if (strcmp(buf, sha) && !other++)
			snprintf(first, sizeof(first), "load %d: sha256 %s", i,
				 buf);
		ASSERT_EQ(0, unload(MOD));
	}

	__atomic_store_n(&self->reach.stop, 1, __ATOMIC_RELEASE);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	self->bystander = -1;
	TH_LOG("%d sweeps of /proc; %d directories outside every mount reached",
	       self->reach.passes, self->reach.dirs);
	EXPECT_EQ(0, self->reach.created) TH_LOG("%s", self->reach.what);
	EXPECT_EQ(0, self->reach.opened) TH_LOG("%s", self->reach.what);
	EXPECT_EQ(0, failed) TH_LOG("%d loads failed; first: %s", failed,
				    first);
	EXPECT_EQ(0, other) TH_LOG("%d loads ran other bytes; first: %s",
				   other, first);
	EXPECT_LT(0, self->reach.passes);
}

/*
 * A shell's umask changes nothing: the image is not created with the
 * caller's umask (with 0177 it used to be 0400, and exec failed).
 */
TEST_F_TIMEOUT(image, umask_0177_modprobe_loads, IMAGE_TIMEOUT)
{
	char sha[128], buf[128];
	mode_t old;
	int ret;

	known_sha256(_metadata, sha, sizeof(sha));
	old = umask(0177);
	ret = run(MODPROBE, MOD, "mode=ready");
	umask(old);
	ASSERT_EQ(0, ret);
	ASSERT_STREQ("live", attr(MOD, "initstate", buf, sizeof(buf)));
	EXPECT_STREQ(sha, attr(MOD, "elf/sha256", buf, sizeof(buf)));
	EXPECT_EQ(0, unload(MOD));
}

/* Open /proc/@pid/@name with @flags; the errno, or 0 if it opened. */
static int open_errno(pid_t pid, const char *name, int flags)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, name);
	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static bool refused(int err)
{
	return err == ETXTBSY || err == EACCES;
}

/*
 * Root cannot open the running image for writing, by /proc/PID/exe or by
 * any /proc/PID/map_files entry, and the image is sealed: even a writable
 * file or mapping of it, were there one, could not change a byte.
 */
TEST_F_TIMEOUT(image, running_image_cannot_be_opened_for_writing,
	       IMAGE_TIMEOUT)
{
	static const int modes[] = { O_WRONLY, O_RDWR, O_WRONLY | O_TRUNC };
	const int seals = F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW |
			  F_SEAL_SEAL;
	char dir[64], name[320];
	int fd, err, got, entries = 0;
	struct dirent *de;
	unsigned int i;
	pid_t pid;
	DIR *d;

	ASSERT_EQ(0, load_ko(MOD, "mode=ready"));
	pid = elf_pid(MOD);
	ASSERT_LT(0, pid);

	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		err = open_errno(pid, "exe", modes[i]);
		EXPECT_TRUE(refused(err))
			TH_LOG("exe, flags 0%o: %s", modes[i],
			       err ? strerror(err) : "opened");
	}
	snprintf(dir, sizeof(dir), "/proc/%d/map_files", pid);
	d = opendir(dir);
	ASSERT_NE(NULL, d) TH_LOG("%s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		entries++;
		snprintf(name, sizeof(name), "map_files/%s", de->d_name);
		for (i = 0; i < ARRAY_SIZE(modes); i++) {
			err = open_errno(pid, name, modes[i]);
			EXPECT_TRUE(refused(err))
				TH_LOG("%s, flags 0%o: %s", name, modes[i],
				       err ? strerror(err) : "opened");
		}
	}
	closedir(d);
	EXPECT_LT(0, entries) TH_LOG("%s is empty", dir);

	snprintf(name, sizeof(name), "/proc/%d/exe", pid);
	fd = open(name, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("%s: %s", name, strerror(errno));
	got = fcntl(fd, F_GET_SEALS);
	close(fd);
	EXPECT_EQ(seals, got & seals) TH_LOG("seals of the image: %#x", got);
	EXPECT_EQ(0, unload(MOD));
}

/*
 * Who loads the module changes nothing about the image: loaded with
 * another fsuid and fsgid and umask 0077, it belongs to root, group root,
 * and is r-x for all, w for none.
 */
TEST_F_TIMEOUT(image, image_owner_and_mode_are_fixed, IMAGE_TIMEOUT)
{
	char path[64];
	struct stat st;
	pid_t child, pid;
	int status;

	fflush(stdout);
	fflush(stderr);
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		umask(0077);
		setfsgid(OTHER_ID);
		setfsuid(OTHER_ID);
		if (setfsuid(-1) != OTHER_ID || setfsgid(-1) != OTHER_ID)
			_exit(100);
		_exit(-load_ko(MOD, "mode=ready"));
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status))
		TH_LOG("load with fsuid %d: %s", OTHER_ID,
		       strerror(WEXITSTATUS(status)));
	pid = elf_pid(MOD);
	ASSERT_LT(0, pid);
	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	ASSERT_EQ(0, stat(path, &st)) TH_LOG("%s: %s", path, strerror(errno));
	EXPECT_EQ(0, (int)st.st_uid);
	EXPECT_EQ(0, (int)st.st_gid);
	EXPECT_EQ(0555, (int)(st.st_mode & 07777))
		TH_LOG("mode %o", st.st_mode & 07777);
	EXPECT_EQ(0, unload(MOD));
}

/* ---- Process membership (SPEC section 3, Containment) ---- */

/*
 * A daemon that double-forks, calls setsid() and closes every fd, fd 3
 * included, is still the module's: the load keeps it loaded, and rmmod
 * ends it.
 */
TEST_F_TIMEOUT(contain, double_fork_daemon_closing_every_fd_stays_a_member,
	       TEST_TIMEOUT)
{
	pid_t pids[8];
	int n;

	ASSERT_EQ(0, load_ko(MOD, "mode=escape"));
	ASSERT_TRUE(module_listed(MOD))
		TH_LOG("the load said done: the daemon escaped the module");
	EXPECT_TRUE(WAIT_UNTIL(count_procs(MOD) == 1));
	n = cgroup_procs(MOD_CGROUP, pids, 8);
	EXPECT_EQ(1, n);
	if (n == 1)
		EXPECT_EQ(pids[0], the_proc(MOD));
	ASSERT_EQ(0, rmmod_within(MOD, RMMOD_MS));
	EXPECT_TRUE(module_gone(MOD));
	EXPECT_EQ(0, count_procs(MOD)) TH_LOG("the daemon outlived rmmod");
	EXPECT_NE(0, access(MOD_CGROUP, F_OK));
}

/*
 * A daemon whose main thread exits while a worker thread goes on: the
 * load keeps the module, and rmmod ends it, quickly.  (Its leader is a
 * zombie in /proc, which count_procs() does not count: the cgroup lists
 * it.)
 */
TEST_F_TIMEOUT(contain, daemon_main_thread_exit_rmmod_ends_worker,
	       TEST_TIMEOUT)
{
	pid_t pid = -1;

	ASSERT_EQ(0, load_ko(MOD, "mode=threadexit"));
	ASSERT_TRUE(module_listed(MOD));
	EXPECT_EQ(1, cgroup_procs(MOD_CGROUP, &pid, 1));
	ASSERT_EQ(0, rmmod_within(MOD, RMMOD_MS))
		TH_LOG("rmmod did not return within %d ms", RMMOD_MS);
	EXPECT_TRUE(module_gone(MOD));
	EXPECT_TRUE(WAIT_UNTIL(access(MOD_CGROUP, F_OK) != 0))
		TH_LOG("processes left in %s", MOD_CGROUP);
	if (pid > 0)
		EXPECT_TRUE(proc_gone(pid));
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " MOD ": stopped (rmmod)"));
}

/* A child with an fd table of its own, emptied, is still stopped. */
TEST_F_TIMEOUT(contain, unshared_fd_table_child_is_stopped, TEST_TIMEOUT)
{
	ASSERT_EQ(0, load_ko(MOD, "mode=unsharefiles"));
	ASSERT_TRUE(module_listed(MOD));
	EXPECT_TRUE(WAIT_UNTIL(count_procs(MOD) == 2));
	ASSERT_EQ(0, rmmod_within(MOD, RMMOD_MS))
		TH_LOG("rmmod did not return within %d ms", RMMOD_MS);
	EXPECT_TRUE(module_gone(MOD));
	EXPECT_EQ(0, count_procs(MOD));
}

/*
 * A stranger cannot open a module's fd 3 through /proc to read what the
 * module says, and a copy of it taken with pidfd_getfd() makes the
 * stranger no member: rmmod leaves it alone.
 */
TEST_F_TIMEOUT(contain, stranger_with_notify_fd_is_no_member, TEST_TIMEOUT)
{
	char path[64];
	int pidfd, fd, status;
	pid_t mod, stranger;
	int p[2];
	char c;

	ASSERT_EQ(0, load_ko(MOD, "mode=ready"));
	mod = the_proc(MOD);
	ASSERT_LT(0, mod);
	snprintf(path, sizeof(path), "/proc/%d/fd/3", mod);
	fd = open(path, O_RDONLY | O_NONBLOCK);
	EXPECT_EQ(-1, fd) TH_LOG("%s opened for reading", path);
	if (fd >= 0)
		close(fd);

	ASSERT_EQ(0, pipe(p));
	stranger = fork();
	ASSERT_LE(0, stranger);
	if (!stranger) {
		pidfd = syscall(SYS_pidfd_open, mod, 0);
		fd = pidfd < 0 ? -1 : syscall(SYS_pidfd_getfd, pidfd, 3, 0);
		c = fd >= 0 ? 'y' : 'n';
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	ASSERT_EQ(1, read(p[0], &c, 1));
	close(p[0]);
	EXPECT_EQ('y', c) TH_LOG("pidfd_getfd() of fd 3 failed");

	ASSERT_EQ(0, rmmod_within(MOD, RMMOD_MS));
	EXPECT_EQ(0, count_procs(MOD));
	EXPECT_EQ(0, waitpid(stranger, &status, WNOHANG))
		TH_LOG("the stranger was killed with the module");
	kill(stranger, SIGKILL);
	waitpid(stranger, &status, 0);
}

/*
 * A stranger that reads the module's fd 3 through /proc, blocked in
 * read() when READY=1 comes, cannot swallow it: every load is ready.
 */
TEST_F_TIMEOUT(contain, reader_of_notify_fd_changes_no_outcome,
	       TEST_TIMEOUT)
{
	char path[64], buf[64];
	pid_t reader, mod;
	int i, fd, status;

	ASSERT_EQ(0, write_text(READY_TIMEOUT, "5000"));
	for (i = 0; i < READER_LOADS; i++) {
		reader = fork();
		ASSERT_LE(0, reader);
		if (!reader) {
			while ((mod = the_proc(MOD)) <= 0)
				usleep(1000);
			snprintf(path, sizeof(path), "/proc/%d/fd/3", mod);
			fd = open(path, O_RDONLY);
			while (fd >= 0 && read(fd, buf, sizeof(buf)) > 0)
				;
			_exit(0);
		}
		EXPECT_EQ(0, load_ko(MOD, "mode=ready delay_ms=500"))
			TH_LOG("load %d: READY=1 did not reach the kernel", i);
		EXPECT_TRUE(module_listed(MOD));
		kill(reader, SIGKILL);
		waitpid(reader, &status, 0);
		ASSERT_EQ(0, rmmod_within(MOD, RMMOD_MS));
	}
}

/* The state letter of process @pid, or 0. */
static char proc_state(pid_t pid)
{
	char name[16], comm[512], state;

	snprintf(name, sizeof(name), "%d", pid);
	return proc_comm_state(name, comm, &state) ? state : 0;
}

/*
 * A process that cannot die (asleep in D state in a driver) does not hang
 * rmmod: it returns within the stop timeout plus the grace, the process is
 * named in the log, and the name stays taken (EBUSY) until it has exited.
 */
TEST_F_TIMEOUT(contain, unkillable_member_does_not_hang_rmmod, TEST_TIMEOUT)
{
	long long start, took;
	pid_t pid;

	ASSERT_EQ(0, run(MODPROBE, DRIVER));
	ASSERT_EQ(0, write_text(STOP_TIMEOUT, "500"));
	ASSERT_EQ(0, load_ko(MOD, "mode=dstate"));
	pid = the_proc(MOD);
	ASSERT_LT(0, pid);
	ASSERT_TRUE(WAIT_UNTIL(proc_state(pid) == 'D'));

	start = now_ms();
	EXPECT_EQ(0, rmmod_within(MOD, RMMOD_MS))
		TH_LOG("rmmod did not return within %d ms", RMMOD_MS);
	took = now_ms() - start;
	TH_LOG("rmmod took %lld ms", took);
	EXPECT_TRUE(module_gone(MOD));
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " MOD ": " MOD));
	EXPECT_TRUE(kmsg_wait(&self->log, "(state D) does not die; left behind"));
	EXPECT_EQ('D', proc_state(pid));
	EXPECT_EQ(-EBUSY, load_ko(MOD, "mode=ready"));
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " MOD
			      ": a process of its previous instance is still alive"));

	ASSERT_EQ(0, drv("wake"));
	EXPECT_TRUE(WAIT_UNTIL(proc_gone(pid)));
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " MOD
			      ": the last process left behind has exited"));
	EXPECT_EQ(0, load_ko(MOD, "mode=ready"))
		TH_LOG("the name is still taken after the process exited");
	EXPECT_EQ(0, rmmod_within(MOD, RMMOD_MS));
}

/*
 * Root cannot move a module's process out of its cgroup, move a stranger
 * in, nor make or remove cgroups there.
 */
TEST_F_TIMEOUT(contain, cgroup_membership_is_sealed, TEST_TIMEOUT)
{
	char pid[32];
	pid_t mod, stranger;
	int status;

	ASSERT_EQ(0, load_ko(MOD, "mode=ready"));
	mod = the_proc(MOD);
	ASSERT_LT(0, mod);
	snprintf(pid, sizeof(pid), "%d", mod);
	EXPECT_EQ(-EPERM, write_text(CGROUP_FS "/cgroup.procs", pid));
	snprintf(pid, sizeof(pid), "%d", getpid());
	EXPECT_EQ(-EPERM, write_text(MOD_CGROUP "/cgroup.procs", pid));
	EXPECT_EQ(-EPERM, write_text(CGROUP_FS "/elf-modules/cgroup.procs",
				     pid));
	EXPECT_EQ(-1, mkdir(MOD_CGROUP "/sub", 0755));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, mkdir(CGROUP_FS "/elf-modules/" MOD2, 0755));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, rmdir(MOD_CGROUP));

	/* Nor by clone3(CLONE_INTO_CGROUP), out of or into it. */
	stranger = fork();
	ASSERT_LE(0, stranger);
	if (!stranger) {
		struct clone_args args = {
			.flags = CLONE_INTO_CGROUP,
			.exit_signal = SIGCHLD,
		};
		int dir = open(MOD_CGROUP, O_DIRECTORY | O_RDONLY);
		long ret;

		args.cgroup = dir;
		ret = syscall(SYS_clone3, &args, sizeof(args));
		if (!ret)
			_exit(0);
		_exit(ret < 0 && errno == EPERM ? 0 : 1);
	}
	ASSERT_EQ(stranger, waitpid(stranger, &status, 0));
	EXPECT_EQ(0, status) TH_LOG("clone3() into the module's cgroup");

	ASSERT_EQ(0, rmmod_within(MOD, RMMOD_MS));
	EXPECT_EQ(0, count_procs(MOD));
}

/* ---- capabilities= is a privilege boundary (SPEC section 3) ---- */

/* Signed test modules with capabilities="" and with two capabilities. */
#define NOCAPS		"umh_elf_nocaps"
#define CAPS		"umh_elf_caps"
#define MODPROBE_SYSCTL	"/proc/sys/kernel/modprobe"
#define ROOT_FILE	"/tmp/umh_elf_root_only"

/* The value of "@key:" in /proc/@pid/status (its first field), or -1. */
static long status_field(pid_t pid, const char *key)
{
	char path[64], line[256];
	size_t n = strlen(key);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':')
			v = strtol(line + n + 1, NULL, 10);
	fclose(f);
	return v;
}

/*
 * capabilities="": not root, no_new_privs; the uid is its own, not that of
 * another module with capabilities=.
 */
TEST_F_TIMEOUT(contain, capabilities_module_runs_as_its_own_uid,
	       TEST_TIMEOUT)
{
	pid_t a, b;
	long uid_a, uid_b;

	ASSERT_EQ(0, load_ko(NOCAPS, "mode=ready"));
	ASSERT_EQ(0, load_ko(CAPS, "mode=ready"));
	a = elf_pid(NOCAPS);
	b = elf_pid(CAPS);
	ASSERT_LT(0, a);
	ASSERT_LT(0, b);
	uid_a = status_field(a, "Uid");
	uid_b = status_field(b, "Uid");
	EXPECT_LT(0, uid_a) TH_LOG("%s runs as uid %ld", NOCAPS, uid_a);
	EXPECT_LT(0, uid_b) TH_LOG("%s runs as uid %ld", CAPS, uid_b);
	EXPECT_NE(uid_a, uid_b);
	EXPECT_EQ(uid_a, status_field(a, "Gid"));
	EXPECT_EQ(1, status_field(a, "NoNewPrivs"));
	EXPECT_EQ(1, status_field(b, "NoNewPrivs"));
	EXPECT_EQ(0, unload(NOCAPS));
	EXPECT_EQ(0, unload(CAPS));
}

/*
 * capabilities="" cannot write /proc/sys/kernel/modprobe (which would let
 * it choose what the next request_module() runs with every capability),
 * nor a root-owned file of mode 0600.
 */
TEST_F_TIMEOUT(contain, capabilities_empty_cannot_write_as_root,
	       TEST_TIMEOUT)
{
	char before[256], after[256];
	int fd;

	ASSERT_LT(0, read_text(MODPROBE_SYSCTL, before, sizeof(before)));
	EXPECT_EQ(-EACCES, load_ko(NOCAPS, "mode=trywrite file="
				   MODPROBE_SYSCTL));
	ASSERT_LT(0, read_text(MODPROBE_SYSCTL, after, sizeof(after)));
	EXPECT_STREQ(before, after);
	if (strcmp(before, after))
		write_text(MODPROBE_SYSCTL, before);

	fd = open(ROOT_FILE, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fchmod(fd, 0600));
	close(fd);
	EXPECT_EQ(-EACCES, load_ko(NOCAPS, "mode=trywrite file=" ROOT_FILE));
	EXPECT_EQ(0, read_text(ROOT_FILE, after, sizeof(after)));
	unlink(ROOT_FILE);
	EXPECT_TRUE(module_gone(NOCAPS));
}

/* One module with capabilities= cannot signal or ptrace another. */
TEST_F_TIMEOUT(contain, modules_cannot_signal_or_ptrace_each_other,
	       TEST_TIMEOUT)
{
	char params[64];
	pid_t target;

	ASSERT_EQ(0, load_ko(CAPS, "mode=ready"));
	target = elf_pid(CAPS);
	ASSERT_LT(0, target);
	snprintf(params, sizeof(params), "mode=poke target=%d", target);
	EXPECT_EQ(0, load_ko(NOCAPS, params))
		TH_LOG("-100: could signal it, -101: could ptrace it");
	EXPECT_TRUE(module_listed(CAPS));
	EXPECT_EQ(target, elf_pid(CAPS));
	EXPECT_EQ(0, unload(CAPS));
}

/*
 * Resource limits (SPEC section 9): memory_max= and pids_max= in the
 * signed .modinfo bound all processes of the module together, through
 * its cgroup; elf.memory_max= and elf.pids_max= at load time only lower
 * them.
 */

/* The signed limits are in force: sysfs and the cgroup say so. */
TEST_F_TIMEOUT(contain, limits_signed_in_force, TEST_TIMEOUT)
{
	char buf[64];

	ASSERT_EQ(0, load_ko(LIMITS, "mode=ready"));
	EXPECT_STREQ("33554432", attr(LIMITS, "elf/memory_max", buf,
				      sizeof(buf)));
	EXPECT_STREQ("8", attr(LIMITS, "elf/pids_max", buf, sizeof(buf)));
	read_text(LIMITS_CGROUP "/memory.max", buf, sizeof(buf));
	EXPECT_STREQ("33554432", buf);
	read_text(LIMITS_CGROUP "/pids.max", buf, sizeof(buf));
	EXPECT_STREQ("8", buf);
	EXPECT_EQ(0, unload(LIMITS));
}

/* A module without limits shows none, and its cgroup has none. */
TEST_F_TIMEOUT(contain, limits_none_by_default, TEST_TIMEOUT)
{
	char buf[64];

	ASSERT_EQ(0, load_ko(MOD, "mode=ready"));
	EXPECT_STREQ("max", attr(MOD, "elf/memory_max", buf, sizeof(buf)));
	EXPECT_STREQ("max", attr(MOD, "elf/pids_max", buf, sizeof(buf)));
	EXPECT_EQ(0, unload(MOD));
}

/* Past pids_max, fork() fails with EAGAIN: 1 + 7 children = 8. */
TEST_F_TIMEOUT(contain, limits_fork_past_pids_max_fails, TEST_TIMEOUT)
{
	char buf[128];

	ASSERT_EQ(0, load_ko(LIMITS, "mode=forkmax"));
	EXPECT_STREQ("forked 7, then EAGAIN",
		     attr(LIMITS, "elf/status", buf, sizeof(buf)));
	EXPECT_EQ(8, count_procs(LIMITS));
	EXPECT_EQ(0, unload(LIMITS));
	EXPECT_TRUE(WAIT_UNTIL(count_procs(LIMITS) <= 0));
}

/*
 * Past memory_max, the module is OOM-killed within its cgroup: its end
 * is reported as "oom", and another module (and this test) live on.
 */
TEST_F_TIMEOUT(contain, limits_memory_past_max_is_oom_killed, TEST_TIMEOUT)
{
	ASSERT_EQ(0, load_ko(MOD2, "mode=ready"));
	ASSERT_EQ(0, load_ko(LIMITS, "mode=eatmem"));
	EXPECT_TRUE(kmsg_wait(&self->log,
			      "elf-module " LIMITS ": stopped (oom)"));
	EXPECT_TRUE(kmsg_wait(&self->log, "Memory cgroup out of memory"));
	EXPECT_TRUE(WAIT_UNTIL(module_gone(LIMITS)));
	EXPECT_TRUE(module_live(MOD2));
	EXPECT_EQ(0, unload(MOD2));
}

/* The administrator lowers both limits; the program never sees elf.*. */
TEST_F_TIMEOUT(contain, limits_admin_lowers, TEST_TIMEOUT)
{
	char buf[128];

	ASSERT_EQ(0, load_ko(LIMITS,
			     "elf.pids_max=4 mode=forkmax elf.memory_max=16M"));
	EXPECT_STREQ("16777216", attr(LIMITS, "elf/memory_max", buf,
				      sizeof(buf)));
	EXPECT_STREQ("4", attr(LIMITS, "elf/pids_max", buf, sizeof(buf)));
	read_text(LIMITS_CGROUP "/pids.max", buf, sizeof(buf));
	EXPECT_STREQ("4", buf);
	read_text(LIMITS_CGROUP "/memory.max", buf, sizeof(buf));
	EXPECT_STREQ("16777216", buf);
	EXPECT_STREQ("forked 3, then EAGAIN",
		     attr(LIMITS, "elf/status", buf, sizeof(buf)));
	EXPECT_EQ(0, unload(LIMITS));
}

/* Through modprobe, as an administrator would; elf.* stays out of argv. */
TEST_F_TIMEOUT(contain, limits_admin_modprobe_not_in_argv, TEST_TIMEOUT)
{
	char buf[64];

	ASSERT_EQ(0, run_cmd(_metadata, false, NULL, 0, MODPROBE, MOD,
			     "mode=args", "elf.pids_max=5", "x=1", NULL));
	EXPECT_TRUE(kmsg_wait(&self->log, MOD ": argv[2]=<x=1>"));
	EXPECT_EQ(0, kmsg_count(&self->log, "=<elf."));
	EXPECT_TRUE(WAIT_UNTIL(module_gone(MOD)));
	ASSERT_EQ(0, run_cmd(_metadata, false, NULL, 0, MODPROBE, LIMITS,
			     "mode=ready", "elf.pids_max=5", NULL));
	EXPECT_STREQ("5", attr(LIMITS, "elf/pids_max", buf, sizeof(buf)));
	EXPECT_EQ(0, unload(LIMITS));
}

/* Without a signed limit, any valid one may be set: none is unlimited. */
TEST_F_TIMEOUT(contain, limits_admin_sets_unsigned, TEST_TIMEOUT)
{
	char buf[128];

	ASSERT_EQ(0, load_ko(MOD, "mode=forkmax elf.pids_max=3"));
	EXPECT_STREQ("3", attr(MOD, "elf/pids_max", buf, sizeof(buf)));
	EXPECT_STREQ("max", attr(MOD, "elf/memory_max", buf, sizeof(buf)));
	EXPECT_STREQ("forked 2, then EAGAIN",
		     attr(MOD, "elf/status", buf, sizeof(buf)));
	EXPECT_EQ(0, unload(MOD));
}

/* A raise above the signed value: -EPERM, one line, nothing runs. */
TEST_F_TIMEOUT(contain, limits_admin_raise_refused, TEST_TIMEOUT)
{
	static const char pids[] = "elf-module " LIMITS
		": rejected: elf.pids_max=9 is above the signed pids_max";
	static const char mem[] = "elf-module " LIMITS
		": rejected: elf.memory_max=33554433 is above the signed memory_max";

	EXPECT_EQ(-EPERM, load_ko(LIMITS, "mode=ready elf.pids_max=9"));
	EXPECT_TRUE(kmsg_wait(&self->log, pids));
	EXPECT_EQ(-EPERM, load_ko(LIMITS, "mode=ready elf.memory_max=33554433"));
	EXPECT_TRUE(kmsg_wait(&self->log, mem));
	EXPECT_EQ(2, kmsg_count(&self->log, "elf-module " LIMITS));
	EXPECT_TRUE(module_gone(LIMITS));
	EXPECT_EQ(0, count_procs(LIMITS));
}

/* Malformed or unknown elf.* parameters: -EINVAL, one line each. */
TEST_F_TIMEOUT(contain, limits_admin_malformed_refused, TEST_TIMEOUT)
{
	static const char * const params[] = {
		"elf.pids_max=0", "elf.pids_max=x", "elf.memory_max=1T",
		"elf.memory_max", "elf.bogus=1",
	};
	/* Whole lines: each ends where the needle does. */
	static const char * const lines[] = {
		": rejected: bad elf.pids_max=0\n",
		": rejected: bad elf.pids_max=x\n",
		": rejected: bad elf.memory_max=1T\n",
		": rejected: bad elf.memory_max=\n",
		": rejected: unknown parameter elf.bogus\n",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(params); i++) {
		EXPECT_EQ(-EINVAL, load_ko(LIMITS, params[i]))
			TH_LOG("%s", params[i]);
		EXPECT_TRUE(kmsg_wait(&self->log, lines[i]))
			TH_LOG("no \"%s\" for %s", lines[i], params[i]);
	}
	EXPECT_EQ((int)ARRAY_SIZE(params),
		  kmsg_count(&self->log, "elf-module " LIMITS));
	EXPECT_TRUE(module_gone(LIMITS));
}

TEST_HARNESS_MAIN
