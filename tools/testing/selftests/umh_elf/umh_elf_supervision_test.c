// SPDX-License-Identifier: GPL-2.0
/*
 * Supervision tests for ELF modules: restart= (SPEC section 9,
 * Documentation/admin-guide/elf-modules.rst, "Keeping a module running").
 *
 * Each test checks what an administrator would check: the load's errno,
 * the kernel log, /proc/modules, /sys/module/NAME/elf/ and the processes
 * in /proc.  Every test ends with nothing of the test modules loaded or
 * running, also after a failed assertion.
 *
 * The modules (test_module.c): umh_elf_onfail says restart=on-failure,
 * umh_elf_always restart=always (and serves the channel by default),
 * umh_elf_badrestart restart=sometimes, umh_elf_badrestartmax
 * restart=on-failure and restart_max=11, umh_elf_watchdog watchdog_ms=500
 * and restart=on-failure, umh_elf_oomer memory_max=32M and
 * restart=on-failure (eats memory by default), umh_elf_test nothing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
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

#define MOD		"umh_elf_test"
#define ONFAIL		"umh_elf_onfail"
#define ALWAYS		"umh_elf_always"
#define BADRESTART	"umh_elf_badrestart"
#define BADRESTARTMAX	"umh_elf_badrestartmax"
#define WATCHDOG	"umh_elf_watchdog"
#define OOMER		"umh_elf_oomer"
#define LIMITS		"umh_elf_limits"
#define LIMITS_CGROUP	"/sys/fs/cgroup/elf-modules/" LIMITS
#define OOMER_CGROUP	"/sys/fs/cgroup/elf-modules/" OOMER

/* The ready timeout of loads and restarts, and its default. */
#define READY_TIMEOUT	"/sys/module/module/parameters/elf_ready_timeout_ms"
#define READY_TIMEOUT_DEFAULT	"30000"
/* A file test_module.c's mode=readyonce creates on its first run. */
#define MARKER		"/tmp/umh_elf_readyonce"

/* Per test, in seconds: a crash loop takes about 6 s. */
#define TEST_TIMEOUT	90

/* The give-up threshold and window (elf_umh_restart.c). */
#define BURST		5

static const char * const test_modules[] = {
	MOD, ONFAIL, ALWAYS, BADRESTART, BADRESTARTMAX, WATCHDOG, OOMER, LIMITS,
};

/*
 * The log line of an admin's value of @key refused: at load (@at_load)
 * as above the signed one, in sysfs as looser than the one in force.  In
 * a buffer valid until the next call.
 */
static const char *refusal(bool at_load, const char *mod, const char *key,
			   const char *val)
{
	static char buf[160];

	if (at_load)
		snprintf(buf, sizeof(buf),
			 "elf-module %s: rejected: elf.%s=%s is above the signed %s\n",
			 mod, key, val, key);
	else
		snprintf(buf, sizeof(buf),
			 "elf-module %s: refused: %s=%s is looser than the %s in force\n",
			 mod, key, val, key);
	return buf;
}

/* Unload the test modules and wait until no process of them is left. */
static void env_reset(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(test_modules); i++)
		if (!module_gone(test_modules[i]))
			unload(test_modules[i]);
	for (i = 0; i < ARRAY_SIZE(test_modules); i++) {
		WAIT_UNTIL(module_gone(test_modules[i]) ||
			   !unload(test_modules[i]));
		kill_procs(test_modules[i]);
		WAIT_UNTIL(count_procs(test_modules[i]) <= 0);
	}
	write_text(READY_TIMEOUT, READY_TIMEOUT_DEFAULT);
	unlink(MARKER);
}

FIXTURE(sup) {
	struct kmsg log;
};

FIXTURE_SETUP(sup)
{
	const char *left;

	self->log.fd = -1;
	self->log.text = NULL;
	if (geteuid())
		SKIP(return, "must be run as root");
	env_reset();
	left = first_loaded(test_modules, ARRAY_SIZE(test_modules));
	ASSERT_TRUE(!left)
		TH_LOG("%s is still loaded and will not unload", left);
	ASSERT_EQ(0, kmsg_open(&self->log))
		TH_LOG("/dev/kmsg: %s", strerror(errno));
}

FIXTURE_TEARDOWN_PARENT(sup)
{
	if (_metadata->exit_code == KSFT_FAIL)
		kmsg_dump(self->log.start);
	env_reset();
}

/* Kill the main process of @mod with SIGKILL; its pid, or -1. */
static pid_t kill_main(const char *mod)
{
	pid_t pid = elf_pid(mod);

	if (pid <= 0 || kill(pid, SIGKILL))
		return -1;
	return pid;
}

/* Whether @mod runs again, with a main process other than @old. */
static bool restarted(const char *mod, pid_t old)
{
	pid_t pid = elf_pid(mod);

	return pid > 0 && pid != old;
}

/* The policy in force shows in sysfs, and nothing has ended yet. */
TEST_F_TIMEOUT(sup, restart_policy_in_sysfs, TEST_TIMEOUT)
{
	char buf[64];

	ASSERT_EQ(0, load_ko(ONFAIL, "mode=ready"));
	EXPECT_STREQ("on-failure", attr(ONFAIL, "elf/restart", buf,
					sizeof(buf)));
	EXPECT_STREQ("0", attr(ONFAIL, "elf/restarts", buf, sizeof(buf)));
	EXPECT_STREQ("", attr(ONFAIL, "elf/last_end", buf, sizeof(buf)));
	EXPECT_STREQ("5", attr(ONFAIL, "elf/restart_max", buf, sizeof(buf)));
	EXPECT_EQ(0, unload(ONFAIL));
	ASSERT_EQ(0, load_ko(MOD, "mode=ready"));
	EXPECT_STREQ("no", attr(MOD, "elf/restart", buf, sizeof(buf)));
	EXPECT_STREQ("5", attr(MOD, "elf/restart_max", buf, sizeof(buf)));
	EXPECT_EQ(0, unload(MOD));
}

/* Without restart=, a killed module is gone for good. */
TEST_F_TIMEOUT(sup, restart_no_by_default, TEST_TIMEOUT)
{
	ASSERT_EQ(0, load_ko(MOD, "mode=ready"));
	ASSERT_LT(0, kill_main(MOD));
	EXPECT_TRUE(kmsg_wait(&self->log,
			      "elf-module " MOD ": stopped (signal 9)"));
	EXPECT_TRUE(WAIT_UNTIL(module_gone(MOD)));
	EXPECT_EQ(0, kmsg_count(&self->log, ": restarting ("));
}

/*
 * restart=on-failure: kill -9 starts it again, from the kernel's copy:
 * same sha256, new pid, one restart, last end "signal 9"; rmmod then
 * stops it as any module.
 */
TEST_F_TIMEOUT(sup, restart_on_failure_after_kill, TEST_TIMEOUT)
{
	char sha[80], buf[80];
	pid_t old;

	ASSERT_EQ(0, load_ko(ONFAIL, "mode=ready"));
	attr(ONFAIL, "elf/sha256", sha, sizeof(sha));
	old = kill_main(ONFAIL);
	ASSERT_LT(0, old);
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " ONFAIL
			      ": restarting (signal 9), attempt 1\n"));
	ASSERT_TRUE(WAIT_UNTIL(restarted(ONFAIL, old)));
	/* The line comes once exec is done; elf/pid may be there before. */
	EXPECT_TRUE(WAIT_UNTIL(kmsg_count(&self->log, "elf-module " ONFAIL
					  ": started pid") == 2));
	EXPECT_TRUE(module_live(ONFAIL));
	EXPECT_STREQ("1", attr(ONFAIL, "elf/restarts", buf, sizeof(buf)));
	EXPECT_STREQ("signal 9", attr(ONFAIL, "elf/last_end", buf,
				      sizeof(buf)));
	EXPECT_STREQ(sha, attr(ONFAIL, "elf/sha256", buf, sizeof(buf)));
	EXPECT_EQ(0, kmsg_count(&self->log, "elf-module " ONFAIL ": stopped"));
	EXPECT_EQ(0, unload(ONFAIL));
	EXPECT_TRUE(module_gone(ONFAIL));
	EXPECT_TRUE(WAIT_UNTIL(count_procs(ONFAIL) <= 0));
}

/* restart=on-failure: an exit 0 is not a failure: no restart. */
TEST_F_TIMEOUT(sup, restart_on_failure_not_after_exit_0, TEST_TIMEOUT)
{
	ASSERT_EQ(0, load_ko(ONFAIL, "mode=readyexit"));
	EXPECT_TRUE(kmsg_wait(&self->log,
			      "elf-module " ONFAIL ": stopped (exit 0)"));
	EXPECT_TRUE(WAIT_UNTIL(module_gone(ONFAIL)));
	EXPECT_EQ(0, kmsg_count(&self->log, ": restarting ("));
}

/* restart=always: an exit 0 is restarted too. */
TEST_F_TIMEOUT(sup, restart_always_after_exit_0, TEST_TIMEOUT)
{
	ASSERT_EQ(0, load_ko(ALWAYS, "mode=readyexit"));
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " ALWAYS
			      ": restarting (exit 0), attempt 1\n"));
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " ALWAYS
			      ": restarting (exit 0), attempt 2\n"));
	EXPECT_EQ(0, unload(ALWAYS));
	EXPECT_TRUE(module_gone(ALWAYS));
	EXPECT_TRUE(WAIT_UNTIL(count_procs(ALWAYS) <= 0));
}

/*
 * A crash loop: restarted BURST times with a growing backoff (100 ms
 * doubling), then the kernel gives up and the module ends as one
 * without restart= does.
 */
TEST_F_TIMEOUT(sup, crash_loop_gives_up, TEST_TIMEOUT)
{
	long long t[BURST + 1];
	char line[128];
	int k;

	ASSERT_EQ(0, load_ko(ONFAIL, "mode=readyfail"));
	for (k = 1; k <= BURST; k++) {
		snprintf(line, sizeof(line), "elf-module " ONFAIL
			 ": restarting (exit 3), attempt %d\n", k);
		ASSERT_TRUE(kmsg_wait(&self->log, line)) TH_LOG("no %s", line);
		t[k] = now_ms();
	}
	ASSERT_TRUE(kmsg_wait(&self->log, "elf-module " ONFAIL
			      ": gave up restarting: 5 restarts within 60 s\n"));
	t[0] = now_ms();
	EXPECT_TRUE(kmsg_wait(&self->log,
			      "elf-module " ONFAIL ": stopped (exit 3)"));
	EXPECT_TRUE(WAIT_UNTIL(module_gone(ONFAIL)));
	EXPECT_EQ(BURST + 1, kmsg_count(&self->log, "elf-module " ONFAIL
					": started pid"));
	EXPECT_EQ(BURST, kmsg_count(&self->log, ": restarting ("));
	/* The last backoff (1.6 s) is longer than the first (0.1 s). */
	EXPECT_LT(1500, t[0] - t[BURST]);
	EXPECT_EQ(0, count_procs(ONFAIL));
}

/*
 * A restarted instance has the ready timeout of a load: one that does
 * not say READY=1 within elf_ready_timeout_ms is killed, its end is
 * "timeout" (elf/last_end, the restarting line), and it counts for the
 * give-up window like any other end.  mode=readyonce is ready on its
 * first run only.
 */
TEST_F_TIMEOUT(sup, restart_ready_timeout_gives_up, TEST_TIMEOUT)
{
	long long t1, t2;
	char buf[64];
	int k;

	ASSERT_EQ(0, write_text(READY_TIMEOUT, "1000"));
	ASSERT_EQ(0, load_ko(ONFAIL, "mode=readyonce marker=" MARKER));
	ASSERT_LT(0, kill_main(ONFAIL));
	ASSERT_TRUE(kmsg_wait(&self->log, "elf-module " ONFAIL
			      ": restarting (signal 9), attempt 1\n"));
	t1 = now_ms();
	ASSERT_TRUE(kmsg_wait(&self->log, "elf-module " ONFAIL
			      ": restarting (timeout), attempt 2\n"));
	t2 = now_ms();
	/* The 100 ms backoff, then the instance's 1 s; not 30 s. */
	EXPECT_LE(900, t2 - t1);
	EXPECT_GT(4000, t2 - t1);
	EXPECT_STREQ("timeout", attr(ONFAIL, "elf/last_end", buf,
				     sizeof(buf)));
	for (k = 3; k <= BURST; k++) {
		snprintf(buf, sizeof(buf), "elf-module " ONFAIL
			 ": restarting (timeout), attempt %d\n", k);
		ASSERT_TRUE(WAIT_UNTIL(kmsg_count(&self->log, buf) > 0))
			TH_LOG("no %s", buf);
	}
	ASSERT_TRUE(WAIT_UNTIL(kmsg_count(&self->log, "elf-module " ONFAIL
				": gave up restarting: 5 restarts within 60 s\n") > 0));
	EXPECT_TRUE(kmsg_wait(&self->log,
			      "elf-module " ONFAIL ": stopped (timeout)"));
	EXPECT_TRUE(WAIT_UNTIL(module_gone(ONFAIL)));
	EXPECT_EQ(BURST + 1, kmsg_count(&self->log, "elf-module " ONFAIL
					": started pid"));
	EXPECT_TRUE(WAIT_UNTIL(count_procs(ONFAIL) <= 0));
}

/*
 * elf/status is the running instance's: a restarted instance shows none
 * until it sends STATUS= itself (mode=readyonce says "first run" on its
 * first run only).
 */
TEST_F_TIMEOUT(sup, status_is_the_running_instances, TEST_TIMEOUT)
{
	char buf[64];
	pid_t pid;

	ASSERT_EQ(0, load_ko(ONFAIL, "mode=readyonce marker=" MARKER));
	EXPECT_STREQ("first run", attr(ONFAIL, "elf/status", buf,
				       sizeof(buf)));
	pid = elf_pid(ONFAIL);
	ASSERT_LT(0, kill_main(ONFAIL));
	ASSERT_TRUE(kmsg_wait(&self->log, "elf-module " ONFAIL
			      ": restarting (signal 9), attempt 1\n"));
	ASSERT_TRUE(WAIT_UNTIL(elf_pid(ONFAIL) > 0 && elf_pid(ONFAIL) != pid));
	EXPECT_STREQ("", attr(ONFAIL, "elf/status", buf, sizeof(buf)));
}

/*
 * An instance that timed out does not stop the next one from running:
 * once the program says READY=1 again, the module stays, and the timer
 * of a ready instance does nothing.
 */
TEST_F_TIMEOUT(sup, restart_ready_timeout_then_ready, TEST_TIMEOUT)
{
	char buf[64], want[16];
	int restarts;
	pid_t pid;

	ASSERT_EQ(0, write_text(READY_TIMEOUT, "1000"));
	ASSERT_EQ(0, load_ko(ONFAIL, "mode=readyonce marker=" MARKER));
	ASSERT_LT(0, kill_main(ONFAIL));
	ASSERT_TRUE(kmsg_wait(&self->log, "elf-module " ONFAIL
			      ": restarting (timeout), attempt 2\n"));
	/* The next instance finds no marker: it is ready. */
	ASSERT_EQ(0, unlink(MARKER));
	ASSERT_TRUE(WAIT_UNTIL(access(MARKER, F_OK) == 0));
	ASSERT_TRUE(WAIT_UNTIL(elf_pid(ONFAIL) > 0));
	pid = elf_pid(ONFAIL);
	restarts = kmsg_count(&self->log, ": restarting (");
	usleep(2500000);	/* past its ready timeout */
	EXPECT_EQ(pid, elf_pid(ONFAIL));
	EXPECT_EQ(restarts, kmsg_count(&self->log, ": restarting ("));
	EXPECT_TRUE(module_live(ONFAIL));
	snprintf(want, sizeof(want), "%d", restarts);
	EXPECT_STREQ(want, attr(ONFAIL, "elf/restarts", buf, sizeof(buf)));
	EXPECT_STREQ("timeout", attr(ONFAIL, "elf/last_end", buf,
				     sizeof(buf)));
	EXPECT_EQ(0, unload(ONFAIL));
	EXPECT_TRUE(WAIT_UNTIL(count_procs(ONFAIL) <= 0));
}

/* restart= with a value the kernel does not know: -EINVAL, one line. */
TEST_F_TIMEOUT(sup, restart_malformed_refused, TEST_TIMEOUT)
{
	EXPECT_EQ(-EINVAL, load_ko(BADRESTART, ""));
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " BADRESTART
			      ": rejected: bad restart= in .modinfo: 'sometimes'\n"));
	EXPECT_EQ(1, kmsg_count(&self->log, "elf-module " BADRESTART));
	EXPECT_TRUE(module_gone(BADRESTART));
	EXPECT_EQ(0, count_procs(BADRESTART));
}

/* The administrator turns restarts off: a kill is then the end. */
TEST_F_TIMEOUT(sup, restart_admin_lowers, TEST_TIMEOUT)
{
	char buf[64];

	ASSERT_EQ(0, load_ko(ONFAIL, "mode=ready elf.restart=no"));
	EXPECT_STREQ("no", attr(ONFAIL, "elf/restart", buf, sizeof(buf)));
	ASSERT_LT(0, kill_main(ONFAIL));
	EXPECT_TRUE(kmsg_wait(&self->log,
			      "elf-module " ONFAIL ": stopped (signal 9)"));
	EXPECT_TRUE(WAIT_UNTIL(module_gone(ONFAIL)));
	EXPECT_EQ(0, kmsg_count(&self->log, ": restarting ("));
	ASSERT_EQ(0, load_ko(ALWAYS, "mode=ready elf.restart=on-failure"));
	EXPECT_STREQ("on-failure", attr(ALWAYS, "elf/restart", buf,
					sizeof(buf)));
	EXPECT_EQ(0, unload(ALWAYS));
}

/*
 * A restart the author did not allow, or a looser one, is refused with
 * -EPERM; a malformed one with -EINVAL.  One line each, nothing runs.
 */
TEST_F_TIMEOUT(sup, restart_admin_loosen_refused, TEST_TIMEOUT)
{
	EXPECT_EQ(-EPERM, load_ko(ONFAIL, "mode=ready elf.restart=always"));
	EXPECT_TRUE(kmsg_wait(&self->log, refusal(true, ONFAIL, "restart", "always")));
	EXPECT_EQ(-EPERM, load_ko(MOD, "mode=ready elf.restart=on-failure"));
	EXPECT_TRUE(kmsg_wait(&self->log, refusal(true, MOD, "restart", "on-failure")));
	EXPECT_EQ(-EINVAL, load_ko(ONFAIL, "mode=ready elf.restart=yes"));
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " ONFAIL
			      ": rejected: bad elf.restart=yes\n"));
	EXPECT_EQ(2, kmsg_count(&self->log, "elf-module " ONFAIL));
	EXPECT_EQ(1, kmsg_count(&self->log, "elf-module " MOD));
	EXPECT_TRUE(module_gone(ONFAIL));
	EXPECT_TRUE(module_gone(MOD));
	EXPECT_EQ(0, count_procs(ONFAIL));
}

/*
 * elf.restart_max=1: the first end is restarted, the second gives up,
 * and the give-up line says the number in force.
 */
TEST_F_TIMEOUT(sup, restart_max_lowered_at_load, TEST_TIMEOUT)
{
	char buf[64];
	pid_t old;

	ASSERT_EQ(0, load_ko(ONFAIL, "mode=ready elf.restart_max=1"));
	EXPECT_STREQ("1", attr(ONFAIL, "elf/restart_max", buf, sizeof(buf)));
	old = kill_main(ONFAIL);
	ASSERT_LT(0, old);
	ASSERT_TRUE(kmsg_wait(&self->log, "elf-module " ONFAIL
			      ": restarting (signal 9), attempt 1\n"));
	ASSERT_TRUE(WAIT_UNTIL(restarted(ONFAIL, old)));
	EXPECT_STREQ("1", attr(ONFAIL, "elf/restarts", buf, sizeof(buf)));
	ASSERT_LT(0, kill_main(ONFAIL));
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " ONFAIL
			      ": gave up restarting: 1 restarts within 60 s\n"));
	EXPECT_TRUE(kmsg_wait(&self->log,
			      "elf-module " ONFAIL ": stopped (signal 9)"));
	EXPECT_TRUE(WAIT_UNTIL(module_gone(ONFAIL)));
	EXPECT_EQ(1, kmsg_count(&self->log, ": restarting ("));
	EXPECT_EQ(2, kmsg_count(&self->log, "elf-module " ONFAIL
				": started pid"));
	EXPECT_TRUE(WAIT_UNTIL(count_procs(ONFAIL) <= 0));
}

/*
 * elf.restart_max=0: never restarted, though restart= allows it, and
 * nothing is given up.  Above the signed value (by default 5) it is
 * -EPERM, malformed or above 10 -EINVAL; one line each, nothing runs.
 */
TEST_F_TIMEOUT(sup, restart_max_admin_at_load, TEST_TIMEOUT)
{
	char buf[64];

	EXPECT_EQ(-EPERM, load_ko(ONFAIL, "mode=ready elf.restart_max=6"));
	EXPECT_TRUE(kmsg_wait(&self->log, refusal(true, ONFAIL, "restart_max", "6")));
	EXPECT_EQ(-EINVAL, load_ko(ONFAIL, "mode=ready elf.restart_max=11"));
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " ONFAIL
			      ": rejected: bad elf.restart_max=11\n"));
	EXPECT_EQ(-EINVAL, load_ko(ONFAIL, "mode=ready elf.restart_max=many"));
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " ONFAIL
			      ": rejected: bad elf.restart_max=many\n"));
	EXPECT_EQ(3, kmsg_count(&self->log, "elf-module " ONFAIL));
	EXPECT_TRUE(module_gone(ONFAIL));
	EXPECT_EQ(0, count_procs(ONFAIL));
	ASSERT_EQ(0, load_ko(ONFAIL, "mode=ready elf.restart_max=0"));
	EXPECT_STREQ("0", attr(ONFAIL, "elf/restart_max", buf, sizeof(buf)));
	ASSERT_LT(0, kill_main(ONFAIL));
	EXPECT_TRUE(kmsg_wait(&self->log,
			      "elf-module " ONFAIL ": stopped (signal 9)"));
	EXPECT_TRUE(WAIT_UNTIL(module_gone(ONFAIL)));
	EXPECT_EQ(0, kmsg_count(&self->log, ": restarting ("));
	EXPECT_EQ(0, kmsg_count(&self->log, "gave up restarting"));
}

/* restart_max= above 10 in .modinfo: -EINVAL, one line. */
TEST_F_TIMEOUT(sup, restart_max_malformed_refused, TEST_TIMEOUT)
{
	EXPECT_EQ(-EINVAL, load_ko(BADRESTARTMAX, ""));
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " BADRESTARTMAX
			      ": rejected: bad restart_max= in .modinfo: '11'\n"));
	EXPECT_EQ(1, kmsg_count(&self->log, "elf-module " BADRESTARTMAX));
	EXPECT_TRUE(module_gone(BADRESTARTMAX));
	EXPECT_EQ(0, count_procs(BADRESTARTMAX));
}

/*
 * rmmod during a backoff: the fourth restart waits 800 ms; rmmod then
 * cancels it at once, and nothing starts afterwards.
 */
TEST_F_TIMEOUT(sup, rmmod_during_backoff, TEST_TIMEOUT)
{
	int started;

	ASSERT_EQ(0, load_ko(ONFAIL, "mode=readyfail"));
	ASSERT_TRUE(kmsg_wait(&self->log, "elf-module " ONFAIL
			      ": restarting (exit 3), attempt 4\n"));
	started = kmsg_count(&self->log, "elf-module " ONFAIL ": started pid");
	EXPECT_EQ(0, unload(ONFAIL));
	EXPECT_TRUE(module_gone(ONFAIL));
	usleep(2000000);	/* past the backoff that was cancelled */
	EXPECT_EQ(started, kmsg_count(&self->log, "elf-module " ONFAIL
				      ": started pid"));
	EXPECT_EQ(0, count_procs(ONFAIL));
	EXPECT_EQ(0, kmsg_count(&self->log, "gave up restarting"));
}

/*
 * rmmod while a restart is under way (right after the end, through the
 * 100 ms backoff and the start): it waits for the start, then stops it;
 * nothing is left, and the name loads afresh.
 */
TEST_F_TIMEOUT(sup, rmmod_during_restart, TEST_TIMEOUT)
{
	int i, err;

	ASSERT_EQ(0, load_ko(ONFAIL, "mode=ready"));
	ASSERT_LT(0, kill_main(ONFAIL));
	/* Busy or not there yet: try again until rmmod takes it. */
	for (i = 0; i < 200; i++) {
		err = unload(ONFAIL);
		if (!err || module_gone(ONFAIL))
			break;
		usleep(10000);
	}
	EXPECT_EQ(0, err);
	EXPECT_TRUE(module_gone(ONFAIL));
	EXPECT_TRUE(WAIT_UNTIL(count_procs(ONFAIL) <= 0));
	usleep(500000);
	EXPECT_EQ(0, count_procs(ONFAIL));
	ASSERT_EQ(0, load_ko(ONFAIL, "mode=ready"));
	EXPECT_EQ(0, unload(ONFAIL));
}

/*
 * watchdog_ms=500: a module that pings every 100 ms lives on; one that
 * stops is logged, killed (SIGABRT first) and restarted, its end
 * reported as "watchdog".
 */
TEST_F_TIMEOUT(sup, watchdog_fires_when_pings_stop, TEST_TIMEOUT)
{
	char buf[64];
	long long t0;
	pid_t old;

	ASSERT_EQ(0, load_ko(WATCHDOG, "mode=watchdog pings=15"));
	t0 = now_ms();
	EXPECT_STREQ("500", attr(WATCHDOG, "elf/watchdog_ms", buf,
				 sizeof(buf)));
	old = elf_pid(WATCHDOG);
	ASSERT_TRUE(kmsg_wait(&self->log, "elf-module " WATCHDOG
			      ": watchdog missed (500 ms), killing it\n"));
	/* 15 pings 100 ms apart kept it alive at least that long. */
	EXPECT_LE(1500, now_ms() - t0);
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " WATCHDOG
			      ": restarting (watchdog), attempt 1\n"));
	EXPECT_TRUE(WAIT_UNTIL(restarted(WATCHDOG, old)));
	EXPECT_STREQ("watchdog", attr(WATCHDOG, "elf/last_end", buf,
				      sizeof(buf)));
	EXPECT_EQ(0, unload(WATCHDOG));
	EXPECT_TRUE(WAIT_UNTIL(count_procs(WATCHDOG) <= 0));
}

/* A module that keeps pinging is never killed by its watchdog. */
TEST_F_TIMEOUT(sup, watchdog_quiet_while_pinged, TEST_TIMEOUT)
{
	pid_t pid;

	ASSERT_EQ(0, load_ko(WATCHDOG, "mode=watchdog pings=100000 period_ms=100"));
	pid = elf_pid(WATCHDOG);
	usleep(2500000);
	EXPECT_EQ(pid, elf_pid(WATCHDOG));
	EXPECT_EQ(0, kmsg_count(&self->log, "watchdog missed"));
	EXPECT_EQ(0, unload(WATCHDOG));
}

/*
 * The administrator may shorten the watchdog, not lengthen it, nor set
 * one where the author set none.
 */
TEST_F_TIMEOUT(sup, watchdog_admin_tightening, TEST_TIMEOUT)
{
	char buf[64];

	ASSERT_EQ(0, load_ko(WATCHDOG, "mode=ready elf.watchdog_ms=300 elf.restart=no"));
	EXPECT_STREQ("300", attr(WATCHDOG, "elf/watchdog_ms", buf,
				 sizeof(buf)));
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " WATCHDOG
			      ": watchdog missed (300 ms), killing it\n"));
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " WATCHDOG
			      ": stopped (watchdog)"));
	EXPECT_TRUE(WAIT_UNTIL(module_gone(WATCHDOG)));
	EXPECT_EQ(-EPERM, load_ko(WATCHDOG, "mode=ready elf.watchdog_ms=501"));
	EXPECT_TRUE(kmsg_wait(&self->log, refusal(true, WATCHDOG, "watchdog_ms", "501")));
	EXPECT_EQ(-EPERM, load_ko(MOD, "mode=ready elf.watchdog_ms=1000"));
	EXPECT_TRUE(kmsg_wait(&self->log, refusal(true, MOD, "watchdog_ms", "1000")));
	EXPECT_EQ(-EINVAL, load_ko(WATCHDOG, "mode=ready elf.watchdog_ms=5"));
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " WATCHDOG
			      ": rejected: bad elf.watchdog_ms=5\n"));
	EXPECT_TRUE(module_gone(MOD));
	EXPECT_TRUE(module_gone(WATCHDOG));
}

/*
 * Over memory_max, the module is OOM-killed as a whole in its own
 * cgroup (memory.oom.group), its end is "oom", and restart= applies;
 * another module lives on.
 */
TEST_F_TIMEOUT(sup, oom_ends_as_oom_and_restarts, TEST_TIMEOUT)
{
	char buf[64];

	ASSERT_EQ(0, load_ko(MOD, "mode=ready"));
	ASSERT_EQ(0, load_ko(OOMER, ""));
	read_text("/sys/fs/cgroup/elf-modules/" OOMER "/memory.oom.group",
		  buf, sizeof(buf));
	EXPECT_STREQ("1", buf);
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " OOMER
			      ": restarting (oom), attempt 1\n"));
	EXPECT_TRUE(kmsg_wait(&self->log, "Memory cgroup out of memory"));
	EXPECT_STREQ("oom", attr(OOMER, "elf/last_end", buf, sizeof(buf)));
	EXPECT_TRUE(module_live(MOD));
	EXPECT_EQ(0, unload(OOMER));
	EXPECT_TRUE(WAIT_UNTIL(count_procs(OOMER) <= 0));
	EXPECT_EQ(0, unload(MOD));
}

/*
 * Root cannot raise the signed limits through the cgroup file system:
 * the controller files of a module's cgroup are read-only once it runs.
 * Its core files (cgroup.kill) still work.
 */
TEST_F_TIMEOUT(sup, cgroupfs_limits_read_only, TEST_TIMEOUT)
{
	char buf[64];

	ASSERT_EQ(0, load_ko(LIMITS, "mode=ready"));
	EXPECT_EQ(-EPERM, write_text(LIMITS_CGROUP "/memory.max", "max"));
	EXPECT_EQ(-EPERM, write_text(LIMITS_CGROUP "/pids.max", "max"));
	EXPECT_EQ(-EPERM, write_text(LIMITS_CGROUP "/memory.high", "max"));
	read_text(LIMITS_CGROUP "/memory.max", buf, sizeof(buf));
	EXPECT_STREQ("33554432", buf);
	read_text(LIMITS_CGROUP "/pids.max", buf, sizeof(buf));
	EXPECT_STREQ("8", buf);
	EXPECT_EQ(0, write_text(LIMITS_CGROUP "/cgroup.kill", "1"));
	EXPECT_TRUE(kmsg_wait(&self->log,
			      "elf-module " LIMITS ": stopped (signal 9)"));
	EXPECT_TRUE(WAIT_UNTIL(module_gone(LIMITS)));
}

/* /sys/module/@mod/elf/@key, for a write. */
static int write_policy(const char *mod, const char *key, const char *val)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/module/%s/elf/%s", mod, key);
	return write_text(path, val);
}

/*
 * In sysfs, root may turn restarts down, never up; each refusal is
 * -EPERM or -EINVAL and one line, and the policy stays as it was.
 */
TEST_F_TIMEOUT(sup, sysfs_restart_only_lowered, TEST_TIMEOUT)
{
	char buf[64];

	ASSERT_EQ(0, load_ko(ONFAIL, "mode=ready"));
	EXPECT_EQ(-EPERM, write_policy(ONFAIL, "restart", "always"));
	EXPECT_TRUE(kmsg_wait(&self->log, refusal(false, ONFAIL, "restart", "always")));
	EXPECT_EQ(-EINVAL, write_policy(ONFAIL, "restart", "sometimes"));
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " ONFAIL
			      ": refused: bad restart=sometimes\n"));
	EXPECT_STREQ("on-failure", attr(ONFAIL, "elf/restart", buf,
					sizeof(buf)));
	EXPECT_EQ(0, write_policy(ONFAIL, "restart", "no"));
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " ONFAIL
			      ": restart set to no\n"));
	EXPECT_STREQ("no", attr(ONFAIL, "elf/restart", buf, sizeof(buf)));
	/* Down is one way: no way back up to what was signed. */
	EXPECT_EQ(-EPERM, write_policy(ONFAIL, "restart", "on-failure"));
	ASSERT_LT(0, kill_main(ONFAIL));
	EXPECT_TRUE(kmsg_wait(&self->log,
			      "elf-module " ONFAIL ": stopped (signal 9)"));
	EXPECT_TRUE(WAIT_UNTIL(module_gone(ONFAIL)));
	EXPECT_EQ(0, kmsg_count(&self->log, ": restarting ("));
}

/*
 * In sysfs, root may lower restart_max, never raise it; each refusal is
 * -EPERM or -EINVAL and one line.  Lowered to 0, a kill is the end.
 */
TEST_F_TIMEOUT(sup, sysfs_restart_max_only_lowered, TEST_TIMEOUT)
{
	char buf[64];

	ASSERT_EQ(0, load_ko(ONFAIL, "mode=ready"));
	EXPECT_EQ(-EPERM, write_policy(ONFAIL, "restart_max", "6"));
	EXPECT_TRUE(kmsg_wait(&self->log, refusal(false, ONFAIL, "restart_max", "6")));
	EXPECT_EQ(-EINVAL, write_policy(ONFAIL, "restart_max", "11"));
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " ONFAIL
			      ": refused: bad restart_max=11\n"));
	EXPECT_EQ(-EINVAL, write_policy(ONFAIL, "restart_max", "many"));
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " ONFAIL
			      ": refused: bad restart_max=many\n"));
	EXPECT_STREQ("5", attr(ONFAIL, "elf/restart_max", buf, sizeof(buf)));
	EXPECT_EQ(0, write_policy(ONFAIL, "restart_max", "2"));
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " ONFAIL
			      ": restart_max set to 2\n"));
	EXPECT_STREQ("2", attr(ONFAIL, "elf/restart_max", buf, sizeof(buf)));
	/* Down is one way: no way back up to the default. */
	EXPECT_EQ(-EPERM, write_policy(ONFAIL, "restart_max", "3"));
	EXPECT_EQ(2, kmsg_count(&self->log, "is looser than the restart_max"));
	EXPECT_EQ(0, write_policy(ONFAIL, "restart_max", "0"));
	EXPECT_STREQ("0", attr(ONFAIL, "elf/restart_max", buf, sizeof(buf)));
	ASSERT_LT(0, kill_main(ONFAIL));
	EXPECT_TRUE(kmsg_wait(&self->log,
			      "elf-module " ONFAIL ": stopped (signal 9)"));
	EXPECT_TRUE(WAIT_UNTIL(module_gone(ONFAIL)));
	EXPECT_EQ(0, kmsg_count(&self->log, ": restarting ("));
	EXPECT_EQ(0, kmsg_count(&self->log, "gave up restarting"));
}

/* Whether the small file @path holds @want. */
static bool file_is(const char *path, const char *want)
{
	char buf[64];

	return read_text(path, buf, sizeof(buf)) >= 0 && !strcmp(buf, want);
}

/* Whether elf/status of @mod says @want. */
static bool status_is(const char *mod, const char *want)
{
	char buf[128];

	return !strcmp(attr(mod, "elf/status", buf, sizeof(buf)), want);
}

/*
 * Send SIGUSR1 to the main process of @mod (mode=forkmaxlater) once it
 * waits for it; 0 or -errno.
 */
static int forkmax_now(const char *mod)
{
	char want[64];
	pid_t pid;

	pid = elf_pid(mod);
	snprintf(want, sizeof(want), "waiting for SIGUSR1 in %d", pid);
	if (pid <= 0 || !WAIT_UNTIL(status_is(mod, want)))
		return -ESRCH;
	return kill(pid, SIGUSR1) ? -errno : 0;
}

/*
 * In sysfs, root may lower the limits of a running module: sysfs shows
 * them at once, its cgroup a moment later, and they hold (a fork past
 * pids_max fails); a raise is refused with -EPERM, a malformed value
 * with -EINVAL, one line each, and what is in force stays.
 */
TEST_F_TIMEOUT(sup, sysfs_limits_only_lowered, TEST_TIMEOUT)
{
	char buf[64];

	ASSERT_EQ(0, load_ko(LIMITS, "mode=forkmaxlater"));
	EXPECT_EQ(0, write_policy(LIMITS, "pids_max", "3"));
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " LIMITS
			      ": pids_max set to 3\n"));
	EXPECT_EQ(0, write_policy(LIMITS, "memory_max", "16M"));
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " LIMITS
			      ": memory_max set to 16M\n"));
	EXPECT_STREQ("3", attr(LIMITS, "elf/pids_max", buf, sizeof(buf)));
	EXPECT_STREQ("16777216", attr(LIMITS, "elf/memory_max", buf,
				      sizeof(buf)));
	EXPECT_TRUE(WAIT_UNTIL(file_is(LIMITS_CGROUP "/pids.max", "3")));
	EXPECT_TRUE(WAIT_UNTIL(file_is(LIMITS_CGROUP "/memory.max",
				       "16777216")));
	EXPECT_EQ(-EPERM, write_policy(LIMITS, "pids_max", "4"));
	EXPECT_TRUE(kmsg_wait(&self->log, refusal(false, LIMITS, "pids_max", "4")));
	EXPECT_EQ(-EPERM, write_policy(LIMITS, "memory_max", "32M"));
	EXPECT_EQ(-EINVAL, write_policy(LIMITS, "memory_max", "max"));
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " LIMITS
			      ": refused: bad memory_max=max\n"));
	EXPECT_EQ(-EINVAL, write_policy(LIMITS, "pids_max", "0"));
	EXPECT_STREQ("3", attr(LIMITS, "elf/pids_max", buf, sizeof(buf)));
	/* The main process and two children: the third fork fails. */
	ASSERT_EQ(0, forkmax_now(LIMITS));
	EXPECT_TRUE(WAIT_UNTIL(status_is(LIMITS, "forked 2, then EAGAIN")))
		TH_LOG("status: %s", attr(LIMITS, "elf/status", buf,
					  sizeof(buf)));
	EXPECT_TRUE(file_is(LIMITS_CGROUP "/pids.max", "3"));
	EXPECT_TRUE(file_is(LIMITS_CGROUP "/memory.max", "16777216"));
	EXPECT_EQ(0, unload(LIMITS));
}

/*
 * Limits lowered in sysfs hold for the next instances too: after a
 * restart the new cgroup has them from the start.  A limit the author
 * left out (pids_max of umh_elf_oomer) may be set to any valid value.
 */
TEST_F_TIMEOUT(sup, sysfs_limits_kept_across_restart, TEST_TIMEOUT)
{
	char buf[64];
	pid_t old;

	ASSERT_EQ(0, load_ko(OOMER, "mode=forkmaxlater"));
	EXPECT_STREQ("max", attr(OOMER, "elf/pids_max", buf, sizeof(buf)));
	EXPECT_EQ(0, write_policy(OOMER, "pids_max", "3"));
	EXPECT_EQ(0, write_policy(OOMER, "memory_max", "16M"));
	EXPECT_TRUE(WAIT_UNTIL(file_is(OOMER_CGROUP "/pids.max", "3")));
	EXPECT_TRUE(WAIT_UNTIL(file_is(OOMER_CGROUP "/memory.max",
				       "16777216")));
	old = kill_main(OOMER);
	ASSERT_LT(0, old);
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " OOMER
			      ": restarting (signal 9), attempt 1\n"));
	ASSERT_TRUE(WAIT_UNTIL(restarted(OOMER, old)));
	ASSERT_TRUE(WAIT_UNTIL(kmsg_count(&self->log, "elf-module " OOMER
					  ": started pid") == 2));
	EXPECT_TRUE(file_is(OOMER_CGROUP "/pids.max", "3"));
	EXPECT_TRUE(file_is(OOMER_CGROUP "/memory.max", "16777216"));
	EXPECT_STREQ("3", attr(OOMER, "elf/pids_max", buf, sizeof(buf)));
	EXPECT_STREQ("16777216", attr(OOMER, "elf/memory_max", buf,
				      sizeof(buf)));
	ASSERT_EQ(0, forkmax_now(OOMER));
	EXPECT_TRUE(WAIT_UNTIL(status_is(OOMER, "forked 2, then EAGAIN")))
		TH_LOG("status: %s", attr(OOMER, "elf/status", buf,
					  sizeof(buf)));
	EXPECT_EQ(0, unload(OOMER));
	EXPECT_TRUE(WAIT_UNTIL(count_procs(OOMER) <= 0));
}

/* In sysfs, root may shorten a watchdog, which then fires sooner. */
TEST_F_TIMEOUT(sup, sysfs_watchdog_only_shortened, TEST_TIMEOUT)
{
	ASSERT_EQ(0, load_ko(WATCHDOG, "mode=watchdog pings=100000 period_ms=200"));
	EXPECT_EQ(-EPERM, write_policy(WATCHDOG, "watchdog_ms", "501"));
	EXPECT_TRUE(kmsg_wait(&self->log, refusal(false, WATCHDOG, "watchdog_ms", "501")));
	EXPECT_EQ(0, write_policy(WATCHDOG, "restart", "no"));
	/* Pings every 200 ms miss a watchdog of 100 ms. */
	EXPECT_EQ(0, write_policy(WATCHDOG, "watchdog_ms", "100"));
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " WATCHDOG
			      ": watchdog missed (100 ms), killing it\n"));
	EXPECT_TRUE(kmsg_wait(&self->log,
			      "elf-module " WATCHDOG ": stopped (watchdog)"));
	EXPECT_TRUE(WAIT_UNTIL(module_gone(WATCHDOG)));
}

/* The test driver's "loop" in a thread: its result in *@arg. */
struct loop {
	const char *cmd;
	int err;
};

static void *loop_thread(void *arg)
{
	struct loop *l = arg;

	l->err = drv("%s", l->cmd);
	return NULL;
}

/* "loop NAME: OK ok, EPIPE EPIPE, last ..." from the log; false if none. */
static bool loop_counts(struct kmsg *log, const char *mod, int *ok,
			int *epipe)
{
	char needle[96];
	const char *p;

	snprintf(needle, sizeof(needle), "loop %s: ", mod);
	kmsg_collect(log);
	p = log->text ? strstr(log->text, needle) : NULL;
	return p && sscanf(p + strlen(needle), "%d ok, %d EPIPE", ok,
			   epipe) == 2;
}

/*
 * An in-kernel caller across restarts: the test driver calls through one
 * reference while the module is killed three times.  No call hangs, the
 * only failures are -EPIPE (a call in flight, at most one or two per
 * kill), and the calls after the last restart succeed.
 */
TEST_F_TIMEOUT(sup, caller_across_three_restarts, TEST_TIMEOUT)
{
	struct loop l = { .cmd = "loop " ALWAYS " 8000 5000", .err = -1 };
	int kills, ok = -1, epipe = -1;
	pthread_t t;
	pid_t old;

	ASSERT_EQ(0, run("/sbin/modprobe", DRIVER))
		TH_LOG("cannot load %s: is CONFIG_TEST_UMH_ELF=m?", DRIVER);
	if (access(RUN_FILE, F_OK))
		mount("debugfs", DEBUGFS, "debugfs", 0, NULL);
	ASSERT_EQ(0, access(RUN_FILE, W_OK))
		TH_LOG("%s: %s", RUN_FILE, strerror(errno));
	ASSERT_EQ(0, load_ko(ALWAYS, ""));
	ASSERT_EQ(0, pthread_create(&t, NULL, loop_thread, &l));
	usleep(300000);
	for (kills = 1; kills <= 3; kills++) {
		old = kill_main(ALWAYS);
		ASSERT_LT(0, old);
		ASSERT_TRUE(WAIT_UNTIL(restarted(ALWAYS, old)))
			TH_LOG("not restarted after kill %d", kills);
		usleep(500000);
	}
	pthread_join(t, NULL);
	EXPECT_EQ(0, l.err) TH_LOG("loop: %s", strerror(-l.err));
	ASSERT_TRUE(loop_counts(&self->log, ALWAYS, &ok, &epipe));
	EXPECT_LT(0, ok);
	EXPECT_GE(6, epipe);
	EXPECT_EQ(3, kmsg_count(&self->log, "elf-module " ALWAYS
				": restarting (signal 9)"));
	EXPECT_TRUE(module_live(ALWAYS));
	EXPECT_EQ(0, unload(ALWAYS));
}

TEST_HARNESS_MAIN
