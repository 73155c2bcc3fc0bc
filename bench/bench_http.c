/*
 * bench_http.c: events per second into vigild over its HTTP API, from 64
 * keep-alive connections driven by one polling thread, against the same
 * load over its control socket in the same run (the anchor): what the
 * HTTP path costs on top of the socket's (target: at least 0.70).
 *
 *	bench_http -s SOCKET -d DIR -p PORT [-t SECONDS]
 *
 * Run through bench/http, which starts a vigild for it.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench-client.h"
#include "vigil.h"

#define CONNS	64

static int http_port;
static char token[128];

static int
http_dial(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
	    .sin_port = htons((uint16_t)http_port) };
	int fd, one = 1;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sin, sizeof sin) == -1)
		fatal("connect 127.0.0.1:%d", http_port);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

static void
write_all_or_die(int fd, const char *s, size_t len)
{
	if (write(fd, s, len) != (ssize_t)len)
		fatal("write");
}

static void
send_http(int fd, int i, long n)
{
	char body[128], req[512];
	int blen, len;

	blen = snprintf(body, sizeof body, "{\"event\":\"update\",\"fields\":"
	    "{\"risk\":\"%s\"}}", n % 2 ? "standard" : "medium");
	len = snprintf(req, sizeof req, "POST /v1/cases/BH/H/%d/events "
	    "HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
	    "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
	    i, token, blen, body);
	write_all_or_die(fd, req, (size_t)len);
}

static void
send_socket(int fd, int i, long n)
{
	char line[256];
	int len;

	len = snprintf(line, sizeof line, "{\"cmd\":\"event\",\"ref\":"
	    "\"BH/S/%d\",\"event\":\"update\",\"fields\":{\"risk\":\"%s\"}}\n",
	    i, n % 2 ? "standard" : "medium");
	write_all_or_die(fd, line, (size_t)len);
}

/* A whole HTTP/1.1 response: its headers and Content-Length bytes. */
static long
http_complete(const char *buf, size_t len)
{
	const char *end = memmem(buf, len, "\r\n\r\n", 4), *cl;
	long body;

	if (end == NULL)
		return 0;
	if (strncmp(buf, "HTTP/1.1 200 ", 13) != 0 ||
	    (cl = memmem(buf, (size_t)(end - buf), "Content-Length: ", 16)) ==
	    NULL)
		return -1;
	body = atol(cl + 16);
	if ((size_t)(end + 4 - buf) + (size_t)body > len)
		return 0;
	return end + 4 - buf + body;
}

static void
open_cases(const char *prefix)
{
	char line[256];

	for (int i = 0; i < CONNS; i++) {
		snprintf(line, sizeof line, "{\"cmd\":\"open\",\"ref\":"
		    "\"%s/%d\",\"workflow\":\"domestic-abuse\",\"officer\":"
		    "\"jo.bloggs\",\"risk\":\"standard\"}\n", prefix, i);
		if (bench_request(line) == -1)
			exit(1);
	}
}

int
main(int argc, char **argv)
{
	static const struct bench_proto sock = { bench_dial, send_socket,
	    bench_line_complete };
	static const struct bench_proto http = { http_dial, send_http,
	    http_complete };
	double seconds = 5, s_rate, h_rate;
	char reply[1024], *t;
	int fd, ch;

	log_init("bench_http", LOG_TO_STDERR, 4);
	while ((ch = getopt(argc, argv, "s:d:p:t:")) != -1) {
		switch (ch) {
		case 's':
			bench_socket = optarg;
			break;
		case 'd':
			break;
		case 'p':
			http_port = atoi(optarg);
			break;
		case 't':
			seconds = atof(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (bench_socket == NULL || http_port == 0)
		goto usage;
	fd = bench_dial();
	if (bench_ask(fd, "{\"cmd\":\"token-create\",\"name\":\"bench\","
	    "\"role\":\"admin\"}\n", reply, sizeof reply) == -1 ||
	    (t = strstr(reply, "vgl_")) == NULL)
		fatalx("no token: %s", reply);
	close(fd);
	snprintf(token, sizeof token, "%.*s", (int)strspn(t,
	    "vgl_0123456789abcdef"), t);
	open_cases("BH/S");
	open_cases("BH/H");
	printf("durable events per second, %d keep-alive connections from one "
	    "polling thread, %.0f s each\n", CONNS, seconds);
	s_rate = bench_poll_rate(&sock, CONNS, seconds);
	printf("  %-44s %7.0f\n", "anchor: the control socket", s_rate);
	h_rate = bench_poll_rate(&http, CONNS, seconds);
	printf("  %-44s %7.0f\n", "the HTTP API (POST .../events)", h_rate);
	printf("HTTP against the socket: %.2f (target 0.70)\n", h_rate / s_rate);
	return 0;
usage:
	fprintf(stderr, "usage: bench_http -s SOCKET -d DIR -p PORT "
	    "[-t SECONDS]\n");
	return 2;
}
