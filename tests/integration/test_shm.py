"""Shared memory: no payload through syscalls, and the page faults that do
the work attributed to the segment and to each process; SysV ids and keys
from shmget; the per-process fallback for kernels without bpf_find_vma."""
from harness import Fallback, eq, kernel_has, read_json, record, tmp, workload


def run_shm(api, env=None, size=1048576):
    wl_json = tmp("shm.json")
    rec = record(["--no-hist"], workload("shm", "--api", api, "--size", size, "--out", wl_json),
                 env=env)
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
    eq(rec.probe("tp_btf/page_fault_user")["attached"], False, "find_vma probe attached")
    eq(rec.probe("tp/exceptions/page_fault_user")["attached"], True, "fallback attached")
    assert rec.process(parent["pid"])["page_faults"] >= parent["pages_written"], \
        "fallback lost the writer's faults"
    eq(sum(o["page_faults"] for o in rec.objects(mech="shm")), 0, "per-segment faults")
    assert "not attached: tp_btf/page_fault_user" in rec.stdout, "report hides the missing probe"


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
