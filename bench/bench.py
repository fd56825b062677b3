#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""bench.py - how much ipcscope slows down the IPC it measures (`make bench`).

For each workload of bench/pingpong.c (round trips between two processes
pinned to one CPU), and for each tracer, it alternates an untraced run (A)
and a traced run (B) of the same size, A B A B ..., and compares the
workload's own timing: medians, min-max and the ratio traced/untraced.
Tracers: ipcscope (following the command, and system-wide with -a), an
empty BPF program on every hook ipcscope uses (the floor), the same timing
each syscall (the timing floors), and also naming each call's object and
counting each thread's switches (the objects floor), and, when they
are installed, a bpftrace counting script, syscount (libbpf-tools and bcc),
perf trace -s and strace -f -c. It also measures each tracer's start-up
time and peak RSS, and, with the kernel's BPF run-time statistics switched
on, the cost per event of every ipcscope probe against the empty program on
the same tracepoint. Writes bench/RESULTS.md and bench/ratios.svg.

Needs root, python3 (stdlib only) and `make all` plus the bench binaries
(`make bench` builds everything first). Run `bench/bench.py --help`.
"""
import argparse
import ctypes
import datetime
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
IPCSCOPE = os.path.join(BUILD, "ipcscope")
PINGPONG = os.path.join(BUILD, "bench", "pingpong")
EMPTY = os.path.join(BUILD, "bench", "empty")
LAUNCH = os.path.join(BUILD, "bench", "launch")
EMPTY_OBJ = os.path.join(BUILD, "bench", "empty.bpf.o")
TIMING_OBJ = os.path.join(BUILD, "bench", "timing.bpf.o")
FENTRY_OBJ = os.path.join(BUILD, "bench", "empty-fentry.bpf.o")
FENTRY_ONLY_OBJ = os.path.join(BUILD, "bench", "fentry-only.bpf.o")
SYSCALL_TPS_OBJ = os.path.join(BUILD, "bench", "syscall-tps.bpf.o")
TIMING_TPS_OBJ = os.path.join(BUILD, "bench", "timing-tps.bpf.o")
OBJECTS_TPS_OBJ = os.path.join(BUILD, "bench", "objects-tps.bpf.o")
FILTER_TPS_OBJ = os.path.join(BUILD, "bench", "filter-tps.bpf.o")
IPCSCOPE_OBJ = os.path.join(BUILD, "bpf", "ipcscope.bpf.o")
COUNT_BT = os.path.join(ROOT, "bench", "count.bt")

RUN_TIMEOUT_S = 600
READY_TIMEOUT_S = 120
STOP_TIMEOUT_S = 60

# name, what it is, ipcscope's slowdown target (None: no stated target)
WORKLOADS = [
    ("pipe-1", "1-byte ping-pong through two pipes (write/read)", 1.3),
    ("pipe-4k", "4 KiB ping-pong through two pipes (write/read)", 1.2),
    ("unix", "1-byte ping-pong over a Unix stream socketpair (write/read)", 1.2),
    ("tcp", "1-byte ping-pong over loopback TCP, TCP_NODELAY (send/recv)", None),
    ("msgq", "1-byte ping-pong through one SysV message queue (msgsnd/msgrcv)", None),
    ("bulk-1mib", "1 MiB written into a pipe, read in pieces, 1-byte reply", 1.05),
    ("getppid", "no IPC: getppid() in a loop, what every other process pays "
                "(with ipcscope-p, a process ipcscope does not trace)", None),
]
# round trips per run (pingpong's defaults: ~0.1-0.2 s untraced on one CPU)
DEFAULT_COUNTS = {"pipe-1": 20000, "pipe-4k": 15000, "unix": 10000,
                  "tcp": 5000, "msgq": 15000, "bulk-1mib": 300, "getppid": 200000}
STARTUP_TARGET_S = 0.05
# the parts of ipcscope's start-up its JSON report names (docs/json-schema.md)
STARTUP_PARTS = ("total_ms", "setup_ms", "libbpf_ms", "load_ms", "attach_ms")
# a traced workload: at most this much above the timing floor (its ratio)
TIMING_FLOOR_MARGIN = 0.05
# the floors, as the Targets table names them
FLOOR_NOTES = {"floor": "empty programs", "floor-timing": "+ timing every syscall",
               "floor-timing-systp": "+ timing, same hooks",
               "floor-objects": "objects floor"}
# a bystander's syscalls that are not IPC (getppid): at most this slowdown
BYSTANDER_NON_IPC_TARGET = 1.10
TRACE_TARGET_EPS = 1e6          # ipcscope trace: events per second, none lost
FLOOD_COUNT = 1000000           # events per producer per trace-throughput run
RSS_TARGET_KB = 30 * 1024

# tracer processes that are running, for cleanup on any way out
RUNNING = set()
BYSTANDER = []          # the idle process ipcscope-p traces, once started


def bystander_target():
    """An idle process for `record -p`: started once, stopped by cleanup()."""
    if not BYSTANDER:
        p = subprocess.Popen(["sleep", "86400"])
        RUNNING.add(p.pid)
        BYSTANDER.append(p.pid)
    return BYSTANDER[0]


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def write_whole(path, text):
    """path holds text whole, or what it held before: text goes to a new
    file beside it (0666 less the umask, as open() would make it), synced,
    then renamed over it; a failure removes the new file and raises."""
    d, name = os.path.split(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=d)
    try:
        mask = os.umask(0)
        os.umask(mask)
        os.fchmod(fd, 0o666 & ~mask)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            fd = -1
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        os.unlink(tmp)
        raise


# --- tracers ---------------------------------------------------------------

class Tracer:
    """One way of tracing a workload.

    kind "wrap": the tracer runs the workload itself (argv ends with it);
    start-up is launch until the workload's main() runs.
    kind "attach": the tracer is started first and watches the whole
    system; start-up is launch until it prints `ready` (a regex) on
    `ready_stream`; it is stopped with SIGINT after the workload.
    bursty: its cost comes in bursts of its own, not evenly per event (it
    stops the traced process at each syscall, or handles events in user
    space): its ratio is of whole runs, not of their fastest stretches.
    """

    def __init__(self, key, label, kind, argv, ready=None, ready_stream=None,
                 divisor=1, binary=None, package=None, env=None, is_ipcscope=False,
                 note="", bursty=False):
        self.key, self.label, self.kind = key, label, kind
        self.argv = argv            # function(workload argv, out dir) -> argv
        self.ready = re.compile(ready) if ready else None
        self.ready_stream = ready_stream
        self.divisor = divisor      # slow tracers run smaller workloads
        self.binary, self.package = binary, package
        self.env = env or {}
        self.is_ipcscope = is_ipcscope
        self.note = note
        self.bursty = bursty
        self.failure = None         # why it could not run, if it could not

    def missing(self):
        """Why this tracer cannot run here, or None."""
        if self.binary and not os.access(self.binary, os.X_OK):
            return f"not installed ({self.binary}; Debian package {self.package})"
        return None


def floor_tracer(key, label, obj, note):
    """bench/empty loading obj: a floor, attached system-wide."""
    return Tracer(key, label, "attach", lambda cmd, d: [EMPTY, obj],
                  ready=r"empty: attached (\d+) of (\d+) programs", ready_stream="stderr",
                  note=note)


def make_tracers(baseline=None):
    """Every tracer; with baseline (another build's ipcscope), that build's
    `record -- CMD` too, measured in the same rounds: before and after."""
    base = [Tracer("ipcscope-base", "baseline: ipcscope record -- CMD", "wrap",
                   lambda cmd, d: [baseline, "record", "--", *cmd],
                   binary=baseline, package="(--baseline)", is_ipcscope=True,
                   note=f"{baseline}, another build, the same way"),
            Tracer("ipcscope-base-p", "baseline: ipcscope record -p OTHER", "attach",
                   lambda cmd, d: [baseline, "record", "-p", str(bystander_target())],
                   ready=r"tracing started \((\d+) of (\d+) probes attached\)",
                   ready_stream="stderr", binary=baseline, package="(--baseline)",
                   note=f"{baseline}, another build, tracing one idle process: "
                        "its bystanders")] if baseline else []
    return [
        Tracer("ipcscope", "ipcscope record -- CMD", "wrap",
               lambda cmd, d: [IPCSCOPE, "record", "--json", startup_json(d), "--", *cmd],
               is_ipcscope=True,
               note="follows the command and its children; every probe attached (the "
                    "syscall programs on the IPC syscalls' own tracepoints)"),
        Tracer("ipcscope-all", "ipcscope record --all-syscalls -- CMD", "wrap",
               lambda cmd, d: [IPCSCOPE, "record", "--all-syscalls", "--json",
                               startup_json(d), "--", *cmd],
               is_ipcscope=True,
               note="the same, counting every syscall: the syscall programs on every "
                    "syscall (tp_btf sys_enter/sys_exit; raw_syscalls on 7.x)"),
        *base,
        Tracer("ipcscope-p", "ipcscope record -p OTHER", "attach",
               lambda cmd, d: [IPCSCOPE, "record", "-p", str(bystander_target())],
               ready=r"tracing started \((\d+) of (\d+) probes attached\)",
               ready_stream="stderr",
               note="traces one idle process, not the workload: what tracing "
                    "costs the processes it does not target (bystanders)"),
        Tracer("ipcscope-a", "ipcscope record -a", "attach",
               lambda cmd, d: [IPCSCOPE, "record", "-a", "--json", startup_json(d)],
               ready=r"tracing started \((\d+) of (\d+) probes attached\)",
               ready_stream="stderr", is_ipcscope=True,
               note="every process on the machine"),
        floor_tracer("floor", "empty BPF, every syscall", EMPTY_OBJ,
                     "bench/empty.bpf.c: a program returning 0 on each of ipcscope's hooks "
                     "with --all-syscalls (sys_enter/sys_exit: every syscall)"),
        floor_tracer("floor-timing", "empty BPF + timing every syscall", TIMING_OBJ,
                     "bench/empty.bpf.c built with FLOOR_TIMING: the same hooks, and "
                     "sys_enter/sys_exit time every syscall into one histogram (a per-thread "
                     "entry timestamp): the least a per-call latency tracer does"),
        floor_tracer("floor-fentry", "empty BPF, IPC syscalls by fentry", FENTRY_OBJ,
                     "bench/empty-fentry.bpf.c: the floor's hooks, but sys_enter/sys_exit "
                     "replaced by empty fentry/fexit programs on the IPC syscalls' entry "
                     "functions (kernels with fentry); the sys_exit_mmap/mremap/munmap/shmat "
                     "tracepoints stay"),
        floor_tracer("fentry-only", "empty BPF, no syscall tracepoint", FENTRY_ONLY_OBJ,
                     "floor-fentry with the mmap/mremap/munmap/shmat exits by fexit too: no "
                     "syscall tracepoint, so no task is moved to the slow syscall path"),
        floor_tracer("floor-systp", "empty BPF, same hooks", SYSCALL_TPS_OBJ,
                     "bench/empty-fentry.bpf.c built with FLOOR_SYSCALL_TPS: ipcscope's "
                     "default hooks, a program returning 0 on each: sys_enter/sys_exit "
                     "replaced by the IPC syscalls' own tracepoints (syscalls:sys_enter_write, "
                     "...), which a syscall without one (getppid) does not run"),
        floor_tracer("floor-timing-systp", "empty BPF + timing, same hooks", TIMING_TPS_OBJ,
                     "floor-systp built with FLOOR_TIMING too: the IPC syscalls' own "
                     "tracepoints time each call into one histogram, as floor-timing does on "
                     "every syscall: timing alone on the hooks `record -- CMD` and `-a` use"),
        floor_tracer("floor-filter", "empty BPF + a process filter, same hooks",
                     FILTER_TPS_OBJ,
                     "floor-systp built with FLOOR_FILTER: each program on the IPC syscalls' "
                     "own tracepoints and on sched_switch compares the caller's process id "
                     "(one helper call) with a target's, which no process has, as "
                     "libbpf-tools' tools do for -p PID: the least a tracer that follows some "
                     "processes costs those it does not follow (ipcscope follows a set: a "
                     "target's children join it)"),
        floor_tracer("floor-objects", "+ timing, objects and switches, same hooks",
                     OBJECTS_TPS_OBJ,
                     "floor-timing-systp built with FLOOR_OBJECTS too: the calls on an fd also "
                     "find the object behind it as ipcscope does (fd table, file, inode), the "
                     "SysV queue and semaphore calls take their id (msgsnd also reads the type it "
                     "sends, which per-type counts of a queue need), and each adds the call, "
                     "its bytes and its latency to that object's totals; "
                     "sched_switch counts each such thread's voluntary and involuntary "
                     "switches: the least a tracer does that reports what ipcscope reports "
                     "per object and per thread, without its filter, errors, per-process, "
                     "per-operation and who-talks-to-whom figures"),
        Tracer("bpftrace", "bpftrace count.bt", "wrap",
               lambda cmd, d: ["bpftrace", "-c", " ".join(cmd), COUNT_BT],
               binary=shutil.which("bpftrace") or "/usr/bin/bpftrace", package="bpftrace",
               note="bench/count.bt: counts 14 IPC syscalls, one histogram; system-wide"),
        Tracer("syscount", "syscount (libbpf-tools)", "attach",
               lambda cmd, d: ["stdbuf", "-oL", "/usr/sbin/syscount"],
               ready=r"Tracing syscalls", ready_stream="stdout",
               binary="/usr/sbin/syscount", package="libbpf-tools",
               note="counts every syscall, system-wide"),
        Tracer("syscount-bcc", "syscount-bpfcc (bcc)", "attach",
               lambda cmd, d: ["/usr/sbin/syscount-bpfcc"],
               ready=r"Tracing syscalls", ready_stream="stdout",
               binary="/usr/sbin/syscount-bpfcc", package="bpfcc-tools",
               env={"PYTHONUNBUFFERED": "1"},
               note="bcc's Python syscount, counting only"),
        Tracer("perf-trace", "perf trace -s", "wrap",
               lambda cmd, d: ["perf", "trace", "-s", "-o", os.path.join(d, "perf.out"),
                               "--", *cmd],
               divisor=4, binary=shutil.which("perf") or "/usr/bin/perf",
               package="linux-perf", note="summary only", bursty=True),
        Tracer("strace", "strace -f -c", "wrap",
               lambda cmd, d: ["strace", "-f", "-c", "-o", os.path.join(d, "strace.out"),
                               "--", *cmd],
               divisor=20, binary=shutil.which("strace") or "/usr/bin/strace",
               package="strace", note="ptrace: every syscall stops the process",
               bursty=True),
    ]


# --- processes ---------------------------------------------------------------

def wait4_timeout(pid, timeout):
    """wait4 with a deadline: (status, rusage) or None if still running."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            wpid, status, ru = os.wait4(pid, os.WNOHANG)
        except ChildProcessError:
            RUNNING.discard(pid)
            raise RuntimeError(f"process {pid} was reaped elsewhere") from None
        if wpid == pid:
            return status, ru
        if time.monotonic() > deadline:
            return None
        time.sleep(0.005)


def kill_and_reap(pid):
    try:
        os.kill(pid, signal.SIGKILL)
        os.wait4(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
    RUNNING.discard(pid)


def exit_text(status):
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    return f"exit status {os.WEXITSTATUS(status)}"


def tail(path, n=3):
    try:
        with open(path, errors="replace") as f:
            lines = [ln.strip() for ln in f if ln.strip()]
    except OSError:
        return ""
    return " | ".join(lines[-n:])


def why_failed(paths):
    """One line from a tracer's output that says why it failed."""
    for p in (paths["stderr"], paths["stdout"]):
        try:
            with open(p, errors="replace") as f:
                text = f.read()
        except OSError:
            continue
        if "Unable to find kernel headers" in text:
            return ("bcc compiles its BPF C at start-up and this kernel has no "
                    "headers (nor CONFIG_IKHEADERS)")
    # the checkout's own paths relative: RESULTS.md names no machine's
    line = tail(paths["stderr"], 1) or tail(paths["stdout"], 1)
    return line.replace(ROOT + os.sep, "")


def spawn(argv, outdir, env=None, name="run"):
    """Start argv through bench/launch (which passes signals on and writes
    the command's own peak RSS), stdout/stderr in files; returns (pid of
    the launcher, start_ns, paths)."""
    paths = {k: os.path.join(outdir, f"{name}.{k}") for k in ("stdout", "stderr", "rss")}
    full_env = dict(os.environ, **(env or {}))
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    # posix_spawn, not subprocess.Popen: a Popen dropped while its process
    # runs is reaped by the next Popen, and our own wait4 would then fail
    actions = [(os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
               (os.POSIX_SPAWN_OPEN, 1, paths["stdout"], flags, 0o644),
               (os.POSIX_SPAWN_OPEN, 2, paths["stderr"], flags, 0o644)]
    t0 = time.monotonic_ns()
    pid = os.posix_spawn(LAUNCH, [LAUNCH, paths["rss"], *argv], full_env,
                         file_actions=actions)
    RUNNING.add(pid)
    return pid, t0, paths


def read_rss(paths):
    """The command's ru_maxrss in KiB, as bench/launch wrote it."""
    try:
        with open(paths["rss"]) as f:
            return int(f.read().split()[1])
    except (OSError, IndexError, ValueError):
        return None


def read_workload_json(path):
    with open(path) as f:
        return json.load(f)


def workload_argv(wl, count, cpu, out):
    return [PINGPONG, "--mode", wl, "--count", str(count), "--cpu", str(cpu),
            "--out", out]


def run_untraced(wl, count, cpu, rundir):
    out = os.path.join(rundir, "wl.json")
    pid, t0, paths = spawn(workload_argv(wl, count, cpu, out), rundir)
    res = wait4_timeout(pid, RUN_TIMEOUT_S)
    RUNNING.discard(pid)
    if res is None:
        kill_and_reap(pid)
        raise RuntimeError(f"untraced {wl} took over {RUN_TIMEOUT_S} s")
    status, ru = res
    if status != 0:
        raise RuntimeError(f"untraced {wl}: {exit_text(status)}: {tail(paths['stderr'])}")
    j = read_workload_json(out)
    return {"ns_per_op": j["ns_per_op"], "best_ns_per_op": j["best_ns_per_op"],
            "elapsed_ns": j["elapsed_ns"], "count": count, "startup_ns": j["start_ns"] - t0,
            "maxrss_kb": read_rss(paths)}


def wait_ready(tr, pid, paths):
    """Poll the tracer's output until its ready line; (ok, when_ns, text)."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    path = paths[tr.ready_stream]
    while time.monotonic() < deadline:
        with open(path, errors="replace") as f:
            text = f.read()
        if tr.ready.search(text):
            return True, time.monotonic_ns(), text
        wpid, status, _ = os.wait4(pid, os.WNOHANG)
        if wpid == pid:
            RUNNING.discard(pid)
            return False, 0, (f"exited before it was ready ({exit_text(status)}): "
                              f"{why_failed(paths)}")
        time.sleep(0.001)
    return False, 0, f"not ready after {READY_TIMEOUT_S} s"


def stop_tracer(pid):
    """SIGINT, then wait; (status, rusage). SIGKILL if it will not stop."""
    try:
        os.kill(pid, signal.SIGINT)
    except ProcessLookupError:
        pass
    res = wait4_timeout(pid, STOP_TIMEOUT_S)
    if res is None:
        kill_and_reap(pid)
        raise RuntimeError(f"tracer did not stop within {STOP_TIMEOUT_S} s of SIGINT")
    RUNNING.discard(pid)
    return res


def startup_json(rundir):
    """Where ipcscope writes its JSON report: its `startup` says where the
    start-up went, its `probes` where each program runs (written after the
    workload, outside its timing)"""
    return os.path.join(rundir, "ipcscope.json")


def read_report(rundir):
    """From ipcscope's JSON report: its own account of its start-up,
    {part: ms, "programs": {name: ms}}, and its probes (docs/json-schema.md);
    each None when not there (another tracer, an older build)"""
    try:
        with open(startup_json(rundir)) as f:
            j = json.load(f)
        os.unlink(startup_json(rundir))
    except (OSError, ValueError):
        return None, None
    probes = j.get("probes") if isinstance(j.get("probes"), list) else None
    st = j.get("startup")
    if not isinstance(st, dict):
        return None, probes
    parts = {k: st[k] for k in STARTUP_PARTS if isinstance(st.get(k), (int, float))}
    parts["programs"] = {p["program"]: p["load_ms"] for p in probes or []
                         if isinstance(p.get("load_ms"), (int, float))}
    parts["load_parts"] = st.get("load_parts") if isinstance(st.get("load_parts"), int) else 1
    return parts, probes


def startup_parts_report(runs, tracers):
    """Where ipcscope's start-up went, as its JSON reports say (medians of
    its runs), and the programs the kernel took longest to load"""
    rows, progs = [], {}
    for tr in tracers:
        got = [r["startup_parts"] for (w, k, c), rs in runs.items() if k == tr.key
               for r in rs if r.get("startup_parts")]
        if not got:
            continue
        cells = []
        for part in STARTUP_PARTS:
            vals = [g[part] for g in got if part in g]
            cells.append(f"{med(vals):.1f}" if vals else "-")
        rows.append(f"| {tr.label} | " + " | ".join(cells) + f" | {len(got)} |")
        if tr.key == "ipcscope":
            for g in got:
                for name, ms in g["programs"].items():
                    progs.setdefault(name, []).append(ms)
    if not rows:
        return []
    L = ["### Where ipcscope's start-up goes", "",
         "From its JSON report (`startup`, `probes[].load_ms`): from loading to the "
         "last probe attached (the start-up above also has the process's launch and "
         "the command's), in four parts: the object opened and set up; libbpf before "
         "the first program (the kernel's BTF read and parsed, CO-RE relocations, the "
         "maps made, the copies of the object opened); the kernel loading the "
         "programs, in copies of the object loaded at once, one thread each "
         "(`startup.load_parts`), each copy's programs one after another (the "
         "verifier and the JIT: each program's from the kernel's record of when its "
         "load began to the next one's of its copy); attaching (`-- CMD`: no targets "
         "to put in the map first). Milliseconds, medians.", "",
         "| Tracer | Total | Set-up | libbpf before the programs | Loading the programs "
         "| Attaching | Runs |", "|---|---|---|---|---|---|---|"]
    L.extend(rows)
    L.append("")
    if progs:
        top = sorted(progs.items(), key=lambda kv: -med(kv[1]))
        total = sum(med(v) for _, v in top)
        nparts = sorted({g["load_parts"] for (w, k, c), rs in runs.items() if k == "ipcscope"
                         for r in rs for g in [r.get("startup_parts") or {}]
                         if "load_parts" in g})
        L.append(f"`ipcscope record -- CMD`: the kernel's load of each program, "
                 f"median ms ({len(top)} programs, {total:.1f} ms in all, in "
                 f"{' or '.join(map(str, nparts)) or '?'} copies of the object at once; "
                 f"the start-up target is {STARTUP_TARGET_S * 1000:.0f} ms):")
        L.append("")
        L.append("| Program | ms |")
        L.append("|---|---|")
        for name, v in top:
            L.append(f"| {name} | {med(v):.1f} |")
        L.append("")
    return L


def run_traced(tr, wl, count, cpu, rundir, between=None):
    """One traced run. between = (before(pid), after(pid)), called around the
    workload of an attach tracer: the probe-cost phase reads BPF stats."""
    out = os.path.join(rundir, "wl.json")
    cmd = workload_argv(wl, count, cpu, out)
    argv = tr.argv(cmd, rundir)
    pid, t0, paths = spawn(argv, rundir, tr.env, name="tracer")
    extra = {}
    if tr.kind == "attach":
        ok, ready_ns, text = wait_ready(tr, pid, paths)
        if not ok:
            kill_and_reap(pid)
            raise RuntimeError(text)
        m = tr.ready.search(text)
        if m and m.groups():
            extra["attached"] = f"{m.group(1)} of {m.group(2)}"
        startup = ready_ns - t0
        tpid = launched_pid(pid) if between else None
        before = between[0](tpid) if between else None
        wpid, wt0, wpaths = spawn(cmd, rundir, name="workload")
        res = wait4_timeout(wpid, RUN_TIMEOUT_S)
        RUNNING.discard(wpid)
        after = between[1](tpid) if between else None
        if between:
            # the same time again without the workload: what the rest of
            # the machine made the probes do meanwhile
            time.sleep((time.monotonic_ns() - wt0) / 1e9)
            extra["idle"] = between[1](tpid)
        status, ru = stop_tracer(pid)
        if res is None:
            kill_and_reap(wpid)
            raise RuntimeError(f"workload took over {RUN_TIMEOUT_S} s")
        if res[0] != 0:
            raise RuntimeError(f"workload: {exit_text(res[0])}: {tail(wpaths['stderr'])}")
        if status != 0 and not (os.WIFSIGNALED(status) and
                                os.WTERMSIG(status) == signal.SIGINT):
            raise RuntimeError(f"tracer: {exit_text(status)}: {why_failed(paths)}")
        if between:
            extra["stats"] = (before, after)
        if tr.is_ipcscope:
            parts, probes = read_report(rundir)
            if parts:
                extra["startup_parts"] = parts
            if probes:
                extra["probes"] = probes
        j = read_workload_json(out)
    else:
        res = wait4_timeout(pid, RUN_TIMEOUT_S)
        if res is None:
            kill_and_reap(pid)
            raise RuntimeError(f"traced run took over {RUN_TIMEOUT_S} s")
        RUNNING.discard(pid)
        status, ru = res
        if status != 0:
            raise RuntimeError(f"{exit_text(status)}: {why_failed(paths)}")
        j = read_workload_json(out)
        startup = j["start_ns"] - t0
        parts = read_report(rundir)[0] if tr.is_ipcscope else None
        if parts:
            extra["startup_parts"] = parts
    return dict({"ns_per_op": j["ns_per_op"], "best_ns_per_op": j["best_ns_per_op"],
                 "elapsed_ns": j["elapsed_ns"], "count": count, "startup_ns": startup,
                 "maxrss_kb": read_rss(paths)}, **extra)


def cleanup():
    for pid in list(RUNNING):
        try:
            os.kill(pid, signal.SIGINT)
        except ProcessLookupError:
            pass
        try:
            if wait4_timeout(pid, 10) is None:
                kill_and_reap(pid)
        except RuntimeError:
            pass
        RUNNING.discard(pid)


# --- BPF statistics -----------------------------------------------------------

class BpfStats:
    """Switches the kernel's BPF run-time statistics on while open: the
    BPF_ENABLE_STATS command (the same switch as kernel.bpf_stats_enabled,
    but released by the kernel when the fd is closed, even if we crash);
    the sysctl, restored afterwards, where that command is missing."""

    SYS_BPF = {"x86_64": 321, "aarch64": 280, "riscv64": 280, "ppc64le": 361,
               "s390x": 351}
    SYSCTL = "/proc/sys/kernel/bpf_stats_enabled"

    def __init__(self):
        self.fd = -1
        self.old_sysctl = None

    def __enter__(self):
        nr = self.SYS_BPF.get(platform.machine())
        if nr is not None:
            libc = ctypes.CDLL(None, use_errno=True)
            attr = (ctypes.c_uint64 * 16)()     # enable_stats.type = BPF_STATS_RUN_TIME (0)
            self.fd = libc.syscall(nr, 32, ctypes.byref(attr), ctypes.sizeof(attr))
        if self.fd < 0:
            with open(self.SYSCTL) as f:
                self.old_sysctl = f.read().strip()
            with open(self.SYSCTL, "w") as f:
                f.write("1")
        return self

    def __exit__(self, *exc):
        if self.fd >= 0:
            os.close(self.fd)
        elif self.old_sysctl is not None:
            with open(self.SYSCTL, "w") as f:
                f.write(self.old_sysctl)


def launched_pid(launcher):
    """The command bench/launch started (its only child)."""
    with open(f"/proc/{launcher}/task/{launcher}/children") as f:
        return int(f.read().split()[0])


def prog_stats(pid):
    """{prog_id: (run_time_ns, run_cnt)} for the BPF programs pid holds."""
    stats = {}
    fddir = f"/proc/{pid}/fd"
    for fd in os.listdir(fddir):
        try:
            if os.readlink(os.path.join(fddir, fd)) != "anon_inode:bpf-prog":
                continue
            with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                info = dict(ln.split(":", 1) for ln in f if ":" in ln)
        except OSError:
            continue
        stats[int(info["prog_id"])] = (int(info.get("run_time_ns", 0)),
                                       int(info.get("run_cnt", 0)))
    return stats


def prog_names(ids):
    """{prog_id: full name} from bpftool (names longer than 15 come from BTF)."""
    bpftool = shutil.which("bpftool") or "/usr/sbin/bpftool"
    out = subprocess.run([bpftool, "prog", "show", "-j"], capture_output=True,
                         text=True, check=True).stdout
    return {p["id"]: p.get("name", "?") for p in json.loads(out) if p["id"] in ids}


def snap_before(pid):
    """Names first (bpftool's own syscalls fall before the window), then stats."""
    names = prog_names(set(prog_stats(pid)))
    return prog_stats(pid), names


def snap_after(pid):
    """Stats only (reading /proc is cheap; bpftool would add events)."""
    return prog_stats(pid), None


def object_sections(obj):
    """{program name: section} of a BPF object file, from llvm-objdump."""
    tool = shutil.which("llvm-objdump") or shutil.which("llvm-objdump-14")
    if not tool or not os.path.exists(obj):
        return {}
    out = subprocess.run([tool, "-t", obj], capture_output=True, text=True).stdout
    secs = {}
    for ln in out.splitlines():
        parts = ln.split()
        # "0000000000000000 g     F tp/sched/sched_switch	0000000000000360 ipc_switch"
        if len(parts) >= 6 and parts[2] == "F" and "/" in parts[3]:
            secs[parts[-1]] = parts[3]
    return secs


def hook_of(section):
    """The event a section attaches to, for matching ipcscope with the floor."""
    return section.split("/")[-1]


class IpcHooks:
    """Where each of ipcscope's programs ran, from its JSON report's
    `probes` (a `record -a` run of the probe-cost phase): its hooks (each
    tracepoint of a program on several, else the event its section names),
    its label, whether it was attached. Without a report: the sections of
    the object, one hook each."""

    def __init__(self, probes, sections):
        self.sections = sections
        self.by_prog = {p["program"]: p for p in probes or []
                        if isinstance(p, dict) and "program" in p}

    def hooks(self, name, floor_by_hook):
        """The events program name runs on. A program on the IPC syscalls'
        own tracepoints measured against a floor on every syscall (whose
        empty programs are on none of them): the every-syscall event its
        section names, which that floor has."""
        tps = (self.by_prog.get(name) or {}).get("tracepoints") or []
        hooks = tuple(t.split(":", 1)[-1] for t in tps)
        if any(h in floor_by_hook for h in hooks):
            return hooks
        return (hook_of(self.sections.get(name, "?")),)

    def label(self, name):
        """The hook column of the probe-cost tables: ipcscope's own name"""
        p = self.by_prog.get(name)
        return p["name"] if p and p.get("name") else self.sections.get(name, "?")

    def attached(self):
        """The programs that ran (all of the object's without a report)"""
        if not self.by_prog:
            return set(self.sections)
        return {n for n, p in self.by_prog.items() if p.get("attached")}


def reported_probes(cost):
    """ipcscope's `probes` (docs/json-schema.md), as the report of a
    `record -a` run of the probe-cost phase has them, or None"""
    return next((c["probes"] for (k, _), c in (cost or {}).items()
                 if k == "ipcscope-a" and c.get("probes")), None)


def floor_sum(progs, name, hooks, floor_by_hook):
    """The floor's (run time, runs) on the hooks of ipcscope's program name,
    from progs ({floor program: (time, runs, ...)})"""
    t = n = 0
    for h in hooks.hooks(name, floor_by_hook):
        f = progs.get(floor_by_hook.get(h, ""))
        if f:
            t, n = t + f[0], n + f[1]
    return t, n


# --- statistics -----------------------------------------------------------------

def med(xs):
    return statistics.median(xs) if xs else None


# A run's time per round trip: that of the fastest of the 20 equal stretches
# of its timed loop (pingpong's best_ns_per_op). Interference (another VM on
# the host, an interrupt, a daemon) only ever adds time, and on this machine
# it comes in bursts that can take a third of a run: the fastest stretch
# keeps the operation's own cost, traced or not, when that cost is the same
# for every event, as it is for the tracers that count in the kernel. In an
# 11-round run its pair ratios' interquartile range was a fifth of the
# whole runs' on pipe-1 (ipcscope -a: 1.51-1.57x against 1.25-1.82x). A
# bursty tracer (strace, perf trace) is judged by whole runs: its fastest
# stretch hides its cost (strace: 11x against 88x). The whole-run ratio is
# reported beside it for every tracer.
RATE = "best_ns_per_op"


def rate_of(tr):
    return "ns_per_op" if tr.bursty else RATE


def summarize(runs, rate=RATE):
    v = [r[rate] for r in runs]
    return {"n": len(v), "median": med(v), "min": min(v) if v else None,
            "max": max(v) if v else None}


# --- the run ----------------------------------------------------------------------

def install_tracers(tracers):
    pkgs = sorted({t.package for t in tracers if t.package and t.missing()})
    if not pkgs:
        log("every tracer is installed already")
        return
    if not shutil.which("apt-get"):
        log(f"no apt-get: install {' '.join(pkgs)} by hand")
        return
    log(f"installing {' '.join(pkgs)} (apt-get)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
    r = subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends",
                        *pkgs], env=env)
    if r.returncode:
        log("apt-get install failed: those tracers will show as not installed")


def leftovers():
    """Processes a tracer left behind that still hold kernel work: ipcscope
    hands the last closes of its per-syscall tracepoints' perf events to a
    process of its own, which takes about a second after ipcscope exits"""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/comm") as f:
                if f.read().strip() == "ipcscope":
                    found.append(int(pid))
        except OSError:
            continue
    return found


def settle(args, timeout=10):
    """Rest before a run: once the last tracer's leftovers are gone (their
    closes disturb whatever runs meanwhile: an untraced pipe-1 run took
    16.5 us instead of 13.8 beside them), the kernel frees the last
    tracer's programs and events after it exits: let that finish too"""
    deadline = time.monotonic() + timeout
    while leftovers() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(args.settle)


def turn_order(tracers, rnd):
    """The tracers in round rnd's order: rotated by one each round, so that
    no tracer always runs just after another"""
    k = rnd % len(tracers) if tracers else 0
    return tracers[k:] + tracers[:k]


def measure_slowdown(args, tracers, workloads, tmp):
    """A B A B for each workload and tracer; returns {(wl, key): [runs]}."""
    runs = {}
    seq = 0
    usable = [t for t in tracers if not t.failure]
    if not usable:
        return runs
    for wl, _, _ in workloads:
        base = max(1, int(DEFAULT_COUNTS[wl] * args.scale))
        for rnd in range(args.rounds):
            for tr in turn_order(usable, rnd):
                if tr.failure:
                    continue
                count = max(1, base // tr.divisor)
                d = tempfile.mkdtemp(dir=tmp)
                settle(args)
                a = run_untraced(wl, count, args.cpu, d)
                settle(args)
                try:
                    b = run_traced(tr, wl, count, args.cpu, d)
                except RuntimeError as e:
                    tr.failure = str(e).replace("|", "/")
                    log(f"{tr.label}: {e}: left out from here on")
                    continue
                seq += 1
                a["pair"] = b["pair"] = seq
                runs.setdefault((wl, "none", count), []).append(a)
                runs.setdefault((wl, tr.key, count), []).append(b)
                rate = rate_of(tr)
                log(f"{wl} round {rnd + 1}/{args.rounds} {tr.key}: "
                    f"untraced {a[rate] / 1000:.2f} us, traced "
                    f"{b[rate] / 1000:.2f} us ({b[rate] / a[rate]:.2f}x)")
    return runs


def cost_floor_key(by_key):
    """The floor the probes are measured against: the empty programs on the
    hooks `record -a` uses by default (the IPC syscalls' own tracepoints),
    or, where that floor cannot load, the one on every syscall"""
    systp = by_key.get("floor-systp")
    return "floor-systp" if systp is not None and not systp.failure else "floor"


# the tracers the probe-cost phase measures, beside the empty programs
# (cost_floor_key): the timing floor and the objects floor on the same
# hooks, ipcscope tracing the workload (-a) and tracing another process
# (-p OTHER: the workload a bystander), and the filter floor (what a
# bystander pays at the least)
COST_KEYS = ("floor-timing-systp", "floor-objects", "ipcscope-a", "ipcscope-p",
             "floor-filter")


def measure_probe_cost(args, tracers, workloads, tmp):
    """Per-program run time and events during each workload, for ipcscope -a
    and the floors, with the kernel's BPF statistics on. The tracers take
    turns within each round (as in measure_slowdown), so that a stretch of
    this machine's slow speed falls on each of them alike."""
    by_key = {t.key: t for t in tracers}
    cost = {}     # (tracer key, wl) -> {name: [run_time_ns, run_cnt]}, plus counts
    with BpfStats():
        for wl, _, _ in workloads:
            count = max(1, int(DEFAULT_COUNTS[wl] * args.scale))
            usable = [by_key[k] for k in (cost_floor_key(by_key),) + COST_KEYS
                      if k in by_key and not by_key[k].failure]  # --tracers chose
            failed = set()
            for rnd in range(args.cost_rounds):
                for tr in turn_order(usable, rnd):
                    if tr.key in failed:
                        continue
                    c = cost.setdefault((tr.key, wl), {"progs": {}, "round_trips": 0,
                                                       "probes": None})
                    d = tempfile.mkdtemp(dir=tmp)
                    try:
                        r = run_traced(tr, wl, count, args.cpu, d,
                                       between=(snap_before, snap_after))
                    except RuntimeError as e:
                        log(f"probe cost, {tr.label}, {wl}: {e}")
                        failed.add(tr.key)
                        continue
                    (before, names), (after, _) = r["stats"]
                    c["probes"] = r.get("probes", c["probes"])
                    idle = r["idle"][0]
                    for pid_, (t1, c1) in after.items():
                        t0, c0 = before.get(pid_, (0, 0))
                        t2, c2 = idle.get(pid_, (t1, c1))
                        # [time, events] with the workload, then in an
                        # equally long window after it
                        acc = c["progs"].setdefault(names.get(pid_, str(pid_)), [0, 0, 0, 0])
                        acc[0] += t1 - t0
                        acc[1] += c1 - c0
                        acc[2] += t2 - t1
                        acc[3] += c2 - c1
                    c["round_trips"] += count
            for tr in usable:
                c = cost.get((tr.key, wl))
                if c is None or not c["round_trips"]:
                    cost.pop((tr.key, wl), None)
                    continue
                log(f"probe cost {wl} {tr.key}: {bpf_ns_per_round_trip(c):.0f} ns "
                    "of BPF per round trip, net of the background")
    return cost


def bpf_ns_per_round_trip(c):
    """A probe-cost entry's BPF time per round trip, net of the background:
    the run time in the windows after the workload runs subtracted."""
    return sum(v[0] - v[2] for v in c["progs"].values()) / max(c["round_trips"], 1)


def bpf_runs_per_round_trip(c):
    """A probe-cost entry's program runs per round trip, net of the
    background, as bpf_ns_per_round_trip"""
    return sum(v[1] - v[3] for v in c["progs"].values()) / max(c["round_trips"], 1)


# --- the report -------------------------------------------------------------------

def measure_trace_throughput(args, tmp):
    """ipcscope trace against pingpong's flood (one IPC syscall, one event,
    per ~0.2 us untraced): one producer on the workload CPU, then one per
    CPU. Rate: the producers' events over their timed loops. The trace
    reader runs where the scheduler puts it; its text goes to /dev/null."""
    ncpu = os.cpu_count() or 1
    count = max(1000, int(FLOOD_COUNT * args.scale))
    layouts = [("1 producer", [args.cpu])]
    if ncpu > 1:
        layouts.append((f"{ncpu} producers, one per CPU", list(range(ncpu))))
    out = []
    for label, cpus in layouts:
        rows = []
        for rnd in range(args.cost_rounds):
            d = tempfile.mkdtemp(dir=tmp)
            outs = [os.path.join(d, f"flood{i}.json") for i in range(len(cpus))]
            cmd = " & ".join(f"{PINGPONG} --mode flood --count {count} --cpu {c} --out {o}"
                             for c, o in zip(cpus, outs)) + "; wait"
            err = os.path.join(d, "trace.err")
            settle(args)
            with open(err, "w") as ef, open(os.devnull, "w") as null:
                st = subprocess.run([IPCSCOPE, "trace", "--", "sh", "-c", cmd],
                                    stdout=null, stderr=ef, timeout=RUN_TIMEOUT_S)
            text = open(err).read()
            m = re.search(r"(\d+) events, (\d+) lost", text)
            if st.returncode != 0 or not m or not all(os.path.exists(o) for o in outs):
                log(f"trace throughput, {label}: failed: {text.strip()[-200:]}")
                break
            flood = [read_workload_json(o) for o in outs]
            elapsed = max(f["elapsed_ns"] for f in flood)
            rows.append({"events": int(m.group(1)), "lost": int(m.group(2)),
                         "eps": count * len(cpus) / (elapsed / 1e9)})
            log(f"trace throughput, {label}, round {rnd + 1}: "
                f"{rows[-1]['eps'] / 1e6:.2f} M events/s, {rows[-1]['lost']} lost")
        if rows:
            out.append({"label": label, "count": count, "rows": rows})
    base = []
    for _ in range(args.cost_rounds):
        d = tempfile.mkdtemp(dir=tmp)
        o = os.path.join(d, "flood.json")
        subprocess.run([PINGPONG, "--mode", "flood", "--count", str(count), "--cpu",
                        str(args.cpu), "--out", o], check=True, timeout=RUN_TIMEOUT_S)
        base.append(count / (read_workload_json(o)["elapsed_ns"] / 1e9))
    return {"layouts": out, "untraced_eps": med(base)}


def trace_throughput_report(tt):
    if not tt or not tt["layouts"]:
        return []
    L = ["## trace: events per second", "",
         "`ipcscope trace -- sh -c 'pingpong --mode flood ...'`: each producer "
         "makes non-blocking reads of an empty pipe, each an IPC syscall that "
         "fails at once, so each is one event. Rate: the producers' events over "
         "their timed loops; lost: events the ring buffer (8 MiB, the default) "
         "had no room for, as `trace` reports them. One producer untraced makes "
         f"{tt['untraced_eps'] / 1e6:.2f} M syscalls/s: traced, the producer's own "
         "probes, not the reader, set the pace.", "",
         "| Producers | Events per producer per run | Runs | M events/s, median [min-max] | Lost, total |",
         "|---|---|---|---|---|"]
    for lay in tt["layouts"]:
        eps = [r["eps"] for r in lay["rows"]]
        L.append(f"| {lay['label']} | {lay['count']} | {len(eps)} | "
                 f"{med(eps) / 1e6:.2f} [{min(eps) / 1e6:.2f}-{max(eps) / 1e6:.2f}] | "
                 f"{sum(r['lost'] for r in lay['rows'])} |")
    L.append("")
    return L


def sh(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True,
                              timeout=20).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine_info():
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for ln in f:
                if ln.startswith("model name"):
                    model = ln.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    rev = sh(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]) or "?"
    if sh(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"]):
        rev += " (with uncommitted changes)"
    return {"cpu": model, "cores": os.cpu_count(), "kernel": platform.release(),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "revision": rev}


def tool_versions():
    def pkg(p):
        return sh(["dpkg-query", "-W", "-f", "${Version}", p]) or "?"
    return {
        "bpftrace": sh(["bpftrace", "--version"]) if shutil.which("bpftrace") else "",
        "perf": sh(["perf", "--version"]) if shutil.which("perf") else "",
        "strace": (sh(["strace", "-V"]).splitlines() or [""])[0] if shutil.which("strace") else "",
        "libbpf-tools": pkg("libbpf-tools"), "bpfcc-tools": pkg("bpfcc-tools"),
    }


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


# the 1-minute load above which the report calls the machine busy
QUIET_LOAD = 0.5


def load_1min(load=None):
    """The 1-minute load average in `load` (a loadavg() string; read now
    when None), or None if it cannot be read"""
    try:
        return float((loadavg() if load is None else load).split()[0])
    except (ValueError, IndexError):
        return None


def wait_for_quiet(limit, read=load_1min, sleep=time.sleep, now=time.monotonic, say=None):
    """Wait up to `limit` seconds for the 1-minute load to fall to
    QUIET_LOAD, saying so (through `say`, log by default) when it waits;
    returns the seconds waited. `make bench` builds first, and a fresh
    checkout's build leaves that load at 0.7 or more when the measuring
    starts (0.21 before `make bench`, 0.71 after its build, on 2026-12-07),
    which marked a run on an idle machine busy"""
    say = say or log
    t0 = now()
    first = True
    while True:
        load = read()
        waited = now() - t0
        if load is None or load <= QUIET_LOAD or waited >= limit:
            if waited >= 1:
                say(f"waited {waited:.0f} s for the 1-minute load to fall to "
                    f"{QUIET_LOAD}: {load if load is not None else '?'}")
            return waited
        if first:
            say(f"1-minute load {load:.2f}: waiting up to {limit:.0f} s for it to fall "
                f"to {QUIET_LOAD} (--quiet-wait)")
            first = False
        sleep(min(5.0, max(0.0, limit - waited)))


def us(ns):
    return "-" if ns is None else f"{ns / 1000:.2f}"


def fmt_ratio(x):
    if x is None:
        return "-"
    return f"{x:.2f}x" if x < 10 else f"{x:.0f}x"


def ratios(runs, wl, tr):
    """(median pair ratio, min pair ratio, max pair ratio, traced, untraced,
    count, median pair ratio of the whole runs).

    A pair is a traced run and the untraced run made just before it: the
    median of their ratios, not the ratio of the two medians, because this
    machine's speed drifts between pairs more than within one (the ratio of
    medians put the empty programs above ipcscope on one run). Each run's
    time is its fastest stretch (RATE), or its whole loop for a bursty
    tracer."""
    for (w, key, count), b in runs.items():
        if w != wl or key != tr.key:
            continue
        a = runs.get((wl, "none", count), [])
        # each traced run with the untraced run made just before it
        a_by = {r["pair"]: r for r in a}
        pair_r, whole_r = [], []
        a_used = []
        rate = rate_of(tr)
        for r in b:
            ar = a_by.get(r["pair"])
            if ar:
                a_used.append(ar)
                pair_r.append(r[rate] / ar[rate])
                whole_r.append(r["ns_per_op"] / ar["ns_per_op"])
        sa, sb = summarize(a_used, rate), summarize(b, rate)
        ratio = statistics.median(pair_r) if pair_r else None
        return (ratio, min(pair_r, default=None), max(pair_r, default=None), sb, sa, count,
                statistics.median(whole_r) if whole_r else None)
    return None


def untraced_ns(runs, wl):
    """The workload's untraced round trip (fastest stretch), median of every
    untraced run at its full size in this bench's run; None without any"""
    sizes = {c: rs for (w, key, c), rs in runs.items() if w == wl and key == "none"}
    if not sizes:
        return None
    return med([r[RATE] for r in sizes[max(sizes)]])


def bpf_time_target(cost, runs, wl):
    """Goal 2 in BPF time: ipcscope -a's BPF time per round trip above the
    timing floor's on the same hooks, as a share of the untraced round trip,
    against TIMING_FLOOR_MARGIN; (what, measured, verdict) or None. The
    objects floor, where measured, says how much of the gap is what naming
    each call's object and counting switches costs at the least."""
    ipc, timing = cost.get(("ipcscope-a", wl)), cost.get(("floor-timing-systp", wl))
    u = untraced_ns(runs, wl)
    if not ipc or not timing or not u or wl == "getppid":
        return None
    it, tt = bpf_ns_per_round_trip(ipc), bpf_ns_per_round_trip(timing)
    share = (it - tt) / u
    what = (f"BPF time per round trip <= the timing floor's (same hooks) "
            f"+ {TIMING_FLOOR_MARGIN}x the untraced round trip")
    measured = f"{it:.0f} ns vs {tt:.0f} ns: {share:+.2f}x of {u / 1000:.2f} us"
    verdict = "yes" if share <= TIMING_FLOOR_MARGIN + 1e-9 else "**no**"
    obj = cost.get(("floor-objects", wl))
    if verdict != "yes" and obj:
        ot = bpf_ns_per_round_trip(obj)
        verdict += (f" (the objects floor alone is {(ot - tt) / u:+.2f}x; "
                    f"ipcscope against it: {(it - ot) / u:+.2f}x)")
    return what, measured, verdict


def bystander_bpf_target(cost, runs, wl, fkey):
    """Goal 1 in BPF time: what ipcscope's programs cost a process it does
    not trace (record -p OTHER, the workload a bystander) per round trip,
    against the empty programs on the same hooks (fkey); (what, measured,
    verdict) or None. Over them, the verdict says by how much a program
    run, and, where measured, what the least filter (the filter floor)
    costs a run over them: a tracer that picks processes cannot go below
    it."""
    byst, empty = cost.get(("ipcscope-p", wl)), cost.get((fkey, wl))
    u = untraced_ns(runs, wl)
    if not byst or not empty or not u:
        return None
    bt, et = bpf_ns_per_round_trip(byst), bpf_ns_per_round_trip(empty)
    runs_per_rt = bpf_runs_per_round_trip(byst)
    what = "a bystander's BPF time per round trip <= the empty programs' (same hooks)"
    if runs_per_rt < 0.5:
        # net of the background, a few ns either way: no program ran
        return what, f"{runs_per_rt:.1f} runs of its programs a round trip", \
            "yes (no program runs on its calls)"
    measured = f"{bt:.0f} ns vs {et:.0f} ns: {(bt - et) / u:+.3f}x of {u / 1000:.2f} us"
    if bt <= et:
        return what, measured, "yes"
    verdict = (f"**no** ({(bt - et) / runs_per_rt:+.0f} ns a run over "
               f"{runs_per_rt:.1f} runs a round trip: the check that the caller is no target")
    filt = cost.get(("floor-filter", wl))
    if filt:
        ft = bpf_ns_per_round_trip(filt)
        verdict += (f"; the filter floor's, one compare of the caller's process id, "
                    f"{(ft - et) / runs_per_rt:+.0f} ns a run: ipcscope "
                    f"{(bt - ft) / runs_per_rt:+.0f} ns a run over it")
    return what, measured, verdict + ")"


def build_report(args, tracers, workloads, runs, cost, info, versions, load0, load1, tt=None,
                 waited_s=0.0):
    by_key = {t.key: t for t in tracers}
    L = []
    L.append("# ipcscope benchmark: what tracing costs the traced IPC")
    L.append("")
    L.append("Written by `make bench` (`bench/bench.py`); do not edit by hand.")
    L.append("")
    L.append(f"- Machine: {info['cpu']}, {info['cores']} cores; kernel {info['kernel']}")
    L.append(f"- Date: {info['date']}; ipcscope revision {info['revision']}")
    L.append(f"- Run: {'--quick (smoke run: few rounds, small workloads)' if args.quick else 'full'}; "
             f"{args.rounds} rounds of A (untraced) B (traced) per tracer and workload; "
             f"workload sizes x{args.scale:g}; both ends pinned to CPU {args.cpu}")
    # at the start only: by the end the bench's own workloads (one CPU
    # busy all along) put the 1-minute load near 1 on any machine
    busy = (load_1min(load0) or 0) > QUIET_LOAD
    waited = (f" (after {waited_s:.0f} s waiting for it to fall to {QUIET_LOAD})"
              if waited_s >= 1 else "")
    L.append(f"- Load average (1, 5, 15 min) at start {load0}{waited}, at end {load1} "
             "(the end includes the bench's own load)"
             + (": the machine was busy at the start, so these figures are noisy; "
                "rerun on a quiet machine before quoting them" if busy else ""))
    vs = "; ".join(f"{k} {v}" for k, v in versions.items() if v and v != "?")
    if vs:
        L.append(f"- Tracers: {vs}")
    L.append("")

    # targets summary first: what a reader wants
    L.append("## Targets")
    L.append("")
    L.append("| Target | Measured | Met |")
    L.append("|---|---|---|")
    summary = []

    def floors(wl):
        """The floors' ratios on this workload in this run, as a note."""
        parts = []
        for key in ("floor", "floor-timing", "floor-timing-systp", "floor-objects"):
            r = ratios(runs, wl, by_key[key]) if key in by_key else None
            if r and r[0] is not None:
                parts.append((FLOOR_NOTES[key], r[0]))
        return parts

    # where `record` put its syscall programs, as its `record -a` report
    # says: the IPC syscalls' own tracepoints (the default), or every
    # syscall (a kernel where those run preemptible, 7.x); not known
    # without the probe-cost phase: the default
    enter = [p for p in reported_probes(cost) or []
             if str(p.get("program")).startswith("ipc_sys_enter") and p.get("attached")]
    own_tps = not enter or bool(enter[0].get("tracepoints"))

    def timing_floor(ipc, wl):
        """The timing floor on the hooks this ipcscope tracer uses: the IPC
        syscalls' own tracepoints, but with --all-syscalls or where record
        fell back to every syscall; (what, ratio) or None"""
        fl = dict(floors(wl))
        for key in (("floor-timing",) if ipc == "ipcscope-all" or not own_tps else
                    ("floor-timing-systp", "floor-timing")):
            if FLOOR_NOTES[key] in fl:
                return FLOOR_NOTES[key], fl[FLOOR_NOTES[key]]
        return None

    comparators = [by_key[k] for k in ("bpftrace", "syscount", "syscount-bcc")
                   if k in by_key and any(key == k for (_, key, _) in runs)]
    ipcs = [k for k in ("ipcscope", "ipcscope-a", "ipcscope-all") if k in by_key]
    for wl, _, target in workloads:
        for ipc in ipcs:
            r = ratios(runs, wl, by_key[ipc])
            if not r:
                continue
            ratio = r[0]
            if target is not None:
                met = ratio is not None and ratio <= target
                verdict = "yes" if met else "**no**"
                fl = floors(wl)
                if not met and any(r > target for _, r in fl):
                    # what the hooks alone cost leaves no room for the target
                    verdict += " (floor above target)"
                note = "".join(f"; {what} {fmt_ratio(r)}" for what, r in fl)
                summary.append((f"`{by_key[ipc].label}`, {wl}: <= {target}x untraced",
                                fmt_ratio(ratio) + note, verdict))
            tf = timing_floor(ipc, wl)
            timing = tf[1] if tf else None
            if timing is not None and wl != "getppid":
                limit = timing + TIMING_FLOOR_MARGIN
                verdict = "yes" if ratio is not None and ratio <= limit + 1e-9 else "**no**"
                objects = dict(floors(wl)).get(FLOOR_NOTES["floor-objects"])
                if verdict != "yes" and objects is not None and ipc != "ipcscope-all" \
                        and own_tps:
                    # what naming each call's object and counting switches
                    # costs, at the least, on the same hooks
                    verdict += (f" (the objects floor alone is {fmt_ratio(objects)}, "
                                f"{objects - timing:+.2f}x; ipcscope against it: "
                                f"{ratio - objects:+.2f}x)")
                summary.append((f"`{by_key[ipc].label}`, {wl}: <= {tf[0]} "
                                f"+ {TIMING_FLOOR_MARGIN}x",
                                f"{fmt_ratio(ratio)} vs {fmt_ratio(timing)}", verdict))
            for comp in comparators:
                rc = ratios(runs, wl, comp)
                if not rc or rc[0] is None:
                    continue
                met = ratio is not None and ratio < rc[0]
                verdict = "yes" if met else "**no**"
                if not met and timing is not None and rc[0] < timing:
                    # it times nothing: it costs less than timing alone does
                    verdict += f" (it is below the timing floor, {fmt_ratio(timing)})"
                summary.append((f"`{by_key[ipc].label}`, {wl}: below {comp.label}",
                                f"{fmt_ratio(ratio)} vs {fmt_ratio(rc[0])}", verdict))
    # the same goal in BPF time, which this machine's two speeds blur less
    # than the wall time of a pair: the probe-cost phase's
    if "ipcscope-a" in by_key:
        for wl, _, _ in workloads:
            row = bpf_time_target(cost, runs, wl)
            if row:
                summary.append((f"`{by_key['ipcscope-a'].label}`, {wl}: {row[0]}",
                                row[1], row[2]))
    # bystanders: a process ipcscope does not trace, beside `record -p OTHER`
    if "ipcscope-p" in by_key:
        for wl, _, _ in workloads:
            r = ratios(runs, wl, by_key["ipcscope-p"])
            if not r or r[0] is None:
                continue
            # the empty programs on the hooks it uses (the IPC syscalls' own
            # tracepoints), else on every syscall
            same = next((by_key[k] for k in ("floor-systp", "floor")
                         if k in by_key and not by_key[k].failure), None)
            rf = ratios(runs, wl, same) if same else None
            fl = rf[0] if rf else None
            if fl is not None:
                verdict = "yes" if r[0] <= fl + 1e-9 else (
                    f"**no** (+{r[0] - fl:.3f}x; the empty programs' pair ratios "
                    f"{fmt_ratio(rf[1])}-{fmt_ratio(rf[2])})")
                summary.append((f"`{by_key['ipcscope-p'].label}`, {wl}: a bystander pays "
                                f"no more than the empty programs ({same.label})",
                                f"{fmt_ratio(r[0])} vs {fmt_ratio(fl)}", verdict))
            row = bystander_bpf_target(cost, runs, wl, cost_floor_key(by_key))
            if row:
                summary.append((f"`{by_key['ipcscope-p'].label}`, {wl}: {row[0]}",
                                row[1], row[2]))
            if wl == "getppid":
                verdict = "yes" if r[0] <= BYSTANDER_NON_IPC_TARGET else "**no**"
                if fl is not None and fl > BYSTANDER_NON_IPC_TARGET:
                    verdict += f" (floor above target: {same.label} {fmt_ratio(fl)})"
                # the other hooks' floors, for comparison
                others = []
                for key, what in (("floor", "on every syscall"),
                                  ("fentry-only", "on fentry/fexit, no syscall tracepoint")):
                    t = by_key.get(key)
                    rt = ratios(runs, wl, t) if t and t is not same else None
                    if rt and rt[0] is not None:
                        others.append(f"empty programs {what}: {fmt_ratio(rt[0])}")
                    elif t and t.failure:
                        others.append(f"empty programs {what}: not loaded here")
                if others:
                    verdict += "; " + "; ".join(others)
                summary.append((f"`{by_key['ipcscope-p'].label}`, getppid: a bystander's "
                                f"non-IPC syscalls <= {BYSTANDER_NON_IPC_TARGET:.2f}x",
                                fmt_ratio(r[0]), verdict))

    def startup_median(key):
        st = [r["startup_ns"] for (w, k, c), rs in runs.items() if k == key for r in rs]
        return med(st) / 1e9 if st else None

    floor_startups = [(by_key[k].label, m) for k in ("floor-systp", "floor", "floor-timing")
                      if k in by_key for m in (startup_median(k),) if m is not None]
    for ipc in ipcs:
        m = startup_median(ipc)
        rss = [r["maxrss_kb"] for (w, k, c), rs in runs.items() if k == ipc for r in rs
               if r["maxrss_kb"]]
        if m is not None:
            verdict = "yes" if m < STARTUP_TARGET_S else "**no**"
            low = min((s for _, s in floor_startups), default=None)
            if m >= STARTUP_TARGET_S and low is not None and low >= STARTUP_TARGET_S:
                verdict += " (floor above target"
            if m >= STARTUP_TARGET_S and floor_startups:
                verdict += (" (" if "(" not in verdict else ": ") + \
                    "loading empty programs takes " + ", ".join(
                        f"{s:.3f} s ({lbl})" for lbl, s in floor_startups) + ")"
            loads = [r["startup_parts"]["load_ms"] for (w, k, c), rs in runs.items()
                     if k == ipc for r in rs
                     if "load_ms" in r.get("startup_parts", {})]
            if m >= STARTUP_TARGET_S and loads:
                verdict += (f"; the kernel's loading of its programs alone takes "
                            f"{med(loads) / 1000:.3f} s, from the first's start to "
                            f"the last's end (below)")
            summary.append((f"`{by_key[ipc].label}` start-up < {STARTUP_TARGET_S} s (median)",
                            f"{m:.3f} s", verdict))
        if rss:
            summary.append((f"`{by_key[ipc].label}` peak RSS < {RSS_TARGET_KB // 1024} MB (max)",
                            f"{max(rss) / 1024:.1f} MB",
                            "yes" if max(rss) < RSS_TARGET_KB else "**no**"))
    if tt and tt["layouts"]:
        best = max(tt["layouts"], key=lambda lay: med([r["eps"] for r in lay["rows"]]))
        eps = med([r["eps"] for r in best["rows"]])
        lost = sum(r["lost"] for r in best["rows"])
        summary.append((f"`ipcscope trace` >= {TRACE_TARGET_EPS / 1e6:g} M events/s, none lost "
                        f"({best['label']})", f"{eps / 1e6:.2f} M/s, {lost} lost",
                        "yes" if eps >= TRACE_TARGET_EPS and not lost else "**no**"))
    for row in summary:
        L.append("| " + " | ".join(row) + " |")
    L.append("")

    L.append("## Slowdown per workload")
    L.append("")
    L.append("Each cell: the workload's own time per round trip in its timed loop "
             "(set-up excluded), in the fastest of 20 equal stretches of that loop "
             "(interference only adds time, and here it comes in bursts; for strace "
             "and perf trace, whose own cost comes in bursts, the whole loop), "
             "median of the runs and [min-max]. A pair is a traced run and the untraced run "
             "made just before it (same size). Ratio: the median of the pairs' "
             "traced/untraced ratios (not the ratio of the two medians: the "
             "machine's speed drifts between pairs more than within one); pair "
             "ratios: the smallest and largest of them; whole runs: the median pair "
             "ratio of the runs' whole timed loops instead of their fastest "
             "stretches. Slow tracers run smaller workloads (column N, round trips "
             "per run).")
    L.append("")
    for wl, what, target in workloads:
        L.append(f"### {wl}: {what}")
        L.append("")
        L.append("| Tracer | N | Runs | Untraced us | Traced us | Ratio | Pair ratios "
                 "| Whole runs | Target |")
        L.append("|---|---|---|---|---|---|---|---|---|")
        for tr in tracers:
            r = ratios(runs, wl, tr)
            if not r:
                why = tr.failure or tr.missing() or "not run"
                L.append(f"| {tr.label} | - | - | - | - | - | - | - | {why} |")
                continue
            ratio, pmin, pmax, sb, sa, count, whole = r
            tgt = ""
            if tr.is_ipcscope and target is not None:
                tgt = f"<= {target}x: " + ("met" if ratio is not None and ratio <= target
                                            else "**not met**")
            L.append(f"| {tr.label} | {count} | {sb['n']} | {us(sa['median'])} "
                     f"[{us(sa['min'])}-{us(sa['max'])}] | {us(sb['median'])} "
                     f"[{us(sb['min'])}-{us(sb['max'])}] | **{fmt_ratio(ratio)}** | "
                     f"{fmt_ratio(pmin)}-{fmt_ratio(pmax)} | {fmt_ratio(whole)} | {tgt} |")
        L.append("")

    L.append("## Start-up and peak memory")
    L.append("")
    L.append("Start-up: for a tracer that runs the command (ipcscope -- CMD, bpftrace -c, "
             "perf trace, strace), from its launch until the workload's main() runs "
             "under tracing; for one that attaches system-wide, from its launch until "
             "it says it is attached (ipcscope -a: `tracing started (N of M probes "
             "attached)`, syscount: `Tracing syscalls`, the floor: `attached N of M`). "
             "Peak RSS: `ru_maxrss` from wait4() of the tracer, which includes the "
             "children it reaped (the workload, for the tracers that run it: "
             f"about {workload_rss(runs)} MB untraced).")
    L.append("")
    L.append("| Tracer | Kind | Start-up s, median [min-max] | Peak RSS MB, median [max] | Runs | Notes |")
    L.append("|---|---|---|---|---|---|")
    base = [r["startup_ns"] for (w, k, c), rs in runs.items() if k == "none" for r in rs]
    if base:
        L.append(f"| untraced | launch to main() | {med(base) / 1e9:.4f} "
                 f"[{min(base) / 1e9:.4f}-{max(base) / 1e9:.4f}] | - | {len(base)} | "
                 "what launching the workload costs by itself |")
    for tr in tracers:
        st = [r["startup_ns"] for (w, k, c), rs in runs.items() if k == tr.key for r in rs]
        rss = [r["maxrss_kb"] for (w, k, c), rs in runs.items() if k == tr.key for r in rs
               if r["maxrss_kb"]]
        if not st:
            L.append(f"| {tr.label} | {tr.kind} | - | - | 0 | "
                     f"{tr.failure or tr.missing() or 'not run'} |")
            continue
        mem = f"{med(rss) / 1024:.1f} [{max(rss) / 1024:.1f}]" if rss else "-"
        L.append(f"| {tr.label} | {tr.kind} | {med(st) / 1e9:.3f} "
                 f"[{min(st) / 1e9:.3f}-{max(st) / 1e9:.3f}] | {mem} | {len(st)} | "
                 f"{tr.note} |")
    L.append("")
    L.extend(startup_parts_report(runs, tracers))

    L.extend(trace_throughput_report(tt))
    L.extend(probe_cost_report(cost, workloads))

    L.append("## How to read this, and what it does not say")
    L.append("")
    L.append("- The workload is `bench/pingpong.c`: a parent and a forked child, both "
             "pinned to one CPU (placement dominates IPC times on these machines; see "
             "the platform notes), warm-up round trips first, then a timed loop on "
             "CLOCK_MONOTONIC. Tracer start and stop are outside the timed loop.")
    L.append("- The ratio is only as good as the machine is quiet: a busy second "
             "core or other processes on the pinned CPU widen the spread. Trust "
             "ratios whose pair-ratio range is narrow.")
    L.append("- A run's fastest stretch is what tracing costs per operation when "
             "nothing else interferes. A tracer whose own cost came in bursts would "
             "look cheaper that way: strace and perf trace are judged by whole runs, "
             "and the Whole runs column gives every tracer's.")
    L.append("- System-wide tracers (ipcscope -a, the floor, syscount, bpftrace's "
             "probes) also run for every other process on the machine; their cost "
             "there is not in the workload's time unless it shares the CPU.")
    L.append("- Bystanders: `ipcscope record -p OTHER` traces one idle process, not "
             "the workload, so its rows are what tracing costs every process it does "
             "not target (each of its IPC syscalls still runs ipcscope's syscall "
             "programs, which stop at the check that it is no target; by default its "
             "other syscalls run none, with --all-syscalls every one does). The getppid "
             "workload does no IPC at all: its rows are the cost of a plain syscall, "
             "for a bystander (ipcscope-p, the floors) or a target (ipcscope, -a).")
    L.append("- bcc's Python tools compile C at start-up and need kernel headers; "
             "kernels without them (and without CONFIG_IKHEADERS) cannot run "
             "syscount-bpfcc, and the table says so. libbpf-tools' syscount is the "
             "same tool built with CO-RE.")
    L.append("")
    return "\n".join(L) + "\n"


def workload_rss(runs):
    v = [r["maxrss_kb"] for (w, k, c), rs in runs.items() if k == "none" for r in rs
         if r["maxrss_kb"]]
    if not v:
        return "?"
    return f"{min(v) / 1024:.1f}-{max(v) / 1024:.1f}"


def probe_cost_report(cost, workloads):
    L = ["## Cost of each probe", ""]
    if not cost:
        L += ["Not measured (--no-probe-cost, or the tracers could not run).", ""]
        return L
    L.append("With the kernel's BPF run-time statistics on (`kernel.bpf_stats_enabled`, "
             "switched on for this phase only through the BPF_ENABLE_STATS command), "
             "each program's `run_time_ns` and `run_cnt` are read from the tracer's "
             "BPF fds just before and just after one workload run (summed over "
             "the runs), for `ipcscope record -a` and `record -p OTHER` (the workload a "
             "process it does not trace), for the empty program on the same "
             "hook (the floor: what any BPF program there costs to run, which no "
             "probe can go below), and for the timing and objects floors on the same "
             "hooks; in each round the tracers take turns, in a rotating order. Counts "
             "include every process on the machine during "
             "those runs, not only the workload's (ns/event is over all of them). The "
             "statistics themselves add two clock reads per event to each.")
    fkey = "floor-systp" if any(k == "floor-systp" for k, _ in cost) else "floor"
    fobj = SYSCALL_TPS_OBJ if fkey == "floor-systp" else EMPTY_OBJ
    ipc_secs = object_sections(IPCSCOPE_OBJ)
    floor_secs = object_sections(fobj)
    floor_by_hook = {hook_of(s): n for n, s in floor_secs.items()}
    # where each program ran, as `record -a` reported it
    reported = reported_probes(cost)
    hooks = IpcHooks(reported, ipc_secs)
    if fkey == "floor-systp":
        L.append("")
        L.append("The floor is the empty programs on ipcscope's default hooks (bench/"
                 "empty-fentry.bpf.c built with FLOOR_SYSCALL_TPS), as `record -a` "
                 "attaches its syscall programs to the IPC syscalls' own tracepoints: "
                 "one floor program on each, summed for each of ipcscope's.")
    L.append("")
    L.append("The objects floor (bench/floor.bpf.h, FLOOR_OBJECTS) runs on the same hooks: "
             "timing on the IPC syscalls' own tracepoints, the object behind each call's fd "
             "or SysV id added to by its exit (msgsnd also reading the type it sends, as "
             "per-type counts of a queue need), each thread's switches counted: the least "
             "that gives ipcscope's per-object and per-thread figures.")
    L.append("")
    if reported is None:
        L.append("ipcscope's JSON report was not read: each program's hook is taken "
                 "from its section in the object, every program's.")
        L.append("")
    ipc_hooks = {h for n in hooks.attached() for h in hooks.hooks(n, floor_by_hook)}
    missing = sorted(ipc_hooks - set(floor_by_hook))
    extra = sorted(set(floor_by_hook) - ipc_hooks)
    if missing or extra:
        L.append(f"**The floor does not cover the same hooks**: missing {missing}, "
                 f"extra {extra}: update {os.path.basename(fobj)}'s source in bench/.")
        L.append("")

    # BPF time per round trip, per workload
    L.append("### BPF time per round trip")
    L.append("")
    L.append("Net of the background: the run time and events of an equally long "
             "window right after each workload run (the rest of the machine alone) "
             "are subtracted. Compare with the slowdown per round trip in the tables "
             "above (traced - untraced us). The timing floor is the empty programs + "
             "timing on the same hooks; the Targets table holds ipcscope to it in BPF "
             "time too, and `-p OTHER` to the empty programs (a bystander's cost): "
             "on programs on the same hooks, what one costs more than another "
             "is its BPF time, which this machine's changes of speed blur less than "
             "the wall time of a pair of runs.")
    L.append("")
    L.append("| Workload | ipcscope: BPF ns per round trip | floor: BPF ns per round trip "
             "| timing floor: BPF ns per round trip "
             "| objects floor: BPF ns per round trip "
             "| ipcscope -p OTHER (the workload a bystander): BPF ns per round trip "
             "| filter floor (a bystander's least): BPF ns per round trip "
             "| ipcscope events per round trip | background events in the same time |")
    L.append("|---|---|---|---|---|---|---|---|---|")

    def net_of(key, wl):
        c = cost.get((key, wl))
        return "-" if c is None else f"{bpf_ns_per_round_trip(c):.0f}"

    for wl, _, _ in workloads:
        ipc = cost.get(("ipcscope-a", wl))
        if not ipc:
            continue
        ic = bpf_runs_per_round_trip(ipc)
        bg = sum(v[3] for v in ipc["progs"].values()) / max(ipc["round_trips"], 1)
        L.append(f"| {wl} | {net_of('ipcscope-a', wl)} | {net_of(fkey, wl)} | "
                 f"{net_of('floor-timing-systp', wl)} | {net_of('floor-objects', wl)} | "
                 f"{net_of('ipcscope-p', wl)} | {net_of('floor-filter', wl)} | "
                 f"{ic:.1f} | {bg:.1f} |")
    L.append("")

    # per probe, over all workloads
    tot = {}
    ftot = {}
    otot = {}
    for (key, wl), c in cost.items():
        dst = {"ipcscope-a": tot, "floor-objects": otot, fkey: ftot}.get(key)
        if dst is None:    # the timing and filter floors, -p OTHER: in the table above only
            continue
        for name, (t, n, _, _) in c["progs"].items():
            acc = dst.setdefault(name, [0, 0])
            acc[0] += t
            acc[1] += n
    all_time = sum(v[0] for v in tot.values()) or 1
    L.append("### Per probe, all workloads together")
    L.append("")
    L.append("| Probe | Hook | Events | ns/event | Floor ns/event | Above floor "
             "| Objects floor ns/event | Share of ipcscope's BPF time |")
    L.append("|---|---|---|---|---|---|---|---|")
    silent = sorted(name for name, (t, n) in tot.items() if not n)
    for name, (t, n) in sorted(tot.items(), key=lambda kv: -kv[1][0]):
        if not n:
            continue
        sec = ipc_secs.get(name, "?")
        f = floor_sum(ftot, name, hooks, floor_by_hook) if sec != "?" else None
        o = floor_sum(otot, name, hooks, floor_by_hook) if sec != "?" else None
        per = t / n if n else None
        fper = f[0] / f[1] if f and f[1] else None
        oper = o[0] / o[1] if o and o[1] else None
        if sec != "?":
            sec = hooks.label(name)
        above = per - fper if per is not None and fper is not None else None
        L.append(f"| {name} | {sec} | {n} | {'-' if per is None else f'{per:.0f}'} | "
                 f"{'-' if fper is None else f'{fper:.0f}'} | "
                 f"{'-' if above is None else f'{above:+.0f}'} | "
                 f"{'-' if oper is None else f'{oper:.0f}'} | {100 * t / all_time:.1f}% |")
    L.append("")
    if silent:
        L.append(f"Did not fire during these workloads: {', '.join(silent)}.")
        L.append("")

    # the probes that matter, per workload
    L.append("### Per workload: the probes that fired most, ns/event (events)")
    L.append("")
    for wl, _, _ in workloads:
        ipc = cost.get(("ipcscope-a", wl))
        flo = cost.get((fkey, wl), {"progs": {}})
        if not ipc:
            continue
        top = sorted(ipc["progs"].items(), key=lambda kv: -kv[1][0])[:6]
        cells = []
        for name, (t, n, _, _) in top:
            if not n:
                continue
            f = floor_sum(flo["progs"], name, hooks, floor_by_hook)
            fl = f" (floor {f[0] / f[1]:.0f})" if f[1] else ""
            cells.append(f"{name} {t / n:.0f} ns{fl} x{n}")
        L.append(f"- **{wl}**: " + "; ".join(cells))
    L.append("")
    return L


# --- the plot -------------------------------------------------------------------------

COLORS = {"ipcscope": "#1f77b4", "ipcscope-a": "#6baed6", "ipcscope-base": "#ff7f0e",
          "ipcscope-base-p": "#fdae6b", "ipcscope-p": "#9ecae1", "floor": "#999999",
          "floor-timing": "#bbbbbb", "floor-fentry": "#74c476", "fentry-only": "#31a354",
          "floor-systp": "#c7e9c0", "floor-timing-systp": "#d9d9d9",
          "floor-objects": "#fdd0a2", "floor-filter": "#e5f5e0",
          "bpftrace": "#ff7f0e", "syscount": "#2ca02c", "syscount-bcc": "#98df8a",
          "perf-trace": "#9467bd", "strace": "#d62728"}


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def build_svg(tracers, workloads, runs, info):
    import math
    rows = []      # (wl, target, [(tracer, ratio)])
    for wl, _, target in workloads:
        bars = []
        for tr in tracers:
            r = ratios(runs, wl, tr)
            if r and r[0] is not None:
                bars.append((tr, r[0], r[1], r[2]))
        rows.append((wl, target, bars))
    allr = [b[1] for _, _, bars in rows for b in bars] + [b[3] for _, _, bars in rows
                                                          for b in bars if b[3]]
    lo, hi = 0.8, max([2.0] + allr) * 1.4
    lo = min(lo, min(allr, default=1) * 0.9)
    left, right, top, bar_h, gap = 190, 40, 78, 14, 18
    width = 900
    plot_w = width - left - right
    height = top + sum(len(b) * bar_h + gap + 18 for _, _, b in rows) + 60

    def x(v):
        return left + plot_w * (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))

    S = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
         f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
         f'<rect width="{width}" height="{height}" fill="white"/>',
         f'<text x="{left}" y="22" font-size="15" font-weight="bold">Slowdown of the '
         f'traced IPC (median of pair ratios, traced / untraced, log scale)</text>',
         f'<text x="{left}" y="38" fill="#555">{esc(info["cpu"])}, {info["cores"]} cores, '
         f'kernel {esc(info["kernel"])}, {esc(info["date"])}, ipcscope '
         f'{esc(info["revision"])}</text>',
         f'<text x="{left}" y="53" fill="#555">Whiskers: min-max of single A/B '
         f'pairs. Red dashes: ipcscope\'s target. Workload pinned to one CPU.</text>']
    # grid
    ticks = [t for t in (0.5, 0.8, 1, 1.2, 1.5, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000)
             if lo <= t <= hi]
    y_end = height - 40
    for t in ticks:
        S.append(f'<line x1="{x(t):.1f}" y1="{top - 8}" x2="{x(t):.1f}" y2="{y_end}" '
                 f'stroke="{"#333" if t == 1 else "#ddd"}" stroke-width="1"/>')
        S.append(f'<text x="{x(t):.1f}" y="{y_end + 14}" text-anchor="middle" '
                 f'fill="#333">{t:g}x</text>')
    y = top
    for wl, target, bars in rows:
        S.append(f'<text x="10" y="{y + 10}" font-weight="bold">{esc(wl)}</text>')
        y0 = y + 14
        for i, (tr, r, pmin, pmax) in enumerate(bars):
            yy = y0 + i * bar_h
            col = COLORS.get(tr.key, "#444")
            S.append(f'<text x="{left - 6}" y="{yy + bar_h - 4}" text-anchor="end" '
                     f'fill="#333">{esc(tr.label)}</text>')
            x0, x1 = sorted((x(1.0), x(max(r, lo))))
            S.append(f'<rect x="{x0:.1f}" y="{yy + 2}" width="{max(x1 - x0, 1):.1f}" '
                     f'height="{bar_h - 4}" fill="{col}"/>')
            if pmin and pmax:
                S.append(f'<line x1="{x(max(pmin, lo)):.1f}" y1="{yy + bar_h / 2}" '
                         f'x2="{x(min(pmax, hi)):.1f}" y2="{yy + bar_h / 2}" stroke="#000" '
                         f'stroke-width="1"/>')
            S.append(f'<text x="{x(min(max(r, pmax or r, 1.0), hi)) + 4:.1f}" y="{yy + bar_h - 4}" '
                     f'fill="#000">{fmt_ratio(r)}</text>')
        band = len(bars) * bar_h
        if target is not None:
            S.append(f'<line x1="{x(target):.1f}" y1="{y0}" x2="{x(target):.1f}" '
                     f'y2="{y0 + band}" stroke="#d00" stroke-width="2" stroke-dasharray="4,3"/>')
            S.append(f'<text x="{x(target) + 3:.1f}" y="{y0 - 2}" fill="#d00">target '
                     f'{target:g}x</text>')
        y = y0 + band + gap
    S.append("</svg>")
    return "\n".join(S) + "\n"


# --- main -------------------------------------------------------------------------------

def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Measure how much tracing slows down IPC: ipcscope against "
                    "an empty BPF program and other tracers.")
    p.add_argument("--quick", action="store_true",
                   help="smoke run: 2 rounds, workloads a fifth of the size")
    p.add_argument("--rounds", type=int, help="A/B pairs per tracer and workload (default 7)")
    p.add_argument("--scale", type=float, help="workload size factor (default 1)")
    p.add_argument("--settle", type=float,
                   help="seconds of rest before each run (default 0.3, --quick 0.2)")
    p.add_argument("--quiet-wait", type=float, metavar="SECS",
                   help="before measuring, wait up to SECS seconds for the 1-minute "
                        f"load to fall to {QUIET_LOAD} (default 180, --quick 0)")
    p.add_argument("--cpu", type=int, default=0, help="CPU the workload is pinned to (default 0)")
    p.add_argument("--workloads", help="comma-separated subset of: "
                   + ",".join(w for w, _, _ in WORKLOADS))
    p.add_argument("--tracers", help="comma-separated subset of: "
                   + ",".join(t.key for t in make_tracers()))
    p.add_argument("--install", action="store_true",
                   help="apt-get install the missing tracers first")
    p.add_argument("--no-probe-cost", action="store_true",
                   help="skip the per-probe cost phase")
    p.add_argument("--no-trace-throughput", action="store_true",
                   help="skip the ipcscope trace throughput phase")
    p.add_argument("--out", default=os.path.join(ROOT, "bench", "RESULTS.md"))
    p.add_argument("--svg", default=os.path.join(ROOT, "bench", "ratios.svg"))
    p.add_argument("--json", help="also write every run's raw figures here")
    p.add_argument("--baseline", metavar="IPCSCOPE",
                   help="another build's ipcscope binary, measured beside this one "
                        "(tracer ipcscope-base): a change's before and after in one run")
    a = p.parse_args(argv)
    if a.rounds is None:
        a.rounds = 2 if a.quick else 7
    if a.scale is None:
        a.scale = 0.2 if a.quick else 1.0
    a.cost_rounds = 1 if a.quick else 5
    if a.settle is None:
        a.settle = 0.2 if a.quick else 0.3
    if a.quiet_wait is None:
        a.quiet_wait = 0 if a.quick else 180
    if a.rounds < 1 or a.scale <= 0:
        p.error("--rounds must be >= 1 and --scale > 0")
    if not 0 <= a.quiet_wait <= 3600:
        p.error("--quiet-wait must be 0-3600 seconds")
    return a


def main(argv):
    args = parse_args(argv)
    if os.geteuid() != 0:
        log("needs root (BPF, and the tracers it compares)")
        return 1
    for f in (IPCSCOPE, PINGPONG, LAUNCH, EMPTY, EMPTY_OBJ):
        if not os.path.exists(f):
            log(f"{f} is missing: run `make bench`, which builds it")
            return 1
    if args.baseline:
        args.baseline = os.path.abspath(args.baseline)
    tracers = make_tracers(args.baseline)
    if args.install:
        install_tracers(tracers)
    if args.tracers:
        want = args.tracers.split(",")
        unknown = set(want) - {t.key for t in tracers}
        if unknown:
            log(f"unknown tracer(s): {', '.join(sorted(unknown))}")
            return 2
        tracers = [t for t in tracers if t.key in want]
    workloads = WORKLOADS
    if args.workloads:
        want = args.workloads.split(",")
        unknown = set(want) - {w for w, _, _ in WORKLOADS}
        if unknown:
            log(f"unknown workload(s): {', '.join(sorted(unknown))}")
            return 2
        workloads = [w for w in WORKLOADS if w[0] in want]
    for tr in tracers:
        why = tr.missing()
        if why:
            tr.failure = why
            log(f"{tr.label}: {why}"
                + ("" if args.install else " (make bench BENCH_INSTALL=1 installs it)"))

    info = machine_info()
    versions = tool_versions()
    waited_s = wait_for_quiet(args.quiet_wait)
    load0 = loadavg()
    tmp = tempfile.mkdtemp(prefix="ipcscope-bench.")
    old = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP)}

    def on_signal(sig, frame):
        raise KeyboardInterrupt

    for s in old:
        signal.signal(s, on_signal)
    try:
        t0 = time.monotonic()
        runs = measure_slowdown(args, tracers, workloads, tmp)
        cost = {} if args.no_probe_cost else measure_probe_cost(args, tracers, workloads, tmp)
        tt = (measure_trace_throughput(args, tmp)
              if not args.no_trace_throughput and
              any(t.key == "ipcscope" and not t.failure for t in tracers) else None)
        log(f"measured in {time.monotonic() - t0:.0f} s")
    except KeyboardInterrupt:
        log("interrupted: stopping the tracers, no report")
        return 130
    finally:
        cleanup()
        shutil.rmtree(tmp, ignore_errors=True)
        for s, h in old.items():
            signal.signal(s, h)
    load1 = loadavg()

    # every output built before any is written: a report that fails to
    # build leaves the earlier run's files as they were
    outputs = [(args.out, build_report(args, tracers, workloads, runs, cost, info, versions,
                                       load0, load1, tt, waited_s)),
               (args.svg, build_svg(tracers, workloads, runs, info))]
    if args.json:
        raw = {"machine": info, "versions": versions,
               "runs": [{"workload": w, "tracer": k, "count": c, **{
                   kk: vv for kk, vv in r.items() if kk != "stats"}}
                   for (w, k, c), rs in runs.items() for r in rs],
               "probe_cost": [{"tracer": k, "workload": w, **v}
                              for (k, w), v in cost.items()],
               "trace_throughput": tt,
               "failures": {t.key: t.failure for t in tracers if t.failure}}
        outputs.append((args.json, json.dumps(raw, indent=1)))
    for path, text in outputs:
        try:
            write_whole(path, text)
        except (OSError, UnicodeError) as e:
            log(f"cannot write {path}: {e}")
            return 1
    log("wrote " + ", ".join(os.path.relpath(p, ROOT) for p, _ in outputs))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
