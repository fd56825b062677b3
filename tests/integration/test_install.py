# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""make install into a DESTDIR, as a package build does: the installed
ipcscope finds its workloads and claims where make install put them (not
in the build tree), and make uninstall leaves nothing behind."""
import json
import os
import re
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


def test_man_page_renders_and_names_every_option():
    page = os.path.join(ROOT, "docs", "ipcscope.8")
    proc = subprocess.run(["man", "--warnings", "-l", page], capture_output=True, text=True,
                          env={**os.environ, "MANWIDTH": "80", "LC_ALL": "C.UTF-8"},
                          timeout=60)
    eq(proc.returncode, 0, f"man -l ({proc.stderr.strip()})")
    eq(proc.stderr.strip(), "", "man's warnings")
    text = proc.stdout.replace("\u2010", "-").replace("\u2011", "-")
    # every option of every command's --help is in the page
    missing = []
    for cmd in ("record", "top", "trace", "export", "validate", "check"):
        helptext = subprocess.run([os.path.join(ROOT, "build", "ipcscope"), cmd, "--help"],
                                  capture_output=True, text=True).stdout
        for opt in sorted(set(re.findall(r"^\s+(?:-\w, )?(--[a-z][a-z-]+)", helptext, re.M))):
            if opt not in text:
                missing.append(f"{cmd} {opt}")
    eq(missing, [], "options the man page does not describe")


def complete(*words):
    """What the bash completion offers for the last word of words."""
    script = (f"source {os.path.join(ROOT, 'completion', 'ipcscope.bash')}\n"
              f"COMP_WORDS=({' '.join(repr(w) for w in words)}); "
              f"COMP_CWORD={len(words) - 1}; _ipcscope; echo \"${{COMPREPLY[*]}}\"")
    proc = subprocess.run(["bash", "--norc", "-c", script], capture_output=True, text=True,
                          timeout=30)
    eq(proc.returncode, 0, f"bash ({proc.stderr.strip()})")
    return proc.stdout.split()


def test_bash_completion():
    eq(complete("ipcscope", "re"), ["record"], "ipcscope re<TAB>")
    eq(complete("ipcscope", "trace", "-m", "pipe,s"),
       ["pipe,shm", "pipe,sem", "pipe,socket", "pipe,signal"], "-m pipe,s<TAB>")
    eq(complete("ipcscope", "record", "--no"), ["--no-hist"], "record --no<TAB>")
    assert "--force" not in complete("ipcscope", "top", "--"), "top has no --force"
    eq(complete("ipcscope", "explain", "posix"), ["posix-mq"], "explain posix<TAB>")
    eq(complete("ipcscope", "explain", "tcp", "--s"), ["--size", "--same-cpu", "--svg"],
       "explain tcp --s<TAB>")
    eq(complete("ipcscope", "explain", "tcp", "--lang", "z"), ["zh"], "--lang z<TAB>")
    assert str(os.getpid()) in complete("ipcscope", "record", "-p", str(os.getpid())[:-1]), \
        "pids after -p"


def test_a_packagers_flags_pass_through():
    # dpkg-buildflags' hardening reaches every compile and link; WERROR=
    # turns -Werror off; the BPF object carries no DWARF (BTF only)
    build = tmp("build")
    proc = subprocess.run(
        ["make", "-C", ROOT, "--no-print-directory", f"BUILD={build}", "WERROR=",
         "CPPFLAGS=-D_FORTIFY_SOURCE=2", "CFLAGS=-O2 -fstack-protector-strong",
         "LDFLAGS=-Wl,-z,relro,-z,now", f"{build}/ipcscope", f"{build}/workloads/pipe"],
        capture_output=True, text=True, timeout=900)
    eq(proc.returncode, 0, f"make ({proc.stderr.strip()[-500:]})")
    compiles = [line for line in proc.stdout.splitlines()
                if line.startswith("cc ") and " -c " in line]
    assert compiles and all("-D_FORTIFY_SOURCE=2" in c and "-fstack-protector-strong" in c
                            and "-Werror" not in c for c in compiles), compiles[:2]
    for exe in (f"{build}/ipcscope", f"{build}/workloads/pipe"):
        dyn = subprocess.run(["readelf", "-d", exe], capture_output=True, text=True).stdout
        assert "BIND_NOW" in dyn or "(FLAGS)" in dyn and "NOW" in dyn, f"{exe}: no -z now"
    sections = subprocess.run(["readelf", "-S", f"{build}/bpf/ipcscope.bpf.o"],
                              capture_output=True, text=True).stdout
    assert ".BTF" in sections and ".debug_" not in sections, "BPF object's sections"
