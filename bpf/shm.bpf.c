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

#define MAP_SHARED	0x01	/* MAP_SHARED_VALIDATE (0x03) has it too */
#define MAP_ANONYMOUS	0x20
#define MREMAP_DONTUNMAP 4

/* What a VMA lookup found: the shared memory object, if it is one. */
struct vma_ctx {
	struct ipc_obj_key key;	/* IPC_KIND_NONE: not shared memory */
	struct dentry *dentry;
	__u64 start, end;
};

/*
 * The kind of shared memory a shmem file's name says it is: "SYSV<key>" a
 * SysV segment, "memfd:*" a memfd, "dev/zero" an anonymous MAP_SHARED
 * mapping, any other name a POSIX shm object (the caller checks the file
 * is on tmpfs). A global function: its compares, inlined, were walked by
 * the verifier once per way through each caller.
 */
__noinline __u32 shm_name_kind(__u64 name)
{
	char b[16] = {};

	/* up to 8 characters and the NUL: never past the name's end */
	if (bpf_probe_read_kernel_str(b, 9, (const char *)name) < 0)
		return IPC_KIND_POSIX_SHM;
	if (b[0] == 'S' && b[1] == 'Y' && b[2] == 'S' && b[3] == 'V')
		return IPC_KIND_SYSV_SHM;
	if (b[0] == 'm' && b[1] == 'e' && b[2] == 'm' && b[3] == 'f' &&
	    b[4] == 'd' && b[5] == ':')
		return IPC_KIND_MEMFD;
	if (b[0] == 'd' && b[1] == 'e' && b[2] == 'v' && b[3] == '/' &&
	    b[4] == 'z' && b[5] == 'e' && b[6] == 'r' && b[7] == 'o')
		return IPC_KIND_SHARED_ANON;
	return IPC_KIND_POSIX_SHM;
}

/*
 * The shared memory object the file (a number: only CO-RE reads go
 * through it) is, if it is one (vc->key.kind). A global function: the
 * verifier walks it once, not once for each state that reaches a
 * bpf_find_vma() whose callback calls it. Its pointer argument needs
 * 5.12+: its callers load on 5.17+ only.
 */
__noinline int file_shm_object(__u64 file_addr, struct vma_ctx *vc)
{
	struct file *file = (struct file *)file_addr;
	struct inode *inode = BPF_CORE_READ(file, f_inode);
	struct dentry *dentry = BPF_CORE_READ(file, f_path.dentry);
	__u32 kind = shm_name_kind((__u64)BPF_CORE_READ(dentry, d_name.name));

	if (!vc)
		return 0;
	vc->dentry = dentry;
	if (kind == IPC_KIND_SYSV_SHM) {
		/* ipc/shm.c newseg(): the segment's inode number is its id */
		vc->key.kind = IPC_KIND_SYSV_SHM;
		vc->key.ino = BPF_CORE_READ(inode, i_ino);
		return 0;
	}
	if (BPF_CORE_READ(inode, i_sb, s_magic) != TMPFS_MAGIC)
		return 0;	/* a shared file mapping, not shared memory */
	vc->key.kind = kind;
	vc->key.dev = BPF_CORE_READ(inode, i_sb, s_dev);
	vc->key.ino = BPF_CORE_READ(inode, i_ino);
	return 0;
}

static long vma_object(struct task_struct *task, struct vm_area_struct *vma,
		       void *data)
{
	struct vma_ctx *vc = data;
	struct file *file = BPF_CORE_READ(vma, vm_file);

	vc->start = BPF_CORE_READ(vma, vm_start);
	vc->end = BPF_CORE_READ(vma, vm_end);
	if (file && (BPF_CORE_READ(vma, vm_flags) & VM_SHARED))
		file_shm_object((__u64)file, vc);
	return 0;
}

static __always_inline struct ipc_proc *fault_proc(__u32 tgid)
{
	struct ipc_proc *p = proc_lookup(tgid);

	if (p)
		__sync_fetch_and_add(&p->page_faults, 1);
	if (count_phases) {
		struct ipc_phase_counts *pc = phase_now();

		if (pc)
			pc->page_faults++;
	}
	return p;
}

/* --- where the shared mappings are (see struct shared_ranges) ----------- */

enum { RANGE_PRIVATE, RANGE_LOOK_UP, RANGE_KNOWN };

/*
 * The range table's loops are bpf_loop()s (5.17+, as bpf_find_vma, without
 * which nothing here is loaded): the verifier walks a callback once (or
 * until its states repeat), where it walked an open loop's body once per
 * slot, and each way out of it through the rest of the program (about
 * 5,000 of the 9,900 instructions it walked for ipc_range_exit and
 * ipc_fault_vma at start-up). Kernels from 6.0 inline the call: no call
 * per slot.
 */
static __always_inline __u32 ranges_used(const struct shared_ranges *r)
{
	__u32 n = r->n;

	return n < MAX_SHARED_RANGES ? n : MAX_SHARED_RANGES;
}

/* range_of's loop: the first slot whose range holds address */
struct range_find {
	struct shared_ranges *r;
	__u64 address;
	int slot;		/* -1: none */
};

static long range_find_slot(__u32 i, void *data)
{
	struct range_find *f = data;
	struct shared_range *sr;

	if (i >= MAX_SHARED_RANGES)
		return 1;
	sr = &f->r->r[i];
	if (f->address < sr->start || f->address >= sr->end)
		return 0;
	f->slot = i;
	return 1;
}

/*
 * Whether address may be in a shared mapping: RANGE_PRIVATE (no),
 * RANGE_KNOWN (in a range whose object is known: *key), RANGE_LOOK_UP
 * (perhaps: *slot is its range, or -1 when the process's ranges are not
 * known).
 */
static __always_inline int range_of(struct shared_ranges *r, __u64 address,
				    struct ipc_obj_key *key, int *slot)
{
	struct range_find f = { .address = address, .slot = -1 };
	struct shared_range *sr;

	*slot = -1;
	if (!r || r->all)
		return RANGE_LOOK_UP;
	f.r = r;	/* not NULL: the callback reads it unchecked */
	bpf_loop(ranges_used(r), range_find_slot, &f, 0);
	if (f.slot < 0 || f.slot >= MAX_SHARED_RANGES)
		return RANGE_PRIVATE;
	*slot = f.slot;
	sr = &r->r[f.slot];
	if (sr->key.kind == IPC_KIND_NONE)
		return RANGE_LOOK_UP;
	*key = sr->key;
	return RANGE_KNOWN;
}

/*
 * The range table is changed by global functions: the verifier walks each
 * once, whatever the program, and what they find does not multiply the
 * states of the program that calls them. They find the process's table
 * again (a map value cannot be passed).
 */
static __always_inline struct shared_ranges *ranges_of(__u32 tgid)
{
	struct shared_ranges *r = bpf_map_lookup_elem(&shared_ranges, &tgid);

	return r && !r->all ? r : NULL;
}

/* ranges_forget's loop */
struct range_cut {
	struct shared_ranges *r;
	__u64 start, end;
};

static long range_cut_slot(__u32 i, void *data)
{
	struct range_cut *c = data;
	struct shared_range *sr;

	if (i >= MAX_SHARED_RANGES)
		return 1;
	sr = &c->r->r[i];
	if (sr->end <= c->start || sr->start >= c->end)
		return 0;
	if (sr->start >= c->start && sr->end <= c->end) {
		sr->end = 0;
		sr->start = 0;
	}
	sr->key.kind = IPC_KIND_NONE;
	return 0;
}

/*
 * [start, end) is unmapped or mapped anew: a range inside it goes, a
 * range it overlaps keeps its place but not its object (looked up again).
 */
__noinline int ranges_forget(__u32 tgid, __u64 start, __u64 end)
{
	struct shared_ranges *r = ranges_of(tgid);
	struct range_cut c = { .start = start, .end = end };

	if (!r)
		return 0;
	c.r = r;
	bpf_loop(ranges_used(r), range_cut_slot, &c, 0);
	return 0;
}

/* ranges_add's loop: a free slot, taken (another thread may be adding at
 * once) */
struct range_free {
	struct shared_ranges *r;
	__u64 end;
	int slot;		/* -1: none */
};

static long range_take_free(__u32 i, void *data)
{
	struct range_free *f = data;
	struct shared_range *sr;

	if (i >= MAX_SHARED_RANGES)
		return 1;
	sr = &f->r->r[i];
	if (sr->end || __sync_val_compare_and_swap(&sr->end, 0, f->end) != 0)
		return 0;
	f->slot = i;
	return 1;
}

/* A shared mapping at [start, end), its object (kind << 32 | dev, ino;
 * kind IPC_KIND_NONE: not known yet). */
__noinline int ranges_add(__u32 tgid, __u64 start, __u64 end, __u64 kind_dev,
			  __u64 ino)
{
	struct shared_ranges *r = ranges_of(tgid);
	struct range_free f = { .end = end, .slot = -1 };
	struct shared_range *sr;
	__u32 i;

	if (!r)
		return 0;
	f.r = r;
	/* a free slot, or a new one */
	bpf_loop(ranges_used(r), range_take_free, &f, 0);
	if (f.slot >= 0 && f.slot < MAX_SHARED_RANGES) {
		sr = &r->r[f.slot];
	} else {
		i = __sync_fetch_and_add(&r->n, 1);
		if (i >= MAX_SHARED_RANGES) {
			r->all = 1;	/* more than we keep: look at all */
			return 0;
		}
		sr = &r->r[i];
		sr->end = end;
	}
	/* the key before the start: until both are there, the range looks
	 * like [0, end) with no object, which only costs lookups */
	sr->key.kind = kind_dev >> 32;
	sr->key.dev = (__u32)kind_dev;
	sr->key.ino = ino;
	sr->start = start;
	return 0;
}

#define KIND_DEV(key)	((__u64)(key).kind << 32 | (key).dev)

static __always_inline struct shared_ranges *target_ranges(long ret)
{
	__u32 tgid = current_tgid();
	struct shared_ranges *r;

	if (ret < 0 && ret > -4096)
		return NULL;	/* it failed */
	if (!is_target(tgid))
		return NULL;
	r = bpf_map_lookup_elem(&shared_ranges, &tgid);
	if (!r || r->all)
		return NULL;	/* every fault is looked up anyway */
	return r;
}

/*
 * A new shared mapping at [addr, end): of a file, its object is the fd's
 * (a file that is not shared memory needs no range); anonymous, only a
 * lookup can say, and at syscall exit (interrupts on) it fails only when
 * another thread holds the lock: then the first fault there looks again.
 */
static __always_inline void ranges_add_mapped(__u64 addr, __u64 end, __u64 flags,
					      long fd)
{
	struct vma_ctx vc = {};
	struct file *file;

	if (!(flags & MAP_ANONYMOUS)) {
		file = fd_file(fd);
		if (!file)
			return;
		file_shm_object((__u64)file, &vc);
		if (vc.key.kind == IPC_KIND_NONE)
			return;
		if (vc.key.kind != IPC_KIND_SYSV_SHM)
			note_name(&vc.key, vc.dentry);
	} else if (bpf_find_vma(bpf_get_current_task_btf(), addr, vma_object,
				&vc, 0)) {
		vc.key.kind = IPC_KIND_NONE;
	}
	ranges_add(current_tgid(), addr, end, KIND_DEV(vc.key), vc.key.ino);
}

static __always_inline struct pt_regs *exit_regs(void)
{
	return (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
}

#define PAGE_END(addr, len)	(((addr) + (len) + 4095) & ~4095ULL)

/* mmap(addr, len, prot, flags, fd, off): the arguments are still in the
 * user registers at exit */
static __always_inline void range_mmap(long ret)
{
	struct pt_regs *regs = exit_regs();
	__u64 addr = ret, end, flags;

	end = PAGE_END(addr, PT_REGS_PARM2_CORE_SYSCALL(regs));
	ranges_forget(current_tgid(), addr, end);	/* MAP_FIXED may replace one */
	flags = PT_REGS_PARM4_CORE_SYSCALL(regs);
	if (flags & MAP_SHARED)
		ranges_add_mapped(addr, end, flags, PT_REGS_PARM5_CORE_SYSCALL(regs));
	/* a private mapping: never looked up */
}

/* mremap(old_addr, old_len, new_len, flags, new_addr) */
static __always_inline void range_mremap(struct shared_ranges *r, long ret)
{
	struct pt_regs *regs = exit_regs();
	struct ipc_obj_key key = {};
	__u64 old, end;
	int slot, what;

	old = PT_REGS_PARM1_CORE_SYSCALL(regs);
	what = range_of(r, old, &key, &slot);
	if (!(PT_REGS_PARM4_CORE_SYSCALL(regs) & MREMAP_DONTUNMAP))
		ranges_forget(current_tgid(), old,
			      PAGE_END(old, PT_REGS_PARM2_CORE_SYSCALL(regs)));
	end = PAGE_END((__u64)ret, PT_REGS_PARM3_CORE_SYSCALL(regs));
	ranges_forget(current_tgid(), ret, end);
	if (what != RANGE_PRIVATE)
		ranges_add(current_tgid(), ret, end, KIND_DEV(key), key.ino);
}

/* munmap(addr, len) */
static __always_inline void range_munmap(void)
{
	struct pt_regs *regs = exit_regs();
	__u64 addr = PT_REGS_PARM1_CORE_SYSCALL(regs);

	ranges_forget(current_tgid(), addr, PAGE_END(addr, PT_REGS_PARM2_CORE_SYSCALL(regs)));
}

/* shmat returns where; only the lookup knows the segment's size */
static __always_inline void range_shmat(struct shared_ranges *r, long ret)
{
	struct vma_ctx vc = {};

	if (bpf_find_vma(bpf_get_current_task_btf(), ret, vma_object, &vc, 0)) {
		r->all = 1;	/* the lock was taken: play safe */
		return;
	}
	ranges_forget(current_tgid(), vc.start, vc.end);
	ranges_add(current_tgid(), vc.start, vc.end, KIND_DEV(vc.key), vc.key.ino);
}

/*
 * The exits of the four syscalls that change where a process's shared
 * mappings are: one program that session.c attaches to each one's own
 * tracepoint (sys_exit_mmap, _mremap, _munmap, _shmat), told apart by the
 * syscall's number (range_syscalls, filled by user space). One program,
 * not four: the verifier walks the range functions once at start-up.
 */
static __always_inline int range_exit(long nr, long ret)
{
	struct shared_ranges *r = target_ranges(ret);

	if (!r)
		return 0;
	if (nr == range_syscalls[IPC_RANGE_MMAP])
		range_mmap(ret);
	else if (nr == range_syscalls[IPC_RANGE_MREMAP])
		range_mremap(r, ret);
	else if (nr == range_syscalls[IPC_RANGE_MUNMAP])
		range_munmap();
	else if (nr == range_syscalls[IPC_RANGE_SHMAT])
		range_shmat(r, ret);
	return 0;
}

SEC("tp/syscalls/sys_exit_mmap")
int ipc_range_exit(struct ipc_tp_sys_exit *ctx)
{
	return range_exit(ctx->nr, ctx->ret);
}

/* The same on the four syscalls' functions' returns, where the syscall
 * programs are kprobes (ipc_sys_enter_kp): the number is the cookie */
SEC("kretprobe.multi")
int ipc_range_exit_kp(struct pt_regs *ctx)
{
	long ret = PT_REGS_RC(ctx);

	return range_exit((long)bpf_get_attach_cookie(ctx), ret);
}

/* --- the faults ---------------------------------------------------------- */

/*
 * A fault's lookup found the mapping at [start, end) to be the object
 * (kind << 32 | dev, ino): the range in slot (tgid_slot: tgid << 32 |
 * slot) keeps it if the mapping covers it all. A global function: the
 * verifier walks it once, and the slot stays a plain number in the fault
 * program (a map offset made of it had the verifier walk the rest of the
 * program once per slot: 95,000 instructions instead of 6,000).
 */
__noinline int range_learn(__u64 tgid_slot, __u64 start, __u64 end, __u64 kind_dev,
			   __u64 ino)
{
	__u32 tgid = tgid_slot >> 32, slot = (__u32)tgid_slot;
	struct shared_ranges *r = bpf_map_lookup_elem(&shared_ranges, &tgid);
	struct shared_range *sr;

	if (!r || slot >= MAX_SHARED_RANGES || slot >= r->n)
		return 0;
	sr = &r->r[slot];
	if (start > sr->start || end < sr->end)
		return 0;
	sr->key.kind = kind_dev >> 32;
	sr->key.dev = (__u32)kind_dev;
	sr->key.ino = ino;
	return 0;
}

SEC("raw_tp/page_fault_user")
int BPF_PROG(ipc_fault_vma, unsigned long address, struct pt_regs *regs,
	     unsigned long error_code)
{
	struct vma_ctx vc = {};
	struct inflight_obj o = { .dir = IPC_DIR_FAULT };
	struct shared_ranges *r;
	struct ipc_proc *p;
	__u32 tgid = current_tgid();
	int slot;
	__u64 now;

	if (!is_target(tgid))
		return 0;
	p = fault_proc(tgid);
	r = bpf_map_lookup_elem(&shared_ranges, &tgid);
	switch (range_of(r, address, &vc.key, &slot)) {
	case RANGE_PRIVATE:
		return 0;	/* a private page: no segment to find */
	case RANGE_KNOWN:
		break;		/* found before */
	default:
		/* busy: another thread holds the lock, or this CPU's irq_work
		 * that would release it is pending; the fault is the
		 * process's, its segment unknown (the next fault there looks
		 * again) */
		if (bpf_find_vma(bpf_get_current_task_btf(), address, vma_object,
				 &vc, 0) == -EBUSY) {
			count_drop(IPC_DROP_FAULT_LOOKUP);
			return 0;
		}
		if (vc.key.kind == IPC_KIND_NONE)
			return 0;
		if (vc.key.kind != IPC_KIND_SYSV_SHM &&
		    vc.key.kind != IPC_KIND_SHARED_ANON)
			note_name(&vc.key, vc.dentry);
		/* the whole range is this mapping: later faults need no lookup
		   (no branch on slot here: range_learn checks it) */
		range_learn((__u64)tgid << 32 | (__u32)slot, vc.start, vc.end,
			    (__u64)vc.key.kind << 32 | vc.key.dev, vc.key.ino);
	}
	if (p)
		__sync_fetch_and_add(&p->shm_faults, 1);
	if (count_phases) {
		struct ipc_phase_counts *pc = phase_now();

		if (pc)
			pc->shm_faults++;
	}
	o.key = vc.key;
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
