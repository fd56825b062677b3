/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * session_int.h - what session.c, session_maps.c and kernel.c share: the
 * session itself, and the kernel checks session_open makes. Not for
 * anything outside those three.
 */
#ifndef SESSION_INT_H
#define SESSION_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "corebtf.h"
#include "ipcscope.h"
#include "session.h"
#include "verifier.h"

#define MAX_PROBES 64
/* The programs are loaded in at most this many objects at once, one per
 * thread (load_programs in session.c) */
#define MAX_PARTS 2
/* Each program's verifier log at BPF_LOG_STATS: a few lines, and the
 * refusal when there is one (a full trace is asked for only with -v) */
#define PROG_LOG_SIZE (64 * 1024)

struct session {
	/* skel: the object set up, whose maps the programs use; its programs
	   say what is wanted (autoload) until load_programs, which loads them
	   in parts[], each a copy of the object with some of the programs and
	   skel's maps: prog[i] is probe i's program as loaded, or NULL */
	struct ipcscope_bpf *skel;
	struct ipcscope_bpf *parts[MAX_PARTS];
	size_t nparts;
	int part_err[MAX_PARTS];		/* each part's load's error */
	bool wanted[MAX_PROBES];		/* skel's autoload, at load */
	struct bpf_program *skel_prog[MAX_PROBES];	/* skel's programs */
	struct bpf_program *prog[MAX_PROBES];
	unsigned char part_of[MAX_PROBES];
	const char *btf_path;		/* btf_custom_path: skel's, and the parts' */
	struct core_btf core_btf;	/* what libbpf relocates against, until
					   it has (corebtf.c) */
	int core_btf_err;		/* 0, or why the whole BTF instead */
	int core_btf_refused;		/* the load against the copy's error,
					   when the whole BTF was tried next */
	void *elf;			/* the object's ELF with bpf_rdonly_cast's
					   calls patched in, or NULL: not cast */
	bool old_paths;			/* IPCSCOPE_OLD_KERNEL_PATHS (set_targets) */
	struct bpf_link *links[MAX_PROBES];
	uint64_t links_missed[MAX_PROBES];	/* each link's misses when it was
						   destroyed (session_link_missed) */
	struct probe_info probes[MAX_PROBES];
	size_t nprobes;
	int ncpus;
	struct ring_buffer *events;	/* trace only */
	session_event_fn on_event;
	void *event_ctx;
	char *logs[MAX_PROBES];		/* by program, as probes[] */
	uint64_t skipped_base[MAX_PROBES];	/* each program's skipped runs
						   at the last reset */
	struct prog_check checks[MAX_PROBES];
	size_t nchecks;
	/* --usdt-phase: the probes to attach the phase programs to, and
	   their links (start and end per phase) */
	struct usdt_phase_copy {
		char path[4096], provider[128], start[128], end[128];
	} phases[MAX_USDT_PHASES];
	size_t nphases;
	/* a uprobe per site of each phase's two probes */
#define MAX_PHASE_LINKS 64
	struct bpf_link *phase_links[MAX_PHASE_LINKS];
	size_t nphase_links;
	/* Unless every syscall is counted: the IPC syscalls' own tracepoints
	   ("sys_enter_write" and its "sys_exit_write"), where the classic
	   syscall programs run instead of on raw_syscalls (pick_syscall_hook);
	   and a link per program and syscall tracepoint (those and
	   ipc_range_exit's: attach_syscall_tracepoints) */
#define MAX_SYS_TPS 32
	const char (*sys_tps)[2][40];	/* kernel_ipc_tracepoints's */
	size_t nsys_tps;
	struct bpf_link *sys_links[MAX_SYS_TPS * 2];
	int sys_pfds[MAX_SYS_TPS * 2];	/* each link's perf event */
	const char *sys_link_tps[MAX_SYS_TPS * 2];	/* each link's tracepoint
							   (static strings) */
	size_t nsys_links;
	/* The syscall programs on the IPC syscalls' own functions instead
	   (kprobe.multi, pick_syscall_hook): __x64_sys_write and the others,
	   each with its syscall's number as the cookie; and the four
	   mapping syscalls' for ipc_range_exit_kp */
	bool kprobes;
	char sys_funcs[MAX_SYS_TPS][48];
	const char *sys_func_names[MAX_SYS_TPS];
	__u64 sys_func_nrs[MAX_SYS_TPS];
	char range_funcs[IPC_RANGE_SYSCALLS][48];
	const char *range_func_names[IPC_RANGE_SYSCALLS];
	__u64 range_func_nrs[IPC_RANGE_SYSCALLS];
	/* start-up (CLOCK_BOOTTIME, as the kernel's load times): session_open
	   began, bpf_object__load began, the first program's load began
	   (0: none known), the last part's load returned, the last probe
	   attached */
	uint64_t t_open, t_load, t_first_prog, t_loaded, t_attached;
	uint64_t t_part_loaded[MAX_PARTS];	/* each part's load returned */
	unsigned nloaded;
};

/* skel's program p as loaded (in a part), or NULL: not loaded */
struct bpf_program *session_loaded(const struct session *s, const struct bpf_program *p);

/* session_maps.c: the runs a kprobe.multi link skipped (0 for others) */
uint64_t session_link_missed(struct bpf_link *l);

/* session_checks.c */
/* A log buffer per program, for the verifier's statistics (-v: none, the
 * whole log goes to stderr). 0 or -ENOMEM. */
int session_setup_logs(struct session *s);
/* Program prog, probe i's (in a part), writes its log to probe i's buffer */
void session_use_log(const struct session *s, size_t i, struct bpf_program *prog);
/* After loading, whether it worked or not: each program's verdict and figures */
void session_fill_checks(struct session *s);
/* One message for a refused load: which program, why, what is missing */
void session_report_refusal(const struct session *s, int err);

/* kernel.c */
/* Whether the hook of program section sec exists here; if not, why */
bool kernel_has_hook(const char *sec, char *reason, size_t len);
/* Whether tracefs lists the tracepoint category:name */
bool kernel_has_event(const char *category, const char *name);
/* The IPC syscalls' own tracepoints, both ends of each ("sys_enter_write",
 * "sys_exit_write"; sendfile's are sendfile64's), found once, and their
 * count in n; NULL (n 0) if this kernel lacks one (no CONFIG_FTRACE_SYSCALLS,
 * or a name the table does not know; said with -v) */
const char (*kernel_ipc_tracepoints(size_t *n))[2][40];
/* A perf event on tracepoint category:name, for a BPF program (what
 * libbpf's attach opens): its fd, or -errno */
int kernel_open_tracepoint(const char *category, const char *name);
/* IPCSCOPE_DISABLE_PROBES=a,b: treat these probes as missing (tests fallbacks) */
bool probe_disabled_by_env(const char *prog_name);
/* 0, or -ENOENT with a message: the kernel exposes no BTF */
int kernel_check_btf(void);

#endif /* SESSION_INT_H */
