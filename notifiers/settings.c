/*
 * settings.c: reading a notifier's section of vigil.conf.  Each helper
 * checks one setting and reports a problem at the setting's line (or the
 * section's, for one that is missing), so "vigild --check" shows them all.
 */
#include <errno.h>
#include <fcntl.h>
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
nf_conf_init(struct nf_conf *nc, const struct conf *c, const char *name,
    struct diag *dg)
{
	nc->conf = c;
	nc->sec = conf_section(c, name);
	nc->name = name;
	nc->dg = dg;
}

/* A problem with key (or with the section when key is NULL or unset). */
void
nf_err(const struct nf_conf *nc, const char *key, const char *fmt, ...)
{
	const struct conf_kv *kv = key ? conf_kv(nc->sec, key) : NULL;
	int line = kv ? kv->line : nc->sec ? nc->sec->line : 0;
	char *msg;
	va_list ap;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (key != NULL)
		diag_add(nc->dg, nc->conf->path, line, "[%s] %s: %s", nc->name,
		    key, msg);
	else
		diag_add(nc->dg, nc->conf->path, line, "[%s]: %s", nc->name,
		    msg);
	free(msg);
}

/* Every key must be one of keys; "header.*" style prefixes end in ".". */
void
nf_keys(const struct nf_conf *nc, const char *const *keys, size_t n)
{
	for (size_t i = 0; nc->sec != NULL && i < nc->sec->n; i++) {
		const char *k = nc->sec->kv[i].key;
		size_t j;

		for (j = 0; j < n; j++) {
			size_t len = strlen(keys[j]);
			int prefix = keys[j][len - 1] == '.';

			if (prefix ? strncmp(k, keys[j], len) == 0 &&
			    k[len] != '\0' : strcmp(k, keys[j]) == 0)
				break;
		}
		if (j == n)
			diag_add(nc->dg, nc->conf->path, nc->sec->kv[i].line,
			    "unknown setting \"%s\" in [%s]", k, nc->name);
	}
}

const char *
nf_str(const struct nf_conf *nc, const char *key, const char *def)
{
	const struct conf_kv *kv = conf_kv(nc->sec, key);

	if (kv == NULL)
		return def;
	if (kv->value[0] == '\0') {
		nf_err(nc, key, "needs a value");
		return def;
	}
	return kv->value;
}

/* A setting that must be there. */
const char *
nf_need(const struct nf_conf *nc, const char *key)
{
	const char *v = nf_str(nc, key, NULL);

	if (v == NULL && conf_kv(nc->sec, key) == NULL)
		nf_err(nc, NULL, "%s is required", key);
	return v;
}

int
nf_int(const struct nf_conf *nc, const char *key, int def, int min, int max)
{
	const char *v = nf_str(nc, key, NULL);
	char *end;
	long n;

	if (v == NULL)
		return def;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || end == v || n < min || n > max) {
		nf_err(nc, key, "expected a whole number from %d to %d", min,
		    max);
		return def;
	}
	return (int)n;
}

/* One of words; returns its index, or def. */
int
nf_choice(const struct nf_conf *nc, const char *key, const char *const *words,
    size_t n, int def)
{
	const char *v = nf_str(nc, key, NULL);
	char list[256];
	size_t o = 0;

	if (v == NULL)
		return def;
	list[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v, words[i]) == 0)
			return (int)i;
		o += (size_t)snprintf(list + o, sizeof list - o, "%s%s",
		    i ? (i + 1 == n ? " or " : ", ") : "", words[i]);
		if (o >= sizeof list)
			break;
	}
	nf_err(nc, key, "\"%s\" is not %s", v, list);
	return def;
}

/* A path, resolved against the configuration's folder; NULL when unset. */
char *
nf_path(const struct nf_conf *nc, const char *key)
{
	const char *v = nf_str(nc, key, NULL);

	return v ? conf_resolve(nc->conf, v) : NULL;
}

void
nf_wipe(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/*
 * The contents of the file a setting names, without its final newline: a
 * password or key kept out of vigil.conf, e.g. a systemd credential.
 */
char *
nf_secret(const struct nf_conf *nc, const char *key, int required)
{
	char *path = nf_path(nc, key), *buf = NULL;
	struct stat st;
	ssize_t n;
	size_t len = 0;
	int fd = -1;

	if (path == NULL) {
		if (required)
			nf_need(nc, key);
		return NULL;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		nf_err(nc, key, "cannot read %s: %s", path, strerror(errno));
		goto done;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > NF_SECRET_MAX) {
		nf_err(nc, key, "%s is not a file of at most %d bytes", path,
		    NF_SECRET_MAX);
		goto done;
	}
	buf = xmalloc(NF_SECRET_MAX + 1);
	while (len < NF_SECRET_MAX &&
	    (n = read(fd, buf + len, NF_SECRET_MAX - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	if (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (len > 0 && buf[len - 1] == '\r')
		buf[--len] = '\0';
	if (len == 0 || strlen(buf) != len || strpbrk(buf, "\r\n") != NULL) {
		nf_err(nc, key, "%s must hold one line of text", path);
		explicit_bzero(buf, NF_SECRET_MAX + 1);
		free(buf);
		buf = NULL;
	}
done:
	if (fd != -1)
		close(fd);
	free(path);
	return buf;
}

/* An email address setting, checked as the staff directory checks them. */
char *
nf_email(const struct nf_conf *nc, const char *key, const char *def,
    int required)
{
	const char *v = required ? nf_need(nc, key) : nf_str(nc, key, def);
	char err[256];

	if (v == NULL)
		return NULL;
	if (!addr_email_ok(v, err, sizeof err)) {
		nf_err(nc, key, "%s", err);
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
nf_url(const struct nf_conf *nc, const char *key, char **out)
{
	const char *v = nf_str(nc, key, NULL), *host, *end;
	char *h;
	int ok;

	*out = NULL;
	if (v == NULL)
		return 0;
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7F) {
			nf_err(nc, key, "a URL has no spaces or other "
			    "characters that need escaping");
			return -1;
		}
	if (strncmp(v, "https://", 8) == 0)
		host = v + 8;
	else if (strncmp(v, "http://", 7) == 0)
		host = v + 7;
	else {
		nf_err(nc, key, "must start with https://");
		return -1;
	}
	if (*host == '[')
		end = strchr(host, ']') ? strchr(host, ']') + 1 : host;
	else
		end = host + strcspn(host, ":/?#");
	if (end == host || strchr(host, '@') != NULL) {
		nf_err(nc, key, "no host name (user:password@ belongs in a "
		    "credential file, not the URL)");
		return -1;
	}
	h = xstrndup(host, (size_t)(end - host));
	ok = v[4] == 's' || nf_host_is_loopback(h);
	free(h);
	if (!ok) {
		nf_err(nc, key, "must use https:// (plain http only to this "
		    "machine)");
		return -1;
	}
	*out = xstrdup(v);
	return 0;
}

void
nf_seterr(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
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
