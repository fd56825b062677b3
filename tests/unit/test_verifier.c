// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* test_verifier.c - unit tests for user/verifier.c: reading the verifier's
 * statistics and refusals, and the deepest call chain of stack computed
 * from a program's instructions. */
#include "test.h"
#include "verifier.h"

/* Instructions: a call to the function at target (from insn at). */
#define CALL(at, target)  { .code = 0x85, .regs = 1 << 4, .imm = (target) - (at) - 1 }
#define HELPER(id)        { .code = 0x85, .regs = 0, .imm = (id) }
#define LD_FUNC(at, target) { .code = 0x18, .regs = (4 << 4) | 2, .imm = (target) - (at) - 1 }, { 0 }
#define MOV0              { .code = 0xb7 }
#define EXIT              { .code = 0x95 }

TEST(verifier_stats_read_from_a_log)
{
	struct verifier_stats st;

	verifier_parse_stats("verification time 10751 usec\n"
			     "stack depth 56+96+8\n"
			     "processed 24816 insns (limit 1000000) max_states_per_insn 23\n",
			     &st);
	ASSERT_EQ_I64(st.insns_processed, 24816);
	ASSERT_EQ_I64(st.nfuncs, 3);
	ASSERT_EQ_I64(st.depth[0], 56);
	ASSERT_EQ_I64(st.depth[1], 96);
	ASSERT_EQ_I64(st.depth[2], 8);
}

TEST(verifier_stats_absent_or_garbled)
{
	struct verifier_stats st;

	verifier_parse_stats(NULL, &st);
	ASSERT_EQ_I64(st.insns_processed, -1);
	ASSERT_EQ_I64(st.nfuncs, 0);
	verifier_parse_stats("stack depth x+1\nprocessed many insns\n", &st);
	ASSERT_EQ_I64(st.insns_processed, -1);
	ASSERT_EQ_I64(st.nfuncs, 0);
	verifier_parse_stats("stack depth 16+\n", &st);
	ASSERT_EQ_I64(st.nfuncs, 1);
}

TEST(verifier_chain_one_function)
{
	const struct verifier_insn insns[] = { MOV0, EXIT };
	const int depth[] = { 136 };
	int len;
	bool exact;

	/* 136 rounds up to 160, as the kernel counts it */
	ASSERT_EQ_I64(verifier_deepest_chain(insns, 2, depth, 1, NULL, &len, &exact), 160);
	ASSERT_EQ_I64(len, 1);
	ASSERT_TRUE(exact);
}

TEST(verifier_chain_takes_the_deepest_branch)
{
	/* main (0-3) calls f at 4 and g at 6; g (6-8) calls h at 9 */
	const struct verifier_insn insns[] = {
		CALL(0, 4), CALL(1, 6), MOV0, EXIT,
		MOV0, EXIT,			/* f: 4 */
		CALL(6, 9), MOV0, EXIT,		/* g: 6 */
		MOV0, EXIT,			/* h: 9 */
	};
	/* by first instruction: main, f, g, h */
	const int depth[] = { 168, 232, 120, 0 };
	int chain[VERIFIER_MAX_FUNCS], len;
	bool exact;

	/* main+f = 192+256 = 448; main+g+h = 192+128+32 = 352 */
	ASSERT_EQ_I64(verifier_deepest_chain(insns, 11, depth, 4, chain, &len, &exact), 448);
	ASSERT_EQ_I64(len, 2);
	ASSERT_EQ_I64(chain[0], 0);
	ASSERT_EQ_I64(chain[1], 1);
	ASSERT_TRUE(exact);
}

TEST(verifier_chain_over_the_budget_is_seen)
{
	/* the chain that broke Linux 6.1 and our 6.18 builds: 576 bytes */
	const struct verifier_insn insns[] = {
		CALL(0, 3), MOV0, EXIT,
		CALL(3, 6), MOV0, EXIT,
		MOV0, EXIT,
	};
	const int depth[] = { 168, 120, 232 };

	ASSERT_EQ_I64(verifier_deepest_chain(insns, 8, depth, 3, NULL, NULL, NULL), 576);
	ASSERT_TRUE(576 > VERIFIER_STACK_BUDGET);
}

TEST(verifier_chain_follows_callbacks)
{
	/* bpf_loop's callback, handed over by address (ld_imm64, two insns) */
	const struct verifier_insn insns[] = {
		LD_FUNC(0, 5), HELPER(181), MOV0, EXIT,
		MOV0, EXIT,
	};
	const int depth[] = { 8, 300 };

	ASSERT_EQ_I64(verifier_deepest_chain(insns, 7, depth, 2, NULL, NULL, NULL), 32 + 320);
}

TEST(verifier_chain_bound_when_dead_functions_were_dropped)
{
	/* three functions in the code, two depths: the verifier dropped one
	   that only dead code called; a chain is 2 frames deep at most */
	const struct verifier_insn insns[] = {
		CALL(0, 3), CALL(1, 5), EXIT,
		MOV0, EXIT,
		MOV0, EXIT,
	};
	const int depth[] = { 40, 200 };
	int len;
	bool exact = true;

	ASSERT_EQ_I64(verifier_deepest_chain(insns, 7, depth, 2, NULL, &len, &exact),
		      224 + 64);
	ASSERT_EQ_I64(len, 2);
	ASSERT_TRUE(!exact);
}

TEST(verifier_chain_refuses_what_cannot_agree)
{
	const struct verifier_insn one[] = { MOV0, EXIT };
	const struct verifier_insn self[] = { CALL(0, 0), EXIT };
	const int depth[] = { 8, 8 };

	/* more depths than functions */
	ASSERT_EQ_I64(verifier_deepest_chain(one, 2, depth, 2, NULL, NULL, NULL), -1);
	/* recursion */
	ASSERT_EQ_I64(verifier_deepest_chain(self, 2, depth, 1, NULL, NULL, NULL), -1);
	ASSERT_EQ_I64(verifier_deepest_chain(NULL, 0, depth, 1, NULL, NULL, NULL), -1);
}

TEST(verifier_reason_is_the_last_meaningful_line)
{
	char out[128];

	ASSERT_TRUE(verifier_reason(
		"Func#19 ('enter_udp') is safe for any args that match its prototype\n"
		"combined stack size of 3 calls is 544. Too large\n"
		"verification time 123 usec\nstack depth 168+232+120\n"
		"processed 16838 insns (limit 1000000)\n\n", out, sizeof(out)));
	ASSERT_STREQ(out, "combined stack size of 3 calls is 544. Too large");
	ASSERT_TRUE(!verifier_reason("processed 5 insns\nstack depth 8\n", out, sizeof(out)));
	ASSERT_STREQ(out, "");
	ASSERT_TRUE(!verifier_reason(NULL, out, sizeof(out)));
}

TEST(verifier_reason_is_bounded_and_printable)
{
	char out[8];

	ASSERT_TRUE(verifier_reason("R1 \x1b]0;x\a unbounded\n", out, sizeof(out)));
	ASSERT_STREQ(out, "R1 ?]0;");
}

TEST(verifier_missing_feature_named)
{
	const char *m = verifier_missing_feature("BPF_STX uses reserved fields");

	ASSERT_TRUE(m && strstr(m, "5.12"));
	m = verifier_missing_feature("combined stack size of 3 calls is 576. Too large");
	ASSERT_TRUE(m && strstr(m, "512 bytes"));
	ASSERT_TRUE(verifier_missing_feature("R1 unbounded memory access") == NULL);
	ASSERT_TRUE(verifier_missing_feature(NULL) == NULL);
}
