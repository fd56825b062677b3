// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * graph.c - the communication graph: built from a snapshot's endpoints
 * (one process's calls, bytes and latency on one object in one direction),
 * its socket channels and its signals; written as Graphviz DOT
 * (graph_dot.c) or JSON (graph_json.c).
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
	n->cgroup_id = p ? p->p.cgroup_id : 0;
	n->cgroup = p ? snapshot_proc_cgroup(b->s, p) : NULL;
	/* pid 0: the kernel, a signal's sender (bpf/signal.bpf.c) */
	snprintf(n->comm, sizeof(n->comm), "%s", p ? p->p.comm : pid ? "?" : "kernel");
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

uint64_t graph_sig_total(const struct graph_edge *e)
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
		return graph_sig_total(e);
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

/* "7336", or "7336.2" for the second process of the graph with pid 7336 */
void graph_pid_label(char *buf, size_t len, const struct graph_node *n)
{
	if (n->seq)
		snprintf(buf, len, "%u.%u", n->pid, n->seq);
	else
		snprintf(buf, len, "%u", n->pid);
}

/* "p7336", "p7336.2" (a reused pid), "o12" */
void graph_node_id(char *buf, size_t len, const struct graph *g, size_t i)
{
	char pid[32];

	if (g->nodes[i].type == GRAPH_NODE_PROCESS) {
		graph_pid_label(pid, sizeof(pid), &g->nodes[i]);
		snprintf(buf, len, "p%s", pid);
	} else {
		snprintf(buf, len, "o%zu", i);
	}
}

/*
 * Time in channel of the object a data edge's receiver took from (record
 * --time-in-channel), or NULL: per receiving object, so an object read by
 * several processes shows the same figure on each of their edges.
 */
const struct ipc_chan_stats *graph_edge_chan(const struct snapshot *s,
					     const struct graph_edge *e)
{
	const struct ipc_chan_stats *c;

	if (!e->received)
		return NULL;
	c = snapshot_chan(s, &e->received->key.obj);
	return c && c->samples ? c : NULL;
}

