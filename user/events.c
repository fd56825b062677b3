// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * events.c - `ipcscope trace`: one line per event the kernel streamed, as
 * aligned text or NDJSON, and the NDJSON summary line. What trace selects
 * (-m, --failed, --min-latency) and its closing check are trace_select.c's.
 *
 * Times are seconds (text) or nanoseconds (JSON) since tracing started, on
 * CLOCK_MONOTONIC, the clock bpf_ktime_get_ns() reads. Object names are
 * those of `record`'s report; the ones that need a BPF map (FIFO and queue
 * names, socket addresses) are looked up once and cached.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include "events.h"
#include "utf8.h"
#include "json.h"
#include "util.h"

#define NAME_LEN	96
#define NAME_SLOTS	4096		/* a power of two */

struct event_name {
	struct ipc_obj_key key;
	bool used;
	char name[NAME_LEN];
};

int event_printer_init(struct event_printer *p, FILE *out, bool json,
		       uint64_t start_ns, event_lookup_fn lookup, void *ctx)
{
	memset(p, 0, sizeof(*p));
	p->out = out;
	p->json = json;
	p->start_ns = start_ns;
	p->lookup = lookup;
	p->lookup_ctx = ctx;
	p->names = calloc(NAME_SLOTS, sizeof(*p->names));
	return p->names ? 0 : -1;
}

void event_printer_free(struct event_printer *p)
{
	free(p->names);
	p->names = NULL;
}


/*
 * Will this name stay as it is? A socket seen before it was connected or
 * bound gets its peer and addresses later: such names are looked up again.
 */
static bool name_final(const struct ipc_obj_key *k, int found,
		       const struct ipc_sock_info *si)
{
	if (ipc_kind_mech(k->kind) != IPC_MECH_SOCKET)
		return found & EVENT_FOUND_INFO;
	if (!(found & EVENT_FOUND_SOCK))
		return false;
	if (si->family == AF_UNIX)
		return si->peer_ino || si->path[0] || si->path[1];
	return si->local_port && si->remote_port;
}

static uint64_t key_hash(const struct ipc_obj_key *k)
{
	uint64_t h = k->ino * 0x9E3779B97F4A7C15ULL;

	h ^= ((uint64_t)k->kind << 32 | k->dev) * 0xC2B2AE3D27D4EB4FULL;
	return h ^ (h >> 29);
}

static const char *object_name(struct event_printer *p, const struct ipc_obj_key *k,
			       char *buf, size_t len)
{
	struct ipc_obj_info info;
	struct ipc_sock_info sock;
	struct event_name *slot = NULL;
	int found = 0;

	if (!ipc_kind_named(k->kind) || !p->lookup) {
		ipc_obj_name(k, NULL, NULL, buf, len);
		return buf;
	}
	for (size_t i = key_hash(k) & (NAME_SLOTS - 1);; i = (i + 1) & (NAME_SLOTS - 1)) {
		struct event_name *n = &p->names[i];

		if (!n->used) {
			slot = n;
			break;
		}
		if (ipc_obj_key_eq(&n->key, k))
			return n->name;
	}
	memset(&info, 0, sizeof(info));
	memset(&sock, 0, sizeof(sock));
	found = p->lookup(p->lookup_ctx, k, &info, &sock);
	ipc_obj_name(k, found & EVENT_FOUND_INFO ? &info : NULL,
		     found & EVENT_FOUND_SOCK ? &sock : NULL, buf, len);
	if (!name_final(k, found, &sock))
		return buf;
	/* full at three quarters: start again rather than probe forever */
	if (p->nnames >= NAME_SLOTS / 4 * 3) {
		memset(p->names, 0, NAME_SLOTS * sizeof(*p->names));
		p->nnames = 0;
		return buf;
	}
	slot->key = *k;
	slot->used = true;
	snprintf(slot->name, sizeof(slot->name), "%s", buf);
	p->nnames++;
	return slot->name;
}

/*
 * One output line, built by hand: printf's parsing and padding were most
 * of the time per event, and trace is meant to keep up with a million
 * events a second. Appends stop at the end of the buffer, never past it.
 */
struct line {
	char buf[1024];
	size_t n;
};

static void put_mem(struct line *l, const char *s, size_t len)
{
	if (len > sizeof(l->buf) - l->n)
		len = sizeof(l->buf) - l->n;
	memcpy(l->buf + l->n, s, len);
	l->n += len;
}

static void put_str(struct line *l, const char *s)
{
	put_mem(l, s, strlen(s));
}

static void put_char(struct line *l, char c)
{
	if (l->n < sizeof(l->buf))
		l->buf[l->n++] = c;
}

static void put_spaces(struct line *l, size_t n)
{
	while (n--)
		put_char(l, ' ');
}

/* s left-aligned in width columns, then one space */
static void put_left(struct line *l, const char *s, size_t width)
{
	size_t len = strlen(s);

	put_mem(l, s, len);
	put_spaces(l, len < width ? width - len : 0);
	put_char(l, ' ');
}

/* s right-aligned in width columns, then one space */
static void put_right(struct line *l, const char *s, size_t width)
{
	size_t len = strlen(s);

	put_spaces(l, len < width ? width - len : 0);
	put_mem(l, s, len);
	put_char(l, ' ');
}

/* v in decimal into buf (at least 21 bytes); returns buf */
static char *u64_str(char *buf, uint64_t v)
{
	char tmp[21];
	size_t n = 0, i = 0;

	do {
		tmp[n++] = '0' + v % 10;
		v /= 10;
	} while (v);
	while (n)
		buf[i++] = tmp[--n];
	buf[i] = '\0';
	return buf;
}

static void put_u64(struct line *l, uint64_t v)
{
	char buf[21];

	put_str(l, u64_str(buf, v));
}

static void put_i64(struct line *l, int64_t v)
{
	if (v < 0) {
		put_char(l, '-');
		put_u64(l, -(uint64_t)v);
	} else {
		put_u64(l, v);
	}
}

/*
 * A duration as fmt_ns (util.c) prints it, with integer arithmetic:
 * "850 ns", "2.7 us", "1.25 ms", "3.10 s"; halves round up.
 */
static char *dur_str(char *buf, uint64_t ns)
{
	static const struct { uint64_t below, div, scale; const char *unit; } units[] = {
		{ 1000, 1, 1, " ns" },			/* whole ns */
		{ 999950, 100, 10, " us" },		/* tenths of us */
		{ 999995000, 10000, 100, " ms" },	/* hundredths of ms */
		{ UINT64_MAX, 10000000, 100, " s" },	/* hundredths of s */
	};
	size_t i = 0, n;
	uint64_t v;

	while (ns >= units[i].below)
		i++;
	v = ns / units[i].div + (ns % units[i].div >= (units[i].div + 1) / 2 && units[i].div > 1);
	u64_str(buf, v / units[i].scale);
	n = strlen(buf);
	if (units[i].scale > 1) {
		uint64_t frac = v % units[i].scale;

		buf[n++] = '.';
		if (units[i].scale == 100)
			buf[n++] = '0' + frac / 10;
		buf[n++] = '0' + frac % 10;
	}
	strcpy(buf + n, units[i].unit);
	return buf;
}

/* comm for a text column: '?' for what a terminal would interpret, '_' for
 * blanks (columns are split on spaces) */
/* The event's process name; pid 0: the kernel sent a signal
 * (bpf/signal.bpf.c kernel_sent) */
static const char *event_comm(const struct ipc_event *e)
{
	static const char kernel[IPC_COMM_LEN] = "kernel";

	return e->tgid ? e->comm : kernel;
}

static void text_comm(char *dst, const char *comm)
{
	text_clean(dst, IPC_COMM_LEN, comm, IPC_COMM_LEN);
	for (char *c = dst; *c; c++)
		if (*c == ' ')
			*c = '_';
}

/* A JSON string, escaped as json.c's writer does: valid UTF-8 as it is,
 * each byte of an invalid sequence as \ufffd. */
static void put_json_str(struct line *l, const char *str, size_t max)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	const unsigned char *end = s + strnlen(str, max);

	put_char(l, '"');
	while (s < end) {
		unsigned char c = *s;
		size_t n;

		if (c >= 0x80) {
			n = utf8_seq_len(s, (size_t)(end - s));
			if (n) {
				put_mem(l, (const char *)s, n);
				s += n;
			} else {
				put_str(l, "\\ufffd");
				s++;
			}
			continue;
		}
		if (c == '"' || c == '\\') {
			put_char(l, '\\');
			put_char(l, c);
		} else if (c < 0x20) {
			char u[7] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0 };

			put_str(l, c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r" :
				   c == '\b' ? "\\b" : c == '\f' ? "\\f" : u);
		} else {
			put_char(l, c);
		}
		s++;
	}
	put_char(l, '"');
}

static const char *errno_name(int err, char *buf, size_t len)
{
	const char *name = ipc_errno_name(err);

	if (name)
		return name;
	snprintf(buf, len, "errno %d", err);
	return buf;
}

static const char *sig_op(uint32_t event)
{
	return event == IPC_SIG_HANDLED ? "deliver" : "generate";
}

static const char *signal_name(uint32_t sig, char *buf, size_t len)
{
	const char *name = ipc_signal_name(sig);

	if (name)
		return name;
	snprintf(buf, len, "SIG%u", sig);
	return buf;
}

static int64_t since_start(const struct event_printer *p, uint64_t ts)
{
	return (int64_t)(ts - p->start_ns);
}

void event_printer_wall_clock(struct event_printer *p)
{
	struct timespec mono, real;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	p->wall = true;
	p->wall_offset_ns = (real.tv_sec - mono.tv_sec) * 1000000000LL +
			    (real.tv_nsec - mono.tv_nsec);
}

/* -T: "14:03:07.123456", local time; utc: "2026-12-05T14:03:07.123456Z" */
static char *wall_str(char *buf, size_t len, const struct event_printer *p,
		      uint64_t ts, bool utc)
{
	int64_t ns = (int64_t)ts + p->wall_offset_ns;
	time_t sec = ns / 1000000000;
	struct tm tm;
	size_t n;

	if (!(utc ? gmtime_r(&sec, &tm) : localtime_r(&sec, &tm)))
		memset(&tm, 0, sizeof(tm));
	n = strftime(buf, len, utc ? "%Y-%m-%dT%H:%M:%S" : "%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%06lld%s", (long long)(ns % 1000000000 / 1000),
		 utc ? "Z" : "");
	return buf;
}

/* column widths of the text lines */
#define W_TIME 12
#define W_WALL 15	/* -T: 14:03:07.123456 */
#define W_PID 7
#define W_COMM 15
#define W_MECH 6
#define W_OP 12
#define W_BYTES 9
#define W_DUR 9
#define W_RESULT 15

void event_print_header(struct event_printer *p)
{
	struct line l = { .n = 0 };

	if (p->json)
		return;
	put_right(&l, p->wall ? "TIME" : "TIME(s)", p->wall ? W_WALL : W_TIME);
	put_right(&l, "PID", W_PID);
	put_right(&l, "TID", W_PID);
	put_left(&l, "COMM", W_COMM);
	put_left(&l, "MECH", W_MECH);
	put_left(&l, "OPERATION", W_OP);
	put_right(&l, "BYTES", W_BYTES);
	put_right(&l, "DURATION", W_DUR);
	put_char(&l, ' ');
	put_left(&l, "RESULT", W_RESULT);
	put_str(&l, "OBJECT");
	put_char(&l, '\n');
	fwrite(l.buf, 1, l.n, p->out);
}

/* seconds with 6 decimals: "12.345678", "-0.000012" */
static char *time_str(char *buf, int64_t ns)
{
	uint64_t a = ns < 0 ? -(uint64_t)ns : (uint64_t)ns;
	char frac[8];
	size_t n;

	buf[0] = '\0';
	if (ns < 0)
		strcpy(buf, "-");
	u64_str(buf + strlen(buf), a / 1000000000);
	n = strlen(buf);
	buf[n++] = '.';
	u64_str(frac, a % 1000000000 / 1000 + 1000000);	/* "1" + 6 digits */
	memcpy(buf + n, frac + 1, 7);
	return buf;
}

static void print_text(struct event_printer *p, const struct ipc_event *e)
{
	char comm[IPC_COMM_LEN], obj[NAME_LEN], num[32], sigbuf[16];
	const char *mech, *op, *objname = obj, *result = "-";
	struct line l = { .n = 0 };

	text_comm(comm, event_comm(e));
	switch (e->type) {
	case IPC_EVENT_OP:
	case IPC_EVENT_FAULT:
		mech = ipc_mech_name(ipc_kind_mech(e->obj.kind));
		op = e->type == IPC_EVENT_OP ? ipc_op_name(e->op) : "page_fault";
		objname = object_name(p, &e->obj, obj, sizeof(obj));
		break;
	case IPC_EVENT_SIGNAL:
		mech = ipc_mech_name(IPC_MECH_SIGNAL);
		op = sig_op(e->op);
		snprintf(obj, sizeof(obj), "%s -> %u",
			 signal_name(e->sig, sigbuf, sizeof(sigbuf)), e->sig_target);
		result = ipc_sig_event_name(e->op);
		break;
	default:
		mech = op = "?";
		snprintf(obj, sizeof(obj), "event type %u", e->type);
		break;
	}
	if (p->wall)
		put_right(&l, wall_str(num, sizeof(num), p, e->ts_ns, false), W_WALL);
	else
		put_right(&l, time_str(num, since_start(p, e->ts_ns)), W_TIME);
	put_right(&l, u64_str(num, e->tgid), W_PID);
	put_right(&l, u64_str(num, e->pid), W_PID);
	put_left(&l, comm, W_COMM);
	put_left(&l, mech, W_MECH);
	put_left(&l, op, W_OP);
	put_right(&l, e->type == IPC_EVENT_OP ? u64_str(num, e->bytes) : "-", W_BYTES);
	put_right(&l, e->dur_ns != IPC_EVENT_NO_DURATION ? dur_str(num, e->dur_ns) : "-",
		  W_DUR);
	put_char(&l, ' ');
	if (e->type == IPC_EVENT_OP && e->ret < 0) {
		result = errno_name((int)-e->ret, sigbuf, sizeof(sigbuf));
	} else if (e->type == IPC_EVENT_OP) {
		if (e->ret < 0)
			put_char(&l, '-');
		result = u64_str(num, (uint64_t)e->ret);
	}
	put_left(&l, result, W_RESULT);
	put_str(&l, objname);
	put_char(&l, '\n');
	fwrite(l.buf, 1, l.n, p->out);
}

static void put_key(struct line *l, const char *key)
{
	put_char(l, ',');
	put_char(l, '"');
	put_str(l, key);
	put_str(l, "\":");
}

/* a name of ours (mechanism, op, kind, ...): plain ASCII, no escaping */
static void put_kv_name(struct line *l, const char *key, const char *name)
{
	put_key(l, key);
	put_char(l, '"');
	put_str(l, name);
	put_char(l, '"');
}

static void put_kv_u64(struct line *l, const char *key, uint64_t v)
{
	put_key(l, key);
	put_u64(l, v);
}

static void put_json_duration(struct line *l, const struct ipc_event *e)
{
	put_key(l, "duration_ns");
	if (e->dur_ns == IPC_EVENT_NO_DURATION)
		put_str(l, "null");
	else
		put_u64(l, e->dur_ns);
}

static void print_json(struct event_printer *p, const struct ipc_event *e)
{
	char obj[NAME_LEN], buf[32];
	struct line l = { .n = 0 };
	const char *mech, *op;

	switch (e->type) {
	case IPC_EVENT_OP:
		mech = ipc_mech_name(ipc_kind_mech(e->obj.kind));
		op = ipc_op_name(e->op);
		break;
	case IPC_EVENT_FAULT:
		mech = ipc_mech_name(ipc_kind_mech(e->obj.kind));
		op = "page_fault";
		break;
	case IPC_EVENT_SIGNAL:
		mech = ipc_mech_name(IPC_MECH_SIGNAL);
		op = sig_op(e->op);
		break;
	default:
		mech = op = "?";
		break;
	}
	put_str(&l, "{\"time_ns\":");
	put_i64(&l, since_start(p, e->ts_ns));
	if (p->wall)
		put_kv_name(&l, "wall_time", wall_str(buf, sizeof(buf), p, e->ts_ns, true));
	put_kv_u64(&l, "pid", e->tgid);
	put_kv_u64(&l, "tid", e->pid);
	put_key(&l, "comm");
	put_json_str(&l, event_comm(e), IPC_COMM_LEN);
	put_kv_name(&l, "mechanism", mech);
	put_kv_name(&l, "op", op);
	switch (e->type) {
	case IPC_EVENT_OP:
	case IPC_EVENT_FAULT:
		put_kv_name(&l, "kind", ipc_kind_name(e->obj.kind));
		put_key(&l, "object");
		put_json_str(&l, object_name(p, &e->obj, obj, sizeof(obj)), sizeof(obj));
		put_kv_u64(&l, "dev", ipc_dev_to_user(e->obj.dev));
		put_kv_u64(&l, "ino", e->obj.ino);
		if (e->type == IPC_EVENT_FAULT)
			break;
		put_kv_u64(&l, "bytes", e->bytes);
		put_json_duration(&l, e);
		put_key(&l, "ret");
		put_i64(&l, e->ret);
		put_key(&l, "errno");
		if (e->ret < 0) {
			put_char(&l, '"');
			put_str(&l, errno_name((int)-e->ret, buf, sizeof(buf)));
			put_char(&l, '"');
		} else {
			put_str(&l, "null");
		}
		break;
	case IPC_EVENT_SIGNAL:
		put_kv_name(&l, "signal", signal_name(e->sig, buf, sizeof(buf)));
		put_kv_u64(&l, "sig", e->sig);
		put_kv_u64(&l, "target", e->sig_target);
		put_kv_name(&l, "result", ipc_sig_event_name(e->op));
		put_kv_name(&l, "origin", ipc_sig_origin(e->sig_code));
		put_json_duration(&l, e);
		break;
	default:
		put_kv_u64(&l, "type", e->type);
		break;
	}
	put_str(&l, "}\n");
	fwrite(l.buf, 1, l.n, p->out);
}

void event_print(struct event_printer *p, const struct ipc_event *e)
{
	if (p->json)
		print_json(p, e);
	else
		print_text(p, e);
	p->events++;
}

void event_print_summary(struct event_printer *p, uint64_t dropped, uint64_t counted)
{
	if (!p->json)
		return;
	fprintf(p->out, "{\"summary\":{\"events\":%" PRIu64 ",\"shown\":%" PRIu64
		",\"dropped\":%" PRIu64 ",\"counted\":%" PRIu64 "}}\n",
		p->events + p->hidden, p->events, dropped, counted);
}
