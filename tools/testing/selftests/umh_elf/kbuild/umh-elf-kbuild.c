// SPDX-License-Identifier: GPL-2.0
/*
 * An ELF module built by Kbuild from outside the tree (see Kbuild here):
 * Kbuild names it, the program declares the rest.
 */
#include <signal.h>
#include <stdio.h>
#include <elfmod.h>

ELF_MODULE_ALIAS("umh-elf-kbuild-alias");
ELF_MODULE_DESCRIPTION("ELF module built with elfmod-m");
ELF_MODULE_LICENSE("GPL");
ELF_MODULE_CAPABILITIES("");

int main(void)
{
	sigset_t term;
	int sig;

	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, NULL);
	fprintf(stderr, "%s\n", GREETING);
	elf_module_ready();
	sigwait(&term, &sig);
	return 0;
}
