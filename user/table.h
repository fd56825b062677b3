/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * table.h - one table, two renderings: aligned text for a terminal (with
 * colours only when asked) and GitHub-flavoured Markdown for a report a
 * person can publish. Cells are copied; widths count display columns, so a
 * CJK character takes two.
 */
#ifndef TABLE_H
#define TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define TABLE_MAX_COLS 12

enum cell_style {
	CELL_PLAIN = 0,
	CELL_GOOD,		/* green: a claim holds */
	CELL_BAD,		/* red: it does not */
	CELL_PARTLY,		/* yellow: in part */
	CELL_DIM,		/* grey: not checked */
};

struct table_row {
	char *cells[TABLE_MAX_COLS];
	enum cell_style style[TABLE_MAX_COLS];
	char *note;		/* text only: an indented line under the row */
};

struct table {
	int ncols;
	const char *headers[TABLE_MAX_COLS];
	bool right[TABLE_MAX_COLS];	/* right-aligned column (numbers) */
	struct table_row *rows;
	size_t nrows, cap;
};

/*
 * headers: ncols strings (kept, not copied); align: one letter per column,
 * 'l' or 'r'. Returns -1 if ncols is out of range.
 */
int table_init(struct table *t, int ncols, const char *const *headers,
	       const char *align);
/* Adds a row of ncols cells (NULL = empty); its index, or -1 (no memory). */
long table_add(struct table *t, const char *const *cells);
void table_style(struct table *t, long row, int col, enum cell_style style);
/* A note under a row, in the text rendering; -1 when out of memory. */
int table_note(struct table *t, long row, const char *note);
void table_free(struct table *t);

/* Aligned columns two spaces apart, headers first; indent spaces before. */
void table_print_text(const struct table *t, FILE *f, int indent, bool colour);
/* A Markdown table (notes left out); cells escaped for Markdown. */
void table_print_markdown(const struct table *t, FILE *f);

/* Display columns of UTF-8 text: East Asian wide characters count 2. */
size_t display_width(const char *s);
/* s with Markdown's special characters escaped, for inline text. */
void md_escape(FILE *f, const char *s);
/* s as XML (SVG) character data or an attribute's value: the markup
 * characters as references, controls as '?', what is not well-formed UTF-8
 * (or is a C1 control) as U+FFFD */
void xml_escape(FILE *f, const char *s);

/* Whether to colour what goes to stream: a terminal, NO_COLOR unset. */
bool want_colour(FILE *stream);

#endif /* TABLE_H */
