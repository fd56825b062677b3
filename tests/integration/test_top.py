"""ipcscope top: screens of rates while a workload runs; plain text when
piped, redrawn on a terminal; stops with the command or after -n screens."""
import re
import subprocess
import time

from harness import eq, one_error_line, read_json, run_ipcscope, run_on_terminal, spawn, tmp, \
    workload

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
