// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* test_graph.c - unit tests for user/graph.c: the format from a file name,
 * DOT escaping, the nodes and edges built from a hand-made snapshot (a pipe
 * with one writer and one reader, a SysV queue, a semaphore set, shared
 * memory with page faults, a FIFO with an awkward name, a Unix socket pair,
 * futexes, signals), the DOT text (checked by Graphviz's dot when it is
 * installed) and the JSON (checked by python3's json module). */
#include "test.h"
#include "graph.h"
#include "hist.h"

#include <stdlib.h>
#include <unistd.h>

/* One static snapshot and graph: a failed assert leaves their rows
 * reachable from here, not leaked. */
static struct snapshot snap;
static struct graph graph;

#define WRITER 100
#define READER 101
#define OTHER 102

static struct snapshot *fresh_snapshot(void)
{
	graph_free(&graph);
	snapshot_free(&snap);
	memset(&snap, 0, sizeof(snap));
	return &snap;
}

static void add_proc(struct snapshot *s, uint32_t pid, const char *comm)
{
	struct ipc_proc_row *p = snapshot_add(s, procs);

	if (!p)
		abort();
	p->tgid = pid;
	snprintf(p->p.comm, sizeof(p->p.comm), "%s", comm);
}

static struct ipc_obj_key key(uint32_t kind, uint64_t ino)
{
	return (struct ipc_obj_key){ .kind = kind, .dev = kind == IPC_KIND_PIPE ? 13 : 0,
				     .ino = ino };
}

/* calls of ns nanoseconds each (0: not timed, like page faults) */
static void add_ep(struct snapshot *s, struct ipc_obj_key k, uint32_t pid,
		   uint32_t dir, uint64_t calls, uint64_t bytes, uint64_t ns)
{
	struct ipc_ep_row *e = snapshot_add(s, eps);

	if (!e)
		abort();
	e->key.obj = k;
	e->key.tgid = pid;
	e->key.dir = dir;
	e->st.calls = calls;
	e->st.bytes = bytes;
	if (ns) {
		e->st.lat_sum_ns = calls * ns;
		e->st.lat_slots[hist_slot(ns, IPC_HIST_SLOTS)] = calls;
	}
}

static void add_sig(struct snapshot *s, uint32_t sender, uint32_t target,
		    uint32_t sig, uint32_t event, int32_t code, uint64_t count)
{
	struct ipc_sig_row *r = snapshot_add(s, sigs);

	if (!r)
		abort();
	r->key.sender = sender;
	r->key.target = target;
	r->key.sig = sig;
	r->key.event = event;
	r->key.code = code;
	r->count = count;
}

static void add_unix_end(struct snapshot *s, uint64_t ino, uint64_t sk, uint64_t peer)
{
	struct ipc_sock_row *r = snapshot_add(s, socks);

	if (!r)
		abort();
	r->key = key(IPC_KIND_UNIX_STREAM, ino);
	r->info.family = 1;	/* AF_UNIX */
	r->info.sk_id = sk;
	r->info.peer_sk_id = peer;
}

/*
 * 100 writer -> pipe -> 101 reader: 1 MiB in 256 writes of 2 us, 300 reads
 * of 5 us. 100 sends 10 messages into msq 7, 102 receives them; both
 * msgget it. 101 and 102 semop set 9. 100 attaches shm 11 and both fault
 * in it. FIFO "a\"b\nc" (shown "a\"b?c": names are made safe for a terminal,
 * a quote stays for DOT to escape): 100 writes, 101 and 102 read. A Unix socket pair:
 * 101 <-> 102, 3000 bytes one way, 40 back. Futex 0x10 used by 100 alone,
 * 0x20 by 101 and 102. Signals: 100 -> 101 SIGUSR1 5 times, 2 merged;
 * 101 -> 100 SIGCHLD from the kernel.
 */
static struct snapshot *sample(void)
{
	struct snapshot *s = fresh_snapshot();
	struct ipc_obj_key pipe = key(IPC_KIND_PIPE, 500), msq = key(IPC_KIND_SYSV_MSQ, 7);
	struct ipc_obj_key sem = key(IPC_KIND_SYSV_SEM, 9), shm = key(IPC_KIND_SYSV_SHM, 11);
	struct ipc_obj_key fifo = key(IPC_KIND_FIFO, 600), f1 = key(IPC_KIND_FUTEX, 0x10);
	struct ipc_obj_key f2 = key(IPC_KIND_FUTEX, 0x20);
	struct ipc_obj_key ua = key(IPC_KIND_UNIX_STREAM, 700), ub = key(IPC_KIND_UNIX_STREAM, 701);
	struct ipc_info_row *info;

	add_proc(s, WRITER, "writer");
	add_proc(s, READER, "reader");
	add_proc(s, OTHER, "other");
	add_ep(s, pipe, WRITER, IPC_DIR_IN, 256, 1048576, 2000);
	add_ep(s, pipe, READER, IPC_DIR_OUT, 300, 1048576, 5000);
	add_ep(s, msq, WRITER, IPC_DIR_IN, 10, 1280, 3000);
	add_ep(s, msq, WRITER, IPC_DIR_OTHER, 1, 0, 1000);
	add_ep(s, msq, OTHER, IPC_DIR_OUT, 10, 1280, 4000);
	add_ep(s, msq, OTHER, IPC_DIR_OTHER, 1, 0, 1000);
	add_ep(s, sem, READER, IPC_DIR_OTHER, 400, 0, 600);
	add_ep(s, sem, OTHER, IPC_DIR_OTHER, 402, 0, 600);
	add_ep(s, shm, WRITER, IPC_DIR_OTHER, 2, 0, 9000);
	add_ep(s, shm, WRITER, IPC_DIR_FAULT, 256, 0, 0);
	add_ep(s, shm, OTHER, IPC_DIR_FAULT, 256, 0, 0);
	add_ep(s, fifo, WRITER, IPC_DIR_IN, 3, 30, 1000);
	add_ep(s, fifo, READER, IPC_DIR_OUT, 2, 20, 1000);
	add_ep(s, fifo, OTHER, IPC_DIR_OUT, 1, 10, 1000);
	info = snapshot_add(s, infos);
	if (!info)
		abort();
	info->key = fifo;
	info->info.sysv_key = -1;
	snprintf(info->info.name, sizeof(info->info.name), "a\"b\nc");
	add_ep(s, ua, READER, IPC_DIR_IN, 3, 3000, 1000);
	add_ep(s, ua, READER, IPC_DIR_OUT, 1, 40, 1000);
	add_ep(s, ub, OTHER, IPC_DIR_IN, 1, 40, 1000);
	add_ep(s, ub, OTHER, IPC_DIR_OUT, 3, 3000, 1000);
	add_unix_end(s, 700, 0xa0, 0xb0);
	add_unix_end(s, 701, 0xb0, 0xa0);
	add_ep(s, f1, WRITER, IPC_DIR_OTHER, 1, 0, 100);
	add_ep(s, f2, READER, IPC_DIR_OTHER, 5, 0, 100);
	add_ep(s, f2, OTHER, IPC_DIR_OTHER, 5, 0, 100);
	add_sig(s, WRITER, READER, 10, IPC_SIG_DELIVERED, 0, 3);
	add_sig(s, WRITER, READER, 10, IPC_SIG_ALREADY_PENDING, 0, 2);
	add_sig(s, 0, READER, 10, IPC_SIG_HANDLED, 0, 3);
	add_sig(s, READER, WRITER, 17, IPC_SIG_DELIVERED, 0x80, 1);
	snapshot_finish(s);
	return s;
}

static const struct graph_node *node_of(const struct graph *g, size_t i)
{
	return i < g->nnodes ? &g->nodes[i] : NULL;
}

/* The one edge of a type between two nodes, by pid (or -1: the object
 * named name). */
static const struct graph_edge *find_edge(const struct graph *g, enum graph_edge_type t,
					  int64_t from, int64_t to, const char *name)
{
	const struct graph_edge *found = NULL;

	for (size_t i = 0; i < g->nedges; i++) {
		const struct graph_edge *e = &g->edges[i];
		const struct graph_node *f = node_of(g, e->from), *d = node_of(g, e->to);
		bool fm = from < 0 ? f->type == GRAPH_NODE_OBJECT && !strcmp(f->name, name) :
				     f->type == GRAPH_NODE_PROCESS && f->pid == from;
		bool tm = to < 0 ? d->type == GRAPH_NODE_OBJECT && !strcmp(d->name, name) :
				   d->type == GRAPH_NODE_PROCESS && d->pid == to;

		if (e->type == t && fm && tm) {
			if (found)
				return NULL;	/* not the one */
			found = e;
		}
	}
	return found;
}

TEST(graph_format_by_extension)
{
	ASSERT_EQ_I64(graph_format_of("g.dot"), GRAPH_FORMAT_DOT);
	ASSERT_EQ_I64(graph_format_of("/tmp/x/g.gv"), GRAPH_FORMAT_DOT);
	ASSERT_EQ_I64(graph_format_of("g.JSON"), GRAPH_FORMAT_JSON);
	ASSERT_EQ_I64(graph_format_of("a.b.svg"), GRAPH_FORMAT_SVG);
	ASSERT_EQ_I64(graph_format_of("g.png"), GRAPH_FORMAT_PNG);
	ASSERT_EQ_I64(graph_format_of("g.txt"), GRAPH_FORMAT_NONE);
	ASSERT_EQ_I64(graph_format_of("g"), GRAPH_FORMAT_NONE);
	ASSERT_EQ_I64(graph_format_of(".dot"), GRAPH_FORMAT_NONE);
	ASSERT_EQ_I64(graph_format_of("/tmp/.svg"), GRAPH_FORMAT_NONE);
	ASSERT_EQ_I64(graph_format_of("dir.svg/g"), GRAPH_FORMAT_NONE);
	ASSERT_EQ_I64(graph_format_of("g.svgz"), GRAPH_FORMAT_NONE);
	ASSERT_EQ_I64(graph_format_of(""), GRAPH_FORMAT_NONE);
	ASSERT_STREQ(graph_render_type(GRAPH_FORMAT_SVG), "svg");
	ASSERT_STREQ(graph_render_type(GRAPH_FORMAT_PNG), "png");
	ASSERT_TRUE(graph_render_type(GRAPH_FORMAT_DOT) == NULL);
	ASSERT_TRUE(graph_render_type(GRAPH_FORMAT_JSON) == NULL);
}

TEST(graph_dot_escape_quotes_newlines_and_bytes)
{
	FILE *f = test_capture();

	graph_dot_escape(f, "say \"hi\"\nback\\slash\ttab\x01 caf\xc3\xa9 bad\xff!");
	ASSERT_STREQ(test_capture_text(f),
		     "say \\\"hi\\\"\\nback\\\\slash?tab? caf\xc3\xa9 bad?!");
}

TEST(graph_nodes_processes_then_objects)
{
	const struct snapshot *s = sample();

	ASSERT_EQ_I64(graph_build(&graph, s), 0);
	/* 3 processes, then the objects that are nodes, busiest first; the
	 * pipe and the socket pair are edges; futex 0x10 is left out */
	ASSERT_EQ_U64(graph.nnodes, 3 + 5);
	ASSERT_EQ_U64(graph.private_futexes, 1);
	for (size_t i = 0; i < 3; i++) {
		ASSERT_EQ_I64(graph.nodes[i].type, GRAPH_NODE_PROCESS);
		ASSERT_TRUE(graph.nodes[i].traced);
	}
	ASSERT_EQ_U64(graph.nodes[0].pid, WRITER);
	ASSERT_STREQ(graph.nodes[0].comm, "writer");
	ASSERT_EQ_U64(graph.nodes[2].pid, OTHER);
	/* objects in the snapshot's order: by bytes, then by operations
	 * and faults (sem 802, shm 514), then by kind */
	ASSERT_STREQ(graph.nodes[3].name, "msq:7");
	ASSERT_STREQ(graph.nodes[4].name, "fifo:a\"b?c");
	ASSERT_STREQ(graph.nodes[5].name, "sem:9");
	ASSERT_STREQ(graph.nodes[6].name, "shm:11");
	ASSERT_STREQ(graph.nodes[7].name, "futex:0x20");
	for (size_t i = 3; i < graph.nnodes; i++)
		ASSERT_EQ_I64(graph.nodes[i].type, GRAPH_NODE_OBJECT);
}

TEST(graph_edges_from_a_snapshot)
{
	const struct snapshot *s = sample();
	const struct graph_edge *e;

	ASSERT_EQ_I64(graph_build(&graph, s), 0);
	/* the pipe: one writer, one reader: process to process */
	e = find_edge(&graph, GRAPH_EDGE_CHANNEL, WRITER, READER, NULL);
	ASSERT_TRUE(e != NULL);
	ASSERT_EQ_U64(e->kind, IPC_KIND_PIPE);
	ASSERT_EQ_U64(e->via->ino, 500);
	ASSERT_EQ_U64(e->sent->st.bytes, 1048576);
	ASSERT_EQ_U64(e->sent->st.calls, 256);
	ASSERT_EQ_U64(e->received->st.calls, 300);
	ASSERT_EQ_U64(graph_edge_bytes(e), 1048576);
	/* the socket pair both ways, each edge through its sender's end */
	e = find_edge(&graph, GRAPH_EDGE_CHANNEL, READER, OTHER, NULL);
	ASSERT_TRUE(e != NULL);
	ASSERT_EQ_U64(e->via->ino, 700);
	ASSERT_EQ_U64(e->sent->st.bytes, 3000);
	ASSERT_EQ_U64(e->received->st.bytes, 3000);
	e = find_edge(&graph, GRAPH_EDGE_CHANNEL, OTHER, READER, NULL);
	ASSERT_TRUE(e != NULL);
	ASSERT_EQ_U64(e->via->ino, 701);
	ASSERT_EQ_U64(graph_edge_bytes(e), 40);
	/* the queue: in from the writer, out to the other; msgget is a use */
	e = find_edge(&graph, GRAPH_EDGE_SEND, WRITER, -1, "msq:7");
	ASSERT_TRUE(e != NULL && e->sent->st.bytes == 1280 && !e->received);
	e = find_edge(&graph, GRAPH_EDGE_RECEIVE, -1, OTHER, "msq:7");
	ASSERT_TRUE(e != NULL && e->received->st.calls == 10 && !e->sent);
	e = find_edge(&graph, GRAPH_EDGE_USE, WRITER, -1, "msq:7");
	ASSERT_TRUE(e != NULL && e->ops->st.calls == 1 && e->with_data && !e->faults);
	/* the FIFO: a node, since two processes read it */
	ASSERT_TRUE(find_edge(&graph, GRAPH_EDGE_SEND, WRITER, -1, "fifo:a\"b?c") != NULL);
	ASSERT_TRUE(find_edge(&graph, GRAPH_EDGE_RECEIVE, -1, READER, "fifo:a\"b?c") != NULL);
	ASSERT_TRUE(find_edge(&graph, GRAPH_EDGE_RECEIVE, -1, OTHER, "fifo:a\"b?c") != NULL);
	/* shared memory: the writer's shmat and faults on one edge */
	e = find_edge(&graph, GRAPH_EDGE_USE, WRITER, -1, "shm:11");
	ASSERT_TRUE(e != NULL);
	ASSERT_EQ_U64(e->ops->st.calls, 2);
	ASSERT_EQ_U64(e->faults->st.calls, 256);
	ASSERT_TRUE(!e->with_data);
	e = find_edge(&graph, GRAPH_EDGE_USE, OTHER, -1, "shm:11");
	ASSERT_TRUE(e != NULL && !e->ops && e->faults->st.calls == 256);
	ASSERT_TRUE(find_edge(&graph, GRAPH_EDGE_USE, READER, -1, "sem:9") != NULL);
	ASSERT_TRUE(find_edge(&graph, GRAPH_EDGE_USE, OTHER, -1, "futex:0x20") != NULL);
	/* signals: one edge per sender, target and signal; deliveries are not edges */
	e = find_edge(&graph, GRAPH_EDGE_SIGNAL, WRITER, READER, NULL);
	ASSERT_TRUE(e != NULL);
	ASSERT_EQ_U64(e->sig, 10);
	ASSERT_EQ_U64(e->sig_results[GRAPH_SIG_QUEUED], 3);
	ASSERT_EQ_U64(e->sig_results[GRAPH_SIG_MERGED], 2);
	e = find_edge(&graph, GRAPH_EDGE_SIGNAL, READER, WRITER, NULL);
	ASSERT_TRUE(e != NULL && e->sig == 17 && e->sig_code == 0x80);
	/* 3 channels; msq: send, receive, 2 uses; fifo: send, 2 receives;
	 * 2 uses each of shm, sem and the shared futex; 2 signals */
	ASSERT_EQ_U64(graph.nedges, 18);
	/* busiest first within a type: the pipe before the socket */
	ASSERT_EQ_I64(graph.edges[0].type, GRAPH_EDGE_CHANNEL);
	ASSERT_EQ_U64(graph_edge_bytes(&graph.edges[0]), 1048576);
}

/* A pipe with two writers cannot say who sent to whom: it is a node. */
TEST(graph_pipe_with_two_writers_is_a_node)
{
	struct snapshot *s = fresh_snapshot();
	struct ipc_obj_key pipe = key(IPC_KIND_PIPE, 42);

	add_proc(s, WRITER, "w1");
	add_proc(s, OTHER, "w2");
	add_ep(s, pipe, WRITER, IPC_DIR_IN, 1, 10, 100);
	add_ep(s, pipe, OTHER, IPC_DIR_IN, 1, 10, 100);
	add_ep(s, pipe, READER, IPC_DIR_OUT, 2, 20, 100);
	snapshot_finish(s);
	ASSERT_EQ_I64(graph_build(&graph, s), 0);
	ASSERT_EQ_U64(graph.nnodes, 4);
	ASSERT_STREQ(graph.nodes[3].name, "pipe:[42]");
	/* the reader was not in the snapshot's processes */
	ASSERT_EQ_U64(graph.nodes[1].pid, READER);
	ASSERT_TRUE(!graph.nodes[1].traced);
	ASSERT_STREQ(graph.nodes[1].comm, "?");
	ASSERT_EQ_U64(graph.nedges, 3);
	ASSERT_TRUE(find_edge(&graph, GRAPH_EDGE_RECEIVE, -1, READER, "pipe:[42]") != NULL);
}

TEST(graph_empty_snapshot)
{
	FILE *f = test_capture();

	ASSERT_EQ_I64(graph_build(&graph, fresh_snapshot()), 0);
	ASSERT_EQ_U64(graph.nnodes, 0);
	ASSERT_EQ_U64(graph.nedges, 0);
	ASSERT_EQ_I64(graph_write_json(f, &graph, &snap), 0);
	ASSERT_STREQ(test_capture_text(f),
		     "{\n  \"schema_version\": 1,\n  \"nodes\": [],\n  \"edges\": [],\n"
		     "  \"private_futexes_left_out\": 0\n}\n");
}

TEST(graph_dot_text)
{
	FILE *f = test_capture();
	const char *dot;

	ASSERT_EQ_I64(graph_build(&graph, sample()), 0);
	ASSERT_EQ_I64(graph_write_dot(f, &graph, &snap, "ipcscope record -- \"x\""), 0);
	dot = test_capture_text(f);
	ASSERT_TRUE(!strncmp(dot, "digraph ipcscope {\n", 19));
	ASSERT_TRUE(strstr(dot, "label=\"ipcscope record -- \\\"x\\\"\\nellipses") != NULL);
	ASSERT_TRUE(strstr(dot, "\t\"p100\" [shape=ellipse, style=filled, fillcolor=\"#dbe8f8\", "
			   "color=\"#3b6ea5\", label=\"writer\\npid 100\"];\n") != NULL);
	/* the FIFO's name: the quote escaped, the newline a line break */
	ASSERT_TRUE(strstr(dot, "label=\"fifo:a\\\"b?c\\nFIFO (named pipe)\"") != NULL);
	ASSERT_TRUE(strstr(dot, "label=\"msq:7\\nSysV message queue\"") != NULL);
	/* the pipe: 1 MiB, the writes and reads with their latency */
	ASSERT_TRUE(strstr(dot, "\t\"p100\" -> \"p101\" [color=\"#1f77b4\", fontcolor=\"#1f77b4\", "
			   "penwidth=4.5, label=\"pipe: 1.0 MiB\\n256 writes, avg 2.0 us, p99 <=2.0 us"
			   "\\n300 reads, avg 5.0 us, p99 <=8.2 us\", tooltip=\"writer 100 -> reader 101 "
			   "via pipe:[500]: 1048576 bytes in 256 writes; 1048576 bytes in 300 reads\"];\n")
		    != NULL);
	ASSERT_TRUE(strstr(dot, "label=\"SIGUSR1 x5\\n2 merged (lost)\"") != NULL);
	ASSERT_TRUE(strstr(dot, "label=\"2 ops, avg 9.0 us, p99 <=16.4 us\\n256 page faults\"") != NULL);
	/* msgget beside msgsnd is not drawn; the futex used alone is a comment */
	ASSERT_TRUE(strstr(dot, "label=\"1 op,") == NULL);
	ASSERT_TRUE(strstr(dot, "\t// 1 futex words used by one process only are left out\n") != NULL);
	ASSERT_TRUE(!strcmp(dot + strlen(dot) - 2, "}\n"));
}

/* Graphviz's own parser, when it is installed (make test installs it). */
TEST(graph_dot_parses_with_graphviz)
{
	FILE *f = test_capture();
	char path[64], cmd[160];
	int status;

	if (!test_have("dot")) {
		printf("note: no Graphviz dot, DOT parse check skipped\n");
		return;
	}
	ASSERT_EQ_I64(graph_build(&graph, sample()), 0);
	ASSERT_EQ_I64(graph_write_dot(f, &graph, &snap, "t\"i\\tle\nx"), 0);
	ASSERT_TRUE(test_write_temp(path, sizeof(path), test_capture_text(f)));
	snprintf(cmd, sizeof(cmd), "dot -Tsvg -o /dev/null %s", path);
	fflush(NULL);
	status = system(cmd);
	unlink(path);
	ASSERT_EQ_I64(status, 0);
}

static const char graph_py[] =
"import json, sys\n"
"d = json.load(open(sys.argv[1]))\n"
"ids = [n['id'] for n in d['nodes']]\n"
"assert len(ids) == len(set(ids)), 'node ids repeat'\n"
"for e in d['edges']:\n"
"    assert e['from'] in ids and e['to'] in ids, e\n"
"print(d['schema_version'], d['private_futexes_left_out'], len(d['nodes']), len(d['edges']))\n"
"print([(n['id'], n['type'], n.get('comm'), n.get('name')) for n in d['nodes'][:4]])\n"
"e = d['edges'][0]\n"
"print(e['type'], e['from'], e['to'], e['mechanism'], e['kind'], e['via'], e['bytes'])\n"
"for side in ('sent', 'received'):\n"
"    s = e[side]\n"
"    print(side, s['pid'], s['calls'], s['bytes'], s['latency']['sum_ns'],\n"
"          s['latency']['p99_ns_le'], len(s['latency']['log2_ns']))\n"
"u = [e for e in d['edges'] if e['type'] == 'use' and e['page_faults']]\n"
"print([(e['from'], e['to'], e['ops'] and e['ops']['calls'], e['page_faults']) for e in u])\n"
"s = [e for e in d['edges'] if e['type'] == 'signal']\n"
"print([(e['from'], e['to'], e['signame'], e['how'], e['generated'], e['queued'],\n"
"        e['already_pending'], e['ignored'], e['other']) for e in s])\n";

TEST(graph_json_parses_with_python_and_has_the_figures)
{
	FILE *f = test_capture();
	const char *out, *why;

	if (!test_have("python3")) {
		printf("note: no python3, JSON parse check skipped\n");
		return;
	}
	ASSERT_EQ_I64(graph_build(&graph, sample()), 0);
	ASSERT_EQ_I64(graph_write_json(f, &graph, &snap), 0);
	out = test_python_on_json(graph_py, test_capture_text(f), &why);
	if (!out)
		test_fail(__FILE__, __LINE__, "%s; the JSON:\n%s", why, test_capture_text(f));
	ASSERT_TRUE(out != NULL);
	ASSERT_STREQ(out,
		"1 1 8 18\n"
		"[('p100', 'process', 'writer', None), ('p101', 'process', 'reader', None), "
		"('p102', 'process', 'other', None), ('o3', 'object', None, 'msq:7')]\n"
		"channel p100 p101 pipe anon pipe:[500] 1048576\n"
		"sent 100 256 1048576 512000 2047 11\n"
		"received 101 300 1048576 1500000 8191 13\n"
		"[('p100', 'o6', 2, 256), ('p102', 'o6', None, 256)]\n"
		"[('p100', 'p101', 'SIGUSR1', 'kill', 5, 3, 2, 0, 0), "
		"('p101', 'p100', 'SIGCHLD', 'kernel', 1, 1, 0, 0, 0)]\n");
}

/*
 * Pid 50 reused: "first" (started at 1000 ns) wrote 100 bytes into pipe 1,
 * exited; "second" (started at 2000 ns) wrote 200 into pipe 2. Parent 40
 * read both and got a SIGCHLD from each. Two nodes, two channels, two
 * signal edges: nothing of one process is the other's.
 */
static struct snapshot *reused_pid(void)
{
	struct snapshot *s = fresh_snapshot();
	struct ipc_obj_key p1 = key(IPC_KIND_PIPE, 1), p2 = key(IPC_KIND_PIPE, 2);
	struct ipc_proc_row *r;

	add_proc(s, 40, "parent");
	add_proc(s, 50, "second");
	add_proc(s, 50, "first");
	s->procs[1].start = 2000;
	s->procs[2].start = 1000;
	add_ep(s, p1, 50, IPC_DIR_IN, 1, 100, 1000);
	s->eps[s->neps - 1].key.start = 1000;
	add_ep(s, p1, 40, IPC_DIR_OUT, 2, 100, 1000);
	add_ep(s, p2, 50, IPC_DIR_IN, 1, 200, 1000);
	s->eps[s->neps - 1].key.start = 2000;
	add_ep(s, p2, 40, IPC_DIR_OUT, 2, 200, 1000);
	add_sig(s, 50, 40, 17, IPC_SIG_IGNORED, 1, 1);
	s->sigs[s->nsigs - 1].key.sender_start = 2000;
	add_sig(s, 50, 40, 17, IPC_SIG_IGNORED, 1, 1);
	s->sigs[s->nsigs - 1].key.sender_start = 1000;
	r = snapshot_add(s, procs);	/* a pid of its own: no number */
	if (!r)
		abort();
	r->tgid = 60;
	snapshot_finish(s);
	return s;
}

TEST(graph_reused_pid_is_two_nodes)
{
	const struct snapshot *s = reused_pid();

	ASSERT_EQ_I64(graph_build(&graph, s), 0);
	ASSERT_EQ_U64(graph.nnodes, 3);		/* 60 has no edge */
	ASSERT_EQ_U64(graph.nodes[0].pid, 40);
	ASSERT_EQ_U64(graph.nodes[0].seq, 0);
	ASSERT_EQ_U64(graph.nodes[1].pid, 50);
	ASSERT_EQ_U64(graph.nodes[1].start, 1000);
	ASSERT_EQ_U64(graph.nodes[1].seq, 1);
	ASSERT_STREQ(graph.nodes[1].comm, "first");
	ASSERT_EQ_U64(graph.nodes[2].start, 2000);
	ASSERT_EQ_U64(graph.nodes[2].seq, 2);
	ASSERT_STREQ(graph.nodes[2].comm, "second");
	ASSERT_EQ_U64(graph.nedges, 4);
	for (size_t i = 0; i < graph.nedges; i++) {
		const struct graph_edge *e = &graph.edges[i];
		const struct graph_node *from = &graph.nodes[e->from];

		ASSERT_EQ_U64(e->to, 0);
		if (e->type == GRAPH_EDGE_CHANNEL) {
			ASSERT_EQ_U64(e->sent->key.start, from->start);
			ASSERT_EQ_U64(e->sent->st.bytes, from->start == 1000 ? 100 : 200);
		} else {
			ASSERT_EQ_I64(e->type, GRAPH_EDGE_SIGNAL);
			ASSERT_EQ_U64(e->sig_results[GRAPH_SIG_IGNORED], 1);
		}
	}
}

TEST(graph_reused_pid_ids_in_dot_and_json)
{
	FILE *dot = test_capture(), *json = test_capture();
	const char *d, *j;

	ASSERT_EQ_I64(graph_build(&graph, reused_pid()), 0);
	ASSERT_EQ_I64(graph_write_dot(dot, &graph, &snap, NULL), 0);
	ASSERT_EQ_I64(graph_write_json(json, &graph, &snap), 0);
	d = test_capture_text(dot);
	j = test_capture_text(json);
	ASSERT_TRUE(strstr(d, "\t\"p50.1\" [shape=ellipse, style=filled, fillcolor=\"#dbe8f8\", "
			   "color=\"#3b6ea5\", label=\"first\\npid 50.1 (pid reused)\"];\n") != NULL);
	ASSERT_TRUE(strstr(d, "label=\"second\\npid 50.2 (pid reused)\"") != NULL);
	ASSERT_TRUE(strstr(d, "\t\"p40\" [") != NULL);
	ASSERT_TRUE(strstr(d, "\t\"p50.2\" -> \"p40\" [color=") != NULL);
	ASSERT_TRUE(strstr(d, "tooltip=\"first 50.1 -> parent 40 via pipe:[1]") != NULL);
	ASSERT_TRUE(strstr(j, "\"id\": \"p50.1\",\n      \"type\": \"process\",\n"
			   "      \"pid\": 50,\n      \"start_ns\": 1000,\n") != NULL);
	ASSERT_TRUE(strstr(j, "\"id\": \"p50.2\"") != NULL);
	ASSERT_TRUE(strstr(j, "\"from\": \"p50.2\"") != NULL);
	ASSERT_TRUE(strstr(j, "\"id\": \"p50\"") == NULL);
}

/* A C1 control (U+0080-U+009F) is well-formed UTF-8 that a terminal acts
 * on (cat talk.dot): '?' in DOT as in the text outputs (found by fuzzing) */
TEST(graph_dot_escape_c1_controls)
{
	FILE *f = test_capture();

	graph_dot_escape(f, "a\xc2\x9b" "31mb\xc2\xa0" "c");
	ASSERT_STREQ(test_capture_text(f), "a??31mb\xc2\xa0" "c");	/* a ? per byte */
}
