// SPDX-License-Identifier: GPL-2.0
/*
 * elfmod-run - run an ELF module as a plain program, and see what its
 * load would return
 *
 *	elfmod-run [-t READY_MS] [-s STOP_MS] [-c CALL_MS] [-i FILE] [-k]
 *		   NAME.ko [param=value ...]
 *
 * The module runs as a child of elfmod-run, with your credentials, and
 * with what the kernel gives it (Documentation/admin-guide/elf-modules.rst):
 * argv[0] NAME and the parameters split as the kernel splits them, the
 * environment, cwd /, no controlling terminal, fd 0 at end of file, fds
 * 1 and 2 printed as "NAME: line", fd 3 the notify fd (its lines printed
 * as "notify: line"), fd 4 the channel (chan.c).  The load ends as the
 * kernel's does: READY=1, the main process's exit (ERRNO=, its status or
 * signal), or the ready timeout, and elfmod-run prints the result
 * ("load: 0 (ready)", "load: -ENODEV (No such device)") and what modprobe
 * would print.  Once the module is ready, each line of FILE (or of stdin)
 * is a request on the channel; at the end of the input, when no call is
 * waiting any more, the module is stopped as rmmod stops it (-k: only on
 * Ctrl-C).  The exit status is the load's errno, 0 for success.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "elfmod-run.h"

/* As the kernel's: a log line, a notify line, the timeouts' bounds. */
#define LINE_MAX_LOG	200
#define NOTIFY_LINE_MAX	144
#define STATUS_MAX	127
#define EXIT_ERRNO_MAX	133

#if defined(__x86_64__)
#define RUN_AUDIT_ARCH	AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define RUN_AUDIT_ARCH	AUDIT_ARCH_AARCH64
#endif

static struct {
	int ready_ms, stop_ms, call_ms;
	bool keep;
	const char *input;
} opt = { 30000, 5000, 10000, false, NULL };

/* One module being run. */
static struct run {
	struct image img;
	pid_t pid;		/* its main process */
	int status;		/* the main process's wait status */
	bool exited;
	bool ready;
	bool loaded;		/* the load returned 0, it is not gone */
	bool stopping;		/* rmmod: SIGTERM sent */
	bool killed;		/* SIGKILL was needed */
	bool broken;		/* it broke the channel: SIGKILL */
	bool apply_caps;	/* we are root: capabilities= applies */
	unsigned long long caps;
	unsigned int uid;
	long long start, stop_at;
	int notify_errno;
	char status_text[STATUS_MAX + 1];
	char ntf[NOTIFY_LINE_MAX];
	size_t ntflen;
	struct chan *chan;
} run;

long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* "PREFIX ID: payload", unprintable bytes as \xNN. */
void print_escaped(const char *prefix, const void *buf, size_t len)
{
	const struct elf_module_msg_hdr *h = (const void *)((const char *)buf -
							     sizeof(*h));
	const unsigned char *p = buf;
	size_t i;

	if (strcmp(prefix, "event"))
		printf("%s %llu: ", prefix, (unsigned long long)h->id);
	else
		printf("%s: ", prefix);
	for (i = 0; i < len && i < 512; i++) {
		if (p[i] == '\\')
			fputs("\\\\", stdout);
		else if (p[i] >= 0x20 && p[i] < 0x7f)
			putchar(p[i]);
		else
			printf("\\x%02x", p[i]);
	}
	if (i < len)
		printf("... (%zu bytes)", len);
	putchar('\n');
	fflush(stdout);
}

const char *errname(int err)
{
	const char *s = strerrorname_np(err);

	return s ? s : "E?";
}

/* kmod's modprobe on a failed load (Debian kmod 30, libkmod's messages). */
static void say_modprobe(int err)
{
	const char *why = strerror(err);

	if (err == ENOENT)
		why = "Unknown symbol in module, or unknown parameter (see dmesg)";
	say("modprobe would print: modprobe: ERROR: could not insert '%s': %s",
	    run.img.name, why);
}

/* The load's result is known: print it once. */
static void say_load(int err, const char *how)
{
	if (!err) {
		say("load: 0 (%s)", how ? how : "");
		run.loaded = true;
		return;
	}
	say("load: -%s (%s)", errname(err), strerror(err));
	say_modprobe(err);
	exit(err);
}

/*
 * The -errno of a load whose main process ended with @status before it
 * was ready (SPEC section 4, kernel/umh_elf.c umh_elf_end_result()).
 */
static int end_errno(int status)
{
	int err;

	if (WIFSIGNALED(status))
		return -ECHILD;
	if (run.notify_errno)
		err = run.notify_errno;
	else if (WEXITSTATUS(status) <= EXIT_ERRNO_MAX)
		err = WEXITSTATUS(status);
	else
		err = ECHILD;
	return err == EEXIST ? -ECHILD : -err;
}

/* Every process below us: the module's, as its cgroup would hold them. */
static int kill_all(int sig)
{
	pid_t pids[4096], ppids[4096], self = getpid();
	int n = 0, i, j, killed = 0;
	bool ours[4096] = { false };
	char path[64];
	FILE *f;
	DIR *d;
	struct dirent *e;

	d = opendir("/proc");
	while (d && (e = readdir(d)) && n < 4096) {
		int pid = atoi(e->d_name), ppid;

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fscanf(f, "%*d (%*[^)]) %*c %d", &ppid) == 1) {
			pids[n] = pid;
			ppids[n++] = ppid;
		}
		fclose(f);
	}
	if (d)
		closedir(d);
	for (bool more = true; more;) {
		more = false;
		for (i = 0; i < n; i++) {
			if (ours[i])
				continue;
			if (ppids[i] == self)
				ours[i] = true;
			for (j = 0; j < n && !ours[i]; j++)
				if (ours[j] && ppids[i] == pids[j])
					ours[i] = true;
			more |= ours[i];
		}
	}
	for (i = 0; i < n; i++)
		if (ours[i] && !kill(pids[i], sig))
			killed++;
	return killed;
}

/*
 * Reap what ended, the main process's status into run.  Returns whether
 * any process of the module remains (orphans come to us: a subreaper).
 */
static bool reap(void)
{
	int st;
	pid_t pid;

	while ((pid = waitpid(-1, &st, WNOHANG | __WALL)) > 0) {
		if (pid == run.pid) {
			run.status = st;
			run.exited = true;
		}
	}
	return pid == 0;
}

/*
 * The parameter string split as the kernel splits it (next_arg(), then
 * put back as "key=value"), and the kernel's own elf.KEY= left out.
 */
static char **build_argv(int argc, char **params)
{
	char *args, *p, **argv;
	size_t len = 1;
	int i, n = 1;

	for (i = 0; i < argc; i++)
		len += strlen(params[i]) + 1;
	args = calloc(1, len);
	argv = calloc(len + 2, sizeof(*argv));
	if (!args || !argv)
		exit(ENOMEM);
	for (i = 0; i < argc; i++) {
		strcat(args, params[i]);
		if (i + 1 < argc)
			strcat(args, " ");
	}
	argv[0] = run.img.name;
	p = args + strspn(args, " \t\n");
	while (*p) {
		char *word = p, *out;
		bool quote = false;
		size_t k;

		/* next_arg(): quotes group, and are dropped. */
		for (k = 0; p[k] && (quote || !strchr(" \t\n", p[k])); k++)
			if (p[k] == '"')
				quote = !quote;
		if (p[k])
			p[k++] = '\0';
		p += k;
		p += strspn(p, " \t\n");
		out = word;
		for (k = 0; word[k]; k++) {
			if (word[k] != '"')
				*out++ = word[k];
		}
		*out = '\0';
		if (!strncmp(word, "elf.", 4))
			continue;
		argv[n++] = word;
	}
	return argv;
}

/* The image in a private folder, named NAME: comm is NAME, as in-kernel. */
static char *write_image(char *dir)
{
	char *path;
	int fd;

	if (!mkdtemp(dir) || asprintf(&path, "%s/%s", dir, run.img.name) < 0)
		return NULL;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0500);
	if (fd < 0)
		return NULL;
	if (write(fd, run.img.data, run.img.len) != (ssize_t)run.img.len) {
		close(fd);
		return NULL;
	}
	close(fd);
	/* A module with its own uid must be able to exec it. */
	if (run.apply_caps && (chmod(dir, 0711) || chmod(path, 0555)))
		return NULL;
	return path;
}

/* The sha256 of the image, as elf/sha256 shows it. */
static void image_sha256(const char *path, char sha[80])
{
	char cmd[512];
	FILE *f;

	snprintf(sha, 80, "?");
	snprintf(cmd, sizeof(cmd), "sha256sum '%s'", path);
	f = popen(cmd, "r");
	if (f) {
		if (fscanf(f, "%64s", sha) != 1)
			snprintf(sha, 80, "?");
		pclose(f);
	}
}

static void say_started(const char *sha)
{
	say("elf-module %s: started pid %d, sha256 %s, %s, by elfmod-run[%d]",
	    run.img.name, run.pid, sha,
	    run.img.is_signed ? "signed" : "unsigned", getpid());
	if (run.apply_caps)
		say("elfmod-run: capabilities=%s: uid and gid %u, those capabilities only",
		    run.img.caps, run.uid);
	else if (run.img.has_caps)
		say("elfmod-run: note: capabilities=%s not applied: %s",
		    run.img.caps,
		    "only root can, it runs with your credentials");
}

/* Catch ioctl(4, ELF_MODULE_IOC_RECV, ...): chan.c answers it. */
static int seccomp_listener(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, RUN_AUDIT_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_ioctl, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ELF_MODULE_CHANNEL_FD, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, args[1])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ELF_MODULE_IOC_RECV, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
	};
	struct sock_fprog prog = { ARRAY_SIZE(f), f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			    SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
}

static void send_fd(int sock, int fd, int err)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { &err, sizeof(err) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;

	if (fd >= 0) {
		m.msg_control = cbuf;
		m.msg_controllen = sizeof(cbuf);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	sendmsg(sock, &m, 0);
}

/* What the child got wrong before exec, or the listener: 0 or -errno. */
static int recv_fd(int sock, int *fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	int err = 0;
	struct iovec iov = { &err, sizeof(err) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	ssize_t n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);

	if (n <= 0)
		return n ? -errno : 1;	/* 1: closed, the exec went through */
	c = CMSG_FIRSTHDR(&m);
	if (c && c->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(c), sizeof(int));
	return -err;
}

/* In the child: the fds, environment and state of SPEC section 3. */
static void child(const char *path, char **argv, int fds[5], int ctl)
{
	int i, listener;

	clearenv();
	setenv("HOME", "/", 1);
	setenv("PATH", "/sbin:/bin:/usr/sbin:/usr/bin", 1);
	setenv("NOTIFY_FD", "3", 1);
	setenv("MODULE_NAME", run.img.name, 1);
	setenv("CHANNEL_FD", "4", 1);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	setsid();
	for (i = 0; i < 5; i++)
		fds[i] = fcntl(fds[i], F_DUPFD, 10);
	ctl = fcntl(ctl, F_DUPFD_CLOEXEC, 10);
	for (i = 0; i < 5; i++)
		dup2(fds[i], i);
	dup2(ctl, 5);
	fcntl(5, F_SETFD, FD_CLOEXEC);
	syscall(SYS_close_range, 6U, ~0U, 0U);
	if (chdir("/"))
		_exit(127);
	if (run.apply_caps) {
		i = caps_apply(run.caps, run.uid);
		if (i) {
			send_fd(5, -1, -i);
			_exit(127);
		}
	}
	listener = seccomp_listener();
	if (listener < 0) {
		send_fd(5, -1, errno);
		_exit(127);
	}
	send_fd(5, listener, 0);
	close(listener);
	umask(022);
	execve(path, argv, environ);
	send_fd(5, -1, errno);
	_exit(127);
}

/* One notify line, parsed as umh_elf_notify_line() does. */
static void notify_line(void)
{
	char *line = run.ntf, *end;
	size_t len = run.ntflen;
	long v;

	run.ntflen = 0;
	say("notify: %.*s", (int)len, line);
	if (len == 7 && !memcmp(line, "READY=1", 7)) {
		if (!run.ready && !run.exited)
			say_load(0, "ready");
		run.ready = true;
	} else if (len >= 7 && !memcmp(line, "STATUS=", 7)) {
		len = len - 7 > STATUS_MAX ? STATUS_MAX : len - 7;
		memcpy(run.status_text, line + 7, len);
		run.status_text[len] = '\0';
	} else if (len > 6 && len < 6 + 8 && !memcmp(line, "ERRNO=", 6)) {
		char num[8];

		memcpy(num, line + 6, len - 6);
		num[len - 6] = '\0';
		errno = 0;
		v = strtol(num, &end, 10);
		if (!errno && !*end && *num != ' ' && v >= 1 &&
		    v <= ELF_MODULE_ERRNO_MAX)
			run.notify_errno = (int)v;
	}
}

static void notify_bytes(const char *buf, size_t len)
{
	for (; len; buf++, len--) {
		if (*buf == '\n')
			notify_line();
		else if (run.ntflen < sizeof(run.ntf))
			run.ntf[run.ntflen++] = *buf;
	}
}

/* A log line of fd 1 or 2: "NAME: line", cut into lines of 200 bytes. */
struct logbuf {
	char line[LINE_MAX_LOG];
	size_t len;
};

static void log_bytes(struct logbuf *lb, const char *buf, ssize_t len)
{
	for (; len > 0; buf++, len--) {
		if (*buf != '\n')
			lb->line[lb->len++] = *buf;
		if (*buf == '\n' || lb->len == sizeof(lb->line)) {
			if (lb->len)
				say("%s: %.*s", run.img.name, (int)lb->len,
				    lb->line);
			lb->len = 0;
		}
	}
}

/* The kernel's stop line when fd 3 holds a line without its newline. */
#define STOP_NONL \
	"elf-module %s: stopped (timeout; fd 3 holds \"%.*s\" without a newline)"

/* The end of the module: the kernel's stop line. */
static void say_stopped(void)
{
	char how[96];

	if (run.stopping && run.killed)
		snprintf(how, sizeof(how), "rmmod, killed after %d ms",
			 opt.stop_ms);
	else if (run.stopping)
		snprintf(how, sizeof(how), "rmmod");
	else if (!run.exited)
		snprintf(how, sizeof(how), "gone");
	else if (WIFSIGNALED(run.status))
		snprintf(how, sizeof(how), "signal %d", WTERMSIG(run.status));
	else
		snprintf(how, sizeof(how), "exit %d", WEXITSTATUS(run.status));
	if (*run.status_text)
		say("elf-module %s: stopped (%s), last status \"%s\"",
		    run.img.name, how, run.status_text);
	else
		say("elf-module %s: stopped (%s)", run.img.name, how);
}

/* rmmod: the channel closes, SIGTERM, SIGKILL after the stop timeout. */
static void stop(void)
{
	if (run.stopping || run.broken)
		return;
	run.stopping = true;
	chan_close(run.chan);
	kill_all(SIGTERM);
	run.stop_at = now_ms() + opt.stop_ms;
}

/* The main process ended before the load returned. */
static void ended_early(bool left)
{
	int err;

	if (WIFEXITED(run.status) && !WEXITSTATUS(run.status)) {
		say_load(0, left ? "exited 0, its other processes run on" :
				   "ran to completion");
		return;
	}
	err = -end_errno(run.status);
	if (left) {
		kill_all(SIGKILL);
		while (reap())
			usleep(1000);
	}
	say_stopped();
	say_load(err, NULL);
}

enum { P_OUT, P_ERR, P_NTF, P_CHAN, P_SECCOMP, P_SIG, P_IN, P_N };

/* Read one fd of the module; false at its end. */
static bool drain(int fd, void (*fn)(const char *, ssize_t, void *),
		  void *arg)
{
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n > 0)
		fn(buf, n, arg);
	return n > 0;
}

static void on_log(const char *buf, ssize_t n, void *lb)
{
	log_bytes(lb, buf, n);
}

static void on_notify(const char *buf, ssize_t n, void *unused)
{
	notify_bytes(buf, (size_t)n);
}

/* Input lines, requests once the module is ready. */
static char inbuf[2 * ELF_MODULE_MSG_MAX];
static size_t inlen;

static void on_input(const char *buf, ssize_t n, void *unused)
{
	char *nl;

	if ((size_t)n > sizeof(inbuf) - inlen)
		n = (ssize_t)(sizeof(inbuf) - inlen);
	memcpy(inbuf + inlen, buf, (size_t)n);
	inlen += (size_t)n;
	while ((nl = memchr(inbuf, '\n', inlen))) {
		*nl = '\0';
		if (*inbuf && *inbuf != '#')
			chan_call(run.chan, inbuf);
		inlen -= (size_t)(nl + 1 - inbuf);
		memmove(inbuf, nl + 1, inlen);
	}
	if (inlen == sizeof(inbuf)) {	/* no end in sight: too long */
		say("call: -EMSGSIZE: a request line longer than %zu bytes",
		    sizeof(inbuf));
		inlen = 0;
	}
}

static int in_fd;

/* What the module wrote before it ended counts: read it all first. */
static void drain_all(struct pollfd *pfd, struct logbuf lb[2])
{
	while (pfd[P_NTF].fd >= 0 && drain(pfd[P_NTF].fd, on_notify, NULL))
		;
	while (pfd[P_OUT].fd >= 0 && drain(pfd[P_OUT].fd, on_log, &lb[0]))
		;
	while (pfd[P_ERR].fd >= 0 && drain(pfd[P_ERR].fd, on_log, &lb[1]))
		;
}

static int loop(struct pollfd *pfd, struct logbuf lb[2])
{
	struct signalfd_siginfo si;
	long long deadline, t;
	bool left = true, in_done = false;
	const char *bad;
	int timeout;

	while (left || pfd[P_OUT].fd >= 0 || pfd[P_ERR].fd >= 0) {
		deadline = !run.loaded ? run.start + opt.ready_ms :
			   run.stopping && !run.killed ? run.stop_at : -1;
		t = chan_next_deadline(run.chan);
		if (t >= 0 && (deadline < 0 || t < deadline))
			deadline = t;
		timeout = deadline < 0 ? -1 : (int)(deadline - now_ms());
		pfd[P_IN].fd = run.loaded && !in_done && !run.stopping ?
			       in_fd : -1;
		poll(pfd, P_N, timeout < 0 && deadline >= 0 ? 0 : timeout);
		if (pfd[P_OUT].revents && !drain(pfd[P_OUT].fd, on_log, &lb[0]))
			pfd[P_OUT].fd = -1;
		if (pfd[P_ERR].revents && !drain(pfd[P_ERR].fd, on_log, &lb[1]))
			pfd[P_ERR].fd = -1;
		if (pfd[P_NTF].revents && !drain(pfd[P_NTF].fd, on_notify, NULL)) {
			pfd[P_NTF].fd = -1;	/* all closed: a last line counts */
			if (run.ntflen)
				notify_line();
		}
		if (pfd[P_SECCOMP].revents & POLLIN)
			chan_on_notif(run.chan);
		if (pfd[P_CHAN].revents & POLLIN) {
			bad = chan_on_message(run.chan);
			if (bad) {
				/* As the kernel: the calls fail, SIGKILL. */
				say("elf-module %s: channel: %s, stopping it",
				    run.img.name, bad);
				pfd[P_CHAN].fd = -1;
				run.broken = true;
				kill_all(SIGKILL);
				chan_close(run.chan);
			}
		}
		if (pfd[P_SIG].revents &&
		    read(pfd[P_SIG].fd, &si, sizeof(si)) == sizeof(si) &&
		    si.ssi_signo != SIGCHLD) {
			if (!run.loaded) {	/* the caller was killed */
				kill_all(SIGKILL);
				while (reap())
					usleep(1000);
				say_stopped();
				say_load(EINTR, NULL);
			}
			stop();
		}
		if (pfd[P_IN].fd >= 0 && pfd[P_IN].revents &&
		    !drain(pfd[P_IN].fd, on_input, NULL))
			in_done = true;
		chan_tick(run.chan, now_ms());
		left = reap();
		if (run.exited && !run.loaded)
			drain_all(pfd, lb);
		if (!run.loaded && run.exited) {
			ended_early(left);
			if (!left)
				break;
		}
		if (!run.loaded && now_ms() >= run.start + opt.ready_ms) {
			char nonl_buf[sizeof(run.ntf)];
			int nonl = run.ntflen;

			/* Read before the kill: a last close would end it. */
			memcpy(nonl_buf, run.ntf, nonl);
			kill_all(SIGKILL);
			while (reap())
				usleep(1000);
			if (nonl)
				say(STOP_NONL, run.img.name, nonl, nonl_buf);
			else
				say("elf-module %s: stopped (timeout)",
				    run.img.name);
			say_load(ETIMEDOUT, NULL);
		}
		if (run.loaded && in_done && !opt.keep && chan_idle(run.chan))
			stop();
		if (run.stopping && !run.killed && now_ms() >= run.stop_at) {
			run.killed = kill_all(SIGKILL) > 0;
			run.stop_at = now_ms() + 1000;
		}
	}
	chan_close(run.chan);	/* calls in flight: EPIPE */
	say_stopped();
	return 0;
}

static void help(void)
{
	fprintf(stderr,
		"elfmod-run [-t READY_MS] [-s STOP_MS] [-c CALL_MS] [-i FILE] [-k]\n"
		"           NAME.ko [param=value ...]\n"
		"  -t  ready timeout, 100 to 600000 ms (default 30000, as the kernel's)\n"
		"  -s  stop timeout, 100 to 60000 ms (default 5000)\n"
		"  -c  how long a call waits for its reply (default 10000 ms)\n"
		"  -i  requests for the channel, one a line (default stdin)\n"
		"  -k  keep the module running at the end of the requests, until Ctrl-C\n");
	exit(EINVAL);
}

static int bounded(const char *s, int min, int max)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end || v < min || v > max) {
		fprintf(stderr,
			"elfmod-run: %s: not from %d to %d: refused (EINVAL), as the kernel refuses it\n",
			s, min, max);
		exit(EINVAL);
	}
	return (int)v;
}

int main(int argc, char **argv)
{
	struct pollfd pfd[P_N];
	struct logbuf lb[2] = { 0 };
	int in[2], out[2], err[2], ntf[2], chan[2], ctl[2];
	char dir[256], sha[80], *path, **margv;
	int c, fds[5], listener = -1, sfd;
	sigset_t sigs;

	while ((c = getopt(argc, argv, "+t:s:c:i:kh")) != -1) {
		switch (c) {
		case 't':
			opt.ready_ms = bounded(optarg, 100, 600000);
			break;
		case 's':
			opt.stop_ms = bounded(optarg, 100, 60000);
			break;
		case 'c':
			opt.call_ms = bounded(optarg, 1, 3600000);
			break;
		case 'i':
			opt.input = optarg;
			break;
		case 'k':
			opt.keep = true;
			break;
		default:
			help();
		}
	}
	if (optind >= argc)
		help();
	setvbuf(stdout, NULL, _IOLBF, 0);
	c = image_load(&run.img, argv[optind]);
	if (c) {
		say("load: -%s (%s)", errname(-c), strerror(-c));
		snprintf(run.img.name, sizeof(run.img.name), "NAME");
		say_modprobe(-c);
		return -c;
	}
	if (run.img.has_caps) {
		c = caps_parse(&run.img, &run.caps);
		if (c) {
			say("load: -%s (%s)", errname(-c), strerror(-c));
			say_modprobe(-c);
			return -c;
		}
		run.apply_caps = !geteuid();
		run.uid = RUN_UID_BASE + (getpid() & 0xffff);
	}
	margv = build_argv(argc - optind - 1, argv + optind + 1);
	snprintf(dir, sizeof(dir), "%s/elfmod-run.XXXXXX",
		 getenv("TMPDIR") && strlen(getenv("TMPDIR")) < 200 ?
		 getenv("TMPDIR") : "/tmp");
	path = write_image(dir);
	if (!path) {
		perror("elfmod-run: the image's copy");
		return 1;
	}
	image_sha256(path, sha);
	in_fd = 0;
	if (opt.input && strcmp(opt.input, "-")) {
		in_fd = open(opt.input, O_RDONLY | O_CLOEXEC);
		if (in_fd < 0) {
			perror(opt.input);
			return 1;
		}
	}
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) ||
	    pipe2(err, O_CLOEXEC) || pipe2(ntf, O_CLOEXEC) ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, chan) ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ctl)) {
		perror("elfmod-run");
		return 1;
	}
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGCHLD);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	signal(SIGPIPE, SIG_IGN);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	run.start = now_ms();
	run.pid = fork();
	if (run.pid < 0) {
		perror("elfmod-run: fork");
		return 1;
	}
	if (!run.pid) {
		sigprocmask(SIG_UNBLOCK, &sigs, NULL);
		signal(SIGPIPE, SIG_DFL);
		close(in[1]);
		fds[0] = in[0];
		fds[1] = out[1];
		fds[2] = err[1];
		fds[3] = ntf[1];
		fds[4] = chan[1];
		child(path, margv, fds, ctl[1]);
	}
	close(in[0]);
	close(in[1]);
	close(out[1]);
	close(err[1]);
	close(ntf[1]);
	close(chan[1]);
	close(ctl[1]);
	c = recv_fd(ctl[0], &listener);
	if (!c)
		c = recv_fd(ctl[0], &listener);
	close(ctl[0]);
	unlink(path);
	rmdir(dir);
	if (c < 0) {
		/* The kernel's exec of the image failed: the load fails so. */
		waitpid(run.pid, NULL, 0);
		say("elfmod-run: exec: %s", strerror(-c));
		say_load(-c, NULL);
	}
	say_started(sha);
	run.chan = chan_new(chan[0], listener, opt.call_ms);
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	fcntl(err[0], F_SETFL, O_NONBLOCK);
	fcntl(ntf[0], F_SETFL, O_NONBLOCK);
	pfd[P_OUT] = (struct pollfd){ .fd = out[0], .events = POLLIN };
	pfd[P_ERR] = (struct pollfd){ .fd = err[0], .events = POLLIN };
	pfd[P_NTF] = (struct pollfd){ .fd = ntf[0], .events = POLLIN };
	pfd[P_CHAN] = (struct pollfd){ .fd = chan[0], .events = POLLIN };
	pfd[P_SECCOMP] = (struct pollfd){ .fd = listener, .events = POLLIN };
	pfd[P_SIG] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	pfd[P_IN] = (struct pollfd){ .fd = -1, .events = POLLIN };
	return loop(pfd, lb);
}
