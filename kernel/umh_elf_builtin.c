// SPDX-License-Identifier: GPL-2.0
/*
 * ELF modules built into the kernel image (elfmod-y, scripts/Makefile.elfmod):
 * the program and its .modinfo sit in read-only data, listed in the
 * __umh_elf_builtin table, and start on first use: umh_elf_get(),
 * request_module() or request_module_nowait() of the name or an alias
 * (without modprobe), a write of "start" to /sys/module/NAME/elf/state, or
 * at boot for start=boot.
 * Nothing is read from a file system, so this works in early boot and in
 * a kernel without CONFIG_MODULES; the image is part of the kernel, so no
 * signature is checked, and its sha256 is logged as for any ELF module.
 *
 * Each built-in module has a /sys/module/NAME kobject for the life of the
 * kernel, with the elf/ group of a loaded ELF module plus "state": it
 * reads "running" or "stopped", and "stop" or "start" written to it stops
 * or starts the module (rmmod does not apply to built-in code).
 *
 * Its .modinfo is read as a loaded module's is: capabilities= (parsed by
 * umh_elf_parse_caps()), memory_max=, pids_max= and watchdog_ms= (by the
 * parsers of kernel/umh_elf_policy.c) apply to every run, with the same
 * log lines and the same refusals; a bad value keeps the module from
 * being listed.  A built-in module has no parameters, so its policy is
 * the signed one.  restart= other than "no" is not supported built in:
 * it is logged once at boot and ignored (the next use starts the module
 * again).
 */
#include <crypto/sha2.h>
#include <linux/completion.h>
#include <linux/glob.h>
#include <linux/init.h>
#include <linux/kmod.h>
#include <linux/kobject.h>
#include <linux/kref.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/workqueue.h>
#include "umh_elf_builtin.h"
#include "umh_elf_proc.h"

/* How often a killed starter looks whether others still wait for it. */
#define UMH_ELF_BUILTIN_POLL	(HZ / 10)

/**
 * struct umh_elf_run - one run of a built-in ELF module
 * @h: the in-kernel API's handle to it
 * @proc: its processes
 * @kref: one reference while it is the module's current run, one for
 *	each holder of @h, one while @reap is queued; the last put frees it
 * @users: holders of @h, which make a stop through sysfs fail with -EBUSY
 * @mod: the built-in module it is a run of
 * @reap: logs the end of processes that ended on their own
 */
struct umh_elf_run {
	struct umh_elf h;
	struct umh_elf_proc proc;
	struct kref kref;
	atomic_t users;
	struct umh_elf_builtin *mod;
	struct work_struct reap;
};

/**
 * struct umh_elf_builtin - a built-in ELF module, for the life of the kernel
 * @img: its image and .modinfo
 * @name: the name= of its .modinfo
 * @start_boot: its .modinfo says start=boot
 * @limit_caps: its .modinfo has capabilities=: each run gets @caps only
 * @caps: the capabilities it declared
 * @limits: its memory_max= and pids_max=, 0 for none
 * @watchdog_ms: its watchdog_ms=, 0 for none
 * @sha256: hash of the image
 * @kobj: /sys/module/NAME
 * @start_lock: serialises starting and stopping; held across the wait
 *	of a start for READY=1 and of a stop for the processes to end
 * @starters: callers that want it started: the one starting it and
 *	those waiting for @start_lock
 * @lock: protects @run; held briefly, never across a wait for the
 *	module, so that umh_elf_find() and sysfs do not wait for a start
 * @run: the current run, NULL while it is stopped or starting
 * @start_work: starts it for request_module_nowait()
 */
struct umh_elf_builtin {
	const struct umh_elf_builtin_image *img;
	const char *name;
	bool start_boot;
	bool limit_caps;
	kernel_cap_t caps;
	struct umh_elf_limits limits;
	unsigned int watchdog_ms;
	u8 sha256[SHA256_DIGEST_SIZE];
	struct kobject kobj;
	struct mutex start_lock;	/* see @start_lock above */
	atomic_t starters;
	struct mutex lock;		/* see @lock above */
	struct umh_elf_run *run;
	struct work_struct start_work;
};

static struct umh_elf_builtin *umh_elf_builtins;
static unsigned int umh_elf_nr_builtins;

/* The value of @tag in a .modinfo after the value @prev (NULL: the first). */
static const char *umh_elf_modinfo(const struct umh_elf_builtin_image *img,
				   const char *tag, const char *prev)
{
	size_t n = strlen(tag);
	const char *p = prev ? prev + strlen(prev) + 1 : img->modinfo;

	for (; p < img->modinfo_end; p += strlen(p) + 1)
		if (!strncmp(p, tag, n) && p[n] == '=')
			return p + n + 1;
	return NULL;
}

/* Whether @a and @b are the same module name, '-' and '_' alike. */
static bool umh_elf_same_name(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (*a != *b && !(strchr("-_", *a) && strchr("-_", *b)))
			return false;
	return *a == *b;
}

/* The built-in module whose name is @name or has an alias matching it. */
static struct umh_elf_builtin *umh_elf_builtin_find(const char *name)
{
	struct umh_elf_builtin *mod;
	const char *alias;

	for (mod = umh_elf_builtins;
	     mod < umh_elf_builtins + umh_elf_nr_builtins; mod++) {
		if (umh_elf_same_name(mod->name, name))
			return mod;
		for (alias = umh_elf_modinfo(mod->img, "alias", NULL); alias;
		     alias = umh_elf_modinfo(mod->img, "alias", alias))
			if (glob_match(alias, name))
				return mod;
	}
	return NULL;
}

static void umh_elf_run_release(struct kref *kref)
{
	struct umh_elf_run *run = container_of(kref, struct umh_elf_run, kref);

	umh_elf_release(&run->proc);
	kfree(run);
}

static void umh_elf_run_log_end(struct umh_elf_run *run, const char *how)
{
	char end[32];

	if (!how) {
		umh_elf_describe_end(&run->proc, end, sizeof(end));
		how = end;
	}
	pr_info("elf-module %s: stopped (%s)\n", run->mod->name, how);
}

/* The processes of a run ended on their own: the module is stopped. */
static void umh_elf_run_reap(struct work_struct *work)
{
	struct umh_elf_run *run = container_of(work, struct umh_elf_run, reap);
	struct umh_elf_builtin *mod = run->mod;

	mutex_lock(&mod->lock);
	if (mod->run == run) {
		mod->run = NULL;
		umh_elf_run_log_end(run, NULL);
		kref_put(&run->kref, umh_elf_run_release);
	}
	mutex_unlock(&mod->lock);
	kref_put(&run->kref, umh_elf_run_release);
}

static void umh_elf_run_ended(struct umh_elf_proc *proc)
{
	struct umh_elf_run *run = container_of(proc, struct umh_elf_run, proc);

	kref_get(&run->kref);
	schedule_work(&run->reap);
}

static void umh_elf_run_put(struct umh_elf *h)
{
	struct umh_elf_run *run = container_of(h, struct umh_elf_run, h);

	atomic_dec(&run->users);
	kref_put(&run->kref, umh_elf_run_release);
}

static struct umh_elf_run *umh_elf_run_alloc(struct umh_elf_builtin *mod)
{
	struct umh_elf_run *run;

	run = kzalloc(sizeof(*run), GFP_KERNEL);
	if (!run)
		return NULL;
	umh_elf_proc_init(&run->proc, mod->name, umh_elf_run_ended);
	if (mod->limit_caps)
		umh_elf_limit_caps(&run->proc, &mod->caps);
	umh_elf_limit_resources(&run->proc, &mod->limits);
	umh_elf_set_watchdog(&run->proc, mod->watchdog_ms);
	run->h.proc = &run->proc;
	run->h.put = umh_elf_run_put;
	kref_init(&run->kref);
	run->mod = mod;
	INIT_WORK(&run->reap, umh_elf_run_reap);
	return run;
}

/*
 * Take the current run of @mod, whose processes are all gone, off it,
 * before its reaper has run (under @mod->lock).  Once quiesced, its @ended
 * callback is not running and will not be called: a reaper it queued
 * holds its own reference.
 */
static void umh_elf_builtin_drop_dead(struct umh_elf_builtin *mod)
{
	struct umh_elf_run *run = mod->run;

	mod->run = NULL;
	umh_elf_quiesce(&run->proc);
	umh_elf_run_log_end(run, NULL);
	kref_put(&run->kref, umh_elf_run_release);
}

/*
 * Wait for the outcome of a start: killable, within the ready timeout of
 * a load.  A starter that gets a fatal signal waits on, unkillably, as
 * long as other callers wait for the start: it goes on for them.
 */
static int umh_elf_builtin_wait(struct umh_elf_builtin *mod,
				struct umh_elf_run *run)
{
	unsigned long timeout = umh_elf_ready_timeout();
	unsigned long deadline = jiffies + timeout;
	int ret;

	ret = umh_elf_wait_outcome(&run->proc, timeout, true);
	while (ret == -EINTR && atomic_read(&mod->starters) > 1) {
		if (time_after_eq(jiffies, deadline))
			return -ETIMEDOUT;
		timeout = min_t(unsigned long, deadline - jiffies,
				UMH_ELF_BUILTIN_POLL);
		ret = umh_elf_wait_outcome(&run->proc, timeout, false);
		if (ret == -ETIMEDOUT)
			ret = -EINTR;	/* look at the others again */
	}
	return ret;
}

/*
 * Start @mod for @by (named in the log) and wait until it is ready.
 * Called with @mod->start_lock held, so concurrent starts of one module
 * start one process: the others wait for the lock and find it running.
 */
static int umh_elf_builtin_start(struct umh_elf_builtin *mod,
				 struct task_struct *by)
{
	const struct umh_elf_builtin_image *img = mod->img;
	char *argv[2] = { (char *)mod->name };
	struct umh_elf_run *run;
	int ret;

	run = umh_elf_run_alloc(mod);
	if (!run)
		return -ENOMEM;
	ret = umh_elf_spawn(&run->proc, img->image,
			    img->image_end - img->image, argv);
	if (ret) {
		pr_err("elf-module %s: exec failed: %d\n", mod->name, ret);
		goto put;
	}
	if (!umh_elf_caps_limited(&run->proc))
		pr_notice("elf-module %s: no capabilities= limit: full user-mode-helper capability set\n",
			  mod->name);
	pr_info("elf-module %s: started pid %d, sha256 %*phN, built-in, by %s[%d]\n",
		mod->name, umh_elf_pid(&run->proc), SHA256_DIGEST_SIZE,
		mod->sha256, by->comm, task_pid_nr(by));

	ret = umh_elf_builtin_wait(mod, run);
	if (ret == UMH_ELF_RUNNING && !umh_elf_dead(&run->proc)) {
		pr_info("elf-module %s: ready\n", mod->name);
		mutex_lock(&mod->lock);
		mod->run = run;		/* the list's reference */
		/* Its reaper may have come already, and found it not listed. */
		if (umh_elf_dead(&run->proc))
			umh_elf_builtin_drop_dead(mod);
		mutex_unlock(&mod->lock);
		return 0;
	}
	umh_elf_stop(&run->proc, 0);
	umh_elf_quiesce(&run->proc);
	umh_elf_run_log_end(run, ret == -ETIMEDOUT ? "timeout" : NULL);
	if (ret == UMH_ELF_RUNNING)
		ret = umh_elf_result(&run->proc);
put:
	/* A reaper queued before the quiesce holds its own reference. */
	kref_put(&run->kref, umh_elf_run_release);
	return ret;
}

/*
 * The current run of @mod, started if needed (for @by, named in the log),
 * with a reference for the in-kernel API; or an ERR_PTR(), also when the
 * module ran to completion (a one-shot job: -ENOENT, as for a loaded
 * one).  Without @start, never waits for a start in progress: the module
 * does not run yet (-ENOENT).
 */
static struct umh_elf *umh_elf_builtin_use(struct umh_elf_builtin *mod,
					   bool start, struct task_struct *by)
{
	struct umh_elf_run *run;
	int ret = 0;

	if (start) {
		atomic_inc(&mod->starters);
		ret = mutex_lock_killable(&mod->start_lock);
		if (ret) {
			atomic_dec(&mod->starters);
			return ERR_PTR(ret);
		}
	}
	mutex_lock(&mod->lock);
	if (mod->run && umh_elf_dead(&mod->run->proc))
		umh_elf_builtin_drop_dead(mod);
	if (!mod->run && start) {
		mutex_unlock(&mod->lock);
		ret = umh_elf_builtin_start(mod, by);
		mutex_lock(&mod->lock);
	}
	run = mod->run;
	if (!ret && !run)
		ret = -ENOENT;
	if (!ret) {
		kref_get(&run->kref);
		atomic_inc(&run->users);
	}
	mutex_unlock(&mod->lock);
	if (start) {
		mutex_unlock(&mod->start_lock);
		atomic_dec(&mod->starters);
	}
	return ret ? ERR_PTR(ret) : &run->h;
}

/**
 * umh_elf_builtin_get() - a reference to a built-in ELF module
 * @name: its name, or a name that one of its aliases matches
 * @start: start the module if it does not run, and wait until it is ready
 *
 * Without @start (umh_elf_find()), a module whose start is in progress
 * does not run yet: ERR_PTR(-ENOENT) at once, never a wait for the start.
 *
 * Context: Process context; sleeps, up to the ready timeout if @start
 * (killable: ERR_PTR(-EINTR) on a fatal signal).
 * Return: the handle; NULL if no built-in ELF module has that name or
 * alias; ERR_PTR(-ENOENT) if it does not run (and !@start, or it ran to
 * completion); another ERR_PTR() if it would not start.
 */
struct umh_elf *umh_elf_builtin_get(const char *name, bool start)
{
	struct umh_elf_builtin *mod = umh_elf_builtin_find(name);

	return mod ? umh_elf_builtin_use(mod, start, current) : NULL;
}

/**
 * umh_elf_builtin_request() - request_module() of a built-in ELF module
 * @name: the name requested
 *
 * Context: Process context; sleeps, up to the ready timeout.
 * Return: -ENOENT if no built-in ELF module has that name or alias
 * (modprobe's turn); otherwise 0 once it runs, or ran to completion with
 * status 0, or the negative errno of its start.
 */
int umh_elf_builtin_request(const char *name)
{
	struct umh_elf_builtin *mod = umh_elf_builtin_find(name);
	struct umh_elf *h;

	if (!mod)
		return -ENOENT;
	h = umh_elf_builtin_use(mod, true, current);
	if (IS_ERR(h))
		return PTR_ERR(h) == -ENOENT ? 0 : PTR_ERR(h);
	h->put(h);
	return 0;
}

static void umh_elf_builtin_start_work(struct work_struct *work)
{
	struct umh_elf_builtin *mod = container_of(work, struct umh_elf_builtin,
						   start_work);
	struct umh_elf *h = umh_elf_builtin_use(mod, true, current);

	if (!IS_ERR(h))
		h->put(h);
}

/**
 * umh_elf_builtin_request_nowait() - request_module_nowait() of a built-in
 * @name: the name requested
 *
 * Starts the built-in ELF module of that name or alias from a work item,
 * without modprobe, and returns without waiting for it.
 *
 * Context: Any context that may queue work.
 * Return: -ENOENT if no built-in ELF module has that name or alias
 * (modprobe's turn); otherwise 0.
 */
int umh_elf_builtin_request_nowait(const char *name)
{
	struct umh_elf_builtin *mod = umh_elf_builtin_find(name);

	if (!mod)
		return -ENOENT;
	queue_work(system_unbound_wq, &mod->start_work);
	return 0;
}

/**
 * umh_elf_builtin_name() - whether a name is that of a built-in ELF module
 * @name: a module name
 *
 * Context: Any context.
 * Return: true if a built-in ELF module is called @name.
 */
bool umh_elf_builtin_name(const char *name)
{
	struct umh_elf_builtin *mod = umh_elf_builtin_find(name);

	return mod && umh_elf_same_name(mod->name, name);
}

/* Stop @mod; -EBUSY while in-kernel users hold it. */
static int umh_elf_builtin_stop(struct umh_elf_builtin *mod)
{
	struct umh_elf_run *run;

	if (mutex_lock_killable(&mod->start_lock))
		return -EINTR;
	mutex_lock(&mod->lock);
	run = mod->run;
	if (run && atomic_read(&run->users)) {
		mutex_unlock(&mod->lock);
		mutex_unlock(&mod->start_lock);
		return -EBUSY;
	}
	mod->run = NULL;
	mutex_unlock(&mod->lock);
	if (run) {
		umh_elf_stop(&run->proc, umh_elf_stop_timeout());
		umh_elf_quiesce(&run->proc);
		umh_elf_run_log_end(run, "sysfs");
		kref_put(&run->kref, umh_elf_run_release);
	}
	mutex_unlock(&mod->start_lock);
	return 0;
}

static struct umh_elf_builtin *to_builtin(struct kobject *kobj)
{
	return container_of(kobj, struct umh_elf_builtin, kobj);
}

/*
 * The attributes read the current run under @lock: it cannot be freed
 * meanwhile.  Those of a stopped module read as empty.
 */
static ssize_t umh_elf_run_show(struct kobject *kobj, char *buf,
				ssize_t (*show)(struct umh_elf_proc *proc,
						char *buf))
{
	struct umh_elf_builtin *mod = to_builtin(kobj);
	ssize_t ret;

	if (mutex_lock_interruptible(&mod->lock))
		return -EINTR;
	ret = mod->run ? show(&mod->run->proc, buf) : sysfs_emit(buf, "\n");
	mutex_unlock(&mod->lock);
	return ret;
}

static ssize_t umh_elf_show_pid(struct umh_elf_proc *proc, char *buf)
{
	pid_t pid = umh_elf_main_pid(proc);

	return pid ? sysfs_emit(buf, "%d\n", pid) : sysfs_emit(buf, "\n");
}

static ssize_t umh_elf_show_pids(struct umh_elf_proc *proc, char *buf)
{
	return umh_elf_pids(proc, buf, PAGE_SIZE);
}

static ssize_t umh_elf_show_status(struct umh_elf_proc *proc, char *buf)
{
	char status[UMH_ELF_STATUS_MAX];

	umh_elf_status(proc, status, sizeof(status));
	return sysfs_emit(buf, "%s\n", status);
}

static ssize_t pid_show(struct kobject *kobj, struct kobj_attribute *attr,
			char *buf)
{
	return umh_elf_run_show(kobj, buf, umh_elf_show_pid);
}

static ssize_t pids_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return umh_elf_run_show(kobj, buf, umh_elf_show_pids);
}

static ssize_t status_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return umh_elf_run_show(kobj, buf, umh_elf_show_status);
}

static ssize_t sha256_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%*phN\n", SHA256_DIGEST_SIZE,
			  to_builtin(kobj)->sha256);
}

/* Built into the kernel: trusted, never signed. */
static ssize_t signed_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "0\n");
}

/* The limits in force: a number, or "max" for none (as cgroup files say). */
static ssize_t memory_max_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	u64 v = to_builtin(kobj)->limits.memory_max;

	return v ? sysfs_emit(buf, "%llu\n", v) : sysfs_emit(buf, "max\n");
}

static ssize_t pids_max_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	unsigned int v = to_builtin(kobj)->limits.pids_max;

	return v ? sysfs_emit(buf, "%u\n", v) : sysfs_emit(buf, "max\n");
}

/* The watchdog in force, in ms; 0 for none. */
static ssize_t watchdog_ms_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", to_builtin(kobj)->watchdog_ms);
}

static ssize_t state_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	struct umh_elf_builtin *mod = to_builtin(kobj);
	bool running;

	if (mutex_lock_interruptible(&mod->lock))
		return -EINTR;
	running = mod->run && !umh_elf_dead(&mod->run->proc);
	mutex_unlock(&mod->lock);
	return sysfs_emit(buf, "%s\n", running ? "running" : "stopped");
}

/*
 * A start or stop asked for through elf/state, run by a work item while
 * the writer waits.  The store holds its kernfs file's of->mutex, a lock
 * class that every kernfs file shares, the module's cgroup files too; a
 * start writes those files (the limits) under @start_lock, and a stop
 * takes @start_lock.  Taken in the store, lockdep sees a cycle
 * (of->mutex, start_lock, sb_writers of cgroupfs, of->mutex of a cgroup
 * file) that could only close with the cgroup file system frozen; from
 * the work item no kernfs lock is held under @start_lock.
 */
struct umh_elf_state_req {
	struct work_struct work;
	struct completion done;
	struct umh_elf_builtin *mod;
	struct task_struct *by;
	bool start;
	int ret;
};

static void umh_elf_state_work(struct work_struct *work)
{
	struct umh_elf_state_req *req = container_of(work,
						     struct umh_elf_state_req,
						     work);
	struct umh_elf *h;

	if (req->start) {
		h = umh_elf_builtin_use(req->mod, true, req->by);
		req->ret = PTR_ERR_OR_ZERO(h);
		if (!req->ret)
			h->put(h);
	} else {
		req->ret = umh_elf_builtin_stop(req->mod);
	}
	complete(&req->done);
}

/*
 * Not killable: the work uses the writer's stack.  A start ends within
 * the ready timeout, a stop within the stop timeout and its kill grace.
 */
static int umh_elf_state_change(struct umh_elf_builtin *mod, bool start)
{
	struct umh_elf_state_req req = {
		.mod = mod, .by = current, .start = start,
	};

	INIT_WORK_ONSTACK(&req.work, umh_elf_state_work);
	init_completion(&req.done);
	queue_work(system_unbound_wq, &req.work);
	wait_for_completion(&req.done);
	destroy_work_on_stack(&req.work);
	return req.ret;
}

static ssize_t state_store(struct kobject *kobj, struct kobj_attribute *attr,
			   const char *buf, size_t count)
{
	struct umh_elf_builtin *mod = to_builtin(kobj);
	int ret;

	if (sysfs_streq(buf, "stop"))
		ret = umh_elf_state_change(mod, false);
	else if (sysfs_streq(buf, "start"))
		ret = umh_elf_state_change(mod, true);
	else
		ret = -EINVAL;
	return ret ?: count;
}

static struct kobj_attribute umh_elf_attr_memory_max = __ATTR_RO(memory_max);
static struct kobj_attribute umh_elf_attr_pid = __ATTR_RO(pid);
static struct kobj_attribute umh_elf_attr_pids_max = __ATTR_RO(pids_max);
static struct kobj_attribute umh_elf_attr_watchdog_ms = __ATTR_RO(watchdog_ms);
static struct kobj_attribute umh_elf_attr_pids = __ATTR_RO(pids);
static struct kobj_attribute umh_elf_attr_sha256 = __ATTR_RO(sha256);
static struct kobj_attribute umh_elf_attr_state = __ATTR_RW_MODE(state, 0600);
static struct kobj_attribute umh_elf_attr_status = __ATTR_RO(status);

static struct kobj_attribute umh_elf_attr_signed = {
	.attr = { .name = "signed", .mode = 0444 },
	.show = signed_show,
};

static struct attribute *umh_elf_builtin_attrs[] = {
	&umh_elf_attr_memory_max.attr,
	&umh_elf_attr_pid.attr,
	&umh_elf_attr_pids.attr,
	&umh_elf_attr_pids_max.attr,
	&umh_elf_attr_sha256.attr,
	&umh_elf_attr_signed.attr,
	&umh_elf_attr_state.attr,
	&umh_elf_attr_status.attr,
	&umh_elf_attr_watchdog_ms.attr,
	NULL,
};

static const struct attribute_group umh_elf_builtin_group = {
	.name = "elf",
	.attrs = umh_elf_builtin_attrs,
};

static const struct attribute_group *umh_elf_builtin_groups[] = {
	&umh_elf_builtin_group,
	NULL,
};

/* Built-in modules are never removed: their kobjects are never released. */
static void umh_elf_builtin_kobj_release(struct kobject *kobj)
{
}

static const struct kobj_type umh_elf_builtin_ktype = {
	.release = umh_elf_builtin_kobj_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = umh_elf_builtin_groups,
};

/* A policy value of its .modinfo, if there: parsed as for a loaded one. */
static int __init umh_elf_builtin_policy(struct umh_elf_builtin *mod,
					 const char *key,
					 int (*parse)(const char *s, u64 *val),
					 u64 *val)
{
	const char *s = umh_elf_modinfo(mod->img, key, NULL);

	*val = 0;
	if (s && parse(s, val)) {
		pr_err("elf-module %s: rejected: bad %s= in .modinfo: '%s'\n",
		       mod->name, key, s);
		return -EINVAL;
	}
	return 0;
}

/*
 * The credentials and the supervision policy its .modinfo declares, as
 * for a loaded module; restart= other than "no" is logged and ignored.
 */
static int __init umh_elf_builtin_declared(struct umh_elf_builtin *mod)
{
	const char *caps = umh_elf_modinfo(mod->img, "capabilities", NULL);
	const char *restart = umh_elf_modinfo(mod->img, "restart", NULL);
	u64 mem, pids, wd;
	int err;

	if (caps) {
		err = umh_elf_parse_caps(mod->name, caps, &mod->caps);
		if (err)
			return err;
		mod->limit_caps = true;
	}
	err = umh_elf_builtin_policy(mod, "memory_max", umh_elf_parse_bytes,
				     &mem) ?:
	      umh_elf_builtin_policy(mod, "pids_max", umh_elf_parse_pids,
				     &pids) ?:
	      umh_elf_builtin_policy(mod, "watchdog_ms",
				     umh_elf_parse_watchdog, &wd);
	if (err)
		return err;
	mod->limits.memory_max = mem;
	mod->limits.pids_max = pids;
	mod->watchdog_ms = wd;
	if (restart && strcmp(restart, "no"))
		pr_notice("elf-module %s: restart=%s ignored built in: the next use starts it again\n",
			  mod->name, restart);
	return 0;
}

static int __init umh_elf_builtin_init_one(struct umh_elf_builtin *mod,
					   const struct umh_elf_builtin_image *img)
{
	const char *start;
	int err;

	mod->img = img;
	mod->name = umh_elf_modinfo(img, "name", NULL);
	if (!mod->name || !*mod->name)
		return -ENOEXEC;
	start = umh_elf_modinfo(img, "start", NULL);
	if (start && strcmp(start, "boot") && strcmp(start, "demand")) {
		pr_err("elf-module %s: rejected: bad start= in .modinfo\n",
		       mod->name);
		return -EINVAL;
	}
	mod->start_boot = start && !strcmp(start, "boot");
	err = umh_elf_builtin_declared(mod);
	if (err)
		return err;
	sha256((const u8 *)img->image, img->image_end - img->image,
	       mod->sha256);
	mutex_init(&mod->start_lock);
	atomic_set(&mod->starters, 0);
	mutex_init(&mod->lock);
	INIT_WORK(&mod->start_work, umh_elf_builtin_start_work);
	mod->kobj.kset = module_kset;
	return kobject_init_and_add(&mod->kobj, &umh_elf_builtin_ktype, NULL,
				    "%s", mod->name);
}

/*
 * Start the start=boot modules as soon as user-mode helpers may run:
 * populate_rootfs() lets them, once it has begun to unpack the initramfs.
 */
static void umh_elf_builtin_boot(struct work_struct *work)
{
	struct umh_elf_builtin *mod;
	struct umh_elf *h;

	if (!usermodehelper_read_lock_wait(umh_elf_ready_timeout())) {
		pr_err("elf-module: user-mode helpers disabled: no start=boot\n");
		return;
	}
	usermodehelper_read_unlock();
	for (mod = umh_elf_builtins;
	     mod < umh_elf_builtins + umh_elf_nr_builtins; mod++) {
		if (!mod->start_boot)
			continue;
		h = umh_elf_builtin_use(mod, true, current);
		if (!IS_ERR(h))
			h->put(h);
	}
}

static DECLARE_WORK(umh_elf_builtin_boot_work, umh_elf_builtin_boot);

/*
 * After module_kset exists (subsys_initcall): list the built-in modules in
 * /sys/module, and start the start=boot ones from a work item so that boot
 * goes on meanwhile.  No root file system is mounted then: they need none.
 */
static int __init umh_elf_builtin_init(void)
{
	const struct umh_elf_builtin_image *img;
	unsigned int n = __stop___umh_elf_builtin - __start___umh_elf_builtin;
	struct umh_elf_builtin *mod;

	if (!n)
		return 0;
	umh_elf_builtins = kcalloc(n, sizeof(*mod), GFP_KERNEL);
	if (!umh_elf_builtins)
		return -ENOMEM;
	for (img = __start___umh_elf_builtin; img < __stop___umh_elf_builtin;
	     img++) {
		mod = &umh_elf_builtins[umh_elf_nr_builtins];
		if (umh_elf_builtin_init_one(mod, img)) {
			pr_err("elf-module: built-in image %u not listed\n",
			       (unsigned int)(img - __start___umh_elf_builtin));
			if (mod->kobj.state_initialized)
				kobject_put(&mod->kobj);
			memset(mod, 0, sizeof(*mod));
			continue;
		}
		umh_elf_nr_builtins++;
	}
	queue_work(system_unbound_wq, &umh_elf_builtin_boot_work);
	return 0;
}
fs_initcall(umh_elf_builtin_init);
