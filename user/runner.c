// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * runner.c - running a command under tracing: the privilege check, whether
 * the command can be executed, starting it so that it is a target from its
 * first instruction, reaping it, and stopping it. Shared by record and
 * validate.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "runner.h"
#include "util.h"

#define CHILD_GRACE_NS	(2 * 1000000000ULL)

/* CapEff has CAP_SYS_ADMIN (21), or both CAP_PERFMON (38) and CAP_BPF (39). */
bool have_bpf_caps(void)
{
	unsigned long long eff = 0;
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");
	bool found = false;

	if (!f)
		return geteuid() == 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1) {
			found = true;
			break;
		}
	fclose(f);
	if (!found)
		return geteuid() == 0;
	return (eff & (1ULL << 21)) || ((eff & (1ULL << 38)) && (eff & (1ULL << 39)));
}

/* Like execvp's search: is there something we can execute? */
int check_executable(const char *file)
{
	const char *path = getenv("PATH");
	char buf[4096];

	if (strchr(file, '/')) {
		struct stat st;

		if (access(file, X_OK))
			return -errno;
		/* a directory has its x bit too: execve would say EACCES */
		return stat(file, &st) == 0 && S_ISDIR(st.st_mode) ? -EISDIR : 0;
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		const char *end = strchrnul(path, ':');
		struct stat st;

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)(end - path),
			 end == path ? "." : path, file);
		if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(buf, X_OK) == 0)
			return 0;
		path = *end ? end + 1 : end;
	}
	return -ENOENT;
}

/*
 * Fork the command. The child makes itself a target (the map fd survives
 * fork) before it execs, so nothing it does after exec is missed; an exec
 * failure comes back through a close-on-exec pipe.
 */
int start_command(struct session *s, char **argv,
			 const sigset_t *orig_mask, struct child *c)
{
	int errpipe[2], child_errno = 0;
	pid_t parent = getpid();
	ssize_t n;

	if (pipe2(errpipe, O_CLOEXEC))
		return -errno;
	c->pid = fork();
	if (c->pid < 0) {
		int err = -errno;

		close(errpipe[0]);
		close(errpipe[1]);
		return err;
	}
	if (c->pid == 0) {
		__u32 self = getpid();
		__u8 one = 1;
		int err;

		close(errpipe[0]);
		sigprocmask(SIG_SETMASK, orig_mask, NULL);
		/*
		 * It dies with us: killed (SIGKILL leaves no time to stop
		 * it), ipcscope would leave it running, reparented to init.
		 * SIGTERM, as stop_command sends, so that it can clean up.
		 * (If we died before this line, getppid() says so.)
		 */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) || getppid() != parent)
			_exit(127);
		if (s && bpf_map_update_elem(session_targets_fd(s), &self, &one,
					     BPF_ANY))
			err = errno;
		else {
			execvp(argv[0], argv);
			err = errno;
		}
		if (write(errpipe[1], &err, sizeof(err)) < 0)
			_exit(127);
		_exit(127);
	}
	close(errpipe[1]);
	do
		n = read(errpipe[0], &child_errno, sizeof(child_errno));
	while (n < 0 && errno == EINTR);
	close(errpipe[0]);
	c->running = true;
	c->exit_code = -1;
	if (n == sizeof(child_errno)) {
		waitpid(c->pid, NULL, 0);
		c->running = false;
		errorf("cannot execute '%s': %s", argv[0], strerror(child_errno));
		return -child_errno;
	}
	return 0;
}

void reap(struct child *c, int options)
{
	int status;

	if (!c->running || waitpid(c->pid, &status, options) != c->pid)
		return;
	if (WIFEXITED(status)) {
		c->exit_code = WEXITSTATUS(status);
		c->running = false;
	} else if (WIFSIGNALED(status)) {
		c->signal = WTERMSIG(status);
		c->running = false;
	}
}

/* A command still running when tracing stops gets SIGTERM, then SIGKILL. */
void stop_command(struct child *c)
{
	uint64_t deadline;

	if (!c->running)
		return;
	kill(c->pid, SIGTERM);
	deadline = monotonic_ns() + CHILD_GRACE_NS;
	while (c->running && monotonic_ns() < deadline) {
		struct timespec ts = { 0, 10 * 1000000 };

		nanosleep(&ts, NULL);
		reap(c, WNOHANG);
	}
	if (c->running) {
		kill(c->pid, SIGKILL);
		reap(c, 0);
	}
}

