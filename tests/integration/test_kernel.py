# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Will ipcscope run on this kernel? `ipcscope check` loads every program and
says what the verifier made of each: a refusal names the program, the
verifier's reason and the feature missing; every program's deepest call
chain stays within the 512 bytes of stack every kernel gives, whatever this
host accepts (some kernels run tracing programs on private stacks and take
more; others of the same version refuse)."""
import mmap
import os
import re
import shutil
import signal
import subprocess
import sys

import harness
from harness import (IPCSCOPE, ROOT, eq, kernel_has, record, run_ipcscope, spawn, tmp,
                     wait_for_line)

BUDGET = 512
PROGRAM_LINE = re.compile(r"^  (ipc_\w+)\s+(\S+)\s+(.*)$")


def check_rows(out):
    """{program: (section, what)} from `ipcscope check`'s output."""
    rows = {}
    for line in out.splitlines():
        m = PROGRAM_LINE.match(line)
        if m:
            rows[m.group(1)] = (m.group(2), m.group(3))
    return rows


def stack_of(what):
    m = re.search(r"stack (?:at most )?(\d+) \(", what)
    return int(m.group(1)) if m else None


def test_every_program_loads_within_the_stack_budget():
    proc = run_ipcscope(["check"])
    eq(proc.returncode, 0, f"check's exit status (output:\n{proc.stdout}{proc.stderr})")
    rows = check_rows(proc.stdout)
    # the programs every kernel of the matrix loads
    for name in ("ipc_fork", "ipc_exec", "ipc_exit", "ipc_switch", "ipc_sys_enter",
                 "ipc_sys_exit", "ipc_signal_generate", "ipc_signal_deliver"):
        assert name in rows, f"{name} not in check's output:\n{proc.stdout}"
    loaded = {n: w for n, (_, w) in rows.items() if w.startswith("loaded:")}
    # check verifies the code of every option: --usdt-phase's programs load
    # (uprobes, attached nowhere) and the phase counting is on in the others
    for name in ("ipc_phase_start", "ipc_phase_end"):
        assert name in loaded, f"{name} not loaded by check:\n{proc.stdout}"
    refused = {n: w for n, (_, w) in rows.items() if w.startswith(("REFUSED", "not tried"))}
    eq(refused, {}, "programs refused")
    for name, what in loaded.items():
        depth = stack_of(what)
        assert depth is not None, f"{name}: no stack measured: {what}"
        assert depth <= BUDGET, f"{name}: its deepest call chain takes {depth} bytes: {what}"
    assert re.search(r"^\d+ loaded, 0 refused, 0 not tried, \d+ not needed here; "
                     r"0 over the 512-byte stack budget$", proc.stdout, re.M), proc.stdout


def test_programs_are_verified_once_per_object():
    """The verifier walks code once where it can. ipc_sys_enter: its
    read/write/send/receive kinds come from a table at an index it does
    not know, and splice and sendfile share one global function (16,801
    instructions processed on 6.18 before, 10,011 after; 7,958 on 5.10).
    Where shared mappings are: one program on the exits of mmap, mremap,
    munmap and shmat, not four that each verified the range functions
    (15,433 instructions in all before, 8,834 after). A histogram slot is
    a global function, not five compares inlined at each histogram
    (ipc_sys_exit 11,569 before, 4,382 after; with time in channel
    332,467 before, 64,222 after); so is the kind a shmem file's name
    says (ipc_range_exit 8,834 before, 6,350 after; ipc_fault_vma 6,500
    before, 3,522 after), and an fd's object not in the thread's cache
    (ipc_sys_enter_tp 10,011 before, 5,737 after). The range table's loops
    are bpf_loop()s and a shmem file's object a global function
    (ipc_range_exit 6,348 before, 1,431 after; ipc_fault_vma 3,524
    before, 1,762 after; 1,052-1,843 on 6.1, 6.12 and 7.2). The slot has
    no compare but its bound (its 32 ways through were 363 instructions in
    each program that keeps a histogram: ipc_sys_exit_tp 4,492 before,
    4,129 after on 6.18, 3,722-3,995 on the others; ipc_signal_deliver 739
    before, 376-430 after)"""
    proc = run_ipcscope(["check"])
    eq(proc.returncode, 0, f"check's exit status (output:\n{proc.stdout}{proc.stderr})")
    rows = check_rows(proc.stdout)

    def insns(name):
        m = re.match(r"loaded: (\d+) insns", rows[name][1])
        assert m, f"{name}: {rows[name]}"
        return int(m.group(1))

    bounds = {"ipc_sys_enter": 8000, "ipc_sys_enter_tp": 8000, "ipc_sys_enter_kp": 8000,
              "ipc_sys_exit": 4400, "ipc_sys_exit_tp": 4400, "ipc_sys_exit_kp": 4400,
              "ipc_sys_exit_chan": 100000, "ipc_sys_exit_chan_tp": 100000,
              "ipc_sys_exit_chan_kp": 100000, "ipc_fault_vma": 2500,
              "ipc_signal_deliver": 600}
    for name, most in bounds.items():
        if not rows[name][1].startswith("loaded:"):
            # time in channel before 5.12, the fault probe before 5.17, the
            # kprobes without kprobe.multi
            assert name.startswith(("ipc_sys_exit_chan", "ipc_fault_vma")) or \
                (name.endswith("_kp") and not kernel_has("kprobe_multi")), rows[name]
            continue
        assert insns(name) <= most, f"{name}: {insns(name)} instructions verified"
    # one program on the four syscalls' tracepoints, and its twin on their
    # functions (kprobe.multi)
    ranges = sorted(n for n in rows if n.startswith("ipc_range_"))
    eq(ranges, ["ipc_range_exit", "ipc_range_exit_kp"], "the programs that follow shared mappings")
    if rows["ipc_range_exit"][1].startswith("loaded:"):
        for name in ranges if kernel_has("kprobe_multi") else ranges[:1]:
            assert insns(name) <= 2500, f"{name}: {insns(name)} instructions verified"
        # attached to the four exits, named by them
        rec = record([], ["true"])
        eq(rec.returncode, 0, f"record: {rec.stderr}")
        name = ("kretprobe.multi/__x64_sys_{mmap,mremap,munmap,shmat}" if kernel_has("kprobes")
                else "tp/syscalls/sys_exit_{mmap,mremap,munmap,shmat}")
        eq(rec.probe(name)["attached"], True, "the range exit on the four syscalls")
    else:
        # before 5.17 (no bpf_find_vma) it stands by with the fault probe
        assert not kernel_has("find_vma"), rows["ipc_range_exit"]


def build_mutant():
    """ipcscope built from a copy of the tree where ipc_sys_enter (the body
    it shares with ipc_sys_enter_tp) has a 256-byte local: its chain
    through socket_kind goes over 512 bytes."""
    src = tmp("mutant")
    os.makedirs(src)
    for d in ("bpf", "user", "vmlinux"):
        shutil.copytree(os.path.join(ROOT, d), os.path.join(src, d))
    shutil.copy(os.path.join(ROOT, "Makefile"), src)
    core = os.path.join(src, "bpf", "core.bpf.c")
    with open(core) as f:
        text = f.read()
    head = "static __always_inline int sys_enter(struct pt_regs *regs, const void *tp, long id)\n{\n"
    assert head in text, "ipc_sys_enter's definition moved: update the mutation"
    text = text.replace(head, head + "\tchar mutant[256];\n\n"
                        "\tbpf_get_current_comm(mutant, sizeof(mutant));\n"
                        "\tif (mutant[255] == 1)\n\t\treturn 1;\n", 1)
    with open(core, "w") as f:
        f.write(text)
    subprocess.run(["make", "-s", "-C", src, "-j2", "build/ipcscope"], check=True,
                   stdout=subprocess.DEVNULL, timeout=300)
    return os.path.join(src, "build", "ipcscope")


def test_a_chain_over_512_bytes_fails_check_and_names_the_program():
    exe = build_mutant()
    proc = subprocess.run([exe, "check"], capture_output=True, text=True, timeout=120)
    eq(proc.returncode, 1, f"the mutant's check exit status:\n{proc.stdout}{proc.stderr}")
    section, what = check_rows(proc.stdout)["ipc_sys_enter"]
    eq(section, "tp_btf/sys_enter", "its hook")
    if what.startswith("REFUSED"):
        # a kernel without private stacks: the verifier's reason, explained
        assert "combined stack size" in what and "512 bytes" in what, what
        rec = subprocess.run([exe, "record", "--", "true"], capture_output=True,
                             text=True, timeout=120)
        eq(rec.returncode, 1, "record's exit status with a program refused")
        lines = rec.stderr.strip().splitlines()
        eq(len(lines), 1, f"one error line: {rec.stderr}")
        assert "ipc_sys_enter" in lines[0] and "combined stack size" in lines[0], lines[0]
        # with -v the verifier's whole log is printed, and the last line
        # says so rather than asking for -v
        rec = subprocess.run([exe, "record", "-v", "--", "true"], capture_output=True,
                             text=True, timeout=120)
        eq(rec.returncode, 1, "record -v's exit status with a program refused")
        assert "combined stack size" in rec.stderr, rec.stderr[-2000:]
        last = rec.stderr.strip().splitlines()[-1]
        assert "are above" in last and "run with -v" not in last, last
    else:
        # this kernel took it (private stacks): check must not
        assert what.startswith("loaded:") and "OVER BUDGET" in what, what
        assert stack_of(what) > BUDGET, what
    # over the budget: the enter programs that share the body, each one
    # this kernel loads (tp_btf's, raw_syscalls', and the kprobe's where
    # kprobe.multi is); else refused, the first one tried in each of the
    # copies of the object loaded at once (two where ipcscope may run on
    # two CPUs)
    rows = check_rows(proc.stdout)
    over = sorted(n for n, (_, w) in rows.items() if "OVER BUDGET" in w)
    if over:
        eq([n for n in over if not n.startswith("ipc_sys_enter")], [], "over the budget")
        assert f" {len(over)} over the 512-byte" in proc.stdout, proc.stdout
    else:
        refused = sorted(n for n, (_, w) in rows.items() if w.startswith("REFUSED"))
        assert refused and all(n.startswith("ipc_sys_enter") for n in refused) and \
            len(refused) <= min(2, len(os.sched_getaffinity(0))), proc.stdout
        assert f" {len(refused)} refused" in proc.stdout, proc.stdout


def test_syscall_hook_matches_the_kernel():
    # by default hooks only the IPC syscalls reach: their functions
    # (kprobe.multi) where return probes need no fixed pool (6.14+), else
    # their own tracepoints (every kernel of the matrix has them; 7.x runs
    # their programs preemptible, so there, without the kprobes, every
    # syscall is counted instead); counting every syscall, BTF tracepoints
    # where their programs run with preemption disabled, raw_syscalls where
    # they run preemptible (7.x), as check found
    proc = run_ipcscope(["check"])
    line = [l for l in proc.stdout.splitlines() if "run preemptible" in l]
    eq(len(line), 1, f"check's line for preemptible BTF tracepoints:\n{proc.stdout}")
    preemptible = line[0].split()[-1] == "yes"
    line = [l for l in proc.stdout.splitlines() if "without a fixed pool" in l]
    eq(len(line), 1, f"check's line for return probes:\n{proc.stdout}")
    kprobes = kernel_has("kprobe_multi") and line[0].split()[-1] == "yes"
    eq(kernel_has("kprobes"), kprobes, "the IPC syscalls' functions hooked")
    env = {"IPCSCOPE_SYSCALL_HOOK": ""}     # ipcscope's own choice
    used, other = ("tp/raw_syscalls", "tp_btf") if preemptible else ("tp_btf", "tp/raw_syscalls")
    rec = record([], ["true"], env=env)
    eq(rec.returncode, 0, f"record: {rec.stderr}")
    # 7.x runs the per-syscall tracepoints' programs preemptible too
    eq(kernel_has("ipc_hooks"), kprobes or not preemptible, "hooks only IPC reaches")
    if kprobes:
        check_kprobe_hooks(rec)
    elif preemptible:
        eq(rec.json["syscalls_counted"], "all", "fallback: what the syscall counts count")
        eq(rec.probe(f"{used}/sys_enter")["attached"], True, f"fallback: {used}/sys_enter")
    else:
        eq(rec.json["syscalls_counted"], "ipc", "what the syscall counts count")
    for hook in () if preemptible or kprobes else ("enter", "exit"):
        p = rec.probe(f"tp/syscalls/sys_{hook}_* (23 IPC syscalls)")
        eq(p["attached"], True, f"the IPC syscalls' sys_{hook} tracepoints attached")
        # and the JSON names each of them (the bench matches them with its
        # floors' programs): one per IPC syscall, each a tracepoint of this
        # kernel (sendfile's is sys_enter_sendfile64 on x86)
        names = [t.split(":", 1)[1] for t in p["tracepoints"]]
        eq(sorted({t.split(":", 1)[0] for t in p["tracepoints"]}), ["syscalls"], "category")
        eq(sorted(re.sub(r"64$", "", n[len(f"sys_{hook}_"):]) for n in names),
           sorted(IPC_SYSCALLS.split(",")), f"the sys_{hook} tracepoints listed")
        missing = [n for n in names if not harness.tracepoint_exists("syscalls", n)]
        eq(missing, [], "listed tracepoints this kernel lacks")
        p = rec.probe(f"tp_btf/sys_{hook}")
        eq((p["attached"], p["standby"]), (False, True), f"tp_btf/sys_{hook} standing by")
        eq(p["tracepoints"], None, f"tp_btf/sys_{hook}: on no classic tracepoint")
    # where shared mappings are followed (not before bpf_find_vma, 5.17:
    # standing by, on no tracepoint)
    p = rec.probe("tp/syscalls/sys_exit_{mmap,mremap,munmap,shmat}")
    eq(p["tracepoints"], ["syscalls:sys_exit_mmap", "syscalls:sys_exit_mremap",
                          "syscalls:sys_exit_munmap", "syscalls:sys_exit_shmat"]
       if p["attached"] else None, "where the shared mappings are followed")
    eq(p["attached"], kernel_has("find_vma") and not kprobes,
       "the mappings followed where faults are, on their tracepoints")
    rec = record(["--all-syscalls"], ["true"], env=env)
    eq(rec.returncode, 0, f"record: {rec.stderr}")
    eq(rec.json["syscalls_counted"], "all", "what the syscall counts count")
    for hook in ("sys_enter", "sys_exit"):
        p = rec.probe(f"{used}/{hook}")
        eq(p["attached"], True, f"{used}/{hook} attached")
        eq(p["tracepoints"], None, f"{used}/{hook}: its hook is its section")
        p = rec.probe(f"{other}/{hook}")
        eq((p["attached"], p["standby"]), (False, True), f"{other}/{hook} standing by")


def ipc_functions(names):
    """The IPC syscalls by strace's names, from the functions a kprobe
    program is attached to (sendfile's is __x64_sys_sendfile64)"""
    assert all(n.startswith("__x64_sys_") for n in names), names
    return sorted(re.sub(r"64$", "", n[len("__x64_sys_"):]) for n in names)


def check_kprobe_hooks(rec):
    """record's syscall programs on the IPC syscalls' functions: each one's
    enter and return, the syscall's number as the cookie; no syscall
    tracepoint at all (the mappings' exits are kprobes too)"""
    eq(rec.json["syscalls_counted"], "ipc", "what the syscall counts count")
    for kind in ("kprobe.multi", "kretprobe.multi"):
        p = rec.probe(f"{kind}/__x64_sys_* (23 IPC syscalls)")
        eq(p["attached"], True, f"{kind} on the IPC syscalls' functions attached")
        eq(ipc_functions(p["functions"]), sorted(IPC_SYSCALLS.split(",")),
           f"{kind}: the functions listed")
        eq(p["tracepoints"], None, f"{kind}: on no tracepoint")
    for prog in ("ipc_sys_enter", "ipc_sys_exit", "ipc_sys_enter_tp", "ipc_sys_exit_tp",
                 "ipc_range_exit"):
        p = [q for q in rec.json["probes"] if q["program"] == prog][0]
        eq((p["attached"], p["standby"]), (False, True), f"{prog} standing by")
    p = rec.probe("kretprobe.multi/__x64_sys_{mmap,mremap,munmap,shmat}")
    eq((p["attached"], p["functions"]),
       (True, ["__x64_sys_mmap", "__x64_sys_mremap", "__x64_sys_munmap", "__x64_sys_shmat"]),
       "the mappings' exits on their functions")


def prog_runs(holder):
    """{program name: runs} of the BPF programs process holder holds
    (kernel.bpf_stats_enabled must be 1)"""
    mine = {i for i, pids in harness._prog_holders().items() if holder in pids}
    runs = {}
    for p in harness.bpftool_json("prog", "list"):
        if p.get("id") in mine:
            runs[p.get("name", "")] = runs.get(p.get("name", ""), 0) + p.get("run_cnt", 0)
    return runs


def bystander_runs(options, calls):
    """Runs of ipcscope's syscall programs while a process it does not
    trace makes calls getppid() (ipcscope record -p of an idle process)"""
    idle = spawn(["sleep", "60"])
    rec = spawn([IPCSCOPE, "record", "-p", str(idle.pid), *options],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_line(rec.stderr, "tracing started", timeout=60)
        before = prog_runs(rec.pid)
        subprocess.run([sys.executable, "-c",
                        f"import os\nfor _ in range({calls}): os.getppid()"], check=True)
        after = prog_runs(rec.pid)
    finally:
        rec.send_signal(signal.SIGINT)
        rec.communicate(timeout=60)
        idle.kill()
        idle.wait()
    return sum(after.get(n, 0) - before.get(n, 0) for n in after if "sys_e" in n)


def test_bystanders_run_no_program_on_their_other_syscalls():
    """A process ipcscope does not trace runs none of its programs on its
    syscalls that are not IPC (by default: the IPC syscalls' own
    tracepoints); counting every syscall, it runs two on each"""
    calls = 200000
    path = "/proc/sys/kernel/bpf_stats_enabled"
    with open(path) as f:
        was = f.read().strip()
    with open(path, "w") as f:
        f.write("1")
    try:
        ipc = bystander_runs((), calls)
        every = bystander_runs(("--all-syscalls",), calls)
    finally:
        with open(path, "w") as f:
            f.write(was)
    if not harness.kernel_has("ipc_hooks"):
        # the fallback (7.x): the programs on every syscall either way
        assert ipc >= 2 * calls, f"fallback: {ipc} runs for {calls} getppid()"
    else:
        # the bystander's own start-up reads files, and the machine's other
        # processes do IPC meanwhile: far fewer than its calls
        assert ipc < calls // 10, f"{ipc} runs of the syscall programs for {calls} getppid()"
    assert every >= 2 * calls, f"--all-syscalls: {every} runs for {calls} getppid()"


def map_sizes(holder):
    """{map name: max_entries} of the BPF maps process holder holds (the
    kernel keeps 15 characters of a name)"""
    ids = set()
    for fd in os.listdir(f"/proc/{holder}/fdinfo"):
        try:
            with open(f"/proc/{holder}/fdinfo/{fd}") as f:
                ids.update(int(l.split()[1]) for l in f if l.startswith("map_id:"))
        except (OSError, ValueError):
            continue
    return {m.get("name", ""): m["max_entries"] for m in harness.bpftool_json("map", "list")
            if m["id"] in ids}


def test_maps_of_what_is_off_have_one_entry():
    """A count not asked for (by syscall number: validate; by phase:
    --usdt-phase) and the channel times without --time-in-channel have
    maps of one entry: each entry of a per-CPU array is made for every CPU
    at start-up, and cleared at each reset. What is on keeps its size."""
    rec = spawn([IPCSCOPE, "record", "-a"], stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE, text=True)
    try:
        wait_for_line(rec.stderr, "tracing started", timeout=60)
        sizes = map_sizes(rec.pid)
    finally:
        rec.send_signal(signal.SIGINT)
        rec.communicate(timeout=60)
    eq(rec.returncode, 0, "record -a")
    for name in ("sys_counts", "phase_counts", "phase_sys_count", "chan_streams",
                 "chan_fifos", "chan_time"):
        eq(sizes.get(name), 1, f"{name}'s entries ({sizes})")
    for name in ("op_stats", "inflight", "endpoints"):
        assert sizes.get(name, 0) > 1, f"{name}: {sizes}"


def startup_of(env=None):
    rec = record([], ["true"], env=env)
    eq(rec.returncode, 0, f"record: {rec.stderr}")
    return rec, rec.json["startup"]


def test_startup_is_timed_program_by_program():
    """record --json says where start-up went: the parts add up to the
    whole, and each program loaded has the kernel's time for it (from its
    own record of when each load began). The programs load in two copies
    of the object at once, one thread each, where ipcscope may run on two
    CPUs: each copy's programs load one after another, within the loading
    part. In one copy (IPCSCOPE_LOAD_PARTS=1) they add up to the loading
    part."""
    rec, st = startup_of()
    cpus = len(os.sched_getaffinity(0))
    eq(st["load_parts"], min(2, cpus), f"copies loaded at once with {cpus} CPU(s)")
    timed = [p for p in rec.json["probes"] if p["load_ms"] is not None]
    n = len(timed)
    by_part = [sum(p["load_ms"] for p in timed if p["load_part"] == k)
               for k in range(st["load_parts"])]
    eq(sum(1 for p in timed if p["load_part"] in range(st["load_parts"])), n,
       f"programs loaded by one of the parts: {timed}")
    for k, ms in enumerate(by_part):
        assert 0 < ms <= st["load_ms"] + 0.01 * n + 0.01, \
            f"part {k}'s programs {ms:.2f} ms, loading {st['load_ms']} ms: {timed}"
    # (whether the two overlap is the scheduler's: in the matrix's guests
    # one host thread runs both CPUs, and they did not always)
    rec, st = startup_of(env={"IPCSCOPE_LOAD_PARTS": "1"})
    eq(st["load_parts"], 1, "copies loaded at once with IPCSCOPE_LOAD_PARTS=1")
    parts = ("setup_ms", "libbpf_ms", "load_ms", "attach_ms")
    for k in parts + ("total_ms",):
        assert isinstance(st[k], (int, float)) and st[k] >= 0, f"startup {k}: {st}"
    assert st["load_ms"] > 0 and st["total_ms"] > 0, st
    # each rounded to 0.01 ms
    assert abs(sum(st[k] for k in parts) - st["total_ms"]) <= 0.05, st
    timed = [p for p in rec.json["probes"] if p["load_ms"] is not None]
    eq(len(timed), st["programs_loaded"], "programs with a load time")
    for p in rec.json["probes"]:
        if p["attached"]:
            assert p["load_ms"] is not None, f"attached, no load time: {p}"
        if p["standby"]:
            eq(p["load_ms"], None, f"standing by, yet a load time: {p}")
    total = sum(p["load_ms"] for p in timed)
    assert abs(total - st["load_ms"]) <= 0.01 * len(timed) + 0.01, \
        f"programs {total:.2f} ms against loading {st['load_ms']} ms: {timed}"
    eq({p["load_part"] for p in timed}, {0}, f"one part: {timed}")
    # the syscall programs hold most of the code: never loaded in no time
    enter = [p for p in timed if p["program"].startswith("ipc_sys_enter")]
    eq(len(enter), 1, f"one sys_enter program loaded: {timed}")
    assert enter[0]["load_ms"] > 0, enter


# libbpf's -v lines for what a relocation did to an instruction: the value
# it wrote (an offset, a size, an existence, a type's kernel id), or that it
# could not resolve one
PATCHED = re.compile(r"libbpf: prog '(\w+)': relo #(\d+): ((?:patched|poison|substitut).*)$", re.M)
MIN_BTF = re.compile(r"CO-RE: relocating against a copy of (\d+) of the kernel's (\d+) "
                     r"BTF types, for the (\d+) types relocated against "
                     r"\(the kernel's BTF (mapped|read)\)")


def btf_mappable():
    """Whether this kernel lets its BTF's file be mapped (6.16+)"""
    with open("/sys/kernel/btf/vmlinux", "rb") as f:
        try:
            mmap.mmap(f.fileno(), 0, flags=mmap.MAP_PRIVATE, prot=mmap.PROT_READ).close()
            return True
        except OSError:
            return False


def test_core_btf_copy_relocates_as_the_whole():
    """libbpf relocates against a copy of the part of the kernel's BTF our
    relocations can match (user/corebtf.c), not a walk of all of it per
    type: every instruction it patches gets the same value both ways, in
    every program check loads (the kprobe ones too, where they load)"""
    def patched(env_full):
        env = dict(os.environ)
        env.pop("IPCSCOPE_FULL_KERNEL_BTF", None)
        if env_full:
            env["IPCSCOPE_FULL_KERNEL_BTF"] = "1"
        proc = run_ipcscope(["check", "-v"], timeout=180, env=env)
        eq(proc.returncode, 0, f"check -v: {proc.stderr[-2000:]}")
        return proc.stdout, proc.stderr, {(m.group(1), int(m.group(2))): m.group(3)
                                          for m in PATCHED.finditer(proc.stderr)}

    out, err, copy = patched(False)
    # check says which
    assert re.search(r"^CO-RE relocations against: a copy of \d+ of the kernel's \d+ BTF "
                     r"types, the candidates of the \d+ types read$", out, re.M), out[:3000]
    m = MIN_BTF.search(err)
    assert m, "no copy of the kernel's BTF made: " + \
        "\n".join(l for l in err.splitlines() if "CO-RE" in l)
    types, kernel_types, roots = (int(g) for g in m.groups()[:3])
    assert 0 < types < kernel_types / 10 and roots >= 15, m.group(0)
    # read from a mapping of the file where the kernel allows one (6.16+)
    eq(m.group(4), "mapped" if btf_mappable() else "read", "how the kernel's BTF was read")
    # libbpf's candidates were the copy's: ids within it
    cands = [int(c) for c in re.findall(r"found target candidate \[(\d+)\]", err)]
    assert len(cands) >= roots, f"{len(cands)} candidates found for {roots} types"
    assert max(cands) <= types, f"a candidate beyond the copy's {types} types: {max(cands)}"
    out, err_full, whole = patched(True)
    assert "CO-RE relocations against: the kernel's whole BTF (IPCSCOPE_FULL_KERNEL_BTF " \
        "is set)" in out, out[:3000]
    cands = [int(c) for c in re.findall(r"found target candidate \[(\d+)\]", err_full)]
    assert cands and max(cands) > types, "the whole BTF's candidates are the copy's ids"
    assert "CO-RE: relocating against the kernel's whole BTF " \
        "(IPCSCOPE_FULL_KERNEL_BTF is set)" in err_full, "the whole BTF not used when asked"
    assert not MIN_BTF.search(err_full), "a copy made though the whole BTF was asked for"
    assert len(whole) >= 150, f"only {len(whole)} relocations seen in -v's output"
    eq(sorted(copy), sorted(whole), "the relocations done")
    differ = [(k, copy[k], whole[k]) for k in sorted(whole) if copy[k] != whole[k]]
    eq(differ, [], "relocations that came out differently against the copy")


def kernel_at_least(major, minor):
    m = re.match(r"(\d+)\.(\d+)", os.uname().release)
    return (int(m.group(1)), int(m.group(2))) >= (major, minor)


def test_libbpf_parses_no_kernel_btf_for_record():
    """record's programs have libbpf parse none of the kernel's BTF (a
    tp_btf program or a declared kfunc would: obj_needs_vmlinux_btf), only
    ipcscope's own pass reads it: the file is opened once; on 7.x twice,
    the probe of whether BTF tracepoint programs run preemptible being a
    tp_btf program of its own object (user/kernel.c). The calls of the
    kfunc bpf_rdonly_cast are patched into the object's ELF where the
    kernel has it (6.2+), none with IPCSCOPE_OLD_KERNEL_PATHS; and a
    --all-syscalls run on a BTF tracepoint has libbpf parse it too"""
    strace = shutil.which("strace")
    assert strace, "strace is not installed (make test installs it)"

    def opens(args, env=None):
        out, js = tmp("opens.txt"), tmp("opens.json")
        proc = subprocess.run([strace, "-f", "-qq", "-e", "trace=openat", "-o", out,
                               IPCSCOPE, "record", "-v", "--json", js, *args, "--", "true"],
                              capture_output=True, text=True, timeout=120,
                              env={**os.environ, **(env or {})})
        eq(proc.returncode, 0, f"record {args}: {proc.stderr[-2000:]}")
        with open(out) as f:
            n = sum('"/sys/kernel/btf/vmlinux"' in line for line in f)
        return n, proc.stderr, harness.read_json(js)

    probe = 1 if kernel_at_least(7, 0) else 0
    n, err, _ = opens([])
    eq(n, 1 + probe, "opens of the kernel's BTF by record (ipcscope's own pass, and the "
       "preempt probe's on 7.x)")
    m = re.search(r"^bpf_rdonly_cast: (\d+) calls made the kfunc's \(id (\d+)\)$", err, re.M)
    if kernel_at_least(6, 2):
        assert m and int(m.group(1)) > 0 and int(m.group(2)) > 0, \
            "no bpf_rdonly_cast call patched in on 6.2+: " + \
            "\n".join(l for l in err.splitlines() if "rdonly" in l)
    else:
        assert not m, f"bpf_rdonly_cast patched in before 6.2: {m.group(0)}"
    n, err, _ = opens([], {"IPCSCOPE_OLD_KERNEL_PATHS": "1"})
    eq(n, 1 + probe, "opens of the kernel's BTF with an older kernel's paths")
    assert "calls made the kfunc's" not in err, "bpf_rdonly_cast patched in for old paths"
    n, _, rep = opens(["--all-syscalls"])
    tp_btf = [p for p in rep["probes"] if p["name"].startswith("tp_btf/") and p["attached"]]
    eq(n, (2 if tp_btf else 1) + probe, f"opens of the kernel's BTF with --all-syscalls (libbpf "
       f"parses it for a tp_btf program: {[p['name'] for p in tp_btf]})")


def test_a_refused_copy_loads_against_the_whole():
    """A kernel outside the matrix may refuse what was relocated against
    the copy (a type its relocations need, not in the copy): ipcscope loads
    again against the whole BTF, as without the copy, and says so. The
    copy is broken on purpose (IPCSCOPE_BREAK_CORE_BTF: no struct
    task_struct in it)"""
    env = {"IPCSCOPE_BREAK_CORE_BTF": "1"}
    proc = run_ipcscope(["check"], timeout=180, env={**os.environ, **env})
    eq(proc.returncode, 0, f"check with the copy broken: {proc.stdout[-2000:]}{proc.stderr}")
    assert re.search(r"^CO-RE relocations against: the kernel's whole BTF \(loading against "
                     r"a copy of part of it was refused: .+\)$", proc.stdout, re.M), \
        proc.stdout[:3000]
    assert re.search(r"^\d+ loaded, 0 refused, 0 not tried", proc.stdout, re.M), proc.stdout
    # a run counts as ever, with start-up timed from the first try
    wl_json = tmp("pipe.json")
    rec = record(["--no-hist"], harness.workload("pipe", "--mode", "anon", "--count", 100,
                                                 "--size", 64, "--out", wl_json), env=env)
    eq(rec.returncode, 0, f"record with the copy broken ({rec.stderr.strip()})")
    eq(rec.stderr.count("refused"), 0, f"a refusal reported though the retry loaded: {rec.stderr}")
    wl = harness.read_json(wl_json)
    op = [r for r in rec.json["operations"] if r["kind"] == "anon" and r["op"] == "write"]
    eq([(r["calls"], r["bytes"]) for r in op],
       [(wl["totals"]["write_calls"], wl["totals"]["bytes_written"])], "pipe writes")
    st = rec.json["startup"]
    assert st["setup_ms"] > 0 and st["total_ms"] >= st["setup_ms"] + st["load_ms"], st


def test_check_usage_errors():
    proc = run_ipcscope(["check", "--bogus"])
    eq(proc.returncode, 2, "exit status for an unknown option")
    assert "unknown option" in proc.stderr, proc.stderr
    proc = run_ipcscope(["check", "--help"])
    eq(proc.returncode, 0, "--help")
    assert "512" in proc.stdout and "Exit status" in proc.stdout, proc.stdout
    assert os.path.exists(IPCSCOPE)


# the syscalls ipc_sys_enter dispatches (user/sysnames.c), by strace's names
IPC_SYSCALLS = ("read,write,readv,writev,sendfile,splice,vmsplice,sendto,sendmsg,recvfrom,"
                "recvmsg,msgget,semget,shmget,msgsnd,msgrcv,semop,semtimedop,shmat,shmdt,"
                "mq_timedsend,mq_timedreceive,futex")


def test_ipc_syscall_counts_equal_strace():
    """By default the processes' syscall counts are their IPC syscalls':
    the same number strace counts of those for the same deterministic
    command (a shell, a file read twice, a pipe); with --all-syscalls,
    more"""
    ipc_counts_against_strace({})


def test_kprobe_hooks_count_what_strace_counts():
    """IPCSCOPE_SYSCALL_HOOK=kprobe: the syscall programs on the IPC
    syscalls' functions wherever the kernel makes kprobe.multi links (6.12
    too, where they are not the default), counting what strace counts;
    elsewhere a warning, and the default hooks"""
    rec = ipc_counts_against_strace({"IPCSCOPE_SYSCALL_HOOK": "kprobe"})
    if kernel_has("kprobe_multi"):
        check_kprobe_hooks(rec)
        assert "IPCSCOPE_SYSCALL_HOOK" not in rec.stderr, rec.stderr
    else:
        assert ("IPCSCOPE_SYSCALL_HOOK=kprobe ignored: this kernel makes no "
                "kprobe.multi links") in rec.stderr, rec.stderr


# N threads block in read() on one pipe, then one write() wakes them all
BLOCKED_READERS = """
import os, sys, threading, time
n = int(sys.argv[1])
r, w = os.pipe()
threads = [threading.Thread(target=os.read, args=(r, 1)) for _ in range(n)]
for t in threads:
    t.start()
time.sleep(1)
os.write(w, b"x" * n)
for t in threads:
    t.join()
"""


def test_kprobe_returns_lost_are_named():
    """200 threads blocked in read() at once. On the kprobes (the default on
    6.14+, forced on 6.12), each read's return is seen, or, where a return
    probe takes a node of a fixed pool (before 6.14: 2 per CPU and
    function), the kernel's misses are reported as skipped runs of the exit
    program: every read is counted or named as lost. Without kprobe.multi,
    on the tracepoints, all are counted."""
    n = 200
    env = {"IPCSCOPE_SYSCALL_HOOK": "kprobe" if kernel_has("kprobe_multi") else ""}
    rec = record([], [sys.executable, "-c", BLOCKED_READERS, str(n)], env=env)
    eq(rec.returncode, 0, f"record: {rec.stderr}")
    reads, writes = rec.op("anon", "read"), rec.op("anon", "write")
    skipped = rec.json["skipped_runs_by_program"]
    pooled = kernel_has("kprobe_multi") and not kernel_has("kprobes")
    if pooled:
        # at most 2 per CPU and function were free: most returns were lost
        # (the write's too, with every node held by a blocked read)
        lost = skipped.get("ipc_sys_exit_kp", 0)
        seen = reads["calls"] + writes["calls"]
        assert lost > 0 and seen < n + 1, f"{seen} calls seen, skipped {skipped}"
        # and bystanders' returns may be among those lost: at least all
        assert seen + lost >= n + 1, f"{seen} calls seen, {lost} named lost"
        eq(rec.json["drops"]["skipped_runs"], sum(skipped.values()), "skipped runs in drops")
    else:
        eq((reads["calls"], reads["bytes"]), (n, n), "every read, counted")
        eq(writes["calls"], 1, "the one write")
        eq({p: n for p, n in skipped.items() if p.startswith("ipc_sys_")}, {},
           "runs of the syscall programs the kernel skipped")
        # 7.x runs tp_btf programs preemptible: with 200 threads exiting at
        # once a few of ipc_exit's runs are skipped (1-4 in 5 of 6 runs on
        # 7.2): named, as drops
        eq(rec.json["drops"]["skipped_runs"], sum(skipped.values()), "skipped runs in drops")


def ipc_counts_against_strace(env):
    """The processes' syscall counts under env, against strace's count of
    their IPC syscalls; the record"""
    strace = shutil.which("strace")
    assert strace, "strace is not installed (make test installs it)"
    cmd = ["sh", "-c", "cat /etc/passwd /etc/passwd >/dev/null; echo x | cat >/dev/null"]
    out = tmp("strace.txt")
    subprocess.run([strace, "-f", "-c", "-o", out, "-e", f"trace={IPC_SYSCALLS}", "--", *cmd],
                   check=True, stdout=subprocess.DEVNULL)
    with open(out) as f:
        total = [l for l in f if l.split()[-1:] == ["total"]]
    assert total, "strace -c wrote no total line"
    calls = int(total[0].split()[3])
    rec = record([], cmd, env=env)
    eq(rec.returncode, 0, f"record: {rec.stderr}")
    counted = sum(p["syscalls"] for p in rec.json["processes"])
    if rec.json["syscalls_counted"] == "all":
        # the fallback (7.x without kprobes): every syscall is counted
        assert not kernel_has("ipc_hooks"), "every syscall counted, yet IPC hooks"
        assert counted > calls, f"fallback: {counted} syscalls, strace's IPC ones {calls}"
        return rec
    eq(counted, calls, "the processes' IPC syscalls, against strace's count of them")
    return rec
