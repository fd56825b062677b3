/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * usdt.h - where a USDT probe sits in an ELF file (usdt.c), for a uprobe.
 */
#ifndef USDT_H
#define USDT_H

#include <stddef.h>
#include <stdint.h>

struct usdt_site {
	uint64_t offset;	/* of the probe's instruction in the file */
	uint64_t semaphore;	/* of its semaphore in the file; 0: none */
};

/*
 * The sites of provider:name in the ELF file path, up to max into sites.
 * Returns how many (at least 1), or a negative errno with err saying why
 * in one line (no such file or probe, not ELF, more than max sites).
 */
int usdt_find(const char *path, const char *provider, const char *name,
	      struct usdt_site *sites, size_t max, char *err, size_t errlen);

#endif /* USDT_H */
