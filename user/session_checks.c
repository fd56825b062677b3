// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * session_checks.c - what the verifier said of each program: its log kept
 * per program, read into a verdict, instructions and stack
 * (`ipcscope check`), and a refusal explained in one message.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "ipcscope.h"	/* before the skeleton: its .bss has our types */
#include "ipcscope.skel.h"
#include "session.h"
#include "session_int.h"
#include "util.h"
#include "verifier.h"

/*
 * Each program the kernel will see gets its own verifier log at
 * BPF_LOG_STATS (its stack depths, and its refusal): small, so a log
 * never fills (a full log fails the load on kernels before 6.4). With -v
 * libbpf keeps its own way: a full trace, printed when a load fails.
 */
int session_setup_logs(struct session *s)
{
	struct bpf_program *prog;
	size_t i = 0;

	if (verbose)
		return 0;
	bpf_object__for_each_program(prog, s->skel->obj) {
		if (i == MAX_PROBES)
			break;
		if (bpf_program__autoload(prog)) {
			/* not cleared: the kernel ends what it writes with a
			   NUL, and 64 KiB cleared for a few lines, in each
			   program's log, was 1-2 ms of page faults here */
			s->logs[i] = malloc(PROG_LOG_SIZE);
			if (!s->logs[i]) {
				errorf("cannot allocate a verifier log: %s", strerror(errno));
				return -ENOMEM;
			}
			s->logs[i][0] = '\0';	/* not tried: empty */
		}
		i++;
	}
	return 0;
}

void session_use_log(const struct session *s, size_t i, struct bpf_program *prog)
{
	if (i < MAX_PROBES && s->logs[i]) {
		bpf_program__set_log_buf(prog, s->logs[i], PROG_LOG_SIZE);
		bpf_program__set_log_level(prog, 4);	/* BPF_LOG_STATS */
	}
}

/*
 * After a load, whether it worked or not: what the verifier said of each.
 * libbpf loads a part's programs in order and stops at the first refusal,
 * then unloads them all: the refused one is the last of its part whose
 * log has anything, those before it were accepted, those after it never
 * tried. A part that loaded has its programs, whatever another's did.
 */
void session_fill_checks(struct session *s)
{
	struct bpf_program *prog;
	size_t i = 0, refused[MAX_PARTS];

	for (size_t k = 0; k < MAX_PARTS; k++)
		refused[k] = MAX_PROBES;
	for (size_t k = 0; k < s->nprobes; k++)
		if (s->part_err[s->part_of[k]] && s->logs[k] && s->logs[k][0])
			refused[s->part_of[k]] = k;
	bpf_object__for_each_program(prog, s->skel->obj) {
		struct prog_check *c;
		struct verifier_stats st;
		struct bpf_program *lp;
		const char *log;
		size_t part;

		if (i == MAX_PROBES)
			break;
		c = &s->checks[s->nchecks++];
		log = s->logs[i];
		part = i < s->nprobes ? s->part_of[i] : 0;
		lp = i < s->nprobes ? s->prog[i] : NULL;
		snprintf(c->name, sizeof(c->name), "%s", bpf_program__name(prog));
		snprintf(c->section, sizeof(c->section), "%s",
			 bpf_program__section_name(prog));
		c->wanted = i < s->nprobes && s->wanted[i];
		if (!s->part_err[part])
			c->loaded = c->wanted && lp && bpf_program__fd(lp) >= 0;
		else
			c->loaded = c->wanted && log && log[0] && i < refused[part];
		c->refused = false;
		verifier_parse_stats(log, &st);
		c->insns = st.insns_processed;
		c->load_ms = i < s->nprobes ? s->probes[i].load_ms : -1;
		c->nfuncs = st.nfuncs;
		for (int f = 0; f < st.nfuncs && f < (int)ARRAY_SIZE(c->depth); f++)
			c->depth[f] = st.depth[f];
		c->chain_bytes = -1;
		if (st.nfuncs > 0 && lp && bpf_program__insns(lp)) {
			_Static_assert(sizeof(struct verifier_insn) == sizeof(struct bpf_insn),
				       "verifier_insn is laid out as bpf_insn");
			c->chain_bytes = verifier_deepest_chain(
				(const struct verifier_insn *)bpf_program__insns(lp),
				bpf_program__insn_cnt(lp), st.depth, st.nfuncs,
				NULL, &c->chain_len, &c->chain_exact);
		}
		if (!c->wanted) {
			snprintf(c->reason, sizeof(c->reason), "%s",
				 i < s->nprobes ? s->probes[i].reason : "not loaded");
		} else if (!c->loaded && i == refused[part] &&
			   verifier_reason(log, c->reason, sizeof(c->reason))) {
			c->refused = true;
			c->missing = verifier_missing_feature(c->reason);
		} else if (!c->loaded) {
			/* after the refused one (libbpf stops there); or the
			   object failed before any program was verified (a
			   map, BTF; or -v, where no log of ours is kept) */
			snprintf(c->reason, sizeof(c->reason), "%s",
				 refused[part] < MAX_PROBES ?
				 "not tried: an earlier program was refused"
				 : "not tried: the object failed before its programs were "
				   "verified (run with -v for libbpf's messages)");
		}
		i++;
	}
}

/*
 * The load failed: name the program the verifier refused, its last word,
 * and the kernel feature that is missing when that is the cause.
 */
void session_report_refusal(const struct session *s, int err)
{
	for (size_t i = 0; i < s->nchecks; i++) {
		const struct prog_check *c = &s->checks[i];

		if (!c->refused)
			continue;
		if (verbose)
			break;	/* libbpf printed the whole log above */
		if (c->missing)
			errorf("cannot load BPF program %s (%s): the kernel's verifier "
			       "refused it: \"%s\": %s",
			       c->name, c->section, c->reason, c->missing);
		else
			errorf("cannot load BPF program %s (%s): the kernel's verifier "
			       "refused it: \"%s\" (run with -v for its whole log; "
			       "'ipcscope check' lists every program)",
			       c->name, c->section, c->reason);
		return;
	}
	errorf("cannot load BPF programs: %s (the kernel refused them; %s)",
	       strerror(-err), verbose ? "libbpf's messages and the verifier's log "
	       "are above" : "run with -v for the verifier's log");
}

size_t session_checks(const struct session *s, const struct prog_check **out)
{
	*out = s->checks;
	return s->nchecks;
}

