# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""record --prometheus: the text exposition format, parsed as Prometheus
would, holds exactly the JSON's figures; written whole or not at all."""
import os
import re
import signal
import subprocess
import urllib.error
import urllib.request

from harness import (IPCSCOPE, eq, no_bpf_left, read_json, record, spawn, tmp,
                     wait_for_line, workload)

LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse(text):
    """{(name, frozenset(labels)): value}; checks the format as it goes."""
    assert text.endswith("\n"), "no newline at the end"
    samples, typed = {}, {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            assert name not in typed, f"two TYPE lines for {name}"
            typed[name] = kind
            continue
        if line.startswith("# HELP ") or not line:
            continue
        m = LINE.match(line)
        assert m, f"not a sample line: {line!r}"
        name, labels, value = m.groups()
        base = re.sub(r"_(bucket|sum|count)$", "", name)
        assert name in typed or base in typed, f"{name} has no TYPE line"
        key = (name, frozenset(LABEL.findall(labels or "")))
        assert key not in samples, f"a series twice: {line}"
        samples[key] = float(value)
    return samples


def series(samples, name, **labels):
    want = set(labels.items())
    return {k: v for k, v in samples.items() if k[0] == name and want <= set(k[1])}


def test_prometheus_figures_equal_the_json():
    prom, out = tmp("ipc.prom"), tmp("pipe.json")
    rec = record(["--prometheus", prom],
                 workload("pipe", "--count", 200, "--size", 4096, "--out", out))
    eq(rec.returncode, 0, f"exit status ({rec.stderr.strip()})")
    with open(prom) as f:
        samples = parse(f.read())
    assert not [p for p in os.listdir(os.path.dirname(prom)) if p.startswith(".ipc.prom")], \
        "a temporary file was left"
    for row in rec.json["operations"]:
        labels = dict(mechanism=row["mechanism"], kind=row["kind"], op=row["op"])
        eq(sum(series(samples, "ipcscope_operation_calls_total", **labels).values()),
           row["calls"], f"calls of {labels}")
        eq(sum(series(samples, "ipcscope_operation_bytes_total", **labels).values()),
           row["bytes"], f"bytes of {labels}")
        buckets = series(samples, "ipcscope_operation_duration_seconds_bucket", **labels)
        les = sorted(buckets.items(), key=lambda kv: float(dict(kv[0][1])["le"]))
        counts = [v for _, v in les]
        eq(counts, sorted(counts), f"buckets of {labels} grow")
        eq(counts[-1], row["calls"], f"+Inf bucket of {labels}")
        eq(sum(series(samples, "ipcscope_operation_duration_seconds_count", **labels).values()),
           row["calls"], f"count of {labels}")
    wl = read_json(out)
    pids = {p["pid"] for p in wl["processes"]}
    syscalls = sum(p["syscalls"] for p in rec.json["processes"]
                   if p["pid"] in pids and p["comm"] == "pipe")
    eq(sum(series(samples, "ipcscope_process_syscalls_total", comm="pipe").values()),
       syscalls, "the workload's syscalls, by name")
    for name, n in rec.json["drops"].items():
        eq(samples[("ipcscope_drops_total", frozenset({("map", name)}))], n, f"drops {name}")


def scrape(port, path="/metrics"):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
        return r.status, r.headers.get("Content-Type"), r.read().decode()


def test_export_serves_the_figures_live():
    # export --comm pipe: a scrape after the workload has the workload's
    # calls and bytes exactly; other paths are 404; Ctrl-C stops it cleanly
    proc = spawn([IPCSCOPE, "export", "--listen", "127.0.0.1:0", "--comm", "pipe"],
                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        m = re.search(r"serving http://127\.0\.0\.1:(\d+)/metrics", line)
        assert m, f"no address on stderr: {line!r}"
        port = int(m.group(1))
        wait_for_line(proc.stderr, "tracing started", timeout=30)
        out = tmp("pipe.json")
        subprocess.run(workload("pipe", "--count", 100, "--size", 512, "--out", out),
                       check=True, timeout=60)
        t = read_json(out)["totals"]
        status, ctype, body = scrape(port)
        eq(status, 200, "status")
        assert ctype.startswith("text/plain; version=0.0.4"), ctype
        samples = parse(body)
        labels = dict(mechanism="pipe", kind="anon", op="write")
        eq(sum(series(samples, "ipcscope_operation_calls_total", **labels).values()),
           t["write_calls"], "write calls in a live scrape")
        eq(sum(series(samples, "ipcscope_operation_bytes_total", **labels).values()),
           t["bytes_written"], "bytes written in a live scrape")
        try:
            scrape(port, "/other")
            raise AssertionError("/other answered")
        except urllib.error.HTTPError as e:
            eq(e.code, 404, "/other")
    finally:
        proc.send_signal(signal.SIGINT)
        err = proc.communicate(timeout=60)[1]
    eq(proc.returncode, 0, f"exit status after Ctrl-C ({err.strip()})")
    no_bpf_left()
