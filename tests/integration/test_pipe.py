"""Pipes and FIFOs traced end to end: every figure equals what the workload
says it did (workloads/pipe.c prints its own counts as JSON)."""
import os
import signal
import subprocess
import time

from harness import Skip, eq, read_json, record, spawn, tmp, workload  # noqa: F401


def run_pipe(*wl_args, record_args=()):
    """Run workloads/pipe under ipcscope; return (record, workload JSON)."""
    wl_json = tmp("workload.json")
    rec = record(list(record_args), workload("pipe", *wl_args, "--out", wl_json))
    eq(rec.returncode, 0, f"ipcscope exit status (stderr: {rec.stderr.strip()})")
    assert rec.json is not None, "ipcscope wrote no JSON"
    return rec, read_json(wl_json)


def check_exact(rec, wl, kind):
    """Totals, per-pipe bytes and the writer/reader pairing, all exact."""
    t = wl["totals"]
    eq(rec.op(kind, "write")["calls"], t["write_calls"], f"{kind} write calls")
    eq(rec.op(kind, "write")["bytes"], t["bytes_written"], f"{kind} write bytes")
    eq(rec.op(kind, "read")["calls"], t["read_calls"], f"{kind} read calls")
    eq(rec.op(kind, "read")["bytes"], t["bytes_read"], f"{kind} read bytes")
    eq(rec.op(kind, "write")["errors"], t["write_errors"], "write errors")
    eq(rec.op(kind, "read")["errors"], t["read_errors"], "read errors")
    # only the workload's pipes: its stdout is not a pipe, nothing else is traced
    eq(sorted(o["ino"] for o in rec.objects()), sorted(p["ino"] for p in wl["pipes"]),
       "pipes seen")
    for p in wl["pipes"]:
        o = rec.object(p["ino"])
        eq(o["kind"], kind, f"kind of pipe {p['ino']}")
        eq(o["dev"], p["dev"], f"device of pipe {p['ino']}")
        eq(o["bytes_in"], p["bytes"], f"bytes written into pipe {p['ino']}")
        eq(o["bytes_out"], p["bytes"], f"bytes read from pipe {p['ino']}")
        eq([w["pid"] for w in o["writers"]], [p["writer_pid"]], f"writers of pipe {p['ino']}")
        eq([r["pid"] for r in o["readers"]], [p["reader_pid"]], f"readers of pipe {p['ino']}")
    for wp in wl["processes"]:
        rp = rec.process(wp["pid"])
        assert rp is not None, f"workload process {wp['pid']} missing from the report"
        assert rp["exited"], f"process {wp['pid']} not marked exited"
        assert rp["syscalls"] >= wp["write_calls"] + wp["read_calls"], \
            f"process {wp['pid']}: {rp['syscalls']} syscalls < its pipe calls"
        calls_in = sum(w["calls"] for o in rec.objects() for w in o["writers"] if w["pid"] == wp["pid"])
        calls_out = sum(r["calls"] for o in rec.objects() for r in o["readers"] if r["pid"] == wp["pid"])
        eq(calls_in, wp["write_calls"], f"write calls of process {wp['pid']}")
        eq(calls_out, wp["read_calls"], f"read calls of process {wp['pid']}")


def test_anon_stream_1000x4096():
    rec, wl = run_pipe("--mode", "anon", "--count", 1000, "--size", 4096)
    eq(wl["totals"]["write_calls"], 1000, "workload write calls")
    eq(wl["totals"]["bytes_written"], 4096000, "workload bytes")
    check_exact(rec, wl, "anon")
    eq(rec.op("anon", "write")["calls"], 1000, "write calls")
    eq(rec.op("anon", "write")["bytes"], 4096000, "write bytes")
    eq(rec.copies("pipe")["copies_per_byte"], 2.0, "copies per payload byte")
    eq(rec.copies("pipe")["user_to_kernel_bytes"], 4096000, "bytes copied user->kernel")
    eq(rec.copies("pipe")["kernel_to_user_bytes"], 4096000, "bytes copied kernel->user")
    eq(rec.objects("fifo"), [], "FIFOs")
    eq(rec.json["drops_total"], 0, "drops")
    child = [p for p in wl["processes"] if p["role"] == "child"][0]
    assert rec.process(child["pid"])["forked_while_traced"], "child not seen forking"


def test_fifo_stream():
    rec, wl = run_pipe("--mode", "fifo", "--count", 500, "--size", 1000,
                       "--fifo-dir", os.path.dirname(tmp("x")))
    check_exact(rec, wl, "fifo")
    eq(rec.objects("anon"), [], "anonymous pipes")
    eq(rec.copies("pipe")["copies_per_byte"], 2.0, "copies per payload byte")


def test_anon_pingpong_pairs_both_directions():
    rec, wl = run_pipe("--pattern", "pingpong", "--count", 300, "--size", 64)
    check_exact(rec, wl, "anon")
    there, back = wl["pipes"]
    eq((there["writer_pid"], there["reader_pid"]), (back["reader_pid"], back["writer_pid"]),
       "ping-pong pipes go opposite ways")


def test_fifo_pingpong():
    rec, wl = run_pipe("--mode", "fifo", "--pattern", "pingpong", "--count", 200,
                       "--size", 128, "--fifo-dir", os.path.dirname(tmp("x")))
    check_exact(rec, wl, "fifo")


def test_unrelated_process_not_counted():
    # a busy untraced process with its own pipe, during the whole traced run
    other_json = tmp("other.json")
    other = spawn(workload("pipe", "--pattern", "pingpong", "--count", 100000000,
                           "--size", 16, "--out", other_json),
                  stdout=subprocess.DEVNULL)
    time.sleep(0.2)
    rec, wl = run_pipe("--count", 2000, "--size", 512)
    check_exact(rec, wl, "anon")
    assert rec.process(other.pid) is None, "untraced process appears in the report"
    other.terminate()
    other.wait()


def test_pid_attach_follows_later_fork():
    wl_json = tmp("workload.json")
    wl = spawn(workload("pipe", "--start-delay", 3000, "--count", 700, "--size", 300,
                        "--out", wl_json), stdout=subprocess.DEVNULL)
    started = time.monotonic()
    rec = record(["-p", str(wl.pid)], ready=lambda p: None, timeout=60)
    eq(rec.returncode, 0, f"ipcscope exit status (stderr: {rec.stderr.strip()})")
    assert time.monotonic() - started > 2.5, "workload finished before its start delay"
    eq(wl.wait(), 0, "workload exit status")
    w = read_json(wl_json)
    check_exact(rec, w, "anon")
    child = [p for p in w["processes"] if p["role"] == "child"][0]
    eq(rec.process(child["pid"])["ppid"], wl.pid, "child's parent")


def test_all_processes_mode():
    # -a runs until a signal: start the workload once tracing has started
    wl_json = tmp("workload.json")

    def run_workload_then_stop(ipcscope):
        spawn(workload("pipe", "--count", 400, "--size", 2048, "--out", wl_json),
              stdout=subprocess.DEVNULL).wait()
        ipcscope.send_signal(signal.SIGINT)

    rec = record(["-a", "--no-hist"], ready=run_workload_then_stop, timeout=60)
    eq(rec.returncode, 0, f"ipcscope exit status ({rec.stderr.strip()})")
    w = read_json(wl_json)
    for p in w["pipes"]:
        o = rec.object(p["ino"])
        eq(o["bytes_in"], p["bytes"], "bytes into the workload's pipe")
        eq(o["bytes_out"], p["bytes"], "bytes out of the workload's pipe")
        eq([x["pid"] for x in o["writers"]], [p["writer_pid"]], "writer")
        eq([x["pid"] for x in o["readers"]], [p["reader_pid"]], "reader")
    assert all(p["comm"] != "ipcscope" for p in rec.json["processes"]), "ipcscope traced itself"
