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
/* Built a second time with FLOOR_TIMING (timing.bpf.o): sys_enter and
 * sys_exit time every syscall of every process (floor.bpf.h) */
SEC("tp_btf/sys_enter")
int BPF_PROG(floor_sys_enter)
{
	return floor_time_enter();
}

SEC("tp_btf/sys_exit")
int BPF_PROG(floor_sys_exit)
{
	return floor_time_exit();
}
#endif

/* syscalls are dispatched from tp_btf/sys_enter and sys_exit */
FLOOR_RANGE_TP(mmap)
FLOOR_RANGE_TP(mremap)
FLOOR_RANGE_TP(shmat)
FLOOR_RANGE_TP(munmap)
