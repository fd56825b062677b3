# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Nothing is left behind: each workload interrupted midway removes its
SysV objects, POSIX objects, FIFOs and socket files; ipcscope killed with
SIGKILL leaves no BPF program loaded."""
import os
import shutil
import signal
import subprocess
import tempfile
import time

from harness import IPCSCOPE, bpf_programs_loaded, eq, no_bpf_left, spawn, tmp, workload

# long-running invocations: each is interrupted while it works
LONG_RUNS = [
    ("pipe", ["--mode", "fifo", "--pattern", "pingpong", "--count", 100000000, "--size", 1]),
    ("shm", ["--api", "sysv", "--size", 1 << 30]),  # about 1.5 s here
    ("shm", ["--api", "posix", "--size", 1 << 30]),
    ("signal", ["--mode", "pingpong", "--count", 100000000]),
    ("msgq", ["--api", "sysv", "--count", 100000000]),
    ("msgq", ["--api", "posix", "--count", 100000000]),
    ("sem", ["--mode", "sysv", "--count", 100000000]),
    ("sem", ["--mode", "posix", "--count", 100000000]),
    ("sem", ["--mode", "prodcons", "--count", 100000000]),
    ("sock", ["--type", "unix-stream", "--connect", "path", "--pattern", "pingpong",
              "--count", 100000000, "--size", 1]),
]


def sysv_ids():
    """(kind, id) of every SysV queue, segment and semaphore set."""
    ids = set()
    for kind, path in (("msg", "/proc/sysvipc/msg"), ("shm", "/proc/sysvipc/shm"),
                       ("sem", "/proc/sysvipc/sem")):
        with open(path) as f:
            next(f)
            ids |= {(kind, line.split()[1]) for line in f if line.strip()}
    return ids


def mount_mqueue():
    """POSIX queues are visible only through an mqueue mount: make one if none."""
    if not os.path.ismount("/dev/mqueue"):
        os.makedirs("/dev/mqueue", exist_ok=True)
        subprocess.run(["mount", "-t", "mqueue", "mqueue", "/dev/mqueue"], check=True)


def listing(path):
    return set(os.listdir(path)) if os.path.isdir(path) else set()


def check_interrupted(index, name, args, sig):
    if not os.path.exists(workload(name)[0]):
        raise AssertionError(f"workload {name} is not built")
    private = tmp(f"{index}-{name}-{sig.name}")
    os.makedirs(private)
    before = (sysv_ids(), listing("/dev/shm"), listing("/dev/mqueue"))
    env = dict(os.environ, TMPDIR=private)
    proc = spawn(workload(name, *args, "--out", os.path.join(private, "out.json"))
                 + (["--fifo-dir", private] if name == "pipe" else []),
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    time.sleep(0.5)
    assert proc.poll() is None, f"{name} {args} ended before it was interrupted"
    # what it made (a check that would pass on a workload that made nothing is no check)
    made = ((sysv_ids() - before[0]) | (listing("/dev/shm") - before[1])
            | (listing("/dev/mqueue") - before[2]) | (set(os.listdir(private)) - {"out.json"}))
    if name != "signal":
        assert made, f"{name} {args}: no IPC object seen while it ran"
    proc.send_signal(sig)
    status = proc.wait(timeout=30)
    eq(status, 128 + sig, f"{name} exit status after {sig.name}")
    time.sleep(0.1)  # the child is killed by the parent; let it go
    after = (sysv_ids(), listing("/dev/shm"), listing("/dev/mqueue"))
    eq(after, before, f"{name} {' '.join(map(str, args))}: SysV/POSIX objects left after {sig.name}")
    eq(sorted(set(os.listdir(private)) - {"out.json"}), [],
       f"{name}: files left in its private directory after {sig.name}")


def test_workloads_interrupted_leave_nothing():
    mount_mqueue()
    for index, (name, args) in enumerate(LONG_RUNS):
        for sig in (signal.SIGINT, signal.SIGTERM):
            check_interrupted(index, name, args, sig)


def test_ipcscope_sigkill_leaves_no_bpf():
    proc = spawn([IPCSCOPE, "record", "-a"], stdout=subprocess.DEVNULL,
                 stderr=subprocess.PIPE, text=True)
    line = proc.stderr.readline()
    assert "tracing started" in line, f"ipcscope did not start: {line}"
    assert bpf_programs_loaded(), "no ipcscope BPF program loaded while tracing"
    proc.kill()
    proc.wait()
    no_bpf_left("BPF programs left loaded after SIGKILL")


def test_command_dies_with_a_killed_ipcscope():
    # SIGKILL leaves ipcscope no time to stop its command: the kernel does
    # (PR_SET_PDEATHSIG), so it is not left running, reparented to init
    marker = tmp("started")
    proc = spawn([IPCSCOPE, "record", "--", "sh", "-c", f"touch {marker}; exec sleep 100"],
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not os.path.exists(marker):
        assert time.monotonic() < deadline, "the command did not start"
        time.sleep(0.05)
    kids = children(proc.pid)
    eq(len(kids), 1, "ipcscope's command")
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 10
    while os.path.exists(f"/proc/{kids[0]}") and not zombie(kids[0]):
        assert time.monotonic() < deadline, \
            f"the command {kids[0]} outlived a SIGKILLed ipcscope"
        time.sleep(0.05)


def children(pid):
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(c) for c in f.read().split()]


def zombie(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def validate_tmpdirs():
    return {d for d in os.listdir("/tmp") if d.startswith("ipcscope-validate.")}


def test_validate_interrupted_leaves_nothing():
    """Ctrl-C (the whole process group) and a SIGTERM to ipcscope alone, in
    the middle of the traced experiments: the workload running then cleans
    up, and so does ipcscope (its temporary directory, its BPF programs)."""
    for sig, group in ((signal.SIGINT, True), (signal.SIGTERM, False)):
        before = (sysv_ids(), listing("/dev/shm"), validate_tmpdirs())
        proc = spawn([IPCSCOPE, "validate", "--quick"], stdout=subprocess.DEVNULL,
                     stderr=subprocess.PIPE, text=True, start_new_session=True)
        while True:
            line = proc.stderr.readline()
            assert line, "validate ended before the experiment it was to be stopped in"
            if "experiment 6 of" in line:   # the lost-update race: a SysV semaphore
                break
        time.sleep(0.2)
        assert bpf_programs_loaded(), "no BPF program loaded while validating"
        if group:
            os.killpg(proc.pid, sig)
        else:
            proc.send_signal(sig)
        eq(proc.wait(timeout=30), 128 + sig, f"exit status after {sig.name}")
        no_bpf_left(f"BPF programs left loaded after {sig.name}")
        after = (sysv_ids(), listing("/dev/shm"), validate_tmpdirs())
        eq(after, before, f"SysV objects, /dev/shm or temporary files left after {sig.name}")


def test_validate_interrupted_in_the_sweep_keeps_earlier_outputs():
    """Ctrl-C during the size sweep (untraced workloads, the outputs'
    temporary files open): the workload cleans up, the temporaries go and
    the earlier files stay as they were."""
    d = tempfile.mkdtemp(prefix="ipcscope-outs.")
    outs = {ext: os.path.join(d, f"earlier.{ext}") for ext in ("json", "md", "svg")}
    for path in outs.values():
        with open(path, "w") as f:
            f.write("an earlier result\n")
    before = (sysv_ids(), listing("/dev/shm"), validate_tmpdirs())
    proc = spawn([IPCSCOPE, "validate", "--quick", "--json", outs["json"], "--markdown",
                  outs["md"], "--svg", outs["svg"]], stdout=subprocess.DEVNULL,
                 stderr=subprocess.PIPE, text=True, start_new_session=True)
    while True:
        line = proc.stderr.readline()
        assert line, "validate ended before its size sweep"
        if "timing 12 sizes" in line:
            break
    time.sleep(0.5)
    eq(proc.poll(), None, "validate ended within half a second of its sweep's start")
    os.killpg(proc.pid, signal.SIGINT)
    eq(proc.wait(timeout=30), 128 + signal.SIGINT, "exit status after SIGINT")
    eq(sorted(os.listdir(d)), sorted(os.path.basename(p) for p in outs.values()),
       "files beside the outputs (a temporary left behind?)")
    for path in outs.values():
        with open(path) as f:
            eq(f.read(), "an earlier result\n", f"{path} after the interrupted run")
    eq((sysv_ids(), listing("/dev/shm"), validate_tmpdirs()), before,
       "SysV objects, /dev/shm or temporary files left after SIGINT in the sweep")
    shutil.rmtree(d)


def running(pid):
    """Alive and not a zombie (a zombie is dead, waiting for its reaper)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_stopping_the_command_stops_what_it_started():
    # at the end of -d, the command is stopped with its child, its
    # grandchild and a daemon that left it; before, SIGTERM to the shell
    # left all three running
    pids = tmp("pids")
    script = (f"exec >/dev/null 2>&1; sleep 60 & echo $! >> {pids}; "
              f"sh -c 'sleep 61 & echo $! >> {pids}; wait' & "
              f"echo $! >> {pids}; "
              f"sh -c 'sleep 63 & echo $! >> {pids}'; wait")
    proc = subprocess.run([IPCSCOPE, "record", "-d", "1", "--", "sh", "-c", script],
                          capture_output=True, text=True, timeout=60)
    time.sleep(0.2)
    started = [int(p) for p in open(pids).read().split()]
    left = [p for p in started if running(p)]
    for p in left:
        os.kill(p, signal.SIGKILL)
    eq(proc.returncode, 0, f"exit status ({proc.stderr.strip()})")
    eq(len(started), 4, "processes the command started")
    eq(left, [], "processes left running after the command was stopped")


def test_what_the_command_left_running_is_named():
    # a command that ends by itself, leaving a child: tracing ends with it,
    # the child is the user's, and the warning says it is no longer traced
    pids = tmp("pids")
    proc = subprocess.run([IPCSCOPE, "record", "--", "sh", "-c",
                           f"sleep 62 >/dev/null 2>&1 & echo $! > {pids}"],
                          capture_output=True, text=True, timeout=60)
    child = int(open(pids).read())
    try:
        eq(proc.returncode, 0, f"exit status ({proc.stderr.strip()})")
        assert running(child), "the child should be the user's to keep"
        assert f"the command left 1 process running, no longer traced: {child} " \
            in proc.stderr, proc.stderr
    finally:
        os.kill(child, signal.SIGKILL)
