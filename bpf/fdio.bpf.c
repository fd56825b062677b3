// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * fdio.bpf.c - read(2), write(2), readv(2) and writev(2) on an IPC fd.
 *
 * The same syscalls move data through pipes, FIFOs and (later) sockets, so
 * one probe per tracepoint identifies the object behind the fd and records
 * the operation for it; sys_exit accounts the result.
 */
#include "common.bpf.h"

static __always_inline int fdio_enter(long fd, __u32 op, bool inbound)
{
	struct inflight ent = {};
	struct ipc_obj_key key = {};

	if (!is_target(current_tgid()))
		return 0;
	if (!is_stream_kind(file_object(fd_file(fd), &key)))
		return 0;
	inflight_add_io(&ent, &key, op, inbound);
	inflight_start(&ent);
	return 0;
}

SEC("tp/syscalls/sys_enter_write")
int ipc_enter_write(struct trace_event_raw_sys_enter *ctx)
{
	return fdio_enter(ctx->args[0], IPC_OP_WRITE, true);
}

SEC("tp/syscalls/sys_enter_writev")
int ipc_enter_writev(struct trace_event_raw_sys_enter *ctx)
{
	return fdio_enter(ctx->args[0], IPC_OP_WRITEV, true);
}

SEC("tp/syscalls/sys_enter_read")
int ipc_enter_read(struct trace_event_raw_sys_enter *ctx)
{
	return fdio_enter(ctx->args[0], IPC_OP_READ, false);
}

SEC("tp/syscalls/sys_enter_readv")
int ipc_enter_readv(struct trace_event_raw_sys_enter *ctx)
{
	return fdio_enter(ctx->args[0], IPC_OP_READV, false);
}
