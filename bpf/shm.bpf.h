/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * shm.bpf.h - SysV shared memory attach and detach (shmat, shmdt), in
 * shm.bpf.c with the page faults that show the segments' use.
 */
#ifndef SHM_BPF_H
#define SHM_BPF_H

#include "vmlinux.h"

int enter_shmat(__u32 shmid);
int exit_shmat(long ret);
int enter_shmdt(__u64 addr);

#endif /* SHM_BPF_H */
