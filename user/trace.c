// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * trace.c - `ipcscope trace`: the targets as record takes them, each IPC
 * operation printed as it happens (events.c writes the lines, text or
 * NDJSON), then what arrived and what was lost, against what the maps
 * counted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "commands.h"
#include "events.h"
#include "options.h"
#include "outfile.h"
#include "targets.h"
#include "util.h"

/* `ipcscope trace`: where the events go */
struct trace_out {
	struct event_printer text;	/* stdout, unless --json - */
	struct event_printer json;	/* --json */
	const struct outfile *json_file;
	bool use_text, use_json;
	bool stream;		/* stdout is a pipe or a socket: a reader waits */
	bool failed_only;	/* --failed */
	uint64_t min_latency_ns;/* --min-latency */
};

static int on_event(void *ctx, const struct ipc_event *e)
{
	struct trace_out *t = ctx;

	if (!event_passes(e, t->failed_only, t->min_latency_ns)) {
		t->text.hidden++;
		t->json.hidden++;
		return 0;
	}
	if (t->use_text)
		event_print(&t->text, e);
	if (t->use_json)
		event_print(&t->json, e);
	return 0;
}

/* What became of the events when the output failed: a JSON file is not
 * put in place at all; a stream or a device has what came before */
static const char *unwritten_note(const struct trace_out *t, char *buf, size_t len)
{
	const struct outfile *j = t->json_file;

	if (t->use_json && ferror(t->json.out) && !outfile_is_stdout(j) && !j->direct) {
		snprintf(buf, len, "none of them were kept: '%s' is as it was", j->path);
		return buf;
	}
	return "what came before the error was written, the rest was not";
}

static bool trace_out_failed(const struct trace_out *t)
{
	return (t->use_text && ferror(t->text.out)) || (t->use_json && ferror(t->json.out));
}

/* the kernel wakes us for a batch: below it, events wait up to this */
#define TRACE_POLL_MS	10
#define TRACE_CHECK_NS	(100 * 1000000ULL)

/*
 * `ipcscope trace`: hand the ring buffer's events to the printers until
 * tracing stops; then detach, take the last events, and compare what
 * arrived and what was lost with what the maps counted. Returns the exit
 * status.
 */
static int trace_loop(struct tracing *tr, struct trace_out *t)
{
	const struct record_opts *o = tr->o;
	struct session *s = tr->s;
	uint64_t end = tracing_end_of_duration(tr), next_check = 0;
	uint64_t dropped, counted, events, shown;
	const char *unwritten = NULL;
	char note[PATH_MAX + 64];
	struct snapshot snap;
	int n, status = 0;

	if (t->use_text)
		event_print_header(&t->text);
	for (;;) {
		uint64_t now;

		n = session_poll_events(s, TRACE_POLL_MS);
		if (n < 0 && n != -EINTR) {
			errorf("cannot read the events' ring buffer: %s", strerror(-n));
			status = 1;
			break;
		}
		/* a reader at the other end of a pipe (| jq, a log shipper)
		   gets each batch as it comes, not when 1 MiB has piled up */
		if (n > 0 && t->stream) {
			if (t->use_text)
				fflush(t->text.out);
			if (t->use_json && outfile_is_stdout(t->json_file))
				fflush(t->json.out);
		}
		if (trace_out_failed(t))
			break;
		now = monotonic_ns();
		if (now >= end)
			break;
		/* between bursts, not after each: a busy buffer comes first */
		if (now >= next_check) {
			if (tracing_stop_check(tr, 0))
				break;
			next_check = now + TRACE_CHECK_NS;
		}
	}
	stop_tree(&tr->c);
	/* no event after this: what arrived and what was lost add up */
	session_detach(s);
	n = session_poll_events(s, 0);
	if (n < 0 && !status) {
		errorf("cannot read the events' ring buffer: %s", strerror(-n));
		status = 1;
	}
	if (session_read(s, &snap))
		return 1;
	dropped = snap.drops[IPC_DROP_TRACE];
	counted = events_counted(&snap, o->trace_kinds);
	shown = t->use_json ? t->json.events : t->text.events;
	events = shown + (t->use_json ? t->json.hidden : t->text.hidden);
	if (t->use_json)
		event_print_summary(&t->json, dropped, counted);
	if (t->use_text)
		fflush(t->text.out);
	if (t->use_json)
		fflush(t->json.out);
	if (trace_out_failed(t)) {
		/* a reader that went away (| head) is not an error */
		if (errno != EPIPE) {
			errorf("cannot write the events: %s", strerror(errno));
			status = 1;
			unwritten = unwritten_note(t, note, sizeof(note));
		}
	}
	trace_summary_text(stderr, events, shown, dropped, counted, o->buffer_kb, unwritten);
	for (int i = 0; i < IPC_DROP_MAX; i++)
		if (i != IPC_DROP_TRACE && snap.drops[i])
			errorf("warning: %" PRIu64 " updates lost (%s)", snap.drops[i],
			       ipc_drop_why(i));
	/* lost to a full ring buffer, or never made: a run the kernel skipped */
	if (!status && (dropped || snap.drops[IPC_DROP_SKIPPED_RUNS]) && o->fail_on_drop)
		status = EXIT_EVENTS_LOST;
	snapshot_free(&snap);
	return status;
}

int cmd_trace(int argc, char **argv)
{
	static char stdout_buf[1 << 20];
	struct session_config cfg = { 0 };
	struct trace_out tout = { 0 };
	struct outfile json = { 0 };
	struct record_opts o;
	struct tracing t;
	struct stat st;
	bool pipe_blocked = false;
	sigset_t pipe_set;
	int status, ret = 1;

	status = tracing_begin(&t, &o, CMD_TRACE, argc, argv, trace_usage);
	if (status >= 0)
		return status;
	/* made (as a temporary file beside it) before anything runs, put in
	   place only at the end, if all went well */
	if (o.json_path && outfile_open(&json, o.json_path, "JSON", o.force))
		return 1;
	/* events come by the million: write them in big blocks (to a pipe,
	   a block per batch the kernel hands us: trace_loop) */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, stdout_buf, _IOFBF, sizeof(stdout_buf));
	tout.stream = !fstat(STDOUT_FILENO, &st) &&
		      (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
	tout.use_json = json.f != NULL;
	tout.json_file = &json;
	tout.use_text = !json.f || !outfile_is_stdout(&json);
	if ((tout.use_text && event_printer_init(&tout.text, stdout, false, 0,
						 session_obj_names, NULL)) ||
	    (tout.use_json && event_printer_init(&tout.json, json.f, true, 0,
						 session_obj_names, NULL))) {
		errorf("out of memory");
		goto out;
	}
	cfg.on_event = on_event;
	cfg.event_ctx = &tout;
	cfg.trace_kinds = o.trace_kinds;
	cfg.buffer_kb = o.buffer_kb;
	if (tracing_start(&t, &cfg))
		goto out;
	/* a reader that goes away (| head) is a write error, then a clean
	   stop (blocked after the command started: it keeps the default) */
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe_set, NULL);
	pipe_blocked = true;
	tout.text.lookup_ctx = tout.json.lookup_ctx = t.s;
	/* times count from here; the probes attached first may have sent a
	   few events already, with negative times */
	tout.text.start_ns = tout.json.start_ns = t.start_ns;
	if (o.wall_clock) {
		event_printer_wall_clock(&tout.text);
		event_printer_wall_clock(&tout.json);
	}
	tout.failed_only = o.failed_only;
	tout.min_latency_ns = o.min_latency_ns;
	ret = trace_loop(&t, &tout);
out:
	/* events lost (--fail-on-drop) is a result to keep, not an error */
	if ((ret == 0 || ret == EXIT_EVENTS_LOST) && outfile_commit(&json))
		ret = 1;
	outfile_abort(&json);	/* not committed: an earlier file stays */
	if (pipe_blocked) {
		/* a SIGPIPE that came while it was blocked must not kill us
		   when tracing_end restores the mask */
		struct timespec zero = { 0, 0 };

		while (sigtimedwait(&pipe_set, NULL, &zero) == SIGPIPE)
			;
	}
	tracing_end(&t);
	event_printer_free(&tout.text);
	event_printer_free(&tout.json);
	return ret;
}
