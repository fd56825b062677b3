// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * empty.bpf.c - the floor for `make bench`: a program that does nothing on
 * every hook ipcscope attaches (same program types, same tracepoints), so
 * that the cost of merely having a BPF program on a tracepoint can be told
 * apart from the cost of what an ipcscope probe does there.
 *
 * Keep this list (with floor.bpf.h's) the same as ipcscope's loaded probes:
 * bench.py compares the two objects' sections and reports any difference
 * in RESULTS.md.
 * ipcscope's tp/exceptions/page_fault_user is a fallback it loads only
 * without bpf_find_vma, so it is not here.
 */
#include "floor.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

FLOOR_PROCESS_HOOKS
#ifndef FLOOR_TIMING
FLOOR_BTF(sys_enter)
FLOOR_BTF(sys_exit)
#else
/*
 * Built a second time with FLOOR_TIMING (timing.bpf.o): the same hooks,
 * but sys_enter and sys_exit time every syscall of every process into one
 * log2 histogram. That is the least any tracer that reports per-call
 * latency does (a timestamp at entry kept per thread, a second at exit), so
 * `make bench` can tell what ipcscope adds to it from what timing alone
 * costs. No filter, no fd lookup, no per-object or per-process state.
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

SEC("tp_btf/sys_enter")
int BPF_PROG(floor_sys_enter)
{
	__u64 id = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns();
	__u64 *ts = bpf_map_lookup_elem(&start, &id);

	if (ts)
		*ts = now;	/* the thread's entry stays, like ipcscope's */
	else
		bpf_map_update_elem(&start, &id, &now, BPF_ANY);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(floor_sys_exit)
{
	__u64 id = bpf_get_current_pid_tgid(), *ts, *n, d;
	__u32 slot = 0, shift;

	ts = bpf_map_lookup_elem(&start, &id);
	if (!ts || !*ts)
		return 0;
	d = bpf_ktime_get_ns() - *ts;
	*ts = 0;
	/* floor(log2(d)), branch-free (clang 14 cannot build clzll for BPF) */
	shift = (d > 0xFFFFFFFFULL) << 5; d >>= shift; slot |= shift;
	shift = (d > 0xFFFF) << 4; d >>= shift; slot |= shift;
	shift = (d > 0xFF) << 3; d >>= shift; slot |= shift;
	shift = (d > 0xF) << 2; d >>= shift; slot |= shift;
	shift = (d > 0x3) << 1; d >>= shift; slot |= shift;
	slot |= d >> 1;
	n = bpf_map_lookup_elem(&lat_hist, &slot);
	if (n)
		*n += 1;
	return 0;
}
#endif

/* syscalls are dispatched from tp_btf/sys_enter and sys_exit */
FLOOR_RANGE_TP(mmap)
FLOOR_RANGE_TP(mremap)
FLOOR_RANGE_TP(shmat)
FLOOR_RANGE_TP(munmap)
