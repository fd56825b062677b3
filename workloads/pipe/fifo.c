// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * fifo.c - the pipe workload's named FIFOs (--mode fifo): made in a
 * private directory, opened by path in each process, removed on exit, on
 * error and from the termination handler; see pipe.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pipe.h"
#include "utf8.h"

static const char *const fifo_name[2] = { "p2c", "c2p" };

/*
 * State the signal handlers need.  Paths are written before their object
 * is marked made, so a handler never sees a half-built name.  g_dir is
 * shorter than a path by room for "/p2c", so a FIFO path always fits.
 */
char g_fifo_path[2][PATH_MAX];
static volatile sig_atomic_t g_opening = -1;	/* FIFO the parent is opening */
volatile sig_atomic_t g_unblock_fd = -1;

/* In the order they are removed, before their directory. */
enum { OBJ_C2P, OBJ_P2C };
static struct object g_objects[] = {
	[OBJ_C2P] = { OBJ_FILE, g_fifo_path[C2P], NULL, 0, 0 },
	[OBJ_P2C] = { OBJ_FILE, g_fifo_path[P2C], NULL, 0, 0 },
};

void prepare_fifo_paths(const struct config *cfg)
{
	const char *base;
	int len;

	set_objects(g_objects, ARRAY_SIZE(g_objects));
	if (temp_dir_template(sizeof(g_dir), cfg->fifo_dir, &base, &len) < 0)
		usage_error("--fifo-dir: path too long");
	if (utf8_error((const unsigned char *)g_dir, strlen(g_dir)))
		usage_error("--fifo-dir: '%.*s' is not valid UTF-8", len, base);
}

void remove_fifos(void)
{
	remove_objects(0);
}

/*
 * If the child dies while the parent is blocked in open() of a FIFO, nobody
 * will ever open the other end.  Opening it O_RDWR here counts as both a
 * reader and a writer, which lets the parent's open() return; the parent
 * then sees g_child_gone and gives up instead of hanging.
 */
void unblock_fifo_open(int failed)
{
	int idx = g_opening;

	(void)failed;
	if (idx >= 0 && g_unblock_fd < 0)
		g_unblock_fd = open(g_fifo_path[idx], O_RDWR | O_NONBLOCK);
}

/* Signals are blocked so a handler never misses something just created. */
int make_fifos(int npipes)
{
	static const int obj[2] = { OBJ_P2C, OBJ_C2P };
	sigset_t old;
	int ret = -1;

	block_handled_signals(&old);
	if (make_temp_dir(1) < 0)
		goto out;
	for (int i = 0; i < npipes; i++) {
		snprintf(g_fifo_path[i], sizeof(g_fifo_path[i]), "%s/%s",
			 g_dir, fifo_name[i]);
		if (mkfifo(g_fifo_path[i], 0600) < 0) {
			sys_error("parent", "mkfifo");
			goto out;
		}
		object_made(&g_objects[obj[i]]);
	}
	ret = 0;
out:
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}

int parent_open_fifo(int idx, int flags)
{
	for (;;) {
		int fd;

		/* Set g_opening first: then either we see g_child_gone here
		 * or the SIGCHLD handler sees g_opening and unblocks open(). */
		g_opening = idx;
		if (g_child_gone) {
			g_opening = -1;
			break;
		}
		fd = open(g_fifo_path[idx], flags);
		g_opening = -1;
		if (fd >= 0 && !g_child_gone)
			return fd;
		if (fd >= 0) {
			close(fd);
			break;
		}
		if (errno != EINTR) {
			sys_error("parent", idx == P2C ? "open p2c FIFO" :
				  "open c2p FIFO");
			return -1;
		}
	}
	say("parent", "open %s FIFO: child exited first", fifo_name[idx]);
	return -1;
}
