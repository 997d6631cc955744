/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QEMU's edu device, driven from user space: what the kernel glue
 * (edu_glue.c) and the ELF module that drives the device (edu_driver.c)
 * say to each other over the module's channel.  Both sides include it.
 */
#ifndef _SAMPLES_UMH_ELF_EDU_H
#define _SAMPLES_UMH_ELF_EDU_H

#include <linux/types.h>

/* QEMU's docs/specs/edu.rst: the device and the registers of its BAR 0. */
#define EDU_VENDOR		0x1234
#define EDU_DEVICE		0x11e8
#define EDU_REG_ID		0x00	/* 0xRRrr00ed: major, minor, 0, 0xed */
#define EDU_ID_MAGIC		0xed	/* low byte of EDU_REG_ID */
#define EDU_REG_FACT		0x08	/* write n, read n! (mod 2^32) */
#define EDU_REG_STATUS		0x20
#define EDU_STATUS_COMPUTING	0x01	/* read-only: n! is being computed */
#define EDU_STATUS_IRQ_FACT	0x80	/* interrupt once n! is there */
#define EDU_REG_IRQ_STATUS	0x24
#define EDU_REG_IRQ_ACK		0x64

/*
 * Requests (kernel to module), a struct edu_request each:
 * - EDU_OP_ATTACH carries two files: [0] maps BAR 0 (mmap MAP_SHARED at
 *   offset 0), [1] an eventfd signalled on each interrupt of the device
 *   (the glue acknowledges it).  The module drops any device it had and
 *   takes this one; reply: struct edu_attach_reply.
 * - EDU_OP_FACT, @arg = n (at most EDU_FACT_MAX): reply struct
 *   edu_fact_reply, computed by the device.  Fails with ENXIO when no
 *   device was handed to the module (it was restarted): the glue then
 *   hands it the device and asks again.
 * - EDU_OP_DETACH: the glue takes the device back; the module unmaps
 *   the BAR and closes both files, then replies with no payload.
 * - EDU_OP_TIME, @arg = count (1 to EDU_TIME_MAX): the module computes
 *   EDU_TIME_N! @arg times back to back, each as EDU_OP_FACT does (start,
 *   wait for the interrupt, read), and replies struct edu_time_reply with
 *   the time that took on CLOCK_MONOTONIC: the cost of driving the device
 *   from user space, with no channel in the loop.
 * Errors come back as the module's error replies (the caller gets
 * -errno): EINVAL for a malformed request, ETIMEDOUT if the device did
 * not interrupt, EIO if the BAR is not an edu device's.
 */
#define EDU_OP_ATTACH		1
#define EDU_OP_FACT		2
#define EDU_OP_DETACH		3
#define EDU_OP_TIME		4

#define EDU_FACT_MAX		1000
#define EDU_IRQ_TIMEOUT_MS	1000	/* the module's wait for the device */
#define EDU_TIME_MAX		100000
#define EDU_TIME_N		12	/* 12! = 479001600 fits in 32 bits */

struct edu_request {
	__u32 op;
	__u32 arg;
};

struct edu_attach_reply {
	__u32 id;	/* EDU_REG_ID of the device */
};

struct edu_fact_reply {
	__u32 value;	/* n! modulo 2^32, as the device computes it */
};

struct edu_time_reply {
	__u64 ns;	/* the whole loop, CLOCK_MONOTONIC */
	__u32 value;	/* the last n!, EDU_TIME_N! if the device is right */
	__u32 pad;
};

#endif /* _SAMPLES_UMH_ELF_EDU_H */
