/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * model.h - what the kernel counted, in user space's terms.
 *
 * Pure C, no libbpf: a snapshot of the maps (per-CPU values already merged),
 * the names and meaning of kinds and operations (which ones copy data across
 * the user/kernel boundary, in which direction), and the figures derived from
 * them (copy counts). session.c fills a snapshot; report.c prints it.
 */
#ifndef MODEL_H
#define MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "ipcscope.h"

/* Mechanisms as the reference document names them; kinds belong to one. */
enum ipc_mech {
	IPC_MECH_PIPE = 0,
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
const char *ipc_mech_name(enum ipc_mech mech);
const char *ipc_op_name(uint32_t op);		/* "write", "splice_in", ... */
enum ipc_copy ipc_op_copy(uint32_t op);
const char *ipc_copy_name(enum ipc_copy copy);
bool ipc_op_inbound(uint32_t op);		/* data goes into the object */
const char *ipc_drop_name(uint32_t drop);
/* Kernel dev_t (MAJOR << 20 | MINOR) to the st_dev encoding stat(2) uses. */
uint64_t ipc_dev_to_user(uint32_t kdev);

/* Merging per-CPU values: add src into dst. */
void ipc_op_stats_add(struct ipc_op_stats *dst, const struct ipc_op_stats *src);

struct ipc_err_row {
	struct ipc_err_key key;
	uint64_t count;
};

struct ipc_obj_row {
	struct ipc_obj_key key;
	struct ipc_obj_stats st;
};

struct ipc_ep_row {
	struct ipc_ep_key key;
	struct ipc_ep_stats st;
};

struct ipc_proc_row {
	uint32_t tgid;
	struct ipc_proc p;
};

struct snapshot {
	struct ipc_op_stats ops[IPC_OP_SLOTS];
	struct ipc_err_row *errs;
	size_t nerrs;
	struct ipc_obj_row *objs;
	size_t nobjs;
	struct ipc_ep_row *eps;
	size_t neps;
	struct ipc_proc_row *procs;
	size_t nprocs;
	uint64_t drops[IPC_DROP_MAX];
};

/* Growable arrays: each returns a zeroed new row, or NULL when out of memory. */
struct ipc_err_row *snapshot_add_err(struct snapshot *s);
struct ipc_obj_row *snapshot_add_obj(struct snapshot *s);
struct ipc_ep_row *snapshot_add_ep(struct snapshot *s);
struct ipc_proc_row *snapshot_add_proc(struct snapshot *s);
/* Sort rows into report order: objects by bytes, processes by pid, ... */
void snapshot_sort(struct snapshot *s);
void snapshot_free(struct snapshot *s);	/* frees rows; s itself is the caller's */

const struct ipc_proc_row *snapshot_proc(const struct snapshot *s, uint32_t tgid);
uint64_t snapshot_drops_total(const struct snapshot *s);

/* Bytes across the user/kernel boundary for one mechanism. */
struct ipc_copies {
	uint64_t user_to_kernel;
	uint64_t kernel_to_user;
	uint64_t zero_copy;
	uint64_t payload;	/* bytes that entered the mechanism's objects */
};

void snapshot_copies(const struct snapshot *s, enum ipc_mech mech,
		     struct ipc_copies *out);
/* copies per payload byte; negative when there was no payload */
double ipc_copies_per_byte(const struct ipc_copies *c);

/* One probe (BPF program) and whether it runs. */
struct probe_info {
	char name[64];		/* its section: "tp/syscalls/sys_enter_write" */
	bool attached;
	char reason[128];	/* why not, when not attached */
};

#endif /* MODEL_H */
