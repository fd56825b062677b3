# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The test runners' own reports (tests/run.py, tests/kernels/run.sh): CI
shows only the end of their output, so the failed tests must be named
there, not only further up or in a log on the machine that ran them."""
import subprocess
import sys

from harness import ROOT, eq, tmp

# what a test run prints: a pass, a failed assertion (with a terminal escape
# a test's message could carry), a traceback, a pass, the closing line
FAKE_RUN = r"""
echo 'PASS kernel.loads (1.0 s)'
printf 'FAIL sock.tcp_counts: expected 5, got 4 \033[31mred\n'
echo 'FAIL pipe.crashes:'
echo 'Traceback (most recent call last):'
echo '  File "x.py", line 1'
echo 'KeyError: 7'
echo 'PASS shm.faults (2.0 s)'
echo '2 passed, 2 failed'
exit 1
"""


def test_failed_tests_are_named_before_the_sum():
    names = tmp("list.txt")
    with open(names, "w") as f:
        f.write("no.such_test\nnor.this_one  # a comment\n")
    proc = subprocess.run([sys.executable, f"{ROOT}/tests/run.py", "--list", names],
                          capture_output=True, text=True, timeout=120)
    eq(proc.returncode, 1, f"exit status ({proc.stderr.strip()[-300:]})")
    lines = proc.stdout.splitlines()
    eq(lines[-2:], ["failed: no.such_test, nor.this_one", "0 passed, 2 failed"],
       "the end of tests/run.py's output")


def test_matrix_names_failed_tests_at_the_end():
    proc = subprocess.run([f"{ROOT}/tests/kernels/run.sh", "--cmd", FAKE_RUN, "host"],
                          capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
                               "IPCSCOPE_KERNEL_LOGDIR": tmp("logs")})
    eq(proc.returncode, 1, f"exit status ({proc.stderr.strip()})")
    lines = proc.stdout.splitlines()
    eq(lines[-1], "2 passed, 2 failed", "closing line")
    kver = lines[0].split("kernel ", 1)[1].split(" ", 1)[0]
    # the last lines before the sum: one a failed test, a traceback's last line
    eq(lines[-3:-1], [f"{kver}: FAIL sock.tcp_counts: expected 5, got 4 ?[31mred",
                      f"{kver}: FAIL pipe.crashes: KeyError: 7"], "the end's list")
    # under the kernel's line: each failure with what follows it, no escape
    start = lines.index(f"{kver}: 2 passed, 2 failed") + 1
    eq(lines[start:start + 5],
       ["    FAIL sock.tcp_counts: expected 5, got 4 ?[31mred", "    FAIL pipe.crashes:",
        "    Traceback (most recent call last):", '      File "x.py", line 1',
        "    KeyError: 7"], "the failures under the kernel's line")
    assert not any("\033" in l for l in lines), "a terminal escape passed through"
    assert not any("kernel.loads" in l or "shm.faults" in l for l in lines), \
        "a passed test was shown as failed"
