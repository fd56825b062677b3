/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * claims_int.h - what the claims parser (claims.c) and the file reader
 * (claims_file.c) share.
 */
#ifndef CLAIMS_INT_H
#define CLAIMS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include "claims.h"

/* Where a parse is, for its error message */
struct ctx {
	const char *name;
	int line;
	char *err;
	size_t errlen;
};

/* "NAME:LINE: message" into x's buffer; always returns -1, so that a
 * caller can return claims_fail(). */
int claims_fail(const struct ctx *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A space or a tab */
bool claims_is_blank(char c);
/*
 * One claim line into c, already checked for length, bytes and UTF-8 and
 * known not to be blank or a comment; prev[0..nprev) are the claims
 * before it (an id must not repeat). -1 with x's error if it is wrong.
 */
int claims_parse_line(const struct ctx *x, char *line, struct claim *c,
		      const struct claim *prev, size_t nprev);

#endif /* CLAIMS_INT_H */
