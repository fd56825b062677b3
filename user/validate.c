// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * validate.c - `ipcscope validate`: check a document's claims about IPC by
 * measurement. The claims come from a data file (claims/reference.claims,
 * format in docs/claims-format.md); each is matched to an experiment (a
 * bundled workload run under tracing), measured, and given a verdict.
 *
 * This version measures what one traced run shows exactly: copies per
 * byte, syscalls, mode switches, page faults and context switches to move
 * 1 MiB, lost updates with and without a semaphore, merged signals, data
 * carried by signals, selective receive, pipe capacity and blocking,
 * message boundaries, a pipe's direction: each from the syscalls the
 * kernel saw. Times to move 1 MiB are medians of untraced runs pinned to
 * one CPU, which the workloads time themselves.
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
#include <sched.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "claims.h"
#include "commands.h"
#include "json.h"
#include "outfile.h"
#include "runner.h"
#include "session.h"
#include "table.h"
#include "util.h"
#include "validate/wjson.h"

#define MIB 1048576

#define MAX_RUNS 16

/* Times of repeated runs, in ms. */
struct timing {
	int n;
	double ms[MAX_RUNS];
};

/* An experiment: a workload, its arguments, and what it left behind. */
struct experiment {
	const char *name;
	const char *workload;
	bool timed;			/* moves 1 MiB: also timed, untraced and traced */
	const char *args[12];		/* NULL-terminated */
	const char *quick_args[12];	/* with --quick, if different */
	/*
	 * Something that can happen, not must (a race losing updates): run
	 * until this number in the workload's JSON is above 0, up to
	 * UNTIL_SEEN_TRIALS times, each trial's --count four times the last's
	 * (a race needs the two processes to overlap: a short loop can end
	 * within one time slice, as in qemu's TCG, where a vCPU runs for
	 * 100 ms at a time)
	 */
	const char *until_seen;
	/* results */
	bool ran;
	int trials;			/* until_seen: how many it took */
	char error[256];
	struct snapshot snap;		/* the traced run's maps */
	struct wjson *out;		/* the workload's own JSON */
	struct timing untraced, traced;	/* timed experiments, both on CPU 0 */
};

#define EXP(n, w, ...) { .name = n, .workload = w, .args = { __VA_ARGS__ } }
#define TIMED(n, w, ...) { .name = n, .workload = w, .timed = true, \
			   .args = { __VA_ARGS__ } }
/* The 1 MiB ones in the order of the reference document's table. */
static struct experiment experiments[] = {
	TIMED("shm-1mib", "shm", "--api", "sysv", "--size", "1048576"),
	TIMED("unix-1mib", "sock", "--type", "unix-stream", "--size", "1048576",
	      "--count", "1"),
	TIMED("pipe-1mib", "pipe", "--size", "1048576", "--count", "1"),
	TIMED("msgq-1mib", "msgq", "--size", "8192", "--count", "128"),
	TIMED("tcp-1mib", "sock", "--type", "tcp", "--size", "1048576", "--count", "1"),
	{ .name = "race", .workload = "sem",
	  .args = { "--mode", "race", "--count", "200000" },
	  .quick_args = { "--mode", "race", "--count", "50000" },
	  .until_seen = "counter.lost_updates" },
	{ .name = "semaphore", .workload = "sem",
	  .args = { "--mode", "sysv", "--count", "20000" },
	  .quick_args = { "--mode", "sysv", "--count", "2000" } },
	EXP("signal-burst", "signal", "--mode", "burst", "--count", "1000"),
	EXP("signal-rt", "signal", "--mode", "rt", "--count", "100"),
	{ .name = "signal-pingpong", .workload = "signal",
	  .args = { "--mode", "pingpong", "--count", "1000" },
	  .quick_args = { "--mode", "pingpong", "--count", "200" } },
	EXP("msgq-bytype", "msgq", "--receive", "bytype", "--types", "5",
	    "--count", "500"),
	EXP("pipe-capacity", "props", "--prop", "pipe-capacity"),
	EXP("pipe-blocking", "props", "--prop", "pipe-blocking"),
	EXP("pipe-boundaries", "props", "--prop", "pipe-boundaries"),
	EXP("msgq-boundaries", "props", "--prop", "msgq-boundaries"),
	EXP("pipe-direction", "props", "--prop", "pipe-direction"),
	EXP("msgq-direction", "props", "--prop", "msgq-direction"),
};

#define NEXP (sizeof(experiments) / sizeof(experiments[0]))

static struct experiment *experiment(const char *name)
{
	for (size_t i = 0; i < NEXP; i++)
		if (!strcmp(experiments[i].name, name))
			return &experiments[i];
	return NULL;
}

static const char validate_usage[] =
"Usage: ipcscope validate [OPTIONS]\n"
"\n"
"Check a document's claims about IPC by measurement: each claim in the\n"
"claims file is matched to a bundled workload, run under tracing, and gets\n"
"a verdict: holds, does not hold, holds in part, or not checked (with the\n"
"reason). Prints the 1 MiB comparison per mechanism, then one row per claim.\n"
"\n"
"Options:\n"
"      --claims FILE    the claims to check (default: claims/reference.claims\n"
"                       next to the ipcscope build, the reference document's)\n"
"      --json FILE      also write the results as JSON ('-': stdout only)\n"
"      --markdown FILE  also write a Markdown report ('-': stdout only)\n"
"                       (each file is written whole or not at all: into a\n"
"                       new file beside it, renamed over it at the end)\n"
"      --force          write over a FILE that is a symbolic link (the link\n"
"                       is replaced, never followed; refused without it)\n"
"      --quick          3 timed runs instead of 7 and smaller counts, for a\n"
"                       first look and CI (a few seconds)\n"
"  -v, --verbose        say what runs\n"
"  -h, --help           show this help\n"
"\n"
"Measured per claim from one traced run: copies per payload byte, syscalls,\n"
"user/kernel mode switches (2 per syscall and per page fault), page faults\n"
"and context switches to move 1 MiB, and per signal; updates lost with and\n"
"without a semaphore; standard signals merged while pending; data carried\n"
"by signals; receive by message type; pipe capacity and a writer blocking\n"
"on a full pipe; message boundaries on a pipe and a queue; the direction\n"
"of a pipe and of a queue.\n"
"Times to move 1 MiB: the workload times its own transfer, both processes\n"
"pinned to CPU 0. The time reported is the median of untraced runs (7, or\n"
"3 with --quick; half before the traced runs, half after); the tracing\n"
"overhead is the median of as many traced runs against it. The claimed\n"
"rankings are checked against the untraced medians.\n"
"Colours only on a terminal (and never with NO_COLOR set).\n";

/* <dir of /proc/self/exe>/rel, e.g. build/workloads/pipe */
static int beside_exe(char *buf, size_t len, const char *rel)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n < 0)
		return -errno;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return -ENOENT;
	*slash = '\0';
	if ((size_t)snprintf(buf, len, "%s/%s", exe, rel) >= len)
		return -ENAMETOOLONG;
	return 0;
}

#define MAX_ARGV 20

/* argv[] for an experiment's workload, its JSON going to out; -1 if the
 * workloads are not found next to ipcscope. exe holds argv[0]. */
static int workload_argv(const struct experiment *e, const char *const *args,
			 char *out, char exe[PATH_MAX], char *argv[MAX_ARGV])
{
	int n = 0;

	if (beside_exe(exe, PATH_MAX, "workloads/") ||
	    strlen(exe) + strlen(e->workload) >= PATH_MAX)
		return -1;
	strcat(exe, e->workload);
	argv[n++] = exe;
	for (int i = 0; args[i] && n < MAX_ARGV - 3; i++)
		argv[n++] = (char *)args[i];
	argv[n++] = "--out";
	argv[n++] = out;
	argv[n] = NULL;
	return 0;
}

/*
 * Interrupted (Ctrl-C, SIGTERM, SIGHUP): the running workload gets SIGTERM
 * and cleans up its IPC objects, our temporary files go, and we exit; the
 * BPF links close with us. Only async-signal-safe calls.
 */
static volatile pid_t g_child;
static char g_out[PATH_MAX], g_tmpdir[PATH_MAX];
static char g_out_tmp[2][PATH_MAX];	/* --json's and --markdown's, unfinished */

static void on_stop_signal(int sig)
{
	pid_t pid = g_child;

	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
	if (g_out[0])
		unlink(g_out);
	if (g_tmpdir[0])
		rmdir(g_tmpdir);
	for (int i = 0; i < 2; i++)
		if (g_out_tmp[i][0])
			unlink(g_out_tmp[i]);
	_exit(128 + sig);
}

static void catch_stop_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };

	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaddset(&sa.sa_mask, SIGHUP);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/*
 * Run an experiment's workload once, to completion: traced when s is given
 * (the child becomes a target before it execs), untraced when it is NULL.
 * Its own JSON goes to *doc; -1 with e->error set when it failed.
 */
static int run_workload(struct experiment *e, const char *const *args,
			struct session *s, const char *tmpdir,
			const sigset_t *orig_mask, struct wjson **doc)
{
	char exe[PATH_MAX], out[PATH_MAX], err[256];
	char *argv[MAX_ARGV];
	struct child c = { .exit_code = -1 };

	*doc = NULL;
	snprintf(out, sizeof(out), "%s/%s.json", tmpdir, e->name);
	memcpy(g_out, out, sizeof(g_out));
	if (workload_argv(e, args, out, exe, argv)) {
		snprintf(e->error, sizeof(e->error), "cannot find the workloads");
		return -1;
	}
	debugf("validate: %s %s:", s ? "tracing" : "timing", e->name);
	for (int i = 0; argv[i]; i++)
		debugf(" %s", argv[i]);
	debugf("\n");
	if (start_command(s, argv, orig_mask, &c)) {
		snprintf(e->error, sizeof(e->error), "cannot run %.200s", exe);
		return -1;
	}
	g_child = c.pid;
	reap(&c, 0);
	g_child = 0;
	if (c.signal)
		snprintf(e->error, sizeof(e->error), "%s was killed by signal %d",
			 e->workload, c.signal);
	else if (c.exit_code != 0)
		snprintf(e->error, sizeof(e->error), "%s exited with status %d",
			 e->workload, c.exit_code);
	else if (!(*doc = wjson_load(out, err, sizeof(err))))
		snprintf(e->error, sizeof(e->error), "%s", err);
	unlink(out);
	return *doc ? 0 : -1;
}

#define UNTIL_SEEN_TRIALS 6

/* The experiment's traced run, alone in the session's emptied maps. */
static void run_traced_once(struct experiment *e, const char *const *args,
			    struct session *s, const char *tmpdir,
			    const sigset_t *orig_mask)
{
	if (session_reset(s)) {
		snprintf(e->error, sizeof(e->error), "cannot clear the BPF maps");
		return;
	}
	if (run_workload(e, args, s, tmpdir, orig_mask, &e->out))
		return;
	if (session_read(s, &e->snap)) {
		snprintf(e->error, sizeof(e->error), "cannot read the BPF maps");
		wjson_free(e->out);
		e->out = NULL;
		return;
	}
	e->ran = true;
}

/*
 * The experiment's traced run; for one that looks for something that can
 * happen (until_seen), trials until it is seen, each four times longer.
 */
static void run_traced(struct experiment *e, bool quick, struct session *s,
		       const char *tmpdir, const sigset_t *orig_mask)
{
	const char *const *base = quick && e->quick_args[0] ? e->quick_args : e->args;
	const char *args[ARRAY_SIZE(e->args)];
	char count[32];
	uint64_t n = 0, seen = 0;
	size_t i, at = 0;

	for (i = 0; i + 1 < ARRAY_SIZE(args) && base[i]; i++) {
		args[i] = base[i];
		if (!strcmp(base[i], "--count") && base[i + 1])
			at = i + 1;
	}
	args[i] = NULL;
	if (!e->until_seen || !at || parse_u64(base[at], 1, UINT64_MAX >> 16, &n)) {
		run_traced_once(e, base, s, tmpdir, orig_mask);
		return;
	}
	for (e->trials = 1;; e->trials++) {
		snprintf(count, sizeof(count), "%" PRIu64, n);
		args[at] = count;
		run_traced_once(e, args, s, tmpdir, orig_mask);
		if (!e->ran || (!wjson_u64(e->out, e->until_seen, &seen) && seen) ||
		    e->trials == UNTIL_SEEN_TRIALS)
			return;
		snapshot_free(&e->snap);
		wjson_free(e->out);
		e->out = NULL;
		e->ran = false;
		n *= 4;
	}
}

/* Pin the calling process (and so its children) to CPU 0, saving its mask. */
static void pin_cpu0(cpu_set_t *saved)
{
	cpu_set_t cpus;

	sched_getaffinity(0, sizeof(*saved), saved);
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
}

static void timing_add(struct timing *t, const struct wjson *doc)
{
	uint64_t ns;

	if (t->n < MAX_RUNS && !wjson_u64(doc, "elapsed_ns", &ns))
		t->ms[t->n++] = ns / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct stats {
	int runs;
	double median, min, max;
};

/* Median, min and max of the runs; runs = 0 when there were none. */
static struct stats timing_stats(const struct timing *t)
{
	struct stats st = { .runs = t->n };
	double ms[MAX_RUNS];
	int n = t->n;

	if (!n)
		return st;
	memcpy(ms, t->ms, n * sizeof(ms[0]));
	qsort(ms, n, sizeof(ms[0]), cmp_double);
	st.median = n % 2 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
	st.min = ms[0];
	st.max = ms[n - 1];
	return st;
}

/*
 * Timed runs of a 1 MiB experiment, traced or not, with both processes
 * pinned to CPU 0 by the caller: where the two ends run matters more than
 * anything else (see ../shared/PLATFORM.md), so it is fixed and stated.
 * The workload times its own transfer (elapsed_ns).
 */
static void time_runs(struct experiment *e, struct timing *t, int runs,
		      struct session *s, const char *tmpdir,
		      const sigset_t *orig_mask)
{
	for (int r = 0; r < runs; r++) {
		struct wjson *doc;

		if (run_workload(e, e->args, s, tmpdir, orig_mask, &doc))
			continue;
		timing_add(t, doc);
		wjson_free(doc);
	}
}

/* Which kinds a claim's mechanism name covers. */
static bool kind_in(uint32_t kind, const char *mech)
{
	if (!strcmp(mech, "pipe"))
		return kind == IPC_KIND_PIPE || kind == IPC_KIND_FIFO;
	if (!strcmp(mech, "msgq"))
		return kind == IPC_KIND_SYSV_MSQ || kind == IPC_KIND_POSIX_MQ;
	if (!strcmp(mech, "shm"))
		return ipc_kind_mech(kind) == IPC_MECH_SHM;
	if (!strcmp(mech, "unix"))
		return kind >= IPC_KIND_UNIX_STREAM && kind <= IPC_KIND_UNIX_SEQPACKET;
	if (!strcmp(mech, "tcp"))
		return kind == IPC_KIND_TCP;
	return false;
}

/* The experiment that moves 1 MiB through a mechanism. */
static struct experiment *mib_experiment(const char *mech)
{
	char name[32];

	snprintf(name, sizeof(name), "%s-1mib", mech);
	return experiment(name);
}

/*
 * The shared memory the workload measures: in the shm experiment the SysV
 * segment (its other shared mapping is the workload's own bookkeeping).
 */
static bool counts_for(const struct experiment *e, const struct ipc_obj_key *k,
		       const char *mech)
{
	uint64_t id;

	if (!kind_in(k->kind, mech))
		return false;
	if (!strcmp(mech, "shm") && !wjson_u64(e->out, "segment.id", &id))
		return k->kind == IPC_KIND_SYSV_SHM && k->ino == id;
	return true;
}

static uint64_t ipc_syscalls(const struct experiment *e, const char *mech)
{
	uint64_t n = 0;

	for (uint32_t slot = 0; slot < IPC_OP_SLOTS; slot++)
		if (kind_in(slot / IPC_OP_MAX, mech))
			n += e->snap.ops[slot].calls;
	return n;
}

static uint64_t ipc_faults(const struct experiment *e, const char *mech)
{
	uint64_t n = 0;

	for (size_t i = 0; i < e->snap.nobjs; i++)
		if (counts_for(e, &e->snap.objs[i].key, mech))
			n += e->snap.objs[i].st.page_faults;
	return n;
}

/* Bytes copied between user and kernel memory per byte of the 1 MiB moved. */
static double copies_per_byte(const struct experiment *e, const char *mech,
			      struct ipc_copies *cp)
{
	snapshot_copies(&e->snap, ipc_kind_mech(
		!strcmp(mech, "pipe") ? IPC_KIND_PIPE :
		!strcmp(mech, "msgq") ? IPC_KIND_SYSV_MSQ :
		!strcmp(mech, "shm") ? IPC_KIND_SYSV_SHM :
		!strcmp(mech, "unix") ? IPC_KIND_UNIX_STREAM : IPC_KIND_TCP), cp);
	/* shared memory: what crossed, per byte of the segment */
	return (double)(cp->user_to_kernel + cp->kernel_to_user) /
	       (cp->payload ? cp->payload : MIB);
}

static uint64_t errno_count(const struct experiment *e, uint32_t slot, int err)
{
	for (size_t i = 0; i < e->snap.nerrs; i++)
		if (e->snap.errs[i].key.slot == slot && e->snap.errs[i].key.err == err)
			return e->snap.errs[i].count;
	return 0;
}

/* Lower bound of the slowest call's log2 latency slot, in ns. */
static uint64_t slowest_call_ns(const struct ipc_op_stats *st)
{
	for (int i = IPC_HIST_SLOTS - 1; i >= 0; i--)
		if (st->lat_slots[i])
			return i ? 1ULL << i : 0;
	return 0;
}

static uint64_t context_switches(const struct experiment *e)
{
	uint64_t n = 0;

	for (size_t i = 0; i < e->snap.nprocs; i++)
		n += e->snap.procs[i].p.vol_switches + e->snap.procs[i].p.invol_switches;
	return n;
}

/* What one signal costs, from the kernel's counts of the ping-pong run. */
struct signal_cost {
	uint64_t handled;		/* SIGUSR1 delivered to a handler */
	double kill, wait, sigreturn;	/* those syscalls per signal */
	double syscalls, switches;	/* their sum; context switches */
};

static bool signal_cost(const struct experiment *e, struct signal_cost *sc)
{
	const uint64_t *nr = e->snap.sys_counts;
	double n;

	memset(sc, 0, sizeof(*sc));
	for (size_t i = 0; i < e->snap.nsigs; i++)
		if (e->snap.sigs[i].key.sig == SIGUSR1 &&
		    e->snap.sigs[i].key.event == IPC_SIG_HANDLED)
			sc->handled += e->snap.sigs[i].count;
	if (!sc->handled)
		return false;
	n = sc->handled;
	sc->kill = nr[SYS_kill] / n;
	sc->wait = nr[SYS_rt_sigsuspend] / n;
	sc->sigreturn = nr[SYS_rt_sigreturn] / n;
	sc->syscalls = sc->kill + sc->wait + sc->sigreturn;
	sc->switches = context_switches(e) / n;
	return true;
}

/* V_INCONCLUSIVE: something that can happen was not seen in every trial
   asked; that does not show it cannot */
enum verdict { V_HOLDS, V_FAILS, V_PARTLY, V_UNCHECKED, V_INCONCLUSIVE, V_MAX };

static const char *const verdict_names[] = {
	[V_HOLDS] = "holds",
	[V_FAILS] = "does not hold",
	[V_PARTLY] = "holds in part",
	[V_UNCHECKED] = "not checked",
	[V_INCONCLUSIVE] = "inconclusive",
};

struct result {
	enum verdict verdict;
	bool has_number, has_bool;
	double number;
	bool boolean;
	char how[384];		/* what was measured, or why it was not */
	const char *experiment;
};

static void unchecked(struct result *r, const char *why)
{
	r->verdict = V_UNCHECKED;
	snprintf(r->how, sizeof(r->how), "%s", why);
}

/* Measure a number metric; false (with r->how) if this version cannot. */
static bool measure_number(const struct claim *c, struct result *r)
{
	const char *m = c->metric;
	struct experiment *e = NULL;
	uint64_t u, total = 0;

	if (!strcmp(m, "lost_updates_unsynchronised") ||
	    !strcmp(m, "lost_updates_with_semaphore")) {
		e = experiment(m[13] == 'u' ? "race" : "semaphore");
		if (!e->ran || wjson_u64(e->out, "counter.lost_updates", &u) ||
		    wjson_u64(e->out, "counter.expected", &total))
			goto failed;
		r->number = u;
		if (e->trials && !u) {
			/* a race that did not happen does not show it cannot
			   (under qemu's TCG a load and a store in one
			   translated block are never interleaved) */
			r->verdict = V_INCONCLUSIVE;
			snprintf(r->how, sizeof(r->how), "counter++ by 2 processes, "
				 "unpinned: no update lost in %d trials (the last of %"
				 PRIu64 " updates): not seen, which does not show it "
				 "cannot happen", e->trials, total);
		} else if (e->trials)
			snprintf(r->how, sizeof(r->how), "counter++ by 2 processes, "
				 "unpinned: %" PRIu64 " of %" PRIu64 " updates lost in "
				 "trial %d (up to %d, each 4x longer, until seen)", u,
				 total, e->trials, UNTIL_SEEN_TRIALS);
		else
			snprintf(r->how, sizeof(r->how), "counter++ by 2 processes: %"
				 PRIu64 " of %" PRIu64 " updates lost", u, total);
	} else if (!strcmp(m, "signals_lost")) {
		e = experiment("signal-burst");
		if (!e->ran)
			goto failed;
		r->number = 0;
		for (size_t i = 0; i < e->snap.nsigs; i++)
			if (e->snap.sigs[i].key.sig == 10 &&
			    e->snap.sigs[i].key.event == IPC_SIG_ALREADY_PENDING)
				r->number += e->snap.sigs[i].count;
		snprintf(r->how, sizeof(r->how), "1000 SIGUSR1 sent while blocked: %.0f "
			 "merged into the pending one (the kernel's already_pending)",
			 r->number);
	} else if (!strcmp(m, "bytes_carried")) {
		bool in_order = false;

		e = experiment("signal-rt");
		if (!e->ran || wjson_bool(e->out, "in_order", &in_order))
			goto failed;
		/* sigqueue's union sigval arrived intact: it carries 8 bytes */
		r->number = in_order ? sizeof(union sigval) : 0;
		snprintf(r->how, sizeof(r->how), "kill() carries only the number, but "
			 "sigqueue() delivered a %zu-byte value with each signal%s",
			 sizeof(union sigval), in_order ? " (checked in order)" : "");
		r->verdict = in_order ? V_PARTLY : V_HOLDS;
	} else if (!strcmp(m, "mode_switches_1mb") && !strcmp(c->mechanism, "signal")) {
		struct signal_cost sc;

		e = experiment("signal-pingpong");
		if (!e->ran || !signal_cost(e, &sc))
			goto failed;
		r->number = 2 * sc.syscalls;
		snprintf(r->how, sizeof(r->how), "per signal (%" PRIu64 " handled, sent by "
			 "kill() in a ping-pong): %.2f kill + %.2f rt_sigsuspend (the wait) + "
			 "%.2f rt_sigreturn (the handler's return) = %.2f syscalls, each "
			 "entering and leaving the kernel; %.2f context switches",
			 sc.handled, sc.kill, sc.wait, sc.sigreturn, sc.syscalls,
			 sc.switches);
	} else if (!strcmp(m, "copies_per_byte") || !strcmp(m, "syscalls_1mb") ||
		   !strcmp(m, "mode_switches_1mb") || !strcmp(m, "page_faults_1mb") ||
		   !strcmp(m, "context_switches_1mb")) {
		uint64_t calls, faults;

		e = mib_experiment(c->mechanism);
		if (!e) {
			unchecked(r, "no 1 MiB experiment for this mechanism yet");
			return false;
		}
		if (!e->ran)
			goto failed;
		calls = ipc_syscalls(e, c->mechanism);
		faults = ipc_faults(e, c->mechanism);
		if (!strcmp(m, "copies_per_byte")) {
			struct ipc_copies cp;

			r->number = copies_per_byte(e, c->mechanism, &cp);
			snprintf(r->how, sizeof(r->how), "%" PRIu64 " B user->kernel + %"
				 PRIu64 " B kernel->user for %u B of payload",
				 (uint64_t)cp.user_to_kernel, (uint64_t)cp.kernel_to_user,
				 MIB);
		} else if (!strcmp(m, "syscalls_1mb")) {
			r->number = calls;
			snprintf(r->how, sizeof(r->how), "%" PRIu64 " IPC syscalls to move 1 MiB", calls);
		} else if (!strcmp(m, "mode_switches_1mb")) {
			r->number = 2 * (calls + faults);
			snprintf(r->how, sizeof(r->how), "%" PRIu64 " syscalls + %" PRIu64
				 " page faults, each entering and leaving the kernel",
				 calls, faults);
		} else if (!strcmp(m, "page_faults_1mb")) {
			r->number = faults;
			snprintf(r->how, sizeof(r->how), "%" PRIu64 " page faults in the segment", faults);
		} else {
			r->number = context_switches(e);
			snprintf(r->how, sizeof(r->how), "%.0f context switches of the 2 processes "
				 "(whole run, start and exit included)", r->number);
		}
	} else if (!strcmp(m, "pipe_capacity_bytes")) {
		const struct ipc_op_stats *w;

		e = experiment("pipe-capacity");
		if (!e->ran)
			goto failed;
		w = &e->snap.ops[IPC_OP_SLOT(IPC_KIND_PIPE, IPC_OP_WRITE)];
		/* non-blocking writes until the kernel said EAGAIN: full */
		if (!errno_count(e, IPC_OP_SLOT(IPC_KIND_PIPE, IPC_OP_WRITE), 11)) {
			snprintf(r->how, sizeof(r->how), "the pipe never filled");
			r->verdict = V_UNCHECKED;
			return false;
		}
		r->number = w->bytes;
		snprintf(r->how, sizeof(r->how), "%" PRIu64 " B written in %" PRIu64
			 " non-blocking writes before the kernel returned EAGAIN",
			 (uint64_t)w->bytes, (uint64_t)w->calls);
	} else if (!strcmp(m, "time_1mb_ms")) {
		struct stats u, t;

		e = mib_experiment(c->mechanism);
		if (!e) {
			unchecked(r, "no 1 MiB experiment for this mechanism");
			return false;
		}
		u = timing_stats(&e->untraced);
		t = timing_stats(&e->traced);
		if (!u.runs) {
			snprintf(r->how, sizeof(r->how), "the timed runs failed: %s",
				 e->error);
			r->verdict = V_UNCHECKED;
			return false;
		}
		r->number = u.median;
		snprintf(r->how, sizeof(r->how), "median of %d untraced runs, both processes "
			 "on CPU 0: %.3f ms (min %.3f, max %.3f); traced: median %.3f ms "
			 "of %d runs; %" PRIu64 " syscalls and %" PRIu64 " page faults per run",
			 u.runs, u.median, u.min, u.max, t.median, t.runs,
			 ipc_syscalls(e, c->mechanism), ipc_faults(e, c->mechanism));
	} else {
		unchecked(r, "no experiment measures this metric yet");
		return false;
	}
	r->experiment = e->name;
	r->has_number = true;
	return true;
failed:
	snprintf(r->how, sizeof(r->how), "experiment %s failed: %s", e->name,
		 e->error[0] ? e->error : "its output lacks the figure");
	r->verdict = V_UNCHECKED;
	return false;
}

/* Measure a boolean property from the syscalls the kernel saw. */
static bool measure_bool(const struct claim *c, struct result *r)
{
	const char *m = c->metric, *mech = c->mechanism;
	struct experiment *e = NULL;

	if (!strcmp(m, "selective_receive_by_type") && !strcmp(mech, "msgq")) {
		e = experiment("msgq-bytype");
		if (!e->ran)
			goto failed;
		/* each msgrcv asked for one type and got exactly that many of it */
		r->boolean = e->snap.nmsgtypes > 0;
		for (size_t i = 0; i < e->snap.nmsgtypes; i++) {
			const struct ipc_msgtype_row *t = &e->snap.msgtypes[i];

			if (t->key.mtype <= 0 || t->st.requested != t->st.received)
				r->boolean = false;
		}
		snprintf(r->how, sizeof(r->how), "msgrcv with msgtyp > 0 got only that type, "
			 "per the kernel (%zu types)", e->snap.nmsgtypes);
	} else if (!strcmp(m, "writer_blocks_when_full") && !strcmp(mech, "pipe")) {
		uint64_t slow;

		e = experiment("pipe-blocking");
		if (!e->ran)
			goto failed;
		/* the reader sleeps 200 ms before reading: a blocked write waits */
		slow = slowest_call_ns(&e->snap.ops[IPC_OP_SLOT(IPC_KIND_PIPE, IPC_OP_WRITE)]);
		r->boolean = slow >= 50000000;
		snprintf(r->how, sizeof(r->how), "with the pipe full and the reader asleep "
			 "for 200 ms, the next write() took >= %.1f ms in the kernel",
			 slow / 1e6);
	} else if (!strcmp(m, "keeps_message_boundaries") &&
		   (!strcmp(mech, "pipe") || !strcmp(mech, "msgq"))) {
		bool pipe = !strcmp(mech, "pipe");
		const struct ipc_op_stats *in, *out;
		uint64_t reads;

		e = experiment(pipe ? "pipe-boundaries" : "msgq-boundaries");
		if (!e->ran)
			goto failed;
		in = &e->snap.ops[pipe ? IPC_OP_SLOT(IPC_KIND_PIPE, IPC_OP_WRITE) :
				  IPC_OP_SLOT(IPC_KIND_SYSV_MSQ, IPC_OP_MSGSND)];
		out = &e->snap.ops[pipe ? IPC_OP_SLOT(IPC_KIND_PIPE, IPC_OP_READ) :
				   IPC_OP_SLOT(IPC_KIND_SYSV_MSQ, IPC_OP_MSGRCV)];
		/* a pipe reader ends with a read that returns 0 at end of file */
		reads = pipe && out->calls ? out->calls - 1 : out->calls;
		r->boolean = reads == in->calls && out->bytes == in->bytes;
		snprintf(r->how, sizeof(r->how), "%" PRIu64 " sends of %" PRIu64 " B in all "
			 "were taken by %" PRIu64 " receive(s) with a 4 KiB buffer",
			 (uint64_t)in->calls, (uint64_t)in->bytes, reads);
	} else if (!strcmp(m, "one_way") && !strcmp(mech, "msgq")) {
		uint64_t both = 0, procs = 0;

		e = experiment("msgq-direction");
		if (!e->ran)
			goto failed;
		/* on one queue, which processes both sent and received */
		for (size_t i = 0; i < e->snap.nprocs; i++) {
			uint32_t pid = e->snap.procs[i].tgid;
			uint64_t start = e->snap.procs[i].start;
			bool in = false, out = false;

			for (size_t j = 0; j < e->snap.neps; j++) {
				const struct ipc_ep_row *ep = &e->snap.eps[j];

				if (ep->key.tgid != pid || ep->key.start != start ||
				    ep->key.obj.kind != IPC_KIND_SYSV_MSQ ||
				    !ep->st.bytes)
					continue;
				in |= ep->key.dir == IPC_DIR_IN;
				out |= ep->key.dir == IPC_DIR_OUT;
			}
			procs += in || out;
			both += in && out;
		}
		r->boolean = !(procs == 2 && both == 2);
		snprintf(r->how, sizeof(r->how), "on one SysV queue, %" PRIu64 " of %" PRIu64
			 " processes both sent and received (type 1 one way, type 2 back)",
			 both, procs);
	} else if (!strcmp(m, "one_way") && !strcmp(mech, "pipe")) {
		uint32_t w = IPC_OP_SLOT(IPC_KIND_PIPE, IPC_OP_WRITE);
		uint32_t rd = IPC_OP_SLOT(IPC_KIND_PIPE, IPC_OP_READ);

		e = experiment("pipe-direction");
		if (!e->ran)
			goto failed;
		/* write() on the read end and read() on the write end: EBADF (9) */
		r->boolean = errno_count(e, w, 9) && errno_count(e, rd, 9);
		snprintf(r->how, sizeof(r->how), "write() on the read end and read() on "
			 "the write end failed with EBADF: %s",
			 r->boolean ? "yes, each end goes one way" : "no");
	} else {
		unchecked(r, "no experiment measures this property yet");
		return false;
	}
	r->has_bool = true;
	r->experiment = e->name;
	return true;
failed:
	snprintf(r->how, sizeof(r->how), "experiment %s failed: %s", e->name, e->error);
	r->verdict = V_UNCHECKED;
	return false;
}

/* A fastest-to-slowest order, against the median times measured. */
static void judge_ranking(const struct claim *c, struct result *r)
{
	double med[CLAIMS_MAX_LIST];
	int n = 0;
	bool ordered = true;

	if (strcmp(c->metric, "rank_time_1mb")) {
		unchecked(r, "no experiment measures this ranking");
		return;
	}
	for (int i = 0; i < c->norder; i++) {
		struct experiment *e = mib_experiment(c->order[i]);
		struct stats u = e ? timing_stats(&e->untraced) : (struct stats){ 0 };

		if (!u.runs) {
			snprintf(r->how, sizeof(r->how), "no timing for %s", c->order[i]);
			r->verdict = V_UNCHECKED;
			return;
		}
		med[i] = u.median;
		n += snprintf(r->how + n, sizeof(r->how) - n, "%s%s %.3f ms",
			      i ? ", " : "medians: ", c->order[i], med[i]);
		if (n >= (int)sizeof(r->how))
			n = sizeof(r->how) - 1;
		if (i && med[i - 1] >= med[i])
			ordered = false;
	}
	snprintf(r->how + n, sizeof(r->how) - n, " (both ends on CPU 0)");
	r->verdict = ordered ? V_HOLDS : V_FAILS;
}

static void judge(const struct claim *c, struct result *r)
{
	memset(r, 0, sizeof(*r));
	r->verdict = V_HOLDS;
	if (c->type == CLAIM_RANKING) {
		judge_ranking(c, r);
		return;
	}
	if (c->type == CLAIM_BOOL) {
		if (!measure_bool(c, r))
			return;
		r->verdict = r->boolean == c->boolean ? V_HOLDS : V_FAILS;
		return;
	}
	if (!measure_number(c, r))
		return;
	if (r->verdict == V_PARTLY || r->verdict == V_INCONCLUSIVE)
		return;
	r->verdict = claim_holds_number(c, r->number) ? V_HOLDS : V_FAILS;
}

static void claimed_text(char *buf, size_t len, const struct claim *c)
{
	int n = snprintf(buf, len, "%s ", claim_cmp_name(c->cmp));

	if (c->type == CLAIM_BOOL) {
		snprintf(buf + n, len - n, "%s", c->boolean ? "true" : "false");
	} else if (c->type == CLAIM_RANKING) {
		for (int i = 0; i < c->norder && n < (int)len; i++)
			n += snprintf(buf + n, len - n, "%s%s", i ? "<" : "", c->order[i]);
	} else if (c->cmp == CMP_ONE_OF) {
		for (int i = 0; i < c->nlist && n < (int)len; i++)
			n += snprintf(buf + n, len - n, "%s%g", i ? "," : "", c->list[i]);
	} else {
		n += snprintf(buf + n, len - n, "%g", c->number);
		if (c->has_tolerance && n < (int)len)
			snprintf(buf + n, len - n, " ±%g%s", c->tolerance,
				 c->tolerance_relative ? "%" : "");
	}
}

/* A claimed number, short, for the 1 MiB table: "≈0.1", "2", ">4". */
static void claimed_short(char *buf, size_t len, const struct claim *c)
{
	static const char *const sym[] = {
		[CMP_EQ] = "", [CMP_LE] = "≤", [CMP_GE] = "≥", [CMP_LT] = "<",
		[CMP_GT] = ">", [CMP_APPROX] = "≈",
	};

	if (c->type != CLAIM_NUMBER || c->cmp > CMP_APPROX)
		claimed_text(buf, len, c);
	else
		snprintf(buf, len, "%s%g", sym[c->cmp], c->number);
}

/* A number as a person reads it: whole numbers whole, others to 3 figures. */
static void fmt_num(char *buf, size_t len, double v)
{
	double a = v < 0 ? -v : v;

	if (a < 1e15 && v == (double)(int64_t)v)
		snprintf(buf, len, "%.0f", v);
	else if (a >= 100)
		snprintf(buf, len, "%.0f", v);
	else if (a >= 10)
		snprintf(buf, len, "%.1f", v);
	else
		snprintf(buf, len, "%.3g", v);
}

static const struct claim *find_claim(const struct claim *claims, size_t n,
				      const char *mech, const char *metric)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(claims[i].mechanism, mech) && !strcmp(claims[i].metric, metric))
			return &claims[i];
	return NULL;
}

/* "measured (claimed)", or the measured value when nothing is claimed. */
static void vs_claim(char *buf, size_t len, double measured,
		     const struct claim *claims, size_t n, const char *mech,
		     const char *metric)
{
	const struct claim *c = find_claim(claims, n, mech, metric);
	char m[32], cl[64];

	fmt_num(m, sizeof(m), measured);
	if (!c) {
		snprintf(buf, len, "%s", m);
		return;
	}
	claimed_short(cl, sizeof(cl), c);
	snprintf(buf, len, "%s (%s)", m, cl);
}

/* A timed experiment's mechanism: "pipe" of "pipe-1mib". */
static void exp_mech(char *buf, size_t len, const struct experiment *e)
{
	snprintf(buf, len, "%.*s", (int)strcspn(e->name, "-"), e->name);
}

static const char *const mib_headers[] = {
	"MECHANISM", "TIME ms", "CLAIMED ms", "MIN-MAX ms", "TRACED",
	"COPIES/B", "SYSCALLS", "MODE SWITCHES", "CTX SWITCHES*", "PAGE FAULTS",
};

/* One row per mechanism: what moving 1 MiB cost, claimed values beside. */
static int mib_table(struct table *t, const struct claim *claims, size_t n)
{
	char cell[10][128];
	const char *cells[10];
	struct signal_cost sc;
	struct experiment *sig = experiment("signal-pingpong");

	if (table_init(t, 10, mib_headers, "lrrrrrrrrr"))
		return -1;
	for (int i = 0; i < 10; i++)
		cells[i] = cell[i];
	for (size_t i = 0; i < NEXP; i++) {
		struct experiment *e = &experiments[i];
		struct stats u = timing_stats(&e->untraced), tr = timing_stats(&e->traced);
		const struct claim *c;
		char mech[16];
		long row;

		if (!e->timed)
			continue;
		exp_mech(mech, sizeof(mech), e);
		for (int k = 0; k < 10; k++)
			snprintf(cell[k], sizeof(cell[k]), "-");
		snprintf(cell[0], sizeof(cell[0]), "%s", mech);
		if (u.runs) {
			fmt_num(cell[1], sizeof(cell[1]), u.median);
			snprintf(cell[3], sizeof(cell[3]), "%.2f-%.2f", u.min, u.max);
		}
		c = find_claim(claims, n, mech, "time_1mb_ms");
		if (c)
			claimed_short(cell[2], sizeof(cell[2]), c);
		if (u.runs && tr.runs && u.median > 0)
			snprintf(cell[4], sizeof(cell[4]), "x%.2f", tr.median / u.median);
		if (e->ran) {
			struct ipc_copies cp;
			uint64_t calls = ipc_syscalls(e, mech), faults = ipc_faults(e, mech);

			vs_claim(cell[5], sizeof(cell[5]), copies_per_byte(e, mech, &cp),
				 claims, n, mech, "copies_per_byte");
			vs_claim(cell[6], sizeof(cell[6]), calls, claims, n, mech,
				 "syscalls_1mb");
			vs_claim(cell[7], sizeof(cell[7]), 2.0 * (calls + faults), claims,
				 n, mech, "mode_switches_1mb");
			vs_claim(cell[8], sizeof(cell[8]), context_switches(e), claims, n,
				 mech, "context_switches_1mb");
			vs_claim(cell[9], sizeof(cell[9]), faults, claims, n, mech,
				 "page_faults_1mb");
		}
		row = table_add(t, cells);
		if (row < 0)
			return -1;
		if (!e->ran || !u.runs)
			table_note(t, row, e->error);
	}
	/* signals move no payload: their row is per signal */
	for (int k = 0; k < 10; k++)
		snprintf(cell[k], sizeof(cell[k]), "-");
	snprintf(cell[0], sizeof(cell[0]), "signal, per signal");
	if (sig->ran && signal_cost(sig, &sc)) {
		vs_claim(cell[6], sizeof(cell[6]), sc.syscalls, claims, n, "signal",
			 "syscalls_1mb");
		vs_claim(cell[7], sizeof(cell[7]), 2 * sc.syscalls, claims, n, "signal",
			 "mode_switches_1mb");
		fmt_num(cell[8], sizeof(cell[8]), sc.switches);
	}
	return table_add(t, cells) < 0 ? -1 : 0;
}

static const char mib_footnote[] =
	"copies/B: bytes copied between user and kernel memory per payload byte. "
	"Mode switches: 2 per syscall and per page fault. "
	"*Context switches: the whole run of both processes, start and exit "
	"included. Claimed values in brackets.";

struct ranked {
	char mech[16];
	double median;
};

static int cmp_ranked(const void *a, const void *b)
{
	return cmp_double(&((const struct ranked *)a)->median,
			  &((const struct ranked *)b)->median);
}

/* "pipe 2.55 < unix 2.80 < ... ms": the timed mechanisms by untraced median */
static void measured_ranking(char *buf, size_t len)
{
	struct ranked r[NEXP];
	size_t k = 0;
	int n = 0;

	for (size_t i = 0; i < NEXP; i++) {
		if (!experiments[i].timed || !experiments[i].untraced.n)
			continue;
		exp_mech(r[k].mech, sizeof(r[k].mech), &experiments[i]);
		r[k++].median = timing_stats(&experiments[i].untraced).median;
	}
	qsort(r, k, sizeof(r[0]), cmp_ranked);
	buf[0] = '\0';
	for (size_t i = 0; i < k && n < (int)len; i++)
		n += snprintf(buf + n, len - n, "%s%s %.2f", i ? " < " : "",
			      r[i].mech, r[i].median);
	if (k && n < (int)len)
		snprintf(buf + n, len - n, " ms");
}

static enum cell_style verdict_style(enum verdict v)
{
	switch (v) {
	case V_HOLDS: return CELL_GOOD;
	case V_FAILS: return CELL_BAD;
	case V_PARTLY: return CELL_PARTLY;
	default: return CELL_DIM;
	}
}

static void measured_text(char *buf, size_t len, const struct result *r)
{
	if (r->has_number)
		fmt_num(buf, len, r->number);
	else if (r->has_bool)
		snprintf(buf, len, "%s", r->boolean ? "true" : "false");
	else
		snprintf(buf, len, "-");
}

/* Where the machine and the run came from: every report states it. */
struct provenance {
	char kernel[65];
	char cpu[128];
	long cores;
	char date[32];
	int runs;		/* timed runs per figure, untraced and traced each */
};

static void cpu_model(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];

	snprintf(buf, len, "unknown");
	while (f && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!strncmp(line, "model name", 10) && colon) {
			snprintf(buf, len, "%s", colon + 2);
			buf[strcspn(buf, "\n")] = '\0';
			break;
		}
	}
	if (f)
		fclose(f);
}

static void get_provenance(struct provenance *p, int runs)
{
	struct utsname uts;
	time_t now = time(NULL);

	memset(p, 0, sizeof(*p));
	if (!uname(&uts))
		snprintf(p->kernel, sizeof(p->kernel), "%s", uts.release);
	cpu_model(p->cpu, sizeof(p->cpu));
	p->cores = sysconf(_SC_NPROCESSORS_ONLN);
	strftime(p->date, sizeof(p->date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	p->runs = runs;
}

struct report {
	const char *claims_path;
	bool quick;
	const struct claim *claims;
	const struct result *res;
	size_t n;
	struct provenance prov;
	size_t count[V_MAX];	/* claims per verdict */
};

static void summary_line(char *buf, size_t len, const struct report *rp)
{
	int n = snprintf(buf, len, "%zu claims: %zu hold%s, %zu do%s not hold, %zu "
			 "hold%s in part, %zu not checked", rp->n, rp->count[V_HOLDS],
			 rp->count[V_HOLDS] == 1 ? "s" : "", rp->count[V_FAILS],
			 rp->count[V_FAILS] == 1 ? "es" : "", rp->count[V_PARTLY],
			 rp->count[V_PARTLY] == 1 ? "s" : "", rp->count[V_UNCHECKED]);

	if (rp->count[V_INCONCLUSIVE] && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - n, ", %zu inconclusive", rp->count[V_INCONCLUSIVE]);
}

static void print_text(FILE *out, const struct report *rp)
{
	static const char *const headers[] = {
		"CLAIM", "METRIC", "CLAIMED", "MEASURED", "VERDICT",
	};
	bool colour = want_colour(out);
	char line[512];
	struct table t;

	fprintf(out, "ipcscope %s validate: %zu claims from %s\n", IPCSCOPE_VERSION,
		rp->n, rp->claims_path);
	fprintf(out, "kernel %s, %s (%ld cores), %s\n", rp->prov.kernel, rp->prov.cpu,
		rp->prov.cores, rp->prov.date);
	fprintf(out, "timings: median of %d untraced runs (min-max beside it) and of "
		"%d traced runs; both processes on CPU 0\n", rp->prov.runs, rp->prov.runs);

	fprintf(out, "\nMOVING 1 MiB\n");
	if (!mib_table(&t, rp->claims, rp->n))
		table_print_text(&t, out, 2, colour);
	table_free(&t);
	fprintf(out, "  %s\n", mib_footnote);
	measured_ranking(line, sizeof(line));
	fprintf(out, "  fastest to slowest, measured: %s\n", line);
	for (size_t i = 0; i < rp->n; i++) {
		char claimed[128];

		if (rp->claims[i].type != CLAIM_RANKING)
			continue;
		claimed_text(claimed, sizeof(claimed), &rp->claims[i]);
		fprintf(out, "  claimed (%s): %s: %s%s%s\n", rp->claims[i].id,
			claimed + strlen("order "),
			colour ? "\033[1m" : "", verdict_names[rp->res[i].verdict],
			colour ? "\033[0m" : "");
	}

	fprintf(out, "\nCLAIMS\n");
	if (!table_init(&t, 5, headers, "llllll")) {
		for (size_t i = 0; i < rp->n; i++) {
			char claimed[128], measured[32], note[1200];
			long row;

			claimed_text(claimed, sizeof(claimed), &rp->claims[i]);
			measured_text(measured, sizeof(measured), &rp->res[i]);
			row = table_add(&t, (const char *const[]){ rp->claims[i].id,
				rp->claims[i].metric, claimed, measured,
				verdict_names[rp->res[i].verdict] });
			table_style(&t, row, 4, verdict_style(rp->res[i].verdict));
			snprintf(note, sizeof(note), "%s (%s: \"%s\")", rp->res[i].how,
				 rp->claims[i].where, rp->claims[i].text);
			table_note(&t, row, note);
		}
		table_print_text(&t, out, 2, colour);
	}
	table_free(&t);
	summary_line(line, sizeof(line), rp);
	fprintf(out, "\n%s\n", line);
}

/* The workload and its arguments, as run (traced). */
static void command_line(char *buf, size_t len, const struct experiment *e, bool quick)
{
	const char *const *args = quick && e->quick_args[0] ? e->quick_args : e->args;
	int n = snprintf(buf, len, "%s", e->workload);

	for (int i = 0; args[i] && n < (int)len; i++)
		n += snprintf(buf + n, len - n, " %s", args[i]);
}

static void print_markdown(FILE *out, const struct report *rp)
{
	static const char *const claim_headers[] = {
		"Claim", "The document says", "Claimed", "Measured", "Verdict",
	};
	char line[512];
	struct table t;

	fputs("# Checking a document's claims about IPC by measurement\n\n", out);
	fprintf(out, "ipcscope %s ran its bundled workloads under tracing and checked "
		"each claim of `%s` against what the kernel saw.\n\n", IPCSCOPE_VERSION,
		rp->claims_path);
	summary_line(line, sizeof(line), rp);
	fprintf(out, "**Result: %s.**\n\n", line);
	fputs("| Provenance | |\n| --- | --- |\n", out);
	fprintf(out, "| Date | %s |\n| Kernel | %s |\n", rp->prov.date, rp->prov.kernel);
	fputs("| CPU | ", out);
	md_escape(out, rp->prov.cpu);
	fprintf(out, " (%ld cores) |\n| ipcscope | %s |\n", rp->prov.cores, IPCSCOPE_VERSION);
	fprintf(out, "| Timed runs | %d untraced and %d traced per figure, both processes "
		"pinned to CPU 0; the median is reported, with min and max |\n",
		rp->prov.runs, rp->prov.runs);
	fprintf(out, "| Run | %s |\n\n", rp->quick ? "`--quick` (smaller counts)" : "full");

	fputs("## Moving 1 MiB, per mechanism\n\n", out);
	if (!mib_table(&t, rp->claims, rp->n))
		table_print_markdown(&t, out);
	table_free(&t);
	fputs("\n", out);
	md_escape(out, mib_footnote);
	fputs(" TRACED: the traced median over the untraced one.\n\n", out);
	measured_ranking(line, sizeof(line));
	fprintf(out, "- Fastest to slowest, measured: %s\n", line);
	for (size_t i = 0; i < rp->n; i++) {
		char claimed[128];

		if (rp->claims[i].type != CLAIM_RANKING)
			continue;
		claimed_text(claimed, sizeof(claimed), &rp->claims[i]);
		fprintf(out, "- Claimed (`%s`): %s: **%s**\n", rp->claims[i].id,
			claimed + strlen("order "), verdict_names[rp->res[i].verdict]);
	}

	fputs("\n## Claims\n\n", out);
	if (!table_init(&t, 5, claim_headers, "lllll")) {
		for (size_t i = 0; i < rp->n; i++) {
			char claimed[128], measured[32], says[768];

			claimed_text(claimed, sizeof(claimed), &rp->claims[i]);
			measured_text(measured, sizeof(measured), &rp->res[i]);
			snprintf(says, sizeof(says), "%s (%s)", rp->claims[i].text,
				 rp->claims[i].where);
			table_add(&t, (const char *const[]){ rp->claims[i].id, says,
				claimed, measured, verdict_names[rp->res[i].verdict] });
		}
		table_print_markdown(&t, out);
	}
	table_free(&t);

	fputs("\n## How each claim was measured\n\n", out);
	for (size_t i = 0; i < rp->n; i++) {
		fprintf(out, "- **%s** (%s): ", rp->claims[i].id,
			verdict_names[rp->res[i].verdict]);
		md_escape(out, rp->res[i].how);
		fputs("\n", out);
	}

	fputs("\n## Experiments\n\nEach is one traced run of a bundled workload "
	      "(`build/workloads/`), which prints its own counts as JSON.\n\n", out);
	fputs("| Experiment | Command | Result |\n| --- | --- | --- |\n", out);
	for (size_t i = 0; i < NEXP; i++) {
		command_line(line, sizeof(line), &experiments[i], rp->quick);
		fprintf(out, "| %s | `%s` | ", experiments[i].name, line);
		md_escape(out, experiments[i].ran ? "ran" : experiments[i].error);
		fputs(" |\n", out);
	}
}

static void json_stats(struct json_writer *jw, const char *key, const struct timing *t)
{
	struct stats st = timing_stats(t);

	jw_key(jw, key);
	jw_object_begin(jw);
	jw_kv_uint(jw, "runs", st.runs);
	jw_kv_double(jw, "median", st.median);
	jw_kv_double(jw, "min", st.min);
	jw_kv_double(jw, "max", st.max);
	jw_object_end(jw);
}

static int write_json(FILE *f, const struct report *rp)
{
	struct json_writer *jw = jw_new(f, true);

	if (!jw)
		return -1;
	jw_object_begin(jw);
	jw_kv_string(jw, "ipcscope_version", IPCSCOPE_VERSION);
	jw_kv_string(jw, "kernel_release", rp->prov.kernel);
	jw_kv_string(jw, "cpu_model", rp->prov.cpu);
	jw_kv_int(jw, "cores", rp->prov.cores);
	jw_kv_string(jw, "date", rp->prov.date);
	jw_kv_string(jw, "claims_file", rp->claims_path);
	jw_kv_bool(jw, "quick", rp->quick);
	jw_kv_string(jw, "placement", "timed runs: both processes pinned to CPU 0");
	jw_kv_uint(jw, "runs_per_figure", rp->prov.runs);
	jw_key(jw, "experiments");
	jw_array_begin(jw);
	for (size_t i = 0; i < NEXP; i++) {
		const struct experiment *e = &experiments[i];
		char cmd[256];

		command_line(cmd, sizeof(cmd), e, rp->quick);
		jw_object_begin(jw);
		jw_kv_string(jw, "name", e->name);
		jw_kv_string(jw, "workload", e->workload);
		jw_kv_string(jw, "command", cmd);
		jw_kv_bool(jw, "ran", e->ran);
		if (e->timed) {
			struct stats u = timing_stats(&e->untraced);
			struct stats t = timing_stats(&e->traced);

			jw_key(jw, "timing_ms");
			jw_object_begin(jw);
			json_stats(jw, "untraced", &e->untraced);
			json_stats(jw, "traced", &e->traced);
			jw_key(jw, "overhead");
			if (u.runs && t.runs && u.median > 0)
				jw_double(jw, t.median / u.median);
			else
				jw_null(jw);
			jw_object_end(jw);
		}
		jw_key(jw, "error");
		if (e->ran)
			jw_null(jw);
		else
			jw_string(jw, e->error);
		jw_object_end(jw);
	}
	jw_array_end(jw);
	jw_key(jw, "claims");
	jw_array_begin(jw);
	for (size_t i = 0; i < rp->n; i++) {
		const struct claim *c = &rp->claims[i];
		const struct result *r = &rp->res[i];
		char claimed[128];

		claimed_text(claimed, sizeof(claimed), c);
		jw_object_begin(jw);
		jw_kv_string(jw, "id", c->id);
		jw_kv_string(jw, "where", c->where);
		jw_kv_string(jw, "mechanism", c->mechanism);
		jw_kv_string(jw, "metric", c->metric);
		jw_kv_string(jw, "claimed", claimed);
		jw_key(jw, "measured");
		if (r->has_number)
			jw_double(jw, r->number);
		else if (r->has_bool)
			jw_bool(jw, r->boolean);
		else
			jw_null(jw);
		jw_kv_string(jw, "verdict", verdict_names[r->verdict]);
		jw_kv_string(jw, "how", r->how);
		jw_key(jw, "experiment");
		if (r->experiment)
			jw_string(jw, r->experiment);
		else
			jw_null(jw);
		jw_kv_string(jw, "text", c->text);
		jw_kv_int(jw, "line", c->line);
		jw_object_end(jw);
	}
	jw_array_end(jw);
	jw_object_end(jw);
	jw_free(jw);
	return fflush(f) || ferror(f) ? -1 : 0;
}

/*
 * Every experiment: the 1 MiB ones timed untraced first (half the runs),
 * then each traced once in one session (its maps emptied before each), the
 * 1 MiB ones timed traced, then the other half of the untraced runs, so
 * that a slow spell on the machine falls on both sides.
 */
static int run_all(bool quick, int runs, const char *tmpdir,
		   const sigset_t *orig_mask)
{
	struct session_config cfg = { .all = false, .self = getpid(), .cgroup_fd = -1,
				      .syscall_numbers = true };
	struct session *s = NULL;
	cpu_set_t saved;
	size_t ntimed = 0;

	for (size_t i = 0; i < NEXP; i++)
		ntimed += experiments[i].timed;
	fprintf(stderr, "ipcscope: timing %zu transfers of 1 MiB untraced (%d runs each)\n",
		ntimed, (runs + 1) / 2);
	pin_cpu0(&saved);
	for (size_t i = 0; i < NEXP; i++)
		if (experiments[i].timed)
			time_runs(&experiments[i], &experiments[i].untraced,
				  (runs + 1) / 2, NULL, tmpdir, orig_mask);
	sched_setaffinity(0, sizeof(saved), &saved);

	if (session_open(&s, &cfg))
		return -1;
	for (size_t i = 0; i < NEXP; i++) {
		struct experiment *e = &experiments[i];

		fprintf(stderr, "ipcscope: experiment %zu of %zu: %s%s\n", i + 1, NEXP,
			e->name, e->timed ? " (traced, and timed traced)" : "");
		/* the traced run of a timed experiment is on CPU 0 too */
		if (e->timed)
			pin_cpu0(&saved);
		run_traced(e, quick, s, tmpdir, orig_mask);
		if (e->ran && e->timed) {
			timing_add(&e->traced, e->out);
			time_runs(e, &e->traced, runs - 1, s, tmpdir, orig_mask);
		}
		if (e->timed)
			sched_setaffinity(0, sizeof(saved), &saved);
		if (!e->ran)
			errorf("warning: experiment %s: %s", e->name, e->error);
	}
	session_close(s);

	fprintf(stderr, "ipcscope: timing the transfers untraced again (%d runs each)\n",
		runs / 2);
	pin_cpu0(&saved);
	for (size_t i = 0; i < NEXP; i++)
		if (experiments[i].timed)
			time_runs(&experiments[i], &experiments[i].untraced, runs / 2,
				  NULL, tmpdir, orig_mask);
	sched_setaffinity(0, sizeof(saved), &saved);
	return 0;
}

int cmd_validate(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "claims", required_argument, NULL, 'c' },
		{ "json", required_argument, NULL, 'J' },
		{ "markdown", required_argument, NULL, 'M' },
		{ "quick", no_argument, NULL, 'q' },
		{ "force", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	char claims_path[PATH_MAX] = "", tmpdir[] = "/tmp/ipcscope-validate.XXXXXX";
	const char *json_path = NULL, *md_path = NULL;
	struct report rp = { 0 };
	struct claim *claims = NULL;
	struct result *res = NULL;
	sigset_t block, orig_mask;
	struct outfile json = { 0 }, md = { 0 };
	bool quick = false, force = false;
	char err[512];
	size_t n = 0;
	int opt, ret = 1, runs;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:vh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			snprintf(claims_path, sizeof(claims_path), "%s", optarg);
			break;
		case 'J':
			json_path = optarg;
			break;
		case 'M':
			md_path = optarg;
			break;
		case 'q':
			quick = true;
			break;
		case 'f':
			force = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			fputs(validate_usage, stdout);
			return 0;
		case ':':
			errorf("option '%s' needs a value", argv[optind - 1]);
			return 2;
		default:
			if (optopt)
				errorf("unknown option '-%c' (see 'ipcscope validate --help')", optopt);
			else
				errorf("unknown option '%s' (see 'ipcscope validate --help')",
				       argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		errorf("unexpected argument '%s' (see 'ipcscope validate --help')", argv[optind]);
		return 2;
	}
	if (json_path && md_path && !strcmp(json_path, "-") && !strcmp(md_path, "-")) {
		errorf("--json and --markdown cannot both go to stdout ('-')");
		return 2;
	}
	if (!claims_path[0]) {
		char rel[PATH_MAX];

		if (beside_exe(rel, sizeof(rel), "../claims/reference.claims") ||
		    !realpath(rel, claims_path)) {
			errorf("cannot find the claims file: give --claims FILE");
			return 1;
		}
	}
	if (claims_load(claims_path, &claims, &n, err, sizeof(err))) {
		errorf("%s", err);
		return 1;
	}
	if (!have_bpf_caps()) {
		errorf("validating needs root (or CAP_BPF and CAP_PERFMON): run it with sudo");
		goto out;
	}
	/* open the outputs first: a bad path fails before minutes of runs */
	if (json_path && outfile_open(&json, json_path, "JSON", force))
		goto out;
	if (md_path && outfile_open(&md, md_path, "Markdown", force))
		goto out;
	snprintf(g_out_tmp[0], sizeof(g_out_tmp[0]), "%s", json.tmp);
	snprintf(g_out_tmp[1], sizeof(g_out_tmp[1]), "%s", md.tmp);
	if (!mkdtemp(tmpdir)) {
		errorf("cannot make a temporary directory: %s", strerror(errno));
		goto out;
	}
	memcpy(g_tmpdir, tmpdir, sizeof(tmpdir));
	catch_stop_signals();
	/* the workloads are our children: SIGCHLD is for waitpid, not a handler */
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &orig_mask);
	runs = quick ? 3 : 7;
	if (run_all(quick, runs, tmpdir, &orig_mask)) {
		sigprocmask(SIG_SETMASK, &orig_mask, NULL);
		rmdir(tmpdir);
		goto out;
	}
	sigprocmask(SIG_SETMASK, &orig_mask, NULL);
	rmdir(tmpdir);

	res = calloc(n, sizeof(*res));
	if (!res)
		goto out;
	rp = (struct report){ .claims_path = claims_path, .quick = quick,
			      .claims = claims, .res = res, .n = n };
	get_provenance(&rp.prov, runs);
	for (size_t i = 0; i < n; i++) {
		judge(&claims[i], &res[i]);
		rp.count[res[i].verdict]++;
	}
	if (!(json.f && outfile_is_stdout(&json)) && !(md.f && outfile_is_stdout(&md))) {
		print_text(stdout, &rp);
		if (fflush(stdout) || ferror(stdout)) {
			errorf("cannot write the results to standard output: %s",
			       strerror(errno ? errno : EIO));
			goto out;
		}
	}
	if (json.f && write_json(json.f, &rp)) {
		errorf("cannot write JSON to '%s': out of memory", json_path);
		goto out;
	}
	if (md.f)
		print_markdown(md.f, &rp);
	ret = outfile_commit(&json) || outfile_commit(&md) ? 1 : 0;
out:
	outfile_abort(&json);	/* not committed: an earlier file stays */
	outfile_abort(&md);
	for (size_t i = 0; i < NEXP; i++) {
		snapshot_free(&experiments[i].snap);
		wjson_free(experiments[i].out);
		experiments[i].out = NULL;
	}
	free(res);
	free(claims);
	return ret;
}
