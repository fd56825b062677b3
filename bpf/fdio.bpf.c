// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * fdio.bpf.c - read(2), write(2), readv(2), writev(2) and sendfile(2) on an
 * IPC fd.
 *
 * The same syscalls move data through pipes, FIFOs and (later) sockets, so
 * one probe per tracepoint identifies the object behind the fd and records
 * the operation for it; sys_exit accounts the result. The one sys_enter
 * program (core.bpf.c) calls it with the syscall's arguments.
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
