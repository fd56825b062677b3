// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * loops.c - the sem workload's counted semaphore operations (semop,
 * sem_wait, sem_post) and the loops of each mode: the shared counter of
 * sysv, posix and race, started together on two CPUs, and the bounded
 * buffer of prodcons; see sem.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <sys/sem.h>

#include "sem.h"

/*
 * One semop call doing one operation.  EINTR is counted and retried, unless
 * the other process is gone (then the operation may never complete).
 */
static int sem_op(int semid, unsigned short num, short op, struct counts *c,
		  const char *who)
{
	struct sembuf sb = { .sem_num = num, .sem_op = op, .sem_flg = 0 };

	for (;;) {
		int r = semop(semid, &sb, 1);

		c->semop_calls++;
		c->semop_ops += 1;
		if (r == 0)
			return 0;
		c->semop_errors++;
		if (errno != EINTR || g_child_gone)
			break;
	}
	sys_error(who, op < 0 ? "semop P" : "semop V");
	return -1;
}

static int posix_wait(sem_t *s, struct counts *c, const char *who)
{
	for (;;) {
		int r = sem_wait(s);

		c->sem_wait_calls++;
		if (r == 0)
			return 0;
		c->sem_wait_errors++;
		if (errno != EINTR || g_child_gone)
			break;
	}
	sys_error(who, "sem_wait");
	return -1;
}

static int posix_post(sem_t *s, struct counts *c, const char *who)
{
	c->sem_post_calls++;
	if (sem_post(s) == 0)
		return 0;
	c->sem_post_errors++;
	sys_error(who, "sem_post");
	return -1;
}

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

/*
 * Both loops start together, with no syscall.  Each process sets its ready
 * flag to 1.  The child then keeps bumping its flag while it waits.  The
 * parent waits until it has seen the child's flag change START_BEATS times
 * back to back (so both are running at that moment, on two CPUs: setting
 * a flag and being preempted right after would not do), then sets its flag
 * to START_GO and both start.  With a single usable CPU (g_start_beats 0),
 * or once the parent has spun START_SPINS times, the child's first flag is
 * enough.  The parent gives up if the child dies first.
 */
#define START_BEATS	1000
#define START_GAP	10000		/* spins: far less than a time slice */
#define START_SPINS	(1UL << 25)	/* well under a second of spinning */
#define START_GO	2

static unsigned int g_start_beats = START_BEATS;

void check_cpus(void)
{
	cpu_set_t cpus;

	if (sched_getaffinity(0, sizeof(cpus), &cpus) == 0 &&
	    CPU_COUNT(&cpus) < 2)
		g_start_beats = 0;
}

static int start_together(volatile unsigned int *ready, int me,
			  const char *who)
{
	unsigned int last = 0, beats = 0, idle = 0;
	unsigned long spins = 0;

	__atomic_store_n(&ready[me], 1, __ATOMIC_SEQ_CST);
	if (me == CHILD) {
		while (__atomic_load_n(&ready[PARENT], __ATOMIC_SEQ_CST) !=
		       START_GO)
			__atomic_store_n(&ready[CHILD], ready[CHILD] + 1,
					 __ATOMIC_SEQ_CST);
		return 0;
	}
	for (;;) {
		/* Read before the flag: gone and unchanged means it will
		 * never change again. */
		int gone = g_child_gone;
		unsigned int v = __atomic_load_n(&ready[CHILD],
						 __ATOMIC_SEQ_CST);

		if (v != last) {
			/* A long gap means one of us was not running: the
			 * changes must be seen back to back. */
			beats = last != 0 && idle < START_GAP ? beats + 1 : 0;
			last = v;
			idle = 0;
		} else {
			if (gone) {
				say(who, "the child exited before starting "
				    "its loop");
				return -1;
			}
			idle++;
			spins++;
			cpu_relax();
		}
		if (last != 0 && (beats >= g_start_beats || spins >= START_SPINS))
			break;
	}
	__atomic_store_n(&ready[PARENT], START_GO, __ATOMIC_SEQ_CST);
	return 0;
}

/* The parent's loops stop when the child failed: the run is lost anyway. */
static int child_failed(uint64_t done, uint64_t count)
{
	say("parent", "the child failed; stopping after %" PRIu64 " of %"
	    PRIu64 " iterations", done, count);
	return -1;
}

/* The counter loops of sysv, posix and race, for either process. */
static int counter_run(const struct config *cfg, const struct objects *o,
		       int me, struct counts *c)
{
	const char *who = me == PARENT ? "parent" : "child";
	volatile int *counter;
	volatile unsigned int *ready;
	sem_t *psem = NULL;

	if (cfg->mode == MODE_POSIX) {
		struct posix_seg *seg = o->mem;

		psem = &seg->sem;
		counter = &seg->counter;
		ready = seg->ready;
	} else {
		struct counter_seg *seg = o->mem;

		counter = &seg->counter;
		ready = seg->ready;
	}
	if (start_together(ready, me, who) < 0)
		return -1;

	for (uint64_t i = 0; i < cfg->count; i++) {
		int v;

		/* A failed child makes the result moot: stop early. */
		if (me == PARENT && g_child_failed)
			return child_failed(i, cfg->count);
		if (cfg->mode == MODE_SYSV &&
		    sem_op(o->semid, 0, -1, c, who) < 0)
			return -1;
		if (cfg->mode == MODE_POSIX && posix_wait(psem, c, who) < 0)
			return -1;
		/* A plain load and store: atomic only under the semaphore. */
		v = *counter;
		*counter = v + 1;
		if (cfg->mode == MODE_SYSV &&
		    sem_op(o->semid, 0, 1, c, who) < 0)
			return -1;
		if (cfg->mode == MODE_POSIX && posix_post(psem, c, who) < 0)
			return -1;
	}
	return 0;
}

/* prodcons, parent: puts the items 0..COUNT-1 into the ring. */
static int produce(const struct config *cfg, const struct objects *o,
		   struct counts *c, uint64_t *produced)
{
	volatile int *ring = o->mem;
	uint64_t in = 0;

	for (uint64_t i = 0; i < cfg->count; i++) {
		if (g_child_failed)
			return child_failed(i, cfg->count);
		if (sem_op(o->semid, SEM_EMPTY, -1, c, "parent") < 0 ||
		    sem_op(o->semid, SEM_MUTEX, -1, c, "parent") < 0)
			return -1;
		ring[in] = (int)i;
		in = (in + 1) % cfg->slots;
		if (sem_op(o->semid, SEM_MUTEX, 1, c, "parent") < 0 ||
		    sem_op(o->semid, SEM_FULL, 1, c, "parent") < 0)
			return -1;
		(*produced)++;
	}
	return 0;
}

/* prodcons, child: takes COUNT items out of the ring, checks the order. */
static int consume(const struct config *cfg, const struct objects *o,
		   struct child_report *r)
{
	volatile int *ring = o->mem;
	uint64_t out = 0;

	for (uint64_t i = 0; i < cfg->count; i++) {
		int v;

		if (sem_op(o->semid, SEM_FULL, -1, &r->c, "child") < 0 ||
		    sem_op(o->semid, SEM_MUTEX, -1, &r->c, "child") < 0)
			return -1;
		v = ring[out];
		out = (out + 1) % cfg->slots;
		if (sem_op(o->semid, SEM_MUTEX, 1, &r->c, "child") < 0 ||
		    sem_op(o->semid, SEM_EMPTY, 1, &r->c, "child") < 0)
			return -1;
		r->consumed++;
		if (v < 0 || (uint64_t)v != i)
			r->out_of_order++;
	}
	return 0;
}

int child_run(const struct config *cfg, const struct objects *o,
	      struct child_report *r)
{
	/* _exit detaches the segment: no shmdt, as the brief asks; the
	 * parent's shmat is the only attach call. */
	if (cfg->mode == MODE_PRODCONS)
		return consume(cfg, o, r) < 0 ? 1 : 0;
	return counter_run(cfg, o, CHILD, &r->c) < 0 ? 1 : 0;
}

int parent_run(const struct config *cfg, const struct objects *o,
	       struct counts *c, uint64_t *produced)
{
	if (cfg->mode == MODE_PRODCONS)
		return produce(cfg, o, c, produced);
	return counter_run(cfg, o, PARENT, c);
}
