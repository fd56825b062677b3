/*
 * msgq.c - ground-truth message queue workload for the ipcscope integration
 * tests.
 *
 * A parent sends a known number of messages through one message queue
 * (SysV msgsnd/msgrcv or POSIX mq_send/mq_receive) and a forked child
 * receives them.  Each process opens the queue itself, by key or by name,
 * as two unrelated programs would.  Every get, send and receive call is
 * counted, and the parent prints the counts as JSON at the end, so a test
 * can compare a kernel tracer's numbers with them exactly.  Run with --help
 * for details.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <mqueue.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

const char workload_name[] = "msgq";

#define SIZE_MAX_BYTES	8192ULL		/* Linux's default msgmax/msgsize_max */
#define COUNT_MAX	100000000ULL
#define TYPES_MAX	1000ULL
#define DELAY_MAX_MS	600000ULL
#define MQ_MAXMSG	10		/* Linux's default fs.mqueue.msg_max */
#define FTOK_PROJ	'M'		/* first ftok() project id tried */
#define FTOK_TRIES	16		/* project ids tried while keys collide */

enum api { API_SYSV, API_POSIX };
enum receive { RECV_ANY, RECV_BYTYPE };
static const char *const api_name[] = { "sysv", "posix" };
static const char *const receive_name[] = { "any", "bytype" };

struct config {
	enum api api;
	enum receive receive;
	uint64_t count;
	uint64_t size;
	uint64_t types;
	uint64_t start_delay_ms;
	uint64_t send_delay_ms;	/* --send-delay */
	uint64_t recv_delay_ms;	/* --recv-delay */
	const char *out_path;	/* NULL: stdout */
};

/* What one process did on the measured queue. */
struct counts {
	uint64_t get_calls, get_errors;
	uint64_t send_calls, bytes_sent, send_errors;
	uint64_t receive_calls, bytes_received, receive_errors;
};

/*
 * The child's results.  They live in a MAP_SHARED|MAP_ANONYMOUS region: no
 * IPC syscall is needed to report them, and they survive if the child dies.
 */
struct child_report {
	struct counts c;
	uint64_t mismatches;		/* messages with a wrong type or content */
	int64_t key;			/* sysv: the child's own ftok() result */
	int64_t msqid;			/* sysv: what the child's msgget returned */
	uint64_t received_by_type[TYPES_MAX + 1];
	struct xfer_time xfer;		/* parent: start; child: end */
};

struct queue_meta {
	int64_t msqid, key;		/* sysv */
	uint64_t ino, dev;		/* posix: fstat() of the queue descriptor */
	unsigned int dev_major, dev_minor;
};

/*
 * State the signal handlers need.  Names are stored in static buffers before
 * their "made" flag is set, so a handler never sees a half-built name.
 */
static char g_dir[PATH_MAX - 8];
static char g_file[PATH_MAX];
static char g_mq_name[64];
static int g_proj;			/* ftok() project id of the queue's key */
static volatile sig_atomic_t g_dir_made;
static volatile sig_atomic_t g_file_made;
static volatile sig_atomic_t g_msq_made;
static volatile sig_atomic_t g_msqid = -1;
static volatile sig_atomic_t g_mq_made;

static void print_help(void)
{
	fputs(
"Usage: msgq [--api sysv|posix] [--count N] [--size BYTES] [--types N]\n"
"            [--receive any|bytype] [--out FILE] [--start-delay MS]\n"
"            [--send-delay MS] [--recv-delay MS] [--help]\n"
"\n"
"Ground-truth message queue workload for ipcscope tests.  The parent sends\n"
"COUNT messages of SIZE bytes through one message queue and a forked child\n"
"receives them; every get, send and receive call is counted and reported as\n"
"JSON at the end.\n"
"\n"
"Options (the value may also be given as --option=VALUE):\n"
"  --api sysv|posix     sysv (default): System V queue.  The parent makes a\n"
"                       private directory with mkdtemp in $TMPDIR (or /tmp),\n"
"                       creates the file \"key\" in it, takes a key with\n"
"                       ftok(file, 'M') and calls msgget(key, IPC_CREAT |\n"
"                       IPC_EXCL | 0600) (if that key is taken, EEXIST, the\n"
"                       next project ids are tried, up to 16 calls).  After\n"
"                       the fork the child calls ftok() and msgget(key, 0)\n"
"                       itself.  The parent msgsnd()s, the child msgrcv()s.\n"
"                       posix: POSIX queue \"/ipcscope-mq-PID\" (PID: the\n"
"                       parent's), made by the parent with mq_open(O_CREAT |\n"
"                       O_EXCL | O_RDWR, 0600, mq_maxmsg 10, mq_msgsize\n"
"                       SIZE); the child closes the descriptor it inherited\n"
"                       and mq_open()s the name O_RDONLY itself.  The parent\n"
"                       mq_send()s, the child mq_receive()s (glibc makes them\n"
"                       the mq_timedsend and mq_timedreceive syscalls).\n"
"                       The queue, the key file and the directory are removed\n"
"                       by the parent once the child is done, on error and on\n"
"                       SIGINT, SIGTERM or SIGHUP.\n"
"  --count N            messages, 1..100000000 (default 500)\n"
"  --size BYTES         bytes of text per message, 1..8192 (default 128)\n"
"  --types N            message types, 1..1000 (default 5).  Message i (from\n"
"                       0) has type (i % N) + 1: its mtype (sysv) or its\n"
"                       priority (posix).  POSIX queues deliver the highest\n"
"                       priority first, so the child receives them out of\n"
"                       send order; messages of one priority stay in order.\n"
"  --receive any|bytype sysv only.  any (default): msgrcv(msgtyp 0), the\n"
"                       oldest message.  bytype: receive i asks for exactly\n"
"                       the type message i was sent with, msgtyp (i % N) + 1;\n"
"                       since sends follow the same order this is selective\n"
"                       receive that never waits for a message that is not\n"
"                       coming.\n"
"  --out FILE           write the JSON to FILE (a regular file, created or\n"
"                       truncated) instead of stdout\n"
"  --start-delay MS     sleep MS milliseconds (0..600000, default 0) before\n"
"                       creating the queue or forking, so that a tracer can\n"
"                       attach to the parent's PID and then see the fork\n"
"  --send-delay MS      the parent (sender) sleeps MS milliseconds\n"
"                       (0..600000, default 0) after each message it sent,\n"
"                       so the data never waits for the receiver\n"
"  --recv-delay MS      the child (receiver) sleeps MS milliseconds\n"
"                       (0..600000, default 0) before each receive call, so\n"
"                       each message waits at least MS ms in the kernel\n"
"  --help               print this text and exit\n"
"\n"
"The text of message i is a pattern computed from i.  The child checks the\n"
"size, type and text of every message it gets (and, for sysv, that message i\n"
"is the i-th received; for posix it works out i from the priority and how\n"
"many of that priority came before) and counts the mismatches in memory\n"
"shared with the parent, which fails if there is any.\n"
"\n"
"Output: one JSON object, printed by the parent after the child has exited:\n"
"  workload, api, count, size, types, receive\n"
"              \"msgq\" and the parameters of the run\n"
"  queue       id (msqid) and key (the ftok() key as a signed integer) for\n"
"              sysv, else null; name, ino and dev (st_ino and st_dev from\n"
"              fstat() of the parent's queue descriptor, dev in user-space\n"
"              encoding, dev_major and dev_minor its parts) for posix, else\n"
"              null.  The queue is already removed when this is printed.\n"
"  processes   parent, then child: pid, role, get_calls (msgget or mq_open\n"
"              calls), get_errors, send_calls, bytes_sent, send_errors,\n"
"              receive_calls, bytes_received, receive_errors\n"
"  sent_by_type, received_by_type\n"
"              {\"1\": n, ..., \"TYPES\": n}: messages sent or received of\n"
"              each type, every type listed\n"
"  mismatches  messages the child got with a wrong type, order or text\n"
"  totals      the counters summed over both processes\n"
"  elapsed_ns  CLOCK_MONOTONIC ns from the first send to the last receive\n"
"  Calls count every such syscall, including calls that returned -1 (also\n"
"  counted in *_errors): an EINTR is counted, then retried.  bytes_sent adds\n"
"  SIZE per successful send (they return 0); bytes_received adds the return\n"
"  values.  Nothing else touches the queue apart from the removal (msgctl\n"
"  IPC_RMID or mq_unlink), the fstat() above and the close of descriptors.\n"
"  The child's counts travel through a MAP_SHARED|MAP_ANONYMOUS mapping.\n"
"  A syscall the kernel restarts by itself (after SIGSTOP/SIGCONT, or any\n"
"  signal while ptraced) is one call here but two for a kernel tracer.  A\n"
"  process killed (SIGKILL) inside a call has made that call but cannot\n"
"  count it: its counts are then one call (and maybe one message) short.\n"
"\n"
"If the child dies early, the parent stops sending; if it is blocked in a\n"
"send at that moment, within 10 ms (a periodic SIGALRM, armed only then,\n"
"interrupts the call: EINTR, counted).  If the parent dies, even by\n"
"SIGKILL, the child is killed (PR_SET_PDEATHSIG).\n"
"\n"
"Exit status: 0 success; 1 a syscall failed, the child failed or a message\n"
"did not match (one line on stderr; the JSON is still printed once the\n"
"child has been started); 2 bad command line or --out; 128+N killed by\n"
"signal N (after cleanup).\n",
	      stdout);
}

static void parse_args(int argc, char **argv, struct config *cfg)
{
	static const char *const opts[] = {
		"--api", "--count", "--size", "--types", "--receive", "--out",
		"--start-delay", "--send-delay", "--recv-delay",
	};
	int receive_given = 0;

	for (int i = 1; i < argc; i++) {
		const char *val, *name;

		name = next_option(argc, argv, &i, opts,
				   sizeof(opts) / sizeof(opts[0]), print_help,
				   &val);

		if (!strcmp(name, "--api")) {
			if (!strcmp(val, "sysv"))
				cfg->api = API_SYSV;
			else if (!strcmp(val, "posix"))
				cfg->api = API_POSIX;
			else
				usage_error("--api: '%s' is not sysv or posix", val);
		} else if (!strcmp(name, "--receive")) {
			if (!strcmp(val, "any"))
				cfg->receive = RECV_ANY;
			else if (!strcmp(val, "bytype"))
				cfg->receive = RECV_BYTYPE;
			else
				usage_error("--receive: '%s' is not any or bytype",
					    val);
			receive_given = 1;
		} else if (!strcmp(name, "--count")) {
			cfg->count = parse_num(name, val, 1, COUNT_MAX);
		} else if (!strcmp(name, "--size")) {
			cfg->size = parse_num(name, val, 1, SIZE_MAX_BYTES);
		} else if (!strcmp(name, "--types")) {
			cfg->types = parse_num(name, val, 1, TYPES_MAX);
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

	if (cfg->api == API_POSIX) {
		long prio_max = sysconf(_SC_MQ_PRIO_MAX);

		if (receive_given && cfg->receive == RECV_BYTYPE)
			usage_error("--receive bytype needs --api sysv (POSIX "
				    "queues cannot receive selectively)");
		/* Priorities are capped at MQ_PRIO_MAX - 1 (32767 on Linux,
		 * far above TYPES_MAX).  A cap that merged types would make
		 * the type of a received message unknowable: refuse it. */
		if (prio_max > 0 && cfg->types > (uint64_t)prio_max - 1)
			usage_error("--types: at most %ld with --api posix "
				    "(sysconf(_SC_MQ_PRIO_MAX) - 1)",
				    prio_max - 1);
	}
}

/* Build the mkdtemp template up front so a too long $TMPDIR is exit 2. */
static void prepare_paths(const struct config *cfg)
{
	const char *base;
	int len;

	if (cfg->api == API_POSIX) {
		snprintf(g_mq_name, sizeof(g_mq_name), "/ipcscope-mq-%ld",
			 (long)getpid());
		return;
	}
	if (temp_dir_template(g_dir, sizeof(g_dir), NULL, &base, &len) < 0)
		usage_error("$TMPDIR: path too long");
}

/*
 * Removes whatever exists of the queue, the key file and the directory.
 * Async-signal-safe (msgctl, mq_unlink, unlink and rmdir are plain
 * syscalls).  With report set, failures are printed and give -1.
 */
static int remove_objects(int report)
{
	int ret = 0;

	if (g_msq_made) {
		g_msq_made = 0;
		if (msgctl(g_msqid, IPC_RMID, NULL) < 0 && report) {
			sys_error("parent", "msgctl IPC_RMID");
			ret = -1;
		}
	}
	if (g_mq_made) {
		g_mq_made = 0;
		if (mq_unlink(g_mq_name) < 0 && report) {
			sys_error("parent", "mq_unlink");
			ret = -1;
		}
	}
	if (g_file_made) {
		g_file_made = 0;
		if (unlink(g_file) < 0 && report) {
			sys_error("parent", "unlink key file");
			ret = -1;
		}
	}
	if (g_dir_made) {
		g_dir_made = 0;
		if (rmdir(g_dir) < 0 && report) {
			sys_error("parent", "rmdir");
			ret = -1;
		}
	}
	return ret;
}

static void on_term_signal(int sig)
{
	/* The child first, so that it never sees its objects vanish (and
	 * reaped, so it is gone by the time our exit is observed). */
	kill_and_reap_child();
	remove_objects(0);
	_exit(128 + sig);
}

/*
 * A child that died early leaves the parent blocked in a send that nobody
 * will ever make room for.  Then a periodic SIGALRM (no SA_RESTART) makes
 * that send fail with EINTR, and the send loop sees g_child_gone.  A child
 * that exited 0 has received everything, so no send can be waiting on it:
 * a normal run sees no SIGALRM at all.
 */
static void on_sigchld(int sig)
{
	int saved = errno;
	siginfo_t info;

	(void)sig;
	if (!child_exit_seen(&info))
		goto out;
	g_child_gone = 1;
	if (!(info.si_code == CLD_EXITED && info.si_status == 0))
		start_kicking();
out:
	errno = saved;
}

static void get_meta(int fd, struct queue_meta *m)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		sys_error("parent", "fstat");
		return;
	}
	m->ino = (uint64_t)st.st_ino;
	m->dev = (uint64_t)st.st_dev;
	m->dev_major = major(st.st_dev);
	m->dev_minor = minor(st.st_dev);
}

/*
 * Creates the queue (and for sysv the directory and key file first).
 * Signals are blocked so a handler never misses something just created.
 * Counts the parent's msgget/mq_open calls.  Returns the msqid or mqd, or -1.
 */
static int create_queue(const struct config *cfg, struct counts *c,
			struct queue_meta *m)
{
	sigset_t old;
	int ret = -1;

	block_handled_signals(&old, 1);
	if (cfg->api == API_POSIX) {
		struct mq_attr attr;
		mqd_t q;

		memset(&attr, 0, sizeof(attr));
		attr.mq_maxmsg = MQ_MAXMSG;
		attr.mq_msgsize = (long)cfg->size;
		c->get_calls++;
		q = mq_open(g_mq_name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
		if (q == (mqd_t)-1) {
			c->get_errors++;
			sys_error("parent", "mq_open");
			goto out;
		}
		g_mq_made = 1;
		get_meta((int)q, m);
		ret = (int)q;
		goto out;
	}

	if (!mkdtemp(g_dir)) {
		sys_error("parent", "mkdtemp");
		goto out;
	}
	g_dir_made = 1;
	snprintf(g_file, sizeof(g_file), "%s/key", g_dir);
	{
		int fd = open(g_file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			      0600);

		if (fd < 0) {
			sys_error("parent", "create key file");
			goto out;
		}
		g_file_made = 1;
		close(fd);
	}
	for (int t = 0; t < FTOK_TRIES; t++) {
		key_t key = ftok(g_file, FTOK_PROJ + t);
		int id;

		if (key == (key_t)-1) {
			sys_error("parent", "ftok");
			goto out;
		}
		c->get_calls++;
		id = msgget(key, IPC_CREAT | IPC_EXCL | 0600);
		if (id >= 0) {
			g_proj = FTOK_PROJ + t;
			g_msqid = id;
			g_msq_made = 1;
			m->msqid = id;
			m->key = key;
			ret = id;
			goto out;
		}
		c->get_errors++;
		if (errno != EEXIST) {
			sys_error("parent", "msgget");
			goto out;
		}
	}
	fprintf(stderr, "msgq: parent: msgget: %d ftok keys of %s all in "
		"use\n", FTOK_TRIES, g_file);
out:
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}

/* Byte j of the text of message seq: differs between messages and bytes. */
static unsigned char pattern_byte(uint64_t seq, size_t j)
{
	uint64_t x = (seq + 1) * 0x9e3779b97f4a7c15ULL;

	x ^= ((uint64_t)j + 1) * 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 29;
	return (unsigned char)(x >> 32);
}

static void fill_text(char *text, size_t size, uint64_t seq)
{
	for (size_t j = 0; j < size; j++)
		text[j] = (char)pattern_byte(seq, j);
}

static int text_matches(const char *text, size_t size, uint64_t seq)
{
	for (size_t j = 0; j < size; j++)
		if ((unsigned char)text[j] != pattern_byte(seq, j))
			return 0;
	return 1;
}

/* A SysV message: mtype, then SIZE bytes of text. */
struct sysv_msg {
	long mtype;
	char mtext[];
};

/*
 * Child side: opens the queue itself, then receives COUNT messages and
 * checks each one.  Counts go straight into the shared mapping.
 */
static int child_run(const struct config *cfg, struct sysv_msg *msg,
		     int parent_q, struct child_report *r)
{
	struct counts *c = &r->c;
	size_t size = (size_t)cfg->size;
	uint64_t *seen = NULL;		/* posix: messages received per type */
	int q;

	if (cfg->api == API_SYSV) {
		key_t key = ftok(g_file, g_proj);

		if (key == (key_t)-1) {
			sys_error("child", "ftok");
			return 1;
		}
		r->key = key;
		c->get_calls++;
		q = msgget(key, 0);
		if (q < 0) {
			c->get_errors++;
			sys_error("child", "msgget");
			return 1;
		}
		r->msqid = q;
	} else {
		mqd_t mq;

		/* An unrelated reader would not have the parent's queue
		 * descriptor: drop it and open the queue by name. */
		mq_close((mqd_t)parent_q);
		seen = calloc((size_t)cfg->types + 1, sizeof(*seen));
		if (!seen) {
			sys_error("child", "calloc");
			return 1;
		}
		c->get_calls++;
		mq = mq_open(g_mq_name, O_RDONLY);
		if (mq == (mqd_t)-1) {
			c->get_errors++;
			sys_error("child", "mq_open");
			return 1;
		}
		q = (int)mq;
	}

	for (uint64_t i = 0; i < cfg->count; i++) {
		uint64_t type, seq;
		unsigned int prio = 0;
		ssize_t n;
		int ok;

		if (cfg->recv_delay_ms && sleep_ms(cfg->recv_delay_ms) < 0)
			return 1;
		for (;;) {
			if (cfg->api == API_SYSV) {
				long want = cfg->receive == RECV_BYTYPE ?
					(long)(i % cfg->types) + 1 : 0;

				n = msgrcv(q, msg, size, want, 0);
			} else {
				n = mq_receive((mqd_t)q, msg->mtext, size, &prio);
			}
			c->receive_calls++;
			if (n >= 0)
				break;
			c->receive_errors++;
			if (errno != EINTR) {
				sys_error("child", cfg->api == API_SYSV ?
					  "msgrcv" : "mq_receive");
				return 1;
			}
		}
		if (i + 1 == cfg->count)
			r->xfer.end_ns = mono_ns();
		c->bytes_received += (uint64_t)n;

		if (cfg->api == API_SYSV) {
			/* FIFO order, or by-type order that equals it */
			seq = i;
			type = msg->mtype > 0 ? (uint64_t)msg->mtype : 0;
			ok = type == (i % cfg->types) + 1;
		} else {
			/* highest priority first, FIFO within a priority */
			type = prio;
			ok = type >= 1 && type <= cfg->types;
			seq = ok ? seen[type]++ * cfg->types + (type - 1) : 0;
			ok = ok && seq < cfg->count;
		}
		if (type >= 1 && type <= cfg->types)
			r->received_by_type[type]++;
		if (!ok || (size_t)n != size || !text_matches(msg->mtext, size, seq))
			r->mismatches++;
	}
	if (cfg->api == API_POSIX && mq_close((mqd_t)q) < 0) {
		sys_error("child", "mq_close");
		return 1;
	}
	free(seen);
	return 0;
}

/* Parent side: sends COUNT messages.  Returns 0, or -1 on failure. */
static int parent_run(const struct config *cfg, struct sysv_msg *msg, int q,
		      struct counts *c, uint64_t *sent_by_type,
		      struct xfer_time *xt)
{
	size_t size = (size_t)cfg->size;

	for (uint64_t i = 0; i < cfg->count; i++) {
		uint64_t type = (i % cfg->types) + 1;

		msg->mtype = (long)type;
		fill_text(msg->mtext, size, i);
		if (i == 0)
			xt->start_ns = mono_ns();
		for (;;) {
			int r;

			/* The child only exits on its own once it has every
			 * message: before that, gone means failed. */
			if (g_child_gone) {
				fprintf(stderr, "msgq: parent: the child exited "
					"after %" PRIu64 " of %" PRIu64
					" messages were sent\n", i, cfg->count);
				return -1;
			}
			if (cfg->api == API_SYSV)
				r = msgsnd(q, msg, size, 0);
			else
				r = mq_send((mqd_t)q, msg->mtext, size,
					    (unsigned int)type);
			c->send_calls++;
			if (r == 0)
				break;
			c->send_errors++;
			if (errno != EINTR) {
				sys_error("parent", cfg->api == API_SYSV ?
					  "msgsnd" : "mq_send");
				return -1;
			}
		}
		c->bytes_sent += size;
		sent_by_type[type]++;
		if (cfg->send_delay_ms && sleep_ms(cfg->send_delay_ms) < 0)
			return -1;
	}
	return 0;
}

static void json_counts(FILE *f, const struct counts *c)
{
	fprintf(f, "\"get_calls\": %" PRIu64 ", \"get_errors\": %" PRIu64
		", \"send_calls\": %" PRIu64 ", \"bytes_sent\": %" PRIu64
		", \"send_errors\": %" PRIu64 ", \"receive_calls\": %" PRIu64
		", \"bytes_received\": %" PRIu64 ", \"receive_errors\": %"
		PRIu64, c->get_calls, c->get_errors, c->send_calls,
		c->bytes_sent, c->send_errors, c->receive_calls,
		c->bytes_received, c->receive_errors);
}

static void json_by_type(FILE *f, const char *name, const uint64_t *by_type,
			 uint64_t types)
{
	fprintf(f, "  \"%s\": {", name);
	for (uint64_t t = 1; t <= types; t++)
		fprintf(f, "%s\"%" PRIu64 "\": %" PRIu64, t > 1 ? ", " : "",
			t, by_type[t]);
	fputs("},\n", f);
}

static int print_json(FILE *f, const struct config *cfg,
		      const struct queue_meta *m, pid_t ppid, pid_t cpid,
		      const struct counts *pc, const struct child_report *r,
		      const uint64_t *sent_by_type)
{
	const struct counts *cc = &r->c;
	struct counts t = {
		pc->get_calls + cc->get_calls,
		pc->get_errors + cc->get_errors,
		pc->send_calls + cc->send_calls,
		pc->bytes_sent + cc->bytes_sent,
		pc->send_errors + cc->send_errors,
		pc->receive_calls + cc->receive_calls,
		pc->bytes_received + cc->bytes_received,
		pc->receive_errors + cc->receive_errors,
	};

	fprintf(f, "{\n  \"workload\": \"msgq\",\n  \"api\": \"%s\",\n"
		"  \"count\": %" PRIu64 ",\n  \"size\": %" PRIu64 ",\n"
		"  \"types\": %" PRIu64 ",\n  \"receive\": \"%s\",\n"
		"  \"queue\": {", api_name[cfg->api], cfg->count, cfg->size,
		cfg->types, receive_name[cfg->receive]);
	if (cfg->api == API_SYSV) {
		fprintf(f, "\"id\": %" PRId64 ", \"key\": %" PRId64 ", \"name\": "
			"null, \"ino\": null, \"dev\": null, \"dev_major\": "
			"null, \"dev_minor\": null},\n", m->msqid, m->key);
	} else {
		fputs("\"id\": null, \"key\": null, \"name\": ", f);
		json_string(f, g_mq_name);
		fprintf(f, ", \"ino\": %" PRIu64 ", \"dev\": %" PRIu64
			", \"dev_major\": %u, \"dev_minor\": %u},\n", m->ino,
			m->dev, m->dev_major, m->dev_minor);
	}
	fprintf(f, "  \"processes\": [\n    {\"pid\": %ld, \"role\": "
		"\"parent\", ", (long)ppid);
	json_counts(f, pc);
	fprintf(f, "},\n    {\"pid\": %ld, \"role\": \"child\", ", (long)cpid);
	json_counts(f, cc);
	fputs("}\n  ],\n", f);
	json_by_type(f, "sent_by_type", sent_by_type, cfg->types);
	json_by_type(f, "received_by_type", r->received_by_type, cfg->types);
	fprintf(f, "  \"mismatches\": %" PRIu64 ",\n  \"totals\": {",
		r->mismatches);
	json_counts(f, &t);
	fprintf(f, "},\n  \"elapsed_ns\": %" PRIu64 "\n}\n",
		xfer_elapsed_ns(&r->xfer));

	return finish_json(f);
}

int main(int argc, char **argv)
{
	struct config cfg = {
		.api = API_SYSV, .receive = RECV_ANY,
		.count = 500, .size = 128, .types = 5,
	};
	struct queue_meta meta = { -1, -1, 0, 0, 0, 0 };
	struct counts pc;
	struct child_report *r;
	uint64_t *sent_by_type;
	struct sysv_msg *msg;
	int q, status = 0, failed = 0, killed = 0;
	pid_t ppid, cpid;
	sigset_t old;
	FILE *out;

	parse_args(argc, argv, &cfg);
	prepare_paths(&cfg);
	out = open_out(cfg.out_path);

	memset(&pc, 0, sizeof(pc));
	msg = malloc(sizeof(*msg) + (size_t)cfg.size);
	sent_by_type = calloc((size_t)cfg.types + 1, sizeof(*sent_by_type));
	if (!msg || !sent_by_type) {
		sys_error("parent", "malloc");
		return 1;
	}

	/* The child's counters live here: no IPC syscall needed to report
	 * them, and they survive even if the child dies half-way. */
	r = map_shared_zeroed(sizeof(*r));
	if (!r)
		return 1;
	r->key = -1;
	r->msqid = -1;

	install_common_handlers(on_term_signal, on_sigchld, on_sigalrm);
	if (cfg.start_delay_ms && sleep_ms(cfg.start_delay_ms) < 0)
		return 1;

	q = create_queue(&cfg, &pc, &meta);
	if (q < 0) {
		remove_objects(1);
		return 1;
	}

	ppid = getpid();
	/* Blocked across fork: the child must never run the parent's
	 * cleanup handler, and the parent must know the child's pid before
	 * a handler can run. */
	block_handled_signals(&old, 1);
	g_in_loop = 1;
	cpid = fork();
	if (cpid < 0) {
		sys_error("parent", "fork");
		remove_objects(1);
		return 1;
	}
	if (cpid == 0) {
		int code;

		restore_default_handlers();
		sigprocmask(SIG_SETMASK, &old, NULL);
		/* A receiver whose sender is gone would wait forever: if the
		 * parent dies (even by SIGKILL), so does the child. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != ppid)
			_exit(1);
		code = child_run(&cfg, msg, q, r);
		/* _exit: no stdio flush, no atexit, no cleanup of the queue. */
		_exit(code);
	}
	g_child_pid = cpid;
	sigprocmask(SIG_SETMASK, &old, NULL);

	if (parent_run(&cfg, msg, q, &pc, sent_by_type, &r->xfer) < 0) {
		failed = 1;
		/* The child would wait for the missing messages forever. */
		if (!g_child_gone) {
			kill(cpid, SIGKILL);
			killed = 1;
		}
	}
	leave_loop();

	if (reap_child(cpid, &status) < 0)
		failed = 1;
	if (cfg.api == API_POSIX && mq_close((mqd_t)q) < 0) {
		sys_error("parent", "mq_close");
		failed = 1;
	}
	/* Counts are collected: the queue is no longer needed. */
	if (remove_objects(1) < 0)
		failed = 1;

	if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		failed = 1;	/* the child already said why */
	} else if (WIFSIGNALED(status)) {
		if (!killed)
			fprintf(stderr, "msgq: child killed by signal %d\n",
				WTERMSIG(status));
		failed = 1;
	} else if (!failed) {
		uint64_t want = cfg.size * cfg.count;
		int by_type_ok = 1;

		for (uint64_t t = 1; t <= cfg.types; t++)
			if (sent_by_type[t] != r->received_by_type[t])
				by_type_ok = 0;
		if (r->mismatches) {
			fprintf(stderr, "msgq: %" PRIu64 " of %" PRIu64
				" messages did not match what was sent\n",
				r->mismatches, cfg.count);
			failed = 1;
		} else if (pc.bytes_sent != want ||
			   r->c.bytes_received != want || !by_type_ok) {
			fprintf(stderr, "msgq: sent and received counts "
				"disagree (expected %" PRIu64 " bytes)\n", want);
			failed = 1;
		} else if (cfg.api == API_SYSV &&
			   (r->key != meta.key || r->msqid != meta.msqid)) {
			fprintf(stderr, "msgq: the child's key or msqid differ "
				"from the parent's\n");
			failed = 1;
		}
	}

	if (print_json(out, &cfg, &meta, ppid, cpid, &pc, r, sent_by_type) < 0)
		failed = 1;
	if (close_out(out) < 0)
		failed = 1;
	free(sent_by_type);
	free(msg);
	return failed ? 1 : 0;
}
