/* test_jsonread.c - unit tests for the strict JSON reader (user/jsonread.c). */
#include "test.h"
#include "jsonread.h"

#include <fcntl.h>
#include <locale.h>
#include <stdlib.h>
#include <unistd.h>

/* The tree of the last parse_ok().  An ASSERT returns from the test at
 * once, so a tree a test owns itself would leak on every failure; held here
 * it is freed by the next parse, and stays reachable (not a leak) at exit. */
static struct jr_value *held;

__attribute__((destructor)) static void free_held(void)
{
	jr_free(held);
	held = NULL;
}

static const struct jr_value *hold(struct jr_value *v)
{
	jr_free(held);
	held = v;
	return v;
}

/* Parse len bytes that must be valid; on failure say why (the caller's
 * ASSERT_TRUE then fails the test). */
static const struct jr_value *parse_ok_len(const char *text, size_t len)
{
	char err[256];
	struct jr_value *v = jr_parse(text, len, err, sizeof(err));

	if (!v)
		printf("unexpected parse error: %s\n", err);
	return hold(v);
}

static const struct jr_value *parse_ok(const char *text)
{
	return parse_ok_len(text, strlen(text));
}

/* The error for len bytes that must be invalid, or NULL if they parsed
 * (which fails the caller's ASSERT_STREQ). */
static const char *parse_error(const char *text, size_t len)
{
	static char err[256];
	struct jr_value *v;

	strcpy(err, "(not set)");
	v = jr_parse(text, len, err, sizeof(err));
	if (v) {
		jr_free(v);
		return NULL;
	}
	return err;
}

static const char sample[] =
	"{\"s\": \"text\", \"n\": 42, \"neg\": -7, \"f\": 2.5, \"t\": true,\n"
	" \"no\": false, \"nil\": null, \"empty_a\": [], \"empty_o\": {},\n"
	" \"a\": [10, [20, 21, [22]], {\"b\": \"deep\", \"c\": [{\"d\": 1}]}],\n"
	" \"o\": {\"x\": {\"y\": {\"z\": \"zz\"}}}}";

TEST(jsonread_types_and_getters)
{
	const struct jr_value *d = parse_ok(sample);
	uint64_t u = 0;
	int64_t i = 0;
	double f = 0;
	bool b = false;

	ASSERT_TRUE(d);
	ASSERT_EQ_U64(jr_type(d), JR_OBJECT);
	ASSERT_EQ_U64(jr_len(d), 11);

	ASSERT_EQ_U64(jr_type(jr_get(d, "s")), JR_STRING);
	ASSERT_STREQ(jr_string(d, "s"), "text");

	ASSERT_EQ_U64(jr_type(jr_get(d, "n")), JR_NUMBER);
	ASSERT_EQ_I64(jr_u64(d, "n", &u), 0);
	ASSERT_EQ_U64(u, 42);
	ASSERT_EQ_I64(jr_i64(d, "n", &i), 0);
	ASSERT_EQ_I64(i, 42);
	ASSERT_EQ_I64(jr_double(d, "n", &f), 0);
	ASSERT_DOUBLE_NEAR(f, 42.0, 0);

	ASSERT_EQ_I64(jr_i64(d, "neg", &i), 0);
	ASSERT_EQ_I64(i, -7);
	ASSERT_EQ_I64(jr_double(d, "neg", &f), 0);
	ASSERT_DOUBLE_NEAR(f, -7.0, 0);

	ASSERT_EQ_I64(jr_double(d, "f", &f), 0);
	ASSERT_DOUBLE_NEAR(f, 2.5, 0);

	ASSERT_EQ_U64(jr_type(jr_get(d, "t")), JR_BOOL);
	ASSERT_EQ_I64(jr_bool(d, "t", &b), 0);
	ASSERT_TRUE(b);
	ASSERT_EQ_I64(jr_bool(d, "no", &b), 0);
	ASSERT_TRUE(!b);

	/* null is present (unlike a missing key) and has its own type */
	ASSERT_TRUE(jr_get(d, "nil") != NULL);
	ASSERT_EQ_U64(jr_type(jr_get(d, "nil")), JR_NULL);

	ASSERT_EQ_U64(jr_type(jr_get(d, "empty_a")), JR_ARRAY);
	ASSERT_EQ_U64(jr_len(jr_get(d, "empty_a")), 0);
	ASSERT_TRUE(jr_at(jr_get(d, "empty_a"), 0) == NULL);
	ASSERT_EQ_U64(jr_type(jr_get(d, "empty_o")), JR_OBJECT);
	ASSERT_EQ_U64(jr_len(jr_get(d, "empty_o")), 0);
}

TEST(jsonread_paths)
{
	const struct jr_value *d = parse_ok(sample), *a;
	uint64_t u = 0;

	ASSERT_TRUE(d);
	a = jr_get(d, "a");
	ASSERT_EQ_U64(jr_len(a), 3);
	ASSERT_EQ_I64(jr_u64(d, "a[0]", &u), 0);
	ASSERT_EQ_U64(u, 10);
	ASSERT_EQ_I64(jr_u64(d, "a[1][1]", &u), 0);
	ASSERT_EQ_U64(u, 21);
	ASSERT_EQ_I64(jr_u64(d, "a[1][2][0]", &u), 0);
	ASSERT_EQ_U64(u, 22);
	ASSERT_STREQ(jr_string(d, "a[2].b"), "deep");
	ASSERT_EQ_I64(jr_u64(d, "a[2].c[0].d", &u), 0);
	ASSERT_EQ_U64(u, 1);
	ASSERT_STREQ(jr_string(d, "o.x.y.z"), "zz");

	/* jr_at and relative paths reach the same nodes */
	ASSERT_TRUE(jr_at(a, 2) == jr_get(d, "a[2]"));
	ASSERT_TRUE(jr_get(jr_at(a, 2), "c[0]") == jr_get(d, "a[2].c[0]"));
	ASSERT_STREQ(jr_string(jr_at(a, 2), "b"), "deep");
	ASSERT_EQ_I64(jr_u64(jr_at(jr_at(a, 1), 0), "", &u), 0);
	ASSERT_EQ_U64(u, 20);

	/* the empty path and NULL are the value itself */
	ASSERT_TRUE(jr_get(d, "") == d);
	ASSERT_TRUE(jr_get(d, NULL) == d);
	ASSERT_STREQ(jr_string(jr_get(d, "s"), NULL), "text");

	/* an array at the root is indexed without a key */
	d = parse_ok("[[1, 2], {\"k\": [3, 4]}]");
	ASSERT_TRUE(d);
	ASSERT_EQ_I64(jr_u64(d, "[0][1]", &u), 0);
	ASSERT_EQ_U64(u, 2);
	ASSERT_EQ_I64(jr_u64(d, "[1].k[1]", &u), 0);
	ASSERT_EQ_U64(u, 4);
}

TEST(jsonread_missing_and_malformed_paths)
{
	const struct jr_value *d = parse_ok(sample);
	static const char *const missing[] = {
		"nope", "s.x", "a[3]", "a[1][3]", "a[2].x", "o.x.y.z.w",
		"n[0]",		/* index into a number */
		"a.b",		/* key into an array */
		"o[0]",		/* index into an object */
		"a[99999999999999999999999]", /* index overflow */
		/* malformed */
		".s", "s.", "o..x", "a[", "a[]", "a[x]", "a[-1]", "a[0",
		"a[0]b", "a[2]b", "a[2].c[0]d", "a]", "o.x.]", "[0]",
	};

	ASSERT_TRUE(d);
	for (size_t k = 0; k < sizeof(missing) / sizeof(missing[0]); k++) {
		if (jr_get(d, missing[k]) != NULL) {
			test_fail(__FILE__, __LINE__, "path \"%s\" found",
				  missing[k]);
			return;
		}
	}
	/* NULL v reads as missing everywhere */
	ASSERT_TRUE(jr_get(NULL, "") == NULL);
	ASSERT_TRUE(jr_get(NULL, "a") == NULL);
	ASSERT_EQ_U64(jr_type(NULL), JR_NULL);
	ASSERT_EQ_U64(jr_len(NULL), 0);
	ASSERT_TRUE(jr_at(NULL, 0) == NULL);
	ASSERT_TRUE(jr_string(NULL, "s") == NULL);
}

TEST(jsonread_wrong_types_leave_out_untouched)
{
	const struct jr_value *d = parse_ok(sample);
	uint64_t u = 123;
	int64_t i = 456;
	double f = 7.5;
	bool b = true;

	ASSERT_TRUE(d);
	/* missing */
	ASSERT_EQ_I64(jr_u64(d, "missing", &u), -1);
	ASSERT_EQ_I64(jr_i64(d, "missing", &i), -1);
	ASSERT_EQ_I64(jr_double(d, "missing", &f), -1);
	ASSERT_EQ_I64(jr_bool(d, "missing", &b), -1);
	ASSERT_TRUE(jr_string(d, "missing") == NULL);
	ASSERT_EQ_I64(jr_u64(NULL, "n", &u), -1);
	/* wrong type */
	ASSERT_EQ_I64(jr_u64(d, "s", &u), -1);
	ASSERT_EQ_I64(jr_i64(d, "t", &i), -1);
	ASSERT_EQ_I64(jr_double(d, "nil", &f), -1);
	ASSERT_EQ_I64(jr_double(d, "s", &f), -1);
	ASSERT_EQ_I64(jr_bool(d, "n", &b), -1);
	ASSERT_EQ_I64(jr_bool(d, "nil", &b), -1);
	ASSERT_TRUE(jr_string(d, "n") == NULL);
	ASSERT_TRUE(jr_string(d, "nil") == NULL);
	ASSERT_TRUE(jr_string(d, "a") == NULL);
	ASSERT_EQ_I64(jr_u64(d, "a", &u), -1);
	/* not exact */
	ASSERT_EQ_I64(jr_u64(d, "f", &u), -1);
	ASSERT_EQ_I64(jr_i64(d, "f", &i), -1);
	ASSERT_EQ_I64(jr_u64(d, "neg", &u), -1);
	/* out was never written */
	ASSERT_EQ_U64(u, 123);
	ASSERT_EQ_I64(i, 456);
	ASSERT_DOUBLE_NEAR(f, 7.5, 0);
	ASSERT_TRUE(b);
	/* jr_len/jr_at on non-containers and jr_at on objects */
	ASSERT_EQ_U64(jr_len(jr_get(d, "s")), 0);
	ASSERT_EQ_U64(jr_len(jr_get(d, "n")), 0);
	ASSERT_TRUE(jr_at(jr_get(d, "o"), 0) == NULL);
	ASSERT_TRUE(jr_at(jr_get(d, "s"), 0) == NULL);
}

TEST(jsonread_big_integers)
{
	const struct jr_value *d = parse_ok(
		"{\"p53\": 9007199254740993, \"umax\": 18446744073709551615,"
		" \"umax1\": 18446744073709551616, \"imax\": 9223372036854775807,"
		" \"imax1\": 9223372036854775808, \"imin\": -9223372036854775808,"
		" \"imin1\": -9223372036854775809, \"huge\": 1e300}");
	uint64_t u = 0;
	int64_t i = 0;
	double f = 0;

	ASSERT_TRUE(d);
	/* 2^53 + 1: no double holds it, the integer does */
	ASSERT_EQ_I64(jr_u64(d, "p53", &u), 0);
	ASSERT_EQ_U64(u, 9007199254740993ULL);
	ASSERT_EQ_I64(jr_i64(d, "p53", &i), 0);
	ASSERT_EQ_I64(i, 9007199254740993LL);
	ASSERT_EQ_I64(jr_double(d, "p53", &f), 0);
	ASSERT_DOUBLE_NEAR(f, 9007199254740992.0, 0);

	ASSERT_EQ_I64(jr_u64(d, "umax", &u), 0);
	ASSERT_EQ_U64(u, UINT64_MAX);
	ASSERT_EQ_I64(jr_i64(d, "umax", &i), -1);
	ASSERT_EQ_I64(jr_u64(d, "umax1", &u), -1);
	ASSERT_EQ_I64(jr_double(d, "umax1", &f), 0);
	ASSERT_DOUBLE_NEAR(f, 18446744073709551616.0, 0);

	ASSERT_EQ_I64(jr_i64(d, "imax", &i), 0);
	ASSERT_EQ_I64(i, INT64_MAX);
	ASSERT_EQ_I64(jr_i64(d, "imax1", &i), -1);
	ASSERT_EQ_I64(jr_u64(d, "imax1", &u), 0);
	ASSERT_EQ_U64(u, 9223372036854775808ULL);

	ASSERT_EQ_I64(jr_i64(d, "imin", &i), 0);
	ASSERT_EQ_I64(i, INT64_MIN);
	ASSERT_EQ_I64(jr_u64(d, "imin", &u), -1);
	ASSERT_EQ_I64(jr_i64(d, "imin1", &i), -1);
	ASSERT_EQ_I64(jr_double(d, "imin1", &f), 0);
	ASSERT_DOUBLE_NEAR(f, -9223372036854775808.0, 0);

	ASSERT_EQ_I64(jr_u64(d, "huge", &u), -1);
	ASSERT_EQ_I64(jr_double(d, "huge", &f), 0);
	ASSERT_DOUBLE_NEAR(f, 1e300, 0);
}

TEST(jsonread_integral_forms)
{
	/* Integers written with a fraction or exponent are still exact;
	 * exactness comes from the decimal digits, not from the double. */
	static const struct {
		const char *text;
		bool exact;
		uint64_t mag; /* magnitude when exact */
	} cases[] = {
		{ "0", true, 0 },
		{ "-0", true, 0 },
		{ "0.0", true, 0 },
		{ "-0.0e5", true, 0 },
		{ "1e3", true, 1000 },
		{ "1E+3", true, 1000 },
		{ "2.0", true, 2 },
		{ "1.5e1", true, 15 },
		{ "100e-2", true, 1 },
		{ "0.00012e4", false, 0 },
		{ "0.00012e5", true, 12 },
		{ "1e19", true, 10000000000000000000ULL },
		{ "12345678901234567891e0", true, 12345678901234567891ULL },
		{ "1844674407370955161.5e1", true, UINT64_MAX },
		{ "1e20", false, 0 },
		{ "1.5", false, 0 },
		{ "1e-2", false, 0 },
		{ "1e-400", false, 0 },
		{ "1e-999999999999999999", false, 0 },
		{ "0e999999999999999999", true, 0 },
		{ "123.0000000000000000000001", false, 0 },
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		const struct jr_value *d = parse_ok(cases[k].text);
		uint64_t u = 0;

		if (!d) {
			test_fail(__FILE__, __LINE__, "%s did not parse",
				  cases[k].text);
			return;
		}
		if ((jr_u64(d, "", &u) == 0) != cases[k].exact ||
		    (cases[k].exact && u != cases[k].mag)) {
			test_fail(__FILE__, __LINE__,
				  "%s: expected %s %" PRIu64 ", got %s %" PRIu64,
				  cases[k].text,
				  cases[k].exact ? "exact" : "not exact",
				  cases[k].mag,
				  jr_u64(d, "", &u) ? "not exact" : "exact", u);
			return;
		}
	}
	/* Negative exact integers go through jr_i64 */
	ASSERT_TRUE(parse_ok("-1.5e1"));
	{
		int64_t i = 0;

		ASSERT_EQ_I64(jr_i64(held, "", &i), 0);
		ASSERT_EQ_I64(i, -15);
	}
	/* Doubles are correctly rounded */
	ASSERT_TRUE(parse_ok("[0.1, -2.5e-3, 1e-400, 4.9e-324, 1.7976931348623157e308]"));
	{
		double f = 1;

		ASSERT_EQ_I64(jr_double(held, "[0]", &f), 0);
		ASSERT_TRUE(f == 0.1);
		ASSERT_EQ_I64(jr_double(held, "[1]", &f), 0);
		ASSERT_TRUE(f == -2.5e-3);
		ASSERT_EQ_I64(jr_double(held, "[2]", &f), 0);
		ASSERT_TRUE(f == 0.0);
		ASSERT_EQ_I64(jr_double(held, "[3]", &f), 0);
		ASSERT_TRUE(f == 4.9e-324);
		ASSERT_EQ_I64(jr_double(held, "[4]", &f), 0);
		ASSERT_TRUE(f == 1.7976931348623157e308);
	}
}

TEST(jsonread_decimal_comma_locale)
{
	static const char *const names[] = {
		"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8",
		"nl_NL.UTF-8", "ru_RU.UTF-8",
	};
	const char *old = setlocale(LC_NUMERIC, NULL);
	char saved[64];
	bool have = false;
	double f = 0;
	int rc = -1;

	snprintf(saved, sizeof(saved), "%s", old ? old : "C");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && !have; i++)
		have = setlocale(LC_NUMERIC, names[i]) &&
		       strcmp(localeconv()->decimal_point, ".") != 0;
	if (have)
		rc = jr_double(parse_ok("[1.25]"), "[0]", &f);
	setlocale(LC_NUMERIC, saved);
	if (!have) {
		printf("note: no decimal-comma locale installed, locale test "
		       "skipped\n");
		return;
	}
	ASSERT_EQ_I64(rc, 0);
	ASSERT_DOUBLE_NEAR(f, 1.25, 0);
}

TEST(jsonread_escapes_and_utf8)
{
	const struct jr_value *d = parse_ok(
		"{\"simple\": \"\\\"\\\\\\/\\b\\f\\n\\r\\t\","
		" \"u\": \"\\u0041\\u00e9\\u20AC\\uD83D\\uDE00\\u007f\","
		" \"raw\": \"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\","
		" \"\\u00e9t\\u00e9\": 1,"
		" \"nul\": \"a\\u0000b\","
		" \"a\\u0000b\": 2}");
	uint64_t u = 0;

	ASSERT_TRUE(d);
	ASSERT_STREQ(jr_string(d, "simple"), "\"\\/\b\f\n\r\t");
	/* 1, 2, 3 and 4 UTF-8 bytes; a surrogate pair is one code point */
	ASSERT_STREQ(jr_string(d, "u"),
		     "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\x7f");
	ASSERT_STREQ(jr_string(d, "raw"),
		     "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf");
	/* keys are decoded before matching */
	ASSERT_EQ_I64(jr_u64(d, "\xc3\xa9t\xc3\xa9", &u), 0);
	ASSERT_EQ_U64(u, 1);
	/* \u0000 cuts what jr_string shows, and the key "a\0b" is not "a" */
	ASSERT_STREQ(jr_string(d, "nul"), "a");
	ASSERT_TRUE(jr_get(d, "a") == NULL);
}

TEST(jsonread_duplicate_keys_last_wins)
{
	const struct jr_value *d =
		parse_ok("{\"a\": 1, \"b\": {\"c\": 1}, \"a\": 2, "
			 "\"b\": {\"c\": 3}}");
	uint64_t u = 0;

	ASSERT_TRUE(d);
	ASSERT_EQ_I64(jr_u64(d, "a", &u), 0);
	ASSERT_EQ_U64(u, 2);
	ASSERT_EQ_I64(jr_u64(d, "b.c", &u), 0);
	ASSERT_EQ_U64(u, 3);
	ASSERT_EQ_U64(jr_len(d), 4);
}

TEST(jsonread_accepts)
{
	uint64_t u = 0;
	bool b = false;

	/* any value at top level, with all four kinds of whitespace */
	ASSERT_TRUE(parse_ok(" \t\r\n 7 \t\r\n "));
	ASSERT_EQ_I64(jr_u64(held, "", &u), 0);
	ASSERT_EQ_U64(u, 7);
	ASSERT_TRUE(parse_ok("\"s\""));
	ASSERT_STREQ(jr_string(held, ""), "s");
	ASSERT_TRUE(parse_ok("null"));
	ASSERT_EQ_U64(jr_type(held), JR_NULL);
	ASSERT_TRUE(parse_ok("true"));
	ASSERT_EQ_I64(jr_bool(held, NULL, &b), 0);
	ASSERT_TRUE(b);
	ASSERT_TRUE(parse_ok("[ ]"));
	ASSERT_TRUE(parse_ok("{ }"));
	ASSERT_TRUE(parse_ok("{\"\": [{}, [], \"\", 0, -1, null]}"));
	ASSERT_EQ_U64(jr_len(jr_get(held, "[0]")), 0);
	/* len bounds the input: what follows is not read */
	ASSERT_TRUE(parse_ok_len("[1]xyz", 3));
	ASSERT_EQ_U64(jr_len(held), 1);
	/* exactly JR_MAX_DEPTH levels is fine */
	{
		char buf[2 * JR_MAX_DEPTH + 1];

		memset(buf, '[', JR_MAX_DEPTH);
		memset(buf + JR_MAX_DEPTH, ']', JR_MAX_DEPTH);
		buf[2 * JR_MAX_DEPTH] = '\0';
		ASSERT_TRUE(parse_ok(buf));
	}
	/* many elements, so the arrays and objects grow several times */
	{
		FILE *f = test_capture();
		const char *text;

		fputs("{\"arr\": [", f);
		for (int k = 0; k < 5000; k++)
			fprintf(f, "%s%d", k ? "," : "", k);
		fputs("], \"obj\": {", f);
		for (int k = 0; k < 500; k++)
			fprintf(f, "%s\"k%d\": %d", k ? "," : "", k, k * 2);
		fputs("}}", f);
		text = test_capture_text(f);
		ASSERT_TRUE(parse_ok(text));
		ASSERT_EQ_U64(jr_len(jr_get(held, "arr")), 5000);
		ASSERT_EQ_I64(jr_u64(held, "arr[4999]", &u), 0);
		ASSERT_EQ_U64(u, 4999);
		ASSERT_EQ_U64(jr_len(jr_get(held, "obj")), 500);
		ASSERT_EQ_I64(jr_u64(held, "obj.k499", &u), 0);
		ASSERT_EQ_U64(u, 998);
	}
}

TEST(jsonread_syntax_errors)
{
	static const struct {
		const char *text;
		size_t len;
		const char *err;
	} cases[] = {
#define C(lit, msg) { (lit), sizeof(lit) - 1, (msg) }
		/* empty or incomplete */
		C("", "line 1, column 1: expected a value, found end of input"),
		C("  \n ", "line 2, column 2: expected a value, found end of input"),
		C("[1", "line 1, column 3: expected ',' or ']' after an array "
			"element, found end of input"),
		C("{\"a\":1", "line 1, column 7: expected ',' or '}' after an "
			      "object member, found end of input"),
		C("{\"a\":", "line 1, column 6: expected a value, found end of "
			     "input"),
		/* trailing commas, point at the comma */
		C("[1,2,]", "line 1, column 5: trailing comma before ']'"),
		C("{\"a\":1,}", "line 1, column 7: trailing comma before '}'"),
		C("{\"a\":1,\n}", "line 1, column 7: trailing comma before '}'"),
		C("[,1]", "line 1, column 2: expected a value, found ','"),
		C("[1,,2]", "line 1, column 4: expected a value, found ','"),
		C("{,}", "line 1, column 2: expected a string key, found ','"),
		/* missing separators, wrong keys */
		C("[1 2]", "line 1, column 4: expected ',' or ']' after an array "
			   "element, found '2'"),
		C("{\"a\" 1}", "line 1, column 6: expected ':' after an object "
			       "key, found '1'"),
		C("{\"a\":1 \"b\":2}", "line 1, column 8: expected ',' or '}' "
				       "after an object member, found '\"'"),
		C("{1:2}", "line 1, column 2: expected a string key, found '1'"),
		C("{a:2}", "line 1, column 2: expected a string key, found 'a'"),
		C("['a']", "line 1, column 2: expected a value, found '''"),
		C("[1}", "line 1, column 3: expected ',' or ']' after an array "
			 "element, found '}'"),
		/* numbers */
		C("01", "line 1, column 1: leading zeros are not allowed in "
			"numbers"),
		C("[-012]", "line 1, column 2: leading zeros are not allowed in "
			    "numbers"),
		C("1.", "line 1, column 3: expected a digit after '.', found end "
			"of input"),
		C("1.e5", "line 1, column 3: expected a digit after '.', found 'e'"),
		C(".5", "line 1, column 1: expected a value, found '.'"),
		C("+1", "line 1, column 1: expected a value, found '+'"),
		C("-", "line 1, column 2: expected a digit after '-', found end "
		       "of input"),
		C("1e", "line 1, column 3: expected a digit in the exponent, "
			"found end of input"),
		C("1e+", "line 1, column 4: expected a digit in the exponent, "
			 "found end of input"),
		C("0x10", "line 1, column 2: expected end of input after the "
			  "document, found 'x'"),
		C("[1e400]", "line 1, column 2: number out of range (larger than "
			     "a double)"),
		C("-1e400", "line 1, column 1: number out of range (larger than "
			    "a double)"),
		C("NaN", "line 1, column 1: invalid literal 'NaN'"),
		C("[Infinity]", "line 1, column 2: invalid literal 'Infinity'"),
		C("[1, -Infinity]", "line 1, column 6: expected a digit after "
				    "'-', found 'I'"),
		/* literals */
		C("tru", "line 1, column 1: invalid literal 'tru'"),
		C("nulls", "line 1, column 1: invalid literal 'nulls'"),
		C("True", "line 1, column 1: invalid literal 'True'"),
		C("[abcdefghijabcdefghijabcdefghijabcdefghij]",
		  "line 1, column 2: invalid literal "
		  "'abcdefghijabcdefghijabcdefghijab'..."),
		/* comments */
		C("[1] // c", "line 1, column 5: comments are not allowed in JSON"),
		C("/* c */ 1", "line 1, column 1: comments are not allowed in JSON"),
		C("{\"a\":1 /*x*/}", "line 1, column 8: comments are not allowed "
				     "in JSON"),
		C("[1, /]", "line 1, column 5: expected a value, found '/'"),
		/* trailing garbage */
		C("[1] x", "line 1, column 5: expected end of input after the "
			   "document, found 'x'"),
		C("1 2", "line 1, column 3: expected end of input after the "
			 "document, found '2'"),
		C("{}}", "line 1, column 3: expected end of input after the "
			 "document, found '}'"),
		C("[]\0", "line 1, column 3: expected end of input after the "
			  "document, found byte 0x00"),
		/* odd bytes outside strings */
		C("[1,\0]", "line 1, column 4: expected a value, found byte 0x00"),
		C("\xef\xbb\xbf{}", "line 1, column 1: expected a value, found "
				    "byte 0xef"),
		C("[\x01]", "line 1, column 2: expected a value, found byte 0x01"),
		/* strings */
		C("\"abc", "line 1, column 1: unterminated string"),
		C("[\"a\\", "line 1, column 2: unterminated string"),
		C("\"a\tb\"", "line 1, column 3: control character 0x09 in a "
			      "string must be escaped"),
		C("\"a\nb\"", "line 1, column 3: control character 0x0a in a "
			      "string must be escaped"),
		C("\"\x1f\"", "line 1, column 2: control character 0x1f in a "
			      "string must be escaped"),
		C("\"\\x\"", "line 1, column 2: invalid escape: '\\' followed by "
			     "'x'"),
		C("\"\\U0041\"", "line 1, column 2: invalid escape: '\\' "
				 "followed by 'U'"),
		C("\"\\'\"", "line 1, column 2: invalid escape: '\\' followed by "
			     "'''"),
		C("\"\\u12G4\"", "line 1, column 2: \\u must be followed by 4 hex "
				 "digits"),
		C("\"\\u12\"", "line 1, column 2: \\u must be followed by 4 hex "
			       "digits"),
		C("\"ab\\uD800\"", "line 1, column 4: lone surrogate \\uD800 in a "
				   "string (no low surrogate after it)"),
		C("\"\\ud83dx\"", "line 1, column 2: lone surrogate \\uD83D in a "
				  "string (no low surrogate after it)"),
		C("\"\\uD800\\u0041\"", "line 1, column 2: lone surrogate \\uD800 "
					"in a string (no low surrogate after "
					"it)"),
		C("\"\\uD800\\uD800\"", "line 1, column 2: lone surrogate \\uD800 "
					"in a string (no low surrogate after "
					"it)"),
		C("\"\\uDC00\"", "line 1, column 2: lone surrogate \\uDC00 in a "
				 "string (no high surrogate before it)"),
		C("\"\\uDE00\\uD83D\"", "line 1, column 2: lone surrogate \\uDE00 "
					"in a string (no high surrogate before "
					"it)"),
		/* invalid UTF-8: stray continuation, overlong, encoded
		 * surrogate, above U+10FFFF, truncated, invalid lead */
		C("\"\x80\"", "line 1, column 2: invalid UTF-8 in a string"),
		C("\"a\xc0\xaf\"", "line 1, column 3: invalid UTF-8 in a string"),
		C("\"\xe0\x80\xaf\"", "line 1, column 2: invalid UTF-8 in a string"),
		C("\"\xed\xa0\x80\"", "line 1, column 2: invalid UTF-8 in a string"),
		C("\"\xf4\x90\x80\x80\"", "line 1, column 2: invalid UTF-8 in a "
					  "string"),
		C("\"\xe2\x82\"", "line 1, column 2: invalid UTF-8 in a string"),
		C("\"\xe2\x82", "line 1, column 2: invalid UTF-8 in a string"),
		C("\"\xff\"", "line 1, column 2: invalid UTF-8 in a string"),
		/* positions: lines, characters (not bytes), tabs, CRLF */
		C("{\n  \"a\": [1,\n    2,,\n  ]\n}",
		  "line 3, column 7: expected a value, found ','"),
		C("[\"\xc3\xa9\xe2\x82\xac\", x]",
		  "line 1, column 8: invalid literal 'x'"),
		C("\t[\t1\t,\t]", "line 1, column 6: trailing comma before ']'"),
		C("[1,\r\n2,]", "line 2, column 2: trailing comma before ']'"),
#undef C
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		const char *got = parse_error(cases[k].text, cases[k].len);

		if (!got || strcmp(got, cases[k].err)) {
			printf("case %zu:\n", k);
			ASSERT_STREQ(got, cases[k].err);
		}
	}
	/* NULL text with len 0 reads as empty input */
	ASSERT_STREQ(parse_error(NULL, 0),
		     "line 1, column 1: expected a value, found end of input");
}

TEST(jsonread_depth_limit)
{
	char buf[2 * (JR_MAX_DEPTH + 1) + 1];
	char want[128];

	memset(buf, '[', JR_MAX_DEPTH + 1);
	memset(buf + JR_MAX_DEPTH + 1, ']', JR_MAX_DEPTH + 1);
	buf[2 * (JR_MAX_DEPTH + 1)] = '\0';
	snprintf(want, sizeof(want), "line 1, column %d: nesting deeper than "
		 "%d arrays/objects", JR_MAX_DEPTH + 1, JR_MAX_DEPTH);
	ASSERT_STREQ(parse_error(buf, strlen(buf)), want);

	/* objects count too, and the limit holds deep in an unclosed input */
	{
		FILE *f = test_capture();

		for (int k = 0; k < JR_MAX_DEPTH; k++)
			fputs(k % 2 ? "[" : "{\"k\":", f);
		fputs("{", f);
		ASSERT_STREQ(parse_error(test_capture_text(f),
					 strlen(test_capture_text(f))),
			     "line 1, column 769: nesting deeper than 256 "
			     "arrays/objects");
	}
	/* far deeper input fails the same way instead of using the stack */
	{
		size_t n = 1000000;
		char *deep = malloc(n);

		ASSERT_TRUE(deep);
		memset(deep, '[', n);
		ASSERT_STREQ(parse_error(deep, n), want);
		free(deep);
	}
}

TEST(jsonread_error_buffer)
{
	char small[10];

	/* truncated, still NUL-terminated */
	ASSERT_TRUE(jr_parse("[1,]", 4, small, sizeof(small)) == NULL);
	ASSERT_STREQ(small, "line 1, c");
	/* no buffer at all is allowed */
	ASSERT_TRUE(jr_parse("[1,]", 4, NULL, 0) == NULL);
	ASSERT_TRUE(jr_parse("[1,]", 4, small, 0) == NULL);
	ASSERT_TRUE(hold(jr_parse("[1]", 3, NULL, 0)) != NULL);
	/* success clears the message */
	ASSERT_TRUE(hold(jr_parse("[1]", 3, small, sizeof(small))) != NULL);
	ASSERT_STREQ(small, "");
	jr_free(NULL);
}

TEST(jsonread_parse_file)
{
	char path[] = "/tmp/ipcscope-jsonread-XXXXXX";
	char err[512], want[512];
	uint64_t u = 0;
	int fd = mkstemp(path);
	bool ok;

	ASSERT_TRUE(fd >= 0);
	ok = write(fd, "{\"a\": [1, 2]}\n", 14) == 14;
	close(fd);
	if (ok)
		hold(jr_parse_file(path, err, sizeof(err)));
	ASSERT_TRUE(ok);
	if (!held)
		printf("jr_parse_file: %s\n", err);
	ASSERT_TRUE(held);
	ASSERT_EQ_I64(jr_u64(held, "a[1]", &u), 0);
	ASSERT_EQ_U64(u, 2);

	/* a syntax error names the file first */
	fd = open(path, O_WRONLY | O_TRUNC);
	ok = fd >= 0 && write(fd, "{\n\"a\": [1, 2,]}\n", 16) == 16;
	if (fd >= 0)
		close(fd);
	if (ok)
		hold(jr_parse_file(path, err, sizeof(err)));
	unlink(path);
	ASSERT_TRUE(ok);
	ASSERT_TRUE(held == NULL);
	snprintf(want, sizeof(want),
		 "%s: line 2, column 11: trailing comma before ']'", path);
	ASSERT_STREQ(err, want);

	/* unreadable files */
	ASSERT_TRUE(jr_parse_file("/nonexistent/x.json", err, sizeof(err)) ==
		    NULL);
	ASSERT_STREQ(err, "cannot read /nonexistent/x.json: No such file or "
			  "directory");
	ASSERT_TRUE(jr_parse_file("/", err, sizeof(err)) == NULL);
	ASSERT_STREQ(err, "cannot read /: Is a directory");
	/* an empty file is a syntax error, not a read error */
	ASSERT_TRUE(jr_parse_file("/dev/null", err, sizeof(err)) == NULL);
	ASSERT_STREQ(err, "/dev/null: line 1, column 1: expected a value, "
			  "found end of input");
}

/* Verbatim output of `build/workloads/pipe --count 3 --out FILE`. */
static const char pipe_workload_json[] =
	"{\n"
	"  \"workload\": \"pipe\",\n"
	"  \"mode\": \"anon\",\n"
	"  \"pattern\": \"stream\",\n"
	"  \"write_method\": \"write\",\n"
	"  \"read_method\": \"read\",\n"
	"  \"size\": 4096,\n"
	"  \"count\": 3,\n"
	"  \"pipes\": [\n"
	"    {\"kind\": \"anon\", \"ino\": 177315, \"dev\": 15, "
	"\"dev_major\": 0, \"dev_minor\": 15, \"path\": null, "
	"\"writer_pid\": 13887, \"reader_pid\": 13888, \"bytes\": 12288}\n"
	"  ],\n"
	"  \"processes\": [\n"
	"    {\"pid\": 13887, \"role\": \"parent\", \"write_calls\": 3, "
	"\"bytes_written\": 12288, \"write_errors\": 0, \"read_calls\": 0, "
	"\"bytes_read\": 0, \"read_errors\": 0},\n"
	"    {\"pid\": 13888, \"role\": \"child\", \"write_calls\": 0, "
	"\"bytes_written\": 0, \"write_errors\": 0, \"read_calls\": 4, "
	"\"bytes_read\": 12288, \"read_errors\": 0}\n"
	"  ],\n"
	"  \"totals\": {\"write_calls\": 3, \"bytes_written\": 12288, "
	"\"write_errors\": 0, \"read_calls\": 4, \"bytes_read\": 12288, "
	"\"read_errors\": 0}\n"
	"}\n";

TEST(jsonread_pipe_workload_output)
{
	const struct jr_value *d = parse_ok(pipe_workload_json), *procs;
	uint64_t u = 0, sum = 0;

	ASSERT_TRUE(d);
	ASSERT_STREQ(jr_string(d, "workload"), "pipe");
	ASSERT_STREQ(jr_string(d, "mode"), "anon");
	ASSERT_STREQ(jr_string(d, "write_method"), "write");
	ASSERT_EQ_I64(jr_u64(d, "size", &u), 0);
	ASSERT_EQ_U64(u, 4096);
	ASSERT_EQ_I64(jr_u64(d, "count", &u), 0);
	ASSERT_EQ_U64(u, 3);

	ASSERT_EQ_U64(jr_len(jr_get(d, "pipes")), 1);
	ASSERT_STREQ(jr_string(d, "pipes[0].kind"), "anon");
	ASSERT_EQ_I64(jr_u64(d, "pipes[0].ino", &u), 0);
	ASSERT_EQ_U64(u, 177315);
	ASSERT_EQ_U64(jr_type(jr_get(d, "pipes[0].path")), JR_NULL);
	ASSERT_TRUE(jr_string(d, "pipes[0].path") == NULL);
	ASSERT_EQ_I64(jr_u64(d, "pipes[0].bytes", &u), 0);
	ASSERT_EQ_U64(u, 12288);

	procs = jr_get(d, "processes");
	ASSERT_EQ_U64(jr_len(procs), 2);
	ASSERT_EQ_I64(jr_u64(d, "processes[1].pid", &u), 0);
	ASSERT_EQ_U64(u, 13888);
	ASSERT_STREQ(jr_string(d, "processes[0].role"), "parent");
	ASSERT_EQ_I64(jr_u64(d, "pipes[0].reader_pid", &u), 0);
	ASSERT_EQ_U64(u, 13888);

	/* the per-process counts add up to the totals */
	for (size_t k = 0; k < jr_len(procs); k++) {
		ASSERT_EQ_I64(jr_u64(jr_at(procs, k), "bytes_read", &u), 0);
		sum += u;
	}
	ASSERT_EQ_I64(jr_u64(d, "totals.bytes_read", &u), 0);
	ASSERT_EQ_U64(sum, u);
	ASSERT_EQ_I64(jr_u64(d, "totals.bytes_written", &u), 0);
	ASSERT_EQ_U64(u, 12288);
	ASSERT_EQ_I64(jr_u64(d, "totals.read_calls", &u), 0);
	ASSERT_EQ_U64(u, 4);
}
