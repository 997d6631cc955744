// SPDX-License-Identifier: GPL-2.0
/*
 * A file that maps one memory BAR of a PCI device.
 *
 * A driver that hands its device to a process (an ELF module: see
 * Documentation/admin-guide/elf-modules.rst, "Drivers in user space")
 * creates one with pci_bar_file_create() and passes it on; the process
 * maps the BAR with mmap(MAP_SHARED) on it, at offset 0 for the start of
 * the BAR.  No path in /dev or sysfs leads to it: only whoever the driver
 * gives it to holds it.
 *
 * The driver takes the device back with pci_bar_file_revoke() before it
 * lets the device go (its remove() callback): every mapping of the file
 * is zapped, and later accesses and mmap() calls fail (SIGBUS, ENODEV).
 * Pages are inserted on fault under the same lock the revocation takes,
 * so no mapping made concurrently survives it.
 *
 * The code is built into the kernel, so the holders of such a file never
 * keep the driver's module loaded: unloading the driver revokes the file
 * and leaves an inert file to its holders, to be closed when they like.
 */
#include <linux/anon_inodes.h>
#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/pci-bar-file.h>
#include <linux/rwsem.h>
#include <linux/slab.h>

/**
 * struct pci_bar_file - what a BAR file maps
 * @pdev: the device, referenced
 * @pfn: first page frame of the BAR
 * @pages: pages of the BAR (its length rounded up)
 * @mappings: mappings (VMAs) of the file that exist now
 * @lock: taken for reading by the fault handler while it checks @revoked
 *	and inserts a page, and for writing to set @revoked
 * @revoked: the driver took the device back: no more pages, no mmap()
 */
struct pci_bar_file {
	struct pci_dev *pdev;
	unsigned long pfn;
	unsigned long pages;
	atomic_t mappings;
	struct rw_semaphore lock;	/* see @lock above */
	bool revoked;
};

static void pci_bar_file_vm_open(struct vm_area_struct *vma)
{
	struct pci_bar_file *bf = vma->vm_file->private_data;

	atomic_inc(&bf->mappings);
}

static void pci_bar_file_vm_close(struct vm_area_struct *vma)
{
	struct pci_bar_file *bf = vma->vm_file->private_data;

	atomic_dec(&bf->mappings);
}

static vm_fault_t pci_bar_file_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct pci_bar_file *bf = vma->vm_file->private_data;
	unsigned long pgoff;
	vm_fault_t ret = VM_FAULT_SIGBUS;

	pgoff = vma->vm_pgoff + ((vmf->address - vma->vm_start) >> PAGE_SHIFT);
	down_read(&bf->lock);
	if (!bf->revoked && pgoff < bf->pages)
		ret = vmf_insert_pfn(vma, vmf->address, bf->pfn + pgoff);
	up_read(&bf->lock);
	return ret;
}

static const struct vm_operations_struct pci_bar_file_vm_ops = {
	.open = pci_bar_file_vm_open,
	.close = pci_bar_file_vm_close,
	.fault = pci_bar_file_fault,
};

static int pci_bar_file_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct pci_bar_file *bf = file->private_data;
	int ret = 0;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vma->vm_flags & VM_EXEC)
		return -EPERM;
	if (vma->vm_pgoff >= bf->pages ||
	    vma_pages(vma) > bf->pages - vma->vm_pgoff)
		return -EINVAL;

	down_read(&bf->lock);
	if (bf->revoked) {
		ret = -ENODEV;
	} else {
		vma->vm_page_prot = pgprot_device(vma->vm_page_prot);
		vm_flags_mod(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND |
			     VM_DONTDUMP, VM_MAYEXEC);
		vma->vm_ops = &pci_bar_file_vm_ops;
		atomic_inc(&bf->mappings);
	}
	up_read(&bf->lock);
	return ret;
}

static int pci_bar_file_release(struct inode *inode, struct file *file)
{
	struct pci_bar_file *bf = file->private_data;

	pci_dev_put(bf->pdev);
	kfree(bf);
	return 0;
}

static const struct file_operations pci_bar_file_fops = {
	.mmap = pci_bar_file_mmap,
	.release = pci_bar_file_release,
	.llseek = noop_llseek,
};

/**
 * pci_bar_file_create - make a file that maps a memory BAR of a device
 * @pdev: the device; its driver has enabled it and requested the BAR
 * @bar: which BAR, one of memory type
 *
 * The file is opened for reading and writing; mmap(MAP_SHARED) on it
 * maps the BAR (uncached, never executable), offset 0 being the start of
 * the BAR; other mappings fail with EINVAL, executable ones with EPERM.
 * It has its own inode, so that pci_bar_file_revoke() reaches its
 * mappings only; like every anonymous inode it cannot be opened again
 * through /proc (ENXIO).  /proc/PID/maps names it
 * anon_inode:[pci-barN:DEVICE].
 *
 * Context: process context; may sleep.
 * Return: the file, with one reference the caller owns; ERR_PTR(-EINVAL)
 * if @bar is not a memory BAR of @pdev, ERR_PTR(-ENOMEM), or another
 * error of anon_inode_create_getfile().
 */
struct file *pci_bar_file_create(struct pci_dev *pdev, int bar)
{
	struct pci_bar_file *bf;
	struct file *file;
	char name[48];

	if (bar < 0 || bar >= PCI_STD_NUM_BARS || !pci_resource_len(pdev, bar) ||
	    !(pci_resource_flags(pdev, bar) & IORESOURCE_MEM))
		return ERR_PTR(-EINVAL);

	bf = kzalloc(sizeof(*bf), GFP_KERNEL);
	if (!bf)
		return ERR_PTR(-ENOMEM);
	bf->pfn = pci_resource_start(pdev, bar) >> PAGE_SHIFT;
	bf->pages = ((pci_resource_len(pdev, bar) - 1) >> PAGE_SHIFT) + 1;
	init_rwsem(&bf->lock);
	atomic_set(&bf->mappings, 0);

	snprintf(name, sizeof(name), "[pci-bar%d:%s]", bar, pci_name(pdev));
	file = anon_inode_create_getfile(name, &pci_bar_file_fops, bf,
					 O_RDWR, NULL);
	if (IS_ERR(file)) {
		kfree(bf);
		return file;
	}
	bf->pdev = pci_dev_get(pdev);
	return file;
}
EXPORT_SYMBOL_GPL(pci_bar_file_create);

/**
 * pci_bar_file_revoke - take the BAR back from every holder of the file
 * @file: a file of pci_bar_file_create()
 *
 * Zaps every mapping of @file; accesses through them then get SIGBUS,
 * and mmap() on @file fails with ENODEV.  The holders keep the file
 * itself, inert, until they close it.  Call it before the device is
 * disabled or its BAR released.  Idempotent.
 *
 * Context: process context; may sleep.
 */
void pci_bar_file_revoke(struct file *file)
{
	struct pci_bar_file *bf = file->private_data;

	down_write(&bf->lock);
	bf->revoked = true;
	up_write(&bf->lock);
	unmap_mapping_range(file->f_mapping, 0, 0, 1);
}
EXPORT_SYMBOL_GPL(pci_bar_file_revoke);

/**
 * pci_bar_file_mappings - how many mappings of the file exist now
 * @file: a file of pci_bar_file_create()
 *
 * Counts the mappings (VMAs) of @file in every process, revoked ones
 * included, e.g. to show in sysfs whether a holder still maps the BAR.
 *
 * Context: any context.
 * Return: the number of mappings.
 */
unsigned int pci_bar_file_mappings(struct file *file)
{
	struct pci_bar_file *bf = file->private_data;

	return atomic_read(&bf->mappings);
}
EXPORT_SYMBOL_GPL(pci_bar_file_mappings);
