/*
 * email.c: email by SMTP submission with libESMTP, to a relay or to
 * Microsoft 365 / Exchange (smtp.office365.com, port 587).
 *
 *	[email]
 *	via = smtp
 *	host = smtp.example.org
 *	port = 587
 *	starttls = required		required | optional | off
 *	username = vigil		optional: AUTH (LOGIN, PLAIN, CRAM-MD5)
 *	password_file = /run/credentials/vigil.service/smtp-password
 *	from = vigil@example.org
 *	timeout = 60			seconds for each server reply
 *	connect_timeout = 10
 *
 * Debian's libESMTP 1.1 does STARTTLS with OpenSSL; we hand it our own
 * SSL_CTX, which verifies the chain against the system's CAs (or ca_file)
 * and the host name or address against the certificate, and refuses to
 * connect on failure.  A batch of messages goes in one session (one
 * connection, one TLS handshake, one AUTH), and the library reports a
 * status for each message's envelope sender, recipient and data; the
 * first 4xx is a temporary failure, the first 5xx a permanent one.
 * AUTH failures are not reported by the library (it goes on without), so
 * the protocol monitor watches the replies to AUTH.
 *
 * libESMTP connects with a blocking connect(2) that only the kernel times
 * out (about two minutes); a non-blocking connect first, bounded by
 * connect_timeout, finds an unreachable server quickly.  Every reply after
 * that is bounded by timeout, so a server that accepts and never answers
 * costs at most connect_timeout + timeout.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <auth-client.h>
#include <libesmtp.h>

#include "addr.h"
#include "backend.h"

enum tls_mode { TLS_REQUIRED, TLS_OPTIONAL, TLS_OFF };
static const char *const tls_modes[] = { "required", "optional", "off" };

struct smtp_nf {
	char	*host;
	char	*hostport;
	char	*port;
	enum tls_mode tls;
	char	*username;
	char	*password;
	char	*from;
	char	*from_name;
	char	*helo;
	int	 timeout;		/* seconds */
	int	 connect_timeout;	/* seconds */
	SSL_CTX	*ctx;
};

/* One session's view of the conversation, from events and the monitor. */
struct smtp_run {
	const struct smtp_nf *nf;
	char	 tls_error[200];
	int	 no_starttls;		/* required, not offered */
	int	 greeting;		/* first reply code */
	int	 in_auth;		/* AUTH sent, final reply pending */
	int	 auth_code;		/* a 4xx/5xx reply to AUTH */
	int	 authed;
	char	 auth_text[160];
	char	 line[512];		/* a reply line being read */
	size_t	 linelen;
};

/* libESMTP's SASL plugins are global: loaded once, for every notifier. */
static pthread_mutex_t auth_lock = PTHREAD_MUTEX_INITIALIZER;
static int auth_users;

/* Why certificate verification failed, for this thread's session. */
static __thread char verify_error[160];

static int
verify_cb(int ok, X509_STORE_CTX *x)
{
	if (!ok)
		snprintf(verify_error, sizeof verify_error, "%s (depth %d)",
		    X509_verify_cert_error_string(
		    X509_STORE_CTX_get_error(x)),
		    X509_STORE_CTX_get_error_depth(x));
	return ok;
}

static int
host_ok(const char *s)
{
	if (*s == '\0' || strlen(s) > 253)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '.' || *s == '-'))
			return 0;
	return 1;
}

static SSL_CTX *
make_ctx(const struct sec_reader *nc, const char *host, const char *ca_file)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	X509_VERIFY_PARAM *vp;
	unsigned char ip[16];

	if (ctx == NULL)
		fatalx("SSL_CTX_new failed");
	/*
	 * TLS 1.2 at most: after a TLS 1.3 handshake the server's session
	 * tickets can arrive while libESMTP 1.1 still holds EHLO unsent, and
	 * its loop then waits to read before it writes, until the timeout
	 * (seen in about one session in twenty).  TLS 1.2 sends its ticket
	 * inside the handshake.
	 */
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
	if (ca_file != NULL) {
		if (SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1)
			sec_err(nc, "ca_file", "cannot load certificates "
			    "from %s", ca_file);
	} else if (SSL_CTX_set_default_verify_paths(ctx) != 1)
		sec_err(nc, NULL, "cannot load the system's CA certificates");
	vp = SSL_CTX_get0_param(ctx);
	if (inet_pton(AF_INET, host, ip) == 1)
		X509_VERIFY_PARAM_set1_ip_asc(vp, host);
	else
		X509_VERIFY_PARAM_set1_host(vp, host, 0);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, verify_cb);
	ERR_clear_error();
	return ctx;
}

static void *
smtp_configure(const struct conf *c, enum notify_channel ch, struct diag *dg)
{
	struct smtp_nf *s = xcalloc(1, sizeof *s);
	struct sec_reader nc;
	const char *v;
	char *ca_file;
	int port;

	(void)ch;
	sec_init(&nc, c, "email", dg);
	if ((v = sec_need(&nc, "host")) != NULL) {
		if (!host_ok(v))
			sec_err(&nc, "host", "expected a host name or an IPv4 "
			    "address");
		else
			s->host = xstrdup(v);
	}
	port = sec_int(&nc, "port", 587, 1, 65535);
	s->port = xasprintf("%d", port);
	s->tls = (enum tls_mode)sec_choice(&nc, "starttls", tls_modes,
	    nitems(tls_modes), TLS_REQUIRED);
	/* Never an escalation or a password in the clear over a network. */
	if (s->tls != TLS_REQUIRED && s->host != NULL &&
	    !nf_host_is_loopback(s->host))
		sec_err(&nc, "starttls", "must be required for %s: only a "
		    "relay on this machine (127.0.0.1, ::1, localhost) may be "
		    "spoken to without TLS", s->host);
	if ((v = sec_str(&nc, "username", NULL)) != NULL) {
		s->username = xstrdup(v);
		s->password = nf_secret(&nc, "password_file", 1);
	} else if (conf_kv(nc.sec, "password_file") != NULL)
		sec_err(&nc, "password_file", "set, but there is no username");
	s->from = nf_email(&nc, "from", NULL, 1);
	s->from_name = xstrdup(sec_str(&nc, "from_name", "vigil"));
	if ((v = sec_str(&nc, "helo", NULL)) != NULL) {
		if (!host_ok(v))
			sec_err(&nc, "helo", "expected a host name");
		else
			s->helo = xstrdup(v);
	}
	s->timeout = sec_int(&nc, "timeout", 60, 1, 3600);
	s->connect_timeout = sec_int(&nc, "connect_timeout", 10, 1, 300);
	ca_file = sec_path(&nc, "ca_file");
	if (s->host != NULL && s->tls != TLS_OFF)
		s->ctx = make_ctx(&nc, s->host, ca_file);
	free(ca_file);
	if (s->host != NULL)
		s->hostport = xasprintf("%s:%s", s->host, s->port);
	pthread_mutex_lock(&auth_lock);
	if (auth_users++ == 0)
		auth_client_init();
	pthread_mutex_unlock(&auth_lock);
	return s;
}

static void
smtp_free(void *p)
{
	struct smtp_nf *s = p;

	if (s == NULL)
		return;
	free(s->host);
	free(s->hostport);
	free(s->port);
	free(s->username);
	nf_wipe(s->password);
	free(s->from);
	free(s->from_name);
	free(s->helo);
	SSL_CTX_free(s->ctx);
	free(s);
	pthread_mutex_lock(&auth_lock);
	if (--auth_users == 0)
		auth_client_exit();
	pthread_mutex_unlock(&auth_lock);
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Can we reach the server at all, within connect_timeout?  See the top of
 * the file for why; the connection is closed again at once.
 */
static int
probe(const struct smtp_nf *s, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	int64_t deadline = now_ms() + (int64_t)s->connect_timeout * 1000;
	int rc, fd, soerr = ETIMEDOUT, connected = 0;
	socklen_t len;

	if ((rc = getaddrinfo(s->host, s->port, &hints, &res)) != 0) {
		seterr(err, errlen, "%s: %s", s->host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL && !connected; ai = ai->ai_next) {
		struct pollfd pfd;
		int64_t left = deadline - now_ms();

		if (left <= 0) {
			soerr = ETIMEDOUT;
			break;
		}
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (fd == -1) {
			soerr = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			connected = 1;
		else if ((soerr = errno) == EINPROGRESS) {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			soerr = ETIMEDOUT;
			if (poll(&pfd, 1, (int)left) == 1) {
				len = sizeof soerr;
				if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr,
				    &len) == -1)
					soerr = errno;
				connected = soerr == 0;
			}
		}
		close(fd);
	}
	freeaddrinfo(res);
	if (!connected) {
		seterr(err, errlen, "cannot connect to %s: %s", s->hostport,
		    strerror(soerr));
		return -1;
	}
	return 0;
}

static void
on_reply(struct smtp_run *run, const char *line)
{
	int code;

	if (strlen(line) < 3 || line[0] < '1' || line[0] > '5')
		return;
	code = atoi(line);
	if (line[3] == '-')
		return;			/* continues on the next line */
	if (run->greeting == 0)
		run->greeting = code;
	if (!run->in_auth)
		return;
	if (code / 100 == 3)
		return;			/* a SASL challenge */
	run->in_auth = 0;
	if (code / 100 == 2)
		run->authed = 1;
	else if (run->auth_code == 0 || code / 100 == 5) {
		run->auth_code = code;
		nf_printable(line, strlen(line), run->auth_text,
		    sizeof run->auth_text);
	}
}

/*
 * The protocol as it passes.  Only reply codes and the fact that AUTH was
 * sent are kept: what we write holds the credentials and the message.
 */
static void
monitor(const char *buf, int len, int writing, void *arg)
{
	struct smtp_run *run = arg;

	if (writing == SMTP_CB_WRITING) {
		if (len >= 5 && strncmp(buf, "AUTH ", 5) == 0)
			run->in_auth = 1;
		return;
	}
	if (writing != SMTP_CB_READING)
		return;
	for (int i = 0; i < len; i++) {
		if (buf[i] == '\n') {
			run->line[run->linelen] = '\0';
			on_reply(run, run->line);
			run->linelen = 0;
		} else if (buf[i] != '\r' &&
		    run->linelen + 1 < sizeof run->line)
			run->line[run->linelen++] = buf[i];
	}
}

static void
event(smtp_session_t session, int ev, void *arg, ...)
{
	struct smtp_run *run = arg;
	va_list ap;
	int *ok;
	SSL *ssl;

	(void)session;
	va_start(ap, arg);
	switch (ev) {
	case SMTP_EV_EXTNA_STARTTLS:
		run->no_starttls = 1;
		break;
	case SMTP_EV_INVALID_PEER_CERTIFICATE:
		(void)va_arg(ap, long);
		ok = va_arg(ap, int *);
		*ok = 0;
		snprintf(run->tls_error, sizeof run->tls_error,
		    "certificate not trusted");
		break;
	case SMTP_EV_NO_PEER_CERTIFICATE:
		ok = va_arg(ap, int *);
		*ok = 0;
		snprintf(run->tls_error, sizeof run->tls_error,
		    "no server certificate");
		break;
	case SMTP_EV_WRONG_PEER_CERTIFICATE:
		/*
		 * libESMTP matches DNS names only; OpenSSL has already
		 * checked the name or IP address we connect to.
		 */
		ok = va_arg(ap, int *);
		(void)va_arg(ap, char *);
		ssl = va_arg(ap, SSL *);
		*ok = SSL_get_verify_result(ssl) == X509_V_OK;
		if (!*ok)
			snprintf(run->tls_error, sizeof run->tls_error,
			    "certificate is not for %s", run->nf->host);
		break;
	case SMTP_EV_WEAK_CIPHER:
		(void)va_arg(ap, int);
		ok = va_arg(ap, int *);
		*ok = 0;
		snprintf(run->tls_error, sizeof run->tls_error, "weak cipher");
		break;
	default:
		break;
	}
	va_end(ap);
}

static int
interact(auth_client_request_t req, char **result, int fields, void *arg)
{
	const struct smtp_nf *s = arg;

	for (int i = 0; i < fields; i++) {
		if (req[i].flags & AUTH_USER)
			result[i] = s->username;
		else if (req[i].flags & AUTH_PASS)
			result[i] = s->password;
		else
			result[i] = (char *)(uintptr_t)"";
	}
	return 1;
}

static enum notify_result
by_code(const smtp_status_t *st, const char *stage, char *err, size_t errlen)
{
	char text[200];

	nf_printable(st->text ? st->text : "", st->text ? strlen(st->text) : 0,
	    text, sizeof text);
	seterr(err, errlen, "%s: %d %s", stage, st->code, text);
	return st->code / 100 == 5 ? NOTIFY_PERMFAIL : NOTIFY_TEMPFAIL;
}

/* What the session's outcome means for a message, most telling first. */
static enum notify_result
verdict(const struct smtp_run *run, int started, smtp_message_t msg,
    smtp_recipient_t rcpt, char *err, size_t errlen)
{
	const smtp_status_t *mail = smtp_reverse_path_status(msg);
	const smtp_status_t *to = smtp_recipient_status(rcpt);
	const smtp_status_t *data = smtp_message_transfer_status(msg);
	char buf[128];

	if (data->code / 100 == 2 && to->code / 100 == 2)
		return NOTIFY_OK;
	if (run->no_starttls) {
		seterr(err, errlen, "%s offers no STARTTLS and starttls = "
		    "required", run->nf->hostport);
		return NOTIFY_TEMPFAIL;
	}
	if (run->tls_error[0] || verify_error[0]) {
		seterr(err, errlen, "TLS with %s: %s", run->nf->hostport,
		    verify_error[0] ? verify_error : run->tls_error);
		return NOTIFY_TEMPFAIL;
	}
	if (run->greeting / 100 == 4 || run->greeting / 100 == 5) {
		seterr(err, errlen, "%s refused the connection with %d",
		    run->nf->hostport, run->greeting);
		return run->greeting / 100 == 5 ? NOTIFY_PERMFAIL :
		    NOTIFY_TEMPFAIL;
	}
	if (run->auth_code != 0 && !run->authed) {
		seterr(err, errlen, "AUTH as %s: %s", run->nf->username,
		    run->auth_text);
		return run->auth_code / 100 == 5 ? NOTIFY_PERMFAIL :
		    NOTIFY_TEMPFAIL;
	}
	if (mail->code / 100 == 4 || mail->code / 100 == 5)
		return by_code(mail, "MAIL FROM", err, errlen);
	if (to->code / 100 == 4 || to->code / 100 == 5)
		return by_code(to, "RCPT TO", err, errlen);
	if (data->code / 100 == 4 || data->code / 100 == 5)
		return by_code(data, "DATA", err, errlen);
	seterr(err, errlen, "%s: %s", run->nf->hostport, !started ||
	    smtp_errno() != 0 ? smtp_strerror(smtp_errno(), buf, sizeof buf) :
	    "no reply");
	return NOTIFY_TEMPFAIL;
}

static smtp_session_t
new_session(const struct smtp_nf *s, struct smtp_run *run,
    auth_context_t *auth)
{
	static const int which[] = {
		Timeout_GREETING, Timeout_ENVELOPE, Timeout_DATA,
		Timeout_TRANSFER, Timeout_DATA2,
	};
	smtp_session_t session;

	if ((session = smtp_create_session()) == NULL)
		fatalx("smtp_create_session failed");
	smtp_set_server(session, s->hostport);
	if (s->helo != NULL)
		smtp_set_hostname(session, s->helo);
	for (size_t i = 0; i < nitems(which); i++)
		smtp_set_timeout(session, which[i] |
		    Timeout_OVERRIDE_RFC2822_MINIMUM, (long)s->timeout * 1000);
	smtp_starttls_enable(session, s->tls == TLS_REQUIRED ?
	    Starttls_REQUIRED : s->tls == TLS_OPTIONAL ? Starttls_ENABLED :
	    Starttls_DISABLED);
	if (s->ctx != NULL)
		smtp_starttls_set_ctx(session, s->ctx);
	smtp_set_eventcb(session, event, run);
	smtp_set_monitorcb(session, monitor, run, 0);
	*auth = NULL;
	if (s->username != NULL) {
		*auth = auth_create_context();
		auth_set_mechanism_flags(*auth, AUTH_PLUGIN_PLAIN, 0);
		auth_set_interact_cb(*auth, interact, (void *)(uintptr_t)s);
		smtp_auth_set_context(session, *auth);
	}
	return session;
}

static int
smtp_send(void *p, struct message *const *m, size_t n)
{
	const struct smtp_nf *s = p;
	struct smtp_run run = { .nf = s };
	struct mail_from from = { s->from, s->from_name };
	smtp_message_t *msg = xcalloc(n, sizeof *msg);
	smtp_recipient_t *rcpt = xcalloc(n, sizeof *rcpt);
	char **text = xcalloc(n, sizeof *text);
	int64_t date = (int64_t)time(NULL);
	auth_context_t auth;
	struct nf_sigpipe sp;
	smtp_session_t session;
	size_t len;
	int started;

	if (probe(s, m[0]->err, sizeof m[0]->err) == -1) {
		for (size_t i = 0; i < n; i++) {
			m[i]->result = NOTIFY_TEMPFAIL;
			if (i > 0)
				memcpy(m[i]->err, m[0]->err, sizeof m[i]->err);
		}
		free(text);
		free(rcpt);
		free(msg);
		return 0;
	}
	nf_sigpipe_hold(&sp);
	verify_error[0] = '\0';
	session = new_session(s, &run, &auth);
	for (size_t i = 0; i < n; i++) {
		msg[i] = smtp_add_message(session);
		smtp_set_reverse_path(msg[i], s->from);
		rcpt[i] = smtp_add_recipient(msg[i], m[i]->to);
		text[i] = mail_format(&from, m[i], date, &len);
		smtp_set_message_str(msg[i], text[i]);
	}
	started = smtp_start_session(session);
	for (size_t i = 0; i < n; i++)
		m[i]->result = verdict(&run, started, msg[i], rcpt[i],
		    m[i]->err, sizeof m[i]->err);
	smtp_destroy_session(session);
	if (auth != NULL)
		auth_destroy_context(auth);
	for (size_t i = 0; i < n; i++)
		free(text[i]);
	free(text);
	free(rcpt);
	free(msg);
	ERR_clear_error();	/* this thread's OpenSSL errors are spent */
	nf_sigpipe_release(&sp);
	return 1;
}

const struct notifier_ops notifier_smtp = {
	.name = "smtp",
	.channels = 1u << NOTIFY_EMAIL,
	.configure = smtp_configure,
	.send = smtp_send,
	.free = smtp_free,
};
