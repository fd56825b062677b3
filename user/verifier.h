/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * verifier.h - what the kernel's verifier said about a program, read from
 * its log at level BPF_LOG_STATS: why it refused it (the last meaningful
 * line, and the kernel feature that is missing when that is the cause),
 * how many instructions it processed, and each function's stack depth,
 * from which the program's deepest call chain is computed.
 *
 * Pure C (no libbpf): the instructions are passed in as raw struct
 * verifier_insn, laid out as struct bpf_insn.
 */
#ifndef VERIFIER_H
#define VERIFIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * What a BPF call chain may use on every kernel: 512 bytes (MAX_BPF_STACK).
 * Some recent kernels run tracing programs on a private stack and accept
 * more; others of the same version refuse it ("combined stack size of N
 * calls is M. Too large"), so ipcscope keeps within 512 bytes everywhere.
 */
#define VERIFIER_STACK_BUDGET	512
#define VERIFIER_MAX_FUNCS	64

/* struct bpf_insn, without the kernel header */
struct verifier_insn {
	uint8_t code;
	uint8_t regs;		/* dst_reg: low 4 bits, src_reg: high 4 bits */
	int16_t off;
	int32_t imm;
};

struct verifier_stats {
	long insns_processed;		/* -1: not in the log */
	int nfuncs;			/* functions with a stack depth; 0: none in the log */
	int depth[VERIFIER_MAX_FUNCS];	/* bytes, in the order of their first instruction */
};

/* Reads "processed N insns" and "stack depth a+b+c" from a log. */
void verifier_parse_stats(const char *log, struct verifier_stats *st);

/*
 * The deepest call chain of a program of n instructions whose functions
 * (in the order of their first instruction, function 0 at instruction 0)
 * use depth[] bytes of stack each: the sum over the chain of each frame
 * rounded up as kernels before 6.x do (to 32 bytes, at least 32), never
 * less than any kernel counts. Calls are the BPF-to-BPF calls and the
 * callbacks handed to helpers (bpf_loop, bpf_find_vma). Writes the
 * chain's functions (indexes, outermost first) to chain[] if not NULL
 * (VERIFIER_MAX_FUNCS at most), their number to *chain_len.
 *
 * The verifier leaves out of its depths the functions that only dead code
 * calls (a setting turned off): when the instructions hold more functions
 * than depth[], which depth is whose is not known, and the result is a
 * bound (*exact false): the deepest chain's number of frames, each filled
 * with the largest depths. Returns -1 when the two cannot agree (fewer
 * functions than depths, or recursion).
 */
int verifier_deepest_chain(const struct verifier_insn *insns, size_t n,
			   const int *depth, int nfuncs, int *chain,
			   int *chain_len, bool *exact);

/*
 * Why the verifier refused a program: its last meaningful line (the
 * statistics lines and blank lines skipped), into out. Returns false if
 * the log holds none.
 */
bool verifier_reason(const char *log, char *out, size_t len);

/*
 * What that line means, when it is a known cause a user can act on (a
 * kernel feature missing: "this kernel lacks BPF atomic operations that
 * return a value (Linux 5.12+)"), or NULL.
 */
const char *verifier_missing_feature(const char *reason);

#endif /* VERIFIER_H */
