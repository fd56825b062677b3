/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * btfview.h - a raw BTF read where it lies (the kernel's, from a mapping
 * of its file) and a small one written: what corebtf.c needs of the
 * kernel's 5 MB of BTF, without libbpf's parse, which copies it all first
 * (btfview.c)
 */
#ifndef BTFVIEW_H
#define BTFVIEW_H

#include <stddef.h>
#include <linux/btf.h>
#include <linux/types.h>

struct btf_view {
	const char *types;	/* the type section */
	const char *strs;	/* the string section, NUL-terminated */
	__u32 strs_len;
	__u32 *off;		/* by id (1 on): the type's offset in types */
	__u32 n;		/* ids below it; 0 is void */
};

/*
 * Reads the header and indexes every type of the BTF in data (size bytes,
 * which must stay where they are while the view is used; 4-byte aligned).
 * Every record and section is checked to lie inside data; a kind it does
 * not know, a byte-swapped BTF or anything outside gives an error.
 * 0, or -errno (v untouched but for v->off, NULL).
 */
int btf_view_open(struct btf_view *v, const void *data, size_t size);
/* The type of id, or NULL for void (0) and ids past the last */
const struct btf_type *btf_view_type(const struct btf_view *v, __u32 id);
/* The string at off, or NULL past the section */
const char *btf_view_str(const struct btf_view *v, __u32 off);
void btf_view_close(struct btf_view *v);

/* A BTF being written: types appended with their names (btf_out_type) */
struct btf_out {
	char *types, *strs;
	size_t types_len, types_cap, strs_len, strs_cap;
	__u32 n;		/* ids given: the next is n + 1 */
	int err;		/* the first failure, kept: -errno */
};

void btf_out_init(struct btf_out *o);
/* s's offset in the strings written ("" is 0), or 0 with o->err set */
__u32 btf_out_str(struct btf_out *o, const char *s);
/*
 * A copy of t, a type of v, as the next id, its name and its members' or
 * values' names copied too. Its references to other types stay v's ids:
 * the caller renumbers them in the record returned, which is valid until
 * the next type is added. Integers, floats, pointers, arrays, structs,
 * unions and enums (32- and 64-bit) only: NULL with o->err set otherwise.
 */
struct btf_type *btf_out_type(struct btf_out *o, const struct btf_view *v,
			      const struct btf_type *t);
/* The whole BTF (header, types, strings) in one new buffer, its size in
 * *size; NULL after any failure (o->err) */
void *btf_out_raw(struct btf_out *o, size_t *size);
void btf_out_free(struct btf_out *o);

#endif /* BTFVIEW_H */
