// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * snapshot.c - one reading of the maps, made ready for every output in one
 * pass (snapshot_finish), and the lookups outputs use on it.
 */
#define _GNU_SOURCE	/* qsort_r */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "snapshot.h"
#include "util.h"

/* ipc_proc_key is read into the head of a process row (session.c) */
_Static_assert(offsetof(struct ipc_proc_row, tgid) == offsetof(struct ipc_proc_key, tgid) &&
	       offsetof(struct ipc_proc_row, start) == offsetof(struct ipc_proc_key, start) &&
	       offsetof(struct ipc_proc_row, p) == sizeof(struct ipc_proc_key),
	       "proc row");

/* ---- Order ---------------------------------------------------------------- */

static int cmp_u64_desc(uint64_t a, uint64_t b)
{
	return a > b ? -1 : a < b;
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
	return c ? c : ipc_obj_key_cmp(&a->key, &b->key);
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
	int c = ipc_obj_key_cmp(&a->key.obj, &b->key.obj);

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

/* Rows whose key is an ipc_obj_key at offset 0: infos, socks, chans */
static int cmp_keyed(const void *a, const void *b)
{
	return ipc_obj_key_cmp(a, b);
}

static const void *find_keyed(const void *rows, size_t n, size_t size,
			      const struct ipc_obj_key *key)
{
	return n ? bsearch(key, rows, n, size, cmp_keyed) : NULL;
}

/* ---- Processes ----------------------------------------------------------- */

/*
 * The rows that may have pid tgid: [*first, end). Sorted, only theirs (a
 * lookup per endpoint row must not walk every process); else all.
 */
static size_t pid_rows(const struct snapshot *s, uint32_t tgid, size_t *first)
{
	size_t lo = 0, hi = s->nprocs, end;

	if (!s->finished) {
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

const char *snapshot_proc_comm(const struct snapshot *s, uint32_t tgid,
			       uint64_t start)
{
	const struct ipc_proc_row *p = snapshot_proc(s, tgid, start);

	return p ? p->p.comm : "?";
}

bool snapshot_first_ep_of_proc(const struct snapshot *s, const struct ipc_obj_row *o,
			       size_t i)
{
	const struct ipc_ep_key *e = &s->eps[i].key;

	for (size_t j = o->ep_first; j < i; j++)
		if (s->eps[j].key.tgid == e->tgid && s->eps[j].key.start == e->start)
			return false;
	return true;
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



/* ---- The pass ------------------------------------------------------------- */

/* A live thread's counts to its process; false when s has none (its record
 * could not be made: a drop, reported). procs must be sorted. */
static bool add_thread_counts(struct snapshot *s, const struct ipc_thread_counts *t)
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

/* A live thread's endpoint and message-type tallies, each a row of its own
 * (merged with the map's rows by sort_merge). 0, or -ENOMEM. */
static int add_thread_tallies(struct snapshot *s, const struct ipc_thread_counts *t)
{
	for (int i = 0; i < IPC_THREAD_MSGTYPES; i++) {
		const struct ipc_thread_msgtype *tm = &t->msgtypes[i];
		struct ipc_msgtype_row *r;

		if (!(tm->st.sent | tm->st.received | tm->st.requested))
			continue;
		r = snapshot_add(s, msgtypes);
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
		r = snapshot_add(s, eps);
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

static void obj_add_ep(struct ipc_obj_stats *o, const struct ipc_ep_row *e)
{
	switch (e->key.dir) {
	case IPC_DIR_IN:
		o->ops_in += e->st.calls;
		o->bytes_in += e->st.bytes;
		break;
	case IPC_DIR_OUT:
		o->ops_out += e->st.calls;
		o->bytes_out += e->st.bytes;
		break;
	case IPC_DIR_FAULT:
		o->page_faults += e->st.calls;
		break;
	default:
		o->ops_other += e->st.calls;
	}
}

/* A SysV queue's message-type rows (msgtypes sorted by queue, then type) */
static void obj_msgtypes(const struct snapshot *s, struct ipc_obj_row *o)
{
	size_t lo = 0, hi = s->nmsgtypes;

	if (o->key.kind != IPC_KIND_SYSV_MSQ)
		return;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->msgtypes[mid].key.msqid < o->key.ino)
			lo = mid + 1;
		else
			hi = mid;
	}
	o->mt_first = lo;
	while (lo < s->nmsgtypes && s->msgtypes[lo].key.msqid == o->key.ino)
		lo++;
	o->nmts = lo - o->mt_first;
}

/*
 * One object row per object its endpoints name (eps sorted by object), with
 * their sums, and what the kernel knew of it joined in by key.
 */
static int make_objects(struct snapshot *s)
{
	struct ipc_obj_row *o = NULL;

	for (size_t i = 0; i < s->neps; i++) {
		const struct ipc_ep_row *e = &s->eps[i];

		if (!o || ipc_obj_key_cmp(&o->key, &e->key.obj)) {
			o = snapshot_add(s, objs);
			if (!o)
				return -ENOMEM;
			o->key = e->key.obj;
			o->ep_first = i;
			o->info = snapshot_info(s, &o->key);
			o->sock = snapshot_sock(s, &o->key);
			o->chan = snapshot_chan(s, &o->key);
			obj_msgtypes(s, o);
		}
		o->neps++;
		obj_add_ep(&o->st, e);
	}
	return 0;
}

/* obj_by_key: the objects' rows in key order, for snapshot_obj */
static int cmp_obj_index(const void *pa, const void *pb, void *snap)
{
	const struct ipc_obj_row *objs = ((const struct snapshot *)snap)->objs;

	return ipc_obj_key_cmp(&objs[*(const size_t *)pa].key,
			       &objs[*(const size_t *)pb].key);
}

static int index_objects(struct snapshot *s)
{
	s->obj_by_key = calloc(s->nobjs ? s->nobjs : 1, sizeof(*s->obj_by_key));
	if (!s->obj_by_key)
		return -ENOMEM;
	for (size_t i = 0; i < s->nobjs; i++)
		s->obj_by_key[i] = i;
	qsort_r(s->obj_by_key, s->nobjs, sizeof(*s->obj_by_key), cmp_obj_index, s);
	return 0;
}

int snapshot_finish(struct snapshot *s)
{
	int err = 0;

	if (s->finished)
		return 0;
	if (s->nprocs)
		qsort(s->procs, s->nprocs, sizeof(*s->procs), cmp_proc);
	s->finished = true;	/* pid lookups may halve the range from here */
	for (size_t i = 0; i < s->nthreads && !err; i++) {
		/* a thread of no known process is no error */
		add_thread_counts(s, &s->threads[i]);
		err = add_thread_tallies(s, &s->threads[i]);
	}
	s->nmsgtypes = sort_merge(s->msgtypes, s->nmsgtypes, sizeof(*s->msgtypes),
				  cmp_msgtype, msgtype_row_add);
	s->neps = sort_merge(s->eps, s->neps, sizeof(*s->eps), cmp_ep, ep_row_add);
	if (s->nsigs)
		qsort(s->sigs, s->nsigs, sizeof(*s->sigs), cmp_sig);
	if (s->nerrs)
		qsort(s->errs, s->nerrs, sizeof(*s->errs), cmp_err);
	if (s->ninfos)
		qsort(s->infos, s->ninfos, sizeof(*s->infos), cmp_keyed);
	if (s->nsocks)
		qsort(s->socks, s->nsocks, sizeof(*s->socks), cmp_keyed);
	if (s->nchans)
		qsort(s->chans, s->nchans, sizeof(*s->chans), cmp_keyed);
	if (!err)
		err = make_objects(s);
	if (s->nobjs)
		qsort(s->objs, s->nobjs, sizeof(*s->objs), cmp_obj);
	if (!err)
		err = index_objects(s);
	if (!err)
		err = snapshot_pair_channels(s);
	for (int m = 0; m < IPC_MECH_MAX; m++)
		snapshot_copies(s, m, &s->copies[m]);
	return err;
}

void snapshot_free(struct snapshot *s)
{
	if (!s)
		return;
	free(s->errs);
	free(s->eps);
	free(s->procs);
	free(s->infos);
	free(s->sigs);
	free(s->socks);
	free(s->msgtypes);
	free(s->chans);
	free(s->threads);
	free(s->objs);
	free(s->obj_by_key);
	free(s->channels);
	cgroup_names_free(&s->cgroups);
	memset(s, 0, sizeof(*s));
}

int snapshot_name_cgroups(struct snapshot *s, const char *root)
{
	cgroup_names_free(&s->cgroups);
	return cgroup_names_load(&s->cgroups, root);
}

const char *snapshot_proc_cgroup(const struct snapshot *s, const struct ipc_proc_row *p)
{
	return p->p.cgroup_id ? cgroup_names_find(&s->cgroups, p->p.cgroup_id) : NULL;
}

/* ---- Lookups -------------------------------------------------------------- */

const struct ipc_obj_row *snapshot_obj(const struct snapshot *s,
				       const struct ipc_obj_key *key)
{
	size_t lo = 0, hi = s->finished ? s->nobjs : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct ipc_obj_row *o = &s->objs[s->obj_by_key[mid]];
		int c = ipc_obj_key_cmp(&o->key, key);

		if (!c)
			return o;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct ipc_ep_row *snapshot_ep(const struct snapshot *s,
				     const struct ipc_ep_key *key)
{
	struct ipc_ep_row want = { .key = *key };

	/* eps are sorted by cmp_ep: object, direction, process */
	return s->neps ? bsearch(&want, s->eps, s->neps, sizeof(*s->eps), cmp_ep) : NULL;
}

const struct ipc_obj_info *snapshot_info(const struct snapshot *s,
					 const struct ipc_obj_key *key)
{
	const struct ipc_info_row *r = find_keyed(s->infos, s->ninfos,
						  sizeof(*s->infos), key);

	return r ? &r->info : NULL;
}

const struct ipc_sock_info *snapshot_sock(const struct snapshot *s,
					  const struct ipc_obj_key *key)
{
	const struct ipc_sock_row *r = find_keyed(s->socks, s->nsocks,
						  sizeof(*s->socks), key);

	return r ? &r->info : NULL;
}

const struct ipc_chan_stats *snapshot_chan(const struct snapshot *s,
					   const struct ipc_obj_key *key)
{
	const struct ipc_chan_row *r = find_keyed(s->chans, s->nchans,
						  sizeof(*s->chans), key);

	return r ? &r->st : NULL;
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

uint64_t snapshot_drops_total(const struct snapshot *s)
{
	uint64_t total = 0;

	for (int i = 0; i < IPC_DROP_MAX; i++)
		total += s->drops[i];
	return total;
}

/* ---- Copies --------------------------------------------------------------- */

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

const char *const phase_names[IPC_PHASES] = {
	[IPC_PHASE_BEFORE] = "before", [IPC_PHASE_BETWEEN] = "between",
	[IPC_PHASE_AFTER] = "after",
};

size_t snapshot_phase_syscalls(const struct snapshot *s, int phase, bool ipc,
			       unsigned *nr, uint64_t *n, size_t max)
{
	size_t k = 0, total = 0;

	for (unsigned i = 0; i < IPC_NR_SYSCALLS; i++) {
		uint64_t c = s->phase_sys[phase][i];
		size_t at;

		if (!c || (ipc && !syscall_of_ipc(i)))
			continue;
		total++;
		/* insertion into the first max, most first */
		for (at = k; at > 0 && n[at - 1] < c; at--)
			;
		if (at >= max)
			continue;
		if (k < max)
			k++;
		memmove(&nr[at + 1], &nr[at], (k - 1 - at) * sizeof(nr[0]));
		memmove(&n[at + 1], &n[at], (k - 1 - at) * sizeof(n[0]));
		nr[at] = i;
		n[at] = c;
	}
	return total;
}

void snapshot_phase_text(char *buf, size_t len, const struct snapshot *s, int phase,
			 bool ipc, size_t max)
{
	unsigned nr[IPC_NR_SYSCALLS];
	uint64_t n[IPC_NR_SYSCALLS];
	size_t shown, total;
	int w = 0;

	if (max > IPC_NR_SYSCALLS)
		max = IPC_NR_SYSCALLS;
	total = snapshot_phase_syscalls(s, phase, ipc, nr, n, max);
	shown = total < max ? total : max;
	snprintf(buf, len, "%s", total ? "" : "none");
	for (size_t i = 0; i < shown && w >= 0 && (size_t)w < len; i++) {
		char tmp[24];

		w += snprintf(buf + w, len - w, "%s%s %" PRIu64, i ? ", " : "",
			      syscall_name(nr[i], tmp, sizeof(tmp)), n[i]);
	}
	if (total > shown && w >= 0 && (size_t)w < len)
		snprintf(buf + w, len - w, ", %zu more", total - shown);
}
