/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * sem.h - what the parts of the sem workload share: sem.c (the command
 * line, the run and the JSON), sem/objects.c (the shared memory and the
 * semaphores: made, released, removed) and sem/loops.c (the counted
 * semaphore operations and the loops of each mode).
 */
#ifndef IPCSCOPE_WORKLOADS_SEM_H
#define IPCSCOPE_WORKLOADS_SEM_H

#include <semaphore.h>

#include "harness.h"

enum mode { MODE_SYSV, MODE_POSIX, MODE_RACE, MODE_PRODCONS };

/* prodcons: the three semaphores of the set */
enum { SEM_MUTEX = 0, SEM_EMPTY = 1, SEM_FULL = 2 };

/* Processes, as indexes of the ready flags. */
enum { PARENT = 0, CHILD = 1 };

struct config {
	enum mode mode;
	uint64_t count;
	uint64_t slots;
	struct run_opts run;	/* --out, --start-delay */
};

/* What one process did on the measured objects. */
struct counts {
	uint64_t semop_calls, semop_ops, semop_errors;
	uint64_t sem_wait_calls, sem_wait_errors;
	uint64_t sem_post_calls, sem_post_errors;
	uint64_t shmget_calls, shmget_errors;
	uint64_t semget_calls, semget_errors;
	uint64_t shmat_calls, shmat_errors;
	uint64_t shmdt_calls, shmdt_errors;
};

/*
 * The child's results.  They live in a MAP_SHARED|MAP_ANONYMOUS region
 * (not in the measured memory): no IPC syscall is needed to report them,
 * and they survive if the child dies.
 */
struct child_report {
	struct counts c;
	uint64_t consumed;	/* prodcons: items taken out of the ring */
	uint64_t out_of_order;	/* prodcons: items that were not the next one */
};

/* The measured memory.  sysv and race: */
struct counter_seg {
	volatile int counter;
	volatile unsigned int ready[2];
};

/* posix: */
struct posix_seg {
	sem_t sem;
	volatile int counter;
	volatile unsigned int ready[2];
};

/* prodcons: the segment is the ring itself, SLOTS ints. */

struct objects {
	int shmid, semid;	/* -1 if none */
	key_t shm_key, sem_key;
	int nsems;
	size_t shm_size;
	void *mem;		/* where the measured memory is mapped */
	struct file_id id;	/* posix: fstat() of the shm_open descriptor */
};

/* objects.c */

/* posix: the shared memory object's name, "/ipcscope-sem-PID" */
extern char g_shm_name[64];

/* The names, up front so a too long $TMPDIR is exit 2. */
void prepare_paths(const struct config *cfg);

/*
 * Creates the measured objects: the directory, the key file, the segment
 * (attached) and the semaphore set, or the POSIX object.  -1 if that
 * failed, after a message: whatever was made is left for
 * release_memory() and remove_objects().
 */
int create_objects(const struct config *cfg, struct objects *o,
		   struct counts *c);

/* Detaches or unmaps the measured memory (before it is removed). */
int release_memory(const struct config *cfg, struct objects *o,
		   struct counts *c);

/* loops.c */

/* With one usable CPU the two loops cannot run at once: do not wait for
 * it at the start. */
void check_cpus(void);

/* The child's side of the mode; returns its exit code. */
int child_run(const struct config *cfg, const struct objects *o,
	      struct child_report *r);

/* The parent's side of the mode; -1 after a message. */
int parent_run(const struct config *cfg, const struct objects *o,
	       struct counts *c, uint64_t *produced);

#endif
