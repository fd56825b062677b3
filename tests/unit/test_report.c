// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* test_report.c - unit tests for user/report.c: the text report (header,
 * OPERATIONS with the errors line, COPY COUNTS, PIPES AND FIFOS, PROCESSES,
 * histograms, "not attached" and DROPPED lines) and the JSON document
 * (values, and that it is valid JSON: a structural check in C, and
 * python3's json module when python3 is installed). The snapshot is built
 * by hand: an anonymous pipe written by one process and read by another. */
#include "test.h"
#include "hist.h"
#include "prom.h"
#include "report.h"

#include <stdlib.h>
#include <unistd.h>

/* Big (ops and per-signal tables): one static snapshot, rebuilt per test.
 * Its rows stay reachable from here, so LeakSanitizer is content even when
 * a test returns early. */
static struct snapshot snap;

static struct snapshot *fresh_snapshot(void)
{
	snapshot_free(&snap);
	memset(&snap, 0, sizeof(snap));
	return &snap;
}

#define OPS(s, kind, op) ((s)->ops[IPC_OP_SLOT(kind, op)])
#define PIPE_INO 16155
#define PIPE_KDEV 13		/* kernel dev_t 0:13, pipefs */
#define WRITER 7336
#define READER 7337

/* One syscall of ns nanoseconds, as the BPF side counts it. */
static void add_call(struct ipc_op_stats *st, uint64_t ns, int64_t ret)
{
	st->calls++;
	st->lat_sum_ns += ns;
	st->lat_slots[hist_slot(ns, IPC_HIST_SLOTS)]++;
	if (ret < 0)
		st->errors++;
	else
		st->bytes += (uint64_t)ret;
}

static void add_proc(struct snapshot *s, uint32_t pid, uint32_t ppid,
		     const char *comm, uint64_t syscalls, uint64_t vol,
		     uint64_t invol, uint32_t flags)
{
	struct ipc_proc_row *p = snapshot_add(s, procs);

	if (!p)
		abort();
	p->tgid = pid;
	p->p.ppid = ppid;
	snprintf(p->p.comm, sizeof(p->p.comm), "%s", comm);
	p->p.syscalls = syscalls;
	p->p.vol_switches = vol;
	p->p.invol_switches = invol;
	p->p.flags = flags;
}

static void add_ep(struct snapshot *s, const struct ipc_obj_key *k,
		   uint32_t pid, uint32_t dir, uint64_t calls, uint64_t bytes)
{
	struct ipc_ep_row *e = snapshot_add(s, eps);

	if (!e)
		abort();
	e->key.obj = *k;
	e->key.tgid = pid;
	e->key.dir = dir;
	e->st.calls = calls;
	e->st.bytes = bytes;
}

static void add_err(struct snapshot *s, uint32_t kind, uint32_t op,
		    int32_t err, uint64_t count)
{
	struct ipc_err_row *e = snapshot_add(s, errs);

	if (!e)
		abort();
	e->key.slot = IPC_OP_SLOT(kind, op);
	e->key.err = err;
	e->count = count;
}

/*
 * The pipe: WRITER (the command, exec'd, exited) writes 3 x 4096 bytes in
 * 1, 2 and 3 us, then gets EPIPE after 10 us; READER (forked, still
 * running) reads 3 x 4096 in 500, 500 and 700 ns, then EOF after 100 us.
 */
static struct snapshot *pipe_snapshot(void)
{
	struct snapshot *s = fresh_snapshot();
	struct ipc_obj_key k = { .kind = IPC_KIND_PIPE, .dev = PIPE_KDEV,
				 .ino = PIPE_INO };
	struct ipc_op_stats *w = &OPS(s, IPC_KIND_PIPE, IPC_OP_WRITE);
	struct ipc_op_stats *r = &OPS(s, IPC_KIND_PIPE, IPC_OP_READ);

	add_call(w, 1000, 4096);
	add_call(w, 2000, 4096);
	add_call(w, 3000, 4096);
	add_call(w, 10000, -32);
	add_call(r, 500, 4096);
	add_call(r, 500, 4096);
	add_call(r, 700, 4096);
	add_call(r, 100000, 0);
	add_err(s, IPC_KIND_PIPE, IPC_OP_WRITE, 32, 1);

	add_ep(s, &k, WRITER, IPC_DIR_IN, 4, 12288);
	add_ep(s, &k, READER, IPC_DIR_OUT, 4, 12288);

	add_proc(s, WRITER, 7335, "writer", 57, 3, 0,
		 IPC_PROC_EXITED | IPC_PROC_EXECED);
	add_proc(s, READER, WRITER, "reader", 1010, 212, 1, IPC_PROC_FORKED);
	return s;
}

static char *const pipe_command[] = { "pipe", "--count", "3", NULL };

static struct probe_info probes_ok[] = {
	{ .name = "tp/syscalls/sys_enter_write", .attached = true },
	{ .name = "tp/syscalls/sys_enter_read", .attached = true },
};

static struct probe_info probes_one_missing[] = {
	{ .name = "tp/syscalls/sys_enter_write", .attached = true },
	{ .name = "tp/syscalls/sys_enter_vmsplice", .attached = false,
	  .reason = "tracepoint not found" },
};

static struct run_info command_run(void)
{
	return (struct run_info){
		.version = "0.1.0",
		.kernel_release = "6.1.0-test",
		.start_time = "2024-01-02T03:04:05Z",
		.duration_s = 1.5,
		.command = pipe_command,
		.command_pid = WRITER,
		.command_exit = 0,
		.command_signal = 0,
		.probes = probes_ok,
		.nprobes = sizeof(probes_ok) / sizeof(probes_ok[0]),
	};
}

/* The snapshot as an output sees it: finished (once; a test builds it whole
 * first) */
static const char *text_report(const struct run_info *ri, struct snapshot *s)
{
	FILE *f = test_capture();

	if (snapshot_finish(s))
		abort();
	report_text(f, ri, s);
	return test_capture_text(f);
}

/* Whether text holds line as one whole line (without its '\n'). */
static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)) != NULL; p++)
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || !p[n]))
			return true;
	return false;
}

/* An ASSERT that shows the report when the line is missing. */
#define ASSERT_LINE(text, line)                                             \
	do {                                                                \
		if (!has_line((text), (line))) {                            \
			test_fail(__FILE__, __LINE__,                       \
				  "no line \"%s\" in:\n%s", (line), (text));\
			return;                                             \
		}                                                           \
	} while (0)

#define ASSERT_NO_SUBSTR(text, needle)                                      \
	do {                                                                \
		if (strstr((text), (needle))) {                             \
			test_fail(__FILE__, __LINE__,                       \
				  "unexpected \"%s\" in:\n%s", (needle),    \
				  (text));                                  \
			return;                                             \
		}                                                           \
	} while (0)

TEST(report_text_header_command)
{
	struct run_info ri = command_run();
	const char *t = text_report(&ri, pipe_snapshot());
	const char *head =
		"ipcscope 0.1.0: traced 'pipe --count 3' (pid 7336) and its "
		"children for 1.50 s on Linux 6.1.0-test\n"
		"command exited with status 0\n"
		"2 processes seen, 0 events dropped\n"
		"\n"
		"OPERATIONS (syscalls on IPC objects)\n";

	ASSERT_TRUE(strncmp(t, head, strlen(head)) == 0);
}

TEST(report_text_operations_rows)
{
	struct run_info ri = command_run();
	const char *t = text_report(&ri, pipe_snapshot());

	ASSERT_LINE(t, "OPERATIONS (syscalls on IPC objects)");
	ASSERT_LINE(t, "  MECH  KIND  OPERATION          CALLS   ERRORS          BYTES    AVG LAT  P99 LAT<=  COPY");
	/* avg 16000/4 ns; p99 is the top of slot 13: 16383 ns */
	ASSERT_LINE(t, "  pipe  anon  write                  4        1          12288     4.0 us    16.4 us  user_to_kernel");
	/* avg 101700/4 ns; p99 is the top of slot 16: 131071 ns */
	ASSERT_LINE(t, "  pipe  anon  read                   4        0          12288    25.4 us   131.1 us  kernel_to_user");
	/* write (op 0) comes before read (op 2) */
	ASSERT_TRUE(strstr(t, "  pipe  anon  write ") < strstr(t, "  pipe  anon  read "));
}

TEST(report_text_errors_line)
{
	struct run_info ri = command_run();
	const char *t = text_report(&ri, pipe_snapshot());

	ASSERT_LINE(t, "  errors: anon write EPIPE x1");
}

TEST(report_text_errors_line_several_and_unnamed)
{
	struct run_info ri = command_run();
	struct snapshot *s = fresh_snapshot();
	const char *t;

	add_call(&OPS(s, IPC_KIND_PIPE, IPC_OP_WRITE), 100, -32);
	add_call(&OPS(s, IPC_KIND_FIFO, IPC_OP_READ), 100, -11);
	add_err(s, IPC_KIND_PIPE, IPC_OP_WRITE, 32, 1);
	add_err(s, IPC_KIND_FIFO, IPC_OP_READ, 11, 3);
	add_err(s, IPC_KIND_FIFO, IPC_OP_READ, 600, 2);	/* no name */
	t = text_report(&ri, s);
	ASSERT_LINE(t, "  errors: anon write EPIPE x1; fifo read EAGAIN x3; fifo read errno 600 x2");
}

TEST(report_text_copy_counts_row)
{
	struct run_info ri = command_run();
	const char *t = text_report(&ri, pipe_snapshot());

	ASSERT_LINE(t, "COPY COUNTS (bytes the kernel copied between user and kernel memory)");
	ASSERT_LINE(t, "  MECH             PAYLOAD   USER->KERNEL   KERNEL->USER      ZERO-COPY  COPIES/BYTE");
	ASSERT_LINE(t, "  pipe               12288          12288          12288              0         2.00");
	ASSERT_LINE(t, "  payload: bytes that entered the objects; a pipe written with write()");
	ASSERT_LINE(t, "  and drained with read() copies each byte twice: 2.00");
}

TEST(report_text_copy_counts_without_payload_is_na)
{
	struct run_info ri = command_run();
	struct snapshot *s = fresh_snapshot();
	const char *t;

	/* reads of bytes written before tracing started */
	add_call(&OPS(s, IPC_KIND_PIPE, IPC_OP_READ), 100, 4096);
	t = text_report(&ri, s);
	ASSERT_LINE(t, "  pipe                   0              0           4096              0          n/a");
}

TEST(report_text_pipe_row_writer_and_reader)
{
	struct run_info ri = command_run();
	const char *t = text_report(&ri, pipe_snapshot());

	ASSERT_LINE(t, "IPC OBJECTS (who talks to whom), by bytes; (n) = calls or faults");
	ASSERT_LINE(t, "  OBJECT                             MECH  KIND     OPS IN     BYTES IN   OPS OUT    BYTES OUT OTHER OPS    FAULTS");
	ASSERT_LINE(t, "  pipe:[16155]                       pipe  anon          4        12288         4        12288         0         0");
	ASSERT_LINE(t, "      writes/sends: 7336 writer (4)");
	ASSERT_LINE(t, "      reads/receives: 7337 reader (4)");
}

TEST(report_text_fifo_name_and_peer_overflow)
{
	struct run_info ri = command_run();
	struct snapshot *s = fresh_snapshot();
	struct ipc_obj_key k = { .kind = IPC_KIND_FIFO, .dev = (8u << 20) | 1,
				 .ino = 1234 };
	const char *t;

	/* five writers: three shown, "+2 more"; a reader not among the
	 * processes shows as "?" */
	for (uint32_t pid = 1; pid <= 5; pid++)
		add_ep(s, &k, pid, IPC_DIR_IN, 1, 2);
	add_ep(s, &k, 99, IPC_DIR_OUT, 1, 0);
	add_proc(s, 1, 0, "a", 0, 0, 0, 0);
	add_proc(s, 2, 0, "b", 0, 0, 0, 0);
	add_proc(s, 3, 0, "c", 0, 0, 0, 0);
	t = text_report(&ri, s);
	ASSERT_LINE(t, "  fifo:[1234]                        pipe  fifo          5           10         1            0         0         0");
	ASSERT_LINE(t, "      writes/sends: 1 a (1), 2 b (1), 3 c (1) +2 more");
	ASSERT_LINE(t, "      reads/receives: 99 ? (1)");
}

TEST(report_text_pipe_without_peers_has_no_peer_lines)
{
	struct run_info ri = command_run();
	struct snapshot *s = fresh_snapshot();
	struct ipc_obj_key k = { .kind = IPC_KIND_PIPE, .ino = 7 };
	const char *t;

	add_ep(s, &k, 5, IPC_DIR_OTHER, 1, 0);	/* neither end: an fstat */
	t = text_report(&ri, s);
	ASSERT_LINE(t, "  pipe:[7]                           pipe  anon          0            0         0            0         1         0");
	ASSERT_TRUE(strstr(t, "writes/sends:") == NULL);
	ASSERT_TRUE(strstr(t, "reads/receives:") == NULL);
}

TEST(report_text_processes_rows)
{
	struct run_info ri = command_run();
	const char *t = text_report(&ri, pipe_snapshot());

	ASSERT_LINE(t, "PROCESSES");
	ASSERT_LINE(t, "      PID    PPID COMM               SYSCALLS   VOL CSW INVOL CSW    FAULTS  SHM FLTS  STATE");
	ASSERT_LINE(t, "     7336    7335 writer                   57         3         0         0         0  exited");
	ASSERT_LINE(t, "     7337    7336 reader                 1010       212         1         0         0  running");
}

/* what SYSCALLS counts: said under the table unless every syscall is */
TEST(report_text_processes_say_what_syscalls_count)
{
	struct run_info ri = command_run();
	struct snapshot *s = pipe_snapshot();
	const char *t = text_report(&ri, s);

	ASSERT_TRUE(strstr(t, "\n  SYSCALLS: the IPC syscalls only (") != NULL);
	ASSERT_TRUE(strstr(t, "--all-syscalls counts every syscall\n") != NULL);
	s->every_syscall = true;
	t = text_report(&ri, s);
	ASSERT_TRUE(strstr(t, "SYSCALLS: the IPC syscalls only") == NULL);
}

TEST(report_text_sections_in_order)
{
	struct run_info ri = command_run();
	const char *t = text_report(&ri, pipe_snapshot());
	const char *ops = strstr(t, "\nOPERATIONS ");
	const char *copies = strstr(t, "\nCOPY COUNTS ");
	const char *procs = strstr(t, "\nPROCESSES\n");
	const char *hist = strstr(t, "\nLATENCY of ");

	ASSERT_TRUE(ops && copies && procs && hist);
	ASSERT_TRUE(ops < copies && copies < procs && procs < hist);
}

TEST(report_text_histograms)
{
	struct run_info ri = command_run();
	const char *t = text_report(&ri, pipe_snapshot());
	const char *w = strstr(t, "\nLATENCY of anon pipe write, syscall entry to exit\n");
	const char *r = strstr(t, "\nLATENCY of anon pipe read, syscall entry to exit\n");

	ASSERT_TRUE(w != NULL);
	ASSERT_TRUE(r != NULL);
	ASSERT_TRUE(w < r);
	ASSERT_LINE(w, "     nsecs               : count    distribution");
	/* write: one call in each of slots 9, 10, 11 and 13 */
	ASSERT_LINE(w, "      8192 -> 16383      : 1        |****************************************|");
	ASSERT_LINE(w, "      4096 -> 8191       : 0        |                                        |");
	/* read: two calls in slot 8, one in 9, one in 16 */
	ASSERT_LINE(r, "       256 -> 511        : 2        |****************************************|");
	ASSERT_LINE(r, "       512 -> 1023       : 1        |********************                    |");
	ASSERT_LINE(r, "     65536 -> 131071     : 1        |********************                    |");
}

TEST(report_text_no_hist)
{
	struct run_info ri = command_run();
	const char *t;

	ri.no_hist = true;
	t = text_report(&ri, pipe_snapshot());
	ASSERT_NO_SUBSTR(t, "LATENCY");
	ASSERT_NO_SUBSTR(t, "nsecs");
	ASSERT_NO_SUBSTR(t, "distribution");
	/* the tables are still there */
	ASSERT_LINE(t, "  pipe  anon  write                  4        1          12288     4.0 us    16.4 us  user_to_kernel");
	ASSERT_LINE(t, "  pipe               12288          12288          12288              0         2.00");
	ASSERT_LINE(t, "PROCESSES");
}

TEST(report_text_no_problem_lines_when_all_well)
{
	struct run_info ri = command_run();
	const char *t = text_report(&ri, pipe_snapshot());

	ASSERT_NO_SUBSTR(t, "not attached");
	ASSERT_NO_SUBSTR(t, "DROPPED");
}

TEST(report_text_not_attached_probe)
{
	struct run_info ri = command_run();
	const char *t;

	ri.probes = probes_one_missing;
	ri.nprobes = sizeof(probes_one_missing) / sizeof(probes_one_missing[0]);
	t = text_report(&ri, pipe_snapshot());
	ASSERT_TRUE(strstr(t, "\n\nnot attached: tp/syscalls/sys_enter_vmsplice: "
			   "tracepoint not found\n") != NULL);
	/* the attached one is not listed */
	ASSERT_NO_SUBSTR(t, "not attached: tp/syscalls/sys_enter_write");
}

TEST(report_text_dropped_line)
{
	struct run_info ri = command_run();
	struct snapshot *s = pipe_snapshot();
	const char *t;

	s->drops[IPC_DROP_ENDPOINT] = 7;
	t = text_report(&ri, s);
	ASSERT_LINE(t, "2 processes seen, 7 events dropped");
	ASSERT_TRUE(strstr(t, "\n\nDROPPED: 7 events (endpoints map full): "
			   "figures are incomplete\n") != NULL);
	/* only the counter that is not zero */
	ASSERT_NO_SUBSTR(t, "inflight map full");
	ASSERT_NO_SUBSTR(t, "processes map full");
}

TEST(report_text_dropped_line_per_counter)
{
	struct run_info ri = command_run();
	struct snapshot *s = pipe_snapshot();
	const char *t;

	s->drops[IPC_DROP_INFLIGHT] = 1;
	s->drops[IPC_DROP_ERRNO] = 20;
	t = text_report(&ri, s);
	ASSERT_LINE(t, "2 processes seen, 21 events dropped");
	ASSERT_LINE(t, "DROPPED: 1 events (inflight map full): figures are incomplete");
	ASSERT_LINE(t, "DROPPED: 20 events (errnos map full): figures are incomplete");
}

/* skipped runs: which programs the kernel skipped, under the line */
static void two_programs_skipped(struct snapshot *s)
{
	s->drops[IPC_DROP_SKIPPED_RUNS] = 5;
	snprintf(s->skipped[0].prog, sizeof(s->skipped[0].prog), "ipc_sys_exit_tp");
	s->skipped[0].runs = 3;
	snprintf(s->skipped[1].prog, sizeof(s->skipped[1].prog), "ipc_switch");
	s->skipped[1].runs = 2;
	s->nskipped = 2;
}

TEST(report_text_skipped_runs_by_program)
{
	struct run_info ri = command_run();
	struct snapshot *s = pipe_snapshot();
	const char *t;

	two_programs_skipped(s);
	t = text_report(&ri, s);
	ASSERT_TRUE(strstr(t, "DROPPED: 5 events (runs of ipcscope's programs the kernel "
			   "skipped: one was already running on that CPU, or a kernel-function "
			   "probe could not run): figures are "
			   "incomplete\n  ipc_sys_exit_tp: 3 runs skipped\n"
			   "  ipc_switch: 2 runs skipped\n") != NULL);
}

TEST(report_text_all_processes_nothing_seen)
{
	struct run_info ri = {
		.version = "0.1.0", .kernel_release = "6.1.0-test",
		.start_time = "2024-01-02T03:04:05Z", .duration_s = 2.0,
		.all = true, .command_exit = -1,
	};

	ASSERT_STREQ(text_report(&ri, fresh_snapshot()),
		     "ipcscope 0.1.0: traced all processes for 2.00 s on Linux 6.1.0-test\n"
		     "0 processes seen, 0 events dropped\n"
		     "\n"
		     "No IPC operations were seen.\n");
}

TEST(report_text_header_pids)
{
	static const pid_t pids[] = { 10, 20 };
	struct run_info ri = {
		.version = "0.1.0", .kernel_release = "6.1.0-test",
		.duration_s = 0.5, .pids = pids, .npids = 2, .command_exit = -1,
	};
	const char *t = text_report(&ri, fresh_snapshot());

	ASSERT_LINE(t, "ipcscope 0.1.0: traced pid 10, pid 20 and their children for 0.50 s on Linux 6.1.0-test");
	ASSERT_NO_SUBSTR(t, "command");
}

TEST(report_text_header_command_killed)
{
	struct run_info ri = command_run();
	const char *t;

	ri.command_exit = -1;
	ri.command_signal = 15;
	t = text_report(&ri, fresh_snapshot());
	ASSERT_LINE(t, "command killed by signal 15");
	ASSERT_NO_SUBSTR(t, "exited with status");
}

TEST(report_text_header_command_still_unknown)
{
	struct run_info ri = command_run();
	const char *t;

	ri.command_exit = -1;
	t = text_report(&ri, fresh_snapshot());
	ASSERT_NO_SUBSTR(t, "command killed");
	ASSERT_NO_SUBSTR(t, "command exited");
}

/* ---- JSON ---- */

static const char *json_report(const struct run_info *ri, struct snapshot *s,
			       int *ret)
{
	FILE *f = test_capture();

	if (snapshot_finish(s))
		abort();
	*ret = report_json(f, ri, s);
	return test_capture_text(f);
}

/*
 * A structural check: one top-level object, braces and brackets balanced
 * and matched outside strings, strings closed, no raw control characters
 * in strings, only white space after the end. NULL if fine, else why not.
 */
static const char *json_structure_error(const char *p)
{
	char stack[256];
	int depth = 0;
	bool in_str = false;

	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	if (*p != '{')
		return "does not start with '{'";
	for (; *p; p++) {
		if (in_str) {
			if (*p == '\\') {
				if (!p[1])
					return "escape at the end";
				p++;
			} else if (*p == '"') {
				in_str = false;
			} else if ((unsigned char)*p < 0x20) {
				return "raw control character in a string";
			}
			continue;
		}
		switch (*p) {
		case '"':
			in_str = true;
			break;
		case '{':
		case '[':
			if (depth == (int)sizeof(stack))
				return "nested too deep";
			stack[depth++] = *p;
			break;
		case '}':
		case ']':
			if (!depth || stack[depth - 1] != (*p == '}' ? '{' : '['))
				return "unmatched closing brace or bracket";
			if (--depth == 0) {
				p++;
				while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
					p++;
				return *p ? "text after the top-level object" : NULL;
			}
			break;
		}
	}
	return in_str ? "unterminated string" : "unbalanced braces";
}

/*
 * The report as JSON, checked for structure, then given to a python script:
 * what the script printed, or NULL when there is no python3 (that check is
 * skipped, and says so). Fails the test on any error.
 */
static const char *json_through_python(const struct run_info *ri, struct snapshot *s,
				       const char *py)
{
	const char *j, *out, *why;
	int ret;

	j = json_report(ri, s, &ret);
	if (ret != 0) {
		test_fail(__FILE__, __LINE__, "report_json returned %d", ret);
		return NULL;
	}
	why = json_structure_error(j);
	if (why)
		test_fail(__FILE__, __LINE__, "%s:\n%s", why, j);
	if (!test_have("python3")) {
		printf("note: no python3, JSON parse check skipped\n");
		return NULL;
	}
	out = test_python_on_json(py, j, &why);
	if (!out)
		test_fail(__FILE__, __LINE__, "%s; the JSON:\n%s", why, j);
	return out;
}

/* Prints the figures of the document, one group per line. */
static const char summary_py[] =
"import json, sys\n"
"d = json.load(open(sys.argv[1]))\n"
"t = d['targets']\n"
"print(d['ipcscope_version'], d['schema_version'], d['kernel_release'],\n"
"      d['start_time'], d['duration_s'])\n"
"print(t['all'], t['pids'], t['command'], t['command_pid'],\n"
"      t['command_exit'], t['command_signal'])\n"
"print([(p['name'], p['attached'], p.get('reason')) for p in d['probes']])\n"
"print(d['drops_total'], [d['drops'][k] for k in ('inflight',\n"
"      'endpoints', 'processes', 'targets', 'errnos')])\n"
"for o in d['operations']:\n"
"    l = o['latency']\n"
"    print(o['mechanism'], o['kind'], o['op'], o['copy'], o['calls'],\n"
"          o['errors'], o['bytes'], o['errnos'], l['sum_ns'],\n"
"          l['p50_ns_le'], l['p99_ns_le'], l['log2_ns'])\n"
"for c in d['copies']:\n"
"    if c['mechanism'] == 'pipe' or c['payload_bytes'] or c['copies_per_byte'] is not None:\n"
"        print(c['mechanism'], c['payload_bytes'], c['user_to_kernel_bytes'],\n"
"              c['kernel_to_user_bytes'], c['zero_copy_bytes'],\n"
"              c['copies_per_byte'])\n"
"for o in d['objects']:\n"
"    print(o['name'], o['mechanism'], o['kind'], o['dev'], o['ino'],\n"
"          o['ops_in'], o['bytes_in'], o['ops_out'], o['bytes_out'])\n"
"    for side in ('writers', 'readers'):\n"
"        print('', side, [(p['pid'], p['comm'], p['calls'], p['bytes'])\n"
"                         for p in o[side]])\n"
"for p in d['processes']:\n"
"    print(p['pid'], p['ppid'], p['comm'], p['syscalls'],\n"
"          p['voluntary_switches'], p['involuntary_switches'],\n"
"          p['forked_while_traced'], p['exec'], p['exited'])\n"
"keys = ('ipcscope_version', 'schema_version', 'kernel_release',\n"
"        'start_time', 'duration_s', 'targets', 'probes', 'drops',\n"
"        'drops_total', 'operations', 'copies', 'objects', 'processes',\n"
"        'syscalls_counted')\n"
"print('missing', [k for k in keys if k not in d])\n";

TEST(report_json_returns_zero_and_is_structurally_valid)
{
	struct run_info ri = command_run();
	const char *why;
	const char *j;
	int ret;

	ri.probes = probes_one_missing;
	j = json_report(&ri, pipe_snapshot(), &ret);
	ASSERT_EQ_I64(ret, 0);
	why = json_structure_error(j);
	if (why)
		test_fail(__FILE__, __LINE__, "%s:\n%s", why, j);
	/* pretty-printed: ends with one newline */
	ASSERT_TRUE(j[0] != '\0' && j[strlen(j) - 1] == '\n');
}

TEST(report_json_key_values)
{
	struct run_info ri = command_run();
	const char *j;
	int ret;

	j = json_report(&ri, pipe_snapshot(), &ret);
	ASSERT_EQ_I64(ret, 0);
	ASSERT_TRUE(strstr(j, "\"copies_per_byte\": 2\n") != NULL);
	ASSERT_TRUE(strstr(j, "\"drops_total\": 0,\n") != NULL);
	ASSERT_TRUE(strstr(j, "\"schema_version\": 2,\n") != NULL);
	ASSERT_TRUE(strstr(j, "\"EPIPE\": 1\n") != NULL);
	ASSERT_TRUE(strstr(j, "\"name\": \"pipe:[16155]\",\n") != NULL);
	ASSERT_TRUE(strstr(j, "\"duration_s\": 1.5,\n") != NULL);
	ASSERT_TRUE(strstr(j, "\"syscalls_counted\": \"ipc\",\n") != NULL);
}

TEST(report_json_startup_null_unless_measured)
{
	struct run_info ri = command_run();
	const char *j;
	int ret;

	j = json_report(&ri, pipe_snapshot(), &ret);
	ASSERT_EQ_I64(ret, 0);
	ASSERT_TRUE(strstr(j, "\"startup\": null") != NULL);
}

TEST(report_json_startup_and_each_programs_load)
{
	static const char *const tps[] = { "sys_enter_write", "sys_enter_read" };
	static const char *const funcs[] = { "__x64_sys_write", "__x64_sys_read" };
	static struct probe_info probes[] = {
		{ .name = "tp/syscalls/sys_enter_* (2 IPC syscalls)", .prog = "ipc_sys_enter_tp",
		  .attached = true, .load_ms = 18.374, .load_part = 1, .tracepoints = tps,
		  .ntracepoints = 2 },
		{ .name = "tp_btf/sys_enter", .prog = "ipc_sys_enter",
		  .standby = true, .load_ms = -1, .load_part = -1 },
		{ .name = "kprobe.multi/__x64_sys_* (2 IPC syscalls)", .prog = "ipc_sys_enter_kp",
		  .attached = true, .load_ms = 17.5, .functions = funcs, .nfunctions = 2 },
	};
	struct startup_times st = { .total_ms = 96.786, .setup_ms = 2.44,
				    .libbpf_ms = 30.63, .load_ms = 60.25,
				    .attach_ms = 3.466, .programs = 13, .parts = 2 };
	struct run_info ri = command_run();
	const char *j;
	int ret;

	ri.probes = probes;
	ri.nprobes = 3;
	ri.startup = &st;
	j = json_report(&ri, pipe_snapshot(), &ret);
	ASSERT_EQ_I64(ret, 0);
	ASSERT_TRUE(strstr(j, "\"program\": \"ipc_sys_enter_tp\",\n") != NULL);
	ASSERT_TRUE(strstr(j, "\"load_ms\": 18.37,\n") != NULL);
	ASSERT_TRUE(strstr(j, "\"load_ms\": null,\n") != NULL);	/* standing by */
	/* which part loaded it: 0 or 1, null when not loaded */
	ASSERT_TRUE(strstr(j, "\"load_ms\": 18.37,\n      \"load_part\": 1,\n") != NULL);
	ASSERT_TRUE(strstr(j, "\"load_ms\": 17.5,\n      \"load_part\": 0,\n") != NULL);
	ASSERT_TRUE(strstr(j, "\"load_ms\": null,\n      \"load_part\": null,\n") != NULL);
	/* where each runs: the tracepoints of one on several, in order */
	ASSERT_TRUE(strstr(j, "\"syscalls:sys_enter_write\",") != NULL);
	ASSERT_TRUE(strstr(j, "\"syscalls:sys_enter_read\"\n") != NULL);
	ASSERT_TRUE(strstr(j, "\"tracepoints\": null,\n") != NULL);	/* one hook */
	/* or the kernel functions of one on several, in order; null else */
	ASSERT_TRUE(strstr(j, "\"functions\": [\n") != NULL);
	ASSERT_TRUE(strstr(j, "\"__x64_sys_write\",") != NULL);
	ASSERT_TRUE(strstr(j, "\"__x64_sys_read\"\n") != NULL);
	ASSERT_TRUE(strstr(j, "\"functions\": null\n") != NULL);
	ASSERT_TRUE(strstr(j, "\"total_ms\": 96.79,\n") != NULL);
	ASSERT_TRUE(strstr(j, "\"libbpf_ms\": 30.63,\n") != NULL);
	ASSERT_TRUE(strstr(j, "\"attach_ms\": 3.47,\n") != NULL);
	ASSERT_TRUE(strstr(j, "\"programs_loaded\": 13,\n") != NULL);
	ASSERT_TRUE(strstr(j, "\"load_parts\": 2\n") != NULL);
}

TEST(report_json_parses_with_python_and_has_every_figure)
{
	struct run_info ri = command_run();
	const char *j, *out, *why;
	int ret;

	if (!test_have("python3")) {
		printf("note: no python3, JSON parse check skipped\n");
		return;
	}
	ri.probes = probes_one_missing;
	ri.nprobes = 2;
	j = json_report(&ri, pipe_snapshot(), &ret);
	ASSERT_EQ_I64(ret, 0);
	out = test_python_on_json(summary_py, j, &why);
	if (!out)
		test_fail(__FILE__, __LINE__, "%s; the JSON:\n%s", why, j);
	ASSERT_TRUE(out != NULL);
	ASSERT_STREQ(out,
		"0.1.0 2 6.1.0-test 2024-01-02T03:04:05Z 1.5\n"
		"False [] ['pipe', '--count', '3'] 7336 0 0\n"
		"[('tp/syscalls/sys_enter_write', True, None), "
		"('tp/syscalls/sys_enter_vmsplice', False, 'tracepoint not found')]\n"
		"0 [0, 0, 0, 0, 0]\n"
		/* p50: the 2nd of 4 calls; p99: the 4th */
		"pipe anon write user_to_kernel 4 1 12288 {'EPIPE': 1} 16000 2047 16383 "
		"[0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 1]\n"
		"pipe anon read kernel_to_user 4 0 12288 {} 101700 511 131071 "
		"[0, 0, 0, 0, 0, 0, 0, 0, 2, 1, 0, 0, 0, 0, 0, 0, 1]\n"
		"pipe 12288 12288 12288 0 2\n"
		/* dev 0:13 is 13 in st_dev's encoding */
		"pipe:[16155] pipe anon 13 16155 4 12288 4 12288\n"
		" writers [(7336, 'writer', 4, 12288)]\n"
		" readers [(7337, 'reader', 4, 12288)]\n"
		"7336 7335 writer 57 3 0 False True True\n"
		"7337 7336 reader 1010 212 1 True False False\n"
		"missing []\n");
}

TEST(report_json_empty_snapshot)
{
	static const pid_t pids[] = { 42 };
	struct run_info ri = {
		.version = "0.1.0", .kernel_release = "6.1.0-test",
		.start_time = "2024-01-02T03:04:05Z", .duration_s = 0.25,
		.pids = pids, .npids = 1, .command_exit = -1,
	};
	const char *j, *why;
	int ret;

	j = json_report(&ri, fresh_snapshot(), &ret);
	ASSERT_EQ_I64(ret, 0);
	why = json_structure_error(j);
	if (why)
		test_fail(__FILE__, __LINE__, "%s:\n%s", why, j);
	/* the arrays are there even when empty; no payload is null */
	ASSERT_TRUE(strstr(j, "\"operations\": [],\n") != NULL);
	ASSERT_TRUE(strstr(j, "\"objects\": [],\n") != NULL);
	ASSERT_TRUE(strstr(j, "\"processes\": [],\n") != NULL);
	ASSERT_TRUE(strstr(j, "\"phases\": null\n") != NULL);
	ASSERT_TRUE(strstr(j, "\"probes\": [],\n") != NULL);
	ASSERT_TRUE(strstr(j, "\"copies_per_byte\": null\n") != NULL);
	ASSERT_TRUE(strstr(j, "\"command\": null\n") != NULL);
	ASSERT_TRUE(strstr(j, "\"drops_total\": 0,\n") != NULL);
	ASSERT_TRUE(strstr(j, "\"pids\": [\n      42\n    ],\n") != NULL);
	/* no command: no command_pid, command_exit or command_signal */
	ASSERT_TRUE(strstr(j, "command_pid") == NULL);
	ASSERT_TRUE(strstr(j, "command_exit") == NULL);
}

TEST(report_json_drops_and_killed_command)
{
	struct run_info ri = command_run();
	struct snapshot *s = pipe_snapshot();
	const char *j;
	int ret;

	ri.command_exit = -1;
	ri.command_signal = 9;
	s->drops[IPC_DROP_PROC] = 4;
	s->drops[IPC_DROP_TARGET] = 1;
	j = json_report(&ri, s, &ret);
	ASSERT_EQ_I64(ret, 0);
	ASSERT_TRUE(strstr(j, "\"processes\": 4,\n") != NULL);
	ASSERT_TRUE(strstr(j, "\"targets\": 1,\n") != NULL);
	ASSERT_TRUE(strstr(j, "\"drops_total\": 5,\n") != NULL);
	ASSERT_TRUE(strstr(j, "\"command_exit\": null,\n") != NULL);
	ASSERT_TRUE(strstr(j, "\"command_signal\": 9\n") != NULL);
	ASSERT_TRUE(strstr(j, "\"skipped_runs_by_program\": {},\n") != NULL);
}

TEST(report_json_skipped_runs_by_program)
{
	struct run_info ri = command_run();
	struct snapshot *s = pipe_snapshot();
	const char *j;
	int ret;

	two_programs_skipped(s);
	j = json_report(&ri, s, &ret);
	ASSERT_EQ_I64(ret, 0);
	ASSERT_TRUE(strstr(j, "\"skipped_runs\": 5") != NULL);
	ASSERT_TRUE(strstr(j, "\"skipped_runs_by_program\": {\n") != NULL);
	ASSERT_TRUE(strstr(j, "\"ipc_sys_exit_tp\": 3,\n") != NULL);
	ASSERT_TRUE(strstr(j, "\"ipc_switch\": 2\n") != NULL);
}

TEST(report_json_strings_escaped)
{
	static char *const cmd[] = { "sh", "-c", "echo \"hi\\\" | cat\n", NULL };
	static const char py[] =
		"import json, sys\n"
		"d = json.load(open(sys.argv[1]))\n"
		"print(ascii(d['targets']['command'][2]))\n"
		"print(ascii(d['processes'][0]['comm']))\n"
		"print(ascii(d['objects'][0]['writers'][0]['comm']))\n"
		"print(ascii(d['probes'][0]['reason']))\n";
	static struct probe_info bad_probe[] = {
		{ .name = "tp/x", .attached = false, .reason = "tab\there \"q\"" },
	};
	struct run_info ri = command_run();
	struct snapshot *s = pipe_snapshot();
	const char *out;

	ri.command = cmd;
	ri.probes = bad_probe;
	ri.nprobes = 1;
	/* a comm may hold any byte but NUL: quotes, controls, bad UTF-8 */
	snprintf(s->procs[0].p.comm, IPC_COMM_LEN, "a\"b\\c\x01\xff");
	out = json_through_python(&ri, s, py);
	if (!out)
		return;
	ASSERT_STREQ(out,
		     "'echo \"hi\\\\\" | cat\\n'\n"
		     "'a\"b\\\\c\\x01\\ufffd'\n"
		     "'a\"b\\\\c\\x01\\ufffd'\n"
		     "'tab\\there \"q\"'\n");
}

TEST(report_json_write_error_returns_minus_one)
{
	struct run_info ri = command_run();
	FILE *full = fopen("/dev/full", "w");
	int ret;

	if (!full) {
		printf("note: no /dev/full, write error test skipped\n");
		return;
	}
	ret = report_json(full, &ri, pipe_snapshot());
	fclose(full);
	ASSERT_EQ_I64(ret, -1);
}

/* ---- time in channel -------------------------------------------------- */

/* The pipe of pipe_snapshot() as a receiving end: 3 samples (2 in slot 10,
 * 1 in slot 20), 1 unmatched, 2 overflow; and a SysV queue with none timed. */
static struct snapshot *chan_snapshot(void)
{
	struct snapshot *s = pipe_snapshot();
	struct ipc_chan_row *c, *q;

	/* each add may move the rows: fill them after the last */
	if (!snapshot_add(s, chans) || !snapshot_add(s, chans))
		abort();
	c = &s->chans[0];
	q = &s->chans[1];
	c->key = (struct ipc_obj_key){ .kind = IPC_KIND_PIPE, .dev = PIPE_KDEV,
				       .ino = PIPE_INO };
	c->st.samples = 3;
	c->st.sum_ns = 1024 + 1500 + 1048576;
	c->st.slots[10] = 2;
	c->st.slots[20] = 1;
	c->st.unmatched = 1;
	c->st.overflow = 2;
	q->key = (struct ipc_obj_key){ .kind = IPC_KIND_SYSV_MSQ, .ino = 5 };
	q->st.unmatched = 4;
	return s;
}

TEST(report_text_time_in_channel_rows)
{
	struct run_info ri = command_run();
	const char *t = text_report(&ri, chan_snapshot());

	ASSERT_LINE(t, "TIME IN CHANNEL (data waiting in the kernel: send syscall entry "
		    "to receive exit; one sample per receive)");
	ASSERT_LINE(t, "  pipe   anon                    3   350.4 us     2.0 us    2.10 ms"
		    "          1         2  (all)");
	ASSERT_LINE(t, "  pipe   anon                    3   350.4 us     2.0 us    2.10 ms"
		    "          1         2  pipe:[16155]");
	/* a kind with misses only: a row, no averages */
	ASSERT_LINE(t, "  msgq   sysv                    0          -          -          -"
		    "          4         0  (all)");
	ASSERT_TRUE(strstr(t, "  unmatched: the data was sent before tracing began") != NULL);
}

TEST(report_text_time_in_channel_histogram_only_with_samples)
{
	struct run_info ri = command_run();
	const char *t = text_report(&ri, chan_snapshot());
	const char *h = strstr(t, "\nTIME IN CHANNEL of anon pipe, send entry to receive exit "
			       "(3 samples)\n");

	ASSERT_TRUE(h != NULL);
	ASSERT_LINE(h, "      1024 -> 2047       : 2        |****************************************|");
	ASSERT_LINE(h, "   1048576 -> 2097151    : 1        |********************                    |");
	ASSERT_NO_SUBSTR(t, "TIME IN CHANNEL of sysv msgq");
	ri.no_hist = true;
	t = text_report(&ri, chan_snapshot());
	ASSERT_NO_SUBSTR(t, "TIME IN CHANNEL of ");
	ASSERT_TRUE(strstr(t, "\nTIME IN CHANNEL (") != NULL);
}

TEST(report_text_no_time_in_channel_section_without_rows)
{
	struct run_info ri = command_run();
	const char *t = text_report(&ri, pipe_snapshot());

	ASSERT_NO_SUBSTR(t, "TIME IN CHANNEL");
}

static const char *chan_json_py =
"import json, sys\n"
"d = json.load(open(sys.argv[1]))\n"
"for r in d['time_in_channel']:\n"
"    print(r['mechanism'], r['kind'], r['samples'], r['unmatched'], r['overflow'],\n"
"          r['latency']['sum_ns'], r['latency']['p50_ns_le'], r['latency']['log2_ns'])\n"
"for o in d['objects']:\n"
"    print(o['name'], o['time_in_channel'] and o['time_in_channel']['samples'])\n"
"print(d['drops']['channels'])\n";

TEST(report_json_time_in_channel)
{
	struct run_info ri = command_run();
	const char *out = json_through_python(&ri, chan_snapshot(), chan_json_py);

	if (!out)
		return;
	ASSERT_STREQ(out,
		     "pipe anon 3 1 2 1051100 2047 [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]\n"
		     "msgq sysv 0 4 0 0 None []\n"
		     "pipe:[16155] 3\n"
		     "0\n");
}

/*
 * Pid 50 reused: "first" (started at 1000 ns) wrote 100 bytes into pipe 1
 * and exited; "second" (2000 ns, exec'd) wrote 200 into pipe 2. Parent 40
 * (started at 10 ns) read both and got a SIGCHLD from each, delivered once.
 */
static struct snapshot *reused_pid_snapshot(void)
{
	struct snapshot *s = fresh_snapshot();
	struct ipc_obj_key k1 = { .kind = IPC_KIND_PIPE, .dev = PIPE_KDEV, .ino = 1 };
	struct ipc_obj_key k2 = { .kind = IPC_KIND_PIPE, .dev = PIPE_KDEV, .ino = 2 };
	static const struct { uint32_t sender; uint64_t sender_start; uint32_t event; } sigs[] = {
		{ 50, 2000, IPC_SIG_DELIVERED }, { 50, 1000, IPC_SIG_DELIVERED },
		{ 0, 0, IPC_SIG_HANDLED },
	};

	add_ep(s, &k1, 50, IPC_DIR_IN, 1, 100);
	s->eps[s->neps - 1].key.start = 1000;
	add_ep(s, &k2, 50, IPC_DIR_IN, 1, 200);
	s->eps[s->neps - 1].key.start = 2000;
	add_ep(s, &k1, 40, IPC_DIR_OUT, 2, 100);
	s->eps[s->neps - 1].key.start = 10;
	add_ep(s, &k2, 40, IPC_DIR_OUT, 2, 200);
	s->eps[s->neps - 1].key.start = 10;
	add_proc(s, 50, 40, "second", 30, 0, 0, IPC_PROC_EXITED | IPC_PROC_FORKED |
		 IPC_PROC_EXECED);
	s->procs[s->nprocs - 1].start = 2000;
	add_proc(s, 40, 1, "parent", 100, 0, 0, IPC_PROC_EXITED | IPC_PROC_EXECED);
	s->procs[s->nprocs - 1].start = 10;
	add_proc(s, 50, 40, "first", 20, 0, 0, IPC_PROC_EXITED | IPC_PROC_FORKED);
	s->procs[s->nprocs - 1].start = 1000;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct ipc_sig_row *r = snapshot_add(s, sigs);

		if (!r)
			abort();
		r->key.sender = sigs[i].sender;
		r->key.sender_start = sigs[i].sender_start;
		r->key.target = 40;
		r->key.target_start = 10;
		r->key.sig = 17;
		r->key.event = sigs[i].event;
		r->key.code = 1;	/* CLD_EXITED */
		r->count = 1;
	}
	snapshot_finish(s);
	return s;
}

TEST(report_text_reused_pid_is_two_processes)
{
	struct run_info ri = command_run();
	const char *t = text_report(&ri, reused_pid_snapshot());

	ASSERT_LINE(t, "3 processes seen, 0 events dropped");
	ASSERT_LINE(t, "       40       1 parent                  100         0         0         0         0  exited");
	ASSERT_LINE(t, "     50.1      40 first                    20         0         0         0         0  exited");
	ASSERT_LINE(t, "     50.2      40 second                   30         0         0         0         0  exited");
	ASSERT_LINE(t, "  PID.N: a pid reused during the run, by N processes in turn (1 started first); each is counted apart");
	/* each pipe's writer is its own process */
	ASSERT_LINE(t, "      writes/sends: 50.1 first (1)");
	ASSERT_LINE(t, "      writes/sends: 50.2 second (1)");
	ASSERT_LINE(t, "      reads/receives: 40 parent (2)");
	/* and so is each SIGCHLD's sender */
	ASSERT_LINE(t, "  50.1 first               40 parent                SIGCHLD   kernel               queued                    1");
	ASSERT_LINE(t, "  50.2 second              40 parent                SIGCHLD   kernel               queued                    1");
}

TEST(report_text_no_reuse_note_without_reuse)
{
	struct run_info ri = command_run();
	const char *t = text_report(&ri, pipe_snapshot());

	ASSERT_NO_SUBSTR(t, "PID.N");
	ASSERT_LINE(t, "      writes/sends: 7336 writer (4)");
}

static const char reused_py[] =
"import json, sys\n"
"d = json.load(open(sys.argv[1]))\n"
"print([(p['pid'], p['start_ns'], p['comm'], p['ppid'], p['exec']) for p in d['processes']])\n"
"for o in d['objects']:\n"
"    print(o['name'], [(w['pid'], w['start_ns'], w['comm'], w['bytes']) for w in o['writers']],\n"
"          [(r['pid'], r['start_ns'], r['comm']) for r in o['readers']])\n"
"print([(s['event'], s['sender'], s['sender_start_ns'], s['target'], s['target_start_ns'])\n"
"       for s in d['signals']])\n";

TEST(report_json_reused_pid_is_two_processes)
{
	struct run_info ri = command_run();
	const char *out = json_through_python(&ri, reused_pid_snapshot(), reused_py);

	if (!out)
		return;
	ASSERT_STREQ(out,
		"[(40, 10, 'parent', 1, True), (50, 1000, 'first', 40, False), "
		"(50, 2000, 'second', 40, True)]\n"
		"pipe:[2] [(50, 2000, 'second', 200)] [(40, 10, 'parent')]\n"
		"pipe:[1] [(50, 1000, 'first', 100)] [(40, 10, 'parent')]\n"
		/* by target, signal, then sender: the delivery (no sender) first */
		"[('delivered', None, None, 40, 10), ('generated', 50, 1000, 40, 10), "
		"('generated', 50, 2000, 40, 10)]\n");
}

/* record --prometheus: names, labels, a histogram of every log2 slot */
TEST(report_prometheus_text_format)
{
	struct run_info ri = command_run();
	struct snapshot *s = pipe_snapshot();
	FILE *f = test_capture();
	const char *t;
	int buckets = 0;

	/* a name with what a terminal or the format would take as its own */
	add_proc(s, 9000, 1, "a\"b\\c\x1b", 5, 1, 2, 0);
	s->drops[IPC_DROP_PROC] = 3;
	if (snapshot_finish(s))
		abort();
	ASSERT_EQ_I64(report_prometheus(f, &ri, s), 0);
	t = test_capture_text(f);
	ASSERT_LINE(t, "# TYPE ipcscope_operation_calls_total counter");
	ASSERT_LINE(t, "ipcscope_operation_calls_total{mechanism=\"pipe\",kind=\"anon\",op=\"write\"} 4");
	ASSERT_LINE(t, "ipcscope_operation_bytes_total{mechanism=\"pipe\",kind=\"anon\",op=\"write\"} 12288");
	ASSERT_LINE(t, "ipcscope_operation_errors_total{mechanism=\"pipe\",kind=\"anon\",op=\"write\",errno=\"EPIPE\"} 1");
	/* the write of 1000 ns is in slot 9: [512, 1024) ns, le 1023 ns */
	ASSERT_LINE(t, "ipcscope_operation_duration_seconds_bucket{mechanism=\"pipe\",kind=\"anon\",op=\"write\",le=\"0.000000511\"} 0");
	ASSERT_LINE(t, "ipcscope_operation_duration_seconds_bucket{mechanism=\"pipe\",kind=\"anon\",op=\"write\",le=\"0.000001023\"} 1");
	/* every bound exactly (2^(i+1) - 1) ns, the highest too (as %.10g it
	   read 549.7558139) */
	ASSERT_LINE(t, "ipcscope_operation_duration_seconds_bucket{mechanism=\"pipe\",kind=\"anon\",op=\"write\",le=\"0.000000001\"} 0");
	ASSERT_LINE(t, "ipcscope_operation_duration_seconds_bucket{mechanism=\"pipe\",kind=\"anon\",op=\"write\",le=\"549.755813887\"} 4");
	ASSERT_LINE(t, "ipcscope_operation_duration_seconds_bucket{mechanism=\"pipe\",kind=\"anon\",op=\"write\",le=\"+Inf\"} 4");
	ASSERT_LINE(t, "ipcscope_operation_duration_seconds_count{mechanism=\"pipe\",kind=\"anon\",op=\"write\"} 4");
	ASSERT_LINE(t, "ipcscope_operation_duration_seconds_sum{mechanism=\"pipe\",kind=\"anon\",op=\"write\"} 0.000016000");
	for (const char *p = t; (p = strstr(p, "_bucket{mechanism=\"pipe\",kind=\"anon\",op=\"read\"")); p++)
		buckets++;
	ASSERT_EQ_I64(buckets, IPC_HIST_SLOTS);
	ASSERT_LINE(t, "ipcscope_copy_bytes_total{mechanism=\"pipe\",direction=\"user_to_kernel\"} 12288");
	ASSERT_LINE(t, "ipcscope_process_syscalls_total{comm=\"writer\",cgroup=\"\"} 57");
	ASSERT_LINE(t, "ipcscope_process_context_switches_total{comm=\"reader\",cgroup=\"\",kind=\"voluntary\"} 212");
	/* escaped for the format, cleaned for a terminal */
	ASSERT_LINE(t, "ipcscope_process_syscalls_total{comm=\"a\\\"b\\\\c?\",cgroup=\"\"} 5");
	ASSERT_LINE(t, "ipcscope_drops_total{map=\"processes\"} 3");
	ASSERT_LINE(t, "ipcscope_drops_total{map=\"skipped_runs\"} 0");
	ASSERT_LINE(t, "ipcscope_build_info{version=\"0.1.0\",kernel=\"6.1.0-test\"} 1");
	ASSERT_TRUE(strchr(t, '\033') == NULL);
	/* without --labels: no pid label, no object series */
	ASSERT_TRUE(strstr(t, "pid=\"") == NULL);
	ASSERT_TRUE(strstr(t, "ipcscope_object_") == NULL);
}

/* --labels pid,object: a series per process, and per object */
TEST(report_prometheus_labels_pid_and_object)
{
	struct run_info ri = command_run();
	struct snapshot *s = pipe_snapshot();
	FILE *f = test_capture();
	const char *t;

	/* a second process named writer: its own series, not a sum */
	add_proc(s, 9000, 1, "writer", 5, 1, 2, 0);
	if (snapshot_finish(s))
		abort();
	ri.prom_pid = ri.prom_object = true;
	ASSERT_EQ_I64(report_prometheus(f, &ri, s), 0);
	t = test_capture_text(f);
	ASSERT_LINE(t, "ipcscope_process_syscalls_total{comm=\"writer\",cgroup=\"\",pid=\"7336\"} 57");
	ASSERT_LINE(t, "ipcscope_process_syscalls_total{comm=\"writer\",cgroup=\"\",pid=\"9000\"} 5");
	ASSERT_LINE(t, "ipcscope_process_context_switches_total{comm=\"reader\",cgroup=\"\",pid=\"7337\",kind=\"voluntary\"} 212");
	ASSERT_LINE(t, "# TYPE ipcscope_object_calls_total counter");
	ASSERT_LINE(t, "ipcscope_object_calls_total{mechanism=\"pipe\",kind=\"anon\",object=\"pipe:[16155]\",id=\"13:16155\",direction=\"in\"} 4");
	ASSERT_LINE(t, "ipcscope_object_calls_total{mechanism=\"pipe\",kind=\"anon\",object=\"pipe:[16155]\",id=\"13:16155\",direction=\"out\"} 4");
	ASSERT_LINE(t, "ipcscope_object_bytes_total{mechanism=\"pipe\",kind=\"anon\",object=\"pipe:[16155]\",id=\"13:16155\",direction=\"in\"} 12288");
	ASSERT_LINE(t, "ipcscope_object_bytes_total{mechanism=\"pipe\",kind=\"anon\",object=\"pipe:[16155]\",id=\"13:16155\",direction=\"out\"} 12288");
	ASSERT_TRUE(strstr(t, "ipcscope_object_page_faults_total{") == NULL);	/* no shm */
}
