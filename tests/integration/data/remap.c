// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * remap.c - page faults in memory that mremap() moved.
 *
 * Maps a SHARED anonymous region of PAGES pages and writes a byte to each
 * of its first half, then moves it with mremap() to a place of its own and
 * writes to each of its pages; then the same with a PRIVATE region. Counts
 * its own page faults around each round of writes (getrusage's minor and
 * major faults: nothing else runs meanwhile) and writes them as JSON to
 * OUT: the faults in the shared region, in the private one, and the pages.
 *
 * usage: remap PAGES OUT
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

static long faults(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru)) {
		perror("getrusage");
		exit(1);
	}
	return ru.ru_minflt + ru.ru_majflt;
}

/* The faults taken writing a byte to each of pages pages at m */
static long touch(char *m, long pages, long page)
{
	long before = faults();

	for (long i = 0; i < pages; i++)
		m[i * page] = 1;
	return faults() - before;
}

/* Map pages pages (flags), touch half of them, move them to a new place,
 * touch them all: the faults of both rounds */
static long map_move_touch(int flags, long pages, long page)
{
	size_t len = pages * page;
	char *m, *to, *moved;
	long n;

	m = mmap(NULL, len, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);
	/* a place of its own to move to (MREMAP_FIXED unmaps it first) */
	to = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED || to == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	n = touch(m, pages / 2, page);
	moved = mremap(m, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, to);
	if (moved != to) {
		perror("mremap");
		exit(1);
	}
	n += touch(moved, pages, page);
	munmap(moved, len);
	return n;
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE), pages, shared, private;
	FILE *out;

	if (argc != 3 || (pages = atol(argv[1])) <= 0) {
		fprintf(stderr, "usage: remap PAGES OUT\n");
		return 2;
	}
	shared = map_move_touch(MAP_SHARED, pages, page);
	private = map_move_touch(MAP_PRIVATE, pages, page);
	out = fopen(argv[2], "w");
	if (!out)
		return 1;
	fprintf(out, "{\"pid\": %d, \"pages\": %ld, \"shared_faults\": %ld, "
		"\"private_faults\": %ld}\n", getpid(), pages, shared, private);
	return fclose(out) ? 1 : 0;
}
