// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * model.c - names, meaning and derived figures for what the kernel counted.
 * Policy lives here, not in BPF: the kernel side only counts.
 */
#define _GNU_SOURCE	/* strerrorname_np */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model.h"
#include "util.h"

/* The contract: these must match what the BPF side was compiled with. */
_Static_assert(sizeof(struct ipc_op_stats) == (5 + IPC_HIST_SLOTS) * 8, "op_stats");
_Static_assert(sizeof(struct ipc_msgtype_key) == 16, "msgtype_key");
_Static_assert(sizeof(struct ipc_msgtype_stats) == 24, "msgtype_stats");
_Static_assert(sizeof(struct ipc_err_key) == 8, "err_key");
_Static_assert(sizeof(struct ipc_obj_key) == 16, "obj_key");
_Static_assert(sizeof(struct ipc_obj_info) == 16 + IPC_NAME_LEN, "obj_info");
_Static_assert(sizeof(struct ipc_sig_key) == 40, "sig_key");
_Static_assert(sizeof(struct ipc_sock_info) == 64 + 2 * IPC_SOCK_PATH_LEN, "sock_info");
_Static_assert(sizeof(struct ipc_sig_lat) == (2 + IPC_HIST_SLOTS) * 8, "sig_lat");
_Static_assert(sizeof(struct ipc_ep_key) == 32, "ep_key");
_Static_assert(sizeof(struct ipc_proc_key) == 16, "proc_key");
_Static_assert(sizeof(struct ipc_ep_stats) == (3 + IPC_HIST_SLOTS) * 8, "ep_stats");
_Static_assert(sizeof(struct ipc_proc) == 80, "proc");
_Static_assert(sizeof(struct ipc_thread_ep) == 40 + 2 * IPC_HIST_SLOTS, "thread_ep");
_Static_assert(sizeof(struct ipc_thread_msgtype) == 40, "thread_msgtype");
_Static_assert(sizeof(struct ipc_thread_counts) ==
	       40 + IPC_THREAD_EPS * sizeof(struct ipc_thread_ep) +
	       IPC_THREAD_MSGTYPES * sizeof(struct ipc_thread_msgtype), "thread_counts");
_Static_assert(sizeof(struct ipc_chan_stats) == (4 + IPC_HIST_SLOTS) * 8, "chan_stats");
_Static_assert(sizeof(struct ipc_event) == 96, "event");

static const char *const kind_names[IPC_KIND_MAX] = {
	[IPC_KIND_NONE] = "none",
	[IPC_KIND_PIPE] = "anon",
	[IPC_KIND_FIFO] = "fifo",
	[IPC_KIND_SYSV_MSQ] = "sysv",
	[IPC_KIND_POSIX_MQ] = "posix",
	[IPC_KIND_SYSV_SHM] = "sysv",
	[IPC_KIND_POSIX_SHM] = "posix",
	[IPC_KIND_MEMFD] = "memfd",
	[IPC_KIND_SHARED_ANON] = "anon",
	[IPC_KIND_SYSV_SEM] = "sysv",
	[IPC_KIND_FUTEX] = "futex",
	[IPC_KIND_UNIX_STREAM] = "unix_stream",
	[IPC_KIND_UNIX_DGRAM] = "unix_dgram",
	[IPC_KIND_UNIX_SEQPACKET] = "unix_seqpacket",
	[IPC_KIND_TCP] = "tcp",
	[IPC_KIND_UDP] = "udp",
};

static const enum ipc_mech kind_mech[IPC_KIND_MAX] = {
	[IPC_KIND_PIPE] = IPC_MECH_PIPE,
	[IPC_KIND_FIFO] = IPC_MECH_PIPE,
	[IPC_KIND_SYSV_MSQ] = IPC_MECH_MSGQ,
	[IPC_KIND_POSIX_MQ] = IPC_MECH_MSGQ,
	[IPC_KIND_SYSV_SHM] = IPC_MECH_SHM,
	[IPC_KIND_POSIX_SHM] = IPC_MECH_SHM,
	[IPC_KIND_MEMFD] = IPC_MECH_SHM,
	[IPC_KIND_SHARED_ANON] = IPC_MECH_SHM,
	[IPC_KIND_SYSV_SEM] = IPC_MECH_SEM,
	[IPC_KIND_FUTEX] = IPC_MECH_SEM,
	[IPC_KIND_UNIX_STREAM] = IPC_MECH_SOCKET,
	[IPC_KIND_UNIX_DGRAM] = IPC_MECH_SOCKET,
	[IPC_KIND_UNIX_SEQPACKET] = IPC_MECH_SOCKET,
	[IPC_KIND_TCP] = IPC_MECH_SOCKET,
	[IPC_KIND_UDP] = IPC_MECH_SOCKET,
};

static const char *const mech_names[IPC_MECH_MAX] = {
	[IPC_MECH_PIPE] = "pipe",
	[IPC_MECH_MSGQ] = "msgq",
	[IPC_MECH_SHM] = "shm",
	[IPC_MECH_SEM] = "sem",
	[IPC_MECH_SOCKET] = "socket",
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
	[IPC_OP_GET] = { "get", IPC_COPY_NONE, false },
	/* the message is copied into a kernel buffer, and out again */
	[IPC_OP_MSGSND] = { "msgsnd", IPC_COPY_USER_TO_KERNEL, true },
	[IPC_OP_MSGRCV] = { "msgrcv", IPC_COPY_KERNEL_TO_USER, false },
	[IPC_OP_MQ_SEND] = { "mq_send", IPC_COPY_USER_TO_KERNEL, true },
	[IPC_OP_MQ_RECEIVE] = { "mq_receive", IPC_COPY_KERNEL_TO_USER, false },
	/* shared memory is mapped, not copied: the payload never crosses */
	[IPC_OP_SHMAT] = { "shmat", IPC_COPY_NONE, false },
	[IPC_OP_SHMDT] = { "shmdt", IPC_COPY_NONE, false },
	[IPC_OP_SEMOP] = { "semop", IPC_COPY_NONE, false },
	[IPC_OP_FUTEX_WAIT] = { "futex_wait", IPC_COPY_NONE, false },
	[IPC_OP_FUTEX_WAKE] = { "futex_wake", IPC_COPY_NONE, false },
	[IPC_OP_SENDTO] = { "sendto", IPC_COPY_USER_TO_KERNEL, true },
	[IPC_OP_SENDMSG] = { "sendmsg", IPC_COPY_USER_TO_KERNEL, true },
	[IPC_OP_RECVFROM] = { "recvfrom", IPC_COPY_KERNEL_TO_USER, false },
	[IPC_OP_RECVMSG] = { "recvmsg", IPC_COPY_KERNEL_TO_USER, false },
	/* sendfile moves bytes between two files in the kernel: no user copy */
	[IPC_OP_SENDFILE_IN] = { "sendfile_in", IPC_COPY_ZERO, true },
	[IPC_OP_SENDFILE_OUT] = { "sendfile_out", IPC_COPY_ZERO, false },
};

static const char *const copy_names[] = {
	[IPC_COPY_NONE] = "none",
	[IPC_COPY_USER_TO_KERNEL] = "user_to_kernel",
	[IPC_COPY_KERNEL_TO_USER] = "kernel_to_user",
	[IPC_COPY_ZERO] = "zero_copy",
};

/* Each drop counter's name (the JSON's key) and what lost its events. */
static const struct {
	const char *name, *why;
} drops[IPC_DROP_MAX] = {
	[IPC_DROP_INFLIGHT] = { "inflight", "inflight map full" },
	[IPC_DROP_ENDPOINT] = { "endpoints", "endpoints map full" },
	[IPC_DROP_PROC] = { "processes", "processes map full" },
	[IPC_DROP_TARGET] = { "targets", "targets map full" },
	[IPC_DROP_ERRNO] = { "errnos", "errnos map full" },
	[IPC_DROP_OBJ_INFO] = { "object_names", "object_names map full" },
	[IPC_DROP_SIGNAL] = { "signals", "signals map full" },
	[IPC_DROP_MSG_TYPE] = { "msg_types", "msg_types map full" },
	[IPC_DROP_TRACE] = { "trace_buffer", "trace ring buffer full" },
	[IPC_DROP_CHAN] = { "channels", "channels map full" },
	[IPC_DROP_FAULT_LOOKUP] = { "fault_lookups",
		"shared mapping not looked up: bpf_find_vma busy" },
	[IPC_DROP_SKIPPED_RUNS] = { "skipped_runs",
		"runs of ipcscope's programs the kernel skipped: one was already "
		"running on that CPU" },
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
	return drop < IPC_DROP_MAX ? drops[drop].name : "?";
}

const char *ipc_drop_why(uint32_t drop)
{
	return drop < IPC_DROP_MAX ? drops[drop].why : "?";
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
	dst->items += src->items;
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
	s->procs_sorted = false;
	return grow((void **)&s->procs, &s->nprocs, sizeof(*s->procs));
}

struct ipc_info_row *snapshot_add_info(struct snapshot *s)
{
	return grow((void **)&s->infos, &s->ninfos, sizeof(*s->infos));
}

struct ipc_sig_row *snapshot_add_sig(struct snapshot *s)
{
	return grow((void **)&s->sigs, &s->nsigs, sizeof(*s->sigs));
}

struct ipc_msgtype_row *snapshot_add_msgtype(struct snapshot *s)
{
	return grow((void **)&s->msgtypes, &s->nmsgtypes, sizeof(*s->msgtypes));
}

struct ipc_chan_row *snapshot_add_chan(struct snapshot *s)
{
	return grow((void **)&s->chans, &s->nchans, sizeof(*s->chans));
}

struct ipc_sock_row *snapshot_add_sock(struct snapshot *s)
{
	return grow((void **)&s->socks, &s->nsocks, sizeof(*s->socks));
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

/* busiest first: by bytes, then by operations and faults */
static int cmp_obj(const void *pa, const void *pb)
{
	const struct ipc_obj_row *a = pa, *b = pb;
	int c = cmp_u64_desc(a->st.bytes_in + a->st.bytes_out,
			     b->st.bytes_in + b->st.bytes_out);

	if (!c)
		c = cmp_u64_desc(a->st.ops_in + a->st.ops_out + a->st.ops_other +
				 a->st.page_faults,
				 b->st.ops_in + b->st.ops_out + b->st.ops_other +
				 b->st.page_faults);
	return c ? c : cmp_obj_key(&a->key, &b->key);
}

/* processes: by pid, a reused pid's first process first */
static int cmp_pid(uint32_t ta, uint64_t sa, uint32_t tb, uint64_t sb)
{
	if (ta != tb)
		return ta < tb ? -1 : 1;
	return sa < sb ? -1 : sa > sb;
}

static int cmp_ep(const void *pa, const void *pb)
{
	const struct ipc_ep_row *a = pa, *b = pb;
	int c = cmp_obj_key(&a->key.obj, &b->key.obj);

	if (c)
		return c;
	if (a->key.dir != b->key.dir)
		return a->key.dir < b->key.dir ? -1 : 1;
	return cmp_pid(a->key.tgid, a->key.start, b->key.tgid, b->key.start);
}

static int cmp_proc(const void *pa, const void *pb)
{
	const struct ipc_proc_row *a = pa, *b = pb;

	return cmp_pid(a->tgid, a->start, b->tgid, b->start);
}

static int cmp_err(const void *pa, const void *pb)
{
	const struct ipc_err_row *a = pa, *b = pb;

	if (a->key.slot != b->key.slot)
		return a->key.slot < b->key.slot ? -1 : 1;
	return a->key.err < b->key.err ? -1 : a->key.err > b->key.err;
}

static int cmp_sig(const void *pa, const void *pb)
{
	const struct ipc_sig_key *a = &((const struct ipc_sig_row *)pa)->key;
	const struct ipc_sig_key *b = &((const struct ipc_sig_row *)pb)->key;

	int c = cmp_pid(a->target, a->target_start, b->target, b->target_start);

	if (c)
		return c;
	if (a->sig != b->sig)
		return a->sig < b->sig ? -1 : 1;
	c = cmp_pid(a->sender, a->sender_start, b->sender, b->sender_start);
	if (c)
		return c;
	if (a->code != b->code)
		return a->code < b->code ? -1 : 1;
	return a->event < b->event ? -1 : a->event > b->event;
}

static int cmp_msgtype(const void *pa, const void *pb)
{
	const struct ipc_msgtype_key *a = &((const struct ipc_msgtype_row *)pa)->key;
	const struct ipc_msgtype_key *b = &((const struct ipc_msgtype_row *)pb)->key;

	if (a->msqid != b->msqid)
		return a->msqid < b->msqid ? -1 : 1;
	return a->mtype < b->mtype ? -1 : a->mtype > b->mtype;
}

static void ep_row_add(void *dst, const void *src)
{
	struct ipc_ep_stats *d = &((struct ipc_ep_row *)dst)->st;
	const struct ipc_ep_stats *a = &((const struct ipc_ep_row *)src)->st;

	d->calls += a->calls;
	d->bytes += a->bytes;
	d->lat_sum_ns += a->lat_sum_ns;
	for (int i = 0; i < IPC_HIST_SLOTS; i++)
		d->lat_slots[i] += a->lat_slots[i];
}

static void msgtype_row_add(void *dst, const void *src)
{
	struct ipc_msgtype_stats *d = &((struct ipc_msgtype_row *)dst)->st;
	const struct ipc_msgtype_stats *a = &((const struct ipc_msgtype_row *)src)->st;

	d->sent += a->sent;
	d->received += a->received;
	d->requested += a->requested;
}

/*
 * Sort n rows of size bytes by cmp; rows with the same key become the
 * first of them, add() summing the others into it. Returns the rows left.
 */
static size_t sort_merge(void *rows, size_t n, size_t size,
			 int (*cmp)(const void *, const void *),
			 void (*add)(void *dst, const void *src))
{
	char *r = rows;
	size_t out = 0;

	if (!n)
		return 0;
	qsort(rows, n, size, cmp);
	for (size_t i = 1; i < n; i++) {
		if (!cmp(r + out * size, r + i * size))
			add(r + out * size, r + i * size);
		else if (++out != i)
			memcpy(r + out * size, r + i * size, size);
	}
	return out + 1;
}

int snapshot_objects_from_eps(struct snapshot *s)
{
	struct ipc_obj_row *o = NULL;

	free(s->objs);
	s->objs = NULL;
	s->nobjs = 0;
	if (s->neps)
		qsort(s->eps, s->neps, sizeof(*s->eps), cmp_ep);	/* by object */
	for (size_t i = 0; i < s->neps; i++) {
		const struct ipc_ep_row *e = &s->eps[i];

		if (!o || cmp_obj_key(&o->key, &e->key.obj)) {
			o = snapshot_add_obj(s);
			if (!o)
				return -ENOMEM;
			o->key = e->key.obj;
		}
		switch (e->key.dir) {
		case IPC_DIR_IN:
			o->st.ops_in += e->st.calls;
			o->st.bytes_in += e->st.bytes;
			break;
		case IPC_DIR_OUT:
			o->st.ops_out += e->st.calls;
			o->st.bytes_out += e->st.bytes;
			break;
		case IPC_DIR_FAULT:
			o->st.page_faults += e->st.calls;
			break;
		default:
			o->st.ops_other += e->st.calls;
		}
	}
	return 0;
}

void snapshot_sort(struct snapshot *s)
{
	s->nmsgtypes = sort_merge(s->msgtypes, s->nmsgtypes, sizeof(*s->msgtypes),
				  cmp_msgtype, msgtype_row_add);
	if (s->nsigs)
		qsort(s->sigs, s->nsigs, sizeof(*s->sigs), cmp_sig);
	if (s->nobjs)
		qsort(s->objs, s->nobjs, sizeof(*s->objs), cmp_obj);
	s->neps = sort_merge(s->eps, s->neps, sizeof(*s->eps), cmp_ep, ep_row_add);
	if (s->nprocs)
		qsort(s->procs, s->nprocs, sizeof(*s->procs), cmp_proc);
	s->procs_sorted = true;
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
	free(s->infos);
	free(s->sigs);
	free(s->socks);
	free(s->msgtypes);
	free(s->chans);
	s->chans = NULL;
	s->nchans = 0;
	s->socks = NULL;
	s->nsocks = 0;
	s->msgtypes = NULL;
	s->nmsgtypes = 0;
	s->errs = NULL;
	s->objs = NULL;
	s->eps = NULL;
	s->procs = NULL;
	s->infos = NULL;
	s->sigs = NULL;
	s->nerrs = s->nobjs = s->neps = s->nprocs = s->ninfos = s->nsigs = 0;
}

/*
 * The rows that may have pid tgid: [*first, end). Sorted, only theirs (a
 * lookup per endpoint row must not walk every process); else all.
 */
static size_t pid_rows(const struct snapshot *s, uint32_t tgid, size_t *first)
{
	size_t lo = 0, hi = s->nprocs, end;

	if (!s->procs_sorted) {
		*first = 0;
		return s->nprocs;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->procs[mid].tgid < tgid)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < s->nprocs && s->procs[end].tgid == tgid; end++)
		;
	*first = lo;
	return end;
}

const struct ipc_proc_row *snapshot_proc(const struct snapshot *s, uint32_t tgid,
					 uint64_t start)
{
	size_t i, end = pid_rows(s, tgid, &i);

	for (; i < end; i++)
		if (s->procs[i].tgid == tgid && s->procs[i].start == start)
			return &s->procs[i];
	return NULL;
}

bool snapshot_add_thread_counts(struct snapshot *s, const struct ipc_thread_counts *t)
{
	size_t i, end = pid_rows(s, t->tgid, &i);

	for (; i < end; i++) {
		struct ipc_proc *p = &s->procs[i].p;

		if (s->procs[i].tgid != t->tgid || s->procs[i].start != t->start)
			continue;
		p->syscalls += t->syscalls;
		p->vol_switches += t->vol_switches;
		p->invol_switches += t->invol_switches;
		return true;
	}
	return false;
}

int snapshot_add_thread_tallies(struct snapshot *s, const struct ipc_thread_counts *t)
{
	for (int i = 0; i < IPC_THREAD_MSGTYPES; i++) {
		const struct ipc_thread_msgtype *tm = &t->msgtypes[i];
		struct ipc_msgtype_row *r;

		if (!(tm->st.sent | tm->st.received | tm->st.requested))
			continue;
		r = snapshot_add_msgtype(s);
		if (!r)
			return -ENOMEM;
		r->key = tm->key;
		r->st = tm->st;
	}
	for (int i = 0; i < IPC_THREAD_EPS; i++) {
		const struct ipc_thread_ep *te = &t->eps[i];
		struct ipc_ep_row *r;

		if (!te->calls)
			continue;
		r = snapshot_add_ep(s);
		if (!r)
			return -ENOMEM;
		r->key.obj = te->obj;
		r->key.tgid = t->tgid;
		r->key.dir = te->dir;
		r->key.start = t->start;
		r->st.calls = te->calls;
		r->st.bytes = te->bytes;
		r->st.lat_sum_ns = te->lat_sum_ns;
		for (int j = 0; j < IPC_HIST_SLOTS; j++)
			r->st.lat_slots[j] = te->lat_slots[j];
	}
	return 0;
}

unsigned snapshot_pid_seq(const struct snapshot *s, uint32_t tgid, uint64_t start)
{
	unsigned same = 0, before = 0;
	bool found = false;
	size_t i, end = pid_rows(s, tgid, &i);

	for (; i < end; i++) {
		if (s->procs[i].tgid != tgid)
			continue;
		same++;
		before += s->procs[i].start < start;
		found |= s->procs[i].start == start;
	}
	return same > 1 && found ? before + 1 : 0;
}

void snapshot_proc_label(const struct snapshot *s, uint32_t tgid, uint64_t start,
			 char *buf, size_t len)
{
	unsigned seq = snapshot_pid_seq(s, tgid, start);

	if (seq)
		snprintf(buf, len, "%u.%u", tgid, seq);
	else
		snprintf(buf, len, "%u", tgid);
}

bool snapshot_pid_reused(const struct snapshot *s)
{
	for (size_t i = 0; i < s->nprocs; i++) {
		size_t j, end = pid_rows(s, s->procs[i].tgid, &j);

		for (; j < end; j++)
			if (j != i && s->procs[j].tgid == s->procs[i].tgid)
				return true;
	}
	return false;
}

size_t snapshot_obj_eps(const struct snapshot *s, const struct ipc_obj_key *key,
			size_t *first)
{
	size_t lo = 0, hi = s->neps, end;

	/* the first row not before key (eps are sorted by cmp_ep) */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_obj_key(&s->eps[mid].key.obj, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < s->neps && ipc_obj_key_eq(&s->eps[end].key.obj, key); end++)
		;
	*first = lo;
	return end - lo;
}

bool ipc_obj_key_eq(const struct ipc_obj_key *a, const struct ipc_obj_key *b)
{
	return a->kind == b->kind && a->dev == b->dev && a->ino == b->ino;
}

const struct ipc_obj_info *snapshot_info(const struct snapshot *s,
					 const struct ipc_obj_key *key)
{
	for (size_t i = 0; i < s->ninfos; i++)
		if (ipc_obj_key_eq(&s->infos[i].key, key))
			return &s->infos[i].info;
	return NULL;
}

const struct ipc_chan_stats *snapshot_chan(const struct snapshot *s,
					   const struct ipc_obj_key *key)
{
	for (size_t i = 0; i < s->nchans; i++)
		if (ipc_obj_key_eq(&s->chans[i].key, key))
			return &s->chans[i].st;
	return NULL;
}

void ipc_chan_stats_add(struct ipc_chan_stats *dst, const struct ipc_chan_stats *src)
{
	dst->samples += src->samples;
	dst->sum_ns += src->sum_ns;
	dst->unmatched += src->unmatched;
	dst->overflow += src->overflow;
	for (int i = 0; i < IPC_HIST_SLOTS; i++)
		dst->slots[i] += src->slots[i];
}

bool snapshot_chan_kind(const struct snapshot *s, uint32_t kind,
			struct ipc_chan_stats *out)
{
	bool any = false;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < s->nchans; i++) {
		const struct ipc_chan_stats *c = &s->chans[i].st;

		if (s->chans[i].key.kind != kind)
			continue;
		ipc_chan_stats_add(out, c);
		any |= c->samples || c->unmatched || c->overflow;
	}
	return any;
}

static void obj_name_raw(const struct ipc_obj_key *k, const struct ipc_obj_info *info,
			 const struct ipc_sock_info *si, char *buf, size_t len);

static void obj_name(char *buf, size_t len, const struct ipc_obj_key *k,
		     const struct ipc_obj_info *info)
{
	const char *name = info && info->name[0] ? info->name : NULL;
	unsigned long long ino = k->ino;
	int n = 0;

	switch (k->kind) {
	case IPC_KIND_PIPE:
		n = snprintf(buf, len, "pipe:[%llu]", ino);
		break;
	case IPC_KIND_FIFO:
		n = name ? snprintf(buf, len, "fifo:%s", name) :
			   snprintf(buf, len, "fifo:[%llu]", ino);
		break;
	case IPC_KIND_POSIX_MQ:
		n = name ? snprintf(buf, len, "mq:/%s", name) :
			   snprintf(buf, len, "mq:[%llu]", ino);
		break;
	case IPC_KIND_SYSV_MSQ:
		n = snprintf(buf, len, "msq:%llu", ino);
		break;
	case IPC_KIND_SYSV_SHM:
		n = ino == 0xffffffffULL ? snprintf(buf, len, "shm:?") :
					   snprintf(buf, len, "shm:%llu", ino);
		break;
	case IPC_KIND_SYSV_SEM:
		n = snprintf(buf, len, "sem:%llu", ino);
		break;
	case IPC_KIND_FUTEX:
		n = snprintf(buf, len, "futex:0x%llx", ino);
		break;
	default:
		n = name ? snprintf(buf, len, "%s:%s", ipc_kind_name(k->kind), name) :
			   snprintf(buf, len, "%s:[%llu]", ipc_kind_name(k->kind), ino);
		break;
	}
	if (info && info->sysv_key != -1 && n >= 0 && (size_t)n < len) {
		if (info->sysv_key == 0)
			snprintf(buf + n, len - n, " (IPC_PRIVATE)");
		else
			snprintf(buf + n, len - n, " (key 0x%08x)",
				 (unsigned)info->sysv_key);
	}
}

const struct ipc_sock_info *snapshot_sock(const struct snapshot *s,
					  const struct ipc_obj_key *key)
{
	for (size_t i = 0; i < s->nsocks; i++)
		if (ipc_obj_key_eq(&s->socks[i].key, key))
			return &s->socks[i].info;
	return NULL;
}

static void sock_addr(char *buf, size_t len, uint16_t family,
		      const uint8_t *addr, uint16_t port)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, addr, ip, sizeof(ip));
	if (family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", ip, port);
	else
		snprintf(buf, len, "%s:%u", ip, port);
}

static void unix_name(char *buf, size_t len, const char *path, size_t size)
{
	if (path[0])
		snprintf(buf, len, "%.*s", (int)size, path);
	else if (path[1])	/* abstract: a NUL, then the name */
		snprintf(buf, len, "@%.*s", (int)size - 1, path + 1);
	else
		snprintf(buf, len, "unnamed");
}

void ipc_sock_local(const struct ipc_sock_info *si, char *buf, size_t len)
{
	if (si->family == AF_UNIX)
		unix_name(buf, len, si->path, sizeof(si->path));
	else
		sock_addr(buf, len, si->family, si->local_addr, si->local_port);
}

void ipc_sock_remote(const struct ipc_sock_info *si, char *buf, size_t len)
{
	if (si->family == AF_UNIX)
		unix_name(buf, len, si->peer_path, sizeof(si->peer_path));
	else if (!si->remote_port)
		snprintf(buf, len, "unconnected");
	else
		sock_addr(buf, len, si->family, si->remote_addr, si->remote_port);
}

static bool addr_is_loopback(uint16_t family, const uint8_t *a)
{
	static const uint8_t v6_loop[16] = { [15] = 1 };
	static const uint8_t v4_mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (family == AF_INET)
		return a[0] == 127;
	if (!memcmp(a, v6_loop, 16))
		return true;
	return !memcmp(a, v4_mapped, 12) && a[12] == 127;
}

bool ipc_sock_loopback(const struct ipc_sock_info *si)
{
	if (si->family == AF_UNIX)
		return true;
	return si->remote_port && addr_is_loopback(si->family, si->remote_addr);
}

void snapshot_obj_name(const struct snapshot *s, const struct ipc_obj_key *k,
		       char *buf, size_t len)
{
	ipc_obj_name(k, snapshot_info(s, k), snapshot_sock(s, k), buf, len);
}

/*
 * An object's name for display: paths, queue and socket names come from
 * the traced system, so it is made safe for a terminal here, once, for
 * every output (text_clean); JSON has the raw names in their own fields.
 */
void ipc_obj_name(const struct ipc_obj_key *k, const struct ipc_obj_info *info,
		  const struct ipc_sock_info *si, char *buf, size_t len)
{
	obj_name_raw(k, info, si, buf, len);
	text_clean_inplace(buf, len);
}

static void obj_name_raw(const struct ipc_obj_key *k, const struct ipc_obj_info *info,
			 const struct ipc_sock_info *si, char *buf, size_t len)
{
	char local[80], remote[80];

	if (ipc_kind_mech(k->kind) != IPC_MECH_SOCKET || !si) {
		obj_name(buf, len, k, info);
		return;
	}
	ipc_sock_local(si, local, sizeof(local));
	if (si->family == AF_UNIX) {
		/* a client is unnamed: its server's path says more */
		if (!si->path[0] && !si->path[1] && (si->peer_path[0] || si->peer_path[1])) {
			ipc_sock_remote(si, remote, sizeof(remote));
			snprintf(buf, len, "unix:->%s [%llu]", remote, (unsigned long long)k->ino);
		} else {
			snprintf(buf, len, "unix:%s [%llu]", local, (unsigned long long)k->ino);
		}
		return;
	}
	ipc_sock_remote(si, remote, sizeof(remote));
	snprintf(buf, len, "%s:%s->%s", ipc_kind_name(k->kind), local, remote);
}

/* Is b the other end of a (TCP/UDP)? Its local is a's remote and back. */
static bool inet_peers(const struct ipc_sock_info *a, const struct ipc_sock_info *b)
{
	static const uint8_t any[16];
	size_t alen = a->family == AF_INET ? 4 : 16;

	if (a->family != b->family || !a->remote_port || !b->remote_port)
		return false;
	if (a->remote_port != b->local_port || b->remote_port != a->local_port)
		return false;
	/* a listener's socket may be bound to the wildcard address */
	return (!memcmp(a->remote_addr, b->local_addr, alen) ||
		!memcmp(b->local_addr, any, alen)) &&
	       (!memcmp(b->remote_addr, a->local_addr, alen) ||
		!memcmp(a->local_addr, any, alen));
}

/* The kernel's peer pointers, both ways if known (a closed end has none). */
static bool unix_peers(const struct ipc_sock_info *a, const struct ipc_sock_info *b)
{
	return (a->peer_sk_id && a->peer_sk_id == b->sk_id) ||
	       (b->peer_sk_id && b->peer_sk_id == a->sk_id);
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

uint64_t ipc_channel_bytes(const struct snapshot *s, const struct ipc_channel *c)
{
	const struct ipc_obj_stats *a = &s->objs[c->a].st;
	const struct ipc_obj_stats *b = c->b >= 0 ? &s->objs[c->b].st : NULL;

	if (!b)
		return a->bytes_in + a->bytes_out;
	return max_u64(a->bytes_in, b->bytes_out) + max_u64(b->bytes_in, a->bytes_out);
}

static int cmp_channel(const void *pa, const void *pb)
{
	const struct ipc_channel *a = pa, *b = pb;
	int c = cmp_u64_desc(a->bytes, b->bytes);

	return c ? c : (a->a > b->a) - (a->a < b->a);
}

size_t snapshot_channels(const struct snapshot *s, struct ipc_channel **out)
{
	struct ipc_channel *ch = calloc(s->nobjs ? s->nobjs : 1, sizeof(*ch));
	bool *used = calloc(s->nobjs ? s->nobjs : 1, sizeof(*used));
	size_t n = 0;

	*out = ch;
	if (!ch || !used) {
		free(used);
		return 0;
	}
	for (size_t i = 0; i < s->nobjs; i++) {
		const struct ipc_obj_key *ka = &s->objs[i].key;
		const struct ipc_sock_info *a = snapshot_sock(s, ka);

		if (used[i] || ipc_kind_mech(ka->kind) != IPC_MECH_SOCKET || !a)
			continue;
		used[i] = true;
		ch[n].a = i;
		ch[n].b = -1;
		for (size_t j = i + 1; j < s->nobjs; j++) {
			const struct ipc_obj_key *kb = &s->objs[j].key;
			const struct ipc_sock_info *b = snapshot_sock(s, kb);

			if (used[j] || kb->kind != ka->kind || !b)
				continue;
			if (a->family == AF_UNIX ? unix_peers(a, b) : inet_peers(a, b)) {
				used[j] = true;
				ch[n].b = j;
				break;
			}
		}
		n++;
	}
	free(used);
	for (size_t i = 0; i < n; i++)
		ch[i].bytes = ipc_channel_bytes(s, &ch[i]);
	/* qsort is not stable: ties fall back on the object order */
	qsort(ch, n, sizeof(*ch), cmp_channel);
	return n;
}

void ipc_sig_lat_add(struct ipc_sig_lat *dst, const struct ipc_sig_lat *src)
{
	dst->count += src->count;
	dst->sum_ns += src->sum_ns;
	for (int i = 0; i < IPC_HIST_SLOTS; i++)
		dst->slots[i] += src->slots[i];
}

const char *ipc_signal_name(uint32_t sig)
{
	static const char *const names[] = {
		NULL, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP",
		"SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV",
		"SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
		"SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU",
		"SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF",
		"SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
	};

	return sig < sizeof(names) / sizeof(names[0]) ? names[sig] : NULL;
}

const char *ipc_errno_name(int err)
{
	/* the kernel's own, which a syscall can return to a tracer at its
	   exit (include/linux/errno.h), then the C library's */
	switch (err) {
	case 512: return "ERESTARTSYS";
	case 513: return "ERESTARTNOINTR";
	case 514: return "ERESTARTNOHAND";
	case 516: return "ERESTART_RESTARTBLOCK";
	}
	return err > 0 ? strerrorname_np(err) : NULL;
}

const char *ipc_sig_origin(int32_t code)
{
	switch (code) {
	case 0:
		return "kill";		/* SI_USER: kill(), pidfd_send_signal() */
	case -1:
		return "sigqueue";	/* SI_QUEUE */
	case -2:
		return "timer";		/* SI_TIMER */
	case -3:
		return "mq_notify";	/* SI_MESGQ */
	case -4:
		return "aio";		/* SI_ASYNCIO */
	case -5:
		return "sigio";		/* SI_SIGIO */
	case -6:
		return "tkill";		/* SI_TKILL: tkill(), tgkill() */
	case 0x80:
		return "kernel";	/* SI_KERNEL */
	default:
		return code > 0 ? "kernel" : "other";
	}
}

const char *ipc_sig_event_name(uint32_t event)
{
	switch (event) {
	case IPC_SIG_DELIVERED:
		return "queued";
	case IPC_SIG_IGNORED:
		return "ignored";
	case IPC_SIG_ALREADY_PENDING:
		return "already_pending";
	case IPC_SIG_OVERFLOW_FAIL:
		return "overflow_fail";
	case IPC_SIG_LOSE_INFO:
		return "lose_info";
	case IPC_SIG_HANDLED:
		return "delivered";
	default:
		return "?";
	}
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
