// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * sysv.bpf.c - the *get calls that name SysV objects: msgget, semget,
 * shmget. Their key and size go to obj_info, under the id they return.
 * SysV objects are identified by their id (ino = id, dev = 0); their
 * operations are in msgq.bpf.h, sem.bpf.c and shm.bpf.c.
 */
#include "inflight.bpf.h"
#include "sysv.bpf.h"

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
