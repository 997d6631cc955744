// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of a PCI driver in user space (Documentation/admin-guide/
 * elf-modules.rst, "Drivers in user space"): QEMU's edu device, bound by
 * the kernel glue samples/umh_elf/edu_glue.c (umh_sample_edu_glue.ko),
 * driven by the ELF module samples/umh_elf/edu_driver.c
 * (umh_sample_edu.ko), which the glue finds by the device's modalias and
 * hands BAR 0 and the device's interrupts to.  Users compute n! on the
 * device through /dev/edu0: write n, read n!.
 *
 * The tests run as root in a guest booted with -device edu and expect:
 *
 *	/lib/modules/$(uname -r)/kernel/samples/umh_elf/umh_sample_edu{,_glue}.ko
 *		installed and signed by modules_install, indexed by depmod
 *	/opt/umh_elf/umh_sample_edu.unsigned.ko	the ELF module, unsigned
 *	/sbin/{modprobe,rmmod}	kmod
 *
 * The same program runs again in the boot with module.sig_enforce=1: the
 * signed modules work there as well, and the unsigned driver is refused
 * (that test is skipped in the other boot).  Each test
 * starts with neither module loaded and leaves things that way, also
 * after a failed assertion.  The kernel log of a failed test is printed
 * with it.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <linux/types.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
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
#include "umh_elf_util.h"

#pragma GCC diagnostic ignored "-Wclobbered"

#define GLUE		"umh_sample_edu_glue"
#define DRV		"umh_sample_edu"
#define DEV		"/dev/edu0"
#define UNSIGNED_KO	"/opt/umh_elf/" DRV ".unsigned.ko"
#define PCI_DEVICES	"/sys/bus/pci/devices/"
#define EDU_ID		"0x10000ed"	/* the id register of QEMU's edu */

#define MODPROBE	"/sbin/modprobe"
#define RMMOD		"/sbin/rmmod"

#define TEST_TIMEOUT	120

/* n! modulo 2^32, as the device computes it. */
static __u32 soft_fact(__u32 n)
{
	__u32 v = 1;

	while (n > 1)
		v *= n--;
	return v;
}

/* The edu device: its sysfs folder into @dir; false if there is none. */
static bool find_edu(char *dir, size_t size)
{
	char path[PATH_MAX], vendor[16], device[16];
	struct dirent *d;
	bool found = false;
	DIR *dp;

	dp = opendir(PCI_DEVICES);
	if (!dp)
		return false;
	while (!found && (d = readdir(dp))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), PCI_DEVICES "%s/vendor", d->d_name);
		read_text(path, vendor, sizeof(vendor));
		snprintf(path, sizeof(path), PCI_DEVICES "%s/device", d->d_name);
		read_text(path, device, sizeof(device));
		if (!strcmp(vendor, "0x1234") && !strcmp(device, "0x11e8")) {
			snprintf(dir, size, PCI_DEVICES "%s", d->d_name);
			found = true;
		}
	}
	closedir(dp);
	return found;
}

/* A file of the device's sysfs folder @dir into @buf. */
static const char *dev_attr(const char *dir, const char *name, char *buf,
			    size_t size)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	read_text(path, buf, size);
	return buf;
}

/* A number in the device's sysfs folder @dir; -1 if it cannot be read. */
static long dev_num(const char *dir, const char *name)
{
	char buf[32], path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (read_text(path, buf, sizeof(buf)) <= 0)
		return -1;
	return strtol(buf, NULL, 10);
}

/* The driver the device is bound to ("" if none) into @buf. */
static const char *bound_to(const char *dir, char *buf, size_t size)
{
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/driver", dir);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	snprintf(buf, size, "%s", n > 0 ? strrchr(link, '/') + 1 : "");
	return buf;
}

/* Does a line of @path contain @needle? */
static bool file_has(const char *path, const char *needle)
{
	size_t len;
	char *text = read_all(path, &len);
	bool found;

	if (!text)
		return false;
	found = memmem(text, len, needle, strlen(needle));
	free(text);
	return found;
}

/* Does process @pid map a file named @name, or hold an fd to one? */
static bool proc_maps_has(pid_t pid, const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	return file_has(path, name);
}

static bool proc_fd_has(pid_t pid, const char *name)
{
	char path[PATH_MAX], link[PATH_MAX];
	struct dirent *d;
	bool found = false;
	ssize_t n;
	DIR *dp;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	dp = opendir(path);
	if (!dp)
		return false;
	while (!found && (d = readdir(dp))) {
		snprintf(path, sizeof(path), "/proc/%d/fd/%s", pid, d->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n > 0) {
			link[n] = '\0';
			found = strstr(link, name);
		}
	}
	closedir(dp);
	return found;
}

/*
 * Open /proc/@pid/map_files/ of the mapping of the file named @name:
 * an fd (closed again) or -errno; -ENOENT if there is no such mapping.
 */
static int open_map_file(pid_t pid, const char *name)
{
	char path[PATH_MAX], *line = NULL;
	unsigned long start, end;
	int fd, ret = -ENOENT;
	size_t size = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (ret == -ENOENT && getline(&line, &size, f) > 0) {
		if (!strstr(line, name) ||
		    sscanf(line, "%lx-%lx", &start, &end) != 2)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/map_files/%lx-%lx",
			 pid, start, end);
		fd = open(path, O_RDWR | O_CLOEXEC);
		ret = fd < 0 ? -errno : 0;
		if (fd >= 0)
			close(fd);
	}
	free(line);
	fclose(f);
	return ret;
}

/* n! through /dev/edu0 on the open file @fd: 0 and *@value, or -errno. */
static int edu_fact(int fd, unsigned int n, __u32 *value)
{
	char buf[32];
	ssize_t len;

	len = snprintf(buf, sizeof(buf), "%u\n", n);
	if (write(fd, buf, len) != len)
		return -errno;
	len = read(fd, buf, sizeof(buf) - 1);
	if (len <= 0)
		return len ? -errno : -ENODATA;
	buf[len] = '\0';
	*value = strtoul(buf, NULL, 10);
	return 0;
}

/* Open /dev/edu0 and compute n!: 0 and *@value, or -errno. */
static int edu_fact_once(unsigned int n, __u32 *value)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = edu_fact(fd, n, value);
	close(fd);
	return ret;
}

/* The ELF module has the device: its STATUS= line says so. */
static bool has_device(void)
{
	char buf[128];

	return !strcmp(attr(DRV, "elf/status", buf, sizeof(buf)),
		       "driving edu device " EDU_ID);
}

static bool unload_gone(const char *name)
{
	if (module_listed(name))
		unload(name);
	return module_gone(name);
}

/* Neither module loaded, no process of the driver left. */
static void env_reset(void)
{
	WAIT_UNTIL(unload_gone(GLUE));
	WAIT_UNTIL(unload_gone(DRV));
	kill_procs(DRV);
	WAIT_UNTIL(count_procs(DRV) <= 0);
}

static bool enforce_boot(void)
{
	char cmdline[4096];

	read_text("/proc/cmdline", cmdline, sizeof(cmdline));
	return strstr(cmdline, "module.sig_enforce=1");
}

FIXTURE(edu) {
	struct kmsg log;
	char dir[PATH_MAX];
	char modalias[128];
};

FIXTURE_SETUP(edu)
{
	self->log.fd = -1;
	self->log.text = NULL;
	self->log.start = 0;
	if (geteuid())
		SKIP(return, "must be run as root");
	ASSERT_TRUE(find_edu(self->dir, sizeof(self->dir)))
		TH_LOG("no edu device: boot QEMU with -device edu");
	dev_attr(self->dir, "modalias", self->modalias,
		 sizeof(self->modalias));
	env_reset();
	ASSERT_FALSE(module_listed(GLUE));
	ASSERT_FALSE(module_listed(DRV));
	ASSERT_EQ(0, kmsg_open(&self->log))
		TH_LOG("/dev/kmsg: %s", strerror(errno));
}

FIXTURE_TEARDOWN_PARENT(edu)
{
	if (_metadata->exit_code == KSFT_FAIL)
		kmsg_dump(self->log.start);
	env_reset();
}

/* Coldplug, as udev would do it: modprobe of the device's modalias. */
static void coldplug(struct __test_metadata *_metadata, const char *modalias)
{
	ASSERT_EQ(0, run(MODPROBE, modalias));
	ASSERT_TRUE(WAIT_UNTIL(module_live(DRV) && has_device()))
		TH_LOG("%s did not take the device", DRV);
}

#define COLDPLUG()	coldplug(_metadata, self->modalias)

/*
 * modprobe of the device's modalias loads the glue and the ELF module,
 * which both declare the alias; the glue binds the device and hands it
 * to the ELF module, which drives it without root, without capabilities,
 * through the BAR file and the eventfd alone.
 */
TEST_F_TIMEOUT(edu, comes_up_by_modalias, TEST_TIMEOUT)
{
	char buf[256], want[64], lsmod[4096];
	char *status;
	size_t len;
	pid_t pid;

	ASSERT_EQ(0, strncmp(self->modalias, "pci:v00001234d000011E8sv", 24))
		TH_LOG("modalias %s", self->modalias);
	COLDPLUG();
	EXPECT_STREQ(GLUE, bound_to(self->dir, buf, sizeof(buf)));
	EXPECT_TRUE(kmsg_wait(&self->log,
			      "handed to its driver in user space (id " EDU_ID ")"));
	EXPECT_TRUE(kmsg_wait(&self->log, DRV ": driving edu device 1.0"));
	EXPECT_EQ(0, access(DEV, R_OK | W_OK));

	/* lsmod lists both; elf/pids is the driver's one process. */
	ASSERT_EQ(0, run_cmd(_metadata, false, lsmod, sizeof(lsmod),
			     "/sbin/lsmod", NULL));
	EXPECT_TRUE(!!strstr(lsmod, "\n" DRV " ")) TH_LOG("lsmod: %s", lsmod);
	EXPECT_TRUE(!!strstr(lsmod, "\n" GLUE " ")) TH_LOG("lsmod: %s", lsmod);
	pid = elf_pid(DRV);
	ASSERT_GT(pid, 0);
	snprintf(want, sizeof(want), "%d", pid);
	EXPECT_STREQ(want, attr(DRV, "elf/pids", buf, sizeof(buf)));

	/* What it holds: BAR 0 mapped, the eventfd; no device node. */
	snprintf(want, sizeof(want), "anon_inode:[pci-bar0:%s]",
		 strrchr(self->dir, '/') + 1);
	EXPECT_TRUE(proc_maps_has(pid, want)) TH_LOG("no %s mapped", want);
	EXPECT_TRUE(proc_fd_has(pid, "anon_inode:[eventfd]"));
	EXPECT_FALSE(proc_fd_has(pid, "/dev/"));
	EXPECT_FALSE(proc_fd_has(pid, "/sys/"));
	EXPECT_EQ(1, dev_num(self->dir, "edu/mappings"));
	/* No path reaches the BAR file, not even root's through /proc. */
	EXPECT_EQ(-ENXIO, open_map_file(pid, want));

	/* Not root, no capabilities. */
	snprintf(buf, sizeof(buf), "/proc/%d/status", pid);
	status = read_all(buf, &len);
	ASSERT_TRUE(!!status);
	EXPECT_TRUE(!strstr(status, "\nUid:\t0\t")) TH_LOG("%s", status);
	EXPECT_TRUE(!!strstr(status, "\nCapEff:\t0000000000000000\n"));
	free(status);

	/* The files it was handed do not hold the glue. */
	EXPECT_STREQ("0", attr(GLUE, "refcnt", buf, sizeof(buf)));
}

/* n! computed by the device, one interrupt per request, as in software. */
TEST_F_TIMEOUT(edu, answers_come_from_the_device, TEST_TIMEOUT)
{
	static const unsigned int ns[] = {
		0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 20, 33, 34, 1000
	};
	char buf[32];
	long irqs;
	__u32 v;
	unsigned int i;
	int fd;

	COLDPLUG();
	fd = open(DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG(DEV ": %s", strerror(errno));
	irqs = dev_num(self->dir, "edu/irqs");
	ASSERT_LE(0, irqs);
	for (i = 0; i < ARRAY_SIZE(ns); i++) {
		ASSERT_EQ(0, edu_fact(fd, ns[i], &v)) TH_LOG("%u!", ns[i]);
		EXPECT_EQ(soft_fact(ns[i]), v) TH_LOG("%u!", ns[i]);
	}
	EXPECT_EQ(irqs + (long)ARRAY_SIZE(ns), dev_num(self->dir, "edu/irqs"));
	/* The answer was read whole: end of file until the next request. */
	EXPECT_EQ(0, read(fd, buf, sizeof(buf)));
	close(fd);
}

/*
 * The glue alone, loaded by its name: it gets the driver itself with
 * umh_elf_get() of the modalias, which runs modprobe of that alias.
 */
TEST_F_TIMEOUT(edu, glue_loads_driver_by_alias, TEST_TIMEOUT)
{
	__u32 v;

	ASSERT_EQ(0, run(MODPROBE, GLUE));
	ASSERT_TRUE(WAIT_UNTIL(module_live(DRV) && has_device()))
		TH_LOG("the glue did not bring up %s", DRV);
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " DRV ": started pid"));
	EXPECT_TRUE(kmsg_wait(&self->log,
			      "handed to its driver in user space (id " EDU_ID ")"));
	ASSERT_EQ(0, edu_fact_once(9, &v));
	EXPECT_EQ(362880U, v);
}

/* Several users at once: every answer right, one interrupt each. */
TEST_F_TIMEOUT(edu, concurrent_users, TEST_TIMEOUT)
{
	const unsigned int users = 4, calls = 25;
	int status = 0, failed = 0;
	unsigned int i, j;
	pid_t pids[4];
	long irqs;

	COLDPLUG();
	irqs = dev_num(self->dir, "edu/irqs");
	ASSERT_LE(0, irqs);
	for (i = 0; i < users; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (!pids[i]) {
			int fd = open(DEV, O_RDWR | O_CLOEXEC);
			__u32 v;

			for (j = 0; fd >= 0 && j < calls; j++)
				if (edu_fact(fd, (i + j) % 14, &v) ||
				    v != soft_fact((i + j) % 14))
					_exit(1);
			_exit(fd < 0);
		}
	}
	for (i = 0; i < users; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		failed += !WIFEXITED(status) || WEXITSTATUS(status);
	}
	EXPECT_EQ(0, failed);
	EXPECT_EQ(irqs + (long)(users * calls), dev_num(self->dir, "edu/irqs"));
}

/*
 * "time N": the driver computes 12! N times on the device, each with its
 * interrupt, and says how long that took; the bench's device.irq_loop.
 */
TEST_F_TIMEOUT(edu, driver_times_the_device, TEST_TIMEOUT)
{
	const unsigned int calls = 50;
	unsigned long long ns;
	char buf[32];
	ssize_t len;
	long irqs;
	int fd;

	COLDPLUG();
	fd = open(DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	irqs = dev_num(self->dir, "edu/irqs");
	ASSERT_LE(0, irqs);
	len = snprintf(buf, sizeof(buf), "time %u\n", calls);
	ASSERT_EQ(len, write(fd, buf, len)) TH_LOG("%s", strerror(errno));
	len = read(fd, buf, sizeof(buf) - 1);
	ASSERT_LT(0, len) TH_LOG("%s", strerror(errno));
	buf[len] = '\0';
	ns = strtoull(buf, NULL, 10);
	EXPECT_LT(0ULL, ns) TH_LOG("%s", buf);
	/* Each of the N went through the device and its interrupt. */
	EXPECT_EQ(irqs + (long)calls, dev_num(self->dir, "edu/irqs"));
	close(fd);
}

/* Bad requests fail with EINVAL and never reach the device. */
TEST_F_TIMEOUT(edu, bad_requests, TEST_TIMEOUT)
{
	static const char * const bad[] = {
		"abc", "-1", "1001", "4294967296", "time 0", "time 100001",
		"time", "time x",
	};
	char buf[32];
	long irqs;
	__u32 v;
	unsigned int i;
	int fd;

	COLDPLUG();
	fd = open(DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	irqs = dev_num(self->dir, "edu/irqs");
	EXPECT_EQ(-1, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(ENODATA, errno);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-1, write(fd, bad[i], strlen(bad[i]))) TH_LOG("%s", bad[i]);
		EXPECT_EQ(EINVAL, errno) TH_LOG("%s", bad[i]);
	}
	EXPECT_EQ(irqs, dev_num(self->dir, "edu/irqs"));
	EXPECT_EQ(0, edu_fact(fd, 1000, &v));
	close(fd);
}

/* In a child: n! through /dev/edu0; exits 0 on EPIPE, else errno or 100. */
static pid_t pending_request(unsigned int n)
{
	pid_t child;
	__u32 v;
	int ret;

	child = fork();
	if (!child) {
		ret = edu_fact_once(n, &v);
		_exit(ret == -EPIPE ? 0 : ret < 0 ? -ret : 100);
	}
	return child;
}

/*
 * kill -9 of the driver: the request in flight fails with EPIPE; the
 * next one starts the driver again by the alias, hands it the device,
 * and is answered.
 */
TEST_F_TIMEOUT(edu, kill_fails_pending_then_recovers, TEST_TIMEOUT)
{
	int status = 0;
	pid_t pid, child;
	__u32 v;

	COLDPLUG();
	pid = elf_pid(DRV);
	ASSERT_GT(pid, 0);
	/* Stopped, it cannot answer: the request stays in flight. */
	ASSERT_EQ(0, kill(pid, SIGSTOP));
	child = pending_request(7);
	ASSERT_LT(0, child);
	usleep(500000);
	EXPECT_EQ(0, waitpid(child, &status, WNOHANG))
		TH_LOG("the request did not wait for the stopped driver");
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("the request in flight got %s, not EPIPE",
		       WEXITSTATUS(status) == 100 ? "an answer" :
		       strerror(WEXITSTATUS(status)));
	EXPECT_TRUE(kmsg_wait(&self->log,
			      "elf-module " DRV ": stopped (signal 9)"));
	EXPECT_TRUE(WAIT_UNTIL(!module_listed(DRV)));
	EXPECT_TRUE(WAIT_UNTIL(dev_num(self->dir, "edu/mappings") == 0));

	ASSERT_EQ(0, edu_fact_once(8, &v));
	EXPECT_EQ(40320U, v);
	EXPECT_TRUE(module_live(DRV));
	EXPECT_NE(pid, elf_pid(DRV));
	EXPECT_EQ(1, dev_num(self->dir, "edu/mappings"));
	/* Handed over twice: to the first process, then to the new one. */
	EXPECT_EQ(2, kmsg_count(&self->log, "handed to its driver in user space"));
}

/*
 * rmmod of the driver: refused while a request holds it, then its
 * process ends and its mapping of the device with it; the glue stays
 * bound, and the next request loads the driver again.
 */
TEST_F_TIMEOUT(edu, rmmod_driver_releases_device, TEST_TIMEOUT)
{
	int status = 0, ret;
	pid_t pid, child;
	__u32 v;

	COLDPLUG();
	pid = elf_pid(DRV);
	ASSERT_GT(pid, 0);

	ASSERT_EQ(0, kill(pid, SIGSTOP));
	child = pending_request(3);
	ASSERT_LT(0, child);
	usleep(500000);
	ret = unload(DRV);
	EXPECT_TRUE(ret == -EWOULDBLOCK || ret == -EBUSY)
		TH_LOG("delete_module returned %d (%s)", ret, strerror(-ret));
	ASSERT_EQ(0, kill(pid, SIGCONT));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 100)
		TH_LOG("the held request did not get its answer");

	ASSERT_EQ(0, run(RMMOD, DRV));
	EXPECT_TRUE(module_gone(DRV));
	EXPECT_TRUE(WAIT_UNTIL(kill(pid, 0) && errno == ESRCH));
	EXPECT_TRUE(kmsg_wait(&self->log, "elf-module " DRV ": stopped (rmmod)"));
	EXPECT_EQ(0, dev_num(self->dir, "edu/mappings"));
	EXPECT_TRUE(module_listed(GLUE));

	ASSERT_EQ(0, edu_fact_once(5, &v));
	EXPECT_EQ(120U, v);
	EXPECT_TRUE(module_live(DRV));
	EXPECT_EQ(1, dev_num(self->dir, "edu/mappings"));
}

/*
 * rmmod of the glue: the device is unbound, its interrupt and BAR freed;
 * the driver lets it go (no mapping, no eventfd) and runs on without it.
 * Loading the glue again hands it back to the same process.
 */
TEST_F_TIMEOUT(edu, rmmod_glue_releases_device, TEST_TIMEOUT)
{
	char buf[256], bar[64];
	pid_t pid;
	__u32 v;

	COLDPLUG();
	pid = elf_pid(DRV);
	ASSERT_GT(pid, 0);
	snprintf(bar, sizeof(bar), "[pci-bar0:%s]", strrchr(self->dir, '/') + 1);
	ASSERT_TRUE(proc_maps_has(pid, bar));
	ASSERT_TRUE(file_has("/proc/iomem", GLUE));
	ASSERT_TRUE(file_has("/proc/interrupts", "edu0"));

	ASSERT_EQ(0, run(RMMOD, GLUE));
	EXPECT_TRUE(module_gone(GLUE));
	EXPECT_STREQ("", bound_to(self->dir, buf, sizeof(buf)));
	EXPECT_FALSE(file_has("/proc/iomem", GLUE));
	EXPECT_FALSE(file_has("/proc/interrupts", "edu0"));
	EXPECT_TRUE(WAIT_UNTIL(access(DEV, F_OK) && errno == ENOENT));

	EXPECT_TRUE(kmsg_wait(&self->log, DRV ": device let go"));
	EXPECT_EQ(0, kmsg_count(&self->log, "did not let go"));
	EXPECT_TRUE(module_live(DRV));
	EXPECT_EQ(pid, elf_pid(DRV));
	EXPECT_FALSE(proc_maps_has(pid, bar));
	EXPECT_FALSE(proc_fd_has(pid, "anon_inode:[eventfd]"));
	EXPECT_STREQ("no device", attr(DRV, "elf/status", buf, sizeof(buf)));

	ASSERT_EQ(0, run(MODPROBE, GLUE));
	ASSERT_TRUE(WAIT_UNTIL(has_device() && proc_maps_has(pid, bar)));
	EXPECT_EQ(pid, elf_pid(DRV));
	ASSERT_EQ(0, edu_fact_once(6, &v));
	EXPECT_EQ(720U, v);
}

/*
 * rmmod of the glue while the driver cannot answer (stopped): the glue
 * waits for it no longer than its timeout, says so, revokes the BAR file
 * and goes.  The driver, continued, lives on and takes the device again
 * when a glue binds it again.
 */
TEST_F_TIMEOUT(edu, rmmod_glue_revokes_when_driver_stuck, TEST_TIMEOUT)
{
	long long t0, ms;
	pid_t pid;
	__u32 v;

	COLDPLUG();
	pid = elf_pid(DRV);
	ASSERT_GT(pid, 0);
	ASSERT_EQ(0, kill(pid, SIGSTOP));
	t0 = now_ms();
	EXPECT_EQ(0, run(RMMOD, GLUE));
	ms = now_ms() - t0;
	EXPECT_GE(ms, 4000) TH_LOG("rmmod took %lld ms", ms);
	EXPECT_LT(ms, 15000) TH_LOG("rmmod took %lld ms", ms);
	EXPECT_TRUE(kmsg_wait(&self->log,
			      "its driver did not let go: -110; revoking"));
	EXPECT_TRUE(module_gone(GLUE));
	EXPECT_FALSE(file_has("/proc/iomem", GLUE));
	ASSERT_EQ(0, kill(pid, SIGCONT));

	ASSERT_EQ(0, run(MODPROBE, GLUE));
	ASSERT_TRUE(WAIT_UNTIL(has_device()));
	ASSERT_EQ(0, edu_fact_once(7, &v));
	EXPECT_EQ(5040U, v);
	EXPECT_TRUE(module_live(DRV));
	EXPECT_EQ(pid, elf_pid(DRV));
}

/*
 * rmmod of the glue while its driver does not run: nothing holds the
 * device, so the glue has nothing to ask (umh_elf_find() finds no
 * driver), and it does not start one just to tell it to let go.
 */
TEST_F_TIMEOUT(edu, rmmod_glue_starts_no_driver, TEST_TIMEOUT)
{
	COLDPLUG();
	ASSERT_EQ(0, run(RMMOD, DRV));
	ASSERT_TRUE(module_gone(DRV));
	ASSERT_EQ(0, dev_num(self->dir, "edu/mappings"));

	ASSERT_EQ(0, run(RMMOD, GLUE));
	EXPECT_TRUE(module_gone(GLUE));
	EXPECT_FALSE(module_listed(DRV));
	EXPECT_EQ(0, count_procs(DRV));
	EXPECT_EQ(1, kmsg_count(&self->log, "elf-module " DRV ": started"));
	EXPECT_EQ(0, kmsg_count(&self->log, "did not let go"));
}

/* The number of @pid's fd to a file named @name, or -1. */
static int proc_fd_num(pid_t pid, const char *name)
{
	char path[PATH_MAX], link[PATH_MAX];
	struct dirent *d;
	int found = -1;
	ssize_t n;
	DIR *dp;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	dp = opendir(path);
	if (!dp)
		return -1;
	while (found < 0 && (d = readdir(dp))) {
		snprintf(path, sizeof(path), "/proc/%d/fd/%s", pid, d->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (strstr(link, name))
			found = atoi(d->d_name);
	}
	closedir(dp);
	return found;
}

/* Read the first register of @bar in a child: its wait status. */
static int touch_in_child(void *bar)
{
	int status = -1;
	pid_t child;

	child = fork();
	if (!child)
		_exit(__atomic_load_n((__u32 *)bar, __ATOMIC_SEQ_CST) ? 0 : 1);
	if (child > 0)
		waitpid(child, &status, 0);
	return status;
}

/*
 * The BAR file, taken from the driver with pidfd_getfd() (root may): it
 * maps BAR 0 shared and nothing else; unbinding the glue revokes every
 * mapping of it (SIGBUS) and refuses new ones (ENODEV).
 */
TEST_F_TIMEOUT(edu, bar_file_revoked_on_unbind, TEST_TIMEOUT)
{
	const int rw = PROT_READ | PROT_WRITE;
	char bar[64];
	int pidfd, fd, n, status;
	void *p;
	pid_t pid;

	COLDPLUG();
	pid = elf_pid(DRV);
	ASSERT_GT(pid, 0);
	snprintf(bar, sizeof(bar), "[pci-bar0:%s]", strrchr(self->dir, '/') + 1);
	n = proc_fd_num(pid, bar);
	ASSERT_LE(0, n) TH_LOG("the driver holds no fd to %s", bar);
	pidfd = syscall(SYS_pidfd_open, pid, 0);
	ASSERT_LE(0, pidfd);
	fd = syscall(SYS_pidfd_getfd, pidfd, n, 0);
	ASSERT_LE(0, fd) TH_LOG("pidfd_getfd: %s", strerror(errno));
	close(pidfd);

	EXPECT_EQ(MAP_FAILED, mmap(NULL, 4096, rw, MAP_PRIVATE, fd, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 2 << 20, rw, MAP_SHARED, fd, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 4096, rw, MAP_SHARED, fd, 1 << 20));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 4096, rw | PROT_EXEC, MAP_SHARED, fd, 0));
	EXPECT_EQ(EPERM, errno);
	p = mmap(NULL, 4096, rw, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p) TH_LOG("mmap: %s", strerror(errno));
	EXPECT_EQ(0x010000edU, __atomic_load_n((__u32 *)p, __ATOMIC_SEQ_CST));
	EXPECT_EQ(-1, mprotect(p, 4096, rw | PROT_EXEC));
	EXPECT_EQ(2, dev_num(self->dir, "edu/mappings"));

	ASSERT_EQ(0, run(RMMOD, GLUE));
	status = touch_in_child(p);
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS)
		TH_LOG("reading the revoked BAR: wait status %#x", status);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 4096, rw, MAP_SHARED, fd, 0));
	EXPECT_EQ(ENODEV, errno);
	munmap(p, 4096);
	close(fd);
}

/*
 * module.sig_enforce=1: the unsigned driver is refused, loaded by hand
 * or installed where modprobe finds it (the glue then has no driver for
 * the device); the signed one drives it.
 */
TEST_F_TIMEOUT(edu, unsigned_driver_refused, TEST_TIMEOUT)
{
	char installed[PATH_MAX], saved[] = "/tmp/" DRV ".signed.ko";
	char cmd[256];
	struct utsname u;
	__u32 v;

	if (!enforce_boot())
		SKIP(return, "only in the boot with module.sig_enforce=1");
	EXPECT_EQ(-EKEYREJECTED, load_path(UNSIGNED_KO, ""));
	EXPECT_TRUE(kmsg_wait(&self->log, "Loading of unsigned module is rejected"));
	EXPECT_FALSE(module_listed(DRV));
	EXPECT_EQ(0, count_procs(DRV));

	ASSERT_EQ(0, uname(&u));
	snprintf(installed, sizeof(installed),
		 "/lib/modules/%s/kernel/samples/umh_elf/" DRV ".ko", u.release);
	ASSERT_EQ(0, run("/bin/cp", installed, saved));
	ASSERT_EQ(0, run("/bin/cp", UNSIGNED_KO, installed));
	EXPECT_EQ(0, run(MODPROBE, GLUE));
	snprintf(cmd, sizeof(cmd), "no driver for %s: -2", self->modalias);
	EXPECT_TRUE(kmsg_wait(&self->log, cmd)) TH_LOG("no line '%s'", cmd);
	EXPECT_EQ(-ENOENT, edu_fact_once(4, &v));
	EXPECT_FALSE(module_listed(DRV));
	EXPECT_EQ(0, count_procs(DRV));
	ASSERT_EQ(0, run("/bin/cp", saved, installed));
	unlink(saved);

	ASSERT_EQ(0, edu_fact_once(4, &v));
	EXPECT_EQ(24U, v);
	EXPECT_TRUE(module_live(DRV));
}

TEST_HARNESS_MAIN
