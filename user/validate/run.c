// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * run.c - runs the experiments of `ipcscope validate`: each traced once in
 * one session, its maps emptied before; the 1 MiB ones also timed, untraced
 * and traced, both processes pinned to CPU 0. A workload's own JSON (its
 * --out) goes to a temporary directory and is read back at once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "runner.h"
#include "session.h"
#include "util.h"
#include "validate.h"

#define MAX_ARGV 20

/* argv[] for an experiment's workload, its JSON going to out; -1 if the
 * workload is not found. exe holds argv[0]. */
static int workload_argv(const struct experiment *e, const char *const *args,
			 char *out, char exe[PATH_MAX], char *argv[MAX_ARGV])
{
	int n = 0;

	if (workload_path(e->workload, exe))
		return -1;
	argv[n++] = exe;
	for (int i = 0; args[i] && n < MAX_ARGV - 3; i++)
		argv[n++] = (char *)args[i];
	argv[n++] = "--out";
	argv[n++] = out;
	argv[n] = NULL;
	return 0;
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
	stop_signals_file(out);
	if (workload_argv(e, args, out, exe, argv)) {
		snprintf(e->error, sizeof(e->error), "cannot find the workload %s (beside "
			 "ipcscope in workloads/ or ../libexec/ipcscope/, or in "
			 "$IPCSCOPE_WORKLOADS)", e->workload);
		return -1;
	}
	debugf("validate: %s %s:", s ? "tracing" : "timing", e->name);
	for (int i = 0; argv[i]; i++)
		debugf(" %s", argv[i]);
	debugf("\n");
	if (start_command(argv, orig_mask, &c)) {
		snprintf(e->error, sizeof(e->error), "cannot run %.200s", exe);
		return -1;
	}
	stop_signals_child(c.pid);
	reap(&c, 0);
	stop_signals_child(0);
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
	const char *const *base = experiment_args(e, quick);
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

/* The CPUs of the placements (placement_cpus) */
static int g_cpus[2] = { 0, -1 };

/* Pin the calling process (and so its children) to the first CPU of the
 * placements, saving its mask. */
static void pin_first_cpu(cpu_set_t *saved)
{
	cpu_set_t cpus;

	sched_getaffinity(0, sizeof(*saved), saved);
	CPU_ZERO(&cpus);
	CPU_SET(g_cpus[0], &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
}

/*
 * Timed runs of a 1 MiB experiment, traced or not, in one placement: the
 * workload pins its two ends itself (--cpus A,B), or is left to the
 * scheduler. Where the two ends run matters more than anything else (see
 * ../shared/PLATFORM.md), so each is run and stated. The workload times
 * its own transfer (elapsed_ns).
 */
static void time_runs(struct experiment *e, struct timing *t, int runs,
		      enum placement place, struct session *s, const char *tmpdir,
		      const sigset_t *orig_mask)
{
	const char *args[ARRAY_SIZE(e->args) + 2];
	char cpus[32];
	size_t n = 0;

	for (; n < ARRAY_SIZE(e->args) && e->args[n]; n++)
		args[n] = e->args[n];
	if (place != PLACE_UNPINNED) {
		snprintf(cpus, sizeof(cpus), "%d,%d", g_cpus[0],
			 place == PLACE_TWO_CPUS ? g_cpus[1] : g_cpus[0]);
		args[n++] = "--cpus";
		args[n++] = cpus;
	}
	args[n] = NULL;
	for (int r = 0; r < runs; r++) {
		struct wjson *doc;

		if (run_workload(e, args, s, tmpdir, orig_mask, &doc))
			continue;
		timing_add(t, doc);
		wjson_free(doc);
	}
}

/* Can placement p run on this machine: two CPUs only where there are two */
static bool placement_here(int p)
{
	return p != PLACE_TWO_CPUS || g_cpus[1] >= 0;
}

/* The busiest share, in %, that other work took of each CPU in any look
 * so far (look_busy) */
static int g_busy_pct[CPU_SETSIZE];

/* Each CPU's ticks now (proc_stat_ticks); -1 if /proc/stat tells none */
static int cpu_ticks_now(uint64_t busy[CPU_SETSIZE], uint64_t total[CPU_SETSIZE])
{
	FILE *f = fopen("/proc/stat", "re");
	int err;

	if (!f)
		return -1;
	err = proc_stat_ticks(f, busy, total, CPU_SETSIZE);
	fclose(f);
	return err;
}

/*
 * A look at what else the CPUs do: BUSY_LOOK_MS of sleep, and each CPU's
 * ticks busy over it from /proc/stat (USER_HZ: 10 of them, enough to tell
 * a CPU-bound process from housekeeping); the largest share seen is kept.
 * Our workloads have exited and we sleep, so what ran was someone else's
 * (or, right after the traced runs, our session's perf events being
 * closed in the background). Without /proc/stat nothing is known, and
 * nothing counts as busy.
 */
static void look_busy(void)
{
	static uint64_t b0[CPU_SETSIZE], t0[CPU_SETSIZE], b1[CPU_SETSIZE], t1[CPU_SETSIZE];
	struct timespec ts = { 0, BUSY_LOOK_MS * 1000000L };

	if (cpu_ticks_now(b0, t0))
		return;
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
	if (cpu_ticks_now(b1, t1))
		return;
	for (int c = 0; c < CPU_SETSIZE; c++) {
		int pct;

		if (t1[c] <= t0[c] || b1[c] < b0[c])
			continue;
		pct = (int)(100 * (b1[c] - b0[c]) / (t1[c] - t0[c]));
		if (pct > g_busy_pct[c])
			g_busy_pct[c] = pct;
	}
}

/*
 * Placement p's CPUs: the first of the two, or both; the scheduler's
 * choice (unpinned) is judged by the same two, which may be all it has
 * (on a larger machine it could go elsewhere: a busy one of the two then
 * costs a verdict it might have had, never gives a wrong one).
 */
static void mark_busy(struct timing *t, int p)
{
	t->busy_pct = 0;
	for (int k = 0; k < (p == PLACE_ONE_CPU ? 1 : 2); k++) {
		int c = g_cpus[k];

		if (c >= 0 && c < CPU_SETSIZE && g_busy_pct[c] > BUSY_PCT &&
		    g_busy_pct[c] > t->busy_pct) {
			t->busy_cpu = c;
			t->busy_pct = g_busy_pct[c];
		}
	}
}

/* runs untraced runs of every 1 MiB experiment in every placement here,
 * with a look at the CPUs before and after */
static void time_untraced(int runs, const char *tmpdir, const sigset_t *orig_mask)
{
	look_busy();
	for (size_t i = 0; i < NEXP; i++) {
		if (!experiments[i].timed)
			continue;
		for (int p = 0; p < PLACE_MAX; p++)
			if (placement_here(p))
				time_runs(&experiments[i], &experiments[i].untraced[p], runs,
					  p, NULL, tmpdir, orig_mask);
	}
	look_busy();
	for (size_t i = 0; i < NEXP; i++)
		for (int p = 0; p < PLACE_MAX; p++)
			if (experiments[i].timed && placement_here(p))
				mark_busy(&experiments[i].untraced[p], p);
}

/*
 * The phases of the timed workloads: each marks its transfer with the USDT
 * probes ipcscope:transfer_start and transfer_end (workloads/lib), so that
 * what the transfer cost is counted apart from the set-up and teardown.
 * Into ph[] (paths[] holds their paths), each workload once.
 */
static size_t workload_phases(struct usdt_phase ph[MAX_USDT_PHASES],
			      char paths[MAX_USDT_PHASES][PATH_MAX])
{
	size_t n = 0;

	for (size_t i = 0; i < NEXP && n < MAX_USDT_PHASES; i++) {
		const struct experiment *e = &experiments[i];
		bool seen = false;

		if (!e->timed)
			continue;
		for (size_t k = 0; k < i; k++)
			seen |= experiments[k].timed &&
				!strcmp(experiments[k].workload, e->workload);
		if (seen || workload_path(e->workload, paths[n]))
			continue;	/* a workload not found: its run says so */
		ph[n] = (struct usdt_phase){ .path = paths[n], .provider = "ipcscope",
					     .start = "transfer_start",
					     .end = "transfer_end" };
		n++;
	}
	return n;
}

/* Each experiment traced once in one session; the 1 MiB ones timed traced. */
static int run_all_traced(bool quick, int runs, const char *tmpdir,
			  const sigset_t *orig_mask)
{
	struct usdt_phase phases[MAX_USDT_PHASES];
	char paths[MAX_USDT_PHASES][PATH_MAX];
	struct session_config cfg = { .all = false, .self = getpid(), .cgroup_fd = -1,
				      .syscall_numbers = true, .phases = phases };
	struct session *s = NULL;
	cpu_set_t saved;

	cfg.nphases = workload_phases(phases, paths);
	if (session_open(&s, &cfg))
		return -1;
	for (size_t i = 0; i < NEXP; i++) {
		struct experiment *e = &experiments[i];

		fprintf(stderr, "ipcscope: experiment %zu of %zu: %s%s\n", i + 1,
			(size_t)NEXP, e->name, e->timed ? " (traced, and timed traced)" : "");
		/* the traced run of a timed experiment is on one CPU too */
		if (e->timed)
			pin_first_cpu(&saved);
		run_traced(e, quick, s, tmpdir, orig_mask);
		if (e->ran && e->timed) {
			timing_add(&e->traced, e->out);
			time_runs(e, &e->traced, runs - 1, PLACE_ONE_CPU, s, tmpdir,
				  orig_mask);
		}
		if (e->timed)
			sched_setaffinity(0, sizeof(saved), &saved);
		if (!e->ran)
			errorf("warning: experiment %s: %s", e->name, e->error);
	}
	session_close(s);
	return 0;
}

/* The workloads are our children: SIGCHLD is for waitpid, not a handler.
 * Blocked until restore_sigchld(orig_mask); the CPUs of the placements
 * read. */
static void block_sigchld(sigset_t *orig_mask)
{
	sigset_t block;

	placement_cpus(g_cpus);
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, orig_mask);
}

static void restore_sigchld(const sigset_t *orig_mask)
{
	sigprocmask(SIG_SETMASK, orig_mask, NULL);
}

void time_again(struct experiment *const *es, size_t n, int runs, const char *tmpdir)
{
	sigset_t orig_mask;

	block_sigchld(&orig_mask);
	fprintf(stderr, "ipcscope: %zu timing%s too close to call: %d more runs each\n",
		n, n == 1 ? "" : "s", runs);
	/* every placement, one beside other work too (it stays undecided):
	   the report's runs per placement are the same for each timing */
	for (int r = 0; r < runs; r++)
		for (size_t i = 0; i < n; i++)
			for (int p = 0; p < PLACE_MAX; p++)
				if (placement_here(p))
					time_runs(es[i], &es[i]->untraced[p], 1, p, NULL,
						  tmpdir, &orig_mask);
	restore_sigchld(&orig_mask);
}

void run_sweep(int runs, const char *tmpdir)
{
	sigset_t orig_mask;

	block_sigchld(&orig_mask);
	fprintf(stderr, "ipcscope: timing %d sizes of %d mechanisms untraced (%d runs each)\n",
		SWEEP_SIZES, SWEEP_MECHS, runs);
	for (int r = 0; r < runs; r++) {
		for (size_t si = 0; si < SWEEP_SIZES; si++) {
			for (size_t mi = 0; mi < SWEEP_MECHS; mi++) {
				struct sweep_mech *m = &sweep_mechs[mi];
				struct experiment e;

				sweep_experiment(&e, m, sweep_sizes[si]);
				for (int p = 0; p < SWEEP_PLACES; p++) {
					if (!placement_here(p))
						continue;
					time_runs(&e, &m->t[si][p], 1, p, NULL, tmpdir,
						  &orig_mask);
					if (e.error[0] && !m->error[0])
						snprintf(m->error, sizeof(m->error), "%s",
							 e.error);
				}
			}
		}
	}
	restore_sigchld(&orig_mask);
}

/*
 * Every experiment: the 1 MiB ones timed untraced first (half the runs),
 * then each traced once in one session (its maps emptied before each), the
 * 1 MiB ones timed traced, then the other half of the untraced runs, so
 * that a slow spell on the machine falls on both sides.
 */
int run_experiments(bool quick, int runs, const char *tmpdir)
{
	sigset_t orig_mask;
	size_t ntimed = 0;
	int ret = -1;

	block_sigchld(&orig_mask);
	for (size_t i = 0; i < NEXP; i++)
		ntimed += experiments[i].timed;
	fprintf(stderr, "ipcscope: timing %zu transfers of 1 MiB untraced (%d runs each)\n",
		ntimed, (runs + 1) / 2);
	time_untraced((runs + 1) / 2, tmpdir, &orig_mask);
	if (run_all_traced(quick, runs, tmpdir, &orig_mask))
		goto out;
	fprintf(stderr, "ipcscope: timing the transfers untraced again (%d runs each)\n",
		runs / 2);
	time_untraced(runs / 2, tmpdir, &orig_mask);
	ret = 0;
out:
	restore_sigchld(&orig_mask);
	return ret;
}
