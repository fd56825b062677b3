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
 * Built six times:
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
 *   syscall without one, getppid, runs no program. ipcscope's default hooks;
 * - timing-tps.bpf.o (FLOOR_SYSCALL_TPS and FLOOR_TIMING): the same, each
 *   of those programs timing its syscall (floor.bpf.h): timing alone, on
 *   the hooks ipcscope uses;
 * - objects-tps.bpf.o (and FLOOR_OBJECTS): the calls on an fd or a SysV
 *   id also find their object and add to its totals (floor.bpf.h).
 * - filter-tps.bpf.o (FLOOR_SYSCALL_TPS and FLOOR_FILTER): those
 *   programs, and the switch one, only ask whether the caller is the
 *   traced process, and it never is (floor.bpf.h): what a process a
 *   tracer does not follow pays, at the least, beyond empty programs.
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

/* a syscall's own enter and exit tracepoints, a program on each whose
 * record is of type ctx_t and whose body is enter or exit */
#define FLOOR_TP_PAIR(name, ctx_t, enter, exit)				\
SEC("tp/syscalls/sys_enter_" #name)					\
int floor_enter_##name(ctx_t *ctx)					\
{									\
	return enter;							\
}									\
SEC("tp/syscalls/sys_exit_" #name)					\
int floor_exit_##name(ctx_t *ctx)					\
{									\
	return exit;							\
}

#if defined(FLOOR_SYSCALL_TPS) && defined(FLOOR_TIMING)
#define FLOOR_IPC_SYSCALL(name)						\
FLOOR_TP_PAIR(name, void, floor_time_enter(), floor_time_exit())
#ifdef FLOOR_OBJECTS
/* a syscall whose first argument is the fd or the SysV id of the object
 * it works on (by: FLOOR_BY_FD, FLOOR_BY_ID, FLOOR_MSGSND) */
#define FLOOR_IPC_OBJ_SYSCALL(name, by)					\
FLOOR_TP_PAIR(name, struct floor_tp_sys, floor_object_enter(ctx, by),	\
	      floor_object_exit(ctx))
#endif
#elif defined(FLOOR_SYSCALL_TPS) && defined(FLOOR_FILTER)
#define FLOOR_IPC_SYSCALL(name)						\
FLOOR_TP_PAIR(name, void, floor_filter(), floor_filter())
#elif defined(FLOOR_SYSCALL_TPS)
#define FLOOR_IPC_SYSCALL(name)						\
FLOOR_TP("tp/syscalls/sys_enter_" #name, enter_##name)			\
FLOOR_TP("tp/syscalls/sys_exit_" #name, exit_##name)
#else
#define FLOOR_IPC_SYSCALL(name) FLOOR_FENTRY_FEXIT(name)
#endif

#ifndef FLOOR_IPC_OBJ_SYSCALL
#define FLOOR_IPC_OBJ_SYSCALL(name, by) FLOOR_IPC_SYSCALL(name)
#endif
#define FLOOR_IPC_FD_SYSCALL(name) FLOOR_IPC_OBJ_SYSCALL(name, FLOOR_BY_FD)
#define FLOOR_IPC_ID_SYSCALL(name) FLOOR_IPC_OBJ_SYSCALL(name, FLOOR_BY_ID)

/* the syscalls ipc_sys_enter dispatches, as user/sysnames.c lists them */
FLOOR_IPC_FD_SYSCALL(write)
FLOOR_IPC_FD_SYSCALL(writev)
FLOOR_IPC_FD_SYSCALL(read)
FLOOR_IPC_FD_SYSCALL(readv)
FLOOR_IPC_SYSCALL(sendfile64)
FLOOR_IPC_SYSCALL(splice)
FLOOR_IPC_SYSCALL(vmsplice)
FLOOR_IPC_FD_SYSCALL(sendto)
FLOOR_IPC_FD_SYSCALL(sendmsg)
FLOOR_IPC_FD_SYSCALL(recvfrom)
FLOOR_IPC_FD_SYSCALL(recvmsg)
FLOOR_IPC_SYSCALL(msgget)
FLOOR_IPC_SYSCALL(semget)
FLOOR_IPC_SYSCALL(shmget)
FLOOR_IPC_OBJ_SYSCALL(msgsnd, FLOOR_MSGSND)
FLOOR_IPC_ID_SYSCALL(msgrcv)
FLOOR_IPC_ID_SYSCALL(semop)
FLOOR_IPC_ID_SYSCALL(semtimedop)
FLOOR_IPC_SYSCALL(shmat)
FLOOR_IPC_SYSCALL(shmdt)
FLOOR_IPC_FD_SYSCALL(mq_timedsend)
FLOOR_IPC_FD_SYSCALL(mq_timedreceive)
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
