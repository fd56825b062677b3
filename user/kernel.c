// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * kernel.c - what this kernel offers, asked before anything is loaded:
 * tracefs and its events, BTF, and the features that decide which
 * programs to load (probes of a few instructions, or the version).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "preempt_probe.skel.h"
#include "session.h"
#include "session_int.h"
#include "util.h"

/* libbpf (1.1) uses debugfs's tracing directory when it exists, else tracefs. */
static const char *tracing_root(void)
{
	if (access("/sys/kernel/debug/tracing", F_OK) == 0)
		return "/sys/kernel/debug/tracing";
	return "/sys/kernel/tracing";
}

int ensure_tracefs(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/events", tracing_root());
	if (access(path, F_OK) == 0)
		return 0;
	if (mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL)) {
		int err = errno;

		errorf("tracefs is not mounted and mounting it failed: %s; "
		       "mount it with: mount -t tracefs tracefs /sys/kernel/tracing",
		       strerror(err));
		return -err;
	}
	debugf("mounted tracefs at /sys/kernel/tracing\n");
	return 0;
}

/*
 * The kernel's tracepoints, "category:name" per line, read once from
 * tracefs's available_events (globbing events/ for each probe cost more
 * start-up than all the BPF verification together).
 */
static char *available_events(void)
{
	static char *text;
	static bool tried;
	char path[128];
	size_t len = 0, cap = 0;
	FILE *f;

	if (tried)
		return text;
	snprintf(path, sizeof(path), "%s/available_events", tracing_root());
	f = fopen(path, "r");
	if (!f)
		return NULL;	/* asked again: tracefs may be mounted later */
	tried = true;
	for (;;) {
		size_t n;

		if (cap - len < 4096) {
			char *t = realloc(text, cap + 65536);

			if (!t) {
				free(text);
				text = NULL;
				break;
			}
			text = t;
			cap += 65536;
		}
		n = fread(text + len, 1, cap - len - 1, f);
		len += n;
		text[len] = '\0';
		if (n == 0)
			break;
	}
	fclose(f);
	return text;
}

/* One line of available_events, "category:name", split (not copied) */
struct event {
	const char *cat, *name;
	size_t clen, nlen;
};

static int event_cmp_name(const struct event *e, const char *name, size_t nlen)
{
	int c = memcmp(e->name, name, e->nlen < nlen ? e->nlen : nlen);

	return c ? c : (e->nlen > nlen) - (e->nlen < nlen);
}

static int event_cmp(const void *a, const void *b)
{
	const struct event *y = b;

	return event_cmp_name(a, y->name, y->nlen);
}

/*
 * available_events's lines, sorted by name, made once: a start-up asks
 * for about 60 events (the IPC syscalls' own tracepoints, each probe's),
 * and a scan of the 60 KB text for each was about 0.5 ms of it (the
 * kernel's writing of the text, 0.8-1.2 ms, stays). NULL when the text
 * could not be read (*n 0).
 */
static const struct event *events_index(size_t *n)
{
	static struct event *ev;
	static size_t nev;
	const char *text, *line, *end;
	size_t cap = 0;

	*n = nev;
	if (ev)
		return ev;
	text = available_events();
	if (!text)
		return NULL;
	for (line = text; *line; line = *end ? end + 1 : end) {
		const char *colon = strchr(line, ':');

		end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		if (!colon || colon > end)
			continue;
		if (nev == cap) {
			struct event *t = realloc(ev, (cap = cap ? 2 * cap : 1024) * sizeof(*ev));

			if (!t) {
				free(ev);
				ev = NULL;
				nev = 0;
				return NULL;
			}
			ev = t;
		}
		ev[nev++] = (struct event){ line, colon + 1, (size_t)(colon - line),
					    (size_t)(end - colon - 1) };
	}
	if (!ev)	/* no line at all: an empty index, not a missing one */
		ev = calloc(1, sizeof(*ev));
	if (ev)
		qsort(ev, nev, sizeof(*ev), event_cmp);
	*n = nev;
	return ev;
}

/* Is "category:name" (category NULL: any) a line of available_events? */
static bool event_listed(const struct event *ev, size_t n, const char *category,
			 const char *name)
{
	size_t nlen = strlen(name), clen = category ? strlen(category) : 0;
	size_t lo = 0, hi = n;

	while (lo < hi) {	/* the first at or after name */
		size_t mid = lo + (hi - lo) / 2;

		if (event_cmp_name(&ev[mid], name, nlen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && !event_cmp_name(&ev[lo], name, nlen); lo++)
		if (!category || (ev[lo].clen == clen && !memcmp(ev[lo].cat, category, clen)))
			return true;
	return false;
}

bool kernel_has_event(const char *category, const char *name)
{
	size_t n;
	const struct event *ev = events_index(&n);

	return ev && event_listed(ev, n, category, name);
}

const char (*kernel_ipc_tracepoints(size_t *n))[2][40]
{
	static char tps[MAX_SYS_TPS][2][40];
	static size_t found_all;	/* their count, once all were found */
	unsigned nrs[MAX_SYS_TPS];
	size_t count = ipc_syscall_numbers(nrs, MAX_SYS_TPS);

	*n = found_all;
	if (found_all)
		return (const char (*)[2][40])tps;
	if (count > MAX_SYS_TPS) {
		debugf("more IPC syscalls than MAX_SYS_TPS\n");
		return NULL;
	}
	for (size_t i = 0; i < count; i++) {
		static const char *const suffix[] = { "", "64" };
		char tmp[24];
		const char *name = syscall_name(nrs[i], tmp, sizeof(tmp));
		bool found = false;

		for (size_t k = 0; k < ARRAY_SIZE(suffix) && !found; k++) {
			snprintf(tps[i][0], sizeof(tps[i][0]), "sys_enter_%s%s", name, suffix[k]);
			snprintf(tps[i][1], sizeof(tps[i][1]), "sys_exit_%s%s", name, suffix[k]);
			found = kernel_has_event("syscalls", tps[i][0]) &&
				kernel_has_event("syscalls", tps[i][1]);
		}
		if (!found) {
			debugf("no tracepoint syscalls:sys_enter_%s: the syscall programs "
			       "run on every syscall\n", name);
			return NULL;	/* asked again: tracefs may be mounted later */
		}
	}
	*n = found_all = count;
	return (const char (*)[2][40])tps;
}

int kernel_open_tracepoint(const char *category, const char *name)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_TRACEPOINT,
		.size = sizeof(attr),
		.sample_period = 1,
		.wakeup_events = 1,
	};
	char path[256], buf[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/events/%s/%s/id", tracing_root(), category, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -EINVAL;
	buf[n] = '\0';
	attr.config = strtoull(buf, NULL, 10);
	/* as libbpf does: every process, counted on CPU 0 (a tracepoint's
	   BPF program runs on every CPU whatever the event's CPU) */
	fd = syscall(__NR_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/*
 * Does the kernel have this probe's hook? If not, say why in reason. Both
 * kinds are looked up among tracefs's events: a BTF tracepoint
 * (tp_btf/NAME) is the same tracepoint, in whatever category, and the
 * kernel has BTF (checked first), so it has its btf_trace_NAME. Parsing the
 * kernel's BTF here would double what libbpf does at load.
 */
bool kernel_has_hook(const char *sec, char *reason, size_t len)
{
	size_t nev;
	const struct event *events = events_index(&nev);
	char category[64], name[64];
	const char *slash;

	/* a copy: sec and reason may be fields of one struct probe_info */
	snprintf(name, sizeof(name), "%s", sec);
	sec = name;

	if (strncmp(sec, "tp/", 3) == 0) {
		slash = strchr(sec + 3, '/');
		if (!slash || (size_t)(slash - sec - 3) >= sizeof(category))
			return true;	/* not ours to judge: libbpf will say */
		snprintf(category, sizeof(category), "%.*s", (int)(slash - sec - 3), sec + 3);
		if (!events || event_listed(events, nev, category, slash + 1))
			return true;
		snprintf(reason, len, "tracepoint %s not in this kernel", sec + 3);
		return false;
	}
	if (strncmp(sec, "tp_btf/", 7) == 0) {
		if (!events || event_listed(events, nev, NULL, sec + 7))
			return true;
		snprintf(reason, len, "BTF tracepoint %s not in this kernel", sec + 7);
		return false;
	}
	return true;
}

/* IPCSCOPE_DISABLE_PROBES=a,b: treat these probes as missing (tests fallbacks) */
bool probe_disabled_by_env(const char *prog_name)
{
	const char *list = getenv("IPCSCOPE_DISABLE_PROBES");
	size_t len = strlen(prog_name);

	for (const char *p = list; p && *p; p += strcspn(p, ","), p += *p == ',') {
		if (strncmp(p, prog_name, len) == 0 && (p[len] == ',' || !p[len]))
			return true;
	}
	return false;
}


static bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

/*
 * Does the verifier take an atomic add that returns the old value (BPF
 * ISA v3, Linux 5.12+)? A six-instruction socket filter says.
 */
static bool probe_fetch_atomics(void)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_1, .imm = 0 },
		{ .code = BPF_STX | BPF_MEM | BPF_DW, .dst_reg = BPF_REG_10,
		  .src_reg = BPF_REG_1, .off = -8 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_1, .imm = 1 },
		{ .code = BPF_STX | BPF_ATOMIC | BPF_DW, .dst_reg = BPF_REG_10,
		  .src_reg = BPF_REG_1, .off = -8, .imm = BPF_ADD | BPF_FETCH },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, NULL, "GPL", insns,
			       ARRAY_SIZE(insns), NULL);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/*
 * Can kprobe.multi links be made (CONFIG_FPROBE; Linux 5.18+)? A trivial
 * kprobe.multi program asks for one with no function: a kernel that has
 * them refuses the empty list (EINVAL), one without says EOPNOTSUPP, and
 * nothing is attached either way.
 */
static bool probe_kprobe_multi(void)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, popts,
		    .expected_attach_type = BPF_TRACE_KPROBE_MULTI);
	const char *none[] = { "" };
	LIBBPF_OPTS(bpf_link_create_opts, lopts, .kprobe_multi.syms = none,
		    .kprobe_multi.cnt = 0);
	int fd = bpf_prog_load(BPF_PROG_TYPE_KPROBE, NULL, "GPL", insns,
			       ARRAY_SIZE(insns), &popts);
	int link, err;

	if (fd < 0)
		return false;
	link = bpf_link_create(fd, 0, BPF_TRACE_KPROBE_MULTI, &lopts);
	err = link < 0 ? errno : 0;
	if (link >= 0)
		close(link);
	close(fd);
	debugf("kprobe.multi probe: %s\n", err ? strerror(err) : "attached");
	return err == EINVAL;
}

static void *destroy_probe(void *p)
{
	preempt_probe_bpf__destroy(p);
	return NULL;
}

/*
 * Does a tp_btf/sys_enter program run preemptible here? One program of its
 * own object, attached for one syscall of ours: it reads whether its task
 * has migration disabled, which the kernel does instead of disabling
 * preemption where the program may be preempted (Linux 7.x). On an error,
 * false: what was the rule before.
 */
static bool probe_preemptible_tp_btf(void)
{
	struct preempt_probe_bpf *p = preempt_probe_bpf__open();
	bool yes = false;

	if (!p)
		return false;
	p->rodata->probe_tgid = getpid();
	if (!preempt_probe_bpf__load(p) && !preempt_probe_bpf__attach(p)) {
		/* a syscall of ours, after which the program has run */
		(void)syscall(SYS_getppid);
		yes = p->bss->seen && p->bss->migration_disabled;
		debugf("preempt probe: ran %u, migration disabled %u\n",
		       p->bss->seen, p->bss->migration_disabled);
	}
	/* detaching waits for RCU grace periods (tens of ms): not at start-up;
	   a thread does it, or process exit does */
	{
		pthread_t t;
		pthread_attr_t attr;

		if (pthread_attr_init(&attr) == 0 &&
		    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) == 0 &&
		    pthread_create(&t, &attr, destroy_probe, p) == 0) {
			pthread_attr_destroy(&attr);
			return yes;
		}
		pthread_attr_destroy(&attr);
	}
	preempt_probe_bpf__destroy(p);
	return yes;
}

void session_features(struct kernel_features *f)
{
	static struct kernel_features known;
	static bool probed;

	if (!probed) {
		known.btf = access("/sys/kernel/btf/vmlinux", R_OK) == 0;
		/* libbpf probes no tracing program type: a tracepoint's
		   answer stands for all (the helpers are the same) */
		known.task_btf = libbpf_probe_bpf_helper(BPF_PROG_TYPE_TRACEPOINT,
				BPF_FUNC_get_current_task_btf, NULL) == 1;
		known.atomics = probe_fetch_atomics();
		known.find_vma = libbpf_probe_bpf_helper(BPF_PROG_TYPE_TRACEPOINT,
				BPF_FUNC_find_vma, NULL) == 1;
		known.task_pt_regs = libbpf_probe_bpf_helper(BPF_PROG_TYPE_TRACEPOINT,
				BPF_FUNC_task_pt_regs, NULL) == 1;
		{
			size_t n;

			known.ipc_syscall_tps = kernel_ipc_tracepoints(&n) != NULL;
		}
		/*
		 * Syscall tracepoints may fault from 6.13, but BPF programs on
		 * them ran with preemption disabled until 7.0 (read from
		 * Debian's 6.12 and 7.2 kernels, and seen on our 6.18): the
		 * probe, which costs about 50 ms of start-up (libbpf parses the
		 * kernel's BTF once more for its object), runs from 7.0 on
		 */
		{
			uint64_t t0 = monotonic_ns();

			known.preemptible_tp_btf = known.task_btf &&
						   kernel_at_least(7, 0) &&
						   probe_preemptible_tp_btf();
			debugf("kernel features probed in %.1f ms\n",
			       (monotonic_ns() - t0) / 1e6);
		}
		known.kprobe_multi = kernel_at_least(5, 18) && probe_kprobe_multi();
		/* by version: from 6.14 fprobe runs on the function graph
		   tracer, and a return probe's state lives on the task's own
		   shadow stack. Before, a return probe takes a node of a pool
		   made at attach (2 per CPU and function): in Debian's 6.12,
		   12 nodes for 3 functions on 2 CPUs, and with 200 threads
		   blocked in read() every other call's return went unseen */
		known.fprobe_no_pool = known.kprobe_multi && kernel_at_least(6, 14);
		/* a matter of safety, not of acceptance: by version */
		known.no_prealloc = kernel_at_least(6, 1);
		/* by version too: asking the kernel's BTF would cost a parse
		   of it (about 12 ms) before libbpf's own. Every kernel from
		   6.2 has it (the matrix's 6.12 and 7.2 let our programs call
		   it); an older one with it backported goes without
		   (objects.bpf.h) */
		known.rdonly_cast = known.task_btf && kernel_at_least(6, 2);
		probed = true;
	}
	*f = known;
}

int kernel_check_btf(void)
{
	if (access("/sys/kernel/btf/vmlinux", R_OK) == 0)
		return 0;
	errorf("this kernel exposes no BTF (/sys/kernel/btf/vmlinux is missing): "
	       "ipcscope needs a kernel built with CONFIG_DEBUG_INFO_BTF=y");
	return -ENOENT;
}

