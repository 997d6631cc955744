// SPDX-License-Identifier: GPL-2.0
/*
 * The module side of the channel to kernel code: every request the kernel
 * sends with umh_elf_call() is answered with a copy of itself.  Kernel
 * code gets it with umh_elf_get("umh_sample_echo"), which loads it on
 * demand.  Built against nolibc (umh_sample_echo-nolibc := y): 20 KiB.
 */
#include <elfmod.h>

ELF_MODULE_DESCRIPTION("Sample echo server for the in-kernel channel");
ELF_MODULE_LICENSE("GPL");
ELF_MODULE_CAPABILITIES("");

static int echo(const struct elf_module_msg_hdr *req, int *fds, void *arg)
{
	return elf_module_reply(req, elf_module_payload(req), req->len);
}

int main(void)
{
	elf_module_ready();
	/* 0 at end of file: the kernel let go of the channel. */
	return elf_module_serve(echo, NULL) ? 1 : 0;
}
