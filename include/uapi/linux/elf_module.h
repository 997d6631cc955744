/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ELF modules: what the kernel and an ELF module (a user-space program
 * loaded as a module) agree on: its fds, the notify lines, and the
 * messages and ioctl of the channel to kernel code.  Types and constants
 * only: the .modinfo macros and the helpers for module authors are in
 * tools/lib/elfmod/elfmod.h, which Kbuild adds to elfmod-m builds.  See
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
 * as ECHILD).  WATCHDOG=1 tells the kernel the module is alive, at
 * least every watchdog_ms= milliseconds once it is ready if its
 * .modinfo sets one.  Other lines are ignored.
 */
#define ELF_MODULE_NOTIFY_READY		"READY=1"
#define ELF_MODULE_NOTIFY_WATCHDOG	"WATCHDOG=1"
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

#endif /* _UAPI_LINUX_ELF_MODULE_H */
