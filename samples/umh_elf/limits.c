// SPDX-License-Identifier: GPL-2.0
/*
 * A built-in ELF module (elfmod-y) that declares capabilities and
 * resource limits, umh_sample_limits: it runs with exactly
 * CAP_NET_BIND_SERVICE and CAP_KILL, not as root, and with at most 4
 * processes and 16 MiB in its cgroup.  It forks until pids_max= stops
 * it, says how far it got in STATUS=, then waits with its children,
 * without ever writing WATCHDOG=1: 5 s after READY=1 the watchdog stops
 * it.  restart= is not supported built in: the kernel logs that it
 * ignores it.
 */
#include <elfmod.h>

ELF_MODULE_DESCRIPTION("Sample: capabilities and limits, built in");
ELF_MODULE_LICENSE("GPL");
ELF_MODULE_CAPABILITIES("cap_net_bind_service,cap_kill");
ELF_MODULE_MEMORY_MAX("16M");
ELF_MODULE_PIDS_MAX("4");
ELF_MODULE_WATCHDOG_MS("5000");
ELF_MODULE_RESTART("on-failure");

#define TRIES	16

int main(void)
{
	char status[] = "forked NN";
	int n;
	pid_t pid;

	for (n = 0; n < TRIES; n++) {
		pid = fork();
		if (pid < 0)
			break;
		if (!pid)
			for (;;)
				sleep(1000);
	}
	status[7] = '0' + n / 10;
	status[8] = '0' + n % 10;
	elf_module_status(status);
	elf_module_ready();
	for (;;)
		sleep(1000);
}
