# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Time in channel: how long data waits in the kernel between send and
receive, against workloads whose timing is known. With --recv-delay D the
receiver sleeps D ms before each receive, so every message waits at least
D ms; with --send-delay D the sender sleeps after each message and the
receiver is already waiting, so no message waits anywhere near D ms. One
sample per receive that returned data: exactly the messages sent.
It is measured only with record --time-in-channel; without it, or where
the kernel cannot (IPCSCOPE_DISABLE_PROBES=time_in_channel takes that
path), everything else is counted as before and the report says why."""
import os

from harness import Fallback, eq, kernel_has, read_json, record, tmp, workload

DELAY_MS = 50
# log2 slot of DELAY_MS: [2^25, 2^26) ns = [33.5 ms, 67.1 ms)
DELAY_SLOT = (DELAY_MS * 1000000).bit_length() - 1
COUNT = 8


def run(name, *wl_args, options=("--time-in-channel",), env=None):
    wl_json = tmp("workload.json")
    rec = record(["--top", "0", *options], workload(name, *wl_args, "--out", wl_json), env=env)
    eq(rec.returncode, 0, f"ipcscope exit status (stderr: {rec.stderr.strip()})")
    assert rec.json is not None, "ipcscope wrote no JSON"
    if "--time-in-channel" in options and not env and not kernel_has("atomics"):
        # a kernel before 5.12: nothing timed, everything else counted, and why
        eq(rec.json["time_in_channel"], [], "time_in_channel rows")
        p = chan_probe(rec)
        eq((p["attached"], p["standby"]), (False, False), "probe state when unavailable")
        assert "5.12" in p["reason"], p["reason"]
        assert "time in channel not attached" in rec.stderr, rec.stderr
        raise Fallback("no value-returning atomics: time in channel off, and said why")
    return rec, read_json(wl_json)


def kind_row(rec, mech, kind):
    rows = [r for r in rec.json["time_in_channel"]
            if r["mechanism"] == mech and r["kind"] == kind]
    eq(len(rows), 1, f"time_in_channel rows for {mech} {kind}")
    return rows[0]


def check(rec, obj, mech, kind, late):
    """obj: the receiving object's JSON row. late: 'receiver' or 'sender'."""
    t = obj["time_in_channel"]
    assert t is not None, f"no time in channel for {obj['name']}"
    eq(t["samples"], COUNT, f"{obj['name']}: samples (one per message)")
    eq(t["unmatched"], 0, f"{obj['name']}: unmatched")
    eq(t["overflow"], 0, f"{obj['name']}: overflow")
    slots = t["latency"]["log2_ns"]
    eq(sum(slots), COUNT, f"{obj['name']}: histogram total")
    mean = t["latency"]["sum_ns"] / COUNT
    if late == "receiver":
        # every message waited for the receiver's sleep: >= DELAY_MS
        eq(sum(slots[:DELAY_SLOT]), 0,
           f"{obj['name']}: samples below 2^{DELAY_SLOT} ns with the receiver "
           f"{DELAY_MS} ms late ({slots})")
        assert mean >= DELAY_MS * 1e6, f"mean {mean} ns < {DELAY_MS} ms"
    else:
        # the receiver was waiting: far below the sender's sleep
        eq(sum(slots[DELAY_SLOT:]), 0,
           f"{obj['name']}: samples of 2^{DELAY_SLOT} ns or more with the "
           f"sender {DELAY_MS} ms late ({slots})")
        assert mean < DELAY_MS * 1e6 / 4, f"mean {mean} ns not << {DELAY_MS} ms"
    row = kind_row(rec, mech, kind)
    eq(row["samples"], COUNT, f"{mech} {kind}: samples")
    eq(row["unmatched"] + row["overflow"], 0, f"{mech} {kind}: misses")
    assert "TIME IN CHANNEL" in rec.stdout, "text report lacks the section"
    assert f"TIME IN CHANNEL of {kind} {mech}" in rec.stdout, \
        "text report lacks the histogram"


def pipe_test(late):
    opt = "--recv-delay" if late == "receiver" else "--send-delay"
    rec, wl = run("pipe", "--count", COUNT, "--size", 100, opt, DELAY_MS)
    eq(wl["totals"]["write_calls"], COUNT, "workload writes")
    check(rec, rec.object(wl["pipes"][0]["ino"]), "pipe", "anon", late)


def test_pipe_reader_late():
    pipe_test("receiver")


def test_pipe_writer_late():
    pipe_test("sender")


def msgq_test(late, api="sysv"):
    opt = "--recv-delay" if late == "receiver" else "--send-delay"
    rec, wl = run("msgq", "--api", api, "--count", COUNT, "--size", 64, opt, DELAY_MS)
    eq(wl["totals"]["send_calls"], COUNT, "workload sends")
    objs = rec.objects(api, "msgq")
    eq(len(objs), 1, f"{api} queues seen")
    check(rec, objs[0], "msgq", api, late)


def test_sysv_msgq_receiver_late():
    msgq_test("receiver")


def test_sysv_msgq_sender_late():
    msgq_test("sender")


def test_sysv_msgq_number_0_is_timed():
    """The first SysV queue since boot has id 0, which is also what an
    unknown socket end looks like: its receiving end is kept all the same
    (it was not: no time in channel for msq:0). msg_next_id (a sysctl
    for checkpoint/restore) makes the next queue number 0 again."""
    path = "/proc/sys/kernel/msg_next_id"
    assert os.path.exists(path), f"{path} missing: cannot make a queue numbered 0"
    with open(path, "w") as f:
        f.write("0")
    rec, wl = run("msgq", "--api", "sysv", "--count", COUNT, "--size", 64,
                  "--recv-delay", DELAY_MS)
    eq(wl["totals"]["send_calls"], COUNT, "workload sends")
    objs = rec.objects("sysv", "msgq")
    eq(len(objs), 1, "sysv queues seen")
    assert objs[0]["name"].startswith("msq:0 "), f"not queue 0: {objs[0]['name']}"
    check(rec, objs[0], "msgq", "sysv", "receiver")


def test_posix_mq_receiver_late():
    msgq_test("receiver", "posix")


def sock_test(late, type_="unix-stream", kind="unix_stream"):
    opt = "--recv-delay" if late == "receiver" else "--send-delay"
    rec, wl = run("sock", "--type", type_, "--count", COUNT, "--size", 100, opt, DELAY_MS)
    # the child sends, the parent receives: its socket is the receiving end
    parent = [p for p in wl["processes"] if p["role"] == "parent"][0]
    eq(parent["recv_calls"] >= COUNT, True, "parent receives")
    receiving = [o for o in rec.objects(kind, "socket")
                 if any(r["pid"] == parent["pid"] for r in o["readers"])]
    eq(len(receiving), 1, "receiving sockets")
    check(rec, receiving[0], "socket", kind, late)
    # the sending end received nothing: no figure there
    for o in rec.objects(kind, "socket"):
        if o is not receiving[0]:
            eq(o["time_in_channel"], None, "time in channel of the sending end")


def test_unix_stream_receiver_late():
    sock_test("receiver")


def test_unix_stream_sender_late():
    sock_test("sender")


def test_unix_dgram_receiver_late():
    sock_test("receiver", "unix-dgram", "unix_dgram")


def test_tcp_receiver_late():
    sock_test("receiver", "tcp", "tcp")


def test_tcp_sender_late():
    sock_test("sender", "tcp", "tcp")


def test_udp_receiver_late():
    sock_test("receiver", "udp", "udp")


def test_graph_edge_shows_time_in_channel():
    graph = tmp("graph.json")
    rec, wl = run("pipe", "--count", COUNT, "--size", 100, "--recv-delay", DELAY_MS,
                  options=("--time-in-channel", "--graph", graph))
    g = read_json(graph)
    edges = [e for e in g["edges"] if e["type"] != "signal" and e.get("received")
             and e["kind"] == "anon"]
    eq(len(edges), 1, "pipe edges with a receiving side")
    t = edges[0]["time_in_channel"]
    eq((t["samples"], t["unmatched"], t["overflow"]), (COUNT, 0, 0), "the edge's time in channel")
    assert t["latency"]["sum_ns"] / COUNT >= DELAY_MS * 1e6, t
    dot = tmp("graph.dot")
    run("pipe", "--count", COUNT, "--size", 100, "--recv-delay", DELAY_MS,
        options=("--time-in-channel", "--graph", dot))
    with open(dot) as f:
        assert "in channel: avg " in f.read(), "the DOT label lacks time in channel"


def test_pingpong_every_message_timed():
    # a 1-byte ping-pong: the reader often takes the byte before the
    # writer's syscall returns; each of those must still be timed once
    rec, wl = run("pipe", "--pattern", "pingpong", "--count", 2000, "--size", 1)
    for p in wl["pipes"]:
        t = rec.object(p["ino"])["time_in_channel"]
        eq(t["samples"], 2000, f"pipe {p['ino']}: samples")
        eq(t["unmatched"] + t["overflow"], 0, f"pipe {p['ino']}: misses")


def test_schema_documents_time_in_channel():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    with open(os.path.join(root, "docs", "json-schema.md"), encoding="utf-8") as f:
        doc = f.read()
    rec, _ = run("pipe", "--count", 2, "--size", 10)
    assert "| `time_in_channel` |" in doc, "top-level time_in_channel not documented"
    row = rec.json["time_in_channel"][0]
    for key in row:
        assert f"`{key}`" in doc.split("## `time_in_channel[]`")[1].split("\n## ")[0], \
            f"time_in_channel[] key {key} not documented"
    obj = rec.json["objects"][0]
    assert "`time_in_channel`" in doc.split("## `objects[]`")[1].split("\n## ")[0], \
        "objects[].time_in_channel not documented"
    eq(sorted(obj["time_in_channel"]), sorted(row.keys() - {"mechanism", "kind"}),
       "objects[].time_in_channel keys")
    assert "`channels`" in doc, "the drops key for channels is not documented"
    assert "channels" in rec.json["drops"], "drops lack channels"


def chan_probe(rec):
    """The time-in-channel program of the syscall hook in use (tp_btf, or
    raw_syscalls where tp_btf's programs run preemptible, or the IPC
    syscalls' functions where the kprobes are used), not attached."""
    kprobes = any(p["name"].startswith("kprobe.multi/") and p["attached"]
                  for p in rec.json["probes"])
    hook = ("kretprobe.multi" if kprobes else
            "tp_btf/sys_exit" if rec.probe("tp_btf/sys_enter")["attached"] else
            "tp/raw_syscalls/sys_exit")
    rows = [p for p in rec.json["probes"] if p["name"].endswith("time in channel")]
    eq(len(rows), 3, "time-in-channel probes in the JSON, one per syscall hook")
    mine = [p for p in rows if p["name"] == f"{hook}: time in channel"]
    eq(len(mine), 1, f"the time-in-channel probe of {hook}")
    return mine[0]


def check_untimed(rec, wl, what):
    """Nothing timed, and the pipe's own counts exact all the same."""
    eq(rec.json["time_in_channel"], [], f"{what}: time_in_channel rows")
    for p in wl["pipes"]:
        o = rec.object(p["ino"])
        eq(o["time_in_channel"], None, f"{what}: pipe {p['ino']} time in channel")
        eq((o["bytes_in"], o["bytes_out"]), (p["bytes"], p["bytes"]), f"{what}: pipe bytes")
    eq(rec.op("anon", "write")["calls"], wl["totals"]["write_calls"], f"{what}: writes")
    assert "TIME IN CHANNEL" not in rec.stdout, f"{what}: the text report has the section"


def test_off_unless_asked():
    rec, wl = run("pipe", "--count", COUNT, "--size", 100, options=())
    check_untimed(rec, wl, "without --time-in-channel")
    p = chan_probe(rec)
    eq((p["attached"], p["standby"]), (False, True), "probe state when not asked for")
    assert "ipcscope: warning" not in rec.stderr, rec.stderr


def test_kernel_without_it_says_why():
    # the path a kernel before 5.12 takes: the code is never verified or run
    rec, wl = run("pipe", "--count", COUNT, "--size", 100,
                  env={"IPCSCOPE_DISABLE_PROBES": "time_in_channel"})
    check_untimed(rec, wl, "time in channel unavailable")
    p = chan_probe(rec)
    eq((p["attached"], p["standby"]), (False, False), "probe state when unavailable")
    assert "time in channel not attached: disabled by IPCSCOPE_DISABLE_PROBES" in rec.stderr, \
        rec.stderr
