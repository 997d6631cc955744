// SPDX-License-Identifier: GPL-2.0
/*
 * ELF modules, loader side: the supervision policy (SPEC section 9).
 *
 * The author declares it in .modinfo, where the signature covers it; the
 * administrator may only tighten it, with module parameters of the load
 * named elf.KEY=VALUE (modprobe NAME elf.pids_max=16), which the kernel
 * takes and the program never sees in its argv.  So far the policy is
 * resource limits on all processes of the module together, enforced
 * through its cgroup (kernel/umh_elf_contain.c):
 *
 *	memory_max=BYTES	a number, optionally followed by K, M or G
 *				(powers of 1024); at least 1
 *	pids_max=N		processes and threads, 1 to PID_MAX_LIMIT
 *
 * A key the author left out is no limit: the administrator may then set
 * any valid value.  A value the author set may be lowered, never raised:
 * a higher one fails the load with -EPERM.  A malformed value, signed or
 * given, fails it with -EINVAL, as does an unknown elf.KEY.  Each refusal
 * is one log line.
 */
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/threads.h>
#include "../umh_elf_proc.h"
#include "elf_umh_policy.h"

/* "12", "64K", "32M", "1G": a byte count of at least 1, into *@val. */
static int elfmod_parse_bytes(const char *s, u64 *val)
{
	size_t len = strspn(s, "0123456789");
	unsigned int shift;
	char num[24];
	u64 v;

	if (!len || len >= sizeof(num))
		return -EINVAL;
	switch (s[len]) {
	case '\0':
		shift = 0;
		break;
	case 'K':
		shift = 10;
		break;
	case 'M':
		shift = 20;
		break;
	case 'G':
		shift = 30;
		break;
	default:
		return -EINVAL;
	}
	if (shift && s[len + 1])
		return -EINVAL;
	memcpy(num, s, len);
	num[len] = '\0';
	if (kstrtou64(num, 10, &v) || !v || v > (U64_MAX >> shift))
		return -EINVAL;
	*val = v << shift;
	return 0;
}

/* A number of processes, 1 to PID_MAX_LIMIT, into *@val. */
static int elfmod_parse_pids(const char *s, unsigned int *val)
{
	if (kstrtouint(s, 10, val) || !*val || *val > PID_MAX_LIMIT)
		return -EINVAL;
	return 0;
}

/* The values the author signed; a key left out stays 0 (no limit). */
static int elfmod_policy_signed(const char *name, const char *memory_max,
				const char *pids_max,
				struct umh_elf_limits *limits)
{
	if (memory_max &&
	    elfmod_parse_bytes(memory_max, &limits->memory_max)) {
		pr_err("elf-module %s: rejected: bad memory_max= in .modinfo: '%s'\n",
		       name, memory_max);
		return -EINVAL;
	}
	if (pids_max && elfmod_parse_pids(pids_max, &limits->pids_max)) {
		pr_err("elf-module %s: rejected: bad pids_max= in .modinfo: '%s'\n",
		       name, pids_max);
		return -EINVAL;
	}
	return 0;
}

/* One elf.KEY=VALUE parameter: lower a limit, or refuse. */
static int elfmod_policy_admin(const char *name, const char *key,
			       const char *val, struct umh_elf_limits *limits)
{
	unsigned int pids;
	u64 bytes;

	if (!strcmp(key, "memory_max")) {
		if (!val || elfmod_parse_bytes(val, &bytes))
			goto bad;
		if (limits->memory_max && bytes > limits->memory_max)
			goto raise;
		limits->memory_max = bytes;
		return 0;
	}
	if (!strcmp(key, "pids_max")) {
		if (!val || elfmod_parse_pids(val, &pids))
			goto bad;
		if (limits->pids_max && pids > limits->pids_max)
			goto raise;
		limits->pids_max = pids;
		return 0;
	}
	pr_err("elf-module %s: rejected: unknown parameter %s%s\n", name,
	       ELF_UMH_PARAM_PREFIX, key);
	return -EINVAL;
bad:
	pr_err("elf-module %s: rejected: bad %s%s=%s\n", name,
	       ELF_UMH_PARAM_PREFIX, key, val ?: "");
	return -EINVAL;
raise:
	pr_err("elf-module %s: rejected: %s%s=%s is above the signed %s\n",
	       name, ELF_UMH_PARAM_PREFIX, key, val, key);
	return -EPERM;
}

/**
 * elfmod_policy_parse() - the limits in force for a module being loaded
 * @name: the module's name, for the log
 * @memory_max: the value of memory_max= in .modinfo, or NULL
 * @pids_max: the value of pids_max= in .modinfo, or NULL
 * @args: the parameter string of the load; its elf.KEY=VALUE words
 *	tighten the signed values
 * @limits: where to store the limits in force
 *
 * Context: Process context; sleeps.
 * Return: 0; -EINVAL for a malformed value or an unknown elf.KEY; -EPERM
 * for a value above the signed one; -ENOMEM.  Each is logged.
 */
int elfmod_policy_parse(const char *name, const char *memory_max,
			const char *pids_max, const char *args,
			struct umh_elf_limits *limits)
{
	char *copy, *p, *param, *val;
	int err;

	memset(limits, 0, sizeof(*limits));
	err = elfmod_policy_signed(name, memory_max, pids_max, limits);
	if (err || !args)
		return err;
	copy = kstrdup(args, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	p = skip_spaces(copy);
	while (*p && !err) {
		p = next_arg(p, &param, &val);
		if (elfmod_policy_param(param))
			err = elfmod_policy_admin(name, param +
						   strlen(ELF_UMH_PARAM_PREFIX),
						   val, limits);
	}
	kfree(copy);
	return err;
}
