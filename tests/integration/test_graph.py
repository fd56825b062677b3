# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""`record --graph`: who talks to whom, checked against what was done.

Every byte count on an edge must equal the workload's own count (or, for
the shell pipeline, what `head -c` was asked to write), with both ends
named right. DOT output must parse with Graphviz's dot: make test installs
it; without it these checks skip, except in CI (CI=true), where they fail.
"""
import os
import shutil
import subprocess

from harness import (Skip, eq, in_ci, one_error_line, read_json, record, run_ipcscope,
                     tmp, workload)

PIPELINE_BYTES = 50 * 1024 * 1024       # head -c 50M


def need_dot():
    """Graphviz's dot, or a skip (a failure in CI, where make test installs it)."""
    dot = shutil.which("dot")
    if dot:
        return dot
    if in_ci():
        raise AssertionError("Graphviz's dot is not installed (make test installs graphviz)")
    raise Skip("Graphviz's dot is not installed (apt-get install graphviz)")


def record_graph(command, ext="json"):
    """Run command under ipcscope with --graph; return (record, graph path)."""
    path = tmp(f"graph.{ext}")
    rec = record(["--no-hist", "--graph", path], command)
    eq(rec.returncode, 0, f"ipcscope exit status (stderr: {rec.stderr.strip()})")
    assert os.path.getsize(path) > 0, f"{path} is empty"
    return rec, path


def nodes_by_id(g):
    ids = [n["id"] for n in g["nodes"]]
    eq(len(ids), len(set(ids)), "distinct node ids")
    for e in g["edges"]:
        assert e["from"] in ids and e["to"] in ids, f"edge to an unknown node: {e}"
    return {n["id"]: n for n in g["nodes"]}


def process_id(g, pid):
    found = [n["id"] for n in g["nodes"] if n["type"] == "process" and n["pid"] == pid]
    eq(len(found), 1, f"nodes for process {pid}")
    return found[0]


def data_edges(g):
    return [e for e in g["edges"] if e["type"] in ("channel", "send", "receive")]


def test_shell_pipeline_edge_is_head_to_cat():
    rec, path = record_graph(["sh", "-c", "head -c 50M /dev/zero | cat > /dev/null"])
    g = read_json(path)
    nodes = nodes_by_id(g)
    # the edges that carry the pipeline's bytes: exactly one, head -> cat
    carrying = [e for e in data_edges(g) if e["bytes"] == PIPELINE_BYTES]
    eq(len(carrying), 1, f"edges carrying {PIPELINE_BYTES} bytes")
    e = carrying[0]
    eq((e["type"], e["mechanism"], e["kind"]), ("channel", "pipe", "anon"), "edge type")
    src, dst = nodes[e["from"]], nodes[e["to"]]
    eq((src["type"], src["comm"]), ("process", "head"), "the edge's writer")
    eq((dst["type"], dst["comm"]), ("process", "cat"), "the edge's reader")
    eq(e["sent"]["pid"], src["pid"], "the sending side is the writer")
    eq(e["received"]["pid"], dst["pid"], "the receiving side is the reader")
    eq(e["sent"]["bytes"], PIPELINE_BYTES, "bytes head wrote")
    eq(e["received"]["bytes"], PIPELINE_BYTES, "bytes cat read")
    # the same pipe and processes as the report's
    pipes = [o for o in rec.objects(mech="pipe") if o["bytes_in"]]
    eq(len(pipes), 1, "pipes with data in the report")
    p = pipes[0]
    eq(e["via"], p["name"], "the edge's pipe")
    eq([(w["pid"], w["comm"], w["calls"]) for w in p["writers"]],
       [(src["pid"], "head", e["sent"]["calls"])], "the pipe's writer")
    eq([(r["pid"], r["comm"], r["calls"]) for r in p["readers"]],
       [(dst["pid"], "cat", e["received"]["calls"])], "the pipe's reader")
    # latency: one sample per call, the sum within the histogram's slots
    for side in ("sent", "received"):
        lat = e[side]["latency"]
        eq(sum(lat["log2_ns"]), e[side]["calls"], f"{side} latency samples")
        assert lat["p99_ns_le"] is not None and lat["sum_ns"] > 0, f"{side} latency {lat}"
    # nothing else carries data: the other edges are SIGCHLD to sh
    others = [x for x in data_edges(g) if x is not e]
    eq([(x["type"], x["bytes"]) for x in others], [], "other data edges")
    eq(sorted((nodes[x["from"]]["comm"], nodes[x["to"]]["comm"], x["signame"])
              for x in g["edges"] if x["type"] == "signal"),
       [("cat", "sh", "SIGCHLD"), ("head", "sh", "SIGCHLD")], "signal edges")


def test_msgq_edges_equal_the_workload_counts():
    wl_json = tmp("workload.json")
    _, path = record_graph(workload("msgq", "--count", 300, "--size", 200, "--out", wl_json))
    g, wl = read_json(path), read_json(wl_json)
    nodes = nodes_by_id(g)
    procs = {p["role"]: p for p in wl["processes"]}
    queue = [n["id"] for n in g["nodes"] if n["type"] == "object" and n["mechanism"] == "msgq"]
    eq(len(queue), 1, "message queue nodes")
    q = nodes[queue[0]]
    eq((q["kind"], q["ino"]), ("sysv", wl["queue"]["id"]), "the queue")
    parent, child = process_id(g, procs["parent"]["pid"]), process_id(g, procs["child"]["pid"])
    sends = [e for e in g["edges"] if e["type"] == "send"]
    receives = [e for e in g["edges"] if e["type"] == "receive"]
    eq([(e["from"], e["to"]) for e in sends], [(parent, q["id"])], "send edges")
    eq([(e["from"], e["to"]) for e in receives], [(q["id"], child)], "receive edges")
    eq(sends[0]["sent"]["calls"], procs["parent"]["send_calls"], "msgsnd calls")
    eq(sends[0]["bytes"], procs["parent"]["bytes_sent"], "bytes sent")
    eq(receives[0]["received"]["calls"], procs["child"]["receive_calls"], "msgrcv calls")
    eq(receives[0]["bytes"], procs["child"]["bytes_received"], "bytes received")
    # msgget: a use edge per process, its calls the workload's
    uses = {e["from"]: e for e in g["edges"] if e["type"] == "use" and e["to"] == q["id"]}
    eq(sorted(uses), sorted([parent, child]), "processes using the queue")
    eq(uses[parent]["ops"]["calls"], procs["parent"]["get_calls"], "parent's msgget")
    eq(uses[child]["ops"]["calls"], procs["child"]["get_calls"], "child's msgget")


def test_socket_pingpong_edges_both_ways():
    wl_json = tmp("workload.json")
    _, path = record_graph(workload("sock", "--pattern", "pingpong", "--count", 300,
                                    "--size", 1500, "--out", wl_json))
    g, wl = read_json(path), read_json(wl_json)
    nodes_by_id(g)
    procs = {p["role"]: p for p in wl["processes"]}
    socks = {s["role"]: s for s in wl["sockets"]}
    chans = [e for e in g["edges"] if e["type"] == "channel"]
    eq(len(chans), 2, "channel edges (one per direction)")
    for a, b in (("parent", "child"), ("child", "parent")):
        frm, to = process_id(g, procs[a]["pid"]), process_id(g, procs[b]["pid"])
        found = [e for e in chans if (e["from"], e["to"]) == (frm, to)]
        eq(len(found), 1, f"edges {a} -> {b}")
        e = found[0]
        eq((e["mechanism"], e["kind"]), ("socket", "unix_stream"), f"{a} -> {b} kind")
        assert f"[{socks[a]['ino']}]" in e["via"], f"{a} -> {b} via {e['via']}"
        eq(e["sent"]["calls"], procs[a]["send_calls"], f"{a}'s sends")
        eq(e["sent"]["bytes"], procs[a]["bytes_sent"], f"bytes {a} sent")
        eq(e["received"]["calls"], procs[b]["recv_calls"], f"{b}'s receives")
        eq(e["received"]["bytes"], procs[b]["bytes_received"], f"bytes {b} received")
        eq(e["bytes"], procs[a]["bytes_sent"], f"{a} -> {b} bytes")


def test_signal_burst_edge_counts_the_merged():
    wl_json = tmp("workload.json")
    _, path = record_graph(workload("signal", "--mode", "burst", "--count", 200,
                                    "--out", wl_json))
    g, wl = read_json(path), read_json(wl_json)
    procs = {p["role"]: p for p in wl["processes"]}
    parent, child = process_id(g, procs["parent"]["pid"]), process_id(g, procs["child"]["pid"])
    found = [e for e in g["edges"] if e["type"] == "signal" and e["signame"] == "SIGUSR1"]
    eq([(e["from"], e["to"]) for e in found], [(parent, child)], "SIGUSR1 edges")
    e = found[0]
    eq(e["generated"], procs["parent"]["sent"], "SIGUSR1 generated")
    eq(e["queued"], procs["child"]["received"], "SIGUSR1 queued (delivered once)")
    eq(e["already_pending"], procs["parent"]["sent"] - procs["child"]["received"],
       "SIGUSR1 merged into the pending one")
    eq(e["how"], "kill", "sent by kill()")


def test_dot_parses_and_svg_png_are_drawn():
    dot = need_dot()
    command = workload("sock", "--pattern", "pingpong", "--count", 20, "--size", 100,
                       "--out", tmp("workload.json"))
    _, path = record_graph(command, "dot")
    out = subprocess.run([dot, "-Tsvg", "-o", os.devnull, path], stderr=subprocess.PIPE,
                         text=True)
    eq((out.returncode, out.stderr), (0, ""), "dot on the DOT output: status and messages")
    _, svg = record_graph(command, "svg")
    with open(svg, "rb") as f:
        head = f.read(512)
    assert b"<svg" in head, f"{svg} is not SVG: {head[:80]!r}"
    _, png = record_graph(command, "png")
    with open(png, "rb") as f:
        eq(f.read(8), b"\x89PNG\r\n\x1a\n", "PNG signature")


def test_bad_graph_extension_is_refused_before_loading():
    path = tmp("graph.txt")
    one_error_line(run_ipcscope(["record", "--graph", path, "--", "true"]), 2,
                   f"--graph '{path}': unknown format")
    assert not os.path.exists(path), "the file was created anyway"


def test_drawing_without_graphviz_names_the_package():
    empty = tmp("no-dot-here")
    os.makedirs(empty)
    path = tmp("graph.svg")
    proc = run_ipcscope(["record", "--graph", path, "--", "/bin/true"],
                        env=dict(os.environ, PATH=empty))
    one_error_line(proc, 1, "install the package graphviz")
    assert not os.path.exists(path), "the file was created anyway"
