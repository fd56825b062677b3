// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * shm.bpf.c - page faults, and which shared memory they land in.
 *
 * Shared memory moves data without syscalls, so what the kernel does for it
 * shows up as page faults: the first touch of each page maps it. For each
 * user page fault of a target, bpf_find_vma() (Linux 5.17+) finds the VMA;
 * a VM_SHARED mapping of a shmem file is shared memory, named by the file:
 * "SYSV<key>" is a SysV segment (its inode number is the shmid), "memfd:*"
 * a memfd, "dev/zero" an anonymous MAP_SHARED mapping, any other tmpfs file
 * a POSIX shm object (shm_open under /dev/shm).
 *
 * Kernels without bpf_find_vma load ipc_fault_count instead: page faults per
 * process only, and the report says the per-segment figures are missing.
 *
 * Also here: SysV shmat and shmdt, called by sys_enter and sys_exit
 * (shm.bpf.h). A segment is identified by its id (ino = id, dev = 0).
 */
#include "objects.bpf.h"
#include "shm.bpf.h"

#define VM_SHARED	0x00000008
#define TMPFS_MAGIC	0x01021994

struct fault_ctx {
	struct ipc_obj_key key;
	struct dentry *dentry;
};

static __always_inline bool name_is(const char *name, const char *prefix,
				    int len)
{
	char buf[8] = {};

	bpf_probe_read_kernel(buf, len, name);
	for (int i = 0; i < len && i < 8; i++)
		if (buf[i] != prefix[i])
			return false;
	return true;
}

static long fault_vma(struct task_struct *task, struct vm_area_struct *vma,
		      void *data)
{
	struct fault_ctx *fc = data;
	struct file *file = BPF_CORE_READ(vma, vm_file);
	struct dentry *dentry;
	struct inode *inode;
	const char *name;

	if (!file || !(BPF_CORE_READ(vma, vm_flags) & VM_SHARED))
		return 0;
	inode = BPF_CORE_READ(file, f_inode);
	dentry = BPF_CORE_READ(file, f_path.dentry);
	fc->dentry = dentry;
	name = (const char *)BPF_CORE_READ(dentry, d_name.name);
	if (name_is(name, "SYSV", 4)) {
		/* ipc/shm.c newseg(): the segment's inode number is its id */
		fc->key.kind = IPC_KIND_SYSV_SHM;
		fc->key.ino = BPF_CORE_READ(inode, i_ino);
		return 0;
	}
	if (BPF_CORE_READ(inode, i_sb, s_magic) != TMPFS_MAGIC)
		return 0;	/* a shared file mapping, not shared memory */
	if (name_is(name, "memfd:", 6))
		fc->key.kind = IPC_KIND_MEMFD;
	else if (name_is(name, "dev/zero", 8))
		fc->key.kind = IPC_KIND_SHARED_ANON;
	else
		fc->key.kind = IPC_KIND_POSIX_SHM;
	fc->key.dev = BPF_CORE_READ(inode, i_sb, s_dev);
	fc->key.ino = BPF_CORE_READ(inode, i_ino);
	return 0;
}

static __always_inline struct ipc_proc *fault_proc(__u32 tgid)
{
	struct ipc_proc *p = proc_lookup(tgid);

	if (p)
		__sync_fetch_and_add(&p->page_faults, 1);
	return p;
}

/* Whether address may be in a shared mapping of the process. */
static __always_inline bool maybe_shared(__u32 tgid, __u64 address)
{
	struct shared_ranges *r = bpf_map_lookup_elem(&shared_ranges, &tgid);

	if (!r || r->all)
		return true;
	for (__u32 i = 0; i < MAX_SHARED_RANGES; i++) {
		if (i >= r->n)
			break;
		if (address >= r->start[i] && address < r->end[i])
			return true;
	}
	return false;
}

SEC("tp_btf/page_fault_user")
int BPF_PROG(ipc_fault_vma, unsigned long address, struct pt_regs *regs,
	     unsigned long error_code)
{
	struct fault_ctx fc = {};
	struct inflight_obj o = { .dir = IPC_DIR_FAULT };
	struct ipc_proc *p;
	__u32 tgid = current_tgid();
	__u64 now;

	if (!is_target(tgid))
		return 0;
	p = fault_proc(tgid);
	if (!maybe_shared(tgid, address))
		return 0;	/* a private page: no segment to find */
	/* busy: the lock or this CPU's irq_work that would release it is
	 * taken; the fault is the process's, its segment unknown */
	if (bpf_find_vma(bpf_get_current_task_btf(), address, fault_vma, &fc, 0) == -EBUSY) {
		count_drop(IPC_DROP_FAULT_LOOKUP);
		return 0;
	}
	if (fc.key.kind == IPC_KIND_NONE)
		return 0;
	if (p)
		__sync_fetch_and_add(&p->shm_faults, 1);
	if (fc.key.kind != IPC_KIND_SYSV_SHM && fc.key.kind != IPC_KIND_SHARED_ANON)
		note_name(&fc.key, fc.dentry);
	o.key = fc.key;
	now = bpf_ktime_get_ns();
	account_object(&o, 0, NO_DURATION);
	if (trace_wanted(kind_bit(o.key.kind))) {
		struct ipc_event *e = event_reserve(IPC_EVENT_FAULT, now);

		if (e) {
			e->dur_ns = NO_DURATION;
			e->obj = o.key;
			e->dir = IPC_DIR_FAULT;
			event_submit(e);
		}
	}
	return 0;
}

SEC("tp/exceptions/page_fault_user")
int ipc_fault_count(void *ctx)
{
	__u32 tgid = current_tgid();

	if (is_target(tgid))
		fault_proc(tgid);
	return 0;
}

/* --- where the shared mappings are (see struct shared_ranges) ----------- */

struct range_ctx {
	__u64 start, end;
	bool shared;
};

static long range_vma(struct task_struct *task, struct vm_area_struct *vma,
		      void *data)
{
	struct range_ctx *rc = data;

	rc->shared = BPF_CORE_READ(vma, vm_flags) & VM_SHARED;
	rc->start = BPF_CORE_READ(vma, vm_start);
	rc->end = BPF_CORE_READ(vma, vm_end);
	return 0;
}

/* After a mapping syscall returned addr: record it if it is shared. */
static __always_inline void note_range(long addr)
{
	struct range_ctx rc = {};
	__u32 tgid = current_tgid(), i;
	struct shared_ranges *r;

	if (addr < 0 && addr > -4096)
		return;		/* it failed */
	if (!is_target(tgid))
		return;
	r = bpf_map_lookup_elem(&shared_ranges, &tgid);
	if (!r || r->all)
		return;		/* every fault is looked up anyway */
	/* at syscall exit interrupts are on: find_vma needs no irq_work here */
	if (bpf_find_vma(bpf_get_current_task_btf(), addr, range_vma, &rc, 0)) {
		r->all = 1;	/* the lock was taken: play safe */
		return;
	}
	if (!rc.shared)
		return;
	/* a slot of its own, even with another thread mapping at once */
	i = __sync_fetch_and_add(&r->n, 1);
	if (i >= MAX_SHARED_RANGES) {
		r->all = 1;
		return;
	}
	r->start[i] = rc.start;
	r->end[i] = rc.end;
}

SEC("tp/syscalls/sys_exit_mmap")
int ipc_range_mmap(struct trace_event_raw_sys_exit *ctx)
{
	note_range(ctx->ret);
	return 0;
}

SEC("tp/syscalls/sys_exit_mremap")
int ipc_range_mremap(struct trace_event_raw_sys_exit *ctx)
{
	note_range(ctx->ret);
	return 0;
}

SEC("tp/syscalls/sys_exit_shmat")
int ipc_range_shmat(struct trace_event_raw_sys_exit *ctx)
{
	note_range(ctx->ret);
	return 0;
}

/* --- SysV attach and detach (see shm.bpf.h) ----------------------------- */

#define SHMDT_UNKNOWN	0xffffffffULL	/* shmdt of an attach we did not see */

/* where each process attached which segment, for shmdt(addr) */
struct shm_attach_key {
	__u32 tgid;
	__u32 pad;
	__u64 addr;
	__u64 start;	/* the process's start: a later owner of its pid that
			   maps at the same address is not it */
};
IPC_MAP_PRIVATE(shm_attaches, BPF_MAP_TYPE_HASH, struct shm_attach_key, __u64, 4096);

/* shmat(shmid, addr, flg) */
__noinline int enter_shmat(__u32 shmid)
{
	inflight_start_one(IPC_KIND_SYSV_SHM, shmid, IPC_OP_SHMAT,
			   IPC_DIR_OTHER, BYTES_NONE, 0, 0);
	return 0;
}

__noinline int exit_shmat(long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct inflight *ent = inflight_current();

	/* remember the address, so that shmdt(addr) finds the segment */
	if (ent && ret > 0) {
		struct shm_attach_key k = { .tgid = id >> 32, .addr = ret,
					    .start = current_start() };
		__u64 shmid = ent->objs[0].key.ino;

		bpf_map_update_elem(&shm_attaches, &k, &shmid, BPF_ANY);
	}
	return 0;	/* ipc_sys_exit finishes the record */
}

/* shmdt(addr) */
__noinline int enter_shmdt(__u64 addr)
{
	struct shm_attach_key k = { .tgid = current_tgid(), .addr = addr,
				    .start = current_start() };
	__u64 *shmid;

	shmid = bpf_map_lookup_elem(&shm_attaches, &k);
	inflight_start_one(IPC_KIND_SYSV_SHM, shmid ? *shmid : SHMDT_UNKNOWN,
			   IPC_OP_SHMDT, IPC_DIR_OTHER, BYTES_NONE, 0, 0);
	if (shmid)
		bpf_map_delete_elem(&shm_attaches, &k);
	return 0;
}
