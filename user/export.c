// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * export.c - `ipcscope export`: the targets as record takes them, and an
 * HTTP endpoint that answers each GET /metrics with the kernel's counters
 * as they are then, in Prometheus's text format (prom.c). One request at
 * a time, each bounded in size and time: a scraper, not a web server.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "commands.h"
#include "options.h"
#include "outfile.h"
#include "prom.h"
#include "report.h"
#include "targets.h"
#include "util.h"

#define DEFAULT_LISTEN	"127.0.0.1:9477"
#define REQUEST_MAX	4096		/* bytes of a request read, at most */
#define REQUEST_TIMEOUT	2		/* seconds a client has to send it */

/* "127.0.0.1:9477", "[::1]:0", ":9477" (loopback) into addr; 0, or -1 */
static int parse_listen(const char *s, struct sockaddr_storage *addr, socklen_t *len)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)addr;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)addr;
	const char *colon = strrchr(s, ':');
	char host[64];
	uint64_t port;
	size_t hl;

	if (!colon || parse_u64(colon + 1, 0, 65535, &port))
		return -1;
	hl = colon - s;
	if (hl >= sizeof(host))
		return -1;
	memcpy(host, s, hl);
	host[hl] = '\0';
	memset(addr, 0, sizeof(*addr));
	if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		*len = sizeof(*in6);
		return inet_pton(AF_INET6, host + 1, &in6->sin6_addr) == 1 ? 0 : -1;
	}
	in4->sin_family = AF_INET;
	in4->sin_port = htons(port);
	*len = sizeof(*in4);
	if (!host[0])
		return inet_pton(AF_INET, "127.0.0.1", &in4->sin_addr) == 1 ? 0 : -1;
	return inet_pton(AF_INET, host, &in4->sin_addr) == 1 ? 0 : -1;
}

/* The listening socket, before anything is loaded: a taken port fails at
 * once. Says where it listens (the port, when 0 was asked). */
static int listen_on(const char *spec)
{
	struct sockaddr_storage addr, got;
	socklen_t len, glen = sizeof(got);
	char host[INET6_ADDRSTRLEN], clean[80];
	int fd, one = 1;

	text_clean(clean, sizeof(clean), spec, strlen(spec));
	if (parse_listen(spec, &addr, &len)) {
		errorf("--listen '%s': expected ADDR:PORT, e.g. 127.0.0.1:9477 or [::1]:9477",
		       clean);
		return -1;
	}
	fd = socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&addr, len) || listen(fd, 16) ||
	    getsockname(fd, (struct sockaddr *)&got, &glen)) {
		errorf("--listen '%s': %s", clean, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (got.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&got)->sin6_addr, host, sizeof(host));
	else
		inet_ntop(AF_INET, &((struct sockaddr_in *)&got)->sin_addr, host, sizeof(host));
	errorf("serving http://%s%s%s:%u/metrics", got.ss_family == AF_INET6 ? "[" : "",
	       host, got.ss_family == AF_INET6 ? "]" : "",
	       ntohs(got.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&got)->sin6_port
					       : ((struct sockaddr_in *)&got)->sin_port));
	return fd;
}

static void send_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n <= 0)
			return;		/* the client went away: its loss */
		buf += n;
		len -= n;
	}
}

static void respond(int fd, const char *status, const char *type, const char *body,
		    size_t len)
{
	char head[256];
	int n = snprintf(head, sizeof(head), "HTTP/1.0 %s\r\nContent-Type: %s\r\n"
			 "Content-Length: %zu\r\nConnection: close\r\n\r\n",
			 status, type, len);

	send_all(fd, head, n);
	send_all(fd, body, len);
}

/* The figures now, in Prometheus's format, into a new buffer (*len) */
static char *metrics(struct tracing *t, size_t *len)
{
	struct snapshot snap = { 0 };
	struct run_info ri;
	struct utsname uts;
	char *buf = NULL;
	FILE *f;

	if (tracing_read(t, &snap, &ri, &uts))
		return NULL;
	f = open_memstream(&buf, len);
	if (f && report_prometheus(f, &ri, &snap)) {
		fclose(f);
		free(buf);
		buf = NULL;
	} else if (f) {
		fclose(f);
	}
	snapshot_free(&snap);
	return buf;
}

/* --json: the whole run's report, as record writes it, read after the
 * programs are detached (see cmd_record) */
static int write_json(struct tracing *t, struct outfile *json)
{
	struct snapshot snap = { 0 };
	struct run_info ri;
	struct utsname uts;
	int ret = -1;

	session_detach(t->s);
	if (tracing_read(t, &snap, &ri, &uts))
		return -1;
	if (report_json(json->f, &ri, &snap))
		errorf("cannot write JSON to '%s': %s", t->o->json_path,
		       strerror(errno ? errno : EIO));
	else
		ret = outfile_commit(json);
	snapshot_free(&snap);
	return ret;
}

/* One request: read (bounded), answer, close */
static void serve(int fd, struct tracing *t)
{
	struct timeval tv = { REQUEST_TIMEOUT, 0 };
	char req[REQUEST_MAX + 1], *body;
	size_t got = 0, len;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	while (got < REQUEST_MAX) {
		ssize_t n = recv(fd, req + got, REQUEST_MAX - got, 0);

		if (n <= 0)
			break;
		got += n;
		req[got] = '\0';
		if (strstr(req, "\r\n\r\n") || strstr(req, "\n\n"))
			break;
	}
	req[got] = '\0';
	if (strncmp(req, "GET ", 4)) {
		respond(fd, "405 Method Not Allowed", "text/plain", "GET only\n", 9);
		return;
	}
	if (strncmp(req + 4, "/metrics ", 9) && strncmp(req + 4, "/metrics?", 9)) {
		respond(fd, "404 Not Found", "text/plain", "see /metrics\n", 13);
		return;
	}
	body = metrics(t, &len);
	if (!body) {
		respond(fd, "500 Internal Server Error", "text/plain",
			"cannot read the kernel's counters\n", 34);
		return;
	}
	respond(fd, "200 OK", "text/plain; version=0.0.4; charset=utf-8", body, len);
	free(body);
}

int cmd_export(int argc, char **argv)
{
	struct session_config cfg = { 0 };
	struct outfile json = { 0 };
	struct record_opts o;
	struct tracing t;
	int status, lfd, ret = 1;
	uint64_t end;

	status = tracing_begin(&t, &o, CMD_EXPORT, argc, argv, export_usage);
	if (status >= 0)
		return status;
	lfd = listen_on(o.listen ? o.listen : DEFAULT_LISTEN);
	if (lfd < 0)
		return 1;
	if (o.json_path && outfile_open(&json, o.json_path, "JSON", o.force)) {
		close(lfd);
		return 1;
	}
	if (tracing_start(&t, &cfg))
		goto out;
	end = tracing_end_of_duration(&t);
	for (;;) {
		struct pollfd p = { .fd = lfd, .events = POLLIN };

		if (tracing_stop_check(&t, 0) || monotonic_ns() >= end)
			break;
		if (poll(&p, 1, 100) > 0 && (p.revents & POLLIN)) {
			int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

			if (fd >= 0) {
				serve(fd, &t);
				close(fd);
			}
		}
	}
	close(lfd);
	lfd = -1;
	stop_tree(&t.c);
	ret = json.f && write_json(&t, &json) ? 1 : 0;
out:
	if (lfd >= 0)
		close(lfd);
	outfile_abort(&json);	/* not committed: an earlier file stays */
	tracing_end(&t);
	return ret;
}
