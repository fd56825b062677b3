// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * wjson.c - a workload's JSON, read back with json-c. The file is read
 * whole but bounded (WJSON_MAX_BYTES) and nesting is bounded too
 * (WJSON_MAX_DEPTH): a workload gone wrong cannot grow us without limit.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>
#include "json.h"
#include "wjson.h"

/* Our workloads nest 3 deep; json-c's own default is 32. */
#define WJSON_MAX_DEPTH 16
/* The longest key of a path that can be looked up. */
#define WJSON_MAX_KEY 64

/* The whole file into a new buffer, if it is at most WJSON_MAX_BYTES. */
static char *read_bounded(const char *path, size_t *len, char *err, size_t errlen)
{
	size_t n = 0, cap = 0;
	char *buf = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		goto cannot_read;
	for (;;) {
		ssize_t got;

		if (n == cap) {
			/* one byte past the limit tells a file that is over it */
			size_t ncap = cap ? cap * 2 : 4096;
			char *nbuf;

			if (cap > WJSON_MAX_BYTES) {
				snprintf(err, errlen, "%s: more than %d bytes", path,
					 WJSON_MAX_BYTES);
				goto fail;
			}
			if (ncap > WJSON_MAX_BYTES + 1)
				ncap = WJSON_MAX_BYTES + 1;
			nbuf = realloc(buf, ncap);
			if (!nbuf) {
				errno = ENOMEM;
				goto cannot_read;
			}
			buf = nbuf;
			cap = ncap;
		}
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			goto cannot_read;
		if (!got)
			break;
		n += got;
	}
	close(fd);
	*len = n;
	return buf;

cannot_read:
	snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

/* "PATH: line L, column C: what": columns count characters, not bytes. */
static void parse_error(char *err, size_t errlen, const char *path,
			const char *buf, size_t at, const char *what)
{
	unsigned long line = 1, col = 1;

	for (size_t i = 0; i < at; i++) {
		if (buf[i] == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)buf[i] & 0xc0) != 0x80) {
			col++;
		}
	}
	snprintf(err, errlen, "%s: line %lu, column %lu: %s", path, line, col, what);
}

struct wjson *wjson_load(const char *path, char *err, size_t errlen)
{
	struct json_object *root;
	struct json_tokener *tok;
	const char *what = NULL;
	size_t len, end;
	char *buf = read_bounded(path, &len, err, errlen);

	if (!buf)
		return NULL;
	tok = json_tokener_new_ex(WJSON_MAX_DEPTH);
	if (!tok) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(ENOMEM));
		free(buf);
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, buf, len);
	end = json_tokener_get_parse_end(tok);
	switch (json_tokener_get_error(tok)) {
	case json_tokener_success:
		/* json-c stops at a NUL byte as if the input ended there */
		if (end < len) {
			what = "data after the document";
		} else if (!json_object_is_type(root, json_type_object)) {
			what = "not a JSON object";
			end = 0;
		}
		break;
	case json_tokener_continue:
		/* all of it read and more wanted: it stops half way */
		what = "unexpected end of data";
		end = len;
		break;
	default:
		what = json_tokener_error_desc(json_tokener_get_error(tok));
		break;
	}
	if (what) {
		parse_error(err, errlen, path, buf, end, what);
		json_object_put(root);
		root = NULL;
	}
	json_tokener_free(tok);
	free(buf);
	return (struct wjson *)root;
}

void wjson_free(struct wjson *doc)
{
	json_object_put((struct json_object *)doc);
}

/* The value at a dotted path of keys; NULL if there is none. */
static struct json_object *lookup(const struct wjson *doc, const char *path)
{
	struct json_object *v = (struct json_object *)doc;

	while (v) {
		size_t n = strcspn(path, ".");
		char key[WJSON_MAX_KEY];

		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		if (!json_object_object_get_ex(v, key, &v))
			return NULL;
		if (!path[n])
			return v;
		path += n + 1;
	}
	return NULL;
}

int wjson_u64(const struct wjson *doc, const char *path, uint64_t *out)
{
	struct json_object *v = lookup(doc, path);

	/* json-c keeps an integer as int64 or, above INT64_MAX, as uint64:
	   a negative one reads as 0 from get_uint64, so ask get_int64 first */
	if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0)
		return -1;
	*out = json_object_get_uint64(v);
	return 0;
}

int wjson_bool(const struct wjson *doc, const char *path, bool *out)
{
	struct json_object *v = lookup(doc, path);

	if (!json_object_is_type(v, json_type_boolean))
		return -1;
	*out = json_object_get_boolean(v);
	return 0;
}

/* v through jw, depth-first; deeper than the writer's limit: null */
static void write_value(struct json_writer *jw, struct json_object *v, int depth)
{
	if (depth >= JW_MAX_DEPTH - 8) {
		jw_null(jw);
		return;
	}
	switch (json_object_get_type(v)) {
	case json_type_object:
		jw_object_begin(jw);
		json_object_object_foreach(v, key, val) {
			jw_key(jw, key);
			write_value(jw, val, depth + 1);
		}
		jw_object_end(jw);
		return;
	case json_type_array:
		jw_array_begin(jw);
		for (size_t i = 0; i < json_object_array_length(v); i++)
			write_value(jw, json_object_array_get_idx(v, i), depth + 1);
		jw_array_end(jw);
		return;
	case json_type_string:
		jw_string(jw, json_object_get_string(v));
		return;
	case json_type_int:
		if (json_object_get_int64(v) < 0)
			jw_int(jw, json_object_get_int64(v));
		else
			jw_uint(jw, json_object_get_uint64(v));
		return;
	case json_type_double:
		jw_double(jw, json_object_get_double(v));
		return;
	case json_type_boolean:
		jw_bool(jw, json_object_get_boolean(v));
		return;
	case json_type_null:
		break;
	}
	jw_null(jw);
}

void wjson_write(struct json_writer *jw, const struct wjson *doc)
{
	if (!doc) {
		jw_null(jw);
		return;
	}
	write_value(jw, (struct json_object *)doc, 0);
}
