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

/* a syscall's enter tracepoint (exits all go through tp_btf/sys_exit) */
#define FLOOR_SYSCALL(sc)						\
	FLOOR_TP("tp/syscalls/sys_enter_" #sc, enter_##sc)

FLOOR_BTF(sched_process_fork)
FLOOR_TP("tp/sched/sched_process_exec", exec)
FLOOR_BTF(sched_process_exit)
FLOOR_TP("tp/sched/sched_switch", switch)
FLOOR_BTF(sys_enter)
FLOOR_BTF(sys_exit)
FLOOR_BTF(page_fault_user)
FLOOR_BTF(signal_generate)
FLOOR_BTF(signal_deliver)

FLOOR_SYSCALL(write)
FLOOR_SYSCALL(writev)
FLOOR_SYSCALL(read)
FLOOR_SYSCALL(readv)
FLOOR_SYSCALL(splice)
FLOOR_SYSCALL(vmsplice)
FLOOR_SYSCALL(sendto)
FLOOR_SYSCALL(sendmsg)
FLOOR_SYSCALL(recvfrom)
FLOOR_SYSCALL(recvmsg)
FLOOR_SYSCALL(msgget)
FLOOR_SYSCALL(msgsnd)
FLOOR_SYSCALL(msgrcv)
FLOOR_SYSCALL(semget)
FLOOR_SYSCALL(semop)
FLOOR_SYSCALL(semtimedop)
FLOOR_SYSCALL(shmget)
FLOOR_SYSCALL(shmat)
FLOOR_SYSCALL(shmdt)
FLOOR_SYSCALL(mq_timedsend)
FLOOR_SYSCALL(mq_timedreceive)
FLOOR_SYSCALL(futex)
/* where each process's shared mappings are (ipc_range_*) */
FLOOR_TP("tp/syscalls/sys_exit_mmap", range_mmap)
FLOOR_TP("tp/syscalls/sys_exit_mremap", range_mremap)
FLOOR_TP("tp/syscalls/sys_exit_shmat", range_shmat)
