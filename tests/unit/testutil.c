/*
 * testutil.c: see testutil.h.  Servers are /usr/bin/python3 scripts (the
 * Debian interpreter, which has python3-aiosmtpd) that write the port they
 * listen on to a file; readiness is polled, never assumed after a sleep.
 * A server dies with its test: its stdin is a pipe from us and it exits at
 * end of file, and PR_SET_PDEATHSIG kills it if we crash.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "testutil.h"
#include "unit.h"

char *
tu_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *d = xasprintf("%s/vigil-test.XXXXXX", base && *base ? base :
	    "/tmp");

	if (mkdtemp(d) == NULL)
		fatal("mkdtemp %s", d);
	return d;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void
tu_rmtree(const char *dir)
{
	if (dir != NULL)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void
tu_write(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(path, "w");

	if (fp == NULL || fputs(text, fp) == EOF || fclose(fp) == EOF)
		fatal("write %s", path);
	free(path);
}

/* The whole file, or NULL when it does not exist. */
char *
tu_read(const char *dir, const char *name)
{
	char *path = name ? xasprintf("%s/%s", dir, name) : xstrdup(dir);
	FILE *fp = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, n;
	char chunk[4096];

	free(path);
	if (fp == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
		buf = xreallocarray(buf, len + n + 1, 1);
		memcpy(buf + len, chunk, n);
		len += n;
	}
	fclose(fp);
	if (buf == NULL)
		buf = xstrdup("");
	else
		buf[len] = '\0';
	return buf;
}

/* Write text as dir/vigil.conf and load it; fails the test on problems. */
struct conf *
tu_conf(const char *dir, const char *text)
{
	struct diag dg = { 0 };
	char *path = xasprintf("%s/vigil.conf", dir);
	struct conf *c;

	tu_write(dir, "vigil.conf", text);
	if ((c = conf_load(path, &dg)) == NULL) {
		diag_print(&dg, stderr);
		fatalx("test configuration does not load");
	}
	diag_clear(&dg);
	free(path);
	return c;
}

/* Seconds on the monotonic clock since *t0. */
double
tu_seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void
nap_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * Start script (under tests/servers) with args; the script gets
 * "--port-file DIR/port" first.  Returns 0 once the port file exists, -1
 * if the server died or did not listen within 20 seconds.
 */
int
tu_server_start(struct tu_server *s, const char *script,
    const char *const *args)
{
	const char *argv[32];
	char *portfile, *prog, *text;
	int pipefd[2], n = 0, status;
	pid_t parent = getpid();

	memset(s, 0, sizeof *s);
	s->dir = tu_tmpdir();
	portfile = xasprintf("%s/port", s->dir);
	prog = xasprintf("%s/tests/servers/%s", unit_srcdir(), script);
	argv[n++] = "/usr/bin/python3";
	argv[n++] = prog;
	argv[n++] = "--port-file";
	argv[n++] = portfile;
	for (; args != NULL && *args != NULL && n < 31; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	if (pipe2(pipefd, O_CLOEXEC) == -1)
		fatal("pipe");
	if ((s->pid = fork()) == -1)
		fatal("fork");
	if (s->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		dup2(pipefd[0], STDIN_FILENO);
		execv(argv[0], (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	close(pipefd[0]);
	s->in = pipefd[1];
	for (int waited = 0; waited < 20000; waited += 10) {
		if ((text = tu_read(portfile, NULL)) != NULL) {
			s->port = atoi(text);
			free(text);
			break;
		}
		if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
			s->pid = 0;
			break;
		}
		nap_ms(10);
	}
	free(portfile);
	free(prog);
	if (s->port <= 0) {
		tu_server_stop(s);
		return -1;
	}
	return 0;
}

void
tu_server_stop(struct tu_server *s)
{
	int status;

	if (s->in > 0)
		close(s->in);
	s->in = -1;
	if (s->pid > 0) {
		/* It exits at end of file; give it two seconds, then kill. */
		for (int waited = 0; waited < 2000; waited += 10) {
			if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
				s->pid = 0;
				break;
			}
			nap_ms(10);
		}
		if (s->pid > 0) {
			kill(s->pid, SIGKILL);
			waitpid(s->pid, &status, 0);
		}
	}
	s->pid = 0;
	tu_rmtree(s->dir);
	free(s->dir);
	s->dir = NULL;
}

/* A loopback port nothing listens on (it was free a moment ago). */
int
tu_free_port(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof sin;
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd == -1 || bind(fd, (struct sockaddr *)&sin, sizeof sin) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		fatal("free port");
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

/*
 * A server that accepts connections and never says a word: the kernel
 * completes the handshake for a listening socket nobody accept()s on.
 * Returns the socket (close it when done) and its port in *port.
 */
int
tu_silent_listener(int *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof sin;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd == -1 || bind(fd, (struct sockaddr *)&sin, sizeof sin) == -1 ||
	    listen(fd, 16) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		fatal("silent listener");
	*port = ntohs(sin.sin_port);
	return fd;
}

/* A header's value, unfolded, or NULL. */
char *
tu_header(const char *msg, const char *name)
{
	size_t n = strlen(name);
	const char *p = msg, *end = strstr(msg, "\r\n\r\n");
	char *out = NULL;

	while (p != NULL && p < end) {
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1, *e;

			while (*v == ' ')
				v++;
			out = xstrdup("");
			for (;;) {
				char *t;

				e = strstr(v, "\r\n");
				t = xasprintf("%s%.*s", out, (int)(e - v), v);
				free(out);
				out = t;
				if (e[2] != ' ' && e[2] != '\t')
					break;
				v = e + 2;
			}
			return out;
		}
		p = strstr(p, "\r\n");
		if (p != NULL)
			p += 2;
	}
	return NULL;
}

/* "Date,From,..." in order. */
char *
tu_header_names(const char *msg)
{
	const char *p = msg, *end = strstr(msg, "\r\n\r\n");
	char *out = xstrdup("");

	while (p != NULL && p < end) {
		if (*p != ' ' && *p != '\t') {
			const char *colon = strchr(p, ':');
			char *t = xasprintf("%s%s%.*s", out, *out ? "," : "",
			    (int)(colon - p), p);

			free(out);
			out = t;
		}
		p = strstr(p, "\r\n");
		if (p != NULL)
			p += 2;
	}
	return out;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The body, quoted-printable decoded, with LF line ends. */
char *
tu_body(const char *msg)
{
	const char *p = strstr(msg, "\r\n\r\n");
	char *out, *o;

	if (p == NULL)
		return NULL;
	out = o = xmalloc(strlen(p) + 1);
	for (p += 4; *p; p++) {
		if (p[0] == '=' && p[1] == '\r' && p[2] == '\n')
			p += 2;
		else if (p[0] == '=' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
			*o++ = (char)(hexval(p[1]) * 16 + hexval(p[2]));
			p += 2;
		} else if (p[0] == '\r' && p[1] == '\n')
			;
		else
			*o++ = *p;
	}
	*o = '\0';
	/* The message ends with a line end the text did not have. */
	if (o > out && o[-1] == '\n')
		o[-1] = '\0';
	return out;
}

/* A header value with its RFC 2047 base64 words decoded. */
char *
tu_unwords(const char *v)
{
	char *out = xstrdup("");
	const char *p = v;

	if (strncmp(v, "=?UTF-8?B?", 10) != 0)
		return xstrdup(v);
	while ((p = strstr(p, "=?UTF-8?B?")) != NULL) {
		const char *e = strstr(p + 10, "?=");
		unsigned char buf[256];
		int n = EVP_DecodeBlock(buf, (const unsigned char *)p + 10,
		    (int)(e - p - 10));
		char *t;

		/* DecodeBlock counts padding as data. */
		for (const char *q = e - 1; *q == '='; q--)
			n--;
		t = xasprintf("%s%.*s", out, n, buf);
		free(out);
		out = t;
		p = e + 2;
	}
	return out;
}

/* Printable ASCII in lines of at most 78 characters, CRLF ends. */
int
tu_seven_bit(const char *msg)
{
	size_t col = 0;

	for (const char *p = msg; *p; p++) {
		if (p[0] == '\r' && p[1] == '\n') {
			p++;
			col = 0;
			continue;
		}
		if (((unsigned char)*p < 0x20 && *p != '\t') ||
		    (unsigned char)*p > 0x7E ||
		    ++col > 78)
			return 0;
	}
	return 1;
}

/* The header name of msg is there and its value, as sent, is want. */
void
tu_check_header(const char *msg, const char *name, const char *want)
{
	char *v = tu_header(msg, name);

	ck_assert_msg(v != NULL, "no %s header", name);
	ck_assert_str_eq(v, want);
	free(v);
}

/* The same, with the header's RFC 2047 words decoded first. */
void
tu_check_words(const char *msg, const char *name, const char *want)
{
	char *v = tu_header(msg, name), *w;

	ck_assert_msg(v != NULL, "no %s header", name);
	w = tu_unwords(v);
	ck_assert_str_eq(w, want);
	free(w);
	free(v);
}

/* The body of msg, decoded, is want. */
void
tu_check_body(const char *msg, const char *want)
{
	char *body = tu_body(msg);

	ck_assert_str_eq(body, want);
	free(body);
}
