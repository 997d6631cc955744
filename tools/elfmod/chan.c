// SPDX-License-Identifier: GPL-2.0
/*
 * elfmod-run: the channel (fd 4), as kernel code using umh_elf_call()
 * would drive it.  The module's end is a SOCK_SEQPACKET socket, so each
 * write(2) it makes is one message, checked as the kernel checks it
 * (kernel/umh_elf_chan.c).  Its ELF_MODULE_IOC_RECV ioctl, which a socket
 * does not know, is caught by a seccomp filter and answered here through
 * the filter's listener (seccomp_unotify(2)): the message is written into
 * the module's buffer, and the files a request carries are installed in
 * the module as new fds, as the kernel does.
 *
 * A request is one line of input: its payload, with \n, \t, \\ and \xNN
 * escapes; "<PATH[,PATH...] payload" also carries those files.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include "elfmod-run.h"

/* A request not yet received by the module, or waiting for its reply. */
struct call {
	struct call *next;
	unsigned long long id;
	long long deadline;
	bool delivered;
	int nfds;
	int fds[ELF_MODULE_FDS_MAX];
	size_t len;
	unsigned char payload[];
};

/* A RECV ioctl of the module, held until a request comes. */
struct waiter {
	struct waiter *next;
	struct seccomp_notif n;
};

struct chan {
	int sock;		/* our end of fd 4 */
	int listener;		/* the seccomp filter's */
	int call_ms;		/* a caller's timeout */
	bool closed;		/* the kernel side let go: RECV says 0 */
	unsigned long long next_id;
	struct call *calls;	/* in the order they were made */
	struct waiter *waiters;
	unsigned char *buf;	/* one message from the module */
};

/**
 * chan_new() - the kernel's side of a module's channel
 * @sock: our end of the module's fd 4
 * @listener: the seccomp listener of the module's RECV ioctls
 * @call_ms: how long a call waits for its reply
 *
 * Return: the channel; exits if out of memory.
 */
struct chan *chan_new(int sock, int listener, int call_ms)
{
	struct chan *ch = calloc(1, sizeof(*ch));

	if (ch)
		ch->buf = malloc(sizeof(struct elf_module_msg_hdr) +
				 ELF_MODULE_MSG_MAX + 1);
	if (!ch || !ch->buf) {
		perror("elfmod-run");
		exit(1);
	}
	ch->sock = sock;
	ch->listener = listener;
	ch->call_ms = call_ms;
	ch->next_id = 1;
	return ch;
}

/* No call in flight. */
bool chan_idle(const struct chan *ch)
{
	return !ch->calls;
}

static int unescape(const char *s, unsigned char *out, size_t room)
{
	size_t n = 0;
	unsigned int x;

	for (; *s && n < room; s++) {
		if (*s != '\\' || !s[1]) {
			out[n++] = (unsigned char)*s;
			continue;
		}
		s++;
		if (*s == 'n') {
			out[n++] = '\n';
		} else if (*s == 't') {
			out[n++] = '\t';
		} else if (*s == 'x' && sscanf(s + 1, "%2x", &x) == 1) {
			out[n++] = (unsigned char)x;
			s += 2;
		} else {
			out[n++] = (unsigned char)*s;
		}
	}
	return *s ? -EMSGSIZE : (int)n;
}

/* Open the files of "<a,b" at @spec (up to the first blank). */
static int open_files(struct call *c, const char *spec, size_t len)
{
	char path[4096];
	const char *p = spec, *end = spec + len;

	while (p < end) {
		const char *comma = memchr(p, ',', end - p);
		size_t n = (comma ? comma : end) - p;
		int fd;

		if (c->nfds == ELF_MODULE_FDS_MAX || n >= sizeof(path))
			return -EINVAL;
		memcpy(path, p, n);
		path[n] = '\0';
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0 && (errno == EACCES || errno == EISDIR ||
			       errno == EROFS))
			fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			say("elfmod-run: %s: %s", path, strerror(errno));
			return -errno;
		}
		c->fds[c->nfds++] = fd;
		p += n + 1;
	}
	return 0;
}

static void call_free(struct call *c)
{
	int i;

	for (i = 0; i < c->nfds; i++)
		close(c->fds[i]);
	free(c);
}

static void call_unlink(struct chan *ch, struct call *c)
{
	struct call **pp;

	for (pp = &ch->calls; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	call_free(c);
}

static int respond(struct chan *ch, const struct seccomp_notif *n,
		   long long val, int err)
{
	struct seccomp_notif_resp r = {
		.id = n->id, .val = val, .error = err ? -err : 0,
	};

	return ioctl(ch->listener, SECCOMP_IOCTL_NOTIF_SEND, &r);
}

/* Hand @c to the RECV ioctl @n: 0 if it took it, else a -errno. */
static int deliver(struct chan *ch, const struct seccomp_notif *n,
		   struct call *c)
{
	unsigned long long at = n->data.args[2];
	struct elf_module_msg_hdr hdr = {
		.id = c->id, .len = (unsigned int)c->len,
		.type = ELF_MODULE_MSG_REQUEST, .nfds = (unsigned char)c->nfds,
	};
	struct elf_module_recv r;
	struct iovec local[2], remote;
	size_t total = sizeof(hdr) + c->len;
	int i, fd;

	local[0] = (struct iovec){ &r, sizeof(r) };
	remote = (struct iovec){ (void *)(unsigned long)at, sizeof(r) };
	if (process_vm_readv(n->pid, local, 1, &remote, 1, 0) != sizeof(r))
		return respond(ch, n, -1, EFAULT) ? -ENOENT : -EFAULT;
	if (r.size < total)
		return respond(ch, n, -1, EMSGSIZE) ? -ENOENT : -EMSGSIZE;
	local[0] = (struct iovec){ &hdr, sizeof(hdr) };
	local[1] = (struct iovec){ c->payload, c->len };
	remote = (struct iovec){ (void *)(unsigned long)r.buf, total };
	if (process_vm_writev(n->pid, local, 2, &remote, 1, 0) != (ssize_t)total)
		return respond(ch, n, -1, EFAULT) ? -ENOENT : -EFAULT;
	for (i = 0; i < c->nfds; i++) {
		struct seccomp_notif_addfd add = {
			.id = n->id, .srcfd = (unsigned int)c->fds[i],
			.newfd_flags = r.flags & ELF_MODULE_RECV_CLOEXEC ?
				       O_CLOEXEC : 0,
		};

		fd = ioctl(ch->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &add);
		if (fd < 0)
			return -ENOENT;	/* the ioctl was interrupted */
		r.fds[i] = fd;
	}
	local[0] = (struct iovec){ r.fds, sizeof(r.fds) };
	remote = (struct iovec){ (void *)(unsigned long)(at +
				 offsetof(struct elf_module_recv, fds)),
				 sizeof(r.fds) };
	if (process_vm_writev(n->pid, local, 1, &remote, 1, 0) !=
	    sizeof(r.fds))
		return respond(ch, n, -1, EFAULT) ? -ENOENT : -EFAULT;
	return respond(ch, n, (long long)total, 0) ? -ENOENT : 0;
}

/*
 * Give waiting RECV ioctls the requests not yet received, in order.  A
 * RECV that failed (EMSGSIZE, EFAULT, or gone: ENOENT) leaves the request
 * queued for the next.
 */
static void pump(struct chan *ch)
{
	struct waiter *w;
	struct call *c;

	while (ch->waiters) {
		for (c = ch->calls; c && c->delivered; c = c->next)
			;
		if (!c)
			return;
		w = ch->waiters;
		ch->waiters = w->next;
		if (!deliver(ch, &w->n, c))
			c->delivered = true;
		free(w);
	}
}

/**
 * chan_call() - send a request, as umh_elf_call() would
 * @ch: the channel
 * @line: the request, a line of input (see the top of this file)
 *
 * Return: 0, or a -errno (the line is refused, nothing is sent).
 */
int chan_call(struct chan *ch, const char *line)
{
	const char *text = line;
	struct call *c = calloc(1, sizeof(*c) + ELF_MODULE_MSG_MAX), **pp;
	int n;

	if (!c)
		return -ENOMEM;
	if (*line == '<') {
		size_t len = strcspn(line + 1, " \t");

		n = open_files(c, line + 1, len);
		if (n) {
			call_free(c);
			return n;
		}
		text = line + 1 + len;
		text += strspn(text, " \t");
	}
	n = unescape(text, c->payload, ELF_MODULE_MSG_MAX);
	if (n < 0) {
		say("call: -EMSGSIZE: request longer than %d bytes",
		    ELF_MODULE_MSG_MAX);
		call_free(c);
		return n;
	}
	c->len = (size_t)n;
	c->id = ch->next_id++;
	c->deadline = now_ms() + ch->call_ms;
	if (ch->closed) {
		say("call %llu: -EPIPE", c->id);
		call_free(c);
		return -EPIPE;
	}
	for (pp = &ch->calls; *pp; pp = &(*pp)->next)
		;
	*pp = c;
	pump(ch);
	return 0;
}

/**
 * chan_on_notif() - the module made a RECV ioctl: answer it or hold it
 * @ch: the channel
 */
void chan_on_notif(struct chan *ch)
{
	struct waiter *w = calloc(1, sizeof(*w)), **pp;
	struct elf_module_recv r;
	struct iovec l = { &r, sizeof(r) }, rm;

	if (!w || ioctl(ch->listener, SECCOMP_IOCTL_NOTIF_RECV, &w->n)) {
		free(w);
		return;
	}
	if (ch->closed) {
		respond(ch, &w->n, 0, 0);	/* end of file */
		free(w);
		return;
	}
	rm = (struct iovec){ (void *)(unsigned long)w->n.data.args[2],
			     sizeof(r) };
	if (process_vm_readv(w->n.pid, &l, 1, &rm, 1, 0) != sizeof(r)) {
		respond(ch, &w->n, -1, EFAULT);
		free(w);
		return;
	}
	for (pp = &ch->waiters; *pp; pp = &(*pp)->next)
		;
	*pp = w;
	pump(ch);
	/* Nothing to receive and the module will not wait. */
	if (r.flags & ELF_MODULE_RECV_NONBLOCK) {
		for (pp = &ch->waiters; *pp; pp = &(*pp)->next)
			if (*pp == w) {
				*pp = w->next;
				respond(ch, &w->n, -1, EAGAIN);
				free(w);
				break;
			}
	}
}

/* A reply or error for @id: the call it answers, if still waiting. */
static struct call *caller(struct chan *ch, unsigned long long id)
{
	struct call *c;

	for (c = ch->calls; c; c = c->next)
		if (c->id == id && c->delivered)
			return c;
	return NULL;
}

/**
 * chan_on_message() - the module wrote a message: check it, act on it
 * @ch: the channel
 *
 * Return: NULL, or why the message breaks the wire format (the kernel
 * then stops the module).
 */
const char *chan_on_message(struct chan *ch)
{
	const struct elf_module_msg_hdr *h = (const void *)ch->buf;
	size_t room = sizeof(*h) + ELF_MODULE_MSG_MAX + 1;
	struct call *c;
	ssize_t n;
	int err;

	n = recv(ch->sock, ch->buf, room, MSG_DONTWAIT | MSG_TRUNC);
	if (n <= 0)
		return NULL;
	if ((size_t)n < sizeof(*h))
		return "message shorter than a header";
	if ((size_t)n > room - 1)
		return "message longer than the maximum";
	if (h->len != n - sizeof(*h))
		return "length does not match the write";
	if (h->flags || h->nfds)
		return "flags or files in a message to the kernel";
	switch (h->type) {
	case ELF_MODULE_MSG_REPLY:
		c = caller(ch, h->id);
		if (!c)
			break;	/* late: its caller gave up */
		print_escaped("reply", h + 1, h->len);
		call_unlink(ch, c);
		break;
	case ELF_MODULE_MSG_ERROR:
		if (h->len != sizeof(int))
			return "error of bad length";
		c = caller(ch, h->id);
		if (!c)
			break;
		memcpy(&err, h + 1, sizeof(err));
		err = err > 0 && err <= 4095 ? err : EIO;
		say("error %llu: -%s (%s)", c->id, errname(err),
		    strerror(err));
		call_unlink(ch, c);
		break;
	case ELF_MODULE_MSG_EVENT:
		if (h->id)
			return "event with an id";
		print_escaped("event", h + 1, h->len);
		break;
	default:
		return "unknown message type";
	}
	return NULL;
}

/**
 * chan_tick() - fail the calls whose caller waited long enough
 * @ch: the channel
 * @now: now_ms()
 */
void chan_tick(struct chan *ch, long long now)
{
	struct call *c, *next;

	for (c = ch->calls; c; c = next) {
		next = c->next;
		if (c->deadline > now)
			continue;
		say("call %llu: -ETIMEDOUT", c->id);
		call_unlink(ch, c);
	}
}

/* When chan_tick() next has something to do, or -1. */
long long chan_next_deadline(const struct chan *ch)
{
	const struct call *c;
	long long first = -1;

	for (c = ch->calls; c; c = c->next)
		if (first < 0 || c->deadline < first)
			first = c->deadline;
	return first;
}

/**
 * chan_close() - the kernel lets go of the channel (the module stops)
 * @ch: the channel
 *
 * Calls in flight fail with EPIPE; the module's RECV says end of file.
 */
void chan_close(struct chan *ch)
{
	struct waiter *w;

	if (ch->closed)
		return;
	ch->closed = true;
	while (ch->calls) {
		say("call %llu: -EPIPE", ch->calls->id);
		call_unlink(ch, ch->calls);
	}
	while ((w = ch->waiters)) {
		ch->waiters = w->next;
		respond(ch, &w->n, 0, 0);
		free(w);
	}
}
