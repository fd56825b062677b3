// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * verdict.c - each claim judged: measured (measure.c) and compared with
 * what it claims (claims.c says how a number compares), or a ranking
 * checked against the untraced median times of each placement.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "validate.h"

const char *const verdict_names[V_MAX] = {
	[V_HOLDS] = "holds",
	[V_FAILS] = "does not hold",
	[V_PARTLY] = "holds in part",
	[V_UNCHECKED] = "not checked",
	[V_INCONCLUSIVE] = "inconclusive",
};

void unchecked(struct result *r, const char *why)
{
	r->verdict = V_UNCHECKED;
	snprintf(r->how, sizeof(r->how), "%s", why);
}

/*
 * A fastest-to-slowest order, against the untraced runs of each placement
 * (shared memory's steady state). A step a < b is shown when b's median
 * exceeds a's by more than twice their noise together (timing_noise, a
 * factor: compared in log scale; the two noises added as independent
 * errors are, root of the sum of squares), contradicted when a's exceeds
 * b's so, else too close to call. The order
 * holds if every step is shown in one placement (named), does not hold if
 * a step is contradicted in every placement, else it is inconclusive. A
 * placement beside other work (busy_pct) shows and contradicts nothing.
 */
static void judge_ranking(const struct claim *c, struct result *r)
{
	int n = 0, held = 0, failed = 0, timed = 0;

	if (strcmp(c->metric, "rank_time_1mb")) {
		unchecked(r, "no experiment measures this ranking");
		return;
	}
	for (int p = 0; p < PLACE_MAX; p++) {
		struct stats st[CLAIMS_MAX_LIST];
		bool complete = true, shown = true, contradicted = false;
		int busy_cpu = -1, busy_pct = 0;

		for (int i = 0; i < c->norder && complete; i++) {
			struct experiment *e = timing_experiment(c->order[i]);

			st[i] = e ? timing_stats(&e->untraced[p]) : (struct stats){ 0 };
			complete = st[i].runs > 0;
			if (e && e->untraced[p].busy_pct > busy_pct) {
				busy_cpu = e->untraced[p].busy_cpu;
				busy_pct = e->untraced[p].busy_pct;
			}
		}
		if (!complete)
			continue;
		timed++;
		n += snprintf(r->how + n, sizeof(r->how) - n, "%s%s: ", n ? "; " : "",
			      placement_names[p]);
		for (int i = 0; i < c->norder && n < (int)sizeof(r->how); i++) {
			n += snprintf(r->how + n, sizeof(r->how) - n, "%s%s %.3f", i ? ", " : "",
				      c->order[i], st[i].median);
			if (!i)
				continue;
			if (!slower_beyond_noise(&st[i - 1], &st[i]))
				shown = false;
			if (slower_beyond_noise(&st[i], &st[i - 1]))
				contradicted = true;
		}
		/* beside other work the times are that work's too: no call */
		if (busy_pct && n < (int)sizeof(r->how))
			n += snprintf(r->how + n, sizeof(r->how) - n, " ms, not called: CPU "
				      "%d was busy with other work (%d%% of it while "
				      "validate waited)", busy_cpu, busy_pct);
		else if (n < (int)sizeof(r->how))
			n += snprintf(r->how + n, sizeof(r->how) - n, " ms, %s",
				      contradicted ? "not in that order" :
				      shown ? "in that order" : "too close to call");
		if (n >= (int)sizeof(r->how))
			n = sizeof(r->how) - 1;
		if (busy_pct)
			continue;
		held += shown;
		failed += contradicted;
	}
	if (!timed) {
		unchecked(r, "no placement timed every mechanism of the ranking");
		return;
	}
	r->verdict = held ? V_HOLDS : failed == timed ? V_FAILS : V_INCONCLUSIVE;
}

static void judge(const struct claim *c, struct result *r)
{
	memset(r, 0, sizeof(*r));
	r->verdict = V_HOLDS;
	if (c->type == CLAIM_RANKING) {
		judge_ranking(c, r);
		return;
	}
	if (!measure(c, r))
		return;
	if (c->type == CLAIM_BOOL) {
		r->verdict = r->boolean == c->boolean ? V_HOLDS : V_FAILS;
		return;
	}
	/* the measurement's own word: in part, or not seen */
	if (r->verdict == V_PARTLY || r->verdict == V_INCONCLUSIVE)
		return;
	r->verdict = claim_holds_number(c, r->number) ? V_HOLDS : V_FAILS;
}

/* Add e to out[0..*k) unless it is there */
static void add_once(struct experiment **out, size_t *k, struct experiment *e)
{
	for (size_t i = 0; i < *k; i++)
		if (out[i] == e)
			return;
	if (e && *k < NEXP)
		out[(*k)++] = e;
}

size_t undecided_timings(const struct claim *claims, size_t n,
			 const struct result *res, struct experiment *out[NEXP])
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		const struct claim *c = &claims[i];

		if (res[i].verdict != V_INCONCLUSIVE)
			continue;
		if (c->type == CLAIM_RANKING && !strcmp(c->metric, "rank_time_1mb"))
			for (int j = 0; j < c->norder; j++)
				add_once(out, &k, timing_experiment(c->order[j]));
		else if (!strcmp(c->metric, "time_1mb_ms"))
			add_once(out, &k, timing_experiment(c->mechanism));
	}
	return k;
}

void judge_all(const struct claim *claims, size_t n, struct result *res,
	       size_t count[V_MAX])
{
	memset(count, 0, V_MAX * sizeof(count[0]));
	for (size_t i = 0; i < n; i++) {
		judge(&claims[i], &res[i]);
		count[res[i].verdict]++;
	}
}
