// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark of ELF modules (make bench): what a launch, a MiB of image,
 * becoming ready, a channel round trip, a live module and concurrent
 * requests cost, each against a baseline measured in the same boot.
 *
 * The guest is emulated, so absolute times mean little: every row is a
 * ratio against a baseline, each side the median of repeated runs, taken
 * in turn (one run of each per round) so that drift hits both alike.  The
 * ratio is value / baseline and lower is better for every row.
 *
 * It runs as root in the project's test guest (scripts/guest/bench.sh),
 * with the test driver lib/test_umh_elf.c loaded, and expects:
 *
 *	/lib/modules/$(uname -r)/extra/{umh_elf_tiny,umh_elf_test,
 *		umh_elf_echo,umh_elf_always,umh_elf_regular}.ko	signed
 *	/opt/umh_elf/NAME.unsigned.ko		unsigned copies
 *	/opt/umh_elf/umh_elf_tiny_{1,4,16}m{.unsigned,}.ko	the tiny module
 *		padded to 1, 4 and 16 MiB with a section that is not loaded
 *	/opt/umh_elf/umh_elf_test_2m.unsigned.ko	umh_elf_test, 2 MiB
 *	/sys/kernel/debug/test_umh_elf/run	the driver's commands
 *	/sys/kernel/debug/umh_elf_bench/run	the kernel-side baselines
 *		(bench/umh_elf_bench_helper.c, built and loaded by make bench)
 *	QEMU's edu device and the samples umh_sample_edu_glue.ko and
 *		umh_sample_edu.ko, for the device row
 *
 * For the rows of concurrent requests it raises kernel.kmod-limit, where
 * there is one, to the number of requests, and puts it back afterwards.
 *
 * Output on stdout, one record a line; only the last field of BENCHDESC
 * and BENCHNOTE, free text, may hold commas:
 *
 *	BENCH,metric,unit,value,baseline,ratio
 *	BENCHSPREAD,metric,min,q1,q3,max,n,bmin,bq1,bq3,bmax,bn
 *	BENCHTARGET,metric,target,met|missed
 *	BENCHDESC,metric,what the value and the baseline are
 *	BENCHNOTE,free text
 *
 * (baseline and ratio empty where there is no baseline); progress goes to
 * stderr.  A benchmark, not a test: it never fails on a target, and it
 * exits non-zero only if it cannot run at all.
 *
 *	umh_elf_bench [-q] [launch|size|ready|channel|memory|scale|device|
 *			   restart]...
 *
 * -q: three rounds per measurement, to try it out.  No section: all.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/elf.h>
#include <elfmod.h>
#include <linux/sched.h>

#include "../kselftest.h"
#include "umh_elf_util.h"

#define TINY		"umh_elf_tiny"
#define TEST		"umh_elf_test"
#define ECHO		"umh_elf_echo"
/* The selftests' echo server with restart=always. */
#define ALWAYS		"umh_elf_always"
#define REGULAR		"umh_elf_regular"
/* The echo sample loadable, and built in (CONFIG_SAMPLE_UMH_ELF_BUILTIN). */
#define SAMPLE_ECHO	"umh_sample_echo"
#define SAMPLE_BUILTIN	"umh_sample_builtin"
#define ECHO_ALIAS	"umh-elf-test-alias-" ECHO
#define REGULAR_ALIAS	"umh-elf-regular-alias"

#define OPT		"/opt/umh_elf/"
#define DROP_CACHES	"/proc/sys/vm/drop_caches"
/* How many request_module() calls run modprobe at once, if settable. */
#define KMOD_LIMIT	"/proc/sys/kernel/kmod-limit"
#define KMOD_LIMIT_OLD	50
/* Executable copies for the user-space baselines. */
#define TINY_COPY	"/tmp/" TINY
/* A cgroup made and removed per launch by launch.containment's baseline. */
#define BENCH_CGROUP	"/sys/fs/cgroup/umh_elf_bench"
#define TEST_COPY	"/tmp/" TEST
/* samples/umh_elf/echo.c built against nolibc and against glibc. */
#define ECHO_NOLIBC	"umh_elf_echo_nolibc"
#define ECHO_GLIBC	"umh_elf_echo_glibc"

#define MIB		1048576.0
#define MAX_SAMPLES	64
/* Per channel call of the test driver, in ms. */
#define CALL_TIMEOUT_MS	10000
/* Round trips per sample, for the 64-byte and the 64 KiB messages. */
#define RTT_CALLS	200
#define BULK_CALLS	32
#define BULK_SIZE	65536
#define PAR_THREADS	8
#define PAR_CALLS	50
/* Hash+copy passes per sample. */
#define HASHCOPY_COUNT	4
/* The benchmark's own kernel module, for the hash+copy baseline. */
#define HELPER_RUN_FILE	"/sys/kernel/debug/umh_elf_bench/run"
/* Live modules (and plain processes) per memory measurement. */
#define MEM_MODULES	100

static bool quick;
static char extra_dir[PATH_MAX];
static double bench_start;

/* The environment the kernel gives an ELF module, for the baselines. */
static char *module_env[] = {
	"HOME=/", "PATH=/sbin:/bin:/usr/sbin:/usr/bin", "NOTIFY_FD=3",
	"MODULE_NAME=" TEST, NULL,
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Output */

static void progress(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "# bench %6.1f s: ", (now_ms() - bench_start) / 1e3);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void note(const char *fmt, ...)
{
	va_list ap;

	printf("BENCHNOTE,");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void desc(const char *metric, const char *fmt, ...)
{
	va_list ap;

	printf("BENCHDESC,%s,", metric);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void check_target(const char *metric, const char *text, bool met)
{
	printf("BENCHTARGET,%s,%s,%s\n", metric, text, met ? "met" : "missed");
	note("target %s: %s: %s", metric, text, met ? "met" : "missed");
}

/* @v with three or more significant digits, in one of a few buffers. */
static const char *num(double v)
{
	static char bufs[16][32];
	static unsigned int next;
	double a = v < 0 ? -v : v;
	int prec = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 10 ? 2 : a >= 1 ? 3 : 4;
	char *buf = bufs[next++ % 16];

	snprintf(buf, sizeof(bufs[0]), "%.*f", prec, v);
	return buf;
}

/* Samples and their statistics */

struct samples {
	double v[MAX_SAMPLES];
	unsigned int n;
};

struct stats {
	unsigned int n;
	double min, q1, med, q3, max;
};

static void add(struct samples *s, double v)
{
	if (s->n < MAX_SAMPLES)
		s->v[s->n++] = v;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Quantile @q of @n sorted values, interpolated between neighbours. */
static double quantile(const double *v, unsigned int n, double q)
{
	double pos = q * (n - 1);
	unsigned int i = (unsigned int)pos;

	if (i + 1 >= n)
		return v[n - 1];
	return v[i] + (pos - i) * (v[i + 1] - v[i]);
}

static struct stats stats_of(const struct samples *s)
{
	struct stats st = { .n = s->n };
	double v[MAX_SAMPLES];

	if (!s->n)
		return st;
	memcpy(v, s->v, s->n * sizeof(v[0]));
	qsort(v, s->n, sizeof(v[0]), cmp_double);
	st.min = v[0];
	st.q1 = quantile(v, s->n, 0.25);
	st.med = quantile(v, s->n, 0.5);
	st.q3 = quantile(v, s->n, 0.75);
	st.max = v[s->n - 1];
	return st;
}

static double median(const struct samples *s)
{
	return stats_of(s).med;
}

/*
 * Print a row: the medians of @val and @base (NULL: no baseline) and
 * their ratio, and their spread.  Returns false if @val has no samples.
 */
static bool row(const char *metric, const char *unit,
		const struct samples *val, const struct samples *base)
{
	struct stats v = stats_of(val), b = { 0 };

	if (!v.n) {
		note("%s: no result (see the errors above)", metric);
		return false;
	}
	if (base)
		b = stats_of(base);
	printf("BENCH,%s,%s,%s,", metric, unit, num(v.med));
	if (b.n)
		printf("%s,%s\n", num(b.med), b.med > 0 ? num(v.med / b.med) : "");
	else
		printf(",\n");
	printf("BENCHSPREAD,%s,%s,%s,%s,%s,%u,", metric, num(v.min), num(v.q1),
	       num(v.q3), num(v.max), v.n);
	if (b.n)
		printf("%s,%s,%s,%s,%u\n", num(b.min), num(b.q1), num(b.q3),
		       num(b.max), b.n);
	else
		printf(",,,,\n");
	return true;
}

/* Is the ratio of the medians of @val and @base at most @limit? */
static bool ratio_at_most(const struct samples *val,
			  const struct samples *base, double limit)
{
	double b = median(base);

	return val->n && base->n && b > 0 && median(val) / b <= limit;
}

/* How many rounds a measurement takes */

struct reps {
	unsigned int min, max;
	double budget_ms;	/* past @min rounds, stop after this long */
};

static bool again(const struct reps *r, unsigned int done, double start)
{
	unsigned int min = r->min, max = r->max;

	if (quick) {
		min = min < 3 ? min : 3;
		max = max < 3 ? max : 3;
	}
	if (done >= max)
		return false;
	return done < min || now_ms() - start < r->budget_ms;
}

/* Files, modules and the test driver */

/* The number in a small file, or -1. */
static long read_number(const char *path)
{
	char buf[32], *end;
	ssize_t n;
	long v;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	v = strtol(buf, &end, 10);
	return end == buf ? -1 : v;
}

/* Copy @src to a new executable file @dst. */
static int copy_exec(const char *src, const char *dst)
{
	size_t len, done = 0;
	int fd, err = 0;
	ssize_t n;
	char *buf;

	buf = read_all(src, &len);
	if (!buf)
		return -errno;
	unlink(dst);
	fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	while (!err && done < len) {
		n = write(fd, buf + done, len - done);
		if (n <= 0)
			err = n < 0 ? -errno : -EIO;
		else
			done += n;
	}
	if (close(fd) && !err)
		err = -errno;
out:
	free(buf);
	return err;
}

static int open_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		note("%s: %s: the rows that need it are missing", path,
		     strerror(errno));
	return fd;
}

/* /lib/modules/$(uname -r)/extra/@name.ko: the signed module. */
static int open_extra(const char *name)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s.ko", extra_dir, name);
	return open_file(path);
}

static double file_mib(int fd)
{
	struct stat st;

	return fd >= 0 && !fstat(fd, &st) ? st.st_size / MIB : 0;
}

/*
 * Unload @name if it is loaded, retrying while it is busy (still coming,
 * or held for a moment): 0 once it is gone.
 */
static int unload(const char *name)
{
	int i, err = 0;

	for (i = 0; i < 100; i++) {
		err = syscall(__NR_delete_module, name, O_NONBLOCK) ? -errno : 0;
		if (!err || err == -ENOENT)
			return 0;
		if (err != -EBUSY && err != -EAGAIN)
			break;
		usleep(50000);
	}
	return err;
}

/*
 * Write a command to the test driver; the write returns once the command
 * is done.  Its time in *@ms.  Returns 0 or the command's -errno.
 */
static int drive_at(const char *file, double *ms, const char *fmt, ...)
{
	char cmd[256];
	double t0, t1;
	va_list ap;
	size_t len;
	ssize_t n;
	int fd, err;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	len = strlen(cmd);
	fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	t0 = now_ms();
	n = write(fd, cmd, len);
	t1 = now_ms();
	err = n < 0 ? -errno : (size_t)n != len ? -EIO : 0;
	close(fd);
	if (ms)
		*ms = t1 - t0;
	return err;
}

/* A command of the test driver. */
#define drive(ms, ...)	drive_at(RUN_FILE, ms, __VA_ARGS__)

/* Messages logged to /dev/kmsg from now on. */
static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/* How many messages logged since kmsg_open() (or the last call) hold @s. */
static int kmsg_count(int fd, const char *s)
{
	char rec[8192];
	int count = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && (errno == EPIPE || errno == EINTR))
			continue;	/* records were overwritten: go on */
		if (n <= 0)
			return count;
		rec[n] = '\0';
		if (strstr(rec, s))
			count++;
	}
}

/* Images whose module name is changed in memory */

struct image {
	char *buf;
	size_t len;
	char *name;	/* the value of name= in .modinfo, in @buf */
};

static bool in_file(__u64 off, __u64 size, size_t len)
{
	return off <= len && size <= len - off;
}

/* The value of the name= entry of .modinfo in @buf, or NULL. */
static char *modinfo_name(char *buf, size_t len)
{
	const struct elf64_hdr *eh = (const void *)buf;
	const struct elf64_shdr *sh, *names_sh;
	const char *names;
	char *p, *end;
	unsigned int i;

	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_shentsize != sizeof(*sh) || eh->e_shstrndx >= eh->e_shnum ||
	    !in_file(eh->e_shoff, (__u64)eh->e_shnum * sizeof(*sh), len))
		return NULL;
	sh = (const void *)(buf + eh->e_shoff);
	names_sh = &sh[eh->e_shstrndx];
	if (!names_sh->sh_size ||
	    !in_file(names_sh->sh_offset, names_sh->sh_size, len))
		return NULL;
	names = buf + names_sh->sh_offset;
	if (names[names_sh->sh_size - 1])
		return NULL;
	for (i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_name >= names_sh->sh_size ||
		    strcmp(names + sh[i].sh_name, ".modinfo"))
			continue;
		if (!sh[i].sh_size || !in_file(sh[i].sh_offset, sh[i].sh_size, len))
			return NULL;
		p = buf + sh[i].sh_offset;
		end = p + sh[i].sh_size;
		if (end[-1])
			return NULL;
		for (; p < end; p += strlen(p) + 1)
			if (!strncmp(p, "name=", 5))
				return p + 5;
		return NULL;
	}
	return NULL;
}

static int image_read(struct image *img, const char *path)
{
	img->buf = read_all(path, &img->len);
	if (!img->buf) {
		note("%s: %s: the rows that need it are missing", path,
		     strerror(errno));
		return -1;
	}
	img->name = modinfo_name(img->buf, img->len);
	if (!img->name) {
		note("%s: no name= in .modinfo", path);
		free(img->buf);
		img->buf = NULL;
		return -1;
	}
	return 0;
}

/*
 * Give the image in memory the module name @prefix followed by @i in
 * three digits: the same length as the old name, or it fails.
 */
static int image_rename(struct image *img, const char *prefix, unsigned int i)
{
	char name[64];

	snprintf(name, sizeof(name), "%s%03u", prefix, i);
	if (strlen(name) != strlen(img->name))
		return -EINVAL;
	memcpy(img->name, name, strlen(name));
	return 0;
}

/* User-space processes for the baselines */

/*
 * Start @path with @argv and the environment of an ELF module, with its
 * fds 0 to 3 on @fds[] (-1: /dev/null) and no other fd, as the kernel
 * starts an ELF module.
 */
static pid_t spawn_at(int exe, const char *path, char *const argv[],
		      const int fds[4])
{
	int tmp[4], i, null;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid)
		return pid;
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (i = 0; i < 4; i++) {
		tmp[i] = fcntl(fds[i] >= 0 ? fds[i] : null, F_DUPFD_CLOEXEC, 10);
		if (tmp[i] < 0)
			_exit(126);
	}
	for (i = 0; i < 4; i++)
		if (dup2(tmp[i], i) < 0)
			_exit(126);
	/* Nothing else, not even what this program inherited. */
	close_range(4, ~0U, CLOSE_RANGE_CLOEXEC);
	if (exe >= 0)
		fexecve(exe, argv, module_env);
	else
		execve(path, argv, module_env);
	_exit(127);
}

static pid_t spawn(const char *path, char *const argv[], const int fds[4])
{
	return spawn_at(-1, path, argv, fds);
}

/* Wait for "READY=1" on @fd, as the kernel does on an ELF module's fd 3. */
static int wait_ready(int fd)
{
	char buf[256];
	size_t used = 0;
	ssize_t n;

	while (used < sizeof(buf) - 1) {
		n = read(fd, buf + used, sizeof(buf) - 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EPIPE;
		used += n;
		buf[used] = '\0';
		if (strstr(buf, "READY=1\n"))
			return 0;
	}
	return -EPROTO;
}

static int reap(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	return WIFEXITED(status) ? -WEXITSTATUS(status) : -ECHILD;
}

/* Read exactly @len bytes from @fd; 0, or -1 (errno 0 at end of file). */
static int read_fd_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	ssize_t n;

	while (len) {
		n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!n)
				errno = 0;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * The echo server of the user-space baseline: a module's loop over two
 * pipes, each message framed by the channel's header.
 */
static pid_t echo_server(int *req_fd, int *reply_fd)
{
	static char buf[ELF_MODULE_MSG_MAX];
	struct elf_module_msg_hdr hdr;
	int req[2], reply[2];
	pid_t pid;

	if (pipe2(req, O_CLOEXEC))
		return -1;
	if (pipe2(reply, O_CLOEXEC)) {
		close(req[0]);
		close(req[1]);
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (!pid) {
		if (dup2(req[0], 0) < 0 || dup2(reply[1], 1) < 0)
			_exit(1);
		close(req[1]);
		close(reply[0]);
		while (!read_fd_all(0, &hdr, sizeof(hdr)) &&
		       hdr.len <= sizeof(buf) && !read_fd_all(0, buf, hdr.len)) {
			hdr.type = ELF_MODULE_MSG_REPLY;
			if (elf_module_write_all(1, &hdr, sizeof(hdr)) ||
			    elf_module_write_all(1, buf, hdr.len))
				_exit(1);
		}
		_exit(0);
	}
	close(req[0]);
	close(reply[1]);
	*req_fd = req[1];
	*reply_fd = reply[0];
	if (pid < 0) {
		close(req[1]);
		close(reply[0]);
	}
	return pid;
}

/* The request of @call, as lib/test_umh_elf.c fills it. */
static void fill(unsigned char *buf, size_t size, unsigned int id,
		 unsigned int call)
{
	size_t i;

	for (i = 0; i < size; i++)
		buf[i] = (unsigned char)(id * 31 + call * 7 + i);
}

/* @calls round trips through the echo server, as the driver makes them. */
static int user_echo(int req_fd, int reply_fd, size_t size,
		     unsigned int calls)
{
	static unsigned char req[ELF_MODULE_MSG_MAX + 1];
	static unsigned char reply[ELF_MODULE_MSG_MAX + 1];
	struct elf_module_msg_hdr hdr = { .type = ELF_MODULE_MSG_REQUEST };
	unsigned int call;

	for (call = 0; call < calls; call++) {
		fill(req, size, 0, call);
		hdr.id = call + 1;
		hdr.len = size;
		if (elf_module_write_all(req_fd, &hdr, sizeof(hdr)) ||
		    elf_module_write_all(req_fd, req, size) ||
		    read_fd_all(reply_fd, &hdr, sizeof(hdr)))
			return errno ? -errno : -EPIPE;
		if (hdr.len != size || hdr.id != call + 1)
			return -EBADMSG;
		if (read_fd_all(reply_fd, reply, hdr.len))
			return errno ? -errno : -EPIPE;
		if (memcmp(req, reply, size))
			return -EBADMSG;
	}
	return 0;
}

/* Measurements: operations run in turn, one run of each per round */

struct op {
	const char *what;
	int (*run)(struct op *op, double *ms);
	int fd;			/* the image to load, or the request pipe */
	int fd2;		/* the reply pipe */
	const char *arg;	/* parameters, command or executable */
	const char *run_file;	/* where op_drive() writes @arg, if not RUN_FILE */
	const void *image;	/* op_memfd_*(): the executable's bytes */
	size_t image_len;	/* op_memfd_*(): and their number */
	const char *unload;	/* module to unload after each run */
	bool unload_timed;	/* count the unload in the time */
	size_t size;		/* user-space echo: message size */
	unsigned int calls;	/* user-space echo: round trips */
	double scale;		/* a sample is the time in ms times this */
	struct samples s;
	int err;		/* the first error */
	unsigned int errors;
};

/* finit_module() of @fd with parameters @arg, then unload @unload. */
static int op_load(struct op *op, double *ms)
{
	double t0 = now_ms();
	int err;

	err = load_fd(op->fd, op->arg);
	*ms = now_ms() - t0;
	if (!err && op->unload) {
		err = unload(op->unload);
		if (op->unload_timed)
			*ms = now_ms() - t0;
	}
	return err;
}

/* fork(), execve() of @arg, waitpid(): the floor of a launch. */
static int op_exec(struct op *op, double *ms)
{
	static char *const argv[] = { TINY, NULL };
	double t0 = now_ms();
	pid_t pid;
	int err;

	pid = fork();
	if (!pid) {
		execve(op->arg, argv, module_env);
		_exit(127);
	}
	if (pid < 0)
		return -errno;
	err = reap(pid);
	*ms = now_ms() - t0;
	return err;
}

/*
 * The steps of usermode_driver.c (fork_usermode_blob(), removed in 6.17),
 * done from user space: the @size bytes of @image written to a new
 * shmem file (memfd_create()), then that file executed (its read-only
 * reopening, since a file open for writing cannot be executed) and waited
 * for.
 */
/*
 * A new shmem file (memfd_create()) holding the @size bytes of @image,
 * reopened read-only, since a file open for writing cannot be executed.
 * Returns the read-only fd or -errno.
 */
static int memfd_image(const void *image, size_t size)
{
	int fd, ro;
	char path[64];

	fd = memfd_create(TINY, MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, image, size) != (ssize_t)size) {
		close(fd);
		return -EIO;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ro = open(path, O_RDONLY | O_CLOEXEC);
	close(fd);
	return ro < 0 ? -errno : ro;
}

static int op_memfd_exec(struct op *op, double *ms)
{
	static char *const argv[] = { TINY, NULL };
	double t0 = now_ms();
	int ro, err = 0;
	pid_t pid;

	ro = memfd_image(op->image, op->image_len);
	if (ro < 0)
		return ro;
	pid = fork();
	if (!pid) {
		fexecve(ro, argv, module_env);
		_exit(127);
	}
	if (pid < 0)
		err = -errno;
	close(ro);
	if (!err)
		err = reap(pid);
	*ms = now_ms() - t0;
	return err;
}

/*
 * fork+fexecve()+waitpid() of the memfd that memfd_image() wrote once,
 * before the runs: a private copy whose pages ran before.
 */
static int op_memfd_exec_again(struct op *op, double *ms)
{
	static char *const argv[] = { TINY, NULL };
	double t0 = now_ms();
	int err = 0;
	pid_t pid;

	if (op->fd < 0)
		return op->fd;
	pid = fork();
	if (!pid) {
		fexecve(op->fd, argv, module_env);
		_exit(127);
	}
	if (pid < 0)
		err = -errno;
	else
		err = reap(pid);
	*ms = now_ms() - t0;
	return err;
}

/*
 * What containment adds to a launch, done from user space: make a cgroup,
 * fork+execve+waitpid() with the child born in it (clone3() with
 * CLONE_INTO_CGROUP), remove the cgroup.
 */
static int op_exec_cgroup(struct op *op, double *ms)
{
	static char *const argv[] = { TINY, NULL };
	struct clone_args args = {
		.flags = CLONE_INTO_CGROUP,
		.exit_signal = SIGCHLD,
	};
	double t0 = now_ms();
	int dir, err;
	pid_t pid;

	if (mkdir(BENCH_CGROUP, 0755))
		return -errno;
	dir = open(BENCH_CGROUP, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (dir < 0) {
		err = -errno;
		rmdir(BENCH_CGROUP);
		return err;
	}
	args.cgroup = dir;
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (!pid) {
		execve(op->arg, argv, module_env);
		_exit(127);
	}
	err = pid < 0 ? -errno : reap(pid);
	close(dir);
	if (rmdir(BENCH_CGROUP) && !err)
		err = -errno;
	*ms = now_ms() - t0;
	return err;
}

/*
 * Start TEST mode=ready from user space and wait for its READY=1: the
 * file @op->arg, or if @copy a private copy of it: the @op->image_len
 * bytes of @op->image written to a new shmem file (memfd_create()),
 * which is then executed, as the kernel runs an ELF module from its own
 * copy.  The copy is timed.
 */
static int exec_ready(struct op *op, double *ms, bool copy)
{
	static char *const argv[] = { TEST, "mode=ready", NULL };
	int fds[4] = { -1, -1, -1, -1 }, p[2], ro = -1, err;
	pid_t pid = -1;
	double t0;

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	fds[3] = p[1];
	t0 = now_ms();
	if (copy)
		ro = memfd_image(op->image, op->image_len);
	if (copy && ro < 0) {
		err = ro;
	} else {
		pid = spawn_at(ro, op->arg, argv, fds);
		err = pid < 0 ? -errno : 0;
	}
	close(p[1]);
	if (ro >= 0)
		close(ro);
	if (err) {
		close(p[0]);
		return err;
	}
	err = wait_ready(p[0]);
	*ms = now_ms() - t0;
	close(p[0]);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return err;
}

static int op_exec_ready(struct op *op, double *ms)
{
	return exec_ready(op, ms, false);
}

static int op_memfd_ready(struct op *op, double *ms)
{
	return exec_ready(op, ms, true);
}

/* @ready(@op), plus the bench helper's "@cmd @op->size 1" in the kernel. */
static int ready_plus_helper(struct op *op, double *ms,
			     int (*ready)(struct op *op, double *ms),
			     const char *cmd)
{
	double helper_ms;
	int err;

	err = ready(op, ms);
	if (!err)
		err = drive_at(HELPER_RUN_FILE, &helper_ms, "%s %zu 1", cmd,
			       op->size);
	if (!err)
		*ms += helper_ms;
	return err;
}

/*
 * The floor of a verified launch of an image of @op->size bytes: a
 * private copy of the program executed until READY=1 (op_memfd_ready():
 * the one copy, which is also what runs), plus one SHA-256 pass over
 * that many bytes in the kernel (the bench helper's hash).
 */
static int op_ready_floor(struct op *op, double *ms)
{
	return ready_plus_helper(op, ms, op_memfd_ready, "hash");
}

/*
 * The floor as it was measured up to session 9: op_exec_ready() of the
 * file (whose pages, cached, run again and again), plus one SHA-256 pass
 * and one copy in the kernel that nothing runs (the helper's hashcopy).
 */
static int op_ready_floor_cached(struct op *op, double *ms)
{
	return ready_plus_helper(op, ms, op_exec_ready, "hashcopy");
}

/*
 * The first use of a built-in ELF module (CONFIG_SAMPLE_UMH_ELF_BUILTIN):
 * stop it through sysfs (not timed), then time umh_elf_get() of it, which
 * starts it and returns once it is ready.
 */
static int op_builtin_get(struct op *op, double *ms)
{
	char state[PATH_MAX];
	int err;

	snprintf(state, sizeof(state), "/sys/module/%s/elf/state", op->arg);
	err = write_text(state, "stop");
	if (!err)
		err = drive_at(RUN_FILE, ms, "get %s", op->arg);
	return err;
}

/* The test driver's command @arg, then unload @unload. */
static int op_drive(struct op *op, double *ms)
{
	int err;

	err = drive_at(op->run_file ?: RUN_FILE, ms, "%s", op->arg);
	if (op->unload) {
		int err2 = unload(op->unload);

		err = err ?: err2;
	}
	return err;
}

/*
 * The floor of request_module() of an ELF module of @op->size bytes
 * signed: op_ready_floor() (the test program's copy run, @op->size bytes
 * hashed), plus request_module() of an alias of the regular module:
 * modprobe's run at the same alias depth and the load of a module of a
 * few KiB.
 */
static int op_request_floor(struct op *op, double *ms)
{
	struct op regular = { .arg = "request " REGULAR_ALIAS " 1",
			      .unload = REGULAR };
	double request_ms;
	int err;

	err = op_ready_floor(op, ms);
	if (!err)
		err = op_drive(&regular, &request_ms);
	if (!err)
		*ms += request_ms;
	return err;
}

static int op_user_echo(struct op *op, double *ms)
{
	double t0 = now_ms();
	int err;

	err = user_echo(op->fd, op->fd2, op->size, op->calls);
	*ms = now_ms() - t0;
	return err;
}

/* One of the clients of the parallel baseline, on a pipe pair of its own. */
struct par_client {
	int req_fd, reply_fd;
	pid_t server;
	int err;
};

static struct par_client par_clients[PAR_THREADS];

/* PAR_CALLS round trips of 64 bytes, as user_echo() makes them. */
static void *par_client_run(void *arg)
{
	struct elf_module_msg_hdr hdr = { .type = ELF_MODULE_MSG_REQUEST };
	unsigned char req[64], reply[64];
	struct par_client *c = arg;
	unsigned int call;

	for (call = 0; call < PAR_CALLS && !c->err; call++) {
		fill(req, sizeof(req), 0, call);
		hdr.id = call + 1;
		hdr.len = sizeof(req);
		if (elf_module_write_all(c->req_fd, &hdr, sizeof(hdr)) ||
		    elf_module_write_all(c->req_fd, req, sizeof(req)) ||
		    read_fd_all(c->reply_fd, &hdr, sizeof(hdr)) ||
		    hdr.len != sizeof(req) ||
		    read_fd_all(c->reply_fd, reply, sizeof(reply)) ||
		    memcmp(req, reply, sizeof(req)))
			c->err = -EBADMSG;
	}
	return NULL;
}

/* Start the PAR_THREADS echo servers of the parallel baseline. */
static int par_servers_start(void)
{
	int i;

	for (i = 0; i < PAR_THREADS; i++) {
		par_clients[i].server = echo_server(&par_clients[i].req_fd,
						    &par_clients[i].reply_fd);
		if (par_clients[i].server < 0)
			return -errno;
	}
	return 0;
}

/*
 * Each server forked after another holds copies of its pipes, so closing
 * ours gives no end of file: end them with a signal.
 */
static void par_servers_stop(void)
{
	int i;

	for (i = 0; i < PAR_THREADS; i++) {
		if (par_clients[i].server <= 0)
			continue;
		close(par_clients[i].req_fd);
		close(par_clients[i].reply_fd);
		kill(par_clients[i].server, SIGKILL);
		waitpid(par_clients[i].server, NULL, 0);
	}
}

/* PAR_THREADS threads at once, each through its own pipe pair. */
static int op_user_parallel(struct op *op, double *ms)
{
	pthread_t t[PAR_THREADS];
	double t0 = now_ms();
	int i, started, err = 0;

	for (started = 0; started < PAR_THREADS; started++) {
		par_clients[started].err = 0;
		if (pthread_create(&t[started], NULL, par_client_run,
				   &par_clients[started])) {
			err = -EAGAIN;
			break;
		}
	}
	for (i = 0; i < started; i++) {
		pthread_join(t[i], NULL);
		err = err ?: par_clients[i].err;
	}
	*ms = now_ms() - t0;
	return err;
}

static void op_run(struct op *op, bool record)
{
	double ms = 0;
	int err;

	err = op->run(op, &ms);
	if (err) {
		if (!op->errors++)
			op->err = err;
	} else if (record) {
		add(&op->s, ms * op->scale);
	}
}

/*
 * Run @ops in turn, once each to warm up, then round after round as
 * @r allows.  Returns the number of rounds.
 */
static unsigned int measure(const char *section, struct op *ops,
			    unsigned int nops, const struct reps *r)
{
	unsigned int i, round;
	double start;

	for (i = 0; i < nops; i++)
		op_run(&ops[i], false);
	start = now_ms();
	for (round = 0; again(r, round, start); round++) {
		for (i = 0; i < nops; i++)
			op_run(&ops[i], true);
		progress("%s: round %u", section, round + 1);
	}
	for (i = 0; i < nops; i++)
		if (ops[i].errors)
			note("%s: %u runs failed (first: %s)", ops[i].what,
			     ops[i].errors, strerror(-ops[i].err));
	return round;
}

/* 1. Launch: fixed cost */

static void bench_launch(void)
{
	size_t image_len = 0;
	void *image = read_all(OPT TINY ".unsigned.ko", &image_len);
	struct op ops[] = {
		{ .what = "finit_module(" TINY " unsigned)", .run = op_load,
		  .fd = open_file(OPT TINY ".unsigned.ko"), .arg = "",
		  .scale = 1 },
		{ .what = "finit_module(" TINY " signed)", .run = op_load,
		  .fd = open_extra(TINY), .arg = "", .scale = 1 },
		{ .what = "fork+execve+waitpid(" TINY ")", .run = op_exec,
		  .arg = TINY_COPY, .scale = 1 },
		{ .what = "finit_module+delete_module(" REGULAR " unsigned)",
		  .run = op_load, .fd = open_file(OPT REGULAR ".unsigned.ko"),
		  .arg = "", .unload = REGULAR, .unload_timed = true,
		  .scale = 1 },
		{ .what = "finit_module+delete_module(" REGULAR " signed)",
		  .run = op_load, .fd = open_extra(REGULAR), .arg = "",
		  .unload = REGULAR, .unload_timed = true, .scale = 1 },
		{ .what = "memfd_create+write+fexecve+waitpid(" TINY ")",
		  .run = op_memfd_exec, .image = image, .image_len = image_len,
		  .scale = 1 },
		{ .what = "fork+execve+waitpid(" TINY ") in a new cgroup",
		  .run = op_exec_cgroup, .arg = TINY_COPY, .scale = 1 },
		{ .what = "fork+fexecve+waitpid(" TINY ") of one memfd",
		  .run = op_memfd_exec_again, .scale = 1 },
	};
	const struct reps r = { 30, 50, 30e3 };
	unsigned int i;
	int err;

	progress("launch: fixed cost");
	if (!image) {
		note("%s: %s", OPT TINY ".unsigned.ko", strerror(errno));
		return;
	}
	err = copy_exec(OPT TINY ".unsigned.ko", TINY_COPY);
	if (err)
		note("%s: %s", TINY_COPY, strerror(-err));
	unload(REGULAR);
	ops[7].fd = memfd_image(image, image_len);
	measure("launch", ops, ARRAY_SIZE(ops), &r);

	desc("launch.fixed",
	     "finit_module() of %s (unsigned; returns once it has exited) against fork()+execve()+waitpid() of the same file from user space",
	     TINY);
	if (row("launch.fixed", "ms", &ops[0].s, &ops[2].s))
		check_target("launch.fixed", "<= 1.25x fork+exec",
			     ratio_at_most(&ops[0].s, &ops[2].s, 1.25));
	desc("launch.fixed.vs_blob_exec",
	     "the same launch against the steps of the prior art, usermode_driver.c's fork_usermode_blob() (removed in 6.17), done from user space on the same bytes: memfd_create()+write()+fexecve()+waitpid()");
	row("launch.fixed.vs_blob_exec", "ms", &ops[0].s, &ops[5].s);
	desc("launch.fixed.vs_regular",
	     "the same launch against finit_module()+delete_module() of the trivial regular module %s (both unsigned)",
	     REGULAR);
	row("launch.fixed.vs_regular", "ms", &ops[0].s, &ops[3].s);
	desc("launch.fixed.signed",
	     "finit_module() of the signed %s against the unsigned one: the cost of the signature check",
	     TINY);
	row("launch.fixed.signed", "ms", &ops[1].s, &ops[0].s);
	desc("launch.fixed.signed.vs_regular",
	     "finit_module() of the signed %s against finit_module()+delete_module() of the signed %s",
	     TINY, REGULAR);
	row("launch.fixed.signed.vs_regular", "ms", &ops[1].s, &ops[4].s);
	desc("launch.containment",
	     "what a cgroup per launch costs, measured from user space: fork()+execve()+waitpid() of %s born in a cgroup made for it and removed after (clone3 CLONE_INTO_CGROUP) against the same without; every ELF module launch pays this since containment (compare launch.fixed with the run before it in bench/)",
	     TINY);
	row("launch.containment", "ms", &ops[6].s, &ops[2].s);
	desc("launch.fresh_copy",
	     "what running a copy written just before costs: memfd_create()+write()+fexecve()+waitpid() of %s, a new copy each run, against fork()+fexecve()+waitpid() of one memfd written once (every verified launch runs a fresh private copy; under TCG, code in freshly written pages is translated anew)",
	     TINY);
	row("launch.fresh_copy", "ms", &ops[5].s, &ops[7].s);
	desc("launch.memfd_again",
	     "fork()+fexecve()+waitpid() of one memfd written once against fork()+execve()+waitpid() of the file: a private copy costs nothing once it has run");
	row("launch.memfd_again", "ms", &ops[7].s, &ops[2].s);

	for (i = 0; i < ARRAY_SIZE(ops); i++)
		if ((ops[i].run == op_load || ops[i].run == op_memfd_exec_again) &&
		    ops[i].fd >= 0)
			close(ops[i].fd);
	free(image);
}

/* 1. Launch: cost per MiB of image */

/* Least-squares slope of @n points. */
static double slope(const double *x, const double *y, unsigned int n)
{
	double mx = 0, my = 0, sxy = 0, sxx = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		mx += x[i] / n;
		my += y[i] / n;
	}
	for (i = 0; i < n; i++) {
		sxy += (x[i] - mx) * (y[i] - my);
		sxx += (x[i] - mx) * (x[i] - mx);
	}
	return sxx > 0 ? sxy / sxx : 0;
}

/*
 * The slope of each round, from the samples of @ops[0..2] (rounds line up
 * when none failed), or else of their medians.
 */
static void slopes(struct op *ops, const double *mib, struct samples *out)
{
	unsigned int i, round, n = ops[0].s.n;
	double y[3];

	if (ops[1].s.n == n && ops[2].s.n == n && n &&
	    !ops[0].errors && !ops[1].errors && !ops[2].errors) {
		for (round = 0; round < n; round++) {
			for (i = 0; i < 3; i++)
				y[i] = ops[i].s.v[round];
			add(out, slope(mib, y, 3));
		}
		return;
	}
	for (i = 0; i < 3; i++) {
		if (!ops[i].s.n)
			return;
		y[i] = median(&ops[i].s);
	}
	note("launch.per_mib: rounds do not line up: slope of the medians only");
	add(out, slope(mib, y, 3));
}

static void bench_size(void)
{
	static const char * const sizes[] = { "1m", "4m", "16m" };
	static char paths[6][PATH_MAX], names[6][64], hashcopy_cmd[64];
	struct samples per_mib[2] = { 0 };
	struct op ops[7] = { 0 };
	const struct reps r = { 5, 15, 60e3 };
	double mib[2][3];
	unsigned int i, s;

	progress("launch: cost per MiB of image");
	for (s = 0; s < 2; s++) {
		for (i = 0; i < 3; i++) {
			struct op *op = &ops[s * 3 + i];

			snprintf(paths[s * 3 + i], sizeof(paths[0]),
				 OPT TINY "_%s%s.ko", sizes[i],
				 s ? "" : ".unsigned");
			snprintf(names[s * 3 + i], sizeof(names[0]),
				 "finit_module(%s_%s %s)", TINY, sizes[i],
				 s ? "signed" : "unsigned");
			op->what = names[s * 3 + i];
			op->run = op_load;
			op->fd = open_file(paths[s * 3 + i]);
			op->arg = "";
			op->scale = 1;
			mib[s][i] = file_mib(op->fd);
		}
	}
	for (i = 0; i < 6 && ops[i].fd >= 0; i++)
		;
	if (i < 6) {
		note("launch.per_mib: the padded images are missing (make bench builds them)");
		goto out;
	}
	if (access(HELPER_RUN_FILE, W_OK))
		note("%s: %s: no hash+copy baseline (bench helper module)",
		     HELPER_RUN_FILE, strerror(errno));
	snprintf(hashcopy_cmd, sizeof(hashcopy_cmd), "hashcopy %u %u",
		 1U << 20, HASHCOPY_COUNT);
	ops[6].what = "hashcopy 1 MiB";
	ops[6].run = op_drive;
	ops[6].arg = hashcopy_cmd;
	ops[6].run_file = HELPER_RUN_FILE;
	ops[6].scale = 1.0 / HASHCOPY_COUNT;
	ops[6].fd = -1;
	measure("size", ops, 7, &r);

	for (s = 0; s < 2; s++) {
		const char *metric = s ? "launch.per_mib.signed" :
					 "launch.per_mib.unsigned";

		slopes(&ops[s * 3], mib[s], &per_mib[s]);
		desc(metric,
		     "time per extra MiB of image of a one-shot finit_module() (%s; least-squares slope over %s images of %.2f %.2f and %.2f MiB) against one SHA-256 pass plus one copy of 1 MiB in the kernel (bench/umh_elf_bench_helper.c 'hashcopy')",
		     s ? "signed" : "unsigned", TINY, mib[s][0], mib[s][1],
		     mib[s][2]);
		if (row(metric, "ms/MiB", &per_mib[s], &ops[6].s))
			check_target(metric, "<= 1.25x hash+copy",
				     ratio_at_most(&per_mib[s], &ops[6].s, 1.25));
		note("%s: median load times %s ms / %s ms / %s ms at %.2f / %.2f / %.2f MiB",
		     metric, num(median(&ops[s * 3].s)),
		     num(median(&ops[s * 3 + 1].s)),
		     num(median(&ops[s * 3 + 2].s)), mib[s][0], mib[s][1],
		     mib[s][2]);
	}
out:
	for (i = 0; i < 6; i++)
		if (ops[i].fd >= 0)
			close(ops[i].fd);
}

/* 2. Time to ready */

static void bench_ready(void)
{
	static char sample[PATH_MAX + 64];
	struct op builtin[] = {
		{ .what = "finit_module(" SAMPLE_ECHO ") until ready",
		  .run = op_load, .fd = -1, .arg = "", .unload = SAMPLE_ECHO,
		  .scale = 1 },
		{ .what = "umh_elf_get(" SAMPLE_BUILTIN ") built in, first use",
		  .run = op_builtin_get, .fd = -1, .arg = SAMPLE_BUILTIN,
		  .scale = 1 },
	};
	struct op ops[] = {
		{ .what = "finit_module(" TEST " mode=ready signed)",
		  .run = op_load, .fd = open_extra(TEST), .arg = "mode=ready",
		  .unload = TEST, .scale = 1 },
		{ .what = "finit_module(" TEST " mode=ready unsigned)",
		  .run = op_load, .fd = open_file(OPT TEST ".unsigned.ko"),
		  .arg = "mode=ready", .unload = TEST, .scale = 1 },
		{ .what = "fork+execve(" TEST " mode=ready) until READY=1",
		  .run = op_exec_ready, .arg = TEST_COPY, .scale = 1 },
		{ .what = "request_module(" ECHO_ALIAS ")", .run = op_drive,
		  .arg = "request " ECHO_ALIAS " 1", .unload = ECHO,
		  .scale = 1 },
		{ .what = "request_module(" REGULAR ")", .run = op_drive,
		  .arg = "request " REGULAR " 1", .unload = REGULAR,
		  .scale = 1 },
		{ .what = "finit_module(" ECHO_NOLIBC ")", .run = op_load,
		  .fd = open_file(OPT ECHO_NOLIBC ".unsigned.ko"), .arg = "",
		  .unload = ECHO_NOLIBC, .scale = 1 },
		{ .what = "finit_module(" ECHO_GLIBC ")", .run = op_load,
		  .fd = open_file(OPT ECHO_GLIBC ".unsigned.ko"), .arg = "",
		  .unload = ECHO_GLIBC, .scale = 1 },
		/* .size: that of the signed image; .image: set below */
		{ .what = "memfd copy+fexecve(" TEST ") until READY=1, hash",
		  .run = op_ready_floor, .scale = 1 },
		/* .size: that of the signed ECHO; .image: set below */
		{ .what = "ready floor + request_module(" REGULAR_ALIAS ")",
		  .run = op_request_floor, .scale = 1 },
		/* .image: set below */
		{ .what = "memfd copy+fexecve(" TEST " mode=ready) until READY=1",
		  .run = op_memfd_ready, .scale = 1 },
		/* .size: that of the signed image */
		{ .what = "fork+execve(" TEST ") until READY=1, hash+copy",
		  .run = op_ready_floor_cached, .arg = TEST_COPY, .scale = 1 },
	};
	size_t image_len = 0;
	void *image = read_all(OPT TEST ".unsigned.ko", &image_len);
	const struct reps r = { 15, 30, 45e3 };
	unsigned int i;
	int err, fd;

	/* The echo sample built in, and the same program from its file. */
	snprintf(sample, sizeof(sample), "%s/../kernel/samples/umh_elf/%s.ko",
		 extra_dir, SAMPLE_ECHO);
	builtin[0].fd = open_file(sample);
	if (access("/sys/module/" SAMPLE_BUILTIN "/elf/state", W_OK))
		note("ready.builtin: no %s built in: the row is missing",
		     SAMPLE_BUILTIN);
	else
		measure("ready built-in", builtin, ARRAY_SIZE(builtin), &r);
	desc("ready.builtin",
	     "the first umh_elf_get() of the echo sample built into the kernel (%s, stopped through sysfs before each run) until it is ready, against finit_module() of the same program from its file (%s.ko, signed)",
	     SAMPLE_BUILTIN, SAMPLE_ECHO);
	if (row("ready.builtin", "ms", &builtin[1].s, &builtin[0].s))
		check_target("ready.builtin", "< 1x ready of the file",
			     ratio_at_most(&builtin[1].s, &builtin[0].s, 1.0));
	if (builtin[0].fd >= 0)
		close(builtin[0].fd);

	progress("time to ready");
	ops[7].size = file_mib(ops[0].fd) * MIB;
	fd = open_extra(ECHO);
	ops[8].size = fd < 0 ? ops[7].size : file_mib(fd) * MIB;
	if (fd >= 0)
		close(fd);
	ops[10].size = ops[7].size;
	for (i = 7; i <= 9; i++) {
		ops[i].image = image;
		ops[i].image_len = image_len;
	}
	if (!image)
		note("%s: %s: no ready.floor", OPT TEST ".unsigned.ko",
		     strerror(errno));
	if (access(HELPER_RUN_FILE, W_OK))
		note("%s: %s: no ready.floor (bench helper module)",
		     HELPER_RUN_FILE, strerror(errno));
	err = copy_exec(OPT TEST ".unsigned.ko", TEST_COPY);
	if (err)
		note("%s: %s", TEST_COPY, strerror(-err));
	unload(TEST);
	unload(ECHO);
	unload(REGULAR);
	unload(ECHO_NOLIBC);
	unload(ECHO_GLIBC);
	measure("ready", ops, ARRAY_SIZE(ops), &r);

	desc("ready.finit",
	     "finit_module() of the signed %s mode=ready until it returns (READY=1) against starting the same file from user space with fork()+execve() until it writes READY=1 to fd 3",
	     TEST);
	row("ready.finit", "ms", &ops[0].s, &ops[2].s);
	desc("ready.finit.unsigned", "the same with the unsigned %s", TEST);
	row("ready.finit.unsigned", "ms", &ops[1].s, &ops[2].s);
	desc("ready.floor",
	     "the floor of a verified launch: one copy of %s (its unsigned image, %zu bytes) written to a new memfd and executed from there (fork()+fexecve()) until READY=1, as the kernel runs an ELF module from its own copy, plus one SHA-256 pass in the kernel over as many bytes as the signed image (%zu; the bench helper's hash), against fork()+execve() of the file",
	     TEST, image_len, ops[7].size);
	row("ready.floor", "ms", &ops[7].s, &ops[2].s);
	desc("ready.fresh_copy",
	     "the floor's copy alone: %s written to a new memfd and executed from there until READY=1, against fork()+execve() of the file (whose cached pages run again and again; under TCG, code in freshly written pages is translated anew)",
	     TEST);
	row("ready.fresh_copy", "ms", &ops[9].s, &ops[2].s);
	desc("ready.floor.cached",
	     "the floor as measured up to session 9: fork()+execve() of the file until READY=1, plus one SHA-256 pass and one copy in the kernel that nothing runs (the helper's hashcopy), against ready.floor");
	row("ready.floor.cached", "ms", &ops[10].s, &ops[7].s);
	desc("ready.finit.vs_floor",
	     "ready.finit (signed) against ready.floor, in turn");
	if (row("ready.finit.vs_floor", "ms", &ops[0].s, &ops[7].s))
		check_target("ready.finit.vs_floor", "<= 1.25x the floor",
			     ratio_at_most(&ops[0].s, &ops[7].s, 1.25));
	desc("ready.finit.unsigned.vs_floor",
	     "ready.finit.unsigned against ready.floor, in turn");
	if (row("ready.finit.unsigned.vs_floor", "ms", &ops[1].s, &ops[7].s))
		check_target("ready.finit.unsigned.vs_floor",
			     "<= 1.25x the floor",
			     ratio_at_most(&ops[1].s, &ops[7].s, 1.25));
	desc("ready.request_module",
	     "request_module() of the alias %s of the ELF module %s (modprobe; returns once it is ready) against request_module() of the regular module %s",
	     ECHO_ALIAS, ECHO, REGULAR);
	row("ready.request_module", "ms", &ops[3].s, &ops[4].s);
	desc("ready.request_module.vs_floor",
	     "request_module(%s) as above against its floor: ready.floor (a fresh copy of %s run until READY=1, the hash over as many bytes as the signed %s), plus request_module() of the regular module's alias %s (modprobe at the same alias depth), in turn",
	     ECHO_ALIAS, TEST, ECHO, REGULAR_ALIAS);
	if (row("ready.request_module.vs_floor", "ms", &ops[3].s, &ops[8].s))
		check_target("ready.request_module.vs_floor",
			     "<= 1.25x the floor",
			     ratio_at_most(&ops[3].s, &ops[8].s, 1.25));
	desc("ready.nolibc",
	     "finit_module() of the unsigned sample echo server built against the kernel's nolibc (%s, %.2f MiB) until it returns (READY=1; the rmmod after each run is not timed) against the same program built against static glibc (%s, %.2f MiB)",
	     ECHO_NOLIBC, file_mib(ops[5].fd), ECHO_GLIBC,
	     file_mib(ops[6].fd));
	row("ready.nolibc", "ms", &ops[5].s, &ops[6].s);

	for (i = 0; i < ARRAY_SIZE(ops); i++)
		if (ops[i].fd > 0)
			close(ops[i].fd);
	free(image);
}

/* 3. Channel */

/*
 * PAR_THREADS kernel threads calling one module, served by as many
 * threads of it, against as many user-space pairs over pipes.
 */
static void bench_channel_parallel(void)
{
	static char cmd[128];
	const struct reps r = { 7, 15, 40e3 };
	struct op ops[2] = {
		{ .what = "8 x echo 64 B in-kernel API", .run = op_drive,
		  .arg = cmd, .scale = 1e3 / (PAR_THREADS * PAR_CALLS) },
		{ .what = "8 x echo 64 B over 8 pipe pairs",
		  .run = op_user_parallel,
		  .scale = 1e3 / (PAR_THREADS * PAR_CALLS) },
	};
	int fd, err;

	snprintf(cmd, sizeof(cmd), "echo %s %u %u 64 %u", ECHO, PAR_THREADS,
		 PAR_CALLS, CALL_TIMEOUT_MS);
	fd = open_extra(ECHO);
	err = load_fd(fd, "threads=8");
	if (fd >= 0)
		close(fd);
	if (!err)
		err = par_servers_start();
	if (err) {
		note("channel.parallel_64B: %s: the row is missing",
		     strerror(-err));
	} else {
		measure("channel parallel", ops, 2, &r);
	}
	par_servers_stop();
	unload(ECHO);

	desc("channel.parallel_64B",
	     "time per call (total time / calls) with %u kernel threads calling %s at once, %u 64-byte round trips each, the module serving from %u threads, against %u user-space threads each ping-ponging its own echo process over its own pipe pair",
	     PAR_THREADS, ECHO, PAR_CALLS, PAR_THREADS, PAR_THREADS);
	if (row("channel.parallel_64B", "us/call", &ops[0].s, &ops[1].s))
		check_target("channel.parallel_64B", "throughput >= 0.8x pipes (<= 1.25x time)",
			     ratio_at_most(&ops[0].s, &ops[1].s, 1.25));
}

static void bench_channel(void)
{
	static char rtt_cmd[128], bulk_cmd[128];
	const double bulk_mib = BULK_CALLS * 2.0 * BULK_SIZE / MIB;
	const struct reps r = { 7, 15, 40e3 };
	int req_fd = -1, reply_fd = -1, err;
	struct op ops[7] = {
		{ .what = "echo 64 B in-kernel API", .run = op_drive,
		  .arg = rtt_cmd, .scale = 1e3 / RTT_CALLS },
		{ .what = "echo 64 B over pipes", .run = op_user_echo,
		  .size = 64, .calls = RTT_CALLS, .scale = 1e3 / RTT_CALLS },
		{ .what = "echo 64 KiB in-kernel API", .run = op_drive,
		  .arg = bulk_cmd, .scale = 1 / bulk_mib },
		{ .what = "echo 64 KiB over pipes", .run = op_user_echo,
		  .size = BULK_SIZE, .calls = BULK_CALLS,
		  .scale = 1 / bulk_mib },
	};
	pid_t server;
	int fd;

	progress("channel");
	snprintf(rtt_cmd, sizeof(rtt_cmd), "echo %s 1 %u 64 %u", ECHO,
		 RTT_CALLS, CALL_TIMEOUT_MS);
	snprintf(bulk_cmd, sizeof(bulk_cmd), "echo %s 1 %u %u %u", ECHO,
		 BULK_CALLS, BULK_SIZE, CALL_TIMEOUT_MS);
	unload(ECHO);
	fd = open_extra(ECHO);
	err = load_fd(fd, "");
	if (fd >= 0)
		close(fd);
	if (err) {
		note("channel: loading %s: %s: the channel rows are missing",
		     ECHO, strerror(-err));
		return;
	}
	server = echo_server(&req_fd, &reply_fd);
	if (server < 0)
		note("channel: user-space echo server: %s", strerror(errno));
	ops[1].fd = req_fd;
	ops[1].fd2 = reply_fd;
	ops[3].fd = req_fd;
	ops[3].fd2 = reply_fd;
	measure("channel", ops, 4, &r);
	if (server > 0) {
		close(req_fd);
		close(reply_fd);
		waitpid(server, NULL, 0);
	}
	unload(ECHO);

	desc("channel.rtt_64B",
	     "round trip of a 64-byte request through umh_elf_call() to %s (test driver 'echo'; %u calls a sample) against the same framing between two user-space processes over two pipes",
	     ECHO, RTT_CALLS);
	if (row("channel.rtt_64B", "us", &ops[0].s, &ops[1].s))
		check_target("channel.rtt_64B", "<= 1.5x pipe ping-pong",
			     ratio_at_most(&ops[0].s, &ops[1].s, 1.5));
	desc("channel.bulk_64KiB",
	     "time per MiB moved (request + reply) with 64 KiB messages through umh_elf_call() against the same over pipes between two user-space processes; throughput = 1000 / value MiB/s",
	     ECHO);
	if (row("channel.bulk_64KiB", "ms/MiB", &ops[2].s, &ops[3].s))
		check_target("channel.bulk_64KiB", "throughput >= 0.8x pipes (<= 1.25x time)",
			     ratio_at_most(&ops[2].s, &ops[3].s, 1.25));
	if (ops[2].s.n && ops[3].s.n)
		note("channel.bulk_64KiB: %s MiB/s through the kernel API and %s MiB/s over pipes",
		     num(1e3 / median(&ops[2].s)), num(1e3 / median(&ops[3].s)));
	bench_channel_parallel();
}

/* 4. Memory of live modules */

struct meminfo {
	long long sunreclaim, vmalloc, shmem, kstack, ptables;	/* KiB */
};

static int meminfo_read(struct meminfo *m)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "SUnreclaim:", offsetof(struct meminfo, sunreclaim) },
		{ "VmallocUsed:", offsetof(struct meminfo, vmalloc) },
		{ "Shmem:", offsetof(struct meminfo, shmem) },
		{ "KernelStack:", offsetof(struct meminfo, kstack) },
		{ "PageTables:", offsetof(struct meminfo, ptables) },
	};
	char line[256];
	unsigned int i, found = 0;
	FILE *f;

	memset(m, 0, sizeof(*m));
	f = fopen("/proc/meminfo", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		for (i = 0; i < ARRAY_SIZE(keys); i++)
			if (!strncmp(line, keys[i].key, strlen(keys[i].key))) {
				*(long long *)((char *)m + keys[i].off) =
					atoll(line + strlen(keys[i].key));
				found++;
			}
	fclose(f);
	return found == ARRAY_SIZE(keys) ? 0 : -ENODATA;
}

/* Let freed memory settle and drop what is reclaimable. */
static void settle(void)
{
	sync();
	write_text(DROP_CACHES, "3");
	usleep(300000);
	write_text(DROP_CACHES, "3");
	usleep(200000);
}

/* @n ELF modules umh_elf_x000... from @img, each mode=ready: how many. */
static unsigned int load_many(struct image *img, unsigned int n, int *err)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		*err = image_rename(img, "umh_elf_x", i);
		if (!*err)
			*err = load_image(img->buf, img->len, "mode=ready");
		if (*err)
			break;
	}
	return i;
}

static void unload_many(unsigned int n)
{
	char name[32];
	unsigned int i;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "umh_elf_x%03u", i);
		unload(name);
	}
}

/*
 * @n plain processes of @path mode=ready, each with four pipes on fds 0
 * to 3 whose other ends this program keeps, as the kernel keeps them for
 * an ELF module; each has said READY=1.  How many were started.
 */
static unsigned int spawn_many(const char *path, unsigned int n, pid_t *pids,
			       int (*fds)[4], int *err)
{
	static char *const argv[] = { TEST, "mode=ready", NULL };
	unsigned int i, j;
	int p[4][2], child[4];

	for (i = 0; i < n; i++) {
		for (j = 0; j < 4; j++) {
			if (pipe2(p[j], O_CLOEXEC)) {
				*err = -errno;
				while (j--) {
					close(p[j][0]);
					close(p[j][1]);
				}
				return i;
			}
			/* fd 0 is read by the process, 1 to 3 written. */
			child[j] = p[j][j ? 1 : 0];
			fds[i][j] = p[j][j ? 0 : 1];
		}
		pids[i] = spawn(path, argv, child);
		for (j = 0; j < 4; j++)
			close(child[j]);
		*err = pids[i] < 0 ? -errno : wait_ready(fds[i][3]);
		if (*err) {
			if (pids[i] > 0) {
				kill(pids[i], SIGKILL);
				waitpid(pids[i], NULL, 0);
			}
			for (j = 0; j < 4; j++)
				close(fds[i][j]);
			return i;
		}
	}
	return i;
}

static void kill_many(unsigned int n, pid_t *pids, int (*fds)[4])
{
	unsigned int i, j;

	for (i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	for (i = 0; i < n; i++) {
		waitpid(pids[i], NULL, 0);
		for (j = 0; j < 4; j++)
			close(fds[i][j]);
	}
}

struct mem_result {
	struct samples kmem;	/* SUnreclaim + VmallocUsed, KiB each */
	struct samples shmem, kstack, ptables;
};

static void mem_add(struct mem_result *res, const struct meminfo *a,
		    const struct meminfo *b, unsigned int n)
{
	add(&res->kmem, (double)(b->sunreclaim + b->vmalloc - a->sunreclaim -
				 a->vmalloc) / n);
	add(&res->shmem, (double)(b->shmem - a->shmem) / n);
	add(&res->kstack, (double)(b->kstack - a->kstack) / n);
	add(&res->ptables, (double)(b->ptables - a->ptables) / n);
}

/*
 * One measurement: @img as MEM_MODULES live ELF modules, or (@img NULL)
 * MEM_MODULES plain processes of TEST_COPY.  Adds to @res on success.
 */
static bool mem_once(struct image *img, struct mem_result *res)
{
	static pid_t pids[MEM_MODULES];
	static int fds[MEM_MODULES][4];
	struct meminfo before, after;
	unsigned int n;
	int err = 0;

	settle();
	if (meminfo_read(&before))
		return false;
	if (img)
		n = load_many(img, MEM_MODULES, &err);
	else
		n = spawn_many(TEST_COPY, MEM_MODULES, pids, fds, &err);
	if (!err) {
		settle();
		err = meminfo_read(&after);
	}
	if (img)
		unload_many(n);
	else
		kill_many(n, pids, fds);
	if (err) {
		note("memory: %s: %u started, then: %s",
		     img ? "ELF modules" : "plain processes", n, strerror(-err));
		return false;
	}
	mem_add(res, &before, &after, MEM_MODULES);
	return true;
}

static void bench_memory(void)
{
	struct mem_result elf = { 0 }, plain = { 0 }, big = { 0 };
	struct samples overhead = { 0 }, small_size = { 0 }, big_size = { 0 };
	const struct reps r = { 3, 3, 0 };
	struct image small = { 0 }, large = { 0 };
	unsigned int round;
	bool ok_elf, ok_plain;
	double start;
	int err;

	progress("memory");
	if (image_read(&small, OPT TEST ".unsigned.ko"))
		return;
	image_read(&large, OPT TEST "_2m.unsigned.ko");
	err = copy_exec(OPT TEST ".unsigned.ko", TEST_COPY);
	if (err)
		note("%s: %s", TEST_COPY, strerror(-err));
	add(&small_size, small.len / 1024.0);
	if (large.buf)
		add(&big_size, large.len / 1024.0);

	start = now_ms();
	for (round = 0; again(&r, round, start); round++) {
		ok_elf = mem_once(&small, &elf);
		ok_plain = mem_once(NULL, &plain);
		if (ok_elf && ok_plain)
			add(&overhead, elf.kmem.v[elf.kmem.n - 1] -
				       plain.kmem.v[plain.kmem.n - 1]);
		if (large.buf)
			mem_once(&large, &big);
		progress("memory: round %u", round + 1);
	}

	desc("mem.kernel_per_module.0.8MiB",
	     "unreclaimable kernel memory (SUnreclaim + VmallocUsed) per live ELF module with %u live modules of %s mode=ready (%.2f MiB; names changed in memory) against the same per plain process of the same file started from user space with four pipes on fds 0-3",
	     MEM_MODULES, TEST, small.len / MIB);
	if (row("mem.kernel_per_module.0.8MiB", "KiB", &elf.kmem, &plain.kmem))
		note("%s",
		     "mem.kernel_per_module.0.8MiB: includes what any process costs; the 16 KiB target applies to the overhead row");
	if (elf.kstack.n) {
		note("memory per ELF module: KernelStack %s KiB (in VmallocUsed)",
		     num(median(&elf.kstack)));
		note("memory per ELF module: PageTables %s KiB (not counted)",
		     num(median(&elf.ptables)));
	}
	desc("mem.kernel_overhead_per_module",
	     "what an ELF module holds beyond a plain process with the same pipes: the difference of the two above, per round");
	if (row("mem.kernel_overhead_per_module", "KiB", &overhead, NULL))
		check_target("mem.kernel_overhead_per_module", "<= 16 KiB",
			     median(&overhead) <= 16);
	desc("mem.kernel_per_module.2MiB",
	     "the same per live ELF module with the image padded to %.2f MiB against the %.2f MiB image",
	     large.len / MIB, small.len / MIB);
	if (row("mem.kernel_per_module.2MiB", "KiB", &big.kmem, &elf.kmem)) {
		double d = median(&big.kmem) - median(&elf.kmem);
		double lim = median(&elf.kmem) / 10;

		check_target("mem.kernel_per_module.2MiB",
			     "independent of binary size (within 10% or 2 KiB)",
			     (d < 0 ? -d : d) <= (lim > 2 ? lim : 2));
	}
	desc("mem.shmem_per_module.0.8MiB",
	     "Shmem per live ELF module (the sealed shmem copy the process runs from; pageable) against the image size");
	row("mem.shmem_per_module.0.8MiB", "KiB", &elf.shmem, &small_size);
	desc("mem.shmem_per_module.2MiB", "the same with the 2 MiB image");
	row("mem.shmem_per_module.2MiB", "KiB", &big.shmem, &big_size);
	if (plain.shmem.n)
		note("memory: Shmem per plain process: %s KiB (they share one file)",
		     num(median(&plain.shmem)));
	free(small.buf);
	free(large.buf);
}

/* 5. Scale */

/*
 * One round of @n concurrent request_module() calls of @name, unloading
 * it afterwards: the time always (a failed request also waited), and the
 * first error in *@first, counted in *@errors.
 */
static void request_round(const char *name, unsigned int n,
			  struct samples *time, unsigned int *errors,
			  int *first)
{
	double ms;
	int err;

	err = drive(&ms, "request %s %u", name, n);
	if (err && !(*errors)++)
		*first = err;
	add(time, ms);
	unload(name);
}

static void request_errors(const char *metric, const char *name,
			   unsigned int errors, int first)
{
	if (errors)
		note("%s: %s: %u rounds had failed requests (first: %s); timed all the same",
		     metric, name, errors, strerror(-first));
}

/*
 * Let @n request_module() calls run modprobe at once (kernel.kmod-limit,
 * from @limit, -1 if there is no such sysctl), so that the row measures
 * ELF modules rather than that limit: without it, calls past the limit
 * wait for a slot and fail after 5 s.
 */
static void kmod_limit_at_least(const char *metric, long limit, unsigned int n)
{
	char buf[32];
	int err;

	if (limit < 0) {
		if (n > KMOD_LIMIT_OLD)
			note("%s: no %s: %s", metric, KMOD_LIMIT,
			     "at most 50 modprobe run at once, the others wait (5 s at most, then fail)");
		return;
	}
	snprintf(buf, sizeof(buf), "%ld", limit > (long)n ? limit : (long)n);
	err = write_text(KMOD_LIMIT, buf);
	if (err)
		note("%s: %s: %s", metric, KMOD_LIMIT, strerror(-err));
	else if ((long)n > limit)
		note("%s: kernel.kmod-limit raised from %ld to %u for this row",
		     metric, limit, n);
}

static void bench_requests(void)
{
	static const unsigned int threads[] = { 1, 16, 64, 256 };
	unsigned int t, round, n, elf_errors, reg_errors;
	long limit = read_number(KMOD_LIMIT);
	char metric[64], started_metric[64];
	struct samples elf, reg, started;
	int fd, count, elf_first, reg_first;
	bool exactly_one;
	struct stats st;
	double start;
	char buf[32];

	for (t = 0; t < ARRAY_SIZE(threads); t++) {
		struct reps r = { 5, 10, 20e3 };

		n = threads[t];
		if (n > 16)
			r = (struct reps){ 3, 5, 40e3 };
		snprintf(metric, sizeof(metric), "scale.request.%u", n);
		snprintf(started_metric, sizeof(started_metric),
			 "scale.request.%u.started", n);
		kmod_limit_at_least(metric, limit, n);
		memset(&elf, 0, sizeof(elf));
		memset(&reg, 0, sizeof(reg));
		memset(&started, 0, sizeof(started));
		exactly_one = true;
		elf_errors = 0;
		reg_errors = 0;
		elf_first = 0;
		reg_first = 0;
		unload(ECHO);
		unload(REGULAR);
		start = now_ms();
		for (round = 0; again(&r, round, start); round++) {
			fd = kmsg_open();
			request_round(ECHO, n, &elf, &elf_errors, &elf_first);
			count = kmsg_count(fd, "elf-module " ECHO ": started");
			if (fd >= 0)
				close(fd);
			add(&started, count);
			exactly_one &= count == 1;
			request_round(REGULAR, n, &reg, &reg_errors, &reg_first);
		}
		progress("scale: %u concurrent requests", n);
		request_errors(metric, ECHO, elf_errors, elf_first);
		request_errors(metric, REGULAR, reg_errors, reg_first);
		desc(metric,
		     "%u kernel threads at once call request_module(%s) while it is not loaded (test driver 'request'); time until all have returned against the same for the regular module %s",
		     n, ECHO, REGULAR);
		row(metric, "ms", &elf, &reg);
		desc(started_metric,
		     "processes of %s started by those %u requests (its 'started' lines in the kernel log): the most in a round",
		     ECHO, n);
		if (!started.n)
			continue;
		st = stats_of(&started);
		printf("BENCH,%s,processes,%.0f,,\n", started_metric, st.max);
		printf("BENCHSPREAD,%s,%.0f,%s,%s,%.0f,%u,,,,,\n",
		       started_metric, st.min, num(st.q1), num(st.q3), st.max,
		       st.n);
		check_target(started_metric, "exactly 1 in every round",
			     exactly_one);
	}
	if (limit > 0) {
		snprintf(buf, sizeof(buf), "%ld", limit);
		write_text(KMOD_LIMIT, buf);
	}
}

static void bench_distinct(void)
{
	static const unsigned int counts[] = { 1, 10, 100 };
	static const struct reps reps[] = {
		{ 20, 40, 20e3 }, { 5, 10, 20e3 }, { 3, 5, 40e3 },
	};
	struct samples per_module[3] = { 0 };
	unsigned int c, k, round, n, errors;
	double t0, start;
	struct image img;
	char metric[64];
	int err, first;

	if (image_read(&img, OPT TINY ".unsigned.ko"))
		return;
	/* Warm up. */
	if (!image_rename(&img, "umh_elf_t", 0))
		load_image(img.buf, img.len, "");
	for (c = 0; c < 3; c++) {
		n = counts[c];
		errors = 0;
		first = 0;
		start = now_ms();
		for (round = 0; again(&reps[c], round, start); round++) {
			err = 0;
			t0 = now_ms();
			for (k = 0; k < n && !err; k++) {
				err = image_rename(&img, "umh_elf_t", k);
				if (!err)
					err = load_image(img.buf, img.len, "");
			}
			if (err) {
				if (!errors++)
					first = err;
				continue;
			}
			add(&per_module[c], (now_ms() - t0) / n);
		}
		progress("scale: %u distinct modules", n);
		if (errors)
			note("scale.distinct.%u: %u rounds failed (first: %s)", n,
			     errors, strerror(-first));
		snprintf(metric, sizeof(metric), "scale.distinct.%u", n);
		if (!c) {
			desc(metric,
			     "one-shot launch of a %s image renamed in memory (unsigned init_module()); time per module",
			     TINY);
			row(metric, "ms/module", &per_module[c], NULL);
			continue;
		}
		desc(metric,
		     "%u distinct one-shot modules (umh_elf_t000...) launched in sequence: time per module against a single one",
		     n);
		row(metric, "ms/module", &per_module[c], &per_module[0]);
		if (n == 100 && per_module[c].n)
			check_target(metric, "flat 1 -> 100 (<= 1.25x)",
				     ratio_at_most(&per_module[c],
						   &per_module[0], 1.25));
	}
	free(img.buf);
}

static void bench_scale(void)
{
	progress("scale");
	bench_requests();
	bench_distinct();
}

/* 7. Device hand-off: the user-space PCI driver of samples/umh_elf/ */

#define EDU_GLUE	"umh_sample_edu_glue"
#define EDU_DRV		"umh_sample_edu"
#define EDU_DEV		"/dev/edu0"
#define EDU_CALLS	100
#define EDU_TURNS	3
#define EDU_N		12
#define EDU_N_FACT	479001600U	/* 12! */
#define EDU_REG_FACT	0x08
#define EDU_REG_STATUS	0x20
#define EDU_COMPUTING	0x01
#define EDU_IRQ_FACT	0x80
#define EDU_REG_IRQ_STATUS	0x24
#define EDU_REG_IRQ_ACK		0x64
#define PCI_CMD_INTX_OFF	0x400	/* PCI_COMMAND_INTX_DISABLE */

/* The sysfs folder of QEMU's edu device into @dir; false if none. */
static bool edu_find(char *dir, size_t size)
{
	char path[PATH_MAX], id[32];
	struct dirent *d;
	bool found = false;
	DIR *dp;

	dp = opendir("/sys/bus/pci/devices");
	if (!dp)
		return false;
	while (!found && (d = readdir(dp))) {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor",
			 d->d_name);
		if (read_text(path, id, sizeof(id)) < 0 || strcmp(id, "0x1234"))
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device",
			 d->d_name);
		if (read_text(path, id, sizeof(id)) < 0 || strcmp(id, "0x11e8"))
			continue;
		snprintf(dir, size, "/sys/bus/pci/devices/%s", d->d_name);
		found = true;
	}
	closedir(dp);
	return found;
}

/* n! EDU_CALLS times through /dev/edu0, open as @op->fd. */
static int op_edu_dev(struct op *op, double *ms)
{
	double t0 = now_ms();
	char buf[32];
	unsigned int i;
	ssize_t n;

	for (i = 0; i < op->calls; i++) {
		if (write(op->fd, "12\n", 3) != 3)
			return -errno;
		n = read(op->fd, buf, sizeof(buf) - 1);
		if (n <= 0)
			return n ? -errno : -EIO;
		buf[n] = '\0';
		if (strtoul(buf, NULL, 10) != EDU_N_FACT)
			return -EIO;
	}
	*ms = now_ms() - t0;
	return 0;
}

/*
 * "time EDU_CALLS" through /dev/edu0 (@op->fd): the driver computes n! that
 * many times on the device, each with its interrupt, and says how long
 * that took; the time is the driver's own, without the channel.
 */
static int op_edu_time(struct op *op, double *ms)
{
	char buf[32];
	ssize_t n;
	int len;

	len = snprintf(buf, sizeof(buf), "time %u\n", op->calls);
	if (write(op->fd, buf, len) != len)
		return -errno;
	n = read(op->fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return n ? -errno : -EIO;
	buf[n] = '\0';
	*ms = strtoull(buf, NULL, 10) / 1e6;
	return *ms > 0 ? 0 : -EIO;
}

static __u32 *edu_bar;	/* BAR 0 mapped from sysfs resource0 */

/* Atomic: one 32-bit access each, which the compiler keeps as written. */
static __u32 edu_read(unsigned int reg)
{
	return __atomic_load_n(&edu_bar[reg / 4], __ATOMIC_SEQ_CST);
}

static void edu_write(unsigned int reg, __u32 val)
{
	__atomic_store_n(&edu_bar[reg / 4], val, __ATOMIC_RELEASE);
}

/* The same n! from user space on BAR 0 of resource0, polling. */
static int op_edu_poll(struct op *op, double *ms)
{
	double t0 = now_ms();
	unsigned int i, spins;

	for (i = 0; i < op->calls; i++) {
		edu_write(EDU_REG_STATUS, 0);	/* no interrupt */
		edu_write(EDU_REG_FACT, EDU_N);
		for (spins = 0; edu_read(EDU_REG_STATUS) & EDU_COMPUTING;)
			if (++spins > 100000000)
				return -ETIMEDOUT;
		if (edu_read(EDU_REG_FACT) != EDU_N_FACT)
			return -EIO;
	}
	*ms = now_ms() - t0;
	return 0;
}

/*
 * The same n! from user space through UIO (uio_pci_generic): BAR 0 mapped
 * from /dev/uioN (@op->fd), start with the interrupt asked for, read()
 * until it came, acknowledge it on the device, unmask INTx in the config
 * space (@op->fd2), as uio_pci_generic users do.
 */
static int op_edu_uio(struct op *op, double *ms)
{
	struct pollfd p = { .fd = op->fd, .events = POLLIN };
	double t0 = now_ms();
	unsigned char cmd[2];
	unsigned int i;
	__u32 count;

	for (i = 0; i < op->calls; i++) {
		edu_write(EDU_REG_STATUS, EDU_IRQ_FACT);
		edu_write(EDU_REG_FACT, EDU_N);
		if (poll(&p, 1, 1000) != 1)
			return -ETIMEDOUT;
		if (read(op->fd, &count, sizeof(count)) != sizeof(count))
			return -errno;
		edu_write(EDU_REG_IRQ_ACK, edu_read(EDU_REG_IRQ_STATUS));
		if (pread(op->fd2, cmd, 2, 4) != 2)
			return -errno;
		cmd[1] &= ~(PCI_CMD_INTX_OFF >> 8);
		if (pwrite(op->fd2, cmd, 2, 4) != 2)
			return -errno;
		if (edu_read(EDU_REG_FACT) != EDU_N_FACT)
			return -EIO;
	}
	*ms = now_ms() - t0;
	return 0;
}

/* Write @text to the file @dir/@name; 0 or -errno. */
static int write_at(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX + 64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n < 0 ? -errno : 0;
}

/* Run modprobe with @arg; 0 if it exited 0. */
static int run_modprobe(const char *arg)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		execl("/sbin/modprobe", "modprobe", arg, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return -ENOENT;
	return 0;
}

/*
 * Bind the device (@dir) to uio_pci_generic; @op->fd: its /dev/uioN,
 * @op->fd2 its config space; BAR 0 mapped at edu_bar.  0 or -errno.
 */
static int edu_uio_bind(const char *dir, struct op *op, void **bar)
{
	char path[PATH_MAX + 64], uio[PATH_MAX];
	struct dirent *d;
	int err, i;
	DIR *dp = NULL;

	err = run_modprobe("uio_pci_generic");
	if (!err)
		err = write_at("/sys/bus/pci/drivers/uio_pci_generic", "new_id",
			       "1234 11e8");
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/uio", dir);
	for (i = 0; i < 50 && !(dp = opendir(path)); i++)
		usleep(100000);
	if (!dp)
		return -ENODEV;
	uio[0] = '\0';
	while ((d = readdir(dp)))
		if (!strncmp(d->d_name, "uio", 3))
			snprintf(uio, sizeof(uio), "/dev/%s", d->d_name);
	closedir(dp);
	for (i = 0; i < 50 && access(uio, R_OK); i++)
		usleep(100000);
	op->fd = open(uio, O_RDWR | O_CLOEXEC);
	snprintf(path, sizeof(path), "%s/config", dir);
	op->fd2 = open(path, O_RDWR | O_CLOEXEC);
	if (op->fd < 0 || op->fd2 < 0)
		return -errno;
	*bar = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, op->fd, 0);
	return *bar == MAP_FAILED ? -errno : 0;
}

static void edu_uio_unbind(const char *dir, struct op *op, void *bar)
{
	if (bar != MAP_FAILED)
		munmap(bar, 4096);
	if (op->fd >= 0)
		close(op->fd);
	if (op->fd2 >= 0)
		close(op->fd2);
	write_at("/sys/bus/pci/drivers/uio_pci_generic", "remove_id",
		 "1234 11e8");
	write_at(dir, "driver/unbind", strrchr(dir, '/') + 1);
	unload("uio_pci_generic");
}

/* Put this process and the edu driver's on vCPU @cpu, or on all (-1). */
static void edu_pin(int cpu)
{
	char path[] = "/sys/module/" EDU_DRV "/elf/pid", buf[32];
	cpu_set_t set;
	pid_t pid;
	int i;

	CPU_ZERO(&set);
	for (i = 0; i < CPU_SETSIZE; i++)
		if (cpu < 0 || i == cpu)
			CPU_SET(i, &set);
	pid = read_text(path, buf, sizeof(buf)) > 0 ? atoi(buf) : 0;
	if (sched_setaffinity(0, sizeof(set), &set) ||
	    (pid > 0 && sched_setaffinity(pid, sizeof(set), &set)))
		note("device: sched_setaffinity: %s", strerror(errno));
}

/* Load the glue and the driver as udev would: modprobe of the modalias. */
static int edu_coldplug(const char *dir)
{
	char path[PATH_MAX + 16], alias[128];
	int i;

	snprintf(path, sizeof(path), "%s/modalias", dir);
	if (read_text(path, alias, sizeof(alias)) < 0)
		return -errno;
	if (run_modprobe(alias))
		return -ENOENT;
	for (i = 0; i < 50 && access(EDU_DEV, W_OK); i++)
		usleep(100000);
	return access(EDU_DEV, W_OK) ? -errno : 0;
}

/*
 * @op once on each online vCPU, this process and the driver's pinned there:
 * with 2 vCPUs, half of its samples run on the vCPU that takes the
 * device's interrupt and half on the other, whichever side it measures.
 */
static void edu_measure_pinned(struct op *op, const struct reps *r)
{
	long cpu, cpus = sysconf(_SC_NPROCESSORS_ONLN);

	for (cpu = 0; cpu < cpus; cpu++) {
		edu_pin(cpu);
		measure("device", op, 1, r);
	}
	edu_pin(-1);
}

/*
 * One turn of the device rows with the glue bound: the ELF module's path
 * and polling in turn, then the same with the caller and the driver on one
 * vCPU.  The glue and the driver are unloaded after it.
 */
static int edu_turn_glue(const char *dir, struct op *ops, void *bar,
			 const struct reps *r)
{
	int err = edu_coldplug(dir);

	if (!err) {
		ops[0].fd = open(EDU_DEV, O_RDWR | O_CLOEXEC);
		err = ops[0].fd < 0 ? -errno : 0;
		ops[3].fd = ops[0].fd;
		ops[4].fd = ops[0].fd;
		ops[5].fd = ops[0].fd;
	}
	if (!err) {
		edu_bar = bar;
		measure("device", ops, 2, r);
		measure("device", &ops[5], 1, r);
		edu_measure_pinned(&ops[4], r);
		edu_pin(0);
		measure("device", &ops[3], 1, r);
		edu_pin(-1);
	}
	if (ops[0].fd >= 0)
		close(ops[0].fd);
	ops[0].fd = -1;
	ops[3].fd = -1;
	ops[4].fd = -1;
	ops[5].fd = -1;
	unload(EDU_GLUE);
	unload(EDU_DRV);
	return err;
}

/*
 * One turn of the UIO baseline, the device bound to uio_pci_generic:
 * @free where the scheduler puts it, @pinned as edu_measure_pinned() does.
 */
static int edu_turn_uio(const char *dir, struct op *free, struct op *pinned,
			const struct reps *r)
{
	void *uio_bar = MAP_FAILED;
	int err = edu_uio_bind(dir, free, &uio_bar);

	if (!err) {
		edu_bar = uio_bar;
		pinned->fd = free->fd;
		pinned->fd2 = free->fd2;
		measure("device", free, 1, r);
		edu_measure_pinned(pinned, r);
	}
	pinned->fd = -1;
	pinned->fd2 = -1;
	edu_uio_unbind(dir, free, uio_bar);
	return err;
}

static void bench_device(void)
{
	/* EDU_TURNS turns of each binding, one after the other */
	const struct reps r = { 5, 5, 30e3 };
	struct op ops[7] = {
		{ .what = "n! through " EDU_DEV, .run = op_edu_dev, .fd = -1,
		  .calls = EDU_CALLS, .scale = 1e3 / EDU_CALLS },
		{ .what = "n! polling resource0", .run = op_edu_poll,
		  .calls = EDU_CALLS, .scale = 1e3 / EDU_CALLS },
		{ .what = "n! through UIO", .run = op_edu_uio, .fd = -1,
		  .fd2 = -1, .calls = EDU_CALLS, .scale = 1e3 / EDU_CALLS },
		{ .what = "n! through " EDU_DEV " on one vCPU",
		  .run = op_edu_dev, .fd = -1, .calls = EDU_CALLS,
		  .scale = 1e3 / EDU_CALLS },
		{ .what = "n! in the driver, timed by it, on each vCPU",
		  .run = op_edu_time, .fd = -1, .calls = EDU_CALLS,
		  .scale = 1e3 / EDU_CALLS },
		{ .what = "n! in the driver, timed by it", .run = op_edu_time,
		  .fd = -1, .calls = EDU_CALLS, .scale = 1e3 / EDU_CALLS },
		{ .what = "n! through UIO, on each vCPU", .run = op_edu_uio,
		  .fd = -1, .fd2 = -1, .calls = EDU_CALLS,
		  .scale = 1e3 / EDU_CALLS },
	};
	char dir[PATH_MAX], path[PATH_MAX + 16];
	void *bar = MAP_FAILED;
	int err = 0, turn, fd = -1;

	progress("device");
	if (!edu_find(dir, sizeof(dir))) {
		note("device: no edu device (QEMU -device edu): the device rows are missing");
		return;
	}
	snprintf(path, sizeof(path), "%s/resource0", dir);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		bar = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (bar == MAP_FAILED) {
		note("device: %s: the device rows are missing", path);
		goto out;
	}
	/*
	 * The device serves one driver at a time, so the two sides cannot be
	 * measured in turn call by call.  They take turns by binding instead,
	 * so that a change in the host's load shows on both.
	 */
	for (turn = 0; turn < EDU_TURNS && !err; turn++) {
		err = edu_turn_glue(dir, ops, bar, &r);
		if (err) {
			note("device: the user-space driver did not come up: %s",
			     strerror(-err));
			goto out;
		}
		err = edu_turn_uio(dir, &ops[2], &ops[6], &r);
		if (err)
			note("device: uio_pci_generic: %s: the UIO baseline is missing",
			     strerror(-err));
	}

	desc("device.irq_loop",
	     "n! (n = %u) computed by QEMU's edu device, asked for with its interrupt and waited for, %u times back to back, by the ELF module %s on the device the glue %s handed it (BAR 0 file, eventfd signalled by the glue's interrupt handler), timed by the module (write \"time N\" to /dev/edu0), against the same loop in a user-space program that drives the device through UIO (uio_pci_generic: BAR 0 mapped from /dev/uioN, read() for the interrupt, INTx unmasked in config space); the device is bound to one and then the other, %u turns; in each, both sides run %u samples pinned to each vCPU in turn (with the driver's process), so that as many samples of each run on the vCPU that takes the interrupt",
	     EDU_N, EDU_CALLS, EDU_DRV, EDU_GLUE, EDU_TURNS, r.min);
	if (row("device.irq_loop", "us", &ops[4].s, &ops[6].s))
		check_target("device.irq_loop", "<= 1.25x user space on UIO",
			     ratio_at_most(&ops[4].s, &ops[6].s, 1.25));
	desc("device.irq_loop_free",
	     "the same loop with both sides where the scheduler puts them (%u samples a turn): which vCPU each lands on, the one that takes the interrupt or the other, moves this ratio from run to run",
	     r.min);
	row("device.irq_loop_free", "us", &ops[5].s, &ops[2].s);
	desc("device.fact_rtt",
	     "n! (n = %u) through /dev/edu0: each request goes from the caller to the glue, over the channel to the ELF module, to the device and its interrupt, and back (%u requests a sample), against UIO as above; two channel hops more than UIO, each a wake-up of another process (channel.rtt_64B has the channel's own target)",
	     EDU_N, EDU_CALLS);
	row("device.fact_rtt", "us", &ops[0].s, &ops[2].s);
	desc("device.fact_rtt_1cpu",
	     "the same through /dev/edu0 with the caller and the driver's process on vCPU 0, against UIO as above: what the wake-ups across vCPUs cost under TCG");
	row("device.fact_rtt_1cpu", "us", &ops[3].s, &ops[2].s);
	desc("device.fact_rtt_poll",
	     "the same through /dev/edu0 against a user-space program that maps BAR 0 from sysfs resource0 and polls the status register (no interrupt), in turn");
	row("device.fact_rtt_poll", "us", &ops[0].s, &ops[1].s);
out:
	if (bar != MAP_FAILED)
		munmap(bar, 4096);
	if (fd >= 0)
		close(fd);
	unload(EDU_GLUE);
	unload(EDU_DRV);
}

/* 8. Restart */

/*
 * kill -9 of the main process of the loaded restart=always @op->unload
 * until its next instance is ready: the test driver holds a reference
 * and calls through it ("heldcall"), a call that waits for the next
 * instance to say READY=1, then makes one 64-byte round trip.  A call
 * that reached the killed instance fails with EPIPE and is made again,
 * 1 ms later.
 * The load before and the hold, release and rmmod after are not timed.
 */
static int op_restart(struct op *op, double *ms)
{
	char path[PATH_MAX];
	double t0;
	long pid;
	int err;

	err = load_fd(op->fd, op->arg);
	if (err)
		return err;
	err = drive(NULL, "hold %s", op->unload);
	if (err)
		goto out;
	snprintf(path, sizeof(path), "/sys/module/%s/elf/pid", op->unload);
	pid = read_number(path);
	t0 = now_ms();
	if (pid <= 0 || kill(pid, SIGKILL)) {
		err = -ESRCH;
		goto release;
	}
	/* Until the kernel has seen the end, a call meets the dead one. */
	do {
		err = drive(NULL, "heldcall 64 %d", CALL_TIMEOUT_MS);
		if (err == -EPIPE)
			usleep(1000);
	} while (err == -EPIPE && now_ms() - t0 < CALL_TIMEOUT_MS);
	*ms = now_ms() - t0;
release:
	drive(NULL, "release");
out:
	return unload(op->unload) ?: err;
}

static void bench_restart(void)
{
	struct op ops[] = {
		{ .what = "finit_module(" ALWAYS ") until ready",
		  .run = op_load, .fd = open_extra(ALWAYS), .arg = "",
		  .unload = ALWAYS, .scale = 1 },
		{ .what = "kill -9 of " ALWAYS " until ready again",
		  .run = op_restart, .fd = open_extra(ALWAYS), .arg = "",
		  .unload = ALWAYS, .scale = 1 },
	};
	const struct reps r = { 15, 30, 45e3 };
	unsigned int i;

	progress("restart");
	unload(ALWAYS);
	measure("restart", ops, ARRAY_SIZE(ops), &r);
	desc("restart.latency",
	     "kill -9 of the main process of the signed %s (restart=always, the selftests' echo server; the first restart after its load) until its next instance is ready: an in-kernel call through a reference held across the restart returns (it waits for READY=1, then makes one 64-byte round trip, included), against finit_module() of the same module until it returns (READY=1), as ready.finit measures a load, in turn",
	     ALWAYS);
	if (row("restart.latency", "ms", &ops[1].s, &ops[0].s))
		check_target("restart.latency", "<= 1.25x ready of a load",
			     ratio_at_most(&ops[1].s, &ops[0].s, 1.25));
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		if (ops[i].fd >= 0)
			close(ops[i].fd);
}

/* Main */

static const struct {
	const char *name;
	void (*run)(void);
	bool driver;	/* needs the test driver */
} sections[] = {
	{ "launch", bench_launch, true },
	{ "size", bench_size, true },
	{ "ready", bench_ready, true },
	{ "channel", bench_channel, true },
	{ "memory", bench_memory, false },
	{ "scale", bench_scale, true },
	{ "device", bench_device, false },
	{ "restart", bench_restart, true },
};

#define NSECTIONS	ARRAY_SIZE(sections)

int main(int argc, char **argv)
{
	bool want[NSECTIONS] = { 0 }, any = false;
	struct utsname u;
	unsigned int i;
	int opt;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	bench_start = now_ms();
	while ((opt = getopt(argc, argv, "q")) != -1) {
		if (opt != 'q') {
			fprintf(stderr, "usage: %s [-q] [section]...\n", argv[0]);
			return 2;
		}
		quick = true;
	}
	for (; optind < argc; optind++) {
		for (i = 0; i < NSECTIONS; i++)
			if (!strcmp(argv[optind], sections[i].name))
				break;
		if (i == NSECTIONS) {
			fprintf(stderr, "%s: no section %s\n", argv[0],
				argv[optind]);
			return 2;
		}
		want[i] = true;
		any = true;
	}
	if (geteuid()) {
		note("must run as root: nothing measured");
		return 4;
	}
	if (uname(&u))
		snprintf(u.release, sizeof(u.release), "unknown");
	snprintf(extra_dir, sizeof(extra_dir), "/lib/modules/%s/extra",
		 u.release);
	if (access(RUN_FILE, W_OK))
		note("%s: %s: rows that need the test driver are missing",
		     RUN_FILE, strerror(errno));
	note("kernel %s; medians of repeated runs, taken in turn with their baselines%s",
	     u.release, quick ? "; quick mode (3 rounds)" : "");

	unload(TEST);
	unload(ECHO);
	unload(ALWAYS);
	unload(REGULAR);
	for (i = 0; i < NSECTIONS; i++) {
		if (any && !want[i])
			continue;
		if (sections[i].driver && access(RUN_FILE, W_OK))
			continue;
		sections[i].run();
	}
	unlink(TINY_COPY);
	unlink(TEST_COPY);
	note("benchmark took %.0f s", (now_ms() - bench_start) / 1e3);
	return 0;
}
