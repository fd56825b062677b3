// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * runner.c - running a command under tracing: the privilege check, whether
 * the command can be executed, starting it so that it is a target from its
 * first instruction, reaping it, and stopping it with what it started.
 * Shared by record, trace, top and validate.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdint.h>
#include <fcntl.h>
#include <sched.h>
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

int check_executable(const char *file)
{
	char found[4096];

	return find_executable(file, found, sizeof(found));
}

int find_executable(const char *file, char *buf, size_t len)
{
	const char *path = getenv("PATH");

	if (strchr(file, '/')) {
		struct stat st;

		if (access(file, X_OK))
			return -errno;
		/* a directory has its x bit too: execve would say EACCES */
		if (stat(file, &st) == 0 && S_ISDIR(st.st_mode))
			return -EISDIR;
		return (size_t)snprintf(buf, len, "%s", file) < len ? 0 : -ENAMETOOLONG;
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		const char *end = strchrnul(path, ':');
		struct stat st;

		snprintf(buf, len, "%.*s/%s", (int)(end - path),
			 end == path ? "." : path, file);
		if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(buf, X_OK) == 0)
			return 0;
		path = *end ? end + 1 : end;
	}
	return -ENOENT;
}

/* the child's error was becoming the user (-u), not exec */
#define CHILD_ERR_USER	0x10000

int child_as_user(struct child *c, const char *user)
{
	struct passwd *pw = getpwnam(user);
	char *end;
	unsigned long id;

	if (!pw && user[0] >= '0' && user[0] <= '9') {
		errno = 0;
		id = strtoul(user, &end, 10);
		if (!*end && !errno && id <= UINT32_MAX)
			pw = getpwuid((uid_t)id);
	}
	if (!pw) {
		char clean[64];

		text_clean(clean, sizeof(clean), user, strlen(user));
		errorf("-u: no user '%s' (a name or a uid in the password database)", clean);
		return -1;
	}
	if (strlen(pw->pw_name) >= sizeof(c->user)) {
		errorf("-u: the user name '%.60s...' is too long", pw->pw_name);
		return -1;
	}
	c->as_user = true;
	c->uid = pw->pw_uid;
	c->gid = pw->pw_gid;
	snprintf(c->user, sizeof(c->user), "%s", pw->pw_name);
	return 0;
}

/*
 * Fork the command; an exec failure comes back through a close-on-exec
 * pipe. The kernel makes it a target at its exec (ipc_exec: a child of
 * ipcscope that execs, with a session open): no bpf() call here, as one
 * preempted on 7.x makes the kernel skip the classic tracepoints'
 * programs on its CPU (the context switches of whoever runs there).
 */
int start_command(char **argv, const sigset_t *orig_mask, struct child *c)
{
	int errpipe[2], child_errno = 0;
	pid_t parent = getpid();
	ssize_t n;

	/* what the command starts and leaves behind comes to us, not to
	   init, for stop_tree to find */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1))
		debugf("PR_SET_CHILD_SUBREAPER: %s\n", strerror(errno));
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
		if (c->as_user && (initgroups(c->user, c->gid) || setgid(c->gid) ||
					  setuid(c->uid))) {
			err = errno | CHILD_ERR_USER;
		} else {
			/* a change of user clears the death signal: again */
			if (c->as_user && (prctl(PR_SET_PDEATHSIG, SIGTERM) ||
					   getppid() != parent))
				_exit(127);
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
		if (child_errno & CHILD_ERR_USER) {
			child_errno &= ~CHILD_ERR_USER;
			errorf("cannot run '%s' as user %s: %s", argv[0], c->user,
			       strerror(child_errno));
		} else {
			errorf("cannot execute '%s': %s", argv[0], strerror(child_errno));
		}
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

/*
 * What the command started and left behind. ipcscope is their subreaper
 * (start_command): a process of the command's tree whose parent exits is
 * reparented to ipcscope, not to init, so the tree is found from
 * ipcscope's own children down, through /proc/PID/task/TID/children
 * (no bpf() call: reading maps while the programs are attached costs
 * skipped runs on some kernels).
 */
#define MAX_TREE 4096

struct tree {
	pid_t pid[MAX_TREE];
	pid_t ppid[MAX_TREE];	/* the parent it was found under */
	size_t n;
};

/* Appends pid's children (of all its threads) to t */
static void tree_children(struct tree *t, pid_t pid)
{
	char path[64], buf[4096];
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return;
	while ((d = readdir(dir)) && t->n < MAX_TREE) {
		char *p, *end;
		ssize_t len;
		int fd;

		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%.16s/children", pid,
			 d->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		len = read(fd, buf, sizeof(buf) - 1);	/* the first 4 KiB */
		close(fd);
		if (len <= 0)
			continue;
		buf[len] = '\0';
		for (p = buf; t->n < MAX_TREE; p = end) {
			long child = strtol(p, &end, 10);

			if (end == p)
				break;
			if (child > 0) {
				t->pid[t->n] = child;
				t->ppid[t->n++] = pid;
			}
		}
	}
	closedir(dir);
}

/* ipcscope's descendants, parents before children; without exclude */
static void tree_collect(struct tree *t, pid_t exclude)
{
	t->n = 0;
	tree_children(t, getpid());
	for (size_t i = 0; i < t->n; i++)
		tree_children(t, t->pid[i]);
	for (size_t i = 0; i < t->n; i++)
		if (t->pid[i] == exclude) {
			t->pid[i] = 0;
		}
}

int proc_stat(pid_t pid, struct proc_stat *st)
{
	char path[64], buf[1024], *p, *tok, *save = NULL;
	ssize_t n;
	int fd, field = 2;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')');	/* the name may hold anything, ')' too */
	if (!p)
		return -1;
	for (tok = strtok_r(p + 1, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		switch (++field) {
		case 3:
			st->state = tok[0];
			break;
		case 4:
			st->ppid = (pid_t)strtol(tok, NULL, 10);
			break;
		case 22:
			st->start = strtoull(tok, NULL, 10);
			return 0;
		}
	}
	return -1;
}

/* The parent /proc/PID/stat gives (0: gone), and whether it is a zombie */
static pid_t parent_of(pid_t pid, bool *zombie)
{
	struct proc_stat st;

	if (proc_stat(pid, &st))
		return 0;
	*zombie = st.state == 'Z';
	return st.ppid;
}

/*
 * Signal the process found at t[i], and only it: the pidfd pins a process,
 * and its parent, still the one it was found under after the pidfd was
 * opened, says the pid was not reused (a pid is reused only once its
 * process has been reaped by that parent). Returns whether it was sent.
 */
static bool tree_signal(const struct tree *t, size_t i, int sig)
{
	bool zombie = false, sent = false;
	int fd;

	if (!t->pid[i])
		return false;
	fd = syscall(SYS_pidfd_open, t->pid[i], 0);
	if (fd < 0)
		return false;
	if (parent_of(t->pid[i], &zombie) == t->ppid[i] && !zombie)
		sent = syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) == 0;
	close(fd);
	debugf("signal %d to %d: %s\n", sig, t->pid[i], sent ? "sent" : "gone");
	return sent;
}

/* Reap what of ipcscope's children has exited (the tree's orphans) */
static void reap_orphans(pid_t command)
{
	siginfo_t si;

	for (;;) {
		si.si_pid = 0;
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) || !si.si_pid ||
		    si.si_pid == command)
			return;
		waitpid(si.si_pid, NULL, WNOHANG);
	}
}

/* "123 sleep, 124 sh" for a warning */
static void tree_text(char *buf, size_t len, const struct tree *t)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < t->n && used < len; i++) {
		char path[64], raw[IPC_COMM_LEN] = "", comm[IPC_COMM_LEN];
		ssize_t got = 0;
		int fd;

		if (!t->pid[i])
			continue;
		snprintf(path, sizeof(path), "/proc/%d/comm", t->pid[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			got = read(fd, raw, sizeof(raw) - 1);
			close(fd);
		}
		raw[got > 0 ? got : 0] = '\0';
		raw[strcspn(raw, "\n")] = '\0';
		text_clean(comm, sizeof(comm), raw, strlen(raw));
		used += snprintf(buf + used, len - used, "%s%d %s", used ? ", " : "",
				 t->pid[i], comm);
	}
}

/* How many of t are alive (not zombies) */
static size_t tree_live(const struct tree *t)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n; i++) {
		bool zombie = false;

		if (t->pid[i] && parent_of(t->pid[i], &zombie) && !zombie)
			n++;
	}
	return n;
}

/* The command (a supervisor stops its own children its own way) */
static void stop_command(struct child *c)
{
	uint64_t deadline;

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

void stop_tree(struct child *c)
{
	static struct tree t;
	uint64_t deadline;
	char who[512];
	bool ours;

	if (!c->pid || c->tree_done)
		return;
	c->tree_done = true;
	reap(c, WNOHANG);	/* ended by itself, and not yet reaped? */
	ours = c->running;
	if (ours)
		stop_command(c);
	reap_orphans(c->pid);
	tree_collect(&t, c->pid);
	if (!ours) {
		/* it ended by itself: what it started is the user's to keep,
		   but not traced after this */
		if (tree_live(&t)) {
			tree_text(who, sizeof(who), &t);
			errorf("warning: the command left %zu process%s running, no "
			       "longer traced: %s", tree_live(&t),
			       tree_live(&t) == 1 ? "" : "es", who);
		}
		return;
	}
	/* what the command left behind: the same, SIGTERM then SIGKILL. The
	   tree is looked at afresh each time: a process whose parent exits
	   comes to us, and a dying one may start another */
	for (int sig = SIGTERM; sig; sig = sig == SIGTERM ? SIGKILL : 0) {
		for (size_t i = 0; i < t.n; i++)
			tree_signal(&t, i, sig);
		deadline = monotonic_ns() + CHILD_GRACE_NS;
		for (;;) {
			struct timespec ts = { 0, 10 * 1000000 };

			reap_orphans(c->pid);
			tree_collect(&t, c->pid);
			if (!tree_live(&t))
				return;
			if (monotonic_ns() >= deadline)
				break;
			nanosleep(&ts, NULL);
		}
	}
}

int find_beside_exe(char *buf, size_t len, const char *const rels[])
{
	int err = -ENOENT;

	for (size_t i = 0; rels[i]; i++) {
		err = beside_exe(buf, len, rels[i]);
		if (!err && access(buf, F_OK) == 0)
			return 0;
		if (!err)
			err = -ENOENT;
	}
	return err;
}

int beside_exe(char *buf, size_t len, const char *rel)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n < 0)
		return -errno;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return -ENOENT;
	*slash = '\0';
	if ((size_t)snprintf(buf, len, "%s/%s", exe, rel) >= len)
		return -ENAMETOOLONG;
	return 0;
}

/* Where a bundled workload is: the build tree's build/workloads/, or make
 * install's libexec; IPCSCOPE_WORKLOADS names another directory. -1 if
 * it is not found. */
int workload_path(const char *workload, char *exe)
{
	const char *dir = getenv("IPCSCOPE_WORKLOADS");
	char rel[2][64];

	if (dir && *dir)
		return (size_t)snprintf(exe, PATH_MAX, "%s/%s", dir, workload) >= PATH_MAX ?
		       -1 : 0;
	snprintf(rel[0], sizeof(rel[0]), "workloads/%s", workload);
	snprintf(rel[1], sizeof(rel[1]), "../libexec/ipcscope/%s", workload);
	return find_beside_exe(exe, PATH_MAX, (const char *const[]){ rel[0], rel[1], NULL });
}

void placement_cpus(int cpus[2])
{
	cpu_set_t set;
	int k = 0;

	cpus[0] = 0;
	cpus[1] = -1;
	if (sched_getaffinity(0, sizeof(set), &set))
		return;
	for (int c = 0; c < CPU_SETSIZE && k < 2; c++)
		if (CPU_ISSET(c, &set))
			cpus[k++] = c;
}

/* What an interruption stops and removes (catch_stop_signals). Only
 * async-signal-safe calls in the handler. */
static volatile pid_t g_stop_child;
static char g_stop_file[PATH_MAX], g_stop_dir[PATH_MAX];
static char g_stop_files[STOP_FILES][PATH_MAX];

static void on_stop_signal(int sig)
{
	pid_t pid = g_stop_child;

	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
	if (g_stop_file[0])
		unlink(g_stop_file);
	for (int i = 0; i < STOP_FILES; i++)
		if (g_stop_files[i][0])
			unlink(g_stop_files[i]);
	if (g_stop_dir[0])
		rmdir(g_stop_dir);
	_exit(128 + sig);
}

void stop_signals_child(pid_t pid)
{
	g_stop_child = pid;
}

void stop_signals_file(const char *path)
{
	snprintf(g_stop_file, sizeof(g_stop_file), "%s", path ? path : "");
}

void catch_stop_signals(const char *tmpdir, const char *const files[], size_t n)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };

	snprintf(g_stop_dir, sizeof(g_stop_dir), "%s", tmpdir);
	for (size_t i = 0; i < STOP_FILES; i++)
		snprintf(g_stop_files[i], sizeof(g_stop_files[i]), "%s",
			 i < n && files[i] ? files[i] : "");
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaddset(&sa.sa_mask, SIGHUP);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}
