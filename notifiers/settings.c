/*
 * settings.c: the settings only notifiers have (secrets read from files,
 * addresses, URLs), read with confsec.c's helpers so each problem is
 * reported at its line.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addr.h"
#include "backend.h"

#define NF_SECRET_MAX	4096

void
nf_wipe(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/*
 * Outside any unit (vigild --check from an admin's shell), a systemd
 * credential under /run/credentials/ does not exist: read it where the
 * unit loads it from, credentials/NAME beside vigil.conf.
 */
static char *
credential_source(const struct sec_reader *nc, const char *path)
{
	static const char run[] = "/run/credentials/";
	char rel[PATH_MAX];

	if (getenv("CREDENTIALS_DIRECTORY") != NULL ||
	    strncmp(path, run, sizeof run - 1) != 0 || access(path, F_OK) == 0)
		return NULL;
	snprintf(rel, sizeof rel, "credentials/%s", strrchr(path, '/') + 1);
	return conf_resolve(nc->conf, rel);
}

/*
 * The contents of the file a setting names, up to max bytes: a password
 * or key kept out of vigil.conf, e.g. a systemd credential.  One line
 * (its final newline gone) unless pem, a whole PEM file.
 */
static char *
read_secret(const struct sec_reader *nc, const char *key, int required,
    size_t max, int pem)
{
	char *path = sec_path(nc, key), *buf = NULL, *source;
	struct stat st;
	ssize_t n;
	size_t len = 0;
	int fd = -1;

	if (path == NULL) {
		if (required)
			sec_need(nc, key);
		return NULL;
	}
	if ((source = credential_source(nc, path)) != NULL) {
		free(path);
		path = source;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		sec_err(nc, key, "cannot read %s%s: %s", path, source ?
		    " (outside the unit, the credential is read where the "
		    "unit loads it from)" : "", strerror(errno));
		goto done;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size > max) {
		sec_err(nc, key, "%s is not a file of at most %zu bytes", path,
		    max);
		goto done;
	}
	buf = xmalloc(max + 1);
	while (len < max && (n = read(fd, buf + len, max - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	if (!pem && len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (!pem && len > 0 && buf[len - 1] == '\r')
		buf[--len] = '\0';
	if (len == 0 || strlen(buf) != len || (pem ? strstr(buf,
	    "-----BEGIN ") == NULL : strpbrk(buf, "\r\n") != NULL)) {
		sec_err(nc, key, pem ? "%s must be a PEM file" :
		    "%s must hold one line of text", path);
		explicit_bzero(buf, max + 1);
		free(buf);
		buf = NULL;
	}
done:
	if (fd != -1)
		close(fd);
	free(path);
	return buf;
}

char *
nf_secret(const struct sec_reader *nc, const char *key, int required)
{
	return read_secret(nc, key, required, NF_SECRET_MAX, 0);
}

/* A certificate or private key, whole: [http]'s TLS. */
char *
nf_secret_pem(const struct sec_reader *nc, const char *key)
{
	return read_secret(nc, key, 1, 64 * 1024, 1);
}

/* An email address setting, checked as the staff directory checks them. */
char *
nf_email(const struct sec_reader *nc, const char *key, const char *def,
    int required)
{
	const char *v = required ? sec_need(nc, key) : sec_str(nc, key, def);
	char err[256];

	if (v == NULL)
		return NULL;
	if (!addr_email_ok(v, err, sizeof err)) {
		sec_err(nc, key, "%s", err);
		return NULL;
	}
	return xstrdup(v);
}

int
nf_host_is_loopback(const char *host)
{
	return strcmp(host, "localhost") == 0 || strcmp(host, "::1") == 0 ||
	    strcmp(host, "[::1]") == 0 || strncmp(host, "127.", 4) == 0;
}

/*
 * An http(s) URL setting.  Plain http only to this machine: anything else
 * would carry case references and API credentials in the clear.
 */
int
nf_url(const struct sec_reader *nc, const char *key, char **out)
{
	const char *v = sec_str(nc, key, NULL), *host, *end;
	char *h;
	int ok;

	*out = NULL;
	if (v == NULL)
		return 0;
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7F) {
			sec_err(nc, key, "a URL has no spaces or other "
			    "characters that need escaping");
			return -1;
		}
	if (strncmp(v, "https://", 8) == 0)
		host = v + 8;
	else if (strncmp(v, "http://", 7) == 0)
		host = v + 7;
	else {
		sec_err(nc, key, "must start with https://");
		return -1;
	}
	if (*host == '[')
		end = strchr(host, ']') ? strchr(host, ']') + 1 : host;
	else
		end = host + strcspn(host, ":/?#");
	if (end == host || strchr(host, '@') != NULL) {
		sec_err(nc, key, "no host name (user:password@ belongs in a "
		    "credential file, not the URL)");
		return -1;
	}
	h = xstrndup(host, (size_t)(end - host));
	ok = v[4] == 's' || nf_host_is_loopback(h);
	free(h);
	if (!ok) {
		sec_err(nc, key, "must use https:// (plain http only to this "
		    "machine)");
		return -1;
	}
	*out = xstrdup(v);
	return 0;
}

/* Text from a server, fit for a log line: printable ASCII, at most max. */
char *
nf_printable(const char *s, size_t n, char *out, size_t len)
{
	size_t o = 0;

	if (len == 0)
		return out;
	for (size_t i = 0; i < n && s[i] != '\0' && o + 1 < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\r' || c == '\n' || c == '\t')
			c = ' ';
		out[o++] = c >= 0x20 && c < 0x7F ? (char)c : '?';
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	return out;
}

/*
 * An E.164 number as a gateway wants it: +447700900123, 447700900123 or
 * 07700900123.  -1 when it has no such form: only UK numbers are written
 * nationally.
 */
int
nf_number(enum nf_numfmt f, const char *e164, char *out, size_t len)
{
	if (f == NF_DIGITS)
		snprintf(out, len, "%s", e164 + 1);
	else if (f == NF_E164)
		snprintf(out, len, "%s", e164);
	else if (strncmp(e164, "+44", 3) == 0)
		snprintf(out, len, "0%s", e164 + 3);
	else
		return -1;
	return 0;
}

/*
 * Hold SIGPIPE for this thread while a library writes to a socket that the
 * server may have closed (libESMTP and OpenSSL use plain write(2)); a
 * SIGPIPE raised meanwhile is discarded on release.  The rest of the
 * process keeps whatever disposition vigild chose.
 */
void
nf_sigpipe_hold(struct nf_sigpipe *sp)
{
	sigset_t set, pending;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, &sp->old);
	sigpending(&pending);
	sp->was_pending = sigismember(&pending, SIGPIPE);
}

void
nf_sigpipe_release(struct nf_sigpipe *sp)
{
	static const struct timespec zero;
	sigset_t set, pending;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigpending(&pending);
	if (!sp->was_pending && sigismember(&pending, SIGPIPE))
		while (sigtimedwait(&set, NULL, &zero) == -1 && errno == EINTR)
			;
	pthread_sigmask(SIG_SETMASK, &sp->old, NULL);
}

/* A CA bundle to trust instead of the system's: it must be readable now,
 * so that --check catches a typo rather than every send failing. */
char *
nf_ca_file(const struct sec_reader *nc, const char *key)
{
	char *path = sec_path(nc, key);

	if (path != NULL && access(path, R_OK) == -1) {
		sec_err(nc, key, "cannot read %s: %s", path, strerror(errno));
		free(path);
		return NULL;
	}
	return path;
}
