// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* test_hist.c - unit tests for the log2 histogram helpers (user/hist.c). */
#include "test.h"
#include "hist.h"
#include "ipcscope.h"

TEST(hist_slot_small_values)
{
	ASSERT_EQ_U64(hist_slot(0, 64), 0);
	ASSERT_EQ_U64(hist_slot(1, 64), 0);
	ASSERT_EQ_U64(hist_slot(2, 64), 1);
	ASSERT_EQ_U64(hist_slot(3, 64), 1);
	ASSERT_EQ_U64(hist_slot(4, 64), 2);
	ASSERT_EQ_U64(hist_slot(7, 64), 2);
	ASSERT_EQ_U64(hist_slot(8, 64), 3);
}

TEST(hist_slot_large_values)
{
	ASSERT_EQ_U64(hist_slot(UINT64_C(1) << 40, 64), 40);
	ASSERT_EQ_U64(hist_slot((UINT64_C(1) << 40) - 1, 64), 39);
	ASSERT_EQ_U64(hist_slot((UINT64_C(1) << 40) + 1, 64), 40);
	ASSERT_EQ_U64(hist_slot(UINT64_C(1) << 63, 64), 63);
	ASSERT_EQ_U64(hist_slot(UINT64_MAX, 64), 63);
}

/* The BPF programs' slot (ipc_hist_slot, without branches) is this
 * file's: at every power of two, either side of it, and along a
 * pseudo-random sweep of every length of number */
TEST(bpf_hist_slot_is_user_spaces)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	ASSERT_EQ_U64(ipc_hist_slot(0), hist_slot(0, IPC_HIST_SLOTS));
	ASSERT_EQ_U64(ipc_hist_slot(UINT64_MAX), IPC_HIST_SLOTS - 1);
	for (unsigned k = 0; k < 64; k++) {
		uint64_t p = UINT64_C(1) << k;

		ASSERT_EQ_U64(ipc_hist_slot(p), hist_slot(p, IPC_HIST_SLOTS));
		ASSERT_EQ_U64(ipc_hist_slot(p - 1), hist_slot(p - 1, IPC_HIST_SLOTS));
		ASSERT_EQ_U64(ipc_hist_slot(p + 1), hist_slot(p + 1, IPC_HIST_SLOTS));
	}
	for (unsigned i = 0; i < 200000; i++) {
		uint64_t v;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		v = x >> (i % 64);
		ASSERT_EQ_U64(ipc_hist_slot(v), hist_slot(v, IPC_HIST_SLOTS));
	}
}

TEST(hist_slot_capped)
{
	ASSERT_EQ_U64(hist_slot(UINT64_C(1) << 40, 27), 26);
	ASSERT_EQ_U64(hist_slot(UINT64_MAX, 27), 26);
	ASSERT_EQ_U64(hist_slot(255, 8), 7);
	ASSERT_EQ_U64(hist_slot(256, 8), 7);
	ASSERT_EQ_U64(hist_slot(127, 8), 6);
	ASSERT_EQ_U64(hist_slot(5, 1), 0);
	ASSERT_EQ_U64(hist_slot(5, 0), 0);
}

TEST(hist_slot_range_bounds)
{
	uint64_t lo, hi;

	hist_slot_range(0, &lo, &hi);
	ASSERT_EQ_U64(lo, 0);
	ASSERT_EQ_U64(hi, 1);
	hist_slot_range(1, &lo, &hi);
	ASSERT_EQ_U64(lo, 2);
	ASSERT_EQ_U64(hi, 3);
	hist_slot_range(2, &lo, &hi);
	ASSERT_EQ_U64(lo, 4);
	ASSERT_EQ_U64(hi, 7);
	hist_slot_range(10, &lo, &hi);
	ASSERT_EQ_U64(lo, 1024);
	ASSERT_EQ_U64(hi, 2047);
	hist_slot_range(63, &lo, &hi);
	ASSERT_EQ_U64(lo, UINT64_C(1) << 63);
	ASSERT_EQ_U64(hi, UINT64_MAX);
	hist_slot_range(100, &lo, &hi);
	ASSERT_EQ_U64(lo, UINT64_C(1) << 63);
	ASSERT_EQ_U64(hi, UINT64_MAX);
}

TEST(hist_slot_range_agrees_with_hist_slot)
{
	uint64_t lo, hi;

	/* Both bounds of each slot land in that slot, and slots tile. */
	for (unsigned i = 0; i < 64; i++) {
		hist_slot_range(i, &lo, &hi);
		ASSERT_EQ_U64(hist_slot(lo, 64), i);
		ASSERT_EQ_U64(hist_slot(hi, 64), i);
		if (i < 63)
			ASSERT_EQ_U64(hist_slot(hi + 1, 64), i + 1);
	}
}

TEST(hist_total_sums_and_saturates)
{
	const __u64 h[] = { 1, 0, 3, 6, 2 };
	const __u64 big[] = { UINT64_MAX - 1, 5 };

	ASSERT_EQ_U64(hist_total(h, 5), 12);
	ASSERT_EQ_U64(hist_total(h, 0), 0);
	ASSERT_EQ_U64(hist_total(big, 2), UINT64_MAX);
}

TEST(hist_percentile_upper_known)
{
	/* Counts 1, 2, 3, 4 in slots 0..3: cumulative 1, 3, 6, 10. */
	const __u64 h[] = { 1, 2, 3, 4, 0, 0 };

	ASSERT_EQ_U64(hist_percentile_upper(h, 6, 10), 1);   /* rank 1 */
	ASSERT_EQ_U64(hist_percentile_upper(h, 6, 10.1), 3); /* rank 2 */
	ASSERT_EQ_U64(hist_percentile_upper(h, 6, 30), 3);   /* rank 3 */
	ASSERT_EQ_U64(hist_percentile_upper(h, 6, 31), 7);   /* rank 4 */
	ASSERT_EQ_U64(hist_percentile_upper(h, 6, 50), 7);   /* rank 5 */
	ASSERT_EQ_U64(hist_percentile_upper(h, 6, 60), 7);   /* rank 6 */
	ASSERT_EQ_U64(hist_percentile_upper(h, 6, 61), 15);  /* rank 7 */
	ASSERT_EQ_U64(hist_percentile_upper(h, 6, 99), 15);
	ASSERT_EQ_U64(hist_percentile_upper(h, 6, 100), 15);
	/* Out-of-range p is clamped to (0, 100]. */
	ASSERT_EQ_U64(hist_percentile_upper(h, 6, 0), 1);
	ASSERT_EQ_U64(hist_percentile_upper(h, 6, 250), 15);
}

TEST(hist_percentile_upper_edges)
{
	const __u64 empty[8] = { 0 };
	const __u64 leading_zeros[] = { 0, 0, 0, 5, 0 };
	__u64 p99[128] = { 0 };

	ASSERT_EQ_U64(hist_percentile_upper(empty, 8, 50), 0);
	ASSERT_EQ_U64(hist_percentile_upper(empty, 0, 50), 0);
	ASSERT_EQ_U64(hist_percentile_upper(leading_zeros, 5, 1), 15);
	ASSERT_EQ_U64(hist_percentile_upper(leading_zeros, 5, 100), 15);
	/* 99 fast samples and 1 slow one: p99 is fast, p99.5 is slow. */
	p99[4] = 99;
	p99[20] = 1;
	ASSERT_EQ_U64(hist_percentile_upper(p99, 128, 99), 31);
	ASSERT_EQ_U64(hist_percentile_upper(p99, 128, 99.5),
		      (UINT64_C(1) << 21) - 1);
}

TEST(hist_print_small)
{
	const __u64 h[8] = { 1, 0, 3, 6, 2, 0, 0, 0 };
	FILE *f = test_capture();

	hist_print(f, h, 8, "usecs");
	ASSERT_STREQ(test_capture_text(f),
		"     usecs               : count    distribution\n"
		"         0 -> 1          : 1        |******                                  |\n"
		"         2 -> 3          : 0        |                                        |\n"
		"         4 -> 7          : 3        |********************                    |\n"
		"         8 -> 15         : 6        |****************************************|\n"
		"        16 -> 31         : 2        |*************                           |\n");
}

TEST(hist_print_empty_prints_nothing)
{
	const __u64 h[8] = { 0 };
	FILE *f = test_capture();

	hist_print(f, h, 8, "usecs");
	hist_print(f, h, 0, "usecs");
	ASSERT_STREQ(test_capture_text(f), "");
}

TEST(hist_print_wide_columns)
{
	__u64 h[40] = { 0 };
	FILE *f = test_capture();
	const char *exp_head =
		"               nsecs                         : count    distribution\n"
		"                   0 -> 1                    : 2        |********************|\n";
	const char *text, *last;
	char head[256];
	int lines = 0;

	/* Slot 33 needs 11 digits: columns widen to 20, bar halves to 20. */
	h[0] = 2;
	h[33] = 1;
	hist_print(f, h, 40, "nsecs");
	text = test_capture_text(f);
	for (const char *p = text; *p; p++)
		lines += *p == '\n';
	ASSERT_EQ_I64(lines, 35);   /* header + slots 0..33 */
	/* The first two lines exactly, then the last one. */
	snprintf(head, sizeof(head), "%.*s", (int)strlen(exp_head), text);
	ASSERT_STREQ(head, exp_head);
	last = strstr(text, "          8589934592 -> ");
	ASSERT_STREQ(last,
		"          8589934592 -> 17179869183          : 1        |**********          |\n");
}

TEST(hist_print_huge_counts_no_overflow)
{
	const __u64 h[2] = { UINT64_MAX, UINT64_MAX / 2 };
	FILE *f = test_capture();

	hist_print(f, h, 2, NULL);
	ASSERT_STREQ(test_capture_text(f),
		"                         : count    distribution\n"
		"         0 -> 1          : 18446744073709551615 |****************************************|\n"
		"         2 -> 3          : 9223372036854775807 |*******************                     |\n");
}
