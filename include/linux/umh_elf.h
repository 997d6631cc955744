/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ELF modules: statically linked user-space executables loaded as modules.
 *
 * The in-kernel API: kernel code that hands work to an ELF module over
 * its channel, a loaded one (kernel/module/elf_umh.c) or one built into
 * the kernel image (kernel/umh_elf_builtin.c).  The API is
 * kernel/umh_elf_api.c; the loader and the process side (kernel/umh_elf*.c)
 * share kernel/umh_elf_proc.h.
 * See Documentation/admin-guide/elf-modules.rst.
 */
#ifndef _LINUX_UMH_ELF_H
#define _LINUX_UMH_ELF_H

#include <linux/err.h>
#include <linux/types.h>
#include <uapi/linux/elf_module.h>

struct file;

/**
 * typedef umh_elf_event_fn - handler of the events an ELF module sends
 * @data: what umh_elf_set_event_handler() was given
 * @msg: the payload
 * @len: its length
 *
 * Called in the context of the module's process that wrote the event
 * (process context; may sleep, must not wait for a reply of the same
 * module).  @msg is valid during the call only.
 */
typedef void (*umh_elf_event_fn)(void *data, const void *msg, size_t len);

/*
 * Use:
 *
 *	struct umh_elf *em = umh_elf_get("mymod");
 *
 *	if (IS_ERR(em))
 *		return PTR_ERR(em);
 *	len = umh_elf_call(em, req, req_len, reply, sizeof(reply), 5 * HZ);
 *	umh_elf_put(em);
 */
struct umh_elf;

#ifdef CONFIG_ELF_MODULES
struct umh_elf *umh_elf_get(const char *name);
struct umh_elf *umh_elf_find(const char *name);
void umh_elf_put(struct umh_elf *em);
ssize_t umh_elf_call(struct umh_elf *em, const void *req, size_t req_len,
		     void *reply, size_t reply_size, unsigned long timeout);
ssize_t umh_elf_call_files(struct umh_elf *em, const void *req,
			   size_t req_len, struct file **files,
			   unsigned int nr_files, void *reply,
			   size_t reply_size, unsigned long timeout);
int umh_elf_set_event_handler(struct umh_elf *em, umh_elf_event_fn fn,
			      void *data);
#else
static inline struct umh_elf *umh_elf_get(const char *name)
{
	return ERR_PTR(-ENOENT);
}

static inline struct umh_elf *umh_elf_find(const char *name)
{
	return ERR_PTR(-ENOENT);
}

static inline void umh_elf_put(struct umh_elf *em) { }

static inline ssize_t umh_elf_call(struct umh_elf *em, const void *req,
				   size_t req_len, void *reply,
				   size_t reply_size, unsigned long timeout)
{
	return -EPIPE;
}

static inline ssize_t umh_elf_call_files(struct umh_elf *em,
					 const void *req, size_t req_len,
					 struct file **files,
					 unsigned int nr_files, void *reply,
					 size_t reply_size,
					 unsigned long timeout)
{
	return -EPIPE;
}

static inline int umh_elf_set_event_handler(struct umh_elf *em,
					    umh_elf_event_fn fn, void *data)
{
	return -ENOENT;
}
#endif /* CONFIG_ELF_MODULES */

#endif /* _LINUX_UMH_ELF_H */
