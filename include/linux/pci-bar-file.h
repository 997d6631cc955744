/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A file that maps one memory BAR of a PCI device, for a driver that hands
 * the device to a process (an ELF module, Documentation/admin-guide/
 * elf-modules.rst) without a /dev or sysfs path.  See drivers/pci/bar_file.c.
 */
#ifndef _LINUX_PCI_BAR_FILE_H
#define _LINUX_PCI_BAR_FILE_H

struct file;
struct pci_dev;

struct file *pci_bar_file_create(struct pci_dev *pdev, int bar);
void pci_bar_file_revoke(struct file *file);
unsigned int pci_bar_file_mappings(struct file *file);

#endif /* _LINUX_PCI_BAR_FILE_H */
