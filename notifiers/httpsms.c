/*
 * httpsms.c: SMS through any HTTP gateway (housing associations cannot use
 * GOV.UK Notify).  The request is described, not coded:
 *
 *	[http-sms]
 *	url = https://sms.example/v1/messages
 *	method = POST			POST | PUT | GET
 *	content_type = json		json | form | xml
 *	body = {"to": "{to}", "text": "{text}", "ref": "{key}"}
 *	header.Authorization = Bearer {secret}
 *	secret_file = /run/credentials/vigil.service/sms-token
 *	username = ...			and password_file, for Basic auth
 *	number_format = e164		e164 | digits | national
 *	success_match = "status":"ok"	text a 2xx reply must contain
 *
 * Only {to}, {text}, {key} and {secret} are placeholders (other braces are
 * literal, as JSON needs); each is escaped for where it stands: JSON string,
 * form field, XML text, or URL.  2xx is sent; 408, 429 and 5xx are tried
 * again; any other status will not change by trying again.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "backend.h"

enum esc { ESC_JSON, ESC_FORM, ESC_XML, ESC_URL, ESC_NONE };

static const char *const methods[] = { "POST", "PUT", "GET" };
static const char *const ctypes[] = { "json", "form", "xml" };
static const char *const ctype_headers[] = {
	"Content-Type: application/json; charset=utf-8",
	"Content-Type: application/x-www-form-urlencoded",
	"Content-Type: application/xml; charset=utf-8",
};
static const char *const numfmts[] = { "e164", "digits", "national" };
static const char *const placeholders[] = { "to", "text", "key", "secret" };

static const char *const http_keys[] = {
	"url", "method", "content_type", "body", "header.", "secret_file",
	"username", "password_file", "number_format", "success_match",
	"timeout", "connect_timeout", "ca_file",
};

struct httpsms_nf {
	char	*url;
	const char *method;
	enum esc ctype;
	char	*body;			/* NULL for GET */
	char	**headers;		/* "Name: value" templates */
	size_t	 nheaders;
	char	*username;
	char	*password;
	char	*secret;
	enum nf_numfmt numfmt;
	char	*success;
	char	*ca_file;
	int	 timeout, connect_timeout;
};

struct values {
	const char *v[nitems(placeholders)];
};

/* The placeholder at s ("{to}" ...), or -1. */
static int
placeholder_at(const char *s, size_t *len)
{
	for (size_t i = 0; i < nitems(placeholders); i++) {
		size_t n = strlen(placeholders[i]);

		if (s[0] == '{' && strncmp(s + 1, placeholders[i], n) == 0 &&
		    s[n + 1] == '}') {
			*len = n + 2;
			return (int)i;
		}
	}
	return -1;
}

static void
append_escaped(struct buf *out, const char *s, enum esc e)
{
	static const char hex[] = "0123456789ABCDEF";
	char buf[8];

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		const char *rep = NULL;
		size_t n = 0;

		switch (e) {
		case ESC_JSON:
			if (*p == '"')
				rep = "\\\"";
			else if (*p == '\\')
				rep = "\\\\";
			else if (*p == '\n')
				rep = "\\n";
			else if (*p == '\r')
				rep = "\\r";
			else if (*p == '\t')
				rep = "\\t";
			else if (*p < 0x20) {
				snprintf(buf, sizeof buf, "\\u%04x", *p);
				rep = buf;
			}
			break;
		case ESC_XML:
			if (*p == '&')
				rep = "&amp;";
			else if (*p == '<')
				rep = "&lt;";
			else if (*p == '>')
				rep = "&gt;";
			else if (*p == '"')
				rep = "&quot;";
			else if (*p == '\'')
				rep = "&apos;";
			else if (*p < 0x20 && *p != '\n' && *p != '\t')
				rep = "";	/* not allowed in XML 1.0 */
			break;
		case ESC_FORM:
		case ESC_URL:
			if (!((*p >= 'a' && *p <= 'z') ||
			    (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') || *p == '-' ||
			    *p == '.' || *p == '_' || *p == '~')) {
				buf[0] = '%';
				buf[1] = hex[*p >> 4];
				buf[2] = hex[*p & 15];
				buf[3] = '\0';
				rep = buf;
			}
			break;
		case ESC_NONE:
			break;
		}
		if (rep != NULL)
			n = strlen(rep);
		else {
			rep = (const char *)p;
			n = 1;
		}
		buf_add(out, rep, n);
	}
}

/* tpl with each placeholder replaced by its value, escaped as e says. */
static char *
fill(const char *tpl, const struct values *v, enum esc e)
{
	struct buf out = { 0 };
	size_t n;
	int ph;

	buf_add(&out, "", 0);
	for (const char *p = tpl; *p;) {
		if (*p == '{' && (ph = placeholder_at(p, &n)) >= 0) {
			append_escaped(&out, v->v[ph] ? v->v[ph] : "", e);
			p += n;
		} else
			buf_add(&out, p++, 1);
	}
	return out.s;
}

/* "{word}" that is not a placeholder: a typo worth reporting. */
static int
check_placeholders(const struct sec_reader *nc, const char *key, const char *s,
    unsigned allowed, unsigned *used)
{
	for (const char *p = s; (p = strchr(p, '{')) != NULL; p++) {
		size_t n = 1, len;
		int ph = placeholder_at(p, &len);

		if (ph >= 0) {
			if (!(allowed & (1u << ph))) {
				sec_err(nc, key, "{%s} cannot be used here",
				    placeholders[ph]);
				return -1;
			}
			*used |= 1u << ph;
			continue;
		}
		while ((p[n] >= 'a' && p[n] <= 'z') || p[n] == '_')
			n++;
		if (n > 1 && p[n] == '}') {
			sec_err(nc, key, "unknown placeholder %.*s: use {to}, "
			    "{text}, {key} or {secret}", (int)n + 1, p);
			return -1;
		}
	}
	return 0;
}

static int
header_name_ok(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("!#$%&'*+-.^_`|~", *s)))
			return 0;
	return 1;
}

static void
check_body(const struct sec_reader *nc, struct httpsms_nf *h)
{
	/* Values with every character that needs escaping. */
	struct values v = { { "+447700900123", "a \"b\" \\ c\n{d} <e> & f'",
	    "k-1", "s3cr\"t" } };
	char *body = fill(h->body, &v, h->ctype);
	json_error_t je;
	json_t *j;

	if (h->ctype == ESC_JSON) {
		if ((j = json_loads(body, JSON_REJECT_DUPLICATES, &je)) == NULL)
			sec_err(nc, "body", "not JSON once filled in (%s); put "
			    "each placeholder inside quotes", je.text);
		json_decref(j);
	}
	free(body);
}

static void
add_header(struct httpsms_nf *h, char *line)
{
	h->headers = xreallocarray(h->headers, h->nheaders + 1,
	    sizeof *h->headers);
	h->headers[h->nheaders++] = line;
}

static void *
http_configure(const struct conf *c, enum notify_channel ch, struct diag *dg)
{
	struct httpsms_nf *h = xcalloc(1, sizeof *h);
	struct sec_reader nc;
	unsigned used = 0;
	int have_ctype = 0;
	const char *v;

	(void)ch;
	http_init();
	sec_init(&nc, c, "http-sms", dg);
	sec_keys(&nc, http_keys, nitems(http_keys));
	if (sec_need(&nc, "url") != NULL && nf_url(&nc, "url", &h->url) == 0)
		check_placeholders(&nc, "url", h->url, 0xF, &used);
	h->method = methods[sec_choice(&nc, "method", methods, nitems(methods),
	    0)];
	h->ctype = (enum esc)sec_choice(&nc, "content_type", ctypes,
	    nitems(ctypes), ESC_JSON);
	if ((v = sec_str(&nc, "body", NULL)) != NULL) {
		if (strcmp(h->method, "GET") == 0)
			sec_err(&nc, "body", "a GET request has no body: put "
			    "{to} and {text} in the url");
		else if (check_placeholders(&nc, "body", v, 0xF, &used) == 0) {
			h->body = xstrdup(v);
			check_body(&nc, h);
		}
	} else if (strcmp(h->method, "GET") != 0)
		sec_need(&nc, "body");
	if (h->url != NULL && (h->body != NULL ||
	    strcmp(h->method, "GET") == 0) && (!(used & 1) || !(used & 2)))
		sec_err(&nc, NULL, "{to} and {text} must both appear in the url "
		    "or the body");
	for (size_t i = 0; nc.sec != NULL && i < nc.sec->n; i++) {
		const struct conf_kv *kv = &nc.sec->kv[i];
		const char *name = kv->key + 7;

		if (strncmp(kv->key, "header.", 7) != 0)
			continue;
		if (!header_name_ok(name)) {
			sec_err(&nc, kv->key, "not a header name");
			continue;
		}
		if (check_placeholders(&nc, kv->key, kv->value, 0xC, &used))
			continue;
		if (strcasecmp(name, "Content-Type") == 0)
			have_ctype = 1;
		add_header(h, xasprintf("%s: %s", name, kv->value));
	}
	if (!have_ctype && h->body != NULL)
		add_header(h, xstrdup(ctype_headers[h->ctype]));
	h->secret = nf_secret(&nc, "secret_file", (used & 8) != 0);
	if (h->secret != NULL && !(used & 8))
		sec_err(&nc, "secret_file", "set, but no {secret} uses it");
	if ((v = sec_str(&nc, "username", NULL)) != NULL) {
		h->username = xstrdup(v);
		h->password = nf_secret(&nc, "password_file", 1);
	} else if (conf_kv(nc.sec, "password_file") != NULL)
		sec_err(&nc, "password_file", "set, but there is no username");
	h->numfmt = (enum nf_numfmt)sec_choice(&nc, "number_format", numfmts,
	    nitems(numfmts), NF_E164);
	if ((v = sec_str(&nc, "success_match", NULL)) != NULL)
		h->success = xstrdup(v);
	h->timeout = sec_int(&nc, "timeout", 30, 1, 600);
	h->connect_timeout = sec_int(&nc, "connect_timeout", 10, 1, 120);
	h->ca_file = nf_ca_file(&nc, "ca_file");
	return h;
}

static void
http_free(void *p)
{
	struct httpsms_nf *h = p;

	if (h == NULL)
		return;
	free(h->url);
	free(h->body);
	strv_free(h->headers, h->nheaders);
	free(h->username);
	nf_wipe(h->password);
	nf_wipe(h->secret);
	free(h->success);
	free(h->ca_file);
	free(h);
}

static void
http_one(const void *p, struct http_conn *hc, struct message *m)
{
	const struct httpsms_nf *h = p;
	struct http_opts o = { h->timeout, h->connect_timeout, h->ca_file,
	    h->username, h->password };
	struct http_reply *r = xcalloc(1, sizeof *r);
	struct values v;
	char to[32], why[256], *url, *body = NULL;
	const char **hdrs = xcalloc(h->nheaders + 1, sizeof *hdrs);
	char **filled = xcalloc(h->nheaders + 1, sizeof *filled);

	/* A number with no national form stays in E.164. */
	if (nf_number(h->numfmt, m->to, to, sizeof to) == -1)
		nf_number(NF_E164, m->to, to, sizeof to);
	v.v[0] = to;
	v.v[1] = m->body;
	v.v[2] = m->key;
	v.v[3] = h->secret;
	url = fill(h->url, &v, ESC_URL);
	if (h->body != NULL)
		body = fill(h->body, &v, h->ctype);
	for (size_t i = 0; i < h->nheaders; i++)
		hdrs[i] = filled[i] = fill(h->headers[i], &v, ESC_NONE);
	if (http_outcome(m, http_request(hc, &o, h->method, url, hdrs, body,
	    r), r, "SMS gateway") == 0 && h->success != NULL &&
	    strstr(r->body, h->success) == NULL) {
		/*
		 * Not retried: if the match is wrong rather than the send,
		 * retrying would text the same manager again and again.
		 */
		seterr(m->err, sizeof m->err, "SMS gateway: HTTP %ld without "
		    "\"%s\": %s", r->status, h->success, nf_printable(r->body,
		    r->len, why, 200));
		m->result = NOTIFY_PERMFAIL;
	}
	for (size_t i = 0; i < h->nheaders; i++)
		nf_wipe(filled[i]);
	free(filled);
	free(hdrs);
	nf_wipe(url);
	nf_wipe(body);
	free(r);
}

static int
http_send(void *p, struct message *const *m, size_t n)
{
	return http_batch(p, m, n, http_one);
}

const struct notifier_ops notifier_http = {
	.name = "http",
	.channels = 1u << NOTIFY_SMS,
	.configure = http_configure,
	.send = http_send,
	.free = http_free,
};
