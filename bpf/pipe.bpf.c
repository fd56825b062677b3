// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * pipe.bpf.c - the ways to move data between fds inside the kernel:
 * splice(2), vmsplice(2) and sendfile(2). Plain read/write on pipes is
 * inline in sys_enter (pipe.bpf.h).
 *
 * splice moves pages between a pipe and another fd with no copy through user
 * memory; either side (or both) can be a pipe. vmsplice maps user pages into
 * a pipe (write end) or copies out of it (read end). sendfile moves bytes
 * from one file to another through no user buffer.
 */
#include "pipe.bpf.h"

/*
 * A syscall that moves data from fd_in to fd_out inside the kernel
 * (splice, sendfile): out of the object behind fd_in (op_out) and into the
 * one behind fd_out (op_in), either of them a pipe (pipes_only) or also a
 * socket.
 */
static __always_inline int inflight_start_fd_to_fd(long fd_in, long fd_out,
						   __u32 op_out, __u32 op_in,
						   bool pipes_only)
{
	struct inflight *ent = inflight_begin();
	struct ipc_obj_key key = {};
	__u32 kind;

	kind = file_object(fd_file(fd_in), &key, ent);
	if (pipes_only ? is_pipe_kind(kind) : is_stream_kind(kind))
		inflight_add_io(ent, &key, op_out, false);
	kind = file_object(fd_file(fd_out), &key, ent);
	if (pipes_only ? is_pipe_kind(kind) : is_stream_kind(kind))
		inflight_add_io(ent, &key, op_in, true);
	inflight_commit(ent);
	return 0;
}

/*
 * sendfile(out_fd, in_fd, offset, count): either side may be a pipe or a
 * socket (nginx sends files to its clients this way).
 */
__noinline int enter_sendfile(long out_fd, long in_fd)
{
	return inflight_start_fd_to_fd(in_fd, out_fd, IPC_OP_SENDFILE_OUT,
				       IPC_OP_SENDFILE_IN, false);
}

/* splice(fd_in, off_in, fd_out, off_out, len, flags): pipes on either side */
__noinline int enter_splice(long fd_in, long fd_out)
{
	return inflight_start_fd_to_fd(fd_in, fd_out, IPC_OP_SPLICE_OUT,
				       IPC_OP_SPLICE_IN, true);
}

/* vmsplice(fd, iov, nr_segs, flags) */
__noinline int enter_vmsplice(long fd)
{
	struct inflight *ent = inflight_begin();
	struct ipc_obj_key key = {};
	struct file *file = fd_file(fd);

	if (!is_pipe_kind(file_object(file, &key, ent)))
		return 0;
	if (file_writable(file))
		inflight_add_io(ent, &key, IPC_OP_VMSPLICE_IN, true);
	else
		inflight_add_io(ent, &key, IPC_OP_VMSPLICE_OUT, false);
	inflight_commit(ent);
	return 0;
}
