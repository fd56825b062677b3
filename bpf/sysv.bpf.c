// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * sysv.bpf.c - message queues (SysV msgsnd/msgrcv, POSIX mq_timedsend/
 * mq_timedreceive), SysV semaphores (semop/semtimedop), SysV shared memory
 * attach/detach (shmat/shmdt), futexes, and the *get calls that name SysV
 * objects (msgget, semget, shmget: their key and size go to obj_info).
 *
 * SysV objects are identified by their id (ino = id, dev = 0); a POSIX
 * queue by its mqueue inode, found from the fd like a pipe.
 */
#include "common.bpf.h"

#define FUTEX_CMD_MASK	(~(128 | 256))	/* without PRIVATE and CLOCK_REALTIME */
#define SHMDT_UNKNOWN	0xffffffffULL	/* shmdt of an attach we did not see */

/* where each process attached which segment, for shmdt(addr) */
struct shm_attach_key {
	__u32 tgid;
	__u32 pad;
	__u64 addr;
	__u64 start;	/* the process's start: a later owner of its pid that
			   maps at the same address is not it */
};
IPC_MAP_PRIVATE(shm_attaches, BPF_MAP_TYPE_HASH, struct shm_attach_key, __u64, 4096);

/*
 * msgget(key, flg), semget(key, n, flg), shmget(key, size, flg): the id is
 * the return value, so the object is known only at exit (exit_get). The
 * size rides in arg_bytes (bytes_from is BYTES_NONE: no payload).
 */
__noinline int enter_get(__u32 kind, long key, __u64 size)
{
	struct inflight *ent = inflight_start_one(kind, 0, IPC_OP_GET, IPC_DIR_OTHER,
						  BYTES_NONE, size, 0);

	if (ent)
		ent->arg = (int)key;
	return 0;
}

__noinline int exit_get(long ret)
{
	struct inflight *ent = inflight_current();
	struct inflight_obj o;
	__u64 now, dur;

	if (!ent)
		return 0;
	now = bpf_ktime_get_ns();
	dur = now - ent->start_ns;
	o = ent->objs[0];
	/* accounted here, with the id it returned: not by inflight_finish */
	ent->nobjs = 0;
	if (ret >= 0) {
		struct ipc_obj_info info = { .sysv_key = ent->arg,
					     .size = o.arg_bytes };

		o.key.ino = ret;
		/* the latest *get names it: ids are reused after IPC_RMID */
		if (bpf_map_update_elem(&obj_info, &o.key, &info, BPF_ANY))
			count_drop(IPC_DROP_OBJ_INFO);
		account_object(&o, 0, dur);
	}
	account_op(&o, ret, dur);
	if (trace_wanted(kind_bit(o.key.kind)))
		trace_op(&o, ret, now, dur);
	return 0;
}

static __always_inline void count_msg_type(__u32 msqid, __s64 mtype,
					   __u32 which)
{
	struct ipc_msgtype_key k = { .msqid = msqid, .mtype = mtype };
	struct ipc_msgtype_stats zero = {}, *st;

	st = lookup_or_init(&msg_types, &k, &zero, IPC_DROP_MSG_TYPE);
	if (!st)
		return;
	if (which == 0)
		__sync_fetch_and_add(&st->sent, 1);
	else if (which == 1)
		__sync_fetch_and_add(&st->received, 1);
	else
		__sync_fetch_and_add(&st->requested, 1);
}

/*
 * msgsnd(msqid, msgp, msgsz, msgflg) returns 0: the bytes are its msgsz
 * argument (the mtext size)
 */
__noinline int enter_msgsnd(__u32 msqid, __u64 msgp, __u64 msgsz)
{
	struct inflight *ent = inflight_start_one(IPC_KIND_SYSV_MSQ, msqid,
						  IPC_OP_MSGSND, IPC_DIR_IN,
						  BYTES_ARG, msgsz, 1);
	__s64 mtype;

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

/* msgrcv(msqid, msgp, msgsz, msgtyp, msgflg) */
__noinline int enter_msgrcv(__u32 msqid, __u64 msgp, long msgtyp)
{
	struct inflight *ent = inflight_start_one(IPC_KIND_SYSV_MSQ, msqid,
						  IPC_OP_MSGRCV, IPC_DIR_OUT,
						  BYTES_RET, 0, 1);

	count_msg_type(msqid, msgtyp, 2);
	if (ent)
		ent->uptr = msgp;	/* the type received is read there at exit */
	return 0;
}

/* msgsnd: count the type if it was sent; msgrcv: read the type received */
__noinline int exit_msg(long ret, int send)
{
	struct inflight *ent = inflight_current();
	__u32 msqid;
	__s64 mtype;

	if (!ent || !ent->uptr)
		return 0;
	msqid = ent->objs[0].key.ino;
	if (send && ret == 0)
		count_msg_type(msqid, ent->arg, 0);
	else if (!send && ret >= 0 &&
		 !bpf_probe_read_user(&mtype, sizeof(mtype), (void *)ent->uptr))
		count_msg_type(msqid, mtype, 1);
	return 0;	/* ipc_sys_exit finishes the record */
}


/*
 * mq_timedsend(fd, msg, len, prio, timeout): the bytes are len, it
 * returns 0; mq_timedreceive(fd, msg, len, prio, timeout) returns them.
 */
__noinline int enter_mq(long fd, __u32 op, __u64 len)
{
	bool send = op == IPC_OP_MQ_SEND;
	struct inflight *ent = inflight_begin();
	struct ipc_obj_key key = {};

	if (file_object(fd_file(fd), &key, ent) != IPC_KIND_POSIX_MQ)
		return 0;
	inflight_add(ent, &key, op, send ? IPC_DIR_IN : IPC_DIR_OUT,
		     send ? BYTES_ARG : BYTES_RET, send ? len : 0);
	if (!ent)
		return 0;
	ent->objs[0].items = 1;	/* one message */
	inflight_commit(ent);
	return 0;
}

/*
 * semop(semid, sops, nsops), semtimedop(semid, sops, nsops, timeout):
 * nsops operations, applied all or none
 */
__noinline int enter_semop(__u32 semid, __u32 nsops)
{
	inflight_start_one(IPC_KIND_SYSV_SEM, semid, IPC_OP_SEMOP,
			   IPC_DIR_OTHER, BYTES_NONE, 0, nsops);
	return 0;
}

/* shmat(shmid, addr, flg) */
__noinline int enter_shmat(__u32 shmid)
{
	inflight_start_one(IPC_KIND_SYSV_SHM, shmid, IPC_OP_SHMAT,
			   IPC_DIR_OTHER, BYTES_NONE, 0, 0);
	return 0;
}

__noinline int exit_shmat(long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct inflight *ent = inflight_current();

	/* remember the address, so that shmdt(addr) finds the segment */
	if (ent && ret > 0) {
		struct shm_attach_key k = { .tgid = id >> 32, .addr = ret,
					    .start = current_start() };
		__u64 shmid = ent->objs[0].key.ino;

		bpf_map_update_elem(&shm_attaches, &k, &shmid, BPF_ANY);
	}
	return 0;	/* ipc_sys_exit finishes the record */
}

/* shmdt(addr) */
__noinline int enter_shmdt(__u64 addr)
{
	struct shm_attach_key k = { .tgid = current_tgid(), .addr = addr,
				    .start = current_start() };
	__u64 *shmid;

	shmid = bpf_map_lookup_elem(&shm_attaches, &k);
	inflight_start_one(IPC_KIND_SYSV_SHM, shmid ? *shmid : SHMDT_UNKNOWN,
			   IPC_OP_SHMDT, IPC_DIR_OTHER, BYTES_NONE, 0, 0);
	if (shmid)
		bpf_map_delete_elem(&shm_attaches, &k);
	return 0;
}

/* futex(uaddr, op, val, timeout, uaddr2, val3) */
__noinline int enter_futex(__u64 uaddr, __u32 futex_op)
{
	__u32 cmd = futex_op & FUTEX_CMD_MASK, op;

	switch (cmd) {
	case 0:		/* FUTEX_WAIT */
	case 6:		/* FUTEX_LOCK_PI */
	case 8:		/* FUTEX_TRYLOCK_PI */
	case 9:		/* FUTEX_WAIT_BITSET */
	case 11:	/* FUTEX_WAIT_REQUEUE_PI */
	case 13:	/* FUTEX_LOCK_PI2 */
		op = IPC_OP_FUTEX_WAIT;
		break;
	case 1:		/* FUTEX_WAKE */
	case 3:		/* FUTEX_REQUEUE */
	case 4:		/* FUTEX_CMP_REQUEUE */
	case 5:		/* FUTEX_WAKE_OP */
	case 7:		/* FUTEX_UNLOCK_PI */
	case 10:	/* FUTEX_WAKE_BITSET */
	case 12:	/* FUTEX_CMP_REQUEUE_PI */
		op = IPC_OP_FUTEX_WAKE;
		break;
	default:
		return 0;
	}
	inflight_start_one(IPC_KIND_FUTEX, uaddr, op, IPC_DIR_OTHER,
			   BYTES_NONE, 0, 0);
	return 0;
}
