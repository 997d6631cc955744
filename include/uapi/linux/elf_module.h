/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ELF modules: what the kernel and an ELF module (a user-space program
 * loaded as a module) agree on, and, for the module's side, the macros
 * that declare its .modinfo and the helpers that talk to the kernel:
 *
 *	#include <linux/elf_module.h>
 *
 *	ELF_MODULE_DESCRIPTION("says hello");
 *	ELF_MODULE_LICENSE("GPL");
 *
 *	int main(void) { ...; elf_module_ready(); for (;;) pause(); }
 *
 * Kbuild builds hello.ko from hello.c with "elfmod-m += hello" next to
 * obj-m, and names it after the file.  See
 * Documentation/admin-guide/elf-modules.rst.
 */
#ifndef _UAPI_LINUX_ELF_MODULE_H
#define _UAPI_LINUX_ELF_MODULE_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* The fd an ELF module writes READY=1 and STATUS= lines to. */
#define ELF_MODULE_NOTIFY_FD	3

/*
 * The lines it may write there (sd_notify syntax), each ended by '\n':
 * READY=1 (the load returns 0), STATUS=text (shown in sysfs), and
 * ERRNO=E, the errno the load fails with if the program then exits with
 * a status other than 0, from 1 to ELF_MODULE_ERRNO_MAX (EEXIST reads
 * as ECHILD).  Other lines are ignored.
 */
#define ELF_MODULE_NOTIFY_READY		"READY=1"
#define ELF_MODULE_NOTIFY_STATUS	"STATUS="
#define ELF_MODULE_NOTIFY_ERRNO		"ERRNO="
#define ELF_MODULE_ERRNO_MAX		4095

/*
 * The channel (fd ELF_MODULE_CHANNEL_FD, named by $CHANNEL_FD too): each
 * message is a &struct elf_module_msg_hdr followed by @len bytes of
 * payload, host byte order.  The kernel sends requests, each with an id
 * that the module's reply repeats; several may be in flight, and the
 * module may answer them in any order.  The module may also send events,
 * which nobody asked for.
 *
 * The module sends one whole message per write(2) on the channel fd,
 * and receives one per ELF_MODULE_IOC_RECV ioctl, which also installs
 * the files a request carries as new fds (as SCM_RIGHTS would).  A
 * message that breaks these rules closes the channel and stops the
 * module.
 */
#define ELF_MODULE_CHANNEL_FD	4
#define ELF_MODULE_MSG_MAX	65536	/* longest payload */
#define ELF_MODULE_FDS_MAX	8	/* most files one request carries */

/* Message types (@type). */
#define ELF_MODULE_MSG_REQUEST	1	/* kernel to module */
#define ELF_MODULE_MSG_REPLY	2	/* module to kernel: @id's answer */
#define ELF_MODULE_MSG_ERROR	3	/* the same, payload one __s32 errno */
#define ELF_MODULE_MSG_EVENT	4	/* module to kernel, @id 0 */

/**
 * struct elf_module_msg_hdr - the header of every message on the channel
 * @id: chosen by the kernel for a request, repeated by the reply, 0 for
 *	an event
 * @len: bytes of payload after the header, at most ELF_MODULE_MSG_MAX
 * @type: one of ELF_MODULE_MSG_*
 * @flags: none defined yet: 0
 * @nfds: files a request carries (received fds), 0 in what the module sends
 */
struct elf_module_msg_hdr {
	__u64 id;
	__u32 len;
	__u16 type;
	__u8 flags;
	__u8 nfds;
};

/**
 * struct elf_module_recv - argument of ELF_MODULE_IOC_RECV
 * @buf: where the header and the payload go
 * @size: room at @buf; a smaller message than that is refused with
 *	EMSGSIZE and stays queued
 * @flags: ELF_MODULE_RECV_*
 * @fds: the new fds, &struct elf_module_msg_hdr @nfds of them
 *
 * The ioctl returns the bytes stored at @buf (header and payload), or 0
 * once the kernel has closed the channel (the module is being stopped).
 */
struct elf_module_recv {
	__u64 buf;
	__u32 size;
	__u32 flags;
	__s32 fds[ELF_MODULE_FDS_MAX];
};

#define ELF_MODULE_RECV_CLOEXEC		1	/* new fds get FD_CLOEXEC */
#define ELF_MODULE_RECV_NONBLOCK	2	/* EAGAIN rather than wait */

#define ELF_MODULE_IOC_RECV	_IOWR(0xE1, 0x01, struct elf_module_recv)

#ifndef __KERNEL__
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#define __ELF_MODULE_CAT2(a, b)	a##b
#define __ELF_MODULE_CAT(a, b)	__ELF_MODULE_CAT2(a, b)

/* One NUL-terminated "tag=value" string in .modinfo, as modules have. */
#define ELF_MODULE_INFO(tag, value)					\
	static const char __ELF_MODULE_CAT(__elf_modinfo_, __COUNTER__)[] \
	__attribute__((used, section(".modinfo"), aligned(1))) =	\
		#tag "=" value

/* Kbuild (elfmod-m) writes the name itself: for builds without Kbuild. */
#define ELF_MODULE_NAME(n)		ELF_MODULE_INFO(name, n)
#define ELF_MODULE_ALIAS(a)		ELF_MODULE_INFO(alias, a)
#define ELF_MODULE_DESCRIPTION(d)	ELF_MODULE_INFO(description, d)
#define ELF_MODULE_LICENSE(l)		ELF_MODULE_INFO(license, l)
#define ELF_MODULE_AUTHOR(a)		ELF_MODULE_INFO(author, a)
#define ELF_MODULE_VERSION(v)		ELF_MODULE_INFO(version, v)
/* Comma-separated capability names, e.g. "cap_net_admin,cap_sys_time". */
#define ELF_MODULE_CAPABILITIES(c)	ELF_MODULE_INFO(capabilities, c)

/* Write all of @len bytes to @fd; 0, or -1 with errno set. */
static inline int elf_module_write_all(int fd, const void *buf, size_t len)
{
	const char *p = (const char *)buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Send one notify line, e.g. "STATUS=serving\n". */
static inline int elf_module_notify(const char *line)
{
	return elf_module_write_all(ELF_MODULE_NOTIFY_FD, line, strlen(line));
}

/* Tell the kernel the module is ready: its load call returns 0. */
static inline int elf_module_ready(void)
{
	return elf_module_notify("READY=1\n");
}

/*
 * The channel: receive the next message into @msg, which has room for
 * @size bytes (header and payload), and the files it carries into @fds
 * (room for ELF_MODULE_FDS_MAX, or NULL: then they are closed at once).
 * Returns the payload length; -1 with errno 0 once the kernel closed the
 * channel, or with errno set on error.
 */
static inline long elf_module_recv(struct elf_module_msg_hdr *msg,
				   size_t size, int *fds)
{
	struct elf_module_recv r;
	long n;
	int i;

	memset(&r, 0, sizeof(r));
	r.buf = (__u64)(unsigned long)msg;
	r.size = (__u32)size;
	do {
		n = ioctl(ELF_MODULE_CHANNEL_FD, ELF_MODULE_IOC_RECV, &r);
	} while (n < 0 && errno == EINTR);
	if (n <= 0) {
		if (n == 0)
			errno = 0;
		return -1;
	}
	for (i = 0; i < msg->nfds && i < ELF_MODULE_FDS_MAX; i++) {
		if (fds)
			fds[i] = r.fds[i];
		else
			close(r.fds[i]);
	}
	return (long)msg->len;
}

/* Send one message of @type with @id and @len bytes of payload. */
static inline int elf_module_send(__u16 type, __u64 id, const void *buf,
				  size_t len)
{
	struct elf_module_msg_hdr hdr;
	struct iovec iov[2];
	ssize_t n;

	if (len > ELF_MODULE_MSG_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	memset(&hdr, 0, sizeof(hdr));
	hdr.id = id;
	hdr.len = (__u32)len;
	hdr.type = type;
	iov[0].iov_base = &hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = (void *)buf;
	iov[1].iov_len = len;
	do {
		n = writev(ELF_MODULE_CHANNEL_FD, iov, 2);
	} while (n < 0 && errno == EINTR);
	return n < 0 ? -1 : 0;
}

/* Answer the request @req with @len bytes of payload. */
static inline int elf_module_reply(const struct elf_module_msg_hdr *req,
				   const void *buf, size_t len)
{
	return elf_module_send(ELF_MODULE_MSG_REPLY, req->id, buf, len);
}

/* Fail the request @req: the kernel caller gets -@err (1 to 4095). */
static inline int elf_module_reply_error(const struct elf_module_msg_hdr *req,
					 int err)
{
	__s32 e = err;

	return elf_module_send(ELF_MODULE_MSG_ERROR, req->id, &e, sizeof(e));
}

/* Send an event, for the handler the kernel user registered. */
static inline int elf_module_event(const void *buf, size_t len)
{
	return elf_module_send(ELF_MODULE_MSG_EVENT, 0, buf, len);
}
#endif /* !__KERNEL__ */

#endif /* _UAPI_LINUX_ELF_MODULE_H */
