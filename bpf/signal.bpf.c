// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * signal.bpf.c - signals: every generation with the kernel's own result
 * (queued, ignored, already pending = merged into the pending one, ...) and
 * every delivery, with who sent what to whom, and the time from generation
 * to delivery.
 *
 * tp_btf, not the classic tracepoint: it hands us the target task, whose
 * tgid we need (the classic one only has the thread id).
 */
#include "maps.bpf.h"

#define SI_USER		0
#define SI_TIMER	(-2)
#define SI_KERNEL	0x80
#define SIGKILL		9
#define SIGCHLD		17
#define SIGNAL_GROUP_EXIT 0x00000004	/* signal_struct.flags */

struct sig_pend_key {
	__u32 tgid;
	__u32 sig;
	__u64 start;	/* the target's start: not a later owner of its pid */
};

/* When the pending signal was generated, for the delivery latency. */
IPC_MAP_PRIVATE(sig_pending, BPF_MAP_TYPE_HASH, struct sig_pend_key, __u64, 4096);

/* sender_start, target_start: the processes' starts (struct ipc_proc_key) */
static __always_inline void count_signal(__u32 sender, __u64 sender_start,
					 __u32 target, __u64 target_start,
					 __u32 sig, __u32 event, __s32 code)
{
	struct ipc_sig_key key = { .sender = sender, .target = target,
				   .sig = sig, .event = event, .code = code,
				   .sender_start = sender_start,
				   .target_start = target_start };
	__u64 zero = 0, *cnt;

	cnt = lookup_or_init(&sig_stats, &key, &zero, IPC_DROP_SIGNAL);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
}

/* SEND_SIG_NOINFO (0) and SEND_SIG_PRIV (1) are not pointers */
static __always_inline __s32 siginfo_code(struct kernel_siginfo *info)
{
	if ((unsigned long)info == 0)
		return SI_USER;
	if ((unsigned long)info == 1)
		return SI_KERNEL;
	return BPF_CORE_READ(info, si_code);
}

/*
 * Whether the kernel generated the signal rather than the process that is
 * running: a timer (SI_TIMER: POSIX timers; SI_KERNEL: alarm, itimers),
 * the tty, the OOM killer (SI_KERNEL), a fault or a socket's SIGIO (their
 * own codes, > 0). Many of these run in interrupt context, where the
 * running process is whoever was interrupted. SIGCHLD's codes (> 0 too)
 * are sent from the child's own exit or stop: the child is the sender.
 */
static __always_inline bool kernel_sent(int sig, __s32 code)
{
	return code == SI_KERNEL || code == SI_TIMER || (code > 0 && sig != SIGCHLD);
}

/* trace: a signal generated (event = the kernel's result) or delivered;
 * by_kernel: the event's process is the kernel (pid 0, no name) */
static __always_inline void trace_signal(__u32 target, __u32 sig, __u32 event,
					 __s32 code, __u64 dur, bool by_kernel)
{
	struct ipc_event *e = event_reserve(IPC_EVENT_SIGNAL, bpf_ktime_get_ns());

	if (!e)
		return;
	if (by_kernel) {
		e->tgid = 0;
		e->pid = 0;
		__builtin_memset(e->comm, 0, sizeof(e->comm));
	}
	e->dur_ns = dur;
	e->op = event;
	e->sig = sig;
	e->sig_target = target;
	e->sig_code = code;
	event_submit(e);
}

SEC("raw_tp/signal_generate")
int BPF_PROG(ipc_signal_generate, int sig, struct kernel_siginfo *info,
	     struct task_struct *task, int group, int result)
{
	__u32 sender = current_tgid(), target = BPF_CORE_READ(task, tgid);
	struct sig_pend_key pk = { .tgid = target, .sig = sig };
	__s32 code = siginfo_code(info);
	bool by_kernel = kernel_sent(sig, code);
	__u64 now;

	if (by_kernel)
		sender = 0;
	if (!(sender && is_target(sender)) && !is_target(target))
		return 0;
	pk.start = BPF_CORE_READ(task, group_leader, start_time);
	count_signal(sender, sender ? current_start() : 0, target, pk.start, sig,
		     result, code);
	if (trace_wanted(IPC_TRACE_SIGNALS))
		trace_signal(target, sig, result, code, NO_DURATION, by_kernel);
	if (result != IPC_SIG_DELIVERED)
		return 0;
	/* the oldest pending instance is the one delivered first */
	now = bpf_ktime_get_ns();
	if (no_room(bpf_map_update_elem(&sig_pending, &pk, &now, BPF_NOEXIST)))
		count_drop(IPC_DROP_SIGNAL);
	return 0;
}

/*
 * A process going away takes its threads with it: the kernel adds SIGKILL
 * to each and "delivers" it (get_signal(), without siginfo), whether a
 * fatal signal, exit_group() or another thread's execve was the cause.
 * Such a delivery gets a made-up code that says which (IPC_SIG_GROUP_*):
 * signal_struct.group_exit_code holds the fatal signal, or the exit
 * status (<< 8) for exit_group().
 */
static __always_inline __s32 group_exit_code(int sig, struct kernel_siginfo *info)
{
	struct signal_struct *signal;

	if (sig != SIGKILL || (unsigned long)info != 0)
		return siginfo_code(info);
	signal = BPF_CORE_READ((struct task_struct *)bpf_get_current_task(), signal);
	if (!(BPF_CORE_READ(signal, flags) & SIGNAL_GROUP_EXIT))
		return IPC_SIG_GROUP_EXEC;
	return IPC_SIG_GROUP_EXIT | (BPF_CORE_READ(signal, group_exit_code) & 0x7f);
}

SEC("raw_tp/signal_deliver")
int BPF_PROG(ipc_signal_deliver, int sig, struct kernel_siginfo *info,
	     struct k_sigaction *ka)
{
	__u32 tgid = current_tgid();
	struct sig_pend_key pk = { .tgid = tgid, .sig = sig };
	struct ipc_sig_lat *lat;
	__u32 idx = sig, slot;
	__u64 *gen, dur;
	__s32 code;

	if (!is_target(tgid))
		return 0;
	pk.start = current_start();
	code = group_exit_code(sig, info);
	count_signal(0, 0, tgid, pk.start, sig, IPC_SIG_HANDLED, code);
	if ((code & ~0x7f) == IPC_SIG_GROUP_EXIT && (code & 0x7f) != SIGKILL) {
		/* the fatal signal is never delivered itself: forget it */
		struct sig_pend_key fatal = pk;

		fatal.sig = code & 0x7f;
		bpf_map_delete_elem(&sig_pending, &fatal);
	}
	gen = bpf_map_lookup_elem(&sig_pending, &pk);
	if (!gen) {
		if (trace_wanted(IPC_TRACE_SIGNALS))
			trace_signal(tgid, sig, IPC_SIG_HANDLED, code,
				     NO_DURATION, false);
		return 0;
	}
	dur = bpf_ktime_get_ns() - *gen;
	bpf_map_delete_elem(&sig_pending, &pk);
	if (trace_wanted(IPC_TRACE_SIGNALS))
		trace_signal(tgid, sig, IPC_SIG_HANDLED, code, dur, false);
	lat = bpf_map_lookup_elem(&sig_lat, &idx);
	if (!lat)
		return 0;
	slot = hist_slot(dur);
	if (slot >= IPC_HIST_SLOTS)
		slot = IPC_HIST_SLOTS - 1;
	lat->count++;
	lat->sum_ns += dur;
	lat->slots[slot]++;
	return 0;
}
