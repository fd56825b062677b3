// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* fuzz_options.c - libFuzzer target: the tracing commands' options
 * (user/options.c) on any argument vector (the input, split at NUL
 * bytes, for record, top and trace). No crash; a refusal is one line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "options.h"

#define MAX_ARGS 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum tracing_cmd cmds[] = { CMD_RECORD, CMD_TOP, CMD_TRACE, CMD_EXPORT };
	static const char *const names[] = { "record", "top", "trace", "export" };
	char *copy = malloc(size + 1), *argv[MAX_ARGS + 2];
	struct record_opts o;
	char err[256];
	int argc = 1;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (char *p = copy; argc <= MAX_ARGS && p < copy + size; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	for (size_t c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++) {
		char *args[MAX_ARGS + 2];

		/* getopt permutes: each command parses its own copy */
		memcpy(args, argv, sizeof(args));
		args[0] = (char *)names[c];
		err[0] = '\0';
		if (record_opts_parse(&o, cmds[c], argc, args, err, sizeof(err)) == PARSE_ERROR &&
		    (!err[0] || strchr(err, '\n')))
			abort();
	}
	free(copy);
	return 0;
}
