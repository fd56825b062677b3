/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * sem.bpf.h - semaphores and futexes, in sem.bpf.c.
 */
#ifndef SEM_BPF_H
#define SEM_BPF_H

#include "vmlinux.h"

int enter_semop(__u32 semid, __u32 nsops);
int enter_futex(__u64 uaddr, __u32 futex_op);

#endif /* SEM_BPF_H */
