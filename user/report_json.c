// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * report_json.c - the JSON document (docs/json-schema.md): every figure of
 * the text report and more, each as counted.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "hist.h"
#include "json.h"
#include "report.h"
#include "util.h"

#define SCHEMA_VERSION 2

/* null when the percentile is in the open-ended last slot */
static void json_pct(struct json_writer *jw, const char *key,
		     const __u64 *slots, double p)
{
	uint64_t v = report_pct_upper(slots, p);

	jw_key(jw, key);
	if (v)
		jw_uint(jw, v);
	else
		jw_null(jw);
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

void report_json_latency(struct json_writer *jw, uint64_t sum_ns,
			 const __u64 *slots)
{
	jw_object_begin(jw);
	jw_kv_uint(jw, "sum_ns", sum_ns);
	json_pct(jw, "p50_ns_le", slots, 50);
	json_pct(jw, "p99_ns_le", slots, 99);
	json_hist(jw, slots);
	jw_object_end(jw);
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
		jw_kv_uint(jw, "items", st->items);
		jw_key(jw, "errnos");
		jw_object_begin(jw);
		for (size_t i = 0; i < s->nerrs; i++) {
			char num[16];
			const char *name = ipc_errno_name(s->errs[i].key.err);

			if (s->errs[i].key.slot != slot)
				continue;
			snprintf(num, sizeof(num), "%d", s->errs[i].key.err);
			jw_kv_uint(jw, name ? name : num, s->errs[i].count);
		}
		jw_object_end(jw);
		jw_key(jw, "latency");
		report_json_latency(jw, st->lat_sum_ns, st->lat_slots);
		jw_object_end(jw);
	}
	jw_array_end(jw);
}

static void json_copies(struct json_writer *jw, const struct snapshot *s)
{
	jw_key(jw, "copies");
	jw_array_begin(jw);
	for (int m = 0; m < IPC_MECH_MAX; m++) {
		const struct ipc_copies c = s->copies[m];
		double per;

		if (!ipc_mech_has_objects(m))
			continue;	/* nothing of a signal is counted as copied */
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
		       const struct ipc_obj_row *o, uint32_t dir)
{
	jw_array_begin(jw);
	for (size_t i = o->ep_first; i < o->ep_first + o->neps; i++) {
		const struct ipc_ep_row *e = &s->eps[i];

		if (e->key.dir != dir)
			continue;
		jw_object_begin(jw);
		jw_kv_uint(jw, "pid", e->key.tgid);
		jw_kv_uint(jw, "start_ns", e->key.start);
		jw_kv_string(jw, "comm", snapshot_proc_comm(s, e->key.tgid, e->key.start));
		jw_kv_uint(jw, "calls", e->st.calls);
		jw_kv_uint(jw, "bytes", e->st.bytes);
		jw_object_end(jw);
	}
	jw_array_end(jw);
}

/* SysV queues: messages per type, and what msgrcv asked for */
static void json_msgtypes(struct json_writer *jw, const struct snapshot *s,
			  const struct ipc_obj_row *o)
{
	jw_key(jw, "msg_types");
	if (o->key.kind != IPC_KIND_SYSV_MSQ) {
		jw_null(jw);
		return;
	}
	jw_array_begin(jw);
	for (size_t i = o->mt_first; i < o->mt_first + o->nmts; i++) {
		const struct ipc_msgtype_row *r = &s->msgtypes[i];

		jw_object_begin(jw);
		jw_kv_int(jw, "type", r->key.mtype);
		jw_kv_uint(jw, "sent", r->st.sent);
		jw_kv_uint(jw, "received", r->st.received);
		jw_kv_uint(jw, "requested", r->st.requested);
		jw_object_end(jw);
	}
	jw_array_end(jw);
}

void report_json_chan(struct json_writer *jw, const struct ipc_chan_stats *c)
{
	if (!c) {
		jw_null(jw);
		return;
	}
	jw_object_begin(jw);
	jw_kv_uint(jw, "samples", c->samples);
	jw_kv_uint(jw, "unmatched", c->unmatched);
	jw_kv_uint(jw, "overflow", c->overflow);
	jw_key(jw, "latency");
	report_json_latency(jw, c->sum_ns, c->slots);
	jw_object_end(jw);
}

static void json_chan_time(struct json_writer *jw, const struct snapshot *s)
{
	struct ipc_chan_stats sum;

	jw_key(jw, "time_in_channel");
	jw_array_begin(jw);
	for (uint32_t kind = 0; kind < IPC_KIND_MAX; kind++) {
		if (!snapshot_chan_kind(s, kind, &sum))
			continue;
		jw_object_begin(jw);
		jw_kv_string(jw, "mechanism", ipc_mech_name(ipc_kind_mech(kind)));
		jw_kv_string(jw, "kind", ipc_kind_name(kind));
		jw_kv_uint(jw, "samples", sum.samples);
		jw_kv_uint(jw, "unmatched", sum.unmatched);
		jw_kv_uint(jw, "overflow", sum.overflow);
		jw_key(jw, "latency");
		report_json_latency(jw, sum.sum_ns, sum.slots);
		jw_object_end(jw);
	}
	jw_array_end(jw);
}

static void json_sock(struct json_writer *jw, const struct ipc_sock_info *si)
{
	char buf[128];

	jw_key(jw, "socket");
	if (!si) {
		jw_null(jw);
		return;
	}
	jw_object_begin(jw);
	jw_kv_string(jw, "family", si->family == 1 ? "unix" :
				   si->family == 2 ? "inet" : "inet6");
	ipc_sock_local(si, buf, sizeof(buf));
	jw_kv_string(jw, "local", buf);
	ipc_sock_remote(si, buf, sizeof(buf));
	jw_kv_string(jw, "remote", buf);
	if (si->family == 1)
		jw_kv_uint(jw, "peer_ino", si->peer_ino);
	jw_kv_bool(jw, "loopback", ipc_sock_loopback(si));
	jw_object_end(jw);
}

static void json_channels(struct json_writer *jw, const struct snapshot *s)
{
	const struct ipc_channel *ch = s->channels;
	size_t n = s->nchannels;
	char name[128];

	jw_key(jw, "channels");
	jw_array_begin(jw);
	for (size_t i = 0; i < n; i++) {
		ssize_t ends[2] = { ch[i].a, ch[i].b };
		const struct ipc_sock_info *si = s->objs[ch[i].a].sock;

		jw_object_begin(jw);
		jw_kv_string(jw, "mechanism", "socket");
		jw_kv_string(jw, "kind", ipc_kind_name(s->objs[ch[i].a].key.kind));
		jw_kv_bool(jw, "loopback", si && ipc_sock_loopback(si));
		jw_kv_bool(jw, "paired", ch[i].b >= 0);
		jw_key(jw, "ends");
		jw_array_begin(jw);
		for (int e = 0; e < 2; e++) {
			const struct ipc_obj_row *o;

			if (ends[e] < 0)
				continue;
			o = &s->objs[ends[e]];
			snapshot_obj_name(s, &o->key, name, sizeof(name));
			jw_object_begin(jw);
			jw_kv_string(jw, "object", name);
			jw_kv_uint(jw, "ino", o->key.ino);
			jw_kv_uint(jw, "bytes_sent", o->st.bytes_in);
			jw_kv_uint(jw, "bytes_received", o->st.bytes_out);
			jw_key(jw, "pids");
			jw_array_begin(jw);
			for (size_t k = o->ep_first; k < o->ep_first + o->neps; k++)
				if (snapshot_first_ep_of_proc(s, o, k))
					jw_uint(jw, s->eps[k].key.tgid);
			jw_array_end(jw);
			jw_object_end(jw);
		}
		jw_array_end(jw);
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
		const struct ipc_obj_info *info = o->info;
		char name[96];

		snapshot_obj_name(s, &o->key, name, sizeof(name));
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
		jw_kv_uint(jw, "ops_other", o->st.ops_other);
		jw_kv_uint(jw, "page_faults", o->st.page_faults);
		jw_key(jw, "sysv_key");
		if (info && info->sysv_key != -1)
			jw_int(jw, info->sysv_key);
		else
			jw_null(jw);
		jw_key(jw, "size");
		if (info && info->size)
			jw_uint(jw, info->size);
		else
			jw_null(jw);
		jw_key(jw, "path_name");
		if (info && info->name[0])
			jw_string(jw, info->name);
		else
			jw_null(jw);
		json_sock(jw, o->sock);
		json_msgtypes(jw, s, o);
		jw_key(jw, "time_in_channel");
		report_json_chan(jw, o->chan);
		jw_key(jw, "writers");
		json_peers(jw, s, o, IPC_DIR_IN);
		jw_key(jw, "readers");
		json_peers(jw, s, o, IPC_DIR_OUT);
		jw_key(jw, "users");
		json_peers(jw, s, o, IPC_DIR_OTHER);
		jw_key(jw, "faulters");
		json_peers(jw, s, o, IPC_DIR_FAULT);
		jw_object_end(jw);
	}
	jw_array_end(jw);
}

/* "cgroup" (its path, null when it could not be named), "cgroup_id",
 * and what the path shows: "container" {runtime, id} and "unit" */
static void json_proc_cgroup(struct json_writer *jw, const struct snapshot *s,
			     const struct ipc_proc_row *p)
{
	const char *path = snapshot_proc_cgroup(s, p);
	struct cgroup_desc d;
	bool named = path && cgroup_describe(path, &d);

	jw_key(jw, "cgroup");
	if (path)
		jw_string(jw, path);
	else
		jw_null(jw);
	jw_kv_uint(jw, "cgroup_id", p->p.cgroup_id);
	jw_key(jw, "container");
	if (named && d.runtime[0]) {
		jw_object_begin(jw);
		jw_kv_string(jw, "runtime", d.runtime);
		jw_kv_string(jw, "id", d.id);
		jw_object_end(jw);
	} else {
		jw_null(jw);
	}
	jw_key(jw, "unit");
	if (named && d.unit[0])
		jw_string(jw, d.unit);
	else
		jw_null(jw);
}

static void json_procs(struct json_writer *jw, const struct snapshot *s)
{
	jw_key(jw, "processes");
	jw_array_begin(jw);
	for (size_t i = 0; i < s->nprocs; i++) {
		const struct ipc_proc_row *p = &s->procs[i];

		jw_object_begin(jw);
		jw_kv_uint(jw, "pid", p->tgid);
		jw_kv_uint(jw, "start_ns", p->start);
		jw_kv_uint(jw, "ppid", p->p.ppid);
		jw_kv_string(jw, "comm", p->p.comm);
		json_proc_cgroup(jw, s, p);
		jw_kv_uint(jw, "syscalls", p->p.syscalls);
		jw_kv_uint(jw, "voluntary_switches", p->p.vol_switches);
		jw_kv_uint(jw, "involuntary_switches", p->p.invol_switches);
		jw_kv_uint(jw, "page_faults", p->p.page_faults);
		jw_kv_uint(jw, "shm_page_faults", p->p.shm_faults);
		jw_kv_bool(jw, "forked_while_traced", p->p.flags & IPC_PROC_FORKED);
		jw_kv_bool(jw, "exec", p->p.flags & IPC_PROC_EXECED);
		jw_kv_bool(jw, "exited", p->p.flags & IPC_PROC_EXITED);
		jw_object_end(jw);
	}
	jw_array_end(jw);
}

/* milliseconds to 0.01, or null when not known (negative) */
static void json_ms(struct json_writer *jw, const char *key, double ms)
{
	jw_key(jw, key);
	if (ms >= 0)
		jw_double(jw, (double)(long long)(ms * 100 + 0.5) / 100);
	else
		jw_null(jw);
}

/* key: the n names, each after prefix; null if there are none */
static void json_names(struct json_writer *jw, const char *key, const char *prefix,
		       const char *const *names, size_t n)
{
	jw_key(jw, key);
	if (!n) {
		jw_null(jw);
		return;
	}
	jw_array_begin(jw);
	for (size_t k = 0; k < n; k++) {
		char name[96];

		snprintf(name, sizeof(name), "%s%s", prefix, names[k]);
		jw_string(jw, name);
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
	jw_key(jw, "comm");
	if (ri->comm)
		jw_string(jw, ri->comm);
	else
		jw_null(jw);
	jw_key(jw, "cgroup");
	if (ri->cgroup)
		jw_string(jw, ri->cgroup);
	else
		jw_null(jw);
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
		jw_kv_string(jw, "program", ri->probes[i].prog);
		jw_kv_bool(jw, "attached", ri->probes[i].attached);
		jw_kv_bool(jw, "standby", ri->probes[i].standby);
		if (!ri->probes[i].attached)
			jw_kv_string(jw, "reason", ri->probes[i].reason);
		json_ms(jw, "load_ms", ri->probes[i].load_ms);
		if (ri->probes[i].load_part >= 0) {
			jw_kv_uint(jw, "load_part", ri->probes[i].load_part);
		} else {
			jw_key(jw, "load_part");
			jw_null(jw);
		}
		/* where it runs, when on several tracepoints: the bench matches
		   each with the floor's program there */
		json_names(jw, "tracepoints", "syscalls:", ri->probes[i].tracepoints,
			   ri->probes[i].ntracepoints);
		/* or the kernel functions, a kprobe.multi program's */
		json_names(jw, "functions", "", ri->probes[i].functions,
			   ri->probes[i].nfunctions);
		jw_object_end(jw);
	}
	jw_array_end(jw);
	jw_key(jw, "startup");
	if (ri->startup) {
		const struct startup_times *st = ri->startup;

		jw_object_begin(jw);
		json_ms(jw, "total_ms", st->total_ms);
		json_ms(jw, "setup_ms", st->setup_ms);
		json_ms(jw, "libbpf_ms", st->libbpf_ms);
		json_ms(jw, "load_ms", st->load_ms);
		json_ms(jw, "attach_ms", st->attach_ms);
		jw_kv_uint(jw, "programs_loaded", st->programs);
		jw_kv_uint(jw, "load_parts", st->parts);
		jw_object_end(jw);
	} else {
		jw_null(jw);
	}
}

static void json_signals(struct json_writer *jw, const struct snapshot *s)
{
	jw_key(jw, "signals");
	jw_array_begin(jw);
	for (size_t i = 0; i < s->nsigs; i++) {
		const struct ipc_sig_row *r = &s->sigs[i];
		bool delivered = r->key.event == IPC_SIG_HANDLED;

		jw_object_begin(jw);
		jw_kv_string(jw, "event", delivered ? "delivered" : "generated");
		jw_key(jw, "result");
		if (delivered)
			jw_null(jw);
		else
			jw_string(jw, ipc_sig_event_name(r->key.event));
		/* sender 0: the kernel (bpf/signal.bpf.c kernel_sent) */
		jw_key(jw, "sender");
		if (delivered || !r->key.sender)
			jw_null(jw);
		else
			jw_uint(jw, r->key.sender);
		jw_key(jw, "sender_start_ns");
		if (delivered || !r->key.sender)
			jw_null(jw);
		else
			jw_uint(jw, r->key.sender_start);
		jw_kv_string(jw, "sent_by", delivered ? NULL :
			     r->key.sender ? "process" : "kernel");
		jw_kv_uint(jw, "target", r->key.target);
		jw_kv_uint(jw, "target_start_ns", r->key.target_start);
		jw_kv_uint(jw, "sig", r->key.sig);
		jw_kv_string(jw, "signame", ipc_signal_name(r->key.sig));
		jw_kv_int(jw, "si_code", r->key.code);
		jw_kv_string(jw, "how", ipc_sig_origin(r->key.code));
		jw_kv_uint(jw, "count", r->count);
		jw_object_end(jw);
	}
	jw_array_end(jw);
	jw_key(jw, "signal_latency");
	jw_array_begin(jw);
	for (uint32_t sig = 0; sig < IPC_NSIG; sig++) {
		const struct ipc_sig_lat *l = &s->sig_lat[sig];

		if (!l->count)
			continue;
		jw_object_begin(jw);
		jw_kv_uint(jw, "sig", sig);
		jw_kv_string(jw, "signame", ipc_signal_name(sig));
		jw_kv_uint(jw, "count", l->count);
		jw_kv_uint(jw, "sum_ns", l->sum_ns);
		json_hist(jw, l->slots);
		jw_object_end(jw);
	}
	jw_array_end(jw);
}

/* "phases": by phase, what the targets did (null without --usdt-phase) */
static void json_phases(struct json_writer *jw, const struct run_info *ri,
			const struct snapshot *s)
{
	jw_key(jw, "phases");
	if (!s->phases) {
		jw_null(jw);
		return;
	}
	jw_object_begin(jw);
	jw_kv_string(jw, "start", ri->phase_start ? ri->phase_start : "");
	jw_kv_string(jw, "end", ri->phase_end ? ri->phase_end : "");
	jw_kv_string(jw, "binary", ri->phase_binary ? ri->phase_binary : "");
	report_json_phase_counts(jw, s);
	jw_object_end(jw);
}

void report_json_phase_counts(struct json_writer *jw, const struct snapshot *s)
{
	jw_key(jw, "marks");
	jw_object_begin(jw);
	jw_kv_uint(jw, "start", s->phase_marks[0]);
	jw_kv_uint(jw, "end", s->phase_marks[1]);
	jw_object_end(jw);
	for (int p = 0; p < IPC_PHASES; p++) {
		const struct ipc_phase_counts *c = &s->phase[p];

		jw_key(jw, phase_names[p]);
		jw_object_begin(jw);
		jw_kv_uint(jw, "syscalls", c->syscalls);
		jw_key(jw, "by_syscall");
		jw_object_begin(jw);
		for (unsigned nr = 0; nr < IPC_NR_SYSCALLS; nr++) {
			char tmp[24];

			if (s->phase_sys[p][nr])
				jw_kv_uint(jw, syscall_name(nr, tmp, sizeof(tmp)),
					   s->phase_sys[p][nr]);
		}
		jw_object_end(jw);
		jw_kv_uint(jw, "voluntary_switches", c->vol_switches);
		jw_kv_uint(jw, "involuntary_switches", c->invol_switches);
		jw_kv_uint(jw, "page_faults", c->page_faults);
		jw_kv_uint(jw, "shm_page_faults", c->shm_faults);
		jw_object_end(jw);
	}
}

int report_json(FILE *out, const struct run_info *ri, const struct snapshot *s)
{
	struct json_writer *jw = jw_new(out, true);

	if (!jw)
		return -1;
	jw_object_begin(jw);
	json_run(jw, ri);
	jw_kv_string(jw, "syscalls_counted", s->every_syscall ? "all" : "ipc");
	jw_key(jw, "drops");
	jw_object_begin(jw);
	for (int i = 0; i < IPC_DROP_MAX; i++)
		jw_kv_uint(jw, ipc_drop_name(i), s->drops[i]);
	jw_object_end(jw);
	jw_kv_uint(jw, "drops_total", snapshot_drops_total(s));
	/* which programs the kernel skipped (the first SNAP_SKIPPED_MAX) */
	jw_key(jw, "skipped_runs_by_program");
	jw_object_begin(jw);
	for (size_t i = 0; i < s->nskipped; i++)
		jw_kv_uint(jw, s->skipped[i].prog, s->skipped[i].runs);
	jw_object_end(jw);
	json_ops(jw, s);
	json_copies(jw, s);
	json_objects(jw, s);
	json_channels(jw, s);
	json_chan_time(jw, s);
	json_signals(jw, s);
	json_procs(jw, s);
	json_phases(jw, ri, s);
	jw_object_end(jw);
	jw_free(jw);
	return fflush(out) || ferror(out) ? -1 : 0;
}
