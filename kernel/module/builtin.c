// SPDX-License-Identifier: GPL-2.0
/*
 * The names and aliases of built-in modules, looked up in constant time.
 *
 * vmlinux keeps the .modinfo strings of built-in code ("modname.tag=value",
 * the content of modules.builtin.modinfo) in init data, between
 * __start_builtin_modinfo and __stop_builtin_modinfo.  At boot, the names
 * of built-in modules (those with a file= tag) and of built-in code that
 * owns /sys/module/NAME through its parameters, and the exact
 * aliases of built-in modules, are copied into a hash table; aliases with
 * wildcards go to a list, matched as modprobe matches them.  The init copy
 * is freed with the rest of init memory.
 *
 * An architecture whose linker script discards .modinfo before INIT_DATA
 * gets an empty table from it: only the names taken by parameters remain.
 */
#define pr_fmt(fmt) "module: " fmt

#include <linux/glob.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/stringhash.h>

#include "internal.h"

extern const char __start_builtin_modinfo[], __stop_builtin_modinfo[];

/**
 * struct builtin_entry - a name or an exact alias of built-in code
 * @node: in its bucket of builtin_table
 * @str: the name or alias, normalized ('-' read as '_')
 * @is_name: @str is a module name (else an alias)
 */
struct builtin_entry {
	struct hlist_node node;
	const char *str;
	bool is_name;
};

/*
 * Written once by builtin_modules_init(), an initcall that runs before any
 * user-mode helper can (so before request_module() can run modprobe, and
 * before any ELF module loads); read-only, and read without locks, after.
 */
static struct hlist_head *builtin_table;
static unsigned int builtin_bits;
static const char **builtin_wildcards;
static unsigned int builtin_nr_wildcards;

static struct hlist_head *builtin_bucket(const char *str)
{
	return &builtin_table[hash_32(full_name_hash(NULL, str, strlen(str)),
				      builtin_bits)];
}

static struct builtin_entry *builtin_find(const char *str)
{
	struct builtin_entry *e;

	if (!builtin_table)
		return NULL;
	hlist_for_each_entry(e, builtin_bucket(str), node)
		if (!strcmp(e->str, str))
			return e;
	return NULL;
}

/**
 * module_builtin_name() - whether built-in code has a module name
 * @name: the name, normalized
 *
 * Return: true if @name is the name of a built-in module, or of built-in
 * code that has /sys/module/@name for its parameters.
 */
bool module_builtin_name(const char *name)
{
	struct builtin_entry *e = builtin_find(name);

	return e && e->is_name;
}

/**
 * module_builtin_provides() - whether a built-in module provides a name
 * @name: the requested name, normalized
 *
 * Return: true if @name is the name of a built-in module or matches one
 * of their aliases.
 */
bool module_builtin_provides(const char *name)
{
	unsigned int i;

	if (builtin_find(name))
		return true;
	for (i = 0; i < builtin_nr_wildcards; i++)
		if (glob_match(builtin_wildcards[i], name))
			return true;
	return false;
}

/* What one .modinfo string or parameter adds. */
struct builtin_item {
	const char *str;
	size_t len;
	bool is_name;
};

/* Call @fn on the items of the .modinfo of built-in code. */
static void __init builtin_modinfo_walk(void (*fn)(const struct builtin_item *,
						   void *), void *arg)
{
	const char *p = __start_builtin_modinfo, *end = __stop_builtin_modinfo;
	const char *dot, *val;
	struct builtin_item it;
	size_t len;

	for (; p < end; p += len + 1) {
		len = strnlen(p, end - p);
		dot = strnchr(p, len, '.');
		val = strnchr(p, len, '=');
		if (!dot || !val || dot > val || dot == p)
			continue;
		if (!strncmp(dot + 1, "file=", 5)) {
			it.str = p;
			it.len = dot - p;
			it.is_name = true;
			fn(&it, arg);
		} else if (!strncmp(dot + 1, "alias=", 6) && val[1]) {
			it.str = val + 1;
			it.len = p + len - val - 1;
			it.is_name = false;
			fn(&it, arg);
		}
	}
}

/* Call @fn on the module names of built-in parameters. */
static void __init builtin_sysfs_walk(void (*fn)(const struct builtin_item *,
						 void *), void *arg)
{
	const struct kernel_param *kp;
	struct builtin_item it = { .is_name = true };
	const char *dot;

	for (kp = __start___param; kp < __stop___param; kp++) {
		/* As param_sysfs_builtin() names /sys/module entries. */
		if (!kp->perm)
			continue;
		dot = strchr(kp->name, '.');
		it.str = dot ? kp->name : "kernel";
		it.len = dot ? dot - kp->name : strlen("kernel");
		fn(&it, arg);
	}
}

/* Sizes: items, and bytes of their strings. */
struct builtin_count {
	unsigned int items;
	size_t bytes;
};

static void __init builtin_count_one(const struct builtin_item *it, void *arg)
{
	struct builtin_count *c = arg;

	c->items++;
	c->bytes += it->len + 1;
}

/* Where the table is filled. */
struct builtin_fill {
	struct builtin_entry *entries;
	unsigned int used;
	char *strings;
};

static void __init builtin_add_one(const struct builtin_item *it, void *arg)
{
	struct builtin_fill *f = arg;
	struct builtin_entry *e;
	char *s = f->strings;

	kmod_normalize(s, it->str, it->len);
	s[it->len] = '\0';
	if (!it->is_name && strpbrk(s, "*?[")) {
		builtin_wildcards[builtin_nr_wildcards++] = s;
		f->strings += it->len + 1;
		return;
	}
	e = builtin_find(s);
	if (e) {
		e->is_name |= it->is_name;
		return;
	}
	e = &f->entries[f->used++];
	e->str = s;
	e->is_name = it->is_name;
	hlist_add_head(&e->node, builtin_bucket(s));
	f->strings += it->len + 1;
}

static int __init builtin_modules_init(void)
{
	struct builtin_count c = { };
	struct builtin_fill f = { };
	unsigned int i;

	builtin_modinfo_walk(builtin_count_one, &c);
	builtin_sysfs_walk(builtin_count_one, &c);
	if (!c.items)
		return 0;

	builtin_bits = ilog2(roundup_pow_of_two(c.items));
	builtin_table = kcalloc(1U << builtin_bits, sizeof(*builtin_table),
				GFP_KERNEL);
	f.entries = kcalloc(c.items, sizeof(*f.entries), GFP_KERNEL);
	f.strings = kmalloc(c.bytes, GFP_KERNEL);
	builtin_wildcards = kcalloc(c.items, sizeof(*builtin_wildcards),
				    GFP_KERNEL);
	if (!builtin_table || !f.entries || !f.strings || !builtin_wildcards) {
		kfree(builtin_table);
		kfree(f.entries);
		kfree(f.strings);
		kfree(builtin_wildcards);
		builtin_table = NULL;
		builtin_wildcards = NULL;
		pr_err("no memory for the names of built-in modules\n");
		return -ENOMEM;
	}
	for (i = 0; i < 1U << builtin_bits; i++)
		INIT_HLIST_HEAD(&builtin_table[i]);
	builtin_modinfo_walk(builtin_add_one, &f);
	builtin_sysfs_walk(builtin_add_one, &f);
	pr_debug("%u names and aliases of built-in modules, %u wildcards\n",
		 f.used, builtin_nr_wildcards);
	return 0;
}
core_initcall(builtin_modules_init);
