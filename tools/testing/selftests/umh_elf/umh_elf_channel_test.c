// SPDX-License-Identifier: GPL-2.0
/*
 * Tests for the in-kernel API of ELF modules (include/linux/umh_elf.h):
 * umh_elf_get(), umh_elf_call() and umh_elf_put(), and request_module() of
 * ELF modules.  They drive the test driver lib/test_umh_elf.c through
 * /sys/kernel/debug/test_umh_elf/run: a write() of a command returns its
 * length on success, or fails with the errno the command met.
 *
 * The ELF modules are test_module.c, built as umh_elf_echo.ko (an echo
 * server when loaded without parameters) and umh_elf_test.ko (exits at
 * once unless given a mode=).  The tests run as root and expect what the
 * project's test guest provides:
 *
 *	/lib/modules/$(uname -r)/extra/umh_elf_echo.ko		signed
 *	/lib/modules/$(uname -r)/extra/umh_elf_test.ko		signed
 *	/lib/modules/$(uname -r)/kernel/lib/test_umh_elf.ko	the driver
 *	/sbin/{modprobe,rmmod}	kmod, with depmod run
 *
 * Each test starts with neither ELF module loaded and no reference held
 * by the driver, and leaves things that way, also after a failed
 * assertion.  The kernel log of a failed test is printed with it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/elf_module.h>

/* The harness is not -Wextra clean; keep that out of this file's build. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "../kselftest_harness.h"
#pragma GCC diagnostic pop
#include "umh_elf_util.h"

/*
 * Every TEST_F() expands to a function in which gcc rightly warns that
 * "child" may be clobbered by longjmp(): the teardown is written to cope
 * with that (see FIXTURE_TEARDOWN_PARENT(channel)).
 */
#pragma GCC diagnostic ignored "-Wclobbered"

#define ECHO		"umh_elf_echo"
#define MOD		"umh_elf_test"
#define ECHO_ALIAS	"umh-elf-test-alias-" ECHO
#define NONEXISTENT	"umh_elf_nonexistent"

#define KMOD_LIMIT	"/proc/sys/kernel/kmod-limit"

/* Largest request umh_elf_call() takes (ELF_MODULE_MSG_MAX). */
#define MSG_MAX		65536
/* Most files one request carries (ELF_MODULE_FDS_MAX). */
#define FDS_MAX		8

/* The tags of test_module.c's answer(). */
#define TAG_NEVER	0xff
#define TAG_LATE	0xfe
#define TAG_ERROR	0xfd
#define TAG_BAD		0xfc
#define TAG_EVENTS	0xfb
#define TAG_STDOUT	0xfa
#define TAG_BIG		0xf9
#define TAG_CLOSE	0xf8
#define TAG_FLOOD	0xf7

/* Debian's kmod; busybox has applets of the same names in /bin. */
#define MODPROBE	"/sbin/modprobe"
#define RMMOD		"/sbin/rmmod"

/* Per test, in seconds: generous, as the guest is emulated. */
#define TEST_TIMEOUT	120

/* The environment of each test */

static const char * const test_modules[] = { ECHO, MOD };

/* Unload @name if it is loaded; whether it is gone now. */
static bool unload_gone(const char *name)
{
	if (module_listed(name))
		unload(name);
	return module_gone(name);
}

/*
 * Put things back the way a test expects to find them: no reference held
 * by the driver, the ELF modules unloaded, no processes of them left.
 * A module whose channel failed goes away by itself, a little later, and
 * meanwhile may refuse to unload: hence the retries.
 */
static void env_reset(void)
{
	unsigned int i;

	drv("release");
	for (i = 0; i < ARRAY_SIZE(test_modules); i++)
		WAIT_UNTIL(unload_gone(test_modules[i]));
	for (i = 0; i < ARRAY_SIZE(test_modules); i++) {
		kill_procs(test_modules[i]);
		WAIT_UNTIL(count_procs(test_modules[i]) <= 0);
	}
}

FIXTURE(channel) {
	struct kmsg log;
};

FIXTURE_SETUP(channel)
{
	const char *left;

	self->log.fd = -1;
	self->log.text = NULL;
	self->log.start = 0;
	if (geteuid())
		SKIP(return, "must be run as root");

	ASSERT_EQ(0, run(MODPROBE, DRIVER))
		TH_LOG("cannot load %s: is CONFIG_TEST_UMH_ELF=m?", DRIVER);
	if (access(RUN_FILE, F_OK))
		mount("debugfs", DEBUGFS, "debugfs", 0, NULL);
	ASSERT_EQ(0, access(RUN_FILE, W_OK))
		TH_LOG("%s: %s", RUN_FILE, strerror(errno));

	env_reset();
	left = first_loaded(test_modules, ARRAY_SIZE(test_modules));
	ASSERT_TRUE(!left)
		TH_LOG("%s is still loaded and will not unload", left);
	left = first_with_procs(test_modules, ARRAY_SIZE(test_modules));
	ASSERT_TRUE(!left)
		TH_LOG("processes named %s are left", left);

	ASSERT_EQ(0, kmsg_open(&self->log))
		TH_LOG("/dev/kmsg: %s", strerror(errno));
}

/*
 * FIXTURE_TEARDOWN_PARENT(): at -O2 the harness's own teardown is skipped
 * after a failed ASSERT (its "child" variable does not survive the
 * longjmp()), whereas this one runs either way, in the test process or in
 * its parent.  So it must not use what the test process allocated or
 * opened: of the fixture data it reads only the kmsg start.
 */
FIXTURE_TEARDOWN_PARENT(channel)
{
	if (_metadata->exit_code == KSFT_FAIL)
		kmsg_dump(self->log.start);
	env_reset();
}

/* Requests of every size up to the limit come back intact; one more fails. */
TEST_F_TIMEOUT(channel, round_trip_sizes, TEST_TIMEOUT)
{
	static const unsigned int sizes[] = {
		0, 1, 64, 4095, 4096, MSG_MAX - 1, MSG_MAX,
	};
	unsigned int i;
	int ret;

	ASSERT_EQ(0, load_ko(ECHO, ""));
	ASSERT_TRUE(module_live(ECHO));
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		ret = drv("echo " ECHO " 1 4 %u 10000", sizes[i]);
		EXPECT_EQ(0, ret)
			TH_LOG("size %u: %s", sizes[i], strerror(-ret));
	}
	EXPECT_EQ(-EMSGSIZE, drv("echo " ECHO " 1 4 %u 10000", MSG_MAX + 1));
	/* A request refused for its size leaves the channel in step. */
	EXPECT_EQ(0, drv("echo " ECHO " 1 1 16 10000"));
	EXPECT_TRUE(module_live(ECHO));
	EXPECT_EQ(1, count_procs(ECHO));
}

/* Concurrent callers are in flight together, each getting its own reply. */
TEST_F_TIMEOUT(channel, sixteen_threads, TEST_TIMEOUT)
{
	ASSERT_EQ(0, load_ko(ECHO, ""));
	ASSERT_TRUE(module_live(ECHO));
	EXPECT_EQ(0, drv("echo " ECHO " 16 50 256 20000"));
	EXPECT_TRUE(module_live(ECHO));
	EXPECT_EQ(1, count_procs(ECHO));
	EXPECT_EQ(1, kmsg_count(&self->log, "elf-module " ECHO ": started"));
}

/* The module dies on the request: EPIPE, and it is unloaded. */
TEST_F_TIMEOUT(channel, killed_mid_call, TEST_TIMEOUT)
{
	ASSERT_EQ(0, load_ko(MOD, "mode=die"));
	ASSERT_TRUE(module_live(MOD));
	EXPECT_EQ(-EPIPE, drv("call " MOD " 16 10000"));
	ASSERT_TRUE(WAIT_UNTIL(!module_listed(MOD)))
		TH_LOG("%s still loaded after it died", MOD);
	EXPECT_TRUE(WAIT_UNTIL(module_gone(MOD)));
	EXPECT_TRUE(kmsg_wait(&self->log,
			      "elf-module " MOD ": stopped (exit 3)"));
	/*
	 * Not loaded any more: request_module() loads it without
	 * parameters, it exits 0 at once, and nothing is left to call.
	 */
	EXPECT_EQ(-ENOENT, drv("call " MOD " 16 1000"));
	EXPECT_TRUE(WAIT_UNTIL(module_gone(MOD)));
	EXPECT_TRUE(WAIT_UNTIL(count_procs(MOD) == 0));
}

/*
 * The module reads requests and never answers: each caller times out on
 * its own, and the module, which broke no rule, runs on.
 */
TEST_F_TIMEOUT(channel, never_replies, TEST_TIMEOUT)
{
	ASSERT_EQ(0, load_ko(MOD, "mode=silent"));
	ASSERT_TRUE(module_live(MOD));
	EXPECT_EQ(-ETIMEDOUT, drv("echo " MOD " 8 1 16 500"));
	EXPECT_TRUE(module_live(MOD));
	EXPECT_EQ(1, count_procs(MOD));
	EXPECT_EQ(0, kmsg_count(&self->log, "elf-module " MOD ": channel"));
}

/*
 * The module never reads its channel at all: no caller waits past its
 * timeout, however many there are.
 */
TEST_F_TIMEOUT(channel, module_never_reads, TEST_TIMEOUT)
{
	ASSERT_EQ(0, load_ko(MOD, "mode=ready"));
	ASSERT_TRUE(module_live(MOD));
	EXPECT_EQ(-ETIMEDOUT, drv("echo " MOD " 32 1 4096 300"));
	EXPECT_TRUE(module_live(MOD));
}

/* Replies in reverse order still reach the caller that asked. */
TEST_F_TIMEOUT(channel, replies_in_any_order, TEST_TIMEOUT)
{
	ASSERT_EQ(0, load_ko(MOD, "mode=echo batch=8"));
	ASSERT_TRUE(module_live(MOD));
	EXPECT_EQ(0, drv("echo " MOD " 8 4 100 20000"));
	EXPECT_TRUE(module_live(MOD));
}

/*
 * A caller that times out abandons its own request only: the module and
 * the next caller go on, and the late reply is counted and dropped.
 */
TEST_F_TIMEOUT(channel, timeout_abandons_own_request, TEST_TIMEOUT)
{
	char buf[32];

	ASSERT_EQ(0, load_ko(ECHO, ""));
	EXPECT_EQ(-ETIMEDOUT, drv("tagged " ECHO " %d 0 200", TAG_LATE));
	EXPECT_EQ(0, drv("call " ECHO " 16 10000"));
	EXPECT_TRUE(WAIT_UNTIL(!strcmp(attr(ECHO, "elf/dropped_replies", buf,
					    sizeof(buf)), "1")))
		TH_LOG("dropped_replies: %s", buf);
	EXPECT_EQ(-ETIMEDOUT, drv("tagged " ECHO " %d 0 200", TAG_NEVER));
	EXPECT_EQ(0, drv("echo " ECHO " 4 10 64 10000"));
	EXPECT_TRUE(module_live(ECHO));
	EXPECT_EQ(1, count_procs(ECHO));
	EXPECT_EQ(0, kmsg_count(&self->log, "elf-module " ECHO ": channel"));
}

/*
 * A module that receives into pages it has not touched yet and answers
 * from pages of a file it has not faulted in: each copy, made with page
 * faults off, comes up short; the module's own call faults the pages in
 * and the copy is made again.  Every byte arrives, the module goes on.
 */
TEST_F_TIMEOUT(channel, buffers_not_mapped_yet, TEST_TIMEOUT)
{
	ASSERT_EQ(0, load_ko(ECHO, "fresh=1"));
	EXPECT_EQ(0, drv("echo " ECHO " 1 3 %d 10000", MSG_MAX));
	EXPECT_EQ(0, drv("echo " ECHO " 1 3 5000 10000"));
	EXPECT_EQ(0, drv("echo " ECHO " 4 5 4096 10000"));
	EXPECT_EQ(0, drv("call " ECHO " 0 10000"));
	EXPECT_TRUE(module_live(ECHO));
	EXPECT_EQ(1, count_procs(ECHO));
	EXPECT_EQ(0, kmsg_count(&self->log, "elf-module " ECHO ": channel"));
}

/* A reply longer than the caller's buffer: EMSGSIZE to it, nothing else. */
TEST_F_TIMEOUT(channel, reply_too_long_for_caller, TEST_TIMEOUT)
{
	ASSERT_EQ(0, load_ko(ECHO, ""));
	EXPECT_EQ(-EMSGSIZE, drv("tagged " ECHO " %d 0 10000", TAG_BIG));
	EXPECT_EQ(0, drv("call " ECHO " 16 10000"));
	EXPECT_TRUE(module_live(ECHO));
	EXPECT_EQ(0, kmsg_count(&self->log, "elf-module " ECHO ": channel"));
}

/* The module answers with an errno: that caller gets it. */
TEST_F_TIMEOUT(channel, error_reply, TEST_TIMEOUT)
{
	ASSERT_EQ(0, load_ko(ECHO, ""));
	EXPECT_EQ(-EDOM, drv("tagged " ECHO " %d 0 10000", TAG_ERROR));
	EXPECT_EQ(0, drv("call " ECHO " 16 10000"));
}

/*
 * Each way of breaking the wire format: the caller gets EPIPE, one log
 * line says why, and the module is stopped and unloaded.
 */
TEST_F_TIMEOUT(channel, bad_message_stops_module, TEST_TIMEOUT)
{
	static const char * const why[] = {
		"unknown message type",
		"message shorter than a header",
		"length does not match the write",
		"flags or files in a message to the kernel",
		"error of bad length",
		"event with an id",
		"message longer than the maximum",
	};
	char line[160];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(why); i++) {
		snprintf(line, sizeof(line),
			 "elf-module %s: channel: %s, stopping it", ECHO, why[i]);
		ASSERT_EQ(0, load_ko(ECHO, ""));
		EXPECT_EQ(-EPIPE, drv("tagged " ECHO " %d %u 10000", TAG_BAD,
				      i));
		EXPECT_TRUE(kmsg_wait(&self->log, line)) TH_LOG("%s", why[i]);
		EXPECT_TRUE(WAIT_UNTIL(module_gone(ECHO)));
		EXPECT_TRUE(WAIT_UNTIL(count_procs(ECHO) == 0));
		EXPECT_EQ(i + 1, kmsg_count(&self->log,
					    "elf-module " ECHO ": channel"));
		EXPECT_EQ(i + 1, kmsg_count(&self->log, "elf-module " ECHO
					    ": stopped (signal 9)"));
	}
}

/* Events go to the handler the kernel user set, or are counted. */
TEST_F_TIMEOUT(channel, events, TEST_TIMEOUT)
{
	char buf[32];

	ASSERT_EQ(0, load_ko(ECHO, ""));
	EXPECT_EQ(0, drv("events " ECHO " 5 10000"));
	EXPECT_STREQ("0", attr(ECHO, "elf/dropped_events", buf, sizeof(buf)));
	EXPECT_EQ(0, drv("tagged " ECHO " %d 3 10000", TAG_EVENTS));
	EXPECT_STREQ("3", attr(ECHO, "elf/dropped_events", buf, sizeof(buf)));
	EXPECT_STREQ("0", attr(ECHO, "elf/dropped_replies", buf, sizeof(buf)));
}

/* Files sent with a request arrive as fds that read what they hold. */
TEST_F_TIMEOUT(channel, files, TEST_TIMEOUT)
{
	ASSERT_EQ(0, load_ko(ECHO, ""));
	EXPECT_EQ(0, drv("files " ECHO " 1 10000"));
	EXPECT_EQ(0, drv("files " ECHO " %d 10000", FDS_MAX));
	EXPECT_EQ(-EMSGSIZE, drv("files " ECHO " %d 10000", FDS_MAX + 1));
	EXPECT_EQ(0, drv("files " ECHO " 2 10000"));
	/* It closed them: the module holds none of them now. */
	EXPECT_EQ(0, count_fds(elf_pid(ECHO), "test_umh_elf"));
	EXPECT_TRUE(module_live(ECHO));
}

/* A printf() to stdout lands in the kernel log and breaks nothing. */
TEST_F_TIMEOUT(channel, stdout_goes_to_log, TEST_TIMEOUT)
{
	ASSERT_EQ(0, load_ko(ECHO, ""));
	EXPECT_EQ(0, drv("tagged " ECHO " %d 0 10000", TAG_STDOUT));
	EXPECT_TRUE(kmsg_wait(&self->log, ECHO ": stray line on stdout"));
	EXPECT_EQ(0, drv("call " ECHO " 16 10000"));
}

/* A module that serves from several threads: each call gets its reply. */
TEST_F_TIMEOUT(channel, served_by_threads, TEST_TIMEOUT)
{
	ASSERT_EQ(0, load_ko(MOD, "mode=echo threads=4"));
	EXPECT_EQ(0, drv("echo " MOD " 16 20 256 20000"));
	EXPECT_EQ(0, drv("echo " MOD " 1 20 64 20000"));
	EXPECT_TRUE(module_live(MOD));
}

/* daemon(3) points fds 0-2 at /dev/null: the channel stays. */
TEST_F_TIMEOUT(channel, survives_daemon, TEST_TIMEOUT)
{
	ASSERT_EQ(0, load_ko(MOD, "mode=echo daemon=1"));
	EXPECT_EQ(0, drv("echo " MOD " 2 4 64 10000"));
	EXPECT_EQ(1, count_procs(MOD));
}

/*
 * The module closes fd 4 while a call waits for its answer: that call
 * and every later one fail with EPIPE at once.  The module broke no rule
 * of the wire format: it runs on, unstopped and unlogged, until rmmod.
 */
TEST_F_TIMEOUT(channel, module_closes_channel, TEST_TIMEOUT)
{
	long long t0, ms;

	ASSERT_EQ(0, load_ko(ECHO, ""));
	EXPECT_EQ(-EPIPE, drv("tagged " ECHO " %d 0 10000", TAG_CLOSE));
	t0 = now_ms();
	EXPECT_EQ(-EPIPE, drv("call " ECHO " 16 10000"));
	EXPECT_EQ(-EPIPE, drv("echo " ECHO " 4 2 64 10000"));
	ms = now_ms() - t0;
	EXPECT_LT(ms, 3000) TH_LOG("calls on a closed channel took %lld ms", ms);
	EXPECT_TRUE(module_live(ECHO));
	EXPECT_EQ(1, count_procs(ECHO));
	EXPECT_EQ(0, kmsg_count(&self->log, "elf-module " ECHO ": channel"));
	EXPECT_EQ(0, unload(ECHO));
	EXPECT_TRUE(module_gone(ECHO));
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " ECHO ": stopped (rmmod)"));
}

/* SUnreclaim + VmallocUsed of /proc/meminfo, in KiB; -1 if unknown. */
static long long kernel_kib(void)
{
	long long slab = meminfo_kib("SUnreclaim");
	long long vmalloc = meminfo_kib("VmallocUsed");

	return slab < 0 || vmalloc < 0 ? -1 : slab + vmalloc;
}

/*
 * A flood of events nobody takes: each is counted and dropped, the
 * module's caller gets its answer after them, and the kernel keeps no
 * memory of them (40000 events of 64 bytes would hold over 2 MiB).
 * Under KASAN (make check-debug) freed memory waits in its quarantine
 * and still counts, so the memory bound is read only without it.
 */
TEST_F_TIMEOUT(channel, event_flood, TEST_TIMEOUT)
{
	long long before, after;
	char buf[32];

	ASSERT_EQ(0, load_ko(ECHO, ""));
	ASSERT_EQ(0, drv("echo " ECHO " 1 4 64 10000"));
	before = kernel_kib();
	ASSERT_LT(0, before);
	EXPECT_EQ(0, drv("tagged " ECHO " %d 40 100000", TAG_FLOOD));
	EXPECT_STREQ("40000", attr(ECHO, "elf/dropped_events", buf,
				   sizeof(buf)));
	EXPECT_EQ(0, drv("call " ECHO " 16 10000"));
	after = kernel_kib();
	if (kmsg_since_boot("KernelAddressSanitizer initialized"))
		TH_LOG("KASAN: kernel memory grew by %lld KiB, quarantine included: not checked",
		       after - before);
	else
		EXPECT_LT(after - before, 1024)
			TH_LOG("kernel memory grew by %lld KiB",
			       after - before);
	EXPECT_TRUE(module_live(ECHO));
	EXPECT_EQ(0, kmsg_count(&self->log, "elf-module " ECHO ": channel"));
}

/* The state letter of /proc/@pid/stat, or 0. */
static char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_text(path, buf, sizeof(buf)) <= 0)
		return 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

/* One message of the channel, as the module receives or sends it. */
struct chan_msg {
	struct elf_module_msg_hdr hdr;
	char payload[64];
};

/* ELF_MODULE_IOC_RECV on @fd into @m: what the ioctl returns, or -errno. */
static int chan_recv(int fd, struct chan_msg *m, __u32 flags)
{
	struct elf_module_recv r;
	int n;

	memset(&r, 0, sizeof(r));
	r.buf = (unsigned long)m;
	r.size = sizeof(*m);
	r.flags = flags;
	n = ioctl(fd, ELF_MODULE_IOC_RECV, &r);
	return n < 0 ? -errno : n;
}

/*
 * A process that takes a copy of fd 4 with pidfd_getfd() (which needs
 * ptrace rights over the module; root has them) holds the module's end
 * of the channel: it receives requests and its answers reach the
 * callers, as the module's would, and the kernel cannot tell the two
 * apart.  It becomes no part of the module, and the module goes on.
 * Once the module is gone, the copy reads end of file and writes fail.
 */
TEST_F_TIMEOUT(channel, channel_fd_taken_by_another_process, TEST_TIMEOUT)
{
	struct chan_msg m;
	struct pollfd p;
	int pidfd, fd, status;
	pid_t pid, child;

	ASSERT_EQ(0, load_ko(ECHO, ""));
	pid = elf_pid(ECHO);
	ASSERT_GT(pid, 0);
	pidfd = syscall(SYS_pidfd_open, pid, 0);
	ASSERT_LE(0, pidfd);
	fd = syscall(SYS_pidfd_getfd, pidfd, ELF_MODULE_CHANNEL_FD, 0);
	close(pidfd);
	ASSERT_LE(0, fd) TH_LOG("pidfd_getfd(): %s", strerror(errno));

	/* The module stopped, the request can only go to the copy. */
	ASSERT_EQ(0, kill(pid, SIGSTOP));
	ASSERT_TRUE(WAIT_UNTIL(proc_state(pid) == 'T'));
	child = fork();
	ASSERT_LE(0, child);
	if (!child)
		_exit(-drv("call " ECHO " 16 10000"));
	p.fd = fd;
	p.events = POLLIN;
	ASSERT_EQ(1, poll(&p, 1, 10000));
	ASSERT_EQ((int)sizeof(m.hdr) + 16,
		  chan_recv(fd, &m, ELF_MODULE_RECV_NONBLOCK));
	EXPECT_EQ(ELF_MODULE_MSG_REQUEST, m.hdr.type);
	m.hdr.type = ELF_MODULE_MSG_REPLY;
	memset(m.payload, 'x', 16);
	EXPECT_EQ((ssize_t)sizeof(m.hdr) + 16,
		  write(fd, &m, sizeof(m.hdr) + 16));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	/* The caller got the copy's answer, which is no echo of its request. */
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == EBADMSG)
		TH_LOG("the caller's call ended with %d", WEXITSTATUS(status));

	ASSERT_EQ(0, kill(pid, SIGCONT));
	EXPECT_EQ(0, drv("call " ECHO " 16 10000"));
	EXPECT_TRUE(module_live(ECHO));
	EXPECT_EQ(1, count_procs(ECHO));
	EXPECT_EQ(0, kmsg_count(&self->log, "elf-module " ECHO ": channel"));

	EXPECT_EQ(0, unload(ECHO));
	EXPECT_TRUE(module_gone(ECHO));
	EXPECT_TRUE(WAIT_UNTIL(chan_recv(fd, &m, ELF_MODULE_RECV_NONBLOCK) == 0));
	m.hdr.id = 0;
	m.hdr.type = ELF_MODULE_MSG_EVENT;
	EXPECT_EQ(-1, write(fd, &m, sizeof(m.hdr) + 16));
	EXPECT_EQ(EPIPE, errno);
	close(fd);
}

/* A reference from umh_elf_get() keeps the module from being removed. */
TEST_F_TIMEOUT(channel, rmmod_while_held, TEST_TIMEOUT)
{
	char buf[64];
	pid_t pid;
	int ret;

	ASSERT_EQ(0, load_ko(ECHO, ""));
	ASSERT_TRUE(module_live(ECHO));
	pid = elf_pid(ECHO);
	ASSERT_EQ(0, drv("hold " ECHO));
	EXPECT_STREQ("1", attr(ECHO, "refcnt", buf, sizeof(buf)));

	ret = unload(ECHO);
	EXPECT_TRUE(ret == -EWOULDBLOCK || ret == -EBUSY)
		TH_LOG("delete_module returned %d (%s)", ret, strerror(-ret));
	EXPECT_NE(0, run_quiet(RMMOD, ECHO));
	EXPECT_TRUE(module_live(ECHO));
	EXPECT_EQ(pid, elf_pid(ECHO));

	ASSERT_EQ(0, drv("release"));
	EXPECT_STREQ("0", attr(ECHO, "refcnt", buf, sizeof(buf)));
	EXPECT_EQ(0, unload(ECHO));
	EXPECT_TRUE(WAIT_UNTIL(module_gone(ECHO)));
}

TEST_F_TIMEOUT(channel, no_such_module, TEST_TIMEOUT)
{
	EXPECT_EQ(-ENOENT, drv("get " NONEXISTENT));
	EXPECT_TRUE(module_gone(NONEXISTENT));
}

/* umh_elf_get() of a module not loaded loads it by its name. */
TEST_F_TIMEOUT(channel, on_demand_by_name, TEST_TIMEOUT)
{
	char buf[64];

	ASSERT_TRUE(module_gone(ECHO));
	EXPECT_EQ(0, drv("echo " ECHO " 1 1 8 10000"));
	ASSERT_TRUE(module_listed(ECHO));
	EXPECT_TRUE(module_live(ECHO));
	EXPECT_STREQ("0", attr(ECHO, "refcnt", buf, sizeof(buf)));
	EXPECT_EQ(1, count_procs(ECHO));
	EXPECT_EQ(1, kmsg_count(&self->log, "elf-module " ECHO ": started"));
}

/*
 * umh_elf_get() of an alias the module declares (as a driver passes a
 * modalias) loads it and finds it, loaded or not.
 */
TEST_F_TIMEOUT(channel, on_demand_by_alias, TEST_TIMEOUT)
{
	char buf[64];

	ASSERT_TRUE(module_gone(ECHO));
	EXPECT_EQ(0, drv("echo " ECHO_ALIAS " 1 1 8 10000"));
	ASSERT_TRUE(module_listed(ECHO));
	EXPECT_EQ(0, drv("echo " ECHO_ALIAS " 2 2 8 10000"));
	EXPECT_EQ(0, drv("echo umh_elf_test_alias_" ECHO " 1 1 8 10000"));
	EXPECT_STREQ("0", attr(ECHO, "refcnt", buf, sizeof(buf)));
	EXPECT_EQ(1, count_procs(ECHO));
	EXPECT_EQ(1, kmsg_count(&self->log, "elf-module " ECHO ": started"));
	EXPECT_EQ(-ENOENT, drv("get umh-elf-test-alias-nothing"));
}

/* request_module() of an alias returns 0 once the module is ready. */
TEST_F_TIMEOUT(channel, request_module_alias, TEST_TIMEOUT)
{
	ASSERT_TRUE(module_gone(ECHO));
	EXPECT_EQ(0, drv("request " ECHO_ALIAS " 1"));
	ASSERT_TRUE(module_listed(ECHO));
	EXPECT_TRUE(module_live(ECHO));
	EXPECT_EQ(1, count_procs(ECHO));
}

/* Many request_module() calls at once start the module once. */
/*
 * 100 callers at once: all get 0, one process starts.  The kmod-limit
 * sysctl is raised so that all 100 run modprobe at once rather than wait
 * for a slot, which on a slow (debug, emulated) kernel can take longer
 * than request_module()'s 5 s.
 */
TEST_F_TIMEOUT(channel, hundred_concurrent_requests, TEST_TIMEOUT)
{
	char limit[32] = "";

	ASSERT_TRUE(module_gone(ECHO));
	if (read_text(KMOD_LIMIT, limit, sizeof(limit)) > 0)
		EXPECT_EQ(0, write_text(KMOD_LIMIT, "128"));
	EXPECT_EQ(0, drv("request " ECHO " 100"));
	if (limit[0])
		EXPECT_EQ(0, write_text(KMOD_LIMIT, limit));
	EXPECT_TRUE(module_listed(ECHO));
	EXPECT_TRUE(module_live(ECHO));
	EXPECT_EQ(1, kmsg_count(&self->log, "elf-module " ECHO ": started"));
	EXPECT_EQ(1, count_procs(ECHO));
}

TEST_HARNESS_MAIN
