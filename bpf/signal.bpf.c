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
#define SI_KERNEL	0x80

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

/* trace: a signal generated (event = the kernel's result) or delivered */
static __always_inline void trace_signal(__u32 target, __u32 sig, __u32 event,
					 __s32 code, __u64 dur)
{
	struct ipc_event *e = event_reserve(IPC_EVENT_SIGNAL, bpf_ktime_get_ns());

	if (!e)
		return;
	e->dur_ns = dur;
	e->op = event;
	e->sig = sig;
	e->sig_target = target;
	e->sig_code = code;
	event_submit(e);
}

SEC("tp_btf/signal_generate")
int BPF_PROG(ipc_signal_generate, int sig, struct kernel_siginfo *info,
	     struct task_struct *task, int group, int result)
{
	__u32 sender = current_tgid(), target = BPF_CORE_READ(task, tgid);
	struct sig_pend_key pk = { .tgid = target, .sig = sig };
	__u64 now;

	if (!is_target(sender) && !is_target(target))
		return 0;
	pk.start = BPF_CORE_READ(task, group_leader, start_time);
	count_signal(sender, current_start(), target, pk.start, sig, result,
		     siginfo_code(info));
	if (trace_wanted(IPC_TRACE_SIGNALS))
		trace_signal(target, sig, result, siginfo_code(info), NO_DURATION);
	if (result != IPC_SIG_DELIVERED)
		return 0;
	/* the oldest pending instance is the one delivered first */
	now = bpf_ktime_get_ns();
	if (no_room(bpf_map_update_elem(&sig_pending, &pk, &now, BPF_NOEXIST)))
		count_drop(IPC_DROP_SIGNAL);
	return 0;
}

SEC("tp_btf/signal_deliver")
int BPF_PROG(ipc_signal_deliver, int sig, struct kernel_siginfo *info,
	     struct k_sigaction *ka)
{
	__u32 tgid = current_tgid();
	struct sig_pend_key pk = { .tgid = tgid, .sig = sig };
	struct ipc_sig_lat *lat;
	__u32 idx = sig, slot;
	__u64 *gen, dur;

	if (!is_target(tgid))
		return 0;
	pk.start = current_start();
	count_signal(0, 0, tgid, pk.start, sig, IPC_SIG_HANDLED, siginfo_code(info));
	gen = bpf_map_lookup_elem(&sig_pending, &pk);
	if (!gen) {
		if (trace_wanted(IPC_TRACE_SIGNALS))
			trace_signal(tgid, sig, IPC_SIG_HANDLED,
				     siginfo_code(info), NO_DURATION);
		return 0;
	}
	dur = bpf_ktime_get_ns() - *gen;
	bpf_map_delete_elem(&sig_pending, &pk);
	if (trace_wanted(IPC_TRACE_SIGNALS))
		trace_signal(tgid, sig, IPC_SIG_HANDLED, siginfo_code(info), dur);
	lat = bpf_map_lookup_elem(&sig_lat, &idx);
	if (!lat)
		return 0;
	slot = log2_u64(dur);
	if (slot >= IPC_HIST_SLOTS)
		slot = IPC_HIST_SLOTS - 1;
	lat->count++;
	lat->sum_ns += dur;
	lat->slots[slot]++;
	return 0;
}
