// SPDX-License-Identifier: GPL-2.0
/*
 * The smallest ELF module: no libc, a few KiB, exits 0 at once.  The
 * selftests fuzz mutated copies of it and the benchmark measures the fixed
 * cost of a launch with it.  x86-64 only.
 */
#include <elfmod.h>

ELF_MODULE_NAME("umh_elf_tiny");
ELF_MODULE_DESCRIPTION("Smallest ELF module: exits 0");
ELF_MODULE_LICENSE("GPL");

void _start(void)
{
	/* exit_group(0) */
	asm volatile("syscall" : : "a"(231), "D"(0) : "rcx", "r11", "memory");
	__builtin_unreachable();
}
