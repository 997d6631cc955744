// SPDX-License-Identifier: GPL-2.0
/*
 * ELF modules, loader side: the supervision policy (SPEC section 9).
 *
 * The author declares it in .modinfo, where the signature covers it; the
 * administrator may only tighten it, with module parameters of the load
 * named elf.KEY=VALUE (modprobe NAME elf.pids_max=16), which the kernel
 * takes and the program never sees in its argv.  So far the policy is
 * resource limits on all processes of the module together, enforced
 * through its cgroup (kernel/umh_elf_contain.c), and what happens when
 * the module ends on its own (kernel/module/elf_umh_restart.c):
 *
 *	memory_max=BYTES	a number, optionally followed by K, M or G
 *				(powers of 1024); at least 1
 *	pids_max=N		processes and threads, 1 to PID_MAX_LIMIT
 *	restart=no|on-failure|always
 *	watchdog_ms=N		WATCHDOG=1 due every N ms once ready,
 *				UMH_ELF_WATCHDOG_MIN_MS to ..._MAX_MS
 *
 * A limit the author left out is no limit: the administrator may then
 * set any valid value.  A value the author set may be lowered, never
 * raised: a higher one fails the load with -EPERM.  restart= orders
 * always > on-failure > no (the default): the administrator may only go
 * down, so never enables a restart the author did not allow.  A
 * watchdog may be made shorter, but not set where the author set none
 * (the program would not keep it).  A
 * malformed value, signed or given, fails the load with -EINVAL, as does
 * an unknown elf.KEY.  Each refusal is one log line.
 *
 * Each key is a row of elfmod_policy_keys[]: its parser and what
 * "tighter" means for it.  The parsers of the values that built-in
 * modules share are on the process side (kernel/umh_elf_policy.c).
 *
 * Once loaded, /sys/module/NAME/elf/KEY shows the value in force, and
 * root may write a tighter restart= or watchdog_ms= there: tighter than
 * the one in force, by the same rules.  A looser one is refused with
 * -EPERM, a malformed one with -EINVAL, each with one log line; a change
 * is logged too.
 */
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/mutex.h>
#include <linux/sysfs.h>
#include "elf_umh.h"

static const char * const elfmod_restart_names[] = {
	[ELFMOD_RESTART_NO]		= "no",
	[ELFMOD_RESTART_ON_FAILURE]	= "on-failure",
	[ELFMOD_RESTART_ALWAYS]		= "always",
};

/**
 * elfmod_restart_name() - the name of a restart= value
 * @restart: an &enum elfmod_restart
 *
 * Context: Any context.
 * Return: "no", "on-failure" or "always".
 */
const char *elfmod_restart_name(u64 restart)
{
	if (restart >= ARRAY_SIZE(elfmod_restart_names))
		return "?";
	return elfmod_restart_names[restart];
}

/* "no", "on-failure" or "always", into *@val. */
static int elfmod_parse_restart(const char *s, u64 *val)
{
	int i = sysfs_match_string(elfmod_restart_names, s);

	if (i < 0 || strchr(s, '\n'))
		return -EINVAL;
	*val = i;
	return 0;
}

/* A limit: none signed, or no more than the signed one. */
static bool elfmod_limit_tighter(u64 val, u64 signed_val)
{
	return !signed_val || val <= signed_val;
}

/* A watchdog: only one the author set, made no longer. */
static bool elfmod_watchdog_tighter(u64 val, u64 signed_val)
{
	return signed_val && val <= signed_val;
}

/* restart=: no further up the order always > on-failure > no. */
static bool elfmod_restart_tighter(u64 val, u64 signed_val)
{
	return val <= signed_val;
}

/**
 * struct elfmod_policy_key_ops - one key of the policy
 * @name: the key, in .modinfo and after "elf." in the parameters
 * @parse: parse a value; 0, or -EINVAL if it is malformed
 * @tighter: whether a value given by the administrator is no looser
 *	than the signed one (0 if the author left the key out)
 */
struct elfmod_policy_key_ops {
	const char *name;
	int (*parse)(const char *s, u64 *val);
	bool (*tighter)(u64 val, u64 signed_val);
};

static const struct elfmod_policy_key_ops elfmod_policy_keys[] = {
	[ELFMOD_MEMORY_MAX] = { "memory_max", umh_elf_parse_bytes,
				elfmod_limit_tighter },
	[ELFMOD_PIDS_MAX] = { "pids_max", umh_elf_parse_pids,
			      elfmod_limit_tighter },
	[ELFMOD_RESTART] = { "restart", elfmod_parse_restart,
			     elfmod_restart_tighter },
	[ELFMOD_WATCHDOG_MS] = { "watchdog_ms", umh_elf_parse_watchdog,
				 elfmod_watchdog_tighter },
};

static_assert(ARRAY_SIZE(elfmod_policy_keys) == ELFMOD_POLICY_KEYS);

/**
 * elfmod_policy_key_name() - the name of a key of the policy
 * @key: the key
 *
 * Context: Any context.
 * Return: its name, as in .modinfo ("memory_max").
 */
const char *elfmod_policy_key_name(enum elfmod_policy_key key)
{
	return elfmod_policy_keys[key].name;
}

/* The values the author signed; a key left out stays 0. */
static int elfmod_policy_signed(const char *name,
				const char *const modinfo[ELFMOD_POLICY_KEYS],
				struct elfmod_policy *policy)
{
	const struct elfmod_policy_key_ops *k;
	int i;

	for (i = 0; i < ELFMOD_POLICY_KEYS; i++) {
		k = &elfmod_policy_keys[i];
		if (!modinfo[i])
			continue;
		if (k->parse(modinfo[i], &policy->signed_val[i])) {
			pr_err("elf-module %s: rejected: bad %s= in .modinfo: '%s'\n",
			       name, k->name, modinfo[i]);
			return -EINVAL;
		}
	}
	memcpy(policy->val, policy->signed_val, sizeof(policy->val));
	return 0;
}

/* One elf.KEY=VALUE parameter: tighten the policy, or refuse. */
static int elfmod_policy_admin(const char *name, const char *key,
			       const char *val, struct elfmod_policy *policy)
{
	const struct elfmod_policy_key_ops *k;
	u64 v;
	int i;

	for (i = 0; i < ELFMOD_POLICY_KEYS; i++)
		if (!strcmp(key, elfmod_policy_keys[i].name))
			break;
	if (i == ELFMOD_POLICY_KEYS) {
		pr_err("elf-module %s: rejected: unknown parameter %s%s\n",
		       name, ELF_UMH_PARAM_PREFIX, key);
		return -EINVAL;
	}
	k = &elfmod_policy_keys[i];
	if (!val || k->parse(val, &v)) {
		pr_err("elf-module %s: rejected: bad %s%s=%s\n", name,
		       ELF_UMH_PARAM_PREFIX, key, val ?: "");
		return -EINVAL;
	}
	if (!k->tighter(v, policy->signed_val[i])) {
		pr_err("elf-module %s: rejected: %s%s=%s is above the signed %s\n",
		       name, ELF_UMH_PARAM_PREFIX, key, val, key);
		return -EPERM;
	}
	policy->val[i] = v;
	return 0;
}

/**
 * elfmod_policy_parse() - the policy in force for a module being loaded
 * @name: the module's name, for the log
 * @modinfo: the value of each key in .modinfo, or NULL
 * @args: the parameter string of the load; its elf.KEY=VALUE words
 *	tighten the signed values
 * @policy: where to store the policy
 *
 * Context: Process context; sleeps.
 * Return: 0; -EINVAL for a malformed value or an unknown elf.KEY; -EPERM
 * for a value looser than the signed one; -ENOMEM.  Each is logged.
 */
int elfmod_policy_parse(const char *name,
			const char *const modinfo[ELFMOD_POLICY_KEYS],
			const char *args, struct elfmod_policy *policy)
{
	char *copy, *p, *param, *val;
	int err;

	memset(policy, 0, sizeof(*policy));
	err = elfmod_policy_signed(name, modinfo, policy);
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
						   val, policy);
	}
	kfree(copy);
	return err;
}

/**
 * elfmod_policy_limits() - the resource limits of a policy
 * @policy: the policy in force
 * @limits: where to store its limits, for umh_elf_limit_resources()
 *
 * Context: Any context.
 */
void elfmod_policy_limits(const struct elfmod_policy *policy,
			  struct umh_elf_limits *limits)
{
	limits->memory_max = policy->val[ELFMOD_MEMORY_MAX];
	limits->pids_max = policy->val[ELFMOD_PIDS_MAX];
}

/*
 * Serialises the writes to the policies in sysfs.  Nothing is taken
 * under it: a write comes with the sysfs file's kernfs mutex held, whose
 * lock class the cgroup files the kernel writes share.
 */
static DEFINE_MUTEX(elfmod_policy_mutex);

/* A write to /sys/module/NAME/elf/KEY: tighten, or refuse. */
static ssize_t elfmod_policy_store(struct module_kobject *mk,
				   enum elfmod_policy_key key,
				   const char *buf, size_t count)
{
	const struct elfmod_policy_key_ops *k = &elfmod_policy_keys[key];
	struct elf_module *em = to_elf_module(mk->mod);
	const char *name = em->mod.name;
	char val[32];
	u64 v;

	strscpy(val, buf, sizeof(val));
	strim(val);
	if (k->parse(val, &v)) {
		pr_err("elf-module %s: refused: bad %s=%s\n", name, k->name,
		       val);
		return -EINVAL;
	}
	guard(mutex)(&elfmod_policy_mutex);
	if (!k->tighter(v, em->policy.val[key])) {
		pr_err("elf-module %s: refused: %s=%s is looser than the %s in force\n",
		       name, k->name, val, k->name);
		return -EPERM;
	}
	WRITE_ONCE(em->policy.val[key], v);
	/* restart= is read when an instance ends. */
	if (key == ELFMOD_WATCHDOG_MS)
		umh_elf_set_watchdog(&em->proc, v);
	pr_info("elf-module %s: %s set to %s\n", name, k->name, val);
	return count;
}

/* The limits in force: a number, or "max" for none (as cgroup files say). */
static ssize_t elfmod_policy_show_limit(struct module_kobject *mk,
					enum elfmod_policy_key key, char *buf)
{
	u64 v = READ_ONCE(to_elf_module(mk->mod)->policy.val[key]);

	return v ? sysfs_emit(buf, "%llu\n", v) : sysfs_emit(buf, "max\n");
}

static ssize_t elf_memory_max_show(struct module_attribute *mattr,
				   struct module_kobject *mk, char *buf)
{
	return elfmod_policy_show_limit(mk, ELFMOD_MEMORY_MAX, buf);
}

static ssize_t elf_pids_max_show(struct module_attribute *mattr,
				 struct module_kobject *mk, char *buf)
{
	return elfmod_policy_show_limit(mk, ELFMOD_PIDS_MAX, buf);
}

static ssize_t elf_restart_show(struct module_attribute *mattr,
				struct module_kobject *mk, char *buf)
{
	u64 v = READ_ONCE(to_elf_module(mk->mod)->policy.val[ELFMOD_RESTART]);

	return sysfs_emit(buf, "%s\n", elfmod_restart_name(v));
}

static ssize_t elf_restart_store(struct module_attribute *mattr,
				 struct module_kobject *mk, const char *buf,
				 size_t count)
{
	return elfmod_policy_store(mk, ELFMOD_RESTART, buf, count);
}

/* The watchdog in force, in ms; 0 for none. */
static ssize_t elf_watchdog_ms_show(struct module_attribute *mattr,
				    struct module_kobject *mk, char *buf)
{
	struct elf_module *em = to_elf_module(mk->mod);

	return sysfs_emit(buf, "%llu\n",
			  READ_ONCE(em->policy.val[ELFMOD_WATCHDOG_MS]));
}

static ssize_t elf_watchdog_ms_store(struct module_attribute *mattr,
				     struct module_kobject *mk,
				     const char *buf, size_t count)
{
	return elfmod_policy_store(mk, ELFMOD_WATCHDOG_MS, buf, count);
}

/*
 * In elf_umh.c's elf/ group.  Root may write a tighter restart or
 * watchdog_ms; the limits are set at load only (elf.KEY=): a write to a
 * cgroup file from a sysfs write would nest two kernfs file mutexes.
 */
struct module_attribute elf_attr_memory_max =
	__ATTR(memory_max, 0444, elf_memory_max_show, NULL);
struct module_attribute elf_attr_pids_max =
	__ATTR(pids_max, 0444, elf_pids_max_show, NULL);
struct module_attribute elf_attr_restart =
	__ATTR(restart, 0644, elf_restart_show, elf_restart_store);
struct module_attribute elf_attr_watchdog_ms =
	__ATTR(watchdog_ms, 0644, elf_watchdog_ms_show, elf_watchdog_ms_store);
