// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * props.c - qualitative properties of pipes and SysV message queues, shown
 * with plain syscalls, for ipcscope to confirm from the syscalls it sees.
 *
 * Each run does one experiment (--prop): a pipe's capacity, a writer
 * blocking on a full pipe, message boundaries lost in a pipe but kept in a
 * message queue, and the one-way direction of a pipe.  The parent prints
 * what was done and observed as JSON at the end.  Run with --help.  The
 * experiments are in props/pipe.c and props/msgq.c.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "props/props.h"

const char workload_name[] = "props";

enum prop {
	P_NONE, P_PIPE_CAPACITY, P_PIPE_BLOCKING, P_PIPE_BOUNDARIES,
	P_MSGQ_BOUNDARIES, P_PIPE_DIRECTION, P_MSGQ_DIRECTION,
};
static const char *const prop_name[] = {
	"", "pipe-capacity", "pipe-blocking", "pipe-boundaries",
	"msgq-boundaries", "pipe-direction", "msgq-direction",
};
#define NPROPS	(sizeof(prop_name) / sizeof(prop_name[0]))

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

static enum prop parse_args(int argc, char **argv, struct run_opts *run)
{
	static const char *const opts[] = { "--prop", "--out" };
	struct opt_iter it = OPT_ITER(argc, argv, opts, print_help, run);
	enum prop prop = P_NONE;
	const char *val, *name;

	/* --prop is the only option left */
	while ((name = next_opt(&it, &val)))
		prop = 1 + parse_word(name, val, prop_name + 1, NPROPS - 1,
				      "pipe-capacity, pipe-blocking, "
				      "pipe-boundaries, msgq-boundaries, "
				      "pipe-direction or msgq-direction");
	if (prop == P_NONE)
		usage_error("--prop is required (try --help)");
	return prop;
}

/* The handled signals are blocked across the fork, so that the child
 * never runs the parent's handler and the parent knows the child's pid
 * before a handler can run. */
pid_t start_child(void)
{
	return fork_child(0, 0);
}

int finish_child(pid_t pid)
{
	int status = 0;

	if (reap_child(pid, &status) < 0)
		return -1;
	return child_status(status, 1);
}

int wait_go(struct shared *sh, pid_t parent)
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

void set_go(struct shared *sh, int go)
{
	__atomic_store_n(&sh->go, go, __ATOMIC_RELEASE);
}

int main(int argc, char **argv)
{
	struct run_opts run = { 0 };
	struct shared *sh = NULL;
	enum prop prop;
	int failed = 0;
	FILE *out;

	prop = parse_args(argc, argv, &run);
	out = open_out(run.out_path);

	if (prop == P_PIPE_BLOCKING || prop == P_PIPE_BOUNDARIES ||
	    prop == P_MSGQ_BOUNDARIES || prop == P_MSGQ_DIRECTION) {
		sh = map_shared_zeroed(sizeof(*sh));
		if (!sh)
			return 1;
	}
	install_common_handlers(0, NULL);

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
	return finish_output(out, failed);
}
