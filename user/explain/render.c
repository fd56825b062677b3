// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * render.c - the story of one message as text (a numbered lesson: each
 * step, and under it what the kernel did and why it costs what it costs)
 * and as JSON (the same steps, the same sentences, and the figures).
 * Names from the traced system (process names, devices) are made
 * printable in the text and escaped in the JSON.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "explain.h"
#include "json.h"
#include "model.h"
#include "util.h"
#include "validate/wjson.h"

/* comm, printable */
static void clean_comm(char *dst, size_t len, const char *comm)
{
	text_clean(dst, len, comm, strnlen(comm, IPC_COMM_LEN));
}

static const char *sys_name(uint32_t nr, char *buf, size_t len)
{
	return syscall_name(nr, buf, len);
}

static void obj_name(const struct ipc_obj_key *k, char *buf, size_t len)
{
	char raw[128];

	ipc_obj_name(k, NULL, NULL, raw, sizeof(raw));
	text_clean(buf, len, raw, strnlen(raw, sizeof(raw)));
}

static const char *copy_words(int copy)
{
	switch (copy) {
	case IPC_COPY_USER_TO_KERNEL:
		return "copied user -> kernel";
	case IPC_COPY_KERNEL_TO_USER:
		return "copied kernel -> user";
	case IPC_COPY_ZERO:
		return "moved without a copy";
	}
	return NULL;
}

static const char *net_words(uint32_t step)
{
	switch (step) {
	case IPC_NET_DEV_QUEUE:
		return "hands a packet to device";
	case IPC_NET_RECEIVE:
		return "receives a packet from device";
	case IPC_NET_SOFTIRQ_ENTRY:
		return "the NET_RX softirq starts";
	case IPC_NET_SOFTIRQ_EXIT:
		return "the NET_RX softirq ends";
	}
	return "a packet's step";
}

void explain_what(const struct explain_step *s, char *buf, size_t len)
{
	char sys[32], dur[32], peer[IPC_COMM_LEN * 4], obj[128], wait[32];
	const char *sig;

	switch (s->kind) {
	case STEP_MARK_START:
		snprintf(buf, len, "the transfer starts (mark ipcscope:transfer_start)");
		return;
	case STEP_MARK_END:
		snprintf(buf, len, "the transfer ends (mark ipcscope:transfer_end)");
		return;
	case STEP_ENTER:
		snprintf(buf, len, "%s() enters the kernel", sys_name(s->sys_nr, sys, sizeof(sys)));
		return;
	case STEP_RETURN:
		fmt_ns(dur, sizeof(dur), (double)s->dur_ns);
		if (!strcmp(sys_name(s->sys_nr, sys, sizeof(sys)), "rt_sigreturn")) {
			/* its return value is the interrupted code's */
			const char *e = s->ret < 0 && s->ret > -4096 ?
					ipc_errno_name((int)-s->ret) : NULL;

			if (e)
				snprintf(buf, len, "rt_sigreturn() restores the interrupted "
					 "context, whose result was %s", e);
			else
				snprintf(buf, len, "rt_sigreturn() restores the interrupted "
					 "context, whose result was %" PRId64, s->ret);
			return;
		}
		if (s->ret < 0 && s->ret > -4096) {
			const char *e = ipc_errno_name((int)-s->ret);

			snprintf(buf, len, "%s() fails with %s after %s",
				 sys_name(s->sys_nr, sys, sizeof(sys)), e ? e : "an error", dur);
			return;
		}
		if (s->has_op && copy_words(s->copy)) {
			obj_name(&s->obj, obj, sizeof(obj));
			snprintf(buf, len, "%s() returns %" PRId64 " after %s: %" PRIu64
				 " bytes %s (%s)", sys_name(s->sys_nr, sys, sizeof(sys)),
				 s->ret, dur, s->bytes, copy_words(s->copy), obj);
			return;
		}
		if (s->has_op) {
			obj_name(&s->obj, obj, sizeof(obj));
			snprintf(buf, len, "%s() returns %" PRId64 " after %s (%s)",
				 sys_name(s->sys_nr, sys, sizeof(sys)), s->ret, dur, obj);
			return;
		}
		snprintf(buf, len, "%s() returns %" PRId64 " after %s",
			 sys_name(s->sys_nr, sys, sizeof(sys)), s->ret, dur);
		return;
	case STEP_WAKEUP:
		clean_comm(peer, sizeof(peer), s->peer_comm);
		snprintf(buf, len, "wakes %s[%u]", peer, s->peer_pid);
		return;
	case STEP_SLEEP:
	case STEP_PREEMPTED:
		clean_comm(peer, sizeof(peer), s->peer_comm);
		obj[0] = '\0';
		if (s->in_syscall)
			snprintf(obj, sizeof(obj), " in %s()", sys_name(s->sys_nr, sys, sizeof(sys)));
		snprintf(buf, len, "%s%s: leaves CPU %u to %s[%u]%s",
			 s->kind == STEP_SLEEP ? "sleeps" : "preempted", obj, s->cpu, peer,
			 s->peer_pid, s->kind == STEP_PREEMPTED ? ", still runnable" : "");
		return;
	case STEP_RUN:
		if (s->wait_ns < 0) {
			snprintf(buf, len, "runs on CPU %u", s->cpu);
			return;
		}
		fmt_ns(wait, sizeof(wait), (double)s->wait_ns);
		snprintf(buf, len, "runs on CPU %u, %s after it was woken%s", s->cpu, wait,
			 s->woken_on != s->cpu ? " from another CPU" : "");
		return;
	case STEP_FAULT:
		obj_name(&s->obj, obj, sizeof(obj));
		snprintf(buf, len, "page fault in %s", obj);
		return;
	case STEP_SIGNAL:
		sig = ipc_signal_name(s->sig);
		if (!sig) {
			snprintf(wait, sizeof(wait), "signal %u", s->sig);
			sig = wait;
		}
		if (s->op == IPC_SIG_HANDLED)
			snprintf(buf, len, "%s delivered: its handler is about to run", sig);
		else
			snprintf(buf, len, "%s generated for process %u: %s", sig,
				 s->sig_target, ipc_sig_event_name(s->op));
		return;
	case STEP_NET:
		clean_comm(peer, sizeof(peer), s->peer_comm);
		if (s->op == IPC_NET_DEV_QUEUE || s->op == IPC_NET_RECEIVE)
			snprintf(buf, len, "%s %s (%" PRIu64 " bytes)", net_words(s->op),
				 peer[0] ? peer : "?", s->bytes);
		else
			snprintf(buf, len, "%s", net_words(s->op));
		return;
	case STEP_NKINDS:
		break;
	}
	snprintf(buf, len, "?");
}

/* What the kernel did inside a syscall that returned with a copy */
static const char *why_copy(const struct explain_step *s, enum explain_mech m)
{
	bool in = s->copy == IPC_COPY_USER_TO_KERNEL;

	switch (m) {
	case EXPLAIN_PIPE:
	case EXPLAIN_FIFO:
		return in ? "pipe_write() copied the bytes from the writer's buffer into "
			    "the pipe's pages (copy_page_from_iter), then woke a reader "
			    "waiting on the pipe. Copy 1 of 2."
			  : "pipe_read() copied the bytes from the pipe's pages into the "
			    "reader's buffer (copy_page_to_iter) and freed the page's slot "
			    "for the next write. Copy 2 of 2.";
	case EXPLAIN_MSGQ:
		return in ? "do_msgsnd() copied the message into a kernel buffer it "
			    "allocated (load_msg: struct msg_msg), linked it on the "
			    "queue and woke a waiting receiver. Copy 1 of 2."
			  : "do_msgrcv() took the message off the queue and copied it "
			    "into the receiver's buffer (store_msg), then freed the "
			    "kernel's copy. Copy 2 of 2.";
	case EXPLAIN_POSIX_MQ:
		return in ? "mq_timedsend() copied the message into a kernel buffer "
			    "(load_msg), queued it by priority and woke a waiting "
			    "receiver. Copy 1 of 2."
			  : "mq_timedreceive() copied the message out of the kernel's "
			    "buffer into the receiver's (store_msg). Copy 2 of 2.";
	case EXPLAIN_UNIX:
		return in ? "unix_stream_sendmsg() allocated a socket buffer (an "
			    "sk_buff), copied the bytes into it and queued it on the "
			    "peer's receive queue, then woke the peer. Copy 1 of 2."
			  : "unix_stream_recvmsg() copied the bytes out of the socket "
			    "buffer into the receiver's memory and freed it. Copy 2 of 2.";
	case EXPLAIN_TCP:
		return in ? "tcp_sendmsg() copied the bytes into socket buffers; TCP "
			    "and IP then built the packet and sent it through the "
			    "loopback device, all inside this syscall. Copy 1 of 2."
			  : "tcp_recvmsg() copied the bytes from the socket's receive "
			    "queue into the receiver's memory (and may send an ACK). "
			    "Copy 2 of 2.";
	case EXPLAIN_UDP:
		return in ? "udp_sendmsg() copied the datagram into a packet and sent "
			    "it through IP and the loopback device, inside this "
			    "syscall. Copy 1 of 2."
			  : "udp_recvmsg() copied the datagram from the socket's queue "
			    "into the receiver's memory. Copy 2 of 2.";
	case EXPLAIN_SHM:
	case EXPLAIN_SIGNAL:
	case EXPLAIN_NMECH:
		break;
	}
	return in ? "The kernel copied the bytes from user memory into its own."
		  : "The kernel copied the bytes from its memory into the caller's.";
}

/* A syscall entered or returned without a payload: by its name */
static const char *why_syscall(const struct explain_step *s, enum explain_mech m)
{
	char buf[32];
	const char *n = syscall_name(s->sys_nr, buf, sizeof(buf));
	bool enter = s->kind == STEP_ENTER;

	if (!strcmp(n, "rt_sigreturn"))
		return enter ? "The handler has returned (through the signal frame's "
			       "return address, the sa_restorer): rt_sigreturn asks the "
			       "kernel to restore the registers and mask it saved."
			     : "The registers come back from the signal frame, the "
			       "interrupted syscall's result with them: the program "
			       "goes on where the signal stopped it.";
	if (!strcmp(n, "kill") || !strcmp(n, "tgkill") || !strcmp(n, "tkill"))
		return enter ? "kill() asks the kernel to send a signal: it checks "
			       "the permission, then makes the signal pending on the "
			       "target."
			     : "The signal is pending on the target: sending is "
			       "finished; delivery is the target's affair.";
	if (!strcmp(n, "sched_yield"))
		return enter ? "The reader polls a flag in the shared memory and "
			       "gives up the CPU between looks (sched_yield): the "
			       "kernel's only part in this synchronisation."
			     : "";
	if (!strcmp(n, "futex"))
		return enter ? "A futex: the kernel is asked to sleep until a word "
			       "in memory changes, or to wake those sleeping on it."
			     : "";
	if (!strcmp(n, "rt_sigsuspend") || !strcmp(n, "sigsuspend") ||
	    !strcmp(n, "rt_sigtimedwait") || !strcmp(n, "pause"))
		return enter ? "The process waits for a signal: it unblocks the "
			       "signal and sleeps until one is delivered."
			     : "A signal came: the call ends (ERESTARTNOHAND is the "
			       "kernel's own code for it, EINTR for the program), and "
			       "on the way out to user space the handler runs first.";
	if (enter) {
		if (m == EXPLAIN_SHM)
			return "";
		return "A syscall: the CPU switches from user mode to kernel mode "
		       "(a mode switch, not a context switch) and saves the user "
		       "registers; the kernel runs on this thread's kernel stack.";
	}
	return s->ret < 0 && s->ret > -4096 ?
	       "The call failed: the kernel did nothing for it." : "";
}

/* Why a thread gave up its CPU: by the syscall it was in */
static const char *why_sleep(const struct explain_step *s)
{
	char buf[32];
	const char *n = s->in_syscall ? syscall_name(s->sys_nr, buf, sizeof(buf)) : "";

	if (!strcmp(n, "read") || !strcmp(n, "readv") || !strncmp(n, "recv", 4) ||
	    !strcmp(n, "msgrcv") || !strcmp(n, "mq_timedreceive"))
		return "Nothing to receive yet: the thread puts itself on the "
		       "object's wait queue and gives up its CPU (schedule()): a "
		       "voluntary context switch. The sender's wakeup will make "
		       "it runnable again.";
	if (!strcmp(n, "write") || !strcmp(n, "writev") || !strncmp(n, "send", 4) ||
	    !strcmp(n, "msgsnd") || !strcmp(n, "mq_timedsend"))
		return "No room for the message: the sender waits on the object's "
		       "wait queue until a receive makes room.";
	if (!strcmp(n, "wait4") || !strcmp(n, "waitid"))
		return "The parent waits for its child to exit: it sleeps until "
		       "the child's exit wakes it.";
	if (!strcmp(n, "rt_sigsuspend") || !strcmp(n, "pause") ||
	    !strcmp(n, "rt_sigtimedwait"))
		return "The thread waits for a signal: it sleeps until one is "
		       "generated for it.";
	if (!strcmp(n, "nanosleep") || !strcmp(n, "clock_nanosleep"))
		return "The thread sleeps for a set time: a timer will wake it.";
	if (!strcmp(n, "futex"))
		return "The thread waits on a futex: it sleeps until another "
		       "thread changes the word and wakes it.";
	if (!strcmp(n, "poll") || !strcmp(n, "ppoll") || !strcmp(n, "select") ||
	    !strcmp(n, "pselect6") || !strncmp(n, "epoll", 5))
		return "The thread waits until a file descriptor is ready.";
	return "The thread has nothing to do until something happens: it "
	       "gives up its CPU (schedule()): a voluntary context switch.";
}

const char *explain_why(const struct explain_step *s, const struct explain_story *st,
			enum explain_mech m)
{
	(void)st;
	switch (s->kind) {
	case STEP_MARK_START:
		return "The sender marks the start of its transfer (a USDT probe: "
		       "a nop the kernel's uprobe turned into a trap while we "
		       "watch). Times count from here.";
	case STEP_MARK_END:
		return "The receiver has the whole message and marks the end.";
	case STEP_ENTER:
		return why_syscall(s, m);
	case STEP_RETURN:
		if (s->has_op && (s->copy == IPC_COPY_USER_TO_KERNEL ||
				  s->copy == IPC_COPY_KERNEL_TO_USER))
			return why_copy(s, m);
		if (s->has_op)
			return "An operation on the IPC object that moves no payload.";
		return why_syscall(s, m);
	case STEP_WAKEUP:
		return "The kernel makes the sleeping thread runnable "
		       "(try_to_wake_up) and puts it on a CPU's run queue; if that "
		       "is another CPU, it may have to interrupt it (an IPI) or "
		       "wait for it to leave idle.";
	case STEP_SLEEP:
		return why_sleep(s);
	case STEP_PREEMPTED:
		return "The scheduler takes the CPU from a thread that could go "
		       "on (the thread it woke has a claim to run first, or its "
		       "time is up): an involuntary context switch.";
	case STEP_RUN:
		return "A context switch to this thread: the scheduler restores "
		       "its registers and stack and, from another process, its "
		       "address space. The time since its wakeup is time spent "
		       "waiting to run.";
	case STEP_FAULT:
		return "The first touch of this page in this process: the MMU "
		       "finds no mapping, the kernel (handle_mm_fault) maps the "
		       "segment's page into the page table. The next access to the "
		       "page costs nothing. No copy: both processes map the same "
		       "physical page.";
	case STEP_SIGNAL:
		return s->op == IPC_SIG_HANDLED ?
		       "On its way back to user space the target finds the signal "
		       "pending: the kernel writes a signal frame (registers, mask) "
		       "on its user stack and points it at the handler." :
		       "The kernel records the signal on the target (a bit in its "
		       "pending set for a standard signal: a second one before "
		       "delivery would merge with it) and wakes it if it sleeps.";
	case STEP_NET:
		switch (s->op) {
		case IPC_NET_DEV_QUEUE:
			return "The packet, with its TCP/IP headers, goes to the "
			       "loopback device, which hands it straight back as "
			       "received (netif_rx) and raises the NET_RX softirq.";
		case IPC_NET_SOFTIRQ_ENTRY:
			return "The softirq runs on this CPU, in this thread's "
			       "time, as the syscall re-enables bottom halves.";
		case IPC_NET_RECEIVE:
			return "The receive side of the stack runs: IP, then TCP or "
			       "UDP finds the socket, queues the data and wakes the "
			       "receiver.";
		default:
			return "";
		}
	case STEP_NKINDS:
		break;
	}
	return "";
}

static const char *placement(const struct explain_run *r, char *buf, size_t len)
{
	if (r->cpus[0] < 0)
		snprintf(buf, len, "where the scheduler put them");
	else if (r->cpus[0] == r->cpus[1])
		snprintf(buf, len, "both on CPU %d", r->cpus[0]);
	else
		snprintf(buf, len, "on CPUs %d and %d", r->cpus[0], r->cpus[1]);
	return buf;
}

static void summary_text(FILE *f, const struct explain_story *st)
{
	const struct explain_summary *u = &st->sum;
	char t[32], sys[32], wait[32];

	fmt_ns(t, sizeof(t), (double)u->total_ns);
	fmt_ns(sys, sizeof(sys), (double)u->sys_ns);
	fmt_ns(wait, sizeof(wait), (double)u->wait_ns);
	fprintf(f, "\nSummary\n");
	fprintf(f, "  time          %s, %s\n", t,
		st->marked ? "from the start mark to the end mark" :
			     "first to last event (the workload's marks were not seen)");
	fprintf(f, "  syscalls      %" PRIu64 " (%" PRIu64 " mode switches), %s inside them\n",
		u->syscalls, 2 * u->syscalls, sys);
	fprintf(f, "  copies        %" PRIu64 " user -> kernel (%" PRIu64 " bytes), %" PRIu64
		" kernel -> user (%" PRIu64 " bytes)\n", u->copies_in, u->bytes_in,
		u->copies_out, u->bytes_out);
	fprintf(f, "  scheduler     %" PRIu64 " wakeups (%" PRIu64 " across CPUs), %s "
		"waiting to run; %" PRIu64 " sleeps, %" PRIu64 " preemptions\n",
		u->wakeups, u->cross_cpu_wakeups, wait, u->sleeps, u->preemptions);
	if (u->faults)
		fprintf(f, "  page faults   %" PRIu64 "\n", u->faults);
	if (u->signals_generated || u->signals_delivered)
		fprintf(f, "  signals       %" PRIu64 " generated, %" PRIu64 " delivered\n",
			u->signals_generated, u->signals_delivered);
	if (u->packets)
		fprintf(f, "  packets       %" PRIu64 " through a network device\n", u->packets);
}

/* Words wrapped at width, each line indented by ind spaces */
static void wrap(FILE *f, const char *text, int ind, int width)
{
	const char *p = text;

	while (*p) {
		int room = width - ind, n = 0, last = -1;

		while (p[n] && n < room) {
			if (p[n] == ' ')
				last = n;
			n++;
		}
		if (p[n] && last > 0)
			n = last;
		fprintf(f, "%*s%.*s\n", ind, "", n, p);
		p += n;
		while (*p == ' ')
			p++;
	}
}

void explain_text(FILE *f, const struct explain_story *st, const struct explain_run *r)
{
	const struct explain_mech_info *m = &explain_mechs[r->mech];
	char where[64], what[512], comm[IPC_COMM_LEN * 4], t[32];
	const char *told_whys[64];
	size_t ntold = 0;

	if (m->sized)
		fprintf(f, "One %" PRIu64 "-byte message through %s, the two processes %s",
			r->size, m->title, placement(r, where, sizeof(where)));
	else
		fprintf(f, "One message by %s, the two processes %s", m->title,
			placement(r, where, sizeof(where)));
	fprintf(f, " (Linux %s).\n\n", r->kernel);
	wrap(f, m->how, 0, 76);
	fprintf(f, "\n  #       time  CPU  process            step\n");
	for (size_t i = 0; i < st->n; i++) {
		const struct explain_step *s = &st->steps[i];
		const char *why = explain_why(s, st, r->mech);
		char who[IPC_COMM_LEN * 4 + 16];
		bool told = false;

		/* a lesson says a thing once: the same line under a later step
		   is left out (the JSON has it under each) */
		for (size_t k = 0; k < ntold && !told; k++)
			told = told_whys[k] == why;
		if (!told && ntold < ARRAY_SIZE(told_whys))
			told_whys[ntold++] = why;
		if (told)
			why = "";

		explain_what(s, what, sizeof(what));
		clean_comm(comm, sizeof(comm), s->comm);
		snprintf(who, sizeof(who), "%s[%u]", comm, s->pid);
		snprintf(t, sizeof(t), "%+.1f us", (double)s->t_ns / 1000.0);
		fprintf(f, "%3zu %11s %4u  %-18s %s\n", i + 1, t, s->cpu, who, what);
		if (*why)
			wrap(f, why, 39, 100);
	}
	summary_text(f, st);
	for (size_t i = 0; i < r->nclaims; i++)
		fprintf(f, "%s  %s\n", i ? "" : "\nThe document says\n", r->claims[i]);
	if (r->lost || r->skipped)
		fprintf(f, "\nNot seen: %" PRIu64 " events lost (the ring buffer was full), "
			"%" PRIu64 " program runs the kernel skipped: steps are missing.\n",
			r->lost, r->skipped);
}

void explain_json(FILE *f, const struct explain_story *st, const struct explain_run *r)
{
	const struct explain_mech_info *m = &explain_mechs[r->mech];
	const struct explain_summary *u = &st->sum;
	struct json_writer *jw = jw_new(f, true);
	char what[512], buf[32];

	if (!jw)
		return;
	jw_object_begin(jw);
	jw_kv_string(jw, "mechanism", m->name);
	jw_kv_string(jw, "title", m->title);
	if (m->sized)
		jw_kv_uint(jw, "size", r->size);
	jw_key(jw, "cpus");
	jw_array_begin(jw);
	for (int i = 0; i < 2 && r->cpus[0] >= 0; i++)
		jw_int(jw, r->cpus[i]);
	jw_array_end(jw);
	jw_kv_string(jw, "kernel", r->kernel);
	jw_kv_bool(jw, "marked", st->marked);
	jw_kv_string(jw, "how", m->how);
	jw_key(jw, "steps");
	jw_array_begin(jw);
	for (size_t i = 0; i < st->n; i++) {
		const struct explain_step *s = &st->steps[i];

		explain_what(s, what, sizeof(what));
		jw_object_begin(jw);
		jw_kv_uint(jw, "n", i + 1);
		jw_kv_int(jw, "t_ns", s->t_ns);
		jw_kv_string(jw, "kind", step_kind_name(s->kind));
		jw_kv_uint(jw, "cpu", s->cpu);
		jw_kv_uint(jw, "tgid", s->tgid);
		jw_kv_uint(jw, "pid", s->pid);
		jw_key(jw, "comm");
		{
			char c[IPC_COMM_LEN + 1];

			memcpy(c, s->comm, IPC_COMM_LEN);
			c[IPC_COMM_LEN] = '\0';
			jw_string(jw, c);
		}
		if (s->kind == STEP_ENTER || s->kind == STEP_RETURN) {
			jw_kv_string(jw, "syscall", syscall_name(s->sys_nr, buf, sizeof(buf)));
			jw_kv_uint(jw, "syscall_nr", s->sys_nr);
		}
		if (s->kind == STEP_RETURN) {
			jw_kv_int(jw, "ret", s->ret);
			jw_kv_uint(jw, "dur_ns", s->dur_ns);
		}
		if (s->has_op) {
			char obj[128];

			ipc_obj_name(&s->obj, NULL, NULL, obj, sizeof(obj));
			jw_kv_string(jw, "op", ipc_op_name(s->op));
			jw_kv_string(jw, "object", obj);
			jw_kv_uint(jw, "bytes", s->bytes);
			jw_kv_string(jw, "copy", ipc_copy_name(s->copy));
		}
		if (s->kind == STEP_FAULT) {
			char obj[128];

			ipc_obj_name(&s->obj, NULL, NULL, obj, sizeof(obj));
			jw_kv_string(jw, "object", obj);
		}
		if (s->kind == STEP_WAKEUP || s->kind == STEP_SLEEP ||
		    s->kind == STEP_PREEMPTED || s->kind == STEP_RUN) {
			char c[IPC_COMM_LEN + 1];

			memcpy(c, s->peer_comm, IPC_COMM_LEN);
			c[IPC_COMM_LEN] = '\0';
			jw_key(jw, "peer");
			jw_object_begin(jw);
			jw_kv_uint(jw, "tgid", s->peer_tgid);
			jw_kv_uint(jw, "pid", s->peer_pid);
			jw_kv_string(jw, "comm", c);
			jw_object_end(jw);
		}
		if (s->kind == STEP_RUN && s->wait_ns >= 0) {
			jw_kv_int(jw, "wait_ns", s->wait_ns);
			jw_kv_uint(jw, "woken_on_cpu", s->woken_on);
		}
		if (s->kind == STEP_SIGNAL) {
			const char *n = ipc_signal_name(s->sig);

			jw_kv_uint(jw, "signal", s->sig);
			if (n)
				jw_kv_string(jw, "signal_name", n);
			jw_kv_string(jw, "event", s->op == IPC_SIG_HANDLED ? "delivered" :
				     ipc_sig_event_name(s->op));
			if (s->op != IPC_SIG_HANDLED)
				jw_kv_uint(jw, "target", s->sig_target);
		}
		if (s->kind == STEP_NET) {
			char c[IPC_COMM_LEN + 1];

			memcpy(c, s->peer_comm, IPC_COMM_LEN);
			c[IPC_COMM_LEN] = '\0';
			jw_kv_string(jw, "net", s->op == IPC_NET_DEV_QUEUE ? "dev_queue" :
				     s->op == IPC_NET_RECEIVE ? "receive" :
				     s->op == IPC_NET_SOFTIRQ_ENTRY ? "softirq_entry" :
				     "softirq_exit");
			if (s->op <= IPC_NET_RECEIVE) {
				jw_kv_string(jw, "device", c);
				jw_kv_uint(jw, "bytes", s->bytes);
			}
		}
		jw_kv_string(jw, "what", what);
		jw_kv_string(jw, "why", explain_why(s, st, r->mech));
		jw_object_end(jw);
	}
	jw_array_end(jw);
	jw_key(jw, "summary");
	jw_object_begin(jw);
	jw_kv_uint(jw, "total_ns", u->total_ns);
	jw_kv_uint(jw, "syscalls", u->syscalls);
	jw_kv_uint(jw, "mode_switches", 2 * u->syscalls);
	jw_kv_uint(jw, "syscall_ns", u->sys_ns);
	jw_kv_uint(jw, "copies_user_to_kernel", u->copies_in);
	jw_kv_uint(jw, "bytes_user_to_kernel", u->bytes_in);
	jw_kv_uint(jw, "copies_kernel_to_user", u->copies_out);
	jw_kv_uint(jw, "bytes_kernel_to_user", u->bytes_out);
	jw_kv_uint(jw, "wakeups", u->wakeups);
	jw_kv_uint(jw, "cross_cpu_wakeups", u->cross_cpu_wakeups);
	jw_kv_uint(jw, "wait_to_run_ns", u->wait_ns);
	jw_kv_uint(jw, "sleeps", u->sleeps);
	jw_kv_uint(jw, "preemptions", u->preemptions);
	jw_kv_uint(jw, "page_faults", u->faults);
	jw_kv_uint(jw, "signals_generated", u->signals_generated);
	jw_kv_uint(jw, "signals_delivered", u->signals_delivered);
	jw_kv_uint(jw, "packets", u->packets);
	jw_object_end(jw);
	jw_key(jw, "claims");
	jw_array_begin(jw);
	for (size_t i = 0; i < r->nclaims; i++)
		jw_string(jw, r->claims[i]);
	jw_array_end(jw);
	jw_key(jw, "workload");
	wjson_write(jw, r->workload);
	jw_key(jw, "lost");
	jw_object_begin(jw);
	jw_kv_uint(jw, "events", r->lost);
	jw_kv_uint(jw, "skipped_runs", r->skipped);
	jw_object_end(jw);
	jw_object_end(jw);
	jw_free(jw);
}
