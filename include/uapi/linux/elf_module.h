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
 * The channel: kernel code sends a request on the module's fd 0 and reads
 * one reply from its fd 1.  Each message is this header followed by @len
 * bytes of payload, in the machine's byte order.
 */
#define ELF_MODULE_MSG_MAX	65536

struct elf_module_msg_hdr {
	__u32 len;
};

#ifndef __KERNEL__
#include <errno.h>
#include <string.h>
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

/* Read exactly @len bytes from @fd; 0, or -1 (errno 0 at end of file). */
static inline int elf_module_read_all(int fd, void *buf, size_t len)
{
	char *p = (char *)buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = 0;
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
 * The channel: read the next request from the kernel into @buf (of @size
 * bytes).  Returns its length, or -1: end of file (errno 0) or error (a
 * request larger than @size gives EMSGSIZE and leaves the stream out of
 * step).
 */
static inline long elf_module_recv(void *buf, size_t size)
{
	struct elf_module_msg_hdr hdr;

	if (elf_module_read_all(0, &hdr, sizeof(hdr)))
		return -1;
	if (hdr.len > size) {
		errno = EMSGSIZE;
		return -1;
	}
	if (elf_module_read_all(0, buf, hdr.len))
		return -1;
	return (long)hdr.len;
}

/* Send the reply to the request just received. */
static inline int elf_module_reply(const void *buf, size_t len)
{
	struct elf_module_msg_hdr hdr = { .len = (__u32)len };

	if (len > ELF_MODULE_MSG_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	if (elf_module_write_all(1, &hdr, sizeof(hdr)))
		return -1;
	return elf_module_write_all(1, buf, len);
}
#endif /* !__KERNEL__ */

#endif /* _UAPI_LINUX_ELF_MODULE_H */
