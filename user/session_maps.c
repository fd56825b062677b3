// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * session_maps.c - a session's maps: reset, targets added, and read into a
 * snapshot (which snapshot_finish then makes ready for the outputs).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "ipcscope.h"	/* before the skeleton: its .bss has our types */
#include "ipcscope.skel.h"
#include "session.h"
#include "session_int.h"
#include "util.h"

static int clear_hash(const struct bpf_map *map)
{
	char key[256];

	if (bpf_map__key_size(map) > sizeof(key))
		return -E2BIG;
	while (!bpf_map__get_next_key(map, NULL, key, bpf_map__key_size(map)))
		if (bpf_map__delete_elem(map, key, bpf_map__key_size(map), 0) &&
		    errno != ENOENT)
			return -errno;
	return errno == ENOENT ? 0 : -errno;
}

/* Zero every entry of an array, on every CPU for a per-CPU one. */
static int clear_array(const struct session *s, const struct bpf_map *map)
{
	bool percpu = bpf_map__type(map) == BPF_MAP_TYPE_PERCPU_ARRAY;
	size_t size = bpf_map__value_size(map);
	void *zero;
	int err = 0;

	if (percpu)
		size = ((size + 7) & ~(size_t)7) * s->ncpus;
	zero = calloc(1, size);
	if (!zero)
		return -ENOMEM;
	for (__u32 i = 0; i < bpf_map__max_entries(map) && !err; i++)
		if (bpf_map__update_elem(map, &i, sizeof(i), zero, size, BPF_ANY))
			err = -errno;
	free(zero);
	return err;
}

/*
 * The runs a kprobe.multi link's probe skipped before its program (the
 * function tracer's recursion guard, or no room to note the return): its
 * bpf_link_info's kprobe_multi.missed (Linux 6.7+), laid out here as the
 * kernel has it, for uapi headers older than that. 0 for other links.
 */
uint64_t session_link_missed(struct bpf_link *l)
{
	struct {
		__u32 type, id, prog_id, pad;
		__u64 addrs;
		__u32 count, flags;
		__u64 missed;
	} info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (!l || bpf_obj_get_info_by_fd(bpf_link__fd(l), &info, &len) ||
	    info.type != BPF_LINK_TYPE_KPROBE_MULTI || len < sizeof(info))
		return 0;
	return info.missed;
}

/*
 * Runs of our programs the kernel skipped: each program's recursion_misses
 * (Linux 5.12+; 0 before, where the field is not filled), into runs[] in
 * the object's order (MAX_PROBES at most). A run is skipped when the
 * program is already running on that CPU: on kernels whose syscall
 * tracepoints may be preempted (6.13+? see the README), another task's
 * syscall on the same CPU finds it so. A kprobe.multi link's probe may
 * skip runs before the program too (session_link_missed): added to its
 * program's. What such a run would have counted is missing, and reported
 * as drops, by program.
 */
static void skipped_runs(const struct session *s, uint64_t runs[MAX_PROBES])
{
	memset(runs, 0, MAX_PROBES * sizeof(runs[0]));
	for (size_t i = 0; i < s->nprobes; i++) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		int fd = s->prog[i] ? bpf_program__fd(s->prog[i]) : -1;

		memset(&info, 0, sizeof(info));
		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len))
			runs[i] = info.recursion_misses;
		/* a link's own, kept when it was destroyed (destroy_links) */
		if (s->links[i] && s->probes[i].nfunctions)
			runs[i] += session_link_missed(s->links[i]);
		else
			runs[i] += s->links_missed[i];
	}
}

/* Since the last reset: the total, and the programs that lost runs */
static void read_skipped(const struct session *s, struct snapshot *snap)
{
	uint64_t runs[MAX_PROBES];
	struct bpf_program *prog;
	size_t i = 0;

	skipped_runs(s, runs);
	bpf_object__for_each_program(prog, s->skel->obj) {
		uint64_t n;

		if (i == MAX_PROBES)
			break;
		n = runs[i] - s->skipped_base[i];
		i++;
		if (!n)
			continue;
		snap->drops[IPC_DROP_SKIPPED_RUNS] += n;
		if (snap->nskipped < SNAP_SKIPPED_MAX) {
			struct snap_skipped *k = &snap->skipped[snap->nskipped++];

			snprintf(k->prog, sizeof(k->prog), "%s", bpf_program__name(prog));
			k->runs = n;
		}
	}
}

int session_reset(struct session *s)
{
	struct bpf_map *map;
	int err = 0;

	bpf_object__for_each_map(map, s->skel->obj) {
		if (bpf_map__is_internal(map))
			continue;	/* settings and the drop counters */
		switch (bpf_map__type(map)) {
		case BPF_MAP_TYPE_HASH:
			err = clear_hash(map);
			break;
		case BPF_MAP_TYPE_ARRAY:
		case BPF_MAP_TYPE_PERCPU_ARRAY:
			err = clear_array(s, map);
			break;
		default:
			break;
		}
		if (err) {
			errorf("cannot clear the BPF map %s: %s", bpf_map__name(map),
			       strerror(-err));
			return err;
		}
	}
	memset((void *)s->skel->bss->drops, 0, sizeof(s->skel->bss->drops));
	/* a plain store into the mapped .bss: no bpf() call */
	memset((void *)&s->skel->bss->phase_state, 0, sizeof(s->skel->bss->phase_state));
	skipped_runs(s, s->skipped_base);
	return 0;
}

int session_add_target(struct session *s, pid_t tgid)
{
	__u32 key = tgid;
	__u8 one = 1;

	if (bpf_map__update_elem(s->skel->maps.targets, &key, sizeof(key), &one,
				 sizeof(one), BPF_ANY))
		return -errno;
	/* what the CPUs knew as bystanders may be this one: forget it (a
	   store into the mapped .bss, after the map has it) */
	__atomic_fetch_add(&s->skel->bss->targets_gen[0], 1, __ATOMIC_SEQ_CST);
	return 0;
}

/*
 * The procs map is keyed by (tgid, start): the first process to start with
 * this pid is the one that was running when it was given to -p (a later
 * one can only have got the pid after it exited).
 */
static bool exited(const struct snapshot *s, uint32_t tgid, uint64_t start)
{
	const struct ipc_proc_row *p = snapshot_proc(s, tgid, start);

	return p && (p->p.flags & IPC_PROC_EXITED);
}

size_t session_evict_exited(struct session *s, const struct snapshot *shown)
{
	int procs = bpf_map__fd(s->skel->maps.procs);
	int eps = bpf_map__fd(s->skel->maps.endpoints);
	int sigs = bpf_map__fd(s->skel->maps.sig_stats);
	size_t n = 0;

	/* its endpoints and its signals, then the process: a row of either
	   without its process would be a process with no name */
	for (size_t i = 0; i < shown->neps; i++) {
		const struct ipc_ep_key *k = &shown->eps[i].key;

		if (exited(shown, k->tgid, k->start))
			bpf_map_delete_elem(eps, k);
	}
	for (size_t i = 0; i < shown->nsigs; i++) {
		const struct ipc_sig_key *k = &shown->sigs[i].key;

		/* a row that can no longer grow: one end is gone (a child's
		   SIGCHLD to its parent is a row per child) */
		if (exited(shown, k->target, k->target_start) ||
		    exited(shown, k->sender, k->sender_start))
			bpf_map_delete_elem(sigs, k);
	}
	for (size_t i = 0; i < shown->nprocs; i++) {
		const struct ipc_proc_row *p = &shown->procs[i];
		struct ipc_proc_key k = { .tgid = p->tgid, .start = p->start };

		if ((p->p.flags & IPC_PROC_EXITED) && !bpf_map_delete_elem(procs, &k))
			n++;
	}
	return n;
}

/*
 * Read a per-CPU array into dst[] (max_entries values of value_size),
 * merging each CPU's copy with merge(). The kernel hands the copies out
 * 8-byte aligned, one after another.
 */
typedef void (*percpu_merge)(void *dst, const void *src);

static int read_percpu(const struct session *s, const struct bpf_map *map,
		       void *dst, size_t value_size, percpu_merge merge)
{
	size_t stride = (value_size + 7) & ~(size_t)7;
	__u32 n = bpf_map__max_entries(map);
	char *percpu = calloc(s->ncpus, stride);
	int err = 0;

	if (!percpu)
		return -ENOMEM;
	for (__u32 i = 0; i < n; i++) {
		if (bpf_map__lookup_elem(map, &i, sizeof(i), percpu,
					 s->ncpus * stride, 0)) {
			err = -errno;
			break;
		}
		for (int cpu = 0; cpu < s->ncpus; cpu++)
			merge((char *)dst + i * value_size, percpu + cpu * stride);
	}
	free(percpu);
	return err;
}

static void merge_ops(void *dst, const void *src)
{
	ipc_op_stats_add(dst, src);
}

static void merge_sig_lat(void *dst, const void *src)
{
	ipc_sig_lat_add(dst, src);
}

static void merge_u64(void *dst, const void *src)
{
	*(uint64_t *)dst += *(const uint64_t *)src;
}

static void merge_phase(void *dst, const void *src)
{
	struct ipc_phase_counts *d = dst;
	const struct ipc_phase_counts *p = src;

	d->syscalls += p->syscalls;
	d->vol_switches += p->vol_switches;
	d->invol_switches += p->invol_switches;
	d->page_faults += p->page_faults;
	d->shm_faults += p->shm_faults;
}

/*
 * Rows of the snapshot one hash map is read into: each entry becomes a row
 * with the key at offset 0 and the value from val_off to the row's end.
 * The value must fill that exactly, unless only its head is wanted.
 */
struct rows_of_map {
	const struct bpf_map *map;
	void **rows;
	size_t *n;
	size_t size, val_off;
	bool keyless;		/* the row has no key */
	bool head;		/* the row holds the head of a longer value */
};

#define ROWS_OF(map_, snap, field, value)					\
	{ (map_), (void **)&(snap)->field, &(snap)->n##field,			\
	  sizeof(*(snap)->field), offsetof(__typeof__(*(snap)->field), value), \
	  false, false }

/*
 * Read a hash map into rows. A key deleted while we walk makes
 * get_next_key restart from the first, which can repeat a row; rare, as
 * the maps' entries are removed only when a thread or process ends.
 */
static int read_hash(const struct rows_of_map *r)
{
	size_t ksz = bpf_map__key_size(r->map), vsz = bpf_map__value_size(r->map);
	size_t klen = r->keyless ? 0 : ksz, vlen = r->size - r->val_off;
	char key[64], next[64], value[4096];
	void *prev = NULL;
	int fd = bpf_map__fd(r->map);

	/* the BPF side's types are the rows' (model.c's static asserts) */
	if (ksz > sizeof(key) || vsz > sizeof(value) || klen > r->val_off ||
	    (r->head ? vlen > vsz : vlen != vsz))
		return -E2BIG;
	while (bpf_map_get_next_key(fd, prev, next) == 0) {
		char *row;

		memcpy(key, next, ksz);
		prev = key;
		if (bpf_map_lookup_elem(fd, key, value))
			continue;	/* deleted meanwhile */
		row = grow_rows(r->rows, r->n, r->size);
		if (!row)
			return -ENOMEM;
		memcpy(row, key, klen);
		memcpy(row + r->val_off, value, vlen);
	}
	return errno == ENOENT ? 0 : -errno;
}

int session_read(const struct session *s, struct snapshot *snap)
{
	const __typeof__(s->skel->maps) *m = &s->skel->maps;
	/* procs, endpoints and msg_types before inflight: a thread that exits
	   meanwhile moves its counts from inflight to those (ipc_exit), so a
	   count can be late for this reading, never counted twice */
	const struct rows_of_map hashes[] = {
		ROWS_OF(m->obj_info, snap, infos, info),
		ROWS_OF(m->sig_stats, snap, sigs, count),
		ROWS_OF(m->sock_info, snap, socks, info),
		ROWS_OF(m->msg_types, snap, msgtypes, st),
		ROWS_OF(m->chan_time, snap, chans, st),
		ROWS_OF(m->op_errors, snap, errs, count),
		ROWS_OF(m->endpoints, snap, eps, st),
		ROWS_OF(m->procs, snap, procs, p),
		/* a live thread's entry starts with its counts */
		{ m->inflight, (void **)&snap->threads, &snap->nthreads,
		  sizeof(*snap->threads), 0, true, true },
	};
	int err;

	memset(snap, 0, sizeof(*snap));
	err = read_percpu(s, m->op_stats, snap->ops, sizeof(snap->ops[0]), merge_ops);
	if (!err)
		err = read_percpu(s, m->sig_lat, snap->sig_lat,
				  sizeof(snap->sig_lat[0]), merge_sig_lat);
	if (!err)
		err = read_percpu(s, m->sys_counts, snap->sys_counts,
				  sizeof(snap->sys_counts[0]), merge_u64);
	snap->phases = s->nphases > 0;
	snap->shm_faults_known = session_loaded(s, s->skel->progs.ipc_fault_vma) != NULL;
	snap->every_syscall = session_counts_every_syscall(s);
	if (!err && snap->phases)
		err = read_percpu(s, m->phase_counts, snap->phase,
				  sizeof(snap->phase[0]), merge_phase);
	if (!err && snap->phases)
		err = read_percpu(s, m->phase_sys_counts, snap->phase_sys,
				  sizeof(snap->phase_sys[0][0]), merge_u64);
	if (snap->phases)
		memcpy(snap->phase_marks, (const void *)s->skel->bss->phase_state.marks,
		       sizeof(snap->phase_marks));
	for (size_t i = 0; i < ARRAY_SIZE(hashes) && !err; i++)
		err = read_hash(&hashes[i]);
	memcpy(snap->drops, (const void *)s->skel->bss->drops, sizeof(snap->drops));
	snap->drops[IPC_DROP_SKIPPED_RUNS] = 0;
	read_skipped(s, snap);
	if (!err)
		err = snapshot_finish(snap);
	if (err) {
		errorf("cannot read the BPF maps: %s", strerror(-err));
		snapshot_free(snap);
		return err;
	}
	return 0;
}

