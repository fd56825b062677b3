# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""--usdt-phase: what a program does before, between and after the USDT
probes that mark its phase, counted apart. The bundled workloads mark their
timed transfer (ipcscope:transfer_start, ipcscope:transfer_end), so the
counts between the marks are exactly the transfer's, which the workloads
report themselves."""
import json
import os
import shutil
import subprocess
import time

from harness import (WORKLOADS, Fallback, eq, kernel_has, one_error_line, read_json, record,
                     run_ipcscope, tmp, workload)

PHASE = ["--usdt-phase", "ipcscope:transfer_start,ipcscope:transfer_end", "--no-hist"]


def roles(wl):
    return {p["role"]: p for p in wl["processes"]}


def test_pipe_transfer_between_the_marks():
    out = tmp("pipe.json")
    rec = record(PHASE, workload("pipe", "--size", 1048576, "--count", 1, "--out", out))
    eq(rec.returncode, 0, f"exit status ({rec.stderr.strip()})")
    wl, ph = read_json(out), rec.json["phases"]
    parent, child = roles(wl)["parent"], roles(wl)["child"]
    eq(ph["marks"], {"start": 1, "end": 1}, "marks seen")
    eq((ph["start"], ph["end"]), ("ipcscope:transfer_start", "ipcscope:transfer_end"),
       "the probes named")
    eq(ph["binary"], os.path.join(WORKLOADS, "pipe"), "where the probes are")
    between = ph["between"]["by_syscall"]
    # the writer's one write and every read that returned data; the read
    # that returns 0 at the end of file comes after the reader's end mark
    eq(between.get("write"), parent["write_calls"], "writes between the marks")
    eq(between.get("read"), child["read_calls"] - 1, "reads of data between the marks")
    eq(ph["after"]["by_syscall"].get("read", 0) >= 1, True, "the end-of-file read after")
    # the set-up: the pipe and the child, before the start mark
    before = ph["before"]["by_syscall"]
    eq(before.get("pipe2", 0) + before.get("pipe", 0), 1, "pipe() before the marks")
    eq(before.get("clone", 0) + before.get("clone3", 0) + before.get("fork", 0), 1,
       "the fork before the marks")
    # every syscall of the run in one phase or another, none twice
    by_phase = sum(ph[p]["syscalls"] for p in ("before", "between", "after"))
    eq(by_phase, sum(sum(ph[p]["by_syscall"].values()) for p in ("before", "between", "after")),
       "phase totals against their syscalls by name")
    assert "PHASES marked by ipcscope:transfer_start and ipcscope:transfer_end" in rec.stdout, \
        rec.stdout[-2000:]


def test_shm_steady_state_takes_no_fault_between_the_marks():
    # --warm yes: both processes touch every page before the start mark, so
    # the transfer faults nothing; at first touch, every page faults once
    # on each side between the marks (a SysV segment: no fault-around)
    if not kernel_has("find_vma"):
        raise Fallback("no bpf_find_vma: faults are not told apart by mapping")
    for warm, want in (("yes", 0), ("no", 512)):
        out = tmp(f"shm-{warm}.json")
        rec = record(PHASE, workload("shm", "--size", 1048576, "--warm", warm, "--out", out))
        eq(rec.returncode, 0, f"exit status ({rec.stderr.strip()})")
        ph = rec.json["phases"]
        eq(ph["marks"], {"start": 1, "end": 1}, "marks seen")
        eq(ph["between"]["shm_page_faults"], want, f"--warm {warm}: shared memory faults "
           "between the marks")
        # no syscall moves the payload: between the marks none of shm's
        for name in ("shmget", "shmat", "shmdt", "shmctl"):
            eq(ph["between"]["by_syscall"].get(name, 0), 0, f"{name} between the marks")
        eq((ph["before"]["by_syscall"].get("shmget"), ph["before"]["by_syscall"].get("shmat")),
           (1, 1), "shmget and shmat before the marks")
        eq((ph["after"]["by_syscall"].get("shmdt"), ph["after"]["by_syscall"].get("shmctl")),
           (1, 1), "shmdt and shmctl after the marks")


def test_marks_of_processes_not_traced_do_not_count():
    # the probes are uprobes in the binary: they fire in every process that
    # runs it. Three untraced pipe workloads run while the traced one waits
    # (--start-delay): only the target's marks move the phase
    out = tmp("target.json")
    others = []

    def bystanders(proc):
        time.sleep(0.3)
        for i in range(3):
            others.append(subprocess.run(workload("pipe", "--size", 65536, "--count", 4,
                                                  "--out", tmp(f"other{i}.json")),
                                         timeout=30).returncode)

    rec = record(PHASE, workload("pipe", "--size", 4096, "--count", 3, "--start-delay", 1500,
                                 "--out", out), ready=bystanders)
    eq(rec.returncode, 0, f"exit status ({rec.stderr.strip()})")
    eq(others, [0, 0, 0], "the untraced workloads ran")
    wl, ph = read_json(out), rec.json["phases"]
    eq(ph["marks"], {"start": 1, "end": 1}, "marks seen: the target's only")
    eq(ph["between"]["by_syscall"].get("write"), roles(wl)["parent"]["write_calls"],
       "writes between the marks: the target's")
    eq(ph["between"]["by_syscall"].get("read"), roles(wl)["child"]["read_calls"] - 1,
       "reads between the marks: the target's")


def test_usdt_phase_says_what_is_wrong():
    # a probe the binary lacks, a file with no probes, a bad spec: one line
    one_error_line(run_ipcscope(["record", "--usdt-phase", "ipcscope:nope,ipcscope:transfer_end",
                                 "--", workload("pipe")[0], "--count", "1"]), 1,
                   "no USDT probe ipcscope:nope in")
    plain = tmp("true")
    shutil.copy("/bin/true", plain)
    one_error_line(run_ipcscope(["record", "--usdt-phase", "a:b,a:c", "--", plain]), 1,
                   "has no USDT probes")
    not_elf = tmp("not-elf")
    with open(not_elf, "w") as f:
        f.write("#!/bin/sh\n")
    os.chmod(not_elf, 0o755)
    one_error_line(run_ipcscope(["record", "--usdt-phase", "a:b,a:c", "--", not_elf]), 1,
                   "is not an ELF file")
    one_error_line(run_ipcscope(["record", "--usdt-phase", "a:b,c:d", "--", plain]), 2,
                   "the two probes must be of one provider")
    one_error_line(run_ipcscope(["record", "--usdt-phase", "ab", "--", plain]), 2,
                   "expected PROVIDER:START,PROVIDER:END")
    one_error_line(run_ipcscope(["record", "--usdt-phase", "a:b,c", "-a"]), 2,
                   "give --usdt-binary FILE")
    no = run_ipcscope(["record", "-j", "--", "/bin/true"])
    eq(no.returncode, 0, f"exit status ({no.stderr.strip()})")
    eq(json.loads(no.stdout)["phases"], None, "phases without --usdt-phase")
