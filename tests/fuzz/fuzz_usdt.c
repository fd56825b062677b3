// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* fuzz_usdt.c - libFuzzer target: the reader of a binary's USDT probe notes
 * (user/usdt.c, libelf underneath), which --usdt-binary hands any file, on
 * any bytes through a memfd: no crash, and a refusal is one line. Seeds:
 * a small ELF file with two probes (tests/fuzz/corpus/usdt). */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "usdt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	struct usdt_site sites[8];
	char path[64], err[512];
	int n;

	if (fd < 0)
		fd = memfd_create("fuzz_usdt", 0);
	if (fd < 0 || ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		return 0;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	err[0] = '\0';
	n = usdt_find(path, "ipcscope", "transfer_start", sites, 8, err, sizeof(err));
	if (n < 0 && (!err[0] || strchr(err, '\n')))
		abort();
	for (int i = 0; i < n; i++)
		if (!sites[i].offset)
			abort();	/* a site is always somewhere in the file */
	return 0;
}
