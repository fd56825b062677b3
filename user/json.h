/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* json.h - streaming JSON writer for ipcscope's machine-readable output.
 *
 * Values are written straight to a FILE* as they are produced, so memory use
 * does not depend on the size of the document.  The writer tracks nesting
 * itself, so callers never place commas, colons or indentation by hand.
 *
 * Output format:
 *   compact: no whitespace at all, not even a trailing newline.  For JSON
 *            Lines, write '\n' to the FILE yourself after each top-level value.
 *   pretty:  2-space indent, "key": value, empty containers as {} and [],
 *            and a newline after each top-level value.
 *
 * Misuse (a key outside an object, a value in an object without a key,
 * mismatched or unbalanced ends, nesting deeper than JW_MAX_DEPTH) is a
 * programming error: it is reported on stderr and abort()s, like a failed
 * assert, rather than silently producing invalid JSON.
 *
 * I/O errors are not reported per call; check ferror(out) when done.
 */
#ifndef IPCSCOPE_JSON_H
#define IPCSCOPE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JW_MAX_DEPTH 64

struct json_writer;

/* pretty: 2-space indent, newline at the end of the top-level value.
 * Returns NULL if out of memory. */
struct json_writer *jw_new(FILE *out, bool pretty);
/* Accepts NULL; does not fclose the FILE. */
void jw_free(struct json_writer *jw);

void jw_object_begin(struct json_writer *jw);
void jw_object_end(struct json_writer *jw);
void jw_array_begin(struct json_writer *jw);
void jw_array_end(struct json_writer *jw);

/* The next value written is this key's. */
void jw_key(struct json_writer *jw, const char *key);

/* NULL writes null.  Escaped per RFC 8259; valid UTF-8 passes through
 * unchanged, each byte of an invalid UTF-8 sequence becomes \ufffd. */
void jw_string(struct json_writer *jw, const char *s);
void jw_uint(struct json_writer *jw, uint64_t v);
void jw_int(struct json_writer *jw, int64_t v);
/* Non-finite -> null; otherwise the shortest form that reads back as the
 * same double, always with '.' as decimal point whatever the locale. */
void jw_double(struct json_writer *jw, double v);
/* v as jw_double writes it: the shortest text that reads back exactly,
 * with a "." whatever the locale (v finite) */
void json_double_text(char *buf, size_t size, double v);
void jw_bool(struct json_writer *jw, bool v);
void jw_null(struct json_writer *jw);

/* Key + value in one call, for readability at call sites. */
void jw_kv_string(struct json_writer *jw, const char *key, const char *s);
void jw_kv_uint(struct json_writer *jw, const char *key, uint64_t v);
void jw_kv_int(struct json_writer *jw, const char *key, int64_t v);
void jw_kv_double(struct json_writer *jw, const char *key, double v);
void jw_kv_bool(struct json_writer *jw, const char *key, bool v);

#endif /* IPCSCOPE_JSON_H */
