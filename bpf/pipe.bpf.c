// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * pipe.bpf.c - the pipe-only ways to move data: splice(2) and vmsplice(2).
 *
 * splice moves pages between a pipe and another fd with no copy through user
 * memory; either side (or both) can be a pipe. vmsplice maps user pages into
 * a pipe (write end) or copies out of it (read end). Plain read/write on
 * pipes is in fdio.bpf.c.
 */
#include "common.bpf.h"

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
