// SPDX-License-Identifier: GPL-2.0
/*
 * ELF modules, process side: the next instance of a module that the
 * loader restarts (kernel/module/elf_umh_restart.c decides when).
 *
 * A struct umh_elf_proc outlives its instances: umh_elf_reset() lets go
 * of everything the last one had (its pid, pipe, notify file, channel
 * and cgroup) and umh_elf_respawn() starts the next one from the sealed
 * image file kept since the first start (umh_elf_keep_image()), so the
 * bytes that run are still the bytes that were verified, and nothing is
 * read from a file system.  Holders of the module (the in-kernel API)
 * keep their pointers throughout: calls go to whichever channel is the
 * current one, and wait while @restarting is set and no instance runs
 * (umh_elf_call.c).  An instance that is not ready within the loader's
 * ready timeout is killed, and its end is "timeout" (umh_elf_time_out()).
 */
#include <linux/file.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched/task.h>
#include "umh_elf_internal.h"

/**
 * umh_elf_keep_image() - keep the image for restarts
 * @proc: state set up by umh_elf_proc_init(), not spawned yet
 *
 * The sealed shmem file the image is executed from stays with @proc
 * until umh_elf_release(), for umh_elf_respawn(); it is pageable memory
 * that no path reaches, as while the process runs.
 *
 * Context: Any context, before umh_elf_spawn().
 */
void umh_elf_keep_image(struct umh_elf_proc *proc)
{
	proc->keep_image = true;
}

/**
 * umh_elf_set_restarting() - say whether the module is being restarted
 * @proc: state set up by umh_elf_proc_init()
 * @restarting: true while the loader restarts the module: calls wait for
 *	the next instance; false once it gave up or stops the module: the
 *	waiting calls fail with -EPIPE
 *
 * Context: Any context that may take a spinlock.
 */
void umh_elf_set_restarting(struct umh_elf_proc *proc, bool restarting)
{
	spin_lock(&proc->lock);
	proc->restarting = restarting;
	spin_unlock(&proc->lock);
	wake_up_all(&proc->wq);
}

/**
 * umh_elf_reset() - let go of an instance of a module that has ended
 * @proc: a process started by umh_elf_spawn(), every process of which is
 *	gone (umh_elf_gone())
 *
 * Quiesces @proc (the @ended callback is not running and will not be
 * called for that instance), closes its channel (pending calls fail with
 * -EPIPE), removes its cgroup and drops its files, so that
 * umh_elf_respawn() can start the next instance.  Lockless readers see
 * each pointer NULL or alive (see &struct umh_elf_proc).
 *
 * Context: Process context; sleeps.  Not from the @ended callback.
 */
void umh_elf_reset(struct umh_elf_proc *proc)
{
	struct task_struct *task = proc->task;
	struct umh_elf_chan *chan = proc->chan;
	struct file *events = proc->events;
	struct cgroup *cgrp = proc->cgrp;
	struct file *err = proc->err;
	struct pid *pid = proc->pid;

	umh_elf_quiesce(proc);
	umh_elf_notify_detach(proc);
	WRITE_ONCE(proc->pid, NULL);
	WRITE_ONCE(proc->cgrp, NULL);
	mutex_lock(&proc->handler_lock);
	WRITE_ONCE(proc->chan, NULL);
	mutex_unlock(&proc->handler_lock);
	proc->task = NULL;
	proc->events = NULL;
	proc->err = NULL;
	synchronize_rcu();

	if (chan)
		umh_elf_chan_drop(chan);
	if (err)
		fput(err);
	umh_elf_contain_drop(proc->name, cgrp, events);
	umh_elf_cred_put(proc);
	put_pid(pid);
	if (task)
		put_task_struct(task);

	spin_lock(&proc->lock);
	proc->ready = false;
	proc->exited = false;
	proc->exit_status = 0;
	proc->notify_errno = 0;
	proc->gone = false;
	proc->watchdog_fired = false;
	proc->oom_killed = false;
	proc->timed_out = false;
	/* elf/status is the running instance's: none until it says one */
	proc->status[0] = '\0';
	spin_unlock(&proc->lock);
	proc->errlen = 0;
	proc->ntflen = 0;
}

/**
 * umh_elf_respawn() - start the next instance of a module
 * @proc: state reset by umh_elf_reset(), whose first start kept the
 *	image (umh_elf_keep_image())
 * @argv: the arguments, as for umh_elf_spawn()
 *
 * Context: Process context; sleeps.
 * Return: 0 if the process runs; -ENOENT if no image was kept; else as
 * umh_elf_spawn().
 */
int umh_elf_respawn(struct umh_elf_proc *proc, char **argv)
{
	if (!proc->image)
		return -ENOENT;
	return umh_elf_spawn_file(proc, proc->image, argv);
}

/**
 * umh_elf_time_out() - stop an instance that is not ready in time
 * @proc: a process started by umh_elf_respawn()
 *
 * The loader's ready timeout for a restarted instance, as a load has
 * one: unless the instance said READY=1 or its main process exited by
 * now (its end, or a daemon's parent), its end is reported as "timeout"
 * (umh_elf_describe_end()) and every process of it is killed, as those
 * of a load that timed out are.
 *
 * Context: Process context; sleeps.  Not while umh_elf_reset() or
 * umh_elf_respawn() runs.
 * Return: true if the instance was killed; false if it runs or has ended.
 */
bool umh_elf_time_out(struct umh_elf_proc *proc)
{
	bool late;

	spin_lock(&proc->lock);
	late = !proc->gone && !proc->ready && !proc->exited;
	proc->timed_out |= late;
	spin_unlock(&proc->lock);
	if (late)
		umh_elf_stop(proc, 0);
	return late;
}
