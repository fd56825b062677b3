# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""bench/bench.py's own logic that a full `make bench` cannot check
quickly: how it waits for a quiet machine before measuring, and how it
writes its outputs."""
import contextlib
import importlib.util
import io
import os
import sys

from harness import ROOT, eq


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_py",
                                                  os.path.join(ROOT, "bench", "bench.py"))
    mod = importlib.util.module_from_spec(spec)
    sys.modules["bench_py"] = mod
    spec.loader.exec_module(mod)
    return mod


class FakeClock:
    """The load falls as time passes on a clock only sleep() moves"""
    def __init__(self, loads, tick=0.0):
        """tick: how far the clock moves at each reading of it"""
        self.t, self.loads, self.reads, self.sleeps = 0.0, loads, 0, []
        self.tick = tick

    def now(self):
        self.t += self.tick
        return self.t

    def sleep(self, s):
        self.sleeps.append(s)
        self.t += s

    def read(self):
        self.reads += 1
        return self.loads[min(self.reads - 1, len(self.loads) - 1)]


def test_it_waits_for_the_load_to_fall_before_measuring():
    b = load_bench()
    said = []
    c = FakeClock([0.71, 0.62, 0.55, 0.48, 0.2])
    waited = b.wait_for_quiet(180, read=c.read, sleep=c.sleep, now=c.now, say=said.append)
    eq(c.reads, 4, "load reads until it fell to 0.5")
    eq(waited, 15.0, "seconds waited (three sleeps of 5 s)")
    eq(said, ["1-minute load 0.71: waiting up to 180 s for it to fall to 0.5 (--quiet-wait)",
              "waited 15 s for the 1-minute load to fall to 0.5: 0.48"], "what it said")
    # a real clock moves between any two readings: it says it waits all the same
    c, said = FakeClock([0.71, 0.2], tick=1e-6), []
    b.wait_for_quiet(180, read=c.read, sleep=c.sleep, now=c.now, say=said.append)
    eq(said[:1], ["1-minute load 0.71: waiting up to 180 s for it to fall to 0.5 (--quiet-wait)"],
       "what it said first, on a clock that moves")
    # it gives up at the limit, sleeping no further than it
    c = FakeClock([0.9])
    eq(b.wait_for_quiet(12, read=c.read, sleep=c.sleep, now=c.now, say=lambda m: None), 12.0,
       "waited at most the limit")
    eq(c.sleeps, [5.0, 5.0, 2.0], "sleeps up to the limit")
    # a quiet machine, an unreadable load, no wait asked: no wait, nothing said
    for loads, limit in (([0.3], 180), ([None], 180), ([0.9], 0)):
        c, said = FakeClock(loads), []
        eq(b.wait_for_quiet(limit, read=c.read, sleep=c.sleep, now=c.now, say=said.append), 0.0,
           f"wait with load {loads[0]}, limit {limit}")
        eq(said, [], f"said with load {loads[0]}, limit {limit}")
    # the load as read from /proc/loadavg, and as the report takes it
    for text, load in (("0.71 0.62 0.40", 0.71), ("?", None), ("", None)):
        eq(b.load_1min(text), load, f"the 1-minute load in {text!r}")
    # the option: 180 s by default, none for a smoke run, never negative, NaN or past an hour
    eq(b.parse_args([]).quiet_wait, 180, "default --quiet-wait")
    eq(b.parse_args(["--quick"]).quiet_wait, 0, "--quick's --quiet-wait")
    eq(b.parse_args(["--quiet-wait", "7"]).quiet_wait, 7, "--quiet-wait 7")
    for bad in ("-1", "nan", "inf", "3601"):
        try:
            with contextlib.redirect_stderr(io.StringIO()):
                b.parse_args(["--quiet-wait", bad])
            raise AssertionError(f"--quiet-wait {bad} was accepted")
        except SystemExit as e:
            eq(e.code, 2, f"exit status for --quiet-wait {bad}")


def test_its_outputs_are_written_whole_or_not_at_all():
    import tempfile
    b = load_bench()
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "RESULTS.md")
        with open(path, "w") as f:
            f.write("the earlier run\n")
        old_mask = os.umask(0o022)
        try:
            b.write_whole(path, "a new run\n")
        finally:
            os.umask(old_mask)
        with open(path) as f:
            eq(f.read(), "a new run\n", "the new report")
        eq(oct(os.stat(path).st_mode & 0o777), oct(0o644), "its mode: 0666 less the umask")
        eq(os.listdir(d), ["RESULTS.md"], "files beside it")
        # a failure half-way (text that cannot be encoded; a sync that fails
        # after the text was written) leaves the earlier report and no
        # temporary file
        real_fsync = b.os.fsync

        def failing_fsync(fd):
            raise OSError(5, "Input/output error")
        for what, text in (("unencodable text", "half \ud800 written\n"),
                           ("a failed sync", "written, never synced\n")):
            if what == "a failed sync":
                b.os.fsync = failing_fsync
            try:
                b.write_whole(path, text)
                raise AssertionError(f"write_whole with {what} did not fail")
            except (OSError, UnicodeError):
                pass
            finally:
                b.os.fsync = real_fsync
            with open(path) as f:
                eq(f.read(), "a new run\n", f"the report after {what}")
            eq(os.listdir(d), ["RESULTS.md"], f"files beside it after {what}")
        # a directory that is not there: nothing made
        try:
            b.write_whole(os.path.join(d, "gone", "RESULTS.md"), "x")
            raise AssertionError("write_whole into a missing directory did not fail")
        except OSError:
            pass
        eq(os.listdir(d), ["RESULTS.md"], "files after a missing directory")


def test_probe_cost_takes_turns_and_holds_ipcscope_to_the_timing_floor_in_bpf_time():
    import contextlib as cl
    import tempfile
    import types
    b = load_bench()
    keys = ("floor-systp", "floor-timing-systp", "floor-objects", "ipcscope-a")
    tracers = [types.SimpleNamespace(key=k, label=k, failure=None) for k in keys]
    # BPF ns per round trip each tracer's one program runs for, and its
    # background in the window after the workload
    per_rt = {"floor-systp": 700, "floor-timing-systp": 1500, "floor-objects": 2600,
              "ipcscope-a": 3000}
    calls = []

    def run_traced(tr, wl, count, cpu, d, between=None):
        calls.append(tr.key)
        if tr.key == "floor-objects" and calls.count("floor-objects") == 2:
            raise RuntimeError("it stopped")
        names = {1: "prog"}
        t = per_rt[tr.key] * count
        # 10 ns of background in the run and 10 in the window after it
        return {"stats": (({1: (0, 0)}, names), ({1: (t + 10, 4 * count)}, names)),
                "idle": ({1: (t + 20, 4 * count + 1)}, names)}
    b.run_traced = run_traced
    b.BpfStats = cl.nullcontext
    args = types.SimpleNamespace(scale=1.0, cost_rounds=3, cpu=0)
    with tempfile.TemporaryDirectory() as d, cl.redirect_stderr(io.StringIO()):
        cost = b.measure_probe_cost(args, tracers, [("pipe-1", "", None)], d)
    # turns in a rotating order, round after round; a tracer that failed
    # is left out from there on, and what it measured before is kept
    eq(calls, ["floor-systp", "floor-timing-systp", "floor-objects", "ipcscope-a",
               "floor-timing-systp", "floor-objects", "ipcscope-a", "floor-systp",
               "ipcscope-a", "floor-systp", "floor-timing-systp"], "the order of the runs")
    count = b.DEFAULT_COUNTS["pipe-1"]
    eq({k: c["round_trips"] for (k, _), c in cost.items()},
       {"floor-systp": 3 * count, "floor-timing-systp": 3 * count, "floor-objects": count,
        "ipcscope-a": 3 * count}, "round trips measured per tracer")
    eq({k: round(b.bpf_ns_per_round_trip(c)) for (k, _), c in cost.items()}, per_rt,
       "BPF ns per round trip, net of the background")
    # held to the timing floor: (3000 - 1500) ns over an untraced 6 us
    runs = {("pipe-1", "none", count): [{"best_ns_per_op": 6000.0}] * 3,
            ("pipe-1", "none", count // 20): [{"best_ns_per_op": 1.0}]}
    eq(b.bpf_time_target(cost, runs, "pipe-1"),
       ("BPF time per round trip <= the timing floor's (same hooks) + 0.05x the untraced "
        "round trip", "3000 ns vs 1500 ns: +0.25x of 6.00 us",
        "**no** (the objects floor alone is +0.18x; ipcscope against it: +0.07x)"),
       "the target, not met")
    cost[("ipcscope-a", "pipe-1")]["progs"]["prog"][0] -= 1300 * 3 * count
    eq(b.bpf_time_target(cost, runs, "pipe-1")[1:],
       ("1700 ns vs 1500 ns: +0.03x of 6.00 us", "yes"), "the target, met")
    eq(b.bpf_time_target(cost, {}, "pipe-1"), None, "no untraced run: no target")
    del cost[("floor-timing-systp", "pipe-1")]
    eq(b.bpf_time_target(cost, runs, "pipe-1"), None, "no timing floor: no target")
    # a bystander (record -p OTHER) against the empty programs on the same
    # hooks: 8 runs a round trip, 25 ns each above the empty ones
    def entry(ns_per_rt, runs_per_rt):
        return {"progs": {"prog": [ns_per_rt * count, runs_per_rt * count, 0, 0]},
                "round_trips": count}
    cost[("ipcscope-p", "pipe-1")] = entry(900, 8)
    eq(b.bystander_bpf_target(cost, runs, "pipe-1", "floor-systp"),
       ("a bystander's BPF time per round trip <= the empty programs' (same hooks)",
        "900 ns vs 700 ns: +0.033x of 6.00 us",
        "**no** (+25 ns a run over 8.0 runs a round trip: the check that the caller "
        "is no target)"), "the bystander's target, not met")
    # with the filter floor (one compare of the caller's process id): how
    # much of the gap any filter pays, and ipcscope's above it
    cost[("floor-filter", "pipe-1")] = entry(860, 8)
    eq(b.bystander_bpf_target(cost, runs, "pipe-1", "floor-systp")[2],
       "**no** (+25 ns a run over 8.0 runs a round trip: the check that the caller "
       "is no target; the filter floor's, one compare of the caller's process id, "
       "+20 ns a run: ipcscope +5 ns a run over it)", "the bystander against the filter floor")
    del cost[("floor-filter", "pipe-1")]
    cost[("ipcscope-p", "pipe-1")] = entry(690, 8)
    eq(b.bystander_bpf_target(cost, runs, "pipe-1", "floor-systp")[2], "yes",
       "the bystander's target, met")
    eq(b.bystander_bpf_target(cost, runs, "pipe-1", "floor"), None,
       "no empty programs measured on those hooks: no target")
    # no IPC (getppid): none of its programs runs, whatever a few ns of
    # background left over say
    cost[("ipcscope-p", "pipe-1")] = entry(0.3, 0.01)
    cost[("floor-systp", "pipe-1")] = entry(-0.2, 0)
    eq(b.bystander_bpf_target(cost, runs, "pipe-1", "floor-systp")[1:],
       ("0.0 runs of its programs a round trip", "yes (no program runs on its calls)"),
       "the bystander's target, no program run")
