// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* test_claims.c - unit tests for user/claims.c: parsing claims files
 * (every metric type and comparison into exact fields, trimming, '|' in the
 * text, comments, blank lines, CRLF, a BOM), each error message exactly
 * with its line number, field size limits, claims_load(), the comparison
 * of measurements (claim_holds_number, tolerance edges) and the repository's
 * claims/reference.claims. */
#include "test.h"
#include "claims.h"
#include <unistd.h>

#include <locale.h>
#include <math.h>
#include <stdlib.h>

#define MAX_GOT 64

/* What the last parse() returned: claims are copied here and the malloc'd
 * array freed at once, so a failing assertion leaks nothing. */
static struct claim got[MAX_GOT];
static size_t ngot;
static char err[1024];

/* Parse len bytes of text as the file "t.claims"; claims_parse's result,
 * or -2 if the temporary file could not be made. */
static int parse_len(const char *text, size_t len)
{
	struct claim *c = NULL;
	size_t n = 0;
	FILE *f = tmpfile();
	int rc;

	memset(got, 0, sizeof(got));
	ngot = 0;
	snprintf(err, sizeof(err), "(no error)");
	if (!f || fwrite(text, 1, len, f) != len) {
		snprintf(err, sizeof(err), "(tmpfile failed)");
		if (f)
			fclose(f);
		return -2;
	}
	rewind(f);
	rc = claims_parse(f, "t.claims", &c, &n, err, sizeof(err));
	fclose(f);
	if (rc == 0) {
		ngot = n < MAX_GOT ? n : MAX_GOT;
		memcpy(got, c, ngot * sizeof(*c));
		free(c);
	}
	return rc;
}

static int parse(const char *text)
{
	return parse_len(text, strlen(text));
}

/* The error message for text, or "(parsed)" if it parsed. */
static const char *parse_err(const char *text)
{
	return parse(text) == 0 ? "(parsed)" : err;
}

#define OK_LINE "ok | §1 | pipe | copies_per_byte | eq | 2 | - | text\n"

/* ---- valid files ---- */

TEST(claims_parse_every_type_and_comparison)
{
	const char *text =
		"n-eq | §3 表 | pipe | copies_per_byte | eq | 2 | - | 2次拷贝\n"
		"n-eq-tol | §3 | msgq | syscalls_1mb | eq | 4 | 1 | t\n"
		"n-le | §3 | shm | mode_switches_1mb | le | 2 | - | 几乎无切换\n"
		"n-ge | §3 | unix | context_switches_1mb | ge | 0.25 | 10% | t\n"
		"n-lt | §3 | tcp | page_faults_1mb | lt | 100 | - | t\n"
		"n-gt | Q3 | shm | lost_updates_unsynchronised | gt | 0 | - | t\n"
		"n-approx | §3 | tcp | time_1mb_ms | approx | 5 | 50% | 5ms\n"
		"n-approx-abs | §3 | udp | time_1mb_ms | approx | 0.1 | 0.05 | t\n"
		"n-one-of | §2.1 | pipe | pipe_capacity_bytes | one_of | 4096,65536 | - | 4KB或64KB\n"
		"b-true | §2.1 | fifo | writer_blocks_when_full | is | true | - | 写满时阻塞\n"
		"b-false | §2.1 | pipe | keeps_message_boundaries | is | false | - | 无消息边界\n"
		"r-order | §3 | all | rank_time_1mb | order | shm<unix<pipe<msgq<tcp | - | 最快\n";
	const struct claim *c;

	ASSERT_EQ_I64(parse(text), 0);
	ASSERT_EQ_U64(ngot, 12);

	c = &got[0];
	ASSERT_STREQ(c->id, "n-eq");
	ASSERT_STREQ(c->where, "§3 表");
	ASSERT_STREQ(c->mechanism, "pipe");
	ASSERT_STREQ(c->metric, "copies_per_byte");
	ASSERT_EQ_I64(c->type, CLAIM_NUMBER);
	ASSERT_EQ_I64(c->cmp, CMP_EQ);
	ASSERT_TRUE(c->number == 2);
	ASSERT_TRUE(!c->has_tolerance && !c->tolerance_relative);
	ASSERT_TRUE(c->tolerance == 0);
	ASSERT_EQ_I64(c->nlist, 0);
	ASSERT_EQ_I64(c->norder, 0);
	ASSERT_STREQ(c->text, "2次拷贝");
	ASSERT_EQ_I64(c->line, 1);

	c = &got[1];
	ASSERT_EQ_I64(c->cmp, CMP_EQ);
	ASSERT_TRUE(c->number == 4);
	ASSERT_TRUE(c->has_tolerance && !c->tolerance_relative);
	ASSERT_TRUE(c->tolerance == 1);
	ASSERT_STREQ(c->mechanism, "msgq");
	ASSERT_EQ_I64(c->line, 2);

	c = &got[2];
	ASSERT_EQ_I64(c->cmp, CMP_LE);
	ASSERT_STREQ(c->metric, "mode_switches_1mb");
	ASSERT_TRUE(c->number == 2 && !c->has_tolerance);

	c = &got[3];
	ASSERT_EQ_I64(c->cmp, CMP_GE);
	ASSERT_TRUE(c->number == 0.25);
	ASSERT_TRUE(c->has_tolerance && c->tolerance_relative);
	ASSERT_TRUE(c->tolerance == 10);

	c = &got[4];
	ASSERT_EQ_I64(c->cmp, CMP_LT);
	ASSERT_STREQ(c->mechanism, "tcp");
	ASSERT_TRUE(c->number == 100);

	c = &got[5];
	ASSERT_EQ_I64(c->cmp, CMP_GT);
	ASSERT_STREQ(c->metric, "lost_updates_unsynchronised");
	ASSERT_TRUE(c->number == 0);

	c = &got[6];
	ASSERT_EQ_I64(c->cmp, CMP_APPROX);
	ASSERT_TRUE(c->number == 5);
	ASSERT_TRUE(c->has_tolerance && c->tolerance_relative);
	ASSERT_TRUE(c->tolerance == 50);

	c = &got[7];
	ASSERT_EQ_I64(c->cmp, CMP_APPROX);
	ASSERT_STREQ(c->mechanism, "udp");
	ASSERT_TRUE(c->number == 0.1);
	ASSERT_TRUE(c->has_tolerance && !c->tolerance_relative);
	ASSERT_TRUE(c->tolerance == 0.05);

	c = &got[8];
	ASSERT_EQ_I64(c->type, CLAIM_NUMBER);
	ASSERT_EQ_I64(c->cmp, CMP_ONE_OF);
	ASSERT_EQ_I64(c->nlist, 2);
	ASSERT_TRUE(c->list[0] == 4096 && c->list[1] == 65536);
	ASSERT_TRUE(c->number == 0);
	ASSERT_STREQ(c->text, "4KB或64KB");

	c = &got[9];
	ASSERT_EQ_I64(c->type, CLAIM_BOOL);
	ASSERT_EQ_I64(c->cmp, CMP_IS);
	ASSERT_TRUE(c->boolean);
	ASSERT_STREQ(c->mechanism, "fifo");
	ASSERT_STREQ(c->metric, "writer_blocks_when_full");

	c = &got[10];
	ASSERT_EQ_I64(c->type, CLAIM_BOOL);
	ASSERT_TRUE(!c->boolean);

	c = &got[11];
	ASSERT_EQ_I64(c->type, CLAIM_RANKING);
	ASSERT_EQ_I64(c->cmp, CMP_ORDER);
	ASSERT_STREQ(c->mechanism, "all");
	ASSERT_EQ_I64(c->norder, 5);
	ASSERT_STREQ(c->order[0], "shm");
	ASSERT_STREQ(c->order[1], "unix");
	ASSERT_STREQ(c->order[2], "pipe");
	ASSERT_STREQ(c->order[3], "msgq");
	ASSERT_STREQ(c->order[4], "tcp");
	ASSERT_STREQ(c->order[5], "");
	ASSERT_EQ_I64(c->line, 12);
}

TEST(claims_parse_every_metric_and_mechanism)
{
	static const char *const numbers[] = {
		"time_1mb_ms", "copies_per_byte", "syscalls_1mb",
		"mode_switches_1mb", "context_switches_1mb", "page_faults_1mb",
		"pipe_capacity_bytes", "lost_updates_unsynchronised",
		"lost_updates_with_semaphore", "signals_lost", "bytes_carried",
	};
	static const char *const bools[] = {
		"writer_blocks_when_full", "keeps_message_boundaries",
		"selective_receive_by_type", "one_way",
	};
	static const char *const mechs[] = {
		"pipe", "fifo", "msgq", "shm", "sem", "signal", "unix", "tcp",
		"udp",
	};
	char text[4096];
	size_t len = 0, k = 0;

	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++, k++)
		len += snprintf(text + len, sizeof(text) - len,
				"m%zu | w | %s | %s | ge | 1 | - | t\n",
				k, mechs[k % 9], numbers[i]);
	for (size_t i = 0; i < sizeof(bools) / sizeof(bools[0]); i++, k++)
		len += snprintf(text + len, sizeof(text) - len,
				"m%zu | w | %s | %s | is | true | - | t\n",
				k, mechs[k % 9], bools[i]);
	len += snprintf(text + len, sizeof(text) - len,
			"m%zu | w | all | rank_time_1mb | order | "
			"pipe<fifo<msgq<shm<sem<signal<unix<tcp | - | t\n", k);
	ASSERT_TRUE(len < sizeof(text));
	ASSERT_EQ_I64(parse(text), 0);
	ASSERT_EQ_U64(ngot, 16);
	for (size_t i = 0; i < 11; i++) {
		ASSERT_STREQ(got[i].metric, numbers[i]);
		ASSERT_STREQ(got[i].mechanism, mechs[i % 9]);
		ASSERT_EQ_I64(got[i].type, CLAIM_NUMBER);
	}
	for (size_t i = 0; i < 4; i++) {
		ASSERT_STREQ(got[11 + i].metric, bools[i]);
		ASSERT_EQ_I64(got[11 + i].type, CLAIM_BOOL);
	}
	ASSERT_EQ_I64(got[15].type, CLAIM_RANKING);
	ASSERT_EQ_I64(got[15].norder, 8);
	ASSERT_STREQ(got[15].order[7], "tcp");
}

TEST(claims_trims_spaces_and_tabs_around_fields)
{
	ASSERT_EQ_I64(parse("\t  my-id\t|  §2 管道 原理 \t| pipe|copies_per_byte"
			    "|eq|  2.5\t| 10% |   两次 拷贝  \t\n"), 0);
	ASSERT_EQ_U64(ngot, 1);
	ASSERT_STREQ(got[0].id, "my-id");
	/* inner blanks stay */
	ASSERT_STREQ(got[0].where, "§2 管道 原理");
	ASSERT_STREQ(got[0].mechanism, "pipe");
	ASSERT_TRUE(got[0].number == 2.5);
	ASSERT_TRUE(got[0].tolerance == 10 && got[0].tolerance_relative);
	ASSERT_STREQ(got[0].text, "两次 拷贝");
	/* and blanks around list items and '<' */
	ASSERT_EQ_I64(parse("a | w | pipe | pipe_capacity_bytes | one_of | 4096 , 65536 | - | t\n"
			    "b | w | all | rank_time_1mb | order | shm < unix | - | t\n"), 0);
	ASSERT_EQ_I64(got[0].nlist, 2);
	ASSERT_TRUE(got[0].list[1] == 65536);
	ASSERT_STREQ(got[1].order[0], "shm");
	ASSERT_STREQ(got[1].order[1], "unix");
}

TEST(claims_bar_in_text_belongs_to_the_text)
{
	ASSERT_EQ_I64(parse("a | w | pipe | one_way | is | true | - | ls | grep txt |\n"
			    "b | w | pipe | one_way | is | true | - | || x ||\n"), 0);
	ASSERT_EQ_U64(ngot, 2);
	ASSERT_STREQ(got[0].text, "ls | grep txt |");
	ASSERT_STREQ(got[1].text, "|| x ||");
	ASSERT_TRUE(got[1].boolean);
}

TEST(claims_comments_and_blank_lines_are_skipped)
{
	ASSERT_EQ_I64(parse("# a comment | with | bars | a | b | c | d | e | f\n"
			    "\n"
			    "   \t \n"
			    "  # an indented comment\n"
			    "a | w | pipe | one_way | is | true | - | t # not a comment\n"
			    "#\n"
			    "\n"
			    "b | w | pipe | one_way | is | false | - | t\n"
			    "# trailing comment, no newline"), 0);
	ASSERT_EQ_U64(ngot, 2);
	ASSERT_STREQ(got[0].id, "a");
	ASSERT_EQ_I64(got[0].line, 5);
	ASSERT_STREQ(got[0].text, "t # not a comment");
	ASSERT_STREQ(got[1].id, "b");
	ASSERT_EQ_I64(got[1].line, 8);
}

TEST(claims_last_line_without_newline_crlf_and_bom)
{
	ASSERT_EQ_I64(parse("a | w | pipe | one_way | is | true | - | t"), 0);
	ASSERT_EQ_U64(ngot, 1);
	ASSERT_STREQ(got[0].text, "t");
	ASSERT_EQ_I64(parse("\xef\xbb\xbf# BOM\r\n"
			    "a | w | pipe | one_way | is | true | - | t\r\n"
			    "b | w | pipe | one_way | is | true | - | u\r\n"), 0);
	ASSERT_EQ_U64(ngot, 2);
	ASSERT_STREQ(got[0].text, "t");
	ASSERT_EQ_I64(got[1].line, 3);
	/* a BOM anywhere else is an ordinary character: here, in the id */
	ASSERT_STREQ(parse_err("# x\n\xef\xbb\xbf" "a | w | pipe | one_way | is | true | - | t\n"),
		     "t.claims:2: invalid id '\xef\xbb\xbf" "a' (use a-z, 0-9 and '-')");
}

TEST(claims_numbers_as_written)
{
	ASSERT_EQ_I64(parse("a | w | tcp | time_1mb_ms | eq | 0 | - | t\n"
			    "b | w | tcp | time_1mb_ms | eq | 007.50 | - | t\n"
			    "c | w | tcp | time_1mb_ms | eq | 123456789012 | - | t\n"
			    "d | w | tcp | time_1mb_ms | eq | 0.000001 | 0% | t\n"), 0);
	ASSERT_TRUE(got[0].number == 0);
	ASSERT_TRUE(got[1].number == 7.5);
	ASSERT_TRUE(got[2].number == 123456789012.0);
	ASSERT_TRUE(got[3].number == 0.000001);
	ASSERT_TRUE(got[3].has_tolerance && got[3].tolerance == 0);
}

/* A program may set a locale whose decimal point is ','; the file must
 * still read "0.5" as one half. Skipped when no such locale is installed. */
TEST(claims_numbers_ignore_locale)
{
	static const char *const names[] = {
		"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8",
		"ru_RU.UTF-8", "nl_NL.UTF-8",
	};
	const char *cur = setlocale(LC_NUMERIC, NULL);
	char saved[64];
	bool have = false;
	int rc;

	snprintf(saved, sizeof(saved), "%s", cur ? cur : "C");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && !have; i++)
		have = setlocale(LC_NUMERIC, names[i]) &&
		       strcmp(localeconv()->decimal_point, ".") != 0;
	if (!have) {
		setlocale(LC_NUMERIC, saved);
		printf("note: no decimal-comma locale installed, locale test "
		       "skipped\n");
		return;
	}
	rc = parse("a | w | tcp | time_1mb_ms | approx | 0.5 | 2.5% | t\n");
	setlocale(LC_NUMERIC, saved);
	ASSERT_EQ_I64(rc, 0);
	ASSERT_TRUE(got[0].number == 0.5);
	ASSERT_TRUE(got[0].tolerance == 2.5);
}

/* ---- field size limits: the largest size fits, one more byte is an
 * error, never a truncation ---- */

TEST(claims_id_limit)
{
	char text[256];

	snprintf(text, sizeof(text), "%s | w | pipe | one_way | is | true | - | t\n",
		 "abcdefghijklmnopqrstuvwxyz-0123");	/* 31 */
	ASSERT_EQ_I64(parse(text), 0);
	ASSERT_STREQ(got[0].id, "abcdefghijklmnopqrstuvwxyz-0123");
	snprintf(text, sizeof(text), "%s | w | pipe | one_way | is | true | - | t\n",
		 "abcdefghijklmnopqrstuvwxyz-01234");	/* 32 */
	ASSERT_STREQ(parse_err(text),
		     "t.claims:1: id 'abcdefghijklmnopqrstuvwxyz-01234' is too "
		     "long (32 bytes, at most 31)");
}

TEST(claims_where_limit)
{
	char where[200], text[400];

	memset(where, 'w', 127);
	where[127] = '\0';
	snprintf(text, sizeof(text), "a | %s | pipe | one_way | is | true | - | t\n", where);
	ASSERT_EQ_I64(parse(text), 0);
	ASSERT_EQ_U64(strlen(got[0].where), 127);
	/* 42 three-byte characters = 126 bytes, then 2 more: the limit is in
	 * bytes, not characters */
	where[0] = '\0';
	for (int i = 0; i < 42; i++)
		strcat(where, "表");
	strcat(where, "ab");
	snprintf(text, sizeof(text), "a | %s | pipe | one_way | is | true | - | t\n", where);
	ASSERT_STREQ(parse_err(text), "t.claims:1: where is too long (128 bytes, at most 127)");
}

TEST(claims_text_limit)
{
	char t[600], text[800];

	memset(t, 'x', 511);
	t[511] = '\0';
	snprintf(text, sizeof(text), "a | w | pipe | one_way | is | true | - | %s\n", t);
	ASSERT_EQ_I64(parse(text), 0);
	ASSERT_EQ_U64(strlen(got[0].text), 511);
	strcat(t, "|");
	snprintf(text, sizeof(text), "a | w | pipe | one_way | is | true | - | %s\n", t);
	ASSERT_STREQ(parse_err(text), "t.claims:1: text is too long (512 bytes, at most 511)");
}

TEST(claims_line_limit)
{
	/* 4095 bytes is allowed, 4096 is not. The fields' own limits keep
	 * a claim far shorter, so the length here is blanks before the text. */
	static const char head[] = "a | w | pipe | one_way | is | true | - | ";
	static char text[5000];

	memset(text, ' ', sizeof(text));
	memcpy(text, head, sizeof(head) - 1);
	text[4094] = 't';
	text[4095] = '\n';
	text[4096] = '\0';
	ASSERT_EQ_I64(parse(text), 0);
	ASSERT_EQ_U64(ngot, 1);
	ASSERT_STREQ(got[0].text, "t");
	text[4094] = ' ';
	text[4095] = 't';
	text[4096] = '\n';
	text[4097] = '\0';
	ASSERT_STREQ(parse_err(text), "t.claims:1: line is too long (4096 bytes, at most 4095)");
	/* the same for a comment, after a good line; the CRLF ending does not
	 * count */
	memcpy(text, OK_LINE, sizeof(OK_LINE) - 1);
	memset(text + sizeof(OK_LINE) - 1, '#', 4096);
	memcpy(text + sizeof(OK_LINE) - 1 + 4096, "\r\n", 3);
	ASSERT_STREQ(parse_err(text), "t.claims:2: line is too long (4096 bytes, at most 4095)");
	memcpy(text + sizeof(OK_LINE) - 1 + 4095, "\r\n", 3);
	ASSERT_EQ_I64(parse(text), 0);
	ASSERT_EQ_U64(ngot, 1);
}

/* ---- errors: one test per kind, exact message and line ---- */

TEST(claims_error_field_count)
{
	ASSERT_STREQ(parse_err(OK_LINE "b | w | pipe | one_way | is | true | - | t\n"
			       "# c\n"
			       "a | w | pipe | one_way | is\n"),
		     "t.claims:4: expected 8 fields separated by '|', found 5");
	ASSERT_STREQ(parse_err("just words\n"),
		     "t.claims:1: expected 8 fields separated by '|', found 1");
	ASSERT_STREQ(parse_err("a | w | pipe | one_way | is | true | -\n"),
		     "t.claims:1: expected 8 fields separated by '|', found 7");
}

TEST(claims_error_empty_field)
{
	ASSERT_STREQ(parse_err(" | w | pipe | one_way | is | true | - | t\n"),
		     "t.claims:1: empty id");
	ASSERT_STREQ(parse_err("a |  \t | pipe | one_way | is | true | - | t\n"),
		     "t.claims:1: empty where");
	ASSERT_STREQ(parse_err("a | w | | one_way | is | true | - | t\n"),
		     "t.claims:1: empty mechanism");
	ASSERT_STREQ(parse_err("a | w | pipe | | is | true | - | t\n"),
		     "t.claims:1: empty metric");
	ASSERT_STREQ(parse_err("a | w | pipe | one_way | | true | - | t\n"),
		     "t.claims:1: empty comparison");
	ASSERT_STREQ(parse_err("a | w | pipe | one_way | is | | - | t\n"),
		     "t.claims:1: empty claimed value");
	ASSERT_STREQ(parse_err("a | w | pipe | one_way | is | true | | t\n"),
		     "t.claims:1: empty tolerance (write '-' for none)");
	ASSERT_STREQ(parse_err(OK_LINE "a | w | pipe | one_way | is | true | - |  \n"),
		     "t.claims:2: empty text");
}

TEST(claims_error_invalid_id)
{
	ASSERT_STREQ(parse_err("Pipe_Copies | w | pipe | one_way | is | true | - | t\n"),
		     "t.claims:1: invalid id 'Pipe_Copies' (use a-z, 0-9 and '-')");
	ASSERT_STREQ(parse_err("a b | w | pipe | one_way | is | true | - | t\n"),
		     "t.claims:1: invalid id 'a b' (use a-z, 0-9 and '-')");
	ASSERT_STREQ(parse_err("管道 | w | pipe | one_way | is | true | - | t\n"),
		     "t.claims:1: invalid id '管道' (use a-z, 0-9 and '-')");
}

TEST(claims_error_duplicate_id)
{
	ASSERT_STREQ(parse_err("# header\n\n"
			       "pipe-copies | w | pipe | copies_per_byte | eq | 2 | - | t\n"
			       "other | w | pipe | one_way | is | true | - | t\n"
			       "\n\n\n\n"
			       "pipe-copies | w | msgq | copies_per_byte | eq | 2 | - | t\n"),
		     "t.claims:9: duplicate id 'pipe-copies' (first on line 3)");
}

TEST(claims_error_unknown_mechanism)
{
	ASSERT_STREQ(parse_err("a | w | pipes | one_way | is | true | - | t\n"),
		     "t.claims:1: unknown mechanism 'pipes' (expected pipe, fifo, "
		     "msgq, shm, sem, signal, unix, tcp, udp, all)");
	/* names are case-sensitive */
	ASSERT_STREQ(parse_err("a | w | TCP | one_way | is | true | - | t\n"),
		     "t.claims:1: unknown mechanism 'TCP' (expected pipe, fifo, "
		     "msgq, shm, sem, signal, unix, tcp, udp, all)");
}

TEST(claims_error_unknown_metric)
{
	ASSERT_STREQ(parse_err("a | w | pipe | copies | eq | 2 | - | t\n"),
		     "t.claims:1: unknown metric 'copies' (expected time_1mb_ms, "
		     "copies_per_byte, syscalls_1mb, mode_switches_1mb, "
		     "context_switches_1mb, page_faults_1mb, pipe_capacity_bytes, "
		     "lost_updates_unsynchronised, lost_updates_with_semaphore, "
		     "signals_lost, bytes_carried, writer_blocks_when_full, "
		     "keeps_message_boundaries, selective_receive_by_type, "
		     "one_way, rank_time_1mb)");
}

TEST(claims_error_ranking_mechanism)
{
	ASSERT_STREQ(parse_err("a | w | unix | rank_time_1mb | order | unix<tcp | - | t\n"),
		     "t.claims:1: metric 'rank_time_1mb' ranks mechanisms: its "
		     "mechanism must be 'all', not 'unix'");
	ASSERT_STREQ(parse_err("a | w | all | copies_per_byte | eq | 2 | - | t\n"),
		     "t.claims:1: mechanism 'all' is only for rankings: metric "
		     "'copies_per_byte' needs one mechanism");
}

TEST(claims_error_unknown_comparison)
{
	ASSERT_STREQ(parse_err(OK_LINE OK_LINE OK_LINE OK_LINE OK_LINE
			       OK_LINE OK_LINE OK_LINE OK_LINE OK_LINE OK_LINE
			       "x | w | tcp | time_1mb_ms | aprox | 5 | 50% | t\n"),
		     /* the duplicate "ok" ids come first */
		     "t.claims:2: duplicate id 'ok' (first on line 1)");
	ASSERT_STREQ(parse_err("# 1\n# 2\n# 3\n# 4\n# 5\n# 6\n# 7\n# 8\n# 9\n"
			       "# 10\n" OK_LINE
			       "x | w | tcp | time_1mb_ms | aprox | 5 | 50% | t\n"),
		     "t.claims:12: unknown comparison 'aprox' (expected eq, le, "
		     "ge, lt, gt, approx, one_of, is, order)");
	ASSERT_STREQ(parse_err("x | w | tcp | time_1mb_ms | EQ | 5 | - | t\n"),
		     "t.claims:1: unknown comparison 'EQ' (expected eq, le, "
		     "ge, lt, gt, approx, one_of, is, order)");
}

TEST(claims_error_comparison_not_for_metric_type)
{
	ASSERT_STREQ(parse_err("a | w | pipe | copies_per_byte | is | true | - | t\n"),
		     "t.claims:1: comparison 'is' does not apply to metric "
		     "'copies_per_byte', which takes a number (use eq, le, ge, "
		     "lt, gt, approx or one_of)");
	ASSERT_STREQ(parse_err("a | w | pipe | one_way | eq | 1 | - | t\n"),
		     "t.claims:1: comparison 'eq' does not apply to metric "
		     "'one_way', which takes true or false (use is)");
	ASSERT_STREQ(parse_err("a | w | all | rank_time_1mb | le | 1 | - | t\n"),
		     "t.claims:1: comparison 'le' does not apply to metric "
		     "'rank_time_1mb', which takes a ranking (use order)");
	ASSERT_STREQ(parse_err("a | w | pipe | copies_per_byte | order | shm<tcp | - | t\n"),
		     "t.claims:1: comparison 'order' does not apply to metric "
		     "'copies_per_byte', which takes a number (use eq, le, ge, "
		     "lt, gt, approx or one_of)");
}

TEST(claims_error_not_a_number)
{
	static const char *const bad[] = {
		"two", "0x10", "inf", "nan", "INF", "1e3", "-1", "+1", ".5",
		"5.", "1.2.3", "1,5", "1 000", "2ms", "0.5%", "true", "",
	};
	char text[256], want[256];

	ASSERT_STREQ(parse_err("\n\n\na | w | pipe | copies_per_byte | eq | two | - | t\n"),
		     "t.claims:4: metric 'copies_per_byte' takes a number, not 'two'");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* an empty claimed value is "empty claimed value" instead */
		if (!bad[i][0])
			continue;
		snprintf(text, sizeof(text),
			 "a | w | pipe | copies_per_byte | le | %s | - | t\n", bad[i]);
		snprintf(want, sizeof(want),
			 "t.claims:1: metric 'copies_per_byte' takes a number, not '%s'",
			 bad[i]);
		ASSERT_STREQ(parse_err(text), want);
	}
}

TEST(claims_error_number_out_of_range)
{
	/* 400 digits: strtod would give inf; 0.(399 zeros)1 underflows */
	static char text[1024];
	char digits[401];
	size_t len;

	memset(digits, '9', 400);
	digits[400] = '\0';
	snprintf(text, sizeof(text),
		 "a | w | pipe | copies_per_byte | le | %s | - | t\n", digits);
	ASSERT_STREQ(parse_err(text),
		     "t.claims:1: metric 'copies_per_byte' takes a number, not "
		     "'999999999999999999999999999999999999999999999999...'");
	len = snprintf(text, sizeof(text), "a | w | pipe | copies_per_byte | le | 0.");
	memset(text + len, '0', 399);
	snprintf(text + len + 399, sizeof(text) - len - 399, "1 | - | t\n");
	ASSERT_STREQ(parse_err(text),
		     "t.claims:1: metric 'copies_per_byte' takes a number, not "
		     "'0.0000000000000000000000000000000000000000000000...'");
}

TEST(claims_error_quotes_are_clipped_on_a_character_boundary)
{
	char text[512], metric[200];

	/* "x" then 3-byte characters: byte 48 falls inside the 16th one */
	strcpy(metric, "x");
	for (int i = 0; i < 20; i++)
		strcat(metric, "切");
	snprintf(text, sizeof(text), "a | w | pipe | %s | eq | 2 | - | t\n", metric);
	ASSERT_EQ_I64(parse(text), -1);
	ASSERT_TRUE(strstr(err, "unknown metric 'x切切切切切切切切切切切切切切切...' (expected") != NULL);
}

TEST(claims_error_not_a_boolean)
{
	ASSERT_STREQ(parse_err("a | w | pipe | one_way | is | yes | - | t\n"),
		     "t.claims:1: metric 'one_way' takes true or false, not 'yes'");
	ASSERT_STREQ(parse_err("a | w | pipe | one_way | is | True | - | t\n"),
		     "t.claims:1: metric 'one_way' takes true or false, not 'True'");
	ASSERT_STREQ(parse_err("a | w | pipe | one_way | is | 1 | - | t\n"),
		     "t.claims:1: metric 'one_way' takes true or false, not '1'");
}

TEST(claims_error_one_of_list)
{
	ASSERT_EQ_I64(parse("a | w | pipe | pipe_capacity_bytes | one_of | 1,2,3,4,5,6,7,8 | - | t\n"
			    "b | w | pipe | pipe_capacity_bytes | one_of | 4096 | - | t\n"), 0);
	ASSERT_EQ_I64(got[0].nlist, 8);
	ASSERT_TRUE(got[0].list[7] == 8);
	ASSERT_EQ_I64(got[1].nlist, 1);
	ASSERT_TRUE(got[1].list[0] == 4096);
	ASSERT_STREQ(parse_err("a | w | pipe | pipe_capacity_bytes | one_of | 1,2,3,4,5,6,7,8,9 | - | t\n"),
		     "t.claims:1: one_of takes 1 to 8 numbers separated by ',', found 9");
	ASSERT_STREQ(parse_err("a | w | pipe | pipe_capacity_bytes | one_of | 4096,4KB | - | t\n"),
		     "t.claims:1: metric 'pipe_capacity_bytes' takes a number, "
		     "not '4KB' (item 2 of the one_of list)");
	ASSERT_STREQ(parse_err("a | w | pipe | pipe_capacity_bytes | one_of | 4096,,65536 | - | t\n"),
		     "t.claims:1: metric 'pipe_capacity_bytes' takes a number, "
		     "not '' (item 2 of the one_of list)");
	ASSERT_STREQ(parse_err("a | w | pipe | pipe_capacity_bytes | one_of | 4096, | - | t\n"),
		     "t.claims:1: metric 'pipe_capacity_bytes' takes a number, "
		     "not '' (item 2 of the one_of list)");
	ASSERT_STREQ(parse_err("a | w | pipe | pipe_capacity_bytes | one_of | 4096,65536,4096.0 | - | t\n"),
		     "t.claims:1: number '4096.0' appears twice in the one_of list");
}

TEST(claims_error_order_list)
{
	ASSERT_STREQ(parse_err("a | w | all | rank_time_1mb | order | shm | - | t\n"),
		     "t.claims:1: order takes 2 to 8 mechanisms joined by '<', found 1");
	ASSERT_STREQ(parse_err("a | w | all | rank_time_1mb | order | "
			       "pipe<fifo<msgq<shm<sem<signal<unix<tcp<udp | - | t\n"),
		     "t.claims:1: order takes 2 to 8 mechanisms joined by '<', found 9");
	ASSERT_STREQ(parse_err("a | w | all | rank_time_1mb | order | shm<uds<tcp | - | t\n"),
		     "t.claims:1: unknown mechanism 'uds' in the order (expected "
		     "pipe, fifo, msgq, shm, sem, signal, unix, tcp, udp)");
	ASSERT_STREQ(parse_err("a | w | all | rank_time_1mb | order | shm<all | - | t\n"),
		     "t.claims:1: unknown mechanism 'all' in the order (expected "
		     "pipe, fifo, msgq, shm, sem, signal, unix, tcp, udp)");
	ASSERT_STREQ(parse_err("a | w | all | rank_time_1mb | order | shm<<tcp | - | t\n"),
		     "t.claims:1: unknown mechanism '' in the order (expected "
		     "pipe, fifo, msgq, shm, sem, signal, unix, tcp, udp)");
	ASSERT_STREQ(parse_err("a | w | all | rank_time_1mb | order | shm>tcp | - | t\n"),
		     "t.claims:1: order takes 2 to 8 mechanisms joined by '<', found 1");
	ASSERT_STREQ(parse_err("a | w | all | rank_time_1mb | order | shm<pipe<shm | - | t\n"),
		     "t.claims:1: mechanism 'shm' appears twice in the order");
}

TEST(claims_error_tolerance)
{
	ASSERT_STREQ(parse_err("a | w | tcp | time_1mb_ms | approx | 5 | - | t\n"),
		     "t.claims:1: comparison 'approx' needs a tolerance (a "
		     "number, or a percentage like 50%), not '-'");
	ASSERT_STREQ(parse_err("a | w | pipe | pipe_capacity_bytes | one_of | 4096 | 1 | t\n"),
		     "t.claims:1: comparison 'one_of' takes no tolerance: write '-', not '1'");
	ASSERT_STREQ(parse_err("a | w | pipe | one_way | is | true | 0% | t\n"),
		     "t.claims:1: comparison 'is' takes no tolerance: write '-', not '0%'");
	ASSERT_STREQ(parse_err("a | w | all | rank_time_1mb | order | shm<tcp | 10% | t\n"),
		     "t.claims:1: comparison 'order' takes no tolerance: write '-', not '10%'");
	static const char *const bad[] = {
		"50 %", "%", "%50", "abc", "-5", "5%%", "--", "1e2%", "0x5", "nan%",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[256], want[256];

		snprintf(text, sizeof(text),
			 "a | w | tcp | time_1mb_ms | approx | 5 | %s | t\n", bad[i]);
		snprintf(want, sizeof(want),
			 "t.claims:1: invalid tolerance '%s' (expected '-', a "
			 "number, or a number followed by '%%')", bad[i]);
		ASSERT_STREQ(parse_err(text), want);
	}
	/* eq, le, ge, lt and gt may have one; approx may be 0 */
	ASSERT_EQ_I64(parse("a | w | tcp | time_1mb_ms | le | 5 | 1 | t\n"
			    "b | w | tcp | time_1mb_ms | ge | 5 | 1% | t\n"
			    "c | w | tcp | time_1mb_ms | lt | 5 | 0.5 | t\n"
			    "d | w | tcp | time_1mb_ms | gt | 5 | 200% | t\n"
			    "e | w | tcp | time_1mb_ms | approx | 5 | 0 | t\n"), 0);
	ASSERT_EQ_U64(ngot, 5);
	ASSERT_TRUE(got[3].tolerance == 200 && got[3].tolerance_relative);
	ASSERT_TRUE(got[4].has_tolerance && got[4].tolerance == 0);
}

TEST(claims_error_bytes)
{
	ASSERT_STREQ(parse_err(OK_LINE "a | w | pipe | one_way | is | true | - | bell\a\n"),
		     "t.claims:2: control character 0x07 at byte 46");
	ASSERT_STREQ(parse_err("a | w | pipe | one_way | is | true | - | t\x7f\n"),
		     "t.claims:1: control character 0x7f at byte 43");
	ASSERT_EQ_I64(parse_len("# ok\na\0b | w | pipe | one_way | is | true | - | t\n", 48), -1);
	ASSERT_STREQ(err, "t.claims:2: control character 0x00 at byte 2");
	/* a lone continuation byte, a truncated sequence, an overlong '/', a
	 * surrogate, a code point past U+10FFFF */
	ASSERT_STREQ(parse_err("a | w | pipe | one_way | is | true | - | \x80\n"),
		     "t.claims:1: invalid UTF-8 at byte 42");
	ASSERT_STREQ(parse_err("# \xe7\xae\n"), "t.claims:1: invalid UTF-8 at byte 3");
	ASSERT_STREQ(parse_err("# \xc0\xaf\n"), "t.claims:1: invalid UTF-8 at byte 3");
	ASSERT_STREQ(parse_err("# \xed\xa0\x80\n"), "t.claims:1: invalid UTF-8 at byte 3");
	ASSERT_STREQ(parse_err("#\xf4\x90\x80\x80\n"), "t.claims:1: invalid UTF-8 at byte 2");
	/* a lone CR inside a line is a control character, not an ending */
	ASSERT_STREQ(parse_err("# a\rb\n"), "t.claims:1: control character 0x0d at byte 4");
	/* 4-byte characters are fine */
	ASSERT_EQ_I64(parse("a | w | pipe | one_way | is | true | - | \xf0\x9f\x98\x80\n"), 0);
	ASSERT_STREQ(got[0].text, "\xf0\x9f\x98\x80");
}

TEST(claims_error_no_claims)
{
	ASSERT_STREQ(parse_err(""), "t.claims: no claims (the file is empty)");
	ASSERT_STREQ(parse_err("# only\n\n  # comments\n"),
		     "t.claims: no claims (only comments and blank lines)");
}

TEST(claims_first_error_wins_and_nothing_is_returned)
{
	struct claim *c = (struct claim *)&got[0];
	size_t n = 12345;
	char e[256];
	FILE *f = tmpfile();

	ASSERT_TRUE(f != NULL);
	fputs(OK_LINE "b | w | pipe | one_way | is | maybe | - | t\n"
	      "c | w | pipez | one_way | is | true | - | t\n", f);
	rewind(f);
	ASSERT_EQ_I64(claims_parse(f, "x/y.claims", &c, &n, e, sizeof(e)), -1);
	fclose(f);
	ASSERT_STREQ(e, "x/y.claims:2: metric 'one_way' takes true or false, not 'maybe'");
	ASSERT_TRUE(c == &got[0]);
	ASSERT_EQ_U64(n, 12345);
}

TEST(claims_error_fits_a_small_buffer)
{
	struct claim *c = NULL;
	size_t n = 0;
	char e[16];
	FILE *f = tmpfile();

	ASSERT_TRUE(f != NULL);
	fputs("a | w | tcp | time_1mb_ms | aprox | 5 | 50% | t\n", f);
	rewind(f);
	memset(e, 'Z', sizeof(e));
	ASSERT_EQ_I64(claims_parse(f, "t.claims", &c, &n, e, sizeof(e)), -1);
	ASSERT_STREQ(e, "t.claims:1: unk");
	/* and no buffer at all */
	rewind(f);
	ASSERT_EQ_I64(claims_parse(f, "t.claims", &c, &n, NULL, 0), -1);
	fclose(f);
	ASSERT_TRUE(c == NULL);
}

TEST(claims_load_errors)
{
	struct claim *c = NULL;
	size_t n = 0;
	char e[256];

	ASSERT_EQ_I64(claims_load("/nonexistent/x.claims", &c, &n, e, sizeof(e)), -1);
	ASSERT_STREQ(e, "cannot read /nonexistent/x.claims: No such file or directory");
	/* fopen() opens a directory for reading: refused before reading */
	ASSERT_EQ_I64(claims_load("/", &c, &n, e, sizeof(e)), -1);
	ASSERT_STREQ(e, "cannot read /: Is a directory");
	ASSERT_TRUE(c == NULL);
}

/* validate --claims /dev/zero once grew to 2.4 GB: every read is bounded */
TEST(claims_load_bounded)
{
	struct claim *c = NULL;
	size_t n = 0;
	char e[256], path[64];
	FILE *f;

	ASSERT_EQ_I64(claims_load("/dev/zero", &c, &n, e, sizeof(e)), -1);
	ASSERT_STREQ(e, "cannot read /dev/zero: not a regular file");
	/* a file over 1 MiB, refused by its size */
	ASSERT_TRUE(test_write_temp(path, sizeof(path), ""));
	f = fopen(path, "w");
	ASSERT_TRUE(f != NULL);
	for (int i = 0; i < (1 << 20) + 1; i++)
		fputc('#', f);
	fclose(f);
	ASSERT_EQ_I64(claims_load(path, &c, &n, e, sizeof(e)), -1);
	ASSERT_TRUE(strstr(e, "larger than 1 MiB") != NULL);
	unlink(path);
	ASSERT_TRUE(c == NULL);
}

/* A line with no end is read no further than the limit allows: from an
 * endless stream, the parser returns (before, it read until memory ran out) */
TEST(claims_endless_line_stops_at_the_limit)
{
	FILE *f = fopen("/dev/zero", "r");
	struct claim *c = NULL;
	size_t n = 0;
	char e[256];

	ASSERT_TRUE(f != NULL);
	ASSERT_EQ_I64(claims_parse(f, "zero", &c, &n, e, sizeof(e)), -1);
	fclose(f);
	ASSERT_STREQ(e, "zero:1: line is too long (more than 4100 bytes, at most 4095)");
	ASSERT_TRUE(c == NULL);
}

TEST(claims_cmp_names)
{
	ASSERT_STREQ(claim_cmp_name(CMP_EQ), "eq");
	ASSERT_STREQ(claim_cmp_name(CMP_LE), "le");
	ASSERT_STREQ(claim_cmp_name(CMP_GE), "ge");
	ASSERT_STREQ(claim_cmp_name(CMP_LT), "lt");
	ASSERT_STREQ(claim_cmp_name(CMP_GT), "gt");
	ASSERT_STREQ(claim_cmp_name(CMP_APPROX), "approx");
	ASSERT_STREQ(claim_cmp_name(CMP_ONE_OF), "one_of");
	ASSERT_STREQ(claim_cmp_name(CMP_IS), "is");
	ASSERT_STREQ(claim_cmp_name(CMP_ORDER), "order");
	ASSERT_STREQ(claim_cmp_name((enum claim_cmp)9), "?");
	ASSERT_STREQ(claim_cmp_name((enum claim_cmp)-1), "?");
}

/* ---- claim_holds_number ---- */

/* A number claim as the parser would make it; tol < 0 means "-". */
static struct claim num(enum claim_cmp cmp, double claimed, double tol,
			bool relative)
{
	struct claim c;

	memset(&c, 0, sizeof(c));
	c.type = CLAIM_NUMBER;
	c.cmp = cmp;
	c.number = claimed;
	if (tol >= 0) {
		c.has_tolerance = true;
		c.tolerance = tol;
		c.tolerance_relative = relative;
	}
	return c;
}

TEST(claims_holds_eq)
{
	struct claim c = num(CMP_EQ, 2, -1, false);

	ASSERT_TRUE(claim_holds_number(&c, 2));
	ASSERT_TRUE(!claim_holds_number(&c, 2.0000000001));
	ASSERT_TRUE(!claim_holds_number(&c, 1.9999999999));
	c = num(CMP_EQ, 4, 1, false);
	ASSERT_TRUE(claim_holds_number(&c, 3));
	ASSERT_TRUE(claim_holds_number(&c, 5));
	ASSERT_TRUE(!claim_holds_number(&c, 5.01));
	ASSERT_TRUE(!claim_holds_number(&c, 2.99));
	/* a relative tolerance of a claimed 0 is 0 */
	c = num(CMP_EQ, 0, 10, true);
	ASSERT_TRUE(claim_holds_number(&c, 0));
	ASSERT_TRUE(!claim_holds_number(&c, 1e-12));
}

TEST(claims_holds_approx_relative_edges)
{
	/* 0.3 +/- 50% = [0.15, 0.45]: 0.45 - 0.3 is 0.15000000000000002 in
	 * binary, the slack keeps it in */
	struct claim c = num(CMP_APPROX, 0.3, 50, true);

	ASSERT_TRUE(claim_holds_number(&c, 0.3));
	ASSERT_TRUE(claim_holds_number(&c, 0.45));
	ASSERT_TRUE(claim_holds_number(&c, 0.15));
	ASSERT_TRUE(!claim_holds_number(&c, 0.4500001));
	ASSERT_TRUE(!claim_holds_number(&c, 0.1499999));
	c = num(CMP_APPROX, 5, 50, true);
	ASSERT_TRUE(claim_holds_number(&c, 2.5));
	ASSERT_TRUE(claim_holds_number(&c, 7.5));
	ASSERT_TRUE(!claim_holds_number(&c, 7.50001));
	ASSERT_TRUE(!claim_holds_number(&c, 2.49999));
	ASSERT_TRUE(!claim_holds_number(&c, INFINITY));
	/* 0%: only the value itself */
	c = num(CMP_APPROX, 0.8, 0, true);
	ASSERT_TRUE(claim_holds_number(&c, 0.8));
	ASSERT_TRUE(!claim_holds_number(&c, 0.8000001));
}

TEST(claims_holds_approx_absolute_edges)
{
	/* 0.1 +/- 0.2 = [-0.1, 0.3]; 0.3 - 0.1 is 0.19999999999999998 */
	struct claim c = num(CMP_APPROX, 0.1, 0.2, false);

	ASSERT_TRUE(claim_holds_number(&c, 0.3));
	ASSERT_TRUE(claim_holds_number(&c, 0));
	ASSERT_TRUE(!claim_holds_number(&c, 0.3000001));
	c = num(CMP_APPROX, 0.5, 0.1, false);
	ASSERT_TRUE(claim_holds_number(&c, 0.6));
	ASSERT_TRUE(claim_holds_number(&c, 0.4));
	ASSERT_TRUE(!claim_holds_number(&c, 0.6000001));
	ASSERT_TRUE(!claim_holds_number(&c, 0.3999999));
}

TEST(claims_holds_le_ge)
{
	struct claim c = num(CMP_LE, 2, -1, false);

	ASSERT_TRUE(claim_holds_number(&c, 2));
	ASSERT_TRUE(claim_holds_number(&c, 0));
	ASSERT_TRUE(!claim_holds_number(&c, 2.0000001));
	ASSERT_TRUE(!claim_holds_number(&c, INFINITY));
	c = num(CMP_LE, 2, 10, true);		/* m <= 2.2 */
	ASSERT_TRUE(claim_holds_number(&c, 2.2));
	ASSERT_TRUE(!claim_holds_number(&c, 2.21));
	c = num(CMP_GE, 0.8, -1, false);
	ASSERT_TRUE(claim_holds_number(&c, 0.8));
	ASSERT_TRUE(claim_holds_number(&c, INFINITY));
	ASSERT_TRUE(!claim_holds_number(&c, 0.7999999));
	c = num(CMP_GE, 0.8, 25, true);		/* m >= 0.6 */
	ASSERT_TRUE(claim_holds_number(&c, 0.6));
	ASSERT_TRUE(!claim_holds_number(&c, 0.59));
	c = num(CMP_GE, 10, 0.5, false);	/* m >= 9.5 */
	ASSERT_TRUE(claim_holds_number(&c, 9.5));
	ASSERT_TRUE(!claim_holds_number(&c, 9.49));
}

TEST(claims_holds_lt_gt)
{
	struct claim c = num(CMP_LT, 4, -1, false);

	ASSERT_TRUE(claim_holds_number(&c, 3.999));
	ASSERT_TRUE(!claim_holds_number(&c, 4));
	c = num(CMP_LT, 4, 1, false);		/* m < 5 */
	ASSERT_TRUE(claim_holds_number(&c, 4.99));
	ASSERT_TRUE(!claim_holds_number(&c, 5));
	c = num(CMP_LT, 0.3, 50, true);		/* m < 0.45, bound excluded */
	ASSERT_TRUE(claim_holds_number(&c, 0.4499));
	ASSERT_TRUE(!claim_holds_number(&c, 0.45));
	c = num(CMP_GT, 0, -1, false);
	ASSERT_TRUE(claim_holds_number(&c, 1));
	ASSERT_TRUE(claim_holds_number(&c, 1e-300));
	ASSERT_TRUE(!claim_holds_number(&c, 0));
	c = num(CMP_GT, 4, 50, true);		/* m > 2 */
	ASSERT_TRUE(claim_holds_number(&c, 2.01));
	ASSERT_TRUE(!claim_holds_number(&c, 2));
	c = num(CMP_GT, 0.3, 0.1, false);	/* m > 0.2; 0.3 - 0.2 = 0.09999999999999998 */
	ASSERT_TRUE(!claim_holds_number(&c, 0.2));
	ASSERT_TRUE(claim_holds_number(&c, 0.2000001));
}

TEST(claims_holds_one_of)
{
	struct claim c = num(CMP_ONE_OF, 0, -1, false);

	c.list[0] = 4096;
	c.list[1] = 65536;
	c.nlist = 2;
	ASSERT_TRUE(claim_holds_number(&c, 4096));
	ASSERT_TRUE(claim_holds_number(&c, 65536));
	ASSERT_TRUE(!claim_holds_number(&c, 8192));
	ASSERT_TRUE(!claim_holds_number(&c, 4096.5));
	ASSERT_TRUE(!claim_holds_number(&c, 0));	/* c.number is not in the list */
}

TEST(claims_holds_nan_and_non_numbers)
{
	struct claim c = num(CMP_LE, 2, -1, false);

	ASSERT_TRUE(!claim_holds_number(&c, NAN));
	c = num(CMP_GE, 2, 10, true);
	ASSERT_TRUE(!claim_holds_number(&c, NAN));
	c = num(CMP_APPROX, 2, 10, true);
	ASSERT_TRUE(!claim_holds_number(&c, NAN));
	c.type = CLAIM_BOOL;
	c.cmp = CMP_IS;
	ASSERT_TRUE(!claim_holds_number(&c, 2));
	c.type = CLAIM_RANKING;
	c.cmp = CMP_ORDER;
	ASSERT_TRUE(!claim_holds_number(&c, 2));
	ASSERT_TRUE(!claim_holds_number(NULL, 2));
}

TEST(claims_holds_parsed_claims)
{
	ASSERT_EQ_I64(parse("a | w | tcp | time_1mb_ms | approx | 5 | 50% | t\n"
			    "b | w | pipe | pipe_capacity_bytes | one_of | 4096,65536 | - | t\n"), 0);
	ASSERT_TRUE(claim_holds_number(&got[0], 7.5));
	ASSERT_TRUE(!claim_holds_number(&got[0], 7.6));
	ASSERT_TRUE(claim_holds_number(&got[1], 65536));
	ASSERT_TRUE(!claim_holds_number(&got[1], 16384));
}

/* ---- the repository's data file ---- */

/* Load claims/reference.claims (tests run from the repository root) into
 * got[]; *n is the number of claims in the file. Reports why on failure. */
static int load_reference(size_t *n)
{
	struct claim *c = NULL;
	int rc;

	memset(got, 0, sizeof(got));
	ngot = 0;
	rc = claims_load("claims/reference.claims", &c, n, err, sizeof(err));
	if (rc != 0) {
		test_fail(__FILE__, __LINE__, "%s", err);
		return rc;
	}
	ngot = *n < MAX_GOT ? *n : MAX_GOT;
	memcpy(got, c, ngot * sizeof(*c));
	free(c);
	return 0;
}

TEST(claims_reference_file_parses)
{
	static const char *const ids[] = {
		"shm-time-1mb", "unix-time-1mb", "pipe-time-1mb",
		"msgq-time-1mb", "tcp-time-1mb", "rank-time-1mb",
		"shm-switches-1mb", "unix-switches-1mb", "pipe-switches-1mb",
		"msgq-switches-1mb", "tcp-switches-1mb", "signal-switches",
		"pipe-copies", "msgq-copies", "shm-copies",
		"shm-no-mode-switches", "shm-one-shmat", "shm-no-page-faults",
		"shm-no-scheduling", "pipe-two-syscalls", "pipe-capacity",
		"pipe-capacity-64k", "pipe-blocks-when-full",
		"pipe-byte-stream", "pipe-one-way", "msgq-message-boundaries",
		"msgq-receive-by-type", "msgq-two-way",
		"counter-race-unsynchronised", "counter-race-semaphore",
		"signal-no-data", "signal-may-be-lost", "unix-faster-than-tcp",
	};
	const size_t nids = sizeof(ids) / sizeof(ids[0]);
	size_t n = 0;

	ASSERT_EQ_I64(load_reference(&n), 0);
	ASSERT_EQ_U64(n, nids);
	for (size_t i = 0; i < nids; i++) {
		ASSERT_STREQ(got[i].id, ids[i]);
		/* every claim says where, and quotes the document */
		ASSERT_TRUE(got[i].where[0] != '\0');
		ASSERT_TRUE(strlen(got[i].text) > 2);
	}
}

/* Finds a claim of the last parse by id; NULL if absent. */
static const struct claim *by_id(const char *id)
{
	for (size_t i = 0; i < ngot; i++)
		if (strcmp(got[i].id, id) == 0)
			return &got[i];
	return NULL;
}

TEST(claims_reference_file_values)
{
	const struct claim *k;
	size_t n = 0;

	ASSERT_EQ_I64(load_reference(&n), 0);

	k = by_id("shm-time-1mb");
	ASSERT_TRUE(k != NULL);
	ASSERT_STREQ(k->where, "§3 性能对比 表");
	ASSERT_EQ_I64(k->cmp, CMP_APPROX);
	ASSERT_TRUE(k->number == 0.1 && k->tolerance == 50 && k->tolerance_relative);
	ASSERT_STREQ(k->text, "性能测试（传输1MB数据）：共享内存 | 0.1ms | 最快 | 几乎无切换");
	k = by_id("tcp-time-1mb");
	ASSERT_TRUE(k != NULL && k->number == 5 && k->tolerance == 50);
	k = by_id("rank-time-1mb");
	ASSERT_TRUE(k != NULL);
	ASSERT_EQ_I64(k->norder, 5);
	ASSERT_STREQ(k->order[0], "shm");
	ASSERT_STREQ(k->order[4], "tcp");
	k = by_id("unix-faster-than-tcp");
	ASSERT_TRUE(k != NULL);
	ASSERT_EQ_I64(k->norder, 2);
	ASSERT_STREQ(k->order[0], "unix");
	ASSERT_STREQ(k->order[1], "tcp");
	k = by_id("pipe-capacity");
	ASSERT_TRUE(k != NULL && k->cmp == CMP_ONE_OF && k->nlist == 2);
	ASSERT_TRUE(k->list[0] == 4096 && k->list[1] == 65536);
	k = by_id("pipe-blocks-when-full");
	ASSERT_TRUE(k != NULL && k->type == CLAIM_BOOL && k->boolean);
	k = by_id("pipe-byte-stream");
	ASSERT_TRUE(k != NULL && k->type == CLAIM_BOOL && !k->boolean);
	k = by_id("pipe-one-way");
	ASSERT_TRUE(k != NULL && k->boolean);
	k = by_id("pipe-copies");
	ASSERT_TRUE(k != NULL && k->cmp == CMP_EQ && k->number == 2);
	k = by_id("shm-copies");
	ASSERT_TRUE(k != NULL && k->cmp == CMP_EQ && k->number == 0);
	k = by_id("counter-race-unsynchronised");
	ASSERT_TRUE(k != NULL && k->cmp == CMP_GT && k->number == 0);
	k = by_id("counter-race-semaphore");
	ASSERT_TRUE(k != NULL && k->cmp == CMP_EQ && k->number == 0);
	k = by_id("signal-no-data");
	ASSERT_TRUE(k != NULL);
	ASSERT_STREQ(k->metric, "bytes_carried");
	k = by_id("signal-may-be-lost");
	ASSERT_TRUE(k != NULL && k->cmp == CMP_GT);
	ASSERT_STREQ(k->text, "实时性：异步，可能丢失（信号未决）");
	k = by_id("shm-switches-1mb");
	ASSERT_TRUE(k != NULL && k->cmp == CMP_LE && k->number == 2);
}
