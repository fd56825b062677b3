// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * sem.bpf.c - SysV semaphores (semop, semtimedop), identified by their id
 * (ino = id, dev = 0), and futexes, by their user address: waits and
 * wakes.
 */
#include "inflight.bpf.h"
#include "sem.bpf.h"

#define FUTEX_CMD_MASK	(~(128 | 256))	/* without PRIVATE and CLOCK_REALTIME */

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
