/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * targets.h - what record, top and trace share: the targets of a request
 * (-p PIDs, --comm, --cgroup, -a, -- COMMAND) checked before anything is
 * loaded, the session opened and told about them, the command run, the
 * stop signals and conditions (Ctrl-C, SIGTERM, SIGHUP, the command's
 * exit, every -p process gone, -d), and the end.
 */
#ifndef TARGETS_H
#define TARGETS_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/utsname.h>
#include "options.h"
#include "report.h"
#include "runner.h"
#include "session.h"

struct tracing {
	const struct record_opts *o;
	struct session *s;
	struct child c;
	sigset_t stop_set;	/* taken with sigtimedwait, never delivered */
	sigset_t orig_mask;	/* restored at the end; the command gets it */
	bool mask_set;
	int cgroup_fd;		/* --cgroup on v2, for the kernel; -1 */
	bool cgroup_v2;
	uint64_t pid_start[MAX_PIDS];	/* -p: each one's start time (/proc's,
					   in clock ticks), to tell it from a
					   later process with its pid */
	pid_t *followed;	/* the pids put in the targets map, once each */
	size_t nfollowed, followed_cap;
	uint64_t start_ns;	/* CLOCK_MONOTONIC when tracing started */
	/* --usdt-phase: the probes, in the binary found (usdt_path) */
	struct usdt_phase phase;
	char usdt_path[4096];
	char phase_start[128], phase_end[128];	/* "provider:name" */
	char start_time[32];	/* the same, ISO 8601 UTC */
	struct startup_times startup;	/* loading and attaching */
};

/*
 * A command's options (record_opts_parse; -v applied), then everything a
 * user can get wrong about the targets, checked before anything is
 * loaded: privileges, PIDs, the cgroup, the command. Returns -1 to go on,
 * else the exit status: 0 after printing usage for --help, 2 after a bad
 * option, 1 after a bad target (each said in one line).
 */
int tracing_begin(struct tracing *t, struct record_opts *o, enum tracing_cmd cmd,
		  int argc, char **argv,
		  const char *usage);

/*
 * Blocks the stop signals, opens the session with cfg (its targets filled
 * in from the request), follows the running targets, says that tracing
 * started (unless a command is traced quietly), and starts the command.
 * Prints why and returns -1 on failure; tracing_end undoes what was done.
 */
int tracing_start(struct tracing *t, struct session_config *cfg);

/* Should tracing stop? Waits up to wait_ns for a stop signal. */
bool tracing_stop_check(struct tracing *t, uint64_t wait_ns);
/* Waits until the monotonic time until: false then; true to stop first. */
bool tracing_wait_until(struct tracing *t, uint64_t until);
/* When -d ends tracing (UINT64_MAX without -d). */
uint64_t tracing_end_of_duration(const struct tracing *t);

/*
 * What a report needs, now: the maps into snap (their cgroups named by
 * path where the cgroup2 mount says), and into ri what the report says of
 * the run: the versions (uname into uts, which must outlive ri), when it
 * started and how long it ran, the targets, the command's end, the
 * probes. 0, or session_read's error (said).
 */
int tracing_read(const struct tracing *t, struct snapshot *snap, struct run_info *ri,
		 struct utsname *uts);

/* Stops the command, closes the session, restores the signal mask. */
void tracing_end(struct tracing *t);

#endif /* TARGETS_H */
