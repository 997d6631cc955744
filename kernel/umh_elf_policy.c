// SPDX-License-Identifier: GPL-2.0
/*
 * ELF modules: the values of the supervision policy (SPEC section 9) as
 * .modinfo and the elf.KEY= parameters write them, parsed alike for
 * loaded modules (kernel/module/elf_umh_policy.c, which also says what
 * the administrator may change) and built-in ones
 * (kernel/umh_elf_builtin.c), and the timeouts of a start and a stop,
 * which both use:
 *
 *	memory_max=BYTES	a number, optionally followed by K, M or G
 *				(powers of 1024); at least 1
 *	pids_max=N		processes and threads, 1 to PID_MAX_LIMIT
 *	watchdog_ms=N		UMH_ELF_WATCHDOG_MIN_MS to ..._MAX_MS
 *
 *	module.elf_ready_timeout_ms	how long a start waits for READY=1
 *	module.elf_stop_timeout_ms	how long a stop waits before SIGKILL
 */
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <linux/threads.h>
#include "umh_elf_proc.h"

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "module."

/*
 * The two timeouts, in ms, and their bounds (elf-modules.rst): a value
 * with which no start could succeed, or that could park a module
 * forever, is refused with -EINVAL.
 */
#define UMH_ELF_READY_MIN_MS	100
#define UMH_ELF_READY_MAX_MS	(10 * 60 * 1000)
#define UMH_ELF_STOP_MIN_MS	100
#define UMH_ELF_STOP_MAX_MS	(60 * 1000)

static int umh_elf_set_ready_timeout(const char *val,
				     const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, UMH_ELF_READY_MIN_MS,
				     UMH_ELF_READY_MAX_MS);
}

static int umh_elf_set_stop_timeout(const char *val,
				    const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, UMH_ELF_STOP_MIN_MS,
				     UMH_ELF_STOP_MAX_MS);
}

static const struct kernel_param_ops umh_elf_ready_timeout_ops = {
	.set = umh_elf_set_ready_timeout,
	.get = param_get_uint,
};

static const struct kernel_param_ops umh_elf_stop_timeout_ops = {
	.set = umh_elf_set_stop_timeout,
	.get = param_get_uint,
};

static unsigned int elf_ready_timeout_ms = 30000;
module_param_cb(elf_ready_timeout_ms, &umh_elf_ready_timeout_ops,
		&elf_ready_timeout_ms, 0644);
MODULE_PARM_DESC(elf_ready_timeout_ms,
		 "How long an ELF module gets to become ready, in ms (100 to 600000)");

static unsigned int elf_stop_timeout_ms = 5000;
module_param_cb(elf_stop_timeout_ms, &umh_elf_stop_timeout_ops,
		&elf_stop_timeout_ms, 0644);
MODULE_PARM_DESC(elf_stop_timeout_ms,
		 "How long an ELF module gets to exit after SIGTERM, in ms (100 to 60000)");

/**
 * umh_elf_ready_timeout() - how long a load or a start waits for READY=1
 *
 * Context: Any context.
 * Return: module.elf_ready_timeout_ms, in jiffies.
 */
unsigned long umh_elf_ready_timeout(void)
{
	return msecs_to_jiffies(READ_ONCE(elf_ready_timeout_ms));
}

/**
 * umh_elf_stop_timeout() - how long a stop waits before SIGKILL
 *
 * Context: Any context.
 * Return: module.elf_stop_timeout_ms, in jiffies.
 */
unsigned long umh_elf_stop_timeout(void)
{
	return msecs_to_jiffies(READ_ONCE(elf_stop_timeout_ms));
}

/**
 * umh_elf_parse_bytes() - a memory_max= value
 * @s: "12", "64K", "32M", "1G"
 * @val: where to store the byte count
 *
 * Context: Any context.
 * Return: 0, or -EINVAL unless @s is a byte count of at least 1.
 */
int umh_elf_parse_bytes(const char *s, u64 *val)
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

/**
 * umh_elf_parse_pids() - a pids_max= value
 * @s: a number of processes and threads
 * @val: where to store it
 *
 * Context: Any context.
 * Return: 0, or -EINVAL unless @s is a number from 1 to PID_MAX_LIMIT.
 */
int umh_elf_parse_pids(const char *s, u64 *val)
{
	unsigned int n;

	if (kstrtouint(s, 10, &n) || !n || n > PID_MAX_LIMIT)
		return -EINVAL;
	*val = n;
	return 0;
}

/**
 * umh_elf_parse_watchdog() - a watchdog_ms= value
 * @s: a number of milliseconds
 * @val: where to store it
 *
 * Context: Any context.
 * Return: 0, or -EINVAL unless @s is from %UMH_ELF_WATCHDOG_MIN_MS to
 * %UMH_ELF_WATCHDOG_MAX_MS.
 */
int umh_elf_parse_watchdog(const char *s, u64 *val)
{
	unsigned int ms;

	if (kstrtouint(s, 10, &ms) || ms < UMH_ELF_WATCHDOG_MIN_MS ||
	    ms > UMH_ELF_WATCHDOG_MAX_MS)
		return -EINVAL;
	*val = ms;
	return 0;
}
