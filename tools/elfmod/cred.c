// SPDX-License-Identifier: GPL-2.0
/*
 * elfmod-run: the credentials of a module that declares capabilities=,
 * as the kernel gives them (kernel/umh_elf_cred.c): a uid and gid of its
 * own, exactly the declared capabilities in every set (ambient too, so
 * they survive the exec), root's special treatment locked off, and
 * no_new_privs.  Only root can hand out another uid: run as another
 * user, elfmod-run checks the list and says it cannot apply it.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "elfmod-run.h"

/* The kernel's names (capabilities(7)), CAP_CHOWN = 0 first. */
static const char *const cap_names[] = {
	"chown", "dac_override", "dac_read_search", "fowner", "fsetid",
	"kill", "setgid", "setuid", "setpcap", "linux_immutable",
	"net_bind_service", "net_broadcast", "net_admin", "net_raw",
	"ipc_lock", "ipc_owner", "sys_module", "sys_rawio", "sys_chroot",
	"sys_ptrace", "sys_pacct", "sys_admin", "sys_boot", "sys_nice",
	"sys_resource", "sys_time", "sys_tty_config", "mknod", "lease",
	"audit_write", "audit_control", "setfcap", "mac_override",
	"mac_admin", "syslog", "wake_alarm", "block_suspend", "audit_read",
	"perfmon", "bpf", "checkpoint_restore",
};

/* A capability by its name, with or without "cap_", in any case. */
static int cap_by_name(const char *name, size_t len)
{
	unsigned int i;

	if (len > 4 && !strncasecmp(name, "cap_", 4)) {
		name += 4;
		len -= 4;
	}
	for (i = 0; i < ARRAY_SIZE(cap_names); i++)
		if (strlen(cap_names[i]) == len &&
		    !strncasecmp(cap_names[i], name, len))
			return (int)i;
	return -EINVAL;
}

/**
 * caps_parse() - the capabilities= list as a mask, as the loader reads it
 * @img: the image; its name is used in the log line
 * @mask: the capabilities, bit N for capability N
 *
 * Return: 0, or -EINVAL for an unknown name (logged as the kernel does).
 */
int caps_parse(const struct image *img, unsigned long long *mask)
{
	const char *p = img->caps;
	size_t len;
	int cap;

	*mask = 0;
	for (; *p; p += len + (p[len] == ',')) {
		len = strcspn(p, ",");
		cap = cap_by_name(p, len);
		if (cap < 0) {
			say("elf-module %s: rejected: unknown capability '%.*s'",
			    img->name, (int)len, p);
			return -EINVAL;
		}
		*mask |= 1ULL << cap;
	}
	return 0;
}

/**
 * caps_apply() - in the child, before exec: become what the kernel makes
 *	a module with capabilities=
 * @mask: from caps_parse()
 * @id: its uid and gid
 *
 * Return: 0, or -errno.
 */
int caps_apply(unsigned long long mask, unsigned int id)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	unsigned int bits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
			    SECBIT_NO_SETUID_FIXUP |
			    SECBIT_NO_SETUID_FIXUP_LOCKED |
			    SECBIT_KEEP_CAPS_LOCKED;
	int cap;

	for (cap = 0; cap <= CAP_LAST_CAP; cap++)
		if (!(mask & (1ULL << cap)) &&
		    prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno != EINVAL)
			return -errno;
	if (prctl(PR_SET_SECUREBITS, bits, 0, 0, 0) ||
	    setgroups(0, NULL) || setresgid(id, id, id) ||
	    setresuid(id, id, id))
		return -errno;
	d[0].effective = (unsigned int)mask;
	d[1].effective = (unsigned int)(mask >> 32);
	d[0].permitted = d[0].effective;
	d[1].permitted = d[1].effective;
	d[0].inheritable = d[0].effective;
	d[1].inheritable = d[1].effective;
	if (syscall(SYS_capset, &h, d))
		return -errno;
	for (cap = 0; cap <= CAP_LAST_CAP; cap++)
		if ((mask & (1ULL << cap)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0))
			return -errno;
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ? -errno : 0;
}
