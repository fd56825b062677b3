/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * graph.h - the communication graph of a traced run: who talks to whom.
 *
 * Pure C, no libbpf: built from a snapshot, written as Graphviz DOT or as
 * JSON (docs/json-schema.md). Nodes are processes and the IPC objects that
 * are a natural meeting point (a queue, a segment, a semaphore set, a FIFO);
 * a pipe between one writer and one reader, or a socket channel with one
 * process on each end, is an edge from process to process instead. Signals
 * are edges from sender to target.
 */
#ifndef GRAPH_H
#define GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "snapshot.h"

enum graph_format {
	GRAPH_FORMAT_NONE = 0,	/* an extension we do not know */
	GRAPH_FORMAT_DOT,
	GRAPH_FORMAT_JSON,
	GRAPH_FORMAT_SVG,	/* rendered by Graphviz's dot */
	GRAPH_FORMAT_PNG,
};

/* The format a file name asks for, by its extension (case-insensitive). */
enum graph_format graph_format_of(const char *path);
/* Rendered formats need Graphviz; their dot -T name ("svg"), else NULL. */
const char *graph_render_type(enum graph_format f);

enum graph_node_type {
	GRAPH_NODE_PROCESS,
	GRAPH_NODE_OBJECT,
};

struct graph_node {
	enum graph_node_type type;
	uint32_t pid;			/* process */
	uint64_t start;			/* process: with pid, which one */
	unsigned seq;			/* process: 0, or N when N processes of
					   the graph had this pid (1 started
					   first): its id is pPID.N */
	bool traced;			/* process: seen in the snapshot */
	char comm[IPC_COMM_LEN];	/* process: "?" if not traced */
	uint64_t cgroup_id;		/* process: its cgroup (v2), 0 unknown */
	const char *cgroup;		/* process: its path, NULL if not named
					   (points into the snapshot) */
	const struct ipc_obj_key *key;	/* object: points into the snapshot */
	char name[128];			/* object: snapshot_obj_name() */
};

enum graph_edge_type {
	GRAPH_EDGE_CHANNEL,	/* process -> process: data through a pipe or a
				   socket channel with one process on each end */
	GRAPH_EDGE_SEND,	/* process -> object: data into it */
	GRAPH_EDGE_RECEIVE,	/* object -> process: data out of it */
	GRAPH_EDGE_USE,		/* process -- object: no data moved (get,
				   shmat, semop, futex, page faults) */
	GRAPH_EDGE_SIGNAL,	/* sender -> target */
};

/* Generation results of a signal edge, as the kernel gave them. */
enum graph_sig_result {
	GRAPH_SIG_QUEUED = 0,
	GRAPH_SIG_IGNORED,
	GRAPH_SIG_MERGED,	/* already pending: lost */
	GRAPH_SIG_OTHER,	/* overflow_fail, lose_info */
	GRAPH_SIG_RESULTS,
};

/*
 * One edge. Data and use edges point at the snapshot's endpoint rows (one
 * process's calls, bytes and latency on one object in one direction), so
 * the snapshot must outlive the graph.
 */
struct graph_edge {
	enum graph_edge_type type;
	size_t from, to;		/* node indexes */
	uint32_t kind;			/* the object's kind; 0 for signals */
	const struct ipc_obj_key *via;	/* channel: the object data goes into */
	const struct ipc_ep_row *sent;		/* by from, into the object */
	const struct ipc_ep_row *received;	/* by to, out of the object */
	const struct ipc_ep_row *ops;		/* use: operations */
	const struct ipc_ep_row *faults;	/* use: page faults */
	bool with_data;		/* use: the process also has a data edge to the
				   object (the picture leaves out a use edge
				   that only adds a msgget or the like) */
	uint32_t sig;				/* signal */
	int32_t sig_code;			/* signal: si_code of the most
						   frequent generation */
	uint64_t sig_results[GRAPH_SIG_RESULTS];
};

struct graph {
	struct graph_node *nodes;	/* processes by pid and start, then objects */
	size_t nnodes;
	struct graph_edge *edges;	/* busiest first within each type */
	size_t nedges;
	size_t private_futexes;		/* futex words one process used alone:
					   left out, they join no one */
};

/* Builds g from s (sorted with snapshot_sort). 0, or -ENOMEM. */
int graph_build(struct graph *g, const struct snapshot *s);
/* Accepts a zeroed or freed graph. */
void graph_free(struct graph *g);

/* Bytes an edge carried: the larger of what was sent and received. */
uint64_t graph_edge_bytes(const struct graph_edge *e);

/*
 * Graphviz DOT. title: the graph's caption (the traced command), or NULL.
 * Returns 0, or -1 if writing failed.
 */
int graph_write_dot(FILE *out, const struct graph *g, const struct snapshot *s,
		    const char *title);
/* JSON {nodes: [...], edges: [...]}. Returns 0, or -1 if writing failed. */
int graph_write_json(FILE *out, const struct graph *g, const struct snapshot *s);

/* A string as the inside of a DOT double-quoted string: quotes and
 * backslashes escaped, a newline becomes a line break (\n), other control
 * characters and invalid UTF-8 become '?'. */
void graph_dot_escape(FILE *out, const char *s);

/* Shared by the writers (graph_dot.c, graph_json.c) */
/* "7336", or "7336.2" for the second process of the graph with pid 7336 */
void graph_pid_label(char *buf, size_t len, const struct graph_node *n);
/* "p7336", "p7336.2" (a reused pid), "o12" */
void graph_node_id(char *buf, size_t len, const struct graph *g, size_t i);
/* A signal edge's signals, whatever became of them */
uint64_t graph_sig_total(const struct graph_edge *e);
/* Time in channel of the object a data edge's receiver took from, or NULL */
const struct ipc_chan_stats *graph_edge_chan(const struct snapshot *s,
					     const struct graph_edge *e);

#endif /* GRAPH_H */
