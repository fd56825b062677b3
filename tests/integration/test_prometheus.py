# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""record --prometheus: the text exposition format, parsed as Prometheus
would, holds exactly the JSON's figures; written whole or not at all."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

from harness import (IPCSCOPE, ROOT, Skip, eq, in_ci, no_bpf_left, read_json, record,
                     spawn, tmp, wait_for_line, workload)

LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def prometheus_tool(name):
    """Debian's prometheus or promtool: as make test unpacks it under
    build/prometheus, or installed; else a skip (a failure in CI)."""
    path = os.path.join(ROOT, "build", "prometheus", "usr", "bin", name)
    if os.access(path, os.X_OK):
        return path
    path = shutil.which(name)
    if path:
        return path
    why = f"no {name}: make test fetches Debian's prometheus package into build/prometheus"
    if in_ci():
        raise AssertionError(why)
    raise Skip(why)


def promtool_check(text, what):
    """promtool check metrics: the format and Prometheus's naming lints"""
    proc = subprocess.run([prometheus_tool("promtool"), "check", "metrics"], input=text,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=60)
    eq((proc.returncode, proc.stdout.strip()), (0, ""), f"promtool check metrics on {what}")


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


def record_prometheus(args, count, size):
    """record --prometheus FILE ARGS of the pipe workload: (the record, the
    file's samples, the workload's JSON path), the file checked by
    promtool"""
    prom, out = tmp("ipc.prom"), tmp("pipe.json")
    rec = record(["--prometheus", prom] + args,
                 workload("pipe", "--count", count, "--size", size, "--out", out))
    eq(rec.returncode, 0, f"exit status ({rec.stderr.strip()})")
    with open(prom) as f:
        text = f.read()
    samples = parse(text)
    promtool_check(text, " ".join(["record --prometheus"] + args))
    return rec, samples, out


def test_prometheus_figures_equal_the_json():
    rec, samples, out = record_prometheus([], 200, 4096)
    prom = tmp("ipc.prom")
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


def test_prometheus_labels_pid_and_object():
    # --labels pid,object: each process's series equal its row of the JSON,
    # each object's bytes equal its row; promtool still passes (no series
    # twice: two objects of one name keep their ids)
    rec, samples, out = record_prometheus(["--labels", "pid,object"], 50, 1000)
    for p in rec.json["processes"]:
        eq(sum(series(samples, "ipcscope_process_syscalls_total", pid=str(p["pid"])).values()),
           sum(q["syscalls"] for q in rec.json["processes"] if q["pid"] == p["pid"]),
           f"syscalls of pid {p['pid']}")
    pipes = read_json(out)["pipes"]
    for o in rec.json["objects"]:
        ident = f"{o['dev']}:{o['ino']}"
        eq(series(samples, "ipcscope_object_bytes_total", id=ident, direction="in")
           .popitem()[1], o["bytes_in"], f"bytes into {o['name']}")
        eq(series(samples, "ipcscope_object_bytes_total", id=ident, direction="out")
           .popitem()[1], o["bytes_out"], f"bytes out of {o['name']}")
    for p in pipes:
        o = [o for o in rec.json["objects"] if o["ino"] == p["ino"]][0]
        eq(o["bytes_in"], p["bytes"], "the workload's pipe, as it counted")


def scrape(port, path="/metrics"):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
        return r.status, r.headers.get("Content-Type"), r.read().decode()


def start_export(args):
    """ipcscope export --listen 127.0.0.1:0 ARGS, once tracing: (the
    process, its port, said on stderr)"""
    proc = spawn([IPCSCOPE, "export", "--listen", "127.0.0.1:0"] + args,
                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    line = proc.stderr.readline()
    m = re.search(r"serving http://127\.0\.0\.1:(\d+)/metrics", line)
    assert m, f"no address on stderr: {line!r}"
    wait_for_line(proc.stderr, "tracing started", timeout=30)
    return proc, int(m.group(1))


def test_export_serves_the_figures_live():
    # export --comm pipe: a scrape after the workload has the workload's
    # calls and bytes exactly; other paths are 404; Ctrl-C stops it cleanly
    proc, port = start_export(["--comm", "pipe"])
    try:
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


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prom_query(port, query):
    """The value of an instant query's one series (None while it has none)."""
    url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": query})
    with urllib.request.urlopen(url, timeout=10) as r:
        answer = json.load(r)
    assert answer["status"] == "success", answer
    result = answer["data"]["result"]
    assert len(result) <= 1, f"{query}: {len(result)} series"
    return result[0]["value"][1] if result else None


# the JSON's log2_ns has 40 slots (docs/json-schema.md), trimmed after the
# last non-zero one; the 40th is everything from 2^39 ns up: +Inf
HIST_SLOTS = 40


def quantile_of_slots(q, slots):
    """histogram_quantile(q) as Prometheus computes it (promql's
    bucketQuantile: linear within the bucket the rank falls in; in the
    +Inf bucket, the highest finite bound) over our log2 slots, whose
    bounds are (2^(i+1) - 1) ns, the last slot +Inf. The JSON's slots come
    trimmed: the last one given is not the +Inf one (it was taken for it
    when the 99th percentile fell in the last non-zero slot: 65.535 us
    instead of Prometheus's 81.919 us, one run in three)."""
    slots = list(slots) + [0] * (HIST_SLOTS - len(slots))
    bounds = [((2 << i) - 1) / 1e9 for i in range(len(slots) - 1)] + [float("inf")]
    cum, total = [], 0
    for n in slots:
        total += n
        cum.append(float(total))
    rank = q * cum[-1]
    b = next((i for i in range(len(cum) - 1) if cum[i] >= rank), len(cum) - 1)
    if b == len(cum) - 1:
        return bounds[-2]
    start, count = 0.0, cum[b]
    if b > 0:
        start = bounds[b - 1]
        count -= cum[b - 1]
        rank -= cum[b - 1]
    return start + (bounds[b] - start) * (rank / count)


def test_a_real_prometheus_scrapes_export():
    # Debian's Prometheus scrapes export (loopback) while the pipe workload
    # runs; its HTTP API then answers the bytes written and the 99th
    # percentile of the writes' durations exactly as export's --json says
    # (the histogram's buckets read as we mean them), and a scrape passes
    # promtool's checks
    server = prometheus_tool("prometheus")
    data, out = tmp("pipe.json"), tmp("export.json")
    proc, port = start_export(["--comm", "pipe", "--json", out])
    prom = None
    try:
        subprocess.run(workload("pipe", "--count", 300, "--size", 1000, "--out", data),
                       check=True, timeout=60)
        promtool_check(scrape(port)[2], "a scrape of export")
        with open(tmp("prometheus.yml"), "w") as f:
            f.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                    "scrape_configs:\n  - job_name: ipcscope\n    static_configs:\n"
                    f"      - targets: ['127.0.0.1:{port}']\n")
        api = free_port()
        prom = spawn([server, f"--config.file={tmp('prometheus.yml')}",
                      f"--storage.tsdb.path={tmp('tsdb')}",
                      f"--web.listen-address=127.0.0.1:{api}"],
                     stdout=subprocess.DEVNULL, stderr=open(tmp("prometheus.log"), "w"))
        labels = '{mechanism="pipe",kind="anon",op="write"}'
        deadline = time.monotonic() + 60
        while True:
            try:
                if prom_query(api, f"ipcscope_operation_bytes_total{labels}") is not None:
                    break
            except (urllib.error.URLError, ConnectionError):
                pass        # not listening yet
            assert prom.poll() is None, "prometheus exited: " + open(tmp("prometheus.log")).read()[-2000:]
            assert time.monotonic() < deadline, "no scrape of export within 60 s"
            time.sleep(0.5)
        got_bytes = prom_query(api, f"ipcscope_operation_bytes_total{labels}")
        got_p99 = prom_query(api, "histogram_quantile(0.99, sum by (le) "
                                  f"(ipcscope_operation_duration_seconds_bucket{labels}))")
    finally:
        if prom:
            prom.terminate()
            prom.wait(timeout=30)
        proc.send_signal(signal.SIGINT)
        err = proc.communicate(timeout=60)[1]
    eq(proc.returncode, 0, f"export's exit status ({err.strip()})")
    write = [r for r in read_json(out)["operations"]
             if (r["mechanism"], r["kind"], r["op"]) == ("pipe", "anon", "write")]
    eq(len(write), 1, "the JSON's pipe write row")
    eq(int(got_bytes), write[0]["bytes"], "bytes written, as Prometheus has them")
    eq(write[0]["bytes"], read_json(data)["totals"]["bytes_written"], "bytes written, the JSON's")
    want = quantile_of_slots(0.99, write[0]["latency"]["log2_ns"])
    assert abs(float(got_p99) - want) <= 1e-12 * want, \
        f"histogram_quantile(0.99): Prometheus {got_p99}, from the JSON's slots {want!r}"
    no_bpf_left()
