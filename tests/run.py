#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The one test runner behind `make test`.

Runs the unit tests (C, under ASan/UBSan, no root needed), the fuzz
targets of tests/fuzz/ for a few seconds each (IPCSCOPE_FUZZ_SECONDS), and
then the integration tests in tests/integration/ (real BPF programs, real
workloads, exact counts) and tests/robustness/ (hostile names, outputs that
fail: the README's Reliability table). Ends with one line: `N passed, N failed` (`, N skipped`),
after a line naming the failed tests, if any (CI shows the end of the output).

Integration tests need root. Without root they are skipped with a reason,
except in CI (CI=true), where a test that cannot load BPF fails.

Usage: tests/run.py [SUBSTRING]     run only the tests whose name contains it
       tests/run.py --list FILE    run the integration tests FILE names, one
                                   per line (`file.test`; `#` starts a
                                   comment), not the unit tests (they do not
                                   depend on the kernel); a name that matches
                                   no test is a failure (tests/kernels/suite.txt)
"""
import glob
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

import harness  # noqa: E402  (tests/integration/harness.py)

FAILED = []  # the names of the failed tests, in order, for the end


def fail(name, why, detail=None):
    """Print a test's failure (FAIL name: why, then the lines of detail)
    and remember its name."""
    print(f"FAIL {name}: {why}" if why else f"FAIL {name}:")
    if detail:
        print(detail)
    FAILED.append(name)


def run_unit(pattern):
    """Run the C unit tests; return (passed, failed)."""
    exe = os.path.join(ROOT, "build", "tests", "unit")
    args = [exe] + ([pattern] if pattern else [])
    proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    sys.stdout.write(proc.stdout)
    FAILED.extend(re.findall(r"^FAIL (\S+)$", proc.stdout, re.M))
    m = re.search(r"^(\d+) passed, (\d+) failed$", proc.stdout, re.M)
    if not m:
        fail("unit", f"no summary line (exit {proc.returncode})")
        return 0, 1
    passed, failed = int(m.group(1)), int(m.group(2))
    if proc.returncode != 0 and failed == 0:
        fail("unit", f"exit status {proc.returncode}")
        failed = 1
    return passed, failed


def cannot_run(name, why):
    """A test that cannot run: a failure in CI (CI=true), else a skip.
    Returns (failed, skipped)."""
    if harness.in_ci():
        fail(name, f"{why} (CI=true: every test must run)")
        return 1, 0
    print(f"SKIP {name}: {why}")
    return 0, 1


FUZZ_SECONDS = int(os.environ.get("IPCSCOPE_FUZZ_SECONDS", "5"))


def run_fuzz(pattern):
    """Each libFuzzer target in build/fuzz for FUZZ_SECONDS, from its seeds
    (tests/fuzz/corpus/NAME, read only: new inputs go to a temporary
    directory); return (passed, failed, skipped)."""
    passed = failed = skipped = 0
    sources = sorted(glob.glob(os.path.join(ROOT, "tests", "fuzz", "fuzz_*.c")))
    for src in sources:
        target = os.path.basename(src)[:-2]
        name = f"fuzz.{target[5:]}"
        if pattern and pattern not in name:
            continue
        exe = os.path.join(ROOT, "build", "fuzz", target)
        if not os.path.exists(exe):
            f, k = cannot_run(name, f"{exe} is not built (make test builds it with "
                                    "clang's libFuzzer)")
            failed, skipped = failed + f, skipped + k
            continue
        seeds = os.path.join(ROOT, "tests", "fuzz", "corpus", target[5:])
        work = tempfile.mkdtemp(prefix="ipcscope-fuzz-")
        start = time.monotonic()
        try:
            proc = subprocess.run([exe, f"-max_total_time={FUZZ_SECONDS}",
                                   f"-artifact_prefix={work}/", work, seeds],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True, errors="replace",
                                  timeout=FUZZ_SECONDS * 4 + 60)
            ok = proc.returncode == 0
            out = proc.stdout
        except subprocess.TimeoutExpired:
            ok, out = False, "timed out"
        if ok:
            runs = re.findall(r"Done (\d+) runs", out)
            print(f"PASS {name} ({runs[-1] if runs else '?'} inputs, "
                  f"{time.monotonic() - start:.1f} s)")
            passed += 1
        else:
            tail = "\n".join(out.splitlines()[-25:])
            fail(name, "the fuzzer found a failing input:", tail)
            failed += 1
        shutil.rmtree(work, ignore_errors=True)
    return passed, failed, skipped


def integration_tests():
    """(name, function) for every test_* function in tests/integration/test_*.py
    and tests/robustness/test_*.py (hostile input, failing outputs)."""
    tests = []
    files = [os.path.join(ROOT, "tests", d, f) for d in ("integration", "robustness")
             for f in os.listdir(os.path.join(ROOT, "tests", d))]
    for path in sorted(files, key=os.path.basename):
        fname = os.path.basename(path)
        if not (fname.startswith("test_") and fname.endswith(".py")):
            continue
        spec = importlib.util.spec_from_file_location(fname[:-3], path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        for name in dir(mod):
            fn = getattr(mod, name)
            if name.startswith("test_") and callable(fn):
                tests.append((f"{fname[5:-3]}.{name[5:]}", fn, fn.__code__.co_firstlineno))
    tests.sort(key=lambda t: (t[0].split(".")[0], t[2]))
    return [(n, f) for n, f, _ in tests]


def read_list(path):
    """Test names from a --list file: one per line, # comments."""
    names = []
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                names.append(line)
    return names


def main():
    args = sys.argv[1:]
    wanted = None
    if args[:1] == ["--list"]:
        if len(args) != 2:
            print("usage: tests/run.py --list FILE", file=sys.stderr)
            return 2
        wanted = read_list(args[1])
        args = []
    pattern = args[0] if args else ""
    passed, failed = run_unit(pattern) if wanted is None else (0, 0)
    skipped = 0
    if wanted is None:
        p, f, k = run_fuzz(pattern)
        passed, failed, skipped = passed + p, failed + f, skipped + k
    if wanted is not None:
        known = {name for name, _ in integration_tests()}
        for name in wanted:
            if name not in known:
                fail(name, f"no such test (named in {sys.argv[2]})")
                failed += 1

    reason = harness.cannot_trace_reason()
    for name, fn in integration_tests():
        if pattern and pattern not in name:
            continue
        if wanted is not None and name not in wanted:
            continue
        if reason:
            f, k = cannot_run(name, reason)
            failed, skipped = failed + f, skipped + k
            continue
        start = time.monotonic()
        try:
            fn()
        except harness.Skip as e:
            print(f"SKIP {name}: {e}")
            skipped += 1
        except harness.Fallback as e:
            print(f"PASS {name} (fallback: {e}) ({time.monotonic() - start:.1f} s)")
            passed += 1
        except AssertionError as e:
            fail(name, e)
            failed += 1
        except Exception:  # a crash in a test is a failure, with its traceback
            fail(name, "", traceback.format_exc().rstrip("\n"))
            failed += 1
        else:
            print(f"PASS {name} ({time.monotonic() - start:.1f} s)")
            passed += 1
        harness.cleanup()

    if FAILED:
        print(f"failed: {', '.join(FAILED)}")
    line = f"{passed} passed, {failed} failed"
    if skipped:
        line += f", {skipped} skipped"
    print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
