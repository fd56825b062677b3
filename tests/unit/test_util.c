// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* test_util.c - unit tests for user/util.c: the strict number parsers
 * parse_u64() and parse_seconds(), errorf()/debugf() output and
 * monotonic_ns(). */
#include "test.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

/* A value parse_* never produces, to see that a failure leaves out alone. */
#define U64_SENTINEL UINT64_C(0xdeadbeefcafe)
#define SEC_SENTINEL (-12345.0)

/* parse_u64 with the sentinel preset: returns the result, *out the value. */
static int u64_of(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	*out = U64_SENTINEL;
	return parse_u64(s, min, max, out);
}

static int sec_of(const char *s, double max, double *out)
{
	*out = SEC_SENTINEL;
	return parse_seconds(s, max, out);
}

TEST(util_parse_u64_plain_values)
{
	uint64_t v;

	ASSERT_EQ_I64(u64_of("0", 0, 10, &v), 0);
	ASSERT_EQ_U64(v, 0);
	ASSERT_EQ_I64(u64_of("42", 0, 100, &v), 0);
	ASSERT_EQ_U64(v, 42);
	ASSERT_EQ_I64(u64_of("1234567890123", 0, UINT64_MAX, &v), 0);
	ASSERT_EQ_U64(v, UINT64_C(1234567890123));
}

TEST(util_parse_u64_leading_zeros_are_decimal)
{
	uint64_t v;

	/* base 10: "010" is ten, not octal eight */
	ASSERT_EQ_I64(u64_of("010", 0, 100, &v), 0);
	ASSERT_EQ_U64(v, 10);
	ASSERT_EQ_I64(u64_of("0000", 0, 100, &v), 0);
	ASSERT_EQ_U64(v, 0);
}

TEST(util_parse_u64_range_bounds_inclusive)
{
	uint64_t v;

	ASSERT_EQ_I64(u64_of("10", 10, 20, &v), 0);
	ASSERT_EQ_U64(v, 10);
	ASSERT_EQ_I64(u64_of("20", 10, 20, &v), 0);
	ASSERT_EQ_U64(v, 20);
	ASSERT_EQ_I64(u64_of("9", 10, 20, &v), -1);
	ASSERT_EQ_U64(v, U64_SENTINEL);
	ASSERT_EQ_I64(u64_of("21", 10, 20, &v), -1);
	ASSERT_EQ_U64(v, U64_SENTINEL);
	ASSERT_EQ_I64(u64_of("0", 1, 20, &v), -1);
	ASSERT_EQ_U64(v, U64_SENTINEL);
	ASSERT_EQ_I64(u64_of("7", 7, 7, &v), 0);
	ASSERT_EQ_U64(v, 7);
}

TEST(util_parse_u64_uint64_limits)
{
	uint64_t v;

	ASSERT_EQ_I64(u64_of("18446744073709551615", 0, UINT64_MAX, &v), 0);
	ASSERT_EQ_U64(v, UINT64_MAX);
	/* one past UINT64_MAX: strtoull's ERANGE, not a wrapped value */
	ASSERT_EQ_I64(u64_of("18446744073709551616", 0, UINT64_MAX, &v), -1);
	ASSERT_EQ_U64(v, U64_SENTINEL);
	ASSERT_EQ_I64(u64_of("99999999999999999999999", 0, UINT64_MAX, &v), -1);
	ASSERT_EQ_U64(v, U64_SENTINEL);
	/* INT32_MAX and one past it, the -p limits */
	ASSERT_EQ_I64(u64_of("2147483647", 1, INT32_MAX, &v), 0);
	ASSERT_EQ_U64(v, INT32_MAX);
	ASSERT_EQ_I64(u64_of("2147483648", 1, INT32_MAX, &v), -1);
	ASSERT_EQ_U64(v, U64_SENTINEL);
}

TEST(util_parse_u64_rejects_non_numbers)
{
	static const char *const bad[] = {
		"", " ", " 1", "1 ", "\t1", "1\n", "+1", "-1", "-0", "0x10",
		"0X10", "1a", "a1", "abc", "1.0", "1.", ".1", "1e3", "1,000",
		"1_000", "inf", "nan", "--1",
	};
	uint64_t v;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (u64_of(bad[i], 0, UINT64_MAX, &v) != -1)
			test_fail(__FILE__, __LINE__, "accepted \"%s\"", bad[i]);
		else if (v != U64_SENTINEL)
			test_fail(__FILE__, __LINE__, "\"%s\" changed out", bad[i]);
	}
}

TEST(util_parse_u64_null_string)
{
	uint64_t v;

	ASSERT_EQ_I64(u64_of(NULL, 0, UINT64_MAX, &v), -1);
	ASSERT_EQ_U64(v, U64_SENTINEL);
}

TEST(util_parse_u64_ignores_stale_errno)
{
	uint64_t v;

	/* a leftover ERANGE from earlier code must not fail a good number */
	errno = ERANGE;
	ASSERT_EQ_I64(u64_of("5", 0, 10, &v), 0);
	ASSERT_EQ_U64(v, 5);
}

TEST(util_parse_seconds_plain_decimals)
{
	double v;

	ASSERT_EQ_I64(sec_of("2", 100, &v), 0);
	ASSERT_DOUBLE_NEAR(v, 2.0, 0);
	ASSERT_EQ_I64(sec_of("0.5", 100, &v), 0);
	ASSERT_DOUBLE_NEAR(v, 0.5, 0);
	ASSERT_EQ_I64(sec_of("1.25", 100, &v), 0);
	ASSERT_DOUBLE_NEAR(v, 1.25, 0);
	ASSERT_EQ_I64(sec_of("0.001", 100, &v), 0);
	ASSERT_DOUBLE_NEAR(v, 0.001, 0);
	ASSERT_EQ_I64(sec_of("007", 100, &v), 0);
	ASSERT_DOUBLE_NEAR(v, 7.0, 0);
}

TEST(util_parse_seconds_bare_dot_forms)
{
	double v;

	/* one dot with digits on either side only */
	ASSERT_EQ_I64(sec_of(".5", 100, &v), 0);
	ASSERT_DOUBLE_NEAR(v, 0.5, 0);
	ASSERT_EQ_I64(sec_of("5.", 100, &v), 0);
	ASSERT_DOUBLE_NEAR(v, 5.0, 0);
	ASSERT_EQ_I64(sec_of(".", 100, &v), -1);
	ASSERT_DOUBLE_NEAR(v, SEC_SENTINEL, 0);
}

TEST(util_parse_seconds_max_inclusive)
{
	double v;

	ASSERT_EQ_I64(sec_of("31536000", 31536000.0, &v), 0);
	ASSERT_DOUBLE_NEAR(v, 31536000.0, 0);
	ASSERT_EQ_I64(sec_of("31536000.5", 31536000.0, &v), -1);
	ASSERT_DOUBLE_NEAR(v, SEC_SENTINEL, 0);
	ASSERT_EQ_I64(sec_of("31536001", 31536000.0, &v), -1);
	ASSERT_DOUBLE_NEAR(v, SEC_SENTINEL, 0);
}

TEST(util_parse_seconds_rejects_zero)
{
	static const char *const zeros[] = { "0", "0.0", "00", ".0", "0.", "0.000" };
	double v;

	for (size_t i = 0; i < ARRAY_SIZE(zeros); i++) {
		if (sec_of(zeros[i], 100, &v) != -1)
			test_fail(__FILE__, __LINE__, "accepted \"%s\"", zeros[i]);
		else if (v != SEC_SENTINEL)
			test_fail(__FILE__, __LINE__, "\"%s\" changed out", zeros[i]);
	}
}

TEST(util_parse_seconds_rejects_non_decimals)
{
	static const char *const bad[] = {
		"", "-1", "+1", "-0.5", "1e3", "1E3", "1e-3", "0x10", "0x1p3",
		"inf", "INF", "infinity", "nan", "NAN", "1..2", "1.2.3", "..",
		" 1", "1 ", "1\n", "1,5", "1s", "5m", "abc", "1/2",
	};
	double v;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (sec_of(bad[i], 1e9, &v) != -1)
			test_fail(__FILE__, __LINE__, "accepted \"%s\"", bad[i]);
		else if (v != SEC_SENTINEL)
			test_fail(__FILE__, __LINE__, "\"%s\" changed out", bad[i]);
	}
}

TEST(util_parse_seconds_null_string)
{
	double v;

	ASSERT_EQ_I64(sec_of(NULL, 100, &v), -1);
	ASSERT_DOUBLE_NEAR(v, SEC_SENTINEL, 0);
}

TEST(util_parse_seconds_out_of_double_range)
{
	char huge[400], tiny[400];
	double v;

	/* 1 followed by 398 zeros overflows a double: ERANGE */
	memset(huge, '0', sizeof(huge) - 1);
	huge[0] = '1';
	huge[sizeof(huge) - 1] = '\0';
	ASSERT_EQ_I64(sec_of(huge, 1e308, &v), -1);
	ASSERT_DOUBLE_NEAR(v, SEC_SENTINEL, 0);
	/* "0.000...01" underflows to 0 (or a subnormal, ERANGE): not > 0 */
	memset(tiny, '0', sizeof(tiny) - 1);
	tiny[1] = '.';
	tiny[sizeof(tiny) - 2] = '1';
	tiny[sizeof(tiny) - 1] = '\0';
	ASSERT_EQ_I64(sec_of(tiny, 100, &v), -1);
	ASSERT_DOUBLE_NEAR(v, SEC_SENTINEL, 0);
}

TEST(util_parse_seconds_ignores_stale_errno)
{
	double v;

	errno = ERANGE;
	ASSERT_EQ_I64(sec_of("1.5", 100, &v), 0);
	ASSERT_DOUBLE_NEAR(v, 1.5, 0);
}

/* Run fn with stderr sent to a temporary file; return what it wrote in buf.
 * Returns false if the redirection could not be set up. */
static bool capture_stderr(void (*fn)(void), char *buf, size_t len)
{
	FILE *tmp = tmpfile();
	int saved;
	size_t n;

	if (!tmp)
		return false;
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	if (saved < 0 || dup2(fileno(tmp), STDERR_FILENO) < 0) {
		fclose(tmp);
		return false;
	}
	fn();
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(tmp);
	n = fread(buf, 1, len - 1, tmp);
	buf[n] = '\0';
	fclose(tmp);
	return true;
}

static void call_errorf(void)
{
	errorf("cannot open '%s': %s", "x.json", "No such file");
}

static void call_debugf(void)
{
	debugf("attached %d of %d\n", 3, 4);
}

TEST(util_errorf_prefix_and_newline)
{
	char buf[256];

	ASSERT_TRUE(capture_stderr(call_errorf, buf, sizeof(buf)));
	ASSERT_STREQ(buf, "ipcscope: cannot open 'x.json': No such file\n");
}

TEST(util_debugf_only_when_verbose)
{
	bool saved = verbose;
	char quiet[256], loud[256];
	bool ok1, ok2;

	verbose = false;
	ok1 = capture_stderr(call_debugf, quiet, sizeof(quiet));
	verbose = true;
	ok2 = capture_stderr(call_debugf, loud, sizeof(loud));
	verbose = saved;
	ASSERT_TRUE(ok1 && ok2);
	ASSERT_STREQ(quiet, "");
	/* no prefix, no added newline: the caller's text as is */
	ASSERT_STREQ(loud, "attached 3 of 4\n");
}

TEST(util_monotonic_ns_never_goes_back)
{
	uint64_t a = monotonic_ns(), b, c;

	usleep(2000);
	b = monotonic_ns();
	c = monotonic_ns();
	ASSERT_TRUE(a > 0);
	/* slept 2 ms: at least 1 ms apart, and c is not before b */
	ASSERT_TRUE(b - a >= 1000000);
	ASSERT_TRUE(c >= b);
}

static const char *bytes_text(uint64_t v)
{
	static char buf[32];

	fmt_bytes(buf, sizeof(buf), v);
	return buf;
}

TEST(util_fmt_bytes_binary_units_after_rounding)
{
	ASSERT_STREQ(bytes_text(0), "0 B");
	ASSERT_STREQ(bytes_text(1023), "1023 B");
	ASSERT_STREQ(bytes_text(1024), "1.0 KiB");
	ASSERT_STREQ(bytes_text(1536), "1.5 KiB");
	ASSERT_STREQ(bytes_text(52428800), "50.0 MiB");
	/* 1023.99 KiB would round to "1024.0 KiB" */
	ASSERT_STREQ(bytes_text(1048565), "1.0 MiB");
	ASSERT_STREQ(bytes_text(1048575), "1.0 MiB");
	ASSERT_STREQ(bytes_text(3ULL << 30), "3.0 GiB");
	ASSERT_STREQ(bytes_text(UINT64_MAX), "16.0 EiB");
}

static const char *ns_text(double ns)
{
	static char buf[32];

	fmt_ns(buf, sizeof(buf), ns);
	return buf;
}

TEST(util_fmt_ns_units_after_rounding)
{
	ASSERT_STREQ(ns_text(0), "0 ns");
	ASSERT_STREQ(ns_text(999.4), "999 ns");
	ASSERT_STREQ(ns_text(999.6), "1.0 us");
	ASSERT_STREQ(ns_text(2700), "2.7 us");
	ASSERT_STREQ(ns_text(1.25e6), "1.25 ms");
	ASSERT_STREQ(ns_text(3.1e9), "3.10 s");
}

/* text_clean: what a terminal would interpret becomes '?', text stays */
static const char *clean(const char *s, size_t srclen, size_t len)
{
	static char buf[128];

	text_clean(buf, len, s, srclen);
	return buf;
}

TEST(util_text_clean_controls)
{
	ASSERT_STREQ(clean("\x1b]0;PWNED\a\x1b[2J", 64, 64), "?]0;PWNED??[2J");
	ASSERT_STREQ(clean("a\tb\nc\rd\x7f", 64, 64), "a?b?c?d?");
	ASSERT_STREQ(clean("plain name", 64, 64), "plain name");
}

TEST(util_text_clean_utf8)
{
	/* valid text stays; C1 controls (U+009B is a CSI), invalid bytes,
	   overlong forms and surrogates do not */
	ASSERT_STREQ(clean("caf\xc3\xa9 \xe7\xae\xa1\xe9\x81\x93", 64, 64),
		     "caf\xc3\xa9 \xe7\xae\xa1\xe9\x81\x93");
	ASSERT_STREQ(clean("\xc2\x9b" "2J", 64, 64), "??2J");
	ASSERT_STREQ(clean("\xff\xfe", 64, 64), "??");
	ASSERT_STREQ(clean("\xc0\xaf", 64, 64), "??");
	ASSERT_STREQ(clean("\xed\xa0\x80", 64, 64), "???");
	ASSERT_STREQ(clean("\xe7\xae", 64, 64), "??");	/* cut short */
}

TEST(util_text_clean_bounds)
{
	/* srclen bounds the read (a comm of 16 bytes has no NUL to rely on) */
	ASSERT_STREQ(clean("abcdef", 3, 64), "abc");
	/* len bounds the write, never half a character */
	ASSERT_STREQ(clean("abcdef", 64, 4), "abc");
	ASSERT_STREQ(clean("ab\xc3\xa9", 64, 4), "ab");
	{
		char s[8] = "a\x1b" "b";

		text_clean_inplace(s, sizeof(s));
		ASSERT_STREQ(s, "a?b");
	}
}
