// SPDX-License-Identifier: GPL-2.0
/*
 * The ELF module the selftests load.  Built statically as NAME.ko with
 * -DMODNAME='"NAME"', -DDEFAULT_MODE='"MODE"', and optionally
 * -DCAPS='"cap_a,cap_b"' (a capabilities= tag), -DMEMORY_MAX='"32M"' and
 * -DPIDS_MAX='"8"' (limits), -DRESTART='"on-failure"' (restart=),
 * -DWATCHDOG_MS='"500"' (watchdog_ms=), -DRESTART_MAX='"3"' (restart_max=) and
 * -DEVIL (another image of the same name);
 * what it does is chosen by its parameters:
 *
 *	mode=oneshot	exit 0 at once (the default)
 *	mode=ready	say READY=1, then wait for a signal
 *	mode=readyexit	say READY=1, then exit 0 a moment later
 *	mode=readyfail	say READY=1, then exit 3 a moment later (a crash
 *			loop under restart=)
 *	mode=watchdog pings=N period_ms=P  say READY=1, then WATCHDOG=1
 *			every P ms (100 if not given), N times, then wait
 *	mode=never	never say READY=1
 *	mode=readyonce marker=PATH  say STATUS=first run and READY=1 if it
 *			creates PATH (the run that finds no PATH), else
 *			neither; then wait
 *	mode=readynonl	write READY=1 without a newline, close fd 3, wait
 *	mode=readynonlopen  write READY=1 without a newline, keep fd 3, wait
 *	mode=readybad	write notify lines that are not READY=1 but start
 *			like it, then wait
 *	mode=ignoreterm	ignore SIGTERM, say READY=1, wait
 *	mode=daemon	fork; the child holds fd 3 and waits, the parent
 *			exits 0 once the child has started
 *	mode=escape	double fork and setsid(); the grandchild closes every
 *			fd and waits, the parent exits 0 once it has started
 *	mode=threadexit	fork; in the child a thread holds on and the main
 *			thread calls pthread_exit(); the parent exits 0 once
 *			the thread runs
 *	mode=unsharefiles  a child unshares its fd table, closes every fd
 *			and waits; then the parent says READY=1 and waits
 *	mode=dstate	say READY=1, then read the test driver's dstate file:
 *			asleep in D state until the driver is told "wake"
 *	mode=trywrite file=PATH  open PATH for writing (no truncation) and
 *			write "x\n"; exit 0 if that worked, else with errno
 *	mode=poke target=PID  try to signal (kill 0) and ptrace PID; exit
 *			0 if both were refused, 100 if the signal was allowed,
 *			101 if the ptrace was
 *	mode=envcheck	check the environment, cwd and fds the kernel gave
 *			it; exit 0 if all is right, else 100 + the check
 *	mode=args	print argv to stderr, one "argv[i]=<...>" line each
 *	mode=echo	say READY=1, then answer every request on the channel
 *			with a copy of it, but for tagged ones (see answer())
 *	mode=echo batch=K  the same, but gather K requests, then answer them
 *			last first
 *	mode=echo daemon=1  daemon(0, 0) first: the child serves
 *	mode=echo threads=N  N threads serve at once
 *	mode=echo fresh=1  receive each request into a mapping made for it,
 *			and answer from a memfd mapped but not touched yet
 *	mode=silent	say READY=1, read requests, never answer
 *	mode=die	say READY=1, exit 3 on the first request
 *	mode=forkmax	fork children that wait until a fork fails (64 at
 *			most), then say STATUS=forked N, then ERRNAME (or
 *			"no limit") and READY=1, and wait
 *	mode=forkmaxlater  say STATUS=waiting for SIGUSR1 in PID and
 *			READY=1, then on SIGUSR1 as mode=forkmax
 *	mode=eatmem	say READY=1, then touch memory 1 MiB at a time,
 *			without end
 *	mode=readyabort	say READY=1, then abort() at once; on CPU 0 and
 *			SCHED_FIFO, so that no task of normal priority on
 *			that CPU (the loader, if it runs there too) sees
 *			it between the two
 *	errno=E		send ERRNO=E first (before exit=N or signal=N)
 *	exit=N		exit with status N at once
 *	signal=N	die of signal N at once
 *	status=TEXT	send STATUS=TEXT first
 *	delay_ms=N	sleep N ms before anything else
 *	say=TEXT	print TEXT to stderr first
 *	flood=N		print N lines to stderr, then exit 0
 *	flood=N stay=1	the same, then say READY=1 and wait
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <errno.h>
#include <sys/ptrace.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <elfmod.h>

#ifndef MODNAME
#define MODNAME "umh_elf_test"
#endif
#ifndef DEFAULT_MODE
#define DEFAULT_MODE "oneshot"
#endif

ELF_MODULE_NAME(MODNAME);
ELF_MODULE_DESCRIPTION("ELF modules selftest program");
ELF_MODULE_LICENSE("GPL");
ELF_MODULE_VERSION("1.0");
ELF_MODULE_ALIAS("umh-elf-test-alias-" MODNAME);
#ifdef CAPS
ELF_MODULE_CAPABILITIES(CAPS);
#endif
#ifdef MEMORY_MAX
ELF_MODULE_MEMORY_MAX(MEMORY_MAX);
#endif
#ifdef PIDS_MAX
ELF_MODULE_PIDS_MAX(PIDS_MAX);
#endif
#ifdef RESTART
ELF_MODULE_RESTART(RESTART);
#endif
#ifdef WATCHDOG_MS
ELF_MODULE_WATCHDOG_MS(WATCHDOG_MS);
#endif
#ifdef RESTART_MAX
ELF_MODULE_RESTART_MAX(RESTART_MAX);
#endif
#ifdef EVIL
/* The attacker's image: same name, other bytes. */
ELF_MODULE_INFO(evil, "yes");
#endif

static noreturn void wait_forever(void)
{
	for (;;)
		pause();
}

static int is_pipe(int fd, int acc)
{
	struct stat st;
	int fl = fcntl(fd, F_GETFL);

	return fl >= 0 && (fl & O_ACCMODE) == acc && !fstat(fd, &st) &&
	       S_ISFIFO(st.st_mode);
}

static int envcheck(char **argv)
{
	const char *v;
	char cwd[64];

	if (strcmp(argv[0], MODNAME))
		return 101;
	v = getenv("HOME");
	if (!v || strcmp(v, "/"))
		return 102;
	v = getenv("PATH");
	if (!v || strcmp(v, "/sbin:/bin:/usr/sbin:/usr/bin"))
		return 103;
	v = getenv("NOTIFY_FD");
	if (!v || strcmp(v, "3"))
		return 104;
	v = getenv("MODULE_NAME");
	if (!v || strcmp(v, MODNAME))
		return 105;
	if (!getcwd(cwd, sizeof(cwd)) || strcmp(cwd, "/"))
		return 106;
	if (!is_pipe(0, O_RDONLY) || read(0, cwd, 1) != 0)
		return 107;
	if (!is_pipe(1, O_WRONLY))
		return 108;
	if (!is_pipe(2, O_WRONLY))
		return 109;
	if ((fcntl(3, F_GETFL) & O_ACCMODE) != O_WRONLY)
		return 110;
	v = getenv("CHANNEL_FD");
	if (!v || strcmp(v, "4") ||
	    (fcntl(ELF_MODULE_CHANNEL_FD, F_GETFL) & O_ACCMODE) != O_RDWR)
		return 111;
	if (fcntl(5, F_GETFD) != -1)
		return 114;
	if (getuid() != 0 || geteuid() != 0)
		return 112;
	if (isatty(0) || isatty(1) || isatty(2))
		return 113;
	return 0;
}

static int daemonize(void)
{
	int p[2];
	char c;
	pid_t pid;

	if (pipe(p))
		return 1;
	pid = fork();
	if (pid < 0)
		return 1;
	if (!pid) {
		close(p[0]);
		setsid();
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		close(p[1]);
		wait_forever();
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		return 1;
	return 0;
}

/* READY=1, then die of SIGABRT before the loader can look (see above). */
static void ready_abort(void)
{
	struct sched_param sp = { .sched_priority = 1 };
	struct rlimit nocore = { 0, 0 };
	cpu_set_t cpu0;

	setrlimit(RLIMIT_CORE, &nocore);

	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	sched_setaffinity(0, sizeof(cpu0), &cpu0);
	sched_setscheduler(0, SCHED_FIFO, &sp);
	elf_module_ready();
	abort();
}

static void close_every_fd(void)
{
	syscall(SYS_close_range, 0U, ~0U, 0U);
}

/* Leave the module if closing fds, a new session and reparenting could. */
static int escape(void)
{
	int p[2];
	char c;
	pid_t pid;

	if (pipe(p))
		return 1;
	pid = fork();
	if (pid < 0)
		return 1;
	if (!pid) {
		setsid();
		if (fork())
			_exit(0);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		close_every_fd();
		wait_forever();
	}
	close(p[1]);
	waitpid(pid, NULL, 0);
	return read(p[0], &c, 1) == 1 ? 0 : 1;
}

static void *started_worker(void *arg)
{
	int *p = arg;

	if (write(p[1], "x", 1) != 1)
		_exit(1);
	wait_forever();
	return arg;
}

/* A daemon whose main thread goes: it lives on in a worker thread. */
static int threadexit(void)
{
	static int p[2];
	pthread_t t;
	char c;
	pid_t pid;

	if (pipe(p))
		return 1;
	pid = fork();
	if (pid < 0)
		return 1;
	if (!pid) {
		if (pthread_create(&t, NULL, started_worker, p))
			_exit(1);
		pthread_exit(NULL);
	}
	close(p[1]);
	return read(p[0], &c, 1) == 1 ? 0 : 1;
}

/* A child with an fd table of its own and nothing in it. */
static int unsharefiles(void)
{
	int p[2];
	char c;
	pid_t pid;

	if (pipe(p))
		return 1;
	pid = fork();
	if (pid < 0)
		return 1;
	if (!pid) {
		if (unshare(CLONE_FILES) || write(p[1], "x", 1) != 1)
			_exit(1);
		close_every_fd();
		wait_forever();
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		return 1;
	elf_module_ready();
	wait_forever();
}

static int trywrite(const char *path)
{
	int fd = open(path ?: "", O_WRONLY);

	if (fd < 0 || write(fd, "x\n", 2) != 2)
		return errno;
	close(fd);
	return 0;
}

static int poke(const char *target)
{
	pid_t pid = atoi(target ?: "0");

	if (pid <= 0)
		return 98;
	if (!kill(pid, 0))
		return 100;
	if (!ptrace(PTRACE_SEIZE, pid, NULL, NULL))
		return 101;
	return 0;
}

/*
 * Requests that start with TAG_MAGIC and a tag byte ask for something
 * else than a copy (the test driver's payloads never start so):
 */
#define TAG_MAGIC	"umh!"
#define TAG_NEVER	0xff	/* no answer */
#define TAG_LATE	0xfe	/* the copy, a second late */
#define TAG_ERROR	0xfd	/* answer with the error EDOM */
#define TAG_BAD		0xfc	/* a message that breaks the format */
#define TAG_EVENTS	0xfb	/* the next byte's number of events first */
#define TAG_STDOUT	0xfa	/* a line on stdout first */
#define TAG_BIG		0xf9	/* the copy, followed by 64 more bytes */
#define TAG_CLOSE	0xf8	/* close the channel, answer nothing */
#define TAG_FLOOD	0xf7	/* the next byte's thousands of events first */

static union {
	struct elf_module_msg_hdr hdr;
	char bytes[sizeof(struct elf_module_msg_hdr) + ELF_MODULE_MSG_MAX];
} msg;

static const char *fresh;

static int tag_of(const struct elf_module_msg_hdr *hdr)
{
	const unsigned char *p = (const unsigned char *)(hdr + 1);

	if (hdr->len < 5 || memcmp(p, TAG_MAGIC, 4))
		return 0;
	return p[4];
}

/* A reply with a payload of ELF_MODULE_MSG_MAX + 1 bytes. */
static int send_oversized(void)
{
	static struct {
		struct elf_module_msg_hdr hdr;
		char payload[ELF_MODULE_MSG_MAX + 1];
	} big;

	big.hdr.type = ELF_MODULE_MSG_REPLY;
	big.hdr.len = sizeof(big.payload);
	return write(ELF_MODULE_CHANNEL_FD, &big, sizeof(big)) < 0 ? 0 : 1;
}

/*
 * Break the wire format in way @kind (0 to 6): the kernel must stop the
 * module for it.  Returns 1 if the write went through.
 */
static int send_bad(int kind)
{
	struct {
		struct elf_module_msg_hdr hdr;
		char payload[8];
	} bad = { .hdr = { .type = ELF_MODULE_MSG_REPLY } };
	size_t len = sizeof(bad.hdr);

	switch (kind) {
	case 0:
		bad.hdr.type = 99;			/* unknown type */
		break;
	case 1:
		len = 8;				/* shorter than a header */
		break;
	case 2:
		bad.hdr.len = 8;			/* len says 8, none sent */
		break;
	case 3:
		bad.hdr.flags = 1;			/* flags set */
		break;
	case 4:
		bad.hdr.type = ELF_MODULE_MSG_ERROR;	/* no errno */
		break;
	case 6:
		return send_oversized();
	default:
		bad.hdr.type = ELF_MODULE_MSG_EVENT;	/* event with an id */
		bad.hdr.id = 7;
		break;
	}
	return write(ELF_MODULE_CHANNEL_FD, &bad, len) < 0 ? 0 : 1;
}

/* Answer a request that carries files with what they hold, in order. */
static int reply_files(const struct elf_module_msg_hdr *req, int *fds)
{
	static char out[ELF_MODULE_MSG_MAX];
	size_t len = 0;
	ssize_t n;
	int i;

	for (i = 0; i < req->nfds; i++) {
		n = read(fds[i], out + len, sizeof(out) - len);
		close(fds[i]);
		fds[i] = -1;
		if (n < 0)
			return elf_module_reply_error(req, errno);
		len += (size_t)n;
	}
	return elf_module_reply(req, out, len);
}

/* Send @count events of 64 bytes, then answer @req with a copy. */
static int flood(const struct elf_module_msg_hdr *req, int count)
{
	char ev[64];
	int i;

	memset(ev, 'e', sizeof(ev));
	for (i = 0; i < count; i++)
		if (elf_module_event(ev, sizeof(ev)))
			return 1;
	return elf_module_reply(req, req + 1, req->len);
}

/* Answer @req (of @n payload bytes) as its tag says. */
static int answer(const struct elf_module_msg_hdr *req, long n, int *fds)
{
	const unsigned char *p = (const unsigned char *)(req + 1);
	int i;

	if (req->nfds)
		return reply_files(req, fds);
	switch (tag_of(req)) {
	case TAG_NEVER:
		return 0;
	case TAG_LATE:
		sleep(1);
		break;
	case TAG_ERROR:
		return elf_module_reply_error(req, EDOM);
	case TAG_BAD:
		return send_bad(p[5]);
	case TAG_EVENTS:
		for (i = 0; i < p[5]; i++)
			if (elf_module_event(&i, sizeof(i)))
				return 1;
		break;
	case TAG_STDOUT:
		printf("stray line on stdout\n");
		fflush(stdout);
		break;
	case TAG_BIG:
		return elf_module_reply(req, p, (size_t)n + 64);
	case TAG_CLOSE:
		close(ELF_MODULE_CHANNEL_FD);
		wait_forever();
	case TAG_FLOOD:
		return flood(req, p[5] * 1000);
	}
	return elf_module_reply(req, p, (size_t)n);
}

/* Gather @batch requests, then answer them last first. */
static int serve_reversed(int batch)
{
	struct elf_module_msg_hdr *held[64];
	int i, got;
	long n;

	if (batch < 1 || batch > 64)
		return 2;
	for (;;) {
		for (got = 0; got < batch; got++) {
			n = elf_module_recv(&msg.hdr, sizeof(msg), NULL);
			if (n < 0)
				return errno ? 1 : 0;
			held[got] = malloc(sizeof(msg.hdr) + (size_t)n);
			if (!held[got])
				return 1;
			memcpy(held[got], &msg, sizeof(msg.hdr) + (size_t)n);
		}
		for (i = got - 1; i >= 0; i--) {
			if (elf_module_reply(held[i], held[i] + 1, held[i]->len))
				return 1;
			free(held[i]);
		}
	}
}

/* Answer @req from pages of a new memfd, not yet in this process's maps. */
static int reply_from_fresh_pages(const struct elf_module_msg_hdr *req)
{
	size_t len = req->len;
	void *p;
	int fd, ret;

	if (!len)
		return elf_module_reply(req, NULL, 0);
	fd = memfd_create("reply", MFD_CLOEXEC);
	if (fd < 0 || write(fd, req + 1, len) != (ssize_t)len)
		return 1;
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return 1;
	ret = elf_module_reply(req, p, len);
	munmap(p, len);
	return ret;
}

/*
 * fresh=1: the kernel finds no page of the buffers there on its first
 * try, neither for a request nor for a reply.
 */
static int serve_fresh(void)
{
	struct elf_module_msg_hdr *m;
	long n;

	for (;;) {
		m = mmap(NULL, sizeof(msg), PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			return 1;
		n = elf_module_recv(m, sizeof(msg), NULL);
		if (n < 0)
			return errno ? 1 : 0;
		if (reply_from_fresh_pages(m))
			return 1;
		munmap(m, sizeof(msg));
	}
}

/* One request: answer it, stay silent, or die on it. */
static int serve_one(const struct elf_module_msg_hdr *req, int *fds,
		     void *mode)
{
	if (!strcmp(mode, "die"))
		return 3;
	if (!strcmp(mode, "echo") && answer(req, req->len, fds))
		return 1;
	return 0;
}

/* One server thread: elf_module_serve() has a buffer per thread. */
static int serve_loop(const char *mode)
{
	int ret = elf_module_serve(serve_one, (void *)mode);

	return ret < 0 ? 1 : ret;
}

static void *serve_thread(void *mode)
{
	return (void *)(long)serve_loop(mode);
}

/* Serve the channel from @threads threads (by default one). */
static int serve(const char *mode, const char *batch, const char *daemon_,
		 const char *threads)
{
	int i, n = threads ? atoi(threads) : 1;
	pthread_t t;

	if (daemon_ && daemon(0, 0))
		return 1;
	elf_module_ready();
	if (batch)
		return serve_reversed(atoi(batch));
	if (fresh)
		return serve_fresh();
	for (i = 1; i < n; i++)
		if (pthread_create(&t, NULL, serve_thread, (void *)mode))
			return 1;
	return serve_loop(mode);
}

/*
 * Fork until it fails, FORKMAX_MOST times at most (so that a missing
 * limit is reported, not a fork bomb); the children wait, and die with
 * the module.
 */
#define FORKMAX_MOST	64
static noreturn void forkmax(void)
{
	const char *end = "no limit";
	char line[96];
	pid_t pid = 1;
	int n = 0;

	while (n < FORKMAX_MOST && (pid = fork()) > 0)
		n++;
	if (!pid)
		wait_forever();
	if (pid < 0)
		end = errno == EAGAIN ? "EAGAIN" : strerror(errno);
	snprintf(line, sizeof(line), "STATUS=forked %d, then %s\nREADY=1\n",
		 n, end);
	elf_module_notify(line);
	wait_forever();
}

/* Use ever more memory, until the OOM killer ends it. */
static noreturn void eatmem(void)
{
	elf_module_ready();
	for (;;) {
		char *p = malloc(1 << 20);

		if (p)
			memset(p, 1, 1 << 20);
	}
}

/* The value of a key=value parameter of main(), or NULL. */
#define ARG(key)	elf_module_param(argc, argv, key)

int main(int argc, char **argv)
{
	const char *mode = ARG("mode") ?: DEFAULT_MODE;
	const char *v;
	int i;

	v = ARG("delay_ms");
	if (v) {
		struct timespec ts = { atoi(v) / 1000, (atoi(v) % 1000) * 1000000L };

		nanosleep(&ts, NULL);
	}
	v = ARG("say");
	if (v)
		fprintf(stderr, "%s\n", v);
	v = ARG("flood");
	if (v) {
		for (i = 0; i < atoi(v); i++)
			fprintf(stderr, "flood line %d\n", i);
		if (!ARG("stay"))
			return 0;
		elf_module_ready();
		wait_forever();
	}
	v = ARG("status");
	if (v)
		elf_module_status(v);
	v = ARG("errno");
	if (v) {
		char line[64];

		snprintf(line, sizeof(line), "ERRNO=%s\n", v);
		elf_module_notify(line);
	}
	v = ARG("exit");
	if (v)
		return atoi(v);
	v = ARG("signal");
	if (v) {
		signal(atoi(v), SIG_DFL);
		raise(atoi(v));
		return 99;
	}
	if (!strcmp(mode, "oneshot"))
		return 0;
	fresh = ARG("fresh");
	if (!strcmp(mode, "echo") || !strcmp(mode, "silent") ||
	    !strcmp(mode, "die"))
		return serve(mode, ARG("batch"),
			     ARG("daemon"), ARG("threads"));
	if (!strcmp(mode, "ready")) {
		elf_module_ready();
		wait_forever();
	}
	if (!strcmp(mode, "readyabort"))
		ready_abort();
	if (!strcmp(mode, "forkmax"))
		forkmax();
	if (!strcmp(mode, "forkmaxlater")) {
		char line[64];
		sigset_t usr1;

		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		sigprocmask(SIG_BLOCK, &usr1, NULL);
		snprintf(line, sizeof(line),
			 "STATUS=waiting for SIGUSR1 in %d\nREADY=1\n",
			 (int)getpid());
		elf_module_notify(line);
		sigwait(&usr1, &i);
		forkmax();
	}
	if (!strcmp(mode, "eatmem"))
		eatmem();
	if (!strcmp(mode, "readyexit")) {
		elf_module_ready();
		usleep(200000);
		return 0;
	}
	if (!strcmp(mode, "watchdog")) {
		const char *p = ARG("period_ms");
		int pings = atoi(ARG("pings") ?: "0");

		elf_module_ready();
		for (i = 0; i < pings; i++) {
			usleep((p ? atoi(p) : 100) * 1000);
			elf_module_watchdog();
		}
		wait_forever();
	}
	if (!strcmp(mode, "readyfail")) {
		elf_module_ready();
		usleep(300000);
		return 3;
	}
	if (!strcmp(mode, "never"))
		wait_forever();
	if (!strcmp(mode, "readyonce")) {
		v = ARG("marker");
		i = v ? open(v, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600) : -1;
		if (i >= 0) {
			close(i);
			elf_module_status("first run");
			elf_module_ready();
		}
		wait_forever();
	}
	if (!strcmp(mode, "readynonl")) {
		elf_module_notify("READY=1");
		close(ELF_MODULE_NOTIFY_FD);
		wait_forever();
	}
	if (!strcmp(mode, "readynonlopen")) {
		elf_module_notify("READY=1");
		wait_forever();
	}
	if (!strcmp(mode, "readybad")) {
		elf_module_notify("READY=10\nREADY=1x\nREADY=\n READY=1\n"
				  "XREADY=1\nREADY=0\n");
		wait_forever();
	}
	if (!strcmp(mode, "ignoreterm")) {
		signal(SIGTERM, SIG_IGN);
		elf_module_ready();
		wait_forever();
	}
	if (!strcmp(mode, "daemon"))
		return daemonize();
	if (!strcmp(mode, "escape"))
		return escape();
	if (!strcmp(mode, "threadexit"))
		return threadexit();
	if (!strcmp(mode, "unsharefiles"))
		return unsharefiles();
	if (!strcmp(mode, "trywrite"))
		return trywrite(ARG("file"));
	if (!strcmp(mode, "poke"))
		return poke(ARG("target"));
	if (!strcmp(mode, "dstate")) {
		int fd = open("/sys/kernel/debug/test_umh_elf/dstate", O_RDONLY);

		if (fd < 0)
			return 1;
		elf_module_ready();
		i = read(fd, &fd, 1);
		wait_forever();
	}
	if (!strcmp(mode, "envcheck")) {
		i = envcheck(argv);
		if (i)
			fprintf(stderr, "envcheck failed: %d\n", i);
		return i;
	}
	if (!strcmp(mode, "args")) {
		for (i = 0; i < argc; i++)
			fprintf(stderr, "argv[%d]=<%s>\n", i, argv[i]);
		return 0;
	}
	fprintf(stderr, "unknown mode %s\n", mode);
	return 98;
}
