/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ELF modules, loader side: the supervision policy of a module, as the
 * author signed it in .modinfo and as the administrator tightened it
 * (kernel/module/elf_umh_policy.c).
 */
#ifndef _KERNEL_MODULE_ELF_UMH_POLICY_H
#define _KERNEL_MODULE_ELF_UMH_POLICY_H

#include <linux/string.h>
#include <linux/types.h>

struct umh_elf_limits;

/* Module parameters of this prefix are the kernel's, not the program's. */
#define ELF_UMH_PARAM_PREFIX	"elf."

static inline bool elfmod_policy_param(const char *param)
{
	return !strncmp(param, ELF_UMH_PARAM_PREFIX,
			strlen(ELF_UMH_PARAM_PREFIX));
}

/* The keys of the policy, in .modinfo and as elf.KEY= parameters. */
enum elfmod_policy_key {
	ELFMOD_MEMORY_MAX,
	ELFMOD_PIDS_MAX,
	ELFMOD_RESTART,
	ELFMOD_RESTART_MAX,
	ELFMOD_WATCHDOG_MS,
	ELFMOD_POLICY_KEYS,
};

/* The values of restart=, from the tightest (order matters). */
enum elfmod_restart {
	ELFMOD_RESTART_NO,
	ELFMOD_RESTART_ON_FAILURE,
	ELFMOD_RESTART_ALWAYS,
};

/**
 * struct elfmod_policy - the supervision policy of a module
 * @val: the value in force of each key; 0 is no limit for the limits,
 *	and "no" for restart
 * @signed_val: the value the author signed; if left out, 0, or the
 *	default of restart_max (%ELF_UMH_RESTART_BURST)
 *
 * Set at load, before the module starts.  Afterwards only a write to
 * /sys/module/NAME/elf/KEY changes @val, with WRITE_ONCE() under
 * elfmod_policy_mutex: lockless readers use READ_ONCE().
 */
struct elfmod_policy {
	u64 val[ELFMOD_POLICY_KEYS];
	u64 signed_val[ELFMOD_POLICY_KEYS];
};

const char *elfmod_policy_key_name(enum elfmod_policy_key key);
int elfmod_policy_parse(const char *name,
			const char *const modinfo[ELFMOD_POLICY_KEYS],
			const char *args, struct elfmod_policy *policy);
void elfmod_policy_limits(const struct elfmod_policy *policy,
			  struct umh_elf_limits *limits);
const char *elfmod_restart_name(u64 restart);

#endif /* _KERNEL_MODULE_ELF_UMH_POLICY_H */
