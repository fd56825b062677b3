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
#define MAX_INFLIGHT	32768	/* threads of targets that made an IPC call */
#define MAX_OBJECTS	16384
#define MAX_ENDPOINTS	32768
#define MAX_PROCS	16384
#define MAX_ERRNOS	1024
#define MAX_SIGNAL_KEYS	4096
#define MAX_MSG_TYPES	4096

#define PIPEFS_MAGIC	0x50495045
#define MQUEUE_MAGIC	0x19800202
#define S_IFSOCK	0140000
#define AF_UNIX		1
#define AF_INET		2
#define AF_INET6	10
#define SOCK_STREAM	1
#define SOCK_DGRAM	2
#define SOCK_SEQPACKET	5
#define S_IFMT		00170000
#define S_IFIFO		0010000
#define FMODE_WRITE	0x2
#define EEXIST		17	/* errno values; vmlinux.h has no macros */
#define EBUSY		16

#ifdef IPCSCOPE_DEFINE_MAPS
#define IPC_MAP(name, map_type, key_type, value_type, entries)		\
	struct {							\
		__uint(type, map_type);					\
		__uint(max_entries, entries);				\
		__type(key, key_type);					\
		__type(value, value_type);				\
	} name SEC(".maps")
#define IPC_SETTING(type, name)	const volatile type name = 0
#define IPC_SETTING_ARRAY(type, name, n) const volatile type name[n] = {}
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
#define IPC_SETTING_ARRAY(type, name, n) extern const volatile type name[n]
#define IPC_GLOBAL(decl)	extern decl
#endif

/* A map only one .bpf.c file uses: defined there, not shared. */
#define IPC_MAP_PRIVATE(name, map_type, key_type, value_type, entries)	\
	struct {							\
		__uint(type, map_type);					\
		__uint(max_entries, entries);				\
		__type(key, key_type);					\
		__type(value, value_type);				\
	} name SEC(".maps")

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
/* tests: the code paths of kernels older than this one's (current_start) */
IPC_SETTING(bool, old_kernel_paths);
/* count the targets' syscalls by number too (sys_counts: validate) */
IPC_SETTING(bool, count_syscall_numbers);
/* enum ipc_sys by syscall number: what ipc_sys_enter does for it */
IPC_SETTING_ARRAY(__u8, sys_handler, IPC_NR_SYSCALLS);

/* Drop counters, read by user space through the skeleton's .bss. */
IPC_GLOBAL(__u64 drops[IPC_DROP_MAX]);
/* Never written: the first value of an endpoint, too big for the stack.
 * Static, so not in the skeleton. */
static struct ipc_ep_stats ep_zero;

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
/*
 * Where a process has shared mappings, so that a page fault anywhere else
 * is not looked up (bpf_find_vma costs microseconds at the fault
 * tracepoint). Known from exec on: an exec'd process starts with none,
 * records each shared mmap/mremap/shmat, and a child inherits its
 * parent's. A process without an entry (running before tracing began) or
 * with too many ranges, or one a lookup failed for, has every fault
 * looked up.
 */
#define MAX_SHARED_RANGES 8
struct shared_ranges {
	__u32 n;
	__u32 all;		/* not known: look at every fault */
	__u64 start[MAX_SHARED_RANGES];
	__u64 end[MAX_SHARED_RANGES];
};
IPC_MAP(shared_ranges, BPF_MAP_TYPE_HASH, __u32, struct shared_ranges, MAX_PROCS);

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

/*
 * A traced thread's entry (key: pid_tgid), made at its first syscall seen
 * and removed when it exits (retire_thread). It holds the thread's own
 * counts (struct ipc_thread_counts: its syscalls, switches, and what its
 * calls added to its last two endpoints and message types); the IPC
 * syscall in flight between its enter and exit tracepoints, rewritten in
 * place by the next one and marked finished (nobjs = 0) at exit (a hash
 * update and delete per syscall cost more than the rest of the exit's
 * work); and the objects behind the last inodes the thread used (struct
 * obj_cache_ent).
 */
#define INFLIGHT_OBJS 2	/* splice() can have a pipe on both sides */
/* How the bytes an operation moved are known. */
enum bytes_from {
	BYTES_NONE = 0,		/* it moves no payload (semop, futex, shmat) */
	BYTES_RET,		/* the return value (read, write, msgrcv) */
	BYTES_ARG,		/* an argument, when the call returns 0 (msgsnd) */
};

struct inflight_obj {
	struct ipc_obj_key key;
	__u32 op;		/* enum ipc_op */
	__u16 dir;		/* enum ipc_dir */
	__u16 bytes_from;	/* enum bytes_from */
	__u64 arg_bytes;	/* for BYTES_ARG */
	__u32 items;		/* messages or semaphore operations, if it succeeds */
	__u32 pad;
};

/*
 * What file_object found behind an inode: the same inode (its address, its
 * number and its mode all equal) is the same object, so a thread that
 * writes to the same pipe again skips the super block and socket reads and
 * the socket's info lookup. A socket whose addresses may still change
 * (unbound, or a Unix peer not yet accepted) is not kept.
 */
#define OBJ_CACHE	4	/* a power of two */
struct obj_cache_ent {
	__u64 inode;		/* struct inode *, as a number */
	__u64 ino;
	__u32 mode;
	__u32 pad;
	struct ipc_obj_key key;	/* kind IPC_KIND_NONE: not an IPC object */
};

struct inflight {
	struct ipc_thread_counts counts;	/* first: user space reads it */
	__u64 start_ns;
	__u32 nobjs;
	__s32 fd;		/* sockets: to look at the socket again at exit */
	struct inflight_obj objs[INFLIGHT_OBJS];
	/* what an exit needs of its call's arguments, set by its enter */
	__u64 uptr;		/* msgsnd, msgrcv: msgp; recvfrom: src_addr;
				   recvmsg: msg; 0: none */
	__s64 arg;		/* msgsnd: the type sent; *get: the key;
				   recvfrom, recvmsg: 1 when uptr is a msghdr */
	__u32 cache_next;	/* the cache slot to replace next */
	__u32 ep_last;		/* the counts.eps slot used last */
	__u32 msgtype_last;	/* the counts.msgtypes slot used last */
	__u32 pad;
	struct obj_cache_ent cache[OBJ_CACHE];
};

IPC_MAP(inflight, BPF_MAP_TYPE_HASH, __u64, struct inflight, MAX_INFLIGHT);
/* Never written: a thread's first entry (like ep_zero) */
static struct inflight inflight_zero;

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
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	return e;
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
 * names one process, not whichever holds the pid now. Two loads through
 * BTF pointers (CO-RE), no map lookup: cheap enough for every syscall.
 * Kernels before 5.11 lack bpf_get_current_task_btf: the check is resolved
 * against the kernel's BTF at load, so there the verifier sees only the
 * two CO-RE reads (helper calls) instead. old_kernel_paths takes that path
 * here too, for the tests.
 */
#ifdef IPCSCOPE_DEFINE_MAPS
/*
 * A global function, verified once: each walk through task_struct's BTF
 * costs the verifier, and inlined into every caller it took 0.14 s of
 * ipc_sys_exit's verification (0.05 s in all without it).
 */
__noinline __u64 current_start(void)
{
	if (!old_kernel_paths &&
	    bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_get_current_task_btf))
		return bpf_get_current_task_btf()->group_leader->start_time;
	return BPF_CORE_READ((struct task_struct *)bpf_get_current_task(),
			     group_leader, start_time);
}
#else
__u64 current_start(void);
#endif

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

/* floor(log2(v)), 0 for 0: the histogram slot, as in libbpf-tools' bits.bpf.h */
static __always_inline __u64 log2_u64(__u64 v)
{
	/* 64-bit throughout: 6.1's verifier loses the upper half's zeros
	   across 32-bit ORs, and with them the histogram index's bound */
	__u64 r = 0, shift;

	shift = (v > 0xFFFFFFFFULL) << 5; v >>= shift; r |= shift;
	shift = (v > 0xFFFF) << 4; v >>= shift; r |= shift;
	shift = (v > 0xFF) << 3; v >>= shift; r |= shift;
	shift = (v > 0xF) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	r |= (v >> 1);
	return r;
}

/* The struct file behind fd in the current task, or NULL. */
#ifdef IPCSCOPE_DEFINE_MAPS
/*
 * Every IPC syscall on an fd starts here. Where the kernel has
 * bpf_get_current_task_btf (5.11+, checked against its BTF at load), the
 * walk to the fd table is plain loads through BTF pointers; before, CO-RE
 * reads, a helper call each. Only the array slot is read with a helper
 * (the verifier types fdt->fd as a number). A global function: the walks
 * through task_struct's BTF cost the verifier once, not in every caller.
 * The file is returned as a number.
 */
__noinline __u64 fd_file_addr(long fd)
{
	struct fdtable *fdt;
	struct file **fds;
	struct file *file = NULL;
	unsigned int max;

	if (fd < 0)
		return 0;
	if (!old_kernel_paths &&
	    bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_get_current_task_btf)) {
		struct files_struct *files = bpf_get_current_task_btf()->files;

		if (!files)
			return 0;
		fdt = files->fdt;
		if (!fdt)
			return 0;
		max = fdt->max_fds;
		fds = fdt->fd;
	} else {
		struct task_struct *task = (struct task_struct *)bpf_get_current_task();

		fdt = BPF_CORE_READ(task, files, fdt);
		if (!fdt)
			return 0;
		max = BPF_CORE_READ(fdt, max_fds);
		fds = BPF_CORE_READ(fdt, fd);
	}
	if ((unsigned long)fd >= max)
		return 0;
	bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]);
	return (__u64)file;
}
#else
__u64 fd_file_addr(long fd);
#endif

static __always_inline struct file *fd_file(long fd)
{
	return (struct file *)fd_file_addr(fd);
}

/* Record an object's name once, the first time it is seen. */
static __always_inline void note_name(const struct ipc_obj_key *key,
				      struct dentry *dentry)
{
	struct ipc_obj_info info = { .sysv_key = -1 };
	const unsigned char *name;

	if (bpf_map_lookup_elem(&obj_info, key))
		return;
	name = BPF_CORE_READ(dentry, d_name.name);
	bpf_probe_read_kernel_str(info.name, sizeof(info.name), name);
	if (no_room(bpf_map_update_elem(&obj_info, key, &info, BPF_NOEXIST)))
		count_drop(IPC_DROP_OBJ_INFO);
}

/* An AF_UNIX address as bound (addr->len bytes: abstract names have no NUL). */
static __always_inline void unix_addr(struct sock *sk, char *path)
{
	struct unix_address *addr = BPF_CORE_READ((struct unix_sock *)sk, addr);
	__u32 n;

	if (!addr)
		return;
	n = BPF_CORE_READ(addr, len);
	if (n <= 2)		/* unnamed */
		return;
	n -= 2;			/* the 2-byte sun_family */
	if (n > IPC_SOCK_PATH_LEN - 1)
		n = IPC_SOCK_PATH_LEN - 1;
	/* keep the bound visible to the verifier: clang drops a redundant mask */
	barrier_var(n);
	n &= IPC_SOCK_PATH_LEN - 1;
	/* name[0].sun_path */
	bpf_probe_read_kernel(path, n,
			      (void *)addr + bpf_core_field_offset(struct unix_address, name) + 2);
	path[n] = '\0';
}

/*
 * AF_UNIX: the peer (its inode and address) and our own address. A client
 * that sends before the server's accept() has a peer without an inode yet:
 * callers try again while peer_ino is 0.
 */
static __always_inline void unix_info(struct sock *sk, struct ipc_sock_info *si)
{
	struct sock *peer = BPF_CORE_READ((struct unix_sock *)sk, peer);

	unix_addr(sk, si->path);
	si->sk_id = (__u64)sk;
	if (!peer)
		return;
	si->peer_sk_id = (__u64)peer;
	si->peer_ino = BPF_CORE_READ(peer, sk_socket, file, f_inode, i_ino);
	unix_addr(peer, si->peer_path);
}

/*
 * An inet socket's addresses: its own always (bound since, it has them
 * now), the remote's only while si has none (sock.bpf.c fills an
 * unconnected UDP socket's remote from sendto).
 */
static __always_inline void inet_addrs(struct sock *sk, struct ipc_sock_info *si)
{
	bool remote = !si->remote_port;

	si->local_port = BPF_CORE_READ(sk, __sk_common.skc_num);
	if (remote)
		si->remote_port = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (si->family == AF_INET) {
		bpf_core_read(si->local_addr, 4, &sk->__sk_common.skc_rcv_saddr);
		if (remote)
			bpf_core_read(si->remote_addr, 4, &sk->__sk_common.skc_daddr);
	} else {
		bpf_core_read(si->local_addr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
		if (remote)
			bpf_core_read(si->remote_addr, 16, &sk->__sk_common.skc_v6_daddr);
	}
}

/* socket_kind: its addresses may still change (file_object keeps it not) */
#define SOCK_INFO_PENDING	0x10000

/*
 * A socket's kind (its object: dev, ino), and its addresses the first time
 * it is seen, with SOCK_INFO_PENDING while they may still change. A global
 * function, defined once (core.bpf.c): it is the larger part of
 * identifying an fd's object, which every enter function does, and is
 * verified once instead of in each of them. The file is passed as a
 * number: only CO-RE reads go through it.
 *
 * The addresses are written into the map's entry in place, made zeroed
 * first: a struct ipc_sock_info on the stack (200 bytes) put the chain
 * ipc_sys_enter -> enter_sendfile -> socket_kind over the 512 bytes of
 * stack most kernels give.
 */
#ifdef IPCSCOPE_DEFINE_MAPS
static struct ipc_sock_info sock_info_zero;	/* never written */

__noinline int socket_kind(__u64 file_addr, __u32 dev, __u64 ino)
{
	struct file *file = (struct file *)file_addr;
	struct ipc_obj_key k = { .dev = dev, .ino = ino }, *key = &k;
	struct socket *sock = BPF_CORE_READ(file, private_data);
	struct sock *sk = BPF_CORE_READ(sock, sk);
	__u16 type = BPF_CORE_READ(sock, type), family;
	struct ipc_sock_info *si;

	if (!sk)
		return IPC_KIND_NONE;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family == AF_UNIX)
		key->kind = type == SOCK_STREAM ? IPC_KIND_UNIX_STREAM :
			    type == SOCK_DGRAM ? IPC_KIND_UNIX_DGRAM :
			    type == SOCK_SEQPACKET ? IPC_KIND_UNIX_SEQPACKET :
			    IPC_KIND_NONE;
	else if (family == AF_INET || family == AF_INET6)
		key->kind = type == SOCK_STREAM ? IPC_KIND_TCP :
			    type == SOCK_DGRAM ? IPC_KIND_UDP : IPC_KIND_NONE;
	else
		return IPC_KIND_NONE;
	if (key->kind == IPC_KIND_NONE)
		return IPC_KIND_NONE;
	/*
	 * Written once, at first sight; but a socket whose addresses may
	 * still change (an inet socket not yet bound: UDP binds on its first
	 * sendto; a Unix peer not yet accepted) is looked at again.
	 */
	si = bpf_map_lookup_elem(&sock_info, key);
	if (!si) {
		if (no_room(bpf_map_update_elem(&sock_info, key, &sock_info_zero,
						BPF_NOEXIST)))
			count_drop(IPC_DROP_OBJ_INFO);
		si = bpf_map_lookup_elem(&sock_info, key);
		if (!si)
			return key->kind;	/* no room: known by kind only */
		si->family = family;
	}
	if (family == AF_UNIX) {
		if (!si->peer_ino)
			unix_info(sk, si);
	} else if (!si->local_port) {
		inet_addrs(sk, si);
	}
	/* what is looked at again while unknown: done once known */
	if (family == AF_UNIX ? !si->peer_ino : !si->local_port)
		return key->kind | SOCK_INFO_PENDING;
	return key->kind;
}
#else
int socket_kind(__u64 file_addr, __u32 dev, __u64 ino);
#endif

/*
 * Fill key with the IPC object behind file and return its kind: a pipe, a
 * FIFO, a POSIX message queue or a socket; IPC_KIND_NONE for anything else.
 * With the thread's in-flight entry (ent), what an inode was found to be
 * is kept there and found again with three reads instead of seven or more
 * (a socket's also skip a map lookup); NULL: looked at afresh.
 */
static __always_inline __u32 file_object(struct file *file,
					 struct ipc_obj_key *key,
					 struct inflight *ent)
{
	struct obj_cache_ent *c;
	struct super_block *sb;
	struct inode *inode;
	unsigned long magic;
	__u32 mode, kind;
	__u64 ino;

	key->kind = IPC_KIND_NONE;
	if (!file)
		return IPC_KIND_NONE;
	inode = BPF_CORE_READ(file, f_inode);
	if (!inode)
		return IPC_KIND_NONE;
	mode = BPF_CORE_READ(inode, i_mode);
	ino = BPF_CORE_READ(inode, i_ino);
	if (ent) {
		for (int i = 0; i < OBJ_CACHE; i++) {
			c = &ent->cache[i];
			if (c->inode == (__u64)inode && c->ino == ino && c->mode == mode) {
				*key = c->key;
				return key->kind;
			}
		}
	}
	sb = BPF_CORE_READ(inode, i_sb);	/* once: each read is a helper call */
	magic = BPF_CORE_READ(sb, s_magic);
	key->dev = BPF_CORE_READ(sb, s_dev);
	key->ino = ino;
	if ((mode & S_IFMT) == S_IFSOCK) {
		kind = socket_kind((__u64)file, key->dev, key->ino);
		key->kind = kind & ~SOCK_INFO_PENDING;
		if (kind & SOCK_INFO_PENDING)
			return key->kind;	/* looked at again next time */
	} else if ((mode & S_IFMT) == S_IFIFO) {
		key->kind = magic == PIPEFS_MAGIC ? IPC_KIND_PIPE : IPC_KIND_FIFO;
	} else if (magic == MQUEUE_MAGIC) {
		key->kind = IPC_KIND_POSIX_MQ;
	}
	/* named once, the first time: anonymous pipes have no name */
	if (key->kind == IPC_KIND_FIFO || key->kind == IPC_KIND_POSIX_MQ)
		note_name(key, BPF_CORE_READ(file, f_path.dentry));
	if (ent) {
		c = &ent->cache[ent->cache_next & (OBJ_CACHE - 1)];
		c->inode = (__u64)inode;
		c->ino = ino;
		c->mode = mode;
		c->key = *key;
		ent->cache_next++;
	}
	return key->kind;
}

static __always_inline bool is_pipe_kind(__u32 kind)
{
	return kind == IPC_KIND_PIPE || kind == IPC_KIND_FIFO;
}

static __always_inline bool is_socket_kind(__u32 kind)
{
	return kind >= IPC_KIND_UNIX_STREAM && kind <= IPC_KIND_UDP;
}

/* Kinds that plain read()/write() move data through. */
static __always_inline bool is_stream_kind(__u32 kind)
{
	return is_pipe_kind(kind) || is_socket_kind(kind);
}

static __always_inline bool file_writable(struct file *file)
{
	return BPF_CORE_READ(file, f_mode) & FMODE_WRITE;
}

/*
 * The per-process record, created on first sight. It is looked up on every
 * syscall of a target: the initial values are made only when it is missing.
 */
static __noinline struct ipc_proc *proc_create(const struct ipc_proc_key *key)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct ipc_proc init = {};

	init.ppid = BPF_CORE_READ(task, real_parent, tgid);
	init.first_ns = bpf_ktime_get_ns();
	BPF_CORE_READ_STR_INTO(&init.comm, task, group_leader, comm);
	return lookup_or_init(&procs, key, &init, IPC_DROP_PROC);
}

/*
 * The current process's record: tgid must be current_tgid() (every caller
 * runs in the process it counts). The key is (tgid, current_start()), so
 * a process that got an exited one's pid gets a record of its own.
 */
static __always_inline struct ipc_proc *proc_lookup(__u32 tgid)
{
	struct ipc_proc_key key = { .tgid = tgid, .start = current_start() };
	struct ipc_proc *p = bpf_map_lookup_elem(&procs, &key);

	return p ? p : proc_create(&key);
}

/*
 * The entry of thread id (a pid_tgid) goes to its process (counts) and to
 * the maps (tallies), and is removed: when the thread exits (ipc_exit), or
 * when it exec'd from a non-leader and took the leader's thread id
 * (ipc_exec). A global function in core.bpf.c.
 */
int retire_thread(__u64 id);

/*
 * The current thread's entry (key id, its pid_tgid) if it is a target's:
 * entries are made for targets' threads only and go when the thread exits
 * or changes its id (retire_thread), so finding one answers is_target
 * without the targets lookup: the hot path of every traced syscall and
 * context switch.
 */
static __always_inline struct inflight *target_entry(__u64 id)
{
	return bpf_map_lookup_elem(&inflight, &id);
}

/*
 * The current thread's entry, made at its first syscall seen (a target's:
 * ipc_sys_enter); NULL when the map is full. That is a drop only when it
 * loses an IPC operation (inflight_add counts it): a syscall is counted for
 * its process anyway. Only this thread writes its entry; ipc_exit removes
 * it when the thread exits.
 */
static __always_inline struct inflight *thread_entry(void)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct inflight *ent = lookup_or_create(&inflight, &id, &inflight_zero);

	/* made just now (a target's tgid is never 0) */
	if (ent && !ent->counts.tgid) {
		ent->counts.tgid = id >> 32;
		ent->counts.start = current_start();
		/* the process's record, which the counts are added to, exists
		 * from its first thread's first syscall on */
		proc_lookup(ent->counts.tgid);
	}
	return ent;
}

/*
 * An IPC syscall's enter: the thread's entry ent, cleared of the last
 * call, to be filled with inflight_add and started with inflight_commit
 * (all three take NULL: the map was full). Returns ent.
 */
static __always_inline struct inflight *inflight_clear(struct inflight *ent)
{
	if (ent)
		ent->nobjs = 0;
	return ent;
}

/* The same, for an enter function that has not the entry at hand. */
static __always_inline struct inflight *inflight_begin(void)
{
	return inflight_clear(thread_entry());
}

/* The objects are in: the syscall's time starts now (none: nothing to do). */
static __always_inline void inflight_commit(struct inflight *ent)
{
	if (ent && ent->nobjs)
		ent->start_ns = bpf_ktime_get_ns();
}

/* The current thread's syscall in flight, or NULL. */
static __always_inline struct inflight *inflight_current(void)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct inflight *ent = bpf_map_lookup_elem(&inflight, &id);

	return ent && ent->nobjs ? ent : NULL;
}

/* Remember an operation on an object, to be finished at sys_exit. */
static __always_inline void inflight_add(struct inflight *ent,
					 const struct ipc_obj_key *key, __u32 op,
					 __u32 dir, __u32 bytes_from,
					 __u64 arg_bytes)
{
	__u32 i;

	if (!ent) {
		count_drop(IPC_DROP_INFLIGHT);	/* an operation lost */
		return;
	}
	i = ent->nobjs;
	if (i >= INFLIGHT_OBJS)
		return;
	ent->objs[i].key = *key;
	ent->objs[i].op = op;
	ent->objs[i].dir = dir;
	ent->objs[i].bytes_from = bytes_from;
	ent->objs[i].arg_bytes = arg_bytes;
	ent->objs[i].items = 0;	/* the entry held the thread's last call */
	ent->nobjs = i + 1;
}

/* Data through an fd: in for writes, out for reads; bytes from the return. */
static __always_inline void inflight_add_io(struct inflight *ent,
					    const struct ipc_obj_key *key,
					    __u32 op, bool inbound)
{
	inflight_add(ent, key, op, inbound ? IPC_DIR_IN : IPC_DIR_OUT,
		     BYTES_RET, 0);
}

/*
 * A UDP socket's send or receive, from inflight_start_fdio once the
 * socket is in the thread's entry (sock.bpf.c): the address a send names
 * (uptr: sendto's dest_addr, or sendmsg's msghdr) becomes the socket's
 * remote; a receive's (recvfrom's src_addr, or recvmsg's msghdr) is kept
 * for its exit.
 */
int enter_udp(__u32 op, __u64 uptr);

/*
 * read, write, readv, writev on a pipe or a socket; sendto, sendmsg,
 * recvfrom, recvmsg on a socket: the IPC syscalls a ping-pong is made of.
 * Inline in ipc_sys_enter, with the thread's entry it already has (one call
 * site: the object walk is verified once); most other enter functions are
 * global and look the entry up again. uptr: see enter_udp.
 */
static __always_inline int inflight_start_fdio(struct inflight *ent, __u32 h,
					       long fd, __u64 uptr)
{
	bool sock_op = h >= IPC_SYS_SENDTO && h <= IPC_SYS_RECVMSG;
	bool inbound = h == IPC_SYS_WRITE || h == IPC_SYS_WRITEV ||
		       h == IPC_SYS_SENDTO || h == IPC_SYS_SENDMSG;
	struct ipc_obj_key key = {};
	__u32 op, kind;

	switch (h) {
	case IPC_SYS_WRITE:	op = IPC_OP_WRITE; break;
	case IPC_SYS_WRITEV:	op = IPC_OP_WRITEV; break;
	case IPC_SYS_READ:	op = IPC_OP_READ; break;
	case IPC_SYS_READV:	op = IPC_OP_READV; break;
	case IPC_SYS_SENDTO:	op = IPC_OP_SENDTO; break;
	case IPC_SYS_SENDMSG:	op = IPC_OP_SENDMSG; break;
	case IPC_SYS_RECVFROM:	op = IPC_OP_RECVFROM; break;
	default:		op = IPC_OP_RECVMSG; break;
	}
	inflight_clear(ent);
	kind = file_object(fd_file(fd), &key, ent);
	if (sock_op ? !is_socket_kind(kind) : !is_stream_kind(kind))
		return 0;
	inflight_add_io(ent, &key, op, inbound);
	if (!ent)
		return 0;
	if (sock_op) {
		ent->fd = fd;
		ent->uptr = 0;
		if (kind == IPC_KIND_UDP)
			enter_udp(op, uptr);
	}
	inflight_commit(ent);
	return 0;
}

/*
 * A syscall that moves data from fd_in to fd_out inside the kernel
 * (splice, sendfile): out of the object behind fd_in (op_out) and into the
 * one behind fd_out (op_in), either of them a pipe (pipes_only) or also a
 * socket.
 */
static __always_inline int inflight_start_fd_to_fd(long fd_in, long fd_out,
						   __u32 op_out, __u32 op_in,
						   bool pipes_only)
{
	struct inflight *ent = inflight_begin();
	struct ipc_obj_key key = {};
	__u32 kind;

	kind = file_object(fd_file(fd_in), &key, ent);
	if (pipes_only ? is_pipe_kind(kind) : is_stream_kind(kind))
		inflight_add_io(ent, &key, op_out, false);
	kind = file_object(fd_file(fd_out), &key, ent);
	if (pipes_only ? is_pipe_kind(kind) : is_stream_kind(kind))
		inflight_add_io(ent, &key, op_in, true);
	inflight_commit(ent);
	return 0;
}

/*
 * An operation on an object named by an id (SysV) or an address (futex),
 * in the thread's entry ent (NULL: the map was full). Returns ent, for
 * what else its exit needs (uptr, arg).
 */
static __always_inline struct inflight *
inflight_start_obj(struct inflight *ent, __u32 kind, __u64 id, __u32 op,
		   __u32 dir, __u32 bytes_from, __u64 arg_bytes, __u32 items)
{
	struct ipc_obj_key key = { .kind = kind, .ino = id };

	inflight_add(inflight_clear(ent), &key, op, dir, bytes_from, arg_bytes);
	if (!ent)
		return NULL;
	ent->objs[0].items = items;
	inflight_commit(ent);
	return ent;
}

/* inflight_start_obj, for an enter function that has not the entry at hand. */
static __always_inline struct inflight *
inflight_start_one(__u32 kind, __u64 id, __u32 op, __u32 dir, __u32 bytes_from,
		   __u64 arg_bytes, __u32 items)
{
	return inflight_start_obj(thread_entry(), kind, id, op, dir, bytes_from,
				  arg_bytes, items);
}




/* What the syscall moved, from its return value or its arguments. */
static __always_inline __u64 op_bytes(const struct inflight_obj *o, long ret)
{
	if (o->bytes_from == BYTES_RET)
		return ret > 0 ? ret : 0;
	if (o->bytes_from == BYTES_ARG)
		return ret == 0 ? o->arg_bytes : 0;
	return 0;
}

/* dur: the syscall's duration, or NO_DURATION (page faults) */
#define NO_DURATION	(~0ULL)

/*
 * The histogram slot of a duration, bounded where the verifier sees it:
 * Linux 6.1's loses a bound checked on a copy of the register that
 * indexes ("R1 unbounded memory access"), so the clamp is a 64-bit value
 * the compiler cannot copy past (barrier_var), called where it is used.
 */
static __always_inline __u64 lat_slot_of(__u64 dur)
{
	__u64 slot = log2_u64(dur);

	if (slot > IPC_HIST_SLOTS - 1)
		slot = IPC_HIST_SLOTS - 1;
	barrier_var(slot);
	return slot;
}

/*
 * One operation (or page fault) on an object by the current process,
 * straight into its endpoint, (object, process, direction): page faults
 * and the *get calls; a syscall's own objects are tallied in the thread's
 * entry first (tally_endpoint). An object's own totals are the sum of its
 * endpoints, made in user space (snapshot_objects_from_eps): a second map
 * updated on every call cost a lookup and two atomic adds more.
 */
static __always_inline void account_object(const struct inflight_obj *o,
					   long ret, __u64 dur)
{
	__u64 bytes = op_bytes(o, ret);
	struct ipc_ep_key ek = {};
	struct ipc_ep_stats *es;

	ek.obj = o->key;
	ek.tgid = current_tgid();
	ek.dir = o->dir;
	ek.start = current_start();
	es = lookup_or_init(&endpoints, &ek, &ep_zero, IPC_DROP_ENDPOINT);
	if (!es)
		return;
	__sync_fetch_and_add(&es->calls, 1);
	__sync_fetch_and_add(&es->bytes, bytes);
	if (dur != NO_DURATION) {
		__sync_fetch_and_add(&es->lat_sum_ns, dur);
		__sync_fetch_and_add(&es->lat_slots[lat_slot_of(dur)], 1);
	}
}

/*
 * Adds the tally for one endpoint (counts.eps[i]) of thread id (a
 * pid_tgid) to the endpoints map and zeroes it: when the thread's entry is
 * retired, when another endpoint takes the slot, and every
 * IPC_THREAD_EP_FLUSH calls. A global function (core.bpf.c) that finds the
 * entry again: it runs rarely, and its loop is verified once.
 */
int flush_thread_ep(__u64 id, __u32 i);

/*
 * At sys_exit: one operation on an object by the current thread, tallied
 * in its entry with plain adds (struct ipc_thread_ep); the endpoints map,
 * a 32-byte hash key and four atomic adds, is updated only when the slot
 * is flushed. Two slots: the one not used last is taken by a new endpoint.
 */
static __always_inline void tally_endpoint(struct inflight *ent,
					   const struct inflight_obj *o,
					   long ret, __u64 dur)
{
	struct ipc_thread_ep *t;
	__u32 i;

	_Static_assert(IPC_THREAD_EPS == 2, "the slot not used last is ep_last ^ 1");
	for (i = 0; i < IPC_THREAD_EPS; i++) {
		t = &ent->counts.eps[i];
		if (t->obj.ino == o->key.ino && t->obj.dev == o->key.dev &&
		    t->obj.kind == o->key.kind && t->dir == o->dir)
			break;
	}
	if (i == IPC_THREAD_EPS) {
		i = (ent->ep_last ^ 1) & 1;
		flush_thread_ep(bpf_get_current_pid_tgid(), i);
		t = &ent->counts.eps[i];
		t->obj = o->key;
		t->dir = o->dir;
	}
	ent->ep_last = i;
	t->calls++;
	t->bytes += op_bytes(o, ret);
	t->lat_sum_ns += dur;
	t->lat_slots[lat_slot_of(dur)]++;
	if (t->calls >= IPC_THREAD_EP_FLUSH)
		flush_thread_ep(bpf_get_current_pid_tgid(), i);
}

static __always_inline void account_op(const struct inflight_obj *o, long ret,
				       __u64 dur)
{
	__u32 slot = IPC_OP_SLOT(o->key.kind, o->op);
	struct ipc_op_stats *st;

	if (o->key.kind >= IPC_KIND_MAX || o->op >= IPC_OP_MAX)
		return;
	st = bpf_map_lookup_elem(&op_stats, &slot);
	if (!st)
		return;
	/* per-CPU value: plain adds are safe, no other CPU writes this copy */
	st->calls++;
	st->lat_sum_ns += dur;
	st->lat_slots[lat_slot_of(dur)]++;
	if (ret < 0) {
		struct ipc_err_key ek = { .slot = slot, .err = -ret };
		__u64 zero = 0, *cnt;

		st->errors++;
		cnt = lookup_or_init(&op_errors, &ek, &zero, IPC_DROP_ERRNO);
		if (cnt)
			__sync_fetch_and_add(cnt, 1);
	} else {
		st->bytes += op_bytes(o, ret);
		st->items += o->items;
	}
}

/* trace: one event per object a syscall touched. */
static __always_inline void trace_op(const struct inflight_obj *o, long ret,
				     __u64 now, __u64 dur)
{
	struct ipc_event *e = event_reserve(IPC_EVENT_OP, now);

	if (!e)
		return;
	e->dur_ns = dur;
	e->bytes = ret < 0 ? 0 : op_bytes(o, ret);
	e->ret = ret;
	e->obj = o->key;
	e->op = o->op;
	e->dir = o->dir;
	event_submit(e);
}

/* At sys_exit: account one object the thread's syscall touched. */
static __always_inline void finish_obj(struct inflight *ent,
				       const struct inflight_obj *o, long ret,
				       __u64 now, __u64 dur)
{
	account_op(o, ret, dur);
	tally_endpoint(ent, o, ret, dur);
	if (trace_wanted(kind_bit(o->key.kind)))
		trace_op(o, ret, now, dur);
}

/*
 * The second object of a syscall that has two (splice or sendfile between
 * two IPC objects): a global function in core.bpf.c that finds the entry
 * again. Inline, a second pass through the accounting multiplied the states
 * the verifier walks in ipc_sys_exit: 62 ms to verify instead of 9.
 */
int finish_second(long ret, __u64 now, __u64 dur);

/*
 * At sys_exit: account every object the syscall touched, from the entry
 * ipc_sys_exit found (nobjs > 0). Called there only: no exit looks the
 * entry up again to finish it, but for a second object.
 */
static __always_inline void inflight_finish(struct inflight *ent, long ret)
{
	__u64 now, dur;

	now = bpf_ktime_get_ns();
	dur = now - ent->start_ns;
	finish_obj(ent, &ent->objs[0], ret, now, dur);
	if (ent->nobjs > 1)
		finish_second(ret, now, dur);
	ent->nobjs = 0;		/* finished; the entry stays for the next call */
}

/*
 * Syscall entries go through one program, ipc_sys_enter (core.bpf.c), on
 * the BTF raw tracepoint sys_enter: for a target's IPC syscall it calls
 * one of these global functions with the syscall's arguments. Each is
 * verified once, on its own, whatever calls it.
 */
int enter_sendfile(long out_fd, long in_fd);		/* fdio.bpf.c */
int enter_splice(long fd_in, long fd_out);		/* pipe.bpf.c */
int enter_vmsplice(long fd);				/* pipe.bpf.c */
int enter_get(__u32 kind, long key, __u64 size);	/* sysv.bpf.c */
int enter_mq(long fd, __u32 op, __u64 len);
int enter_semop(__u32 semid, __u32 nsops);
int enter_shmat(__u32 shmid);
int enter_shmdt(__u64 addr);
int enter_futex(__u64 uaddr, __u32 futex_op);

/*
 * Syscall exits go through one program, ipc_sys_exit (core.bpf.c), on the
 * BTF raw tracepoint sys_exit: it finds the syscall's in-flight record and
 * finishes it. These exits have more to do first; each is a global
 * function in its mechanism's file, verified once, not once per syscall.
 */
int exit_get(long ret);			/* msgget, semget, shmget: sysv.bpf.c */
int exit_shmat(long ret);		/* sysv.bpf.c */
int exit_sock(long ret);		/* send*, recv*: sock.bpf.c */

#endif /* COMMON_BPF_H */
