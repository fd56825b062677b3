/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * props.h - what the parts of the props workload share: props.c (the
 * command line and the choice of experiment), props/pipe.c (the pipe
 * experiments) and props/msgq.c (the message queue ones).
 */
#ifndef IPCSCOPE_WORKLOADS_PROPS_H
#define IPCSCOPE_WORKLOADS_PROPS_H

#include "harness.h"

#define CHUNK		4096	/* pipe-capacity and pipe-blocking writes */
#define READER_DELAY_MS	200	/* pipe-blocking: the reader's head start */
#define MESSAGES	10	/* the boundaries experiments */
#define MESSAGE_SIZE	100
#define READ_BUF	4096	/* read()/msgrcv() buffer in those */
#define POLL_MS		1	/* the receiver's wait for "all sent" */

/* The go flag in the shared region. */
enum { GO_WAIT = 0, GO_SENT = 1, GO_ABORT = 2 };

/*
 * Made before the fork (MAP_SHARED): the parent's "all sent" flag and what
 * the child observed, so reporting needs no IPC syscall.
 */
struct shared {
	int go;
	int child_failed;
	int64_t first_read_bytes;	/* -1: no read returned */
	uint64_t read_calls, bytes_read;
	uint64_t receive_calls;
	int64_t receive_sizes[MESSAGES];
	struct direction_counts {
		uint64_t send_calls, receive_calls;
		uint64_t bytes_sent, bytes_received;
	} direction_child;		/* msgq-direction */
};

/* The child, with the handled signals blocked across the fork: its pid
 * in the parent, 0 in the child, -1 on error. */
pid_t start_child(void);

/* Reaps the child; -1 if it failed (it already said why) or was killed. */
int finish_child(pid_t pid);

/* Child: waits for the parent's flag; -1 if the parent is gone. */
int wait_go(struct shared *sh, pid_t parent);

void set_go(struct shared *sh, int go);

/* The experiments: each writes its JSON object to f; -1 if it failed. */
int prop_pipe_capacity(FILE *f);
int prop_pipe_blocking(FILE *f, struct shared *sh);
int prop_pipe_boundaries(FILE *f, struct shared *sh);
int prop_pipe_direction(FILE *f);
int prop_msgq_boundaries(FILE *f, struct shared *sh);
int prop_msgq_direction(FILE *f, struct shared *sh);

#endif
