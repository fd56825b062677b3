/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * shm.h - what the parts of the shm workload share: shm.c (the command
 * line, the run and the JSON) and shm/region.c (the measured region:
 * made, found in /proc/self/maps, removed).
 */
#ifndef IPCSCOPE_WORKLOADS_SHM_H
#define IPCSCOPE_WORKLOADS_SHM_H

#include "harness.h"

#define MEMFD_NAME	"ipcscope-shm"

enum api { API_SYSV, API_POSIX, API_MEMFD, API_ANON };

struct config {
	enum api api;
	uint64_t size;
	int warm;		/* --warm: both touch every page before the timing */
	int sem;		/* --sync sem: the hand-off through a POSIX semaphore */
	struct run_opts run;	/* --out, --start-delay */
	size_t page_size;
};

/* Where the measured region came from, for the JSON. */
struct segment {
	int shmid;		/* sysv, else -1 */
	key_t key;		/* sysv */
	char name[64];		/* "" for anon */
	int have_stat;		/* posix, memfd: fstat() of the fd */
	struct file_id id;
	int have_maps;		/* found in /proc/self/maps */
	uint64_t maps_ino;
	unsigned int maps_major, maps_minor;
	char maps_path[PATH_MAX + 32];
	uint64_t control_maps_ino;
	int have_control_maps;
};

/* The names, up front so errors are exit 2. */
void prepare_names(const struct config *cfg);

/*
 * Creates the region: *base is its mapping (or attachment), *fd the file
 * behind it (posix, memfd).  On failure whatever was made is left for
 * cleanup_region().
 */
int create_region(const struct config *cfg, struct segment *seg,
		  void **base, int *fd);

/* Unmap, close, then remove the names; -1 if a call failed. */
int cleanup_region(const struct config *cfg, void *base, int fd);

/* The inode, device and path of the mapping at addr in /proc/self/maps. */
int find_maps(const void *addr, uint64_t *ino, unsigned int *maj,
	      unsigned int *min, char *path, size_t path_size);

#endif
