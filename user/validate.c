// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * validate.c - `ipcscope validate`: check a document's claims about IPC by
 * measurement. The claims come from a data file (claims/reference.claims,
 * format in docs/claims-format.md); each is matched to an experiment (a
 * bundled workload run under tracing), measured, and given a verdict.
 *
 * This version measures what one traced run shows exactly: copies per
 * byte, syscalls, mode switches, page faults and context switches to move
 * 1 MiB, lost updates with and without a semaphore, merged signals, data
 * carried by signals, selective receive, pipe capacity and blocking,
 * message boundaries, a pipe's direction: each from the syscalls the
 * kernel saw. Times to move 1 MiB are medians of untraced runs pinned to
 * one CPU, which the workloads time themselves.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "claims.h"
#include "commands.h"
#include "json.h"
#include "jsonread.h"
#include "runner.h"
#include "session.h"
#include "util.h"

#define MIB 1048576

/* An experiment: a workload, its arguments, and what it left behind. */
struct experiment {
	const char *name;
	const char *workload;
	const char *args[12];		/* NULL-terminated */
	const char *quick_args[12];	/* with --quick, if different */
	/* results */
	bool ran;
	char error[256];
	struct snapshot snap;
	struct jr_value *out;		/* the workload's own JSON */
	/* untraced timing runs (the *-1mib experiments), in ms */
	int nruns;
	double median_ms, min_ms, max_ms;
	double traced_ms;		/* the traced run's own elapsed time */
};

#define EXP(n, w, ...) { .name = n, .workload = w, .args = { __VA_ARGS__ } }
static struct experiment experiments[] = {
	EXP("pipe-1mib", "pipe", "--size", "1048576", "--count", "1"),
	EXP("msgq-1mib", "msgq", "--size", "8192", "--count", "128"),
	EXP("shm-1mib", "shm", "--api", "sysv", "--size", "1048576"),
	EXP("unix-1mib", "sock", "--type", "unix-stream", "--size", "1048576",
	    "--count", "1"),
	EXP("tcp-1mib", "sock", "--type", "tcp", "--size", "1048576", "--count", "1"),
	{ .name = "race", .workload = "sem",
	  .args = { "--mode", "race", "--count", "200000" },
	  .quick_args = { "--mode", "race", "--count", "50000" } },
	{ .name = "semaphore", .workload = "sem",
	  .args = { "--mode", "sysv", "--count", "20000" },
	  .quick_args = { "--mode", "sysv", "--count", "2000" } },
	EXP("signal-burst", "signal", "--mode", "burst", "--count", "1000"),
	EXP("signal-rt", "signal", "--mode", "rt", "--count", "100"),
	EXP("msgq-bytype", "msgq", "--receive", "bytype", "--types", "5",
	    "--count", "500"),
	EXP("pipe-capacity", "props", "--prop", "pipe-capacity"),
	EXP("pipe-blocking", "props", "--prop", "pipe-blocking"),
	EXP("pipe-boundaries", "props", "--prop", "pipe-boundaries"),
	EXP("msgq-boundaries", "props", "--prop", "msgq-boundaries"),
	EXP("pipe-direction", "props", "--prop", "pipe-direction"),
};


#define NEXP (sizeof(experiments) / sizeof(experiments[0]))

static struct experiment *experiment(const char *name)
{
	for (size_t i = 0; i < NEXP; i++)
		if (!strcmp(experiments[i].name, name))
			return &experiments[i];
	return NULL;
}

static const char validate_usage[] =
"Usage: ipcscope validate [OPTIONS]\n"
"\n"
"Check a document's claims about IPC by measurement: each claim in the\n"
"claims file is matched to a bundled workload, run under tracing, and gets\n"
"a verdict: holds, does not hold, or not checked (with the reason).\n"
"\n"
"Options:\n"
"      --claims FILE  the claims to check (default: claims/reference.claims\n"
"                     next to the ipcscope build, the reference document's)\n"
"      --json FILE    also write the results as JSON ('-': stdout only)\n"
"      --quick        smaller runs where the size does not matter\n"
"  -v, --verbose      say what runs\n"
"  -h, --help         show this help\n"
"\n"
"Measured per claim from one traced run: copies per payload byte, syscalls,\n"
"user/kernel mode switches (2 per syscall and per page fault), page faults\n"
"and context switches to move 1 MiB; updates lost with and without a\n"
"semaphore; standard signals merged while pending; data carried by signals;\n"
"receive by message type; pipe capacity and a writer blocking on a full\n"
"pipe; message boundaries on a pipe and a queue; a pipe's direction.\n"
"Times to move 1 MiB: the median of untraced runs (7, or 3 with --quick)\n"
"timed by the workload itself, both processes pinned to CPU 0, beside the\n"
"traced run's time; the claimed rankings are checked against the medians.\n";

/* <dir of /proc/self/exe>/rel, e.g. build/workloads/pipe */
static int beside_exe(char *buf, size_t len, const char *rel)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n < 0)
		return -errno;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return -ENOENT;
	*slash = '\0';
	if ((size_t)snprintf(buf, len, "%s/%s", exe, rel) >= len)
		return -ENAMETOOLONG;
	return 0;
}

#define MAX_ARGV 20

/* argv[] for an experiment's workload, its JSON going to out; -1 if the
 * workloads are not found next to ipcscope. exe holds argv[0]. */
static int workload_argv(const struct experiment *e, const char *const *args,
			 char *out, char exe[PATH_MAX], char *argv[MAX_ARGV])
{
	int n = 0;

	if (beside_exe(exe, PATH_MAX, "workloads/") ||
	    strlen(exe) + strlen(e->workload) >= PATH_MAX)
		return -1;
	strcat(exe, e->workload);
	argv[n++] = exe;
	for (int i = 0; args[i] && n < MAX_ARGV - 3; i++)
		argv[n++] = (char *)args[i];
	argv[n++] = "--out";
	argv[n++] = out;
	argv[n] = NULL;
	return 0;
}

/* Run one experiment under a fresh session: its maps hold only this run. */
static void run_experiment(struct experiment *e, bool quick, const char *tmpdir,
			   const sigset_t *orig_mask)
{
	struct session_config cfg = { .all = false, .self = getpid() };
	const char *const *args = quick && e->quick_args[0] ? e->quick_args : e->args;
	char exe[PATH_MAX], out[PATH_MAX], err[256];
	char *argv[MAX_ARGV];
	struct session *s = NULL;
	struct child c = { .exit_code = -1 };

	snprintf(out, sizeof(out), "%s/%s.json", tmpdir, e->name);
	if (workload_argv(e, args, out, exe, argv)) {
		snprintf(e->error, sizeof(e->error), "cannot find the workloads");
		return;
	}
	debugf("validate: running %s:", e->name);
	for (int i = 0; argv[i]; i++)
		debugf(" %s", argv[i]);
	debugf("\n");

	if (session_open(&s, &cfg)) {
		snprintf(e->error, sizeof(e->error), "cannot load the BPF programs");
		return;
	}
	if (start_command(s, argv, orig_mask, &c)) {
		snprintf(e->error, sizeof(e->error), "cannot run %.200s", exe);
		session_close(s);
		return;
	}
	reap(&c, 0);
	if (session_read(s, &e->snap)) {
		snprintf(e->error, sizeof(e->error), "cannot read the BPF maps");
	} else if (c.exit_code != 0) {
		snprintf(e->error, sizeof(e->error), "%s exited with status %d%s",
			 e->workload, c.exit_code, c.signal ? " (killed)" : "");
	} else {
		e->out = jr_parse_file(out, err, sizeof(err));
		if (e->out)
			e->ran = true;
		else
			snprintf(e->error, sizeof(e->error), "%s", err);
	}
	unlink(out);
	session_close(s);
}

/* Pin the calling process to CPU 0, saving its affinity in saved. */
static void pin_cpu0(cpu_set_t *saved)
{
	cpu_set_t cpus;

	sched_getaffinity(0, sizeof(*saved), saved);
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Untraced runs of a 1 MiB experiment, both processes pinned to CPU 0:
 * where the two ends run matters more than anything else (see
 * ../shared/PLATFORM.md), so it is fixed and stated. The workload times
 * its own transfer (elapsed_ns); the median of the runs is reported.
 */
static void time_experiment(struct experiment *e, int runs, const char *tmpdir,
			    const sigset_t *orig_mask)
{
	double ms[16];
	char exe[PATH_MAX], out[PATH_MAX], err[256];
	char *argv[MAX_ARGV];
	int ok = 0;

	snprintf(out, sizeof(out), "%s/%s-timed.json", tmpdir, e->name);
	if (workload_argv(e, e->args, out, exe, argv))
		return;
	for (int r = 0; r < runs && r < 16; r++) {
		struct jr_value *doc;
		pid_t pid = fork();
		uint64_t ns;
		int status;

		if (pid < 0)
			return;
		if (pid == 0) {
			cpu_set_t saved;

			pin_cpu0(&saved);
			sigprocmask(SIG_SETMASK, orig_mask, NULL);
			execv(exe, argv);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			continue;
		doc = jr_parse_file(out, err, sizeof(err));
		if (doc && !jr_u64(doc, "elapsed_ns", &ns))
			ms[ok++] = ns / 1e6;
		jr_free(doc);
	}
	unlink(out);
	if (!ok)
		return;
	qsort(ms, ok, sizeof(ms[0]), cmp_double);
	e->nruns = ok;
	e->median_ms = ok % 2 ? ms[ok / 2] : (ms[ok / 2 - 1] + ms[ok / 2]) / 2;
	e->min_ms = ms[0];
	e->max_ms = ms[ok - 1];
}

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

/* The experiment that moves 1 MiB through a mechanism. */
static struct experiment *mib_experiment(const char *mech)
{
	char name[32];

	snprintf(name, sizeof(name), "%s-1mib", mech);
	return experiment(name);
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
	if (!strcmp(mech, "shm") && !jr_u64(e->out, "segment.id", &id))
		return k->kind == IPC_KIND_SYSV_SHM && k->ino == id;
	return true;
}

static uint64_t ipc_syscalls(const struct experiment *e, const char *mech)
{
	uint64_t n = 0;

	for (uint32_t slot = 0; slot < IPC_OP_SLOTS; slot++)
		if (kind_in(slot / IPC_OP_MAX, mech))
			n += e->snap.ops[slot].calls;
	return n;
}

static uint64_t ipc_faults(const struct experiment *e, const char *mech)
{
	uint64_t n = 0;

	for (size_t i = 0; i < e->snap.nobjs; i++)
		if (counts_for(e, &e->snap.objs[i].key, mech))
			n += e->snap.objs[i].st.page_faults;
	return n;
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

static uint64_t context_switches(const struct experiment *e)
{
	uint64_t n = 0;

	for (size_t i = 0; i < e->snap.nprocs; i++)
		n += e->snap.procs[i].p.vol_switches + e->snap.procs[i].p.invol_switches;
	return n;
}

enum verdict { V_HOLDS, V_FAILS, V_PARTLY, V_UNCHECKED };

static const char *const verdict_names[] = {
	[V_HOLDS] = "holds",
	[V_FAILS] = "does not hold",
	[V_PARTLY] = "holds in part",
	[V_UNCHECKED] = "not checked",
};

struct result {
	enum verdict verdict;
	bool has_number, has_bool;
	double number;
	bool boolean;
	char how[384];		/* what was measured, or why it was not */
	const char *experiment;
};

static void unchecked(struct result *r, const char *why)
{
	r->verdict = V_UNCHECKED;
	snprintf(r->how, sizeof(r->how), "%s", why);
}

/* Measure a number metric; false (with r->how) if this version cannot. */
static bool measure_number(const struct claim *c, struct result *r)
{
	const char *m = c->metric;
	struct experiment *e = NULL;
	uint64_t u, total = 0;

	if (!strcmp(m, "lost_updates_unsynchronised") ||
	    !strcmp(m, "lost_updates_with_semaphore")) {
		e = experiment(m[13] == 'u' ? "race" : "semaphore");
		if (!e->ran || jr_u64(e->out, "counter.lost_updates", &u) ||
		    jr_u64(e->out, "counter.expected", &total))
			goto failed;
		r->number = u;
		snprintf(r->how, sizeof(r->how), "counter++ by 2 processes: %" PRIu64
			 " of %" PRIu64 " updates lost", u, total);
	} else if (!strcmp(m, "signals_lost")) {
		e = experiment("signal-burst");
		if (!e->ran)
			goto failed;
		r->number = 0;
		for (size_t i = 0; i < e->snap.nsigs; i++)
			if (e->snap.sigs[i].key.sig == 10 &&
			    e->snap.sigs[i].key.event == IPC_SIG_ALREADY_PENDING)
				r->number += e->snap.sigs[i].count;
		snprintf(r->how, sizeof(r->how), "1000 SIGUSR1 sent while blocked: %.0f "
			 "merged into the pending one (the kernel's already_pending)",
			 r->number);
	} else if (!strcmp(m, "bytes_carried")) {
		bool in_order = false;

		e = experiment("signal-rt");
		if (!e->ran || jr_bool(e->out, "in_order", &in_order))
			goto failed;
		/* sigqueue's union sigval arrived intact: it carries 8 bytes */
		r->number = in_order ? sizeof(union sigval) : 0;
		snprintf(r->how, sizeof(r->how), "kill() carries only the number, but "
			 "sigqueue() delivered a %zu-byte value with each signal%s",
			 sizeof(union sigval), in_order ? " (checked in order)" : "");
		r->verdict = in_order ? V_PARTLY : V_HOLDS;
	} else if (!strcmp(m, "copies_per_byte") || !strcmp(m, "syscalls_1mb") ||
		   !strcmp(m, "mode_switches_1mb") || !strcmp(m, "page_faults_1mb") ||
		   !strcmp(m, "context_switches_1mb")) {
		uint64_t calls, faults;

		e = mib_experiment(c->mechanism);
		if (!e) {
			unchecked(r, "no 1 MiB experiment for this mechanism yet");
			return false;
		}
		if (!e->ran)
			goto failed;
		calls = ipc_syscalls(e, c->mechanism);
		faults = ipc_faults(e, c->mechanism);
		if (!strcmp(m, "copies_per_byte")) {
			struct ipc_copies cp;

			snapshot_copies(&e->snap, ipc_kind_mech(
				!strcmp(c->mechanism, "pipe") ? IPC_KIND_PIPE :
				!strcmp(c->mechanism, "msgq") ? IPC_KIND_SYSV_MSQ :
				!strcmp(c->mechanism, "shm") ? IPC_KIND_SYSV_SHM :
				IPC_KIND_TCP), &cp);
			/* shared memory: what crossed, per byte of the segment */
			r->number = (double)(cp.user_to_kernel + cp.kernel_to_user) /
				    (cp.payload ? cp.payload : MIB);
			snprintf(r->how, sizeof(r->how), "%" PRIu64 " B user->kernel + %"
				 PRIu64 " B kernel->user for %u B of payload",
				 (uint64_t)cp.user_to_kernel, (uint64_t)cp.kernel_to_user,
				 MIB);
		} else if (!strcmp(m, "syscalls_1mb")) {
			r->number = calls;
			snprintf(r->how, sizeof(r->how), "%" PRIu64 " IPC syscalls to move 1 MiB", calls);
		} else if (!strcmp(m, "mode_switches_1mb")) {
			r->number = 2 * (calls + faults);
			snprintf(r->how, sizeof(r->how), "%" PRIu64 " syscalls + %" PRIu64
				 " page faults, each entering and leaving the kernel",
				 calls, faults);
		} else if (!strcmp(m, "page_faults_1mb")) {
			r->number = faults;
			snprintf(r->how, sizeof(r->how), "%" PRIu64 " page faults in the segment", faults);
		} else {
			r->number = context_switches(e);
			snprintf(r->how, sizeof(r->how), "%.0f context switches of the 2 processes "
				 "(whole run, start and exit included)", r->number);
		}
	} else if (!strcmp(m, "pipe_capacity_bytes")) {
		const struct ipc_op_stats *w;

		e = experiment("pipe-capacity");
		if (!e->ran)
			goto failed;
		w = &e->snap.ops[IPC_OP_SLOT(IPC_KIND_PIPE, IPC_OP_WRITE)];
		/* non-blocking writes until the kernel said EAGAIN: full */
		if (!errno_count(e, IPC_OP_SLOT(IPC_KIND_PIPE, IPC_OP_WRITE), 11)) {
			snprintf(r->how, sizeof(r->how), "the pipe never filled");
			r->verdict = V_UNCHECKED;
			return false;
		}
		r->number = w->bytes;
		snprintf(r->how, sizeof(r->how), "%" PRIu64 " B written in %" PRIu64
			 " non-blocking writes before the kernel returned EAGAIN",
			 (uint64_t)w->bytes, (uint64_t)w->calls);
	} else if (!strcmp(m, "time_1mb_ms")) {
		e = mib_experiment(c->mechanism);
		if (!e || !e->nruns) {
			unchecked(r, e ? "the timed runs failed" : "no 1 MiB experiment for this mechanism");
			return false;
		}
		r->number = e->median_ms;
		snprintf(r->how, sizeof(r->how), "median of %d untraced runs, both processes "
			 "on CPU 0: %.3f ms (min %.3f, max %.3f); under tracing %.3f ms; "
			 "%" PRIu64 " syscalls and %" PRIu64 " page faults per run",
			 e->nruns, e->median_ms, e->min_ms, e->max_ms, e->traced_ms,
			 ipc_syscalls(e, c->mechanism), ipc_faults(e, c->mechanism));
	} else {
		unchecked(r, "no experiment measures this metric yet");
		return false;
	}
	r->experiment = e->name;
	r->has_number = true;
	return true;
failed:
	snprintf(r->how, sizeof(r->how), "experiment %s failed: %s", e->name,
		 e->error[0] ? e->error : "its output lacks the figure");
	r->verdict = V_UNCHECKED;
	return false;
}

/* Measure a boolean property from the syscalls the kernel saw. */
static bool measure_bool(const struct claim *c, struct result *r)
{
	const char *m = c->metric, *mech = c->mechanism;
	struct experiment *e = NULL;

	if (!strcmp(m, "selective_receive_by_type") && !strcmp(mech, "msgq")) {
		e = experiment("msgq-bytype");
		if (!e->ran)
			goto failed;
		/* each msgrcv asked for one type and got exactly that many of it */
		r->boolean = e->snap.nmsgtypes > 0;
		for (size_t i = 0; i < e->snap.nmsgtypes; i++) {
			const struct ipc_msgtype_row *t = &e->snap.msgtypes[i];

			if (t->key.mtype <= 0 || t->st.requested != t->st.received)
				r->boolean = false;
		}
		snprintf(r->how, sizeof(r->how), "msgrcv with msgtyp > 0 got only that type, "
			 "per the kernel (%zu types)", e->snap.nmsgtypes);
	} else if (!strcmp(m, "writer_blocks_when_full") && !strcmp(mech, "pipe")) {
		uint64_t slow;

		e = experiment("pipe-blocking");
		if (!e->ran)
			goto failed;
		/* the reader sleeps 200 ms before reading: a blocked write waits */
		slow = slowest_call_ns(&e->snap.ops[IPC_OP_SLOT(IPC_KIND_PIPE, IPC_OP_WRITE)]);
		r->boolean = slow >= 50000000;
		snprintf(r->how, sizeof(r->how), "with the pipe full and the reader asleep "
			 "for 200 ms, the next write() took >= %.1f ms in the kernel",
			 slow / 1e6);
	} else if (!strcmp(m, "keeps_message_boundaries") &&
		   (!strcmp(mech, "pipe") || !strcmp(mech, "msgq"))) {
		bool pipe = !strcmp(mech, "pipe");
		const struct ipc_op_stats *in, *out;
		uint64_t reads;

		e = experiment(pipe ? "pipe-boundaries" : "msgq-boundaries");
		if (!e->ran)
			goto failed;
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
	} else if (!strcmp(m, "one_way") && !strcmp(mech, "pipe")) {
		uint32_t w = IPC_OP_SLOT(IPC_KIND_PIPE, IPC_OP_WRITE);
		uint32_t rd = IPC_OP_SLOT(IPC_KIND_PIPE, IPC_OP_READ);

		e = experiment("pipe-direction");
		if (!e->ran)
			goto failed;
		/* write() on the read end and read() on the write end: EBADF (9) */
		r->boolean = errno_count(e, w, 9) && errno_count(e, rd, 9);
		snprintf(r->how, sizeof(r->how), "write() on the read end and read() on "
			 "the write end failed with EBADF: %s",
			 r->boolean ? "yes, each end goes one way" : "no");
	} else {
		unchecked(r, "no experiment measures this property yet");
		return false;
	}
	r->has_bool = true;
	r->experiment = e->name;
	return true;
failed:
	snprintf(r->how, sizeof(r->how), "experiment %s failed: %s", e->name, e->error);
	r->verdict = V_UNCHECKED;
	return false;
}

/* A fastest-to-slowest order, against the median times measured. */
static void judge_ranking(const struct claim *c, struct result *r)
{
	double med[CLAIMS_MAX_LIST];
	int n = 0;
	bool ordered = true;

	if (strcmp(c->metric, "rank_time_1mb")) {
		unchecked(r, "no experiment measures this ranking");
		return;
	}
	for (int i = 0; i < c->norder; i++) {
		struct experiment *e = mib_experiment(c->order[i]);

		if (!e || !e->nruns) {
			snprintf(r->how, sizeof(r->how), "no timing for %s", c->order[i]);
			r->verdict = V_UNCHECKED;
			return;
		}
		med[i] = e->median_ms;
		n += snprintf(r->how + n, sizeof(r->how) - n, "%s%s %.3f ms",
			      i ? ", " : "medians: ", c->order[i], med[i]);
		if (n >= (int)sizeof(r->how))
			n = sizeof(r->how) - 1;
		if (i && med[i - 1] >= med[i])
			ordered = false;
	}
	snprintf(r->how + n, sizeof(r->how) - n, " (both ends on CPU 0)");
	r->verdict = ordered ? V_HOLDS : V_FAILS;
}

static void judge(const struct claim *c, struct result *r)
{
	memset(r, 0, sizeof(*r));
	r->verdict = V_HOLDS;
	if (c->type == CLAIM_RANKING) {
		judge_ranking(c, r);
		return;
	}
	if (c->type == CLAIM_BOOL) {
		if (!measure_bool(c, r))
			return;
		r->verdict = r->boolean == c->boolean ? V_HOLDS : V_FAILS;
		return;
	}
	if (!measure_number(c, r))
		return;
	if (r->verdict == V_PARTLY)
		return;
	r->verdict = claim_holds_number(c, r->number) ? V_HOLDS : V_FAILS;
}

static void claimed_text(char *buf, size_t len, const struct claim *c)
{
	int n = snprintf(buf, len, "%s ", claim_cmp_name(c->cmp));

	if (c->type == CLAIM_BOOL) {
		snprintf(buf + n, len - n, "%s", c->boolean ? "true" : "false");
	} else if (c->type == CLAIM_RANKING) {
		for (int i = 0; i < c->norder && n < (int)len; i++)
			n += snprintf(buf + n, len - n, "%s%s", i ? "<" : "", c->order[i]);
	} else if (c->cmp == CMP_ONE_OF) {
		for (int i = 0; i < c->nlist && n < (int)len; i++)
			n += snprintf(buf + n, len - n, "%s%g", i ? "," : "", c->list[i]);
	} else {
		n += snprintf(buf + n, len - n, "%g", c->number);
		if (c->has_tolerance && n < (int)len)
			snprintf(buf + n, len - n, " ±%g%s", c->tolerance,
				 c->tolerance_relative ? "%" : "");
	}
}

static void print_table(FILE *out, const struct claim *claims,
			const struct result *res, size_t n)
{
	size_t count[4] = { 0 };

	fprintf(out, "\n%-28s %-16s %-14s %-14s %s\n", "CLAIM", "METRIC", "CLAIMED",
		"MEASURED", "VERDICT");
	for (size_t i = 0; i < n; i++) {
		char claimed[64], measured[32] = "-";

		claimed_text(claimed, sizeof(claimed), &claims[i]);
		if (res[i].has_number)
			snprintf(measured, sizeof(measured), "%.10g", res[i].number);
		else if (res[i].has_bool)
			snprintf(measured, sizeof(measured), "%s", res[i].boolean ? "true" : "false");
		fprintf(out, "%-28s %-16.16s %-14s %-14s %s\n", claims[i].id,
			claims[i].metric, claimed, measured, verdict_names[res[i].verdict]);
		fprintf(out, "    %s (%s: \"%s\")\n", res[i].how, claims[i].where,
			claims[i].text);
		count[res[i].verdict]++;
	}
	fprintf(out, "\n%zu claims: %zu hold, %zu do not hold, %zu hold in part, %zu not checked\n",
		n, count[V_HOLDS], count[V_FAILS], count[V_PARTLY], count[V_UNCHECKED]);
}

static void cpu_model(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];

	snprintf(buf, len, "unknown");
	while (f && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!strncmp(line, "model name", 10) && colon) {
			snprintf(buf, len, "%s", colon + 2);
			buf[strcspn(buf, "\n")] = '\0';
			break;
		}
	}
	if (f)
		fclose(f);
}

static int write_json(FILE *f, const char *claims_path, bool quick,
		      const struct claim *claims, const struct result *res, size_t n)
{
	struct json_writer *jw = jw_new(f, true);
	struct utsname uts;
	char cpu[128], date[32];
	time_t now = time(NULL);

	if (!jw)
		return -1;
	uname(&uts);
	cpu_model(cpu, sizeof(cpu));
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	jw_object_begin(jw);
	jw_kv_string(jw, "ipcscope_version", IPCSCOPE_VERSION);
	jw_kv_string(jw, "kernel_release", uts.release);
	jw_kv_string(jw, "cpu_model", cpu);
	jw_kv_int(jw, "cores", sysconf(_SC_NPROCESSORS_ONLN));
	jw_kv_string(jw, "date", date);
	jw_kv_string(jw, "claims_file", claims_path);
	jw_kv_bool(jw, "quick", quick);
	jw_kv_string(jw, "placement", "timed runs: both processes pinned to CPU 0");
	jw_key(jw, "experiments");
	jw_array_begin(jw);
	for (size_t i = 0; i < NEXP; i++) {
		jw_object_begin(jw);
		jw_kv_string(jw, "name", experiments[i].name);
		jw_kv_string(jw, "workload", experiments[i].workload);
		jw_kv_bool(jw, "ran", experiments[i].ran);
		if (experiments[i].nruns) {
			jw_key(jw, "timing_ms");
			jw_object_begin(jw);
			jw_kv_uint(jw, "runs", experiments[i].nruns);
			jw_kv_double(jw, "median", experiments[i].median_ms);
			jw_kv_double(jw, "min", experiments[i].min_ms);
			jw_kv_double(jw, "max", experiments[i].max_ms);
			jw_kv_double(jw, "traced", experiments[i].traced_ms);
			jw_object_end(jw);
		}
		jw_key(jw, "error");
		if (experiments[i].ran)
			jw_null(jw);
		else
			jw_string(jw, experiments[i].error);
		jw_object_end(jw);
	}
	jw_array_end(jw);
	jw_key(jw, "claims");
	jw_array_begin(jw);
	for (size_t i = 0; i < n; i++) {
		char claimed[64];

		claimed_text(claimed, sizeof(claimed), &claims[i]);
		jw_object_begin(jw);
		jw_kv_string(jw, "id", claims[i].id);
		jw_kv_string(jw, "where", claims[i].where);
		jw_kv_string(jw, "mechanism", claims[i].mechanism);
		jw_kv_string(jw, "metric", claims[i].metric);
		jw_kv_string(jw, "claimed", claimed);
		jw_key(jw, "measured");
		if (res[i].has_number)
			jw_double(jw, res[i].number);
		else if (res[i].has_bool)
			jw_bool(jw, res[i].boolean);
		else
			jw_null(jw);
		jw_kv_string(jw, "verdict", verdict_names[res[i].verdict]);
		jw_kv_string(jw, "how", res[i].how);
		jw_key(jw, "experiment");
		if (res[i].experiment)
			jw_string(jw, res[i].experiment);
		else
			jw_null(jw);
		jw_kv_string(jw, "text", claims[i].text);
		jw_kv_int(jw, "line", claims[i].line);
		jw_object_end(jw);
	}
	jw_array_end(jw);
	jw_object_end(jw);
	jw_free(jw);
	return fflush(f) || ferror(f) ? -1 : 0;
}

int cmd_validate(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "claims", required_argument, NULL, 'c' },
		{ "json", required_argument, NULL, 'J' },
		{ "quick", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	char claims_path[PATH_MAX] = "", tmpdir[] = "/tmp/ipcscope-validate.XXXXXX";
	const char *json_path = NULL;
	struct claim *claims = NULL;
	struct result *res = NULL;
	sigset_t block, orig_mask;
	cpu_set_t all_cpus;
	FILE *json = NULL;
	bool quick = false;
	char err[512];
	size_t n = 0;
	int opt, ret = 1;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:vh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			snprintf(claims_path, sizeof(claims_path), "%s", optarg);
			break;
		case 'J':
			json_path = optarg;
			break;
		case 'q':
			quick = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			fputs(validate_usage, stdout);
			return 0;
		case ':':
			errorf("option '%s' needs a value", argv[optind - 1]);
			return 2;
		default:
			if (optopt)
				errorf("unknown option '-%c' (see 'ipcscope validate --help')", optopt);
			else
				errorf("unknown option '%s' (see 'ipcscope validate --help')",
				       argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		errorf("unexpected argument '%s' (see 'ipcscope validate --help')", argv[optind]);
		return 2;
	}
	if (!claims_path[0] &&
	    beside_exe(claims_path, sizeof(claims_path), "../claims/reference.claims")) {
		errorf("cannot find the claims file: give --claims FILE");
		return 1;
	}
	if (claims_load(claims_path, &claims, &n, err, sizeof(err))) {
		errorf("%s", err);
		return 1;
	}
	if (!have_bpf_caps()) {
		errorf("validating needs root (or CAP_BPF and CAP_PERFMON): run it with sudo");
		goto out;
	}
	if (json_path && strcmp(json_path, "-")) {
		json = fopen(json_path, "w");
		if (!json) {
			errorf("cannot write JSON to '%s': %s", json_path, strerror(errno));
			goto out;
		}
	} else if (json_path) {
		json = stdout;
	}
	if (!mkdtemp(tmpdir)) {
		errorf("cannot make a temporary directory: %s", strerror(errno));
		goto out;
	}
	/* the workloads are our children: SIGCHLD is for waitpid, not a handler */
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &orig_mask);
	for (size_t i = 0; i < NEXP; i++) {
		fprintf(stderr, "ipcscope: experiment %zu of %zu: %s\n", i + 1, NEXP,
			experiments[i].name);
		bool timed = strstr(experiments[i].name, "-1mib");

		/* traced like the timed runs: on CPU 0 (children inherit it) */
		if (timed)
			pin_cpu0(&all_cpus);
		run_experiment(&experiments[i], quick, tmpdir, &orig_mask);
		if (timed)
			sched_setaffinity(0, sizeof(all_cpus), &all_cpus);
		if (!experiments[i].ran) {
			errorf("warning: experiment %s: %s", experiments[i].name,
			       experiments[i].error);
			continue;
		}
		if (timed) {
			uint64_t ns;

			if (!jr_u64(experiments[i].out, "elapsed_ns", &ns))
				experiments[i].traced_ms = ns / 1e6;
			time_experiment(&experiments[i], quick ? 3 : 7, tmpdir, &orig_mask);
		}
	}
	sigprocmask(SIG_SETMASK, &orig_mask, NULL);
	rmdir(tmpdir);

	res = calloc(n, sizeof(*res));
	if (!res)
		goto out;
	for (size_t i = 0; i < n; i++)
		judge(&claims[i], &res[i]);
	if (json != stdout) {
		printf("ipcscope %s validate: %zu claims from %s\n", IPCSCOPE_VERSION, n,
		       claims_path);
		print_table(stdout, claims, res, n);
	}
	ret = 0;
	if (json && write_json(json, claims_path, quick, claims, res, n)) {
		errorf("cannot write JSON to '%s': %s", json_path, strerror(errno));
		ret = 1;
	}
out:
	if (json && json != stdout)
		fclose(json);
	for (size_t i = 0; i < NEXP; i++) {
		snapshot_free(&experiments[i].snap);
		jr_free(experiments[i].out);
		experiments[i].out = NULL;
	}
	free(res);
	free(claims);
	return ret;
}
