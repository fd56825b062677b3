// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * svg.c - the story as a swimlane picture: a lane per process (its CPUs in
 * its label) and one for the kernel's objects between them, on one time
 * axis. In a process's lane: user time (light), kernel time (from a
 * syscall's entry to its return, dark), asleep (grey) and woken but
 * waiting to run (orange). Arrows: a copy, between the process and the
 * kernel's lane, labelled with its bytes; a wakeup, from the waker to the
 * woken. Every step is a mark carrying what it is (data-n, data-kind,
 * data-t-ns, data-pid, data-cpu), so that a test, or a reader's script,
 * can check the picture against the JSON.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "explain.h"
#include "model.h"
#include "table.h"
#include "util.h"

#define W 1000
#define LEFT 190		/* lane labels */
#define RIGHT 30
#define TOP 70
#define LANE_H 46
#define LANE_GAP 28
#define MAX_LANES 8

#define C_USER "#e8f1fa"
#define C_KERNEL "#0072b2"
#define C_ASLEEP "#d0d0d0"
#define C_WAIT "#e69f00"
#define C_COPY "#009e73"
#define C_WAKE "#cc79a7"

struct lanes {
	uint32_t tgid[MAX_LANES];
	size_t n;		/* process lanes; the kernel's is drawn at index 1 */
	int64_t t0, t1;		/* the axis */
};

/* The lane's row: the first process, the kernel, the others */
static int row_of(const struct lanes *l, uint32_t tgid)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->tgid[i] == tgid)
			return i == 0 ? 0 : (int)i + 1;
	return -1;
}

static double lane_y(int row)
{
	return TOP + row * (LANE_H + LANE_GAP);
}

/* x of time t; before the axis starts, its left end */
static double x_of(const struct lanes *l, int64_t t)
{
	double span = l->t1 > l->t0 ? (double)(l->t1 - l->t0) : 1.0;

	if (t < l->t0)
		t = l->t0;
	return LEFT + (double)(t - l->t0) / span * (W - LEFT - RIGHT);
}

/* The sender (the start mark's) first, then the others as they come */
static void find_lanes(struct lanes *l, const struct explain_story *st)
{
	memset(l, 0, sizeof(*l));
	for (size_t i = 0; i < st->n; i++)
		if (st->steps[i].kind == STEP_MARK_START) {
			l->tgid[l->n++] = st->steps[i].tgid;
			break;
		}
	for (size_t i = 0; i < st->ntargets && l->n < MAX_LANES; i++)
		if (row_of(l, st->targets[i]) < 0)
			l->tgid[l->n++] = st->targets[i];
	/* from a little before the start: a receiver that waited long
	   before it would squeeze the story into the right edge (its wait
	   is drawn from the left end) */
	l->t1 = st->n ? st->steps[st->n - 1].t_ns : 1;
	if (l->t1 < 1)
		l->t1 = 1;
	l->t0 = st->n ? st->steps[0].t_ns : 0;
	if (l->t0 > 0)
		l->t0 = 0;
	if (l->t0 < -l->t1 / 8)
		l->t0 = -l->t1 / 8;
}

static void rect(FILE *f, double x0, double x1, double y, const char *fill,
		 const char *what)
{
	if (x1 - x0 < 0.5)
		x1 = x0 + 0.5;
	fprintf(f, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" "
		"fill=\"%s\"/>\n", what, x0, y, x1 - x0, LANE_H, fill);
}

/* A lane's spans: kernel time first, then asleep and waiting to run over
 * it (a thread asleep inside a syscall is asleep) */
static void lane_spans(FILE *f, const struct lanes *l, const struct explain_story *st,
		       uint32_t tgid)
{
	double y = lane_y(row_of(l, tgid));
	int64_t in_kernel = INT64_MIN, off = INT64_MIN, woken = INT64_MIN;

	for (size_t i = 0; i < st->n; i++) {
		const struct explain_step *s = &st->steps[i];

		if (s->tgid != tgid)
			continue;
		if (s->kind == STEP_ENTER) {
			in_kernel = s->t_ns;
		} else if (s->kind == STEP_RETURN) {
			if (in_kernel != INT64_MIN)
				rect(f, x_of(l, in_kernel), x_of(l, s->t_ns), y, C_KERNEL, "kernel");
			in_kernel = INT64_MIN;
		}
	}
	if (in_kernel != INT64_MIN)
		rect(f, x_of(l, in_kernel), x_of(l, l->t1), y, C_KERNEL, "kernel");
	for (size_t i = 0; i < st->n; i++) {
		const struct explain_step *s = &st->steps[i];

		if (s->kind == STEP_WAKEUP && s->peer_tgid == tgid)
			woken = s->t_ns;
		if (s->tgid != tgid)
			continue;
		if (s->kind == STEP_SLEEP || s->kind == STEP_PREEMPTED) {
			off = s->t_ns;
		} else if (s->kind == STEP_RUN) {
			/* woken without a sleep seen: asleep since before the
			   story began */
			if (off == INT64_MIN && woken != INT64_MIN)
				off = l->t0;
			if (off != INT64_MIN && woken != INT64_MIN && woken >= off) {
				rect(f, x_of(l, off), x_of(l, woken), y, C_ASLEEP, "asleep");
				rect(f, x_of(l, woken), x_of(l, s->t_ns), y, C_WAIT, "waiting");
			} else if (off != INT64_MIN) {
				rect(f, x_of(l, off), x_of(l, s->t_ns), y, C_ASLEEP, "asleep");
			}
			off = woken = INT64_MIN;
		}
	}
	/* off its CPU at the end */
	if (off != INT64_MIN)
		rect(f, x_of(l, off), x_of(l, l->t1), y, C_ASLEEP, "asleep");
}

static void arrow(FILE *f, double x, double y0, double y1, const char *colour,
		  const char *dash, const char *label)
{
	double tip = y1 > y0 ? y1 - 2 : y1 + 2;

	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
		"stroke-width=\"1.5\"%s%s%s marker-end=\"url(#head-%s)\"/>\n", x, y0, x, tip,
		colour, *dash ? " stroke-dasharray=\"" : "", dash, *dash ? "\"" : "",
		colour + 1);
	if (label) {
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"%s\">", x + 3,
			(y0 + y1) / 2 + 3, colour);
		xml_escape(f, label);
		fputs("</text>\n", f);
	}
}

/* The process's label: name[pid], and the CPUs it ran on */
static void lane_label(FILE *f, const struct explain_story *st, uint32_t tgid, double y,
		       const char *role)
{
	char comm[IPC_COMM_LEN * 4] = "", cpus[64] = "";
	uint64_t seen = 0;

	for (size_t i = 0; i < st->n; i++) {
		const struct explain_step *s = &st->steps[i];

		if (s->tgid != tgid)
			continue;
		if (!comm[0])
			explain_clean_comm(comm, sizeof(comm), s->comm);
		if (s->cpu < 64 && !(seen & (1ULL << s->cpu))) {
			size_t len = strlen(cpus);

			seen |= 1ULL << s->cpu;
			snprintf(cpus + len, sizeof(cpus) - len, "%s%u", len ? ", " : "CPU ",
				 s->cpu);
		}
	}
	fprintf(f, "<text x=\"10\" y=\"%.1f\" font-size=\"13\" font-weight=\"bold\">", y + 18);
	xml_escape(f, role);
	fputs("</text>\n", f);
	fprintf(f, "<text x=\"10\" y=\"%.1f\" font-size=\"11\">", y + 34);
	xml_escape(f, comm);
	fprintf(f, "[%u] %s</text>\n", tgid, cpus);
}

static void axis(FILE *f, const struct lanes *l, double bottom, enum explain_lang lang)
{
	int64_t span = l->t1 - l->t0, step = 1000;

	/* about 8 ticks, at 1, 2 or 5 times a power of ten (ns) */
	while (span / step > 10)
		step *= span / step > 40 ? 10 : span / step > 20 ? 5 : 2;
	fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#333\"/>\n",
		LEFT, bottom, W - RIGHT, bottom);
	for (int64_t t = (l->t0 / step) * step; t <= l->t1; t += step) {
		double x = x_of(l, t);

		if (t < l->t0)
			continue;
		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>\n",
			x, TOP - 10, x, bottom);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\">"
			"%g</text>\n", x, bottom + 14, (double)t / 1000.0);
	}
	fprintf(f, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">",
		(LEFT + W - RIGHT) / 2, bottom + 30);
	xml_escape(f, explain_label(LABEL_AXIS, lang));
	fputs("</text>\n", f);
}

static void legend(FILE *f, double y, enum explain_lang lang)
{
	static const struct { const char *colour; enum explain_label what; } keys[] = {
		{ C_USER, LABEL_USER_MODE }, { C_KERNEL, LABEL_IN_SYSCALL },
		{ C_ASLEEP, LABEL_ASLEEP }, { C_WAIT, LABEL_WAITING },
		{ C_COPY, LABEL_COPY }, { C_WAKE, LABEL_WAKEUP },
	};
	double x = LEFT;

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const char *what = explain_label(keys[i].what, lang);

		fprintf(f, "<rect x=\"%.0f\" y=\"%.0f\" width=\"12\" height=\"12\" fill=\"%s\" "
			"stroke=\"#999\"/>\n<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\">",
			x, y, keys[i].colour, x + 16, y + 10);
		xml_escape(f, what);
		fputs("</text>\n", f);
		x += 30 + 6.5 * display_width(what);
	}
}

/* A step's mark, in its lane (the kernel's for packets) */
static void step_mark(FILE *f, const struct lanes *l, const struct explain_step *s, size_t n,
		      enum explain_lang lang)
{
	int row = s->kind == STEP_NET ? 1 : row_of(l, s->tgid);
	double x = x_of(l, s->t_ns), y;
	const char *shape = "circle", *fill = "#333";
	char what[512];

	if (row < 0)
		return;
	y = lane_y(row) + LANE_H / 2.0;
	switch (s->kind) {
	case STEP_FAULT:
		fill = "#d55e00";
		break;
	case STEP_SIGNAL:
		fill = "#cc79a7";
		shape = "diamond";
		break;
	case STEP_NET:
		fill = "#009e73";
		break;
	case STEP_MARK_START:
	case STEP_MARK_END:
		shape = "mark";
		break;
	default:
		break;
	}
	explain_what(s, what, sizeof(what), lang);
	fprintf(f, "<g class=\"step\" data-n=\"%zu\" data-kind=\"%s\" data-t-ns=\"%" PRId64 "\" "
		"data-pid=\"%u\" data-cpu=\"%u\"><title>%zu. ", n, step_kind_name(s->kind),
		s->t_ns, s->pid, s->cpu, n);
	xml_escape(f, what);
	fputs("</title>", f);
	if (!strcmp(shape, "mark"))
		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\" "
			"stroke-dasharray=\"4 3\"/>", x, TOP - 22, x,
			lane_y((int)l->n + 1) - LANE_GAP + 4);
	else if (!strcmp(shape, "diamond"))
		fprintf(f, "<path d=\"M%.1f %.1f l5 5 l-5 5 l-5 -5 z\" fill=\"%s\"/>", x, y - 5,
			fill);
	else
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\"/>", x, y,
			s->kind == STEP_ENTER || s->kind == STEP_RETURN ? "2" : "3.5", fill);
	fputs("</g>\n", f);
}

void explain_svg(FILE *f, const struct explain_story *st, const struct explain_run *r)
{
	double height, bottom;
	struct lanes l;
	char title[256];

	find_lanes(&l, st);
	bottom = lane_y((int)l.n + 1) - LANE_GAP + 10;
	height = bottom + 80;
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%.0f\" "
		"viewBox=\"0 0 %d %.0f\" font-family=\"sans-serif\">\n", W, height, W, height);
	fprintf(f, "<rect width=\"%d\" height=\"%.0f\" fill=\"white\"/>\n", W, height);
	fputs("<defs>", f);
	for (int i = 0; i < 2; i++)
		fprintf(f, "<marker id=\"head-%s\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
			"markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">"
			"<path d=\"M0 0 L10 5 L0 10 z\" fill=\"%s\"/></marker>",
			(i ? C_WAKE : C_COPY) + 1, i ? C_WAKE : C_COPY);
	fputs("</defs>\n", f);
	explain_headline(title, sizeof(title), r);
	fprintf(f, "<text x=\"10\" y=\"24\" font-size=\"16\" font-weight=\"bold\">");
	xml_escape(f, title);
	fprintf(f, "</text>\n<text x=\"10\" y=\"42\" font-size=\"11\">Linux ");
	xml_escape(f, r->kernel);
	fputs(", ", f);
	xml_escape(f, explain_label(LABEL_OBSERVED, r->lang));
	fputs("</text>\n", f);
	/* the lanes: user time under everything, then the spans */
	for (size_t i = 0; i < l.n; i++) {
		int row = row_of(&l, l.tgid[i]);

		rect(f, LEFT, W - RIGHT, lane_y(row), C_USER, "user");
		lane_label(f, st, l.tgid[i], lane_y(row),
			   explain_label(i == 0 ? LABEL_SENDER : i == 1 ? LABEL_RECEIVER :
					 LABEL_OTHER, r->lang));
		lane_spans(f, &l, st, l.tgid[i]);
	}
	fprintf(f, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"#f7f7f7\" "
		"stroke=\"#ccc\"/>\n", LEFT, lane_y(1), W - LEFT - RIGHT, LANE_H);
	fprintf(f, "<text x=\"10\" y=\"%.1f\" font-size=\"13\" font-weight=\"bold\">",
		lane_y(1) + 26);
	xml_escape(f, explain_label(LABEL_KERNEL, r->lang));
	fputs("</text>\n", f);
	axis(f, &l, bottom, r->lang);
	/* copies and wakeups */
	for (size_t i = 0; i < st->n; i++) {
		const struct explain_step *s = &st->steps[i];
		int row = row_of(&l, s->tgid), peer = row_of(&l, s->peer_tgid);
		char label[48];

		if (s->kind == STEP_RETURN && s->has_op && row >= 0 &&
		    (s->copy == IPC_COPY_USER_TO_KERNEL || s->copy == IPC_COPY_KERNEL_TO_USER)) {
			double yp = lane_y(row) + (row < 1 ? LANE_H : 0), yk = lane_y(1) +
				    (row < 1 ? 0 : LANE_H);

			snprintf(label, sizeof(label), "%" PRIu64 " B", s->bytes);
			if (s->copy == IPC_COPY_USER_TO_KERNEL)
				arrow(f, x_of(&l, s->t_ns), yp, yk, C_COPY, "", label);
			else
				arrow(f, x_of(&l, s->t_ns), yk, yp, C_COPY, "", label);
		}
		if (s->kind == STEP_WAKEUP && row >= 0 && peer >= 0)
			arrow(f, x_of(&l, s->t_ns), lane_y(row) + LANE_H / 2.0,
			      lane_y(peer) + (peer > row ? 0 : LANE_H), C_WAKE, "4 2", NULL);
	}
	for (size_t i = 0; i < st->n; i++)
		step_mark(f, &l, &st->steps[i], i + 1, r->lang);
	legend(f, bottom + 48, r->lang);
	fputs("</svg>\n", f);
}
