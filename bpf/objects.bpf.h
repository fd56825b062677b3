/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * objects.bpf.h - which IPC object is behind an fd: a pipe, a FIFO, a
 * POSIX message queue or a socket (file_object), found through the
 * current task's fd table (fd_file) and kept in the thread's entry
 * (struct obj_cache_ent, inflight.bpf.h). The global functions are in
 * objects.bpf.c.
 */
#ifndef OBJECTS_BPF_H
#define OBJECTS_BPF_H

#include "inflight.bpf.h"

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

/* The struct file behind fd in the current task, or NULL. */
__u64 fd_file_addr(long fd);	/* core.bpf.c */

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

/* socket_kind: its addresses may still change (file_object keeps it not) */
#define SOCK_INFO_PENDING	0x10000

/*
 * A socket's kind (its object: dev, ino), and its addresses the first time
 * it is seen, with SOCK_INFO_PENDING while they may still change. A global
 * function (objects.bpf.c): it is the larger part of identifying an fd's
 * object, which every enter function does, and is verified once instead of
 * in each of them. The file is passed as a number: only CO-RE reads go
 * through it.
 */
int socket_kind(__u64 file_addr, __u32 dev, __u64 ino);

/*
 * file_object's work when the thread's cache has not the inode (the file
 * as a number: only CO-RE reads go through it): its inode's super block,
 * its kind (a socket's from socket_kind), its name the first time it is
 * seen, and, with cache set, the result kept in the current thread's
 * entry. Returns the kind, with SOCK_INFO_PENDING, << 32 | the device. A
 * global function (objects.bpf.c): inlined, it was most of what the
 * verifier walked in ipc_sys_enter, once for each place an fd's object is
 * found; a cache miss costs one lookup of the entry more.
 */
__u64 file_object_miss(__u64 file, __u32 mode, __u64 ino, int cache);

/*
 * bpf_rdonly_cast (a kfunc, Linux 6.2+) makes a number a pointer the
 * verifier lets a program load through (a load that cannot fault the
 * kernel), at the cost of a plain load instead of a helper call for each
 * read: ipc_sys_enter_tp took 310-410 ns a run with it and 430-510
 * without (record -a, the pipe ping-pong, alternated, 2026-12-07). The
 * programs on every IPC syscall use it where the kernel has it (setting
 * have_rdonly_cast; off, the verifier never reaches the call).
 *
 * Not declared as a kfunc (extern ... __ksym): libbpf 1.1 then parses the
 * kernel's whole BTF at load to find it (obj_needs_vmlinux_btf), 4.5 ms
 * and the 12 MB heap made for it (6 ms) of a 60 ms start-up. The call is
 * built as a helper call of a number no helper has (IPC_RDONLY_CAST_CALL)
 * and made the kfunc's call in the object's ELF before libbpf opens it,
 * with the kfunc's id that user space found in its own pass over the
 * kernel's BTF (core_btf_patch_kfunc, user/corebtf.c): what libbpf would
 * have written. In the ELF, global functions are patched too, and any
 * object may cast (libbpf 1.1's linker could not link a kfunc declared in
 * two objects).
 */
static __always_inline void *rdonly_cast(const void *obj, __u32 btf_id)
{
	register __u64 r1 asm("r1") = (__u64)obj;
	register __u64 r2 asm("r2") = btf_id;
	register __u64 r0 asm("r0");

	asm volatile("call %[call]"
		     : "=r"(r0), "+r"(r1), "+r"(r2)
		     : [call] "i"(IPC_RDONLY_CAST_CALL)
		     : "r3", "r4", "r5", "memory");
	return (void *)r0;
}

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
	struct inode *inode;
	__u64 ino, r;
	__u32 mode;

	key->kind = IPC_KIND_NONE;
	if (!file)
		return IPC_KIND_NONE;
	if (have_rdonly_cast) {
		struct file *f = rdonly_cast(file, kernel_btf_file);

		inode = f->f_inode;
		if (!inode)
			return IPC_KIND_NONE;
		mode = inode->i_mode;
		ino = inode->i_ino;
	} else {
		inode = BPF_CORE_READ(file, f_inode);
		if (!inode)
			return IPC_KIND_NONE;
		mode = BPF_CORE_READ(inode, i_mode);
		ino = BPF_CORE_READ(inode, i_ino);
	}
	if (ent) {
		for (int i = 0; i < OBJ_CACHE; i++) {
			c = &ent->cache[i];
			if (c->inode == (__u64)inode && c->ino == ino && c->mode == mode) {
				*key = c->key;
				return key->kind;
			}
		}
	}
	r = file_object_miss((__u64)file, mode, ino, ent != NULL);
	key->kind = (r >> 32) & ~SOCK_INFO_PENDING;
	key->dev = (__u32)r;
	key->ino = ino;
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

#endif /* OBJECTS_BPF_H */
