/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * sock.bpf.h - what sockets need beyond identifying them (objects.bpf.h)
 * and the sends and receives that pipe.bpf.h starts: UDP addresses, in
 * sock.bpf.c.
 */
#ifndef SOCK_BPF_H
#define SOCK_BPF_H

#include "vmlinux.h"

/*
 * A UDP socket's send or receive, from ipc_sys_enter (core.bpf.c) once
 * inflight_start_fdio (pipe.bpf.h) has put the socket in the thread's
 * entry: the address a send names (uptr: sendto's dest_addr, or
 * sendmsg's msghdr) becomes the socket's remote; a receive's (recvfrom's
 * src_addr, or recvmsg's msghdr) is kept for its exit.
 */
int enter_udp(__u32 op, __u64 uptr);

/*
 * At exit of a send or receive on a UDP socket, before the record is
 * finished: the sender's address a receive wrote, and the local port a
 * send may have bound.
 */
int exit_sock(long ret);

#endif /* SOCK_BPF_H */
