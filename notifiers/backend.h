/*
 * backend.h: what the notifiers share among themselves, not with the rest
 * of vigil: the backends' tables, reading their settings, building a mail
 * message and making an HTTP request.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#ifndef BACKEND_H
#define BACKEND_H

#include <signal.h>

#include "notifier.h"

/* The backends, registered in notifier.c. */
extern const struct notifier_ops notifier_smtp;		/* email.c */
extern const struct notifier_ops notifier_notify;	/* notify.c */
extern const struct notifier_ops notifier_http;		/* httpsms.c */
extern const struct notifier_ops notifier_smsmail;	/* smsmail.c */
extern const struct notifier_ops notifier_file;		/* file.c */
extern const struct notifier_ops notifier_webhook;	/* webhook.c */

/* notifier.c: a batch stops where the next hop asked us to wait. */
int	 nf_stop_after(struct message *const *, size_t, size_t);

/* settings.c: what only notifiers read (secrets, addresses, URLs). */
char	*nf_ca_file(const struct sec_reader *, const char *);
char	*nf_secret(const struct sec_reader *, const char *, int);
char	*nf_email(const struct sec_reader *, const char *, const char *, int);
int	 nf_url(const struct sec_reader *, const char *, char **);
int	 nf_host_is_loopback(const char *);
void	 nf_wipe(char *);
char	*nf_printable(const char *, size_t, char *, size_t);
enum nf_numfmt { NF_E164, NF_DIGITS, NF_NATIONAL };
int	 nf_number(enum nf_numfmt, const char *, char *, size_t);

/* A write to a closed connection must fail with EPIPE, not kill vigild. */
struct nf_sigpipe {
	sigset_t old;
	int	 was_pending;
};
void	 nf_sigpipe_hold(struct nf_sigpipe *);
void	 nf_sigpipe_release(struct nf_sigpipe *);

/* mail.c: an RFC 5322 message, CRLF lines, 7-bit clean. */
struct mail_from {
	const char *addr;
	const char *name;		/* display name, or NULL */
};
char	*mail_format(const struct mail_from *, const struct message *,
	    int64_t, size_t *);
char	*mail_quoted_printable(const char *);
char	*mail_header_words(const char *);

/*
 * http.c: HTTPS requests with libcurl, bounded by timeouts, one after
 * another over a connection kept alive between them.
 */
struct http_opts {
	int	 timeout;		/* seconds, the whole request */
	int	 connect_timeout;	/* seconds */
	const char *ca_file;		/* extra trusted CAs, or NULL */
	const char *username;		/* for Basic authentication, or NULL */
	const char *password;
};
#define HTTP_WAIT_MAX	3600	/* the longest Retry-After we honour */
struct http_reply {
	long	 status;		/* 0: no reply (network error) */
	int	 retry_after;		/* seconds a 429 or 503 asked for, or 0 */
	char	 body[1024];		/* the start of the reply */
	size_t	 len;
	char	 error[256];		/* curl's words when status is 0 */
};
struct http_conn;
void	 http_init(void);
struct http_conn *http_conn_new(void);
int	 http_conn_free(struct http_conn *);
int	 http_request(struct http_conn *, const struct http_opts *,
	    const char *, const char *, const char *const *, const char *,
	    struct http_reply *);
enum notify_result http_result(long);
int	 http_outcome(struct message *, int, const struct http_reply *,
	    const char *);
typedef void http_one_fn(const void *, struct http_conn *, struct message *);
int	 http_batch(const void *, struct message *const *, size_t,
	    http_one_fn *);

#endif
