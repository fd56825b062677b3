# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Bad input gets one clear line and a non-zero exit, with nothing left
loaded; stopping by signal or duration still reports; help explains."""
import json
import os
import signal
import subprocess

from harness import (ROOT, bpf_programs_loaded, eq, no_bpf_left, one_error_line, record, run_ipcscope,
                     spawn, tmp)


def test_help():
    top = run_ipcscope(["--help"])
    eq(top.returncode, 0, "ipcscope --help exit status")
    assert "record" in top.stdout, "top-level help does not list record"
    rec = run_ipcscope(["record", "--help"])
    eq(rec.returncode, 0, "record --help exit status")
    for word in ("-p, --pid", "-a, --all", "--json", "-d, --duration", "Ctrl-C"):
        assert word in rec.stdout, f"record --help does not explain {word}"
    eq(run_ipcscope([]).returncode, 2, "no command: exit status")


def test_usage_errors():
    one_error_line(run_ipcscope(["frobnicate"]), 2, "unknown command 'frobnicate'")
    one_error_line(run_ipcscope(["record", "--bogus", "-a"]), 2, "unknown option '--bogus'")
    one_error_line(run_ipcscope(["record"]), 2, "no target")
    one_error_line(run_ipcscope(["record", "-p", "abc"]), 2, "invalid PID 'abc'")
    one_error_line(run_ipcscope(["record", "-p", "-5"]), 2, "invalid PID")
    one_error_line(run_ipcscope(["record", "-xa"]), 2, "unknown option '-x'")
    one_error_line(run_ipcscope(["record", "-a", "-d", "0x10"]), 2, "invalid duration '0x10'")
    one_error_line(run_ipcscope(["record", "-a", "-d"]), 2, "needs a value")
    one_error_line(run_ipcscope(["record", "-a", "-p", "1"]), 2, "drop -p")


def test_missing_pid():
    gone = subprocess.Popen(["true"])
    gone.wait()
    one_error_line(run_ipcscope(["record", "-p", gone.pid]), 1,
                   f"no process with PID {gone.pid}")


def test_command_cannot_execute():
    one_error_line(run_ipcscope(["record", "--", "/nonexistent/cmd"]), 1,
                   "cannot execute '/nonexistent/cmd': No such file or directory")
    one_error_line(run_ipcscope(["record", "--", "no-such-command-ipcscope"]), 1,
                   "cannot execute 'no-such-command-ipcscope'")
    plain = tmp("not-executable")
    open(plain, "w").close()
    one_error_line(run_ipcscope(["record", "--", plain]), 1, "Permission denied")
    # a directory passes access(X_OK): it is refused before anything loads
    one_error_line(run_ipcscope(["record", "--", tmp("")]), 1, "Is a directory")


def test_unwritable_json():
    one_error_line(run_ipcscope(["record", "--json", "/nonexistent/dir/x.json", "--", "true"]),
                   1, "cannot write JSON to '/nonexistent/dir/x.json'")


def test_not_root():
    proc = run_ipcscope(["record", "--", "true"], preexec_fn=lambda: (
        __import__("os").setgid(65534), __import__("os").setuid(65534)))
    one_error_line(proc, 1, "needs root")


def test_version_names_libbpf_and_the_kernel_features():
    # as bpftool -V does; without root, features are not probed, and it says so
    proc = run_ipcscope(["-V"])
    eq(proc.returncode, 0, "exit status")
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("ipcscope ") and lines[1].startswith("libbpf v"), proc.stdout
    assert any(line.strip().startswith("bpf_find_vma (5.17+)") for line in lines), proc.stdout
    proc = run_ipcscope(["--version"], preexec_fn=lambda: (os.setgid(65534), os.setuid(65534)))
    eq(proc.returncode, 0, "exit status without root")
    assert "features: probed only as root" in proc.stdout, proc.stdout


def test_sigint_and_sigterm_stop_and_report():
    for sig in (signal.SIGINT, signal.SIGTERM):
        sleeper = spawn(["sleep", "60"])
        rec = record(["-p", sleeper.pid], ready=lambda p, s=sig: p.send_signal(s))
        eq(rec.returncode, 0, f"exit status after {sig.name} ({rec.stderr.strip()})")
        assert rec.json is not None, f"no JSON after {sig.name}"
        assert "traced pid" in rec.stdout, f"no text report after {sig.name}"
        no_bpf_left()
        sleeper.kill()


def test_duration_stops_command():
    rec = record(["-d", "0.5"], ["sleep", "60"])
    eq(rec.returncode, 0, f"exit status ({rec.stderr.strip()})")
    eq(rec.json["targets"]["command_signal"], signal.SIGTERM, "command ended by SIGTERM")
    assert 0.5 <= rec.json["duration_s"] < 10, f"duration {rec.json['duration_s']}"


def test_json_to_stdout_only():
    proc = run_ipcscope(["record", "--json", "-", "--", "true"])
    eq(proc.returncode, 0, f"exit status ({proc.stderr.strip()})")
    doc = json.loads(proc.stdout)
    eq(doc["schema_version"], 2, "schema version")
    eq(doc["targets"]["command"], ["true"], "command in JSON")
    eq(doc["targets"]["command_exit"], 0, "command exit status")
    missing = [p["name"] for p in doc["probes"] if not (p["attached"] or p["standby"])]
    eq(missing, [], "probes neither attached nor standing by")
    no_bpf_left()


def test_command_exit_status_reported():
    rec = record([], ["sh", "-c", "exit 3"])
    eq(rec.returncode, 0, "ipcscope exit status")
    eq(rec.json["targets"]["command_exit"], 3, "command exit status")
    assert "command exited with status 3" in rec.stdout, "text report lacks the exit status"


def test_every_source_file_names_its_license():
    # LICENSE says GPL-2.0 OR BSD-2-Clause; each source file says so in its
    # first lines (a packager's license checker reads them)
    exts = (".c", ".h", ".py", ".sh", ".bt")
    missing = []
    for top in ("bpf", "user", "workloads", "tests", "bench"):
        for dirpath, _, files in os.walk(os.path.join(ROOT, top)):
            for f in files:
                if not f.endswith(exts) or "corpus" in dirpath:
                    continue
                path = os.path.join(dirpath, f)
                with open(path, errors="replace") as fh:
                    head = "".join(fh.readline() for _ in range(3))
                if "SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause" not in head:
                    missing.append(os.path.relpath(path, ROOT))
    with open(os.path.join(ROOT, "Makefile")) as fh:
        if "SPDX-License-Identifier" not in fh.readline():
            missing.append("Makefile")
    eq(missing, [], "source files without an SPDX line")
    assert os.path.exists(os.path.join(ROOT, "LICENSE")), "no LICENSE"
    assert os.path.exists(os.path.join(ROOT, "LICENSES", "GPL-2.0.txt")), "no GPL-2.0 text"
