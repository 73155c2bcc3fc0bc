/*
 * bench-client.c: the control socket spoken as vigilctl speaks it, for the
 * benchmarks: one request line, then its durable reply.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "bench-client.h"
#include "vigil.h"

const char *bench_socket;

double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
bench_dial(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", bench_socket);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1)
		fatal("connect %s", bench_socket);
	return fd;
}

/*
 * Send one request line and read its reply line into buf: 0 if it was
 * accepted.
 */
int
bench_ask(int fd, const char *line, char *buf, size_t size)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t len = 0;
	ssize_t n;

	if (write(fd, line, strlen(line)) != (ssize_t)strlen(line))
		fatal("write");
	while (len < size - 1 && poll(&pfd, 1, 60000) == 1 &&
	    (n = read(fd, buf + len, size - 1 - len)) > 0) {
		len += (size_t)n;
		if (memchr(buf, '\n', len) != NULL)
			break;
	}
	buf[len] = '\0';
	return strncmp(buf, "{\"ok\":true", 10) == 0 ? 0 : -1;
}

/* Send one request line and wait for its reply: 0 if it was accepted. */
int
bench_exchange(int fd, const char *line)
{
	char buf[65536];

	if (bench_ask(fd, line, buf, sizeof buf) == 0)
		return 0;
	fprintf(stderr, "refused: %s", buf);
	return -1;
}

/* A control-socket reply: a line, accepted. */
long
bench_line_complete(const char *buf, size_t len)
{
	const char *nl = memchr(buf, '\n', len);

	if (nl == NULL)
		return 0;
	return strncmp(buf, "{\"ok\":true", 10) == 0 ? nl - buf + 1 : -1;
}

/*
 * Requests a second from conns connections driven by one thread with
 * poll(2), as wrk drives a server: each connection has one request out at
 * a time, and the load generator itself takes little of the two cores.
 */
double
bench_poll_rate(const struct bench_proto *p, int conns, double seconds)
{
	struct pollfd *pfd = xcalloc((size_t)conns, sizeof *pfd);
	long *done = xcalloc((size_t)conns, sizeof *done), total = 0, whole;
	size_t *have = xcalloc((size_t)conns, sizeof *have);
	char (*buf)[8192] = xcalloc((size_t)conns, sizeof *buf);
	double t0, until, rate;
	ssize_t n;

	for (int i = 0; i < conns; i++)
		pfd[i] = (struct pollfd){ .fd = p->dial(), .events = POLLIN };
	t0 = bench_now();
	until = t0 + seconds;
	for (int i = 0; i < conns; i++)
		p->send(pfd[i].fd, i, 0);
	while (bench_now() < until) {
		if (poll(pfd, (nfds_t)conns, 1000) <= 0)
			fatalx("no reply in a second");
		for (int i = 0; i < conns; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			if ((n = read(pfd[i].fd, buf[i] + have[i],
			    sizeof buf[i] - have[i])) <= 0)
				fatalx("connection %d closed", i);
			have[i] += (size_t)n;
			if ((whole = p->complete(buf[i], have[i])) == 0)
				continue;
			if (whole < 0)
				fatalx("bad reply on connection %d: %.*s", i,
				    (int)have[i], buf[i]);
			/* One request out, so nothing follows the reply. */
			have[i] = 0;
			done[i]++;
			total++;
			p->send(pfd[i].fd, i, done[i]);
		}
	}
	rate = total / (bench_now() - t0);
	for (int i = 0; i < conns; i++)
		close(pfd[i].fd);
	free(buf);
	free(have);
	free(done);
	free(pfd);
	return rate;
}

/* As vigilctl: connect, one request, its durable reply, close. */
int
bench_request(const char *line)
{
	int fd = bench_dial(), rc;

	rc = bench_exchange(fd, line);
	close(fd);
	return rc;
}
