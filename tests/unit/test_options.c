// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* test_options.c - unit tests for `ipcscope record` option parsing
 * (user/options.c, record_opts_parse): targets (-p, -a, the command),
 * -d, --json, --no-hist, -v, --help, the error messages, and that the
 * parser can run many times in one process. */
#include "test.h"
#include "graph.h"
#include "options.h"

#include <stdlib.h>

static char err[256];

static int argc_of(char **argv)
{
	int n = 0;

	while (argv[n])
		n++;
	return n;
}

/* the command whose options argv[0] names, as ipcscope.c dispatches */
static enum tracing_cmd cmd_of(char **argv)
{
	return !strcmp(argv[0], "top") ? CMD_TOP :
	       !strcmp(argv[0], "trace") ? CMD_TRACE :
	       !strcmp(argv[0], "export") ? CMD_EXPORT : CMD_RECORD;
}

static enum parse_result parse_argv(struct record_opts *o, char **argv)
{
	return record_opts_parse(o, cmd_of(argv), argc_of(argv), argv, err, sizeof(err));
}

/*
 * Parse a copy of argv kept in static storage: o->command and o->json_path
 * point into the argv they were parsed from, and the compound literal of
 * PARSE() dies with the ASSERT_* block it is written in.  Valid until the
 * next PARSE().
 */
static enum parse_result parse_copy(struct record_opts *o, char **argv)
{
	static char *kept[64];
	int n = argc_of(argv);

	if (n >= (int)(sizeof(kept) / sizeof(kept[0])))
		abort();	/* a test with too many arguments: fix the test */
	memcpy(kept, argv, (n + 1) * sizeof(*argv));
	return parse_argv(o, kept);
}

/* PARSE(&o, "-p", "1") parses the argv {"record", "-p", "1", NULL}. */
#define PARSE(o, ...) parse_copy((o), (char *[]){ "record", __VA_ARGS__, NULL })

#define USAGE_HINT " (see 'ipcscope record --help')"
#define BAD_DURATION(s) \
	"invalid duration '" s "': expected seconds above 0 and at most 31536000 " \
	"(a year), e.g. 5 or 0.5"
#define BAD_PID(s) "invalid PID '" s "': expected a positive integer"

/* Everything but the fields a test sets is at its default. */
TEST(options_defaults_with_one_pid)
{
	struct record_opts o;

	ASSERT_EQ_I64(PARSE(&o, "-p", "1"), PARSE_OK);
	ASSERT_STREQ(err, "");
	ASSERT_EQ_I64(o.npids, 1);
	ASSERT_EQ_I64(o.pids[0], 1);
	ASSERT_TRUE(!o.all);
	ASSERT_TRUE(o.command == NULL);
	ASSERT_DOUBLE_NEAR(o.duration_s, 0.0, 0);
	ASSERT_TRUE(o.json_path == NULL);
	ASSERT_TRUE(!o.no_hist);
	ASSERT_TRUE(!o.verbose);
}

TEST(options_pid_repeated_in_order)
{
	struct record_opts o;

	/* every spelling: separate, attached, long, long with '=' */
	ASSERT_EQ_I64(PARSE(&o, "-p", "10", "-p20", "--pid", "30", "--pid=40",
			    "-p", "7"), PARSE_OK);
	ASSERT_STREQ(err, "");
	ASSERT_EQ_I64(o.npids, 5);
	ASSERT_EQ_I64(o.pids[0], 10);
	ASSERT_EQ_I64(o.pids[1], 20);
	ASSERT_EQ_I64(o.pids[2], 30);
	ASSERT_EQ_I64(o.pids[3], 40);
	ASSERT_EQ_I64(o.pids[4], 7);
	ASSERT_TRUE(o.command == NULL);
}

TEST(options_pid_same_twice_kept)
{
	struct record_opts o;

	ASSERT_EQ_I64(PARSE(&o, "-p", "5", "-p", "5"), PARSE_OK);
	ASSERT_EQ_I64(o.npids, 2);
	ASSERT_EQ_I64(o.pids[0], 5);
	ASSERT_EQ_I64(o.pids[1], 5);
}

TEST(options_pid_int32_max_accepted)
{
	struct record_opts o;

	ASSERT_EQ_I64(PARSE(&o, "-p", "2147483647"), PARSE_OK);
	ASSERT_EQ_I64(o.npids, 1);
	ASSERT_EQ_I64(o.pids[0], INT32_MAX);
}

TEST(options_pid_zero_rejected)
{
	struct record_opts o;

	ASSERT_EQ_I64(PARSE(&o, "-p", "0"), PARSE_ERROR);
	ASSERT_STREQ(err, BAD_PID("0"));
}

TEST(options_pid_negative_rejected)
{
	struct record_opts o;

	/* "-5" is taken as -p's value, not as an option */
	ASSERT_EQ_I64(PARSE(&o, "-p", "-5"), PARSE_ERROR);
	ASSERT_STREQ(err, BAD_PID("-5"));
	ASSERT_EQ_I64(PARSE(&o, "--pid=-1"), PARSE_ERROR);
	ASSERT_STREQ(err, BAD_PID("-1"));
}

TEST(options_pid_non_numeric_rejected)
{
	struct record_opts o;

	ASSERT_EQ_I64(PARSE(&o, "-p", "abc"), PARSE_ERROR);
	ASSERT_STREQ(err, BAD_PID("abc"));
	ASSERT_EQ_I64(PARSE(&o, "-p", "0x10"), PARSE_ERROR);
	ASSERT_STREQ(err, BAD_PID("0x10"));
	ASSERT_EQ_I64(PARSE(&o, "-p", "+3"), PARSE_ERROR);
	ASSERT_STREQ(err, BAD_PID("+3"));
	ASSERT_EQ_I64(PARSE(&o, "--pid="), PARSE_ERROR);
	ASSERT_STREQ(err, BAD_PID(""));
	ASSERT_EQ_I64(PARSE(&o, "-p", ""), PARSE_ERROR);
	ASSERT_STREQ(err, BAD_PID(""));
}

TEST(options_pid_trailing_junk_rejected)
{
	struct record_opts o;

	ASSERT_EQ_I64(PARSE(&o, "-p", "12x"), PARSE_ERROR);
	ASSERT_STREQ(err, BAD_PID("12x"));
	ASSERT_EQ_I64(PARSE(&o, "-p", "12 "), PARSE_ERROR);
	ASSERT_STREQ(err, BAD_PID("12 "));
	ASSERT_EQ_I64(PARSE(&o, "-p", "1.0"), PARSE_ERROR);
	ASSERT_STREQ(err, BAD_PID("1.0"));
	ASSERT_EQ_I64(PARSE(&o, "-p", "1,2"), PARSE_ERROR);
	ASSERT_STREQ(err, BAD_PID("1,2"));
}

TEST(options_pid_above_int32_max_rejected)
{
	struct record_opts o;

	ASSERT_EQ_I64(PARSE(&o, "-p", "2147483648"), PARSE_ERROR);
	ASSERT_STREQ(err, BAD_PID("2147483648"));
	ASSERT_EQ_I64(PARSE(&o, "-p", "4294967297"), PARSE_ERROR);
	ASSERT_STREQ(err, BAD_PID("4294967297"));
	ASSERT_EQ_I64(PARSE(&o, "-p", "99999999999999999999999"), PARSE_ERROR);
	ASSERT_STREQ(err, BAD_PID("99999999999999999999999"));
}

/* Fill argv with "record" and n times "-p" "<1000 + i>", NULL-terminated. */
static void pid_argv(char **argv, char (*num)[16], int n)
{
	argv[0] = "record";
	for (int i = 0; i < n; i++) {
		snprintf(num[i], sizeof(num[i]), "%d", 1000 + i);
		argv[1 + 2 * i] = "-p";
		argv[2 + 2 * i] = num[i];
	}
	argv[1 + 2 * n] = NULL;
}

TEST(options_pid_64_accepted)
{
	static char num[MAX_PIDS][16];
	char *argv[2 + 2 * MAX_PIDS];
	struct record_opts o;

	pid_argv(argv, num, MAX_PIDS);
	ASSERT_EQ_I64(parse_argv(&o, argv), PARSE_OK);
	ASSERT_EQ_I64(o.npids, MAX_PIDS);
	for (int i = 0; i < MAX_PIDS; i++)
		ASSERT_EQ_I64(o.pids[i], 1000 + i);
}

TEST(options_pid_65th_rejected)
{
	static char num[MAX_PIDS + 1][16];
	char *argv[2 + 2 * (MAX_PIDS + 1)];
	struct record_opts o;

	pid_argv(argv, num, MAX_PIDS + 1);
	ASSERT_EQ_I64(parse_argv(&o, argv), PARSE_ERROR);
	ASSERT_STREQ(err, "too many -p options (at most 64)");
	/* the 64 before it were taken, nothing was written past the array */
	ASSERT_EQ_I64(o.npids, MAX_PIDS);
	ASSERT_EQ_I64(o.pids[MAX_PIDS - 1], 1000 + MAX_PIDS - 1);
}

TEST(options_all)
{
	struct record_opts o;

	ASSERT_EQ_I64(PARSE(&o, "-a"), PARSE_OK);
	ASSERT_STREQ(err, "");
	ASSERT_TRUE(o.all);
	ASSERT_EQ_I64(o.npids, 0);
	ASSERT_TRUE(o.command == NULL);
	ASSERT_EQ_I64(PARSE(&o, "--all"), PARSE_OK);
	ASSERT_TRUE(o.all);
}

TEST(options_all_with_pid_is_error)
{
	struct record_opts o;

	ASSERT_EQ_I64(PARSE(&o, "-a", "-p", "1"), PARSE_ERROR);
	ASSERT_STREQ(err, "-a already traces every process: drop -p");
	/* either order */
	ASSERT_EQ_I64(PARSE(&o, "-p", "1", "--all"), PARSE_ERROR);
	ASSERT_STREQ(err, "-a already traces every process: drop -p");
}

TEST(options_comm_and_cgroup)
{
	struct record_opts o;

	ASSERT_EQ_I64(PARSE(&o, "--comm", "redis-server"), PARSE_OK);
	ASSERT_STREQ(o.comm, "redis-server");
	ASSERT_TRUE(o.cgroup == NULL && !o.all && o.npids == 0);
	ASSERT_EQ_I64(PARSE(&o, "--cgroup", "/sys/fs/cgroup/x", "-p", "7"), PARSE_OK);
	ASSERT_STREQ(o.cgroup, "/sys/fs/cgroup/x");
	ASSERT_EQ_I64(o.npids, 1);
	/* 15 characters is the most a process name has */
	ASSERT_EQ_I64(PARSE(&o, "--comm", "abcdefghijklmno"), PARSE_OK);
	ASSERT_EQ_I64(PARSE(&o, "--comm", "abcdefghijklmnop"), PARSE_ERROR);
	ASSERT_STREQ(err, "--comm 'abcdefghijklmnop': a process name has 1 to 15 "
		     "characters (the kernel keeps no more)");
	ASSERT_EQ_I64(PARSE(&o, "--comm", ""), PARSE_ERROR);
	ASSERT_EQ_I64(PARSE(&o, "--cgroup", ""), PARSE_ERROR);
	ASSERT_STREQ(err, "--cgroup needs a cgroup directory, e.g. "
		     "/sys/fs/cgroup/system.slice/cron.service");
	ASSERT_EQ_I64(PARSE(&o, "-a", "--comm", "x"), PARSE_ERROR);
	ASSERT_STREQ(err, "-a already traces every process: drop --comm");
	ASSERT_EQ_I64(PARSE(&o, "--cgroup", "/c", "-a"), PARSE_ERROR);
	ASSERT_STREQ(err, "-a already traces every process: drop --cgroup");
}

TEST(options_duration_values)
{
	struct record_opts o;

	ASSERT_EQ_I64(PARSE(&o, "-a", "-d", "5"), PARSE_OK);
	ASSERT_DOUBLE_NEAR(o.duration_s, 5.0, 0);
	ASSERT_EQ_I64(PARSE(&o, "-a", "-d", "0.5"), PARSE_OK);
	ASSERT_DOUBLE_NEAR(o.duration_s, 0.5, 0);
	ASSERT_EQ_I64(PARSE(&o, "-a", "-d1.25"), PARSE_OK);
	ASSERT_DOUBLE_NEAR(o.duration_s, 1.25, 0);
	ASSERT_EQ_I64(PARSE(&o, "-a", "--duration", "0.001"), PARSE_OK);
	ASSERT_DOUBLE_NEAR(o.duration_s, 0.001, 0);
	ASSERT_EQ_I64(PARSE(&o, "-a", "--duration=.5"), PARSE_OK);
	ASSERT_DOUBLE_NEAR(o.duration_s, 0.5, 0);
	/* one year is the most */
	ASSERT_EQ_I64(PARSE(&o, "-a", "-d", "31536000"), PARSE_OK);
	ASSERT_DOUBLE_NEAR(o.duration_s, 31536000.0, 0);
	/* the last -d wins */
	ASSERT_EQ_I64(PARSE(&o, "-a", "-d", "3", "-d", "4"), PARSE_OK);
	ASSERT_DOUBLE_NEAR(o.duration_s, 4.0, 0);
}

TEST(options_duration_bad_values)
{
	struct record_opts o;

	ASSERT_EQ_I64(PARSE(&o, "-a", "-d", "0"), PARSE_ERROR);
	ASSERT_STREQ(err, BAD_DURATION("0"));
	ASSERT_EQ_I64(PARSE(&o, "-a", "-d", "-1"), PARSE_ERROR);
	ASSERT_STREQ(err, BAD_DURATION("-1"));
	ASSERT_EQ_I64(PARSE(&o, "-a", "-d", "1e3"), PARSE_ERROR);
	ASSERT_STREQ(err, BAD_DURATION("1e3"));
	ASSERT_EQ_I64(PARSE(&o, "-a", "-d", "0x10"), PARSE_ERROR);
	ASSERT_STREQ(err, BAD_DURATION("0x10"));
	ASSERT_EQ_I64(PARSE(&o, "-a", "-d", "inf"), PARSE_ERROR);
	ASSERT_STREQ(err, BAD_DURATION("inf"));
	ASSERT_EQ_I64(PARSE(&o, "-a", "-d", "nan"), PARSE_ERROR);
	ASSERT_STREQ(err, BAD_DURATION("nan"));
	ASSERT_EQ_I64(PARSE(&o, "-a", "-d", "1..2"), PARSE_ERROR);
	ASSERT_STREQ(err, BAD_DURATION("1..2"));
	ASSERT_EQ_I64(PARSE(&o, "-a", "-d", ""), PARSE_ERROR);
	ASSERT_STREQ(err, BAD_DURATION(""));
	ASSERT_EQ_I64(PARSE(&o, "-a", "-d", "5s"), PARSE_ERROR);
	ASSERT_STREQ(err, BAD_DURATION("5s"));
	ASSERT_EQ_I64(PARSE(&o, "-a", "-d", "31536000.5"), PARSE_ERROR);
	ASSERT_STREQ(err, BAD_DURATION("31536000.5"));
}

TEST(options_json_file)
{
	struct record_opts o;

	ASSERT_EQ_I64(PARSE(&o, "-a", "--json", "out.json"), PARSE_OK);
	ASSERT_STREQ(o.json_path, "out.json");
	ASSERT_EQ_I64(PARSE(&o, "-a", "--json=/tmp/x y.json"), PARSE_OK);
	ASSERT_STREQ(o.json_path, "/tmp/x y.json");
}

TEST(options_json_dash_is_stdout)
{
	struct record_opts o;

	ASSERT_EQ_I64(PARSE(&o, "-a", "--json", "-"), PARSE_OK);
	ASSERT_STREQ(o.json_path, "-");
	ASSERT_TRUE(o.command == NULL);
}

TEST(options_json_refuses_an_option)
{
	struct record_opts o;

	/* before: a file named "--" was written, and "true" run */
	ASSERT_EQ_I64(PARSE(&o, "--json", "--", "true"), PARSE_ERROR);
	ASSERT_STREQ(err, "--json needs a file name (or '-' for stdout), not an "
		     "option ('--'); a file whose name starts with '-' is ./--");
	ASSERT_EQ_I64(PARSE(&o, "--json", "-a"), PARSE_ERROR);
	ASSERT_EQ_I64(PARSE(&o, "-a", "--json", "./-a"), PARSE_OK);
	ASSERT_STREQ(o.json_path, "./-a");
	/* --prometheus's FILE, the same way */
	ASSERT_EQ_I64(PARSE(&o, "--prometheus", "--", "true"), PARSE_ERROR);
	ASSERT_STREQ(err, "--prometheus needs a file name (or '-' for stdout), not an "
		     "option ('--'); a file whose name starts with '-' is ./--");
	ASSERT_EQ_I64(PARSE(&o, "-a", "--prometheus", ""), PARSE_ERROR);
	ASSERT_STREQ(err, "--prometheus needs a file name (or '-' for stdout)");
}

TEST(options_j_is_json_to_stdout)
{
	struct record_opts o;

	ASSERT_EQ_I64(PARSE(&o, "-j", "--", "true"), PARSE_OK);
	ASSERT_STREQ(o.json_path, "-");
	ASSERT_STREQ(o.command[0], "true");
	ASSERT_EQ_I64(PARSE(&o, "-aj"), PARSE_OK);
	ASSERT_STREQ(o.json_path, "-");
	ASSERT_EQ_I64(parse_copy(&o, (char *[]){ "trace", "-j", NULL }), PARSE_OK);
	ASSERT_STREQ(o.json_path, "-");
	/* top writes no JSON */
	ASSERT_EQ_I64(parse_copy(&o, (char *[]){ "top", "-j", NULL }), PARSE_ERROR);
}

TEST(options_json_path_points_into_argv)
{
	char *argv[] = { "record", "-a", "--json", "r.json", NULL };
	struct record_opts o;

	ASSERT_EQ_I64(parse_argv(&o, argv), PARSE_OK);
	ASSERT_TRUE(o.json_path == argv[3]);
}

TEST(options_json_empty_value_rejected)
{
	struct record_opts o;

	ASSERT_EQ_I64(PARSE(&o, "-a", "--json", ""), PARSE_ERROR);
	ASSERT_STREQ(err, "--json needs a file name (or '-' for stdout)");
	ASSERT_EQ_I64(PARSE(&o, "-a", "--json="), PARSE_ERROR);
	ASSERT_STREQ(err, "--json needs a file name (or '-' for stdout)");
}

TEST(options_graph_format_from_extension)
{
	struct record_opts o;

	ASSERT_EQ_I64(PARSE(&o, "-a"), PARSE_OK);
	ASSERT_TRUE(o.graph_path == NULL);
	ASSERT_EQ_I64(o.graph_format, GRAPH_FORMAT_NONE);
	ASSERT_EQ_I64(PARSE(&o, "-a", "--graph", "talk.dot"), PARSE_OK);
	ASSERT_STREQ(o.graph_path, "talk.dot");
	ASSERT_EQ_I64(o.graph_format, GRAPH_FORMAT_DOT);
	ASSERT_EQ_I64(PARSE(&o, "-a", "--graph=/tmp/g.json"), PARSE_OK);
	ASSERT_EQ_I64(o.graph_format, GRAPH_FORMAT_JSON);
	ASSERT_EQ_I64(PARSE(&o, "-a", "--graph", "g.SVG"), PARSE_OK);
	ASSERT_EQ_I64(o.graph_format, GRAPH_FORMAT_SVG);
	ASSERT_EQ_I64(PARSE(&o, "--graph", "g.png", "--", "true"), PARSE_OK);
	ASSERT_EQ_I64(o.graph_format, GRAPH_FORMAT_PNG);
	ASSERT_STREQ(o.command[0], "true");
}

TEST(options_graph_unknown_extension_rejected)
{
	struct record_opts o;

	ASSERT_EQ_I64(PARSE(&o, "-a", "--graph", "g.txt"), PARSE_ERROR);
	ASSERT_STREQ(err, "--graph 'g.txt': unknown format: the file name must end in "
		     ".dot, .json, .svg or .png");
	ASSERT_EQ_I64(PARSE(&o, "-a", "--graph", "graph"), PARSE_ERROR);
	ASSERT_EQ_I64(PARSE(&o, "-a", "--graph", ""), PARSE_ERROR);
	ASSERT_STREQ(err, "--graph '': unknown format: the file name must end in "
		     ".dot, .json, .svg or .png");
	ASSERT_EQ_I64(PARSE(&o, "-a", "--graph"), PARSE_ERROR);
	ASSERT_STREQ(err, "option '--graph' needs a value");
}

TEST(options_no_hist_and_verbose)
{
	struct record_opts o;

	ASSERT_EQ_I64(PARSE(&o, "-a", "--no-hist"), PARSE_OK);
	ASSERT_TRUE(o.no_hist);
	ASSERT_TRUE(!o.verbose);
	ASSERT_EQ_I64(PARSE(&o, "-a", "-v"), PARSE_OK);
	ASSERT_TRUE(o.verbose);
	ASSERT_TRUE(!o.no_hist);
	ASSERT_EQ_I64(PARSE(&o, "-a", "--verbose"), PARSE_OK);
	ASSERT_TRUE(o.verbose);
	/* clustered short options */
	ASSERT_EQ_I64(PARSE(&o, "-av"), PARSE_OK);
	ASSERT_TRUE(o.all);
	ASSERT_TRUE(o.verbose);
}

TEST(options_everything_at_once)
{
	struct record_opts o;

	ASSERT_EQ_I64(PARSE(&o, "-v", "-d", "2.5", "--json", "o.json",
			    "--no-hist", "-p", "3", "-p", "4"), PARSE_OK);
	ASSERT_STREQ(err, "");
	ASSERT_TRUE(o.verbose);
	ASSERT_TRUE(o.no_hist);
	ASSERT_DOUBLE_NEAR(o.duration_s, 2.5, 0);
	ASSERT_STREQ(o.json_path, "o.json");
	ASSERT_EQ_I64(o.npids, 2);
	ASSERT_EQ_I64(o.pids[0], 3);
	ASSERT_EQ_I64(o.pids[1], 4);
	ASSERT_TRUE(!o.all);
	ASSERT_TRUE(o.command == NULL);
}

TEST(options_help)
{
	struct record_opts o;

	ASSERT_EQ_I64(PARSE(&o, "--help"), PARSE_HELP);
	ASSERT_STREQ(err, "");
	ASSERT_EQ_I64(PARSE(&o, "-h"), PARSE_HELP);
	ASSERT_STREQ(err, "");
	/* wins over a missing target and over options before it */
	ASSERT_EQ_I64(PARSE(&o, "-a", "-p", "1", "--help"), PARSE_HELP);
}

TEST(options_help_after_command_belongs_to_command)
{
	struct record_opts o;

	ASSERT_EQ_I64(PARSE(&o, "--", "ls", "--help"), PARSE_OK);
	ASSERT_STREQ(o.command[0], "ls");
	ASSERT_STREQ(o.command[1], "--help");
	ASSERT_TRUE(o.command[2] == NULL);
}

TEST(options_usage_text)
{
	static const char first[] = "Usage: ipcscope record [OPTIONS] "
		"(-p PID... | --comm NAME | --cgroup PATH |\n";

	ASSERT_TRUE(strncmp(record_usage, first, strlen(first)) == 0);
	ASSERT_TRUE(strstr(record_usage, "  -d, --duration SECS ") != NULL);
	ASSERT_TRUE(strstr(record_usage, "      --json FILE ") != NULL);
	ASSERT_TRUE(strstr(record_usage, "      --no-hist ") != NULL);
	ASSERT_TRUE(strstr(record_usage, "  -h, --help ") != NULL);
}

TEST(options_unknown_long_option_named)
{
	struct record_opts o;

	ASSERT_EQ_I64(PARSE(&o, "-a", "--bogus"), PARSE_ERROR);
	ASSERT_STREQ(err, "unknown option '--bogus'" USAGE_HINT);
	ASSERT_EQ_I64(PARSE(&o, "--frobnicate=3", "-a"), PARSE_ERROR);
	ASSERT_STREQ(err, "unknown option '--frobnicate=3'" USAGE_HINT);
}

TEST(options_unknown_short_option_named)
{
	struct record_opts o;

	ASSERT_EQ_I64(PARSE(&o, "-a", "-x"), PARSE_ERROR);
	ASSERT_STREQ(err, "unknown option '-x'" USAGE_HINT);
	ASSERT_EQ_I64(PARSE(&o, "-x", "-a"), PARSE_ERROR);
	ASSERT_STREQ(err, "unknown option '-x'" USAGE_HINT);
	/* unknown as the last letter of a cluster: the letter is named */
	ASSERT_EQ_I64(PARSE(&o, "-vx"), PARSE_ERROR);
	ASSERT_STREQ(err, "unknown option '-x'" USAGE_HINT);
}

/*
 * An unknown letter that is not the last of its cluster ("-xv"): getopt has
 * not advanced optind yet, so the message must name the letter (optopt),
 * not argv[optind - 1] (which would be the argument before it).
 */
TEST(options_unknown_option_first_in_cluster_named)
{
	struct record_opts o;

	ASSERT_EQ_I64(PARSE(&o, "-xv"), PARSE_ERROR);
	ASSERT_STREQ(err, "unknown option '-x'" USAGE_HINT);
	ASSERT_EQ_I64(PARSE(&o, "-p", "1", "-xa"), PARSE_ERROR);
	ASSERT_STREQ(err, "unknown option '-x'" USAGE_HINT);
}

TEST(options_missing_value)
{
	struct record_opts o;

	ASSERT_EQ_I64(PARSE(&o, "-a", "-p"), PARSE_ERROR);
	ASSERT_STREQ(err, "option '-p' needs a value");
	ASSERT_EQ_I64(PARSE(&o, "-a", "--pid"), PARSE_ERROR);
	ASSERT_STREQ(err, "option '--pid' needs a value");
	ASSERT_EQ_I64(PARSE(&o, "-a", "-d"), PARSE_ERROR);
	ASSERT_STREQ(err, "option '-d' needs a value");
	ASSERT_EQ_I64(PARSE(&o, "-a", "--duration"), PARSE_ERROR);
	ASSERT_STREQ(err, "option '--duration' needs a value");
	ASSERT_EQ_I64(PARSE(&o, "-a", "--json"), PARSE_ERROR);
	ASSERT_STREQ(err, "option '--json' needs a value");
}

TEST(options_value_taken_even_if_it_looks_like_option)
{
	struct record_opts o;

	/* a required value is the next argument, whatever it looks like
	   (but --json's: options_json_refuses_an_option) */
	ASSERT_EQ_I64(PARSE(&o, "--comm", "-a", "-p", "1"), PARSE_OK);
	ASSERT_STREQ(o.comm, "-a");
	ASSERT_TRUE(!o.all);
	ASSERT_EQ_I64(o.npids, 1);
}

TEST(options_command_after_double_dash)
{
	char *argv[] = { "record", "-d", "2", "--", "sleep", "10", NULL };
	struct record_opts o;

	ASSERT_EQ_I64(parse_argv(&o, argv), PARSE_OK);
	ASSERT_STREQ(err, "");
	/* points into argv, NULL-terminated by argv's own NULL */
	ASSERT_TRUE(o.command == &argv[4]);
	ASSERT_STREQ(o.command[0], "sleep");
	ASSERT_STREQ(o.command[1], "10");
	ASSERT_TRUE(o.command[2] == NULL);
	ASSERT_EQ_I64(o.npids, 0);
	ASSERT_TRUE(!o.all);
	ASSERT_DOUBLE_NEAR(o.duration_s, 2.0, 0);
}

TEST(options_command_options_not_ours_after_double_dash)
{
	struct record_opts o;

	ASSERT_EQ_I64(PARSE(&o, "--", "-p", "5", "-a", "-v"), PARSE_OK);
	ASSERT_EQ_I64(o.npids, 0);
	ASSERT_TRUE(!o.all);
	ASSERT_TRUE(!o.verbose);
	ASSERT_STREQ(o.command[0], "-p");
	ASSERT_STREQ(o.command[1], "5");
	ASSERT_STREQ(o.command[2], "-a");
	ASSERT_STREQ(o.command[3], "-v");
	ASSERT_TRUE(o.command[4] == NULL);
}

TEST(options_command_without_double_dash)
{
	char *argv[] = { "record", "-v", "ls", "-l", "-a", "--json", "x", NULL };
	struct record_opts o;

	ASSERT_EQ_I64(parse_argv(&o, argv), PARSE_OK);
	ASSERT_STREQ(err, "");
	/* the first non-option starts the command; its options are its own */
	ASSERT_TRUE(o.command == &argv[2]);
	ASSERT_STREQ(o.command[0], "ls");
	ASSERT_STREQ(o.command[1], "-l");
	ASSERT_STREQ(o.command[2], "-a");
	ASSERT_STREQ(o.command[3], "--json");
	ASSERT_STREQ(o.command[4], "x");
	ASSERT_TRUE(o.command[5] == NULL);
	ASSERT_TRUE(o.verbose);
	ASSERT_TRUE(!o.all);
	ASSERT_TRUE(o.json_path == NULL);
}

TEST(options_command_second_double_dash_is_its_own)
{
	struct record_opts o;

	ASSERT_EQ_I64(PARSE(&o, "--", "sh", "--", "x"), PARSE_OK);
	ASSERT_STREQ(o.command[0], "sh");
	ASSERT_STREQ(o.command[1], "--");
	ASSERT_STREQ(o.command[2], "x");
	ASSERT_TRUE(o.command[3] == NULL);
}

TEST(options_command_with_pid)
{
	struct record_opts o;

	/* a command and -p together are both targets */
	ASSERT_EQ_I64(PARSE(&o, "-p", "9", "--", "true"), PARSE_OK);
	ASSERT_EQ_I64(o.npids, 1);
	ASSERT_EQ_I64(o.pids[0], 9);
	ASSERT_STREQ(o.command[0], "true");
}

#define NO_TARGET "no target: give -p PID, --comm NAME, --cgroup PATH, -a, or -- COMMAND" USAGE_HINT

TEST(options_no_target)
{
	char *argv[] = { "record", NULL };
	struct record_opts o;

	ASSERT_EQ_I64(parse_argv(&o, argv), PARSE_ERROR);
	ASSERT_STREQ(err, NO_TARGET);
	ASSERT_EQ_I64(PARSE(&o, "-v", "-d", "1", "--no-hist"), PARSE_ERROR);
	ASSERT_STREQ(err, NO_TARGET);
	/* "--" with nothing after it is no command */
	ASSERT_EQ_I64(PARSE(&o, "--"), PARSE_ERROR);
	ASSERT_STREQ(err, NO_TARGET);
	ASSERT_EQ_I64(PARSE(&o, "-v", "--"), PARSE_ERROR);
	ASSERT_STREQ(err, NO_TARGET);
}

TEST(options_error_truncated_to_errlen)
{
	char *argv[] = { "record", NULL };
	struct record_opts o;
	char small[8];

	memset(small, 'Z', sizeof(small));
	ASSERT_EQ_I64(record_opts_parse(&o, CMD_RECORD, 1, argv, small, sizeof(small)),
		      PARSE_ERROR);
	ASSERT_STREQ(small, "no targ");
}

TEST(options_reparse_resets_state)
{
	struct record_opts o;

	ASSERT_EQ_I64(PARSE(&o, "-a", "-v", "--no-hist", "-d", "3",
			    "--json", "j"), PARSE_OK);
	ASSERT_TRUE(o.all && o.verbose && o.no_hist && o.json_path);
	/* the second parse starts from a clean struct and a clean err */
	ASSERT_EQ_I64(PARSE(&o, "-p", "1", "-x"), PARSE_ERROR);
	ASSERT_TRUE(err[0] != '\0');
	ASSERT_EQ_I64(PARSE(&o, "-p", "2"), PARSE_OK);
	ASSERT_STREQ(err, "");
	ASSERT_TRUE(!o.all);
	ASSERT_TRUE(!o.verbose);
	ASSERT_TRUE(!o.no_hist);
	ASSERT_TRUE(o.json_path == NULL);
	ASSERT_DOUBLE_NEAR(o.duration_s, 0.0, 0);
	ASSERT_EQ_I64(o.npids, 1);
	ASSERT_EQ_I64(o.pids[0], 2);
}

TEST(options_reparse_after_error_mid_cluster)
{
	struct record_opts o;

	/* an error in the middle of "-vxa" leaves getopt inside the cluster;
	 * the next parse must start at argv[1] of its own argv */
	ASSERT_EQ_I64(PARSE(&o, "-vxa"), PARSE_ERROR);
	ASSERT_EQ_I64(PARSE(&o, "-p", "4"), PARSE_OK);
	ASSERT_EQ_I64(o.npids, 1);
	ASSERT_EQ_I64(o.pids[0], 4);
	ASSERT_TRUE(!o.all);
	ASSERT_TRUE(!o.verbose);
}

TEST(options_reparse_many_times)
{
	for (int i = 0; i < 200; i++) {
		struct record_opts o;
		char num[16];
		enum parse_result r;

		snprintf(num, sizeof(num), "%d", i + 1);
		switch (i % 4) {
		case 0:
			r = PARSE(&o, "-p", num, "-p", "77");
			ASSERT_EQ_I64(r, PARSE_OK);
			ASSERT_EQ_I64(o.npids, 2);
			ASSERT_EQ_I64(o.pids[0], i + 1);
			ASSERT_EQ_I64(o.pids[1], 77);
			break;
		case 1:
			r = PARSE(&o, "-v", "--", "cmd", num);
			ASSERT_EQ_I64(r, PARSE_OK);
			ASSERT_TRUE(o.verbose);
			ASSERT_STREQ(o.command[0], "cmd");
			ASSERT_STREQ(o.command[1], num);
			ASSERT_EQ_I64(o.npids, 0);
			break;
		case 2:
			r = PARSE(&o, "-a", "-d", "0");
			ASSERT_EQ_I64(r, PARSE_ERROR);
			ASSERT_STREQ(err, BAD_DURATION("0"));
			break;
		case 3:
			r = PARSE(&o, "--help");
			ASSERT_EQ_I64(r, PARSE_HELP);
			break;
		}
	}
}

/* An error quotes the argument, but stays one line whatever it holds: a
 * newline, an escape (found by fuzzing: -m with a newline in its value) */
TEST(options_error_is_one_line_whatever_it_quotes)
{
	struct record_opts o;

	ASSERT_EQ_I64(PARSE(&o, "--bad\n\033[2Jx"), PARSE_ERROR);
	ASSERT_STREQ(err, "unknown option '--bad??[2Jx' (see 'ipcscope record --help')");
	ASSERT_EQ_I64(parse_copy(&o, (char *[]){ "trace", "-m", "pipe\nx", NULL }), PARSE_ERROR);
	ASSERT_TRUE(strchr(err, '\n') == NULL);
	ASSERT_TRUE(strstr(err, "pipe?x") != NULL);
}

TEST(options_top_interval_and_count_after_the_options)
{
	struct record_opts o;

	/* before: "2" was run as the command */
	ASSERT_EQ_I64(parse_copy(&o, (char *[]){ "top", "2", "10", NULL }), PARSE_OK);
	ASSERT_TRUE(o.interval_s == 2 && o.count == 10 && !o.command && o.all);
	ASSERT_EQ_I64(parse_copy(&o, (char *[]){ "top", "-p", "1", "0.5", NULL }), PARSE_OK);
	ASSERT_TRUE(o.interval_s == 0.5 && o.count == 0 && o.npids == 1);
	ASSERT_EQ_I64(parse_copy(&o, (char *[]){ "top", "1", "2", "3", NULL }), PARSE_ERROR);
	ASSERT_STREQ(err, "top takes at most [INTERVAL [COUNT]] after its options: "
		     "'3' is one too many (a command goes after --)");
	ASSERT_EQ_I64(parse_copy(&o, (char *[]){ "top", "1", "x", NULL }), PARSE_ERROR);
	/* a command after --, even one named like a number; a word is a command */
	ASSERT_EQ_I64(parse_copy(&o, (char *[]){ "top", "--", "2", NULL }), PARSE_OK);
	ASSERT_STREQ(o.command[0], "2");
	ASSERT_EQ_I64(parse_copy(&o, (char *[]){ "top", "sleep", "1", NULL }), PARSE_OK);
	ASSERT_STREQ(o.command[0], "sleep");
	/* record has no interval: a number there is its command */
	ASSERT_EQ_I64(PARSE(&o, "2"), PARSE_OK);
	ASSERT_STREQ(o.command[0], "2");
}

TEST(options_user_needs_a_command)
{
	struct record_opts o;

	ASSERT_EQ_I64(PARSE(&o, "-u", "nobody", "--", "id"), PARSE_OK);
	ASSERT_STREQ(o.user, "nobody");
	ASSERT_STREQ(o.command[0], "id");
	ASSERT_EQ_I64(parse_copy(&o, (char *[]){ "trace", "--user", "65534", "--", "id", NULL }),
		      PARSE_OK);
	ASSERT_STREQ(o.user, "65534");
	ASSERT_EQ_I64(PARSE(&o, "-u", "nobody", "-p", "1"), PARSE_ERROR);
	ASSERT_STREQ(err, "-u runs the command as USER: give it after -- COMMAND");
	ASSERT_EQ_I64(PARSE(&o, "-u", "", "--", "id"), PARSE_ERROR);
}

TEST(options_labels)
{
	struct record_opts o;

	ASSERT_EQ_I64(PARSE(&o, "--prometheus", "x.prom", "--labels", "pid", "-a"), PARSE_OK);
	ASSERT_TRUE(o.prom_pid && !o.prom_object);
	ASSERT_EQ_I64(PARSE(&o, "--prometheus", "x.prom", "--labels", "object,pid", "-a"),
		      PARSE_OK);
	ASSERT_TRUE(o.prom_pid && o.prom_object);
	ASSERT_EQ_I64(PARSE(&o, "--prometheus", "x.prom", "--labels", "pid,comm", "-a"),
		      PARSE_ERROR);
	ASSERT_STREQ(err, "--labels 'pid,comm': expected pid, object or both, comma-separated");
	ASSERT_EQ_I64(PARSE(&o, "--prometheus", "x.prom", "--labels", ",", "-a"), PARSE_ERROR);
	ASSERT_EQ_I64(PARSE(&o, "--prometheus", "x.prom", "--labels", "", "-a"), PARSE_ERROR);
	ASSERT_STREQ(err, "--labels needs pid, object or both");
	/* record: they shape --prometheus's figures only */
	ASSERT_EQ_I64(PARSE(&o, "--labels", "pid", "-a"), PARSE_ERROR);
	ASSERT_STREQ(err, "--labels shapes the Prometheus figures: give --prometheus FILE too");
	ASSERT_EQ_I64(parse_copy(&o, (char *[]){ "export", "--labels", "object", NULL }), PARSE_OK);
	ASSERT_TRUE(o.prom_object);
	ASSERT_EQ_I64(parse_copy(&o, (char *[]){ "top", "--labels", "pid", NULL }), PARSE_ERROR);
}

TEST(options_export)
{
	struct record_opts o;

	/* without a target: every process, as top and trace */
	ASSERT_EQ_I64(parse_copy(&o, (char *[]){ "export", NULL }), PARSE_OK);
	ASSERT_TRUE(o.all && o.listen == NULL);
	ASSERT_EQ_I64(parse_copy(&o, (char *[]){ "export", "--listen", "[::1]:0", "--comm",
						 "nginx", NULL }), PARSE_OK);
	ASSERT_STREQ(o.listen, "[::1]:0");
	ASSERT_TRUE(!o.all && o.comm);
	/* the run's report when it stops, as record's */
	ASSERT_EQ_I64(parse_copy(&o, (char *[]){ "export", "--json", "x", NULL }), PARSE_OK);
	ASSERT_STREQ(o.json_path, "x");
	ASSERT_EQ_I64(parse_copy(&o, (char *[]){ "export", "-j", NULL }), PARSE_OK);
	ASSERT_STREQ(o.json_path, "-");
	ASSERT_EQ_I64(parse_copy(&o, (char *[]){ "export", "--graph", "g.dot", NULL }),
		      PARSE_ERROR);
	ASSERT_STREQ(err, "--graph is an option of 'ipcscope record', not of this command");
	ASSERT_EQ_I64(PARSE(&o, "--listen", ":1", "-a"), PARSE_ERROR);
	ASSERT_STREQ(err, "--listen is an option of 'ipcscope export', not of this command");
}

TEST(options_usdt_phase)
{
	struct record_opts o;

	ASSERT_EQ_I64(PARSE(&o, "--usdt-phase", "app:begin,app:done", "--", "x"), PARSE_OK);
	ASSERT_TRUE(o.usdt_phase && !o.usdt_binary);
	ASSERT_STREQ(o.usdt_provider, "app");
	ASSERT_STREQ(o.usdt_start, "begin");
	ASSERT_STREQ(o.usdt_end, "done");
	/* the provider said once */
	ASSERT_EQ_I64(PARSE(&o, "--usdt-phase", "app:begin,done", "-p", "7"), PARSE_OK);
	ASSERT_STREQ(o.usdt_end, "done");
	ASSERT_EQ_I64(PARSE(&o, "--usdt-phase", "a:b,c", "--usdt-binary", "/lib/x.so", "-a"),
		      PARSE_OK);
	ASSERT_STREQ(o.usdt_binary, "/lib/x.so");
	ASSERT_EQ_I64(PARSE(&o, "--usdt-phase", "a:b,c:d", "--", "x"), PARSE_ERROR);
	ASSERT_STREQ(err, "--usdt-phase 'a:b,c:d': the two probes must be of one provider");
	static const char *const bad[] = {
		"ab", "a:b", "a:,c", ":b,c", "a:b,", "a-x:b,c", "a:b,a:", "a:1b,c",
		"a:b c,d",
		"a:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb,c",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ASSERT_EQ_I64(PARSE(&o, "--usdt-phase", (char *)bad[i], "--", "x"), PARSE_ERROR);
		ASSERT_TRUE(strstr(err, "expected PROVIDER:START,PROVIDER:END"));
	}
	/* where the probes are: the command's, one -p process's, or given */
	ASSERT_EQ_I64(PARSE(&o, "--usdt-phase", "a:b,c", "-a"), PARSE_ERROR);
	ASSERT_STREQ(err, "--usdt-phase: give --usdt-binary FILE (the probes are looked for "
		     "in the command's executable, or the one -p process's)");
	ASSERT_EQ_I64(PARSE(&o, "--usdt-binary", "/x", "-a"), PARSE_ERROR);
	ASSERT_EQ_I64(parse_copy(&o, (char *[]){ "top", "--usdt-phase", "a:b,c", "-a", NULL }),
		      PARSE_ERROR);
	ASSERT_STREQ(err, "--usdt-phase is an option of 'ipcscope record', not of this command");
}
