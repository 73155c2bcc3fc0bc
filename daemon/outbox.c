/*
 * outbox.c: the durable outbox.
 *
 * A firing writes its messages here in the same transaction that records
 * it, as facts (which case, which deadline, who, by which channel), never
 * as rendered text.  The loop thread picks what is due, renders it (several
 * messages to one address become one digest), marks the rows "sending" and,
 * once that is committed, hands the message to a delivery thread; the
 * outcome comes back to the loop thread, which alone writes it down.
 * Temporary failures retry after [outbox] retry_first, doubling each time
 * up to an hour, with jitter, until [outbox] retry_for has passed since
 * the message was made; then, or at a
 * permanent failure, the row fails and the admins group is told.  Rows
 * "sending" when vigild stopped are sent again at the next start: every
 * message carries an idempotency key (the email Message-ID).
 *
 * Digests: the first message to an address goes at once; another to the
 * same address within [outbox] digest_window waits for the end of the
 * window, and everything waiting for an address then goes as one message.
 * Quiet hours: an SMS outside [quiet-hours] sms waits for the next allowed
 * time.  Urgent deadlines (immediate risk) wait for neither.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "deliver.h"
#include "vigild.h"

#define DIGEST_MAX	30	/* rows in one digest */
#define BACKOFF_MAX	3600	/* seconds: retries back off up to an hour */
/* Doublings of retry_first enough to pass BACKOFF_MAX from 1 second. */
#define BACKOFF_DOUBLINGS 12
#define BACKOFF_JITTER	5	/* each wait is give or take a fifth */
_Static_assert(1 << BACKOFF_DOUBLINGS >= BACKOFF_MAX, "BACKOFF_DOUBLINGS");
#define OUTBOX_KEY_BYTES 16	/* of SHA-256 in a key: 128 bits */
#define OUTBOX_KEYS_LOGGED 5	/* keys named when a stop leaves some */

static void record_rows(struct vigild *, const struct job *, int64_t);
static void record_outcomes(struct vigild *);
static void free_outcomes(struct vigild *, struct job *);

static const char *const status_names[] = {
	[OB_QUEUED] = "queued", [OB_SENT] = "sent", [OB_FAILED] = "failed",
	[OB_CANCELLED] = "cancelled", [OB_SENDING] = "sending",
};

static const char *const reason_names[] = {
	[OB_PERMFAIL] = "permfail", [OB_EXPIRED] = "expired",
	[OB_RENDER] = "render", [OB_TEMPFAIL] = "tempfail",
};

/* An opaque, stable key: no case data leaves in a Message-ID. */
static void
make_key(const char *prefix, const char *text, char *out, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen;
	size_t o = strlen(prefix);

	if (EVP_Digest(text, strlen(text), md, &mdlen, EVP_sha256(), NULL) != 1)
		fatalx("SHA-256 failed");
	if (o + 2 * OUTBOX_KEY_BYTES >= len)
		fatalx("make_key: no room for the key");
	memcpy(out, prefix, o);
	hex_encode(md, OUTBOX_KEY_BYTES, out + o);
}

/*
 * The wait before a row's next try, after its attempts so far (1, 2...):
 * retry_first, doubling each time up to BACKOFF_MAX, give or take a
 * fifth.  uniform(n) draws from [0, n): arc4random_uniform(), or a fixed
 * draw in the tests.
 */
int64_t
outbox_backoff(int retry_first, int64_t attempts,
    uint32_t (*uniform)(uint32_t))
{
	int64_t doublings = attempts < 1 ? 0 : attempts - 1, delay;

	/* A row that could not be read back counts as a first attempt. */
	if (doublings > BACKOFF_DOUBLINGS)
		doublings = BACKOFF_DOUBLINGS;
	delay = (int64_t)retry_first << doublings;
	if (delay > BACKOFF_MAX)
		delay = BACKOFF_MAX;
	return delay * (BACKOFF_JITTER - 1) / BACKOFF_JITTER +
	    (int64_t)uniform((uint32_t)(delay * 2 / BACKOFF_JITTER + 1));
}

/* An SMS at t outside quiet hours waits for the next allowed time, unless
 * it is urgent. */
int64_t
outbox_quiet(const struct calendar *sms_hours, enum notify_channel ch,
    int urgent, int64_t t)
{
	int64_t open;

	if (ch == NOTIFY_SMS && !urgent && sms_hours != NULL &&
	    cal_next_open(sms_hours, t, &open) == 0)
		return open;
	return t;
}

/*
 * The digest rule above, for a new message to an address: when it may
 * go, given when the last one to that address was sent (0: never) and
 * whether one is on its way, which counts as sent now.
 */
int64_t
outbox_not_before(int64_t now, int64_t last_sent, int sending,
    int digest_window, int urgent)
{
	int64_t last = sending ? now : last_sent;

	if (urgent || last == 0 || last + digest_window <= now)
		return now;
	return last + digest_window;
}

/* When a new message may go: the digest rule, then quiet hours. */
static int64_t
not_before(struct vigild *vd, const struct outbox_row *r, int64_t now)
{
	const struct outbox_conf *ob = &vd->cfg->ob;
	int64_t last = 0;
	int sending = 0;

	/* Urgent goes at once: what went to the address does not matter;
	 * so does a webhook, one event's facts and never a digest. */
	if (!r->urgent && r->channel != NOTIFY_WEBHOOK)
		store_outbox_last_to(vd->store, r->channel, r->address,
		    &sending, &last);
	return outbox_quiet(ob->sms_hours, r->channel, r->urgent,
	    outbox_not_before(now, last, sending, ob->digest_window,
	    r->urgent));
}

/*
 * Queue one message, inside the caller's transaction.  Once per key.  -1
 * when it could not be written: the caller must not go on as if it were.
 */
int
outbox_add(struct vigild *vd, const struct outbox_row *r, int64_t now)
{
	char key[NOTIFY_KEY_MAX + 1], *text;

	if (r->event != NULL)	/* once per event: a webhook, a summary */
		text = xasprintf("once\n%s\n%s\n%d", r->event, r->recipient,
		    (int)r->channel);
	else if (r->about != 0)	/* again after a retry: created was reset */
		text = xasprintf("alert\n%lld\n%lld\n%s", (long long)r->about,
		    (long long)r->created, r->address);
	else if (r->kind == TPL_AUDIT_ALERT)	/* once a day per finding */
		text = xasprintf("audit\n%lld\n%s\n%s", (long long)(now /
		    86400), r->action, r->address);
	else if (r->kind == TPL_OPS_ALERT)	/* once per occasion */
		text = xasprintf("ops\n%lld\n%s\n%s\n%d", (long long)now,
		    r->action, r->address, (int)r->channel);
	else
		text = xasprintf("%s\n%u\n%d\n%d\n%s\n%d", r->ref, r->seq,
		    r->level, r->rep, r->recipient, (int)r->channel);
	make_key("vigil-", text, key, sizeof key);
	free(text);
	if (store_outbox_add(vd->store, r, key, now, not_before(vd, r, now)) ==
	    -1) {
		log_err("outbox: cannot queue a message for case %s: %s",
		    r->ref ? r->ref : "-", store_errmsg(vd->store));
		return -1;
	}
	outbox_poke(vd);
	return 0;
}

/*
 * After an event: nothing still queued about a deadline it met or
 * cancelled goes out, nor a repeat of one it acknowledged.  Only what the
 * event changed is looked at: a case's old deadlines cost nothing.
 */
int
outbox_cancel_case(struct vigild *vd, const struct wf_case *was,
    const struct wf_case *c)
{
	for (size_t i = 0; i < c->ndeadlines; i++) {
		const struct wf_deadline *d = &c->deadlines[i],
		    *old = wf_case_deadline(was, d->seq);

		if (d->status != WF_PENDING &&
		    (old == NULL || old->status == WF_PENDING)) {
			if (store_outbox_cancel(vd->store, c->ref, d->seq, 0) ==
			    -1)
				return -1;
		} else if (d->status == WF_PENDING && d->acked_at != 0 &&
		    (old == NULL || old->acked_at == 0)) {
			if (store_outbox_cancel(vd->store, c->ref, d->seq, 1) ==
			    -1)
				return -1;
		}
	}
	return 0;
}

/* What a template shows of a row; the strings stay the row's. */
static struct tpl_item
tpl_item_of(const struct store_outbox_entry *e)
{
	return (struct tpl_item){ .ref = e->ref, .deadline = e->title,
	    .due = e->due, .officer = e->officer, .action = e->action,
	    .level = e->level, .repeat = e->rep, .acked_by = e->acked_by,
	    .acked_at = e->acked_at };
}

/*
 * Which rows go next on a channel: the earliest due row and everything
 * else due to the same address not yet in a message (one digest); an
 * admin alert goes alone.  A row tried before goes again with the rows of
 * that message and no other, under its key (*group), so a retry or a
 * restart after a crash never sends an item under a second Message-ID.
 * How many were read into rows: 0 when nothing is due.
 */
static size_t
select_rows(struct vigild *vd, enum notify_channel ch, int64_t now,
    struct store_outbox_entry *rows, char **group)
{
	enum tpl_kind kind;
	char *address;
	int alerts, n;

	*group = NULL;
	if (store_outbox_head(vd->store, ch, now, &address, &kind, group) != 1)
		return 0;
	alerts = kind >= TPL_ADMIN_ALERT;	/* each goes alone */
	n = store_outbox_rows(vd->store, ch, address, *group, now, alerts,
	    rows, alerts ? 1 : DIGEST_MAX);
	free(address);
	if (n <= 0) {
		free(*group);
		*group = NULL;
	}
	return n > 0 ? (size_t)n : 0;
}

/* A channel in words, as messages and the journal say it. */
static const char *
channel_word(int ch)
{
	return ch == NOTIFY_SMS ? "SMS" : notify_channel_name(ch);
}

/* An admin alert shows the failed row it is about, read into about. */
static void
alert_vars(struct vigild *vd, const struct store_outbox_entry *alert,
    struct store_outbox_entry *about, struct tpl_item *item,
    struct tpl_vars *v)
{
	if (store_outbox_get(vd->store, alert->about, about) == -1) {
		log_err("outbox: admin alert %lld: the row it is about is gone",
		    (long long)alert->id);
		v->recipient = v->channel = v->error = "?";
		return;
	}
	*item = tpl_item_of(about);
	v->recipient = about->recipient;
	v->channel = channel_word(about->channel);
	v->error = about->last_error ? about->last_error : "unknown error";
}

/* A template that could not be filled in: not sent, not lost, retried as
 * a failed delivery would be, so a template fixed by a reload gets it out. */
static void
not_rendered(struct job *job)
{
	job->unrendered = 1;
	job->msg.result = NOTIFY_TEMPFAIL;
	snprintf(job->msg.err, sizeof job->msg.err, "the %s template for this "
	    "message cannot be rendered", notify_channel_name(job->msg.channel));
	log_err("outbox: message %lld: %s", (long long)job->ids[0],
	    job->msg.err);
}

/* A manager's weekly summary, from the facts summary.c kept in action. */
static void
render_summary(struct vigild *vd, struct job *job,
    const struct store_outbox_entry *row, int64_t now)
{
	json_t *facts = json_loads(row->action ? row->action : "", 0, NULL),
	    *list = json_object_get(facts, "items"), *it;
	size_t n = json_array_size(list), i;
	struct tpl_item *items = xcalloc(n + 1, sizeof *items);
	struct tpl_vars v = { .now = now, .items = items, .nitems = n,
	    .on_time = json_string_value(json_object_get(facts, "on_time")) };
	char *web = vd->cfg->ack_url && vd->cfg->nweb_proxies ?
	    xasprintf("%s/web/", vd->cfg->ack_url) : NULL;
	char *subject = NULL, *body = NULL;

	v.web = web;
	json_array_foreach(list, i, it)
		items[i] = (struct tpl_item){
		    .ref = json_string_value(json_object_get(it, "ref")),
		    .deadline = json_string_value(json_object_get(it,
		    "deadline")),
		    .due = json_integer_value(json_object_get(it, "due")),
		    .officer = json_string_value(json_object_get(it, "officer")),
		};
	if (facts != NULL && tpl_render_email(vd->cfg->templates, TPL_SUMMARY,
	    &v, &subject, &body) == 0) {
		job->msg.subject = subject;
		job->msg.body = body;
	} else
		not_rendered(job);
	free(web);
	free(items);
	json_decref(facts);
}

/* The text of the message carrying rows, from the templates. */
static void
render(struct vigild *vd, struct job *job,
    const struct store_outbox_entry *rows, size_t n, int64_t now)
{
	struct tpl_item items[DIGEST_MAX];
	struct tpl_vars v = { .now = now, .items = items, .nitems = n };
	struct store_outbox_entry about = { 0 };
	enum tpl_kind kind = n > 1 ? TPL_DIGEST : rows[0].kind;
	enum notify_channel ch = job->msg.channel;

	if (ch == NOTIFY_WEBHOOK) {	/* made when its event happened */
		job->msg.body = xstrdup(rows[0].action ? rows[0].action : "");
		return;
	}
	if (kind == TPL_SUMMARY) {
		render_summary(vd, job, &rows[0], now);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		items[i] = tpl_item_of(&rows[i]);
		/* An escalation's own link, to a person; a group's
		 * members have none, and a reminder asks for the work. */
		if (rows[i].kind < TPL_ADMIN_ALERT && rows[i].level > 0 &&
		    strncmp(rows[i].recipient, "group ", 6) != 0)
			items[i].ack_link = link_make(vd, rows[i].ref,
			    rows[i].seq, rows[i].level, rows[i].recipient, now);
	}
	if (kind == TPL_ADMIN_ALERT)
		alert_vars(vd, &rows[0], &about, &items[0], &v);
	else if (kind == TPL_AUDIT_ALERT || kind == TPL_OPS_ALERT)
		v.error = rows[0].action;	/* what was found, and how long */
	if (ch == NOTIFY_EMAIL) {
		char *subject = NULL, *body = NULL;

		if (tpl_render_email(vd->cfg->templates, kind, &v, &subject,
		    &body) == 0) {
			job->msg.subject = subject;
			job->msg.body = body;
		}
	} else
		job->msg.body = tpl_render_sms(vd->cfg->templates, kind, &v);
	if (job->msg.body == NULL)
		not_rendered(job);
	for (size_t i = 0; i < n; i++)
		free((char *)(uintptr_t)items[i].ack_link);
	store_outbox_entry_clear(&about);
}

/* A digest's key, made from its rows' keys. */
static char *
digest_key(const struct store_outbox_entry *rows, size_t n)
{
	struct buf keys = { 0 };
	char key[NOTIFY_KEY_MAX + 1];

	for (size_t i = 0; i < n; i++)
		buf_puts(&keys, rows[i].key);
	make_key("vigil-d-", keys.s, key, sizeof key);
	buf_free(&keys);
	return xstrdup(key);
}

/* The highest escalation level among rows (0: reminders); -1: none. */
static int
job_level(const struct store_outbox_entry *rows, size_t n)
{
	int level = -1;

	for (size_t i = 0; i < n; i++)
		if (rows[i].kind < TPL_ADMIN_ALERT && rows[i].level > level)
			level = rows[i].level;
	return level;
}

/*
 * The next message due on a channel: its rows selected, rendered, and
 * marked "sending" in the loop's transaction.  NULL when nothing is due.
 */
static struct job *
next_job(struct vigild *vd, enum notify_channel ch, int64_t now)
{
	struct store_outbox_entry rows[DIGEST_MAX];
	struct job *job;
	char *group;
	size_t n;

	if ((n = select_rows(vd, ch, now, rows, &group)) == 0)
		return NULL;
	job = xcalloc(1, sizeof *job);
	job->ids = xcalloc(n, sizeof *job->ids);
	for (size_t i = 0; i < n; i++)
		job->ids[i] = rows[i].id;
	job->nids = n;
	job->level = job_level(rows, n);
	job->msg.id = job->ids[0];
	job->msg.channel = ch;
	job->msg.to = xstrdup(rows[0].address);
	job->msg.to_name = rows[0].to_name ? xstrdup(rows[0].to_name) : NULL;
	job->msg.key = group != NULL ? group : n > 1 ? digest_key(rows, n) :
	    xstrdup(rows[0].key);
	render(vd, job, rows, n, now);
	store_outbox_mark_sending(vd->store, job->ids, job->nids, job->msg.key);
	job->cfg = vd->cfg;
	job->batch = vd->cfg->ob.batch;
	job->notifier = vd->cfg->notifiers[ch];
	vd->cfg->inflight++;
	for (size_t i = 0; i < n; i++)
		store_outbox_entry_clear(&rows[i]);
	return job;
}

/*
 * How many more messages a channel may take now: its threads each have a
 * batch on its way and a batch ready behind it, so none waits for the
 * loop; 0 while a Retry-After holds it.
 */
static int
room(struct vigild *vd, int ch, int64_t now)
{
	const struct deliverer *d = &vd->ob.deliver[ch];

	if (now < vd->ob.hold[ch])
		return 0;
	return 2 * d->nthreads * vd->cfg->ob.batch - d->busy -
	    vd->ob.npending[ch];
}

/*
 * Wake for the earliest message a channel with room may send.  A channel
 * without room is woken by its threads coming back (done_cb), not by a
 * timer that would fire again and again in the meantime.
 */
static void
outbox_arm(struct vigild *vd, int64_t now)
{
	int64_t at = 0, t;

	for (int ch = 0; ch < NOTIFY_NCHANNELS; ch++) {
		if (vd->ob.hold[ch] <= now && room(vd, ch, now) <= 0)
			continue;
		store_outbox_next_time(vd->store, (enum notify_channel)ch, &t);
		if (t != 0 && t < vd->ob.hold[ch])
			t = vd->ob.hold[ch];
		if (t != 0 && (at == 0 || t < at))
			at = t;
	}
	ev_periodic_stop(vd->loop, &vd->ob.timer);
	if (at == 0)
		return;
	ev_periodic_set(&vd->ob.timer, (ev_tstamp)at, 0, NULL);
	ev_periodic_start(vd->loop, &vd->ob.timer);
}

/*
 * Feed the delivery threads, at most a batch per channel per loop
 * iteration however often the threads come back (what was picked waits
 * in pending for the iteration's commit), so requests and firings get
 * their turn while a long queue drains.  While firing is behind (a burst,
 * catch-up after downtime) it is one message per channel an iteration:
 * the firings make the messages, and a digest left waiting grows rather
 * than goes twice.
 */
static void
pump(struct vigild *vd)
{
	int64_t now = clock_now();
	int per = sched_behind(vd) ? 1 : vd->cfg->ob.batch, more = 0;

	/* The database cannot commit: its retry timer pokes us again.  A
	 * stop still writes down what the threads did. */
	record_outcomes(vd);
	if (vd->stopping || commits_paused(vd))
		return;
	for (int ch = 0; ch < NOTIFY_NCHANNELS; ch++) {
		int left = per - vd->ob.npending[ch], max = room(vd, ch, now);
		int n = 0;
		struct job *job;

		for (; n < max && n < left; n++) {
			if (store_write(vd->store) == -1 ||
			    (job = next_job(vd, (enum notify_channel)ch,
			    now)) == NULL)
				break;
			/* Not rendered (render() said why): the message's
			 * fault, not the channel's, which it never reached. */
			if (job->unrendered) {
				vd->ob.tries_failed[ch][OB_RENDER]++;
				record_rows(vd, job, now);
				cfg_release(vd, job->cfg);
				deliver_free_jobs(job);
				continue;
			}
			job->next = vd->ob.pending;
			vd->ob.pending = job;
			vd->ob.npending[ch]++;
		}
		more |= n == left && n < max;
	}
	if (more)
		outbox_poke(vd);
	outbox_arm(vd, now);
}

/* The "sending" marks are on disk (or not): send, or forget. */
void
outbox_committed(struct vigild *vd, int ok)
{
	struct job *job, *next;

	for (job = vd->ob.pending; job != NULL; job = next) {
		next = job->next;
		vd->ob.npending[job->msg.channel]--;
		/* Stopping, nothing new goes out: it goes at the next start. */
		if (ok && !vd->stopping)
			deliver_submit(&vd->ob.deliver[job->msg.channel], job);
		else {
			cfg_release(vd, job->cfg);
			job->next = NULL;
			deliver_free_jobs(job);
		}
	}
	vd->ob.pending = NULL;
	for (int ch = 0; ch < NOTIFY_NCHANNELS; ch++) {
		if (!ok && vd->ob.alarm_pending[ch])
			vd->ob.alarmed[ch] = 0;	/* not told: tell again */
		vd->ob.alarm_pending[ch] = 0;
	}
	if (ok)
		free_outcomes(vd, vd->ob.recording);
	else {
		for (job = vd->ob.recording; job != NULL; job = next) {
			next = job->next;
			job->next = vd->ob.unrecorded;
			vd->ob.unrecorded = job;
		}
		outbox_poke(vd);
	}
	vd->ob.recording = NULL;
}

/*
 * An alert to group g (the admins, or the duty managers) by every channel
 * but skip (-1: none): word of a failing channel goes by the others.
 * Without a shared address or phone on any channel left, each member is
 * told: by email, or by SMS when email is skipped.
 */
static void
alert(struct vigild *vd, const struct staff_group *g,
    struct outbox_row row, int skip, int64_t now)
{
	char recipient[128];
	int sent = 0;

	snprintf(recipient, sizeof recipient, "group %s", g->name);
	row.recipient = recipient;
	row.to_name = g->name;
	row.urgent = 1;
	if (g->email != NULL && skip != NOTIFY_EMAIL) {
		row.address = g->email;
		row.channel = NOTIFY_EMAIL;
		sent += outbox_add(vd, &row, now) == 0;
	}
	if (g->mobile != NULL && skip != NOTIFY_SMS) {
		row.address = g->mobile;
		row.channel = NOTIFY_SMS;
		sent += outbox_add(vd, &row, now) == 0;
	}
	row.channel = skip == NOTIFY_EMAIL ? NOTIFY_SMS : NOTIFY_EMAIL;
	for (size_t i = 0; sent == 0 && i < g->nmembers; i++) {
		row.recipient = g->members[i]->id;
		row.to_name = g->members[i]->name;
		row.address = row.channel == NOTIFY_EMAIL ?
		    g->members[i]->email : g->members[i]->mobile;
		if (row.address != NULL)
			outbox_add(vd, &row, now);
	}
}

/*
 * A webhook the CMS refused, or a manager's weekly summary, failed for
 * good: the admins hear of it in the ops alert's words (the admin alert's
 * are about a deadline, which these are not).
 */
static void
told_as_ops(struct vigild *vd, const struct store_outbox_entry *e,
    const char *err, int64_t now)
{
	char why[NOTIFY_ERR_MAX + 256];
	const char *type;
	json_t *body;

	if (e->kind == TPL_WEBHOOK) {
		body = json_loads(e->action ? e->action : "", 0, NULL);
		type = json_string_value(json_object_get(body, "type"));
		snprintf(why, sizeof why, "the webhook %s about case %s "
		    "(webhook-id %s) to [webhook %s] failed for good: %s",
		    type ? type : "?", e->ref ? e->ref : "-", e->key,
		    e->to_name ? e->to_name : "?", err);
		json_decref(body);
	} else
		snprintf(why, sizeof why, "the weekly summary to %s (%s) "
		    "failed for good: %s", e->to_name ? e->to_name : "?",
		    e->recipient, err);
	outbox_admin_alert(vd, TPL_OPS_ALERT, why, -1, now);
}

static void
fail_row(struct vigild *vd, int64_t id, const char *err,
    enum outbox_reason why, int64_t now)
{
	const struct staff_group *admins = staff_group(vd->cfg->staff,
	    STAFF_ADMINS), *fallback = staff_group(vd->cfg->staff,
	    STAFF_FALLBACK);
	struct store_outbox_entry e;

	if (store_outbox_fail(vd->store, id, now, err, why, &e) != 1)
		return;
	log_err("outbox: message %lld to %s by %s failed for good: %s",
	    (long long)id, e.recipient, notify_channel_name(e.channel), err);
	if (e.kind == TPL_WEBHOOK || e.kind == TPL_SUMMARY)
		told_as_ops(vd, &e, err, now);
	/* Tell the admins, unless this was already a word to them; and the
	 * CMS, of a message to a person about a case. */
	if (e.kind < TPL_ADMIN_ALERT && admins != NULL)
		alert(vd, admins, (struct outbox_row){ .kind = TPL_ADMIN_ALERT,
		    .about = e.id, .created = e.created, .ref = e.ref,
		    .deadline = e.deadline }, -1, now);
	/* A missed deadline nobody heard of still reaches a manager: the
	 * duty managers, by the other channel. */
	if (e.kind == TPL_ESCALATION && fallback != NULL)
		alert(vd, fallback, (struct outbox_row){
		    .kind = TPL_ADMIN_ALERT, .about = e.id, .created = e.created,
		    .ref = e.ref, .deadline = e.deadline }, (int)e.channel, now);
	if (e.kind < TPL_ADMIN_ALERT)
		hook_delivery(vd, HOOK_FAILED, &e, err, now);
	store_outbox_entry_clear(&e);
}

/* Why a job was not delivered; expired: retry_for has run out. */
static enum outbox_reason
reason_of(const struct job *job, int expired)
{
	if (job->unrendered)
		return OB_RENDER;
	if (job->msg.result == NOTIFY_PERMFAIL)
		return OB_PERMFAIL;
	return expired ? OB_EXPIRED : OB_TEMPFAIL;
}

/* Not delivered: try again later, or fail for good at a permanent failure
 * or once retry_for has passed since the row was made. */
static void
retry_or_fail(struct vigild *vd, const struct job *job, int64_t id,
    int64_t now)
{
	const struct outbox_conf *ob = &vd->cfg->ob;
	struct store_outbox_entry e;
	int64_t delay;
	int expired;

	store_outbox_get(vd->store, id, &e);
	expired = now - e.created >= ob->retry_for;
	if (job->msg.result == NOTIFY_PERMFAIL || expired)
		fail_row(vd, id, job->msg.err, reason_of(job, expired), now);
	else {
		/* As long as the next hop asked, or the backoff. */
		delay = job->msg.wait > 0 ? job->msg.wait :
		    outbox_backoff(ob->retry_first, e.attempts,
		    arc4random_uniform);
		store_outbox_retry_at(vd->store, id, outbox_quiet(ob->sms_hours,
		    job->msg.channel, e.urgent, now + delay), job->msg.err);
	}
	store_outbox_entry_clear(&e);
}

/* An escalation delivered: the CMS hears of it, when it asked to. */
static void
escalation_sent(struct vigild *vd, int64_t id, int64_t now)
{
	struct store_outbox_entry e;

	if (!hook_wanted(vd, HOOK_ESCALATED) ||
	    store_outbox_get(vd->store, id, &e) == -1)
		return;
	if (e.kind == TPL_ESCALATION)
		hook_delivery(vd, HOOK_ESCALATED, &e, NULL, now);
	store_outbox_entry_clear(&e);
}

/* Write down what happened to each row of a job, in the transaction. */
static void
record_rows(struct vigild *vd, const struct job *job, int64_t now)
{
	for (size_t i = 0; i < job->nids; i++) {
		if (job->msg.result == NOTIFY_OK) {
			store_outbox_sent(vd->store, job->ids[i], job->msg.key,
			    now);
			escalation_sent(vd, job->ids[i], now);
		} else
			retry_or_fail(vd, job, job->ids[i], now);
	}
}

/*
 * A channel failing for [outbox] alarm_after: crit in the journal, and the
 * admins told by every other channel, once until it works again.
 */
static void
channel_alarm(struct vigild *vd, enum notify_channel ch, const char *err,
    int64_t now)
{
	char why[NOTIFY_ERR_MAX + 128];
	int64_t since = vd->ob.failing_since[ch];

	if (vd->ob.alarmed[ch] || since == 0 ||
	    now - since < vd->cfg->ob.alarm_after)
		return;
	vd->ob.alarmed[ch] = 1;
	vd->ob.alarm_pending[ch] = 1;	/* its rows wait for the commit */
	snprintf(why, sizeof why, "%s has failed for %lld %s: %s",
	    channel_word(ch), (long long)(now - since < 120 ?
	    now - since : (now - since) / 60), now - since < 120 ? "seconds" :
	    "minutes", err);
	log_crit("outbox: %s", why);
	outbox_admin_alert(vd, TPL_OPS_ALERT, why, ch, now);
}

/* What a job's outcome tells the log and the channel, said once. */
static void
heard(struct vigild *vd, const struct job *job, int64_t now)
{
	/* A message the next hop refuses for good is the message's fault;
	 * one it cannot take now is the channel's. */
	if (job->msg.result == NOTIFY_TEMPFAIL &&
	    vd->ob.failing_since[job->msg.channel] == 0)
		vd->ob.failing_since[job->msg.channel] = now;
	if (job->msg.result == NOTIFY_OK) {
		if (vd->ob.alarmed[job->msg.channel])
			log_notice("outbox: %s works again", notify_channel_name(
			    job->msg.channel));
		vd->ob.last_ok[job->msg.channel] = now;
		vd->ob.messages[job->msg.channel]++;
		if (job->level >= 0 && job->level <= TPL_LEVELS)
			vd->ob.escalations[job->level][job->msg.channel]++;
		vd->ob.failing_since[job->msg.channel] = 0;
		vd->ob.alarmed[job->msg.channel] = 0;
		log_info("outbox: %s to %s sent (%zu item%s, key %s)",
		    notify_channel_name(job->msg.channel), job->msg.to_name ?
		    job->msg.to_name : "?", job->nids, job->nids == 1 ? "" : "s",
		    job->msg.key);
	} else {
		log_warnx("outbox: %s to %s: %s (%s)",
		    notify_channel_name(job->msg.channel), job->msg.to_name ?
		    job->msg.to_name : "?", job->msg.err,
		    notifier_result_name(job->msg.result));
		vd->ob.tries_failed[job->msg.channel][reason_of(job, 0)]++;
		snprintf(vd->ob.last_error, sizeof vd->ob.last_error, "%s",
		    job->msg.err);
		vd->ob.last_error_at = now;
	}
	/*
	 * A rate limit is the channel's, not the message's: pause it, a
	 * second more than asked as now is whole seconds.
	 */
	if (job->msg.wait > 0 && now + job->msg.wait + 1 >
	    vd->ob.hold[job->msg.channel]) {
		vd->ob.hold[job->msg.channel] = now + job->msg.wait + 1;
		log_warnx("outbox: %s paused for %d s, as asked: %s",
		    notify_channel_name(job->msg.channel), job->msg.wait,
		    job->msg.err);
	}
}

/*
 * Outcomes go into the loop's transaction and wait in recording for its
 * commit; one that fails (a full disk) puts them back, to be written at
 * the next try: a message the server took is never sent again for want
 * of a place to say so.
 */
static void
record_outcomes(struct vigild *vd)
{
	int64_t now = clock_now();
	struct job *job;

	if (vd->ob.unrecorded == NULL || commits_paused(vd) ||
	    store_write(vd->store) == -1)
		return;
	while ((job = vd->ob.unrecorded) != NULL) {
		vd->ob.unrecorded = job->next;
		record_rows(vd, job, now);
		if (job->msg.result == NOTIFY_TEMPFAIL)
			channel_alarm(vd, job->msg.channel, job->msg.err, now);
		job->next = vd->ob.recording;
		vd->ob.recording = job;
	}
}

static void
free_outcomes(struct vigild *vd, struct job *job)
{
	struct job *next;

	for (; job != NULL; job = next) {
		next = job->next;
		cfg_release(vd, job->cfg);
		job->next = NULL;
		deliver_free_jobs(job);
	}
}

static void
done_cb(struct ev_loop *loop, ev_async *w, int revents)
{
	struct vigild *vd = w->data;
	int64_t now = clock_now(), sessions;
	struct job *done, *next;

	(void)loop;
	(void)revents;
	for (int ch = 0; ch < NOTIFY_NCHANNELS; ch++) {
		done = deliver_done(&vd->ob.deliver[ch], &sessions);
		vd->ob.sessions[ch] += sessions;
		for (; done != NULL; done = next) {
			next = done->next;
			heard(vd, done, now);
			done->next = vd->ob.unrecorded;
			vd->ob.unrecorded = done;
		}
	}
	record_outcomes(vd);
	pump(vd);
}

static void
poke_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	pump(w->data);
}

static void
timer_cb(struct ev_loop *loop, ev_periodic *w, int revents)
{
	(void)loop;
	(void)revents;
	pump(w->data);
}

/* Something may be due: look in the next loop iteration. */
void
outbox_poke(struct vigild *vd)
{
	if (!ev_is_active(&vd->ob.poke))
		ev_timer_start(vd->loop, &vd->ob.poke);
}

int
outbox_init(struct vigild *vd)
{
	ev_async_init(&vd->ob.wake, done_cb);
	ev_timer_init(&vd->ob.poke, poke_cb, 0, 0);
	ev_periodic_init(&vd->ob.timer, timer_cb, 0, 0, NULL);
	vd->ob.wake.data = vd->ob.poke.data = vd->ob.timer.data = vd;
	ev_async_start(vd->loop, &vd->ob.wake);
	for (int ch = 0; ch < NOTIFY_NCHANNELS; ch++)
		deliver_start(&vd->ob.deliver[ch], vd->loop, &vd->ob.wake,
		    vd->cfg->ob.workers);
	if (store_outbox_reset_sending(vd->store) == -1)
		return -1;
	outbox_poke(vd);
	return 0;
}

/* Stopping: start nothing more (what is waiting goes at the next start). */
void
outbox_quiesce(struct vigild *vd)
{
	struct job *left, *next;

	for (int ch = 0; ch < NOTIFY_NCHANNELS; ch++)
		for (left = deliver_quiesce(&vd->ob.deliver[ch]); left != NULL;
		    left = next) {
			next = left->next;
			left->next = NULL;
			cfg_release(vd, left->cfg);
			deliver_free_jobs(left);
		}
}

/* Every message that was on its way has come back and been recorded. */
int
outbox_drained(const struct vigild *vd)
{
	for (int ch = 0; ch < NOTIFY_NCHANNELS; ch++)
		if (vd->ob.deliver[ch].busy > 0)
			return 0;
	return 1;
}

/*
 * The stop has waited its waited seconds and goes on: a message still
 * with a server may yet be taken, and goes again at the next start under
 * the same key.  Say so, with the keys to look for.
 */
void
outbox_undrained(struct vigild *vd, int waited)
{
	struct buf keys = { 0 };
	int n = 0, room = OUTBOX_KEYS_LOGGED;

	for (int ch = 0; ch < NOTIFY_NCHANNELS; ch++)
		n += deliver_out(&vd->ob.deliver[ch], &keys, &room);
	if (n > OUTBOX_KEYS_LOGGED)
		buf_puts(&keys, " and others");
	if (n > 0)
		log_warnx("outbox: %d message%s still on %s way after %d s: "
		    "sent again at the next start (%s)", n, n == 1 ? "" : "s",
		    n == 1 ? "its" : "their", waited, keys.s);
	buf_free(&keys);
}

void
outbox_finish(struct vigild *vd)
{
	for (int ch = 0; ch < NOTIFY_NCHANNELS; ch++)
		deliver_stop(&vd->ob.deliver[ch]);
	ev_async_stop(vd->loop, &vd->ob.wake);
	ev_timer_stop(vd->loop, &vd->ob.poke);
	ev_periodic_stop(vd->loop, &vd->ob.timer);
	if (vd->ob.unrecorded != NULL)
		log_crit("outbox: delivery outcomes could not be written: "
		    "those messages go again at the next start");
	free_outcomes(vd, vd->ob.unrecorded);
	vd->ob.unrecorded = NULL;
}

/*
 * A word to the admins about vigil itself, by every channel they have but
 * skip (-1: none): the event log failed its audit (TPL_AUDIT_ALERT, once
 * a day for the same finding), or something failed for a while
 * (TPL_OPS_ALERT).
 */
void
outbox_admin_alert(struct vigild *vd, enum tpl_kind kind, const char *why,
    int skip, int64_t now)
{
	const struct staff_group *admins = staff_group(vd->cfg->staff,
	    STAFF_ADMINS);

	if (admins == NULL) {
		log_crit("no admins group in the staff directory to tell");
		return;
	}
	if (store_write(vd->store) == 0)
		alert(vd, admins, (struct outbox_row){ .kind = kind,
		    .created = now, .action = why }, skip, now);
}

/* Messages waiting to go or on their way (status and the metrics). */
int64_t
outbox_depth(struct vigild *vd)
{
	return store_outbox_depth(vd->store);
}

const char *
outbox_status_name(int status)
{
	return status >= 0 && status < (int)nitems(status_names) ?
	    status_names[status] : "?";
}

const char *
outbox_reason_name(int reason)
{
	return reason > 0 && reason < (int)nitems(reason_names) ?
	    reason_names[reason] : "?";
}
