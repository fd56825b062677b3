// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * msgq.c - the props workload's message queue experiments: boundaries
 * kept in a SysV queue, and one queue used both ways; see props.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "props.h"

/* The SysV message queue of the experiment, for the cleanup handler. */
static struct object g_queue = { OBJ_MSQ, NULL, "msgctl IPC_RMID", 0, 0 };

/* --- msgq-boundaries ---------------------------------------------------- */

struct msgbuf_send {
	long mtype;
	char mtext[MESSAGE_SIZE];
};

struct msgbuf_recv {
	long mtype;
	char mtext[READ_BUF];
};

/* A private SysV queue the cleanup handler knows of; -1 on error. */
static int make_queue(void)
{
	sigset_t old;
	int id;

	set_objects(&g_queue, 1);
	/* Blocked so the handler never misses a queue just made. */
	block_handled_signals(&old);
	id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	if (id >= 0)
		object_made_id(&g_queue, id);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (id < 0)
		sys_error("parent", "msgget");
	return id;
}

/*
 * A private queue in *id, then the child: its pid in the parent, 0 in the
 * child, -1 on error (said on stderr; the queue is gone).
 */
static pid_t queue_and_child(int *id)
{
	pid_t cpid;

	*id = make_queue();
	if (*id < 0)
		return -1;
	cpid = start_child();
	if (cpid < 0)
		remove_objects(1);
	return cpid;
}

static int msgq_child(int id, struct shared *sh, pid_t parent)
{
	static struct msgbuf_recv m;

	if (wait_go(sh, parent) != GO_SENT) {
		fprintf(stderr, "props: child: the sender gave up\n");
		return 1;
	}
	for (int i = 0; i < MESSAGES; i++) {
		ssize_t n;

		do {
			n = msgrcv(id, &m, sizeof(m.mtext), 0, IPC_NOWAIT);
			sh->receive_calls++;
		} while (n < 0 && errno == EINTR);
		if (n < 0) {
			sys_error("child", "msgrcv");
			return 1;
		}
		sh->receive_sizes[i] = n;
	}
	return 0;
}

int prop_msgq_boundaries(FILE *f, struct shared *sh)
{
	static struct msgbuf_send m;
	uint64_t send_calls = 0;
	pid_t ppid = getpid(), cpid;
	int id, failed = 0;

	for (int i = 0; i < MESSAGES; i++)
		sh->receive_sizes[i] = -1;
	m.mtype = 1;
	memset(m.mtext, 'q', sizeof(m.mtext));

	cpid = queue_and_child(&id);
	if (cpid < 0)
		return -1;
	if (cpid == 0)
		_exit(msgq_child(id, sh, ppid));

	for (int i = 0; i < MESSAGES && !failed; i++) {
		int r;

		do {
			r = msgsnd(id, &m, sizeof(m.mtext), IPC_NOWAIT);
			send_calls++;
		} while (r < 0 && errno == EINTR);
		if (r < 0) {
			sys_error("parent", "msgsnd");
			failed = 1;
		}
	}
	set_go(sh, failed ? GO_ABORT : GO_SENT);
	if (finish_child(cpid) < 0)
		failed = 1;
	if (remove_objects(1) < 0)
		failed = 1;

	fprintf(f, "{\n  \"prop\": \"msgq-boundaries\",\n  \"messages\": %d,\n"
		"  \"message_size\": %d,\n  \"send_calls\": %" PRIu64 ",\n"
		"  \"receive_buffer\": %d,\n  \"receive_calls\": %" PRIu64 ",\n"
		"  \"receive_sizes\": [", MESSAGES, MESSAGE_SIZE, send_calls,
		READ_BUF, sh->receive_calls);
	for (int i = 0; i < MESSAGES; i++) {
		if (sh->receive_sizes[i] < 0)
			fprintf(f, "%snull", i ? ", " : "");
		else
			fprintf(f, "%s%" PRId64, i ? ", " : "",
				sh->receive_sizes[i]);
	}
	fprintf(f, "],\n  \"msqid\": %d,\n  \"sender_pid\": %ld,\n"
		"  \"receiver_pid\": %ld\n}\n", id, (long)ppid, (long)cpid);
	return failed ? -1 : 0;
}

/* --- msgq-direction ---------------------------------------------------- */

/* One msgsnd() or msgrcv() of a 100-byte message, retried on EINTR. */
static int msg_send(int id, long type, uint64_t *calls)
{
	static struct msgbuf_send m;
	int r;

	m.mtype = type;
	memset(m.mtext, 'd', sizeof(m.mtext));
	do {
		r = msgsnd(id, &m, sizeof(m.mtext), 0);
		(*calls)++;
	} while (r < 0 && errno == EINTR);
	return r;
}

static ssize_t msg_receive(int id, long type, uint64_t *calls)
{
	static struct msgbuf_recv m;
	ssize_t n;

	do {
		n = msgrcv(id, &m, sizeof(m.mtext), type, 0);
		(*calls)++;
	} while (n < 0 && errno == EINTR);
	return n;
}

static int direction_child(int id, struct direction_counts *c)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (int i = 0; i < MESSAGES; i++) {
		ssize_t n = msg_receive(id, 1, &c->receive_calls);

		if (n < 0) {
			sys_error("child", "msgrcv");
			return 1;
		}
		c->bytes_received += n;
		if (msg_send(id, 2, &c->send_calls) < 0) {
			sys_error("child", "msgsnd");
			return 1;
		}
		c->bytes_sent += MESSAGE_SIZE;
	}
	return 0;
}

int prop_msgq_direction(FILE *f, struct shared *sh)
{
	struct direction_counts p = { 0 }, *c = &sh->direction_child;
	pid_t ppid = getpid(), cpid;
	int id, failed = 0;

	cpid = queue_and_child(&id);
	if (cpid < 0)
		return -1;
	if (cpid == 0)
		_exit(direction_child(id, c));

	for (int i = 0; i < MESSAGES && !failed; i++) {
		ssize_t n;

		if (msg_send(id, 1, &p.send_calls) < 0) {
			sys_error("parent", "msgsnd");
			failed = 1;
			break;
		}
		p.bytes_sent += MESSAGE_SIZE;
		n = msg_receive(id, 2, &p.receive_calls);
		if (n < 0) {
			sys_error("parent", "msgrcv");
			failed = 1;
			break;
		}
		p.bytes_received += n;
	}
	if (failed)
		kill_and_reap_child();
	else if (finish_child(cpid) < 0)
		failed = 1;
	if (remove_objects(1) < 0)
		failed = 1;

	fprintf(f, "{\n  \"prop\": \"msgq-direction\",\n  \"messages\": %d,\n"
		"  \"message_size\": %d,\n  \"msqid\": %d,\n", MESSAGES,
		MESSAGE_SIZE, id);
	for (int side = 0; side < 2; side++) {
		const struct direction_counts *d = side ? c : &p;

		fprintf(f, "  \"%s\": {\"pid\": %ld, \"send_calls\": %" PRIu64
			", \"bytes_sent\": %" PRIu64 ", \"receive_calls\": %" PRIu64
			", \"bytes_received\": %" PRIu64 "}%s\n",
			side ? "child" : "parent", (long)(side ? cpid : ppid),
			d->send_calls, d->bytes_sent, d->receive_calls,
			d->bytes_received, side ? "" : ",");
	}
	fputs("}\n", f);
	return failed ? -1 : 0;
}
