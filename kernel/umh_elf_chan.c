// SPDX-License-Identifier: GPL-2.0
/*
 * ELF modules, the channel: fd 4 of the module, where kernel code sends
 * requests and the module answers them and sends events.
 *
 * It is neither a pipe nor a socket, for three reasons.  The kernel must
 * attach open files to a request, which a socket only takes from the fd
 * table of the sender, and a kernel caller has none of its own.  No
 * caller may ever wait on a lock that the module can hold, or on a page
 * fault of the module: a request goes straight from the caller's buffer
 * to the module's, and a reply straight from the module's buffer to the
 * caller's, each in one copy made with page faults off and preemption
 * disabled (see &enum umh_elf_call_state), so a module that reads into or writes
 * from a userfaultfd or FUSE page stalls only itself: the copy comes up
 * short, the module faults the page in on its own time and tries again.
 * And each call is an object of its own with an id, so callers wait for
 * their own reply only, in any order, and one that gives up takes only
 * its own request with it.
 *
 * The module sends one whole message per write; it receives one per
 * ELF_MODULE_IOC_RECV ioctl, which installs the files the request carries
 * as new fds.  A message that breaks the wire format costs the module its
 * channel: the event work of umh_elf.c logs why, kills the module and
 * closes the channel, and pending calls fail with -EPIPE.
 *
 * The channel may outlive the module (a copy of the fd in a process that
 * outlived a stop): it is then closed, and takes and drops what comes.
 */
#include <linux/anon_inodes.h>
#include <linux/completion.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/poll.h>
#include <linux/refcount.h>
#include <linux/rwsem.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
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

static void umh_elf_chan_free(struct kref *kref)
{
	kfree(container_of(kref, struct umh_elf_chan, kref));
}

static void umh_elf_call_put(struct umh_elf_call *call)
{
	unsigned int i;

	if (!refcount_dec_and_test(&call->ref))
		return;
	for (i = 0; i < call->nr_files; i++)
		fput(call->files[i]);
	kfree(call);
}

/* End @call with @result.  Context: under the channel's lock. */
static void umh_elf_call_end(struct umh_elf_call *call, ssize_t result)
{
	list_del_init(&call->node);
	call->state = UMH_ELF_CALL_DONE;
	call->result = result;
	complete(&call->done);
}

/*
 * After a copy that did not end @call: end it if its caller gave up or
 * the channel closed meanwhile.  Context: under the channel's lock.
 */
static void umh_elf_call_settle(struct umh_elf_chan *chan,
				struct umh_elf_call *call)
{
	if (call->abandoned)
		umh_elf_call_end(call, call->abandoned);
	else if (chan->closed)
		umh_elf_call_end(call, -EPIPE);
}

/* No more calls: pending ones fail with -EPIPE, receivers read EOF. */
static void umh_elf_chan_close(struct umh_elf_chan *chan)
{
	struct umh_elf_call *call, *next;

	spin_lock(&chan->lock);
	chan->closed = true;
	list_for_each_entry_safe(call, next, &chan->queued, node)
		umh_elf_call_end(call, -EPIPE);
	list_for_each_entry_safe(call, next, &chan->sent, node)
		umh_elf_call_end(call, -EPIPE);
	spin_unlock(&chan->lock);
	/* All receivers, the exclusive ones too: each must see the end. */
	__wake_up(&chan->readers, TASK_INTERRUPTIBLE, 0,
		  poll_to_key(EPOLLIN | EPOLLHUP));
}

/*
 * The module broke the wire format: have the event work of the module log
 * @why, kill it and then close the channel (umh_elf_chan_end()), so that
 * the module meets no end of file it could take for a stop and exit on.
 * Without a module to tell, close it at once.
 */
static void umh_elf_chan_break(struct umh_elf_chan *chan, const char *why)
{
	bool told = false;

	spin_lock(&chan->lock);
	if (!chan->broken) {
		chan->broken = why;
		if (chan->proc && !chan->closed) {
			queue_work(system_unbound_wq, &chan->proc->work);
			told = true;
		}
	}
	spin_unlock(&chan->lock);
	if (!told)
		umh_elf_chan_close(chan);
}

/* Why @hdr, heading a write of @total bytes, breaks the format, or NULL. */
static const char *umh_elf_chan_bad(const struct elf_module_msg_hdr *hdr,
				    size_t total)
{
	if (hdr->len != total - sizeof(*hdr))
		return "length does not match the write";
	if (hdr->flags || hdr->nfds)
		return "flags or files in a message to the kernel";
	switch (hdr->type) {
	case ELF_MODULE_MSG_REPLY:
		return NULL;
	case ELF_MODULE_MSG_ERROR:
		return hdr->len == sizeof(s32) ? NULL : "error of bad length";
	case ELF_MODULE_MSG_EVENT:
		return hdr->id ? "event with an id" : NULL;
	default:
		return "unknown message type";
	}
}

/* An event: to the handler, or counted and dropped. */
static void umh_elf_chan_event(struct umh_elf_chan *chan, const void *msg,
			       size_t len)
{
	down_read(&chan->handler_sem);
	if (chan->handler) {
		chan->handler(chan->handler_data, msg, len);
	} else {
		spin_lock(&chan->lock);
		chan->dropped_events++;
		spin_unlock(&chan->lock);
	}
	up_read(&chan->handler_sem);
}

static struct umh_elf_call *umh_elf_chan_find(struct umh_elf_chan *chan,
					      u64 id)
{
	struct umh_elf_call *call;

	list_for_each_entry(call, &chan->sent, node)
		if (call->hdr.id == id)
			return call;
	return NULL;
}

/* An error for request @id: to its caller, or counted and dropped. */
static void umh_elf_chan_error(struct umh_elf_chan *chan, u64 id, s32 err)
{
	struct umh_elf_call *call;
	ssize_t result = -(ssize_t)err;

	if (result >= 0 || result < -MAX_ERRNO)
		result = -EPROTO;
	spin_lock(&chan->lock);
	call = umh_elf_chan_find(chan, id);
	if (call)
		umh_elf_call_end(call, result);
	else
		chan->dropped_replies++;
	spin_unlock(&chan->lock);
}

/*
 * A reply to request @hdr->id, its payload at @from: straight to the
 * caller's buffer, or counted and dropped.  Returns -EFAULT if a page of
 * the module was not there: @from is as it was, and the call is pending
 * again.
 */
static int umh_elf_chan_answer(struct umh_elf_chan *chan,
			       const struct elf_module_msg_hdr *hdr,
			       struct iov_iter *from)
{
	struct umh_elf_call *call;
	size_t copied;

	spin_lock(&chan->lock);
	call = umh_elf_chan_find(chan, hdr->id);
	if (!call) {
		chan->dropped_replies++;
		goto unlock;
	}
	if (hdr->len > call->reply_size) {
		umh_elf_call_end(call, -EMSGSIZE);
		goto unlock;
	}
	list_del_init(&call->node);
	call->state = UMH_ELF_CALL_ANSWERING;
	preempt_disable();
	spin_unlock(&chan->lock);

	pagefault_disable();
	copied = copy_from_iter(call->reply, hdr->len, from);
	pagefault_enable();

	spin_lock(&chan->lock);
	preempt_enable();
	if (copied == hdr->len) {
		umh_elf_call_end(call, copied);
		goto unlock;
	}
	iov_iter_revert(from, copied);
	list_add(&call->node, &chan->sent);
	call->state = UMH_ELF_CALL_SENT;
	umh_elf_call_settle(chan, call);
	spin_unlock(&chan->lock);
	return -EFAULT;

unlock:
	spin_unlock(&chan->lock);
	return 0;
}

/* A reply: to the caller, faulting in the module's pages as needed. */
static ssize_t umh_elf_chan_reply(struct umh_elf_chan *chan,
				  const struct elf_module_msg_hdr *hdr,
				  struct iov_iter *from)
{
	while (umh_elf_chan_answer(chan, hdr, from)) {
		if (fault_in_iov_iter_readable(from, hdr->len))
			return -EFAULT;
		if (fatal_signal_pending(current))
			return -EINTR;
	}
	return 0;
}

static ssize_t umh_elf_chan_write_iter(struct kiocb *iocb,
				       struct iov_iter *from)
{
	struct umh_elf_chan *chan = iocb->ki_filp->private_data;
	size_t total = iov_iter_count(from);
	struct elf_module_msg_hdr hdr;
	const char *bad = "message shorter than a header";
	void *payload;
	ssize_t ret;
	s32 err;

	if (READ_ONCE(chan->closed) || READ_ONCE(chan->broken))
		return -EPIPE;
	if (total < sizeof(hdr))
		goto broken;
	bad = "message longer than the maximum";
	if (total > sizeof(hdr) + ELF_MODULE_MSG_MAX)
		goto broken;
	if (!copy_from_iter_full(&hdr, sizeof(hdr), from))
		return -EFAULT;
	bad = umh_elf_chan_bad(&hdr, total);
	if (bad)
		goto broken;
	switch (hdr.type) {
	case ELF_MODULE_MSG_REPLY:
		ret = umh_elf_chan_reply(chan, &hdr, from);
		if (ret)
			return ret;
		break;
	case ELF_MODULE_MSG_ERROR:
		if (!copy_from_iter_full(&err, sizeof(err), from))
			return -EFAULT;
		umh_elf_chan_error(chan, hdr.id, err);
		break;
	default:
		payload = kvmalloc(max(hdr.len, 1U), GFP_KERNEL_ACCOUNT);
		if (!payload)
			return -ENOMEM;
		if (!copy_from_iter_full(payload, hdr.len, from)) {
			kvfree(payload);
			return -EFAULT;
		}
		umh_elf_chan_event(chan, payload, hdr.len);
		kvfree(payload);
	}
	return total;

broken:
	umh_elf_chan_break(chan, bad);
	return -EPROTO;
}

/*
 * Copy the header of @call, whose payload is already in the receiver's
 * buffer, and install its files as new fds.  Nothing is installed unless
 * everything was copied.
 */
static long umh_elf_chan_deliver(struct umh_elf_call *call,
				 struct elf_module_recv *r,
				 struct elf_module_recv __user *uarg)
{
	void __user *buf = u64_to_user_ptr(r->buf);
	int flags = r->flags & ELF_MODULE_RECV_CLOEXEC ? O_CLOEXEC : 0;
	unsigned int i, n;
	long ret;

	for (n = 0; n < ELF_MODULE_FDS_MAX; n++)
		r->fds[n] = -1;
	for (n = 0; n < call->nr_files; n++) {
		ret = security_file_receive(call->files[n]);
		if (!ret)
			ret = get_unused_fd_flags(flags);
		if (ret < 0)
			goto unwind;
		r->fds[n] = ret;
	}
	ret = -EFAULT;
	if (copy_to_user(buf, &call->hdr, sizeof(call->hdr)) ||
	    copy_to_user(uarg->fds, r->fds, sizeof(r->fds)))
		goto unwind;
	for (i = 0; i < n; i++)
		fd_install(r->fds[i], get_file(call->files[i]));
	return sizeof(call->hdr) + call->hdr.len;

unwind:
	while (n--)
		put_unused_fd(r->fds[n]);
	return ret;
}

static bool umh_elf_chan_readable(struct umh_elf_chan *chan)
{
	return READ_ONCE(chan->closed) || !list_empty_careful(&chan->queued);
}

/* Wait for a request or the end, exclusively: a request wakes one. */
static int umh_elf_chan_wait_request(struct umh_elf_chan *chan)
{
	return wait_event_interruptible_exclusive(chan->readers,
						  umh_elf_chan_readable(chan));
}

/*
 * Take the oldest request for delivery and copy its payload from the
 * caller's buffer to @buf + header: moves it to @sent, with a reference
 * for the receiver.  Returns 1 then, 0 at end of file, -EAGAIN if there
 * is none, -EMSGSIZE if it does not fit in @size bytes, or -EFAULT if a
 * page at @buf was not there (the request stays at the head of @queued,
 * and *@want is how many bytes at @buf it needs).
 */
static long umh_elf_chan_take(struct umh_elf_chan *chan, void __user *buf,
			      u32 size, struct umh_elf_call **callp,
			      size_t *want)
{
	struct umh_elf_call *call;
	unsigned long left;
	long ret = -EAGAIN;

	spin_lock(&chan->lock);
	call = list_first_entry_or_null(&chan->queued, struct umh_elf_call,
					node);
	if (!call) {
		if (chan->closed)
			ret = 0;
		goto unlock;
	}
	if (size < sizeof(call->hdr) + call->hdr.len) {
		ret = -EMSGSIZE;
		goto unlock;
	}
	list_del_init(&call->node);
	call->state = UMH_ELF_CALL_SENDING;
	preempt_disable();
	spin_unlock(&chan->lock);

	pagefault_disable();
	left = copy_to_user(buf + sizeof(call->hdr), call->req, call->hdr.len);
	pagefault_enable();

	spin_lock(&chan->lock);
	preempt_enable();
	if (left) {
		list_add(&call->node, &chan->queued);
		call->state = UMH_ELF_CALL_QUEUED;
		*want = sizeof(call->hdr) + call->hdr.len;
		ret = -EFAULT;
	} else {
		list_add_tail(&call->node, &chan->sent);
		call->state = UMH_ELF_CALL_SENT;
		refcount_inc(&call->ref);
		*callp = call;
		ret = 1;
	}
	umh_elf_call_settle(chan, call);
unlock:
	spin_unlock(&chan->lock);
	return ret;
}

/* A request the receiver could not take goes back to the head. */
static void umh_elf_chan_requeue(struct umh_elf_chan *chan,
				 struct umh_elf_call *call)
{
	spin_lock(&chan->lock);
	if (call->state == UMH_ELF_CALL_SENT && !chan->closed) {
		list_move(&call->node, &chan->queued);
		call->state = UMH_ELF_CALL_QUEUED;
	}
	spin_unlock(&chan->lock);
	wake_up_interruptible_poll(&chan->readers, EPOLLIN);
}

static long umh_elf_chan_recv(struct file *file,
			      struct elf_module_recv __user *uarg)
{
	struct umh_elf_chan *chan = file->private_data;
	struct umh_elf_call *call = NULL;
	struct elf_module_recv r;
	void __user *buf;
	bool nonblock;
	size_t want;
	long ret;

	if (copy_from_user(&r, uarg, sizeof(r)))
		return -EFAULT;
	buf = u64_to_user_ptr(r.buf);
	if (r.flags & ~(ELF_MODULE_RECV_CLOEXEC | ELF_MODULE_RECV_NONBLOCK))
		return -EINVAL;
	nonblock = (r.flags & ELF_MODULE_RECV_NONBLOCK) ||
		   (file->f_flags & O_NONBLOCK);
	/*
	 * Receivers wait exclusively: a request wakes one of the module's
	 * threads, not all.  One that does not take it wakes the next.
	 */
	for (;;) {
		ret = umh_elf_chan_take(chan, buf, r.size, &call, &want);
		if (ret == -EFAULT) {
			/* Fault the pages in, with no call waiting. */
			if (fault_in_safe_writeable(buf, want))
				break;
			if (fatal_signal_pending(current))
				return -EINTR;
			continue;
		}
		if (ret != -EAGAIN || nonblock)
			break;
		ret = umh_elf_chan_wait_request(chan);
		if (ret)
			return ret;
	}
	if (ret == -EMSGSIZE || ret == -EFAULT)
		wake_up_interruptible_poll(&chan->readers, EPOLLIN);
	if (ret <= 0)
		return ret;
	ret = umh_elf_chan_deliver(call, &r, uarg);
	if (ret < 0)
		umh_elf_chan_requeue(chan, call);
	umh_elf_call_put(call);
	return ret;
}

static long umh_elf_chan_ioctl(struct file *file, unsigned int cmd,
			       unsigned long arg)
{
	if (cmd != ELF_MODULE_IOC_RECV)
		return -ENOTTY;
	return umh_elf_chan_recv(file, u64_to_user_ptr((u64)arg));
}

static __poll_t umh_elf_chan_poll(struct file *file, poll_table *pt)
{
	struct umh_elf_chan *chan = file->private_data;
	__poll_t mask = 0;

	poll_wait(file, &chan->readers, pt);
	if (!list_empty_careful(&chan->queued))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (READ_ONCE(chan->closed))
		mask |= EPOLLIN | EPOLLHUP;
	else
		mask |= EPOLLOUT | EPOLLWRNORM;
	return mask;
}

/* The last holder of the module's end closed it. */
static int umh_elf_chan_release(struct inode *inode, struct file *file)
{
	struct umh_elf_chan *chan = file->private_data;

	umh_elf_chan_close(chan);
	kref_put(&chan->kref, umh_elf_chan_free);
	return 0;
}

static const struct file_operations umh_elf_chan_fops = {
	.owner		= THIS_MODULE,
	.write_iter	= umh_elf_chan_write_iter,
	.unlocked_ioctl	= umh_elf_chan_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.poll		= umh_elf_chan_poll,
	.release	= umh_elf_chan_release,
	.llseek		= noop_llseek,
};

/**
 * umh_elf_chan_open() - make the channel of a module
 * @proc: the module
 *
 * Context: Process context; sleeps.
 * Return: the module's end, to install as its fd 4, or an ERR_PTR().
 */
struct file *umh_elf_chan_open(struct umh_elf_proc *proc)
{
	struct umh_elf_chan *chan;
	struct file *file;

	chan = kzalloc(sizeof(*chan), GFP_KERNEL);
	if (!chan)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&chan->lock);
	INIT_LIST_HEAD(&chan->queued);
	INIT_LIST_HEAD(&chan->sent);
	init_waitqueue_head(&chan->readers);
	init_rwsem(&chan->handler_sem);
	kref_init(&chan->kref);
	chan->proc = proc;
	file = anon_inode_getfile("[elf-module-channel]", &umh_elf_chan_fops,
				  chan, O_RDWR);
	if (IS_ERR(file)) {
		kfree(chan);
		return file;
	}
	kref_get(&chan->kref);
	proc->chan = chan;
	return file;
}

/**
 * umh_elf_chan_detach() - stop the channel from reaching a module
 * @proc: the module
 *
 * Closes the channel: pending calls fail with -EPIPE.  Once this returns,
 * the channel no longer queues the event work of @proc.
 *
 * Context: Process context.
 */
void umh_elf_chan_detach(struct umh_elf_proc *proc)
{
	struct umh_elf_chan *chan = proc->chan;

	if (!chan)
		return;
	spin_lock(&chan->lock);
	chan->proc = NULL;
	spin_unlock(&chan->lock);
	umh_elf_chan_close(chan);
}

/**
 * umh_elf_chan_put() - drop the module's reference to its channel
 * @proc: the module, detached by umh_elf_chan_detach()
 *
 * Context: Process context.
 */
void umh_elf_chan_put(struct umh_elf_proc *proc)
{
	if (!proc->chan)
		return;
	kref_put(&proc->chan->kref, umh_elf_chan_free);
	proc->chan = NULL;
}

/**
 * umh_elf_chan_end() - close the channel of a module whose processes are gone
 * @proc: the module
 *
 * Pending and later calls fail with -EPIPE, even if a copy of the
 * module's end lives on elsewhere.
 *
 * Context: any context that may take a spinlock.
 */
void umh_elf_chan_end(struct umh_elf_proc *proc)
{
	if (proc->chan)
		umh_elf_chan_close(proc->chan);
}

/**
 * umh_elf_chan_broken() - why the module lost its channel
 * @proc: the module
 *
 * Context: any context that may take a spinlock.
 * Return: the reason, once, the first time it is asked after the module
 * broke the wire format; NULL otherwise.
 */
const char *umh_elf_chan_broken(struct umh_elf_proc *proc)
{
	struct umh_elf_chan *chan = proc->chan;
	const char *why = NULL;

	if (!chan)
		return NULL;
	spin_lock(&chan->lock);
	if (chan->broken && chan->proc) {
		why = chan->broken;
		chan->proc = NULL;	/* said once */
	}
	spin_unlock(&chan->lock);
	return why;
}

/**
 * umh_elf_chan_dropped() - what the channel of a module dropped
 * @proc: the module
 * @replies: set to the number of replies to no pending request
 * @events: set to the number of events that found no handler
 *
 * Context: any context that may take a spinlock.
 */
void umh_elf_chan_dropped(struct umh_elf_proc *proc, unsigned long *replies,
			  unsigned long *events)
{
	struct umh_elf_chan *chan = proc->chan;

	*replies = 0;
	*events = 0;
	if (!chan)
		return;
	spin_lock(&chan->lock);
	*replies = chan->dropped_replies;
	*events = chan->dropped_events;
	spin_unlock(&chan->lock);
}

static struct umh_elf_call *umh_elf_call_new(const void *req, size_t req_len,
					     struct file **files,
					     unsigned int nr_files,
					     void *reply, size_t reply_size)
{
	struct umh_elf_call *call;
	unsigned int i;

	call = kzalloc(sizeof(*call), GFP_KERNEL);
	if (!call)
		return NULL;
	INIT_LIST_HEAD(&call->node);
	refcount_set(&call->ref, 1);
	init_completion(&call->done);
	call->req = req;
	call->reply = reply;
	call->reply_size = reply_size;
	call->hdr.len = req_len;
	call->hdr.type = ELF_MODULE_MSG_REQUEST;
	call->hdr.nfds = nr_files;
	call->nr_files = nr_files;
	for (i = 0; i < nr_files; i++)
		call->files[i] = get_file(files[i]);
	return call;
}

/* Queue @call; false if the channel is closed. */
static bool umh_elf_chan_queue(struct umh_elf_chan *chan,
			       struct umh_elf_call *call)
{
	bool open;

	spin_lock(&chan->lock);
	open = !chan->closed;
	if (open) {
		call->hdr.id = ++chan->next_id;
		list_add_tail(&call->node, &chan->queued);
		call->state = UMH_ELF_CALL_QUEUED;
	}
	spin_unlock(&chan->lock);
	if (open)
		wake_up_interruptible_poll(&chan->readers, EPOLLIN);
	return open;
}

/*
 * Wait for the answer to @call; a caller that gives up abandons it, and
 * waits only for a copy in progress to end (it is short and cannot sleep).
 */
static ssize_t umh_elf_chan_wait_answer(struct umh_elf_chan *chan,
					struct umh_elf_call *call,
					unsigned long timeout)
{
	ssize_t err;
	bool copying = false;
	long left;

	left = wait_for_completion_killable_timeout(&call->done, timeout);
	err = left < 0 ? -EINTR : -ETIMEDOUT;
	spin_lock(&chan->lock);
	switch (call->state) {
	case UMH_ELF_CALL_QUEUED:
	case UMH_ELF_CALL_SENT:
		umh_elf_call_end(call, err);
		break;
	case UMH_ELF_CALL_SENDING:
	case UMH_ELF_CALL_ANSWERING:
		call->abandoned = err;
		copying = true;
		break;
	case UMH_ELF_CALL_DONE:
		break;
	}
	spin_unlock(&chan->lock);
	if (copying)
		wait_for_completion(&call->done);
	return call->result;
}

/**
 * umh_elf_chan_call() - send a request on the channel and wait for its answer
 * @proc: a module started by umh_elf_spawn()
 * @req: the request's payload
 * @req_len: its length, at most %ELF_MODULE_MSG_MAX
 * @files: files the module receives with the request as new fds
 * @nr_files: how many, at most %ELF_MODULE_FDS_MAX
 * @reply: where the reply's payload goes
 * @reply_size: room at @reply
 * @timeout: how long to wait for the answer, in jiffies
 *
 * The request gets an id of its own, and only the answer with that id
 * ends the call: concurrent callers wait for their own answers, in
 * whatever order the module sends them.  A caller that times out or gets
 * a fatal signal abandons its request; the module's late answer is then
 * counted and dropped.  Never waits on anything the module holds.  @req
 * and @reply are read and written in place, not copied in between.
 *
 * Context: Process context; sleeps.
 * Return: the length of the reply, or -EPIPE (the module is gone, closed
 * its channel or broke the wire format), -ETIMEDOUT, -EINTR, -EMSGSIZE
 * (request too long, too many files, or reply longer than @reply_size:
 * dropped), -ENOMEM, or the negative errno the module answered with.
 */
ssize_t umh_elf_chan_call(struct umh_elf_proc *proc, const void *req,
			  size_t req_len, struct file **files,
			  unsigned int nr_files, void *reply, size_t reply_size,
			  unsigned long timeout)
{
	struct umh_elf_chan *chan = proc->chan;
	struct umh_elf_call *call;
	ssize_t ret;

	if (req_len > ELF_MODULE_MSG_MAX || nr_files > ELF_MODULE_FDS_MAX)
		return -EMSGSIZE;
	if (!chan)
		return -EPIPE;
	call = umh_elf_call_new(req, req_len, files, nr_files, reply,
				reply_size);
	if (!call)
		return -ENOMEM;
	ret = -EPIPE;
	if (umh_elf_chan_queue(chan, call))
		ret = umh_elf_chan_wait_answer(chan, call, timeout);
	umh_elf_call_put(call);
	return ret;
}

/**
 * umh_elf_chan_set_handler() - set where the events of a module go
 * @proc: the module
 * @fn: the handler, or NULL to drop events from now on
 * @data: its argument
 *
 * Once this returns with @fn NULL, the old handler no longer runs.
 *
 * Context: Process context; sleeps (until a running handler returns).
 * Return: 0, -EBUSY if another handler is set, -EPIPE if the module has
 * no channel.
 */
int umh_elf_chan_set_handler(struct umh_elf_proc *proc, umh_elf_event_fn fn,
			     void *data)
{
	struct umh_elf_chan *chan = proc->chan;
	int ret = 0;

	if (!chan)
		return -EPIPE;
	down_write(&chan->handler_sem);
	if (fn && chan->handler) {
		ret = -EBUSY;
	} else {
		chan->handler = fn;
		chan->handler_data = data;
	}
	up_write(&chan->handler_sem);
	return ret;
}
