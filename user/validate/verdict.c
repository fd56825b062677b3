// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * verdict.c - each claim judged: measured (measure.c) and compared with
 * what it claims (claims.c says how a number compares), or a ranking
 * checked against the untraced median times.
 */
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

void judge_all(const struct claim *claims, size_t n, struct result *res,
	       size_t count[V_MAX])
{
	for (size_t i = 0; i < n; i++) {
		judge(&claims[i], &res[i]);
		count[res[i].verdict]++;
	}
}
