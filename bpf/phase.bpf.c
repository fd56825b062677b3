// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * phase.bpf.c - the phases a traced program marks itself with USDT probes
 * (enum ipc_phase in ipcscope.h): a start mark begins "between the
 * marks", an end mark begins "after". User space finds the probes' sites
 * in the binary (usdt.c) and attaches these two programs there as plain
 * uprobes (--usdt-phase; validate: the bundled workloads'
 * ipcscope:transfer_start and transfer_end), which every kernel we run on
 * has. The probes' arguments are not read.
 */
#include "maps.bpf.h"

/* A mark by a target (a probe fires in every process that runs the
 * binary: only ours move the phase) */
static __always_inline int mark(__u32 to, int which)
{
	if (!is_target(current_tgid()))
		return 0;
	phase_state.now = to;
	__sync_fetch_and_add(&phase_state.marks[which], 1);
	if (trace_explain) {
		struct ipc_event *e = event_reserve(IPC_EVENT_MARK, bpf_ktime_get_ns());

		if (e) {
			e->op = which;
			event_submit(e);
		}
	}
	return 0;
}

SEC("uprobe")
int ipc_phase_start(struct pt_regs *ctx)
{
	return mark(IPC_PHASE_BETWEEN, 0);
}

SEC("uprobe")
int ipc_phase_end(struct pt_regs *ctx)
{
	return mark(IPC_PHASE_AFTER, 1);
}
