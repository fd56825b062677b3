// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * top.c - `ipcscope top`: the targets as record takes them, a screen per
 * interval of rates between two snapshots (topview.c computes and draws
 * them), until a stop.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "commands.h"
#include "options.h"
#include "targets.h"
#include "topview.h"
#include "util.h"

/*
 * `ipcscope top`: a screen per interval, rates from the difference of two
 * snapshots; a last screen for the part of an interval before a stop.
 */
static int top_loop(struct tracing *tr)
{
	const struct record_opts *o = tr->o;
	uint64_t end = tracing_end_of_duration(tr), last = tr->start_ns;
	uint64_t step = (uint64_t)(o->interval_s * 1e9);
	struct snapshot prev = { 0 };
	bool tty = isatty(STDOUT_FILENO), stop = false;
	unsigned shown = 0;
	size_t evicted = 0;	/* processes forgotten once shown exited */
	int err = 0;

	while (!stop && (!o->count || shown < o->count)) {
		uint64_t until = last + step < end ? last + step : end, now;
		struct snapshot cur;
		struct top_view v;
		char clock[16];
		time_t t = time(NULL);

		stop = tracing_wait_until(tr, until) || until == end;
		now = monotonic_ns();
		if (stop && now - last < step / 20)
			break;		/* nothing worth a screen since the last */
		err = session_read(tr->s, &cur);
		if (err)
			break;
		if (top_compute(&v, &prev, &cur, (now - last) / 1e9)) {
			errorf("out of memory");
			snapshot_free(&cur);
			err = -ENOMEM;
			break;
		}
		v.traced += evicted;
		/* late: the last screen's work outran the interval */
		if (now - last > step + step / 10 && now < end)
			v.late_s = (now - last - step) / 1e9;
		strftime(clock, sizeof(clock), "%H:%M:%S", localtime(&t));
		top_print(stdout, &v, clock, o->top, tty);
		top_free(&v);
		if (fflush(stdout) || ferror(stdout)) {
			errorf("cannot write to standard output: %s",
			       strerror(errno ? errno : EIO));
			snapshot_free(&cur);
			err = -EIO;
			break;
		}
		evicted += session_evict_exited(tr->s, &cur);
		snapshot_free(&prev);
		prev = cur;
		last = now;
		shown++;
	}
	snapshot_free(&prev);
	return err;
}

int cmd_top(int argc, char **argv)
{
	struct session_config cfg = { 0 };
	struct record_opts o;
	struct tracing t;
	int status, ret = 1;

	status = tracing_begin(&t, &o, CMD_TOP, argc, argv, top_usage);
	if (status >= 0)
		return status;
	if (tracing_start(&t, &cfg) == 0 && top_loop(&t) == 0)
		ret = 0;
	tracing_end(&t);
	return ret;
}
