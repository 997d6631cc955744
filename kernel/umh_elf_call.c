// SPDX-License-Identifier: GPL-2.0
/*
 * ELF modules, the channel's calls: the kernel's end of fd 4.  Kernel
 * code sends a request with umh_elf_chan_call() and waits for the answer
 * with the request's id; the module's end (umh_elf_chan.c) hands the
 * requests to the module and the answers back here.  Events the module
 * sends go to the handler set with umh_elf_chan_set_handler().
 *
 * Each call is an object of its own with an id, so callers wait for
 * their own answer only, in any order, and one that gives up takes only
 * its own request with it.  No caller may ever wait on a lock that the
 * module can hold, or on a page fault of the module: a request's payload
 * goes straight from the caller's buffer to the module's, and a reply's
 * straight from the module's buffer to the caller's, each in one copy
 * made with page faults off and preemption disabled (see &enum
 * umh_elf_call_state).  A module that receives into or writes from a
 * userfaultfd or FUSE page stalls only itself: the copy comes up short,
 * and the module's own system call faults the page in, with no caller
 * waiting, and tries again.
 */
#include <linux/file.h>
#include <linux/pagemap.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "umh_elf_chan.h"

/**
 * umh_elf_call_put() - drop a reference to a call
 * @call: the call
 *
 * Context: any context that may take a spinlock.
 */
void umh_elf_call_put(struct umh_elf_call *call)
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

/**
 * umh_elf_call_fail_all() - end every pending call of a closing channel
 * @chan: the channel, just marked closed
 *
 * Queued and sent calls fail with -EPIPE; a call being copied is ended
 * by its copier, which sees the channel closed.
 *
 * Context: under the channel's lock.
 */
void umh_elf_call_fail_all(struct umh_elf_chan *chan)
{
	struct umh_elf_call *call, *next;

	list_for_each_entry_safe(call, next, &chan->queued, node)
		umh_elf_call_end(call, -EPIPE);
	list_for_each_entry_safe(call, next, &chan->sent, node)
		umh_elf_call_end(call, -EPIPE);
}

static struct umh_elf_call *umh_elf_call_find(struct umh_elf_chan *chan,
					      u64 id)
{
	struct umh_elf_call *call;

	list_for_each_entry(call, &chan->sent, node)
		if (call->hdr.id == id)
			return call;
	return NULL;
}

/**
 * umh_elf_call_error() - the module answered a request with an errno
 * @chan: the channel
 * @id: the request's id
 * @err: the errno, positive; anything out of range reaches the caller
 *	as -EPROTO
 *
 * To the caller of request @id, or counted and dropped if it has none.
 *
 * Context: any context that may take a spinlock.
 */
void umh_elf_call_error(struct umh_elf_chan *chan, u64 id, s32 err)
{
	struct umh_elf_call *call;
	ssize_t result = -(ssize_t)err;

	if (result >= 0 || result < -MAX_ERRNO)
		result = -EPROTO;
	spin_lock(&chan->lock);
	call = umh_elf_call_find(chan, id);
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
static int umh_elf_call_answer(struct umh_elf_chan *chan,
			       const struct elf_module_msg_hdr *hdr,
			       struct iov_iter *from)
{
	struct umh_elf_call *call;
	size_t copied;

	spin_lock(&chan->lock);
	call = umh_elf_call_find(chan, hdr->id);
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

/**
 * umh_elf_call_reply() - the module answered a request
 * @chan: the channel
 * @hdr: the reply's header
 * @from: the module's buffer with the reply's payload, @hdr->len bytes
 *
 * Copies the payload straight to the caller's buffer, faulting in the
 * module's pages as needed, or counts and drops it if request @hdr->id
 * has no caller; a caller whose buffer is too small gets -EMSGSIZE.
 *
 * Context: the module's write; sleeps (page faults of the module).
 * Return: 0, -EFAULT if the module's buffer cannot be read, or -EINTR
 * on a fatal signal; the call is then still pending.
 */
ssize_t umh_elf_call_reply(struct umh_elf_chan *chan,
			   const struct elf_module_msg_hdr *hdr,
			   struct iov_iter *from)
{
	while (umh_elf_call_answer(chan, hdr, from)) {
		if (fault_in_iov_iter_readable(from, hdr->len))
			return -EFAULT;
		if (fatal_signal_pending(current))
			return -EINTR;
	}
	return 0;
}

/**
 * umh_elf_call_take() - take the oldest request for the module
 * @chan: the channel
 * @buf: the receiver's buffer; the payload goes after the header's room
 * @size: room at @buf
 * @callp: set to the request taken
 * @want: set to the bytes at @buf it needs, on -EFAULT
 *
 * Copies the request's payload from the caller's buffer to @buf and
 * moves the request to @sent, with a reference for the receiver.
 *
 * Context: the module's receive; does not sleep.
 * Return: 1 then; 0 at end of file; -EAGAIN if there is no request;
 * -EMSGSIZE if it does not fit in @size bytes; -EFAULT if a page at @buf
 * was not there (the request stays at the head of @queued).
 */
long umh_elf_call_take(struct umh_elf_chan *chan, void __user *buf,
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

/**
 * umh_elf_call_requeue() - give back a request the receiver could not take
 * @chan: the channel
 * @call: the request, from umh_elf_call_take()
 *
 * It goes back to the head of @queued, for the next receiver.
 *
 * Context: any context that may take a spinlock.
 */
void umh_elf_call_requeue(struct umh_elf_chan *chan,
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

/**
 * umh_elf_chan_event() - the module sent an event
 * @chan: the channel
 * @msg: the payload, in kernel memory
 * @len: its length
 *
 * To the handler, or counted and dropped if there is none.
 *
 * Context: the module's write; sleeps (the handler may).
 */
void umh_elf_chan_event(struct umh_elf_chan *chan, const void *msg,
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
static bool umh_elf_call_queue(struct umh_elf_chan *chan,
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
static ssize_t umh_elf_call_wait(struct umh_elf_chan *chan,
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

/*
 * Whether a call may go to the channel of @proc now: it runs, or the
 * loader does not restart it (then a closed channel says -EPIPE).
 */
static bool umh_elf_call_ready(struct umh_elf_proc *proc)
{
	guard(spinlock)(&proc->lock);
	if (!proc->restarting)
		return true;
	return !proc->gone && (proc->ready ||
			       (proc->exited && !proc->exit_status));
}

/*
 * The channel to send a call on.  While the module is being restarted,
 * wait for its next instance to run, within *@timeout, which is left
 * with what remains of it.
 */
static struct umh_elf_chan *umh_elf_call_chan(struct umh_elf_proc *proc,
					      unsigned long *timeout)
{
	struct umh_elf_chan *chan;
	long left;

	left = wait_event_killable_timeout(proc->wq, umh_elf_call_ready(proc),
					   *timeout);
	if (left < 0)
		return ERR_PTR(-EINTR);
	if (!left)
		return ERR_PTR(-ETIMEDOUT);
	*timeout = left;
	chan = umh_elf_chan_get(proc);
	return chan ?: ERR_PTR(-EPIPE);
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
 * While the loader restarts the module, a new call first waits for the
 * next instance to run, within @timeout; calls in flight when an
 * instance ends fail with -EPIPE.
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
	struct umh_elf_chan *chan;
	struct umh_elf_call *call;
	ssize_t ret;

	if (req_len > ELF_MODULE_MSG_MAX || nr_files > ELF_MODULE_FDS_MAX)
		return -EMSGSIZE;
	chan = umh_elf_call_chan(proc, &timeout);
	if (IS_ERR(chan))
		return PTR_ERR(chan);
	call = umh_elf_call_new(req, req_len, files, nr_files, reply,
				reply_size);
	ret = -ENOMEM;
	if (call) {
		ret = -EPIPE;
		if (umh_elf_call_queue(chan, call))
			ret = umh_elf_call_wait(chan, call, timeout);
		umh_elf_call_put(call);
	}
	umh_elf_chan_drop(chan);
	return ret;
}

/**
 * umh_elf_chan_set_handler() - set where the events of a module go
 * @proc: the module
 * @fn: the handler, or NULL to drop events from now on
 * @data: its argument
 *
 * Once this returns with @fn NULL, the old handler no longer runs.  The
 * handler stays across restarts: each new instance's channel gets it.
 *
 * Context: Process context; sleeps (until a running handler returns).
 * Return: 0, -EBUSY if another handler is set, -EPIPE if the module has
 * no channel and is not being restarted.
 */
int umh_elf_chan_set_handler(struct umh_elf_proc *proc, umh_elf_event_fn fn,
			     void *data)
{
	struct umh_elf_chan *chan;
	int ret = 0;

	mutex_lock(&proc->handler_lock);
	chan = umh_elf_chan_get(proc);
	if (fn && proc->handler) {
		ret = -EBUSY;
	} else if (!chan && !READ_ONCE(proc->restarting)) {
		ret = -EPIPE;
	} else {
		proc->handler = fn;
		proc->handler_data = data;
	}
	if (chan && !ret) {
		down_write(&chan->handler_sem);
		chan->handler = fn;
		chan->handler_data = data;
		up_write(&chan->handler_sem);
	}
	if (chan)
		umh_elf_chan_drop(chan);
	mutex_unlock(&proc->handler_lock);
	return ret;
}
