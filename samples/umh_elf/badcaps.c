// SPDX-License-Identifier: GPL-2.0
/*
 * A built-in ELF module (elfmod-y) whose capabilities= names no
 * capability, umh_sample_badcaps: refused at boot as a load of it would
 * be, with the same log line; it is not listed in /sys/module.
 */
#include <elfmod.h>

ELF_MODULE_DESCRIPTION("Sample: a capabilities= list the kernel refuses");
ELF_MODULE_LICENSE("GPL");
ELF_MODULE_CAPABILITIES("cap_net_admin,cap_bogus");

int main(void)
{
	return 0;
}
