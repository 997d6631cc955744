// SPDX-License-Identifier: GPL-2.0
/*
 * A PCI driver in user space: the driver of QEMU's edu device, an ELF
 * module (umh_sample_edu.ko).
 *
 * It declares the device's alias, so modprobe of the device's modalias
 * loads it, as does the kernel glue (edu_glue.c) with umh_elf_get() of
 * that modalias.  It runs with no capabilities and not as root: all it
 * can touch of the hardware is what the glue hands it over the channel,
 * a file that maps BAR 0 and an eventfd signalled on each interrupt of
 * the device.  Then it computes factorials on the device: it asks for an
 * interrupt when n! is ready, writes n, waits on the eventfd, reads n!.
 * The protocol is in edu.h.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <elfmod.h>

#include "edu.h"

ELF_MODULE_DESCRIPTION("Driver of QEMU's edu device, in user space (sample)");
ELF_MODULE_LICENSE("GPL");
ELF_MODULE_ALIAS("pci:v00001234d000011E8sv*sd*bc*sc*i*");
ELF_MODULE_CAPABILITIES("");

/* The registers used are all in the first page of BAR 0. */
#define EDU_MAP_SIZE	4096

static __u32 *regs;		/* BAR 0, NULL while no device is ours */
static int bar_fd = -1;		/* the file that maps it */
static int irq_fd = -1;		/* the eventfd of the device's interrupts */

/*
 * The edu device takes 32-bit accesses only.  Atomic accesses are single
 * 32-bit moves that the compiler neither drops nor merges.
 */
static __u32 edu_read(unsigned int reg)
{
	return __atomic_load_n(&regs[reg / 4], __ATOMIC_SEQ_CST);
}

static void edu_write(unsigned int reg, __u32 val)
{
	__atomic_store_n(&regs[reg / 4], val, __ATOMIC_RELEASE);
}

static void detach(void)
{
	if (regs) {
		munmap(regs, EDU_MAP_SIZE);
		regs = NULL;
		printf("device let go\n");
		elf_module_status("no device");
	}
	if (bar_fd >= 0)
		close(bar_fd);
	if (irq_fd >= 0)
		close(irq_fd);
	bar_fd = -1;
	irq_fd = -1;
}

/* Forget interrupts counted before we asked for one. */
static void drain_irqs(void)
{
	struct pollfd p = { .fd = irq_fd, .events = POLLIN };
	__u64 count;

	if (poll(&p, 1, 0) == 1 && read(irq_fd, &count, sizeof(count)) < 0)
		perror("eventfd");
}

/* Take the device: fds[0] maps BAR 0, fds[1] is its interrupt eventfd. */
static int attach(int *fds, struct edu_attach_reply *r)
{
	void *p;

	detach();
	p = mmap(NULL, EDU_MAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fds[0], 0);
	if (p == MAP_FAILED)
		return -errno;	/* the loop closes the files */
	regs = p;
	bar_fd = fds[0];
	irq_fd = fds[1];
	fds[0] = -1;		/* ours now */
	fds[1] = -1;
	r->id = edu_read(EDU_REG_ID);
	if ((r->id & 0xff) != EDU_ID_MAGIC) {
		printf("not an edu device: id %#x\n", r->id);
		detach();
		return -EIO;
	}
	drain_irqs();
	printf("driving edu device %u.%u\n", r->id >> 24, (r->id >> 16) & 0xff);
	elf_module_statusf("driving edu device %#x", r->id);
	return 0;
}

/* n! on the device: ask for the interrupt, start, wait, read; or -errno. */
static int fact(__u32 n, struct edu_fact_reply *r)
{
	struct pollfd p = { .fd = irq_fd, .events = POLLIN };
	__u64 count;
	int ret;

	if (!regs)
		return -ENXIO;
	if (n > EDU_FACT_MAX)
		return -EINVAL;
	if (edu_read(EDU_REG_STATUS) & EDU_STATUS_COMPUTING)
		return -EBUSY;
	edu_write(EDU_REG_STATUS, EDU_STATUS_IRQ_FACT);
	edu_write(EDU_REG_FACT, n);
	do {
		ret = poll(&p, 1, EDU_IRQ_TIMEOUT_MS);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return -errno;
	if (ret == 0) {
		printf("no interrupt from the device after %d ms\n",
		       EDU_IRQ_TIMEOUT_MS);
		return -ETIMEDOUT;
	}
	if (read(irq_fd, &count, sizeof(count)) != sizeof(count))
		return -EIO;
	if (edu_read(EDU_REG_STATUS) & EDU_STATUS_COMPUTING)
		return -EIO;
	r->value = edu_read(EDU_REG_FACT);
	return 0;
}

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* EDU_TIME_N! @count times back to back, timed; or -errno. */
static int time_fact(__u32 count, struct edu_time_reply *r)
{
	struct edu_fact_reply f;
	__u64 t0 = now_ns();
	__u32 i;
	int err;

	if (!count || count > EDU_TIME_MAX)
		return -EINVAL;
	for (i = 0; i < count; i++) {
		err = fact(EDU_TIME_N, &f);
		if (err)
			return err;
	}
	r->ns = now_ns() - t0;
	r->value = f.value;
	r->pad = 0;
	return 0;
}

/* Answer one request; fds are the files it carries (nfds of them). */
static int serve(const struct elf_module_msg_hdr *msg, int *fds, void *arg)
{
	const struct edu_request *req = elf_module_payload(msg);
	union {
		struct edu_attach_reply attach;
		struct edu_fact_reply fact;
		struct edu_time_reply time;
	} r;
	size_t rlen = 0;
	int err = -EINVAL;

	if (msg->len != sizeof(*req)) {
		/* EINVAL below */
	} else if (req->op == EDU_OP_ATTACH && msg->nfds == 2) {
		err = attach(fds, &r.attach);
		rlen = sizeof(r.attach);
	} else if (req->op == EDU_OP_FACT && !msg->nfds) {
		err = fact(req->arg, &r.fact);
		rlen = sizeof(r.fact);
	} else if (req->op == EDU_OP_TIME && !msg->nfds) {
		err = time_fact(req->arg, &r.time);
		rlen = sizeof(r.time);
	} else if (req->op == EDU_OP_DETACH && !msg->nfds) {
		detach();
		err = 0;
	}
	if (err ? elf_module_reply_error(msg, -err) :
		  elf_module_reply(msg, &r, rlen)) {
		perror("reply");
		return 1;
	}
	return 0;
}

int main(void)
{
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);	/* a line per log line */
	elf_module_status("no device");
	elf_module_ready();
	ret = elf_module_serve(serve, NULL);
	if (ret < 0) {
		perror("channel");
		return 1;
	}
	detach();
	return ret;	/* 0: the kernel closed the channel, we are stopped */
}
