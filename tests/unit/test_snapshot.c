// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* test_snapshot.c - unit tests for user/snapshot.c and channels.c: the
 * growable arrays, snapshot_finish (threads' counts merged, rows sorted
 * and merged, objects made from their endpoints with their data joined in,
 * channels paired, copies summed) and the lookups on a finished snapshot. */
#include "test.h"
#include "model.h"
#include "snapshot.h"

#include <stdlib.h>
#include <sys/socket.h>

/* Tests that add rows use this one snapshot, emptied first: a test that
 * fails half way leaves its rows reachable from here instead of leaking
 * them (LeakSanitizer would fail the whole run). It is also large. */
static struct snapshot snap;

static struct snapshot *fresh_snapshot(void)
{
	snapshot_free(&snap);
	memset(&snap, 0, sizeof(snap));
	return &snap;
}

static bool all_zero(const void *p, size_t len)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < len; i++)
		if (b[i])
			return false;
	return true;
}

enum { MANY = 1000 };

TEST(snapshot_snapshot_add_err_grows)
{
	struct snapshot *s = fresh_snapshot();

	for (unsigned i = 0; i < MANY; i++) {
		struct ipc_err_row *r = snapshot_add(s, errs);

		ASSERT_TRUE(r != NULL);
		ASSERT_EQ_U64(s->nerrs, i + 1);
		ASSERT_TRUE(r == &s->errs[i]);
		ASSERT_TRUE(all_zero(r, sizeof(*r)));
		r->key.slot = i;
		r->key.err = -(int)i;
		r->count = UINT64_C(1) << (i % 64);
	}
	for (unsigned i = 0; i < MANY; i++) {
		ASSERT_EQ_U64(s->errs[i].key.slot, i);
		ASSERT_EQ_I64(s->errs[i].key.err, -(int)i);
		ASSERT_EQ_U64(s->errs[i].count, UINT64_C(1) << (i % 64));
	}
	snapshot_free(s);
}

TEST(snapshot_snapshot_add_sock_grows)
{
	struct snapshot *s = fresh_snapshot();

	for (unsigned i = 0; i < MANY; i++) {
		struct ipc_sock_row *r = snapshot_add(s, socks);

		ASSERT_TRUE(r != NULL);
		ASSERT_EQ_U64(s->nsocks, i + 1);
		ASSERT_TRUE(r == &s->socks[i]);
		ASSERT_TRUE(all_zero(r, sizeof(*r)));
		r->key.ino = i;
		r->key.dev = i * 3;
		r->info.peer_ino = UINT64_MAX - i;
	}
	for (unsigned i = 0; i < MANY; i++) {
		ASSERT_EQ_U64(s->socks[i].key.ino, i);
		ASSERT_EQ_U64(s->socks[i].key.dev, i * 3);
		ASSERT_EQ_U64(s->socks[i].info.peer_ino, UINT64_MAX - i);
	}
	snapshot_free(s);
}

TEST(snapshot_snapshot_add_ep_grows)
{
	struct snapshot *s = fresh_snapshot();

	for (unsigned i = 0; i < MANY; i++) {
		struct ipc_ep_row *r = snapshot_add(s, eps);

		ASSERT_TRUE(r != NULL);
		ASSERT_EQ_U64(s->neps, i + 1);
		ASSERT_TRUE(r == &s->eps[i]);
		ASSERT_TRUE(all_zero(r, sizeof(*r)));
		r->key.tgid = i + 1;
		r->key.dir = i & 1;
		r->st.bytes = 7 * i;
	}
	for (unsigned i = 0; i < MANY; i++) {
		ASSERT_EQ_U64(s->eps[i].key.tgid, i + 1);
		ASSERT_EQ_U64(s->eps[i].key.dir, i & 1);
		ASSERT_EQ_U64(s->eps[i].st.bytes, 7 * i);
	}
	snapshot_free(s);
}

TEST(snapshot_snapshot_add_proc_grows)
{
	struct snapshot *s = fresh_snapshot();

	for (unsigned i = 0; i < MANY; i++) {
		struct ipc_proc_row *r = snapshot_add(s, procs);

		ASSERT_TRUE(r != NULL);
		ASSERT_EQ_U64(s->nprocs, i + 1);
		ASSERT_TRUE(r == &s->procs[i]);
		ASSERT_TRUE(all_zero(r, sizeof(*r)));
		r->tgid = 100000 + i;
		snprintf(r->p.comm, sizeof(r->p.comm), "p%u", i);
		r->p.exit_ns = i;
	}
	for (unsigned i = 0; i < MANY; i++) {
		char comm[IPC_COMM_LEN];

		snprintf(comm, sizeof(comm), "p%u", i);
		ASSERT_EQ_U64(s->procs[i].tgid, 100000 + i);
		ASSERT_STREQ(s->procs[i].p.comm, comm);
		ASSERT_EQ_U64(s->procs[i].p.exit_ns, i);
	}
	snapshot_free(s);
}

/* The four arrays grow independently of each other. */
TEST(snapshot_snapshot_add_interleaved)
{
	struct snapshot *s = fresh_snapshot();

	for (unsigned i = 0; i < 300; i++) {
		ASSERT_TRUE(snapshot_add(s, errs) != NULL);
		if (i % 2 == 0)
			ASSERT_TRUE(snapshot_add(s, socks) != NULL);
		if (i % 3 == 0)
			ASSERT_TRUE(snapshot_add(s, eps) != NULL);
		if (i % 5 == 0)
			ASSERT_TRUE(snapshot_add(s, procs) != NULL);
	}
	ASSERT_EQ_U64(s->nerrs, 300);
	ASSERT_EQ_U64(s->nsocks, 150);
	ASSERT_EQ_U64(s->neps, 100);
	ASSERT_EQ_U64(s->nprocs, 60);
	snapshot_free(s);
}

TEST(snapshot_snapshot_free_empty)
{
	struct snapshot *s = fresh_snapshot();

	snapshot_free(s);
	ASSERT_TRUE(s->errs == NULL && s->objs == NULL && s->eps == NULL &&
		    s->procs == NULL);
	ASSERT_EQ_U64(s->nerrs + s->nobjs + s->neps + s->nprocs, 0);
	/* twice is fine, and NULL is accepted */
	snapshot_free(s);
	snapshot_free(NULL);
}

TEST(snapshot_snapshot_free_filled_then_reuse)
{
	struct snapshot *s = fresh_snapshot();

	for (int i = 0; i < 33; i++) {
		ASSERT_TRUE(snapshot_add(s, errs) != NULL);
		ASSERT_TRUE(snapshot_add(s, socks) != NULL);
		ASSERT_TRUE(snapshot_add(s, eps) != NULL);
		ASSERT_TRUE(snapshot_add(s, procs) != NULL);
	}
	ASSERT_EQ_I64(snapshot_finish(s), 0);	/* objects, channels */
	ASSERT_EQ_U64(s->nobjs, 1);
	s->ops[3].calls = 5;
	s->drops[IPC_DROP_PROC] = 2;
	snapshot_free(s);
	ASSERT_TRUE(s->errs == NULL && s->objs == NULL && s->eps == NULL &&
		    s->procs == NULL && s->channels == NULL && !s->finished);
	ASSERT_EQ_U64(s->nerrs + s->nobjs + s->neps + s->nprocs, 0);
	/* all of it goes: the next reading starts from nothing */
	ASSERT_EQ_U64(s->ops[3].calls, 0);
	ASSERT_EQ_U64(s->drops[IPC_DROP_PROC], 0);
	/* usable again after a free (LeakSanitizer checks the frees) */
	ASSERT_TRUE(snapshot_add(s, procs) != NULL);
	ASSERT_EQ_U64(s->nprocs, 1);
	snapshot_free(s);
}

TEST(snapshot_snapshot_sort_empty)
{
	struct snapshot *s = fresh_snapshot();

	ASSERT_EQ_I64(snapshot_finish(s), 0);
	ASSERT_EQ_U64(s->nerrs + s->nobjs + s->neps + s->nprocs + s->nchannels, 0);
}

/* an object as the kernel has it: a writer's and a reader's endpoint */
static void add_obj(struct snapshot *s, uint32_t kind, uint32_t dev,
		    uint64_t ino, uint64_t in, uint64_t out)
{
	for (uint32_t dir = IPC_DIR_IN; dir <= IPC_DIR_OUT; dir++) {
		struct ipc_ep_row *r = snapshot_add(s, eps);

		if (!r)
			return;
		r->key.obj.kind = kind;
		r->key.obj.dev = dev;
		r->key.obj.ino = ino;
		r->key.dir = dir;
		r->key.tgid = 100 + dir;
		r->st.calls = 1;
		r->st.bytes = dir == IPC_DIR_IN ? in : out;
	}
}

/* an endpoint row: (object kind, ino on dev 5, direction, process), counts */
static void add_ep(struct snapshot *s, uint32_t kind, uint64_t ino, uint32_t dir,
		   uint32_t tgid, uint64_t calls, uint64_t bytes)
{
	struct ipc_ep_row *r = snapshot_add(s, eps);

	if (!r)
		return;
	r->key.obj.kind = kind;
	r->key.obj.dev = 5;
	r->key.obj.ino = ino;
	r->key.tgid = tgid;
	r->key.dir = dir;
	r->st.calls = calls;
	r->st.bytes = bytes;
}

/* a live thread's own counts go to its process: (tgid, start), not tgid */
TEST(snapshot_thread_counts_added_to_their_process)
{
	struct snapshot *s = fresh_snapshot();
	struct ipc_thread_counts t = { .tgid = 42, .start = 2000, .syscalls = 7,
				       .vol_switches = 3, .invol_switches = 1 };
	struct ipc_proc_row *a = snapshot_add(s, procs), *b;

	a->tgid = 42;
	a->start = 1000;	/* an earlier process with the same pid */
	a->p.syscalls = 100;
	b = snapshot_add(s, procs);
	b->tgid = 42;
	b->start = 2000;
	b->p.syscalls = 10;
	*snapshot_add(s, threads) = t;
	*snapshot_add(s, threads) = t;		/* a second thread */
	t.start = 3000;		/* no such process: nothing changes */
	*snapshot_add(s, threads) = t;
	ASSERT_EQ_I64(snapshot_finish(s), 0);
	ASSERT_EQ_U64(s->nprocs, 2);
	ASSERT_EQ_U64(snapshot_proc(s, 42, 2000)->p.syscalls, 24);
	ASSERT_EQ_U64(snapshot_proc(s, 42, 2000)->p.vol_switches, 6);
	ASSERT_EQ_U64(snapshot_proc(s, 42, 2000)->p.invol_switches, 2);
	ASSERT_EQ_U64(snapshot_proc(s, 42, 1000)->p.syscalls, 100);
	snapshot_free(s);
}

/* a live thread's message-type tallies join the map's rows when sorted */
TEST(snapshot_thread_msgtype_tallies_join_their_rows)
{
	struct snapshot *s = fresh_snapshot();
	struct ipc_thread_counts t = { .tgid = 100 };
	struct ipc_msgtype_row *r = snapshot_add(s, msgtypes);

	r->key.msqid = 3;
	r->key.mtype = 7;
	r->st.sent = 10;
	t.msgtypes[0].key = r->key;
	t.msgtypes[0].st.sent = 2;
	t.msgtypes[0].st.requested = 1;
	t.msgtypes[1].key.msqid = 3;	/* an empty slot: no row */
	t.msgtypes[1].key.mtype = 9;
	*snapshot_add(s, threads) = t;
	t.msgtypes[0].key.mtype = 1;	/* a type the map has not */
	*snapshot_add(s, threads) = t;
	ASSERT_EQ_I64(snapshot_finish(s), 0);
	ASSERT_EQ_U64(s->nmsgtypes, 2);
	ASSERT_EQ_I64(s->msgtypes[0].key.mtype, 1);
	ASSERT_EQ_U64(s->msgtypes[0].st.sent, 2);
	ASSERT_EQ_I64(s->msgtypes[1].key.mtype, 7);
	ASSERT_EQ_U64(s->msgtypes[1].st.sent, 12);
	ASSERT_EQ_U64(s->msgtypes[1].st.requested, 1);
	ASSERT_EQ_U64(s->msgtypes[1].st.received, 0);
	snapshot_free(s);
}

/* the kernel keeps endpoints only: an object's row is the sum of its own */
TEST(snapshot_objects_are_their_endpoints_summed)
{
	struct snapshot *s = fresh_snapshot();

	add_ep(s, IPC_KIND_PIPE, 7, IPC_DIR_IN, 100, 3, 30);
	add_ep(s, IPC_KIND_SYSV_SHM, 9, IPC_DIR_FAULT, 100, 512, 0);
	add_ep(s, IPC_KIND_PIPE, 7, IPC_DIR_OUT, 200, 2, 25);
	add_ep(s, IPC_KIND_PIPE, 7, IPC_DIR_IN, 300, 1, 10);
	add_ep(s, IPC_KIND_SYSV_SHM, 9, IPC_DIR_OTHER, 200, 2, 0);
	add_ep(s, IPC_KIND_SYSV_SHM, 9, IPC_DIR_OTHER, 100, 1, 0);
	ASSERT_EQ_I64(snapshot_finish(s), 0);
	ASSERT_EQ_U64(s->nobjs, 2);
	/* the pipe has more bytes: first */
	ASSERT_EQ_U64(s->objs[0].key.ino, 7);
	ASSERT_EQ_U64(s->objs[0].key.dev, 5);
	ASSERT_EQ_U64(s->objs[0].st.ops_in, 4);
	ASSERT_EQ_U64(s->objs[0].st.bytes_in, 40);
	ASSERT_EQ_U64(s->objs[0].st.ops_out, 2);
	ASSERT_EQ_U64(s->objs[0].st.bytes_out, 25);
	ASSERT_EQ_U64(s->objs[0].st.ops_other + s->objs[0].st.page_faults, 0);
	ASSERT_EQ_U64(s->objs[1].key.kind, IPC_KIND_SYSV_SHM);
	ASSERT_EQ_U64(s->objs[1].st.page_faults, 512);
	ASSERT_EQ_U64(s->objs[1].st.ops_other, 3);
	ASSERT_EQ_U64(s->objs[1].st.ops_in + s->objs[1].st.ops_out, 0);
	ASSERT_EQ_U64(s->neps, 6);	/* the endpoints stay */
	snapshot_free(s);
}

/*
 * A live thread's endpoint tallies join the map's row with the same key
 * (object, direction, process) when sorted, or make their own; an empty
 * slot adds nothing, and the object's totals include them.
 */
TEST(snapshot_thread_tallies_join_their_endpoints)
{
	struct snapshot *s = fresh_snapshot();
	struct ipc_thread_counts t = { .tgid = 100 };
	struct ipc_thread_ep *a = &t.eps[0], *b = &t.eps[1];

	add_ep(s, IPC_KIND_PIPE, 7, IPC_DIR_IN, 100, 3, 30);
	s->eps[0].st.lat_slots[4] = 3;
	a->obj = s->eps[0].key.obj;
	a->dir = IPC_DIR_IN;
	a->calls = 2;
	a->bytes = 20;
	a->lat_sum_ns = 40;
	a->lat_slots[4] = 1;
	a->lat_slots[IPC_HIST_SLOTS - 1] = 1;
	b->obj = a->obj;
	b->dir = IPC_DIR_OUT;	/* the other end: a row of its own */
	b->calls = 5;
	b->bytes = 50;
	*snapshot_add(s, threads) = t;
	t.tgid = 200;		/* another process: its own rows */
	b->calls = 0;		/* an empty slot: no row */
	*snapshot_add(s, threads) = t;
	ASSERT_EQ_I64(snapshot_finish(s), 0);
	ASSERT_EQ_U64(s->neps, 3);
	/* by object, direction, process */
	ASSERT_EQ_U64(s->eps[0].key.tgid, 100);
	ASSERT_EQ_U64(s->eps[0].key.dir, IPC_DIR_IN);
	ASSERT_EQ_U64(s->eps[0].st.calls, 5);
	ASSERT_EQ_U64(s->eps[0].st.bytes, 50);
	ASSERT_EQ_U64(s->eps[0].st.lat_sum_ns, 40);
	ASSERT_EQ_U64(s->eps[0].st.lat_slots[4], 4);
	ASSERT_EQ_U64(s->eps[0].st.lat_slots[IPC_HIST_SLOTS - 1], 1);
	ASSERT_EQ_U64(s->eps[1].key.tgid, 200);
	ASSERT_EQ_U64(s->eps[1].st.calls, 2);
	ASSERT_EQ_U64(s->eps[2].key.dir, IPC_DIR_OUT);
	ASSERT_EQ_U64(s->eps[2].st.calls, 5);
	ASSERT_EQ_U64(s->nobjs, 1);
	ASSERT_EQ_U64(s->objs[0].st.ops_in, 7);
	ASSERT_EQ_U64(s->objs[0].st.bytes_in, 70);
	ASSERT_EQ_U64(s->objs[0].st.ops_out, 5);
	snapshot_free(s);
}

TEST(snapshot_snapshot_sort_objects_by_bytes_then_key)
{
	struct snapshot *s = fresh_snapshot();
	/* expected order of (kind, dev, ino) */
	/* and the bytes in that must travel with each row */
	static const struct { uint32_t kind, dev; uint64_t ino, in; } want[] = {
		{ IPC_KIND_PIPE, 1, 11, UINT64_C(1) << 33 },	/* beyond 32 bits */
		{ IPC_KIND_PIPE, 1, 12, 2500 },	/* 5000 */
		{ IPC_KIND_PIPE, 2, 50, 100 },	/* 100: ties by kind, dev, ino */
		{ IPC_KIND_PIPE, 9, 3, 0 },	/* 100 */
		{ IPC_KIND_PIPE, 9, 7, 60 },	/* 100 = 60 in + 40 out */
		{ IPC_KIND_FIFO, 0, 1, 100 },	/* 100 */
		{ IPC_KIND_PIPE, 0, 0, 0 },	/* 0 */
	};

	add_obj(s, IPC_KIND_FIFO, 0, 1, 100, 0);
	add_obj(s, IPC_KIND_PIPE, 9, 7, 60, 40);
	add_obj(s, IPC_KIND_PIPE, 0, 0, 0, 0);
	add_obj(s, IPC_KIND_PIPE, 9, 3, 0, 100);
	add_obj(s, IPC_KIND_PIPE, 1, 11, UINT64_C(1) << 33, 0);
	add_obj(s, IPC_KIND_PIPE, 2, 50, 100, 0);
	add_obj(s, IPC_KIND_PIPE, 1, 12, 2500, 2500);
	ASSERT_EQ_I64(snapshot_finish(s), 0);
	ASSERT_EQ_U64(s->nobjs, 7);
	for (size_t i = 0; i < s->nobjs; i++) {
		const struct ipc_obj_row *r = &s->objs[i];

		if (r->key.kind != want[i].kind || r->key.dev != want[i].dev ||
		    r->key.ino != want[i].ino || r->st.bytes_in != want[i].in)
			test_fail(__FILE__, __LINE__, "row %zu: got %u/%u/%" PRIu64,
				  i, r->key.kind, r->key.dev, (uint64_t)r->key.ino);
	}
	snapshot_free(s);
}

TEST(snapshot_snapshot_sort_endpoints_by_object_dir_pid)
{
	struct snapshot *s = fresh_snapshot();
	static const struct { uint32_t kind; uint64_t ino; uint32_t dir, tgid; } want[] = {
		{ IPC_KIND_PIPE, 5, IPC_DIR_IN, 3 },
		{ IPC_KIND_PIPE, 5, IPC_DIR_IN, 40 },
		{ IPC_KIND_PIPE, 5, IPC_DIR_OUT, 2 },
		{ IPC_KIND_PIPE, 5, IPC_DIR_OUT, 100 },
		{ IPC_KIND_PIPE, 6, IPC_DIR_IN, 1 },
		{ IPC_KIND_FIFO, 1, IPC_DIR_OUT, 1 },
	};

	add_ep(s, IPC_KIND_FIFO, 1, IPC_DIR_OUT, 1, 1 * 10 + IPC_DIR_OUT, 0);
	add_ep(s, IPC_KIND_PIPE, 5, IPC_DIR_OUT, 100, 100 * 10 + IPC_DIR_OUT, 0);
	add_ep(s, IPC_KIND_PIPE, 6, IPC_DIR_IN, 1, 1 * 10 + IPC_DIR_IN, 0);
	add_ep(s, IPC_KIND_PIPE, 5, IPC_DIR_IN, 40, 40 * 10 + IPC_DIR_IN, 0);
	add_ep(s, IPC_KIND_PIPE, 5, IPC_DIR_OUT, 2, 2 * 10 + IPC_DIR_OUT, 0);
	add_ep(s, IPC_KIND_PIPE, 5, IPC_DIR_IN, 3, 3 * 10 + IPC_DIR_IN, 0);
	ASSERT_EQ_I64(snapshot_finish(s), 0);
	ASSERT_EQ_U64(s->neps, 6);
	for (size_t i = 0; i < s->neps; i++) {
		const struct ipc_ep_row *r = &s->eps[i];

		if (r->key.obj.kind != want[i].kind || r->key.obj.ino != want[i].ino ||
		    r->key.dir != want[i].dir || r->key.tgid != want[i].tgid ||
		    r->st.calls != want[i].tgid * 10 + want[i].dir)
			test_fail(__FILE__, __LINE__, "row %zu: got kind %u ino %" PRIu64
				  " dir %u tgid %u", i, r->key.obj.kind,
				  (uint64_t)r->key.obj.ino, r->key.dir, r->key.tgid);
	}
	snapshot_free(s);
}

TEST(snapshot_snapshot_sort_procs_by_pid)
{
	struct snapshot *s = fresh_snapshot();
	static const uint32_t in[] = { 300, 5, 4000000, 1, 70000, 2 };
	static const uint32_t want[] = { 1, 2, 5, 300, 70000, 4000000 };

	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		struct ipc_proc_row *r = snapshot_add(s, procs);

		ASSERT_TRUE(r != NULL);
		r->tgid = in[i];
		r->p.ppid = in[i] + 1;	/* marker */
	}
	ASSERT_EQ_I64(snapshot_finish(s), 0);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		ASSERT_EQ_U64(s->procs[i].tgid, want[i]);
		ASSERT_EQ_U64(s->procs[i].p.ppid, want[i] + 1);
	}
	snapshot_free(s);
}

TEST(snapshot_snapshot_sort_errs_by_slot_then_errno)
{
	struct snapshot *s = fresh_snapshot();
	static const struct { uint32_t slot; int32_t err; } in[] = {
		{ 2, 32 }, { 0, 11 }, { 2, 4 }, { 9, 1 }, { 0, 4 },
	}, want[] = {
		{ 0, 4 }, { 0, 11 }, { 2, 4 }, { 2, 32 }, { 9, 1 },
	};

	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		struct ipc_err_row *r = snapshot_add(s, errs);

		ASSERT_TRUE(r != NULL);
		r->key.slot = in[i].slot;
		r->key.err = in[i].err;
		r->count = in[i].slot * 100 + in[i].err;	/* marker */
	}
	ASSERT_EQ_I64(snapshot_finish(s), 0);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		ASSERT_EQ_U64(s->errs[i].key.slot, want[i].slot);
		ASSERT_EQ_I64(s->errs[i].key.err, want[i].err);
		ASSERT_EQ_U64(s->errs[i].count, want[i].slot * 100 + want[i].err);
	}
	snapshot_free(s);
}

TEST(snapshot_snapshot_proc_lookup)
{
	struct snapshot *s = fresh_snapshot();

	for (uint32_t pid = 10; pid < 20; pid++) {
		struct ipc_proc_row *r = snapshot_add(s, procs);

		ASSERT_TRUE(r != NULL);
		r->tgid = pid;
		r->p.syscalls = pid * 2;
	}
	ASSERT_TRUE(snapshot_proc(s, 15, 0) == &s->procs[5]);
	ASSERT_EQ_U64(snapshot_proc(s, 19, 0)->p.syscalls, 38);
	ASSERT_TRUE(snapshot_proc(s, 9, 0) == NULL);
	ASSERT_TRUE(snapshot_proc(s, 20, 0) == NULL);
	/* the pid alone is not the process */
	ASSERT_TRUE(snapshot_proc(s, 15, 1) == NULL);
	snapshot_free(s);
	ASSERT_TRUE(snapshot_proc(s, 15, 0) == NULL);
}

/*
 * A pid reused during the run: pid 50 was three processes (started at 900,
 * 100 and 5000 ns), pid 7 and pid 60 one each. Unsorted and sorted, the
 * lookups find each by (pid, start), and the labels number the three by
 * when they started.
 */
static struct snapshot *reused_pid_snapshot(void)
{
	static const struct { uint32_t pid; uint64_t start; } in[] = {
		{ 50, 900 }, { 60, 900 }, { 50, 100 }, { 7, 3 }, { 50, 5000 },
	};
	struct snapshot *s = fresh_snapshot();

	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		struct ipc_proc_row *r = snapshot_add(s, procs);

		if (!r)
			abort();
		r->tgid = in[i].pid;
		r->start = in[i].start;
		r->p.syscalls = in[i].pid * 10000 + in[i].start;	/* marker */
	}
	return s;
}

static void check_reused_pid_lookups(const struct snapshot *s)
{
	static const struct { uint32_t pid; uint64_t start; unsigned seq; const char *label; } want[] = {
		{ 7, 3, 0, "7" }, { 50, 100, 1, "50.1" }, { 50, 900, 2, "50.2" },
		{ 50, 5000, 3, "50.3" }, { 60, 900, 0, "60" },
	};
	char label[32];

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct ipc_proc_row *r = snapshot_proc(s, want[i].pid, want[i].start);

		ASSERT_TRUE(r != NULL);
		ASSERT_EQ_U64(r->p.syscalls, want[i].pid * 10000 + want[i].start);
		ASSERT_EQ_U64(snapshot_pid_seq(s, want[i].pid, want[i].start), want[i].seq);
		snapshot_proc_label(s, want[i].pid, want[i].start, label, sizeof(label));
		ASSERT_STREQ(label, want[i].label);
	}
	/* a start that is not one of the pid's processes */
	ASSERT_TRUE(snapshot_proc(s, 50, 901) == NULL);
	ASSERT_EQ_U64(snapshot_pid_seq(s, 50, 901), 0);
	ASSERT_TRUE(snapshot_proc(s, 60, 100) == NULL);
	ASSERT_TRUE(snapshot_proc(s, 8, 3) == NULL);
	ASSERT_TRUE(snapshot_pid_reused(s));
}

TEST(snapshot_reused_pid_is_several_processes)
{
	struct snapshot *s = reused_pid_snapshot();

	check_reused_pid_lookups(s);		/* unsorted: walks every row */
	ASSERT_EQ_I64(snapshot_finish(s), 0);
	check_reused_pid_lookups(s);		/* sorted: a binary search */
	/* by pid, a reused pid's first process first */
	ASSERT_EQ_U64(s->procs[1].tgid, 50);
	ASSERT_EQ_U64(s->procs[1].start, 100);
	ASSERT_EQ_U64(s->procs[2].start, 900);
	ASSERT_EQ_U64(s->procs[3].start, 5000);
	ASSERT_EQ_U64(s->procs[4].tgid, 60);
	snapshot_free(s);
}

TEST(snapshot_no_reused_pid)
{
	struct snapshot *s = fresh_snapshot();
	char label[32];

	ASSERT_TRUE(!snapshot_pid_reused(s));
	for (uint32_t pid = 3; pid > 0; pid--) {
		struct ipc_proc_row *r = snapshot_add(s, procs);

		ASSERT_TRUE(r != NULL);
		r->tgid = pid;
		r->start = 77;		/* the same start: different processes */
	}
	ASSERT_TRUE(!snapshot_pid_reused(s));
	ASSERT_EQ_I64(snapshot_finish(s), 0);
	ASSERT_TRUE(!snapshot_pid_reused(s));
	snapshot_proc_label(s, 2, 77, label, sizeof(label));
	ASSERT_STREQ(label, "2");
	/* a process not in the snapshot (a signal's sender) is its pid */
	snapshot_proc_label(s, 4000000, 1, label, sizeof(label));
	ASSERT_STREQ(label, "4000000");
	snapshot_free(s);
}

TEST(snapshot_snapshot_sort_eps_and_signals_by_start_within_pid)
{
	struct snapshot *s = fresh_snapshot();
	static const uint64_t starts[] = { 30, 10, 20 };

	for (size_t i = 0; i < 3; i++) {
		struct ipc_ep_row *e = snapshot_add(s, eps);
		struct ipc_sig_row *g = snapshot_add(s, sigs);

		ASSERT_TRUE(e != NULL && g != NULL);
		e->key.obj.kind = IPC_KIND_PIPE;
		e->key.tgid = 9;
		e->key.start = starts[i];
		g->key.target = 9;
		g->key.target_start = starts[i];
		g->key.sig = 10;
		g->key.sender = 4;
		g->key.sender_start = 100 - starts[i];
	}
	/* the same target process, two senders with one pid */
	{
		struct ipc_sig_row *g = snapshot_add(s, sigs);

		ASSERT_TRUE(g != NULL);
		g->key.target = 9;
		g->key.target_start = 10;
		g->key.sig = 10;
		g->key.sender = 4;
		g->key.sender_start = 1;
	}
	ASSERT_EQ_I64(snapshot_finish(s), 0);
	ASSERT_EQ_U64(s->eps[0].key.start, 10);
	ASSERT_EQ_U64(s->eps[1].key.start, 20);
	ASSERT_EQ_U64(s->eps[2].key.start, 30);
	ASSERT_EQ_U64(s->sigs[0].key.target_start, 10);
	ASSERT_EQ_U64(s->sigs[0].key.sender_start, 1);
	ASSERT_EQ_U64(s->sigs[1].key.target_start, 10);
	ASSERT_EQ_U64(s->sigs[1].key.sender_start, 90);
	ASSERT_EQ_U64(s->sigs[2].key.target_start, 20);
	ASSERT_EQ_U64(s->sigs[3].key.target_start, 30);
	snapshot_free(s);
}

TEST(snapshot_snapshot_drops_total)
{
	struct snapshot *s = fresh_snapshot();

	ASSERT_EQ_U64(snapshot_drops_total(s), 0);
	s->drops[IPC_DROP_ENDPOINT] = 7;
	ASSERT_EQ_U64(snapshot_drops_total(s), 7);
	/* every counter counts: 1 + 2 + ... + IPC_DROP_MAX */
	for (int i = 0; i < IPC_DROP_MAX; i++)
		s->drops[i] = i + 1;
	ASSERT_EQ_U64(snapshot_drops_total(s),
		      IPC_DROP_MAX * (IPC_DROP_MAX + 1) / 2);
	/* large counts do not lose bits */
	s->drops[0] = UINT64_C(1) << 40;
	s->drops[IPC_DROP_MAX - 1] = UINT64_C(1) << 50;
	ASSERT_EQ_U64(snapshot_drops_total(s),
		      (UINT64_C(1) << 40) + (UINT64_C(1) << 50) +
		      IPC_DROP_MAX * (IPC_DROP_MAX + 1) / 2 - 1 - IPC_DROP_MAX);
}

/* op_stats slot of (kind, op) */
#define OPS(s, kind, op) ((s)->ops[IPC_OP_SLOT(kind, op)])

TEST(snapshot_copies_write_read_is_two)
{
	struct snapshot *s = fresh_snapshot();
	struct ipc_copies c;

	OPS(s, IPC_KIND_PIPE, IPC_OP_WRITE).bytes = 4096000;
	OPS(s, IPC_KIND_PIPE, IPC_OP_READ).bytes = 4096000;
	memset(&c, 0xab, sizeof(c));
	snapshot_copies(s, IPC_MECH_PIPE, &c);
	ASSERT_EQ_U64(c.user_to_kernel, 4096000);
	ASSERT_EQ_U64(c.kernel_to_user, 4096000);
	ASSERT_EQ_U64(c.zero_copy, 0);
	ASSERT_EQ_U64(c.payload, 4096000);
	ASSERT_DOUBLE_NEAR(ipc_copies_per_byte(&c), 2.0, 0);
}

TEST(snapshot_copies_sum_kinds_and_vectored_ops)
{
	struct snapshot *s = fresh_snapshot();
	struct ipc_copies c;

	OPS(s, IPC_KIND_PIPE, IPC_OP_WRITE).bytes = 1000;
	OPS(s, IPC_KIND_FIFO, IPC_OP_WRITEV).bytes = 3000;
	OPS(s, IPC_KIND_FIFO, IPC_OP_READV).bytes = 2500;
	OPS(s, IPC_KIND_PIPE, IPC_OP_READ).bytes = 1500;
	/* calls and errors do not count, only bytes */
	OPS(s, IPC_KIND_PIPE, IPC_OP_READ).calls = 99;
	OPS(s, IPC_KIND_PIPE, IPC_OP_READ).errors = 9;
	snapshot_copies(s, IPC_MECH_PIPE, &c);
	ASSERT_EQ_U64(c.user_to_kernel, 4000);
	ASSERT_EQ_U64(c.kernel_to_user, 4000);
	ASSERT_EQ_U64(c.zero_copy, 0);
	ASSERT_EQ_U64(c.payload, 4000);
	ASSERT_DOUBLE_NEAR(ipc_copies_per_byte(&c), 2.0, 0);
}

TEST(snapshot_copies_splice_is_zero_copy)
{
	struct snapshot *s = fresh_snapshot();
	struct ipc_copies c;

	OPS(s, IPC_KIND_PIPE, IPC_OP_SPLICE_IN).bytes = 8192;
	OPS(s, IPC_KIND_PIPE, IPC_OP_SPLICE_OUT).bytes = 8192;
	snapshot_copies(s, IPC_MECH_PIPE, &c);
	ASSERT_EQ_U64(c.user_to_kernel, 0);
	ASSERT_EQ_U64(c.kernel_to_user, 0);
	ASSERT_EQ_U64(c.zero_copy, 16384);
	ASSERT_EQ_U64(c.payload, 8192);
	ASSERT_DOUBLE_NEAR(ipc_copies_per_byte(&c), 0.0, 0);
}

TEST(snapshot_copies_vmsplice_in_then_read_is_one)
{
	struct snapshot *s = fresh_snapshot();
	struct ipc_copies c;

	/* vmsplice in references user pages; read copies them out once */
	OPS(s, IPC_KIND_PIPE, IPC_OP_VMSPLICE_IN).bytes = 100;
	OPS(s, IPC_KIND_PIPE, IPC_OP_READ).bytes = 60;
	OPS(s, IPC_KIND_PIPE, IPC_OP_VMSPLICE_OUT).bytes = 40;
	snapshot_copies(s, IPC_MECH_PIPE, &c);
	ASSERT_EQ_U64(c.user_to_kernel, 0);
	ASSERT_EQ_U64(c.kernel_to_user, 100);
	ASSERT_EQ_U64(c.zero_copy, 100);
	ASSERT_EQ_U64(c.payload, 100);
	ASSERT_DOUBLE_NEAR(ipc_copies_per_byte(&c), 1.0, 0);
}

TEST(snapshot_copies_no_payload_is_negative)
{
	struct snapshot *s = fresh_snapshot();
	struct ipc_copies c;

	snapshot_copies(s, IPC_MECH_PIPE, &c);
	ASSERT_TRUE(all_zero(&c, sizeof(c)));
	ASSERT_TRUE(ipc_copies_per_byte(&c) < 0);
	/* reads of data that entered before tracing: still no payload */
	OPS(s, IPC_KIND_PIPE, IPC_OP_READ).bytes = 10;
	snapshot_copies(s, IPC_MECH_PIPE, &c);
	ASSERT_EQ_U64(c.kernel_to_user, 10);
	ASSERT_EQ_U64(c.payload, 0);
	ASSERT_TRUE(ipc_copies_per_byte(&c) < 0);
}

TEST(snapshot_copies_ignore_kind_none_and_other_mechs)
{
	struct snapshot *s = fresh_snapshot();
	struct ipc_copies c;

	/* slot of kind "none" is not an IPC object: never counted */
	OPS(s, IPC_KIND_NONE, IPC_OP_WRITE).bytes = 999;
	OPS(s, IPC_KIND_NONE, IPC_OP_READ).bytes = 999;
	OPS(s, IPC_KIND_PIPE, IPC_OP_WRITE).bytes = 5;
	snapshot_copies(s, IPC_MECH_PIPE, &c);
	ASSERT_EQ_U64(c.user_to_kernel, 5);
	ASSERT_EQ_U64(c.kernel_to_user, 0);
	ASSERT_EQ_U64(c.payload, 5);
	ASSERT_DOUBLE_NEAR(ipc_copies_per_byte(&c), 1.0, 0);
	/* a mechanism no kind belongs to has nothing */
	memset(&c, 0xab, sizeof(c));
	snapshot_copies(s, IPC_MECH_MAX, &c);
	ASSERT_TRUE(all_zero(&c, sizeof(c)));
}

TEST(snapshot_copies_per_byte_ratio)
{
	struct ipc_copies c = { .user_to_kernel = 3, .kernel_to_user = 0,
				.zero_copy = 0, .payload = 4 };

	ASSERT_DOUBLE_NEAR(ipc_copies_per_byte(&c), 0.75, 0);
	c.payload = 0;
	ASSERT_DOUBLE_NEAR(ipc_copies_per_byte(&c), -1.0, 0);
}

/* A socket object with its stats and the info that pairs it. */
static void add_sock_obj(struct snapshot *s, uint32_t kind, uint64_t ino,
			 uint64_t bytes_in, uint64_t bytes_out,
			 uint64_t sk_id, uint64_t peer_sk_id)
{
	struct ipc_sock_row *si = snapshot_add(s, socks);

	if (!si)
		abort();
	add_obj(s, kind, 0, ino, bytes_in, bytes_out);
	si->key.kind = kind;
	si->key.ino = ino;
	si->info.family = kind == IPC_KIND_TCP ? 2 : 1;
	si->info.sk_id = sk_id;
	si->info.peer_sk_id = peer_sk_id;
	if (kind == IPC_KIND_TCP) {
		si->info.local_port = 40000;
		si->info.remote_port = 443;
	}
}

/* where finishing put the object with inode ino */
static ssize_t obj_index(const struct snapshot *s, uint64_t ino)
{
	for (size_t i = 0; i < s->nobjs; i++)
		if (s->objs[i].key.ino == ino)
			return i;
	return -1;
}

TEST(snapshot_channel_bytes_each_direction_once)
{
	struct snapshot *s = fresh_snapshot();
	struct ipc_channel paired, alone = { .b = -1 };

	/* a sent 90, b read 10 of it; b sent 5, a read 5 */
	add_sock_obj(s, IPC_KIND_UNIX_STREAM, 1, 90, 5, 0x100, 0x200);
	add_sock_obj(s, IPC_KIND_UNIX_STREAM, 2, 5, 10, 0x200, 0x100);
	add_sock_obj(s, IPC_KIND_TCP, 3, 7, 11, 0, 0);
	ASSERT_EQ_I64(snapshot_finish(s), 0);
	paired.a = obj_index(s, 1);
	paired.b = obj_index(s, 2);
	alone.a = obj_index(s, 3);
	ASSERT_EQ_U64(ipc_channel_bytes(s, &paired), 95);
	ASSERT_EQ_U64(ipc_channel_bytes(s, &alone), 18);
}

/*
 * Channels come busiest first by their bytes, not by their busiest end:
 * both ends of the unix pair sent 100 and neither read (200 in all), the
 * unpaired TCP socket, whose one end is busier (150), comes second.
 */
TEST(snapshot_channels_by_bytes)
{
	struct snapshot *s = fresh_snapshot();
	const struct ipc_channel *ch;
	add_sock_obj(s, IPC_KIND_UNIX_STREAM, 1, 1, 1, 0x10, 0x20);
	add_sock_obj(s, IPC_KIND_UNIX_STREAM, 2, 1, 1, 0x20, 0x10);
	add_sock_obj(s, IPC_KIND_TCP, 3, 100, 50, 0, 0);
	add_sock_obj(s, IPC_KIND_UNIX_STREAM, 4, 100, 0, 0x30, 0x40);
	add_sock_obj(s, IPC_KIND_UNIX_STREAM, 5, 100, 0, 0x40, 0x30);
	ASSERT_EQ_I64(snapshot_finish(s), 0);
	ch = s->channels;
	ASSERT_EQ_U64(s->nchannels, 3);
	ASSERT_EQ_U64(s->objs[ch[0].a].key.ino, 4);
	ASSERT_EQ_U64(s->objs[ch[0].b].key.ino, 5);
	ASSERT_EQ_U64(ch[0].bytes, 200);
	ASSERT_EQ_U64(s->objs[ch[1].a].key.ino, 3);
	ASSERT_EQ_I64(ch[1].b, -1);
	ASSERT_EQ_U64(ch[1].bytes, 150);
	ASSERT_EQ_U64(s->objs[ch[2].a].key.ino, 1);
	ASSERT_EQ_U64(s->objs[ch[2].b].key.ino, 2);
	ASSERT_EQ_U64(ch[2].bytes, 2);
}

TEST(snapshot_chan_lookup_add_and_per_kind)
{
	struct snapshot s;
	struct ipc_chan_stats sum;
	struct ipc_obj_key pipe = { .kind = IPC_KIND_PIPE, .dev = 13, .ino = 7 };
	struct ipc_obj_key other = { .kind = IPC_KIND_PIPE, .dev = 13, .ino = 8 };
	struct ipc_obj_key fifo = { .kind = IPC_KIND_FIFO, .dev = 2, .ino = 7 };

	memset(&s, 0, sizeof(s));
	ASSERT_TRUE(snapshot_add(&s, chans) && snapshot_add(&s, chans) &&
		    snapshot_add(&s, chans));
	s.chans[0].key = pipe;
	s.chans[0].st.samples = 2;
	s.chans[0].st.sum_ns = 30;
	s.chans[0].st.slots[3] = 1;
	s.chans[0].st.slots[4] = 1;
	s.chans[1].key = other;
	s.chans[1].st.samples = 1;
	s.chans[1].st.sum_ns = 5;
	s.chans[1].st.slots[2] = 1;
	s.chans[1].st.overflow = 3;
	s.chans[2].key = fifo;		/* same ino, other kind and device */
	s.chans[2].st.unmatched = 9;
	ASSERT_EQ_I64(snapshot_finish(&s), 0);	/* sorted by key: as added */

	ASSERT_TRUE(snapshot_chan(&s, &pipe) == &s.chans[0].st);
	ASSERT_TRUE(snapshot_chan(&s, &fifo) == &s.chans[2].st);
	ASSERT_TRUE(snapshot_chan(&s, &(struct ipc_obj_key){ .kind = IPC_KIND_PIPE,
							     .dev = 13, .ino = 9 }) == NULL);
	ASSERT_TRUE(snapshot_chan_kind(&s, IPC_KIND_PIPE, &sum));
	ASSERT_EQ_U64(sum.samples, 3);
	ASSERT_EQ_U64(sum.sum_ns, 35);
	ASSERT_EQ_U64(sum.overflow, 3);
	ASSERT_EQ_U64(sum.unmatched, 0);
	ASSERT_EQ_U64(sum.slots[2], 1);
	ASSERT_EQ_U64(sum.slots[3], 1);
	ASSERT_EQ_U64(sum.slots[4], 1);
	/* misses only still make a row; nothing at all does not */
	ASSERT_TRUE(snapshot_chan_kind(&s, IPC_KIND_FIFO, &sum));
	ASSERT_EQ_U64(sum.unmatched, 9);
	ASSERT_EQ_U64(sum.samples, 0);
	ASSERT_TRUE(!snapshot_chan_kind(&s, IPC_KIND_SYSV_MSQ, &sum));
	ASSERT_EQ_U64(sum.samples + sum.unmatched + sum.overflow + sum.slots[2], 0);
	snapshot_free(&s);
	ASSERT_TRUE(s.chans == NULL && s.nchans == 0);
}

/* A TCP end: local port lport, remote rport, on 127.0.0.1 (0.0.0.0 for a
 * wildcard-bound local address) */
static void add_tcp_end(struct snapshot *s, uint64_t ino, uint16_t lport,
			uint16_t rport, bool wildcard, uint64_t bytes_in)
{
	struct ipc_sock_row *si = snapshot_add(s, socks);

	if (!si)
		abort();
	add_obj(s, IPC_KIND_TCP, 0, ino, bytes_in, 0);
	si->key.kind = IPC_KIND_TCP;
	si->key.ino = ino;
	si->info.family = AF_INET;
	si->info.local_port = lport;
	si->info.remote_port = rport;
	memcpy(si->info.local_addr, wildcard ? "\0\0\0\0" : "\x7f\0\0\1", 4);
	memcpy(si->info.remote_addr, "\x7f\0\0\1", 4);
}

/* the other end of objs[i], by inode, or 0 when unpaired */
static uint64_t peer_ino(const struct snapshot *s, uint64_t ino)
{
	for (size_t i = 0; i < s->nchannels; i++) {
		const struct ipc_channel *c = &s->channels[i];

		if (s->objs[c->a].key.ino == ino)
			return c->b >= 0 ? s->objs[c->b].key.ino : 0;
		if (c->b >= 0 && s->objs[c->b].key.ino == ino)
			return s->objs[c->a].key.ino;
	}
	return UINT64_MAX;	/* not a channel's end at all */
}

/*
 * Many connections to one server port pair up by their ports and
 * addresses (a server end bound to the wildcard address too), each with its
 * own client; an end whose peer is not traced stays alone.
 */
TEST(snapshot_channels_pair_many_tcp_ends)
{
	struct snapshot *s = fresh_snapshot();
	enum { N = 1500 };

	for (uint16_t i = 0; i < N; i++) {
		add_tcp_end(s, 10000 + i, 40000 + i, 6379, false, 10 + i);
		add_tcp_end(s, 20000 + i, 6379, 40000 + i, i % 2, 5);
	}
	add_tcp_end(s, 99, 50000, 80, false, 1);	/* to another host */
	ASSERT_EQ_I64(snapshot_finish(s), 0);
	ASSERT_EQ_U64(s->nchannels, N + 1);
	for (uint16_t i = 0; i < N; i++)
		if (peer_ino(s, 10000 + i) != 20000u + i)
			test_fail(__FILE__, __LINE__, "client %u paired with %" PRIu64,
				  i, peer_ino(s, 10000 + i));
	ASSERT_EQ_U64(peer_ino(s, 99), 0);
	snapshot_free(s);
}

/* Unix ends pair when either knows the other (a closed end knows none),
 * and an end pairs once: a third end naming the same peer stays alone. */
TEST(snapshot_channels_pair_unix_by_either_peer_pointer)
{
	struct snapshot *s = fresh_snapshot();

	add_sock_obj(s, IPC_KIND_UNIX_STREAM, 1, 50, 0, 0xa0, 0);	/* closed */
	add_sock_obj(s, IPC_KIND_UNIX_STREAM, 2, 40, 0, 0xb0, 0xa0);
	add_sock_obj(s, IPC_KIND_UNIX_STREAM, 3, 30, 0, 0xc0, 0xa0);
	add_sock_obj(s, IPC_KIND_UNIX_DGRAM, 4, 20, 0, 0xd0, 0xa0);	/* other kind */
	ASSERT_EQ_I64(snapshot_finish(s), 0);
	ASSERT_EQ_U64(peer_ino(s, 1), 2);
	ASSERT_EQ_U64(peer_ino(s, 3), 0);
	ASSERT_EQ_U64(peer_ino(s, 4), 0);
	ASSERT_EQ_U64(s->nchannels, 3);
	snapshot_free(s);
}

/* An object's row carries what the kernel knew of it, found by key, and
 * the slices of endpoint and message-type rows that are its own. */
TEST(snapshot_finish_joins_object_data_into_its_row)
{
	struct snapshot *s = fresh_snapshot();
	struct ipc_info_row *info;
	struct ipc_chan_row *chan;
	struct ipc_msgtype_row *mt;

	add_ep(s, IPC_KIND_SYSV_MSQ, 3, IPC_DIR_IN, 100, 2, 20);
	add_ep(s, IPC_KIND_PIPE, 7, IPC_DIR_IN, 100, 1, 1000);
	add_ep(s, IPC_KIND_SYSV_MSQ, 3, IPC_DIR_OUT, 200, 2, 20);
	add_ep(s, IPC_KIND_PIPE, 7, IPC_DIR_OUT, 200, 1, 1000);
	info = snapshot_add(s, infos);
	info->key = (struct ipc_obj_key){ .kind = IPC_KIND_SYSV_MSQ, .dev = 5, .ino = 3 };
	info->info.sysv_key = 0x1234;
	chan = snapshot_add(s, chans);
	chan->key = (struct ipc_obj_key){ .kind = IPC_KIND_PIPE, .dev = 5, .ino = 7 };
	chan->st.samples = 1;
	for (int64_t type = 2; type >= 1; type--) {
		mt = snapshot_add(s, msgtypes);
		mt->key.msqid = 3;
		mt->key.mtype = type;
		mt->st.sent = type;
	}
	mt = snapshot_add(s, msgtypes);
	mt->key.msqid = 4;	/* another queue's */
	ASSERT_EQ_I64(snapshot_finish(s), 0);
	ASSERT_EQ_U64(s->nobjs, 2);
	/* the pipe moved more bytes: first */
	ASSERT_EQ_U64(s->objs[0].key.kind, IPC_KIND_PIPE);
	ASSERT_TRUE(s->objs[0].info == NULL && s->objs[0].sock == NULL);
	ASSERT_TRUE(s->objs[0].chan != NULL && s->objs[0].chan->samples == 1);
	ASSERT_EQ_U64(s->objs[0].neps, 2);
	ASSERT_EQ_U64(s->objs[0].nmts, 0);
	for (size_t i = 0; i < 2; i++) {
		const struct ipc_ep_row *e = &s->eps[s->objs[0].ep_first + i];

		ASSERT_TRUE(ipc_obj_key_eq(&e->key.obj, &s->objs[0].key));
	}
	ASSERT_TRUE(s->objs[1].info != NULL && s->objs[1].info->sysv_key == 0x1234);
	ASSERT_TRUE(s->objs[1].chan == NULL);
	ASSERT_EQ_U64(s->objs[1].neps, 2);
	ASSERT_TRUE(ipc_obj_key_eq(&s->eps[s->objs[1].ep_first].key.obj, &s->objs[1].key));
	ASSERT_EQ_U64(s->objs[1].nmts, 2);
	ASSERT_EQ_I64(s->msgtypes[s->objs[1].mt_first].key.mtype, 1);
	ASSERT_EQ_I64(s->msgtypes[s->objs[1].mt_first + 1].key.mtype, 2);
	/* copies are summed once, here */
	s->ops[IPC_OP_SLOT(IPC_KIND_PIPE, IPC_OP_WRITE)].bytes = 5;
	ASSERT_EQ_I64(snapshot_finish(s), 0);	/* once: nothing changes */
	ASSERT_EQ_U64(s->copies[IPC_MECH_PIPE].payload, 0);
	snapshot_free(s);
}

