// SPDX-License-Identifier: GPL-2.0
/*
 * A plain loadable kernel module, loaded by the ELF modules selftests to
 * check that regular modules load, list and unload exactly as before.
 */
#include <linux/init.h>
#include <linux/module.h>

static int __init umh_elf_regular_init(void)
{
	pr_info("umh_elf_regular: loaded\n");
	return 0;
}

static void __exit umh_elf_regular_exit(void)
{
	pr_info("umh_elf_regular: unloaded\n");
}

module_init(umh_elf_regular_init);
module_exit(umh_elf_regular_exit);
MODULE_DESCRIPTION("Regular module for the ELF modules selftests");
MODULE_ALIAS("umh-elf-regular-alias");
MODULE_LICENSE("GPL");
