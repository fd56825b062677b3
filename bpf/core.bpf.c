// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * core.bpf.c - the maps, and following processes: which processes are
 * targets (children join their parent on fork), their names, syscalls and
 * context switches. Mechanism probes live in their own files.
 */
#define IPCSCOPE_DEFINE_MAPS
#include "common.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/*
 * --comm and --cgroup: does the current process match? Called where a
 * process becomes what it is (exec, fork), not on every event.
 */
static __always_inline bool matches_selector(void)
{
	if (targ_comm_set) {
		char comm[16];
		bool same = true;

		bpf_get_current_comm(comm, sizeof(comm));
		for (int i = 0; i < 16; i++) {
			if (comm[i] != targ_comm[i]) {
				same = false;
				break;
			}
			if (!comm[i])
				break;
		}
		if (same)
			return true;
	}
	return targ_cgroup_set &&
	       bpf_current_task_under_cgroup(&targ_cgroups, 0) == 1;
}

/* The current process joins the targets if it matches --comm or --cgroup. */
static __always_inline bool join_if_selected(__u32 tgid)
{
	__u8 one = 1;

	if (targ_all || (!targ_comm_set && !targ_cgroup_set) || !matches_selector())
		return false;
	if (bpf_map_update_elem(&targets, &tgid, &one, BPF_ANY)) {
		count_drop(IPC_DROP_TARGET);
		return false;
	}
	return true;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(ipc_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = parent->tgid, ctgid = child->tgid;
	/* a new process leads its thread group: its own start is the key's */
	struct ipc_proc_key key = { .tgid = ctgid, .start = child->start_time };
	struct ipc_proc init = {};
	__u8 one = 1;

	if (ptgid == ctgid)
		return 0;	/* a new thread */
	/* a parent moved into the cgroup after we started, that never exec'd */
	if (!is_target(ptgid) && !join_if_selected(ptgid))
		return 0;	/* not ours */
	if (!targ_all && bpf_map_update_elem(&targets, &ctgid, &one, BPF_ANY))
		count_drop(IPC_DROP_TARGET);
	/* the child has its parent's mappings, shared ones included */
	{
		struct shared_ranges *r = bpf_map_lookup_elem(&shared_ranges, &ptgid);

		if (r)
			bpf_map_update_elem(&shared_ranges, &ctgid, r, BPF_ANY);
		else
			bpf_map_delete_elem(&shared_ranges, &ctgid);
	}
	init.ppid = ptgid;
	init.flags = IPC_PROC_FORKED;
	init.first_ns = bpf_ktime_get_ns();
	bpf_probe_read_kernel_str(&init.comm, sizeof(init.comm), parent->comm);
	/* a reused pid: a new key, the exited process's record stays */
	if (bpf_map_update_elem(&procs, &key, &init, BPF_ANY))
		count_drop(IPC_DROP_PROC);
	return 0;
}

SEC("tp/sched/sched_process_exec")
int ipc_exec(void *ctx)
{
	__u32 tgid = current_tgid();
	struct ipc_proc *p;

	if (!is_target(tgid) && !join_if_selected(tgid))
		return 0;
	{
		/* a new address space: no shared mapping yet */
		struct shared_ranges none = {};

		bpf_map_update_elem(&shared_ranges, &tgid, &none, BPF_ANY);
	}
	p = proc_lookup(tgid);
	if (!p)
		return 0;
	bpf_get_current_comm(&p->comm, sizeof(p->comm));
	p->flags |= IPC_PROC_EXECED;
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(ipc_exit, struct task_struct *task)
{
	__u32 tgid = task->tgid;
	__u64 id = (__u64)tgid << 32 | task->pid;
	struct ipc_proc *p;

	if (!is_target(tgid))
		return 0;
	/* a thread killed inside a syscall never reaches its sys_exit */
	bpf_map_delete_elem(&inflight, &id);
	/* the whole process is gone when its last thread exits */
	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	p = proc_lookup(tgid);
	if (p) {
		p->flags |= IPC_PROC_EXITED;
		p->exit_ns = bpf_ktime_get_ns();
	}
	bpf_map_delete_elem(&shared_ranges, &tgid);
	/* the record stays for the report; the pid may now be reused */
	if (!targ_all)
		bpf_map_delete_elem(&targets, &tgid);
	return 0;
}

SEC("tp/sched/sched_switch")
int ipc_switch(struct trace_event_raw_sched_switch *ctx)
{
	/* current is still the task being switched out */
	__u32 tgid = current_tgid();
	struct ipc_proc *p;
	long state;

	if (!is_target(tgid))
		return 0;
	p = proc_lookup(tgid);
	if (!p)
		return 0;
	/*
	 * A preempted task reports TASK_REPORT_MAX (0x100) or is still
	 * running (0): involuntary. Any sleep state bit: it gave up the CPU.
	 */
	state = BPF_CORE_READ(ctx, prev_state);
	if (state & 0xff)
		__sync_fetch_and_add(&p->vol_switches, 1);
	else
		__sync_fetch_and_add(&p->invol_switches, 1);
	return 0;
}

/*
 * Every syscall of every process passes here: a BTF raw tracepoint, called
 * directly, costs less than the perf-event tracepoint raw_syscalls/sys_enter.
 */
SEC("tp_btf/sys_enter")
int BPF_PROG(ipc_sys_enter, struct pt_regs *regs, long id)
{
	__u32 tgid = current_tgid(), nr;
	struct ipc_proc *p;
	__u64 *n;

	if (!is_target(tgid))
		return 0;
	p = proc_lookup(tgid);
	if (p)
		__sync_fetch_and_add(&p->syscalls, 1);
	/* by number, per CPU: what a signal or a transfer costs in syscalls */
	nr = id;
	n = bpf_map_lookup_elem(&sys_counts, &nr);
	if (n)
		*n += 1;
	return 0;
}

/*
 * Every syscall exit of every process passes here (a BTF raw tracepoint,
 * called directly): a target's IPC syscall has an in-flight record from its
 * enter probe, finished here; the others stop at the first lookup. One
 * program instead of one per syscall: a perf-event tracepoint costs more to
 * pass, and each program costs the verifier again at start-up.
 */
SEC("tp_btf/sys_exit")
int BPF_PROG(ipc_sys_exit, struct pt_regs *regs, long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct inflight *ent;

	if (!is_target(id >> 32))
		return 0;
	ent = bpf_map_lookup_elem(&inflight, &id);
	if (!ent)
		return 0;
	switch (ent->objs[0].op) {
	case IPC_OP_GET:
		return exit_get(ret);
	case IPC_OP_MSGSND:
		return exit_msg(ret, 1);
	case IPC_OP_MSGRCV:
		return exit_msg(ret, 0);
	case IPC_OP_SHMAT:
		return exit_shmat(ret);
	case IPC_OP_SENDTO:
	case IPC_OP_SENDMSG:
	case IPC_OP_RECVFROM:
	case IPC_OP_RECVMSG:
		return exit_sock(ret);
	}
	inflight_finish(ret);
	return 0;
}
