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
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
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

#pragma GCC diagnostic ignored "-Wclobbered"

#define MOD		"umh_elf_test"
#define MOD2		"umh_elf_test2"

/* ---- Outcomes that tell the truth (SPEC section 4) ---- */

#define PARAMS_DIR	"/sys/module/module/parameters/"
#define READY_TIMEOUT	PARAMS_DIR "elf_ready_timeout_ms"
#define STOP_TIMEOUT	PARAMS_DIR "elf_stop_timeout_ms"
#define READY_TIMEOUT_DEFAULT	"30000"
#define STOP_TIMEOUT_DEFAULT	"5000"

/* Debian's kmod; busybox has applets of the same names in /bin. */
#define MODPROBE	"/sbin/modprobe"

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

static bool proc_gone(pid_t pid)
{
	return kill(pid, 0) && errno == ESRCH;
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

/* ---- Process membership (SPEC section 3, Containment) ---- */

/* ---- capabilities= is a privilege boundary (SPEC section 3) ---- */

TEST_HARNESS_MAIN
