/*
 * wf-section.c: the meaning of each kind of section but escalations
 * (wf-escalation.c): [workflow], [settings], [conditions], [state],
 * [event] and [deadline], each read into the compiled workflow with its
 * problems reported at their lines.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "role.h"
#include "wf-int.h"

void
wf_load_workflow(struct ld *x, const struct raw_sec *s)
{
	struct workflow *wf = x->wf;

	for (size_t k = 0; k < s->nkv; k++) {
		const struct raw_kv *kv = &s->kv[k];

		if (!wf_ld_once(x, s, kv))
			continue;
		if (strcmp(kv->key, "name") == 0) {
			if (!wf_name_ok(kv->value))
				WF_LD_ERR(x, kv, "bad workflow name \"%s\": use "
				    "lower-case letters, digits and -", kv->value);
		} else if (strcmp(kv->key, "title") == 0) {
			free(wf->title);
			wf->title = xstrdup(kv->value);
		} else if (strcmp(kv->key, "calendar") == 0) {
			free(wf->calendar);
			wf->calendar = xstrdup(kv->value);
			if (!cal_name_ok(kv->value))
				WF_LD_ERR(x, kv, "bad calendar name \"%s\"", kv->value);
			else if (x->cals && !cal_set_find(x->cals, kv->value))
				WF_LD_ERR(x, kv, "unknown calendar \"%s\"", kv->value);
		} else if (strcmp(kv->key, "include") != 0)
			WF_LD_ERR(x, kv, "unknown setting \"%s\" in [workflow] "
			    "(expected name, title, calendar or include)",
			    kv->key);
	}
}

/* A [settings] or [conditions] line: given once, with a good name. */
static int
named(struct ld *x, const struct raw_sec *s, const struct raw_kv *kv,
    const char *what)
{
	if (!wf_ld_once(x, s, kv))
		return 0;
	if (!wf_name_ok(kv->key)) {
		WF_LD_ERR(x, kv, "bad %s name \"%s\"", what, kv->key);
		return 0;
	}
	return 1;
}

void
wf_load_settings(struct ld *x, const struct raw_sec *s)
{
	struct workflow *wf = x->wf;

	for (size_t k = 0; k < s->nkv; k++) {
		const struct raw_kv *kv = &s->kv[k];

		if (!named(x, s, kv, "setting"))
			continue;
		if (*kv->value == '\0') {
			WF_LD_ERR(x, kv, "setting %s needs a value", kv->key);
			continue;
		}
		wf->settings = xreallocarray(wf->settings, wf->nsettings + 1,
		    sizeof *wf->settings);
		wf->settings[wf->nsettings++] = (struct wf_setting){
		    xstrdup(kv->key), xstrdup(kv->value), kv->file, kv->line, 0 };
	}
}

void
wf_load_conditions(struct ld *x, const struct raw_sec *s)
{
	struct workflow *wf = x->wf;

	for (size_t k = 0; k < s->nkv; k++) {
		const struct raw_kv *kv = &s->kv[k];

		if (!named(x, s, kv, "condition"))
			continue;
		if (wf_setting(wf, kv->key) != NULL) {
			WF_LD_ERR(x, kv, "duplicate name: %s is both a setting and a "
			    "condition", kv->key);
			continue;
		}
		wf->conds = xreallocarray(wf->conds, wf->nconds + 1,
		    sizeof *wf->conds);
		wf->conds[wf->nconds++] = (struct wf_cond){ xstrdup(kv->key),
		    xstrdup(kv->value), kv->file, kv->line, 0 };
	}
}

void
wf_load_state(struct ld *x, const struct raw_sec *s)
{
	struct workflow *wf = x->wf;
	struct wf_statedef *st;

	wf->states = xreallocarray(wf->states, wf->nstates + 1,
	    sizeof *wf->states);
	st = &wf->states[wf->nstates++];
	*st = (struct wf_statedef){ xstrdup(s->name), s->file, s->line, NULL,
	    0 };
	for (size_t k = 0; k < s->nkv; k++) {
		const struct raw_kv *kv = &s->kv[k];

		if (!wf_ld_once(x, s, kv))
			continue;
		if (strcmp(kv->key, "title") == 0) {
			free(st->title);
			st->title = xstrdup(kv->value);
		} else if (strcmp(kv->key, "final") == 0)
			st->final = wf_ld_yes_no(x, kv);
		else
			WF_LD_ERR(x, kv, "unknown setting \"%s\" in [state %s] "
			    "(expected title or final)", kv->key, s->name);
	}
}

/* "required one of a, b", "number 0 to 24", "flag", "duration", "id". */
static void
field_type(struct ld *x, const struct raw_kv *kv, struct wf_fielddef *f)
{
	char *copy = xstrdup(kv->value), *p = wf_ld_trim(copy);
	long long lo, hi;
	int used;

	f->min = 0;
	f->max = 1000000;
	f->store = NULL;
	for (char *as = strstr(p, " as "); as != NULL; as = strstr(as + 1, " as "))
		if (strstr(as + 1, " as ") == NULL) {
			char *name = wf_ld_trim(as + 4);

			if (!wf_name_ok(name) || strcmp(name, "state") == 0)
				WF_LD_ERR(x, kv, "bad field name \"%s\" after as", name);
			else
				f->store = xstrdup(name);
			*as = '\0';
			break;
		}
	if (f->store == NULL)
		f->store = xstrdup(f->name);
	if (strncmp(p, "required ", 9) == 0) {
		f->required = 1;
		p = wf_ld_trim(p + 9);
	}
	if (strcmp(p, "flag") == 0)
		f->type = F_FLAG;
	else if (strcmp(p, "duration") == 0)
		f->type = F_DURATION;
	else if (strcmp(p, "id") == 0)
		f->type = F_ID;
	else if (strcmp(p, "date") == 0)
		f->type = F_DATE;
	else if (strcmp(p, "number") == 0)
		f->type = F_NUMBER;
	else if (strncmp(p, "number ", 7) == 0) {
		f->type = F_NUMBER;
		p = wf_ld_trim(p + 7);
		if (strncmp(p, "from ", 5) == 0)
			p = wf_ld_trim(p + 5);
		if (sscanf(p, "%lld to %lld%n", &lo, &hi, &used) != 2 ||
		    p[used] != '\0' || lo < 0 || hi < lo || hi > 1000000000LL)
			WF_LD_ERR(x, kv, "bad number range \"%s\": expected number "
			    "MIN to MAX, 0 <= MIN <= MAX <= 1000000000", p);
		else {
			f->min = lo;
			f->max = hi;
		}
	} else if (strncmp(p, "one of ", 7) == 0) {
		struct raw_kv tmp = *kv;

		f->type = F_CHOICE;
		tmp.value = p + 7;
		wf_ld_name_list(x, &tmp, &f->choices, &f->nchoices, "value");
		if (f->nchoices == 0)
			WF_LD_ERR(x, kv, "one of needs at least one value");
	} else
		WF_LD_ERR(x, kv, "bad field type \"%s\": expected [required] flag, "
		    "number [MIN to MAX], one of A, B, ..., duration, date or id",
		    p);
	free(copy);
}

const char *
wf_type_name(enum f_type t)
{
	static const char *const n[] = { "number", "one of", "flag",
	    "duration", "id", "time", "date" };

	return n[t];
}

void
wf_load_event(struct ld *x, const struct raw_sec *s)
{
	struct workflow *wf = x->wf;
	struct wf_eventdef *ev;

	if (strcmp(s->name, "ack") == 0) {
		diag_add(x->dg, s->file, s->line, "event ack is built in and "
		    "cannot be defined");
		return;
	}
	wf->events = xreallocarray(wf->events, wf->nevents + 1,
	    sizeof *wf->events);
	ev = &wf->events[wf->nevents++];
	memset(ev, 0, sizeof *ev);
	ev->name = xstrdup(s->name);
	ev->file = s->file;
	ev->line = s->line;
	/* Resuming is the one thing a paused case is for. */
	ev->while_paused = strcmp(s->name, "resume") == 0;
	for (size_t k = 0; k < s->nkv; k++) {
		const struct raw_kv *kv = &s->kv[k];
		const char *fname;

		if (strncmp(kv->key, "field ", 6) == 0) {
			struct wf_fielddef *f;

			fname = kv->key + 6;
			while (*fname == ' ')
				fname++;
			if (!wf_name_ok(fname) || strcmp(fname, "state") == 0) {
				WF_LD_ERR(x, kv, "bad field name \"%s\"", fname);
				continue;
			}
			if (!wf_ld_once(x, s, kv))
				continue;
			ev->fields = xreallocarray(ev->fields, ev->nfields + 1,
			    sizeof *ev->fields);
			f = &ev->fields[ev->nfields++];
			memset(f, 0, sizeof *f);
			f->name = xstrdup(fname);
			field_type(x, kv, f);
			continue;
		}
		if (strcmp(kv->key, "to") != 0 && !wf_ld_once(x, s, kv))
			continue;
		if (strcmp(kv->key, "title") == 0) {
			free(ev->title);
			ev->title = xstrdup(kv->value);
		} else if (strcmp(kv->key, "from") == 0) {
			wf_ld_name_list(x, kv, &ev->from, &ev->nfrom, "state");
		} else if (strcmp(kv->key, "to") == 0) {
			/* Routes are compiled once every field is known. */
		} else if (strcmp(kv->key, "role") == 0) {
			wf_ld_name_list(x, kv, &ev->roles, &ev->nroles, "role");
			/* Role names are the staff directory's, or what
			 * the recorder is to the case's officer. */
			for (size_t i = 0; i < ev->nroles; i++) {
				enum role r;

				if (role_parse(ev->roles[i], &r) == -1 &&
				    strcmp(ev->roles[i],
				    WF_ROLE_LINE_MANAGER) != 0 &&
				    strcmp(ev->roles[i],
				    WF_ROLE_MANAGER_ABOVE) != 0)
					WF_LD_ERR(x, kv, "unknown role \"%s\" "
					    "(expected officer, manager, "
					    "head-of-service, admin, "
					    "line-manager or manager-above)",
					    ev->roles[i]);
			}
		} else if (strcmp(kv->key, "not-by-officer") == 0) {
			ev->not_by_officer = wf_ld_yes_no(x, kv);
		} else if (strcmp(kv->key, "while-paused") == 0) {
			ev->while_paused = wf_ld_yes_no(x, kv);
		} else if (strcmp(kv->key, "stamp") == 0) {
			wf_ld_name_list(x, kv, &ev->stamps, &ev->nstamps, "field");
		} else
			WF_LD_ERR(x, kv, "unknown setting \"%s\" in [event %s] "
			    "(expected title, from, to, field NAME, role, "
			    "not-by-officer, while-paused or stamp)", kv->key,
			    s->name);
	}
}

void
wf_load_routes(struct ld *x, const struct raw_sec *s, struct wf_eventdef *ev)
{
	const struct raw_kv *last = NULL;

	for (size_t k = 0; k < s->nkv; k++) {
		const struct raw_kv *kv = &s->kv[k];
		struct wf_route *r;
		char *when, *state;

		if (strcmp(kv->key, "to") != 0)
			continue;
		state = wf_ld_trim(wf_ld_split_when(kv->value, &when));
		if (*state == '\0' && when == NULL) {
			/* "to =": stays in its state (clears a base's). */
			free(state);
			continue;
		}
		last = kv;
		ev->to = xreallocarray(ev->to, ev->nto + 1, sizeof *ev->to);
		r = &ev->to[ev->nto++];
		r->state = xstrdup(state);
		r->line = kv->line;
		r->when = NULL;
		if (wf_state(x->wf, r->state) == NULL)
			WF_LD_ERR(x, kv, "unknown state \"%s\"", r->state);
		if (when != NULL && (r->when = wf_ld_guard(x, kv, when)) == NULL)
			r->line = -kv->line;	/* broken: never taken */
		free(when);
		free(state);
	}
	if (last != NULL && strstr(last->value, " when ") != NULL)
		WF_LD_ERR(x, last, "the last \"to\" of event %s needs no \"when\": it "
		    "is where the event leads when no condition holds",
		    ev->name);
}

/* "a, b, c": events the workflow must define. */
static void
event_list(struct ld *x, const struct raw_kv *kv, char ***v, size_t *n)
{
	wf_ld_name_list(x, kv, v, n, "event");
	for (size_t i = 0; i < *n; i++)
		if (wf_event(x->wf, (*v)[i]) == NULL)
			WF_LD_ERR(x, kv, "unknown event \"%s\"", (*v)[i]);
}

void
wf_load_deadline(struct ld *x, const struct raw_sec *s)
{
	struct workflow *wf = x->wf;
	struct wf_deaddef *d;
	const struct raw_kv *esc = NULL, *lastdur = NULL, *dueat = NULL;
	const struct raw_kv *pause = NULL;

	wf->deadlines = xreallocarray(wf->deadlines, wf->ndeadlines + 1,
	    sizeof *wf->deadlines);
	d = &wf->deadlines[wf->ndeadlines++];
	memset(d, 0, sizeof *d);
	d->name = xstrdup(s->name);
	d->file = s->file;
	d->line = s->line;
	for (size_t k = 0; k < s->nkv; k++) {
		const struct raw_kv *kv = &s->kv[k];

		if (strcmp(kv->key, "duration") == 0) {
			struct wf_durrule *r;
			char *when, *text = wf_ld_split_when(kv->value, &when);
			enum f_type t;

			lastdur = kv;
			d->dur = xreallocarray(d->dur, d->ndur + 1,
			    sizeof *d->dur);
			r = &d->dur[d->ndur++];
			memset(r, 0, sizeof *r);
			r->line = kv->line;
			wf_ld_trim(text);
			if (wf_setting(wf, text) == NULL &&
			    wf_field_type(wf, text, &t) == 0) {
				if (t != F_DURATION)
					WF_LD_ERR(x, kv, "field %s is not a duration",
					    text);
				r->src = D_FIELD;
				r->field = xstrdup(text);
			} else {
				r->src = D_FIXED;
				wf_ld_duration(x, kv, text, &r->d, 0);
			}
			if (when != NULL)
				r->when = wf_ld_guard(x, kv, when);
			free(when);
			free(text);
			continue;
		}
		if (!wf_ld_once(x, s, kv))
			continue;
		if (strcmp(kv->key, "title") == 0) {
			free(d->title);
			d->title = xstrdup(kv->value);
		} else if (strcmp(kv->key, "action") == 0) {
			free(d->action);
			d->action = xstrdup(kv->value);
		} else if (strcmp(kv->key, "starts-on") == 0) {
			event_list(x, kv, &d->starts_on, &d->nstarts_on);
		} else if (strcmp(kv->key, "starts-in") == 0) {
			wf_ld_name_list(x, kv, &d->starts_in, &d->nstarts_in, "state");
			for (size_t i = 0; i < d->nstarts_in; i++)
				if (wf_state(wf, d->starts_in[i]) == NULL)
					WF_LD_ERR(x, kv, "unknown state \"%s\"",
					    d->starts_in[i]);
		} else if (strcmp(kv->key, "starts-when") == 0) {
			d->starts_when = wf_ld_guard(x, kv, kv->value);
		} else if (strcmp(kv->key, "due-at") == 0) {
			enum f_type t;

			free(d->due_at);
			d->due_at = xstrdup(kv->value);
			if (wf_field_type(wf, kv->value, &t) == -1 ||
			    t != F_DATE)
				WF_LD_ERR(x, kv, "due-at needs a date field, not "
				    "\"%s\"", kv->value);
			dueat = kv;
		} else if (strcmp(kv->key, "starts-with") == 0) {
			free(d->starts_with);
			d->starts_with = xstrdup(kv->value);
		} else if (strcmp(kv->key, "met-by") == 0) {
			event_list(x, kv, &d->met_by, &d->nmet_by);
		} else if (strcmp(kv->key, "cancelled-by") == 0) {
			event_list(x, kv, &d->cancelled_by, &d->ncancelled_by);
		} else if (strcmp(kv->key, "escalation") == 0) {
			esc = kv;
		} else if (strcmp(kv->key, "pause") == 0) {
			pause = kv;
			d->pause_runs = strcmp(kv->value, "runs") == 0;
			if (!d->pause_runs && strcmp(kv->value, "moves") != 0)
				WF_LD_ERR(x, kv, "pause must be moves (a pause "
				    "of the case stops this clock) or runs (it "
				    "does not)");
		} else
			WF_LD_ERR(x, kv, "unknown setting \"%s\" in [deadline %s] "
			    "(expected title, action, duration, due-at, "
			    "starts-on, starts-in, starts-when, starts-with, "
			    "met-by, cancelled-by, escalation or pause)",
			    kv->key, s->name);
	}
	/* A date the court or the officer set: a pause does not move it. */
	if (dueat != NULL && d->ndur > 0)
		WF_LD_ERR(x, dueat, "deadline %s has both due-at and duration: "
		    "it is due at a date or after a time, not both", s->name);
	else if (dueat != NULL && pause != NULL && !d->pause_runs)
		WF_LD_ERR(x, pause, "deadline %s is due at a date, which a "
		    "pause does not move: pause = moves cannot apply",
		    s->name);
	else if (dueat != NULL)
		d->pause_runs = 1;
	else if (d->ndur == 0)
		diag_add(x->dg, s->file, s->line, "deadline %s has no duration "
		    "(or due-at)", s->name);
	else if (d->dur[d->ndur - 1].when != NULL ||
	    strstr(lastdur->value, " when ") != NULL)
		WF_LD_ERR(x, lastdur, "the last duration of deadline %s must hold "
		    "always: no \"when\" (a field there is one the deadline "
		    "needs)", s->name);
	if (d->action == NULL || *d->action == '\0')
		diag_add(x->dg, s->file, s->line, "deadline %s has no action "
		    "(what the officer must do, for its messages)", s->name);
	if (d->title == NULL) {
		d->title = xstrdup(s->name);
		for (char *p = d->title; *p; p++)
			if (*p == '-')
				*p = ' ';
	}
	for (size_t i = 0; i < wf->nescs; i++)
		if (strcmp(wf->escs[i].name, esc ? esc->value : "default") == 0)
			d->esc = &wf->escs[i];
	if (d->esc == NULL && esc != NULL)
		WF_LD_ERR(x, esc, "unknown escalation \"%s\"", esc->value);
	else if (d->esc == NULL)
		diag_add(x->dg, s->file, s->line, "deadline %s has no "
		    "escalation: add escalation = NAME or an [escalation "
		    "default]", s->name);
}

