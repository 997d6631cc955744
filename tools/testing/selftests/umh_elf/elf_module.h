/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * What an ELF module (a user-space program loaded as a kernel module)
 * declares and calls.  See Documentation/admin-guide/elf-modules.rst.
 *
 *	#include "elf_module.h"
 *	ELF_MODULE_NAME("hello");
 *	ELF_MODULE_DESCRIPTION("says hello");
 *	ELF_MODULE_LICENSE("GPL");
 *
 *	int main(void) { ...; elf_module_ready(); for (;;) pause(); }
 */
#ifndef _ELF_MODULE_H
#define _ELF_MODULE_H

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

#define ELF_MODULE_NAME(n)		ELF_MODULE_INFO(name, n)
#define ELF_MODULE_ALIAS(a)		ELF_MODULE_INFO(alias, a)
#define ELF_MODULE_DESCRIPTION(d)	ELF_MODULE_INFO(description, d)
#define ELF_MODULE_LICENSE(l)		ELF_MODULE_INFO(license, l)
#define ELF_MODULE_AUTHOR(a)		ELF_MODULE_INFO(author, a)
#define ELF_MODULE_VERSION(v)		ELF_MODULE_INFO(version, v)
/* Comma-separated capability names, e.g. "cap_net_admin,cap_sys_time". */
#define ELF_MODULE_CAPABILITIES(c)	ELF_MODULE_INFO(capabilities, c)

/* The fd the kernel reads READY=1 and STATUS= lines from. */
#define ELF_MODULE_NOTIFY_FD	3

static inline int elf_module_notify(const char *line)
{
	size_t len = strlen(line);

	while (len) {
		ssize_t n = write(ELF_MODULE_NOTIFY_FD, line, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		line += n;
		len -= n;
	}
	return 0;
}

/* Tell the kernel the module is ready: its load call returns 0. */
static inline int elf_module_ready(void)
{
	return elf_module_notify("READY=1\n");
}

#endif /* _ELF_MODULE_H */
