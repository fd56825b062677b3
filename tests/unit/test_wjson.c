// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* test_wjson.c - unit tests for what validate reads back from a workload's
 * JSON (user/validate/wjson.c, over json-c). */
#include "test.h"
#include "validate/wjson.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

/* The document of the last load(). An ASSERT returns from the test at once:
 * held here, a document is freed by the next load, or at exit. */
static struct wjson *held;
static char load_err[512];

__attribute__((destructor)) static void free_held(void)
{
	wjson_free(held);
	held = NULL;
}

/* n bytes (NULs too) into a new temporary file; false if that failed. */
static bool temp_bytes(char *path, size_t len, const char *data, size_t n)
{
	int fd;

	snprintf(path, len, "/tmp/ipcscope-unit-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return false;
	if (write(fd, data, n) != (ssize_t)n) {
		close(fd);
		unlink(path);
		return false;
	}
	return !close(fd);
}

/* Load n bytes through a temporary file; its name goes to path (removed). */
static const struct wjson *load_n(char *path, size_t len, const char *data, size_t n)
{
	wjson_free(held);
	held = NULL;
	load_err[0] = '\0';
	if (!temp_bytes(path, len, data, n)) {
		snprintf(load_err, sizeof(load_err), "cannot write a temporary file");
		return NULL;
	}
	held = wjson_load(path, load_err, sizeof(load_err));
	unlink(path);
	return held;
}

static const struct wjson *load(char *path, size_t len, const char *text)
{
	return load_n(path, len, text, strlen(text));
}

/* "PATH: rest", for the path load() used. */
static const char *named(const char *path, const char *rest)
{
	static char buf[600];

	snprintf(buf, sizeof(buf), "%s: %s", path, rest);
	return buf;
}

/* What the sem workload prints, cut short. */
static const char sem_out[] =
	"{\n"
	"  \"workload\": \"sem\",\n"
	"  \"count\": 1000,\n"
	"  \"shm\": {\"id\": 458796, \"name\": null},\n"
	"  \"counter\": {\"expected\": 2000, \"final\": 1093, \"lost_updates\": 907},\n"
	"  \"processes\": [{\"pid\": 7179, \"role\": \"parent\"}],\n"
	"  \"checksum_ok\": true,\n"
	"  \"elapsed_ns\": 5691671\n"
	"}\n";

TEST(wjson_reads_counts_by_dotted_path)
{
	char path[64];
	const struct wjson *doc = load(path, sizeof(path), sem_out);
	uint64_t u = 0;
	bool b = false;

	ASSERT_TRUE(doc);
	ASSERT_EQ_I64(wjson_u64(doc, "elapsed_ns", &u), 0);
	ASSERT_EQ_U64(u, 5691671);
	ASSERT_EQ_I64(wjson_u64(doc, "counter.lost_updates", &u), 0);
	ASSERT_EQ_U64(u, 907);
	ASSERT_EQ_I64(wjson_u64(doc, "counter.expected", &u), 0);
	ASSERT_EQ_U64(u, 2000);
	ASSERT_EQ_I64(wjson_bool(doc, "checksum_ok", &b), 0);
	ASSERT_TRUE(b);
}

TEST(wjson_missing_or_other_types_leave_out_untouched)
{
	static const char *const not_u64[] = {
		"counter.missing", "nothing.at.all",
		/* through a number, an array, a null: no object to look in */
		"count.x", "processes.pid", "shm.name.x",
		/* a string, a bool, an object */
		"workload", "checksum_ok", "counter",
		"", "counter.",
	};
	char path[64];
	const struct wjson *doc = load(path, sizeof(path), sem_out);
	uint64_t u = 42;
	bool b = false;

	ASSERT_TRUE(doc);
	for (size_t i = 0; i < sizeof(not_u64) / sizeof(not_u64[0]); i++)
		ASSERT_EQ_I64(wjson_u64(doc, not_u64[i], &u), -1);
	ASSERT_EQ_U64(u, 42);
	ASSERT_EQ_I64(wjson_bool(doc, "count", &b), -1);
	ASSERT_EQ_I64(wjson_bool(doc, "shm.name", &b), -1);
	ASSERT_TRUE(!b);
	ASSERT_EQ_I64(wjson_u64(NULL, "count", &u), -1);
	ASSERT_EQ_I64(wjson_bool(NULL, "checksum_ok", &b), -1);
}

TEST(wjson_u64_is_a_whole_number_from_0_to_max)
{
	char path[64], key[80];
	const struct wjson *doc = load(path, sizeof(path),
		"{\"max\": 18446744073709551615, \"zero\": 0, \"neg\": -1, "
		"\"frac\": 2.5, \"exp\": 1e3, \"str\": \"7\"}");
	uint64_t u = 1;

	ASSERT_TRUE(doc);
	ASSERT_EQ_I64(wjson_u64(doc, "max", &u), 0);
	ASSERT_EQ_U64(u, UINT64_MAX);
	ASSERT_EQ_I64(wjson_u64(doc, "zero", &u), 0);
	ASSERT_EQ_U64(u, 0);
	ASSERT_EQ_I64(wjson_u64(doc, "neg", &u), -1);
	ASSERT_EQ_I64(wjson_u64(doc, "frac", &u), -1);
	ASSERT_EQ_I64(wjson_u64(doc, "exp", &u), -1);
	ASSERT_EQ_I64(wjson_u64(doc, "str", &u), -1);
	ASSERT_EQ_U64(u, 0);
	/* a key longer than any of ours is not looked up, not cut short */
	memset(key, 'k', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	ASSERT_EQ_I64(wjson_u64(doc, key, &u), -1);
}

TEST(wjson_malformed_output_is_one_line_naming_the_file)
{
	char path[64];

	ASSERT_TRUE(!load(path, sizeof(path), "{\n  \"a\": 1,\n  \"b\": }\n"));
	ASSERT_STREQ(load_err, named(path, "line 3, column 8: unexpected character"));
	ASSERT_TRUE(!load(path, sizeof(path), "{\"a\": 1,"));
	ASSERT_STREQ(load_err, named(path, "line 1, column 9: unexpected end of data"));
	ASSERT_TRUE(!load(path, sizeof(path), ""));
	ASSERT_STREQ(load_err, named(path, "line 1, column 1: unexpected end of data"));
	ASSERT_TRUE(!load(path, sizeof(path), "{\"a\": 1} {\"b\": 2}"));
	ASSERT_STREQ(load_err, named(path, "line 1, column 10: unexpected character"));
	ASSERT_TRUE(!load(path, sizeof(path), "[1, 2]"));
	ASSERT_STREQ(load_err, named(path, "line 1, column 1: not a JSON object"));
	/* columns count characters: "é" is two bytes, one column */
	ASSERT_TRUE(!load(path, sizeof(path), "{\"é\": x}"));
	ASSERT_STREQ(load_err, named(path, "line 1, column 7: unexpected character"));
	ASSERT_TRUE(!strchr(load_err, '\n'));
}

TEST(wjson_refuses_a_nul_byte_invalid_utf8_and_deep_nesting)
{
	char path[64];

	ASSERT_TRUE(!load_n(path, sizeof(path), "{\"a\": 1}\0{}", 11));
	ASSERT_STREQ(load_err, named(path, "line 1, column 9: data after the document"));
	ASSERT_TRUE(!load(path, sizeof(path), "{\"a\": \"\xff\"}"));
	ASSERT_TRUE(strstr(load_err, "utf-8") != NULL);
	ASSERT_TRUE(!load(path, sizeof(path), "{\"a\": [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]}"));
	ASSERT_TRUE(strstr(load_err, "nesting too deep") != NULL);
}

TEST(wjson_input_is_bounded)
{
	size_t n = WJSON_MAX_BYTES + 1;
	char *big = malloc(n), path[64];
	const struct wjson *doc;

	ASSERT_TRUE(big);
	/* the limit itself is fine: an object padded with spaces */
	memset(big, ' ', n);
	memcpy(big, "{\"a\": 5}", 8);
	doc = load_n(path, sizeof(path), big, n - 1);
	if (!doc) {
		printf("unexpected error: %s\n", load_err);
		free(big);
		ASSERT_TRUE(doc);
	}
	doc = load_n(path, sizeof(path), big, n);
	free(big);
	ASSERT_TRUE(!doc);
	ASSERT_STREQ(load_err, named(path, "more than 1048576 bytes"));
}

TEST(wjson_unreadable_file)
{
	char err[256];

	ASSERT_TRUE(!wjson_load("/nonexistent/w.json", err, sizeof(err)));
	ASSERT_STREQ(err, "cannot read /nonexistent/w.json: No such file or directory");
	wjson_free(NULL);
}
