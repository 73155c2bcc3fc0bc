/*
 * test_http.c: the HTTP SMS gateway and GOV.UK Notify notifiers against a
 * real HTTP server on loopback (tests/servers/httpd.py), which records
 * every request and, for Notify, checks the JSON Web Token as Notify does.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "unit.h"
#include "notifier.h"
#include "testutil.h"
#include "unit-notify.h"

#define SERVICE_ID	"26785a09-ab16-4eb0-8407-a37497a57506"
#define SECRET		"3d844edf-8d35-48ac-975b-e847b4f122b0"
#define API_KEY		"vigil_test-" SERVICE_ID "-" SECRET
#define OTHER_KEY	"vigil_test-" SERVICE_ID "-" \
			"00000000-0000-4000-8000-000000000000"
#define SMS_TEMPLATE	"f33517ff-2a88-4f6e-b855-c550268ce08a"
#define EMAIL_TEMPLATE	"a1b2c3d4-0000-4000-8000-0123456789ab"
#define SENDER_ID	"8e222534-7f05-4972-86e3-17c5d9f894e2"

static char *tmp;
static struct tu_server srv;
static int server_up;

static void
server_start(void)
{
	const char *args[5];
	char *log;

	tmp = tu_tmpdir();
	log = xasprintf("%s/requests.jsonl", tmp);
	args[0] = "--log";
	args[1] = log;
	args[2] = "--notify-key";
	args[3] = API_KEY;
	args[4] = NULL;
	server_up = tu_server_start(&srv, "httpd.py", args) == 0;
	tu_write(tmp, "token", "t0ken\n");
	tu_write(tmp, "password", "pa:ss w0rd\n");
	tu_write(tmp, "notify-key", API_KEY "\n");
	tu_write(tmp, "other-key", OTHER_KEY "\n");
	free(log);
}

static void
server_stop(void)
{
	tu_server_stop(&srv);
	tu_rmtree(tmp);
	free(tmp);
}

static struct notifier *
make(enum notify_channel ch, const char *fmt, ...) VIGIL_PRINTF(2, 3);

static struct notifier *
make(enum notify_channel ch, const char *fmt, ...)
{
	struct diag dg = { 0 };
	va_list ap;
	char *text;
	struct conf *c;
	struct notifier *n;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	c = tu_conf(tmp, text);
	n = notifier_new(c, ch, &dg);
	diag_print(&dg, stderr);
	ck_assert_ptr_nonnull(n);
	conf_free(c);
	free(text);
	return n;
}

/* The last request the server saw. */
static json_t *
last_request(void)
{
	char *text = tu_read(tmp, "requests.jsonl"), *nl;
	json_t *j;

	ck_assert_ptr_nonnull(text);
	nl = text + strlen(text);
	if (nl > text && nl[-1] == '\n')
		*--nl = '\0';
	nl = strrchr(text, '\n');
	j = json_loads(nl ? nl + 1 : text, 0, NULL);
	ck_assert_ptr_nonnull(j);
	free(text);
	return j;
}

static const char *
field(json_t *j, const char *a, const char *b)
{
	json_t *v = json_object_get(j, a);

	if (b != NULL)
		v = json_object_get(v, b);
	return json_string_value(v);
}

static const struct message sms = {
	.channel = NOTIFY_SMS,
	.to = "+447700900011",
	.body = "vigil L1: case DA-2026-0042 \"initial contact\" 3 hours late\n"
	    "a\\b & <c> 50% caf\xc3\xa9 \xe2\x82\xac {to} +=?",
	.key = "DA-2026-0042.contact.1.0.sam.sms",
};

static const struct message email = {
	.channel = NOTIFY_EMAIL,
	.to = "sam.patel@example.org",
	.to_name = "Sam Patel",
	.subject = "Missed deadline: initial contact for case DA-2026-0042",
	.body = "Case DA-2026-0042: initial contact is 3 hours late.\n"
	    "https://cms.example/case/DA-2026-0042",
	.key = "DA-2026-0042.contact.1.0.sam.email",
};

static char *
percent_decode(const char *s, size_t n)
{
	char *out = xmalloc(n + 1), *o = out;

	for (size_t i = 0; i < n; i++) {
		unsigned v;

		if (s[i] == '%' && i + 2 < n + 1 &&
		    sscanf(s + i + 1, "%2x", &v) == 1) {
			*o++ = (char)v;
			i += 2;
		} else
			*o++ = s[i] == '+' ? ' ' : s[i];
	}
	*o = '\0';
	return out;
}

/* The decoded value of name in a=b&c=d. */
static char *
form_value(const char *form, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = form; p != NULL; p = strchr(p, '&')) {
		if (*p == '&')
			p++;
		if (strncmp(p, name, n) == 0 && p[n] == '=')
			return percent_decode(p + n + 1, strcspn(p + n + 1, "&"));
	}
	return NULL;
}

START_TEST(test_gateway_json)
{
	struct notifier *n = make(NOTIFY_SMS, "[sms]\nvia = http\n[http-sms]\n"
	    "url = http://127.0.0.1:%d/v1/messages\n"
	    "body = {\"to\": \"{to}\", \"text\": \"{text}\", \"ref\": \"{key}\", "
	    "\"from\": \"Vigil\"}\n"
	    "header.Authorization = Bearer {secret}\nheader.X-Api-Version = 2\n"
	    "secret_file = token\n", srv.port);
	char err[NOTIFY_ERR_MAX];
	json_t *j, *body;

	ck_assert(server_up);
	ck_assert_msg(send_one(n, &sms, err, sizeof err) == NOTIFY_OK,
	    "%s", err);
	j = last_request();
	ck_assert_str_eq(field(j, "method", NULL), "POST");
	ck_assert_str_eq(field(j, "path", NULL), "/v1/messages");
	ck_assert_str_eq(field(j, "headers", "content-type"),
	    "application/json; charset=utf-8");
	ck_assert_str_eq(field(j, "headers", "authorization"), "Bearer t0ken");
	ck_assert_str_eq(field(j, "headers", "x-api-version"), "2");
	body = json_loads(field(j, "body", NULL), 0, NULL);
	ck_assert_ptr_nonnull(body);
	ck_assert_str_eq(field(body, "to", NULL), sms.to);
	ck_assert_str_eq(field(body, "text", NULL), sms.body);
	ck_assert_str_eq(field(body, "ref", NULL), sms.key);
	ck_assert_str_eq(field(body, "from", NULL), "Vigil");
	ck_assert_uint_eq(json_object_size(body), 4);
	json_decref(body);
	json_decref(j);
	notifier_free(n);
}
END_TEST

START_TEST(test_gateway_form)
{
	struct notifier *n = make(NOTIFY_SMS, "[sms]\nvia = http\n[http-sms]\n"
	    "url = http://127.0.0.1:%d/2010-04-01/Accounts/AC1/Messages.json\n"
	    "content_type = form\nbody = To={to}&From=Vigil&Body={text}\n"
	    "username = AC1\npassword_file = password\nnumber_format = digits\n",
	    srv.port);
	char err[NOTIFY_ERR_MAX], *v;
	const char *body;
	json_t *j;

	ck_assert(server_up);
	ck_assert_msg(send_one(n, &sms, err, sizeof err) == NOTIFY_OK,
	    "%s", err);
	j = last_request();
	ck_assert_str_eq(field(j, "headers", "content-type"),
	    "application/x-www-form-urlencoded");
	/* Basic AC1:pa:ss w0rd */
	ck_assert_str_eq(field(j, "headers", "authorization"),
	    "Basic QUMxOnBhOnNzIHcwcmQ=");
	body = field(j, "body", NULL);
	ck_assert_ptr_null(strpbrk(body, " \n\"<>{}+"));
	v = form_value(body, "To");
	ck_assert_str_eq(v, "447700900011");
	free(v);
	v = form_value(body, "Body");
	ck_assert_str_eq(v, sms.body);
	free(v);
	v = form_value(body, "From");
	ck_assert_str_eq(v, "Vigil");
	free(v);
	json_decref(j);
	notifier_free(n);
}
END_TEST

START_TEST(test_gateway_xml)
{
	struct notifier *n = make(NOTIFY_SMS, "[sms]\nvia = http\n[http-sms]\n"
	    "url = http://127.0.0.1:%d/xml\nmethod = PUT\ncontent_type = xml\n"
	    "body = <sms><to>{to}</to><text>{text}</text></sms>\n"
	    "header.Content-Type = text/xml\n", srv.port);
	struct message m = sms;
	char err[NOTIFY_ERR_MAX];
	json_t *j;

	ck_assert(server_up);
	m.body = "a < b & \"c\" > 'd'";
	ck_assert_int_eq(send_one(n, &m, err, sizeof err), NOTIFY_OK);
	j = last_request();
	ck_assert_str_eq(field(j, "method", NULL), "PUT");
	ck_assert_str_eq(field(j, "headers", "content-type"), "text/xml");
	ck_assert_str_eq(field(j, "body", NULL), "<sms><to>+447700900011</to>"
	    "<text>a &lt; b &amp; &quot;c&quot; &gt; &apos;d&apos;</text></sms>");
	json_decref(j);
	notifier_free(n);
}
END_TEST

START_TEST(test_gateway_get)
{
	struct notifier *n = make(NOTIFY_SMS, "[sms]\nvia = http\n[http-sms]\n"
	    "url = http://127.0.0.1:%d/send?to={to}&msg={text}&key={secret}\n"
	    "method = GET\nsecret_file = token\nnumber_format = national\n",
	    srv.port);
	char err[NOTIFY_ERR_MAX], *v;
	const char *path;
	json_t *j;

	ck_assert(server_up);
	ck_assert_int_eq(send_one(n, &sms, err, sizeof err), NOTIFY_OK);
	j = last_request();
	ck_assert_str_eq(field(j, "method", NULL), "GET");
	path = field(j, "path", NULL);
	ck_assert_ptr_null(strpbrk(path, " \n\"<>{}"));
	v = form_value(strchr(path, '?') + 1, "to");
	ck_assert_str_eq(v, "07700900011");
	free(v);
	v = form_value(strchr(path, '?') + 1, "msg");
	ck_assert_str_eq(v, sms.body);
	free(v);
	v = form_value(strchr(path, '?') + 1, "key");
	ck_assert_str_eq(v, "t0ken");
	free(v);
	ck_assert_str_eq(field(j, "body", NULL), "");
	json_decref(j);
	notifier_free(n);
}
END_TEST

START_TEST(test_gateway_statuses)
{
	static const struct {
		int status;
		enum notify_result r;
	} cases[] = {
		{ 200, NOTIFY_OK }, { 202, NOTIFY_OK }, { 301, NOTIFY_PERMFAIL },
		{ 400, NOTIFY_PERMFAIL }, { 401, NOTIFY_PERMFAIL },
		{ 404, NOTIFY_PERMFAIL }, { 408, NOTIFY_TEMPFAIL },
		{ 429, NOTIFY_TEMPFAIL }, { 500, NOTIFY_TEMPFAIL },
		{ 503, NOTIFY_TEMPFAIL },
	};
	char err[NOTIFY_ERR_MAX], want[32];

	ck_assert(server_up);
	for (size_t i = 0; i < nitems(cases); i++) {
		struct notifier *n = make(NOTIFY_SMS, "[sms]\nvia = http\n"
		    "[http-sms]\nurl = http://127.0.0.1:%d/status/%d/sms\n"
		    "body = {\"to\": \"{to}\", \"text\": \"{text}\"}\n", srv.port,
		    cases[i].status);

		ck_assert_int_eq(send_one(n, &sms, err, sizeof err),
		    cases[i].r);
		snprintf(want, sizeof want, "HTTP %d", cases[i].status);
		ck_assert(cases[i].r == NOTIFY_OK || strstr(err, want) != NULL);
		notifier_free(n);
	}
}
END_TEST

START_TEST(test_gateway_success_match)
{
	struct notifier *n;
	char err[NOTIFY_ERR_MAX];
#define MATCH_CONF "[sms]\nvia = http\n[http-sms]\n" \
	"url = http://127.0.0.1:%d/say/%s/send\ncontent_type = form\n" \
	"body = numbers={to}&message={text}\n" \
	"success_match = \"status\": \"success\"\n"

	ck_assert(server_up);
	n = make(NOTIFY_SMS, MATCH_CONF, srv.port, "failure");
	ck_assert_int_eq(send_one(n, &sms, err, sizeof err),
	    NOTIFY_PERMFAIL);
	ck_assert_ptr_nonnull(strstr(err, "failure"));
	notifier_free(n);
	n = make(NOTIFY_SMS, MATCH_CONF, srv.port, "success");
	ck_assert_int_eq(send_one(n, &sms, err, sizeof err), NOTIFY_OK);
	notifier_free(n);
}
END_TEST

START_TEST(test_gateway_timeout_and_down)
{
	struct notifier *n = make(NOTIFY_SMS, "[sms]\nvia = http\n[http-sms]\n"
	    "url = http://127.0.0.1:%d/slow/send\ntimeout = 1\n"
	    "body = {\"to\": \"{to}\", \"text\": \"{text}\"}\n", srv.port);
	char err[NOTIFY_ERR_MAX];
	struct timespec t0;
	double took;

	ck_assert(server_up);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(send_one(n, &sms, err, sizeof err),
	    NOTIFY_TEMPFAIL);
	took = tu_seconds_since(&t0);
	ck_assert_msg(took >= 0.9 && took < 3, "took %.2f s", took);
	ck_assert_ptr_nonnull(strstr(err, "SMS gateway: "));
	notifier_free(n);

	n = make(NOTIFY_SMS, "[sms]\nvia = http\n[http-sms]\n"
	    "url = http://127.0.0.1:%d/send\n"
	    "body = {\"to\": \"{to}\", \"text\": \"{text}\"}\n", tu_free_port());
	ck_assert_int_eq(send_one(n, &sms, err, sizeof err),
	    NOTIFY_TEMPFAIL);
	notifier_free(n);
}
END_TEST

/* Three SMS, sent together; how many sessions the notifier opened. */
static int
send_three(struct notifier *n, struct message m[3])
{
	struct message *p[3] = { &m[0], &m[1], &m[2] };

	for (int i = 0; i < 3; i++)
		m[i] = sms;
	m[1].key = "second";
	m[2].key = "third";
	return notifier_send(n, p, 3);
}

/* The connection of each request to a path starting with prefix. */
static int
connections_of(const char *dir, const char *prefix, int *conn, int max)
{
	char *text = tu_read(dir, "requests.jsonl"), *line, *save = NULL;
	int n = 0;

	ck_assert_ptr_nonnull(text);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		json_t *j = json_loads(line, 0, NULL);
		const char *path = field(j, "path", NULL);

		if (path != NULL && strncmp(path, prefix, strlen(prefix)) == 0 &&
		    n < max)
			conn[n++] = (int)json_integer_value(json_object_get(j,
			    "connection"));
		json_decref(j);
	}
	free(text);
	return n;
}

/* A batch goes over one connection, kept alive from request to request. */
START_TEST(test_gateway_batch_one_connection)
{
	struct notifier *n = make(NOTIFY_SMS, "[sms]\nvia = http\n[http-sms]\n"
	    "url = http://127.0.0.1:%d/batch?to={to}&m={text}\nmethod = GET\n",
	    srv.port);
	struct message m[3];
	int conn[8];

	ck_assert(server_up);
	ck_assert_int_eq(send_three(n, m), 1);
	for (int i = 0; i < 3; i++)
		ck_assert_msg(m[i].result == NOTIFY_OK, "%s", m[i].err);
	ck_assert_int_eq(connections_of(tmp, "/batch?", conn, 8), 3);
	ck_assert_int_eq(conn[1], conn[0]);
	ck_assert_int_eq(conn[2], conn[0]);
	notifier_free(n);
}
END_TEST

/* Over HTTPS too: one TLS handshake for the batch. */
START_TEST(test_gateway_batch_one_handshake)
{
	struct tu_server tls;
	char *dir = tu_tmpdir(), *log = xasprintf("%s/requests.jsonl", dir);
	char *certs = xasprintf("%s/certs", dir);
	const char *args[] = { "--log", log, "--tls", certs, NULL };
	struct notifier *n;
	struct message m[3];
	int conn[8];

	mkdir(certs, 0700);
	ck_assert_int_eq(tu_server_start(&tls, "httpd.py", args), 0);
	n = make(NOTIFY_SMS, "[sms]\nvia = http\n[http-sms]\n"
	    "url = https://127.0.0.1:%d/tls?to={to}&m={text}\nmethod = GET\n"
	    "ca_file = %s/cert.pem\n", tls.port, certs);
	ck_assert_int_eq(send_three(n, m), 1);
	for (int i = 0; i < 3; i++)
		ck_assert_msg(m[i].result == NOTIFY_OK, "%s", m[i].err);
	ck_assert_int_eq(connections_of(dir, "/tls?", conn, 8), 3);
	ck_assert_int_eq(conn[0], 1);
	ck_assert_int_eq(conn[2], 1);
	notifier_free(n);
	tu_server_stop(&tls);
	tu_rmtree(dir);
	free(certs);
	free(log);
	free(dir);
}
END_TEST

/*
 * A 429 with Retry-After: the message waits that long, and the rest of
 * the batch is not tried (the limit is the account's, not the message's).
 */
START_TEST(test_gateway_retry_after)
{
	struct notifier *n = make(NOTIFY_SMS, "[sms]\nvia = http\n[http-sms]\n"
	    "url = http://127.0.0.1:%d/retry-after/7/send?to={to}&m={text}\n"
	    "method = GET\n", srv.port);
	struct message m[3];
	int conn[8];

	ck_assert(server_up);
	send_three(n, m);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(m[i].result, NOTIFY_TEMPFAIL);
		ck_assert_int_eq(m[i].wait, 7);
	}
	ck_assert_ptr_nonnull(strstr(m[0].err, "HTTP 429"));
	ck_assert_ptr_nonnull(strstr(m[1].err, "not tried: asked to wait 7 s"));
	ck_assert_int_eq(connections_of(tmp, "/retry-after/7/", conn, 8), 1);

	/* Once the gateway takes them, they go. */
	send_three(n, m);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(m[i].result, NOTIFY_OK);
		ck_assert_int_eq(m[i].wait, 0);
	}
	notifier_free(n);
}
END_TEST

/* The JWT's claims, decoded from the request's Authorization header. */
static json_t *
jwt_claims(const char *auth)
{
	const char *p = strchr(auth, '.') + 1, *e = strchr(p, '.');
	char b64[256];
	unsigned char raw[256];
	size_t n = (size_t)(e - p), k;
	int len;

	memcpy(b64, p, n);
	for (k = 0; k < n; k++)
		b64[k] = b64[k] == '-' ? '+' : b64[k] == '_' ? '/' : b64[k];
	while (n % 4)
		b64[n++] = '=';
	b64[n] = '\0';
	len = EVP_DecodeBlock(raw, (unsigned char *)b64, (int)n);
	while (len > 0 && raw[len - 1] == '\0')
		len--;
	return json_loadb((char *)raw, (size_t)len, 0, NULL);
}

#define NOTIFY_CONF \
	"[%s]\nvia = notify\n[notify]\nbase_url = http://127.0.0.1:%d%s\n" \
	"api_key_file = %s\nsms_template = " SMS_TEMPLATE "\n" \
	"email_template = " EMAIL_TEMPLATE "\nsms_sender_id = " SENDER_ID "\n" \
	"email_reply_to_id = " SENDER_ID "\n"

START_TEST(test_notify_sms)
{
	struct notifier *n = make(NOTIFY_SMS, NOTIFY_CONF, "sms", srv.port, "/",
	    "notify-key");
	char err[NOTIFY_ERR_MAX];
	json_t *j, *body, *claims;

	ck_assert(server_up);
	ck_assert_msg(send_one(n, &sms, err, sizeof err) == NOTIFY_OK,
	    "%s", err);
	j = last_request();
	ck_assert_str_eq(field(j, "method", NULL), "POST");
	ck_assert_str_eq(field(j, "path", NULL), "/v2/notifications/sms");
	ck_assert_str_eq(field(j, "headers", "content-type"),
	    "application/json");
	claims = jwt_claims(field(j, "headers", "authorization"));
	ck_assert_ptr_nonnull(claims);
	ck_assert_str_eq(field(claims, "iss", NULL), SERVICE_ID);
	ck_assert(llabs(json_integer_value(json_object_get(claims, "iat")) -
	    (long long)time(NULL)) < 5);
	ck_assert_uint_eq(json_object_size(claims), 2);
	json_decref(claims);
	body = json_loads(field(j, "body", NULL), 0, NULL);
	ck_assert_str_eq(field(body, "phone_number", NULL), sms.to);
	ck_assert_str_eq(field(body, "template_id", NULL), SMS_TEMPLATE);
	ck_assert_str_eq(field(body, "personalisation", "body"), sms.body);
	ck_assert_uint_eq(json_object_size(json_object_get(body,
	    "personalisation")), 1);
	/* The reference is the idempotency key, and nothing else. */
	ck_assert_str_eq(field(body, "reference", NULL), sms.key);
	ck_assert_str_eq(field(body, "sms_sender_id", NULL), SENDER_ID);
	ck_assert_uint_eq(json_object_size(body), 5);
	json_decref(body);
	json_decref(j);
	notifier_free(n);
}
END_TEST

START_TEST(test_notify_email)
{
	struct notifier *n = make(NOTIFY_EMAIL, NOTIFY_CONF, "email", srv.port,
	    "", "notify-key");
	char err[NOTIFY_ERR_MAX];
	json_t *j, *body;

	ck_assert(server_up);
	ck_assert_msg(send_one(n, &email, err, sizeof err) == NOTIFY_OK,
	    "%s", err);
	j = last_request();
	ck_assert_str_eq(field(j, "path", NULL), "/v2/notifications/email");
	body = json_loads(field(j, "body", NULL), 0, NULL);
	ck_assert_str_eq(field(body, "email_address", NULL), email.to);
	ck_assert_str_eq(field(body, "template_id", NULL), EMAIL_TEMPLATE);
	ck_assert_str_eq(field(body, "personalisation", "subject"),
	    email.subject);
	ck_assert_str_eq(field(body, "personalisation", "body"), email.body);
	ck_assert_str_eq(field(body, "reference", NULL), email.key);
	ck_assert_str_eq(field(body, "email_reply_to_id", NULL), SENDER_ID);
	ck_assert_uint_eq(json_object_size(body), 5);
	json_decref(body);
	json_decref(j);
	notifier_free(n);
}
END_TEST

START_TEST(test_notify_statuses)
{
	static const struct {
		int status;
		enum notify_result r;
	} cases[] = {
		{ 400, NOTIFY_PERMFAIL }, { 403, NOTIFY_PERMFAIL },
		{ 429, NOTIFY_TEMPFAIL }, { 500, NOTIFY_TEMPFAIL },
		{ 200, NOTIFY_TEMPFAIL },
	};
	char err[NOTIFY_ERR_MAX], prefix[32];

	ck_assert(server_up);
	for (size_t i = 0; i < nitems(cases); i++) {
		struct notifier *n;

		snprintf(prefix, sizeof prefix, "/status/%d", cases[i].status);
		n = make(NOTIFY_SMS, NOTIFY_CONF, "sms", srv.port, prefix,
		    "notify-key");
		ck_assert_int_eq(send_one(n, &sms, err, sizeof err),
		    cases[i].r);
		if (cases[i].status != 200)
			ck_assert_ptr_nonnull(strstr(err, "told to fail"));
		notifier_free(n);
	}
}
END_TEST

START_TEST(test_notify_wrong_key)
{
	struct notifier *n = make(NOTIFY_SMS, NOTIFY_CONF, "sms", srv.port, "",
	    "other-key");
	char err[NOTIFY_ERR_MAX];

	ck_assert(server_up);
	ck_assert_int_eq(send_one(n, &sms, err, sizeof err),
	    NOTIFY_PERMFAIL);
	ck_assert_ptr_nonnull(strstr(err, "HTTP 403: Invalid token: signature"));
	notifier_free(n);
}
END_TEST

static Suite *
http_suite(void)
{
	Suite *s = suite_create("http");
	TCase *tc = tcase_create("http");

	tcase_add_unchecked_fixture(tc, server_start, server_stop);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_gateway_json);
	tcase_add_test(tc, test_gateway_form);
	tcase_add_test(tc, test_gateway_xml);
	tcase_add_test(tc, test_gateway_get);
	tcase_add_test(tc, test_gateway_statuses);
	tcase_add_test(tc, test_gateway_success_match);
	tcase_add_test(tc, test_gateway_timeout_and_down);
	tcase_add_test(tc, test_gateway_batch_one_connection);
	tcase_add_test(tc, test_gateway_batch_one_handshake);
	tcase_add_test(tc, test_gateway_retry_after);
	tcase_add_test(tc, test_notify_sms);
	tcase_add_test(tc, test_notify_email);
	tcase_add_test(tc, test_notify_statuses);
	tcase_add_test(tc, test_notify_wrong_key);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(http_suite)
