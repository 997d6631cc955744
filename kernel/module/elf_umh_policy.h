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

int elfmod_policy_parse(const char *name, const char *memory_max,
			const char *pids_max, const char *args,
			struct umh_elf_limits *limits);

#endif /* _KERNEL_MODULE_ELF_UMH_POLICY_H */
