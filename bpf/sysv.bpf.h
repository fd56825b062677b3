/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * sysv.bpf.h - the *get calls that name SysV objects (msgget, semget,
 * shmget), in sysv.bpf.c: the id is the return value, so the object is
 * known only at exit.
 */
#ifndef SYSV_BPF_H
#define SYSV_BPF_H

#include "vmlinux.h"

int enter_get(__u32 kind, long key, __u64 size);
int exit_get(long ret);

#endif /* SYSV_BPF_H */
