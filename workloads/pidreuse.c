// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * pidreuse.c - two processes, one pid: a ground truth for a tracer that
 * must keep them apart.
 *
 * Child A writes 100 bytes into a pipe the parent reads, exits and is
 * reaped.  The parent then asks the kernel for A's pid again (it writes
 * A's pid - 1 to /proc/sys/kernel/ns_last_pid: root only) and forks until
 * a child gets it, a bounded number of times; that child, B, execs this
 * program again (so it has another name) and writes 200 bytes into a
 * second pipe.  The parent prints what each did as JSON.  Run with --help.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

const char workload_name[] = "pidreuse";

#define BYTES_A		100
#define BYTES_B		200
#define TRIES_MAX	10000ULL
#define TRIES_DEFAULT	100
#define MISSED_SHOWN	16	/* missed forks listed in the JSON */
#define NS_LAST_PID	"/proc/sys/kernel/ns_last_pid"

/* What one child did, as the parent saw it. */
struct child_report {
	pid_t pid;
	char comm[64];		/* /proc/PID/comm, read before reaping */
	int exec;		/* it exec'd this program again */
	uint64_t ino, dev;	/* its pipe: fstat() of the parent's read end */
	uint64_t bytes_written;	/* by its one write(), if it exited 0 */
	uint64_t read_calls;	/* the parent's reads until EOF */
	uint64_t bytes_read;
	int status;		/* its exit status, -1 if killed */
};

static void print_help(void)
{
	fputs(
"Usage: pidreuse [--tries N] [--out FILE] [--help]\n"
"\n"
"Two processes with one pid, for a tracer that must keep them apart.\n"
"\n"
"  1. pipe(), fork: child A write()s 100 bytes into the pipe (one call: at\n"
"     most PIPE_BUF bytes into an empty pipe go in whole) and exits; the\n"
"     parent read()s with a 4096-byte buffer until EOF, reads A's name from\n"
"     /proc/PID/comm and reaps it.\n"
"  2. pipe(), then up to N times: write A's pid - 1 to " NS_LAST_PID "\n"
"     (needs root: the next pid the kernel gives is then A's, unless another\n"
"     process forks first) and fork.  A child that did not get A's pid\n"
"     exits at once, doing nothing, and is reaped; the one that did, B,\n"
"     makes the pipe's write end its stdout and execs /proc/self/exe\n"
"     --child-write 200 (so its name is another), which write()s 200 bytes\n"
"     in one call and exits.  The parent reads until EOF, reads B's name\n"
"     and reaps it.\n"
"\n"
"Options:\n"
"  --tries N        forks to try for A's pid, 1..10000 (default 100)\n"
"  --out FILE       write the JSON to FILE (a regular file, created or\n"
"                   truncated) instead of stdout.  Use it when stdout is a\n"
"                   pipe: printing there is one more pipe write.\n"
"  --child-write N  (what B runs) write N bytes, 1..4096, to stdout with one\n"
"                   write() and exit 0 if all went in, else 1\n"
"  --help           print this text and exit\n"
"\n"
"Output: one JSON object, printed by the parent at the end: workload, pid\n"
"(the parent's), reused (true if B got A's pid), tries (forks made for it),\n"
"missed_pids (the pids the other forks got, at most 16), ns_last_pid_error\n"
"(why it could not be written, or null), and children: [A, B] (B only if\n"
"it was forked), each {role, pid, ppid, comm, exec, pipe: {ino, dev},\n"
"write_calls, bytes_written, read_calls, bytes_read, exit_status}: the\n"
"parent's read()s of that child's pipe; dev in st_dev's encoding.\n"
"\n"
"Exit status: 0 success, also when the pid could not be had again (see\n"
"reused); 1 a syscall or a child failed (one line on stderr; the JSON is\n"
"still printed); 2 bad command line or --out; 128+N killed by signal N.\n",
	      stdout);
}

/* B's side, after exec: one write() of n bytes to stdout. */
static int child_write(uint64_t n)
{
	char buf[4096];
	ssize_t w;

	memset(buf, 'b', sizeof(buf));
	w = write(STDOUT_FILENO, buf, n);
	if (w < 0) {
		sys_error("child", "write");
		return 1;
	}
	return (uint64_t)w == n ? 0 : 1;
}

/* /proc/PID/comm without its newline; "?" if it cannot be read. */
static void read_comm(pid_t pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/comm", (long)pid);
	snprintf(buf, len, "?");
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* Reads fd to EOF with 4096-byte read()s, counting them; -1 on error. */
static int drain(int fd, struct child_report *r)
{
	char buf[4096];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		r->read_calls++;
		if (n < 0) {
			sys_error("parent", "read");
			return -1;
		}
		if (n == 0)
			return 0;
		r->bytes_read += n;
	}
}

static void pipe_meta(int fd, struct child_report *r)
{
	struct stat st;

	if (fstat(fd, &st) == 0) {
		r->ino = st.st_ino;
		r->dev = st.st_dev;
	}
}

/*
 * After the child's write end is closed in the parent: read to EOF, name
 * the child, reap it.  -1 if anything failed.
 */
static int finish_child(int rfd, struct child_report *r, uint64_t want)
{
	int failed = drain(rfd, r) < 0, status;

	read_comm(r->pid, r->comm, sizeof(r->comm));
	if (close(rfd) < 0) {
		sys_error("parent", "close");
		failed = 1;
	}
	if (reap_child(r->pid, &status) < 0)
		return -1;
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	if (r->status == 0)
		r->bytes_written = want;
	else
		fprintf(stderr, "%s: child %ld failed (status %d)\n", workload_name,
			(long)r->pid, r->status);
	return failed || r->status != 0 ? -1 : 0;
}

/* Child A: one write of BYTES_A, then exit. */
static int run_a(struct child_report *a)
{
	char buf[BYTES_A];
	int fd[2];
	pid_t pid;

	if (pipe(fd) < 0) {
		sys_error("parent", "pipe");
		return -1;
	}
	pipe_meta(fd[0], a);
	pid = fork();
	if (pid < 0) {
		sys_error("parent", "fork");
		return -1;
	}
	if (pid == 0) {
		restore_default_handlers();
		close(fd[0]);
		memset(buf, 'a', sizeof(buf));
		_exit(write(fd[1], buf, sizeof(buf)) == sizeof(buf) ? 0 : 1);
	}
	g_child_pid = pid;
	a->pid = pid;
	if (close(fd[1]) < 0) {
		sys_error("parent", "close");
		return -1;
	}
	return finish_child(fd[0], a, BYTES_A);
}

/* Asks for last + 1 as the next pid; 0, or an errno. */
static int set_last_pid(pid_t last)
{
	char num[24];
	int fd = open(NS_LAST_PID, O_WRONLY | O_CLOEXEC), err = 0, len;

	if (fd < 0)
		return errno;
	len = snprintf(num, sizeof(num), "%ld", (long)last);
	if (write(fd, num, len) != len)
		err = errno ? errno : EIO;
	close(fd);
	return err;
}

struct reuse {
	int reused;
	uint64_t tries;
	pid_t missed[MISSED_SHOWN];
	unsigned nmissed;
	const char *error;	/* why ns_last_pid could not be written */
};

/* Fork until a child gets want; that one execs and writes BYTES_B. */
static int run_b(pid_t want, uint64_t tries, struct reuse *ru,
		 struct child_report *b)
{
	int fd[2], err, status, failed = 0;
	pid_t pid;

	if (pipe(fd) < 0) {
		sys_error("parent", "pipe");
		return -1;
	}
	pipe_meta(fd[0], b);
	while (ru->tries < tries) {
		err = set_last_pid(want - 1);
		if (err) {
			ru->error = strerror(err);
			break;
		}
		ru->tries++;
		pid = fork();
		if (pid < 0) {
			sys_error("parent", "fork");
			failed = 1;
			break;
		}
		if (pid == 0) {
			if (getpid() != want)
				_exit(0);
			restore_default_handlers();
			if (dup2(fd[1], STDOUT_FILENO) < 0)
				_exit(1);
			close(fd[0]);
			close(fd[1]);
			/* by this path its name (comm) becomes "exe" */
			execl("/proc/self/exe", "pidreuse", "--child-write", "200",
			      (char *)NULL);
			_exit(127);
		}
		g_child_pid = pid;
		if (pid == want) {
			ru->reused = 1;
			b->pid = pid;
			b->exec = 1;
			break;
		}
		if (ru->nmissed < MISSED_SHOWN)
			ru->missed[ru->nmissed++] = pid;
		if (reap_child(pid, &status) < 0)
			return -1;
	}
	if (close(fd[1]) < 0) {
		sys_error("parent", "close");
		return -1;
	}
	if (!ru->reused) {
		close(fd[0]);
		return failed ? -1 : 0;
	}
	return finish_child(fd[0], b, BYTES_B);
}

static void json_child(FILE *f, const char *role, const struct child_report *c,
		       pid_t ppid, int last)
{
	fprintf(f, "    {\"role\": \"%s\", \"pid\": %ld, \"ppid\": %ld, \"comm\": ",
		role, (long)c->pid, (long)ppid);
	json_string(f, c->comm);
	fprintf(f, ", \"exec\": %s, \"pipe\": {\"ino\": %" PRIu64 ", \"dev\": %" PRIu64
		"}, \"write_calls\": %d, \"bytes_written\": %" PRIu64
		", \"read_calls\": %" PRIu64 ", \"bytes_read\": %" PRIu64
		", \"exit_status\": %d}%s\n", c->exec ? "true" : "false", c->ino, c->dev,
		c->status == 0 ? 1 : 0, c->bytes_written, c->read_calls, c->bytes_read,
		c->status, last ? "" : ",");
}

int main(int argc, char **argv)
{
	static const char *const opts[] = { "--tries", "--out", "--child-write" };
	struct run_opts run = { 0 };
	struct opt_iter it = OPT_ITER(argc, argv, opts, print_help, &run);
	struct child_report a = { .status = -1 }, b = { .status = -1 };
	struct reuse ru = { 0 };
	uint64_t tries = TRIES_DEFAULT;
	const char *val, *name;
	int failed = 0;
	FILE *out;

	while ((name = next_opt(&it, &val))) {
		if (!strcmp(name, "--tries"))
			tries = parse_num(name, val, 1, TRIES_MAX);
		else
			return child_write(parse_num(name, val, 1, 4096));
	}
	out = open_out(run.out_path);
	install_common_handlers(0, NULL);

	if (run_a(&a) < 0)
		failed = 1;
	else if (run_b(a.pid, tries, &ru, &b) < 0)
		failed = 1;

	fprintf(out, "{\n  \"workload\": \"pidreuse\",\n  \"pid\": %ld,\n"
		"  \"reused\": %s,\n  \"tries\": %" PRIu64 ",\n  \"missed_pids\": [",
		(long)getpid(), ru.reused ? "true" : "false", ru.tries);
	for (unsigned i = 0; i < ru.nmissed; i++)
		fprintf(out, "%s%ld", i ? ", " : "", (long)ru.missed[i]);
	fputs("],\n  \"ns_last_pid_error\": ", out);
	if (ru.error)
		json_string(out, ru.error);
	else
		fputs("null", out);
	fputs(",\n  \"children\": [\n", out);
	json_child(out, "a", &a, getpid(), !b.pid);
	if (b.pid)
		json_child(out, "b", &b, getpid(), 1);
	fputs("  ]\n}\n", out);
	return finish_output(out, failed);
}
