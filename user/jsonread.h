/* jsonread.h - small strict JSON reader, so ipcscope can read back JSON
 * documents (such as the counts the bundled workloads print) and compare
 * figures out of them.
 *
 * The whole document is parsed into a tree at once; then values are looked
 * up by path.  Input must be RFC 8259 JSON and nothing else: no comments,
 * trailing commas, leading zeros, NaN/Infinity, single quotes, raw control
 * characters in strings, invalid UTF-8, lone UTF-16 surrogates in \u escapes,
 * byte order mark, or anything but whitespace after the document.  Nesting
 * deeper than JR_MAX_DEPTH arrays/objects is refused, so a hostile document
 * cannot exhaust the stack.
 *
 * Errors read "line L, column C: what is wrong".  Lines and columns count
 * from 1; a column counts characters (UTF-8 code points), and a tab is one.
 *
 * Numbers: every number has a double (the nearest one, whatever the locale).
 * A number whose exact decimal value is an integer ("12", "-7", "1e3", "2.0",
 * "-0") also keeps that integer exactly when it fits in int64_t or uint64_t;
 * the integer is computed from the digits, never through the double, so
 * 9007199254740993 or 18446744073709551615 read back exactly.  A number too
 * large for a double (1e400) is an error.
 *
 * Strings are UTF-8, NUL-terminated.  A string containing \u0000 is kept
 * whole internally, but jr_string() can only show it up to that character.
 *
 * Duplicate keys in an object: the last one wins for lookups.  jr_len() of
 * an object still counts every member as written.
 *
 * Paths: keys joined by '.', array indexes in brackets:
 * "totals.bytes_written", "processes[1].pid", "[0]", "a[2][0].b".  The
 * empty path (or NULL) is the value itself.  A key containing '.', '[' or
 * ']' cannot be reached by path.  A malformed path finds nothing.
 *
 * The tree is read-only after parsing, so several threads may read it.
 */
#ifndef IPCSCOPE_JSONREAD_H
#define IPCSCOPE_JSONREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JR_MAX_DEPTH 256

/* A node of a parsed document (opaque). */
struct jr_value;

enum jr_type { JR_NULL, JR_BOOL, JR_NUMBER, JR_STRING, JR_ARRAY, JR_OBJECT };

/* Parse the len bytes at text (NUL bytes included: text need not be a C
 * string).  Returns the root, or NULL with the error written to err (if err
 * is not NULL and errlen > 0; truncated to fit). */
struct jr_value *jr_parse(const char *text, size_t len, char *err,
			  size_t errlen);
/* Read a whole file and parse it.  Errors are "PATH: line L, column C: ..."
 * or "cannot read PATH: <strerror>". */
struct jr_value *jr_parse_file(const char *path, char *err, size_t errlen);
/* Frees a whole tree (a root from jr_parse*); accepts NULL. */
void jr_free(struct jr_value *v);

/* JR_NULL for a NULL v too (a missing value reads like null). */
enum jr_type jr_type(const struct jr_value *v);

/* The value at path under v; NULL if v is NULL or nothing is there. */
const struct jr_value *jr_get(const struct jr_value *v, const char *path);

/* Typed getters: 0 with *out set, or -1 (out untouched) if the path is
 * missing, the value has another type, or the number does not fit.
 *   jr_u64: an integer in [0, UINT64_MAX] ("-0" counts as 0)
 *   jr_i64: an integer in [INT64_MIN, INT64_MAX]
 *   jr_double: any number (big integers come out rounded, as doubles are) */
int jr_u64(const struct jr_value *v, const char *path, uint64_t *out);
int jr_i64(const struct jr_value *v, const char *path, int64_t *out);
int jr_double(const struct jr_value *v, const char *path, double *out);
int jr_bool(const struct jr_value *v, const char *path, bool *out);
/* The string at path, valid until jr_free; NULL if missing or not a
 * string. */
const char *jr_string(const struct jr_value *v, const char *path);

/* Elements of an array or members of an object; 0 for anything else. */
size_t jr_len(const struct jr_value *v);
/* Element i of an array; NULL if v is not an array or i >= jr_len(v). */
const struct jr_value *jr_at(const struct jr_value *v, size_t i);

#endif /* IPCSCOPE_JSONREAD_H */
