/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * snapshot.h - one reading of the maps, finished once, formatted by every
 * output.
 *
 * session.c reads the maps into rows (per-CPU values already merged) and
 * calls snapshot_finish(), the one pass that merges, sorts, joins each
 * object's data into its row, pairs socket channels and sums the copies.
 * Every output (the text and JSON reports, the graph, top, validate) only
 * formats a finished snapshot. Pure C, no libbpf.
 */
#ifndef SNAPSHOT_H
#define SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "cgroup.h"
#include "model.h"
#include "util.h"	/* grow_rows, for snapshot_add */

struct ipc_err_row {
	struct ipc_err_key key;
	uint64_t count;
};

/* An object's totals: the sum of its endpoints */
struct ipc_obj_stats {
	uint64_t ops_in;
	uint64_t bytes_in;
	uint64_t ops_out;
	uint64_t bytes_out;
	uint64_t ops_other;	/* neither in nor out: get, shmat, semop, futex */
	uint64_t page_faults;	/* shared memory: user page faults inside it */
};

/* One object, made by snapshot_finish from its endpoints, with what the
 * kernel knew of it joined in. */
struct ipc_obj_row {
	struct ipc_obj_key key;
	struct ipc_obj_stats st;
	const struct ipc_obj_info *info;	/* its name and key, or NULL */
	const struct ipc_sock_info *sock;	/* a socket's addresses, or NULL */
	const struct ipc_chan_stats *chan;	/* time in channel, or NULL */
	size_t ep_first, neps;		/* its rows of snapshot.eps */
	size_t mt_first, nmts;		/* a SysV queue's rows of msgtypes */
};

struct ipc_ep_row {
	struct ipc_ep_key key;
	struct ipc_ep_stats st;
};

/* A process is (tgid, start), as struct ipc_proc_key: a pid reused during
 * the run is two rows. The first 16 bytes are that key's layout. */
struct ipc_proc_row {
	uint32_t tgid;
	uint64_t start;		/* when it started, ns (CLOCK_MONOTONIC) */
	struct ipc_proc p;
};

struct ipc_info_row {
	struct ipc_obj_key key;
	struct ipc_obj_info info;
};

struct ipc_sock_row {
	struct ipc_obj_key key;
	struct ipc_sock_info info;
};

struct ipc_msgtype_row {
	struct ipc_msgtype_key key;
	struct ipc_msgtype_stats st;
};

/* Time in channel, per receiving object (chan_time map). */
struct ipc_chan_row {
	struct ipc_obj_key key;
	struct ipc_chan_stats st;
};

struct ipc_sig_row {
	struct ipc_sig_key key;
	uint64_t count;
};

/*
 * A channel: the two ends of a connection, each a socket object. For Unix
 * sockets the kernel's peer pointer pairs them; for TCP/UDP the addresses
 * (one end's local is the other's remote). b is -1 when the other end was
 * not seen (another host, or an untraced process).
 */
struct ipc_channel {
	ssize_t a, b;		/* indexes into snapshot.objs */
	uint64_t bytes;		/* ipc_channel_bytes */
};

/* Bytes across the user/kernel boundary for one mechanism. */
struct ipc_copies {
	uint64_t user_to_kernel;
	uint64_t kernel_to_user;
	uint64_t zero_copy;
	uint64_t payload;	/* bytes that entered the mechanism's objects */
};

#define SNAP_SKIPPED_MAX	8	/* programs named; the rest only counted */

struct snapshot {
	/* read from the maps (or made by a test) */
	struct ipc_op_stats ops[IPC_OP_SLOTS];
	struct ipc_err_row *errs;
	size_t nerrs;
	struct ipc_ep_row *eps;
	size_t neps;
	struct ipc_proc_row *procs;
	size_t nprocs;
	struct ipc_info_row *infos;
	size_t ninfos;
	struct ipc_sig_row *sigs;
	size_t nsigs;
	struct ipc_sock_row *socks;
	size_t nsocks;
	struct ipc_msgtype_row *msgtypes;
	size_t nmsgtypes;
	struct ipc_chan_row *chans;
	size_t nchans;
	/* live threads' counts and tallies, not yet in the maps' rows */
	struct ipc_thread_counts *threads;
	size_t nthreads;
	struct ipc_sig_lat sig_lat[IPC_NSIG];	/* merged across CPUs */
	uint64_t sys_counts[IPC_NR_SYSCALLS];	/* targets' syscalls by number */
	/* counted by phase (--usdt-phase; enum ipc_phase); phases false: not
	   asked. A syscall in the phase it returned in. */
	bool phases;
	struct ipc_phase_counts phase[IPC_PHASES];
	uint64_t phase_sys[IPC_PHASES][IPC_NR_SYSCALLS];
	uint64_t phase_marks[2];		/* start and end marks seen */
	/* faults in shared memory told apart (bpf_find_vma: shm_faults,
	   per-segment counts); false: a process's faults, all of them */
	bool shm_faults_known;
	/* the processes' syscalls: every one (--all-syscalls), or only the
	   IPC syscalls the programs run on (session_counts_every_syscall) */
	bool every_syscall;
	uint64_t drops[IPC_DROP_MAX];
	/* drops[IPC_DROP_SKIPPED_RUNS] by program: which hook lost runs */
	struct snap_skipped {
		char prog[48];
		uint64_t runs;
	} skipped[SNAP_SKIPPED_MAX];
	size_t nskipped;
	/* the processes' cgroups named (snapshot_name_cgroups), or empty */
	struct cgroup_names cgroups;

	/* made by snapshot_finish */
	bool finished;
	struct ipc_obj_row *objs;	/* busiest first */
	size_t nobjs;
	size_t *obj_by_key;		/* indexes of objs, in key order */
	struct ipc_channel *channels;	/* busiest first */
	size_t nchannels;
	struct ipc_copies copies[IPC_MECH_MAX];
};

/* Appends a zeroed row to one of the arrays of s, e.g.
 * snapshot_add(s, eps); NULL when out of memory. */
#define snapshot_add(s, rows) \
	((__typeof__((s)->rows))grow_rows((void **)&(s)->rows, &(s)->n##rows, \
					  sizeof(*(s)->rows)))

/*
 * The one pass from rows to what outputs print: live threads' counts go
 * to their processes and their tallies to the endpoint and message-type
 * rows; rows with the same key become one; everything is sorted once
 * (errors by slot, signals and processes by pid, endpoints by object);
 * object rows are made from their endpoints, with their name, socket and
 * time in channel joined in, and sorted busiest first; socket channels
 * are paired; copies are summed per mechanism. Once per snapshot.
 * 0, or -ENOMEM (s is still freed whole by snapshot_free).
 */
int snapshot_finish(struct snapshot *s);
void snapshot_free(struct snapshot *s);	/* frees rows; s itself is the caller's */

/* The process (tgid, start), or NULL. */
const struct ipc_proc_row *snapshot_proc(const struct snapshot *s, uint32_t tgid,
					 uint64_t start);
/*
 * A pid that more than one process of s had (it was reused during the
 * run): which of them (tgid, start) is, 1 for the first to start; 0 when
 * the pid names one process only, or (tgid, start) is not in s.
 */
unsigned snapshot_pid_seq(const struct snapshot *s, uint32_t tgid, uint64_t start);
/* How the text report, top and the graph name a process: "7336", or
 * "7336.2" for the second of the processes that had pid 7336. */
void snapshot_proc_label(const struct snapshot *s, uint32_t tgid, uint64_t start,
			 char *buf, size_t len);
/* A process's name as the kernel had it (untrusted: clean it for text),
 * or "?" when it is not in s */
/* Names the processes' cgroups from the cgroup2 mount as it is now (root:
 * NULL, or a directory standing for it, for tests). Reports then give
 * each process its cgroup's path. 0, or -errno (no cgroup2: the reports
 * give the ids alone). */
int snapshot_name_cgroups(struct snapshot *s, const char *root);
/* A process's cgroup path: NULL when it was not named (removed since, or
 * never looked up) */
const char *snapshot_proc_cgroup(const struct snapshot *s, const struct ipc_proc_row *p);

const char *snapshot_proc_comm(const struct snapshot *s, uint32_t tgid,
			       uint64_t start);
/* Whether eps[i], a row of object o, is its process's first row of o (a
 * process has a row per direction): to list each process once */
bool snapshot_first_ep_of_proc(const struct snapshot *s, const struct ipc_obj_row *o,
			       size_t i);
/* Whether any pid of s was reused (snapshot_pid_seq is not 0 for some). */
bool snapshot_pid_reused(const struct snapshot *s);
/* An object's row, or an endpoint's: keyed lookups in a finished s. */
const struct ipc_obj_row *snapshot_obj(const struct snapshot *s,
				       const struct ipc_obj_key *key);
const struct ipc_ep_row *snapshot_ep(const struct snapshot *s,
				     const struct ipc_ep_key *key);
/* What the kernel knew of an object: keyed lookups in a finished s. */
const struct ipc_obj_info *snapshot_info(const struct snapshot *s,
					 const struct ipc_obj_key *key);
const struct ipc_sock_info *snapshot_sock(const struct snapshot *s,
					  const struct ipc_obj_key *key);
const struct ipc_chan_stats *snapshot_chan(const struct snapshot *s,
					   const struct ipc_obj_key *key);
/* Time in channel of every object of one kind, summed into *out (zeroed
 * first); false when there was neither a sample nor a miss. */
bool snapshot_chan_kind(const struct snapshot *s, uint32_t kind,
			struct ipc_chan_stats *out);
/* "pipe:[123]", "fifo:x", "msq:5 (key 0x1234)", "tcp:127.0.0.1:80->...":
 * how the outputs call an object (objname.c) */
void snapshot_obj_name(const struct snapshot *s, const struct ipc_obj_key *key,
		       char *buf, size_t len);
uint64_t snapshot_drops_total(const struct snapshot *s);
/* The phases' names, "before", "between", "after" (enum ipc_phase) */
extern const char *const phase_names[IPC_PHASES];
/* A phase's syscalls by name, most first (ties by number), only those of
 * IPC's life (syscall_of_ipc) if ipc: up to max into nr[] and n[];
 * returns how many there are in all */
size_t snapshot_phase_syscalls(const struct snapshot *s, int phase, bool ipc,
			       unsigned *nr, uint64_t *n, size_t max);
/* "read 16, write 1, close 1": a phase's syscalls by name (of IPC's life
 * only, if ipc), the first max of them ("none" when none) */
void snapshot_phase_text(char *buf, size_t len, const struct snapshot *s, int phase,
			 bool ipc, size_t max);

/* Pairs the socket objects of s into s->channels (channels.c), for
 * snapshot_finish: objects must be in their final order. 0 or -ENOMEM. */
int snapshot_pair_channels(struct snapshot *s);
/*
 * Bytes that went through a channel, each direction counted once: per
 * direction the larger of what one end sent and the other received (an end
 * not traced counts as 0).
 */
uint64_t ipc_channel_bytes(const struct snapshot *s, const struct ipc_channel *c);
/* What the operations of one mechanism copied (snapshot_finish keeps it
 * in s->copies; exposed for tests). */
void snapshot_copies(const struct snapshot *s, enum ipc_mech mech,
		     struct ipc_copies *out);
/* copies per payload byte; negative when there was no payload */
double ipc_copies_per_byte(const struct ipc_copies *c);

#endif /* SNAPSHOT_H */
