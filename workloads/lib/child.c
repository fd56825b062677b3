// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * child.c - the workload's one forked child: starting it, watching it,
 * reaping it, and the memory and clock it shares with the parent; see
 * harness.h.
 */
#define _GNU_SOURCE
#include "harness.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <sys/sdt.h>

volatile sig_atomic_t g_child_pid;
volatile sig_atomic_t g_child_gone;
volatile sig_atomic_t g_child_failed;

pid_t fork_child(pid_t ppid, int flags)
{
	sigset_t old;
	pid_t pid;

	block_handled_signals(&old);
	pid = fork();
	if (pid < 0) {
		sys_error("parent", "fork");
	} else if (pid == 0) {
		restore_default_handlers();
		if (g_child_cpu >= 0) {
			cpu_set_t set;

			CPU_ZERO(&set);
			CPU_SET(g_child_cpu, &set);
			if (sched_setaffinity(0, sizeof(set), &set) < 0) {
				sys_error("child", "sched_setaffinity");
				_exit(1);
			}
		}
		/* Nobody would ever tell an orphan that its parent is gone:
		 * a child waiting for it would wait for ever. */
		if (flags & CHILD_PDEATHSIG) {
			if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) {
				if (!(flags & CHILD_QUIET))
					sys_error("child",
						  "prctl PR_SET_PDEATHSIG");
				_exit(1);
			}
			if (getppid() != ppid)
				_exit(1);	/* it died before the prctl */
		}
	} else {
		g_child_pid = pid;
		/* From here the parent may wait on the child: a failed one
		 * can start the kicks (signals.c). */
		g_in_loop = 1;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return pid;
}

/* Waits without reaping first, so the handler can never kill a reused pid. */
int reap_child(pid_t pid, int *status)
{
	siginfo_t info;

	while (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT) < 0) {
		if (errno != EINTR) {
			sys_error("parent", "waitid");
			return -1;
		}
	}
	g_child_pid = 0;
	while (waitpid(pid, status, 0) < 0) {
		if (errno != EINTR) {
			sys_error("parent", "waitpid");
			return -1;
		}
	}
	return 0;
}

int child_status(int status, int say_killed)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		return -1;	/* the child already said why */
	if (WIFSIGNALED(status)) {
		if (say_killed)
			fprintf(stderr, "%s: child killed by signal %d\n",
				workload_name, WTERMSIG(status));
		return -1;
	}
	return 0;
}

int kill_child(pid_t pid)
{
	if (g_child_gone)
		return 0;
	kill(pid, SIGKILL);
	return 1;
}

void kill_and_reap_child(void)
{
	pid_t child = g_child_pid;

	if (child > 0) {
		kill(child, SIGKILL);
		/* Reap it so it is gone by the time our exit is observed. */
		waitpid(child, NULL, 0);
	}
}

/* Shared memory rather than a pipe: no IPC syscall is needed to report the
 * counts, and they survive even if the child dies half-way. */
void *map_shared_zeroed(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		sys_error("parent", "mmap");
		return NULL;
	}
	memset(p, 0, size);
	return p;
}

int sleep_ms(uint64_t ms)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ms / 1000),
		.tv_nsec = (long)(ms % 1000) * 1000000L,
	};

	if (!ms)
		return 0;
	while (nanosleep(&ts, &ts) < 0) {
		if (errno != EINTR) {
			sys_error("parent", "nanosleep");
			return -1;
		}
	}
	return 0;
}

void xfer_receiver_ready(struct xfer_time *t)
{
	sleep_ms(g_ready_delay_ms);
	__atomic_store_n(&t->receiver_ready, 1, __ATOMIC_RELEASE);
}

int xfer_wait_receiver(struct xfer_time *t, int receiver_is_child)
{
	pid_t parent = getppid();

	while (!__atomic_load_n(&t->receiver_ready, __ATOMIC_ACQUIRE)) {
		if (receiver_is_child ? g_child_gone : getppid() != parent)
			return -1;
		sched_yield();
	}
	return 0;
}

void xfer_start(struct xfer_time *t)
{
	DTRACE_PROBE(ipcscope, transfer_start);
	t->start_ns = monotonic_ns();
}

void xfer_end(struct xfer_time *t)
{
	t->end_ns = monotonic_ns();
	DTRACE_PROBE(ipcscope, transfer_end);
}

uint64_t xfer_elapsed_ns(const struct xfer_time *t)
{
	if (!t->start_ns || !t->end_ns || t->end_ns < t->start_ns)
		return 0;
	return t->end_ns - t->start_ns;
}
