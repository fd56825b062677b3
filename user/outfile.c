// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* outfile.c - outputs written whole or not at all: see outfile.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "outfile.h"
#include "util.h"

bool outfile_is_stdout(const struct outfile *o)
{
	return o->f == stdout;
}

/* A FIFO or device named by the user: no earlier result to keep, no link
 * followed (O_NOFOLLOW), nothing created */
static int open_direct(struct outfile *o)
{
	int fd = open(o->path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);

	if (fd < 0 || !(o->f = fdopen(fd, "w"))) {
		errorf("cannot write %s to '%s': %s", o->what, o->path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	o->direct = true;
	return 0;
}

int outfile_open(struct outfile *o, const char *path, const char *what, bool force)
{
	const char *slash = strrchr(path, '/');
	struct stat st;
	mode_t mask;
	int fd, n;

	memset(o, 0, sizeof(*o));
	o->path = path;
	o->what = what;
	/* /dev/stdout is a link (to /proc/self/fd/1): named, it is "-" */
	if (!strcmp(path, "-") || !strcmp(path, "/dev/stdout")) {
		o->f = stdout;
		return 0;
	}
	if (!*path || (slash && !slash[1])) {
		errorf("cannot write %s to '%s': not a file name", what, path);
		return -1;
	}
	if (lstat(path, &st) == 0) {
		if (S_ISLNK(st.st_mode) && !force) {
			errorf("cannot write %s to '%s': it is a symbolic link, which "
			       "ipcscope does not write through (--force replaces the "
			       "link itself)", what, path);
			return -1;
		}
		if (S_ISDIR(st.st_mode)) {
			errorf("cannot write %s to '%s': it is a directory", what, path);
			return -1;
		}
		if (S_ISBLK(st.st_mode) || S_ISSOCK(st.st_mode)) {
			errorf("cannot write %s to '%s': it is a %s", what, path,
			       S_ISBLK(st.st_mode) ? "block device" : "socket");
			return -1;
		}
		/* a FIFO or a character device (/dev/null) is written as it
		   is: a temporary renamed over it would replace the node */
		if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode))
			return open_direct(o);
	}
	/* beside it, so that the rename stays in one file system */
	n = slash ? snprintf(o->tmp, sizeof(o->tmp), "%.*s/.%s.XXXXXX",
			     (int)(slash - path), path, slash + 1)
		  : snprintf(o->tmp, sizeof(o->tmp), ".%s.XXXXXX", path);
	if (n < 0 || (size_t)n >= sizeof(o->tmp)) {
		errorf("cannot write %s to '%s': the path is too long", what, path);
		o->tmp[0] = '\0';
		return -1;
	}
	fd = mkostemp(o->tmp, O_CLOEXEC);	/* O_EXCL: a new file, no link */
	if (fd < 0) {
		errorf("cannot write %s to '%s': %s", what, path, strerror(errno));
		o->tmp[0] = '\0';
		return -1;
	}
	/* the mode fopen would have given it: 0666 less the umask */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) || !(o->f = fdopen(fd, "w"))) {
		errorf("cannot write %s to '%s': %s", what, path, strerror(errno));
		close(fd);
		unlink(o->tmp);
		o->tmp[0] = '\0';
		return -1;
	}
	return 0;
}

int outfile_commit(struct outfile *o)
{
	int err = 0;

	if (!o->f)
		return 0;
	if (o->f == stdout) {
		/* a reader that went away (| head) is not an error */
		o->f = NULL;
		if (fflush(stdout) && errno != EPIPE) {
			errorf("cannot write %s to standard output: %s", o->what,
			       strerror(errno));
			return -1;
		}
		return 0;
	}
	if (fflush(o->f) || ferror(o->f))
		err = errno ? errno : EIO;
	if (fclose(o->f) && !err)
		err = errno ? errno : EIO;
	o->f = NULL;
	if (o->direct) {
		if (err)
			errorf("cannot write %s to '%s': %s", o->what, o->path,
			       strerror(err));
		return err ? -1 : 0;
	}
	if (!err && rename(o->tmp, o->path))
		err = errno;
	if (err) {
		errorf("cannot write %s to '%s': %s (any earlier file is as it was)",
		       o->what, o->path, strerror(err));
		unlink(o->tmp);
		o->tmp[0] = '\0';
		return -1;
	}
	o->tmp[0] = '\0';
	return 0;
}

void outfile_abort(struct outfile *o)
{
	if (!o->f)
		return;
	if (o->f != stdout) {
		fclose(o->f);
		if (!o->direct)
			unlink(o->tmp);
		o->tmp[0] = '\0';
	}
	o->f = NULL;
}
