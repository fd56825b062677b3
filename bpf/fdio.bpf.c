// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * fdio.bpf.c - sendfile(2) on an IPC fd. read(2), write(2), readv(2) and
 * writev(2) on pipes, FIFOs and sockets, and the sockets' send and receive
 * calls, are inline in the one sys_enter program (core.bpf.c:
 * inflight_start_fdio in common.bpf.h), which has the thread's entry at
 * hand; sys_exit accounts them all.
 */
#include "common.bpf.h"

/*
 * sendfile(out_fd, in_fd, offset, count): the kernel moves the bytes from
 * one file to the other, through no user buffer. Either side may be a
 * pipe or a socket (nginx sends files to its clients this way).
 */
__noinline int enter_sendfile(long out_fd, long in_fd)
{
	return inflight_start_fd_to_fd(in_fd, out_fd, IPC_OP_SENDFILE_OUT,
				       IPC_OP_SENDFILE_IN, false);
}
