// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * explain.bpf.c - `ipcscope explain`: what the kernel did around one
 * message, as events in the ring buffer (the trace_explain setting): each
 * syscall of a target with its duration (core.bpf.c calls explain_syscall
 * at the exit), the scheduler waking a target and switching a CPU to or
 * from one, and a target's packets through a network device and the
 * NET_RX softirq. The programs here stand by in every other command.
 */
#include "maps.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define NET_RX_SOFTIRQ	3	/* include/linux/interrupt.h */

/* task_struct's state before Linux 5.14 (then __state) */
struct task_struct___pre514 {
	long state;
} __attribute__((preserve_access_index));

static __always_inline long task_state(struct task_struct *t)
{
	if (bpf_core_field_exists(t->__state))
		return BPF_CORE_READ(t, __state);
	return BPF_CORE_READ((struct task_struct___pre514 *)t, state);
}

__noinline int explain_syscall(__u32 nr, __s64 ret, __u64 start_ns, __u32 cpu)
{
	__u64 now = bpf_ktime_get_ns();
	struct ipc_event *e;

	if (!trace_explain)
		return 0;
	e = event_reserve(IPC_EVENT_SYSCALL, now);
	if (!e)
		return 0;
	e->op = nr;
	e->ret = ret;
	e->aux = cpu;		/* where it was entered: e->cpu is where it returns */
	e->dur_ns = start_ns && start_ns <= now ? now - start_ns : IPC_EVENT_NO_DURATION;
	event_submit(e);
	return 0;
}

static __always_inline void set_peer(struct ipc_event *e, struct task_struct *t)
{
	e->peer_tgid = BPF_CORE_READ(t, tgid);
	e->peer_pid = BPF_CORE_READ(t, pid);
	bpf_probe_read_kernel_str(e->peer_comm, sizeof(e->peer_comm), t->comm);
}

/* In the waker's context, on its CPU, whichever CPU the woken will run on */
SEC("tp_btf/sched_waking")
int BPF_PROG(ipc_explain_waking, struct task_struct *p)
{
	struct ipc_event *e;

	if (!is_target(BPF_CORE_READ(p, tgid)))
		return 0;
	e = event_reserve(IPC_EVENT_WAKEUP, bpf_ktime_get_ns());
	if (!e)
		return 0;
	set_peer(e, p);
	event_submit(e);
	return 0;
}

/* Linux 5.18 added prev_state after next; the first three are the same */
SEC("tp_btf/sched_switch")
int BPF_PROG(ipc_explain_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	struct ipc_event *e;

	if (!is_target(BPF_CORE_READ(prev, tgid)) &&
	    !is_target(BPF_CORE_READ(next, tgid)))
		return 0;
	e = event_reserve(IPC_EVENT_SWITCH, bpf_ktime_get_ns());
	if (!e)
		return 0;
	e->ret = task_state(prev);
	e->aux = preempt || !e->ret;
	set_peer(e, next);
	event_submit(e);
	return 0;
}

/*
 * The packets a target handed to a device, by address: the loopback
 * device hands the same sk_buff back as received, and the NET_RX softirq
 * that receives it may run in ksoftirqd rather than in the sender's time
 * (seen under qemu): received there, it is still shown.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 256);
	__type(key, __u64);
	__type(value, __u8);
} explain_skbs SEC(".maps");

static __always_inline int net_step(struct sk_buff *skb, __u32 step)
{
	__u64 addr = (__u64)skb;
	struct ipc_event *e;
	__u8 one = 1;

	if (is_target(current_tgid())) {
		if (step == IPC_NET_DEV_QUEUE)
			bpf_map_update_elem(&explain_skbs, &addr, &one, BPF_ANY);
		else if (step == IPC_NET_RECEIVE)
			bpf_map_delete_elem(&explain_skbs, &addr);
	} else if (step != IPC_NET_RECEIVE || !skb ||
		   bpf_map_delete_elem(&explain_skbs, &addr)) {
		return 0;	/* not a target's, nor a packet one sent */
	}
	e = event_reserve(IPC_EVENT_NET, bpf_ktime_get_ns());
	if (!e)
		return 0;
	e->op = step;
	if (skb) {
		e->bytes = BPF_CORE_READ(skb, len);
		bpf_probe_read_kernel_str(e->peer_comm, sizeof(e->peer_comm),
					  BPF_CORE_READ(skb, dev, name));
	}
	event_submit(e);
	return 0;
}

SEC("tp_btf/net_dev_queue")
int BPF_PROG(ipc_explain_dev_queue, struct sk_buff *skb)
{
	return net_step(skb, IPC_NET_DEV_QUEUE);
}

SEC("tp_btf/netif_receive_skb")
int BPF_PROG(ipc_explain_receive, struct sk_buff *skb)
{
	return net_step(skb, IPC_NET_RECEIVE);
}

SEC("tp_btf/softirq_entry")
int BPF_PROG(ipc_explain_softirq_entry, unsigned int vec)
{
	return vec == NET_RX_SOFTIRQ ? net_step(NULL, IPC_NET_SOFTIRQ_ENTRY) : 0;
}

SEC("tp_btf/softirq_exit")
int BPF_PROG(ipc_explain_softirq_exit, unsigned int vec)
{
	return vec == NET_RX_SOFTIRQ ? net_step(NULL, IPC_NET_SOFTIRQ_EXIT) : 0;
}
