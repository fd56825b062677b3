# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Semaphores: SysV semop calls per process and per set equal
workloads/sem.c's counts (the reference document's shm + semaphore
example, and the producer/consumer); POSIX semaphores show as futex
calls, no more than the library calls that can make them."""
from harness import eq, read_json, record, tmp, workload


def run_sem(*args):
    wl_json = tmp("sem.json")
    rec = record(["--no-hist"], workload("sem", *args, "--out", wl_json))
    eq(rec.returncode, 0, f"ipcscope exit status ({rec.stderr.strip()})")
    wl = read_json(wl_json)
    roles = {p["role"]: p for p in wl["processes"]}
    return rec, wl, roles["parent"], roles["child"]


def check_sysv_set(rec, wl, parent, child):
    t = wl["totals"]
    eq(rec.op("sysv", "semop", mech="sem")["calls"], t["semop_calls"], "semop calls")
    eq(rec.op("sysv", "semop", mech="sem")["errors"], t["semop_errors"], "semop errors")
    eq(rec.op("sysv", "semop", mech="sem")["bytes"], 0, "semop bytes")
    eq(rec.op("sysv", "semop", mech="sem")["items"], t["semop_ops"], "semaphore operations (nsops)")
    eq(rec.op("sysv", "get", mech="sem")["calls"], t["semget_calls"], "semget calls")
    s = rec.object(wl["sem"]["id"], mech="sem", kind="sysv")
    eq(s["sysv_key"], wl["sem"]["key"], "semaphore set key")
    users = {u["pid"]: u["calls"] for u in s["users"]}
    eq(users.get(parent["pid"], 0), parent["semop_calls"] + parent["semget_calls"],
       "parent's semop+semget calls on the set")
    eq(users.get(child["pid"], 0), child["semop_calls"] + child["semget_calls"],
       "child's semop+semget calls on the set")
    seg = rec.object(wl["shm"]["id"], mech="shm", kind="sysv")
    eq(seg["sysv_key"], wl["shm"]["key"], "segment key")
    eq(rec.op("sysv", "shmat", mech="shm")["calls"], t["shmat_calls"], "shmat calls")
    eq(rec.op("sysv", "shmdt", mech="shm")["calls"], t["shmdt_calls"], "shmdt calls")
    eq(rec.copies("sem")["payload_bytes"], 0, "semaphores carry no payload")


def test_sysv_semaphore_guards_shared_counter():
    rec, wl, parent, child = run_sem("--mode", "sysv", "--count", 5000)
    eq(wl["counter"]["lost_updates"], 0, "lost updates with the semaphore")
    eq(wl["totals"]["semop_calls"], 20000, "workload semop calls")
    check_sysv_set(rec, wl, parent, child)


def test_producer_consumer():
    rec, wl, parent, child = run_sem("--mode", "prodcons", "--count", 3000, "--slots", 8)
    eq(wl["items"]["out_of_order"], 0, "items out of order")
    check_sysv_set(rec, wl, parent, child)


def test_posix_semaphore_is_futex_calls():
    rec, wl, parent, child = run_sem("--mode", "posix", "--count", 20000)
    eq(wl["counter"]["lost_updates"], 0, "lost updates with the semaphore")
    eq(rec.op("sysv", "semop", mech="sem")["calls"], 0, "semop calls")
    # a futex call happens only under contention: at most one per library call
    for p in (parent, child):
        calls = sum(u["calls"] for o in rec.objects("futex", mech="sem") for u in o["users"]
                    if u["pid"] == p["pid"])
        assert calls <= p["sem_wait_calls"] + p["sem_post_calls"], \
            f"process {p['pid']}: {calls} futex calls > {p['sem_wait_calls']} sem_wait + {p['sem_post_calls']} sem_post"
    futex_wait = rec.op("futex", "futex_wait", mech="sem")["calls"]
    futex_wake = rec.op("futex", "futex_wake", mech="sem")["calls"]
    assert futex_wait <= wl["totals"]["sem_wait_calls"], "more futex waits than sem_wait calls"
    assert futex_wake <= wl["totals"]["sem_post_calls"], "more futex wakes than sem_post calls"


def test_race_without_semaphore_makes_no_semop():
    rec, wl, parent, child = run_sem("--mode", "race", "--count", 200000)
    eq(rec.op("sysv", "semop", mech="sem")["calls"], 0, "semop calls")
    eq(wl["counter"]["expected"], 400000, "expected count")
    eq(wl["counter"]["final"] + wl["counter"]["lost_updates"], 400000, "final + lost")
