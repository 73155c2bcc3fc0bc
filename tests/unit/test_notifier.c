/*
 * test_notifier.c: the notifier registry and settings (every error at its
 * line), the mail message format, the file notifier (modes, atomic .eml,
 * JSON lines, concurrent senders) and SMS through an email gateway.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>

#include <jansson.h>

#include "unit.h"
#include "backend.h"
#include "testutil.h"
#include "unit-notify.h"

static char *tmp;

static void
setup(void)
{
	tmp = tu_tmpdir();
}

static void
teardown(void)
{
	tu_rmtree(tmp);
	free(tmp);
}

static size_t
count(const struct diag *dg, const char *needle)
{
	size_t n = 0;

	for (size_t i = 0; i < dg->n; i++)
		n += strstr(dg->v[i].msg, needle) != NULL;
	return n;
}

static struct notifier *
make(const char *conf_text, enum notify_channel ch, struct conf **cp)
{
	struct diag dg = { 0 };
	struct conf *c = tu_conf(tmp, conf_text);
	struct notifier *n = notifier_new(c, ch, &dg);

	diag_print(&dg, stderr);
	ck_assert_ptr_nonnull(n);
	diag_clear(&dg);
	if (cp != NULL)
		*cp = c;
	else
		conf_free(c);
	return n;
}

/* A configuration that must be refused, and the problems it must show. */
struct refusal {
	const char		*conf;
	enum notify_channel	 ch;
	struct {
		int		 line;
		const char	*msg;
	}			 want[6];	/* up to the first NULL msg */
};

/* Configuring each channel must fail, with every problem wanted. */
static void
refused(const struct refusal *r, size_t n)
{
	struct diag dg = { 0 };

	for (size_t i = 0; i < n; i++) {
		struct conf *c = tu_conf(tmp, r[i].conf);

		ck_assert_ptr_null(notifier_new(c, r[i].ch, &dg));
		ck_assert_uint_gt(dg.n, 0);
		for (size_t k = 0; k < nitems(r[i].want) &&
		    r[i].want[k].msg != NULL; k++)
			ck_assert_msg(udiag_has(&dg, r[i].want[k].line,
			    r[i].want[k].msg), "no \"%s\" at line %d for: %s",
			    r[i].want[k].msg, r[i].want[k].line, r[i].conf);
		diag_clear(&dg);
		conf_free(c);
	}
}

static const struct message email = {
	.channel = NOTIFY_EMAIL,
	.to = "sam.patel@example.org",
	.to_name = "Sam Patel",
	.subject = "Missed deadline: initial contact for case DA-2026-0042",
	.body = "Case DA-2026-0042: initial contact is 3 hours late.\n\n"
	    "https://cms.example/case/DA-2026-0042",
	.key = "DA-2026-0042.contact.1.0.sam.patel.email",
};

static const struct message sms = {
	.channel = NOTIFY_SMS,
	.to = "+447700900011",
	.body = "vigil L1: case DA-2026-0042 initial contact 3 hours late. "
	    "\"quoted\" \\ and\na new line",
	.key = "DA-2026-0042.contact.1.0.sam.patel.sms",
};

static mode_t
mode_of(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return st.st_mode & 07777;
}

static size_t
entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.' || strlen(de->d_name) > 2;
	closedir(d);
	return n;
}

START_TEST(test_default_is_file)
{
	const char *conf = "[file]\ndirectory = out\n";
	struct notifier *e = make(conf, NOTIFY_EMAIL, NULL);
	struct notifier *s = make(conf, NOTIFY_SMS, NULL);

	ck_assert_str_eq(notifier_name(e), "file");
	ck_assert_str_eq(notifier_name(s), "file");
	notifier_free(e);
	notifier_free(s);
}
END_TEST

START_TEST(test_file_email)
{
	struct notifier *n = make("[email]\nfrom = vigil@example.org\n"
	    "[file]\ndirectory = out/files\n", NOTIFY_EMAIL, NULL);
	struct message m = email;
	char err[NOTIFY_ERR_MAX], *dir = xasprintf("%s/out", tmp), *path;
	char *text;

	/* The parent is there; the folder itself is made, 0700. */
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	ck_assert_int_eq(send_one(n, &m, err, sizeof err), NOTIFY_OK);
	free(dir);
	dir = xasprintf("%s/out/files", tmp);
	ck_assert_uint_eq(mode_of(dir), 0700);
	path = xasprintf("%s/%s.eml", dir, m.key);
	ck_assert_uint_eq(mode_of(path), 0600);
	text = tu_read(path, NULL);
	ck_assert(tu_seven_bit(text));
	tu_check_header(text, "Message-ID", "<DA-2026-0042.contact.1.0."
	    "sam.patel.email@example.org>");
	tu_check_header(text, "From", "\"vigil\" <vigil@example.org>");
	tu_check_body(text, m.body);
	free(text);

	/* Sent again (after a crash, say): replaced, not doubled. */
	m.body = "second version";
	ck_assert_int_eq(send_one(n, &m, err, sizeof err), NOTIFY_OK);
	ck_assert_uint_eq(entries(dir), 1);
	text = tu_read(path, NULL);
	tu_check_body(text, "second version");
	free(text);
	free(path);
	free(dir);
	notifier_free(n);
}
END_TEST

START_TEST(test_file_sms)
{
	struct notifier *n = make("[file]\ndirectory = out\n", NOTIFY_SMS, NULL);
	char err[NOTIFY_ERR_MAX], *path = xasprintf("%s/out/sms.jsonl", tmp);
	char *text, *line, *save;
	int lines = 0;

	ck_assert_int_eq(send_one(n, &sms, err, sizeof err), NOTIFY_OK);
	ck_assert_int_eq(send_one(n, &sms, err, sizeof err), NOTIFY_OK);
	ck_assert_uint_eq(mode_of(path), 0600);
	text = tu_read(path, NULL);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		json_t *j = json_loads(line, 0, NULL);

		ck_assert_ptr_nonnull(j);
		ck_assert_str_eq(json_string_value(json_object_get(j, "to")),
		    sms.to);
		ck_assert_str_eq(json_string_value(json_object_get(j, "text")),
		    sms.body);
		ck_assert_str_eq(json_string_value(json_object_get(j, "key")),
		    sms.key);
		ck_assert_uint_eq(strlen(json_string_value(json_object_get(j,
		    "time"))), 20);
		ck_assert_uint_eq(json_object_size(j), 4);
		json_decref(j);
		lines++;
	}
	ck_assert_int_eq(lines, 2);
	free(text);
	free(path);
	notifier_free(n);
}
END_TEST

START_TEST(test_file_tightens_modes)
{
	struct notifier *n = make("[file]\ndirectory = out\n", NOTIFY_SMS, NULL);
	char err[NOTIFY_ERR_MAX], *dir = xasprintf("%s/out", tmp), *path;

	ck_assert_int_eq(mkdir(dir, 0755), 0);
	tu_write(dir, "sms.jsonl", "");
	path = xasprintf("%s/sms.jsonl", dir);
	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_int_eq(send_one(n, &sms, err, sizeof err), NOTIFY_OK);
	ck_assert_uint_eq(mode_of(dir), 0700);
	ck_assert_uint_eq(mode_of(path), 0600);
	free(path);
	free(dir);
	notifier_free(n);
}
END_TEST

START_TEST(test_file_unwritable)
{
	struct notifier *n = make("[file]\ndirectory = no/such/parent\n",
	    NOTIFY_EMAIL, NULL);
	char err[NOTIFY_ERR_MAX];

	ck_assert_int_eq(send_one(n, &email, err, sizeof err),
	    NOTIFY_TEMPFAIL);
	ck_assert_ptr_nonnull(strstr(err, "no/such/parent"));
	notifier_free(n);
}
END_TEST

struct burst {
	struct notifier *n;
	int	 id;
};

static void *
burst(void *arg)
{
	struct burst *b = arg;
	char err[NOTIFY_ERR_MAX], key[64], *body = xmalloc(3001);

	/* Long lines: a torn write would show as a broken JSON line. */
	memset(body, 'a' + b->id, 3000);
	body[3000] = '\0';
	for (int i = 0; i < 50; i++) {
		struct message m = sms;

		snprintf(key, sizeof key, "k%d.%d", b->id, i);
		m.key = key;
		m.body = body;
		if (send_one(b->n, &m, err, sizeof err) != NOTIFY_OK)
			abort();
	}
	free(body);
	return NULL;
}

START_TEST(test_file_concurrent)
{
	struct notifier *n = make("[file]\ndirectory = out\n", NOTIFY_SMS, NULL);
	struct burst b[8];
	pthread_t t[8];
	char *text, *line, *save;
	int lines = 0;

	for (int i = 0; i < 8; i++) {
		b[i] = (struct burst){ n, i };
		ck_assert_int_eq(pthread_create(&t[i], NULL, burst, &b[i]), 0);
	}
	for (int i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	text = tu_read(tmp, "out/sms.jsonl");
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		json_t *j = json_loads(line, 0, NULL);

		ck_assert_msg(j != NULL, "broken line");
		json_decref(j);
		lines++;
	}
	ck_assert_int_eq(lines, 400);
	free(text);
	notifier_free(n);
}
END_TEST

START_TEST(test_send_checks)
{
	struct notifier *n = make("", NOTIFY_EMAIL, NULL);
	struct message m = email;
	char err[NOTIFY_ERR_MAX];
	static const char *const bad_keys[] = {
		"", ".hidden", "a/b", "a b", "<x>", "a@b", "../x", "a\nb",
	};

	for (size_t i = 0; i < nitems(bad_keys); i++) {
		m.key = bad_keys[i];
		ck_assert_int_eq(send_one(n, &m, err, sizeof err),
		    NOTIFY_PERMFAIL);
		ck_assert_str_eq(err, "bad idempotency key");
	}
	ck_assert(notifier_key_ok("DA-2026-0042.dash.2.1+x=y_z"));
	m = email;
	m.to = "not an address";
	ck_assert_int_eq(send_one(n, &m, err, sizeof err),
	    NOTIFY_PERMFAIL);
	m = email;
	m.to = "jo@example.org\r\nBcc: eve@example.org";
	ck_assert_int_eq(send_one(n, &m, err, sizeof err),
	    NOTIFY_PERMFAIL);
	m = sms;
	ck_assert_int_eq(send_one(n, &m, err, sizeof err),
	    NOTIFY_PERMFAIL);
	ck_assert_ptr_nonnull(strstr(err, "a message by sms given to the email notifier"));
	ck_assert_str_eq(notifier_result_name(NOTIFY_TEMPFAIL), "tempfail");
	notifier_free(n);
}
END_TEST

START_TEST(test_via_rules)
{
	static const struct refusal r[] = {
		{ "[email]\nhost = mail.example.org\n", NOTIFY_EMAIL,
		    { { 1, "\"host\" is set but \"via\" is not" } } },
		{ "[email]\nvia = file\ncolour = blue\n", NOTIFY_EMAIL,
		    { { 3, "unknown setting \"colour\" in [email]" } } },
		{ "[email]\nvia = pigeon\n", NOTIFY_EMAIL,
		    { { 2, "\"pigeon\" cannot send email" } } },
		{ "[sms]\nvia = smtp\n", NOTIFY_SMS,
		    { { 2, "\"smtp\" cannot send SMS" } } },
		{ "[email]\nvia = smtp\nhost = localhost\n"
		    "from = v@example.org\n", NOTIFY_SMS,
		    { { 0, "email goes out by smtp but [sms] has no via" } } },
		{ "[http-sms]\nurl = https://sms.example/\n", NOTIFY_SMS,
		    { { 0, "[http-sms] is configured" } } },
		{ "[sms]\nvia =\n", NOTIFY_SMS, { { 2, "needs a value" } } },
	};

	refused(r, nitems(r));
}
END_TEST

START_TEST(test_reported_once)
{
	struct diag dg = { 0 };
	struct conf *c = tu_conf(tmp, "[email]\nvia = file\n[sms]\nvia = file\n"
	    "[file]\ndirectory = out\nmode = 0644\n");

	ck_assert_ptr_null(notifier_new(c, NOTIFY_EMAIL, &dg));
	ck_assert_ptr_null(notifier_new(c, NOTIFY_SMS, &dg));
	ck_assert_uint_eq(count(&dg, "unknown setting \"mode\""), 1);
	ck_assert(udiag_has(&dg, 7, "unknown setting \"mode\" in [file]"));
	diag_clear(&dg);
	conf_free(c);
}
END_TEST

START_TEST(test_smtp_settings)
{
	static const struct refusal r[] = {
		{ "[email]\nvia = smtp\n", NOTIFY_EMAIL,
		    { { 1, "host is required" }, { 1, "from is required" } } },
		{ "[email]\nvia = smtp\nhost = mail.example.org\nport = 99999\n"
		    "starttls = maybe\nfrom = vigil\nusername = vigil\n"
		    "timeout = soon\nhelo = bad name\n", NOTIFY_EMAIL, {
			{ 4, "from 1 to 65535" },
			{ 5, "\"maybe\" is not required, optional or off" },
			{ 6, "not an email address" },
			{ 1, "password_file is required" },
			{ 8, "whole number" },
			{ 9, "expected a host name" },
		} },
		{ "[email]\nvia = smtp\nhost = mail.example.org\n"
		    "starttls = optional\nfrom = vigil@example.org\n"
		    "username = vigil\npassword_file = pw\n", NOTIFY_EMAIL,
		    { { 4, "must be required for mail.example.org" } } },
		/* No password, but escalations are as private. */
		{ "[email]\nvia = smtp\nhost = mail.example.org\n"
		    "starttls = off\nfrom = vigil@example.org\n", NOTIFY_EMAIL,
		    { { 4, "only a relay on this machine" } } },
		{ "[email]\nvia = smtp\nhost = 10.0.0.25\n"
		    "starttls = optional\nfrom = vigil@example.org\n",
		    NOTIFY_EMAIL, { { 4, "must be required for 10.0.0.25" } } },
		{ "[email]\nvia = smtp\nhost = mail.example.org\n"
		    "from = vigil@example.org\nusername = vigil\n"
		    "password_file = nope\nca_file = pw\n", NOTIFY_EMAIL, {
			{ 6, "cannot read" },
			{ 7, "cannot load certificates" },
		} },
		{ "[email]\nvia = smtp\nhost = mail.example.org\n"
		    "from = vigil@example.org\nusername = vigil\n"
		    "password_file = empty\n", NOTIFY_EMAIL,
		    { { 6, "one line of text" } } },
	};

	tu_write(tmp, "pw", "secret\n");
	tu_write(tmp, "empty", "\n");
	refused(r, nitems(r));
}
END_TEST

START_TEST(test_notify_settings)
{
	static const struct refusal r[] = {
		{ "[sms]\nvia = notify\n[notify]\napi_key_file = badkey\n"
		    "sms_template = 123\nbase_url = http://notify.example\n",
		    NOTIFY_SMS, {
			{ 4, "does not hold a Notify API key" },
			{ 5, "expected an id like" },
			{ 6, "must use https://" },
		} },
		{ "[email]\nvia = notify\n[notify]\n", NOTIFY_EMAIL, {
			{ 3, "api_key_file is required" },
			{ 3, "email_template is required" },
		} },
		{ "[sms]\nvia = notify\n[notify]\nca_file = no-such-ca.pem\n",
		    NOTIFY_SMS, { { 4, "cannot read" } } },
	};

	tu_write(tmp, "badkey", "not-a-key\n");
	refused(r, nitems(r));
}
END_TEST

/* The head of every [http-sms] configuration below. */
#define HTTP_SMS	"[sms]\nvia = http\n[http-sms]\n"

START_TEST(test_http_settings)
{
	static const struct refusal r[] = {
		{ HTTP_SMS "url = https://sms.example/send\n"
		    "body = {\"to\": {to}, \"text\": \"{text}\"}\n", NOTIFY_SMS,
		    { { 5, "not JSON once filled in" } } },
		{ HTTP_SMS "url = https://sms.example/send\n"
		    "body = {\"to\": \"{to}\", \"text\": \"{txt}\"}\n",
		    NOTIFY_SMS, { { 5, "unknown placeholder {txt}" } } },
		{ HTTP_SMS "url = https://sms.example/send?to={to}\n"
		    "method = GET\nbody = x\n", NOTIFY_SMS,
		    { { 6, "a GET request has no body" } } },
		{ HTTP_SMS "url = https://sms.example/send\n"
		    "content_type = form\nbody = to={to}\n"
		    "header.Bad Name = x\nheader.X-To = {to}\n"
		    "header.Authorization = Bearer {secret}\n", NOTIFY_SMS, {
			{ 3, "{to} and {text} must both appear" },
			{ 7, "not a header name" },
			{ 8, "{to} cannot be used here" },
			{ 3, "secret_file is required" },
		} },
		{ HTTP_SMS "url = http://sms.example/send\n"
		    "content_type = form\nbody = to={to}&text={text}\n"
		    "secret_file = token\npassword_file = token\n"
		    "number_format = local\n", NOTIFY_SMS, {
			{ 4, "must use https://" },
			{ 7, "no {secret} uses it" },
			{ 8, "there is no username" },
			{ 9, "\"local\" is not e164, digits or national" },
		} },
		/*
		 * A CA bundle that is not there fails --check, not every
		 * send.
		 */
		{ HTTP_SMS "url = https://sms.example/send\n"
		    "body = {\"to\": \"{to}\", \"text\": \"{text}\"}\n"
		    "ca_file = no-such-ca.pem\n", NOTIFY_SMS,
		    { { 6, "cannot read" } } },
	};

	tu_write(tmp, "token", "t0ken\n");
	refused(r, nitems(r));
}
END_TEST

/*
 * Webhook subscribers: every setting checked at its line; the signature is
 * the Standard Webhooks specification's own example, worked by its
 * reference libraries.
 */
START_TEST(test_webhook)
{
	static const struct refusal r[] = {
		{ "[webhook cms]\nurl = http://cms.example/hook\n"
		    "secret_file = short\nevents = deadline.missed case.opened\n"
		    "colour = blue\n", NOTIFY_WEBHOOK, {
			{ 2, "must use https://" },
			{ 3, "the base64 of 24 to 64 random bytes" },
			{ 4, "unknown event \"case.opened\"" },
			{ 5, "unknown setting \"colour\" in [webhook cms]" },
		} },
		{ "[webhook cms]\nevents = ,\n", NOTIFY_WEBHOOK, {
			{ 1, "url is required" },
			{ 1, "secret_file is required" },
			{ 2, "names no event" },
		} },
	};
	struct conf *c;
	struct notifier *n;
	const struct webhook_set *ws;
	char sig[64];

	tu_write(tmp, "short", "whsec_c2hvcnQ=\n");
	tu_write(tmp, "secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n");
	refused(r, nitems(r));
	/* No subscriber is a webhook channel that sends to nobody. */
	n = make("", NOTIFY_WEBHOOK, NULL);
	ck_assert_uint_eq(notifier_webhooks(n)->n, 0);
	notifier_free(n);
	n = make("[webhook  cms]\nurl = https://cms.example/hook\n"
	    "secret_file = secret\nevents = case.closed, deadline.missed\n"
	    "[webhook audit]\nurl = http://127.0.0.1:9/x\n"
	    "secret_file = secret\n", NOTIFY_WEBHOOK, &c);
	ck_assert_ptr_null(notifier_webhooks(NULL));
	ws = notifier_webhooks(n);
	ck_assert_uint_eq(ws->n, 2);
	ck_assert_str_eq(ws->subs[0].name, "cms");
	ck_assert_uint_eq(ws->subs[0].events,
	    (1u << HOOK_CLOSED) | (1u << HOOK_MISSED));
	ck_assert_uint_eq(ws->subs[1].events, (1u << HOOK_NEVENTS) - 1);
	ck_assert_uint_eq(ws->subs[0].keylen, 24);
	ck_assert_int_eq(webhook_sign(ws->subs[0].key, ws->subs[0].keylen,
	    "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
	    "{\"test\": 2432232314}", sig, sizeof sig), 0);
	ck_assert_str_eq(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
	ck_assert_int_eq(webhook_sign(ws->subs[0].key, ws->subs[0].keylen,
	    "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
	    "{\"test\": 2432232314}", sig, 40), -1);
	ck_assert_str_eq(notify_channel_name(NOTIFY_WEBHOOK), "webhook");
	notifier_free(n);
	conf_free(c);
}
END_TEST

START_TEST(test_mail_format)
{
	struct mail_from from = { "vigil@example.org", "vigil \"alerts\"" };
	struct message m = email;
	char *text, *v, *w;
	size_t len;

	m.to_name = "Siobh\xc3\xa1n O'Brien";
	m.subject = "Missed: \xe2\x80\x9cinitial contact\xe2\x80\x9d for case "
	    "DA-2026-0042, which is now very late indeed, so late that this "
	    "subject needs folding over several lines \xe2\x80\x94 \xe2\x82\xac";
	m.body = ".starts with a dot\nFrom the start\n"
	    "a line that is far longer than seventy-six characters, so that "
	    "it has to be wrapped with soft line breaks, with = signs "
	    "and caf\xc3\xa9 in it\ntrailing space \nend";
	text = mail_format(&from, &m, 1772546400, &len);
	ck_assert_uint_eq(len, strlen(text));
	ck_assert(tu_seven_bit(text));
	v = tu_header_names(text);
	ck_assert_str_eq(v, TU_MAIL_HEADERS);
	free(v);
	tu_check_header(text, "Date", "Tue, 03 Mar 2026 14:00:00 +0000");
	tu_check_header(text, "From",
	    "\"vigil \\\"alerts\\\"\" <vigil@example.org>");
	v = tu_header(text, "To");
	ck_assert_ptr_nonnull(strstr(v, "<sam.patel@example.org>"));
	w = tu_unwords(v);
	ck_assert_ptr_nonnull(strstr(w, "Siobh\xc3\xa1n O'Brien"));
	free(w);
	free(v);
	tu_check_words(text, "Subject", m.subject);
	tu_check_body(text, m.body);
	/* No line begins with "." or "From ". */
	ck_assert_ptr_null(strstr(text, "\r\n."));
	ck_assert_ptr_null(strstr(text, "\r\nFrom "));
	free(text);

	/* No header can be smuggled in through a name or the subject. */
	m.to_name = "Sam\r\nBcc: eve@example.org";
	m.subject = "x\r\nBcc: eve@example.org\r\n\r\nforged body";
	m.body = "line\r\n.\r\nQUIT\r\n";
	text = mail_format(&from, &m, 1772546400, &len);
	ck_assert(tu_seven_bit(text));
	ck_assert_ptr_null(tu_header(text, "Bcc"));
	ck_assert_ptr_null(strstr(text, "\r\n.\r\n"));
	v = tu_header_names(text);
	ck_assert_str_eq(v, TU_MAIL_HEADERS);
	free(v);
	tu_check_words(text, "Subject", m.subject);
	free(text);

	/* A long plain subject is folded too. */
	m.subject = "Missed deadline: DASH risk assessment and safety plan for "
	    "case DA-2026-0042 (3 days 2 hours late)";
	text = mail_format(&from, &m, 1772546400, &len);
	ck_assert(tu_seven_bit(text));
	tu_check_words(text, "Subject", m.subject);
	free(text);
}
END_TEST

START_TEST(test_sms_by_email)
{
	static const struct refusal r[] = {
		{ "[sms]\nvia = email\nemail_to = sms@example.net\n",
		    NOTIFY_SMS, { { 3, "needs one of {digits}" } } },
		{ "[sms]\nvia = email\nemail_to = {digits}@nodot\n",
		    NOTIFY_SMS, { { 3, "has no dot" } } },
	};
	struct notifier *n = make("[email]\nvia = file\nfrom = vigil@example.org\n"
	    "[sms]\nvia = email\nemail_to = {digits}@sms.example.net\n"
	    "email_subject = ACCT42\n[file]\ndirectory = out\n", NOTIFY_SMS, NULL);
	struct message m = sms;
	char err[NOTIFY_ERR_MAX], *path, *text;

	ck_assert_str_eq(notifier_name(n), "email");
	ck_assert_int_eq(send_one(n, &m, err, sizeof err), NOTIFY_OK);
	path = xasprintf("%s/out/%s.eml", tmp, m.key);
	text = tu_read(path, NULL);
	ck_assert_ptr_nonnull(text);
	tu_check_header(text, "To", "<447700900011@sms.example.net>");
	tu_check_header(text, "Subject", "ACCT42");
	tu_check_body(text, m.body);
	free(text);
	free(path);
	notifier_free(n);

	n = make("[sms]\nvia = email\nemail_to = {national}@sms.example.net\n"
	    "[file]\ndirectory = out\n", NOTIFY_SMS, NULL);
	m.to = "+12025550123";
	ck_assert_int_eq(send_one(n, &m, err, sizeof err),
	    NOTIFY_PERMFAIL);
	notifier_free(n);

	refused(r, nitems(r));
}
END_TEST

static Suite *
notifier_suite(void)
{
	Suite *s = suite_create("notifier");
	TCase *tc = tcase_create("notifier");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_default_is_file);
	tcase_add_test(tc, test_file_email);
	tcase_add_test(tc, test_file_sms);
	tcase_add_test(tc, test_file_tightens_modes);
	tcase_add_test(tc, test_file_unwritable);
	tcase_add_test(tc, test_file_concurrent);
	tcase_add_test(tc, test_send_checks);
	tcase_add_test(tc, test_via_rules);
	tcase_add_test(tc, test_reported_once);
	tcase_add_test(tc, test_smtp_settings);
	tcase_add_test(tc, test_notify_settings);
	tcase_add_test(tc, test_http_settings);
	tcase_add_test(tc, test_webhook);
	tcase_add_test(tc, test_mail_format);
	tcase_add_test(tc, test_sms_by_email);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(notifier_suite)
