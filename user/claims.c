// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * claims.c - the strict parser of claims (docs/claims-format.md), one
 * line at a time; claims_file.c reads the file, claim_number.c compares a
 * measured number with a claim.
 *
 * Strict because a typo in a claims file must not quietly turn into a
 * claim that checks something else, or nothing: every field is validated,
 * nothing is truncated, and the first problem stops the parse with one
 * line naming the file and line.
 */
#define _GNU_SOURCE		/* strtod_l, newlocale */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claims.h"
#include "claims_int.h"
#include "util.h"

#define NFIELDS 8

static const char *const mechanisms[] = {
	"pipe", "fifo", "msgq", "shm", "sem", "signal", "unix", "tcp", "udp",
	"all",
};
#define MECHANISM_LIST "pipe, fifo, msgq, shm, sem, signal, unix, tcp, udp, all"
/* "all" stands for the whole set in a ranking, it cannot be ranked itself */
#define RANKABLE_LIST "pipe, fifo, msgq, shm, sem, signal, unix, tcp, udp"

struct metric_def {
	const char *name;
	enum claim_type type;
};

/* What ipcscope validate can measure. Numbers are per 1 MiB moved where the
 * name says 1mb; docs/claims-format.md says what each one is. */
static const struct metric_def metrics[] = {
	{ "time_1mb_ms",		 CLAIM_NUMBER },
	{ "copies_per_byte",		 CLAIM_NUMBER },
	{ "syscalls_1mb",		 CLAIM_NUMBER },
	{ "mode_switches_1mb",		 CLAIM_NUMBER },
	{ "context_switches_1mb",	 CLAIM_NUMBER },
	{ "page_faults_1mb",		 CLAIM_NUMBER },
	{ "pipe_capacity_bytes",	 CLAIM_NUMBER },
	{ "lost_updates_unsynchronised", CLAIM_NUMBER },
	{ "lost_updates_with_semaphore", CLAIM_NUMBER },
	{ "signals_lost",		 CLAIM_NUMBER },
	{ "bytes_carried",		 CLAIM_NUMBER },
	{ "writer_blocks_when_full",	 CLAIM_BOOL },
	{ "keeps_message_boundaries",	 CLAIM_BOOL },
	{ "selective_receive_by_type",	 CLAIM_BOOL },
	{ "one_way",			 CLAIM_BOOL },
	{ "rank_time_1mb",		 CLAIM_RANKING },
};
const char *claims_metric_name(size_t i)
{
	return i < ARRAY_SIZE(metrics) ? metrics[i].name : NULL;
}

/* "time_1mb_ms, copies_per_byte, ..." from the table, for an error */
static const char *metric_list(void)
{
	static char list[512];
	size_t used = 0;

	for (size_t i = 0; i < ARRAY_SIZE(metrics) && used < sizeof(list); i++)
		used += snprintf(list + used, sizeof(list) - used, "%s%s",
				 i ? ", " : "", metrics[i].name);
	return list;
}

/* Indexed by enum claim_cmp. */
static const char *const cmp_names[] = {
	"eq", "le", "ge", "lt", "gt", "approx", "one_of", "is", "order",
};
#define CMP_LIST "eq, le, ge, lt, gt, approx, one_of, is, order"

/* Field names as error messages call them, by position. */
static const char *const field_names[NFIELDS] = {
	"id", "where", "mechanism", "metric", "comparison", "claimed value",
	"tolerance (write '-' for none)", "text",
};

/* Error messages quote what was found; a runaway field would make the
 * one-line message unreadable, so quotes stop after this many bytes. */
#define QUOTE_MAX 48

const char *claim_cmp_name(enum claim_cmp cmp)
{
	if ((unsigned)cmp >= sizeof(cmp_names) / sizeof(cmp_names[0]))
		return "?";
	return cmp_names[cmp];
}

int claims_fail(const struct ctx *x, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!x->err || !x->errlen)
		return -1;
	n = snprintf(x->err, x->errlen, "%s:%d: ", x->name, x->line);
	if (n < 0 || (size_t)n >= x->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(x->err + n, x->errlen - n, fmt, ap);
	va_end(ap);
	return -1;
}

/* A quotable copy of s: at most QUOTE_MAX bytes, cut before a UTF-8
 * continuation byte so the message stays valid UTF-8, then "...". */
static const char *clip(char buf[QUOTE_MAX + 4], const char *s)
{
	size_t len = strlen(s);

	if (len <= QUOTE_MAX)
		return s;
	len = QUOTE_MAX;
	while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
		len--;
	memcpy(buf, s, len);
	memcpy(buf + len, "...", 4);
	return buf;
}

bool claims_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Trim spaces and tabs at both ends, in place. */
static char *trim(char *s)
{
	size_t len;

	while (claims_is_blank(*s))
		s++;
	len = strlen(s);
	while (len > 0 && claims_is_blank(s[len - 1]))
		s[--len] = '\0';
	return s;
}

/* strtod follows LC_NUMERIC, and a program may have called setlocale():
 * a claims file must read the same everywhere, so numbers are read in the
 * C locale. Made once and kept (reachable, so not a leak). */
static locale_t c_numeric_locale(void)
{
	static locale_t loc;

	if (!loc)
		loc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	return loc;
}

/*
 * A number as the format allows it: digits, optionally '.' and more
 * digits. No sign (every metric counts or times something, so none is
 * negative), no exponent, no hex, no inf/nan, which strtod alone would all
 * accept. Too many digits to be finite (or nonzero) is refused too.
 */
static bool parse_number(const char *s, double *out)
{
	const char *p = s;
	locale_t loc;
	char *end;
	double v;

	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p)
		return false;
	loc = c_numeric_locale();
	if (!loc)
		return false;
	errno = 0;
	v = strtod_l(s, &end, loc);
	if (errno || *end || !isfinite(v))
		return false;
	*out = v;
	return true;
}

static int find_mechanism(const char *s)
{
	for (size_t i = 0; i < sizeof(mechanisms) / sizeof(mechanisms[0]); i++)
		if (strcmp(s, mechanisms[i]) == 0)
			return (int)i;
	return -1;
}

static const struct metric_def *find_metric(const char *s)
{
	for (size_t i = 0; i < sizeof(metrics) / sizeof(metrics[0]); i++)
		if (strcmp(s, metrics[i].name) == 0)
			return &metrics[i];
	return NULL;
}

static bool cmp_allowed(enum claim_type type, enum claim_cmp cmp)
{
	switch (type) {
	case CLAIM_NUMBER:
		return cmp <= CMP_ONE_OF;
	case CLAIM_BOOL:
		return cmp == CMP_IS;
	case CLAIM_RANKING:
		return cmp == CMP_ORDER;
	}
	return false;
}

static const char *type_phrase(enum claim_type type)
{
	switch (type) {
	case CLAIM_NUMBER:
		return "a number (use eq, le, ge, lt, gt, approx or one_of)";
	case CLAIM_BOOL:
		return "true or false (use is)";
	case CLAIM_RANKING:
		return "a ranking (use order)";
	}
	return "?";
}

static int parse_id(const struct ctx *x, const char *s, struct claim *c,
		    const struct claim *prev, size_t nprev)
{
	char q[QUOTE_MAX + 4];
	size_t len = strlen(s);

	if (len >= sizeof(c->id))
		return claims_fail(x, "id '%s' is too long (%zu bytes, at most %zu)",
			    clip(q, s), len, sizeof(c->id) - 1);
	for (const char *p = s; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '-'))
			return claims_fail(x, "invalid id '%s' (use a-z, 0-9 and '-')",
				    s);
	}
	for (size_t i = 0; i < nprev; i++) {
		if (strcmp(prev[i].id, s) == 0)
			return claims_fail(x, "duplicate id '%s' (first on line %d)",
				    s, prev[i].line);
	}
	memcpy(c->id, s, len + 1);
	return 0;
}

/* Free text with a size limit: too long is an error, never truncated. */
static int copy_text(const struct ctx *x, const char *what, const char *s,
		     char *dst, size_t size)
{
	size_t len = strlen(s);

	if (len >= size)
		return claims_fail(x, "%s is too long (%zu bytes, at most %zu)", what,
			    len, size - 1);
	memcpy(dst, s, len + 1);
	return 0;
}

/* one_of: 1..8 numbers separated by ','. */
static int parse_list(const struct ctx *x, char *s, struct claim *c)
{
	char q[QUOTE_MAX + 4];
	int n = 1;

	for (const char *p = s; *p; p++)
		n += *p == ',';
	if (n > CLAIMS_MAX_LIST)
		return claims_fail(x, "one_of takes 1 to %d numbers separated by ',', found %d",
			    CLAIMS_MAX_LIST, n);
	for (int i = 0; i < n; i++) {
		char *comma = strchr(s, ',');
		char *item;
		double v;

		if (comma)
			*comma = '\0';
		item = trim(s);
		if (!parse_number(item, &v))
			return claims_fail(x, "metric '%s' takes a number, not '%s' (item %d of the one_of list)",
				    c->metric, clip(q, item), i + 1);
		for (int k = 0; k < i; k++) {
			/* A repeat is harmless to the check but shows the
			 * line was not written as meant. */
			if (c->list[k] == v)
				return claims_fail(x, "number '%s' appears twice in the one_of list",
					    item);
		}
		c->list[i] = v;
		if (comma)
			s = comma + 1;
	}
	c->nlist = n;
	return 0;
}

/* order: 2..8 distinct rankable mechanisms joined by '<', fastest first. */
static int parse_order(const struct ctx *x, char *s, struct claim *c)
{
	char q[QUOTE_MAX + 4];
	int n = 1;

	for (const char *p = s; *p; p++)
		n += *p == '<';
	if (n < 2 || n > CLAIMS_MAX_LIST)
		return claims_fail(x, "order takes 2 to %d mechanisms joined by '<', found %d",
			    CLAIMS_MAX_LIST, n);
	for (int i = 0; i < n; i++) {
		char *lt = strchr(s, '<');
		char *item;
		int m;

		if (lt)
			*lt = '\0';
		item = trim(s);
		m = find_mechanism(item);
		if (m < 0 || strcmp(item, "all") == 0)
			return claims_fail(x, "unknown mechanism '%s' in the order (expected " RANKABLE_LIST ")",
				    clip(q, item));
		for (int k = 0; k < i; k++) {
			if (strcmp(c->order[k], item) == 0)
				return claims_fail(x, "mechanism '%s' appears twice in the order",
					    item);
		}
		/* fits: every mechanism name is shorter than order[i] */
		strcpy(c->order[i], item);
		if (lt)
			s = lt + 1;
	}
	c->norder = n;
	return 0;
}

static int parse_claimed(const struct ctx *x, char *s, struct claim *c)
{
	char q[QUOTE_MAX + 4];

	switch (c->cmp) {
	case CMP_ONE_OF:
		return parse_list(x, s, c);
	case CMP_ORDER:
		return parse_order(x, s, c);
	case CMP_IS:
		if (strcmp(s, "true") == 0)
			c->boolean = true;
		else if (strcmp(s, "false") == 0)
			c->boolean = false;
		else
			return claims_fail(x, "metric '%s' takes true or false, not '%s'",
				    c->metric, clip(q, s));
		return 0;
	default:
		if (!parse_number(s, &c->number))
			return claims_fail(x, "metric '%s' takes a number, not '%s'",
				    c->metric, clip(q, s));
		return 0;
	}
}

static int parse_tolerance(const struct ctx *x, char *s, struct claim *c)
{
	char q[QUOTE_MAX + 4];
	size_t len = strlen(s);
	bool none = strcmp(s, "-") == 0;

	if (c->cmp == CMP_APPROX && none)
		return claims_fail(x, "comparison 'approx' needs a tolerance (a number, or a percentage like 50%%), not '-'");
	if (none)
		return 0;
	if (c->cmp == CMP_ONE_OF || c->cmp == CMP_IS || c->cmp == CMP_ORDER)
		return claims_fail(x, "comparison '%s' takes no tolerance: write '-', not '%s'",
			    claim_cmp_name(c->cmp), clip(q, s));
	if (len > 1 && s[len - 1] == '%') {
		s[len - 1] = '\0';
		c->tolerance_relative = true;
	}
	if (!parse_number(s, &c->tolerance)) {
		if (c->tolerance_relative)
			s[len - 1] = '%';	/* quote it as written */
		return claims_fail(x, "invalid tolerance '%s' (expected '-', a number, or a number followed by '%%')",
			    clip(q, s));
	}
	c->has_tolerance = true;
	return 0;
}

/* One claim line (claims_int.h) */
int claims_parse_line(const struct ctx *x, char *line, struct claim *c,
		      const struct claim *prev, size_t nprev)
{
	char q[QUOTE_MAX + 4];
	char *field[NFIELDS];
	const struct metric_def *md;
	int bars = 0, cmp = -1;

	for (const char *p = line; *p; p++)
		bars += *p == '|';
	if (bars < NFIELDS - 1)
		return claims_fail(x, "expected %d fields separated by '|', found %d",
			    NFIELDS, bars + 1);
	/* Only the first 7 bars separate: the text may contain '|'. */
	for (int i = 0; i < NFIELDS - 1; i++) {
		char *bar = strchr(line, '|');

		*bar = '\0';
		field[i] = line;
		line = bar + 1;
	}
	field[NFIELDS - 1] = line;
	for (int i = 0; i < NFIELDS; i++) {
		field[i] = trim(field[i]);
		if (!*field[i])
			return claims_fail(x, "empty %s", field_names[i]);
	}

	memset(c, 0, sizeof(*c));
	c->line = x->line;
	if (parse_id(x, field[0], c, prev, nprev) ||
	    copy_text(x, "where", field[1], c->where, sizeof(c->where)))
		return -1;

	if (find_mechanism(field[2]) < 0)
		return claims_fail(x, "unknown mechanism '%s' (expected " MECHANISM_LIST ")",
			    clip(q, field[2]));
	strcpy(c->mechanism, field[2]);	/* fits: it is one of the names */

	md = find_metric(field[3]);
	if (!md)
		return claims_fail(x, "unknown metric '%s' (expected %s)",
			    clip(q, field[3]), metric_list());
	strcpy(c->metric, md->name);
	c->type = md->type;
	/* A ranking names its mechanisms in the claimed value, so its own
	 * mechanism is the set; anything else is about one mechanism. */
	if (c->type == CLAIM_RANKING && strcmp(c->mechanism, "all") != 0)
		return claims_fail(x, "metric '%s' ranks mechanisms: its mechanism must be 'all', not '%s'",
			    c->metric, c->mechanism);
	if (c->type != CLAIM_RANKING && strcmp(c->mechanism, "all") == 0)
		return claims_fail(x, "mechanism 'all' is only for rankings: metric '%s' needs one mechanism",
			    c->metric);

	for (size_t i = 0; i < sizeof(cmp_names) / sizeof(cmp_names[0]); i++)
		if (strcmp(field[4], cmp_names[i]) == 0)
			cmp = (int)i;
	if (cmp < 0)
		return claims_fail(x, "unknown comparison '%s' (expected " CMP_LIST ")",
			    clip(q, field[4]));
	c->cmp = (enum claim_cmp)cmp;
	if (!cmp_allowed(c->type, c->cmp))
		return claims_fail(x, "comparison '%s' does not apply to metric '%s', which takes %s",
			    field[4], c->metric, type_phrase(c->type));

	if (parse_claimed(x, field[5], c) || parse_tolerance(x, field[6], c))
		return -1;
	return copy_text(x, "text", field[7], c->text, sizeof(c->text));
}
