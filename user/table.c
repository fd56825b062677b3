// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * table.c - text and Markdown rendering of a table (see table.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "table.h"
#include "utf8.h"

int table_init(struct table *t, int ncols, const char *const *headers,
	       const char *align)
{
	memset(t, 0, sizeof(*t));
	if (ncols < 1 || ncols > TABLE_MAX_COLS)
		return -1;
	t->ncols = ncols;
	for (int i = 0; i < ncols; i++) {
		t->headers[i] = headers[i];
		t->right[i] = align && align[i] == 'r';
		if (align && !align[i])
			align = NULL;
	}
	return 0;
}

long table_add(struct table *t, const char *const *cells)
{
	struct table_row *row;

	if (t->nrows == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16;
		struct table_row *rows = realloc(t->rows, cap * sizeof(*rows));

		if (!rows)
			return -1;
		t->rows = rows;
		t->cap = cap;
	}
	row = &t->rows[t->nrows];
	memset(row, 0, sizeof(*row));
	for (int i = 0; i < t->ncols; i++) {
		row->cells[i] = strdup(cells[i] ? cells[i] : "");
		if (!row->cells[i]) {
			while (i--)
				free(row->cells[i]);
			return -1;
		}
	}
	return (long)t->nrows++;
}

void table_style(struct table *t, long row, int col, enum cell_style style)
{
	if (row >= 0 && (size_t)row < t->nrows && col >= 0 && col < t->ncols)
		t->rows[row].style[col] = style;
}

int table_note(struct table *t, long row, const char *note)
{
	char *copy;

	if (row < 0 || (size_t)row >= t->nrows)
		return -1;
	copy = strdup(note);
	if (!copy)
		return -1;
	free(t->rows[row].note);
	t->rows[row].note = copy;
	return 0;
}

void table_free(struct table *t)
{
	for (size_t r = 0; r < t->nrows; r++) {
		for (int i = 0; i < t->ncols; i++)
			free(t->rows[r].cells[i]);
		free(t->rows[r].note);
	}
	free(t->rows);
	t->rows = NULL;
	t->nrows = t->cap = 0;
}

/* The next code point of UTF-8 text (invalid bytes count as one each). */
static uint32_t next_cp(const unsigned char **p)
{
	const unsigned char *s = *p;
	uint32_t cp = s[0];
	int extra = 0;

	if (cp >= 0xf0 && cp < 0xf8)
		extra = 3, cp &= 0x07;
	else if (cp >= 0xe0)
		extra = cp < 0xf0 ? 2 : 0;
	else if (cp >= 0xc0)
		extra = 1;
	if (extra == 2)
		cp &= 0x0f;
	else if (extra == 1)
		cp &= 0x1f;
	for (int i = 1; i <= extra; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*p = s + 1;
			return 0xfffd;
		}
		cp = cp << 6 | (s[i] & 0x3f);
	}
	*p = s + 1 + extra;
	return cp;
}

static bool wide(uint32_t cp)
{
	return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
	       (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	       (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	       (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd);
}

size_t display_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;

	while (*p)
		w += wide(next_cp(&p)) ? 2 : 1;
	return w;
}

static const char *const colours[] = {
	[CELL_PLAIN] = "",
	[CELL_GOOD] = "\033[32m",
	[CELL_BAD] = "\033[31m",
	[CELL_PARTLY] = "\033[33m",
	[CELL_DIM] = "\033[2m",
};

static void pad(FILE *f, size_t n)
{
	while (n--)
		fputc(' ', f);
}

static void print_cell(FILE *f, const char *text, size_t width, bool right,
		       bool last, enum cell_style style, bool colour)
{
	size_t w = display_width(text), gap = width > w ? width - w : 0;
	bool styled = colour && style != CELL_PLAIN;

	if (right)
		pad(f, gap);
	fprintf(f, "%s%s%s", styled ? colours[style] : "", text,
		styled ? "\033[0m" : "");
	if (!right && !last)
		pad(f, gap);
}

void table_print_text(const struct table *t, FILE *f, int indent, bool colour)
{
	size_t width[TABLE_MAX_COLS];

	for (int i = 0; i < t->ncols; i++) {
		width[i] = display_width(t->headers[i]);
		for (size_t r = 0; r < t->nrows; r++) {
			size_t w = display_width(t->rows[r].cells[i]);

			if (w > width[i])
				width[i] = w;
		}
	}
	pad(f, indent);
	for (int i = 0; i < t->ncols; i++) {
		if (i)
			fputs("  ", f);
		print_cell(f, t->headers[i], width[i], t->right[i],
			   i == t->ncols - 1, CELL_PLAIN, false);
	}
	fputc('\n', f);
	for (size_t r = 0; r < t->nrows; r++) {
		const struct table_row *row = &t->rows[r];

		pad(f, indent);
		for (int i = 0; i < t->ncols; i++) {
			if (i)
				fputs("  ", f);
			print_cell(f, row->cells[i], width[i], t->right[i],
				   i == t->ncols - 1, row->style[i], colour);
		}
		fputc('\n', f);
		if (row->note) {
			pad(f, indent + 4);
			fprintf(f, "%s\n", row->note);
		}
	}
}

void md_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\n' || *s == '\r') {
			fputc(' ', f);
			continue;
		}
		/* inline specials; '-', '#', '+' only matter at a line's start */
		if (strchr("\\`*_[]<>|~", *s))
			fputc('\\', f);
		fputc(*s, f);
	}
}

void xml_escape(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s);

	while (left) {
		size_t n = *p >= 0x80 ? utf8_printable_len(p, left) : 1;

		if (*p >= 0x80 && !n) {
			fputs("&#xFFFD;", f);	/* not UTF-8, or a C1 control */
			n = 1;
		} else if (*p >= 0x80) {
			fwrite(p, 1, n, f);
		} else if (*p < 0x20 || *p == 0x7f) {
			fputc('?', f);		/* XML allows no such character */
		} else if (strchr("&<>\"'", *p)) {
			fprintf(f, "&#%d;", *p);
		} else {
			fputc(*p, f);
		}
		p += n;
		left -= n;
	}
}

void table_print_markdown(const struct table *t, FILE *f)
{
	fputc('|', f);
	for (int i = 0; i < t->ncols; i++) {
		fputc(' ', f);
		md_escape(f, t->headers[i]);
		fputs(" |", f);
	}
	fputs("\n|", f);
	for (int i = 0; i < t->ncols; i++)
		fputs(t->right[i] ? " ---: |" : " --- |", f);
	fputc('\n', f);
	for (size_t r = 0; r < t->nrows; r++) {
		fputc('|', f);
		for (int i = 0; i < t->ncols; i++) {
			fputc(' ', f);
			md_escape(f, t->rows[r].cells[i]);
			fputs(" |", f);
		}
		fputc('\n', f);
	}
}

bool want_colour(FILE *stream)
{
	const char *term = getenv("TERM");
	const char *no = getenv("NO_COLOR");

	if (no && *no)
		return false;
	if (term && !strcmp(term, "dumb"))
		return false;
	return isatty(fileno(stream));
}
