// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * run.c - each process's side of the sock workload: the parent's sockets
 * (and their files, removed at the end, on error and from the termination
 * handler), the child's, and the loops of both; see sock.h.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sock.h"
#include "utf8.h"

#define POLL_NS		100000L		/* shared-flag poll interval: 100 us */
#define UDP_WINDOW_MAX	64		/* datagrams in flight, udp stream */

static const char *const path_name[2] = { "parent.sock", "child.sock" };

/* The socket the parent may block on, for the SIGCHLD hook. */
static volatile sig_atomic_t g_block_fd = -1;

/*
 * In the order they are removed, before their directory.  The child binds
 * its own path, so the parent cannot know whether it made it: both are
 * unlinked once the directory exists (ENOENT is fine; the directory is
 * ours alone).
 */
enum { OBJ_CHILD_PATH, OBJ_PARENT_PATH };
static struct object g_objects[] = {
	[OBJ_CHILD_PATH] = { OBJ_FILE, g_path[CHILD], NULL, 0, 0 },
	[OBJ_PARENT_PATH] = { OBJ_FILE, g_path[PARENT], NULL, 0, 0 },
};

/*
 * --connect path: build the mkdtemp template up front so that a directory
 * whose socket paths would not fit in sun_path is exit 2, not a failure
 * half-way: g_dir is kept shorter than sun_path by room for
 * "/parent.sock" (DIR_LEN_MAX characters at most).  The names are filled
 * in once mkdtemp has made the directory.
 */
#define DIR_LEN_MAX	(sizeof(((struct sockaddr_un *)0)->sun_path) - 13)

void prepare_paths(void)
{
	const char *base;
	int len;

	set_objects(g_objects, ARRAY_SIZE(g_objects));
	if (temp_dir_template(DIR_LEN_MAX + 1, NULL, &base, &len) < 0)
		usage_error("$TMPDIR '%.*s' is too long for a Unix socket path "
			    "(%zu bytes at most); set TMPDIR to a shorter "
			    "directory", len, base,
			    sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
	if (utf8_error((const unsigned char *)g_dir, strlen(g_dir)))
		usage_error("$TMPDIR '%.*s' is not valid UTF-8", len, base);
}

void name_abstract(pid_t ppid)
{
	for (int i = 0; i < 2; i++)
		snprintf(g_abstract[i], sizeof(g_abstract[i]),
			 "ipcscope-%ld-%s", (long)ppid,
			 i == PARENT ? "parent" : "child");
}

void remove_paths(void)
{
	remove_objects(0);
}

/*
 * If the child fails, the parent may be blocked for ever: in accept()
 * before the child connected, or in a receive on a datagram socket (the
 * kernel does not wake a unix-dgram or udp reader when its peer closes).
 * Shutting that socket down makes the call return (EINVAL, or 0), and the
 * parent then sees g_child_failed.  A child that exited with status 0 has
 * sent everything, so the parent is left alone then.
 */
void shut_blocked_socket(int failed)
{
	int fd = g_block_fd;

	if (failed && fd >= 0)
		shutdown(fd, SHUT_RDWR);
}

static void nap(void)
{
	struct timespec ts = { 0, POLL_NS };

	nanosleep(&ts, NULL);	/* an EINTR only makes the nap shorter */
}

int child_run(const struct config *cfg, char *buf, int fd, struct shared *sh)
{
	size_t size = (size_t)cfg->size;
	struct counts *c = &sh->child;
	struct peer parent = { .known = 0 }, *peer = NULL;
	union sockaddr_any a;
	socklen_t alen;
	int ret = 1;

	if (cfg->type == T_TCP || cfg->type == T_UDP) {
		fd = socket(cfg->family == 6 ? AF_INET6 : AF_INET,
			    sock_type_of(cfg->type), 0);
		if (fd < 0) {
			sys_error("child", "socket");
			return 1;
		}
		alen = loopback_addr(cfg, sh->port, &a);
		if (cfg->type == T_TCP) {
			if (connect(fd, &a.sa, alen) < 0) {
				sys_error("child", "connect");
				goto out;
			}
		} else {
			/* never bound: the first sendto binds it */
			parent.addr = a;
			parent.len = alen;
			parent.known = 1;
			peer = &parent;
		}
	} else if (cfg->connect != C_SOCKETPAIR) {
		fd = socket(AF_UNIX, sock_type_of(cfg->type), 0);
		if (fd < 0) {
			sys_error("child", "socket");
			return 1;
		}
		if (cfg->type == T_UNIX_DGRAM) {
			alen = unix_addr(cfg, CHILD, &a);
			if (bind(fd, &a.sa, alen) < 0) {
				sys_error("child", "bind");
				goto out;
			}
		}
		alen = unix_addr(cfg, PARENT, &a);
		if (connect(fd, &a.sa, alen) < 0) {
			sys_error("child", "connect");
			goto out;
		}
		if (cfg->type == T_UNIX_DGRAM) {
			__atomic_store_n(&sh->child_ready, 1, __ATOMIC_RELEASE);
			while (!__atomic_load_n(&sh->parent_connected, __ATOMIC_ACQUIRE))
				nap();
		}
	}

	for (uint64_t i = 0; i < cfg->count; i++) {
		if (peer && cfg->pattern == PAT_STREAM) {
			/* udp: never more than a window ahead of the parent */
			while (i - __atomic_load_n(&sh->received,
						   __ATOMIC_ACQUIRE) >=
			       sh->window)
				nap();
		}
		if (i == 0) {
			if (xfer_wait_receiver(&sh->xfer, 0) < 0)
				goto out;	/* the parent is gone */
			xfer_start(&sh->xfer);
		}
		if (send_msg(cfg, fd, buf, size, c, peer, "child") < 0)
			goto out;
		if (cfg->pattern == PAT_STREAM &&
		    sleep_ms(cfg->run.send_delay_ms) < 0)
			goto out;
		if (cfg->pattern == PAT_PINGPONG &&
		    recv_msg(cfg, fd, buf, size, c, peer, "child", i) < 0)
			goto out;
	}
	/* Pingpong: the transfer ends with the last reply. */
	if (cfg->pattern == PAT_PINGPONG)
		xfer_end(&sh->xfer);
	ret = 0;
out:
	if (describe(fd, peer, &sh->child_sock, "child", ret == 0) < 0)
		ret = 1;
	/* Closing is what the parent's stream reader sees as EOF. */
	if (close(fd) < 0 && ret == 0) {
		sys_error("child", "close");
		ret = 1;
	}
	return ret;
}

int parent_setup(const struct config *cfg, struct shared *sh, int sv[2],
		 int *pfd)
{
	union sockaddr_any a;
	socklen_t alen;
	sigset_t old;
	int fd, err;

	if (is_unix(cfg->type) && cfg->connect == C_SOCKETPAIR) {
		if (socketpair(AF_UNIX, sock_type_of(cfg->type), 0, sv) < 0) {
			sys_error("parent", "socketpair");
			return -1;
		}
		*pfd = sv[0];
		return 0;
	}

	fd = socket(is_unix(cfg->type) ? AF_UNIX :
		    cfg->family == 6 ? AF_INET6 : AF_INET,
		    sock_type_of(cfg->type), 0);
	if (fd < 0) {
		sys_error("parent", "socket");
		return -1;
	}
	*pfd = fd;
	if (is_unix(cfg->type)) {
		/* Signals blocked: a handler never misses a file just made. */
		block_handled_signals(&old);
		err = 0;
		if (cfg->connect == C_PATH) {
			err = make_temp_dir(1);
			for (int i = 0; !err && i < 2; i++)
				snprintf(g_path[i], sizeof(g_path[i]),
					 "%.*s/%s", (int)DIR_LEN_MAX, g_dir,
					 path_name[i]);
			if (!err) {
				object_made(&g_objects[OBJ_PARENT_PATH]);
				object_made(&g_objects[OBJ_CHILD_PATH]);
			}
		}
		if (!err) {
			alen = unix_addr(cfg, PARENT, &a);
			if (bind(fd, &a.sa, alen) < 0) {
				sys_error("parent", "bind");
				err = -1;
			}
		}
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (err)
			return -1;
	} else {
		alen = loopback_addr(cfg, 0, &a);
		if (bind(fd, &a.sa, alen) < 0) {
			sys_error("parent", "bind");
			return -1;
		}
		alen = sizeof(a);
		if (getsockname(fd, &a.sa, &alen) < 0) {
			sys_error("parent", "getsockname");
			return -1;
		}
		sh->port = ntohs(cfg->family == 6 ? a.in6.sin6_port :
				 a.in4.sin_port);
	}
	if (has_eof(cfg->type) && listen(fd, 1) < 0) {
		sys_error("parent", "listen");
		return -1;
	}
	if (cfg->type == T_UDP && cfg->pattern == PAT_STREAM) {
		/*
		 * A datagram takes more than its size in the receive buffer
		 * (the kernel reports the doubled SO_RCVBUF, which is what it
		 * compares with); keep the window well inside it.
		 */
		int rcvbuf = 0;
		socklen_t olen = sizeof(rcvbuf);
		uint64_t w;

		if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &olen) < 0) {
			sys_error("parent", "getsockopt SO_RCVBUF");
			return -1;
		}
		w = (uint64_t)(rcvbuf > 0 ? rcvbuf : 0) / (2 * (cfg->size + 1024));
		sh->window = (uint32_t)(w < 1 ? 1 : w > UDP_WINDOW_MAX ?
					UDP_WINDOW_MAX : w);
	}
	return 0;
}

int parent_run(const struct config *cfg, char *buf, int pfd,
	       struct shared *sh, struct counts *c, struct sock_desc *d)
{
	size_t size = (size_t)cfg->size;
	uint64_t want = cfg->size * cfg->count;
	struct peer child = { .known = 0 }, *peer = NULL;
	union sockaddr_any a;
	socklen_t alen;
	int fd = -1, ret = -1;

	if (cfg->type == T_UDP)
		peer = &child;	/* learned from the first datagram */
	/* Set first: then either we see g_child_failed or the handler sees
	 * the socket and shuts it down. */
	g_block_fd = pfd;
	if (g_child_failed)
		goto out;
	if (has_eof(cfg->type) && !(is_unix(cfg->type) &&
				    cfg->connect == C_SOCKETPAIR)) {
		for (;;) {
			fd = accept(pfd, NULL, NULL);
			if (fd >= 0)
				break;
			if (errno != EINTR || g_child_failed) {
				fail_sys("parent", "accept");
				goto out;
			}
		}
		g_block_fd = fd;
		/* The listener is no data socket; its path stays till the end. */
		close(pfd);
		pfd = -1;
	} else {
		fd = pfd;
		pfd = -1;
	}
	if (g_child_failed)
		goto out;
	if (cfg->type == T_UNIX_DGRAM && cfg->connect != C_SOCKETPAIR) {
		while (!__atomic_load_n(&sh->child_ready, __ATOMIC_ACQUIRE)) {
			if (g_child_gone)
				goto out;	/* it failed: it said why */
			nap();
		}
		alen = unix_addr(cfg, CHILD, &a);
		if (connect(fd, &a.sa, alen) < 0) {
			fail_sys("parent", "connect");
			goto out;
		}
		__atomic_store_n(&sh->parent_connected, 1, __ATOMIC_RELEASE);
	}

	xfer_receiver_ready(&sh->xfer);
	if (cfg->pattern == PAT_STREAM && has_eof(cfg->type)) {
		/* Until EOF: the last call is the one that returns 0. */
		for (;;) {
			ssize_t n;

			if (sleep_ms(cfg->run.recv_delay_ms) < 0)
				goto out;
			n = recv_once(cfg, fd, buf, size, c, peer, "parent");

			if (n < 0)
				goto out;
			if (n == 0)
				break;
			/* The transfer ends with its last byte, not EOF. */
			if (c->bytes_received == want)
				xfer_end(&sh->xfer);
			if (!is_bytestream(cfg->type) && (size_t)n != size) {
				if (!parent_quiet("parent"))
					say("parent", "%s: got %zd bytes, "
					    "expected a %zu-byte message",
					    recv_call_name[cfg->io], n, size);
				goto out;
			}
		}
	} else {
		for (uint64_t i = 0; i < cfg->count; i++) {
			if (cfg->pattern == PAT_STREAM &&
			    sleep_ms(cfg->run.recv_delay_ms) < 0)
				goto out;
			if (recv_msg(cfg, fd, buf, size, c, peer, "parent",
				     i) < 0)
				goto out;
			if (cfg->pattern == PAT_STREAM && i + 1 == cfg->count)
				xfer_end(&sh->xfer);
			if (cfg->pattern == PAT_STREAM) {
				__atomic_store_n(&sh->received, i + 1,
						 __ATOMIC_RELEASE);
				continue;
			}
			if (send_msg(cfg, fd, buf, size, c, peer, "parent") < 0)
				goto out;
		}
	}
	ret = 0;
out:
	if (fd >= 0 && describe(fd, peer, d, "parent", ret == 0) < 0)
		ret = -1;
	g_block_fd = -1;
	if (pfd >= 0)
		close(pfd);
	if (fd >= 0 && close(fd) < 0 && ret == 0) {
		sys_error("parent", "close");
		ret = -1;
	}
	return ret;
}
