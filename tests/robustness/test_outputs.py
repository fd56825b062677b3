# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Outputs are written whole or not at all: a failed run leaves an earlier
result as it was; a write error is one line and a non-zero exit; a path
that is a symbolic link is refused unless --force (then the link itself is
replaced, never followed)."""
import json
import os
import stat
import subprocess

from harness import IPCSCOPE, eq, one_error_line, run_ipcscope, tmp, workload


def run_to_full(args):
    """ipcscope with its standard output on a full device."""
    with open("/dev/full", "w") as full:
        return subprocess.run([IPCSCOPE] + args, stdout=full, stderr=subprocess.PIPE,
                              text=True, timeout=60)

EARLIER = '{"earlier": true}\n'


def earlier_result(name):
    path = tmp(name)
    with open(path, "w") as f:
        f.write(EARLIER)
    return path


def leftovers(path):
    """Temporary files beside path (.NAME.XXXXXX)."""
    d, base = os.path.split(path)
    return [n for n in os.listdir(d) if n.startswith(f".{base}.")]


def test_failed_run_keeps_the_earlier_json_and_graph():
    out, graph = earlier_result("r.json"), earlier_result("g.dot")
    # the text report cannot be written: the run fails at its end
    proc = run_to_full(["record", "--json", out, "--graph", graph, "--", "true"])
    eq(proc.returncode, 1, f"exit status ({proc.stderr})")
    assert "cannot write the report to standard output: No space left on device" \
        in proc.stderr, proc.stderr
    for path in (out, graph):
        with open(path) as f:
            eq(f.read(), EARLIER, f"{path} after a failed run")
        eq(leftovers(path), [], f"temporary files beside {path}")


def test_successful_run_replaces_it():
    out = earlier_result("r.json")
    proc = run_ipcscope(["record", "--json", out, "--", "true"])
    eq(proc.returncode, 0, f"exit status ({proc.stderr})")
    with open(out) as f:
        assert "processes" in json.load(f)
    eq(leftovers(out), [], "temporary files left")
    eq(oct(os.stat(out).st_mode & 0o777), oct(0o666 & ~current_umask()), "its mode")


def current_umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_write_errors_are_reported():
    proc = run_to_full(["top", "-n", "1", "-i", "0.2", "--", "sleep", "1"])
    eq(proc.returncode, 1, f"top's exit status to a full device ({proc.stderr})")
    assert "cannot write to standard output" in proc.stderr, proc.stderr
    proc = run_to_full(["record", "--json", "-", "--", "true"])
    eq(proc.returncode, 1, f"record --json - to a full device ({proc.stderr})")


def test_symbolic_link_refused_unless_forced():
    target = earlier_result("precious")
    link = tmp("o.json")
    os.symlink(target, link)
    one_error_line(run_ipcscope(["record", "--json", link, "--", "true"]), 1,
                   "is a symbolic link")
    with open(target) as f:
        eq(f.read(), EARLIER, "the link's target")
    dangling = tmp("d.json")
    os.symlink(tmp("not-there"), dangling)
    one_error_line(run_ipcscope(["trace", "--json", dangling, "--", "true"]), 1,
                   "is a symbolic link")
    assert not os.path.exists(tmp("not-there")), "a dangling link's target was created"
    proc = run_ipcscope(["record", "--force", "--json", link, "--", "true"])
    eq(proc.returncode, 0, f"--force ({proc.stderr})")
    assert not os.path.islink(link), "the link was not replaced"
    with open(target) as f:
        eq(f.read(), EARLIER, "the link's target after --force")
    one_error_line(run_ipcscope(["validate", "--quick", "--markdown", link + ".md",
                                 "--json", dangling]), 1, "is a symbolic link")
    assert os.path.exists(IPCSCOPE)


def test_a_device_is_written_not_replaced():
    # /dev/full named as the output: its error is reported, and the node
    # stays a device (a temporary renamed over it made it a file)
    for args in (["record", "--json", "/dev/full", "--", "true"],
                 ["trace", "--json", "/dev/full", "--", "true"]):
        proc = run_ipcscope(args)
        eq(proc.returncode, 1, f"{args[0]} --json /dev/full ({proc.stderr})")
        assert "No space left on device" in proc.stderr, proc.stderr
        assert stat.S_ISCHR(os.stat("/dev/full").st_mode), "/dev/full is no longer a device"
    proc = run_ipcscope(["record", "--json", "/dev/null", "--", "true"])
    eq(proc.returncode, 0, f"--json /dev/null ({proc.stderr})")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode), "/dev/null is no longer a device"
    proc = run_ipcscope(["record", "--json", "/dev/stdout", "--", "true"])
    eq(proc.returncode, 0, f"--json /dev/stdout ({proc.stderr})")
    json.loads(proc.stdout[proc.stdout.index("{"):])


def test_trace_on_a_full_file_system_says_what_was_kept():
    # a file system with room for a few events only: the run fails, the
    # earlier file stays, and the summary says none of the events were kept
    mnt = tmp("small")
    os.mkdir(mnt)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt], check=True)
    try:
        out = os.path.join(mnt, "events.json")
        with open(out, "w") as f:
            f.write(EARLIER)
        proc = run_ipcscope(["trace", "--json", out, "--"]
                            + workload("pipe", "--count", "5000"), timeout=120)
        eq(proc.returncode, 1, f"exit status ({proc.stderr})")
        assert "No space left on device" in proc.stderr, proc.stderr
        assert f"the output failed: none of them were kept: '{out}' is as it was" \
            in proc.stderr, proc.stderr
        with open(out) as f:
            eq(f.read(), EARLIER, "the earlier file")
        eq(leftovers(out), [], "temporary files left")
    finally:
        subprocess.run(["umount", mnt], check=False)
