// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * chart.c - the size sweep drawn as SVG: time per transfer (top) and
 * throughput (bottom) against the size, log-log, a panel per placement,
 * one line per mechanism and the document's 1 MB figures marked. The
 * panels of a row share their scale, so placements compare by eye.
 *
 * Every point and mark carries what it shows (data-mechanism, data-size,
 * data-value, the value written as the JSON writes it), so that a test, or
 * a reader's script, can check the picture against the JSON.
 */
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include "json.h"
#include "table.h"
#include "validate.h"

#define PANEL_W 400
#define PANEL_H 250
#define LEFT 80			/* room for the y labels */
#define TOP 80
#define GAP_X 70
#define GAP_Y 80
#define LEGEND_H 70

/* Colour-blind-safe (Okabe-Ito), and a dash pattern each besides */
static const char *const colours[SWEEP_MECHS] = {
	"#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00",
};
static const char *const dashes[SWEEP_MECHS] = { "", "6 3", "2 2", "8 3 2 3", "1 3" };

enum quantity { Q_TIME, Q_THROUGHPUT, Q_MAX };

static const char *const q_keys[Q_MAX] = { "time_ms", "mib_per_s" };
static const char *const q_titles[Q_MAX] = {
	"time per transfer, ms", "throughput, MiB/s",
};

/* A median time in ms as the quantity q, for size bytes */
static double as_quantity(enum quantity q, double ms, uint64_t size)
{
	return q == Q_TIME ? ms : sweep_mib_per_s(size, ms);
}

/* The document's claimed time for 1 MB through m, if it gives one */
static bool claimed_ms(const struct report *rp, const char *mech, double *ms,
		       double *lo, double *hi)
{
	const struct claim *c = find_claim(rp->claims, rp->n, mech, "time_1mb_ms");

	if (!c || c->type != CLAIM_NUMBER || c->cmp == CMP_ONE_OF || c->number <= 0)
		return false;
	*ms = *lo = *hi = c->number;
	if (c->has_tolerance) {
		double d = c->tolerance_relative ? c->number * c->tolerance / 100 : c->tolerance;

		*lo = c->number - d > 0 ? c->number - d : c->number / 10;
		*hi = c->number + d;
	}
	return true;
}

struct scale {
	double lo, hi;		/* data, a decade each end */
	double px0, px1;	/* pixels they map to */
};

static double at(const struct scale *s, double v)
{
	return s->px0 + (log10(v) - log10(s->lo)) / (log10(s->hi) - log10(s->lo)) *
	       (s->px1 - s->px0);
}

/* A row's scale: the decades around every value of the row */
static void row_scale(struct scale *s, const struct report *rp, enum quantity q)
{
	double lo = INFINITY, hi = 0, ms, clo, chi;

	for (size_t m = 0; m < SWEEP_MECHS; m++) {
		for (size_t si = 0; si < SWEEP_SIZES; si++)
			for (int p = 0; p < SWEEP_PLACES; p++) {
				const struct timing *t = &sweep_mechs[m].t[si][p];
				double v;

				if (!t->n || timing_stats(t).median <= 0)
					continue;
				v = as_quantity(q, timing_stats(t).median, sweep_sizes[si]);
				lo = v < lo ? v : lo;
				hi = v > hi ? v : hi;
			}
		if (claimed_ms(rp, sweep_mechs[m].mech, &ms, &clo, &chi)) {
			double a = as_quantity(q, clo, MIB), b = as_quantity(q, chi, MIB);

			lo = fmin(lo, fmin(a, b));
			hi = fmax(hi, fmax(a, b));
		}
	}
	if (!(hi > 0)) {
		lo = 1;
		hi = 10;
	}
	s->lo = pow(10, floor(log10(lo)));
	s->hi = pow(10, ceil(log10(hi)));
	if (s->hi <= s->lo)
		s->hi = s->lo * 10;
}

static void tick_label(char *buf, size_t len, double v)
{
	if (v >= 1)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%g", v);
}

static void axes(FILE *out, const struct scale *x, const struct scale *y,
		 enum quantity q, const char *title)
{
	char label[32];

	fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
		"fill=\"none\" stroke=\"#888\"/>\n", x->px0, y->px1, x->px1 - x->px0,
		y->px0 - y->px1);
	fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
		"font-weight=\"bold\">%s</text>\n", (x->px0 + x->px1) / 2, y->px1 - 10,
		title);
	for (double v = y->lo; v <= y->hi * 1.0001; v *= 10) {
		double py = at(y, v);

		tick_label(label, sizeof(label), v);
		fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"stroke=\"#ddd\"/>\n", x->px0, py, x->px1, py);
		fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
			"font-size=\"11\">%s</text>\n", x->px0 - 5, py + 4, label);
	}
	for (size_t si = 0; si < SWEEP_SIZES; si += 2) {
		/* 1 B, 16 B, 256 B, ... 1 MiB: every other size, labelled */
		double px = at(x, sweep_sizes[si]);

		size_text(label, sizeof(label), sweep_sizes[si]);
		fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"stroke=\"#ddd\"/>\n", px, y->px0, px, y->px1);
		fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
			"font-size=\"11\">%s</text>\n", px, y->px0 + 15, label);
	}
	fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\" "
		"transform=\"rotate(-90 %.1f %.1f)\">%s</text>\n", x->px0 - 55,
		(y->px0 + y->px1) / 2, x->px0 - 55, (y->px0 + y->px1) / 2, q_titles[q]);
	fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
		"font-size=\"11\">size of the transfer</text>\n", (x->px0 + x->px1) / 2,
		y->px0 + 32);
}

/* One mechanism's line and points in a panel; its claimed 1 MB mark */
static void series(FILE *out, const struct report *rp, size_t m, enum placement p,
		   enum quantity q, const struct scale *x, const struct scale *y)
{
	const struct sweep_mech *sm = &sweep_mechs[m];
	double ms, lo, hi;
	char v[64];
	bool any = false;

	fprintf(out, "<g class=\"series\" data-mechanism=\"%s\">\n<polyline fill=\"none\" "
		"stroke=\"%s\" stroke-width=\"2\"%s%s%s points=\"", sm->mech, colours[m],
		dashes[m][0] ? " stroke-dasharray=\"" : "", dashes[m],
		dashes[m][0] ? "\"" : "");
	for (size_t si = 0; si < SWEEP_SIZES; si++) {
		const struct timing *t = &sm->t[si][p];

		if (!t->n || timing_stats(t).median <= 0)
			continue;
		fprintf(out, "%s%.1f,%.1f", any ? " " : "", at(x, sweep_sizes[si]),
			at(y, as_quantity(q, timing_stats(t).median, sweep_sizes[si])));
		any = true;
	}
	fputs("\"/>\n", out);
	for (size_t si = 0; si < SWEEP_SIZES; si++) {
		const struct timing *t = &sm->t[si][p];
		char size[16];
		double val;

		if (!t->n || timing_stats(t).median <= 0)
			continue;
		val = as_quantity(q, timing_stats(t).median, sweep_sizes[si]);
		json_double_text(v, sizeof(v), val);
		size_text(size, sizeof(size), sweep_sizes[si]);
		fprintf(out, "<circle class=\"point\" data-size=\"%" PRIu64 "\" "
			"data-value=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\">"
			"<title>%s, %s: %s</title></circle>\n", sweep_sizes[si], v,
			at(x, sweep_sizes[si]), at(y, val), colours[m], sm->mech, size, v);
	}
	if (claimed_ms(rp, sm->mech, &ms, &lo, &hi)) {
		double cx = at(x, MIB), cy = at(y, as_quantity(q, ms, MIB));

		json_double_text(v, sizeof(v), as_quantity(q, ms, MIB));
		fprintf(out, "<g class=\"claim\" data-size=\"%d\" data-value=\"%s\">"
			"<title>the document: %s, 1 MB in %g ms</title>\n", MIB, v,
			sm->mech, ms);
		if (lo != hi)
			fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
				"stroke=\"%s\" stroke-width=\"1.5\"/>\n", cx,
				at(y, as_quantity(q, lo, MIB)), cx,
				at(y, as_quantity(q, hi, MIB)), colours[m]);
		fprintf(out, "<path d=\"M%.1f %.1fl6 6l-6 6l-6 -6z\" fill=\"white\" "
			"stroke=\"%s\" stroke-width=\"2\"/>\n</g>\n", cx, cy - 6, colours[m]);
	}
	fputs("</g>\n", out);
}

void sweep_svg(FILE *out, const struct report *rp)
{
	enum placement places[SWEEP_PLACES];
	int np = 0;
	double w, h;

	for (int p = 0; p < SWEEP_PLACES; p++)
		if (sweep_ran(p))
			places[np++] = p;
	if (!np)
		places[np++] = PLACE_ONE_CPU;
	w = LEFT + np * PANEL_W + (np - 1) * GAP_X + 20;
	h = TOP + Q_MAX * PANEL_H + (Q_MAX - 1) * GAP_Y + 45 + LEGEND_H;
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
		"height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" "
		"font-size=\"13\">\n", w, h, w, h);
	fprintf(out, "<rect width=\"%.0f\" height=\"%.0f\" fill=\"white\"/>\n", w, h);
	fprintf(out, "<text x=\"%d\" y=\"24\" font-size=\"15\" font-weight=\"bold\">"
		"One transfer by size, untraced medians of %d runs</text>\n", LEFT,
		rp->prov.sweep_runs);
	fprintf(out, "<text x=\"%d\" y=\"42\" font-size=\"11\">kernel ", LEFT);
	/* the release and the CPU are the machine's: escaped */
	xml_escape(out, rp->prov.kernel);
	fputs(", ", out);
	xml_escape(out, rp->prov.cpu);
	fprintf(out, ", %s</text>\n", rp->prov.date);
	for (int q = 0; q < Q_MAX; q++) {
		struct scale y;

		row_scale(&y, rp, q);
		for (int i = 0; i < np; i++) {
			double x0 = LEFT + i * (PANEL_W + GAP_X);
			double y0 = TOP + q * (PANEL_H + GAP_Y);
			struct scale x = { .lo = 1, .hi = sweep_sizes[SWEEP_SIZES - 1],
					   .px0 = x0, .px1 = x0 + PANEL_W };
			char title[64];

			y.px0 = y0 + PANEL_H;
			y.px1 = y0;
			snprintf(title, sizeof(title), "%s, %s", placement_names[places[i]],
				 q == Q_TIME ? "time" : "throughput");
			fprintf(out, "<g class=\"panel\" data-placement=\"%s\" "
				"data-quantity=\"%s\">\n", placement_keys[places[i]], q_keys[q]);
			axes(out, &x, &y, q, title);
			for (size_t m = 0; m < SWEEP_MECHS; m++)
				series(out, rp, m, places[i], q, &x, &y);
			fputs("</g>\n", out);
		}
	}
	{
		double ly = TOP + Q_MAX * PANEL_H + (Q_MAX - 1) * GAP_Y + 55;

		fputs("<g class=\"legend\">\n", out);
		for (size_t m = 0; m < SWEEP_MECHS; m++) {
			double lx = LEFT + m * 175;

			fprintf(out, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" "
				"stroke=\"%s\" stroke-width=\"2\"%s%s%s/>\n", lx, ly, lx + 30, ly,
				colours[m], dashes[m][0] ? " stroke-dasharray=\"" : "", dashes[m],
				dashes[m][0] ? "\"" : "");
			fprintf(out, "<text x=\"%.0f\" y=\"%.0f\">%s</text>\n", lx + 36, ly + 4,
				sweep_mechs[m].label);
		}
		fprintf(out, "<path d=\"M%d %.0fl6 6l-6 6l-6 -6z\" fill=\"white\" "
			"stroke=\"#444\" stroke-width=\"2\"/>\n", LEFT + 6, ly + 18);
		fprintf(out, "<text x=\"%d\" y=\"%.0f\">the document's figure for 1 MB "
			"(its range, where it gives one), at 1 MiB</text>\n</g>\n", LEFT + 20,
			ly + 28);
	}
	fputs("</svg>\n", out);
}
