// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* test_btfview.c - unit tests for the raw BTF reader and writer
 * (user/btfview.c): BTFs made here word by word, whole and broken. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "test.h"
#include "btfview.h"

#define KIND(k, vlen)	(((__u32)(k) << 24) | (vlen))

struct raw {
	__u32 words[256];	/* header, then the types */
	size_t nwords;
	char strs[256];
	size_t strs_len;
};

static __u32 str(struct raw *r, const char *s)
{
	__u32 off = (__u32)r->strs_len;

	if (!r->strs_len) {
		r->strs[0] = '\0';
		r->strs_len = 1;
		off = 1;
	}
	if (!s[0])
		return 0;
	memcpy(r->strs + off, s, strlen(s) + 1);
	r->strs_len += strlen(s) + 1;
	return off;
}

static void word(struct raw *r, __u32 w)
{
	r->words[sizeof(struct btf_header) / 4 + r->nwords++] = w;
}

/*
 * [1] int "int" (4 bytes, signed); [2] pointer to [3]; [3] struct "s"
 * (16 bytes: int a at 0, pointer b at 64 bits); [4] int[4] (index [1]);
 * [5] enum "e" { E0 = 0, E1 = 7 }; [6] typedef "t" of [3]; [7] an enum64
 * "e64" { BIG = 1 << 40 }; [8] a function prototype int (int): a kind
 * read, not copied
 */
static void sample(struct raw *r)
{
	memset(r, 0, sizeof(*r));
	str(r, "");
	word(r, str(r, "int")); word(r, KIND(BTF_KIND_INT, 0)); word(r, 4);
	word(r, (BTF_INT_SIGNED << 24) | 32);
	word(r, 0); word(r, KIND(BTF_KIND_PTR, 0)); word(r, 3);
	word(r, str(r, "s")); word(r, KIND(BTF_KIND_STRUCT, 2)); word(r, 16);
	word(r, str(r, "a")); word(r, 1); word(r, 0);
	word(r, str(r, "b")); word(r, 2); word(r, 64);
	word(r, 0); word(r, KIND(BTF_KIND_ARRAY, 0)); word(r, 0);
	word(r, 1); word(r, 1); word(r, 4);
	word(r, str(r, "e")); word(r, KIND(BTF_KIND_ENUM, 2)); word(r, 4);
	word(r, str(r, "E0")); word(r, 0);
	word(r, str(r, "E1")); word(r, 7);
	word(r, str(r, "t")); word(r, KIND(BTF_KIND_TYPEDEF, 0)); word(r, 3);
	word(r, str(r, "e64")); word(r, KIND(BTF_KIND_ENUM64, 1)); word(r, 8);
	word(r, str(r, "BIG")); word(r, 0); word(r, 1u << 8);
	word(r, 0); word(r, KIND(BTF_KIND_FUNC_PROTO, 1)); word(r, 1);
	word(r, 0); word(r, 1);
}

/* The BTF's bytes in buf (4-byte aligned): its size */
static size_t bytes(const struct raw *r, __u32 *buf)
{
	struct btf_header h = {
		.magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h),
		.type_off = 0, .type_len = (__u32)(r->nwords * 4),
		.str_off = (__u32)(r->nwords * 4), .str_len = (__u32)r->strs_len,
	};

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h) / 4, r->words + sizeof(h) / 4, r->nwords * 4);
	memcpy((char *)buf + sizeof(h) + r->nwords * 4, r->strs, r->strs_len);
	return sizeof(h) + r->nwords * 4 + r->strs_len;
}

static const struct btf_member *members(const struct btf_type *t)
{
	return (const struct btf_member *)(t + 1);
}

TEST(btf_view_reads_every_kind_in_place)
{
	static struct raw r;
	static __u32 buf[512];
	struct btf_view v;
	const struct btf_type *t;
	size_t size;

	sample(&r);
	size = bytes(&r, buf);
	ASSERT_EQ_I64(btf_view_open(&v, buf, size), 0);
	ASSERT_EQ_U64(v.n, 9);
	ASSERT_TRUE(btf_view_type(&v, 0) == NULL);
	ASSERT_TRUE(btf_view_type(&v, 9) == NULL);
	t = btf_view_type(&v, 3);
	ASSERT_TRUE(t != NULL);
	ASSERT_STREQ(btf_view_str(&v, t->name_off), "s");
	ASSERT_EQ_U64(BTF_INFO_KIND(t->info), BTF_KIND_STRUCT);
	ASSERT_STREQ(btf_view_str(&v, members(t)[1].name_off), "b");
	ASSERT_EQ_U64(members(t)[1].type, 2);
	/* in place: the records are the buffer's */
	ASSERT_TRUE((const char *)t > (const char *)buf &&
		    (const char *)t < (const char *)buf + size);
	ASSERT_STREQ(btf_view_str(&v, btf_view_type(&v, 7)->name_off), "e64");
	ASSERT_EQ_U64(BTF_INFO_KIND(btf_view_type(&v, 8)->info), BTF_KIND_FUNC_PROTO);
	ASSERT_STREQ(btf_view_str(&v, 0), "");
	ASSERT_TRUE(btf_view_str(&v, (__u32)r.strs_len) == NULL);
	ASSERT_TRUE(btf_view_str(&v, UINT32_MAX) == NULL);
	btf_view_close(&v);
	ASSERT_TRUE(v.off == NULL);
}

/* Each way a BTF can be broken gives its error, and no view */
TEST(btf_view_refuses_what_lies_outside)
{
	static struct raw r;
	static __u32 good[512], buf[512];
	struct btf_header *h = (struct btf_header *)buf;
	struct btf_view v;
	size_t size;

	sample(&r);
	size = bytes(&r, good);
#define BROKEN(change, sz, want)                                            \
	do {                                                                \
		memcpy(buf, good, sizeof(buf));                             \
		change;                                                     \
		ASSERT_EQ_I64(btf_view_open(&v, buf, (sz)), (want));        \
		ASSERT_TRUE(v.off == NULL);                                 \
	} while (0)
	BROKEN((void)0, sizeof(*h) - 1, -EINVAL);
	BROKEN(h->magic = 0x1234, size, -EINVAL);
	BROKEN(h->magic = __builtin_bswap16(BTF_MAGIC), size, -EOPNOTSUPP);
	BROKEN(h->version = 2, size, -EOPNOTSUPP);
	BROKEN(h->hdr_len = (__u32)size + 4, size, -EINVAL);
	BROKEN(h->hdr_len = 8, size, -EINVAL);
	/* the sections past the end, with and without a wrap */
	BROKEN(h->type_len += 4, size, -EINVAL);
	BROKEN(h->type_off = UINT32_MAX - 3, size, -EINVAL);
	BROKEN(h->str_len += 1, size, -EINVAL);
	BROKEN(h->str_off += 1, size, -EINVAL);
	/* the last string not ended in its section, or the first not "" */
	BROKEN(h->str_len -= 1, size, -EINVAL);
	BROKEN(((char *)buf)[sizeof(*h) + h->str_off] = 'x', size, -EINVAL);
	/* a record running past the type section: struct "s" with 200
	 * members */
	BROKEN(buf[sizeof(*h) / 4 + 4 + 3 + 1] = KIND(BTF_KIND_STRUCT, 200), size, -EINVAL);
	/* half a record at the end */
	BROKEN((h->type_len -= 4, h->str_off -= 4, memmove((char *)buf + sizeof(*h) + h->str_off,
	       (char *)good + sizeof(*h) + h->str_off + 4, h->str_len)), size - 4, -EINVAL);
	/* a kind this code does not know */
	BROKEN(buf[sizeof(*h) / 4 + 1] = KIND(31, 0), size, -EOPNOTSUPP);
#undef BROKEN
	/* not 4-byte aligned */
	memcpy((char *)buf + 1, good, size);
	ASSERT_EQ_I64(btf_view_open(&v, (char *)buf + 1, size), -EINVAL);
	ASSERT_EQ_I64(btf_view_open(&v, NULL, size), -EINVAL);
}

/*
 * What btf_out writes reads back the same: the struct, the int, the array
 * and both enums copied (references renumbered by the caller), their
 * names and their members' and values' names with them
 */
TEST(btf_out_writes_what_btf_view_reads)
{
	static struct raw r;
	static __u32 buf[512];
	const __u32 copy[] = { 1, 3, 4, 5, 7 };	/* new ids 1-5 */
	struct btf_view v, back;
	struct btf_out o;
	struct btf_type *t;
	__u32 *raw;
	size_t size;

	sample(&r);
	ASSERT_EQ_I64(btf_view_open(&v, buf, bytes(&r, buf)), 0);
	btf_out_init(&o);
	for (size_t i = 0; i < sizeof(copy) / sizeof(copy[0]); i++) {
		t = btf_out_type(&o, &v, btf_view_type(&v, copy[i]));
		ASSERT_TRUE(t != NULL);
		if (BTF_INFO_KIND(t->info) == BTF_KIND_STRUCT)
			((struct btf_member *)(t + 1))[1].type = 0;	/* b: void, say */
	}
	ASSERT_EQ_U64(o.n, 5);
	raw = btf_out_raw(&o, &size);
	btf_out_free(&o);
	ASSERT_TRUE(raw != NULL);
	ASSERT_EQ_I64(btf_view_open(&back, raw, size), 0);
	ASSERT_EQ_U64(back.n, 6);
	for (__u32 id = 1; id < back.n; id++) {
		const struct btf_type *a = btf_view_type(&v, copy[id - 1]);
		const struct btf_type *b = btf_view_type(&back, id);

		ASSERT_EQ_U64(b->info, a->info);
		ASSERT_EQ_U64(b->size, a->size);
		ASSERT_STREQ(btf_view_str(&back, b->name_off), btf_view_str(&v, a->name_off));
	}
	t = (struct btf_type *)btf_view_type(&back, 2);
	ASSERT_STREQ(btf_view_str(&back, members(t)[0].name_off), "a");
	ASSERT_EQ_U64(members(t)[0].type, 1);
	ASSERT_STREQ(btf_view_str(&back, members(t)[1].name_off), "b");
	ASSERT_EQ_U64(members(t)[1].type, 0);
	ASSERT_EQ_U64(members(t)[1].offset, 64);
	t = (struct btf_type *)btf_view_type(&back, 4);
	ASSERT_STREQ(btf_view_str(&back, ((struct btf_enum *)(t + 1))[1].name_off), "E1");
	ASSERT_EQ_I64(((struct btf_enum *)(t + 1))[1].val, 7);
	t = (struct btf_type *)btf_view_type(&back, 5);
	ASSERT_STREQ(btf_view_str(&back, ((struct btf_enum64 *)(t + 1))[0].name_off), "BIG");
	ASSERT_EQ_U64(((struct btf_enum64 *)(t + 1))[0].val_hi32, 1u << 8);
	t = (struct btf_type *)btf_view_type(&back, 3);
	ASSERT_EQ_U64(((struct btf_array *)(t + 1))->nelems, 4);
	btf_view_close(&back);
	btf_view_close(&v);
	free(raw);
}

/* A kind not copied, or a name outside the strings: no type, no BTF */
TEST(btf_out_refuses_what_it_cannot_copy)
{
	static struct raw r;
	static __u32 buf[512];
	struct btf_type bad = { .name_off = 1000, .info = KIND(BTF_KIND_INT, 0) };
	struct btf_view v;
	struct btf_out o;
	size_t size;

	sample(&r);
	ASSERT_EQ_I64(btf_view_open(&v, buf, bytes(&r, buf)), 0);
	btf_out_init(&o);
	ASSERT_TRUE(btf_out_type(&o, &v, btf_view_type(&v, 6)) == NULL);	/* typedef */
	ASSERT_EQ_I64(o.err, -EOPNOTSUPP);
	ASSERT_TRUE(btf_out_raw(&o, &size) == NULL);
	btf_out_free(&o);
	btf_out_init(&o);
	ASSERT_TRUE(btf_out_type(&o, &v, btf_view_type(&v, 1)) != NULL);
	ASSERT_TRUE(btf_out_type(&o, &v, &bad) == NULL);
	ASSERT_EQ_I64(o.err, -EINVAL);
	ASSERT_TRUE(btf_out_type(&o, &v, btf_view_type(&v, 1)) == NULL);	/* stays failed */
	ASSERT_TRUE(btf_out_raw(&o, &size) == NULL);
	btf_out_free(&o);
	btf_view_close(&v);
}
