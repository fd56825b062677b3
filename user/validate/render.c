// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * render.c - the report of `ipcscope validate` as text (a terminal's,
 * coloured only there) and as Markdown (a report to publish): the 1 MiB
 * comparison per mechanism, then a row per claim, through the shared
 * tables (table.c). render_json.c writes the same as JSON.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "table.h"
#include "validate.h"

void claimed_text(char *buf, size_t len, const struct claim *c)
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

const struct claim *find_claim(const struct claim *claims, size_t n,
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

#define MIB_COLS 11
static const char *const mib_headers[MIB_COLS] = {
	"MECHANISM", "1 CPU ms", "2 CPUS ms", "UNPINNED ms", "CLAIMED ms", "TRACED",
	"COPIES/B", "SYSCALLS", "MODE SWITCHES", "CTX SWITCHES*", "PAGE FAULTS",
};

/* One row per mechanism (shared memory's steady state and first touch):
 * what moving 1 MiB cost in each placement, claimed values beside. The
 * counts are of the first-touch run for shared memory (the one traced
 * for them). */
static int mib_table(struct table *t, const struct claim *claims, size_t n)
{
	char cell[MIB_COLS][128];
	const char *cells[MIB_COLS];
	struct signal_cost sc;
	struct experiment *sig = experiment("signal-pingpong");

	if (table_init(t, MIB_COLS, mib_headers, "lrrrrrrrrrr"))
		return -1;
	for (int i = 0; i < MIB_COLS; i++)
		cells[i] = cell[i];
	for (size_t i = 0; i < NEXP; i++) {
		struct experiment *e = &experiments[i];
		struct stats u = timing_stats(&e->untraced[PLACE_ONE_CPU]);
		struct stats tr = timing_stats(&e->traced);
		const struct claim *c;
		size_t nc;
		char mech[16];
		long row;

		if (!e->timed)
			continue;
		exp_mech(mech, sizeof(mech), e);
		/* each row's counts are its own transfer's (between its marks);
		   the claims beside the row that judges them (shared memory's
		   steady state, the first touch shown for comparison) */
		nc = e == timing_experiment(mech) ? n : 0;
		for (int k = 0; k < MIB_COLS; k++)
			snprintf(cell[k], sizeof(cell[k]), "-");
		exp_label(cell[0], sizeof(cell[0]), e);
		for (int p = 0; p < PLACE_MAX; p++) {
			struct stats up = timing_stats(&e->untraced[p]);

			if (up.runs)
				fmt_num(cell[1 + p], sizeof(cell[1 + p]), up.median);
		}
		c = find_claim(claims, n, mech, "time_1mb_ms");
		if (c && e == timing_experiment(mech))
			claimed_short(cell[4], sizeof(cell[4]), c);
		if (u.runs && tr.runs && u.median > 0)
			snprintf(cell[5], sizeof(cell[5]), "x%.2f", tr.median / u.median);
		if (e->ran) {
			struct ipc_copies cp;
			uint64_t calls = ipc_syscalls(e, mech), faults = ipc_faults(e, mech);

			vs_claim(cell[6], sizeof(cell[6]), copies_per_byte(e, mech, &cp),
				 claims, nc, mech, "copies_per_byte");
			vs_claim(cell[7], sizeof(cell[7]), calls, claims, nc, mech,
				 "syscalls_1mb");
			vs_claim(cell[8], sizeof(cell[8]), 2.0 * (calls + faults), claims,
				 nc, mech, "mode_switches_1mb");
			vs_claim(cell[9], sizeof(cell[9]), context_switches(e), claims, nc,
				 mech, "context_switches_1mb");
			vs_claim(cell[10], sizeof(cell[10]), faults, claims, nc, mech,
				 "page_faults_1mb");
		}
		row = table_add(t, cells);
		if (row < 0)
			return -1;
		if (!e->ran || !u.runs)
			table_note(t, row, e->error);
	}
	/* signals move no payload: their row is per signal */
	for (int k = 0; k < MIB_COLS; k++)
		snprintf(cell[k], sizeof(cell[k]), "-");
	snprintf(cell[0], sizeof(cell[0]), "signal, per signal");
	if (sig->ran && signal_cost(sig, &sc)) {
		vs_claim(cell[7], sizeof(cell[7]), sc.syscalls, claims, n, "signal",
			 "syscalls_1mb");
		vs_claim(cell[8], sizeof(cell[8]), 2 * sc.syscalls, claims, n, "signal",
			 "mode_switches_1mb");
		fmt_num(cell[9], sizeof(cell[9]), sc.switches);
	}
	return table_add(t, cells) < 0 ? -1 : 0;
}

static const char mib_footnote[] =
	"1 CPU, 2 CPUs, unpinned: untraced medians with both ends on one CPU, one "
	"on each of two, or where the scheduler put them. Shared memory's steady "
	"state is mapped and touched before the timing; its first touch takes "
	"the page faults. "
	"copies/B: bytes copied between user and kernel memory per payload byte. "
	"Syscalls (IPC ones), mode switches (2 per syscall and per page fault), "
	"*context switches (of both processes) and page faults: of the transfer, "
	"counted between the marks the workload sets at its start and end (USDT "
	"probes); the set-up before and the teardown after are counted apart "
	"(phase by phase, below). Claimed values in brackets.";

/* "pipe 2.55 < unix 2.80 ≈ ... ms": the timed rows by untraced median in
 * one placement ("" when none was timed there) */
static void measured_ranking(char *buf, size_t len, enum placement p)
{
	struct ranked r[NEXP];
	size_t k = 0;
	int n;

	for (size_t i = 0; i < NEXP; i++) {
		if (!experiments[i].timed || !experiments[i].untraced[p].n)
			continue;
		exp_label(r[k].mech, sizeof(r[k].mech), &experiments[i]);
		r[k++].st = timing_stats(&experiments[i].untraced[p]);
	}
	n = ranking_text(buf, len, r, k, true);
	if (k && n < (int)len)
		snprintf(buf + n, len - n, " ms");
}

/* Each timed experiment's traced run, phase by phase (its transfer's
 * marks); 1 when no run saw its marks (no table), -1 out of memory */
static int phase_table(struct table *t)
{
	static const char *const headers[] = {
		"TRANSFER", "PHASE", "SYSCALLS", "CTX SWITCHES", "PAGE FAULTS",
		"OF IPC'S LIFE",
	};
	char cell[6][256];
	const char *cells[6];
	bool any = false;

	if (table_init(t, 6, headers, "llrrrl"))
		return -1;
	for (int i = 0; i < 6; i++)
		cells[i] = cell[i];
	for (size_t i = 0; i < NEXP; i++) {
		const struct experiment *e = &experiments[i];

		if (!e->timed || !e->ran || !e->snap.phases)
			continue;
		any = true;
		for (int p = 0; p < IPC_PHASES; p++) {
			const struct ipc_phase_counts *c = &e->snap.phase[p];

			if (p == 0)
				exp_label(cell[0], sizeof(cell[0]), e);
			else
				cell[0][0] = '\0';
			snprintf(cell[1], sizeof(cell[1]), "%s", phase_names[p]);
			snprintf(cell[2], sizeof(cell[2]), "%" PRIu64, (uint64_t)c->syscalls);
			snprintf(cell[3], sizeof(cell[3]), "%" PRIu64,
				 (uint64_t)(c->vol_switches + c->invol_switches));
			snprintf(cell[4], sizeof(cell[4]), "%" PRIu64, (uint64_t)c->page_faults);
			snapshot_phase_text(cell[5], sizeof(cell[5]), &e->snap, p, true, 6);
			if (table_add(t, cells) < 0)
				return -1;
		}
	}
	return any ? 0 : 1;
}

static const char phase_footnote[] =
	"The traced run of each transfer, both ends on one CPU, in three phases: "
	"before the workload's start mark (its set-up: the process, the object, "
	"the start barrier), between its start and end marks (the transfer), "
	"after (the teardown). A syscall counts in the phase it returned in; a "
	"switch or a fault in the one it happened in. Of IPC's life: the IPC "
	"operations, and the calls that make, map, connect or remove an IPC "
	"object or start a process (all syscalls: record --usdt-phase).";

/* The sweep in placement p: a row per size, a column per mechanism */
static int sweep_table(struct table *t, enum placement p)
{
	const char *headers[SWEEP_MECHS + 2] = { "SIZE" };
	char cell[SWEEP_MECHS + 2][96];
	const char *cells[SWEEP_MECHS + 2];

	for (size_t m = 0; m < SWEEP_MECHS; m++)
		headers[1 + m] = sweep_mechs[m].mech;
	headers[SWEEP_MECHS + 1] = "FASTEST FIRST";
	if (table_init(t, SWEEP_MECHS + 2, headers, "lrrrrrl"))
		return -1;
	for (int i = 0; i < SWEEP_MECHS + 2; i++)
		cells[i] = cell[i];
	for (size_t si = 0; si < SWEEP_SIZES; si++) {
		size_text(cell[0], sizeof(cell[0]), sweep_sizes[si]);
		for (size_t m = 0; m < SWEEP_MECHS; m++) {
			const struct timing *tm = &sweep_mechs[m].t[si][p];

			if (tm->n)
				fmt_num(cell[1 + m], sizeof(cell[1 + m]),
					timing_stats(tm).median);
			else
				snprintf(cell[1 + m], sizeof(cell[1 + m]), "-");
		}
		sweep_ranking(cell[SWEEP_MECHS + 1], sizeof(cell[0]), si, p);
		if (table_add(t, cells) < 0)
			return -1;
	}
	return 0;
}

static const char sweep_footnote[] =
	"One transfer of each size, timed by the workload from the first send "
	"to the last receive, once the receiver waits; shm in its steady state "
	"(the copy in and the hand-off); msgq above 8 KiB in 8 KiB messages. "
	"Untraced medians, in ms.";

/* A mechanism's runs that failed, under the tables (md: a Markdown list) */
static void sweep_errors(FILE *out, bool md)
{
	for (size_t m = 0; m < SWEEP_MECHS; m++) {
		if (!sweep_mechs[m].error[0])
			continue;
		fprintf(out, "%ssweep, %s: a run failed: ", md ? "\n- " : "  ",
			sweep_mechs[m].mech);
		if (md)
			md_escape(out, sweep_mechs[m].error);
		else
			fputs(sweep_mechs[m].error, out);
		fputs("\n", out);
	}
}

/* "7 more untraced runs in each placement for the timings too close to
 * call after the first: pipe, msgq" ("" when none was) */
static void retimed_text(char *buf, size_t len, const struct provenance *pv)
{
	int n;

	buf[0] = '\0';
	if (!pv->nretimed)
		return;
	n = snprintf(buf, len, "%d more untraced runs in each placement for the "
		     "timing%s too close to call after the first:", pv->runs,
		     pv->nretimed == 1 ? "" : "s");
	for (size_t i = 0; i < pv->nretimed && n >= 0 && n < (int)len; i++) {
		char label[32];

		exp_label(label, sizeof(label), pv->retimed[i]);
		n += snprintf(buf + n, len - n, "%s %s", i ? ";" : "", label);
	}
}

/* "both ends on CPU 0; on CPUs 0 and 1 (two cores ...); unpinned" */
static void placements_text(char *buf, size_t len, const struct provenance *pv)
{
	if (pv->cpus[1] < 0)
		snprintf(buf, len, "one CPU: both ends on CPU %d; two CPUs: not run "
			 "(this process may use one CPU); unpinned", pv->cpus[0]);
	else
		snprintf(buf, len, "one CPU: both ends on CPU %d; two CPUs: CPUs %d "
			 "and %d (%s); unpinned: where the scheduler put them",
			 pv->cpus[0], pv->cpus[0], pv->cpus[1], pv->topology);
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

void print_text(FILE *out, const struct report *rp)
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
	placements_text(line, sizeof(line), &rp->prov);
	fprintf(out, "timings: medians of %d untraced runs in each placement (%s) and "
		"of %d traced runs on one CPU\n", rp->prov.runs, line, rp->prov.runs);
	retimed_text(line, sizeof(line), &rp->prov);
	if (line[0])
		fprintf(out, "%s\n", line);

	fprintf(out, "\nMOVING 1 MiB\n");
	if (!mib_table(&t, rp->claims, rp->n))
		table_print_text(&t, out, 2, colour);
	table_free(&t);
	fprintf(out, "  %s\n", mib_footnote);
	for (int p = 0; p < PLACE_MAX; p++) {
		measured_ranking(line, sizeof(line), p);
		if (line[0])
			fprintf(out, "  fastest to slowest, %s: %s\n", placement_names[p], line);
	}
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

	for (int p = 0; p < SWEEP_PLACES && rp->prov.sweep_runs; p++) {
		if (!sweep_ran(p))
			continue;
		fprintf(out, "\nONE TRANSFER BY SIZE, %s (ms, medians of %d untraced runs)\n",
			p == PLACE_ONE_CPU ? "ONE CPU" : "TWO CPUS", rp->prov.sweep_runs);
		if (!sweep_table(&t, p))
			table_print_text(&t, out, 2, colour);
		table_free(&t);
	}
	if (rp->prov.sweep_runs) {
		fprintf(out, "  %s Throughput and charts: --markdown or --svg.\n",
			sweep_footnote);
		sweep_errors(out, false);
	}

	if (!phase_table(&t)) {
		fprintf(out, "\nTHE 1 MiB TRANSFERS, PHASE BY PHASE\n");
		table_print_text(&t, out, 2, colour);
		fprintf(out, "  %s\n", phase_footnote);
	}
	table_free(&t);

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

/* The title, the result and where the run came from. */
static void md_head(FILE *out, const struct report *rp)
{
	char line[512];

	fputs("# Checking a document's claims about IPC by measurement\n\n", out);
	fprintf(out, "ipcscope %s ran its bundled workloads under tracing and checked "
		"each claim of `%s` against what the kernel saw.\n\n", IPCSCOPE_VERSION,
		rp->claims_path);
	summary_line(line, sizeof(line), rp);
	fprintf(out, "**Result: %s.**\n\n", line);
	/* by hand: table.c's would differ (its empty header cell written
	   "|  |", the kernel release escaped) */
	fputs("| Provenance | |\n| --- | --- |\n", out);
	fprintf(out, "| Date | %s |\n| Kernel | %s |\n", rp->prov.date, rp->prov.kernel);
	fputs("| CPU | ", out);
	md_escape(out, rp->prov.cpu);
	fprintf(out, " (%ld cores) |\n| ipcscope | %s |\n", rp->prov.cores, IPCSCOPE_VERSION);
	placements_text(line, sizeof(line), &rp->prov);
	fprintf(out, "| Timed runs | %d untraced per figure in each placement, %d traced "
		"on one CPU; the median is reported", rp->prov.runs, rp->prov.runs);
	retimed_text(line, sizeof(line), &rp->prov);
	if (line[0]) {
		fputs(". ", out);
		md_escape(out, line);
	}
	fputs(" |\n| Placements | ", out);
	md_escape(out, line);
	fputs(" |\n", out);
	fprintf(out, "| Run | %s |\n\n", rp->quick ? "`--quick` (smaller counts)" : "full");
}

/* The 1 MiB table and the rankings, measured and claimed. */
static void md_mib(FILE *out, const struct report *rp)
{
	char line[512];
	struct table t;

	fputs("## Moving 1 MiB, per mechanism\n\n", out);
	if (!mib_table(&t, rp->claims, rp->n))
		table_print_markdown(&t, out);
	table_free(&t);
	fputs("\n", out);
	md_escape(out, mib_footnote);
	fputs(" TRACED: the traced median over the untraced one, on one CPU.\n\n", out);
	for (int p = 0; p < PLACE_MAX; p++) {
		measured_ranking(line, sizeof(line), p);
		if (line[0])
			fprintf(out, "- Fastest to slowest, %s: %s\n", placement_names[p], line);
	}
	for (size_t i = 0; i < rp->n; i++) {
		char claimed[128];

		if (rp->claims[i].type != CLAIM_RANKING)
			continue;
		claimed_text(claimed, sizeof(claimed), &rp->claims[i]);
		fprintf(out, "- Claimed (`%s`): %s: **%s**\n", rp->claims[i].id,
			claimed + strlen("order "), verdict_names[rp->res[i].verdict]);
	}
}

/* The transfers phase by phase */
static void md_phases(FILE *out)
{
	struct table t;

	if (!phase_table(&t)) {
		fputs("\n## The 1 MiB transfers, phase by phase\n\n", out);
		table_print_markdown(&t, out);
		fputs("\n", out);
		md_escape(out, phase_footnote);
		fputs("\n", out);
	}
	table_free(&t);
}

/* The sweep: its chart, then a table per placement */
static void md_sweep(FILE *out, const struct report *rp)
{
	struct table t;

	if (!rp->prov.sweep_runs)
		return;
	fputs("\n## One transfer by size\n\n", out);
	md_escape(out, sweep_footnote);
	fputs(" Top: time per transfer; bottom: throughput (the size over the "
	      "time); log-log. The document's 1 MB figures are marked at 1 MiB.\n\n",
	      out);
	sweep_svg(out, rp);
	for (int p = 0; p < SWEEP_PLACES; p++) {
		if (!sweep_ran(p))
			continue;
		fprintf(out, "\n%s, ms:\n\n", p == PLACE_ONE_CPU ?
			"Both ends on one CPU" : "One end on each of two CPUs");
		if (!sweep_table(&t, p))
			table_print_markdown(&t, out);
		table_free(&t);
	}
	sweep_errors(out, true);
}

/* A row per claim, then how each was measured. */
static void md_claims(FILE *out, const struct report *rp)
{
	static const char *const claim_headers[] = {
		"Claim", "The document says", "Claimed", "Measured", "Verdict",
	};
	struct table t;

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
}

/* Each experiment's command and whether it ran. */
static void md_experiments(FILE *out, const struct report *rp)
{
	char line[512];

	fputs("\n## Experiments\n\nEach is one traced run of a bundled workload "
	      "(`build/workloads/`), which prints its own counts as JSON.\n\n", out);
	/* by hand: the command is code, in backticks, which table.c escapes */
	fputs("| Experiment | Command | Result |\n| --- | --- | --- |\n", out);
	for (size_t i = 0; i < NEXP; i++) {
		command_line(line, sizeof(line), &experiments[i], rp->quick);
		fprintf(out, "| %s | `%s` | ", experiments[i].name, line);
		md_escape(out, experiments[i].ran ? "ran" : experiments[i].error);
		fputs(" |\n", out);
	}
}

void print_markdown(FILE *out, const struct report *rp)
{
	md_head(out, rp);
	md_mib(out, rp);
	md_phases(out);
	md_sweep(out, rp);
	md_claims(out, rp);
	md_experiments(out, rp);
}
