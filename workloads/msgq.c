// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
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
 * for details.  The queue and the calls on it are in msgq/queue.c.
 */
#define _GNU_SOURCE
#include <mqueue.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "msgq/msgq.h"

const char workload_name[] = "msgq";

#define SIZE_MAX_BYTES	8192ULL		/* Linux's default msgmax/msgsize_max */
#define COUNT_MAX	100000000ULL

static const char *const api_name[] = { "sysv", "posix" };
static const char *const receive_name[] = { "any", "bytype", "except" };

/* The JSON keys of struct counts, in order. */
COUNTER_KEYS(counters, struct counts,
	"get_calls", "get_errors", "send_calls", "bytes_sent", "send_errors",
	"receive_calls", "bytes_received", "receive_errors");

static void print_help(void)
{
	fputs(
"Usage: msgq [--api sysv|posix] [--count N] [--size BYTES] [--types N]\n"
"            [--receive any|bytype|except] [--out FILE] [--start-delay MS]\n"
"            [--cpus A,B] [--ready-delay MS] [--send-delay MS] [--recv-delay MS]\n"
"            [--help]\n"
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
"  --receive any|bytype|except\n"
"                       sysv only.  any (default): msgrcv(msgtyp 0), the\n"
"                       oldest message.  bytype: receive i asks for exactly\n"
"                       the type message i was sent with, msgtyp (i % N) + 1;\n"
"                       since sends follow the same order this is selective\n"
"                       receive that never waits for a message that is not\n"
"                       coming.  except: msgrcv(msgtyp N + 1, MSG_EXCEPT), the\n"
"                       oldest message of any type but N + 1, which is never\n"
"                       sent: what comes is not the type asked for.\n"
"  --out FILE           write the JSON to FILE (a regular file, created or\n"
"                       truncated) instead of stdout\n"
"  --start-delay MS     sleep MS milliseconds (0..600000, default 0) before\n"
"                       creating the queue or forking, so that a tracer can\n"
"                       attach to the parent's PID and then see the fork\n"
CPUS_HELP
READY_DELAY_HELP
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
		"--start-delay", "--cpus", "--ready-delay", "--send-delay", "--recv-delay",
	};
	struct opt_iter it = OPT_ITER(argc, argv, opts, print_help, &cfg->run);
	const char *val, *name;
	int receive_given = 0;

	while ((name = next_opt(&it, &val))) {
		if (!strcmp(name, "--api")) {
			cfg->api = parse_word(name, val, api_name, 2,
					      "sysv or posix");
		} else if (!strcmp(name, "--receive")) {
			cfg->receive = parse_word(name, val, receive_name, 3,
						  "any, bytype or except");
			receive_given = 1;
		} else if (!strcmp(name, "--count")) {
			cfg->count = parse_num(name, val, 1, COUNT_MAX);
		} else if (!strcmp(name, "--size")) {
			cfg->size = parse_num(name, val, 1, SIZE_MAX_BYTES);
		} else {
			cfg->types = parse_num(name, val, 1, TYPES_MAX);
		}
	}

	if (cfg->api == API_POSIX) {
		long prio_max = sysconf(_SC_MQ_PRIO_MAX);

		if (receive_given && cfg->receive != RECV_ANY)
			usage_error("--receive %s needs --api sysv (POSIX "
				    "queues cannot receive selectively)",
				    receive_name[cfg->receive]);
		/* Priorities are capped at MQ_PRIO_MAX - 1 (32767 on Linux,
		 * far above TYPES_MAX).  A cap that merged types would make
		 * the type of a received message unknowable: refuse it. */
		if (prio_max > 0 && cfg->types > (uint64_t)prio_max - 1)
			usage_error("--types: at most %ld with --api posix "
				    "(sysconf(_SC_MQ_PRIO_MAX) - 1)",
				    prio_max - 1);
	}
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

static void print_json(FILE *f, const struct config *cfg,
		       const struct queue_meta *m, pid_t ppid, pid_t cpid,
		       const struct counts *pc, const struct child_report *r,
		       const uint64_t *sent_by_type)
{
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
		fputs(", ", f);
		json_file_id(f, &m->id);
		fputs("},\n", f);
	}
	json_processes(f, &counters, ppid, pc, cpid, &r->c);
	json_by_type(f, "sent_by_type", sent_by_type, cfg->types);
	json_by_type(f, "received_by_type", r->received_by_type, cfg->types);
	fprintf(f, "  \"mismatches\": %" PRIu64 ",\n", r->mismatches);
	json_totals(f, &counters, pc, &r->c);
	fprintf(f, ",\n  \"elapsed_ns\": %" PRIu64 "\n}\n",
		xfer_elapsed_ns(&r->xfer));
}

int main(int argc, char **argv)
{
	struct config cfg = {
		.api = API_SYSV, .receive = RECV_ANY,
		.count = 500, .size = 128, .types = 5,
	};
	struct queue_meta meta = { -1, -1, { 0, 0, 0, 0 } };
	struct counts pc;
	struct child_report *r;
	uint64_t *sent_by_type;
	struct sysv_msg *msg;
	int q, status = 0, failed = 0, killed = 0;
	pid_t ppid, cpid;
	FILE *out;

	parse_args(argc, argv, &cfg);
	prepare_paths(&cfg);
	out = open_out(cfg.run.out_path);

	memset(&pc, 0, sizeof(pc));
	msg = malloc(sizeof(*msg) + (size_t)cfg.size);
	sent_by_type = calloc((size_t)cfg.types + 1, sizeof(*sent_by_type));
	if (!msg || !sent_by_type) {
		sys_error("parent", "malloc");
		return 1;
	}

	r = map_shared_zeroed(sizeof(*r));
	if (!r)
		return 1;
	r->key = -1;
	r->msqid = -1;

	/*
	 * A child that died early leaves the parent blocked in a send that
	 * nobody will ever make room for: the SIGALRM kicks make that send
	 * fail with EINTR, and the send loop sees g_child_gone.
	 */
	install_common_handlers(KICK_CHILD, NULL);
	if (sleep_ms(cfg.run.start_delay_ms) < 0)
		return 1;

	q = create_queue(&cfg, &pc, &meta);
	if (q < 0) {
		remove_objects(1);
		return 1;
	}

	ppid = getpid();
	/* A receiver whose sender is gone would wait forever: if the parent
	 * dies (even by SIGKILL), so does the child. */
	cpid = fork_child(ppid, CHILD_PDEATHSIG | CHILD_QUIET);
	if (cpid < 0) {
		remove_objects(1);
		return 1;
	}
	if (cpid == 0)	/* _exit: no stdio flush, no atexit, no cleanup */
		_exit(child_run(&cfg, msg, q, r));

	if (parent_run(&cfg, msg, q, &pc, sent_by_type, &r->xfer) < 0) {
		failed = 1;
		/* The child would wait for the missing messages forever. */
		killed = kill_child(cpid);
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

	if (child_status(status, !killed) < 0) {
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

	print_json(out, &cfg, &meta, ppid, cpid, &pc, r, sent_by_type);
	free(sent_by_type);
	free(msg);
	return finish_output(out, failed);
}
