/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * sysv.bpf.h - what sysv.bpf.c offers sys_enter and sys_exit: the *get
 * calls that name SysV objects, POSIX queues, semaphores, SysV shared
 * memory attach and detach, and futexes.
 */
#ifndef SYSV_BPF_H
#define SYSV_BPF_H

#include "vmlinux.h"

int enter_get(__u32 kind, long key, __u64 size);
int exit_get(long ret);
int enter_mq(long fd, __u32 op, __u64 len);
int enter_semop(__u32 semid, __u32 nsops);
int enter_shmat(__u32 shmid);
int exit_shmat(long ret);
int enter_shmdt(__u64 addr);
int enter_futex(__u64 uaddr, __u32 futex_op);

#endif /* SYSV_BPF_H */
