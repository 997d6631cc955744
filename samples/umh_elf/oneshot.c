// SPDX-License-Identifier: GPL-2.0
/*
 * A one-shot ELF module: does its job and exits.  The load returns 0 if it
 * exits 0, or fails with its exit status as errno:
 *
 *	modprobe umh_sample_oneshot count=3	# logs three lines, returns 0
 *	modprobe umh_sample_oneshot count=x	# fails: Invalid argument
 *	modinfo -F parm umh_sample_oneshot	# count:steps to log, ...
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <elfmod.h>

ELF_MODULE_DESCRIPTION("Sample one-shot ELF module");
ELF_MODULE_LICENSE("GPL");
ELF_MODULE_CAPABILITIES("");	/* needs no privilege at all */
ELF_MODULE_PARM(count, "steps to log, 0 to 100 (default 1)");

int main(int argc, char **argv)
{
	long count = 1;
	int i;

	if (elf_module_param_long(argc, argv, "count", &count) ||
	    count < 0 || count > 100)
		exit(EINVAL);
	for (i = 0; i < count; i++)
		fprintf(stderr, "job step %d of %ld\n", i + 1, count);
	return 0;
}
