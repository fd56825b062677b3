/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * msgq.bpf.h - message queues. SysV msgsnd and msgrcv, with the message
 * types per queue (sent, received, and what msgrcv asked for), are here:
 * ipc_sys_enter and ipc_sys_exit (core.bpf.c) inline them with the
 * thread's entry they already have, instead of a global function that
 * looks it up again (a ping-pong message is four calls). POSIX queues are
 * in msgq.bpf.c.
 *
 * SysV queues are identified by their id (ino = id, dev = 0). A thread's
 * message types are tallied in its entry (struct ipc_thread_msgtype) and
 * go to the msg_types map when another type takes the slot or the thread
 * exits (flush_thread_msgtype, inflight.bpf.c), as its endpoints do.
 */
#ifndef MSGQ_BPF_H
#define MSGQ_BPF_H

#include "inflight.bpf.h"

int enter_mq(long fd, __u32 op, __u64 len);	/* msgq.bpf.c */

enum msgtype_count { MSGTYPE_SENT, MSGTYPE_RECEIVED, MSGTYPE_REQUESTED };

/* Straight into msg_types: a thread without an entry (the map was full). */
static __always_inline void count_msg_type(__u32 msqid, __s64 mtype,
					   enum msgtype_count which)
{
	struct ipc_msgtype_key k = { .msqid = msqid, .mtype = mtype };
	struct ipc_msgtype_stats zero = {}, *st;

	st = lookup_or_init(&msg_types, &k, &zero, IPC_DROP_MSG_TYPE);
	if (!st)
		return;
	if (which == MSGTYPE_SENT)
		__sync_fetch_and_add(&st->sent, 1);
	else if (which == MSGTYPE_RECEIVED)
		__sync_fetch_and_add(&st->received, 1);
	else
		__sync_fetch_and_add(&st->requested, 1);
}

/* One message of (msqid, mtype) sent, received or asked for by the thread. */
static __always_inline void tally_msgtype(struct inflight *ent, __u32 msqid,
					  __s64 mtype, enum msgtype_count which)
{
	struct ipc_thread_msgtype *t;
	__u32 i;

	if (!ent) {
		count_msg_type(msqid, mtype, which);
		return;
	}
	_Static_assert(IPC_THREAD_MSGTYPES == 2, "the slot not used last is msgtype_last ^ 1");
	for (i = 0; i < IPC_THREAD_MSGTYPES; i++) {
		t = &ent->counts.msgtypes[i];
		if (t->key.msqid == msqid && t->key.mtype == mtype)
			break;
	}
	if (i == IPC_THREAD_MSGTYPES) {
		i = (ent->msgtype_last ^ 1) & 1;
		flush_thread_msgtype(bpf_get_current_pid_tgid(), i);
		t = &ent->counts.msgtypes[i];
		t->key.msqid = msqid;
		t->key.mtype = mtype;
	}
	ent->msgtype_last = i;
	if (which == MSGTYPE_SENT)
		t->st.sent++;
	else if (which == MSGTYPE_RECEIVED)
		t->st.received++;
	else
		t->st.requested++;
}

/*
 * msgsnd(msqid, msgp, msgsz, msgflg) returns 0: the bytes are its msgsz
 * argument (the mtext size)
 */
static __always_inline int enter_msgsnd(struct inflight *ent, __u32 msqid,
					__u64 msgp, __u64 msgsz)
{
	__s64 mtype;

	ent = inflight_start_obj(ent, IPC_KIND_SYSV_MSQ, msqid, IPC_OP_MSGSND,
				 IPC_DIR_IN, BYTES_ARG, msgsz, 1);
	if (!ent)
		return 0;
	/* the type sent (struct msgbuf: mtype is its first long); counted
	 * at exit if the message went */
	ent->uptr = 0;
	if (!bpf_probe_read_user(&mtype, sizeof(mtype), (void *)msgp)) {
		ent->uptr = msgp;
		ent->arg = mtype;
	}
	return 0;
}

/* msgrcv's flags that make msgtyp mean something else than "this type"
 * (include/uapi/linux/msg.h; #defines are not in the kernel's BTF) */
#define IPC_MSG_EXCEPT	020000	/* any type but msgtyp */
#define IPC_MSG_COPY	040000	/* msgtyp is the message's index */

/*
 * msgrcv(msqid, msgp, msgsz, msgtyp, msgflg). A message that comes is of
 * the type asked for when msgtyp > 0 and neither flag is set (the kernel's
 * SEARCH_EQUAL, ipc/msg.c): its exit counts msgtyp, kept in arg. Any other
 * msgrcv (msgtyp 0: the oldest; < 0: the lowest type up to -msgtyp; the
 * flags) has its exit read the type from msgp, where the kernel put it:
 * arg 0, as no message has type 0. Each such read of user memory
 * (bpf_probe_read_user) took about 115 ns on the bench's machine, nearly
 * a tenth of a SysV ping-pong's BPF time.
 */
static __always_inline int enter_msgrcv(struct inflight *ent, __u32 msqid,
					__u64 msgp, long msgtyp, long msgflg)
{
	/* asked for now: a receiver still waiting shows what it waits for */
	tally_msgtype(ent, msqid, msgtyp, MSGTYPE_REQUESTED);
	ent = inflight_start_obj(ent, IPC_KIND_SYSV_MSQ, msqid, IPC_OP_MSGRCV,
				 IPC_DIR_OUT, BYTES_RET, 0, 1);
	if (ent) {
		ent->uptr = msgp;
		ent->arg = msgtyp > 0 && !(msgflg & (IPC_MSG_EXCEPT | IPC_MSG_COPY)) ?
			   msgtyp : 0;
	}
	return 0;
}

/* msgsnd: count the type if it was sent; msgrcv: the type received */
static __always_inline void exit_msg(struct inflight *ent, long ret, bool send)
{
	__u32 msqid = ent->objs[0].key.ino;
	__s64 mtype = ent->arg;

	if (!ent->uptr)
		return;
	if (send) {
		if (ret == 0)
			tally_msgtype(ent, msqid, mtype, MSGTYPE_SENT);
		return;
	}
	if (ret < 0)
		return;
	if (!mtype && bpf_probe_read_user(&mtype, sizeof(mtype), (void *)ent->uptr))
		return;
	tally_msgtype(ent, msqid, mtype, MSGTYPE_RECEIVED);
}

#endif /* MSGQ_BPF_H */
