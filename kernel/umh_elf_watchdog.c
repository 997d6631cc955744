// SPDX-License-Identifier: GPL-2.0
/*
 * ELF modules, process side: the watchdog (watchdog_ms=, SPEC section 9).
 *
 * Once a module with a watchdog has said READY=1, it must write
 * WATCHDOG=1 to its notify fd at least every watchdog_ms milliseconds.
 * Each such line (and READY=1) pushes a delayed work item back by that
 * much; if it runs, the module missed: the kernel logs it, sends
 * SIGABRT to the main process, so that a core dump is possible, and
 * SIGKILL to every process of the module UMH_ELF_WATCHDOG_GRACE later.
 * The end is then reported as "watchdog", and the loader's restart=
 * applies to it as to any other end.
 */
#include <linux/jiffies.h>
#include <linux/pid.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include "umh_elf_internal.h"

/* Between SIGABRT and SIGKILL: time to write a core dump. */
#define UMH_ELF_WATCHDOG_GRACE	HZ

static void umh_elf_watchdog_fire(struct work_struct *work)
{
	struct umh_elf_proc *proc = container_of(to_delayed_work(work),
						 struct umh_elf_proc,
						 watchdog);
	bool fired, gone;
	struct pid *pid;

	spin_lock(&proc->lock);
	fired = proc->watchdog_fired;
	gone = proc->gone;
	proc->watchdog_fired = true;
	spin_unlock(&proc->lock);
	if (gone)
		return;
	if (fired) {
		umh_elf_signal(proc, SIGKILL);
		return;
	}
	pr_warn("elf-module %s: watchdog missed (%u ms), killing it\n",
		proc->name, READ_ONCE(proc->watchdog_ms));
	rcu_read_lock();
	pid = READ_ONCE(proc->pid);
	if (pid)
		kill_pid(pid, SIGABRT, 1);
	rcu_read_unlock();
	queue_delayed_work(system_unbound_wq, &proc->watchdog,
			   UMH_ELF_WATCHDOG_GRACE);
}

/**
 * umh_elf_set_watchdog() - have a module keep a watchdog
 * @proc: state set up by umh_elf_proc_init(), not spawned yet
 * @ms: how often WATCHDOG=1 is due once the module is ready; 0 for none
 *
 * Before umh_elf_spawn(), or later to shorten it: the next WATCHDOG=1
 * arms it with the new period.
 *
 * Context: Any context.
 */
void umh_elf_set_watchdog(struct umh_elf_proc *proc, unsigned int ms)
{
	WRITE_ONCE(proc->watchdog_ms, ms);
}

/**
 * umh_elf_watchdog_init() - prepare the watchdog of a module
 * @proc: state being set up by umh_elf_proc_init()
 *
 * Context: Any context.
 */
void umh_elf_watchdog_init(struct umh_elf_proc *proc)
{
	INIT_DELAYED_WORK(&proc->watchdog, umh_elf_watchdog_fire);
}

/**
 * umh_elf_watchdog_pet() - the module said READY=1 or WATCHDOG=1
 * @proc: the module
 *
 * Arms the watchdog, or pushes it back, once the module is ready; does
 * nothing once it has fired, or without a watchdog.
 *
 * Context: Process context (the module's write to its notify fd).
 */
void umh_elf_watchdog_pet(struct umh_elf_proc *proc)
{
	unsigned int ms = READ_ONCE(proc->watchdog_ms);
	bool armed;

	if (!ms)
		return;
	spin_lock(&proc->lock);
	armed = proc->ready && !proc->watchdog_fired && !proc->gone;
	spin_unlock(&proc->lock);
	if (armed)
		mod_delayed_work(system_unbound_wq, &proc->watchdog,
				 msecs_to_jiffies(ms));
}

/**
 * umh_elf_watchdog_stop() - disarm the watchdog of a module
 * @proc: the module
 * @sync: also wait for a run in progress to return
 *
 * Context: Process context; sleeps if @sync.
 */
void umh_elf_watchdog_stop(struct umh_elf_proc *proc, bool sync)
{
	if (sync)
		cancel_delayed_work_sync(&proc->watchdog);
	else
		cancel_delayed_work(&proc->watchdog);
}
