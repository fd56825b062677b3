/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * events.h - `ipcscope trace`: the events the kernel streams through its
 * ring buffer (struct ipc_event), as aligned text lines or as NDJSON, and
 * the figures around them (the -m filter, the final summary: trace_select.c). Pure C: the
 * names of objects come from a lookup the caller provides (session.c reads
 * the BPF maps), so unit tests cover all of it without root.
 */
#ifndef EVENTS_H
#define EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "snapshot.h"

/* trace_kinds for every kind and signals: what `trace` streams without -m */
uint32_t trace_kinds_all(void);
/*
 * -m LIST: comma-separated mechanisms (pipe, msgq, shm, sem, socket,
 * signal) into the kernel's trace_kinds mask. 0 on success; -1 with one
 * line in err.
 */
int trace_kinds_parse(const char *list, uint32_t *kinds, char *err, size_t errlen);

/*
 * What names an object: fills info and/or sock from the BPF maps and says
 * which it found (bits EVENT_FOUND_*). Called once per object whose name
 * needs them (FIFOs, POSIX queues and shm, memfds, sockets), then cached.
 */
#define EVENT_FOUND_INFO 1
#define EVENT_FOUND_SOCK 2
typedef int (*event_lookup_fn)(void *ctx, const struct ipc_obj_key *key,
			       struct ipc_obj_info *info, struct ipc_sock_info *sock);

struct event_name;

struct event_printer {
	FILE *out;
	bool json;			/* NDJSON instead of text lines */
	uint64_t start_ns;		/* times are relative to this (CLOCK_MONOTONIC) */
	event_lookup_fn lookup;		/* may be NULL: names from keys only */
	void *lookup_ctx;
	struct event_name *names;	/* cache of object names */
	size_t nnames;
	uint64_t events;		/* printed so far */
	uint64_t hidden;		/* received, not shown (trace's filters) */
	bool wall;			/* -T: wall-clock times */
	int64_t wall_offset_ns;		/* CLOCK_REALTIME - CLOCK_MONOTONIC */
};

/* -T: wall-clock times from now on (the clocks' offset read now) */
void event_printer_wall_clock(struct event_printer *p);
/* trace --failed, --min-latency (0: any): whether e is shown. Failed: an
 * operation that returned an errno, a signal the kernel did not queue. */
bool event_passes(const struct ipc_event *e, bool failed_only, uint64_t min_latency_ns);

/* 0, or -1 when out of memory. lookup may be NULL. */
int event_printer_init(struct event_printer *p, FILE *out, bool json,
		       uint64_t start_ns, event_lookup_fn lookup, void *ctx);
void event_printer_free(struct event_printer *p);	/* accepts a zeroed one */
/* Text: the column header line; JSON: nothing. */
void event_print_header(struct event_printer *p);
/* One line for one event. */
void event_print(struct event_printer *p, const struct ipc_event *e);
/* JSON: the last line, {"summary": {...}}: events received (shown and
 * hidden), shown, dropped, counted; text: nothing (see trace_summary_text). */
void event_print_summary(struct event_printer *p, uint64_t dropped, uint64_t counted);
/* The one line for stderr at the end: how many events (of them how many
 * shown, when a filter hid some), how many lost and why, and (unwritten,
 * if not NULL) what became of them when the output failed. */
void trace_summary_text(FILE *f, uint64_t events, uint64_t shown, uint64_t dropped,
			uint64_t counted, unsigned buffer_kb, const char *unwritten);

/*
 * What the aggregation counted of the events trace_kinds selects: syscalls
 * on objects (one per object touched), page faults in shared memory, signal
 * generations and deliveries. For a trace that ran to the end it equals
 * events received + events lost, unless a map was full (see drops).
 */
uint64_t events_counted(const struct snapshot *s, uint32_t kinds);

#endif /* EVENTS_H */
