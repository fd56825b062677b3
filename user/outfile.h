/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * outfile.h - an output file written whole or not at all. It is written
 * into a new temporary file beside it (O_EXCL, so never through a link
 * someone left there) and renamed over it only when complete and closed
 * without error: a failed run leaves an earlier result as it was. A path
 * whose last component is a symbolic link is refused unless forced (then
 * the link itself is replaced, never followed). "-" (or /dev/stdout) is
 * standard output. A FIFO or a character device (/dev/null) is written
 * directly: there is no earlier result to keep, and a rename would replace
 * the node. A block device or a socket is refused.
 */
#ifndef OUTFILE_H
#define OUTFILE_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

struct outfile {
	const char *path;	/* as the user gave it */
	const char *what;	/* for messages: "JSON", "the graph" */
	char tmp[PATH_MAX];	/* the temporary file; "" for stdout */
	FILE *f;		/* where to write; NULL once committed or aborted */
	bool direct;		/* a FIFO or device, written as it is */
};

/* Opens; on failure prints why (one line) and returns -1. */
int outfile_open(struct outfile *o, const char *path, const char *what, bool force);
/* Writes are done: flush, check, close, rename into place. On failure
 * prints why, removes the temporary (path untouched) and returns -1. */
int outfile_commit(struct outfile *o);
/* Nothing to keep: closes and removes the temporary; path untouched.
 * Does nothing after a commit, or for a file never opened. */
void outfile_abort(struct outfile *o);
/* Is o standard output? */
bool outfile_is_stdout(const struct outfile *o);

#endif /* OUTFILE_H */
