// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ipcscope.c - the entry point: one binary, subcommands in a table.
 */
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "util.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "record", cmd_record,
	  "trace the IPC of a command, processes or the whole system, then report" },
	{ "top", cmd_top,
	  "a live view: the busiest processes and IPC objects, every second" },
	{ "trace", cmd_trace,
	  "print each IPC operation as it happens (text or NDJSON)" },
	{ "export", cmd_export,
	  "serve the figures live for Prometheus (GET /metrics)" },
	{ "validate", cmd_validate,
	  "check a document's claims about IPC by measurement" },
	{ "explain", cmd_explain,
	  "one message's life through the kernel, step by step, observed live" },
	{ "check", cmd_check,
	  "will it run here? load every BPF program, show what the kernel said" },
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ipcscope COMMAND [OPTIONS]\n"
		"\n"
		"ipcscope watches inter-process communication from inside the Linux kernel\n"
		"(eBPF on tracepoints): how much each process sends through which IPC object,\n"
		"what it costs in syscalls, copies, context switches and latency.\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
		"\n"
		"'ipcscope COMMAND --help' explains a command's options.\n"
		"  -h, --help     show this help\n"
		"  -V, --version  print the version, libbpf's, and the kernel features\n"
		"                 found (as root)\n");
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : NULL;

	if (!name) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(name, "-h") || !strcmp(name, "--help") || !strcmp(name, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(name, "-V") || !strcmp(name, "--version")) {
		print_version();
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(name, commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	errorf("unknown command '%s' (see 'ipcscope --help')", name);
	return 2;
}
