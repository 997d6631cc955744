/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the ELF modules selftests (umh_elf_test.c,
 * umh_elf_channel_test.c, umh_elf_security_test.c) and their benchmark
 * (umh_elf_bench.c).
 *
 * The first part serves all four programs: small files read and written
 * whole, and the two load syscalls that take an fd or an image.
 *
 * The second part is for the tests only, and is there only when
 * ../kselftest_harness.h was included before this header: bounded waits,
 * loading by path and by name, unloading, the attributes in
 * /sys/module/NAME, /proc/modules, the processes of a module, the kernel
 * log in /dev/kmsg, running a command, and ELF images in memory.
 * run_cmd() logs with TH_LOG(); the benchmark has its own now_ms(),
 * unload() and kernel log reader, which behave differently.
 *
 * Define _GNU_SOURCE before the first #include (memfd_create()).
 */
#ifndef __UMH_ELF_UTIL_H
#define __UMH_ELF_UTIL_H

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

/* Files */

/* Write @text to a sysfs or procfs file; 0 or -errno. */
static inline int write_text(const char *path, const char *text)
{
	size_t len = strlen(text);
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	close(fd);
	return err;
}

/*
 * Read a small text file into @buf, without its trailing newline.  Returns
 * the length, or -errno with @buf holding "<error: ...>".
 */
static inline int read_text(const char *path, char *buf, size_t size)
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

/* Read a whole file into a buffer to free(); NULL with errno on error. */
static inline void *read_all(const char *path, size_t *len)
{
	size_t size = 0, used = 0;
	char *buf = NULL, *p;
	ssize_t n;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	for (;;) {
		if (used == size) {
			size = size ? size * 2 : 1 << 20;
			p = realloc(buf, size);
			if (!p)
				goto fail;
			buf = p;
		}
		n = read(fd, buf + used, size - used);
		if (n < 0)
			goto fail;
		if (!n)
			break;
		used += n;
	}
	close(fd);
	*len = used;
	return buf;
fail:
	err = errno;
	close(fd);
	free(buf);
	errno = err;
	return NULL;
}

/* The module syscalls, returning 0 or -errno. */

static inline int load_fd(int fd, const char *params)
{
	if (fd < 0)
		return -EBADF;
	return syscall(__NR_finit_module, fd, params, 0) ? -errno : 0;
}

static inline int load_image(const void *image, size_t len,
			     const char *params)
{
	return syscall(__NR_init_module, image, len, params) ? -errno : 0;
}

#ifdef __KSELFTEST_HARNESS_H

#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <linux/elf.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>

/* The value of @key in /proc/meminfo, in KiB; -1 if unknown. */
static inline long long meminfo_kib(const char *key)
{
	long long kib = -1;
	char line[128];
	size_t n = strlen(key);
	FILE *f;

	f = fopen("/proc/meminfo", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':' &&
		    sscanf(line + n + 1, "%lld", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/* Bounded waits: up to POLL_TRIES polls, POLL_US apart (5 s in all). */
#define POLL_TRIES	50
#define POLL_US		100000

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

static inline long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Loading by path and by name, and unloading: 0 or -errno. */

static inline int load_path(const char *path, const char *params)
{
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = load_fd(fd, params);
	close(fd);
	return ret;
}

/* /lib/modules/$(uname -r)/extra/@name.ko into @buf. */
static inline void ko_path(char *buf, size_t size, const char *name)
{
	struct utsname u;

	if (uname(&u))
		snprintf(u.release, sizeof(u.release), "unknown");
	snprintf(buf, size, "/lib/modules/%s/extra/%s.ko", u.release, name);
}

/* Load the signed NAME.ko installed in /lib/modules. */
static inline int load_ko(const char *name, const char *params)
{
	char path[PATH_MAX];

	ko_path(path, sizeof(path), name);
	return load_path(path, params);
}

static inline int unload(const char *name)
{
	return syscall(__NR_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

/* /sys/module/@mod/@attr into @buf; returns @buf, "<error: ...>" if none. */
static inline const char *attr(const char *mod, const char *name, char *buf,
			       size_t size)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/module/%s/%s", mod, name);
	read_text(path, buf, size);
	return buf;
}

/*
 * Evaluate @expr (0 or a negative errno below 256) in a child process
 * that SIGALRM ends after @secs seconds: its value, or -ETIME if it had
 * not finished by then.  For a call that must not hang, so that a test
 * fails by name rather than by the harness's timeout.
 */
#define WITHIN(secs, expr) ({						\
	int __r = -ECHILD, __st;					\
	pid_t __p;							\
									\
	fflush(stdout);							\
	fflush(stderr);							\
	__p = fork();							\
	if (!__p) {							\
		alarm(secs);						\
		_exit(-(expr) & 0xff);					\
	}								\
	if (__p > 0 && waitpid(__p, &__st, 0) == __p)			\
		__r = WIFEXITED(__st) ? -WEXITSTATUS(__st) : -ETIME;	\
	__r;								\
})

/* How many fds of process @pid lead to a path containing @needle; -1 if none. */
static inline int count_fds(pid_t pid, const char *needle)
{
	char dir[64], path[PATH_MAX], target[PATH_MAX];
	struct dirent *de;
	int n = 0;
	ssize_t len;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	d = opendir(dir);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		len = readlink(path, target, sizeof(target) - 1);
		if (len < 0)
			continue;
		target[len] = '\0';
		n += !!strstr(target, needle);
	}
	closedir(d);
	return n;
}

/* The pid in /sys/module/@mod/elf/pid, or -1. */
static inline pid_t elf_pid(const char *mod)
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

/* Modules */

static inline bool module_listed(const char *name)
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

/* Listed, in sysfs as "live", and its main process running. */
static inline bool module_live(const char *name)
{
	char buf[64];
	pid_t pid;

	if (!module_listed(name) ||
	    strcmp(attr(name, "initstate", buf, sizeof(buf)), "live"))
		return false;
	pid = elf_pid(name);
	return pid > 0 && !kill(pid, 0);
}

static inline bool module_in_sysfs(const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return !access(path, F_OK);
}

static inline bool module_gone(const char *name)
{
	return !module_listed(name) && !module_in_sysfs(name);
}

/* Processes */

/* The longest comm: the kernel cuts a process name to 15 characters. */
#define COMM_MAX	15

/* Is @comm the comm of a process named @name? */
static inline bool comm_is(const char *comm, const char *name)
{
	size_t n = strlen(name);

	if (n > COMM_MAX)
		n = COMM_MAX;
	return strlen(comm) == n && !strncmp(comm, name, n);
}

/*
 * Read the comm and the state of process @pid (a /proc entry name) from
 * /proc/PID/stat: "pid (comm) state ...", where comm may hold spaces and
 * ')'.  @comm must hold 512 bytes.  Returns false if it is not a process
 * or is gone.
 */
static inline bool proc_comm_state(const char *pid, char *comm, char *state)
{
	char path[300], buf[512], *lp, *rp;

	if (!isdigit((unsigned char)pid[0]))
		return false;
	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	if (read_text(path, buf, sizeof(buf)) <= 0)
		return false;
	lp = strchr(buf, '(');
	rp = strrchr(buf, ')');
	if (!lp || !rp || rp < lp || rp[1] != ' ' || !rp[2])
		return false;
	*rp = '\0';
	snprintf(comm, 512, "%s", lp + 1);
	*state = rp[2];
	return true;
}

/*
 * Find the processes named @name (by their comm, which may be cut short)
 * that have not exited yet (zombies, processes on their way out and
 * kernel threads do not count).  This program and the processes it forks
 * are left out, told apart by their executable: the comm of
 * umh_elf_test is that of the module umh_elf_test too.  Stores up to @max
 * pids in @pids and returns how many there are.
 */
static inline int find_procs(const char *name, pid_t *pids, int max)
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
		char path[300], comm[512], state;

		if (!proc_comm_state(de->d_name, comm, &state) ||
		    !comm_is(comm, name))
			continue;
		if (state == 'Z' || state == 'X' || state == 'x')
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

static inline int count_procs(const char *name)
{
	return find_procs(name, NULL, 0);
}

/* The first of the @n modules @mods that is still loaded, or NULL. */
static inline const char *first_loaded(const char * const *mods, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!module_gone(mods[i]))
			return mods[i];
	return NULL;
}

/* The first of the @n names @comms with processes left, or NULL. */
static inline const char *first_with_procs(const char * const *comms,
					   size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (count_procs(comms[i]))
			return comms[i];
	return NULL;
}

static inline void kill_procs(const char *name)
{
	pid_t pids[64];
	int i, n;

	n = find_procs(name, pids, 64);
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
static inline bool kmsg_read(int fd, char *rec, size_t size,
			     unsigned long long *seq, char **msg)
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

/* Whether a record of the kernel log since boot contains @needle. */
static inline bool kmsg_since_boot(const char *needle)
{
	unsigned long long seq;
	char rec[8192], *msg;
	bool found = false;
	int fd;

	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return false;
	while (!found && kmsg_read(fd, rec, sizeof(rec), &seq, &msg))
		found = strstr(msg, needle);
	close(fd);
	return found;
}

/* Start collecting: the records logged from now on. */
static inline int kmsg_open(struct kmsg *k)
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

static inline void kmsg_append(struct kmsg *k, const char *msg)
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
static inline void kmsg_collect(struct kmsg *k)
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
static inline int kmsg_count(struct kmsg *k, const char *needle)
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
static inline bool kmsg_wait(struct kmsg *k, const char *needle)
{
	return WAIT_UNTIL(kmsg_count(k, needle) > 0);
}

/*
 * Print the messages logged from record @start on.  Reads /dev/kmsg
 * afresh: it may run in another process than the one that collected.
 */
static inline void kmsg_dump(unsigned long long start)
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

static inline void read_memfd(int fd, char *buf, size_t size)
{
	ssize_t n;

	n = pread(fd, buf, size - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
}

/*
 * Run @path with the arguments that follow, up to a NULL; argv[0] is
 * @path.  Puts what it writes to stdout in @out, if not NULL.  Returns its
 * exit status, or -1 if it could not be run or was killed; when that is
 * not 0 and !@quiet, logs what it wrote to stderr.
 */
static inline int __attribute__((sentinel))
run_cmd(struct __test_metadata *_metadata, bool quiet, char *out, size_t size,
	const char *path, ...)
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
	if (out)
		out[0] = '\0';

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
	if (out)
		read_memfd(outfd, out, size);
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

/* In a test: run a command, logging why if it fails; or not; or keep stdout. */
#define run(...)	run_cmd(_metadata, false, NULL, 0, __VA_ARGS__, NULL)
#define run_quiet(...)	run_cmd(_metadata, true, NULL, 0, __VA_ARGS__, NULL)
#define run_out(out, ...) \
	run_cmd(_metadata, false, out, sizeof(out), __VA_ARGS__, NULL)

/* ELF images in memory */

struct image {
	unsigned char *buf;
	size_t len;
};

static inline struct elf64_hdr *ehdr(struct image *img)
{
	return (struct elf64_hdr *)img->buf;
}

/* Program header @i, or NULL if it is not inside the image. */
static inline struct elf64_phdr *phdr(struct image *img, unsigned int i)
{
	struct elf64_hdr *eh = ehdr(img);

	if (img->len < sizeof(*eh) || i >= eh->e_phnum ||
	    eh->e_phentsize != sizeof(struct elf64_phdr) ||
	    eh->e_phoff > img->len ||
	    (i + 1) * sizeof(struct elf64_phdr) > img->len - eh->e_phoff)
		return NULL;
	return (struct elf64_phdr *)(img->buf + eh->e_phoff) + i;
}

/* Section header @i, or NULL if it is not inside the image. */
static inline struct elf64_shdr *shdr(struct image *img, unsigned int i)
{
	struct elf64_hdr *eh = ehdr(img);

	if (img->len < sizeof(*eh) || i >= eh->e_shnum ||
	    eh->e_shentsize != sizeof(struct elf64_shdr) ||
	    eh->e_shoff > img->len ||
	    (i + 1) * sizeof(struct elf64_shdr) > img->len - eh->e_shoff)
		return NULL;
	return (struct elf64_shdr *)(img->buf + eh->e_shoff) + i;
}

static inline bool in_image(struct image *img, __u64 off, __u64 size)
{
	return off <= img->len && size <= img->len - off;
}

/*
 * The section named @name, if it is inside the image; *@sname, if @sname
 * is not NULL, is set to where its name is.
 */
static inline struct elf64_shdr *find_section(struct image *img,
					      const char *name, char **sname)
{
	struct elf64_shdr *strtab, *sh;
	unsigned int i;
	char *names;

	if (img->len < sizeof(struct elf64_hdr))
		return NULL;
	strtab = shdr(img, ehdr(img)->e_shstrndx);
	if (!strtab || !in_image(img, strtab->sh_offset, strtab->sh_size) ||
	    !strtab->sh_size)
		return NULL;
	names = (char *)img->buf + strtab->sh_offset;
	if (names[strtab->sh_size - 1])
		return NULL;
	for (i = 0; (sh = shdr(img, i)); i++) {
		if (sh->sh_name >= strtab->sh_size ||
		    strcmp(names + sh->sh_name, name))
			continue;
		if (!in_image(img, sh->sh_offset, sh->sh_size))
			return NULL;
		if (sname)
			*sname = names + sh->sh_name;
		return sh;
	}
	return NULL;
}

#endif /* __KSELFTEST_HARNESS_H */

/* The test driver, lib/test_umh_elf.c (CONFIG_TEST_UMH_ELF=m) */
#define DRIVER		"test_umh_elf"
#define DEBUGFS		"/sys/kernel/debug"
#define RUN_FILE	DEBUGFS "/" DRIVER "/run"

/* Run a command of the test driver: 0, or the -errno of its write(). */
static inline int __printf(1, 2) drv(const char *fmt, ...)
{
	char cmd[256];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof(cmd))
		return -EINVAL;
	return write_text(RUN_FILE, cmd);
}

#endif /* __UMH_ELF_UTIL_H */
