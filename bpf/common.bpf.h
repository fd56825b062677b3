/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * common.bpf.h - what every ipcscope probe does the same way.
 *
 * The maps and read-only settings are defined once, in core.bpf.c (which
 * defines IPCSCOPE_DEFINE_MAPS before including this file); every other
 * .bpf.c sees them as externs and `bpftool gen object` links them into one
 * object, one skeleton. Helpers: is this process a target, which IPC object
 * is behind this fd, and the bookkeeping between sys_enter and sys_exit.
 */
#ifndef COMMON_BPF_H
#define COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "ipcscope.h"

#define MAX_TARGETS	8192
#define MAX_INFLIGHT	16384
#define MAX_OBJECTS	16384
#define MAX_ENDPOINTS	32768
#define MAX_PROCS	16384
#define MAX_ERRNOS	1024

#define PIPEFS_MAGIC	0x50495045
#define S_IFMT		00170000
#define S_IFIFO		0010000
#define FMODE_WRITE	0x2

#ifdef IPCSCOPE_DEFINE_MAPS
#define IPC_MAP(name, map_type, key_type, value_type, entries)		\
	struct {							\
		__uint(type, map_type);					\
		__uint(max_entries, entries);				\
		__type(key, key_type);					\
		__type(value, value_type);				\
	} name SEC(".maps")
#define IPC_SETTING(type, name)	const volatile type name = 0
#define IPC_GLOBAL(decl)	decl = {}
#else
#define IPC_MAP(name, map_type, key_type, value_type, entries)		\
	extern struct {							\
		__uint(type, map_type);					\
		__uint(max_entries, entries);				\
		__type(key, key_type);					\
		__type(value, value_type);				\
	} name SEC(".maps")
#define IPC_SETTING(type, name)	extern const volatile type name
#define IPC_GLOBAL(decl)	extern decl
#endif

/* Read-only settings, fixed before load. */
IPC_SETTING(bool, targ_all);		/* -a: every process but ourselves */
IPC_SETTING(__u32, self_tgid);		/* ipcscope itself, never counted */

/* Drop counters, read by user space through the skeleton's .bss. */
IPC_GLOBAL(__u64 drops[IPC_DROP_MAX]);

/* Processes being traced (tgid -> 1); children are added on fork. */
IPC_MAP(targets, BPF_MAP_TYPE_HASH, __u32, __u8, MAX_TARGETS);
IPC_MAP(procs, BPF_MAP_TYPE_HASH, __u32, struct ipc_proc, MAX_PROCS);
IPC_MAP(op_stats, BPF_MAP_TYPE_PERCPU_ARRAY, __u32, struct ipc_op_stats,
	IPC_OP_SLOTS);
IPC_MAP(op_errors, BPF_MAP_TYPE_HASH, struct ipc_err_key, __u64, MAX_ERRNOS);
IPC_MAP(objects, BPF_MAP_TYPE_HASH, struct ipc_obj_key, struct ipc_obj_stats,
	MAX_OBJECTS);
IPC_MAP(endpoints, BPF_MAP_TYPE_HASH, struct ipc_ep_key, struct ipc_ep_stats,
	MAX_ENDPOINTS);

/* A syscall between its enter and exit tracepoints (key: pid_tgid). */
#define INFLIGHT_OBJS 2	/* splice() can have a pipe on both sides */
struct inflight_obj {
	struct ipc_obj_key key;
	__u32 op;		/* enum ipc_op */
	__u32 pad;
};

struct inflight {
	__u64 start_ns;
	__u32 nobjs;
	__u32 pad;
	struct inflight_obj objs[INFLIGHT_OBJS];
};

IPC_MAP(inflight, BPF_MAP_TYPE_HASH, __u64, struct inflight, MAX_INFLIGHT);

static __always_inline void count_drop(enum ipc_drop why)
{
	__sync_fetch_and_add(&drops[why], 1);
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

/* floor(log2(v)), 0 for 0: the histogram slot, as in libbpf-tools' bits.bpf.h */
static __always_inline __u32 log2_u64(__u64 v)
{
	__u32 r = 0, shift;

	shift = (v > 0xFFFFFFFFULL) << 5; v >>= shift; r |= shift;
	shift = (v > 0xFFFF) << 4; v >>= shift; r |= shift;
	shift = (v > 0xFF) << 3; v >>= shift; r |= shift;
	shift = (v > 0xF) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	r |= (v >> 1);
	return r;
}

/* The struct file behind fd in the current task, or NULL. */
static __always_inline struct file *fd_file(long fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds;
	struct file *file = NULL;

	if (fd < 0 || !fdt || (unsigned long)fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]);
	return file;
}

/* Fill key with the IPC object behind file; returns its kind (NONE if not IPC). */
static __always_inline __u32 file_object(struct file *file,
					 struct ipc_obj_key *key)
{
	struct inode *inode;
	__u32 mode;

	if (!file)
		return IPC_KIND_NONE;
	inode = BPF_CORE_READ(file, f_inode);
	if (!inode)
		return IPC_KIND_NONE;
	mode = BPF_CORE_READ(inode, i_mode);
	if ((mode & S_IFMT) != S_IFIFO)
		return IPC_KIND_NONE;
	key->kind = BPF_CORE_READ(inode, i_sb, s_magic) == PIPEFS_MAGIC ?
		    IPC_KIND_PIPE : IPC_KIND_FIFO;
	key->dev = BPF_CORE_READ(inode, i_sb, s_dev);
	key->ino = BPF_CORE_READ(inode, i_ino);
	return key->kind;
}

static __always_inline bool file_writable(struct file *file)
{
	return BPF_CORE_READ(file, f_mode) & FMODE_WRITE;
}

/* Remember an operation on an object, to be finished at sys_exit. */
static __always_inline void inflight_add(struct inflight *ent,
					 const struct ipc_obj_key *key, __u32 op)
{
	__u32 i = ent->nobjs;

	if (i >= INFLIGHT_OBJS)
		return;
	ent->objs[i].key = *key;
	ent->objs[i].op = op;
	ent->nobjs = i + 1;
}

static __always_inline void inflight_start(struct inflight *ent)
{
	__u64 id = bpf_get_current_pid_tgid();

	if (!ent->nobjs)
		return;
	ent->start_ns = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&inflight, &id, ent, BPF_ANY))
		count_drop(IPC_DROP_INFLIGHT);
}

/* Look a key up, creating it from init if missing; counts a drop if full. */
static __always_inline void *lookup_or_init(void *map, const void *key,
					    const void *init, enum ipc_drop why)
{
	void *val = bpf_map_lookup_elem(map, key);

	if (val)
		return val;
	/* EEXIST means another CPU created it meanwhile: the lookup finds it */
	bpf_map_update_elem(map, key, init, BPF_NOEXIST);
	val = bpf_map_lookup_elem(map, key);
	if (!val)
		count_drop(why);
	return val;
}

static __always_inline bool op_is_inbound(__u32 op)
{
	return op == IPC_OP_WRITE || op == IPC_OP_WRITEV ||
	       op == IPC_OP_SPLICE_IN || op == IPC_OP_VMSPLICE_IN;
}

static __always_inline void account_object(const struct inflight_obj *o,
					   long ret, __u64 now)
{
	__u32 dir = op_is_inbound(o->op) ? IPC_DIR_IN : IPC_DIR_OUT;
	__u64 bytes = ret > 0 ? ret : 0;
	struct ipc_obj_stats obj_init = { .first_ns = now };
	struct ipc_ep_stats ep_init = {};
	struct ipc_ep_key ek = {};
	struct ipc_obj_stats *os;
	struct ipc_ep_stats *es;

	os = lookup_or_init(&objects, &o->key, &obj_init, IPC_DROP_OBJECT);
	if (!os)
		return;
	if (dir == IPC_DIR_IN) {
		__sync_fetch_and_add(&os->ops_in, 1);
		__sync_fetch_and_add(&os->bytes_in, bytes);
	} else {
		__sync_fetch_and_add(&os->ops_out, 1);
		__sync_fetch_and_add(&os->bytes_out, bytes);
	}
	os->last_ns = now;

	ek.obj = o->key;
	ek.tgid = current_tgid();
	ek.dir = dir;
	es = lookup_or_init(&endpoints, &ek, &ep_init, IPC_DROP_ENDPOINT);
	if (!es)
		return;
	__sync_fetch_and_add(&es->calls, 1);
	__sync_fetch_and_add(&es->bytes, bytes);
}

static __always_inline void account_op(const struct inflight_obj *o, long ret,
				       __u64 dur)
{
	__u32 slot = IPC_OP_SLOT(o->key.kind, o->op);
	__u32 lat_slot = log2_u64(dur);
	struct ipc_op_stats *st;

	if (o->key.kind >= IPC_KIND_MAX || o->op >= IPC_OP_MAX)
		return;
	st = bpf_map_lookup_elem(&op_stats, &slot);
	if (!st)
		return;
	if (lat_slot >= IPC_HIST_SLOTS)
		lat_slot = IPC_HIST_SLOTS - 1;
	/* per-CPU value: plain adds are safe, no other CPU writes this copy */
	st->calls++;
	st->lat_sum_ns += dur;
	st->lat_slots[lat_slot]++;
	if (ret < 0) {
		struct ipc_err_key ek = { .slot = slot, .err = -ret };
		__u64 zero = 0, *cnt;

		st->errors++;
		cnt = lookup_or_init(&op_errors, &ek, &zero, IPC_DROP_ERRNO);
		if (cnt)
			__sync_fetch_and_add(cnt, 1);
	} else {
		st->bytes += ret;
	}
}

/* At sys_exit: account every object the syscall touched. */
static __always_inline void inflight_finish(long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct inflight *ent = bpf_map_lookup_elem(&inflight, &id);
	__u64 now, dur;

	if (!ent)
		return;
	now = bpf_ktime_get_ns();
	dur = now - ent->start_ns;
	for (__u32 i = 0; i < INFLIGHT_OBJS; i++) {
		if (i >= ent->nobjs)
			break;
		account_op(&ent->objs[i], ret, dur);
		account_object(&ent->objs[i], ret, now);
	}
	bpf_map_delete_elem(&inflight, &id);
}

#endif /* COMMON_BPF_H */
