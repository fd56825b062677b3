// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* test_events.c - unit tests for user/events.c (`ipcscope trace`): the -m
 * filter, text and NDJSON lines for each kind of event, object names looked
 * up once, the summary, what the aggregation counted; and trace's options
 * in user/options.c. */
#include "test.h"
#include "events.h"
#include "options.h"

#include <stdlib.h>
#include <time.h>

#define K(kind) (1U << (kind))

TEST(events_kinds_parse)
{
	char err[256] = "";
	uint32_t kinds = 0;

	ASSERT_EQ_I64(trace_kinds_parse("pipe", &kinds, err, sizeof(err)), 0);
	ASSERT_EQ_U64(kinds, K(IPC_KIND_PIPE) | K(IPC_KIND_FIFO));
	ASSERT_EQ_I64(trace_kinds_parse("msgq,signal", &kinds, err, sizeof(err)), 0);
	ASSERT_EQ_U64(kinds, K(IPC_KIND_SYSV_MSQ) | K(IPC_KIND_POSIX_MQ) | IPC_TRACE_SIGNALS);
	ASSERT_EQ_I64(trace_kinds_parse("socket", &kinds, err, sizeof(err)), 0);
	ASSERT_EQ_U64(kinds, K(IPC_KIND_UNIX_STREAM) | K(IPC_KIND_UNIX_DGRAM) |
		      K(IPC_KIND_UNIX_SEQPACKET) | K(IPC_KIND_TCP) | K(IPC_KIND_UDP));
	ASSERT_EQ_I64(trace_kinds_parse("pipe,msgq,shm,sem,socket,signal", &kinds, err,
					sizeof(err)), 0);
	ASSERT_EQ_U64(kinds, trace_kinds_all());
	ASSERT_TRUE(!(trace_kinds_all() & K(IPC_KIND_NONE)));
}

TEST(events_kinds_parse_errors)
{
	char err[256] = "";
	uint32_t kinds = 7;

	ASSERT_EQ_I64(trace_kinds_parse("pipes", &kinds, err, sizeof(err)), -1);
	ASSERT_STREQ(err, "-m 'pipes': unknown mechanism: expected a comma-separated "
		     "list of pipe, msgq, shm, sem, socket, signal");
	ASSERT_EQ_I64(trace_kinds_parse("pipe,", &kinds, err, sizeof(err)), -1);
	ASSERT_TRUE(strncmp(err, "-m '': unknown mechanism", 24) == 0);
	ASSERT_EQ_I64(trace_kinds_parse("", &kinds, err, sizeof(err)), -1);
	ASSERT_EQ_U64(kinds, 7);	/* untouched on error */
}

static struct ipc_event op_event(uint32_t kind, uint64_t ino, uint32_t op,
				 int64_t ret, uint64_t bytes, uint64_t dur)
{
	struct ipc_event e = {
		.ts_ns = 1000 + 1234567891, .dur_ns = dur, .bytes = bytes, .ret = ret,
		.obj = { .kind = kind, .dev = 15, .ino = ino },
		.tgid = 4242, .pid = 4243, .type = IPC_EVENT_OP, .op = op,
	};

	memcpy(e.comm, "writer", 7);
	return e;
}

#define HEADER "     TIME(s)     PID     TID COMM            MECH   OPERATION        BYTES  DURATION  RESULT          OBJECT\n"

TEST(events_text_lines)
{
	struct event_printer p;
	FILE *f = test_capture();
	struct ipc_event w = op_event(IPC_KIND_PIPE, 123, IPC_OP_WRITE, 100, 100, 973);
	struct ipc_event r = op_event(IPC_KIND_PIPE, 123, IPC_OP_READ, -11, 0, 1250000);
	struct ipc_event m = op_event(IPC_KIND_SYSV_MSQ, 5, IPC_OP_MSGSND, 0, 64, 1049);

	ASSERT_EQ_I64(event_printer_init(&p, f, false, 1000, NULL, NULL), 0);
	event_print_header(&p);
	event_print(&p, &w);
	event_print(&p, &r);
	event_print(&p, &m);
	ASSERT_EQ_U64(p.events, 3);
	event_printer_free(&p);
	ASSERT_STREQ(test_capture_text(f), HEADER
		"    1.234567    4242    4243 writer          pipe   write              100    973 ns  100             pipe:[123]\n"
		"    1.234567    4242    4243 writer          pipe   read                 0   1.25 ms  EAGAIN          pipe:[123]\n"
		"    1.234567    4242    4243 writer          msgq   msgsnd              64    1.0 us  0               msq:5\n");
}

TEST(events_text_signal_fault_and_negative_time)
{
	struct event_printer p;
	FILE *f = test_capture();
	struct ipc_event g = { .ts_ns = 500, .dur_ns = IPC_EVENT_NO_DURATION,
			       .tgid = 1, .pid = 1, .type = IPC_EVENT_SIGNAL,
			       .op = IPC_SIG_ALREADY_PENDING, .sig = 10, .sig_target = 77 };
	struct ipc_event d = { .ts_ns = 3000000000ULL, .dur_ns = 2500000000ULL,
			       .tgid = 77, .pid = 78, .type = IPC_EVENT_SIGNAL,
			       .op = IPC_SIG_HANDLED, .sig = 10, .sig_target = 77 };
	struct ipc_event pf = { .ts_ns = 2000, .dur_ns = IPC_EVENT_NO_DURATION,
				.obj = { .kind = IPC_KIND_SYSV_SHM, .ino = 9 },
				.tgid = 5, .pid = 5, .type = IPC_EVENT_FAULT,
				.dir = IPC_DIR_FAULT };

	memcpy(g.comm, "a b\x1b", 4);
	memcpy(d.comm, "target", 7);
	memcpy(pf.comm, "shm", 4);
	ASSERT_EQ_I64(event_printer_init(&p, f, false, 1500, NULL, NULL), 0);
	event_print(&p, &g);
	event_print(&p, &d);
	event_print(&p, &pf);
	event_printer_free(&p);
	ASSERT_STREQ(test_capture_text(f),
		"   -0.000001       1       1 a_b?            signal generate             -         -  already_pending SIGUSR1 -> 77\n"
		"    2.999998      77      78 target          signal deliver              -    2.50 s  delivered       SIGUSR1 -> 77\n"
		"    0.000000       5       5 shm             shm    page_fault           -         -  -               shm:9\n");
}

TEST(events_json_lines)
{
	struct event_printer p;
	FILE *f = test_capture();
	struct ipc_event w = op_event(IPC_KIND_PIPE, 123, IPC_OP_WRITE, 100, 100, 973);
	struct ipc_event r = op_event(IPC_KIND_PIPE, 123, IPC_OP_READ, -4, 0, 5);
	struct ipc_event g = { .ts_ns = 2000, .dur_ns = IPC_EVENT_NO_DURATION,
			       .tgid = 1, .pid = 2, .type = IPC_EVENT_SIGNAL,
			       .op = IPC_SIG_DELIVERED, .sig = 15, .sig_target = 3,
			       .sig_code = 0 };
	struct ipc_event pf = { .ts_ns = 1000, .dur_ns = IPC_EVENT_NO_DURATION,
				.obj = { .kind = IPC_KIND_SHARED_ANON, .dev = 1, .ino = 9 },
				.tgid = 5, .pid = 5, .type = IPC_EVENT_FAULT };

	memcpy(r.comm, "q\"\\\n\xff\xc3\xa9", 8);	/* quote, backslash, newline, bad byte, é */
	memcpy(g.comm, "kill", 5);
	memcpy(pf.comm, "shm", 4);
	ASSERT_EQ_I64(event_printer_init(&p, f, true, 1000, NULL, NULL), 0);
	event_print_header(&p);		/* nothing in JSON */
	event_print(&p, &w);
	event_print(&p, &r);
	event_print(&p, &g);
	event_print(&p, &pf);
	event_print_summary(&p, 7, 11);
	event_printer_free(&p);
	ASSERT_STREQ(test_capture_text(f),
		"{\"time_ns\":1234567891,\"pid\":4242,\"tid\":4243,\"comm\":\"writer\",\"mechanism\":\"pipe\","
		"\"op\":\"write\",\"kind\":\"anon\",\"object\":\"pipe:[123]\",\"dev\":15,\"ino\":123,"
		"\"bytes\":100,\"duration_ns\":973,\"ret\":100,\"errno\":null}\n"
		"{\"time_ns\":1234567891,\"pid\":4242,\"tid\":4243,\"comm\":\"q\\\"\\\\\\n\\ufffd\xc3\xa9\","
		"\"mechanism\":\"pipe\",\"op\":\"read\",\"kind\":\"anon\",\"object\":\"pipe:[123]\","
		"\"dev\":15,\"ino\":123,\"bytes\":0,\"duration_ns\":5,\"ret\":-4,\"errno\":\"EINTR\"}\n"
		"{\"time_ns\":1000,\"pid\":1,\"tid\":2,\"comm\":\"kill\",\"mechanism\":\"signal\","
		"\"op\":\"generate\",\"signal\":\"SIGTERM\",\"sig\":15,\"target\":3,\"result\":\"queued\","
		"\"origin\":\"kill\",\"duration_ns\":null}\n"
		"{\"time_ns\":0,\"pid\":5,\"tid\":5,\"comm\":\"shm\",\"mechanism\":\"shm\","
		"\"op\":\"page_fault\",\"kind\":\"anon\",\"object\":\"anon:[9]\",\"dev\":1,\"ino\":9}\n"
		"{\"summary\":{\"events\":4,\"shown\":4,\"dropped\":7,\"counted\":11}}\n");
}

/* Each line is a JSON document of its own (NDJSON), odd bytes included. */
TEST(events_json_lines_parse)
{
	struct event_printer p;
	FILE *f = test_capture();
	struct ipc_event r = op_event(IPC_KIND_FIFO, 8, IPC_OP_READ, -512, 0, 5);
	const char *why = "", *out, *text;
	char *copy, *save = NULL;
	int n = 0, bad = 0;

	memcpy(r.comm, "\x01\x7f\xe2\x82", 5);	/* control, DEL, a cut sequence */
	ASSERT_EQ_I64(event_printer_init(&p, f, true, 0, NULL, NULL), 0);
	event_print(&p, &r);
	event_print_summary(&p, 0, 1);
	event_printer_free(&p);
	text = test_capture_text(f);
	ASSERT_TRUE(strstr(text, "\"comm\":\"\\u0001\x7f\\ufffd\\ufffd\"") != NULL);
	ASSERT_TRUE(strstr(text, "\"errno\":\"ERESTARTSYS\"") != NULL);
	ASSERT_TRUE(strstr(text, "\"object\":\"fifo:[8]\"") != NULL);
	if (!test_have("python3"))
		return;
	copy = strdup(text);
	ASSERT_TRUE(copy != NULL);
	for (char *line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), n++) {
		out = test_python_on_json("print('ok')", line, &why);
		bad += !out || strcmp(out, "ok\n") != 0;
	}
	free(copy);
	ASSERT_EQ_I64(bad, 0);
	ASSERT_EQ_I64(n, 2);
}

static int lookups;

static int fake_lookup(void *ctx, const struct ipc_obj_key *key,
		       struct ipc_obj_info *info, struct ipc_sock_info *sock)
{
	(void)ctx;
	lookups++;
	if (key->kind == IPC_KIND_FIFO) {
		info->sysv_key = -1;
		snprintf(info->name, sizeof(info->name), "myfifo");
		return EVENT_FOUND_INFO;
	}
	if (key->kind == IPC_KIND_UNIX_STREAM) {
		sock->family = 1;	/* AF_UNIX */
		if (key->ino == 2)	/* connected: final */
			sock->peer_ino = 3;
		snprintf(sock->peer_path, sizeof(sock->peer_path), "/run/x.sock");
		return EVENT_FOUND_SOCK;
	}
	return 0;
}

TEST(events_names_looked_up_once)
{
	struct event_printer p;
	FILE *f = test_capture();
	struct ipc_event fifo = op_event(IPC_KIND_FIFO, 7, IPC_OP_WRITE, 1, 1, 10);
	struct ipc_event pipe = op_event(IPC_KIND_PIPE, 7, IPC_OP_WRITE, 1, 1, 10);
	struct ipc_event conn = op_event(IPC_KIND_UNIX_STREAM, 2, IPC_OP_SENDTO, 1, 1, 10);
	struct ipc_event early = op_event(IPC_KIND_UNIX_STREAM, 4, IPC_OP_SENDTO, 1, 1, 10);
	const char *text;

	lookups = 0;
	ASSERT_EQ_I64(event_printer_init(&p, f, false, 0, fake_lookup, NULL), 0);
	for (int i = 0; i < 3; i++) {
		event_print(&p, &fifo);
		event_print(&p, &pipe);
		event_print(&p, &conn);
	}
	ASSERT_EQ_I64(lookups, 2);	/* pipes need none; the others once */
	event_print(&p, &early);
	event_print(&p, &early);
	ASSERT_EQ_I64(lookups, 4);	/* not final yet: asked again */
	event_printer_free(&p);
	text = test_capture_text(f);
	ASSERT_TRUE(strstr(text, " fifo:myfifo\n") != NULL);
	ASSERT_TRUE(strstr(text, " pipe:[7]\n") != NULL);
	ASSERT_TRUE(strstr(text, " unix:->/run/x.sock [2]\n") != NULL);
	ASSERT_TRUE(strstr(text, " unix:->/run/x.sock [4]\n") != NULL);
}

/* More objects than the cache holds: it starts again, names stay right. */
TEST(events_name_cache_full)
{
	struct event_printer p;
	FILE *f = test_capture();
	char want[64];

	lookups = 0;
	ASSERT_EQ_I64(event_printer_init(&p, f, false, 0, fake_lookup, NULL), 0);
	for (uint64_t ino = 1; ino <= 5000; ino++) {
		struct ipc_event e = op_event(IPC_KIND_FIFO, ino, IPC_OP_READ, 0, 0, 1);

		event_print(&p, &e);
	}
	event_printer_free(&p);
	ASSERT_EQ_I64(lookups, 5000);
	snprintf(want, sizeof(want), " fifo:myfifo\n");
	ASSERT_TRUE(strstr(test_capture_text(f), want) != NULL);
}

TEST(events_summary_text)
{
	FILE *f = test_capture();

	trace_summary_text(f, 10, 10, 0, 10, 8192, NULL);
	trace_summary_text(f, 10, 10, 5, 15, 4, NULL);
	trace_summary_text(f, 10, 10, 0, 12, 4, "the rest was not");
	trace_summary_text(f, 10, 3, 0, 10, 8192, NULL);
	ASSERT_STREQ(test_capture_text(f),
		"ipcscope: 10 events, 0 lost\n"
		"ipcscope: 10 events, 5 lost (the 4 KiB ring buffer was full: a larger "
		"--buffer-kb, a narrower -m or fewer targets help)\n"
		"ipcscope: 10 events, 0 lost; the kernel counted 12 (a map was full, or "
		"events came after the end); the output failed: the rest was not\n"
		"ipcscope: 10 events (3 shown: --failed, --min-latency), 0 lost\n");
}

TEST(events_counted_by_kind)
{
	struct snapshot s;
	struct ipc_ep_row *f;
	struct ipc_sig_row *g;

	memset(&s, 0, sizeof(s));
	s.ops[IPC_OP_SLOT(IPC_KIND_PIPE, IPC_OP_WRITE)].calls = 10;
	s.ops[IPC_OP_SLOT(IPC_KIND_FIFO, IPC_OP_READ)].calls = 3;
	s.ops[IPC_OP_SLOT(IPC_KIND_SYSV_MSQ, IPC_OP_MSGSND)].calls = 100;
	f = snapshot_add(&s, eps);
	ASSERT_TRUE(f != NULL);
	f->key.obj.kind = IPC_KIND_SYSV_SHM;
	f->key.dir = IPC_DIR_FAULT;
	f->st.calls = 256;
	g = snapshot_add(&s, sigs);
	ASSERT_TRUE(g != NULL);
	g->count = 2;
	ASSERT_EQ_I64(snapshot_finish(&s), 0);
	ASSERT_EQ_U64(events_counted(&s, trace_kinds_all()), 10 + 3 + 100 + 256 + 2);
	ASSERT_EQ_U64(events_counted(&s, K(IPC_KIND_PIPE) | K(IPC_KIND_FIFO)), 13);
	ASSERT_EQ_U64(events_counted(&s, K(IPC_KIND_SYSV_SHM) | IPC_TRACE_SIGNALS), 258);
	ASSERT_EQ_U64(events_counted(&s, 0), 0);
	snapshot_free(&s);
}

/*
 * trace's options: the record parser with argv[0] "trace". argv is copied
 * to static storage: o->command and o->json_path point into it, and the
 * compound literal of TRACE() dies with the statement it is written in.
 */
static enum parse_result parse_trace(struct record_opts *o, char *err, size_t len,
				     char **argv)
{
	static char *kept[32];
	int argc = 0;

	while (argv[argc])
		argc++;
	if (argc >= 32)
		abort();
	memcpy(kept, argv, (argc + 1) * sizeof(*argv));
	/* argv[0] names the command, as ipcscope.c dispatches */
	return record_opts_parse(o, !strcmp(argv[0], "top") ? CMD_TOP :
				 !strcmp(argv[0], "record") ? CMD_RECORD : CMD_TRACE,
				 argc, kept, err, len);
}

#define TRACE(o, ...) parse_trace((o), err, sizeof(err), (char *[]){ "trace", __VA_ARGS__, NULL })

TEST(events_trace_options)
{
	struct record_opts o;
	char err[256];

	ASSERT_EQ_I64(parse_trace(&o, err, sizeof(err), (char *[]){ "trace", NULL }), PARSE_OK);
	ASSERT_TRUE(o.cmd == CMD_TRACE && o.all);		/* default: every process */
	ASSERT_EQ_U64(o.trace_kinds, trace_kinds_all());
	ASSERT_EQ_U64(o.buffer_kb, DEFAULT_BUFFER_KB);
	ASSERT_TRUE(!o.fail_on_drop);
	ASSERT_EQ_I64(TRACE(&o, "-m", "pipe", "--buffer-kb", "4", "--fail-on-drop",
			    "--json", "-", "--", "true"), PARSE_OK);
	ASSERT_EQ_U64(o.trace_kinds, K(IPC_KIND_PIPE) | K(IPC_KIND_FIFO));
	ASSERT_EQ_U64(o.buffer_kb, 4);
	ASSERT_TRUE(o.fail_on_drop && !o.all);
	ASSERT_STREQ(o.json_path, "-");
	ASSERT_STREQ(o.command[0], "true");
	ASSERT_EQ_I64(TRACE(&o, "--mechanism=sem,shm", "-p", "1"), PARSE_OK);
	ASSERT_EQ_U64(o.trace_kinds, K(IPC_KIND_SYSV_SEM) | K(IPC_KIND_FUTEX) |
		      K(IPC_KIND_SYSV_SHM) | K(IPC_KIND_POSIX_SHM) | K(IPC_KIND_MEMFD) |
		      K(IPC_KIND_SHARED_ANON));
}

TEST(events_trace_options_errors)
{
	struct record_opts o;
	char err[256];

	ASSERT_EQ_I64(TRACE(&o, "--buffer-kb", "6"), PARSE_ERROR);
	ASSERT_STREQ(err, "invalid --buffer-kb '6': expected a power of two from 4 to 1048576 (KiB)");
	ASSERT_EQ_I64(TRACE(&o, "--buffer-kb", "2"), PARSE_ERROR);
	ASSERT_EQ_I64(TRACE(&o, "--buffer-kb", "2097152"), PARSE_ERROR);
	ASSERT_EQ_I64(TRACE(&o, "-m", "tcp"), PARSE_ERROR);
	ASSERT_TRUE(strncmp(err, "-m 'tcp': unknown mechanism", 27) == 0);
	ASSERT_EQ_I64(TRACE(&o, "--graph", "g.dot"), PARSE_ERROR);
	ASSERT_STREQ(err, "--graph is an option of 'ipcscope record', not of this command");
	ASSERT_EQ_I64(TRACE(&o, "--top", "3"), PARSE_ERROR);
	ASSERT_STREQ(err, "--top is an option of 'ipcscope record', not of this command");
	ASSERT_EQ_I64(TRACE(&o, "-i", "1"), PARSE_ERROR);
	ASSERT_STREQ(err, "unknown option '-i' (see 'ipcscope trace --help')");
	ASSERT_EQ_I64(parse_trace(&o, err, sizeof(err),
				  (char *[]){ "record", "--fail-on-drop", "-a", NULL }), PARSE_ERROR);
	ASSERT_STREQ(err, "--fail-on-drop is an option of 'ipcscope trace', not of this command");
	ASSERT_EQ_I64(parse_trace(&o, err, sizeof(err),
				  (char *[]){ "top", "--buffer-kb", "8", NULL }), PARSE_ERROR);
	ASSERT_STREQ(err, "--buffer-kb is an option of 'ipcscope trace', not of this command");
	ASSERT_EQ_I64(parse_trace(&o, err, sizeof(err),
				  (char *[]){ "record", "-m", "pipe", "-a", NULL }), PARSE_ERROR);
	ASSERT_STREQ(err, "unknown option '-m' (see 'ipcscope record --help')");
}

/* trace --failed and --min-latency */
TEST(events_filters)
{
	struct ipc_event ok = op_event(IPC_KIND_PIPE, 1, IPC_OP_WRITE, 100, 100, 973);
	struct ipc_event err = op_event(IPC_KIND_PIPE, 1, IPC_OP_READ, -11, 0, 5000);
	struct ipc_event queued = { .type = IPC_EVENT_SIGNAL, .op = IPC_SIG_DELIVERED,
				    .dur_ns = IPC_EVENT_NO_DURATION };
	struct ipc_event merged = { .type = IPC_EVENT_SIGNAL, .op = IPC_SIG_ALREADY_PENDING,
				    .dur_ns = IPC_EVENT_NO_DURATION };
	struct ipc_event handled = { .type = IPC_EVENT_SIGNAL, .op = IPC_SIG_HANDLED,
				     .dur_ns = 20000 };
	struct ipc_event fault = { .type = IPC_EVENT_FAULT, .dur_ns = IPC_EVENT_NO_DURATION };

	ASSERT_TRUE(event_passes(&ok, false, 0) && event_passes(&fault, false, 0));
	/* failed: an errno, a signal not queued */
	ASSERT_TRUE(!event_passes(&ok, true, 0) && event_passes(&err, true, 0));
	ASSERT_TRUE(!event_passes(&queued, true, 0) && event_passes(&merged, true, 0));
	ASSERT_TRUE(!event_passes(&handled, true, 0) && !event_passes(&fault, true, 0));
	/* at least the latency, and only what has one */
	ASSERT_TRUE(!event_passes(&ok, false, 1000) && event_passes(&err, false, 5000));
	ASSERT_TRUE(event_passes(&handled, false, 20000) && !event_passes(&handled, false, 20001));
	ASSERT_TRUE(!event_passes(&merged, false, 1) && !event_passes(&fault, false, 1));
	/* both */
	ASSERT_TRUE(event_passes(&err, true, 5000) && !event_passes(&err, true, 5001));
}

/* trace -T: local time in the text, UTC in JSON's wall_time */
TEST(events_wall_clock)
{
	struct event_printer p;
	FILE *t = test_capture(), *j = test_capture();
	struct ipc_event w = op_event(IPC_KIND_PIPE, 123, IPC_OP_WRITE, 100, 100, 973);

	setenv("TZ", "UTC", 1);
	tzset();
	/* 2026-12-05 14:03:07.123456 UTC at the event's monotonic time */
	ASSERT_EQ_I64(event_printer_init(&p, t, false, 0, NULL, NULL), 0);
	p.wall = true;
	p.wall_offset_ns = 1796479387123456000LL - (int64_t)w.ts_ns;
	event_print_header(&p);
	event_print(&p, &w);
	event_printer_free(&p);
	ASSERT_TRUE(strncmp(test_capture_text(t), "           TIME", 15) == 0);
	ASSERT_TRUE(strstr(test_capture_text(t), "\n14:03:07.123456 ") != NULL);
	ASSERT_EQ_I64(event_printer_init(&p, j, true, 0, NULL, NULL), 0);
	p.wall = true;
	p.wall_offset_ns = 1796479387123456000LL - (int64_t)w.ts_ns;
	event_print(&p, &w);
	event_printer_free(&p);
	ASSERT_TRUE(strstr(test_capture_text(j),
			   ",\"wall_time\":\"2026-12-05T14:03:07.123456Z\",") != NULL);
}
