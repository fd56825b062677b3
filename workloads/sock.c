// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * sock.c - ground-truth socket workload for the ipcscope integration tests.
 *
 * A parent and a forked child move a known amount of data through one
 * socket connection (Unix stream, datagram or seqpacket; TCP or UDP over
 * loopback), one-way (stream) or as ping-pong round trips, with one chosen
 * pair of syscalls (send/recv, write/read or sendmsg/recvmsg).  Every one of
 * those syscalls is counted, and the parent prints the counts, the sockets'
 * inodes and addresses as JSON at the end, so a test can compare a kernel
 * tracer's numbers with them exactly.  Run with --help for details.  Each
 * process's side is in sock/run.c, the counted calls in sock/io.c, the
 * addresses in sock/addr.c.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sock/sock.h"

const char workload_name[] = "sock";

#define SIZE_MAX_BYTES	16777216ULL	/* unix-stream, tcp */
#define SIZE_MAX_UNIX_MSG 65536ULL	/* unix-dgram, unix-seqpacket */
#define SIZE_MAX_UDP	65507ULL	/* 65535 - IPv4 header - UDP header */
#define COUNT_MAX	100000000ULL

static const char *const type_name[] = {
	"unix-stream", "unix-dgram", "unix-seqpacket", "tcp", "udp",
};
static const char *const connect_name[] = { "socketpair", "path", "abstract" };
static const char *const io_name[] = { "send", "write", "sendmsg" };
const char *const send_call_name[] = { "send", "write", "sendmsg" };
const char *const recv_call_name[] = { "recv", "read", "recvmsg" };

/* The JSON keys of struct counts, in order. */
COUNTER_KEYS(counters, struct counts,
	"send_calls", "bytes_sent", "send_errors",
	"recv_calls", "bytes_received", "recv_errors");

static void print_help(void)
{
	fputs(
"Usage: sock [--type unix-stream|unix-dgram|unix-seqpacket|tcp|udp]\n"
"            [--family 4|6] [--pattern stream|pingpong] [--size BYTES]\n"
"            [--count N] [--io send|write|sendmsg]\n"
"            [--connect socketpair|path|abstract] [--out FILE]\n"
"            [--start-delay MS] [--cpus A,B] [--ready-delay MS]\n"
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
CPUS_HELP
READY_DELAY_HELP
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
RESTART_EXIT_HELP,
	      stdout);
}

static void parse_args(int argc, char **argv, struct config *cfg)
{
	static const char *const opts[] = {
		"--type", "--family", "--pattern", "--size", "--count", "--io",
		"--connect", "--out", "--start-delay", "--cpus", "--ready-delay", "--send-delay", "--recv-delay",
	};
	static const char *const patterns[] = { "stream", "pingpong" };
	struct opt_iter it = OPT_ITER(argc, argv, opts, print_help, &cfg->run);
	const char *val, *name;
	uint64_t max;

	while ((name = next_opt(&it, &val))) {
		if (!strcmp(name, "--type")) {
			cfg->type = parse_word(name, val, type_name, 5,
					       "unix-stream, unix-dgram, "
					       "unix-seqpacket, tcp or udp");
		} else if (!strcmp(name, "--family")) {
			static const char *const families[] = { "4", "6" };

			cfg->family = parse_word(name, val, families, 2,
						 "4 or 6") ? 6 : 4;
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
		} else {
			cfg->count = parse_num(name, val, 1, COUNT_MAX);
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

static void print_json(FILE *f, const struct config *cfg, pid_t ppid,
		       pid_t cpid, const struct counts *pc,
		       const struct sock_desc *pd, const struct shared *sh)
{
	const struct counts *cc = &sh->child;

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
	fputs("  ],\n", f);
	json_processes(f, &counters, ppid, pc, cpid, cc);
	json_totals(f, &counters, pc, cc);
	fprintf(f, ",\n  \"elapsed_ns\": %" PRIu64 "\n}\n",
		xfer_elapsed_ns(&sh->xfer));
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
	FILE *out;
	char *buf;

	memset(&pc, 0, sizeof(pc));
	memset(&pd, 0, sizeof(pd));
	parse_args(argc, argv, &cfg);
	if (is_unix(cfg.type) && cfg.connect == C_PATH)
		prepare_paths();
	out = open_out(cfg.run.out_path);

	buf = malloc((size_t)cfg.size);
	if (!buf) {
		sys_error("parent", "malloc");
		return 1;
	}
	memset(buf, 'x', (size_t)cfg.size);

	sh = map_shared_zeroed(sizeof(*sh));
	if (!sh)
		return 1;
	/* What a process that never got its data socket reports. */
	snprintf(pd.local, sizeof(pd.local), "unknown");
	snprintf(pd.remote, sizeof(pd.remote), "unknown");
	sh->child_sock = pd;

	install_common_handlers(WATCH_CHILD, shut_blocked_socket);
	if (sleep_ms(cfg.run.start_delay_ms) < 0)
		return 1;

	ppid = getpid();
	name_abstract(ppid);
	if (parent_setup(&cfg, sh, sv, &pfd) < 0) {
		remove_paths();
		return 1;
	}

	/* A udp child waiting for its window would wait for ever if the
	 * parent died. */
	cpid = fork_child(ppid, CHILD_PDEATHSIG);
	if (cpid < 0) {
		remove_paths();
		return 1;
	}
	if (cpid == 0) {
		/* The parent's socket (or listener) is not ours to hold. */
		close(pfd);
		/* _exit: no stdio flush, no atexit, no cleanup of the paths. */
		_exit(child_run(&cfg, buf, sv[1], sh));
	}

	if (sv[1] >= 0)
		close(sv[1]);
	if (parent_run(&cfg, buf, pfd, sh, &pc, &pd) < 0) {
		failed = 1;
		/* A datagram child may wait for ever for a reply or for its
		 * window: it has to go. */
		killed = kill_child(cpid);
	}

	if (reap_child(cpid, &status) < 0)
		failed = 1;
	/* Counts are collected: the socket files are no longer needed. */
	remove_paths();

	if (child_status(status, !killed) < 0) {
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

	print_json(out, &cfg, ppid, cpid, &pc, &pd, sh);
	free(buf);
	return finish_output(out, failed);
}
