// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * claims_file.c - reading a claims file (docs/claims-format.md): a regular
 * file of at most 1 MiB, read line by line within the line limit, each
 * line checked (length, control characters, UTF-8) before claims.c
 * parses it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include "claims.h"
#include "claims_int.h"
#include "utf8.h"
#include "util.h"

/* Bytes a text editor may leave that the format has no use for: control
 * characters (a tab is a blank) and DEL. 0 if none, else the 1-based byte
 * offset of the first. */
static size_t control_char(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return i + 1;
	}
	return 0;
}

/* Room for a line: the longest allowed, a byte order mark, CR, LF, NUL */
#define LINE_ROOM (CLAIMS_MAX_LINE + 6)

/*
 * The next line, its newline included, into buf (LINE_ROOM bytes): its
 * length, or -1 at the end. A line that does not fit stops the read
 * there (*cut): the file is not read past what the limit allows, whatever
 * it is (a /dev/zero never ends).
 */
static ssize_t read_line(FILE *f, char *buf, bool *cut)
{
	size_t n = 0;
	int c = EOF;

	*cut = false;
	while (n < LINE_ROOM - 1 && (c = getc(f)) != EOF) {
		buf[n++] = (char)c;
		if (c == '\n')
			break;
	}
	buf[n] = '\0';
	if (n == LINE_ROOM - 1 && c != '\n')
		*cut = true;
	return n || c != EOF ? (ssize_t)n : -1;
}

/*
 * The checks every line passes before it is parsed: its length, no control
 * character, valid UTF-8; its newline, a CR before it and a first line's
 * byte order mark taken off. *out: the line, or NULL for a comment or a
 * blank line. -1 (with x's error) if it fails.
 */
static int check_line(const struct ctx *x, char *line, size_t len, bool cut,
		      char **out)
{
	const char *p;
	size_t bad;

	*out = NULL;
	if (cut)
		return claims_fail(x, "line is too long (more than %d bytes, at most %d)",
			    LINE_ROOM - 1, CLAIMS_MAX_LINE);
	if (len > 0 && line[len - 1] == '\n')
		line[--len] = '\0';
	/* files edited on Windows end lines with CRLF */
	if (len > 0 && line[len - 1] == '\r')
		line[--len] = '\0';
	/* ... and may start with a byte order mark */
	if (x->line == 1 && len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0)
		line += 3, len -= 3;
	if (len > CLAIMS_MAX_LINE)
		return claims_fail(x, "line is too long (%zu bytes, at most %d)", len,
			    CLAIMS_MAX_LINE);
	bad = control_char(line, len);
	if (bad)
		return claims_fail(x, "control character 0x%02x at byte %zu",
			    (unsigned char)line[bad - 1], bad);
	bad = utf8_error((const unsigned char *)line, len);
	if (bad)
		return claims_fail(x, "invalid UTF-8 at byte %zu", bad);
	for (p = line; claims_is_blank(*p); p++)
		;
	if (*p && *p != '#')
		*out = line;
	return 0;
}

int claims_parse(FILE *f, const char *name, struct claim **claims, size_t *n,
		 char *err, size_t errlen)
{
	struct ctx x = { name, 0, err, errlen };
	struct claim *arr = NULL, *c;
	size_t count = 0;
	char buf[LINE_ROOM], *line;
	ssize_t got;
	bool cut;
	int rc = -1;

	if (err && errlen)
		err[0] = '\0';
	while ((got = read_line(f, buf, &cut)) >= 0) {
		x.line++;
		if (check_line(&x, buf, (size_t)got, cut, &line))
			goto out;
		if (!line)
			continue;
		c = grow_rows((void **)&arr, &count, sizeof(*arr));
		if (!c) {
			claims_fail(&x, "out of memory");
			goto out;
		}
		if (claims_parse_line(&x, line, c, arr, count - 1))
			goto out;
	}
	if (ferror(f)) {
		/* errno is still getc's: nothing ran since it failed */
		if (err && errlen)
			snprintf(err, errlen, "cannot read %s: %s", name,
				 strerror(errno ? errno : EIO));
		goto out;
	}
	if (count == 0) {
		/* No line to point at: the whole file is the problem. */
		if (err && errlen)
			snprintf(err, errlen, "%s: no claims (%s)", name,
				 x.line ? "only comments and blank lines"
					: "the file is empty");
		goto out;
	}
	*claims = arr;
	*n = count;
	arr = NULL;
	rc = 0;
out:
	free(arr);
	return rc;
}

int claims_load(const char *path, struct claim **claims, size_t *n,
		char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	struct stat st;
	int rc;

	if (!f) {
		if (err && errlen)
			snprintf(err, errlen, "cannot read %s: %s", path,
				 strerror(errno));
		return -1;
	}
	/* a file, and not an endless one: a device or a FIFO is refused */
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode) ||
	    st.st_size > CLAIMS_MAX_FILE) {
		if (err && errlen)
			snprintf(err, errlen, "cannot read %s: %s", path,
				 S_ISDIR(st.st_mode) ? strerror(EISDIR) :
				 !S_ISREG(st.st_mode) ? "not a regular file" :
				 "larger than 1 MiB, the most a claims file may be");
		fclose(f);
		return -1;
	}
	rc = claims_parse(f, path, claims, n, err, errlen);
	fclose(f);
	return rc;
}
