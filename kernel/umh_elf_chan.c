// SPDX-License-Identifier: GPL-2.0
/*
 * ELF modules, the channel: fd 4 of the module, where it receives the
 * requests of kernel code and sends its answers and events.  This is the
 * module's end, an anonymous file; the kernel's end, the calls and their
 * copies to and from the module's buffers, is umh_elf_call.c.
 *
 * It is neither a pipe nor a socket.  The kernel must attach open files
 * to a request, which a socket only takes from the fd table of the
 * sender, and a kernel caller has none of its own.  And no caller may
 * ever wait on a lock that the module can hold (pipe->mutex, the socket
 * lock), which a module writing from a userfaultfd or FUSE page can hold
 * for as long as it likes.
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
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/poll.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "umh_elf_chan.h"

static void umh_elf_chan_free(struct kref *kref)
{
	kfree(container_of(kref, struct umh_elf_chan, kref));
}

/* No more calls: pending ones fail with -EPIPE, receivers read EOF. */
static void umh_elf_chan_close(struct umh_elf_chan *chan)
{
	spin_lock(&chan->lock);
	chan->closed = true;
	umh_elf_call_fail_all(chan);
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
			umh_elf_kick(chan->proc);
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
		ret = umh_elf_call_reply(chan, &hdr, from);
		if (ret)
			return ret;
		break;
	case ELF_MODULE_MSG_ERROR:
		if (!copy_from_iter_full(&err, sizeof(err), from))
			return -EFAULT;
		umh_elf_call_error(chan, hdr.id, err);
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
		ret = umh_elf_call_take(chan, buf, r.size, &call, &want);
		if (ret == -EFAULT) {
			/*
			 * Fault the pages in, with no call waiting; another
			 * receiver may take the request meanwhile.
			 */
			wake_up_interruptible_poll(&chan->readers, EPOLLIN);
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
		umh_elf_call_requeue(chan, call);
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
	/* The in-kernel user's handler goes on from instance to instance. */
	mutex_lock(&proc->handler_lock);
	chan->handler = proc->handler;
	chan->handler_data = proc->handler_data;
	WRITE_ONCE(proc->chan, chan);
	mutex_unlock(&proc->handler_lock);
	return file;
}

/**
 * umh_elf_chan_get() - the channel of the instance that runs
 * @proc: the module
 *
 * Context: Any context; does not sleep.
 * Return: the channel, with a reference to drop with umh_elf_chan_drop(),
 * or NULL between two instances or before the first.
 */
struct umh_elf_chan *umh_elf_chan_get(struct umh_elf_proc *proc)
{
	struct umh_elf_chan *chan;

	/* umh_elf_reset() waits for a grace period before its last put. */
	guard(rcu)();
	chan = READ_ONCE(proc->chan);
	if (chan)
		kref_get(&chan->kref);
	return chan;
}

/**
 * umh_elf_chan_drop() - drop a reference to a channel
 * @chan: a channel from umh_elf_chan_get(), or one umh_elf_reset() took
 *	from its module
 *
 * Context: Any context that may take a spinlock.
 */
void umh_elf_chan_drop(struct umh_elf_chan *chan)
{
	kref_put(&chan->kref, umh_elf_chan_free);
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
	struct umh_elf_chan *chan = umh_elf_chan_get(proc);

	*replies = 0;
	*events = 0;
	if (!chan)
		return;
	spin_lock(&chan->lock);
	*replies = chan->dropped_replies;
	*events = chan->dropped_events;
	spin_unlock(&chan->lock);
	umh_elf_chan_drop(chan);
}
