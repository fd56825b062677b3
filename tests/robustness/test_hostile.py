# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Names from the traced system are untrusted: an unprivileged process can
name itself, or a FIFO, with terminal escapes. Every text output shows them
made safe ('?' for what a terminal would interpret); JSON keeps the raw
name, escaped."""
import os
import sys

from harness import eq, record, run_ipcscope, tmp

EVIL = "\x1b]0;PWNED\x07\x1b[2J"          # set the title, clear the screen
BAD_BYTES = ("\x1b", "\x07", "\x9b")


def hostile_program(fifo):
    """argv: Python exec'd through a link named EVIL (its comm, which any
    user can choose so), writing and reading 3 bytes through a FIFO whose
    name holds EVIL."""
    link = tmp(EVIL)
    if not os.path.islink(link):
        os.symlink(sys.executable, link)
    code = f"""
import os
os.mkfifo({fifo!r})
r = os.open({fifo!r}, os.O_RDONLY | os.O_NONBLOCK)
w = os.open({fifo!r}, os.O_WRONLY)
os.write(w, b"abc")
os.read(r, 3)
os.unlink({fifo!r})
"""
    return [link, "-c", code]


def assert_clean(text, what):
    for b in BAD_BYTES:
        assert b not in text, f"{what}: {b!r} reached the output: {text!r}"


def test_escapes_in_names_never_reach_text_outputs():
    fifo = tmp("fifo" + EVIL)
    rec = record(["--no-hist"], hostile_program(fifo))
    eq(rec.returncode, 0, f"record's exit status ({rec.stderr})")
    assert_clean(rec.stdout, "record's text report")
    assert_clean(rec.stderr, "record's messages")
    assert "?]0;PWNED??[2J" in rec.stdout, f"the process, shown made safe:\n{rec.stdout}"
    # JSON: the raw names, escaped as JSON strings
    comms = [p["comm"] for p in rec.json["processes"]]
    assert EVIL in comms, f"the raw comm in the JSON: {comms}"
    fifos = [o for o in rec.json["objects"] if o["kind"] == "fifo"]
    eq(len(fifos), 1, "the FIFO in the JSON")
    assert_clean(fifos[0]["name"], "the FIFO's display name")

    proc = run_ipcscope(["trace", "-m", "pipe", "--"] + hostile_program(tmp("f2" + EVIL)))
    eq(proc.returncode, 0, f"trace's exit status ({proc.stderr})")
    assert_clean(proc.stdout, "trace's lines")
    assert "fifo:" in proc.stdout, proc.stdout

    proc = run_ipcscope(["top", "-i", "0.2", "--"] + hostile_program(tmp("f3" + EVIL)))
    eq(proc.returncode, 0, f"top's exit status ({proc.stderr})")
    assert_clean(proc.stdout, "top's screens")
    assert os.path.basename(fifo) not in os.listdir(os.path.dirname(fifo))
