/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * report.h - turning a snapshot into the text report and the JSON document
 * (schema: docs/json-schema.md). Pure: writes to a FILE*, so unit tests read
 * what a user would see.
 */
#ifndef REPORT_H
#define REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include "model.h"

/* What was traced, how and for how long: the report's provenance. */
struct run_info {
	const char *version;
	const char *kernel_release;
	const char *start_time;		/* ISO 8601, UTC */
	double duration_s;
	bool all;			/* -a */
	const pid_t *pids;		/* -p */
	int npids;
	char *const *command;		/* -- COMMAND, NULL-terminated, or NULL */
	pid_t command_pid;
	int command_exit;		/* exit code, or -1 */
	int command_signal;		/* terminating signal, or 0 */
	const struct probe_info *probes;
	size_t nprobes;
	bool no_hist;
	unsigned top;			/* objects listed in the text, 0 = all */
};

void report_text(FILE *out, const struct run_info *ri, const struct snapshot *s);
/* Returns 0, or -1 if writing failed. */
int report_json(FILE *out, const struct run_info *ri, const struct snapshot *s);

#endif /* REPORT_H */
