// SPDX-License-Identifier: GPL-2.0
/*
 * ELF modules, loader side: a module file holding a statically linked
 * executable is checked, entered in the module list and run as a
 * supervised process (kernel/umh_elf.c).
 *
 * load_module() hands an image over here right after module_sig_check(),
 * so the signature has been checked on the very bytes that are executed,
 * whichever syscall brought them and whether or not they were compressed.
 *
 * An ELF module is a real struct module on the module list, embedded in
 * struct elf_module.  That is what lets /proc/modules, /sys/module/NAME,
 * find_module(), delete_module(), the refcount and the duplicate-name
 * handling of add_unformed_module() work unchanged for lsmod, modprobe and
 * rmmod.  It has no memory, sections, symbols, parameters or notifier
 * calls: its mem[] sizes are zero, so mod_tree and the address lookups
 * never match it; its kallsyms point at an empty table, so the walkers of
 * the list that read symbols find none; and the COMING/GOING notifiers,
 * ftrace and livepatch are never called for it, as there is no code of it
 * in the kernel for them to patch.
 */
#include <crypto/sha2.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/ctype.h>
#include <linux/elf.h>
#include <linux/fs.h>
#include <linux/kernel_read_file.h>
#include <linux/kmod.h>
#include <linux/kobject.h>
#include <linux/kref.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>
#include <linux/umh_elf.h>
#include <linux/workqueue.h>
#include <trace/events/module.h>
#include <uapi/linux/module.h>
#include "../umh_elf_proc.h"
#include "elf_umh.h"
#include "internal.h"

/* How often a killed loader looks whether others still share its load. */
#define ELF_UMH_SHARED_POLL	(HZ / 10)

/* Longest parameter string, and most words in it. */
#define ELF_UMH_ARGS_MAX	(32 * PAGE_SIZE)
#define ELF_UMH_ARGV_MAX	4096

/* What the checks read out of an image. */
struct elfmod_image {
	const char *policy[ELFMOD_POLICY_KEYS];
	const char *name;
	const char *version;
	const char *capabilities;
	const char *modinfo;
	unsigned long modinfo_size;
};

#ifdef CONFIG_KALLSYMS
/* The symbol table of every ELF module: empty. */
static struct mod_kallsyms elfmod_no_kallsyms;
#endif

/* Whether the @len bytes at @hdr start an ELF executable (ET_EXEC, ET_DYN) */
static bool elfmod_hdr_is_exec(const Elf_Ehdr *hdr, size_t len)
{
	u16 type;

	if (len < sizeof(*hdr) || memcmp(hdr->e_ident, ELFMAG, SELFMAG))
		return false;
	type = hdr->e_type;
	if (hdr->e_ident[EI_DATA] != ELF_DATA)
		type = swab16(type);
	return type == ET_EXEC || type == ET_DYN;
}

/**
 * elfmod_is_exec() - whether a module image is an ELF executable
 * @info: the image, after module_sig_check()
 *
 * Return: true if @info holds an ELF file of type ET_EXEC or ET_DYN, in
 * either byte order, which elfmod_load() takes from here.
 */
bool elfmod_is_exec(const struct load_info *info)
{
	return elfmod_hdr_is_exec(info->hdr, info->len);
}

/**
 * elfmod_read_file() - read the file of an ELF module into its image file
 * @info: the load, whose @info->file finit_module() reads
 * @flags: flags of finit_module()
 *
 * The file of an ELF module is copied once: straight into the pages of
 * the shmem file it will run from (umh_elf_image_create()), mapped as one
 * buffer, where load_module() checks its signature and elfmod_load()
 * takes it.  Whether the file is one is told by its ELF header, read
 * first: only a hint, as the file may change before kernel_read_file()
 * reads it whole (with the LSM hooks of a module read); elfmod_is_exec()
 * decides on the copy, and module_free_copy() frees either kind.  A file
 * that grows in the meantime is left to the caller's read.
 * Compressed files are decompressed into pages of their own, and take the
 * copy of umh_elf_spawn().
 *
 * Context: Process context; sleeps.
 * Return: the length read, with @info->hdr, @info->len and @info->image
 * set; 0 if the file is not read here (the caller reads it as a regular
 * module's); or a negative errno from the read.
 */
int elfmod_read_file(struct load_info *info, int flags)
{
	struct inode *inode = file_inode(info->file);
	struct umh_elf_image *img;
	loff_t pos = 0, size;
	Elf_Ehdr hdr;
	void *buf;
	int len;

	if ((flags & MODULE_INIT_COMPRESSED_FILE) || !S_ISREG(inode->i_mode))
		return 0;
	if (kernel_read(info->file, &hdr, sizeof(hdr), &pos) != sizeof(hdr) ||
	    !elfmod_hdr_is_exec(&hdr, sizeof(hdr)))
		return 0;
	size = i_size_read(inode);
	if (size <= 0 || size > INT_MAX)
		return 0;	/* kernel_read_file() tells why */
	img = umh_elf_image_create(size);
	if (IS_ERR(img))
		return PTR_ERR(img);
	buf = img->data;
	len = kernel_read_file(info->file, 0, &buf, size, NULL, READING_MODULE);
	if (len <= 0) {
		umh_elf_image_free(img);
		/* It grew since: let the caller read it, whatever its size. */
		return len == -EFBIG ? 0 : len ?: -EINVAL;
	}
	info->hdr = buf;
	info->len = len;
	info->image = img;
	return len;
}

/**
 * elfmod_free_copy() - free the image file elfmod_read_file() read into
 * @info: the load
 *
 * Context: Process context; sleeps.
 * Return: true if @info held such an image (now freed), else false.
 */
bool elfmod_free_copy(struct load_info *info)
{
	if (!info->image)
		return false;
	umh_elf_image_free(info->image);
	info->image = NULL;
	info->hdr = NULL;
	return true;
}

static int elfmod_reject(const char *name, const char *why)
{
	if (name)
		pr_err("elf-module %s: rejected: %s\n", name, why);
	else
		pr_err("elf-module: rejected: %s\n", why);
	return -ENOEXEC;
}

/* Is [off, off + n * size) inside an image of @len bytes? */
static bool elfmod_in_image(u64 off, u64 n, u64 size, unsigned long len)
{
	return off <= len && n <= (len - off) / max_t(u64, size, 1);
}

static int elfmod_check_header(const Elf_Ehdr *hdr, unsigned long len)
{
	if (hdr->e_ident[EI_CLASS] != ELF_CLASS)
		return elfmod_reject(NULL, "wrong ELF class for this machine");
	if (hdr->e_ident[EI_DATA] != ELF_DATA)
		return elfmod_reject(NULL, "wrong byte order for this machine");
	if (hdr->e_ident[EI_VERSION] != EV_CURRENT ||
	    hdr->e_version != EV_CURRENT)
		return elfmod_reject(NULL, "unknown ELF version");
	if (!elf_check_arch(hdr))
		return elfmod_reject(NULL, "not an executable for this machine");
	if (hdr->e_ehsize < sizeof(*hdr))
		return elfmod_reject(NULL, "truncated ELF header");
	if (hdr->e_phentsize != sizeof(Elf_Phdr) || !hdr->e_phnum ||
	    hdr->e_phnum > 65536U / sizeof(Elf_Phdr) ||
	    !elfmod_in_image(hdr->e_phoff, hdr->e_phnum, sizeof(Elf_Phdr),
			      len))
		return elfmod_reject(NULL, "program headers out of bounds");
	if (hdr->e_shentsize != sizeof(Elf_Shdr) || !hdr->e_shnum ||
	    hdr->e_shstrndx >= hdr->e_shnum ||
	    !elfmod_in_image(hdr->e_shoff, hdr->e_shnum, sizeof(Elf_Shdr),
			      len))
		return elfmod_reject(NULL, "section headers out of bounds");
	return 0;
}

static int elfmod_check_segments(const Elf_Ehdr *hdr, unsigned long len)
{
	const Elf_Phdr *phdr = (const void *)hdr + hdr->e_phoff;
	unsigned int i, loads = 0;

	for (i = 0; i < hdr->e_phnum; i++, phdr++) {
		if (phdr->p_type == PT_INTERP)
			return elfmod_reject(NULL,
					      "PT_INTERP: not statically linked");
		if (phdr->p_type != PT_LOAD)
			continue;
		if (!elfmod_in_image(phdr->p_offset, phdr->p_filesz, 1, len) ||
		    phdr->p_filesz > phdr->p_memsz)
			return elfmod_reject(NULL, "segment out of bounds");
		loads++;
	}
	if (!loads)
		return elfmod_reject(NULL, "no PT_LOAD segment");
	return 0;
}

/* Find .modinfo; on success *@start and *@size say where it is. */
static int elfmod_find_modinfo(const Elf_Ehdr *hdr, unsigned long len,
			       const char **start, unsigned long *size)
{
	const Elf_Shdr *shdr = (const void *)hdr + hdr->e_shoff;
	const Elf_Shdr *strsec = &shdr[hdr->e_shstrndx];
	const char *names = (const void *)hdr + strsec->sh_offset;
	unsigned int i;

	if (strsec->sh_type != SHT_STRTAB || !strsec->sh_size ||
	    !elfmod_in_image(strsec->sh_offset, strsec->sh_size, 1, len) ||
	    names[strsec->sh_size - 1])
		return elfmod_reject(NULL, "bad section name table");

	for (i = 0; i < hdr->e_shnum; i++) {
		if (shdr[i].sh_name >= strsec->sh_size ||
		    strcmp(names + shdr[i].sh_name, ".modinfo"))
			continue;
		if (shdr[i].sh_type != SHT_PROGBITS || !shdr[i].sh_size ||
		    !elfmod_in_image(shdr[i].sh_offset, shdr[i].sh_size, 1,
				      len))
			return elfmod_reject(NULL, ".modinfo out of bounds");
		*start = (const void *)hdr + shdr[i].sh_offset;
		*size = shdr[i].sh_size;
		if ((*start)[*size - 1])
			return elfmod_reject(NULL,
					      ".modinfo not NUL-terminated");
		return 0;
	}
	return elfmod_reject(NULL, "no .modinfo section");
}

/* Record "@tag=value" of @entry in @slot; each tag may appear once. */
static int elfmod_take_tag(const char *entry, const char *tag,
			   const char **slot, const char *name)
{
	size_t n = strlen(tag);

	if (strncmp(entry, tag, n) || entry[n] != '=')
		return 0;
	if (*slot)
		return elfmod_reject(name, "duplicate tag in .modinfo");
	*slot = entry + n + 1;
	return 0;
}

static bool elfmod_valid_name(const char *name)
{
	size_t len = strlen(name);
	const char *p;

	if (!len || len >= MODULE_NAME_LEN)
		return false;
	for (p = name; *p; p++)
		if (!isalnum(*p) && *p != '_')
			return false;
	return true;
}

static int elfmod_parse_modinfo(const char *start, unsigned long size,
				struct elfmod_image *img)
{
	const char *p, *end = start + size;
	int err = 0, i;

	for (p = start; p < end && !err; p += strlen(p) + 1) {
		for (i = 0; i < ELFMOD_POLICY_KEYS && !err; i++)
			err = elfmod_take_tag(p, elfmod_policy_key_name(i),
					      &img->policy[i], img->name);
		if (!err)
			err = elfmod_take_tag(p, "name", &img->name, img->name);
		if (!err)
			err = elfmod_take_tag(p, "version", &img->version,
					      img->name);
		if (!err)
			err = elfmod_take_tag(p, "capabilities",
					      &img->capabilities, img->name);
	}
	if (err)
		return err;
	if (!img->name)
		return elfmod_reject(NULL, "no name= in .modinfo");
	if (!elfmod_valid_name(img->name))
		return elfmod_reject(NULL, "bad name= in .modinfo");
	return 0;
}

static int elfmod_check_image(const struct load_info *info,
			      struct elfmod_image *img)
{
	const Elf_Ehdr *hdr = info->hdr;
	const char *modinfo;
	unsigned long size;
	int err;

	err = elfmod_check_header(hdr, info->len);
	if (!err)
		err = elfmod_check_segments(hdr, info->len);
	if (!err)
		err = elfmod_find_modinfo(hdr, info->len, &modinfo, &size);
	if (!err)
		err = elfmod_parse_modinfo(modinfo, size, img);
	if (!err) {
		img->modinfo = modinfo;
		img->modinfo_size = size;
	}
	return err;
}

/*
 * Split the parameter string the way module parameters are split
 * (next_arg(): white space separates, double quotes group) into argv[1..],
 * in place: each word is put back together as "key=value" or "key".  The
 * kernel's own parameters (elf.KEY=VALUE) are left out.
 */
static char **elfmod_build_argv(char *name, char *args)
{
	char **argv, *param, *val;
	size_t words = 1, n = 1;
	char *p;

	for (p = args; *p; p++)
		words += isspace(*p) && !isspace(p[1]) && p[1];
	if (words + 1 > ELF_UMH_ARGV_MAX)
		return ERR_PTR(-E2BIG);
	argv = kcalloc(words + 2, sizeof(*argv), GFP_KERNEL);
	if (!argv)
		return ERR_PTR(-ENOMEM);
	argv[0] = name;
	args = skip_spaces(args);
	while (*args && n <= words) {
		args = next_arg(args, &param, &val);
		if (elfmod_policy_param(param))
			continue;
		if (val) {
			size_t plen = strlen(param);

			if (val != param + plen + 1)	/* "value" was quoted */
				memmove(param + plen + 1, val, strlen(val) + 1);
			param[plen] = '=';
		}
		argv[n++] = param;
	}
	return argv;
}

/* The name of a built-in module, or of built-in code in /sys/module. */
static int elfmod_check_builtin(const char *name)
{
	if (!module_builtin_name(name) && !umh_elf_builtin_name(name))
		return 0;
	pr_err("elf-module %s: rejected: name taken by a built-in module\n",
	       name);
	return -EEXIST;
}

static struct elf_module *elfmod_alloc(const struct elfmod_image *img)
{
	struct elf_module *em;
	const char *aliases;

	em = kzalloc(sizeof(*em), GFP_KERNEL);
	if (!em)
		return NULL;
	strscpy(em->mod.name, img->name, sizeof(em->mod.name));
	/* For request_module(), as for regular modules. */
	aliases = kmod_aliases_dup(img->modinfo, img->modinfo_size);
	if (IS_ERR(aliases))
		goto free;
	em->mod.aliases = aliases;
	if (img->version) {
		em->mod.version = kstrdup(img->version, GFP_KERNEL);
		if (!em->mod.version)
			goto free;
	}
	em->mod.elfmod = true;
	module_unload_init(&em->mod);
	init_param_lock(&em->mod);
#ifdef CONFIG_KALLSYMS
	RCU_INIT_POINTER(em->mod.kallsyms, &elfmod_no_kallsyms);
#endif
	return em;
free:
	kfree(em->mod.aliases);
	kfree(em);
	return NULL;
}

static void elfmod_free(struct elf_module *em)
{
	kfree(em->mod.version);	/* NULL if freed with its sysfs file */
	kfree(em->argv);
	kfree(em->args);
	kfree(em->mod.aliases);
	kfree(em);
}

/* The main process while it runs; an empty line once it has exited. */
static ssize_t elf_pid_show(struct module_attribute *mattr,
			    struct module_kobject *mk, char *buf)
{
	pid_t pid = umh_elf_main_pid(&to_elf_module(mk->mod)->proc);

	return pid ? sysfs_emit(buf, "%d\n", pid) : sysfs_emit(buf, "\n");
}

static ssize_t elf_pids_show(struct module_attribute *mattr,
			     struct module_kobject *mk, char *buf)
{
	return umh_elf_pids(&to_elf_module(mk->mod)->proc, buf, PAGE_SIZE);
}

static ssize_t elf_sha256_show(struct module_attribute *mattr,
			       struct module_kobject *mk, char *buf)
{
	return sysfs_emit(buf, "%*phN\n", SHA256_DIGEST_SIZE,
			  to_elf_module(mk->mod)->sha256);
}

static ssize_t elf_signed_show(struct module_attribute *mattr,
			       struct module_kobject *mk, char *buf)
{
	return sysfs_emit(buf, "%d\n", to_elf_module(mk->mod)->sig_ok);
}

static ssize_t elf_status_show(struct module_attribute *mattr,
			       struct module_kobject *mk, char *buf)
{
	char status[UMH_ELF_STATUS_MAX];

	umh_elf_status(&to_elf_module(mk->mod)->proc, status, sizeof(status));
	return sysfs_emit(buf, "%s\n", status);
}

static ssize_t elf_dropped_replies_show(struct module_attribute *mattr,
					struct module_kobject *mk, char *buf)
{
	unsigned long replies, events;

	umh_elf_chan_dropped(&to_elf_module(mk->mod)->proc, &replies, &events);
	return sysfs_emit(buf, "%lu\n", replies);
}

static ssize_t elf_dropped_events_show(struct module_attribute *mattr,
				       struct module_kobject *mk, char *buf)
{
	unsigned long replies, events;

	umh_elf_chan_dropped(&to_elf_module(mk->mod)->proc, &replies, &events);
	return sysfs_emit(buf, "%lu\n", events);
}

#define ELF_UMH_ATTR(_var, _name, _show)			\
	struct module_attribute _var = {			\
		.attr = { .name = _name, .mode = 0444 },	\
		.show = _show,					\
	}

static ELF_UMH_ATTR(elf_attr_dropped_events, "dropped_events",
		    elf_dropped_events_show);
static ELF_UMH_ATTR(elf_attr_dropped_replies, "dropped_replies",
		    elf_dropped_replies_show);
static ELF_UMH_ATTR(elf_attr_pid, "pid", elf_pid_show);
static ELF_UMH_ATTR(elf_attr_pids, "pids", elf_pids_show);
static ELF_UMH_ATTR(elf_attr_sha256, "sha256", elf_sha256_show);
static ELF_UMH_ATTR(elf_attr_signed, "signed", elf_signed_show);
static ELF_UMH_ATTR(elf_attr_status, "status", elf_status_show);

static struct attribute *elfmod_attrs[] = {
	&elf_attr_dropped_events.attr,
	&elf_attr_dropped_replies.attr,
	&elf_attr_last_end.attr,
	&elf_attr_memory_max.mattr.attr,
	&elf_attr_pid.attr,
	&elf_attr_pids.attr,
	&elf_attr_pids_max.mattr.attr,
	&elf_attr_restart.mattr.attr,
	&elf_attr_restart_max.mattr.attr,
	&elf_attr_restarts.attr,
	&elf_attr_sha256.attr,
	&elf_attr_signed.attr,
	&elf_attr_status.attr,
	&elf_attr_watchdog_ms.mattr.attr,
	NULL,
};

static const struct attribute_group elfmod_group = {
	.name = "elf",
	.attrs = elfmod_attrs,
};

static int elfmod_sysfs_add(struct elf_module *em)
{
	int err;

	err = mod_sysfs_setup(&em->mod, NULL, NULL, 0);
	if (err)
		return err;
	err = sysfs_create_group(&em->mod.mkobj.kobj, &elfmod_group);
	if (err) {
		mod_sysfs_teardown(&em->mod);
		return err;
	}
	em->sysfs = true;
	return 0;
}

static void elfmod_free_rcu(struct rcu_head *rcu)
{
	elfmod_free(container_of(rcu, struct elf_module, rcu));
}

/*
 * The last reference is gone, and the module is off the list
 * (elfmod_destroy()); RCU readers of the list may still look at its name,
 * state, aliases and kallsyms: free it once they are done.
 */
static void elfmod_release(struct kref *kref)
{
	struct elf_module *em = container_of(kref, struct elf_module, kref);

	umh_elf_release(&em->proc);
	call_rcu(&em->rcu, elfmod_free_rcu);
}

/* umh_elf_put() of a loaded ELF module. */
static void elfmod_handle_put(struct umh_elf *h)
{
	struct elf_module *em = container_of(h, struct elf_module, handle);

	module_put(&em->mod);
	kref_put(&em->kref, elfmod_release);
}

/* Take the module out of /sys/module, once. */
static void elfmod_sysfs_del(struct elf_module *em)
{
	if (!em->sysfs)
		return;
	trace_module_free(&em->mod);
	sysfs_remove_group(&em->mod.mkobj.kobj, &elfmod_group);
	mod_sysfs_teardown(&em->mod);
	em->sysfs = false;
}

/*
 * Take a module that is not live (any more) off the list and drop the
 * list's reference: holders of the in-kernel API may keep it a while.
 */
static void elfmod_destroy(struct elf_module *em)
{
	elfmod_sysfs_del(em);
	/* Nothing of the module's own runs after this. */
	elfmod_restart_timer_stop(em);
	elfmod_policy_stop(em);
	mod_unlink(&em->mod);
	/* Callers waiting for a next instance: there is none. */
	umh_elf_set_restarting(&em->proc, false);
	kref_put(&em->kref, elfmod_release);
}

/*
 * Destroy a module whose processes are gone, from the load or rmmod path:
 * make sure the reaper neither runs nor will.
 */
static void elfmod_destroy_stopped(struct elf_module *em)
{
	/* While the event work may still be removing the cgroup */
	elfmod_sysfs_del(em);
	umh_elf_quiesce(&em->proc);
	cancel_work_sync(&em->reap);
	elfmod_destroy(em);
}

/*
 * The stop line: how it ended, then the last STATUS= text, which sysfs
 * no longer shows once the module is gone.
 */
static void elfmod_log_stop(struct elf_module *em, const char *how)
{
	char status[UMH_ELF_STATUS_MAX];

	umh_elf_status(&em->proc, status, sizeof(status));
	if (status[0])
		pr_info("elf-module %s: stopped (%s), last status \"%s\"\n",
			em->mod.name, how, status);
	else
		pr_info("elf-module %s: stopped (%s)\n", em->mod.name, how);
}

static void elfmod_log_end(struct elf_module *em)
{
	char how[32];

	umh_elf_describe_end(&em->proc, how, sizeof(how));
	elfmod_log_stop(em, how);
}

/*
 * Stop a module that did not say READY=1 in time, and say so, with what
 * it wrote to fd 3 after its last newline (a READY=1 without one, most
 * often).  That is read first: once its processes are gone, the last
 * close of fd 3 would take it for a line.
 */
static void elfmod_stop_timed_out(struct elf_module *em)
{
	char line[UMH_ELF_STATUS_MAX], how[UMH_ELF_STATUS_MAX + 64];
	ssize_t len = umh_elf_notify_pending(&em->proc, line, sizeof(line));

	umh_elf_stop(&em->proc, 0);
	if (len)
		snprintf(how, sizeof(how),
			 "timeout; fd 3 holds \"%*pE\"%s without a newline",
			 (int)strlen(line), line, len < 0 ? "..." : "");
	else
		strscpy(how, "timeout", sizeof(how));
	elfmod_log_stop(em, how);
}

/**
 * elfmod_end() - take a live module whose processes are gone off the list
 * @em: the module
 * @how: how it ended, for the log; NULL to say it from its main process
 *
 * Does nothing unless the module is live: the load and rmmod paths clean
 * up after themselves.
 *
 * Context: Process context; sleeps.  From the reap or the restart work.
 */
void elfmod_end(struct elf_module *em, const char *how)
{
	mutex_lock(&module_mutex);
	if (em->mod.state != MODULE_STATE_LIVE) {
		mutex_unlock(&module_mutex);
		return;
	}
	em->mod.state = MODULE_STATE_GOING;
	em->restarts.pending = false;
	mutex_unlock(&module_mutex);

	if (how)
		elfmod_log_stop(em, how);
	else
		elfmod_log_end(em);
	elfmod_destroy(em);
}

static void elfmod_reap(struct work_struct *work)
{
	struct elf_module *em = container_of(work, struct elf_module, reap);

	if (!elfmod_restart_schedule(em))
		elfmod_end(em, NULL);
}

static void elfmod_ended(struct umh_elf_proc *proc)
{
	struct elf_module *em = container_of(proc, struct elf_module, proc);

	schedule_work(&em->reap);
}

/**
 * elfmod_log_start() - log the start of an instance of a module
 * @em: the module, whose process runs
 *
 * Context: Process context.
 */
void elfmod_log_start(struct elf_module *em)
{
	pr_info("elf-module %s: started pid %d, sha256 %*phN, %s, by %s[%d]\n",
		em->mod.name, umh_elf_pid(&em->proc), SHA256_DIGEST_SIZE,
		em->sha256, em->sig_ok ? "signed" : "unsigned",
		current->comm, task_pid_nr(current));
}

static int elfmod_start(struct elf_module *em, const struct load_info *info)
{
	int err;

	em->argv = elfmod_build_argv(em->mod.name, em->args);
	if (IS_ERR(em->argv)) {
		err = PTR_ERR(em->argv);
		em->argv = NULL;
		return err;
	}
	/* Either the file was read into its image file, or this copies it */
	if (info->image)
		err = umh_elf_spawn_image(&em->proc, info->image, info->len,
					  em->argv);
	else
		err = umh_elf_spawn(&em->proc, info->hdr, info->len, em->argv);
	if (err) {
		pr_err("elf-module %s: exec failed: %d\n", em->mod.name, err);
		return err;
	}
	if (!umh_elf_caps_limited(&em->proc))
		pr_notice("elf-module %s: no capabilities= limit: full user-mode-helper capability set\n",
			  em->mod.name);
	elfmod_log_start(em);
	return 0;
}

/*
 * Wait for the outcome of a started module.  A caller that gets a fatal
 * signal meanwhile waits on, unkillably, as long as other callers share
 * its load (module_load_shared()): the load goes on for them, and they
 * get what it returns.  The killed caller itself never sees it.
 */
static int elfmod_wait(struct elf_module *em, const struct load_info *info)
{
	unsigned long timeout = umh_elf_ready_timeout();
	unsigned long deadline = jiffies + timeout;
	int ret;

	ret = umh_elf_wait_outcome(&em->proc, timeout, true);
	while (ret == -EINTR && module_load_shared(info)) {
		if (time_after_eq(jiffies, deadline))
			return -ETIMEDOUT;
		timeout = min_t(unsigned long, deadline - jiffies,
				ELF_UMH_SHARED_POLL);
		ret = umh_elf_wait_outcome(&em->proc, timeout, false);
		if (ret == -ETIMEDOUT)
			ret = -EINTR;	/* look at the others again */
	}
	return ret;
}

/*
 * Make a ready module live, unless its processes are all gone by now:
 * then the load reports how it ended, and the reaper leaves it alone.
 */
static bool elfmod_go_live(struct elf_module *em)
{
	bool live;

	module_put(&em->mod);	/* the load's own reference */
	kobject_uevent(&em->mod.mkobj.kobj, KOBJ_ADD);
	mutex_lock(&module_mutex);
	live = !umh_elf_dead(&em->proc);
	if (live)
		em->mod.state = MODULE_STATE_LIVE;
	mutex_unlock(&module_mutex);
	/* Losers of a concurrent load wait for this. */
	if (live)
		wake_up_all(&module_wq);
	return live;
}

/* Wait for the outcome of a started module; returns what the load returns. */
static int elfmod_settle(struct elf_module *em, const struct load_info *info)
{
	int ret = elfmod_wait(em, info);

	/* From LIVE on, the reaper may free @em at any time. */
	if (ret == UMH_ELF_RUNNING && elfmod_go_live(em))
		return UMH_ELF_RUNNING;
	/* Stop what is left (everything, on a timeout or a signal). */
	if (ret == -ETIMEDOUT) {
		elfmod_stop_timed_out(em);
		return ret;
	}
	umh_elf_stop(&em->proc, 0);
	elfmod_log_end(em);
	/* Ready, but gone before the load returned: report that end. */
	if (ret == UMH_ELF_RUNNING)
		ret = umh_elf_result(&em->proc);
	return ret;
}

/*
 * Whether @name belongs to an ELF module that was live and whose
 * processes are all gone, but which the reaper (or rmmod) has not yet
 * taken off the list.  Called as a wait condition, hence the annotation.
 */
static bool elfmod_name_held_by_dead(const char *name)
{
	struct module *mod;
	bool dead;

	sched_annotate_sleep();
	mutex_lock(&module_mutex);
	mod = find_module_all(name, strlen(name), true);
	dead = mod && module_is_elf(mod) &&
	       (mod->state == MODULE_STATE_LIVE ||
		mod->state == MODULE_STATE_GOING) &&
	       elfmod_gone(mod);
	mutex_unlock(&module_mutex);
	return dead;
}

/*
 * From the moment the last process of a module is gone, its name is
 * free: a new load of it waits for the dead one to leave the list
 * (mod_unlink() wakes module_wq) and then starts afresh, where
 * add_unformed_module() would say -EEXIST or -EBUSY.
 */
static int elfmod_wait_name(const char *name)
{
	if (wait_event_killable(module_wq, !elfmod_name_held_by_dead(name)))
		return -EINTR;
	return 0;
}

static void elfmod_taint(struct elf_module *em, const struct load_info *info)
{
	struct module *mod = &em->mod;

	em->sig_ok = info->sig_ok;
#ifdef CONFIG_MODULE_SIG
	mod->sig_ok = info->sig_ok;
	if (!mod->sig_ok) {
		pr_notice_once("%s: module verification failed: signature and/or required key missing - tainting kernel\n",
			       mod->name);
		add_taint_module(mod, TAINT_UNSIGNED_MODULE, LOCKDEP_STILL_OK);
	}
#endif
}

/* The signed policy, as the elf.KEY=VALUE parameters tighten it. */
static int elfmod_set_policy(struct elf_module *em,
			     const struct elfmod_image *img)
{
	struct umh_elf_limits limits;
	int err;

	err = elfmod_policy_parse(em->mod.name, img->policy, em->args,
				  &em->policy);
	if (err)
		return err;
	elfmod_policy_limits(&em->policy, &limits);
	umh_elf_limit_resources(&em->proc, &limits);
	umh_elf_set_watchdog(&em->proc, em->policy.val[ELFMOD_WATCHDOG_MS]);
	/* A restart runs the kernel's own copy again, never the file. */
	if (em->policy.val[ELFMOD_RESTART] != ELFMOD_RESTART_NO)
		umh_elf_keep_image(&em->proc);
	return 0;
}

static int elfmod_prepare(struct elf_module *em, const struct elfmod_image *img,
			  const struct load_info *info,
			  const char __user *uargs)
{
	umh_elf_proc_init(&em->proc, em->mod.name, elfmod_ended);
	em->handle.proc = &em->proc;
	em->handle.put = elfmod_handle_put;
	INIT_WORK(&em->reap, elfmod_reap);
	elfmod_restarts_init(em);
	elfmod_policy_init(em);
	kref_init(&em->kref);
	if (img->capabilities) {
		kernel_cap_t caps;
		int err = umh_elf_parse_caps(em->mod.name, img->capabilities,
					     &caps);
		if (err)
			return err;
		umh_elf_limit_caps(&em->proc, &caps);
	}
	em->args = strndup_user(uargs, ELF_UMH_ARGS_MAX);
	if (IS_ERR(em->args)) {
		int err = PTR_ERR(em->args);

		em->args = NULL;
		pr_err("elf-module %s: rejected: parameters: %d\n",
		       em->mod.name, err);
		return err;
	}
	/* The signature check hashed the image already; an unsigned one not */
	if (info->sha256_ok)
		memcpy(em->sha256, info->sha256, sizeof(em->sha256));
	else
		sha256((const u8 *)info->hdr, info->len, em->sha256);
	return elfmod_set_policy(em, img);
}

/**
 * elfmod_load() - load an ELF module
 * @info: the image, signature checked; elfmod_is_exec() said yes
 * @uargs: the parameter string from user space
 * @flags: flags of finit_module()
 *
 * Checks the image, enters the module in the list, runs it and waits for
 * the outcome.  Frees the image once the process runs (or on error).
 *
 * Return: 0 if the module is ready, or ran to completion with status 0;
 * otherwise a negative errno (see Documentation/admin-guide/elf-modules.rst).
 */
int elfmod_load(struct load_info *info, const char __user *uargs, int flags)
{
	struct elfmod_image img = { };
	struct elf_module *em;
	int err;

	err = elfmod_check_image(info, &img);
	if (err)
		goto free_copy;
	if (module_blacklisted(img.name)) {
		pr_err("Module %s is blacklisted\n", img.name);
		err = -EPERM;
		goto free_copy;
	}
	err = -ENOMEM;
	em = elfmod_alloc(&img);
	if (!em)
		goto free_copy;
	err = elfmod_prepare(em, &img, info, uargs);
	if (err)
		goto free_em;

	audit_log_kern_module(em->mod.name);
	err = elfmod_check_builtin(em->mod.name);
	if (!err)
		err = elfmod_wait_name(em->mod.name);
	if (!err)
		err = add_unformed_module(&em->mod);
	if (err)
		goto free_em;
	elfmod_taint(em, info);

	mutex_lock(&module_mutex);
	em->mod.state = MODULE_STATE_COMING;
	mutex_unlock(&module_mutex);

	err = elfmod_sysfs_add(em);
	if (!err) {
		/* From here on, as for a module about to run its init */
		trace_module_load(&em->mod);
		err = elfmod_start(em, info);
	} else if (err == -EINVAL) {	/* a built-in module of that name */
		err = -EEXIST;
	}
	/* The process runs from its own copy, in shmem; info->len stays. */
	module_free_copy(info, flags);
	if (err)
		goto destroy;

	err = elfmod_settle(em, info);
	/* Live, or run to completion: a load, for request_module(). */
	if (err == UMH_ELF_RUNNING || !err) {
		kmod_note_load();
		mod_stat_inc(&modcount);
	}
	if (err == UMH_ELF_RUNNING)
		return 0;
destroy:
	elfmod_destroy_stopped(em);
	if (err)
		mod_stat_bump_invalid(info, flags);
	return err;
free_em:
	elfmod_free(em);
free_copy:
	mod_stat_bump_becoming(info, flags);
	module_free_copy(info, flags);
	return err;
}

/**
 * elfmod_delete() - unload an ELF module (the end of delete_module())
 * @mod: the module, which try_stop_module() has set GOING
 *
 * Cancels a pending restart (or waits for one under way), stops its
 * processes (SIGTERM, then SIGKILL after the stop timeout), waits until
 * they are gone and frees the module.
 *
 * Return: 0.
 */
int elfmod_delete(struct module *mod)
{
	struct elf_module *em = to_elf_module(mod);
	char how[48] = "rmmod";
	long killed;

	/* No restart from now on: rmmod set GOING.  Wait for one running. */
	elfmod_restart_cancel(em);
	killed = umh_elf_stop(&em->proc,
			      umh_elf_stop_timeout());
	if (killed >= 0)
		snprintf(how, sizeof(how), "rmmod, killed after %ld ms",
			 killed);
	elfmod_log_stop(em, how);
	elfmod_destroy_stopped(em);
	return 0;
}

/**
 * elfmod_gone() - whether the processes of an ELF module are all gone
 * @mod: an ELF module
 *
 * True from the moment its last process has exited, before the reaper
 * has taken it off the list: /sys/module/NAME/initstate then says
 * "going", so that modprobe loads it afresh rather than take it for
 * loaded.
 *
 * Context: any context; does not sleep.
 * Return: true if the module ran and every process of it has exited.
 */
bool elfmod_gone(struct module *mod)
{
	struct elf_module *em = to_elf_module(mod);

	/* Between two instances of a module that restarts, it is not. */
	return !elfmod_restart_pending(em) && umh_elf_dead(&em->proc);
}

/* @name as modprobe compares it, or NULL. */
static char *elfmod_normalize(const char *name)
{
	size_t len = strlen(name);
	char *norm;

	norm = kmalloc(len + 1, GFP_KERNEL);
	if (norm) {
		kmod_normalize(norm, name, len);
		norm[len] = '\0';
	}
	return norm;
}

/**
 * elfmod_find_get() - a reference to a live loaded ELF module
 * @name: its name, or a name that one of its aliases matches
 *
 * Context: Process context; sleeps (takes module_mutex).
 * Return: the in-kernel API's handle, or NULL if there is no such live
 * module, also if its processes are gone, even before the reaper has
 * taken it off the list.
 */
struct umh_elf *elfmod_find_get(const char *name)
{
	struct elf_module *em = NULL;
	struct module *mod;
	char *norm;

	norm = elfmod_normalize(name);
	if (!norm)
		return NULL;
	mutex_lock(&module_mutex);
	list_for_each_entry(mod, &modules, list) {
		if (!module_is_elf(mod) || mod->state != MODULE_STATE_LIVE ||
		    elfmod_gone(mod) ||
		    !kmod_module_provides(mod, norm))
			continue;
		if (try_module_get(mod)) {
			em = to_elf_module(mod);
			kref_get(&em->kref);
			break;
		}
	}
	mutex_unlock(&module_mutex);
	kfree(norm);
	return em ? &em->handle : NULL;
}
