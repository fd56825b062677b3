# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Helpers for the integration tests: run ipcscope and the workloads, read
their JSON, compare exactly. Every test loads the real BPF programs."""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
IPCSCOPE = os.path.join(ROOT, "build", "ipcscope")
WORKLOADS = os.path.join(ROOT, "build", "workloads")

# A workload that tracing attaches to with -p sleeps this long before it
# forks (--start-delay): longer than ipcscope takes to start on a busy
# machine. attached_in_time() fails a test whose tracing started too late.
START_DELAY_MS = 4000

_tmpdir = None
_procs = []


class Skip(Exception):
    """Raised by a test that cannot run here (never in CI for BPF reasons)."""


class Fallback(Exception):
    """Raised by a test on a kernel that lacks what it measures, once it has
    asserted the fallback that kernel gets instead (a pass: say which)."""


def tracepoint_exists(category, name):
    """Does this kernel have the classic tracepoint category:name (in
    tracefs, wherever it is mounted)?"""
    return any(os.path.isdir(os.path.join(root, "events", category, name))
               for root in ("/sys/kernel/tracing", "/sys/kernel/debug/tracing"))


_features = None


def kernel_has(feature):
    """Does this kernel have a feature `ipcscope check` looks for? feature:
    "find_vma", "atomics", "task_btf", "ipc_hooks" (record's syscall
    programs run on hooks only the IPC syscalls reach here, not on every
    syscall), "kprobes" (those hooks are the IPC syscalls' functions,
    kprobe.multi, not their tracepoints) or "kprobe_multi" (the kernel
    makes kprobe.multi links: IPCSCOPE_SYSCALL_HOOK=kprobe works). Asked
    once per run."""
    global _features
    if _features is None:
        proc = subprocess.run([IPCSCOPE, "check"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, timeout=300)
        _features = {}
        for key, label in (("find_vma", "bpf_find_vma"), ("atomics", "atomics that return"),
                           ("task_btf", "bpf_get_current_task_btf"),
                           ("kprobe_multi", "kprobe.multi links")):
            for line in proc.stdout.splitlines():
                if line.strip().startswith(label):
                    _features[key] = line.split()[-1] == "yes"
            for line in proc.stdout.splitlines():
                if line.startswith("syscall hooks: "):
                    _features["ipc_hooks"] = line.startswith(
                        "syscall hooks: the IPC syscalls' own ")
                    _features["kprobes"] = line.startswith(
                        "syscall hooks: the IPC syscalls' own functions (kprobe.multi);")
        assert len(_features) == 6, f"ipcscope check lists no features:\n{proc.stdout}{proc.stderr}"
    return _features[feature]


def ipc_enter_probe():
    """The name record gives the enter program on the hooks only the IPC
    syscalls reach (kernel_has("ipc_hooks")): their functions' or their
    tracepoints'"""
    if kernel_has("kprobes"):
        return "kprobe.multi/__x64_sys_* (23 IPC syscalls)"
    return "tp/syscalls/sys_enter_* (23 IPC syscalls)"


def in_ci():
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def cannot_trace_reason():
    """Why integration tests cannot run here, or None."""
    if os.geteuid() != 0:
        return "needs root to load BPF programs"
    if not os.path.exists(IPCSCOPE):
        return f"{IPCSCOPE} is not built (run make)"
    return None


def tmp(name):
    """A path in this test's private temporary directory."""
    global _tmpdir
    if _tmpdir is None:
        _tmpdir = tempfile.mkdtemp(prefix="ipcscope-test-")
    return os.path.join(_tmpdir, name)


def spawn(args, **kw):
    """Start a background process that cleanup() will not leave behind."""
    p = subprocess.Popen(args, **kw)
    _procs.append(p)
    return p


def cleanup():
    global _tmpdir
    for p in _procs:
        if p.poll() is None:
            p.kill()
            p.wait()
    _procs.clear()
    if _tmpdir:
        subprocess.run(["rm", "-rf", _tmpdir])
        _tmpdir = None


def workload(name, *args):
    """argv for a bundled workload."""
    return [os.path.join(WORKLOADS, name)] + [str(a) for a in args]


def data_program(name, *cflags):
    """A test's own program, tests/integration/data/NAME.c, compiled into
    the test's temporary directory; its path."""
    exe = tmp(name)
    src = os.path.join(ROOT, "tests", "integration", "data", name + ".c")
    subprocess.run(["cc", "-O2", "-Wall", "-Werror", *cflags, "-o", exe, src], check=True)
    return exe


def read_json(path):
    with open(path) as f:
        return json.load(f)


class Record:
    """A finished `ipcscope record` run: its JSON, text and exit status."""

    def __init__(self, proc, out, err, json_path):
        self.returncode = proc.returncode
        self.pid = getattr(proc, "pid", None)    # a Popen; run() keeps none
        self.stdout = out
        self.stderr = err
        self.json = read_json(json_path) if os.path.exists(json_path) and os.path.getsize(json_path) else None

    def op(self, kind, op, mech="pipe"):
        """The operations row for (mechanism, kind, op), or a zero row."""
        for row in self.json["operations"]:
            if row["mechanism"] == mech and row["kind"] == kind and row["op"] == op:
                return row
        return {"calls": 0, "errors": 0, "bytes": 0, "errnos": {}}

    def objects(self, kind=None, mech="pipe"):
        """Objects of one mechanism (all with mech=None), optionally one kind."""
        return [o for o in self.json["objects"]
                if (mech is None or o["mechanism"] == mech) and (kind is None or o["kind"] == kind)]

    def object(self, ino, mech="pipe", kind=None):
        found = [o for o in self.objects(kind, mech) if o["ino"] == ino]
        assert len(found) == 1, f"{mech} object {ino}: expected one, found {len(found)}"
        return found[0]

    def process(self, pid):
        for p in self.json["processes"]:
            if p["pid"] == pid:
                return p
        return None

    def signals(self, sig, event, result=None, sender=None, target=None):
        """Sum of the signal counters that match."""
        return sum(r["count"] for r in self.json["signals"]
                   if r["sig"] == sig and r["event"] == event
                   and (result is None or r["result"] == result)
                   and (sender is None or r["sender"] == sender)
                   and (target is None or r["target"] == target))

    def probe(self, name):
        found = [p for p in self.json["probes"] if p["name"] == name]
        assert found, f"no probe {name}"
        return found[0]

    def copies(self, mech):
        for c in self.json["copies"]:
            if c["mechanism"] == mech:
                return c
        raise AssertionError(f"no copies row for {mech}")


def record(args, command=None, timeout=120, ready=None, env=None):
    """Run ipcscope record with --json; command runs under it (after --).
    ready: a callback run once ipcscope says on stderr that it is tracing;
    with a command, at once (it must wait for the command to be ready).
    env: extra environment variables for ipcscope."""
    json_path = tmp(f"record-{time.monotonic_ns()}.json")
    argv = [IPCSCOPE, "record", "--json", json_path] + [str(a) for a in args]
    if command:
        argv += ["--"] + command
    full_env = dict(os.environ, **env) if env else None
    if ready is None:
        proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, timeout=timeout, env=full_env)
        return Record(proc, proc.stdout, proc.stderr, json_path)
    proc = spawn(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=full_env)
    if not command:
        wait_for_line(proc.stderr, "tracing started", timeout=30)
    # with a command there is no such line: the command starts once tracing
    # has, so ready() waits for the command itself
    ready(proc)
    out, err = proc.communicate(timeout=timeout)
    return Record(proc, out, err, json_path)


def wait_for_line(stream, text, timeout):
    """Read stream until a line containing text; fail after timeout.

    Each readline runs in a thread joined with the time left, so that no
    read blocks past the deadline on a process that says nothing. (select()
    on the stream would not do: lines that arrived together with one already
    read wait in the stream's buffer, where select cannot see them.)"""
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        got = []
        reader = threading.Thread(target=lambda: got.append(stream.readline()), daemon=True)
        reader.start()
        reader.join(max(0, deadline - time.monotonic()))
        if not got or not got[0]:
            break               # the deadline, or the end of the stream
        seen.append(got[0])
        if text in got[0]:
            return
    raise AssertionError(f"never saw '{text}'; got: {''.join(seen)[-500:]}")


def stop(proc, sig=signal.SIGINT):
    proc.send_signal(sig)


def eq(actual, expected, what):
    assert actual == expected, f"{what}: expected {expected}, got {actual}"


def no_drops(report):
    """A JSON report lost nothing; else its causes, and which programs the
    kernel skipped"""
    causes = {k: v for k, v in report["drops"].items() if v}
    eq(report["drops_total"], 0,
       f"drops ({causes}; skipped: {report.get('skipped_runs_by_program')})")


def _parent_pid(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def bpftool_json(*args):
    """bpftool's JSON answer to args, e.g. ("prog", "list")"""
    bpftool = shutil.which("bpftool") or "/usr/sbin/bpftool"
    out = subprocess.run([bpftool, *args, "-j"], stdout=subprocess.PIPE,
                         text=True, check=True).stdout
    return json.loads(out)


def bpf_programs_loaded():
    """Names of ipcscope's programs still loaded in the kernel: held by no
    process (left behind) or by a process this test run started. Those of
    an ipcscope that somebody else runs on the machine at the same time
    are not ours to judge."""
    progs = bpftool_json("prog", "list")
    me = os.getpid()
    holders = _prog_holders()

    def ours(prog):
        owners = holders.get(prog.get("id"), set())
        return not owners or any(_parent_pid(pid) == me for pid in owners)
    return [p.get("name", "") for p in progs
            if p.get("name", "").startswith("ipc_") and ours(p)]


def no_bpf_left(what="BPF programs left loaded", timeout=10):
    """Assert that none of our programs stays loaded. A program being torn
    down after its process exited lingers for a moment: a leak does not
    go away, so wait for it before judging."""
    deadline = time.monotonic() + timeout
    while bpf_programs_loaded() and time.monotonic() < deadline:
        time.sleep(0.1)
    eq(bpf_programs_loaded(), [], what)


def _prog_holders():
    """BPF program id -> pids holding it (a program or link fd), from fdinfo."""
    holders = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fds = os.listdir(f"/proc/{pid}/fdinfo")
        except OSError:
            continue
        for fd in fds:
            try:
                with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                    for line in f:
                        if line.startswith("prog_id:"):
                            holders.setdefault(int(line.split()[1]), set()).add(int(pid))
            except (OSError, ValueError):
                continue
    return holders


def run_ipcscope(args, timeout=60, **kw):
    """Run ipcscope with args; return the CompletedProcess (text)."""
    return subprocess.run([IPCSCOPE] + [str(a) for a in args], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=timeout, **kw)


def one_error_line(proc, status, contains):
    """A clear failure: the given exit status and one line on stderr."""
    lines = proc.stderr.strip().splitlines()
    eq(proc.returncode, status, f"exit status (stderr: {proc.stderr.strip()})")
    eq(len(lines), 1, f"stderr lines ({proc.stderr.strip()})")
    assert lines[0].startswith("ipcscope: "), f"error line lacks the prefix: {lines[0]}"
    assert contains in lines[0], f"error line '{lines[0]}' does not say '{contains}'"
    no_bpf_left()


def run_on_terminal(args, timeout=300):
    """Run ipcscope with its stdout on a pseudo-terminal (TERM=xterm, no
    NO_COLOR); return (exit status, what it wrote there, stderr)."""
    import pty
    master, slave = pty.openpty()
    env = dict(os.environ, TERM="xterm")
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen([IPCSCOPE] + [str(a) for a in args], stdout=slave,
                            stderr=subprocess.PIPE, env=env)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:     # EIO: the other side is closed
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    status = proc.wait(timeout=timeout)
    return status, out.decode("utf-8", "replace"), proc.stderr.read().decode()


def attached_in_time(started):
    """A ready= callback's check: tracing began before the workload, started
    at monotonic time `started` with --start-delay START_DELAY_MS, forked."""
    late = time.monotonic() - started
    assert late < START_DELAY_MS / 1000, \
        f"tracing started {late:.1f} s after the workload: it had already forked"


def documented_schema(section, objects=()):
    """The keys docs/json-schema.md documents in one section (its heading,
    e.g. "# `ipcscope validate --json` schema"), up to the next: the
    top-level keys (each table row's first cell), and for each array
    (`name[]`) and each object named in objects the keys its `{...}` lists
    (a trailing "?" marks an optional one and is dropped)."""
    import re
    with open(os.path.join(ROOT, "docs", "json-schema.md"), encoding="utf-8") as f:
        text = f.read().split(section, 1)[1].split("\n# ", 1)[0]
    top, rows = set(), {}
    for line in text.splitlines():
        if not line.startswith("| `"):
            continue
        first, meaning = line.split(" | ", 1)
        for name, array in re.findall(r"`([a-z_]+)(\[\])?`", first):
            top.add(name)
            if array or name in objects:
                fields = re.search(r"`\{([^}]*)\}`", meaning).group(1)
                rows[name] = {k.strip().rstrip("?") for k in fields.split(",")}
    return top, rows
