/*
 * notifier.h: the one small interface behind every way vigil sends a
 * message (email over SMTP, GOV.UK Notify, a generic HTTP SMS gateway, files),
 * as a table of functions chosen by name, like OpenSMTPD's backends.
 *
 * send() blocks and is only ever called from a delivery thread, never from
 * the event loop; it must give up by itself (timeouts), never hang forever.
 * A configured notifier is never changed after notifier_new(), so several
 * delivery threads may call send() on the same one at once.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#ifndef NOTIFIER_H
#define NOTIFIER_H

#include "conf.h"

enum notify_channel {
	NOTIFY_EMAIL,
	NOTIFY_SMS,
	NOTIFY_WEBHOOK,			/* to the CMS: facts as JSON, signed */
	NOTIFY_NCHANNELS
};
#define NOTIFY_PEOPLE	NOTIFY_WEBHOOK	/* the channels before it reach
					 * people: alarms go by them */

enum notify_result {
	NOTIFY_OK,			/* accepted by the next hop */
	NOTIFY_TEMPFAIL,		/* try again later */
	NOTIFY_PERMFAIL			/* will never work: tell the admins */
};

/*
 * Idempotency keys go into Message-IDs, file names and Notify references
 * unchanged, so they are limited to [A-Za-z0-9._=+-], 1 to 128 characters,
 * not starting with "." (notifier_key_ok()).  A key must never hold
 * personal data: Notify keeps references, mail servers log Message-IDs.
 */
#define NOTIFY_KEY_MAX		128
#define NOTIFY_ERR_MAX		512

/*
 * A prepared message: rendered text, resolved recipient, nothing else;
 * send() writes what became of it.
 */
struct message {
	int64_t	 id;			/* outbox row */
	enum notify_channel channel;
	const char *to;			/* email address, E.164 number, or
					 * webhook subscriber's name */
	const char *to_name;		/* display name (email) */
	const char *subject;		/* email only */
	const char *body;		/* plain text; a webhook's JSON */
	const char *key;		/* idempotency key: Message-ID, reference */
	/* The outcome. */
	enum notify_result result;
	int	 wait;			/* seconds the next hop asked us to
					 * wait before sending it anything
					 * (a 429's Retry-After), or 0 */
	char	 err[NOTIFY_ERR_MAX];	/* why, when not NOTIFY_OK */
};

struct notifier_ops {
	const char *name;		/* the "via" value: smtp, notify, ... */
	unsigned channels;		/* 1 << channel, for each it serves */
	/* Check this notifier's settings in conf; problems go to the diag. */
	void	*(*configure)(const struct conf *, enum notify_channel,
		    struct diag *);
	/*
	 * Send the messages in order, over one connection where the
	 * transport allows (one SMTP session, one kept-alive HTTP
	 * connection), and set each one's outcome.  Returns how many
	 * sessions it opened: connections that carried messages, each with
	 * its TLS handshake.
	 */
	int	 (*send)(void *, struct message *const *, size_t);
	void	 (*free)(void *);
};

struct notifier;

struct notifier *notifier_new(const struct conf *, enum notify_channel,
	    struct diag *);
int	 notifier_send(struct notifier *, struct message *const *, size_t);
const char *notifier_name(const struct notifier *);
void	 notifier_free(struct notifier *);
int	 notifier_key_ok(const char *);
const char *notifier_result_name(enum notify_result);

/* heartbeat.c: [heartbeat], the ping of vigild's dead-man's switch. */
struct heartbeat_conf {
	char	*url;
	char	*ca_file;
	int	 interval;		/* seconds between pings */
};
struct heartbeat_conf *heartbeat_conf_new(const struct conf *, struct diag *);
void	 heartbeat_conf_free(struct heartbeat_conf *);
int	 heartbeat_ping(const char *, const char *, char *, size_t);

/*
 * webhook.c: [webhook NAME] subscribers, for vigild to choose whom an
 * event goes to; what each one's messages are made of is hook.c's.
 */
enum hook_event {
	HOOK_MISSED,			/* deadline.missed */
	HOOK_ESCALATED,			/* escalation.sent */
	HOOK_ACKED,			/* deadline.acknowledged */
	HOOK_CLOSED,			/* case.closed */
	HOOK_FAILED,			/* delivery.failed */
	HOOK_NEVENTS
};
extern const char *const hook_event_names[HOOK_NEVENTS];
struct webhook_sub {
	char	*name;
	char	*url;
	unsigned events;		/* 1 << hook_event, each it wants */
	unsigned char *key;		/* the secret, decoded */
	size_t	 keylen;
	char	*ca_file;
	int	 timeout, connect_timeout;
};
struct webhook_set {
	struct webhook_sub *subs;
	size_t	 n;
};
const struct webhook_set *notifier_webhooks(const struct notifier *);
int	 webhook_sign(const unsigned char *, size_t, const char *, int64_t,
	    const char *, char *, size_t);

/* settings.c: a whole PEM file a setting names (credentials honoured). */
char	*nf_secret_pem(const struct sec_reader *, const char *);
const char *notify_channel_name(int);

#endif
