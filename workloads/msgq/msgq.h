/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * msgq.h - what the parts of the msgq workload share: msgq.c (the command
 * line, the run and the JSON) and msgq/queue.c (the queue and the counted
 * sends and receives).
 */
#ifndef IPCSCOPE_WORKLOADS_MSGQ_H
#define IPCSCOPE_WORKLOADS_MSGQ_H

#include "harness.h"

#define TYPES_MAX	1000ULL

enum api { API_SYSV, API_POSIX };
enum receive { RECV_ANY, RECV_BYTYPE, RECV_EXCEPT };

struct config {
	enum api api;
	enum receive receive;
	uint64_t count;
	uint64_t size;
	uint64_t types;
	struct run_opts run;	/* --out, --start-delay, --send/recv-delay */
};

/* What one process did on the measured queue. */
struct counts {
	uint64_t get_calls, get_errors;
	uint64_t send_calls, bytes_sent, send_errors;
	uint64_t receive_calls, bytes_received, receive_errors;
};

/*
 * The child's results.  They live in a MAP_SHARED|MAP_ANONYMOUS region: no
 * IPC syscall is needed to report them, and they survive if the child dies.
 */
struct child_report {
	struct counts c;
	uint64_t mismatches;		/* messages with a wrong type or content */
	int64_t key;			/* sysv: the child's own ftok() result */
	int64_t msqid;			/* sysv: what the child's msgget returned */
	uint64_t received_by_type[TYPES_MAX + 1];
	struct xfer_time xfer;		/* parent: start; child: end */
};

struct queue_meta {
	int64_t msqid, key;		/* sysv */
	struct file_id id;		/* posix: fstat() of the queue descriptor */
};

/* A SysV message: mtype, then SIZE bytes of text. */
struct sysv_msg {
	long mtype;
	char mtext[];
};

/* posix: the queue's name, "/ipcscope-mq-PID" */
extern char g_mq_name[64];

/* The names, up front so a too long $TMPDIR is exit 2. */
void prepare_paths(const struct config *cfg);

/*
 * Creates the queue (and for sysv the directory and key file first),
 * counting the parent's msgget/mq_open calls.  Returns the msqid or mqd,
 * or -1.
 */
int create_queue(const struct config *cfg, struct counts *c,
		 struct queue_meta *m);

/* The child: opens the queue itself, then receives COUNT messages and
 * checks each one.  Returns its exit code. */
int child_run(const struct config *cfg, struct sysv_msg *msg, int parent_q,
	      struct child_report *r);

/* The parent: sends COUNT messages.  Returns 0, or -1 on failure. */
int parent_run(const struct config *cfg, struct sysv_msg *msg, int q,
	       struct counts *c, uint64_t *sent_by_type,
	       struct xfer_time *xt);

#endif
