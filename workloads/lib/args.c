// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * args.c - the workloads' messages, exit codes and command lines; see
 * harness.h.  One copy keeps their wording and exit codes alike: the
 * integration tests check both.
 */
#define _GNU_SOURCE
#include "harness.h"

#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* "NAME: [WHO: ]message\n" */
static void vmsg(const char *who, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", workload_name);
	if (who)
		fprintf(stderr, "%s: ", who);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(NULL, fmt, ap);
	va_end(ap);
	exit(2);
}

void say(const char *who, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(who, fmt, ap);
	va_end(ap);
}

void sys_error(const char *who, const char *call)
{
	fprintf(stderr, "%s: %s: %s: %s\n", workload_name, who, call,
		strerror(errno));
}

/* parse_u64() says only yes or no: the checks before it say why not. */
uint64_t parse_num(const char *opt, const char *s, uint64_t min,
		   uint64_t max)
{
	uint64_t v;

	if (*s == '\0')
		usage_error("%s: empty value", opt);
	if (s[strspn(s, "0123456789")] != '\0')
		usage_error("%s: '%s' is not a decimal number", opt, s);
	if (parse_u64(s, min, max, &v) < 0)
		usage_error("%s: %s is out of range %" PRIu64 "..%" PRIu64,
			    opt, s, min, max);
	return v;
}

int parse_word(const char *opt, const char *val, const char *const *names,
	       size_t n, const char *choices)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(val, names[i]))
			return (int)i;
	usage_error("%s: '%s' is not %s", opt, val, choices);
}

int g_child_cpu = -1;
uint64_t g_ready_delay_ms;

/* --cpus A,B: the parent on CPU A from now on, the child on B */
static void pin_cpus(struct run_opts *ro, const char *val)
{
	const char *comma = strchr(val, ',');
	char a[16];
	cpu_set_t set;

	if (!comma || (size_t)(comma - val) >= sizeof(a))
		usage_error("--cpus: expected A,B (two CPU numbers), not '%s'", val);
	memcpy(a, val, comma - val);
	a[comma - val] = '\0';
	ro->cpu_parent = (int)parse_num("--cpus", a, 0, CPU_SETSIZE - 1);
	ro->cpu_child = (int)parse_num("--cpus", comma + 1, 0, CPU_SETSIZE - 1);
	CPU_ZERO(&set);
	CPU_SET(ro->cpu_parent, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		usage_error("--cpus: CPU %d: %s", ro->cpu_parent, strerror(errno));
	CPU_ZERO(&set);
	CPU_SET(ro->cpu_child, &set);
	if (sched_setaffinity(0, sizeof(set), &set) == 0) {
		/* B exists and is allowed: back to A */
		CPU_ZERO(&set);
		CPU_SET(ro->cpu_parent, &set);
		sched_setaffinity(0, sizeof(set), &set);
	} else {
		usage_error("--cpus: CPU %d: %s", ro->cpu_child, strerror(errno));
	}
	g_child_cpu = ro->cpu_child;
}

/* Stores option name's value if it is one of struct run_opts': 1, else 0. */
static int run_option(struct run_opts *ro, const char *name, const char *val)
{
	if (!strcmp(name, "--out")) {
		if (*val == '\0')
			usage_error("--out: empty file name");
		ro->out_path = val;
	} else if (!strcmp(name, "--start-delay")) {
		ro->start_delay_ms = parse_num(name, val, 0, DELAY_MAX_MS);
	} else if (!strcmp(name, "--send-delay")) {
		ro->send_delay_ms = parse_num(name, val, 0, DELAY_MAX_MS);
	} else if (!strcmp(name, "--recv-delay")) {
		ro->recv_delay_ms = parse_num(name, val, 0, DELAY_MAX_MS);
	} else if (!strcmp(name, "--cpus")) {
		pin_cpus(ro, val);
	} else if (!strcmp(name, "--ready-delay")) {
		g_ready_delay_ms = parse_num(name, val, 0, DELAY_MAX_MS);
	} else {
		return 0;
	}
	return 1;
}

/* The next option, whatever it is. */
static const char *next_any(struct opt_iter *it, const char **val)
{
	const char *arg, *eq, *name = NULL;
	size_t len;

	if (++it->i >= it->argc)
		return NULL;
	arg = it->argv[it->i];
	if (strcmp(arg, "--help") == 0) {
		it->help();
		exit(0);
	}
	if (strncmp(arg, "--help=", 7) == 0)
		usage_error("--help takes no value");
	if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0')
		usage_error("unexpected argument '%s' (try --help)", arg);
	eq = strchr(arg, '=');
	len = eq ? (size_t)(eq - arg) : strlen(arg);
	for (size_t k = 0; k < it->nopts; k++)
		if (strlen(it->opts[k]) == len && !strncmp(arg, it->opts[k], len))
			name = it->opts[k];
	if (!name)
		usage_error("unknown option '%.*s' (try --help)", (int)len, arg);
	if (eq) {
		*val = eq + 1;
	} else {
		if (it->i + 1 >= it->argc)
			usage_error("%s needs a value", name);
		*val = it->argv[++it->i];
	}
	return name;
}

const char *next_opt(struct opt_iter *it, const char **val)
{
	const char *name;

	while ((name = next_any(it, val)))
		if (!run_option(it->run, name, *val))
			break;
	return name;
}
