/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * bpfreach.h - how much code each program of a BPF object reaches: its own
 * instructions and those of every function of .text it calls or passes as
 * a callback, directly or not, each function once (bpfreach.c). What the
 * verifier walks grows with it: session.c shares the programs out by it
 * between the copies of the object it loads at once.
 */
#ifndef BPFREACH_H
#define BPFREACH_H

#include <stddef.h>

struct bpf_reach {
	char name[64];		/* the program's (its function symbol's) */
	size_t insns;		/* its own, and the functions' it reaches */
};

/*
 * Reads the ELF object obj (obj_sz bytes, left as they are): one entry per
 * program (a function outside .text) into out, at most max. Returns how
 * many there are (more than max: the first max written), or -errno:
 * -EINVAL for what is not a BPF object or lies outside it.
 */
int bpf_reach_read(const void *obj, size_t obj_sz, struct bpf_reach *out, size_t max);

#endif /* BPFREACH_H */
