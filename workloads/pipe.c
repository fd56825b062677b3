// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * pipe.c - ground-truth pipe workload for the ipcscope integration tests.
 *
 * A parent and a forked child move a known amount of data through anonymous
 * pipes or named FIFOs (one-way stream or two-way ping-pong) with one chosen
 * way of writing (write, writev, vmsplice or sendfile) and one of reading (read, readv
 * or splice to /dev/null).  Every one of those syscalls is counted, and the
 * parent prints the counts as JSON at the end, so a test can compare a
 * kernel tracer's numbers with them exactly.  Run with --help for details.
 * The calls themselves are in pipe/io.c, the named FIFOs in pipe/fifo.c.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pipe/pipe.h"

const char workload_name[] = "pipe";

#define SIZE_MAX_BYTES	16777216ULL
#define COUNT_MAX	100000000ULL

static const char *const mode_name[] = { "anon", "fifo" };
static const char *const pattern_name[] = { "stream", "pingpong" };
static const char *const write_method_name[] = { "write", "writev", "vmsplice",
						  "sendfile" };
static const char *const read_method_name[] = { "read", "readv", "splice" };

/* The JSON keys of struct counts, in order. */
COUNTER_KEYS(counters, struct counts,
	"write_calls", "bytes_written", "write_errors",
	"read_calls", "bytes_read", "read_errors");

/* MAP_SHARED|MAP_ANONYMOUS, made before the fork: the child's counts and
 * the transfer's start and end on the clock both processes share. */
struct shared {
	struct counts child;
	struct xfer_time xfer;
};

static void print_help(void)
{
	fputs(
"Usage: pipe [--mode anon|fifo] [--pattern stream|pingpong] [--size BYTES]\n"
"            [--count N] [--write-method write|writev|vmsplice|sendfile]\n"
"            [--read-method read|readv|splice] [--out FILE] [--fifo-dir DIR]\n"
"            [--start-delay MS] [--cpus A,B] [--ready-delay MS]\n"
"            [--send-delay MS] [--recv-delay MS] [--help]\n"
"\n"
"Ground-truth pipe workload for ipcscope tests.  A parent and a forked child\n"
"move a known amount of data through pipes, writing with one syscall and\n"
"reading with one syscall (plain write() and read() by default); every such\n"
"syscall is counted and reported as JSON at the end.\n"
"\n"
"Options (the value may also be given as --option=VALUE):\n"
"  --mode anon|fifo     anon (default): pipe() then fork.  fifo: named FIFOs\n"
"                       made with mkfifo in a new private directory (mkdtemp)\n"
"                       under --fifo-dir; each process opens them by path\n"
"                       (child reads, parent writes; the ping-pong return\n"
"                       FIFO the other way).  The FIFOs and the directory\n"
"                       are removed on exit, on error and on SIGINT, SIGTERM\n"
"                       or SIGHUP.\n"
"  --pattern stream|pingpong\n"
"                       stream (default): the parent writes COUNT messages\n"
"                       of SIZE bytes; the child reads with a SIZE-byte\n"
"                       request until EOF.  pingpong: two pipes, COUNT round\n"
"                       trips: SIZE bytes parent -> child, then SIZE bytes\n"
"                       back; each side loops over short reads until it has\n"
"                       SIZE bytes.\n"
"  --size BYTES         bytes per message, 1..16777216 (default 4096)\n"
"  --count N            messages or round trips, 1..100000000 (default 1000)\n"
"  --write-method write|writev|vmsplice|sendfile\n"
"                       how both processes write into the measured pipes;\n"
"                       each loops over partial writes until the whole\n"
"                       message is in.  write (default): write(2).  writev:\n"
"                       writev(2) of the message as two iovecs, the first\n"
"                       half (rounded up) and the second (one iovec if SIZE\n"
"                       is 1); after a partial write the rest of those\n"
"                       iovecs.  vmsplice: vmsplice(2) of the message buffer\n"
"                       into the pipe's write end, one iovec, no flags (no\n"
"                       SPLICE_F_GIFT): the pipe references the user pages.\n"
"                       sendfile: sendfile(2) from a memfd that holds one\n"
"                       message (made before the fork; writing it is not\n"
"                       pipe traffic), at the offset of the rest.\n"
"  --read-method read|readv|splice\n"
"                       how both processes read from the measured pipes.\n"
"                       read (default): read(2).  readv: readv(2) into the\n"
"                       read buffer as two iovecs, split like writev's.\n"
"                       splice: splice(2) from the pipe's read end into\n"
"                       /dev/null (opened O_WRONLY once, before the fork),\n"
"                       asking for what is still missing of the message (or\n"
"                       SIZE bytes); the data never reaches user memory, so\n"
"                       in pingpong the child sends back the contents its\n"
"                       buffer already has.\n"
"  --out FILE           write the JSON to FILE (a regular file, created or\n"
"                       truncated) instead of stdout.  Use it when stdout is\n"
"                       a pipe: printing there is one more pipe write, which\n"
"                       a tracer would count.\n"
"  --fifo-dir DIR       where the private FIFO directory is made (default:\n"
"                       $TMPDIR, or /tmp); ignored in anon mode\n"
"  --start-delay MS     sleep MS milliseconds (0..600000, default 0) before\n"
"                       creating any pipe or forking, so that a tracer can\n"
"                       attach to the parent's PID and then see the fork\n"
CPUS_HELP
READY_DELAY_HELP
STREAM_DELAY_HELP
"  --help               print this text and exit\n"
"\n"
"Output: one JSON object, printed by the parent after the child has exited:\n"
"  workload, mode, pattern, write_method, read_method, size, count\n"
"              \"pipe\" and the parameters of the run\n"
"  pipes       one entry per measured pipe (stream: 1; pingpong: 2, the\n"
"              parent -> child one first): kind (\"anon\" or \"fifo\"); ino and\n"
"              dev: st_ino and st_dev from fstat() of the pipe fd (dev in\n"
"              user-space encoding; dev_major and dev_minor are its parts, the\n"
"              kernel's s_dev is MKDEV(dev_major, dev_minor)); path: the FIFO\n"
"              path (already removed when the JSON is printed) or null;\n"
"              writer_pid, reader_pid; bytes: bytes written into the pipe, as\n"
"              counted by its writer\n"
"  processes   parent, then child: pid, role, write_calls, bytes_written,\n"
"              write_errors, read_calls, bytes_read, read_errors\n"
"  totals      the same counters summed over both processes\n"
"  elapsed_ns  CLOCK_MONOTONIC ns from the first write to the last byte read\n"
"  write_* count syscalls of the write method, read_* of the read method\n"
"  (so read_calls are splice() calls with --read-method splice); bytes are\n"
"  the sum of the return values.  Calls count every such syscall on the\n"
"  measured pipes: partial writes, short reads, the final read returning 0\n"
"  at EOF (stream), and calls that returned -1 (also counted in *_errors;\n"
"  EINTR is retried).  Nothing else touches the measured pipes; opening\n"
"  /dev/null is not pipe traffic.\n"
RESTART_EXIT_HELP,
	      stdout);
}

static void parse_args(int argc, char **argv, struct config *cfg)
{
	static const char *const opts[] = {
		"--mode", "--pattern", "--size", "--count", "--out",
		"--fifo-dir", "--start-delay", "--cpus", "--ready-delay", "--send-delay", "--recv-delay", "--write-method", "--read-method",
	};
	struct opt_iter it = OPT_ITER(argc, argv, opts, print_help, &cfg->run);
	const char *val, *name;

	while ((name = next_opt(&it, &val))) {
		if (!strcmp(name, "--mode")) {
			cfg->mode = parse_word(name, val, mode_name, 2,
					       "anon or fifo");
		} else if (!strcmp(name, "--pattern")) {
			cfg->pattern = parse_word(name, val, pattern_name, 2,
						  "stream or pingpong");
		} else if (!strcmp(name, "--write-method")) {
			cfg->write_method = parse_word(name, val,
					write_method_name, 4,
					"write, writev, vmsplice or sendfile");
		} else if (!strcmp(name, "--read-method")) {
			cfg->read_method = parse_word(name, val,
					read_method_name, 3,
					"read, readv or splice");
		} else if (!strcmp(name, "--size")) {
			cfg->size = parse_num(name, val, 1, SIZE_MAX_BYTES);
		} else if (!strcmp(name, "--count")) {
			cfg->count = parse_num(name, val, 1, COUNT_MAX);
		} else {
			if (*val == '\0')
				usage_error("--fifo-dir: empty directory name");
			cfg->fifo_dir = val;
		}
	}
}

/*
 * Child side.  rfd/wfd are its pipe ends in anon mode; in fifo mode it opens
 * the FIFOs itself (in the same order as the parent, so neither blocks
 * forever).  Counts go straight into the shared mapping.
 */
static int child_run(const struct config *cfg, char *buf, int rfd, int wfd,
		     struct counts *c, struct xfer_time *xt)
{
	size_t size = (size_t)cfg->size;
	uint64_t want = cfg->size * cfg->count;
	int pingpong = cfg->pattern == PAT_PINGPONG;
	const char *wname = write_method_name[cfg->write_method];
	const char *rname = read_method_name[cfg->read_method];

	if (cfg->mode == MODE_FIFO) {
		rfd = open(g_fifo_path[P2C], O_RDONLY);
		if (rfd < 0) {
			sys_error("child", "open p2c FIFO");
			return 1;
		}
		if (pingpong) {
			wfd = open(g_fifo_path[C2P], O_WRONLY);
			if (wfd < 0) {
				sys_error("child", "open c2p FIFO");
				return 1;
			}
		}
	}

	xfer_receiver_ready(xt);
	if (!pingpong) {
		for (;;) {
			ssize_t n;

			if (sleep_ms(cfg->run.recv_delay_ms) < 0)
				return 1;
			n = read_once(cfg, rfd, buf, size, 0, c);

			if (n < 0) {
				sys_error("child", rname);
				return 1;
			}
			if (n == 0)
				break;
			/* Stream: the transfer ends with its last byte. */
			if (c->bytes_read == want)
				xfer_end(xt);
		}
	} else {
		for (uint64_t i = 0; i < cfg->count; i++) {
			int r = read_exact(cfg, rfd, buf, size, c);

			if (r < 0) {
				sys_error("child", rname);
				return 1;
			}
			if (r == 0) {
				say("child", "%s: unexpected EOF after %" PRIu64
				    " of %" PRIu64 " round trips", rname, i,
				    cfg->count);
				return 1;
			}
			if (write_all(cfg, wfd, buf, size, c) < 0) {
				sys_error("child", wname);
				return 1;
			}
		}
		if (close(wfd) < 0) {
			sys_error("child", "close");
			return 1;
		}
	}
	if (close(rfd) < 0) {
		sys_error("child", "close");
		return 1;
	}
	return 0;
}

/*
 * Parent side.  wfd/rfd are its anon pipe ends (-1 in fifo mode).  Returns 0
 * on success; on failure *opened says whether all FIFOs were open (if not,
 * the child may be stuck in open() and has to be killed).
 */
static int parent_run(const struct config *cfg, char *buf, int wfd, int rfd,
		      struct counts *c, struct file_id id[2], int *opened,
		      struct xfer_time *xt)
{
	size_t size = (size_t)cfg->size;
	int pingpong = cfg->pattern == PAT_PINGPONG;
	const char *wname = write_method_name[cfg->write_method];
	const char *rname = read_method_name[cfg->read_method];
	int ret = -1;

	*opened = 0;
	if (cfg->mode == MODE_FIFO) {
		wfd = parent_open_fifo(P2C, O_WRONLY);
		if (wfd < 0)
			goto out;
		get_file_id(wfd, &id[P2C]);
		if (pingpong) {
			rfd = parent_open_fifo(C2P, O_RDONLY);
			if (rfd < 0)
				goto out;
			get_file_id(rfd, &id[C2P]);
		}
	}
	*opened = 1;

	if (xfer_wait_receiver(xt, 1) < 0)
		goto out;	/* the child failed: it said why */
	xfer_start(xt);
	for (uint64_t i = 0; i < cfg->count; i++) {
		if (write_all(cfg, wfd, buf, size, c) < 0) {
			sys_error("parent", wname);
			goto out;
		}
		if (sleep_ms(cfg->run.send_delay_ms) < 0)
			goto out;
		if (pingpong) {
			int r = read_exact(cfg, rfd, buf, size, c);

			if (r < 0) {
				sys_error("parent", rname);
				goto out;
			}
			if (r == 0) {
				say("parent", "%s: unexpected EOF after %"
				    PRIu64 " of %" PRIu64 " round trips",
				    rname, i, cfg->count);
				goto out;
			}
		}
	}
	/* Pingpong: the transfer ends with the last reply. */
	if (pingpong)
		xfer_end(xt);
	ret = 0;
out:
	/* Closing is what lets the child see EOF (or EPIPE) and finish. */
	if (wfd >= 0 && close(wfd) < 0 && ret == 0) {
		sys_error("parent", "close");
		ret = -1;
	}
	if (rfd >= 0 && close(rfd) < 0 && ret == 0) {
		sys_error("parent", "close");
		ret = -1;
	}
	return ret;
}

static void json_pipe(FILE *f, const struct config *cfg,
		      const struct file_id *id, const char *path,
		      pid_t writer, pid_t reader, uint64_t bytes, int last)
{
	fprintf(f, "    {\"kind\": \"%s\", ", mode_name[cfg->mode]);
	json_file_id(f, id);
	fputs(", \"path\": ", f);
	if (cfg->mode == MODE_FIFO)
		json_string(f, path);
	else
		fputs("null", f);
	fprintf(f, ", \"writer_pid\": %ld, \"reader_pid\": %ld, \"bytes\": %"
		PRIu64 "}%s\n", (long)writer, (long)reader, bytes,
		last ? "" : ",");
}

static void print_json(FILE *f, const struct config *cfg,
		       const struct file_id id[2], pid_t ppid, pid_t cpid,
		       const struct counts *pc, const struct counts *cc,
		       uint64_t elapsed_ns)
{
	int pingpong = cfg->pattern == PAT_PINGPONG;

	fprintf(f, "{\n  \"workload\": \"pipe\",\n  \"mode\": \"%s\",\n"
		"  \"pattern\": \"%s\",\n  \"write_method\": \"%s\",\n"
		"  \"read_method\": \"%s\",\n  \"size\": %" PRIu64 ",\n"
		"  \"count\": %" PRIu64 ",\n  \"pipes\": [\n",
		mode_name[cfg->mode], pattern_name[cfg->pattern],
		write_method_name[cfg->write_method],
		read_method_name[cfg->read_method], cfg->size, cfg->count);
	json_pipe(f, cfg, &id[P2C], g_fifo_path[P2C], ppid, cpid,
		  pc->bytes_written, !pingpong);
	if (pingpong)
		json_pipe(f, cfg, &id[C2P], g_fifo_path[C2P], cpid, ppid,
			  cc->bytes_written, 1);
	fputs("  ],\n", f);
	json_processes(f, &counters, ppid, pc, cpid, cc);
	json_totals(f, &counters, pc, cc);
	fprintf(f, ",\n  \"elapsed_ns\": %" PRIu64 "\n}\n", elapsed_ns);
}

int main(int argc, char **argv)
{
	struct config cfg = {
		.mode = MODE_ANON, .pattern = PAT_STREAM,
		.write_method = WM_WRITE, .read_method = RM_READ,
		.size = 4096, .count = 1000, .null_fd = -1, .src_fd = -1,
	};
	struct file_id id[2] = { { 0, 0, 0, 0 }, { 0, 0, 0, 0 } };
	struct counts pc = { 0, 0, 0, 0, 0, 0 }, *cc;
	struct shared *sh;
	int npipes, afd[2][2] = { { -1, -1 }, { -1, -1 } };
	int status = 0, opened, failed = 0;
	pid_t ppid, cpid;
	FILE *out;
	char *buf;

	parse_args(argc, argv, &cfg);
	npipes = cfg.pattern == PAT_PINGPONG ? 2 : 1;
	if (cfg.mode == MODE_FIFO)
		prepare_fifo_paths(&cfg);
	out = open_out(cfg.run.out_path);

	buf = malloc((size_t)cfg.size);
	if (!buf) {
		sys_error("parent", "malloc");
		return 1;
	}
	memset(buf, 'x', (size_t)cfg.size);

	/* Where splice() drops what it takes out of a pipe; inherited by the
	 * child.  Opened once, before any pipe work: not pipe traffic. */
	if (cfg.read_method == RM_SPLICE) {
		cfg.null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (cfg.null_fd < 0) {
			sys_error("parent", "open /dev/null");
			return 1;
		}
	}

	/* What sendfile() sends: one message, in a file of its own. */
	if (cfg.write_method == WM_SENDFILE) {
		cfg.src_fd = memfd_create("ipcscope-pipe-message", MFD_CLOEXEC);
		if (cfg.src_fd < 0 ||
		    write(cfg.src_fd, buf, (size_t)cfg.size) != (ssize_t)cfg.size) {
			sys_error("parent", "memfd for sendfile");
			return 1;
		}
	}

	sh = map_shared_zeroed(sizeof(*sh));
	if (!sh)
		return 1;
	cc = &sh->child;

	install_common_handlers(WATCH_CHILD, unblock_fifo_open);
	if (sleep_ms(cfg.run.start_delay_ms) < 0)
		return 1;

	if (cfg.mode == MODE_FIFO) {
		if (make_fifos(npipes) < 0) {
			remove_fifos();
			return 1;
		}
	} else {
		for (int i = 0; i < npipes; i++) {
			if (pipe(afd[i]) < 0) {
				sys_error("parent", "pipe");
				return 1;
			}
			get_file_id(afd[i][0], &id[i]);
		}
	}

	ppid = getpid();
	cpid = fork_child(ppid, 0);
	if (cpid < 0) {
		remove_fifos();
		return 1;
	}
	if (cpid == 0) {
		if (cfg.mode == MODE_ANON) {
			close(afd[P2C][1]);
			if (npipes == 2)
				close(afd[C2P][0]);
		}
		/* _exit: no stdio flush, no atexit, no cleanup of the FIFOs. */
		_exit(child_run(&cfg, buf, afd[P2C][0], afd[C2P][1], cc,
				&sh->xfer));
	}

	if (cfg.mode == MODE_ANON) {
		close(afd[P2C][0]);
		if (npipes == 2)
			close(afd[C2P][1]);
	}
	if (parent_run(&cfg, buf, afd[P2C][1], afd[C2P][0], &pc, id,
		       &opened, &sh->xfer) < 0) {
		failed = 1;
		/* With all our ends closed the child gets EOF or EPIPE; only
		 * a child still waiting in open() of a FIFO needs a kill. */
		if (!opened)
			kill(cpid, SIGKILL);
	}

	if (reap_child(cpid, &status) < 0)
		failed = 1;
	/* Counts are collected: the FIFOs are no longer needed. */
	if (g_unblock_fd >= 0)
		close(g_unblock_fd);
	remove_fifos();

	if (child_status(status, opened) < 0) {
		failed = 1;
	} else if (!failed) {
		/* Both ends must agree on what went through each pipe. */
		uint64_t want = cfg.size * cfg.count;

		if (pc.bytes_written != want || cc->bytes_read != want ||
		    (npipes == 2 && (cc->bytes_written != want ||
				     pc.bytes_read != want))) {
			fprintf(stderr, "pipe: byte counts disagree (expected "
				"%" PRIu64 " per direction)\n", want);
			failed = 1;
		}
	}

	print_json(out, &cfg, id, ppid, cpid, &pc, cc,
		   xfer_elapsed_ns(&sh->xfer));
	free(buf);
	return finish_output(out, failed);
}
