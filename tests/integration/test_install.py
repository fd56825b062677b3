# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""make install into a DESTDIR, as a package build does: the installed
ipcscope finds its workloads and claims where make install put them (not
in the build tree), and make uninstall leaves nothing behind."""
import json
import os
import subprocess

from harness import ROOT, eq, tmp


def make(*args):
    proc = subprocess.run(["make", "-C", ROOT, "--no-print-directory", *args],
                          capture_output=True, text=True, timeout=600)
    eq(proc.returncode, 0, f"make {' '.join(args)}: {proc.stderr.strip()[-500:]}")
    return proc


def test_installed_copy_runs_and_uninstall_leaves_nothing():
    dest = tmp("dest")
    make("install", f"DESTDIR={dest}", "PREFIX=/usr")
    exe = os.path.join(dest, "usr", "sbin", "ipcscope")
    for f in ("usr/libexec/ipcscope/pipe", "usr/share/ipcscope/reference.claims"):
        assert os.path.exists(os.path.join(dest, f)), f"make install put no {f}"
    # validate runs the installed workloads and reads the installed claims
    out = tmp("v.json")
    proc = subprocess.run([exe, "validate", "--quick", "--json", out],
                          capture_output=True, text=True, timeout=300)
    eq(proc.returncode, 0, f"installed validate ({proc.stderr.strip()[-300:]})")
    with open(out) as f:
        report = json.load(f)
    unchecked = [r["id"] for r in report["claims"] if r["verdict"] == "not checked"]
    eq(unchecked, [], "claims the installed validate could not check")
    assert report["claims_file"].startswith(os.path.join(dest, "usr/share/ipcscope")), \
        report["claims_file"]
    proc = subprocess.run([exe, "record", "--", "true"], capture_output=True, text=True,
                          timeout=120)
    eq(proc.returncode, 0, f"installed record ({proc.stderr.strip()})")
    make("uninstall", f"DESTDIR={dest}", "PREFIX=/usr")
    left = [os.path.relpath(os.path.join(d, f), dest)
            for d, _, files in os.walk(dest) for f in files]
    left += [os.path.relpath(d, dest) for d, _, _ in os.walk(dest)
             if "ipcscope" in os.path.relpath(d, dest)]
    eq(left, [], "left after make uninstall")


def test_plain_make_never_runs_apt():
    # a plain make (and make install) names what is missing and stops;
    # only deps, run, test and the like install with apt
    build = tmp("build")
    for goal in ([f"{build}/.deps-ok"], ["install", f"DESTDIR={tmp('d')}"]):
        proc = subprocess.run(["make", "-C", ROOT, "--no-print-directory", f"BUILD={build}",
                               "DEP_PKGS=no-such-package:/nonexistent/tool", *goal],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode != 0, f"make {goal} went on without its dependency"
        assert "missing build dependencies: no-such-package; 'make deps' (as root) " \
            "installs them" in proc.stderr, proc.stderr
        assert "apt-get update" not in proc.stdout + proc.stderr, "apt ran"
