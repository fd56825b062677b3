/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * prom.h - a finished snapshot in Prometheus's text exposition format
 * (prom.c: the names, types and labels).
 */
#ifndef PROM_H
#define PROM_H

#include <stdio.h>
#include "report.h"
#include "snapshot.h"

/* 0, or -1 when out of memory or the write failed (errno says why). */
int report_prometheus(FILE *out, const struct run_info *ri, const struct snapshot *s);

#endif /* PROM_H */
