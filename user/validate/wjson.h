/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * wjson.h - what `ipcscope validate` reads back from a bundled workload's
 * own JSON (its --out file): a few counts and flags, by dotted path
 * ("elapsed_ns", "counter.lost_updates"). json-c parses; only wjson.c
 * sees it.
 */
#ifndef VALIDATE_WJSON_H
#define VALIDATE_WJSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A workload's output is 1 to 3 KB: larger is a runaway, refused. */
#define WJSON_MAX_BYTES (1 << 20)

/* A parsed document (a json-c object, opaque here). */
struct wjson;

/*
 * Read and parse the file at path, at most WJSON_MAX_BYTES. NULL with one
 * line naming the file in err: "cannot read PATH: <strerror>", "PATH: more
 * than N bytes" or "PATH: line L, column C: <what json-c found wrong>".
 */
struct wjson *wjson_load(const char *path, char *err, size_t errlen);
/* Accepts NULL. */
void wjson_free(struct wjson *doc);

/*
 * The value at a dotted path of object keys: 0 with *out set, or -1 (out
 * untouched) when doc is NULL, the path leads nowhere, or the value is of
 * another type (u64: a JSON integer from 0 to UINT64_MAX).
 */
int wjson_u64(const struct wjson *doc, const char *path, uint64_t *out);
int wjson_bool(const struct wjson *doc, const char *path, bool *out);

struct json_writer;
/* The document as a value of jw's (every string escaped again), null for
 * NULL: a workload's own figures beside ours */
void wjson_write(struct json_writer *jw, const struct wjson *doc);

#endif /* VALIDATE_WJSON_H */
