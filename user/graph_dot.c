// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * graph_dot.c - the communication graph as Graphviz DOT: what `dot` draws
 * as SVG or PNG, with a tooltip on every node and edge.
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

/* ---- DOT ----------------------------------------------------------------- */

void graph_dot_escape(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	const unsigned char *end = s + strlen(str);

	while (*s) {
		size_t n;

		if (*s >= 0x80) {
			/* as text outputs: no C1 control either */
			n = utf8_printable_len(s, (size_t)(end - s));
			if (n) {
				fwrite(s, 1, n, out);
				s += n;
			} else {
				fputc('?', out);
				s++;
			}
			continue;
		}
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s < 0x20 || *s == 0x7f ? '?' : *s, out);
		s++;
	}
}

static void node_id(FILE *out, const struct graph *g, size_t i)
{
	char id[48];

	graph_node_id(id, sizeof(id), g, i);
	fputs(id, out);
}

/* "head 11803" for tooltips */
static void node_text(char *buf, size_t len, const struct graph *g, size_t i)
{
	const struct graph_node *n = &g->nodes[i];
	char pid[32];

	graph_pid_label(pid, sizeof(pid), n);
	if (n->type == GRAPH_NODE_PROCESS)
		snprintf(buf, len, "%s %s", n->comm, pid);
	else
		snprintf(buf, len, "%s", n->name);
}

static void dot_node(FILE *out, const struct graph *g, size_t i)
{
	const struct graph_node *n = &g->nodes[i];
	const char *paren;
	enum ipc_mech m;

	fputs("\t\"", out);
	node_id(out, g, i);
	if (n->type == GRAPH_NODE_PROCESS) {
		char pid[32];

		fputs("\" [shape=ellipse, style=filled, fillcolor=\"#dbe8f8\", "
		      "color=\"#3b6ea5\", label=\"", out);
		if (n->pid == 0)
			fputs("kernel", out);
		else if (n->traced)
			graph_dot_escape(out, n->comm);
		else
			fputs("not traced", out);
		graph_pid_label(pid, sizeof(pid), n);
		fprintf(out, "\\npid %s%s\"];\n", pid, n->seq ? " (pid reused)" : "");
		return;
	}
	m = ipc_kind_mech(n->key->kind);
	paren = strstr(n->name, " (");
	fprintf(out, "\" [shape=%s, style=filled, fillcolor=\"#fff3d1\", "
		"color=\"%s\", label=\"", ipc_mech_shape(m), ipc_mech_colour(m));
	/* "msq:5 (key 0x1234)" on two lines */
	if (paren) {
		char head[sizeof(n->name)];

		snprintf(head, sizeof(head), "%.*s", (int)(paren - n->name), n->name);
		graph_dot_escape(out, head);
		fputs("\\n", out);
		graph_dot_escape(out, paren + 1);
	} else {
		graph_dot_escape(out, n->name);
	}
	fprintf(out, "\\n%s\"];\n", ipc_kind_title(n->key->kind));
}

/* true if the traced processes are in more than one cgroup */
static bool several_cgroups(const struct graph *g)
{
	uint64_t first = 0;

	for (size_t i = 0; i < g->nnodes; i++) {
		const struct graph_node *n = &g->nodes[i];

		if (n->type != GRAPH_NODE_PROCESS || !n->cgroup_id)
			continue;
		if (first && n->cgroup_id != first)
			return true;
		first = n->cgroup_id;
	}
	return false;
}

/* The nodes; processes in more than one cgroup are drawn in a box per
 * cgroup (a cluster), labelled with its path */
static void dot_nodes(FILE *out, const struct graph *g)
{
	bool clusters = several_cgroups(g);
	size_t k = 0;

	for (size_t i = 0; i < g->nnodes; i++) {
		const struct graph_node *n = &g->nodes[i];
		bool done = false;

		if (!clusters || n->type != GRAPH_NODE_PROCESS || !n->cgroup_id) {
			dot_node(out, g, i);
			continue;
		}
		/* the first node of its cgroup opens the cluster, with the rest */
		for (size_t j = 0; j < i && !done; j++)
			done = g->nodes[j].type == GRAPH_NODE_PROCESS &&
			       g->nodes[j].cgroup_id == n->cgroup_id;
		if (done)
			continue;
		fprintf(out, "\tsubgraph \"cluster_cgroup_%zu\" {\n\tlabel=\"", k++);
		if (n->cgroup)
			graph_dot_escape(out, n->cgroup);
		else
			fprintf(out, "cgroup id %" PRIu64, n->cgroup_id);
		fputs("\"; style=dashed; color=\"#888888\";\n", out);
		for (size_t j = i; j < g->nnodes; j++)
			if (g->nodes[j].type == GRAPH_NODE_PROCESS &&
			    g->nodes[j].cgroup_id == n->cgroup_id)
				dot_node(out, g, j);
		fputs("\t}\n", out);
	}
}

/* "avg 2.7 us, p99 <= 33 us" of a log2 histogram */
static void fmt_latency(char *buf, size_t len, uint64_t sum_ns, const __u64 *slots)
{
	uint64_t timed = hist_total(slots, IPC_HIST_SLOTS);
	char avg[24], p99[24];

	if (!timed) {
		snprintf(buf, len, "not timed");
		return;
	}
	fmt_ns(avg, sizeof(avg), (double)sum_ns / timed);
	report_fmt_pct(p99, sizeof(p99), slots, 99);
	snprintf(buf, len, "avg %s, p99 %s%s", avg, p99[0] == '>' ? "" : "<=", p99);
}

static void side_latency(char *buf, size_t len, const struct ipc_ep_row *ep)
{
	fmt_latency(buf, len, ep->st.lat_sum_ns, ep->st.lat_slots);
}

/* pipes write and read; queues and sockets send and receive */
static void verbs(uint32_t kind, const char **in, const char **out)
{
	bool pipe = ipc_kind_mech(kind) == IPC_MECH_PIPE;

	*in = pipe ? "writes" : "sends";
	*out = pipe ? "reads" : "receives";
}

/* wider for more bytes: 1 for nothing, about 6 for a GiB */
static double pen_width(uint64_t bytes)
{
	int bits = 0;

	while (bytes) {
		bits++;
		bytes >>= 1;
	}
	return 1.0 + bits / 6.0;
}

/* "1 page fault", "2 page faults" */
static const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void dot_tooltip_ends(FILE *out, const struct graph *g, const struct graph_edge *e,
			     const char *verb)
{
	char from[160], to[160];

	node_text(from, sizeof(from), g, e->from);
	node_text(to, sizeof(to), g, e->to);
	fputs(", tooltip=\"", out);
	graph_dot_escape(out, from);
	fprintf(out, " %s ", verb);
	graph_dot_escape(out, to);
}

static void dot_data_edge(FILE *out, const struct graph *g, const struct graph_edge *e,
			  const struct snapshot *s)
{
	const char *vin, *vout;
	char bytes[32], bytes2[32], lat[64], via[128];
	enum ipc_mech m = ipc_kind_mech(e->kind);

	verbs(e->kind, &vin, &vout);
	fprintf(out, " [color=\"%s\", fontcolor=\"%s\", penwidth=%.1f, label=\"",
		ipc_mech_colour(m), ipc_mech_colour(m), pen_width(graph_edge_bytes(e)));
	/* line 1: how much; a channel also says through what */
	if (e->type == GRAPH_EDGE_CHANNEL)
		fprintf(out, "%s: ", ipc_kind_label(e->kind));
	if (e->sent && e->received && e->sent->st.bytes != e->received->st.bytes) {
		fmt_bytes(bytes, sizeof(bytes), e->sent->st.bytes);
		fmt_bytes(bytes2, sizeof(bytes2), e->received->st.bytes);
		fprintf(out, "%s sent, %s received", bytes, bytes2);
	} else {
		fmt_bytes(bytes, sizeof(bytes), graph_edge_bytes(e));
		fputs(bytes, out);
	}
	/* then per side: calls and latency */
	if (e->sent) {
		side_latency(lat, sizeof(lat), e->sent);
		fprintf(out, "\\n%" PRIu64 " %s, %s", (uint64_t)e->sent->st.calls, vin, lat);
	}
	if (e->received) {
		side_latency(lat, sizeof(lat), e->received);
		fprintf(out, "\\n%" PRIu64 " %s, %s", (uint64_t)e->received->st.calls, vout, lat);
	}
	if (graph_edge_chan(s, e)) {
		const struct ipc_chan_stats *c = graph_edge_chan(s, e);

		fmt_latency(lat, sizeof(lat), c->sum_ns, c->slots);
		fprintf(out, "\\nin channel: %s", lat);
	}
	/* the tooltip (SVG) has the exact figures and the object */
	fputc('"', out);
	dot_tooltip_ends(out, g, e, "->");
	if (e->via) {
		snapshot_obj_name(s, e->via, via, sizeof(via));
		fputs(" via ", out);
		graph_dot_escape(out, via);
	}
	if (e->sent)
		fprintf(out, ": %" PRIu64 " bytes in %" PRIu64 " %s", (uint64_t)e->sent->st.bytes,
			(uint64_t)e->sent->st.calls, vin);
	if (e->received)
		fprintf(out, "%s %" PRIu64 " bytes in %" PRIu64 " %s", e->sent ? ";" : ":",
			(uint64_t)e->received->st.bytes, (uint64_t)e->received->st.calls, vout);
	fputs("\"];\n", out);
}

static void dot_use_edge(FILE *out, const struct graph *g, const struct graph_edge *e)
{
	enum ipc_mech m = ipc_kind_mech(e->kind);
	uint64_t ops = e->ops ? e->ops->st.calls : 0;
	uint64_t faults = e->faults ? e->faults->st.calls : 0;
	char lat[64];

	fprintf(out, " [dir=none, style=dotted, penwidth=1.5, color=\"%s\", "
		"fontcolor=\"%s\", label=\"", ipc_mech_colour(m), ipc_mech_colour(m));
	if (ops) {
		side_latency(lat, sizeof(lat), e->ops);
		fprintf(out, "%" PRIu64 " %s, %s", ops, plural(ops, "op", "ops"), lat);
	}
	if (faults)
		fprintf(out, "%s%" PRIu64 " %s", ops ? "\\n" : "", faults,
			plural(faults, "page fault", "page faults"));
	fputc('"', out);
	dot_tooltip_ends(out, g, e, "uses");
	fprintf(out, ": %" PRIu64 " operations without data (get, attach, semop, futex),"
		" %" PRIu64 " page faults\"];\n", ops, faults);
}

static void dot_signal_edge(FILE *out, const struct graph *g, const struct graph_edge *e)
{
	const char *name = ipc_signal_name(e->sig);
	char num[16];

	snprintf(num, sizeof(num), "signal %u", e->sig);
	fprintf(out, " [style=dashed, color=\"%s\", fontcolor=\"%s\", "
		"label=\"%s x%" PRIu64, ipc_mech_colour(IPC_MECH_SIGNAL),
		ipc_mech_colour(IPC_MECH_SIGNAL), name ? name : num, graph_sig_total(e));
	if (e->sig_results[GRAPH_SIG_MERGED])
		fprintf(out, "\\n%" PRIu64 " merged (lost)", e->sig_results[GRAPH_SIG_MERGED]);
	if (e->sig_results[GRAPH_SIG_IGNORED])
		fprintf(out, "\\n%" PRIu64 " ignored", e->sig_results[GRAPH_SIG_IGNORED]);
	if (e->sig_results[GRAPH_SIG_OTHER])
		fprintf(out, "\\n%" PRIu64 " not queued", e->sig_results[GRAPH_SIG_OTHER]);
	fputc('"', out);
	dot_tooltip_ends(out, g, e, "signals");
	fprintf(out, ": %s by %s, %" PRIu64 " generated, %" PRIu64 " queued\"];\n",
		name ? name : num, ipc_sig_origin(e->sig_code), graph_sig_total(e),
		e->sig_results[GRAPH_SIG_QUEUED]);
}

int graph_write_dot(FILE *out, const struct graph *g, const struct snapshot *s,
		    const char *title)
{
	fputs("digraph ipcscope {\n"
	      "\tgraph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, labelloc=t, "
	      "nodesep=0.4, ranksep=1.0, label=\"", out);
	if (title) {
		graph_dot_escape(out, title);
		fputs("\\n", out);
	}
	fputs("ellipses: processes; boxes: IPC objects; arrows: the way data flows, "
	      "thicker for more bytes; dotted: use without data; dashed: signals\"];\n"
	      "\tnode [fontname=\"Helvetica\", fontsize=11];\n"
	      "\tedge [fontname=\"Helvetica\", fontsize=10, arrowsize=0.8];\n", out);
	dot_nodes(out, g);
	for (size_t i = 0; i < g->nedges; i++) {
		const struct graph_edge *e = &g->edges[i];

		/* a msgget beside the msgsnd: in the JSON, not worth a line */
		if (e->type == GRAPH_EDGE_USE && e->with_data && !e->faults)
			continue;
		fputs("\t\"", out);
		node_id(out, g, e->from);
		fputs("\" -> \"", out);
		node_id(out, g, e->to);
		fputc('"', out);
		switch (e->type) {
		case GRAPH_EDGE_USE:
			dot_use_edge(out, g, e);
			break;
		case GRAPH_EDGE_SIGNAL:
			dot_signal_edge(out, g, e);
			break;
		default:
			dot_data_edge(out, g, e, s);
			break;
		}
	}
	if (g->private_futexes)
		fprintf(out, "\t// %zu futex words used by one process only are left out\n",
			g->private_futexes);
	fputs("}\n", out);
	return fflush(out) || ferror(out) ? -1 : 0;
}

