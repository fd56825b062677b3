// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* test_json.c - unit tests for the streaming JSON writer (user/json.c). */
#include "test.h"
#include "json.h"

#include <float.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* Helpers return what a compact writer produced for one value; the text
 * lives until the end of the test.  NULL (out of memory) fails the STREQ. */
static const char *json_of_string(const char *s)
{
	FILE *f = test_capture();
	struct json_writer *jw = jw_new(f, false);

	if (!jw)
		return NULL;
	jw_string(jw, s);
	jw_free(jw);
	return test_capture_text(f);
}

static const char *json_of_double(double v)
{
	FILE *f = test_capture();
	struct json_writer *jw = jw_new(f, false);

	if (!jw)
		return NULL;
	jw_double(jw, v);
	jw_free(jw);
	return test_capture_text(f);
}

/* One document exercising every value kind, nesting, empty containers and
 * commas after containers; shared by the compact and pretty tests. */
static void write_sample(struct json_writer *jw)
{
	jw_object_begin(jw);
	jw_kv_string(jw, "name", "ipc");
	jw_key(jw, "list");
	jw_array_begin(jw);
	jw_uint(jw, 1);
	jw_int(jw, -2);
	jw_object_begin(jw);
	jw_key(jw, "n");
	jw_null(jw);
	jw_object_end(jw);
	jw_array_begin(jw);
	jw_array_end(jw);
	jw_bool(jw, false);
	jw_array_end(jw);
	jw_key(jw, "empty");
	jw_object_begin(jw);
	jw_object_end(jw);
	jw_kv_double(jw, "ratio", 0.5);
	jw_kv_bool(jw, "ok", true);
	jw_object_end(jw);
}

TEST(json_empty_object_and_array)
{
	FILE *f1 = test_capture(), *f2 = test_capture();
	FILE *f3 = test_capture(), *f4 = test_capture();
	struct json_writer *a = jw_new(f1, false), *b = jw_new(f2, false);
	struct json_writer *c = jw_new(f3, true), *d = jw_new(f4, true);

	if (a && b && c && d) {
		jw_object_begin(a);
		jw_object_end(a);
		jw_array_begin(b);
		jw_array_end(b);
		jw_object_begin(c);
		jw_object_end(c);
		jw_array_begin(d);
		jw_array_end(d);
	}
	jw_free(a);
	jw_free(b);
	jw_free(c);
	jw_free(d);
	ASSERT_TRUE(a && b && c && d);
	ASSERT_STREQ(test_capture_text(f1), "{}");
	ASSERT_STREQ(test_capture_text(f2), "[]");
	ASSERT_STREQ(test_capture_text(f3), "{}\n");
	ASSERT_STREQ(test_capture_text(f4), "[]\n");
}

TEST(json_nested_compact)
{
	FILE *f = test_capture();
	struct json_writer *jw = jw_new(f, false);

	ASSERT_TRUE(jw != NULL);
	write_sample(jw);
	jw_free(jw);
	ASSERT_STREQ(test_capture_text(f),
		     "{\"name\":\"ipc\",\"list\":[1,-2,{\"n\":null},[],false],"
		     "\"empty\":{},\"ratio\":0.5,\"ok\":true}");
}

TEST(json_nested_pretty)
{
	FILE *f = test_capture();
	struct json_writer *jw = jw_new(f, true);

	ASSERT_TRUE(jw != NULL);
	write_sample(jw);
	jw_free(jw);
	ASSERT_STREQ(test_capture_text(f),
		     "{\n"
		     "  \"name\": \"ipc\",\n"
		     "  \"list\": [\n"
		     "    1,\n"
		     "    -2,\n"
		     "    {\n"
		     "      \"n\": null\n"
		     "    },\n"
		     "    [],\n"
		     "    false\n"
		     "  ],\n"
		     "  \"empty\": {},\n"
		     "  \"ratio\": 0.5,\n"
		     "  \"ok\": true\n"
		     "}\n");
}

TEST(json_array_of_objects)
{
	FILE *f = test_capture();
	struct json_writer *jw = jw_new(f, false);

	ASSERT_TRUE(jw != NULL);
	jw_array_begin(jw);
	for (int i = 1; i <= 3; i++) {
		jw_object_begin(jw);
		jw_kv_int(jw, "i", i);
		jw_kv_uint(jw, "sq", (uint64_t)(i * i));
		jw_object_end(jw);
	}
	jw_array_end(jw);
	jw_free(jw);
	ASSERT_STREQ(test_capture_text(f),
		     "[{\"i\":1,\"sq\":1},{\"i\":2,\"sq\":4},{\"i\":3,\"sq\":9}]");
}

TEST(json_top_level_scalars)
{
	FILE *f1 = test_capture(), *f2 = test_capture();
	struct json_writer *c = jw_new(f1, false), *p = jw_new(f2, true);

	if (c && p) {
		jw_uint(c, 42);
		jw_uint(p, 42);
		jw_string(p, "x");
	}
	jw_free(c);
	jw_free(p);
	ASSERT_TRUE(c && p);
	/* Compact adds nothing, pretty ends each top-level value. */
	ASSERT_STREQ(test_capture_text(f1), "42");
	ASSERT_STREQ(test_capture_text(f2), "42\n\"x\"\n");
}

TEST(json_max_depth)
{
	FILE *f = test_capture();
	struct json_writer *jw = jw_new(f, false);
	char expected[2 * JW_MAX_DEPTH + 1];

	ASSERT_TRUE(jw != NULL);
	for (int i = 0; i < JW_MAX_DEPTH; i++)
		jw_array_begin(jw);
	for (int i = 0; i < JW_MAX_DEPTH; i++)
		jw_array_end(jw);
	jw_free(jw);
	memset(expected, '[', JW_MAX_DEPTH);
	memset(expected + JW_MAX_DEPTH, ']', JW_MAX_DEPTH);
	expected[2 * JW_MAX_DEPTH] = '\0';
	ASSERT_STREQ(test_capture_text(f), expected);
}

TEST(json_escape_quote_backslash)
{
	ASSERT_STREQ(json_of_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
	/* '/' may be escaped but need not be; DEL is not a control char. */
	ASSERT_STREQ(json_of_string("/tmp\x7f"), "\"/tmp\x7f\"");
	ASSERT_STREQ(json_of_string(""), "\"\"");
}

TEST(json_escape_control_chars)
{
	ASSERT_STREQ(json_of_string("\n\t\r\b\f"), "\"\\n\\t\\r\\b\\f\"");
	ASSERT_STREQ(json_of_string("a\x01z\x1f\x1b"),
		     "\"a\\u0001z\\u001f\\u001b\"");
}

TEST(json_escape_in_keys)
{
	FILE *f = test_capture();
	struct json_writer *jw = jw_new(f, false);

	ASSERT_TRUE(jw != NULL);
	jw_object_begin(jw);
	jw_kv_uint(jw, "a\"\n", 1);
	jw_object_end(jw);
	jw_free(jw);
	ASSERT_STREQ(test_capture_text(f), "{\"a\\\"\\n\":1}");
}

TEST(json_utf8_valid_passthrough)
{
	/* 2-, 3- and 4-byte sequences, incl. the extremes U+0080, U+FFFF
	 * (EF BF BF), U+10FFFF (F4 8F BF BF) and U+E000 (after surrogates). */
	const char *s = "h\xc3\xa9llo \xe2\x82\xac \xf0\x9d\x84\x9e "
			"\xc2\x80\xef\xbf\xbf\xf4\x8f\xbf\xbf\xee\x80\x80";
	char expected[128];

	snprintf(expected, sizeof(expected), "\"%s\"", s);
	ASSERT_STREQ(json_of_string(s), expected);
}

TEST(json_utf8_invalid_bytes_replaced)
{
	/* Lone continuation byte, and bytes that never occur in UTF-8. */
	ASSERT_STREQ(json_of_string("a\x80z"), "\"a\\ufffdz\"");
	ASSERT_STREQ(json_of_string("\xff\xfe"), "\"\\ufffd\\ufffd\"");
	/* Truncated sequence, at the end and before ASCII: each byte. */
	ASSERT_STREQ(json_of_string("\xe2\x82"), "\"\\ufffd\\ufffd\"");
	ASSERT_STREQ(json_of_string("\xe2\x82x"), "\"\\ufffd\\ufffdx\"");
	/* Overlong '/', UTF-16 surrogate, code point above U+10FFFF. */
	ASSERT_STREQ(json_of_string("\xc0\xaf"), "\"\\ufffd\\ufffd\"");
	ASSERT_STREQ(json_of_string("\xe0\x80\xaf"),
		     "\"\\ufffd\\ufffd\\ufffd\"");
	ASSERT_STREQ(json_of_string("\xed\xa0\x80"),
		     "\"\\ufffd\\ufffd\\ufffd\"");
	ASSERT_STREQ(json_of_string("\xf4\x90\x80\x80"),
		     "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	/* A bad byte must not swallow the valid sequence right after it. */
	ASSERT_STREQ(json_of_string("\xff\xc3\xa9"), "\"\\ufffd\xc3\xa9\"");
	ASSERT_STREQ(json_of_string("\xc3\"q"), "\"\\ufffd\\\"q\"");
}

TEST(json_null_string)
{
	FILE *f = test_capture();
	struct json_writer *jw = jw_new(f, false);

	ASSERT_TRUE(jw != NULL);
	jw_array_begin(jw);
	jw_string(jw, NULL);
	jw_object_begin(jw);
	jw_kv_string(jw, "s", NULL);
	jw_object_end(jw);
	jw_array_end(jw);
	jw_free(jw);
	ASSERT_STREQ(test_capture_text(f), "[null,{\"s\":null}]");
}

TEST(json_integer_extremes)
{
	FILE *f = test_capture();
	struct json_writer *jw = jw_new(f, false);

	ASSERT_TRUE(jw != NULL);
	jw_array_begin(jw);
	jw_uint(jw, UINT64_MAX);
	jw_uint(jw, 0);
	jw_int(jw, INT64_MIN);
	jw_int(jw, INT64_MAX);
	jw_int(jw, 0);
	jw_array_end(jw);
	jw_free(jw);
	ASSERT_STREQ(test_capture_text(f),
		     "[18446744073709551615,0,-9223372036854775808,"
		     "9223372036854775807,0]");
}

TEST(json_double_formats)
{
	ASSERT_STREQ(json_of_double(0.0), "0");
	ASSERT_STREQ(json_of_double(-0.0), "-0");
	ASSERT_STREQ(json_of_double(3.0), "3");
	ASSERT_STREQ(json_of_double(0.1), "0.1");
	ASSERT_STREQ(json_of_double(-2.5), "-2.5");
	ASSERT_STREQ(json_of_double(1.0 / 3.0), "0.3333333333333333");
	ASSERT_STREQ(json_of_double(1e300), "1e+300");
	ASSERT_STREQ(json_of_double(-1.5e-300), "-1.5e-300");
	ASSERT_STREQ(json_of_double(DBL_MAX), "1.7976931348623157e+308");
	ASSERT_STREQ(json_of_double(5e-324), "5e-324");
	ASSERT_STREQ(json_of_double(123456789.0), "123456789");
}

TEST(json_double_nonfinite_is_null)
{
	FILE *f = test_capture();
	struct json_writer *jw = jw_new(f, false);

	ASSERT_TRUE(jw != NULL);
	jw_object_begin(jw);
	jw_kv_double(jw, "nan", NAN);
	jw_kv_double(jw, "inf", INFINITY);
	jw_kv_double(jw, "ninf", -INFINITY);
	jw_object_end(jw);
	jw_free(jw);
	ASSERT_STREQ(test_capture_text(f),
		     "{\"nan\":null,\"inf\":null,\"ninf\":null}");
}

/* Arbitrary bit patterns cover every exponent, subnormals included: each
 * must come out as a plain JSON number that reads back bit for bit. */
TEST(json_double_round_trips)
{
	enum { N = 2000 };
	static double vals[N];
	FILE *f = test_capture();
	struct json_writer *jw = jw_new(f, false);
	uint64_t x = 0x9e3779b97f4a7c15u;
	const char *p;
	int n = 0;

	ASSERT_TRUE(jw != NULL);
	while (n < N) {
		double v;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(&v, &x, sizeof(v));
		if (isfinite(v))
			vals[n++] = v;
	}
	jw_array_begin(jw);
	for (int i = 0; i < N; i++)
		jw_double(jw, vals[i]);
	jw_array_end(jw);
	jw_free(jw);

	p = test_capture_text(f);
	ASSERT_TRUE(*p++ == '[');
	for (int i = 0; i < N; i++) {
		size_t len = strspn(p, "-+.0123456789eE");
		char *end;
		double back;

		/* Only characters of the JSON number grammar, then , or ]. */
		ASSERT_TRUE(len > 0);
		back = strtod(p, &end);
		ASSERT_EQ_U64((uint64_t)(end - p), len);
		if (memcmp(&back, &vals[i], sizeof(back)) != 0)
			test_fail(__FILE__, __LINE__, "expected %.17g, got %.*s",
				  vals[i], (int)len, p);
		if (test_failed())
			return;
		p += len;
		ASSERT_TRUE(*p++ == (i == N - 1 ? ']' : ','));
	}
	ASSERT_TRUE(*p == '\0');
}

/* A locale with a decimal comma must not leak into the JSON.  Skipped (with
 * a note) when no such locale is installed. */
TEST(json_double_ignores_locale_decimal_comma)
{
	static const char *const names[] = {
		"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8",
		"nl_NL.UTF-8", "ru_RU.UTF-8",
	};
	const char *old = setlocale(LC_NUMERIC, NULL);
	char saved[64];
	const char *got = NULL;
	bool have = false;

	snprintf(saved, sizeof(saved), "%s", old ? old : "C");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && !have; i++)
		have = setlocale(LC_NUMERIC, names[i]) &&
		       strcmp(localeconv()->decimal_point, ".") != 0;
	if (have)
		got = json_of_double(-1234.5e-10);
	setlocale(LC_NUMERIC, saved);
	if (!have) {
		printf("note: no decimal-comma locale installed, locale test "
		       "skipped\n");
		return;
	}
	ASSERT_STREQ(got, "-1.2345e-07");
}

/* Misuse must abort (like assert) rather than emit invalid JSON. */
static bool aborts(void (*misuse)(struct json_writer *))
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		FILE *out = fopen("/dev/null", "w");
		struct json_writer *jw = out ? jw_new(out, false) : NULL;

		/* Keep the expected diagnostic out of the test report. */
		if (!freopen("/dev/null", "w", stderr) || !jw)
			_exit(2);
		misuse(jw);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return false;
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void key_at_top_level(struct json_writer *jw)
{
	jw_key(jw, "k");
}

static void key_in_array(struct json_writer *jw)
{
	jw_array_begin(jw);
	jw_key(jw, "k");
}

static void value_without_key(struct json_writer *jw)
{
	jw_object_begin(jw);
	jw_uint(jw, 1);
}

static void mismatched_end(struct json_writer *jw)
{
	jw_object_begin(jw);
	jw_array_end(jw);
}

static void end_at_top_level(struct json_writer *jw)
{
	jw_object_end(jw);
}

static void key_without_value(struct json_writer *jw)
{
	jw_object_begin(jw);
	jw_key(jw, "k");
	jw_object_end(jw);
}

static void too_deep(struct json_writer *jw)
{
	for (int i = 0; i <= JW_MAX_DEPTH; i++)
		jw_array_begin(jw);
}

TEST(json_misuse_aborts)
{
	ASSERT_TRUE(aborts(key_at_top_level));
	ASSERT_TRUE(aborts(key_in_array));
	ASSERT_TRUE(aborts(value_without_key));
	ASSERT_TRUE(aborts(mismatched_end));
	ASSERT_TRUE(aborts(end_at_top_level));
	ASSERT_TRUE(aborts(key_without_value));
	ASSERT_TRUE(aborts(too_deep));
}
