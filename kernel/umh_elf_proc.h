/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ELF modules: the process side (kernel/umh_elf*.c) as the loader
 * (kernel/module/elf_umh.c) uses it.  The loader embeds a struct
 * umh_elf_proc in each module and goes through the functions below only:
 * the fields are the process side's, documented next to their locks.
 */
#ifndef _KERNEL_UMH_ELF_PROC_H
#define _KERNEL_UMH_ELF_PROC_H

#include <linux/capability.h>
#include <linux/mutex.h>
#include <linux/ratelimit.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/umh_elf.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

struct cgroup;
struct file;
struct pid;
struct task_struct;
struct umh_elf_chan;
struct umh_elf_notify;
struct umh_elf_proc;

/* Longest STATUS= text kept for sysfs, and longest stderr line logged. */
#define UMH_ELF_STATUS_MAX	128
#define UMH_ELF_LINE_MAX	200

/**
 * struct umh_elf_watch - a wait queue entry that kicks the event work
 * @entry: queued on @head (a pipe's read wait queue or a pid's exit queue)
 * @head: where @entry is queued, NULL when not armed
 * @proc: the process set it belongs to
 */
struct umh_elf_watch {
	struct wait_queue_entry entry;
	wait_queue_head_t *head;
	struct umh_elf_proc *proc;
};

/**
 * struct umh_elf_limits - resource limits on all processes of a module
 * @memory_max: memory in bytes (the cgroup's memory.max), 0 for none
 * @pids_max: processes and threads (the cgroup's pids.max), 0 for none
 */
struct umh_elf_limits {
	u64 memory_max;
	unsigned int pids_max;
};

/**
 * struct umh_elf_image - an image file being filled (umh_elf_image.c)
 * @file: the unsealed shmem file, nobody else's
 * @pages: its pages, each with a reference, while they are mapped
 * @nr_pages: the number of @pages
 * @data: @pages mapped into one buffer, where the caller puts the image
 *
 * One loader owns it, from umh_elf_image_create() to
 * umh_elf_image_free(); it needs no lock.
 */
struct umh_elf_image {
	struct file *file;
	struct page **pages;
	unsigned int nr_pages;
	void *data;
};

/**
 * struct umh_elf_proc - the processes of one ELF module
 * @name: module name: argv[0], comm, and the prefix of its log lines
 * @ended: called from the event work once every process is gone
 * @caps: capability limit, applied when @limit_caps is set (both set by
 *	umh_elf_limit_caps())
 * @limit_caps: apply @caps to every capability set of the process, and
 *	run it as @uid instead of root (kernel/umh_elf_cred.c)
 * @uid: uid and gid of the process when @limit_caps is set
 * @uid_slot: 1 + the slot of @uid in the range of ELF modules, 0 if none
 * @limits_lock: serialises changes of @limits with the making of the
 *	cgroup of a new instance, which gets them
 * @limits: set by umh_elf_limit_resources(), before umh_elf_spawn(), and
 *	lowered by umh_elf_update_limits() (under @limits_lock, with
 *	WRITE_ONCE(): lockless readers use READ_ONCE())
 * @keep_image: keep @image for restarts (umh_elf_keep_image())
 * @image: the sealed image file, kept if @keep_image is set, so that
 *	umh_elf_respawn() runs the same bytes again
 * @pid: thread group of the main process
 *
 * @pid, @task, @err, @chan, @cgrp and @events belong to one instance of
 * the module: umh_elf_reset() clears them with WRITE_ONCE() and waits
 * for an RCU grace period before it lets go of them, so that lockless
 * readers (umh_elf_dead(), umh_elf_main_pid(), umh_elf_pids(), callers
 * taking the channel) read each under rcu_read_lock() and find it
 * either NULL or alive.
 * @task: main process, kept to read its exit status after it is reaped
 * @err: kernel end of the pipe on the process's fds 1 and 2 (non-blocking)
 * @ntf: the notify file on the process's fd 3 (kernel/umh_elf_notify.c)
 * @chan: the channel on the process's fd 4 (kernel/umh_elf_chan.c)
 * @cgrp: the module's cgroup: its processes (kernel/umh_elf_contain.c)
 * @events: the cgroup.events file of @cgrp, which the event work opens
 *	when the main process has exited and others remain (a module that
 *	never forks needs none)
 * @watch_err: wakes @work when @err has data or lost its writers
 * @watch_events: wakes @work when @cgrp gains or loses its last member
 * @watch_exit: wakes @work when the main process has exited
 * @work: reads @err, follows the main process, stops a module that broke
 *	its channel; run by umh_elf_kick(), delayed only to retry opening
 *	@events; one instance runs at a time (the workqueue guarantees it),
 *	so the line buffers below are touched by it alone
 * @wq: woken whenever @ready, @exited or @gone changes
 * @lock: protects @ready, @exited, @exit_status, @notify_errno, @gone and
 *	@status; the event work and the notify file write them, waiters and
 *	sysfs read them
 * @ready: READY=1 was received
 * @exited: the main process has exited; @exit_status is its wait status
 * @exit_status: wait status of the main process (as waitpid() reports it)
 * @notify_errno: the last valid ERRNO= value, 0 if none
 * @gone: @exited and no process is left in @cgrp: nothing of it runs
 * @status: the last STATUS= line
 * @errline: partial stderr line (event work only)
 * @errlen: bytes in @errline
 * @ntfline: partial notify line (under the lock of @ntf)
 * @ntflen: bytes in @ntfline
 * @ratelimit: limits the stderr lines logged
 * @err_suppressed: stderr lines the rate limit dropped, not yet reported
 * @err_report: reports @err_suppressed when the rate limit's interval ends
 * @restarting: the module is being restarted: a call waits for the next
 *	instance to run rather than fail (under @lock).  The event work sets
 *	it when an instance of a module with @keep_image ends; the loader
 *	clears it with umh_elf_set_restarting() if no next one is coming
 * @handler_lock: serialises changes of @handler with the making of the
 *	channel of a new instance
 * @handler: the event handler of the in-kernel user, which every
 *	instance's channel gets (under @handler_lock)
 * @handler_data: its argument (under @handler_lock)
 * @watchdog_ms: WATCHDOG=1 is due at least this often once the module
 *	is ready, 0 for no watchdog (umh_elf_set_watchdog(), before the
 *	spawn)
 * @watchdog: runs when WATCHDOG=1 is overdue, and again after a grace
 *	(kernel/umh_elf_watchdog.c)
 * @watchdog_fired: the watchdog is killing this instance (under @lock)
 * @oom_killed: the OOM killer ended this instance within its memory_max=
 *	(under @lock)
 * @timed_out: this instance, started by umh_elf_respawn(), was not ready
 *	within the ready timeout and was killed (under @lock)
 */
struct umh_elf_proc {
	const char *name;
	void (*ended)(struct umh_elf_proc *proc);
	kernel_cap_t caps;
	bool limit_caps;
	unsigned int uid;
	unsigned int uid_slot;
	struct mutex limits_lock;	/* see @limits_lock above */
	struct umh_elf_limits limits;
	bool keep_image;
	struct file *image;

	struct pid *pid;
	struct task_struct *task;
	struct file *err;
	struct umh_elf_notify *ntf;
	struct umh_elf_chan *chan;
	struct cgroup *cgrp;
	struct file *events;

	struct umh_elf_watch watch_err;
	struct umh_elf_watch watch_events;
	struct umh_elf_watch watch_exit;
	struct delayed_work work;
	wait_queue_head_t wq;

	spinlock_t lock;		/* see @lock above */
	bool ready;
	bool exited;
	int exit_status;
	int notify_errno;
	bool gone;
	char status[UMH_ELF_STATUS_MAX];

	char errline[UMH_ELF_LINE_MAX];
	size_t errlen;
	char ntfline[UMH_ELF_STATUS_MAX + 16];
	size_t ntflen;
	struct ratelimit_state ratelimit;
	atomic_t err_suppressed;
	struct delayed_work err_report;

	bool restarting;
	struct mutex handler_lock;	/* see @handler_lock above */
	umh_elf_event_fn handler;
	void *handler_data;

	unsigned int watchdog_ms;
	struct delayed_work watchdog;
	bool watchdog_fired;
	bool oom_killed;
	bool timed_out;
};

/*
 * What umh_elf_wait_outcome() and umh_elf_result() return besides a
 * negative errno: the module runs on (it said READY=1, or its main
 * process exited 0 while other processes of it remain), or it ran to
 * completion with status 0.
 */
#define UMH_ELF_RUNNING	1
#define UMH_ELF_DONE	0

/* Bounds of watchdog_ms= (elf-modules.rst). */
#define UMH_ELF_WATCHDOG_MIN_MS	10
#define UMH_ELF_WATCHDOG_MAX_MS	(60 * 60 * 1000)

/* umh_elf_policy.c: the values of the policy, and the timeouts. */
int umh_elf_parse_bytes(const char *s, u64 *val);
int umh_elf_parse_pids(const char *s, u64 *val);
int umh_elf_parse_watchdog(const char *s, u64 *val);
unsigned long umh_elf_ready_timeout(void);
unsigned long umh_elf_stop_timeout(void);
/* umh_elf_cred.c: the capabilities= list. */
int umh_elf_parse_caps(const char *modname, const char *list,
		       kernel_cap_t *caps);

/* umh_elf_image.c: an image file read into without a copy. */
struct umh_elf_image *umh_elf_image_create(size_t size);
struct file *umh_elf_image_finish(struct umh_elf_image *img,
				  const char *name, size_t len);
void umh_elf_image_free(struct umh_elf_image *img);

void umh_elf_proc_init(struct umh_elf_proc *proc, const char *name,
		       void (*ended)(struct umh_elf_proc *proc));
void umh_elf_limit_caps(struct umh_elf_proc *proc, const kernel_cap_t *caps);
bool umh_elf_caps_limited(struct umh_elf_proc *proc);
void umh_elf_limit_resources(struct umh_elf_proc *proc,
			     const struct umh_elf_limits *limits);
int umh_elf_update_limits(struct umh_elf_proc *proc,
			  const struct umh_elf_limits *limits);
int umh_elf_spawn(struct umh_elf_proc *proc, const void *image, size_t len,
		  char **argv);
int umh_elf_spawn_image(struct umh_elf_proc *proc, struct umh_elf_image *img,
			size_t len, char **argv);
void umh_elf_keep_image(struct umh_elf_proc *proc);
void umh_elf_reset(struct umh_elf_proc *proc);
int umh_elf_respawn(struct umh_elf_proc *proc, char **argv);
bool umh_elf_time_out(struct umh_elf_proc *proc);
void umh_elf_set_restarting(struct umh_elf_proc *proc, bool restarting);
void umh_elf_set_watchdog(struct umh_elf_proc *proc, unsigned int ms);
int umh_elf_wait_outcome(struct umh_elf_proc *proc, unsigned long timeout,
			 bool killable);
int umh_elf_result(struct umh_elf_proc *proc);
void umh_elf_signal(struct umh_elf_proc *proc, int sig);
bool umh_elf_gone(struct umh_elf_proc *proc);
bool umh_elf_dead(struct umh_elf_proc *proc);
ssize_t umh_elf_pids(struct umh_elf_proc *proc, char *buf, size_t size);
long umh_elf_stop(struct umh_elf_proc *proc, unsigned long timeout);
void umh_elf_quiesce(struct umh_elf_proc *proc);
void umh_elf_release(struct umh_elf_proc *proc);
ssize_t umh_elf_chan_call(struct umh_elf_proc *proc, const void *req,
			  size_t req_len, struct file **files,
			  unsigned int nr_files, void *reply, size_t reply_size,
			  unsigned long timeout);
int umh_elf_chan_set_handler(struct umh_elf_proc *proc, umh_elf_event_fn fn,
			     void *data);
void umh_elf_chan_dropped(struct umh_elf_proc *proc, unsigned long *replies,
			  unsigned long *events);
pid_t umh_elf_pid(struct umh_elf_proc *proc);
pid_t umh_elf_main_pid(struct umh_elf_proc *proc);
int umh_elf_describe_end(struct umh_elf_proc *proc, char *buf, size_t size);
ssize_t umh_elf_status(struct umh_elf_proc *proc, char *buf, size_t size);
ssize_t umh_elf_notify_pending(struct umh_elf_proc *proc, char *buf,
			       size_t size);

/**
 * struct umh_elf - the in-kernel API's handle to a running ELF module
 * @proc: its processes
 * @put: drops the reference that umh_elf_get() or umh_elf_find() took
 *
 * Embedded by whoever runs the module: the loader for a loaded one
 * (kernel/module/elf_umh.c), kernel/umh_elf_builtin.c for a built-in one.
 */
struct umh_elf {
	struct umh_elf_proc *proc;
	void (*put)(struct umh_elf *h);
};

/* kernel/module/elf_umh.c: a live loaded ELF module, or NULL. */
#ifdef CONFIG_MODULES
struct umh_elf *elfmod_find_get(const char *name);
#else
static inline struct umh_elf *elfmod_find_get(const char *name)
{
	return NULL;
}
#endif

/* kernel/umh_elf_builtin.c: ELF modules built into the kernel image. */
struct umh_elf *umh_elf_builtin_get(const char *name, bool start);
int umh_elf_builtin_request(const char *name);
int umh_elf_builtin_request_nowait(const char *name);
bool umh_elf_builtin_name(const char *name);

#endif /* _KERNEL_UMH_ELF_PROC_H */
