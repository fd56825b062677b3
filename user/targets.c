// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* targets.c - the targets of record, top and trace: see targets.h. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "targets.h"
#include "util.h"

#define TICK_NS		(200 * 1000000ULL)

static int check_pids(struct tracing *t)
{
	const struct record_opts *o = t->o;
	struct proc_stat st;

	for (int i = 0; i < o->npids; i++) {
		if (proc_stat(o->pids[i], &st)) {
			errorf("no process with PID %d", (int)o->pids[i]);
			return -ESRCH;
		}
		t->pid_start[i] = st.start;
	}
	return 0;
}


/*
 * --cgroup PATH must be a cgroup directory. *v2: on cgroup v2 the kernel
 * can check the processes that join it later; on v1 only those in it at
 * the start, and their children, are followed.
 */
static int check_cgroup(const char *path, bool *v2)
{
	struct statfs sfs;
	struct stat st;

	if (stat(path, &st)) {
		errorf("--cgroup '%s': %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode) || statfs(path, &sfs) ||
	    (sfs.f_type != CGROUP2_SUPER_MAGIC && sfs.f_type != CGROUP_SUPER_MAGIC)) {
		errorf("--cgroup '%s' is not a cgroup directory (one under /sys/fs/cgroup)",
		       path);
		return -1;
	}
	*v2 = sfs.f_type == CGROUP2_SUPER_MAGIC;
	if (!*v2) {
		debugf("--cgroup %s is a cgroup v1 directory: processes that join it "
		       "later are not followed\n", path);
	}
	return 0;
}

/* Follow pid: into the targets map, once (1 if it went in now) */
static int follow(struct tracing *t, pid_t pid)
{
	for (size_t i = 0; i < t->nfollowed; i++)
		if (t->followed[i] == pid)
			return 0;
	if (pid == getpid() || session_add_target(t->s, pid))
		return 0;
	if (t->nfollowed == t->followed_cap) {
		size_t cap = t->followed_cap ? t->followed_cap * 2 : 64;
		pid_t *v = realloc(t->followed, cap * sizeof(*v));

		if (!v)
			return 1;	/* in the map; only asked again */
		t->followed = v;
		t->followed_cap = cap;
	}
	t->followed[t->nfollowed++] = pid;
	return 1;
}

/* Follow every process in the cgroup at path and in the cgroups below it. */
static int add_cgroup_procs(struct tracing *t, const char *path, int depth)
{
	char file[PATH_MAX];
	struct dirent *de;
	int n = 0, pid;
	FILE *f;
	DIR *d;

	snprintf(file, sizeof(file), "%s/cgroup.procs", path);
	f = fopen(file, "r");
	while (f && fscanf(f, "%d", &pid) == 1)
		n += follow(t, pid);
	if (f)
		fclose(f);
	d = depth < 64 ? opendir(path) : NULL;
	while (d && (de = readdir(d))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(file, sizeof(file), "%s/%s", path, de->d_name) <
		    sizeof(file))
			n += add_cgroup_procs(t, file, depth + 1);
	}
	if (d)
		closedir(d);
	return n;
}

/* Follow every running process named comm. */
static int add_comm_procs(struct tracing *t, const char *comm)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d))) {
		char path[64], name[COMM_LEN + 1];
		int pid = atoi(de->d_name);
		FILE *f;

		if (pid <= 0 || pid == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%d/comm", pid);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(name, sizeof(name), f)) {
			name[strcspn(name, "\n")] = '\0';
			if (!strcmp(name, comm))
				n += follow(t, pid);
		}
		fclose(f);
	}
	if (d)
		closedir(d);
	return n;
}

/* Every -p process has exited: gone, a zombie, or its pid now another's
 * (read from /proc: a map read while the programs run would cost them
 * skipped runs on 7.x) */
static bool pids_gone(const struct tracing *t)
{
	const struct record_opts *o = t->o;

	for (int i = 0; i < o->npids; i++) {
		struct proc_stat st;

		if (!proc_stat(o->pids[i], &st) && st.state != 'Z' && st.state != 'X' &&
		    st.start == t->pid_start[i])
			return false;
	}
	return o->npids > 0;
}

/*
 * Should tracing stop? Waits up to wait_ns for a stop signal: Ctrl-C,
 * SIGTERM, SIGHUP; or the command exited, or every -p process has.
 */
bool tracing_stop_check(struct tracing *t, uint64_t wait_ns)
{
	struct timespec ts = { wait_ns / 1000000000ULL, wait_ns % 1000000000ULL };
	const struct record_opts *o = t->o;
	int sig = sigtimedwait(&t->stop_set, NULL, &ts);

	if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP)
		return true;
	if (t->c.pid) {
		reap(&t->c, WNOHANG);
		if (!t->c.running)
			return true;
	}
	if (!o->command && !o->comm && !o->cgroup && pids_gone(t)) {
		debugf("every target process has exited\n");
		return true;
	}
	return false;
}

bool tracing_wait_until(struct tracing *t, uint64_t until)
{
	for (;;) {
		uint64_t now = monotonic_ns(), wait = TICK_NS;

		if (now >= until)
			return false;
		if (until - now < wait)
			wait = until - now;
		if (tracing_stop_check(t, wait))
			return true;
	}
}

uint64_t tracing_end_of_duration(const struct tracing *t)
{
	return t->o->duration_s > 0 ? t->start_ns + (uint64_t)(t->o->duration_s * 1e9)
				    : UINT64_MAX;
}

int tracing_begin(struct tracing *t, struct record_opts *o, enum tracing_cmd cmd,
		  int argc, char **argv, const char *usage)
{
	char err[256];

	memset(t, 0, sizeof(*t));
	t->o = o;
	t->cgroup_fd = -1;
	t->c.exit_code = -1;
	switch (record_opts_parse(o, cmd, argc, argv, err, sizeof(err))) {
	case PARSE_HELP:
		fputs(usage, stdout);
		return 0;
	case PARSE_ERROR:
		errorf("%s", err);
		return 2;
	case PARSE_OK:
		break;
	}
	verbose = o->verbose;
	if (!have_bpf_caps()) {
		errorf("tracing needs root (or CAP_BPF and CAP_PERFMON): run it with sudo");
		return 1;
	}
	if (check_pids(t))
		return 1;
	if (o->cgroup && check_cgroup(o->cgroup, &t->cgroup_v2))
		return 1;
	if (o->command) {
		int e = check_executable(o->command[0]);

		if (e) {
			errorf("cannot execute '%s': %s", o->command[0], strerror(-e));
			return 1;
		}
	}
	if (o->user && child_as_user(&t->c, o->user))
		return 1;
	return -1;
}

int tracing_read(const struct tracing *t, struct snapshot *snap, struct run_info *ri,
		 struct utsname *uts)
{
	const struct record_opts *o = t->o;
	int err = session_read(t->s, snap);

	if (err)
		return err;
	if (snapshot_name_cgroups(snap, NULL))
		debugf("no cgroup2 mount: processes' cgroups by id only\n");
	memset(ri, 0, sizeof(*ri));
	uname(uts);
	ri->version = IPCSCOPE_VERSION;
	ri->kernel_release = uts->release;
	ri->start_time = t->start_time;
	ri->duration_s = (monotonic_ns() - t->start_ns) / 1e9;
	ri->all = o->all;
	ri->comm = o->comm;
	ri->cgroup = o->cgroup;
	ri->pids = o->pids;
	ri->npids = o->npids;
	ri->command = o->command;
	ri->command_pid = t->c.pid;
	ri->command_exit = t->c.exit_code;
	ri->command_signal = t->c.signal;
	ri->nprobes = session_probes(t->s, &ri->probes);
	ri->startup = &t->startup;
	ri->no_hist = o->no_hist;
	ri->by_cgroup = o->by_cgroup;
	ri->prom_pid = o->prom_pid;
	ri->prom_object = o->prom_object;
	ri->top = o->top;
	if (o->usdt_phase) {
		ri->phase_start = t->phase_start;
		ri->phase_end = t->phase_end;
		ri->phase_binary = t->usdt_path;
	}
	return 0;
}

static void iso_time(char *buf, size_t len, time_t when)
{
	struct tm tm;

	gmtime_r(&when, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* -v: where start-up went, and the programs that took the kernel longest */
static void debug_startup(const struct session *s, const struct startup_times *st)
{
	const struct probe_info *p;
	size_t n = session_probes(s, &p), top[3] = { n, n, n };
	char longest[160] = "";
	size_t len = 0;

	if (!verbose || st->load_ms < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		if (p[i].load_ms < 0)
			continue;
		for (size_t k = 0; k < ARRAY_SIZE(top); k++) {
			if (top[k] == n || p[i].load_ms > p[top[k]].load_ms) {
				memmove(&top[k + 1], &top[k], (ARRAY_SIZE(top) - k - 1) * sizeof(top[0]));
				top[k] = i;
				break;
			}
		}
	}
	for (size_t k = 0; k < ARRAY_SIZE(top) && top[k] < n; k++) {
		int w = snprintf(longest + len, sizeof(longest) - len, "%s%s %.1f",
				 k ? ", " : "; longest: ", p[top[k]].prog, p[top[k]].load_ms);

		if (w < 0 || (size_t)w >= sizeof(longest) - len)
			break;
		len += w;
	}
	debugf("start-up %.1f ms: %.1f setting up, %.1f in libbpf before the first "
	       "program (the kernel's BTF, the maps, the copies of the object opened, "
	       "CO-RE), %.1f loading %u programs "
	       "in %u cop%s of the object%s (the verifier and JIT%s), %.1f finding the running "
	       "targets and attaching\n", st->total_ms, st->setup_ms,
	       st->libbpf_ms, st->load_ms, st->programs, st->parts, st->parts == 1 ? "y" : "ies",
	       st->parts == 1 ? "" : " at once", longest, st->attach_ms);
}

int tracing_start(struct tracing *t, struct session_config *cfg)
{
	const struct record_opts *o = t->o;
	const struct probe_info *probes;

	/* stop requests are taken synchronously, with sigtimedwait */
	sigemptyset(&t->stop_set);
	sigaddset(&t->stop_set, SIGINT);
	sigaddset(&t->stop_set, SIGTERM);
	sigaddset(&t->stop_set, SIGHUP);
	sigaddset(&t->stop_set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &t->stop_set, &t->orig_mask);
	t->mask_set = true;

	cfg->all = o->all;
	cfg->self = getpid();
	cfg->comm = o->comm;
	cfg->time_in_channel = o->time_in_channel;
	cfg->every_syscall = o->all_syscalls;
	if (t->cgroup_v2) {
		t->cgroup_fd = open(o->cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (t->cgroup_fd < 0) {
			errorf("--cgroup '%s': %s", o->cgroup, strerror(errno));
			return -1;
		}
	}
	cfg->cgroup_fd = t->cgroup_fd;
	cfg->defer_attach = true;
	if (o->usdt_phase) {
		int e = o->usdt_binary ? (access(o->usdt_binary, R_OK) ? -errno : 0) :
			o->command ? find_executable(o->command[0], t->usdt_path,
						     sizeof(t->usdt_path)) : 0;

		if (o->usdt_binary)
			snprintf(t->usdt_path, sizeof(t->usdt_path), "%s", o->usdt_binary);
		else if (!o->command)	/* the one -p process's executable */
			snprintf(t->usdt_path, sizeof(t->usdt_path), "/proc/%d/exe",
				 (int)o->pids[0]);
		if (e) {
			errorf("--usdt-phase: cannot read '%s': %s", o->usdt_binary ?
			       o->usdt_binary : o->command[0], strerror(-e));
			return -1;
		}
		t->phase = (struct usdt_phase){ .path = t->usdt_path,
						.provider = o->usdt_provider,
						.start = o->usdt_start, .end = o->usdt_end };
		cfg->phases = &t->phase;
		cfg->nphases = 1;
		snprintf(t->phase_start, sizeof(t->phase_start), "%s:%s", o->usdt_provider,
			 o->usdt_start);
		snprintf(t->phase_end, sizeof(t->phase_end), "%s:%s", o->usdt_provider,
			 o->usdt_end);
	}
	if (session_open(&t->s, cfg))
		return -1;
	/* the running ones, into the map before the programs run (see
	   session_attach); the kernel adds those that exec or fork later */
	for (int i = 0; i < o->npids; i++) {
		int e = session_add_target(t->s, o->pids[i]);

		if (e) {
			errorf("cannot follow PID %d: %s", (int)o->pids[i], strerror(-e));
			return -1;
		}
	}
	if (o->comm)
		debugf("--comm %s: %d running\n", o->comm, add_comm_procs(t, o->comm));
	if (o->cgroup)
		debugf("--cgroup %s: %d processes in it\n", o->cgroup,
		       add_cgroup_procs(t, o->cgroup, 0));
	if (session_attach(t->s))
		return -1;
	session_startup(t->s, &t->startup);
	debug_startup(t->s, &t->startup);
	/* those that came while it attached: new ones only, rarely any */
	if (o->comm)
		debugf("--comm %s: %d more once attached\n", o->comm,
		       add_comm_procs(t, o->comm));
	if (o->cgroup)
		debugf("--cgroup %s: %d more once attached\n", o->cgroup,
		       add_cgroup_procs(t, o->cgroup, 0));
	if (!o->command || o->verbose) {
		size_t n = session_probes(t->s, &probes), attached = 0, standby = 0;

		for (size_t i = 0; i < n; i++) {
			attached += probes[i].attached;
			standby += probes[i].standby;
		}
		/* tests wait for this line; users learn when to start their load */
		fprintf(stderr, "ipcscope: tracing started (%zu of %zu probes attached), "
			"Ctrl-C to stop\n", attached, n - standby);
	}
	t->start_ns = monotonic_ns();
	iso_time(t->start_time, sizeof(t->start_time), time(NULL));
	if (o->command && start_command(o->command, &t->orig_mask, &t->c))
		return -1;
	return 0;
}

void tracing_end(struct tracing *t)
{
	stop_tree(&t->c);
	session_close(t->s);
	t->s = NULL;
	if (t->cgroup_fd >= 0)
		close(t->cgroup_fd);
	t->cgroup_fd = -1;
	free(t->followed);
	t->followed = NULL;
	t->nfollowed = t->followed_cap = 0;
	if (t->mask_set)
		sigprocmask(SIG_SETMASK, &t->orig_mask, NULL);
	t->mask_set = false;
}
