# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""`ipcscope explain MECH`: one message's life through the kernel, as steps
in the kernel's order, with exact byte and copy counts, in both placements.
The workload's own figures come back in the JSON ("workload"): the steps
are checked against them."""
import json
import os
import xml.etree.ElementTree as ET

from harness import (Fallback, documented_schema, eq, kernel_has, one_error_line, read_json,
                     run_ipcscope, spawn, tmp, workload)

# the syscalls that send and receive, and the workload's own byte counts
SEND = {"pipe": "write", "fifo": "write", "msgq": "msgsnd", "posix-mq": "mq_timedsend",
        "unix": "sendto", "tcp": "sendto", "udp": "sendto"}
RECV = {"pipe": "read", "fifo": "read", "msgq": "msgrcv", "posix-mq": "mq_timedreceive",
        "unix": "recvfrom", "tcp": "recvfrom", "udp": "recvfrom"}
SENT_KEY = {"pipe": ("bytes_written", "bytes_read"), "fifo": ("bytes_written", "bytes_read")}
SIZE = 1000


def explain(mech, *args):
    proc = run_ipcscope(["explain", mech, "--json", "-"] + [str(a) for a in args])
    eq(proc.returncode, 0, f"explain {mech} exit status ({proc.stderr.strip()})")
    d = json.loads(proc.stdout)
    eq(d["lost"], {"events": 0, "skipped_runs": 0}, "events lost")
    eq(d["marked"], True, "the workload's marks seen")
    times = [s["t_ns"] for s in d["steps"]]
    eq(times, sorted(times), "steps in time order")
    eq([s["n"] for s in d["steps"]], list(range(1, len(times) + 1)), "steps numbered")
    eq(d["steps"][0]["kind"] in ("start", "enter"), True, "the story opens at the start")
    for s in d["steps"]:
        assert s["what"], f"a step with nothing said: {s}"
    return d


def placements():
    """--same-cpu, and --cross-cpu where this process may use two CPUs"""
    yield "--same-cpu"
    if len(os.sched_getaffinity(0)) >= 2:
        yield "--cross-cpu"


def index(steps, pred, what):
    found = [i for i, s in enumerate(steps) if pred(s)]
    eq(len(found), 1, f"one {what}: {[steps[i]['what'] for i in found]}")
    return found[0]


def one_message(mech, placement):
    d = explain(mech, "--size", SIZE, placement)
    steps, wl = d["steps"], d["workload"]
    start = next(s for s in steps if s["kind"] == "start")
    end = next(s for s in steps if s["kind"] == "end")
    sender, receiver = start["tgid"], end["tgid"]
    assert sender != receiver, "two processes"
    eq({p["pid"] for p in wl["processes"]}, {sender, receiver},
       "the marks are the workload's processes")
    # every step is one of the two processes' (or wakes, or runs, one; or
    # is their packet received in ksoftirqd)
    for s in steps:
        eq(s["tgid"] in (sender, receiver) or
           s.get("peer", {}).get("tgid") in (sender, receiver) or
           (s["kind"] == "net" and s["comm"].startswith("ksoftirqd/")), True,
           f"a step of a process not the workload's: {s}")
    snd = index(steps, lambda s: s["kind"] == "return" and s.get("syscall") == SEND[mech] and
                s["tgid"] == sender, f"{SEND[mech]}() return")
    rcv = index(steps, lambda s: s["kind"] == "return" and s.get("syscall") == RECV[mech] and
                s["tgid"] == receiver and s["ret"] > 0, f"{RECV[mech]}() return with data")
    snd_enter = max(i for i in range(snd) if steps[i]["kind"] == "enter" and
                    steps[i]["tgid"] == sender and steps[i]["syscall"] == SEND[mech])
    # the kernel's order: the send enters, wakes the receiver, returns; the
    # receiver runs and its receive returns with the bytes. A receiver that
    # had not gone to sleep yet when the data came needs no wakeup: then it
    # does not sleep between the send and its receive's return
    wakes = [i for i, s in enumerate(steps) if s["kind"] == "wakeup" and
             s["peer"]["tgid"] == receiver]
    run = None
    if not wakes:
        slept = [i for i in range(snd_enter, rcv) if steps[i]["kind"] == "sleep" and
                 steps[i]["tgid"] == receiver]
        eq(slept, [], "no wakeup: the receiver never slept")
    else:
        # usually one; the network stack may wake it more than once (two
        # from the sender's socket: seen on 5.10 under qemu): all of them
        # after the send entered, before the receive returned
        eq(all(snd_enter < i < rcv for i in wakes), True,
           f"wakeups of the receiver ({wakes}: {[steps[i]['what'] for i in wakes]}) "
           f"between the send's enter ({snd_enter}) and the receive's return ({rcv})")
        wake = wakes[0]
        # through the network stack the wakeup may come from the NET_RX
        # softirq after the send returned (ksoftirqd)
        eq(snd_enter < wake and (wake < snd or mech in ("tcp", "udp")), True,
           f"{SEND[mech]}() enters ({snd_enter}), wakes the receiver ({wake}), returns ({snd})")
        # a wakeup finds the receiver asleep (then it runs before its
        # receive returns) or still on its CPU between deciding to wait and
        # switching out (the kernel sets it running again: no switch; seen
        # in CI for TCP on 6.18): then it does not sleep before the return
        runs = [i for i in range(wake, rcv) if steps[i]["kind"] == "run" and
                steps[i]["tgid"] == receiver]
        if runs:
            run = runs[0]
        else:
            slept = [i for i in range(wake, rcv) if steps[i]["kind"] in ("sleep", "preempted")
                     and steps[i]["tgid"] == receiver]
            eq(slept, [], f"woken ({wake}) without a run before it receives ({rcv}): "
               "it never left its CPU")
    # a queue's send returns 0; the others, the bytes
    eq(steps[snd]["ret"], 0 if mech in ("msgq", "posix-mq") else SIZE,
       f"{SEND[mech]}() returned")
    for i, copy in ((snd, "user_to_kernel"), (rcv, "kernel_to_user")):
        eq((steps[i]["bytes"], steps[i]["copy"]), (SIZE, copy), f"step {i + 1}'s copy")
    eq(steps[rcv]["ret"], SIZE, f"{RECV[mech]}() returned")
    eq(steps[snd]["object"].split(":")[0], steps[rcv]["object"].split(":")[0],
       "one kind of object")
    sent_key, recv_key = SENT_KEY.get(mech, ("bytes_sent", "bytes_received"))
    summ = d["summary"]
    eq((summ["copies_user_to_kernel"], summ["bytes_user_to_kernel"]),
       (1, wl["totals"][sent_key]), "copies in against the workload's bytes sent")
    eq((summ["copies_kernel_to_user"], summ["bytes_kernel_to_user"]),
       (1, wl["totals"][recv_key]), "copies out against the workload's bytes received")
    eq(summ["mode_switches"], 2 * summ["syscalls"], "two mode switches a syscall")
    # what the message shows of the document's claims
    shown = {c["metric"]: c["this_message"] for c in d["claims"]}
    if "copies_per_byte" in shown:
        eq(shown["copies_per_byte"], 2, "copies per byte, this message")
    # where the wakeup came from: the same CPU, or the other one
    same = placement == "--same-cpu"
    if run is not None:
        eq(steps[run]["woken_on_cpu"] == steps[run]["cpu"], same,
           f"{placement}: woken on CPU {steps[run]['woken_on_cpu']}, runs on "
           f"{steps[run]['cpu']}")
    eq(len(set(d["cpus"])) == 1, same, f"{placement}: the CPUs {d['cpus']}")
    return d, steps, sender, receiver


def test_pipe_steps_in_the_kernels_order():
    for p in placements():
        one_message("pipe", p)


def test_fifo_steps():
    for p in placements():
        one_message("fifo", p)


def test_queues_steps():
    for mech in ("msgq", "posix-mq"):
        for p in placements():
            one_message(mech, p)


def test_unix_socket_steps():
    for p in placements():
        one_message("unix", p)


def test_tcp_and_udp_go_through_the_loopback_device():
    for mech in ("tcp", "udp"):
        for p in placements():
            d, steps, sender, receiver = one_message(mech, p)
            queued = [i for i, s in enumerate(steps) if s["kind"] == "net" and
                      s["net"] == "dev_queue" and s["tgid"] == sender]
            received = [i for i, s in enumerate(steps) if s["kind"] == "net" and
                        s["net"] == "receive"]
            assert queued and received, f"{mech}: no packet seen: {[s['what'] for s in steps]}"
            eq(steps[queued[0]]["device"], "lo", "the loopback device")
            # the first packet carries the message and its headers
            eq(steps[queued[0]]["bytes"] > SIZE, True, f"{mech}: the packet's bytes")
            eq(queued[0] < received[0], True,
               f"{mech}: queued ({queued[0]}), then received ({received[0]})")
            wake = [i for i, s in enumerate(steps) if s["kind"] == "wakeup" and
                    s["peer"]["tgid"] == receiver]
            # the data's wakeup comes once it is received; the stack may
            # wake the receiver before too (5.10 under qemu: [16, 29], the
            # packet received at 28)
            eq(not wake or received[0] < wake[-1], True,
               f"{mech}: received ({received[0]}), then the wakeup ({wake})")
            # every packet queued, the sender's and any other target's (the
            # receiver's TCP ACK, when it is not delayed: seen on sid)
            eq(d["summary"]["packets"], sum(1 for s in steps if s["kind"] == "net" and
                                            s["net"] == "dev_queue"), "packets counted")


def test_shm_is_page_faults_and_no_copy():
    for p in placements():
        d = explain("shm", "--size", 8192, p)
        steps, wl, summ = d["steps"], d["workload"], d["summary"]
        eq((summ["copies_user_to_kernel"], summ["copies_kernel_to_user"]), (0, 0), "copies")
        roles = {q["role"]: q["pid"] for q in wl["processes"]}
        eq(wl["sync"], "sem", "the hand-off through a semaphore")
        # no IPC syscall but the semaphore's futex: a wait if the reader
        # had to sleep, and the writer's wake
        ipc = [(s["tgid"], s["op"]) for s in steps if s["kind"] == "return" and "op" in s]
        eq(set(ipc) <= {(roles["child"], "futex_wait"), (roles["parent"], "futex_wake")},
           True, f"IPC syscalls in the transfer: {ipc}")
        # a wait that returns 0 was woken: the writer's futex() entered and
        # woke the reader before (its own return may come after, on the
        # other CPU)
        woken = [i for i, s in enumerate(steps) if s["kind"] == "return" and
                 s.get("op") == "futex_wait" and s["tgid"] == roles["child"] and s["ret"] == 0]
        if woken:
            wake = [i for i, s in enumerate(steps) if s["kind"] == "wakeup" and
                    s["tgid"] == roles["parent"] and s["peer"]["tgid"] == roles["child"]]
            enter = [i for i, s in enumerate(steps) if s["kind"] == "enter" and
                     s["syscall"] == "futex" and s["tgid"] == roles["parent"]]
            eq(bool(wake and enter) and enter[0] < wake[0] < woken[0], True,
               f"the writer's futex() ({enter}) wakes the reader ({wake}) before its wait "
               f"returns ({woken})")
        eq({c["id"]: c["this_message"] for c in d["claims"]}["shm-copies"], 0,
           "shm's copies per byte, this message")
        if not kernel_has("find_vma"):
            raise Fallback("no bpf_find_vma: faults are not told apart by segment")
        seg = f"shm:{wl['segment']['id']}"
        faults = [s for s in steps if s["kind"] == "fault" and s["object"] == seg]
        # each page faults once in each process: the writer's first, then
        # the reader's
        by = [s["tgid"] for s in faults]
        eq(by, [roles["parent"]] * wl["pages"] + [roles["child"]] * wl["pages"],
           "the segment's faults, writer then reader")
        eq(summ["page_faults"] >= len(faults), True, "faults counted")


def test_signal_generated_delivered_and_returned():
    d = explain("signal")
    steps, wl = d["steps"], d["workload"]
    roles = {q["role"]: q["pid"] for q in wl["processes"]}
    parent, child = roles["parent"], roles["child"]
    eq([(p["sent"], p["received"]) for p in wl["processes"]], [(1, 1), (1, 1)],
       "the workload's own counts")

    def at(pred, what):
        return index(steps, pred, what)

    sig = [s for s in steps if s["kind"] == "signal" and s["signal_name"] == "SIGUSR1"]
    eq([(s["tgid"], s["event"]) for s in sig],
       [(parent, "queued"), (child, "delivered"), (child, "queued"), (parent, "delivered")],
       "SIGUSR1 generated and delivered, there and back")
    eq([s["target"] for s in sig if s["event"] == "queued"], [child, parent], "the targets")
    kill = at(lambda s: s["kind"] == "enter" and s["syscall"] == "kill" and
              s["tgid"] == parent, "the parent's kill()")
    gen = at(lambda s: s["kind"] == "signal" and s["tgid"] == parent and
             s["event"] == "queued", "generation for the child")
    dlv = at(lambda s: s["kind"] == "signal" and s["tgid"] == child and
             s["event"] == "delivered", "delivery to the child")
    ret = at(lambda s: s["kind"] == "enter" and s["syscall"] == "rt_sigreturn" and
             s["tgid"] == child, "the child's rt_sigreturn()")
    eq(kill < gen < dlv < ret, True,
       f"kill ({kill}) < generated ({gen}) < delivered ({dlv}) < rt_sigreturn ({ret})")
    # the child's SIGCHLD may come before the parent's end mark, or after
    every = [s for s in steps if s["kind"] == "signal"]
    others = [(s["tgid"], s["signal_name"], s["event"]) for s in every
              if s["signal_name"] != "SIGUSR1"]
    eq(others in ([], [(child, "SIGCHLD", "queued")],
                  [(child, "SIGCHLD", "queued"), (parent, "SIGCHLD", "delivered")]),
       True, f"signals other than SIGUSR1: {[s['what'] for s in every]}")
    summ = d["summary"]
    eq((summ["signals_generated"], summ["signals_delivered"]),
       (sum(s["event"] != "delivered" for s in every),
        sum(s["event"] == "delivered" for s in every)), "signals counted")
    eq(summ["bytes_user_to_kernel"] + summ["bytes_kernel_to_user"], 0, "no payload")
    eq({c["id"]: c["this_message"] for c in d["claims"]}["signal-no-data"], 0,
       "the bytes a signal carries")


def test_processes_not_the_workloads_are_not_in_the_story():
    out = tmp("bystander.json")
    by = spawn(workload("pipe", "--pattern", "pingpong", "--size", 1, "--count", 200000,
                        "--out", out))
    try:
        d = explain("pipe")
    finally:
        by.wait(timeout=120)
    eq(by.returncode, 0, "the bystander workload")
    others = {p["pid"] for p in read_json(out)["processes"]}
    # the bystander may take a CPU the story's processes leave (a peer of
    # a switch), but does nothing in the story
    own = {s["tgid"] for s in d["steps"]}
    woken = {s["peer"]["tgid"] for s in d["steps"] if s["kind"] == "wakeup"}
    eq((own | woken) & others, set(), "the bystander's processes in the story")
    eq(d["summary"]["copies_user_to_kernel"], 1, "one copy in, the bystander's none")


def test_text_is_a_lesson():
    proc = run_ipcscope(["explain", "pipe", "--size", "64"])
    eq(proc.returncode, 0, f"exit status ({proc.stderr.strip()})")
    out = proc.stdout
    for words in ("One 64-byte message through an anonymous pipe", "write() enters the kernel",
                  "64 bytes copied user -> kernel", "64 bytes copied kernel -> user",
                  "Copy 1 of 2", "Copy 2 of 2", "Summary", "copies        1 user -> kernel",
                  "The document says", "pipe-copies",
                  "copies_per_byte: the document = 2; this message 2",
                  "syscalls_1mb: the document = 2; this message 2"):
        assert words in out, f"'{words}' not in:\n{out}"
    # each explanation once: a lesson does not repeat itself
    lines = [l.strip() for l in out.splitlines() if l.startswith(" " * 39)]
    eq(len(lines), len(set(lines)), "no line of explanation twice")


def test_chinese_lesson():
    out = tmp("zh.json")
    proc = run_ipcscope(["explain", "pipe", "--size", SIZE, "--lang", "zh", "--json", out])
    eq(proc.returncode, 0, f"exit status ({proc.stderr.strip()})")
    text = proc.stdout
    assert text.startswith(f"一条 {SIZE} 字节的消息经由匿名管道"), text[:300]
    for words in ("write() 进入内核", f"{SIZE} 字节从用户态拷贝进内核", "小结", "文档的说法"):
        assert words in text, f"'{words}' not in:\n{text}"
    d = read_json(out)
    whys = " ".join(s["why"] for s in d["steps"])
    for words in ("两次拷贝中的第 1 次", "两次拷贝中的第 2 次", "try_to_wake_up"):
        assert words in whys, f"'{words}' not in the JSON's explanations"
    eq((d["lang"], d["title"]), ("zh", "匿名管道"), "the JSON's language")
    # the same story as in English: the same steps, their words in Chinese
    eq(all(any("\u4e00" <= c <= "\u9fff" for c in s["what"]) or s["kind"] in ("run",)
           for s in d["steps"] if s["kind"] not in ("enter",)), True,
       "every step said in Chinese")
    eq(d["summary"]["copies_user_to_kernel"], 1, "one copy in")


def test_svg_and_markdown_tell_the_same_story():
    paths = {k: tmp(f"tcp.{k}") for k in ("json", "svg", "md")}
    proc = run_ipcscope(["explain", "tcp", "--size", SIZE, "--json", paths["json"],
                         "--svg", paths["svg"], "--markdown", paths["md"]])
    eq(proc.returncode, 0, f"exit status ({proc.stderr.strip()})")
    eq(proc.stdout.startswith(f"One {SIZE}-byte message through TCP"), True, "the text too")
    d = read_json(paths["json"])
    want = [(s["n"], s["kind"], s["t_ns"], s["pid"], s["cpu"]) for s in d["steps"]]
    ns = {"svg": "http://www.w3.org/2000/svg"}
    root = ET.parse(paths["svg"]).getroot()
    got = [(int(g.get("data-n")), g.get("data-kind"), int(g.get("data-t-ns")),
            int(g.get("data-pid")), int(g.get("data-cpu")))
           for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "step"]
    eq(got, want, "the picture's steps against the JSON's")
    # each copy is an arrow labelled with its bytes
    labels = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    eq(labels.count(f"{SIZE} B"), 2, f"copy arrows ({labels})")
    eq(len(root.findall(".//svg:rect[@class='kernel']", ns)) >= 2, True, "time in syscalls")
    with open(paths["md"]) as f:
        md = f.read()
    assert md.startswith(f"# One {SIZE}-byte message through TCP over loopback"), md[:200]
    assert "<svg" in md and "</svg>" in md, "the picture inline"
    rows = [l for l in md.splitlines() if l.startswith("| ") and l[2:3].isdigit()]
    eq(len(rows), len(want), "a table row per step")
    assert "## Summary" in md and "- copies: 1 user -\\> kernel" in md, md[-1500:]
    whys = [l.rsplit("|", 2)[1].strip() for l in rows]
    told = [w for w in whys if w]
    eq(len(told), len(set(told)), "each explanation once in the table")


def test_json_matches_its_documented_schema():
    top, rows = documented_schema("# `ipcscope explain --json` schema", ("summary", "lost"))
    objs = {k: rows.pop(k) for k in ("summary", "lost")}
    d = explain("tcp", "--size", 100)
    eq(sorted(d), sorted(top), "top-level keys against docs/json-schema.md")
    for name, fields in objs.items():
        eq(sorted(d[name]), sorted(fields), f"{name}'s keys")
    optional = {k for k in rows["steps"] if k not in ("n", "t_ns", "kind", "cpu", "tgid", "pid",
                                                      "comm", "what", "why")}
    for s in d["steps"]:
        assert rows["steps"] - optional <= set(s) <= rows["steps"], \
            f"step keys {sorted(s)} against {sorted(rows['steps'])}"
    for c in d["claims"]:
        eq(sorted(c), sorted(rows["claims"]), "a claim's keys")


def test_help_and_the_manual():
    proc = run_ipcscope(["explain", "--help"])
    eq(proc.returncode, 0, "explain --help exit status")
    for words in ("pipe", "fifo", "msgq", "posix-mq", "shm", "signal", "unix", "tcp", "udp",
                  "--size", "--same-cpu", "--cross-cpu", "--json", "--markdown", "--svg", "--lang",
                  "ipcscope:transfer_start"):
        assert words in proc.stdout, f"explain --help does not say {words}"
    assert "explain" in run_ipcscope(["--help"]).stdout, "ipcscope --help lists explain"
    with open(os.path.join(os.path.dirname(__file__), "..", "..", "docs", "ipcscope.8")) as f:
        man = f.read()
    for words in (".B explain", ".SS explain", "\\-\\-same\\-cpu"):
        assert words in man, f"the manual lacks {words}"


def test_bad_command_lines():
    one_error_line(run_ipcscope(["explain"]), 2, "which mechanism")
    one_error_line(run_ipcscope(["explain", "carrier-pigeon"]), 2, "unknown mechanism")
    one_error_line(run_ipcscope(["explain", "signal", "--size", "10"]), 2, "no payload")
    one_error_line(run_ipcscope(["explain", "msgq", "--size", "9000"]), 2, "--size")
    one_error_line(run_ipcscope(["explain", "pipe", "--size", "0"]), 2, "--size")
    one_error_line(run_ipcscope(["explain", "pipe", "--same-cpu", "--cross-cpu"]), 2,
                   "exclude each other")
    one_error_line(run_ipcscope(["explain", "pipe", "tcp"]), 2, "unexpected argument")
    one_error_line(run_ipcscope(["explain", "pipe", "--json", "-", "--svg", "-"]), 2,
                   "only one of")
    one_error_line(run_ipcscope(["explain", "pipe", "--lang", "fr"]), 2, "--lang")


def test_a_failed_run_keeps_the_earlier_json():
    out = tmp("explain.json")
    with open(out, "w") as f:
        f.write('{"earlier": true}\n')
    svg = tmp("explain.svg")
    with open(svg, "w") as f:
        f.write("<svg/>\n")
    proc = run_ipcscope(["explain", "pipe", "--json", out, "--svg", svg],
                        env=dict(os.environ, IPCSCOPE_WORKLOADS="/nonexistent"))
    one_error_line(proc, 1, "cannot find the workload pipe")
    eq(read_json(out), {"earlier": True}, "the earlier file")
    with open(svg) as f:
        eq(f.read(), "<svg/>\n", "the earlier picture")
    leftovers = [n for n in os.listdir(os.path.dirname(out))
                 if n not in ("explain.json", "explain.svg")]
    eq(leftovers, [], "temporary files left")
