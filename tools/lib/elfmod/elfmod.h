/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * elfmod.h - the library for the authors of ELF modules
 *
 * An ELF module is a user-space program loaded as a kernel module (see
 * Documentation/admin-guide/elf-modules.rst).  What the kernel and the
 * program agree on, the fds, notify lines and the channel's messages, is
 * in the uapi header <linux/elf_module.h>, types and constants only.  This
 * library is the program's side of it:
 *
 *	#include <elfmod.h>
 *
 *	ELF_MODULE_DESCRIPTION("says hello");
 *	ELF_MODULE_LICENSE("GPL");
 *	static long count = 1;
 *	ELF_MODULE_PARAM(count, long, "how many greetings");
 *
 *	int main(int argc, char **argv)
 *	{
 *		int err = elf_module_params(argc, argv);
 *
 *		if (err)
 *			elf_module_fail(err, "bad parameters");
 *		...
 *		elf_module_ready();
 *		return elf_module_serve(handler, NULL);
 *	}
 *
 * The .modinfo macros, the notify lines (readiness, STATUS=, ERRNO=,
 * WATCHDOG=) and the channel's single messages are static inline here;
 * parameters, elf_module_fail(), elf_module_statusf() and the message loop
 * are in elfmod.c.  Kbuild puts this folder on the include path of every
 * elfmod-m build and links elfmod.c in (an archive: only what is called).
 * It builds with glibc or with the kernel's own nolibc (NAME-nolibc := y).
 */
#ifndef __ELFMOD_H
#define __ELFMOD_H

#ifdef NOLIBC
#include <stdbool.h>
#include <linux/uio.h>		/* nolibc has no <sys/uio.h> */
#else
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>
#endif
#include <linux/elf_module.h>

#define __ELF_MODULE_CAT2(a, b)	a##b
#define __ELF_MODULE_CAT(a, b)	__ELF_MODULE_CAT2(a, b)
/* User space has no __used, __section() or __aligned() of its own. */
#define __ELF_MODULE_ATTRS(...)	__attribute__((__VA_ARGS__))

/*
 * One NUL-terminated "tag=value" string in .modinfo, as __MODULE_INFO()
 * writes it for a module.
 */
#define ELF_MODULE_INFO(tag, value)					\
	static const char __ELF_MODULE_CAT(__elf_modinfo_, __COUNTER__)[] \
	__ELF_MODULE_ATTRS(used, section(".modinfo"), aligned(1)) =	\
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
/*
 * Limits on all processes of the module together (its cgroup's memory.max
 * and pids.max), as strings: ELF_MODULE_MEMORY_MAX("64M") (a byte count,
 * optionally with K, M or G), ELF_MODULE_PIDS_MAX("16").  The
 * administrator may lower them at load time, never raise them.
 */
#define ELF_MODULE_MEMORY_MAX(m)	ELF_MODULE_INFO(memory_max, m)
#define ELF_MODULE_PIDS_MAX(n)		ELF_MODULE_INFO(pids_max, n)
/*
 * When a module built into the kernel (elfmod-y) starts: "demand" (the
 * default: on first use) or "boot".
 */
#define ELF_MODULE_START(s)		ELF_MODULE_INFO(start, s)
/*
 * What the kernel does when the module ends on its own once ready:
 * ELF_MODULE_RESTART("no") (the default), "on-failure" (unless the main
 * process exited 0) or "always".  The administrator may only go down
 * that order (always > on-failure > no).
 */
#define ELF_MODULE_RESTART(r)		ELF_MODULE_INFO(restart, r)
/*
 * ELF_MODULE_RESTART_MAX("3"): the restarts within 60 s after which the
 * kernel gives up, 0 to 10 (the default: 5; 0: never restart).  The
 * administrator may lower it, never raise it.
 */
#define ELF_MODULE_RESTART_MAX(n)	ELF_MODULE_INFO(restart_max, n)
/*
 * ELF_MODULE_WATCHDOG_MS("5000"): once ready, the module calls
 * elf_module_watchdog() at least that often, or the kernel kills it
 * (SIGABRT, then SIGKILL) and its restart= applies.
 */
#define ELF_MODULE_WATCHDOG_MS(n)	ELF_MODULE_INFO(watchdog_ms, n)
/*
 * A parameter's description, shown by modinfo as "parm: NAME:DESC", as
 * MODULE_PARM_DESC() does for a module: ELF_MODULE_PARM(count, "how many").
 */
#define ELF_MODULE_PARM(name, desc)	ELF_MODULE_INFO(parm, #name ":" desc)

/*
 * Typed parameters, as module_param() declares them for a module: the
 * variable @var takes the value of "var=value" on the modprobe line when
 * the program calls elf_module_params(), and modinfo shows
 * "parm: var:DESC (TYPE)".  @type is one of bool (y/n, 1/0, a bare
 * "var" sets it), int, uint, long, ulong, charp (a const char *):
 *
 *	static long count = 1;
 *	ELF_MODULE_PARAM(count, long, "steps to log");
 */
enum elf_module_param_type {
	ELF_MODULE_PARAM_bool,
	ELF_MODULE_PARAM_int,
	ELF_MODULE_PARAM_uint,
	ELF_MODULE_PARAM_long,
	ELF_MODULE_PARAM_ulong,
	ELF_MODULE_PARAM_charp,
};

/*
 * The C type of each: a variable of another type does not build ("size
 * of array '__elf_module_param_type_of_VAR' is negative").
 */
#define __elf_module_param_bool		bool
#define __elf_module_param_int		int
#define __elf_module_param_uint		unsigned int
#define __elf_module_param_long		long
#define __elf_module_param_ulong	unsigned long
#define __elf_module_param_charp	const char *

/* One typed parameter: an entry of the elfmod_param section. */
struct elf_module_param {
	const char *name;
	void *var;
	int type;
};

/* The linker's bounds of that section (weak: without one, NULL). */
extern const struct elf_module_param __start_elfmod_param[]
	__ELF_MODULE_ATTRS(weak);
extern const struct elf_module_param __stop_elfmod_param[]
	__ELF_MODULE_ATTRS(weak);

#define ELF_MODULE_PARAM(var, type, desc)				\
	extern char __elf_module_param_type_of_##var			\
		[__builtin_types_compatible_p(__typeof__(var),		\
					      __elf_module_param_##type) ? 1 : -1]; \
	static const struct elf_module_param __elf_module_p_##var	\
	__ELF_MODULE_ATTRS(used, section("elfmod_param"),		\
			   aligned(sizeof(void *))) =			\
		{ #var, (void *)&(var), ELF_MODULE_PARAM_##type };	\
	ELF_MODULE_INFO(parmtype, #var ":" #type);			\
	ELF_MODULE_INFO(parm, #var ":" desc)

#ifdef NOLIBC
static inline ssize_t __elf_module_writev(int fd, const struct iovec *iov,
					  int cnt)
{
	return __sysret(my_syscall3(__NR_writev, fd, iov, cnt));
}
#else
#define __elf_module_writev writev
#endif

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
	return elf_module_notify(ELF_MODULE_NOTIFY_READY "\n");
}

/* WATCHDOG=1: alive, for a module that declares watchdog_ms= (above). */
static inline int elf_module_watchdog(void)
{
	return elf_module_notify(ELF_MODULE_NOTIFY_WATCHDOG "\n");
}

/*
 * One notify line of @key (e.g. "STATUS=") and @val, in one write, so
 * that the line is never cut by another thread's.
 */
static inline int elf_module_notify_kv(const char *key, const char *val)
{
	struct iovec iov[3] = {
		{ .iov_base = (void *)key, .iov_len = strlen(key) },
		{ .iov_base = (void *)val, .iov_len = strlen(val) },
		{ .iov_base = (void *)"\n", .iov_len = 1 },
	};
	ssize_t n;

	do {
		n = __elf_module_writev(ELF_MODULE_NOTIFY_FD, iov, 3);
	} while (n < 0 && errno == EINTR);
	return n < 0 ? -1 : 0;
}

/* STATUS=@text: shown in /sys/module/NAME/elf/status and on stop. */
static inline int elf_module_status(const char *text)
{
	return elf_module_notify_kv(ELF_MODULE_NOTIFY_STATUS, text);
}

/*
 * ERRNO=@err: the errno the load fails with if the program then exits
 * with a status other than 0 (1 to ELF_MODULE_ERRNO_MAX; EEXIST reads as
 * ECHILD).  See elf_module_fail() for the usual way.
 */
static inline int elf_module_errno(int err)
{
	char num[12], *p = num + sizeof(num);
	unsigned int v = err < 0 ? 0 : (unsigned int)err;

	*--p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return elf_module_notify_kv(ELF_MODULE_NOTIFY_ERRNO, p);
}

/*
 * Parameters untyped: modprobe's "NAME key=value flag" reaches the
 * program as argv[1] "key=value" and argv[2] "flag".  The value of the
 * last argument naming @key ("" for a bare "key"), or NULL if none does.
 * ELF_MODULE_PARAM() and elf_module_params() do this for typed variables.
 */
static inline const char *elf_module_param(int argc, char *const argv[],
					   const char *key)
{
	size_t n = strlen(key);
	const char *val = NULL;
	int i;

	for (i = 1; i < argc; i++) {
		if (strncmp(argv[i], key, n))
			continue;
		if (argv[i][n] == '=')
			val = argv[i] + n + 1;
		else if (!argv[i][n])
			val = "";
	}
	return val;
}

/*
 * The value of @key as a number (decimal, 0x hex or 0 octal) in *@val,
 * left alone if @key is not given.  0, or -1 with errno EINVAL if the
 * value is not a number, ERANGE if it does not fit a long.
 */
static inline int elf_module_param_long(int argc, char *const argv[],
					const char *key, long *val)
{
	const char *s = elf_module_param(argc, argv, key);
	char *end;
	long v;

	if (!s)
		return 0;
	errno = 0;
	v = strtol(s, &end, 0);
	if (errno)
		return -1;
	if (!*s || *end) {
		errno = EINVAL;
		return -1;
	}
	*val = v;
	return 0;
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
		n = __elf_module_writev(ELF_MODULE_CHANNEL_FD, iov, 2);
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

/* The payload of a message the channel brought, @hdr->len bytes. */
static inline void *elf_module_payload(const struct elf_module_msg_hdr *hdr)
{
	return (void *)(hdr + 1);
}

/*
 * What elf_module_serve() calls for each request: @req and its payload
 * (elf_module_payload()), @fds the req->nfds files it carries.  The
 * handler answers with elf_module_reply() or elf_module_reply_error(),
 * now or later; it keeps a file by setting its @fds entry to -1, and the
 * loop closes the others.  Returns 0 to go on; anything else ends the
 * loop, which returns it.
 */
typedef int elf_module_handler_t(const struct elf_module_msg_hdr *req,
				 int *fds, void *arg);

/* elfmod.c */
int elf_module_params(int argc, char *const argv[]);
int elf_module_serve(elf_module_handler_t *handler, void *arg);
__ELF_MODULE_ATTRS(__noreturn__, __format__(__printf__, 2, 3))
void elf_module_fail(int err, const char *fmt, ...);
#ifndef NOLIBC
__ELF_MODULE_ATTRS(__format__(__printf__, 1, 2))
int elf_module_statusf(const char *fmt, ...);
#endif

#endif /* __ELFMOD_H */
