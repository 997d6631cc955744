// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * elfmod.c - the part of the ELF module authors' library that is not
 * inline (see elfmod.h): typed parameters, elf_module_fail(), formatted
 * STATUS= lines and the channel's message loop.  Kbuild builds it for
 * every directory with elfmod-m programs, with glibc or nolibc.
 */
#ifndef NOLIBC
#include <stdarg.h>
#include <stdio.h>
#endif
#include "elfmod.h"

/* Parameter names match as for modules: '-' and '_' are the same. */
static int elfmod_name_is(const char *arg, size_t len, const char *name)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char a = arg[i] == '-' ? '_' : arg[i];

		if (a != name[i])
			return 0;
	}
	return !name[len];
}

static int elfmod_bool(const char *val, bool *b)
{
	if (!val || !strcmp(val, "1") || !strcmp(val, "y") ||
	    !strcmp(val, "Y") || !strcmp(val, "on"))
		*b = true;
	else if (!strcmp(val, "0") || !strcmp(val, "n") ||
		 !strcmp(val, "N") || !strcmp(val, "off"))
		*b = false;
	else
		return -1;
	return 0;
}

/* Set @p from @val; -1 if @val is no value of its type. */
static int elfmod_set(const struct elf_module_param *p, const char *val)
{
	char *end;
	long l;
	unsigned long u;

	if (p->type == ELF_MODULE_PARAM_bool)
		return elfmod_bool(val, p->var);
	if (p->type == ELF_MODULE_PARAM_charp) {
		if (!val)
			return -1;
		*(const char **)p->var = val;
		return 0;
	}
	if (!val || !*val)
		return -1;
	errno = 0;
	if (p->type == ELF_MODULE_PARAM_int || p->type == ELF_MODULE_PARAM_long) {
		l = strtol(val, &end, 0);
		if (errno || *end)
			return -1;
		if (p->type == ELF_MODULE_PARAM_long) {
			*(long *)p->var = l;
			return 0;
		}
		if (l < -2147483647L - 1 || l > 2147483647L)
			return -1;
		*(int *)p->var = (int)l;
		return 0;
	}
	if (*val == '-')
		return -1;
	u = strtoul(val, &end, 0);
	if (errno || *end)
		return -1;
	if (p->type == ELF_MODULE_PARAM_ulong) {
		*(unsigned long *)p->var = u;
		return 0;
	}
	if (u > 4294967295UL)
		return -1;
	*(unsigned int *)p->var = (unsigned int)u;
	return 0;
}

/**
 * elf_module_params() - set the ELF_MODULE_PARAM() variables from argv
 * @argc: main()'s argc
 * @argv: main()'s argv: "key=value" or "key" words, as the kernel split
 *	the modprobe line
 *
 * As for a regular module, an unknown parameter is logged and ignored,
 * and a value its type does not take is logged and fails the call.
 *
 * Context: Before the program's threads start.
 * Return: 0, or EINVAL (a positive errno, for elf_module_fail()).
 */
int elf_module_params(int argc, char *const argv[])
{
	const struct elf_module_param *p;
	int i, err = 0;

	for (i = 1; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		size_t len = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);

		for (p = __start_elfmod_param; p && p < __stop_elfmod_param; p++)
			if (elfmod_name_is(argv[i], len, p->name))
				break;
		if (!p || p >= __stop_elfmod_param) {
			fputs("unknown parameter '", stderr);
			fwrite(argv[i], 1, len, stderr);
			fputs("' ignored\n", stderr);
			continue;
		}
		if (elfmod_set(p, eq ? eq + 1 : NULL)) {
			fprintf(stderr, "'%s' invalid for parameter '%s'\n",
				eq ? eq + 1 : "", p->name);
			err = EINVAL;
		}
	}
	return err;
}

/**
 * elf_module_fail() - log why the module cannot go on, and fail its load
 * @err: the errno the load fails with, 1 to ELF_MODULE_ERRNO_MAX (a
 *	negative one is taken as its opposite)
 * @fmt: printf() format of the log line (no '\n' needed)
 *
 * Writes the line to stderr (the kernel log, as "NAME: line"), sends
 * ERRNO=@err and exits with @err as status if it is 1 to 133, else 1.
 * modprobe then prints strerror(@err), but for the errnos kmod rewrites
 * (elf-modules.rst).  After READY=1 the load has returned: the module
 * just ends, with that status.
 *
 * Context: Any thread; does not return.
 */
void elf_module_fail(int err, const char *fmt, ...)
{
	va_list ap;

	if (err < 0)
		err = -err;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	if (err >= 1 && err <= ELF_MODULE_ERRNO_MAX)
		elf_module_errno(err);
	exit(err >= 1 && err <= 133 ? err : 1);
}

#ifndef NOLIBC
/**
 * elf_module_statusf() - send a STATUS= line made with printf()
 * @fmt: printf() format of the status text (no '\n')
 *
 * The kernel keeps the first 127 bytes; longer text is cut here alike.
 *
 * Context: Any thread.
 * Return: 0, or -1 with errno set.
 */
int elf_module_statusf(const char *fmt, ...)
{
	char text[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return elf_module_status(text);
}
#endif

/**
 * elf_module_serve() - answer the channel's requests until it closes
 * @handler: called for each request (elf_module_handler_t in elfmod.h)
 * @arg: passed to @handler
 *
 * Each call has a buffer of its own, so several threads may serve the
 * channel at once.  Messages other than requests are skipped.
 *
 * Context: Any thread, usually after elf_module_ready().
 * Return: 0 once the kernel closed the channel (the module is being
 * stopped), what @handler returned if not 0, or -1 with errno set.
 */
int elf_module_serve(elf_module_handler_t *handler, void *arg)
{
	size_t size = sizeof(struct elf_module_msg_hdr) + ELF_MODULE_MSG_MAX;
	struct elf_module_msg_hdr *msg = malloc(size);
	int fds[ELF_MODULE_FDS_MAX];
	int i, ret = 0;

	if (!msg)
		return -1;
	while (!ret) {
		if (elf_module_recv(msg, size, fds) < 0) {
			ret = errno ? -1 : 0;
			break;
		}
		if (msg->type != ELF_MODULE_MSG_REQUEST) {
			for (i = 0; i < msg->nfds; i++)
				close(fds[i]);
			continue;
		}
		ret = handler(msg, fds, arg);
		for (i = 0; i < msg->nfds; i++)
			if (fds[i] >= 0)
				close(fds[i]);
	}
	i = errno;
	free(msg);
	errno = i;
	return ret;
}
