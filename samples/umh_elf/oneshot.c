// SPDX-License-Identifier: GPL-2.0
/*
 * A one-shot ELF module: does its job and exits.  The load returns 0 if it
 * exits 0, or fails with its exit status as errno:
 *
 *	modprobe umh_sample_oneshot count=3	# logs three lines, returns 0
 *	modprobe umh_sample_oneshot count=x	# fails: Invalid argument
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/elf_module.h>

ELF_MODULE_DESCRIPTION("Sample one-shot ELF module");
ELF_MODULE_LICENSE("GPL");
ELF_MODULE_CAPABILITIES("");	/* needs no privilege at all */

int main(int argc, char **argv)
{
	long count = 1;
	char *end;
	int i;

	for (i = 1; i < argc; i++) {
		if (strncmp(argv[i], "count=", 6))
			exit(EINVAL);
		count = strtol(argv[i] + 6, &end, 10);
		if (*end || count < 0 || count > 100)
			exit(EINVAL);
	}
	for (i = 0; i < count; i++)
		fprintf(stderr, "job step %d of %ld\n", i + 1, count);
	return 0;
}
