# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""A pid reused within one run is two processes.

workloads/pidreuse.c: child A writes 100 bytes into a pipe its parent
reads, exits and is reaped; the parent gets A's pid again from the kernel
(ns_last_pid, as root) for child B, which execs (another name) and writes
200 bytes into a second pipe. The JSON, the text report and the graph must
show two processes with that pid, each with its own name, parent, pipe,
bytes and SIGCHLD, nothing of one counted for the other, both kept after
they exited. If the pid cannot be had again the test skips, and in CI
(CI=true) fails: it must run there.
"""
import os
import re

from harness import ROOT, Skip, eq, in_ci, read_json, record, tmp, workload

SIGCHLD = 17


def run_reuse(env=None):
    """Run the workload under ipcscope with --graph; return (record, workload
    JSON, graph JSON, A, B), A and B the workload's children."""
    wl_json, graph = tmp("workload.json"), tmp("graph.json")
    rec = record(["--graph", graph], workload("pidreuse", "--out", wl_json), env=env)
    eq(rec.returncode, 0, f"ipcscope exit status (stderr: {rec.stderr.strip()})")
    assert rec.json is not None, "ipcscope wrote no JSON"
    wl = read_json(wl_json)
    eq(rec.json["targets"]["command_exit"], 0, "the workload's exit status")
    if not wl["reused"]:
        why = (f"the workload did not get pid {wl['children'][0]['pid']} again in "
               f"{wl['tries']} forks: {wl['ns_last_pid_error'] or 'other processes took it'}")
        if in_ci():
            raise AssertionError(f"{why} (CI=true: this test must run)")
        raise Skip(why)
    a, b = wl["children"]
    eq((a["role"], b["role"]), ("a", "b"), "the workload's children")
    eq(a["pid"], b["pid"], "the workload says B got A's pid")
    assert a["comm"] != b["comm"], f"A and B have one name: {a['comm']}"
    for c in (a, b):
        eq(c["exit_status"], 0, f"child {c['role']}'s exit status")
        eq(c["bytes_read"], c["bytes_written"], f"child {c['role']}'s bytes, as read")
    eq((a["bytes_written"], b["bytes_written"]), (100, 200), "bytes the children wrote")
    return rec, wl, read_json(graph), a, b


def two_processes(rec, wl, a, b):
    """The two process rows with the reused pid, A's then B's, checked."""
    pid = a["pid"]
    rows = [p for p in rec.json["processes"] if p["pid"] == pid]
    eq(len(rows), 2, f"processes with pid {pid}")
    pa, pb = rows
    assert pa["start_ns"] < pb["start_ns"], f"A's start {pa['start_ns']}, B's {pb['start_ns']}"
    for c, p in ((a, pa), (b, pb)):
        eq((p["comm"], p["ppid"], p["exec"], p["exited"], p["forked_while_traced"]),
           (c["comm"], wl["pid"], c["exec"], True, True), f"child {c['role']}'s process row")
    return pa, pb


def test_json_has_two_processes_with_their_own_counts():
    check_two_processes(*run_reuse())


def test_two_processes_on_kernels_before_5_11():
    # the fd table read with CO-RE helper reads, not through BTF pointers
    # (as before 5.11) or bpf_rdonly_cast (before 6.2), the inode behind a
    # file with helpers (before 6.2), the maps preallocated (before 6.1)
    check_two_processes(*run_reuse(env={"IPCSCOPE_OLD_KERNEL_PATHS": "1"}))


def check_two_processes(rec, wl, _, a, b):
    pid, ppid = a["pid"], wl["pid"]
    pa, pb = two_processes(rec, wl, a, b)
    parent = [p for p in rec.json["processes"] if p["pid"] == ppid]
    eq(len(parent), 1, "processes with the parent's pid")
    parent = parent[0]
    # each child's pipe: its writer is that child (by start), its reader the parent
    for c, p in ((a, pa), (b, pb)):
        o = rec.object(c["pipe"]["ino"])
        eq((o["dev"], o["bytes_in"], o["bytes_out"]),
           (c["pipe"]["dev"], c["bytes_written"], c["bytes_read"]), f"child {c['role']}'s pipe")
        eq([(w["pid"], w["start_ns"], w["comm"], w["calls"], w["bytes"]) for w in o["writers"]],
           [(pid, p["start_ns"], c["comm"], c["write_calls"], c["bytes_written"])],
           f"writers of child {c['role']}'s pipe")
        eq([(r["pid"], r["start_ns"], r["comm"], r["calls"], r["bytes"]) for r in o["readers"]],
           [(ppid, parent["start_ns"], parent["comm"], c["read_calls"], c["bytes_read"])],
           f"readers of child {c['role']}'s pipe")
    # nothing mixed: the pid's only endpoints are these two writes
    mine = sorted((o["ino"], role, e["start_ns"], e["bytes"])
                  for o in rec.json["objects"]
                  for role in ("writers", "readers", "users", "faulters")
                  for e in o[role] if e["pid"] == pid)
    eq(mine, sorted([(a["pipe"]["ino"], "writers", pa["start_ns"], 100),
                     (b["pipe"]["ino"], "writers", pb["start_ns"], 200)]),
       f"endpoints of pid {pid}")
    eq(rec.op("anon", "write")["bytes"], 300, "bytes written into pipes")
    # each child's SIGCHLD, sent as it exited, is its own
    chld = {}
    for r in rec.json["signals"]:
        if r["sig"] == SIGCHLD and r["event"] == "generated" and r["sender"] == pid:
            eq((r["target"], r["target_start_ns"]), (ppid, parent["start_ns"]),
               "SIGCHLD's target")
            chld[r["sender_start_ns"]] = chld.get(r["sender_start_ns"], 0) + r["count"]
    eq(chld, {pa["start_ns"]: 1, pb["start_ns"]: 1}, f"SIGCHLD sent by pid {pid}, by start")
    # the forks that missed the pid are processes of their own, without IPC
    for missed in wl["missed_pids"]:
        eq([p["comm"] for p in rec.json["processes"] if p["pid"] == missed],
           [parent["comm"]], f"the fork that got pid {missed}")
    check_documented_keys(rec, pid)


def test_text_report_and_graph_name_them_apart():
    rec, wl, g, a, b = run_reuse()
    pid, ppid = a["pid"], wl["pid"]
    pa, pb = two_processes(rec, wl, a, b)
    # text: PID.1 and PID.2 in PROCESSES, and as each pipe's writer
    procs = rec.stdout.split("\nPROCESSES\n", 1)[1].split("\n\n", 1)[0]
    rows = {ln.split()[0]: ln.split() for ln in procs.splitlines()[1:] if ln.split()}
    for n, c in ((1, a), (2, b)):
        row = rows.get(f"{pid}.{n}")
        assert row, f"no PROCESSES row {pid}.{n}:\n{procs}"
        eq((row[1], row[2], row[-1]), (str(ppid), c["comm"], "exited"), f"row {pid}.{n}")
    assert str(pid) not in rows, f"a row for plain {pid}:\n{procs}"
    assert "PID.N: a pid reused" in procs, f"PROCESSES does not say why:\n{procs}"
    for n, c in ((1, a), (2, b)):
        want = f"writes/sends: {pid}.{n} {c['comm']} (1)"
        assert want in rec.stdout, f"no '{want}' in the report"
    # graph: two nodes, one channel each to the parent, one SIGCHLD each
    ids = [n["id"] for n in g["nodes"]]
    eq(len(ids), len(set(ids)), "distinct node ids")
    nodes = [n for n in g["nodes"] if n["type"] == "process" and n["pid"] == pid]
    eq([(n["id"], n["start_ns"], n["comm"]) for n in nodes],
       [(f"p{pid}.1", pa["start_ns"], a["comm"]), (f"p{pid}.2", pb["start_ns"], b["comm"])],
       f"graph nodes of pid {pid}")
    channels = sorted((e["from"], e["to"], e["bytes"], e["sent"]["start_ns"])
                      for e in g["edges"] if e["type"] == "channel")
    eq(channels, [(f"p{pid}.1", f"p{ppid}", 100, pa["start_ns"]),
                  (f"p{pid}.2", f"p{ppid}", 200, pb["start_ns"])], "channel edges")
    mine = {f"p{pid}.1", f"p{pid}.2"}
    signals = sorted((e["from"], e["to"], e["signame"], e["generated"])
                     for e in g["edges"] if e["type"] == "signal" and e["from"] in mine)
    eq(signals, [(f"p{pid}.1", f"p{ppid}", "SIGCHLD", 1),
                 (f"p{pid}.2", f"p{ppid}", "SIGCHLD", 1)], "signal edges")


def names_in_braces(text, marker):
    """The key names in the first {...} after marker."""
    return re.findall(r"[a-z_]+", text.split(marker, 1)[1].split("{", 1)[1].split("}", 1)[0])


def check_documented_keys(rec, pid):
    """The keys this change added are where docs/json-schema.md says."""
    with open(os.path.join(ROOT, "docs", "json-schema.md"), encoding="utf-8") as f:
        doc = f.read().split("# `ipcscope record --graph", 1)[0]
    procs = re.findall(r"`([a-z_]+)`", doc.split("## `processes[]`\n", 1)[1].split("\n\n", 1)[0])
    eq(sorted(rec.json["processes"][0]), sorted(procs), "processes[] keys against the schema")
    writer = [w for o in rec.json["objects"] for w in o["writers"] if w["pid"] == pid][0]
    eq(sorted(writer), sorted(names_in_braces(doc, "| `writers`, `readers`, `users`, `faulters` |")),
       "writers[] keys against the schema")
    eq(sorted(rec.json["signals"][0]), sorted(names_in_braces(doc, "## `signals[]`")),
       "signals[] keys against the schema")
