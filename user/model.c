// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * model.c - names, meaning and derived figures for what the kernel counted.
 * Policy lives here, not in BPF: the kernel side only counts.
 */
#define _GNU_SOURCE	/* strerrorname_np */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model.h"
#include "util.h"

/* The contract: these must match what the BPF side was compiled with. */
_Static_assert(sizeof(struct ipc_op_stats) == (5 + IPC_HIST_SLOTS) * 8, "op_stats");
_Static_assert(sizeof(struct ipc_bystander) == (IPC_BYSTANDER_WAYS + 2) * 8, "bystander");
_Static_assert(sizeof(struct ipc_msgtype_key) == 16, "msgtype_key");
_Static_assert(sizeof(struct ipc_msgtype_stats) == 24, "msgtype_stats");
_Static_assert(sizeof(struct ipc_err_key) == 8, "err_key");
_Static_assert(sizeof(struct ipc_obj_key) == 16, "obj_key");
_Static_assert(sizeof(struct ipc_obj_info) == 16 + IPC_NAME_LEN, "obj_info");
_Static_assert(sizeof(struct ipc_sig_key) == 40, "sig_key");
_Static_assert(sizeof(struct ipc_sock_info) == 64 + 2 * IPC_SOCK_PATH_LEN, "sock_info");
_Static_assert(sizeof(struct ipc_sig_lat) == (2 + IPC_HIST_SLOTS) * 8, "sig_lat");
_Static_assert(sizeof(struct ipc_ep_key) == 32, "ep_key");
_Static_assert(sizeof(struct ipc_proc_key) == 16, "proc_key");
_Static_assert(sizeof(struct ipc_ep_stats) == (3 + IPC_HIST_SLOTS) * 8, "ep_stats");
_Static_assert(sizeof(struct ipc_proc) == 88, "proc");
_Static_assert(sizeof(struct ipc_thread_ep) == 40 + 2 * IPC_HIST_SLOTS, "thread_ep");
_Static_assert(sizeof(struct ipc_thread_msgtype) == 40, "thread_msgtype");
_Static_assert(sizeof(struct ipc_thread_counts) ==
	       40 + IPC_THREAD_EPS * sizeof(struct ipc_thread_ep) +
	       IPC_THREAD_MSGTYPES * sizeof(struct ipc_thread_msgtype), "thread_counts");
_Static_assert(sizeof(struct ipc_chan_stats) == (4 + IPC_HIST_SLOTS) * 8, "chan_stats");
_Static_assert(sizeof(struct ipc_event) == 128, "event");

/*
 * The mechanisms and their kinds: every fact user space has about one, in
 * one row. Adding a kind is a row here, its BPF file, its workload and its
 * tests (docs/adding-a-mechanism.md).
 */
static const struct {
	const char *name;	/* the report's, the JSON's and trace -m's word */
	const char *colour;	/* the graph's, for its objects and edges */
	const char *shape;	/* the graph's node shape for its objects */
	bool objects;		/* works through IPC objects (signals do not) */
} mechs[IPC_MECH_MAX] = {
	[IPC_MECH_PIPE] = { "pipe", "#1f77b4", "cds", true },
	[IPC_MECH_MSGQ] = { "msgq", "#7b3fa0", "box", true },
	[IPC_MECH_SHM] = { "shm", "#a0522d", "box3d", true },
	[IPC_MECH_SEM] = { "sem", "#555555", "octagon", true },
	[IPC_MECH_SOCKET] = { "socket", "#2a8a2a", "box", true },
	[IPC_MECH_SIGNAL] = { "signal", "#c0392b", NULL, false },
};

static const struct {
	const char *name;	/* "anon": the JSON's "kind", beside the mechanism */
	const char *title;	/* what a newcomer calls it: the graph's caption */
	const char *label;	/* its word on a process-to-process graph edge */
	enum ipc_mech mech;
	bool named;		/* has a name or addresses in a map (obj_info,
				   sock_info), not only its key */
} kinds[IPC_KIND_MAX] = {
	[IPC_KIND_NONE] = { "none", "?", "none", IPC_MECH_PIPE, false },
	[IPC_KIND_PIPE] = { "anon", "pipe", "pipe", IPC_MECH_PIPE, false },
	[IPC_KIND_FIFO] = { "fifo", "FIFO (named pipe)", "fifo", IPC_MECH_PIPE, true },
	[IPC_KIND_SYSV_MSQ] = { "sysv", "SysV message queue", "sysv",
				IPC_MECH_MSGQ, false },
	[IPC_KIND_POSIX_MQ] = { "posix", "POSIX message queue", "posix",
				IPC_MECH_MSGQ, true },
	[IPC_KIND_SYSV_SHM] = { "sysv", "SysV shared memory", "sysv",
				IPC_MECH_SHM, false },
	[IPC_KIND_POSIX_SHM] = { "posix", "POSIX shared memory", "posix",
				 IPC_MECH_SHM, true },
	[IPC_KIND_MEMFD] = { "memfd", "memfd shared memory", "memfd", IPC_MECH_SHM, true },
	[IPC_KIND_SHARED_ANON] = { "anon", "shared anonymous mapping", "anon",
				   IPC_MECH_SHM, false },
	[IPC_KIND_SYSV_SEM] = { "sysv", "SysV semaphore set", "sysv", IPC_MECH_SEM, false },
	[IPC_KIND_FUTEX] = { "futex", "futex", "futex", IPC_MECH_SEM, false },
	[IPC_KIND_UNIX_STREAM] = { "unix_stream", "Unix stream socket", "unix stream",
				   IPC_MECH_SOCKET, true },
	[IPC_KIND_UNIX_DGRAM] = { "unix_dgram", "Unix datagram socket", "unix dgram",
				  IPC_MECH_SOCKET, true },
	[IPC_KIND_UNIX_SEQPACKET] = { "unix_seqpacket", "Unix seqpacket socket",
				      "unix seqpacket", IPC_MECH_SOCKET, true },
	[IPC_KIND_TCP] = { "tcp", "TCP", "tcp", IPC_MECH_SOCKET, true },
	[IPC_KIND_UDP] = { "udp", "UDP", "udp", IPC_MECH_SOCKET, true },
};

static const struct {
	const char *name;
	enum ipc_copy copy;
	bool inbound;
} ops[IPC_OP_MAX] = {
	[IPC_OP_WRITE] = { "write", IPC_COPY_USER_TO_KERNEL, true },
	[IPC_OP_WRITEV] = { "writev", IPC_COPY_USER_TO_KERNEL, true },
	[IPC_OP_READ] = { "read", IPC_COPY_KERNEL_TO_USER, false },
	[IPC_OP_READV] = { "readv", IPC_COPY_KERNEL_TO_USER, false },
	/* splice moves page references between a pipe and a file: no user copy */
	[IPC_OP_SPLICE_IN] = { "splice_in", IPC_COPY_ZERO, true },
	[IPC_OP_SPLICE_OUT] = { "splice_out", IPC_COPY_ZERO, false },
	/* vmsplice into a pipe references the user pages instead of copying */
	[IPC_OP_VMSPLICE_IN] = { "vmsplice_in", IPC_COPY_ZERO, true },
	/* vmsplice out of a pipe is a copy to user memory, like read */
	[IPC_OP_VMSPLICE_OUT] = { "vmsplice_out", IPC_COPY_KERNEL_TO_USER, false },
	[IPC_OP_GET] = { "get", IPC_COPY_NONE, false },
	/* the message is copied into a kernel buffer, and out again */
	[IPC_OP_MSGSND] = { "msgsnd", IPC_COPY_USER_TO_KERNEL, true },
	[IPC_OP_MSGRCV] = { "msgrcv", IPC_COPY_KERNEL_TO_USER, false },
	[IPC_OP_MQ_SEND] = { "mq_send", IPC_COPY_USER_TO_KERNEL, true },
	[IPC_OP_MQ_RECEIVE] = { "mq_receive", IPC_COPY_KERNEL_TO_USER, false },
	/* shared memory is mapped, not copied: the payload never crosses */
	[IPC_OP_SHMAT] = { "shmat", IPC_COPY_NONE, false },
	[IPC_OP_SHMDT] = { "shmdt", IPC_COPY_NONE, false },
	[IPC_OP_SEMOP] = { "semop", IPC_COPY_NONE, false },
	[IPC_OP_FUTEX_WAIT] = { "futex_wait", IPC_COPY_NONE, false },
	[IPC_OP_FUTEX_WAKE] = { "futex_wake", IPC_COPY_NONE, false },
	[IPC_OP_SENDTO] = { "sendto", IPC_COPY_USER_TO_KERNEL, true },
	[IPC_OP_SENDMSG] = { "sendmsg", IPC_COPY_USER_TO_KERNEL, true },
	[IPC_OP_RECVFROM] = { "recvfrom", IPC_COPY_KERNEL_TO_USER, false },
	[IPC_OP_RECVMSG] = { "recvmsg", IPC_COPY_KERNEL_TO_USER, false },
	/* sendfile moves bytes between two files in the kernel: no user copy */
	[IPC_OP_SENDFILE_IN] = { "sendfile_in", IPC_COPY_ZERO, true },
	[IPC_OP_SENDFILE_OUT] = { "sendfile_out", IPC_COPY_ZERO, false },
};

static const char *const copy_names[] = {
	[IPC_COPY_NONE] = "none",
	[IPC_COPY_USER_TO_KERNEL] = "user_to_kernel",
	[IPC_COPY_KERNEL_TO_USER] = "kernel_to_user",
	[IPC_COPY_ZERO] = "zero_copy",
};

/* Each drop counter's name (the JSON's key) and what lost its events. */
static const struct {
	const char *name, *why;
} drops[IPC_DROP_MAX] = {
	[IPC_DROP_INFLIGHT] = { "inflight", "inflight map full" },
	[IPC_DROP_ENDPOINT] = { "endpoints", "endpoints map full" },
	[IPC_DROP_PROC] = { "processes", "processes map full" },
	[IPC_DROP_TARGET] = { "targets", "targets map full" },
	[IPC_DROP_ERRNO] = { "errnos", "errnos map full" },
	[IPC_DROP_OBJ_INFO] = { "object_names", "object_names map full" },
	[IPC_DROP_SIGNAL] = { "signals", "signals map full" },
	[IPC_DROP_MSG_TYPE] = { "msg_types", "msg_types map full" },
	[IPC_DROP_TRACE] = { "trace_buffer", "trace ring buffer full" },
	[IPC_DROP_CHAN] = { "channels", "channels map full" },
	[IPC_DROP_FAULT_LOOKUP] = { "fault_lookups",
		"shared mapping not looked up: bpf_find_vma busy" },
	[IPC_DROP_SKIPPED_RUNS] = { "skipped_runs",
		"runs of ipcscope's programs the kernel skipped: one was already "
		"running on that CPU, or a kernel-function probe could not run" },
};

static bool kind_known(uint32_t kind)
{
	return kind < IPC_KIND_MAX && kinds[kind].name;
}

const char *ipc_kind_name(uint32_t kind)
{
	return kind_known(kind) ? kinds[kind].name : "?";
}

const char *ipc_kind_title(uint32_t kind)
{
	return kind_known(kind) ? kinds[kind].title : "?";
}

const char *ipc_kind_label(uint32_t kind)
{
	return kind_known(kind) ? kinds[kind].label : "?";
}

bool ipc_kind_named(uint32_t kind)
{
	return kind_known(kind) && kinds[kind].named;
}

enum ipc_mech ipc_kind_mech(uint32_t kind)
{
	return kind_known(kind) ? kinds[kind].mech : IPC_MECH_PIPE;
}

const char *ipc_mech_name(enum ipc_mech mech)
{
	return (unsigned)mech < IPC_MECH_MAX ? mechs[mech].name : "?";
}

const char *ipc_mech_colour(enum ipc_mech mech)
{
	return (unsigned)mech < IPC_MECH_MAX ? mechs[mech].colour : "#000000";
}

const char *ipc_mech_shape(enum ipc_mech mech)
{
	return (unsigned)mech < IPC_MECH_MAX && mechs[mech].shape ? mechs[mech].shape : "box";
}

bool ipc_mech_has_objects(enum ipc_mech mech)
{
	return (unsigned)mech < IPC_MECH_MAX && mechs[mech].objects;
}

const char *ipc_op_name(uint32_t op)
{
	return op < IPC_OP_MAX ? ops[op].name : "?";
}

enum ipc_copy ipc_op_copy(uint32_t op)
{
	return op < IPC_OP_MAX ? ops[op].copy : IPC_COPY_NONE;
}

const char *ipc_copy_name(enum ipc_copy copy)
{
	return (unsigned)copy <= IPC_COPY_ZERO ? copy_names[copy] : "?";
}

bool ipc_op_inbound(uint32_t op)
{
	return op < IPC_OP_MAX && ops[op].inbound;
}

const char *ipc_drop_name(uint32_t drop)
{
	return drop < IPC_DROP_MAX ? drops[drop].name : "?";
}

const char *ipc_drop_why(uint32_t drop)
{
	return drop < IPC_DROP_MAX ? drops[drop].why : "?";
}

uint64_t ipc_dev_to_user(uint32_t kdev)
{
	uint64_t major = kdev >> 20, minor = kdev & 0xfffff;

	/* glibc's makedev() */
	return ((major & 0xfffff000ULL) << 32) | ((major & 0xfffULL) << 8) |
	       ((minor & 0xffffff00ULL) << 12) | (minor & 0xffULL);
}

void ipc_op_stats_add(struct ipc_op_stats *dst, const struct ipc_op_stats *src)
{
	dst->calls += src->calls;
	dst->errors += src->errors;
	dst->bytes += src->bytes;
	dst->items += src->items;
	dst->lat_sum_ns += src->lat_sum_ns;
	for (int i = 0; i < IPC_HIST_SLOTS; i++)
		dst->lat_slots[i] += src->lat_slots[i];
}

bool ipc_obj_key_eq(const struct ipc_obj_key *a, const struct ipc_obj_key *b)
{
	return a->kind == b->kind && a->dev == b->dev && a->ino == b->ino;
}

int ipc_obj_key_cmp(const struct ipc_obj_key *a, const struct ipc_obj_key *b)
{
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	return a->ino < b->ino ? -1 : a->ino > b->ino;
}

void ipc_chan_stats_add(struct ipc_chan_stats *dst, const struct ipc_chan_stats *src)
{
	dst->samples += src->samples;
	dst->sum_ns += src->sum_ns;
	dst->unmatched += src->unmatched;
	dst->overflow += src->overflow;
	for (int i = 0; i < IPC_HIST_SLOTS; i++)
		dst->slots[i] += src->slots[i];
}

void ipc_sig_lat_add(struct ipc_sig_lat *dst, const struct ipc_sig_lat *src)
{
	dst->count += src->count;
	dst->sum_ns += src->sum_ns;
	for (int i = 0; i < IPC_HIST_SLOTS; i++)
		dst->slots[i] += src->slots[i];
}

const char *ipc_signal_name(uint32_t sig)
{
	static const char *const names[] = {
		NULL, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP",
		"SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV",
		"SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
		"SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU",
		"SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF",
		"SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
	};

	return sig < sizeof(names) / sizeof(names[0]) ? names[sig] : NULL;
}

const char *ipc_errno_name(int err)
{
	/* the kernel's own, which a syscall can return to a tracer at its
	   exit (include/linux/errno.h), then the C library's */
	switch (err) {
	case 512: return "ERESTARTSYS";
	case 513: return "ERESTARTNOINTR";
	case 514: return "ERESTARTNOHAND";
	case 516: return "ERESTART_RESTARTBLOCK";
	}
	return err > 0 ? strerrorname_np(err) : NULL;
}

/* "group exit (SIGTERM)" etc.: IPC_SIG_GROUP_EXIT | sig (bpf/ipcscope.h) */
static const char *group_exit_how(int32_t code)
{
	static char how[IPC_NSIG][40];
	uint32_t sig = code & 0x7f;
	const char *name;

	if (code == IPC_SIG_GROUP_EXEC)
		return "group exit (exec)";
	if (!sig)
		return "group exit (exit)";
	if (sig >= IPC_NSIG)
		return "group exit";
	/* the same text each time: filled once, read after */
	if (!how[sig][0]) {
		name = ipc_signal_name(sig);
		if (name)
			snprintf(how[sig], sizeof(how[sig]), "group exit (%s)", name);
		else
			snprintf(how[sig], sizeof(how[sig]), "group exit (%u)", sig);
	}
	return how[sig];
}

const char *ipc_sig_origin(int32_t code)
{
	if ((code & ~0x1ff) == IPC_SIG_GROUP_EXIT)
		return group_exit_how(code);
	switch (code) {
	case 0:
		return "kill";		/* SI_USER: kill(), pidfd_send_signal() */
	case -1:
		return "sigqueue";	/* SI_QUEUE */
	case -2:
		return "timer";		/* SI_TIMER */
	case -3:
		return "mq_notify";	/* SI_MESGQ */
	case -4:
		return "aio";		/* SI_ASYNCIO */
	case -5:
		return "sigio";		/* SI_SIGIO */
	case -6:
		return "tkill";		/* SI_TKILL: tkill(), tgkill() */
	case 0x80:
		return "kernel";	/* SI_KERNEL */
	default:
		return code > 0 ? "kernel" : "other";
	}
}

const char *ipc_sig_event_name(uint32_t event)
{
	switch (event) {
	case IPC_SIG_DELIVERED:
		return "queued";
	case IPC_SIG_IGNORED:
		return "ignored";
	case IPC_SIG_ALREADY_PENDING:
		return "already_pending";
	case IPC_SIG_OVERFLOW_FAIL:
		return "overflow_fail";
	case IPC_SIG_LOSE_INFO:
		return "lose_info";
	case IPC_SIG_HANDLED:
		return "delivered";
	default:
		return "?";
	}
}
