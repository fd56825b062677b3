// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * io.c - the sock workload's counted calls: one syscall of each --io
 * method (send/recv, write/read, sendmsg/recvmsg; sendto/recvfrom with
 * udp's addresses), and the loops over short transfers; see sock.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "sock.h"

int parent_quiet(const char *who)
{
	return !strcmp(who, "parent") && g_child_failed;
}

void fail_sys(const char *who, const char *call)
{
	if (!parent_quiet(who))
		sys_error(who, call);
}

/* One syscall of the sending method; to: udp's destination, else NULL. */
static ssize_t send_call(const struct config *cfg, int fd, const char *buf,
			 size_t len, const struct peer *to)
{
	struct iovec iov;
	struct msghdr msg;

	switch (cfg->io) {
	case IO_WRITE:
		return write(fd, buf, len);
	case IO_SENDMSG:
		iov.iov_base = (void *)buf;
		iov.iov_len = len;
		memset(&msg, 0, sizeof(msg));
		if (to) {
			msg.msg_name = (void *)&to->addr;
			msg.msg_namelen = to->len;
		}
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		return sendmsg(fd, &msg, 0);
	case IO_SEND:
		break;
	}
	if (to)
		return sendto(fd, buf, len, 0, &to->addr.sa, to->len);
	return send(fd, buf, len, 0);
}

/* One syscall of the receiving method; from: udp's source, else NULL. */
static ssize_t recv_call(const struct config *cfg, int fd, char *buf,
			 size_t len, union sockaddr_any *from,
			 socklen_t *fromlen)
{
	struct iovec iov;
	struct msghdr msg;
	ssize_t n;

	switch (cfg->io) {
	case IO_WRITE:
		return read(fd, buf, len);
	case IO_SENDMSG:
		iov.iov_base = buf;
		iov.iov_len = len;
		memset(&msg, 0, sizeof(msg));
		if (from) {
			msg.msg_name = from;
			msg.msg_namelen = *fromlen;
		}
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		n = recvmsg(fd, &msg, 0);
		if (from)
			*fromlen = msg.msg_namelen;
		return n;
	case IO_SEND:
		break;
	}
	if (from)
		return recvfrom(fd, buf, len, 0, &from->sa, fromlen);
	return recv(fd, buf, len, 0);
}

int send_msg(const struct config *cfg, int fd, const char *buf, size_t len,
	     struct counts *c, const struct peer *to, const char *who)
{
	const char *call = send_call_name[cfg->io];
	size_t done = 0;

	while (done < len) {
		ssize_t n = send_call(cfg, fd, buf + done, len - done, to);

		c->send_calls++;
		if (n < 0) {
			c->send_errors++;
			if (errno == EINTR)
				continue;
			fail_sys(who, call);
			return -1;
		}
		c->bytes_sent += (uint64_t)n;
		if (!is_bytestream(cfg->type) && (size_t)n != len) {
			/* a datagram or record goes whole, or not at all */
			if (!parent_quiet(who))
				say(who, "%s: sent %zd of a %zu-byte message",
				    call, n, len);
			return -1;
		}
		if (n == 0) {	/* cannot happen for len > 0; don't spin */
			if (!parent_quiet(who))
				say(who, "%s: sent 0 bytes", call);
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

/* Has a udp datagram come from the peer?  The first one names the peer. */
static int check_source(struct peer *from, const union sockaddr_any *a,
			socklen_t alen, const char *who)
{
	char got[NAME_LEN], want[NAME_LEN];

	format_addr(a, alen, got, sizeof(got));
	if (!from->known) {
		from->addr = *a;
		from->len = alen;
		from->known = 1;
		return 0;
	}
	format_addr(&from->addr, from->len, want, sizeof(want));
	if (strcmp(got, want) != 0) {
		if (!parent_quiet(who))
			say(who, "datagram from %s, expected one from %s", got,
			    want);
		return -1;
	}
	return 0;
}

ssize_t recv_once(const struct config *cfg, int fd, char *buf, size_t len,
		  struct counts *c, struct peer *from, const char *who)
{
	for (;;) {
		union sockaddr_any a;
		socklen_t alen = sizeof(a);
		ssize_t n;

		memset(&a, 0, sizeof(a));
		n = recv_call(cfg, fd, buf, len, from ? &a : NULL,
			      from ? &alen : NULL);
		c->recv_calls++;
		if (n >= 0) {
			c->bytes_received += (uint64_t)n;
			if (from && check_source(from, &a, alen, who) < 0)
				return -1;
			return n;
		}
		c->recv_errors++;
		if (errno != EINTR) {
			fail_sys(who, recv_call_name[cfg->io]);
			return -1;
		}
	}
}

int recv_msg(const struct config *cfg, int fd, char *buf, size_t len,
	     struct counts *c, struct peer *from, const char *who,
	     uint64_t i)
{
	const char *call = recv_call_name[cfg->io];
	size_t got = 0;

	while (got < len) {
		ssize_t n = recv_once(cfg, fd, buf + got, len - got, c, from,
				      who);

		if (n < 0)
			return -1;
		if (n == 0) {
			if (!parent_quiet(who))
				say(who, "%s: unexpected end after %" PRIu64
				    " of %" PRIu64 " messages", call, i,
				    cfg->count);
			return -1;
		}
		if (!is_bytestream(cfg->type) && (size_t)n != len) {
			if (!parent_quiet(who))
				say(who, "%s: got %zd bytes, expected a "
				    "%zu-byte message", call, n, len);
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}
