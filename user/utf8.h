/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* UTF-8, the one place that decides what is well-formed (RFC 3629: no
 * overlong forms, no UTF-16 surrogates, nothing above U+10FFFF). Used by the
 * JSON and DOT writers, the text sanitiser, the claims parser and the
 * workloads. Pure, no allocation. */
#ifndef IPCSCOPE_UTF8_H
#define IPCSCOPE_UTF8_H

#include <stddef.h>

/* Bytes of the well-formed sequence that starts at s, reading at most n
 * bytes, or 0 if s[0] does not start one (an ASCII byte included). */
size_t utf8_seq_len(const unsigned char *s, size_t n);

/* utf8_seq_len, and 0 also for a C1 control (U+0080-U+009F): what a
 * terminal would take for a command. The text outputs' test. */
size_t utf8_printable_len(const unsigned char *s, size_t n);

/* 0 if s[0..len) is well-formed UTF-8, else the 1-based offset of the first
 * byte that starts no well-formed sequence. NULs count as ASCII. */
size_t utf8_error(const unsigned char *s, size_t len);

#endif
