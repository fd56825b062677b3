# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Shared memory: no payload through syscalls, and the page faults that do
the work attributed to the segment and to each process; SysV ids and keys
from shmget; the per-process fallback for kernels without bpf_find_vma."""
from harness import Fallback, data_program, eq, kernel_has, read_json, record, tmp, \
    workload


def run_shm(api, env=None, size=1048576, warm="no", sync="poll"):
    wl_json = tmp("shm.json")
    rec = record(["--no-hist"], workload("shm", "--api", api, "--size", size, "--warm", warm,
                                         "--sync", sync, "--out", wl_json), env=env)
    eq(rec.returncode, 0, f"ipcscope exit status ({rec.stderr.strip()})")
    wl = read_json(wl_json)
    assert wl["checksum_ok"], "workload checksum failed"
    roles = {p["role"]: p for p in wl["processes"]}
    return rec, wl, roles["parent"], roles["child"]


def segment(rec, wl, kind):
    ino = wl["segment"]["maps_ino"]
    return rec.object(ino, mech="shm", kind=kind)


def check_fallback(rec, parent):
    """Faults per process, none per segment: what kernels before 5.17 get."""
    eq(rec.probe("raw_tp/page_fault_user")["attached"], False, "find_vma probe attached")
    eq(rec.probe("tp/exceptions/page_fault_user")["attached"], True, "fallback attached")
    assert rec.process(parent["pid"])["page_faults"] >= parent["pages_written"], \
        "fallback lost the writer's faults"
    eq(sum(o["page_faults"] for o in rec.objects(mech="shm")), 0, "per-segment faults")
    assert "not attached: raw_tp/page_fault_user" in rec.stdout, "report hides the missing probe"


def check_faults(rec, wl, parent, child, kind):
    if not kernel_has("find_vma"):
        check_fallback(rec, parent)
        c = rec.copies("shm")
        eq(c["user_to_kernel_bytes"] + c["kernel_to_user_bytes"], 0, "shm bytes copied")
        raise Fallback("no bpf_find_vma: faults per process, checked")
    seg = segment(rec, wl, kind)
    faults = {f["pid"]: f["calls"] for f in seg["faulters"]}
    assert faults.get(parent["pid"], 0) >= parent["pages_written"], \
        (f"writer faults {faults.get(parent['pid'])} < pages written {parent['pages_written']} "
         f"(drops: {rec.json['drops']})")
    assert faults.get(child["pid"], 0) >= 1, "reader faulted no page in"
    assert seg["page_faults"] >= wl["pages"], f"{seg['page_faults']} faults < {wl['pages']} pages"
    eq(seg["page_faults"], sum(faults.values()), "segment faults = sum over processes")
    eq(seg["bytes_in"] + seg["bytes_out"], 0, "payload bytes through syscalls")
    for p in (parent, child):
        assert rec.process(p["pid"])["shm_page_faults"] >= faults.get(p["pid"], 0), \
            f"process {p['pid']}: shm faults below its faults in the segment"
    c = rec.copies("shm")
    eq(c["user_to_kernel_bytes"] + c["kernel_to_user_bytes"], 0, "shm bytes copied")
    assert "0 bytes of payload through syscalls" in rec.stdout, "text report lacks the shm summary"
    return seg


def test_sysv_segment_1mib():
    rec, wl, parent, child = run_shm("sysv")
    seg = check_faults(rec, wl, parent, child, "sysv")
    eq(seg["ino"], wl["segment"]["id"], "segment id")
    eq(seg["sysv_key"], wl["segment"]["key"], "segment key")
    eq(seg["size"], wl["size"], "segment size")
    eq(rec.op("sysv", "get", mech="shm")["calls"], 1, "shmget calls")
    eq(rec.op("sysv", "shmat", mech="shm")["calls"], 1, "shmat calls")
    eq(rec.op("sysv", "shmdt", mech="shm")["calls"], 1, "shmdt calls")
    eq({u["pid"] for u in seg["users"]}, {parent["pid"]}, "processes that called shm*")
    # a SysV mapping has no fault-around: one fault per page on both sides
    faults = {f["pid"]: f["calls"] for f in seg["faulters"]}
    eq(faults[parent["pid"]], 256, "writer faults")
    eq(faults[child["pid"]], 256, "reader faults")


def test_semaphore_hand_off_is_futex_calls_and_the_same_faults():
    # --sync sem: the reader sleeps in sem_wait (a futex wait) until the
    # writer's sem_post (a futex wake, made only if someone waits): the
    # faults are those of the polled hand-off, and the only other IPC is
    # at most one wait and one wake on the semaphore, with the warm-up's
    # hand-off one more
    for warm, posts in (("yes", 2), ("no", 1)):
        rec, wl, parent, child = run_shm("sysv", warm=warm, sync="sem")
        eq(wl["sync"], "sem", "the workload's hand-off")
        waits = rec.op("futex", "futex_wait", mech="sem")
        wakes = rec.op("futex", "futex_wake", mech="sem")
        eq(waits["calls"] - waits["errors"] <= wakes["calls"] <= posts, True,
           f"--warm {warm}: futex waits that slept ({waits}) against wakes ({wakes})")
        eq(sorted(o["kind"] for o in rec.objects(mech="sem")), ["futex"] if wakes["calls"]
           or waits["calls"] else [], "the semaphore's one futex word")
    check_faults(rec, wl, parent, child, "sysv")  # the last run: --warm no


def test_warm_transfer_takes_no_fault_of_its_own():
    # --warm yes (validate's steady state): both sides touch every page
    # before the timed transfer, which then faults nothing more: the
    # segment's faults are the first touch's, one per page and side, as
    # without --warm
    rec, wl, parent, child = run_shm("sysv", warm="yes")
    eq(wl["warm"], True, "the workload's word")
    faults = {f["pid"]: f["calls"] for f in segment(rec, wl, "sysv")["faulters"]}
    eq((faults[parent["pid"]], faults[child["pid"]]), (256, 256),
       "faults of the writer and the reader, warm-up and transfer together")


def test_payload_of_any_size_in_whole_pages():
    # validate's size sweep moves 1 B .. 4 MiB through shared memory: a
    # payload that is not a multiple of the page size spans its pages, the
    # last in part, and the checksum covers its bytes (run_shm checks it)
    for size, pages in ((1, 1), (5000, 2)):
        rec, wl, parent, child = run_shm("sysv", size=size, warm="yes")
        eq((wl["size"], wl["pages"]), (size, pages), "payload bytes and the pages it spans")
        eq((parent["pages_written"], child["pages_read"]), (pages, pages), "pages moved")
        if not kernel_has("find_vma"):
            raise Fallback("no bpf_find_vma: the segment's faults are not counted")
        faults = {f["pid"]: f["calls"] for f in segment(rec, wl, "sysv")["faulters"]}
        eq((faults[parent["pid"]], faults[child["pid"]]), (pages, pages),
           f"{size} bytes: faults of the writer and the reader, one per page each")


def test_posix_shm():
    rec, wl, parent, child = run_shm("posix")
    seg = check_faults(rec, wl, parent, child, "posix")
    eq(seg["path_name"], wl["segment"]["name"].lstrip("/"), "shm_open name")


def test_memfd():
    rec, wl, parent, child = run_shm("memfd")
    check_faults(rec, wl, parent, child, "memfd")


def test_anonymous_shared_mapping():
    rec, wl, parent, child = run_shm("anon")
    check_faults(rec, wl, parent, child, "anon")


def test_fallback_without_find_vma():
    # what kernels before 5.17 get: faults per process, none per segment
    rec, wl, parent, child = run_shm("sysv", env={"IPCSCOPE_DISABLE_PROBES": "ipc_fault_vma"})
    check_fallback(rec, parent)


def run_mapchurn(shared, private, pages):
    """mapchurn under record: while a second thread maps and unmaps private
    memory (holding the address space's lock, which makes bpf_find_vma
    busy), the main thread touches shared, then private, regions."""
    exe = data_program("mapchurn", "-pthread")
    out = tmp("mapchurn.json")
    rec = record(["--no-hist"], [exe, str(shared), str(private), str(pages), out])
    eq(rec.returncode, 0, f"ipcscope exit status ({rec.stderr.strip()})")
    wl = read_json(out)
    if not kernel_has("find_vma"):
        check_fallback_faults(rec, wl)
    return rec, wl


def check_fallback_faults(rec, wl):
    eq(rec.probe("raw_tp/page_fault_user")["attached"], False, "find_vma probe attached")
    # private memory may come in huge pages (one fault for 512): only the
    # shared pages are one fault each
    faults = rec.process(wl["pid"])["page_faults"]
    assert faults >= wl["shared_pages"] and faults > 0, \
        f"fallback lost faults: {faults} for {wl['shared_pages']} shared pages"
    raise Fallback("no bpf_find_vma: faults per process, checked")


def test_private_faults_are_never_looked_up():
    # a program without shared memory: no fault is looked up, so none is
    # lost to a busy lookup (before: one busy lookup at an mmap made every
    # later fault a lookup, and 1024 of them "drops")
    rec, wl = run_mapchurn(0, 4, 2048)
    eq(rec.json["drops"]["fault_lookups"], 0, "faults lost to busy lookups")
    eq(rec.process(wl["pid"])["shm_page_faults"], 0, "shared memory faults")
    eq(sum(o["page_faults"] for o in rec.objects(mech="shm")), 0, "faults in segments")


def test_shared_faults_are_counted_or_named():
    # 24 shared regions, more than a process's 16 range slots: each munmap
    # frees its slot, so the private regions after them are still known
    # private; every shared page's fault is in its segment or a named drop,
    # and no private fault is either
    rec, wl = run_mapchurn(24, 4, 256)
    segs = rec.objects(mech="shm", kind="anon")
    in_segs = sum(f["calls"] for o in segs for f in o["faulters"] if f["pid"] == wl["pid"])
    lost = rec.json["drops"]["fault_lookups"]
    eq(in_segs + lost, wl["shared_pages"],
       f"faults in segments ({in_segs}) + busy lookups ({lost})")
    eq(rec.process(wl["pid"])["shm_page_faults"], in_segs, "process's shm faults")


def test_faults_follow_a_moved_mapping():
    # a shared and a private region, each half written, moved by mremap
    # and written again: the shared region's faults, at both places, are
    # all in its one segment (the new place learns the old one's object),
    # the private region's in none; the workload counts its own faults
    exe = data_program("remap")
    out = tmp("remap.json")
    rec = record(["--no-hist"], [exe, "64", out])
    eq(rec.returncode, 0, f"ipcscope exit status ({rec.stderr.strip()})")
    wl = read_json(out)
    faults = rec.process(wl["pid"])["page_faults"]
    assert faults >= wl["shared_faults"] + wl["private_faults"], \
        f"{faults} faults, the workload counted {wl['shared_faults']} + {wl['private_faults']}"
    if not kernel_has("find_vma"):
        raise Fallback("no bpf_find_vma: faults per process, checked")
    eq(wl["shared_faults"] > 0 and wl["private_faults"] > 0, True, "the workload faulted")
    segs = rec.objects(mech="shm", kind="anon")
    eq(len(segs), 1, "shared anonymous segments")
    in_seg = sum(f["calls"] for f in segs[0]["faulters"] if f["pid"] == wl["pid"])
    eq(in_seg, wl["shared_faults"], "faults in the moved region's segment")
    eq(rec.process(wl["pid"])["shm_page_faults"], wl["shared_faults"], "process's shm faults")
    eq(rec.json["drops"]["fault_lookups"], 0, "faults lost to busy lookups")
