/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * claims.h - claims about IPC mechanisms, read from a data file
 * (claims/NAME.claims, format in docs/claims-format.md), for `ipcscope
 * validate` to check by measurement.
 *
 * The claims live in data rather than code so that a document can be
 * transcribed, reviewed and corrected without touching C. Pure: no I/O but
 * reading the given FILE, so unit tests cover all of it.
 */
#ifndef CLAIMS_H
#define CLAIMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Lines longer than this many bytes (without the line ending) are an
 * error: the fields' own limits make a longer valid line impossible. */
#define CLAIMS_MAX_LINE 4095
#define CLAIMS_MAX_FILE (1 << 20)	/* bytes: a claims file is text */
/* At most this many numbers after one_of and mechanisms in an order. */
#define CLAIMS_MAX_LIST 8

/* What the claimed value of a metric is. */
enum claim_type { CLAIM_NUMBER, CLAIM_BOOL, CLAIM_RANKING };

/* How the measurement is compared with the claimed value. */
enum claim_cmp {
	CMP_EQ, CMP_LE, CMP_GE, CMP_LT, CMP_GT,	/* numbers */
	CMP_APPROX,				/* numbers, needs a tolerance */
	CMP_ONE_OF,				/* numbers: equals one in list */
	CMP_IS,					/* booleans */
	CMP_ORDER,				/* rankings */
};

/*
 * One claim, one line of the file. Strings are NUL-terminated; a field too
 * long for its array is a parse error, never truncated. Only the members of
 * the claim's type are set, the others are zero.
 */
struct claim {
	char id[32];		/* [a-z0-9-]+, unique in its file */
	char where[128];	/* where the document says it, e.g. "§3 性能对比 表" */
	char mechanism[8];	/* pipe fifo msgq shm sem signal unix tcp udp all */
	char metric[40];	/* e.g. "copies_per_byte" */
	enum claim_type type;	/* the metric's */
	enum claim_cmp cmp;
	double number;		/* CLAIM_NUMBER, except with one_of */
	bool boolean;		/* CLAIM_BOOL */
	double list[CLAIMS_MAX_LIST]; /* one_of: the numbers, in file order */
	int nlist;
	char order[CLAIMS_MAX_LIST][8]; /* CLAIM_RANKING: fastest first */
	int norder;
	double tolerance;	/* as written: 50 for "50%", 0.2 for "0.2" */
	bool tolerance_relative; /* written with '%': percent of the claimed value */
	bool has_tolerance;	/* false for "-" */
	char text[512];		/* the claim in the document's words */
	int line;		/* 1-based line in the file */
};

/*
 * Parse a whole claims file; name is what error messages call it. 0 on
 * success: *claims is a malloc'd array of *n claims in file order (the
 * caller frees it). -1 on the first error: *claims and *n untouched and err
 * holds one line, "NAME:LINE: what is wrong" (without a newline). A file
 * with no claims, only comments and blank lines, is an error too: a
 * validation that checks nothing must not pass.
 */
int claims_parse(FILE *f, const char *name, struct claim **claims, size_t *n,
		 char *err, size_t errlen);

/* claims_parse() on the file at path; "cannot read PATH: strerror" if it
 * cannot be opened or read. */
int claims_load(const char *path, struct claim **claims, size_t *n,
		char *err, size_t errlen);

/* "eq", "le", ..., "order"; "?" for a value out of range. */
/* The i-th metric a claim may name, from 0; NULL past the last */
const char *claims_metric_name(size_t i);
const char *claim_cmp_name(enum claim_cmp cmp);

/*
 * Does a measured number satisfy a number claim? With a tolerance t (in
 * absolute terms: the number, or that percent of the claimed value c):
 *   eq, approx  |m - c| <= t        le  m <= c + t    lt  m < c + t
 *                                   ge  m >= c - t    gt  m > c - t
 * Without one, the plain comparison (eq is exact). one_of: m equals one of
 * the listed numbers exactly. The inclusive bounds get a slack of 1e-9 of
 * t, the strict ones lose it, so a measurement exactly on a decimal bound
 * ("0.45" for "0.3 approx 50%") lands on the side the claim says despite
 * binary rounding. False for a NaN measurement and for claims that are not
 * CLAIM_NUMBER.
 */
bool claim_holds_number(const struct claim *c, double measured);

#endif /* CLAIMS_H */
