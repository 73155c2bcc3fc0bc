/*
 * req-case.c: the requests that change a case: open, event, ack, migrate.
 * Each runs in its own savepoint inside the loop's group-commit
 * transaction; the reply is held by control.c until that commits, so an
 * acknowledged event is on disk.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <syslog.h>
#include <string.h>

#include "vigild.h"

/* The event's time: --at (local to the default calendar unless it has an
 * offset), or now.  The future is refused. */
static int
event_time(struct vigild *vd, const struct request *r, int64_t now,
    int64_t *at, char *err, size_t errlen)
{
	if (r->at == NULL) {
		*at = now;
		return 0;
	}
	if (iso_parse(r->at, vd->cfg->conf->default_calendar->tz, at, err,
	    errlen) == -1)
		return -1;
	if (*at > now) {
		snprintf(err, errlen, "%s is in the future", r->at);
		return -1;
	}
	return 0;
}

/*
 * Who recorded an event: --by must be in the staff directory (approvals
 * depend on their role); without it, the person whose login ran vigilctl,
 * if the directory knows them.
 */
/* Who the event is recorded as: whoever access.c says it acts for. */
static void
recorder(const struct origin *o, struct wf_event *ev)
{
	const struct staff_person *p = o->principal->by;

	ev->by = p != NULL ? p->id : NULL;
	ev->by_role = p != NULL ? role_name(p->role) : NULL;
}

/*
 * An event that takes the case's officer's line manager (or the manager
 * above) rather than a staff role: when the recorder is that, they record
 * it in that role, which the event log keeps (so a rebuild replays it as
 * it was accepted, whoever manages the officer by then).
 */
static void
as_relation(struct vigild *vd, const struct workflow *wf,
    const struct wf_case *c, struct wf_event *ev)
{
	const struct staff_person *officer = staff_find(vd->cfg->staff,
	    wf_case_field(c, "officer")), *p;
	static const char *const rel[] = { WF_ROLE_LINE_MANAGER,
	    WF_ROLE_MANAGER_ABOVE };

	if (ev->by == NULL || wf_event_takes(wf, ev->name, ev->by_role))
		return;
	for (int up = 1; up <= 2; up++)
		if ((p = staff_manager(officer, up)) != NULL &&
		    strcmp(p->id, ev->by) == 0 &&
		    wf_event_takes(wf, ev->name, rel[up - 1])) {
			ev->by_role = rel[up - 1];
			return;
		}
}

/* An officer named by an event must be someone escalations can reach. */
static int
officer_known(struct vigild *vd, const struct wf_event *ev, char *err,
    size_t errlen)
{
	for (size_t i = 0; i < ev->nfields; i++) {
		if (strcmp(ev->fields[i].key, "officer") != 0 ||
		    staff_find(vd->cfg->staff, ev->fields[i].value) != NULL)
			continue;
		snprintf(err, errlen, "officer %s is not in the staff directory",
		    ev->fields[i].value);
		return -1;
	}
	return 0;
}

static int
add_field(struct wf_field *f, size_t *n, const char *key, const char *value,
    char *err, size_t errlen)
{
	for (size_t i = 0; i < *n; i++) {
		if (strcmp(f[i].key, key) == 0) {
			snprintf(err, errlen, "field %s is given twice", key);
			return -1;
		}
	}
	if (*n == PROTO_MAX_FIELDS) {
		snprintf(err, errlen, "too many fields");
		return -1;
	}
	f[*n].key = (char *)(uintptr_t)key;
	f[(*n)++].value = (char *)(uintptr_t)value;
	return 0;
}

/* open's options become fields: officer, risk, and each flag = yes. */
static int
open_fields(const struct request *r, struct wf_field *f, size_t *n, char *err,
    size_t errlen)
{
	*n = 0;
	if (r->officer && add_field(f, n, "officer", r->officer, err,
	    errlen) == -1)
		return -1;
	if (r->risk && add_field(f, n, "risk", r->risk, err, errlen) == -1)
		return -1;
	for (size_t i = 0; i < r->nflags; i++)
		if (add_field(f, n, r->flags[i], "yes", err, errlen) == -1)
			return -1;
	for (size_t i = 0; i < r->nfields; i++)
		if (add_field(f, n, r->fields[i].key, r->fields[i].value, err,
		    errlen) == -1)
			return -1;
	return 0;
}

static json_t *
pending_json(struct vigild *vd, const struct wf_case *c)
{
	json_t *a = json_array();
	char due[ISO_LEN];

	for (size_t i = 0; i < c->ndeadlines; i++)
		if (c->deadlines[i].status == WF_PENDING)
			json_array_append_new(a, json_pack("{s:s, s:s}",
			    "name", c->deadlines[i].name, "due",
			    conf_time(vd->cfg->conf, c->deadlines[i].due, due, sizeof due)));
	return a;
}

static json_t *
reply_case(struct vigild *vd, const struct wf_case *c, const char *event,
    int64_t at)
{
	char when[ISO_LEN];

	return req_ok(json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "ref", c->ref,
	    "event", event, "at", conf_time(vd->cfg->conf, at, when, sizeof when),
	    "workflow", c->workflow, "state", c->state,
	    "pending", pending_json(vd, c)));
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Refuse a workflow name, listing the loaded ones: the next try's choice. */
static json_t *
unknown_workflow(struct vigild *vd, const char *name)
{
	const struct wf_set *set = vd->cfg->workflows;
	size_t n = wf_set_count(set);
	const char **names = xreallocarray(NULL, n + 1, sizeof *names);
	struct buf known = { 0 };
	json_t *reply;

	for (size_t i = 0; i < n; i++)
		names[i] = wf_name(wf_set_get(set, i));
	xqsort(names, n, sizeof *names, cmp_name);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			buf_puts(&known, ", ");
		buf_puts(&known, names[i]);
	}
	reply = req_refuse("unknown workflow \"%s\": known workflows are %s",
	    name, n > 0 ? known.s : "none");
	buf_free(&known);
	free(names);
	return reply;
}

json_t *
req_open(struct vigild *vd, const struct origin *o, struct request *r)
{
	const struct peer *peer = o->peer;
	int64_t now = clock_now(), next;
	struct wf_field f[PROTO_MAX_FIELDS];
	struct wf_event ev = { .name = "open", .fields = f };
	const struct workflow *wf;
	struct wf_case c = { 0 };
	char err[256];
	json_t *reply;

	if ((wf = wf_set_find(vd->cfg->workflows, r->workflow)) == NULL)
		return unknown_workflow(vd, r->workflow);
	/* A case one could not see afterwards is not one's to open. */
	if (!access_may_see(o->principal, r->officer == NULL ? NULL :
	    staff_find(vd->cfg->staff, r->officer)))
		return req_refuse_kind("forbidden", "%s%s is not in your team",
		    r->officer ? "officer " : "", r->officer ? r->officer :
		    "a case without an officer");
	if (store_case_exists(vd->store, r->ref))
		return req_refuse_kind("conflict", "case %s already exists",
		    r->ref);
	recorder(o, &ev);
	if (event_time(vd, r, now, &ev.at, err, sizeof err) == -1 ||
	    open_fields(r, f, &ev.nfields, err, sizeof err) == -1 ||
	    officer_known(vd, &ev, err, sizeof err) == -1 ||
	    wf_open(wf, &vd->cfg->conf->calendars, &c, r->ref, &ev, err,
	    sizeof err) == -1) {
		wf_case_free(&c);
		return req_refuse("%s", err);
	}
	if (case_commit(vd, peer, NULL, &c, wf, &ev, 1, now, &next) == -1) {
		wf_case_free(&c);
		return req_refuse_kind("unavailable",
		    "case %s not opened: database error", r->ref);
	}
	sched_consider(vd, next);
	note_add(vd, LOG_INFO, "case %s: opened on %s %s by %s (%s): %s", c.ref,
	    wf_name(wf),
	    wf_version(wf), ev.by ? ev.by : "-", peer->text, c.state);
	reply = reply_case(vd, &c, "open", ev.at);
	wf_case_free(&c);
	return reply;
}

/* event and ack: the engine applies both to an existing case. */
json_t *
req_event(struct vigild *vd, const struct origin *o, struct request *r)
{
	const struct peer *peer = o->peer;
	int64_t now = clock_now(), next;
	struct wf_field f[PROTO_MAX_FIELDS], ackf;
	struct wf_event ev = { 0 };
	const struct workflow *wf;
	struct wf_case c, was = { 0 };
	char err[256];
	json_t *reply;
	int rc;

	if (r->kind == REQ_ACK) {
		/* An acknowledgement is someone's: it stops their repeats. */
		if (o->principal->by == NULL)
			return req_refuse("ack needs who acknowledges it (by)");
		ev.name = "ack";
		ackf = (struct wf_field){ "deadline", (char *)(uintptr_t)r->deadline };
		ev.fields = &ackf;
		ev.nfields = r->deadline != NULL;
	} else {
		ev.name = r->event;
		for (size_t i = 0; i < r->nfields; i++)
			f[i] = (struct wf_field){ r->fields[i].key,
			    r->fields[i].value };
		ev.fields = f;
		ev.nfields = r->nfields;
	}
	if ((rc = store_case_load(vd->store, r->ref, &c)) != 0)
		return req_refuse_kind(rc == 1 ? "not_found" : "unavailable", rc == 1 ?
		    "no case %s" :
		    "case %s: database error", r->ref);
	/* Another team's case is as good as not there, to change too. */
	if (!access_may_see(o->principal, staff_find(vd->cfg->staff,
	    wf_case_field(&c, "officer")))) {
		wf_case_free(&c);
		return req_refuse_kind("not_found", "no case %s", r->ref);
	}
	/* The admins must restore the file: nothing the client can fix. */
	if ((wf = case_workflow(vd, c.workflow, c.version)) == NULL) {
		reply = req_refuse_kind("unavailable", "case %s: its workflow "
		    "%s %s cannot be loaded", r->ref, c.workflow, c.version);
		wf_case_free(&c);
		return reply;
	}
	wf_case_copy(&was, &c);
	recorder(o, &ev);
	as_relation(vd, wf, &c, &ev);
	/* A bad time or officer is the request's fault, as at open; what
	 * the case's workflow refuses in its state is a conflict. */
	if (event_time(vd, r, now, &ev.at, err, sizeof err) == -1 ||
	    officer_known(vd, &ev, err, sizeof err) == -1) {
		reply = req_refuse("case %s: %s", r->ref, err);
		goto out;
	}
	if (wf_apply(wf, &vd->cfg->conf->calendars, &c, &ev, err,
	    sizeof err) == -1) {
		reply = req_refuse_kind("conflict", "case %s: %s", r->ref, err);
		goto out;
	}
	if (case_commit(vd, peer, &was, &c, wf, &ev, 0, now, &next) == -1) {
		reply = req_refuse_kind("unavailable",
		    "case %s: %s not recorded: database error",
		    r->ref, ev.name);
		goto out;
	}
	sched_consider(vd, next);
	/*
	 * An event that moves the case is an info line; one that leaves it
	 * where it was (a CMS's stream of updates) only a debug line: the
	 * database keeps every event, and journald's rate limit must not
	 * drop warnings for a flood of updates.
	 */
	note_add(vd, strcmp(was.state, c.state) != 0 ? LOG_INFO : LOG_DEBUG,
	    "case %s: %s by %s (%s): %s -> %s", c.ref, ev.name, ev.by ? ev.by :
	    "-", peer->text, was.state, c.state);
	reply = reply_case(vd, &c, ev.name, ev.at);
out:
	wf_case_free(&was);
	wf_case_free(&c);
	return reply;
}

static int
migrate_one(struct vigild *vd, const struct origin *o,
    const struct workflow *wf, const char *ref, int64_t now, char *err,
    size_t errlen)
{
	const struct peer *peer = o->peer;
	struct wf_event ev = { .name = "migrate", .at = now };
	struct wf_case c, was = { 0 };
	int64_t next;
	int rc;

	recorder(o, &ev);
	if ((rc = store_case_load(vd->store, ref, &c)) != 0) {
		snprintf(err, errlen, rc == 1 ? "no case %s" :
		    "case %s: database error", ref);
		return -1;
	}
	if (strcmp(c.workflow, wf_name(wf)) == 0 &&
	    strcmp(c.version, wf_version(wf)) == 0) {
		snprintf(err, errlen, "it already runs %s %s", wf_name(wf),
		    wf_version(wf));
		wf_case_free(&c);
		return -1;
	}
	wf_case_copy(&was, &c);
	if (wf_migrate(wf, &c, now, err, errlen) == -1 ||
	    case_commit(vd, peer, &was, &c, wf, &ev, 1, now, &next) == -1) {
		if (*err == '\0')
			snprintf(err, errlen, "database error");
		wf_case_free(&was);
		wf_case_free(&c);
		return -1;
	}
	sched_consider(vd, next);
	note_add(vd, LOG_INFO, "case %s: migrated to %s %s by %s (%s)", ref,
	    wf_name(wf),
	    wf_version(wf), ev.by ? ev.by : "-", peer->text);
	wf_case_free(&was);
	wf_case_free(&c);
	return 0;
}

static json_t *
migrated(const struct workflow *wf, json_t *done, json_t *failed)
{
	return req_ok(json_pack("{s:s, s:s, s:o, s:o}", "workflow", wf_name(wf),
	    "version", wf_version(wf), "migrated", done, "failed", failed));
}

/* Move one case, or every open case of a workflow, to its current version. */
json_t *
req_migrate(struct vigild *vd, const struct origin *o, struct request *r)
{
	int64_t now = clock_now();
	const struct workflow *wf = wf_set_find(vd->cfg->workflows, r->workflow);
	json_t *done, *failed;
	char err[256] = "", **refs;
	size_t nrefs;

	if (wf == NULL)
		return unknown_workflow(vd, r->workflow);
	if (r->ref != NULL) {
		if (migrate_one(vd, o, wf, r->ref, now, err, sizeof err) == -1)
			return req_refuse("case %s not migrated: %s", r->ref, err);
		return migrated(wf, json_pack("[s]", r->ref), json_array());
	}
	/* Collect first: the cases table must not change under its SELECT. */
	if (store_refs_to_migrate(vd->store, wf_name(wf), wf_version(wf), &refs,
	    &nrefs) == -1)
		return req_refuse_kind("unavailable", "database error");
	done = json_array();
	failed = json_array();
	for (size_t i = 0; i < nrefs; i++) {
		*err = '\0';
		if (migrate_one(vd, o, wf, refs[i], now, err, sizeof err) == 0)
			json_array_append_new(done, json_string(refs[i]));
		else
			json_array_append_new(failed, json_pack("{s:s, s:s}",
			    "ref", refs[i], "error", err));
	}
	strv_free(refs, nrefs);
	return migrated(wf, done, failed);
}
