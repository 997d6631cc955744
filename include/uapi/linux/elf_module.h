/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ELF modules: what the kernel and an ELF module (a user-space program
 * loaded as a module) agree on.  See
 * Documentation/admin-guide/elf-modules.rst.
 */
#ifndef _UAPI_LINUX_ELF_MODULE_H
#define _UAPI_LINUX_ELF_MODULE_H

#include <linux/types.h>

/* The fd an ELF module writes READY=1 and STATUS= lines to. */
#define ELF_MODULE_NOTIFY_FD	3

/*
 * The channel: kernel code sends a request on the module's fd 0 and reads
 * one reply from its fd 1.  Each message is this header followed by @len
 * bytes of payload, in the machine's byte order.
 */
#define ELF_MODULE_MSG_MAX	65536

struct elf_module_msg_hdr {
	__u32 len;
};

#endif /* _UAPI_LINUX_ELF_MODULE_H */
