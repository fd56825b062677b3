/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * pipe.h - what the parts of the pipe workload share: pipe.c (the command
 * line, the run and the JSON), pipe/io.c (the counted calls on the pipes)
 * and pipe/fifo.c (the named FIFOs).
 */
#ifndef IPCSCOPE_WORKLOADS_PIPE_H
#define IPCSCOPE_WORKLOADS_PIPE_H

#include "harness.h"

enum mode { MODE_ANON, MODE_FIFO };
enum pattern { PAT_STREAM, PAT_PINGPONG };
enum write_method { WM_WRITE, WM_WRITEV, WM_VMSPLICE, WM_SENDFILE };
enum read_method { RM_READ, RM_READV, RM_SPLICE };

/* Pipe 0 carries parent -> child, pipe 1 (ping-pong only) child -> parent. */
enum { P2C = 0, C2P = 1 };

struct config {
	enum mode mode;
	enum pattern pattern;
	enum write_method write_method;
	enum read_method read_method;
	uint64_t size;
	uint64_t count;
	struct run_opts run;	/* --out, --start-delay, --send/recv-delay */
	const char *fifo_dir;	/* NULL: $TMPDIR or /tmp */
	int null_fd;		/* /dev/null for --read-method splice, else -1 */
	int src_fd;		/* a memfd holding one message, for sendfile */
};

/* What one process did on the measured pipes. */
struct counts {
	uint64_t write_calls, bytes_written, write_errors;
	uint64_t read_calls, bytes_read, read_errors;
};

/* fifo.c: the FIFO paths (valid once made), and the state of the parent's
 * open() of one, which a dead child could leave blocked for ever. */
extern char g_fifo_path[2][PATH_MAX];
extern volatile sig_atomic_t g_unblock_fd;

/* The mkdtemp template, checked up front so errors are exit 2. */
void prepare_fifo_paths(const struct config *cfg);

/* The directory and npipes FIFOs in it; -1 after a message. */
int make_fifos(int npipes);

/* Removes whatever of the FIFOs and their directory exists. */
void remove_fifos(void);

/* The SIGCHLD hook: unblocks the parent's open() of a FIFO. */
void unblock_fifo_open(int failed);

/* The parent's open() of FIFO idx: -1 (after a message) if it failed or
 * the child exited first. */
int parent_open_fifo(int idx, int flags);

/* io.c: the only I/O on the measured pipes.  Every call of the write or
 * read method is counted, including partial transfers and failed calls;
 * EINTR is retried (the interrupted call still was a syscall). */
int write_all(const struct config *cfg, int fd, const char *buf,
	      size_t len, struct counts *c);

/* One successful (or failed) read of buf[done..len), retrying EINTR. */
ssize_t read_once(const struct config *cfg, int fd, char *buf, size_t len,
		  size_t done, struct counts *c);

/* Returns 1 when len bytes arrived, 0 on EOF before that, -1 on error. */
int read_exact(const struct config *cfg, int fd, char *buf, size_t len,
	       struct counts *c);

#endif
