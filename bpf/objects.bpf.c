// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * objects.bpf.c - the global functions of objects.bpf.h: what an inode
 * not in the thread's cache is, and a socket's kind and addresses (the
 * walk from an fd to its struct file is in core.bpf.c).
 */
#include "objects.bpf.h"

/* An AF_UNIX address as bound (addr->len bytes: abstract names have no NUL). */
static __always_inline void unix_addr(struct sock *sk, char *path)
{
	struct unix_address *addr = BPF_CORE_READ((struct unix_sock *)sk, addr);
	__u32 n;

	if (!addr)
		return;
	n = BPF_CORE_READ(addr, len);
	if (n <= 2)		/* unnamed */
		return;
	n -= 2;			/* the 2-byte sun_family */
	if (n > IPC_SOCK_PATH_LEN - 1)
		n = IPC_SOCK_PATH_LEN - 1;
	/* keep the bound visible to the verifier: clang drops a redundant mask */
	barrier_var(n);
	n &= IPC_SOCK_PATH_LEN - 1;
	/* name[0].sun_path */
	bpf_probe_read_kernel(path, n,
			      (void *)addr + bpf_core_field_offset(struct unix_address, name) + 2);
	path[n] = '\0';
}

/*
 * AF_UNIX: the peer (its inode and address) and our own address. A client
 * that sends before the server's accept() has a peer without an inode yet:
 * callers try again while peer_ino is 0.
 */
static __always_inline void unix_info(struct sock *sk, struct ipc_sock_info *si)
{
	struct sock *peer = BPF_CORE_READ((struct unix_sock *)sk, peer);

	unix_addr(sk, si->path);
	si->sk_id = (__u64)sk;
	if (!peer)
		return;
	si->peer_sk_id = (__u64)peer;
	si->peer_ino = BPF_CORE_READ(peer, sk_socket, file, f_inode, i_ino);
	unix_addr(peer, si->peer_path);
}

/*
 * An inet socket's addresses: its own always (bound since, it has them
 * now), the remote's only while si has none (sock.bpf.c fills an
 * unconnected UDP socket's remote from sendto).
 */
static __always_inline void inet_addrs(struct sock *sk, struct ipc_sock_info *si)
{
	bool remote = !si->remote_port;

	si->local_port = BPF_CORE_READ(sk, __sk_common.skc_num);
	if (remote)
		si->remote_port = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (si->family == AF_INET) {
		bpf_core_read(si->local_addr, 4, &sk->__sk_common.skc_rcv_saddr);
		if (remote)
			bpf_core_read(si->remote_addr, 4, &sk->__sk_common.skc_daddr);
	} else {
		bpf_core_read(si->local_addr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
		if (remote)
			bpf_core_read(si->remote_addr, 16, &sk->__sk_common.skc_v6_daddr);
	}
}

/*
 * see objects.bpf.h. The addresses are written into the map's entry in
 * place, made zeroed first: a struct ipc_sock_info on the stack (200 bytes)
 * put the chain ipc_sys_enter -> enter_sendfile -> socket_kind over the 512
 * bytes of stack most kernels give.
 */
static struct ipc_sock_info sock_info_zero;	/* never written */

__noinline int socket_kind(__u64 file_addr, __u32 dev, __u64 ino)
{
	struct file *file = (struct file *)file_addr;
	struct ipc_obj_key k = { .dev = dev, .ino = ino }, *key = &k;
	struct socket *sock = BPF_CORE_READ(file, private_data);
	struct sock *sk = BPF_CORE_READ(sock, sk);
	__u16 type = BPF_CORE_READ(sock, type), family;
	struct ipc_sock_info *si;

	if (!sk)
		return IPC_KIND_NONE;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family == AF_UNIX)
		key->kind = type == SOCK_STREAM ? IPC_KIND_UNIX_STREAM :
			    type == SOCK_DGRAM ? IPC_KIND_UNIX_DGRAM :
			    type == SOCK_SEQPACKET ? IPC_KIND_UNIX_SEQPACKET :
			    IPC_KIND_NONE;
	else if (family == AF_INET || family == AF_INET6)
		key->kind = type == SOCK_STREAM ? IPC_KIND_TCP :
			    type == SOCK_DGRAM ? IPC_KIND_UDP : IPC_KIND_NONE;
	else
		return IPC_KIND_NONE;
	if (key->kind == IPC_KIND_NONE)
		return IPC_KIND_NONE;
	/*
	 * Written once, at first sight; but a socket whose addresses may
	 * still change (an inet socket not yet bound: UDP binds on its first
	 * sendto; a Unix peer not yet accepted) is looked at again.
	 */
	si = bpf_map_lookup_elem(&sock_info, key);
	if (!si) {
		if (no_room(bpf_map_update_elem(&sock_info, key, &sock_info_zero,
						BPF_NOEXIST)))
			count_drop(IPC_DROP_OBJ_INFO);
		si = bpf_map_lookup_elem(&sock_info, key);
		if (!si)
			return key->kind;	/* no room: known by kind only */
		si->family = family;
	}
	if (family == AF_UNIX) {
		if (!si->peer_ino)
			unix_info(sk, si);
	} else if (!si->local_port) {
		inet_addrs(sk, si);
	}
	/* what is looked at again while unknown: done once known */
	if (family == AF_UNIX ? !si->peer_ino : !si->local_port)
		return key->kind | SOCK_INFO_PENDING;
	return key->kind;
}

/* see objects.bpf.h */
__noinline __u64 file_object_miss(__u64 file, __u32 mode, __u64 ino, int cache)
{
	__u64 inode = (__u64)BPF_CORE_READ((struct file *)file, f_inode);
	struct super_block *sb = BPF_CORE_READ((struct inode *)inode, i_sb);
	unsigned long magic = BPF_CORE_READ(sb, s_magic);
	__u64 id = bpf_get_current_pid_tgid();
	struct ipc_obj_key key = {};
	struct obj_cache_ent *c;
	struct inflight *ent;
	__u32 kind = IPC_KIND_NONE;

	key.dev = BPF_CORE_READ(sb, s_dev);
	key.ino = ino;
	if ((mode & S_IFMT) == S_IFSOCK) {
		kind = socket_kind(file, key.dev, key.ino);
		if (kind & SOCK_INFO_PENDING)
			return (__u64)kind << 32 | key.dev;	/* looked at again next time */
	} else if ((mode & S_IFMT) == S_IFIFO) {
		kind = magic == PIPEFS_MAGIC ? IPC_KIND_PIPE : IPC_KIND_FIFO;
	} else if (magic == MQUEUE_MAGIC) {
		kind = IPC_KIND_POSIX_MQ;
	}
	key.kind = kind;
	/* named once, the first time: anonymous pipes have no name */
	if (kind == IPC_KIND_FIFO || kind == IPC_KIND_POSIX_MQ)
		note_name(&key, BPF_CORE_READ((struct file *)file, f_path.dentry));
	ent = cache ? bpf_map_lookup_elem(&inflight, &id) : NULL;
	if (ent) {
		c = &ent->cache[ent->cache_next & (OBJ_CACHE - 1)];
		c->inode = inode;
		c->ino = ino;
		c->mode = mode;
		c->key = key;
		ent->cache_next++;
	}
	return (__u64)kind << 32 | key.dev;
}
