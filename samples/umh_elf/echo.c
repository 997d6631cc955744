// SPDX-License-Identifier: GPL-2.0
/*
 * The module side of the channel to kernel code: every request the kernel
 * sends with umh_elf_call() is answered with a copy of itself.  Kernel
 * code gets it with umh_elf_get("umh_sample_echo"), which loads it on
 * demand.
 */
#include <elfmod.h>

ELF_MODULE_DESCRIPTION("Sample echo server for the in-kernel channel");
ELF_MODULE_LICENSE("GPL");
ELF_MODULE_CAPABILITIES("");

static union {
	struct elf_module_msg_hdr hdr;
	char bytes[sizeof(struct elf_module_msg_hdr) + ELF_MODULE_MSG_MAX];
} msg;

int main(void)
{
	long n;

	elf_module_ready();
	while ((n = elf_module_recv(&msg.hdr, sizeof(msg), NULL)) >= 0)
		if (elf_module_reply(&msg.hdr, &msg.hdr + 1, (size_t)n))
			return 1;
	return 0;	/* end of file: the kernel let go of the channel */
}
