// SPDX-License-Identifier: GPL-2.0
/*
 * ELF modules, process side: run a verified image as a user-mode helper
 * and follow its processes until the last of them is gone.
 *
 * The image is a sealed, unlinked shmem file that only the kernel holds
 * (umh_elf_image.c); the user-mode helper execs it as a file, without a
 * path (call_usermodehelper_setup_file()).
 *
 * The processes of a module are the members of its cgroup
 * (umh_elf_contain.c); what it says on fd 3 is parsed as it writes it
 * (umh_elf_notify.c); fd 4 is its channel to kernel code (umh_elf_chan.c).
 *
 * Nothing here sleeps in a thread of its own while a module runs: the
 * kernel end of the stderr pipe, the cgroup's populated state and the
 * exit of the main process each have a wait queue entry that queues one
 * work item, which reads what is there and works out the state.
 *
 * See Documentation/admin-guide/elf-modules.rst.
 */
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/pipe_fs_i.h>
#include <linux/poll.h>
#include <linux/printk.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/umh.h>
#include "umh_elf_internal.h"

/* How long the processes get to die after SIGKILL before they are named. */
#define UMH_ELF_KILL_GRACE	(3 * HZ)
/* Entries of the environment, with the terminating NULL. */
#define UMH_ELF_ENV_MAX		6
/* Reads of one pipe per run of the event work before it yields. */
#define UMH_ELF_DRAIN_ROUNDS	64
/* Exit statuses that are taken as an errno (the largest Linux errno). */
#define UMH_ELF_EXIT_ERRNO_MAX	133

/**
 * umh_elf_kick() - run the event work of a module now
 * @proc: state set up by umh_elf_proc_init()
 *
 * Once more if it is running, and at once if a retry was pending.
 *
 * Context: Any context.
 */
void umh_elf_kick(struct umh_elf_proc *proc)
{
	mod_delayed_work(system_unbound_wq, &proc->work, 0);
}

/* The helper's working directory: "/" of its root, whatever init's is. */
static void umh_elf_chdir_root(void)
{
	struct path root;

	get_fs_root(current->fs, &root);
	set_fs_pwd(current->fs, &root);
	path_put(&root);
}

/*
 * Create a pipe whose write end is fd 1 and fd 2 of the new process, and
 * keep the read end, non-blocking, in @proc->err.
 */
static int umh_elf_setup_log(struct umh_elf_proc *proc)
{
	struct file *files[2];
	int err;

	err = create_pipe_files(files, 0);
	if (err)
		return err;
	err = replace_fd(1, files[1], 0);
	if (err >= 0)
		err = replace_fd(2, files[1], 0);
	fput(files[1]);
	if (err < 0) {
		fput(files[0]);
		return err;
	}
	/* Only the event work reads it, and it must never block. */
	files[0]->f_flags |= O_NONBLOCK;
	proc->err = files[0];
	return 0;
}

/* fd 0: the read end of a pipe without writers, at end of file at once. */
static int umh_elf_setup_stdin(void)
{
	struct file *files[2];
	int err;

	err = create_pipe_files(files, 0);
	if (err)
		return err;
	fput(files[1]);
	err = replace_fd(0, files[0], 0);
	fput(files[0]);
	return err < 0 ? err : 0;
}

/* Install @file, made by @open for @proc, as @fd of the new process. */
static int umh_elf_setup_file(struct umh_elf_proc *proc, unsigned int fd,
			      struct file *(*open)(struct umh_elf_proc *proc))
{
	struct file *file;
	int err;

	file = open(proc);
	if (IS_ERR(file))
		return PTR_ERR(file);
	err = replace_fd(fd, file, 0);
	fput(file);
	return err < 0 ? err : 0;
}

static int umh_elf_setup_fds(struct umh_elf_proc *proc)
{
	int err;

	err = umh_elf_setup_stdin();
	if (!err)
		err = umh_elf_setup_log(proc);
	if (!err)
		err = umh_elf_setup_file(proc, ELF_MODULE_NOTIFY_FD,
					 umh_elf_notify_open);
	if (!err)
		err = umh_elf_setup_file(proc, ELF_MODULE_CHANNEL_FD,
					 umh_elf_chan_open);
	return err;
}

/* The umh init callback: runs in the new process before exec. */
static int umh_elf_child_init(struct subprocess_info *info, struct cred *new)
{
	struct umh_elf_proc *proc = info->data;
	int err;

	err = umh_elf_contain_enter(proc);
	if (err)
		return err;
	/* A member of the cgroup from here on: umh_elf_spawn_failed() */
	proc->task = get_task_struct(current);
	WRITE_ONCE(proc->pid, get_pid(task_tgid(current)));

	err = umh_elf_setup_fds(proc);
	if (err)
		return err;
	umh_elf_chdir_root();

	if (proc->limit_caps) {
		err = umh_elf_cred_apply(proc, new);
		if (err)
			return err;
	}
	return 0;
}

/* Whether the main process of @pid has exited; under rcu_read_lock(). */
static bool umh_elf_pid_exited(struct pid *pid)
{
	struct task_struct *task = pid_task(pid, PIDTYPE_PID);

	return !task || (task->exit_state && !delay_group_leader(task));
}

static bool umh_elf_main_exited(struct umh_elf_proc *proc)
{
	guard(rcu)();
	return umh_elf_pid_exited(proc->pid);
}

/* The two halves of a wait status, as WTERMSIG() and WEXITSTATUS(). */
static int umh_elf_term_signal(int status)
{
	return status & 0x7f;
}

static int umh_elf_exit_code(int status)
{
	return (status >> 8) & 0xff;
}

/* The wait status of the main process, as waitpid() would report it. */
static int umh_elf_wait_status(struct task_struct *task)
{
	if (task->signal->flags & SIGNAL_GROUP_EXIT)
		return task->signal->group_exit_code;
	return task->exit_code;
}

/* Say how many stderr lines the rate limit dropped since it last said. */
static void umh_elf_report_suppressed(struct umh_elf_proc *proc)
{
	int n = atomic_xchg(&proc->err_suppressed, 0);

	if (n)
		pr_info("elf-module %s: %d stderr lines suppressed\n",
			proc->name, n);
}

/* The end of a burst of stderr lines over the rate limit. */
static void umh_elf_suppressed_work(struct work_struct *work)
{
	struct umh_elf_proc *proc = container_of(to_delayed_work(work),
						 struct umh_elf_proc,
						 err_report);

	umh_elf_report_suppressed(proc);
}

/*
 * A line dropped by the rate limit is counted; the count is logged, with
 * the module's name, when the interval of the limit ends (or before the
 * next line that passes, or when the module is gone).
 */
static void umh_elf_suppress_line(struct umh_elf_proc *proc)
{
	long left;

	if (atomic_inc_return(&proc->err_suppressed) > 1)
		return;
	left = (long)(READ_ONCE(proc->ratelimit.begin) +
		      proc->ratelimit.interval - jiffies);
	schedule_delayed_work(&proc->err_report, max(left, 1L));
}

static void umh_elf_log_errline(struct umh_elf_proc *proc)
{
	if (!proc->errlen)
		return;
	if (__ratelimit(&proc->ratelimit)) {
		umh_elf_report_suppressed(proc);
		pr_info("%s: %.*s\n", proc->name, (int)proc->errlen,
			proc->errline);
	} else {
		umh_elf_suppress_line(proc);
	}
	proc->errlen = 0;
}

static void umh_elf_err_bytes(struct umh_elf_proc *proc, const char *buf,
			      size_t len)
{
	for (; len; buf++, len--) {
		if (*buf == '\n') {
			umh_elf_log_errline(proc);
			continue;
		}
		proc->errline[proc->errlen++] = *buf;
		if (proc->errlen == sizeof(proc->errline))
			umh_elf_log_errline(proc);
	}
}

/*
 * The length of the value if @line (@len bytes, no newline) assigns the
 * notify key @key ("KEY="), else -1.
 */
static ssize_t umh_elf_notify_value(const char *line, size_t len,
				    const char *key)
{
	size_t n = strlen(key);

	if (len < n || memcmp(line, key, n))
		return -1;
	return len - n;
}

static void umh_elf_notify_status(struct umh_elf_proc *proc, const char *val,
				  size_t len)
{
	len = min(len, sizeof(proc->status) - 1);
	spin_lock(&proc->lock);
	memcpy(proc->status, val, len);
	proc->status[len] = '\0';
	spin_unlock(&proc->lock);
}

/*
 * ERRNO=E: the errno of the load if the main process then exits with a
 * status other than 0.  A value that is not a decimal number from 1 to
 * ELF_MODULE_ERRNO_MAX is ignored; a later valid one replaces it.
 */
static void umh_elf_notify_errno(struct umh_elf_proc *proc, const char *val,
				 size_t len)
{
	char num[8];
	int err;

	if (!len || len >= sizeof(num))
		return;
	memcpy(num, val, len);
	num[len] = '\0';
	if (kstrtoint(num, 10, &err) || err < 1 || err > ELF_MODULE_ERRNO_MAX)
		return;
	spin_lock(&proc->lock);
	proc->notify_errno = err;
	spin_unlock(&proc->lock);
}

/* One sd_notify style line: READY=1, WATCHDOG=1, STATUS=text or ERRNO=E. */
static void umh_elf_notify_line(struct umh_elf_proc *proc)
{
	const char *line = proc->ntfline;
	size_t len = proc->ntflen;
	ssize_t n;

	proc->ntflen = 0;
	if (len == strlen(ELF_MODULE_NOTIFY_READY) &&
	    !memcmp(line, ELF_MODULE_NOTIFY_READY, len)) {
		spin_lock(&proc->lock);
		proc->ready = true;
		spin_unlock(&proc->lock);
		umh_elf_watchdog_pet(proc);
		return;
	}
	if (len == strlen(ELF_MODULE_NOTIFY_WATCHDOG) &&
	    !memcmp(line, ELF_MODULE_NOTIFY_WATCHDOG, len)) {
		umh_elf_watchdog_pet(proc);
		return;
	}
	n = umh_elf_notify_value(line, len, ELF_MODULE_NOTIFY_STATUS);
	if (n >= 0) {
		umh_elf_notify_status(proc, line + len - n, n);
		return;
	}
	n = umh_elf_notify_value(line, len, ELF_MODULE_NOTIFY_ERRNO);
	if (n >= 0)
		umh_elf_notify_errno(proc, line + len - n, n);
}

/**
 * umh_elf_notify_bytes() - parse what a module wrote to its notify fd
 * @proc: the module
 * @buf: the bytes
 * @len: how many
 *
 * Context: Under the lock of @proc->ntf (umh_elf_notify.c).
 */
void umh_elf_notify_bytes(struct umh_elf_proc *proc, const char *buf,
			  size_t len)
{
	for (; len; buf++, len--) {
		if (*buf == '\n') {
			umh_elf_notify_line(proc);
			continue;
		}
		/* An overlong line is cut; what follows up to '\n' is dropped. */
		if (proc->ntflen < sizeof(proc->ntfline))
			proc->ntfline[proc->ntflen++] = *buf;
	}
}

/**
 * umh_elf_notify_partial() - a notify line received without its newline
 * @proc: the module
 * @buf: where to copy it, NUL-terminated
 * @size: size of @buf
 *
 * Context: Under the lock of @proc->ntf (umh_elf_notify.c).
 * Return: the length copied, 0 if there is none, or -E2BIG if it was cut
 * to fit (as strscpy() returns it).
 */
ssize_t umh_elf_notify_partial(struct umh_elf_proc *proc, char *buf,
			       size_t size)
{
	size_t len = min(proc->ntflen, size - 1);

	memcpy(buf, proc->ntfline, len);
	buf[len] = '\0';
	return len < proc->ntflen ? -E2BIG : len;
}

/**
 * umh_elf_notify_flush() - parse a last notify line that has no newline
 * @proc: the module, whose notify fd was closed by its last holder
 *
 * Context: Under the lock of @proc->ntf (umh_elf_notify.c).
 */
void umh_elf_notify_flush(struct umh_elf_proc *proc)
{
	if (proc->ntflen)
		umh_elf_notify_line(proc);
}

/*
 * Read everything @file holds and hand it to @consume.  Returns true at end
 * of file: nothing buffered and no writer left.
 */
static bool umh_elf_drain(struct umh_elf_proc *proc, struct file *file,
			  void (*consume)(struct umh_elf_proc *proc,
					  const char *buf, size_t len))
{
	int rounds = UMH_ELF_DRAIN_ROUNDS;
	char buf[256];
	ssize_t n;

	while (rounds--) {
		n = kernel_read(file, buf, sizeof(buf), NULL);
		if (n == 0)
			return true;
		if (n < 0)
			return false;
		consume(proc, buf, n);
	}
	/* A chatty module: come back later rather than hog the worker. */
	umh_elf_kick(proc);
	return false;
}

/* A module that broke the wire format of its channel is stopped. */
static void umh_elf_chan_check(struct umh_elf_proc *proc)
{
	const char *why = umh_elf_chan_broken(proc);

	if (!why)
		return;
	pr_warn("elf-module %s: channel: %s, stopping it\n", proc->name, why);
	umh_elf_signal(proc, SIGKILL);
	umh_elf_chan_end(proc);
}

static int umh_elf_wake(struct wait_queue_entry *entry, unsigned int mode,
			int sync, void *key)
{
	struct umh_elf_watch *watch = container_of(entry, struct umh_elf_watch,
						   entry);

	umh_elf_kick(watch->proc);
	return 0;
}

static void umh_elf_watch(struct umh_elf_proc *proc,
			  struct umh_elf_watch *watch, wait_queue_head_t *head,
			  wait_queue_func_t func)
{
	init_waitqueue_func_entry(&watch->entry, func);
	watch->proc = proc;
	watch->head = head;
	add_wait_queue(head, &watch->entry);
}

struct umh_elf_poll {
	poll_table pt;
	struct umh_elf_proc *proc;
	struct umh_elf_watch *watch;
	wait_queue_func_t func;
};

static void umh_elf_poll_queue(struct file *file, wait_queue_head_t *head,
			       poll_table *pt)
{
	struct umh_elf_poll *poll = container_of(pt, struct umh_elf_poll, pt);

	if (!poll->watch->head)
		umh_elf_watch(poll->proc, poll->watch, head, poll->func);
}

/* Watch a pollable file; returns its poll mask at the time. */
static __poll_t umh_elf_watch_file(struct umh_elf_proc *proc,
				   struct umh_elf_watch *watch,
				   struct file *file, wait_queue_func_t func)
{
	struct umh_elf_poll poll = {
		.proc = proc,
		.watch = watch,
		.func = func,
	};

	init_poll_funcptr(&poll.pt, umh_elf_poll_queue);
	return vfs_poll(file, &poll.pt);
}

static void umh_elf_unwatch(struct umh_elf_watch *watch)
{
	if (!watch->head)
		return;
	remove_wait_queue(watch->head, &watch->entry);
	watch->head = NULL;
}

/*
 * Every process of @proc is gone, the main one with @status (unless an
 * earlier look saw it exit): say so to waiters, and let the channel,
 * the watchdog and the cgroup go.
 */
static void umh_elf_end(struct umh_elf_proc *proc, int status)
{
	/* Before the cgroup goes (umh_elf_contain_retire()). */
	bool oom = umh_elf_contain_oom_killed(proc);

	spin_lock(&proc->lock);
	if (!proc->exited) {
		proc->exited = true;
		proc->exit_status = status;
	}
	proc->oom_killed |= oom;
	proc->gone = true;
	/*
	 * A module that may be restarted: calls wait for the next instance
	 * from now on, until the loader says it is not coming.
	 */
	if (proc->keep_image)
		proc->restarting = true;
	spin_unlock(&proc->lock);
	/*
	 * Waiters may go on while the cgroup goes: whoever needs the name
	 * free waits for this work (umh_elf_quiesce()).
	 */
	wake_up_all(&proc->wq);

	umh_elf_watchdog_stop(proc, false);
	umh_elf_chan_end(proc);
	umh_elf_contain_retire(proc);
}

/*
 * The main process has exited and other processes of the module remain:
 * only the cgroup can tell when the last of them is gone.  Watch its
 * cgroup.events from now on (a module that never forks does not need
 * to), then look again, for a member that left meanwhile.  If the file
 * cannot be opened, try again in a second.  Returns whether any member
 * remains.
 */
static bool umh_elf_follow_members(struct umh_elf_proc *proc)
{
	struct file *events;

	if (!proc->events) {
		events = umh_elf_contain_events(proc);
		if (IS_ERR(events)) {
			pr_warn_ratelimited("elf-module %s: cannot watch its cgroup: %ld; looking again in a second\n",
					    proc->name, PTR_ERR(events));
			queue_delayed_work(system_unbound_wq, &proc->work, HZ);
			return true;
		}
		proc->events = events;
		umh_elf_watch_file(proc, &proc->watch_events, events,
				   umh_elf_wake);
	}
	return umh_elf_contain_populated(proc);
}

static void umh_elf_event(struct work_struct *work)
{
	struct umh_elf_proc *proc = container_of(to_delayed_work(work),
						 struct umh_elf_proc, work);
	bool exited, populated, now_gone, changed;
	int status = 0;

	/*
	 * Look at the main process first: it leaves the cgroup before it is
	 * reported as exited, so once it has, a populated cgroup means that
	 * other processes of the module remain (a forked daemon).
	 */
	exited = umh_elf_main_exited(proc);
	if (exited)
		status = umh_elf_wait_status(proc->task);
	populated = umh_elf_contain_populated(proc);
	if (exited && populated)
		populated = umh_elf_follow_members(proc);
	umh_elf_drain(proc, proc->err, umh_elf_err_bytes);

	spin_lock(&proc->lock);
	now_gone = !proc->gone && (exited || proc->exited) && !populated;
	changed = exited && !proc->exited;
	/* The end of a module is told below, after its last words. */
	if (exited && !proc->exited && !now_gone) {
		proc->exited = true;
		proc->exit_status = status;
	}
	spin_unlock(&proc->lock);

	if (now_gone) {
		/*
		 * Its last words come before whoever logs its end: a waiter
		 * (woken by the close of fd 3, say) sees it gone only after.
		 */
		umh_elf_log_errline(proc);
		umh_elf_report_suppressed(proc);
		umh_elf_end(proc, status);
	} else {
		umh_elf_chan_check(proc);
		/* Waiters look at @exited, @gone and @ready (the notify file's) */
		if (changed)
			wake_up_all(&proc->wq);
	}
	if (now_gone && proc->ended)
		proc->ended(proc);
}

/**
 * umh_elf_proc_init() - prepare the process state of an ELF module
 * @proc: state to initialise
 * @name: module name; must stay valid until umh_elf_release()
 * @ended: called from a work item once every process is gone, or NULL
 *
 * The caller may limit the capabilities with umh_elf_limit_caps()
 * afterwards.
 *
 * Context: Any context.
 */
void umh_elf_proc_init(struct umh_elf_proc *proc, const char *name,
		       void (*ended)(struct umh_elf_proc *proc))
{
	memset(proc, 0, sizeof(*proc));
	proc->name = name;
	proc->ended = ended;
	INIT_DELAYED_WORK(&proc->work, umh_elf_event);
	init_waitqueue_head(&proc->wq);
	spin_lock_init(&proc->lock);
	mutex_init(&proc->handler_lock);
	mutex_init(&proc->limits_lock);
	umh_elf_watchdog_init(proc);
	ratelimit_state_init(&proc->ratelimit, DEFAULT_RATELIMIT_INTERVAL,
			     DEFAULT_RATELIMIT_BURST);
	/* umh_elf_report_suppressed() says it, naming the module */
	ratelimit_set_flags(&proc->ratelimit, RATELIMIT_MSG_ON_RELEASE);
	INIT_DELAYED_WORK(&proc->err_report, umh_elf_suppressed_work);
}

/**
 * umh_elf_limit_caps() - run the module with a capability limit
 * @proc: state set up by umh_elf_proc_init(), not spawned yet
 * @caps: the only capabilities its processes get
 *
 * The processes run as a uid and gid of their own instead of root, with
 * @caps as every capability set (kernel/umh_elf_cred.c).
 *
 * Context: Any context, before umh_elf_spawn().
 */
void umh_elf_limit_caps(struct umh_elf_proc *proc, const kernel_cap_t *caps)
{
	proc->caps = *caps;
	proc->limit_caps = true;
}

/**
 * umh_elf_caps_limited() - does the module run with a capability limit?
 * @proc: state set up by umh_elf_proc_init()
 *
 * Context: Any context.
 * Return: true once umh_elf_limit_caps() was called.
 */
bool umh_elf_caps_limited(struct umh_elf_proc *proc)
{
	return proc->limit_caps;
}

/* Run @exe, or fail with its error; keep it for restarts if asked to. */
static int umh_elf_spawn_exe(struct umh_elf_proc *proc, struct file *exe,
			     char **argv)
{
	int err;

	if (IS_ERR(exe))
		return PTR_ERR(exe);
	err = umh_elf_spawn_file(proc, exe, argv);
	if (proc->keep_image)
		proc->image = exe;
	else
		fput(exe);
	return err;
}

/**
 * umh_elf_spawn() - run an image as the main process of an ELF module
 * @proc: state set up by umh_elf_proc_init()
 * @image: the verified bytes to execute
 * @len: length of @image
 * @argv: NULL-terminated arguments, argv[0] being the module name
 *
 * Makes the module's cgroup, copies @image to a sealed shmem file that no
 * path reaches and executes that file through the user-mode-helper
 * machinery, inside that cgroup, with fds 0 to 3 connected to @proc and
 * the environment of an ELF module.  Returns once exec has succeeded or
 * failed; @image may be freed then.
 *
 * Context: Process context; sleeps.
 * Return: 0 if the process runs, else a negative errno (exec's own;
 * -EBUSY while user-mode helpers are disabled, or while a process of an
 * earlier instance of the module is still alive).  Either way the caller
 * ends with umh_elf_release().
 */
int umh_elf_spawn(struct umh_elf_proc *proc, const void *image, size_t len,
		  char **argv)
{
	return umh_elf_spawn_exe(proc, umh_elf_image(proc->name, image, len),
				 argv);
}

/**
 * umh_elf_spawn_image() - run an image read into its own file
 * @proc: state set up by umh_elf_proc_init()
 * @img: the image, umh_elf_image_create()'s, whose first @len bytes of
 *	@img->data are verified
 * @len: length of the image
 * @argv: NULL-terminated arguments, argv[0] being the module name
 *
 * umh_elf_spawn() without the copy: the file of @img is cut to @len
 * bytes, sealed and executed.  @img->data is gone once this returns; the
 * caller still ends @img with umh_elf_image_free().
 *
 * Context: Process context; sleeps.
 * Return: as umh_elf_spawn().
 */
int umh_elf_spawn_image(struct umh_elf_proc *proc, struct umh_elf_image *img,
			size_t len, char **argv)
{
	return umh_elf_spawn_exe(proc,
				 umh_elf_image_finish(img, proc->name, len),
				 argv);
}

/*
 * The new process joined the module's cgroup and then failed (its exec,
 * or the rest of umh_elf_child_init()): it is on its way out.  Wait until
 * it has left, so that the cgroup, and with it the module's name, goes
 * when the caller lets go of @proc, not a retry later
 * (umh_elf_contain_drop()): a load of the same name may follow at once.
 */
static void umh_elf_spawn_failed(struct umh_elf_proc *proc)
{
	struct pid *pid = proc->pid;

	if (pid)
		wait_event(pid->wait_pidfd, umh_elf_main_exited(proc));
}

/**
 * umh_elf_spawn_file() - run an image file as the main process of a module
 * @proc: state set up by umh_elf_proc_init(), with no instance running
 * @exe: the sealed image file, as umh_elf_image() made it
 * @argv: NULL-terminated arguments, argv[0] being the module name
 *
 * umh_elf_spawn() once the image is in its file; umh_elf_respawn() with
 * the file kept.
 *
 * Context: Process context; sleeps.
 * Return: as umh_elf_spawn().
 */
int umh_elf_spawn_file(struct umh_elf_proc *proc, struct file *exe,
		       char **argv)
{
	char *envp[UMH_ELF_ENV_MAX];
	struct subprocess_info *info;
	__poll_t mask;
	int err;

	envp[0] = "HOME=/";
	envp[1] = "PATH=/sbin:/bin:/usr/sbin:/usr/bin";
	envp[2] = "NOTIFY_FD=3";
	envp[3] = "CHANNEL_FD=4";
	envp[4] = kasprintf(GFP_KERNEL, "MODULE_NAME=%s", proc->name);
	envp[5] = NULL;
	if (!envp[4])
		return -ENOMEM;

	err = umh_elf_cred_get(proc);
	if (!err)
		err = umh_elf_contain_create(proc);
	if (err)
		goto out;
	err = -ENOMEM;
	info = call_usermodehelper_setup_file(exe, proc->name, argv, envp,
					      GFP_KERNEL, umh_elf_child_init,
					      NULL, proc);
	if (info)
		err = call_usermodehelper_exec(info, UMH_WAIT_EXEC);
	if (err) {
		umh_elf_spawn_failed(proc);
		goto out;
	}

	umh_elf_watch(proc, &proc->watch_exit, &proc->pid->wait_pidfd,
		      umh_elf_wake);
	mask = umh_elf_watch_file(proc, &proc->watch_err, proc->err,
				  umh_elf_wake);
	/*
	 * Whatever happened before the watches were armed.  While the main
	 * process lives, it keeps the cgroup populated.
	 */
	if ((mask & (EPOLLIN | EPOLLHUP)) || umh_elf_main_exited(proc))
		umh_elf_kick(proc);
out:
	kfree(envp[4]);
	return err;
}

/*
 * What the load reports for how the main process ended: 0 for exit 0;
 * ECHILD for a signal; for exit N, the errno of the last valid ERRNO=
 * line, or else N if it is an errno; ECHILD for a larger N, and for
 * EEXIST, which modprobe would take for "already loaded".  The caller
 * holds @proc->lock and has seen @proc->exited.
 */
static int umh_elf_end_result(struct umh_elf_proc *proc)
{
	int status = proc->exit_status;
	int err;

	if (umh_elf_term_signal(status))
		return -ECHILD;
	if (!status)
		return UMH_ELF_DONE;
	if (proc->notify_errno)
		err = proc->notify_errno;
	else if (umh_elf_exit_code(status) <= UMH_ELF_EXIT_ERRNO_MAX)
		err = umh_elf_exit_code(status);
	else
		err = ECHILD;
	return err == EEXIST ? -ECHILD : -err;
}

static int umh_elf_outcome(struct umh_elf_proc *proc)
{
	guard(spinlock)(&proc->lock);
	/* Gone before the load returned: that end is the outcome. */
	if (proc->gone)
		return umh_elf_end_result(proc);
	if (proc->ready)
		return UMH_ELF_RUNNING;
	if (!proc->exited)
		return -EINPROGRESS;
	if (proc->exit_status)
		return umh_elf_end_result(proc);
	/* Exit 0 while other processes of it remain: a daemon. */
	return UMH_ELF_RUNNING;
}

static bool umh_elf_settled(struct umh_elf_proc *proc)
{
	return umh_elf_outcome(proc) != -EINPROGRESS;
}

/**
 * umh_elf_wait_outcome() - wait until a new ELF module is ready or done
 * @proc: a process started by umh_elf_spawn()
 * @timeout: how long to wait, in jiffies
 * @killable: whether a fatal signal to the caller ends the wait
 *
 * Context: process context, sleeps.
 * Return: %UMH_ELF_RUNNING once the module said READY=1, or its main
 * process exited 0 while other processes of the module remain;
 * %UMH_ELF_DONE when the main process exited 0 and none remains;
 * a negative errno when the main process failed (see
 * umh_elf_end_result()), also after READY=1 if every process is gone
 * by the time of the call; -ETIMEDOUT when none of this happened within
 * @timeout; -EINTR when the caller got a fatal signal.  The processes
 * are left running on errors of the last two kinds and on a failure
 * that left forked processes behind: stop them with umh_elf_stop().
 */
int umh_elf_wait_outcome(struct umh_elf_proc *proc, unsigned long timeout,
			 bool killable)
{
	wait_queue_head_t *wq = &proc->wq;
	long left;

	if (killable)
		left = wait_event_killable_timeout(*wq, umh_elf_settled(proc),
						   timeout);
	else
		left = wait_event_timeout(*wq, umh_elf_settled(proc), timeout);
	if (left < 0)
		return -EINTR;
	if (!left)
		return -ETIMEDOUT;
	return umh_elf_outcome(proc);
}

/**
 * umh_elf_result() - what the load of an ELF module reports for its end
 * @proc: a process started by umh_elf_spawn(), whose processes are gone
 *	(umh_elf_gone())
 *
 * Context: any context that may take a spinlock.
 * Return: %UMH_ELF_DONE if the main process exited 0; else the negative
 * errno the load fails with (exit status or ERRNO=, or -ECHILD, as
 * Documentation/admin-guide/elf-modules.rst tells).
 */
int umh_elf_result(struct umh_elf_proc *proc)
{
	guard(spinlock)(&proc->lock);
	return umh_elf_end_result(proc);
}

/**
 * umh_elf_signal() - send a signal to every process of an ELF module
 * @proc: a process started by umh_elf_spawn()
 * @sig: the signal
 *
 * The processes of a module are the members of its cgroup: its main
 * process and every process started from it, whatever fds they hold.
 *
 * Context: Process context; sleeps.
 */
void umh_elf_signal(struct umh_elf_proc *proc, int sig)
{
	umh_elf_contain_signal(proc, sig);
}

/**
 * umh_elf_pids() - list the processes of an ELF module
 * @proc: a process started by umh_elf_spawn()
 * @buf: where to write one pid per line
 * @size: room in @buf
 *
 * Context: Process context.
 * Return: the length written.
 */
ssize_t umh_elf_pids(struct umh_elf_proc *proc, char *buf, size_t size)
{
	return umh_elf_contain_pids(proc, buf, size);
}

/**
 * umh_elf_gone() - whether every process of an ELF module is gone
 * @proc: a process started by umh_elf_spawn()
 *
 * Context: Process context; takes @proc->lock.
 * Return: true once the main process has exited and no process of the
 * module is left.
 */
bool umh_elf_gone(struct umh_elf_proc *proc)
{
	guard(spinlock)(&proc->lock);
	return proc->gone;
}

/**
 * umh_elf_dead() - whether every process of an ELF module has exited
 * @proc: state set up by umh_elf_proc_init()
 *
 * Unlike umh_elf_gone(), which follows the event work, this looks at the
 * processes themselves: it is true from the moment the last of them has
 * exited, before the event work has run.  The processes are the members
 * of the module's cgroup.
 *
 * Context: any context; does not sleep.
 * Return: true once the main process has exited and no process is left
 * in the module's cgroup; false while one of them runs, or if the module
 * never started.
 */
bool umh_elf_dead(struct umh_elf_proc *proc)
{
	struct cgroup *cgrp;
	struct pid *pid;

	/* Between two instances (umh_elf_reset()), both are NULL. */
	guard(rcu)();
	pid = READ_ONCE(proc->pid);
	cgrp = READ_ONCE(proc->cgrp);
	if (!pid || !cgrp || !umh_elf_pid_exited(pid))
		return false;
	/* A process leaves the cgroup before it is reported as exited. */
	return !cgroup_is_populated(cgrp);
}

/**
 * umh_elf_stop() - stop every process of an ELF module
 * @proc: a process started by umh_elf_spawn()
 * @timeout: how long they get to exit after SIGTERM, in jiffies
 *
 * Sends SIGTERM, then SIGKILL after @timeout (at once if the caller gets
 * a fatal signal), and returns once all the processes are gone, or a
 * short fixed grace after SIGKILL: a process that cannot die (in D state)
 * is named in the log and left behind.
 *
 * Context: Process context; sleeps.
 * Return: -1 if the processes ended on SIGTERM, else how many ms after
 * the call SIGKILL was sent.
 */
long umh_elf_stop(struct umh_elf_proc *proc, unsigned long timeout)
{
	unsigned long start = jiffies;
	long killed_after;

	/* Between two instances of a module that restarts: none runs. */
	if (!proc->cgrp)
		return -1;
	if (timeout) {
		umh_elf_signal(proc, SIGTERM);
		if (wait_event_killable_timeout(proc->wq, umh_elf_gone(proc),
						timeout) > 0)
			return -1;
	}
	killed_after = jiffies_to_msecs(jiffies - start);
	umh_elf_signal(proc, SIGKILL);
	if (!wait_event_timeout(proc->wq, umh_elf_gone(proc),
				UMH_ELF_KILL_GRACE))
		umh_elf_contain_name_stragglers(proc);
	return killed_after;
}

/**
 * umh_elf_quiesce() - stop following the processes of an ELF module
 * @proc: state set up by umh_elf_proc_init()
 *
 * Stops watching and waits for the event work: once this returns, the
 * @ended callback is not running and will not be called.
 *
 * Context: Process context; sleeps.  Not from the @ended callback.
 */
void umh_elf_quiesce(struct umh_elf_proc *proc)
{
	umh_elf_unwatch(&proc->watch_exit);
	umh_elf_unwatch(&proc->watch_events);
	umh_elf_unwatch(&proc->watch_err);
	umh_elf_chan_detach(proc);
	cancel_delayed_work_sync(&proc->work);
	cancel_delayed_work_sync(&proc->err_report);
	umh_elf_report_suppressed(proc);
	umh_elf_watchdog_stop(proc, true);
}

/**
 * umh_elf_release() - let go of the processes of an ELF module
 * @proc: state set up by umh_elf_proc_init()
 *
 * Quiesces @proc, drops its files and removes the cgroup.  Call it once
 * the processes are gone, were never started or were left behind by
 * umh_elf_stop(), and no channel call can come any more.
 *
 * Context: Process context; sleeps.
 */
void umh_elf_release(struct umh_elf_proc *proc)
{
	umh_elf_quiesce(proc);
	umh_elf_notify_detach(proc);
	umh_elf_chan_put(proc);
	if (proc->err)
		fput(proc->err);
	umh_elf_contain_release(proc);
	umh_elf_cred_put(proc);
	put_pid(proc->pid);
	if (proc->task)
		put_task_struct(proc->task);
	if (proc->image)
		fput(proc->image);
}

/**
 * umh_elf_pid() - the pid the main process of an ELF module started with
 * @proc: a process started by umh_elf_spawn()
 *
 * For the log: once the main process has exited, the number may name
 * another process (see umh_elf_main_pid()).
 *
 * Context: any context.
 * Return: the pid in the initial pid namespace, 0 if it never started.
 */
pid_t umh_elf_pid(struct umh_elf_proc *proc)
{
	return pid_nr(proc->pid);
}

/**
 * umh_elf_main_pid() - the pid of the main process while it runs
 * @proc: state set up by umh_elf_proc_init()
 *
 * Unlike umh_elf_pid(), never a number that may since name another
 * process: once the main process has exited, its pid is free for reuse.
 *
 * Context: any context; does not sleep.
 * Return: the pid in the initial pid namespace, or 0 if the main process
 * has exited or never started.
 */
pid_t umh_elf_main_pid(struct umh_elf_proc *proc)
{
	struct pid *pid;

	guard(rcu)();
	pid = READ_ONCE(proc->pid);
	if (!pid || umh_elf_pid_exited(pid))
		return 0;
	return pid_nr(pid);
}

/**
 * umh_elf_describe_end() - say how the main process of a module ended
 * @proc: a process started by umh_elf_spawn() that has exited
 * @buf: where to write "exit N", "signal S", "watchdog" if the
 *	watchdog killed it, "oom" if the OOM killer did within the
 *	module's memory_max=, or "timeout" if umh_elf_time_out() did
 * @size: size of @buf
 *
 * Context: Process context; takes @proc->lock.
 * Return: the length written, as scnprintf() returns it.
 */
int umh_elf_describe_end(struct umh_elf_proc *proc, char *buf, size_t size)
{
	bool watchdog, oom, timeout;
	int status;

	spin_lock(&proc->lock);
	status = proc->exit_status;
	watchdog = proc->watchdog_fired;
	oom = proc->oom_killed;
	timeout = proc->timed_out;
	spin_unlock(&proc->lock);
	if (watchdog)
		return scnprintf(buf, size, "watchdog");
	if (oom)
		return scnprintf(buf, size, "oom");
	if (timeout)
		return scnprintf(buf, size, "timeout");
	if (umh_elf_term_signal(status))
		return scnprintf(buf, size, "signal %d",
				 umh_elf_term_signal(status));
	return scnprintf(buf, size, "exit %d", umh_elf_exit_code(status));
}

/**
 * umh_elf_status() - the last STATUS= line of an ELF module
 * @proc: a process started by umh_elf_spawn()
 * @buf: where to copy it, NUL-terminated
 * @size: size of @buf
 *
 * Context: Process context; takes @proc->lock.
 * Return: the length copied, or -E2BIG if it was cut to fit (as
 * strscpy() returns it).
 */
ssize_t umh_elf_status(struct umh_elf_proc *proc, char *buf, size_t size)
{
	guard(spinlock)(&proc->lock);
	return strscpy(buf, proc->status, size);
}
