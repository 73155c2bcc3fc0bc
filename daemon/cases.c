/*
 * cases.c: what the daemon does with a case between the engine (pure) and
 * the store (durable): which workflow version it runs, when its next step
 * falls due, firing steps exactly once, and rebuilding state from the log.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <syslog.h>
#include <string.h>

#include "vigild.h"

#define CASE_STEPS_FIRST	64	/* enough for most cases; grows on demand */

/*
 * The workflow a case runs.  Open cases keep the version they started with:
 * when the files no longer hold it, it is rebuilt from the text the store
 * kept when that version was first loaded.
 */
const struct workflow *
case_workflow(struct vigild *vd, const char *name, const char *version)
{
	const struct workflow *wf = wf_set_find(vd->cfg->workflows, name);
	struct diag dg = { 0 };
	struct workflow *old;
	struct wf_old *o;
	char *text;

	if (wf != NULL && strcmp(wf_version(wf), version) == 0)
		return wf;
	for (o = vd->old_workflows; o != NULL; o = o->next)
		if (strcmp(wf_name(o->wf), name) == 0 &&
		    strcmp(wf_version(o->wf), version) == 0)
			return o->wf;
	if ((text = store_workflow_text(vd->store, name, version)) == NULL) {
		log_err("workflow %s version %s is in no file and not in the "
		    "database", name, version);
		return NULL;
	}
	old = wf_load_buffer(name, text, strlen(text), &vd->cfg->conf->calendars,
	    &dg);
	free(text);
	if (old == NULL) {
		log_err("workflow %s version %s no longer loads:", name, version);
		diag_log(&dg);
		diag_clear(&dg);
		return NULL;
	}
	diag_clear(&dg);
	o = xcalloc(1, sizeof *o);
	o->wf = old;
	o->next = vd->old_workflows;
	vd->old_workflows = o;
	return old;
}

/* Old versions depend on the calendars, so a reload drops them. */
void
case_forget_old_workflows(struct vigild *vd)
{
	struct wf_old *o, *next;

	for (o = vd->old_workflows; o != NULL; o = next) {
		next = o->next;
		wf_free(o->wf);
		free(o);
	}
	vd->old_workflows = NULL;
}

/* Keep the text of every loaded version, so cases can outlive the files. */
int
case_store_workflows(struct vigild *vd)
{
	const struct wf_set *set = vd->cfg->workflows;

	for (size_t i = 0; i < wf_set_count(set); i++) {
		const struct workflow *wf = wf_set_get(set, i);

		if (store_workflow_put(vd->store, wf_name(wf), wf_version(wf),
		    wf_text(wf), vd->cfg->loaded_at) == -1)
			return -1;
	}
	return 0;
}

static int
steps_load(struct vigild *vd, const struct workflow *wf,
    const struct wf_case *c, struct case_steps *cs)
{
	size_t cap = CASE_STEPS_FIRST;

	for (;;) {
		cs->v = xreallocarray(cs->v, cap, sizeof *cs->v);
		cs->n = wf_steps(wf, &vd->cfg->conf->calendars, c, cs->v, cap);
		if (cs->n <= cap)
			break;
		cap = cs->n;
	}
	return store_firings(vd->store, c->ref, &cs->done, &cs->ndone);
}

static void
steps_free(struct case_steps *cs)
{
	free(cs->v);
	free(cs->done);
}

int
case_next_at(struct vigild *vd, const struct workflow *wf,
    const struct wf_case *c, int64_t *next)
{
	struct case_steps cs = { 0 };
	int rc;

	rc = steps_load(vd, wf, c, &cs);
	*next = due_next(&cs, 0);
	steps_free(&cs);
	return rc;
}

/*
 * Whether an event left every deadline, the pause and the workflow as
 * they were: then the steps are those they were, and so the next instant.
 */
static int
same_clocks(const struct wf_case *was, const struct wf_case *c)
{
	if (was == NULL || was->ndeadlines != c->ndeadlines ||
	    was->paused_at != c->paused_at ||
	    !same_str(was->workflow, c->workflow) ||
	    !same_str(was->version, c->version))
		return 0;
	for (size_t i = 0; i < c->ndeadlines; i++)
		if (!wf_deadline_same(&was->deadlines[i], &c->deadlines[i]))
			return 0;
	return 1;
}

/*
 * A case's state and its next instant, written as one.  An event that
 * moved no clock keeps the next instant it had: no steps to work out, no
 * firings to read, on the path every update takes.
 */
static int
case_save(struct vigild *vd, const struct workflow *wf,
    const struct wf_case *was, const struct wf_case *c, int64_t *next)
{
	if (same_clocks(was, c))
		*next = was->next_at;
	else if (case_next_at(vd, wf, c, next) == -1)
		return -1;
	return store_case_save(vd->store, was, c, *next);
}

static int
by_key(const void *a, const void *b)
{
	return strcmp(((const struct wf_field *)a)->key,
	    ((const struct wf_field *)b)->key);
}

/* Canonical JSON of the fields (sorted keys), as logged and hashed. */
static char *
fields_text(const struct wf_field *f, size_t n)
{
	struct wf_field sorted[PROTO_MAX_FIELDS];
	struct buf c = { 0 };

	if (n > 0) {		/* f may be NULL then */
		memcpy(sorted, f, n * sizeof *f);
		xqsort(sorted, n, sizeof *sorted, by_key);
	}
	canon_open(&c, '{');
	for (size_t i = 0; i < n; i++) {
		canon_key(&c, sorted[i].key);
		canon_str(&c, sorted[i].value);
	}
	canon_close(&c, '}');
	return c.s;
}

/*
 * Record an event: log it, save the case (was: as loaded, NULL for a new
 * one) with its next instant, and cancel what it made moot in the outbox,
 * all in one savepoint of the loop's transaction.  *next is the case's
 * next instant, for the scheduler.
 */
int
case_commit(struct vigild *vd, const struct peer *peer,
    const struct wf_case *was, const struct wf_case *c,
    const struct workflow *wf, const struct wf_event *ev, int workflow_row,
    int64_t now, int64_t *next)
{
	struct store_event se = {
		.ref = c->ref,
		.event = ev->name,
		.at = ev->at,
		.recorded = now,
		.by = ev->by,
		.role = ev->by_role,
		.peer = peer->text,
		.workflow = workflow_row ? wf_name(wf) : NULL,
		.version = workflow_row ? wf_version(wf) : NULL,
	};
	char *fields = fields_text(ev->fields, ev->nfields);
	int rc = -1;

	se.fields = fields;
	if (store_write(vd->store) == -1 || store_savepoint(vd->store) == -1)
		goto out;
	if (store_event_append(vd->store, &se) == -1 ||
	    case_save(vd, wf, was, c, next) == -1 ||
	    outbox_cancel_case(vd, was, c) == -1 ||
	    hook_case(vd, wf, was, c, ev, now) == -1) {
		store_rollback_to(vd->store);
		goto out;
	}
	if (store_release(vd->store) == -1)
		goto out;
	rc = 0;
out:
	free(fields);
	return rc;
}

static void
step_effect(struct vigild *vd, const struct wf_case *c,
    const struct workflow *wf, const struct wf_step *s, const char *outcome)
{
	char due[ISO_LEN], step[48];

	if (s->level == 0)
		snprintf(step, sizeof step, "reminder");
	else if (s->repeat == 0)
		snprintf(step, sizeof step, "escalation level %d", s->level);
	else
		snprintf(step, sizeof step, "escalation level %d repeat %d",
		    s->level, s->repeat);
	note_add(vd, LOG_NOTICE, "case %s: %s %s (step due %s): %s", c->ref,
	    wf_deadline_title(wf, s->deadline), step,
	    conf_time(vd->cfg->conf, s->at, due, sizeof due), outcome);
}

/*
 * Handle one case's earliest unhandled instant, if it is due: each step at
 * that instant is recorded in the firings table in the same transaction as
 * its effects, then the case's next instant is stored.  One instant per
 * call keeps catch-up in time order across cases.  -1 when any of it could
 * not be written: the caller rolls the whole instant back and tries again
 * later, so a step is never recorded as fired without its messages.
 */
int
case_fire_due(struct vigild *vd, const char *ref, int64_t now)
{
	const struct workflow *wf;
	struct case_steps cs = { 0 };
	struct wf_case c;
	int64_t at;
	int rc = -1;

	if (store_case_load(vd->store, ref, &c) != 0)
		return -1;
	if ((wf = case_workflow(vd, c.workflow, c.version)) == NULL) {
		/* Park it rather than spin: an admin must restore the file. */
		rc = store_case_set_next(vd->store, ref, 0);
		wf_case_free(&c);
		return rc;
	}
	if (steps_load(vd, wf, &c, &cs) == -1)
		goto out;
	if ((at = due_next(&cs, 0)) != 0 && at <= now) {
		for (size_t i = 0; i < cs.n; i++) {
			const struct wf_step *s = &cs.v[i];
			const char *outcome;

			if (s->at != at || due_fired(&cs, s))
				continue;
			outcome = due_outcome(&cs, s, now);
			if (store_fire(vd->store, ref, s, now, outcome) == -1)
				goto out;
			if (strcmp(outcome, "queued") == 0 &&
			    esc_step(vd, &c, wf, s, now) == -1)
				goto out;
			if (s->level == 1 && s->repeat == 0 &&
			    hook_missed(vd, &c, wf, wf_case_deadline(&c, s->seq),
			    now) == -1)
				goto out;
		}
		/* All of the instant is written: say what it did. */
		for (size_t i = 0; i < cs.n; i++)
			if (cs.v[i].at == at && !due_fired(&cs, &cs.v[i]))
				step_effect(vd, &c, wf, &cs.v[i],
				    due_outcome(&cs, &cs.v[i], now));
		/* Neither the case nor its steps changed: no need to reload. */
		at = due_next(&cs, at);
	}
	if (store_case_set_next(vd->store, ref, at) == -1)
		goto out;
	rc = 0;
out:
	steps_free(&cs);
	wf_case_free(&c);
	return rc;
}

/*
 * A deadline still running when its case was paused is stopped, not
 * missed, unless a pause does not stop it.
 */
static const char *
status_name(const struct wf_case *c, const struct wf_deadline *d, int64_t now)
{
	switch (d->status) {
	case WF_MET:
		return "met";
	case WF_CANCELLED:
		return "cancelled";
	default:
		if (c->paused_at != 0 && d->due > c->paused_at &&
		    !d->pause_runs)
			return "paused";
		return d->due <= now ? "missed" : "pending";
	}
}

/* The case as "vigilctl show --json" prints it (history and escalations
 * are added by the show handler). */
json_t *
case_json(struct vigild *vd, const struct wf_case *c, int64_t now)
{
	const struct workflow *wf = case_workflow(vd, c->workflow, c->version);
	json_t *fields = json_object(), *deadlines = json_array();
	char t1[ISO_LEN], t2[ISO_LEN], t3[ISO_LEN], t4[ISO_LEN];

	for (size_t i = 0; i < c->nfields; i++)
		json_object_set_new(fields, c->fields[i].key,
		    json_string(c->fields[i].value));
	for (size_t i = 0; i < c->ndeadlines; i++) {
		const struct wf_deadline *d = &c->deadlines[i];

		json_array_append_new(deadlines, json_pack(
		    "{s:I, s:s, s:s, s:s?, s:s, s:s, s:s, s:s?, s:s?, s:s?, "
		    "s:s?, s:b}",
		    "seq", (json_int_t)d->seq, "name", d->name,
		    "duration", d->duration,
		    "default_without", wf == NULL ? NULL :
		    wf_deadline_default(wf, c, d),
		    "started", conf_time(vd->cfg->conf, d->started, t1, sizeof t1),
		    "due", conf_time(vd->cfg->conf, d->due, t2, sizeof t2),
		    "status", status_name(c, d, now),
		    "met_at", d->status == WF_MET ?
		    conf_time(vd->cfg->conf, d->closed_at, t3, sizeof t3) : NULL,
		    "closed_by", d->closed_by,
		    "acked_by", d->acked_by,
		    "acked_at", d->acked_at ?
		    conf_time(vd->cfg->conf, d->acked_at, t4, sizeof t4) : NULL,
		    "urgent", d->urgent));
	}
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:b, s:s?, s:b, s:o}",
	    "ref", c->ref, "workflow", c->workflow, "version", c->version,
	    "state", c->state, "fields", fields, "paused", c->paused_at != 0,
	    "paused_at", c->paused_at ?
	    conf_time(vd->cfg->conf, c->paused_at, t2, sizeof t2) : NULL,
	    "closed", c->closed, "deadlines", deadlines);
}

/* Fields of an event row back into engine form. */
static size_t
fields_from_json(const char *text, json_t **root, struct wf_field *out,
    size_t max)
{
	const char *k;
	json_t *v;
	size_t n = 0;

	*root = json_loads(text, 0, NULL);
	json_object_foreach(*root, k, v) {
		if (n == max || !json_is_string(v))
			break;
		out[n].key = (char *)(uintptr_t)k;
		out[n++].value = (char *)(uintptr_t)json_string_value(v);
	}
	return n;
}

struct rebuild {
	struct vigild *vd;
	int64_t	 events;
	size_t	 ncases;
};

/* One event of the log through the engine again. */
static int
rebuild_event(void *arg, const struct store_event *e)
{
	struct rebuild *rb = arg;
	struct vigild *vd = rb->vd;
	struct wf_field fields[PROTO_MAX_FIELDS];
	struct wf_event ev = {
		.name = e->event,
		.at = e->at,
		.by = e->by,
		.by_role = e->role,
		.fields = fields,
	};
	const struct workflow *wf;
	struct wf_case c, was = { 0 };
	char err[256];
	json_t *root;
	int64_t next;
	int r;

	rb->events++;
	/* A purged case is gone, and so is the record of its purge. */
	if (e->purged != 0 || store_is_purge_record(e))
		return 0;
	ev.nfields = fields_from_json(e->fields, &root, fields, nitems(fields));
	if (strcmp(e->event, "open") == 0) {
		memset(&c, 0, sizeof c);
		rb->ncases++;
		wf = case_workflow(vd, e->workflow, e->version);
		r = wf == NULL ? -1 :
		    wf_open(wf, &vd->cfg->conf->calendars, &c, e->ref, &ev,
		    err, sizeof err);
	} else {
		if (store_case_load(vd->store, e->ref, &c) != 0) {
			log_err("rebuild: event %lld for unknown case %s",
			    (long long)rb->events, e->ref);
			json_decref(root);
			return -1;
		}
		wf_case_copy(&was, &c);
		if (strcmp(e->event, "migrate") == 0) {
			wf = case_workflow(vd, e->workflow, e->version);
			r = wf == NULL ? -1 :
			    wf_migrate(wf, &c, ev.at, err, sizeof err);
		} else {
			wf = case_workflow(vd, c.workflow, c.version);
			r = wf == NULL ? -1 :
			    wf_apply(wf, &vd->cfg->conf->calendars, &c, &ev,
			    err, sizeof err);
		}
	}
	json_decref(root);
	if (r == -1)
		log_err("rebuild: case %s, event %s: the engine refused it now: "
		    "%s", e->ref, e->event, wf ? err : "no workflow");
	else
		r = case_save(vd, wf, was.ref ? &was : NULL, &c, &next);
	wf_case_free(&was);
	wf_case_free(&c);
	return r ? -1 : 0;
}

/*
 * "vigild --rebuild": replay the whole event log through the engine into
 * empty state tables, in one transaction.  Firings are kept (they are the
 * record of what was sent), so each case's next instant comes out the same.
 */
int
case_rebuild(struct vigild *vd)
{
	struct rebuild rb = { vd, 0, 0 };

	if (store_begin(vd->store) == -1)
		return -1;
	if (store_rebuild_begin(vd->store) == -1 ||
	    store_event_foreach(vd->store, rebuild_event, &rb) != 0 ||
	    store_commit(vd->store) == -1) {
		store_rollback(vd->store);
		return -1;
	}
	log_notice("rebuilt %zu cases from %lld events", rb.ncases,
	    (long long)rb.events);
	return 0;
}
