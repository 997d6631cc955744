// SPDX-License-Identifier: GPL-2.0
/*
 * A PCI driver in user space: the kernel glue.
 *
 * This binds QEMU's edu device (-device edu) and hands it to the ELF
 * module that declares the device's alias (edu_driver.c, built as
 * umh_sample_edu.ko), found with umh_elf_get() by the device's modalias,
 * as modprobe would find it.  What the module gets, over its channel, is
 * a file that maps BAR 0 (drivers/pci/bar_file.c) and an eventfd this
 * glue signals on each interrupt: no /dev path, no sysfs walk.  The glue
 * keeps only what must run in the kernel: the interrupt handler, which
 * acknowledges the device and signals the eventfd.
 *
 * Users reach the device through /dev/eduN: write n, read back n!
 * (decimal text), which the glue forwards to the module.  "time N"
 * asks the module to compute 12! N times on the device and reads back
 * the nanoseconds that took in the module: the cost of the device and
 * its interrupt as the module sees them, without the channel.  The glue holds
 * a reference to the module only while it talks to it, so the module
 * can be removed whenever no request is in flight; the next request
 * loads it again by the alias and hands it the device again.  The files
 * it hands over never keep this glue loaded: unbinding or removing it
 * asks the module to let the device go, and revokes the BAR mapping.
 * See Documentation/admin-guide/elf-modules.rst, "Drivers in user space".
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/interrupt.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/pci-bar-file.h>
#include <linux/rwsem.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/umh_elf.h>

#include "edu.h"

/* How long one request to the module may take, loading it included. */
#define EDU_GLUE_TIMEOUT	(5 * HZ)

static DEFINE_IDA(edu_glue_ida);

/**
 * struct edu_glue - one bound edu device
 * @kref: held by the binding, by its devres action (edu_glue_put_files())
 *	and by each open file of @misc
 * @pdev: the device
 * @regs: BAR 0, for the interrupt handler
 * @bar: the file that maps BAR 0, handed to the module
 * @irq_file: the eventfd handed to the module
 * @irq_ctx: its context, signalled by the interrupt handler
 * @irqs: interrupts of the device handled (sysfs edu/irqs)
 * @alias: the device's modalias, by which the module is found
 * @id: N of /dev/eduN
 * @name: "eduN"
 * @misc: /dev/eduN
 * @attach_work: loads the module and hands it the device, after probe
 * @users: held for reading while a request or @attach_work talks to the
 *	module, for writing by remove() to set @gone; protects @gone
 * @gone: the device is being unbound: no more requests
 */
struct edu_glue {
	struct kref kref;
	struct pci_dev *pdev;
	void __iomem *regs;
	struct file *bar;
	struct file *irq_file;
	struct eventfd_ctx *irq_ctx;
	atomic_long_t irqs;
	char alias[80];
	int id;
	char name[16];
	struct miscdevice misc;
	struct work_struct attach_work;
	struct rw_semaphore users;	/* see @users above */
	bool gone;
};

/**
 * struct edu_glue_reader - an open file of /dev/eduN
 * @glue: the device
 * @lock: serialises the requests of this file; protects @text and @pos
 * @text: the last answer, "n!\n" or "ns\n", empty if none
 * @pos: how much of @text was read
 */
struct edu_glue_reader {
	struct edu_glue *glue;
	struct mutex lock;		/* see @lock above */
	char text[24];
	size_t pos;
};

static void edu_glue_free(struct kref *kref)
{
	kfree(container_of(kref, struct edu_glue, kref));
}

static irqreturn_t edu_glue_irq(int irq, void *data)
{
	struct edu_glue *glue = data;
	u32 status = ioread32(glue->regs + EDU_REG_IRQ_STATUS);

	if (!status)
		return IRQ_NONE;	/* a shared line: not ours */
	iowrite32(status, glue->regs + EDU_REG_IRQ_ACK);
	atomic_long_inc(&glue->irqs);
	eventfd_signal(glue->irq_ctx);
	return IRQ_HANDLED;
}

/* Send @op to the module; the reply goes to @reply, exactly @size bytes. */
static int edu_glue_request(struct edu_glue *glue, struct umh_elf *em,
			    u32 op, u32 arg, void *reply, size_t size)
{
	struct edu_request req = { .op = op, .arg = arg };
	struct file *files[] = { glue->bar, glue->irq_file };
	ssize_t n;

	if (op == EDU_OP_ATTACH)
		n = umh_elf_call_files(em, &req, sizeof(req), files,
				       ARRAY_SIZE(files), reply, size,
				       EDU_GLUE_TIMEOUT);
	else
		n = umh_elf_call(em, &req, sizeof(req), reply, size,
				 EDU_GLUE_TIMEOUT);
	if (n < 0)
		return n;
	return n == size ? 0 : -EPROTO;
}

/* Hand the device to the module @em. */
static int edu_glue_attach(struct edu_glue *glue, struct umh_elf *em)
{
	struct edu_attach_reply r;
	int ret;

	ret = edu_glue_request(glue, em, EDU_OP_ATTACH, 0, &r, sizeof(r));
	if (!ret)
		pci_info(glue->pdev, "handed to its driver in user space (id %#x)\n",
			 r.id);
	return ret;
}

/* After probe: load the module by the device's alias, hand it the device. */
static void edu_glue_attach_work(struct work_struct *work)
{
	struct edu_glue *glue = container_of(work, struct edu_glue,
					     attach_work);
	struct umh_elf *em;
	int ret;

	down_read(&glue->users);
	if (glue->gone)
		goto out;
	em = umh_elf_get(glue->alias);
	if (IS_ERR(em)) {
		pci_warn(glue->pdev, "no driver for %s: %ld\n", glue->alias,
			 PTR_ERR(em));
		goto out;
	}
	ret = edu_glue_attach(glue, em);
	if (ret)
		pci_warn(glue->pdev, "its driver did not take the device: %d\n",
			 ret);
	umh_elf_put(em);
out:
	up_read(&glue->users);
}

/*
 * Ask the module @op with @arg; its reply goes to @reply, @size bytes.
 * A module that says it has no device (it was started again since) is
 * handed the device and asked again.
 */
static int edu_glue_ask(struct edu_glue *glue, u32 op, u32 arg, void *reply,
			size_t size)
{
	struct umh_elf *em;
	int ret;

	down_read(&glue->users);
	if (glue->gone) {
		ret = -ENODEV;
		goto out;
	}
	em = umh_elf_get(glue->alias);
	if (IS_ERR(em)) {
		ret = PTR_ERR(em);
		goto out;
	}
	ret = edu_glue_request(glue, em, op, arg, reply, size);
	if (ret == -ENXIO) {
		ret = edu_glue_attach(glue, em);
		if (!ret)
			ret = edu_glue_request(glue, em, op, arg, reply, size);
	}
	umh_elf_put(em);
out:
	up_read(&glue->users);
	return ret;
}

/* Answer a line written to /dev/eduN into @text: "n!\n" or "ns\n". */
static int edu_glue_answer(struct edu_glue *glue, const char *line,
			   char *text, size_t size)
{
	struct edu_fact_reply f;
	struct edu_time_reply t;
	u32 n;
	int ret;

	if (str_has_prefix(line, "time ")) {
		if (kstrtou32(line + 5, 10, &n) || !n || n > EDU_TIME_MAX)
			return -EINVAL;
		ret = edu_glue_ask(glue, EDU_OP_TIME, n, &t, sizeof(t));
		if (!ret)
			scnprintf(text, size, "%llu\n", t.ns);
		return ret;
	}
	if (kstrtou32(line, 10, &n) || n > EDU_FACT_MAX)
		return -EINVAL;
	ret = edu_glue_ask(glue, EDU_OP_FACT, n, &f, sizeof(f));
	if (!ret)
		scnprintf(text, size, "%u\n", f.value);
	return ret;
}

/*
 * Unbinding: ask the module to let the device go if it runs (a module
 * that does not run holds nothing, and is not started just to be told),
 * then revoke the BAR file whatever the module did.
 */
static void edu_glue_detach(struct edu_glue *glue)
{
	struct umh_elf *em;
	int ret = 0;

	em = umh_elf_find(glue->alias);
	if (!IS_ERR(em)) {
		ret = edu_glue_request(glue, em, EDU_OP_DETACH, 0, NULL, 0);
		umh_elf_put(em);
	}
	if (ret)
		pci_warn(glue->pdev, "its driver did not let go: %d; revoking\n",
			 ret);
	pci_bar_file_revoke(glue->bar);
}

static int edu_glue_open(struct inode *inode, struct file *file)
{
	struct edu_glue *glue = container_of(file->private_data,
					     struct edu_glue, misc);
	struct edu_glue_reader *r;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	mutex_init(&r->lock);
	kref_get(&glue->kref);
	r->glue = glue;
	file->private_data = r;
	return nonseekable_open(inode, file);
}

static int edu_glue_release(struct inode *inode, struct file *file)
{
	struct edu_glue_reader *r = file->private_data;

	kref_put(&r->glue->kref, edu_glue_free);
	mutex_destroy(&r->lock);
	kfree(r);
	return 0;
}

static ssize_t edu_glue_write(struct file *file, const char __user *buf,
			      size_t count, loff_t *ppos)
{
	struct edu_glue_reader *r = file->private_data;
	char line[24];
	int ret;

	if (!count || count >= sizeof(line))
		return -EINVAL;
	if (copy_from_user(line, buf, count))
		return -EFAULT;
	line[count] = '\0';

	mutex_lock(&r->lock);
	r->text[0] = '\0';
	r->pos = 0;
	ret = edu_glue_answer(r->glue, line, r->text, sizeof(r->text));
	mutex_unlock(&r->lock);
	return ret ? ret : count;
}

static ssize_t edu_glue_read(struct file *file, char __user *buf,
			     size_t count, loff_t *ppos)
{
	struct edu_glue_reader *r = file->private_data;
	size_t len;
	ssize_t ret;

	mutex_lock(&r->lock);
	len = strlen(r->text);
	if (!len) {
		ret = -ENODATA;
	} else {
		ret = min(count, len - r->pos);
		if (copy_to_user(buf, r->text + r->pos, ret))
			ret = -EFAULT;
		else
			r->pos += ret;
	}
	mutex_unlock(&r->lock);
	return ret;
}

static const struct file_operations edu_glue_fops = {
	.owner = THIS_MODULE,
	.open = edu_glue_open,
	.release = edu_glue_release,
	.read = edu_glue_read,
	.write = edu_glue_write,
};

static ssize_t irqs_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct edu_glue *glue = pci_get_drvdata(to_pci_dev(dev));

	return sysfs_emit(buf, "%ld\n", atomic_long_read(&glue->irqs));
}
static DEVICE_ATTR_RO(irqs);

static ssize_t mappings_show(struct device *dev,
			     struct device_attribute *attr, char *buf)
{
	struct edu_glue *glue = pci_get_drvdata(to_pci_dev(dev));

	return sysfs_emit(buf, "%u\n", pci_bar_file_mappings(glue->bar));
}
static DEVICE_ATTR_RO(mappings);

static struct attribute *edu_glue_attrs[] = {
	&dev_attr_irqs.attr,
	&dev_attr_mappings.attr,
	NULL
};

static const struct attribute_group edu_glue_group = {
	.name = "edu",
	.attrs = edu_glue_attrs,
};
__ATTRIBUTE_GROUPS(edu_glue);

/*
 * devres action, after the interrupt is freed: drop the glue's references
 * to the files it hands out, and its reference to the glue.
 */
static void edu_glue_put_files(void *data)
{
	struct edu_glue *glue = data;

	if (glue->irq_ctx)
		eventfd_ctx_put(glue->irq_ctx);
	if (!IS_ERR_OR_NULL(glue->irq_file))
		fput(glue->irq_file);
	if (!IS_ERR_OR_NULL(glue->bar))
		fput(glue->bar);
	kref_put(&glue->kref, edu_glue_free);
}

/* BAR 0, the files and the interrupt; all released by devres. */
static int edu_glue_setup_device(struct edu_glue *glue)
{
	struct pci_dev *pdev = glue->pdev;
	int ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	glue->regs = pcim_iomap_region(pdev, 0, KBUILD_MODNAME);
	if (IS_ERR(glue->regs))
		return PTR_ERR(glue->regs);

	kref_get(&glue->kref);
	ret = devm_add_action_or_reset(&pdev->dev, edu_glue_put_files, glue);
	if (ret)
		return ret;
	glue->bar = pci_bar_file_create(pdev, 0);
	if (IS_ERR(glue->bar))
		return PTR_ERR(glue->bar);
	glue->irq_file = eventfd_file_create(0, 0);
	if (IS_ERR(glue->irq_file))
		return PTR_ERR(glue->irq_file);
	glue->irq_ctx = eventfd_ctx_fileget(glue->irq_file);

	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_ALL_TYPES);
	if (ret < 0)
		return ret;
	return devm_request_irq(&pdev->dev, pci_irq_vector(pdev, 0),
				edu_glue_irq, IRQF_SHARED, glue->name, glue);
}

static void edu_glue_modalias(struct edu_glue *glue)
{
	struct pci_dev *pdev = glue->pdev;

	/* As /sys/bus/pci/devices/DEVICE/modalias shows it. */
	snprintf(glue->alias, sizeof(glue->alias),
		 "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X",
		 pdev->vendor, pdev->device, pdev->subsystem_vendor,
		 pdev->subsystem_device, (u8)(pdev->class >> 16),
		 (u8)(pdev->class >> 8), (u8)pdev->class);
}

static int edu_glue_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct edu_glue *glue;
	int ret;

	glue = kzalloc(sizeof(*glue), GFP_KERNEL);
	if (!glue)
		return -ENOMEM;
	kref_init(&glue->kref);
	init_rwsem(&glue->users);
	INIT_WORK(&glue->attach_work, edu_glue_attach_work);
	glue->pdev = pdev;
	edu_glue_modalias(glue);
	glue->id = ida_alloc(&edu_glue_ida, GFP_KERNEL);
	if (glue->id < 0) {
		ret = glue->id;
		goto err_free;
	}
	snprintf(glue->name, sizeof(glue->name), "edu%d", glue->id);

	ret = edu_glue_setup_device(glue);
	if (ret)
		goto err_ida;

	pci_set_drvdata(pdev, glue);
	glue->misc.minor = MISC_DYNAMIC_MINOR;
	glue->misc.name = glue->name;
	glue->misc.fops = &edu_glue_fops;
	glue->misc.parent = &pdev->dev;
	ret = misc_register(&glue->misc);
	if (ret)
		goto err_ida;

	/*
	 * Not here: probe may run inside this module's init, and the
	 * module's load must not wait for another module's.
	 */
	schedule_work(&glue->attach_work);
	return 0;

err_ida:
	ida_free(&edu_glue_ida, glue->id);
err_free:
	kref_put(&glue->kref, edu_glue_free);
	return ret;
}

static void edu_glue_remove(struct pci_dev *pdev)
{
	struct edu_glue *glue = pci_get_drvdata(pdev);

	misc_deregister(&glue->misc);
	/* Waits for the requests in flight and for attach_work. */
	down_write(&glue->users);
	glue->gone = true;
	up_write(&glue->users);
	cancel_work_sync(&glue->attach_work);

	edu_glue_detach(glue);
	ida_free(&edu_glue_ida, glue->id);
	/* devres then frees the interrupt, drops the files, unmaps BAR 0. */
	kref_put(&glue->kref, edu_glue_free);
}

static const struct pci_device_id edu_glue_ids[] = {
	{ PCI_DEVICE(EDU_VENDOR, EDU_DEVICE) },
	{ }
};
MODULE_DEVICE_TABLE(pci, edu_glue_ids);

static struct pci_driver edu_glue_driver = {
	.name = KBUILD_MODNAME,
	.id_table = edu_glue_ids,
	.probe = edu_glue_probe,
	.remove = edu_glue_remove,
	.dev_groups = edu_glue_groups,
};
module_pci_driver(edu_glue_driver);

MODULE_DESCRIPTION("QEMU edu device, driven by an ELF module: the kernel glue");
MODULE_LICENSE("GPL");
