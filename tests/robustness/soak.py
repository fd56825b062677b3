#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""make soak: ipcscope trace -a, top -a and record -a side by side for a
long run (10 minutes by default) while processes come and go and talk
through pipes; each one's resident memory is sampled every few seconds
and must stay flat, and each must end cleanly with nothing lost unnamed.

usage: tests/robustness/soak.py [--seconds N] [--interval S] [--out FILE]

Flat: the median RSS of the last quarter of the samples is at most 10 %
plus 2 MiB above the median of the second quarter (the first quarter is
warm-up: maps and buffers filling). Prints a table (Markdown with --out)
and exits 1 if any check fails. Needs root; not part of `make test`.
"""
import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
IPCSCOPE = os.path.join(ROOT, "build", "ipcscope")
PIPE = os.path.join(ROOT, "build", "workloads", "pipe")
CHURN = os.path.join(ROOT, "tests", "integration", "data", "churn.c")


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def flat(samples):
    """(ok, second-quarter median, last-quarter median) in KiB."""
    q = len(samples) // 4
    if q < 1:
        return False, None, None
    early = int(statistics.median(samples[q:2 * q]))
    late = int(statistics.median(samples[-q:]))
    return late <= early * 1.10 + 2048, early, late


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=600, help="how long (default 600)")
    ap.add_argument("--interval", type=float, default=5, help="RSS sampling interval (default 5)")
    ap.add_argument("--out", help="also write the results as Markdown to this file")
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("soak: needs root (it loads BPF programs)")
    for exe in (IPCSCOPE, PIPE):
        if not os.access(exe, os.X_OK):
            sys.exit(f"soak: {exe} is not built (make)")
    work = tempfile.mkdtemp(prefix="ipcscope-soak-")
    churn = os.path.join(work, "churn")
    subprocess.run(["cc", "-O2", "-o", churn, CHURN], check=True)
    # the load: processes coming and going, and pipe traffic, in a loop
    load = subprocess.Popen(
        ["sh", "-c", f"while :; do {churn} 200 >/dev/null; "
                     f"{PIPE} --count 2000 --size 4096 --out {work}/pipe.json; done"],
        start_new_session=True)
    secs = str(args.seconds)
    tools = {
        "trace -a": [IPCSCOPE, "trace", "-a", "-d", secs],
        "top -a": [IPCSCOPE, "top", "-a", "-i", "1", "-d", secs],
        "record -a": [IPCSCOPE, "record", "-a", "-d", secs, "--json",
                      os.path.join(work, "record.json")],
    }
    procs, errs, samples = {}, {}, {name: [] for name in tools}
    for name, cmd in tools.items():
        errs[name] = open(os.path.join(work, name.split()[0] + ".err"), "w+")
        # top's screens are kept: each says what that interval lost
        out = (open(os.path.join(work, "top.out"), "w") if name == "top -a"
               else subprocess.DEVNULL)
        procs[name] = subprocess.Popen(cmd, stdout=out, stderr=errs[name])
    start = time.monotonic()
    try:
        while any(p.poll() is None for p in procs.values()):
            for name, p in procs.items():
                kb = rss_kb(p.pid) if p.poll() is None else None
                if kb is not None:
                    samples[name].append(kb)
            if time.monotonic() - start > args.seconds + 120:
                break
            time.sleep(args.interval)
    finally:
        os.killpg(load.pid, signal.SIGKILL)
        load.wait()
        for p in procs.values():
            if p.poll() is None:
                p.kill()
                p.wait()
    elapsed = time.monotonic() - start
    rows, failed = [], False
    for name, p in procs.items():
        errs[name].seek(0)
        err = errs[name].read().strip().splitlines()
        ok, early, late = flat(samples[name])
        ended = p.returncode == 0
        # what it says it lost (warnings, and trace's "N events, M lost")
        said = [line.replace("ipcscope: ", "") for line in err
                if "warning:" in line or " lost" in line]
        last = "; ".join(said) or "nothing"
        failed |= not (ok and ended)
        if name == "top -a":
            lost = {}
            with open(os.path.join(work, "top.out"), errors="replace") as f:
                for line in f:
                    m = re.match(r"\s*lost: (\d+) \((.*)\)", line)
                    if m:
                        lost[m.group(2)] = lost.get(m.group(2), 0) + int(m.group(1))
            said += [f"{n} ({why}), over all screens" for why, n in lost.items()]
            last = "; ".join(said) or "nothing"
        if name == "record -a" and ended:
            with open(os.path.join(work, "record.json")) as f:
                drops = json.load(f)["drops"]
            named = ", ".join(f"{k} {v}" for k, v in drops.items() if v)
            last = f"its JSON's drops: {named or 'none'}"
        rows.append((name, len(samples[name]), early, late, max(samples[name] or [0]),
                     "flat" if ok else "GROWS", p.returncode, last[:300]))
    lines = [f"soak: {elapsed:.0f} s, RSS sampled every {args.interval:g} s (KiB)", "",
             "| Tool | Samples | RSS 2nd quarter | RSS last quarter | Peak | Verdict | Exit | What it says it lost |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append("| " + " | ".join("-" if v is None else str(v) for v in r) + " |")
    text = "\n".join(lines)
    print(text)
    if args.out:
        tmp = args.out + ".tmp"
        with open(tmp, "w") as f:
            f.write(text + "\n")
        os.replace(tmp, args.out)
    shutil.rmtree(work, ignore_errors=True)
    print("soak: " + ("FAILED" if failed else "passed"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
