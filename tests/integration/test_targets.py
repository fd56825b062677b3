# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Targets by name (--comm) and by cgroup (--cgroup): processes running
when tracing starts and those that exec (or join the cgroup) later are
counted exactly; a twin outside the selection is not counted at all."""
import os
import re
import signal
import subprocess
import time

from harness import (IPCSCOPE, START_DELAY_MS, Record, Skip, attached_in_time, eq, in_ci,
                     one_error_line, read_json, record, run_ipcscope, spawn, tmp,
                     wait_for_line, workload)

DELAY_MS = START_DELAY_MS   # the pre-existing workloads fork after it: tracing starts meanwhile


def pipe_run(out, count, size, delay=None):
    args = ["--count", count, "--size", size, "--out", out]
    if delay:
        args += ["--start-delay", delay]
    return workload("pipe", *args)


def check_pipe(rec, wl_json, what):
    w = read_json(wl_json)
    for p in w["pipes"]:
        o = rec.object(p["ino"])
        eq((o["bytes_in"], o["bytes_out"]), (p["bytes"], p["bytes"]), f"{what}: pipe bytes")
        eq([x["pid"] for x in o["writers"]], [p["writer_pid"]], f"{what}: writer")
        eq([x["pid"] for x in o["readers"]], [p["reader_pid"]], f"{what}: reader")


def not_traced(rec, wl_json, what):
    w = read_json(wl_json)
    pids = {p["pid"] for p in w["processes"]}
    seen = {p["pid"] for p in rec.json["processes"]} & pids
    eq(sorted(seen), [], f"{what}: processes traced")
    inos = {p["ino"] for p in w.get("pipes", [])}
    eq([o["ino"] for o in rec.objects(None, "pipe") if o["ino"] in inos], [],
       f"{what}: its pipe counted")


def test_comm_running_and_exec_later():
    before, later, other = tmp("before.json"), tmp("later.json"), tmp("other.json")
    running = spawn(pipe_run(before, 100, 100, DELAY_MS), stdout=subprocess.DEVNULL)
    started = time.monotonic()

    def load(ipcscope):
        assert time.monotonic() - started < DELAY_MS / 1000, "tracing started too late"
        # a program named pipe exec'd now, and one by another name
        subprocess.run(pipe_run(later, 7, 10), check=True, stdout=subprocess.DEVNULL)
        subprocess.run(workload("msgq", "--count", 50, "--out", other), check=True,
                       stdout=subprocess.DEVNULL)
        eq(running.wait(timeout=60), 0, "the running workload's exit status")
        ipcscope.send_signal(signal.SIGINT)

    rec = record(["--comm", "pipe"], ready=load)
    eq(rec.returncode, 0, f"exit status ({rec.stderr.strip()})")
    eq(rec.json["targets"]["comm"], "pipe", "targets.comm")
    check_pipe(rec, before, "running before tracing")
    check_pipe(rec, later, "exec'd while tracing")
    eq(rec.objects(None, "msgq"), [], "message queues of a process by another name")
    msgq_pids = {p["pid"] for p in read_json(other)["processes"]}
    eq(sorted(msgq_pids & {p["pid"] for p in rec.json["processes"]}), [],
       "processes by another name")


def test_a_process_that_joins_at_exec_is_counted_from_its_next_syscall():
    # A CPU remembers the last threads it saw make a syscall without being
    # a target, and skips their next syscalls without a lookup. A
    # shell that exec's a program --comm names joins at the exec: what the
    # CPU remembers of it is stale from then on. Here the shell, alone on
    # its CPU, exec's a copy of cat that reads 64 KiB already waiting in a
    # pipe, syscall after syscall: every one of its reads counts.
    cpus = sorted(os.sched_getaffinity(0))
    cpu = cpus[-1]
    cat = tmp("joincat")
    with open("/bin/cat", "rb") as src, open(cat, "wb") as dst:
        dst.write(src.read())
    os.chmod(cat, 0o755)
    # ten times: other threads' syscalls on that CPU between the exec and
    # the reads would hide a stale memory (they replace it), so one run
    # alone could miss it
    runs = 10
    script = (f"for i in $(seq {runs}); do "
              f"head -c 65536 /dev/zero | (sleep 0.05; exec {cat} > /dev/null); "
              "done; echo done")

    def load(ipcscope):
        # ipcscope and this test on the other CPUs: nothing of theirs on
        # the shell's CPU between its exec and its reads
        others = set(cpus[:-1]) or {cpu}
        os.sched_setaffinity(ipcscope.pid, others)
        saved = os.sched_getaffinity(0)
        os.sched_setaffinity(0, others)
        try:
            out = subprocess.run(["taskset", "-c", str(cpu), "sh", "-c", script],
                                 capture_output=True, text=True, timeout=60)
        finally:
            os.sched_setaffinity(0, saved)
        eq(out.stdout, "done\n", f"the shell ({out.stderr.strip()})")
        ipcscope.send_signal(signal.SIGINT)

    rec = record(["--comm", "joincat"], ready=load)
    eq(rec.returncode, 0, f"exit status ({rec.stderr.strip()})")
    reads = rec.op("anon", "read")
    eq((reads["bytes"], reads["errors"]), (runs * 65536, 0), "the exec'd readers' bytes")
    eq(reads["calls"] >= 2 * runs, True, f"their reads, the end of file's too ({reads})")


def cgroup2_root():
    with open("/proc/mounts") as f:
        for line in f:
            dev, path, fstype = line.split()[:3]
            if fstype == "cgroup2":
                return path
    return None


def test_cgroup_members_only():
    root = cgroup2_root()
    if not root:
        if in_ci():
            raise AssertionError("no cgroup2 mount on this machine")
        raise Skip("no cgroup2 mount")
    cg = os.path.join(root, f"ipcscope-test-{os.getpid()}")
    os.mkdir(cg)
    try:
        inside, twin, joined = tmp("inside.json"), tmp("twin.json"), tmp("joined.json")
        member = spawn(pipe_run(inside, 100, 100, DELAY_MS), stdout=subprocess.DEVNULL)
        with open(os.path.join(cg, "cgroup.procs"), "w") as f:
            f.write(str(member.pid))
        outsider = spawn(pipe_run(twin, 100, 100, DELAY_MS), stdout=subprocess.DEVNULL)
        started = time.monotonic()

        def load(ipcscope):
            assert time.monotonic() - started < DELAY_MS / 1000, "tracing started too late"
            # a shell that moves itself into the cgroup, then execs the workload
            cmd = " ".join(pipe_run(joined, 9, 10))
            subprocess.run(["sh", "-c", f"echo $$ > {cg}/cgroup.procs && exec {cmd}"],
                           check=True, stdout=subprocess.DEVNULL)
            eq(member.wait(timeout=60), 0, "the member's exit status")
            eq(outsider.wait(timeout=60), 0, "the outsider's exit status")
            ipcscope.send_signal(signal.SIGINT)

        rec = record(["--cgroup", cg], ready=load)
        eq(rec.returncode, 0, f"exit status ({rec.stderr.strip()})")
        eq(rec.json["targets"]["cgroup"], cg, "targets.cgroup")
        check_pipe(rec, inside, "in the cgroup before tracing")
        check_pipe(rec, joined, "joined the cgroup and exec'd while tracing")
        not_traced(rec, twin, "the same workload outside the cgroup")
    finally:
        remove_cgroup(cg)


def remove_cgroup(cg):
    """rmdir a cgroup once its processes are gone (their exit is reaped a
    moment after they are waited for)"""
    deadline = time.monotonic() + 10
    while os.path.isdir(cg):
        try:
            os.rmdir(cg)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_processes_carry_their_cgroup():
    # a container-shaped cgroup the test makes: the workload that moves
    # into it and execs, and its children, carry its path, the container
    # its name shows, and its unit, in the JSON, the text (--by cgroup)
    # and the graph; the shell that started it is not in it
    root = cgroup2_root()
    if not root:
        if in_ci():
            raise AssertionError("no cgroup2 mount on this machine")
        raise Skip("no cgroup2 mount")
    cid = f"{os.getpid():08x}" * 8
    top = os.path.join(root, f"ipcscope-test-{os.getpid()}")
    cg = os.path.join(top, f"docker-{cid}.scope")
    rel = cg[len(root):]
    os.makedirs(cg)
    try:
        out, graph = tmp("pipe.json"), tmp("graph.json")
        cmd = " ".join(pipe_run(out, 20, 100))
        rec = record(["--by", "cgroup", "--graph", graph],
                     ["sh", "-c", f"sh -c 'echo $$ > {cg}/cgroup.procs && exec {cmd}'; true"])
        eq(rec.returncode, 0, f"exit status ({rec.stderr.strip()})")
        pids = {p["pid"] for p in read_json(out)["processes"]}
        inside = [p for p in rec.json["processes"] if p["pid"] in pids]
        eq(len(inside), len(pids), "the workload's processes, all seen")
        for p in inside:
            eq((p["cgroup"], p["container"], p["unit"]),
               (rel, {"runtime": "docker", "id": cid}, f"docker-{cid}.scope"),
               f"process {p['pid']} {p['comm']}")
        outside = [p for p in rec.json["processes"] if p["pid"] not in pids]
        assert outside, "the outer shell was not seen"
        for p in outside:
            assert p["cgroup"] != rel, f"process {p['pid']} {p['comm']} put in the cgroup"
        assert f"  cgroup {rel} (docker container {cid[:12]})\n" in rec.stdout, rec.stdout
        nodes = [n for n in read_json(graph)["nodes"]
                 if n["type"] == "process" and n["pid"] in pids]
        assert nodes, "the workload is not in the graph"
        eq({n["cgroup"] for n in nodes}, {rel}, "the graph's cgroups")
    finally:
        remove_cgroup(cg)
        remove_cgroup(top)


def record_under_strace(args, started=None):
    """ipcscope record ARGS under strace -f (once it says it is tracing,
    checked against a workload started at `started` with a start delay):
    (its Record, strace's lines) once it has ended."""
    log, js = tmp("strace.txt"), tmp("rec.json")
    proc = spawn(["strace", "-f", "-q", "-e", "trace=bpf,close,execve", "-o", log,
                  IPCSCOPE, "record", "--json", js] + [str(a) for a in args],
                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if started is not None:
        wait_for_line(proc.stderr, "tracing started", timeout=60)
        attached_in_time(started)
    err = proc.communicate(timeout=120)[1]
    eq(proc.returncode, 0, f"exit status ({err.strip()[-500:]})")
    with open(log) as f:
        return Record(proc, "", err, js), f.read().splitlines()


def bpf_calls_while_attached(lines):
    """The bpf() calls from the last program attached to the first link
    closed (the detach): none may happen there. On 7.x a bpf() call
    preempted on a CPU holds the guard of the classic tracepoints'
    programs, and the kernel skips them on that CPU (skipped runs: the
    context switches of whoever runs there were lost)."""
    links = {}
    for i, l in enumerate(lines):
        m = re.search(r"BPF_(?:LINK_CREATE|RAW_TRACEPOINT_OPEN).*= (\d+)$", l)
        if m:
            links[m.group(1)] = i
    assert links, "no program attached in strace's log"
    attached = max(links.values())
    detached = next((i for i, l in enumerate(lines) if i > attached and
                     re.search(r" close\((\d+)\)", l) and
                     re.search(r" close\((\d+)\)", l).group(1) in links), None)
    assert detached, "no link closed in strace's log:\n" + "\n".join(lines[attached:][-30:])
    return [l for l in lines[attached + 1:detached] if " bpf(" in l]


def test_no_bpf_call_while_attached_command():
    # the command becomes a target in the kernel, at its exec (the child
    # added itself with a bpf() call before)
    out = tmp("pipe.json")
    rec, lines = record_under_strace(["--"] + pipe_run(out, 20, 100))
    eq(bpf_calls_while_attached(lines), [], "bpf() calls while attached")
    pids = {p["pid"] for p in read_json(out)["processes"]}
    eq(sorted(p["pid"] for p in rec.json["processes"] if p["pid"] in pids), sorted(pids),
       "the command's processes, traced")
    first = rec.process(min(pids))
    assert first["exec"] and not first["forked_while_traced"], first


def test_no_bpf_call_while_attached_pid():
    # -p: the pid goes into the map before the programs are attached, and
    # its end is read from /proc (it was a walk of the procs map every
    # 200 ms while the programs ran)
    out = tmp("pipe.json")
    started = time.monotonic()
    wl = spawn(pipe_run(out, 20, 100, DELAY_MS), stdout=subprocess.DEVNULL)
    rec, lines = record_under_strace(["-p", wl.pid], started)
    eq(wl.wait(timeout=60), 0, "the workload's exit status")
    eq(bpf_calls_while_attached(lines), [], "bpf() calls while attached")
    check_pipe(rec, out, "-p")


def test_no_bpf_call_while_attached_comm():
    # --comm: the running ones go into the map before the programs are
    # attached; a second look once attached adds only new ones (none here)
    out = tmp("pipe.json")
    started = time.monotonic()
    wl = spawn(pipe_run(out, 20, 100, DELAY_MS), stdout=subprocess.DEVNULL)
    rec, lines = record_under_strace(["--comm", "pipe", "-d", DELAY_MS / 1000 + 3], started)
    eq(wl.wait(timeout=60), 0, "the workload's exit status")
    eq(bpf_calls_while_attached(lines), [], "bpf() calls while attached")
    check_pipe(rec, out, "--comm")


def test_bad_selectors():
    one_error_line(run_ipcscope(["record", "--cgroup", "/nonexistent/cg"]), 1,
                   "--cgroup '/nonexistent/cg': No such file or directory")
    one_error_line(run_ipcscope(["record", "--cgroup", "/tmp"]), 1,
                   "is not a cgroup directory")
    one_error_line(run_ipcscope(["record", "--comm", "a-name-too-long-for-comm"]), 2,
                   "a process name has 1 to 15 characters")
    one_error_line(run_ipcscope(["record", "-a", "--comm", "x"]), 2,
                   "-a already traces every process: drop --comm")


def test_command_runs_as_another_user():
    # record -u USER -- CMD, as strace -u: the command has USER's ids and
    # groups, and is traced from its first instruction
    script = 'test "$(id -u)" = 65534 && test "$(id -g)" = "$(id -g nobody)"'
    rec = record(["-u", "nobody"], ["sh", "-c", script])
    eq(rec.returncode, 0, f"exit status ({rec.stderr.strip()})")
    eq(rec.json["targets"]["command_exit"], 0, "the command's own check of its ids")
    pid = rec.json["targets"]["command_pid"]
    assert rec.process(pid) and rec.process(pid)["syscalls"] > 0, "the command was not traced"
    proc = run_ipcscope(["record", "-u", "no-such-user-here", "--", "true"])
    one_error_line(proc, 1, "-u: no user 'no-such-user-here'")
    proc = run_ipcscope(["record", "-u", "nobody", "-a"])
    one_error_line(proc, 2, "-u runs the command as USER")
