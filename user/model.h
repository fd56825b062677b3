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
/* What lost it, for a sentence: "endpoints map full" */
const char *ipc_drop_why(uint32_t drop);
/* Kernel dev_t (MAJOR << 20 | MINOR) to the st_dev encoding stat(2) uses. */
uint64_t ipc_dev_to_user(uint32_t kdev);

/* Merging per-CPU values: add src into dst. */
void ipc_op_stats_add(struct ipc_op_stats *dst, const struct ipc_op_stats *src);

struct ipc_err_row {
	struct ipc_err_key key;
	uint64_t count;
};

/* An object's totals: the sum of its endpoints (snapshot_objects_from_eps) */
struct ipc_obj_stats {
	uint64_t ops_in;
	uint64_t bytes_in;
	uint64_t ops_out;
	uint64_t bytes_out;
	uint64_t ops_other;	/* neither in nor out: get, shmat, semop, futex */
	uint64_t page_faults;	/* shared memory: user page faults inside it */
};

struct ipc_obj_row {
	struct ipc_obj_key key;
	struct ipc_obj_stats st;
};

struct ipc_ep_row {
	struct ipc_ep_key key;
	struct ipc_ep_stats st;
};

/* A process is (tgid, start), as struct ipc_proc_key: a pid reused during
 * the run is two rows. */
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

struct snapshot {
	struct ipc_op_stats ops[IPC_OP_SLOTS];
	struct ipc_err_row *errs;
	size_t nerrs;
	struct ipc_obj_row *objs;
	size_t nobjs;
	struct ipc_ep_row *eps;
	size_t neps;
	struct ipc_proc_row *procs;	/* by pid, then start, once sorted */
	size_t nprocs;
	bool procs_sorted;	/* by snapshot_sort: lookups halve the range */
	struct ipc_info_row *infos;
	size_t ninfos;
	struct ipc_sig_row *sigs;
	size_t nsigs;
	struct ipc_sock_row *socks;
	size_t nsocks;
	struct ipc_msgtype_row *msgtypes;	/* sorted by queue, then type */
	size_t nmsgtypes;
	struct ipc_chan_row *chans;		/* time in channel, any order */
	size_t nchans;
	struct ipc_sig_lat sig_lat[IPC_NSIG];	/* merged across CPUs */
	uint64_t sys_counts[IPC_NR_SYSCALLS];	/* targets' syscalls by number */
	uint64_t drops[IPC_DROP_MAX];
};

/* Growable arrays: each returns a zeroed new row, or NULL when out of memory. */
struct ipc_err_row *snapshot_add_err(struct snapshot *s);
struct ipc_obj_row *snapshot_add_obj(struct snapshot *s);
struct ipc_ep_row *snapshot_add_ep(struct snapshot *s);
struct ipc_proc_row *snapshot_add_proc(struct snapshot *s);
struct ipc_info_row *snapshot_add_info(struct snapshot *s);
struct ipc_sig_row *snapshot_add_sig(struct snapshot *s);
struct ipc_sock_row *snapshot_add_sock(struct snapshot *s);
struct ipc_msgtype_row *snapshot_add_msgtype(struct snapshot *s);
struct ipc_chan_row *snapshot_add_chan(struct snapshot *s);
/*
 * One object row per object its endpoints name, with their sums (the
 * kernel keeps only the endpoints). Replaces any object rows; sorts the
 * endpoints by object. -ENOMEM when out of memory.
 */
int snapshot_objects_from_eps(struct snapshot *s);
/*
 * Sort rows into report order: objects by bytes, processes by pid, ...
 * Endpoint and message-type rows with the same key (a live thread's
 * tallies beside the map's) become one.
 */
void snapshot_sort(struct snapshot *s);
void snapshot_free(struct snapshot *s);	/* frees rows; s itself is the caller's */

/*
 * A live thread's own counts (the head of its in-flight entry) added to
 * its process's row; false when s has no such process (its record could
 * not be made: a drop, reported).
 */
bool snapshot_add_thread_counts(struct snapshot *s, const struct ipc_thread_counts *t);
/*
 * A live thread's endpoint and message-type tallies (not yet in their
 * maps), each appended as a row: snapshot_sort adds them to the map's.
 * 0, or -ENOMEM.
 */
int snapshot_add_thread_tallies(struct snapshot *s, const struct ipc_thread_counts *t);
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
/* Whether any pid of s was reused (snapshot_pid_seq is not 0 for some). */
bool snapshot_pid_reused(const struct snapshot *s);
/* The endpoint rows of one object, by direction then pid: their count, the
 * first at *first. s must be sorted (snapshot_sort). */
size_t snapshot_obj_eps(const struct snapshot *s, const struct ipc_obj_key *key,
			size_t *first);
const struct ipc_obj_info *snapshot_info(const struct snapshot *s,
					 const struct ipc_obj_key *key);
const struct ipc_sock_info *snapshot_sock(const struct snapshot *s,
					  const struct ipc_obj_key *key);
/* An object's time in channel (it is the receiving end), or NULL. */
const struct ipc_chan_stats *snapshot_chan(const struct snapshot *s,
					   const struct ipc_obj_key *key);
/* Add src into dst: counts, sums and slots. */
void ipc_chan_stats_add(struct ipc_chan_stats *dst, const struct ipc_chan_stats *src);
/* Time in channel of every object of one kind, summed into *out (zeroed
 * first); false when there was neither a sample nor a miss. */
bool snapshot_chan_kind(const struct snapshot *s, uint32_t kind,
			struct ipc_chan_stats *out);
/* "pipe:[123]", "fifo:x", "msq:5 (key 0x1234)", "tcp:127.0.0.1:80->...":
 * how the report calls an object */
void snapshot_obj_name(const struct snapshot *s, const struct ipc_obj_key *key,
		       char *buf, size_t len);
/* The same from what names it (either may be NULL): for `ipcscope trace` */
void ipc_obj_name(const struct ipc_obj_key *key, const struct ipc_obj_info *info,
		  const struct ipc_sock_info *sock, char *buf, size_t len);
/* "127.0.0.1:8080", "[::1]:53", "/run/x.sock", "@abstract", "unnamed" */
void ipc_sock_local(const struct ipc_sock_info *si, char *buf, size_t len);
void ipc_sock_remote(const struct ipc_sock_info *si, char *buf, size_t len);
bool ipc_sock_loopback(const struct ipc_sock_info *si);

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
/*
 * Pairs the socket objects of s; returns the count, *out malloc'd. Busiest
 * first: by ipc_channel_bytes, descending (ties: in object order).
 */
size_t snapshot_channels(const struct snapshot *s, struct ipc_channel **out);
/*
 * Bytes that went through a channel, each direction counted once: per
 * direction the larger of what one end sent and the other received (an end
 * not traced counts as 0).
 */
uint64_t ipc_channel_bytes(const struct snapshot *s, const struct ipc_channel *c);
bool ipc_obj_key_eq(const struct ipc_obj_key *a, const struct ipc_obj_key *b);
/* Merging per-CPU signal latency values. */
void ipc_sig_lat_add(struct ipc_sig_lat *dst, const struct ipc_sig_lat *src);
const char *ipc_signal_name(uint32_t sig);	/* "SIGUSR1"; NULL if unknown */
const char *ipc_errno_name(int err);		/* "ENOTCONN"; NULL if unknown */
/* kill, tkill, sigqueue, kernel, ...: who generated a signal, from si_code */
const char *ipc_sig_origin(int32_t code);
const char *ipc_sig_event_name(uint32_t event);
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
	bool standby;		/* a fallback, not needed on this kernel */
	char reason[128];	/* why not, when not attached */
};

#endif /* MODEL_H */
