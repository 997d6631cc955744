// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel side of the ELF modules benchmark (umh_elf_bench.c, make
 * bench): baselines that only kernel code can measure.  Not a test, and
 * not part of the test driver lib/test_umh_elf.c, which tests the API.
 *
 * Writing a command to /sys/kernel/debug/umh_elf_bench/run runs it; the
 * benchmark times the write:
 *
 *   hashcopy SIZE COUNT
 *	COUNT times, one SHA-256 pass and one copy over SIZE bytes: the least
 *	work a loader must do per byte of an image.
 *   hash SIZE COUNT
 *	COUNT times, one SHA-256 pass over SIZE bytes: what a loader adds to
 *	a launch that runs its own copy (the copy being made and timed by
 *	the benchmark itself).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/sha2.h>
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

static struct dentry *umh_elf_bench_dir;

/* @count SHA-256 passes over @size bytes, each followed by a copy if @copy */
static int umh_elf_bench_hash(size_t size, unsigned int count, bool copy)
{
	u8 digest[SHA256_DIGEST_SIZE];
	void *src, *dst = NULL;

	src = vzalloc(size);
	if (copy)
		dst = vmalloc(size);
	if (src && (dst || !copy)) {
		while (count--) {
			sha256(src, size, digest);
			if (copy)
				memcpy(dst, src, size);
		}
	}
	vfree(src);
	vfree(dst);
	return src && (dst || !copy) ? 0 : -ENOMEM;
}

static int umh_elf_bench_command(const char *cmd)
{
	unsigned int size, count;

	if (sscanf(cmd, "hashcopy %u %u", &size, &count) == 2)
		return umh_elf_bench_hash(size, count, true);
	if (sscanf(cmd, "hash %u %u", &size, &count) == 2)
		return umh_elf_bench_hash(size, count, false);
	return -EINVAL;
}

static ssize_t umh_elf_bench_run_write(struct file *file,
				       const char __user *ubuf, size_t count,
				       loff_t *ppos)
{
	char *cmd;
	int err;

	cmd = memdup_user_nul(ubuf, min_t(size_t, count, 255));
	if (IS_ERR(cmd))
		return PTR_ERR(cmd);
	err = umh_elf_bench_command(strim(cmd));
	kfree(cmd);
	return err ?: count;
}

static const struct file_operations umh_elf_bench_run_fops = {
	.owner = THIS_MODULE,
	.write = umh_elf_bench_run_write,
};

static int __init umh_elf_bench_init(void)
{
	umh_elf_bench_dir = debugfs_create_dir("umh_elf_bench", NULL);
	debugfs_create_file("run", 0200, umh_elf_bench_dir, NULL,
			    &umh_elf_bench_run_fops);
	return 0;
}

static void __exit umh_elf_bench_exit(void)
{
	debugfs_remove_recursive(umh_elf_bench_dir);
}

module_init(umh_elf_bench_init);
module_exit(umh_elf_bench_exit);
MODULE_DESCRIPTION("Kernel-side baselines of the ELF modules benchmark");
MODULE_LICENSE("GPL");
