/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * session.h - the thin libbpf layer: open the skeleton, set the read-only
 * settings, load, attach what this kernel has, follow targets, read the maps
 * into a snapshot, detach. Everything else in user/ is pure C.
 */
#ifndef SESSION_H
#define SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "snapshot.h"

struct session;

/* trace: called for each event, in the thread that polls; non-zero stops the poll */
typedef int (*session_event_fn)(void *ctx, const struct ipc_event *e);

/*
 * A phase the traced program marks with USDT probes (--usdt-phase): the
 * probe provider:start in the executable or library path begins "between
 * the marks", provider:end begins "after" (enum ipc_phase).
 */
struct usdt_phase {
	const char *path;
	const char *provider, *start, *end;
};
#define MAX_USDT_PHASES 8

struct session_config {
	bool all;		/* trace every process but ourselves */
	pid_t self;		/* never traced */
	const char *comm;	/* --comm: processes that exec this name join */
	bool time_in_channel;	/* --time-in-channel: see setup_chan */
	bool every_syscall;	/* --all-syscalls: count every syscall of the
				   targets, not only their IPC syscalls (see
				   pick_syscall_hook) */
	bool syscall_numbers;	/* count the targets' syscalls by number
				   (validate's mode switches; sys_counts) */
	int cgroup_fd;		/* --cgroup on cgroup v2: an fd of its directory; -1 */
	/* `ipcscope trace`: stream events of trace_kinds through a ring
	   buffer of buffer_kb KiB to on_event; off when on_event is NULL */
	session_event_fn on_event;
	void *event_ctx;
	uint32_t trace_kinds;
	unsigned buffer_kb;
	/* `ipcscope check`: load the programs, attach none; a refusal is
	   reported by session_checks, not an error of session_open */
	bool load_only;
	/* count by phase, as marked by these USDT probes (copied); none:
	   not by phase */
	const struct usdt_phase *phases;
	size_t nphases;
	/* load, attach nothing yet: session_attach does, once the targets
	   running now are in the map (a bpf() call while the programs run
	   can make the kernel skip them: see session_attach) */
	bool defer_attach;
	/* `ipcscope explain`: also stream every syscall of the targets,
	   their wakeups and switches, marks and packets (needs on_event);
	   off, the explain programs stand by */
	bool explain;
};

/* What loading one program gave (session_checks). */
struct prog_check {
	char name[64];		/* the program: "ipc_sys_enter" */
	char section[64];	/* its hook: "tp_btf/sys_enter" */
	bool wanted;		/* loaded on this kernel (not a missing hook, a
				   fallback not needed, or turned off) */
	bool loaded;		/* the verifier accepted it */
	bool refused;		/* the verifier refused it: reason says why */
	long insns;		/* instructions the verifier processed; -1: unknown */
	double load_ms;		/* the kernel's load of it (probe_info); -1: unknown */
	int nfuncs;		/* functions in it, and each one's stack bytes */
	int depth[16];
	int chain_bytes;	/* its deepest call chain's stack; -1: unknown */
	int chain_len;		/* functions on that chain */
	bool chain_exact;	/* false: a bound (see verifier_deepest_chain) */
	char reason[200];	/* why it was refused, or why it is not wanted */
	const char *missing;	/* the kernel feature that explains a refusal */
};

/* Prints what went wrong (one line) and returns a negative errno on failure. */
int session_open(struct session **out, const struct session_config *cfg);
/*
 * After session_open with defer_attach: attaches the programs (a negative
 * errno, said, when a phase's probe cannot be attached). On 7.x a
 * bpf() call (a map update, a read) preempted while the programs run holds
 * the per-CPU guard of the classic tracepoints' programs, and the kernel
 * skips them on that CPU until it runs again: the targets go into the
 * map before, not after.
 */
int session_attach(struct session *s);
/* Detaches everything; accepts NULL. */
void session_close(struct session *s);
/* Detaches the probes but keeps the maps, to read what they counted. */
void session_detach(struct session *s);

/*
 * trace: hand the events waiting in the ring buffer to on_event, waiting up
 * to timeout_ms for the kernel's wakeup (0: do not wait, -1: forever); what
 * is there at the timeout is handed over too, so an event waits at most
 * timeout_ms. Returns how many, or a negative errno (-EINTR when a signal
 * came).
 */
int session_poll_events(struct session *s, int timeout_ms);
/* What names an object (an events.h event_lookup_fn; ctx: the session). */
int session_obj_names(void *ctx, const struct ipc_obj_key *key,
		      struct ipc_obj_info *info, struct ipc_sock_info *sock);

/*
 * Empty every map (targets, counts, drops) for the next run in the same
 * session: nothing traced may be running. Prints what failed.
 */
int session_reset(struct session *s);

int session_add_target(struct session *s, pid_t tgid);
/*
 * For `top`: forgets the processes that had exited by the reading shown,
 * with their endpoints and the signals they sent or were sent, so that the
 * maps keep room for new processes however many come and go. Returns how many.
 * A later reading no longer has them (top's rates are by endpoint, so the
 * others' rates stay right).
 */
size_t session_evict_exited(struct session *s, const struct snapshot *shown);

int session_read(const struct session *s, struct snapshot *snap);
/* Every program of the object, after session_open, as the verifier saw it. */
size_t session_checks(const struct session *s, const struct prog_check **out);
size_t session_probes(const struct session *s, const struct probe_info **out);
/* Where the start-up went, session_open to attached (struct startup_times) */
void session_startup(const struct session *s, struct startup_times *out);
/* What libbpf relocated the programs against, in words (corebtf.c) */
void session_core_btf(const struct session *s, char *buf, size_t len);
/* Whether the targets' every syscall is counted (their syscall counts);
 * false: only their IPC syscalls run the programs (pick_syscall_hook) */
bool session_counts_every_syscall(const struct session *s);

/* What this kernel offers BPF, found by asking it (probes), not by version. */
struct kernel_features {
	bool btf;		/* /sys/kernel/btf/vmlinux: CO-RE, tp_btf */
	bool task_btf;		/* bpf_get_current_task_btf (5.11+) */
	bool atomics;		/* atomics that return a value (5.12+) */
	bool find_vma;		/* bpf_find_vma (5.17+) */
	bool task_pt_regs;	/* bpf_task_pt_regs (5.15+) */
	bool no_prealloc;	/* hash maps safely not preallocated (6.1+) */
	bool rdonly_cast;	/* the kfunc bpf_rdonly_cast (6.2+) */
	/* tp_btf programs on sys_enter run preemptible (7.x): see
	   pick_syscall_hook; asked only from 7.0 on, where it may be so */
	bool preemptible_tp_btf;
	/* the IPC syscalls' own tracepoints, all of them (pick_syscall_hook) */
	bool ipc_syscall_tps;
	/* kprobe.multi links can be made (CONFIG_FPROBE, Linux 5.18+) */
	bool kprobe_multi;
	/* and their return probes hold no slot of a fixed pool while the
	   function runs (fprobe on the function graph tracer: Linux 6.14+) */
	bool fprobe_no_pool;
};
void session_features(struct kernel_features *f);
/* Whether record's default hooks, the IPC syscalls' own tracepoints, are
 * used here (see pick_syscall_hook) */
bool ipc_tracepoints_usable(const struct kernel_features *kf);
/* Whether record's default hooks are the IPC syscalls' own functions
 * instead (kprobe.multi: see pick_syscall_hook) */
bool ipc_kprobes_usable(const struct kernel_features *kf);

/* tracefs must be mounted for libbpf to attach tracepoints: mount it if not. */
int ensure_tracefs(void);

#endif /* SESSION_H */
