/*
 * test_smtp.c: the SMTP notifier against real SMTP servers on loopback
 * (tests/servers/smtpd.py: Debian's aiosmtpd, with STARTTLS and AUTH, a
 * self-signed certificate made for the run), a port nobody listens on,
 * and a server that accepts connections and never says a word.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <dirent.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "unit.h"
#include "notifier.h"
#include "template.h"
#include "testutil.h"
#include "unit-notify.h"

#define PASSWORD	"correct horse battery"

static char *tmp;
static struct tu_server srv_main, srv_plain, srv_authtemp, srv_wrongname;
static int servers_up;

static void
start(struct tu_server *s, const char *name, const char *const *extra)
{
	const char *args[24];
	char *spool = xasprintf("%s/spool-%s", tmp, name);
	char *tls = xasprintf("%s/tls-%s", tmp, name);
	int n = 0;

	mkdir(spool, 0700);
	mkdir(tls, 0700);
	args[n++] = "--spool";
	args[n++] = spool;
	for (; *extra != NULL; extra++) {
		args[n++] = strcmp(*extra, "TLS") == 0 ? "--tls" : *extra;
		if (strcmp(*extra, "TLS") == 0)
			args[n++] = tls;
	}
	args[n] = NULL;
	if (tu_server_start(s, "smtpd.py", args) == -1)
		servers_up = 0;
	free(spool);
	free(tls);
}

static void
servers_start(void)
{
	static const char *const main_args[] = {
		"TLS", "--require-starttls", "--user", "vigil", "--password",
		PASSWORD,
		"--rcpt-reply", "perm@example.org=550 5.1.1 No such user",
		"--rcpt-reply", "temp@example.org=450 4.2.1 Mailbox busy",
		"--data-reply-for", "dataperm@example.org=554 5.6.0 Rejected",
		"--data-reply-for", "datatemp@example.org=451 4.3.0 Try later",
		NULL,
	};
	static const char *const plain_args[] = { NULL };
	static const char *const authtemp_args[] = {
		"TLS", "--user", "vigil", "--password", PASSWORD,
		"--auth-tempfail", NULL,
	};
	static const char *const wrongname_args[] = {
		"TLS", "--tls-names", "DNS:mail.example.org", NULL,
	};

	tmp = tu_tmpdir();
	tu_write(tmp, "password", PASSWORD "\n");
	tu_write(tmp, "wrong-password", "hunter2\n");
	servers_up = 1;
	start(&srv_main, "main", main_args);
	start(&srv_plain, "plain", plain_args);
	start(&srv_authtemp, "authtemp", authtemp_args);
	start(&srv_wrongname, "wrongname", wrongname_args);
}

static void
servers_stop(void)
{
	tu_server_stop(&srv_main);
	tu_server_stop(&srv_plain);
	tu_server_stop(&srv_authtemp);
	tu_server_stop(&srv_wrongname);
	tu_rmtree(tmp);
	free(tmp);
}

static struct notifier *
smtp(const char *extra, int port, const char *tls_name)
{
	struct diag dg = { 0 };
	char *text = xasprintf("[email]\nvia = smtp\nhost = 127.0.0.1\n"
	    "port = %d\nfrom = vigil@example.org\n%s"
	    "connect_timeout = 2\n%s%s%s%s", port, strstr(extra, "timeout") ?
	    "" : "timeout = 5\n", tls_name ? "ca_file = tls-" : "",
	    tls_name ? tls_name : "", tls_name ? "/cert.pem\n" : "", extra);
	struct conf *c = tu_conf(tmp, text);
	struct notifier *n = notifier_new(c, NOTIFY_EMAIL, &dg);

	diag_print(&dg, stderr);
	ck_assert_ptr_nonnull(n);
	conf_free(c);
	free(text);
	return n;
}

#define AUTH	"username = vigil\npassword_file = password\n"

/* The spooled record of the message with this key, or NULL. */
static json_t *
spooled(const char *name, const char *key)
{
	char *dir = xasprintf("%s/spool-%s", tmp, name);
	char *want = xasprintf("<%s@", key);
	DIR *d = opendir(dir);
	struct dirent *de;
	json_t *found = NULL;

	ck_assert_ptr_nonnull(d);
	while (found == NULL && (de = readdir(d)) != NULL) {
		json_t *j;
		const char *data;
		char *path;

		if (de->d_name[0] == '.' || strstr(de->d_name, ".tmp"))
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		j = json_load_file(path, 0, NULL);
		free(path);
		data = json_string_value(json_object_get(j, "data"));
		if (data != NULL && strstr(data, want) != NULL)
			found = j;
		else
			json_decref(j);
	}
	closedir(d);
	free(dir);
	free(want);
	return found;
}

static struct message
msg(const char *to, const char *key)
{
	struct message m = {
		.channel = NOTIFY_EMAIL,
		.to = to,
		.to_name = "Sam Patel",
		.subject = "Missed deadline",
		.body = "Case DA-2026-0042: initial contact is late.",
		.key = key,
	};

	return m;
}

START_TEST(test_delivers_only_what_is_allowed)
{
	struct diag dg = { 0 };
	char *tconf = xasprintf("[daemon]\ntemplates = %s/conf/templates\n"
	    "[links]\ncase_url = https://cms.example/case/{ref}\n",
	    unit_srcdir());
	struct conf *c = tu_conf(tmp, tconf);
	struct tpl_set *ts = tpl_load(c, &dg);
	struct tpl_item it = {
		.ref = "DA-2026-0042", .deadline = "initial contact",
		.due = 1772546400, .officer = "Jo Bloggs",
		.action = "Contact the person and record it", .level = 1,
	};
	struct tpl_vars v = { .now = 1772546400 + 12000, .items = &it,
	    .nitems = 1 };
	struct notifier *n = smtp(AUTH, srv_main.port, "main");
	char err[NOTIFY_ERR_MAX], *subject, *body, *names;
	struct message m;
	const char *data;
	json_t *j;

	ck_assert(servers_up);
	diag_print(&dg, stderr);
	ck_assert_ptr_nonnull(ts);
	ck_assert_int_eq(tpl_render_email(ts, TPL_ESCALATION, &v, &subject,
	    &body), 0);
	m = msg("sam.patel@example.org", "DA-2026-0042.contact.1.0.sam.email");
	m.subject = subject;
	m.body = body;
	ck_assert_msg(send_one(n, &m, err, sizeof err) == NOTIFY_OK, "%s",
	    err);

	j = spooled("main", m.key);
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(json_string_value(json_object_get(j, "mail_from")),
	    "vigil@example.org");
	ck_assert_uint_eq(json_array_size(json_object_get(j, "rcpt_tos")), 1);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(j,
	    "rcpt_tos"), 0)), "sam.patel@example.org");
	ck_assert(json_is_true(json_object_get(j, "tls")));
	ck_assert_str_eq(json_string_value(json_object_get(j, "auth")),
	    "vigil");
	data = json_string_value(json_object_get(j, "data"));
	ck_assert(tu_seven_bit(data));
	/* These headers and no others: nothing added on the way. */
	names = tu_header_names(data);
	ck_assert_str_eq(names, TU_MAIL_HEADERS);
	tu_check_header(data, "Message-ID",
	    "<DA-2026-0042.contact.1.0.sam.email@example.org>");
	tu_check_header(data, "To", "\"Sam Patel\" <sam.patel@example.org>");
	tu_check_words(data, "Subject", subject);
	ck_assert_ptr_nonnull(strstr(subject, "DA-2026-0042"));
	/* The body is the rendered template, byte for byte. */
	tu_check_body(data, body);
	ck_assert_ptr_nonnull(strstr(body, "https://cms.example/case/"
	    "DA-2026-0042"));
	free(names);
	json_decref(j);
	free(subject);
	free(body);
	notifier_free(n);
	tpl_set_free(ts);
	conf_free(c);
	free(tconf);
}
END_TEST

START_TEST(test_by_name)
{
	struct diag dg = { 0 };
	char *text = xasprintf("[email]\nvia = smtp\nhost = localhost\n"
	    "port = %d\nfrom = vigil@example.org\nca_file = tls-main/cert.pem\n"
	    AUTH, srv_main.port);
	struct conf *c = tu_conf(tmp, text);
	struct notifier *n = notifier_new(c, NOTIFY_EMAIL, &dg);
	struct message m = msg("jo@example.org", "by-name");
	char err[NOTIFY_ERR_MAX];
	json_t *j;

	ck_assert(servers_up);
	ck_assert_ptr_nonnull(n);
	ck_assert_int_eq(send_one(n, &m, err, sizeof err), NOTIFY_OK);
	ck_assert_ptr_nonnull(j = spooled("main", "by-name"));
	json_decref(j);
	notifier_free(n);
	conf_free(c);
	free(text);
}
END_TEST

START_TEST(test_starttls_required_refuses)
{
	struct notifier *n = smtp("", srv_plain.port, NULL);
	struct message m = msg("jo@example.org", "no-tls-offered");
	char err[NOTIFY_ERR_MAX];

	ck_assert(servers_up);
	ck_assert_int_eq(send_one(n, &m, err, sizeof err),
	    NOTIFY_TEMPFAIL);
	ck_assert_ptr_nonnull(strstr(err, "offers no STARTTLS"));
	ck_assert_ptr_null(spooled("plain", "no-tls-offered"));
	notifier_free(n);
}
END_TEST

START_TEST(test_starttls_off_and_optional)
{
	struct notifier *n = smtp("starttls = off\n", srv_plain.port, NULL);
	struct message m = msg("jo@example.org", "tls-off");
	char err[NOTIFY_ERR_MAX];
	json_t *j;

	ck_assert(servers_up);
	ck_assert_int_eq(send_one(n, &m, err, sizeof err), NOTIFY_OK);
	ck_assert_ptr_nonnull(j = spooled("plain", "tls-off"));
	ck_assert(json_is_false(json_object_get(j, "tls")));
	json_decref(j);
	notifier_free(n);

	n = smtp("starttls = optional\n", srv_plain.port, NULL);
	m.key = "tls-optional";
	ck_assert_int_eq(send_one(n, &m, err, sizeof err), NOTIFY_OK);
	ck_assert_ptr_nonnull(j = spooled("plain", "tls-optional"));
	json_decref(j);
	notifier_free(n);

	/* Optional, offered: used. */
	n = smtp("starttls = optional\n" AUTH, srv_main.port, "main");
	m.key = "tls-optional-offered";
	ck_assert_int_eq(send_one(n, &m, err, sizeof err), NOTIFY_OK);
	ck_assert_ptr_nonnull(j = spooled("main", "tls-optional-offered"));
	ck_assert(json_is_true(json_object_get(j, "tls")));
	json_decref(j);
	notifier_free(n);
}
END_TEST

/*
 * A batch goes in one session (one connection, one TLS handshake, one
 * AUTH), and a recipient refused in the middle fails only its message.
 */
START_TEST(test_batch_one_session)
{
	struct notifier *n = smtp(AUTH, srv_main.port, "main");
	struct message m[3] = {
		msg("first@example.org", "batch-first"),
		msg("perm@example.org", "batch-refused"),
		msg("third@example.org", "batch-third"),
	};
	struct message *p[3] = { &m[0], &m[1], &m[2] };
	json_t *a, *b;

	ck_assert(servers_up);
	ck_assert_int_eq(notifier_send(n, p, 3), 1);
	ck_assert_msg(m[0].result == NOTIFY_OK, "%s", m[0].err);
	ck_assert_int_eq(m[1].result, NOTIFY_PERMFAIL);
	ck_assert_ptr_nonnull(strstr(m[1].err, "RCPT TO: 550"));
	ck_assert_msg(m[2].result == NOTIFY_OK, "%s", m[2].err);
	ck_assert_ptr_nonnull(a = spooled("main", "batch-first"));
	ck_assert_ptr_nonnull(b = spooled("main", "batch-third"));
	ck_assert_ptr_null(spooled("main", "batch-refused"));
	ck_assert(json_is_true(json_object_get(b, "tls")));
	ck_assert_int_eq(json_integer_value(json_object_get(a, "peer_port")),
	    json_integer_value(json_object_get(b, "peer_port")));
	json_decref(a);
	json_decref(b);
	notifier_free(n);
}
END_TEST

START_TEST(test_wrong_password)
{
	struct notifier *n = smtp("username = vigil\npassword_file = "
	    "wrong-password\n", srv_main.port, "main");
	struct message m = msg("jo@example.org", "wrong-password");
	char err[NOTIFY_ERR_MAX];

	ck_assert(servers_up);
	ck_assert_int_eq(send_one(n, &m, err, sizeof err),
	    NOTIFY_PERMFAIL);
	ck_assert_ptr_nonnull(strstr(err, "AUTH as vigil: 535"));
	ck_assert_ptr_null(strstr(err, "hunter2"));
	ck_assert_ptr_null(spooled("main", "wrong-password"));
	notifier_free(n);

	/* No credentials where the server wants them: refused for good. */
	n = smtp("", srv_main.port, "main");
	m.key = "no-auth";
	ck_assert_int_eq(send_one(n, &m, err, sizeof err),
	    NOTIFY_PERMFAIL);
	ck_assert_ptr_nonnull(strstr(err, "MAIL FROM: 530"));
	notifier_free(n);
}
END_TEST

START_TEST(test_auth_tempfail)
{
	struct notifier *n = smtp(AUTH, srv_authtemp.port, "authtemp");
	struct message m = msg("jo@example.org", "auth-tempfail");
	char err[NOTIFY_ERR_MAX];

	ck_assert(servers_up);
	ck_assert_int_eq(send_one(n, &m, err, sizeof err),
	    NOTIFY_TEMPFAIL);
	ck_assert_ptr_nonnull(strstr(err, "454"));
	notifier_free(n);
}
END_TEST

START_TEST(test_reply_codes)
{
	static const struct {
		const char *to;
		enum notify_result r;
		const char *why;
	} cases[] = {
		{ "perm@example.org", NOTIFY_PERMFAIL, "RCPT TO: 550 5.1.1" },
		{ "temp@example.org", NOTIFY_TEMPFAIL, "RCPT TO: 450 4.2.1" },
		{ "dataperm@example.org", NOTIFY_PERMFAIL, "DATA: 554 5.6.0" },
		{ "datatemp@example.org", NOTIFY_TEMPFAIL, "DATA: 451 4.3.0" },
	};
	struct notifier *n = smtp(AUTH, srv_main.port, "main");
	char err[NOTIFY_ERR_MAX];

	ck_assert(servers_up);
	for (size_t i = 0; i < nitems(cases); i++) {
		struct message m = msg(cases[i].to, "reply-codes");

		ck_assert_int_eq(send_one(n, &m, err, sizeof err),
		    cases[i].r);
		ck_assert_msg(strstr(err, cases[i].why) != NULL, "%s", err);
	}
	ck_assert_ptr_null(spooled("main", "reply-codes"));
	notifier_free(n);
}
END_TEST

START_TEST(test_untrusted_certificate)
{
	struct notifier *n = smtp(AUTH, srv_main.port, NULL);
	struct message m = msg("jo@example.org", "untrusted");
	char err[NOTIFY_ERR_MAX];

	ck_assert(servers_up);
	ck_assert_int_eq(send_one(n, &m, err, sizeof err),
	    NOTIFY_TEMPFAIL);
	ck_assert_ptr_nonnull(strstr(err, "TLS with 127.0.0.1"));
	ck_assert_ptr_nonnull(strstr(err, "self-signed"));
	ck_assert_ptr_null(spooled("main", "untrusted"));
	notifier_free(n);

	/* Trusted, but made out to another name. */
	n = smtp("", srv_wrongname.port, "wrongname");
	m.key = "wrong-name";
	ck_assert_int_eq(send_one(n, &m, err, sizeof err),
	    NOTIFY_TEMPFAIL);
	ck_assert_ptr_nonnull(strstr(err, "TLS with 127.0.0.1"));
	ck_assert_ptr_null(spooled("wrongname", "wrong-name"));
	notifier_free(n);
}
END_TEST

START_TEST(test_server_down)
{
	struct notifier *n = smtp("", tu_free_port(), NULL);
	struct message m = msg("jo@example.org", "down");
	char err[NOTIFY_ERR_MAX];
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(send_one(n, &m, err, sizeof err),
	    NOTIFY_TEMPFAIL);
	ck_assert_ptr_nonnull(strstr(err, "Connection refused"));
	ck_assert(tu_seconds_since(&t0) < 2);
	notifier_free(n);
}
END_TEST

START_TEST(test_silent_server)
{
	int port, fd = tu_silent_listener(&port);
	struct notifier *n = smtp("timeout = 1\n", port, NULL);
	struct message m = msg("jo@example.org", "silent");
	char err[NOTIFY_ERR_MAX];
	struct timespec t0;
	double took;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(send_one(n, &m, err, sizeof err),
	    NOTIFY_TEMPFAIL);
	took = tu_seconds_since(&t0);
	ck_assert_msg(took >= 0.9 && took < 3, "took %.2f s: %s", took, err);
	notifier_free(n);
	close(fd);
}
END_TEST

START_TEST(test_unreachable)
{
	struct diag dg = { 0 };
	struct conf *c = tu_conf(tmp, "[email]\nvia = smtp\nhost = 192.0.2.1\n"
	    "from = vigil@example.org\nconnect_timeout = 1\n");
	struct notifier *n = notifier_new(c, NOTIFY_EMAIL, &dg);
	struct message m = msg("jo@example.org", "unreachable");
	char err[NOTIFY_ERR_MAX];
	struct timespec t0;

	/* TEST-NET-1: dropped, refused or unroutable; never a long wait. */
	ck_assert_ptr_nonnull(n);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(send_one(n, &m, err, sizeof err),
	    NOTIFY_TEMPFAIL);
	ck_assert_msg(tu_seconds_since(&t0) < 3, "%s", err);
	ck_assert_ptr_nonnull(strstr(err, "cannot connect to 192.0.2.1:587"));
	notifier_free(n);
	conf_free(c);
}
END_TEST

/*
 * A server that greets, reads EHLO and hangs up: libESMTP's next write
 * meets a closed connection, which must be a temporary failure, not a
 * SIGPIPE that kills the process.
 */
START_TEST(test_server_hangs_up)
{
	int port, fd = tu_silent_listener(&port), c, status;
	struct message m = msg("jo@example.org", "hang-up");
	char err[NOTIFY_ERR_MAX], buf[512];
	struct notifier *n;
	pid_t pid;

	if ((pid = fork()) == 0) {
		/* The probe's connection, then the session's. */
		for (int i = 0; i < 2; i++) {
			if ((c = accept(fd, NULL, NULL)) == -1)
				_exit(1);
			if (i == 1) {
				(void)!write(c, "220 bye soon\r\n", 14);
				(void)!read(c, buf, sizeof buf);
			}
			close(c);
		}
		_exit(0);
	}
	n = smtp("starttls = off\n", port, NULL);
	ck_assert_int_eq(send_one(n, &m, err, sizeof err),
	    NOTIFY_TEMPFAIL);
	waitpid(pid, &status, 0);
	notifier_free(n);
	close(fd);
}
END_TEST

/* Many sessions in a row, all over TLS: none may stall. */
START_TEST(test_many_in_a_row)
{
	struct notifier *n = smtp(AUTH, srv_main.port, "main");
	char err[NOTIFY_ERR_MAX], key[32];

	ck_assert(servers_up);
	for (int i = 0; i < 30; i++) {
		struct message m;

		snprintf(key, sizeof key, "row-%d", i);
		m = msg("jo@example.org", key);
		ck_assert_msg(send_one(n, &m, err, sizeof err) ==
		    NOTIFY_OK, "message %d: %s", i, err);
	}
	notifier_free(n);
}
END_TEST

struct burst {
	struct notifier *n;
	int	 id;
	int	 ok;
};

static void *
burst(void *arg)
{
	struct burst *b = arg;
	char err[NOTIFY_ERR_MAX], key[32];

	for (int i = 0; i < 5; i++) {
		struct message m;

		snprintf(key, sizeof key, "burst-%d-%d", b->id, i);
		m = msg("jo@example.org", key);
		b->ok += send_one(b->n, &m, err, sizeof err) == NOTIFY_OK;
	}
	return NULL;
}

START_TEST(test_concurrent_senders)
{
	struct notifier *n = smtp(AUTH, srv_main.port, "main");
	struct burst b[4];
	pthread_t t[4];
	char key[32];

	ck_assert(servers_up);
	for (int i = 0; i < 4; i++) {
		b[i] = (struct burst){ n, i, 0 };
		pthread_create(&t[i], NULL, burst, &b[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		ck_assert_int_eq(b[i].ok, 5);
	}
	for (int i = 0; i < 4; i++)
		for (int k = 0; k < 5; k++) {
			json_t *j;

			snprintf(key, sizeof key, "burst-%d-%d", i, k);
			ck_assert_ptr_nonnull(j = spooled("main", key));
			json_decref(j);
		}
	notifier_free(n);
}
END_TEST

static Suite *
smtp_suite(void)
{
	Suite *s = suite_create("smtp");
	TCase *tc = tcase_create("smtp");

	tcase_add_unchecked_fixture(tc, servers_start, servers_stop);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_delivers_only_what_is_allowed);
	tcase_add_test(tc, test_by_name);
	tcase_add_test(tc, test_starttls_required_refuses);
	tcase_add_test(tc, test_starttls_off_and_optional);
	tcase_add_test(tc, test_wrong_password);
	tcase_add_test(tc, test_auth_tempfail);
	tcase_add_test(tc, test_reply_codes);
	tcase_add_test(tc, test_untrusted_certificate);
	tcase_add_test(tc, test_server_down);
	tcase_add_test(tc, test_silent_server);
	tcase_add_test(tc, test_unreachable);
	tcase_add_test(tc, test_server_hangs_up);
	tcase_add_test(tc, test_many_in_a_row);
	tcase_add_test(tc, test_batch_one_session);
	tcase_add_test(tc, test_concurrent_senders);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(smtp_suite)
