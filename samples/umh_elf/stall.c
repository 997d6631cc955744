// SPDX-License-Identifier: GPL-2.0
/*
 * A built-in ELF module (elfmod-y) that never says it is ready,
 * umh_sample_stall: a start of it waits for the ready timeout
 * (module.elf_ready_timeout_ms), or until its caller is killed.
 */
#include <elfmod.h>

ELF_MODULE_DESCRIPTION("Sample: a built-in ELF module that never gets ready");
ELF_MODULE_LICENSE("GPL");
ELF_MODULE_CAPABILITIES("");

int main(void)
{
	for (;;)
		sleep(1000);
}
