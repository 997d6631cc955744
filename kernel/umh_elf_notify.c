// SPDX-License-Identifier: GPL-2.0
/*
 * ELF modules, the notify fd: fd 3 of the main process, where the program
 * writes sd_notify lines (READY=1, STATUS=...).
 *
 * It is not a pipe.  A write hands its bytes straight to the kernel's
 * parser: nothing is buffered for a reader, and as an anonymous inode the
 * file cannot be reopened through /proc/PID/fd, so no other process can
 * read what the module says or swallow its READY=1.  Who holds a copy of
 * the fd does not matter either: membership of a module is its cgroup's
 * (umh_elf_contain.c), and a stranger's copy makes it no member.
 *
 * The file may outlive the module (a process that outlives a stop, or a
 * copy passed away): it then accepts and drops what is written.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "umh_elf_internal.h"

/* Bytes taken from user space at a time. */
#define UMH_ELF_NOTIFY_CHUNK	128

/**
 * struct umh_elf_notify - the open notify file of a module
 * @lock: serialises writers, so that one write() is parsed in one piece;
 *	protects @proc and the line buffer of @proc
 * @proc: the module, or NULL once it let go (umh_elf_notify_detach())
 * @kref: one reference for the file, one for @proc
 */
struct umh_elf_notify {
	struct mutex lock;		/* see @lock above */
	struct umh_elf_proc *proc;
	struct kref kref;
};

static void umh_elf_notify_free(struct kref *kref)
{
	kfree(container_of(kref, struct umh_elf_notify, kref));
}

static ssize_t umh_elf_notify_write(struct file *file, const char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	struct umh_elf_notify *ntf = file->private_data;
	char buf[UMH_ELF_NOTIFY_CHUNK];
	size_t done, n;

	if (mutex_lock_interruptible(&ntf->lock))
		return -ERESTARTSYS;
	for (done = 0; done < count; done += n) {
		n = min(count - done, sizeof(buf));
		if (copy_from_user(buf, ubuf + done, n)) {
			if (!done)
				done = -EFAULT;
			break;
		}
		if (ntf->proc)
			umh_elf_notify_bytes(ntf->proc, buf, n);
	}
	if (ntf->proc)
		wake_up_all(&ntf->proc->wq);
	mutex_unlock(&ntf->lock);
	return done;
}

/* The last holder closed it: a last line without '\n' counts. */
static int umh_elf_notify_release(struct inode *inode, struct file *file)
{
	struct umh_elf_notify *ntf = file->private_data;

	mutex_lock(&ntf->lock);
	if (ntf->proc) {
		umh_elf_notify_flush(ntf->proc);
		wake_up_all(&ntf->proc->wq);
	}
	mutex_unlock(&ntf->lock);
	kref_put(&ntf->kref, umh_elf_notify_free);
	return 0;
}

static const struct file_operations umh_elf_notify_fops = {
	.owner		= THIS_MODULE,
	.write		= umh_elf_notify_write,
	.release	= umh_elf_notify_release,
	.llseek		= noop_llseek,
};

/**
 * umh_elf_notify_open() - make the notify file of a module
 * @proc: the module; its line buffer is fed by writes to the file
 *
 * Context: Process context; sleeps.
 * Return: a write-only file to install as fd 3, or an ERR_PTR().
 */
struct file *umh_elf_notify_open(struct umh_elf_proc *proc)
{
	struct umh_elf_notify *ntf;
	struct file *file;

	ntf = kzalloc(sizeof(*ntf), GFP_KERNEL);
	if (!ntf)
		return ERR_PTR(-ENOMEM);
	mutex_init(&ntf->lock);
	kref_init(&ntf->kref);
	ntf->proc = proc;
	file = anon_inode_getfile("[elf-module-notify]", &umh_elf_notify_fops,
				  ntf, O_WRONLY);
	if (IS_ERR(file)) {
		kfree(ntf);
		return file;
	}
	kref_get(&ntf->kref);
	proc->ntf = ntf;
	return file;
}

/**
 * umh_elf_notify_detach() - stop listening to the notify file of a module
 * @proc: the module
 *
 * Once this returns, no write reaches @proc any more.
 *
 * Context: Process context; sleeps.
 */
void umh_elf_notify_detach(struct umh_elf_proc *proc)
{
	struct umh_elf_notify *ntf = proc->ntf;

	if (!ntf)
		return;
	mutex_lock(&ntf->lock);
	ntf->proc = NULL;
	mutex_unlock(&ntf->lock);
	kref_put(&ntf->kref, umh_elf_notify_free);
	proc->ntf = NULL;
}

/**
 * umh_elf_notify_pending() - what a module wrote to fd 3 after its last
 *	newline
 * @proc: the module
 * @buf: where to copy it, NUL-terminated
 * @size: size of @buf
 *
 * For the log of a module that timed out: a READY=1 without its newline
 * is the usual reason.
 *
 * Context: Process context; sleeps.
 * Return: the length copied, 0 if there is none, or -E2BIG if it was cut
 * to fit.
 */
ssize_t umh_elf_notify_pending(struct umh_elf_proc *proc, char *buf,
			       size_t size)
{
	struct umh_elf_notify *ntf = proc->ntf;
	ssize_t len = 0;

	buf[0] = '\0';
	if (!ntf)
		return 0;
	mutex_lock(&ntf->lock);
	if (ntf->proc)
		len = umh_elf_notify_partial(proc, buf, size);
	mutex_unlock(&ntf->lock);
	return len;
}
