/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * inflight.bpf.h - a traced thread's entry (the inflight map): its counts,
 * the IPC syscall in flight between its enter and exit, and the accounting
 * of that syscall's objects at exit. The global functions are in
 * inflight.bpf.c.
 */
#ifndef INFLIGHT_BPF_H
#define INFLIGHT_BPF_H

#include "maps.bpf.h"

/*
 * A traced thread's entry (key: pid_tgid), made at its first syscall seen
 * and removed when it exits (retire_thread). It holds the thread's own
 * counts (struct ipc_thread_counts: its syscalls, switches, and what its
 * calls added to its last two endpoints and message types); the IPC
 * syscall in flight between its enter and exit tracepoints, rewritten in
 * place by the next one and marked finished (nobjs = 0) at exit (a hash
 * update and delete per syscall cost more than the rest of the exit's
 * work); and the objects behind the last inodes the thread used (struct
 * obj_cache_ent).
 */
#define INFLIGHT_OBJS 2	/* splice() can have a pipe on both sides */
/* How the bytes an operation moved are known. */
enum bytes_from {
	BYTES_NONE = 0,		/* it moves no payload (semop, futex, shmat) */
	BYTES_RET,		/* the return value (read, write, msgrcv) */
	BYTES_ARG,		/* an argument, when the call returns 0 (msgsnd) */
};

struct inflight_obj {
	struct ipc_obj_key key;
	__u32 op;		/* enum ipc_op */
	__u16 dir;		/* enum ipc_dir */
	__u16 bytes_from;	/* enum bytes_from */
	__u64 arg_bytes;	/* for BYTES_ARG */
	__u32 items;		/* messages or semaphore operations, if it succeeds */
	__u32 pad;
};

/*
 * What file_object (objects.bpf.h) found behind an inode: the same inode (its address, its
 * number and its mode all equal) is the same object, so a thread that
 * writes to the same pipe again skips the super block and socket reads and
 * the socket's info lookup. A socket whose addresses may still change
 * (unbound, or a Unix peer not yet accepted) is not kept.
 */
#define OBJ_CACHE	4	/* a power of two */
struct obj_cache_ent {
	__u64 inode;		/* struct inode *, as a number */
	__u64 ino;
	__u32 mode;
	__u32 pad;
	struct ipc_obj_key key;	/* kind IPC_KIND_NONE: not an IPC object */
};

struct inflight {
	struct ipc_thread_counts counts;	/* first: user space reads it */
	__u64 start_ns;
	__u32 nobjs;
	__s32 fd;		/* sockets: to look at the socket again at exit */
	struct inflight_obj objs[INFLIGHT_OBJS];
	/* what an exit needs of its call's arguments, set by its enter */
	__u64 uptr;		/* msgsnd, msgrcv: msgp; recvfrom: src_addr;
				   recvmsg: msg; 0: none */
	__s64 arg;		/* msgsnd: the type sent; msgrcv: the type
				   that can come, 0: any (enter_msgrcv); *get:
				   the key; recvfrom, recvmsg: 1 when uptr is a
				   msghdr */
	__u32 cache_next;	/* the cache slot to replace next */
	__u32 ep_last;		/* the counts.eps slot used last */
	__u32 msgtype_last;	/* the counts.msgtypes slot used last */
	__u32 sys_nr;		/* count_phases, trace_explain: the syscall in
				   progress, for its exit to count in the phase
				   it returns in, or to stream */
	__u32 sys_cpu;		/* trace_explain: where it was entered */
	__u64 sys_ns;		/* trace_explain: when it was entered */
	struct obj_cache_ent cache[OBJ_CACHE];
};

IPC_MAP(inflight, BPF_MAP_TYPE_HASH, __u64, struct inflight, MAX_INFLIGHT);
/* Never written: a thread's first entry (like ep_zero) */
static struct inflight inflight_zero;

/* Never written: the first value of an endpoint, too big for the stack.
 * Static, so not in the skeleton. */
static struct ipc_ep_stats ep_zero;

/*
 * The per-process record, created on first sight. It is looked up on every
 * syscall of a target: the initial values are made only when it is missing.
 */
static __noinline struct ipc_proc *proc_create(const struct ipc_proc_key *key)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct ipc_proc init = {};

	init.ppid = BPF_CORE_READ(task, real_parent, tgid);
	init.first_ns = bpf_ktime_get_ns();
	init.cgroup_id = bpf_get_current_cgroup_id();
	BPF_CORE_READ_STR_INTO(&init.comm, task, group_leader, comm);
	return lookup_or_init(&procs, key, &init, IPC_DROP_PROC);
}

/*
 * The current process's record: tgid must be current_tgid() (every caller
 * runs in the process it counts). The key is (tgid, current_start()), so
 * a process that got an exited one's pid gets a record of its own.
 */
static __always_inline struct ipc_proc *proc_lookup(__u32 tgid)
{
	struct ipc_proc_key key = { .tgid = tgid, .start = current_start() };
	struct ipc_proc *p = bpf_map_lookup_elem(&procs, &key);

	return p ? p : proc_create(&key);
}

/*
 * The entry of thread id (a pid_tgid) goes to its process (counts) and to
 * the maps (tallies), and is removed: when the thread exits (ipc_exit), or
 * when it exec'd from a non-leader and took the leader's thread id
 * (ipc_exec). A global function in inflight.bpf.c.
 */
int retire_thread(__u64 id);

/*
 * The current thread's entry (key id, its pid_tgid) if it is a target's:
 * entries are made for targets' threads only and go when the thread exits
 * or changes its id (retire_thread), so finding one answers is_target
 * without the targets lookup: the hot path of every traced syscall and
 * context switch.
 */
static __always_inline struct inflight *target_entry(__u64 id)
{
	return bpf_map_lookup_elem(&inflight, &id);
}

/*
 * The current thread's entry, made at its first syscall seen (a target's:
 * ipc_sys_enter); NULL when the map is full. That is a drop only when it
 * loses an IPC operation (inflight_add counts it): a syscall is counted for
 * its process anyway. Only this thread writes its entry; ipc_exit removes
 * it when the thread exits.
 */
static __always_inline struct inflight *thread_entry(void)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct inflight *ent = lookup_or_create(&inflight, &id, &inflight_zero);

	/* made just now (a target's tgid is never 0) */
	if (ent && !ent->counts.tgid) {
		ent->counts.tgid = id >> 32;
		ent->counts.start = current_start();
		/* the process's record, which the counts are added to, exists
		 * from its first thread's first syscall on */
		proc_lookup(ent->counts.tgid);
	}
	return ent;
}

/*
 * An IPC syscall's enter: the thread's entry ent, cleared of the last
 * call, to be filled with inflight_add and started with inflight_commit
 * (all three take NULL: the map was full). Returns ent.
 */
static __always_inline struct inflight *inflight_clear(struct inflight *ent)
{
	if (ent)
		ent->nobjs = 0;
	return ent;
}

/* The same, for an enter function that has not the entry at hand. */
static __always_inline struct inflight *inflight_begin(void)
{
	return inflight_clear(thread_entry());
}

/* The objects are in: the syscall's time starts now (none: nothing to do). */
static __always_inline void inflight_commit(struct inflight *ent)
{
	if (ent && ent->nobjs)
		ent->start_ns = bpf_ktime_get_ns();
}

/* Thread id's syscall in flight (id: the current pid_tgid), or NULL. */
static __always_inline struct inflight *inflight_of(__u64 id)
{
	struct inflight *ent = bpf_map_lookup_elem(&inflight, &id);

	return ent && ent->nobjs ? ent : NULL;
}

/* The current thread's syscall in flight, or NULL. */
static __always_inline struct inflight *inflight_current(void)
{
	return inflight_of(bpf_get_current_pid_tgid());
}

/* Remember an operation on an object, to be finished at sys_exit. */
static __always_inline void inflight_add(struct inflight *ent,
					 const struct ipc_obj_key *key, __u32 op,
					 __u32 dir, __u32 bytes_from,
					 __u64 arg_bytes)
{
	__u32 i;

	if (!ent) {
		count_drop(IPC_DROP_INFLIGHT);	/* an operation lost */
		return;
	}
	i = ent->nobjs;
	if (i >= INFLIGHT_OBJS)
		return;
	ent->objs[i].key = *key;
	ent->objs[i].op = op;
	ent->objs[i].dir = dir;
	ent->objs[i].bytes_from = bytes_from;
	ent->objs[i].arg_bytes = arg_bytes;
	ent->objs[i].items = 0;	/* the entry held the thread's last call */
	ent->nobjs = i + 1;
}

/* Data through an fd: in for writes, out for reads; bytes from the return. */
static __always_inline void inflight_add_io(struct inflight *ent,
					    const struct ipc_obj_key *key,
					    __u32 op, bool inbound)
{
	inflight_add(ent, key, op, inbound ? IPC_DIR_IN : IPC_DIR_OUT,
		     BYTES_RET, 0);
}

/*
 * An operation on an object named by an id (SysV) or an address (futex),
 * in the thread's entry ent (NULL: the map was full). Returns ent, for
 * what else its exit needs (uptr, arg).
 */
static __always_inline struct inflight *
inflight_start_obj(struct inflight *ent, __u32 kind, __u64 id, __u32 op,
		   __u32 dir, __u32 bytes_from, __u64 arg_bytes, __u32 items)
{
	struct ipc_obj_key key = { .kind = kind, .ino = id };

	inflight_add(inflight_clear(ent), &key, op, dir, bytes_from, arg_bytes);
	if (!ent)
		return NULL;
	ent->objs[0].items = items;
	inflight_commit(ent);
	return ent;
}

/* inflight_start_obj, for an enter function that has not the entry at hand. */
static __always_inline struct inflight *
inflight_start_one(__u32 kind, __u64 id, __u32 op, __u32 dir, __u32 bytes_from,
		   __u64 arg_bytes, __u32 items)
{
	return inflight_start_obj(thread_entry(), kind, id, op, dir, bytes_from,
				  arg_bytes, items);
}

/* What the syscall moved, from its return value or its arguments. */
static __always_inline __u64 op_bytes(const struct inflight_obj *o, long ret)
{
	if (o->bytes_from == BYTES_RET)
		return ret > 0 ? ret : 0;
	if (o->bytes_from == BYTES_ARG)
		return ret == 0 ? o->arg_bytes : 0;
	return 0;
}

/*
 * The histogram slot of a duration, bounded where the verifier sees it:
 * Linux 6.1's loses a bound checked on a copy of the register that
 * indexes ("R1 unbounded memory access"), so the clamp is a 64-bit value
 * the compiler cannot copy past (barrier_var), called where it is used.
 */
static __always_inline __u64 lat_slot_of(__u64 dur)
{
	__u64 slot = hist_slot(dur);

	if (slot > IPC_HIST_SLOTS - 1)
		slot = IPC_HIST_SLOTS - 1;
	barrier_var(slot);
	return slot;
}

/*
 * One operation (or page fault) on an object by the current process,
 * straight into its endpoint, (object, process, direction): page faults
 * and the *get calls; a syscall's own objects are tallied in the thread's
 * entry first (tally_endpoint). An object's own totals are the sum of its
 * endpoints, made in user space (snapshot_objects_from_eps): a second map
 * updated on every call cost a lookup and two atomic adds more.
 */
static __always_inline void account_object(const struct inflight_obj *o,
					   long ret, __u64 dur)
{
	__u64 bytes = op_bytes(o, ret);
	struct ipc_ep_key ek = {};
	struct ipc_ep_stats *es;

	ek.obj = o->key;
	ek.tgid = current_tgid();
	ek.dir = o->dir;
	ek.start = current_start();
	es = lookup_or_init(&endpoints, &ek, &ep_zero, IPC_DROP_ENDPOINT);
	if (!es)
		return;
	__sync_fetch_and_add(&es->calls, 1);
	__sync_fetch_and_add(&es->bytes, bytes);
	if (dur != NO_DURATION) {
		__sync_fetch_and_add(&es->lat_sum_ns, dur);
		__sync_fetch_and_add(&es->lat_slots[lat_slot_of(dur)], 1);
	}
}

/*
 * Adds the tally for one endpoint (counts.eps[i]) of thread id (a
 * pid_tgid) to the endpoints map and zeroes it: when the thread's entry is
 * retired, when another endpoint takes the slot, and every
 * IPC_THREAD_EP_FLUSH calls. A global function (inflight.bpf.c) that finds
 * the entry again: it runs rarely, and its loop is verified once.
 */
int flush_thread_ep(__u64 id, __u32 i);

/*
 * The same for one message type (counts.msgtypes[i]: msgq.bpf.h) and the
 * msg_types map: when the thread's entry is retired and when another type
 * takes the slot (inflight.bpf.c).
 */
int flush_thread_msgtype(__u64 id, __u32 i);

/*
 * At sys_exit: one operation on an object by the current thread, tallied
 * in its entry with plain adds (struct ipc_thread_ep); the endpoints map,
 * a 32-byte hash key and four atomic adds, is updated only when the slot
 * is flushed. Two slots: the one not used last is taken by a new endpoint.
 */
static __always_inline void tally_endpoint(struct inflight *ent,
					   const struct inflight_obj *o,
					   long ret, __u64 dur)
{
	struct ipc_thread_ep *t;
	__u32 i;

	_Static_assert(IPC_THREAD_EPS == 2, "the slot not used last is ep_last ^ 1");
	for (i = 0; i < IPC_THREAD_EPS; i++) {
		t = &ent->counts.eps[i];
		if (t->obj.ino == o->key.ino && t->obj.dev == o->key.dev &&
		    t->obj.kind == o->key.kind && t->dir == o->dir)
			break;
	}
	if (i == IPC_THREAD_EPS) {
		i = (ent->ep_last ^ 1) & 1;
		flush_thread_ep(bpf_get_current_pid_tgid(), i);
		t = &ent->counts.eps[i];
		t->obj = o->key;
		t->dir = o->dir;
	}
	ent->ep_last = i;
	t->calls++;
	t->bytes += op_bytes(o, ret);
	t->lat_sum_ns += dur;
	t->lat_slots[lat_slot_of(dur)]++;
	if (t->calls >= IPC_THREAD_EP_FLUSH)
		flush_thread_ep(bpf_get_current_pid_tgid(), i);
}

static __always_inline void account_op(const struct inflight_obj *o, long ret,
				       __u64 dur)
{
	__u32 slot = IPC_OP_SLOT(o->key.kind, o->op);
	struct ipc_op_stats *st;

	if (o->key.kind >= IPC_KIND_MAX || o->op >= IPC_OP_MAX)
		return;
	st = bpf_map_lookup_elem(&op_stats, &slot);
	if (!st)
		return;
	/* per-CPU value: plain adds are safe, no other CPU writes this copy */
	st->calls++;
	st->lat_sum_ns += dur;
	st->lat_slots[lat_slot_of(dur)]++;
	if (ret < 0) {
		struct ipc_err_key ek = { .slot = slot, .err = -ret };
		__u64 zero = 0, *cnt;

		st->errors++;
		cnt = lookup_or_init(&op_errors, &ek, &zero, IPC_DROP_ERRNO);
		if (cnt)
			__sync_fetch_and_add(cnt, 1);
	} else {
		st->bytes += op_bytes(o, ret);
		st->items += o->items;
	}
}

/* trace: one event per object a syscall touched. */
static __always_inline void trace_op(const struct inflight_obj *o, long ret,
				     __u64 now, __u64 dur)
{
	struct ipc_event *e = event_reserve(IPC_EVENT_OP, now);

	if (!e)
		return;
	e->dur_ns = dur;
	e->bytes = ret < 0 ? 0 : op_bytes(o, ret);
	e->ret = ret;
	e->obj = o->key;
	e->op = o->op;
	e->dir = o->dir;
	event_submit(e);
}

/* At sys_exit: account one object the thread's syscall touched. */
static __always_inline void finish_obj(struct inflight *ent,
				       const struct inflight_obj *o, long ret,
				       __u64 now, __u64 dur)
{
	account_op(o, ret, dur);
	tally_endpoint(ent, o, ret, dur);
	if (trace_wanted(kind_bit(o->key.kind)))
		trace_op(o, ret, now, dur);
}

/*
 * The second object of a syscall that has two (splice or sendfile between
 * two IPC objects): a global function in inflight.bpf.c that finds the
 * entry again. Inline, a second pass through the accounting multiplied the states
 * the verifier walks in ipc_sys_exit: 62 ms to verify instead of 9.
 */
int finish_second(long ret, __u64 now, __u64 dur);

/*
 * At sys_exit: account every object the syscall touched, from the entry
 * ipc_sys_exit found (nobjs > 0). Called there only: no exit looks the
 * entry up again to finish it, but for a second object.
 */
static __always_inline void inflight_finish(struct inflight *ent, long ret)
{
	__u64 now, dur;

	now = bpf_ktime_get_ns();
	dur = now - ent->start_ns;
	finish_obj(ent, &ent->objs[0], ret, now, dur);
	if (ent->nobjs > 1)
		finish_second(ret, now, dur);
	ent->nobjs = 0;		/* finished; the entry stays for the next call */
}

#endif /* INFLIGHT_BPF_H */
