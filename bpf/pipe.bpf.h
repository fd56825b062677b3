/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * pipe.bpf.h - pipes and FIFOs, and what else moves data through fds.
 * read, write, readv and writev (on a pipe, a FIFO or a socket: the fd
 * tells) and the sockets' send and receive calls are inline in the one
 * sys_enter program (core.bpf.c), which has the thread's entry at hand;
 * splice, vmsplice and sendfile are global functions in pipe.bpf.c.
 * sys_exit accounts them all.
 */
#ifndef PIPE_BPF_H
#define PIPE_BPF_H

#include "objects.bpf.h"
#include "sock.bpf.h"

/*
 * read, write, readv, writev on a pipe or a socket; sendto, sendmsg,
 * recvfrom, recvmsg on a socket: the IPC syscalls a ping-pong is made of.
 * Inline in ipc_sys_enter, with the thread's entry it already has (one call
 * site: the object walk is verified once); most other enter functions are
 * global and look the entry up again. uptr: see enter_udp.
 */
static __always_inline int inflight_start_fdio(struct inflight *ent, __u32 h,
					       long fd, __u64 uptr)
{
	bool sock_op = h >= IPC_SYS_SENDTO && h <= IPC_SYS_RECVMSG;
	bool inbound = h == IPC_SYS_WRITE || h == IPC_SYS_WRITEV ||
		       h == IPC_SYS_SENDTO || h == IPC_SYS_SENDMSG;
	struct ipc_obj_key key = {};
	__u32 op, kind;

	switch (h) {
	case IPC_SYS_WRITE:	op = IPC_OP_WRITE; break;
	case IPC_SYS_WRITEV:	op = IPC_OP_WRITEV; break;
	case IPC_SYS_READ:	op = IPC_OP_READ; break;
	case IPC_SYS_READV:	op = IPC_OP_READV; break;
	case IPC_SYS_SENDTO:	op = IPC_OP_SENDTO; break;
	case IPC_SYS_SENDMSG:	op = IPC_OP_SENDMSG; break;
	case IPC_SYS_RECVFROM:	op = IPC_OP_RECVFROM; break;
	default:		op = IPC_OP_RECVMSG; break;
	}
	inflight_clear(ent);
	kind = file_object(fd_file(fd), &key, ent);
	if (sock_op ? !is_socket_kind(kind) : !is_stream_kind(kind))
		return 0;
	inflight_add_io(ent, &key, op, inbound);
	if (!ent)
		return 0;
	if (sock_op) {
		ent->fd = fd;
		ent->uptr = 0;
		if (kind == IPC_KIND_UDP)
			enter_udp(op, uptr);
	}
	inflight_commit(ent);
	return 0;
}

int enter_sendfile(long out_fd, long in_fd);
int enter_splice(long fd_in, long fd_out);
int enter_vmsplice(long fd);

#endif /* PIPE_BPF_H */
