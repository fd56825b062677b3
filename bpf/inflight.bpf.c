// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * inflight.bpf.c - the global functions of inflight.bpf.h: retiring a
 * thread's entry, flushing its tallies of endpoints and message types to
 * their maps, and accounting a syscall's second object. Each is verified
 * once, whichever program calls it.
 */
#include "inflight.bpf.h"

/*
 * see inflight.bpf.h. Every figure leaves the entry before it reaches a map
 * (the tallies are flushed, then the entry is removed and its counts are
 * added), so that user space, which reads procs, endpoints and msg_types
 * before inflight, may miss one for a reading but never counts it twice.
 * The process is the entry's own (tgid, start), not whichever has the pid.
 */
__noinline int retire_thread(__u64 id)
{
	__u64 syscalls, vol, invol;
	struct inflight *ent = bpf_map_lookup_elem(&inflight, &id);
	struct ipc_proc_key key = {};
	struct ipc_proc *p;

	if (!ent)
		return 0;
	key.tgid = ent->counts.tgid;
	key.start = ent->counts.start;
	syscalls = ent->counts.syscalls;
	vol = ent->counts.vol_switches;
	invol = ent->counts.invol_switches;
	flush_thread_ep(id, 0);
	flush_thread_ep(id, 1);
	flush_thread_msgtype(id, 0);
	flush_thread_msgtype(id, 1);
	bpf_map_delete_elem(&inflight, &id);
	p = bpf_map_lookup_elem(&procs, &key);
	if (p) {
		__sync_fetch_and_add(&p->syscalls, syscalls);
		__sync_fetch_and_add(&p->vol_switches, vol);
		__sync_fetch_and_add(&p->invol_switches, invol);
	}
	return 0;
}

/* see inflight.bpf.h: verified once, on its own */
__noinline int finish_second(long ret, __u64 now, __u64 dur)
{
	struct inflight *ent = inflight_current();

	if (ent && ent->nobjs > 1)
		finish_obj(ent, &ent->objs[1], ret, now, dur);
	return 0;
}

/*
 * see inflight.bpf.h. Each figure leaves the thread's slot before it reaches
 * the map (see retire_thread). The slot keeps its endpoint, for the
 * thread's next call on it.
 */
__noinline int flush_thread_ep(__u64 id, __u32 i)
{
	__u64 v;
	struct inflight *ent = bpf_map_lookup_elem(&inflight, &id);
	struct ipc_ep_key ek = {};
	struct ipc_thread_ep *t;
	struct ipc_ep_stats *es;

	if (!ent || i >= IPC_THREAD_EPS)
		return 0;
	t = &ent->counts.eps[i];
	if (!t->calls)
		return 0;
	ek.obj = t->obj;
	ek.tgid = ent->counts.tgid;
	ek.dir = t->dir;
	ek.start = ent->counts.start;
	es = lookup_or_create(&endpoints, &ek, &ep_zero);
	v = t->calls;
	t->calls = 0;
	if (!es) {
		/* no room (see no_room): these operations are lost, and counted */
		__sync_fetch_and_add(&drops[IPC_DROP_ENDPOINT], v);
		t->bytes = 0;
		t->lat_sum_ns = 0;
		__builtin_memset(t->lat_slots, 0, sizeof(t->lat_slots));
		return 0;
	}
	__sync_fetch_and_add(&es->calls, v);
	v = t->bytes;
	t->bytes = 0;
	__sync_fetch_and_add(&es->bytes, v);
	v = t->lat_sum_ns;
	t->lat_sum_ns = 0;
	__sync_fetch_and_add(&es->lat_sum_ns, v);
	for (int s = 0; s < IPC_HIST_SLOTS; s++) {
		v = t->lat_slots[s];
		if (!v)
			continue;
		t->lat_slots[s] = 0;
		__sync_fetch_and_add(&es->lat_slots[s], v);
	}
	return 0;
}


/*
 * see inflight.bpf.h. Each figure leaves the slot before it reaches the
 * map (see retire_thread). The slot keeps its key.
 */
__noinline int flush_thread_msgtype(__u64 id, __u32 i)
{
	__u64 sent, received, requested;
	struct inflight *ent = bpf_map_lookup_elem(&inflight, &id);
	struct ipc_msgtype_stats zero = {}, *st;
	struct ipc_thread_msgtype *t;

	if (!ent || i >= IPC_THREAD_MSGTYPES)
		return 0;
	t = &ent->counts.msgtypes[i];
	sent = t->st.sent;
	received = t->st.received;
	requested = t->st.requested;
	if (!(sent | received | requested))
		return 0;
	t->st.sent = t->st.received = t->st.requested = 0;
	st = lookup_or_create(&msg_types, &t->key, &zero);
	if (!st) {
		/* no room (see no_room): these counts are lost, and counted */
		__sync_fetch_and_add(&drops[IPC_DROP_MSG_TYPE], sent + received + requested);
		return 0;
	}
	__sync_fetch_and_add(&st->sent, sent);
	__sync_fetch_and_add(&st->received, received);
	__sync_fetch_and_add(&st->requested, requested);
	return 0;
}

