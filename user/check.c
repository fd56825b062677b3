// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * check.c - `ipcscope check`: will ipcscope run on this kernel? Loads every
 * BPF program (attaches none) and prints what the kernel offers, each
 * program's verdict from the verifier, and each program's deepest call
 * chain of stack against the 512 bytes every kernel gives.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "commands.h"
#include "runner.h"
#include "session.h"
#include "util.h"
#include "verifier.h"

static const char check_usage[] =
"Usage: ipcscope check [-v]\n"
"\n"
"Will ipcscope run on this kernel? Loads every BPF program ipcscope uses\n"
"(and attaches none), then prints:\n"
"  - the kernel features ipcscope looks for, found by asking the kernel;\n"
"  - for each program: loaded, refused (with the verifier's reason and the\n"
"    missing feature when that is the cause), or not needed here (a hook\n"
"    this kernel lacks, or a fallback);\n"
"  - each program's deepest chain of BPF-to-BPF calls, in bytes of stack\n"
"    (each function's depth as the verifier counted it, rounded as the\n"
"    kernel rounds). Some kernels accept chains over 512 bytes (private\n"
"    stacks); most refuse them, so ipcscope keeps every chain within 512.\n"
"\n"
"Exit status: 0 when every program needed here loaded and fits in 512\n"
"bytes; 1 otherwise; 2 for a usage error.\n"
"\n"
"Options:\n"
"  -v, --verbose   print libbpf's messages (and the verifier's whole log of\n"
"                  a refused program; stack depths are not read then)\n"
"  -h, --help      show this help\n";

static const char *yes(bool b)
{
	return b ? "yes" : "no";
}

static void print_features(void)
{
	struct kernel_features f;
	struct utsname u;

	session_features(&f);
	if (uname(&u) == 0)
		printf("kernel: Linux %s (%s)\n", u.release, u.machine);
	printf("features:\n");
	printf("  %-48s %s\n", "BTF (/sys/kernel/btf/vmlinux)", yes(f.btf));
	printf("  %-48s %s\n", "bpf_get_current_task_btf (5.11+)", yes(f.task_btf));
	printf("  %-48s %s\n", "atomics that return a value (5.12+)", yes(f.atomics));
	printf("  %-48s %s\n", "bpf_task_pt_regs (5.15+)", yes(f.task_pt_regs));
	printf("  %-48s %s\n", "bpf_find_vma (5.17+)", yes(f.find_vma));
	printf("  %-48s %s\n", "hash maps allocated on demand (6.1+)", yes(f.no_prealloc));
	printf("  %-48s %s\n", "bpf_rdonly_cast (6.2+)", yes(f.rdonly_cast));
	printf("  %-48s %s\n", "BTF tracepoint programs run preemptible (7.x)",
	       yes(f.preemptible_tp_btf));
	printf("  %-48s %s\n", "the IPC syscalls' own tracepoints", yes(f.ipc_syscall_tps));
	printf("  %-48s %s\n", "kprobe.multi links (5.18+)", yes(f.kprobe_multi));
	printf("  %-48s %s\n", "return probes without a fixed pool (6.14+)",
	       yes(f.fprobe_no_pool));
	printf("syscall hooks: %s; counting every syscall (--all-syscalls): %s\n",
	       ipc_kprobes_usable(&f) ? "the IPC syscalls' own functions (kprobe.multi)" :
	       ipc_tracepoints_usable(&f) ? "the IPC syscalls' own tracepoints" :
	       !f.ipc_syscall_tps ?
	       "every syscall's (this kernel lacks the IPC syscalls' own tracepoints)" :
	       "every syscall's (the IPC syscalls' own tracepoints run their programs "
	       "preemptible here)",
	       f.preemptible_tp_btf ?
	       "tp/raw_syscalls (BTF tracepoint programs would be skipped here)" :
	       "tp_btf (raw_syscalls standing by)");
}

void print_version(void)
{
	struct utsname u;

	printf("ipcscope %s\n", IPCSCOPE_VERSION);
	printf("libbpf %s\n", libbpf_version_string());
	if (have_bpf_caps()) {
		print_features();
		return;
	}
	if (uname(&u) == 0)
		printf("kernel: Linux %s (%s)\n", u.release, u.machine);
	printf("features: probed only as root (sudo ipcscope -V, or ipcscope check)\n");
}

int cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	/* every option on, so that all of the code is verified */
	struct session_config cfg = { .self = getpid(), .cgroup_fd = -1,
				      .load_only = true, .time_in_channel = true,
				      .syscall_numbers = true };
	const struct prog_check *c;
	size_t n, loaded = 0, refused = 0, untried = 0, unneeded = 0, over = 0;
	char words[160];
	size_t unknown = 0;
	struct session *s;
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+vh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'v':
			verbose = true;
			break;
		case 'h':
			fputs(check_usage, stdout);
			return 0;
		default:
			errorf("check: unknown option '%s' (see 'ipcscope check --help')",
			       argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		errorf("check: unexpected argument '%s'", argv[optind]);
		return 2;
	}
	if (!have_bpf_caps()) {
		errorf("check loads BPF programs: it needs root (or CAP_BPF and "
		       "CAP_PERFMON): run it with sudo");
		return 1;
	}
	print_version();
	if (session_open(&s, &cfg))
		return 1;
	n = session_checks(s, &c);
	session_core_btf(s, words, sizeof(words));
	printf("CO-RE relocations against: %s\n", words);
	printf("programs (stack: the deepest call chain's bytes, of %d, and its "
	       "frames; each function's depth):\n", VERIFIER_STACK_BUDGET);
	for (size_t i = 0; i < n; i++) {
		char stack[128] = "not measured";

		if (c[i].chain_bytes >= 0) {
			int len = snprintf(stack, sizeof(stack), "%s%d (%d frame%s; ",
					   c[i].chain_exact ? "" : "at most ",
					   c[i].chain_bytes, c[i].chain_len,
					   c[i].chain_len == 1 ? "" : "s");

			for (int f = 0; f < c[i].nfuncs && f < (int)ARRAY_SIZE(c[i].depth) &&
			     len > 0 && (size_t)len < sizeof(stack) - 8; f++)
				len += snprintf(stack + len, sizeof(stack) - len, "%s%d",
						f ? "+" : "", c[i].depth[f]);
			if (len > 0 && (size_t)len < sizeof(stack) - 2)
				strcat(stack, ")");
		}
		if (!c[i].wanted) {
			unneeded++;
			printf("  %-20s %-30s not loaded: %s\n", c[i].name, c[i].section,
			       c[i].reason);
			continue;
		}
		if (c[i].loaded) {
			loaded++;
			if (c[i].chain_bytes > VERIFIER_STACK_BUDGET)
				over++;
			else if (c[i].chain_bytes < 0)
				unknown++;
			char took[32] = "";

			if (c[i].load_ms >= 0)
				snprintf(took, sizeof(took), " in %.1f ms", c[i].load_ms);
			printf("  %-20s %-30s loaded: %ld insns%s, stack %s%s\n", c[i].name,
			       c[i].section, c[i].insns, took, stack,
			       c[i].chain_bytes > VERIFIER_STACK_BUDGET ? ": OVER BUDGET" : "");
			continue;
		}
		if (!c[i].refused) {
			untried++;
			printf("  %-20s %-30s %s\n", c[i].name, c[i].section, c[i].reason);
			continue;
		}
		refused++;
		printf("  %-20s %-30s REFUSED: %s%s%s\n", c[i].name, c[i].section,
		       c[i].reason, c[i].missing ? ": " : "",
		       c[i].missing ? c[i].missing : "");
		if (c[i].chain_bytes >= 0)
			printf("  %-20s %-30s stack %s\n", "", "", stack);
	}
	printf("%zu loaded, %zu refused, %zu not tried, %zu not needed here; %zu over "
	       "the %d-byte stack budget%s\n", loaded, refused, untried, unneeded, over,
	       VERIFIER_STACK_BUDGET, unknown ? ", some not measured (-v)" : "");
	session_close(s);
	return refused || untried || over || (unknown && !verbose) ? 1 : 0;
}
