/*
 * props.c - qualitative properties of pipes and SysV message queues, shown
 * with plain syscalls, for ipcscope to confirm from the syscalls it sees.
 *
 * Each run does one experiment (--prop): a pipe's capacity, a writer
 * blocking on a full pipe, message boundaries lost in a pipe but kept in a
 * message queue, and the one-way direction of a pipe.  The parent prints
 * what was done and observed as JSON at the end.  Run with --help.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

const char workload_name[] = "props";

#define CHUNK		4096	/* pipe-capacity and pipe-blocking writes */
#define READER_DELAY_MS	200	/* pipe-blocking: the reader's head start */
#define MESSAGES	10	/* the boundaries experiments */
#define MESSAGE_SIZE	100
#define READ_BUF	4096	/* read()/msgrcv() buffer in those */
#define POLL_MS		1	/* the receiver's wait for "all sent" */

enum prop {
	P_NONE, P_PIPE_CAPACITY, P_PIPE_BLOCKING, P_PIPE_BOUNDARIES,
	P_MSGQ_BOUNDARIES, P_PIPE_DIRECTION, P_MSGQ_DIRECTION,
};
static const char *const prop_name[] = {
	"", "pipe-capacity", "pipe-blocking", "pipe-boundaries",
	"msgq-boundaries", "pipe-direction", "msgq-direction",
};
#define NPROPS	(sizeof(prop_name) / sizeof(prop_name[0]))

/* The go flag in the shared region. */
enum { GO_WAIT = 0, GO_SENT = 1, GO_ABORT = 2 };

/*
 * Made before the fork (MAP_SHARED): the parent's "all sent" flag and what
 * the child observed, so reporting needs no IPC syscall.
 */
struct shared {
	int go;
	int child_failed;
	int64_t first_read_bytes;	/* -1: no read returned */
	uint64_t read_calls, bytes_read;
	uint64_t receive_calls;
	int64_t receive_sizes[MESSAGES];
	struct direction_counts {
		uint64_t send_calls, receive_calls;
		uint64_t bytes_sent, bytes_received;
	} direction_child;		/* msgq-direction */
};

/* SysV message queue made by msgq-boundaries, for the cleanup handler. */
static volatile sig_atomic_t g_msqid = -1;
static volatile sig_atomic_t g_msq_made;

static void print_help(void)
{
	fputs(
"Usage: props --prop pipe-capacity|pipe-blocking|pipe-boundaries|\n"
"                    msgq-boundaries|pipe-direction|msgq-direction\n"
"                    [--out FILE] [--help]\n"
"\n"
"Shows one qualitative property of pipes or SysV message queues with plain\n"
"syscalls, so that a kernel tracer can confirm it from the syscalls it sees,\n"
"and prints what was done and observed as JSON.\n"
"\n"
"Experiments (--prop, required; the value may also be given as --prop=P):\n"
"  pipe-capacity    one process: pipe2(O_NONBLOCK), then write() of 4096\n"
"                   bytes until one fails with EAGAIN (a partial write is\n"
"                   counted too), then fcntl(F_GETPIPE_SZ) on the write end;\n"
"                   both ends closed.  Bytes written equal F_GETPIPE_SZ.\n"
"  pipe-blocking    blocking pipe(), F_GETPIPE_SZ (S), fork.  The child\n"
"                   sleeps 200 ms (nanosleep), then read()s with an S-byte\n"
"                   buffer until EOF.  The parent write()s S bytes (fills the\n"
"                   pipe, returns at once), then one more 4096-byte write(),\n"
"                   which blocks until the child reads; both timed with\n"
"                   CLOCK_MONOTONIC (vDSO, no syscall).\n"
"  pipe-boundaries  pipe(), fork.  The parent write()s 10 messages of 100\n"
"                   bytes, then tells the child through a flag in a shared\n"
"                   mapping (the child polls it with 1 ms nanosleeps and\n"
"                   getppid()).  The child does one read() with a 4096-byte\n"
"                   buffer (it returns 1000: no boundaries), then reads to\n"
"                   EOF.\n"
"  msgq-boundaries  msgget(IPC_PRIVATE, 0600), fork.  The parent does 10\n"
"                   msgsnd() of 100 bytes (IPC_NOWAIT: the queue holds them;\n"
"                   nothing can hang), then sets the flag.  The child does\n"
"                   10 msgrcv() (msgtyp 0, IPC_NOWAIT) with a 4096-byte\n"
"                   buffer: each returns 100.  The parent removes the queue\n"
"                   (msgctl IPC_RMID) after the child has exited.\n"
"  pipe-direction   one process, pipe(): write() of 1 byte on the read end\n"
"                   and read() of 1 byte on the write end, each fails with\n"
"                   EBADF; both ends closed.\n"
"  msgq-direction   msgget(IPC_PRIVATE, 0600), fork; one queue, both ways.\n"
"                   10 times: the parent msgsnd()s 100 bytes of type 1;\n"
"                   the child msgrcv()s type 1 (blocking) and msgsnd()s a\n"
"                   100-byte reply of type 2; the parent msgrcv()s type 2.\n"
"                   The parent removes the queue after the child has\n"
"                   exited.\n"
"\n"
"Options:\n"
"  --out FILE       write the JSON to FILE (a regular file, created or\n"
"                   truncated) instead of stdout.  Use it when stdout is a\n"
"                   pipe: printing there is one more pipe write.\n"
"  --help           print this text and exit\n"
"\n"
"Output: one JSON object, printed by the parent at the end (after the child\n"
"has exited), with \"prop\" and the counts of that experiment; *_pid are\n"
"the processes, fds the descriptor numbers used.  Pipes, the child and the\n"
"queue are gone on exit, on error and on SIGINT, SIGTERM or SIGHUP.\n"
"\n"
"Exit status: 0 success (the observations are reported, not judged); 1 a\n"
"syscall or the child failed (one line on stderr; the JSON is still printed\n"
"once the experiment has started); 2 bad command line or --out; 128+N\n"
"killed by signal N (after cleanup).\n",
	      stdout);
}

static enum prop parse_args(int argc, char **argv, const char **out_path)
{
	static const char *const opts[] = { "--prop", "--out" };
	enum prop prop = P_NONE;

	for (int i = 1; i < argc; i++) {
		const char *val, *name;

		name = next_option(argc, argv, &i, opts,
				   sizeof(opts) / sizeof(opts[0]), print_help,
				   &val);
		if (!strcmp(name, "--out")) {
			*out_path = parse_out_path(val);
			continue;
		}
		prop = P_NONE;
		for (size_t k = 1; k < NPROPS; k++)
			if (!strcmp(val, prop_name[k]))
				prop = (enum prop)k;
		if (prop == P_NONE)
			usage_error("--prop: '%s' is not pipe-capacity, "
				    "pipe-blocking, pipe-boundaries, "
				    "msgq-boundaries, pipe-direction or "
				    "msgq-direction", val);
	}
	if (prop == P_NONE)
		usage_error("--prop is required (try --help)");
	return prop;
}

/* Removes the queue made by make_queue(), if any; -1 if that failed. */
static int remove_queue(int report)
{
	if (g_msq_made) {
		g_msq_made = 0;
		if (msgctl(g_msqid, IPC_RMID, NULL) < 0) {
			if (report)
				sys_error("parent", "msgctl IPC_RMID");
			return -1;
		}
	}
	return 0;
}

static void on_term_signal(int sig)
{
	/* The child first, so that it never sees the queue vanish. */
	kill_and_reap_child();
	remove_queue(0);
	_exit(128 + sig);
}

static const char *errno_name(int e)
{
	switch (e) {
	case EBADF: return "EBADF";
	case EINVAL: return "EINVAL";
	case EAGAIN: return "EAGAIN";
	case EPIPE: return "EPIPE";
	case EFAULT: return "EFAULT";
	case EINTR: return "EINTR";
	case EIO: return "EIO";
	default: return "other";
	}
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * Forks with the handled signals blocked, so that the child never runs the
 * parent's handler and the parent knows the child's pid before a handler
 * can run.  Returns the pid in the parent, 0 in the child, -1 on error.
 */
static pid_t start_child(void)
{
	sigset_t old;
	pid_t pid;

	block_handled_signals(&old, 0);
	pid = fork();
	if (pid < 0) {
		sys_error("parent", "fork");
	} else if (pid == 0) {
		restore_default_handlers();
	} else {
		g_child_pid = pid;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return pid;
}

/* Reaps the child; -1 if it failed (it already said why) or was killed. */
static int finish_child(pid_t pid)
{
	int status = 0;

	if (reap_child(pid, &status) < 0)
		return -1;
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "props: child killed by signal %d\n",
			WTERMSIG(status));
		return -1;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* Child: waits for the parent's flag; -1 if the parent is gone. */
static int wait_go(struct shared *sh, pid_t parent)
{
	for (;;) {
		int go = __atomic_load_n(&sh->go, __ATOMIC_ACQUIRE);

		if (go != GO_WAIT)
			return go;
		if (getppid() != parent)
			return -1;
		if (sleep_ms(POLL_MS) < 0)
			return -1;
	}
}

static void set_go(struct shared *sh, int go)
{
	__atomic_store_n(&sh->go, go, __ATOMIC_RELEASE);
}

/* --- pipe-capacity ------------------------------------------------------ */

static int prop_pipe_capacity(FILE *f)
{
	static char buf[CHUNK];
	uint64_t calls = 0, bytes = 0, partial = 0;
	int fd[2], eagain = 0, failed = 0, sz;

	memset(buf, 'c', sizeof(buf));
	if (pipe2(fd, O_NONBLOCK) < 0) {
		sys_error("parent", "pipe2");
		return -1;
	}
	for (;;) {
		ssize_t n = write(fd[1], buf, sizeof(buf));

		calls++;
		if (n < 0) {
			if (errno == EAGAIN) {
				eagain = 1;
			} else {
				sys_error("parent", "write");
				failed = 1;
			}
			break;
		}
		bytes += (uint64_t)n;
		if ((size_t)n < sizeof(buf))
			partial++;
	}
	sz = fcntl(fd[1], F_GETPIPE_SZ);
	if (sz < 0) {
		sys_error("parent", "fcntl F_GETPIPE_SZ");
		failed = 1;
	}
	if (close(fd[0]) < 0 || close(fd[1]) < 0) {
		sys_error("parent", "close");
		failed = 1;
	}
	fprintf(f, "{\n  \"prop\": \"pipe-capacity\",\n  \"pid\": %ld,\n"
		"  \"read_fd\": %d,\n  \"write_fd\": %d,\n"
		"  \"write_size\": %d,\n  \"write_calls\": %" PRIu64 ",\n"
		"  \"partial_writes\": %" PRIu64 ",\n  \"eagain\": %d,\n"
		"  \"bytes_written\": %" PRIu64 ",\n  \"f_getpipe_sz\": %d\n}\n",
		(long)getpid(), fd[0], fd[1], CHUNK, calls, partial, eagain,
		bytes, sz);
	return failed ? -1 : 0;
}

/* --- pipe-blocking ------------------------------------------------------ */

/* Writes all len bytes; counts the calls.  -1 on error. */
static int write_all(int fd, const char *buf, size_t len, uint64_t *calls)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, buf + done, len - done);

		++*calls;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

/* Child: reads until EOF into buf; counts into sh.  Returns the exit code. */
static int read_to_eof(int fd, char *buf, size_t len, struct shared *sh)
{
	for (;;) {
		ssize_t n = read(fd, buf, len);

		sh->read_calls++;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			sys_error("child", "read");
			return 1;
		}
		if (n == 0)
			return 0;
		sh->bytes_read += (uint64_t)n;
	}
}

static int prop_pipe_blocking(FILE *f, struct shared *sh)
{
	uint64_t fill_calls = 0, blocked_calls = 0;
	int64_t fill_ns = -1, blocked_ns = -1, t0;
	int fd[2], sz, failed = 0;
	pid_t ppid = getpid(), cpid;
	char *buf;

	if (pipe(fd) < 0) {
		sys_error("parent", "pipe");
		return -1;
	}
	sz = fcntl(fd[1], F_GETPIPE_SZ);
	if (sz < 0) {
		sys_error("parent", "fcntl F_GETPIPE_SZ");
		return -1;
	}
	buf = malloc((size_t)sz);
	if (!buf) {
		sys_error("parent", "malloc");
		return -1;
	}
	memset(buf, 'b', (size_t)sz);

	cpid = start_child();
	if (cpid < 0)
		return -1;
	if (cpid == 0) {
		int code;

		close(fd[1]);
		if (sleep_ms(READER_DELAY_MS) < 0)
			_exit(1);
		code = read_to_eof(fd[0], buf, (size_t)sz, sh);
		if (close(fd[0]) < 0 && code == 0) {
			sys_error("child", "close");
			code = 1;
		}
		_exit(code);
	}

	close(fd[0]);	/* else a dead reader would leave our write blocked */
	t0 = now_ns();
	if (write_all(fd[1], buf, (size_t)sz, &fill_calls) < 0) {
		sys_error("parent", "write (fill)");
		failed = 1;
	} else {
		fill_ns = now_ns() - t0;
		t0 = now_ns();
		if (write_all(fd[1], buf, CHUNK, &blocked_calls) < 0) {
			sys_error("parent", "write (blocked)");
			failed = 1;
		} else {
			blocked_ns = now_ns() - t0;
		}
	}
	if (close(fd[1]) < 0 && !failed) {
		sys_error("parent", "close");
		failed = 1;
	}
	if (finish_child(cpid) < 0)
		failed = 1;
	free(buf);

	fprintf(f, "{\n  \"prop\": \"pipe-blocking\",\n  \"capacity\": %d,\n"
		"  \"fill_write_bytes\": %d,\n  \"fill_write_calls\": %" PRIu64
		",\n  \"fill_write_ns\": %" PRId64 ",\n"
		"  \"blocked_write_bytes\": %d,\n  \"blocked_write_calls\": %"
		PRIu64 ",\n  \"blocked_write_ns\": %" PRId64 ",\n"
		"  \"reader_delay_ns\": %lld,\n  \"reader_read_calls\": %" PRIu64
		",\n  \"reader_bytes_read\": %" PRIu64 ",\n"
		"  \"writer_pid\": %ld,\n  \"reader_pid\": %ld\n}\n",
		sz, sz, fill_calls, fill_ns, CHUNK, blocked_calls, blocked_ns,
		(long long)READER_DELAY_MS * 1000000LL, sh->read_calls,
		sh->bytes_read, (long)ppid, (long)cpid);
	return failed ? -1 : 0;
}

/* --- pipe-boundaries ---------------------------------------------------- */

static int boundaries_child(int fd, struct shared *sh, pid_t parent)
{
	static char buf[READ_BUF];
	ssize_t n;

	if (wait_go(sh, parent) != GO_SENT) {
		fprintf(stderr, "props: child: the writer gave up\n");
		return 1;
	}
	do {
		n = read(fd, buf, sizeof(buf));	/* the one that counts */
		sh->read_calls++;
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		sys_error("child", "read");
		return 1;
	}
	sh->first_read_bytes = n;
	sh->bytes_read += (uint64_t)n;
	if (n == 0)
		return 0;
	return read_to_eof(fd, buf, sizeof(buf), sh);
}

static int prop_pipe_boundaries(FILE *f, struct shared *sh)
{
	static char msg[MESSAGE_SIZE];
	uint64_t calls = 0, bytes = 0;
	pid_t ppid = getpid(), cpid;
	int fd[2], failed = 0;

	memset(msg, 'm', sizeof(msg));
	sh->first_read_bytes = -1;
	if (pipe(fd) < 0) {
		sys_error("parent", "pipe");
		return -1;
	}
	cpid = start_child();
	if (cpid < 0)
		return -1;
	if (cpid == 0) {
		int code;

		close(fd[1]);
		code = boundaries_child(fd[0], sh, ppid);
		close(fd[0]);
		_exit(code);
	}

	close(fd[0]);
	for (int i = 0; i < MESSAGES && !failed; i++) {
		/* 100 bytes <= PIPE_BUF: each write is whole or fails. */
		if (write_all(fd[1], msg, sizeof(msg), &calls) < 0) {
			sys_error("parent", "write");
			failed = 1;
		} else {
			bytes += sizeof(msg);
		}
	}
	set_go(sh, failed ? GO_ABORT : GO_SENT);
	if (close(fd[1]) < 0 && !failed) {
		sys_error("parent", "close");
		failed = 1;
	}
	if (finish_child(cpid) < 0)
		failed = 1;

	fprintf(f, "{\n  \"prop\": \"pipe-boundaries\",\n  \"messages\": %d,\n"
		"  \"message_size\": %d,\n  \"write_calls\": %" PRIu64 ",\n"
		"  \"bytes_written\": %" PRIu64 ",\n  \"read_buffer\": %d,\n"
		"  \"first_read_bytes\": %" PRId64 ",\n  \"read_calls\": %" PRIu64
		",\n  \"bytes_read\": %" PRIu64 ",\n  \"writer_pid\": %ld,\n"
		"  \"reader_pid\": %ld\n}\n",
		MESSAGES, MESSAGE_SIZE, calls, bytes, READ_BUF,
		sh->first_read_bytes, sh->read_calls, sh->bytes_read,
		(long)ppid, (long)cpid);
	return failed ? -1 : 0;
}

/* --- msgq-boundaries ---------------------------------------------------- */

struct msgbuf_send {
	long mtype;
	char mtext[MESSAGE_SIZE];
};

struct msgbuf_recv {
	long mtype;
	char mtext[READ_BUF];
};

/* A private SysV queue the cleanup handler knows of; -1 on error. */
static int make_queue(void)
{
	sigset_t old;
	int id;

	/* Blocked so the handler never misses a queue just made. */
	block_handled_signals(&old, 0);
	id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	if (id >= 0) {
		g_msqid = id;
		g_msq_made = 1;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (id < 0)
		sys_error("parent", "msgget");
	return id;
}

/*
 * A private queue in *id, then the child: its pid in the parent, 0 in the
 * child, -1 on error (said on stderr; the queue is gone).
 */
static pid_t queue_and_child(int *id)
{
	pid_t cpid;

	*id = make_queue();
	if (*id < 0)
		return -1;
	cpid = start_child();
	if (cpid < 0)
		remove_queue(1);
	return cpid;
}

static int msgq_child(int id, struct shared *sh, pid_t parent)
{
	static struct msgbuf_recv m;

	if (wait_go(sh, parent) != GO_SENT) {
		fprintf(stderr, "props: child: the sender gave up\n");
		return 1;
	}
	for (int i = 0; i < MESSAGES; i++) {
		ssize_t n;

		do {
			n = msgrcv(id, &m, sizeof(m.mtext), 0, IPC_NOWAIT);
			sh->receive_calls++;
		} while (n < 0 && errno == EINTR);
		if (n < 0) {
			sys_error("child", "msgrcv");
			return 1;
		}
		sh->receive_sizes[i] = n;
	}
	return 0;
}

static int prop_msgq_boundaries(FILE *f, struct shared *sh)
{
	static struct msgbuf_send m;
	uint64_t send_calls = 0;
	pid_t ppid = getpid(), cpid;
	int id, failed = 0;

	for (int i = 0; i < MESSAGES; i++)
		sh->receive_sizes[i] = -1;
	m.mtype = 1;
	memset(m.mtext, 'q', sizeof(m.mtext));

	cpid = queue_and_child(&id);
	if (cpid < 0)
		return -1;
	if (cpid == 0)
		_exit(msgq_child(id, sh, ppid));

	for (int i = 0; i < MESSAGES && !failed; i++) {
		int r;

		do {
			r = msgsnd(id, &m, sizeof(m.mtext), IPC_NOWAIT);
			send_calls++;
		} while (r < 0 && errno == EINTR);
		if (r < 0) {
			sys_error("parent", "msgsnd");
			failed = 1;
		}
	}
	set_go(sh, failed ? GO_ABORT : GO_SENT);
	if (finish_child(cpid) < 0)
		failed = 1;
	if (g_msq_made && remove_queue(1) < 0)
		failed = 1;

	fprintf(f, "{\n  \"prop\": \"msgq-boundaries\",\n  \"messages\": %d,\n"
		"  \"message_size\": %d,\n  \"send_calls\": %" PRIu64 ",\n"
		"  \"receive_buffer\": %d,\n  \"receive_calls\": %" PRIu64 ",\n"
		"  \"receive_sizes\": [", MESSAGES, MESSAGE_SIZE, send_calls,
		READ_BUF, sh->receive_calls);
	for (int i = 0; i < MESSAGES; i++) {
		if (sh->receive_sizes[i] < 0)
			fprintf(f, "%snull", i ? ", " : "");
		else
			fprintf(f, "%s%" PRId64, i ? ", " : "",
				sh->receive_sizes[i]);
	}
	fprintf(f, "],\n  \"msqid\": %d,\n  \"sender_pid\": %ld,\n"
		"  \"receiver_pid\": %ld\n}\n", id, (long)ppid, (long)cpid);
	return failed ? -1 : 0;
}

/* --- msgq-direction ---------------------------------------------------- */

/* One msgsnd() or msgrcv() of a 100-byte message, retried on EINTR. */
static int msg_send(int id, long type, uint64_t *calls)
{
	static struct msgbuf_send m;
	int r;

	m.mtype = type;
	memset(m.mtext, 'd', sizeof(m.mtext));
	do {
		r = msgsnd(id, &m, sizeof(m.mtext), 0);
		(*calls)++;
	} while (r < 0 && errno == EINTR);
	return r;
}

static ssize_t msg_receive(int id, long type, uint64_t *calls)
{
	static struct msgbuf_recv m;
	ssize_t n;

	do {
		n = msgrcv(id, &m, sizeof(m.mtext), type, 0);
		(*calls)++;
	} while (n < 0 && errno == EINTR);
	return n;
}

static int direction_child(int id, struct direction_counts *c)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (int i = 0; i < MESSAGES; i++) {
		ssize_t n = msg_receive(id, 1, &c->receive_calls);

		if (n < 0) {
			sys_error("child", "msgrcv");
			return 1;
		}
		c->bytes_received += n;
		if (msg_send(id, 2, &c->send_calls) < 0) {
			sys_error("child", "msgsnd");
			return 1;
		}
		c->bytes_sent += MESSAGE_SIZE;
	}
	return 0;
}

static int prop_msgq_direction(FILE *f, struct shared *sh)
{
	struct direction_counts p = { 0 }, *c = &sh->direction_child;
	pid_t ppid = getpid(), cpid;
	int id, failed = 0;

	cpid = queue_and_child(&id);
	if (cpid < 0)
		return -1;
	if (cpid == 0)
		_exit(direction_child(id, c));

	for (int i = 0; i < MESSAGES && !failed; i++) {
		ssize_t n;

		if (msg_send(id, 1, &p.send_calls) < 0) {
			sys_error("parent", "msgsnd");
			failed = 1;
			break;
		}
		p.bytes_sent += MESSAGE_SIZE;
		n = msg_receive(id, 2, &p.receive_calls);
		if (n < 0) {
			sys_error("parent", "msgrcv");
			failed = 1;
			break;
		}
		p.bytes_received += n;
	}
	if (failed)
		kill_and_reap_child();
	else if (finish_child(cpid) < 0)
		failed = 1;
	if (remove_queue(1) < 0)
		failed = 1;

	fprintf(f, "{\n  \"prop\": \"msgq-direction\",\n  \"messages\": %d,\n"
		"  \"message_size\": %d,\n  \"msqid\": %d,\n", MESSAGES,
		MESSAGE_SIZE, id);
	for (int side = 0; side < 2; side++) {
		const struct direction_counts *d = side ? c : &p;

		fprintf(f, "  \"%s\": {\"pid\": %ld, \"send_calls\": %" PRIu64
			", \"bytes_sent\": %" PRIu64 ", \"receive_calls\": %" PRIu64
			", \"bytes_received\": %" PRIu64 "}%s\n",
			side ? "child" : "parent", (long)(side ? cpid : ppid),
			d->send_calls, d->bytes_sent, d->receive_calls,
			d->bytes_received, side ? "" : ",");
	}
	fputs("}\n", f);
	return failed ? -1 : 0;
}

/* --- pipe-direction ----------------------------------------------------- */

static void json_errno(FILE *f, const char *key, ssize_t ret, int err)
{
	fprintf(f, "  \"%s_ret\": %zd,\n  \"%s_errno\": ", key, ret, key);
	if (ret < 0)
		fprintf(f, "\"%s\",\n  \"%s_errno_value\": %d,\n",
			errno_name(err), key, err);
	else
		fprintf(f, "null,\n  \"%s_errno_value\": null,\n", key);
}

static int prop_pipe_direction(FILE *f)
{
	char c = 'd';
	ssize_t wret, rret;
	int fd[2], werr = 0, rerr = 0, failed = 0;

	if (pipe(fd) < 0) {
		sys_error("parent", "pipe");
		return -1;
	}
	wret = write(fd[0], &c, 1);
	if (wret < 0)
		werr = errno;
	rret = read(fd[1], &c, 1);
	if (rret < 0)
		rerr = errno;
	if (close(fd[0]) < 0 || close(fd[1]) < 0) {
		sys_error("parent", "close");
		failed = 1;
	}
	fprintf(f, "{\n  \"prop\": \"pipe-direction\",\n  \"pid\": %ld,\n"
		"  \"read_fd\": %d,\n  \"write_fd\": %d,\n", (long)getpid(),
		fd[0], fd[1]);
	json_errno(f, "write_on_read_end", wret, werr);
	json_errno(f, "read_on_write_end", rret, rerr);
	fputs("  \"bytes\": 1\n}\n", f);
	return failed ? -1 : 0;
}

int main(int argc, char **argv)
{
	const char *out_path = NULL;
	struct shared *sh = NULL;
	enum prop prop;
	int failed = 0;
	FILE *out;

	prop = parse_args(argc, argv, &out_path);
	out = open_out(out_path);

	if (prop == P_PIPE_BLOCKING || prop == P_PIPE_BOUNDARIES ||
	    prop == P_MSGQ_BOUNDARIES || prop == P_MSGQ_DIRECTION) {
		sh = map_shared_zeroed(sizeof(*sh));
		if (!sh)
			return 1;
	}
	install_common_handlers(on_term_signal, NULL, NULL);

	switch (prop) {
	case P_PIPE_CAPACITY:
		failed = prop_pipe_capacity(out) < 0;
		break;
	case P_PIPE_BLOCKING:
		failed = prop_pipe_blocking(out, sh) < 0;
		break;
	case P_PIPE_BOUNDARIES:
		failed = prop_pipe_boundaries(out, sh) < 0;
		break;
	case P_MSGQ_BOUNDARIES:
		failed = prop_msgq_boundaries(out, sh) < 0;
		break;
	case P_PIPE_DIRECTION:
		failed = prop_pipe_direction(out) < 0;
		break;
	case P_MSGQ_DIRECTION:
		failed = prop_msgq_direction(out, sh) < 0;
		break;
	case P_NONE:
		break;
	}
	if (finish_json(out) < 0)
		failed = 1;
	if (close_out(out) < 0)
		failed = 1;
	return failed ? 1 : 0;
}
