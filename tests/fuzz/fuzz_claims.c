// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* fuzz_claims.c - libFuzzer target: the claims parser (user/claims.c) on
 * any bytes. It must not crash, and a refusal must be one line of valid
 * UTF-8 with no control character but tabs: it quotes what it read, and a claims
 * file may come from anyone. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claims.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *f = fmemopen((void *)data, size, "r");
	struct claim *claims = NULL;
	char err[512];
	size_t n = 0;

	if (!f)
		return 0;
	err[0] = '\0';
	if (claims_parse(f, "fuzz", &claims, &n, err, sizeof(err))) {
		size_t len = strlen(err);

		if (!len || utf8_error((const unsigned char *)err, len))
			abort();
		for (size_t i = 0; i < len; i++)
			if (((unsigned char)err[i] < 0x20 && err[i] != '\t') || err[i] == 0x7f)
				abort();
	}
	free(claims);
	fclose(f);
	return 0;
}
