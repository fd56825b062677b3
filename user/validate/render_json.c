// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * render_json.c - the results of `ipcscope validate` as JSON, through the
 * shared writer (json.c); the schema is in docs/json-schema.md.
 */
#include "json.h"
#include "report.h"
#include "validate.h"

/* The runs, median, min and max of a timing, in an object left open */
static struct stats json_stats_begin(struct json_writer *jw, const char *key,
				     const struct timing *t)
{
	struct stats st = timing_stats(t);

	jw_key(jw, key);
	jw_object_begin(jw);
	jw_kv_uint(jw, "runs", st.runs);
	jw_kv_double(jw, "median", st.median);
	jw_kv_double(jw, "min", st.min);
	jw_kv_double(jw, "max", st.max);
	return st;
}

static void json_stats(struct json_writer *jw, const char *key, const struct timing *t)
{
	json_stats_begin(jw, key, t);
	jw_object_end(jw);
}

static void json_experiment(struct json_writer *jw, const struct experiment *e,
			    bool quick)
{
	char cmd[256];

	command_line(cmd, sizeof(cmd), e, quick);
	jw_object_begin(jw);
	jw_kv_string(jw, "name", e->name);
	jw_kv_string(jw, "workload", e->workload);
	jw_kv_string(jw, "command", cmd);
	jw_kv_bool(jw, "ran", e->ran);
	if (e->timed) {
		struct stats u = timing_stats(&e->untraced[PLACE_ONE_CPU]);
		struct stats t = timing_stats(&e->traced);
		char label[64];

		exp_label(label, sizeof(label), e);
		jw_kv_string(jw, "label", label);
		jw_key(jw, "timing_ms");
		jw_object_begin(jw);
		/* by placement; a placement not run is null */
		jw_key(jw, "untraced");
		jw_object_begin(jw);
		for (int p = 0; p < PLACE_MAX; p++) {
			if (e->untraced[p].n) {
				json_stats(jw, placement_keys[p], &e->untraced[p]);
			} else {
				jw_key(jw, placement_keys[p]);
				jw_null(jw);
			}
		}
		jw_object_end(jw);
		json_stats(jw, "traced", &e->traced);
		jw_key(jw, "overhead");
		if (u.runs && t.runs && u.median > 0)
			jw_double(jw, t.median / u.median);
		else
			jw_null(jw);
		jw_object_end(jw);
	}
	if (e->timed) {
		/* its traced run, phase by phase (null: not counted by phase) */
		jw_key(jw, "phases");
		if (e->ran && e->snap.phases) {
			jw_object_begin(jw);
			report_json_phase_counts(jw, &e->snap);
			jw_object_end(jw);
		} else {
			jw_null(jw);
		}
	}
	jw_key(jw, "error");
	if (e->ran)
		jw_null(jw);
	else
		jw_string(jw, e->error);
	jw_object_end(jw);
}

static void json_claim(struct json_writer *jw, const struct claim *c,
		       const struct result *r)
{
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

/* "cpus": [a, b] */
static void json_cpus(struct json_writer *jw, int a, int b)
{
	jw_key(jw, "cpus");
	jw_array_begin(jw);
	jw_int(jw, a);
	jw_int(jw, b);
	jw_array_end(jw);
}

/* "sweep": per mechanism, per size, per placement: the runs' stats and the
 * throughput of the median; null when not swept */
static void json_sweep(struct json_writer *jw, const struct report *rp)
{
	jw_key(jw, "sweep");
	if (!rp->prov.sweep_runs) {
		jw_null(jw);
		return;
	}
	jw_object_begin(jw);
	jw_kv_uint(jw, "runs", rp->prov.sweep_runs);
	jw_key(jw, "sizes");
	jw_array_begin(jw);
	for (size_t si = 0; si < SWEEP_SIZES; si++)
		jw_uint(jw, sweep_sizes[si]);
	jw_array_end(jw);
	jw_key(jw, "mechanisms");
	jw_array_begin(jw);
	for (size_t m = 0; m < SWEEP_MECHS; m++) {
		const struct sweep_mech *sm = &sweep_mechs[m];

		jw_object_begin(jw);
		jw_kv_string(jw, "mechanism", sm->mech);
		jw_kv_string(jw, "label", sm->label);
		jw_key(jw, "points");
		jw_array_begin(jw);
		for (size_t si = 0; si < SWEEP_SIZES; si++) {
			jw_object_begin(jw);
			jw_kv_uint(jw, "size", sweep_sizes[si]);
			for (int p = 0; p < SWEEP_PLACES; p++) {
				const struct timing *t = &sm->t[si][p];
				struct stats st;

				if (!t->n) {
					jw_key(jw, placement_keys[p]);
					jw_null(jw);
					continue;
				}
				st = json_stats_begin(jw, placement_keys[p], t);
				jw_key(jw, "mib_per_s");	/* of the median */
				if (st.median > 0)
					jw_double(jw, sweep_mib_per_s(sweep_sizes[si],
								      st.median));
				else
					jw_null(jw);
				jw_object_end(jw);
			}
			jw_object_end(jw);
		}
		jw_array_end(jw);
		jw_key(jw, "error");
		if (sm->error[0])
			jw_string(jw, sm->error);
		else
			jw_null(jw);
		jw_object_end(jw);
	}
	jw_array_end(jw);
	jw_object_end(jw);
}

int write_json(FILE *f, const struct report *rp)
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
	/* where the two ends of a timed transfer ran */
	jw_key(jw, "placements");
	jw_object_begin(jw);
	jw_key(jw, "one_cpu");
	jw_object_begin(jw);
	json_cpus(jw, rp->prov.cpus[0], rp->prov.cpus[0]);
	jw_object_end(jw);
	jw_key(jw, "two_cpus");
	if (rp->prov.cpus[1] >= 0) {
		jw_object_begin(jw);
		json_cpus(jw, rp->prov.cpus[0], rp->prov.cpus[1]);
		jw_kv_string(jw, "topology", rp->prov.topology);
		jw_object_end(jw);
	} else {
		jw_null(jw);
	}
	jw_key(jw, "unpinned");
	jw_object_begin(jw);
	jw_key(jw, "cpus");
	jw_null(jw);
	jw_object_end(jw);
	jw_object_end(jw);
	jw_kv_uint(jw, "runs_per_figure", rp->prov.runs);
	/* given as many runs again: too close to call after the first */
	jw_key(jw, "retimed");
	jw_array_begin(jw);
	for (size_t i = 0; i < rp->prov.nretimed; i++)
		jw_string(jw, rp->prov.retimed[i]->name);
	jw_array_end(jw);
	jw_key(jw, "experiments");
	jw_array_begin(jw);
	for (size_t i = 0; i < NEXP; i++)
		json_experiment(jw, &experiments[i], rp->quick);
	jw_array_end(jw);
	json_sweep(jw, rp);
	jw_key(jw, "claims");
	jw_array_begin(jw);
	for (size_t i = 0; i < rp->n; i++)
		json_claim(jw, &rp->claims[i], &rp->res[i]);
	jw_array_end(jw);
	jw_object_end(jw);
	jw_free(jw);
	return fflush(f) || ferror(f) ? -1 : 0;
}
