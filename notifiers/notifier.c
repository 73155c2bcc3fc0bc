/*
 * notifier.c: the registry.  "[email] via" and "[sms] via" name a backend;
 * with neither section set, both channels write files, so a fresh install
 * shows real messages without a mail server or an SMS account.  Webhooks
 * have one backend, with a subscriber per [webhook NAME] (none is fine).
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "backend.h"

static const struct notifier_ops *const backends[] = {
	&notifier_smtp, &notifier_notify, &notifier_http, &notifier_smsmail,
	&notifier_file, &notifier_webhook,
};

/* The channel sections: "via" and what the backends read from them. */
static const char *const email_keys[] = {
	"via", "host", "port", "starttls", "username", "password_file",
	"from", "from_name", "timeout", "connect_timeout", "ca_file", "helo",
};
static const char *const sms_keys[] = {
	"via", "email_to", "email_subject",
};

struct notifier {
	const struct notifier_ops *ops;
	void	*state;
	enum notify_channel channel;
};

/*
 * A channel's name in logs and replies, and its section in vigil.conf.
 * An int, as the outbox stores it.
 */
const char *
notify_channel_name(int ch)
{
	return ch == NOTIFY_SMS ? "sms" : ch == NOTIFY_WEBHOOK ? "webhook" :
	    "email";
}

/* The vias that can send on a channel, as the messages list them. */
static const char *
channel_vias(enum notify_channel ch)
{
	return ch == NOTIFY_EMAIL ? "smtp, notify or file" :
	    "notify, http, email or file";
}

/* The via a channel uses; NULL (with a diag) when it cannot be told. */
static const char *
via_for(const struct conf *c, enum notify_channel ch, struct diag *dg)
{
	struct sec_reader nc;
	const char *via;
	const struct conf_section *email = conf_section(c, "email");

	if (ch == NOTIFY_WEBHOOK)
		return "webhook";
	sec_init(&nc, c, notify_channel_name(ch), dg);
	if (ch == NOTIFY_EMAIL)
		sec_keys(&nc, email_keys, nitems(email_keys));
	else
		sec_keys(&nc, sms_keys, nitems(sms_keys));
	if ((via = sec_str(&nc, "via", NULL)) != NULL)
		return via;
	if (conf_kv(nc.sec, "via") != NULL)
		return NULL;		/* empty: reported */
	/*
	 * No via.  Only a configuration that sets up no notifier at all gets
	 * files: anything else probably meant a real transport, and messages
	 * quietly written to a folder would reach no one.
	 */
	for (size_t i = 0; nc.sec != NULL && i < nc.sec->n; i++) {
		const char *k = nc.sec->kv[i].key;

		if (strcmp(k, "from") != 0 && strcmp(k, "from_name") != 0) {
			sec_err(&nc, NULL, "\"%s\" is set but \"via\" is not: "
			    "say how to send (%s)", k, channel_vias(ch));
			return NULL;
		}
	}
	if (ch == NOTIFY_SMS && conf_section(c, "http-sms") != NULL) {
		sec_err(&nc, NULL, "[http-sms] is configured but [sms] has no "
		    "\"via = http\"");
		return NULL;
	}
	if (ch == NOTIFY_SMS && conf_kv(email, "via") != NULL &&
	    strcmp(conf_kv(email, "via")->value, "file") != 0) {
		sec_err(&nc, NULL, "email goes out by %s but [sms] has no via: "
		    "set notify, http or email, or \"via = file\" to keep SMS "
		    "in a folder where they reach no phone",
		    conf_kv(email, "via")->value);
		return NULL;
	}
	return "file";
}

/*
 * The notifier for a channel, configured from c.  NULL, with every problem
 * in dg as file:line, when the settings are wrong.  Both channels may read
 * the same sections ([file], [notify]); a problem is reported once.
 */
struct notifier *
notifier_new(const struct conf *c, enum notify_channel ch, struct diag *dg)
{
	struct diag mine = { 0 };
	const struct notifier_ops *ops = NULL;
	struct notifier *n = NULL;
	const char *via;
	void *state;

	if ((via = via_for(c, ch, &mine)) != NULL) {
		for (size_t i = 0; i < nitems(backends); i++)
			if (strcmp(backends[i]->name, via) == 0 &&
			    (backends[i]->channels & (1u << ch)))
				ops = backends[i];
		if (ops == NULL) {
			struct sec_reader nc;

			sec_init(&nc, c, notify_channel_name(ch), &mine);
			sec_err(&nc, "via", "\"%s\" cannot send %s: use %s", via,
			    ch == NOTIFY_EMAIL ? "email" : "SMS",
			    channel_vias(ch));
		}
	}
	if (ops != NULL && (state = ops->configure(c, ch, &mine)) != NULL) {
		if (mine.n == 0) {
			n = xcalloc(1, sizeof *n);
			n->ops = ops;
			n->state = state;
			n->channel = ch;
		} else
			ops->free(state);
	}
	diag_merge(dg, &mine);
	return n;
}

/* [A-Za-z0-9._=+-]{1,128}, not starting with ".": see notifier.h. */
int
notifier_key_ok(const char *key)
{
	size_t n;

	if (key == NULL || (n = strlen(key)) == 0 || n > NOTIFY_KEY_MAX ||
	    key[0] == '.')
		return 0;
	for (; *key; key++)
		if (!((*key >= 'a' && *key <= 'z') ||
		    (*key >= 'A' && *key <= 'Z') ||
		    (*key >= '0' && *key <= '9') ||
		    strchr("._=+-", *key) != NULL))
			return 0;
	return 1;
}

/* Why a message can never be sent as it stands, or NULL. */
static const char *
unsendable(const struct notifier *n, const struct message *m, char *why,
    size_t len)
{
	if (m->channel != n->channel) {
		snprintf(why, len, "a message by %s given to the %s notifier",
		    notify_channel_name(m->channel),
		    notify_channel_name(n->channel));
		return why;
	}
	if (!notifier_key_ok(m->key))
		return "bad idempotency key";
	if (m->to == NULL)
		return "no recipient";
	if ((m->channel == NOTIFY_EMAIL && !addr_email_ok(m->to, why, len)) ||
	    (m->channel == NOTIFY_SMS && !addr_e164_ok(m->to, why, len)))
		return why;
	if (m->body == NULL || (m->channel == NOTIFY_EMAIL &&
	    m->subject == NULL))
		return "no text";
	return NULL;
}

/*
 * Send messages, together where the transport allows.  One that can never
 * be sent as it stands (bad key or address: a bug upstream) is a permanent
 * failure, so the admins hear of it; err always says why on failure.
 * Returns how many sessions were opened (see notifier_ops).
 */
int
notifier_send(struct notifier *n, struct message *const *msgs, size_t nmsgs)
{
	struct message **ok = xcalloc(nmsgs + 1, sizeof *ok);
	const char *bad;
	char why[256];
	size_t nok = 0;
	int conns = 0;

	for (size_t i = 0; i < nmsgs; i++) {
		struct message *m = msgs[i];

		m->result = NOTIFY_OK;
		m->wait = 0;
		m->err[0] = '\0';
		if ((bad = unsendable(n, m, why, sizeof why)) != NULL) {
			m->result = NOTIFY_PERMFAIL;
			seterr(m->err, sizeof m->err, "%s", bad);
		} else
			ok[nok++] = m;
	}
	if (nok > 0)
		conns = n->ops->send(n->state, ok, nok);
	for (size_t i = 0; i < nok; i++)
		if (ok[i]->result != NOTIFY_OK && ok[i]->err[0] == '\0')
			seterr(ok[i]->err, sizeof ok[i]->err, "%s failed",
			    n->ops->name);
	free(ok);
	return conns;
}

/*
 * After msgs[i]: when the next hop asked us to wait, the rest of the batch
 * is not tried and waits as long.  1 when the batch stops here.
 */
int
nf_stop_after(struct message *const *msgs, size_t i, size_t n)
{
	const struct message *m = msgs[i];

	if (m->wait <= 0)
		return 0;
	for (size_t j = i + 1; j < n; j++) {
		msgs[j]->result = NOTIFY_TEMPFAIL;
		msgs[j]->wait = m->wait;
		seterr(msgs[j]->err, sizeof msgs[j]->err, "not tried: asked "
		    "to wait %d s (%s)", m->wait, m->err);
	}
	return 1;
}

/* The webhook subscribers, when n is the webhook channel's notifier. */
const struct webhook_set *
notifier_webhooks(const struct notifier *n)
{
	return n != NULL && n->ops == &notifier_webhook ? n->state : NULL;
}

const char *
notifier_name(const struct notifier *n)
{
	return n->ops->name;
}

const char *
notifier_result_name(enum notify_result r)
{
	switch (r) {
	case NOTIFY_OK:
		return "ok";
	case NOTIFY_TEMPFAIL:
		return "tempfail";
	case NOTIFY_PERMFAIL:
		return "permfail";
	}
	return "?";
}

void
notifier_free(struct notifier *n)
{
	if (n == NULL)
		return;
	n->ops->free(n->state);
	free(n);
}
