// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* See utf8.h. */
#include "utf8.h"

size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char c, lo = 0x80, hi = 0xbf;
	size_t want;

	if (!n)
		return 0;
	c = s[0];
	if (c >= 0xc2 && c <= 0xdf)
		want = 2;
	else if (c >= 0xe0 && c <= 0xef)
		want = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		want = 4;
	else
		return 0;	/* ASCII, a continuation byte, or never valid */
	if (want > n)
		return 0;
	/* only the second byte has a narrowed range, set by the lead */
	if (c == 0xe0)
		lo = 0xa0;	/* overlong */
	else if (c == 0xed)
		hi = 0x9f;	/* UTF-16 surrogates */
	else if (c == 0xf0)
		lo = 0x90;	/* overlong */
	else if (c == 0xf4)
		hi = 0x8f;	/* above U+10FFFF */
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < want; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return want;
}

size_t utf8_printable_len(const unsigned char *s, size_t n)
{
	size_t k = utf8_seq_len(s, n);

	return k == 2 && s[0] == 0xc2 && s[1] < 0xa0 ? 0 : k;
}

size_t utf8_error(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t k = s[i] < 0x80 ? 1 : utf8_seq_len(s + i, len - i);

		if (!k)
			return i + 1;
		i += k;
	}
	return 0;
}
