/*
 * live64.c - a process that is still running when ipcscope reports, for
 * the per-thread counts test, built by the test with gcc -nostdlib: with
 * no libc, it makes only the syscalls below, so its count is exact.
 *
 * It blocks reading stdin (ipcscope attaches meanwhile), then makes
 * GETPPIDS getppid calls, writes "done" and blocks reading stdin again,
 * until the test closes it.
 */
#define NR_READ		0
#define NR_WRITE	1
#define NR_GETPPID	110
#define NR_EXIT		60
#define GETPPIDS	1000

static long sys3(long nr, long a, long b, long c)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return r;
}

void _start(void)
{
	char c;

	sys3(NR_READ, 0, (long)&c, 1);		/* the go */
	for (int i = 0; i < GETPPIDS; i++)
		sys3(NR_GETPPID, 0, 0, 0);
	sys3(NR_WRITE, 1, (long)"done\n", 5);
	sys3(NR_READ, 0, (long)&c, 1);		/* until stdin closes */
	sys3(NR_EXIT, 0, 0, 0);
	for (;;)
		;
}
