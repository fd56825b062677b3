/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * floor.bpf.h - what every floor of `make bench` shares (empty.bpf.c,
 * empty-fentry.bpf.c): an empty program on a hook, and ipcscope's hooks
 * other than the syscall boundary, which the floors differ in. One list:
 * a hook ipcscope adds goes here once, for all of them. And the bodies of
 * the floors that do some work at the syscall boundary: asking whether the
 * caller is traced (FLOOR_FILTER), timing each call (FLOOR_TIMING), and
 * adding it to its object (FLOOR_OBJECTS).
 */
#ifndef FLOOR_BPF_H
#define FLOOR_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

/* an empty program on a classic tracepoint (section sec) */
#define FLOOR_TP(sec, name)						\
SEC(sec)								\
int floor_##name(void *ctx)						\
{									\
	return 0;							\
}

/* an empty program on a BTF tracepoint (--all-syscalls's sys_enter and
 * sys_exit) */
#define FLOOR_BTF(event)						\
SEC("tp_btf/" #event)							\
int BPF_PROG(floor_##event)						\
{									\
	return 0;							\
}

/* an empty program on a raw tracepoint, as ipcscope's fork, exit, page
 * fault and signal programs are */
#define FLOOR_RAW(event)						\
SEC("raw_tp/" #event)							\
int BPF_PROG(floor_##event)						\
{									\
	return 0;							\
}

#ifdef FLOOR_FILTER
/*
 * FLOOR_FILTER (on the IPC syscalls' own tracepoints): each syscall
 * program and the switch program asks only "is the caller the traced
 * process?", as libbpf-tools' tools do for -p PID: the caller's process id
 * (one helper call) compared with the target's. The target is no process
 * (pids are below 2^22), so every event is a bystander's: the least a
 * tracer that follows some processes and not others adds to an empty
 * program for the processes it does not follow. ipcscope follows a set
 * (a target's children join it), which one compare cannot hold.
 */
const volatile __u32 floor_target_tgid = 0xffffffff;
__u64 floor_hits;

static __always_inline int floor_filter(void)
{
	if ((bpf_get_current_pid_tgid() >> 32) != floor_target_tgid)
		return 0;
	__sync_fetch_and_add(&floor_hits, 1);	/* never: keeps the compare */
	return 0;
}
#endif

/* context switches: an empty program, but with FLOOR_FILTER or FLOOR_OBJECTS */
#ifdef FLOOR_FILTER
#define FLOOR_SWITCH							\
SEC("tp/sched/sched_switch")						\
int floor_switch(void *ctx)						\
{									\
	return floor_filter();						\
}
#elif !defined(FLOOR_OBJECTS)
#define FLOOR_SWITCH FLOOR_TP("tp/sched/sched_switch", switch)
#else
#define FLOOR_SWITCH							\
SEC("tp/sched/sched_switch")						\
int floor_switch(struct trace_event_raw_sched_switch *ctx)		\
{									\
	return floor_object_switch(ctx->prev_state & 0xff);		\
}
#endif

/* processes (fork, exec, exit), context switches, page faults, signals */
#define FLOOR_PROCESS_HOOKS						\
FLOOR_RAW(sched_process_fork)						\
FLOOR_TP("tp/sched/sched_process_exec", exec)				\
FLOOR_RAW(sched_process_exit)						\
FLOOR_SWITCH								\
FLOOR_RAW(page_fault_user)						\
FLOOR_RAW(signal_generate)						\
FLOOR_RAW(signal_deliver)

/* where each process's shared mappings are (ipc_range_exit): the exits of
 * these syscalls, by their own tracepoints */
#define FLOOR_RANGE_TP(name)						\
FLOOR_TP("tp/syscalls/sys_exit_" #name, range_##name)

#ifdef FLOOR_TIMING
/*
 * FLOOR_TIMING: the syscall programs time each syscall they see into one
 * log2 histogram. That is the least any tracer that reports per-call
 * latency does (a timestamp at entry kept per thread, a second at exit),
 * so `make bench` can tell what ipcscope adds to it from what timing alone
 * costs, on the same hooks. No filter, no fd lookup, no per-object or
 * per-process state.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 32768);
	__type(key, __u64);		/* pid_tgid */
	__type(value, __u64);		/* entry time, 0 when not in a syscall */
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} lat_hist SEC(".maps");

static __always_inline int floor_time_enter(void)
{
	__u64 id = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns();
	__u64 *ts = bpf_map_lookup_elem(&start, &id);

	if (ts)
		*ts = now;	/* the thread's entry stays, like ipcscope's */
	else
		bpf_map_update_elem(&start, &id, &now, BPF_ANY);
	return 0;
}

/* floor(log2(d)), branch-free (clang 14 cannot build clzll for BPF) */
static __always_inline __u32 floor_log2(__u64 d)
{
	__u32 slot = 0, shift;

	shift = (d > 0xFFFFFFFFULL) << 5; d >>= shift; slot |= shift;
	shift = (d > 0xFFFF) << 4; d >>= shift; slot |= shift;
	shift = (d > 0xFF) << 3; d >>= shift; slot |= shift;
	shift = (d > 0xF) << 2; d >>= shift; slot |= shift;
	shift = (d > 0x3) << 1; d >>= shift; slot |= shift;
	return slot | d >> 1;
}

static __always_inline int floor_time_exit(void)
{
	__u64 id = bpf_get_current_pid_tgid(), *ts, *n, d;
	__u32 slot;

	ts = bpf_map_lookup_elem(&start, &id);
	if (!ts || !*ts)
		return 0;
	d = bpf_ktime_get_ns() - *ts;
	*ts = 0;
	slot = floor_log2(d);
	n = bpf_map_lookup_elem(&lat_hist, &slot);
	if (n)
		*n += 1;
	return 0;
}

#ifdef FLOOR_OBJECTS
/*
 * FLOOR_OBJECTS (with FLOOR_TIMING, on the IPC syscalls' own tracepoints):
 * the fd syscalls (read, write, send, receive, the POSIX queue's) also
 * find the object behind their fd, as ipcscope does on 6.2+ (the task's fd
 * table, the fd's slot and the file's inode by plain loads through
 * bpf_rdonly_cast), the SysV queue and semaphore calls take it
 * from their first argument (the id), and at exit they add the call, the
 * bytes its return value says it moved and its latency to that object's
 * totals (a hash by inode or id, atomic adds: two processes on two CPUs
 * use one pipe). The least a tracer does that says which object each call
 * moved data through, and how much, and counts each thread's voluntary
 * and involuntary context switches: no filter, no per-process or
 * per-operation state, no errors, no who-talks-to-whom. msgsnd also reads
 * the type it sends from the sender's buffer, as ipcscope does for its
 * per-type counts of a queue: one 8-byte read of user memory, which cost
 * about 200 ns of BPF time a call on 6.18 (2026-12-07), at entry or exit.
 */
#include <bpf/bpf_core_read.h>

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

struct floor_call {
	__u64 start;		/* entry time, 0 when not in a syscall */
	__u64 inode;		/* its fd's inode (struct inode *), or
				   FLOOR_SYSV_ID | the id; 0: none */
	__u64 vol_switches;	/* the thread's, as ipcscope counts them */
	__u64 invol_switches;
	__s64 mtype;		/* msgsnd: the type it sends */
};

struct floor_obj {
	__u64 calls;
	__u64 bytes;
	__u64 lat_slots[64];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 32768);
	__type(key, __u64);		/* pid_tgid */
	__type(value, struct floor_call);
} calls SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);		/* floor_call.inode */
	__type(value, struct floor_obj);
} objs SEC(".maps");

static struct floor_obj floor_obj_zero;

/* the sys_enter_* and sys_exit_* records: the number, then the arguments
 * or the return value at 16 */
struct floor_tp_sys {
	__u64 common;
	int nr;
	int pad;
	__u64 arg1;		/* sys_exit_*: the return value */
	__u64 arg2;		/* sys_enter_* only: the second argument */
};

/* a SysV object's key: its id with bit 62 (a kernel address, 0xffff...,
 * has bit 63 too: the two never meet) */
#define FLOOR_SYSV_ID	(1ULL << 62)

/* what the first argument is: an fd, a SysV id, or msgsnd's queue id (and
 * its second argument the message, whose first long is the type) */
#define FLOOR_BY_FD	0
#define FLOOR_BY_ID	1
#define FLOOR_MSGSND	2

static __always_inline int floor_object_enter(const struct floor_tp_sys *ctx, int by)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct floor_call call = { .start = bpf_ktime_get_ns() }, *c;
	struct task_struct *t;
	struct fdtable *fdt;
	long fd = ctx->arg1;
	struct file *file = NULL;

	if (by == FLOOR_MSGSND)
		bpf_probe_read_user(&call.mtype, sizeof(call.mtype), (void *)ctx->arg2);
	if (by != FLOOR_BY_FD) {
		call.inode = FLOOR_SYSV_ID | (__u32)ctx->arg1;
	} else {
		t = bpf_rdonly_cast((void *)bpf_get_current_task(),
				    bpf_core_type_id_kernel(struct task_struct));
		fdt = t->files->fdt;
		/* the slot's pointer, loaded as an rb_node's first long, as
		 * ipcscope's fd_file_addr does */
		if (fdt && fd >= 0 && fd < fdt->max_fds)
			file = (struct file *)((struct rb_node *)bpf_rdonly_cast(&fdt->fd[fd],
					bpf_core_type_id_kernel(struct rb_node)))->__rb_parent_color;
		if (file)
			call.inode = (__u64)((struct file *)bpf_rdonly_cast(file,
					bpf_core_type_id_kernel(struct file)))->f_inode;
	}
	c = bpf_map_lookup_elem(&calls, &id);
	if (c) {
		c->start = call.start;
		c->inode = call.inode;
		c->mtype = call.mtype;
	} else {
		bpf_map_update_elem(&calls, &id, &call, BPF_ANY);
	}
	return 0;
}

/* a thread's context switch (vol: it gave up the CPU), counted in its
 * entry if it has one (only the thread itself writes it) */
static __always_inline int floor_object_switch(bool vol)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct floor_call *c = bpf_map_lookup_elem(&calls, &id);

	if (c && vol)
		c->vol_switches++;
	else if (c)
		c->invol_switches++;
	return 0;
}

static __always_inline int floor_object_exit(const struct floor_tp_sys *ctx)
{
	__u64 id = bpf_get_current_pid_tgid(), d, inode;
	struct floor_call *c = bpf_map_lookup_elem(&calls, &id);
	struct floor_obj *o;
	long ret = ctx->arg1;

	if (!c || !c->start)
		return 0;
	d = bpf_ktime_get_ns() - c->start;
	inode = c->inode;
	c->start = 0;
	if (!inode)
		return 0;
	o = bpf_map_lookup_elem(&objs, &inode);
	if (!o) {
		bpf_map_update_elem(&objs, &inode, &floor_obj_zero, BPF_NOEXIST);
		o = bpf_map_lookup_elem(&objs, &inode);
		if (!o)
			return 0;
	}
	__sync_fetch_and_add(&o->calls, 1);
	if (ret > 0)
		__sync_fetch_and_add(&o->bytes, ret);
	__sync_fetch_and_add(&o->lat_slots[floor_log2(d) & 63], 1);
	return 0;
}
#endif /* FLOOR_OBJECTS */
#endif /* FLOOR_TIMING */

#endif /* FLOOR_BPF_H */
