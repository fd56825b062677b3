// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* options.c - parsing `ipcscope record` options, strictly. */
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "events.h"
#include "graph.h"
#include "options.h"
#include "util.h"

const char record_usage[] =
"Usage: ipcscope record [OPTIONS] (-p PID... | --comm NAME | --cgroup PATH |\n"
"                                  -a | -- COMMAND [ARGS...])\n"
"\n"
"Trace inter-process communication in the kernel and print what was counted\n"
"when tracing stops: per operation calls, errors, bytes and a log2 histogram of\n"
"syscall latency; per pipe the bytes written and read and which processes did\n"
"it; per process its syscalls and context switches; and the bytes copied\n"
"between user and kernel memory per mechanism (copy counts).\n"
"\n"
"Targets (at least one):\n"
"  -- COMMAND [ARGS...]  run COMMAND and trace it and every process it forks;\n"
"                        tracing stops when COMMAND exits\n"
"  -u, --user USER       run COMMAND as USER (a name or a uid), with USER's\n"
"                        groups, as strace -u does\n"
"  -p, --pid PID         trace a running process and the children it forks\n"
"                        from now on (repeatable, up to 64); tracing stops when\n"
"                        all of them have exited\n"
"      --comm NAME       trace the processes named NAME (as in ps -o comm, at\n"
"                        most 15 characters): those running now and those that\n"
"                        exec a program of that name later, and their children\n"
"      --cgroup PATH     trace the processes of a cgroup and of the cgroups\n"
"                        below it, e.g. a container or a systemd unit\n"
"                        (/sys/fs/cgroup/system.slice/nginx.service): those in\n"
"                        it now, and, on cgroup v2, those that fork or exec in\n"
"                        it later; and their children\n"
"  -a, --all             trace every process on the system except ipcscope\n"
"  (-p, --comm, --cgroup and a command can be combined; with --comm or\n"
"  --cgroup tracing runs until Ctrl-C or -d)\n"
"\n"
"Options:\n"
"  -d, --duration SECS   stop after SECS seconds (decimals allowed); a command\n"
"                        still running then gets SIGTERM, with the processes\n"
"                        it started (SIGKILL 2 s later if still there)\n"
"      --json FILE       also write the report as JSON to FILE ('-' writes it\n"
"                        to stdout instead of the text report); the schema is\n"
"                        docs/json-schema.md\n"
"  -j                    the same as --json -: JSON on stdout, no text report\n"
"      --prometheus FILE also write the figures in Prometheus's text format,\n"
"                        for node_exporter's textfile collector or a push\n"
"                        ('-': to stdout instead of the text report)\n"
"      --labels LIST     more labels on the Prometheus figures, each a series\n"
"                        more: 'pid' (a process's series by pid, not summed\n"
"                        per name and cgroup), 'object' (per IPC object too:\n"
"                        calls, bytes, faults); comma-separated\n"
"      --graph FILE      also write who talks to whom as a graph: processes and\n"
"                        IPC objects, edges labelled with calls, bytes and\n"
"                        latency; the format is FILE's extension: .dot\n"
"                        (Graphviz), .json (docs/json-schema.md), .svg or .png\n"
"                        (drawn by Graphviz's dot: package graphviz)\n"
"                        Output files are written whole or not at all: into a\n"
"                        new file beside FILE, renamed over it at the end; a\n"
"                        failed run leaves an earlier FILE as it was\n"
"      --force           write over a FILE that is a symbolic link (the link\n"
"                        is replaced, never followed; refused without it)\n"
"      --no-hist         leave the latency histograms out of the text report\n"
"      --by cgroup       group the text report's processes by their cgroup (v2),\n"
"                        each named by its path and the container or systemd\n"
"                        unit the path shows (the JSON always has them)\n"
"      --time-in-channel also measure how long data waits in the kernel between\n"
"                        send and receive (per message for queues and datagram\n"
"                        sockets, by byte position for pipes and Unix streams):\n"
"                        a histogram per channel and per kind. Off by default:\n"
"                        it adds about 0.1 us to each send and receive and\n"
"                        about 0.2 s to start-up; needs Linux 5.12+\n"
"      --all-syscalls    count every syscall of the traced processes (the\n"
"                        SYSCALLS column), not only their IPC syscalls: then\n"
"                        every syscall of every process on the machine runs\n"
"                        ipcscope's programs (about 1.2x the cost of a cheap\n"
"                        syscall, traced or not, against 1.01x without it;\n"
"                        bench/RESULTS.md). Without it only the IPC syscalls'\n"
"                        own functions (kprobe.multi, Linux 6.14+) or else\n"
"                        their tracepoints are used, where the kernel has\n"
"                        them and runs their programs unpreempted (the\n"
"                        tracepoints not on 7.x: 'ipcscope check' says);\n"
"                        --usdt-phase, validate and explain count every syscall\n"
"      --top N           list the N busiest IPC objects in the text report\n"
"                        (default 25, 0 = all; the JSON always has all)\n"
"      --usdt-phase PROVIDER:START,PROVIDER:END\n"
"                        also count syscalls (by name), context switches and\n"
"                        page faults in three phases the traced program marks\n"
"                        with USDT probes (<sys/sdt.h>): before the START\n"
"                        probe first fires, between it and END, and after\n"
"                        END (until START again); e.g. the bundled workloads'\n"
"                        ipcscope:transfer_start,ipcscope:transfer_end. A\n"
"                        syscall counts in the phase it returns in\n"
"      --usdt-binary FILE\n"
"                        the executable or library with those probes (default:\n"
"                        the command's executable, or the one -p process's)\n"
"  -v, --verbose         print libbpf's messages, what was attached, and where\n"
"                        start-up went (the verifier's time for each program)\n"
"  -h, --help            show this help\n"
"\n"
"Ctrl-C (SIGINT) or SIGTERM stops tracing cleanly and prints the report.\n"
"A command that ends by itself ends tracing; what it left running is named.\n"
"Needs root (CAP_BPF, CAP_PERFMON, and CAP_SYS_ADMIN to mount tracefs if it is\n"
"not mounted yet).\n"
"\n"
"Examples:\n"
"  ipcscope record -- sh -c 'head -c 50M /dev/zero | cat > /dev/null'\n"
"  ipcscope record --graph talk.svg -- make -j4\n"
"  ipcscope record -p 1234 -d 10 --json out.json\n"
"  ipcscope record -a -d 5\n";

const char top_usage[] =
"Usage: ipcscope top [OPTIONS] [-p PID... | --comm NAME | --cgroup PATH |\n"
"                               -a | -- COMMAND [ARGS...]]\n"
"       ipcscope top [OPTIONS] [INTERVAL [COUNT]]\n"
"\n"
"A live view of inter-process communication, refreshed every interval: the\n"
"processes that did IPC (IPC syscalls and bytes per second, their\n"
"syscalls (every one with --all-syscalls, else their IPC syscalls), context\n"
"switches and page faults per second; '+' after a name:\n"
"it has exited) and the IPC objects used (operations, bytes in and bytes\n"
"out, page faults per second, processes), busiest first. Without a target:\n"
"every process.\n"
"On a terminal the screen is redrawn; piped, screens follow each other\n"
"without escape codes.\n"
"\n"
"Options:\n"
"  -i, --interval SECS   seconds between screens (default 1, decimals allowed)\n"
"  -n, --count N         stop after N screens (default: until Ctrl-C)\n"
"      --top N           rows per table (default 10, 0 = all)\n"
"      --all-syscalls    count all syscalls per process, not only the IPC\n"
"                        syscalls (see 'ipcscope record --help')\n"
"  -d, --duration SECS   stop after SECS seconds\n"
"  -v, --verbose         print libbpf's messages, what was attached, and where\n"
"                        start-up went (the verifier's time for each program)\n"
"  -h, --help            show this help\n"
"The targets are those of 'ipcscope record' (see its --help). INTERVAL and\n"
"COUNT after the options are -i and -n, as in 'top 2 10' (runqlat's way).\n";

const char trace_usage[] =
"Usage: ipcscope trace [OPTIONS] [-p PID... | --comm NAME | --cgroup PATH |\n"
"                                 -a | -- COMMAND [ARGS...]]\n"
"\n"
"Print one line per IPC operation as it happens: the time (seconds since\n"
"tracing started), the process and thread, its name, the mechanism, the\n"
"operation, the bytes it moved, its duration (syscall entry to exit; for a\n"
"delivered signal, the time since it was generated), its result (the return\n"
"value, the errno name, or what became of a signal) and the object (as\n"
"'ipcscope record' names it). Page faults in shared memory and signals are\n"
"events too. Without a target: every process.\n"
"\n"
"Events go through a ring buffer. When it is full, events are lost: the\n"
"count is printed on stderr at the end (and in the JSON summary), never\n"
"hidden.\n"
"\n"
"Options:\n"
"  -m, --mechanism LIST  only these mechanisms, comma-separated: pipe, msgq,\n"
"                        shm, sem, socket, signal (default: all); filtered in\n"
"                        the kernel, so the others cost no buffer space\n"
"      --json FILE       also write the events as NDJSON to FILE, one object\n"
"                        per line and a last {\"summary\": ...} line ('-'\n"
"                        writes them to stdout instead of the text); the\n"
"                        schema is docs/json-schema.md\n"
"  -j                    the same as --json -: NDJSON on stdout, no text\n"
"  -T                    wall-clock times (local, to the microsecond; in JSON\n"
"                        also \"wall_time\", UTC) instead of seconds since start\n"
"      --failed          only operations that failed (an errno) and signals\n"
"                        the kernel did not queue (ignored, merged, ...)\n"
"      --min-latency D   only operations and deliveries that took D or more,\n"
"                        with its unit: 50us, 1.5ms, 2s (syscall entry to exit;\n"
"                        a delivery: since the signal was generated)\n"
"      --force           write over a FILE that is a symbolic link (the link\n"
"                        is replaced, never followed; refused without it)\n"
"      --buffer-kb N     ring buffer size in KiB: a power of two, at least a\n"
"                        page (4), at most 1048576 (default 8192)\n"
"      --fail-on-drop    exit with status 3 if any event was lost\n"
"  -d, --duration SECS   stop after SECS seconds\n"
"  -v, --verbose         print libbpf's messages, what was attached, and where\n"
"                        start-up went (the verifier's time for each program)\n"
"  -h, --help            show this help\n"
"The targets are those of 'ipcscope record' (see its --help).\n"
"\n"
"Exit status: 0; 1 on an error; 2 on a bad option; 3 with --fail-on-drop when\n"
"events were lost.\n"
"\n"
"Examples:\n"
"  ipcscope trace -- sh -c 'seq 3 | cat'\n"
"  ipcscope trace -m msgq,signal -p 1234\n"
"  ipcscope trace --json - -d 5 > events.ndjson\n";


const char export_usage[] =
"Usage: ipcscope export [OPTIONS] [-p PID... | --comm NAME | --cgroup PATH |\n"
"                                  -a | -- COMMAND [ARGS...]]\n"
"\n"
"Serve the figures record reports, live, in Prometheus's text format: each\n"
"GET /metrics reads the kernel's counters as they are then (the names and\n"
"labels of 'record --prometheus'). Without a target: every process. The\n"
"counters only grow while it runs (a process that exits keeps its figures).\n"
"\n"
"Options:\n"
"      --listen ADDR:PORT  where to serve (default 127.0.0.1:9477; [::1]:9477\n"
"                        for IPv6; port 0: any free one, said on stderr);\n"
"                        an address other than loopback exposes the figures\n"
"                        to whoever can reach it\n"
"      --labels LIST     more labels, each a series more: 'pid', 'object' (see\n"
"                        'ipcscope record --help')\n"
"      --json FILE       also write the run's report as record's JSON when it\n"
"                        stops ('-' for stdout; -j for '--json -')\n"
"      --force           write over a FILE that is a symbolic link\n"
"      --all-syscalls    count all syscalls per process, not only the IPC\n"
"                        syscalls (see 'ipcscope record --help')\n"
"  -d, --duration SECS   stop after SECS seconds\n"
"  -v, --verbose         print libbpf's messages, what was attached, and where\n"
"                        start-up went (the verifier's time for each program)\n"
"  -h, --help            show this help\n"
"The targets are those of 'ipcscope record' (see its --help).\n"
"\n"
"Example:\n"
"  ipcscope export --comm nginx &  curl -s 127.0.0.1:9477/metrics\n";

/* The command an option belongs to, or NULL if cmd (CMD_*) has it too. */
static const char *option_owner(int c, unsigned cmd)
{
	static const struct { int opt; unsigned cmds; } only[] = {
		{ 'i', CMD_TOP }, { 'n', CMD_TOP },
		{ 'J', CMD_RECORD | CMD_TRACE | CMD_EXPORT }, { 'G', CMD_RECORD },
		{ 'H', CMD_RECORD }, { 'Y', CMD_RECORD }, { 'O', CMD_RECORD | CMD_TOP }, { 'W', CMD_RECORD },
		{ 'm', CMD_TRACE }, { 'B', CMD_TRACE }, { 'F', CMD_TRACE },
		{ 'T', CMD_TRACE }, { 'E', CMD_TRACE }, { 'L', CMD_TRACE },
		{ 'P', CMD_RECORD }, { 'K', CMD_RECORD | CMD_EXPORT }, { 'l', CMD_EXPORT },
		{ 'f', CMD_RECORD | CMD_TRACE | CMD_EXPORT },
		{ 'U', CMD_RECORD }, { 'b', CMD_RECORD },
		{ 'S', CMD_RECORD | CMD_TOP | CMD_EXPORT },
	};

	for (size_t i = 0; i < sizeof(only) / sizeof(only[0]); i++) {
		if (only[i].opt != c || (only[i].cmds & cmd))
			continue;
		return only[i].cmds & CMD_RECORD ? "record" :
		       only[i].cmds & CMD_TOP ? "top" :
		       only[i].cmds & CMD_TRACE ? "trace" : "export";
	}
	return NULL;
}

static const char *option_text(int c)
{
	switch (c) {
	case 'i': return "-i/--interval";
	case 'n': return "-n/--count";
	case 'J': return "--json";
	case 'G': return "--graph";
	case 'H': return "--no-hist";
	case 'Y': return "--by";
	case 'K': return "--labels";
	case 'W': return "--time-in-channel";
	case 'S': return "--all-syscalls";
	case 'O': return "--top";
	case 'u': return "-u/--user";
	case 'P': return "--prometheus";
	case 'l': return "--listen";
	case 'T': return "-T";
	case 'E': return "--failed";
	case 'L': return "--min-latency";
	case 'm': return "-m/--mechanism";
	case 'B': return "--buffer-kb";
	case 'F': return "--fail-on-drop";
	case 'f': return "--force";
	case 'U': return "--usdt-phase";
	case 'b': return "--usdt-binary";
	default: return "?";
	}
}

static void __attribute__((format(printf, 3, 4)))
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* The FILE of --json or --prometheus (option c): a name, or '-' for
 * stdout; not an option ("--json -- CMD" would write a file named "--").
 * 0, or -1 with err saying why. */
static int output_path(int c, const char *arg, char *err, size_t errlen)
{
	if (!arg[0]) {
		set_err(err, errlen, "%s needs a file name (or '-' for stdout)",
			option_text(c));
		return -1;
	}
	if (arg[0] == '-' && arg[1]) {
		set_err(err, errlen, "%s needs a file name (or '-' for stdout), "
			"not an option ('%s'); a file whose name starts with '-' "
			"is ./%s", option_text(c), arg, arg);
		return -1;
	}
	return 0;
}

/* -p, -a, --comm, --cgroup, -d: whom to trace and for how long. 0, -1
 * (err says why) or 1 when c is none of them. */
static int target_option(struct record_opts *o, int c, const char *arg, char *err,
			 size_t errlen)
{
	uint64_t v;

	switch (c) {
	case 'p':
		if (parse_u64(arg, 1, INT32_MAX, &v)) {
			set_err(err, errlen, "invalid PID '%s': expected a positive integer", arg);
			return -1;
		}
		if (o->npids == MAX_PIDS) {
			set_err(err, errlen, "too many -p options (at most %d)", MAX_PIDS);
			return -1;
		}
		o->pids[o->npids++] = (pid_t)v;
		break;
	case 'a':
		o->all = true;
		break;
	case 'C':
		if (!arg[0] || strlen(arg) >= COMM_LEN) {
			set_err(err, errlen, "--comm '%s': a process name has 1 to %d characters "
				"(the kernel keeps no more)", arg, COMM_LEN - 1);
			return -1;
		}
		o->comm = arg;
		break;
	case 'g':
		if (!arg[0]) {
			set_err(err, errlen, "--cgroup needs a cgroup directory, e.g. "
				"/sys/fs/cgroup/system.slice/cron.service");
			return -1;
		}
		o->cgroup = arg;
		break;
	case 'd':
		if (parse_seconds(arg, 31536000.0, &o->duration_s)) {
			set_err(err, errlen, "invalid duration '%s': expected seconds above 0 "
				"and at most 31536000 (a year), e.g. 5 or 0.5", arg);
			return -1;
		}
		break;
	default:
		return 1;
	}
	return 0;
}

/* A USDT provider or probe name: a C identifier, at most len - 1 long */
static bool usdt_name(const char *s, size_t n, char *out, size_t len)
{
	if (!n || n >= len || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
			return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

/* --usdt-phase PROVIDER:START,PROVIDER:END (or PROVIDER:START,END) */
static int usdt_phase_option(struct record_opts *o, const char *arg, char *err,
			     size_t errlen)
{
	const char *colon = strchr(arg, ':'), *comma = strchr(arg, ',');
	const char *end, *colon2;
	char provider2[sizeof(o->usdt_provider)];

	if (!colon || !comma || comma < colon ||
	    !usdt_name(arg, colon - arg, o->usdt_provider, sizeof(o->usdt_provider)) ||
	    !usdt_name(colon + 1, comma - colon - 1, o->usdt_start, sizeof(o->usdt_start)))
		goto bad;
	end = comma + 1;
	colon2 = strchr(end, ':');
	if (colon2) {
		if (!usdt_name(end, colon2 - end, provider2, sizeof(provider2)))
			goto bad;
		if (strcmp(provider2, o->usdt_provider)) {
			set_err(err, errlen, "--usdt-phase '%s': the two probes must be of "
				"one provider", arg);
			return -1;
		}
		end = colon2 + 1;
	}
	if (!usdt_name(end, strlen(end), o->usdt_end, sizeof(o->usdt_end)))
		goto bad;
	o->usdt_phase = true;
	return 0;
bad:
	set_err(err, errlen, "--usdt-phase '%s': expected PROVIDER:START,PROVIDER:END "
		"(USDT names: letters, digits and _, at most 63 each)", arg);
	return -1;
}

/* "50us", "1.5ms", "2s", "800ns": nanoseconds, more than 0, at most an
 * hour. -1 if it is not that. */
static int parse_latency(const char *s, uint64_t *ns)
{
	static const struct { const char *unit; double ns; } units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
	};
	char num[32];
	size_t len = strlen(s), digits = strspn(s, "0123456789.");
	double v;

	if (!digits || digits >= sizeof(num) || digits == len)
		return -1;
	memcpy(num, s, digits);
	num[digits] = '\0';
	if (parse_seconds(num, 3600e9, &v))	/* a plain decimal number */
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(s + digits, units[i].unit))
			continue;
		v *= units[i].ns;
		if (v < 1 || v > 3600e9)
			return -1;
		*ns = (uint64_t)(v + 0.5);
		return 0;
	}
	return -1;
}

/* What is shown and how: outputs, top's pace, trace's filters. 0, -1
 * (err says why) or 1 when c is none of them. */
static int view_option(struct record_opts *o, int c, const char *arg, char *err,
		       size_t errlen)
{
	uint64_t v;

	switch (c) {
	case 'm':
		if (trace_kinds_parse(arg, &o->trace_kinds, err, errlen))
			return -1;
		break;
	case 'T':
		o->wall_clock = true;
		break;
	case 'u':
		if (!arg[0]) {
			set_err(err, errlen, "-u needs a user name or id");
			return -1;
		}
		o->user = arg;
		break;
	case 'E':
		o->failed_only = true;
		break;
	case 'L':
		if (parse_latency(arg, &o->min_latency_ns)) {
			set_err(err, errlen, "invalid latency '%s': expected a number and "
				"its unit, ns, us, ms or s (e.g. 50us, 1.5ms), at most 1 hour",
				arg);
			return -1;
		}
		break;
	case 'B':
		if (parse_u64(arg, 4, MAX_BUFFER_KB, &v) || (v & (v - 1))) {
			set_err(err, errlen, "invalid --buffer-kb '%s': expected a power of "
				"two from 4 to %d (KiB)", arg, MAX_BUFFER_KB);
			return -1;
		}
		o->buffer_kb = v;
		break;
	case 'F':
		o->fail_on_drop = true;
		break;
	case 'f':
		o->force = true;
		break;
	case 'i':
		if (parse_seconds(arg, 3600.0, &o->interval_s) || o->interval_s < 0.1) {
			set_err(err, errlen, "invalid interval '%s': expected seconds from 0.1 to 3600", arg);
			return -1;
		}
		break;
	case 'n':
		if (parse_u64(arg, 1, 1000000, &v)) {
			set_err(err, errlen, "invalid count '%s': expected a number of screens >= 1", arg);
			return -1;
		}
		o->count = v;
		break;
	case 'J':
		if (output_path(c, arg, err, errlen))
			return -1;
		o->json_path = arg;
		break;
	case 'j':
		o->json_path = "-";
		break;
	case 'l':
		o->listen = arg;
		break;
	case 'P':
		if (output_path(c, arg, err, errlen))
			return -1;
		o->prom_path = arg;
		break;
	case 'G':
		o->graph_format = graph_format_of(arg);
		if (o->graph_format == GRAPH_FORMAT_NONE) {
			set_err(err, errlen, "--graph '%s': unknown format: the file name must end in .dot, .json, .svg or .png", arg);
			return -1;
		}
		o->graph_path = arg;
		break;
	case 'H':
		o->no_hist = true;
		break;
	case 'K':
		for (const char *p = arg; *p;) {
			size_t n = strcspn(p, ",");

			if (n == 3 && !strncmp(p, "pid", 3)) {
				o->prom_pid = true;
			} else if (n == 6 && !strncmp(p, "object", 6)) {
				o->prom_object = true;
			} else {
				set_err(err, errlen, "--labels '%s': expected pid, object or "
					"both, comma-separated", arg);
				return -1;
			}
			p += n + (p[n] == ',');
		}
		if (!o->prom_pid && !o->prom_object) {
			set_err(err, errlen, "--labels needs pid, object or both");
			return -1;
		}
		break;
	case 'Y':
		if (strcmp(arg, "cgroup")) {
			set_err(err, errlen, "--by '%s': the report groups by cgroup only "
				"(--by cgroup)", arg);
			return -1;
		}
		o->by_cgroup = true;
		break;
	case 'W':
		o->time_in_channel = true;
		break;
	case 'S':
		o->all_syscalls = true;
		break;
	case 'O':
		if (parse_u64(arg, 0, 1000000, &v)) {
			set_err(err, errlen, "invalid --top '%s': expected a number of objects, 0 for all", arg);
			return -1;
		}
		o->top = v;
		break;
	case 'v':
		o->verbose = true;
		break;
	case 'U':
		return usdt_phase_option(o, arg, err, errlen);
	case 'b':
		if (!arg[0]) {
			set_err(err, errlen, "--usdt-binary needs a file");
			return -1;
		}
		o->usdt_binary = arg;
		break;
	default:
		return 1;
	}
	return 0;
}

static enum parse_result parse(struct record_opts *o, enum tracing_cmd cmd,
				int argc, char **argv, char *err, size_t errlen)
{
	static const struct option longopts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "all", no_argument, NULL, 'a' },
		{ "comm", required_argument, NULL, 'C' },
		{ "cgroup", required_argument, NULL, 'g' },
		{ "duration", required_argument, NULL, 'd' },
		{ "json", required_argument, NULL, 'J' },
		{ "graph", required_argument, NULL, 'G' },
		{ "no-hist", no_argument, NULL, 'H' },
		{ "by", required_argument, NULL, 'Y' },
		{ "labels", required_argument, NULL, 'K' },
		{ "time-in-channel", no_argument, NULL, 'W' },
		{ "all-syscalls", no_argument, NULL, 'S' },
		{ "top", required_argument, NULL, 'O' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'n' },
		{ "mechanism", required_argument, NULL, 'm' },
		{ "buffer-kb", required_argument, NULL, 'B' },
		{ "fail-on-drop", no_argument, NULL, 'F' },
		{ "force", no_argument, NULL, 'f' },
		{ "user", required_argument, NULL, 'u' },
		{ "prometheus", required_argument, NULL, 'P' },
		{ "listen", required_argument, NULL, 'l' },
		{ "failed", no_argument, NULL, 'E' },
		{ "min-latency", required_argument, NULL, 'L' },
		{ "usdt-phase", required_argument, NULL, 'U' },
		{ "usdt-binary", required_argument, NULL, 'b' },
		{ 0 },
	};
	bool top_mode = cmd == CMD_TOP, trace_mode = cmd == CMD_TRACE;
	bool export_mode = cmd == CMD_EXPORT;
	const char *name = top_mode ? "top" : trace_mode ? "trace" :
			   export_mode ? "export" : "record";
	const char *owner;
	int c, r;

	memset(o, 0, sizeof(*o));
	o->top = top_mode ? 10 : DEFAULT_TOP;
	o->cmd = cmd;
	o->trace_kinds = trace_kinds_all();
	o->buffer_kb = DEFAULT_BUFFER_KB;
	o->interval_s = 1;
	err[0] = '\0';
	optind = 0;	/* glibc: restart the scan (tests parse many times) */
	opterr = 0;	/* our messages, not getopt's */
	/* "+": stop at the first non-option, which starts the command */
	while ((c = getopt_long(argc, argv, top_mode ? "+:p:ad:vhi:n:u:" :
				trace_mode ? "+:p:ad:vhm:jTu:" :
				export_mode ? "+:p:ad:vhju:" : "+:p:ad:vhju:",
				longopts, NULL)) != -1) {
		/* record's outputs are not top's, top's pace is not record's... */
		owner = option_owner(c, cmd);
		if (owner) {
			set_err(err, errlen, "%s is an option of 'ipcscope %s', not of this "
				"command", option_text(c), owner);
			return PARSE_ERROR;
		}
		if (c == 'h')
			return PARSE_HELP;
		if (c == ':') {
			set_err(err, errlen, "option '%s' needs a value", argv[optind - 1]);
			return PARSE_ERROR;
		}
		r = target_option(o, c, optarg, err, errlen);
		if (r > 0)
			r = view_option(o, c, optarg, err, errlen);
		if (r < 0)
			return PARSE_ERROR;
		if (r > 0) {
			/* a short option inside a cluster (-xv): optind has not moved yet */
			if (optopt)
				set_err(err, errlen, "unknown option '-%c' (see 'ipcscope %s --help')",
					optopt, name);
			else
				set_err(err, errlen, "unknown option '%s' (see 'ipcscope %s --help')",
					argv[optind - 1], name);
			return PARSE_ERROR;
		}
	}
	/* top 2 10, as runqlat 2 10: an interval and a count, not a command
	   (one that is a number goes after --) */
	if (top_mode && optind < argc && strcmp(argv[optind - 1], "--") &&
	    !parse_seconds(argv[optind], 3600.0, &(double){ 0 })) {
		if (view_option(o, 'i', argv[optind++], err, errlen) ||
		    (optind < argc && view_option(o, 'n', argv[optind++], err, errlen)))
			return PARSE_ERROR;
		if (optind < argc) {
			set_err(err, errlen, "top takes at most [INTERVAL [COUNT]] after its "
				"options: '%s' is one too many (a command goes after --)",
				argv[optind]);
			return PARSE_ERROR;
		}
	}
	if (optind < argc)
		o->command = &argv[optind];
	if (o->json_path && o->prom_path && !strcmp(o->json_path, "-") &&
	    !strcmp(o->prom_path, "-")) {
		set_err(err, errlen, "--json - and --prometheus - both want stdout: "
			"give one of them a file");
		return PARSE_ERROR;
	}
	if (cmd == CMD_RECORD && (o->prom_pid || o->prom_object) && !o->prom_path) {
		set_err(err, errlen, "--labels shapes the Prometheus figures: give "
			"--prometheus FILE too");
		return PARSE_ERROR;
	}
	if (o->usdt_binary && !o->usdt_phase) {
		set_err(err, errlen, "--usdt-binary names where the probes of "
			"--usdt-phase are: give --usdt-phase too");
		return PARSE_ERROR;
	}
	if (o->usdt_phase && !o->usdt_binary && !o->command && o->npids != 1) {
		set_err(err, errlen, "--usdt-phase: give --usdt-binary FILE (the probes "
			"are looked for in the command's executable, or the one -p "
			"process's)");
		return PARSE_ERROR;
	}
	if (o->user && !o->command) {
		set_err(err, errlen, "-u runs the command as USER: give it after -- COMMAND");
		return PARSE_ERROR;
	}
	if (o->all && (o->npids || o->comm || o->cgroup)) {
		set_err(err, errlen, "-a already traces every process: drop %s",
			o->npids ? "-p" : o->comm ? "--comm" : "--cgroup");
		return PARSE_ERROR;
	}
	if ((top_mode || trace_mode || export_mode) && !o->all && !o->npids && !o->command &&
	    !o->comm && !o->cgroup)
		o->all = true;	/* top, trace: the whole system, unless told otherwise */
	if (!o->all && !o->npids && !o->command && !o->comm && !o->cgroup) {
		set_err(err, errlen, "no target: give -p PID, --comm NAME, --cgroup PATH, -a, "
			"or -- COMMAND (see 'ipcscope record --help')");
		return PARSE_ERROR;
	}
	return PARSE_OK;
}

enum parse_result record_opts_parse(struct record_opts *o, enum tracing_cmd cmd,
				    int argc, char **argv, char *err, size_t errlen)
{
	enum parse_result r = parse(o, cmd, argc, argv, err, errlen);

	/* one line, whatever the arguments it quotes hold (a newline, ESC) */
	if (r == PARSE_ERROR && errlen)
		text_clean_inplace(err, errlen);
	return r;
}

int option_error(char *const argv[], int opt, const char *command)
{
	if (opt == ':')
		errorf("option '%s' needs a value", argv[optind - 1]);
	else if (optopt)
		errorf("unknown option '-%c' (see 'ipcscope %s --help')", optopt, command);
	else
		errorf("unknown option '%s' (see 'ipcscope %s --help')", argv[optind - 1],
		       command);
	return 2;
}

int outputs_one_stdout(const char *const paths[], size_t n)
{
	size_t dashes = 0;

	for (size_t i = 0; i < n; i++)
		dashes += paths[i] && !strcmp(paths[i], "-");
	if (dashes <= 1)
		return 0;
	errorf("only one of --json, --markdown and --svg can go to stdout ('-')");
	return 2;
}
