// SPDX-License-Identifier: GPL-2.0
/*
 * elfmod-run: read an ELF module's file and check it as the kernel's
 * loader does (kernel/module/elf_umh.c): decompressed, signature taken
 * off, an executable for this machine with a .modinfo and a name=.
 * A refusal is one line saying why and ENOEXEC, as the loader's.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/elf.h>
#include "elfmod-run.h"

#if defined(__x86_64__)
#define RUN_MACHINE	EM_X86_64
#elif defined(__aarch64__)
#define RUN_MACHINE	EM_AARCH64
#else
#error "elfmod-run: add this machine's EM_ value"
#endif

/* What scripts/sign-file appends: the signature, this, and a marker. */
#define SIG_MARKER	"~Module signature appended~\n"
struct module_signature {
	unsigned char algo, hash, id_type, signer_len, key_id_len, pad[3];
	unsigned int sig_len;	/* big endian */
};

static int reject(const char *name, const char *why)
{
	if (name)
		say("elf-module %s: rejected: %s", name, why);
	else
		say("elf-module: rejected: %s", why);
	return -ENOEXEC;
}

/* Read all of @fd into a growing buffer. */
static int read_all(int fd, unsigned char **data, size_t *len)
{
	size_t cap = 1 << 20;
	unsigned char *p = malloc(cap);
	ssize_t n;

	*len = 0;
	while (p && (n = read(fd, p + *len, cap - *len)) > 0) {
		*len += (size_t)n;
		if (*len == cap) {
			cap *= 2;
			p = realloc(p, cap);
		}
	}
	if (!p || n < 0) {
		free(p);
		return -errno ?: -ENOMEM;
	}
	*data = p;
	return 0;
}

/* kmod's compressions, by magic: the tool that undoes each. */
static const char *decompressor(const unsigned char *p, size_t len)
{
	if (len >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return "gzip";
	if (len >= 6 && !memcmp(p, "\xfd\x37zXZ", 6))
		return "xz";
	if (len >= 4 && !memcmp(p, "\x28\xb5\x2f\xfd", 4))
		return "zstd";
	return NULL;
}

static int decompress(struct image *img, const char *tool)
{
	int out[2], status;
	pid_t pid;
	int err;

	if (pipe(out))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		dup2(out[1], 1);
		close(out[0]);
		execlp(tool, tool, "-dc", "--", img->path, (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	free(img->data);
	err = read_all(out[0], &img->data, &img->len);
	close(out[0]);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		err = err ?: -EIO;
	if (err)
		say("elfmod-run: %s: %s -dc failed", img->path, tool);
	return err;
}

/* Take off an appended module signature, as module_sig_check() does. */
static void strip_signature(struct image *img)
{
	size_t mlen = strlen(SIG_MARKER);
	struct module_signature ms;
	size_t sig;

	if (img->len < mlen + sizeof(ms) ||
	    memcmp(img->data + img->len - mlen, SIG_MARKER, mlen))
		return;
	memcpy(&ms, img->data + img->len - mlen - sizeof(ms), sizeof(ms));
	sig = __builtin_bswap32(ms.sig_len);
	if (sig > img->len - mlen - sizeof(ms))
		return;
	img->len -= mlen + sizeof(ms) + sig;
	img->is_signed = true;
}

static bool in_image(unsigned long long off, unsigned long long n,
		     unsigned long long size, size_t len)
{
	return off <= len && n <= (len - off) / (size ? size : 1);
}

static int check_header(const struct elf64_hdr *h, size_t len)
{
	if (len < sizeof(*h) || memcmp(h->e_ident, ELFMAG, SELFMAG))
		return reject(NULL, "not an ELF file");
	if (h->e_type != ET_EXEC && h->e_type != ET_DYN)
		return reject(NULL, "not an executable: insmod would take it for a regular module");
	if (h->e_ident[EI_CLASS] != ELFCLASS64)
		return reject(NULL, "wrong ELF class for this machine");
	if (h->e_ident[EI_DATA] != ELFDATA2LSB)
		return reject(NULL, "wrong byte order for this machine");
	if (h->e_ident[EI_VERSION] != EV_CURRENT || h->e_version != EV_CURRENT)
		return reject(NULL, "unknown ELF version");
	if (h->e_machine != RUN_MACHINE)
		return reject(NULL, "not an executable for this machine");
	if (h->e_ehsize < sizeof(*h))
		return reject(NULL, "truncated ELF header");
	if (h->e_phentsize != sizeof(struct elf64_phdr) || !h->e_phnum ||
	    h->e_phnum > 65536U / sizeof(struct elf64_phdr) ||
	    !in_image(h->e_phoff, h->e_phnum, sizeof(struct elf64_phdr), len))
		return reject(NULL, "program headers out of bounds");
	if (h->e_shentsize != sizeof(struct elf64_shdr) || !h->e_shnum ||
	    h->e_shstrndx >= h->e_shnum ||
	    !in_image(h->e_shoff, h->e_shnum, sizeof(struct elf64_shdr), len))
		return reject(NULL, "section headers out of bounds");
	return 0;
}

static int check_segments(const struct elf64_hdr *h, size_t len)
{
	const struct elf64_phdr *ph = (const void *)((const char *)h + h->e_phoff);
	unsigned int i, loads = 0;

	for (i = 0; i < h->e_phnum; i++, ph++) {
		if (ph->p_type == PT_INTERP)
			return reject(NULL, "PT_INTERP: not statically linked");
		if (ph->p_type != PT_LOAD)
			continue;
		if (!in_image(ph->p_offset, ph->p_filesz, 1, len) ||
		    ph->p_filesz > ph->p_memsz)
			return reject(NULL, "segment out of bounds");
		loads++;
	}
	return loads ? 0 : reject(NULL, "no PT_LOAD segment");
}

static int find_modinfo(const struct elf64_hdr *h, size_t len, const char **start,
			size_t *size)
{
	const struct elf64_shdr *sh = (const void *)((const char *)h + h->e_shoff);
	const struct elf64_shdr *str = &sh[h->e_shstrndx];
	const char *names = (const char *)h + str->sh_offset;
	unsigned int i;

	if (str->sh_type != SHT_STRTAB || !str->sh_size ||
	    !in_image(str->sh_offset, str->sh_size, 1, len) ||
	    names[str->sh_size - 1])
		return reject(NULL, "bad section name table");
	for (i = 0; i < h->e_shnum; i++) {
		if (sh[i].sh_name >= str->sh_size ||
		    strcmp(names + sh[i].sh_name, ".modinfo"))
			continue;
		if (sh[i].sh_type != SHT_PROGBITS || !sh[i].sh_size ||
		    !in_image(sh[i].sh_offset, sh[i].sh_size, 1, len))
			return reject(NULL, ".modinfo out of bounds");
		*start = (const char *)h + sh[i].sh_offset;
		*size = sh[i].sh_size;
		if ((*start)[*size - 1])
			return reject(NULL, ".modinfo not NUL-terminated");
		return 0;
	}
	return reject(NULL, "no .modinfo section");
}

/* The tags the loader reads refuse a second copy. */
static const char *const once_tags[] = {
	"name", "version", "capabilities", "memory_max", "pids_max",
};

static int parse_modinfo(struct image *img, const char *start, size_t size)
{
	const char *p, *name = NULL;
	bool seen[ARRAY_SIZE(once_tags)] = { false };
	unsigned int i;

	for (p = start; p < start + size; p += strlen(p) + 1) {
		for (i = 0; i < ARRAY_SIZE(once_tags); i++) {
			size_t n = strlen(once_tags[i]);

			if (strncmp(p, once_tags[i], n) || p[n] != '=')
				continue;
			if (seen[i])
				return reject(name, "duplicate tag in .modinfo");
			seen[i] = true;
		}
		if (!strncmp(p, "name=", 5))
			name = p + 5;
		else if (!strncmp(p, "capabilities=", 13))
			img->has_caps = snprintf(img->caps, sizeof(img->caps),
						 "%s", p + 13) >= 0;
		else if (!strncmp(p, "watchdog_ms=", 12))
			img->watchdog_ms = atol(p + 12);
	}
	if (!name)
		return reject(NULL, "no name= in .modinfo");
	if (!*name || strlen(name) >= sizeof(img->name))
		return reject(NULL, "bad name= in .modinfo");
	for (p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return reject(NULL, "bad name= in .modinfo");
	memcpy(img->name, name, strlen(name) + 1);
	return 0;
}

/**
 * image_load() - read and check an ELF module's file
 * @img: filled in
 * @path: NAME.ko, possibly compressed and signed
 *
 * Return: 0, -ENOEXEC for what the loader refuses (logged), or another
 * -errno if the file cannot be read.
 */
int image_load(struct image *img, const char *path)
{
	const struct elf64_hdr *h;
	const char *tool, *modinfo;
	size_t size;
	int fd, err;

	memset(img, 0, sizeof(*img));
	img->path = path;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		say("elfmod-run: %s: %s", path, strerror(-err));
		return err;
	}
	err = read_all(fd, &img->data, &img->len);
	close(fd);
	if (err)
		return err;
	tool = decompressor(img->data, img->len);
	if (tool) {
		err = decompress(img, tool);
		if (err)
			return err;
	}
	strip_signature(img);
	h = (const void *)img->data;
	err = check_header(h, img->len);
	if (!err)
		err = check_segments(h, img->len);
	if (!err)
		err = find_modinfo(h, img->len, &modinfo, &size);
	if (!err)
		err = parse_modinfo(img, modinfo, size);
	return err;
}
