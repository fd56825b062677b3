// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * compat32.c - a 32-bit (i386) program for the x86-64 dispatch test, built
 * by the test with gcc -m32 -nostdlib: no 32-bit libc is needed.
 *
 * Its syscalls use the i386 numbers, through int $0x80. getppid is 64
 * there, which is semget in the x86-64 numbering; it also moves bytes
 * through a pipe with the i386 pipe/write/read. It prints what it did as
 * JSON on stdout.
 */
#define NR_EXIT		1
#define NR_READ		3
#define NR_WRITE	4
#define NR_PIPE		42
#define NR_GETPPID	64
#define GETPPIDS	5
#define PIPE_OPS	3

static long sys3(long nr, long a, long b, long c)
{
	long r;

	__asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c)
			 : "memory");
	return r;
}

static const char report[] =
	"{\"getppid\": 5, \"pipe_writes\": 3, \"pipe_reads\": 3, \"pipe_bytes\": 3}\n";

void _start(void)
{
	int fds[2];
	char c = 'x';
	int ok = 1;

	for (int i = 0; i < GETPPIDS; i++)
		sys3(NR_GETPPID, 0, 0, 0);
	if (sys3(NR_PIPE, (long)fds, 0, 0) != 0)
		sys3(NR_EXIT, 2, 0, 0);
	for (int i = 0; i < PIPE_OPS; i++) {
		ok &= sys3(NR_WRITE, fds[1], (long)&c, 1) == 1;
		ok &= sys3(NR_READ, fds[0], (long)&c, 1) == 1;
	}
	if (!ok)
		sys3(NR_EXIT, 3, 0, 0);
	sys3(NR_WRITE, 1, (long)report, sizeof(report) - 1);
	sys3(NR_EXIT, 0, 0, 0);
	for (;;)
		;
}
