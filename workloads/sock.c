/*
 * sock.c - ground-truth socket workload for the ipcscope integration tests.
 *
 * A parent and a forked child move a known amount of data through one
 * socket connection (Unix stream, datagram or seqpacket; TCP or UDP over
 * loopback), one-way (stream) or as ping-pong round trips, with one chosen
 * pair of syscalls (send/recv, write/read or sendmsg/recvmsg).  Every one of
 * those syscalls is counted, and the parent prints the counts, the sockets'
 * inodes and addresses as JSON at the end, so a test can compare a kernel
 * tracer's numbers with them exactly.  Run with --help for details.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "utf8.h"

const char workload_name[] = "sock";

#define SIZE_MAX_BYTES	16777216ULL	/* unix-stream, tcp */
#define SIZE_MAX_UNIX_MSG 65536ULL	/* unix-dgram, unix-seqpacket */
#define SIZE_MAX_UDP	65507ULL	/* 65535 - IPv4 header - UDP header */
#define COUNT_MAX	100000000ULL
#define DELAY_MAX_MS	600000ULL
#define POLL_NS		100000L		/* shared-flag poll interval: 100 us */
#define UDP_WINDOW_MAX	64		/* datagrams in flight, udp stream */
#define NAME_LEN	160		/* an address as text */

enum sock_type { T_UNIX_STREAM, T_UNIX_DGRAM, T_UNIX_SEQPACKET, T_TCP, T_UDP };
static const char *const type_name[] = {
	"unix-stream", "unix-dgram", "unix-seqpacket", "tcp", "udp",
};
enum connect_mode { C_SOCKETPAIR, C_PATH, C_ABSTRACT };
static const char *const connect_name[] = { "socketpair", "path", "abstract" };
enum pattern { PAT_STREAM, PAT_PINGPONG };
enum io_method { IO_SEND, IO_WRITE, IO_SENDMSG };
static const char *const io_name[] = { "send", "write", "sendmsg" };
static const char *const send_call_name[] = { "send", "write", "sendmsg" };
static const char *const recv_call_name[] = { "recv", "read", "recvmsg" };

/* Index of each process's Unix path or abstract name. */
enum { PARENT = 0, CHILD = 1 };
static const char *const path_name[2] = { "parent.sock", "child.sock" };

struct config {
	enum sock_type type;
	int family;		/* 4 or 6; tcp and udp only */
	enum pattern pattern;
	enum io_method io;
	enum connect_mode connect;	/* unix-* only */
	uint64_t size;
	uint64_t count;
	uint64_t start_delay_ms;
	uint64_t send_delay_ms;	/* --send-delay */
	uint64_t recv_delay_ms;	/* --recv-delay */
	const char *out_path;	/* NULL: stdout */
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

/*
 * State the signal handlers need.  Paths are stored in static buffers
 * before their "made" flag is set, so a handler never sees a half-built
 * name.  g_dir is shorter than sun_path by room for "/parent.sock", so a
 * socket path always fits.
 */
static char g_dir[sizeof(((struct sockaddr_un *)0)->sun_path) - 12];
static char g_path[2][sizeof(((struct sockaddr_un *)0)->sun_path)];
static char g_abstract[2][64];
static volatile sig_atomic_t g_dir_made;
static volatile sig_atomic_t g_child_failed;	/* ... and not with status 0 */
static volatile sig_atomic_t g_block_fd = -1;	/* socket the parent may block on */

/* One line naming the process and what went wrong. */
static void say(const char *who, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(const char *who, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "sock: %s: ", who);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/*
 * The parent's errors: once the child has failed, the parent's trouble is
 * only its consequence (EOF, EINVAL from a shut-down socket), and the child
 * has already said why.  One line on stderr per failure.
 */
static int parent_quiet(const char *who)
{
	return !strcmp(who, "parent") && g_child_failed;
}

static void fail_sys(const char *who, const char *call)
{
	if (!parent_quiet(who))
		sys_error(who, call);
}

static void print_help(void)
{
	fputs(
"Usage: sock [--type unix-stream|unix-dgram|unix-seqpacket|tcp|udp]\n"
"            [--family 4|6] [--pattern stream|pingpong] [--size BYTES]\n"
"            [--count N] [--io send|write|sendmsg]\n"
"            [--connect socketpair|path|abstract] [--out FILE]\n"
"            [--start-delay MS]\n"
"            [--send-delay MS] [--recv-delay MS] [--help]\n"
"\n"
"Ground-truth socket workload for ipcscope tests.  A parent and a forked\n"
"child move a known amount of data through one socket connection with one\n"
"pair of syscalls (send() and recv() by default); every such syscall is\n"
"counted and reported as JSON at the end, with each side's socket inode\n"
"and addresses.\n"
"\n"
"Options (the value may also be given as --option=VALUE):\n"
"  --type T             unix-stream (default), unix-dgram, unix-seqpacket:\n"
"                       AF_UNIX SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET.\n"
"                       tcp, udp: AF_INET or AF_INET6 over loopback only.\n"
"  --family 4|6         tcp and udp only: 127.0.0.1 (4, default) or ::1 (6)\n"
"  --connect socketpair|path|abstract\n"
"                       unix-* only.  socketpair (default): socketpair()\n"
"                       before the fork.  path: the parent binds a socket to\n"
"                       DIR/parent.sock in a new private directory (mkdtemp\n"
"                       under $TMPDIR, or /tmp); unix-stream/seqpacket: it\n"
"                       listens, the child connects (unbound) and the parent\n"
"                       accepts; unix-dgram: the child binds DIR/child.sock\n"
"                       and connects to the parent's path, then the parent\n"
"                       connects to the child's, so send() and recv() work\n"
"                       both ways.  The socket files and the directory are\n"
"                       removed on exit, on error and on SIGINT, SIGTERM or\n"
"                       SIGHUP.  abstract: the same with abstract names\n"
"                       (\"\\0ipcscope-PID-parent\", \"\\0ipcscope-PID-child\",\n"
"                       PID the parent's): no file is made.\n"
"                       tcp: the parent binds port 0 of the loopback address,\n"
"                       listens and accepts; the child connects to the port\n"
"                       (told through the shared mapping).  udp: the parent\n"
"                       binds port 0; the child's socket is never bound nor\n"
"                       connected (the kernel binds it on its first sendto);\n"
"                       both use sendto()/recvfrom() with addresses, so a\n"
"                       tracer has to learn the peer from the calls.\n"
"  --pattern stream|pingpong\n"
"                       stream (default): the child sends COUNT messages of\n"
"                       SIZE bytes to the parent, then closes its socket.\n"
"                       unix-stream, unix-seqpacket, tcp: the parent receives\n"
"                       with a SIZE-byte request until EOF (the last call\n"
"                       returns 0).  unix-dgram, udp: the parent receives\n"
"                       exactly COUNT datagrams, no EOF read.  pingpong:\n"
"                       COUNT round trips: SIZE bytes child -> parent, then\n"
"                       SIZE bytes back; no EOF read.  (The child speaks\n"
"                       first: an unbound udp child has no address before.)\n"
"  --size BYTES         bytes per message (default 1024): 1..16777216 for\n"
"                       unix-stream and tcp, 1..65536 for unix-dgram and\n"
"                       unix-seqpacket, 1..65507 for udp\n"
"  --count N            messages or round trips, 1..100000000 (default 1000)\n"
"  --io send|write|sendmsg\n"
"                       how both processes move data on the measured\n"
"                       sockets.  send (default): send() and recv(), which\n"
"                       libc makes sendto() and recvfrom() syscalls (udp:\n"
"                       sendto() and recvfrom() with an address).  write:\n"
"                       write() and read() (not with udp: an unconnected\n"
"                       socket has nowhere to write).  sendmsg: sendmsg()\n"
"                       and recvmsg() with one iovec (udp: with msg_name).\n"
"                       unix-stream and tcp loop over short sends and\n"
"                       receives until a whole message has moved; the other\n"
"                       types move a message in one call (a short one is an\n"
"                       error).  Flags are always 0.\n"
"  --out FILE           write the JSON to FILE (a regular file, created or\n"
"                       truncated) instead of stdout.  Use it when stdout is\n"
"                       a pipe or socket a tracer would count.\n"
"  --start-delay MS     sleep MS milliseconds (0..600000, default 0) before\n"
"                       creating any socket or forking, so that a tracer can\n"
"                       attach to the parent's PID and then see the fork\n"
STREAM_DELAY_HELP
"  --help               print this text and exit\n"
"\n"
"The processes wait for each other by polling words in the shared mapping\n"
"(100 us naps), never through another IPC object: the unix-dgram parent\n"
"waits there for the child's bind and connect, and a udp stream child\n"
"keeps at most a window of datagrams (1..64, sized from the parent's\n"
"SO_RCVBUF) ahead of what the parent has received, so that no datagram is\n"
"dropped.  Besides the counted calls, the measured sockets only see\n"
"socket/socketpair, bind, listen, accept, connect, getsockname,\n"
"getpeername, getsockopt (udp), fstat and close.\n"
"\n"
"Output: one JSON object, printed by the parent after the child has exited:\n"
"  workload, type, family, pattern, io, connect, size, count\n"
"              \"sock\" and the parameters of the run; family is 4 or 6 for\n"
"              tcp and udp, null for unix-*; connect is null for tcp and udp\n"
"  sockets     the data socket of the parent, then the child's (a listening\n"
"              socket is not one: the parent reports the socket accept()\n"
"              gave it): role, pid, ino (st_ino from fstat() of the fd),\n"
"              local and remote (from getsockname() and getpeername():\n"
"              \"127.0.0.1:PORT\", \"[::1]:PORT\", a path, \"@NAME\" for an\n"
"              abstract name, or \"unnamed\"; for udp, whose sockets are not\n"
"              connected, remote is the peer's address the calls used),\n"
"              bytes_sent, bytes_received\n"
"  processes   parent, then child: pid, role, send_calls, bytes_sent,\n"
"              send_errors, recv_calls, bytes_received, recv_errors\n"
"  totals      the same counters summed over both processes\n"
"  elapsed_ns  CLOCK_MONOTONIC ns from the first send to the last receive\n"
"  send_* count syscalls of the --io method's sending call, recv_* of its\n"
"  receiving call (so send_calls are write() calls with --io write); bytes\n"
"  are the sum of the return values.  Calls count every such syscall on the\n"
"  measured sockets: short sends and receives, the final receive returning\n"
"  0 at EOF (stream pattern), and calls that returned -1 (also counted in\n"
"  *_errors; EINTR, which SIGCHLD may cause in the parent, is retried).\n"
"  A syscall the kernel restarts by itself (after SIGSTOP/SIGCONT, or any\n"
"  signal while ptraced) is one call here but two for a kernel tracer.\n"
"\n"
"Exit status: 0 success; 1 a syscall failed or the child failed (one line\n"
"on stderr; the JSON is still printed once the child has been started);\n"
"2 bad command line or --out; 128+N killed by signal N (after cleanup).\n",
	      stdout);
}

/* The index of val in names[n], or usage error. */
static int parse_word(const char *opt, const char *val,
		      const char *const *names, int n, const char *choices)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(val, names[i]))
			return i;
	usage_error("%s: '%s' is not %s", opt, val, choices);
}

static int is_unix(enum sock_type t)
{
	return t == T_UNIX_STREAM || t == T_UNIX_DGRAM || t == T_UNIX_SEQPACKET;
}

/* Byte streams: sends and receives may be short; loop until done. */
static int is_bytestream(enum sock_type t)
{
	return t == T_UNIX_STREAM || t == T_TCP;
}

/* Connection kinds: a receive returns 0 once the peer has closed. */
static int has_eof(enum sock_type t)
{
	return t != T_UNIX_DGRAM && t != T_UDP;
}

static int sock_type_of(enum sock_type t)
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

static void parse_args(int argc, char **argv, struct config *cfg)
{
	static const char *const opts[] = {
		"--type", "--family", "--pattern", "--size", "--count", "--io",
		"--connect", "--out", "--start-delay", "--send-delay", "--recv-delay",
	};
	static const char *const patterns[] = { "stream", "pingpong" };
	uint64_t max;

	for (int i = 1; i < argc; i++) {
		const char *val, *name;

		name = next_option(argc, argv, &i, opts,
				   sizeof(opts) / sizeof(opts[0]), print_help,
				   &val);

		if (!strcmp(name, "--type")) {
			cfg->type = parse_word(name, val, type_name, 5,
					       "unix-stream, unix-dgram, "
					       "unix-seqpacket, tcp or udp");
		} else if (!strcmp(name, "--family")) {
			if (!strcmp(val, "4"))
				cfg->family = 4;
			else if (!strcmp(val, "6"))
				cfg->family = 6;
			else
				usage_error("--family: '%s' is not 4 or 6", val);
			cfg->family_given = 1;
		} else if (!strcmp(name, "--pattern")) {
			cfg->pattern = parse_word(name, val, patterns, 2,
						  "stream or pingpong");
		} else if (!strcmp(name, "--io")) {
			cfg->io = parse_word(name, val, io_name, 3,
					     "send, write or sendmsg");
		} else if (!strcmp(name, "--connect")) {
			cfg->connect = parse_word(name, val, connect_name, 3,
						  "socketpair, path or abstract");
			cfg->connect_given = 1;
		} else if (!strcmp(name, "--size")) {
			cfg->size = parse_num(name, val, 1, SIZE_MAX_BYTES);
			cfg->size_given = 1;
		} else if (!strcmp(name, "--count")) {
			cfg->count = parse_num(name, val, 1, COUNT_MAX);
		} else if (!strcmp(name, "--start-delay")) {
			cfg->start_delay_ms = parse_num(name, val, 0, DELAY_MAX_MS);
		} else if (!strcmp(name, "--send-delay")) {
			cfg->send_delay_ms = parse_num(name, val, 0, DELAY_MAX_MS);
		} else if (!strcmp(name, "--recv-delay")) {
			cfg->recv_delay_ms = parse_num(name, val, 0, DELAY_MAX_MS);
		} else {
			cfg->out_path = parse_out_path(val);
		}
	}

	/* Combinations, checked once every option is known. */
	if (cfg->family_given && is_unix(cfg->type))
		usage_error("--family applies to tcp and udp only, not %s",
			    type_name[cfg->type]);
	if (cfg->connect_given && !is_unix(cfg->type))
		usage_error("--connect applies to unix-* types only, not %s",
			    type_name[cfg->type]);
	if (cfg->type == T_UDP && cfg->io == IO_WRITE)
		usage_error("--io write: an unconnected udp socket cannot "
			    "write() (use send or sendmsg)");
	max = cfg->type == T_UDP ? SIZE_MAX_UDP :
	      is_bytestream(cfg->type) ? SIZE_MAX_BYTES : SIZE_MAX_UNIX_MSG;
	if (cfg->size > max)
		usage_error("--size: %" PRIu64 " is more than one %s message "
			    "may carry here (at most %" PRIu64 ")", cfg->size,
			    type_name[cfg->type], max);
}

/*
 * --connect path: build the mkdtemp template up front so that a directory
 * whose socket paths would not fit in sun_path is exit 2, not a failure
 * half-way.  The names are filled in once mkdtemp has made the directory.
 */
static void prepare_paths(void)
{
	const char *base;
	int len;

	if (temp_dir_template(g_dir, sizeof(g_dir), NULL, &base, &len) < 0)
		usage_error("$TMPDIR '%.*s' is too long for a Unix socket path "
			    "(%zu bytes at most); set TMPDIR to a shorter "
			    "directory", len, base,
			    sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
	if (utf8_error((const unsigned char *)g_dir, strlen(g_dir)))
		usage_error("$TMPDIR '%.*s' is not valid UTF-8", len, base);
}

/* Removes the socket files and the directory; async-signal-safe. */
static void remove_paths(void)
{
	if (!g_dir_made)
		return;
	/* The child binds its own path, so we cannot know whether it made
	 * it: unlink both (ENOENT is fine; the directory is ours alone). */
	unlink(g_path[CHILD]);
	unlink(g_path[PARENT]);
	rmdir(g_dir);
	g_dir_made = 0;
}

static void on_term_signal(int sig)
{
	/* Kill and reap the child first, so it cannot bind a path after
	 * the directory has been emptied; then it is gone by the time our
	 * exit is observed. */
	kill_and_reap_child();
	remove_paths();
	_exit(128 + sig);
}

/*
 * If the child fails, the parent may be blocked for ever: in accept()
 * before the child connected, or in a receive on a datagram socket (the
 * kernel does not wake a unix-dgram or udp reader when its peer closes).
 * Shutting that socket down makes the call return (EINVAL, or 0), and the
 * parent then sees g_child_failed.  A child that exited with status 0 has
 * sent everything, so the parent is left alone then.
 */
static void on_sigchld(int sig)
{
	int saved = errno, fd;
	siginfo_t info;

	(void)sig;
	if (!child_exit_seen(&info))
		goto out;
	g_child_gone = 1;
	if (info.si_code == CLD_EXITED && info.si_status == 0)
		goto out;
	g_child_failed = 1;
	fd = g_block_fd;
	if (fd >= 0)
		shutdown(fd, SHUT_RDWR);
out:
	errno = saved;
}

static void nap(void)
{
	struct timespec ts = { 0, POLL_NS };

	nanosleep(&ts, NULL);	/* an EINTR only makes the nap shorter */
}

/* The Unix address of one process: its path or its abstract name. */
static socklen_t unix_addr(const struct config *cfg, int who,
			   union sockaddr_any *a)
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

/* The loopback address of the configured family, with port. */
static socklen_t loopback_addr(const struct config *cfg, uint16_t port,
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

/* "127.0.0.1:5000", "[::1]:5000", "/path", "@name" or "unnamed". */
static void format_addr(const union sockaddr_any *a, socklen_t len,
			char *buf, size_t size)
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

/*
 * Inode and addresses of a data socket; peer: udp's learned peer.  After a
 * failure (report 0) it is best effort and silent: the run already has its
 * one error line, and what cannot be known is "unknown".
 */
static int describe(int fd, const struct peer *peer, struct sock_desc *d,
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

/*
 * The only I/O on the measured sockets goes through these.  Every call is
 * counted, including short transfers and failed calls; EINTR is retried
 * (the interrupted call still was a syscall).  Return 0 on success, -1
 * after printing why not.
 */
static int send_msg(const struct config *cfg, int fd, const char *buf,
		    size_t len, struct counts *c, const struct peer *to,
		    const char *who)
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

/* One receive of up to len bytes, retrying EINTR; -1 after printing why. */
static ssize_t recv_once(const struct config *cfg, int fd, char *buf,
			 size_t len, struct counts *c, struct peer *from,
			 const char *who)
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

/*
 * Receives one len-byte message: byte streams loop over short receives,
 * the other types take it in one call.  Returns 0, or -1 after printing
 * why (an early EOF included).  i and count only say where it happened.
 */
static int recv_msg(const struct config *cfg, int fd, char *buf, size_t len,
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

/*
 * Child side.  fd is its socketpair end (-1 otherwise: it makes its own
 * socket).  Counts and its socket's description go straight into the
 * shared mapping.
 */
static int child_run(const struct config *cfg, char *buf, int fd,
		     struct shared *sh)
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
		if (i == 0)
			sh->xfer.start_ns = mono_ns();
		if (send_msg(cfg, fd, buf, size, c, peer, "child") < 0)
			goto out;
		if (cfg->pattern == PAT_STREAM && cfg->send_delay_ms &&
		    sleep_ms(cfg->send_delay_ms) < 0)
			goto out;
		if (cfg->pattern == PAT_PINGPONG &&
		    recv_msg(cfg, fd, buf, size, c, peer, "child", i) < 0)
			goto out;
	}
	/* Pingpong: the transfer ends with the last reply. */
	if (cfg->pattern == PAT_PINGPONG)
		sh->xfer.end_ns = mono_ns();
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

/*
 * Parent's sockets before the fork: the socketpair, or its bound (and, for
 * connection types, listening) socket in *pfd.  Returns 0 or -1.
 */
static int parent_setup(const struct config *cfg, struct shared *sh,
			int sv[2], int *pfd)
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
		block_handled_signals(&old, 1);
		err = 0;
		if (cfg->connect == C_PATH) {
			if (!mkdtemp(g_dir)) {
				sys_error("parent", "mkdtemp");
				err = -1;
			} else {
				g_dir_made = 1;
				for (int i = 0; i < 2; i++)
					snprintf(g_path[i], sizeof(g_path[i]),
						 "%s/%s", g_dir, path_name[i]);
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

/*
 * Parent side.  pfd is its socketpair end, or the socket parent_setup()
 * made.  Returns 0 on success, -1 after printing why not.
 */
static int parent_run(const struct config *cfg, char *buf, int pfd,
		      struct shared *sh, struct counts *c,
		      struct sock_desc *d)
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

	if (cfg->pattern == PAT_STREAM && has_eof(cfg->type)) {
		/* Until EOF: the last call is the one that returns 0. */
		for (;;) {
			ssize_t n;

			if (cfg->recv_delay_ms && sleep_ms(cfg->recv_delay_ms) < 0)
				goto out;
			n = recv_once(cfg, fd, buf, size, c, peer, "parent");

			if (n < 0)
				goto out;
			if (n == 0)
				break;
			/* The transfer ends with its last byte, not EOF. */
			if (c->bytes_received == want)
				sh->xfer.end_ns = mono_ns();
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
			if (cfg->pattern == PAT_STREAM && cfg->recv_delay_ms &&
			    sleep_ms(cfg->recv_delay_ms) < 0)
				goto out;
			if (recv_msg(cfg, fd, buf, size, c, peer, "parent",
				     i) < 0)
				goto out;
			if (cfg->pattern == PAT_STREAM && i + 1 == cfg->count)
				sh->xfer.end_ns = mono_ns();
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

static void json_counts(FILE *f, const struct counts *c)
{
	fprintf(f, "\"send_calls\": %" PRIu64 ", \"bytes_sent\": %" PRIu64
		", \"send_errors\": %" PRIu64 ", \"recv_calls\": %" PRIu64
		", \"bytes_received\": %" PRIu64 ", \"recv_errors\": %" PRIu64,
		c->send_calls, c->bytes_sent, c->send_errors,
		c->recv_calls, c->bytes_received, c->recv_errors);
}

static void json_socket(FILE *f, const char *role, pid_t pid,
			const struct sock_desc *d, const struct counts *c,
			int last)
{
	fprintf(f, "    {\"role\": \"%s\", \"pid\": %ld, \"ino\": %" PRIu64
		", \"local\": ", role, (long)pid, d->ino);
	json_string(f, d->local);
	fputs(", \"remote\": ", f);
	json_string(f, d->remote);
	fprintf(f, ", \"bytes_sent\": %" PRIu64 ", \"bytes_received\": %"
		PRIu64 "}%s\n", c->bytes_sent, c->bytes_received,
		last ? "" : ",");
}

static int print_json(FILE *f, const struct config *cfg, pid_t ppid,
		      pid_t cpid, const struct counts *pc,
		      const struct sock_desc *pd, const struct shared *sh)
{
	const struct counts *cc = &sh->child;
	struct counts t = {
		pc->send_calls + cc->send_calls,
		pc->bytes_sent + cc->bytes_sent,
		pc->send_errors + cc->send_errors,
		pc->recv_calls + cc->recv_calls,
		pc->bytes_received + cc->bytes_received,
		pc->recv_errors + cc->recv_errors,
	};

	fprintf(f, "{\n  \"workload\": \"sock\",\n  \"type\": \"%s\",\n"
		"  \"family\": ", type_name[cfg->type]);
	if (is_unix(cfg->type))
		fputs("null", f);
	else
		fprintf(f, "%d", cfg->family);
	fprintf(f, ",\n  \"pattern\": \"%s\",\n  \"io\": \"%s\",\n"
		"  \"connect\": ",
		cfg->pattern == PAT_PINGPONG ? "pingpong" : "stream",
		io_name[cfg->io]);
	if (is_unix(cfg->type))
		fprintf(f, "\"%s\"", connect_name[cfg->connect]);
	else
		fputs("null", f);
	fprintf(f, ",\n  \"size\": %" PRIu64 ",\n  \"count\": %" PRIu64
		",\n  \"sockets\": [\n", cfg->size, cfg->count);
	json_socket(f, "parent", ppid, pd, pc, 0);
	json_socket(f, "child", cpid, &sh->child_sock, cc, 1);
	fprintf(f, "  ],\n  \"processes\": [\n    {\"pid\": %ld, "
		"\"role\": \"parent\", ", (long)ppid);
	json_counts(f, pc);
	fprintf(f, "},\n    {\"pid\": %ld, \"role\": \"child\", ", (long)cpid);
	json_counts(f, cc);
	fputs("}\n  ],\n  \"totals\": {", f);
	json_counts(f, &t);
	fprintf(f, "},\n  \"elapsed_ns\": %" PRIu64 "\n}\n",
		xfer_elapsed_ns(&sh->xfer));

	return finish_json(f);
}

int main(int argc, char **argv)
{
	struct config cfg = {
		.type = T_UNIX_STREAM, .family = 4, .pattern = PAT_STREAM,
		.io = IO_SEND, .connect = C_SOCKETPAIR,
		.size = 1024, .count = 1000,
	};
	struct counts pc;
	struct sock_desc pd;
	struct shared *sh;
	int sv[2] = { -1, -1 }, pfd = -1, status = 0, failed = 0, killed = 0;
	pid_t ppid, cpid;
	sigset_t old;
	FILE *out;
	char *buf;

	memset(&pc, 0, sizeof(pc));
	memset(&pd, 0, sizeof(pd));
	parse_args(argc, argv, &cfg);
	if (is_unix(cfg.type) && cfg.connect == C_PATH)
		prepare_paths();
	out = open_out(cfg.out_path);

	buf = malloc((size_t)cfg.size);
	if (!buf) {
		sys_error("parent", "malloc");
		return 1;
	}
	memset(buf, 'x', (size_t)cfg.size);

	/* The child's counters live here: no IPC syscall needed to report
	 * them, and they survive even if the child dies half-way. */
	sh = map_shared_zeroed(sizeof(*sh));
	if (!sh)
		return 1;
	/* What a process that never got its data socket reports. */
	snprintf(pd.local, sizeof(pd.local), "unknown");
	snprintf(pd.remote, sizeof(pd.remote), "unknown");
	sh->child_sock = pd;

	install_common_handlers(on_term_signal, on_sigchld, NULL);
	if (cfg.start_delay_ms && sleep_ms(cfg.start_delay_ms) < 0)
		return 1;

	ppid = getpid();
	for (int i = 0; i < 2; i++)
		snprintf(g_abstract[i], sizeof(g_abstract[i]),
			 "ipcscope-%ld-%s", (long)ppid,
			 i == PARENT ? "parent" : "child");
	if (parent_setup(&cfg, sh, sv, &pfd) < 0) {
		remove_paths();
		return 1;
	}

	/* Blocked across fork: the child must never run the parent's
	 * cleanup handler, and the parent must know the child's pid before
	 * a handler can run. */
	block_handled_signals(&old, 1);
	cpid = fork();
	if (cpid < 0) {
		sys_error("parent", "fork");
		remove_paths();
		return 1;
	}
	if (cpid == 0) {
		int code, cfd = -1;

		restore_default_handlers();
		/* Nobody would ever tell an orphan that its parent is gone
		 * (a udp child waiting for its window would wait for ever). */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) {
			sys_error("child", "prctl PR_SET_PDEATHSIG");
			_exit(1);
		}
		if (getppid() != ppid)
			_exit(1);
		sigprocmask(SIG_SETMASK, &old, NULL);
		/* The parent's socket (or listener) is not ours to hold. */
		close(pfd);
		if (sv[1] >= 0)
			cfd = sv[1];
		code = child_run(&cfg, buf, cfd, sh);
		/* _exit: no stdio flush, no atexit, no cleanup of the paths. */
		_exit(code);
	}
	g_child_pid = cpid;
	sigprocmask(SIG_SETMASK, &old, NULL);

	if (sv[1] >= 0)
		close(sv[1]);
	if (parent_run(&cfg, buf, pfd, sh, &pc, &pd) < 0) {
		failed = 1;
		/* A datagram child may wait for ever for a reply or for its
		 * window: it has to go. */
		if (!g_child_gone) {
			kill(cpid, SIGKILL);
			killed = 1;
		}
	}

	if (reap_child(cpid, &status) < 0)
		failed = 1;
	/* Counts are collected: the socket files are no longer needed. */
	remove_paths();

	if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		failed = 1;	/* the child already said why */
	} else if (WIFSIGNALED(status)) {
		if (!killed)
			fprintf(stderr, "sock: child killed by signal %d\n",
				WTERMSIG(status));
		failed = 1;
	} else if (!failed) {
		/* Both ends must agree on what went through each way. */
		uint64_t want = cfg.size * cfg.count;
		const struct counts *cc = &sh->child;

		if (cc->bytes_sent != want || pc.bytes_received != want ||
		    (cfg.pattern == PAT_PINGPONG &&
		     (pc.bytes_sent != want || cc->bytes_received != want))) {
			fprintf(stderr, "sock: byte counts disagree (expected "
				"%" PRIu64 " per direction)\n", want);
			failed = 1;
		}
	}

	if (print_json(out, &cfg, ppid, cpid, &pc, &pd, sh) < 0)
		failed = 1;
	if (close_out(out) < 0)
		failed = 1;
	free(buf);
	return failed ? 1 : 0;
}
