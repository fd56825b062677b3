/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * sock.h - what the parts of the sock workload share: sock.c (the command
 * line, the run and the JSON), sock/addr.c (addresses and what a socket
 * is), sock/io.c (the counted sends and receives) and sock/run.c (each
 * process's sockets and loops).
 */
#ifndef IPCSCOPE_WORKLOADS_SOCK_H
#define IPCSCOPE_WORKLOADS_SOCK_H

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "harness.h"

#define NAME_LEN	160		/* an address as text */

enum sock_type { T_UNIX_STREAM, T_UNIX_DGRAM, T_UNIX_SEQPACKET, T_TCP, T_UDP };
enum connect_mode { C_SOCKETPAIR, C_PATH, C_ABSTRACT };
enum pattern { PAT_STREAM, PAT_PINGPONG };
enum io_method { IO_SEND, IO_WRITE, IO_SENDMSG };

/* Index of each process's Unix path or abstract name. */
enum { PARENT = 0, CHILD = 1 };

struct config {
	enum sock_type type;
	int family;		/* 4 or 6; tcp and udp only */
	enum pattern pattern;
	enum io_method io;
	enum connect_mode connect;	/* unix-* only */
	uint64_t size;
	uint64_t count;
	struct run_opts run;	/* --out, --start-delay, --send/recv-delay */
	int family_given, connect_given, size_given;
};

/* What one process did on its measured socket. */
struct counts {
	uint64_t send_calls, bytes_sent, send_errors;
	uint64_t recv_calls, bytes_received, recv_errors;
};

/* One process's data socket, as it sees it. */
struct sock_desc {
	uint64_t ino;
	char local[NAME_LEN];
	char remote[NAME_LEN];
};

/*
 * MAP_SHARED|MAP_ANONYMOUS, made before the fork: the child's counts and
 * socket (they survive even if it dies half-way), the parent's port, and
 * the hand-shake words the processes poll, so that the only IPC syscalls
 * in the run are the ones on the measured sockets.
 */
struct shared {
	struct counts child;
	struct sock_desc child_sock;
	uint16_t port;		/* tcp/udp: the parent's port */
	uint32_t window;	/* udp stream: datagrams the child may have in flight */
	uint64_t received;	/* udp stream: datagrams the parent has received */
	int child_ready;	/* unix-dgram path/abstract: child bound and connected */
	int parent_connected;	/* unix-dgram path/abstract: parent connected back
				   (until then the child must not send and exit:
				   its socket must still exist to connect to) */
	struct xfer_time xfer;	/* child: start (and pingpong end); parent:
				   stream end */
};

/* A peer address, for udp: learned from the first datagram, then checked. */
union sockaddr_any {
	struct sockaddr sa;
	struct sockaddr_un un;
	struct sockaddr_in in4;
	struct sockaddr_in6 in6;
	struct sockaddr_storage ss;
};

struct peer {
	union sockaddr_any addr;
	socklen_t len;
	int known;
};

/* sock.c: the names of the calls of each --io method */
extern const char *const send_call_name[];
extern const char *const recv_call_name[];

static inline int is_unix(enum sock_type t)
{
	return t == T_UNIX_STREAM || t == T_UNIX_DGRAM || t == T_UNIX_SEQPACKET;
}

/* Byte streams: sends and receives may be short; loop until done. */
static inline int is_bytestream(enum sock_type t)
{
	return t == T_UNIX_STREAM || t == T_TCP;
}

/* Connection kinds: a receive returns 0 once the peer has closed. */
static inline int has_eof(enum sock_type t)
{
	return t != T_UNIX_DGRAM && t != T_UDP;
}

static inline int sock_type_of(enum sock_type t)
{
	switch (t) {
	case T_UNIX_DGRAM:
	case T_UDP:
		return SOCK_DGRAM;
	case T_UNIX_SEQPACKET:
		return SOCK_SEQPACKET;
	case T_UNIX_STREAM:
	case T_TCP:
		break;
	}
	return SOCK_STREAM;
}

/* sock.c: the names of the calls of each --io method */
extern const char *const send_call_name[];
extern const char *const recv_call_name[];

/* addr.c: the Unix paths (valid once made) and abstract names */
extern char g_path[2][sizeof(((struct sockaddr_un *)0)->sun_path)];
extern char g_abstract[2][64];

/* The Unix address of one process: its path or its abstract name. */
socklen_t unix_addr(const struct config *cfg, int who, union sockaddr_any *a);

/* The loopback address of the configured family, with port. */
socklen_t loopback_addr(const struct config *cfg, uint16_t port,
			union sockaddr_any *a);

/* "127.0.0.1:5000", "[::1]:5000", "/path", "@name" or "unnamed". */
void format_addr(const union sockaddr_any *a, socklen_t len, char *buf,
		 size_t size);

/*
 * Inode and addresses of a data socket; peer: udp's learned peer.  After a
 * failure (report 0) it is best effort and silent: the run already has its
 * one error line, and what cannot be known is "unknown".
 */
int describe(int fd, const struct peer *peer, struct sock_desc *d,
	     const char *who, int report);

/* io.c */

/*
 * The parent's errors: once the child has failed, the parent's trouble is
 * only its consequence (EOF, EINVAL from a shut-down socket), and the child
 * has already said why.  One line on stderr per failure.
 */
int parent_quiet(const char *who);
void fail_sys(const char *who, const char *call);

/*
 * The only I/O on the measured sockets goes through these.  Every call is
 * counted, including short transfers and failed calls; EINTR is retried
 * (the interrupted call still was a syscall).  They return 0 (recv_once:
 * what it got) on success, -1 after printing why not.  to, from: udp's
 * peer, else NULL.
 */
int send_msg(const struct config *cfg, int fd, const char *buf, size_t len,
	     struct counts *c, const struct peer *to, const char *who);

/* One receive of up to len bytes. */
ssize_t recv_once(const struct config *cfg, int fd, char *buf, size_t len,
		  struct counts *c, struct peer *from, const char *who);

/*
 * Receives one len-byte message: byte streams loop over short receives,
 * the other types take it in one call (an early EOF is an error).  i only
 * says where it happened.
 */
int recv_msg(const struct config *cfg, int fd, char *buf, size_t len,
	     struct counts *c, struct peer *from, const char *who,
	     uint64_t i);

/* run.c */

/* --connect path: the mkdtemp template, checked up front (exit 2). */
void prepare_paths(void);

/* The abstract names, from the parent's pid. */
void name_abstract(pid_t ppid);

/* Removes the socket files and their directory. */
void remove_paths(void);

/* The SIGCHLD hook: a failed child's parent may be blocked for ever. */
void shut_blocked_socket(int failed);

/*
 * Parent's sockets before the fork: the socketpair, or its bound (and, for
 * connection types, listening) socket in *pfd.  Returns 0 or -1.
 */
int parent_setup(const struct config *cfg, struct shared *sh, int sv[2],
		 int *pfd);

/*
 * Child side.  fd is its socketpair end (-1 otherwise: it makes its own
 * socket).  Counts and its socket's description go straight into the
 * shared mapping.  Returns its exit code.
 */
int child_run(const struct config *cfg, char *buf, int fd, struct shared *sh);

/*
 * Parent side.  pfd is its socketpair end, or the socket parent_setup()
 * made.  Returns 0 on success, -1 after printing why not.
 */
int parent_run(const struct config *cfg, char *buf, int pfd,
	       struct shared *sh, struct counts *c, struct sock_desc *d);

#endif
