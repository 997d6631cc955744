/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ELF modules built into the kernel image: the table Kbuild links in for
 * each elfmod-y program (scripts/Makefile.elfmod writes one entry per
 * program, in the __umh_elf_builtin section), read by
 * kernel/umh_elf_builtin.c.
 */
#ifndef _KERNEL_UMH_ELF_BUILTIN_H
#define _KERNEL_UMH_ELF_BUILTIN_H

/**
 * struct umh_elf_builtin_image - an ELF module linked into the kernel
 * @image: the statically linked executable, in read-only data
 * @image_end: its end
 * @modinfo: a copy of its .modinfo section: NUL-terminated key=value
 *	strings
 * @modinfo_end: its end
 *
 * Four pointers, in this order: the layout the generated assembly of
 * scripts/Makefile.elfmod writes.
 */
struct umh_elf_builtin_image {
	const char *image;
	const char *image_end;
	const char *modinfo;
	const char *modinfo_end;
};

extern const struct umh_elf_builtin_image __start___umh_elf_builtin[];
extern const struct umh_elf_builtin_image __stop___umh_elf_builtin[];

#endif /* _KERNEL_UMH_ELF_BUILTIN_H */
