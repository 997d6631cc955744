// SPDX-License-Identifier: GPL-2.0
/*
 * ELF modules, credentials: a module that declares capabilities= gets
 * those capabilities and nothing that uid 0 implies.
 *
 * It runs as a uid and gid of its own, taken per running instance from a
 * range reserved for ELF modules (module.elf_uid_base, 65536 ids), so
 * that two modules cannot signal or ptrace each other and neither can
 * write what only root may write (root-owned files, sysctls such as
 * /proc/sys/kernel/modprobe).  Its declared capabilities are its
 * bounding, permitted, inheritable and ambient sets, so that they survive
 * the exec of a non-root program as its effective set; root's special
 * treatment is locked off (SECBIT_NOROOT, SECBIT_NO_SETUID_FIXUP, and
 * SECBIT_KEEP_CAPS locked off) and no_new_privs is set: nothing it execs
 * gains privileges.
 *
 * A module without capabilities= keeps the full user-mode-helper set as
 * root, as user-mode helpers always had.
 *
 * The list itself is parsed here too, for loaded and built-in modules
 * alike (umh_elf_parse_caps()).
 */
#include <linux/cred.h>
#include <linux/idr.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/sched/user.h>
#include <linux/securebits.h>
#include <linux/string.h>
#include <linux/uidgid.h>
#include "umh_elf_internal.h"

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "module."

/* How many modules with capabilities= can run at once: the range size. */
#define UMH_ELF_UIDS		65536
#define UMH_ELF_UID_BASE	0x70000000U

/* First uid (and gid) of the range; the range must fit below (uid_t)-1. */
static unsigned int elf_uid_base = UMH_ELF_UID_BASE;

static int umh_elf_uid_base_set(const char *val, const struct kernel_param *kp)
{
	unsigned int base;
	int err;

	err = kstrtouint(val, 0, &base);
	if (err)
		return err;
	if (!base || base > (unsigned int)-1 - UMH_ELF_UIDS)
		return -EINVAL;
	WRITE_ONCE(elf_uid_base, base);
	return 0;
}

static const struct kernel_param_ops umh_elf_uid_base_ops = {
	.set = umh_elf_uid_base_set,
	.get = param_get_uint,
};

module_param_cb(elf_uid_base, &umh_elf_uid_base_ops, &elf_uid_base, 0644);
MODULE_PARM_DESC(elf_uid_base,
		 "First of the 65536 uids and gids given to ELF modules that declare capabilities=");

/* Slots of the uid range in use by running modules. */
static DEFINE_IDA(umh_elf_uid_ida);

/**
 * umh_elf_cred_get() - take a uid for a module that declares capabilities=
 * @proc: state set up by umh_elf_proc_init(); nothing is done unless
 *	@proc->limit_caps is set
 *
 * Context: Process context.
 * Return: 0, or -EAGAIN when every uid of the range is in use.
 */
int umh_elf_cred_get(struct umh_elf_proc *proc)
{
	int slot;

	if (!proc->limit_caps)
		return 0;
	slot = ida_alloc_max(&umh_elf_uid_ida, UMH_ELF_UIDS - 1, GFP_KERNEL);
	if (slot < 0)
		return slot == -ENOSPC ? -EAGAIN : slot;
	proc->uid_slot = slot + 1;
	proc->uid = READ_ONCE(elf_uid_base) + slot;
	return 0;
}

/**
 * umh_elf_cred_put() - give back the uid of a module
 * @proc: state whose uid umh_elf_cred_get() took, or none
 *
 * Context: Any.
 */
void umh_elf_cred_put(struct umh_elf_proc *proc)
{
	if (proc->uid_slot)
		ida_free(&umh_elf_uid_ida, proc->uid_slot - 1);
	proc->uid_slot = 0;
}

/**
 * umh_elf_cred_apply() - the credentials a module declared
 * @proc: state whose uid umh_elf_cred_get() took
 * @new: the credentials the user-mode helper will exec with
 *
 * Caps every capability set at @proc->caps (and the bounding set the
 * user-mode-helper machinery already applied), makes the declared ones
 * inheritable and ambient, switches to the module's uid and gid, locks
 * the securebits and sets no_new_privs on the current task.
 *
 * Context: The user-mode helper before exec.
 * Return: 0 or -ENOMEM.
 */
int umh_elf_cred_apply(struct umh_elf_proc *proc, struct cred *new)
{
	kernel_cap_t caps = cap_intersect(new->cap_bset, proc->caps);
	kuid_t uid = make_kuid(&init_user_ns, proc->uid);
	kgid_t gid = make_kgid(&init_user_ns, proc->uid);
	struct user_struct *user;

	user = alloc_uid(uid);
	if (!user)
		return -ENOMEM;
	free_uid(new->user);
	new->user = user;

	new->cap_bset = caps;
	new->cap_permitted = caps;
	new->cap_effective = caps;
	new->cap_inheritable = caps;
	new->cap_ambient = caps;
	new->uid = uid;
	new->euid = uid;
	new->suid = uid;
	new->fsuid = uid;
	new->gid = gid;
	new->egid = gid;
	new->sgid = gid;
	new->fsgid = gid;
	new->securebits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
			  SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED |
			  SECBIT_KEEP_CAPS_LOCKED;
	task_set_no_new_privs(current);
	return set_cred_ucounts(new);
}

struct umh_elf_cap_name {
	int cap;
	const char *name;
};

#define UMH_ELF_CAP(c)	{ CAP_##c, #c }
static const struct umh_elf_cap_name umh_elf_caps[] = {
	UMH_ELF_CAP(CHOWN), UMH_ELF_CAP(DAC_OVERRIDE),
	UMH_ELF_CAP(DAC_READ_SEARCH), UMH_ELF_CAP(FOWNER),
	UMH_ELF_CAP(FSETID), UMH_ELF_CAP(KILL), UMH_ELF_CAP(SETGID),
	UMH_ELF_CAP(SETUID), UMH_ELF_CAP(SETPCAP),
	UMH_ELF_CAP(LINUX_IMMUTABLE), UMH_ELF_CAP(NET_BIND_SERVICE),
	UMH_ELF_CAP(NET_BROADCAST), UMH_ELF_CAP(NET_ADMIN),
	UMH_ELF_CAP(NET_RAW), UMH_ELF_CAP(IPC_LOCK), UMH_ELF_CAP(IPC_OWNER),
	UMH_ELF_CAP(SYS_MODULE), UMH_ELF_CAP(SYS_RAWIO),
	UMH_ELF_CAP(SYS_CHROOT), UMH_ELF_CAP(SYS_PTRACE),
	UMH_ELF_CAP(SYS_PACCT), UMH_ELF_CAP(SYS_ADMIN), UMH_ELF_CAP(SYS_BOOT),
	UMH_ELF_CAP(SYS_NICE), UMH_ELF_CAP(SYS_RESOURCE),
	UMH_ELF_CAP(SYS_TIME), UMH_ELF_CAP(SYS_TTY_CONFIG),
	UMH_ELF_CAP(MKNOD), UMH_ELF_CAP(LEASE), UMH_ELF_CAP(AUDIT_WRITE),
	UMH_ELF_CAP(AUDIT_CONTROL), UMH_ELF_CAP(SETFCAP),
	UMH_ELF_CAP(MAC_OVERRIDE), UMH_ELF_CAP(MAC_ADMIN),
	UMH_ELF_CAP(SYSLOG), UMH_ELF_CAP(WAKE_ALARM),
	UMH_ELF_CAP(BLOCK_SUSPEND), UMH_ELF_CAP(AUDIT_READ),
	UMH_ELF_CAP(PERFMON), UMH_ELF_CAP(BPF),
	UMH_ELF_CAP(CHECKPOINT_RESTORE),
};

static_assert(ARRAY_SIZE(umh_elf_caps) == CAP_LAST_CAP + 1);

/* A capability by its name, with or without "cap_", in any case. */
static int umh_elf_cap_by_name(const char *name, size_t len)
{
	const struct umh_elf_cap_name *c;

	if (len > 4 && !strncasecmp(name, "cap_", 4)) {
		name += 4;
		len -= 4;
	}
	for (c = umh_elf_caps; c < umh_elf_caps + ARRAY_SIZE(umh_elf_caps); c++)
		if (strlen(c->name) == len && !strncasecmp(c->name, name, len))
			return c->cap;
	return -EINVAL;
}

/**
 * umh_elf_parse_caps() - the capabilities= list of a module's .modinfo
 * @modname: the module's name, for the log
 * @list: the value of capabilities=: names separated by commas, with or
 *	without "cap_", in any case; empty for no capability at all
 * @caps: where to store the set
 *
 * Loaded (kernel/module/elf_umh.c) and built-in (kernel/umh_elf_builtin.c)
 * modules alike; pass the result to umh_elf_limit_caps().
 *
 * Context: Any context.
 * Return: 0, or -EINVAL for a name that is no capability (logged).
 */
int umh_elf_parse_caps(const char *modname, const char *list,
		       kernel_cap_t *caps)
{
	const char *p = list;
	size_t len;
	int cap;

	*caps = CAP_EMPTY_SET;
	for (; *p; p += len + (p[len] == ',')) {
		len = strcspn(p, ",");
		cap = umh_elf_cap_by_name(p, len);
		if (cap < 0) {
			pr_err("elf-module %s: rejected: unknown capability '%.*s'\n",
			       modname, (int)len, p);
			return -EINVAL;
		}
		cap_raise(*caps, cap);
	}
	return 0;
}
