/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * validate.h - the parts of `ipcscope validate` and what they share:
 *   experiments.c  the experiments (bundled workloads and their arguments)
 *                  and what each one left behind
 *   run.c          runs them: traced once, and timed untraced and traced
 *   measure.c      a claim's metric, measured from its experiment
 *   verdict.c      a claim judged against the measurement
 *   render.c       the report as text and Markdown; render_json.c as JSON
 *   validate.c     the command: options, the order of the work, the outputs
 * All but run.c and validate.c are pure C, covered by unit tests.
 */
#ifndef VALIDATE_VALIDATE_H
#define VALIDATE_VALIDATE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "claims.h"
#include "snapshot.h"
#include "wjson.h"

#define MIB 1048576

#define MAX_RUNS 32

/* Times of repeated runs, in ms. */
struct timing {
	int n;
	double ms[MAX_RUNS];
	/* other work on the placement's CPUs around the runs (run.c's
	   looks): the busiest of them and its share in %, 0 if none was
	   busy. A time measured beside a busy CPU is that work's as much as
	   the mechanism's: it decides no claim (measure.c, verdict.c). */
	int busy_cpu;
	int busy_pct;
};

/*
 * Where the two ends of a timed transfer run: both on one CPU, one on each
 * of two CPUs (the workload's --cpus), or where the scheduler puts them.
 * The reference document names none; its figures are judged against each.
 */
enum placement { PLACE_ONE_CPU, PLACE_TWO_CPUS, PLACE_UNPINNED, PLACE_MAX };

extern const char *const placement_names[PLACE_MAX];	/* "one CPU", ... */
extern const char *const placement_keys[PLACE_MAX];	/* "one_cpu", ... (JSON) */

/* An experiment: a workload, its arguments, and what it left behind. */
struct experiment {
	const char *name;
	const char *workload;
	bool timed;			/* moves 1 MiB: also timed, untraced and traced */
	/* a timed one: its row in the tables ("shm, steady state"); NULL:
	   its mechanism */
	const char *label;
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
	struct timing untraced[PLACE_MAX];	/* timed experiments, by placement */
	struct timing traced;		/* ... traced, both ends on one CPU */
};

#define UNTIL_SEEN_TRIALS 6

/* experiments.c: the table, in the order of the reports */
#define NEXP 18
extern struct experiment experiments[];

struct experiment *experiment(const char *name);
/* The experiment that moves 1 MiB through a mechanism; NULL if none. For
 * shared memory: its first touch (faults included), whose traced run the
 * counts come from. */
struct experiment *mib_experiment(const char *mech);
/* The experiment whose timings judge a mechanism's time: for shared
 * memory its steady state (mapped and touched before the timing: the
 * document's "fastest" is about that), else mib_experiment's. */
struct experiment *timing_experiment(const char *mech);
/* A timed experiment's row: its label, or its mechanism */
void exp_label(char *buf, size_t len, const struct experiment *e);
/* A timed experiment's mechanism: "pipe" of "pipe-1mib". */
void exp_mech(char *buf, size_t len, const struct experiment *e);
/* The arguments it runs with (--quick's, if it has its own). */
const char *const *experiment_args(const struct experiment *e, bool quick);
/* The workload and its arguments, as run (traced). */
void command_line(char *buf, size_t len, const struct experiment *e, bool quick);
/* Forget every experiment's results (snapshot, output, timings, error). */
void experiments_clear(void);

struct stats {
	int runs;
	double median, min, max;
	double mad_log;		/* median absolute deviation of the runs' natural
				   logarithms from the median's */
	double drift_log;	/* |log| of the earlier half's median over the
				   later half's (0 under 4 runs) */
};

/*
 * How far apart two times must be to count as different, as a factor: a
 * time's noise is how well its runs know their median, in log scale
 * (times spread by factors): the standard error of a median, 1.2533 times
 * the runs' standard deviation over the root of their number, that
 * deviation estimated as 1.4826 times their median absolute deviation (so
 * that one slow run moves it little); and how far the machine drifted
 * while they ran, the earlier half's median against the later half's
 * (seconds apart: a load that came or went, moved): the two added as
 * independent errors; at least NOISE_FLOOR (3 %: a few runs can agree by
 * chance). A verdict about a time is stated only beyond twice that noise
 * (measure.c, verdict.c): a factor of exp(2 * noise) either way; more runs
 * narrow it (validate.c gives a claim too close to call more of them).
 */
#define NOISE_FLOOR 0.03
/*
 * A time against a claim's fixed number, not against another time of the
 * same run: at least BOUND_NOISE_FLOOR. That floor is what a run cannot
 * see of itself, how far the machine moves between one run and the next:
 * on our VM, beside a CPU-bound process, a median moved by a factor up to
 * 1.56 (log 0.45: shm's 1 MiB on one CPU 0.041 ms in one run, 0.064 ms in
 * another, each run's halves agreeing), and with NOISE_FLOOR two runs of
 * `validate --quick` in five called a claim both ways. A claim is called
 * both ways only if two medians sit on either side of its bound by more
 * than twice the noise each: 12 % keeps drifts up to a factor 1.6 from
 * doing it. Times of one run compared with each other (rankings) move
 * together, and keep NOISE_FLOOR.
 */
#define BOUND_NOISE_FLOOR 0.12
double timing_noise(const struct stats *st);
/* Is slow slower than fast beyond their noise: its median above fast's by
 * more than twice their noises together (in log scale, the two added as
 * independent errors, root of the sum of squares)? */
bool slower_beyond_noise(const struct stats *fast, const struct stats *slow);

/*
 * A CPU counts as busy with other work when more than BUSY_PCT % of a look
 * of BUSY_LOOK_MS, made while validate itself sleeps, went to something
 * else (run.c, before and after the untraced runs): a CPU-bound process
 * takes all of it, the machine's own housekeeping a few %.
 */
#define BUSY_PCT	50
#define BUSY_LOOK_MS	100
/*
 * /proc/stat's per-CPU lines (cpu0, cpu1, ...) from f: for each CPU below
 * ncpus, its ticks busy (user, nice, system, irq, softirq, and steal: time
 * the hypervisor gave to another machine) and in all (those, idle and
 * iowait) into busy[] and total[] (left 0 for a CPU not listed). Lines
 * are read through a bounded buffer; a longer one is skipped whole. 0, or
 * -1 if f had no per-CPU line.
 */
int proc_stat_ticks(FILE *f, uint64_t busy[], uint64_t total[], int ncpus);

/* A run's own time (its elapsed_ns), if it gave one and there is room. */
void timing_add(struct timing *t, const struct wjson *doc);
/* Median, min and max of the runs; runs = 0 when there were none. */
struct stats timing_stats(const struct timing *t);
/* qsort order of doubles, ascending */
int cmp_double(const void *a, const void *b);

/* A mechanism's times, for a ranking; cmp_ranked: fastest first by median */
struct ranked {
	char mech[32];
	struct stats st;
};

int cmp_ranked(const void *a, const void *b);
/* r[0..k) sorted fastest first and written "pipe < unix ≈ tcp", "≈" where
 * a step is within the noise (slower_beyond_noise); medians: each name's
 * median after it ("pipe 2.55 < ..."). Returns the length written. */
int ranking_text(char *buf, size_t len, struct ranked *r, size_t k, bool medians);

/*
 * sweep.c: the size sweep. Per mechanism, one transfer of each size from
 * 1 B to 4 MiB (powers of 4), timed untraced in two placements: both ends
 * on one CPU, and on two.
 */
#define SWEEP_SIZES 12
#define SWEEP_MECHS 5
#define SWEEP_PLACES 2		/* PLACE_ONE_CPU, PLACE_TWO_CPUS */
extern const uint64_t sweep_sizes[SWEEP_SIZES];

struct sweep_mech {
	const char *mech;		/* "pipe": the claims' name for it */
	const char *label;		/* "shm, steady state" */
	const char *workload;
	char size_arg[24], count_arg[24];	/* sweep_experiment's */
	struct timing t[SWEEP_SIZES][SWEEP_PLACES];
	char error[256];		/* a run that failed: the first one's why */
};

extern struct sweep_mech sweep_mechs[SWEEP_MECHS];

/* e: the transfer of size bytes through m (its arguments point into m) */
void sweep_experiment(struct experiment *e, struct sweep_mech *m, uint64_t size);
/* Forget the sweep's timings and errors. */
void sweep_clear(void);
/* The throughput of size bytes in ms milliseconds, in MiB/s */
double sweep_mib_per_s(uint64_t size, double ms);
/* "1 B", "16 KiB", "4 MiB" */
void size_text(char *buf, size_t len, uint64_t size);
/* "shm < pipe ≈ unix < msgq < tcp": the mechanisms timed at the size_i-th
   size in placement p, fastest first by median, "≈" where a step is
   within the noise (slower_beyond_noise); "" when none was timed */
void sweep_ranking(char *buf, size_t len, size_t size_i, enum placement p);
/* Was any size timed in placement p? */
bool sweep_ran(enum placement p);

/* run.c */
/* Every experiment, runs timed runs of each 1 MiB one in each placement; -1 if tracing
 * cannot start (said why). Workload outputs go to tmpdir. */
int run_experiments(bool quick, int runs, const char *tmpdir);
/* n timed experiments (es) again: runs more untraced runs in each
 * placement, interleaved */
void time_again(struct experiment *const *es, size_t n, int runs, const char *tmpdir);
/* The size sweep: runs untraced runs of each size and mechanism in each
 * placement of the sweep (two CPUs only where there are two), the runs
 * interleaved so that a slow spell falls on all alike */
void run_sweep(int runs, const char *tmpdir);

/* verdict.c */
/* V_INCONCLUSIVE: something that can happen was not seen in every trial
   asked; that does not show it cannot */
enum verdict { V_HOLDS, V_FAILS, V_PARTLY, V_UNCHECKED, V_INCONCLUSIVE, V_MAX };

extern const char *const verdict_names[V_MAX];

struct result {
	enum verdict verdict;
	bool has_number, has_bool;
	double number;
	bool boolean;
	char how[384];		/* what was measured, or why it was not */
	const char *experiment;
};

/* The timed experiments of the time and ranking claims judged too close
 * to call (V_INCONCLUSIVE): out[0..return), each once; more runs may
 * decide them */
size_t undecided_timings(const struct claim *claims, size_t n,
			 const struct result *res, struct experiment *out[NEXP]);
/* Not checked, and why. */
void unchecked(struct result *r, const char *why);
/* Each claim judged into res[i]; count[v]: the claims with verdict v
 * (set, not added to). */
void judge_all(const struct claim *claims, size_t n, struct result *res,
	       size_t count[V_MAX]);

/* measure.c */
/*
 * Measure a claim's metric (a number or a property) into r: false when it
 * was not measured, with r->how saying why and r->verdict V_UNCHECKED.
 * A measurement can set r->verdict itself (V_PARTLY, V_INCONCLUSIVE).
 */
bool measure(const struct claim *c, struct result *r);
/* The i-th metric measured (a name may come again, for another
 * mechanism), from 0; NULL past the last. The claims format's metrics
 * (claims_metric_name) are these and rank_time_1mb, which verdict.c
 * judges from the timings. */
const char *measure_metric_name(size_t i);

/* Did the experiment's traced run see its transfer's marks (USDT)? Its
 * counts below are then of the transfer alone, between them. */
bool transfer_marked(const struct experiment *e);
/* What moving 1 MiB cost a mechanism in its experiment's traced run. */
uint64_t ipc_syscalls(const struct experiment *e, const char *mech);
uint64_t ipc_faults(const struct experiment *e, const char *mech);
uint64_t context_switches(const struct experiment *e);
/* Bytes copied between user and kernel memory per byte of the 1 MiB moved. */
double copies_per_byte(const struct experiment *e, const char *mech,
		       struct ipc_copies *cp);

/* What one signal costs, from the kernel's counts of the ping-pong run. */
struct signal_cost {
	uint64_t handled;		/* SIGUSR1 delivered to a handler */
	double kill, wait, sigreturn;	/* those syscalls per signal */
	double syscalls, switches;	/* their sum; context switches */
};

bool signal_cost(const struct experiment *e, struct signal_cost *sc);

/* render.c, render_json.c */
/* Where the machine and the run came from: every report states it. */
struct provenance {
	char kernel[65];
	char cpu[128];
	long cores;
	/* the two CPUs of the two-CPU placement and how they relate ("SMT
	   siblings of one core", "two cores sharing L3"); cpus[1] = -1: the
	   machine has one CPU, that placement was not run */
	int cpus[2];
	char topology[160];
	char date[32];
	int runs;		/* timed runs per figure, untraced and traced each */
	int sweep_runs;		/* ... per size of the sweep; 0: not swept */
	/* the experiments whose timings were too close to call after the
	   first runs, given as many again (in every placement) */
	const struct experiment *retimed[NEXP];
	size_t nretimed;
};

struct report {
	const char *claims_path;
	bool quick;
	const struct claim *claims;
	const struct result *res;
	size_t n;
	struct provenance prov;
	size_t count[V_MAX];	/* claims per verdict */
};

/* The claim about a mechanism's metric; NULL if there is none */
const struct claim *find_claim(const struct claim *claims, size_t n,
			       const char *mech, const char *metric);
/* The size sweep as an SVG picture (chart.c) */
void sweep_svg(FILE *out, const struct report *rp);
/* What a claim says, as the reports show it: "approx 0.1 ±50%". */
void claimed_text(char *buf, size_t len, const struct claim *c);
void print_text(FILE *out, const struct report *rp);
void print_markdown(FILE *out, const struct report *rp);
/* -1 when out of memory or the write failed */
int write_json(FILE *f, const struct report *rp);

#endif /* VALIDATE_VALIDATE_H */
