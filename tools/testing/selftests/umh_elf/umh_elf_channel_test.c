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
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

/* The harness is not -Wextra clean; keep that out of this file's build. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "../kselftest_harness.h"
#pragma GCC diagnostic pop
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
#define DRIVER		"test_umh_elf"

#define DEBUGFS		"/sys/kernel/debug"
#define RUN_FILE	DEBUGFS "/" DRIVER "/run"

/* Largest request umh_elf_call() takes (ELF_MODULE_MSG_MAX). */
#define MSG_MAX		65536

/* Debian's kmod; busybox has applets of the same names in /bin. */
#define MODPROBE	"/sbin/modprobe"
#define RMMOD		"/sbin/rmmod"

/* Bounded waits: up to POLL_TRIES polls, POLL_US apart (5 s in all). */
#define POLL_TRIES	50
#define POLL_US		100000

/* Per test, in seconds: generous, as the guest is emulated. */
#define TEST_TIMEOUT	120

/* Evaluate @cond until it is true, for at most about 5 s; its last value. */
#define WAIT_UNTIL(cond) ({						\
	bool __met = false;						\
	int __try;							\
									\
	for (__try = 0; __try <= POLL_TRIES; __try++) {			\
		if (cond) {						\
			__met = true;					\
			break;						\
		}							\
		if (__try < POLL_TRIES)					\
			usleep(POLL_US);				\
	}								\
	__met;								\
})

/* The module syscalls, returning 0 or -errno. */

static int load_path(const char *path, const char *params)
{
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(__NR_finit_module, fd, params, 0) ? -errno : 0;
	close(fd);
	return ret;
}

/* Load the signed NAME.ko installed in /lib/modules. */
static int load_ko(const char *name, const char *params)
{
	char path[PATH_MAX];
	struct utsname u;

	if (uname(&u))
		snprintf(u.release, sizeof(u.release), "unknown");
	snprintf(path, sizeof(path), "/lib/modules/%s/extra/%s.ko", u.release,
		 name);
	return load_path(path, params);
}

static int unload(const char *name)
{
	return syscall(__NR_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

/* Files */

/*
 * Read a small text file into @buf, without its trailing newline.  Returns
 * the length, or -errno with @buf holding "<error: ...>".
 */
#define KMOD_LIMIT	"/proc/sys/kernel/kmod-limit"

/* Write @text to a sysfs or procfs file; 0 or -errno. */
static int write_text(const char *path, const char *text)
{
	ssize_t len = strlen(text), n;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	n = n == len ? 0 : n < 0 ? -errno : -EIO;
	close(fd);
	return n;
}

static int read_text(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		goto fail;
	n = read(fd, buf, size - 1);
	if (n < 0) {
		err = errno;
		close(fd);
		errno = err;
		goto fail;
	}
	close(fd);
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return n;
fail:
	err = errno;
	snprintf(buf, size, "<error: %s>", strerror(err));
	return -err;
}

/* /sys/module/@mod/@attr into @buf; returns @buf, "<error: ...>" if none. */
static const char *attr(const char *mod, const char *name, char *buf,
			size_t size)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/module/%s/%s", mod, name);
	read_text(path, buf, size);
	return buf;
}

/* The pid in /sys/module/@mod/elf/pid, or -1. */
static pid_t elf_pid(const char *mod)
{
	char buf[32];
	char *end;
	long pid;

	attr(mod, "elf/pid", buf, sizeof(buf));
	pid = strtol(buf, &end, 10);
	if (end == buf || *end || pid <= 0)
		return -1;
	return pid;
}

/* The test driver */

/*
 * Run a command of the test driver: 0, or the -errno its write() failed
 * with.
 */
static int __printf(1, 2) drv(const char *fmt, ...)
{
	char cmd[256];
	va_list ap;
	ssize_t n;
	int fd, len, err = 0;

	va_start(ap, fmt);
	len = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof(cmd))
		return -EINVAL;
	fd = open(RUN_FILE, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, cmd, len);
	if (n < 0)
		err = -errno;
	else if (n != len)
		err = -EIO;
	close(fd);
	return err;
}

/* Modules */

static bool module_listed(const char *name)
{
	char want[128];
	bool found = false;
	char *line = NULL;
	size_t size = 0;
	FILE *f;

	snprintf(want, sizeof(want), "%s ", name);
	f = fopen("/proc/modules", "re");
	if (!f)
		return false;
	while (getline(&line, &size, f) > 0)
		if (!strncmp(line, want, strlen(want))) {
			found = true;
			break;
		}
	free(line);
	fclose(f);
	return found;
}

static bool module_in_sysfs(const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return !access(path, F_OK);
}

static bool module_gone(const char *name)
{
	return !module_listed(name) && !module_in_sysfs(name);
}

/* Listed, in sysfs as "live", and its main process running. */
static bool module_live(const char *name)
{
	char buf[64];
	pid_t pid;

	if (!module_listed(name) ||
	    strcmp(attr(name, "initstate", buf, sizeof(buf)), "live"))
		return false;
	pid = elf_pid(name);
	return pid > 0 && !kill(pid, 0);
}

/* Processes */

/*
 * Find the processes whose comm is @comm and that have not exited yet
 * (zombies, processes on their way out and kernel threads do not count;
 * nor does this program).  Stores up to @max pids in @pids and returns
 * how many there are.
 */
static int find_procs(const char *comm, pid_t *pids, int max)
{
	struct stat self, exe;
	struct dirent *de;
	int count = 0;
	DIR *dir;

	if (stat("/proc/self/exe", &self))
		return -1;
	dir = opendir("/proc");
	if (!dir)
		return -1;
	while ((de = readdir(dir))) {
		char path[300], buf[512], *lp, *rp;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		if (read_text(path, buf, sizeof(buf)) <= 0)
			continue;
		/* "pid (comm) state ...": comm may hold spaces and ')'. */
		lp = strchr(buf, '(');
		rp = strrchr(buf, ')');
		if (!lp || !rp || rp < lp || !rp[1] || !rp[2])
			continue;
		*rp = '\0';
		if (strcmp(lp + 1, comm))
			continue;
		if (rp[2] == 'Z' || rp[2] == 'X' || rp[2] == 'x')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/exe", de->d_name);
		if (stat(path, &exe))
			continue;	/* exiting, or a kernel thread */
		if (exe.st_dev == self.st_dev && exe.st_ino == self.st_ino)
			continue;
		if (count < max)
			pids[count] = atoi(de->d_name);
		count++;
	}
	closedir(dir);
	return count;
}

static int count_procs(const char *comm)
{
	return find_procs(comm, NULL, 0);
}

static void kill_procs(const char *comm)
{
	pid_t pids[64];
	int i, n;

	n = find_procs(comm, pids, 64);
	for (i = 0; i < n && i < 64; i++)
		kill(pids[i], SIGKILL);
}

/* Kernel log */

/*
 * The messages logged to /dev/kmsg since the test began (records from
 * sequence number @start on), one a line, as collected so far by the
 * process that runs the test.
 */
struct kmsg {
	int fd;
	unsigned long long start;
	char *text;
	size_t len, size;
};

/*
 * Read the next record from @fd: its sequence number in *@seq, its
 * message (up to the first newline) in *@msg, NUL-terminated in @rec.
 * Returns false when there is none left.
 */
static bool kmsg_read(int fd, char *rec, size_t size, unsigned long long *seq,
		      char **msg)
{
	char *p, *end;
	ssize_t n;

	for (;;) {
		n = read(fd, rec, size - 1);
		if (n < 0 && (errno == EPIPE || errno == EINTR))
			continue;	/* records were overwritten: go on */
		if (n <= 0)
			return false;	/* EAGAIN: nothing more for now */
		rec[n] = '\0';
		/* "prio,seq,usec,flags;message\n" then " KEY=value" lines */
		p = strchr(rec, ',');
		*msg = strchr(rec, ';');
		if (!p || !*msg)
			continue;
		*seq = strtoull(p + 1, NULL, 10);
		(*msg)++;
		end = strchr(*msg, '\n');
		if (end)
			*end = '\0';
		return true;
	}
}

/* Start collecting: the records logged from now on. */
static int kmsg_open(struct kmsg *k)
{
	unsigned long long seq;
	char rec[8192], *msg;

	k->text = NULL;
	k->len = 0;
	k->size = 0;
	k->start = 0;
	k->fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (k->fd < 0)
		return -errno;
	/* Skip what is there, noting where the test's records begin. */
	while (kmsg_read(k->fd, rec, sizeof(rec), &seq, &msg))
		k->start = seq + 1;
	return 0;
}

static void kmsg_append(struct kmsg *k, const char *msg)
{
	size_t len = strlen(msg);
	char *p;

	if (k->len + len + 2 > k->size) {
		size_t size = (k->len + len + 2) * 2;

		p = realloc(k->text, size);
		if (!p)
			return;
		k->text = p;
		k->size = size;
	}
	memcpy(k->text + k->len, msg, len);
	k->len += len;
	k->text[k->len++] = '\n';
	k->text[k->len] = '\0';
}

/* Add the records logged since the last call. */
static void kmsg_collect(struct kmsg *k)
{
	unsigned long long seq;
	char rec[8192], *msg;

	if (k->fd < 0)
		return;
	while (kmsg_read(k->fd, rec, sizeof(rec), &seq, &msg))
		if (seq >= k->start)
			kmsg_append(k, msg);
}

/* How many messages since the test began contain @needle. */
static int kmsg_count(struct kmsg *k, const char *needle)
{
	const char *p;
	int count = 0;

	kmsg_collect(k);
	for (p = k->text; p && (p = strstr(p, needle)); count++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return count;
}

/* Wait a bounded time for a message containing @needle. */
static bool kmsg_wait(struct kmsg *k, const char *needle)
{
	return WAIT_UNTIL(kmsg_count(k, needle) > 0);
}

/*
 * Print the messages logged from record @start on.  Reads /dev/kmsg
 * afresh: it may run in another process than the one that collected.
 */
static void kmsg_dump(unsigned long long start)
{
	unsigned long long seq;
	char rec[8192], *msg;
	int fd;

	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return;
	fprintf(stderr, "# kernel log during the test:\n");
	while (kmsg_read(fd, rec, sizeof(rec), &seq, &msg))
		if (seq >= start)
			fprintf(stderr, "#   %s\n", msg);
	close(fd);
}

/* Commands */

static void read_memfd(int fd, char *buf, size_t size)
{
	ssize_t n;

	n = pread(fd, buf, size - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
}

/*
 * Run @path with the arguments that follow, up to a NULL; argv[0] is
 * @path.  Returns its exit status, or -1 if it could not be run or was
 * killed; when that is not 0 and !@quiet, logs what it wrote to stderr.
 */
static int __attribute__((sentinel))
run_cmd(struct __test_metadata *_metadata, bool quiet, const char *path, ...)
{
	char *argv[16], cmd[256], errbuf[1024];
	int outfd, errfd, status, ret = -1;
	size_t cmdlen = 0;
	va_list ap;
	pid_t pid;
	int argc = 0;

	argv[argc++] = (char *)path;
	va_start(ap, path);
	while (argc < 15 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;

	outfd = memfd_create("stdout", MFD_CLOEXEC);
	errfd = memfd_create("stderr", MFD_CLOEXEC);
	if (outfd < 0 || errfd < 0)
		goto out;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		goto out;
	if (!pid) {
		int null = open("/dev/null", O_RDONLY);

		if (null < 0 || dup2(null, 0) < 0 || dup2(outfd, 1) < 0 ||
		    dup2(errfd, 2) < 0)
			_exit(126);
		execv(path, argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		goto out;
	if (WIFEXITED(status))
		ret = WEXITSTATUS(status);
	if (ret && !quiet) {
		for (argc = 0; argv[argc] && cmdlen < sizeof(cmd); argc++)
			cmdlen += snprintf(cmd + cmdlen, sizeof(cmd) - cmdlen,
					   "%s%s", argc ? " " : "", argv[argc]);
		read_memfd(errfd, errbuf, sizeof(errbuf));
		cmdlen = strlen(errbuf);
		if (cmdlen && errbuf[cmdlen - 1] == '\n')
			errbuf[cmdlen - 1] = '\0';
		if (WIFSIGNALED(status))
			TH_LOG("%s: killed by signal %d", cmd, WTERMSIG(status));
		else
			TH_LOG("%s: exit status %d; stderr: %s", cmd, ret, errbuf);
	}
out:
	if (outfd >= 0)
		close(outfd);
	if (errfd >= 0)
		close(errfd);
	return ret;
}

#define run(...)	run_cmd(_metadata, false, __VA_ARGS__, NULL)
#define run_quiet(...)	run_cmd(_metadata, true, __VA_ARGS__, NULL)

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
	unsigned int i;

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
	for (i = 0; i < ARRAY_SIZE(test_modules); i++) {
		ASSERT_TRUE(module_gone(test_modules[i]))
			TH_LOG("%s is still loaded and will not unload",
			       test_modules[i]);
		ASSERT_EQ(0, count_procs(test_modules[i]))
			TH_LOG("processes named %s are left", test_modules[i]);
	}

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

/* Concurrent callers are served one at a time, each getting its reply. */
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

/* The module never replies: ETIMEDOUT, and it is stopped and unloaded. */
TEST_F_TIMEOUT(channel, never_replies, TEST_TIMEOUT)
{
	ASSERT_EQ(0, load_ko(MOD, "mode=silent"));
	ASSERT_TRUE(module_live(MOD));
	EXPECT_EQ(-ETIMEDOUT, drv("call " MOD " 16 500"));
	EXPECT_TRUE(WAIT_UNTIL(!module_listed(MOD)))
		TH_LOG("%s still loaded after its call timed out", MOD);
	EXPECT_TRUE(WAIT_UNTIL(module_gone(MOD)));
	EXPECT_TRUE(WAIT_UNTIL(count_procs(MOD) == 0));
	EXPECT_TRUE(kmsg_wait(&self->log,
			      "elf-module " MOD ": channel failed"));
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
