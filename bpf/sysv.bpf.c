// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * sysv.bpf.c - POSIX message queues (mq_timedsend/mq_timedreceive; SysV
 * msgsnd/msgrcv are in msgq.bpf.h), SysV semaphores (semop/semtimedop), SysV shared memory
 * attach/detach (shmat/shmdt), futexes, and the *get calls that name SysV
 * objects (msgget, semget, shmget: their key and size go to obj_info).
 *
 * SysV objects are identified by their id (ino = id, dev = 0); a POSIX
 * queue by its mqueue inode, found from the fd like a pipe.
 */
#include "objects.bpf.h"
#include "sysv.bpf.h"

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
