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
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* ---- Outcomes that tell the truth (SPEC section 4) ---- */

/* ---- The image is out of reach (SPEC section 2) ---- */

/*
 * The image a module runs is the kernel's alone: no path, directory or
 * file descriptor of any process leads to a place where a name could be
 * created or to the image opened for writing, at any moment of a load; the
 * image is sealed against writes; and its owner and mode do not depend on
 * who loads the module.
 */

#define SHA256_FILE	"/opt/umh_elf/umh_elf_test.sha256"
#define MODPROBE	"/sbin/modprobe"

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

/* ---- capabilities= is a privilege boundary (SPEC section 3) ---- */

TEST_HARNESS_MAIN
