// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* json.c - streaming JSON writer (see json.h for the output format). */
#include "json.h"
#include "utf8.h"

#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum jw_kind { JW_OBJECT, JW_ARRAY };

struct json_writer {
	FILE *out;
	bool pretty;
	unsigned depth;                   /* open containers */
	enum jw_kind kind[JW_MAX_DEPTH];  /* kind[i]: container at depth i+1 */
	/* No element written yet in the innermost container, so no comma and,
	 * if it stays empty, no newline before the closing bracket. */
	bool first;
	bool have_key;                    /* a key was written, its value is due */
};

static void jw_misuse(const char *what)
{
	/* A bug in the caller: stop loudly rather than emit broken JSON. */
	fprintf(stderr, "json writer misuse: %s\n", what);
	abort();
}

struct json_writer *jw_new(FILE *out, bool pretty)
{
	struct json_writer *jw = calloc(1, sizeof(*jw));

	if (!jw)
		return NULL;
	jw->out = out;
	jw->pretty = pretty;
	jw->first = true;
	return jw;
}

void jw_free(struct json_writer *jw)
{
	free(jw);
}

static void jw_indent(struct json_writer *jw)
{
	fputc('\n', jw->out);
	for (unsigned i = 0; i < jw->depth; i++)
		fputs("  ", jw->out);
}

/* Everything that precedes a value: the separator and indentation, unless a
 * key has just been written (then we sit right after its colon). */
static void jw_before_value(struct json_writer *jw)
{
	if (jw->have_key) {
		jw->have_key = false;
		return;
	}
	if (jw->depth == 0)
		return;
	if (jw->kind[jw->depth - 1] == JW_OBJECT)
		jw_misuse("value in an object without a key");
	if (!jw->first)
		fputc(',', jw->out);
	if (jw->pretty)
		jw_indent(jw);
}

/* A value is complete: later siblings need a comma.  Ending the top-level
 * value gets its newline in pretty mode. */
static void jw_after_value(struct json_writer *jw)
{
	jw->first = false;
	if (jw->depth == 0 && jw->pretty)
		fputc('\n', jw->out);
}

static void jw_begin(struct json_writer *jw, enum jw_kind kind, char open)
{
	jw_before_value(jw);
	if (jw->depth >= JW_MAX_DEPTH)
		jw_misuse("nesting deeper than JW_MAX_DEPTH");
	jw->kind[jw->depth++] = kind;
	fputc(open, jw->out);
	jw->first = true;
}

static void jw_end(struct json_writer *jw, enum jw_kind kind, char close)
{
	if (jw->depth == 0 || jw->kind[jw->depth - 1] != kind)
		jw_misuse(kind == JW_OBJECT ? "unmatched object end"
					    : "unmatched array end");
	if (jw->have_key)
		jw_misuse("object ended after a key without its value");
	jw->depth--;
	/* Empty containers stay on one line: {} and []. */
	if (jw->pretty && !jw->first)
		jw_indent(jw);
	fputc(close, jw->out);
	jw_after_value(jw);
}

void jw_object_begin(struct json_writer *jw)
{
	jw_begin(jw, JW_OBJECT, '{');
}

void jw_object_end(struct json_writer *jw)
{
	jw_end(jw, JW_OBJECT, '}');
}

void jw_array_begin(struct json_writer *jw)
{
	jw_begin(jw, JW_ARRAY, '[');
}

void jw_array_end(struct json_writer *jw)
{
	jw_end(jw, JW_ARRAY, ']');
}

static void jw_write_string(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	const unsigned char *run = s;   /* bytes that need no escaping */
	const unsigned char *end = s + strlen(str);

	fputc('"', out);
	while (*s) {
		unsigned char c = *s;
		const char *esc = NULL;
		char ubuf[8];
		size_t n = 1;

		if (c >= 0x80) {
			n = utf8_seq_len(s, (size_t)(end - s));
			if (n) {
				s += n;
				continue;
			}
			/* One replacement per bad byte; resync on the next. */
			esc = "\\ufffd";
			n = 1;
		} else if (c == '"') {
			esc = "\\\"";
		} else if (c == '\\') {
			esc = "\\\\";
		} else if (c < 0x20) {
			switch (c) {
			case '\b': esc = "\\b"; break;
			case '\f': esc = "\\f"; break;
			case '\n': esc = "\\n"; break;
			case '\r': esc = "\\r"; break;
			case '\t': esc = "\\t"; break;
			default:
				snprintf(ubuf, sizeof(ubuf), "\\u%04x", c);
				esc = ubuf;
			}
		} else {
			s++;
			continue;
		}
		fwrite(run, 1, (size_t)(s - run), out);
		fputs(esc, out);
		s += n;
		run = s;
	}
	fwrite(run, 1, (size_t)(s - run), out);
	fputc('"', out);
}

void jw_key(struct json_writer *jw, const char *key)
{
	if (jw->depth == 0 || jw->kind[jw->depth - 1] != JW_OBJECT)
		jw_misuse("key outside an object");
	if (jw->have_key)
		jw_misuse("two keys in a row");
	if (!jw->first)
		fputc(',', jw->out);
	if (jw->pretty)
		jw_indent(jw);
	/* A NULL key would be invalid JSON; write it as an empty key. */
	jw_write_string(jw->out, key ? key : "");
	fputs(jw->pretty ? ": " : ":", jw->out);
	jw->have_key = true;
}

void jw_string(struct json_writer *jw, const char *s)
{
	if (!s) {
		jw_null(jw);
		return;
	}
	jw_before_value(jw);
	jw_write_string(jw->out, s);
	jw_after_value(jw);
}

void jw_uint(struct json_writer *jw, uint64_t v)
{
	jw_before_value(jw);
	fprintf(jw->out, "%" PRIu64, v);
	jw_after_value(jw);
}

void jw_int(struct json_writer *jw, int64_t v)
{
	jw_before_value(jw);
	fprintf(jw->out, "%" PRId64, v);
	jw_after_value(jw);
}

/* printf and strtod both follow LC_NUMERIC, so the round-trip check is done
 * in the current locale and only then is its decimal point (which may be ","
 * or even multibyte) turned into the '.' JSON requires.  %g never groups
 * thousands, so the decimal point is the only locale-dependent part. */
void json_double_text(char *buf, size_t size, double v)
{
	const char *dp;
	char *p;

	/* Shortest precision that reads back exactly; 17 always does. */
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	dp = localeconv()->decimal_point;
	if (!dp || !dp[0] || strcmp(dp, ".") == 0)
		return;
	p = strstr(buf, dp);
	if (p) {
		size_t dplen = strlen(dp);

		*p = '.';
		memmove(p + 1, p + dplen, strlen(p + dplen) + 1);
	}
}

void jw_double(struct json_writer *jw, double v)
{
	char buf[64];

	/* JSON has no NaN or Infinity. */
	if (!isfinite(v)) {
		jw_null(jw);
		return;
	}
	json_double_text(buf, sizeof(buf), v);
	jw_before_value(jw);
	fputs(buf, jw->out);
	jw_after_value(jw);
}

void jw_bool(struct json_writer *jw, bool v)
{
	jw_before_value(jw);
	fputs(v ? "true" : "false", jw->out);
	jw_after_value(jw);
}

void jw_null(struct json_writer *jw)
{
	jw_before_value(jw);
	fputs("null", jw->out);
	jw_after_value(jw);
}

void jw_kv_string(struct json_writer *jw, const char *key, const char *s)
{
	jw_key(jw, key);
	jw_string(jw, s);
}

void jw_kv_uint(struct json_writer *jw, const char *key, uint64_t v)
{
	jw_key(jw, key);
	jw_uint(jw, v);
}

void jw_kv_int(struct json_writer *jw, const char *key, int64_t v)
{
	jw_key(jw, key);
	jw_int(jw, v);
}

void jw_kv_double(struct json_writer *jw, const char *key, double v)
{
	jw_key(jw, key);
	jw_double(jw, v);
}

void jw_kv_bool(struct json_writer *jw, const char *key, bool v)
{
	jw_key(jw, key);
	jw_bool(jw, v);
}
