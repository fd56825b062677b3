// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * record.c - `ipcscope record`: check the request, attach, run or follow the
 * targets until they exit, time runs out or a signal says stop (targets.c),
 * then detach, read the maps once and write the reports: text, JSON, graph.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include "commands.h"
#include "graph.h"
#include "options.h"
#include "outfile.h"
#include "prom.h"
#include "report.h"
#include "runner.h"
#include "targets.h"
#include "util.h"

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
			 const struct snapshot *snap, struct outfile *json,
			 struct outfile *prom)
{
	bool on_stdout = (json->f && outfile_is_stdout(json)) ||
			 (prom->f && outfile_is_stdout(prom));

	if (!on_stdout) {
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
	if (prom->f && report_prometheus(prom->f, ri, snap)) {
		errorf("cannot write the Prometheus figures to '%s': %s", o->prom_path,
		       strerror(errno ? errno : EIO));
		return -EIO;
	}
	return 0;
}

int cmd_record(int argc, char **argv)
{
	struct outfile json = { 0 }, graph = { 0 }, prom = { 0 };
	struct session_config cfg = { 0 };
	struct snapshot snap = { 0 };
	struct run_info ri = { 0 };
	struct record_opts o;
	struct tracing t;
	struct utsname uts;
	int status, ret = 1;

	status = tracing_begin(&t, &o, CMD_RECORD, argc, argv, record_usage);
	if (status >= 0)
		return status;

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
	if (o.prom_path && outfile_open(&prom, o.prom_path, "the Prometheus figures",
					o.force)) {
		outfile_abort(&graph);
		outfile_abort(&json);
		return 1;
	}
	if (tracing_start(&t, &cfg))
		goto out;
	tracing_wait_until(&t, tracing_end_of_duration(&t));
	stop_tree(&t.c);

	/*
	 * Detached before the maps are read: the report is of the run, and
	 * our own reads must not make the kernel skip programs (on 7.x, a
	 * bpf() call preempted while it copies a map value blocks the
	 * classic tracepoints' programs on its CPU: skipped runs, counted)
	 */
	session_detach(t.s);
	if (tracing_read(&t, &snap, &ri, &uts))
		goto out;
	if (write_reports(&o, &ri, &snap, &json, &prom) == 0 &&
	    (!o.graph_path || write_graph(&o, &snap, &graph, &t.orig_mask) == 0) &&
	    outfile_commit(&json) == 0 && outfile_commit(&graph) == 0 &&
	    outfile_commit(&prom) == 0)
		ret = 0;
out:
	outfile_abort(&json);	/* what was not committed: an earlier file stays */
	outfile_abort(&graph);
	outfile_abort(&prom);
	tracing_end(&t);
	snapshot_free(&snap);
	return ret;
}
