// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* verifier.c - read the verifier's log: see verifier.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "verifier.h"

/* Does line (up to end) start with prefix? */
static bool starts(const char *line, const char *end, const char *prefix)
{
	size_t n = strlen(prefix);

	return (size_t)(end - line) >= n && !strncmp(line, prefix, n);
}

void verifier_parse_stats(const char *log, struct verifier_stats *st)
{
	const char *p;

	memset(st, 0, sizeof(*st));
	st->insns_processed = -1;
	if (!log)
		return;
	p = strstr(log, "processed ");
	/* the last one: a log has one per load */
	for (const char *q = p; q; q = strstr(q + 1, "processed "))
		p = q;
	if (p) {
		char *end;
		long v = strtol(p + 10, &end, 10);

		if (end != p + 10 && !strncmp(end, " insns", 6))
			st->insns_processed = v;
	}
	p = NULL;
	for (const char *q = strstr(log, "stack depth "); q; q = strstr(q + 1, "stack depth "))
		p = q;
	if (!p)
		return;
	p += 12;
	while (st->nfuncs < VERIFIER_MAX_FUNCS) {
		char *end;
		long v = strtol(p, &end, 10);

		if (end == p || v < 0 || v > 1 << 20)
			break;
		st->depth[st->nfuncs++] = (int)v;
		if (*end != '+')
			break;
		p = end + 1;
	}
}

#define BPF_CALL_INSN	0x85	/* BPF_JMP | BPF_CALL */
#define BPF_LD_IMM64	0x18	/* BPF_LD | BPF_IMM | BPF_DW: two instructions */
#define PSEUDO_CALL	1
#define PSEUDO_FUNC	4

/* The function (index into starts) that begins at insn, or -1. */
static int func_at(const size_t *starts, int n, size_t insn)
{
	for (int i = 0; i < n; i++)
		if (starts[i] == insn)
			return i;
	return -1;
}

/* The target of a call or callback at i, or (size_t)-1 if i is neither. */
static size_t call_target(const struct verifier_insn *insns, size_t n, size_t i)
{
	int src = insns[i].regs >> 4;
	long t;

	if (!((insns[i].code == BPF_CALL_INSN && src == PSEUDO_CALL) ||
	      (insns[i].code == BPF_LD_IMM64 && src == PSEUDO_FUNC)))
		return (size_t)-1;
	t = (long)i + insns[i].imm + 1;
	return t >= 0 && (size_t)t < n ? (size_t)t : (size_t)-1;
}

static int frame_bytes(int depth)
{
	/* the kernel's round_up(max(depth, 1), 32) */
	return ((depth < 1 ? 1 : depth) + 31) / 32 * 32;
}

struct chain_ctx {
	const struct verifier_insn *insns;
	size_t n;
	const size_t *starts;
	int nfuncs;
	const int *depth;
	int best[VERIFIER_MAX_FUNCS];	/* deepest chain from f, -2: not yet */
	int next[VERIFIER_MAX_FUNCS];	/* the callee on it, -1: none */
	bool on_path[VERIFIER_MAX_FUNCS];
};

/* The deepest chain starting at function f, or -1 (recursion, bad call). */
static int deepest_from(struct chain_ctx *c, int f)
{
	size_t end = f + 1 < c->nfuncs ? c->starts[f + 1] : c->n;
	int below = 0;

	if (c->best[f] != -2)
		return c->best[f];
	if (c->on_path[f])
		return -1;
	c->on_path[f] = true;
	c->next[f] = -1;
	for (size_t i = c->starts[f]; i < end; i++) {
		size_t t = call_target(c->insns, c->n, i);
		int g, d;

		if (c->insns[i].code == BPF_LD_IMM64)
			i++;	/* its second half */
		if (t == (size_t)-1)
			continue;
		g = func_at(c->starts, c->nfuncs, t);
		d = g < 0 ? -1 : deepest_from(c, g);
		if (d < 0) {
			c->on_path[f] = false;
			return -1;
		}
		if (d > below) {
			below = d;
			c->next[f] = g;
		}
	}
	c->on_path[f] = false;
	c->best[f] = frame_bytes(c->depth[f]) + below;
	return c->best[f];
}

static int cmp_int_desc(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x > y ? -1 : x < y;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

int verifier_deepest_chain(const struct verifier_insn *insns, size_t n,
			   const int *depth, int nfuncs, int *chain,
			   int *chain_len, bool *exact)
{
	size_t starts[VERIFIER_MAX_FUNCS];
	struct chain_ctx c = { .insns = insns, .n = n, .starts = starts,
			       .depth = depth };
	int count = 0, total;

	if (chain_len)
		*chain_len = 0;
	if (exact)
		*exact = false;
	if (!insns || !n || nfuncs < 1 || nfuncs > VERIFIER_MAX_FUNCS)
		return -1;
	starts[count++] = 0;
	for (size_t i = 0; i < n; i++) {
		size_t t = call_target(insns, n, i);

		if (insns[i].code == BPF_LD_IMM64)
			i++;
		if (t == (size_t)-1 || func_at(starts, count, t) >= 0)
			continue;
		if (count == VERIFIER_MAX_FUNCS)
			return -1;
		starts[count++] = t;
	}
	/* the verifier drops functions only dead code calls (a setting
	   turned off) before it prints their depths */
	if (count < nfuncs)
		return -1;
	qsort(starts, count, sizeof(starts[0]), cmp_size);
	c.nfuncs = count;
	if (count == nfuncs) {
		for (int i = 0; i < count; i++)
			c.best[i] = -2;
		total = deepest_from(&c, 0);
		if (total < 0)
			return -1;
		for (int f = 0, k = 0; chain_len && f >= 0; f = c.next[f], k++) {
			if (chain)
				chain[k] = f;
			*chain_len = k + 1;
		}
		if (exact)
			*exact = true;
		return total;
	}
	/*
	 * Which depth is whose is not known: a bound, the deepest chain's
	 * number of frames filled with the largest depths.
	 */
	{
		int frames[VERIFIER_MAX_FUNCS], len, sorted[VERIFIER_MAX_FUNCS];

		for (int i = 0; i < count; i++) {
			c.best[i] = -2;
			frames[i] = 1;
		}
		c.depth = frames;	/* every frame 1 byte: rounds to 32 each */
		len = deepest_from(&c, 0);
		if (len < 0)
			return -1;
		len /= 32;
		for (int i = 0; i < nfuncs; i++)
			sorted[i] = frame_bytes(depth[i]);
		qsort(sorted, nfuncs, sizeof(sorted[0]), cmp_int_desc);
		total = 0;
		for (int i = 0; i < len && i < nfuncs; i++)
			total += sorted[i];
		if (chain_len)
			*chain_len = len;
		if (exact)
			*exact = false;
		return total;
	}
}

/* Lines that say how verification went, not why it failed. */
static bool stats_line(const char *line, const char *end)
{
	static const char *const prefixes[] = {
		"processed ", "verification time ", "stack depth ",
		"-- END PROG LOAD LOG --", "Func#", "func#",
		"Validating ", "Global function ",
	};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (starts(line, end, prefixes[i]))
			return true;
	for (const char *p = line; p < end; p++)
		if (*p != ' ' && *p != '\t' && *p != '\r')
			return false;
	return true;	/* blank */
}

bool verifier_reason(const char *log, char *out, size_t len)
{
	const char *best = NULL, *best_end = NULL;

	if (len)
		out[0] = '\0';
	if (!log || !len)
		return false;
	for (const char *line = log; *line;) {
		const char *end = strchr(line, '\n');

		if (!end)
			end = line + strlen(line);
		if (!stats_line(line, end)) {
			best = line;
			best_end = end;
		}
		line = *end ? end + 1 : end;
	}
	if (!best)
		return false;
	/* printable ASCII only: the log is the kernel's, but goes to a terminal */
	size_t j = 0;

	for (const char *p = best; p < best_end && j + 1 < len; p++)
		out[j++] = (*p >= 0x20 && *p < 0x7f) ? *p : '?';
	out[j] = '\0';
	return true;
}

const char *verifier_missing_feature(const char *reason)
{
	static const struct {
		const char *says;
		const char *means;
	} known[] = {
		/* 5.10's words for an atomic it does not know (BPF ISA v3) */
		{ "BPF_STX uses reserved fields",
		  "this kernel lacks BPF atomic operations that return a value "
		  "(Linux 5.12+)" },
		{ "BPF_XADD uses reserved fields",
		  "this kernel lacks BPF atomic operations that return a value "
		  "(Linux 5.12+)" },
		{ "combined stack size of",
		  "a call chain needs more than the 512 bytes of BPF stack that "
		  "every kernel gives (a bug in ipcscope: please report it with "
		  "the output of 'ipcscope check')" },
		{ "unknown func ",
		  "this kernel lacks a BPF helper the program calls (a newer "
		  "kernel has it)" },
		{ "invalid func ",
		  "this kernel lacks a BPF helper the program calls (a newer "
		  "kernel has it)" },
		{ "unknown opcode",
		  "this kernel lacks a BPF instruction the program uses (a newer "
		  "kernel has it)" },
	};

	if (!reason)
		return NULL;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strstr(reason, known[i].says))
			return known[i].means;
	return NULL;
}
