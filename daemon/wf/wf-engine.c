/*
 * wf-engine.c: one event applied to one case.  Every check comes first and
 * the changes are made to a copy, so a refused event leaves the case exactly
 * as it was; the copy replaces the case only when everything worked.
 *
 * An accepted event, in order: its fields are stored and its stamps set;
 * its route picks the next state; the deadlines it meets are met and the
 * ones it cancels cancelled; a change of state cancels the deadlines that
 * run only in the state left (and everything, at a final state); then the
 * deadlines it starts are started, in the order the workflow lists them.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>

#include "wf-int.h"

/*
 * The four-eyes rule needs a little history, kept as two fields of the
 * case: who moved it into its state ("entered-by"), and everyone who was
 * its officer since then ("officers-since", comma-separated).
 */
#define F_ENTERED_BY	"entered-by"
#define F_OFFICERS	"officers-since"

/* Whether id is one of the comma-separated ids in list. */
static int
in_list(const char *list, const char *id)
{
	size_t n = strlen(id);

	for (const char *p = list; p != NULL && *p != '\0';
	    p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (strncmp(p, id, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
	return 0;
}

/*
 * Someone the four-eyes rule excludes: the officer, anyone who was the
 * officer since the case entered its state, or whoever moved it there
 * (who asked for the closure cannot authorise it).
 */
static const char *
too_close(const struct wf_case *c, const char *by)
{
	const char *officer = wf_case_field(c, "officer");
	const char *entered = wf_case_field(c, F_ENTERED_BY);

	if (officer != NULL && strcmp(by, officer) == 0)
		return "the case's own officer";
	if (in_list(wf_case_field(c, F_OFFICERS), by))
		return "an officer of the case since it was put in this state";
	if (entered != NULL && strcmp(by, entered) == 0)
		return "who put the case in this state";
	return NULL;
}

/* After an event: keep the history too_close() reads. */
static void
track(struct wf_case *c, const struct wf_event *ev, int changed)
{
	const char *officer = wf_case_field(c, "officer");
	const char *was = wf_case_field(c, F_OFFICERS);
	char *list;

	if (changed) {
		wf_case_set_field(c, F_ENTERED_BY, ev->by ? ev->by : "-");
		wf_case_set_field(c, F_OFFICERS, officer ? officer : "-");
	} else if (officer != NULL && !in_list(was, officer)) {
		list = xasprintf("%s,%s", was ? was : "-", officer);
		wf_case_set_field(c, F_OFFICERS, list);
		free(list);
	}
}

/* Who may record it, and whether its fields are all declared and valid. */
static int
check_event(const struct wf_eventdef *def, const struct wf_case *c,
    const struct wf_event *ev, const struct cal_set *cals, char *err,
    size_t len)
{
	const char *close;
	char why[256];

	if (def->nroles > 0 && (ev->by_role == NULL ||
	    !wf_strv_has(def->roles, def->nroles, ev->by_role))) {
		wf_strv_join(why, sizeof why, def->roles, def->nroles);
		return seterr(err, len, "%s may be recorded only by: %s",
		    def->name, why);
	}
	if (def->not_by_officer && (ev->by == NULL || *ev->by == '\0'))
		return seterr(err, len, "%s needs the staff id of who records "
		    "it", def->name);
	if (def->not_by_officer && c != NULL &&
	    (close = too_close(c, ev->by)) != NULL)
		return seterr(err, len, "%s cannot be recorded by %s (%s)",
		    def->name, close, ev->by);
	for (size_t i = 0; i < ev->nfields; i++) {
		const struct wf_field *f = &ev->fields[i];
		const struct wf_fielddef *fd = NULL;

		if (f->key == NULL || f->value == NULL)
			return seterr(err, len, "a field without a name or "
			    "value");
		for (size_t k = 0; k < def->nfields; k++)
			if (strcmp(def->fields[k].name, f->key) == 0)
				fd = &def->fields[k];
		if (fd == NULL) {
			why[0] = '\0';
			for (size_t k = 0; k < def->nfields; k++) {
				size_t l = strlen(why);

				snprintf(why + l, sizeof why - l, "%s%s",
				    k ? ", " : "", def->fields[k].name);
			}
			return seterr(err, len, "%s takes no field \"%.64s\" "
			    "(it takes: %s)", def->name, f->key,
			    *why ? why : "none");
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(ev->fields[j].key, f->key) == 0)
				return seterr(err, len, "field %s is given "
				    "twice", f->key);
		if (wf_field_check(fd, f->value, cals, why, sizeof why) == -1)
			return seterr(err, len, "%s", why);
	}
	for (size_t k = 0; k < def->nfields; k++) {
		int given = 0;

		if (!def->fields[k].required)
			continue;
		for (size_t i = 0; i < ev->nfields; i++)
			if (strcmp(ev->fields[i].key, def->fields[k].name) == 0)
				given = 1;
		if (!given)
			return seterr(err, len, "%s needs field %s", def->name,
			    def->fields[k].name);
	}
	return 0;
}

static void
close_deadline(struct wf_deadline *d, enum wf_status st, int64_t at,
    const char *by)
{
	d->status = st;
	d->closed_at = at;
	free(d->closed_by);
	d->closed_by = xstrdup(by);
}

static void
add_deadline(struct wf_case *c, const struct wf_deaddef *def,
    const char *duration, int64_t at, int64_t due)
{
	struct wf_deadline *d;

	c->deadlines = xreallocarray(c->deadlines, c->ndeadlines + 1,
	    sizeof *c->deadlines);
	d = &c->deadlines[c->ndeadlines++];
	memset(d, 0, sizeof *d);
	if (c->next_seq == 0)
		c->next_seq = 1;
	d->seq = c->next_seq++;
	d->name = xstrdup(def->name);
	d->duration = xstrdup(duration);
	d->started = at;
	d->due = due;
	d->status = WF_PENDING;
	d->pause_runs = def->pause_runs;
}

/* Due at the start of a date the case holds, in the workflow's zone. */
static int
start_at_date(const struct workflow *wf, const struct cal_set *cals,
    struct wf_case *c, const struct wf_deaddef *def, int64_t at, char *err,
    size_t len)
{
	const struct calendar *cal = cal_set_find(cals, wf->calendar);
	const char *v = wf_case_field(c, def->due_at);
	char text[32], why[160];
	int64_t due;

	if (v == NULL)
		return seterr(err, len, "deadline %s starts now and needs field "
		    "%s, which the case does not have: give it with this "
		    "event", def->name, def->due_at);
	if (cal == NULL)
		return seterr(err, len, "deadline %s: calendar %s is not "
		    "configured", def->name, wf->calendar);
	if (iso_parse(v, cal->tz, &due, why, sizeof why) == -1)
		return seterr(err, len, "deadline %s: %s", def->name, why);
	snprintf(text, sizeof text, "until %s", v);
	add_deadline(c, def, text, at, due);
	return 0;
}

/*
 * The duration line of def that holds for c, its index (def->ndur: none):
 * the first whose condition holds and which is fixed or names a field the
 * case has.  *skipped is the field of the last line passed over for want
 * of its field (NULL: none).
 */
static size_t
duration_rule(const struct wf_deaddef *def, const struct wf_case *c,
    struct duration *dur, const char **skipped)
{
	char why[160];
	const char *v;
	size_t i;

	*skipped = NULL;
	for (i = 0; i < def->ndur; i++) {
		const struct wf_durrule *r = &def->dur[i];

		if (!wf_guard_eval(r->when, c->fields, c->nfields, c->state))
			continue;
		if (r->src == D_FIXED) {
			*dur = r->d;
			break;
		}
		if ((v = wf_case_field(c, r->field)) != NULL &&
		    dur_parse(v, dur, why, sizeof why) == 0)
			break;
		*skipped = r->field;
	}
	return i;
}

/*
 * The field whose absence gives a pending deadline its workflow's
 * default duration, as the case stands (no review-interval agreed: the
 * review every 4 weeks), or NULL: what "vigilctl show" flags.
 */
const char *
wf_deadline_default(const struct workflow *wf, const struct wf_case *c,
    const struct wf_deadline *d)
{
	const struct wf_deaddef *def = wf_deaddef(wf, d->name);
	struct duration dur;
	const char *skipped;
	size_t i;

	if (def == NULL || def->due_at != NULL || d->status != WF_PENDING ||
	    (i = duration_rule(def, c, &dur, &skipped)) == def->ndur)
		return NULL;
	return def->dur[i].src == D_FIXED ? skipped : NULL;
}

static int
start_deadline(const struct workflow *wf, const struct cal_set *cals,
    struct wf_case *c, const struct wf_deaddef *def, int64_t at, char *err,
    size_t len)
{
	const struct calendar *cal;
	struct duration dur;
	char text[DUR_TEXT_MAX];
	const char *skipped;
	int64_t due;

	if (def->due_at != NULL)
		return start_at_date(wf, cals, c, def, at, err, len);
	/* The last line holds always, unless it names a field: needed. */
	if (duration_rule(def, c, &dur, &skipped) == def->ndur)
		return seterr(err, len, "deadline %s starts now and needs field "
		    "%s, which the case does not have: give it with this "
		    "event", def->name, def->dur[def->ndur - 1].field);
	if ((cal = wf_calendar(wf, cals, &dur)) == NULL)
		return seterr(err, len, "deadline %s: calendar %s is not "
		    "configured", def->name, dur.calendar[0] ? dur.calendar :
		    wf->calendar);
	if (cal_add(cal, dur.unit, dur.n, at, &due) == -1)
		return seterr(err, len, "deadline %s: %s from then falls "
		    "outside %d-%d", def->name, dur_format(&dur, text,
		    sizeof text), CAL_FIRST_YEAR, CAL_LAST_YEAR);
	add_deadline(c, def, dur_format(&dur, text, sizeof text), at, due);
	return 0;
}

/* Urgency follows the case: a flag set later makes pending SMS urgent. */
static void
set_urgency(const struct workflow *wf, struct wf_case *c)
{
	for (size_t i = 0; i < c->ndeadlines; i++) {
		struct wf_deadline *d = &c->deadlines[i];
		const struct wf_deaddef *def;

		if (d->status != WF_PENDING ||
		    (def = wf_deaddef(wf, d->name)) == NULL || def->esc == NULL)
			continue;
		d->urgent = def->esc->urgent != NULL &&
		    wf_guard_eval(def->esc->urgent, c->fields, c->nfields,
		    c->state);
	}
}

/* Does the event itself give the flag as yes? */
static int
gives_yes(const struct wf_event *ev, const char *flag)
{
	for (size_t i = 0; i < ev->nfields; i++)
		if (strcmp(ev->fields[i].key, flag) == 0)
			return strcmp(ev->fields[i].value, "yes") == 0;
	return 0;
}

/* Routes, deadlines and the state change, on the working copy. */
static int
run(const struct workflow *wf, const struct cal_set *cals, struct wf_case *c,
    const struct wf_eventdef *def, const struct wf_event *ev, int opening,
    char *err, size_t len)
{
	const struct wf_statedef *to;
	const char *target = c->state;
	char stamp[32];
	int changed;

	for (size_t i = 0; i < ev->nfields; i++)
		for (size_t k = 0; k < def->nfields; k++)
			if (strcmp(def->fields[k].name, ev->fields[i].key) == 0)
				wf_case_set_field(c, def->fields[k].store,
				    ev->fields[i].value);
	wf_stamp_format(ev->at, stamp, sizeof stamp);
	for (size_t i = 0; i < def->nstamps; i++)
		wf_case_set_field(c, def->stamps[i], stamp);
	if (def->nto > 0) {
		size_t r;

		for (r = 0; r < def->nto; r++)
			if (def->to[r].line > 0 && wf_guard_eval(def->to[r].when,
			    c->fields, c->nfields, c->state))
				break;
		if (r == def->nto)
			return seterr(err, len, "%s: no route applies",
			    def->name);
		target = def->to[r].state;
	}
	if ((to = wf_state(wf, target)) == NULL)
		return seterr(err, len, "state %s is not in workflow %s",
		    target, wf->name);
	changed = opening || strcmp(target, c->state) != 0;
	for (size_t i = 0; i < c->ndeadlines; i++) {
		struct wf_deadline *d = &c->deadlines[i];
		const struct wf_deaddef *dd = wf_deaddef(wf, d->name);

		if (d->status != WF_PENDING)
			continue;
		if (dd != NULL && wf_strv_has(dd->met_by, dd->nmet_by, def->name))
			close_deadline(d, WF_MET, ev->at, def->name);
		else if ((dd != NULL && wf_strv_has(dd->cancelled_by,
		    dd->ncancelled_by, def->name)) || (changed && to->final) ||
		    (changed && dd != NULL && dd->nstarts_in > 0 &&
		    !wf_strv_has(dd->starts_in, dd->nstarts_in, target)))
			close_deadline(d, WF_CANCELLED, ev->at, def->name);
	}
	/* target may be c->state itself. */
	if (target != c->state) {
		free(c->state);
		c->state = xstrdup(target);
		target = c->state;
	}
	for (size_t i = 0; i < wf->ndeadlines; i++) {
		const struct wf_deaddef *dd = &wf->deadlines[i];
		int in = wf_strv_has(dd->starts_in, dd->nstarts_in, target);

		if (!(changed && in) && !(wf_strv_has(dd->starts_on,
		    dd->nstarts_on, def->name) && (dd->nstarts_in == 0 || in)))
			continue;
		if (!wf_guard_eval(dd->starts_when, c->fields, c->nfields,
		    c->state) || (dd->starts_with != NULL &&
		    !gives_yes(ev, dd->starts_with)))
			continue;
		if (start_deadline(wf, cals, c, dd, ev->at, err, len) == -1)
			return -1;
	}
	if (to->final && !c->closed)
		c->closed_at = ev->at;
	else if (!to->final)
		c->closed_at = 0;	/* reopened */
	c->closed = to->final;
	c->last_event = ev->at;
	track(c, ev, changed);
	set_urgency(wf, c);
	return 0;
}

/* A new case from its "open" event; c must be empty (zeroed). */
int
wf_open(const struct workflow *wf, const struct cal_set *cals,
    struct wf_case *c, const char *ref, const struct wf_event *ev, char *err,
    size_t len)
{
	const struct wf_eventdef *def = wf_event(wf, "open");
	struct wf_case n = { 0 };

	if (c->state != NULL)
		return seterr(err, len, "case %s is already open", c->ref);
	if (ref == NULL || !valid_ref(ref))
		return seterr(err, len, "bad case reference: " VALID_REF_RULE);
	if (ev->name == NULL || strcmp(ev->name, "open") != 0)
		return seterr(err, len, "a case starts with open, not %s",
		    ev->name ? ev->name : "nothing");
	if (def == NULL)
		return seterr(err, len, "workflow %s has no open", wf->name);
	if (check_event(def, NULL, ev, cals, err, len) == -1)
		return -1;
	n.ref = xstrdup(ref);
	n.workflow = xstrdup(wf->name);
	n.version = xstrdup(wf->version);
	n.state = xstrdup("");
	n.opened = ev->at;
	n.next_seq = 1;
	if (run(wf, cals, &n, def, ev, 1, err, len) == -1) {
		wf_case_free(&n);
		return -1;
	}
	*c = n;
	return 0;
}

/* Whether an ack of which (a name, a seq, or NULL: all) is about d. */
static int
ack_covers(const struct wf_deadline *d, const char *which, unsigned long seq,
    int64_t at)
{
	if (d->status != WF_PENDING || d->due > at)
		return 0;
	return which == NULL || (seq ? d->seq == seq :
	    strcmp(d->name, which) == 0);
}

/* ack [deadline=NAME|SEQ]: stop the repeats of what is missed. */
static int
ack(struct wf_case *c, const struct wf_event *ev, char *err, size_t len)
{
	const char *which = NULL;
	unsigned long seq = 0;
	int any = 0, acked = 0;

	for (size_t i = 0; i < ev->nfields; i++) {
		if (ev->fields[i].key == NULL ||
		    strcmp(ev->fields[i].key, "deadline") != 0 || which)
			return seterr(err, len, "ack takes one field, deadline");
		which = ev->fields[i].value;
	}
	/* The escalation is about the officer: they cannot silence it. */
	if (ev->by != NULL && wf_case_field(c, "officer") != NULL &&
	    strcmp(ev->by, wf_case_field(c, "officer")) == 0)
		return seterr(err, len, "the case's officer cannot acknowledge "
		    "its missed deadlines: their manager does");
	if (which != NULL && *which >= '0' && *which <= '9')
		seq = strtoul(which, NULL, 10);
	for (size_t i = 0; i < c->ndeadlines; i++) {
		struct wf_deadline *d = &c->deadlines[i];

		if (!ack_covers(d, which, seq, ev->at))
			continue;
		any = 1;
		if (d->acked_at == 0)
			acked = 1;
	}
	if (!any)
		return seterr(err, len, which ? "deadline %s is not missed" :
		    "nothing is missed%s", which ? which : "");
	if (!acked)
		return seterr(err, len, "already acknowledged");
	for (size_t i = 0; i < c->ndeadlines; i++) {
		struct wf_deadline *d = &c->deadlines[i];

		if (!ack_covers(d, which, seq, ev->at) || d->acked_at != 0)
			continue;
		d->acked_at = ev->at;
		d->acked_by = ev->by ? xstrdup(ev->by) : NULL;
	}
	c->last_event = ev->at;
	return 0;
}

/* On resume, every deadline stopped by the pause moves out by the pause. */
static int
resume(const struct workflow *wf, const struct cal_set *cals,
    struct wf_case *c, int64_t at, char *err, size_t len)
{
	for (size_t i = 0; i < c->ndeadlines; i++) {
		struct wf_deadline *d = &c->deadlines[i];
		const struct calendar *cal;
		struct duration dur;
		char why[160];
		int64_t amount, due;

		if (d->status != WF_PENDING || d->due <= c->paused_at ||
		    d->pause_runs)
			continue;
		if (dur_parse(d->duration, &dur, why, sizeof why) == -1 ||
		    (cal = wf_calendar(wf, cals, &dur)) == NULL)
			return seterr(err, len, "deadline %s: cannot measure "
			    "the pause on its calendar", d->name);
		amount = cal_measure(cal, dur.unit, c->paused_at, at);
		if (cal_extend(cal, dur.unit, d->due, amount, &due) == -1)
			return seterr(err, len, "deadline %s: moved out by the "
			    "pause it falls outside %d-%d", d->name,
			    CAL_FIRST_YEAR, CAL_LAST_YEAR);
		d->due = due;
	}
	c->paused_at = 0;
	return 0;
}

int
wf_apply(const struct workflow *wf, const struct cal_set *cals,
    struct wf_case *c, const struct wf_event *ev, char *err, size_t len)
{
	const struct wf_eventdef *def;
	struct wf_case n;
	char why[256];
	int is_pause, is_resume;

	if (c->state == NULL)
		return seterr(err, len, "the case is not open");
	if (ev->name == NULL)
		return seterr(err, len, "no event");
	if (ev->at < c->last_event) {
		char a[32], b[32];

		wf_stamp_format(ev->at, a, sizeof a);
		wf_stamp_format(c->last_event, b, sizeof b);
		return seterr(err, len, "%s at %s is earlier than the case's "
		    "last event (%s)", ev->name, a, b);
	}
	if (strcmp(ev->name, "open") == 0)
		return seterr(err, len, "case %s is already open", c->ref);
	if (strcmp(ev->name, "ack") == 0) {
		wf_case_copy(&n, c);
		if (ack(&n, ev, err, len) == -1) {
			wf_case_free(&n);
			return -1;
		}
		wf_case_free(c);
		*c = n;
		return 0;
	}
	if ((def = wf_event(wf, ev->name)) == NULL)
		return seterr(err, len, "unknown event \"%.64s\" in workflow %s",
		    ev->name, wf->name);
	is_pause = strcmp(def->name, "pause") == 0;
	is_resume = strcmp(def->name, "resume") == 0;
	if (c->paused_at != 0 && !def->while_paused)
		return seterr(err, len, is_pause ? "the case is already paused" :
		    "the case is paused: resume it before %s", def->name);
	if (is_resume && c->paused_at == 0)
		return seterr(err, len, "the case is not paused");
	if (!wf_strv_has(def->from, def->nfrom, c->state)) {
		wf_strv_join(why, sizeof why, def->from, def->nfrom);
		return seterr(err, len, "%s is not allowed in state %s "
		    "(allowed in: %s)", def->name, c->state, why);
	}
	if (check_event(def, c, ev, cals, err, len) == -1)
		return -1;
	wf_case_copy(&n, c);
	if ((is_resume && resume(wf, cals, &n, ev->at, err, len) == -1) ||
	    run(wf, cals, &n, def, ev, 0, err, len) == -1) {
		wf_case_free(&n);
		return -1;
	}
	if (is_pause)
		n.paused_at = ev->at;
	wf_case_free(c);
	*c = n;
	return 0;
}

/* Move a case to another workflow or version; its deadlines go along. */
int
wf_migrate(const struct workflow *wf, struct wf_case *c, int64_t at,
    char *err, size_t len)
{
	if (c->state == NULL)
		return seterr(err, len, "the case is not open");
	if (at < c->last_event)
		return seterr(err, len, "migration time is earlier than the "
		    "case's last event");
	if (wf_state(wf, c->state) == NULL)
		return seterr(err, len, "state %s does not exist in workflow "
		    "%s (version %s)", c->state, wf->name, wf->version);
	for (size_t i = 0; i < c->ndeadlines; i++)
		if (c->deadlines[i].status == WF_PENDING &&
		    wf_deaddef(wf, c->deadlines[i].name) == NULL)
			return seterr(err, len, "pending deadline %s does not "
			    "exist in workflow %s (version %s)",
			    c->deadlines[i].name, wf->name, wf->version);
	free(c->workflow);
	c->workflow = xstrdup(wf->name);
	free(c->version);
	c->version = xstrdup(wf->version);
	c->last_event = at;
	return 0;
}
