/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* hist.h - power-of-two (log2) histograms: slot arithmetic, summary
 * statistics and the text rendering familiar from bcc/libbpf-tools. */
#ifndef IPCSCOPE_HIST_H
#define IPCSCOPE_HIST_H

#include <stdint.h>
#include <linux/types.h>
#include <stdio.h>

/* Slot of a value: 0 for 0 and 1, 1 for 2..3, 2 for 4..7, ...
 * i.e. floor(log2(v)) with 0 -> 0; capped at nslots-1 (0 if nslots is 0). */
unsigned hist_slot(uint64_t v, unsigned nslots);

/* Lower and upper bound of a slot as printed: slot 0 -> [0,1],
 * slot 1 -> [2,3], slot i -> [2^i, 2^(i+1)-1].  Slots past 63 are given
 * slot 63's range [2^63, UINT64_MAX]. */
void hist_slot_range(unsigned slot, uint64_t *low, uint64_t *high);

/* Sum of all counts, saturating at UINT64_MAX. */
uint64_t hist_total(const __u64 *slots, unsigned nslots);

/* Percentile estimate from a log2 histogram: the upper bound of the slot
 * containing the p-th percentile (0 < p <= 100, clamped into that range);
 * 0 for an empty histogram.  The p-th percentile is the smallest slot whose
 * cumulative count reaches ceil(p/100 * total). */
uint64_t hist_percentile_upper(const __u64 *slots, unsigned nslots,
			       double p);

/* Print like libbpf-tools' print_log2_hist: the header
 *   "     <unit>               : count    distribution"
 * then one line per slot from slot 0 to the last non-empty slot,
 *   "%10llu -> %-10llu : %-8llu |<bar>|"
 * with a '*' bar 40 wide scaled to the largest count.  When the last
 * non-empty slot is past 32 the numbers need more than 10 digits, so, as
 * libbpf-tools does, the columns widen to 20 and the bar narrows to 20.
 * Prints nothing at all for an empty histogram.  A NULL unit prints as "". */
void hist_print(FILE *out, const __u64 *slots, unsigned nslots,
		const char *unit);

#endif /* IPCSCOPE_HIST_H */
