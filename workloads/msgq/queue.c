// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * queue.c - the msgq workload's queue, SysV or POSIX: made by the parent,
 * opened again by the child as an unrelated program would, removed on
 * exit, on error and from the termination handler; and the counted sends
 * and receives of numbered, checked messages; see msgq.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <unistd.h>

#include "msgq.h"

#define MQ_MAXMSG	10		/* Linux's default fs.mqueue.msg_max */
#define FTOK_PROJ	'M'		/* first ftok() project id tried */

char g_mq_name[64];
static int g_proj;			/* ftok() project id of the queue's key */

/* The queue, removed before the key file and the directory. */
enum { OBJ_QUEUE_MSQ, OBJ_QUEUE_MQ };
static struct object g_objects[] = {
	[OBJ_QUEUE_MSQ] = { OBJ_MSQ, NULL, "msgctl IPC_RMID", 0, 0 },
	[OBJ_QUEUE_MQ] = { OBJ_MQ, g_mq_name, "mq_unlink", 0, 0 },
};

void prepare_paths(const struct config *cfg)
{
	set_objects(g_objects, ARRAY_SIZE(g_objects));
	if (cfg->api == API_POSIX)
		snprintf(g_mq_name, sizeof(g_mq_name), "/ipcscope-mq-%ld",
			 (long)getpid());
	else
		prepare_key_file();
}

/* Counts the parent's msgget calls for ftok_create(). */
static int sysv_get(key_t key, void *arg)
{
	struct counts *c = arg;
	int id;

	c->get_calls++;
	id = msgget(key, IPC_CREAT | IPC_EXCL | 0600);
	if (id < 0)
		c->get_errors++;
	return id;
}

/* Signals are blocked so a handler never misses something just created. */
int create_queue(const struct config *cfg, struct counts *c,
		 struct queue_meta *m)
{
	sigset_t old;
	key_t key;
	int fd, ret = -1;

	block_handled_signals(&old);
	if (cfg->api == API_POSIX) {
		struct mq_attr attr;
		mqd_t q;

		memset(&attr, 0, sizeof(attr));
		attr.mq_maxmsg = MQ_MAXMSG;
		attr.mq_msgsize = (long)cfg->size;
		c->get_calls++;
		q = mq_open(g_mq_name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
		if (q == (mqd_t)-1) {
			c->get_errors++;
			sys_error("parent", "mq_open");
			goto out;
		}
		object_made(&g_objects[OBJ_QUEUE_MQ]);
		get_file_id((int)q, &m->id);
		ret = (int)q;
		goto out;
	}

	fd = make_key_file("create key file", 0);
	if (fd < 0)
		goto out;
	close(fd);
	g_proj = FTOK_PROJ;
	ret = ftok_create(&g_proj, sysv_get, c, &key, "msgget");
	if (ret >= 0) {
		object_made_id(&g_objects[OBJ_QUEUE_MSQ], ret);
		m->msqid = ret;
		m->key = key;
	}
out:
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}

/* Byte j of the text of message seq: differs between messages and bytes. */
static unsigned char pattern_byte(uint64_t seq, size_t j)
{
	uint64_t x = (seq + 1) * 0x9e3779b97f4a7c15ULL;

	x ^= ((uint64_t)j + 1) * 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 29;
	return (unsigned char)(x >> 32);
}

static void fill_text(char *text, size_t size, uint64_t seq)
{
	for (size_t j = 0; j < size; j++)
		text[j] = (char)pattern_byte(seq, j);
}

static int text_matches(const char *text, size_t size, uint64_t seq)
{
	for (size_t j = 0; j < size; j++)
		if ((unsigned char)text[j] != pattern_byte(seq, j))
			return 0;
	return 1;
}

/* Counts go straight into the shared mapping. */
int child_run(const struct config *cfg, struct sysv_msg *msg, int parent_q,
	      struct child_report *r)
{
	struct counts *c = &r->c;
	size_t size = (size_t)cfg->size;
	uint64_t *seen = NULL;		/* posix: messages received per type */
	int q;

	if (cfg->api == API_SYSV) {
		key_t key = ftok(g_key_path, g_proj);

		if (key == (key_t)-1) {
			sys_error("child", "ftok");
			return 1;
		}
		r->key = key;
		c->get_calls++;
		q = msgget(key, 0);
		if (q < 0) {
			c->get_errors++;
			sys_error("child", "msgget");
			return 1;
		}
		r->msqid = q;
	} else {
		mqd_t mq;

		/* An unrelated reader would not have the parent's queue
		 * descriptor: drop it and open the queue by name. */
		mq_close((mqd_t)parent_q);
		seen = calloc((size_t)cfg->types + 1, sizeof(*seen));
		if (!seen) {
			sys_error("child", "calloc");
			return 1;
		}
		c->get_calls++;
		mq = mq_open(g_mq_name, O_RDONLY);
		if (mq == (mqd_t)-1) {
			c->get_errors++;
			sys_error("child", "mq_open");
			return 1;
		}
		q = (int)mq;
	}

	xfer_receiver_ready(&r->xfer);
	for (uint64_t i = 0; i < cfg->count; i++) {
		uint64_t type, seq;
		unsigned int prio = 0;
		ssize_t n;
		int ok;

		if (sleep_ms(cfg->run.recv_delay_ms) < 0)
			return 1;
		for (;;) {
			if (cfg->api == API_SYSV) {
				long want = 0;
				int flags = 0;

				if (cfg->receive == RECV_BYTYPE) {
					want = (long)(i % cfg->types) + 1;
				} else if (cfg->receive == RECV_EXCEPT) {
					want = (long)cfg->types + 1;
					flags = MSG_EXCEPT;
				}
				n = msgrcv(q, msg, size, want, flags);
			} else {
				n = mq_receive((mqd_t)q, msg->mtext, size, &prio);
			}
			c->receive_calls++;
			if (n >= 0)
				break;
			c->receive_errors++;
			if (errno != EINTR) {
				sys_error("child", cfg->api == API_SYSV ?
					  "msgrcv" : "mq_receive");
				return 1;
			}
		}
		if (i + 1 == cfg->count)
			xfer_end(&r->xfer);
		c->bytes_received += (uint64_t)n;

		if (cfg->api == API_SYSV) {
			/* FIFO order, or by-type order that equals it */
			seq = i;
			type = msg->mtype > 0 ? (uint64_t)msg->mtype : 0;
			ok = type == (i % cfg->types) + 1;
		} else {
			/* highest priority first, FIFO within a priority */
			type = prio;
			ok = type >= 1 && type <= cfg->types;
			seq = ok ? seen[type]++ * cfg->types + (type - 1) : 0;
			ok = ok && seq < cfg->count;
		}
		if (type >= 1 && type <= cfg->types)
			r->received_by_type[type]++;
		if (!ok || (size_t)n != size || !text_matches(msg->mtext, size, seq))
			r->mismatches++;
	}
	if (cfg->api == API_POSIX && mq_close((mqd_t)q) < 0) {
		sys_error("child", "mq_close");
		return 1;
	}
	free(seen);
	return 0;
}

int parent_run(const struct config *cfg, struct sysv_msg *msg, int q,
	       struct counts *c, uint64_t *sent_by_type,
	       struct xfer_time *xt)
{
	size_t size = (size_t)cfg->size;

	for (uint64_t i = 0; i < cfg->count; i++) {
		uint64_t type = (i % cfg->types) + 1;

		msg->mtype = (long)type;
		fill_text(msg->mtext, size, i);
		if (i == 0) {
			if (xfer_wait_receiver(xt, 1) < 0)
				return -1;	/* the child failed: it said why */
			xfer_start(xt);
		}
		for (;;) {
			int r;

			/* The child only exits on its own once it has every
			 * message: before that, gone means failed. */
			if (g_child_gone) {
				say("parent", "the child exited after %" PRIu64
				    " of %" PRIu64 " messages were sent", i,
				    cfg->count);
				return -1;
			}
			if (cfg->api == API_SYSV)
				r = msgsnd(q, msg, size, 0);
			else
				r = mq_send((mqd_t)q, msg->mtext, size,
					    (unsigned int)type);
			c->send_calls++;
			if (r == 0)
				break;
			c->send_errors++;
			if (errno != EINTR) {
				sys_error("parent", cfg->api == API_SYSV ?
					  "msgsnd" : "mq_send");
				return -1;
			}
		}
		c->bytes_sent += size;
		sent_by_type[type]++;
		if (sleep_ms(cfg->run.send_delay_ms) < 0)
			return -1;
	}
	return 0;
}
