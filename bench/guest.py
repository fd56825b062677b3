#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""bench/guest.py - what ipcscope's syscall hooks cost, compared within one
kernel: meant for the kernel matrix's qemu guests, whose timings (TCG) say
nothing next to the host's, but whose ratios against the same guest's
untraced runs compare one hook with another on that kernel.

  tests/kernels/run.sh --cmd 'python3 bench/guest.py' trixie sid

For each hook (IPCSCOPE_SYSCALL_HOOK: the default, kprobe, ipc,
raw_syscalls; the ones this kernel cannot use say so in ipcscope's warning
and are measured as what it falls back to), interleaved round by round
with untraced runs:
  bystander: bench/pingpong --mode getppid while `ipcscope record -p` traces
             an idle process (what a process ipcscope does not trace pays
             on a syscall that is not IPC); and beside bench/empty with
             the empty programs on the IPC syscalls' own tracepoints (the
             floor of those hooks)
  traced:    bench/pingpong --mode pipe-1 under `ipcscope record --`
Prints the median best_ns_per_op of each and its ratio to the untraced
median. Options: --rounds N (default 5), --hooks a,b (default
default,kprobe,ipc,raw_syscalls).
"""
import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time

# the build's paths, as the bench has them
from bench import EMPTY, IPCSCOPE, PINGPONG, SYSCALL_TPS_OBJ as SYSCALL_TPS  # noqa: E402

OUT = "/tmp/ipcscope-guest-pingpong.json"
SETTLE_S = 5


def hook_env(hook):
    env = dict(os.environ)
    env.pop("IPCSCOPE_SYSCALL_HOOK", None)
    if hook != "default":
        env["IPCSCOPE_SYSCALL_HOOK"] = hook
    return env


def wait_for(stream, text):
    for line in stream:
        if text in line:
            return
    raise RuntimeError(f"never said {text!r}")


def pingpong(mode, wrap=(), env=None):
    subprocess.run([*wrap, PINGPONG, "--mode", mode, "--cpu", "0", "--out", OUT], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    with open(OUT) as f:
        return json.load(f)["best_ns_per_op"]


def bystander(hook):
    """getppid beside `record -p` of an idle process (hook "empty": beside
    the empty programs on the IPC syscalls' tracepoints)"""
    if hook == "none":
        return pingpong("getppid")
    idle = subprocess.Popen(["sleep", "600"])
    if hook == "empty":
        tracer = subprocess.Popen([EMPTY, SYSCALL_TPS], stderr=subprocess.PIPE, text=True)
        wait_for(tracer.stderr, "attached")
    else:
        tracer = subprocess.Popen([IPCSCOPE, "record", "-p", str(idle.pid)], env=hook_env(hook),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wait_for(tracer.stderr, "tracing started")
    try:
        return pingpong("getppid")
    finally:
        tracer.send_signal(signal.SIGINT)
        tracer.communicate(timeout=120)
        idle.kill()
        idle.wait()
        # ipcscope closes its tracepoints' perf events in a process of its
        # own, after it exits (about 1-2 s): until then they stay on, and
        # the next run would pay for them
        time.sleep(SETTLE_S)


def traced(hook):
    if hook == "none":
        return pingpong("pipe-1")
    return pingpong("pipe-1", wrap=(IPCSCOPE, "record", "--"), env=hook_env(hook))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--hooks", default="default,kprobe,ipc,raw_syscalls")
    a = ap.parse_args()
    if a.rounds < 1:
        ap.error("--rounds must be at least 1")
    hooks = a.hooks.split(",")
    check = subprocess.run([IPCSCOPE, "check"], capture_output=True, text=True).stdout
    print(f"kernel {os.uname().release}; " +
          next((l for l in check.splitlines() if l.startswith("syscall hooks:")), "?"))
    for what, fn, extra in (("bystander getppid", bystander, ["empty"]),
                            ("traced pipe-1", traced, [])):
        runs = {h: [] for h in ["none", *hooks, *extra]}
        for _ in range(a.rounds):
            for h in runs:
                runs[h].append(fn(h))
        base = statistics.median(runs["none"])
        print(f"{what} (best ns per op, medians of {a.rounds}):")
        for h, v in runs.items():
            med = statistics.median(v)
            print(f"  {h:14s} {med:10.1f} ns  {med / base:5.2f}x  "
                  f"range {min(v) / base:.2f}-{max(v) / base:.2f}x")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
