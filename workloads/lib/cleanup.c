// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * cleanup.c - what a workload makes that must not outlive it (FIFOs,
 * socket files, key files, their directory, SysV and POSIX IPC objects),
 * removed at the end, on error and from the termination handler; see
 * harness.h.
 */
#define _GNU_SOURCE
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

char g_dir[PATH_MAX - 8];
char g_key_path[PATH_MAX];

static struct object *g_objects;
static size_t g_nobjects;

/* The key file and the directory, after the workload's objects. */
enum { KEY_FILE, TEMP_DIR };
static struct object g_dir_objects[] = {
	[KEY_FILE] = { OBJ_FILE, g_key_path, "unlink key file", 0, 0 },
	[TEMP_DIR] = { OBJ_DIR, g_dir, "rmdir", 0, 0 },
};

void set_objects(struct object *objs, size_t n)
{
	g_objects = objs;
	g_nobjects = n;
}

void object_made(struct object *o)
{
	o->made = 1;
}

void object_made_id(struct object *o, int id)
{
	o->id = id;
	o->made = 1;
}

static int remove_object(const struct object *o)
{
	switch (o->kind) {
	case OBJ_FILE:
		return unlink(o->name);
	case OBJ_DIR:
		return rmdir(o->name);
	case OBJ_MSQ:
		return msgctl(o->id, IPC_RMID, NULL);
	case OBJ_SEM:
		return semctl(o->id, 0, IPC_RMID);
	case OBJ_SHM:
		return shmctl(o->id, IPC_RMID, NULL);
	case OBJ_MQ:
		return mq_unlink(o->name);
	case OBJ_POSIX_SHM:
		return shm_unlink(o->name);
	}
	return 0;
}

/* made is cleared first: a handler never repeats a removal whose id or
 * name somebody else may already have been given. */
static int remove_list(struct object *objs, size_t n, int report)
{
	int ret = 0;

	for (size_t i = 0; i < n; i++) {
		struct object *o = &objs[i];

		if (!o->made)
			continue;
		o->made = 0;
		if (remove_object(o) < 0 && report && o->call) {
			sys_error("parent", o->call);
			ret = -1;
		}
	}
	return ret;
}

int remove_objects(int report)
{
	int ret = remove_list(g_objects, g_nobjects, report);

	if (remove_list(g_dir_objects, ARRAY_SIZE(g_dir_objects), report) < 0)
		ret = -1;
	return ret;
}

int temp_dir_template(size_t size, const char *dir, const char **base,
		      int *base_len)
{
	size_t len;
	int n;

	if (!dir) {
		dir = getenv("TMPDIR");
		if (!dir || !*dir)
			dir = "/tmp";
	}
	/* Drop trailing slashes so the paths in the JSON look canonical. */
	len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		len--;
	if (len == 1 && dir[0] == '/')
		len = 0;
	*base = dir;
	*base_len = (int)len;
	if (size > sizeof(g_dir))
		size = sizeof(g_dir);
	n = snprintf(g_dir, size, "%.*s/ipcscope-%s.XXXXXX", (int)len, dir,
		     workload_name);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

void prepare_key_file(void)
{
	const char *base;
	int len;

	if (temp_dir_template(sizeof(g_dir), NULL, &base, &len) < 0)
		usage_error("$TMPDIR: path too long");
}

int make_temp_dir(int quiet)
{
	if (quiet) {
		g_dir_objects[KEY_FILE].call = NULL;
		g_dir_objects[TEMP_DIR].call = NULL;
	}
	if (!mkdtemp(g_dir)) {
		sys_error("parent", "mkdtemp");
		return -1;
	}
	object_made(&g_dir_objects[TEMP_DIR]);
	return 0;
}

int make_key_file(const char *open_call, int quiet)
{
	int fd;

	if (make_temp_dir(quiet) < 0)
		return -1;
	snprintf(g_key_path, sizeof(g_key_path), "%s/key", g_dir);
	fd = open(g_key_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		sys_error("parent", open_call);
		return -1;
	}
	object_made(&g_dir_objects[KEY_FILE]);
	return fd;
}

int ftok_create(int *proj, int (*create)(key_t key, void *arg), void *arg,
		key_t *keyp, const char *call)
{
	for (int t = 0; t < FTOK_TRIES; t++) {
		key_t key = ftok(g_key_path, *proj + t);
		int id;

		if (key == (key_t)-1) {
			sys_error("parent", "ftok");
			return -1;
		}
		id = create(key, arg);
		if (id >= 0) {
			*keyp = key;
			*proj += t;
			return id;
		}
		if (errno != EEXIST) {
			sys_error("parent", call);
			return -1;
		}
	}
	say("parent", "%s: %d ftok keys of %s all in use", call, FTOK_TRIES,
	    g_key_path);
	return -1;
}
