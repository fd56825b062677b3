// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * trace_select.c - what `ipcscope trace` selects and how it sums up: the
 * -m mechanisms as the kernel's kind mask, the --failed and --min-latency
 * filters, and the closing line that checks the events received and lost
 * against what the maps counted. Declared in events.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "events.h"
#include "model.h"
#include "util.h"

uint32_t trace_kinds_all(void)
{
	uint32_t kinds = IPC_TRACE_SIGNALS;

	for (uint32_t k = IPC_KIND_NONE + 1; k < IPC_KIND_MAX; k++)
		kinds |= 1U << k;
	return kinds;
}

static uint32_t mech_kinds(enum ipc_mech mech)
{
	uint32_t kinds = 0;

	for (uint32_t k = IPC_KIND_NONE + 1; k < IPC_KIND_MAX; k++)
		if (ipc_kind_mech(k) == mech)
			kinds |= 1U << k;
	return kinds;
}

/* The mechanism named by p[0..len), or IPC_MECH_MAX */
static enum ipc_mech mech_named(const char *p, size_t len)
{
	for (int m = 0; m < IPC_MECH_MAX; m++)
		if (strlen(ipc_mech_name(m)) == len && !strncmp(p, ipc_mech_name(m), len))
			return m;
	return IPC_MECH_MAX;
}

int trace_kinds_parse(const char *list, uint32_t *kinds, char *err, size_t errlen)
{
	uint32_t mask = 0;
	const char *p = list;

	for (;;) {
		size_t len = strcspn(p, ",");
		enum ipc_mech m = mech_named(p, len);

		if (m == IPC_MECH_MAX) {
			int n = snprintf(err, errlen, "-m '%.*s': unknown mechanism: expected "
					 "a comma-separated list of", (int)len, p);

			for (int i = 0; i < IPC_MECH_MAX && n >= 0 && (size_t)n < errlen; i++)
				n += snprintf(err + n, errlen - n, "%s %s", i ? "," : "",
					      ipc_mech_name(i));
			return -1;
		}
		/* signals have no kind: a bit of their own */
		mask |= m == IPC_MECH_SIGNAL ? IPC_TRACE_SIGNALS : mech_kinds(m);
		if (!p[len])
			break;
		p += len + 1;
	}
	*kinds = mask;
	return 0;
}

bool event_passes(const struct ipc_event *e, bool failed_only, uint64_t min_latency_ns)
{
	if (failed_only) {
		if (e->type == IPC_EVENT_OP && e->ret >= 0)
			return false;
		if (e->type == IPC_EVENT_SIGNAL &&
		    (e->op == IPC_SIG_DELIVERED || e->op == IPC_SIG_HANDLED))
			return false;
		if (e->type == IPC_EVENT_FAULT)
			return false;
	}
	if (min_latency_ns &&
	    (e->dur_ns == IPC_EVENT_NO_DURATION || e->dur_ns < min_latency_ns))
		return false;
	return true;
}

void trace_summary_text(FILE *f, uint64_t events, uint64_t shown, uint64_t dropped,
			uint64_t counted, unsigned buffer_kb, const char *unwritten)
{
	fprintf(f, "ipcscope: %" PRIu64 " events", events);
	if (shown != events)
		fprintf(f, " (%" PRIu64 " shown: --failed, --min-latency)", shown);
	fprintf(f, ", %" PRIu64 " lost", dropped);
	if (dropped)
		fprintf(f, " (the %u KiB ring buffer was full: a larger --buffer-kb, "
			"a narrower -m or fewer targets help)", buffer_kb);
	if (events + dropped != counted)
		fprintf(f, "; the kernel counted %" PRIu64 " (a map was full, or "
			"events came after the end)", counted);
	if (unwritten)
		fprintf(f, "; the output failed: %s", unwritten);
	fputc('\n', f);
}

uint64_t events_counted(const struct snapshot *s, uint32_t kinds)
{
	uint64_t n = 0;

	for (uint32_t k = IPC_KIND_NONE + 1; k < IPC_KIND_MAX; k++) {
		if (!(kinds & (1U << k)))
			continue;
		for (uint32_t op = 0; op < IPC_OP_MAX; op++)
			n += s->ops[IPC_OP_SLOT(k, op)].calls;
	}
	for (size_t i = 0; i < s->nobjs; i++)
		if (s->objs[i].key.kind < IPC_KIND_MAX &&
		    (kinds & (1U << s->objs[i].key.kind)))
			n += s->objs[i].st.page_faults;
	if (kinds & IPC_TRACE_SIGNALS)
		for (size_t i = 0; i < s->nsigs; i++)
			n += s->sigs[i].count;
	return n;
}
