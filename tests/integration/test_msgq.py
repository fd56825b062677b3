# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Message queues, SysV and POSIX: sends, receives, bytes and the
sender/receiver of each queue equal workloads/msgq.c's own counts."""
from harness import eq, read_json, record, tmp, workload


def run_msgq(*args):
    wl_json = tmp("msgq.json")
    rec = record(["--no-hist"], workload("msgq", *args, "--out", wl_json))
    eq(rec.returncode, 0, f"ipcscope exit status ({rec.stderr.strip()})")
    wl = read_json(wl_json)
    eq(wl["mismatches"], 0, "workload message mismatches")
    roles = {p["role"]: p for p in wl["processes"]}
    return rec, wl, roles["parent"], roles["child"]


def check_queue(rec, wl, parent, child, kind, send_op, recv_op, ino):
    t = wl["totals"]
    eq(rec.op(kind, send_op, mech="msgq")["calls"], t["send_calls"], f"{send_op} calls")
    eq(rec.op(kind, send_op, mech="msgq")["bytes"], t["bytes_sent"], f"{send_op} bytes")
    eq(rec.op(kind, recv_op, mech="msgq")["calls"], t["receive_calls"], f"{recv_op} calls")
    eq(rec.op(kind, recv_op, mech="msgq")["bytes"], t["bytes_received"], f"{recv_op} bytes")
    eq(rec.op(kind, send_op, mech="msgq")["errors"], t["send_errors"], f"{send_op} errors")
    eq(rec.op(kind, recv_op, mech="msgq")["errors"], t["receive_errors"], f"{recv_op} errors")
    q = rec.object(ino, mech="msgq", kind=kind)
    eq((q["ops_in"], q["bytes_in"]), (t["send_calls"], t["bytes_sent"]), "queue in")
    eq((q["ops_out"], q["bytes_out"]), (t["receive_calls"], t["bytes_received"]), "queue out")
    eq([(w["pid"], w["calls"], w["bytes"]) for w in q["writers"]],
       [(parent["pid"], parent["send_calls"], parent["bytes_sent"])], "senders")
    eq([(r["pid"], r["calls"], r["bytes"]) for r in q["readers"]],
       [(child["pid"], child["receive_calls"], child["bytes_received"])], "receivers")
    eq(len(rec.objects(mech="msgq")), 1, "queues seen")
    eq(rec.op(kind, send_op, mech="msgq")["items"], t["send_calls"] - t["send_errors"],
       "messages sent")
    eq(rec.op(kind, recv_op, mech="msgq")["items"], t["receive_calls"] - t["receive_errors"],
       "messages received")
    eq(rec.copies("msgq")["copies_per_byte"], 2.0, "copies per byte")
    return q


def test_sysv_500_messages_of_128_bytes_types_1_to_5():
    rec, wl, parent, child = run_msgq("--api", "sysv", "--count", 500, "--size", 128,
                                      "--types", 5)
    eq(wl["totals"]["bytes_sent"], 64000, "workload bytes")
    q = check_queue(rec, wl, parent, child, "sysv", "msgsnd", "msgrcv", wl["queue"]["id"])
    eq(q["sysv_key"], wl["queue"]["key"], "queue key from msgget")
    types = {str(t["type"]): t for t in q["msg_types"]}
    eq({k: t["sent"] for k, t in types.items() if t["sent"]}, wl["sent_by_type"], "sent by type")
    eq({k: t["received"] for k, t in types.items() if t["received"]}, wl["received_by_type"],
       "received by type")
    eq(types["0"]["requested"], 500, "msgrcv calls asking for any type")
    eq(rec.op("sysv", "get", mech="msgq")["calls"], wl["totals"]["get_calls"], "msgget calls")
    eq(rec.op("sysv", "msgsnd", mech="msgq")["bytes"], 64000, "bytes sent")


def test_sysv_selective_receive_by_type():
    rec, wl, parent, child = run_msgq("--api", "sysv", "--count", 300, "--size", 64,
                                      "--types", 3, "--receive", "bytype")
    q = check_queue(rec, wl, parent, child, "sysv", "msgsnd", "msgrcv", wl["queue"]["id"])
    eq(wl["received_by_type"], wl["sent_by_type"], "messages per type")
    # every receive asked for exactly the type it then got
    for t in q["msg_types"]:
        assert t["type"] > 0, f"a receive asked for type {t['type']}"
        eq(t["requested"], t["received"], f"type {t['type']}: asked for = received")
        eq(t["received"], wl["received_by_type"][str(t["type"])], f"type {t['type']} received")


def test_sysv_receive_of_any_type_but_one():
    """msgrcv(msgtyp 4, MSG_EXCEPT): what comes is any type but the one
    named, so the type received is read from the message, not taken from
    msgtyp as a plain selective receive's is (enter_msgrcv)."""
    rec, wl, parent, child = run_msgq("--api", "sysv", "--count", 300, "--size", 32,
                                      "--types", 3, "--receive", "except")
    q = check_queue(rec, wl, parent, child, "sysv", "msgsnd", "msgrcv", wl["queue"]["id"])
    types = {str(t["type"]): t for t in q["msg_types"]}
    eq({k: t["received"] for k, t in types.items() if t["received"]}, wl["received_by_type"],
       "received by type")
    eq(wl["received_by_type"], {"1": 100, "2": 100, "3": 100}, "workload's types")
    eq(types["4"]["requested"], 300, "msgrcv calls naming type 4")
    eq(types["4"]["received"], 0, "messages of type 4 received")


def test_posix_queue():
    rec, wl, parent, child = run_msgq("--api", "posix", "--count", 400, "--size", 256)
    q = check_queue(rec, wl, parent, child, "posix", "mq_send", "mq_receive", wl["queue"]["ino"])
    eq(q["path_name"], wl["queue"]["name"].lstrip("/"), "queue name")
    eq(q["dev"], wl["queue"]["dev"], "queue device")
