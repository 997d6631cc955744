/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ELF modules, loader side: a loaded ELF module, as the loader's files
 * share it.  elf_umh.c loads, lists and unloads it; elf_umh_policy.c
 * reads its supervision policy and lets root tighten it in sysfs;
 * elf_umh_restart.c restarts it.
 */
#ifndef _KERNEL_MODULE_ELF_UMH_H
#define _KERNEL_MODULE_ELF_UMH_H

#include <crypto/sha2.h>
#include <linux/kref.h>
#include <linux/module.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include "../umh_elf_proc.h"
#include "elf_umh_policy.h"

/*
 * restart_max=: the restarts within the window before giving up
 * (elf_umh_restart.c), by default and at most.  The ends it remembers
 * are at most that many.
 */
#define ELF_UMH_RESTART_BURST	5
#define ELF_UMH_RESTART_MAX	10

/**
 * struct elfmod_restarts - the restarts of a module (elf_umh_restart.c)
 * @work: starts the next instance once the backoff has passed
 * @ready_timer: kills a restarted instance that is not ready within the
 *	ready timeout (elf_ready_timeout_ms, as for a load)
 * @lock: protects @count and @last_end, which sysfs reads
 * @count: restarts so far
 * @last_end: how the last instance ended ("exit N", "signal S"), or ""
 * @ends: jiffies of the latest ends that led to a restart, a ring
 * @nr_ends: ends recorded in @ends, at most the restart_max in force
 * @pending: an instance ended and the next one is not running yet;
 *	module_mutex protects it, and lockless readers use READ_ONCE()
 *
 * @ends and @nr_ends belong to the reap work, which runs one at a time.
 */
struct elfmod_restarts {
	struct delayed_work work;
	struct delayed_work ready_timer;
	spinlock_t lock;	/* see @lock above */
	unsigned int count;
	char last_end[24];
	unsigned long ends[ELF_UMH_RESTART_MAX];
	unsigned int nr_ends;
	bool pending;
};

/**
 * struct elf_module - a loaded ELF module
 * @mod: its entry in the module list; module_mutex protects @mod.state
 *	as for every module
 * @proc: its processes
 * @reap: takes the module off the list once its processes have ended on
 *	their own, or has it restarted; does nothing unless @mod.state is
 *	LIVE, since the load and rmmod paths clean up after themselves
 * @kref: one reference for the module list, one for each holder of the
 *	in-kernel API (umh_elf_get()); the last put frees it
 * @sha256: hash of the executed image
 * @sig_ok: the image carried a valid signature
 * @sysfs: /sys/module/NAME exists
 * @policy: the supervision policy in force, set before the module starts
 * @restarts: its restarts
 * @limits: applies the limits root lowered in sysfs to the module's
 *	processes (elf_umh_policy.c), outside the sysfs write
 * @args: the parameter string given at load, which the program's argv
 *	is built from; kept here, not in @mod.args, since the regular
 *	loader's parameter handling never sees an ELF module
 * @argv: the program's arguments, built from @args at the first start
 *	and kept for restarts (they point into @args)
 */
struct elf_module {
	struct module mod;
	struct umh_elf_proc proc;
	struct work_struct reap;
	struct kref kref;
	u8 sha256[SHA256_DIGEST_SIZE];
	bool sig_ok;
	bool sysfs;
	struct elfmod_policy policy;
	struct elfmod_restarts restarts;
	struct work_struct limits;
	char *args;
	char **argv;
	struct umh_elf handle;
	/* elfmod_release(): freed a grace period after mod_unlink() */
	struct rcu_head rcu;
};

static inline struct elf_module *to_elf_module(struct module *mod)
{
	return container_of(mod, struct elf_module, mod);
}

/* elf_umh.c */
void elfmod_log_start(struct elf_module *em);
void elfmod_end(struct elf_module *em, const char *how);

/* elf_umh_restart.c */
void elfmod_restarts_init(struct elf_module *em);
bool elfmod_restart_schedule(struct elf_module *em);
void elfmod_restart_cancel(struct elf_module *em);
void elfmod_restart_timer_stop(struct elf_module *em);
bool elfmod_restart_pending(struct elf_module *em);
extern struct module_attribute elf_attr_last_end;
extern struct module_attribute elf_attr_restarts;

/* elf_umh_policy.c: the policy in force, which root may tighten. */
void elfmod_policy_init(struct elf_module *em);
void elfmod_policy_stop(struct elf_module *em);

/**
 * struct elfmod_policy_attr - sysfs elf/KEY of a key of the policy
 * @mattr: the attribute
 * @key: the key it shows and sets
 */
struct elfmod_policy_attr {
	struct module_attribute mattr;
	enum elfmod_policy_key key;
};

#define to_policy_attr(m) container_of(m, struct elfmod_policy_attr, mattr)

extern struct elfmod_policy_attr elf_attr_memory_max;
extern struct elfmod_policy_attr elf_attr_pids_max;
extern struct elfmod_policy_attr elf_attr_restart;
extern struct elfmod_policy_attr elf_attr_restart_max;
extern struct elfmod_policy_attr elf_attr_watchdog_ms;

#endif /* _KERNEL_MODULE_ELF_UMH_H */
