// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * corebtf.c - the part of the kernel's BTF that our CO-RE relocations can
 * match, as a BTF of its own that libbpf relocates against
 * (btf_custom_path), instead of the kernel's whole BTF.
 *
 * Why: libbpf finds the kernel's candidates for each type our programs
 * read (20; 17 in the programs record loads) by a pass over every type of
 * the kernel's BTF, comparing names: 17 passes over 125,850 types on
 * 6.18, 12.6 ms of a 54 ms start-up (measured with uprobes on libbpf's
 * bpf_core_add_cands).
 * Here one pass finds them all, and the copy holds only them: libbpf's
 * passes over it cost nothing. The pass reads the kernel's BTF where it
 * lies (btfview.c), without parsing it into a copy first; libbpf parses
 * the whole only for a BTF tracepoint's program (session.c's
 * libbpf_parses_kernel_btf), which record's default hooks are not.
 *
 * What is copied, and why the relocations come out the same (the
 * kernel.core_btf_copy_relocates_as_the_whole test compares every
 * instruction libbpf patches, both ways, on every kernel of the matrix):
 * - every kernel type of the same name and kind as a type relocated
 *   against (its flavour, "___x", set aside as libbpf does): all of
 *   libbpf's candidates;
 * - whole: every member, with its offset and bit-field size, so any
 *   access path, field size, existence or signedness resolves as in the
 *   kernel's; a member's type is copied too, through typedefs and
 *   qualifiers (which libbpf's matching looks through): structs, unions
 *   and arrays whole, integers and enums as they are; a pointer becomes
 *   a pointer to void, since libbpf never follows one when matching a
 *   field (each dereference is a relocation of its own, whose type is a
 *   candidate above) and its size is a pointer's whatever it points to.
 * A type's id in the copy is not the kernel's: the kernel ids the
 * programs need (bpf_rdonly_cast's, and the kfunc's own) are found in the
 * same pass and set by user space (kernel_btf_task_struct,
 * kernel_btf_file, kernel_btf_rb_node; the call patched into the
 * object's ELF: core_btf_patch_kfunc), not relocated
 * (bpf_core_type_id_kernel, which makes no copy). Anything else not
 * listed here (a relocation against a typedef, a kind not listed, a type
 * the kernel does not have, which libbpf would look for in the modules'
 * BTF) makes no copy either, and libbpf relocates as before.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/btf.h>
#include "btfheap.h"
#include "btfview.h"
#include "corebtf.h"
#include "ipcscope.h"
#include "util.h"

/* .BTF.ext, as the kernel's and libbpf's headers lay it out (libbpf's
 * own definitions are not exported) */
struct ext_header {
	__u16 magic;
	__u8 version;
	__u8 flags;
	__u32 hdr_len;
	__u32 func_info_off, func_info_len;
	__u32 line_info_off, line_info_len;
	__u32 core_relo_off, core_relo_len;
};

struct ext_relo {
	__u32 insn_off, type_id, access_str_off, kind;
};

enum { RELO_TYPE_ID_LOCAL = 6, RELO_TYPE_ID_TARGET = 7 };

#define MAX_ROOTS 128

struct root {
	const char *name;	/* in the object's BTF */
	size_t len;		/* without its flavour */
	bool composite;		/* struct or union; else an enum */
	bool found;
};

/* libbpf's bpf_core_essential_name_len: the name before "___flavour" */
static size_t essential_len(const char *name)
{
	size_t n = strlen(name);

	for (size_t i = n >= 5 ? n - 5 + 1 : 0; i-- > 0;) {
		const char *s = name + i;

		if (s[0] != '_' && s[1] == '_' && s[2] == '_' && s[3] == '_' &&
		    s[4] != '_')
			return i + 1;
	}
	return n;
}

static bool is_composite(const struct btf_type *t)
{
	return btf_is_struct(t) || btf_is_union(t);
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The types relocated against, from the object's .BTF.ext; 0 or -errno */
static int find_roots(const struct btf *local, const void *ext, size_t ext_sz,
		      struct root *roots, size_t *nroots)
{
	const struct ext_header *h = ext;
	const char *p, *end;
	__u32 rec_size;

	*nroots = 0;
	if (ext_sz < offsetof(struct ext_header, core_relo_off) || h->magic != BTF_MAGIC ||
	    h->hdr_len > ext_sz)
		return -EINVAL;
	if (h->hdr_len < sizeof(*h) || !h->core_relo_len)
		return -ENOENT;	/* no CO-RE relocation at all */
	if (h->core_relo_off > ext_sz - h->hdr_len ||
	    h->core_relo_len > ext_sz - h->hdr_len - h->core_relo_off ||
	    h->core_relo_len < sizeof(__u32))
		return -EINVAL;
	p = (const char *)ext + h->hdr_len + h->core_relo_off;
	end = p + h->core_relo_len;
	memcpy(&rec_size, p, sizeof(rec_size));
	p += sizeof(rec_size);
	if (rec_size < sizeof(struct ext_relo))
		return -EINVAL;
	while (p < end) {
		__u32 sec[2];	/* section name, records */

		if ((size_t)(end - p) < sizeof(sec))
			return -EINVAL;
		memcpy(sec, p, sizeof(sec));
		p += sizeof(sec);
		if (sec[1] > (size_t)(end - p) / rec_size)
			return -EINVAL;
		for (__u32 i = 0; i < sec[1]; i++, p += rec_size) {
			struct ext_relo r;
			const struct btf_type *t;
			const char *name;
			size_t k;

			memcpy(&r, p, sizeof(r));
			if (r.kind == RELO_TYPE_ID_LOCAL)
				continue;
			if (r.kind == RELO_TYPE_ID_TARGET)
				return -EOPNOTSUPP;	/* the copy's ids are not the kernel's */
			t = btf__type_by_id(local, r.type_id);
			if (!t || !(is_composite(t) || btf_is_any_enum(t)))
				return -EOPNOTSUPP;
			name = btf__name_by_offset(local, t->name_off);
			if (!name || !name[0])
				return -EOPNOTSUPP;
			for (k = 0; k < *nroots; k++)
				if (!strcmp(roots[k].name, name) &&
				    roots[k].composite == is_composite(t))
					break;
			if (k == *nroots) {
				if (k == MAX_ROOTS)
					return -E2BIG;
				roots[k] = (struct root){ name, essential_len(name),
							  is_composite(t), false };
				(*nroots)++;
			}
		}
	}
	return *nroots ? 0 : -ENOENT;
}

/* The copy being made: which kernel types, in which slot */
struct copy {
	const struct btf_view *vm;
	__u32 n;		/* the kernel's type count (ids below it) */
	__u32 *slot;		/* by kernel id: its id in the copy, 0 none yet */
	__u32 *todo;		/* kernel ids whose types are still to visit */
	size_t ntodo;
	__u32 void_ptr;		/* the copy's id of "void *" */
};

/* Through typedefs and qualifiers, as libbpf's matching goes */
static __u32 resolve(const struct btf_view *b, __u32 id)
{
	for (int depth = 0; depth < 32 && id; depth++) {
		const struct btf_type *t = btf_view_type(b, id);

		if (!t)
			return 0;
		if (!btf_is_typedef(t) && !btf_is_mod(t))
			return id;
		id = t->type;
	}
	return 0;
}

static int want(struct copy *c, __u32 id)
{
	const struct btf_type *t = btf_view_type(c->vm, id);

	if (!id || !t)
		return -EINVAL;
	if (c->slot[id])
		return 0;
	if (!is_composite(t) && !btf_is_array(t) && !btf_is_int(t) &&
	    !btf_is_any_enum(t) && !btf_is_float(t))
		return -EOPNOTSUPP;
	c->slot[id] = 1;	/* wanted; numbered later */
	c->todo[c->ntodo++] = id;
	return 0;
}

/* A member's or an element's type: a pointer is void * (0 here) */
static int want_ref(struct copy *c, __u32 id)
{
	__u32 r = resolve(c->vm, id);
	const struct btf_type *t = btf_view_type(c->vm, r);

	if (!r || !t)
		return -EINVAL;
	return btf_is_ptr(t) ? 0 : want(c, r);
}

/* Everything the wanted types hold, whole */
static int visit(struct copy *c)
{
	while (c->ntodo) {
		__u32 id = c->todo[--c->ntodo];
		const struct btf_type *t = btf_view_type(c->vm, id);
		int err = 0;

		if (is_composite(t)) {
			const struct btf_member *m = btf_members(t);

			for (__u16 i = 0; i < btf_vlen(t) && !err; i++)
				err = want_ref(c, m[i].type);
		} else if (btf_is_array(t)) {
			err = want_ref(c, btf_array(t)->type);
			if (!err)
				err = want_ref(c, btf_array(t)->index_type);
		}
		if (err)
			return err;
	}
	return 0;
}

/* The copy's id for a reference from a copied type */
static __u32 copy_ref(const struct copy *c, __u32 id)
{
	__u32 r = resolve(c->vm, id);
	const struct btf_type *t = btf_view_type(c->vm, r);

	return t && btf_is_ptr(t) ? c->void_ptr : c->slot[r];
}

/*
 * Numbers the wanted types ("void *" first, then in the kernel's order)
 * and writes them out with their references renumbered, as raw BTF into
 * *raw (its size in *size). 0 or -errno.
 *
 * Tests: IPCSCOPE_BREAK_CORE_BTF=1 gives the copy's struct task_struct
 * another name, so that no relocation against it finds its candidate and
 * the kernel refuses the programs (session.c then loads against the
 * whole BTF).
 */
static int write_copy(struct copy *c, void **raw, size_t *size, unsigned *ntypes)
{
	bool broken = getenv("IPCSCOPE_BREAK_CORE_BTF") != NULL;
	/* kind in bits 24-28 (BTF_INFO_KIND), type 0: a pointer to void */
	struct btf_type ptr = { .info = (__u32)BTF_KIND_PTR << 24 };
	struct btf_out out;
	__u32 next = 1;
	int err;

	btf_out_init(&out);
	c->void_ptr = next++;
	for (__u32 id = 1; id < c->n; id++)
		if (c->slot[id])
			c->slot[id] = next++;
	btf_out_type(&out, c->vm, &ptr);
	for (__u32 id = 1; id < c->n && !out.err; id++) {
		const struct btf_type *from = btf_view_type(c->vm, id);
		struct btf_type *t;

		if (!c->slot[id])
			continue;
		t = btf_out_type(&out, c->vm, from);
		if (!t)
			break;
		if (is_composite(t)) {
			struct btf_member *m = btf_members(t);

			for (__u16 i = 0; i < btf_vlen(t); i++)
				m[i].type = copy_ref(c, m[i].type);
		} else if (btf_is_array(t)) {
			struct btf_array *a = btf_array(t);

			a->type = copy_ref(c, a->type);
			a->index_type = copy_ref(c, a->index_type);
		}
		if (broken && btf_is_struct(t) &&
		    !strcmp(btf_view_str(c->vm, from->name_off), "task_struct"))
			t->name_off = btf_out_str(&out, "ipcscope_broken_task_struct");
	}
	*raw = btf_out_raw(&out, size);
	err = out.err;
	btf_out_free(&out);
	if (err)
		return err;
	*ntypes = next - 1;
	return 0;
}

/* Both BTF sections of the object; the Elf stays open while they are used */
static Elf *object_btf(const void *obj, size_t obj_sz, Elf_Data **btf, Elf_Data **ext)
{
	Elf *e;
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	*btf = *ext = NULL;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return NULL;
	e = elf_memory((char *)obj, obj_sz);
	if (!e)
		return NULL;
	if (elf_getshdrstrndx(e, &shstrndx)) {
		elf_end(e);
		return NULL;
	}
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(e, shstrndx, sh.sh_name);
		if (name && !strcmp(name, ".BTF"))
			*btf = elf_getdata(scn, NULL);
		else if (name && !strcmp(name, ".BTF.ext"))
			*ext = elf_getdata(scn, NULL);
	}
	return e;
}

/* bpf_rdonly_cast's types (kernel_btf_task_struct, kernel_btf_file,
 * kernel_btf_rb_node), and the kfunc's own id */
static void note_id(const char *name, const struct btf_type *t, __u32 id,
		    struct core_btf *out)
{
	if (btf_is_func(t)) {
		if (!out->rdonly_cast_id && !strcmp(name, "bpf_rdonly_cast"))
			out->rdonly_cast_id = id;
		return;
	}
	if (!btf_is_struct(t))
		return;
	if (!out->task_struct_id && !strcmp(name, "task_struct"))
		out->task_struct_id = id;
	else if (!out->file_id && !strcmp(name, "file"))
		out->file_id = id;
	else if (!out->rb_node_id && !strcmp(name, "rb_node"))
		out->rb_node_id = id;
}

static int copy_candidates(struct copy *c, struct root *roots, size_t nroots,
			   struct core_btf *out)
{
	for (__u32 id = 1; id < c->n; id++) {
		const struct btf_type *t = btf_view_type(c->vm, id);
		bool comp = is_composite(t);
		const char *name;
		size_t len;

		if (!comp && !btf_is_any_enum(t) && !btf_is_func(t))
			continue;
		name = btf_view_str(c->vm, t->name_off);
		if (!name || !name[0])
			continue;
		note_id(name, t, id, out);
		if (btf_is_func(t))
			continue;
		len = essential_len(name);
		for (size_t k = 0; k < nroots; k++) {
			struct root *r = &roots[k];
			int err;

			if (r->composite != comp || r->len != len ||
			    memcmp(r->name, name, len))
				continue;
			err = want(c, id);
			if (err)
				return err;
			r->found = true;
		}
	}
	for (size_t k = 0; k < nroots; k++)
		if (!roots[k].found)
			return -ENOENT;	/* in a module's BTF, perhaps */
	return visit(c);
}

void core_btf_heap(unsigned copies)
{
	int err = heap_for_kernel_btf(copies);

	if (err)
		debugf("the heap for the kernel's BTF was not populated: %s\n",
		       strerror(-err));
}

/* The whole file into a buffer of its size (fd at its start): sysfs's
 * read() copies it out a page a call */
static void *read_whole(int fd, size_t size)
{
	char *buf = malloc(size);
	size_t got = 0;

	while (buf && got < size) {
		ssize_t n = read(fd, buf + got, size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(buf);
			errno = n ? errno : EIO;	/* shorter than it said */
			return NULL;
		}
		got += (size_t)n;
	}
	return buf;
}

/* The kernel's BTF as read here: mapped, or read into buf, and its view */
struct kernel_btf {
	void *map, *buf;
	size_t size;
	struct btf_view v;
};

/* A bound on the file read whole: 5.4 MB on 6.18, a few times that with
 * every option in; anything near this is not the kernel's BTF */
#define KERNEL_BTF_MAX	(256u << 20)

/*
 * The kernel's BTF, read where it lies. Where the kernel lets its file be
 * mapped (6.16+), its own pages are looked at in place; elsewhere the file
 * is read into one buffer, as libbpf reads it, from the same open file:
 * the file is opened once (kernel.libbpf_parses_no_kernel_btf_for_record
 * counts the opens). libbpf's parse (btf__new) would copy the 5 MB again
 * and make pages for it: 5-7 ms of a 55 ms start-up on 6.18, where the
 * view takes 1-2. 0, or -errno.
 */
static int kernel_btf_open(struct kernel_btf *k)
{
	int fd = open("/sys/kernel/btf/vmlinux", O_RDONLY | O_CLOEXEC);
	struct stat st;
	int err;

	memset(k, 0, sizeof(*k));
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		err = -errno;
		close(fd);
		return err;
	}
	if (st.st_size <= 0 || (unsigned long long)st.st_size > KERNEL_BTF_MAX) {
		close(fd);
		return -EINVAL;	/* empty, or not BTF */
	}
	k->size = (size_t)st.st_size;
	k->map = mmap(NULL, k->size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (k->map == MAP_FAILED) {
		k->map = NULL;
		core_btf_heap(1);
		k->buf = read_whole(fd, k->size);
	}
	err = k->map || k->buf ? 0 : -errno;
	close(fd);
	if (!err)
		err = btf_view_open(&k->v, k->map ? k->map : k->buf, k->size);
	return err;
}

static void kernel_btf_close(struct kernel_btf *k)
{
	btf_view_close(&k->v);
	if (k->map)
		munmap(k->map, k->size);
	free(k->buf);
	memset(k, 0, sizeof(*k));
}

int core_btf_make(const void *obj, size_t obj_sz, struct core_btf *out)
{
	struct root roots[MAX_ROOTS];
	struct copy c = { 0 };
	struct kernel_btf vm = { 0 };
	struct btf *local = NULL;
	Elf_Data *btf_sec, *ext_sec;
	void *raw = NULL;
	size_t raw_sz = 0;
	size_t nroots = 0;
	unsigned ntypes = 0;
	Elf *e;
	int err, roots_err;

	out->roots = out->types = out->kernel_types = 0;
	out->mapped = false;
	out->task_struct_id = out->file_id = out->rb_node_id = out->rdonly_cast_id = 0;
	e = object_btf(obj, obj_sz, &btf_sec, &ext_sec);
	if (!e)
		return -EINVAL;
	err = -ENOENT;
	if (!btf_sec || !ext_sec || !btf_sec->d_buf || !ext_sec->d_buf)
		goto out;
	local = btf__new(btf_sec->d_buf, btf_sec->d_size);
	if (!local) {
		err = -errno;
		goto out;
	}
	/* where the copy cannot serve (roots_err), the pass finds the ids */
	roots_err = find_roots(local, ext_sec->d_buf, ext_sec->d_size, roots, &nroots);
	if (roots_err)
		nroots = 0;
	err = kernel_btf_open(&vm);
	if (err)
		goto out;
	out->mapped = vm.map != NULL;
	c.vm = &vm.v;
	c.n = vm.v.n;
	c.slot = calloc(c.n, sizeof(*c.slot));
	c.todo = calloc(c.n, sizeof(*c.todo));
	err = -ENOMEM;
	if (!c.slot || !c.todo)
		goto out;
	err = copy_candidates(&c, roots, nroots, out);
	if (!err)
		err = roots_err;
	if (!err && getenv("IPCSCOPE_FULL_KERNEL_BTF"))
		err = -ECANCELED;
	if (!err && out->fd < 0)
		err = -EBADF;	/* no file for it (core_btf_reserve failed, or
				   not asked after a refusal): the ids only */
	if (err)
		goto out;
	err = write_copy(&c, &raw, &raw_sz, &ntypes);
	if (err)
		goto out;
	if (write_all(out->fd, raw, raw_sz)) {
		err = -errno;
		goto out;
	}
	out->roots = nroots;
	out->types = ntypes;
	out->kernel_types = c.n - 1;
	err = 0;
out:
	free(c.slot);
	free(c.todo);
	free(raw);
	kernel_btf_close(&vm);
	btf__free(local);
	elf_end(e);
	return err;
}

int core_btf_patch_kfunc(void *obj, size_t obj_sz, unsigned func_id)
{
	Elf_Scn *scn = NULL;
	int n = 0;
	Elf *e;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	e = elf_memory(obj, obj_sz);
	if (!e)
		return -EINVAL;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		struct bpf_insn *insn;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS ||
		    !(sh.sh_flags & SHF_EXECINSTR))
			continue;
		if (sh.sh_offset > obj_sz || sh.sh_size > obj_sz - sh.sh_offset ||
		    sh.sh_offset % sizeof(*insn)) {
			n = -EINVAL;
			break;
		}
		insn = (struct bpf_insn *)((char *)obj + sh.sh_offset);
		for (size_t i = 0; i < sh.sh_size / sizeof(*insn); i++) {
			if (insn[i].code != (BPF_JMP | BPF_CALL) || insn[i].src_reg ||
			    insn[i].imm != IPC_RDONLY_CAST_CALL)
				continue;
			insn[i].src_reg = BPF_PSEUDO_KFUNC_CALL;
			insn[i].off = 0;	/* the kernel's own BTF */
			insn[i].imm = (__s32)func_id;
			n++;
		}
	}
	elf_end(e);
	return n;
}

int core_btf_reserve(struct core_btf *c)
{
	memset(c, 0, sizeof(*c));
	c->fd = memfd_create("ipcscope-core-btf", MFD_CLOEXEC);
	if (c->fd < 0)
		return -errno;
	snprintf(c->path, sizeof(c->path), "/proc/self/fd/%d", c->fd);
	return 0;
}

void core_btf_close(struct core_btf *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->path[0] = '\0';
}
