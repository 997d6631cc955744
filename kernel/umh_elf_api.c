// SPDX-License-Identifier: GPL-2.0
/*
 * ELF modules: the in-kernel API (include/linux/umh_elf.h), for loaded
 * ELF modules (kernel/module/elf_umh.c) and built-in ones
 * (kernel/umh_elf_builtin.c) alike.  A handle names the processes of one
 * run of a module; whoever runs it says how a reference is dropped.
 */
#include <linux/kmod.h>
#include <linux/module.h>
#include <linux/umh_elf.h>
#include "umh_elf_proc.h"

/**
 * umh_elf_get() - get a reference to an ELF module, loading it if needed
 * @name: the module name, or an alias it declares (a device's modalias)
 *
 * If no live ELF module has that name or an alias that matches it (as
 * modprobe matches aliases), starts the built-in ELF module of that name
 * or alias, or else loads it with request_module(); either returns once
 * the module is ready or has failed.  The reference shows in a loaded
 * module's /sys/module/NAME/refcnt and makes rmmod fail, as for regular
 * modules; for a built-in one, it makes a stop through
 * /sys/module/NAME/elf/state fail.
 *
 * Return: the module, to pass to umh_elf_call() and umh_elf_put(), or
 * ERR_PTR(-ENOENT) if there is no such ELF module (or it would not load),
 * ERR_PTR(-EINTR) on a fatal signal while a built-in one starts, or
 * another ERR_PTR() from request_module() or from the start.
 *
 * Context: Process context; sleeps, up to the ready timeout of a load
 * (module.elf_ready_timeout_ms), for a built-in module's start too.
 */
struct umh_elf *umh_elf_get(const char *name)
{
	struct umh_elf *em;
	int err;

	em = elfmod_find_get(name) ?: umh_elf_builtin_get(name, true);
	if (em)
		return em;
	if (!IS_ENABLED(CONFIG_MODULES))
		return ERR_PTR(-ENOENT);
	err = request_module("%s", name);
	/* -ENOPKG (kernel.kmod-strict): not provided, as below. */
	if (err < 0 && err != -ENOPKG)
		return ERR_PTR(err);
	em = elfmod_find_get(name);
	return em ?: ERR_PTR(-ENOENT);
}
EXPORT_SYMBOL_GPL(umh_elf_get);

/**
 * umh_elf_find() - get a reference to an ELF module only if it is running
 * @name: as for umh_elf_get()
 *
 * Unlike umh_elf_get(), never loads or starts the module and never waits
 * for a load or a start in progress: a module that is not ready yet does
 * not run, and the call returns ERR_PTR(-ENOENT) at once.  For code that
 * has something to tell the module only if it runs, such as a driver's
 * remove path asking it to let a device go.
 *
 * Context: Process context; sleeps (takes module_mutex, or the lock of a
 * built-in module's current run, which no start holds while it waits).
 * Return: the module, to pass to umh_elf_call() and umh_elf_put(), or
 * ERR_PTR(-ENOENT) if no such ELF module is live with processes running.
 */
struct umh_elf *umh_elf_find(const char *name)
{
	return elfmod_find_get(name) ?: umh_elf_builtin_get(name, false) ?:
	       ERR_PTR(-ENOENT);
}
EXPORT_SYMBOL_GPL(umh_elf_find);

/**
 * umh_elf_put() - drop a reference taken by umh_elf_get()
 * @em: the module
 *
 * Dropping the last reference, once the module has stopped, frees it:
 * that waits for the module's work item and closes its files.
 *
 * Context: Process context; may sleep.
 */
void umh_elf_put(struct umh_elf *em)
{
	em->put(em);
}
EXPORT_SYMBOL_GPL(umh_elf_put);

/**
 * umh_elf_call_files() - send a request with files to an ELF module
 * @em: a module from umh_elf_get()
 * @req: the request's payload
 * @req_len: its length, at most %ELF_MODULE_MSG_MAX
 * @files: files the module receives with the request, as new fds
 * @nr_files: how many, at most %ELF_MODULE_FDS_MAX
 * @reply: where the reply's payload goes
 * @reply_size: room at @reply
 * @timeout: how long to wait for the reply, in jiffies
 *
 * The module receives the request with ELF_MODULE_IOC_RECV on its channel
 * fd and answers with a message that repeats the request's id (see
 * include/uapi/linux/elf_module.h).  Calls of concurrent callers are in
 * flight together and may be answered in any order.  A caller that times
 * out or gets a fatal signal abandons only its own request: the module
 * and other callers go on, and the late reply is dropped.  The call never
 * waits for anything the module holds, only for the reply.
 *
 * Context: Process context; sleeps.
 * Return: the length of the reply; -EPIPE if the module died (before or
 * during the call), closed its channel or broke the wire format (it is
 * then stopped); -ETIMEDOUT; -EINTR on a fatal signal; -EMSGSIZE if the
 * request is too long, carries too many files or the reply does not fit
 * (the reply is dropped); -ENOMEM; or the negative errno the module
 * answered with.
 */
ssize_t umh_elf_call_files(struct umh_elf *em, const void *req,
			   size_t req_len, struct file **files,
			   unsigned int nr_files, void *reply,
			   size_t reply_size, unsigned long timeout)
{
	return umh_elf_chan_call(em->proc, req, req_len, files, nr_files,
				 reply, reply_size, timeout);
}
EXPORT_SYMBOL_GPL(umh_elf_call_files);

/**
 * umh_elf_call() - send a request to an ELF module and wait for its reply
 * @em: a module from umh_elf_get()
 * @req: the request's payload
 * @req_len: its length, at most %ELF_MODULE_MSG_MAX
 * @reply: where the reply's payload goes
 * @reply_size: room at @reply
 * @timeout: how long to wait for the reply, in jiffies
 *
 * umh_elf_call_files() without files.
 *
 * Context: Process context; sleeps.
 * Return: as umh_elf_call_files().
 */
ssize_t umh_elf_call(struct umh_elf *em, const void *req, size_t req_len,
		     void *reply, size_t reply_size, unsigned long timeout)
{
	return umh_elf_chan_call(em->proc, req, req_len, NULL, 0, reply,
				 reply_size, timeout);
}
EXPORT_SYMBOL_GPL(umh_elf_call);

/**
 * umh_elf_set_event_handler() - take the events an ELF module sends
 * @em: a module from umh_elf_get()
 * @fn: called for each event (see &typedef umh_elf_event_fn), or NULL to
 *	let them be counted and dropped again
 * @data: passed to @fn
 *
 * One handler per module.  Clear it before umh_elf_put(): once this
 * returns with @fn NULL, the old handler is not running and will not run.
 *
 * Context: Process context; sleeps.
 * Return: 0; -EBUSY if another handler is set; -EPIPE if the module has
 * no channel.
 */
int umh_elf_set_event_handler(struct umh_elf *em, umh_elf_event_fn fn,
			      void *data)
{
	return umh_elf_chan_set_handler(em->proc, fn, data);
}
EXPORT_SYMBOL_GPL(umh_elf_set_event_handler);
