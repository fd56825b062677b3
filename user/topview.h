/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * topview.h - `ipcscope top`'s view: rates per second between two snapshots of the
 * maps, the busiest processes and IPC objects first. Pure: unit-tested.
 */
#ifndef TOPVIEW_H
#define TOPVIEW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "snapshot.h"

struct top_proc {
	uint32_t pid;
	uint64_t start;			/* with pid, which process */
	char label[24];			/* "7336", "7336.2": snapshot_proc_label */
	char comm[IPC_COMM_LEN];
	bool exited;
	unsigned folded;		/* more exited processes of this name with
					   the same figures, in this row */
	double calls, bytes;		/* IPC syscalls and payload, per second */
	double syscalls, switches, faults;
};

struct top_obj {
	struct ipc_obj_key key;
	char name[128];
	double ops;			/* calls into and out of it, per second */
	double bytes_in, bytes_out;	/* per second: written or sent into it,
					   read or received out of it */
	double bytes;			/* through it: the larger of the two
					   (a pipe's data goes in, then out) */
	double faults;
	unsigned procs;			/* processes that used it in the interval */
};

struct top_view {
	double interval_s;
	struct top_proc *procs;		/* active ones, busiest first */
	size_t nprocs;
	struct top_obj *objs;		/* active ones, busiest first */
	size_t nobjs;
	size_t traced;			/* processes seen in all */
	uint64_t drops[IPC_DROP_MAX];	/* lost in the interval, by cause */
	double late_s;			/* how much longer than asked it was */
};

/* prev may be an empty snapshot (the first interval). -1: out of memory. */
int top_compute(struct top_view *v, const struct snapshot *prev,
		const struct snapshot *cur, double interval_s);
void top_free(struct top_view *v);
/*
 * One screen: a header line, the processes, the objects; at most rows of
 * each (0 = all). On a terminal the screen is cleared first; otherwise
 * screens follow each other, a blank line between, without escape codes.
 */
void top_print(FILE *f, const struct top_view *v, const char *clock,
	       unsigned rows, bool tty);

#endif /* TOPVIEW_H */
