// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * record.c - `ipcscope record`: check the request, attach, run or follow the
 * targets until they exit, time runs out or a signal says stop, then read the
 * maps once and print the report.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "commands.h"
#include "events.h"
#include "graph.h"
#include "options.h"
#include "outfile.h"
#include "report.h"
#include "runner.h"
#include "session.h"
#include "top.h"
#include "util.h"

#define TICK_NS		(200 * 1000000ULL)

static int check_pids(const struct record_opts *o)
{
	for (int i = 0; i < o->npids; i++)
		if (kill(o->pids[i], 0) && errno == ESRCH) {
			errorf("no process with PID %d", (int)o->pids[i]);
			return -ESRCH;
		}
	return 0;
}

#define CGROUP_SUPER_MAGIC	0x27e0eb
#define CGROUP2_SUPER_MAGIC	0x63677270

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

/* Follow every process in the cgroup at path and in the cgroups below it. */
static int add_cgroup_procs(struct session *s, const char *path, int depth)
{
	char file[PATH_MAX];
	struct dirent *de;
	int n = 0, pid;
	FILE *f;
	DIR *d;

	snprintf(file, sizeof(file), "%s/cgroup.procs", path);
	f = fopen(file, "r");
	while (f && fscanf(f, "%d", &pid) == 1)
		if (pid != getpid() && !session_add_target(s, pid))
			n++;
	if (f)
		fclose(f);
	d = depth < 64 ? opendir(path) : NULL;
	while (d && (de = readdir(d))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(file, sizeof(file), "%s/%s", path, de->d_name) <
		    sizeof(file))
			n += add_cgroup_procs(s, file, depth + 1);
	}
	if (d)
		closedir(d);
	return n;
}

/* Follow every running process named comm. */
static int add_comm_procs(struct session *s, const char *comm)
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
			if (!strcmp(name, comm) && !session_add_target(s, pid))
				n++;
		}
		fclose(f);
	}
	if (d)
		closedir(d);
	return n;
}

static bool pids_gone(const struct session *s, const struct record_opts *o)
{
	/* no such process is the cheaper answer: the map walk only if not */
	for (int i = 0; i < o->npids; i++)
		if (!(kill(o->pids[i], 0) && errno == ESRCH) &&
		    !session_proc_exited(s, o->pids[i]))
			return false;
	return o->npids > 0;
}

/*
 * Should tracing stop? Waits up to wait_ns for a stop signal: Ctrl-C,
 * SIGTERM, SIGHUP; or the command exited, or every -p process has.
 */
static bool stop_check(const struct session *s, const struct record_opts *o,
		       const sigset_t *stop_set, struct child *c, uint64_t wait_ns)
{
	struct timespec ts = { wait_ns / 1000000000ULL, wait_ns % 1000000000ULL };
	int sig = sigtimedwait(stop_set, NULL, &ts);

	if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP)
		return true;
	if (c->pid) {
		reap(c, WNOHANG);
		if (!c->running)
			return true;
	}
	if (!o->command && !o->comm && !o->cgroup && pids_gone(s, o)) {
		debugf("every target process has exited\n");
		return true;
	}
	return false;
}

/*
 * Wait until the monotonic time `until`: false then. True if tracing is to
 * stop first (stop_check).
 */
static bool wait_until(const struct session *s, const struct record_opts *o,
		       const sigset_t *stop_set, struct child *c, uint64_t until)
{
	for (;;) {
		uint64_t now = monotonic_ns(), wait = TICK_NS;

		if (now >= until)
			return false;
		if (until - now < wait)
			wait = until - now;
		if (stop_check(s, o, stop_set, c, wait))
			return true;
	}
}

static uint64_t end_of_duration(const struct record_opts *o, uint64_t start_ns)
{
	return o->duration_s > 0 ? start_ns + (uint64_t)(o->duration_s * 1e9) : UINT64_MAX;
}

/*
 * `ipcscope top`: a screen per interval, rates from the difference of two
 * snapshots; a last screen for the part of an interval before a stop.
 */
static int top_loop(struct session *s, const struct record_opts *o,
		    const sigset_t *stop_set, struct child *c, uint64_t start_ns)
{
	uint64_t end = end_of_duration(o, start_ns), last = start_ns;
	uint64_t step = (uint64_t)(o->interval_s * 1e9);
	struct snapshot prev = { 0 };
	bool tty = isatty(STDOUT_FILENO), stop = false;
	unsigned shown = 0;
	int err = 0;

	while (!stop && (!o->count || shown < o->count)) {
		uint64_t until = last + step < end ? last + step : end, now;
		struct snapshot cur;
		struct top_view v;
		char clock[16];
		time_t t = time(NULL);

		stop = wait_until(s, o, stop_set, c, until) || until == end;
		now = monotonic_ns();
		if (stop && now - last < step / 20)
			break;		/* nothing worth a screen since the last */
		err = session_read(s, &cur);
		if (err)
			break;
		if (top_compute(&v, &prev, &cur, (now - last) / 1e9)) {
			errorf("out of memory");
			snapshot_free(&cur);
			err = -ENOMEM;
			break;
		}
		strftime(clock, sizeof(clock), "%H:%M:%S", localtime(&t));
		top_print(stdout, &v, clock, o->top, tty);
		top_free(&v);
		if (fflush(stdout) || ferror(stdout)) {
			errorf("cannot write to standard output: %s",
			       strerror(errno ? errno : EIO));
			snapshot_free(&cur);
			err = -EIO;
			break;
		}
		snapshot_free(&prev);
		prev = cur;
		last = now;
		shown++;
	}
	snapshot_free(&prev);
	return err;
}

/* `ipcscope trace`: where the events go */
struct trace_out {
	struct event_printer text;	/* stdout, unless --json - */
	struct event_printer json;	/* --json */
	bool use_text, use_json;
};

static int on_event(void *ctx, const struct ipc_event *e)
{
	struct trace_out *t = ctx;

	if (t->use_text)
		event_print(&t->text, e);
	if (t->use_json)
		event_print(&t->json, e);
	return 0;
}

static bool trace_out_failed(const struct trace_out *t)
{
	return (t->use_text && ferror(t->text.out)) || (t->use_json && ferror(t->json.out));
}

/* the kernel wakes us for a batch: below it, events wait up to this */
#define TRACE_POLL_MS	10
#define TRACE_CHECK_NS	(100 * 1000000ULL)

/*
 * `ipcscope trace`: hand the ring buffer's events to the printers until
 * tracing stops; then detach, take the last events, and compare what
 * arrived and what was lost with what the maps counted. Returns the exit
 * status.
 */
static int trace_loop(struct session *s, const struct record_opts *o,
		      const sigset_t *stop_set, struct child *c, uint64_t start_ns,
		      struct trace_out *t)
{
	uint64_t end = end_of_duration(o, start_ns), next_check = 0;
	uint64_t dropped, counted, events;
	struct snapshot snap;
	int n, status = 0;

	if (t->use_text)
		event_print_header(&t->text);
	for (;;) {
		uint64_t now;

		n = session_poll_events(s, TRACE_POLL_MS);
		if (n < 0 && n != -EINTR) {
			errorf("cannot read the events' ring buffer: %s", strerror(-n));
			status = 1;
			break;
		}
		if (trace_out_failed(t))
			break;
		now = monotonic_ns();
		if (now >= end)
			break;
		/* between bursts, not after each: a busy buffer comes first */
		if (now >= next_check) {
			if (stop_check(s, o, stop_set, c, 0))
				break;
			next_check = now + TRACE_CHECK_NS;
		}
	}
	stop_command(c);
	/* no event after this: what arrived and what was lost add up */
	session_detach(s);
	n = session_poll_events(s, 0);
	if (n < 0 && !status) {
		errorf("cannot read the events' ring buffer: %s", strerror(-n));
		status = 1;
	}
	if (session_read(s, &snap))
		return 1;
	dropped = snap.drops[IPC_DROP_TRACE];
	counted = events_counted(&snap, o->trace_kinds);
	events = t->use_json ? t->json.events : t->text.events;
	if (t->use_json)
		event_print_summary(&t->json, dropped, counted);
	if (t->use_text)
		fflush(t->text.out);
	if (t->use_json)
		fflush(t->json.out);
	if (trace_out_failed(t)) {
		/* a reader that went away (| head) is not an error */
		if (errno != EPIPE) {
			errorf("cannot write the events: %s", strerror(errno));
			status = 1;
		}
	}
	trace_summary_text(stderr, events, dropped, counted, o->buffer_kb);
	for (int i = 0; i < IPC_DROP_MAX; i++)
		if (i != IPC_DROP_TRACE && snap.drops[i])
			errorf("warning: %" PRIu64 " updates lost (%s)", snap.drops[i],
			       ipc_drop_why(i));
	/* lost to a full ring buffer, or never made: a run the kernel skipped */
	if (!status && (dropped || snap.drops[IPC_DROP_SKIPPED_RUNS]) && o->fail_on_drop)
		status = EXIT_EVENTS_LOST;
	snapshot_free(&snap);
	return status;
}

static void iso_time(char *buf, size_t len, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* "sh -c 'make -j4'" as the graph's caption: what was traced */
static void graph_title(char *buf, size_t len, const struct record_opts *o)
{
	size_t used = snprintf(buf, len, "ipcscope record");

	if (o->all)
		used += snprintf(buf + used, used < len ? len - used : 0, " -a");
	for (int i = 0; i < o->npids; i++)
		used += snprintf(buf + used, used < len ? len - used : 0, " -p %d",
				 (int)o->pids[i]);
	if (o->command)
		used += snprintf(buf + used, used < len ? len - used : 0, " --");
	for (char **a = o->command; a && *a; a++)
		used += snprintf(buf + used, used < len ? len - used : 0,
				 strpbrk(*a, " \t'\"|&;<>()$`*?") ? " '%s'" : " %s", *a);
}

/* Graphviz's dot draws path from the DOT text in dot_path. */
static int run_dot(const char *type, const char *dot_path, const char *path,
		   const sigset_t *orig_mask)
{
	char tflag[16];
	int status;
	pid_t pid;

	snprintf(tflag, sizeof(tflag), "-T%s", type);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		char *argv[] = { "dot", tflag, "-o", (char *)path, (char *)dot_path, NULL };

		sigprocmask(SIG_SETMASK, orig_mask, NULL);
		execvp("dot", argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

/*
 * The graph in its format: DOT or JSON straight into its output file; SVG
 * or PNG through a temporary DOT file that dot renders into the output's
 * temporary file (renamed into place with the rest, when all went well).
 */
static int write_graph(const struct record_opts *o, const struct snapshot *snap,
		       struct outfile *out, const sigset_t *orig_mask)
{
	const char *type = graph_render_type(o->graph_format);
	char title[512], tmp[] = "/tmp/ipcscope-graph-XXXXXX";
	struct graph g;
	FILE *dot = out->f;
	int fd = -1, err;

	if (graph_build(&g, snap)) {
		errorf("cannot build the graph: out of memory");
		return -ENOMEM;
	}
	graph_title(title, sizeof(title), o);
	if (type) {
		fd = mkstemp(tmp);
		dot = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!dot) {
			errorf("cannot write the graph: a temporary file in /tmp: %s",
			       strerror(errno));
			if (fd >= 0) {
				close(fd);
				unlink(tmp);
			}
			graph_free(&g);
			return -EIO;
		}
	}
	if (o->graph_format == GRAPH_FORMAT_JSON)
		err = graph_write_json(dot, &g, snap);
	else
		err = graph_write_dot(dot, &g, snap, title);
	graph_free(&g);
	if (!type)
		return err ? -EIO : 0;	/* outfile_commit says what failed */
	if (fclose(dot) || err) {
		errorf("cannot write the graph: a temporary file in /tmp: %s",
		       strerror(errno));
		unlink(tmp);
		return -EIO;
	}
	err = run_dot(type, tmp, out->tmp, orig_mask);
	unlink(tmp);
	if (err)
		errorf("Graphviz's dot could not draw '%s' (its message is above, if any)",
		       o->graph_path);
	return err;
}

/* The text report on stdout (unless the JSON goes there), and the JSON. */
static int write_reports(const struct record_opts *o, const struct run_info *ri,
			 const struct snapshot *snap, struct outfile *json)
{
	bool json_stdout = json->f && outfile_is_stdout(json);

	if (!json_stdout) {
		report_text(stdout, ri, snap);
		if (fflush(stdout) || ferror(stdout)) {
			errorf("cannot write the report to standard output: %s",
			       strerror(errno ? errno : EIO));
			return -EIO;
		}
	}
	if (json->f && report_json(json->f, ri, snap)) {
		errorf("cannot write JSON to '%s': %s", o->json_path,
		       strerror(errno ? errno : EIO));
		return -EIO;
	}
	return 0;
}

int cmd_record(int argc, char **argv)
{
	struct record_opts o;
	struct session *s = NULL;
	struct snapshot snap = { 0 };
	struct child c = { .exit_code = -1 };
	struct session_config cfg = { 0 };
	struct trace_out tout = { 0 };
	const struct probe_info *probes;
	struct run_info ri = { 0 };
	struct utsname uts;
	sigset_t stop_set, orig_mask;
	char err[256], start_time[32];
	struct outfile json = { 0 }, graph = { 0 };
	uint64_t start_ns;
	int ret = 1, cgroup_fd = -1;
	bool cgroup_v2 = false;

	switch (record_opts_parse(&o, argc, argv, err, sizeof(err))) {
	case PARSE_HELP:
		fputs(o.top_mode ? top_usage : o.trace_mode ? trace_usage : record_usage,
		      stdout);
		return 0;
	case PARSE_ERROR:
		errorf("%s", err);
		return 2;
	case PARSE_OK:
		break;
	}
	verbose = o.verbose;

	/* everything a user can get wrong is checked before anything is loaded */
	if (!have_bpf_caps()) {
		errorf("tracing needs root (or CAP_BPF and CAP_PERFMON): run it with sudo");
		return 1;
	}
	if (check_pids(&o))
		return 1;
	if (o.cgroup && check_cgroup(o.cgroup, &cgroup_v2))
		return 1;
	if (o.command) {
		int e = check_executable(o.command[0]);

		if (e) {
			errorf("cannot execute '%s': %s", o.command[0], strerror(-e));
			return 1;
		}
	}
	if (graph_render_type(o.graph_format) && check_executable("dot")) {
		errorf("--graph '%s' is drawn by Graphviz's dot, which is not installed: "
		       "install the package graphviz (apt-get install graphviz), or write .dot",
		       o.graph_path);
		return 1;
	}
	/* outputs are made (as temporary files beside them) before anything
	   runs, and put in place only at the end, if all went well */
	if (o.graph_path && outfile_open(&graph, o.graph_path, "the graph", o.force))
		return 1;
	if (o.json_path && outfile_open(&json, o.json_path, "JSON", o.force)) {
		outfile_abort(&graph);
		return 1;
	}

	/* stop requests are taken synchronously, with sigtimedwait */
	sigemptyset(&stop_set);
	sigaddset(&stop_set, SIGINT);
	sigaddset(&stop_set, SIGTERM);
	sigaddset(&stop_set, SIGHUP);
	sigaddset(&stop_set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &stop_set, &orig_mask);
	if (o.trace_mode) {
		/* a reader that goes away (| head) is a write error, then a clean stop */
		sigset_t pipe_set;

		sigemptyset(&pipe_set);
		sigaddset(&pipe_set, SIGPIPE);
		sigprocmask(SIG_BLOCK, &pipe_set, NULL);
	}

	cfg.all = o.all;
	cfg.self = getpid();
	cfg.comm = o.comm;
	cfg.time_in_channel = o.time_in_channel;
	if (cgroup_v2) {
		cgroup_fd = open(o.cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cgroup_fd < 0) {
			errorf("--cgroup '%s': %s", o.cgroup, strerror(errno));
			goto out;
		}
	}
	cfg.cgroup_fd = cgroup_fd;
	if (o.trace_mode) {
		static char stdout_buf[1 << 20];

		/* events come by the million: write them in big blocks */
		if (!isatty(STDOUT_FILENO))
			setvbuf(stdout, stdout_buf, _IOFBF, sizeof(stdout_buf));
		tout.use_json = json.f != NULL;
		tout.use_text = !json.f || !outfile_is_stdout(&json);
		if ((tout.use_text && event_printer_init(&tout.text, stdout, false, 0,
							 session_obj_names, NULL)) ||
		    (tout.use_json && event_printer_init(&tout.json, json.f, true, 0,
							 session_obj_names, NULL))) {
			errorf("out of memory");
			goto out;
		}
		cfg.on_event = on_event;
		cfg.event_ctx = &tout;
		cfg.trace_kinds = o.trace_kinds;
		cfg.buffer_kb = o.buffer_kb;
	}
	if (session_open(&s, &cfg))
		goto out;
	tout.text.lookup_ctx = tout.json.lookup_ctx = s;
	/* the running ones; the kernel adds those that exec or fork later */
	if (o.comm)
		debugf("--comm %s: %d running\n", o.comm, add_comm_procs(s, o.comm));
	if (o.cgroup)
		debugf("--cgroup %s: %d processes in it\n", o.cgroup,
		       add_cgroup_procs(s, o.cgroup, 0));
	for (int i = 0; i < o.npids; i++) {
		int e = session_add_target(s, o.pids[i]);

		if (e) {
			errorf("cannot follow PID %d: %s", (int)o.pids[i], strerror(-e));
			goto out;
		}
	}
	if (!o.command || o.verbose) {
		size_t n = session_probes(s, &probes), attached = 0, standby = 0;

		for (size_t i = 0; i < n; i++) {
			attached += probes[i].attached;
			standby += probes[i].standby;
		}
		/* tests wait for this line; users learn when to start their load */
		fprintf(stderr, "ipcscope: tracing started (%zu of %zu probes attached), "
			"Ctrl-C to stop\n", attached, n - standby);
	}
	start_ns = monotonic_ns();
	/* trace: times count from here; the probes attached first may have
	   sent a few events already, with negative times */
	tout.text.start_ns = tout.json.start_ns = start_ns;
	iso_time(start_time, sizeof(start_time), time(NULL));
	if (o.command && start_command(s, o.command, &orig_mask, &c))
		goto out;

	if (o.top_mode) {
		if (top_loop(s, &o, &stop_set, &c, start_ns) == 0)
			ret = 0;
		goto out;
	}
	if (o.trace_mode) {
		ret = trace_loop(s, &o, &stop_set, &c, start_ns, &tout);
		goto out;
	}
	wait_until(s, &o, &stop_set, &c, end_of_duration(&o, start_ns));
	stop_command(&c);

	/*
	 * Detached before the maps are read: the report is of the run, and
	 * our own reads must not make the kernel skip programs (on 7.x, a
	 * bpf() call preempted while it copies a map value blocks the
	 * classic tracepoints' programs on its CPU: skipped runs, counted)
	 */
	session_detach(s);
	if (session_read(s, &snap))
		goto out;
	uname(&uts);
	ri.version = IPCSCOPE_VERSION;
	ri.kernel_release = uts.release;
	ri.start_time = start_time;
	ri.duration_s = (monotonic_ns() - start_ns) / 1e9;
	ri.all = o.all;
	ri.comm = o.comm;
	ri.cgroup = o.cgroup;
	ri.pids = o.pids;
	ri.npids = o.npids;
	ri.command = o.command;
	ri.command_pid = c.pid;
	ri.command_exit = c.exit_code;
	ri.command_signal = c.signal;
	ri.nprobes = session_probes(s, &probes);
	ri.probes = probes;
	ri.no_hist = o.no_hist;
	ri.top = o.top;
	if (write_reports(&o, &ri, &snap, &json) == 0 &&
	    (!o.graph_path || write_graph(&o, &snap, &graph, &orig_mask) == 0))
		ret = 0;
out:
	stop_command(&c);
	session_close(s);
	snapshot_free(&snap);
	/* events lost (--fail-on-drop) is a result to keep, not an error */
	if (ret == 0 || ret == EXIT_EVENTS_LOST) {
		if (outfile_commit(&json))
			ret = 1;
		if (outfile_commit(&graph))
			ret = 1;
	}
	outfile_abort(&json);	/* what was not committed: an earlier file stays */
	outfile_abort(&graph);
	if (cgroup_fd >= 0)
		close(cgroup_fd);
	event_printer_free(&tout.text);
	event_printer_free(&tout.json);
	if (o.trace_mode) {
		/* a SIGPIPE that came while it was blocked must not kill us now */
		sigset_t pipe_set;
		struct timespec zero = { 0, 0 };

		sigemptyset(&pipe_set);
		sigaddset(&pipe_set, SIGPIPE);
		while (sigtimedwait(&pipe_set, NULL, &zero) == SIGPIPE)
			;
	}
	sigprocmask(SIG_SETMASK, &orig_mask, NULL);
	return ret;
}

int cmd_top(int argc, char **argv)
{
	return cmd_record(argc, argv);
}

int cmd_trace(int argc, char **argv)
{
	return cmd_record(argc, argv);
}
