/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * options.h - `ipcscope record` command line, parsed into a plain struct.
 * Pure: no I/O but the messages it returns, so unit tests cover it.
 */
#ifndef OPTIONS_H
#define OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define MAX_PIDS 64
#define COMM_LEN 16			/* the kernel's TASK_COMM_LEN, with the NUL */
#define DEFAULT_TOP 25
#define DEFAULT_BUFFER_KB 8192		/* trace: the ring buffer, 8 MiB */
#define MAX_BUFFER_KB (1024 * 1024)

/* The commands that trace: what they share is parsed once (each bit one) */
enum tracing_cmd { CMD_RECORD = 1, CMD_TOP = 2, CMD_TRACE = 4, CMD_EXPORT = 8 };

struct record_opts {
	pid_t pids[MAX_PIDS];		/* -p, repeatable */
	int npids;
	bool all;			/* -a */
	const char *comm;		/* --comm NAME */
	const char *cgroup;		/* --cgroup PATH */
	char **command;			/* after "--": argv of the command, NULL-terminated */
	const char *user;		/* -u USER: the command runs as USER */
	double duration_s;		/* -d; 0 = until the targets exit or Ctrl-C */
	const char *json_path;		/* --json FILE, "-" = stdout */
	const char *graph_path;		/* --graph FILE */
	const char *prom_path;		/* --prometheus FILE, "-" = stdout */
	const char *listen;		/* export --listen ADDR:PORT */
	bool prom_pid;			/* --labels pid: a series per process */
	bool prom_object;		/* --labels object: per IPC object too */
	int graph_format;		/* enum graph_format, from FILE's extension */
	bool no_hist;			/* --no-hist */
	bool by_cgroup;			/* --by cgroup */
	bool time_in_channel;		/* --time-in-channel */
	bool all_syscalls;		/* --all-syscalls */
	unsigned top;			/* --top: objects in the text report, 0 = all */
	bool verbose;			/* -v */
	enum tracing_cmd cmd;		/* which command parsed these */
	/* `ipcscope top`: the same targets, a screen per interval */
	double interval_s;		/* -i, default 1 */
	unsigned count;			/* -n: screens, 0 = until stopped */
	/* `ipcscope trace`: an event per operation */
	uint32_t trace_kinds;		/* -m: the kernel's trace_kinds mask */
	unsigned buffer_kb;		/* --buffer-kb: ring buffer size */
	bool fail_on_drop;		/* --fail-on-drop: exit 3 if events were lost */
	bool wall_clock;		/* -T: wall-clock times */
	bool failed_only;		/* --failed: errors and unqueued signals */
	uint64_t min_latency_ns;	/* --min-latency: 0 = every event */
	bool force;			/* --force: replace an output that is a link */
	/* record --usdt-phase PROVIDER:START,PROVIDER:END: counts by phase,
	   as the traced program marks them with these USDT probes */
	bool usdt_phase;
	char usdt_provider[64], usdt_start[64], usdt_end[64];
	const char *usdt_binary;	/* --usdt-binary FILE: where the probes are */
};

/* `ipcscope trace --fail-on-drop`: the exit status when events were lost */
#define EXIT_EVENTS_LOST 3

enum parse_result {
	PARSE_OK = 0,
	PARSE_HELP = 1,		/* --help: print usage, exit 0 */
	PARSE_ERROR = -1,	/* err holds one line saying what is wrong */
};

/* The options of one tracing command (argv[0] is its name). The command to
 * run, if any, points into argv. */
enum parse_result record_opts_parse(struct record_opts *o, enum tracing_cmd cmd,
				    int argc, char **argv, char *err, size_t errlen);
extern const char record_usage[];
extern const char top_usage[];
extern const char trace_usage[];
extern const char export_usage[];

/*
 * getopt_long returned ':' (an option without its value) or '?' (one it
 * does not know), for a command parsed with opterr = 0 and optstring
 * starting ':': says so in one line, naming 'ipcscope COMMAND --help', and
 * returns 2 (a bad command line).
 */
int option_error(char *const argv[], int opt, const char *command);

/* The output paths (NULL: not asked) of a command that writes several:
 * 0 if at most one is '-' (stdout); else says so in one line, returns 2 */
int outputs_one_stdout(const char *const paths[], size_t n);

#endif /* OPTIONS_H */
