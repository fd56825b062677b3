/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * pipe.bpf.h - pipes and FIFOs, and what else moves data through fds.
 * read, write, readv and writev (on a pipe, a FIFO or a socket: the fd
 * tells) and the sockets' send and receive calls are inline in the one
 * sys_enter program (core.bpf.c), which has the thread's entry at hand;
 * splice and sendfile share a global function in pipe.bpf.c, vmsplice
 * has its own.
 * sys_exit accounts them all.
 */
#ifndef PIPE_BPF_H
#define PIPE_BPF_H

#include "objects.bpf.h"
#include "sock.bpf.h"

/* What each fd syscall is (by enum ipc_sys): its operation, whether it
 * is a socket's call, and whether data goes in */
struct fdio_kind {
	__u8 op, sock_op, inbound;
};

_Static_assert(IPC_OP_MAX <= 256 && IPC_SYS_RECVMSG < 16, "fdio_kinds holds them");
static const struct fdio_kind fdio_kinds[16] = {
	[IPC_SYS_WRITE] = { IPC_OP_WRITE, 0, 1 },
	[IPC_SYS_WRITEV] = { IPC_OP_WRITEV, 0, 1 },
	[IPC_SYS_READ] = { IPC_OP_READ, 0, 0 },
	[IPC_SYS_READV] = { IPC_OP_READV, 0, 0 },
	[IPC_SYS_SENDTO] = { IPC_OP_SENDTO, 1, 1 },
	[IPC_SYS_SENDMSG] = { IPC_OP_SENDMSG, 1, 1 },
	[IPC_SYS_RECVFROM] = { IPC_OP_RECVFROM, 1, 0 },
	[IPC_SYS_RECVMSG] = { IPC_OP_RECVMSG, 1, 0 },
};

/*
 * read, write, readv, writev on a pipe or a socket; sendto, sendmsg,
 * recvfrom, recvmsg on a socket: the IPC syscalls a ping-pong is made of.
 * Inline in ipc_sys_enter, with the thread's entry it already has (one call
 * site: the object walk is verified once); most other enter functions are
 * global and look the entry up again. What the call is comes from
 * fdio_kinds at an index the verifier does not know: it walks the object
 * code once, not once per syscall (a switch on h had it walk it for each:
 * 16,800 instructions for ipc_sys_enter, now about 10,000 with
 * enter_fd_to_fd). Returns the object's kind if it was added to ent, for
 * the caller to hand a UDP socket's address to enter_udp (it has the
 * arguments) before inflight_commit; IPC_KIND_NONE if not.
 */
static __always_inline __u32 inflight_start_fdio(struct inflight *ent, __u32 h,
						 long fd)
{
	const struct fdio_kind *fk = &fdio_kinds[h & 15];
	bool sock_op = fk->sock_op, inbound = fk->inbound;
	struct ipc_obj_key key = {};
	__u32 op = fk->op, kind;

	inflight_clear(ent);
	kind = file_object(fd_file(fd), &key, ent);
	if (sock_op ? !is_socket_kind(kind) : !is_stream_kind(kind))
		return IPC_KIND_NONE;
	inflight_add_io(ent, &key, op, inbound);
	if (!ent)
		return IPC_KIND_NONE;
	if (sock_op) {
		ent->fd = fd;
		ent->uptr = 0;
	}
	return kind;
}

/* The operation of an fd syscall inflight_start_fdio took */
static __always_inline __u32 fdio_op(__u32 h)
{
	return fdio_kinds[h & 15].op;
}

/*
 * splice and sendfile: data from one fd to another inside the kernel, in
 * one global function (pipe.bpf.c) for both, whose two object lookups the
 * verifier walks once. how: op_out | op_in << 16 | pipes_only << 32, one
 * argument (the fewer values it keeps across its calls, the smaller its
 * stack frame: ipc_sys_enter's deepest call chain stays at 448 bytes).
 */
int enter_fd_to_fd(long fd_in, long fd_out, __u64 how);
#define FD_TO_FD(op_out, op_in, pipes_only) \
	((__u64)(op_out) | (__u64)(op_in) << 16 | (__u64)(pipes_only) << 32)
int enter_vmsplice(long fd);

/* sendfile(out_fd, in_fd, offset, count): either side may be a pipe or a
 * socket (nginx sends files to its clients this way) */
static __always_inline int enter_sendfile(long out_fd, long in_fd)
{
	return enter_fd_to_fd(in_fd, out_fd,
			      FD_TO_FD(IPC_OP_SENDFILE_OUT, IPC_OP_SENDFILE_IN, 0));
}

/* splice(fd_in, off_in, fd_out, off_out, len, flags): pipes on either side */
static __always_inline int enter_splice(long fd_in, long fd_out)
{
	return enter_fd_to_fd(fd_in, fd_out, FD_TO_FD(IPC_OP_SPLICE_OUT, IPC_OP_SPLICE_IN, 1));
}

#endif /* PIPE_BPF_H */
