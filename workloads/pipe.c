/*
 * pipe.c - ground-truth pipe workload for the ipcscope integration tests.
 *
 * A parent and a forked child move a known amount of data through anonymous
 * pipes or named FIFOs (one-way stream or two-way ping-pong) with one chosen
 * way of writing (write, writev, vmsplice or sendfile) and one of reading (read, readv
 * or splice to /dev/null).  Every one of those syscalls is counted, and the
 * parent prints the counts as JSON at the end, so a test can compare a
 * kernel tracer's numbers with them exactly.  Run with --help for details.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "utf8.h"

const char workload_name[] = "pipe";

#define SIZE_MAX_BYTES	16777216ULL
#define COUNT_MAX	100000000ULL
#define DELAY_MAX_MS	600000ULL

enum mode { MODE_ANON, MODE_FIFO };
enum pattern { PAT_STREAM, PAT_PINGPONG };
enum write_method { WM_WRITE, WM_WRITEV, WM_VMSPLICE, WM_SENDFILE };
enum read_method { RM_READ, RM_READV, RM_SPLICE };
static const char *const write_method_name[] = { "write", "writev", "vmsplice",
						  "sendfile" };
static const char *const read_method_name[] = { "read", "readv", "splice" };

/* Pipe 0 carries parent -> child, pipe 1 (ping-pong only) child -> parent. */
enum { P2C = 0, C2P = 1 };
static const char *const fifo_name[2] = { "p2c", "c2p" };

struct config {
	enum mode mode;
	enum pattern pattern;
	enum write_method write_method;
	enum read_method read_method;
	uint64_t size;
	uint64_t count;
	uint64_t start_delay_ms;
	uint64_t send_delay_ms;	/* --send-delay */
	uint64_t recv_delay_ms;	/* --recv-delay */
	const char *out_path;	/* NULL: stdout */
	const char *fifo_dir;	/* NULL: $TMPDIR or /tmp */
	int null_fd;		/* /dev/null for --read-method splice, else -1 */
	int src_fd;		/* a memfd holding one message, for sendfile */
};

/* What one process did on the measured pipes. */
struct counts {
	uint64_t write_calls, bytes_written, write_errors;
	uint64_t read_calls, bytes_read, read_errors;
};

/* MAP_SHARED|MAP_ANONYMOUS, made before the fork: the child's counts and
 * the transfer's start and end on the clock both processes share. */
struct shared {
	struct counts child;
	struct xfer_time xfer;
};

struct pipe_meta {
	uint64_t ino, dev;
	unsigned int dev_major, dev_minor;
};

/*
 * State the signal handlers need.  Paths are stored in static buffers
 * before their "made" flag is set, so a handler never sees a half-built name.
 * g_dir is shorter than a path by room for "/p2c", so a FIFO path always fits.
 */
static char g_dir[PATH_MAX - 8];
static char g_fifo_path[2][PATH_MAX];
static volatile sig_atomic_t g_dir_made;
static volatile sig_atomic_t g_fifo_made[2];
static volatile sig_atomic_t g_opening = -1;	/* FIFO the parent is opening */
static volatile sig_atomic_t g_unblock_fd = -1;

static void print_help(void)
{
	fputs(
"Usage: pipe [--mode anon|fifo] [--pattern stream|pingpong] [--size BYTES]\n"
"            [--count N] [--write-method write|writev|vmsplice|sendfile]\n"
"            [--read-method read|readv|splice] [--out FILE] [--fifo-dir DIR]\n"
"            [--start-delay MS]\n"
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
"  A syscall the kernel restarts by itself (after SIGSTOP/SIGCONT, or any\n"
"  signal while ptraced) is one call here but two for a kernel tracer.\n"
"\n"
"Exit status: 0 success; 1 a syscall failed or the child failed (one line\n"
"on stderr; the JSON is still printed once the child has been started);\n"
"2 bad command line or --out; 128+N killed by signal N (after cleanup).\n",
	      stdout);
}

static void parse_args(int argc, char **argv, struct config *cfg)
{
	static const char *const opts[] = {
		"--mode", "--pattern", "--size", "--count", "--out",
		"--fifo-dir", "--start-delay", "--send-delay", "--recv-delay", "--write-method", "--read-method",
	};

	for (int i = 1; i < argc; i++) {
		const char *val, *name;

		name = next_option(argc, argv, &i, opts,
				   sizeof(opts) / sizeof(opts[0]), print_help,
				   &val);

		if (!strcmp(name, "--mode")) {
			if (!strcmp(val, "anon"))
				cfg->mode = MODE_ANON;
			else if (!strcmp(val, "fifo"))
				cfg->mode = MODE_FIFO;
			else
				usage_error("--mode: '%s' is not anon or fifo", val);
		} else if (!strcmp(name, "--pattern")) {
			if (!strcmp(val, "stream"))
				cfg->pattern = PAT_STREAM;
			else if (!strcmp(val, "pingpong"))
				cfg->pattern = PAT_PINGPONG;
			else
				usage_error("--pattern: '%s' is not stream or pingpong",
					    val);
		} else if (!strcmp(name, "--write-method")) {
			if (!strcmp(val, "write"))
				cfg->write_method = WM_WRITE;
			else if (!strcmp(val, "writev"))
				cfg->write_method = WM_WRITEV;
			else if (!strcmp(val, "vmsplice"))
				cfg->write_method = WM_VMSPLICE;
			else if (!strcmp(val, "sendfile"))
				cfg->write_method = WM_SENDFILE;
			else
				usage_error("--write-method: '%s' is not write, "
					    "writev, vmsplice or sendfile", val);
		} else if (!strcmp(name, "--read-method")) {
			if (!strcmp(val, "read"))
				cfg->read_method = RM_READ;
			else if (!strcmp(val, "readv"))
				cfg->read_method = RM_READV;
			else if (!strcmp(val, "splice"))
				cfg->read_method = RM_SPLICE;
			else
				usage_error("--read-method: '%s' is not read, "
					    "readv or splice", val);
		} else if (!strcmp(name, "--size")) {
			cfg->size = parse_num(name, val, 1, SIZE_MAX_BYTES);
		} else if (!strcmp(name, "--count")) {
			cfg->count = parse_num(name, val, 1, COUNT_MAX);
		} else if (!strcmp(name, "--start-delay")) {
			cfg->start_delay_ms = parse_num(name, val, 0, DELAY_MAX_MS);
		} else if (!strcmp(name, "--send-delay")) {
			cfg->send_delay_ms = parse_num(name, val, 0, DELAY_MAX_MS);
		} else if (!strcmp(name, "--recv-delay")) {
			cfg->recv_delay_ms = parse_num(name, val, 0, DELAY_MAX_MS);
		} else if (!strcmp(name, "--out")) {
			cfg->out_path = parse_out_path(val);
		} else {
			if (*val == '\0')
				usage_error("--fifo-dir: empty directory name");
			cfg->fifo_dir = val;
		}
	}
}

/* Build the mkdtemp template and FIFO names up front so errors are exit 2. */
static void prepare_fifo_paths(const struct config *cfg)
{
	const char *base;
	int len;

	if (temp_dir_template(g_dir, sizeof(g_dir), cfg->fifo_dir, &base,
			      &len) < 0)
		usage_error("--fifo-dir: path too long");
	if (utf8_error((const unsigned char *)g_dir, strlen(g_dir)))
		usage_error("--fifo-dir: '%.*s' is not valid UTF-8", len, base);
}

/* Removes whatever FIFO paths exist; async-signal-safe (unlink, rmdir). */
static void remove_fifo_paths(void)
{
	for (int i = 1; i >= 0; i--) {
		if (g_fifo_made[i]) {
			unlink(g_fifo_path[i]);
			g_fifo_made[i] = 0;
		}
	}
	if (g_dir_made) {
		rmdir(g_dir);
		g_dir_made = 0;
	}
}

static void on_term_signal(int sig)
{
	remove_fifo_paths();
	kill_and_reap_child();
	_exit(128 + sig);
}

/*
 * If the child dies while the parent is blocked in open() of a FIFO, nobody
 * will ever open the other end.  Opening it O_RDWR here counts as both a
 * reader and a writer, which lets the parent's open() return; the parent
 * then sees g_child_gone and gives up instead of hanging.
 */
static void on_sigchld(int sig)
{
	int saved = errno, idx = g_opening;
	siginfo_t info;

	(void)sig;
	if (!child_exit_seen(&info))
		goto out;
	g_child_gone = 1;
	if (idx >= 0 && g_unblock_fd < 0)
		g_unblock_fd = open(g_fifo_path[idx], O_RDWR | O_NONBLOCK);
out:
	errno = saved;
}

/* Signals are blocked so a handler never misses something just created. */
static int make_fifos(int npipes)
{
	sigset_t old;
	int ret = -1;

	block_handled_signals(&old, 1);
	if (!mkdtemp(g_dir)) {
		sys_error("parent", "mkdtemp");
		goto out;
	}
	g_dir_made = 1;
	for (int i = 0; i < npipes; i++) {
		snprintf(g_fifo_path[i], sizeof(g_fifo_path[i]), "%s/%s",
			 g_dir, fifo_name[i]);
		if (mkfifo(g_fifo_path[i], 0600) < 0) {
			sys_error("parent", "mkfifo");
			goto out;
		}
		g_fifo_made[i] = 1;
	}
	ret = 0;
out:
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}

/*
 * The iovecs for what is left of the len-byte message at buf once done bytes
 * have moved.  The message is two halves, the first rounded up so that it is
 * never empty (one iovec when len is 1); a call after a partial transfer
 * asks for the rest of those halves.  Returns the number of iovecs.
 */
static int message_iov(struct iovec iov[2], const char *buf, size_t len,
		       size_t done)
{
	size_t half = len - len / 2;
	int n = 0;

	if (done < half) {
		iov[n].iov_base = (char *)buf + done;
		iov[n].iov_len = half - done;
		n++;
		done = half;
	}
	if (done < len) {
		iov[n].iov_base = (char *)buf + done;
		iov[n].iov_len = len - done;
		n++;
	}
	return n;
}

/* One syscall of the write method for buf[done..len). */
static ssize_t write_call(const struct config *cfg, int fd, const char *buf,
			  size_t len, size_t done)
{
	struct iovec iov[2];
	int n;

	switch (cfg->write_method) {
	case WM_WRITEV:
		n = message_iov(iov, buf, len, done);
		return writev(fd, iov, n);
	case WM_VMSPLICE:
		/* No SPLICE_F_GIFT: the pipe references our pages. */
		iov[0].iov_base = (char *)buf + done;
		iov[0].iov_len = len - done;
		return vmsplice(fd, iov, 1, 0);
	case WM_SENDFILE: {
		off_t off = (off_t)done;

		return sendfile(fd, cfg->src_fd, &off, len - done);
	}
	case WM_WRITE:
		break;
	}
	return write(fd, buf + done, len - done);
}

/* One syscall of the read method for buf[done..len); splice drops the data. */
static ssize_t read_call(const struct config *cfg, int fd, char *buf,
			 size_t len, size_t done)
{
	struct iovec iov[2];
	int n;

	switch (cfg->read_method) {
	case RM_READV:
		n = message_iov(iov, buf, len, done);
		return readv(fd, iov, n);
	case RM_SPLICE:
		return splice(fd, NULL, cfg->null_fd, NULL, len - done, 0);
	case RM_READ:
		break;
	}
	return read(fd, buf + done, len - done);
}

/*
 * The only I/O on the measured pipes goes through these.  Every call of the
 * write or read method is counted, including partial transfers and failed
 * calls; EINTR is retried (the interrupted call still was a syscall).
 */
static int write_all(const struct config *cfg, int fd, const char *buf,
		     size_t len, struct counts *c)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write_call(cfg, fd, buf, len, done);

		c->write_calls++;
		if (n < 0) {
			c->write_errors++;
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {	/* cannot happen on a pipe; don't spin */
			errno = EIO;
			return -1;
		}
		c->bytes_written += (uint64_t)n;
		done += (size_t)n;
	}
	return 0;
}

/* One successful (or failed) read of buf[done..len), retrying EINTR. */
static ssize_t read_once(const struct config *cfg, int fd, char *buf,
			 size_t len, size_t done, struct counts *c)
{
	for (;;) {
		ssize_t n = read_call(cfg, fd, buf, len, done);

		c->read_calls++;
		if (n >= 0) {
			c->bytes_read += (uint64_t)n;
			return n;
		}
		c->read_errors++;
		if (errno != EINTR)
			return -1;
	}
}

/* Returns 1 when len bytes arrived, 0 on EOF before that, -1 on error. */
static int read_exact(const struct config *cfg, int fd, char *buf,
		      size_t len, struct counts *c)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read_once(cfg, fd, buf, len, got, c);

		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		got += (size_t)n;
	}
	return 1;
}

static void get_meta(int fd, struct pipe_meta *m)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		sys_error("parent", "fstat");
		return;
	}
	m->ino = (uint64_t)st.st_ino;
	m->dev = (uint64_t)st.st_dev;
	m->dev_major = major(st.st_dev);
	m->dev_minor = minor(st.st_dev);
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

	if (!pingpong) {
		for (;;) {
			ssize_t n;

			if (cfg->recv_delay_ms && sleep_ms(cfg->recv_delay_ms) < 0)
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
				xt->end_ns = mono_ns();
		}
	} else {
		for (uint64_t i = 0; i < cfg->count; i++) {
			int r = read_exact(cfg, rfd, buf, size, c);

			if (r < 0) {
				sys_error("child", rname);
				return 1;
			}
			if (r == 0) {
				fprintf(stderr, "pipe: child: %s: unexpected EOF "
					"after %" PRIu64 " of %" PRIu64
					" round trips\n", rname, i, cfg->count);
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

/* Parent's open of a FIFO that gives up if the child is gone. */
static int parent_open_fifo(int idx, int flags)
{
	for (;;) {
		int fd;

		/* Set g_opening first: then either we see g_child_gone here
		 * or the SIGCHLD handler sees g_opening and unblocks open(). */
		g_opening = idx;
		if (g_child_gone) {
			g_opening = -1;
			break;
		}
		fd = open(g_fifo_path[idx], flags);
		g_opening = -1;
		if (fd >= 0 && !g_child_gone)
			return fd;
		if (fd >= 0) {
			close(fd);
			break;
		}
		if (errno != EINTR) {
			sys_error("parent", idx == P2C ? "open p2c FIFO" :
				  "open c2p FIFO");
			return -1;
		}
	}
	fprintf(stderr, "pipe: parent: open %s FIFO: child exited first\n",
		fifo_name[idx]);
	return -1;
}

/*
 * Parent side.  wfd/rfd are its anon pipe ends (-1 in fifo mode).  Returns 0
 * on success; on failure *opened says whether all FIFOs were open (if not,
 * the child may be stuck in open() and has to be killed).
 */
static int parent_run(const struct config *cfg, char *buf, int wfd, int rfd,
		      struct counts *c, struct pipe_meta meta[2], int *opened,
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
		get_meta(wfd, &meta[P2C]);
		if (pingpong) {
			rfd = parent_open_fifo(C2P, O_RDONLY);
			if (rfd < 0)
				goto out;
			get_meta(rfd, &meta[C2P]);
		}
	}
	*opened = 1;

	xt->start_ns = mono_ns();
	for (uint64_t i = 0; i < cfg->count; i++) {
		if (write_all(cfg, wfd, buf, size, c) < 0) {
			sys_error("parent", wname);
			goto out;
		}
		if (cfg->send_delay_ms && sleep_ms(cfg->send_delay_ms) < 0)
			goto out;
		if (pingpong) {
			int r = read_exact(cfg, rfd, buf, size, c);

			if (r < 0) {
				sys_error("parent", rname);
				goto out;
			}
			if (r == 0) {
				fprintf(stderr, "pipe: parent: %s: unexpected "
					"EOF after %" PRIu64 " of %" PRIu64
					" round trips\n", rname, i, cfg->count);
				goto out;
			}
		}
	}
	/* Pingpong: the transfer ends with the last reply. */
	if (pingpong)
		xt->end_ns = mono_ns();
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

static void json_counts(FILE *f, const struct counts *c)
{
	fprintf(f, "\"write_calls\": %" PRIu64 ", \"bytes_written\": %" PRIu64
		", \"write_errors\": %" PRIu64 ", \"read_calls\": %" PRIu64
		", \"bytes_read\": %" PRIu64 ", \"read_errors\": %" PRIu64,
		c->write_calls, c->bytes_written, c->write_errors,
		c->read_calls, c->bytes_read, c->read_errors);
}

static void json_pipe(FILE *f, const struct config *cfg,
		      const struct pipe_meta *m, const char *path,
		      pid_t writer, pid_t reader, uint64_t bytes, int last)
{
	fprintf(f, "    {\"kind\": \"%s\", \"ino\": %" PRIu64 ", \"dev\": %"
		PRIu64 ", \"dev_major\": %u, \"dev_minor\": %u, \"path\": ",
		cfg->mode == MODE_FIFO ? "fifo" : "anon", m->ino, m->dev,
		m->dev_major, m->dev_minor);
	if (cfg->mode == MODE_FIFO)
		json_string(f, path);
	else
		fputs("null", f);
	fprintf(f, ", \"writer_pid\": %ld, \"reader_pid\": %ld, \"bytes\": %"
		PRIu64 "}%s\n", (long)writer, (long)reader, bytes,
		last ? "" : ",");
}

static int print_json(FILE *f, const struct config *cfg,
		      const struct pipe_meta meta[2], pid_t ppid, pid_t cpid,
		      const struct counts *pc, const struct counts *cc,
		      uint64_t elapsed_ns)
{
	int pingpong = cfg->pattern == PAT_PINGPONG;
	struct counts t = {
		pc->write_calls + cc->write_calls,
		pc->bytes_written + cc->bytes_written,
		pc->write_errors + cc->write_errors,
		pc->read_calls + cc->read_calls,
		pc->bytes_read + cc->bytes_read,
		pc->read_errors + cc->read_errors,
	};

	fprintf(f, "{\n  \"workload\": \"pipe\",\n  \"mode\": \"%s\",\n"
		"  \"pattern\": \"%s\",\n  \"write_method\": \"%s\",\n"
		"  \"read_method\": \"%s\",\n  \"size\": %" PRIu64 ",\n"
		"  \"count\": %" PRIu64 ",\n  \"pipes\": [\n",
		cfg->mode == MODE_FIFO ? "fifo" : "anon",
		pingpong ? "pingpong" : "stream",
		write_method_name[cfg->write_method],
		read_method_name[cfg->read_method], cfg->size, cfg->count);
	json_pipe(f, cfg, &meta[P2C], g_fifo_path[P2C], ppid, cpid,
		  pc->bytes_written, !pingpong);
	if (pingpong)
		json_pipe(f, cfg, &meta[C2P], g_fifo_path[C2P], cpid, ppid,
			  cc->bytes_written, 1);
	fprintf(f, "  ],\n  \"processes\": [\n    {\"pid\": %ld, "
		"\"role\": \"parent\", ", (long)ppid);
	json_counts(f, pc);
	fprintf(f, "},\n    {\"pid\": %ld, \"role\": \"child\", ", (long)cpid);
	json_counts(f, cc);
	fputs("}\n  ],\n  \"totals\": {", f);
	json_counts(f, &t);
	fprintf(f, "},\n  \"elapsed_ns\": %" PRIu64 "\n}\n", elapsed_ns);

	return finish_json(f);
}

int main(int argc, char **argv)
{
	struct config cfg = {
		.mode = MODE_ANON, .pattern = PAT_STREAM,
		.write_method = WM_WRITE, .read_method = RM_READ,
		.size = 4096, .count = 1000, .null_fd = -1, .src_fd = -1,
	};
	struct pipe_meta meta[2] = { { 0, 0, 0, 0 }, { 0, 0, 0, 0 } };
	struct counts pc = { 0, 0, 0, 0, 0, 0 }, *cc;
	struct shared *sh;
	int npipes, afd[2][2] = { { -1, -1 }, { -1, -1 } };
	int status = 0, opened, failed = 0;
	pid_t ppid, cpid;
	sigset_t old;
	FILE *out;
	char *buf;

	parse_args(argc, argv, &cfg);
	npipes = cfg.pattern == PAT_PINGPONG ? 2 : 1;
	if (cfg.mode == MODE_FIFO)
		prepare_fifo_paths(&cfg);
	out = open_out(cfg.out_path);

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

	/* The child's counters live here: no IPC syscall needed to report
	 * them, and they survive even if the child dies half-way. */
	sh = map_shared_zeroed(sizeof(*sh));
	if (!sh)
		return 1;
	cc = &sh->child;

	install_common_handlers(on_term_signal, on_sigchld, NULL);
	if (cfg.start_delay_ms && sleep_ms(cfg.start_delay_ms) < 0)
		return 1;

	if (cfg.mode == MODE_FIFO) {
		if (make_fifos(npipes) < 0) {
			remove_fifo_paths();
			return 1;
		}
	} else {
		for (int i = 0; i < npipes; i++) {
			if (pipe(afd[i]) < 0) {
				sys_error("parent", "pipe");
				return 1;
			}
			get_meta(afd[i][0], &meta[i]);
		}
	}

	ppid = getpid();
	/* Blocked across fork: the child must never run the parent's
	 * cleanup handler, and the parent must know the child's pid before
	 * a handler can run. */
	block_handled_signals(&old, 1);
	cpid = fork();
	if (cpid < 0) {
		sys_error("parent", "fork");
		remove_fifo_paths();
		return 1;
	}
	if (cpid == 0) {
		int code;

		restore_default_handlers();
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (cfg.mode == MODE_ANON) {
			close(afd[P2C][1]);
			if (npipes == 2)
				close(afd[C2P][0]);
		}
		code = child_run(&cfg, buf, afd[P2C][0], afd[C2P][1], cc,
				 &sh->xfer);
		/* _exit: no stdio flush, no atexit, no cleanup of the FIFOs. */
		_exit(code);
	}
	g_child_pid = cpid;
	sigprocmask(SIG_SETMASK, &old, NULL);

	if (cfg.mode == MODE_ANON) {
		close(afd[P2C][0]);
		if (npipes == 2)
			close(afd[C2P][1]);
	}
	if (parent_run(&cfg, buf, afd[P2C][1], afd[C2P][0], &pc, meta,
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
	remove_fifo_paths();

	if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		failed = 1;	/* the child already said why */
	} else if (WIFSIGNALED(status)) {
		if (opened)
			fprintf(stderr, "pipe: child killed by signal %d\n",
				WTERMSIG(status));
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

	if (print_json(out, &cfg, meta, ppid, cpid, &pc, cc,
		       xfer_elapsed_ns(&sh->xfer)) < 0)
		failed = 1;
	if (close_out(out) < 0)
		failed = 1;
	free(buf);
	return failed ? 1 : 0;
}
