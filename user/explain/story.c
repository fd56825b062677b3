// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * story.c - the kernel's events around one message, as the steps of a
 * story in time order, and the summary of them. Every figure comes from an
 * event; what was not seen is not made up (a wait without its wakeup has
 * no wait time).
 */
#include <stdlib.h>
#include <string.h>
#include "explain.h"
#include "model.h"
#include "util.h"

static const char *const kind_names[STEP_NKINDS] = {
	[STEP_MARK_START] = "start", [STEP_MARK_END] = "end",
	[STEP_ENTER] = "enter", [STEP_RETURN] = "return",
	[STEP_WAKEUP] = "wakeup", [STEP_SLEEP] = "sleep",
	[STEP_PREEMPTED] = "preempted", [STEP_RUN] = "run",
	[STEP_FAULT] = "fault", [STEP_SIGNAL] = "signal", [STEP_NET] = "net",
};

const char *step_kind_name(enum step_kind k)
{
	return k < STEP_NKINDS ? kind_names[k] : "?";
}

static int cmp_event(const void *a, const void *b)
{
	const struct ipc_event *x = *(const struct ipc_event *const *)a;
	const struct ipc_event *y = *(const struct ipc_event *const *)b;

	if (x->ts_ns != y->ts_ns)
		return x->ts_ns < y->ts_ns ? -1 : 1;
	/* the same instant: keep the order they came in */
	return x < y ? -1 : x > y;
}

/* A name from the kernel (not always NUL-terminated) into a step's */
static void copy_name(char dst[IPC_COMM_LEN], const char src[IPC_COMM_LEN])
{
	memcpy(dst, src, IPC_COMM_LEN);
	dst[IPC_COMM_LEN - 1] = '\0';
}

static struct explain_step *add_step(struct explain_story *st, enum step_kind kind,
				     uint64_t ts, const struct ipc_event *e)
{
	struct explain_step *s = grow_rows((void **)&st->steps, &st->n, sizeof(*st->steps));

	if (!s)
		return NULL;
	s->kind = kind;
	s->t_ns = (int64_t)(ts - st->start_ns);
	s->cpu = e->cpu;
	s->tgid = e->tgid;
	s->pid = e->pid;
	copy_name(s->comm, e->comm);
	s->wait_ns = -1;
	return s;
}

static void set_peer(struct explain_step *s, const struct ipc_event *e)
{
	s->peer_tgid = e->peer_tgid;
	s->peer_pid = e->peer_pid;
	copy_name(s->peer_comm, e->peer_comm);
}

/*
 * The IPC operation a syscall was: its event, on the same thread, made at
 * its exit just after the syscall's own (the exit program streams the
 * syscall first), or NULL. Other events may come between: other
 * threads', and an interrupt's (a softirq's packet) in this one's time;
 * under qemu, milliseconds of them.
 */
#define OP_LOOKAHEAD 256
static const struct ipc_event *op_of(const struct ipc_event *const *ev, size_t n,
				     size_t at)
{
	const struct ipc_event *sys = ev[at];

	for (size_t i = at + 1; i < n && i <= at + OP_LOOKAHEAD; i++) {
		const struct ipc_event *e = ev[i];

		if (e->pid != sys->pid || e->tgid != sys->tgid)
			continue;
		if (e->type == IPC_EVENT_OP)
			return e;
		if (e->type == IPC_EVENT_SYSCALL || e->type == IPC_EVENT_MARK)
			break;	/* the thread went on: no operation was this one */
	}
	return NULL;
}

static int cmp_step(const void *a, const void *b)
{
	const struct explain_step *x = a, *y = b;

	if (x->t_ns != y->t_ns)
		return x->t_ns < y->t_ns ? -1 : 1;
	return 0;
}

/* The window: the first start mark to the last end mark, or everything */
static void find_window(struct explain_story *st, const struct ipc_event *const *ev,
			size_t n)
{
	bool start = false, end = false;

	for (size_t i = 0; i < n; i++) {
		if (ev[i]->type != IPC_EVENT_MARK)
			continue;
		if (ev[i]->op == 0 && !start) {
			st->start_ns = ev[i]->ts_ns;
			start = true;
		} else if (ev[i]->op == 1) {
			st->end_ns = ev[i]->ts_ns;
			end = true;
		}
	}
	st->marked = start && end && st->end_ns >= st->start_ns;
	if (st->marked || !n)
		return;
	/* from the first thing seen: an event, or a syscall's entry */
	st->start_ns = ev[0]->ts_ns;
	st->end_ns = ev[n - 1]->ts_ns;
	for (size_t i = 0; i < n; i++) {
		const struct ipc_event *e = ev[i];

		if (e->type == IPC_EVENT_SYSCALL && e->dur_ns != IPC_EVENT_NO_DURATION &&
		    e->dur_ns <= e->ts_ns && e->ts_ns - e->dur_ns < st->start_ns)
			st->start_ns = e->ts_ns - e->dur_ns;
	}
}

static bool is_target(const struct explain_story *st, uint32_t tgid)
{
	for (size_t i = 0; i < st->ntargets; i++)
		if (st->targets[i] == tgid)
			return true;
	return false;
}

static bool inside(const struct explain_story *st, uint64_t ts)
{
	return ts >= st->start_ns && ts <= st->end_ns;
}

static int add_syscall(struct explain_story *st, const struct ipc_event *const *ev,
		       size_t n, size_t i)
{
	const struct ipc_event *e = ev[i], *op;
	uint64_t enter = e->dur_ns != IPC_EVENT_NO_DURATION && e->dur_ns <= e->ts_ns ?
			 e->ts_ns - e->dur_ns : e->ts_ns;
	struct explain_step *s;
	uint64_t from, to;

	/* a syscall that overlaps the window: its entry may be before the
	   start (a receiver already waiting), its return after the end (a
	   parent waiting for its child): only what is inside shows */
	if (e->ts_ns < st->start_ns || enter > st->end_ns)
		return 0;
	s = add_step(st, STEP_ENTER, enter, e);
	if (!s)
		return -1;
	s->sys_nr = e->op;
	s->cpu = e->aux;	/* it may return elsewhere */
	if (e->ts_ns > st->end_ns)
		return 0;
	s = add_step(st, STEP_RETURN, e->ts_ns, e);
	if (!s)
		return -1;
	s->sys_nr = e->op;
	s->ret = e->ret;
	s->dur_ns = e->ts_ns - enter;
	s->copy = IPC_COPY_NONE;
	op = op_of(ev, n, i);
	if (op) {
		s->has_op = true;
		s->op = op->op;
		s->obj = op->obj;
		s->bytes = op->bytes;
		s->copy = op->ret >= 0 && op->bytes ? (int)ipc_op_copy(op->op) : IPC_COPY_NONE;
		if (s->copy == IPC_COPY_USER_TO_KERNEL) {
			st->sum.copies_in++;
			st->sum.bytes_in += op->bytes;
		} else if (s->copy == IPC_COPY_KERNEL_TO_USER) {
			st->sum.copies_out++;
			st->sum.bytes_out += op->bytes;
		}
	}
	st->sum.syscalls++;
	from = enter > st->start_ns ? enter : st->start_ns;
	to = e->ts_ns;
	st->sum.sys_ns += to > from ? to - from : 0;
	return 0;
}

static int add_event(struct explain_story *st, const struct ipc_event *const *ev,
		     size_t n, size_t i)
{
	const struct ipc_event *e = ev[i];
	struct explain_step *s;

	if (e->type == IPC_EVENT_SYSCALL)
		return add_syscall(st, ev, n, i);
	if (!inside(st, e->ts_ns) || e->type == IPC_EVENT_OP)
		return 0;	/* an operation is its syscall's return */
	switch (e->type) {
	case IPC_EVENT_MARK:
		/* the window's own two marks; another pair inside is shown too */
		s = add_step(st, e->op ? STEP_MARK_END : STEP_MARK_START, e->ts_ns, e);
		return s ? 0 : -1;
	case IPC_EVENT_WAKEUP:
		s = add_step(st, STEP_WAKEUP, e->ts_ns, e);
		if (!s)
			return -1;
		set_peer(s, e);
		st->sum.wakeups++;
		return 0;
	case IPC_EVENT_SWITCH:
		/* the kernel passed it for prev or next: a step for each side
		   that is one of the story's processes (the other may be the
		   idle task, or a stranger) */
		if (is_target(st, e->tgid)) {
			s = add_step(st, e->aux ? STEP_PREEMPTED : STEP_SLEEP, e->ts_ns, e);
			if (!s)
				return -1;
			set_peer(s, e);
			s->ret = e->ret;
			if (e->aux)
				st->sum.preemptions++;
			else
				st->sum.sleeps++;
		}
		if (is_target(st, e->peer_tgid)) {
			s = add_step(st, STEP_RUN, e->ts_ns, e);
			if (!s)
				return -1;
			s->tgid = e->peer_tgid;
			s->pid = e->peer_pid;
			copy_name(s->comm, e->peer_comm);
			s->peer_tgid = e->tgid;
			s->peer_pid = e->pid;
			copy_name(s->peer_comm, e->comm);
		}
		return 0;
	case IPC_EVENT_FAULT:
		s = add_step(st, STEP_FAULT, e->ts_ns, e);
		if (!s)
			return -1;
		s->obj = e->obj;
		st->sum.faults++;
		return 0;
	case IPC_EVENT_SIGNAL:
		s = add_step(st, STEP_SIGNAL, e->ts_ns, e);
		if (!s)
			return -1;
		s->op = e->op;
		s->sig = e->sig;
		s->sig_target = e->sig_target;
		if (e->op == IPC_SIG_HANDLED)
			st->sum.signals_delivered++;
		else
			st->sum.signals_generated++;
		return 0;
	case IPC_EVENT_NET:
		s = add_step(st, STEP_NET, e->ts_ns, e);
		if (!s)
			return -1;
		s->op = e->op;
		s->bytes = e->bytes;
		copy_name(s->peer_comm, e->peer_comm);
		if (e->op == IPC_NET_DEV_QUEUE)
			st->sum.packets++;
		return 0;
	}
	return 0;
}

/*
 * A send that returns after the end mark is still the message's: on one
 * CPU the woken receiver may preempt the sender inside it, receive and
 * mark the end before the send returns. The story goes on to the return of
 * every IPC operation entered before the end mark (not to a parent's wait
 * for its child: that is no IPC operation).
 */
static void extend_window(struct explain_story *st, const struct ipc_event *const *ev,
			  size_t n)
{
	uint64_t end = st->end_ns;

	if (!st->marked)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct ipc_event *e = ev[i];

		if (e->type != IPC_EVENT_SYSCALL || e->ts_ns <= end ||
		    e->dur_ns == IPC_EVENT_NO_DURATION || e->dur_ns > e->ts_ns ||
		    e->ts_ns - e->dur_ns > end || !op_of(ev, n, i))
			continue;
		if (e->ts_ns > st->end_ns)
			st->end_ns = e->ts_ns;
	}
}

/* The processes of the story: whoever made a syscall or left a mark */
static size_t story_targets(const struct ipc_event *const *ev, size_t n,
			    uint32_t *out, size_t max)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		bool seen = false;

		if (ev[i]->type != IPC_EVENT_SYSCALL && ev[i]->type != IPC_EVENT_MARK &&
		    ev[i]->type != IPC_EVENT_OP)
			continue;
		for (size_t j = 0; j < k; j++)
			seen |= out[j] == ev[i]->tgid;
		if (!seen && k < max)
			out[k++] = ev[i]->tgid;
	}
	return k;
}

/* SLEEP and PREEMPTED steps: the syscall the thread was in, if any */
static void fill_in_syscall(struct explain_story *st)
{
	for (size_t i = 0; i < st->n; i++) {
		struct explain_step *s = &st->steps[i];

		if (s->kind != STEP_SLEEP && s->kind != STEP_PREEMPTED)
			continue;
		for (size_t j = i; j-- > 0;) {
			const struct explain_step *p = &st->steps[j];

			if (p->pid != s->pid || (p->kind != STEP_ENTER && p->kind != STEP_RETURN))
				continue;
			if (p->kind == STEP_ENTER) {
				s->in_syscall = true;
				s->sys_nr = p->sys_nr;
			}
			break;
		}
	}
}

/*
 * RUN steps: how long since the thread was woken, and where its waker was.
 * The wakeup is the last one of the thread before it, unless an earlier
 * run of the thread came after that wakeup (then it answered it).
 */
static void fill_waits(struct explain_story *st)
{
	for (size_t i = 0; i < st->n; i++) {
		struct explain_step *s = &st->steps[i];
		const struct explain_step *w = NULL;

		if (s->kind != STEP_RUN)
			continue;
		for (size_t j = i; j-- > 0;) {
			const struct explain_step *p = &st->steps[j];

			if (p->kind == STEP_RUN && p->pid == s->pid)
				break;
			if (p->kind == STEP_WAKEUP && p->peer_pid == s->pid) {
				w = p;
				break;
			}
		}
		if (!w)
			continue;
		s->wait_ns = s->t_ns - w->t_ns;
		s->woken_on = w->cpu;
		st->sum.wait_ns += (uint64_t)s->wait_ns;
		if (w->cpu != s->cpu)
			st->sum.cross_cpu_wakeups++;
	}
}

int explain_build(struct explain_story *st, const struct ipc_event *events, size_t n)
{
	const struct ipc_event **ev;
	int err = 0;

	memset(st, 0, sizeof(*st));
	ev = calloc(n ? n : 1, sizeof(*ev));
	if (!ev)
		return -1;
	for (size_t i = 0; i < n; i++)
		ev[i] = &events[i];
	qsort(ev, n, sizeof(*ev), cmp_event);
	find_window(st, ev, n);
	st->sum.total_ns = st->end_ns - st->start_ns;
	st->ntargets = story_targets(ev, n, st->targets, ARRAY_SIZE(st->targets));
	extend_window(st, ev, n);
	for (size_t i = 0; i < n && !err; i++)
		err = add_event(st, ev, n, i);
	if (!err) {
		/* stable: entries and returns at one instant keep their order */
		for (size_t i = 1; i < st->n; i++) {
			struct explain_step s = st->steps[i];
			size_t j = i;

			while (j > 0 && cmp_step(&st->steps[j - 1], &s) > 0) {
				st->steps[j] = st->steps[j - 1];
				j--;
			}
			st->steps[j] = s;
		}
		fill_waits(st);
		fill_in_syscall(st);
	}
	free(ev);
	if (err)
		explain_free(st);
	return err;
}

void explain_free(struct explain_story *st)
{
	free(st->steps);
	memset(st, 0, sizeof(*st));
}

bool explain_measure(const struct explain_story *st, const char *metric, uint64_t size,
		     double *value)
{
	const struct explain_summary *u = &st->sum;

	if (!strcmp(metric, "copies_per_byte") && size) {
		*value = (double)(u->bytes_in + u->bytes_out) / (double)size;
		return true;
	}
	if (!strcmp(metric, "syscalls_1mb")) {
		uint64_t n = 0;

		for (size_t i = 0; i < st->n; i++)
			n += st->steps[i].kind == STEP_RETURN && st->steps[i].has_op;
		*value = (double)n;
		return true;
	}
	if (!strcmp(metric, "mode_switches_1mb")) {
		*value = 2.0 * (double)u->syscalls + (double)u->faults;
		return true;
	}
	if (!strcmp(metric, "bytes_carried")) {
		*value = (double)(u->bytes_in + u->bytes_out);
		return true;
	}
	return false;
}
