// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * render.c - the story of one message laid out: as text (a numbered
 * lesson: each step, and under it what the kernel did and why it costs
 * what it costs, each explanation once), as JSON (the same steps and
 * sentences, with the figures), and as Markdown (a table of the steps,
 * the picture inline). What is said is words.c's; names from the traced
 * system come printable from there, and are escaped again for JSON and
 * Markdown.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "explain.h"
#include "json.h"
#include "model.h"
#include "table.h"
#include "util.h"
#include "validate/wjson.h"

/* bytes of s that fit in cols display columns (CJK: two each) */
static size_t fit(const char *s, size_t cols)
{
	size_t n = 0;

	while (s[n]) {
		size_t len = 1, w;
		char c[8];

		while (len < 4 && ((unsigned char)s[n + len] & 0xc0) == 0x80)
			len++;
		memcpy(c, s + n, len);
		c[len] = '\0';
		w = display_width(c);
		if (w > cols)
			break;
		cols -= w;
		n += len;
	}
	return n;
}

static bool word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '(' || c == ')';
}

/* Text wrapped at width columns, each line indented by ind spaces: at a
 * space where there is one (English), else between characters (Chinese) */
static void wrap(FILE *f, const char *text, int ind, int width)
{
	const char *p = text;

	while (*p) {
		size_t n = fit(p, (size_t)(width - ind)), cut = n;

		if (p[n]) {
			for (size_t i = n; i > n / 2; i--)
				if (p[i] == ' ') {
					cut = i;
					break;
				}
			/* no space: not inside a name (copy_page_to_iter) */
			while (cut == n && cut > n / 2 && word_char(p[cut]) && word_char(p[cut - 1]))
				cut--, n = cut;
		}
		if (!cut)
			cut = 1;
		fprintf(f, "%*s%.*s\n", ind, "", (int)cut, p);
		p += cut;
		while (*p == ' ')
			p++;
	}
}

/* The claims this one message speaks to, each with what it shows (text,
 * or Markdown's list); then the others' ids, which validate measures */
static void claims_out(FILE *f, const struct explain_story *st, const struct explain_run *r,
		       bool md)
{
	uint64_t size = explain_mechs[r->mech].sized ? r->size : 0;
	bool others = false;
	double v;

	for (size_t i = 0; i < r->nclaims; i++) {
		const struct explain_claim *c = &r->claims[i];
		char line[160];

		if (!explain_measure(st, c->metric, size, &v))
			continue;
		snprintf(line, sizeof(line), explain_label(LABEL_CLAIM_MEASURED, r->lang),
			 c->metric, c->claimed, v);
		if (md) {
			fputs("- ", f);
			md_escape(f, c->id);
			fputs(": ", f);
			md_escape(f, c->text);
			fputs("  \n  ", f);
			md_escape(f, line);
			fputs("\n", f);
		} else {
			fprintf(f, "  %s: %s\n      %s\n", c->id, c->text, line);
		}
	}
	for (size_t i = 0; i < r->nclaims; i++) {
		if (explain_measure(st, r->claims[i].metric, size, &v))
			continue;
		if (!others)
			fprintf(f, "%s%s", md ? "- " : "  ",
				explain_label(LABEL_CLAIM_VALIDATE, r->lang));
		else
			fputs(", ", f);
		if (md)
			md_escape(f, r->claims[i].id);
		else
			fputs(r->claims[i].id, f);
		others = true;
	}
	if (others)
		fputs("\n", f);
}

/*
 * A lesson says a thing once: the same explanation under a later step is
 * left out of the text and the Markdown (the JSON has it under each).
 * why, or "" when told already; told holds what was.
 */
#define ONCE_MAX 64
static const char *once(const char *why, const char *told[ONCE_MAX], size_t *ntold)
{
	for (size_t k = 0; k < *ntold; k++)
		if (told[k] == why)
			return "";
	if (*ntold < ONCE_MAX)
		told[(*ntold)++] = why;
	return why;
}

void explain_text(FILE *f, const struct explain_story *st, const struct explain_run *r)
{
	char head[256], where[96], what[512], comm[IPC_COMM_LEN * 4], t[32];
	struct explain_line lines[EXPLAIN_SUMMARY_LINES];
	const char *told[ONCE_MAX];
	size_t ntold = 0, nlines;

	explain_headline(head, sizeof(head), r);
	explain_placement(where, sizeof(where), r);
	fprintf(f, r->lang == EXPLAIN_ZH ? "%s，%s（Linux %s）。\n\n" : "%s, %s (Linux %s).\n\n",
		head, where, r->kernel);
	wrap(f, explain_how(r->mech, r->lang), 0, 76);
	fprintf(f, "\n  #       %-5s  CPU  %-18s %s\n", explain_label(LABEL_TIME, r->lang),
		explain_label(LABEL_PROCESS, r->lang), explain_label(LABEL_STEP, r->lang));
	for (size_t i = 0; i < st->n; i++) {
		const struct explain_step *s = &st->steps[i];
		const char *why = once(explain_why(s, r->mech, r->lang), told, &ntold);
		char who[IPC_COMM_LEN * 4 + 16];

		explain_what(s, what, sizeof(what), r->lang);
		explain_clean_comm(comm, sizeof(comm), s->comm);
		snprintf(who, sizeof(who), "%s[%u]", comm, s->pid);
		snprintf(t, sizeof(t), "%+.1f us", (double)s->t_ns / 1000.0);
		fprintf(f, "%3zu %11s %4u  %-18s %s\n", i + 1, t, s->cpu, who, what);
		if (*why)
			wrap(f, why, 39, 100);
	}
	nlines = explain_summary_lines(st, r->lang, lines);
	fprintf(f, "\n%s\n", explain_label(LABEL_SUMMARY, r->lang));
	for (size_t i = 0; i < nlines; i++) {
		size_t w = display_width(lines[i].label);

		fprintf(f, "  %s%*s%s\n", lines[i].label, (int)(w < 14 ? 14 - w : 1), "",
			lines[i].text);
	}
	if (r->nclaims) {
		fprintf(f, "\n%s\n", explain_label(LABEL_CLAIMS, r->lang));
		claims_out(f, st, r, false);
	}
	if (r->lost || r->skipped) {
		fputs("\n", f);
		fprintf(f, explain_label(LABEL_LOST, r->lang), r->lost, r->skipped);
		fputs("\n", f);
	}
}

void explain_json(FILE *f, const struct explain_story *st, const struct explain_run *r)
{
	const struct explain_mech_info *m = &explain_mechs[r->mech];
	const struct explain_summary *u = &st->sum;
	struct json_writer *jw = jw_new(f, true);
	char what[512], buf[32];

	if (!jw)
		return;
	jw_object_begin(jw);
	jw_kv_string(jw, "mechanism", m->name);
	jw_kv_string(jw, "title", explain_title(r->mech, r->lang));
	jw_kv_string(jw, "lang", r->lang == EXPLAIN_ZH ? "zh" : "en");
	if (m->sized)
		jw_kv_uint(jw, "size", r->size);
	jw_key(jw, "cpus");
	jw_array_begin(jw);
	for (int i = 0; i < 2 && r->cpus[0] >= 0; i++)
		jw_int(jw, r->cpus[i]);
	jw_array_end(jw);
	jw_kv_string(jw, "kernel", r->kernel);
	jw_kv_bool(jw, "marked", st->marked);
	jw_kv_string(jw, "how", explain_how(r->mech, r->lang));
	jw_key(jw, "steps");
	jw_array_begin(jw);
	for (size_t i = 0; i < st->n; i++) {
		const struct explain_step *s = &st->steps[i];

		explain_what(s, what, sizeof(what), r->lang);
		jw_object_begin(jw);
		jw_kv_uint(jw, "n", i + 1);
		jw_kv_int(jw, "t_ns", s->t_ns);
		jw_kv_string(jw, "kind", step_kind_name(s->kind));
		jw_kv_uint(jw, "cpu", s->cpu);
		jw_kv_uint(jw, "tgid", s->tgid);
		jw_kv_uint(jw, "pid", s->pid);
		jw_kv_string(jw, "comm", s->comm);
		if (s->kind == STEP_ENTER || s->kind == STEP_RETURN) {
			jw_kv_string(jw, "syscall", syscall_name(s->sys_nr, buf, sizeof(buf)));
			jw_kv_uint(jw, "syscall_nr", s->sys_nr);
		}
		if (s->kind == STEP_RETURN) {
			jw_kv_int(jw, "ret", s->ret);
			jw_kv_uint(jw, "dur_ns", s->dur_ns);
		}
		if (s->has_op) {
			char obj[128];

			ipc_obj_name(&s->obj, NULL, NULL, obj, sizeof(obj));
			jw_kv_string(jw, "op", ipc_op_name(s->op));
			jw_kv_string(jw, "object", obj);
			jw_kv_uint(jw, "bytes", s->bytes);
			jw_kv_string(jw, "copy", ipc_copy_name(s->copy));
		}
		if (s->kind == STEP_FAULT) {
			char obj[128];

			ipc_obj_name(&s->obj, NULL, NULL, obj, sizeof(obj));
			jw_kv_string(jw, "object", obj);
		}
		if (s->kind == STEP_WAKEUP || s->kind == STEP_SLEEP ||
		    s->kind == STEP_PREEMPTED || s->kind == STEP_RUN) {
			jw_key(jw, "peer");
			jw_object_begin(jw);
			jw_kv_uint(jw, "tgid", s->peer_tgid);
			jw_kv_uint(jw, "pid", s->peer_pid);
			jw_kv_string(jw, "comm", s->peer_comm);
			jw_object_end(jw);
		}
		if (s->kind == STEP_RUN && s->wait_ns >= 0) {
			jw_kv_int(jw, "wait_ns", s->wait_ns);
			jw_kv_uint(jw, "woken_on_cpu", s->woken_on);
		}
		if (s->kind == STEP_SIGNAL) {
			const char *n = ipc_signal_name(s->sig);

			jw_kv_uint(jw, "signal", s->sig);
			if (n)
				jw_kv_string(jw, "signal_name", n);
			jw_kv_string(jw, "event", s->op == IPC_SIG_HANDLED ? "delivered" :
				     ipc_sig_event_name(s->op));
			if (s->op != IPC_SIG_HANDLED)
				jw_kv_uint(jw, "target", s->sig_target);
		}
		if (s->kind == STEP_NET) {
			jw_kv_string(jw, "net", s->op == IPC_NET_DEV_QUEUE ? "dev_queue" :
				     s->op == IPC_NET_RECEIVE ? "receive" :
				     s->op == IPC_NET_SOFTIRQ_ENTRY ? "softirq_entry" :
				     "softirq_exit");
			if (s->op <= IPC_NET_RECEIVE) {
				jw_kv_string(jw, "device", s->peer_comm);
				jw_kv_uint(jw, "bytes", s->bytes);
			}
		}
		jw_kv_string(jw, "what", what);
		jw_kv_string(jw, "why", explain_why(s, r->mech, r->lang));
		jw_object_end(jw);
	}
	jw_array_end(jw);
	jw_key(jw, "summary");
	jw_object_begin(jw);
	jw_kv_uint(jw, "total_ns", u->total_ns);
	jw_kv_uint(jw, "syscalls", u->syscalls);
	jw_kv_uint(jw, "mode_switches", 2 * u->syscalls);
	jw_kv_uint(jw, "syscall_ns", u->sys_ns);
	jw_kv_uint(jw, "copies_user_to_kernel", u->copies_in);
	jw_kv_uint(jw, "bytes_user_to_kernel", u->bytes_in);
	jw_kv_uint(jw, "copies_kernel_to_user", u->copies_out);
	jw_kv_uint(jw, "bytes_kernel_to_user", u->bytes_out);
	jw_kv_uint(jw, "wakeups", u->wakeups);
	jw_kv_uint(jw, "cross_cpu_wakeups", u->cross_cpu_wakeups);
	jw_kv_uint(jw, "wait_to_run_ns", u->wait_ns);
	jw_kv_uint(jw, "sleeps", u->sleeps);
	jw_kv_uint(jw, "preemptions", u->preemptions);
	jw_kv_uint(jw, "page_faults", u->faults);
	jw_kv_uint(jw, "signals_generated", u->signals_generated);
	jw_kv_uint(jw, "signals_delivered", u->signals_delivered);
	jw_kv_uint(jw, "packets", u->packets);
	jw_object_end(jw);
	jw_key(jw, "claims");
	jw_array_begin(jw);
	for (size_t i = 0; i < r->nclaims; i++) {
		const struct explain_claim *c = &r->claims[i];
		double v;

		jw_object_begin(jw);
		jw_kv_string(jw, "id", c->id);
		jw_kv_string(jw, "metric", c->metric);
		jw_kv_string(jw, "claimed", c->claimed);
		jw_kv_string(jw, "text", c->text);
		jw_key(jw, "this_message");
		if (explain_measure(st, c->metric, explain_mechs[r->mech].sized ? r->size : 0, &v))
			jw_double(jw, v);
		else
			jw_null(jw);
		jw_object_end(jw);
	}
	jw_array_end(jw);
	jw_key(jw, "workload");
	wjson_write(jw, r->workload);
	jw_key(jw, "lost");
	jw_object_begin(jw);
	jw_kv_uint(jw, "events", r->lost);
	jw_kv_uint(jw, "skipped_runs", r->skipped);
	jw_object_end(jw);
	jw_object_end(jw);
	jw_free(jw);
}

void explain_markdown(FILE *f, const struct explain_story *st, const struct explain_run *r)
{
	const char *headers[] = { "#", explain_label(LABEL_TIME, r->lang), "CPU",
				  explain_label(LABEL_PROCESS, r->lang),
				  explain_label(LABEL_STEP, r->lang),
				  explain_label(LABEL_WHY, r->lang) };
	struct explain_line lines[EXPLAIN_SUMMARY_LINES];
	char head[256], where[96], t[32];
	const char *told[ONCE_MAX];
	size_t nlines, ntold = 0;
	struct table tb;

	explain_headline(head, sizeof(head), r);
	explain_placement(where, sizeof(where), r);
	fputs("# ", f);
	md_escape(f, head);
	fputs("\n\n", f);
	md_escape(f, where);
	fputs(" (Linux ", f);
	md_escape(f, r->kernel);
	fputs("), ", f);
	md_escape(f, explain_label(LABEL_OBSERVED, r->lang));
	fputs(".\n\n", f);
	md_escape(f, explain_how(r->mech, r->lang));
	fputs("\n\n", f);
	explain_svg(f, st, r);
	fputs("\n", f);
	if (table_init(&tb, ARRAY_SIZE(headers), headers, "rrrlll"))
		return;
	for (size_t i = 0; i < st->n; i++) {
		const struct explain_step *s = &st->steps[i];
		char n[24], cpu[16], who[IPC_COMM_LEN * 4 + 16], comm[IPC_COMM_LEN * 4], what[512];
		const char *cells[6];

		snprintf(n, sizeof(n), "%zu", i + 1);
		snprintf(t, sizeof(t), "%+.1f us", (double)s->t_ns / 1000.0);
		snprintf(cpu, sizeof(cpu), "%u", s->cpu);
		explain_clean_comm(comm, sizeof(comm), s->comm);
		snprintf(who, sizeof(who), "%s[%u]", comm, s->pid);
		explain_what(s, what, sizeof(what), r->lang);
		cells[0] = n;
		cells[1] = t;
		cells[2] = cpu;
		cells[3] = who;
		cells[4] = what;
		cells[5] = once(explain_why(s, r->mech, r->lang), told, &ntold);
		if (table_add(&tb, cells) < 0)
			break;
	}
	table_print_markdown(&tb, f);
	table_free(&tb);
	nlines = explain_summary_lines(st, r->lang, lines);
	fprintf(f, "\n## %s\n\n", explain_label(LABEL_SUMMARY, r->lang));
	for (size_t i = 0; i < nlines; i++) {
		fputs("- ", f);
		md_escape(f, lines[i].label);
		fputs(": ", f);
		md_escape(f, lines[i].text);
		fputs("\n", f);
	}
	if (r->nclaims) {
		fprintf(f, "\n## %s\n\n", explain_label(LABEL_CLAIMS, r->lang));
		claims_out(f, st, r, true);
	}
	if (r->lost || r->skipped) {
		fputs("\n", f);
		fprintf(f, explain_label(LABEL_LOST, r->lang), r->lost, r->skipped);
		fputs("\n", f);
	}
}
