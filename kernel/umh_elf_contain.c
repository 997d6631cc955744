// SPDX-License-Identifier: GPL-2.0
/*
 * ELF modules, containment: every process an ELF module starts belongs to
 * it until it exits, and no other process ever does.
 *
 * Each module runs in a cgroup of its own on the default hierarchy,
 * /elf-modules/NAME, which the kernel owns (cgroup_kernel_create()): the
 * main process is moved there before it execs, everything it forks is
 * born there, and no task can be migrated into or out of it, by root
 * included.  Membership therefore follows where a process came from, not
 * which fds it holds: a daemon that closes every fd, calls setsid() or
 * unshare(), or whose leader thread exited, stays a member; a stranger
 * that got hold of a module's fd never becomes one.
 *
 * The cgroup gives the rest: its "populated" state says whether anything
 * of the module still runs (a wait entry on its cgroup.events file kicks
 * the module's event work when that changes), cgroup.kill ends all of it
 * without racing fork, and its task list is elf/pids.  A pid namespace
 * per module was the other candidate; its init would be the module's main
 * process, which then ignores SIGTERM without a handler and takes every
 * other member down when it exits, so the forking daemon could not work.
 *
 * The cgroup is removed once it is empty.  A member that cannot die (in D
 * state) keeps it, and so its name, until it does; rmmod does not wait
 * for it, and it is named in the log.
 */
#include <linux/cgroup.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/mount.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include "umh_elf_internal.h"
#include <linux/workqueue.h>

/* Where the cgroups of ELF modules live, relative to the hierarchy root. */
#define UMH_ELF_CGROUP_DIR	"elf-modules"
/* Members named in the log when some cannot be stopped. */
#define UMH_ELF_NAME_MAX	8
/* How often an emptied cgroup whose removal failed is tried again. */
#define UMH_ELF_RMDIR_RETRY	HZ

/*
 * Set up once at boot, before user space runs, and never changed: the
 * parent cgroup of every module's cgroup, and an internal mount of the
 * default hierarchy (in the initial cgroup namespace) through which the
 * kernel opens the cgroup.events files it watches.
 */
static struct cgroup *umh_elf_cgroup_root;
static struct vfsmount *umh_elf_cgroup_mnt;

static int __init umh_elf_contain_init(void)
{
	struct file_system_type *type;
	struct vfsmount *mnt;
	struct cgroup *root;

	type = get_fs_type("cgroup2");
	if (!type)
		return -ENODEV;
	mnt = kern_mount(type);
	put_filesystem(type);
	if (IS_ERR(mnt)) {
		pr_err("elf-module: cannot mount cgroup2: %ld\n", PTR_ERR(mnt));
		return PTR_ERR(mnt);
	}
	root = cgroup_kernel_create(NULL, UMH_ELF_CGROUP_DIR);
	if (IS_ERR(root)) {
		pr_err("elf-module: cannot create /%s cgroup: %ld\n",
		       UMH_ELF_CGROUP_DIR, PTR_ERR(root));
		kern_unmount(mnt);
		return PTR_ERR(root);
	}
	umh_elf_cgroup_mnt = mnt;
	umh_elf_cgroup_root = root;
	return 0;
}
core_initcall(umh_elf_contain_init);

/**
 * umh_elf_contain_create() - make the cgroup of a module about to start
 * @proc: state set up by umh_elf_proc_init()
 *
 * Context: Process context; sleeps.
 * Return: 0, -EBUSY while a process of an earlier instance of the module
 * is still alive (logged), or another negative errno.
 */
int umh_elf_contain_create(struct umh_elf_proc *proc)
{
	struct cgroup *cgrp;

	if (!umh_elf_cgroup_root)
		return -ENODEV;
	cgrp = cgroup_kernel_create(umh_elf_cgroup_root, proc->name);
	if (IS_ERR(cgrp)) {
		if (PTR_ERR(cgrp) != -EEXIST)
			return PTR_ERR(cgrp);
		pr_err("elf-module %s: a process of its previous instance is still alive (see /sys/fs/cgroup/%s/%s)\n",
		       proc->name, UMH_ELF_CGROUP_DIR, proc->name);
		return -EBUSY;
	}
	proc->cgrp = cgrp;
	return 0;
}

/**
 * umh_elf_contain_enter() - move the new main process into its cgroup
 * @proc: state whose cgroup umh_elf_contain_create() made
 *
 * Called by the new process itself, before exec.  Also opens the
 * cgroup.events file that umh_elf_contain_watch() watches, with the
 * kernel's credentials that the helper still has at this point.
 *
 * Context: The user-mode helper before exec; sleeps.
 * Return: 0 or a negative errno.
 */
int umh_elf_contain_enter(struct umh_elf_proc *proc)
{
	struct file *events;
	char *path;
	int err;

	path = kasprintf(GFP_KERNEL, "%s/%s/cgroup.events", UMH_ELF_CGROUP_DIR,
			 proc->name);
	if (!path)
		return -ENOMEM;
	events = file_open_root_mnt(umh_elf_cgroup_mnt, path, O_RDONLY, 0);
	kfree(path);
	if (IS_ERR(events))
		return PTR_ERR(events);
	err = cgroup_kernel_attach(proc->cgrp);
	if (err) {
		fput(events);
		return err;
	}
	proc->events = events;
	return 0;
}

/**
 * umh_elf_contain_populated() - whether any process of a module is alive
 * @proc: a process started by umh_elf_spawn()
 *
 * Exiting processes stop counting before their parent can reap them.
 *
 * Context: Any.
 * Return: true while the module's cgroup has a live member.
 */
bool umh_elf_contain_populated(struct umh_elf_proc *proc)
{
	return cgroup_is_populated(proc->cgrp);
}

/**
 * umh_elf_contain_signal() - send a signal to every process of a module
 * @proc: a process started by umh_elf_spawn()
 * @sig: the signal; SIGKILL also reaches processes forked meanwhile
 *
 * Context: Process context; sleeps.
 */
void umh_elf_contain_signal(struct umh_elf_proc *proc, int sig)
{
	struct css_task_iter it;
	struct task_struct *task;

	if (sig == SIGKILL) {
		cgroup_kernel_kill(proc->cgrp);
		return;
	}
	css_task_iter_start(&proc->cgrp->self, CSS_TASK_ITER_PROCS, &it);
	while ((task = css_task_iter_next(&it)))
		group_send_sig_info(sig, SEND_SIG_PRIV, task, PIDTYPE_TGID);
	css_task_iter_end(&it);
}

/**
 * umh_elf_contain_pids() - list the processes of a module
 * @proc: a process started by umh_elf_spawn()
 * @buf: where to write one pid per line, in the initial pid namespace
 * @size: room in @buf; what does not fit is left out
 *
 * Context: Process context.
 * Return: the length written.
 */
ssize_t umh_elf_contain_pids(struct umh_elf_proc *proc, char *buf,
			     size_t size)
{
	struct css_task_iter it;
	struct task_struct *task;
	size_t len = 0;

	css_task_iter_start(&proc->cgrp->self, CSS_TASK_ITER_PROCS, &it);
	while ((task = css_task_iter_next(&it)) && len + 12 < size)
		len += scnprintf(buf + len, size - len, "%d\n",
				 task_tgid_nr(task));
	css_task_iter_end(&it);
	return len;
}

/**
 * umh_elf_contain_name_stragglers() - log the members that outlived a stop
 * @proc: a process started by umh_elf_spawn()
 *
 * Context: Process context.
 */
void umh_elf_contain_name_stragglers(struct umh_elf_proc *proc)
{
	struct css_task_iter it;
	struct task_struct *task;
	int n = 0;

	css_task_iter_start(&proc->cgrp->self, CSS_TASK_ITER_THREADED, &it);
	while ((task = css_task_iter_next(&it)) && n++ < UMH_ELF_NAME_MAX)
		pr_warn("elf-module %s: %s[%d] (state %c) does not die; left behind\n",
			proc->name, task->comm, task_pid_nr(task),
			task_state_to_char(task));
	css_task_iter_end(&it);
}

/**
 * umh_elf_contain_retire() - remove the cgroup of a module that has ended
 * @proc: a process started by umh_elf_spawn(), none of whose processes
 *	is left
 *
 * The name of a module is free from the moment its last process is gone:
 * a new instance makes a cgroup of the same name.  So the empty cgroup is
 * removed at once, not when the last reference to the module goes; the
 * reference stays until umh_elf_contain_release().
 *
 * Context: Process context; takes cgroup_mutex.
 */
void umh_elf_contain_retire(struct umh_elf_proc *proc)
{
	cgroup_kernel_destroy(proc->cgrp);
}

/* Remove a cgroup once its last straggler is gone, then let go of it. */
struct umh_elf_grave {
	struct delayed_work work;
	struct cgroup *cgrp;
	const char *name;
};

static void umh_elf_grave_visit(struct work_struct *work)
{
	struct umh_elf_grave *grave = container_of(to_delayed_work(work),
						   struct umh_elf_grave, work);

	if (cgroup_kernel_destroy(grave->cgrp)) {
		queue_delayed_work(system_unbound_wq, &grave->work,
				   UMH_ELF_RMDIR_RETRY);
		return;
	}
	pr_info("elf-module %s: the last process left behind has exited\n",
		grave->name);
	cgroup_put(grave->cgrp);
	kfree_const(grave->name);
	kfree(grave);
}

/**
 * umh_elf_contain_release() - remove the cgroup of a module
 * @proc: state set up by umh_elf_proc_init(), whether or not it started
 *
 * If a member is still alive (it could not be killed), the cgroup, and
 * with it the module's name, stays until it exits.
 *
 * Context: Process context; sleeps.
 */
void umh_elf_contain_release(struct umh_elf_proc *proc)
{
	struct umh_elf_grave *grave;

	if (proc->events)
		fput(proc->events);
	if (!proc->cgrp)
		return;
	if (!cgroup_kernel_destroy(proc->cgrp)) {
		cgroup_put(proc->cgrp);
		return;
	}
	grave = kmalloc(sizeof(*grave), GFP_KERNEL | __GFP_NOFAIL);
	grave->cgrp = proc->cgrp;
	grave->name = kstrdup_const(proc->name, GFP_KERNEL | __GFP_NOFAIL);
	INIT_DELAYED_WORK(&grave->work, umh_elf_grave_visit);
	queue_delayed_work(system_unbound_wq, &grave->work,
			   UMH_ELF_RMDIR_RETRY);
}
