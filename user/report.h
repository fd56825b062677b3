/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * report.h - turning a snapshot into the text report and the JSON document
 * (schema: docs/json-schema.md). Pure: writes to a FILE*, so unit tests read
 * what a user would see.
 */
#ifndef REPORT_H
#define REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include "snapshot.h"

/* What was traced, how and for how long: the report's provenance. */
struct run_info {
	const char *version;
	const char *kernel_release;
	const char *start_time;		/* ISO 8601, UTC */
	double duration_s;
	bool all;			/* -a */
	const char *comm;		/* --comm, or NULL */
	const char *cgroup;		/* --cgroup, or NULL */
	const pid_t *pids;		/* -p */
	int npids;
	char *const *command;		/* -- COMMAND, NULL-terminated, or NULL */
	pid_t command_pid;
	int command_exit;		/* exit code, or -1 */
	int command_signal;		/* terminating signal, or 0 */
	const struct probe_info *probes;
	size_t nprobes;
	const struct startup_times *startup;	/* NULL: not measured */
	bool no_hist;
	bool by_cgroup;			/* processes grouped by cgroup */
	bool prom_pid;			/* Prometheus: a series per process */
	bool prom_object;		/* Prometheus: per object too */
	unsigned top;			/* objects listed in the text, 0 = all */
	/* --usdt-phase: the probes that mark the phases ("provider:name")
	   and where they are; NULL without */
	const char *phase_start, *phase_end, *phase_binary;
};

struct json_writer;

void report_text(FILE *out, const struct run_info *ri, const struct snapshot *s);
/* A log2 latency histogram's p-th percentile, as its slot's upper bound; 0
 * when it is in the last slot, which is open-ended (everything from 2^39 ns
 * up): no upper bound is known. */
uint64_t report_pct_upper(const __u64 *slots, double p);
/* The p-th percentile of a log2 latency histogram (IPC_HIST_SLOTS) as text,
 * its slot's upper bound: "16.4 us"; ">549.76 s" in the open-ended last slot. */
void report_fmt_pct(char *buf, size_t len, const __u64 *slots, double p);
/* A latency object, {sum_ns, p50_ns_le, p99_ns_le, log2_ns}, as every
 * latency in the JSON documents is written (docs/json-schema.md). */
void report_json_latency(struct json_writer *jw, uint64_t sum_ns,
			 const __u64 *slots);
/* Time in channel, {samples, unmatched, overflow, latency}, or null. */
void report_json_chan(struct json_writer *jw, const struct ipc_chan_stats *c);
/* Returns 0, or -1 if writing failed. */
int report_json(FILE *out, const struct run_info *ri, const struct snapshot *s);
/* Into the object open: "marks" and the counts of each phase ("before",
 * "between", "after"), as docs/json-schema.md says (s->phases set) */
void report_json_phase_counts(struct json_writer *jw, const struct snapshot *s);

#endif /* REPORT_H */
