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
 *	restart_max=N		restarts within 60 s before giving up, 0 to
 *				ELF_UMH_RESTART_MAX; by default
 *				ELF_UMH_RESTART_BURST (5); 0 is none
 *	watchdog_ms=N		WATCHDOG=1 due every N ms once ready,
 *				UMH_ELF_WATCHDOG_MIN_MS to ..._MAX_MS
 *
 * A limit the author left out is no limit: the administrator may then
 * set any valid value.  A value the author set may be lowered, never
 * raised: a higher one fails the load with -EPERM.  restart= orders
 * always > on-failure > no (the default): the administrator may only go
 * down, so never enables a restart the author did not allow.
 * restart_max= may be lowered below the signed one, or below the default
 * where the author left it out, never raised.  A
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
 * root may write a tighter one there: tighter than the one in force, by
 * the same rules.  A looser one is refused with -EPERM, a malformed one
 * with -EINVAL, each with one log line; a change is logged too.
 *
 * A lower limit is in force from the write on: sysfs shows it and every
 * later instance gets it.  The running instance's cgroup gets it from a
 * work item, @em->limits, a moment later: writing a cgroup file from
 * the sysfs write would nest the kernfs locks of two files (the open
 * file's mutex, the node's active reference) that lockdep counts as one
 * class, and a lower memory.max may reclaim or OOM-kill in the writer's
 * context.  The write does not wait for that work either: a flush under
 * the sysfs file's locks would make the same nesting through the work.
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

/* "0" to "ELF_UMH_RESTART_MAX", into *@val. */
static int elfmod_parse_restart_max(const char *s, u64 *val)
{
	unsigned int n;

	if (kstrtouint(s, 10, &n) || n > ELF_UMH_RESTART_MAX)
		return -EINVAL;
	*val = n;
	return 0;
}

/* restart_max=: the signed one (or the default) is the most. */
static bool elfmod_restart_max_tighter(u64 val, u64 signed_val)
{
	return signed_val >= val;
}

/* restart=: no further up the order always > on-failure > no. */
static bool elfmod_restart_tighter(u64 val, u64 signed_val)
{
	return val <= signed_val;
}

/* Limits: a number, or "max" for none (as cgroup files say). */
static ssize_t elfmod_show_limit(u64 val, char *buf)
{
	return val ? sysfs_emit(buf, "%llu\n", val) : sysfs_emit(buf, "max\n");
}

/* A number, 0 included (restart_max; watchdog_ms, 0 for none). */
static ssize_t elfmod_show_num(u64 val, char *buf)
{
	return sysfs_emit(buf, "%llu\n", val);
}

static ssize_t elfmod_show_restart(u64 val, char *buf)
{
	return sysfs_emit(buf, "%s\n", elfmod_restart_name(val));
}

/**
 * struct elfmod_policy_key_ops - one key of the policy
 * @name: the key, in .modinfo and after "elf." in the parameters
 * @parse: parse a value; 0, or -EINVAL if it is malformed
 * @tighter: whether a value given by the administrator is no looser
 *	than the signed one (@dflt if the author left the key out)
 * @show: the value in force, as sysfs elf/KEY shows it
 * @dflt: the value of a key the author left out: 0, or a default
 */
struct elfmod_policy_key_ops {
	const char *name;
	int (*parse)(const char *s, u64 *val);
	bool (*tighter)(u64 val, u64 signed_val);
	ssize_t (*show)(u64 val, char *buf);
	u64 dflt;
};

static const struct elfmod_policy_key_ops elfmod_policy_keys[] = {
	[ELFMOD_MEMORY_MAX] = { "memory_max", umh_elf_parse_bytes,
				elfmod_limit_tighter, elfmod_show_limit },
	[ELFMOD_PIDS_MAX] = { "pids_max", umh_elf_parse_pids,
			      elfmod_limit_tighter, elfmod_show_limit },
	[ELFMOD_RESTART] = { "restart", elfmod_parse_restart,
			     elfmod_restart_tighter, elfmod_show_restart },
	[ELFMOD_RESTART_MAX] = { "restart_max", elfmod_parse_restart_max,
				 elfmod_restart_max_tighter, elfmod_show_num,
				 ELF_UMH_RESTART_BURST },
	[ELFMOD_WATCHDOG_MS] = { "watchdog_ms", umh_elf_parse_watchdog,
				 elfmod_watchdog_tighter, elfmod_show_num },
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

/* The values the author signed; a key left out gets its default. */
static int elfmod_policy_signed(const char *name,
				const char *const modinfo[ELFMOD_POLICY_KEYS],
				struct elfmod_policy *policy)
{
	const struct elfmod_policy_key_ops *k;
	int i;

	for (i = 0; i < ELFMOD_POLICY_KEYS; i++) {
		k = &elfmod_policy_keys[i];
		policy->signed_val[i] = k->dflt;
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
	limits->memory_max = READ_ONCE(policy->val[ELFMOD_MEMORY_MAX]);
	limits->pids_max = READ_ONCE(policy->val[ELFMOD_PIDS_MAX]);
}

/*
 * Serialises the writes to the policies in sysfs.  Nothing is taken
 * under it: a write comes with the sysfs file's kernfs mutex held, whose
 * lock class the cgroup files the kernel writes share.
 */
static DEFINE_MUTEX(elfmod_policy_mutex);

/* Apply the limits in force to the module's processes (@em->limits). */
static void elfmod_policy_limits_work(struct work_struct *work)
{
	struct elf_module *em = container_of(work, struct elf_module, limits);
	struct umh_elf_limits limits;

	elfmod_policy_limits(&em->policy, &limits);
	umh_elf_update_limits(&em->proc, &limits);
}

/**
 * elfmod_policy_init() - prepare the policy changes of a new module
 * @em: the module
 *
 * Context: Any context.
 */
void elfmod_policy_init(struct elf_module *em)
{
	INIT_WORK(&em->limits, elfmod_policy_limits_work);
}

/**
 * elfmod_policy_stop() - no more policy changes for a module
 * @em: the module, whose sysfs files are gone
 *
 * Waits for a change of the limits under way: once this returns, nothing
 * writes the module's cgroup on its behalf (a cgroup of its name may
 * then be another module's).
 *
 * Context: Process context; sleeps.
 */
void elfmod_policy_stop(struct elf_module *em)
{
	cancel_work_sync(&em->limits);
}

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
	/* restart= and restart_max= are read when an instance ends. */
	switch (key) {
	case ELFMOD_WATCHDOG_MS:
		umh_elf_set_watchdog(&em->proc, v);
		break;
	case ELFMOD_MEMORY_MAX:
	case ELFMOD_PIDS_MAX:
		/* Not from here: see the top of this file. */
		queue_work(system_unbound_wq, &em->limits);
		break;
	default:
		break;
	}
	pr_info("elf-module %s: %s set to %s\n", name, k->name, val);
	return count;
}

static ssize_t elfmod_policy_attr_show(struct module_attribute *mattr,
				       struct module_kobject *mk, char *buf)
{
	enum elfmod_policy_key key = to_policy_attr(mattr)->key;
	u64 v = READ_ONCE(to_elf_module(mk->mod)->policy.val[key]);

	return elfmod_policy_keys[key].show(v, buf);
}

static ssize_t elfmod_policy_attr_store(struct module_attribute *mattr,
					struct module_kobject *mk,
					const char *buf, size_t count)
{
	return elfmod_policy_store(mk, to_policy_attr(mattr)->key, buf, count);
}

/* In elf_umh.c's elf/ group; root may write a tighter value. */
#define ELFMOD_POLICY_ATTR(_name, _key)					\
	struct elfmod_policy_attr elf_attr_##_name = {			\
		.mattr = __ATTR(_name, 0644, elfmod_policy_attr_show,	\
				elfmod_policy_attr_store),		\
		.key = _key,						\
	}

ELFMOD_POLICY_ATTR(memory_max, ELFMOD_MEMORY_MAX);
ELFMOD_POLICY_ATTR(pids_max, ELFMOD_PIDS_MAX);
ELFMOD_POLICY_ATTR(restart, ELFMOD_RESTART);
ELFMOD_POLICY_ATTR(restart_max, ELFMOD_RESTART_MAX);
ELFMOD_POLICY_ATTR(watchdog_ms, ELFMOD_WATCHDOG_MS);
