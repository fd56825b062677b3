// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * pipe.c - the props workload's pipe experiments: a pipe's capacity, a
 * writer blocking on a full pipe, message boundaries lost in a pipe, and
 * its one-way direction; see props.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "props.h"

/* --- pipe-capacity ------------------------------------------------------ */

int prop_pipe_capacity(FILE *f)
{
	static char buf[CHUNK];
	uint64_t calls = 0, bytes = 0, partial = 0;
	int fd[2], eagain = 0, failed = 0, sz;

	memset(buf, 'c', sizeof(buf));
	if (pipe2(fd, O_NONBLOCK) < 0) {
		sys_error("parent", "pipe2");
		return -1;
	}
	for (;;) {
		ssize_t n = write(fd[1], buf, sizeof(buf));

		calls++;
		if (n < 0) {
			if (errno == EAGAIN) {
				eagain = 1;
			} else {
				sys_error("parent", "write");
				failed = 1;
			}
			break;
		}
		bytes += (uint64_t)n;
		if ((size_t)n < sizeof(buf))
			partial++;
	}
	sz = fcntl(fd[1], F_GETPIPE_SZ);
	if (sz < 0) {
		sys_error("parent", "fcntl F_GETPIPE_SZ");
		failed = 1;
	}
	if (close(fd[0]) < 0 || close(fd[1]) < 0) {
		sys_error("parent", "close");
		failed = 1;
	}
	fprintf(f, "{\n  \"prop\": \"pipe-capacity\",\n  \"pid\": %ld,\n"
		"  \"read_fd\": %d,\n  \"write_fd\": %d,\n"
		"  \"write_size\": %d,\n  \"write_calls\": %" PRIu64 ",\n"
		"  \"partial_writes\": %" PRIu64 ",\n  \"eagain\": %d,\n"
		"  \"bytes_written\": %" PRIu64 ",\n  \"f_getpipe_sz\": %d\n}\n",
		(long)getpid(), fd[0], fd[1], CHUNK, calls, partial, eagain,
		bytes, sz);
	return failed ? -1 : 0;
}

/* --- pipe-blocking ------------------------------------------------------ */

/* Writes all len bytes; counts the calls.  -1 on error. */
static int write_all(int fd, const char *buf, size_t len, uint64_t *calls)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, buf + done, len - done);

		++*calls;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

/* Child: reads until EOF into buf; counts into sh.  Returns the exit code. */
static int read_to_eof(int fd, char *buf, size_t len, struct shared *sh)
{
	for (;;) {
		ssize_t n = read(fd, buf, len);

		sh->read_calls++;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			sys_error("child", "read");
			return 1;
		}
		if (n == 0)
			return 0;
		sh->bytes_read += (uint64_t)n;
	}
}

/*
 * The pipe's reading child: the child closes the write end, the parent
 * the read end (else a dead reader would leave the parent's writes
 * blocked).  Returns the child's pid in the parent, 0 in the child, -1 on
 * error.
 */
static pid_t fork_reader(int fd[2])
{
	pid_t cpid = start_child();

	if (cpid == 0)
		close(fd[1]);
	else if (cpid > 0)
		close(fd[0]);
	return cpid;
}

int prop_pipe_blocking(FILE *f, struct shared *sh)
{
	uint64_t fill_calls = 0, blocked_calls = 0;
	int64_t fill_ns = -1, blocked_ns = -1, t0;
	int fd[2], sz, failed = 0;
	pid_t ppid = getpid(), cpid;
	char *buf;

	if (pipe(fd) < 0) {
		sys_error("parent", "pipe");
		return -1;
	}
	sz = fcntl(fd[1], F_GETPIPE_SZ);
	if (sz < 0) {
		sys_error("parent", "fcntl F_GETPIPE_SZ");
		return -1;
	}
	buf = malloc((size_t)sz);
	if (!buf) {
		sys_error("parent", "malloc");
		return -1;
	}
	memset(buf, 'b', (size_t)sz);

	cpid = fork_reader(fd);
	if (cpid < 0)
		return -1;
	if (cpid == 0) {
		int code;

		if (sleep_ms(READER_DELAY_MS) < 0)
			_exit(1);
		code = read_to_eof(fd[0], buf, (size_t)sz, sh);
		if (close(fd[0]) < 0 && code == 0) {
			sys_error("child", "close");
			code = 1;
		}
		_exit(code);
	}

	t0 = (int64_t)monotonic_ns();
	if (write_all(fd[1], buf, (size_t)sz, &fill_calls) < 0) {
		sys_error("parent", "write (fill)");
		failed = 1;
	} else {
		fill_ns = (int64_t)monotonic_ns() - t0;
		t0 = (int64_t)monotonic_ns();
		if (write_all(fd[1], buf, CHUNK, &blocked_calls) < 0) {
			sys_error("parent", "write (blocked)");
			failed = 1;
		} else {
			blocked_ns = (int64_t)monotonic_ns() - t0;
		}
	}
	if (close(fd[1]) < 0 && !failed) {
		sys_error("parent", "close");
		failed = 1;
	}
	if (finish_child(cpid) < 0)
		failed = 1;
	free(buf);

	fprintf(f, "{\n  \"prop\": \"pipe-blocking\",\n  \"capacity\": %d,\n"
		"  \"fill_write_bytes\": %d,\n  \"fill_write_calls\": %" PRIu64
		",\n  \"fill_write_ns\": %" PRId64 ",\n"
		"  \"blocked_write_bytes\": %d,\n  \"blocked_write_calls\": %"
		PRIu64 ",\n  \"blocked_write_ns\": %" PRId64 ",\n"
		"  \"reader_delay_ns\": %lld,\n  \"reader_read_calls\": %" PRIu64
		",\n  \"reader_bytes_read\": %" PRIu64 ",\n"
		"  \"writer_pid\": %ld,\n  \"reader_pid\": %ld\n}\n",
		sz, sz, fill_calls, fill_ns, CHUNK, blocked_calls, blocked_ns,
		(long long)READER_DELAY_MS * 1000000LL, sh->read_calls,
		sh->bytes_read, (long)ppid, (long)cpid);
	return failed ? -1 : 0;
}

/* --- pipe-boundaries ---------------------------------------------------- */

static int boundaries_child(int fd, struct shared *sh, pid_t parent)
{
	static char buf[READ_BUF];
	ssize_t n;

	if (wait_go(sh, parent) != GO_SENT) {
		fprintf(stderr, "props: child: the writer gave up\n");
		return 1;
	}
	do {
		n = read(fd, buf, sizeof(buf));	/* the one that counts */
		sh->read_calls++;
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		sys_error("child", "read");
		return 1;
	}
	sh->first_read_bytes = n;
	sh->bytes_read += (uint64_t)n;
	if (n == 0)
		return 0;
	return read_to_eof(fd, buf, sizeof(buf), sh);
}

int prop_pipe_boundaries(FILE *f, struct shared *sh)
{
	static char msg[MESSAGE_SIZE];
	uint64_t calls = 0, bytes = 0;
	pid_t ppid = getpid(), cpid;
	int fd[2], failed = 0;

	memset(msg, 'm', sizeof(msg));
	sh->first_read_bytes = -1;
	if (pipe(fd) < 0) {
		sys_error("parent", "pipe");
		return -1;
	}
	cpid = fork_reader(fd);
	if (cpid < 0)
		return -1;
	if (cpid == 0) {
		int code = boundaries_child(fd[0], sh, ppid);

		close(fd[0]);
		_exit(code);
	}

	for (int i = 0; i < MESSAGES && !failed; i++) {
		/* 100 bytes <= PIPE_BUF: each write is whole or fails. */
		if (write_all(fd[1], msg, sizeof(msg), &calls) < 0) {
			sys_error("parent", "write");
			failed = 1;
		} else {
			bytes += sizeof(msg);
		}
	}
	set_go(sh, failed ? GO_ABORT : GO_SENT);
	if (close(fd[1]) < 0 && !failed) {
		sys_error("parent", "close");
		failed = 1;
	}
	if (finish_child(cpid) < 0)
		failed = 1;

	fprintf(f, "{\n  \"prop\": \"pipe-boundaries\",\n  \"messages\": %d,\n"
		"  \"message_size\": %d,\n  \"write_calls\": %" PRIu64 ",\n"
		"  \"bytes_written\": %" PRIu64 ",\n  \"read_buffer\": %d,\n"
		"  \"first_read_bytes\": %" PRId64 ",\n  \"read_calls\": %" PRIu64
		",\n  \"bytes_read\": %" PRIu64 ",\n  \"writer_pid\": %ld,\n"
		"  \"reader_pid\": %ld\n}\n",
		MESSAGES, MESSAGE_SIZE, calls, bytes, READ_BUF,
		sh->first_read_bytes, sh->read_calls, sh->bytes_read,
		(long)ppid, (long)cpid);
	return failed ? -1 : 0;
}

static const char *errno_name(int e)
{
	switch (e) {
	case EBADF: return "EBADF";
	case EINVAL: return "EINVAL";
	case EAGAIN: return "EAGAIN";
	case EPIPE: return "EPIPE";
	case EFAULT: return "EFAULT";
	case EINTR: return "EINTR";
	case EIO: return "EIO";
	default: return "other";
	}
}

/* --- pipe-direction ----------------------------------------------------- */

static void json_errno(FILE *f, const char *key, ssize_t ret, int err)
{
	fprintf(f, "  \"%s_ret\": %zd,\n  \"%s_errno\": ", key, ret, key);
	if (ret < 0)
		fprintf(f, "\"%s\",\n  \"%s_errno_value\": %d,\n",
			errno_name(err), key, err);
	else
		fprintf(f, "null,\n  \"%s_errno_value\": null,\n", key);
}

int prop_pipe_direction(FILE *f)
{
	char c = 'd';
	ssize_t wret, rret;
	int fd[2], werr = 0, rerr = 0, failed = 0;

	if (pipe(fd) < 0) {
		sys_error("parent", "pipe");
		return -1;
	}
	wret = write(fd[0], &c, 1);
	if (wret < 0)
		werr = errno;
	rret = read(fd[1], &c, 1);
	if (rret < 0)
		rerr = errno;
	if (close(fd[0]) < 0 || close(fd[1]) < 0) {
		sys_error("parent", "close");
		failed = 1;
	}
	fprintf(f, "{\n  \"prop\": \"pipe-direction\",\n  \"pid\": %ld,\n"
		"  \"read_fd\": %d,\n  \"write_fd\": %d,\n", (long)getpid(),
		fd[0], fd[1]);
	json_errno(f, "write_on_read_end", wret, werr);
	json_errno(f, "read_on_write_end", rret, rerr);
	fputs("  \"bytes\": 1\n}\n", f);
	return failed ? -1 : 0;
}
