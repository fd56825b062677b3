// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * explain.c - `ipcscope explain MECH`: runs the bundled workload that moves
 * one message through MECH, traced with the explain programs (every
 * syscall, wakeup and switch of its two processes, the page faults, the
 * signals and the packets, and its own marks around the transfer), then
 * tells what the kernel did, step by step (story.c, render.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "claims.h"
#include "commands.h"
#include "events.h"
#include "explain.h"
#include "options.h"
#include "outfile.h"
#include "runner.h"
#include "session.h"
#include "snapshot.h"
#include "usdt.h"
#include "util.h"
#include "validate/wjson.h"

static const char explain_usage[] =
"Usage: ipcscope explain MECHANISM [--size BYTES] [--same-cpu | --cross-cpu]\n"
"                        [--lang en|zh] [--json FILE] [--markdown FILE]\n"
"                        [--svg FILE] [--force] [-v]\n"
"\n"
"Show one message's life through the kernel, observed live: ipcscope runs a\n"
"bundled workload that moves one message through MECHANISM between two\n"
"processes, watches it with its BPF programs and the scheduler's\n"
"tracepoints, and prints what the kernel did as numbered, timed steps: each\n"
"syscall entered and returned, the bytes each one copied between user and\n"
"kernel memory, the receiver woken (by whom, on which CPU, and how long it\n"
"waited to run), the context switches, and for shared memory the page\n"
"faults, for a signal its generation and delivery, for TCP and UDP the\n"
"packet through the loopback device and the NET_RX softirq. Under each step\n"
"a line says what the kernel did there and why it costs what it costs. A\n"
"summary counts the syscalls (each two mode switches), the copies, the\n"
"wakeups and the time waiting to run, and quotes what the reference\n"
"document claims for the mechanism ('ipcscope validate' checks those\n"
"claims by measurement).\n"
"\n"
"Times count from the workload's own mark at the start of its transfer\n"
"(the USDT probe ipcscope:transfer_start) to its end mark: a syscall that\n"
"began before the start (a receiver already waiting) has a negative time.\n"
"\n"
"Mechanisms:\n"
"  pipe      an anonymous pipe: write() and read()\n"
"  fifo      a named pipe\n"
"  msgq      a System V message queue: msgsnd() and msgrcv()\n"
"  posix-mq  a POSIX message queue: mq_send() and mq_receive()\n"
"  shm       System V shared memory: stores and loads, page faults\n"
"  signal    a signal sent with kill() and handled (no --size)\n"
"  unix      a Unix stream socket: send() and recv()\n"
"  tcp       TCP over loopback\n"
"  udp       UDP over loopback\n"
"\n"
"Options:\n"
"      --size BYTES  the message's size (default 4096; a queue's message at\n"
"                    most 8192, a UDP datagram 65507)\n"
"      --same-cpu    both processes on one CPU: the receiver runs only when\n"
"                    the sender gives up the CPU\n"
"      --cross-cpu   on two CPUs (the default where there are two): the\n"
"                    wakeup crosses between CPUs\n"
"      --lang en|zh  the language of the lesson: English (default), or\n"
"                    Chinese, the reference document's\n"
"      --json FILE   also write the steps and the summary as JSON ('-':\n"
"                    to stdout instead of the text)\n"
"      --markdown FILE\n"
"                    also write the lesson as Markdown: the steps in a table,\n"
"                    the picture inline ('-': to stdout instead of the text)\n"
"      --svg FILE    also draw it: a lane per process and one for the\n"
"                    kernel, on a time axis; user and kernel time, asleep and\n"
"                    waiting to run shaded; arrows for copies and wakeups\n"
"                    ('-': to stdout instead of the text)\n"
"                    Each FILE is written whole or not at all: a run that\n"
"                    fails leaves an earlier one as it was.\n"
"      --force       write over a FILE that is a symbolic link (the link is\n"
"                    replaced, never followed)\n"
"  -v, --verbose     print libbpf's messages and what was attached\n"
"  -h, --help        show this help\n"
"\n"
"It needs root (or CAP_BPF and CAP_PERFMON), BTF, and uprobes for the\n"
"workload's marks (without them the story is every event of the run).\n"
"A signal's workload is not pinned: its two processes run where the\n"
"scheduler puts them.\n"
"\n"
"Exit status: 0; 1 on an error (the workload failed, events were lost);\n"
"2 on a bad command line.\n"
"\n"
"Examples:\n"
"  ipcscope explain pipe\n"
"  ipcscope explain tcp --size 100 --same-cpu\n"
"  ipcscope explain shm --json shm.json\n";

struct explain_opts {
	enum explain_mech mech;
	uint64_t size;
	int placement;		/* 0 default, 1 same CPU, 2 across CPUs */
	const char *json_path, *md_path, *svg_path;
	enum explain_lang lang;
	bool force;
};

/* -1 to go on, or the exit status */
static int parse_options(int argc, char **argv, struct explain_opts *o)
{
	static const struct option longopts[] = {
		{ "size", required_argument, NULL, 's' },
		{ "same-cpu", no_argument, NULL, '1' },
		{ "cross-cpu", no_argument, NULL, '2' },
		{ "json", required_argument, NULL, 'J' },
		{ "markdown", required_argument, NULL, 'M' },
		{ "svg", required_argument, NULL, 'S' },
		{ "lang", required_argument, NULL, 'L' },
		{ "force", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *size = NULL;
	int opt, m;

	memset(o, 0, sizeof(*o));
	o->size = 4096;
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":vh", longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			size = optarg;
			break;
		case '1':
		case '2':
			if (o->placement && o->placement != opt - '0') {
				errorf("--same-cpu and --cross-cpu exclude each other");
				return 2;
			}
			o->placement = opt - '0';
			break;
		case 'J':
			o->json_path = optarg;
			break;
		case 'M':
			o->md_path = optarg;
			break;
		case 'S':
			o->svg_path = optarg;
			break;
		case 'L':
			if (!strcmp(optarg, "en") || !strcmp(optarg, "zh")) {
				o->lang = !strcmp(optarg, "zh") ? EXPLAIN_ZH : EXPLAIN_EN;
				break;
			}
			errorf("--lang: en or zh");
			return 2;
		case 'f':
			o->force = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			fputs(explain_usage, stdout);
			return 0;
		default:
			return option_error(argv, opt, "explain");
		}
	}
	if (optind >= argc) {
		errorf("which mechanism? pipe, fifo, msgq, posix-mq, shm, signal, unix, "
		       "tcp or udp (see 'ipcscope explain --help')");
		return 2;
	}
	m = explain_mech_find(argv[optind]);
	if (m < 0) {
		char name[64];

		text_clean(name, sizeof(name), argv[optind], strlen(argv[optind]));
		errorf("unknown mechanism '%s': pipe, fifo, msgq, posix-mq, shm, signal, "
		       "unix, tcp or udp", name);
		return 2;
	}
	if (optind + 1 < argc) {
		errorf("unexpected argument '%s' (see 'ipcscope explain --help')",
		       argv[optind + 1]);
		return 2;
	}
	if (outputs_one_stdout((const char *const[]){ o->json_path, o->md_path, o->svg_path },
			       3))
		return 2;
	o->mech = m;
	if (size) {
		if (!explain_mechs[m].sized) {
			errorf("--size: a %s carries no payload", explain_mechs[m].name);
			return 2;
		}
		if (parse_u64(size, 1, explain_mechs[m].max_size, &o->size)) {
			errorf("--size: a number of bytes from 1 to %" PRIu64 " for %s",
			       explain_mechs[m].max_size, explain_mechs[m].name);
			return 2;
		}
	}
	return -1;
}

/* The events, as they come */
struct collected {
	struct ipc_event *ev;	/* grown by grow_rows */
	size_t n;
	bool oom;
};

static int on_event(void *ctx, const struct ipc_event *e)
{
	struct collected *c = ctx;
	struct ipc_event *row = grow_rows((void **)&c->ev, &c->n, sizeof(*c->ev));

	if (row)
		*row = *e;
	else
		c->oom = true;
	return 0;
}

/* A claim's comparison and value, as the claims file writes them */
static void claimed(const struct claim *c, char *buf, size_t len)
{
	static const char *const ops[] = {
		[CMP_EQ] = "=", [CMP_LE] = "<=", [CMP_GE] = ">=", [CMP_LT] = "<",
		[CMP_GT] = ">", [CMP_APPROX] = "~",
	};

	if (c->type == CLAIM_BOOL)
		snprintf(buf, len, "%s", c->boolean ? "true" : "false");
	else if (c->type == CLAIM_NUMBER && c->cmp < CMP_APPROX)
		snprintf(buf, len, "%s %g", ops[c->cmp], c->number);
	else if (c->type == CLAIM_NUMBER && c->cmp == CMP_APPROX)
		snprintf(buf, len, "~ %g (%g%s)", c->number, c->tolerance,
			 c->tolerance_relative ? "%" : "");
	else if (c->type == CLAIM_NUMBER && c->cmp == CMP_ONE_OF && c->nlist == 2)
		snprintf(buf, len, "one of %g, %g", c->list[0], c->list[1]);
	else if (c->type == CLAIM_NUMBER && c->cmp == CMP_ONE_OF && c->nlist > 0)
		snprintf(buf, len, "one of %g, ...", c->list[0]);
	else if (c->type == CLAIM_RANKING)
		snprintf(buf, len, "a ranking");
	else
		buf[0] = '\0';
}

/* The claims the reference document makes of this mechanism, in its words */
static void find_claims(struct explain_run *r)
{
	static const char *const mech_of[EXPLAIN_NMECH] = {
		[EXPLAIN_PIPE] = "pipe", [EXPLAIN_FIFO] = "fifo", [EXPLAIN_MSGQ] = "msgq",
		[EXPLAIN_POSIX_MQ] = "msgq", [EXPLAIN_SHM] = "shm", [EXPLAIN_SIGNAL] = "signal",
		[EXPLAIN_UNIX] = "unix", [EXPLAIN_TCP] = "tcp", [EXPLAIN_UDP] = "udp",
	};
	char path[PATH_MAX], err[256];
	struct claim *claims = NULL;
	size_t n = 0;

	if (find_beside_exe(path, sizeof(path), (const char *const[]){
			"../claims/reference.claims",
			"../share/ipcscope/reference.claims", NULL }) ||
	    claims_load(path, &claims, &n, err, sizeof(err)))
		return;		/* the story stands without them */
	for (size_t i = 0; i < n && r->nclaims < ARRAY_SIZE(r->claims); i++) {
		const struct claim *c = &claims[i];
		struct explain_claim *e = &r->claims[r->nclaims];

		if (strcmp(c->mechanism, mech_of[r->mech]) &&
		    !(r->mech == EXPLAIN_FIFO && !strcmp(c->mechanism, "pipe")))
			continue;
		text_clean(e->id, sizeof(e->id), c->id, strlen(c->id));
		text_clean(e->metric, sizeof(e->metric), c->metric, strlen(c->metric));
		text_clean(e->text, sizeof(e->text), c->text, strlen(c->text));
		claimed(c, e->claimed, sizeof(e->claimed));
		r->nclaims++;
	}
	free(claims);
}

/* The workload's argv for one message of o->size bytes, its JSON to out */
static void workload_argv(const struct explain_opts *o, const struct explain_run *r,
			  char *exe, char *out, char cpus[32], char size[32], char *argv[24])
{
	const struct explain_mech_info *m = &explain_mechs[o->mech];
	int n = 0;

	argv[n++] = exe;
	for (int i = 0; m->args[i]; i++)
		argv[n++] = (char *)m->args[i];
	if (m->sized) {
		snprintf(size, 32, "%" PRIu64, o->size);
		argv[n++] = "--size";
		argv[n++] = size;
	}
	if (m->pins && r->cpus[0] >= 0) {
		snprintf(cpus, 32, "%d,%d", r->cpus[0], r->cpus[1]);
		argv[n++] = "--cpus";
		argv[n++] = cpus;
	}
	argv[n++] = "--out";
	argv[n++] = out;
	argv[n] = NULL;
}

/* Run the workload traced; its events into c. 0, or -1 (said) */
static int run_traced(const struct explain_opts *o, struct explain_run *r,
		      struct collected *c, const struct outfile out_files[3])
{
	const struct explain_mech_info *m = &explain_mechs[o->mech];
	char exe[PATH_MAX], out[PATH_MAX], dir[] = "/tmp/ipcscope-explain.XXXXXX";
	char cpus[32], size[32], *argv[24], err[256];
	struct usdt_phase phase;
	struct session_config cfg = { .self = getpid(), .cgroup_fd = -1,
				      .on_event = on_event, .event_ctx = c,
				      .trace_kinds = trace_kinds_all(), .buffer_kb = 8192,
				      .explain = true };
	struct child ch = { .exit_code = -1 };
	struct session *s = NULL;
	sigset_t block, orig;
	struct snapshot snap;
	int ret = -1;

	if (workload_path(m->workload, exe) || access(exe, X_OK)) {
		errorf("cannot find the workload %s (beside ipcscope in workloads/ or "
		       "../libexec/ipcscope/, or in $IPCSCOPE_WORKLOADS)", m->workload);
		return -1;
	}
	if (!mkdtemp(dir)) {
		errorf("cannot make a temporary directory: %s", strerror(errno));
		return -1;
	}
	snprintf(out, sizeof(out), "%s/out.json", dir);
	/* Ctrl-C: the workload cleans up, our temporaries go */
	catch_stop_signals(dir, (const char *const[]){ out_files[0].tmp, out_files[1].tmp,
						       out_files[2].tmp }, 3);
	stop_signals_file(out);
	workload_argv(o, r, exe, out, cpus, size, argv);
	phase = (struct usdt_phase){ .path = exe, .provider = "ipcscope",
				     .start = "transfer_start", .end = "transfer_end" };
	cfg.phases = &phase;
	cfg.nphases = 1;
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &orig);
	if (session_open(&s, &cfg))
		goto out;
	if (start_command(argv, &orig, &ch))
		goto out;
	stop_signals_child(ch.pid);
	while (ch.running) {
		int n = session_poll_events(s, 10);

		if (n < 0 && n != -EINTR) {
			errorf("cannot read the events' ring buffer: %s", strerror(-n));
			break;
		}
		reap(&ch, WNOHANG);
	}
	stop_tree(&ch);
	stop_signals_child(0);
	session_detach(s);
	if (session_poll_events(s, 0) < 0 || session_read(s, &snap)) {
		errorf("cannot read what the kernel saw");
		goto out;
	}
	r->lost = snap.drops[IPC_DROP_TRACE];
	r->skipped = snap.drops[IPC_DROP_SKIPPED_RUNS];
	snapshot_free(&snap);
	if (ch.signal)
		errorf("the workload %s was killed by signal %d", m->workload, ch.signal);
	else if (ch.exit_code != 0)
		errorf("the workload %s exited with status %d", m->workload, ch.exit_code);
	else if (c->oom)
		errorf("out of memory for the events");
	else if (!(r->workload = wjson_load(out, err, sizeof(err))))
		errorf("the workload's own figures: %s", err);
	else
		ret = 0;
out:
	session_close(s);
	sigprocmask(SIG_SETMASK, &orig, NULL);
	unlink(out);
	rmdir(dir);
	return ret;
}

static void set_cpus(const struct explain_opts *o, struct explain_run *r)
{
	placement_cpus(r->cpus);
	if (!explain_mechs[o->mech].pins) {
		r->cpus[0] = r->cpus[1] = -1;
		return;
	}
	if (o->placement == 1 || r->cpus[1] < 0)
		r->cpus[1] = r->cpus[0];
}

/* An output's writer */
typedef void (*write_fn)(FILE *f, const struct explain_story *st, const struct explain_run *r);

int cmd_explain(int argc, char **argv)
{
	static const char *const what[3] = { "JSON", "Markdown", "SVG" };
	static const write_fn writers[3] = { explain_json, explain_markdown, explain_svg };
	struct explain_opts o;
	struct explain_run r = { 0 };
	struct explain_story st = { 0 };
	struct collected c = { 0 };
	struct outfile out[3] = { 0 };
	const char *paths[3];
	bool to_stdout = false;
	struct utsname u;
	int ret = parse_options(argc, argv, &o);

	if (ret >= 0)
		return ret;
	paths[0] = o.json_path;
	paths[1] = o.md_path;
	paths[2] = o.svg_path;
	r.mech = o.mech;
	r.lang = o.lang;
	r.size = o.size;
	set_cpus(&o, &r);
	if (o.placement == 2 && r.cpus[0] >= 0 && r.cpus[0] == r.cpus[1]) {
		errorf("--cross-cpu: this process may run on one CPU only");
		return 1;
	}
	if (!have_bpf_caps()) {
		errorf("explaining needs root (or CAP_BPF and CAP_PERFMON): run it with sudo");
		return 1;
	}
	if (!uname(&u))
		text_clean(r.kernel, sizeof(r.kernel), u.release, strlen(u.release));
	find_claims(&r);
	/* a bad path fails before anything runs; an earlier file stays until
	   this one is whole */
	ret = 1;
	for (int i = 0; i < 3; i++) {
		if (paths[i] && outfile_open(&out[i], paths[i], what[i], o.force))
			goto out;
		to_stdout |= out[i].f && outfile_is_stdout(&out[i]);
	}
	if (run_traced(&o, &r, &c, out))
		goto out;
	if (explain_build(&st, c.ev, c.n)) {
		errorf("out of memory");
		goto out;
	}
	if (!to_stdout) {
		explain_text(stdout, &st, &r);
		if (fflush(stdout) || ferror(stdout)) {
			errorf("cannot write the story: %s", strerror(errno));
			goto out;
		}
	}
	for (int i = 0; i < 3; i++) {
		if (!out[i].f)
			continue;
		writers[i](out[i].f, &st, &r);
		if (outfile_commit(&out[i]))
			goto out;
	}
	if (r.lost || r.skipped) {
		errorf("%" PRIu64 " events lost, %" PRIu64 " program runs skipped: the story "
		       "has gaps", r.lost, r.skipped);
		goto out;
	}
	if (!st.marked)
		errorf("warning: the workload's marks were not seen (uprobes?): the story "
		       "is the whole run");
	ret = 0;
out:
	for (int i = 0; i < 3; i++)
		outfile_abort(&out[i]);	/* not committed: an earlier file stays */
	explain_free(&st);
	wjson_free((struct wjson *)r.workload);
	free(c.ev);
	return ret;
}
