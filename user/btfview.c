// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * btfview.c - a raw BTF read in place, and a small one written.
 *
 * corebtf.c looks at every type of the kernel's BTF once (names, for the
 * candidates of our CO-RE relocations) and copies a few hundred of them.
 * libbpf's btf__new() would first copy the whole 5 MB into fresh memory and
 * index it there (2-3 ms here, and as long again to make the heap's pages
 * for it): this reads the kernel's file where it is mapped, or the one
 * buffer it was read into, and the copy it writes is raw BTF, the same
 * bytes libbpf would write (btf_out_raw).
 *
 * The bytes are the kernel's, but are read as untrusted: every record,
 * section and name is checked to lie inside them.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "btfview.h"

/* The bytes after struct btf_type that a record of kind k with vlen
 * entries has; -1 for a kind not known here */
static long record_extra(__u32 kind, __u32 vlen)
{
	switch (kind) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return (long)vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return (long)vlen * sizeof(struct btf_enum);
	case BTF_KIND_ENUM64:
		return (long)vlen * sizeof(struct btf_enum64);
	case BTF_KIND_FUNC_PROTO:
		return (long)vlen * sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return (long)vlen * sizeof(struct btf_var_secinfo);
	}
	return -1;
}

int btf_view_open(struct btf_view *v, const void *data, size_t size)
{
	const struct btf_header *h = data;
	const char *body;
	size_t room, pos;
	__u32 n = 1;
	int err;

	v->off = NULL;
	if (!data || size < sizeof(*h) || (uintptr_t)data % 4)
		return -EINVAL;
	if (h->magic != BTF_MAGIC)
		return h->magic == __builtin_bswap16(BTF_MAGIC) ? -EOPNOTSUPP : -EINVAL;
	if (h->version != BTF_VERSION)
		return -EOPNOTSUPP;
	if (h->hdr_len < sizeof(*h) || h->hdr_len > size || h->hdr_len % 4)
		return -EINVAL;
	body = (const char *)data + h->hdr_len;
	room = size - h->hdr_len;
	if (h->type_off > room || h->type_len > room - h->type_off ||
	    h->str_off > room || h->str_len > room - h->str_off ||
	    h->type_off % 4 || h->type_len % 4)
		return -EINVAL;
	/* the first string is "", the last ends in the section */
	if (!h->str_len || body[h->str_off] || body[h->str_off + h->str_len - 1])
		return -EINVAL;
	v->types = body + h->type_off;
	v->strs = body + h->str_off;
	v->strs_len = h->str_len;
	/* at most one type per 12 bytes (struct btf_type), and void */
	v->off = malloc((h->type_len / sizeof(struct btf_type) + 1) * sizeof(*v->off));
	if (!v->off)
		return -ENOMEM;
	v->off[0] = 0;
	for (pos = 0; pos < h->type_len; n++) {
		const struct btf_type *t = (const void *)(v->types + pos);
		long extra;

		err = -EINVAL;
		if (h->type_len - pos < sizeof(*t))
			goto fail;
		extra = record_extra(BTF_INFO_KIND(t->info), BTF_INFO_VLEN(t->info));
		err = -EOPNOTSUPP;	/* a kind newer than this code */
		if (extra < 0)
			goto fail;
		err = -EINVAL;
		if ((size_t)extra > h->type_len - pos - sizeof(*t))
			goto fail;
		v->off[n] = (__u32)pos;
		pos += sizeof(*t) + (size_t)extra;
	}
	v->n = n;
	return 0;
fail:
	free(v->off);
	v->off = NULL;
	return err;
}

const struct btf_type *btf_view_type(const struct btf_view *v, __u32 id)
{
	if (!id || id >= v->n)
		return NULL;
	return (const void *)(v->types + v->off[id]);
}

const char *btf_view_str(const struct btf_view *v, __u32 off)
{
	return off < v->strs_len ? v->strs + off : NULL;
}

void btf_view_close(struct btf_view *v)
{
	free(v->off);
	v->off = NULL;
	v->n = 0;
}

void btf_out_init(struct btf_out *o)
{
	memset(o, 0, sizeof(*o));
}

/* room for len more bytes at *buf's end; 0 or -ENOMEM */
static int reserve(char **buf, size_t *cap, size_t used, size_t len)
{
	size_t want = *cap ? *cap : 4096;
	char *p;

	if (len <= *cap - used)
		return 0;
	while (want - used < len) {
		if (want > SIZE_MAX / 2)
			return -ENOMEM;
		want *= 2;
	}
	p = realloc(*buf, want);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = want;
	return 0;
}

__u32 btf_out_str(struct btf_out *o, const char *s)
{
	size_t len;
	__u32 off;

	if (o->err)
		return 0;
	if (!o->strs_len) {	/* offset 0 is "" */
		if (reserve(&o->strs, &o->strs_cap, 0, 1))
			goto nomem;
		o->strs[o->strs_len++] = '\0';
	}
	if (!s[0])
		return 0;
	len = strlen(s) + 1;
	if (o->strs_len > UINT32_MAX - len || reserve(&o->strs, &o->strs_cap, o->strs_len, len))
		goto nomem;
	off = (__u32)o->strs_len;
	memcpy(o->strs + off, s, len);
	o->strs_len += len;
	return off;
nomem:
	o->err = -ENOMEM;
	return 0;
}

/* v's name at off, written into o: its new offset (0 with o->err set for
 * an offset outside v's strings) */
static __u32 copy_name(struct btf_out *o, const struct btf_view *v, __u32 off)
{
	const char *s = btf_view_str(v, off);

	if (!s) {
		if (!o->err)
			o->err = -EINVAL;
		return 0;
	}
	return btf_out_str(o, s);
}

struct btf_type *btf_out_type(struct btf_out *o, const struct btf_view *v,
			      const struct btf_type *t)
{
	__u32 kind = BTF_INFO_KIND(t->info), vlen = BTF_INFO_VLEN(t->info);
	long extra = record_extra(kind, vlen);
	struct btf_type *r;
	__u32 name, i;

	if (o->err)
		return NULL;
	switch (kind) {
	case BTF_KIND_INT:
	case BTF_KIND_FLOAT:
	case BTF_KIND_PTR:
	case BTF_KIND_ARRAY:
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		break;
	default:
		o->err = -EOPNOTSUPP;
		return NULL;
	}
	name = copy_name(o, v, t->name_off);	/* first: it may move strs */
	if (o->err || reserve(&o->types, &o->types_cap, o->types_len,
			      sizeof(*t) + (size_t)extra)) {
		o->err = o->err ? o->err : -ENOMEM;
		return NULL;
	}
	r = (struct btf_type *)(o->types + o->types_len);
	memcpy(r, t, sizeof(*t) + (size_t)extra);
	r->name_off = name;
	/* the names inside: members', values' */
	for (i = 0; i < vlen; i++) {
		__u32 *name_off;

		if (kind == BTF_KIND_STRUCT || kind == BTF_KIND_UNION)
			name_off = &((struct btf_member *)(r + 1))[i].name_off;
		else if (kind == BTF_KIND_ENUM)
			name_off = &((struct btf_enum *)(r + 1))[i].name_off;
		else if (kind == BTF_KIND_ENUM64)
			name_off = &((struct btf_enum64 *)(r + 1))[i].name_off;
		else
			break;	/* no names: vlen is 0 for the rest anyway */
		*name_off = copy_name(o, v, *name_off);
	}
	if (o->err)
		return NULL;
	o->types_len += sizeof(*t) + (size_t)extra;
	o->n++;
	return r;
}

void *btf_out_raw(struct btf_out *o, size_t *size)
{
	struct btf_header h = {
		.magic = BTF_MAGIC,
		.version = BTF_VERSION,
		.hdr_len = sizeof(h),
	};
	char *p;

	if (!o->strs_len)
		btf_out_str(o, "");	/* the one string every BTF has */
	if (o->err)
		return NULL;
	if (o->types_len > UINT32_MAX || o->strs_len > UINT32_MAX - o->types_len) {
		o->err = -E2BIG;
		return NULL;
	}
	h.type_len = (__u32)o->types_len;
	h.str_off = h.type_len;
	h.str_len = (__u32)o->strs_len;
	*size = sizeof(h) + o->types_len + o->strs_len;
	p = malloc(*size);
	if (!p) {
		o->err = -ENOMEM;
		return NULL;
	}
	memcpy(p, &h, sizeof(h));
	if (o->types_len)
		memcpy(p + sizeof(h), o->types, o->types_len);
	memcpy(p + sizeof(h) + o->types_len, o->strs, o->strs_len);
	return p;
}

void btf_out_free(struct btf_out *o)
{
	free(o->types);
	free(o->strs);
	btf_out_init(o);
}
