// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * claim_number.c - whether a measured number satisfies a claim (claims.h):
 * its comparison, its tolerance, or its list of values.
 */
#include <math.h>
#include "claims.h"

/* |v| without fabs(), so users of this file need no -lm. */
static double absval(double v)
{
	return v < 0 ? -v : v;
}

bool claim_holds_number(const struct claim *c, double measured)
{
	double t = 0, incl, strict, d;

	if (!c || c->type != CLAIM_NUMBER || isnan(measured))
		return false;
	d = measured - c->number;
	if (c->cmp == CMP_ONE_OF) {
		for (int i = 0; i < c->nlist && i < CLAIMS_MAX_LIST; i++)
			if (measured == c->list[i])
				return true;
		return false;
	}
	if (c->has_tolerance)
		t = c->tolerance_relative ? c->number * c->tolerance / 100
					  : c->tolerance;
	/* Decimal bounds such as 0.3 + 50% are not exact in binary; the
	 * slack keeps a measurement on the bound on the side the claim
	 * says: inside for inclusive comparisons, outside for strict ones.
	 * With no tolerance it is 0 and the comparison exact. */
	incl = t + t * 1e-9;
	strict = t - t * 1e-9;
	switch (c->cmp) {
	case CMP_EQ:
	case CMP_APPROX:
		return absval(d) <= incl;
	case CMP_LE:
		return d <= incl;
	case CMP_GE:
		return -d <= incl;
	case CMP_LT:
		return d < strict;
	case CMP_GT:
		return -d < strict;
	default:
		return false;
	}
}
