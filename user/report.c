// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * report.c - the text report (tables and log2 histograms) and the JSON
 * document. Every figure is printed exactly as counted; units are stated.
 */
#include <inttypes.h>
#include <string.h>
#include "hist.h"
#include "json.h"
#include "report.h"

#define SCHEMA_VERSION 1
#define MAX_PEERS_SHOWN 3

static const char *errno_name(int err)
{
	/* the ones pipe and socket syscalls return; others print as numbers */
	static const struct { int err; const char *name; } names[] = {
		{ 1, "EPERM" }, { 2, "ENOENT" }, { 4, "EINTR" }, { 5, "EIO" },
		{ 9, "EBADF" }, { 11, "EAGAIN" }, { 12, "ENOMEM" },
		{ 13, "EACCES" }, { 14, "EFAULT" }, { 22, "EINVAL" },
		{ 28, "ENOSPC" }, { 32, "EPIPE" }, { 42, "ENOMSG" },
		{ 43, "EIDRM" }, { 104, "ECONNRESET" }, { 110, "ETIMEDOUT" },
		{ 111, "ECONNREFUSED" }, { 512, "ERESTARTSYS" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err)
			return names[i].name;
	return NULL;
}

static void fmt_ns(char *buf, size_t len, double ns)
{
	if (ns < 1e3)
		snprintf(buf, len, "%.0f ns", ns);
	else if (ns < 1e6)
		snprintf(buf, len, "%.1f us", ns / 1e3);
	else if (ns < 1e9)
		snprintf(buf, len, "%.2f ms", ns / 1e6);
	else
		snprintf(buf, len, "%.2f s", ns / 1e9);
}

static void obj_name(char *buf, size_t len, const struct ipc_obj_key *k)
{
	if (k->kind == IPC_KIND_PIPE)
		snprintf(buf, len, "pipe:[%" PRIu64 "]", (uint64_t)k->ino);
	else
		snprintf(buf, len, "fifo:%u:%u:[%" PRIu64 "]", k->dev >> 20,
			 k->dev & 0xfffff, (uint64_t)k->ino);
}

static const char *proc_comm(const struct snapshot *s, uint32_t tgid)
{
	const struct ipc_proc_row *p = snapshot_proc(s, tgid);

	return p ? p->p.comm : "?";
}

static bool same_obj(const struct ipc_obj_key *a, const struct ipc_obj_key *b)
{
	return a->kind == b->kind && a->dev == b->dev && a->ino == b->ino;
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
				fprintf(out, "%s%s", a == ri->command ? "" : " ", *a);
			fprintf(out, "' (pid %d)", (int)ri->command_pid);
			sep = ", ";
		}
		for (int i = 0; i < ri->npids; i++, sep = ", ")
			fprintf(out, "%spid %d", sep, (int)ri->pids[i]);
		fputs(" and its children", out);
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
		fmt_ns(p99, sizeof(p99),
		       hist_percentile_upper(st->lat_slots, IPC_HIST_SLOTS, 99));
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
		const char *name = errno_name(e->key.err);

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

static void print_copies(FILE *out, const struct snapshot *s)
{
	bool header = false;

	for (int m = 0; m < IPC_MECH_MAX; m++) {
		struct ipc_copies c;
		double per;

		snapshot_copies(s, m, &c);
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
}

/* "pid comm (calls)" for up to MAX_PEERS_SHOWN endpoints of one direction */
static void print_peers(FILE *out, const struct snapshot *s,
			const struct ipc_obj_key *k, uint32_t dir, int width)
{
	char buf[256] = "";
	size_t len = 0;
	int shown = 0, more = 0;

	for (size_t i = 0; i < s->neps; i++) {
		const struct ipc_ep_row *e = &s->eps[i];

		if (!same_obj(&e->key.obj, k) || e->key.dir != dir)
			continue;
		if (shown == MAX_PEERS_SHOWN) {
			more++;
			continue;
		}
		len += snprintf(buf + len, sizeof(buf) - len, "%s%u %s",
				shown ? ", " : "", e->key.tgid,
				proc_comm(s, e->key.tgid));
		if (len >= sizeof(buf))
			len = sizeof(buf) - 1;
		shown++;
	}
	if (more)
		snprintf(buf + len, sizeof(buf) - len, " +%d more", more);
	fprintf(out, " %-*s", width, shown ? buf : "-");
}

static void print_objects(FILE *out, const struct snapshot *s)
{
	if (!s->nobjs)
		return;
	fprintf(out, "\nPIPES AND FIFOS (who talks to whom), by bytes\n");
	fprintf(out, "  %-26s %-5s %14s %14s  %-28s %s\n", "OBJECT", "KIND",
		"BYTES IN", "BYTES OUT", "WRITERS (pid comm)",
		"READERS (pid comm)");
	for (size_t i = 0; i < s->nobjs; i++) {
		const struct ipc_obj_row *o = &s->objs[i];
		char name[64];

		obj_name(name, sizeof(name), &o->key);
		fprintf(out, "  %-26s %-5s %14" PRIu64 " %14" PRIu64 " ", name,
			ipc_kind_name(o->key.kind), (uint64_t)o->st.bytes_in,
			(uint64_t)o->st.bytes_out);
		print_peers(out, s, &o->key, IPC_DIR_IN, 28);
		print_peers(out, s, &o->key, IPC_DIR_OUT, 0);
		fputc('\n', out);
	}
}

static void print_procs(FILE *out, const struct snapshot *s)
{
	if (!s->nprocs)
		return;
	fprintf(out, "\nPROCESSES\n");
	fprintf(out, "  %7s %7s %-16s %10s %9s %9s  %s\n", "PID", "PPID", "COMM",
		"SYSCALLS", "VOL CSW", "INVOL CSW", "STATE");
	for (size_t i = 0; i < s->nprocs; i++) {
		const struct ipc_proc_row *p = &s->procs[i];

		fprintf(out, "  %7u %7u %-16.16s %10" PRIu64 " %9" PRIu64
			" %9" PRIu64 "  %s\n", p->tgid, p->p.ppid, p->p.comm,
			(uint64_t)p->p.syscalls, (uint64_t)p->p.vol_switches,
			(uint64_t)p->p.invol_switches,
			p->p.flags & IPC_PROC_EXITED ? "exited" : "running");
	}
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

static void print_problems(FILE *out, const struct run_info *ri,
			   const struct snapshot *s)
{
	for (size_t i = 0; i < ri->nprobes; i++)
		if (!ri->probes[i].attached)
			fprintf(out, "\nnot attached: %s: %s\n",
				ri->probes[i].name, ri->probes[i].reason);
	for (int i = 0; i < IPC_DROP_MAX; i++)
		if (s->drops[i])
			fprintf(out, "\nDROPPED: %" PRIu64 " events (%s map full): "
				"figures are incomplete\n", s->drops[i],
				ipc_drop_name(i));
}

void report_text(FILE *out, const struct run_info *ri, const struct snapshot *s)
{
	print_header(out, ri, s);
	print_ops(out, s);
	print_copies(out, s);
	print_objects(out, s);
	print_procs(out, s);
	if (!ri->no_hist)
		print_hists(out, s);
	print_problems(out, ri, s);
}

static void json_hist(struct json_writer *jw, const __u64 *slots)
{
	int last = -1;

	for (int i = 0; i < IPC_HIST_SLOTS; i++)
		if (slots[i])
			last = i;
	jw_key(jw, "log2_ns");
	jw_array_begin(jw);
	for (int i = 0; i <= last; i++)
		jw_uint(jw, slots[i]);
	jw_array_end(jw);
}

static void json_ops(struct json_writer *jw, const struct snapshot *s)
{
	jw_key(jw, "operations");
	jw_array_begin(jw);
	for (uint32_t slot = 0; slot < IPC_OP_SLOTS; slot++) {
		const struct ipc_op_stats *st = &s->ops[slot];
		uint32_t kind = slot / IPC_OP_MAX, op = slot % IPC_OP_MAX;

		if (!st->calls)
			continue;
		jw_object_begin(jw);
		jw_kv_string(jw, "mechanism", ipc_mech_name(ipc_kind_mech(kind)));
		jw_kv_string(jw, "kind", ipc_kind_name(kind));
		jw_kv_string(jw, "op", ipc_op_name(op));
		jw_kv_string(jw, "copy", ipc_copy_name(ipc_op_copy(op)));
		jw_kv_uint(jw, "calls", st->calls);
		jw_kv_uint(jw, "errors", st->errors);
		jw_kv_uint(jw, "bytes", st->bytes);
		jw_key(jw, "errnos");
		jw_object_begin(jw);
		for (size_t i = 0; i < s->nerrs; i++) {
			char num[16];
			const char *name = errno_name(s->errs[i].key.err);

			if (s->errs[i].key.slot != slot)
				continue;
			snprintf(num, sizeof(num), "%d", s->errs[i].key.err);
			jw_kv_uint(jw, name ? name : num, s->errs[i].count);
		}
		jw_object_end(jw);
		jw_key(jw, "latency");
		jw_object_begin(jw);
		jw_kv_uint(jw, "sum_ns", st->lat_sum_ns);
		jw_kv_uint(jw, "p50_ns_le", hist_percentile_upper(st->lat_slots, IPC_HIST_SLOTS, 50));
		jw_kv_uint(jw, "p99_ns_le", hist_percentile_upper(st->lat_slots, IPC_HIST_SLOTS, 99));
		json_hist(jw, st->lat_slots);
		jw_object_end(jw);
		jw_object_end(jw);
	}
	jw_array_end(jw);
}

static void json_copies(struct json_writer *jw, const struct snapshot *s)
{
	jw_key(jw, "copies");
	jw_array_begin(jw);
	for (int m = 0; m < IPC_MECH_MAX; m++) {
		struct ipc_copies c;
		double per;

		snapshot_copies(s, m, &c);
		per = ipc_copies_per_byte(&c);
		jw_object_begin(jw);
		jw_kv_string(jw, "mechanism", ipc_mech_name(m));
		jw_kv_uint(jw, "payload_bytes", c.payload);
		jw_kv_uint(jw, "user_to_kernel_bytes", c.user_to_kernel);
		jw_kv_uint(jw, "kernel_to_user_bytes", c.kernel_to_user);
		jw_kv_uint(jw, "zero_copy_bytes", c.zero_copy);
		jw_key(jw, "copies_per_byte");
		if (per >= 0)
			jw_double(jw, per);
		else
			jw_null(jw);
		jw_object_end(jw);
	}
	jw_array_end(jw);
}

static void json_peers(struct json_writer *jw, const struct snapshot *s,
		       const struct ipc_obj_key *k, uint32_t dir)
{
	jw_array_begin(jw);
	for (size_t i = 0; i < s->neps; i++) {
		const struct ipc_ep_row *e = &s->eps[i];

		if (!same_obj(&e->key.obj, k) || e->key.dir != dir)
			continue;
		jw_object_begin(jw);
		jw_kv_uint(jw, "pid", e->key.tgid);
		jw_kv_string(jw, "comm", proc_comm(s, e->key.tgid));
		jw_kv_uint(jw, "calls", e->st.calls);
		jw_kv_uint(jw, "bytes", e->st.bytes);
		jw_object_end(jw);
	}
	jw_array_end(jw);
}

static void json_objects(struct json_writer *jw, const struct snapshot *s)
{
	jw_key(jw, "objects");
	jw_array_begin(jw);
	for (size_t i = 0; i < s->nobjs; i++) {
		const struct ipc_obj_row *o = &s->objs[i];
		char name[64];

		obj_name(name, sizeof(name), &o->key);
		jw_object_begin(jw);
		jw_kv_string(jw, "name", name);
		jw_kv_string(jw, "mechanism", ipc_mech_name(ipc_kind_mech(o->key.kind)));
		jw_kv_string(jw, "kind", ipc_kind_name(o->key.kind));
		jw_kv_uint(jw, "dev", ipc_dev_to_user(o->key.dev));
		jw_kv_uint(jw, "ino", o->key.ino);
		jw_kv_uint(jw, "ops_in", o->st.ops_in);
		jw_kv_uint(jw, "bytes_in", o->st.bytes_in);
		jw_kv_uint(jw, "ops_out", o->st.ops_out);
		jw_kv_uint(jw, "bytes_out", o->st.bytes_out);
		jw_key(jw, "writers");
		json_peers(jw, s, &o->key, IPC_DIR_IN);
		jw_key(jw, "readers");
		json_peers(jw, s, &o->key, IPC_DIR_OUT);
		jw_object_end(jw);
	}
	jw_array_end(jw);
}

static void json_procs(struct json_writer *jw, const struct snapshot *s)
{
	jw_key(jw, "processes");
	jw_array_begin(jw);
	for (size_t i = 0; i < s->nprocs; i++) {
		const struct ipc_proc_row *p = &s->procs[i];

		jw_object_begin(jw);
		jw_kv_uint(jw, "pid", p->tgid);
		jw_kv_uint(jw, "ppid", p->p.ppid);
		jw_kv_string(jw, "comm", p->p.comm);
		jw_kv_uint(jw, "syscalls", p->p.syscalls);
		jw_kv_uint(jw, "voluntary_switches", p->p.vol_switches);
		jw_kv_uint(jw, "involuntary_switches", p->p.invol_switches);
		jw_kv_bool(jw, "forked_while_traced", p->p.flags & IPC_PROC_FORKED);
		jw_kv_bool(jw, "exec", p->p.flags & IPC_PROC_EXECED);
		jw_kv_bool(jw, "exited", p->p.flags & IPC_PROC_EXITED);
		jw_object_end(jw);
	}
	jw_array_end(jw);
}

static void json_run(struct json_writer *jw, const struct run_info *ri)
{
	jw_kv_string(jw, "ipcscope_version", ri->version);
	jw_kv_uint(jw, "schema_version", SCHEMA_VERSION);
	jw_kv_string(jw, "kernel_release", ri->kernel_release);
	jw_kv_string(jw, "start_time", ri->start_time);
	jw_kv_double(jw, "duration_s", ri->duration_s);
	jw_key(jw, "targets");
	jw_object_begin(jw);
	jw_kv_bool(jw, "all", ri->all);
	jw_key(jw, "pids");
	jw_array_begin(jw);
	for (int i = 0; i < ri->npids; i++)
		jw_uint(jw, ri->pids[i]);
	jw_array_end(jw);
	jw_key(jw, "command");
	if (ri->command) {
		jw_array_begin(jw);
		for (char *const *a = ri->command; *a; a++)
			jw_string(jw, *a);
		jw_array_end(jw);
		jw_kv_uint(jw, "command_pid", ri->command_pid);
		jw_key(jw, "command_exit");
		if (ri->command_exit >= 0)
			jw_int(jw, ri->command_exit);
		else
			jw_null(jw);
		jw_kv_int(jw, "command_signal", ri->command_signal);
	} else {
		jw_null(jw);
	}
	jw_object_end(jw);
	jw_key(jw, "probes");
	jw_array_begin(jw);
	for (size_t i = 0; i < ri->nprobes; i++) {
		jw_object_begin(jw);
		jw_kv_string(jw, "name", ri->probes[i].name);
		jw_kv_bool(jw, "attached", ri->probes[i].attached);
		if (!ri->probes[i].attached)
			jw_kv_string(jw, "reason", ri->probes[i].reason);
		jw_object_end(jw);
	}
	jw_array_end(jw);
}

int report_json(FILE *out, const struct run_info *ri, const struct snapshot *s)
{
	struct json_writer *jw = jw_new(out, true);

	if (!jw)
		return -1;
	jw_object_begin(jw);
	json_run(jw, ri);
	jw_key(jw, "drops");
	jw_object_begin(jw);
	for (int i = 0; i < IPC_DROP_MAX; i++)
		jw_kv_uint(jw, ipc_drop_name(i), s->drops[i]);
	jw_object_end(jw);
	jw_kv_uint(jw, "drops_total", snapshot_drops_total(s));
	json_ops(jw, s);
	json_copies(jw, s);
	json_objects(jw, s);
	json_procs(jw, s);
	jw_object_end(jw);
	jw_free(jw);
	return fflush(out) || ferror(out) ? -1 : 0;
}
