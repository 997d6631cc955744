// SPDX-License-Identifier: GPL-2.0
/*
 * ELF modules, loader side: restart= (SPEC section 9).
 *
 * When every process of a live module has ended on its own, the reap
 * work asks elfmod_restart_schedule() whether to start it again: with
 * restart=always whatever the end, with restart=on-failure unless the
 * main process exited 0, with restart=no (the default) never, nor with
 * restart_max=0.  A module
 * that ends before its load returned is not restarted: the load reports
 * that end.
 *
 * A restarted instance has the ready timeout of a load
 * (elf_ready_timeout_ms): one that has not said READY=1 by then is
 * killed (umh_elf_time_out()), and that end, "timeout", counts as any
 * other.
 *
 * Restarts back off: the Kth end within ELF_UMH_RESTART_WINDOW waits
 * ELF_UMH_BACKOFF_MIN << (K - 1) before the next start (100, 200, 400,
 * 800, 1600 ms), never more than ELF_UMH_BACKOFF_MAX; the end after
 * restart_max restarts within the window (by default
 * ELF_UMH_RESTART_BURST, 5) gives up: the module then ends as one
 * without restart= does.  restart_max is read at each end, so a lower
 * one written to sysfs counts the ends already in the window.  Each
 * decision is one line:
 *
 *	elf-module NAME: restarting (exit N | signal S | watchdog | oom |
 *				     timeout), attempt K
 *	elf-module NAME: gave up restarting: N restarts within 60 s
 *
 * The module stays listed meanwhile, and the holders of references keep
 * them (umh_elf_get()): the struct elf_module stays, its struct
 * umh_elf_proc takes the next instance.  The next instance runs the
 * kernel's own copy of the image (umh_elf_keep_image()): nothing is read
 * or verified again.  An rmmod cancels a pending restart, or waits for
 * one under way and then stops what it started (elfmod_delete()).
 */
#include <linux/jiffies.h>
#include <linux/printk.h>
#include <linux/sysfs.h>
#include "elf_umh.h"
#include "internal.h"

/* See the top of this file and elf-modules.rst, "Keeping a module running". */
#define ELF_UMH_RESTART_WINDOW	(60 * HZ)
#define ELF_UMH_BACKOFF_MIN	(HZ / 10)
#define ELF_UMH_BACKOFF_MAX	(10 * HZ)

/* Whether the end of @em is one that its restart= restarts. */
static bool elfmod_restart_wanted(struct elf_module *em)
{
	if (!READ_ONCE(em->policy.val[ELFMOD_RESTART_MAX]))
		return false;
	switch (READ_ONCE(em->policy.val[ELFMOD_RESTART])) {
	case ELFMOD_RESTART_ALWAYS:
		return true;
	case ELFMOD_RESTART_ON_FAILURE:
		return umh_elf_result(&em->proc) != UMH_ELF_DONE;
	default:
		return false;
	}
}

/*
 * Record an end at @now; forget those older than the window.  Returns
 * the attempt the restart is (1 for the first end within the window),
 * or 0 once @max restarts are within the window.
 */
static unsigned int elfmod_restart_count(struct elfmod_restarts *r,
					 unsigned long now, unsigned int max)
{
	unsigned int old = 0;

	while (old < r->nr_ends &&
	       time_after_eq(now, r->ends[old] + ELF_UMH_RESTART_WINDOW))
		old++;
	r->nr_ends -= old;
	memmove(r->ends, r->ends + old, r->nr_ends * sizeof(r->ends[0]));
	if (r->nr_ends >= max)
		return 0;
	r->ends[r->nr_ends++] = now;
	return r->nr_ends;
}

/**
 * elfmod_restart_schedule() - restart a live module whose processes ended
 * @em: the module; its processes are gone
 *
 * Records how it ended for sysfs, and queues its next start after the
 * backoff if its restart= asks for it and the window allows.
 *
 * Context: Process context; the reap work.
 * Return: true if the module will be restarted; false if it is to end
 * (or is not live: then its load or rmmod takes care of it).
 */
bool elfmod_restart_schedule(struct elf_module *em)
{
	struct elfmod_restarts *r = &em->restarts;
	unsigned int attempt, max;
	unsigned long delay;
	char how[24];

	guard(mutex)(&module_mutex);
	if (em->mod.state != MODULE_STATE_LIVE)
		return false;
	umh_elf_describe_end(&em->proc, how, sizeof(how));
	spin_lock(&r->lock);
	strscpy(r->last_end, how, sizeof(r->last_end));
	spin_unlock(&r->lock);
	if (!elfmod_restart_wanted(em))
		return false;
	max = READ_ONCE(em->policy.val[ELFMOD_RESTART_MAX]);
	attempt = elfmod_restart_count(r, jiffies, max);
	if (!attempt) {
		pr_info("elf-module %s: gave up restarting: %u restarts within %u s\n",
			em->mod.name, max, ELF_UMH_RESTART_WINDOW / HZ);
		return false;
	}
	delay = min_t(unsigned long, ELF_UMH_BACKOFF_MIN << (attempt - 1),
		      ELF_UMH_BACKOFF_MAX);
	WRITE_ONCE(r->pending, true);
	umh_elf_set_restarting(&em->proc, true);
	queue_delayed_work(system_unbound_wq, &r->work, delay);
	pr_info("elf-module %s: restarting (%s), attempt %u\n", em->mod.name,
		how, attempt);
	return true;
}

static bool elfmod_live(struct elf_module *em)
{
	guard(mutex)(&module_mutex);
	return em->mod.state == MODULE_STATE_LIVE;
}

/* Start the next instance, unless rmmod came first. */
static void elfmod_restart_work(struct work_struct *work)
{
	struct elfmod_restarts *r = container_of(to_delayed_work(work),
						 struct elfmod_restarts, work);
	struct elf_module *em = container_of(r, struct elf_module, restarts);
	char how[32];
	int err;

	if (!elfmod_live(em))
		return;
	/* The ended instance's timer: done with it before it goes. */
	cancel_delayed_work_sync(&r->ready_timer);
	umh_elf_reset(&em->proc);
	/* From here on, the module is not dead but starting. */
	mutex_lock(&module_mutex);
	WRITE_ONCE(r->pending, false);
	mutex_unlock(&module_mutex);
	err = umh_elf_respawn(&em->proc, em->argv);
	if (err) {
		pr_err("elf-module %s: restart failed: %d\n", em->mod.name,
		       err);
		snprintf(how, sizeof(how), "restart failed: %d", err);
		elfmod_end(em, how);	/* may free @em */
		return;
	}
	spin_lock(&r->lock);
	r->count++;
	spin_unlock(&r->lock);
	elfmod_log_start(em);
	queue_delayed_work(system_unbound_wq, &r->ready_timer,
			   umh_elf_ready_timeout());
}

/*
 * The ready timeout of a restarted instance: kill it unless it is ready.
 * Its end then comes to elfmod_restart_schedule() as "timeout".
 */
static void elfmod_restart_timeout(struct work_struct *work)
{
	struct elfmod_restarts *r = container_of(to_delayed_work(work),
						 struct elfmod_restarts,
						 ready_timer);
	struct elf_module *em = container_of(r, struct elf_module, restarts);

	if (elfmod_live(em))
		umh_elf_time_out(&em->proc);
}

/**
 * elfmod_restarts_init() - prepare the restarts of a new module
 * @em: the module
 *
 * Context: Any context.
 */
void elfmod_restarts_init(struct elf_module *em)
{
	INIT_DELAYED_WORK(&em->restarts.work, elfmod_restart_work);
	INIT_DELAYED_WORK(&em->restarts.ready_timer, elfmod_restart_timeout);
	spin_lock_init(&em->restarts.lock);
}

/**
 * elfmod_restart_cancel() - no more restarts: rmmod stops the module
 * @em: the module, which rmmod has made GOING
 *
 * Cancels a restart that waits for its backoff, or waits for one under
 * way: what it started is running then, for rmmod to stop.
 *
 * Context: Process context; sleeps.
 */
void elfmod_restart_cancel(struct elf_module *em)
{
	cancel_delayed_work_sync(&em->restarts.work);
	elfmod_restart_timer_stop(em);
	mutex_lock(&module_mutex);
	WRITE_ONCE(em->restarts.pending, false);
	mutex_unlock(&module_mutex);
}

/**
 * elfmod_restart_timer_stop() - no more ready timeout for a module
 * @em: the module, which is not live any more
 *
 * Cancels the ready timeout of a restarted instance, or waits for it to
 * have killed the instance.
 *
 * Context: Process context; sleeps.  Not from the ready timeout itself.
 */
void elfmod_restart_timer_stop(struct elf_module *em)
{
	cancel_delayed_work_sync(&em->restarts.ready_timer);
}

/**
 * elfmod_restart_pending() - whether a module is between two instances
 * @em: the module
 *
 * Context: Any context; does not sleep.
 * Return: true from the end of an instance that is to be restarted until
 * the next one is being started.
 */
bool elfmod_restart_pending(struct elf_module *em)
{
	return READ_ONCE(em->restarts.pending);
}

static ssize_t elf_restarts_show(struct module_attribute *mattr,
				 struct module_kobject *mk, char *buf)
{
	struct elfmod_restarts *r = &to_elf_module(mk->mod)->restarts;
	unsigned int count;

	spin_lock(&r->lock);
	count = r->count;
	spin_unlock(&r->lock);
	return sysfs_emit(buf, "%u\n", count);
}

static ssize_t elf_last_end_show(struct module_attribute *mattr,
				 struct module_kobject *mk, char *buf)
{
	struct elfmod_restarts *r = &to_elf_module(mk->mod)->restarts;
	char how[sizeof(r->last_end)];

	spin_lock(&r->lock);
	strscpy(how, r->last_end, sizeof(how));
	spin_unlock(&r->lock);
	return sysfs_emit(buf, "%s\n", how);
}

/* elf/restarts, elf/last_end: in elf_umh.c's elf/ group. */
struct module_attribute elf_attr_restarts = {
	.attr = { .name = "restarts", .mode = 0444 },
	.show = elf_restarts_show,
};

struct module_attribute elf_attr_last_end = {
	.attr = { .name = "last_end", .mode = 0444 },
	.show = elf_last_end_show,
};
