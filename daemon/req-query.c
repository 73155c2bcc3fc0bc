/*
 * req-query.c: show, list, status and outbox: reading only, through
 * store-query.c, and making the replies.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <string.h>

#include "config.h"
#include "vigild.h"

#define LIST_DEFAULT_LIMIT	1000

/* Rows of a reply, and the configuration that formats their times. */
struct query_rows {
	const struct conf *conf;
	json_t	*rows;
};

/* An event of the case's history. */
static int
history_row(void *arg, const struct store_event *e)
{
	struct query_rows *q = arg;
	char at[ISO_LEN], rec[ISO_LEN];

	json_array_append_new(q->rows, json_pack("{s:I, s:s, s:s, s:s, s:s?, "
	    "s:s?, s:s, s:o}", "id", (json_int_t)e->id, "event", e->event,
	    "at", conf_time(q->conf, e->at, at, sizeof at),
	    "recorded", conf_time(q->conf, e->recorded, rec, sizeof rec),
	    "by", e->by, "role", e->role, "peer", e->peer,
	    "fields", json_loads(e->fields, 0, NULL)));
	return 0;
}

/* A step handled, and each message it made (none when superseded). */
static void
escalation_row(void *arg, const struct store_escalation *f)
{
	struct query_rows *q = arg;
	char at[ISO_LEN], fired[ISO_LEN], sent[ISO_LEN];
	int has_msg = f->recipient != NULL;

	json_array_append_new(q->rows, json_pack("{s:s, s:I, s:i, s:i, s:s, "
	    "s:s, s:s?, s:s?, s:s, s:s?}",
	    "deadline", f->deadline, "seq", (json_int_t)f->seq,
	    "level", f->level, "repeat", f->rep,
	    "at", conf_time(q->conf, f->at, at, sizeof at),
	    "fired_at", conf_time(q->conf, f->fired_at, fired, sizeof fired),
	    "to", f->recipient,
	    "channel", has_msg ? notify_channel_name(f->channel) : NULL,
	    "status", has_msg ? outbox_status_name(f->status) : f->outcome,
	    "sent_at", has_msg && f->status == OB_SENT ?
	    conf_time(q->conf, f->done_at, sent, sizeof sent) : NULL));
}

json_t *
req_show(struct vigild *vd, const struct origin *o, struct request *r)
{
	struct query_rows esc = { vd->cfg->conf, NULL }, hist = esc;
	struct wf_case c;
	json_t *j;
	int rc;

	if ((rc = store_case_load(vd->store, r->ref, &c)) != 0)
		return req_refuse_kind(rc == 1 ? "not_found" : "unavailable", rc == 1 ?
		    "no case %s" :
		    "case %s: database error", r->ref);
	/* Another team's case is as good as not there. */
	if (!access_may_see(o->principal, staff_find(vd->cfg->staff,
	    wf_case_field(&c, "officer")))) {
		wf_case_free(&c);
		return req_refuse_kind("not_found", "no case %s", r->ref);
	}
	j = case_json(vd, &c, clock_now());
	wf_case_free(&c);
	esc.rows = json_array();
	hist.rows = json_array();
	store_case_escalations(vd->store, r->ref, escalation_row, &esc);
	store_case_events(vd->store, r->ref, history_row, &hist);
	json_object_set_new(j, "escalations", esc.rows);
	json_object_set_new(j, "history", hist.rows);
	return req_ok(j);
}

static void
case_row(void *arg, const struct store_case_row *c)
{
	struct query_rows *q = arg;
	char due[ISO_LEN];

	json_array_append_new(q->rows, json_pack(
	    "{s:s, s:s, s:s, s:s?, s:b, s:s?, s:s?, s:i}",
	    "ref", c->ref, "workflow", c->workflow, "state", c->state,
	    "officer", c->officer, "paused", c->paused_at != 0,
	    "next_deadline", c->next_deadline,
	    "next_due", c->next_deadline ? conf_time(q->conf, c->next_due, due,
	    sizeof due) : NULL,
	    "missed", c->missed));
}

json_t *
req_list(struct vigild *vd, const struct origin *o, struct request *r)
{
	struct query_rows q = { vd->cfg->conf, NULL };
	struct store_list l = {
		.now = clock_now(),
		.by_due = r->overdue || r->due_before,
		.overdue = r->overdue,
		.officer = r->officer,
		.state = r->state,
		.limit = r->limit ? r->limit : LIST_DEFAULT_LIMIT,
	};
	int64_t before = 0;
	char err[256], *visible;
	int rc;

	if (r->due_before && iso_parse(r->due_before,
	    vd->cfg->conf->default_calendar->tz, &before, err, sizeof err) == -1)
		return req_refuse("%s", err);
	l.until = r->overdue ? l.now : before - 1;
	if (r->overdue && r->due_before && before - 1 < l.now)
		l.until = before - 1;
	q.rows = json_array();
	l.officers = visible = access_visible(vd->cfg, o->principal);
	rc = store_case_list(vd->store, &l, case_row, &q);
	free(visible);
	if (rc == -1) {
		json_decref(q.rows);
		return req_refuse_kind("unavailable", "database error: %s",
		    store_errmsg(vd->store));
	}
	return req_ok(json_pack("{s:o}", "cases", q.rows));
}

static void
state_count(void *arg, const char *state, int64_t n)
{
	json_object_set_new(arg, state, json_integer(n));
}

/* null while the database commits; since when and why it does not. */
static json_t *
db_failing(struct vigild *vd)
{
	char since[ISO_LEN];

	if (vd->db.since == 0)
		return json_null();
	return json_pack("{s:s, s:s}", "since", conf_time(vd->cfg->conf,
	    vd->db.since, since, sizeof since), "error", vd->db.error);
}

json_t *
req_status(struct vigild *vd, const struct origin *o, struct request *r)
{
	json_t *states = json_object();
	char started[ISO_LEN], loaded[ISO_LEN], next[ISO_LEN];
	int64_t now = clock_now(), missed, next_at = 0;
	char errat[ISO_LEN];

	(void)o;
	(void)r;
	store_open_cases(vd->store, state_count, states);
	missed = store_missed_deadlines(vd->store, now, NULL, NULL);
	store_next_at(vd->store, &next_at);
	return req_ok(json_pack("{s:s, s:s, s:I, s:s, s:o, s:I, s:I, s:s?, "
	    "s:I, s:s?, s:s?, s:o, s:o}",
	    "version", PACKAGE_VERSION,
	    "started", conf_time(vd->cfg->conf, vd->started, started, sizeof started),
	    "uptime_seconds", (json_int_t)(now - vd->started),
	    "config_loaded", conf_time(vd->cfg->conf, vd->cfg->loaded_at, loaded,
	    sizeof loaded),
	    "open_cases", states, "missed_deadlines", (json_int_t)missed,
	    "events", (json_int_t)store_event_count(vd->store),
	    "next_due", next_at ? conf_time(vd->cfg->conf, next_at, next, sizeof next) :
	    NULL,
	    "outbox_depth", (json_int_t)outbox_depth(vd),
	    "last_delivery_error", vd->ob.last_error_at ? vd->ob.last_error :
	    NULL,
	    "last_delivery_error_at", vd->ob.last_error_at ? conf_time(vd->cfg->conf,
	    vd->ob.last_error_at, errat, sizeof errat) : NULL,
	    "catching_up", vd->catchup.total ? json_pack("{s:I, s:I}", "done",
	    (json_int_t)vd->catchup.done, "total",
	    (json_int_t)vd->catchup.total) : json_null(),
	    "database_failing", db_failing(vd)));
}

static void
outbox_row(void *arg, const struct store_outbox_item *m)
{
	struct query_rows *q = arg;
	char next[ISO_LEN], made[ISO_LEN];
	int step = m->level >= 0;

	json_array_append_new(q->rows, json_pack("{s:I, s:s?, s:s?, s:o, s:o, "
	    "s:s, s:s, s:s, s:i, s:s?, s:s?, s:s}",
	    "id", (json_int_t)m->id, "ref", m->ref, "deadline", m->deadline,
	    "level", step ? json_integer(m->level) : json_null(),
	    "repeat", step ? json_integer(m->rep) : json_null(),
	    "to", m->recipient, "channel", notify_channel_name(m->channel),
	    "status", outbox_status_name(m->status), "attempts", m->attempts,
	    "next_try", m->status == OB_QUEUED ? conf_time(q->conf,
	    m->not_before, next, sizeof next) : NULL,
	    "last_error", m->last_error,
	    "created", conf_time(q->conf, m->created, made, sizeof made)));
}

/* What the outbox holds: waiting and recent messages, or the failed. */
json_t *
req_outbox(struct vigild *vd, const struct origin *o, struct request *r)
{
	struct query_rows q = { vd->cfg->conf, json_array() };

	(void)o;
	if (store_outbox_list(vd->store, r->failed, r->limit ? r->limit :
	    LIST_DEFAULT_LIMIT, outbox_row, &q) == -1) {
		json_decref(q.rows);
		return req_refuse_kind("unavailable", "database error");
	}
	return req_ok(json_pack("{s:o}", "messages", q.rows));
}
