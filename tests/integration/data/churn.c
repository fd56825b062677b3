// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* churn: N short-lived processes, one after another, each exiting at once:
 * more than ipcscope's process map holds (16384), to see that `top` keeps
 * seeing new processes however many come and go. Prints how many ran. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000, done = 0;

	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("churn: fork");
			return 1;
		}
		if (pid == 0)
			_exit(0);
		if (waitpid(pid, NULL, 0) == pid)
			done++;
	}
	printf("{\"children\": %ld}\n", done);
	return done == n ? 0 : 1;
}
