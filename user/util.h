/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * util.h - small helpers every part of ipcscope shares: strict number
 * parsing and the one way to print an error.
 */
#ifndef UTIL_H
#define UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* One line on stderr, prefixed "ipcscope: ". */
void errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Verbose diagnostics, only with -v. */
extern bool verbose;
void debugf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Strict parsers: the whole string must be a number in [min, max]; no sign,
 * no blanks, no trailing characters. 0 on success, -1 otherwise (out untouched).
 */
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* Seconds as a positive decimal ("2", "0.5"), at most max. */
int parse_seconds(const char *s, double max, double *out);

/* Human units, chosen after rounding (999.6 ns is "1.0 us", not "1000 ns"):
 * "850 ns", "2.7 us", "1.25 ms", "3.10 s". */
void fmt_ns(char *buf, size_t len, double ns);
/* Binary units: "1000 B", "1.5 KiB", "50.0 MiB", up to EiB. */
void fmt_bytes(char *buf, size_t len, uint64_t bytes);

/*
 * A name from the traced system (a process's comm, a path, a socket's
 * name) made safe for a terminal: at most srclen bytes of src (up to a
 * NUL) into dst (len bytes, always terminated), with '?' for every byte a
 * terminal could interpret: C0 controls (ESC, BEL, ...), DEL, C1 controls
 * (U+0080-U+009F) and bytes of invalid UTF-8. Valid UTF-8 text stays.
 * The one sanitiser of every text output; JSON escapes instead.
 */
void text_clean(char *dst, size_t len, const char *src, size_t srclen);
/* text_clean in place */
void text_clean_inplace(char *s, size_t len);

/* A syscall's name by its number here ("read"; one this build does not
 * know: "syscall_N", written into buf) (sysnames.c) */
const char *syscall_name(unsigned nr, char *buf, size_t len);
/* The IPC operation ipc_sys_enter hands a syscall to (an enum ipc_sys),
 * IPC_SYS_NONE for the others (sysnames.c) */
int syscall_handler(unsigned nr);
/* The numbers of those syscalls (a handler other than IPC_SYS_NONE), up
 * to max of them into nrs; how many there are (sysnames.c) */
size_t ipc_syscall_numbers(unsigned *nrs, size_t max);
/* Is it part of an IPC object's life: an IPC operation (syscall_handler),
 * or what makes, maps, connects or removes one, or a new process
 * (sysnames.c) */
bool syscall_of_ipc(unsigned nr);

/* CLOCK_MONOTONIC in ns, the clock bpf_ktime_get_ns() uses. */
uint64_t monotonic_ns(void);
/* CLOCK_BOOTTIME: the clock of the kernel's BPF load times (bpf_prog_info) */
uint64_t boottime_ns(void);

/*
 * Appends a zeroed row of size bytes to the growable array *rows of *n
 * rows, and returns it; NULL when out of memory (the array is unchanged).
 * The capacity is implied by the count (it doubles at each power of two),
 * so an array grown only by this, and perhaps shrunk, needs no other field.
 */
void *grow_rows(void **rows, size_t *n, size_t size);

#endif /* UTIL_H */
