# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""ipcscope top: screens of rates while a workload runs; plain text when
piped, redrawn on a terminal; stops with the command or after -n screens."""
import re
import subprocess
import time

from harness import IPCSCOPE, data_program, eq, one_error_line, read_json, run_ipcscope, \
    run_on_terminal, spawn, stop, tmp, workload

HEADER = re.compile(r"^ipcscope top  \d\d:\d\d:\d\d  last [0-9.]+ s  \d+ of \d+ processes did IPC")


def pingpong(out, count):
    return workload("pipe", "--pattern", "pingpong", "--count", count, "--size", 64,
                    "--out", out)


def test_screens_while_a_command_runs():
    out = tmp("pp.json")
    proc = run_ipcscope(["top", "-i", "0.3", "-n", "100", "--"] + pingpong(out, 60000),
                        timeout=120)
    eq(proc.returncode, 0, f"exit status ({proc.stderr.strip()})")
    w = read_json(out)
    lines = proc.stdout.splitlines()
    screens = [line for line in lines if HEADER.match(line)]
    assert 1 <= len(screens) < 100, f"{len(screens)} screens: it did not stop with the command"
    assert "\033" not in proc.stdout, "escape codes in piped output"
    pids = {str(p["pid"]) for p in w["processes"]}
    shown = {line.split()[0] for line in lines if line.strip() and line.split()[0].isdigit()}
    eq(pids - shown, set(), "workload processes in the process table")
    inos = {f"pipe:[{p['ino']}]" for p in w["pipes"]}
    objects = {line.split()[0] for line in lines if line.startswith("pipe:[")}
    eq(inos - objects, set(), "workload pipes in the object table")
    # a busy ping-pong: some screen shows both pipes moving data
    assert any(line.startswith(tuple(inos)) and "B/s" in line and " 0 B/s" not in line
               for line in lines), "no pipe with a byte rate"


def test_count_stops_and_terminal_redraws():
    out = tmp("long.json")
    status, text, err = run_on_terminal(["top", "-i", "0.2", "-n", "3", "--"]
                                        + pingpong(out, 100000000), timeout=60)
    eq(status, 0, f"exit status ({err.strip()})")
    eq(text.count("\033[H\033[2J"), 3, "screens redrawn on a terminal (-n 3)")


def test_record_options_are_not_top_options():
    one_error_line(run_ipcscope(["top", "--json", "x.json"]), 2,
                   "--json is an option of 'ipcscope record', not of this command")
    one_error_line(run_ipcscope(["record", "-n", "3", "-a"]), 2, "unknown option '-n'")
    one_error_line(run_ipcscope(["top", "-i", "0"]), 2, "invalid interval '0'")


def test_duration_stops_whole_system_view():
    # top -d over every process: a busy pipe ping-pong, started first, is
    # among what it shows, and it stops by itself
    out = tmp("busy.json")
    busy = spawn(pingpong(out, 100000000), stdout=subprocess.DEVNULL)
    try:
        time.sleep(0.2)
        started = time.monotonic()
        proc = run_ipcscope(["top", "-d", "1.5", "-i", "0.5", "--top", "0"], timeout=60)
        took = time.monotonic() - started
        pids = {str(p) for p in [busy.pid] + children(busy.pid)}
    finally:
        busy.terminate()
        busy.wait()
    eq(proc.returncode, 0, f"exit status ({proc.stderr.strip()})")
    assert took < 30, f"top -d 1.5 took {took:.1f} s"
    lines = proc.stdout.splitlines()
    screens = [line for line in lines if HEADER.match(line)]
    assert 2 <= len(screens) <= 4, f"{len(screens)} screens in 1.5 s at 0.5 s"
    shown = {line.split()[0] for line in lines if line.strip() and line.split()[0].isdigit()}
    assert pids & shown, f"the busy ping-pong ({pids}) is not in the process table:\n{proc.stdout}"


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(c) for c in f.read().split()]
    except OSError:
        return []


def test_keeps_seeing_new_processes_under_churn():
    # 17000 processes come and go, more than the process map holds: top
    # forgets each once it has shown it exited, so a process that starts
    # after them is still seen, and nothing is lost for want of room
    exe = data_program("churn")
    screens_out = tmp("top.txt")
    with open(screens_out, "w") as f:
        top = spawn([IPCSCOPE, "top", "-a", "-i", "0.5", "-d", "300", "--top", "0"],
                    stdout=f, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and "ipcscope top" not in open(screens_out).read():
        time.sleep(0.1)
    churn = subprocess.run([exe, "17000"], capture_output=True, text=True, timeout=600)
    eq(churn.returncode, 0, f"churn ({churn.stderr.strip()})")
    out = tmp("after.json")
    after = subprocess.run(pingpong(out, 20000), timeout=120)
    eq(after.returncode, 0, "the pipe workload after the churn")
    time.sleep(1.5)		# a screen or two after it
    stop(top)
    _, err = top.communicate(timeout=60)
    eq(top.returncode, 0, f"top's exit status ({err.strip()})")
    text = open(screens_out).read()
    lines = text.splitlines()
    lost = [line for line in lines if line.startswith("  lost:")]
    eq(lost, [], "events lost during the churn")
    pids = {str(p["pid"]) for p in read_json(out)["processes"]}
    shown = {line.split()[0] for line in lines if line.strip() and line.split()[0].isdigit()}
    eq(pids - shown, set(), "the pipe workload's processes, started after 17000 others")
    # the interval is kept, and a screen that came late says so
    lasts = [float(m.group(1)) for m in map(HEADER_LAST.match, lines) if m]
    assert len(lasts) >= 3, f"{len(lasts)} screens"
    for line in lines:
        m = HEADER_LAST.match(line)
        # late past 0.55 s; printed to 0.1 s
        if m and float(m.group(1)) >= 0.7:
            assert "late" in line, f"a late screen that does not say so: {line}"
    lasts.sort()
    assert lasts[len(lasts) // 2] <= 0.75, f"screens {lasts[len(lasts) // 2]} s apart at -i 0.5"


HEADER_LAST = re.compile(r"^ipcscope top  \d\d:\d\d:\d\d  last ([0-9.]+) s")
