// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* test_cgroup.c - unit tests for user/cgroup.c: what a cgroup's path says
 * (containers of each runtime, systemd units, hostile names), the walk
 * that names cgroup ids (on a directory tree standing for the cgroup2
 * mount: a directory's inode number is its id), and the processes'
 * cgroups in the text report (--by cgroup), the JSON and the graph. */
#include "test.h"
#include "cgroup.h"
#include "graph.h"
#include "report.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

#define DESCRIBE(path, want, d) ASSERT_EQ_I64(cgroup_describe(path, d), want)

TEST(cgroup_describe_containers)
{
	struct cgroup_desc d;

	DESCRIBE("/system.slice/docker-" HEX64 ".scope", true, &d);
	ASSERT_STREQ(d.runtime, "docker");
	ASSERT_STREQ(d.id, HEX64);
	ASSERT_STREQ(d.unit, "docker-" HEX64 ".scope");
	DESCRIBE("/docker/" HEX64, true, &d);
	ASSERT_STREQ(d.runtime, "docker");
	ASSERT_STREQ(d.unit, "");
	DESCRIBE("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234.slice/"
		     "cri-containerd-" HEX64 ".scope", true, &d);
	ASSERT_STREQ(d.runtime, "containerd");
	ASSERT_STREQ(d.id, HEX64);
	DESCRIBE("/kubepods/burstable/pod1234/" HEX64, true, &d);
	ASSERT_STREQ(d.runtime, "kubernetes");
	DESCRIBE("/kubepods.slice/crio-" HEX64 ".scope", true, &d);
	ASSERT_STREQ(d.runtime, "cri-o");
	/* podman's inner cgroup: the container is the scope above it */
	DESCRIBE("/machine.slice/libpod-" HEX64 ".scope/container", true, &d);
	ASSERT_STREQ(d.runtime, "podman");
	ASSERT_STREQ(d.unit, "libpod-" HEX64 ".scope");
}

TEST(cgroup_describe_units_and_the_rest)
{
	struct cgroup_desc d;

	DESCRIBE("/system.slice/cron.service", true, &d);
	ASSERT_STREQ(d.unit, "cron.service");
	ASSERT_STREQ(d.runtime, "");
	DESCRIBE("/user.slice/user-1000.slice/session-3.scope", true, &d);
	ASSERT_STREQ(d.unit, "session-3.scope");
	DESCRIBE("/", false, &d);
	DESCRIBE("", false, &d);
	DESCRIBE("/ipcscope-test", false, &d);
	/* not a container: an id one digit short, upper case, no scope */
	DESCRIBE("/docker/" HEX64 "0", false, &d);
	DESCRIBE("/other/" HEX64, false, &d);
	DESCRIBE("/system.slice/docker-0123.scope", true, &d);
	ASSERT_STREQ(d.runtime, "");
	/* a unit name longer than the field: cut, never overrun */
	{
		char path[400];

		memset(path, 'x', 300);
		strcpy(path + 300, ".service");
		path[0] = '/';
		DESCRIBE(path, true, &d);
		ASSERT_EQ_U64(strlen(d.unit), sizeof(d.unit) - 1);
	}
}

/* A tree standing for the cgroup2 mount: root/a, root/a/b; ids by stat */
static char root[64];

static uint64_t make_tree(void)
{
	char path[256];

	snprintf(root, sizeof(root), "/tmp/ipcscope-unit-cg-XXXXXX");
	if (!mkdtemp(root))
		abort();
	snprintf(path, sizeof(path), "%s/a", root);
	if (mkdir(path, 0700))
		abort();
	snprintf(path, sizeof(path), "%s/a/docker-" HEX64 ".scope", root);
	if (mkdir(path, 0700))
		abort();
	return 0;
}

static uint64_t id_of(const char *rel)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	if (stat(path, &st))
		abort();
	return st.st_ino;
}

static void remove_tree(void)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/a/docker-" HEX64 ".scope", root);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/a", root);
	rmdir(path);
	rmdir(root);
}

TEST(cgroup_names_load_walks_the_tree)
{
	struct cgroup_names cn;

	make_tree();
	ASSERT_EQ_I64(cgroup_names_load(&cn, root), 0);
	ASSERT_EQ_U64(cn.n, 3);
	ASSERT_TRUE(!cn.truncated);
	ASSERT_STREQ(cgroup_names_find(&cn, id_of("")), "/");
	ASSERT_STREQ(cgroup_names_find(&cn, id_of("/a")), "/a");
	ASSERT_STREQ(cgroup_names_find(&cn, id_of("/a/docker-" HEX64 ".scope")),
		     "/a/docker-" HEX64 ".scope");
	ASSERT_TRUE(cgroup_names_find(&cn, 0) == NULL);
	cgroup_names_free(&cn);
	ASSERT_EQ_I64(cgroup_names_load(&cn, "/nonexistent/cgroup"), -ENOENT);
	ASSERT_EQ_U64(cn.n, 0);
	ASSERT_TRUE(cgroup_names_find(&cn, 1) == NULL);
	remove_tree();
}

static struct snapshot snap;
static struct graph graph;

#define IN_A	200
#define IN_C	201
#define GONE	202

/* Three processes: one in /a, one in the container below it, one whose
 * cgroup is gone; the first writes a pipe the second reads */
static struct snapshot *cgroup_snapshot(void)
{
	struct ipc_obj_key k = { .kind = IPC_KIND_PIPE, .dev = 13, .ino = 77 };
	const uint32_t pids[] = { IN_A, IN_C, GONE };
	const char *comms[] = { "writer", "reader", "gone" };

	graph_free(&graph);
	snapshot_free(&snap);
	make_tree();
	for (int i = 0; i < 3; i++) {
		struct ipc_proc_row *p = snapshot_add(&snap, procs);

		if (!p)
			abort();
		p->tgid = pids[i];
		snprintf(p->p.comm, sizeof(p->p.comm), "%s", comms[i]);
		p->p.cgroup_id = i == 0 ? id_of("/a") :
				 i == 1 ? id_of("/a/docker-" HEX64 ".scope") : 999999999;
	}
	for (int i = 0; i < 2; i++) {
		struct ipc_ep_row *e = snapshot_add(&snap, eps);
		struct ipc_op_stats *st = &snap.ops[IPC_OP_SLOT(IPC_KIND_PIPE,
				i ? IPC_OP_READ : IPC_OP_WRITE)];

		if (!e)
			abort();
		e->key.obj = k;
		e->key.tgid = pids[i];
		e->key.dir = i ? IPC_DIR_OUT : IPC_DIR_IN;
		e->st.calls = 1;
		e->st.bytes = 10;
		st->calls = 1;
		st->bytes = 10;
	}
	if (snapshot_finish(&snap) || snapshot_name_cgroups(&snap, root))
		abort();
	remove_tree();	/* named already: the report needs the tree no more */
	return &snap;
}

TEST(cgroup_report_text_by_cgroup)
{
	struct run_info ri = { .version = "0", .kernel_release = "k", .all = true,
			       .by_cgroup = true };
	struct snapshot *s = cgroup_snapshot();
	FILE *f = test_capture();
	const char *t;

	report_text(f, &ri, s);
	t = strstr(test_capture_text(f), "PROCESSES BY CGROUP\n");
	ASSERT_TRUE(t != NULL);
	/* by path, the unnamed last; each heading above its processes */
	ASSERT_TRUE(strstr(t, "  cgroup /a\n") != NULL);
	ASSERT_TRUE(strstr(t, "  cgroup /a/docker-" HEX64 ".scope (docker container "
			   "0123456789ab)\n") != NULL);
	ASSERT_TRUE(strstr(t, "  cgroup id 999999999 (not found: removed since, or no "
			   "cgroup2)\n") != NULL);
	ASSERT_TRUE(strstr(t, "  cgroup /a\n") < strstr(t, " writer "));
	ASSERT_TRUE(strstr(t, " writer ") < strstr(t, "  cgroup /a/docker-"));
	ASSERT_TRUE(strstr(t, "  cgroup /a/docker-") < strstr(t, " reader "));
	ASSERT_TRUE(strstr(t, " reader ") < strstr(t, "  cgroup id 999999999"));
	ASSERT_TRUE(strstr(t, "  cgroup id 999999999") < strstr(t, " gone "));
	/* without --by: no headings */
	ri.by_cgroup = false;
	f = test_capture();
	report_text(f, &ri, s);
	ASSERT_TRUE(strstr(test_capture_text(f), "  cgroup ") == NULL);
}

TEST(cgroup_report_json_per_process)
{
	struct run_info ri = { .version = "0", .kernel_release = "k", .all = true };
	struct snapshot *s = cgroup_snapshot();
	FILE *f = test_capture();
	const char *out, *why = NULL;

	ASSERT_EQ_I64(report_json(f, &ri, s), 0);
	out = test_python_on_json(
		"import json, sys\n"
		"d = json.load(open(sys.argv[1]))\n"
		"for p in d['processes']:\n"
		"    c = p['container']\n"
		"    print(p['comm'], p['cgroup'], p['cgroup_id'] > 0,\n"
		"          c and (c['runtime'], c['id'][:4]), p['unit'])\n",
		test_capture_text(f), &why);
	ASSERT_TRUE(out != NULL);
	ASSERT_STREQ(out, "writer /a True None None\n"
			  "reader /a/docker-" HEX64 ".scope True ('docker', '0123') docker-"
			  HEX64 ".scope\n"
			  "gone None True None None\n");
}

TEST(cgroup_graph_clusters_and_json)
{
	struct snapshot *s = cgroup_snapshot();
	FILE *f = test_capture();
	const char *t, *out, *why = NULL;

	ASSERT_EQ_I64(graph_build(&graph, s), 0);
	ASSERT_EQ_I64(graph_write_dot(f, &graph, s, NULL), 0);
	t = test_capture_text(f);
	/* two cgroups among the graph's processes: a box each */
	ASSERT_TRUE(strstr(t, "subgraph \"cluster_cgroup_0\" {\n\tlabel=\"/a\";") != NULL);
	ASSERT_TRUE(strstr(t, "subgraph \"cluster_cgroup_1\" {\n\tlabel=\"/a/docker-") != NULL);
	ASSERT_TRUE(strstr(t, "cluster_cgroup_2") == NULL);
	f = test_capture();
	ASSERT_EQ_I64(graph_write_json(f, &graph, s), 0);
	out = test_python_on_json(
		"import json, sys\n"
		"d = json.load(open(sys.argv[1]))\n"
		"print(sorted((n['comm'], n['cgroup']) for n in d['nodes'] if n['type'] == 'process'))\n",
		test_capture_text(f), &why);
	ASSERT_TRUE(out != NULL);
	ASSERT_STREQ(out, "[('reader', '/a/docker-" HEX64 ".scope'), ('writer', '/a')]\n");
}
