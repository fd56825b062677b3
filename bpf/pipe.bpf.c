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
 * socket (how: FD_TO_FD, pipe.bpf.h). One global function for both: the
 * verifier walks its two object lookups once, not once per syscall.
 */
__noinline int enter_fd_to_fd(long fd_in, long fd_out, __u64 how)
{
	__u32 op_out = how & 0xffff, op_in = (how >> 16) & 0xffff;
	bool pipes_only = how >> 32;
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
