// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * mapchurn.c - page faults while another thread maps and unmaps memory.
 *
 * A second thread loops mmap/touch/munmap of private memory, taking the
 * address space's lock for writing again and again. Meanwhile the main
 * thread maps SHARED regions (MAP_SHARED|MAP_ANONYMOUS), then PRIVATE
 * regions, of PAGES pages each, writes one byte to each page (one page
 * fault per page) and unmaps it. It writes what it did as JSON to OUT.
 *
 * usage: mapchurn SHARED PRIVATE PAGES OUT
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static atomic_int stop;
static long churns;

static void *churn(void *arg)
{
	long page = sysconf(_SC_PAGESIZE);

	(void)arg;
	while (!atomic_load(&stop)) {
		char *p = mmap(NULL, 16 * page, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return NULL;
		p[0] = 1;
		munmap(p, 16 * page);
		churns++;
	}
	return NULL;
}

/* Map, touch and unmap rounds regions of pages pages: the pages touched */
static long touch(int flags, long rounds, long pages)
{
	long page = sysconf(_SC_PAGESIZE), touched = 0;

	for (long r = 0; r < rounds; r++) {
		char *m = mmap(NULL, pages * page, PROT_READ | PROT_WRITE,
			       flags | MAP_ANONYMOUS, -1, 0);

		if (m == MAP_FAILED) {
			perror("mmap");
			exit(1);
		}
		for (long i = 0; i < pages; i++, touched++)
			m[i * page] = 1;
		munmap(m, pages * page);
	}
	return touched;
}

int main(int argc, char **argv)
{
	long shared, private;
	pthread_t t;
	FILE *out;

	if (argc != 5) {
		fprintf(stderr, "usage: mapchurn SHARED PRIVATE PAGES OUT\n");
		return 2;
	}
	if (pthread_create(&t, NULL, churn, NULL))
		return 1;
	usleep(10000);
	shared = touch(MAP_SHARED, atol(argv[1]), atol(argv[3]));
	private = touch(MAP_PRIVATE, atol(argv[2]), atol(argv[3]));
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	out = fopen(argv[4], "w");
	if (!out)
		return 1;
	fprintf(out, "{\"pid\": %d, \"shared_pages\": %ld, \"private_pages\": %ld, "
		"\"churns\": %ld}\n", getpid(), shared, private, churns);
	return fclose(out) ? 1 : 0;
}
