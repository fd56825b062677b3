// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * prom.c - a finished snapshot in Prometheus's text exposition format
 * (version 0.0.4), for node_exporter's textfile collector or a push:
 * `record --prometheus FILE`.
 *
 * Names and types follow Prometheus's conventions: counters end in
 * _total, durations are seconds, a histogram's buckets are exactly our
 * log2 slots (slot i holds [2^i, 2^(i+1)) ns: le = (2^(i+1) - 1) ns, the
 * last slot is +Inf), every bucket always present. Labels: mechanism,
 * kind, op, errno, signal, event, result, map, and comm and cgroup (its
 * path) for the per-process figures, summed over the processes of one
 * name in one cgroup (a pid label would make a series per process: only
 * with --labels pid; --labels object adds series per IPC object).
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "prom.h"
#include "model.h"
#include "util.h"

/* A label value: what a terminal would interpret as '?' (text_clean),
 * then the format's escapes: backslash, double quote (newlines are gone) */
static void put_value(FILE *out, const char *s, size_t n)
{
	char clean[1024];	/* a cgroup's path, too */

	text_clean(clean, sizeof(clean), s, n);
	for (const char *p = clean; *p; p++) {
		if (*p == '\\' || *p == '"')
			fputc('\\', out);
		fputc(*p, out);
	}
}

static void help(FILE *out, const char *name, const char *type, const char *text)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, text, name, type);
}

/* {mechanism="pipe",kind="anon",op="write" */
static void op_labels(FILE *out, uint32_t slot)
{
	uint32_t kind = slot / IPC_OP_MAX, op = slot % IPC_OP_MAX;

	fprintf(out, "{mechanism=\"%s\",kind=\"%s\",op=\"%s\"",
		ipc_mech_name(ipc_kind_mech(kind)), ipc_kind_name(kind), ipc_op_name(op));
}

static void op_counter(FILE *out, const struct snapshot *s, const char *name,
		       const char *text, size_t field)
{
	help(out, name, "counter", text);
	for (uint32_t slot = 0; slot < IPC_OP_SLOTS; slot++) {
		const struct ipc_op_stats *st = &s->ops[slot];

		if (!st->calls)
			continue;
		fputs(name, out);
		op_labels(out, slot);
		fprintf(out, "} %" PRIu64 "\n", *(const uint64_t *)((const char *)st + field));
	}
}

static void op_errors(FILE *out, const struct snapshot *s)
{
	help(out, "ipcscope_operation_errors_total", "counter",
	     "IPC syscalls that returned an errno, by errno.");
	for (size_t i = 0; i < s->nerrs; i++) {
		const struct ipc_err_row *e = &s->errs[i];
		const char *name = ipc_errno_name(e->key.err);

		if (e->key.slot >= IPC_OP_SLOTS)
			continue;
		fputs("ipcscope_operation_errors_total", out);
		op_labels(out, e->key.slot);
		if (name)
			fprintf(out, ",errno=\"%s\"} %" PRIu64 "\n", name, e->count);
		else
			fprintf(out, ",errno=\"%d\"} %" PRIu64 "\n", e->key.err, e->count);
	}
}

/* (2^(i+1) - 1) ns in seconds, in exact decimal: "0.000001023",
 * "549.755813887" (as a float, e.g. %.10g, the high buckets' bounds were
 * rounded: 549.7558139 s, which is no slot's bound) */
static void bucket_le(char *buf, size_t len, int i)
{
	uint64_t ns = (2ULL << i) - 1;
	int n = snprintf(buf, len, "%" PRIu64 ".%09" PRIu64, ns / 1000000000,
			 ns % 1000000000);

	while (n > 0 && (size_t)n < len && buf[n - 1] == '0')
		buf[--n] = '\0';	/* never all of the fraction: ns is odd */
}

static void op_durations(FILE *out, const struct snapshot *s)
{
	const char *name = "ipcscope_operation_duration_seconds";

	help(out, name, "histogram", "IPC syscall durations, entry to exit.");
	for (uint32_t slot = 0; slot < IPC_OP_SLOTS; slot++) {
		const struct ipc_op_stats *st = &s->ops[slot];
		uint64_t cum = 0;
		char le[32];

		if (!st->calls)
			continue;
		for (int i = 0; i < IPC_HIST_SLOTS; i++) {
			cum += st->lat_slots[i];
			if (i == IPC_HIST_SLOTS - 1)
				snprintf(le, sizeof(le), "+Inf");	/* the last slot takes all above */
			else
				bucket_le(le, sizeof(le), i);
			fprintf(out, "%s_bucket", name);
			op_labels(out, slot);
			fprintf(out, ",le=\"%s\"} %" PRIu64 "\n", le, cum);
		}
		fprintf(out, "%s_sum", name);
		op_labels(out, slot);
		fprintf(out, "} %.9f\n", st->lat_sum_ns / 1e9);
		fprintf(out, "%s_count", name);
		op_labels(out, slot);
		fprintf(out, "} %" PRIu64 "\n", cum);
	}
}

static void copies(FILE *out, const struct snapshot *s)
{
	help(out, "ipcscope_copy_bytes_total", "counter",
	     "Payload bytes copied between user and kernel memory.");
	for (int m = 0; m < IPC_MECH_MAX; m++) {
		if (!ipc_mech_has_objects(m))
			continue;
		fprintf(out, "ipcscope_copy_bytes_total{mechanism=\"%s\",direction="
			"\"user_to_kernel\"} %" PRIu64 "\n", ipc_mech_name(m),
			s->copies[m].user_to_kernel);
		fprintf(out, "ipcscope_copy_bytes_total{mechanism=\"%s\",direction="
			"\"kernel_to_user\"} %" PRIu64 "\n", ipc_mech_name(m),
			s->copies[m].kernel_to_user);
	}
}

static void signals(FILE *out, const struct snapshot *s)
{
	help(out, "ipcscope_signals_total", "counter",
	     "Signals generated (with the kernel's result) and delivered.");
	for (size_t i = 0; i < s->nsigs; i++) {
		const struct ipc_sig_row *r = &s->sigs[i];
		const char *name = ipc_signal_name(r->key.sig);
		bool delivered = r->key.event == IPC_SIG_HANDLED;

		fputs("ipcscope_signals_total{signal=\"", out);
		if (name)
			fputs(name, out);
		else
			fprintf(out, "%u", r->key.sig);
		fprintf(out, "\",event=\"%s\",result=\"%s\"} %" PRIu64 "\n",
			delivered ? "delivered" : "generated",
			delivered ? "" : ipc_sig_event_name(r->key.event), r->count);
	}
}

struct comm_sum {
	char comm[IPC_COMM_LEN];
	const char *cgroup;	/* its path; "" when not named */
	uint32_t pid;		/* --labels pid; else 0 */
	uint64_t v[5];	/* syscalls, voluntary, involuntary, faults, shm faults */
};

static int cmp_comm(const void *a, const void *b)
{
	const struct comm_sum *x = a, *y = b;
	int c = strncmp(x->comm, y->comm, IPC_COMM_LEN);

	if (!c)
		c = strcmp(x->cgroup, y->cgroup);
	return c ? c : (x->pid > y->pid) - (x->pid < y->pid);
}

/* The processes' figures summed per name and cgroup (and pid, with pids:
 * a pid reused during the run is one series): sorted, one row each */
static struct comm_sum *sum_by_comm(const struct snapshot *s, bool pids, size_t *n)
{
	struct comm_sum *rows = calloc(s->nprocs ? s->nprocs : 1, sizeof(*rows));
	size_t k = 0;

	*n = 0;
	if (!rows)
		return NULL;
	for (size_t i = 0; i < s->nprocs; i++) {
		const struct ipc_proc *p = &s->procs[i].p;

		const char *cg = snapshot_proc_cgroup(s, &s->procs[i]);

		memcpy(rows[i].comm, p->comm, IPC_COMM_LEN);
		rows[i].comm[IPC_COMM_LEN - 1] = '\0';
		rows[i].cgroup = cg ? cg : "";
		rows[i].pid = pids ? s->procs[i].tgid : 0;
		rows[i].v[0] = p->syscalls;
		rows[i].v[1] = p->vol_switches;
		rows[i].v[2] = p->invol_switches;
		rows[i].v[3] = p->page_faults;
		rows[i].v[4] = p->shm_faults;
	}
	qsort(rows, s->nprocs, sizeof(*rows), cmp_comm);
	for (size_t i = 0; i < s->nprocs; i++) {
		if (k && !cmp_comm(&rows[k - 1], &rows[i])) {
			for (int j = 0; j < 5; j++)
				rows[k - 1].v[j] += rows[i].v[j];
			continue;
		}
		rows[k++] = rows[i];
	}
	*n = k;
	return rows;
}

static void comm_metric(FILE *out, const struct comm_sum *rows, size_t n,
			const char *name, const char *text, int col, const char *extra)
{
	if (text)
		help(out, name, "counter", text);
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "%s{comm=\"", name);
		put_value(out, rows[i].comm, IPC_COMM_LEN);
		fputs("\",cgroup=\"", out);
		put_value(out, rows[i].cgroup, strlen(rows[i].cgroup));
		if (rows[i].pid)
			fprintf(out, "\",pid=\"%" PRIu32, rows[i].pid);
		fprintf(out, "\"%s} %" PRIu64 "\n", extra, rows[i].v[col]);
	}
}

static int processes(FILE *out, const struct snapshot *s, bool pids)
{
	size_t n;
	struct comm_sum *rows = sum_by_comm(s, pids, &n);

	if (!rows)
		return -1;
	comm_metric(out, rows, n, "ipcscope_process_syscalls_total", s->every_syscall ?
		    "Syscalls of the traced processes, per process name and cgroup." :
		    "IPC syscalls (read, write, send, receive, queue, semaphore and shm "
		    "calls, futex) of the traced processes, per process name and cgroup; "
		    "--all-syscalls counts every syscall.", 0, "");
	comm_metric(out, rows, n, "ipcscope_process_context_switches_total",
		    "Context switches of the traced processes, per process name and cgroup.", 1,
		    ",kind=\"voluntary\"");
	comm_metric(out, rows, n, "ipcscope_process_context_switches_total", NULL, 2,
		    ",kind=\"involuntary\"");
	comm_metric(out, rows, n, "ipcscope_process_page_faults_total",
		    "User page faults of the traced processes, per process name and cgroup.", 3, "");
	comm_metric(out, rows, n, "ipcscope_process_shm_page_faults_total",
		    "Of those, page faults in shared memory.", 4, "");
	free(rows);
	return 0;
}

/* {mechanism="pipe",kind="anon",object="pipe:[1234]",id="13:1234": the
 * id (device and inode, as in the JSON) keeps two objects of one name
 * apart: private futexes of two processes at one address */
static void obj_labels(FILE *out, const struct snapshot *s, const struct ipc_obj_row *o)
{
	char name[256];

	snapshot_obj_name(s, &o->key, name, sizeof(name));
	fprintf(out, "{mechanism=\"%s\",kind=\"%s\",object=\"",
		ipc_mech_name(ipc_kind_mech(o->key.kind)), ipc_kind_name(o->key.kind));
	put_value(out, name, strlen(name));
	fprintf(out, "\",id=\"%" PRIu64 ":%" PRIu64 "\"", (uint64_t)ipc_dev_to_user(o->key.dev),
		(uint64_t)o->key.ino);
}

struct obj_dir {
	const char *dir;
	size_t ops, bytes;	/* offsets in struct ipc_obj_stats */
};

/* One counter per object and direction: its calls (ops) or bytes */
static void obj_counter(FILE *out, const struct snapshot *s, const char *name,
			const char *text, const struct obj_dir *dirs, size_t ndirs, bool ops)
{
	help(out, name, "counter", text);
	for (size_t i = 0; i < s->nobjs; i++)
		for (size_t d = 0; d < ndirs; d++) {
			size_t off = ops ? dirs[d].ops : dirs[d].bytes;

			fputs(name, out);
			obj_labels(out, s, &s->objs[i]);
			fprintf(out, ",direction=\"%s\"} %" PRIu64 "\n", dirs[d].dir,
				*(const uint64_t *)((const char *)&s->objs[i].st + off));
		}
}

/* --labels object: each object's calls, bytes and faults */
static void objects(FILE *out, const struct snapshot *s)
{
	static const struct obj_dir dirs[] = {
		{ "in", offsetof(struct ipc_obj_stats, ops_in),
		  offsetof(struct ipc_obj_stats, bytes_in) },
		{ "out", offsetof(struct ipc_obj_stats, ops_out),
		  offsetof(struct ipc_obj_stats, bytes_out) },
		{ "other", offsetof(struct ipc_obj_stats, ops_other), 0 },
	};

	obj_counter(out, s, "ipcscope_object_calls_total", "IPC syscalls per object: data in "
		    "(written, sent), out (read, received), other.", dirs, 3, true);
	obj_counter(out, s, "ipcscope_object_bytes_total", "Payload bytes per object: in "
		    "(written, sent), out (read, received).", dirs, 2, false);
	help(out, "ipcscope_object_page_faults_total", "counter",
	     "User page faults inside a shared memory object.");
	for (size_t i = 0; i < s->nobjs; i++) {
		if (ipc_kind_mech(s->objs[i].key.kind) != IPC_MECH_SHM)
			continue;
		fputs("ipcscope_object_page_faults_total", out);
		obj_labels(out, s, &s->objs[i]);
		fprintf(out, "} %" PRIu64 "\n", (uint64_t)s->objs[i].st.page_faults);
	}
}

int report_prometheus(FILE *out, const struct run_info *ri, const struct snapshot *s)
{
	help(out, "ipcscope_build_info", "gauge", "ipcscope's version and the kernel's.");
	fputs("ipcscope_build_info{version=\"", out);
	put_value(out, ri->version, strlen(ri->version));
	fputs("\",kernel=\"", out);
	put_value(out, ri->kernel_release ? ri->kernel_release : "",
		  ri->kernel_release ? strlen(ri->kernel_release) : 0);
	fputs("\"} 1\n", out);
	help(out, "ipcscope_duration_seconds", "gauge", "How long tracing ran.");
	fprintf(out, "ipcscope_duration_seconds %.3f\n", ri->duration_s);
	op_counter(out, s, "ipcscope_operation_calls_total",
		   "IPC syscalls, per mechanism, kind of object and operation.",
		   offsetof(struct ipc_op_stats, calls));
	op_counter(out, s, "ipcscope_operation_bytes_total",
		   "Payload bytes the IPC syscalls moved.",
		   offsetof(struct ipc_op_stats, bytes));
	op_errors(out, s);
	op_durations(out, s);
	copies(out, s);
	signals(out, s);
	if (processes(out, s, ri->prom_pid))
		return -1;
	if (ri->prom_object)
		objects(out, s);
	help(out, "ipcscope_drops_total", "counter",
	     "Updates the kernel side could not make, by cause: figures are short by these.");
	for (int i = 0; i < IPC_DROP_MAX; i++)
		fprintf(out, "ipcscope_drops_total{map=\"%s\"} %" PRIu64 "\n",
			ipc_drop_name(i), s->drops[i]);
	return fflush(out) || ferror(out) ? -1 : 0;
}
