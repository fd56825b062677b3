// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * objname.c - how every output names an IPC object and a socket's ends,
 * and which two sockets are the ends of one connection.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "model.h"
#include "snapshot.h"
#include "util.h"

static void obj_name_raw(const struct ipc_obj_key *k, const struct ipc_obj_info *info,
			 const struct ipc_sock_info *si, char *buf, size_t len);

static void obj_name(char *buf, size_t len, const struct ipc_obj_key *k,
		     const struct ipc_obj_info *info)
{
	const char *name = info && info->name[0] ? info->name : NULL;
	unsigned long long ino = k->ino;
	int n = 0;

	switch (k->kind) {
	case IPC_KIND_PIPE:
		n = snprintf(buf, len, "pipe:[%llu]", ino);
		break;
	case IPC_KIND_FIFO:
		n = name ? snprintf(buf, len, "fifo:%s", name) :
			   snprintf(buf, len, "fifo:[%llu]", ino);
		break;
	case IPC_KIND_POSIX_MQ:
		n = name ? snprintf(buf, len, "mq:/%s", name) :
			   snprintf(buf, len, "mq:[%llu]", ino);
		break;
	case IPC_KIND_SYSV_MSQ:
		n = snprintf(buf, len, "msq:%llu", ino);
		break;
	case IPC_KIND_SYSV_SHM:
		n = ino == 0xffffffffULL ? snprintf(buf, len, "shm:?") :
					   snprintf(buf, len, "shm:%llu", ino);
		break;
	case IPC_KIND_SYSV_SEM:
		n = snprintf(buf, len, "sem:%llu", ino);
		break;
	case IPC_KIND_FUTEX:
		n = snprintf(buf, len, "futex:0x%llx", ino);
		break;
	default:
		n = name ? snprintf(buf, len, "%s:%s", ipc_kind_name(k->kind), name) :
			   snprintf(buf, len, "%s:[%llu]", ipc_kind_name(k->kind), ino);
		break;
	}
	if (info && info->sysv_key != -1 && n >= 0 && (size_t)n < len) {
		if (info->sysv_key == 0)
			snprintf(buf + n, len - n, " (IPC_PRIVATE)");
		else
			snprintf(buf + n, len - n, " (key 0x%08x)",
				 (unsigned)info->sysv_key);
	}
}

static void sock_addr(char *buf, size_t len, uint16_t family,
		      const uint8_t *addr, uint16_t port)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, addr, ip, sizeof(ip));
	if (family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", ip, port);
	else
		snprintf(buf, len, "%s:%u", ip, port);
}

static void unix_name(char *buf, size_t len, const char *path, size_t size)
{
	if (path[0])
		snprintf(buf, len, "%.*s", (int)size, path);
	else if (path[1])	/* abstract: a NUL, then the name */
		snprintf(buf, len, "@%.*s", (int)size - 1, path + 1);
	else
		snprintf(buf, len, "unnamed");
}

void ipc_sock_local(const struct ipc_sock_info *si, char *buf, size_t len)
{
	if (si->family == AF_UNIX)
		unix_name(buf, len, si->path, sizeof(si->path));
	else
		sock_addr(buf, len, si->family, si->local_addr, si->local_port);
}

void ipc_sock_remote(const struct ipc_sock_info *si, char *buf, size_t len)
{
	if (si->family == AF_UNIX)
		unix_name(buf, len, si->peer_path, sizeof(si->peer_path));
	else if (!si->remote_port)
		snprintf(buf, len, "unconnected");
	else
		sock_addr(buf, len, si->family, si->remote_addr, si->remote_port);
}

static bool addr_is_loopback(uint16_t family, const uint8_t *a)
{
	static const uint8_t v6_loop[16] = { [15] = 1 };
	static const uint8_t v4_mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (family == AF_INET)
		return a[0] == 127;
	if (!memcmp(a, v6_loop, 16))
		return true;
	return !memcmp(a, v4_mapped, 12) && a[12] == 127;
}

bool ipc_sock_loopback(const struct ipc_sock_info *si)
{
	if (si->family == AF_UNIX)
		return true;
	return si->remote_port && addr_is_loopback(si->family, si->remote_addr);
}

void snapshot_obj_name(const struct snapshot *s, const struct ipc_obj_key *k,
		       char *buf, size_t len)
{
	ipc_obj_name(k, snapshot_info(s, k), snapshot_sock(s, k), buf, len);
}

/*
 * An object's name for display: paths, queue and socket names come from
 * the traced system, so it is made safe for a terminal here, once, for
 * every output (text_clean); JSON has the raw names in their own fields.
 */
void ipc_obj_name(const struct ipc_obj_key *k, const struct ipc_obj_info *info,
		  const struct ipc_sock_info *si, char *buf, size_t len)
{
	obj_name_raw(k, info, si, buf, len);
	text_clean_inplace(buf, len);
}

static void obj_name_raw(const struct ipc_obj_key *k, const struct ipc_obj_info *info,
			 const struct ipc_sock_info *si, char *buf, size_t len)
{
	char local[80], remote[80];

	if (ipc_kind_mech(k->kind) != IPC_MECH_SOCKET || !si) {
		obj_name(buf, len, k, info);
		return;
	}
	ipc_sock_local(si, local, sizeof(local));
	if (si->family == AF_UNIX) {
		/* a client is unnamed: its server's path says more */
		if (!si->path[0] && !si->path[1] && (si->peer_path[0] || si->peer_path[1])) {
			ipc_sock_remote(si, remote, sizeof(remote));
			snprintf(buf, len, "unix:->%s [%llu]", remote, (unsigned long long)k->ino);
		} else {
			snprintf(buf, len, "unix:%s [%llu]", local, (unsigned long long)k->ino);
		}
		return;
	}
	ipc_sock_remote(si, remote, sizeof(remote));
	snprintf(buf, len, "%s:%s->%s", ipc_kind_name(k->kind), local, remote);
}

/* Is b the other end of a (TCP/UDP)? Its local is a's remote and back. */
static bool inet_peers(const struct ipc_sock_info *a, const struct ipc_sock_info *b)
{
	static const uint8_t any[16];
	size_t alen = a->family == AF_INET ? 4 : 16;

	if (a->family != b->family || !a->remote_port || !b->remote_port)
		return false;
	if (a->remote_port != b->local_port || b->remote_port != a->local_port)
		return false;
	/* a listener's socket may be bound to the wildcard address */
	return (!memcmp(a->remote_addr, b->local_addr, alen) ||
		!memcmp(b->local_addr, any, alen)) &&
	       (!memcmp(b->remote_addr, a->local_addr, alen) ||
		!memcmp(a->local_addr, any, alen));
}

/* The kernel's peer pointers, both ways if known (a closed end has none). */
static bool unix_peers(const struct ipc_sock_info *a, const struct ipc_sock_info *b)
{
	return (a->peer_sk_id && a->peer_sk_id == b->sk_id) ||
	       (b->peer_sk_id && b->peer_sk_id == a->sk_id);
}

bool ipc_sock_peers(const struct ipc_sock_info *a, const struct ipc_sock_info *b)
{
	return a->family == AF_UNIX ? unix_peers(a, b) : inet_peers(a, b);
}

