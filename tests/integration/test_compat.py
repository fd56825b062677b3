# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Syscalls are dispatched by number from one sys_enter program, with the
64-bit numbers: a 32-bit process on x86-64 numbers its syscalls otherwise
(i386 getppid is x86-64 semget). Its syscalls are counted, and none is
taken for an IPC operation it did not make."""
import errno
import json
import os
import platform
import subprocess

from harness import ROOT, Skip, eq, kernel_has, record, tmp

SOURCE = os.path.join(ROOT, "tests", "integration", "data", "compat32.c")


def build_compat32():
    if platform.machine() != "x86_64":
        raise Skip(f"32-bit compat syscalls are checked on x86_64 only (this is {platform.machine()})")
    exe = tmp("compat32")
    # no 32-bit libc needed: -nostdlib, its own _start
    subprocess.run(["gcc", "-m32", "-static", "-nostdlib", "-fno-pic", "-O1", "-Wall", "-Werror",
                    "-o", exe, SOURCE], check=True)
    # some x86-64 kernels run no 32-bit program (IA32 emulation built out or
    # off, ia32_emulation=0): there is no 32-bit process to misread
    try:
        subprocess.run([exe], stdout=subprocess.DEVNULL, check=False)
    except OSError as e:
        if e.errno == errno.ENOEXEC:
            raise Skip("this kernel does not run 32-bit programs (IA32 emulation off)")
        raise
    return exe


def test_32bit_process_is_counted_not_misread():
    check_counted_not_misread()


def test_32bit_process_on_kernels_before_5_11():
    # the check made with a CO-RE read instead of through BTF pointers
    check_counted_not_misread(env={"IPCSCOPE_OLD_KERNEL_PATHS": "1"})


def test_32bit_process_is_not_seen_on_the_ipc_syscalls_tracepoints():
    # by default: the per-syscall tracepoints do not fire for a 32-bit
    # process's syscalls (the kernel's choice), so none is counted or read
    if not kernel_has("ipc_hooks"):
        check_counted_not_misread(options=())    # the fallback: every syscall
        return
    exe = build_compat32()
    rec = record([], [exe])
    eq(rec.returncode, 0, f"ipcscope exit status (stderr: {rec.stderr.strip()})")
    eq(rec.json["syscalls_counted"], "ipc", "what the syscall counts count")
    eq(rec.json["operations"], [], "operations attributed to the 32-bit process")
    procs = [p for p in rec.json["processes"] if p["comm"] == "compat32"]
    eq([p["syscalls"] for p in procs], [0], "the 32-bit process's syscalls, unseen")


def check_counted_not_misread(env=None, options=("--all-syscalls",)):
    """Counting every syscall (the raw syscall hooks, which a 32-bit
    process's syscalls pass too)"""
    exe = build_compat32()
    rec = record(list(options), [exe], env=env)
    eq(rec.returncode, 0, f"ipcscope exit status (stderr: {rec.stderr.strip()})")
    # its own line among ipcscope's report, which shares the terminal
    did = json.loads(next(line for line in rec.stdout.splitlines() if line.startswith('{"getppid"')))
    eq(did, {"getppid": 5, "pipe_writes": 3, "pipe_reads": 3, "pipe_bytes": 3}, "what it did")
    j = rec.json
    # x86-64 semget is i386 getppid: misread, it would show 5 semget calls
    eq(j["operations"], [], "operations attributed to the 32-bit process")
    procs = [p for p in j["processes"] if p["comm"] == "compat32"]
    eq(len(procs), 1, "the 32-bit process in the report")
    # execve's return, 5 getppid, pipe, 6 pipe ops, the report's write, exit
    eq(procs[0]["syscalls"], 1 + 5 + 1 + 6 + 1 + 1, "its syscalls, counted")
