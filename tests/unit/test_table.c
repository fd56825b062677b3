// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* test_table.c - unit tests for user/table.c: display widths (ASCII, CJK,
 * invalid UTF-8), text alignment with and without colour, notes, Markdown
 * tables and escaping. */
#include "test.h"
#include "table.h"

#include <stdlib.h>

static const char *const headers[] = { "NAME", "N", "VERDICT" };

TEST(display_width_counts_columns)
{
	ASSERT_EQ_U64(display_width(""), 0);
	ASSERT_EQ_U64(display_width("abc"), 3);
	ASSERT_EQ_U64(display_width("±50%"), 4);		/* 2-byte, narrow */
	ASSERT_EQ_U64(display_width("管道"), 4);		/* CJK: 2 each */
	ASSERT_EQ_U64(display_width("a，b"), 4);		/* fullwidth comma */
	ASSERT_EQ_U64(display_width("\xff\xe4x"), 3);	/* invalid bytes: 1 each */
}

TEST(text_table_aligns_columns)
{
	struct table t;
	FILE *f = test_capture();

	ASSERT_EQ_U64(table_init(&t, 3, headers, "lrl"), 0);
	ASSERT_EQ_U64(table_add(&t, (const char *const[]){ "pipe", "2", "holds" }), 0);
	ASSERT_EQ_U64(table_add(&t, (const char *const[]){ "管道", "1030", NULL }), 1);
	table_print_text(&t, f, 2, false);
	table_free(&t);
	ASSERT_STREQ(test_capture_text(f),
		      "  NAME     N  VERDICT\n"
		      "  pipe     2  holds\n"
		      "  管道  1030  \n");
}

TEST(text_table_colours_only_when_asked)
{
	struct table t;
	FILE *plain = test_capture(), *col = test_capture();
	long r;

	table_init(&t, 3, headers, "lrl");
	r = table_add(&t, (const char *const[]){ "shm", "0", "does not hold" });
	table_style(&t, r, 2, CELL_BAD);
	table_note(&t, r, "why");
	table_print_text(&t, plain, 0, false);
	table_print_text(&t, col, 0, true);
	table_free(&t);
	ASSERT_STREQ(test_capture_text(plain),
		      "NAME  N  VERDICT\n"
		      "shm   0  does not hold\n"
		      "    why\n");
	ASSERT_STREQ(test_capture_text(col),
		      "NAME  N  VERDICT\n"
		      "shm   0  \033[31mdoes not hold\033[0m\n"
		      "    why\n");
}

TEST(markdown_table_escapes_cells)
{
	struct table t;
	FILE *f = test_capture();

	table_init(&t, 3, headers, "lrl");
	table_add(&t, (const char *const[]){ "a|b", "*2*", "x\ny" });
	table_note(&t, 0, "not in markdown");
	table_print_markdown(&t, f);
	table_free(&t);
	ASSERT_STREQ(test_capture_text(f),
		      "| NAME | N | VERDICT |\n"
		      "| --- | ---: | --- |\n"
		      "| a\\|b | \\*2\\* | x y |\n");
}

TEST(table_rejects_bad_column_counts)
{
	struct table t;

	ASSERT_EQ_U64(table_init(&t, 0, headers, "l") != 0, 1);
	ASSERT_EQ_U64(table_init(&t, TABLE_MAX_COLS + 1, headers, "l") != 0, 1);
}

TEST(md_escape_leaves_text_alone)
{
	FILE *f = test_capture();

	md_escape(f, "shm-time (2 copies, 0.1 ms; 管道) #1 + a_b");
	ASSERT_STREQ(test_capture_text(f), "shm-time (2 copies, 0.1 ms; 管道) #1 + a\\_b");
}

/* What the traced system names (a CPU model, a kernel release) goes into
 * the SVG chart: markup escaped, controls and broken UTF-8 replaced, and
 * well-formed UTF-8 kept */
TEST(xml_escape_makes_any_string_character_data)
{
	FILE *f = test_capture();

	xml_escape(f, "a<b>&\"c' \x01\x7f 管道 \xff\xc3 \xc2\x85.");
	ASSERT_STREQ(test_capture_text(f),
		     "a&#60;b&#62;&#38;&#34;c&#39; ?? 管道 &#xFFFD;&#xFFFD; &#xFFFD;&#xFFFD;.");
}
