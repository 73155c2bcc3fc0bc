/*
 * bench-client.c: the control socket spoken as vigilctl speaks it, for the
 * benchmarks: one request line, then its durable reply.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <poll.h>
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

/* As vigilctl: connect, one request, its durable reply, close. */
int
bench_request(const char *line)
{
	int fd = bench_dial(), rc;

	rc = bench_exchange(fd, line);
	close(fd);
	return rc;
}
