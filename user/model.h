/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * model.h - what the kernel counted, in user space's terms.
 *
 * Pure C, no libbpf: the names and meaning of kinds and operations (which
 * ones copy data across the user/kernel boundary, in which direction), of
 * drops, signals and errnos, and how objects and sockets are named
 * (objname.c). What one reading of the maps holds is in snapshot.h.
 */
#ifndef MODEL_H
#define MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <stdint.h>
#include <linux/types.h>
#include "ipcscope.h"

/* Mechanisms as the reference document names them; kinds belong to one. */
enum ipc_mech {
	IPC_MECH_PIPE = 0,	/* anonymous pipes and FIFOs */
	IPC_MECH_MSGQ,		/* SysV and POSIX message queues */
	IPC_MECH_SHM,		/* SysV, POSIX, memfd and anonymous shared memory */
	IPC_MECH_SEM,		/* SysV semaphores and futexes (POSIX semaphores) */
	IPC_MECH_SOCKET,	/* Unix domain, TCP and UDP sockets */
	IPC_MECH_SIGNAL,	/* signals: no object, process to process */
	IPC_MECH_MAX,
};

/* Which way an operation copies payload across the user/kernel boundary. */
enum ipc_copy {
	IPC_COPY_NONE = 0,		/* nothing moves (errors, control) */
	IPC_COPY_USER_TO_KERNEL,	/* write: the kernel copies in */
	IPC_COPY_KERNEL_TO_USER,	/* read: the kernel copies out */
	IPC_COPY_ZERO,			/* moved without a user copy (splice) */
};

const char *ipc_kind_name(uint32_t kind);	/* "anon", "fifo"; "?" if unknown */
enum ipc_mech ipc_kind_mech(uint32_t kind);
const char *ipc_kind_title(uint32_t kind);	/* "FIFO (named pipe)" */
const char *ipc_kind_label(uint32_t kind);	/* "unix stream": a graph edge's word */
/* Whether its name is more than its key: a path or addresses in a map */
bool ipc_kind_named(uint32_t kind);
const char *ipc_mech_name(enum ipc_mech mech);	/* "pipe", ..., "signal" */
const char *ipc_mech_colour(enum ipc_mech mech);	/* the graph's "#1f77b4" */
const char *ipc_mech_shape(enum ipc_mech mech);	/* the graph's node shape */
/* Whether it works through IPC objects (every one but signals) */
bool ipc_mech_has_objects(enum ipc_mech mech);
const char *ipc_op_name(uint32_t op);		/* "write", "splice_in", ... */
enum ipc_copy ipc_op_copy(uint32_t op);
const char *ipc_copy_name(enum ipc_copy copy);
bool ipc_op_inbound(uint32_t op);		/* data goes into the object */
const char *ipc_drop_name(uint32_t drop);
/* What lost it, for a sentence: "endpoints map full" */
const char *ipc_drop_why(uint32_t drop);
/* Kernel dev_t (MAJOR << 20 | MINOR) to the st_dev encoding stat(2) uses. */
uint64_t ipc_dev_to_user(uint32_t kdev);

/* Merging per-CPU values: add src into dst. */
void ipc_op_stats_add(struct ipc_op_stats *dst, const struct ipc_op_stats *src);

/* Add src into dst: counts, sums and slots. */
void ipc_chan_stats_add(struct ipc_chan_stats *dst, const struct ipc_chan_stats *src);
/* The same from what names it (either may be NULL): for `ipcscope trace`
 * and snapshot_obj_name */
void ipc_obj_name(const struct ipc_obj_key *key, const struct ipc_obj_info *info,
		  const struct ipc_sock_info *sock, char *buf, size_t len);
/* "127.0.0.1:8080", "[::1]:53", "/run/x.sock", "@abstract", "unnamed" */
void ipc_sock_local(const struct ipc_sock_info *si, char *buf, size_t len);
void ipc_sock_remote(const struct ipc_sock_info *si, char *buf, size_t len);
bool ipc_sock_loopback(const struct ipc_sock_info *si);
/* Whether b is the other end of a: Unix by the kernel's peer pointers,
 * TCP/UDP by addresses (one end's local is the other's remote). */
bool ipc_sock_peers(const struct ipc_sock_info *a, const struct ipc_sock_info *b);
bool ipc_obj_key_eq(const struct ipc_obj_key *a, const struct ipc_obj_key *b);
/* Order of object keys: kind, dev, ino. */
int ipc_obj_key_cmp(const struct ipc_obj_key *a, const struct ipc_obj_key *b);
/* Merging per-CPU signal latency values. */
void ipc_sig_lat_add(struct ipc_sig_lat *dst, const struct ipc_sig_lat *src);
const char *ipc_signal_name(uint32_t sig);	/* "SIGUSR1"; NULL if unknown */
const char *ipc_errno_name(int err);		/* "ENOTCONN"; NULL if unknown */
/* kill, tkill, sigqueue, kernel, ...: who generated a signal, from si_code */
/* How a signal came: "kill", "sigqueue", "timer", ..., "kernel"; for the
 * SIGKILL of a process going away, "group exit (SIGTERM)" (the fatal
 * signal), "group exit (exit)" (exit_group) or "group exit (exec)". */
const char *ipc_sig_origin(int32_t code);
const char *ipc_sig_event_name(uint32_t event);

/* One probe (BPF program) and whether it runs. */
struct probe_info {
	char name[64];		/* its section: "tp/syscalls/sys_enter_write" */
	bool attached;
	bool standby;		/* a fallback, not needed on this kernel */
	char reason[128];	/* why not, when not attached */
	char prog[48];		/* the program: "ipc_sys_enter_tp" */
	/* how long the kernel took to load it, the verifier and the JIT
	   (session_startup): milliseconds; -1 when not loaded or not known */
	double load_ms;
	int load_part;		/* which of the objects loaded at once loaded it
				   (startup_times's parts), -1 as load_ms */
	/* the classic tracepoints it is attached to, when it is attached to
	   several (the syscall programs on the IPC syscalls' own, and
	   ipc_range_exit): syscalls:NAME, NAME here ("sys_enter_write");
	   none for the others, on the one hook their section names */
	const char *const *tracepoints;
	size_t ntracepoints;
	/* the kernel functions a kprobe.multi program is attached to
	   ("__x64_sys_write"); none for the others */
	const char *const *functions;
	size_t nfunctions;
};

/*
 * Where start-up went, in milliseconds, from session_open to the last
 * probe attached (session_startup): libbpf's work before the first
 * program (the kernel's BTF read and parsed, CO-RE relocations, the maps
 * made) and the kernel loading the programs one by one (verifier and
 * JIT), each program's load from the kernel's own record of when it
 * began (bpf_prog_info.load_time). -1: not known.
 */
struct startup_times {
	double total_ms;
	double setup_ms;	/* the object opened and set up, the kernel probed */
	double libbpf_ms;	/* bpf_object__load before the first program */
	double load_ms;		/* the programs, from the first's load to the end */
	double attach_ms;	/* the running targets put in the map (-p, --comm,
				   --cgroup), then the probes attached */
	unsigned programs;	/* how many were loaded */
	unsigned parts;		/* in how many objects at once (threads) */
};

#endif /* MODEL_H */
