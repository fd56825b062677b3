// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* test_outfile.c - unit tests for user/outfile.c: outputs written whole or
 * not at all, never through a symbolic link unless forced. */
#include "test.h"
#include "outfile.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* A fresh directory and a path in it. */
static void scratch(char *dir, size_t dlen, char *path, size_t plen, const char *name)
{
	snprintf(dir, dlen, "/tmp/ipcscope-unit-out-XXXXXX");
	if (!mkdtemp(dir))
		dir[0] = '\0';
	snprintf(path, plen, "%s/%s", dir, name);
}

static const char *slurp(const char *path)
{
	static char buf[256];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return "(none)";
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* A file with text in it, as an earlier run (or someone else) left it */
static bool put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return false;
	fputs(text, f);
	return fclose(f) == 0;
}

static int entries(const char *dir)
{
	char cmd[512];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", dir);
	p = popen(cmd, "r");
	if (p) {
		if (fscanf(p, "%d", &n) != 1)
			n = -1;
		pclose(p);
	}
	return n;
}

static void cleanup(const char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

TEST(outfile_commit_puts_it_in_place)
{
	char dir[64], path[128];
	struct outfile o;

	scratch(dir, sizeof(dir), path, sizeof(path), "r.json");
	ASSERT_EQ_I64(outfile_open(&o, path, "JSON", false), 0);
	fputs("{\"new\": 1}\n", o.f);
	ASSERT_STREQ(slurp(path), "(none)");	/* not before the commit */
	ASSERT_EQ_I64(outfile_commit(&o), 0);
	ASSERT_STREQ(slurp(path), "{\"new\": 1}\n");
	ASSERT_EQ_I64(entries(dir), 1);		/* no temporary left */
	cleanup(dir);
}

TEST(outfile_abort_keeps_the_earlier_file)
{
	char dir[64], path[128];
	struct outfile o;

	scratch(dir, sizeof(dir), path, sizeof(path), "r.json");
	ASSERT_TRUE(put(path, "earlier"));
	ASSERT_EQ_I64(outfile_open(&o, path, "JSON", false), 0);
	fputs("half of a new one", o.f);
	outfile_abort(&o);
	ASSERT_STREQ(slurp(path), "earlier");
	ASSERT_EQ_I64(entries(dir), 1);
	outfile_abort(&o);			/* twice: nothing */
	cleanup(dir);
}

TEST(outfile_failed_commit_keeps_the_earlier_file)
{
	char dir[64], path[128];
	struct outfile o;

	scratch(dir, sizeof(dir), path, sizeof(path), "r.json");
	ASSERT_TRUE(put(path, "earlier"));
	ASSERT_EQ_I64(outfile_open(&o, path, "JSON", false), 0);
	fputs("new", o.f);
	unlink(o.tmp);				/* the rename can only fail now */
	ASSERT_EQ_I64(outfile_commit(&o), -1);
	ASSERT_STREQ(slurp(path), "earlier");
	cleanup(dir);
}

TEST(outfile_refuses_a_link_unless_forced)
{
	char dir[64], path[128], target[160];
	struct outfile o;
	struct stat st;

	scratch(dir, sizeof(dir), path, sizeof(path), "link.json");
	snprintf(target, sizeof(target), "%s/precious", dir);
	ASSERT_TRUE(put(target, "root's"));
	ASSERT_EQ_I64(symlink(target, path), 0);
	ASSERT_EQ_I64(outfile_open(&o, path, "JSON", false), -1);
	ASSERT_EQ_I64(entries(dir), 2);		/* nothing made */
	/* forced: the link is replaced, what it pointed to is untouched */
	ASSERT_EQ_I64(outfile_open(&o, path, "JSON", true), 0);
	fputs("mine", o.f);
	ASSERT_EQ_I64(outfile_commit(&o), 0);
	ASSERT_STREQ(slurp(target), "root's");
	ASSERT_STREQ(slurp(path), "mine");
	ASSERT_EQ_I64(lstat(path, &st), 0);
	ASSERT_TRUE(S_ISREG(st.st_mode));
	cleanup(dir);
}

TEST(outfile_dangling_link_creates_nothing)
{
	char dir[64], path[128], target[160];
	struct outfile o;

	scratch(dir, sizeof(dir), path, sizeof(path), "o.json");
	snprintf(target, sizeof(target), "%s/not-there", dir);
	ASSERT_EQ_I64(symlink(target, path), 0);
	ASSERT_EQ_I64(outfile_open(&o, path, "JSON", false), -1);
	ASSERT_TRUE(access(target, F_OK) != 0);
	cleanup(dir);
}

TEST(outfile_stdout_and_bad_paths)
{
	struct outfile o;

	ASSERT_EQ_I64(outfile_open(&o, "-", "JSON", false), 0);
	ASSERT_TRUE(outfile_is_stdout(&o));
	ASSERT_EQ_I64(outfile_commit(&o), 0);
	ASSERT_EQ_I64(outfile_open(&o, "", "JSON", false), -1);
	ASSERT_EQ_I64(outfile_open(&o, "/tmp/", "JSON", false), -1);
	ASSERT_EQ_I64(outfile_open(&o, "/tmp", "JSON", false), -1);
	ASSERT_EQ_I64(outfile_open(&o, "/no/such/dir/x.json", "JSON", false), -1);
}

/* A device is written as it is: /dev/full's error is reported, and the
 * node stays (a temporary renamed over it would have made it a file). */
TEST(outfile_device_is_written_in_place)
{
	struct outfile o;
	struct stat st;

	ASSERT_EQ_I64(outfile_open(&o, "/dev/full", "JSON", false), 0);
	ASSERT_TRUE(o.direct);
	fputs("{}\n", o.f);
	ASSERT_EQ_I64(outfile_commit(&o), -1);		/* ENOSPC */
	ASSERT_EQ_I64(stat("/dev/full", &st), 0);
	ASSERT_TRUE(S_ISCHR(st.st_mode));
	ASSERT_EQ_I64(outfile_open(&o, "/dev/null", "JSON", false), 0);
	fputs("{}\n", o.f);
	ASSERT_EQ_I64(outfile_commit(&o), 0);
	ASSERT_EQ_I64(stat("/dev/null", &st), 0);
	ASSERT_TRUE(S_ISCHR(st.st_mode));
	/* aborted: nothing to remove */
	ASSERT_EQ_I64(outfile_open(&o, "/dev/null", "JSON", false), 0);
	outfile_abort(&o);
	ASSERT_EQ_I64(stat("/dev/null", &st), 0);
	ASSERT_TRUE(S_ISCHR(st.st_mode));
	/* /dev/stdout, a link, is standard output, not refused as one */
	ASSERT_EQ_I64(outfile_open(&o, "/dev/stdout", "JSON", false), 0);
	ASSERT_TRUE(outfile_is_stdout(&o));
	outfile_abort(&o);
}

/* A FIFO: written directly, the reader gets it; it is still a FIFO */
TEST(outfile_fifo_is_written_in_place)
{
	char dir[64], path[128], got[8] = "";
	struct outfile o;
	struct stat st;
	int rfd;

	scratch(dir, sizeof(dir), path, sizeof(path), "fifo");
	ASSERT_EQ_I64(mkfifo(path, 0600), 0);
	rfd = open(path, O_RDONLY | O_NONBLOCK);	/* a reader, so open does not wait */
	ASSERT_TRUE(rfd >= 0);
	ASSERT_EQ_I64(outfile_open(&o, path, "JSON", false), 0);
	fputs("{}\n", o.f);
	ASSERT_EQ_I64(outfile_commit(&o), 0);
	ASSERT_EQ_I64(read(rfd, got, sizeof(got) - 1), 3);
	ASSERT_STREQ(got, "{}\n");
	close(rfd);
	ASSERT_EQ_I64(stat(path, &st), 0);
	ASSERT_TRUE(S_ISFIFO(st.st_mode));
	unlink(path);
	rmdir(dir);
}
