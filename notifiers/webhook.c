/*
 * webhook.c: webhooks to the case-management system, signed as the
 * Standard Webhooks specification (standardwebhooks.com) says:
 *
 *	[webhook cms]
 *	url = https://cms.example.org/vigil/events
 *	secret_file = /run/credentials/vigil.service/webhook-cms
 *	events = deadline.missed case.closed	(default: every event)
 *
 * The secret is "whsec_" and the base64 of 24 to 64 random bytes.  Each
 * POST carries webhook-id (the outbox key: the same at every retry, so a
 * receiver drops a repeat), webhook-timestamp (this attempt, in seconds)
 * and webhook-signature: "v1," and the base64 of HMAC-SHA256, keyed with
 * the decoded secret, over "id.timestamp.body".  2xx is delivered; 408,
 * 429 and 5xx are tried again; any other status (410 Gone too) will not
 * change by trying again.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "backend.h"

#define SECRET_PREFIX	"whsec_"
#define KEY_MIN		24	/* bytes of secret, as the spec asks */
#define KEY_MAX		64

const char *const hook_event_names[HOOK_NEVENTS] = {
	[HOOK_MISSED] = "deadline.missed",
	[HOOK_ESCALATED] = "escalation.sent",
	[HOOK_ACKED] = "deadline.acknowledged",
	[HOOK_CLOSED] = "case.closed",
	[HOOK_FAILED] = "delivery.failed",
};

static const char *const hook_keys[] = {
	"url", "secret_file", "events", "timeout", "connect_timeout", "ca_file",
};

/* "whsec_BASE64" (the prefix may be left off) into the key's bytes. */
static int
decode_secret(const char *s, struct webhook_sub *w)
{
	size_t n, pad = 0;
	int len;

	if (strncmp(s, SECRET_PREFIX, sizeof SECRET_PREFIX - 1) == 0)
		s += sizeof SECRET_PREFIX - 1;
	if ((n = strlen(s)) == 0 || n % 4 != 0 || n > 4 * KEY_MAX ||
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789+/=") != n)
		return -1;
	pad = (s[n - 1] == '=') + (s[n - 2] == '=');
	w->key = xmalloc(n / 4 * 3);
	if ((len = EVP_DecodeBlock(w->key, (const unsigned char *)s,
	    (int)n)) < 0 || (size_t)len < pad)
		return -1;
	w->keylen = (size_t)len - pad;
	return w->keylen >= KEY_MIN && w->keylen <= KEY_MAX ? 0 : -1;
}

/* "events": names from hook_event_names, or every one when unset. */
static unsigned
read_events(const struct sec_reader *nc)
{
	const char *v = sec_str(nc, "events", NULL);
	unsigned mask = 0;
	char *copy, *word, *save;

	if (v == NULL)
		return (1u << HOOK_NEVENTS) - 1;
	copy = xstrdup(v);
	for (word = strtok_r(copy, " \t,", &save); word != NULL;
	    word = strtok_r(NULL, " \t,", &save)) {
		int e;

		for (e = 0; e < HOOK_NEVENTS; e++)
			if (strcmp(word, hook_event_names[e]) == 0)
				break;
		if (e == HOOK_NEVENTS)
			sec_err(nc, "events", "unknown event \"%s\" (known: "
			    "deadline.missed, escalation.sent, "
			    "deadline.acknowledged, case.closed, "
			    "delivery.failed)", word);
		else
			mask |= 1u << e;
	}
	free(copy);
	if (mask == 0)
		sec_err(nc, "events", "names no event");
	return mask;
}

static void
read_sub(const struct conf *c, const struct conf_section *sec,
    struct webhook_sub *w, struct diag *dg)
{
	struct sec_reader nc;
	char *secret;

	sec_init(&nc, c, sec->name, dg);
	sec_keys(&nc, hook_keys, nitems(hook_keys));
	w->name = xstrdup(sec->name + strlen("webhook "));
	if (sec_need(&nc, "url") != NULL)
		nf_url(&nc, "url", &w->url);
	w->events = read_events(&nc);
	if (sec_need(&nc, "secret_file") != NULL &&
	    (secret = nf_secret(&nc, "secret_file", 1)) != NULL) {
		if (decode_secret(secret, w) == -1)
			sec_err(&nc, "secret_file", "the secret must be "
			    "\"" SECRET_PREFIX "\" and the base64 of %d to %d "
			    "random bytes, e.g. from: printf '" SECRET_PREFIX
			    "%%s\\n' \"$(openssl rand -base64 32)\"", KEY_MIN,
			    KEY_MAX);
		nf_wipe(secret);
	}
	w->timeout = sec_int(&nc, "timeout", 30, 1, 600);
	w->connect_timeout = sec_int(&nc, "connect_timeout", 10, 1, 120);
	w->ca_file = nf_ca_file(&nc, "ca_file");
}

static void
hook_free(void *p)
{
	struct webhook_set *ws = p;

	if (ws == NULL)
		return;
	for (size_t i = 0; i < ws->n; i++) {
		struct webhook_sub *w = &ws->subs[i];

		free(w->name);
		free(w->url);
		if (w->key != NULL)
			explicit_bzero(w->key, w->keylen);
		free(w->key);
		free(w->ca_file);
	}
	free(ws->subs);
	free(ws);
}

/* Every [webhook NAME] section; none is a set with no subscriber. */
static void *
hook_configure(const struct conf *c, enum notify_channel ch, struct diag *dg)
{
	struct webhook_set *ws = xcalloc(1, sizeof *ws);

	(void)ch;
	http_init();
	for (size_t i = 0; i < c->nsections; i++) {
		if (strncmp(c->sections[i].name, "webhook ", 8) != 0)
			continue;
		ws->subs = xreallocarray(ws->subs, ws->n + 1, sizeof *ws->subs);
		memset(&ws->subs[ws->n], 0, sizeof *ws->subs);
		read_sub(c, &c->sections[i], &ws->subs[ws->n++], dg);
	}
	return ws;
}

/*
 * The webhook-signature value for one attempt: "v1," and the base64 of
 * HMAC-SHA256 over "id.timestamp.body".  -1 when out is too small.
 */
int
webhook_sign(const unsigned char *key, size_t keylen, const char *id,
    int64_t ts, const char *body, char *out, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char *signed_text = xasprintf("%s.%lld.%s", id, (long long)ts, body);

	if (HMAC(EVP_sha256(), key, (int)keylen,
	    (const unsigned char *)signed_text, strlen(signed_text), md,
	    &mdlen) == NULL)
		fatalx("HMAC-SHA256 failed");
	free(signed_text);
	if (len < 3 + 4 * ((mdlen + 2) / 3) + 1)
		return -1;
	memcpy(out, "v1,", 3);
	EVP_EncodeBlock((unsigned char *)out + 3, md, (int)mdlen);
	return 0;
}

static const struct webhook_sub *
find_sub(const struct webhook_set *ws, const char *name)
{
	for (size_t i = 0; i < ws->n; i++)
		if (strcmp(ws->subs[i].name, name) == 0)
			return &ws->subs[i];
	return NULL;
}

static void
hook_one(const void *p, struct http_conn *hc, struct message *m)
{
	const struct webhook_sub *w = find_sub(p, m->to);
	char idh[NOTIFY_KEY_MAX + 16], stamp[64], sig[128], who[96];
	const char *hdrs[] = { "Content-Type: application/json", idh, stamp,
	    sig, NULL };
	struct http_reply *r;
	struct http_opts o;
	int64_t now = clock_now();

	if (w == NULL) {
		seterr(m->err, sizeof m->err, "no [webhook %s] in vigil.conf "
		    "any more", m->to);
		m->result = NOTIFY_PERMFAIL;
		return;
	}
	o = (struct http_opts){ w->timeout, w->connect_timeout, w->ca_file,
	    NULL, NULL };
	snprintf(idh, sizeof idh, "webhook-id: %s", m->key);
	snprintf(stamp, sizeof stamp, "webhook-timestamp: %lld",
	    (long long)now);
	memcpy(sig, "webhook-signature: ", 19);
	if (webhook_sign(w->key, w->keylen, m->key, now, m->body, sig + 19,
	    sizeof sig - 19) == -1)
		fatalx("webhook_sign: no room");
	r = xcalloc(1, sizeof *r);
	snprintf(who, sizeof who, "webhook %s", w->name);
	http_outcome(m, http_request(hc, &o, "POST", w->url, hdrs, m->body, r),
	    r, who);
	free(r);
}

static int
hook_send(void *p, struct message *const *m, size_t n)
{
	return http_batch(p, m, n, hook_one);
}

const struct notifier_ops notifier_webhook = {
	.name = "webhook",
	.channels = 1u << NOTIFY_WEBHOOK,
	.configure = hook_configure,
	.send = hook_send,
	.free = hook_free,
};
