// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * sweep.c - the size sweep of `ipcscope validate`: per mechanism, one
 * transfer of each size from 1 B to 4 MiB (powers of 4), timed untraced
 * with both ends on one CPU and on two, so that a reader sees at which
 * sizes the reference document's order of the mechanisms holds and where
 * it flips. The transfers are those of the 1 MiB experiments at another
 * size: one message (a queue's, of at most 8 KiB, in as many as it takes),
 * shared memory in its steady state.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"
#include "validate.h"

_Static_assert(PLACE_ONE_CPU == 0 && PLACE_TWO_CPUS == 1 && SWEEP_PLACES == 2,
	       "a sweep's timings are indexed by placement");

const uint64_t sweep_sizes[SWEEP_SIZES] = {
	1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304,
};

/* In the order of the document's table, as the 1 MiB experiments */
struct sweep_mech sweep_mechs[SWEEP_MECHS] = {
	{ .mech = "shm", .label = "shm, steady state", .workload = "shm" },
	{ .mech = "unix", .label = "unix", .workload = "sock" },
	{ .mech = "pipe", .label = "pipe", .workload = "pipe" },
	{ .mech = "msgq", .label = "msgq", .workload = "msgq" },
	{ .mech = "tcp", .label = "tcp", .workload = "sock" },
};

/* A System V message's largest text by default (msgmax): the 1 MiB
 * experiment's message size too */
#define MSGQ_CHUNK 8192

void sweep_experiment(struct experiment *e, struct sweep_mech *m, uint64_t size)
{
	uint64_t msg = size, count = 1;
	size_t n = 0;

	if (!strcmp(m->mech, "msgq") && size > MSGQ_CHUNK) {
		msg = MSGQ_CHUNK;
		count = size / MSGQ_CHUNK;	/* sizes above it are multiples */
	}
	snprintf(m->size_arg, sizeof(m->size_arg), "%" PRIu64, msg);
	snprintf(m->count_arg, sizeof(m->count_arg), "%" PRIu64, count);
	memset(e, 0, sizeof(*e));
	e->name = m->mech;
	e->workload = m->workload;
	e->timed = true;
	if (!strcmp(m->mech, "shm")) {
		e->args[n++] = "--api";
		e->args[n++] = "sysv";
		e->args[n++] = "--warm";
		e->args[n++] = "yes";
	} else if (!strcmp(m->workload, "sock")) {
		e->args[n++] = "--type";
		e->args[n++] = strcmp(m->mech, "tcp") ? "unix-stream" : "tcp";
	}
	e->args[n++] = "--size";
	e->args[n++] = m->size_arg;
	if (strcmp(m->mech, "shm")) {
		e->args[n++] = "--count";
		e->args[n++] = m->count_arg;
	}
	e->args[n] = NULL;
}

void sweep_clear(void)
{
	for (size_t i = 0; i < SWEEP_MECHS; i++) {
		memset(sweep_mechs[i].t, 0, sizeof(sweep_mechs[i].t));
		sweep_mechs[i].error[0] = '\0';
	}
}

double sweep_mib_per_s(uint64_t size, double ms)
{
	return (double)size / MIB / (ms / 1e3);
}

void size_text(char *buf, size_t len, uint64_t size)
{
	if (size >= MIB && size % MIB == 0)
		snprintf(buf, len, "%" PRIu64 " MiB", size / MIB);
	else if (size >= 1024 && size % 1024 == 0)
		snprintf(buf, len, "%" PRIu64 " KiB", size / 1024);
	else
		snprintf(buf, len, "%" PRIu64 " B", size);
}

void sweep_ranking(char *buf, size_t len, size_t size_i, enum placement p)
{
	struct ranked r[SWEEP_MECHS];
	size_t k = 0;

	for (size_t i = 0; i < SWEEP_MECHS; i++) {
		const struct timing *t = &sweep_mechs[i].t[size_i][p];

		if (t->n) {
			snprintf(r[k].mech, sizeof(r[k].mech), "%s", sweep_mechs[i].mech);
			r[k++].st = timing_stats(t);
		}
	}
	ranking_text(buf, len, r, k, false);
}

bool sweep_ran(enum placement p)
{
	for (size_t i = 0; i < SWEEP_MECHS; i++)
		for (size_t s = 0; s < SWEEP_SIZES; s++)
			if (sweep_mechs[i].t[s][p].n)
				return true;
	return false;
}
