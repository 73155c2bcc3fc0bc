/*
 * hook.c: what vigil tells the case-management system by webhook
 * (notifiers/webhook.c signs and sends them).  Each event becomes one
 * outbox row per [webhook NAME] that wants it, written in the transaction
 * of what it reports, so it is sent (and retried) like any message.  The
 * row holds the body as it will go, Standard Webhooks' shape:
 *
 *	{"type": "deadline.missed", "timestamp": "...", "data": {...}}
 *
 * with the same facts as a message (case reference, deadline, due time,
 * staff ids) and nothing about the person.  The row's key, the
 * webhook-id, is made from the event's identity: one event is one id.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>

#include "vigild.h"

static const struct webhook_set *
subscribers(struct vigild *vd, enum hook_event ev)
{
	const struct webhook_set *ws =
	    notifier_webhooks(vd->cfg->notifiers[NOTIFY_WEBHOOK]);

	for (size_t i = 0; ws != NULL && i < ws->n; i++)
		if (ws->subs[i].events & (1u << ev))
			return ws;
	return NULL;
}

/* Whether any subscriber wants ev: the caller can skip making it. */
int
hook_wanted(struct vigild *vd, enum hook_event ev)
{
	return subscribers(vd, ev) != NULL;
}

/*
 * Queue ev, about case ref, for every subscriber that wants it, inside
 * the caller's transaction; data is taken.  identity says which event
 * this is, once.  -1 when a row could not be written.
 */
static int
emit(struct vigild *vd, enum hook_event ev, const char *ref,
    const char *identity, json_t *data, int64_t now)
{
	const struct webhook_set *ws = subscribers(vd, ev);
	char ts[ISO_LEN], recipient[VALID_NAME_MAX + 16], *body, *once;
	json_t *root;
	int rc = 0;

	if (ws == NULL) {
		json_decref(data);
		return 0;
	}
	root = json_pack("{s:s, s:s, s:o}", "type", hook_event_names[ev],
	    "timestamp", conf_time(vd->cfg->conf, now, ts, sizeof ts),
	    "data", data);
	body = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (body == NULL)
		fatalx("webhook: cannot make a body");
	once = xasprintf("%s\n%s", hook_event_names[ev], identity);
	for (size_t i = 0; rc == 0 && i < ws->n; i++) {
		const struct webhook_sub *w = &ws->subs[i];

		if (!(w->events & (1u << ev)))
			continue;
		snprintf(recipient, sizeof recipient, "webhook %s", w->name);
		rc = outbox_add(vd, &(struct outbox_row){ .kind = TPL_WEBHOOK,
		    .ref = ref, .action = body, .recipient = recipient,
		    .to_name = w->name, .address = w->name,
		    .channel = NOTIFY_WEBHOOK, .event = once }, now);
	}
	free(once);
	free(body);
	return rc;
}

/* What every event about a deadline says of it. */
static json_t *
deadline_data(struct vigild *vd, const char *ref, const char *deadline,
    const char *title, uint32_t seq, int64_t due)
{
	char at[ISO_LEN];

	return json_pack("{s:s, s:s, s:s?, s:I, s:s}", "case", ref,
	    "deadline", deadline, "title", title, "seq", (json_int_t)seq,
	    "due", conf_time(vd->cfg->conf, due, at, sizeof at));
}

/* A deadline's level 1 fired: it is missed, now. */
int
hook_missed(struct vigild *vd, const struct wf_case *c,
    const struct workflow *wf, const struct wf_deadline *d, int64_t now)
{
	const char *officer = wf_case_field(c, "officer");
	char id[VALID_NAME_MAX + 64];
	json_t *data;

	if (d == NULL || !hook_wanted(vd, HOOK_MISSED))
		return 0;
	data = deadline_data(vd, c->ref, d->name, wf_deadline_title(wf,
	    d->name), d->seq, d->due);
	json_object_set_new(data, "officer", officer ? json_string(officer) :
	    json_null());
	snprintf(id, sizeof id, "%s\n%u", c->ref, d->seq);
	return emit(vd, HOOK_MISSED, c->ref, id, data, now);
}

/*
 * What an event did that the CMS hears of: deadlines acknowledged, the
 * case closed.  was is the case before it (NULL: just opened).
 */
int
hook_case(struct vigild *vd, const struct workflow *wf,
    const struct wf_case *was, const struct wf_case *c,
    const struct wf_event *ev, int64_t now)
{
	char id[VALID_NAME_MAX + 64], at[ISO_LEN];
	json_t *data;

	for (size_t i = 0; i < c->ndeadlines; i++) {
		const struct wf_deadline *d = &c->deadlines[i],
		    *old = wf_case_deadline(was, d->seq);

		if (d->acked_at == 0 || (old != NULL && old->acked_at != 0) ||
		    !hook_wanted(vd, HOOK_ACKED))
			continue;
		data = deadline_data(vd, c->ref, d->name,
		    wf_deadline_title(wf, d->name), d->seq, d->due);
		json_object_set_new(data, "by", json_string(d->acked_by ?
		    d->acked_by : "-"));
		json_object_set_new(data, "at", json_string(conf_time(
		    vd->cfg->conf, d->acked_at, at, sizeof at)));
		snprintf(id, sizeof id, "%s\n%u\n%lld", c->ref, d->seq,
		    (long long)d->acked_at);
		if (emit(vd, HOOK_ACKED, c->ref, id, data, now) == -1)
			return -1;
	}
	if (!c->closed || (was != NULL && was->closed) ||
	    !hook_wanted(vd, HOOK_CLOSED))
		return 0;
	data = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s}", "case", c->ref,
	    "workflow", c->workflow, "state", c->state, "event", ev->name,
	    "by", ev->by, "at", conf_time(vd->cfg->conf, ev->at, at,
	    sizeof at));
	snprintf(id, sizeof id, "%s\n%lld", c->ref, (long long)ev->at);
	return emit(vd, HOOK_CLOSED, c->ref, id, data, now);
}

/*
 * An outbox row's fate the CMS hears of: an escalation delivered
 * (HOOK_ESCALATED) or a message to a person failed for good (HOOK_FAILED,
 * with why).  The row's id makes the event one of a kind.
 */
int
hook_delivery(struct vigild *vd, enum hook_event ev,
    const struct store_outbox_entry *e, const char *why, int64_t now)
{
	char id[32];
	json_t *data;

	if (!hook_wanted(vd, ev))
		return 0;
	data = deadline_data(vd, e->ref ? e->ref : "", e->deadline ?
	    e->deadline : "", e->title, e->seq, e->due);
	json_object_set_new(data, "level", json_integer(e->level));
	json_object_set_new(data, "repeat", json_integer(e->rep));
	json_object_set_new(data, "to", json_string(e->recipient));
	json_object_set_new(data, "channel",
	    json_string(notify_channel_name(e->channel)));
	if (why != NULL)
		json_object_set_new(data, "error", json_string(why));
	snprintf(id, sizeof id, "%lld", (long long)e->id);
	return emit(vd, ev, e->ref, id, data, now);
}
