// SPDX-License-Identifier: GPL-2.0
/*
 * ELF modules, process side: the image file an ELF module runs from.
 *
 * The image is an unlinked shmem file that the kernel creates with its
 * own credentials and holds alone: no directory, name or file descriptor
 * of any process leads to it.  It is sealed against writes and resizing
 * before anything else can see it, and the user-mode helper execs it as a
 * file, without a path.  Once the process runs, the image lives on only as
 * the process's executable and mappings, in pageable shmem, which exec
 * keeps from being opened for writing.
 *
 * The bytes get there in one of two ways:
 * - umh_elf_image() copies bytes the kernel holds: the buffer of
 *   init_module(), a decompressed module, an image built into the kernel;
 * - umh_elf_image_create() gives the loader the new file's pages, mapped
 *   into one buffer, for finit_module() to read the module file into:
 *   the file is then copied once, straight into the pages that will run,
 *   and its signature is checked there.  umh_elf_image_finish() then cuts
 *   the file to the length that was checked and seals it.
 */
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/memfd.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched/signal.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "umh_elf_internal.h"

/*
 * The seals of an image file: no write, no change of size, no change of
 * the exec bits, and no further seal: the set is final.
 */
#define UMH_ELF_SEALS	(F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | \
			 F_SEAL_WRITE | F_SEAL_EXEC)

/*
 * A new shmem file of @size bytes named @name, the kernel's own.  While
 * nobody else can see the inode, as memfd_create() does: r-x for all, w
 * for none, and open to sealing (shmem starts sealed).
 */
static struct file *umh_elf_image_file(const char *name, loff_t size)
{
	struct inode *inode;
	struct file *file;

	scoped_with_kernel_creds()
		file = shmem_file_setup(name, size, VM_NORESERVE);
	if (IS_ERR(file))
		return file;
	inode = file_inode(file);
	inode->i_mode &= ~0222;
	SHMEM_I(inode)->seals &= ~F_SEAL_SEAL;
	return file;
}

/*
 * Seal @file and open it for exec as do_open_execat() opens one, so that
 * LSMs and fanotify see an open for exec, by the kernel: it belongs to
 * root, its mode is 0555, and LSMs see the kernel as its creator.  Drops
 * the caller's reference to @file.
 */
static struct file *umh_elf_image_seal(struct file *file)
{
	struct file *exe;
	int err;

	err = memfd_fcntl(file, F_ADD_SEALS, UMH_ELF_SEALS);
	exe = err ? ERR_PTR(err) :
		    dentry_open(&file->f_path,
				O_RDONLY | O_LARGEFILE | __FMODE_EXEC,
				kernel_cred());
	fput(file);
	return exe;
}

/**
 * umh_elf_image() - place bytes in a new, sealed image file
 * @name: name of the file, that of the module
 * @image: the verified bytes
 * @len: length of @image
 *
 * Context: Process context; sleeps.
 * Return: the image file, open read-only for exec, or an ERR_PTR().
 */
struct file *umh_elf_image(const char *name, const void *image, size_t len)
{
	struct file *file;
	ssize_t written;
	loff_t pos = 0;

	file = umh_elf_image_file(name, 0);
	if (IS_ERR(file))
		return file;
	written = kernel_write(file, image, len, &pos);
	if (written != len) {
		fput(file);
		return ERR_PTR(written < 0 ? written : -ENOSPC);
	}
	return umh_elf_image_seal(file);
}

/* Let go of the pages of @img and of their mapping; mark them written. */
static void umh_elf_image_unmap(struct umh_elf_image *img, bool written)
{
	unsigned int i;

	vunmap(img->data);
	img->data = NULL;
	for (i = 0; i < img->nr_pages; i++) {
		/* Else reclaim may take a clean page for a hole of zeros. */
		if (written)
			set_page_dirty_lock(img->pages[i]);
		put_page(img->pages[i]);
	}
	kvfree(img->pages);
	img->pages = NULL;
	img->nr_pages = 0;
}

/* Get the @nr pages of @img's file, zeroed, and map them as one buffer. */
static int umh_elf_image_map(struct umh_elf_image *img, unsigned int nr)
{
	struct address_space *mapping = img->file->f_mapping;
	struct page *page;

	img->pages = kvmalloc_array(nr, sizeof(*img->pages), GFP_KERNEL);
	if (!img->pages)
		return -ENOMEM;
	while (img->nr_pages < nr) {
		/* As vmalloc() does: a killed loader gives up a large image. */
		if (fatal_signal_pending(current))
			return -EINTR;
		page = shmem_read_mapping_page(mapping, img->nr_pages);
		if (IS_ERR(page))
			return PTR_ERR(page);
		img->pages[img->nr_pages++] = page;
	}
	img->data = vmap(img->pages, nr, VM_MAP, PAGE_KERNEL);
	return img->data ? 0 : -ENOMEM;
}

/**
 * umh_elf_image_create() - a new image file to read an image into
 * @size: the most bytes that will be read into it, at least 1
 *
 * Makes a new shmem file of @size bytes and maps its pages into
 * @img->data, where the caller places the image.  The file is unsealed,
 * nobody else's, and named "elf-module" until umh_elf_image_finish()
 * gives it the module's name.
 *
 * Context: Process context; sleeps.
 * Return: the image, to be ended with umh_elf_image_free(), or an
 * ERR_PTR().
 */
struct umh_elf_image *umh_elf_image_create(size_t size)
{
	struct umh_elf_image *img;
	int err;

	if (!size || size > INT_MAX)
		return ERR_PTR(-EINVAL);
	img = kzalloc(sizeof(*img), GFP_KERNEL);
	if (!img)
		return ERR_PTR(-ENOMEM);
	img->file = umh_elf_image_file("elf-module", size);
	if (IS_ERR(img->file)) {
		err = PTR_ERR(img->file);
		img->file = NULL;
		goto free;
	}
	err = umh_elf_image_map(img, DIV_ROUND_UP(size, PAGE_SIZE));
	if (!err)
		return img;
free:
	umh_elf_image_free(img);
	return ERR_PTR(err);
}

/*
 * Trade @img's file for one of the same inode named @name, which is what
 * /proc/PID/exe shows (the name is not known when the file is made).
 */
static struct file *umh_elf_image_name(struct umh_elf_image *img,
				       const char *name)
{
	struct inode *inode = file_inode(img->file);
	struct file *named;

	ihold(inode);
	scoped_with_kernel_creds()
		named = alloc_file_pseudo(inode, img->file->f_path.mnt, name,
					  O_RDWR | O_LARGEFILE,
					  img->file->f_op);
	if (IS_ERR(named)) {
		iput(inode);
		return named;
	}
	fput(img->file);
	img->file = NULL;
	return named;
}

/**
 * umh_elf_image_finish() - end an image read into umh_elf_image_create()'s
 * @img: the image, whose first @len bytes of @img->data were verified
 * @name: name of the file, that of the module
 * @len: length of the image: the file is cut to it
 *
 * Unmaps the pages, names the file, cuts it to @len bytes (dropping, say,
 * an appended signature) and seals it.  @img->data is gone afterwards;
 * @img still needs umh_elf_image_free().
 *
 * Context: Process context; sleeps.
 * Return: the image file, open read-only for exec, or an ERR_PTR().
 */
struct file *umh_elf_image_finish(struct umh_elf_image *img,
				  const char *name, size_t len)
{
	struct file *named;
	int err;

	if (!img->data || !len)
		return ERR_PTR(-EINVAL);
	umh_elf_image_unmap(img, true);
	named = umh_elf_image_name(img, name);
	if (IS_ERR(named))
		return named;
	scoped_with_kernel_creds()
		err = vfs_truncate(&named->f_path, len);
	if (err) {
		fput(named);
		return ERR_PTR(err);
	}
	return umh_elf_image_seal(named);
}

/**
 * umh_elf_image_free() - let go of an image made by umh_elf_image_create()
 * @img: the image, or NULL
 *
 * A file that umh_elf_image_finish() returned lives on by itself.
 *
 * Context: Process context; sleeps.
 */
void umh_elf_image_free(struct umh_elf_image *img)
{
	if (!img)
		return;
	if (img->pages)
		umh_elf_image_unmap(img, false);
	if (img->file)
		fput(img->file);
	kfree(img);
}
