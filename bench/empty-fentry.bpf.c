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
 * Built three times:
 * - empty-fentry.bpf.o: only the pair replaced; the tp/syscalls/sys_exit_*
 *   hooks where ipcscope follows shared mappings stay as they are (each of
 *   them is a syscall tracepoint too);
 * - fentry-only.bpf.o (FLOOR_NO_SYSCALL_TP): those as fexit programs on
 *   their syscalls' entry functions as well: no syscall tracepoint at all.
 *
 * - syscall-tps.bpf.o (FLOOR_SYSCALL_TPS): the pair replaced by the IPC
 *   syscalls' own tracepoints (syscalls:sys_enter_write, sys_exit_write,
 *   ...) instead, for kernels without fentry: those are syscall
 *   tracepoints too (every task takes the slow syscall path), but a
 *   syscall without one, getppid, runs no program.
 *
 * bench/empty loads any of them; a function this kernel's BTF lacks is skipped
 * and named, one that cannot be traced is named as not attached.
 */
#include "floor.bpf.h"

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

FLOOR_PROCESS_HOOKS

#ifdef FLOOR_SYSCALL_TPS
#define FLOOR_IPC_SYSCALL(name)						\
FLOOR_TP("tp/syscalls/sys_enter_" #name, enter_##name)			\
FLOOR_TP("tp/syscalls/sys_exit_" #name, exit_##name)
#else
#define FLOOR_IPC_SYSCALL(name) FLOOR_FENTRY_FEXIT(name)
#endif

/* the syscalls ipc_sys_enter dispatches, as user/sysnames.c lists them */
FLOOR_IPC_SYSCALL(write)
FLOOR_IPC_SYSCALL(writev)
FLOOR_IPC_SYSCALL(read)
FLOOR_IPC_SYSCALL(readv)
FLOOR_IPC_SYSCALL(sendfile64)
FLOOR_IPC_SYSCALL(splice)
FLOOR_IPC_SYSCALL(vmsplice)
FLOOR_IPC_SYSCALL(sendto)
FLOOR_IPC_SYSCALL(sendmsg)
FLOOR_IPC_SYSCALL(recvfrom)
FLOOR_IPC_SYSCALL(recvmsg)
FLOOR_IPC_SYSCALL(msgget)
FLOOR_IPC_SYSCALL(semget)
FLOOR_IPC_SYSCALL(shmget)
FLOOR_IPC_SYSCALL(msgsnd)
FLOOR_IPC_SYSCALL(msgrcv)
FLOOR_IPC_SYSCALL(semop)
FLOOR_IPC_SYSCALL(semtimedop)
FLOOR_IPC_SYSCALL(shmat)
FLOOR_IPC_SYSCALL(shmdt)
FLOOR_IPC_SYSCALL(mq_timedsend)
FLOOR_IPC_SYSCALL(mq_timedreceive)
FLOOR_IPC_SYSCALL(futex)

/* where each process's shared mappings are (ipc_range_exit) */
#ifndef FLOOR_NO_SYSCALL_TP
FLOOR_RANGE_TP(mmap)
FLOOR_RANGE_TP(mremap)
FLOOR_RANGE_TP(munmap)
#ifndef FLOOR_SYSCALL_TPS	/* there shmat's exit has its program above */
FLOOR_RANGE_TP(shmat)
#endif
#else
/* shmat has its fexit above */
FLOOR_FEXIT(mmap)
FLOOR_FEXIT(mremap)
FLOOR_FEXIT(munmap)
#endif
