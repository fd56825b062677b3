// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * graph_json.c - the communication graph as JSON (docs/json-schema.md).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "graph.h"
#include "hist.h"
#include "json.h"
#include "report.h"
#include "util.h"
#include "utf8.h"

#define GRAPH_SCHEMA_VERSION 1

/* ---- JSON ---------------------------------------------------------------- */

static const char *const edge_type_names[] = {
	[GRAPH_EDGE_CHANNEL] = "channel",
	[GRAPH_EDGE_SEND] = "send",
	[GRAPH_EDGE_RECEIVE] = "receive",
	[GRAPH_EDGE_USE] = "use",
	[GRAPH_EDGE_SIGNAL] = "signal",
};

static void json_node_id(struct json_writer *jw, const struct graph *g, size_t i)
{
	char id[48];

	graph_node_id(id, sizeof(id), g, i);
	jw_string(jw, id);
}

/* {pid, calls, bytes, latency} of one process's side, or null */
static void json_side(struct json_writer *jw, const char *key, const struct ipc_ep_row *ep)
{
	jw_key(jw, key);
	if (!ep) {
		jw_null(jw);
		return;
	}
	jw_object_begin(jw);
	jw_kv_uint(jw, "pid", ep->key.tgid);
	jw_kv_uint(jw, "start_ns", ep->key.start);
	jw_kv_uint(jw, "calls", ep->st.calls);
	jw_kv_uint(jw, "bytes", ep->st.bytes);
	jw_key(jw, "latency");
	if (hist_total(ep->st.lat_slots, IPC_HIST_SLOTS))
		report_json_latency(jw, ep->st.lat_sum_ns, ep->st.lat_slots);
	else
		jw_null(jw);
	jw_object_end(jw);
}

static void json_edge(struct json_writer *jw, const struct graph *g,
		      const struct graph_edge *e, const struct snapshot *s)
{
	char name[128];

	jw_object_begin(jw);
	jw_kv_string(jw, "type", edge_type_names[e->type]);
	jw_key(jw, "from");
	json_node_id(jw, g, e->from);
	jw_key(jw, "to");
	json_node_id(jw, g, e->to);
	if (e->type == GRAPH_EDGE_SIGNAL) {
		jw_kv_uint(jw, "sig", e->sig);
		jw_kv_string(jw, "signame", ipc_signal_name(e->sig));
		jw_kv_string(jw, "how", ipc_sig_origin(e->sig_code));
		jw_kv_uint(jw, "generated", graph_sig_total(e));
		jw_kv_uint(jw, "queued", e->sig_results[GRAPH_SIG_QUEUED]);
		jw_kv_uint(jw, "already_pending", e->sig_results[GRAPH_SIG_MERGED]);
		jw_kv_uint(jw, "ignored", e->sig_results[GRAPH_SIG_IGNORED]);
		jw_kv_uint(jw, "other", e->sig_results[GRAPH_SIG_OTHER]);
		jw_object_end(jw);
		return;
	}
	jw_kv_string(jw, "mechanism", ipc_mech_name(ipc_kind_mech(e->kind)));
	jw_kv_string(jw, "kind", ipc_kind_name(e->kind));
	if (e->type == GRAPH_EDGE_USE) {
		jw_key(jw, "ops");
		if (e->ops) {
			jw_object_begin(jw);
			jw_kv_uint(jw, "calls", e->ops->st.calls);
			jw_key(jw, "latency");
			report_json_latency(jw, e->ops->st.lat_sum_ns, e->ops->st.lat_slots);
			jw_object_end(jw);
		} else {
			jw_null(jw);
		}
		jw_kv_uint(jw, "page_faults", e->faults ? e->faults->st.calls : 0);
		jw_object_end(jw);
		return;
	}
	jw_key(jw, "via");
	if (e->via) {
		snapshot_obj_name(s, e->via, name, sizeof(name));
		jw_string(jw, name);
	} else {
		jw_null(jw);
	}
	jw_kv_uint(jw, "bytes", graph_edge_bytes(e));
	json_side(jw, "sent", e->sent);
	json_side(jw, "received", e->received);
	jw_key(jw, "time_in_channel");
	report_json_chan(jw, graph_edge_chan(s, e));
	jw_object_end(jw);
}

int graph_write_json(FILE *out, const struct graph *g, const struct snapshot *s)
{
	struct json_writer *jw = jw_new(out, true);

	if (!jw)
		return -1;
	jw_object_begin(jw);
	jw_kv_uint(jw, "schema_version", GRAPH_SCHEMA_VERSION);
	jw_key(jw, "nodes");
	jw_array_begin(jw);
	for (size_t i = 0; i < g->nnodes; i++) {
		const struct graph_node *n = &g->nodes[i];

		jw_object_begin(jw);
		jw_key(jw, "id");
		json_node_id(jw, g, i);
		if (n->type == GRAPH_NODE_PROCESS) {
			jw_kv_string(jw, "type", "process");
			jw_kv_uint(jw, "pid", n->pid);
			jw_kv_uint(jw, "start_ns", n->start);
			jw_key(jw, "comm");
			if (n->traced)
				jw_string(jw, n->comm);
			else
				jw_null(jw);
			jw_kv_bool(jw, "traced", n->traced);
			jw_key(jw, "cgroup");
			if (n->cgroup)
				jw_string(jw, n->cgroup);
			else
				jw_null(jw);
		} else {
			jw_kv_string(jw, "type", "object");
			jw_kv_string(jw, "name", n->name);
			jw_kv_string(jw, "mechanism", ipc_mech_name(ipc_kind_mech(n->key->kind)));
			jw_kv_string(jw, "kind", ipc_kind_name(n->key->kind));
			jw_kv_uint(jw, "dev", ipc_dev_to_user(n->key->dev));
			jw_kv_uint(jw, "ino", n->key->ino);
		}
		jw_object_end(jw);
	}
	jw_array_end(jw);
	jw_key(jw, "edges");
	jw_array_begin(jw);
	for (size_t i = 0; i < g->nedges; i++)
		json_edge(jw, g, &g->edges[i], s);
	jw_array_end(jw);
	jw_kv_uint(jw, "private_futexes_left_out", g->private_futexes);
	jw_object_end(jw);
	jw_free(jw);
	return fflush(out) || ferror(out) ? -1 : 0;
}
