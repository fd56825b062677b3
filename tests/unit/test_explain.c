// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* test_explain.c - unit tests for user/explain: the kernel's events, out of
 * order, made into the steps of one message's story (the window between
 * the marks, a syscall's entry and return with its operation's copy
 * folded in, a switch as the sleep of one thread and the run of the other
 * with its wait since its wakeup), and the story written as text and JSON
 * with the traced system's names made safe. */
#include "test.h"
#include "explain/explain.h"
#include "model.h"
#include "util.h"

#include <stdlib.h>
#include <sys/syscall.h>

#define WRITER 100
#define READER 200

static struct ipc_event ev(uint32_t type, uint64_t ts, uint32_t tgid, uint32_t cpu)
{
	struct ipc_event e;

	memset(&e, 0, sizeof(e));
	e.type = type;
	e.ts_ns = ts;
	e.tgid = e.pid = tgid;
	e.cpu = cpu;
	snprintf(e.comm, sizeof(e.comm), "%s", tgid == WRITER ? "writer" : "reader");
	return e;
}

static struct ipc_event sys(uint64_t exit_ts, uint64_t dur, uint32_t tgid, uint32_t nr,
			    int64_t ret, uint32_t cpu)
{
	struct ipc_event e = ev(IPC_EVENT_SYSCALL, exit_ts, tgid, cpu);

	e.op = nr;
	e.ret = ret;
	e.dur_ns = dur;
	e.aux = cpu;
	return e;
}

static struct ipc_event op(uint64_t ts, uint32_t tgid, uint32_t ipc_op, uint64_t bytes)
{
	struct ipc_event e = ev(IPC_EVENT_OP, ts, tgid, 0);

	e.op = ipc_op;
	e.bytes = bytes;
	e.ret = (int64_t)bytes;
	e.obj.kind = IPC_KIND_PIPE;
	e.obj.ino = 42;
	return e;
}

static struct ipc_event sw(uint64_t ts, uint32_t prev, uint32_t next, uint32_t cpu,
			   bool preempted)
{
	struct ipc_event e = ev(IPC_EVENT_SWITCH, ts, prev, cpu);

	e.peer_tgid = e.peer_pid = next;
	snprintf(e.peer_comm, sizeof(e.peer_comm), "%s",
		 next == READER ? "reader" : next == WRITER ? "writer" : "swapper/1");
	e.aux = preempted;
	e.ret = preempted ? 0 : 1;
	return e;
}

/* One 10-byte write, the reader asleep in read() from before the start on
 * CPU 1, woken from CPU 0; given in a shuffled order */
static size_t pipe_story(struct ipc_event *e)
{
	size_t n = 0;
	struct ipc_event m;

	/* the reader's read: entered at 500 (before the start), returns at 5000 */
	e[n++] = op(5001, READER, IPC_OP_READ, 10);
	e[n++] = sys(5000, 4500, READER, SYS_read, 10, 1);
	m = ev(IPC_EVENT_MARK, 6000, READER, 1);
	m.op = 1;
	e[n++] = m;
	e[n++] = sw(900, READER, 0, 1, false);		/* before the start */
	m = ev(IPC_EVENT_MARK, 1000, WRITER, 0);
	e[n++] = m;
	/* the write: 2000 to 3000, waking the reader at 2500 */
	e[n++] = sys(3000, 1000, WRITER, SYS_write, 10, 0);
	e[n++] = op(3001, WRITER, IPC_OP_WRITE, 10);
	m = ev(IPC_EVENT_WAKEUP, 2500, WRITER, 0);
	m.peer_tgid = m.peer_pid = READER;
	snprintf(m.peer_comm, sizeof(m.peer_comm), "reader");
	e[n++] = m;
	e[n++] = sw(4000, 0, READER, 1, false);	/* idle -> reader */
	/* the writer's wait4, entered at 3500, returns after the end */
	e[n++] = sys(9000, 5500, WRITER, SYS_wait4, READER, 0);
	e[n++] = sw(3600, WRITER, 0, 0, false);
	return n;
}

static const struct explain_step *step_of(const struct explain_story *st,
					  enum step_kind k, uint32_t tgid)
{
	for (size_t i = 0; i < st->n; i++)
		if (st->steps[i].kind == k && st->steps[i].tgid == tgid)
			return &st->steps[i];
	return NULL;
}

TEST(explain_story_in_the_kernels_order)
{
	struct ipc_event e[32];
	size_t n = pipe_story(e);
	struct explain_story st;
	const struct explain_step *s;
	static const enum step_kind want[] = {
		STEP_ENTER,		/* read, at -500 */
		STEP_MARK_START,	/* 0 */
		STEP_ENTER,		/* write, 1000 */
		STEP_WAKEUP,		/* 1500 */
		STEP_RETURN,		/* write, 2000 */
		STEP_ENTER,		/* wait4, 2500 */
		STEP_SLEEP,		/* writer in wait4, 2600 */
		STEP_RUN,		/* reader, 3000 */
		STEP_RETURN,		/* read, 4000 */
		STEP_MARK_END,		/* 5000 */
	};

	ASSERT_EQ_I64(explain_build(&st, e, n), 0);
	ASSERT_TRUE(st.marked);
	ASSERT_EQ_U64(st.n, ARRAY_SIZE(want));
	for (size_t i = 0; i < st.n; i++) {
		ASSERT_EQ_U64(st.steps[i].kind, want[i]);
		if (i)
			ASSERT_TRUE(st.steps[i].t_ns >= st.steps[i - 1].t_ns);
	}
	ASSERT_EQ_I64(st.steps[0].t_ns, -500);
	ASSERT_EQ_U64(st.steps[0].cpu, 1);
	/* the operations folded into their returns, with their copies */
	s = step_of(&st, STEP_RETURN, WRITER);
	ASSERT_TRUE(s && s->has_op);
	ASSERT_EQ_U64(s->copy, IPC_COPY_USER_TO_KERNEL);
	ASSERT_EQ_U64(s->bytes, 10);
	ASSERT_EQ_U64(s->dur_ns, 1000);
	s = step_of(&st, STEP_RETURN, READER);
	ASSERT_TRUE(s && s->has_op);
	ASSERT_EQ_U64(s->copy, IPC_COPY_KERNEL_TO_USER);
	/* the reader waited 1500 ns to run, woken from the other CPU */
	s = step_of(&st, STEP_RUN, READER);
	ASSERT_TRUE(s != NULL);
	ASSERT_EQ_I64(s->wait_ns, 1500);
	ASSERT_EQ_U64(s->woken_on, 0);
	ASSERT_EQ_U64(s->cpu, 1);
	/* the writer slept in wait4 */
	s = step_of(&st, STEP_SLEEP, WRITER);
	ASSERT_TRUE(s && s->in_syscall);
	ASSERT_EQ_U64(s->sys_nr, SYS_wait4);
	/* the summary: two returned syscalls, wait4's entry only */
	ASSERT_EQ_U64(st.sum.total_ns, 5000);
	ASSERT_EQ_U64(st.sum.syscalls, 2);
	ASSERT_EQ_U64(st.sum.copies_in, 1);
	ASSERT_EQ_U64(st.sum.bytes_in, 10);
	ASSERT_EQ_U64(st.sum.copies_out, 1);
	ASSERT_EQ_U64(st.sum.wakeups, 1);
	ASSERT_EQ_U64(st.sum.cross_cpu_wakeups, 1);
	ASSERT_EQ_U64(st.sum.sleeps, 1);	/* the writer's: the reader's was before */
	/* the read's time in the window: from the start, 4000 ns; the write's 1000 */
	ASSERT_EQ_U64(st.sum.sys_ns, 5000);
	explain_free(&st);
}

TEST(explain_without_marks_is_the_whole_run)
{
	struct ipc_event e[32];
	size_t n = pipe_story(e), k = 0;
	struct explain_story st;

	for (size_t i = 0; i < n; i++)
		if (e[i].type != IPC_EVENT_MARK)
			e[k++] = e[i];
	ASSERT_EQ_I64(explain_build(&st, e, k), 0);
	ASSERT_TRUE(!st.marked);
	ASSERT_EQ_I64(st.steps[0].t_ns, 0);
	ASSERT_EQ_U64(st.sum.total_ns, 9000 - 500);
	ASSERT_EQ_U64(st.sum.syscalls, 3);
	explain_free(&st);
}

TEST(explain_nothing_is_an_empty_story)
{
	struct explain_story st;

	ASSERT_EQ_I64(explain_build(&st, NULL, 0), 0);
	ASSERT_EQ_U64(st.n, 0);
	explain_free(&st);
}

TEST(explain_text_says_each_thing_once_and_names_safely)
{
	struct ipc_event e[32];
	size_t n = pipe_story(e);
	struct explain_run r = { .mech = EXPLAIN_PIPE, .size = 10, .cpus = { 0, 1 } };
	struct explain_story st;
	FILE *f = test_capture();
	const char *text;

	/* a process name with a terminal escape and a newline */
	for (size_t i = 0; i < n; i++)
		if (e[i].tgid == READER)
			memcpy(e[i].comm, "rd\x1b[2J\nx", 9);
	snprintf(r.kernel, sizeof(r.kernel), "6.1.0");
	ASSERT_EQ_I64(explain_build(&st, e, n), 0);
	explain_text(f, &st, &r);
	text = test_capture_text(f);
	ASSERT_TRUE(strstr(text, "One 10-byte message through an anonymous pipe, the two "
			   "processes on CPUs 0 and 1 (Linux 6.1.0)") != NULL);
	ASSERT_TRUE(strstr(text, "write() returns 10 after 1.0 us: 10 bytes copied "
			   "user -> kernel (pipe:[42])") != NULL);
	ASSERT_TRUE(strstr(text, "sleeps in wait4()") != NULL);
	ASSERT_TRUE(strstr(text, "runs on CPU 1, 1.5 us after it was woken from another "
			   "CPU") != NULL);
	ASSERT_TRUE(strchr(text, '\x1b') == NULL);
	ASSERT_TRUE(strstr(text, "Copy 1 of 2") != NULL);
	ASSERT_TRUE(strstr(text, "Copy 2 of 2") != NULL);
	/* the mode switch is explained under the first syscall only */
	{
		const char *first = strstr(text, "A syscall: the CPU switches");

		ASSERT_TRUE(first != NULL);
		ASSERT_TRUE(strstr(first + 1, "A syscall: the CPU switches") == NULL);
	}
	explain_free(&st);
}

TEST(explain_json_has_every_step_and_escapes_names)
{
	struct ipc_event e[32];
	size_t n = pipe_story(e);
	struct explain_run r = { .mech = EXPLAIN_PIPE, .size = 10, .cpus = { 0, 0 } };
	struct explain_story st;
	FILE *f = test_capture();
	const char *out, *why = NULL;

	for (size_t i = 0; i < n; i++)
		if (e[i].tgid == READER)
			memcpy(e[i].comm, "r\"d\x01", 5);
	ASSERT_EQ_I64(explain_build(&st, e, n), 0);
	explain_json(f, &st, &r);
	out = test_python_on_json(
		"import json,sys\n"
		"d=json.load(open(sys.argv[1]))\n"
		"print(len(d['steps']), d['steps'][0]['comm'], d['steps'][4]['copy'],"
		" d['summary']['copies_user_to_kernel'], d['cpus'], d['workload'])\n",
		test_capture_text(f), &why);
	if (!out && !test_have("python3"))
		return;
	if (!out)
		test_fail(__FILE__, __LINE__, "%s", why ? why : "?");
	ASSERT_TRUE(out != NULL);
	ASSERT_STREQ(out, "10 r\"d\x01 user_to_kernel 1 [0, 0] None\n");
	explain_free(&st);
}

TEST(explain_mechanisms_by_name)
{
	ASSERT_EQ_I64(explain_mech_find("pipe"), EXPLAIN_PIPE);
	ASSERT_EQ_I64(explain_mech_find("posix-mq"), EXPLAIN_POSIX_MQ);
	ASSERT_EQ_I64(explain_mech_find("udp"), EXPLAIN_UDP);
	ASSERT_EQ_I64(explain_mech_find("PIPE"), -1);
	ASSERT_EQ_I64(explain_mech_find(""), -1);
	for (int i = 0; i < EXPLAIN_NMECH; i++) {
		ASSERT_TRUE(explain_mechs[i].name && explain_mechs[i].workload &&
			    explain_mechs[i].how);
		ASSERT_EQ_I64(explain_mech_find(explain_mechs[i].name), i);
	}
}

/* On one CPU the woken receiver may preempt the sender inside its send,
 * receive, and mark the end before the send returns: the send's return is
 * still in the story (the time stays the marks'), a parent's wait is not */
TEST(explain_a_send_that_returns_after_the_end_is_in_the_story)
{
	struct ipc_event e[16];
	struct explain_story st;
	struct ipc_event m;
	size_t n = 0;
	const struct explain_step *s;

	m = ev(IPC_EVENT_MARK, 1000, WRITER, 0);
	e[n++] = m;
	e[n++] = sys(9000, 7000, WRITER, SYS_write, 10, 0);	/* 2000 to 9000 */
	e[n++] = op(9001, WRITER, IPC_OP_WRITE, 10);
	e[n++] = sys(5000, 4800, READER, SYS_read, 10, 0);
	e[n++] = op(5001, READER, IPC_OP_READ, 10);
	m = ev(IPC_EVENT_MARK, 6000, READER, 0);
	m.op = 1;
	e[n++] = m;
	e[n++] = sys(20000, 10000, READER, SYS_wait4, 0, 0);	/* 10000 to 20000 */
	e[n++] = sys(30000, 2000, WRITER, SYS_wait4, 0, 0);	/* 28000: after */
	ASSERT_EQ_I64(explain_build(&st, e, n), 0);
	ASSERT_TRUE(st.marked);
	ASSERT_EQ_U64(st.sum.total_ns, 5000);
	s = step_of(&st, STEP_RETURN, WRITER);
	ASSERT_TRUE(s && s->has_op);
	ASSERT_EQ_U64(s->copy, IPC_COPY_USER_TO_KERNEL);
	ASSERT_EQ_I64(s->t_ns, 8000);
	ASSERT_EQ_U64(st.sum.copies_in, 1);
	ASSERT_EQ_U64(st.sum.copies_out, 1);
	/* the story ends at the send's return: nothing later */
	ASSERT_EQ_I64(st.steps[st.n - 1].t_ns, 8000);
	explain_free(&st);
}

/* An interrupt's events (a softirq's packet, a wakeup it makes) can come
 * between a syscall's event and its operation's, milliseconds apart under
 * qemu: the operation is still the syscall's */
TEST(explain_an_operation_after_an_interrupts_events_is_still_its_syscalls)
{
	struct ipc_event e[16];
	struct explain_story st;
	struct ipc_event m;
	size_t n = 0;
	const struct explain_step *s;

	m = ev(IPC_EVENT_MARK, 1000, WRITER, 0);
	e[n++] = m;
	e[n++] = sys(3000, 1000, WRITER, SYS_write, 10, 0);
	m = ev(IPC_EVENT_NET, 2000000, WRITER, 0);	/* 2 ms later */
	m.op = IPC_NET_RECEIVE;
	e[n++] = m;
	m = ev(IPC_EVENT_WAKEUP, 2000100, WRITER, 0);
	m.peer_tgid = m.peer_pid = READER;
	e[n++] = m;
	e[n++] = op(2000200, WRITER, IPC_OP_WRITE, 10);
	m = ev(IPC_EVENT_MARK, 3000000, READER, 1);
	m.op = 1;
	e[n++] = m;
	ASSERT_EQ_I64(explain_build(&st, e, n), 0);
	s = step_of(&st, STEP_RETURN, WRITER);
	ASSERT_TRUE(s && s->has_op);
	ASSERT_EQ_U64(s->bytes, 10);
	ASSERT_EQ_U64(st.sum.copies_in, 1);
	explain_free(&st);
}
