// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* hist.c - log2 histogram helpers (see hist.h). */
#include "hist.h"

#include <stdbool.h>

#define HIST_BAR_WIDTH 40

unsigned hist_slot(uint64_t v, unsigned nslots)
{
	unsigned slot;

	if (nslots == 0)
		return 0;
	/* clzll(0) is undefined, and 0 shares slot 0 with 1 anyway. */
	slot = v < 2 ? 0 : 63u - (unsigned)__builtin_clzll(v);
	return slot < nslots ? slot : nslots - 1;
}

void hist_slot_range(unsigned slot, uint64_t *low, uint64_t *high)
{
	if (slot > 63)
		slot = 63;
	*low = slot == 0 ? 0 : UINT64_C(1) << slot;
	/* Shifting by 64 is undefined, so the top slot is spelled out. */
	*high = slot == 63 ? UINT64_MAX : (UINT64_C(1) << (slot + 1)) - 1;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

uint64_t hist_total(const __u64 *slots, unsigned nslots)
{
	uint64_t total = 0;

	for (unsigned i = 0; i < nslots; i++)
		total = add_sat(total, slots[i]);
	return total;
}

uint64_t hist_percentile_upper(const __u64 *slots, unsigned nslots,
			       double p)
{
	uint64_t total = hist_total(slots, nslots), rank, seen = 0, low, high;
	double r;

	if (total == 0)
		return 0;
	/* !(p > 0) also catches NaN. */
	if (!(p > 0))
		p = 0;
	if (p > 100)
		p = 100;
	/* Multiply before dividing so that whole percentages of exact totals
	 * do not pick up rounding error (99 * 100 / 100 is exactly 99). */
	r = p * (double)total / 100.0;
	if (r >= (double)total) {
		rank = total;
	} else {
		rank = (uint64_t)r;
		if ((double)rank < r)
			rank++;         /* ceil */
		if (rank == 0)
			rank = 1;       /* the smallest p still needs one sample */
	}

	for (unsigned i = 0; i < nslots; i++) {
		seen = add_sat(seen, slots[i]);
		if (seen >= rank) {
			hist_slot_range(i, &low, &high);
			return high;
		}
	}
	return 0;   /* unreachable: seen ends at total >= rank */
}

static void print_bar(FILE *out, uint64_t val, uint64_t val_max, int width)
{
	/* 128-bit product: val * width can overflow 64 bits for huge counts. */
	int stars = (int)((unsigned __int128)val * (unsigned)width / val_max);

	for (int i = 0; i < width; i++)
		fputc(i < stars ? '*' : ' ', out);
}

void hist_print(FILE *out, const __u64 *slots, unsigned nslots,
		const char *unit)
{
	uint64_t val_max = 0, low, high;
	unsigned idx_max = 0;
	bool any = false;
	bool wide;
	int num_w, bar_w;

	for (unsigned i = 0; i < nslots; i++) {
		if (slots[i] > 0) {
			idx_max = i;
			any = true;
		}
		if (slots[i] > val_max)
			val_max = slots[i];
	}
	if (!any)
		return;

	/* Slot 32's upper bound (2^33-1) is the last one that fits in 10
	 * digits; past it, widen the columns and halve the bar to keep the
	 * lines about as long, exactly like libbpf-tools. */
	wide = idx_max > 32;
	num_w = wide ? 20 : 10;
	bar_w = wide ? HIST_BAR_WIDTH / 2 : HIST_BAR_WIDTH;

	/* The unit column is as wide as "low -> high" (5 + 19 = 10 + 4 + 10,
	 * 15 + 29 = 20 + 4 + 20) so the colons line up. */
	fprintf(out, "%*s%-*s : count    distribution\n",
		wide ? 15 : 5, "", wide ? 29 : 19, unit ? unit : "");
	for (unsigned i = 0; i <= idx_max; i++) {
		hist_slot_range(i, &low, &high);
		fprintf(out, "%*llu -> %-*llu : %-8llu |", num_w,
			(unsigned long long)low, num_w,
			(unsigned long long)high,
			(unsigned long long)slots[i]);
		print_bar(out, slots[i], val_max, bar_w);
		fputs("|\n", out);
	}
}
