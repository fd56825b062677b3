# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Sockets traced end to end: every figure equals what the workload says it
did (workloads/sock.c prints its own counts, inodes and addresses as JSON,
all checked against strace -f -y)."""
import os
import signal
import subprocess
import time

from harness import (START_DELAY_MS, attached_in_time, eq, no_drops, read_json, record,
                     spawn, tmp, workload)

MECH = "socket"
# ipcscope's kind for each of the workload's --type
KIND = {"unix-stream": "unix_stream", "unix-dgram": "unix_dgram",
        "unix-seqpacket": "unix_seqpacket", "tcp": "tcp", "udp": "udp"}
# ipcscope's operation for each of the workload's --io (libc's send() and
# recv() are the sendto and recvfrom syscalls)
SEND_OP = {"send": "sendto", "write": "write", "sendmsg": "sendmsg"}
RECV_OP = {"send": "recvfrom", "write": "read", "sendmsg": "recvmsg"}
# the socket family ipcscope names for each run
FAMILY = {None: "unix", 4: "inet", 6: "inet6"}


def run_sock(*wl_args, record_args=("--no-hist",)):
    """Run workloads/sock under ipcscope; return (record, workload JSON)."""
    wl_json = tmp("workload.json")
    rec = record(list(record_args), workload("sock", *wl_args, "--out", wl_json))
    eq(rec.returncode, 0, f"ipcscope exit status (stderr: {rec.stderr.strip()})")
    assert rec.json is not None, "ipcscope wrote no JSON"
    return rec, read_json(wl_json)


def by_role(wl, key):
    return {x["role"]: x for x in wl[key]}


def channel_of(rec, ino):
    """The one channel with an end on socket ino."""
    found = [c for c in rec.json["channels"] if ino in [e["ino"] for e in c["ends"]]]
    eq(len(found), 1, f"channels with an end on socket {ino}")
    return found[0]


def check_exact(rec, wl):
    """Operations, objects, channel, copies and processes, all exact."""
    kind = KIND[wl["type"]]
    send_op, recv_op = SEND_OP[wl["io"]], RECV_OP[wl["io"]]
    t = wl["totals"]
    for op, calls, nbytes, errors in ((send_op, "send_calls", "bytes_sent", "send_errors"),
                                      (recv_op, "recv_calls", "bytes_received", "recv_errors")):
        row = rec.op(kind, op, mech=MECH)
        eq(row["calls"], t[calls], f"{kind} {op} calls")
        eq(row["bytes"], t[nbytes], f"{kind} {op} bytes")
        eq(row["errors"], t[errors], f"{kind} {op} errors")
    # no other operation on any socket
    eq(sorted((r["kind"], r["op"]) for r in rec.json["operations"]
              if r["mechanism"] == MECH and r["calls"]),
       sorted([(kind, send_op), (kind, recv_op)]), "socket operations seen")
    # one object per data socket: the listener and ipcscope's own are not traced
    socks = by_role(wl, "sockets")
    procs = by_role(wl, "processes")
    eq(sorted(o["ino"] for o in rec.objects(mech=MECH)),
       sorted(s["ino"] for s in socks.values()), "sockets seen")
    for role, s in socks.items():
        p = procs[role]
        other = socks["child" if role == "parent" else "parent"]
        o = rec.object(s["ino"], mech=MECH)
        what = f"{role}'s socket {s['ino']}"
        eq(o["kind"], kind, f"kind of {what}")
        eq(o["bytes_in"], s["bytes_sent"], f"bytes sent through {what}")
        eq(o["bytes_out"], s["bytes_received"], f"bytes received from {what}")
        eq(o["ops_in"], p["send_calls"], f"sending calls on {what}")
        eq(o["ops_out"], p["recv_calls"], f"receiving calls on {what}")
        eq([(w["pid"], w["calls"], w["bytes"]) for w in o["writers"]],
           [(s["pid"], p["send_calls"], p["bytes_sent"])] if p["send_calls"] else [],
           f"writers of {what}")
        eq([(r["pid"], r["calls"], r["bytes"]) for r in o["readers"]],
           [(s["pid"], p["recv_calls"], p["bytes_received"])] if p["recv_calls"] else [],
           f"readers of {what}")
        si = o["socket"]
        assert si is not None, f"{what} has no socket details"
        eq(si["family"], FAMILY[wl["family"]], f"family of {what}")
        eq(si["loopback"], True, f"{what} is loopback")
        if wl["family"] is None:
            eq(si["peer_ino"], other["ino"], f"peer of {what}")
        else:
            eq(si["local"], s["local"], f"local address of {what}")
            eq(si["remote"], s["remote"], f"remote address of {what}")
    # the two ends make one channel, each end its own process and bytes
    eq(len(rec.json["channels"]), 1, "socket channels")
    ch = channel_of(rec, socks["parent"]["ino"])
    eq(ch["mechanism"], MECH, "channel mechanism")
    eq(ch["kind"], kind, "channel kind")
    eq(ch["paired"], True, "both ends paired")
    eq(ch["loopback"], True, "channel is loopback")
    ends = {e["ino"]: e for e in ch["ends"]}
    eq(sorted(ends), sorted(s["ino"] for s in socks.values()), "channel ends")
    for role, s in socks.items():
        e = ends[s["ino"]]
        eq(e["pids"], [s["pid"]], f"pids on the {role}'s end")
        eq(e["bytes_sent"], s["bytes_sent"], f"bytes sent from the {role}'s end")
        eq(e["bytes_received"], s["bytes_received"], f"bytes received at the {role}'s end")
    a, b = ch["ends"]
    eq(a["bytes_sent"], b["bytes_received"], "bytes a sent = bytes b received")
    eq(b["bytes_sent"], a["bytes_received"], "bytes b sent = bytes a received")
    # send copies user->kernel, receive kernel->user: two copies per byte
    c = rec.copies(MECH)
    eq(c["payload_bytes"], t["bytes_sent"], "socket payload bytes")
    eq(c["user_to_kernel_bytes"], t["bytes_sent"], "socket bytes copied user->kernel")
    eq(c["kernel_to_user_bytes"], t["bytes_received"], "socket bytes copied kernel->user")
    eq(c["zero_copy_bytes"], 0, "socket bytes moved without a user copy")
    eq(c["copies_per_byte"], 2.0, "socket copies per payload byte")
    for wp in wl["processes"]:
        rp = rec.process(wp["pid"])
        assert rp is not None, f"workload process {wp['pid']} missing from the report"
        assert rp["exited"], f"process {wp['pid']} not marked exited"
        assert rp["syscalls"] >= wp["send_calls"] + wp["recv_calls"], \
            f"process {wp['pid']}: {rp['syscalls']} syscalls < its socket calls"
    no_drops(rec.json)


def check_params(wl, **want):
    for k, v in want.items():
        eq(wl[k], v, f"workload {k}")


def test_unix_stream_socketpair_send():
    rec, wl = run_sock("--count", 1000, "--size", 1024)
    check_params(wl, type="unix-stream", io="send", connect="socketpair", pattern="stream")
    eq(wl["totals"]["send_calls"], 1000, "workload send calls")
    eq(wl["totals"]["bytes_sent"], 1024000, "workload bytes")
    check_exact(rec, wl)
    eq(rec.op("unix_stream", "sendto", mech=MECH)["calls"], 1000, "sendto calls")
    parent = by_role(wl, "processes")["parent"]
    # the parent's last receive is the one that returned 0 at EOF
    assert parent["recv_calls"] - parent["recv_errors"] >= 1001, "no EOF receive counted"
    child = by_role(wl, "processes")["child"]
    assert rec.process(child["pid"])["forked_while_traced"], "child not seen forking"


def test_unix_stream_socketpair_write():
    rec, wl = run_sock("--io", "write", "--count", 800, "--size", 3000)
    check_params(wl, io="write")
    check_exact(rec, wl)
    eq(rec.op("unix_stream", "sendto", mech=MECH)["calls"], 0, "sendto calls (write only)")


def test_unix_stream_path():
    rec, wl = run_sock("--connect", "path", "--count", 600, "--size", 1000)
    check_params(wl, connect="path")
    check_exact(rec, wl)
    parent = by_role(wl, "sockets")["parent"]
    assert parent["local"].endswith("/parent.sock"), f"parent's path {parent['local']}"
    eq(rec.object(parent["ino"], mech=MECH)["socket"]["local"], parent["local"],
       "local path of the parent's (accepted) socket")
    assert not os.path.exists(parent["local"]), "workload left its socket file behind"


def test_unix_stream_path_client_is_unnamed():
    # the child connects without binding: getsockname() says it is unnamed,
    # and the path belongs to its peer
    rec, wl = run_sock("--connect", "path", "--count", 100, "--size", 100)
    child = by_role(wl, "sockets")["child"]
    eq(child["local"], "unnamed", "workload: child's local address")
    eq(rec.object(child["ino"], mech=MECH)["socket"]["local"], child["local"],
       "local address of the child's (unbound, connected) socket")


def test_unix_abstract_names():
    rec, wl = run_sock("--connect", "abstract", "--pattern", "pingpong", "--count", 300,
                       "--size", 512)
    parent = by_role(wl, "sockets")["parent"]
    eq(parent["local"], f"@ipcscope-{parent['pid']}-parent", "workload: abstract name")
    # repr: what differs may not be printable
    eq(repr(rec.object(parent["ino"], mech=MECH)["socket"]["local"]), repr(parent["local"]),
       "abstract name of the parent's socket")
    check_exact(rec, wl)


def test_unix_dgram_socketpair():
    rec, wl = run_sock("--type", "unix-dgram", "--count", 1000, "--size", 2048)
    parent = by_role(wl, "processes")["parent"]
    eq(parent["recv_calls"] - parent["recv_errors"], 1000, "datagrams: no EOF read")
    check_exact(rec, wl)


def test_unix_dgram_path_pingpong():
    # both ends bound to their own path: each object's local is its own path
    rec, wl = run_sock("--type", "unix-dgram", "--connect", "path", "--pattern", "pingpong",
                       "--count", 400, "--size", 300)
    check_exact(rec, wl)
    for s in wl["sockets"]:
        eq(rec.object(s["ino"], mech=MECH)["socket"]["local"], s["local"],
           f"local path of the {s['role']}'s socket")


def test_unix_seqpacket():
    rec, wl = run_sock("--type", "unix-seqpacket", "--count", 700, "--size", 4000)
    check_exact(rec, wl)


def test_unix_seqpacket_path_pingpong_sendmsg():
    rec, wl = run_sock("--type", "unix-seqpacket", "--connect", "path", "--pattern",
                       "pingpong", "--io", "sendmsg", "--count", 300, "--size", 64)
    check_exact(rec, wl)
    parent = by_role(wl, "sockets")["parent"]
    eq(rec.object(parent["ino"], mech=MECH)["socket"]["local"], parent["local"],
       "local path of the parent's socket")


def test_tcp_v4():
    rec, wl = run_sock("--type", "tcp", "--family", 4, "--count", 1000, "--size", 1024)
    check_params(wl, type="tcp", family=4, connect=None)
    assert wl["sockets"][0]["local"].startswith("127.0.0.1:"), "not over 127.0.0.1"
    check_exact(rec, wl)


def test_tcp_v6_pingpong():
    rec, wl = run_sock("--type", "tcp", "--family", 6, "--pattern", "pingpong",
                       "--count", 500, "--size", 200)
    check_params(wl, family=6)
    assert wl["sockets"][0]["local"].startswith("[::1]:"), "not over ::1"
    check_exact(rec, wl)


def test_tcp_large_messages():
    # 100 KB messages: short receives (and maybe sends), each call counted
    rec, wl = run_sock("--type", "tcp", "--count", 100, "--size", 100001)
    parent = by_role(wl, "processes")["parent"]
    assert parent["recv_calls"] > 101, "no short receive (test does not test that)"
    check_exact(rec, wl)


def test_udp_v4_pingpong():
    # unconnected sockets: ipcscope pairs them with the addresses it learned
    # from sendto() and recvfrom()
    rec, wl = run_sock("--type", "udp", "--pattern", "pingpong", "--count", 500,
                       "--size", 700)
    check_params(wl, type="udp", family=4, pattern="pingpong")
    check_exact(rec, wl)


def test_udp_v6_stream():
    rec, wl = run_sock("--type", "udp", "--family", 6, "--count", 1000, "--size", 1200)
    check_exact(rec, wl)


def test_udp_single_datagram():
    # the child's only sendto() is also what binds its socket
    rec, wl = run_sock("--type", "udp", "--count", 1, "--size", 100)
    check_exact(rec, wl)


def test_unix_stream_sendmsg_pingpong():
    rec, wl = run_sock("--io", "sendmsg", "--pattern", "pingpong", "--count", 500,
                       "--size", 1000)
    check_params(wl, io="sendmsg")
    check_exact(rec, wl)


def test_tcp_sendmsg():
    rec, wl = run_sock("--type", "tcp", "--io", "sendmsg", "--count", 500, "--size", 5000)
    check_exact(rec, wl)


def test_udp_sendmsg_pingpong():
    # the addresses are in msg_name: the peer has to be learned from there
    rec, wl = run_sock("--type", "udp", "--io", "sendmsg", "--pattern", "pingpong",
                       "--count", 300, "--size", 100)
    check_exact(rec, wl)


def test_pid_attach_follows_later_fork():
    wl_json = tmp("workload.json")
    wl = spawn(workload("sock", "--type", "tcp", "--start-delay", START_DELAY_MS, "--count", 300,
                        "--size", 500, "--out", wl_json), stdout=subprocess.DEVNULL)
    started = time.monotonic()
    rec = record(["-p", str(wl.pid), "--no-hist"], ready=lambda p: attached_in_time(started),
                 timeout=60)
    eq(rec.returncode, 0, f"ipcscope exit status (stderr: {rec.stderr.strip()})")
    eq(wl.wait(), 0, "workload exit status")
    check_exact(rec, read_json(wl_json))


def run_poked(*wl_args):
    """Run the workload attached with -p while stray SIGCHLDs hit its parent:
    its handler ignores them, but a receive blocked at that moment returns
    EINTR (no SA_RESTART), which the workload counts and retries."""
    wl_json = tmp("workload.json")
    wl = spawn(workload("sock", "--start-delay", START_DELAY_MS, *wl_args, "--out", wl_json),
               stdout=subprocess.DEVNULL)
    started = time.monotonic()

    def poke(ipcscope):
        attached_in_time(started)
        while wl.poll() is None:
            try:
                os.kill(wl.pid, signal.SIGCHLD)
            except ProcessLookupError:
                break
            time.sleep(0.0005)

    rec = record(["-p", str(wl.pid), "--no-hist"], ready=poke, timeout=60)
    eq(rec.returncode, 0, f"ipcscope exit status (stderr: {rec.stderr.strip()})")
    eq(wl.wait(), 0, "workload exit status")
    w = read_json(wl_json)
    parent = by_role(w, "processes")["parent"]
    assert parent["recv_errors"] > 0, "no EINTR in the parent (test does not test that)"
    return rec, w


def test_eintr_counted():
    rec, wl = run_poked("--pattern", "pingpong", "--count", 20000, "--size", 64)
    check_exact(rec, wl)


def test_eintr_errno_name():
    # every error the workload survives is EINTR (any other ends the run).
    # The exit tracepoint sees the kernel's value before signal delivery
    # turns it into EINTR (no SA_RESTART) or restarts the call: ERESTARTSYS.
    rec, wl = run_poked("--type", "tcp", "--pattern", "pingpong", "--count", 20000,
                        "--size", 64)
    t = wl["totals"]
    eq(rec.op("tcp", "recvfrom", mech=MECH)["errnos"], {"ERESTARTSYS": t["recv_errors"]},
       "errnos of the interrupted receives")
