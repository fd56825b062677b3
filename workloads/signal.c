// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * signal.c - ground-truth signal workload for the ipcscope integration tests.
 *
 * A parent and a forked child exchange a known number of signals: SIGUSR1
 * round trips (kill + sigsuspend), a burst of SIGUSR1 into a child that has
 * it blocked (standard signals merge while pending), or a burst of queued
 * real-time signals (sigqueue, nothing merges).  Every send and every
 * handler invocation is counted, and the parent prints the counts as JSON at
 * the end, so a test can compare a kernel tracer's numbers with them
 * exactly.  Run with --help for details.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sched.h>
#include "harness.h"

const char workload_name[] = "signal";

#define COUNT_MAX	100000000ULL
#define POLL_NS		1000000L	/* flag poll interval: 1 ms */

enum mode { MODE_PINGPONG, MODE_BURST, MODE_RT };
static const char *const mode_name[] = { "pingpong", "burst", "rt" };
static const uint64_t default_count[] = { 100, 1000, 1000 };

struct config {
	enum mode mode;
	uint64_t count;
	int count_given;
	struct run_opts run;	/* --out, --start-delay */
	int sig;		/* the measured signal: SIGUSR1 or SIGRTMIN */
};

/* What one process did with the measured signal. */
struct counts {
	uint64_t sent, received, send_errors;
};

/* The JSON keys of struct counts, in order. */
COUNTER_KEYS(counters, struct counts,
	"sent", "received", "send_errors");

/*
 * MAP_SHARED|MAP_ANONYMOUS, made before the fork: the child's counts (they
 * survive even if it dies half-way) and the burst/rt hand-shake flags, so
 * that the only signals in flight are the measured ones.
 */
struct shared {
	struct counts child;
	uint64_t foreign;	/* child: handler calls not from the parent */
	uint64_t out_of_order;	/* child, rt: sequence number not the next */
	int child_ready;	/* burst/rt: measured signal blocked, waiting */
	int parent_done;	/* burst/rt: every signal has been sent */
};

/*
 * State the signal handlers need.  The measured handler's counters are
 * only read by the main code while the measured signal is blocked, so a
 * 64-bit counter never tears.
 */
static volatile uint64_t g_received;	/* measured handler invocations */
static volatile uint64_t g_valid;	/* of those, from the peer */
static volatile uint64_t g_foreign;	/* of those, from anybody else */
static volatile uint64_t g_out_of_order;
static volatile sig_atomic_t g_peer_pid;	/* who may send to us */
static volatile sig_atomic_t g_expect_code;	/* SI_USER or SI_QUEUE */
static volatile sig_atomic_t g_check_seq;	/* rt: check sival_int */

static void print_help(void)
{
	fputs(
"Usage: signal [--mode pingpong|burst|rt] [--count N] [--out FILE]\n"
"              [--start-delay MS] [--help]\n"
"\n"
"Ground-truth signal workload for ipcscope tests.  A parent and a forked\n"
"child send each other a known number of signals; every send and every\n"
"handler invocation of the measured signal is counted and reported as JSON\n"
"at the end.  The measured signal is blocked in both processes except where\n"
"said below, so that none is lost by accident.  The two processes never\n"
"signal each other for any other purpose: the burst/rt hand-shake uses flags\n"
"in a MAP_SHARED|MAP_ANONYMOUS region polled every 1 ms with nanosleep().\n"
"\n"
"Options (the value may also be given as --option=VALUE):\n"
"  --mode pingpong|burst|rt\n"
"                       pingpong (default): COUNT SIGUSR1 round trips.  The\n"
"                       parent kill()s the child; the child's handler counts\n"
"                       it and the child kill()s the parent back; each side\n"
"                       waits in sigsuspend(), the only place SIGUSR1 is\n"
"                       unblocked.  Each side sends COUNT and receives COUNT.\n"
"                       burst: standard signals can be lost.  The child has\n"
"                       SIGUSR1 blocked and says it is ready; the parent\n"
"                       kill()s it COUNT times as fast as it can, then says\n"
"                       it is done; the child then unblocks SIGUSR1.  Only\n"
"                       one is delivered: the others arrived while one was\n"
"                       already pending and were merged into it.\n"
"                       rt: like burst, but with SIGRTMIN sent by sigqueue()\n"
"                       with the sequence number 1..COUNT as sival_int.\n"
"                       Real-time signals are queued, not merged: the child\n"
"                       receives all COUNT and checks that they arrive in\n"
"                       order.  COUNT must not exceed RLIMIT_SIGPENDING\n"
"                       (ulimit -i); the limit is per user, so other pending\n"
"                       signals of the same user can still make a sigqueue()\n"
"                       fail with EAGAIN (counted in send_errors).\n"
"  --count N            round trips (pingpong, default 100) or signals sent\n"
"                       (burst and rt, default 1000), 1..100000000\n"
"  --out FILE           write the JSON to FILE (a regular file, created or\n"
"                       truncated) instead of stdout\n"
"  --start-delay MS     sleep MS milliseconds (0..600000, default 0) before\n"
"                       forking, so that a tracer can attach to the parent's\n"
"                       PID and then see the fork\n"
"  --help               print this text and exit\n"
"\n"
"Output: one JSON object, printed by the parent after the child has exited:\n"
"  workload, mode, count\n"
"              \"signal\" and the parameters of the run\n"
"  signal      the measured signal's number (SIGUSR1, or SIGRTMIN as this C\n"
"              library defines it)\n"
"  method      \"kill\" (pingpong, burst) or \"sigqueue\" (rt)\n"
"  processes   parent, then child: pid, role, sent (successful kill() or\n"
"              sigqueue() calls with the measured signal), received (handler\n"
"              invocations for the measured signal), send_errors (such calls\n"
"              that returned -1; the run then stops)\n"
"  totals      the same counters summed over both processes\n"
"  in_order    rt: the signals the child received came in sequence (each\n"
"              sival_int one more than the one before, from 1); null\n"
"              otherwise\n"
"  sigchld_expected\n"
"              1: the child's exit sends the parent one SIGCHLD (the parent\n"
"              catches it, SA_NOCLDSTOP) besides the measured signals\n"
"  sigchld_received\n"
"              SIGCHLD handler invocations in the parent (1 in a normal run)\n"
"  Nothing else is signalled in a normal run; the parent's own exit sends\n"
"  its parent (a shell, a tracer) a SIGCHLD that is not counted here.  On\n"
"  SIGINT, SIGTERM or SIGHUP the parent SIGKILLs and reaps the child; if the\n"
"  parent dies the child gets SIGKILL (PR_SET_PDEATHSIG); a pingpong parent\n"
"  that fails SIGKILLs the child, which would otherwise wait forever.\n"
"  Each handler checks si_pid and si_code: a measured signal from anybody\n"
"  but the other process (or not sent the mode's way) still counts as\n"
"  received, but fails the run.\n"
"\n"
"Exit status: 0 success; 1 a syscall failed, the child failed or the counts\n"
"are not what the mode guarantees (one line on stderr; the JSON is still\n"
"printed once the child has been started); 2 bad command line or --out;\n"
"128+N killed by signal N (after cleanup).\n",
	      stdout);
}

static void parse_args(int argc, char **argv, struct config *cfg)
{
	static const char *const opts[] = {
		"--mode", "--count", "--out", "--start-delay",
	};
	struct opt_iter it = OPT_ITER(argc, argv, opts, print_help, &cfg->run);
	const char *val, *name;

	while ((name = next_opt(&it, &val))) {
		if (!strcmp(name, "--mode")) {
			cfg->mode = parse_word(name, val, mode_name, 3,
					       "pingpong, burst or rt");
		} else {
			cfg->count = parse_num(name, val, 1, COUNT_MAX);
			cfg->count_given = 1;
		}
	}
	if (!cfg->count_given)
		cfg->count = default_count[cfg->mode];
}

/*
 * Queued real-time signals count against RLIMIT_SIGPENDING (the target's,
 * which the child inherits from us): more than that can never all be
 * pending at once, so refuse up front instead of failing half-way.
 */
static void check_sigpending_limit(const struct config *cfg)
{
	struct rlimit rl;

	if (cfg->mode != MODE_RT)
		return;
	if (getrlimit(RLIMIT_SIGPENDING, &rl) < 0)
		usage_error("getrlimit RLIMIT_SIGPENDING: %s", strerror(errno));
	if (rl.rlim_cur != RLIM_INFINITY && cfg->count > (uint64_t)rl.rlim_cur)
		usage_error("--count: %" PRIu64 " real-time signals cannot all be "
			    "pending at once: RLIMIT_SIGPENDING (ulimit -i) is %"
			    PRIu64 "; lower --count or raise the limit",
			    cfg->count, (uint64_t)rl.rlim_cur);
}

/* The measured signal; installed before the fork, so the child has it too. */
static void on_measured(int sig, siginfo_t *si, void *uctx)
{
	(void)sig;
	(void)uctx;
	g_received++;
	if (si->si_pid != g_peer_pid || si->si_code != g_expect_code) {
		g_foreign++;
		return;
	}
	g_valid++;
	if (g_check_seq && (uint64_t)si->si_value.sival_int != g_valid)
		g_out_of_order++;
}

/*
 * The common handlers (their SIGCHLD handler counts every SIGCHLD, and
 * believes an exit only if waitid() can see it), then the measured
 * signal's.
 */
static void install_handlers(const struct config *cfg)
{
	struct sigaction sa;

	install_common_handlers(WATCH_CHILD, NULL);

	/* The measured signal's handler runs with the signal itself blocked
	 * (no SA_NODEFER): one invocation at a time.  No SA_RESTART: a
	 * restarted syscall would show up twice in a tracer. */
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_sigaction = on_measured;
	sa.sa_flags = SA_SIGINFO;
	sigaction(cfg->sig, &sa, NULL);
}

/* Short sleep between two looks at a shared flag; EINTR just ends it. */
static void poll_sleep(void)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = POLL_NS };

	nanosleep(&ts, NULL);
}

static int flag_get(int *flag)
{
	return __atomic_load_n(flag, __ATOMIC_ACQUIRE);
}

static void flag_set(int *flag)
{
	__atomic_store_n(flag, 1, __ATOMIC_RELEASE);
}

/*
 * Child side.  Entered with the measured signal blocked (base mask); it is
 * unblocked only inside sigsuspend() (pingpong) or once, after the parent is
 * done (burst, rt).  Counts go into the shared mapping.
 */
static int child_run(const struct config *cfg, const sigset_t *base,
		     pid_t ppid, struct shared *sh)
{
	struct counts *c = &sh->child;
	sigset_t open_mask = *base;
	int ret = 0;

	sigdelset(&open_mask, cfg->sig);

	if (cfg->mode == MODE_PINGPONG) {
		/* the parent's first kill() waits for this: the round trips
		   (its marks) start with the child at its first wait */
		flag_set(&sh->child_ready);
		for (uint64_t i = 0; i < cfg->count; i++) {
			while (g_received == i)
				sigsuspend(&open_mask);
			c->received = g_received;
			if (kill(ppid, cfg->sig) < 0) {
				c->send_errors++;
				sys_error("child", "kill");
				ret = 1;
				break;
			}
			c->sent++;
		}
	} else {
		flag_set(&sh->child_ready);
		while (!flag_get(&sh->parent_done))
			poll_sleep();
		/* Every pending instance is delivered before this returns. */
		sigprocmask(SIG_SETMASK, &open_mask, NULL);
		sigprocmask(SIG_SETMASK, base, NULL);
	}
	c->received = g_received;
	sh->foreign = g_foreign;
	sh->out_of_order = g_out_of_order;
	return ret;
}

/* Parent side, burst and rt: COUNT sends into the blocked child. */
static int parent_burst(const struct config *cfg, pid_t cpid,
			struct shared *sh, struct counts *c)
{
	while (!flag_get(&sh->child_ready)) {
		if (g_child_gone) {
			fprintf(stderr, "signal: parent: child exited before it "
				"was ready\n");
			return -1;
		}
		poll_sleep();
	}
	for (uint64_t i = 0; i < cfg->count; i++) {
		int r;

		if (cfg->mode == MODE_RT) {
			union sigval v = { .sival_int = (int)(i + 1) };

			r = sigqueue(cpid, cfg->sig, v);
		} else {
			r = kill(cpid, cfg->sig);
		}
		if (r < 0) {
			c->send_errors++;
			sys_error("parent", cfg->mode == MODE_RT ? "sigqueue" :
				  "kill");
			break;
		}
		c->sent++;
	}
	/* Set even after an error: the child then takes what did arrive. */
	flag_set(&sh->parent_done);
	return c->send_errors ? -1 : 0;
}

/*
 * Parent side, pingpong.  SIGCHLD is blocked along with the measured signal
 * outside sigsuspend(), so a child's death cannot slip in between the check
 * and the wait.
 */
static int parent_pingpong(const struct config *cfg, pid_t cpid,
			   const sigset_t *base, struct shared *sh, struct counts *c)
{
	sigset_t wait_mask = *base, chld, old;
	struct xfer_time xt = { 0 };
	int ret = 0;

	sigdelset(&wait_mask, cfg->sig);
	sigdelset(&wait_mask, SIGCHLD);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);

	while (!flag_get(&sh->child_ready)) {
		if (g_child_gone) {
			fprintf(stderr, "signal: parent: child exited before it "
				"was ready\n");
			sigprocmask(SIG_SETMASK, &old, NULL);
			return -1;
		}
		sched_yield();
	}
	/* the round trips are the transfer: its USDT marks (explain) */
	xfer_start(&xt);
	for (uint64_t i = 0; i < cfg->count; i++) {
		if (kill(cpid, cfg->sig) < 0) {
			c->send_errors++;
			sys_error("parent", "kill");
			ret = -1;
			break;
		}
		c->sent++;
		while (g_received == i && !g_child_gone)
			sigsuspend(&wait_mask);
		c->received = g_received;
		if (g_received == i) {
			fprintf(stderr, "signal: parent: child exited after %"
				PRIu64 " of %" PRIu64 " round trips\n", i,
				cfg->count);
			ret = -1;
			break;
		}
	}
	xfer_end(&xt);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}

static void print_json(FILE *f, const struct config *cfg, pid_t ppid,
		       pid_t cpid, const struct counts *pc,
		       const struct counts *cc, const char *in_order,
		       int sigchld_received)
{
	fprintf(f, "{\n  \"workload\": \"signal\",\n  \"mode\": \"%s\",\n"
		"  \"count\": %" PRIu64 ",\n  \"signal\": %d,\n"
		"  \"method\": \"%s\",\n", mode_name[cfg->mode], cfg->count,
		cfg->sig, cfg->mode == MODE_RT ? "sigqueue" : "kill");
	json_processes(f, &counters, ppid, pc, cpid, cc);
	json_totals(f, &counters, pc, cc);
	fprintf(f, ",\n  \"in_order\": %s,\n  \"sigchld_expected\": 1,\n"
		"  \"sigchld_received\": %d\n}\n", in_order, sigchld_received);
}

/* The counts each mode guarantees, when nothing failed. */
static int check_counts(const struct config *cfg, const struct counts *pc,
			const struct counts *cc)
{
	uint64_t n = cfg->count;

	switch (cfg->mode) {
	case MODE_PINGPONG:
		if (pc->sent == n && pc->received == n && cc->sent == n &&
		    cc->received == n)
			return 0;
		fprintf(stderr, "signal: counts disagree (expected %" PRIu64
			" sent and received by each side)\n", n);
		return -1;
	case MODE_BURST:
		if (pc->sent == n && cc->received == 1 && pc->received == 0 &&
		    cc->sent == 0)
			return 0;
		fprintf(stderr, "signal: counts disagree (expected %" PRIu64
			" sent by the parent, merged into 1 received by the "
			"child)\n", n);
		return -1;
	case MODE_RT:
		break;
	}
	if (pc->sent == n && cc->received == n && pc->received == 0 &&
	    cc->sent == 0)
		return 0;
	fprintf(stderr, "signal: counts disagree (expected %" PRIu64
		" queued and received)\n", n);
	return -1;
}

int main(int argc, char **argv)
{
	struct config cfg = { .mode = MODE_PINGPONG };
	struct counts pc = { 0, 0, 0 }, cc;
	int status = 0, failed = 0, killed = 0;
	const char *in_order = "null";
	struct shared *sh;
	sigset_t measured, base;
	pid_t ppid, cpid;
	FILE *out;

	parse_args(argc, argv, &cfg);
	check_sigpending_limit(&cfg);
	cfg.sig = cfg.mode == MODE_RT ? SIGRTMIN : SIGUSR1;
	out = open_out(cfg.run.out_path);

	/* The child's counters and the hand-shake flags live here: no IPC
	 * and no extra signal needed to report them. */
	sh = map_shared_zeroed(sizeof(*sh));
	if (!sh)
		return 1;

	/* Blocked from here on in both processes (the child inherits it),
	 * so none can be delivered outside the places chosen for it. */
	sigemptyset(&measured);
	sigaddset(&measured, cfg.sig);
	sigprocmask(SIG_BLOCK, &measured, &base);
	sigaddset(&base, cfg.sig);
	g_expect_code = cfg.mode == MODE_RT ? SI_QUEUE : SI_USER;
	g_check_seq = cfg.mode == MODE_RT;
	install_handlers(&cfg);
	if (sleep_ms(cfg.run.start_delay_ms) < 0)
		return 1;

	/* The measured signal stays blocked across the fork: its handler
	 * never runs before g_peer_pid is set. */
	ppid = getpid();
	cpid = fork_child(ppid, CHILD_PDEATHSIG);
	if (cpid < 0)
		return 1;
	if (cpid == 0) {
		g_peer_pid = ppid;
		/* _exit: no stdio flush, no atexit. */
		_exit(child_run(&cfg, &base, ppid, sh));
	}
	g_peer_pid = cpid;

	if (cfg.mode == MODE_PINGPONG) {
		/* A child still waiting in sigsuspend() for a ping that will
		 * never come has to be killed (one more signal, on failure
		 * only).  In burst and rt the parent always sets parent_done. */
		if (parent_pingpong(&cfg, cpid, &base, sh, &pc) < 0) {
			failed = 1;
			killed = kill(cpid, SIGKILL) == 0;
		}
	} else if (parent_burst(&cfg, cpid, sh, &pc) < 0) {
		failed = 1;
	}
	/* Read while the measured signal is blocked: no torn counter. */
	pc.received = g_received;

	if (reap_child(cpid, &status) < 0)
		failed = 1;
	cc = sh->child;

	if (child_status(status, !killed) < 0) {
		failed = 1;
	} else if (!failed) {
		if (g_foreign || sh->foreign) {
			fprintf(stderr, "signal: %" PRIu64 " signal %d not from "
				"the peer process (or not sent by %s)\n",
				g_foreign + sh->foreign, cfg.sig,
				cfg.mode == MODE_RT ? "sigqueue" : "kill");
			failed = 1;
		}
		if (check_counts(&cfg, &pc, &cc) < 0)
			failed = 1;
	}
	if (cfg.mode == MODE_RT) {
		in_order = sh->out_of_order == 0 ? "true" : "false";
		if (sh->out_of_order && !failed) {
			fprintf(stderr, "signal: %" PRIu64 " real-time signals "
				"arrived out of order\n", sh->out_of_order);
			failed = 1;
		}
	}

	print_json(out, &cfg, ppid, cpid, &pc, &cc, in_order, g_sigchld_count);
	return finish_output(out, failed);
}
