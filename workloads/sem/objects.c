// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * objects.c - the sem workload's measured objects: a SysV segment and
 * semaphore set under ftok() keys, or a POSIX shared memory object
 * holding a process-shared semaphore; made by the parent before the fork,
 * removed at the end, on error and from the termination handler; see
 * sem.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include "sem.h"

#define SHM_PROJ	'S'		/* first ftok() project id, segment */
#define SEM_PROJ	'E'		/* first ftok() project id, semaphores */

char g_shm_name[64];

/* In the order they are removed, before the key file and directory. */
enum { OBJ_SEGMENT, OBJ_SET, OBJ_NAME };
static struct object g_objects[] = {
	[OBJ_SEGMENT] = { OBJ_SHM, NULL, "shmctl IPC_RMID", 0, 0 },
	[OBJ_SET] = { OBJ_SEM, NULL, "semctl IPC_RMID", 0, 0 },
	[OBJ_NAME] = { OBJ_POSIX_SHM, g_shm_name, "shm_unlink", 0, 0 },
};

/* semctl's fourth argument; the program has to define it (semctl(2)). */
union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

void prepare_paths(const struct config *cfg)
{
	set_objects(g_objects, ARRAY_SIZE(g_objects));
	if (cfg->mode == MODE_POSIX)
		snprintf(g_shm_name, sizeof(g_shm_name), "/ipcscope-sem-%ld",
			 (long)getpid());
	else
		prepare_key_file();
}

/* What ftok_create() makes: a segment of size, or a set of nsems. */
struct sysv_new {
	size_t size;
	int nsems;
	struct counts *c;
};

/* Every call is counted. */
static int shm_get(key_t key, void *arg)
{
	struct sysv_new *n = arg;
	int id;

	n->c->shmget_calls++;
	id = shmget(key, n->size, IPC_CREAT | IPC_EXCL | 0600);
	if (id < 0)
		n->c->shmget_errors++;
	return id;
}

static int sem_get(key_t key, void *arg)
{
	struct sysv_new *n = arg;
	int id;

	n->c->semget_calls++;
	id = semget(key, n->nsems, IPC_CREAT | IPC_EXCL | 0600);
	if (id < 0)
		n->c->semget_errors++;
	return id;
}

/* POSIX: the shared memory object with the semaphore and the counter. */
static int create_posix(struct objects *o)
{
	struct posix_seg *seg;
	int fd;

	o->shm_size = sizeof(struct posix_seg);
	fd = shm_open(g_shm_name, O_CREAT | O_EXCL | O_RDWR, 0600);
	if (fd < 0) {
		sys_error("parent", "shm_open");
		return -1;
	}
	object_made(&g_objects[OBJ_NAME]);
	if (ftruncate(fd, (off_t)o->shm_size) < 0) {
		sys_error("parent", "ftruncate");
		close(fd);
		return -1;
	}
	if (get_file_id(fd, &o->id) < 0) {
		close(fd);
		return -1;
	}
	seg = mmap(NULL, o->shm_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (seg == MAP_FAILED) {
		sys_error("parent", "mmap");
		close(fd);
		return -1;
	}
	close(fd);		/* the mapping keeps the object */
	o->mem = seg;
	if (sem_init(&seg->sem, 1, 1) < 0) {
		sys_error("parent", "sem_init");
		return -1;
	}
	return 0;
}

/* Signals are blocked so a handler never misses something just created. */
int create_objects(const struct config *cfg, struct objects *o,
		   struct counts *c)
{
	struct sysv_new n = { .c = c };
	int fd, id, proj, ret = -1;
	sigset_t old;
	void *addr;

	block_handled_signals(&old);
	if (cfg->mode == MODE_POSIX) {
		ret = create_posix(o);
		goto out;
	}

	fd = make_key_file("create key file", 0);
	if (fd < 0)
		goto out;
	close(fd);

	o->shm_size = cfg->mode == MODE_PRODCONS ?
		(size_t)cfg->slots * sizeof(int) : sizeof(struct counter_seg);
	n.size = o->shm_size;
	proj = SHM_PROJ;
	id = ftok_create(&proj, shm_get, &n, &o->shm_key, "shmget");
	if (id < 0)
		goto out;
	object_made_id(&g_objects[OBJ_SEGMENT], id);
	o->shmid = id;

	if (cfg->mode != MODE_RACE) {
		o->nsems = cfg->mode == MODE_PRODCONS ? 3 : 1;
		n.nsems = o->nsems;
		proj = SEM_PROJ;
		id = ftok_create(&proj, sem_get, &n, &o->sem_key, "semget");
		if (id < 0)
			goto out;
		object_made_id(&g_objects[OBJ_SET], id);
		o->semid = id;
		if (cfg->mode == MODE_PRODCONS) {
			unsigned short init[3];
			union semun arg;

			init[SEM_MUTEX] = 1;
			init[SEM_EMPTY] = (unsigned short)cfg->slots;
			init[SEM_FULL] = 0;
			arg.array = init;
			if (semctl(id, 0, SETALL, arg) < 0) {
				sys_error("parent", "semctl SETALL");
				goto out;
			}
		} else {
			union semun arg;

			arg.val = 1;
			if (semctl(id, 0, SETVAL, arg) < 0) {
				sys_error("parent", "semctl SETVAL");
				goto out;
			}
		}
	}

	c->shmat_calls++;
	addr = shmat(o->shmid, NULL, 0);
	if (addr == (void *)-1) {
		c->shmat_errors++;
		sys_error("parent", "shmat");
		goto out;
	}
	o->mem = addr;		/* a new segment is zero-filled */
	ret = 0;
out:
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}

int release_memory(const struct config *cfg, struct objects *o,
		   struct counts *c)
{
	int ret = 0;

	if (!o->mem)
		return 0;
	if (cfg->mode == MODE_POSIX) {
		struct posix_seg *seg = o->mem;

		if (sem_destroy(&seg->sem) < 0) {
			sys_error("parent", "sem_destroy");
			ret = -1;
		}
		if (munmap(o->mem, o->shm_size) < 0) {
			sys_error("parent", "munmap");
			ret = -1;
		}
	} else {
		c->shmdt_calls++;
		if (shmdt(o->mem) < 0) {
			c->shmdt_errors++;
			sys_error("parent", "shmdt");
			ret = -1;
		}
	}
	o->mem = NULL;
	return ret;
}
