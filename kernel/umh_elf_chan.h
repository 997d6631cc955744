/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ELF modules, the channel (fd 4 of a module): what its two halves
 * share.  umh_elf_chan.c is the module's end, the file it reads requests
 * from and writes answers and events to; umh_elf_call.c is the kernel's
 * end, the calls that kernel code makes and waits on, and the handler
 * its events go to.
 */
#ifndef _KERNEL_UMH_ELF_CHAN_H
#define _KERNEL_UMH_ELF_CHAN_H

#include <linux/completion.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/refcount.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/uio.h>
#include <linux/wait.h>
#include "umh_elf_internal.h"

/**
 * struct umh_elf_chan - the channel of a module
 * @lock: protects @queued, @sent, @next_id, @closed, @broken, @proc,
 *	@dropped_replies, @dropped_events and the state of every call
 * @queued: requests the module has not received yet, oldest first
 * @sent: requests the module has received and not answered
 * @next_id: id of the next request
 * @closed: no call is taken any more; receivers read end of file
 * @broken: why the module lost its channel, for the event work to log;
 *	it takes no message from the module any more
 * @proc: the module, or NULL once it let go (umh_elf_chan_detach())
 * @dropped_replies: replies to no pending request (late or made up)
 * @dropped_events: events that found no handler
 * @readers: the module's receivers wait here (exclusively: a request
 *	wakes one), and pollers
 * @handler_sem: held for reading while @handler runs, for writing to
 *	change it, so that a cleared handler no longer runs
 * @handler: where events go, or NULL
 * @handler_data: the argument of @handler
 * @kref: one reference for the file, one for the module
 */
struct umh_elf_chan {
	spinlock_t lock;		/* see @lock above */
	struct list_head queued;
	struct list_head sent;
	u64 next_id;
	bool closed;
	const char *broken;
	struct umh_elf_proc *proc;
	unsigned long dropped_replies;
	unsigned long dropped_events;
	wait_queue_head_t readers;

	struct rw_semaphore handler_sem;	/* see @handler_sem above */
	umh_elf_event_fn handler;
	void *handler_data;
	struct kref kref;
};

/**
 * enum umh_elf_call_state - where a call is; changes under the channel's lock
 * @UMH_ELF_CALL_QUEUED: on @queued
 * @UMH_ELF_CALL_SENDING: on no list: a receiver copies the request's
 *	payload from the caller's buffer to the module's
 * @UMH_ELF_CALL_SENT: on @sent
 * @UMH_ELF_CALL_ANSWERING: on no list: a writer copies the reply from the
 *	module's buffer to the caller's
 * @UMH_ELF_CALL_DONE: on no list: @result is final
 *
 * The two copying states touch the caller's buffers, so a caller that
 * gives up meanwhile waits for them to end.  They last one copy of at
 * most %ELF_MODULE_MSG_MAX bytes, made with preemption disabled and page
 * faults off: a page of the module that is not there cuts the copy short
 * (the request goes back to @queued, the reply to @sent), and the module
 * faults it in with no call waiting, then tries again.
 */
enum umh_elf_call_state {
	UMH_ELF_CALL_QUEUED,
	UMH_ELF_CALL_SENDING,
	UMH_ELF_CALL_SENT,
	UMH_ELF_CALL_ANSWERING,
	UMH_ELF_CALL_DONE,
};

/**
 * struct umh_elf_call - one request and its answer
 * @node: on the channel's @queued or @sent list
 * @ref: the caller's reference, and a receiver's while it copies
 * @state: see &enum umh_elf_call_state
 * @abandoned: the result of a caller that gave up while @state was a
 *	copying one, 0 if none
 * @done: completed when @state becomes %UMH_ELF_CALL_DONE by an answer,
 *	the closing of the channel or the caller giving up
 * @result: length of the reply, or a negative errno
 * @req: the caller's buffer with the request's payload, @hdr.len bytes
 * @reply: the caller's buffer for the reply's payload
 * @reply_size: room at @reply
 * @nr_files: files in @files
 * @files: references to the files the request carries
 * @hdr: the header of the request as the module receives it
 *
 * @req and @reply belong to the caller, who stays until @state is
 * %UMH_ELF_CALL_DONE: they are touched in the copying states only.
 */
struct umh_elf_call {
	struct list_head node;
	refcount_t ref;
	enum umh_elf_call_state state;
	ssize_t abandoned;
	struct completion done;
	ssize_t result;
	const void *req;
	void *reply;
	size_t reply_size;
	unsigned int nr_files;
	struct file *files[ELF_MODULE_FDS_MAX];
	struct elf_module_msg_hdr hdr;
};

/* umh_elf_call.c: the kernel's end, for the module's end */
void umh_elf_call_put(struct umh_elf_call *call);
void umh_elf_call_fail_all(struct umh_elf_chan *chan);
long umh_elf_call_take(struct umh_elf_chan *chan, void __user *buf,
		       u32 size, struct umh_elf_call **callp, size_t *want);
void umh_elf_call_requeue(struct umh_elf_chan *chan,
			  struct umh_elf_call *call);
ssize_t umh_elf_call_reply(struct umh_elf_chan *chan,
			   const struct elf_module_msg_hdr *hdr,
			   struct iov_iter *from);
void umh_elf_call_error(struct umh_elf_chan *chan, u64 id, s32 err);
void umh_elf_chan_event(struct umh_elf_chan *chan, const void *msg,
			size_t len);

#endif /* _KERNEL_UMH_ELF_CHAN_H */
