// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * pingpong.c - the benchmark's workload: round trips between a parent and a
 * forked child through one IPC mechanism, both pinned to one CPU, timed by
 * the parent. It prints one JSON object: what it did and how long it took.
 *
 * Modes: pipe-1 and pipe-4k (two pipes, write/read of 1 B or 4 KiB), unix
 * (a Unix stream socketpair, write/read), tcp (a loopback TCP connection with
 * TCP_NODELAY, send/recv), msgq (one SysV queue, two message types,
 * msgsnd/msgrcv) and bulk-1mib (1 MiB written into a pipe, read back in
 * whatever pieces the pipe gives, then a 1-byte reply on a second pipe).
 * flood is no round trip: COUNT non-blocking reads of an empty pipe, each
 * failing at once with EAGAIN, by one process: as many IPC syscalls (trace
 * events) per second as one CPU makes, for `ipcscope trace`'s throughput.
 *
 * The timed loop excludes set-up, fork and warm-up; start_ns (CLOCK_MONOTONIC
 * at main's entry) lets a driver measure how long a tracer that launched
 * this program took before the program could run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <sys/syscall.h>
#include <unistd.h>

#define BULK_SIZE	(1024 * 1024)
#define COUNT_MAX	100000000ULL
#define SIZE_MAX_BYTES	(16 * 1024 * 1024ULL)
#define MSGQ_SIZE_MAX	8192ULL		/* the default msgmax */
#define STRETCHES	20		/* the timed loop, timed in parts too */

enum mode { M_PIPE_1, M_PIPE_4K, M_UNIX, M_TCP, M_MSGQ, M_BULK, M_FLOOD, M_GETPPID, M_COUNT };

static const struct mode_info {
	const char *name;
	uint64_t size;		/* bytes each way per round trip */
	uint64_t count;		/* default round trips: ~0.1-0.2 s on one CPU */
} modes[M_COUNT] = {
	[M_PIPE_1]  = { "pipe-1",    1,         20000 },
	[M_PIPE_4K] = { "pipe-4k",   4096,      15000 },
	[M_UNIX]    = { "unix",      1,         10000 },
	[M_TCP]     = { "tcp",       1,         5000 },
	[M_MSGQ]    = { "msgq",      1,         15000 },
	[M_BULK]    = { "bulk-1mib", BULK_SIZE, 300 },
	[M_FLOOD]   = { "flood",     1,         1000000 },
	/* no IPC at all: what a process tracing does not target pays */
	[M_GETPPID] = { "getppid",   1,         200000 },
};

struct config {
	enum mode mode;
	uint64_t size, count, warmup;
	int cpu;		/* -1: not pinned */
	const char *out;	/* NULL: stdout */
};

/* The two directions: [0] parent -> child, [1] child -> parent. */
struct channel {
	int tx[2], rx[2];	/* per side: [0] parent, [1] child */
	int msqid;
};

/* msgsnd's layout: the type, then the payload; the other modes use mtext */
struct msg {
	long mtype;
	char mtext[];
};

static void usage(FILE *f)
{
	fputs(
"Usage: pingpong --mode MODE [--count N] [--size BYTES] [--warmup N]\n"
"                [--cpu N|none] [--out FILE]\n"
"  --mode     pipe-1 | pipe-4k | unix | tcp | msgq | bulk-1mib | flood |\n"
"             getppid (no IPC: one getppid() syscall per op)\n"
"  --count    round trips to time (default: per mode, ~0.1-0.2 s on one CPU)\n"
"  --size     bytes each way per round trip (default: per mode; bulk-1mib:\n"
"             bytes from parent to child, the reply is 1 byte)\n"
"  --warmup   untimed round trips first (default: count / 10, at least 10)\n"
"  --cpu      pin the parent and the child to this CPU (default 0), or none\n"
"  --out      write the JSON here instead of stdout\n"
"Prints: mode, size, count, cpu, elapsed_ns (the timed loop), ns_per_op,\n"
"best_ns_per_op (the fastest of 20 equal stretches of the timed loop),\n"
"start_ns (CLOCK_MONOTONIC at main's entry), maxrss_kb of the parent.\n", f);
}

static void die(const char *what)
{
	fprintf(stderr, "pingpong: %s: %s\n", what, strerror(errno));
	exit(1);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * The timed loop in STRETCHES equal stretches: the fastest one's time per
 * operation. Interference (another process or VM on the CPU, an interrupt)
 * only ever adds time, so the fastest stretch is the closest to the
 * operation's own cost, traced or not.
 */
struct stretches {
	uint64_t len;		/* operations per stretch */
	uint64_t mark;		/* when the current stretch began */
	uint64_t best;		/* the fastest full stretch, ns */
};

static void stretches_start(struct stretches *st, uint64_t count, uint64_t now)
{
	st->len = count >= STRETCHES ? count / STRETCHES : count;
	st->mark = now;
	st->best = UINT64_MAX;
}

/* after operation i (0-based) of the timed loop */
static void stretches_step(struct stretches *st, uint64_t i)
{
	uint64_t now;

	if ((i + 1) % st->len)
		return;
	now = mono_ns();
	if (now - st->mark < st->best)
		st->best = now - st->mark;
	st->mark = now;
}

static uint64_t parse_u64(const char *opt, const char *s, uint64_t min,
			  uint64_t max)
{
	char *end;
	unsigned long long v;

	if (!s || *s < '0' || *s > '9') {
		fprintf(stderr, "pingpong: %s needs a number\n", opt);
		exit(2);
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max) {
		fprintf(stderr, "pingpong: %s: '%s' is not in %" PRIu64 "..%" PRIu64 "\n",
			opt, s, min, max);
		exit(2);
	}
	return v;
}

static void parse_args(int argc, char **argv, struct config *c)
{
	bool have_mode = false, have_size = false, have_count = false,
	     have_warmup = false;

	c->cpu = 0;
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(opt, "--help") || !strcmp(opt, "-h")) {
			usage(stdout);
			exit(0);
		}
		if (!val) {
			fprintf(stderr, "pingpong: %s needs a value\n", opt);
			exit(2);
		}
		i++;
		if (!strcmp(opt, "--mode")) {
			int m;

			for (m = 0; m < M_COUNT; m++)
				if (!strcmp(val, modes[m].name))
					break;
			if (m == M_COUNT) {
				fprintf(stderr, "pingpong: unknown mode '%s'\n", val);
				exit(2);
			}
			c->mode = m;
			have_mode = true;
		} else if (!strcmp(opt, "--count")) {
			c->count = parse_u64(opt, val, 1, COUNT_MAX);
			have_count = true;
		} else if (!strcmp(opt, "--size")) {
			c->size = parse_u64(opt, val, 1, SIZE_MAX_BYTES);
			have_size = true;
		} else if (!strcmp(opt, "--warmup")) {
			c->warmup = parse_u64(opt, val, 0, COUNT_MAX);
			have_warmup = true;
		} else if (!strcmp(opt, "--cpu")) {
			c->cpu = !strcmp(val, "none") ? -1 :
				 (int)parse_u64(opt, val, 0, CPU_SETSIZE - 1);
		} else if (!strcmp(opt, "--out")) {
			c->out = val;
		} else {
			fprintf(stderr, "pingpong: unknown option '%s'\n", opt);
			usage(stderr);
			exit(2);
		}
	}
	if (!have_mode) {
		usage(stderr);
		exit(2);
	}
	if (!have_size)
		c->size = modes[c->mode].size;
	if (!have_count)
		c->count = modes[c->mode].count;
	if (!have_warmup)
		c->warmup = c->count / 10 > 10 ? c->count / 10 : 10;
	if (c->mode == M_MSGQ && c->size > MSGQ_SIZE_MAX) {
		fprintf(stderr, "pingpong: msgq: --size is at most %llu\n",
			MSGQ_SIZE_MAX);
		exit(2);
	}
}

static void pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
}

/* A loopback TCP connection: fds[0] the connecting end, fds[1] the accepted. */
static void tcp_pair(int fds[2])
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int lsn, one = 1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lsn = socket(AF_INET, SOCK_STREAM, 0);
	if (lsn < 0 || bind(lsn, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(lsn, 1) || getsockname(lsn, (struct sockaddr *)&a, &len))
		die("tcp listen");
	fds[0] = socket(AF_INET, SOCK_STREAM, 0);
	if (fds[0] < 0 || connect(fds[0], (struct sockaddr *)&a, sizeof(a)))
		die("tcp connect");
	fds[1] = accept(lsn, NULL, NULL);
	if (fds[1] < 0)
		die("tcp accept");
	close(lsn);
	for (int i = 0; i < 2; i++)
		if (setsockopt(fds[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
			die("TCP_NODELAY");
}

static void make_channel(const struct config *c, struct channel *ch)
{
	int p2c[2], c2p[2], s[2];

	ch->msqid = -1;
	switch (c->mode) {
	case M_PIPE_1:
	case M_PIPE_4K:
	case M_BULK:
	case M_FLOOD:
	case M_GETPPID:
		if (pipe(p2c) || pipe(c2p))
			die("pipe");
		ch->tx[0] = p2c[1];	/* parent writes p2c */
		ch->rx[1] = p2c[0];	/* child reads it */
		ch->tx[1] = c2p[1];
		ch->rx[0] = c2p[0];
		return;
	case M_UNIX:
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, s))
			die("socketpair");
		break;
	case M_TCP:
		tcp_pair(s);
		break;
	case M_MSGQ:
		ch->msqid = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
		if (ch->msqid < 0)
			die("msgget");
		return;
	case M_COUNT:
		break;
	}
	ch->tx[0] = ch->rx[0] = s[0];
	ch->tx[1] = ch->rx[1] = s[1];
}

/* Whole message out; TCP uses send(), the others write(). */
static void send_all(const struct config *c, int fd, const char *buf,
		     size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = c->mode == M_TCP ? send(fd, buf + done, len - done, 0) :
					       write(fd, buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("write");
		done += n;
	}
}

/* Whole message in, in whatever pieces it comes; false at end of file. */
static bool recv_all(const struct config *c, int fd, char *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = c->mode == M_TCP ? recv(fd, buf + done, len - done, 0) :
					       read(fd, buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("read");
		if (n == 0)
			return false;
		done += n;
	}
	return true;
}

/* side 0 = parent, 1 = child; the child's message type is 1, the parent's 2 */
static void msgq_send(const struct channel *ch, struct msg *m,
		      size_t len, int side)
{
	m->mtype = side == 0 ? 1 : 2;
	while (msgsnd(ch->msqid, m, len, 0))
		if (errno != EINTR)
			die("msgsnd");
}

static bool msgq_recv(const struct channel *ch, struct msg *m,
		      size_t len, int side)
{
	for (;;) {
		ssize_t n = msgrcv(ch->msqid, m, len, side == 0 ? 2 : 1, 0);

		if (n >= 0)
			return true;
		if (errno == EIDRM)
			return false;
		if (errno != EINTR)
			die("msgrcv");
	}
}

/* One message from side to the other side. */
static void ping(const struct config *c, const struct channel *ch,
		 struct msg *m, size_t len, int side)
{
	if (c->mode == M_MSGQ)
		msgq_send(ch, m, len, side);
	else
		send_all(c, ch->tx[side], m->mtext, len);
}

static bool pong(const struct config *c, const struct channel *ch,
		 struct msg *m, size_t len, int side)
{
	if (c->mode == M_MSGQ)
		return msgq_recv(ch, m, len, side);
	return recv_all(c, ch->rx[side], m->mtext, len);
}

/* The echo side: answer every message until the parent is done. */
static void child_loop(const struct config *c, const struct channel *ch,
		       struct msg *m, size_t in_len, size_t out_len)
{
	uint64_t total = c->warmup + c->count;

	for (uint64_t i = 0; i < total; i++) {
		if (!pong(c, ch, m, in_len, 1))
			_exit(1);
		ping(c, ch, m, out_len, 1);
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	uint64_t start_ns = mono_ns(), t0, t1;
	struct stretches st;
	struct config c = { 0 };
	struct channel ch;
	struct msg *m;
	struct rusage ru;
	size_t out_len, back_len;
	int status;
	pid_t pid;
	FILE *out;

	parse_args(argc, argv, &c);
	out_len = c.size;
	back_len = c.mode == M_BULK ? 1 : c.size;
	m = calloc(1, sizeof(*m) + c.size);
	if (!m)
		die("calloc");
	out = c.out ? fopen(c.out, "w") : stdout;
	if (!out)
		die(c.out);
	signal(SIGPIPE, SIG_IGN);
	pin(c.cpu);		/* the child inherits it */
	make_channel(&c, &ch);
	if (c.mode == M_FLOOD) {
		/* nothing is ever written: every read fails at once */
		if (fcntl(ch.rx[0], F_SETFL, O_NONBLOCK))
			die("O_NONBLOCK");
		for (uint64_t i = 0; i < c.warmup; i++)
			(void)!read(ch.rx[0], m->mtext, 1);
		t0 = mono_ns();
		stretches_start(&st, c.count, t0);
		for (uint64_t i = 0; i < c.count; i++) {
			if (read(ch.rx[0], m->mtext, 1) >= 0 || errno != EAGAIN)
				die("flood: a read that did not fail with EAGAIN");
			stretches_step(&st, i);
		}
		t1 = mono_ns();
		goto report;
	}

	if (c.mode == M_GETPPID) {
		/* the raw syscall: glibc does not cache getppid, but be sure */
		for (uint64_t i = 0; i < c.warmup; i++)
			syscall(SYS_getppid);
		t0 = mono_ns();
		stretches_start(&st, c.count, t0);
		for (uint64_t i = 0; i < c.count; i++) {
			syscall(SYS_getppid);
			stretches_step(&st, i);
		}
		t1 = mono_ns();
		goto report;
	}

	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0)
		child_loop(&c, &ch, m, out_len, back_len);

	for (uint64_t i = 0; i < c.warmup; i++) {
		ping(&c, &ch, m, out_len, 0);
		if (!pong(&c, &ch, m, back_len, 0))
			goto child_died;
	}
	t0 = mono_ns();
	stretches_start(&st, c.count, t0);
	for (uint64_t i = 0; i < c.count; i++) {
		ping(&c, &ch, m, out_len, 0);
		if (!pong(&c, &ch, m, back_len, 0))
			goto child_died;
		stretches_step(&st, i);
	}
	t1 = mono_ns();

	if (waitpid(pid, &status, 0) < 0)
		die("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "pingpong: the child failed (status %d)\n", status);
		return 1;
	}
	if (ch.msqid >= 0)
		msgctl(ch.msqid, IPC_RMID, NULL);
report:
	getrusage(RUSAGE_SELF, &ru);
	fprintf(out, "{\"mode\": \"%s\", \"size\": %" PRIu64 ", \"count\": %" PRIu64
		", \"warmup\": %" PRIu64 ", \"cpu\": %d, \"elapsed_ns\": %" PRIu64
		", \"ns_per_op\": %.1f, \"best_ns_per_op\": %.1f, \"start_ns\": %" PRIu64
		", \"maxrss_kb\": %ld}\n",
		modes[c.mode].name, c.size, c.count, c.warmup, c.cpu, t1 - t0,
		(double)(t1 - t0) / c.count, (double)st.best / st.len, start_ns,
		ru.ru_maxrss);
	if (fflush(out) || (out != stdout && fclose(out)))
		die("writing the JSON");
	return 0;

child_died:
	fprintf(stderr, "pingpong: the child went away\n");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	if (ch.msqid >= 0)
		msgctl(ch.msqid, IPC_RMID, NULL);
	return 1;
}
