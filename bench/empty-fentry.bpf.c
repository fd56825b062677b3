// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * empty-fentry.bpf.c - a second floor for `make bench`: empty.bpf.c's
 * hooks, but the tp_btf/sys_enter and sys_exit pair replaced by an empty
 * fentry and fexit program on the kernel entry function of each syscall
 * ipcscope hands to a mechanism (user/sysnames.c, sys_table). A syscall
 * tracepoint, any of them, moves every task to the kernel's slow syscall
 * path; a trampoline on __x64_sys_write is paid only by the calls to
 * write(). This floor measures what ipcscope's bystanders would pay if it
 * observed the syscall boundary that way (kernels with fentry only).
 *
 * Built twice:
 * - empty-fentry.bpf.o: only the pair replaced; the tp/syscalls/sys_exit_*
 *   hooks where ipcscope follows shared mappings stay as they are (each of
 *   them is a syscall tracepoint too);
 * - fentry-only.bpf.o (FLOOR_NO_SYSCALL_TP): those as fexit programs on
 *   their syscalls' entry functions as well: no syscall tracepoint at all.
 *
 * bench/empty loads either; a function this kernel's BTF lacks is skipped
 * and named, one that cannot be traced is named as not attached.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* the prefix of the syscalls' entry functions (SYSCALL_DEFINEx wrappers) */
#if defined(__TARGET_ARCH_x86)
#define SYSFN(name) "__x64_sys_" #name
#elif defined(__TARGET_ARCH_arm64)
#define SYSFN(name) "__arm64_sys_" #name
#elif defined(__TARGET_ARCH_s390)
#define SYSFN(name) "__s390x_sys_" #name
#else
#define SYSFN(name) "sys_" #name
#endif

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

#define FLOOR_FEXIT(name)						\
SEC("fexit/" SYSFN(name))						\
int BPF_PROG(floor_exit_##name)						\
{									\
	return 0;							\
}

#define FLOOR_FENTRY_FEXIT(name)					\
SEC("fentry/" SYSFN(name))						\
int BPF_PROG(floor_enter_##name)					\
{									\
	return 0;							\
}									\
FLOOR_FEXIT(name)

FLOOR_BTF(sched_process_fork)
FLOOR_TP("tp/sched/sched_process_exec", exec)
FLOOR_BTF(sched_process_exit)
FLOOR_TP("tp/sched/sched_switch", switch)
FLOOR_BTF(page_fault_user)
FLOOR_BTF(signal_generate)
FLOOR_BTF(signal_deliver)

/* the syscalls ipc_sys_enter dispatches, as user/sysnames.c lists them */
FLOOR_FENTRY_FEXIT(write)
FLOOR_FENTRY_FEXIT(writev)
FLOOR_FENTRY_FEXIT(read)
FLOOR_FENTRY_FEXIT(readv)
FLOOR_FENTRY_FEXIT(sendfile64)
FLOOR_FENTRY_FEXIT(splice)
FLOOR_FENTRY_FEXIT(vmsplice)
FLOOR_FENTRY_FEXIT(sendto)
FLOOR_FENTRY_FEXIT(sendmsg)
FLOOR_FENTRY_FEXIT(recvfrom)
FLOOR_FENTRY_FEXIT(recvmsg)
FLOOR_FENTRY_FEXIT(msgget)
FLOOR_FENTRY_FEXIT(semget)
FLOOR_FENTRY_FEXIT(shmget)
FLOOR_FENTRY_FEXIT(msgsnd)
FLOOR_FENTRY_FEXIT(msgrcv)
FLOOR_FENTRY_FEXIT(semop)
FLOOR_FENTRY_FEXIT(semtimedop)
FLOOR_FENTRY_FEXIT(shmat)
FLOOR_FENTRY_FEXIT(shmdt)
FLOOR_FENTRY_FEXIT(mq_timedsend)
FLOOR_FENTRY_FEXIT(mq_timedreceive)
FLOOR_FENTRY_FEXIT(futex)

/* where each process's shared mappings are (ipc_range_*) */
#ifndef FLOOR_NO_SYSCALL_TP
FLOOR_TP("tp/syscalls/sys_exit_mmap", range_mmap)
FLOOR_TP("tp/syscalls/sys_exit_mremap", range_mremap)
FLOOR_TP("tp/syscalls/sys_exit_shmat", range_shmat)
#else
/* shmat has its fexit above */
FLOOR_FEXIT(mmap)
FLOOR_FEXIT(mremap)
#endif
