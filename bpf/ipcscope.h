/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ipcscope.h - the data contract between the BPF programs and user space.
 *
 * Included by both sides: only fixed-width types, explicit padding, no
 * pointers. The BPF side counts; user space gives the numbers meaning (names,
 * units, which operation copies in which direction). Size asserts for every
 * struct live in user/model.c.
 */
#ifndef IPCSCOPE_H
#define IPCSCOPE_H

#define IPC_COMM_LEN    16
/* log2 latency slots: slot 39 holds everything from 2^39 ns (~9 minutes) up */
#define IPC_HIST_SLOTS  40

/* What kind of IPC object an operation touched. */
enum ipc_kind {
	IPC_KIND_NONE = 0,
	IPC_KIND_PIPE = 1,	/* anonymous pipe (lives on pipefs) */
	IPC_KIND_FIFO = 2,	/* named pipe: a FIFO inode on a real file system */
	IPC_KIND_MAX,
};

/* Operations, one per syscall and direction. */
enum ipc_op {
	IPC_OP_WRITE = 0,
	IPC_OP_WRITEV,
	IPC_OP_READ,
	IPC_OP_READV,
	IPC_OP_SPLICE_IN,	/* splice() into the pipe */
	IPC_OP_SPLICE_OUT,	/* splice() out of the pipe */
	IPC_OP_VMSPLICE_IN,	/* vmsplice() of user pages into the pipe */
	IPC_OP_VMSPLICE_OUT,	/* vmsplice() from the pipe into user memory */
	IPC_OP_MAX,
};

/* Index into the op_stats array: one slot per (kind, operation). */
#define IPC_OP_SLOT(kind, op)	((kind) * IPC_OP_MAX + (op))
#define IPC_OP_SLOTS		(IPC_KIND_MAX * IPC_OP_MAX)

/* Direction of data relative to the IPC object. */
enum ipc_dir {
	IPC_DIR_IN = 0,		/* into the object: write, send */
	IPC_DIR_OUT = 1,	/* out of the object: read, receive */
};

/* Why the kernel side could not record something. Reported, never silent. */
enum ipc_drop {
	IPC_DROP_INFLIGHT = 0,	/* in-flight syscall table full */
	IPC_DROP_OBJECT,	/* objects map full */
	IPC_DROP_ENDPOINT,	/* endpoints map full */
	IPC_DROP_PROC,		/* procs map full */
	IPC_DROP_TARGET,	/* targets map full: a child could not be followed */
	IPC_DROP_ERRNO,		/* op_errors map full */
	IPC_DROP_MAX,
};

/* op_stats value (per-CPU array, index IPC_OP_SLOT). */
struct ipc_op_stats {
	__u64 calls;
	__u64 errors;		/* calls that returned a negative errno */
	__u64 bytes;		/* sum of non-negative return values */
	__u64 lat_sum_ns;
	__u64 lat_slots[IPC_HIST_SLOTS];	/* log2 of syscall duration, ns */
};

/* op_errors key: how often an operation failed with an errno. */
struct ipc_err_key {
	__u32 slot;		/* IPC_OP_SLOT */
	__s32 err;		/* positive errno */
};

/* Identity of one IPC object. For pipes and FIFOs: the inode. */
struct ipc_obj_key {
	__u32 kind;		/* enum ipc_kind */
	__u32 dev;		/* kernel dev_t of the inode's super block */
	__u64 ino;
};

struct ipc_obj_stats {
	__u64 ops_in;
	__u64 bytes_in;
	__u64 ops_out;
	__u64 bytes_out;
	__u64 first_ns;		/* CLOCK_MONOTONIC (bpf_ktime_get_ns) */
	__u64 last_ns;
};

/* One process's use of one object in one direction: who talks to whom. */
struct ipc_ep_key {
	struct ipc_obj_key obj;
	__u32 tgid;
	__u32 dir;		/* enum ipc_dir */
};

struct ipc_ep_stats {
	__u64 calls;
	__u64 bytes;
};

enum ipc_proc_flags {
	IPC_PROC_EXITED = 1 << 0,
	IPC_PROC_EXECED = 1 << 1,
	IPC_PROC_FORKED = 1 << 2,	/* seen being forked while followed */
};

/* Per traced process (key: tgid). */
struct ipc_proc {
	__u32 ppid;
	__u32 flags;		/* enum ipc_proc_flags */
	char comm[IPC_COMM_LEN];
	__u64 syscalls;
	__u64 vol_switches;
	__u64 invol_switches;
	__u64 first_ns;
	__u64 exit_ns;
};

#endif /* IPCSCOPE_H */
