/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ELF modules, process side: what its files share.  umh_elf.c runs and
 * follows the processes, from the image file of umh_elf_image.c;
 * umh_elf_contain.c keeps them in the module's cgroup, umh_elf_cred.c
 * gives them their credentials, umh_elf_notify.c is their notify fd,
 * umh_elf_chan.c their channel to kernel code.
 */
#ifndef _KERNEL_UMH_ELF_INTERNAL_H
#define _KERNEL_UMH_ELF_INTERNAL_H

#include "umh_elf_proc.h"

/* umh_elf_image.c */
struct file *umh_elf_image(const char *name, const void *image, size_t len);

/* umh_elf.c */
void umh_elf_kick(struct umh_elf_proc *proc);
int umh_elf_spawn_file(struct umh_elf_proc *proc, struct file *exe,
		       char **argv);
/* umh_elf.c: the sd_notify parser, fed by the notify file. */
void umh_elf_notify_bytes(struct umh_elf_proc *proc, const char *buf,
			  size_t len);
void umh_elf_notify_flush(struct umh_elf_proc *proc);
ssize_t umh_elf_notify_partial(struct umh_elf_proc *proc, char *buf,
			       size_t size);

/* umh_elf_notify.c */
struct file *umh_elf_notify_open(struct umh_elf_proc *proc);
void umh_elf_notify_detach(struct umh_elf_proc *proc);

/* umh_elf_chan.c */
struct file *umh_elf_chan_open(struct umh_elf_proc *proc);
void umh_elf_chan_detach(struct umh_elf_proc *proc);
void umh_elf_chan_put(struct umh_elf_proc *proc);
void umh_elf_chan_end(struct umh_elf_proc *proc);
const char *umh_elf_chan_broken(struct umh_elf_proc *proc);
struct umh_elf_chan *umh_elf_chan_get(struct umh_elf_proc *proc);
void umh_elf_chan_drop(struct umh_elf_chan *chan);

/* umh_elf_watchdog.c */
void umh_elf_watchdog_init(struct umh_elf_proc *proc);
void umh_elf_watchdog_pet(struct umh_elf_proc *proc);
void umh_elf_watchdog_stop(struct umh_elf_proc *proc, bool sync);

/* umh_elf_cred.c */
int umh_elf_cred_get(struct umh_elf_proc *proc);
void umh_elf_cred_put(struct umh_elf_proc *proc);
int umh_elf_cred_apply(struct umh_elf_proc *proc, struct cred *new);

/* umh_elf_contain.c */
int umh_elf_contain_create(struct umh_elf_proc *proc);
int umh_elf_contain_enter(struct umh_elf_proc *proc);
struct file *umh_elf_contain_events(struct umh_elf_proc *proc);
bool umh_elf_contain_populated(struct umh_elf_proc *proc);
bool umh_elf_contain_oom_killed(struct umh_elf_proc *proc);
void umh_elf_contain_signal(struct umh_elf_proc *proc, int sig);
ssize_t umh_elf_contain_pids(struct umh_elf_proc *proc, char *buf,
			     size_t size);
void umh_elf_contain_name_stragglers(struct umh_elf_proc *proc);
void umh_elf_contain_retire(struct umh_elf_proc *proc);
void umh_elf_contain_release(struct umh_elf_proc *proc);
void umh_elf_contain_drop(const char *name, struct cgroup *cgrp,
			  struct file *events);

#endif /* _KERNEL_UMH_ELF_INTERNAL_H */
