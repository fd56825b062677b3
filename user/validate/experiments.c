// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * experiments.c - the experiments of `ipcscope validate`: each a bundled
 * workload (build/workloads/) with its arguments, and what its runs left
 * behind: the traced run's maps, the workload's own JSON, the timings.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"
#include "validate.h"

#define EXP(n, w, ...) { .name = n, .workload = w, .args = { __VA_ARGS__ } }
#define TIMED(n, w, ...) { .name = n, .workload = w, .timed = true, \
			   .args = { __VA_ARGS__ } }
const char *const placement_names[PLACE_MAX] = {
	[PLACE_ONE_CPU] = "one CPU", [PLACE_TWO_CPUS] = "two CPUs",
	[PLACE_UNPINNED] = "unpinned",
};
const char *const placement_keys[PLACE_MAX] = {
	[PLACE_ONE_CPU] = "one_cpu", [PLACE_TWO_CPUS] = "two_cpus",
	[PLACE_UNPINNED] = "unpinned",
};

/* The 1 MiB ones in the order of the reference document's table; shared
 * memory twice: its steady state, then its first touch. */
struct experiment experiments[] = {
	{ .name = "shm-warm-1mib", .workload = "shm", .timed = true,
	  .label = "shm, steady state",
	  .args = { "--api", "sysv", "--size", "1048576", "--warm", "yes" } },
	{ .name = "shm-1mib", .workload = "shm", .timed = true,
	  .label = "shm, first touch",
	  .args = { "--api", "sysv", "--size", "1048576" } },
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

_Static_assert(ARRAY_SIZE(experiments) == NEXP, "NEXP is the table's size");

struct experiment *experiment(const char *name)
{
	for (size_t i = 0; i < NEXP; i++)
		if (!strcmp(experiments[i].name, name))
			return &experiments[i];
	return NULL;
}

struct experiment *mib_experiment(const char *mech)
{
	char name[32];

	snprintf(name, sizeof(name), "%s-1mib", mech);
	return experiment(name);
}

struct experiment *timing_experiment(const char *mech)
{
	return strcmp(mech, "shm") ? mib_experiment(mech) : experiment("shm-warm-1mib");
}

void exp_label(char *buf, size_t len, const struct experiment *e)
{
	if (e->label)
		snprintf(buf, len, "%s", e->label);
	else
		exp_mech(buf, len, e);
}

void exp_mech(char *buf, size_t len, const struct experiment *e)
{
	snprintf(buf, len, "%.*s", (int)strcspn(e->name, "-"), e->name);
}

const char *const *experiment_args(const struct experiment *e, bool quick)
{
	return quick && e->quick_args[0] ? e->quick_args : e->args;
}

void command_line(char *buf, size_t len, const struct experiment *e, bool quick)
{
	const char *const *args = experiment_args(e, quick);
	int n = snprintf(buf, len, "%s", e->workload);

	for (int i = 0; args[i] && n < (int)len; i++)
		n += snprintf(buf + n, len - n, " %s", args[i]);
}

void experiments_clear(void)
{
	for (size_t i = 0; i < NEXP; i++) {
		struct experiment *e = &experiments[i];

		snapshot_free(&e->snap);
		memset(&e->snap, 0, sizeof(e->snap));
		wjson_free(e->out);
		e->out = NULL;
		e->ran = false;
		e->trials = 0;
		e->error[0] = '\0';
		memset(e->untraced, 0, sizeof(e->untraced));
		memset(&e->traced, 0, sizeof(e->traced));
	}
}

int proc_stat_ticks(FILE *f, uint64_t busy[], uint64_t total[], int ncpus)
{
	char line[512];
	bool any = false, whole = true;

	memset(busy, 0, ncpus * sizeof(busy[0]));
	memset(total, 0, ncpus * sizeof(total[0]));
	while (fgets(line, sizeof(line), f)) {
		/* a line longer than the buffer: the rest of it is no line */
		bool start = whole;
		unsigned long long v[8] = { 0 };
		int cpu, n;

		whole = strchr(line, '\n') != NULL;
		if (!start || !whole || strncmp(line, "cpu", 3) || line[3] < '0' || line[3] > '9')
			continue;
		/* user nice system idle iowait irq softirq steal */
		n = sscanf(line + 3, "%d %llu %llu %llu %llu %llu %llu %llu %llu", &cpu,
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
		if (n < 5 || cpu < 0 || cpu >= ncpus)
			continue;
		busy[cpu] = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
		total[cpu] = busy[cpu] + v[3] + v[4];
		any = true;
	}
	return any ? 0 : -1;
}

void timing_add(struct timing *t, const struct wjson *doc)
{
	uint64_t ns;

	if (t->n < MAX_RUNS && !wjson_u64(doc, "elapsed_ns", &ns))
		t->ms[t->n++] = ns / 1e6;
}

int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int cmp_ranked(const void *a, const void *b)
{
	return cmp_double(&((const struct ranked *)a)->st.median,
			  &((const struct ranked *)b)->st.median);
}

int ranking_text(char *buf, size_t len, struct ranked *r, size_t k, bool medians)
{
	int n = 0;

	qsort(r, k, sizeof(r[0]), cmp_ranked);
	buf[0] = '\0';
	for (size_t i = 0; i < k && n >= 0 && n < (int)len; i++) {
		n += snprintf(buf + n, len - n, "%s%s", !i ? "" :
			      slower_beyond_noise(&r[i - 1].st, &r[i].st) ? " < " : " ≈ ",
			      r[i].mech);
		if (medians && n >= 0 && n < (int)len)
			n += snprintf(buf + n, len - n, " %.2f", r[i].st.median);
	}
	return n < 0 ? 0 : n < (int)len ? n : (int)len - 1;
}

/* The median of v[0..n) (n > 0), which it sorts */
static double median_of(double *v, int n)
{
	qsort(v, n, sizeof(v[0]), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct stats timing_stats(const struct timing *t)
{
	struct stats st = { .runs = t->n };
	double ms[MAX_RUNS], a, b;
	int n = t->n;

	if (!n)
		return st;
	/* the earlier half of the runs against the later half, in the order
	   they were made */
	if (n >= 4) {
		memcpy(ms, t->ms, n * sizeof(ms[0]));
		a = median_of(ms, n / 2);
		b = median_of(ms + n / 2, n - n / 2);
		st.drift_log = a > 0 && b > 0 ? fabs(log(a / b)) : 0;
	}
	memcpy(ms, t->ms, n * sizeof(ms[0]));
	st.median = median_of(ms, n);
	st.min = ms[0];
	st.max = ms[n - 1];
	for (int i = 0; i < n; i++)
		ms[i] = ms[i] > 0 && st.median > 0 ? fabs(log(ms[i] / st.median)) : 0;
	st.mad_log = median_of(ms, n);
	return st;
}

double timing_noise(const struct stats *st)
{
	double se = st->runs ? 1.2533 * 1.4826 * st->mad_log / sqrt(st->runs) : INFINITY;
	double noise = hypot(se, st->drift_log);

	return noise > NOISE_FLOOR ? noise : NOISE_FLOOR;
}

bool slower_beyond_noise(const struct stats *fast, const struct stats *slow)
{
	return log(slow->median / fast->median) >
	       2 * hypot(timing_noise(fast), timing_noise(slow));
}
