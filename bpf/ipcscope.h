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

/*
 * The slot of v: floor(log2(v)), 0 for 0 and 1, at most IPC_HIST_SLOTS - 1.
 * The BPF programs' (hist_slot in core.bpf.c), here so that the unit tests
 * hold it to user space's (user/hist.c). Without a branch but the last:
 * for 0 <= x < 2^32, (x + 0xffffffff) >> 32 is 1 if x > 0, else 0, and it
 * is 1 here exactly where x, the bits above the next half, are not all
 * zero. Compares would make 32 ways through, each walked by the verifier.
 * The empty asm keeps the compiler from turning the sums back into them.
 */
static inline __u64 ipc_hist_slot(__u64 v)
{
	__u64 r, s;

	s = (((v >> 32) + 0xffffffffULL) >> 32) << 5;
	v >>= s;
	r = s;
	__asm__ volatile("" : "+r"(v));
	s = (((v >> 16) + 0xffffffffULL) >> 32) << 4;
	v >>= s;
	r |= s;
	__asm__ volatile("" : "+r"(v));
	s = (((v >> 8) + 0xffffffffULL) >> 32) << 3;
	v >>= s;
	r |= s;
	__asm__ volatile("" : "+r"(v));
	s = (((v >> 4) + 0xffffffffULL) >> 32) << 2;
	v >>= s;
	r |= s;
	__asm__ volatile("" : "+r"(v));
	s = (((v >> 2) + 0xffffffffULL) >> 32) << 1;
	v >>= s;
	r |= s | (v >> 1);
	return r < IPC_HIST_SLOTS ? r : IPC_HIST_SLOTS - 1;
}
#define IPC_SOCK_PATH_LEN 64
/*
 * The call of the kfunc bpf_rdonly_cast, in the object as it is built: a
 * helper call of this number, which no helper has; user space makes it
 * the kfunc's call before libbpf opens the object (objects.bpf.h,
 * core_btf_patch_kfunc in user/corebtf.c).
 */
#define IPC_RDONLY_CAST_CALL 0x7ffffff0

/* What kind of IPC object an operation touched. */
enum ipc_kind {
	IPC_KIND_NONE = 0,
	IPC_KIND_PIPE,		/* anonymous pipe (lives on pipefs) */
	IPC_KIND_FIFO,		/* named pipe: a FIFO inode on a real file system */
	IPC_KIND_SYSV_MSQ,	/* SysV message queue: ino = msqid */
	IPC_KIND_POSIX_MQ,	/* POSIX message queue: an mqueue fs inode */
	IPC_KIND_SYSV_SHM,	/* SysV shared memory: ino = shmid */
	IPC_KIND_POSIX_SHM,	/* a tmpfs file mapped MAP_SHARED (/dev/shm) */
	IPC_KIND_MEMFD,		/* a memfd mapped MAP_SHARED */
	IPC_KIND_SHARED_ANON,	/* mmap(MAP_SHARED|MAP_ANONYMOUS) */
	IPC_KIND_SYSV_SEM,	/* SysV semaphore set: ino = semid */
	IPC_KIND_FUTEX,		/* a futex word: ino = its user address */
	IPC_KIND_UNIX_STREAM,	/* sockets: one object per socket (its inode); */
	IPC_KIND_UNIX_DGRAM,	/* user space pairs the two ends of a channel */
	IPC_KIND_UNIX_SEQPACKET,/* from ipc_sock_info */
	IPC_KIND_TCP,		/* AF_INET/AF_INET6 SOCK_STREAM */
	IPC_KIND_UDP,		/* AF_INET/AF_INET6 SOCK_DGRAM */
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
	IPC_OP_GET,		/* msgget, shmget, semget: create or open */
	IPC_OP_MSGSND,
	IPC_OP_MSGRCV,
	IPC_OP_MQ_SEND,		/* mq_timedsend (mq_send in libc) */
	IPC_OP_MQ_RECEIVE,	/* mq_timedreceive (mq_receive in libc) */
	IPC_OP_SHMAT,
	IPC_OP_SHMDT,
	IPC_OP_SEMOP,		/* semop and semtimedop */
	IPC_OP_FUTEX_WAIT,	/* FUTEX_WAIT*, FUTEX_LOCK_PI*, FUTEX_TRYLOCK_PI */
	IPC_OP_FUTEX_WAKE,	/* FUTEX_WAKE*, FUTEX_REQUEUE*, FUTEX_UNLOCK_PI */
	IPC_OP_SENDTO,		/* sendto, and send() which libc makes sendto */
	IPC_OP_SENDMSG,
	IPC_OP_RECVFROM,	/* recvfrom, and recv() */
	IPC_OP_RECVMSG,
	IPC_OP_SENDFILE_IN,	/* sendfile() into the pipe or socket (out_fd) */
	IPC_OP_SENDFILE_OUT,	/* sendfile() out of it (in_fd) */
	IPC_OP_MAX,
};

/* Index into the op_stats array: one slot per (kind, operation). */
#define IPC_OP_SLOT(kind, op)	((kind) * IPC_OP_MAX + (op))
#define IPC_OP_SLOTS		(IPC_KIND_MAX * IPC_OP_MAX)

/* Direction of data relative to the IPC object. */
enum ipc_dir {
	IPC_DIR_IN = 0,		/* into the object: write, send */
	IPC_DIR_OUT = 1,	/* out of the object: read, receive */
	IPC_DIR_OTHER = 2,	/* uses it without moving data: shmat, semop, futex */
	IPC_DIR_FAULT = 3,	/* page faults inside it (shared memory) */
};

/* Why the kernel side could not record something. Reported, never silent. */
enum ipc_drop {
	IPC_DROP_INFLIGHT = 0,	/* in-flight syscall table full */
	IPC_DROP_ENDPOINT,	/* endpoints map full */
	IPC_DROP_PROC,		/* procs map full */
	IPC_DROP_TARGET,	/* targets map full: a child could not be followed */
	IPC_DROP_ERRNO,		/* op_errors map full */
	IPC_DROP_OBJ_INFO,	/* obj_info map full: an object lacks its name/key */
	IPC_DROP_SIGNAL,	/* signal maps full */
	IPC_DROP_MSG_TYPE,	/* msg_types map full */
	IPC_DROP_TRACE,		/* trace: ring buffer full, an event was lost */
	IPC_DROP_CHAN,		/* time in channel: a channel's state or histogram
				   could not be created (its map is full) */
	IPC_DROP_FAULT_LOOKUP,	/* a page fault in a shared range whose mapping
				   could not be looked up (bpf_find_vma busy):
				   counted for the process, not the segment */
	IPC_DROP_SKIPPED_RUNS,	/* runs of our programs the kernel skipped (their
				   recursion_misses, read by user space: the BPF
				   side never counts this one) */
	IPC_DROP_MAX,
};

/* op_stats value (per-CPU array, index IPC_OP_SLOT). */
struct ipc_op_stats {
	__u64 calls;
	__u64 errors;		/* calls that returned a negative errno */
	__u64 bytes;		/* payload moved (see enum bytes_from in BPF) */
	__u64 items;		/* messages moved, or semaphore operations done
				   (semop's nsops), by successful calls */
	__u64 lat_sum_ns;
	__u64 lat_slots[IPC_HIST_SLOTS];	/* log2 of syscall duration, ns */
};

/* op_errors key: how often an operation failed with an errno. */
struct ipc_err_key {
	__u32 slot;		/* IPC_OP_SLOT */
	__s32 err;		/* positive errno */
};

/*
 * A socket's addresses, written when it is first seen (remote filled in
 * later for unconnected UDP from sendto/recvfrom): enough for user space to
 * pair the two ends of a channel and say whether it is loopback.
 */
struct ipc_sock_info {
	__u16 family;		/* AF_UNIX, AF_INET, AF_INET6 */
	__u16 local_port;	/* host byte order */
	__u16 remote_port;
	__u16 pad;
	__u64 peer_ino;		/* AF_UNIX: inode of the connected peer, or 0 */
	__u64 sk_id;		/* AF_UNIX: this socket's struct sock address and */
	__u64 peer_sk_id;	/* its peer's: they pair the ends even when a peer
				   had no inode yet (sent before accept) */
	__u8 local_addr[16];	/* IPv4 in the first 4 bytes */
	__u8 remote_addr[16];
	/* AF_UNIX addresses as bound: a path, or an abstract name starting
	   with '\0'; always NUL-terminated; empty if unnamed */
	char path[IPC_SOCK_PATH_LEN];		/* this socket's */
	char peer_path[IPC_SOCK_PATH_LEN];	/* its peer's */
};

/* Identity of one IPC object. For pipes and FIFOs: the inode. */
struct ipc_obj_key {
	__u32 kind;		/* enum ipc_kind */
	__u32 dev;		/* kernel dev_t of the inode's super block */
	__u64 ino;
};

/* SysV message types, per queue: what was sent and received, and what
 * msgrcv asked for (its msgtyp: 0 = any, > 0 = exactly that type). */
struct ipc_msgtype_key {
	__u32 msqid;
	__u32 pad;
	__s64 mtype;
};

struct ipc_msgtype_stats {
	__u64 sent;
	__u64 received;
	__u64 requested;	/* msgrcv calls whose msgtyp was this value */
};

/*
 * Time in channel: how long data waited in the kernel between the send that
 * put it in and the receive that took it out (send syscall entry to receive
 * syscall exit). One sample per receive: per message for queues and
 * datagram sockets, by byte position for pipes and stream sockets (the
 * receive's first byte). Keyed by the receiving object (chan_time map): the
 * pipe or queue itself, a socket's receiving end.
 */
struct ipc_chan_stats {
	__u64 samples;
	__u64 sum_ns;
	__u64 unmatched;	/* receives not timed: no traced send put the data
				   in (sent before tracing, by an untraced
				   process), or a receive that ended before its
				   matched send began (positions resynchronised) */
	__u64 overflow;		/* receives not timed: the bounded record of
				   sends (or of early receives) was full */
	__u64 slots[IPC_HIST_SLOTS];	/* log2 of the time, ns */
};

/* What names an object, written once when it is first seen (obj_info map). */
#define IPC_NAME_LEN 48
struct ipc_obj_info {
	__s64 sysv_key;		/* SysV IPC key from *get; -1 if not seen */
	__u64 size;		/* shmget size; 0 if not known */
	char name[IPC_NAME_LEN];/* FIFO / mqueue / shm file name (last path part) */
};

/* One process's use of one object in one direction: who talks to whom. */
struct ipc_ep_key {
	struct ipc_obj_key obj;
	__u32 tgid;
	__u32 dir;		/* enum ipc_dir */
	__u64 start;		/* the process's start: see struct ipc_proc_key */
};

struct ipc_ep_stats {
	__u64 calls;
	__u64 bytes;
	/* syscall entry to exit, per process and object: the latency of one
	   edge of the communication graph (page faults are not timed) */
	__u64 lat_sum_ns;
	__u64 lat_slots[IPC_HIST_SLOTS];	/* log2 of the duration, ns */
};

enum ipc_proc_flags {
	IPC_PROC_EXITED = 1 << 0,
	IPC_PROC_EXECED = 1 << 1,
	IPC_PROC_FORKED = 1 << 2,	/* seen being forked while followed */
};

/*
 * Which process: its tgid and when it started. A pid can be reused within
 * one run; the process that gets it again has another start, so the two
 * stay apart here and in every key that names a process (endpoints,
 * signals). start is the thread-group leader's task->start_time: ns of
 * CLOCK_MONOTONIC, the clock of bpf_ktime_get_ns (an exec by another
 * thread keeps it: de_thread() copies it to the new leader).
 */
struct ipc_proc_key {
	__u32 tgid;
	__u32 pad;
	__u64 start;
};

/*
 * What a thread's calls on one endpoint (object, direction) added since
 * they last went to the endpoints map: a thread that alternates between two
 * endpoints (a ping-pong writes one pipe and reads another) tallies them
 * in its own entry with plain adds, and the endpoints map is updated only
 * when another endpoint takes the slot, when the thread exits, or before a
 * histogram slot could overflow (IPC_THREAD_EP_FLUSH calls).
 */
#define IPC_THREAD_EPS		2
#define IPC_THREAD_EP_FLUSH	0xffff	/* lat_slots are 16 bits */
struct ipc_thread_ep {
	struct ipc_obj_key obj;	/* the last endpoint in this slot */
	__u32 dir;		/* enum ipc_dir */
	__u32 calls;		/* 0: nothing to add */
	__u64 bytes;
	__u64 lat_sum_ns;
	__u16 lat_slots[IPC_HIST_SLOTS];
};

/*
 * The same for SysV message types: what a thread's calls sent, received
 * and asked for of one (queue, type), flushed to msg_types when another
 * (queue, type) takes the slot or the thread exits. A ping-pong thread
 * sends one type and receives another: two slots.
 */
#define IPC_THREAD_MSGTYPES	2
struct ipc_thread_msgtype {
	struct ipc_msgtype_key key;	/* the last (queue, type) in this slot */
	struct ipc_msgtype_stats st;	/* all 0: nothing to add */
};

/*
 * A target thread's own counts, kept at the head of its in-flight entry
 * (the inflight map, key pid_tgid: only the thread writes them, no atomic
 * add, no lookup of its process, endpoint or message type) and added to
 * its process's record, its endpoints and msg_types when it exits. While
 * it lives, user space adds them to those.
 */
struct ipc_thread_counts {
	__u32 tgid;
	__u32 pad;
	__u64 start;		/* its process's start (struct ipc_proc_key) */
	__u64 syscalls;
	__u64 vol_switches;
	__u64 invol_switches;
	struct ipc_thread_ep eps[IPC_THREAD_EPS];
	struct ipc_thread_msgtype msgtypes[IPC_THREAD_MSGTYPES];
};

/*
 * Phases the traced program marks itself (USDT probes: --usdt-phase, and
 * the bundled workloads' ipcscope:transfer_start and transfer_end). The
 * session has one phase: before the first start mark, between a start
 * mark and the next end mark, after an end mark (until the next start).
 * A syscall counts in the phase it returns in (a receive that waited from
 * before the start for data sent after it is the transfer's); a context
 * switch and a page fault in the phase they happen in. Off unless asked.
 */
enum ipc_phase { IPC_PHASE_BEFORE, IPC_PHASE_BETWEEN, IPC_PHASE_AFTER, IPC_PHASES };

/*
 * The threads each CPU last saw make a syscall without being a target, and
 * the targets' generation then (struct ipc_bystander, one per CPU, in the
 * .bss): while no process has joined the targets since, their next
 * syscalls on that CPU need no map lookup (what every process not traced
 * pays). Every join bumps the generation (the programs at fork and exec,
 * user space when it adds a process), which forgets them all. Several per
 * CPU, not one: two processes that talk to each other on one CPU take
 * turns there, and each turn missed a one-thread memory (two hash lookups
 * at the enter, one at the exit).
 */
#define IPC_BYSTANDER_CPUS 512
#define IPC_BYSTANDER_WAYS 4	/* a power of two */
struct ipc_bystander {
	__u64 id[IPC_BYSTANDER_WAYS];	/* pid_tgid; 0: none */
	__u64 gen;
	__u64 next;		/* the way to take next */
};

/* The session's phase, in the BPF object's .bss (phase_state) */
struct ipc_phase_state {
	__u32 now;		/* enum ipc_phase */
	__u32 pad;
	__u64 marks[2];		/* start and end marks seen */
};

/* phase_counts value (per-CPU array, index enum ipc_phase): the targets' */
struct ipc_phase_counts {
	__u64 syscalls;
	__u64 vol_switches;
	__u64 invol_switches;
	__u64 page_faults;	/* all user page faults */
	__u64 shm_faults;	/* of which inside shared memory (bpf_find_vma) */
};

/* Per traced process (key: struct ipc_proc_key). */
struct ipc_proc {
	__u32 ppid;
	__u32 flags;		/* enum ipc_proc_flags */
	char comm[IPC_COMM_LEN];
	__u64 syscalls;
	__u64 vol_switches;
	__u64 invol_switches;
	__u64 page_faults;	/* all user page faults */
	__u64 shm_faults;	/* of which inside shared memory */
	__u64 first_ns;
	__u64 exit_ns;
	__u64 cgroup_id;	/* its cgroup (v2) when last seen: first sight,
				   exec, exit; user space names it */
};

/*
 * Signals. One counter per (sender, target, signal, event, si_code).
 * Generation results are the kernel's own (enum trace_signal_result in
 * include/trace/events/signal.h): a standard signal sent while one is
 * pending is merged: IPC_SIG_ALREADY_PENDING.
 */
enum ipc_sig_event {
	IPC_SIG_DELIVERED = 0,		/* generated: queued for delivery */
	IPC_SIG_IGNORED = 1,		/* generated: ignored, dropped */
	IPC_SIG_ALREADY_PENDING = 2,	/* generated: merged with a pending one */
	IPC_SIG_OVERFLOW_FAIL = 3,	/* generated: real-time queue full */
	IPC_SIG_LOSE_INFO = 4,		/* generated: queued without its siginfo */
	IPC_SIG_HANDLED = 16,		/* delivered to the target (signal_deliver) */
};

#define IPC_NSIG 65
/* Syscalls of the targets by number (the architecture's own numbering). */
#define IPC_NR_SYSCALLS 512

/*
 * What the one sys_enter program does for a syscall, by number: user space
 * fills the table (setting sys_handler) from <sys/syscall.h>, so the BPF
 * object holds no architecture's numbers. 0: nothing beyond counting.
 */
enum ipc_sys {
	IPC_SYS_NONE = 0,
	IPC_SYS_WRITE,
	IPC_SYS_WRITEV,
	IPC_SYS_READ,
	IPC_SYS_READV,
	IPC_SYS_SPLICE,
	IPC_SYS_VMSPLICE,
	IPC_SYS_SENDTO,
	IPC_SYS_SENDMSG,
	IPC_SYS_RECVFROM,
	IPC_SYS_RECVMSG,
	IPC_SYS_MSGGET,
	IPC_SYS_SEMGET,
	IPC_SYS_SHMGET,
	IPC_SYS_MSGSND,
	IPC_SYS_MSGRCV,
	IPC_SYS_MQ_TIMEDSEND,
	IPC_SYS_MQ_TIMEDRECEIVE,
	IPC_SYS_SEMOP,		/* semop and semtimedop */
	IPC_SYS_SHMAT,
	IPC_SYS_SHMDT,
	IPC_SYS_FUTEX,
	IPC_SYS_SENDFILE,
	IPC_SYS_MAX,
};

/* The syscalls whose exits say where shared mappings are (ipc_range_exit
 * in shm.bpf.c, attached to each one's own tracepoint), in the order of
 * the range_syscalls setting, which holds their numbers. */
enum ipc_range_syscall {
	IPC_RANGE_MMAP,
	IPC_RANGE_MREMAP,
	IPC_RANGE_MUNMAP,
	IPC_RANGE_SHMAT,
	IPC_RANGE_SYSCALLS,
};

/*
 * si_code of a delivery the kernel made up: SIGKILL, delivered to each
 * thread of a process that is going away. The low byte says why: the
 * fatal signal that ended it (1..64), or 0 with IPC_SIG_GROUP_EXIT alone
 * for exit_group(), or IPC_SIG_GROUP_EXEC for another thread's execve.
 * Real si_codes are small (-60..0x80).
 */
#define IPC_SIG_GROUP_EXIT	0x40000000
#define IPC_SIG_GROUP_EXEC	0x40000100

struct ipc_sig_key {
	__u32 sender;		/* tgid that generated it; 0 for HANDLED, and
				   for the kernel (ipc_signal_generate says
				   when: a timer, a fault, the tty, ...) */
	__u32 target;		/* tgid it was sent to */
	__u32 sig;
	__u32 event;		/* enum ipc_sig_event */
	__s32 code;		/* si_code: SI_USER (kill), SI_TKILL, SI_QUEUE, > 0 kernel */
	__u32 pad;
	__u64 sender_start;	/* the sender's start (struct ipc_proc_key);
				   0 for HANDLED */
	__u64 target_start;	/* the target's */
};

/* generation to delivery latency, per signal number (per-CPU array) */
struct ipc_sig_lat {
	__u64 count;
	__u64 sum_ns;
	__u64 slots[IPC_HIST_SLOTS];
};

/*
 * `ipcscope trace`: one record per IPC operation, through a ring buffer.
 * Only written when the trace_events setting is on; trace_kinds selects
 * which kinds (bit 1 << enum ipc_kind) and whether signals are streamed.
 */
enum ipc_event_type {
	IPC_EVENT_OP = 0,	/* a syscall on an object, at its exit */
	IPC_EVENT_FAULT = 1,	/* a user page fault inside shared memory */
	IPC_EVENT_SIGNAL = 2,	/* a signal generated or delivered */
	/* `ipcscope explain` only (the trace_explain setting): */
	IPC_EVENT_SYSCALL = 3,	/* any syscall of a target, at its exit:
				   op = its number, ret, dur_ns; aux = the
				   CPU it was entered on */
	IPC_EVENT_WAKEUP = 4,	/* a target woken (sched_waking), in the
				   waker's context: peer = the woken */
	IPC_EVENT_SWITCH = 5,	/* a CPU switched from the current thread to
				   peer, one of them a target: aux = 1 if the
				   current was preempted (still runnable), ret
				   = its state */
	IPC_EVENT_MARK = 6,	/* a target passed a USDT mark: op 0 start,
				   1 end (phase.bpf.c) */
	IPC_EVENT_NET = 7,	/* a target's packet: enum ipc_net_step in op,
				   bytes = skb->len, peer_comm = the device */
};

/* IPC_EVENT_NET's steps (explain.bpf.c) */
enum ipc_net_step {
	IPC_NET_DEV_QUEUE = 0,	/* net:net_dev_queue: handed to a device */
	IPC_NET_RECEIVE = 1,	/* net:netif_receive_skb: into the stack */
	IPC_NET_SOFTIRQ_ENTRY = 2,	/* irq:softirq_entry, NET_RX */
	IPC_NET_SOFTIRQ_EXIT = 3,	/* irq:softirq_exit, NET_RX */
};

#define IPC_TRACE_SIGNALS	(1U << 31)	/* trace_kinds: stream signals */
#define IPC_EVENT_NO_DURATION	(~0ULL)		/* dur_ns when there is none */

struct ipc_event {
	__u64 ts_ns;		/* bpf_ktime_get_ns (CLOCK_MONOTONIC) */
	__u64 dur_ns;		/* OP: syscall entry to exit; SIGNAL delivered:
				   since generation, if seen; else NO_DURATION */
	__u64 bytes;		/* OP: payload moved */
	__s64 ret;		/* OP: the syscall's return value (-errno) */
	struct ipc_obj_key obj;	/* OP, FAULT: the object; zero for SIGNAL */
	__u32 tgid;		/* the process it happened in */
	__u32 pid;		/* its thread */
	__u32 type;		/* enum ipc_event_type */
	__u32 op;		/* OP: enum ipc_op; SIGNAL: enum ipc_sig_event */
	__u32 dir;		/* OP: enum ipc_dir */
	__u32 sig;		/* SIGNAL: the signal number */
	__u32 sig_target;	/* SIGNAL: the tgid it was sent to */
	__s32 sig_code;		/* SIGNAL: si_code */
	char comm[IPC_COMM_LEN];/* the thread's name */
	__u32 cpu;		/* where it happened */
	__u32 peer_tgid;	/* WAKEUP, SWITCH: the other thread */
	__u32 peer_pid;
	__u32 aux;		/* SWITCH: 1 if the current was preempted;
				   SYSCALL: the CPU it was entered on */
	char peer_comm[IPC_COMM_LEN];	/* WAKEUP, SWITCH: the other's name;
					   NET: the device's */
};

#endif /* IPCSCOPE_H */
