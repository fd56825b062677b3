// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * measure.c - a claim's metric measured from what an experiment left: the
 * syscalls, faults, signals and switches the kernel counted in its traced
 * run, the workload's own JSON, or its timed runs. One table maps a metric
 * (and, where it matters, the mechanism) to its experiment and to the
 * function that measures it.
 */
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include "util.h"
#include "validate.h"

/* Which kinds a claim's mechanism name covers. */
static bool kind_in(uint32_t kind, const char *mech)
{
	if (!strcmp(mech, "pipe"))
		return kind == IPC_KIND_PIPE || kind == IPC_KIND_FIFO;
	if (!strcmp(mech, "msgq"))
		return kind == IPC_KIND_SYSV_MSQ || kind == IPC_KIND_POSIX_MQ;
	if (!strcmp(mech, "shm"))
		return ipc_kind_mech(kind) == IPC_MECH_SHM;
	if (!strcmp(mech, "unix"))
		return kind >= IPC_KIND_UNIX_STREAM && kind <= IPC_KIND_UNIX_SEQPACKET;
	if (!strcmp(mech, "tcp"))
		return kind == IPC_KIND_TCP;
	return false;
}

/*
 * The shared memory the workload measures: in the shm experiment the SysV
 * segment (its other shared mapping is the workload's own bookkeeping).
 */
static bool counts_for(const struct experiment *e, const struct ipc_obj_key *k,
		       const char *mech)
{
	uint64_t id;

	if (!kind_in(k->kind, mech))
		return false;
	if (!strcmp(mech, "shm") && !wjson_u64(e->out, "segment.id", &id))
		return k->kind == IPC_KIND_SYSV_SHM && k->ino == id;
	return true;
}

bool transfer_marked(const struct experiment *e)
{
	return e->snap.phases && e->snap.phase_marks[0] && e->snap.phase_marks[1];
}

uint64_t ipc_syscalls(const struct experiment *e, const char *mech)
{
	uint64_t n = 0;

	/* between the marks only the transfer's: its IPC syscalls, whatever
	   the object (a queue's set-up, a pipe's close are outside, or not
	   IPC operations) */
	if (transfer_marked(e)) {
		for (unsigned nr = 0; nr < IPC_NR_SYSCALLS; nr++)
			if (syscall_handler(nr) != IPC_SYS_NONE)
				n += e->snap.phase_sys[IPC_PHASE_BETWEEN][nr];
		return n;
	}
	for (uint32_t slot = 0; slot < IPC_OP_SLOTS; slot++)
		if (kind_in(slot / IPC_OP_MAX, mech))
			n += e->snap.ops[slot].calls;
	return n;
}

uint64_t ipc_faults(const struct experiment *e, const char *mech)
{
	uint64_t n = 0;

	/* without bpf_find_vma a fault's mapping is not known: all of them */
	if (transfer_marked(e) && !strcmp(mech, "shm"))
		return e->snap.shm_faults_known ?
		       e->snap.phase[IPC_PHASE_BETWEEN].shm_faults :
		       e->snap.phase[IPC_PHASE_BETWEEN].page_faults;
	for (size_t i = 0; i < e->snap.nobjs; i++)
		if (counts_for(e, &e->snap.objs[i].key, mech))
			n += e->snap.objs[i].st.page_faults;
	return n;
}

double copies_per_byte(const struct experiment *e, const char *mech,
		       struct ipc_copies *cp)
{
	*cp = e->snap.copies[ipc_kind_mech(
		!strcmp(mech, "pipe") ? IPC_KIND_PIPE :
		!strcmp(mech, "msgq") ? IPC_KIND_SYSV_MSQ :
		!strcmp(mech, "shm") ? IPC_KIND_SYSV_SHM :
		!strcmp(mech, "unix") ? IPC_KIND_UNIX_STREAM : IPC_KIND_TCP)];
	/* shared memory: what crossed, per byte of the segment */
	return (double)(cp->user_to_kernel + cp->kernel_to_user) /
	       (cp->payload ? cp->payload : MIB);
}

static uint64_t errno_count(const struct experiment *e, uint32_t slot, int err)
{
	for (size_t i = 0; i < e->snap.nerrs; i++)
		if (e->snap.errs[i].key.slot == slot && e->snap.errs[i].key.err == err)
			return e->snap.errs[i].count;
	return 0;
}

/* Lower bound of the slowest call's log2 latency slot, in ns. */
static uint64_t slowest_call_ns(const struct ipc_op_stats *st)
{
	for (int i = IPC_HIST_SLOTS - 1; i >= 0; i--)
		if (st->lat_slots[i])
			return i ? 1ULL << i : 0;
	return 0;
}

uint64_t context_switches(const struct experiment *e)
{
	uint64_t n = 0;

	if (transfer_marked(e))
		return e->snap.phase[IPC_PHASE_BETWEEN].vol_switches +
		       e->snap.phase[IPC_PHASE_BETWEEN].invol_switches;
	for (size_t i = 0; i < e->snap.nprocs; i++)
		n += e->snap.procs[i].p.vol_switches + e->snap.procs[i].p.invol_switches;
	return n;
}

bool signal_cost(const struct experiment *e, struct signal_cost *sc)
{
	const uint64_t *nr = e->snap.sys_counts;
	double n;

	memset(sc, 0, sizeof(*sc));
	for (size_t i = 0; i < e->snap.nsigs; i++)
		if (e->snap.sigs[i].key.sig == SIGUSR1 &&
		    e->snap.sigs[i].key.event == IPC_SIG_HANDLED)
			sc->handled += e->snap.sigs[i].count;
	if (!sc->handled)
		return false;
	n = sc->handled;
	sc->kill = nr[SYS_kill] / n;
	sc->wait = nr[SYS_rt_sigsuspend] / n;
	sc->sigreturn = nr[SYS_rt_sigreturn] / n;
	sc->syscalls = sc->kill + sc->wait + sc->sigreturn;
	sc->switches = context_switches(e) / n;
	return true;
}

/*
 * The measurements. Each sets r->number or r->boolean and r->how and
 * returns true; false when the figure is not there, with r->how empty (the
 * experiment's error, or a missing figure, is then said) or saying why.
 */
typedef bool (*measure_fn)(const struct claim *c, const struct experiment *e,
			   struct result *r);

static bool lost_updates(const struct claim *c, const struct experiment *e,
			 struct result *r)
{
	uint64_t u, total = 0;

	(void)c;
	if (wjson_u64(e->out, "counter.lost_updates", &u) ||
	    wjson_u64(e->out, "counter.expected", &total))
		return false;
	r->number = u;
	if (e->trials && !u) {
		/* a race that did not happen does not show it cannot (under
		   qemu's TCG a load and a store in one translated block are
		   never interleaved) */
		r->verdict = V_INCONCLUSIVE;
		snprintf(r->how, sizeof(r->how), "counter++ by 2 processes, "
			 "unpinned: no update lost in %d trials (the last of %"
			 PRIu64 " updates): not seen, which does not show it "
			 "cannot happen", e->trials, total);
	} else if (e->trials) {
		snprintf(r->how, sizeof(r->how), "counter++ by 2 processes, "
			 "unpinned: %" PRIu64 " of %" PRIu64 " updates lost in "
			 "trial %d (up to %d, each 4x longer, until seen)", u,
			 total, e->trials, UNTIL_SEEN_TRIALS);
	} else {
		snprintf(r->how, sizeof(r->how), "counter++ by 2 processes: %"
			 PRIu64 " of %" PRIu64 " updates lost", u, total);
	}
	return true;
}

static bool signals_lost(const struct claim *c, const struct experiment *e,
			 struct result *r)
{
	(void)c;
	r->number = 0;
	for (size_t i = 0; i < e->snap.nsigs; i++)
		if (e->snap.sigs[i].key.sig == 10 &&
		    e->snap.sigs[i].key.event == IPC_SIG_ALREADY_PENDING)
			r->number += e->snap.sigs[i].count;
	snprintf(r->how, sizeof(r->how), "1000 SIGUSR1 sent while blocked: %.0f "
		 "merged into the pending one (the kernel's already_pending)",
		 r->number);
	return true;
}

static bool bytes_carried(const struct claim *c, const struct experiment *e,
			  struct result *r)
{
	bool in_order = false;

	(void)c;
	if (wjson_bool(e->out, "in_order", &in_order))
		return false;
	/* sigqueue's union sigval arrived intact: it carries 8 bytes */
	r->number = in_order ? sizeof(union sigval) : 0;
	snprintf(r->how, sizeof(r->how), "kill() carries only the number, but "
		 "sigqueue() delivered a %zu-byte value with each signal%s",
		 sizeof(union sigval), in_order ? " (checked in order)" : "");
	r->verdict = in_order ? V_PARTLY : V_HOLDS;
	return true;
}

static bool signal_switches(const struct claim *c, const struct experiment *e,
			    struct result *r)
{
	struct signal_cost sc;

	(void)c;
	if (!signal_cost(e, &sc))
		return false;
	r->number = 2 * sc.syscalls;
	snprintf(r->how, sizeof(r->how), "per signal (%" PRIu64 " handled, sent by "
		 "kill() in a ping-pong): %.2f kill + %.2f rt_sigsuspend (the wait) + "
		 "%.2f rt_sigreturn (the handler's return) = %.2f syscalls, each "
		 "entering and leaving the kernel; %.2f context switches",
		 sc.handled, sc.kill, sc.wait, sc.sigreturn, sc.syscalls,
		 sc.switches);
	return true;
}

static bool copies(const struct claim *c, const struct experiment *e,
		   struct result *r)
{
	struct ipc_copies cp;

	r->number = copies_per_byte(e, c->mechanism, &cp);
	snprintf(r->how, sizeof(r->how), "%" PRIu64 " B user->kernel + %" PRIu64
		 " B kernel->user for %u B of payload", (uint64_t)cp.user_to_kernel,
		 (uint64_t)cp.kernel_to_user, MIB);
	return true;
}

/*
 * After what a count measured: where it was counted (between the
 * transfer's marks, its set-up and teardown named; or the whole run), and
 * for shared memory its first touch beside the steady state. Appended to
 * r->how.
 */
static void count_scope(struct result *r, const struct experiment *e, const char *mech,
			bool switches)
{
	size_t n = strlen(r->how);
	const struct experiment *cold = mib_experiment(mech);
	char before[160], after[160];

	if (!transfer_marked(e)) {
		snprintf(r->how + n, sizeof(r->how) - n, " (the whole run: the transfer's "
			 "marks were not seen)");
		return;
	}
	snapshot_phase_text(before, sizeof(before), &e->snap, IPC_PHASE_BEFORE, true, 4);
	snapshot_phase_text(after, sizeof(after), &e->snap, IPC_PHASE_AFTER, true, 4);
	n += snprintf(r->how + n, sizeof(r->how) - n, ", between the transfer's marks; "
		      "set-up before them: %s; teardown after: %s", before, after);
	if (!strcmp(mech, "shm") && !e->snap.shm_faults_known && n < sizeof(r->how))
		n += snprintf(r->how + n, sizeof(r->how) - n, "; page faults: all of the "
			      "two processes' (this kernel lacks bpf_find_vma, Linux "
			      "5.17+, to tell the segment's)");
	if (cold && cold != e && transfer_marked(cold) && n < sizeof(r->how))
		snprintf(r->how + n, sizeof(r->how) - n, ". In the steady state (mapped "
			 "and touched before); at first touch: %" PRIu64 " %s",
			 switches ? context_switches(cold) : ipc_faults(cold, mech),
			 switches ? "context switches" : "page faults");
}

static bool syscalls(const struct claim *c, const struct experiment *e,
		     struct result *r)
{
	uint64_t calls = ipc_syscalls(e, c->mechanism);
	char names[160];

	r->number = calls;
	snapshot_phase_text(names, sizeof(names), &e->snap, IPC_PHASE_BETWEEN, true, 4);
	snprintf(r->how, sizeof(r->how), "%" PRIu64 " IPC syscalls to move 1 MiB%s%s%s",
		 calls, transfer_marked(e) ? " (" : "", transfer_marked(e) ? names : "",
		 transfer_marked(e) ? ")" : "");
	count_scope(r, e, c->mechanism, false);
	return true;
}

static bool mode_switches(const struct claim *c, const struct experiment *e,
			  struct result *r)
{
	uint64_t calls = ipc_syscalls(e, c->mechanism);
	uint64_t faults = ipc_faults(e, c->mechanism);

	r->number = 2 * (calls + faults);
	snprintf(r->how, sizeof(r->how), "%" PRIu64 " IPC syscalls + %" PRIu64
		 " page faults, each entering and leaving the kernel", calls, faults);
	count_scope(r, e, c->mechanism, false);
	return true;
}

static bool page_faults(const struct claim *c, const struct experiment *e,
			struct result *r)
{
	uint64_t faults = ipc_faults(e, c->mechanism);

	r->number = faults;
	snprintf(r->how, sizeof(r->how), "%" PRIu64 " page faults in the segment", faults);
	count_scope(r, e, c->mechanism, false);
	return true;
}

static bool ctx_switches(const struct claim *c, const struct experiment *e,
			 struct result *r)
{
	r->number = context_switches(e);
	snprintf(r->how, sizeof(r->how), "%.0f context switches of the 2 processes",
		 r->number);
	count_scope(r, e, c->mechanism, true);
	return true;
}

/*
 * A placement's verdict on a time claim: 1 holds, 0 does not, -1 too close
 * to call: the claim must say the same of every time within a factor
 * exp(2 * noise) of the runs' median (checked at sixteenths of that band
 * in log scale, so a narrow claim inside it is not missed), the noise at
 * least BOUND_NOISE_FLOOR (a fixed number against this run: the machine
 * moves between runs). A placement whose CPUs were busy with other work
 * (struct timing's busy_pct) is too close to call whatever its times.
 */
static int placement_verdict(const struct claim *c, const struct timing *t)
{
	struct stats st = timing_stats(t);
	double band = 2 * fmax(timing_noise(&st), BOUND_NOISE_FLOOR);
	bool at = claim_holds_number(c, st.median);

	if (t->busy_pct)
		return -1;	/* beside other work: its time, not the claim's */
	for (int k = -16; k <= 16; k++)
		if (claim_holds_number(c, st.median * exp(band * k / 16)) != at)
			return -1;
	return at;
}

/*
 * A time claim against each placement's untraced runs. A verdict is
 * stated only where the noise allows it (placement_verdict): it holds if
 * it holds in a placement (named: the number is that placement's
 * median);
 * it does not hold if it fails in every placement; else the medians are
 * too close to the claim's bound to call: inconclusive, with where. The
 * text gives every placement's median and range, and for shared memory
 * its first touch beside the steady state.
 */
static bool time_1mb(const struct claim *c, const struct experiment *e,
		     struct result *r)
{
	const struct experiment *te = timing_experiment(c->mechanism);
	const struct experiment *cold = mib_experiment(c->mechanism);
	int n = 0, held = -1, close = -1, first = -1, shown;
	struct stats t;

	if (!te)
		te = e;
	for (int p = 0; p < PLACE_MAX; p++) {
		int v;

		if (!te->untraced[p].n)
			continue;
		v = placement_verdict(c, &te->untraced[p]);
		if (first < 0)
			first = p;
		if (held < 0 && v == 1)
			held = p;
		if (close < 0 && v < 0)
			close = p;
	}
	if (first < 0) {
		snprintf(r->how, sizeof(r->how), "the timed runs failed: %s", te->error);
		return false;
	}
	shown = held >= 0 ? held : close >= 0 ? close : first;
	r->number = timing_stats(&te->untraced[shown]).median;
	if (held >= 0)
		n = snprintf(r->how, sizeof(r->how), "as claimed with %s: ",
			     held == PLACE_ONE_CPU ? "both ends on one CPU" :
			     held == PLACE_TWO_CPUS ? "the ends on two CPUs" :
			     "the ends where the scheduler put them");
	else if (close >= 0 && te->untraced[close].busy_pct)
		n = snprintf(r->how, sizeof(r->how), "inconclusive: %s, CPU %d was busy "
			     "with other work (%d%% of it while validate waited): ",
			     placement_names[close], te->untraced[close].busy_cpu,
			     te->untraced[close].busy_pct);
	else if (close >= 0)
		n = snprintf(r->how, sizeof(r->how), "inconclusive: %s, the median is "
			     "within twice its standard error of the claim's bound: ",
			     placement_names[close]);
	else
		n = snprintf(r->how, sizeof(r->how), "not as claimed, in any placement: ");
	if (held < 0 && close >= 0)
		r->verdict = V_INCONCLUSIVE;
	for (int p = 0; p < PLACE_MAX && n < (int)sizeof(r->how); p++) {
		struct stats u = timing_stats(&te->untraced[p]);

		if (u.runs)
			n += snprintf(r->how + n, sizeof(r->how) - n, "%s%s %.3f ms "
				      "(%.3f-%.3f)", p == first ? "" : ", ",
				      placement_names[p], u.median, u.min, u.max);
	}
	t = timing_stats(&te->traced);
	if (n < (int)sizeof(r->how))
		n += snprintf(r->how + n, sizeof(r->how) - n, ", medians and ranges of %d "
			      "untraced runs each; traced, one CPU: %.3f ms",
			      timing_stats(&te->untraced[first]).runs, t.median);
	if (cold && cold != te && n < (int)sizeof(r->how))
		snprintf(r->how + n, sizeof(r->how) - n, "; steady state: mapped and touched "
			 "before the timing. First touch, its %" PRIu64 " page faults "
			 "included: %.3f ms on one CPU",
			 ipc_faults(cold, c->mechanism),
			 timing_stats(&cold->untraced[PLACE_ONE_CPU]).median);
	else if (n < (int)sizeof(r->how))
		snprintf(r->how + n, sizeof(r->how) - n, "; %" PRIu64 " syscalls and %"
			 PRIu64 " page faults per run", ipc_syscalls(e, c->mechanism),
			 ipc_faults(e, c->mechanism));
	return true;
}

static bool pipe_capacity(const struct claim *c, const struct experiment *e,
			  struct result *r)
{
	uint32_t slot = IPC_OP_SLOT(IPC_KIND_PIPE, IPC_OP_WRITE);
	const struct ipc_op_stats *w = &e->snap.ops[slot];

	(void)c;
	/* non-blocking writes until the kernel said EAGAIN: full */
	if (!errno_count(e, slot, 11)) {
		snprintf(r->how, sizeof(r->how), "the pipe never filled");
		return false;
	}
	r->number = w->bytes;
	snprintf(r->how, sizeof(r->how), "%" PRIu64 " B written in %" PRIu64
		 " non-blocking writes before the kernel returned EAGAIN",
		 (uint64_t)w->bytes, (uint64_t)w->calls);
	return true;
}

static bool selective_receive(const struct claim *c, const struct experiment *e,
			      struct result *r)
{
	(void)c;
	/* each msgrcv asked for one type and got exactly that many of it */
	r->boolean = e->snap.nmsgtypes > 0;
	for (size_t i = 0; i < e->snap.nmsgtypes; i++) {
		const struct ipc_msgtype_row *t = &e->snap.msgtypes[i];

		if (t->key.mtype <= 0 || t->st.requested != t->st.received)
			r->boolean = false;
	}
	snprintf(r->how, sizeof(r->how), "msgrcv with msgtyp > 0 got only that type, "
		 "per the kernel (%zu types)", e->snap.nmsgtypes);
	return true;
}

static bool writer_blocks(const struct claim *c, const struct experiment *e,
			  struct result *r)
{
	uint64_t slow;

	(void)c;
	/* the reader sleeps 200 ms before reading: a blocked write waits */
	slow = slowest_call_ns(&e->snap.ops[IPC_OP_SLOT(IPC_KIND_PIPE, IPC_OP_WRITE)]);
	r->boolean = slow >= 50000000;
	snprintf(r->how, sizeof(r->how), "with the pipe full and the reader asleep "
		 "for 200 ms, the next write() took >= %.1f ms in the kernel",
		 slow / 1e6);
	return true;
}

static bool boundaries(const struct claim *c, const struct experiment *e,
		       struct result *r)
{
	bool pipe = !strcmp(c->mechanism, "pipe");
	const struct ipc_op_stats *in, *out;
	uint64_t reads;

	in = &e->snap.ops[pipe ? IPC_OP_SLOT(IPC_KIND_PIPE, IPC_OP_WRITE) :
			  IPC_OP_SLOT(IPC_KIND_SYSV_MSQ, IPC_OP_MSGSND)];
	out = &e->snap.ops[pipe ? IPC_OP_SLOT(IPC_KIND_PIPE, IPC_OP_READ) :
			   IPC_OP_SLOT(IPC_KIND_SYSV_MSQ, IPC_OP_MSGRCV)];
	/* a pipe reader ends with a read that returns 0 at end of file */
	reads = pipe && out->calls ? out->calls - 1 : out->calls;
	r->boolean = reads == in->calls && out->bytes == in->bytes;
	snprintf(r->how, sizeof(r->how), "%" PRIu64 " sends of %" PRIu64 " B in all "
		 "were taken by %" PRIu64 " receive(s) with a 4 KiB buffer",
		 (uint64_t)in->calls, (uint64_t)in->bytes, reads);
	return true;
}

/* Whether a process sent (out) and received (in) on a SysV queue. */
static void msgq_directions(const struct experiment *e, uint32_t pid,
			    uint64_t start, bool *in, bool *out)
{
	*in = *out = false;
	for (size_t j = 0; j < e->snap.neps; j++) {
		const struct ipc_ep_row *ep = &e->snap.eps[j];

		if (ep->key.tgid != pid || ep->key.start != start ||
		    ep->key.obj.kind != IPC_KIND_SYSV_MSQ || !ep->st.bytes)
			continue;
		*in |= ep->key.dir == IPC_DIR_IN;
		*out |= ep->key.dir == IPC_DIR_OUT;
	}
}

static bool msgq_one_way(const struct claim *c, const struct experiment *e,
			 struct result *r)
{
	uint64_t both = 0, procs = 0;

	(void)c;
	/* on one queue, which processes both sent and received */
	for (size_t i = 0; i < e->snap.nprocs; i++) {
		bool in, out;

		msgq_directions(e, e->snap.procs[i].tgid, e->snap.procs[i].start,
				&in, &out);
		procs += in || out;
		both += in && out;
	}
	r->boolean = !(procs == 2 && both == 2);
	snprintf(r->how, sizeof(r->how), "on one SysV queue, %" PRIu64 " of %" PRIu64
		 " processes both sent and received (type 1 one way, type 2 back)",
		 both, procs);
	return true;
}

static bool pipe_one_way(const struct claim *c, const struct experiment *e,
			 struct result *r)
{
	uint32_t w = IPC_OP_SLOT(IPC_KIND_PIPE, IPC_OP_WRITE);
	uint32_t rd = IPC_OP_SLOT(IPC_KIND_PIPE, IPC_OP_READ);

	(void)c;
	/* write() on the read end and read() on the write end: EBADF (9) */
	r->boolean = errno_count(e, w, 9) && errno_count(e, rd, 9);
	snprintf(r->how, sizeof(r->how), "write() on the read end and read() on "
		 "the write end failed with EBADF: %s",
		 r->boolean ? "yes, each end goes one way" : "no");
	return true;
}

/*
 * A metric, claimed of a mechanism (NULL: of any), measured from an
 * experiment (NULL: the mechanism's 1 MiB one). The first that fits a
 * claim is taken.
 */
struct metric {
	const char *name;
	const char *mechanism;
	const char *experiment;
	/* from the timed runs: the traced run need not have worked */
	bool timings;
	measure_fn fn;
	/* a count of the transfer: for shared memory, of its steady state
	   (timing_experiment), the first touch said beside */
	bool steady;
};

static const struct metric metrics[] = {
	{ "lost_updates_unsynchronised", NULL, "race", false, lost_updates, false },
	{ "lost_updates_with_semaphore", NULL, "semaphore", false, lost_updates, false },
	{ "signals_lost", NULL, "signal-burst", false, signals_lost, false },
	{ "bytes_carried", NULL, "signal-rt", false, bytes_carried, false },
	/* signals move no payload: theirs is per signal */
	{ "mode_switches_1mb", "signal", "signal-pingpong", false, signal_switches, false },
	{ "copies_per_byte", NULL, NULL, false, copies, false },
	{ "syscalls_1mb", NULL, NULL, false, syscalls, true },
	{ "mode_switches_1mb", NULL, NULL, false, mode_switches, true },
	{ "page_faults_1mb", NULL, NULL, false, page_faults, true },
	{ "context_switches_1mb", NULL, NULL, false, ctx_switches, true },
	{ "pipe_capacity_bytes", NULL, "pipe-capacity", false, pipe_capacity, false },
	{ "time_1mb_ms", NULL, NULL, true, time_1mb, false },
	{ "selective_receive_by_type", "msgq", "msgq-bytype", false, selective_receive, false },
	{ "writer_blocks_when_full", "pipe", "pipe-blocking", false, writer_blocks, false },
	{ "keeps_message_boundaries", "pipe", "pipe-boundaries", false, boundaries, false },
	{ "keeps_message_boundaries", "msgq", "msgq-boundaries", false, boundaries, false },
	{ "one_way", "msgq", "msgq-direction", false, msgq_one_way, false },
	{ "one_way", "pipe", "pipe-direction", false, pipe_one_way, false },
};

static const struct metric *find_metric(const struct claim *c)
{
	for (size_t i = 0; i < ARRAY_SIZE(metrics); i++)
		if (!strcmp(metrics[i].name, c->metric) &&
		    (!metrics[i].mechanism || !strcmp(metrics[i].mechanism, c->mechanism)))
			return &metrics[i];
	return NULL;
}

const char *measure_metric_name(size_t i)
{
	return i < ARRAY_SIZE(metrics) ? metrics[i].name : NULL;
}

bool measure(const struct claim *c, struct result *r)
{
	const struct metric *m = find_metric(c);
	struct experiment *e;

	if (!m) {
		unchecked(r, c->type == CLAIM_BOOL ?
			  "no experiment measures this property yet" :
			  "no experiment measures this metric yet");
		return false;
	}
	e = m->experiment ? experiment(m->experiment) :
	    m->steady ? timing_experiment(c->mechanism) : mib_experiment(c->mechanism);
	if (!e) {
		unchecked(r, m->timings ? "no 1 MiB experiment for this mechanism" :
			  "no 1 MiB experiment for this mechanism yet");
		return false;
	}
	if ((!m->timings && !e->ran) || !m->fn(c, e, r)) {
		if (!r->how[0])
			snprintf(r->how, sizeof(r->how), "experiment %s failed: %s",
				 e->name, e->error[0] ? e->error :
				 "its output lacks the figure");
		r->verdict = V_UNCHECKED;
		return false;
	}
	r->experiment = e->name;
	if (c->type == CLAIM_BOOL)
		r->has_bool = true;
	else
		r->has_number = true;
	return true;
}
