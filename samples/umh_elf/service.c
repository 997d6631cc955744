// SPDX-License-Identifier: GPL-2.0
/*
 * A long-running ELF module: sets itself up, says READY=1 (the load
 * returns 0 then), reports its state with STATUS=, and exits cleanly on
 * rmmod's SIGTERM.
 */
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <elfmod.h>

ELF_MODULE_DESCRIPTION("Sample long-running ELF module");
ELF_MODULE_LICENSE("GPL");
ELF_MODULE_CAPABILITIES("cap_net_admin");

int main(void)
{
	struct timespec tick = { .tv_sec = 1 };
	unsigned long ticks = 0;
	sigset_t term;

	/* SIGTERM (rmmod) is taken synchronously, once a tick. */
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, NULL);

	elf_module_status("starting");
	/* ... open what the service needs here ... */
	elf_module_status("serving, tick 0");
	elf_module_ready();	/* after the status: modprobe sees it */
	while (sigtimedwait(&term, NULL, &tick) != SIGTERM)
		elf_module_statusf("serving, tick %lu", ++ticks);
	fprintf(stderr, "stopping on SIGTERM after %lu ticks\n", ticks);
	return 0;
}
