// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * session.c - load and attach the BPF programs, follow targets, read maps.
 *
 * Probes are attached one by one: a tracepoint this kernel lacks (checked in
 * tracefs, or in BTF for tp_btf) is switched off before load and reported,
 * and the rest keeps working.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "ipcscope.skel.h"
#include "preempt_probe.skel.h"
#include "events.h"
#include "session.h"
#include "util.h"
#include "verifier.h"

#define MAX_PROBES 64
/* Each program's verifier log at BPF_LOG_STATS: a few lines, and the
 * refusal when there is one (a full trace is asked for only with -v) */
#define PROG_LOG_SIZE (64 * 1024)

struct session {
	struct ipcscope_bpf *skel;
	struct bpf_link *links[MAX_PROBES];
	struct probe_info probes[MAX_PROBES];
	size_t nprobes;
	int ncpus;
	struct ring_buffer *events;	/* trace only */
	session_event_fn on_event;
	void *event_ctx;
	char *logs[MAX_PROBES];		/* by program, as probes[] */
	uint64_t skipped_base;		/* skipped_runs() at the last reset */
	struct prog_check checks[MAX_PROBES];
	size_t nchecks;
};

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

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (!verbose && level != LIBBPF_WARN)
		return 0;
	if (!verbose)
		return 0;	/* warnings too: callers say what failed, in one line */
	return vfprintf(stderr, fmt, ap);
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
	tried = true;
	snprintf(path, sizeof(path), "%s/available_events", tracing_root());
	f = fopen(path, "r");
	if (!f)
		return NULL;
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

/* Is "category:name" (category NULL: any) a line of available_events? */
static bool event_listed(const char *events, const char *category, const char *name)
{
	size_t nlen = strlen(name), clen = category ? strlen(category) : 0;

	for (const char *line = events; line && *line; line = strchr(line, '\n'),
	     line = line ? line + 1 : NULL) {
		const char *colon = strchr(line, ':'), *end = strchr(line, '\n');

		if (!end)
			end = line + strlen(line);
		if (!colon || colon > end)
			continue;
		if (category && ((size_t)(colon - line) != clen || strncmp(line, category, clen)))
			continue;
		if ((size_t)(end - colon - 1) == nlen && !strncmp(colon + 1, name, nlen))
			return true;
	}
	return false;
}

/*
 * Does the kernel have this probe's hook? If not, say why in reason. Both
 * kinds are looked up among tracefs's events: a BTF tracepoint
 * (tp_btf/NAME) is the same tracepoint, in whatever category, and the
 * kernel has BTF (checked first), so it has its btf_trace_NAME. Parsing the
 * kernel's BTF here would double what libbpf does at load.
 */
static bool hook_exists(const char *sec, char *reason, size_t len)
{
	const char *events = available_events();
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
		if (!events || event_listed(events, category, slash + 1))
			return true;
		snprintf(reason, len, "tracepoint %s not in this kernel", sec + 3);
		return false;
	}
	if (strncmp(sec, "tp_btf/", 7) == 0) {
		if (!events || event_listed(events, NULL, sec + 7))
			return true;
		snprintf(reason, len, "BTF tracepoint %s not in this kernel", sec + 7);
		return false;
	}
	return true;
}

/* IPCSCOPE_DISABLE_PROBES=a,b: treat these probes as missing (tests fallbacks) */
static bool disabled_by_env(const char *prog_name)
{
	const char *list = getenv("IPCSCOPE_DISABLE_PROBES");
	size_t len = strlen(prog_name);

	for (const char *p = list; p && *p; p += strcspn(p, ","), p += *p == ',') {
		if (strncmp(p, prog_name, len) == 0 && (p[len] == ',' || !p[len]))
			return true;
	}
	return false;
}


/*
 * The syscalls ipc_sys_enter hands to a mechanism, by this architecture's
 * numbers (the BPF object has none of its own). A syscall this
 * architecture lacks is simply absent.
 */
static const struct {
	long nr;
	enum ipc_sys handler;
} sys_table[] = {
	{ SYS_write, IPC_SYS_WRITE },
	{ SYS_writev, IPC_SYS_WRITEV },
	{ SYS_read, IPC_SYS_READ },
	{ SYS_readv, IPC_SYS_READV },
	{ SYS_sendfile, IPC_SYS_SENDFILE },
	{ SYS_splice, IPC_SYS_SPLICE },
	{ SYS_vmsplice, IPC_SYS_VMSPLICE },
	{ SYS_sendto, IPC_SYS_SENDTO },
	{ SYS_sendmsg, IPC_SYS_SENDMSG },
	{ SYS_recvfrom, IPC_SYS_RECVFROM },
	{ SYS_recvmsg, IPC_SYS_RECVMSG },
#ifdef SYS_msgget	/* the SysV calls: on i386, one ipc() before 5.1 */
	{ SYS_msgget, IPC_SYS_MSGGET },
	{ SYS_semget, IPC_SYS_SEMGET },
	{ SYS_shmget, IPC_SYS_SHMGET },
	{ SYS_msgsnd, IPC_SYS_MSGSND },
	{ SYS_msgrcv, IPC_SYS_MSGRCV },
	{ SYS_semop, IPC_SYS_SEMOP },
	{ SYS_semtimedop, IPC_SYS_SEMOP },
	{ SYS_shmat, IPC_SYS_SHMAT },
	{ SYS_shmdt, IPC_SYS_SHMDT },
#endif
	{ SYS_mq_timedsend, IPC_SYS_MQ_TIMEDSEND },
	{ SYS_mq_timedreceive, IPC_SYS_MQ_TIMEDRECEIVE },
	{ SYS_futex, IPC_SYS_FUTEX },
};

static void fill_sys_handlers(volatile __u8 *handler)
{
	for (size_t i = 0; i < sizeof(sys_table) / sizeof(sys_table[0]); i++) {
		if (sys_table[i].nr >= 0 && sys_table[i].nr < IPC_NR_SYSCALLS)
			handler[sys_table[i].nr] = sys_table[i].handler;
	}
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
		/* a matter of safety, not of acceptance: by version */
		known.no_prealloc = kernel_at_least(6, 1);
		probed = true;
	}
	*f = known;
}

/* The probe_info of a program (same order as the object's programs). */
static struct probe_info *probe_of(struct session *s, const struct bpf_program *p)
{
	struct bpf_program *prog;
	size_t i = 0;

	bpf_object__for_each_program(prog, s->skel->obj) {
		if (prog == p)
			return i < s->nprobes ? &s->probes[i] : NULL;
		i++;
	}
	return NULL;
}

/* Switch a program off, standing by (not needed here), saying why. */
static void stand_by(struct session *s, struct bpf_program *prog, const char *why)
{
	struct probe_info *pi = probe_of(s, prog);

	if (!bpf_program__autoload(prog))
		return;		/* off already (its hook is missing: said) */
	bpf_program__set_autoload(prog, false);
	if (pi) {
		pi->standby = true;
		snprintf(pi->reason, sizeof(pi->reason), "%s", why);
	}
}

/*
 * Per-segment page faults need bpf_find_vma (5.17+); without it the plain
 * tracepoint counts faults per process. Exactly one of the two is loaded.
 */
static void pick_fault_probe(struct session *s)
{
	struct bpf_program *vma = s->skel->progs.ipc_fault_vma;
	struct bpf_program *count = s->skel->progs.ipc_fault_count;
	struct probe_info *vma_pi = probe_of(s, vma), *count_pi = probe_of(s, count);
	struct kernel_features kf;
	struct bpf_program *prog;

	if (!vma_pi || !count_pi)
		return;
	session_features(&kf);
	if (bpf_program__autoload(vma) && !kf.find_vma) {
		bpf_program__set_autoload(vma, false);
		snprintf(vma_pi->reason, sizeof(vma_pi->reason),
			 "kernel lacks bpf_find_vma (Linux 5.17+): page faults "
			 "counted per process, not per segment");
	}
	if (bpf_program__autoload(vma)) {
		bpf_program__set_autoload(count, false);
		count_pi->standby = true;
		snprintf(count_pi->reason, sizeof(count_pi->reason),
			 "fallback for %s, not needed", vma_pi->name);
		return;
	}
	/* where shared mappings are matters only to the per-segment probe */
	bpf_object__for_each_program(prog, s->skel->obj) {
		char why[128];

		if (strncmp(bpf_program__name(prog), "ipc_range_", 10))
			continue;
		snprintf(why, sizeof(why), "only needed with %s", vma_pi->name);
		stand_by(s, prog, why);
	}
}

/*
 * The syscall programs come in two pairs with one body (core.bpf.c): on
 * the BTF raw tracepoints sys_enter and sys_exit (cheaper to pass), or on
 * the classic tracepoints raw_syscalls:sys_enter and sys_exit, where the
 * BTF ones run preemptible and the kernel would skip their runs for every
 * task on a CPU where one was preempted inside them (Linux 7.x; probed:
 * session_features). IPCSCOPE_SYSCALL_HOOK=raw_syscalls or tp_btf picks
 * one (tests of both on every kernel). Returns true for raw_syscalls.
 */
static bool pick_syscall_hook(struct session *s, bool load_only)
{
	const char *env = getenv("IPCSCOPE_SYSCALL_HOOK");
	struct ipcscope_bpf *k = s->skel;
	struct kernel_features kf;
	bool classic;

	session_features(&kf);
	if (env && !strcmp(env, "raw_syscalls"))
		classic = true;
	else if (env && !strcmp(env, "tp_btf"))
		classic = false;
	else
		classic = kf.preemptible_tp_btf;
	if (load_only)
		return classic;	/* check verifies both */
	if (classic) {
		const char *why = env ? "IPCSCOPE_SYSCALL_HOOK=raw_syscalls" :
			"BTF tracepoint programs on syscalls run preemptible here, and "
			"the kernel would skip runs: tp/raw_syscalls is used instead";

		stand_by(s, k->progs.ipc_sys_enter, why);
		stand_by(s, k->progs.ipc_sys_exit, why);
		stand_by(s, k->progs.ipc_sys_exit_chan, why);
	} else {
		const char *why = "fallback for kernels whose BTF tracepoint programs "
				  "on syscalls run preemptible (7.x), not needed";

		stand_by(s, k->progs.ipc_sys_enter_tp, why);
		stand_by(s, k->progs.ipc_sys_exit_tp, why);
		stand_by(s, k->progs.ipc_sys_exit_chan_tp, why);
	}
	return classic;
}

/*
 * Time in channel (--time-in-channel) is a second program on sys_exit
 * (of each pair: ipc_sys_exit_chan, ipc_sys_exit_chan_tp), with the first
 * one's work and the timing. It needs BPF atomics that return a value
 * (Linux 5.12+), which older kernels refuse wherever they appear, and it
 * adds about 0.2 s of verification: exactly one of the two is loaded. The
 * classic tracepoint's also needs bpf_task_pt_regs (5.15) for the
 * arguments. IPCSCOPE_DISABLE_PROBES=time_in_channel turns it off as on an
 * older kernel (tests of that fallback).
 */
static void setup_chan_pair(struct session *s, const struct session_config *cfg,
			    struct bpf_program *plain, struct bpf_program *chan,
			    bool needs_task_pt_regs, bool in_use)
{
	struct probe_info *pi = probe_of(s, chan);
	struct kernel_features kf;
	bool on = true;

	if (!pi)
		return;
	session_features(&kf);
	snprintf(pi->name, sizeof(pi->name), "%s: time in channel",
		 bpf_program__section_name(chan));
	if (!bpf_program__autoload(chan)) {
		on = false;	/* the hook is missing, or the other pair is used: said */
	} else if (!cfg->time_in_channel && !cfg->load_only) {
		on = false;
		pi->standby = true;
		snprintf(pi->reason, sizeof(pi->reason),
			 "off (record --time-in-channel turns it on)");
	} else if (disabled_by_env("time_in_channel")) {
		on = false;
		snprintf(pi->reason, sizeof(pi->reason),
			 "disabled by IPCSCOPE_DISABLE_PROBES");
	} else if (!kf.atomics) {
		on = false;
		snprintf(pi->reason, sizeof(pi->reason),
			 "needs BPF atomics that return a value (Linux 5.12+)");
	} else if (needs_task_pt_regs && !(kf.task_pt_regs && kf.task_btf)) {
		on = false;
		snprintf(pi->reason, sizeof(pi->reason),
			 "needs bpf_task_pt_regs (Linux 5.15+) on tp/raw_syscalls");
	}
	/* check loads both, to see both verified */
	if (on && !cfg->load_only)
		stand_by(s, plain, "its work is done by the time-in-channel program");
	if (!on) {
		bpf_program__set_autoload(chan, false);
		/* the pair not used: standing by whatever it would have needed */
		if (!in_use && !cfg->load_only)
			pi->standby = true;
	}
}

static void setup_chan(struct session *s, const struct session_config *cfg,
		       bool classic)
{
	struct ipcscope_bpf *k = s->skel;

	setup_chan_pair(s, cfg, k->progs.ipc_sys_exit, k->progs.ipc_sys_exit_chan,
			false, !classic);
	setup_chan_pair(s, cfg, k->progs.ipc_sys_exit_tp, k->progs.ipc_sys_exit_chan_tp,
			true, classic);
	if (!bpf_program__autoload(k->progs.ipc_sys_exit_chan) &&
	    !bpf_program__autoload(k->progs.ipc_sys_exit_chan_tp)) {
		/* unused: one entry each instead of megabytes preallocated */
		bpf_map__set_max_entries(k->maps.chan_streams, 1);
		bpf_map__set_max_entries(k->maps.chan_fifos, 1);
		bpf_map__set_max_entries(k->maps.chan_time, 1);
	}
}

/*
 * Hash maps are preallocated by default: every entry's memory is allocated
 * and cleared when the map is made, which took 10-15 ms of start-up here
 * (the inflight and endpoints maps alone are 30 MB). From Linux 6.1 on, BPF
 * has an allocator that is safe in any context, tracepoints that run under
 * the runqueue lock included (bpf_mem_alloc), and a map made with
 * BPF_F_NO_PREALLOC allocates an entry when it is first added (a thread's,
 * at its first syscall; an endpoint's, when it is first flushed). Before
 * 6.1 that was unsafe in tracing programs: there, and with
 * IPCSCOPE_OLD_KERNEL_PATHS (the tests of that path), maps are
 * preallocated. A full map is a drop either way.
 */
static void setup_map_alloc(struct session *s, bool old_paths)
{
	struct kernel_features kf;
	struct bpf_map *map;

	session_features(&kf);
	if (old_paths || !kf.no_prealloc)
		return;
	bpf_object__for_each_map(map, s->skel->obj)
		if (bpf_map__type(map) == BPF_MAP_TYPE_HASH)
			bpf_map__set_map_flags(map, bpf_map__map_flags(map) |
						    BPF_F_NO_PREALLOC);
}

static int check_btf(void)
{
	if (access("/sys/kernel/btf/vmlinux", R_OK) == 0)
		return 0;
	errorf("this kernel exposes no BTF (/sys/kernel/btf/vmlinux is missing): "
	       "ipcscope needs a kernel built with CONFIG_DEBUG_INFO_BTF=y");
	return -ENOENT;
}

static int ring_event(void *ctx, void *data, size_t size)
{
	struct session *s = ctx;

	if (size < sizeof(struct ipc_event))
		return 0;	/* not ours to judge: an older layout; skip it */
	return s->on_event(s->event_ctx, data);
}

/*
 * trace: the settings and the ring buffer's size, before load. Not
 * tracing, the buffer shrinks to one page: it exists, but nothing uses it.
 */
static int setup_trace(struct session *s, const struct session_config *cfg)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t bytes = (size_t)cfg->buffer_kb * 1024;
	int err;

	if (!cfg->on_event) {
		bytes = page;
	} else if (bytes < (size_t)page || bytes % page) {
		errorf("--buffer-kb %u is smaller than a page here (%ld KiB)",
		       cfg->buffer_kb, page / 1024);
		return -EINVAL;
	}
	err = bpf_map__set_max_entries(s->skel->maps.events, bytes);
	if (err) {
		errorf("cannot size the ring buffer to %zu KiB: %s", bytes / 1024,
		       strerror(-err));
		return err;
	}
	if (!cfg->on_event)
		return 0;
	s->on_event = cfg->on_event;
	s->event_ctx = cfg->event_ctx;
	s->skel->rodata->trace_events = true;
	s->skel->rodata->trace_kinds = cfg->trace_kinds;
	/* an eighth full: the reader has seven eighths of time to come */
	s->skel->rodata->trace_wakeup_bytes = bytes / 8;
	return 0;
}

/*
 * Each program the kernel will see gets its own verifier log at
 * BPF_LOG_STATS (its stack depths, and its refusal): small, so a log
 * never fills (a full log fails the load on kernels before 6.4). With -v
 * libbpf keeps its own way: a full trace, printed when a load fails.
 */
static int setup_logs(struct session *s)
{
	struct bpf_program *prog;
	size_t i = 0;

	if (verbose)
		return 0;
	bpf_object__for_each_program(prog, s->skel->obj) {
		if (i == MAX_PROBES)
			break;
		if (bpf_program__autoload(prog)) {
			s->logs[i] = calloc(1, PROG_LOG_SIZE);
			if (!s->logs[i]) {
				errorf("cannot allocate a verifier log: %s", strerror(errno));
				return -ENOMEM;
			}
			bpf_program__set_log_buf(prog, s->logs[i], PROG_LOG_SIZE);
			bpf_program__set_log_level(prog, 4);	/* BPF_LOG_STATS */
		}
		i++;
	}
	return 0;
}

/*
 * After a load, whether it worked or not: what the verifier said of each.
 * libbpf loads the programs in order and stops at the first refusal, then
 * unloads them all: the refused one is the last whose log has anything,
 * those before it were accepted, those after it never tried.
 */
static void fill_checks(struct session *s, int load_err)
{
	struct bpf_program *prog;
	size_t i = 0, refused = MAX_PROBES;

	if (load_err) {
		for (size_t k = 0; k < MAX_PROBES; k++)
			if (s->logs[k] && s->logs[k][0])
				refused = k;
	}
	bpf_object__for_each_program(prog, s->skel->obj) {
		struct prog_check *c;
		struct verifier_stats st;
		const char *log;

		if (i == MAX_PROBES)
			break;
		c = &s->checks[s->nchecks++];
		log = s->logs[i];
		snprintf(c->name, sizeof(c->name), "%s", bpf_program__name(prog));
		snprintf(c->section, sizeof(c->section), "%s",
			 bpf_program__section_name(prog));
		c->wanted = bpf_program__autoload(prog);
		if (!load_err)
			c->loaded = c->wanted && bpf_program__fd(prog) >= 0;
		else
			c->loaded = c->wanted && log && log[0] && i < refused;
		c->refused = false;
		verifier_parse_stats(log, &st);
		c->insns = st.insns_processed;
		c->nfuncs = st.nfuncs;
		for (int f = 0; f < st.nfuncs && f < (int)ARRAY_SIZE(c->depth); f++)
			c->depth[f] = st.depth[f];
		c->chain_bytes = -1;
		if (st.nfuncs > 0 && bpf_program__insns(prog)) {
			_Static_assert(sizeof(struct verifier_insn) == sizeof(struct bpf_insn),
				       "verifier_insn is laid out as bpf_insn");
			c->chain_bytes = verifier_deepest_chain(
				(const struct verifier_insn *)bpf_program__insns(prog),
				bpf_program__insn_cnt(prog), st.depth, st.nfuncs,
				NULL, &c->chain_len, &c->chain_exact);
		}
		if (!c->wanted) {
			snprintf(c->reason, sizeof(c->reason), "%s",
				 i < s->nprobes ? s->probes[i].reason : "not loaded");
		} else if (!c->loaded && i == refused &&
			   verifier_reason(log, c->reason, sizeof(c->reason))) {
			c->refused = true;
			c->missing = verifier_missing_feature(c->reason);
		} else if (!c->loaded) {
			/* after the refused one (libbpf stops there); or the
			   object failed before any program was verified (a
			   map, BTF; or -v, where no log of ours is kept) */
			snprintf(c->reason, sizeof(c->reason), "%s",
				 refused < MAX_PROBES ? "not tried: an earlier program was refused"
				 : "not tried: the object failed before its programs were "
				   "verified (run with -v for libbpf's messages)");
		}
		i++;
	}
}

/*
 * The load failed: name the program the verifier refused, its last word,
 * and the kernel feature that is missing when that is the cause.
 */
static void report_refusal(const struct session *s, int err)
{
	for (size_t i = 0; i < s->nchecks; i++) {
		const struct prog_check *c = &s->checks[i];

		if (!c->refused)
			continue;
		if (verbose)
			break;	/* libbpf printed the whole log above */
		if (c->missing)
			errorf("cannot load BPF program %s (%s): the kernel's verifier "
			       "refused it: \"%s\": %s",
			       c->name, c->section, c->reason, c->missing);
		else
			errorf("cannot load BPF program %s (%s): the kernel's verifier "
			       "refused it: \"%s\" (run with -v for its whole log; "
			       "'ipcscope check' lists every program)",
			       c->name, c->section, c->reason);
		return;
	}
	errorf("cannot load BPF programs: %s (the kernel refused them; %s)",
	       strerror(-err), verbose ? "libbpf's messages and the verifier's log "
	       "are above" : "run with -v for the verifier's log");
}

size_t session_checks(const struct session *s, const struct prog_check **out)
{
	*out = s->checks;
	return s->nchecks;
}

/* Whom to trace, and the kernel paths to take, as the programs' constants */
static void set_targets(struct session *s, const struct session_config *cfg)
{
	s->skel->rodata->targ_all = cfg->all;
	s->skel->rodata->self_tgid = cfg->self;
	if (cfg->comm) {
		s->skel->rodata->targ_comm_set = true;
		strncpy((char *)s->skel->rodata->targ_comm, cfg->comm,
			sizeof(s->skel->rodata->targ_comm) - 1);
	}
	s->skel->rodata->targ_cgroup_set = cfg->cgroup_fd >= 0;
	fill_sys_handlers(s->skel->rodata->sys_handler);
	s->skel->rodata->count_syscall_numbers = cfg->syscall_numbers;
	/* tests: what a kernel before 5.11 runs, where the BPF code has two
	   ways (see current_start), with its maps preallocated as before 6.1
	   (setup_map_alloc) */
	s->skel->rodata->old_kernel_paths = getenv("IPCSCOPE_OLD_KERNEL_PATHS") != NULL;
	setup_map_alloc(s, s->skel->rodata->old_kernel_paths);
}

/* One probe_info per program, in the object's order; a program whose hook
 * this kernel lacks, or that the environment disables, is not loaded. */
static void list_probes(struct session *s)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, s->skel->obj) {
		struct probe_info *pi;

		if (s->nprobes == MAX_PROBES) {
			bpf_program__set_autoload(prog, false);
			continue;
		}
		pi = &s->probes[s->nprobes++];
		snprintf(pi->name, sizeof(pi->name), "%s",
			 bpf_program__section_name(prog));
		if (disabled_by_env(bpf_program__name(prog))) {
			snprintf(pi->reason, sizeof(pi->reason),
				 "disabled by IPCSCOPE_DISABLE_PROBES");
			bpf_program__set_autoload(prog, false);
		} else if (!hook_exists(pi->name, pi->reason,
					sizeof(pi->reason))) {
			bpf_program__set_autoload(prog, false);
		}
	}
}

/* After loading: the events' ring buffer, the cgroup to follow */
static int open_inputs(struct session *s, const struct session_config *cfg)
{
	if (cfg->on_event) {
		s->events = ring_buffer__new(bpf_map__fd(s->skel->maps.events),
					     ring_event, s, NULL);
		if (!s->events) {
			int err = -errno;

			errorf("cannot read the events' ring buffer: %s", strerror(-err));
			return err;
		}
	}
	if (cfg->cgroup_fd >= 0) {
		__u32 zero = 0, fd = cfg->cgroup_fd;

		if (bpf_map__update_elem(s->skel->maps.targ_cgroups, &zero, sizeof(zero),
					 &fd, sizeof(fd), BPF_ANY)) {
			int err = -errno;

			errorf("cannot follow the cgroup: %s", strerror(-err));
			return err;
		}
	}
	return 0;
}

/* Attach every loaded program; one that fails is named, not fatal */
static void attach_probes(struct session *s)
{
	struct bpf_program *prog;
	size_t i = 0;

	bpf_object__for_each_program(prog, s->skel->obj) {
		struct probe_info *pi;

		if (i == s->nprobes)
			break;
		pi = &s->probes[i];
		if (bpf_program__autoload(prog)) {
			s->links[i] = bpf_program__attach(prog);
			if (s->links[i]) {
				pi->attached = true;
				debugf("attached %s\n", pi->name);
			} else {
				snprintf(pi->reason, sizeof(pi->reason),
					 "attach failed: %s", strerror(errno));
				s->links[i] = NULL;
			}
		}
		if (!pi->attached && !pi->standby)
			errorf("warning: %s not attached: %s", pi->name, pi->reason);
		i++;
	}
}

int session_open(struct session **out, const struct session_config *cfg)
{
	struct session *s;
	int err;

	*out = NULL;
	libbpf_set_print(libbpf_print);
	err = check_btf();
	if (err)
		return err;
	err = ensure_tracefs();
	if (err)
		return err;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->ncpus = libbpf_num_possible_cpus();
	if (s->ncpus <= 0) {
		errorf("cannot count CPUs: %s", strerror(-s->ncpus));
		err = s->ncpus ? s->ncpus : -EINVAL;
		goto fail;
	}
	s->skel = ipcscope_bpf__open();
	if (!s->skel) {
		err = -errno;
		errorf("cannot open the BPF object: %s", strerror(errno));
		goto fail;
	}
	set_targets(s, cfg);
	err = setup_trace(s, cfg);
	if (err)
		goto fail;
	list_probes(s);
	pick_fault_probe(s);
	setup_chan(s, cfg, pick_syscall_hook(s, cfg->load_only));
	err = setup_logs(s);
	if (err)
		goto fail;

	err = ipcscope_bpf__load(s->skel);
	fill_checks(s, err);
	if (err && cfg->load_only) {
		*out = s;	/* session_checks says what was refused */
		return 0;
	}
	if (err) {
		/* EACCES is the verifier refusing a program, not a privilege */
		if (err == -EPERM)
			errorf("cannot load BPF programs: %s (run as root, or with "
			       "CAP_BPF and CAP_PERFMON)", strerror(-err));
		else
			report_refusal(s, err);
		goto fail;
	}
	if (cfg->load_only) {
		*out = s;
		return 0;
	}
	err = open_inputs(s, cfg);
	if (err)
		goto fail;
	attach_probes(s);
	*out = s;
	return 0;
fail:
	session_close(s);
	return err;
}

static void *destroy_link(void *link)
{
	bpf_link__destroy(link);
	return NULL;
}

/*
 * Detaching a tracepoint's perf event waits for an RCU grace period (about
 * 55 ms here), one after another: 17 probes took 0.9 s. Detached from
 * threads, the waits overlap. If a thread cannot start, detach inline.
 */
static void destroy_links(struct session *s)
{
	pthread_t threads[MAX_PROBES];
	bool started[MAX_PROBES] = { false };

	for (size_t i = 0; i < s->nprobes; i++)
		if (s->links[i])
			started[i] = pthread_create(&threads[i], NULL, destroy_link,
						    s->links[i]) == 0;
	for (size_t i = 0; i < s->nprobes; i++) {
		if (started[i])
			pthread_join(threads[i], NULL);
		else
			bpf_link__destroy(s->links[i]);
		s->links[i] = NULL;
	}
}

void session_detach(struct session *s)
{
	if (s)
		destroy_links(s);
}

void session_close(struct session *s)
{
	if (!s)
		return;
	destroy_links(s);
	ring_buffer__free(s->events);
	ipcscope_bpf__destroy(s->skel);
	for (size_t i = 0; i < MAX_PROBES; i++)
		free(s->logs[i]);
	free(s);
}

int session_poll_events(struct session *s, int timeout_ms)
{
	if (!s->events)
		return -EINVAL;
	if (timeout_ms == 0)
		return ring_buffer__consume(s->events);
	return ring_buffer__poll(s->events, timeout_ms);
}

int session_obj_names(void *ctx, const struct ipc_obj_key *key,
		      struct ipc_obj_info *info, struct ipc_sock_info *sock)
{
	const struct session *s = ctx;
	int found = 0;

	if (!bpf_map__lookup_elem(s->skel->maps.obj_info, key, sizeof(*key), info,
				  sizeof(*info), 0))
		found |= EVENT_FOUND_INFO;
	if (!bpf_map__lookup_elem(s->skel->maps.sock_info, key, sizeof(*key), sock,
				  sizeof(*sock), 0))
		found |= EVENT_FOUND_SOCK;
	return found;
}

/* Empty a hash map: delete its first key until there is none. */
static int clear_hash(const struct bpf_map *map)
{
	char key[256];

	if (bpf_map__key_size(map) > sizeof(key))
		return -E2BIG;
	while (!bpf_map__get_next_key(map, NULL, key, bpf_map__key_size(map)))
		if (bpf_map__delete_elem(map, key, bpf_map__key_size(map), 0) &&
		    errno != ENOENT)
			return -errno;
	return errno == ENOENT ? 0 : -errno;
}

/* Zero every entry of an array, on every CPU for a per-CPU one. */
static int clear_array(const struct session *s, const struct bpf_map *map)
{
	bool percpu = bpf_map__type(map) == BPF_MAP_TYPE_PERCPU_ARRAY;
	size_t size = bpf_map__value_size(map);
	void *zero;
	int err = 0;

	if (percpu)
		size = ((size + 7) & ~(size_t)7) * s->ncpus;
	zero = calloc(1, size);
	if (!zero)
		return -ENOMEM;
	for (__u32 i = 0; i < bpf_map__max_entries(map) && !err; i++)
		if (bpf_map__update_elem(map, &i, sizeof(i), zero, size, BPF_ANY))
			err = -errno;
	free(zero);
	return err;
}

/*
 * Runs of our programs the kernel skipped, all programs together: each
 * program's recursion_misses (Linux 5.12+; 0 before, where the field is
 * not filled). A run is skipped when the program is already running on
 * that CPU: on kernels whose syscall tracepoints may be preempted (6.13+?
 * see the README), another task's syscall on the same CPU finds it so.
 * What such a run would have counted is missing, and reported as drops.
 */
static uint64_t skipped_runs(const struct session *s)
{
	struct bpf_program *prog;
	uint64_t n = 0;

	bpf_object__for_each_program(prog, s->skel->obj) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);

		memset(&info, 0, sizeof(info));
		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len))
			n += info.recursion_misses;
	}
	return n;
}

int session_reset(struct session *s)
{
	struct bpf_map *map;
	int err = 0;

	bpf_object__for_each_map(map, s->skel->obj) {
		if (bpf_map__is_internal(map))
			continue;	/* settings and the drop counters */
		switch (bpf_map__type(map)) {
		case BPF_MAP_TYPE_HASH:
			err = clear_hash(map);
			break;
		case BPF_MAP_TYPE_ARRAY:
		case BPF_MAP_TYPE_PERCPU_ARRAY:
			err = clear_array(s, map);
			break;
		default:
			break;
		}
		if (err) {
			errorf("cannot clear the BPF map %s: %s", bpf_map__name(map),
			       strerror(-err));
			return err;
		}
	}
	memset((void *)s->skel->bss->drops, 0, sizeof(s->skel->bss->drops));
	s->skipped_base = skipped_runs(s);
	return 0;
}

int session_add_target(struct session *s, pid_t tgid)
{
	__u32 key = tgid;
	__u8 one = 1;

	if (bpf_map__update_elem(s->skel->maps.targets, &key, sizeof(key), &one,
				 sizeof(one), BPF_ANY))
		return -errno;
	return 0;
}

int session_targets_fd(const struct session *s)
{
	return bpf_map__fd(s->skel->maps.targets);
}

/*
 * The procs map is keyed by (tgid, start): the first process to start with
 * this pid is the one that was running when it was given to -p (a later
 * one can only have got the pid after it exited).
 */
bool session_proc_exited(const struct session *s, pid_t tgid)
{
	int fd = bpf_map__fd(s->skel->maps.procs);
	struct ipc_proc_key key, next, first = { 0 };
	struct ipc_proc p;
	void *prev = NULL;
	bool found = false;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (key.tgid == (__u32)tgid && (!found || key.start < first.start)) {
			first = key;
			found = true;
		}
	}
	if (!found || bpf_map_lookup_elem(fd, &first, &p))
		return false;
	return p.flags & IPC_PROC_EXITED;
}

/*
 * Read a per-CPU array into dst[] (max_entries values of value_size),
 * merging each CPU's copy with merge(). The kernel hands the copies out
 * 8-byte aligned, one after another.
 */
typedef void (*percpu_merge)(void *dst, const void *src);

static int read_percpu(const struct session *s, const struct bpf_map *map,
		       void *dst, size_t value_size, percpu_merge merge)
{
	size_t stride = (value_size + 7) & ~(size_t)7;
	__u32 n = bpf_map__max_entries(map);
	char *percpu = calloc(s->ncpus, stride);
	int err = 0;

	if (!percpu)
		return -ENOMEM;
	for (__u32 i = 0; i < n; i++) {
		if (bpf_map__lookup_elem(map, &i, sizeof(i), percpu,
					 s->ncpus * stride, 0)) {
			err = -errno;
			break;
		}
		for (int cpu = 0; cpu < s->ncpus; cpu++)
			merge((char *)dst + i * value_size, percpu + cpu * stride);
	}
	free(percpu);
	return err;
}

static void merge_ops(void *dst, const void *src)
{
	ipc_op_stats_add(dst, src);
}

static void merge_sig_lat(void *dst, const void *src)
{
	ipc_sig_lat_add(dst, src);
}

static void merge_u64(void *dst, const void *src)
{
	*(uint64_t *)dst += *(const uint64_t *)src;
}

/*
 * Rows of the snapshot one hash map is read into: each entry becomes a row
 * with the key at offset 0 and the value from val_off to the row's end.
 * The value must fill that exactly, unless only its head is wanted.
 */
struct rows_of_map {
	const struct bpf_map *map;
	void **rows;
	size_t *n;
	size_t size, val_off;
	bool keyless;		/* the row has no key */
	bool head;		/* the row holds the head of a longer value */
};

#define ROWS_OF(map_, snap, field, value)					\
	{ (map_), (void **)&(snap)->field, &(snap)->n##field,			\
	  sizeof(*(snap)->field), offsetof(__typeof__(*(snap)->field), value), \
	  false, false }

/*
 * Read a hash map into rows. A key deleted while we walk makes
 * get_next_key restart from the first, which can repeat a row; rare, as
 * the maps' entries are removed only when a thread or process ends.
 */
static int read_hash(const struct rows_of_map *r)
{
	size_t ksz = bpf_map__key_size(r->map), vsz = bpf_map__value_size(r->map);
	size_t klen = r->keyless ? 0 : ksz, vlen = r->size - r->val_off;
	char key[64], next[64], value[4096];
	void *prev = NULL;
	int fd = bpf_map__fd(r->map);

	/* the BPF side's types are the rows' (model.c's static asserts) */
	if (ksz > sizeof(key) || vsz > sizeof(value) || klen > r->val_off ||
	    (r->head ? vlen > vsz : vlen != vsz))
		return -E2BIG;
	while (bpf_map_get_next_key(fd, prev, next) == 0) {
		char *row;

		memcpy(key, next, ksz);
		prev = key;
		if (bpf_map_lookup_elem(fd, key, value))
			continue;	/* deleted meanwhile */
		row = grow_rows(r->rows, r->n, r->size);
		if (!row)
			return -ENOMEM;
		memcpy(row, key, klen);
		memcpy(row + r->val_off, value, vlen);
	}
	return errno == ENOENT ? 0 : -errno;
}

int session_read(const struct session *s, struct snapshot *snap)
{
	const __typeof__(s->skel->maps) *m = &s->skel->maps;
	/* procs, endpoints and msg_types before inflight: a thread that exits
	   meanwhile moves its counts from inflight to those (ipc_exit), so a
	   count can be late for this reading, never counted twice */
	const struct rows_of_map hashes[] = {
		ROWS_OF(m->obj_info, snap, infos, info),
		ROWS_OF(m->sig_stats, snap, sigs, count),
		ROWS_OF(m->sock_info, snap, socks, info),
		ROWS_OF(m->msg_types, snap, msgtypes, st),
		ROWS_OF(m->chan_time, snap, chans, st),
		ROWS_OF(m->op_errors, snap, errs, count),
		ROWS_OF(m->endpoints, snap, eps, st),
		ROWS_OF(m->procs, snap, procs, p),
		/* a live thread's entry starts with its counts */
		{ m->inflight, (void **)&snap->threads, &snap->nthreads,
		  sizeof(*snap->threads), 0, true, true },
	};
	int err;

	memset(snap, 0, sizeof(*snap));
	err = read_percpu(s, m->op_stats, snap->ops, sizeof(snap->ops[0]), merge_ops);
	if (!err)
		err = read_percpu(s, m->sig_lat, snap->sig_lat,
				  sizeof(snap->sig_lat[0]), merge_sig_lat);
	if (!err)
		err = read_percpu(s, m->sys_counts, snap->sys_counts,
				  sizeof(snap->sys_counts[0]), merge_u64);
	for (size_t i = 0; i < ARRAY_SIZE(hashes) && !err; i++)
		err = read_hash(&hashes[i]);
	memcpy(snap->drops, (const void *)s->skel->bss->drops, sizeof(snap->drops));
	snap->drops[IPC_DROP_SKIPPED_RUNS] = skipped_runs(s) - s->skipped_base;
	if (!err)
		err = snapshot_finish(snap);
	if (err) {
		errorf("cannot read the BPF maps: %s", strerror(-err));
		snapshot_free(snap);
		return err;
	}
	return 0;
}

size_t session_probes(const struct session *s, const struct probe_info **out)
{
	*out = s->probes;
	return s->nprobes;
}
