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
