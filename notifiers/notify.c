/*
 * notify.c: GOV.UK Notify, for councils (housing associations may not use
 * it).  One HTTPS POST per message to /v2/notifications/sms or /email,
 * authenticated by a JSON Web Token signed (HS256) with the API key's
 * secret, issued by the service id, dated now: Notify refuses tokens more
 * than 30 seconds off its clock, so a fresh one goes with every request.
 *
 *	[notify]
 *	api_key_file = /run/credentials/vigil.service/notify-key
 *	sms_template = UUID		a template whose text is ((body))
 *	email_template = UUID		subject ((subject)), body ((body))
 *
 * The message's idempotency key goes as "reference" (never personal data).
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "backend.h"

#define NOTIFY_BASE_URL	"https://api.notifications.service.gov.uk"
#define UUID_LEN	36

struct notify_nf {
	char	*base;			/* without a trailing "/" */
	char	*service;		/* the key's service id: JWT iss */
	char	*secret;		/* the key's secret: the HMAC key */
	char	*template_id;
	char	*sender_id;		/* sms_sender_id / email_reply_to_id */
	char	*ca_file;
	int	 timeout, connect_timeout;
};

static const char *const notify_keys[] = {
	"api_key_file", "base_url", "sms_template", "email_template",
	"sms_sender_id", "email_reply_to_id", "timeout", "connect_timeout",
	"ca_file",
};

static int
uuid_ok(const char *s, size_t len)
{
	if (len != UUID_LEN)
		return 0;
	for (size_t i = 0; i < len; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;
		int c = (unsigned char)s[i];

		if (dash ? c != '-' : !((c >= '0' && c <= '9') ||
		    (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return 0;
	}
	return 1;
}

static char *
uuid_setting(const struct sec_reader *nc, const char *key, int required)
{
	const char *v = required ? sec_need(nc, key) : sec_str(nc, key, NULL);

	if (v == NULL)
		return NULL;
	if (!uuid_ok(v, strlen(v))) {
		sec_err(nc, key, "expected an id like "
		    "f33517ff-2a88-4f6e-b855-c550268ce08a");
		return NULL;
	}
	return xstrdup(v);
}

static void *
notify_configure(const struct conf *c, enum notify_channel ch,
    struct diag *dg)
{
	struct notify_nf *n = xcalloc(1, sizeof *n);
	struct sec_reader nc;
	char *key;
	size_t len;

	http_init();
	sec_init(&nc, c, "notify", dg);
	sec_keys(&nc, notify_keys, nitems(notify_keys));
	if ((key = nf_secret(&nc, "api_key_file", 1)) != NULL) {
		/* {name}-{service id}-{secret}: the name may hold dashes. */
		len = strlen(key);
		if (len < 2 * UUID_LEN + 3 || key[len - UUID_LEN - 1] != '-' ||
		    key[len - 2 * UUID_LEN - 2] != '-' ||
		    !uuid_ok(key + len - UUID_LEN, UUID_LEN) ||
		    !uuid_ok(key + len - 2 * UUID_LEN - 1, UUID_LEN))
			sec_err(&nc, "api_key_file", "the file does not hold a "
			    "Notify API key ({name}-{service id}-{secret})");
		else {
			n->secret = xstrdup(key + len - UUID_LEN);
			n->service = xstrndup(key + len - 2 * UUID_LEN - 1,
			    UUID_LEN);
		}
		nf_wipe(key);
	}
	if (conf_kv(nc.sec, "base_url") == NULL)
		n->base = xstrdup(NOTIFY_BASE_URL);
	else if (nf_url(&nc, "base_url", &n->base) == 0 && n->base != NULL) {
		len = strlen(n->base);
		while (len > 0 && n->base[len - 1] == '/')
			n->base[--len] = '\0';
	}
	if (ch == NOTIFY_SMS) {
		n->template_id = uuid_setting(&nc, "sms_template", 1);
		n->sender_id = uuid_setting(&nc, "sms_sender_id", 0);
	} else {
		n->template_id = uuid_setting(&nc, "email_template", 1);
		n->sender_id = uuid_setting(&nc, "email_reply_to_id", 0);
	}
	n->timeout = sec_int(&nc, "timeout", 30, 1, 600);
	n->connect_timeout = sec_int(&nc, "connect_timeout", 10, 1, 120);
	n->ca_file = nf_ca_file(&nc, "ca_file");
	return n;
}

static void
notify_free(void *p)
{
	struct notify_nf *n = p;

	if (n == NULL)
		return;
	free(n->base);
	free(n->service);
	nf_wipe(n->secret);
	free(n->template_id);
	free(n->sender_id);
	free(n->ca_file);
	free(n);
}

/* base64url without padding (RFC 7515). */
static char *
b64url(const unsigned char *data, size_t len)
{
	char *out = xmalloc(4 * ((len + 2) / 3) + 1), *p;
	int n = EVP_EncodeBlock((unsigned char *)out, data, (int)len);

	while (n > 0 && out[n - 1] == '=')
		n--;
	out[n] = '\0';
	for (p = out; *p; p++)
		if (*p == '+')
			*p = '-';
		else if (*p == '/')
			*p = '_';
	return out;
}

/* The bearer token: HS256 over {typ, alg}.{iss, iat}. */
static char *
notify_jwt(const struct notify_nf *n, int64_t now)
{
	static const char header[] = "{\"typ\":\"JWT\",\"alg\":\"HS256\"}";
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	char *payload, *h, *p, *input, *sig, *jwt;

	payload = xasprintf("{\"iss\":\"%s\",\"iat\":%lld}", n->service,
	    (long long)now);
	h = b64url((const unsigned char *)header, strlen(header));
	p = b64url((const unsigned char *)payload, strlen(payload));
	input = xasprintf("%s.%s", h, p);
	if (HMAC(EVP_sha256(), n->secret, (int)strlen(n->secret),
	    (const unsigned char *)input, strlen(input), mac, &maclen) == NULL)
		fatalx("HMAC-SHA256 failed");
	sig = b64url(mac, maclen);
	jwt = xasprintf("%s.%s", input, sig);
	free(payload);
	free(h);
	free(p);
	free(input);
	free(sig);
	return jwt;
}

/* Notify's words from an error reply, {"errors":[{"message":...}]}. */
static void
reply_message(const struct http_reply *r, char *out, size_t len)
{
	json_t *j = json_loadb(r->body, r->len, 0, NULL), *e;
	const char *msg = NULL;

	if (j != NULL && (e = json_array_get(json_object_get(j, "errors"),
	    0)) != NULL)
		msg = json_string_value(json_object_get(e, "message"));
	if (msg != NULL)
		nf_printable(msg, strlen(msg), out, len);
	else
		nf_printable(r->body, r->len, out, len > 200 ? 200 : len);
	json_decref(j);
}

static void
notify_one(const void *p, struct http_conn *hc, struct message *m)
{
	const struct notify_nf *n = p;
	struct http_opts o = { n->timeout, n->connect_timeout, n->ca_file,
	    NULL, NULL };
	struct http_reply *r = xcalloc(1, sizeof *r);
	const char *hdrs[3];
	char *url, *body, *jwt, *auth, why[256];
	json_t *j;

	if (m->channel == NOTIFY_SMS) {
		url = xasprintf("%s/v2/notifications/sms", n->base);
		j = json_pack("{s:s, s:s, s:{s:s}, s:s}", "phone_number", m->to,
		    "template_id", n->template_id, "personalisation", "body",
		    m->body, "reference", m->key);
		if (j != NULL && n->sender_id != NULL)
			json_object_set_new(j, "sms_sender_id",
			    json_string(n->sender_id));
	} else {
		url = xasprintf("%s/v2/notifications/email", n->base);
		j = json_pack("{s:s, s:s, s:{s:s, s:s}, s:s}", "email_address",
		    m->to, "template_id", n->template_id, "personalisation",
		    "subject", m->subject, "body", m->body, "reference",
		    m->key);
		if (j != NULL && n->sender_id != NULL)
			json_object_set_new(j, "email_reply_to_id",
			    json_string(n->sender_id));
	}
	if (j == NULL || (body = json_dumps(j, JSON_COMPACT)) == NULL) {
		json_decref(j);
		free(url);
		free(r);
		m->result = NOTIFY_PERMFAIL;
		seterr(m->err, sizeof m->err, "the text is not valid UTF-8");
		return;
	}
	json_decref(j);
	jwt = notify_jwt(n, (int64_t)time(NULL));
	auth = xasprintf("Authorization: Bearer %s", jwt);
	hdrs[0] = "Content-Type: application/json";
	hdrs[1] = auth;
	hdrs[2] = NULL;
	if (http_request(hc, &o, "POST", url, hdrs, body, r) == -1) {
		seterr(m->err, sizeof m->err, "Notify: %s", r->error);
		m->result = NOTIFY_TEMPFAIL;
	} else if (r->status == 201)
		m->result = NOTIFY_OK;
	else {
		/* Only 201 means sent; an odd 2xx is retried, not trusted. */
		m->result = r->status / 100 == 2 ? NOTIFY_TEMPFAIL :
		    http_result(r->status);
		m->wait = r->retry_after;
		reply_message(r, why, sizeof why);
		seterr(m->err, sizeof m->err, "Notify: HTTP %ld: %s",
		    r->status, why);
	}
	free(url);
	free(body);
	nf_wipe(jwt);
	nf_wipe(auth);
	free(r);
}

static int
notify_send(void *p, struct message *const *m, size_t n)
{
	return http_batch(p, m, n, notify_one);
}

const struct notifier_ops notifier_notify = {
	.name = "notify",
	.channels = (1u << NOTIFY_EMAIL) | (1u << NOTIFY_SMS),
	.configure = notify_configure,
	.send = notify_send,
	.free = notify_free,
};
