// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bpfreach.c - how much code each program of a BPF object reaches (see
 * bpfreach.h), read from its ELF: the function symbols, and the calls and
 * function addresses (callbacks) in their instructions. A call or address
 * to a function of .text comes as clang writes it: with a relocation
 * against the function's symbol, or against .text's own (the offset then
 * in the instruction), or, within .text, relative and without one. The
 * targets are found as libbpf finds them.
 */
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "bpfreach.h"
#include <stdio.h>

#ifndef EM_BPF
#define EM_BPF 247
#endif

#define INSN_SZ 8
#define CODE_CALL 0x85		/* BPF_JMP | BPF_CALL */
#define CODE_LD_IMM64 0x18	/* BPF_LD | BPF_IMM | BPF_DW */
#define PSEUDO_CALL 1		/* src_reg of a call to a BPF function */
#define PSEUDO_FUNC 4		/* src_reg of a function's address */

struct func {
	size_t shndx, first, n;	/* its section, first instruction, how many */
	const char *name;
};

struct rel {
	size_t shndx, off;	/* the section and byte offset it patches */
	size_t sym;
};

struct object {
	Elf *e;
	size_t text;		/* .text's index, or 0 */
	Elf_Data *syms;
	size_t nsyms, strtab;
	struct func *funcs;	/* sorted by section, then first */
	size_t nfuncs;
	struct rel *rels;	/* sorted by section, then offset */
	size_t nrels;
};

static int by_place(const void *a, const void *b)
{
	const struct func *x = a, *y = b;

	if (x->shndx != y->shndx)
		return x->shndx < y->shndx ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

static int by_offset(const void *a, const void *b)
{
	const struct rel *x = a, *y = b;

	if (x->shndx != y->shndx)
		return x->shndx < y->shndx ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* A section's instructions, or NULL */
static const unsigned char *section_insns(const struct object *o, size_t shndx, size_t *n)
{
	Elf_Scn *scn = elf_getscn(o->e, shndx);
	Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;

	if (!d || !d->d_buf || d->d_size % INSN_SZ)
		return NULL;
	*n = d->d_size / INSN_SZ;
	return d->d_buf;
}

/* The function of section shndx that holds instruction at, or -1 */
static long func_at(const struct object *o, size_t shndx, size_t at)
{
	size_t lo = 0, hi = o->nfuncs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct func *f = &o->funcs[mid];

		if (f->shndx < shndx || (f->shndx == shndx && f->first + f->n <= at))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < o->nfuncs && o->funcs[lo].shndx == shndx && o->funcs[lo].first <= at &&
	    at < o->funcs[lo].first + o->funcs[lo].n)
		return lo;
	return -1;
}

static const struct rel *rel_at(const struct object *o, size_t shndx, size_t off)
{
	struct rel key = { .shndx = shndx, .off = off };

	return bsearch(&key, o->rels, o->nrels, sizeof(key), by_offset);
}

/* The symbol's section and value, or false */
static bool symbol(const struct object *o, size_t idx, GElf_Sym *sym)
{
	return idx < o->nsyms && gelf_getsym(o->syms, idx, sym);
}

/*
 * The instruction of .text that instruction i of function f calls or
 * takes the address of, or -1 for any other instruction
 */
static long text_target(const struct object *o, const struct func *f,
			const unsigned char *insns, size_t i)
{
	const unsigned char *insn = insns + i * INSN_SZ;
	unsigned src = insn[1] >> 4;
	int32_t imm;
	const struct rel *r;
	GElf_Sym sym;

	if (insn[0] != CODE_CALL && insn[0] != CODE_LD_IMM64)
		return -1;
	memcpy(&imm, insn + 4, sizeof(imm));
	r = rel_at(o, f->shndx, i * INSN_SZ);
	if (r) {
		if (!symbol(o, r->sym, &sym) || sym.st_shndx != o->text ||
		    sym.st_value % INSN_SZ)
			return -1;
		if (insn[0] == CODE_CALL)	/* libbpf: a call's imm counts insns */
			return (long)(sym.st_value / INSN_SZ) + imm + 1;
		if (imm % INSN_SZ)		/* an address's, bytes */
			return -1;
		return (long)(sym.st_value / INSN_SZ) + imm / INSN_SZ;
	}
	if (f->shndx != o->text ||
	    (insn[0] == CODE_CALL ? src != PSEUDO_CALL : src != PSEUDO_FUNC))
		return -1;
	return (long)i + imm + 1;	/* within .text, relative */
}

/* f's instructions and those of every function of .text it reaches that
 * seen[] does not mark yet (marked now). stack: room for every function. */
static size_t reach(const struct object *o, size_t start, bool *seen, size_t *stack)
{
	size_t total = 0, depth = 0;

	stack[depth++] = start;
	seen[start] = true;
	while (depth) {
		const struct func *f = &o->funcs[stack[--depth]];
		const unsigned char *insns;
		size_t n;

		total += f->n;
		insns = section_insns(o, f->shndx, &n);
		if (!insns)
			continue;
		for (size_t i = f->first; i < f->first + f->n && i < n; i++) {
			long t = text_target(o, f, insns, i);
			long g = t >= 0 ? func_at(o, o->text, t) : -1;

			if (g >= 0 && !seen[g]) {
				seen[g] = true;
				stack[depth++] = g;
			}
		}
	}
	return total;
}

static int read_symbols(struct object *o)
{
	for (size_t i = 0; i < o->nsyms; i++) {
		GElf_Sym sym;
		size_t n;

		if (!gelf_getsym(o->syms, i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
		    sym.st_shndx == SHN_UNDEF || sym.st_shndx >= SHN_LORESERVE ||
		    sym.st_value % INSN_SZ || sym.st_size % INSN_SZ || !sym.st_size)
			continue;
		if (!section_insns(o, sym.st_shndx, &n) || sym.st_value / INSN_SZ > n ||
		    sym.st_size / INSN_SZ > n - sym.st_value / INSN_SZ)
			return -EINVAL;		/* outside its section */
		o->funcs[o->nfuncs++] = (struct func){
			.shndx = sym.st_shndx, .first = sym.st_value / INSN_SZ,
			.n = sym.st_size / INSN_SZ,
			.name = elf_strptr(o->e, o->strtab, sym.st_name),
		};
	}
	qsort(o->funcs, o->nfuncs, sizeof(*o->funcs), by_place);
	return 0;
}

/* Every relocation of an executable section (SHT_REL: BPF has no addends) */
static int read_relocations(struct object *o)
{
	Elf_Scn *scn = NULL;
	size_t cap = 0;

	while ((scn = elf_nextscn(o->e, scn))) {
		GElf_Shdr sh, target;
		Elf_Scn *t;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_REL)
			continue;
		t = elf_getscn(o->e, sh.sh_info);
		if (!t || !gelf_getshdr(t, &target) || !(target.sh_flags & SHF_EXECINSTR))
			continue;
		d = elf_getdata(scn, NULL);
		if (!d || !sh.sh_entsize)
			return -EINVAL;
		for (size_t i = 0; i < d->d_size / sh.sh_entsize; i++) {
			GElf_Rel rel;

			if (!gelf_getrel(d, i, &rel))
				return -EINVAL;
			if (o->nrels == cap) {
				size_t more = cap ? cap * 2 : 256;
				struct rel *r = realloc(o->rels, more * sizeof(*r));

				if (!r)
					return -ENOMEM;
				o->rels = r;
				cap = more;
			}
			o->rels[o->nrels++] = (struct rel){
				.shndx = sh.sh_info, .off = rel.r_offset,
				.sym = GELF_R_SYM(rel.r_info),
			};
		}
	}
	qsort(o->rels, o->nrels, sizeof(*o->rels), by_offset);
	return 0;
}

/* Finds the symbol table and .text, and reads the functions and
 * relocations; 0 or -errno */
static int object_open(struct object *o, const void *obj, size_t obj_sz)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	GElf_Ehdr eh;

	if (elf_version(EV_CURRENT) == EV_NONE || !obj)
		return -EINVAL;
	o->e = elf_memory((char *)obj, obj_sz);
	if (!o->e || elf_kind(o->e) != ELF_K_ELF || !gelf_getehdr(o->e, &eh) ||
	    eh.e_machine != EM_BPF || elf_getshdrstrndx(o->e, &shstrndx))
		return -EINVAL;
	while ((scn = elf_nextscn(o->e, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			return -EINVAL;
		name = elf_strptr(o->e, shstrndx, sh.sh_name);
		if (sh.sh_type == SHT_SYMTAB && !o->syms) {
			o->syms = elf_getdata(scn, NULL);
			o->strtab = sh.sh_link;
			o->nsyms = sh.sh_entsize && o->syms ? o->syms->d_size / sh.sh_entsize : 0;
		} else if (name && !strcmp(name, ".text")) {
			o->text = elf_ndxscn(scn);
		}
	}
	if (!o->syms)
		return -EINVAL;
	o->funcs = calloc(o->nsyms ? o->nsyms : 1, sizeof(*o->funcs));
	if (!o->funcs)
		return -ENOMEM;
	return read_symbols(o) ?: read_relocations(o);
}

int bpf_reach_read(const void *obj, size_t obj_sz, struct bpf_reach *out, size_t max)
{
	struct object o = { 0 };
	bool *seen = NULL;
	size_t *stack = NULL;
	int n = 0, err = object_open(&o, obj, obj_sz);

	if (!err) {
		seen = malloc(o.nfuncs + 1);
		stack = malloc((o.nfuncs + 1) * sizeof(*stack));
		if (!seen || !stack)
			err = -ENOMEM;
	}
	for (size_t i = 0; !err && i < o.nfuncs; i++) {
		if (o.funcs[i].shndx == o.text)
			continue;	/* a function programs call, not a program */
		if ((size_t)n < max) {
			memset(seen, 0, o.nfuncs);
			snprintf(out[n].name, sizeof(out[n].name), "%s",
				 o.funcs[i].name ? o.funcs[i].name : "");
			out[n].insns = reach(&o, i, seen, stack);
		}
		n++;
	}
	free(seen);
	free(stack);
	free(o.funcs);
	free(o.rels);
	if (o.e)
		elf_end(o.e);
	return err ? err : n;
}
