// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* test_main.c - runs the unit tests registered with TEST() (see test.h).
 *
 * Usage: unit [substring]   runs every test, or only those whose name
 * contains the substring.  Prints "PASS name" / "FAIL name" per test and ends
 * with one "N passed, N failed" line; exits 0 iff no test failed.
 */
#include "test.h"

#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_TESTS 1024
#define MAX_CAPTURES 16

struct test_case {
	const char *name;
	void (*fn)(void);
	const char *file;
	int line;
};

struct capture {
	FILE *f;
	char *buf;
	size_t len;
};

static struct test_case tests[MAX_TESTS];
static unsigned ntests;

static const struct test_case *current;
static bool current_failed;
static struct capture captures[MAX_CAPTURES];
static unsigned ncaptures;

void test_register(const char *name, void (*fn)(void), const char *file,
		   int line)
{
	/* Runs from a constructor: nothing to return an error to. */
	if (ntests == MAX_TESTS) {
		fprintf(stderr, "too many tests, raise MAX_TESTS\n");
		abort();
	}
	tests[ntests++] = (struct test_case){ name, fn, file, line };
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	current_failed = true;
	printf("%s:%d: %s: ", file, line, current ? current->name : "?");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

bool test_failed(void)
{
	return current_failed;
}

/* Print a string as a C literal so newlines and odd bytes are visible. */
static void print_quoted(const char *s)
{
	if (!s) {
		fputs("NULL", stdout);
		return;
	}
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '\n': fputs("\\n", stdout); break;
		case '\t': fputs("\\t", stdout); break;
		case '"':  fputs("\\\"", stdout); break;
		case '\\': fputs("\\\\", stdout); break;
		default:
			if (*p < 0x20 || *p >= 0x7f)
				printf("\\x%02x", *p);
			else
				putchar(*p);
		}
	}
	putchar('"');
}

void test_fail_str(const char *file, int line, const char *actual,
		   const char *expected)
{
	size_t i = 0;

	current_failed = true;
	printf("%s:%d: %s: expected ", file, line,
	       current ? current->name : "?");
	print_quoted(expected);
	fputs(", got ", stdout);
	print_quoted(actual);
	/* Long outputs (histograms, JSON) are hard to compare by eye. */
	if (actual && expected) {
		while (actual[i] && actual[i] == expected[i])
			i++;
		printf(" (first difference at byte %zu)", i);
	}
	putchar('\n');
}

FILE *test_capture(void)
{
	struct capture *c;

	if (ncaptures == MAX_CAPTURES) {
		fprintf(stderr, "too many captures in one test\n");
		abort();
	}
	c = &captures[ncaptures];
	c->f = open_memstream(&c->buf, &c->len);
	if (!c->f) {
		perror("open_memstream");
		abort();
	}
	ncaptures++;
	return c->f;
}

const char *test_capture_text(FILE *f)
{
	for (unsigned i = 0; i < ncaptures; i++) {
		if (captures[i].f == f) {
			/* open_memstream updates buf/len only on flush. */
			fflush(f);
			return captures[i].buf;
		}
	}
	fprintf(stderr, "test_capture_text: not a capture FILE\n");
	abort();
}

static void release_captures(void)
{
	for (unsigned i = 0; i < ncaptures; i++) {
		fclose(captures[i].f);
		free(captures[i].buf);
	}
	ncaptures = 0;
}

bool test_have(const char *program)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", program);
	return system(cmd) == 0;
}

bool test_write_temp(char *path, size_t len, const char *text)
{
	FILE *f;
	int fd;

	snprintf(path, len, "/tmp/ipcscope-unit-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return false;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(path);
		return false;
	}
	fputs(text, f);
	if (fclose(f) != 0) {
		unlink(path);
		return false;
	}
	return true;
}

const char *test_python_on_json(const char *script, const char *json,
				const char **why)
{
	static char out[8192];
	char spath[64], jpath[64], cmd[256];
	size_t n = 0;
	FILE *p;
	int status = -1;

	*why = NULL;
	if (!test_write_temp(spath, sizeof(spath), script)) {
		*why = "cannot write the script";
		return NULL;
	}
	if (!test_write_temp(jpath, sizeof(jpath), json)) {
		unlink(spath);
		*why = "cannot write the JSON";
		return NULL;
	}
	snprintf(cmd, sizeof(cmd), "python3 %s %s", spath, jpath);
	fflush(NULL);
	p = popen(cmd, "r");
	if (p) {
		n = fread(out, 1, sizeof(out) - 1, p);
		status = pclose(p);
	}
	out[n] = '\0';
	unlink(spath);
	unlink(jpath);
	if (!p) {
		*why = "popen failed";
		return NULL;
	}
	if (status != 0) {
		*why = "python3 failed (invalid JSON?), see its message above";
		return NULL;
	}
	return out;
}

/* Source order: constructors run in an order that depends on the compiler
 * and the link, so sort for a stable, readable report. */
static int cmp_tests(const void *a, const void *b)
{
	const struct test_case *x = a, *y = b;
	int c = strcmp(x->file, y->file);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	unsigned passed = 0, failed = 0;

	qsort(tests, ntests, sizeof(tests[0]), cmp_tests);
	for (unsigned i = 0; i < ntests; i++) {
		if (filter && !strstr(tests[i].name, filter))
			continue;
		current = &tests[i];
		current_failed = false;
		tests[i].fn();
		release_captures();
		printf("%s %s\n", current_failed ? "FAIL" : "PASS",
		       tests[i].name);
		if (current_failed)
			failed++;
		else
			passed++;
		/* Keep our report ordered with anything a test sent to
		 * stderr. */
		fflush(stdout);
	}
	current = NULL;
	if (filter && passed + failed == 0)
		fprintf(stderr, "no test name contains \"%s\"\n", filter);
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
