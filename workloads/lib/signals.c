// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * signals.c - the workloads' signal handlers: termination, the child's
 * exit and the SIGALRM kick; see harness.h.
 */
#define _GNU_SOURCE
#include "harness.h"

#include <errno.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

volatile sig_atomic_t g_sigchld_count;
volatile sig_atomic_t g_in_loop;
static volatile sig_atomic_t g_timer_armed;

/* What install_common_handlers() set up, for the SIGCHLD handler and for
 * restore_default_handlers(). */
static int g_flags;
static void (*g_on_exit)(int failed);
static sigset_t g_caught;	/* signals with a handler of ours */

void on_term_signal(int sig)
{
	/* The child first, so that it never sees its objects vanish (and
	 * reaped, so it is gone by the time our exit is observed). */
	kill_and_reap_child();
	remove_objects(0);
	_exit(128 + sig);
}

/* Arms the periodic SIGALRM once, if in the loop.  Async-signal-safe. */
static void start_kicking(void)
{
	if (g_in_loop && !g_timer_armed) {
		struct itimerval it = {
			.it_interval = { 0, KICK_US }, .it_value = { 0, KICK_US },
		};

		if (setitimer(ITIMER_REAL, &it, NULL) == 0)
			g_timer_armed = 1;
	}
}

/* Its only job is to interrupt a blocked call. */
static void on_sigalrm(int sig)
{
	(void)sig;
}

/* Only believe an exit we can see (a stray SIGCHLD could be sent by
 * anyone); WNOWAIT leaves the reaping to reap_child(). */
static int child_exit_seen(siginfo_t *info)
{
	pid_t child = g_child_pid;

	memset(info, 0, sizeof(*info));
	return child > 0 && waitid(P_PID, (id_t)child, info,
				   WEXITED | WNOHANG | WNOWAIT) == 0 &&
	       info->si_pid == child;
}

/*
 * A child that exited 0 has done all it had to, so nothing can be waiting
 * on it.  One that failed may leave the parent blocked for good: the
 * workload's on_exit unblocks what it can, and with KICK_CHILD a periodic
 * SIGALRM (no SA_RESTART) makes the blocked call fail with EINTR, so that
 * the parent's loop sees g_child_failed.  A normal run sees no SIGALRM.
 */
static void on_sigchld(int sig)
{
	int saved = errno, failed;
	siginfo_t info;

	(void)sig;
	g_sigchld_count++;
	if (!child_exit_seen(&info))
		goto out;
	failed = !(info.si_code == CLD_EXITED && info.si_status == 0);
	g_child_gone = 1;
	if (failed)
		g_child_failed = 1;
	if (failed && (g_flags & KICK_CHILD))
		start_kicking();
	if (g_on_exit)
		g_on_exit(failed);
out:
	errno = saved;
}

/* With the termination signals (and the others handled) blocked. */
static void handle(int sig, void (*fn)(int), int flags, int with_chld)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaddset(&sa.sa_mask, SIGHUP);
	if (with_chld)
		sigaddset(&sa.sa_mask, SIGCHLD);
	if (with_chld && (g_flags & KICK_CHILD))
		sigaddset(&sa.sa_mask, SIGALRM);
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigaction(sig, &sa, NULL);
	sigaddset(&g_caught, sig);
}

void install_common_handlers(int flags, void (*on_exit)(int failed))
{
	int chld = flags & (WATCH_CHILD | KICK_CHILD);
	struct sigaction sa;

	g_flags = flags;
	g_on_exit = on_exit;
	sigemptyset(&g_caught);
	handle(SIGINT, on_term_signal, 0, chld);
	handle(SIGTERM, on_term_signal, 0, chld);
	handle(SIGHUP, on_term_signal, 0, chld);
	/*
	 * No SA_RESTART: a restarted syscall would show up twice in a tracer
	 * but once here; without it we see (and count) every EINTR.
	 */
	if (flags & KICK_CHILD)
		handle(SIGALRM, on_sigalrm, 0, chld);
	/* SA_NOCLDSTOP: only the child's exit sends SIGCHLD. */
	if (chld)
		handle(SIGCHLD, on_sigchld, SA_NOCLDSTOP, chld);

	/* A dead peer or a closed stdout should be an EPIPE we report, not a
	 * silent death. */
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

void install_handler(int sig, void (*fn)(int))
{
	handle(sig, fn, 0, 0);
}

void restore_default_handlers(void)
{
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(&g_caught, sig) == 1)
			signal(sig, SIG_DFL);
}

/* SIGCHLD too, where it is handled: its handler needs g_child_pid, which
 * is set after fork. */
void block_handled_signals(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigismember(&g_caught, SIGCHLD) == 1)
		sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, old);
}

void leave_loop(void)
{
	g_in_loop = 0;
	/* From here on the handler arms nothing, so this read is final. */
	if (g_timer_armed) {
		struct itimerval off;

		memset(&off, 0, sizeof(off));
		setitimer(ITIMER_REAL, &off, NULL);
		g_timer_armed = 0;
	}
}
