// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* fuzz_wjson.c - libFuzzer target: validate's reader of the workloads'
 * JSON (user/validate/wjson.c, json-c underneath) on any bytes, through a
 * memfd: no crash, and a refusal is one line. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "validate/wjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	char path[64], err[512];
	struct wjson *doc;
	uint64_t u;
	bool b;

	if (fd < 0)
		fd = memfd_create("fuzz_wjson", 0);
	if (fd < 0 || ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		return 0;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	err[0] = '\0';
	doc = wjson_load(path, err, sizeof(err));
	if (!doc && (!err[0] || strchr(err, '\n')))
		abort();
	wjson_u64(doc, "elapsed_ns", &u);
	wjson_u64(doc, "counter.lost_updates", &u);
	wjson_bool(doc, "in_order", &b);
	wjson_free(doc);
	return 0;
}
