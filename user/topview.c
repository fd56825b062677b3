// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * topview.c - rates between two snapshots, and the screen `ipcscope top` shows.
 * The counters only grow while a session runs, so a rate is the difference
 * over the interval; a row missing from the earlier snapshot started at 0.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "table.h"
#include "topview.h"
#include "util.h"


static double rate(uint64_t now, uint64_t before, double dt)
{
	return now > before ? (now - before) / dt : 0;
}

static int cmp_proc(const void *a, const void *b)
{
	const struct top_proc *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	if (x->calls != y->calls)
		return x->calls < y->calls ? 1 : -1;
	/* exited after live; exited ones that fold_exited may fold next to
	   each other (live ones in pid order, as before) */
	if (x->exited != y->exited)
		return x->exited ? 1 : -1;
	if (x->exited) {
		int c = strncmp(x->comm, y->comm, IPC_COMM_LEN);

		if (c)
			return c;
		if (x->syscalls != y->syscalls)
			return x->syscalls < y->syscalls ? 1 : -1;
		if (x->switches != y->switches)
			return x->switches < y->switches ? 1 : -1;
		if (x->faults != y->faults)
			return x->faults < y->faults ? 1 : -1;
	}
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* Exited processes of one name with the same figures (a shell's
 * short-lived children, a fork storm) become one row, with a count */
static size_t fold_exited(struct top_proc *p, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		struct top_proc *last = k ? &p[k - 1] : NULL;

		if (last && last->exited && p[i].exited &&
		    !strncmp(last->comm, p[i].comm, IPC_COMM_LEN) &&
		    last->calls == p[i].calls && last->bytes == p[i].bytes &&
		    last->syscalls == p[i].syscalls && last->switches == p[i].switches &&
		    last->faults == p[i].faults) {
			last->folded++;
			continue;
		}
		p[k++] = p[i];
	}
	return k;
}

static int cmp_obj(const void *a, const void *b)
{
	const struct top_obj *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	if (x->ops + x->faults != y->ops + y->faults)
		return x->ops + x->faults < y->ops + y->faults ? 1 : -1;
	return memcmp(&x->key, &y->key, sizeof(x->key));
}

/* The counts of an endpoint row before the interval (0 if it is new) */
/* One endpoint's change over the interval, worked out once for the
 * process and the object tables */
struct ep_change {
	double calls, bytes;	/* per second */
	bool active;		/* it made calls in the interval (or is new) */
};

/* changes[i] for cur->eps[i]: one lookup in prev per endpoint */
static void ep_changes(struct ep_change *changes, const struct snapshot *prev,
		       const struct snapshot *cur, double dt)
{
	for (size_t i = 0; i < cur->neps; i++) {
		const struct ipc_ep_row *e = &cur->eps[i];
		const struct ipc_ep_row *pe = snapshot_ep(prev, &e->key);

		changes[i].calls = rate(e->st.calls, pe ? pe->st.calls : 0, dt);
		changes[i].bytes = rate(e->st.bytes, pe ? pe->st.bytes : 0, dt);
		changes[i].active = !pe || pe->st.calls != e->st.calls;
	}
}

/* Every process of cur, in cur's order, with its rates; IPC calls and
 * bytes from one walk over the endpoints. */
static void proc_rates(struct top_proc *out, const struct snapshot *prev,
		       const struct snapshot *cur, const struct ep_change *changes,
		       double dt)
{
	for (size_t i = 0; i < cur->nprocs; i++) {
		const struct ipc_proc_row *c = &cur->procs[i];
		const struct ipc_proc_row *p = snapshot_proc(prev, c->tgid, c->start);
		struct ipc_proc zero = { 0 };
		const struct ipc_proc *b = p ? &p->p : &zero;
		struct top_proc *t = &out[i];

		t->pid = c->tgid;
		t->start = c->start;
		snapshot_proc_label(cur, c->tgid, c->start, t->label, sizeof(t->label));
		memcpy(t->comm, c->p.comm, sizeof(t->comm));
		t->comm[sizeof(t->comm) - 1] = '\0';
		t->exited = c->p.flags & IPC_PROC_EXITED;
		t->syscalls = rate(c->p.syscalls, b->syscalls, dt);
		t->switches = rate(c->p.vol_switches + c->p.invol_switches,
				   b->vol_switches + b->invol_switches, dt);
		t->faults = rate(c->p.page_faults, b->page_faults, dt);
	}
	for (size_t j = 0; j < cur->neps; j++) {
		const struct ipc_ep_row *e = &cur->eps[j];
		const struct ipc_proc_row *c = snapshot_proc(cur, e->key.tgid, e->key.start);

		if (!c)
			continue;	/* a process whose record was dropped */
		out[c - cur->procs].calls += changes[j].calls;
		out[c - cur->procs].bytes += changes[j].bytes;
	}
}

/* Processes that used object o (of cur) in the interval: one each, in
 * whichever directions. Its rows are by direction, then process. */
static unsigned obj_users(const struct snapshot *cur, const struct ep_change *changes,
			  const struct ipc_obj_row *o)
{
	const struct ipc_ep_row *eps = cur->eps + o->ep_first;
	const struct ep_change *ch = changes + o->ep_first;
	unsigned users = 0;

	for (size_t j = 0; j < o->neps; j++) {
		bool dup = false;

		if (!ch[j].active)
			continue;
		/* the same process in another direction counts once */
		for (size_t k = 0; k < j && !dup; k++)
			dup = ch[k].active && eps[k].key.tgid == eps[j].key.tgid &&
			      eps[k].key.start == eps[j].key.start;
		users += !dup;
	}
	return users;
}

/*
 * false when o saw nothing in the interval. Its rates are its endpoints'
 * (not its totals'): a process evicted since prev (session_evict_exited)
 * takes its endpoints with it, which must not hide what the others did.
 */
static bool obj_rates(struct top_obj *t, const struct snapshot *cur,
		      const struct ep_change *changes, const struct ipc_obj_row *c)
{
	t->key = c->key;
	t->ops = t->bytes_in = t->bytes_out = t->faults = 0;
	for (size_t i = c->ep_first; i < c->ep_first + c->neps; i++) {
		uint32_t dir = cur->eps[i].key.dir;

		if (dir == IPC_DIR_FAULT) {
			t->faults += changes[i].calls;
			continue;
		}
		t->ops += changes[i].calls;
		if (dir == IPC_DIR_IN)
			t->bytes_in += changes[i].bytes;
		else if (dir == IPC_DIR_OUT)
			t->bytes_out += changes[i].bytes;
	}
	t->bytes = t->bytes_in > t->bytes_out ? t->bytes_in : t->bytes_out;
	if (t->ops <= 0 && t->faults <= 0)
		return false;
	ipc_obj_name(&c->key, c->info, c->sock, t->name, sizeof(t->name));
	t->procs = obj_users(cur, changes, c);
	return true;
}

int top_compute(struct top_view *v, const struct snapshot *prev,
		const struct snapshot *cur, double dt)
{
	struct ep_change *changes;

	memset(v, 0, sizeof(*v));
	v->interval_s = dt;
	v->traced = cur->nprocs;
	for (int i = 0; i < IPC_DROP_MAX; i++)
		v->drops[i] = cur->drops[i] > prev->drops[i] ? cur->drops[i] - prev->drops[i] : 0;
	if (dt <= 0)
		dt = 1;
	v->procs = calloc(cur->nprocs ? cur->nprocs : 1, sizeof(*v->procs));
	v->objs = calloc(cur->nobjs ? cur->nobjs : 1, sizeof(*v->objs));
	changes = calloc(cur->neps ? cur->neps : 1, sizeof(*changes));
	if (!v->procs || !v->objs || !changes) {
		free(changes);
		top_free(v);
		return -1;
	}
	ep_changes(changes, prev, cur, dt);
	proc_rates(v->procs, prev, cur, changes, dt);
	/* keep the active ones */
	for (size_t i = 0; i < cur->nprocs; i++)
		if (v->procs[i].calls > 0)
			v->procs[v->nprocs++] = v->procs[i];
	for (size_t i = 0; i < cur->nobjs; i++)
		v->nobjs += obj_rates(&v->objs[v->nobjs], cur, changes, &cur->objs[i]);
	free(changes);
	qsort(v->procs, v->nprocs, sizeof(*v->procs), cmp_proc);
	v->nprocs = fold_exited(v->procs, v->nprocs);
	qsort(v->objs, v->nobjs, sizeof(*v->objs), cmp_obj);
	return 0;
}

void top_free(struct top_view *v)
{
	free(v->procs);
	free(v->objs);
	v->procs = NULL;
	v->objs = NULL;
	v->nprocs = v->nobjs = 0;
}

static void fmt_rate(char *buf, size_t len, double r)
{
	snprintf(buf, len, r >= 100 || r == 0 ? "%.0f" : "%.1f", r);
}

static void fmt_byte_rate(char *buf, size_t len, double r)
{
	char b[24];

	fmt_bytes(b, sizeof(b), (uint64_t)(r + 0.5));
	snprintf(buf, len, "%s/s", b);
}

void top_print(FILE *f, const struct top_view *v, const char *clock,
	       unsigned rows, bool tty)
{
	static const char *const ph[] = {
		"PID", "COMM", "IPC CALLS/s", "IPC BYTES/s", "SYSCALLS/s", "CSW/s",
		"FAULTS/s",
	};
	bool folded = false;
	static const char *const oh[] = {
		"OBJECT", "MECH", "KIND", "OPS/s", "IN/s", "OUT/s", "FAULTS/s", "PROCS",
	};
	struct table t;

	if (tty)
		fputs("\033[H\033[2J", f);
	fprintf(f, "ipcscope top  %s  last %.1f s  %zu of %zu processes did IPC",
		clock, v->interval_s, v->nprocs, v->traced);
	if (v->late_s > 0)
		fprintf(f, "  (%.1f s late: reading the maps took longer than the "
			"interval)", v->late_s);
	fputc('\n', f);
	/* what was lost in this interval, by what lost it */
	for (int i = 0; i < IPC_DROP_MAX; i++)
		if (v->drops[i])
			fprintf(f, "  lost: %" PRIu64 " (%s)\n", v->drops[i], ipc_drop_why(i));
	fputc('\n', f);
	if (!table_init(&t, 7, ph, "rlrrrrr")) {
		for (size_t i = 0; i < v->nprocs && (!rows || i < rows); i++) {
			const struct top_proc *p = &v->procs[i];
			char c[5][40], comm[IPC_COMM_LEN + 16];

			text_clean(comm, IPC_COMM_LEN, p->comm, IPC_COMM_LEN);
			if (p->exited)
				strcat(comm, " +");
			if (p->folded) {
				size_t len = strlen(comm);

				snprintf(comm + len, sizeof(comm) - len, " x%u", p->folded + 1);
				folded = true;
			}
			fmt_rate(c[0], sizeof(c[0]), p->calls);
			fmt_byte_rate(c[1], sizeof(c[1]), p->bytes);
			fmt_rate(c[2], sizeof(c[2]), p->syscalls);
			fmt_rate(c[3], sizeof(c[3]), p->switches);
			fmt_rate(c[4], sizeof(c[4]), p->faults);
			table_add(&t, (const char *const[]){ p->label, comm, c[0], c[1], c[2],
							     c[3], c[4] });
		}
		table_print_text(&t, f, 0, false);
		table_free(&t);
		if (folded)
			fputs("  xN: N exited processes of that name with the same figures "
			      "(the first one's PID), one row\n", f);
	}
	fputs("\n", f);
	if (!table_init(&t, 8, oh, "lllrrrrr")) {
		for (size_t i = 0; i < v->nobjs && (!rows || i < rows); i++) {
			const struct top_obj *o = &v->objs[i];
			char c[4][40], procs[16];

			fmt_rate(c[0], sizeof(c[0]), o->ops);
			fmt_byte_rate(c[1], sizeof(c[1]), o->bytes_in);
			fmt_byte_rate(c[2], sizeof(c[2]), o->bytes_out);
			fmt_rate(c[3], sizeof(c[3]), o->faults);
			snprintf(procs, sizeof(procs), "%u", o->procs);
			table_add(&t, (const char *const[]){ o->name,
				ipc_mech_name(ipc_kind_mech(o->key.kind)),
				ipc_kind_name(o->key.kind), c[0], c[1], c[2], c[3], procs });
		}
		table_print_text(&t, f, 0, false);
		table_free(&t);
	}
	if (!tty)
		fputs("\n", f);
	fflush(f);
}
