/*
 * common.c - helpers shared by the ipcscope ground-truth workloads; see
 * common.h.  Everything here was once copied into each workload: one copy
 * keeps their messages, exit codes and JSON escaping alike.
 */
#define _GNU_SOURCE
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

volatile sig_atomic_t g_child_pid;
volatile sig_atomic_t g_child_gone;
volatile sig_atomic_t g_in_loop;
volatile sig_atomic_t g_timer_armed;

/* What install_common_handlers() caught, for restore_default_handlers(). */
static int caught_sigchld, caught_sigalrm;

void usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", workload_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

void sys_error(const char *who, const char *call)
{
	fprintf(stderr, "%s: %s: %s: %s\n", workload_name, who, call,
		strerror(errno));
}

const char *next_option(int argc, char **argv, int *i,
			const char *const opts[], size_t nopts,
			void (*help)(void), const char **val)
{
	const char *arg = argv[*i], *eq, *name = NULL;
	size_t len;

	if (strcmp(arg, "--help") == 0) {
		help();
		exit(0);
	}
	if (strncmp(arg, "--help=", 7) == 0)
		usage_error("--help takes no value");
	if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0')
		usage_error("unexpected argument '%s' (try --help)", arg);
	eq = strchr(arg, '=');
	len = eq ? (size_t)(eq - arg) : strlen(arg);
	for (size_t k = 0; k < nopts; k++)
		if (strlen(opts[k]) == len && !strncmp(arg, opts[k], len))
			name = opts[k];
	if (!name)
		usage_error("unknown option '%.*s' (try --help)", (int)len, arg);
	if (eq) {
		*val = eq + 1;
	} else {
		if (*i + 1 >= argc)
			usage_error("%s needs a value", name);
		*val = argv[++*i];
	}
	return name;
}

uint64_t parse_num(const char *opt, const char *s, uint64_t min,
		   uint64_t max)
{
	unsigned long long v;
	char *end;

	if (*s == '\0')
		usage_error("%s: empty value", opt);
	if (*s < '0' || *s > '9')
		usage_error("%s: '%s' is not a decimal number", opt, s);
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end != '\0')
		usage_error("%s: '%s' is not a decimal number", opt, s);
	if (errno == ERANGE || v < min || v > max)
		usage_error("%s: %s is out of range %" PRIu64 "..%" PRIu64,
			    opt, s, min, max);
	return v;
}

const char *parse_out_path(const char *val)
{
	if (*val == '\0')
		usage_error("--out: empty file name");
	return val;
}

/* Opened before any IPC work, so a bad --out fails fast and cheaply. */
FILE *open_out(const char *path)
{
	struct stat st;
	FILE *f;
	int fd;

	if (!path)
		return stdout;
	/* O_NONBLOCK: an existing FIFO without reader fails instead of
	 * blocking; it has no effect on regular files. */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NONBLOCK | O_CLOEXEC,
		  0644);
	if (fd < 0)
		usage_error("--out: cannot open '%s': %s", path,
			    strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		usage_error("--out: '%s' is not a regular file", path);
	f = fdopen(fd, "w");
	if (!f)
		usage_error("--out: fdopen: %s", strerror(errno));
	return f;
}

/* ferror too: an earlier failed write may have been buffered away. */
int finish_json(FILE *f)
{
	if (fflush(f) == EOF || ferror(f)) {
		sys_error("parent", "writing JSON");
		return -1;
	}
	return 0;
}

int close_out(FILE *f)
{
	if (f != stdout && fclose(f) == EOF) {
		sys_error("parent", "close --out file");
		return -1;
	}
	return 0;
}

void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

int temp_dir_template(char *buf, size_t size, const char *dir,
		      const char **base, int *base_len)
{
	size_t len;
	int n;

	if (!dir) {
		dir = getenv("TMPDIR");
		if (!dir || !*dir)
			dir = "/tmp";
	}
	/* Drop trailing slashes so the paths in the JSON look canonical. */
	len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		len--;
	if (len == 1 && dir[0] == '/')
		len = 0;
	*base = dir;
	*base_len = (int)len;
	n = snprintf(buf, size, "%.*s/ipcscope-%s.XXXXXX", (int)len, dir,
		     workload_name);
	return n < 0 || (size_t)n >= size ? -1 : 0;
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

	while (nanosleep(&ts, &ts) < 0) {
		if (errno != EINTR) {
			sys_error("parent", "nanosleep");
			return -1;
		}
	}
	return 0;
}

uint64_t mono_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

uint64_t xfer_elapsed_ns(const struct xfer_time *t)
{
	if (!t->start_ns || !t->end_ns || t->end_ns < t->start_ns)
		return 0;
	return t->end_ns - t->start_ns;
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

/* Only believe an exit we can see (a stray SIGCHLD could be sent by
 * anyone); WNOWAIT leaves the reaping to reap_child(). */
int child_exit_seen(siginfo_t *info)
{
	pid_t child = g_child_pid;

	memset(info, 0, sizeof(*info));
	return child > 0 && waitid(P_PID, (id_t)child, info,
				   WEXITED | WNOHANG | WNOWAIT) == 0 &&
	       info->si_pid == child;
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

void install_common_handlers(void (*on_term)(int), void (*on_chld)(int),
			     void (*on_alrm)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaddset(&sa.sa_mask, SIGHUP);
	if (on_chld)
		sigaddset(&sa.sa_mask, SIGCHLD);
	if (on_alrm)
		sigaddset(&sa.sa_mask, SIGALRM);
	sa.sa_handler = on_term;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	/*
	 * No SA_RESTART: a restarted syscall would show up twice in a tracer
	 * but once here; without it we see (and count) every EINTR.
	 */
	if (on_alrm) {
		sa.sa_handler = on_alrm;
		sigaction(SIGALRM, &sa, NULL);
		caught_sigalrm = 1;
	}
	if (on_chld) {
		/* SA_NOCLDSTOP: only the child's exit sends SIGCHLD. */
		sa.sa_handler = on_chld;
		sa.sa_flags = SA_NOCLDSTOP;
		sigaction(SIGCHLD, &sa, NULL);
		caught_sigchld = 1;
	}

	/* A dead peer or a closed stdout should be an EPIPE we report, not a
	 * silent death. */
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = 0;
	sigaction(SIGPIPE, &sa, NULL);
}

void restore_default_handlers(void)
{
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	if (caught_sigchld)
		signal(SIGCHLD, SIG_DFL);
	if (caught_sigalrm)
		signal(SIGALRM, SIG_DFL);
}

/* SIGCHLD too, where it is handled: its handler needs g_child_pid, which
 * is set after fork. */
void block_handled_signals(sigset_t *old, int with_sigchld)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (with_sigchld)
		sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, old);
}

void on_sigalrm(int sig)
{
	(void)sig;
}

void start_kicking(void)
{
	if (g_in_loop && !g_timer_armed) {
		struct itimerval it = {
			.it_interval = { 0, KICK_US }, .it_value = { 0, KICK_US },
		};

		if (setitimer(ITIMER_REAL, &it, NULL) == 0)
			g_timer_armed = 1;
	}
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
