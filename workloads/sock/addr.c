// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * addr.c - the sock workload's addresses: each process's Unix path or
 * abstract name, the loopback address, an address as text, and what a
 * data socket is (inode, local and remote address); see sock.h.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>

#include "sock.h"

/*
 * Paths and names are written before their object is marked made (run.c),
 * so a handler never sees a half-built one.
 */
char g_path[2][sizeof(((struct sockaddr_un *)0)->sun_path)];
char g_abstract[2][64];

socklen_t unix_addr(const struct config *cfg, int who, union sockaddr_any *a)
{
	size_t n;

	memset(a, 0, sizeof(*a));
	a->un.sun_family = AF_UNIX;
	if (cfg->connect == C_ABSTRACT) {
		/* sun_path[0] = '\0', then the name, no terminating NUL */
		n = strlen(g_abstract[who]);
		memcpy(a->un.sun_path + 1, g_abstract[who], n);
		return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
	}
	n = strlen(g_path[who]);
	memcpy(a->un.sun_path, g_path[who], n + 1);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
}

socklen_t loopback_addr(const struct config *cfg, uint16_t port,
			union sockaddr_any *a)
{
	memset(a, 0, sizeof(*a));
	if (cfg->family == 6) {
		a->in6.sin6_family = AF_INET6;
		a->in6.sin6_addr = in6addr_loopback;
		a->in6.sin6_port = htons(port);
		return sizeof(a->in6);
	}
	a->in4.sin_family = AF_INET;
	a->in4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a->in4.sin_port = htons(port);
	return sizeof(a->in4);
}

void format_addr(const union sockaddr_any *a, socklen_t len, char *buf,
		 size_t size)
{
	const size_t off = offsetof(struct sockaddr_un, sun_path);
	char ip[INET6_ADDRSTRLEN];

	switch (a->sa.sa_family) {
	case AF_UNIX:
		if (len <= off) {
			snprintf(buf, size, "unnamed");
		} else if (a->un.sun_path[0] == '\0') {
			/* abstract: exactly len - off - 1 bytes of name */
			snprintf(buf, size, "@%.*s", (int)(len - off - 1),
				 a->un.sun_path + 1);
		} else {
			snprintf(buf, size, "%.*s", (int)(len - off),
				 a->un.sun_path);
		}
		return;
	case AF_INET:
		inet_ntop(AF_INET, &a->in4.sin_addr, ip, sizeof(ip));
		snprintf(buf, size, "%s:%u", ip, ntohs(a->in4.sin_port));
		return;
	case AF_INET6:
		inet_ntop(AF_INET6, &a->in6.sin6_addr, ip, sizeof(ip));
		snprintf(buf, size, "[%s]:%u", ip, ntohs(a->in6.sin6_port));
		return;
	default:
		snprintf(buf, size, "family %d", a->sa.sa_family);
	}
}

int describe(int fd, const struct peer *peer, struct sock_desc *d,
	     const char *who, int report)
{
	union sockaddr_any a;
	socklen_t len = sizeof(a);
	struct stat st;

	snprintf(d->local, sizeof(d->local), "unknown");
	snprintf(d->remote, sizeof(d->remote), "unknown");
	if (fstat(fd, &st) < 0) {
		if (report)
			fail_sys(who, "fstat");
		return -1;
	}
	d->ino = (uint64_t)st.st_ino;
	memset(&a, 0, sizeof(a));
	if (getsockname(fd, &a.sa, &len) < 0) {
		if (report)
			fail_sys(who, "getsockname");
		return -1;
	}
	format_addr(&a, len, d->local, sizeof(d->local));
	len = sizeof(a);
	memset(&a, 0, sizeof(a));
	if (getpeername(fd, &a.sa, &len) == 0) {
		format_addr(&a, len, d->remote, sizeof(d->remote));
	} else if (errno == ENOTCONN && peer) {
		if (peer->known)
			format_addr(&peer->addr, peer->len, d->remote,
				    sizeof(d->remote));
	} else {
		if (report)
			fail_sys(who, "getpeername");
		return -1;
	}
	return 0;
}
