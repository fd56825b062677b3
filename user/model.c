// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * model.c - names, meaning and derived figures for what the kernel counted.
 * Policy lives here, not in BPF: the kernel side only counts.
 */
#include <stdlib.h>
#include <string.h>
#include "model.h"

/* The contract: these must match what the BPF side was compiled with. */
_Static_assert(sizeof(struct ipc_op_stats) == (4 + IPC_HIST_SLOTS) * 8, "op_stats");
_Static_assert(sizeof(struct ipc_err_key) == 8, "err_key");
_Static_assert(sizeof(struct ipc_obj_key) == 16, "obj_key");
_Static_assert(sizeof(struct ipc_obj_stats) == 48, "obj_stats");
_Static_assert(sizeof(struct ipc_ep_key) == 24, "ep_key");
_Static_assert(sizeof(struct ipc_ep_stats) == 16, "ep_stats");
_Static_assert(sizeof(struct ipc_proc) == 64, "proc");

static const char *const kind_names[IPC_KIND_MAX] = {
	[IPC_KIND_NONE] = "none",
	[IPC_KIND_PIPE] = "anon",
	[IPC_KIND_FIFO] = "fifo",
};

static const enum ipc_mech kind_mech[IPC_KIND_MAX] = {
	[IPC_KIND_PIPE] = IPC_MECH_PIPE,
	[IPC_KIND_FIFO] = IPC_MECH_PIPE,
};

static const char *const mech_names[IPC_MECH_MAX] = {
	[IPC_MECH_PIPE] = "pipe",
};

static const struct {
	const char *name;
	enum ipc_copy copy;
	bool inbound;
} ops[IPC_OP_MAX] = {
	[IPC_OP_WRITE] = { "write", IPC_COPY_USER_TO_KERNEL, true },
	[IPC_OP_WRITEV] = { "writev", IPC_COPY_USER_TO_KERNEL, true },
	[IPC_OP_READ] = { "read", IPC_COPY_KERNEL_TO_USER, false },
	[IPC_OP_READV] = { "readv", IPC_COPY_KERNEL_TO_USER, false },
	/* splice moves page references between a pipe and a file: no user copy */
	[IPC_OP_SPLICE_IN] = { "splice_in", IPC_COPY_ZERO, true },
	[IPC_OP_SPLICE_OUT] = { "splice_out", IPC_COPY_ZERO, false },
	/* vmsplice into a pipe references the user pages instead of copying */
	[IPC_OP_VMSPLICE_IN] = { "vmsplice_in", IPC_COPY_ZERO, true },
	/* vmsplice out of a pipe is a copy to user memory, like read */
	[IPC_OP_VMSPLICE_OUT] = { "vmsplice_out", IPC_COPY_KERNEL_TO_USER, false },
};

static const char *const copy_names[] = {
	[IPC_COPY_NONE] = "none",
	[IPC_COPY_USER_TO_KERNEL] = "user_to_kernel",
	[IPC_COPY_KERNEL_TO_USER] = "kernel_to_user",
	[IPC_COPY_ZERO] = "zero_copy",
};

static const char *const drop_names[IPC_DROP_MAX] = {
	[IPC_DROP_INFLIGHT] = "inflight",
	[IPC_DROP_OBJECT] = "objects",
	[IPC_DROP_ENDPOINT] = "endpoints",
	[IPC_DROP_PROC] = "processes",
	[IPC_DROP_TARGET] = "targets",
	[IPC_DROP_ERRNO] = "errnos",
};

const char *ipc_kind_name(uint32_t kind)
{
	return kind < IPC_KIND_MAX && kind_names[kind] ? kind_names[kind] : "?";
}

enum ipc_mech ipc_kind_mech(uint32_t kind)
{
	return kind < IPC_KIND_MAX ? kind_mech[kind] : IPC_MECH_PIPE;
}

const char *ipc_mech_name(enum ipc_mech mech)
{
	return (unsigned)mech < IPC_MECH_MAX ? mech_names[mech] : "?";
}

const char *ipc_op_name(uint32_t op)
{
	return op < IPC_OP_MAX ? ops[op].name : "?";
}

enum ipc_copy ipc_op_copy(uint32_t op)
{
	return op < IPC_OP_MAX ? ops[op].copy : IPC_COPY_NONE;
}

const char *ipc_copy_name(enum ipc_copy copy)
{
	return (unsigned)copy <= IPC_COPY_ZERO ? copy_names[copy] : "?";
}

bool ipc_op_inbound(uint32_t op)
{
	return op < IPC_OP_MAX && ops[op].inbound;
}

const char *ipc_drop_name(uint32_t drop)
{
	return drop < IPC_DROP_MAX ? drop_names[drop] : "?";
}

uint64_t ipc_dev_to_user(uint32_t kdev)
{
	uint64_t major = kdev >> 20, minor = kdev & 0xfffff;

	/* glibc's makedev() */
	return ((major & 0xfffff000ULL) << 32) | ((major & 0xfffULL) << 8) |
	       ((minor & 0xffffff00ULL) << 12) | (minor & 0xffULL);
}

void ipc_op_stats_add(struct ipc_op_stats *dst, const struct ipc_op_stats *src)
{
	dst->calls += src->calls;
	dst->errors += src->errors;
	dst->bytes += src->bytes;
	dst->lat_sum_ns += src->lat_sum_ns;
	for (int i = 0; i < IPC_HIST_SLOTS; i++)
		dst->lat_slots[i] += src->lat_slots[i];
}

/*
 * Append a zeroed row to a growable array of rows of `size` bytes. The
 * capacity doubles and is implied by the count: the array is full whenever
 * the count is zero or a power of two.
 */
static void *grow(void **rows, size_t *n, size_t size)
{
	void *p;

	if ((*n & (*n - 1)) == 0) {
		p = realloc(*rows, (*n ? *n * 2 : 1) * size);
		if (!p)
			return NULL;
		*rows = p;
	}
	p = (char *)*rows + *n * size;
	memset(p, 0, size);
	(*n)++;
	return p;
}

struct ipc_err_row *snapshot_add_err(struct snapshot *s)
{
	return grow((void **)&s->errs, &s->nerrs, sizeof(*s->errs));
}

struct ipc_obj_row *snapshot_add_obj(struct snapshot *s)
{
	return grow((void **)&s->objs, &s->nobjs, sizeof(*s->objs));
}

struct ipc_ep_row *snapshot_add_ep(struct snapshot *s)
{
	return grow((void **)&s->eps, &s->neps, sizeof(*s->eps));
}

struct ipc_proc_row *snapshot_add_proc(struct snapshot *s)
{
	return grow((void **)&s->procs, &s->nprocs, sizeof(*s->procs));
}

static int cmp_u64_desc(uint64_t a, uint64_t b)
{
	return a > b ? -1 : a < b;
}

static int cmp_obj_key(const struct ipc_obj_key *a, const struct ipc_obj_key *b)
{
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	return a->ino < b->ino ? -1 : a->ino > b->ino;
}

static int cmp_obj(const void *pa, const void *pb)
{
	const struct ipc_obj_row *a = pa, *b = pb;
	int c = cmp_u64_desc(a->st.bytes_in + a->st.bytes_out,
			     b->st.bytes_in + b->st.bytes_out);

	return c ? c : cmp_obj_key(&a->key, &b->key);
}

static int cmp_ep(const void *pa, const void *pb)
{
	const struct ipc_ep_row *a = pa, *b = pb;
	int c = cmp_obj_key(&a->key.obj, &b->key.obj);

	if (c)
		return c;
	if (a->key.dir != b->key.dir)
		return a->key.dir < b->key.dir ? -1 : 1;
	return a->key.tgid < b->key.tgid ? -1 : a->key.tgid > b->key.tgid;
}

static int cmp_proc(const void *pa, const void *pb)
{
	const struct ipc_proc_row *a = pa, *b = pb;

	return a->tgid < b->tgid ? -1 : a->tgid > b->tgid;
}

static int cmp_err(const void *pa, const void *pb)
{
	const struct ipc_err_row *a = pa, *b = pb;

	if (a->key.slot != b->key.slot)
		return a->key.slot < b->key.slot ? -1 : 1;
	return a->key.err < b->key.err ? -1 : a->key.err > b->key.err;
}

void snapshot_sort(struct snapshot *s)
{
	if (s->nobjs)
		qsort(s->objs, s->nobjs, sizeof(*s->objs), cmp_obj);
	if (s->neps)
		qsort(s->eps, s->neps, sizeof(*s->eps), cmp_ep);
	if (s->nprocs)
		qsort(s->procs, s->nprocs, sizeof(*s->procs), cmp_proc);
	if (s->nerrs)
		qsort(s->errs, s->nerrs, sizeof(*s->errs), cmp_err);
}

void snapshot_free(struct snapshot *s)
{
	if (!s)
		return;
	free(s->errs);
	free(s->objs);
	free(s->eps);
	free(s->procs);
	s->errs = NULL;
	s->objs = NULL;
	s->eps = NULL;
	s->procs = NULL;
	s->nerrs = s->nobjs = s->neps = s->nprocs = 0;
}

const struct ipc_proc_row *snapshot_proc(const struct snapshot *s, uint32_t tgid)
{
	for (size_t i = 0; i < s->nprocs; i++)
		if (s->procs[i].tgid == tgid)
			return &s->procs[i];
	return NULL;
}

uint64_t snapshot_drops_total(const struct snapshot *s)
{
	uint64_t total = 0;

	for (int i = 0; i < IPC_DROP_MAX; i++)
		total += s->drops[i];
	return total;
}

void snapshot_copies(const struct snapshot *s, enum ipc_mech mech,
		     struct ipc_copies *out)
{
	memset(out, 0, sizeof(*out));
	for (uint32_t kind = 1; kind < IPC_KIND_MAX; kind++) {
		if (ipc_kind_mech(kind) != mech)
			continue;
		for (uint32_t op = 0; op < IPC_OP_MAX; op++) {
			uint64_t bytes = s->ops[IPC_OP_SLOT(kind, op)].bytes;

			switch (ipc_op_copy(op)) {
			case IPC_COPY_USER_TO_KERNEL:
				out->user_to_kernel += bytes;
				break;
			case IPC_COPY_KERNEL_TO_USER:
				out->kernel_to_user += bytes;
				break;
			case IPC_COPY_ZERO:
				out->zero_copy += bytes;
				break;
			case IPC_COPY_NONE:
				break;
			}
			if (ipc_op_inbound(op))
				out->payload += bytes;
		}
	}
}

double ipc_copies_per_byte(const struct ipc_copies *c)
{
	if (!c->payload)
		return -1.0;
	return (double)(c->user_to_kernel + c->kernel_to_user) / (double)c->payload;
}
