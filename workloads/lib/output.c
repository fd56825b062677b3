// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * output.c - where the workloads' JSON goes and how its common parts are
 * written; see harness.h.  The keys, their order and the escaping are
 * what `ipcscope validate` and the integration tests read.
 */
#define _GNU_SOURCE
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Opened before any IPC work, so a bad --out fails fast and cheaply. */
FILE *open_out(const char *path)
{
	struct stat st;
	FILE *f;
	int fd;

	if (!path)
		return stdout;
	/* O_NONBLOCK: an existing FIFO without reader fails instead of
	 * blocking; it has no effect on regular files. */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NONBLOCK | O_CLOEXEC,
		  0644);
	if (fd < 0)
		usage_error("--out: cannot open '%s': %s", path,
			    strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		usage_error("--out: '%s' is not a regular file", path);
	f = fdopen(fd, "w");
	if (!f)
		usage_error("--out: fdopen: %s", strerror(errno));
	return f;
}

/* ferror too: an earlier failed write may have been buffered away. */
int finish_output(FILE *f, int failed)
{
	if (fflush(f) == EOF || ferror(f)) {
		sys_error("parent", "writing JSON");
		failed = 1;
	}
	if (f != stdout && fclose(f) == EOF) {
		sys_error("parent", "close --out file");
		failed = 1;
	}
	return failed ? 1 : 0;
}

void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

/* Counter i of a struct of uint64_t only; memcpy keeps it well-defined. */
static uint64_t counter(const void *c, size_t i)
{
	uint64_t v;

	memcpy(&v, (const char *)c + i * sizeof(v), sizeof(v));
	return v;
}

void json_counters(FILE *f, const struct counter_keys *k, const void *c)
{
	for (size_t i = 0; i < k->n; i++)
		fprintf(f, "%s\"%s\": %" PRIu64, i ? ", " : "", k->keys[i],
			counter(c, i));
}

void json_processes(FILE *f, const struct counter_keys *k, pid_t ppid,
		    const void *pc, pid_t cpid, const void *cc)
{
	fprintf(f, "  \"processes\": [\n    {\"pid\": %ld, \"role\": "
		"\"parent\", ", (long)ppid);
	json_counters(f, k, pc);
	fprintf(f, "},\n    {\"pid\": %ld, \"role\": \"child\", ", (long)cpid);
	json_counters(f, k, cc);
	fputs("}\n  ],\n", f);
}

void json_totals(FILE *f, const struct counter_keys *k, const void *pc,
		 const void *cc)
{
	fputs("  \"totals\": {", f);
	for (size_t i = 0; i < k->n; i++)
		fprintf(f, "%s\"%s\": %" PRIu64, i ? ", " : "", k->keys[i],
			counter(pc, i) + counter(cc, i));
	fputc('}', f);
}

int get_file_id(int fd, struct file_id *id)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		sys_error("parent", "fstat");
		return -1;
	}
	id->ino = (uint64_t)st.st_ino;
	id->dev = (uint64_t)st.st_dev;
	id->dev_major = major(st.st_dev);
	id->dev_minor = minor(st.st_dev);
	return 0;
}

void json_file_id(FILE *f, const struct file_id *id)
{
	fprintf(f, "\"ino\": %" PRIu64 ", \"dev\": %" PRIu64 ", \"dev_major\": "
		"%u, \"dev_minor\": %u", id->ino, id->dev, id->dev_major,
		id->dev_minor);
}
