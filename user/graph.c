// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * graph.c - the communication graph: built from a snapshot's endpoints
 * (one process's calls, bytes and latency on one object in one direction),
 * its socket channels and its signals; written as Graphviz DOT or JSON.
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

enum graph_format graph_format_of(const char *path)
{
	static const struct {
		const char *ext;
		enum graph_format f;
	} exts[] = {
		{ ".dot", GRAPH_FORMAT_DOT }, { ".gv", GRAPH_FORMAT_DOT },
		{ ".json", GRAPH_FORMAT_JSON }, { ".svg", GRAPH_FORMAT_SVG },
		{ ".png", GRAPH_FORMAT_PNG },
	};
	const char *dot = path ? strrchr(path, '.') : NULL;

	/* ".dot" alone, or "dir.d/x", has no extension */
	if (!dot || dot == path || dot[-1] == '/' || strchr(dot, '/'))
		return GRAPH_FORMAT_NONE;
	for (size_t i = 0; i < ARRAY_SIZE(exts); i++)
		if (!strcasecmp(dot, exts[i].ext))
			return exts[i].f;
	return GRAPH_FORMAT_NONE;
}

const char *graph_render_type(enum graph_format f)
{
	return f == GRAPH_FORMAT_SVG ? "svg" : f == GRAPH_FORMAT_PNG ? "png" : NULL;
}

/* ---- building ---------------------------------------------------------- */

struct builder {
	struct graph *g;
	const struct snapshot *s;
	int err;
};

static struct graph_node *add_node(struct builder *b)
{
	struct graph_node *n = grow_rows((void **)&b->g->nodes, &b->g->nnodes,
					 sizeof(*n));

	if (!n)
		b->err = -ENOMEM;
	return n;
}

/* The node of process (pid, start): a reused pid is two processes. */
static ssize_t proc_node(struct builder *b, uint32_t pid, uint64_t start)
{
	const struct ipc_proc_row *p;
	struct graph_node *n;

	for (size_t i = 0; i < b->g->nnodes; i++)
		if (b->g->nodes[i].type == GRAPH_NODE_PROCESS && b->g->nodes[i].pid == pid &&
		    b->g->nodes[i].start == start)
			return i;
	n = add_node(b);
	if (!n)
		return -1;
	p = snapshot_proc(b->s, pid, start);
	n->type = GRAPH_NODE_PROCESS;
	n->pid = pid;
	n->start = start;
	n->traced = p != NULL;
	snprintf(n->comm, sizeof(n->comm), "%s", p ? p->p.comm : "?");
	return b->g->nnodes - 1;
}

static ssize_t obj_node(struct builder *b, const struct ipc_obj_key *key)
{
	struct graph_node *n;

	for (size_t i = 0; i < b->g->nnodes; i++)
		if (b->g->nodes[i].type == GRAPH_NODE_OBJECT &&
		    ipc_obj_key_eq(b->g->nodes[i].key, key))
			return i;
	n = add_node(b);
	if (!n)
		return -1;
	n->type = GRAPH_NODE_OBJECT;
	n->key = key;
	snapshot_obj_name(b->s, key, n->name, sizeof(n->name));
	return b->g->nnodes - 1;
}

static struct graph_edge *add_edge(struct builder *b, enum graph_edge_type type,
				   ssize_t from, ssize_t to, uint32_t kind)
{
	struct graph_edge *e;

	if (from < 0 || to < 0)
		return NULL;	/* b->err is set */
	e = grow_rows((void **)&b->g->edges, &b->g->nedges, sizeof(*e));
	if (!e) {
		b->err = -ENOMEM;
		return NULL;
	}
	e->type = type;
	e->from = from;
	e->to = to;
	e->kind = kind;
	return e;
}

/* An object's endpoint rows, by direction (each sorted by pid). */
struct obj_eps {
	const struct ipc_ep_row *dir[IPC_DIR_FAULT + 1];
	size_t n[IPC_DIR_FAULT + 1];
};

static void obj_eps(const struct snapshot *s, const struct ipc_obj_row *o,
		    struct obj_eps *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = o->ep_first; i < o->ep_first + o->neps; i++) {
		uint32_t d = s->eps[i].key.dir;

		if (d > IPC_DIR_FAULT)
			continue;
		if (!out->n[d]++)
			out->dir[d] = &s->eps[i];
	}
}

static bool same_proc(const struct ipc_ep_row *a, const struct ipc_ep_row *b)
{
	return a->key.tgid == b->key.tgid && a->key.start == b->key.start;
}

/* Distinct processes among an object's endpoints. */
static size_t obj_procs(const struct obj_eps *eps)
{
	const struct ipc_ep_row *seen[64];
	size_t n = 0;

	for (int d = 0; d <= IPC_DIR_FAULT; d++)
		for (size_t i = 0; i < eps->n[d]; i++) {
			const struct ipc_ep_row *ep = &eps->dir[d][i];
			size_t j;

			for (j = 0; j < n && !same_proc(seen[j], ep); j++)
				;
			if (j == n) {
				if (n == ARRAY_SIZE(seen))
					return n;	/* many: the exact count is not needed */
				seen[n++] = ep;
			}
		}
	return n;
}

static bool moves_data(const struct obj_eps *eps, const struct ipc_ep_row *who)
{
	for (uint32_t d = IPC_DIR_IN; d <= IPC_DIR_OUT; d++)
		for (size_t i = 0; i < eps->n[d]; i++)
			if (same_proc(&eps->dir[d][i], who))
				return true;
	return false;
}

/* endpoint rows of one object and direction are sorted by pid, then start */
static int cmp_ep_proc(const struct ipc_ep_row *a, const struct ipc_ep_row *b)
{
	if (a->key.tgid != b->key.tgid)
		return a->key.tgid < b->key.tgid ? -1 : 1;
	return a->key.start < b->key.start ? -1 : a->key.start > b->key.start;
}

/* An object as a node: data in, data out, and use without data. */
static void object_edges(struct builder *b, const struct ipc_obj_key *key,
			 const struct obj_eps *eps, ssize_t node)
{
	for (size_t i = 0; i < eps->n[IPC_DIR_IN]; i++) {
		const struct ipc_ep_row *ep = &eps->dir[IPC_DIR_IN][i];
		struct graph_edge *e = add_edge(b, GRAPH_EDGE_SEND,
						proc_node(b, ep->key.tgid, ep->key.start),
						node, key->kind);

		if (e)
			e->sent = ep;
	}
	for (size_t i = 0; i < eps->n[IPC_DIR_OUT]; i++) {
		const struct ipc_ep_row *ep = &eps->dir[IPC_DIR_OUT][i];
		struct graph_edge *e = add_edge(b, GRAPH_EDGE_RECEIVE, node,
						proc_node(b, ep->key.tgid, ep->key.start),
						key->kind);

		if (e)
			e->received = ep;
	}
	/* one use edge per process: its operations and its page faults */
	for (size_t i = 0, j = 0; i < eps->n[IPC_DIR_OTHER] || j < eps->n[IPC_DIR_FAULT];) {
		const struct ipc_ep_row *op = i < eps->n[IPC_DIR_OTHER] ?
					      &eps->dir[IPC_DIR_OTHER][i] : NULL;
		const struct ipc_ep_row *fl = j < eps->n[IPC_DIR_FAULT] ?
					      &eps->dir[IPC_DIR_FAULT][j] : NULL;
		const struct ipc_ep_row *who;
		struct graph_edge *e;

		if (op && fl && !same_proc(op, fl)) {
			if (cmp_ep_proc(op, fl) < 0)
				fl = NULL;
			else
				op = NULL;
		}
		who = op ? op : fl;
		e = add_edge(b, GRAPH_EDGE_USE, proc_node(b, who->key.tgid, who->key.start),
			     node, key->kind);
		if (e) {
			e->ops = op;
			e->faults = fl;
			e->with_data = moves_data(eps, who);
		}
		i += op != NULL;
		j += fl != NULL;
	}
}

static bool one_to_one(size_t senders, size_t receivers)
{
	return (senders == 0 && receivers == 0) || (senders == 1 && receivers == 1);
}

/*
 * A socket channel: process to process when every direction that carried
 * data has one sender and one receiver; else one node for the channel.
 */
static void channel_edges(struct builder *b, const struct ipc_channel *c, bool *done)
{
	const struct ipc_obj_key *ka = &b->s->objs[c->a].key;
	const struct ipc_obj_key *kb = c->b >= 0 ? &b->s->objs[c->b].key : NULL;
	struct obj_eps ea, eb = { 0 };
	ssize_t node;

	done[c->a] = true;
	obj_eps(b->s, &b->s->objs[c->a], &ea);
	if (kb) {
		done[c->b] = true;
		obj_eps(b->s, &b->s->objs[c->b], &eb);
	}
	if (kb && one_to_one(ea.n[IPC_DIR_IN], eb.n[IPC_DIR_OUT]) &&
	    one_to_one(eb.n[IPC_DIR_IN], ea.n[IPC_DIR_OUT]) &&
	    (ea.n[IPC_DIR_IN] || eb.n[IPC_DIR_IN]) &&
	    !ea.n[IPC_DIR_OTHER] && !eb.n[IPC_DIR_OTHER]) {
		const struct obj_eps *from[2] = { &ea, &eb }, *to[2] = { &eb, &ea };
		const struct ipc_obj_key *via[2] = { ka, kb };

		for (int d = 0; d < 2; d++) {
			const struct ipc_ep_row *snd = from[d]->dir[IPC_DIR_IN];
			const struct ipc_ep_row *rcv = to[d]->dir[IPC_DIR_OUT];
			struct graph_edge *e;

			if (!snd)
				continue;
			e = add_edge(b, GRAPH_EDGE_CHANNEL,
				     proc_node(b, snd->key.tgid, snd->key.start),
				     proc_node(b, rcv->key.tgid, rcv->key.start), ka->kind);
			if (e) {
				e->via = via[d];
				e->sent = snd;
				e->received = rcv;
			}
		}
		return;
	}
	node = obj_node(b, ka);
	object_edges(b, ka, &ea, node);
	if (kb)
		object_edges(b, kb, &eb, node);
}

static void pipe_or_object_edges(struct builder *b, const struct ipc_obj_row *o)
{
	const struct ipc_obj_key *key = &o->key;
	struct obj_eps eps;

	obj_eps(b->s, o, &eps);
	if (key->kind == IPC_KIND_FUTEX && obj_procs(&eps) <= 1) {
		b->g->private_futexes++;
		return;
	}
	if (key->kind == IPC_KIND_PIPE && eps.n[IPC_DIR_IN] == 1 &&
	    eps.n[IPC_DIR_OUT] == 1 && !eps.n[IPC_DIR_OTHER] && !eps.n[IPC_DIR_FAULT]) {
		const struct ipc_ep_row *w = eps.dir[IPC_DIR_IN], *r = eps.dir[IPC_DIR_OUT];
		struct graph_edge *e = add_edge(b, GRAPH_EDGE_CHANNEL,
						proc_node(b, w->key.tgid, w->key.start),
						proc_node(b, r->key.tgid, r->key.start),
						key->kind);

		if (e) {
			e->via = key;
			e->sent = w;
			e->received = r;
		}
		return;
	}
	object_edges(b, key, &eps, obj_node(b, key));
}

static enum graph_sig_result sig_result(uint32_t event)
{
	switch (event) {
	case IPC_SIG_DELIVERED:
		return GRAPH_SIG_QUEUED;
	case IPC_SIG_IGNORED:
		return GRAPH_SIG_IGNORED;
	case IPC_SIG_ALREADY_PENDING:
		return GRAPH_SIG_MERGED;
	default:
		return GRAPH_SIG_OTHER;
	}
}

/* One edge per (sender, target, signal): rows are sorted by target, signal,
 * sender, then si_code and event, so each edge's rows are consecutive (a
 * process being a pid and its start). */
static void signal_edges(struct builder *b)
{
	const struct snapshot *s = b->s;

	for (size_t i = 0; i < s->nsigs;) {
		const struct ipc_sig_key *k = &s->sigs[i].key;
		struct graph_edge *e;
		uint64_t best = 0;
		size_t j;

		if (k->event == IPC_SIG_HANDLED) {	/* the target's side: no sender */
			i++;
			continue;
		}
		e = add_edge(b, GRAPH_EDGE_SIGNAL, proc_node(b, k->sender, k->sender_start),
			     proc_node(b, k->target, k->target_start), 0);
		for (j = i; j < s->nsigs; j++) {
			const struct ipc_sig_row *r = &s->sigs[j];

			if (r->key.target != k->target || r->key.sig != k->sig ||
			    r->key.sender != k->sender ||
			    r->key.target_start != k->target_start ||
			    r->key.sender_start != k->sender_start)
				break;
			if (!e || r->key.event == IPC_SIG_HANDLED)
				continue;
			e->sig = r->key.sig;
			e->sig_results[sig_result(r->key.event)] += r->count;
			if (r->count > best) {
				best = r->count;
				e->sig_code = r->key.code;
			}
		}
		i = j;
	}
}

uint64_t graph_edge_bytes(const struct graph_edge *e)
{
	uint64_t sent = e->sent ? e->sent->st.bytes : 0;
	uint64_t received = e->received ? e->received->st.bytes : 0;

	return sent > received ? sent : received;
}

static uint64_t sig_total(const struct graph_edge *e)
{
	uint64_t n = 0;

	for (int i = 0; i < GRAPH_SIG_RESULTS; i++)
		n += e->sig_results[i];
	return n;
}

/* how busy an edge is, to sort by: bytes, else calls, faults or signals */
static uint64_t edge_weight(const struct graph_edge *e)
{
	switch (e->type) {
	case GRAPH_EDGE_USE:
		return (e->ops ? e->ops->st.calls : 0) + (e->faults ? e->faults->st.calls : 0);
	case GRAPH_EDGE_SIGNAL:
		return sig_total(e);
	default:
		return graph_edge_bytes(e);
	}
}

static int cmp_edge(const void *pa, const void *pb)
{
	const struct graph_edge *a = pa, *b = pb;
	uint64_t wa = edge_weight(a), wb = edge_weight(b);

	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if (wa != wb)
		return wa > wb ? -1 : 1;
	if (a->from != b->from)
		return a->from < b->from ? -1 : 1;
	if (a->to != b->to)
		return a->to < b->to ? -1 : 1;
	return a->sig < b->sig ? -1 : a->sig > b->sig;
}

struct node_order {
	struct graph_node node;
	size_t old;
};

/* processes by pid (a reused one's first process first), then objects in
 * the order they were met (busiest first) */
static int cmp_node(const void *pa, const void *pb)
{
	const struct node_order *a = pa, *b = pb;

	if (a->node.type != b->node.type)
		return a->node.type == GRAPH_NODE_PROCESS ? -1 : 1;
	if (a->node.type == GRAPH_NODE_PROCESS && a->node.pid != b->node.pid)
		return a->node.pid < b->node.pid ? -1 : 1;
	if (a->node.type == GRAPH_NODE_PROCESS && a->node.start != b->node.start)
		return a->node.start < b->node.start ? -1 : 1;
	return a->old < b->old ? -1 : a->old > b->old;
}

/* Processes that share a pid (sorted: next to each other) are numbered. */
static void number_reused_pids(struct graph *g)
{
	for (size_t i = 0; i < g->nnodes && g->nodes[i].type == GRAPH_NODE_PROCESS;) {
		size_t j = i + 1;

		while (j < g->nnodes && g->nodes[j].type == GRAPH_NODE_PROCESS &&
		       g->nodes[j].pid == g->nodes[i].pid)
			j++;
		for (size_t k = i; j - i > 1 && k < j; k++)
			g->nodes[k].seq = k - i + 1;
		i = j;
	}
}

static int order_nodes(struct graph *g)
{
	struct node_order *ord = calloc(g->nnodes ? g->nnodes : 1, sizeof(*ord));
	size_t *remap = calloc(g->nnodes ? g->nnodes : 1, sizeof(*remap));

	if (!ord || !remap) {
		free(ord);
		free(remap);
		return -ENOMEM;
	}
	for (size_t i = 0; i < g->nnodes; i++) {
		ord[i].node = g->nodes[i];
		ord[i].old = i;
	}
	qsort(ord, g->nnodes, sizeof(*ord), cmp_node);
	for (size_t i = 0; i < g->nnodes; i++) {
		g->nodes[i] = ord[i].node;
		remap[ord[i].old] = i;
	}
	for (size_t i = 0; i < g->nedges; i++) {
		g->edges[i].from = remap[g->edges[i].from];
		g->edges[i].to = remap[g->edges[i].to];
	}
	free(ord);
	free(remap);
	number_reused_pids(g);
	return 0;
}

int graph_build(struct graph *g, const struct snapshot *s)
{
	struct builder b = { .g = g, .s = s };
	bool *done = calloc(s->nobjs ? s->nobjs : 1, sizeof(*done));

	memset(g, 0, sizeof(*g));
	if (!done)
		return -ENOMEM;
	for (size_t i = 0; i < s->nchannels && !b.err; i++)
		channel_edges(&b, &s->channels[i], done);
	for (size_t i = 0; i < s->nobjs && !b.err; i++)
		if (!done[i])
			pipe_or_object_edges(&b, &s->objs[i]);
	if (!b.err)
		signal_edges(&b);
	free(done);
	if (!b.err)
		b.err = order_nodes(g);
	if (b.err) {
		graph_free(g);
		return b.err;
	}
	if (g->nedges)
		qsort(g->edges, g->nedges, sizeof(*g->edges), cmp_edge);
	return 0;
}

void graph_free(struct graph *g)
{
	if (!g)
		return;
	free(g->nodes);
	free(g->edges);
	memset(g, 0, sizeof(*g));
}

/* ---- DOT ----------------------------------------------------------------- */

void graph_dot_escape(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	const unsigned char *end = s + strlen(str);

	while (*s) {
		size_t n;

		if (*s >= 0x80) {
			n = utf8_seq_len(s, (size_t)(end - s));
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

/* "7336", or "7336.2" for the second process of the graph with pid 7336 */
static void pid_label(char *buf, size_t len, const struct graph_node *n)
{
	if (n->seq)
		snprintf(buf, len, "%u.%u", n->pid, n->seq);
	else
		snprintf(buf, len, "%u", n->pid);
}

/* "p7336", "p7336.2" (a reused pid), "o12" */
static void node_id_str(char *buf, size_t len, const struct graph *g, size_t i)
{
	char pid[32];

	if (g->nodes[i].type == GRAPH_NODE_PROCESS) {
		pid_label(pid, sizeof(pid), &g->nodes[i]);
		snprintf(buf, len, "p%s", pid);
	} else {
		snprintf(buf, len, "o%zu", i);
	}
}

static void node_id(FILE *out, const struct graph *g, size_t i)
{
	char id[48];

	node_id_str(id, sizeof(id), g, i);
	fputs(id, out);
}

/* "head 11803" for tooltips */
static void node_text(char *buf, size_t len, const struct graph *g, size_t i)
{
	const struct graph_node *n = &g->nodes[i];
	char pid[32];

	pid_label(pid, sizeof(pid), n);
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
		pid_label(pid, sizeof(pid), n);
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

/*
 * Time in channel of the object a data edge's receiver took from (record
 * --time-in-channel), or NULL: per receiving object, so an object read by
 * several processes shows the same figure on each of their edges.
 */
static const struct ipc_chan_stats *edge_chan(const struct snapshot *s,
					      const struct graph_edge *e)
{
	const struct ipc_chan_stats *c;

	if (!e->received)
		return NULL;
	c = snapshot_chan(s, &e->received->key.obj);
	return c && c->samples ? c : NULL;
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
	if (edge_chan(s, e)) {
		const struct ipc_chan_stats *c = edge_chan(s, e);

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
		ipc_mech_colour(IPC_MECH_SIGNAL), name ? name : num, sig_total(e));
	if (e->sig_results[GRAPH_SIG_MERGED])
		fprintf(out, "\\n%" PRIu64 " merged (lost)", e->sig_results[GRAPH_SIG_MERGED]);
	if (e->sig_results[GRAPH_SIG_IGNORED])
		fprintf(out, "\\n%" PRIu64 " ignored", e->sig_results[GRAPH_SIG_IGNORED]);
	if (e->sig_results[GRAPH_SIG_OTHER])
		fprintf(out, "\\n%" PRIu64 " not queued", e->sig_results[GRAPH_SIG_OTHER]);
	fputc('"', out);
	dot_tooltip_ends(out, g, e, "signals");
	fprintf(out, ": %s by %s, %" PRIu64 " generated, %" PRIu64 " queued\"];\n",
		name ? name : num, ipc_sig_origin(e->sig_code), sig_total(e),
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
	for (size_t i = 0; i < g->nnodes; i++)
		dot_node(out, g, i);
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

	node_id_str(id, sizeof(id), g, i);
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
		jw_kv_uint(jw, "generated", sig_total(e));
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
	report_json_chan(jw, edge_chan(s, e));
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
