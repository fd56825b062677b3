// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * usdt.c - where a USDT probe (<sys/sdt.h>) sits in an ELF file: each
 * probe site is a note in .note.stapsdt naming its address (and its
 * semaphore's, if it has one), which becomes a file offset for a uprobe.
 * A plain uprobe at that offset fires in every process that maps the file,
 * a PIE or not, on every kernel with uprobes; libbpf's own USDT attach
 * needs BPF cookies (Linux 5.15+) for a PIE in every process, which
 * Debian 11's kernel lacks. The probes' arguments are not read.
 *
 * The file is untrusted: every size is checked before it is used.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "usdt.h"

#define NT_STAPSDT 3

static void say(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

/* The file offset of vaddr: in the PT_LOAD segment that holds it (an
 * executable one if exec); 0 when none does */
static uint64_t file_offset(Elf *elf, uint64_t vaddr, bool exec)
{
	size_t n;

	if (elf_getphdrnum(elf, &n))
		return 0;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_LOAD ||
		    (exec && !(ph.p_flags & PF_X)))
			continue;
		if (vaddr >= ph.p_vaddr && vaddr - ph.p_vaddr < ph.p_filesz)
			return vaddr - ph.p_vaddr + ph.p_offset;
	}
	return 0;
}

/* The section named name, or NULL */
static Elf_Scn *section(Elf *elf, const char *name, GElf_Shdr *sh)
{
	size_t strndx;
	Elf_Scn *scn = NULL;

	if (elf_getshdrstrndx(elf, &strndx))
		return NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *n;

		if (!gelf_getshdr(scn, sh))
			continue;
		n = elf_strptr(elf, strndx, sh->sh_name);
		if (n && !strcmp(n, name))
			return scn;
	}
	return NULL;
}

/* A note's descriptor: pc, base, semaphore (each an address of the file's
 * class), then "provider\0name\0args\0". -1 if it is not that. */
static int parse_note(const char *desc, size_t len, bool is64, uint64_t addr[3],
		      const char **provider, const char **name)
{
	size_t w = is64 ? 8 : 4, off = 3 * w;
	const char *end;

	if (len < off + 2)
		return -1;
	for (int i = 0; i < 3; i++) {
		if (is64) {
			uint64_t v;

			memcpy(&v, desc + i * w, 8);
			addr[i] = v;
		} else {
			uint32_t v;

			memcpy(&v, desc + i * w, 4);
			addr[i] = v;
		}
	}
	*provider = desc + off;
	end = memchr(*provider, '\0', len - off);
	if (!end || (size_t)(end + 1 - desc) >= len)
		return -1;
	*name = end + 1;
	if (!memchr(*name, '\0', len - (size_t)(*name - desc)))
		return -1;
	return 0;
}

int usdt_find(const char *path, const char *provider, const char *name,
	      struct usdt_site *sites, size_t max, char *err, size_t errlen)
{
	GElf_Shdr sh, base_sh;
	uint64_t base = 0;
	Elf_Scn *scn;
	Elf_Data *data;
	Elf *elf = NULL;
	size_t n = 0, off = 0;
	bool is64;
	int fd, ret = 0;

	if (elf_version(EV_CURRENT) == EV_NONE) {
		say(err, errlen, "libelf is unusable");
		return -EINVAL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		say(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return ret;
	}
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || gelf_getclass(elf) == ELFCLASSNONE) {
		say(err, errlen, "%s is not an ELF file", path);
		ret = -ENOEXEC;
		goto out;
	}
	is64 = gelf_getclass(elf) == ELFCLASS64;
	/* prelink moves the code: the notes' base says by how much */
	if (section(elf, ".stapsdt.base", &base_sh))
		base = base_sh.sh_addr;
	scn = section(elf, ".note.stapsdt", &sh);
	data = scn && sh.sh_type == SHT_NOTE ? elf_getdata(scn, NULL) : NULL;
	if (!data) {
		say(err, errlen, "%s has no USDT probes (no .note.stapsdt section)", path);
		ret = -ENOENT;
		goto out;
	}
	for (;;) {
		GElf_Nhdr nh;
		size_t name_off, desc_off, next;
		const char *p, *nm;
		uint64_t addr[3];

		next = gelf_getnote(data, off, &nh, &name_off, &desc_off);
		if (!next)
			break;
		off = next;
		if (nh.n_type != NT_STAPSDT || nh.n_namesz != 8 ||
		    desc_off + nh.n_descsz > data->d_size ||
		    strncmp((const char *)data->d_buf + name_off, "stapsdt", 8) ||
		    parse_note((const char *)data->d_buf + desc_off, nh.n_descsz, is64,
			       addr, &p, &nm))
			continue;
		if (strcmp(p, provider) || strcmp(nm, name))
			continue;
		if (base && addr[1]) {		/* pc and semaphore, moved alike */
			addr[0] += base - addr[1];
			if (addr[2])
				addr[2] += base - addr[1];
		}
		if (n == max) {
			say(err, errlen, "%s:%s is at more than %zu places in %s", provider,
			    name, max, path);
			ret = -E2BIG;
			goto out;
		}
		sites[n].offset = file_offset(elf, addr[0], true);
		sites[n].semaphore = addr[2] ? file_offset(elf, addr[2], false) : 0;
		if (!sites[n].offset || (addr[2] && !sites[n].semaphore)) {
			say(err, errlen, "%s:%s in %s is at an address no loaded segment "
			    "holds", provider, name, path);
			ret = -ENOEXEC;
			goto out;
		}
		n++;
	}
	if (!n) {
		say(err, errlen, "no USDT probe %s:%s in %s", provider, name, path);
		ret = -ENOENT;
	} else {
		ret = (int)n;
	}
out:
	if (elf)
		elf_end(elf);
	close(fd);
	return ret;
}
