/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * maps.bpf.h - the maps, the read-only settings, drop counting and the
 * event ring buffer: what every ipcscope probe reads or writes.
 *
 * The maps and settings are defined once, in core.bpf.c (which defines
 * IPCSCOPE_DEFINE_MAPS before including this file); every other .bpf.c
 * sees them as externs and `bpftool gen object` links them into one
 * object, one skeleton. Also here: is this process a target, and the
 * helpers for creating map entries.
 */
#ifndef MAPS_BPF_H
#define MAPS_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "ipcscope.h"

#define MAX_TARGETS	8192
#define MAX_INFLIGHT	32768	/* threads of targets that made an IPC call */
#define MAX_OBJECTS	16384
#define MAX_ENDPOINTS	32768
#define MAX_PROCS	16384
#define MAX_ERRNOS	1024
/* each child's exit is a SIGCHLD row of its own (the child its sender): a
   row for every process the process map holds */
#define MAX_SIGNAL_KEYS	MAX_PROCS
#define MAX_MSG_TYPES	4096

#define EEXIST		17	/* errno values; vmlinux.h has no macros */
#define EBUSY		16

/* A map's type, as libbpf reads it from BTF */
#define IPC_MAP_TYPE(map_type, key_type, value_type, entries)		\
	struct {							\
		__uint(type, map_type);					\
		__uint(max_entries, entries);				\
		__type(key, key_type);					\
		__type(value, value_type);				\
	}

#ifdef IPCSCOPE_DEFINE_MAPS
#define IPC_MAP(name, map_type, key_type, value_type, entries)		\
	IPC_MAP_TYPE(map_type, key_type, value_type, entries) name SEC(".maps")
#define IPC_SETTING(type, name)	const volatile type name = 0
#define IPC_SETTING_ARRAY(type, name, n) const volatile type name[n] = {}
#define IPC_GLOBAL(decl)	decl = {}
#else
#define IPC_MAP(name, map_type, key_type, value_type, entries)		\
	extern IPC_MAP_TYPE(map_type, key_type, value_type, entries)	\
		name SEC(".maps")
#define IPC_SETTING(type, name)	extern const volatile type name
#define IPC_SETTING_ARRAY(type, name, n) extern const volatile type name[n]
#define IPC_GLOBAL(decl)	extern decl
#endif

/* A map only one .bpf.c file uses: defined there, not shared. */
#define IPC_MAP_PRIVATE(name, map_type, key_type, value_type, entries)	\
	IPC_MAP_TYPE(map_type, key_type, value_type, entries) name SEC(".maps")

/* Read-only settings, fixed before load. */
IPC_SETTING(bool, targ_all);		/* -a: every process but ourselves */
IPC_SETTING(__u32, self_tgid);		/* ipcscope itself, never counted */
/* --comm: processes that exec a program of this name join the targets */
IPC_SETTING(bool, targ_comm_set);
IPC_SETTING_ARRAY(char, targ_comm, 16);
/* --cgroup (v2): processes that exec or fork in it, or below it, join */
IPC_SETTING(bool, targ_cgroup_set);
/* `ipcscope trace`: stream events of these kinds (1 << kind, and
 * IPC_TRACE_SIGNALS) to the ring buffer. Off: one predictable branch. */
IPC_SETTING(bool, trace_events);
IPC_SETTING(__u32, trace_kinds);
/* wake the reader once this much is waiting; below it, it polls */
IPC_SETTING(__u64, trace_wakeup_bytes);
/* the kernel has the helper bpf_get_current_task_btf (5.11+: loads
 * through BTF pointers in fd_file_addr and compat_syscall, CO-RE reads
 * without), and the kfunc bpf_rdonly_cast (6.2+: fd_file_addr and
 * file_object, objects.bpf.h; its calls patched in by user space).
 * Settings, not CO-RE checks of enum bpf_func_id: user space knows
 * (session_features), and a kernel type fewer for libbpf to look up at
 * start-up. Off, the verifier never reaches the calls. Both off for the
 * tests' IPCSCOPE_OLD_KERNEL_PATHS, which runs an older kernel's code
 * paths on this one (set_targets). */
IPC_SETTING(bool, have_task_btf);
IPC_SETTING(bool, have_rdonly_cast);
/* the kernel's BTF ids of struct task_struct, struct file and struct
 * rb_node (fd_file_addr), which bpf_rdonly_cast takes: found by user
 * space in its pass over the kernel's BTF (user/corebtf.c), so that
 * libbpf can relocate against a copy of part of it (have_rdonly_cast is
 * off where they, or the kfunc's own id, are not known) */
IPC_SETTING(__u32, kernel_btf_task_struct);
IPC_SETTING(__u32, kernel_btf_file);
IPC_SETTING(__u32, kernel_btf_rb_node);
/* the syscall programs see every syscall (--all-syscalls), not only the
 * IPC syscalls (their own tracepoints): what a process's syscalls count */
IPC_SETTING(bool, every_syscall);
/* count the targets' syscalls by number too (sys_counts: validate) */
IPC_SETTING(bool, count_syscall_numbers);
/* count by phase (phase_counts, phase_sys_counts): --usdt-phase, validate */
IPC_SETTING(bool, count_phases);
/* `ipcscope explain`: stream every syscall of the targets, their wakeups
 * and switches, their marks and their packets (IPC_EVENT_SYSCALL...) */
IPC_SETTING(bool, trace_explain);
/* enum ipc_sys by syscall number: what ipc_sys_enter does for it */
IPC_SETTING_ARRAY(__u8, sys_handler, IPC_NR_SYSCALLS);
/* the numbers of mmap, mremap, munmap and shmat (enum ipc_range_syscall):
 * which exit ipc_range_exit runs on */
IPC_SETTING_ARRAY(__u32, range_syscalls, IPC_RANGE_SYSCALLS);

/* Drop counters, read by user space through the skeleton's .bss. */
IPC_GLOBAL(__u64 drops[IPC_DROP_MAX]);
/* The session's phase, set by the marks (phase.bpf.c), and the marks
 * seen. User space resets it with the maps. */
IPC_GLOBAL(struct ipc_phase_state phase_state);
/* Bystanders, known by CPU, and the targets' generation (ipcscope.h) */
IPC_GLOBAL(struct ipc_bystander bystanders[IPC_BYSTANDER_CPUS]);
IPC_GLOBAL(__u64 targets_gen[1]);	/* an array: IPC_GLOBAL's = {} */

/* Processes being traced (tgid -> 1); children are added on fork. */
IPC_MAP(targets, BPF_MAP_TYPE_HASH, __u32, __u8, MAX_TARGETS);
/* Every process seen, exited ones included: a reused pid gets a new record. */
IPC_MAP(procs, BPF_MAP_TYPE_HASH, struct ipc_proc_key, struct ipc_proc, MAX_PROCS);
IPC_MAP(op_stats, BPF_MAP_TYPE_PERCPU_ARRAY, __u32, struct ipc_op_stats,
	IPC_OP_SLOTS);
IPC_MAP(op_errors, BPF_MAP_TYPE_HASH, struct ipc_err_key, __u64, MAX_ERRNOS);
IPC_MAP(endpoints, BPF_MAP_TYPE_HASH, struct ipc_ep_key, struct ipc_ep_stats,
	MAX_ENDPOINTS);
IPC_MAP(obj_info, BPF_MAP_TYPE_HASH, struct ipc_obj_key, struct ipc_obj_info,
	MAX_OBJECTS);
IPC_MAP(sock_info, BPF_MAP_TYPE_HASH, struct ipc_obj_key, struct ipc_sock_info,
	MAX_OBJECTS);
IPC_MAP(msg_types, BPF_MAP_TYPE_HASH, struct ipc_msgtype_key,
	struct ipc_msgtype_stats, MAX_MSG_TYPES);
IPC_MAP(sig_stats, BPF_MAP_TYPE_HASH, struct ipc_sig_key, __u64, MAX_SIGNAL_KEYS);
IPC_MAP(sig_lat, BPF_MAP_TYPE_PERCPU_ARRAY, __u32, struct ipc_sig_lat, IPC_NSIG);
IPC_MAP(sys_counts, BPF_MAP_TYPE_PERCPU_ARRAY, __u32, __u64, IPC_NR_SYSCALLS);
/* count_phases: the targets' counts by phase, and their syscalls by phase
 * and number (index phase * IPC_NR_SYSCALLS + number) */
IPC_MAP(phase_counts, BPF_MAP_TYPE_PERCPU_ARRAY, __u32, struct ipc_phase_counts,
	IPC_PHASES);
IPC_MAP(phase_sys_counts, BPF_MAP_TYPE_PERCPU_ARRAY, __u32, __u64,
	IPC_PHASES * IPC_NR_SYSCALLS);

/* The current phase's counts (count_phases), or NULL */
static __always_inline struct ipc_phase_counts *phase_now(void)
{
	__u32 ph = phase_state.now;

	return bpf_map_lookup_elem(&phase_counts, &ph);
}

/*
 * The record of a syscall's exit, as the classic tracepoints' programs
 * read it: each syscall's own tracepoint's (syscalls:sys_exit_mmap and
 * the others: the number an int at offset 8, 4 bytes of padding the
 * kernel does not write, the return value at 16), and raw_syscalls:
 * sys_exit's (the number a long at 8, of which nr is the low half on a
 * little-endian machine: core.bpf.c asserts it; the return value at 16).
 * A fixed layout, not CO-RE's trace_event_raw_sys_exit: one kernel type
 * fewer for libbpf to look up among all the kernel's at start-up.
 */
struct ipc_tp_sys_exit {
	__u64 common;		/* struct trace_entry */
	int nr;
	int pad;
	long ret;
};

/*
 * Where a process has shared mappings, so that a page fault anywhere else
 * is not looked up (bpf_find_vma costs microseconds at the fault
 * tracepoint, and fails while another thread holds the address space's
 * lock). Known from exec on: an exec'd process starts with none; a shared
 * mmap adds its range (from its arguments: a private one needs no lookup),
 * mremap moves it, munmap forgets it, and a child inherits its parent's.
 * A range's object, once a lookup found it, is kept (key; IPC_KIND_NONE:
 * not known yet), so a later fault there needs no lookup. A process
 * without an entry (running before tracing began), with more shared
 * mappings than slots, or whose shmat could not be looked up, has every
 * fault looked up (all).
 */
#define MAX_SHARED_RANGES 16
struct shared_range {
	__u64 start, end;	/* end 0: a free slot */
	struct ipc_obj_key key;
};
struct shared_ranges {
	__u32 n;		/* slots ever used */
	__u32 all;		/* not known: look at every fault */
	struct shared_range r[MAX_SHARED_RANGES];
};
IPC_MAP(shared_ranges, BPF_MAP_TYPE_HASH, __u32, struct shared_ranges, MAX_PROCS);
/* Never written: an exec'd process's entry, too big for the stack */
static struct shared_ranges shared_ranges_zero;

/* --cgroup: the cgroup, at index 0 */
IPC_MAP(targ_cgroups, BPF_MAP_TYPE_CGROUP_ARRAY, __u32, __u32, 1);

/* trace: struct ipc_event records. User space sets the size before load
 * (a power of two of pages); one page when not tracing. */
#ifdef IPCSCOPE_DEFINE_MAPS
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");
#else
extern struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");
#endif

/* The threads' entries (the inflight map) are in inflight.bpf.h, with their
 * type. */

static __always_inline void count_drop(enum ipc_drop why)
{
	__sync_fetch_and_add(&drops[why], 1);
}

/*
 * A BPF_NOEXIST update failed for want of room (the map is full, or, not
 * preallocated, no memory: see setup_map_alloc in session.c), not because
 * another CPU added the key first.
 */
static __always_inline bool no_room(long err)
{
	return err && err != -EEXIST;
}

/*
 * Hand an event to user space. A wakeup per event would cost the traced
 * process and the reader a context switch each: the reader is woken only
 * when a batch is waiting, and otherwise polls every few milliseconds.
 */
static __always_inline void event_submit(struct ipc_event *e)
{
	__u64 waiting = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);

	bpf_ringbuf_submit(e, waiting >= trace_wakeup_bytes ? BPF_RB_FORCE_WAKEUP
							   : BPF_RB_NO_WAKEUP);
}

/* Is an event of this kind (or IPC_TRACE_SIGNALS) to be streamed? */
static __always_inline bool trace_wanted(__u32 kind_bit)
{
	return trace_events && (trace_kinds & kind_bit);
}

static __always_inline __u32 kind_bit(__u32 kind)
{
	return kind < IPC_KIND_MAX ? 1U << kind : 0;
}

/* dur: the syscall's duration, or NO_DURATION (page faults, signals) */
#define NO_DURATION	(~0ULL)

/*
 * A zeroed event for the current thread, or NULL when the ring buffer is
 * full: that loss is counted, user space reports it.
 */
static __always_inline struct ipc_event *event_reserve(__u32 type, __u64 now)
{
	struct ipc_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	__u64 id;

	if (!e) {
		count_drop(IPC_DROP_TRACE);
		return NULL;
	}
	__builtin_memset(e, 0, sizeof(*e));
	id = bpf_get_current_pid_tgid();
	e->ts_ns = now;
	e->tgid = id >> 32;
	e->pid = (__u32)id;
	e->type = type;
	e->cpu = bpf_get_smp_processor_id();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	return e;
}

/* A process joined the targets: every CPU's known bystander is stale */
static __always_inline void targets_joined(void)
{
	__sync_fetch_and_add(&targets_gen[0], 1);
}

/*
 * The current thread, known on this CPU as no target since the last join:
 * its syscall needs no lookup. slot and gen: what to record if it turns
 * out not to be one (the generation read before looking).
 */
static __always_inline bool known_bystander(__u64 id, __u32 *slot, __u64 *gen)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct ipc_bystander *b;

	*gen = targets_gen[0];
	*slot = cpu;
	if (cpu >= IPC_BYSTANDER_CPUS)
		return false;
	b = &bystanders[cpu];
	if (b->gen != *gen)
		return false;
	for (int i = 0; i < IPC_BYSTANDER_WAYS; i++)
		if (b->id[i] == id)
			return true;
	return false;
}

/* id is no target at generation gen: remembered on its CPU (slot), in the
 * way taken longest ago; the others forgotten if the generation moved */
static __always_inline void remember_bystander(__u64 id, __u32 slot, __u64 gen)
{
	struct ipc_bystander *b;
	__u64 w;

	if (slot >= IPC_BYSTANDER_CPUS)
		return;
	b = &bystanders[slot];
	if (b->gen != gen) {
		for (int i = 0; i < IPC_BYSTANDER_WAYS; i++)
			b->id[i] = 0;
		b->next = 0;
		b->gen = gen;
	}
	w = b->next & (IPC_BYSTANDER_WAYS - 1);
	b->id[w] = id;
	b->next = w + 1;
}

static __always_inline bool is_target(__u32 tgid)
{
	if (targ_all)
		return tgid != self_tgid;
	return bpf_map_lookup_elem(&targets, &tgid) != NULL;
}

static __always_inline __u32 current_tgid(void)
{
	return bpf_get_current_pid_tgid() >> 32;
}

/*
 * When the current process started (struct ipc_proc_key): with its tgid it
 * names one process, not whichever holds the pid now. Two CO-RE reads, no
 * map lookup; called where a process's record is looked up, not on every
 * syscall. A global function, verified once (core.bpf.c).
 */
__u64 current_start(void);

/* explain: a target's syscall returning (explain.bpf.c; global, verified
 * once for the exit programs) */
int explain_syscall(__u32 nr, __s64 ret, __u64 start_ns, __u32 cpu);

/* Look a key up, creating it from init if missing; NULL if the map is full. */
static __always_inline void *lookup_or_create(void *map, const void *key,
					      const void *init)
{
	void *val = bpf_map_lookup_elem(map, key);

	if (val)
		return val;
	/* EEXIST means another CPU created it meanwhile: the lookup finds it */
	bpf_map_update_elem(map, key, init, BPF_NOEXIST);
	return bpf_map_lookup_elem(map, key);
}

/* lookup_or_create, counting a drop if the map is full. */
static __always_inline void *lookup_or_init(void *map, const void *key,
					    const void *init, enum ipc_drop why)
{
	void *val = lookup_or_create(map, key, init);

	if (!val)
		count_drop(why);
	return val;
}

/*
 * The histogram slot of a time (ipc_hist_slot, ipcscope.h). A global
 * function (core.bpf.c), verified once per program: when it was five
 * compares (as libbpf-tools' bits.bpf.h), their 32 ways through were most
 * of ipc_sys_exit's instructions inlined, 363 of them as a global
 * function. The caller bounds the result again: a global function's is
 * not known.
 */
__u64 hist_slot(__u64 v);

#endif /* MAPS_BPF_H */
