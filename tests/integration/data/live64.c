// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * live64.c - a process that is still running when ipcscope reports, for
 * the per-thread counts test, built by the test with gcc -nostdlib: with
 * no libc, it makes only the syscalls below, so its count is exact.
 *
 * It blocks reading stdin (ipcscope attaches meanwhile), then makes
 * GETPPIDS getppid calls, a pipe, and PIPE_ROUNDS rounds of writing 3 bytes
 * into the pipe and reading them back, writes "done" (to stdout, a pipe)
 * and blocks reading stdin again, until the test closes it. Its thread
 * alternates between the pipe's two ends, then "done" takes one of its two
 * endpoint slots: one end's figures are in the endpoints map when ipcscope
 * reports, the other's and stdout's only in the live thread's entry.
 */
#define NR_READ		0
#define NR_WRITE	1
#define NR_GETPPID	110
#define NR_EXIT		60
#define NR_PIPE2	293
#define GETPPIDS	1000
#define PIPE_ROUNDS	300

static long sys3(long nr, long a, long b, long c)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return r;
}

void _start(void)
{
	char c, buf[3];
	int fds[2];

	sys3(NR_READ, 0, (long)&c, 1);		/* the go */
	for (int i = 0; i < GETPPIDS; i++)
		sys3(NR_GETPPID, 0, 0, 0);
	if (sys3(NR_PIPE2, (long)fds, 0, 0))
		sys3(NR_EXIT, 1, 0, 0);
	for (int i = 0; i < PIPE_ROUNDS; i++) {
		sys3(NR_WRITE, fds[1], (long)"abc", 3);
		sys3(NR_READ, fds[0], (long)buf, 3);
	}
	sys3(NR_WRITE, 1, (long)"done\n", 5);
	sys3(NR_READ, 0, (long)&c, 1);		/* until stdin closes */
	sys3(NR_EXIT, 0, 0, 0);
	for (;;)
		;
}
