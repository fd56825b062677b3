// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* test_top.c - unit tests for user/top.c: rates between two snapshots (new
 * rows start at 0, idle rows are left out, processes counted once per
 * object), busiest first, and the screen with and without a terminal. */
#include "test.h"
#include "topview.h"

#include <stdlib.h>

static void proc(struct snapshot *s, uint32_t pid, const char *comm,
		 uint64_t syscalls, uint64_t switches)
{
	struct ipc_proc_row *r = snapshot_add(s, procs);

	r->tgid = pid;
	snprintf(r->p.comm, sizeof(r->p.comm), "%s", comm);
	r->p.syscalls = syscalls;
	r->p.vol_switches = switches;
}

static void ep(struct snapshot *s, uint64_t ino, uint32_t pid, uint32_t dir,
	       uint64_t calls, uint64_t bytes)
{
	struct ipc_ep_row *r = snapshot_add(s, eps);

	r->key.obj.kind = IPC_KIND_PIPE;
	r->key.obj.ino = ino;
	r->key.tgid = pid;
	r->key.dir = dir;
	r->st.calls = calls;
	r->st.bytes = bytes;
}

/* prev: pipe 1 written by 10 and read by 11; cur: 2 s later, more on pipe
 * 1, a new pipe 2 used by 12 alone (writes and reads), 13 idle. */
static void two_snapshots(struct snapshot *prev, struct snapshot *cur)
{
	memset(prev, 0, sizeof(*prev));
	memset(cur, 0, sizeof(*cur));
	proc(prev, 10, "writer", 100, 10);
	proc(prev, 11, "reader", 100, 10);
	ep(prev, 1, 10, IPC_DIR_IN, 10, 1000);
	ep(prev, 1, 11, IPC_DIR_OUT, 10, 1000);

	proc(cur, 10, "writer", 300, 30);
	proc(cur, 11, "reader", 140, 20);
	proc(cur, 12, "self", 10, 0);
	proc(cur, 13, "idle", 50, 4);
	ep(cur, 1, 10, IPC_DIR_IN, 30, 5000);
	ep(cur, 1, 11, IPC_DIR_OUT, 30, 5000);
	ep(cur, 2, 12, IPC_DIR_IN, 4, 8);
	ep(cur, 2, 12, IPC_DIR_OUT, 4, 8);
	snapshot_finish(prev);
	snapshot_finish(cur);
}

TEST(top_rates_between_snapshots)
{
	struct snapshot prev, cur;
	struct top_view v;

	two_snapshots(&prev, &cur);
	ASSERT_EQ_I64(top_compute(&v, &prev, &cur, 2.0), 0);
	snapshot_free(&prev);
	snapshot_free(&cur);
	ASSERT_EQ_U64(v.traced, 4);
	ASSERT_EQ_U64(v.nprocs, 3);	/* 13 did no IPC */
	/* busiest first: 10 and 11 moved 4000 B in 2 s each; 12 16 B */
	ASSERT_EQ_U64(v.procs[0].pid, 10);
	ASSERT_EQ_U64(v.procs[1].pid, 11);
	ASSERT_EQ_U64(v.procs[2].pid, 12);
	ASSERT_TRUE(v.procs[0].bytes == 2000 && v.procs[0].calls == 10);
	ASSERT_TRUE(v.procs[0].syscalls == 100 && v.procs[0].switches == 10);
	ASSERT_TRUE(v.procs[1].syscalls == 20 && v.procs[1].switches == 5);
	/* a process new since prev: its counts from 0 */
	ASSERT_TRUE(v.procs[2].calls == 4 && v.procs[2].bytes == 8);
	ASSERT_EQ_U64(v.nobjs, 2);
	ASSERT_EQ_U64(v.objs[0].key.ino, 1);
	/* 4000 B went through pipe 1 in 2 s: in, then out; before, in + out
	   made it twice that */
	ASSERT_TRUE(v.objs[0].ops == 20 && v.objs[0].bytes == 2000);
	ASSERT_TRUE(v.objs[0].bytes_in == 2000 && v.objs[0].bytes_out == 2000);
	ASSERT_EQ_U64(v.objs[0].procs, 2);
	/* pid 12 wrote and read pipe 2: one process */
	ASSERT_EQ_U64(v.objs[1].procs, 1);
	ASSERT_TRUE(v.objs[1].ops == 4 && v.objs[1].bytes == 4);
	top_free(&v);
}

TEST(top_screen_piped_and_on_a_terminal)
{
	struct snapshot prev, cur;
	struct top_view v;
	FILE *piped = test_capture(), *tty = test_capture();
	const char *t;

	two_snapshots(&prev, &cur);
	ASSERT_EQ_I64(top_compute(&v, &prev, &cur, 2.0), 0);
	snapshot_free(&prev);
	snapshot_free(&cur);
	top_print(piped, &v, "12:00:00", 2, false);
	top_print(tty, &v, "12:00:00", 0, true);
	top_free(&v);
	t = test_capture_text(piped);
	ASSERT_TRUE(strncmp(t, "ipcscope top  12:00:00  last 2.0 s  3 of 4 processes did IPC\n", 61) == 0);
	ASSERT_TRUE(strstr(t, "PID  COMM    IPC CALLS/s") != NULL);
	ASSERT_TRUE(strstr(t, " 10  writer         10.0    2.0 KiB/s         100   10.0") != NULL);
	ASSERT_TRUE(strstr(t, "pipe:[2]  pipe  anon    4.0      4 B/s      4 B/s         0      1") != NULL);
	ASSERT_TRUE(strstr(t, " 12  self") == NULL);	/* 2 rows only */
	ASSERT_TRUE(strstr(t, "\033") == NULL);
	ASSERT_TRUE(t[strlen(t) - 1] == '\n' && t[strlen(t) - 2] == '\n');
	t = test_capture_text(tty);
	ASSERT_TRUE(strncmp(t, "\033[H\033[2J", 7) == 0);
	ASSERT_TRUE(strstr(t, " 12  self") != NULL);
}

/*
 * Pid 20 reused: "first" (start 1) wrote 10 times into pipe 3 before prev
 * and 4 more since; "second" (start 5) is new, with 6 writes into pipe 3.
 * Two rows, each with its own rate; pipe 3 had two processes.
 */
TEST(top_reused_pid_is_two_rows)
{
	struct snapshot prev = { 0 }, cur = { 0 };
	struct top_view v;
	FILE *f = test_capture();
	const char *t;

	proc(&prev, 20, "first", 10, 0);
	prev.procs[0].start = 1;
	ep(&prev, 3, 20, IPC_DIR_IN, 10, 100);
	prev.eps[0].key.start = 1;

	proc(&cur, 20, "first", 14, 0);
	cur.procs[0].start = 1;
	proc(&cur, 20, "second", 6, 0);
	cur.procs[1].start = 5;
	ep(&cur, 3, 20, IPC_DIR_IN, 14, 140);
	cur.eps[0].key.start = 1;
	ep(&cur, 3, 20, IPC_DIR_IN, 6, 60);
	cur.eps[1].key.start = 5;
	snapshot_finish(&prev);
	snapshot_finish(&cur);

	ASSERT_EQ_I64(top_compute(&v, &prev, &cur, 2.0), 0);
	snapshot_free(&prev);
	snapshot_free(&cur);
	ASSERT_EQ_U64(v.nprocs, 2);
	/* busiest first: second moved 60 B, first 40 B */
	ASSERT_EQ_U64(v.procs[0].start, 5);
	ASSERT_STREQ(v.procs[0].label, "20.2");
	ASSERT_STREQ(v.procs[0].comm, "second");
	ASSERT_TRUE(v.procs[0].calls == 3 && v.procs[0].bytes == 30);
	ASSERT_TRUE(v.procs[0].syscalls == 3);
	ASSERT_STREQ(v.procs[1].label, "20.1");
	ASSERT_TRUE(v.procs[1].calls == 2 && v.procs[1].bytes == 20);
	ASSERT_TRUE(v.procs[1].syscalls == 2);
	ASSERT_EQ_U64(v.nobjs, 1);
	ASSERT_EQ_U64(v.objs[0].procs, 2);
	top_print(f, &v, "12:00:00", 0, false);
	top_free(&v);
	t = test_capture_text(f);
	ASSERT_TRUE(strstr(t, "20.2  second") != NULL);
	ASSERT_TRUE(strstr(t, "20.1  first") != NULL);
}

/*
 * A process evicted after it exited (session_evict_exited) is absent from
 * the next reading, endpoints and all: the object's rate is what the
 * others did. From the object's totals it would read 10 calls where 20
 * were made (30 now against 10 + 10 before).
 */
TEST(top_object_rates_survive_an_evicted_process)
{
	struct snapshot prev, cur;
	struct top_view v;

	memset(&prev, 0, sizeof(prev));
	memset(&cur, 0, sizeof(cur));
	proc(&prev, 10, "writer", 0, 0);
	proc(&prev, 11, "reader", 0, 0);
	prev.procs[1].p.flags = IPC_PROC_EXITED;
	ep(&prev, 1, 10, IPC_DIR_IN, 10, 1000);
	ep(&prev, 1, 11, IPC_DIR_OUT, 10, 1000);
	proc(&cur, 10, "writer", 0, 0);
	ep(&cur, 1, 10, IPC_DIR_IN, 30, 5000);
	snapshot_finish(&prev);
	snapshot_finish(&cur);
	ASSERT_EQ_I64(top_compute(&v, &prev, &cur, 2.0), 0);
	snapshot_free(&prev);
	snapshot_free(&cur);
	ASSERT_EQ_U64(v.nobjs, 1);
	ASSERT_TRUE(v.objs[0].ops == 10 && v.objs[0].bytes == 2000);
	ASSERT_EQ_U64(v.objs[0].procs, 1);
	top_free(&v);
}

/* What was lost in the interval is named by its cause, not "map full" */
TEST(top_screen_names_what_was_lost)
{
	struct snapshot prev, cur;
	struct top_view v;
	FILE *f = test_capture();
	const char *t;

	two_snapshots(&prev, &cur);
	prev.drops[IPC_DROP_SKIPPED_RUNS] = 5;
	cur.drops[IPC_DROP_SKIPPED_RUNS] = 8;
	cur.drops[IPC_DROP_PROC] = 2;
	ASSERT_EQ_I64(top_compute(&v, &prev, &cur, 2.0), 0);
	snapshot_free(&prev);
	snapshot_free(&cur);
	v.late_s = 0.8;
	top_print(f, &v, "12:00:00", 0, false);
	top_free(&v);
	t = test_capture_text(f);
	ASSERT_TRUE(strstr(t, "(0.8 s late: reading the maps took longer than the interval)") != NULL);
	ASSERT_TRUE(strstr(t, "  lost: 3 (runs of ipcscope's programs the kernel skipped") != NULL);
	ASSERT_TRUE(strstr(t, "  lost: 2 (processes map full)\n") != NULL);
	ASSERT_TRUE(strstr(t, "map is full") == NULL);
}

/* a shell's short-lived children: one row with a count, not one each */
TEST(top_exited_processes_alike_fold_into_one_row)
{
	struct snapshot prev, cur;
	struct top_view v;
	FILE *f = test_capture();

	memset(&prev, 0, sizeof(prev));
	memset(&cur, 0, sizeof(cur));
	/* each wrote 10 B to the shell's pipe 7 once */
	for (uint32_t pid = 100; pid < 105; pid++) {
		proc(&cur, pid, "true", 30, 1);
		cur.procs[cur.nprocs - 1].p.flags = IPC_PROC_EXITED;
		ep(&cur, 7, pid, IPC_DIR_IN, 1, 10);
	}
	proc(&cur, 200, "true", 30, 1);		/* alive: its own row */
	ep(&cur, 7, 200, IPC_DIR_IN, 1, 10);
	proc(&cur, 201, "true", 31, 1);		/* other figures: its own row */
	cur.procs[cur.nprocs - 1].p.flags = IPC_PROC_EXITED;
	ep(&cur, 7, 201, IPC_DIR_IN, 1, 10);
	snapshot_finish(&prev);
	snapshot_finish(&cur);
	ASSERT_EQ_I64(top_compute(&v, &prev, &cur, 1.0), 0);
	snapshot_free(&prev);
	snapshot_free(&cur);
	ASSERT_EQ_U64(v.nprocs, 3);
	top_print(f, &v, "12:00:00", 0, false);
	top_free(&v);
	ASSERT_TRUE(strstr(test_capture_text(f), "100  true + x5") != NULL);
	ASSERT_TRUE(strstr(test_capture_text(f), "xN: N exited processes") != NULL);
}
