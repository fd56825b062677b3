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
#include <sys/syscall.h>
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

#define MAX_TREE 4096	/* live processes looked at when stopping */

static int cmp_tgid(const void *pa, const void *pb)
{
	const struct ipc_proc_row *a = pa, *b = pb;

	return (a->tgid > b->tgid) - (a->tgid < b->tgid);
}

/* Whether live[i] descends from root, by the parents the processes had
 * when forked; memo: 0 unknown, 1 yes, 2 no. live is sorted by tgid. */
static bool descends(const struct ipc_proc_row *live, size_t n, unsigned char *memo,
		     size_t i, pid_t root)
{
	size_t path[64], depth = 0;
	bool yes = false;

	/* up the chain until root, a known answer, or a parent not live */
	for (;;) {
		const struct ipc_proc_row key = { .tgid = live[i].p.ppid }, *parent;

		if (memo[i]) {
			yes = memo[i] == 1;
			break;
		}
		if (depth < ARRAY_SIZE(path))
			path[depth++] = i;
		if (live[i].p.ppid == (uint32_t)root) {
			yes = true;
			break;
		}
		parent = bsearch(&key, live, n, sizeof(*live), cmp_tgid);
		if (!parent || parent == &live[i] || depth == ARRAY_SIZE(path))
			break;
		i = parent - live;
	}
	while (depth--)
		memo[path[depth]] = yes ? 1 : 2;
	return yes;
}

/* The command's live descendants, moved to the front of live[]; how many */
static size_t descendants(struct ipc_proc_row *live, size_t n, pid_t root)
{
	unsigned char *memo = calloc(n ? n : 1, 1);
	size_t found = 0;

	if (!memo)
		return 0;
	qsort(live, n, sizeof(*live), cmp_tgid);
	for (size_t i = 0; i < n; i++)
		descends(live, n, memo, i, root);
	/* kept in place: found <= i, and memo is by the old places */
	for (size_t i = 0; i < n; i++)
		if (memo[i] == 1 && live[i].tgid != (uint32_t)root)
			live[found++] = live[i];
	free(memo);
	return found;
}

/*
 * Signal a traced process, and only it: the pidfd pins a process, and its
 * record, still live after the pidfd was opened, says the pid had not been
 * reused by then. false if it is gone.
 */
static bool signal_proc(struct session *s, const struct ipc_proc_row *r, int sig)
{
	int fd = syscall(SYS_pidfd_open, r->tgid, 0);
	bool sent = false;

	if (fd < 0)
		return false;
	if (session_proc_live(s, r->tgid, r->start))
		sent = syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) == 0;
	debugf("signal %d to %u: %s\n", sig, r->tgid, sent ? "sent" : "gone");
	close(fd);
	return sent;
}

static size_t signal_tree(struct session *s, const struct ipc_proc_row *tree,
			  size_t n, int sig)
{
	size_t sent = 0;

	for (size_t i = 0; i < n; i++)
		sent += signal_proc(s, &tree[i], sig);
	return sent;
}

/* "123 sleep, 124 sh" */
static void tree_text(char *buf, size_t len, const struct ipc_proc_row *tree, size_t n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++) {
		char comm[IPC_COMM_LEN];

		text_clean(comm, sizeof(comm), tree[i].p.comm, sizeof(tree[i].p.comm));
		used += snprintf(buf + used, len - used, "%s%u %s", i ? ", " : "",
				 tree[i].tgid, comm);
	}
}

/* Waits up to the grace period for the command to be reaped (tree NULL),
 * or for the processes of tree to have exited */
static void wait_gone(struct session *s, struct child *c,
		      const struct ipc_proc_row *tree, size_t n)
{
	uint64_t deadline = monotonic_ns() + CHILD_GRACE_NS;

	for (;;) {
		struct timespec ts = { 0, 10 * 1000000 };
		size_t alive = 0;

		if (!tree) {
			reap(c, WNOHANG);
			alive = c->running;
		}
		for (size_t i = 0; i < n; i++)
			alive += session_proc_live(s, tree[i].tgid, tree[i].start);
		if (!alive || monotonic_ns() >= deadline)
			return;
		nanosleep(&ts, NULL);
	}
}

void stop_tree(struct session *s, struct child *c)
{
	static struct ipc_proc_row live[MAX_TREE];
	bool ours;		/* we stop it, rather than it ended */
	size_t n = 0;
	char who[512];

	if (!c->pid || c->tree_done)
		return;
	c->tree_done = true;
	reap(c, WNOHANG);	/* ended by itself, and not yet reaped? */
	ours = c->running;
	if (s && !session_detached(s))
		n = descendants(live, session_live_procs(s, live, MAX_TREE), c->pid);
	debugf("the command %d %s, with %zu live descendants\n", c->pid,
	       ours ? "is stopped" : "ended", n);
	if (!ours) {
		/* it ended by itself: what it started is the user's to keep,
		   but not traced after this */
		if (n) {
			tree_text(who, sizeof(who), live, n);
			errorf("warning: the command left %zu process%s running, no "
			       "longer traced: %s", n, n == 1 ? "" : "es", who);
		}
		return;
	}
	/* the command first: a supervisor (nginx, a shell) stops its own
	   children its own way; what it leaves behind gets the same after */
	kill(c->pid, SIGTERM);
	wait_gone(s, c, NULL, 0);
	if (c->running) {
		kill(c->pid, SIGKILL);
		reap(c, 0);
	}
	if (signal_tree(s, live, n, SIGTERM)) {
		wait_gone(s, c, live, n);
		signal_tree(s, live, n, SIGKILL);
	}
}


