# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""A thread's syscalls, context switches and what its calls added to its last
two endpoints are counted in its own in-flight entry, and added to its
process's record and endpoints when it exits; while it lives, ipcscope adds
them when it reports. Both ways, the figures are whole: exactly, for a
program whose every syscall is known."""
import os
import platform
import subprocess
import time

from harness import ROOT, Skip, eq, ipc_enter_probe, kernel_has, record, spawn, stop, tmp, wait_for_line

LIVE_SOURCE = os.path.join(ROOT, "tests", "integration", "data", "live64.c")

THREADS = r"""
import os, sys, threading
sys.stdin.read(1)                       # the go: tracing has started
def work():
    for _ in range(500):
        os.getppid()
ts = [threading.Thread(target=work) for _ in range(4)]
for t in ts:
    t.start()
for t in ts:
    t.join()                            # these threads are gone: folded
for _ in range(1000):
    os.getppid()                        # this one lives on: read live
print("done", flush=True)
sys.stdin.read()
"""


def process_state(pid):
    """R, S, D, Z... from /proc/PID/stat (after the name's last ')')"""
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[0]


def attach_and_report(argv, go="g", options=()):
    """Start argv, attach ipcscope to it (-p, and options), let it work,
    and report while it still runs. Returns (record, pid)."""
    proc = spawn(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        def ready(rec_proc):
            proc.stdin.write(go)
            proc.stdin.flush()
            wait_for_line(proc.stdout, "done", timeout=30)
            # stopped only once it sleeps in its last read: on a busy
            # machine it may print "done" and be preempted before it
            # reaches the read, whose switch the test counts
            deadline = time.monotonic() + 30
            while process_state(proc.pid) != "S" and time.monotonic() < deadline:
                time.sleep(0.01)
            stop(rec_proc)

        rec = record(["-p", proc.pid, *options], ready=ready)
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)
    eq(rec.returncode, 0, f"ipcscope exit status (stderr: {rec.stderr.strip()})")
    return rec, proc.pid


def live_process(options):
    """live64 (x86_64 assembly, every syscall known) attached with options:
    (record, pid, its process row)"""
    if platform.machine() != "x86_64":
        raise Skip(f"the syscall-exact program is x86_64 assembly (this is {platform.machine()})")
    exe = tmp("live64")
    subprocess.run(["gcc", "-static", "-nostdlib", "-O1", "-Wall", "-Werror", "-o", exe,
                    LIVE_SOURCE], check=True)
    rec, pid = attach_and_report([exe], options=options)
    p = rec.process(pid)
    assert p is not None, "the live process is missing from the report"
    assert not p["exited"], "the process had not exited"
    return rec, pid, p


def test_live_process_ipc_syscalls_exact():
    """By default only the IPC syscalls run ipcscope's programs, on their
    own tracepoints: the process's count is theirs, and says so (on 7.x,
    where those run their programs preemptible, every syscall: the
    fallback)"""
    rec, _, p = live_process(())
    if not kernel_has("ipc_hooks"):
        eq(rec.json["syscalls_counted"], "all", "fallback: what the syscall counts count")
        eq(p["syscalls"], 1000 + 1 + 600 + 1 + 1, "fallback: syscalls of the live process")
        assert "SYSCALLS: the IPC syscalls only" not in rec.stdout, rec.stdout
        return
    eq(rec.json["syscalls_counted"], "ipc", "what the syscall counts count")
    # 300 writes and 300 reads, the write of "done" and the read that waits
    # for stdin to close; not its 1000 getppid nor its pipe2
    eq(p["syscalls"], 600 + 1 + 1, "IPC syscalls of the live process")
    eq(rec.probe(ipc_enter_probe())["attached"], True,
       "the IPC syscalls' enter hooks")
    eq(rec.probe("tp_btf/sys_enter")["standby"], True, "every syscall's hook stands by")
    assert "SYSCALLS: the IPC syscalls only" in rec.stdout, \
        "the text report does not say what its SYSCALLS column counts"


def test_live_process_counts_exact():
    rec, pid, p = live_process(("--all-syscalls",))
    eq(rec.json["syscalls_counted"], "all", "what the syscall counts count")
    # its read for the go began before tracing: 1000 getppid, pipe2, 300
    # writes and 300 reads, the write of "done" and the read that waits
    # for stdin to close
    eq(p["syscalls"], 1000 + 1 + 600 + 1 + 1, "syscalls of the live process")
    assert p["voluntary_switches"] >= 1, "its blocking read gave up the CPU: no voluntary switch"
    # the pipe's write end went to the endpoints map when "done" took its
    # slot; its read end and stdout are in the live thread's entry only
    mine = [o for o in rec.objects("anon")
            if any(e["pid"] == pid for e in o["writers"] + o["readers"])]
    eq(sorted((o["ops_in"], o["bytes_in"], o["ops_out"], o["bytes_out"]) for o in mine),
       [(1, 5, 0, 0), (300, 900, 300, 900)], "the live process's pipes: its own and stdout")
    # the other end's read (ipcscope's own) is not counted: not a target


def test_exited_threads_and_live_thread_add_up():
    rec, pid = attach_and_report(["python3", "-c", THREADS], options=("--all-syscalls",))
    p = rec.process(pid)
    assert p is not None, "the process is missing from the report"
    # 4 x 500 getppid in threads that exited, 1000 in the live main thread;
    # thread start and exit, the print and the read add a few dozen
    assert 3000 <= p["syscalls"] <= 3300, f"syscalls {p['syscalls']}: not 3000 plus a few"
    assert p["voluntary_switches"] >= 1, "no voluntary switch counted"


# SysV message types: a thread's tallies for its last two (queue, type)
# pairs live in its entry. The main thread sends and receives one message of
# type 5, three of type 7, one of type 8 (which takes type 5's slot: type 5
# is in the map, types 7 and 8 only in the live thread's entry); a second
# thread is blocked in msgrcv for type 9, which nobody sends, when ipcscope
# reports: asked for, not received. The queue goes when stdin closes.
MSG_TYPES = r"""
import ctypes, sys, threading, time
libc = ctypes.CDLL(None, use_errno=True)
libc.msgrcv.restype = ctypes.c_ssize_t
class Msg(ctypes.Structure):
    _fields_ = [("mtype", ctypes.c_long), ("text", ctypes.c_char * 16)]
q = libc.msgget(0, 0o1600)              # IPC_PRIVATE, IPC_CREAT | 0600
assert q >= 0, ctypes.get_errno()
try:
    sys.stdin.read(1)                   # the go: tracing has started
    m = Msg()
    for t in (5, 7, 7, 7, 8):
        m.mtype = t
        assert libc.msgsnd(q, ctypes.byref(m), 16, 0) == 0
        assert libc.msgrcv(q, ctypes.byref(m), 16, t, 0) == 16
    waiter = threading.Thread(target=lambda: libc.msgrcv(q, ctypes.byref(Msg()), 16, 9, 0))
    waiter.start()
    wchan = f"/proc/self/task/{waiter.native_id}/wchan"
    for _ in range(1000):               # until it sleeps in msgrcv
        if "msgrcv" in open(wchan).read():
            break
        time.sleep(0.01)
    print("done", flush=True)
    sys.stdin.read()
finally:
    libc.msgctl(q, 0, None)             # IPC_RMID: the waiter returns EIDRM
"""


def test_live_threads_message_types():
    rec, pid = attach_and_report(["python3", "-c", MSG_TYPES])
    queues = rec.objects(kind="sysv", mech="msgq")
    eq(len(queues), 1, "queues seen")
    types = {t["type"]: (t["sent"], t["received"], t["requested"])
             for t in queues[0]["msg_types"]}
    eq(types, {5: (1, 1, 1), 7: (3, 3, 3), 8: (1, 1, 1), 9: (0, 0, 1)},
       "sent, received, asked for, by type")


# A thread other than the leader execs: it becomes the leader, with the
# leader's thread id, and its entry under its old id goes to the process
# (ipc_exec). Its 100 writes into a pipe before the exec count once, exactly;
# the program it runs then writes "done" into stdout.
NON_LEADER_EXEC = r"""
import os, sys, threading
r, w = os.pipe()
sys.stdin.read(1)                       # the go: tracing has started
def run():
    for _ in range(100):
        os.write(w, b"abc")
    os.execv("/bin/sh", ["sh", "-c", "echo done; cat > /dev/null"])
threading.Thread(target=run).start()
threading.Event().wait()
"""


def test_exec_from_a_thread_counts_once():
    rec, pid = attach_and_report(["python3", "-c", NON_LEADER_EXEC])
    p = rec.process(pid)
    assert p is not None, "the process is missing from the report"
    mine = sorted((e["calls"], e["bytes"]) for o in rec.objects("anon")
                  for e in o["writers"] if e["pid"] == pid)
    eq(mine, [(1, 5), (100, 300)], "the process's writes: its pipe, then stdout")
    assert p["syscalls"] >= 100 + 1, f"syscalls {p['syscalls']}: fewer than its writes"
