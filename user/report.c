// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * report.c - the text report: tables and log2 histograms (the JSON
 * document is report_json.c). Every figure is printed exactly as counted;
 * units are stated.
 */
#define _GNU_SOURCE	/* qsort_r */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "hist.h"
#include "json.h"
#include "report.h"
#include "util.h"

#define MAX_PEERS_SHOWN 3

uint64_t report_pct_upper(const __u64 *slots, double p)
{
	uint64_t lo, hi, v = hist_percentile_upper(slots, IPC_HIST_SLOTS, p);

	hist_slot_range(IPC_HIST_SLOTS - 1, &lo, &hi);
	return v >= lo ? 0 : v;
}

void report_fmt_pct(char *buf, size_t len, const __u64 *slots, double p)
{
	uint64_t lo, hi, v = report_pct_upper(slots, p);

	if (v) {
		fmt_ns(buf, len, v);
		return;
	}
	hist_slot_range(IPC_HIST_SLOTS - 1, &lo, &hi);
	buf[0] = '>';
	fmt_ns(buf + 1, len - 1, lo);
}

/* "7336 cat", or "7336.2 cat" for the second process that had pid 7336 */
static void proc_text(char *buf, size_t len, const struct snapshot *s,
		      uint32_t tgid, uint64_t start)
{
	char label[32], comm[IPC_COMM_LEN];

	if (!tgid && !start) {
		snprintf(buf, len, "kernel");	/* a signal's sender */
		return;
	}
	snapshot_proc_label(s, tgid, start, label, sizeof(label));
	text_clean(comm, sizeof(comm), snapshot_proc_comm(s, tgid, start), IPC_COMM_LEN);
	snprintf(buf, len, "%s %s", label, comm);
}

/* A string of the request (an argument, --comm, --cgroup), for the text */
static void put_clean(FILE *out, const char *prefix, const char *s)
{
	char buf[256];

	text_clean(buf, sizeof(buf), s, strlen(s));
	fprintf(out, "%s%s", prefix, buf);
}

static void print_header(FILE *out, const struct run_info *ri,
			 const struct snapshot *s)
{
	fprintf(out, "ipcscope %s: traced ", ri->version);
	if (ri->all) {
		fputs("all processes", out);
	} else {
		const char *sep = "";

		if (ri->command) {
			fputs("'", out);
			for (char *const *a = ri->command; *a; a++)
				put_clean(out, a == ri->command ? "" : " ", *a);
			fprintf(out, "' (pid %d)", (int)ri->command_pid);
			sep = ", ";
		}
		for (int i = 0; i < ri->npids; i++, sep = ", ")
			fprintf(out, "%spid %d", sep, (int)ri->pids[i]);
		if (ri->comm) {
			fprintf(out, "%sprocesses named ", sep);
			put_clean(out, "", ri->comm);
			sep = ", ";
		}
		if (ri->cgroup) {
			fprintf(out, "%scgroup ", sep);
			put_clean(out, "", ri->cgroup);
		}
		/* one process: its children; several, or a selector: theirs */
		fputs((ri->command ? 1 : 0) + ri->npids == 1 && !ri->comm && !ri->cgroup ?
		      " and its children" : " and their children", out);
	}
	fprintf(out, " for %.2f s on Linux %s\n", ri->duration_s,
		ri->kernel_release);
	if (ri->command && ri->command_signal)
		fprintf(out, "command killed by signal %d\n", ri->command_signal);
	else if (ri->command && ri->command_exit >= 0)
		fprintf(out, "command exited with status %d\n", ri->command_exit);
	fprintf(out, "%zu processes seen, %" PRIu64 " events dropped\n",
		s->nprocs, snapshot_drops_total(s));
}

static void print_ops(FILE *out, const struct snapshot *s)
{
	bool any = false;

	for (uint32_t slot = 0; slot < IPC_OP_SLOTS; slot++) {
		const struct ipc_op_stats *st = &s->ops[slot];
		uint32_t kind = slot / IPC_OP_MAX, op = slot % IPC_OP_MAX;
		char avg[24], p99[24];

		if (!st->calls)
			continue;
		if (!any) {
			fprintf(out, "\nOPERATIONS (syscalls on IPC objects)\n");
			fprintf(out, "  %-5s %-5s %-13s %10s %8s %14s %10s %10s  %s\n",
				"MECH", "KIND", "OPERATION", "CALLS", "ERRORS",
				"BYTES", "AVG LAT", "P99 LAT<=", "COPY");
			any = true;
		}
		fmt_ns(avg, sizeof(avg), (double)st->lat_sum_ns / st->calls);
		report_fmt_pct(p99, sizeof(p99), st->lat_slots, 99);
		fprintf(out, "  %-5s %-5s %-13s %10" PRIu64 " %8" PRIu64 " %14" PRIu64
			" %10s %10s  %s\n",
			ipc_mech_name(ipc_kind_mech(kind)), ipc_kind_name(kind),
			ipc_op_name(op), (uint64_t)st->calls, (uint64_t)st->errors,
			(uint64_t)st->bytes, avg, p99, ipc_copy_name(ipc_op_copy(op)));
	}
	if (!any) {
		fprintf(out, "\nNo IPC operations were seen.\n");
		return;
	}
	for (size_t i = 0; i < s->nerrs; i++) {
		const struct ipc_err_row *e = &s->errs[i];
		const char *name = ipc_errno_name(e->key.err);

		if (i == 0)
			fprintf(out, "  errors:");
		fprintf(out, " %s %s ", ipc_kind_name(e->key.slot / IPC_OP_MAX),
			ipc_op_name(e->key.slot % IPC_OP_MAX));
		if (name)
			fprintf(out, "%s", name);
		else
			fprintf(out, "errno %d", e->key.err);
		fprintf(out, " x%" PRIu64 "%s", e->count,
			i + 1 < s->nerrs ? ";" : "\n");
	}
}

/* Shared memory moves no payload through syscalls: say so, with the faults. */
static void print_shm_summary(FILE *out, const struct snapshot *s)
{
	const struct ipc_copies *c = &s->copies[IPC_MECH_SHM];
	uint64_t faults = 0, segments = 0;

	for (size_t i = 0; i < s->nobjs; i++)
		if (ipc_kind_mech(s->objs[i].key.kind) == IPC_MECH_SHM) {
			faults += s->objs[i].st.page_faults;
			segments++;
		}
	if (!segments)
		return;
	fprintf(out, "  shm: %" PRIu64 " bytes of payload through syscalls, %" PRIu64
		" page faults in %" PRIu64 " shared segment(s): the data is mapped, not copied\n",
		c->user_to_kernel + c->kernel_to_user, faults, segments);
}

static void print_copies(FILE *out, const struct snapshot *s)
{
	bool header = false;

	for (int m = 0; m < IPC_MECH_MAX; m++) {
		const struct ipc_copies c = s->copies[m];
		double per;

		if (!ipc_mech_has_objects(m))
			continue;	/* nothing of a signal is counted as copied */
		if (!c.payload && !c.kernel_to_user)
			continue;
		if (!header) {
			fprintf(out, "\nCOPY COUNTS (bytes the kernel copied between user and kernel memory)\n");
			fprintf(out, "  %-9s %14s %14s %14s %14s %12s\n", "MECH",
				"PAYLOAD", "USER->KERNEL", "KERNEL->USER",
				"ZERO-COPY", "COPIES/BYTE");
			header = true;
		}
		per = ipc_copies_per_byte(&c);
		fprintf(out, "  %-9s %14" PRIu64 " %14" PRIu64 " %14" PRIu64
			" %14" PRIu64, ipc_mech_name(m), c.payload,
			c.user_to_kernel, c.kernel_to_user, c.zero_copy);
		if (per >= 0)
			fprintf(out, " %12.2f\n", per);
		else
			fprintf(out, " %12s\n", "n/a");
	}
	if (header)
		fprintf(out, "  payload: bytes that entered the objects; a pipe written with write()\n"
			     "  and drained with read() copies each byte twice: 2.00\n");
	print_shm_summary(out, s);
}

static const char *const role_labels[] = {
	[IPC_DIR_IN] = "writes/sends",
	[IPC_DIR_OUT] = "reads/receives",
	[IPC_DIR_OTHER] = "other ops",
	[IPC_DIR_FAULT] = "page faults",
};

/* One line per role: "      reads/receives: 7337 pipe (1001), 7338 cat (3)" */
static void print_peers(FILE *out, const struct snapshot *s,
			const struct ipc_obj_row *o, uint32_t dir)
{
	int shown = 0, more = 0;
	char who[64];

	for (size_t i = o->ep_first; i < o->ep_first + o->neps; i++) {
		const struct ipc_ep_row *e = &s->eps[i];

		if (e->key.dir != dir)
			continue;
		if (shown == MAX_PEERS_SHOWN) {
			more++;
			continue;
		}
		if (!shown)
			fprintf(out, "      %s:", role_labels[dir]);
		proc_text(who, sizeof(who), s, e->key.tgid, e->key.start);
		fprintf(out, "%s %s (%" PRIu64 ")", shown ? "," : "", who,
			(uint64_t)e->st.calls);
		shown++;
	}
	if (more)
		fprintf(out, " +%d more", more);
	if (shown)
		fputc('\n', out);
}

/* "      types sent/received: 1: 100/100, 2: 100/100; msgrcv asked for: any 50, 1 50" */
static void print_msgtypes(FILE *out, const struct snapshot *s,
			   const struct ipc_obj_row *o)
{
	const struct ipc_msgtype_row *mt = s->msgtypes + o->mt_first;
	int shown = 0, asked = 0;

	for (size_t i = 0; i < o->nmts; i++) {
		const struct ipc_msgtype_row *r = &mt[i];

		if (!r->st.sent && !r->st.received)
			continue;
		fprintf(out, "%s%lld: %" PRIu64 "/%" PRIu64,
			shown++ ? ", " : "      message types sent/received: ",
			(long long)r->key.mtype, (uint64_t)r->st.sent,
			(uint64_t)r->st.received);
	}
	if (shown)
		fputc('\n', out);
	for (size_t i = 0; i < o->nmts; i++) {
		const struct ipc_msgtype_row *r = &mt[i];

		if (!r->st.requested)
			continue;
		if (r->key.mtype)
			fprintf(out, "%s%lld x%" PRIu64, asked++ ? ", " :
				"      msgrcv asked for type: ", (long long)r->key.mtype,
				(uint64_t)r->st.requested);
		else
			fprintf(out, "%sany x%" PRIu64, asked++ ? ", " :
				"      msgrcv asked for type: ", (uint64_t)r->st.requested);
	}
	if (asked)
		fputc('\n', out);
}

static void print_objects(FILE *out, const struct snapshot *s, unsigned top)
{
	size_t shown = top && top < s->nobjs ? top : s->nobjs;
	uint64_t rest_ops = 0;

	if (!s->nobjs)
		return;
	fprintf(out, "\nIPC OBJECTS (who talks to whom), by bytes; (n) = calls or faults\n");
	fprintf(out, "  %-34s %-5s %-5s %9s %12s %9s %12s %9s %9s\n", "OBJECT",
		"MECH", "KIND", "OPS IN", "BYTES IN", "OPS OUT", "BYTES OUT",
		"OTHER OPS", "FAULTS");
	for (size_t i = 0; i < shown; i++) {
		const struct ipc_obj_row *o = &s->objs[i];
		char name[96];

		snapshot_obj_name(s, &o->key, name, sizeof(name));
		fprintf(out, "  %-34s %-5s %-5s %9" PRIu64 " %12" PRIu64 " %9" PRIu64
			" %12" PRIu64 " %9" PRIu64 " %9" PRIu64 "\n", name,
			ipc_mech_name(ipc_kind_mech(o->key.kind)),
			ipc_kind_name(o->key.kind), (uint64_t)o->st.ops_in,
			(uint64_t)o->st.bytes_in, (uint64_t)o->st.ops_out,
			(uint64_t)o->st.bytes_out, (uint64_t)o->st.ops_other,
			(uint64_t)o->st.page_faults);
		for (uint32_t dir = IPC_DIR_IN; dir <= IPC_DIR_FAULT; dir++)
			print_peers(out, s, o, dir);
		print_msgtypes(out, s, o);
	}
	for (size_t i = shown; i < s->nobjs; i++)
		rest_ops += s->objs[i].st.ops_in + s->objs[i].st.ops_out +
			    s->objs[i].st.ops_other + s->objs[i].st.page_faults;
	if (shown < s->nobjs)
		fprintf(out, "  ... %zu more objects with %" PRIu64 " operations and faults "
			"(--top 0 lists all; --json has all)\n", s->nobjs - shown, rest_ops);
}

/* "1234 nginx, 1235 nginx" for the processes that used one socket */
static void end_procs(char *buf, size_t len, const struct snapshot *s,
		      const struct ipc_obj_row *o)
{
	size_t used = 0;
	int shown = 0;
	char who[64];

	buf[0] = '\0';
	for (size_t i = o->ep_first; i < o->ep_first + o->neps && used < len; i++) {
		const struct ipc_ep_row *e = &s->eps[i];

		if (!snapshot_first_ep_of_proc(s, o, i))
			continue;
		proc_text(who, sizeof(who), s, e->key.tgid, e->key.start);
		used += snprintf(buf + used, len - used, "%s%s", shown++ ? ", " : "", who);
	}
	if (!shown)
		snprintf(buf, len, "-");
}

static void print_channels(FILE *out, const struct snapshot *s)
{
	const struct ipc_channel *ch = s->channels;
	size_t n = s->nchannels;

	if (n)
		fprintf(out, "\nSOCKET CHANNELS, by bytes (both ends paired; bytes sent from each end)\n");
	for (size_t i = 0; i < n; i++) {
		const struct ipc_obj_row *a = &s->objs[ch[i].a];
		const struct ipc_obj_row *b = ch[i].b >= 0 ? &s->objs[ch[i].b] : NULL;
		const struct ipc_sock_info *si = a->sock;
		char name[128], procs[160];

		snapshot_obj_name(s, &a->key, name, sizeof(name));
		end_procs(procs, sizeof(procs), s, a);
		fprintf(out, "  %-14s %s%s\n", ipc_kind_name(a->key.kind),
			si && ipc_sock_loopback(si) ? "loopback" : "remote",
			b ? "" : ", other end not traced");
		fprintf(out, "    A %-44s %-30s sent %12" PRIu64 " B, received %12" PRIu64 " B\n",
			name, procs, (uint64_t)a->st.bytes_in, (uint64_t)a->st.bytes_out);
		if (!b)
			continue;
		snapshot_obj_name(s, &b->key, name, sizeof(name));
		end_procs(procs, sizeof(procs), s, b);
		fprintf(out, "    B %-44s %-30s sent %12" PRIu64 " B, received %12" PRIu64 " B\n",
			name, procs, (uint64_t)b->st.bytes_in, (uint64_t)b->st.bytes_out);
	}
}

/* "  pipe  anon        1000  12.0 us  16.4 us  32.8 us   0  0  pipe:[123]" */
static void print_chan_row(FILE *out, const char *mech, const char *kind,
			   const struct ipc_chan_stats *c, const char *name)
{
	char avg[24] = "-", p50[24] = "-", p99[24] = "-";

	if (c->samples) {
		fmt_ns(avg, sizeof(avg), (double)c->sum_ns / c->samples);
		report_fmt_pct(p50, sizeof(p50), c->slots, 50);
		report_fmt_pct(p99, sizeof(p99), c->slots, 99);
	}
	fprintf(out, "  %-6s %-14s %10" PRIu64 " %10s %10s %10s %10" PRIu64
		" %9" PRIu64 "  %s\n", mech, kind, (uint64_t)c->samples, avg, p50,
		p99, (uint64_t)c->unmatched, (uint64_t)c->overflow, name);
}

/*
 * Time in channel: per kind of channel, then per channel (the receiving
 * object), busiest first in object order.
 */
static void print_chan_time(FILE *out, const struct snapshot *s, unsigned top)
{
	struct ipc_chan_stats sum;
	size_t shown = 0, rest = 0;

	if (!s->nchans)
		return;
	fprintf(out, "\nTIME IN CHANNEL (data waiting in the kernel: send syscall entry "
		"to receive exit; one sample per receive)\n");
	fprintf(out, "  %-6s %-14s %10s %10s %10s %10s %10s %9s  %s\n", "MECH",
		"KIND", "SAMPLES", "AVG", "P50<=", "P99<=", "UNMATCHED",
		"OVERFLOW", "CHANNEL (receiving end)");
	for (uint32_t kind = 0; kind < IPC_KIND_MAX; kind++)
		if (snapshot_chan_kind(s, kind, &sum))
			print_chan_row(out, ipc_mech_name(ipc_kind_mech(kind)),
				       ipc_kind_name(kind), &sum, "(all)");
	for (size_t i = 0; i < s->nobjs; i++) {
		const struct ipc_chan_stats *c = s->objs[i].chan;
		char name[96];

		if (!c)
			continue;
		if (top && shown >= top) {
			rest++;
			continue;
		}
		snapshot_obj_name(s, &s->objs[i].key, name, sizeof(name));
		print_chan_row(out, ipc_mech_name(ipc_kind_mech(s->objs[i].key.kind)),
			       ipc_kind_name(s->objs[i].key.kind), c, name);
		shown++;
	}
	if (rest)
		fprintf(out, "  ... %zu more channels (--top 0 lists all; --json has all)\n",
			rest);
	for (size_t i = 0; i < s->nchans; i++)
		if (s->chans[i].st.unmatched || s->chans[i].st.overflow) {
			fprintf(out, "  unmatched: the data was sent before tracing began, by an "
				"untraced process, or the channel was resynchronised; "
				"overflow: more sends waiting than the record keeps\n");
			break;
		}
}

static void print_signals(FILE *out, const struct snapshot *s)
{
	bool header = false, merged = false;

	for (size_t i = 0; i < s->nsigs; i++) {
		const struct ipc_sig_row *r = &s->sigs[i];
		const char *name = ipc_signal_name(r->key.sig);
		char sender[48], target[48], sig[16];

		if (!header) {
			fprintf(out, "\nSIGNALS (generated: the kernel's result; delivered: taken by the target)\n");
			fprintf(out, "  %-24s %-24s %-9s %-20s %-16s %10s\n", "SENDER",
				"TARGET", "SIGNAL", "HOW", "EVENT", "COUNT");
			header = true;
		}
		if (r->key.event == IPC_SIG_HANDLED)
			snprintf(sender, sizeof(sender), "-");
		else
			proc_text(sender, sizeof(sender), s, r->key.sender,
				  r->key.sender_start);
		proc_text(target, sizeof(target), s, r->key.target, r->key.target_start);
		if (name)
			snprintf(sig, sizeof(sig), "%s", name);
		else
			snprintf(sig, sizeof(sig), "%u", r->key.sig);
		fprintf(out, "  %-24.24s %-24.24s %-9s %-20s %-16s %10" PRIu64 "\n",
			sender, target, sig, ipc_sig_origin(r->key.code),
			ipc_sig_event_name(r->key.event), r->count);
		merged |= r->key.event == IPC_SIG_ALREADY_PENDING;
	}
	if (merged)
		fprintf(out, "  already_pending: a standard signal sent while one is pending is merged into it (lost)\n");
}

/* "  cgroup /system.slice/docker-ID.scope (docker container 0123456789ab)" */
static void cgroup_heading(FILE *out, const struct snapshot *s, const struct ipc_proc_row *p)
{
	const char *path = snapshot_proc_cgroup(s, p);
	struct cgroup_desc d;
	char clean[512];

	if (!path) {
		fprintf(out, "  cgroup id %" PRIu64 " (not found: removed since, or no cgroup2)\n",
			(uint64_t)p->p.cgroup_id);
		return;
	}
	text_clean(clean, sizeof(clean), path, strlen(path));
	fprintf(out, "  cgroup %s", clean);
	if (cgroup_describe(path, &d) && d.runtime[0]) {
		fprintf(out, " (%s container %.12s)", d.runtime, d.id);
	} else if (d.unit[0]) {
		text_clean(clean, sizeof(clean), d.unit, strlen(d.unit));
		fprintf(out, " (unit %s)", clean);
	}
	fputc('\n', out);
}

/* --by cgroup: by path (the unnamed by id, last), then as they were */
static int by_cgroup(const void *a, const void *b, void *ctx)
{
	const struct snapshot *s = ctx;
	const struct ipc_proc_row *x = &s->procs[*(const size_t *)a];
	const struct ipc_proc_row *y = &s->procs[*(const size_t *)b];
	const char *px = snapshot_proc_cgroup(s, x), *py = snapshot_proc_cgroup(s, y);
	int c = px && py ? strcmp(px, py) : !px - !py;

	if (!c && x->p.cgroup_id != y->p.cgroup_id)
		c = x->p.cgroup_id < y->p.cgroup_id ? -1 : 1;
	if (!c)
		c = *(const size_t *)a < *(const size_t *)b ? -1 : 1;
	return c;
}

static void print_procs(FILE *out, const struct run_info *ri, const struct snapshot *s)
{
	size_t *order;
	const struct ipc_proc_row *prev = NULL;

	if (!s->nprocs)
		return;
	/* --by cgroup: the rows in cgroup order (as they are, out of memory:
	   a heading then comes again where a cgroup does) */
	order = ri->by_cgroup ? malloc(s->nprocs * sizeof(*order)) : NULL;
	if (order) {
		for (size_t i = 0; i < s->nprocs; i++)
			order[i] = i;
		qsort_r(order, s->nprocs, sizeof(*order), by_cgroup, (void *)s);
	}
	fprintf(out, "\nPROCESSES%s\n", ri->by_cgroup ? " BY CGROUP" : "");
	fprintf(out, "  %7s %7s %-16s %10s %9s %9s %9s %9s  %s\n", "PID", "PPID",
		"COMM", "SYSCALLS", "VOL CSW", "INVOL CSW", "FAULTS", "SHM FLTS",
		"STATE");
	for (size_t k = 0; k < s->nprocs; k++) {
		const struct ipc_proc_row *p = &s->procs[order ? order[k] : k];
		char pid[32], comm[IPC_COMM_LEN];

		if (ri->by_cgroup && (!prev || p->p.cgroup_id != prev->p.cgroup_id))
			cgroup_heading(out, s, p);
		prev = p;
		snapshot_proc_label(s, p->tgid, p->start, pid, sizeof(pid));
		text_clean(comm, sizeof(comm), p->p.comm, IPC_COMM_LEN);
		fprintf(out, "  %7s %7u %-16.16s %10" PRIu64 " %9" PRIu64
			" %9" PRIu64 " %9" PRIu64 " %9" PRIu64 "  %s\n", pid,
			p->p.ppid, comm, (uint64_t)p->p.syscalls,
			(uint64_t)p->p.vol_switches, (uint64_t)p->p.invol_switches,
			(uint64_t)p->p.page_faults, (uint64_t)p->p.shm_faults,
			p->p.flags & IPC_PROC_EXITED ? "exited" : "running");
	}
	free(order);
	if (!s->every_syscall)
		fprintf(out, "  SYSCALLS: the IPC syscalls only (read, write, send, receive, "
			"the queue, semaphore\n  and shm calls, futex; on any file): "
			"--all-syscalls counts every syscall\n");
	if (snapshot_pid_reused(s))
		fprintf(out, "  PID.N: a pid reused during the run, by N processes in turn "
			"(1 started first); each is counted apart\n");
}

static void print_hists(FILE *out, const struct snapshot *s)
{
	for (uint32_t slot = 0; slot < IPC_OP_SLOTS; slot++) {
		const struct ipc_op_stats *st = &s->ops[slot];

		if (!st->calls)
			continue;
		fprintf(out, "\nLATENCY of %s %s %s, syscall entry to exit\n",
			ipc_kind_name(slot / IPC_OP_MAX),
			ipc_mech_name(ipc_kind_mech(slot / IPC_OP_MAX)),
			ipc_op_name(slot % IPC_OP_MAX));
		hist_print(out, st->lat_slots, IPC_HIST_SLOTS, "nsecs");
	}
}

static void print_chan_hists(FILE *out, const struct snapshot *s)
{
	struct ipc_chan_stats sum;

	for (uint32_t kind = 0; kind < IPC_KIND_MAX; kind++) {
		if (!snapshot_chan_kind(s, kind, &sum) || !sum.samples)
			continue;
		fprintf(out, "\nTIME IN CHANNEL of %s %s, send entry to receive exit "
			"(%" PRIu64 " samples)\n", ipc_kind_name(kind),
			ipc_mech_name(ipc_kind_mech(kind)), (uint64_t)sum.samples);
		hist_print(out, sum.slots, IPC_HIST_SLOTS, "nsecs");
	}
}

static void print_signal_latency(FILE *out, const struct snapshot *s)
{
	for (uint32_t sig = 0; sig < IPC_NSIG; sig++) {
		const struct ipc_sig_lat *l = &s->sig_lat[sig];
		const char *name = ipc_signal_name(sig);

		if (!l->count)
			continue;
		if (name)
			fprintf(out, "\nLATENCY of %s, generation to delivery (%" PRIu64 " signals)\n",
				name, (uint64_t)l->count);
		else
			fprintf(out, "\nLATENCY of signal %u, generation to delivery (%" PRIu64 " signals)\n",
				sig, (uint64_t)l->count);
		hist_print(out, l->slots, IPC_HIST_SLOTS, "nsecs");
	}
}

/* --usdt-phase: a line per phase */
static void print_phases(FILE *out, const struct run_info *ri, const struct snapshot *s)
{
	if (!s->phases)
		return;
	fputs("\nPHASES marked by ", out);
	put_clean(out, "", ri->phase_start ? ri->phase_start : "?");
	put_clean(out, " and ", ri->phase_end ? ri->phase_end : "?");
	put_clean(out, " in ", ri->phase_binary ? ri->phase_binary : "?");
	fprintf(out, " (%" PRIu64 " start and %" PRIu64 " end marks seen)\n",
		s->phase_marks[0], s->phase_marks[1]);
	if (!s->phase_marks[0])
		fputs("  no start mark seen: everything counted is before it\n", out);
	fprintf(out, "  %-8s %10s %10s %10s %10s %10s  %s\n", "PHASE", "SYSCALLS",
		"VOL SW", "INVOL SW", "FAULTS", "SHM FAULTS", "SYSCALLS BY NAME");
	for (int p = 0; p < IPC_PHASES; p++) {
		const struct ipc_phase_counts *c = &s->phase[p];
		char names[512];

		snapshot_phase_text(names, sizeof(names), s, p, false, 8);
		fprintf(out, "  %-8s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64
			" %10" PRIu64 "  %s\n", phase_names[p], (uint64_t)c->syscalls,
			(uint64_t)c->vol_switches, (uint64_t)c->invol_switches,
			(uint64_t)c->page_faults, (uint64_t)c->shm_faults, names);
	}
	fputs("  (a syscall counts in the phase it returned in; a switch or fault in "
	      "the one it happened in)\n", out);
}

static void print_problems(FILE *out, const struct run_info *ri,
			   const struct snapshot *s)
{
	for (size_t i = 0; i < ri->nprobes; i++)
		if (!ri->probes[i].attached && !ri->probes[i].standby)
			fprintf(out, "\nnot attached: %s: %s\n",
				ri->probes[i].name, ri->probes[i].reason);
	for (int i = 0; i < IPC_DROP_MAX; i++) {
		if (!s->drops[i])
			continue;
		fprintf(out, "\nDROPPED: %" PRIu64 " events (%s): "
			"figures are incomplete\n", s->drops[i], ipc_drop_why(i));
		if (i != IPC_DROP_SKIPPED_RUNS)
			continue;
		for (size_t k = 0; k < s->nskipped; k++)
			fprintf(out, "  %s: %" PRIu64 " runs skipped\n",
				s->skipped[k].prog, s->skipped[k].runs);
	}
}

void report_text(FILE *out, const struct run_info *ri, const struct snapshot *s)
{
	print_header(out, ri, s);
	print_ops(out, s);
	print_copies(out, s);
	print_objects(out, s, ri->top);
	print_channels(out, s);
	print_chan_time(out, s, ri->top);
	print_signals(out, s);
	print_procs(out, ri, s);
	print_phases(out, ri, s);
	if (!ri->no_hist) {
		print_hists(out, s);
		print_chan_hists(out, s);
		print_signal_latency(out, s);
	}
	print_problems(out, ri, s);
}

