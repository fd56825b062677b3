// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* fuzz_text.c - libFuzzer target: every way a name from the traced system
 * reaches an output. text_clean (text outputs) must give valid UTF-8 with
 * no C0, DEL or C1 control; the JSON writer valid UTF-8 with every control
 * escaped; the DOT escape the same; none may overrun. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "graph.h"
#include "json.h"
#include "utf8.h"
#include "util.h"

static void check_clean(const unsigned char *s, size_t len)
{
	if (utf8_error(s, len))
		abort();
	for (size_t i = 0; i < len; i++) {
		if (s[i] < 0x20 || s[i] == 0x7f)
			abort();
		if (s[i] == 0xc2 && i + 1 < len && s[i + 1] < 0xa0)
			abort();	/* a C1 control */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *str = malloc(size + 1), out[64], *buf = NULL;
	size_t blen = 0;
	struct json_writer *jw;
	FILE *f;

	if (!str)
		return 0;
	memcpy(str, data, size);
	str[size] = '\0';
	/* a small destination too: never half a character, always ended */
	text_clean(out, sizeof(out), str, size);
	check_clean((const unsigned char *)out, strlen(out));
	text_clean(out, 5, str, size);
	check_clean((const unsigned char *)out, strlen(out));
	f = open_memstream(&buf, &blen);
	if (f) {
		jw = jw_new(f, false);
		if (jw) {
			jw_string(jw, str);
			jw_free(jw);
		}
		fclose(f);
		if (utf8_error((const unsigned char *)buf, blen))
			abort();
		for (size_t i = 0; i < blen; i++)
			if ((unsigned char)buf[i] < 0x20)
				abort();
		free(buf);
	}
	buf = NULL;
	f = open_memstream(&buf, &blen);
	if (f) {
		graph_dot_escape(f, str);
		fclose(f);
		check_clean((const unsigned char *)buf, blen);
		free(buf);
	}
	free(str);
	return 0;
}
