// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * sock.bpf.c - what UDP sockets need beyond inflight_start_fdio
 * (pipe.bpf.h), which handles send*, recv*, read and write on Unix, TCP
 * and UDP sockets. send() and recv() are sendto() and recvfrom() in libc.
 *
 * An unconnected UDP socket has no remote address in the kernel: the
 * address given to sendto()/sendmsg(), or returned by recvfrom()/recvmsg(),
 * is recorded as its remote, so that user space can pair the two ends.
 */
#include "objects.bpf.h"
#include "sock.bpf.h"

struct sockaddr_any {
	__u16 family;
	__u16 port;		/* network byte order */
	__u32 flowinfo_or_v4;	/* sin_addr for AF_INET, sin6_flowinfo for AF_INET6 */
	__u8 v6[16];		/* sin6_addr */
};

static __always_inline void note_remote(const struct ipc_obj_key *key,
					const void *uaddr)
{
	struct ipc_sock_info *si = bpf_map_lookup_elem(&sock_info, key);
	struct sockaddr_any sa = {};

	if (!si || si->remote_port || !uaddr)
		return;
	if (bpf_probe_read_user(&sa, sizeof(sa), uaddr))
		return;
	if (sa.family == AF_INET && si->family == AF_INET)
		__builtin_memcpy(si->remote_addr, &sa.flowinfo_or_v4, 4);
	else if (sa.family == AF_INET6 && si->family == AF_INET6)
		__builtin_memcpy(si->remote_addr, sa.v6, 16);
	else
		return;
	si->remote_port = __builtin_bswap16(sa.port);
}

/* msg_name of a user_msghdr (its first member) */
static __always_inline const void *msghdr_name(const void *umsg)
{
	void *name = NULL;

	if (umsg)
		bpf_probe_read_user(&name, sizeof(name), umsg);
	return name;
}

/*
 * sendto(fd, buf, len, flags, dest_addr, addrlen), sendmsg(fd, msg, flags),
 * recvfrom(fd, buf, len, flags, src_addr, addrlen), recvmsg(fd, msg, flags)
 * on a UDP socket, which inflight_start_fdio (pipe.bpf.h) has put in the
 * thread's entry: uptr is dest_addr or src_addr, or msg (whose msg_name is
 * the address).
 */
__noinline int enter_udp(__u32 op, __u64 uptr)
{
	bool inbound = op == IPC_OP_SENDTO || op == IPC_OP_SENDMSG;
	bool is_msghdr = op == IPC_OP_SENDMSG || op == IPC_OP_RECVMSG;
	struct inflight *ent = inflight_current();

	if (!ent)
		return 0;
	if (inbound) {
		note_remote(&ent->objs[0].key,
			    is_msghdr ? msghdr_name((void *)uptr) : (void *)uptr);
	} else {
		/* where the receive will write the sender's address */
		ent->uptr = uptr;
		ent->arg = is_msghdr;
	}
	return 0;
}

/*
 * At exit: a receive has written the sender's address; a UDP send may have
 * bound the socket (autobind) and given it its local port. ipc_sys_exit
 * calls it before time in channel looks at those, then finishes the record.
 */
__noinline int exit_sock(long ret)
{
	struct inflight *ent = inflight_current();

	if (ent && ent->objs[0].key.kind == IPC_KIND_UDP) {
		struct ipc_obj_key key = {};

		if (ent->uptr && ret >= 0)
			note_remote(&ent->objs[0].key,
				    ent->arg ? msghdr_name((void *)ent->uptr) :
					       (void *)ent->uptr);
		/* looks at the socket again while its local port is unknown
		 * (afresh: the thread's cache keeps only finished sockets) */
		file_object(fd_file(ent->fd), &key, NULL);
	}
	return 0;	/* ipc_sys_exit finishes the record */
}
