/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* test.h - minimal unit-test harness for ipcscope's user-space C code.
 *
 * A test file only includes this header and writes TEST blocks:
 *
 *     TEST(slot_of_zero) {
 *         ASSERT_EQ_U64(hist_slot(0, 32), 0);
 *     }
 *
 * Each TEST registers itself from a constructor, so test_main.c needs no list
 * of tests.  A failing ASSERT_* prints "file:line: test: expected X, got Y",
 * marks the test failed and returns from the test function; the other tests
 * still run.  Because of that return, assertions belong in the TEST body
 * itself (or in helpers that return void and whose caller then checks
 * test_failed()).
 *
 * To check printed output, get a FILE* from test_capture() and read what was
 * written with test_capture_text(); the harness frees captures after each
 * test, even one that failed half way.
 */
#ifndef IPCSCOPE_TEST_H
#define IPCSCOPE_TEST_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void test_register(const char *name, void (*fn)(void), const char *file,
		   int line);
/* Report a failure of the running test at file:line (printf-style). */
void test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Whether the running test has failed so far. */
bool test_failed(void);
/* Failure report for two strings, shown escaped with the first difference. */
void test_fail_str(const char *file, int line, const char *actual,
		   const char *expected);

/* An open_memstream FILE* owned by the harness (closed after the test). */
FILE *test_capture(void);
/* Everything written to a test_capture() FILE so far, NUL-terminated.  Valid
 * until the next write to that FILE or the end of the test. */
const char *test_capture_text(FILE *f);

/* Whether a program is on PATH (tests that need python3 or dot check). */
bool test_have(const char *program);
/* Write text to a new file /tmp/ipcscope-unit-XXXXXX; its name goes to path.
 * The caller unlinks it. */
bool test_write_temp(char *path, size_t len, const char *text);
/*
 * Run a python3 script on a JSON document: json.load() it (so invalid JSON
 * fails) and return what the script printed, or NULL with *why set if it
 * could not run or exited non-zero. The result lives in a static buffer.
 */
const char *test_python_on_json(const char *script, const char *json,
				const char **why);

#define TEST(name)                                                          \
	static void test_fn_##name(void);                                   \
	__attribute__((constructor)) static void test_reg_##name(void)      \
	{                                                                   \
		test_register(#name, test_fn_##name, __FILE__, __LINE__);   \
	}                                                                   \
	static void test_fn_##name(void)

/* Arguments are evaluated exactly once, in the order actual, expected. */
#define ASSERT_EQ_U64(actual, expected)                                     \
	do {                                                                \
		uint64_t test_a_ = (actual), test_e_ = (expected);          \
		if (test_a_ != test_e_) {                                   \
			test_fail(__FILE__, __LINE__,                       \
				  "expected %" PRIu64 ", got %" PRIu64,     \
				  test_e_, test_a_);                        \
			return;                                             \
		}                                                           \
	} while (0)

#define ASSERT_EQ_I64(actual, expected)                                     \
	do {                                                                \
		int64_t test_a_ = (actual), test_e_ = (expected);           \
		if (test_a_ != test_e_) {                                   \
			test_fail(__FILE__, __LINE__,                       \
				  "expected %" PRId64 ", got %" PRId64,     \
				  test_e_, test_a_);                        \
			return;                                             \
		}                                                           \
	} while (0)

#define ASSERT_TRUE(cond)                                                   \
	do {                                                                \
		if (!(cond)) {                                              \
			test_fail(__FILE__, __LINE__,                       \
				  "expected true (%s), got false", #cond);  \
			return;                                             \
		}                                                           \
	} while (0)

/* NULL equals only NULL. */
#define ASSERT_STREQ(actual, expected)                                      \
	do {                                                                \
		const char *test_a_ = (actual), *test_e_ = (expected);      \
		if (test_a_ != test_e_ &&                                   \
		    (!test_a_ || !test_e_ || strcmp(test_a_, test_e_))) {   \
			test_fail_str(__FILE__, __LINE__, test_a_, test_e_);\
			return;                                             \
		}                                                           \
	} while (0)

/* |a - b| <= eps; any NaN fails.  Written without fabs() so the tests need
 * no -lm. */
#define ASSERT_DOUBLE_NEAR(actual, expected, eps)                           \
	do {                                                                \
		double test_a_ = (actual), test_e_ = (expected);            \
		double test_d_ = test_a_ - test_e_;                         \
		if (test_d_ < 0)                                            \
			test_d_ = -test_d_;                                 \
		if (!(test_d_ <= (eps))) {                                  \
			test_fail(__FILE__, __LINE__,                       \
				  "expected %.17g (+/- %g), got %.17g",     \
				  test_e_, (double)(eps), test_a_);         \
			return;                                             \
		}                                                           \
	} while (0)

#endif /* IPCSCOPE_TEST_H */
