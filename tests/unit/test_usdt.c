// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* test_usdt.c - unit tests for user/usdt.c: a USDT probe's sites found in
 * a real binary (the bundled pipe workload, which marks its transfer), and
 * files that are not what they should be refused in one line, whole or cut
 * short. */
#include "test.h"
#include "usdt.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

/* build/workloads/pipe, beside this build/tests/unit; false if not built */
static bool pipe_workload(char *path, size_t len)
{
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return false;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return false;
	*slash = '\0';
	snprintf(path, len, "%s/../workloads/pipe", exe);
	return access(path, R_OK) == 0;
}

/* The first len bytes of src into a new temporary file, its path in out */
static bool cut(const char *src, size_t len, char *out, size_t outlen)
{
	FILE *in = fopen(src, "rb"), *f;
	char *buf = malloc(len);
	int fd;
	bool ok;

	snprintf(out, outlen, "/tmp/ipcscope-unit-usdt-XXXXXX");
	fd = mkstemp(out);
	f = fd >= 0 ? fdopen(fd, "wb") : NULL;
	ok = in && f && buf && fread(buf, 1, len, in) == len && fwrite(buf, 1, len, f) == len;
	if (in)
		fclose(in);
	if (f)
		fclose(f);
	free(buf);
	return ok;
}

TEST(usdt_sites_of_the_workloads_marks)
{
	struct usdt_site start[4], end[4];
	char path[4200], err[512];

	if (!pipe_workload(path, sizeof(path))) {
		printf("build/workloads/pipe not built: make it first\n");
		ASSERT_TRUE(false);
	}
	ASSERT_EQ_I64(usdt_find(path, "ipcscope", "transfer_start", start, 4, err,
				sizeof(err)), 1);
	ASSERT_EQ_I64(usdt_find(path, "ipcscope", "transfer_end", end, 4, err, sizeof(err)), 1);
	ASSERT_TRUE(start[0].offset && end[0].offset && start[0].offset != end[0].offset);
	ASSERT_EQ_U64(start[0].semaphore, 0);	/* DTRACE_PROBE: none */
	/* one site, no room for it: said */
	ASSERT_EQ_I64(usdt_find(path, "ipcscope", "transfer_start", start, 0, err,
				sizeof(err)), -E2BIG);
	ASSERT_EQ_I64(usdt_find(path, "ipcscope", "nope", start, 4, err, sizeof(err)), -ENOENT);
	ASSERT_TRUE(strstr(err, "no USDT probe ipcscope:nope in "));
	ASSERT_EQ_I64(usdt_find(path, "other", "transfer_start", start, 4, err, sizeof(err)),
		      -ENOENT);
}

TEST(usdt_refuses_what_is_not_an_elf_file_with_probes)
{
	struct usdt_site s[4];
	char path[4200], part[64], err[512];

	ASSERT_EQ_I64(usdt_find("/nonexistent/x", "a", "b", s, 4, err, sizeof(err)), -ENOENT);
	ASSERT_TRUE(strstr(err, "cannot open /nonexistent/x"));
	ASSERT_EQ_I64(usdt_find("/proc/self/status", "a", "b", s, 4, err, sizeof(err)),
		      -ENOEXEC);
	ASSERT_TRUE(strstr(err, "is not an ELF file"));
	if (!pipe_workload(path, sizeof(path))) {
		ASSERT_TRUE(false);
		return;
	}
	/* cut short anywhere: refused, never read past its end */
	for (size_t len = 16; len < 8192; len = len * 2 + 7) {
		int r;

		ASSERT_TRUE(cut(path, len, part, sizeof(part)));
		r = usdt_find(part, "ipcscope", "transfer_start", s, 4, err, sizeof(err));
		ASSERT_TRUE(r < 0 && err[0]);
		unlink(part);
	}
}
