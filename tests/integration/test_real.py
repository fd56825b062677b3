# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""A program we did not write: nginx (installed by make test) serving a
file to curl over loopback TCP, by sendfile(2). The client-server edges carry exactly what
curl itself reports it sent and received, and nginx's own IPC shows up:
the socketpair channels from its master to its workers, the workers'
SIGCHLD to the master, its shared memory zone."""
import os
import shutil
import signal
import socket
import subprocess
import time

from harness import eq, record, spawn, tmp

SIZE = 100000
REQUESTS = 5


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nginx_prefix(port):
    prefix = tmp("nginx")
    os.makedirs(os.path.join(prefix, "www"))
    os.makedirs(os.path.join(prefix, "logs"))
    with open(os.path.join(prefix, "www", "f.bin"), "wb") as f:
        f.write(os.urandom(SIZE))
    temp = "\n".join(f"  {k}_temp_path {prefix}/{k};"
                     for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    with open(os.path.join(prefix, "nginx.conf"), "w") as f:
        f.write(f"""daemon off;
master_process on;
worker_processes 2;
user root;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log;
events {{ worker_connections 64; }}
http {{
  access_log off;
  sendfile on;    # the body goes by sendfile(2), the headers by writev
{temp}
  server {{ listen 127.0.0.1:{port}; root {prefix}/www; }}
}}
""")
    return prefix


def wait_listening(port, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nginx never listened on port {port}")


def test_nginx_and_curl_over_loopback():
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert os.path.exists(nginx), "nginx is not installed (make test installs nginx-light)"
    assert shutil.which("curl"), "curl is not installed (make test installs it)"
    port = free_port()
    prefix = nginx_prefix(port)
    url = f"http://127.0.0.1:{port}/f.bin"
    clients = {}    # curl pid -> (bytes it sent, bytes it received), by its own count

    def load(ipcscope):
        wait_listening(port)
        for _ in range(REQUESTS):
            curl = spawn(["curl", "-s", "-o", "/dev/null", "-w",
                          "%{size_request} %{size_header} %{size_download}", url],
                         stdout=subprocess.PIPE, text=True)
            out, _ = curl.communicate(timeout=30)
            eq(curl.returncode, 0, "curl exit status")
            sent, header, body = map(int, out.split())
            eq(body, SIZE, "body size curl got")
            clients[curl.pid] = (sent, header + body)
        ipcscope.send_signal(signal.SIGINT)

    # nginx is the command; curl, started by the test, joins by name
    rec = record(["--comm", "curl"], [nginx, "-p", prefix, "-c", f"{prefix}/nginx.conf"],
                 ready=load, timeout=120)
    eq(rec.returncode, 0, f"exit status ({rec.stderr.strip()[-300:]})")
    master = rec.json["targets"]["command_pid"]
    workers = {p["pid"] for p in rec.json["processes"] if p["ppid"] == master
               and p["comm"] == "nginx"}
    eq(len(workers), 2, "nginx worker processes seen")

    # each curl's connection: both ends traced, exactly what curl counted
    tcp = [c for c in rec.json["channels"] if c["kind"] == "tcp"]
    for pid, (sent, received) in clients.items():
        mine = [c for c in tcp if any(e["pids"] == [pid] for e in c["ends"])]
        eq(len(mine), 1, f"TCP channels of curl {pid}")
        ends = {tuple(e["pids"]): e for e in mine[0]["ends"]}
        client = ends.pop((pid,))
        eq((client["bytes_sent"], client["bytes_received"]), (sent, received),
           f"curl {pid}: bytes sent and received")
        (server_pids, server), = ends.items()
        assert set(server_pids) <= workers, f"server end {server_pids} is not a worker"
        eq((server["bytes_sent"], server["bytes_received"]), (received, sent),
           f"nginx end of curl {pid}'s connection")
        assert mine[0]["paired"] and mine[0]["loopback"], mine[0]
    # the bodies went by sendfile, into the workers' ends of the connections
    body = rec.op("tcp", "sendfile_in", mech="socket")
    eq(body["bytes"], SIZE * REQUESTS, "bytes nginx sent by sendfile")
    eq(body["errors"], 0, "sendfile errors")

    # nginx's own IPC: the master tells each worker to stop over a socketpair
    channels = [c for c in rec.json["channels"] if c["kind"] == "unix_stream"
                and any(e["pids"] == [master] and e["bytes_sent"] > 0 for e in c["ends"])]
    told = {p for c in channels for e in c["ends"] for p in e["pids"] if p in workers}
    eq(told, workers, "workers the master wrote to over its socketpairs")
    chld = sum(r["count"] for r in rec.json["signals"]
               if r["sig"] == signal.SIGCHLD and r["target"] == master
               and r["sender"] in workers and r["event"] == "generated")
    eq(chld, len(workers), "SIGCHLD generated by the workers for the master")
