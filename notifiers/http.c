/*
 * http.c: HTTP requests with libcurl's easy interface, for the Notify and
 * HTTP SMS notifiers.  Every request has a connect timeout and an overall
 * timeout, follows no redirects, speaks only http and https, and verifies
 * certificates; no signals are used, so it is safe on any thread.  The
 * requests of one batch share an easy handle, whose connection cache keeps
 * the connection (and its TLS session) alive from one to the next: a TLS
 * handshake costs more than the request.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "backend.h"

static pthread_once_t http_once = PTHREAD_ONCE_INIT;

static void
http_global(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		fatalx("curl_global_init failed");
}

/* Call before starting threads that send (notifier configure does). */
void
http_init(void)
{
	pthread_once(&http_once, http_global);
}

struct http_conn {
	CURL	*h;
	int	 opened;		/* connections made so far */
};

struct http_conn *
http_conn_new(void)
{
	struct http_conn *c = xcalloc(1, sizeof *c);

	http_init();
	if ((c->h = curl_easy_init()) == NULL)
		fatalx("curl_easy_init failed");
	return c;
}

/* Close the connection; how many were opened over its life. */
int
http_conn_free(struct http_conn *c)
{
	struct nf_sigpipe sp;
	int opened = c->opened;

	nf_sigpipe_hold(&sp);
	curl_easy_cleanup(c->h);
	nf_sigpipe_release(&sp);
	free(c);
	return opened;
}

static size_t
keep_start(char *data, size_t size, size_t n, void *arg)
{
	struct http_reply *r = arg;
	size_t len = size * n, room = sizeof r->body - 1 - r->len;

	if (len < room)
		room = len;
	memcpy(r->body + r->len, data, room);
	r->len += room;
	r->body[r->len] = '\0';
	return len;
}

/*
 * method is "POST", "PUT" or "GET"; headers a NULL-terminated list of
 * "Name: value"; body may be NULL.  Returns 0 with r->status set when a
 * reply came, -1 with r->error set when none did.
 */
int
http_request(struct http_conn *c, const struct http_opts *o,
    const char *method, const char *url, const char *const *headers,
    const char *body, struct http_reply *r)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *hl = NULL, *t;
	struct nf_sigpipe sp;
	curl_off_t wait = 0;
	CURL *h = c->h;
	long conns = 0;
	CURLcode rc;

	memset(r, 0, sizeof *r);
	for (; headers != NULL && *headers != NULL; headers++) {
		if ((t = curl_slist_append(hl, *headers)) == NULL)
			fatalx("out of memory");
		hl = t;
	}
	/* No "Expect: 100-continue" round trip. */
	if ((t = curl_slist_append(hl, "Expect:")) == NULL)
		fatalx("out of memory");
	hl = t;
	/* Every option again, but the connection stays. */
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)o->timeout);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)o->connect_timeout);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (o->ca_file != NULL)
		curl_easy_setopt(h, CURLOPT_CAINFO, o->ca_file);
	if (o->username != NULL) {
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(h, CURLOPT_USERNAME, o->username);
		curl_easy_setopt(h, CURLOPT_PASSWORD,
		    o->password ? o->password : "");
	}
	curl_easy_setopt(h, CURLOPT_USERAGENT,
	    PACKAGE_NAME "/" PACKAGE_VERSION);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep_start);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	if (strcmp(method, "GET") == 0)
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	else {
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body ? body : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE,
		    (long)(body ? strlen(body) : 0));
	}
	nf_sigpipe_hold(&sp);
	rc = curl_easy_perform(h);
	nf_sigpipe_release(&sp);
	curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &conns);
	c->opened += (int)conns;
	if (rc == CURLE_OK) {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
		/* Seconds or an HTTP date, as curl reads it; kept sane. */
		if ((r->status == 429 || r->status == 503) &&
		    curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, &wait) ==
		    CURLE_OK && wait > 0)
			r->retry_after = wait > HTTP_WAIT_MAX ? HTTP_WAIT_MAX :
			    (int)wait;
	} else
		seterr(r->error, sizeof r->error, "%s", errbuf[0] ? errbuf :
		    curl_easy_strerror(rc));
	/* The handle must not keep pointers into this call's memory. */
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
	curl_slist_free_all(hl);
	return rc == CURLE_OK ? 0 : -1;
}

/*
 * A batch of messages, one request each over one kept-alive connection,
 * stopping where the next hop asks us to wait.  How many connections it
 * took.
 */
int
http_batch(const void *nf, struct message *const *m, size_t n,
    http_one_fn *one)
{
	struct http_conn *hc = http_conn_new();

	for (size_t i = 0; i < n; i++) {
		one(nf, hc, m[i]);
		if (nf_stop_after(m, i, n))
			break;
	}
	return http_conn_free(hc);
}

/*
 * A message's outcome from its request (rc from http_request()): no reply
 * is worth another try; a reply, as http_result() says, keeping a 429's
 * or 503's wait; who names the next hop in the error.  0 when delivered.
 */
int
http_outcome(struct message *m, int rc, const struct http_reply *r,
    const char *who)
{
	char why[256];

	if (rc == -1) {
		seterr(m->err, sizeof m->err, "%s: %s", who, r->error);
		m->result = NOTIFY_TEMPFAIL;
	} else if ((m->result = http_result(r->status)) != NOTIFY_OK) {
		m->wait = r->retry_after;
		seterr(m->err, sizeof m->err, "%s: HTTP %ld: %s", who,
		    r->status, nf_printable(r->body, r->len, why, 200));
	}
	return m->result == NOTIFY_OK ? 0 : -1;
}

/*
 * What an HTTP status means for a message: 2xx sent; 408, 429 and 5xx
 * worth another try; anything else (3xx: a wrong URL, 4xx: a refusal) will
 * not change by trying again.
 */
enum notify_result
http_result(long status)
{
	if (status >= 200 && status <= 299)
		return NOTIFY_OK;
	if (status == 408 || status == 429 || (status >= 500 && status <= 599))
		return NOTIFY_TEMPFAIL;
	return NOTIFY_PERMFAIL;
}
