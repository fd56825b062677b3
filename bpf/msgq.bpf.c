// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * msgq.bpf.c - POSIX message queues: mq_timedsend and mq_timedreceive. A
 * POSIX queue is identified by its mqueue inode, found from the fd like a
 * pipe. SysV msgsnd and msgrcv are inline in sys_enter and sys_exit
 * (msgq.bpf.h).
 */
#include "objects.bpf.h"
#include "msgq.bpf.h"

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
