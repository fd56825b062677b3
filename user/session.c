// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * session.c - load and attach the BPF programs. What the kernel offers is
 * kernel.c; the maps are read and reset in session_maps.c.
 *
 * Probes are attached one by one: a tracepoint this kernel lacks (checked in
 * tracefs, or in BTF for tp_btf) is switched off before load and reported,
 * and the rest keeps working.
 */
#define _GNU_SOURCE	/* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "ipcscope.h"	/* before the skeleton: its .bss has our types */
#include "ipcscope.skel.h"
#include "events.h"
#include "session.h"
#include "bpfreach.h"
#include "corebtf.h"
#include "session_int.h"
#include "usdt.h"
#include "util.h"
#include "verifier.h"

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (!verbose && level != LIBBPF_WARN)
		return 0;
	if (!verbose)
		return 0;	/* warnings too: callers say what failed, in one line */
	return vfprintf(stderr, fmt, ap);
}

/* The prefix of a syscall's function (the wrapper that takes the user
 * registers): where it is known, the syscall programs can be kprobes */
#if defined(__x86_64__)
#define SYSCALL_FUNC_PREFIX "__x64_sys_"
#else
#define SYSCALL_FUNC_PREFIX NULL
#endif
#define SYSCALL_FUNC_PREFIX_SHOWN "__x64_sys_"	/* in names, on x86 only */

/* ipc_range_exit's tracepoints: the exits of the syscalls that change
 * where shared mappings are, and their numbers (its range_syscalls), in
 * the order of enum ipc_range_syscall */
static const struct range_exit {
	const char *tp;
	long nr;
} range_exits[IPC_RANGE_SYSCALLS] = {
	[IPC_RANGE_MMAP] = { "sys_exit_mmap", SYS_mmap },
	[IPC_RANGE_MREMAP] = { "sys_exit_mremap", SYS_mremap },
	[IPC_RANGE_MUNMAP] = { "sys_exit_munmap", SYS_munmap },
	[IPC_RANGE_SHMAT] = { "sys_exit_shmat", SYS_shmat },
};
#define RANGE_PROBE	"tp/syscalls/sys_exit_{mmap,mremap,munmap,shmat}"
#define RANGE_KPROBE	"kretprobe.multi/" SYSCALL_FUNC_PREFIX_SHOWN "{mmap,mremap,munmap,shmat}"

/* What ipc_sys_enter does for each syscall number (syscall_handler) */
static void fill_sys_handlers(volatile __u8 *handler)
{
	for (unsigned nr = 0; nr < IPC_NR_SYSCALLS; nr++)
		handler[nr] = syscall_handler(nr);
}

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
 * (bpf_loop, which the range table's loops use, came in the same release.)
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
 * Whether the IPC syscalls' own tracepoints can carry the syscall
 * programs: the kernel has them, and runs their programs with preemption
 * disabled. The probe asks about the BTF tracepoint sys_enter; the
 * per-syscall tracepoints' programs became preemptible in the same release
 * (7.0: both run where the syscall tracepoints may fault), as the kernel
 * matrix shows.
 */
bool ipc_tracepoints_usable(const struct kernel_features *kf)
{
	return kf->ipc_syscall_tps && !kf->preemptible_tp_btf;
}

/* Whether the kprobe pair can run here at all (pick_syscall_hook) */
static bool ipc_kprobes_possible(const struct kernel_features *kf)
{
	return SYSCALL_FUNC_PREFIX && kf->kprobe_multi && kf->task_btf &&
	       kf->task_pt_regs && kf->ipc_syscall_tps;
}

bool ipc_kprobes_usable(const struct kernel_features *kf)
{
	return ipc_kprobes_possible(kf) && kf->fprobe_no_pool;
}

/* The syscall programs' pairs: on tp_btf sys_enter and sys_exit; on
 * classic tracepoints (raw_syscalls, or the IPC syscalls' own); on the
 * IPC syscalls' functions (kprobe.multi) */
enum syscall_hook { HOOK_TP_BTF, HOOK_CLASSIC, HOOK_KPROBES };

/* The enter, exit and time-in-channel exit programs of one pair stand by
 * (and with the kprobes, their range exit) */
static void stand_by_pair(struct session *s, enum syscall_hook pair, const char *why)
{
	struct ipcscope_bpf *k = s->skel;
	struct bpf_program *progs[3][3] = {
		[HOOK_TP_BTF] = { k->progs.ipc_sys_enter, k->progs.ipc_sys_exit,
				  k->progs.ipc_sys_exit_chan },
		[HOOK_CLASSIC] = { k->progs.ipc_sys_enter_tp, k->progs.ipc_sys_exit_tp,
				   k->progs.ipc_sys_exit_chan_tp },
		[HOOK_KPROBES] = { k->progs.ipc_sys_enter_kp, k->progs.ipc_sys_exit_kp,
				   k->progs.ipc_sys_exit_chan_kp },
	};

	for (size_t i = 0; i < ARRAY_SIZE(progs[pair]); i++)
		stand_by(s, progs[pair][i], why);
	if (pair == HOOK_KPROBES)
		stand_by(s, k->progs.ipc_range_exit_kp, why);
}

/*
 * The kprobe pair's functions: each IPC syscall's (the name of its
 * tracepoint, which is the function's after the prefix: sendfile64), the
 * number as the cookie; and the four mapping syscalls' for the range
 * exit. False if a name would not fit (then the tracepoints serve).
 */
static bool name_syscall_functions(struct session *s)
{
	unsigned nrs[MAX_SYS_TPS];
	size_t n = ipc_syscall_numbers(nrs, MAX_SYS_TPS);

	if (n != s->nsys_tps)
		return false;
	for (size_t i = 0; i < n; i++) {
		const char *name = s->sys_tps[i][0] + strlen("sys_enter_");

		if ((size_t)snprintf(s->sys_funcs[i], sizeof(s->sys_funcs[i]), "%s%s",
				     SYSCALL_FUNC_PREFIX, name) >= sizeof(s->sys_funcs[i]))
			return false;
		s->sys_func_names[i] = s->sys_funcs[i];
		s->sys_func_nrs[i] = nrs[i];
	}
	for (size_t k = 0; k < ARRAY_SIZE(range_exits); k++) {
		snprintf(s->range_funcs[k], sizeof(s->range_funcs[k]), "%s%s",
			 SYSCALL_FUNC_PREFIX, range_exits[k].tp + strlen("sys_exit_"));
		s->range_func_names[k] = s->range_funcs[k];
		s->range_func_nrs[k] = range_exits[k].nr;
	}
	return true;
}

/*
 * Which hooks the syscall programs run on (one body each, core.bpf.c):
 *
 * - By default, hooks that only the IPC syscalls reach, so that a
 *   process's other syscalls never run a program of ours:
 *   - where the kernel has kprobe.multi links whose return probes need no
 *     fixed pool (Linux 6.14+, ipc_kprobes_usable), the IPC syscalls' own
 *     functions (__x64_sys_write and the others: ipc_sys_enter_kp and its
 *     exits). No syscall tracepoint is switched on, so no task takes the
 *     kernel's slower syscall path for them: a bystander's getppid pays
 *     nothing. Before 6.14 a return probe takes a node of a pool made at
 *     attach (2 per CPU and function) for as long as the call runs, and
 *     with the pool empty the kernel skips the probe: on Debian's 6.12,
 *     with 200 threads blocked in read(), 12 returns of 208 were seen.
 *   - else the IPC syscalls' own tracepoints (syscalls:sys_enter_write and
 *     the others, about 23). Any syscall tracepoint puts every task on the
 *     kernel's slower syscall path (a bystander's getppid costs about what
 *     an empty program on every syscall would: bench/RESULTS.md).
 *   The processes' syscall counts are then their IPC syscalls'.
 * - Counting every syscall of the targets (--all-syscalls, and what needs
 *   every one: phases, validate's counts by number, explain's stream, and
 *   time in channel where the classic exit program cannot have it: before
 *   5.15), or where the kernel has neither: one of two pairs on every
 *   syscall, the BTF raw tracepoints sys_enter and sys_exit (cheaper to
 *   pass), or the classic tracepoints raw_syscalls:sys_enter and sys_exit,
 *   where the BTF ones run preemptible and the kernel would skip their
 *   runs for every task on a CPU where one was preempted inside them
 *   (Linux 7.x; probed: session_features).
 *
 * On 7.x the IPC syscalls' tracepoints run their programs preemptible
 * too (they may fault: on sid 242 runs were skipped beside a busy
 * process, and calls went missing): there, without the kprobes, every
 * syscall is counted, on raw_syscalls (ipc_tracepoints_usable).
 *
 * IPCSCOPE_SYSCALL_HOOK=raw_syscalls or tp_btf picks a pair on every
 * syscall, =ipc the IPC syscalls' tracepoints where they are usable,
 * =kprobe their functions wherever kprobe.multi links can be made (6.12
 * too: tests of each on every kernel of the matrix).
 */
static enum syscall_hook pick_syscall_hook(struct session *s,
					   const struct session_config *cfg)
{
	const char *env = getenv("IPCSCOPE_SYSCALL_HOOK");
	struct kernel_features kf;
	enum syscall_hook every_pair;
	bool every, kprobes;

	if (env && *env && strcmp(env, "ipc") && strcmp(env, "raw_syscalls") &&
	    strcmp(env, "tp_btf") && strcmp(env, "kprobe")) {
		char shown[64];

		text_clean(shown, sizeof(shown), env, strlen(env));
		errorf("warning: IPCSCOPE_SYSCALL_HOOK=%s ignored: it is kprobe, ipc, "
		       "raw_syscalls or tp_btf", shown);
		env = NULL;
	}
	if (env && !*env)
		env = NULL;
	session_features(&kf);
	if (env && !strcmp(env, "kprobe") && !ipc_kprobes_possible(&kf)) {
		errorf("warning: IPCSCOPE_SYSCALL_HOOK=kprobe ignored: this kernel makes "
		       "no kprobe.multi links (CONFIG_FPROBE, Linux 5.18+)");
		env = NULL;
	}
	every = cfg->every_syscall || cfg->nphases || cfg->syscall_numbers ||
		(cfg->explain && cfg->on_event) ||
		(cfg->time_in_channel && !(kf.task_pt_regs && kf.task_btf)) ||
		(env && strcmp(env, "ipc") && strcmp(env, "kprobe"));
	kprobes = env ? !strcmp(env, "kprobe") : ipc_kprobes_usable(&kf);
	if (env && !strcmp(env, "raw_syscalls"))
		every_pair = HOOK_CLASSIC;
	else if (env && !strcmp(env, "tp_btf"))
		every_pair = HOOK_TP_BTF;
	else
		every_pair = kf.preemptible_tp_btf ? HOOK_CLASSIC : HOOK_TP_BTF;
	s->skel->rodata->every_syscall = true;	/* until the IPC hooks are */
	if (!ipc_kprobes_possible(&kf)) {
		/* not even loaded (older verifiers refuse its helpers) */
		stand_by_pair(s, HOOK_KPROBES, SYSCALL_FUNC_PREFIX ?
			      "this kernel makes no kprobe.multi links (CONFIG_FPROBE, "
			      "Linux 5.18+)" : "kprobes on syscalls' functions: x86-64 only");
	}
	if (cfg->load_only)
		return every_pair;	/* check verifies every pair */
	/* the IPC syscalls' functions: named after their tracepoints */
	if (!every && kprobes && (s->sys_tps = kernel_ipc_tracepoints(&s->nsys_tps)) &&
	    name_syscall_functions(s)) {
		const char *why = "the syscall programs are kprobes on the IPC syscalls' "
				  "functions here";

		stand_by_pair(s, HOOK_TP_BTF, why);
		stand_by_pair(s, HOOK_CLASSIC, why);
		stand_by(s, s->skel->progs.ipc_range_exit, why);
		s->skel->rodata->every_syscall = false;
		s->kprobes = true;
		return HOOK_KPROBES;
	}
	s->nsys_tps = 0;
	stand_by_pair(s, HOOK_KPROBES, every ? "counts every syscall (the kprobes on the "
		      "IPC syscalls' functions are not used)" :
		      "the IPC syscalls' functions are hooked where return probes need "
		      "no fixed pool (Linux 6.14+; IPCSCOPE_SYSCALL_HOOK=kprobe)");
	/* every is false only where kf found them: the list is at hand */
	if (!every && ipc_tracepoints_usable(&kf) &&
	    (s->sys_tps = kernel_ipc_tracepoints(&s->nsys_tps))) {
		const char *why = "counts every syscall: --all-syscalls (the IPC "
				  "syscalls' own tracepoints are used)";

		stand_by_pair(s, HOOK_TP_BTF, why);
		s->skel->rodata->every_syscall = false;
		return HOOK_CLASSIC;
	}
	if (!cfg->every_syscall && kf.ipc_syscall_tps && kf.preemptible_tp_btf)
		debugf("the IPC syscalls' tracepoints run their programs preemptible "
		       "here: every syscall passes the syscall programs\n");
	if (every_pair == HOOK_CLASSIC) {
		const char *why = env ? "IPCSCOPE_SYSCALL_HOOK=raw_syscalls" :
			"BTF tracepoint programs on syscalls run preemptible here, and "
			"the kernel would skip runs: tp/raw_syscalls is used instead";

		stand_by_pair(s, HOOK_TP_BTF, why);
	} else {
		const char *why = "fallback for kernels whose BTF tracepoint programs "
				  "on syscalls run preemptible (7.x), not needed";

		stand_by_pair(s, HOOK_CLASSIC, why);
	}
	return every_pair;
}

bool session_counts_every_syscall(const struct session *s)
{
	return s->nsys_tps == 0;
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
	} else if (probe_disabled_by_env("time_in_channel")) {
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
		       enum syscall_hook hook)
{
	struct ipcscope_bpf *k = s->skel;

	setup_chan_pair(s, cfg, k->progs.ipc_sys_exit, k->progs.ipc_sys_exit_chan,
			false, hook == HOOK_TP_BTF);
	setup_chan_pair(s, cfg, k->progs.ipc_sys_exit_tp, k->progs.ipc_sys_exit_chan_tp,
			true, hook == HOOK_CLASSIC);
	setup_chan_pair(s, cfg, k->progs.ipc_sys_exit_kp, k->progs.ipc_sys_exit_chan_kp,
			true, hook == HOOK_KPROBES);
	if (!bpf_program__autoload(k->progs.ipc_sys_exit_chan) &&
	    !bpf_program__autoload(k->progs.ipc_sys_exit_chan_tp) &&
	    !bpf_program__autoload(k->progs.ipc_sys_exit_chan_kp)) {
		/* unused: one entry each instead of megabytes preallocated */
		bpf_map__set_max_entries(k->maps.chan_streams, 1);
		bpf_map__set_max_entries(k->maps.chan_fifos, 1);
		bpf_map__set_max_entries(k->maps.chan_time, 1);
	}
}

/*
 * The per-CPU arrays of a count that is off (its code is gone from the
 * programs: the settings are constants) get one entry, not hundreds: a
 * per-CPU array's every entry is allocated and cleared for each CPU when
 * it is made. phase_sys_counts (phases x syscalls) took 0.8 ms of every
 * start-up on 2 CPUs; and session_reset clears every entry, one bpf()
 * call each. read_percpu reads what there is: the snapshot's zeroes.
 */
static void size_unused_counts(struct session *s)
{
	struct ipcscope_bpf *k = s->skel;

	if (!k->rodata->count_syscall_numbers)
		bpf_map__set_max_entries(k->maps.sys_counts, 1);
	if (!k->rodata->count_phases) {
		bpf_map__set_max_entries(k->maps.phase_counts, 1);
		bpf_map__set_max_entries(k->maps.phase_sys_counts, 1);
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
	for (size_t i = 0; i < ARRAY_SIZE(range_exits); i++)
		s->skel->rodata->range_syscalls[i] = range_exits[i].nr;
	s->skel->rodata->count_syscall_numbers = cfg->syscall_numbers;
	/* `check` verifies the code of every option: phases too */
	s->skel->rodata->count_phases = cfg->nphases > 0 || cfg->load_only;
	/* tests: what a kernel before 5.11 runs, where the BPF code has two
	   or three ways (see fd_file_addr, file_object, compat_syscall), with
	   its maps preallocated as before 6.1 (setup_map_alloc) */
	{
		struct kernel_features kf;

		setup_map_alloc(s, s->old_paths);
		session_features(&kf);
		s->skel->rodata->have_task_btf = kf.task_btf && !s->old_paths;
		/* its types' ids from the pass over the kernel's BTF (corebtf.c),
		   its calls patched in where it has them all (open_skeleton) */
		s->skel->rodata->kernel_btf_task_struct = s->core_btf.task_struct_id;
		s->skel->rodata->kernel_btf_file = s->core_btf.file_id;
		s->skel->rodata->kernel_btf_rb_node = s->core_btf.rb_node_id;
		s->skel->rodata->have_rdonly_cast = s->elf != NULL;
	}
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
		snprintf(pi->prog, sizeof(pi->prog), "%s", bpf_program__name(prog));
		pi->load_ms = -1;
		pi->load_part = -1;
		if (probe_disabled_by_env(bpf_program__name(prog))) {
			snprintf(pi->reason, sizeof(pi->reason),
				 "disabled by IPCSCOPE_DISABLE_PROBES");
			bpf_program__set_autoload(prog, false);
		} else if (!kernel_has_hook(pi->name, pi->reason,
					sizeof(pi->reason))) {
			bpf_program__set_autoload(prog, false);
		} else if (prog == s->skel->progs.ipc_range_exit_kp) {
			snprintf(pi->name, sizeof(pi->name), "%s", RANGE_KPROBE);
		} else if (prog == s->skel->progs.ipc_range_exit) {
			/* on four tracepoints (attach_syscall_tracepoints) */
			snprintf(pi->name, sizeof(pi->name), "%s", RANGE_PROBE);
			for (size_t k = 0; k < ARRAY_SIZE(range_exits); k++) {
				if (kernel_has_event("syscalls", range_exits[k].tp))
					continue;
				snprintf(pi->reason, sizeof(pi->reason),
					 "tracepoint syscalls:%s not found", range_exits[k].tp);
				bpf_program__set_autoload(prog, false);
				break;
			}
		}
	}
}

/* explain's programs (explain.bpf.c): loaded for it, and by `check` */
static void setup_explain(struct session *s, const struct session_config *cfg)
{
	struct bpf_program *prog;

	s->skel->rodata->trace_explain = (cfg->explain && cfg->on_event) ||
					 cfg->load_only;
	if (s->skel->rodata->trace_explain)
		return;
	bpf_object__for_each_program(prog, s->skel->obj)
		if (!strncmp(bpf_program__name(prog), "ipc_explain_", 12))
			stand_by(s, prog, "only 'ipcscope explain' uses it");
}

/* --usdt-phase: the phase programs, attached by attach_phases to the
 * probes given (kept); without phases they stand by */
static int setup_phases(struct session *s, const struct session_config *cfg)
{
	struct bpf_program *progs[2] = { s->skel->progs.ipc_phase_start,
					 s->skel->progs.ipc_phase_end };

	if (cfg->load_only)
		return 0;	/* `check`: loaded (and verified), attached nowhere */
	if (!cfg->nphases) {
		for (int i = 0; i < 2; i++)
			stand_by(s, progs[i], "no phases asked (--usdt-phase)");
		return 0;
	}
	if (cfg->nphases > MAX_USDT_PHASES) {
		errorf("at most %d phases can be marked", MAX_USDT_PHASES);
		return -EINVAL;
	}
	for (size_t i = 0; i < cfg->nphases; i++) {
		struct usdt_phase_copy *c = &s->phases[i];
		const struct usdt_phase *p = &cfg->phases[i];

		if ((size_t)snprintf(c->path, sizeof(c->path), "%s", p->path) >= sizeof(c->path) ||
		    (size_t)snprintf(c->provider, sizeof(c->provider), "%s", p->provider) >=
		    sizeof(c->provider) ||
		    (size_t)snprintf(c->start, sizeof(c->start), "%s", p->start) >=
		    sizeof(c->start) ||
		    (size_t)snprintf(c->end, sizeof(c->end), "%s", p->end) >= sizeof(c->end)) {
			errorf("a USDT phase's path or probe name is too long");
			return -ENAMETOOLONG;
		}
	}
	s->nphases = cfg->nphases;
	return 0;
}

/* One phase program on every site of provider:name in path, as uprobes
 * in every process that maps the file (pid -1: the program looks at the
 * targets only), the probe's semaphore counted up while attached */
static int attach_probe_sites(struct session *s, struct bpf_program *prog,
			      const char *path, const char *provider, const char *name)
{
	struct usdt_site sites[16];
	char why[512];
	int n = usdt_find(path, provider, name, sites, ARRAY_SIZE(sites), why,
			  sizeof(why));

	if (n < 0) {
		errorf("--usdt-phase: %s", why);
		return n;
	}
	for (int i = 0; i < n; i++) {
		LIBBPF_OPTS(bpf_uprobe_opts, opts, .ref_ctr_offset = sites[i].semaphore);
		struct bpf_link *l;

		if (s->nphase_links == MAX_PHASE_LINKS) {
			errorf("--usdt-phase: more than %d probe sites", MAX_PHASE_LINKS);
			return -E2BIG;
		}
		l = bpf_program__attach_uprobe_opts(prog, -1, path, sites[i].offset, &opts);
		if (!l) {
			int err = -errno;

			errorf("cannot attach to the USDT probe %s:%s in %s (a uprobe at "
			       "offset %#llx): %s", provider, name, path,
			       (unsigned long long)sites[i].offset, strerror(-err));
			return err;
		}
		s->phase_links[s->nphase_links++] = l;
		debugf("attached %s to %s:%s in %s at %#llx\n", bpf_program__name(prog),
		       provider, name, path, (unsigned long long)sites[i].offset);
	}
	return 0;
}

/* The phase programs on each phase's probes. A probe that cannot be
 * attached is a failure: counts by phase without it would be wrong. */
static int attach_phases(struct session *s)
{
	for (size_t i = 0; i < s->nphases; i++) {
		const struct usdt_phase_copy *c = &s->phases[i];
		int err = attach_probe_sites(s, session_loaded(s, s->skel->progs.ipc_phase_start),
					     c->path, c->provider, c->start);

		if (!err)
			err = attach_probe_sites(s, session_loaded(s, s->skel->progs.ipc_phase_end),
						 c->path, c->provider, c->end);
		if (err)
			return err;
	}
	return 0;
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

/*
 * A classic program on n syscalls' own tracepoints (syscalls:NAME, one
 * perf event and link each; names: static strings, kept for the report as
 * pi's tracepoints). All or none: a syscall missed would be a count
 * silently short.
 */
static bool attach_syscall_tracepoints(struct session *s, struct bpf_program *prog,
				       const char *const *names, size_t n,
				       struct probe_info *pi)
{
	size_t first = s->nsys_links;

	if (n > ARRAY_SIZE(s->sys_links) - s->nsys_links) {
		snprintf(pi->reason, sizeof(pi->reason), "more than %zu syscall tracepoints",
			 ARRAY_SIZE(s->sys_links));
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		int pfd = kernel_open_tracepoint("syscalls", names[i]);
		struct bpf_link *l = pfd >= 0 ? bpf_program__attach_perf_event(prog, pfd) : NULL;
		int err = pfd < 0 ? -pfd : errno;

		if (!l) {
			if (pfd >= 0)
				close(pfd);
			snprintf(pi->reason, sizeof(pi->reason), "attach to syscalls:%s failed: %s",
				 names[i], strerror(err));
			while (s->nsys_links > first)
				bpf_link__destroy(s->sys_links[--s->nsys_links]);
			return false;
		}
		s->sys_pfds[s->nsys_links] = pfd;
		s->sys_link_tps[s->nsys_links] = names[i];
		s->sys_links[s->nsys_links++] = l;
	}
	pi->tracepoints = &s->sys_link_tps[first];
	pi->ntracepoints = n;
	return true;
}

/* A classic syscall program on the IPC syscalls' own tracepoints (end 0:
 * their sys_enter_*, 1: sys_exit_*), not on raw_syscalls. Its name says
 * where. */
static bool attach_ipc_tracepoints(struct session *s, struct bpf_program *prog,
				   int end, struct probe_info *pi)
{
	size_t n = s->nsys_tps < MAX_SYS_TPS ? s->nsys_tps : MAX_SYS_TPS;
	const char *names[MAX_SYS_TPS];

	for (size_t i = 0; i < n; i++)
		names[i] = s->sys_tps[i][end];
	if (!attach_syscall_tracepoints(s, prog, names, n, pi))
		return false;
	snprintf(pi->name, sizeof(pi->name), "tp/syscalls/sys_%s_* (%zu IPC syscalls)%s",
		 end ? "exit" : "enter", s->nsys_tps,
		 prog == session_loaded(s, s->skel->progs.ipc_sys_exit_chan_tp) ?
		 ": time in channel" : "");
	return true;
}

/* A kprobe.multi program on n functions (names kept for the report as
 * pi's functions), each with its cookie; ret: on their returns */
static struct bpf_link *attach_functions(struct bpf_program *prog,
					 const char *const *names, const __u64 *cookies,
					 size_t n, bool ret, struct probe_info *pi)
{
	LIBBPF_OPTS(bpf_kprobe_multi_opts, opts, .syms = (const char **)names,
		    .cookies = cookies, .cnt = n, .retprobe = ret);
	struct bpf_link *l = bpf_program__attach_kprobe_multi_opts(prog, NULL, &opts);

	if (!l) {
		snprintf(pi->reason, sizeof(pi->reason), "attach to %s and %zu other "
			 "functions failed: %s (IPCSCOPE_SYSCALL_HOOK=ipc: tracepoints)",
			 names[0], n - 1, strerror(errno));
		return NULL;
	}
	pi->functions = names;
	pi->nfunctions = n;
	return l;
}

/* Attach every loaded program; one that fails is named, not fatal; the
 * phases' probes must all attach (attach_phases), and go first: their
 * bpf() calls come before any syscall program runs (see session_attach) */
static int attach_probes(struct session *s)
{
	struct bpf_program *prog, *lp;
	size_t i = 0;
	int err = attach_phases(s);

	if (err)
		return err;
	bpf_object__for_each_program(prog, s->skel->obj) {
		struct probe_info *pi;

		if (i == s->nprobes)
			break;
		pi = &s->probes[i];
		lp = s->prog[i];	/* as loaded; prog: skel's, to compare */
		if (prog == s->skel->progs.ipc_phase_start ||
		    prog == s->skel->progs.ipc_phase_end) {
			/* on the phases' probes: attach_phases */
			pi->attached = s->nphases > 0;
		} else if (lp && s->nsys_tps &&
			   (prog == s->skel->progs.ipc_sys_enter_tp ||
			    prog == s->skel->progs.ipc_sys_exit_tp ||
			    prog == s->skel->progs.ipc_sys_exit_chan_tp)) {
			pi->attached = attach_ipc_tracepoints(s, lp,
				prog != s->skel->progs.ipc_sys_enter_tp, pi);
			if (pi->attached)
				debugf("attached %s\n", pi->name);
		} else if (lp && s->kprobes &&
			   (prog == s->skel->progs.ipc_sys_enter_kp ||
			    prog == s->skel->progs.ipc_sys_exit_kp ||
			    prog == s->skel->progs.ipc_sys_exit_chan_kp)) {
			bool ret = prog != s->skel->progs.ipc_sys_enter_kp;

			s->links[i] = attach_functions(lp, s->sys_func_names, s->sys_func_nrs,
						       s->nsys_tps, ret, pi);
			pi->attached = s->links[i] != NULL;
			snprintf(pi->name, sizeof(pi->name), "%s/%s* (%zu IPC syscalls)%s",
				 ret ? "kretprobe.multi" : "kprobe.multi",
				 SYSCALL_FUNC_PREFIX_SHOWN, s->nsys_tps,
				 prog == s->skel->progs.ipc_sys_exit_chan_kp ?
				 ": time in channel" : "");
		} else if (lp &&
			   prog == s->skel->progs.ipc_range_exit_kp) {
			s->links[i] = attach_functions(lp, s->range_func_names,
						       s->range_func_nrs,
						       ARRAY_SIZE(range_exits), true, pi);
			pi->attached = s->links[i] != NULL;
		} else if (lp &&
			   prog == s->skel->progs.ipc_range_exit) {
			const char *tps[ARRAY_SIZE(range_exits)];

			for (size_t k = 0; k < ARRAY_SIZE(range_exits); k++)
				tps[k] = range_exits[k].tp;
			pi->attached = attach_syscall_tracepoints(s, lp, tps, ARRAY_SIZE(tps),
								  pi);
			if (pi->attached)
				debugf("attached %s\n", pi->name);
		} else if (lp) {
			s->links[i] = bpf_program__attach(lp);
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
	s->t_attached = boottime_ns();
	return 0;
}

struct load_began {
	uint64_t at;
	size_t probe;
};

static int by_load_time(const void *a, const void *b)
{
	const struct load_began *x = a, *y = b;

	return x->at < y->at ? -1 : x->at > y->at;
}

/*
 * How long the kernel took over each program loaded (the verifier, then
 * the JIT): the kernel records when a load began (bpf_prog_info's
 * load_time, CLOCK_BOOTTIME, taken before the verifier runs), and libbpf
 * loads a part's programs one after another, so one's load lasts until
 * the next one of its part began, the last one's until its part's load
 * returned. The little libbpf does between two loads counts in the
 * earlier one's.
 */
static void time_loads(struct session *s)
{
	struct load_began began[MAX_PROBES];
	size_t n = 0;

	for (size_t i = 0; i < s->nprobes; i++) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		int fd = s->prog[i] ? bpf_program__fd(s->prog[i]) : -1;

		memset(&info, 0, sizeof(info));
		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len) && info.load_time &&
		    info.load_time >= s->t_load && info.load_time <= s->t_loaded)
			began[n++] = (struct load_began){ info.load_time, i };
	}
	qsort(began, n, sizeof(began[0]), by_load_time);
	for (size_t k = 0; k < n; k++) {
		size_t i = began[k].probe, next = k + 1;
		uint64_t end;

		while (next < n && s->part_of[began[next].probe] != s->part_of[i])
			next++;
		end = next < n ? began[next].at : s->t_part_loaded[s->part_of[i]];
		s->probes[i].load_ms = (end - began[k].at) / 1e6;
		s->probes[i].load_part = s->part_of[i];
	}
	s->t_first_prog = n ? began[0].at : 0;
	s->nloaded = n;
}

void session_startup(const struct session *s, struct startup_times *out)
{
	bool known = s->t_first_prog && s->t_attached;

	out->total_ms = s->t_attached ? (s->t_attached - s->t_open) / 1e6 : -1;
	out->setup_ms = (s->t_load - s->t_open) / 1e6;
	out->libbpf_ms = known ? (s->t_first_prog - s->t_load) / 1e6 : -1;
	out->load_ms = known ? (s->t_loaded - s->t_first_prog) / 1e6 : -1;
	out->attach_ms = s->t_attached ? (s->t_attached - s->t_loaded) / 1e6 : -1;
	out->programs = s->nloaded;
	out->parts = s->nparts;
}

/*
 * A load against the copy that the kernel refused: its error. The copy is
 * checked against the whole on every kernel of the matrix
 * (kernel.core_btf_copy_relocates_as_the_whole); on another kernel it may
 * lack what a relocation needs, and ipcscope then loads as it did without
 * it, against the whole, for the rest of the process's sessions.
 */
static int core_btf_refused;

/* ipcscope_bpf__open_opts, from elf: the object's ELF, patched */
static struct ipcscope_bpf *open_elf(const void *elf, size_t sz,
				     const struct bpf_object_open_opts *opts)
{
	struct ipcscope_bpf *obj = calloc(1, sizeof(*obj));
	int err;

	if (!obj) {
		errno = ENOMEM;
		return NULL;
	}
	err = ipcscope_bpf__create_skeleton(obj);
	if (!err) {
		obj->skeleton->data = (void *)elf;
		obj->skeleton->data_sz = sz;
		err = bpf_object__open_skeleton(obj->skeleton, opts);
	}
	if (err) {
		ipcscope_bpf__destroy(obj);
		errno = -err;
		return NULL;
	}
	return obj;
}

/*
 * The object's ELF with the kfunc bpf_rdonly_cast's calls made (see
 * objects.bpf.h), where the kernel has it and its ids were found; else
 * NULL, and the programs do not cast (have_rdonly_cast: set_targets).
 */
static void *patch_rdonly_cast(const struct session *s, const void *obj, size_t sz)
{
	const struct core_btf *c = &s->core_btf;
	struct kernel_features kf;
	void *elf;
	int n;

	session_features(&kf);
	if (!kf.rdonly_cast || s->old_paths || !c->task_struct_id || !c->file_id ||
	    !c->rb_node_id || !c->rdonly_cast_id)
		return NULL;
	elf = malloc(sz);
	if (!elf)
		return NULL;
	memcpy(elf, obj, sz);
	n = core_btf_patch_kfunc(elf, sz, c->rdonly_cast_id);
	if (n <= 0) {
		debugf("bpf_rdonly_cast: %s\n", n ? "the object's ELF was not read" :
		       "no call to patch");
		free(elf);
		return NULL;
	}
	debugf("bpf_rdonly_cast: %d calls made the kfunc's (id %u)\n", n,
	       c->rdonly_cast_id);
	return elf;
}

/*
 * The skeleton opened to relocate against the copy of the kernel's BTF
 * that corebtf.c makes, where it can be made (libbpf's search of the
 * whole is a fifth of the start-up); else against the whole, as libbpf
 * does by itself, and after a refusal (core_btf_refused). The same pass
 * finds what bpf_rdonly_cast's calls need, patched into the ELF before
 * libbpf opens it. On failure s->skel is NULL, with errno.
 */
static void open_skeleton(struct session *s)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts);
	const void *obj;
	size_t obj_sz;
	int err;

	s->core_btf_refused = core_btf_refused;
	/* refused before: no copy (the pass still finds the three ids) */
	if (!core_btf_refused && !core_btf_reserve(&s->core_btf))
		opts.btf_custom_path = s->core_btf.path;
	obj = ipcscope_bpf__elf_bytes(&obj_sz);
	err = core_btf_make(obj, obj_sz, &s->core_btf);
	s->core_btf_err = err;
	if (!err) {
		debugf("CO-RE: relocating against a copy of %u of the kernel's %u BTF "
		       "types, for the %u types relocated against (the kernel's BTF %s)\n",
		       s->core_btf.types, s->core_btf.kernel_types, s->core_btf.roots,
		       s->core_btf.mapped ? "mapped" : "read");
	} else {
		if (!core_btf_refused)
			debugf("CO-RE: relocating against the kernel's whole BTF (%s)\n",
			       err == -ECANCELED ? "IPCSCOPE_FULL_KERNEL_BTF is set" :
			       strerror(-err));
		core_btf_close(&s->core_btf);
		opts.btf_custom_path = NULL;
	}
	s->elf = patch_rdonly_cast(s, obj, obj_sz);
	s->btf_path = opts.btf_custom_path;
	s->skel = open_elf(s->elf ? s->elf : obj, obj_sz, &opts);
}

/*
 * How many objects to load the programs in at once: the CPUs this process
 * may run on, at most MAX_PARTS; one with -v (libbpf's logs of the
 * verifier's traces would interleave), with IPCSCOPE_LOAD_PARTS=1, and
 * without the copy of the kernel's BTF (each object's libbpf would parse
 * the whole).
 */
static size_t load_parts_wanted(const struct session *s)
{
	const char *env = getenv("IPCSCOPE_LOAD_PARTS");
	cpu_set_t cpus;
	size_t n = MAX_PARTS;

	if (verbose || !s->btf_path)
		return 1;
	if (env && *env) {
		char *end;
		unsigned long v = strtoul(env, &end, 10);

		if (!*end && v >= 1 && v < n)
			n = v;
	}
	if (!sched_getaffinity(0, sizeof(cpus), &cpus) &&
	    (size_t)CPU_COUNT(&cpus) < n)
		n = CPU_COUNT(&cpus) ? CPU_COUNT(&cpus) : 1;
	return n;
}

/*
 * Which part loads each wanted program: the kernel's verifier, most of a
 * start-up, runs for each program in the thread that loads it, so the
 * parts get about equal shares of the code the programs reach (bpfreach.c:
 * what the verifier walks grows with it), the largest first, each to the
 * part with the least yet. The BTF tracepoint programs all go to the
 * first part: libbpf parses the kernel's whole BTF for them, in each
 * object that has one.
 */
static void assign_parts(struct session *s)
{
	static struct bpf_reach reach[MAX_PROBES * 2];
	static int nreach = -1;
	size_t load[MAX_PARTS] = { 0 }, weight[MAX_PROBES], order[MAX_PROBES], n = 0;

	memset(s->part_of, 0, sizeof(s->part_of));
	if (s->nparts == 1)
		return;		/* no reading of the ELF (0.4 ms) to share nothing out */
	if (nreach < 0) {
		size_t sz;
		const void *obj = ipcscope_bpf__elf_bytes(&sz);

		nreach = bpf_reach_read(obj, sz, reach, ARRAY_SIZE(reach));
		if (nreach < 0)
			debugf("the programs' code not measured (%s): shared out by their "
			       "own size\n", strerror(-nreach));
	}
	for (size_t i = 0; i < s->nprobes; i++) {
		const char *name = bpf_program__name(s->skel_prog[i]);

		weight[i] = bpf_program__insn_cnt(s->skel_prog[i]);
		for (int k = 0; k < nreach && k < (int)ARRAY_SIZE(reach); k++)
			if (!strcmp(reach[k].name, name))
				weight[i] = reach[k].insns;
		if (s->wanted[i] && bpf_program__type(s->skel_prog[i]) == BPF_PROG_TYPE_TRACING)
			load[0] += weight[i];
		else if (s->wanted[i])
			order[n++] = i;
	}
	/* the largest first: n is small, a selection each time */
	for (size_t k = 0; k < n; k++) {
		size_t big = k, least = 0, i;

		for (size_t j = k + 1; j < n; j++)
			if (weight[order[j]] > weight[order[big]])
				big = j;
		i = order[big];
		order[big] = order[k];
		order[k] = i;
		for (size_t p = 1; p < s->nparts; p++)
			if (load[p] < load[least])
				least = p;
		s->part_of[i] = least;
		load[least] += weight[i];
	}
	if (s->nparts > 1)
		debugf("the programs' code (instructions reached) in each part: %zu, %zu\n",
		       load[0], load[1]);
}

/*
 * The copies of the object, one per part: each with the programs of its
 * part wanted, each program with its log (session_setup_logs's). They
 * touch nothing of skel: they are opened while skel loads.
 */
static int open_parts(struct session *s)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .btf_custom_path = s->btf_path);
	size_t obj_sz;
	const void *obj = ipcscope_bpf__elf_bytes(&obj_sz);

	for (size_t k = 0; k < s->nparts; k++) {
		struct bpf_program *prog;
		size_t i = 0;

		s->parts[k] = open_elf(s->elf ? s->elf : obj, obj_sz, &opts);
		if (!s->parts[k])
			return -errno;
		bpf_object__for_each_program(prog, s->parts[k]->obj) {
			bool here = i < s->nprobes && s->wanted[i] && s->part_of[i] == k;

			bpf_program__set_autoload(prog, here);
			if (here) {
				session_use_log(s, i, prog);
				s->prog[i] = prog;
			}
			i++;
		}
	}
	return 0;
}

/* Part k, with skel's maps (the same ELF: the same maps, in the same
 * order), loaded; when its load returned, in t_part_loaded[k] */
static int load_part(struct session *s, size_t k)
{
	struct bpf_map *map, *ours = bpf_object__next_map(s->skel->obj, NULL);
	int err = 0;

	bpf_object__for_each_map(map, s->parts[k]->obj) {
		if (!ours || strcmp(bpf_map__name(map), bpf_map__name(ours))) {
			err = -EINVAL;
			break;
		}
		err = bpf_map__reuse_fd(map, bpf_map__fd(ours));
		if (err)
			break;
		ours = bpf_object__next_map(s->skel->obj, ours);
	}
	if (!err)
		err = ipcscope_bpf__load(s->parts[k]);
	s->t_part_loaded[k] = boottime_ns();
	return err;
}

struct loader {
	struct session *s;
	pthread_barrier_t ready;	/* the parts opened, skel loaded */
	int skel_err, open_err;
};

/* The second thread: opens the parts while the first loads skel, then
 * loads part 1 */
static void *second_loader(void *arg)
{
	struct loader *l = arg;

	l->open_err = open_parts(l->s);
	pthread_barrier_wait(&l->ready);
	if (!l->skel_err && !l->open_err)
		l->s->part_err[1] = load_part(l->s, 1);
	return NULL;
}

/*
 * Load the wanted programs (those of skel whose autoload is set): skel is
 * loaded with none, which makes the maps (and sets the read-only data),
 * while a second thread opens the copies of the object; then each thread
 * loads one copy's share of the programs, with skel's maps. With two CPUs
 * the verifier, most of a start-up, runs on both. One part: the same, in
 * one thread. 0 or the first error; prog[] says which copy loaded each
 * program, part_err[] how each load ended.
 */
static int load_programs(struct session *s)
{
	struct loader l = { .s = s };
	struct bpf_program *prog;
	bool threaded = false;
	pthread_t second;
	size_t i = 0;

	bpf_object__for_each_program(prog, s->skel->obj) {
		if (i < s->nprobes) {
			s->wanted[i] = bpf_program__autoload(prog);
			s->skel_prog[i] = prog;
		}
		bpf_program__set_autoload(prog, false);
		i++;
	}
	s->nparts = load_parts_wanted(s);
	assign_parts(s);
	if (s->nparts == 2 && !pthread_barrier_init(&l.ready, NULL, 2)) {
		threaded = !pthread_create(&second, NULL, second_loader, &l);
		if (!threaded)
			pthread_barrier_destroy(&l.ready);
	}
	l.skel_err = ipcscope_bpf__load(s->skel);
	if (threaded) {
		pthread_barrier_wait(&l.ready);
		if (!l.skel_err && !l.open_err)
			s->part_err[0] = load_part(s, 0);
		pthread_join(second, NULL);
		pthread_barrier_destroy(&l.ready);
	} else {
		/* one part, or no second thread: one after another */
		l.open_err = l.skel_err ? 0 : open_parts(s);
		for (size_t k = 0; !l.skel_err && !l.open_err && k < s->nparts; k++)
			s->part_err[k] = load_part(s, k);
	}
	/* the loading ends with the last part's: a part's programs' times
	   (time_loads) add up to their part's, the last one's to the whole */
	s->t_loaded = 0;
	for (size_t k = 0; !l.skel_err && !l.open_err && k < s->nparts; k++)
		if (s->t_part_loaded[k] > s->t_loaded)
			s->t_loaded = s->t_part_loaded[k];
	if (!s->t_loaded)
		s->t_loaded = boottime_ns();	/* no part loaded */
	if (l.skel_err || l.open_err)
		return l.skel_err ? l.skel_err : l.open_err;
	for (size_t k = 0; k < s->nparts; k++)
		if (s->part_err[k])
			return s->part_err[k];
	return 0;
}

struct bpf_program *session_loaded(const struct session *s, const struct bpf_program *p)
{
	for (size_t i = 0; i < s->nprobes; i++)
		if (s->skel_prog[i] == p)
			return s->prog[i];
	return NULL;
}

void session_core_btf(const struct session *s, char *buf, size_t len)
{
	const struct core_btf *c = &s->core_btf;

	if (s->core_btf_refused)
		snprintf(buf, len, "the kernel's whole BTF (loading against a copy of "
			 "part of it was refused: %s)", strerror(-s->core_btf_refused));
	else if (s->core_btf_err)
		snprintf(buf, len, "the kernel's whole BTF (%s)",
			 s->core_btf_err == -ECANCELED ? "IPCSCOPE_FULL_KERNEL_BTF is set" :
			 strerror(-s->core_btf_err));
	else
		snprintf(buf, len, "a copy of %u of the kernel's %u BTF types, the "
			 "candidates of the %u types read", c->types, c->kernel_types, c->roots);
}

/*
 * libbpf 1.1 parses the kernel's whole BTF itself at load for a BTF
 * tracepoint (tp_btf) program: --all-syscalls's on 6.x, explain's (its
 * obj_needs_vmlinux_btf; the object's CO-RE goes to the copy, and its one
 * kfunc is patched in: open_skeleton)
 */
static bool libbpf_parses_kernel_btf(struct bpf_object *obj)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, obj)
		if (bpf_program__autoload(prog) &&
		    bpf_program__type(prog) == BPF_PROG_TYPE_TRACING)
			return true;
	return false;
}

/* t_open: when the first try began (start-up counts from there) */
static int open_at(struct session **out, const struct session_config *cfg,
		   uint64_t t_open)
{
	struct session *s;
	int err;

	*out = NULL;
	libbpf_set_print(libbpf_print);
	err = kernel_check_btf();
	if (err)
		return err;
	err = ensure_tracefs();
	if (err)
		return err;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->core_btf.fd = -1;
	s->t_open = t_open;
	s->old_paths = getenv("IPCSCOPE_OLD_KERNEL_PATHS") != NULL;
	s->ncpus = libbpf_num_possible_cpus();
	if (s->ncpus <= 0) {
		errorf("cannot count CPUs: %s", strerror(-s->ncpus));
		err = s->ncpus ? s->ncpus : -EINVAL;
		goto fail;
	}
	open_skeleton(s);
	if (!s->skel) {
		err = -errno;
		errorf("cannot open the BPF object: %s", strerror(errno));
		goto fail;
	}
	set_targets(s, cfg);
	size_unused_counts(s);
	err = setup_trace(s, cfg);
	if (err)
		goto fail;
	list_probes(s);
	err = setup_phases(s, cfg);
	if (err)
		goto fail;
	pick_fault_probe(s);
	setup_explain(s, cfg);
	setup_chan(s, cfg, pick_syscall_hook(s, cfg));
	err = session_setup_logs(s);
	if (err)
		goto fail;

	if (libbpf_parses_kernel_btf(s->skel->obj))
		core_btf_heap(2);
	s->t_load = boottime_ns();
	err = load_programs(s);
	core_btf_close(&s->core_btf);	/* libbpf has read it */
	if (err && err != -EPERM && !s->core_btf_err && !core_btf_refused) {
		debugf("loading against the copy of the kernel's BTF was refused (%s): "
		       "again, against the whole\n", strerror(-err));
		core_btf_refused = err;
		session_close(s);
		return open_at(out, cfg, t_open);
	}
	if (!err)
		time_loads(s);
	session_fill_checks(s);
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
			session_report_refusal(s, err);
		goto fail;
	}
	if (cfg->load_only) {
		*out = s;
		return 0;
	}
	err = open_inputs(s, cfg);
	if (err)
		goto fail;
	if (!cfg->defer_attach) {
		err = attach_probes(s);
		if (err)
			goto fail;
	}
	*out = s;
	return 0;
fail:
	session_close(s);
	return err;
}

int session_open(struct session **out, const struct session_config *cfg)
{
	return open_at(out, cfg, boottime_ns());
}

int session_attach(struct session *s)
{
	return attach_probes(s);
}

/* What a detaching thread does: destroy a link, or close a link's fd */
struct detach_job {
	struct bpf_link *link;
	int fd;
};

static void *detach_one(void *arg)
{
	struct detach_job *j = arg;

	if (j->link)
		bpf_link__destroy(j->link);
	else
		close(j->fd);
	return NULL;
}

/* Closes every fd but the n in keep (sorted), in a child after fork */
static void close_all_but(const int *keep, size_t n)
{
	unsigned first = 0;

	for (size_t i = 0; i <= n; i++) {
		unsigned last = i < n ? (unsigned)keep[i] : ~0U;

		if (last > first &&
		    syscall(SYS_close_range, first, last - 1 + (i == n), 0) < 0) {
			/* before Linux 5.9: one by one, as far as fds usually go */
			for (unsigned fd = first; fd < last && fd < 4096; fd++)
				close(fd);
		}
		first = last + 1;
	}
}

static int by_fd(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/*
 * Closes the n fds (perf events whose programs are detached already) in a
 * process of their own that nobody waits for: the last close of a perf
 * event on a tracepoint waits for the kernel to unregister it, and those
 * waits take turns (see destroy_links). A double fork: init reaps the
 * closer. It waits until we have closed our copies (a pipe's end), so that
 * its closes are the last ones, and keeps nothing else open (not our
 * output's pipe). If it cannot be made, they are closed here, waiting.
 */
static void close_in_background(int *fds, size_t n)
{
	int go[2] = { -1, -1 };
	pid_t child;

	if (!n)
		return;
	child = pipe2(go, O_CLOEXEC) ? -1 : fork();
	if (child == 0) {
		if (fork() == 0) {
			int keep[MAX_SYS_TPS * 2 + 1];
			char c;

			memcpy(keep, fds, n * sizeof(*fds));
			keep[n] = go[0];
			qsort(keep, n + 1, sizeof(*keep), by_fd);
			close_all_but(keep, n + 1);
			while (read(go[0], &c, 1) < 0 && errno == EINTR)
				;
			for (size_t i = 0; i < n; i++)
				close(fds[i]);
			_exit(0);
		}
		_exit(0);
	}
	if (child > 0) {
		close(go[0]);
		waitpid(child, NULL, 0);
	}
	for (size_t i = 0; i < n; i++)
		close(fds[i]);
	if (child > 0) {
		close(go[1]);
	} else if (go[0] >= 0) {
		close(go[0]);
		close(go[1]);
	}
}

/*
 * Detaching waits for the kernel: a program's link on a tracepoint for an
 * RCU grace period (about 25-55 ms here), and the last close of a classic
 * tracepoint's perf event for the tracepoint to be unregistered. The first
 * waits overlap when made from threads (17 probes took 0.9 s one after
 * another); the second take turns (a mutex all perf tracepoint events
 * share: the 46 tracepoints of the IPC syscalls took 1.1 s to close). So
 * the links are detached from threads, and the IPC syscalls' programs,
 * attached through BPF links of their own where the kernel has them (perf
 * links, Linux 5.15+), leave their perf events, disabled, to
 * close_in_background. Before 5.15 such a link is its perf event: closed
 * in a thread like the others. If a thread cannot start, detach inline.
 */
static void destroy_links(struct session *s)
{
	struct detach_job jobs[MAX_PROBES + MAX_SYS_TPS * 2];
	pthread_t threads[ARRAY_SIZE(jobs)];
	bool started[ARRAY_SIZE(jobs)] = { false };
	int lingering[MAX_SYS_TPS * 2];
	size_t n = 0, nlinger = 0;

	for (size_t i = 0; i < s->nphase_links; i++)
		bpf_link__destroy(s->phase_links[i]);	/* uprobes: no RCU wait */
	s->nphase_links = 0;
	for (size_t i = 0; i < s->nsys_links; i++) {
		struct bpf_link *l = s->sys_links[i];
		int lfd = bpf_link__fd(l), pfd = s->sys_pfds[i];

		if (lfd == pfd) {
			/* attached by ioctl: the link's destroy closes pfd */
			jobs[n++] = (struct detach_job){ .link = l, .fd = -1 };
			continue;
		}
		ioctl(pfd, PERF_EVENT_IOC_DISABLE, 0);
		bpf_link__disconnect(l);
		bpf_link__destroy(l);	/* disconnected: frees, closes nothing */
		/* the program is detached as lfd closes */
		jobs[n++] = (struct detach_job){ .link = NULL, .fd = lfd };
		lingering[nlinger++] = pfd;
	}
	s->nsys_links = 0;
	for (size_t i = 0; i < s->nprobes; i++) {
		if (s->links[i]) {
			/* a kprobe.multi link's misses, while it has them: one
			   bpf() call each, which runs no program (a map read
			   could hold up the classic tracepoints' on 7.x, see
			   record.c); none for the others */
			if (s->probes[i].nfunctions)
				s->links_missed[i] = session_link_missed(s->links[i]);
			jobs[n++] = (struct detach_job){ .link = s->links[i], .fd = -1 };
		}
		s->links[i] = NULL;
	}
	for (size_t i = 0; i < n; i++)
		started[i] = pthread_create(&threads[i], NULL, detach_one, &jobs[i]) == 0;
	for (size_t i = 0; i < n; i++) {
		if (started[i])
			pthread_join(threads[i], NULL);
		else
			detach_one(&jobs[i]);
	}
	close_in_background(lingering, nlinger);
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
	for (size_t k = 0; k < s->nparts; k++)
		ipcscope_bpf__destroy(s->parts[k]);
	ipcscope_bpf__destroy(s->skel);
	core_btf_close(&s->core_btf);
	free(s->elf);
	for (size_t i = 0; i < MAX_PROBES; i++)
		free(s->logs[i]);
	free(s);
}

int session_poll_events(struct session *s, int timeout_ms)
{
	int n;

	if (!s->events)
		return -EINVAL;
	if (timeout_ms == 0)
		return ring_buffer__consume(s->events);
	/* the kernel wakes us only once an eighth of the buffer is full
	   (event_submit): at a trickle, what came is taken at the timeout */
	n = ring_buffer__poll(s->events, timeout_ms);
	return n == 0 ? ring_buffer__consume(s->events) : n;
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
size_t session_probes(const struct session *s, const struct probe_info **out)
{
	*out = s->probes;
	return s->nprobes;
}
