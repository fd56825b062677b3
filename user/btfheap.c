// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * btfheap.c - the heap grown, in huge pages, before libbpf parses the
 * kernel's BTF. Its own file: bench/empty links it too.
 */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "btfheap.h"

/*
 * libbpf parses the kernel's BTF (5.4 MB on 6.18) into fresh memory: it
 * reads the file into one buffer and copies it into another, about 11 MB
 * touched for the first time, 4 KiB page by page. Where faulting a page
 * in is dear (in a VM: 35-45 ms of the 50 ms parse here, against 2-5 ms
 * in 2 MiB pages), the heap grows first by that much, in transparent huge
 * pages where the kernel offers them (madvise mode or always), and glibc
 * is told to keep allocations of that size in the heap (not a mmap each)
 * and not to hand the freed space back: libbpf's buffers, and whatever
 * else comes, take it. Pages are still touched only when used. On any
 * failure nothing is lost but the time: returns 0, or -errno when the
 * kernel gave no huge pages (the heap is grown all the same).
 */
int heap_for_kernel_btf(void)
{
	const size_t huge = 2u << 20;
	struct stat st;
	uintptr_t from, to;
	size_t want;
	int err = 0;
	char *p;

	if (stat("/sys/kernel/btf/vmlinux", &st) || st.st_size <= 0)
		return 0;
	/* the file, its copy, libbpf's index of the types, and room to
	   align the huge pages */
	want = 2 * (size_t)st.st_size + (size_t)st.st_size / 4 + 2 * huge;
	/* glibc's ceiling for the threshold: 32 MiB on 64-bit */
	if (want + huge > (32u << 20))
		return 0;
	if (!mallopt(M_MMAP_THRESHOLD, want + huge) ||
	    !mallopt(M_TRIM_THRESHOLD, 2 * want))
		return 0;
	p = malloc(want);
	if (!p)
		return 0;
	from = ((uintptr_t)p + huge - 1) & ~(uintptr_t)(huge - 1);
	to = ((uintptr_t)p + want) & ~(uintptr_t)(huge - 1);
	if (to > from && madvise((void *)from, to - from, MADV_HUGEPAGE))
		err = -errno;
	free(p);	/* back to the heap's top, kept there (M_TRIM_THRESHOLD) */
	return err;
}
