// SPDX-License-Identifier: GPL-2.0
/*
 * A one-shot ELF module: does its job and exits.  The load returns 0 if it
 * exits 0, or fails with the errno it gives elf_module_fail():
 *
 *	modprobe umh_sample_oneshot count=3	# logs three lines, returns 0
 *	modprobe umh_sample_oneshot count=x	# fails: Invalid argument
 *	modinfo -F parm umh_sample_oneshot	# count:steps to log, ... (long)
 */
#include <errno.h>
#include <stdio.h>
#include <elfmod.h>

ELF_MODULE_DESCRIPTION("Sample one-shot ELF module");
ELF_MODULE_LICENSE("GPL");
ELF_MODULE_CAPABILITIES("");	/* needs no privilege at all */

static long count = 1;
ELF_MODULE_PARAM(count, long, "steps to log, 0 to 100 (default 1)");

int main(int argc, char **argv)
{
	int i, err = elf_module_params(argc, argv);

	if (err)
		elf_module_fail(err, "bad parameters");
	if (count < 0 || count > 100)
		elf_module_fail(EINVAL, "count %ld is not from 0 to 100", count);
	for (i = 0; i < count; i++)
		fprintf(stderr, "job step %d of %ld\n", i + 1, count);
	return 0;
}
