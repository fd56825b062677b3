// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * region.c - the shm workload's measured region (System V shmget, POSIX
 * shm_open, memfd_create or anonymous MAP_SHARED): made before the fork,
 * found in /proc/self/maps, removed at the end, on error and from the
 * termination handler; see shm.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

#include "shm.h"

/*
 * The POSIX name.  It and the key file are written before their object is
 * marked made, so a handler never sees a half-built name; g_dir is shorter
 * than a path by room for "/key".
 */
static char g_shm_name[64];

/* In the order they are removed, before the ftok file and directory. */
enum { OBJ_SEGMENT, OBJ_NAME };
static struct object g_objects[] = {
	[OBJ_SEGMENT] = { OBJ_SHM, NULL, "shmctl IPC_RMID", 0, 0 },
	[OBJ_NAME] = { OBJ_POSIX_SHM, g_shm_name, "shm_unlink", 0, 0 },
};

void prepare_names(const struct config *cfg)
{
	set_objects(g_objects, ARRAY_SIZE(g_objects));
	if (cfg->api == API_POSIX)
		snprintf(g_shm_name, sizeof(g_shm_name), "/ipcscope-shm-%ld",
			 (long)getpid());
	if (cfg->api == API_SYSV)
		prepare_key_file();
}

/* SysV: a private file for ftok(), then a segment nobody else has. */
static int create_sysv(const struct config *cfg, struct segment *seg,
		       void **base)
{
	int fd, id = -1;
	key_t key = -1;

	/* quiet: removing them was never reported */
	fd = make_key_file("open ftok file", 1);
	if (fd < 0)
		return -1;
	if (close(fd) < 0) {
		sys_error("parent", "close ftok file");
		return -1;
	}
	/* ftok keeps 16 bits of the inode and 8 of the device: another
	 * file can map to the same key, so IPC_EXCL and the next project
	 * id rather than attaching to somebody else's segment. */
	for (int proj = 1; proj <= 255; proj++) {
		key = ftok(g_key_path, proj);
		if (key == -1) {
			sys_error("parent", "ftok");
			return -1;
		}
		id = shmget(key, (size_t)cfg->size, IPC_CREAT | IPC_EXCL | 0600);
		if (id >= 0 || errno != EEXIST)
			break;
	}
	if (id < 0) {
		sys_error("parent", "shmget");
		return -1;
	}
	object_made_id(&g_objects[OBJ_SEGMENT], id);
	seg->shmid = id;
	seg->key = key;
	snprintf(seg->name, sizeof(seg->name), "SYSV%08x", (unsigned int)key);
	*base = shmat(id, NULL, 0);
	if (*base == (void *)-1) {
		*base = NULL;
		sys_error("parent", "shmat");
		return -1;
	}
	return 0;
}

static int create_fd_backed(const struct config *cfg, struct segment *seg,
			    void **base, int *fdp)
{
	void *p;
	int fd;

	if (cfg->api == API_POSIX) {
		fd = shm_open(g_shm_name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
			      0600);
		if (fd < 0) {
			sys_error("parent", "shm_open");
			return -1;
		}
		object_made(&g_objects[OBJ_NAME]);
		snprintf(seg->name, sizeof(seg->name), "%s", g_shm_name);
	} else {
		fd = memfd_create(MEMFD_NAME, MFD_CLOEXEC);
		if (fd < 0) {
			sys_error("parent", "memfd_create");
			return -1;
		}
		snprintf(seg->name, sizeof(seg->name), "memfd:%s", MEMFD_NAME);
	}
	*fdp = fd;
	if (ftruncate(fd, (off_t)cfg->size) < 0) {
		sys_error("parent", "ftruncate");
		return -1;
	}
	if (get_file_id(fd, &seg->id) < 0)
		return -1;
	seg->have_stat = 1;
	p = mmap(NULL, (size_t)cfg->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, 0);
	if (p == MAP_FAILED) {
		sys_error("parent", "mmap");
		return -1;
	}
	*base = p;
	return 0;
}

/* Signals are blocked so a termination handler never misses something
 * just created. */
int create_region(const struct config *cfg, struct segment *seg,
			 void **base, int *fd)
{
	sigset_t old;
	int ret = 0;

	block_handled_signals(&old);
	switch (cfg->api) {
	case API_SYSV:
		ret = create_sysv(cfg, seg, base);
		break;
	case API_POSIX:
	case API_MEMFD:
		ret = create_fd_backed(cfg, seg, base, fd);
		break;
	case API_ANON:
		*base = mmap(NULL, (size_t)cfg->size, PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (*base == MAP_FAILED) {
			*base = NULL;
			sys_error("parent", "mmap");
			ret = -1;
		}
		break;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}

/* Signals are blocked so that a handler never repeats a removal whose id
 * somebody else may already have been given. */
int cleanup_region(const struct config *cfg, void *base, int fd)
{
	sigset_t old;
	int ret = 0;

	block_handled_signals(&old);

	if (base && cfg->api == API_SYSV && shmdt(base) < 0) {
		sys_error("parent", "shmdt");
		ret = -1;
	}
	if (base && cfg->api != API_SYSV &&
	    munmap(base, (size_t)cfg->size) < 0) {
		sys_error("parent", "munmap");
		ret = -1;
	}
	if (fd >= 0 && close(fd) < 0) {
		sys_error("parent", "close");
		ret = -1;
	}
	if (remove_objects(1) < 0)
		ret = -1;
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}

/* Its line: "start-end perms offset major:minor inode   path". */
int find_maps(const void *addr, uint64_t *ino, unsigned int *maj,
		     unsigned int *min, char *path, size_t path_size)
{
	char *line = NULL;
	size_t cap = 0;
	int found = 0;
	FILE *f;

	f = fopen("/proc/self/maps", "re");
	if (!f) {
		sys_error("parent", "open /proc/self/maps");
		return -1;
	}
	while (getline(&line, &cap, f) > 0) {
		unsigned long start, end;
		unsigned long long offset, inode;
		char perms[8];
		int pos = 0;

		if (sscanf(line, "%lx-%lx %7s %llx %x:%x %llu %n", &start, &end,
			   perms, &offset, maj, min, &inode, &pos) < 7 ||
		    start != (unsigned long)addr)
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(path, path_size, "%s", line + pos);
		*ino = inode;
		found = 1;
		break;
	}
	free(line);
	fclose(f);
	if (!found)
		say("parent", "no line for %p in /proc/self/maps", addr);
	return found ? 0 : -1;
}
