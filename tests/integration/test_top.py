"""ipcscope top: screens of rates while a workload runs; plain text when
piped, redrawn on a terminal; stops with the command or after -n screens."""
import re

from harness import eq, one_error_line, read_json, run_ipcscope, run_on_terminal, tmp, workload

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
