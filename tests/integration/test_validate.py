"""ipcscope validate: every claim in the data file gets a row, and the
figures that are exact by construction are asserted exactly."""
import os

from harness import IPCSCOPE, ROOT, eq, read_json, run_ipcscope, tmp

CLAIMS = os.path.join(ROOT, "claims", "reference.claims")


def claim_ids(path):
    with open(path, encoding="utf-8") as f:
        return [line.split("|")[0].strip() for line in f
                if line.strip() and not line.lstrip().startswith("#")]


def test_quick_run_checks_every_claim():
    out = tmp("validate.json")
    proc = run_ipcscope(["validate", "--quick", "--json", out], timeout=300)
    eq(proc.returncode, 0, f"exit status ({proc.stderr.strip()[-500:]})")
    doc = read_json(out)
    rows = {c["id"]: c for c in doc["claims"]}
    eq(sorted(rows), sorted(claim_ids(CLAIMS)), "claims with a row")
    for e in doc["experiments"]:
        assert e["ran"], f"experiment {e['name']} failed: {e['error']}"
    for key in ("ipcscope_version", "kernel_release", "cpu_model", "cores", "date"):
        assert doc[key], f"provenance {key} missing"

    def measured(cid, verdict):
        eq(rows[cid]["verdict"], verdict, f"verdict of {cid} ({rows[cid]['how']})")
        return rows[cid]["measured"]

    # exact by construction: write()+read() copy twice, msgsnd+msgrcv too,
    # shared memory not at all
    eq(measured("pipe-copies", "holds"), 2.0, "pipe copies per byte")
    eq(measured("msgq-copies", "holds"), 2.0, "message queue copies per byte")
    eq(measured("shm-copies", "holds"), 0.0, "shared memory copies per byte")
    eq(measured("counter-race-semaphore", "holds"), 0.0, "updates lost with the semaphore")
    assert measured("counter-race-unsynchronised", "holds") > 0, "no update lost without it"
    eq(measured("signal-may-be-lost", "holds"), 999.0, "SIGUSR1 merged out of 1000")
    eq(measured("msgq-receive-by-type", "holds"), True, "selective receive")
    # 1 MiB through a 64 KiB pipe: one write, 16 full reads and the EOF read
    eq(measured("pipe-two-syscalls", "does not hold"), 18.0, "pipe syscalls for 1 MiB")
    # times: a median of timed untraced runs, and the rankings from them
    for mech in ("shm", "unix", "pipe", "msgq", "tcp"):
        ms = rows[f"{mech}-time-1mb"]["measured"]
        assert isinstance(ms, float) and ms > 0, f"{mech}: no time measured"
        assert rows[f"{mech}-time-1mb"]["verdict"] in ("holds", "does not hold"), \
            f"{mech} time not judged"
    assert rows["rank-time-1mb"]["verdict"] in ("holds", "does not hold"), "ranking not judged"
    timed = [e for e in doc["experiments"] if e["name"].endswith("-1mib")]
    assert timed and all(e["timing_ms"]["runs"] == 3 for e in timed), "timed runs missing"
    # properties seen in the syscalls: the kernel's answers, not the workload's
    eq(measured("pipe-capacity-64k", "holds"), 65536.0, "bytes a pipe takes before EAGAIN")
    eq(measured("pipe-blocks-when-full", "holds"), True, "a write into a full pipe blocks")
    eq(measured("pipe-byte-stream", "holds"), False, "pipe keeps message boundaries")
    eq(measured("msgq-message-boundaries", "holds"), True, "queue keeps message boundaries")
    eq(measured("pipe-one-way", "holds"), True, "pipe ends go one way")


def test_text_table_and_summary():
    proc = run_ipcscope(["validate", "--quick"], timeout=300)
    eq(proc.returncode, 0, f"exit status ({proc.stderr.strip()[-500:]})")
    assert "CLAIM" in proc.stdout and "VERDICT" in proc.stdout, "no table header"
    n = len(claim_ids(CLAIMS))
    assert f"{n} claims: " in proc.stdout, "no summary line"


def test_malformed_claims_file_names_the_line():
    bad = tmp("bad.claims")
    with open(bad, "w") as f:
        f.write("# a comment\n\nok-one | §1 | pipe | copies_per_byte | eq | 2 | - | text\n"
                "broken | §2 | pipe | copies_per_byte | aprox | 2 | - | text\n")
    proc = run_ipcscope(["validate", "--claims", bad])
    eq(proc.returncode, 1, "exit status")
    lines = proc.stderr.strip().splitlines()
    eq(len(lines), 1, f"stderr lines ({proc.stderr.strip()})")
    assert f"{bad}:4:" in lines[0] and "aprox" in lines[0], f"error does not name line 4: {lines[0]}"
    missing = run_ipcscope(["validate", "--claims", "/nonexistent.claims"])
    eq(missing.returncode, 1, "exit status for a missing file")
    assert "cannot read /nonexistent.claims" in missing.stderr, missing.stderr
