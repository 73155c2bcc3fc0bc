/*
 * notifier.h: the one small interface behind every way vigil sends a
 * message (email over SMTP, GOV.UK Notify, a generic HTTP SMS gateway, files),
 * as a table of functions chosen by name, like OpenSMTPD's backends.
 *
 * send() blocks and is only ever called from a delivery thread, never from
 * the event loop; it must give up by itself (timeouts), never hang forever.
 */
#ifndef NOTIFIER_H
#define NOTIFIER_H

#include "conf.h"

enum notify_channel {
	NOTIFY_EMAIL,
	NOTIFY_SMS
};

enum notify_result {
	NOTIFY_OK,			/* accepted by the next hop */
	NOTIFY_TEMPFAIL,		/* try again later */
	NOTIFY_PERMFAIL			/* will never work: tell the admins */
};

/* A prepared message: rendered text, resolved recipient, nothing else. */
struct message {
	int64_t	 id;			/* outbox row */
	enum notify_channel channel;
	const char *to;			/* email address, or E.164 number */
	const char *to_name;		/* display name (email) */
	const char *subject;		/* email only */
	const char *body;		/* plain text */
	const char *key;		/* idempotency key: Message-ID, reference */
};

struct notifier_ops {
	const char *name;		/* the "via" value: smtp, notify, ... */
	/* Check this notifier's settings in conf; problems go to the diag. */
	void	*(*configure)(const struct conf *, enum notify_channel,
		    struct diag *);
	enum notify_result (*send)(void *, const struct message *, char *,
		    size_t);
	void	 (*free)(void *);
};

struct notifier;

struct notifier *notifier_new(const struct conf *, enum notify_channel,
	    struct diag *);
enum notify_result notifier_send(struct notifier *, const struct message *,
	    char *, size_t);
const char *notifier_name(const struct notifier *);
void	 notifier_free(struct notifier *);

#endif
