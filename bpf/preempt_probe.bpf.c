// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * preempt_probe.bpf.c - a probe of its own object, run once at start-up on
 * kernels that may run BTF raw tracepoint programs preemptible: does a
 * program on tp_btf/sys_enter run with migration disabled (and preemption
 * enabled: Linux 7.x; before, preemption is disabled and migration is not
 * touched)? Then a task preempted inside the program makes the kernel skip
 * the program for every other task's syscall on that CPU, and ipcscope
 * attaches its syscall programs to raw_syscalls instead (session.c).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u32 probe_tgid = 0;	/* only ipcscope's own syscall */
__u32 seen = 0;				/* the program ran for it */
__u32 migration_disabled = 0;		/* what it found */

SEC("tp_btf/sys_enter")
int BPF_PROG(preempt_probe, struct pt_regs *regs, long id)
{
	struct task_struct *t;

	if (bpf_get_current_pid_tgid() >> 32 != probe_tgid || seen)
		return 0;
	t = bpf_get_current_task_btf();
	/* the field exists with CONFIG_SMP; without it nothing migrates */
	if (bpf_core_field_exists(t->migration_disabled))
		migration_disabled = t->migration_disabled;
	seen = 1;
	return 0;
}
