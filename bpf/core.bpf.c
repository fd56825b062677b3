// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * core.bpf.c - the maps, and following processes: which processes are
 * targets (children join their parent on fork), their names, syscalls and
 * context switches; and the two programs every syscall goes through, which
 * hand a target's IPC syscalls to their mechanisms (each mechanism's
 * header says what it offers them).
 */
#define IPCSCOPE_DEFINE_MAPS
#include "maps.bpf.h"
#include "inflight.bpf.h"
#include "pipe.bpf.h"
#include "msgq.bpf.h"
#include "sem.bpf.h"
#include "shm.bpf.h"
#include "sock.bpf.h"
#include "sysv.bpf.h"
#include "chan.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/*
 * When the current process started (see maps.bpf.h). Two CO-RE reads,
 * not loads through task_struct's BTF: on 6.x the verifier looks up, for
 * each pointer loaded that way, whether the field is a trusted one, by
 * name among all the kernel's types (btf_nested_type_is_trusted), which
 * cost every program calling this about 1 ms at start-up. It runs where
 * a process's record is looked up (page faults, a thread's first
 * syscall), not on every syscall. A global function, verified once.
 */
__noinline __u64 current_start(void)
{
	return BPF_CORE_READ((struct task_struct *)bpf_get_current_task(),
			     group_leader, start_time);
}

/*
 * The struct file behind fd in the current task, or 0 (objects.bpf.h).
 * Every IPC syscall on an fd starts here. The walk to the fd table is
 * plain loads where the kernel lets a program make them: through the
 * task cast with bpf_rdonly_cast (6.2+: objects.bpf.h), else through the
 * BTF pointers of bpf_get_current_task_btf (5.11+). The cast costs the
 * verifier less: each load through a BTF pointer it trusts has it look
 * up, by name among all the kernel's types, whether the field is trusted
 * too (about 0.8 ms per program that calls this, on 6.18). Before 5.11,
 * CO-RE reads, a helper call each. The verifier types fdt->fd as a
 * number, so the slot is read with a helper, but where the cast is: cast
 * to a struct rb_node, whose first member (__rb_parent_color) is an
 * unsigned long as wide as the slot's pointer, it is a plain load too,
 * of a number (a helper call costs more, the more so where each return
 * pays for a mitigation, as SRSO's safe RET). A global function: the
 * walk costs the verifier once, not in every caller. The file is
 * returned as a number.
 */
__noinline __u64 fd_file_addr(long fd)
{
	struct fdtable *fdt;
	struct file **fds;
	struct file *file = NULL;
	unsigned int max;

	if (fd < 0)
		return 0;
	if (have_rdonly_cast) {
		struct task_struct *t = rdonly_cast((void *)bpf_get_current_task(),
						    kernel_btf_task_struct);

		/* a load through a NULL pointer here reads 0 */
		fdt = t->files->fdt;
		if (!fdt)
			return 0;
		if ((unsigned long)fd >= fdt->max_fds)
			return 0;
		fds = fdt->fd;
		/* the slot's pointer, loaded as an rb_node's first long */
		return ((struct rb_node *)rdonly_cast(&fds[fd],
					kernel_btf_rb_node))->__rb_parent_color;
	} else if (have_task_btf) {
		struct files_struct *files = bpf_get_current_task_btf()->files;

		if (!files)
			return 0;
		fdt = files->fdt;
		if (!fdt)
			return 0;
		max = fdt->max_fds;
		fds = fdt->fd;
	} else {
		struct task_struct *task = (struct task_struct *)bpf_get_current_task();

		fdt = BPF_CORE_READ(task, files, fdt);
		if (!fdt)
			return 0;
		max = BPF_CORE_READ(fdt, max_fds);
		fds = BPF_CORE_READ(fdt, fd);
	}
	if ((unsigned long)fd >= max)
		return 0;
	bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]);
	return (__u64)file;
}

/* see maps.bpf.h */
__noinline __u64 hist_slot(__u64 v)
{
	return ipc_hist_slot(v);
}

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
	targets_joined();
	return true;
}

/*
 * The command ipcscope runs joins the targets at its exec: a child of
 * ipcscope that execs while the programs run is one (ipcscope runs no
 * other; what it draws with Graphviz runs after they are detached).
 * User space adds nothing itself: a bpf() call preempted on 7.x holds
 * the per-CPU guard of the classic tracepoints' programs, and the kernel
 * skips them on that CPU until it runs again.
 */
static __always_inline bool join_if_command(__u32 tgid)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u8 one = 1;

	if (targ_all || BPF_CORE_READ(task, real_parent, tgid) != self_tgid)
		return false;
	if (bpf_map_update_elem(&targets, &tgid, &one, BPF_ANY)) {
		count_drop(IPC_DROP_TARGET);
		return false;
	}
	targets_joined();
	return true;
}

/*
 * fork and exit, page faults and signals are on raw tracepoints (their
 * arguments are numbers: CO-RE reads), not BTF ones (tp_btf), as until
 * 2026-12-07: a tp_btf program has libbpf 1.1 parse the kernel's whole
 * BTF at load (see bpf_rdonly_cast in objects.bpf.h), and these run too
 * seldom for their few reads to matter.
 */
SEC("raw_tp/sched_process_fork")
int BPF_PROG(ipc_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid), ctgid = BPF_CORE_READ(child, tgid);
	/* a new process leads its thread group: its own start is the key's */
	struct ipc_proc_key key = { .tgid = ctgid,
				    .start = BPF_CORE_READ(child, start_time) };
	struct ipc_proc init = {};
	__u8 one = 1;

	if (ptgid == ctgid)
		return 0;	/* a new thread */
	/* a parent moved into the cgroup after we started, that never exec'd */
	if (!is_target(ptgid) && !join_if_selected(ptgid))
		return 0;	/* not ours */
	if (!targ_all && bpf_map_update_elem(&targets, &ctgid, &one, BPF_ANY))
		count_drop(IPC_DROP_TARGET);
	else if (!targ_all)
		targets_joined();
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
	init.cgroup_id = bpf_get_current_cgroup_id();	/* the parent's: inherited */
	bpf_probe_read_kernel_str(&init.comm, sizeof(init.comm), parent->comm);
	/* a reused pid: a new key, the exited process's record stays */
	if (bpf_map_update_elem(&procs, &key, &init, BPF_ANY))
		count_drop(IPC_DROP_PROC);
	return 0;
}

SEC("tp/sched/sched_process_exec")
int ipc_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	__u32 tgid = current_tgid(), old_tid;
	bool command = false;
	struct ipc_proc *p;

	if (!is_target(tgid) && !join_if_selected(tgid) &&
	    !(command = join_if_command(tgid)))
		return 0;
	/*
	 * A thread other than the leader exec'd: it is the leader now, with
	 * the leader's thread id. Its entry, under its old id, would never be
	 * removed (its exit comes under the new id): its figures go to the
	 * process now, and its next syscall makes a new entry.
	 */
	old_tid = BPF_CORE_READ(ctx, old_pid);
	if (old_tid != tgid)
		retire_thread((__u64)tgid << 32 | old_tid);
	/* a new address space: no shared mapping yet */
	bpf_map_update_elem(&shared_ranges, &tgid, &shared_ranges_zero, BPF_ANY);
	p = proc_lookup(tgid);
	if (!p)
		return 0;
	bpf_get_current_comm(&p->comm, sizeof(p->comm));
	p->cgroup_id = bpf_get_current_cgroup_id();
	p->flags |= IPC_PROC_EXECED;
	if (command && every_syscall)	/* not an IPC syscall */
		__sync_fetch_and_add(&p->syscalls, 1);	/* this execve, its first */
	return 0;
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(ipc_exit, struct task_struct *task)
{
	__u32 tgid = BPF_CORE_READ(task, tgid);
	struct ipc_proc *p;

	if (!is_target(tgid))
		return 0;
	/* the thread's entry goes (a thread killed inside a syscall never
	 * reaches its sys_exit), its counts to its process */
	retire_thread((__u64)tgid << 32 | BPF_CORE_READ(task, pid));
	/* the whole process is gone when its last thread exits */
	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	p = proc_lookup(tgid);
	if (p) {
		p->flags |= IPC_PROC_EXITED;
		p->exit_ns = bpf_ktime_get_ns();
		p->cgroup_id = bpf_get_current_cgroup_id();	/* it may have moved */
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
	__u64 id = bpf_get_current_pid_tgid(), gen;
	struct inflight *ent;
	struct ipc_proc *p;
	__u32 slot;
	bool vol;

	if (known_bystander(id, &slot, &gen))
		return 0;
	/* a target's thread has its entry; one without (no syscall seen yet,
	 * or past its exit) counts in its process's record */
	ent = target_entry(id);
	if (!ent && !is_target(id >> 32))
		return 0;
	/*
	 * A preempted task reports TASK_REPORT_MAX (0x100) or is still
	 * running (0): involuntary. Any sleep state bit: it gave up the CPU.
	 * Read from the record (a load CO-RE sizes: a long before 5.18, an
	 * unsigned int since), not copied with a helper.
	 */
	vol = ctx->prev_state & 0xff;
	if (count_phases) {
		struct ipc_phase_counts *pc = phase_now();

		if (pc && vol)
			pc->vol_switches++;
		else if (pc)
			pc->invol_switches++;
	}
	if (ent) {
		/* its own count: only it runs here */
		if (vol)
			ent->counts.vol_switches++;
		else
			ent->counts.invol_switches++;
		return 0;
	}
	p = proc_lookup(id >> 32);
	if (!p)
		return 0;
	if (vol)
		__sync_fetch_and_add(&p->vol_switches, 1);
	else
		__sync_fetch_and_add(&p->invol_switches, 1);
	return 0;
}

/* A target's syscall returning: counted in the current phase, and by
 * number (a global function: verified once for the two exit programs) */
__noinline int count_phase_syscall(__u32 nr)
{
	__u32 ph = phase_state.now;	/* once: a mark may move it meanwhile */
	__u32 k = ph * IPC_NR_SYSCALLS + (nr & (IPC_NR_SYSCALLS - 1));
	struct ipc_phase_counts *pc = bpf_map_lookup_elem(&phase_counts, &ph);
	__u64 *n;

	if (pc)
		pc->syscalls++;
	if (k < IPC_PHASES * IPC_NR_SYSCALLS) {
		n = bpf_map_lookup_elem(&phase_sys_counts, &k);
		if (n)
			*n += 1;
	}
	return 0;
}

/*
 * The n-th argument (1-based) of the syscall being entered: from the user
 * registers tp_btf hands over, or from the classic tracepoint's record
 * (the first read from it directly, the others copied out of it with a
 * helper first: sys_enter_args, sys_enter_arg). tp, not regs, chooses: it
 * is a constant NULL in ipc_sys_enter, so the compiler drops the other way
 * (regs is not known there, and a load merged from both ways is refused
 * by 5.10's verifier: "same insn cannot be used with different pointers").
 */
#define SYSARG(n)	(tp ? args[(n) - 1] : (__u64)PT_REGS_PARM##n##_SYSCALL(regs))
#define SYSARG1		(tp ? ((const struct ipc_tp_sys_enter *)tp)->arg1 : \
			 (__u64)PT_REGS_PARM1_SYSCALL(regs))

/*
 * The classic tracepoints' programs run on two kinds of record, with the
 * same layout where they read it: raw_syscalls:sys_enter's (the number a
 * long at offset 8, the six arguments from 16) and each syscall's own
 * tracepoint's, syscalls:sys_enter_write and the others (session.c
 * attaches this one program to the IPC syscalls' tracepoints unless every
 * syscall is counted: an int number at 8, padding, the arguments from 16,
 * as many as the syscall has). The kernel refuses to attach a program to
 * a tracepoint whose record is shorter than the furthest offset the
 * program reads, so the number is read as an int (the low half of the
 * long on a little-endian machine), the first argument, which every IPC
 * syscall has, is read, and the others are copied with a helper, only
 * when they are needed: the kernel's record for the program has room for
 * six (perf_call_bpf_enter), and the unused ones are never looked at.
 */
struct ipc_tp_sys_enter {
	__u64 common;		/* struct trace_entry */
	int nr;
	int pad;
	__u64 arg1;
};
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "ipc_tp_sys_enter reads raw_syscalls's long id as an int");

static __always_inline int sys_enter_args(__u64 args[6], const void *tp)
{
	return bpf_probe_read_kernel(args, 6 * sizeof(__u64),
				     (const char *)tp + offsetof(struct ipc_tp_sys_enter, arg1));
}

/* One argument, n (1-based, at most 6), copied from the record */
static __always_inline __u64 sys_enter_arg(const void *tp, __u32 n)
{
	__u64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), (const char *)tp +
			      offsetof(struct ipc_tp_sys_enter, arg1) + 8 * (n - 1));
	return v;
}

#ifdef __TARGET_ARCH_x86
#define TS_COMPAT	0x0002	/* x86 thread_info.status: a 32-bit syscall */
/*
 * A 32-bit process on a 64-bit kernel numbers its syscalls differently
 * (i386 numbers): the table, made from the 64-bit numbers, would misread
 * them. Such calls are counted, not dispatched, as the per-syscall
 * tracepoints did (they ignore compat syscalls).
 */
__noinline int compat_syscall(void)
{
	/* a load through BTF pointers where the kernel has the helper (5.11+;
	 * global: the walk costs the verifier once), a CO-RE read before */
	if (have_task_btf)
		return (bpf_get_current_task_btf()->thread_info.status & TS_COMPAT) != 0;
	return (BPF_CORE_READ((struct task_struct *)bpf_get_current_task(),
			      thread_info.status) & TS_COMPAT) != 0;
}
#else
static __always_inline int compat_syscall(void)
{
	return 0;	/* not checked: see the x86 version */
}
#endif

/*
 * Every syscall of every process passes here (a BTF raw tracepoint, called
 * directly: it costs less than a perf-event tracepoint, raw_syscalls's or
 * a syscall's own). A target's syscall is counted, and an IPC syscall is
 * handed to its mechanism's enter function, chosen by number from the
 * table user space filled (setting sys_handler).
 *
 * Three programs share this body, and user space loads one pair (enter
 * and exit): ipc_sys_enter on tp_btf/sys_enter (regs, args NULL),
 * ipc_sys_enter_tp on the classic tracepoint raw_syscalls:sys_enter (args,
 * regs NULL), and ipc_sys_enter_kp on the IPC syscalls' functions (regs
 * the task's, args NULL). The kernel runs a BPF program once per CPU at a
 * time and skips a run that finds it running (a recursion miss). Where
 * the BTF raw tracepoint's programs run preemptible (Linux 7.x: migration
 * disabled, preemption not), a task preempted inside ipc_sys_enter makes
 * every other task's syscall on that CPU skip it, a target's included:
 * there the classic tracepoint, which runs with preemption disabled, is
 * used instead (see pick_syscall_hook in session.c).
 */
static __always_inline int sys_enter(struct pt_regs *regs, const void *tp, long id)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid(), gen, args[6];
	struct inflight *ent;
	struct ipc_proc *p;
	__u32 nr, h, slot;
	__u64 *n;

	/* a thread this CPU saw last, not a target since: nothing to look up
	 * (what every process not traced pays, on every syscall) */
	if (known_bystander(pid_tgid, &slot, &gen))
		return 0;
	/* counted in the thread's entry, which an IPC syscall needs anyway
	 * (a target's thread has one from its first syscall on); in its
	 * process's record if the entry could not be made */
	ent = target_entry(pid_tgid);
	if (!ent) {
		if (!is_target(pid_tgid >> 32)) {
			remember_bystander(pid_tgid, slot, gen);
			return 0;
		}
		ent = thread_entry();
	}
	if (ent) {
		ent->counts.syscalls++;
		if (count_phases || trace_explain)
			ent->sys_nr = id;
		if (trace_explain) {
			ent->sys_ns = bpf_ktime_get_ns();
			ent->sys_cpu = bpf_get_smp_processor_id();
		}
	} else {
		p = proc_lookup(pid_tgid >> 32);
		if (p)
			__sync_fetch_and_add(&p->syscalls, 1);
	}
	if ((__u64)id >= IPC_NR_SYSCALLS)
		return 0;
	/* by number, per CPU: what a signal or a transfer costs in syscalls
	 * (validate asks; off, the verifier drops this) */
	if (count_syscall_numbers) {
		nr = id;
		n = bpf_map_lookup_elem(&sys_counts, &nr);
		if (n)
			*n += 1;
	}
	/* id < IPC_NR_SYSCALLS already; the mask keeps the bound visible to
	 * the verifier whatever the compiler spills and reloads */
	barrier_var(id);
	h = sys_handler[id & (IPC_NR_SYSCALLS - 1)];
	/* the IPC syscalls' own tracepoints never see a 32-bit syscall (the
	 * kernel skips them: test_compat.py checks it), only the hooks on
	 * every syscall do */
	if (h == IPC_SYS_NONE || (every_syscall && compat_syscall()))
		return 0;
	/* write, writev, read, readv; sendto, sendmsg, recvfrom, recvmsg: the
	 * fd is all they need, but a UDP socket's address (sendto's and
	 * recvfrom's fifth argument, or their msghdr's, the second) */
	if (h <= IPC_SYS_READV || (h >= IPC_SYS_SENDTO && h <= IPC_SYS_RECVMSG)) {
		if (inflight_start_fdio(ent, h, SYSARG1) == IPC_KIND_UDP) {
			if (h == IPC_SYS_SENDTO || h == IPC_SYS_RECVFROM)
				enter_udp(fdio_op(h), tp ? sys_enter_arg(tp, 5) :
					  (__u64)PT_REGS_PARM5_SYSCALL(regs));
			else
				enter_udp(fdio_op(h), tp ? sys_enter_arg(tp, 2) :
					  (__u64)PT_REGS_PARM2_SYSCALL(regs));
		}
		inflight_commit(ent);
		return 0;
	}
	/* the copy does not fail: the record is the kernel's, in memory it
	 * just wrote (a fault there would be the kernel's own bug) */
	if (tp && sys_enter_args(args, tp))
		return 0;
	switch (h) {
	case IPC_SYS_SENDFILE:
		return enter_sendfile(SYSARG(1), SYSARG(2));
	case IPC_SYS_SPLICE:
		return enter_splice(SYSARG(1), SYSARG(3));
	case IPC_SYS_VMSPLICE:
		return enter_vmsplice(SYSARG(1));
	case IPC_SYS_MSGGET:
		return enter_get(IPC_KIND_SYSV_MSQ, SYSARG(1), 0);
	case IPC_SYS_SEMGET:
		return enter_get(IPC_KIND_SYSV_SEM, SYSARG(1), 0);
	case IPC_SYS_SHMGET:
		return enter_get(IPC_KIND_SYSV_SHM, SYSARG(1), SYSARG(2));
	case IPC_SYS_MSGSND:
		return enter_msgsnd(ent, SYSARG(1), SYSARG(2), SYSARG(3));
	case IPC_SYS_MSGRCV:
		return enter_msgrcv(ent, SYSARG(1), SYSARG(2), SYSARG(4), SYSARG(5));
	case IPC_SYS_MQ_TIMEDSEND:
		return enter_mq(SYSARG(1), IPC_OP_MQ_SEND, SYSARG(3));
	case IPC_SYS_MQ_TIMEDRECEIVE:
		return enter_mq(SYSARG(1), IPC_OP_MQ_RECEIVE, 0);
	case IPC_SYS_SEMOP:
		return enter_semop(SYSARG(1), SYSARG(3));
	case IPC_SYS_SHMAT:
		return enter_shmat(SYSARG(1));
	case IPC_SYS_SHMDT:
		return enter_shmdt(SYSARG(1));
	case IPC_SYS_FUTEX:
		return enter_futex(SYSARG(1), SYSARG(2));
	}
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(ipc_sys_enter, struct pt_regs *regs, long id)
{
	return sys_enter(regs, NULL, id);
}

SEC("tp/raw_syscalls/sys_enter")
int ipc_sys_enter_tp(struct ipc_tp_sys_enter *ctx)
{
	return sys_enter(NULL, ctx, ctx->nr);
}

/*
 * The third pair: kprobe.multi links on the IPC syscalls' own functions
 * (__x64_sys_write and the others; session.c attaches them where the
 * kernel has return probes without a fixed pool: Linux 6.14+). No syscall
 * tracepoint is switched on, so no task's syscalls take the kernel's slow
 * path: a process not traced pays for its IPC syscalls only. The syscall's
 * number is the attach cookie; its arguments are in the user registers,
 * the task's (trusted, as tp_btf's), so one body serves all three pairs.
 */
SEC("kprobe.multi")
int ipc_sys_enter_kp(struct pt_regs *ctx)
{
	return sys_enter((struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf()),
			 NULL, (long)bpf_get_attach_cookie(ctx));
}

/*
 * Every syscall exit of every process passes here (a BTF raw tracepoint,
 * called directly): a target's IPC syscall has an in-flight record from its
 * enter probe, finished here; the others stop at the first lookup. One
 * program instead of one per syscall: a perf-event tracepoint costs more to
 * pass, and each program costs the verifier again at start-up.
 *
 * Two programs share this body: ipc_sys_exit, and ipc_sys_exit_chan, which
 * also times data in its channel (chan.bpf.h). User space loads one. The
 * second holds atomics that return a value (Linux 5.12+), which older
 * verifiers refuse wherever they are, even in code a setting turns off.
 */
static __always_inline int sys_exit(struct pt_regs *regs, long ret, bool chan)
{
	__u64 id = bpf_get_current_pid_tgid(), gen;
	struct inflight *ent;
	__u32 op, slot;

	/* a bystander's exit: nothing to look up (its enter made no entry) */
	if (known_bystander(id, &slot, &gen))
		return 0;
	/* no is_target(): only a target's enter makes an entry, and a target's
	 * threads' entries go when they exit (ipc_exit) */
	if (count_phases || trace_explain) {
		ent = target_entry(id);
		if (ent && count_phases)
			count_phase_syscall(ent->sys_nr);
		if (ent && trace_explain)
			explain_syscall(ent->sys_nr, ret, ent->sys_ns, ent->sys_cpu);
		if (!ent || !ent->nobjs)
			return 0;
	} else {
		ent = inflight_of(id);
		if (!ent)
			return 0;
	}
	op = ent->objs[0].op;
	/* a UDP socket's addresses first: a send may have bound it just now,
	 * a receive learnt its peer (only UDP has anything for exit_sock) */
	if ((op == IPC_OP_SENDTO || op == IPC_OP_SENDMSG || op == IPC_OP_RECVFROM ||
	     op == IPC_OP_RECVMSG) && ent->objs[0].key.kind == IPC_KIND_UDP)
		exit_sock(ret);
	/* data in or out: how long it waited in the channel */
	if (chan && ent->objs[0].dir <= IPC_DIR_OUT)
		chan_exit(ent, ret, regs);
	switch (op) {
	case IPC_OP_GET:
		return exit_get(ret);	/* accounted there, by the id it returned */
	case IPC_OP_MSGSND:
		exit_msg(ent, ret, true);
		break;
	case IPC_OP_MSGRCV:
		exit_msg(ent, ret, false);
		break;
	case IPC_OP_SHMAT:
		exit_shmat(ret);
		break;
	}
	inflight_finish(ent, ret);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(ipc_sys_exit, struct pt_regs *regs, long ret)
{
	return sys_exit(regs, ret, false);
}

/* --time-in-channel, on kernels with value-returning atomics */
SEC("tp_btf/sys_exit")
int BPF_PROG(ipc_sys_exit_chan, struct pt_regs *regs, long ret)
{
	return sys_exit(regs, ret, true);
}

/* The same two on raw_syscalls:sys_exit (see sys_enter) */
SEC("tp/raw_syscalls/sys_exit")
int ipc_sys_exit_tp(struct ipc_tp_sys_exit *ctx)
{
	return sys_exit(NULL, ctx->ret, false);
}

/* the user registers, for the arguments time in channel reads at exit,
 * come from the task (bpf_task_pt_regs: Linux 5.15+) */
SEC("tp/raw_syscalls/sys_exit")
int ipc_sys_exit_chan_tp(struct ipc_tp_sys_exit *ctx)
{
	return sys_exit((struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf()),
			ctx->ret, true);
}

/* The kprobe pair's exits (see ipc_sys_enter_kp): the return value is the
 * syscall's, read first (the compiler would otherwise load it through a
 * moved context pointer, which the verifier refuses) */
SEC("kretprobe.multi")
int ipc_sys_exit_kp(struct pt_regs *ctx)
{
	long ret = PT_REGS_RC(ctx);

	return sys_exit((struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf()),
			ret, false);
}

SEC("kretprobe.multi")
int ipc_sys_exit_chan_kp(struct pt_regs *ctx)
{
	long ret = PT_REGS_RC(ctx);

	return sys_exit((struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf()),
			ret, true);
}
