// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * io.c - the pipe workload's counted calls: each write or read method
 * (write, writev, vmsplice, sendfile; read, readv, splice) as one syscall,
 * and the loops over partial transfers; see pipe.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/uio.h>
#include <unistd.h>

#include "pipe.h"

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

int write_all(const struct config *cfg, int fd, const char *buf,
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

ssize_t read_once(const struct config *cfg, int fd, char *buf,
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

int read_exact(const struct config *cfg, int fd, char *buf,
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
