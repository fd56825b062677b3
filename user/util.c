// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* util.c - strict number parsing and error output. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "util.h"
#include "utf8.h"

bool verbose;

void errorf(const char *fmt, ...)
{
	va_list ap;

	fputs("ipcscope: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void debugf(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int parse_seconds(const char *s, double max, double *out)
{
	int digits = 0, dots = 0;
	double v;
	char *end;

	/* plain decimal only: strtod alone would take "0x1p3", "inf", "1e3" */
	for (const char *p = s; p && *p; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (*p == '.')
			dots++;
		else
			return -1;
	}
	if (!digits || dots > 1)
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v <= 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

void fmt_ns(char *buf, size_t len, double ns)
{
	if (ns < 999.5)
		snprintf(buf, len, "%.0f ns", ns);
	else if (ns < 999950)
		snprintf(buf, len, "%.1f us", ns / 1e3);
	else if (ns < 999995000)
		snprintf(buf, len, "%.2f ms", ns / 1e6);
	else
		snprintf(buf, len, "%.2f s", ns / 1e9);
}

void fmt_bytes(char *buf, size_t len, uint64_t bytes)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)bytes;
	size_t u = 0;

	if (bytes < 1024) {
		snprintf(buf, len, "%llu B", (unsigned long long)bytes);
		return;
	}
	v /= 1024;
	/* 1023.96 KiB would print as "1024.0 KiB": it is "1.0 MiB" */
	while (v >= 1023.95 && u + 1 < ARRAY_SIZE(units)) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%.1f %s", v, units[u]);
}

uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

uint64_t boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

void *grow_rows(void **rows, size_t *n, size_t size)
{
	void *p;

	/* full when the count is 0 or a power of two: a shrunk array's
	   capacity is still at least the next power of two */
	if ((*n & (*n - 1)) == 0) {
		p = realloc(*rows, (*n ? *n * 2 : 1) * size);
		if (!p)
			return NULL;
		*rows = p;
	}
	p = (char *)*rows + *n * size;
	memset(p, 0, size);
	(*n)++;
	return p;
}

void text_clean(char *dst, size_t len, const char *src, size_t srclen)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, j = 0, n = 0;

	if (!len)
		return;
	while (n < srclen && s[n])
		n++;
	while (i < n && j + 1 < len) {
		size_t k = s[i] >= 0x80 ? utf8_printable_len(s + i, n - i) : 0;

		if (k) {
			if (j + k >= len)
				break;	/* not half a character */
			memmove(dst + j, s + i, k);
			i += k;
			j += k;
			continue;
		}
		dst[j++] = s[i] >= 0x20 && s[i] < 0x7f ? (char)s[i] : '?';
		i++;
	}
	dst[j] = '\0';
}

void text_clean_inplace(char *s, size_t len)
{
	/* never longer than its source: '?' replaces one byte with one */
	text_clean(s, len, s, len);
}
