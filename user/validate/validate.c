// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * validate.c - `ipcscope validate`: check a document's claims about IPC by
 * measurement. The claims come from a data file (claims/reference.claims,
 * format in docs/claims-format.md); each is matched to an experiment (a
 * bundled workload run under tracing), measured, and given a verdict.
 *
 * This version measures what one traced run shows exactly: copies per
 * byte, syscalls, mode switches, page faults and context switches to move
 * 1 MiB, lost updates with and without a semaphore, merged signals, data
 * carried by signals, selective receive, pipe capacity and blocking,
 * message boundaries, a pipe's direction: each from the syscalls the
 * kernel saw. Times to move 1 MiB are medians of untraced runs pinned to
 * one CPU, which the workloads time themselves.
 *
 * This file is the command: its options, the order of the work and the
 * outputs; validate.h says where the parts are.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include "claims.h"
#include "commands.h"
#include "options.h"
#include "outfile.h"
#include "runner.h"
#include "util.h"
#include "validate.h"

static const char validate_usage[] =
"Usage: ipcscope validate [OPTIONS]\n"
"\n"
"Check a document's claims about IPC by measurement: each claim in the\n"
"claims file is matched to a bundled workload, run under tracing, and gets\n"
"a verdict: holds, does not hold, holds in part, or not checked (with the\n"
"reason). Prints the 1 MiB comparison per mechanism, the size sweep, then\n"
"one row per claim.\n"
"\n"
"Options:\n"
"      --claims FILE    the claims to check (default: the reference document's,\n"
"                       claims/reference.claims of the build tree, or\n"
"                       PREFIX/share/ipcscope/ once installed)\n"
"      --json FILE      also write the results as JSON ('-': stdout only)\n"
"      --markdown FILE  also write a Markdown report ('-': stdout only)\n"
"                       (each file is written whole or not at all: into a\n"
"                       new file beside it, renamed over it at the end)\n"
"      --svg FILE       also write the size sweep's chart as SVG ('-': stdout\n"
"                       only; --markdown embeds it too)\n"
"      --no-sweep       leave out the size sweep (a few seconds)\n"
"      --force          write over a FILE that is a symbolic link (the link\n"
"                       is replaced, never followed; refused without it)\n"
"      --quick          5 timed runs instead of 7 (3 instead of 5 per size of\n"
"                       the sweep) and smaller counts, for a first look and\n"
"                       CI (a few seconds)\n"
"  -v, --verbose        say what runs\n"
"  -h, --help           show this help\n"
"\n"
"Measured per claim from one traced run: copies per payload byte, syscalls,\n"
"user/kernel mode switches (2 per syscall and per page fault), page faults\n"
"and context switches to move 1 MiB, and per signal; updates lost with and\n"
"without a semaphore; standard signals merged while pending; data carried\n"
"by signals; receive by message type; pipe capacity and a writer blocking\n"
"on a full pipe; message boundaries on a pipe and a queue; the direction\n"
"of a pipe and of a queue. A 1 MiB transfer's syscalls, switches and faults\n"
"are counted between the USDT marks its workload sets at the transfer's\n"
"start and end (ipcscope:transfer_start, transfer_end); its set-up before\n"
"and teardown after are shown apart, phase by phase.\n"
"Times to move 1 MiB: the workload times its own transfer, in three\n"
"placements: both ends on one CPU, one on each of two CPUs, and unpinned.\n"
"Each time is the median of untraced runs (7, or 5 with --quick; half\n"
"before the traced runs, half after); the tracing overhead is the median\n"
"of as many traced runs on one CPU against it. A time claim holds if it\n"
"holds in a placement, which the report names; so does a ranking. Either\n"
"is decided only beyond twice the time's noise (its median's standard\n"
"error, and the drift between its earlier and later runs); one too close\n"
"to call gets as many runs again, and is inconclusive if still so. A\n"
"placement whose CPUs were over half busy with other work (a look at\n"
"/proc/stat before and after the runs) decides nothing. Shared\n"
"memory is timed in its steady state (mapped and touched first), which\n"
"its time and ranking claims are judged on, and at first touch (its page\n"
"faults included), shown beside it.\n"
"The size sweep: one transfer of each size from 1 B to 4 MiB (powers of 4)\n"
"per mechanism, untraced, both ends on one CPU and on two; the median time\n"
"and throughput of 5 runs each (3 with --quick), as tables, in the JSON and\n"
"drawn (--markdown, --svg: log-log, the document's 1 MB figures marked),\n"
"to show at which sizes the document's order of the mechanisms holds.\n"
"Colours only on a terminal (and never with NO_COLOR set).\n";

static void cpu_model(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];

	snprintf(buf, len, "unknown");
	while (f && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!strncmp(line, "model name", 10) && colon) {
			snprintf(buf, len, "%s", colon + 2);
			buf[strcspn(buf, "\n")] = '\0';
			break;
		}
	}
	if (f)
		fclose(f);
}

/* A number from a sysfs file of a CPU; -1 when it cannot be read */
static long cpu_attr(int cpu, const char *attr)
{
	char path[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/%s", cpu, attr);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* Does a sysfs CPU list ("0-3,8") hold cpu? */
static bool list_has(const char *list, int cpu)
{
	for (const char *p = list; *p;) {
		char *end;
		long a = strtol(p, &end, 10), b = a;

		if (end == p)
			return false;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		if (cpu >= a && cpu <= b)
			return true;
		p = *end == ',' ? end + 1 : end;
		if (*p == '\n')
			break;
	}
	return false;
}

/* How CPUs a and b relate: one core's SMT siblings, cores of one package
 * (and the largest cache they share), or two packages */
static void cpu_pair(char *buf, size_t len, int a, int b)
{
	long pa = cpu_attr(a, "topology/physical_package_id");
	long pb = cpu_attr(b, "topology/physical_package_id");
	long ca = cpu_attr(a, "topology/core_id"), cb = cpu_attr(b, "topology/core_id");
	int shared = 0;

	for (int i = 0; i < 8; i++) {
		char path[128], list[256];
		FILE *f;

		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/cache/index%d/"
			 "shared_cpu_list", a, i);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(list, sizeof(list), f) && list_has(list, b)) {
			snprintf(path, sizeof(path), "cache/index%d/level", i);
			if (cpu_attr(a, path) > shared)
				shared = (int)cpu_attr(a, path);
		}
		fclose(f);
	}
	if (pa < 0 || pb < 0 || ca < 0 || cb < 0)
		snprintf(buf, len, "how they relate: not said by sysfs");
	else if (pa != pb)
		snprintf(buf, len, "two packages");
	else if (ca == cb)
		snprintf(buf, len, "SMT siblings of one core");
	else if (shared)
		snprintf(buf, len, "two cores of one package, sharing L%d", shared);
	else
		snprintf(buf, len, "two cores of one package%s",
			 access("/sys/devices/system/cpu/cpu0/cache", F_OK) ?
			 "; caches not said by sysfs" : ", no cache shared");
}

static void get_provenance(struct provenance *p, int runs)
{
	struct utsname uts;
	time_t now = time(NULL);

	memset(p, 0, sizeof(*p));
	if (!uname(&uts))
		snprintf(p->kernel, sizeof(p->kernel), "%s", uts.release);
	cpu_model(p->cpu, sizeof(p->cpu));
	/* the machine's words, in every report: made safe once, here */
	text_clean_inplace(p->kernel, sizeof(p->kernel));
	text_clean_inplace(p->cpu, sizeof(p->cpu));
	p->cores = sysconf(_SC_NPROCESSORS_ONLN);
	placement_cpus(p->cpus);
	if (p->cpus[1] >= 0)
		cpu_pair(p->topology, sizeof(p->topology), p->cpus[0], p->cpus[1]);
	strftime(p->date, sizeof(p->date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	p->runs = runs;
}

struct options {
	char claims_path[PATH_MAX];	/* "": the reference claims beside the build */
	const char *json_path, *md_path, *svg_path;
	bool quick, force, no_sweep;
};

/* -1 to go on, or the exit status: 0 after --help, 2 for a bad command line */
static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "claims", required_argument, NULL, 'c' },
		{ "json", required_argument, NULL, 'J' },
		{ "markdown", required_argument, NULL, 'M' },
		{ "svg", required_argument, NULL, 'S' },
		{ "no-sweep", no_argument, NULL, 'N' },
		{ "quick", no_argument, NULL, 'q' },
		{ "force", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int opt;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:vh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			snprintf(o->claims_path, sizeof(o->claims_path), "%s", optarg);
			break;
		case 'J':
			o->json_path = optarg;
			break;
		case 'M':
			o->md_path = optarg;
			break;
		case 'S':
			o->svg_path = optarg;
			break;
		case 'N':
			o->no_sweep = true;
			break;
		case 'q':
			o->quick = true;
			break;
		case 'f':
			o->force = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			fputs(validate_usage, stdout);
			return 0;
		default:
			return option_error(argv, opt, "validate");
		}
	}
	if (optind < argc) {
		errorf("unexpected argument '%s' (see 'ipcscope validate --help')", argv[optind]);
		return 2;
	}
	if (outputs_one_stdout((const char *const[]){ o->json_path, o->md_path, o->svg_path },
			       3))
		return 2;
	if (o->svg_path && o->no_sweep) {
		errorf("--svg draws the size sweep, which --no-sweep leaves out");
		return 2;
	}
	return -1;
}

/* The claims file: --claims, or the reference claims beside the build. */
static int load_claims(struct options *o, struct claim **claims, size_t *n)
{
	char err[512];

	if (!o->claims_path[0]) {
		char rel[PATH_MAX];

		/* the source tree's, or make install's */
		if (find_beside_exe(rel, sizeof(rel), (const char *const[]){
				"../claims/reference.claims",
				"../share/ipcscope/reference.claims", NULL }) ||
		    !realpath(rel, o->claims_path)) {
			errorf("cannot find the claims file: give --claims FILE");
			return -1;
		}
	}
	if (claims_load(o->claims_path, claims, n, err, sizeof(err))) {
		errorf("%s", err);
		return -1;
	}
	return 0;
}

/* The text on stdout (unless an output goes there), then the files. */
static int write_outputs(const struct report *rp, const struct options *o,
			 struct outfile *json, struct outfile *md, struct outfile *svg)
{
	if (!(json->f && outfile_is_stdout(json)) && !(md->f && outfile_is_stdout(md)) &&
	    !(svg->f && outfile_is_stdout(svg))) {
		print_text(stdout, rp);
		if (fflush(stdout) || ferror(stdout)) {
			errorf("cannot write the results to standard output: %s",
			       strerror(errno ? errno : EIO));
			return 1;
		}
	}
	if (json->f && write_json(json->f, rp)) {
		errorf("cannot write JSON to '%s': out of memory", o->json_path);
		return 1;
	}
	if (md->f)
		print_markdown(md->f, rp);
	if (svg->f)
		sweep_svg(svg->f, rp);
	return outfile_commit(json) || outfile_commit(md) || outfile_commit(svg) ? 1 : 0;
}

int cmd_validate(int argc, char **argv)
{
	char tmpdir[] = "/tmp/ipcscope-validate.XXXXXX";
	struct options o = { 0 };
	struct report rp = { 0 };
	struct claim *claims = NULL;
	struct result *res = NULL;
	struct outfile json = { 0 }, md = { 0 }, svg = { 0 };
	struct experiment *undecided[NEXP];
	size_t n = 0, nundecided;
	int ret, runs;

	ret = parse_options(argc, argv, &o);
	if (ret >= 0)
		return ret;
	if (load_claims(&o, &claims, &n))
		return 1;
	ret = 1;
	if (!have_bpf_caps()) {
		errorf("validating needs root (or CAP_BPF and CAP_PERFMON): run it with sudo");
		goto out;
	}
	/* open the outputs first: a bad path fails before minutes of runs */
	if (o.json_path && outfile_open(&json, o.json_path, "JSON", o.force))
		goto out;
	if (o.md_path && outfile_open(&md, o.md_path, "Markdown", o.force))
		goto out;
	if (o.svg_path && outfile_open(&svg, o.svg_path, "SVG", o.force))
		goto out;
	if (!mkdtemp(tmpdir)) {
		errorf("cannot make a temporary directory: %s", strerror(errno));
		goto out;
	}
	catch_stop_signals(tmpdir, (const char *const[]){ json.tmp, md.tmp, svg.tmp }, 3);
	runs = o.quick ? 5 : 7;
	res = calloc(n, sizeof(*res));
	if (!res || run_experiments(o.quick, runs, tmpdir)) {
		rmdir(tmpdir);
		goto out;
	}
	rp = (struct report){ .claims_path = o.claims_path, .quick = o.quick,
			      .claims = claims, .res = res, .n = n };
	judge_all(claims, n, res, rp.count);
	/* a time too close to call: twice the runs narrow its median's
	   standard error by a factor of 1.4; judged again with them */
	nundecided = undecided_timings(claims, n, res, undecided);
	if (nundecided) {
		time_again(undecided, nundecided, runs, tmpdir);
		judge_all(claims, n, res, rp.count);
	}
	if (!o.no_sweep)
		run_sweep(o.quick ? 3 : 5, tmpdir);
	rmdir(tmpdir);
	get_provenance(&rp.prov, runs);
	rp.prov.sweep_runs = o.no_sweep ? 0 : o.quick ? 3 : 5;
	memcpy(rp.prov.retimed, undecided, nundecided * sizeof(undecided[0]));
	rp.prov.nretimed = nundecided;
	ret = write_outputs(&rp, &o, &json, &md, &svg);
out:
	outfile_abort(&json);	/* not committed: an earlier file stays */
	outfile_abort(&md);
	outfile_abort(&svg);
	experiments_clear();
	sweep_clear();
	free(res);
	free(claims);
	return ret;
}
