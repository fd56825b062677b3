/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * floor.bpf.h - what every floor of `make bench` shares (empty.bpf.c,
 * empty-fentry.bpf.c): an empty program on a hook, and ipcscope's hooks
 * other than the syscall boundary, which the floors differ in. One list:
 * a hook ipcscope adds goes here once, for all of them.
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

/* an empty program on a BTF tracepoint */
#define FLOOR_BTF(event)						\
SEC("tp_btf/" #event)							\
int BPF_PROG(floor_##event)						\
{									\
	return 0;							\
}

/* processes (fork, exec, exit), context switches, page faults, signals */
#define FLOOR_PROCESS_HOOKS						\
FLOOR_BTF(sched_process_fork)						\
FLOOR_TP("tp/sched/sched_process_exec", exec)				\
FLOOR_BTF(sched_process_exit)						\
FLOOR_TP("tp/sched/sched_switch", switch)				\
FLOOR_BTF(page_fault_user)						\
FLOOR_BTF(signal_generate)						\
FLOOR_BTF(signal_deliver)

/* where each process's shared mappings are (ipc_range_exit): the exits of
 * these syscalls, by their own tracepoints */
#define FLOOR_RANGE_TP(name)						\
FLOOR_TP("tp/syscalls/sys_exit_" #name, range_##name)

#endif /* FLOOR_BPF_H */
