// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * btfheap.c - the heap grown, its pages made at once, before libbpf
 * parses the kernel's BTF. Its own file: bench/empty links it too.
 */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "btfheap.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23	/* Linux 5.14+ */
#endif

/*
 * libbpf parses the kernel's BTF (5.4 MB on 6.18) into fresh memory: it
 * reads the file into one buffer and copies it into another, about 11 MB
 * touched for the first time, 4 KiB page by page (ipcscope's own parse,
 * from a mapping of the file, copies it once: 6 MB). Where a page fault is
 * dear (on an earlier VM of ours, faulting them in was 35-45 ms of a 50 ms
 * parse), the heap grows first by that much and has its pages made at
 * once, by one madvise(MADV_POPULATE_WRITE), and glibc is told to keep
 * allocations of that size in the heap (not a mmap each) and not to hand
 * the freed space back: libbpf's buffers, and whatever else comes, take it.
 *
 * Not transparent huge pages, as from 7b13609 until 2026-12-06: fewer
 * faults, but on the VM of that day the kernel zeroing each fresh 2 MiB
 * page cost more than the faults saved (start-up 0.108 s against 0.088 s,
 * median of 9 each, side by side), peak RSS was 1.8 MB higher, and where
 * THP's defrag setting is "madvise" (Debian's default) a huge page fault
 * may compact memory first: a stall a profiler must not bring to a busy
 * machine.
 *
 * On any failure nothing is lost but the time: returns 0, or -errno when
 * the kernel would not populate (before 5.14).
 */
int heap_for_kernel_btf(unsigned copies)
{
	long psz = sysconf(_SC_PAGESIZE);
	uintptr_t page = psz > 0 ? (uintptr_t)psz : 4096;
	struct stat st;
	uintptr_t from, to;
	size_t want;
	int err = 0;
	char *p;

	if (stat("/sys/kernel/btf/vmlinux", &st) || st.st_size <= 0)
		return 0;
	/* the file's copies, the index of the types */
	want = copies * (size_t)st.st_size + (size_t)st.st_size / 4;
	/* glibc's ceiling for the threshold: 32 MiB on 64-bit */
	if (want + (2u << 20) > (32u << 20))
		return 0;
	if (!mallopt(M_MMAP_THRESHOLD, want + (2u << 20)) ||
	    !mallopt(M_TRIM_THRESHOLD, 2 * want))
		return 0;
	p = malloc(want);
	if (!p)
		return 0;
	from = ((uintptr_t)p + page - 1) & ~(page - 1);
	to = ((uintptr_t)p + want) & ~(page - 1);
	if (to > from && madvise((void *)from, to - from, MADV_POPULATE_WRITE))
		err = -errno;
	free(p);	/* back to the heap's top, kept there (M_TRIM_THRESHOLD) */
	return err;
}
