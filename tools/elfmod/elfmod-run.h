/* SPDX-License-Identifier: GPL-2.0 */
/*
 * elfmod-run: run an ELF module as a plain program, with the fds the
 * kernel gives it, and report what its load would return.  The parts:
 * elfmod-run.c (the process and its outcome), image.c (the checks of the
 * image and its .modinfo), cred.c (capabilities=), chan.c (the channel,
 * emulated with seccomp user notification).
 */
#ifndef ELFMOD_RUN_H
#define ELFMOD_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <linux/elf_module.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* What the kernel's loader takes from the image (image.c). */
struct image {
	const char *path;
	unsigned char *data;	/* the file, decompressed */
	size_t len;		/* without an appended signature */
	bool is_signed;		/* a signature was appended */
	char name[64];		/* name= */
	char caps[256];		/* capabilities=, if has_caps */
	bool has_caps;
	long watchdog_ms;	/* watchdog_ms=, or 0 */
};

int image_load(struct image *img, const char *path);

/* The credentials of capabilities= (cred.c). */
#define RUN_UID_BASE	0x70000000U	/* the kernel's elf_uid_base */

int caps_parse(const struct image *img, unsigned long long *mask);
int caps_apply(unsigned long long mask, unsigned int id);

/* The channel (chan.c). */
struct chan;

struct chan *chan_new(int sock, int listener, int call_ms);
bool chan_idle(const struct chan *ch);
int chan_call(struct chan *ch, const char *line);
void chan_on_notif(struct chan *ch);
const char *chan_on_message(struct chan *ch);
void chan_tick(struct chan *ch, long long now);
void chan_close(struct chan *ch);
long long chan_next_deadline(const struct chan *ch);

/* Shared helpers (elfmod-run.c). */
long long now_ms(void);
void say(const char *fmt, ...);
void print_escaped(const char *prefix, const void *buf, size_t len);
const char *errname(int err);

#endif /* ELFMOD_RUN_H */
