// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * launch.c - run a command and write its peak RSS, for bench.py.
 *
 * A process's ru_maxrss counts the memory of whatever it was before exec:
 * a child of Python (forked or vforked) starts at Python's own RSS, ~18 MB,
 * which would hide a tracer's. This launcher is small, so the command's
 * ru_maxrss (from wait4: the command and the children it reaped) is its own.
 * SIGINT, SIGTERM and SIGHUP are passed on to the command; the launcher
 * exits as the command did (same status, or killed by the same signal).
 *
 * Usage: launch RSS_FILE COMMAND [ARGS...]
 * RSS_FILE gets one line: "maxrss_kb N".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile pid_t child;

static void forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = forward };
	sigset_t stop, old;
	struct rusage ru;
	int status;
	FILE *f;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: launch RSS_FILE COMMAND [ARGS...]\n");
		return 2;
	}
	/* blocked until the handlers know the child: none is lost or fatal */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop, &old);
	sigemptyset(&sa.sa_mask);
	pid = fork();
	if (pid < 0) {
		perror("launch: fork");
		return 1;
	}
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		execvp(argv[2], argv + 2);
		fprintf(stderr, "launch: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	child = pid;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigprocmask(SIG_SETMASK, &old, NULL);
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("launch: wait4");
			return 1;
		}
	}
	f = fopen(argv[1], "w");
	if (!f || fprintf(f, "maxrss_kb %ld\n", ru.ru_maxrss) < 0 || fclose(f)) {
		perror("launch: writing the RSS file");
		return 1;
	}
	if (WIFSIGNALED(status)) {
		signal(WTERMSIG(status), SIG_DFL);
		sigprocmask(SIG_UNBLOCK, &stop, NULL);
		raise(WTERMSIG(status));
		return 128 + WTERMSIG(status);
	}
	return WEXITSTATUS(status);
}
