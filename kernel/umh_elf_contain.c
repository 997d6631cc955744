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
 * of the module still runs (once the main process has exited and others
 * remain, a wait entry on its cgroup.events file kicks the module's event
 * work when that changes; a module that never forks never opens the
 * file), cgroup.kill ends all of it
 * without racing fork, and its task list is elf/pids.  A pid namespace
 * per module was the other candidate; its init would be the module's main
 * process, which then ignores SIGTERM without a handler and takes every
 * other member down when it exits, so the forking daemon could not work.
 *
 * The limits of the module (memory_max=, pids_max=, SPEC section 9) are
 * its cgroup's memory.max and pids.max, written before the first process
 * enters it, so they bound all of the module's processes together, and
 * written again when the loader lowers them (umh_elf_update_limits(),
 * from a work item: never under the lock of another kernfs file); with
 * memory.oom.group set, the OOM killer ends all of them at once, and
 * memory.events tells the module's end apart as "oom".  The
 * memory and pids controllers are turned on for /elf-modules the first
 * time a module has a limit, not at boot: until then a module's cgroup
 * costs no memory cgroup (elf-modules.rst).
 *
 * The cgroup is removed once it is empty.  A member that cannot die (in D
 * state) keeps it, and so its name, until it does; rmmod does not wait
 * for it, and it is named in the log.
 */
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/memcontrol.h>
#include <linux/mount.h>
#include <linux/mutex.h>
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

/* Whether the controllers of the limits are on for /elf-modules. */
static DEFINE_MUTEX(umh_elf_controllers_lock);
static bool umh_elf_controllers_on;	/* under umh_elf_controllers_lock */

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

/*
 * Open the cgroup file @path, relative to the hierarchy root, with the
 * kernel's credentials: only such a file may write the limits of a
 * cgroup the kernel owns (cgroup_file_write()), so that root cannot
 * raise a module's limits through the cgroup file system.
 */
static struct file *umh_elf_cgroup_open(const char *path, int flags)
{
	struct file *file;

	scoped_with_kernel_creds()
		file = file_open_root_mnt(umh_elf_cgroup_mnt, path, flags, 0);
	return file;
}

/* Write @val to the cgroup file @path, relative to the hierarchy root. */
static int umh_elf_cgroup_write(const char *path, const char *val)
{
	struct file *file;
	loff_t pos = 0;
	ssize_t n;

	file = umh_elf_cgroup_open(path, O_WRONLY);
	if (IS_ERR(file))
		return PTR_ERR(file);
	n = kernel_write(file, val, strlen(val), &pos);
	fput(file);
	return n < 0 ? n : 0;
}

/*
 * Turn on the controllers that the limits need, in the root's and in
 * /elf-modules's cgroup.subtree_control, once.  Only those built in: a
 * limit without its controller finds no file to write.
 */
static int umh_elf_contain_controllers(void)
{
	const char *mem = IS_ENABLED(CONFIG_MEMCG) ? "+memory" : "";
	const char *pids = IS_ENABLED(CONFIG_CGROUP_PIDS) ? "+pids" : "";
	char val[16];
	int err;

	guard(mutex)(&umh_elf_controllers_lock);
	if (umh_elf_controllers_on)
		return 0;
	snprintf(val, sizeof(val), "%s %s", mem, pids);
	err = umh_elf_cgroup_write("cgroup.subtree_control", val);
	if (!err)
		err = umh_elf_cgroup_write(UMH_ELF_CGROUP_DIR
					   "/cgroup.subtree_control", val);
	if (err) {
		pr_err("elf-module: cannot turn on the memory and pids controllers for /%s: %d\n",
		       UMH_ELF_CGROUP_DIR, err);
		return err;
	}
	umh_elf_controllers_on = true;
	return 0;
}

/*
 * Write @val to the file @name of the module's cgroup; log a failure,
 * but for -ENOENT if @gone_ok: an instance that ended took its cgroup.
 */
static int umh_elf_contain_set(struct umh_elf_proc *proc, const char *name,
			       const char *val, bool gone_ok)
{
	char *path;
	int err;

	path = kasprintf(GFP_KERNEL, "%s/%s/%s", UMH_ELF_CGROUP_DIR, proc->name,
			 name);
	if (!path)
		return -ENOMEM;
	err = umh_elf_cgroup_write(path, val);
	kfree(path);
	if (err && !(gone_ok && err == -ENOENT))
		pr_err("elf-module %s: cannot set %s to %s: %d\n", proc->name,
		       name, val, err);
	return err;
}

/*
 * Apply the limits of a module to its cgroup: a new, still empty one,
 * or (@running) that of the instance that runs.  Under @proc->limits_lock.
 */
static int umh_elf_contain_limit(struct umh_elf_proc *proc, bool running)
{
	const struct umh_elf_limits *limits = &proc->limits;
	char val[24];
	int err;

	lockdep_assert_held(&proc->limits_lock);
	if (!limits->memory_max && !limits->pids_max)
		return 0;
	err = umh_elf_contain_controllers();
	if (!err && limits->memory_max) {
		/*
		 * An OOM kill ends the module, not one process of it: set
		 * first, for the OOM kill a lower memory.max may cause.
		 */
		err = umh_elf_contain_set(proc, "memory.oom.group", "1",
					  running);
		snprintf(val, sizeof(val), "%llu", limits->memory_max);
		if (!err)
			err = umh_elf_contain_set(proc, "memory.max", val,
						  running);
	}
	if (!err && limits->pids_max) {
		snprintf(val, sizeof(val), "%u", limits->pids_max);
		err = umh_elf_contain_set(proc, "pids.max", val, running);
	}
	return err;
}

/**
 * umh_elf_limit_resources() - bound what all processes of a module use
 * @proc: state set up by umh_elf_proc_init(), not spawned yet
 * @limits: the limits; a zero field is no limit
 *
 * Context: Any context, before umh_elf_spawn().
 */
void umh_elf_limit_resources(struct umh_elf_proc *proc,
			     const struct umh_elf_limits *limits)
{
	proc->limits = *limits;
}

/**
 * umh_elf_update_limits() - lower the limits of a module
 * @proc: state set up by umh_elf_proc_init()
 * @limits: the new limits, no looser than the old ones (the loader
 *	checks that); a zero field is no limit
 *
 * They apply to the cgroup of the instance that runs, if any, at once
 * (a memory.max below what it uses reclaims, then OOM-kills it), and to
 * every later instance.  Writes cgroup files: call it from a work item,
 * not from a write to another kernfs file (a sysfs store).
 *
 * Context: Process context; sleeps.
 * Return: 0, or the negative errno of a cgroup file write (logged).
 */
int umh_elf_update_limits(struct umh_elf_proc *proc,
			  const struct umh_elf_limits *limits)
{
	int err;

	guard(mutex)(&proc->limits_lock);
	WRITE_ONCE(proc->limits.memory_max, limits->memory_max);
	WRITE_ONCE(proc->limits.pids_max, limits->pids_max);
	/* None runs: the next one gets them (umh_elf_contain_create()). */
	if (!READ_ONCE(proc->cgrp) || umh_elf_gone(proc))
		return 0;
	err = umh_elf_contain_limit(proc, true);
	/* The instance ended meanwhile, and its cgroup went with it. */
	return err == -ENOENT ? 0 : err;
}

/**
 * umh_elf_contain_create() - make the cgroup of a module about to start
 * @proc: state set up by umh_elf_proc_init()
 *
 * Also sets the limits of umh_elf_limit_resources(), as
 * umh_elf_update_limits() lowered them, on the new cgroup.
 *
 * Context: Process context; sleeps.
 * Return: 0, -EBUSY while a process of an earlier instance of the module
 * is still alive (logged), or another negative errno (logged if a limit
 * could not be set).
 */
int umh_elf_contain_create(struct umh_elf_proc *proc)
{
	struct cgroup *cgrp;

	if (!umh_elf_cgroup_root)
		return -ENODEV;
	guard(mutex)(&proc->limits_lock);
	cgrp = cgroup_kernel_create(umh_elf_cgroup_root, proc->name);
	if (IS_ERR(cgrp)) {
		if (PTR_ERR(cgrp) != -EEXIST)
			return PTR_ERR(cgrp);
		pr_err("elf-module %s: a process of its previous instance is still alive (see /sys/fs/cgroup/%s/%s)\n",
		       proc->name, UMH_ELF_CGROUP_DIR, proc->name);
		return -EBUSY;
	}
	WRITE_ONCE(proc->cgrp, cgrp);
	return umh_elf_contain_limit(proc, false);
}

/**
 * umh_elf_contain_enter() - move the new main process into its cgroup
 * @proc: state whose cgroup umh_elf_contain_create() made
 *
 * Called by the new process itself, before exec.
 *
 * Context: The user-mode helper before exec; sleeps.
 * Return: 0 or a negative errno.
 */
int umh_elf_contain_enter(struct umh_elf_proc *proc)
{
	return cgroup_kernel_attach(proc->cgrp);
}

/**
 * umh_elf_contain_events() - open the file that tells when a cgroup empties
 * @proc: a process started by umh_elf_spawn()
 *
 * The cgroup.events file of the module's cgroup, opened with the
 * kernel's credentials: its poll wait queue is woken when the cgroup
 * gains its first member or loses its last.
 *
 * Context: Process context; sleeps.
 * Return: the file, or an ERR_PTR().
 */
struct file *umh_elf_contain_events(struct umh_elf_proc *proc)
{
	struct file *events;
	char *path;

	path = kasprintf(GFP_KERNEL, "%s/%s/cgroup.events", UMH_ELF_CGROUP_DIR,
			 proc->name);
	if (!path)
		return ERR_PTR(-ENOMEM);
	events = umh_elf_cgroup_open(path, O_RDONLY);
	kfree(path);
	return events;
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
 * umh_elf_contain_oom_killed() - whether the OOM killer ended a module
 * @proc: a process started by umh_elf_spawn(), with memory_max= (its
 *	cgroup has a memory controller of its own)
 *
 * Its memory.events "oom_kill": a fresh cgroup for each instance starts
 * at 0.
 *
 * Context: Any context.
 * Return: true if a process of the module was OOM-killed in its cgroup.
 */
bool umh_elf_contain_oom_killed(struct umh_elf_proc *proc)
{
#ifdef CONFIG_MEMCG
	struct cgroup_subsys_state *css;
	bool killed = false;

	if (!READ_ONCE(proc->limits.memory_max))
		return false;
	rcu_read_lock();
	css = rcu_dereference(proc->cgrp->subsys[memory_cgrp_id]);
	if (css)
		killed = atomic_long_read(&mem_cgroup_from_css(css)->memory_events[MEMCG_OOM_KILL]);
	rcu_read_unlock();
	return killed;
#else
	return false;
#endif
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
 * Context: Process context; does not sleep.
 * Return: the length written.
 */
ssize_t umh_elf_contain_pids(struct umh_elf_proc *proc, char *buf,
			     size_t size)
{
	struct css_task_iter it;
	struct task_struct *task;
	struct cgroup *cgrp;
	size_t len = 0;

	/* None between two instances (umh_elf_reset()). */
	guard(rcu)();
	cgrp = READ_ONCE(proc->cgrp);
	if (!cgrp)
		return 0;
	css_task_iter_start(&cgrp->self, CSS_TASK_ITER_PROCS, &it);
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
	umh_elf_contain_drop(proc->name, proc->cgrp, proc->events);
}

/**
 * umh_elf_contain_drop() - remove the cgroup of an instance of a module
 * @name: the module's name
 * @cgrp: the cgroup of the instance, or NULL
 * @events: its cgroup.events file, or NULL
 *
 * umh_elf_contain_release() for what umh_elf_reset() took out of a
 * struct umh_elf_proc.
 *
 * Context: Process context; sleeps.
 */
void umh_elf_contain_drop(const char *name, struct cgroup *cgrp,
			  struct file *events)
{
	struct umh_elf_grave *grave;

	if (events)
		fput(events);
	if (!cgrp)
		return;
	if (!cgroup_kernel_destroy(cgrp)) {
		cgroup_put(cgrp);
		return;
	}
	grave = kmalloc(sizeof(*grave), GFP_KERNEL | __GFP_NOFAIL);
	grave->cgrp = cgrp;
	grave->name = kstrdup_const(name, GFP_KERNEL | __GFP_NOFAIL);
	INIT_DELAYED_WORK(&grave->work, umh_elf_grave_visit);
	queue_delayed_work(system_unbound_wq, &grave->work,
			   UMH_ELF_RMDIR_RETRY);
}
