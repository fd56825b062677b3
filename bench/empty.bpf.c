// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * empty.bpf.c - the floor for `make bench`: a program that does nothing on
 * every hook ipcscope attaches (same program types, same tracepoints), so
 * that the cost of merely having a BPF program on a tracepoint can be told
 * apart from the cost of what an ipcscope probe does there.
 *
 * Keep this list the same as ipcscope's loaded probes: bench.py compares the
 * two objects' sections and reports any difference in RESULTS.md.
 * ipcscope's tp/exceptions/page_fault_user is a fallback it loads only
 * without bpf_find_vma, so it is not here.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define FLOOR_TP(sec, name)						\
SEC(sec)								\
int floor_##name(void *ctx)						\
{									\
	return 0;							\
}

#define FLOOR_BTF(event)						\
SEC("tp_btf/" #event)							\
int BPF_PROG(floor_##event)						\
{									\
	return 0;							\
}

FLOOR_BTF(sched_process_fork)
FLOOR_TP("tp/sched/sched_process_exec", exec)
FLOOR_BTF(sched_process_exit)
FLOOR_TP("tp/sched/sched_switch", switch)
FLOOR_BTF(sys_enter)
FLOOR_BTF(sys_exit)
FLOOR_BTF(page_fault_user)
FLOOR_BTF(signal_generate)
FLOOR_BTF(signal_deliver)

/* syscalls are dispatched from tp_btf/sys_enter and sys_exit */
/* where each process's shared mappings are (ipc_range_*) */
FLOOR_TP("tp/syscalls/sys_exit_mmap", range_mmap)
FLOOR_TP("tp/syscalls/sys_exit_mremap", range_mremap)
FLOOR_TP("tp/syscalls/sys_exit_shmat", range_shmat)
