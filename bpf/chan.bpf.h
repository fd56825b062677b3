// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * chan.bpf.h - time in channel: how long data waits in the kernel between
 * the send that put it in and the receive that took it out. Included by
 * core.bpf.c only: chan_exit is a static function that only the program
 * ipc_sys_exit_chan calls, so that a kernel without what it needs never
 * sees its instructions (5.10 refuses them even where unreachable).
 *
 * Everything happens at syscall exit (ipc_sys_exit_chan calls chan_exit before
 * the syscall's in-flight record is finished): the send's time is its
 * syscall ENTRY (struct inflight.start_ns), the receive's its EXIT. The
 * entry, because data can leave before the send returns: a reader on
 * another CPU takes a 1-byte ping-pong message while the writer is still on
 * its way out, and a 1 MiB write into a 64 KiB pipe is read in chunks long
 * before it returns. For such a write the later chunks also count the time
 * they waited in the writer's buffer for room in the pipe: the figure is an
 * upper bound there (the writer's wait also shows as its write latency).
 *
 * Two shapes of channel:
 *
 * Byte streams (pipes, FIFOs, Unix stream and TCP sockets): per channel a write
 * cursor and a read cursor (bytes since the channel was first seen), and a
 * ring of the last CHAN_WRITES sends (start, end, entry time). A receive
 * that returns bytes from position r is timed by the send that covered r.
 * When that send has not returned yet, the receive looks up the last
 * sender's in-flight record (a single sender's current send must be it);
 * failing that it waits in one of CHAN_PENDING slots for the send's exit to
 * time it. Resynchronisation: data cannot be received before it was sent.
 * A waiting receive that ended before the send that would cover it began
 * means the reader is ahead of the writer (the channel held data before it
 * was first seen, or an untraced process wrote): it is counted unmatched
 * and the write cursor jumps to the read cursor.
 *
 * Messages (SysV queues per (queue, mtype); POSIX queues per (queue,
 * priority); Unix datagram and seqpacket sockets per receiving socket,
 * UDP per pair of addresses):
 * the n-th message sent is the n-th received (FIFO), so send n and receive
 * n meet in slot n % CHAN_MSGS of a ring; whichever exits second computes
 * the time. A receive that ended before its send began resynchronises the
 * send counter to the receive counter, as above.
 *
 * No locks: the cursors are atomics, a slot is claimed by exchange or
 * compare-and-exchange, so a send and a receive racing on two CPUs time a
 * message exactly once. Concurrent SENDERS on one byte stream can record
 * their writes out of order (their positions are taken at exit): with
 * several writers per pipe the figures are approximate. A second reader
 * that is not traced takes bytes the read cursor never sees: the traced
 * reader's samples are then matched to older writes.
 *
 * Needs BPF atomics with fetch/xchg/cmpxchg (Linux 5.12+, -mcpu=v3): user
 * space loads ipc_sys_exit_chan only there.
 */
#ifndef CHAN_BPF_H
#define CHAN_BPF_H

#include "objects.bpf.h"

#define CHAN_WRITES	32	/* sends remembered per byte stream */
#define CHAN_PENDING	4	/* receives that wait for their send's exit */
#define CHAN_MSGS	64	/* messages in flight per message channel */
#define MAX_CHANNELS	2048
#define MSG_PEEK	2
#define READ_ONCE(x)	(*(const volatile typeof(x) *)&(x))

/* State: a channel's identity, the same at both ends. */
struct chan_key {
	__u32 kind;		/* enum ipc_kind */
	__u32 pad;
	__u64 a;		/* pipe: dev; socket: receiving struct sock;
				   queue: id or dev */
	__u64 b;		/* pipe: ino; SysV: mtype; POSIX: ino */
	__u64 c;		/* POSIX: priority */
};

struct chan_write {
	__u64 seq;		/* which send this is (slot reuse check) */
	__u64 start, end;	/* its bytes: [start, end) */
	__u64 ts;		/* its syscall entry */
};

enum { PEND_FREE = 0, PEND_FILLING, PEND_WAITING, PEND_CLAIMED };

struct chan_pend {
	__u64 state;
	__u64 pos;		/* the receive's first byte */
	__u64 ts;		/* its exit */
};

struct chan_stream {
	__u64 wpos;		/* bytes sent (published after the ring entry) */
	__u64 rpos;		/* bytes received */
	__u64 wseq;		/* sends recorded */
	__u64 rseq;		/* the oldest send a receive may still need */
	__u64 evicted_end;	/* end of the newest send overwritten unread */
	__u64 writer;		/* pid_tgid of the last sender */
	struct ipc_obj_key wkey;	/* its object (a socket: its own end) */
	struct ipc_obj_key rkey;	/* the receiving object, for samples */
	struct chan_write w[CHAN_WRITES];
	struct chan_pend p[CHAN_PENDING];
};

/* A message slot's state: seq << 2 | which sides arrived. */
#define MSG_SENT	1
#define MSG_RECVD	2
#define MSG_SIDES	3

struct chan_msg {
	__u64 state;
	__u64 send_ts;		/* syscall entry of the send */
	__u64 recv_ts;		/* syscall exit of the receive */
};

struct chan_fifo {
	__u64 sseq;		/* messages sent */
	__u64 rseq;		/* messages received */
	struct ipc_obj_key rkey;
	struct chan_msg m[CHAN_MSGS];
};

IPC_MAP_PRIVATE(chan_streams, BPF_MAP_TYPE_HASH, struct chan_key,
		struct chan_stream, MAX_CHANNELS);
IPC_MAP_PRIVATE(chan_fifos, BPF_MAP_TYPE_HASH, struct chan_key,
		struct chan_fifo, MAX_CHANNELS);
/* The histograms, by receiving object: read by user space. */
IPC_MAP_PRIVATE(chan_time, BPF_MAP_TYPE_HASH, struct ipc_obj_key,
		struct ipc_chan_stats, MAX_OBJECTS);

/* Never written: first values, too big for the stack. */
static struct chan_stream stream_zero;
static struct chan_fifo fifo_zero;
static struct ipc_chan_stats chan_stats_zero;

enum chan_outcome { CHAN_UNMATCHED, CHAN_OVERFLOW };

static __always_inline struct ipc_chan_stats *chan_stats(const struct ipc_obj_key *rkey)
{
	return lookup_or_init(&chan_time, rkey, &chan_stats_zero, IPC_DROP_CHAN);
}

/* One receive timed: sent at send_ts (entry), received at recv_ts (exit). */
static __always_inline void chan_sample(const struct ipc_obj_key *rkey,
					__u64 send_ts, __u64 recv_ts)
{
	struct ipc_chan_stats *cs = chan_stats(rkey);
	__u64 d = recv_ts - send_ts;

	if (!cs)
		return;
	__sync_fetch_and_add(&cs->samples, 1);
	__sync_fetch_and_add(&cs->sum_ns, d);
	__sync_fetch_and_add(&cs->slots[lat_slot_of(d)], 1);
}

/* One receive not timed, and why. */
static __always_inline void chan_miss(const struct ipc_obj_key *rkey,
				      enum chan_outcome why)
{
	struct ipc_chan_stats *cs = chan_stats(rkey);

	if (!cs)
		return;
	if (why == CHAN_OVERFLOW)
		__sync_fetch_and_add(&cs->overflow, 1);
	else
		__sync_fetch_and_add(&cs->unmatched, 1);
}

/* ---- byte streams ------------------------------------------------------ */

/* Time the receive at position r by the recorded send that covers it. */
static __always_inline void stream_match(struct chan_stream *st, __u64 r,
					 __u64 now)
{
	__u64 wseq = READ_ONCE(st->wseq), seq = READ_ONCE(st->rseq);

	if (wseq > seq + CHAN_WRITES)
		seq = wseq - CHAN_WRITES;	/* older ones were overwritten */
	for (int i = 0; i < CHAN_WRITES; i++) {
		struct chan_write *w;
		__u64 start, end, ts;

		if (seq >= wseq)
			break;
		w = &st->w[seq % CHAN_WRITES];
		start = READ_ONCE(w->start);
		end = READ_ONCE(w->end);
		ts = READ_ONCE(w->ts);
		if (READ_ONCE(w->seq) != seq)
			break;			/* overwritten meanwhile */
		if (r < start)
			break;
		if (r < end) {
			st->rseq = seq;
			if (ts <= now)
				chan_sample(&st->rkey, ts, now);
			else
				chan_miss(&st->rkey, CHAN_UNMATCHED);
			return;
		}
		seq++;
	}
	chan_miss(&st->rkey, r < READ_ONCE(st->evicted_end) ? CHAN_OVERFLOW
							     : CHAN_UNMATCHED);
}

/* Is this in-flight syscall a send into the object the last sender used? */
static __always_inline bool inflight_sends_to(const struct inflight *ent,
					      const struct ipc_obj_key *wkey)
{
	for (int i = 0; i < INFLIGHT_OBJS; i++) {
		const struct inflight_obj *o = &ent->objs[i];

		if (i >= ent->nobjs)
			break;
		if (o->dir == IPC_DIR_IN && o->key.ino == wkey->ino &&
		    o->key.dev == wkey->dev && o->key.kind == wkey->kind)
			return true;
	}
	return false;
}

static __always_inline void stream_recv(struct chan_stream *st,
					const struct ipc_obj_key *okey,
					__u64 n, __u64 now)
{
	__u64 r = __sync_fetch_and_add(&st->rpos, n), writer;
	struct inflight *ent;

	st->rkey = *okey;
	if (r < READ_ONCE(st->wpos)) {
		stream_match(st, r, now);
		return;
	}
	/* its send has not returned: a single sender is still in it */
	writer = READ_ONCE(st->writer);
	ent = writer ? bpf_map_lookup_elem(&inflight, &writer) : NULL;
	if (ent && inflight_sends_to(ent, &st->wkey)) {
		__u64 ts = ent->start_ns;

		if (ts <= now)
			chan_sample(okey, ts, now);
		else
			chan_miss(okey, CHAN_UNMATCHED);
		return;
	}
	/* or it returned meanwhile */
	if (r < READ_ONCE(st->wpos)) {
		stream_match(st, r, now);
		return;
	}
	/* wait for the send's exit to time it */
	for (int i = 0; i < CHAN_PENDING; i++) {
		struct chan_pend *p = &st->p[i];

		if (__sync_val_compare_and_swap(&p->state, PEND_FREE, PEND_FILLING) !=
		    PEND_FREE)
			continue;
		p->pos = r;
		p->ts = now;
		__sync_lock_test_and_set(&p->state, PEND_WAITING);	/* a barrier */
		/* a send published since: take the slot back, time it here */
		if (r < READ_ONCE(st->wpos) &&
		    __sync_val_compare_and_swap(&p->state, PEND_WAITING, PEND_FREE) ==
		    PEND_WAITING)
			stream_match(st, r, now);
		return;
	}
	chan_miss(okey, CHAN_OVERFLOW);
}

static __always_inline void stream_send(struct chan_stream *st,
					const struct ipc_obj_key *okey,
					__u64 n, __u64 ts, __u64 id)
{
	__u64 s = READ_ONCE(st->wpos), e = s + n;
	__u64 seq = __sync_fetch_and_add(&st->wseq, 1);
	struct chan_write *w = &st->w[seq % CHAN_WRITES];
	bool resync = false;

	/* an older send not yet read leaves the ring: its readers overflow */
	if (seq >= CHAN_WRITES && READ_ONCE(w->end) > READ_ONCE(st->rpos))
		st->evicted_end = w->end;
	w->start = s;
	w->end = e;
	w->ts = ts;
	w->seq = seq;
	st->writer = id;
	st->wkey = *okey;
	__sync_fetch_and_add(&st->wpos, n);	/* publish; a barrier */
	for (int i = 0; i < CHAN_PENDING; i++) {
		struct chan_pend *p = &st->p[i];
		__u64 pos, rts;

		if (READ_ONCE(p->state) != PEND_WAITING)
			continue;
		if (__sync_val_compare_and_swap(&p->state, PEND_WAITING, PEND_CLAIMED) !=
		    PEND_WAITING)
			continue;
		pos = p->pos;
		rts = p->ts;
		if (rts < ts || pos < s) {
			/* received before this send began, or from a send
			   never seen: the reader is ahead of the writer */
			chan_miss(&st->rkey, CHAN_UNMATCHED);
			resync = true;
			__sync_lock_test_and_set(&p->state, PEND_FREE);
		} else if (pos < e) {
			chan_sample(&st->rkey, ts, rts);
			__sync_lock_test_and_set(&p->state, PEND_FREE);
		} else {
			/* a later send's bytes: leave it waiting */
			__sync_lock_test_and_set(&p->state, PEND_WAITING);
		}
	}
	if (resync) {
		__u64 rpos = READ_ONCE(st->rpos);

		if (rpos > READ_ONCE(st->wpos))
			st->wpos = rpos;
	}
}

/* ---- messages ---------------------------------------------------------- */

/*
 * Send or receive number seq meets its other side in slot seq % CHAN_MSGS:
 * each side writes its time, then exchanges the slot's state for its own
 * tag; the side that finds the other's tag of the same seq computes.
 */
static __always_inline void fifo_arrive(struct chan_fifo *f, bool send, __u64 ts)
{
	__u64 seq = __sync_fetch_and_add(send ? &f->sseq : &f->rseq, 1);
	struct chan_msg *m = &f->m[seq % CHAN_MSGS];
	__u64 mine = seq << 2 | (send ? MSG_SENT : MSG_RECVD);
	__u64 other = seq << 2 | (send ? MSG_RECVD : MSG_SENT);
	__u64 old, send_ts, recv_ts;

	if (send) {
		m->send_ts = ts;
	} else {
		/* our send was overwritten by a later one (too many queued):
		   leave the later one for its own receive */
		old = READ_ONCE(m->state);
		if ((old >> 2) > seq && (old & MSG_SIDES) == MSG_SENT) {
			chan_miss(&f->rkey, CHAN_OVERFLOW);
			return;
		}
		m->recv_ts = ts;
	}
	old = __sync_lock_test_and_set(&m->state, mine);
	if (old == other) {
		send_ts = send ? ts : m->send_ts;
		recv_ts = send ? m->recv_ts : ts;
		__sync_lock_test_and_set(&m->state, seq << 2 | MSG_SIDES);
		if (send_ts <= recv_ts) {
			chan_sample(&f->rkey, send_ts, recv_ts);
			return;
		}
		/* received before it was sent: the receiver is ahead */
		chan_miss(&f->rkey, CHAN_UNMATCHED);
		if (send) {
			__u64 rseq = READ_ONCE(f->rseq);

			if (rseq > READ_ONCE(f->sseq))
				f->sseq = rseq;
		}
		return;
	}
	if (!old || (old & MSG_SIDES) == MSG_SIDES)
		return;		/* a free slot, or a finished message */
	if ((old & MSG_SIDES) == MSG_RECVD)
		/* a receive whose send never came */
		chan_miss(&f->rkey, CHAN_UNMATCHED);
	else if (!send && (old >> 2) > seq)
		/* overwritten between our look and our exchange */
		chan_miss(&f->rkey, CHAN_OVERFLOW);
}

/* ---- which channel ------------------------------------------------------ */

static __always_inline struct chan_stream *stream_state(const struct chan_key *k)
{
	return lookup_or_init(&chan_streams, k, &stream_zero, IPC_DROP_CHAN);
}

static __always_inline struct chan_fifo *fifo_state(const struct chan_key *k)
{
	return lookup_or_init(&chan_fifos, k, &fifo_zero, IPC_DROP_CHAN);
}

/*
 * A socket's channel, the same at both ends. Unix: the receiving struct
 * sock, and the receiving end's object (a sender knows it by its peer's
 * inode). TCP: the receiver's address and port, then the sender's (IPv6
 * addresses folded to 64 bits). UDP: the two ports only, since an
 * unconnected socket bound to the wildcard address does not know the
 * address its peer sees. The sender does not know the receiving socket's
 * inode, so only a receive names the receiving end. An unconnected UDP
 * socket's remote is its first peer: datagrams from others do not meet
 * their sends, and are counted unmatched.
 */
static __always_inline bool sock_chan(const struct ipc_obj_key *okey, bool send,
				      struct chan_key *k, struct ipc_obj_key *rkey)
{
	struct ipc_sock_info *si = bpf_map_lookup_elem(&sock_info, okey);
	__u64 sk, la[2], ra[2], l, r;
	__u32 lp, rp;

	if (!si)
		return false;
	if (si->family == AF_INET || si->family == AF_INET6) {
		lp = si->local_port;
		rp = si->remote_port;
		if (!lp || !rp)
			return false;
		__builtin_memcpy(la, si->local_addr, sizeof(la));
		__builtin_memcpy(ra, si->remote_addr, sizeof(ra));
		l = la[0] ^ la[1];
		r = ra[0] ^ ra[1];
		k->a = (__u64)si->family << 32 | (send ? rp << 16 | lp : lp << 16 | rp);
		if (okey->kind == IPC_KIND_TCP) {
			k->b = send ? r : l;
			k->c = send ? l : r;
		}
		if (send)
			rkey->ino = 0;
		return true;
	}
	if (si->family != AF_UNIX)
		return false;
	sk = send ? si->peer_sk_id : si->sk_id;
	if (!sk)
		return false;
	k->a = sk;
	/* 0 before the server's accept(): samples are only ever recorded
	   under a receiving end the receive itself names */
	if (send)
		rkey->ino = si->peer_ino;
	return true;
}

/* Argument n of the syscall exiting, from the user registers sys_exit
 * hands over (the arguments are still there); read only where needed. */
static __always_inline __u64 syscall_arg(struct pt_regs *regs, int n)
{
	switch (n) {
	case 2:
		return PT_REGS_PARM2_CORE_SYSCALL(regs);
	case 3:
		return PT_REGS_PARM3_CORE_SYSCALL(regs);
	case 4:
		return PT_REGS_PARM4_CORE_SYSCALL(regs);
	}
	return 0;
}

static __always_inline void chan_obj(const struct inflight_obj *o, long ret,
				     __u64 now, __u64 start_ns, __u64 id,
				     struct pt_regs *regs)
{
	bool send = o->dir == IPC_DIR_IN;
	struct chan_key k = { .kind = o->key.kind };
	struct ipc_obj_key rkey = o->key;	/* sockets: see sock_chan */
	__u32 kind = o->key.kind;

	if (o->dir != IPC_DIR_IN && o->dir != IPC_DIR_OUT)
		return;
	/* a receive that only peeks takes nothing out */
	if ((o->op == IPC_OP_RECVFROM && (syscall_arg(regs, 4) & MSG_PEEK)) ||
	    (o->op == IPC_OP_RECVMSG && (syscall_arg(regs, 3) & MSG_PEEK)))
		return;
	if (is_pipe_kind(kind) || kind == IPC_KIND_UNIX_STREAM || kind == IPC_KIND_TCP) {
		struct chan_stream *st;
		__u64 n = op_bytes(o, ret);

		if (!n)
			return;
		if (is_pipe_kind(kind)) {
			k.a = o->key.dev;
			k.b = o->key.ino;
		} else if (!sock_chan(&o->key, send, &k, &rkey)) {
			return;
		}
		st = stream_state(&k);
		if (!st)
			return;
		if (send)
			stream_send(st, &o->key, n, start_ns, id);
		else
			stream_recv(st, &rkey, n, now);
		return;
	}
	if (ret < 0)
		return;
	if (kind == IPC_KIND_SYSV_MSQ) {
		/* msgsnd/msgrcv(msqid, msgp, ...): the type is msgp's first long */
		__s64 mtype = 0;

		if (send && ret != 0)
			return;
		if (bpf_probe_read_user(&mtype, sizeof(mtype),
					(void *)syscall_arg(regs, 2)))
			return;
		k.a = o->key.ino;
		k.b = mtype;
	} else if (kind == IPC_KIND_POSIX_MQ) {
		/* mq_timedsend(fd, ptr, len, prio, ...); receive: &prio */
		__u64 prio = syscall_arg(regs, 4);
		__u32 p = 0;

		if (send && ret != 0)
			return;
		if (!send) {
			if (prio && bpf_probe_read_user(&p, sizeof(p), (void *)prio))
				return;
			prio = p;	/* no pointer: priority 0 assumed */
		}
		k.a = o->key.dev;
		k.b = o->key.ino;
		k.c = prio;
	} else if (kind == IPC_KIND_UNIX_DGRAM || kind == IPC_KIND_UNIX_SEQPACKET ||
		   kind == IPC_KIND_UDP) {
		if (!sock_chan(&o->key, send, &k, &rkey))
			return;
	} else {
		return;
	}
	{
		struct chan_fifo *f = fifo_state(&k);

		if (!f)
			return;
		/* a socket's end not known yet has ino 0; a SysV queue's is
		   its id, and the first queue since boot is number 0 */
		if (rkey.ino || kind == IPC_KIND_SYSV_MSQ)
			f->rkey = rkey;
		fifo_arrive(f, send, send ? start_ns : now);
	}
}

/*
 * From ipc_sys_exit, for a syscall with an in-flight record that moves data,
 * before the record is finished.
 */
static __noinline int chan_exit(struct inflight *ent, long ret,
				struct pt_regs *regs)
{
	__u64 id = bpf_get_current_pid_tgid(), now;

	if (!ent || ret < 0)
		return 0;
	now = bpf_ktime_get_ns();
	for (int i = 0; i < INFLIGHT_OBJS; i++) {
		if (i >= ent->nobjs)
			break;
		chan_obj(&ent->objs[i], ret, now, ent->start_ns, id, regs);
	}
	return 0;
}

#endif /* CHAN_BPF_H */
