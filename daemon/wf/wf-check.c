/*
 * wf-check.c: the checks that need the whole workflow at once (can a case
 * reach every state, get out of every state, meet every deadline?), and
 * the look-ups the other wf-*.c files share.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>

#include "wf-int.h"

const struct wf_statedef *
wf_state(const struct workflow *wf, const char *name)
{
	for (size_t i = 0; i < wf->nstates; i++)
		if (strcmp(wf->states[i].name, name) == 0)
			return &wf->states[i];
	return NULL;
}

const struct wf_eventdef *
wf_event(const struct workflow *wf, const char *name)
{
	for (size_t i = 0; i < wf->nevents; i++)
		if (strcmp(wf->events[i].name, name) == 0)
			return &wf->events[i];
	return NULL;
}

const struct wf_deaddef *
wf_deaddef(const struct workflow *wf, const char *name)
{
	for (size_t i = 0; i < wf->ndeadlines; i++)
		if (strcmp(wf->deadlines[i].name, name) == 0)
			return &wf->deadlines[i];
	return NULL;
}

const struct wf_setting *
wf_setting(const struct workflow *wf, const char *name)
{
	for (size_t i = 0; i < wf->nsettings; i++)
		if (strcmp(wf->settings[i].name, name) == 0)
			return &wf->settings[i];
	return NULL;
}

/* A setting a rule refers to: marked, so unused ones can be reported. */
const struct wf_setting *
wf_setting_use(const struct workflow *wf, const char *name)
{
	const struct wf_setting *s = wf_setting(wf, name);

	if (s != NULL)
		wf->settings[s - wf->settings].used = 1;
	return s;
}

const struct wf_cond *
wf_cond(const struct workflow *wf, const char *name)
{
	for (size_t i = 0; i < wf->nconds; i++)
		if (strcmp(wf->conds[i].name, name) == 0)
			return &wf->conds[i];
	return NULL;
}

/* The type of a field any event declares or stamps; "state" is built in. */
int
wf_field_type(const struct workflow *wf, const char *name, enum f_type *t)
{
	if (strcmp(name, "state") == 0) {
		*t = F_CHOICE;
		return 0;
	}
	for (size_t i = 0; i < wf->nevents; i++) {
		const struct wf_eventdef *ev = &wf->events[i];

		for (size_t f = 0; f < ev->nfields; f++)
			if (strcmp(ev->fields[f].store, name) == 0) {
				*t = ev->fields[f].type;
				return 0;
			}
		if (wf_strv_has(ev->stamps, ev->nstamps, name)) {
			*t = F_TIME;
			return 0;
		}
	}
	return -1;
}

int
wf_choice_known(const struct workflow *wf, const char *field, const char *v)
{
	if (strcmp(field, "state") == 0)
		return wf_state(wf, v) != NULL;
	for (size_t i = 0; i < wf->nevents; i++)
		for (size_t f = 0; f < wf->events[i].nfields; f++) {
			const struct wf_fielddef *fd = &wf->events[i].fields[f];

			if (strcmp(fd->store, field) == 0 &&
			    wf_strv_has(fd->choices, fd->nchoices, v))
				return 1;
		}
	return 0;
}

const char *
wf_name(const struct workflow *wf)
{
	return wf->name;
}

const char *
wf_version(const struct workflow *wf)
{
	return wf->version;
}

const char *
wf_text(const struct workflow *wf)
{
	return wf->text;
}

int
wf_has_state(const struct workflow *wf, const char *name)
{
	return wf_state(wf, name) != NULL;
}

int
wf_has_event(const struct workflow *wf, const char *name)
{
	return strcmp(name, "ack") == 0 || wf_event(wf, name) != NULL;
}

const char *
wf_deadline_title(const struct workflow *wf, const char *name)
{
	const struct wf_deaddef *d = wf_deaddef(wf, name);

	return d ? d->title : NULL;
}

const char *
wf_deadline_action(const struct workflow *wf, const char *name)
{
	const struct wf_deaddef *d = wf_deaddef(wf, name);

	return d ? d->action : NULL;
}

/*
 * Whether event takes role: one of its "role =" names, or any when it
 * names none (an unknown event takes none).
 */
int
wf_event_takes(const struct workflow *wf, const char *event, const char *role)
{
	const struct wf_eventdef *ev = wf_event(wf, event);

	return ev != NULL && role != NULL && (ev->nroles == 0 ||
	    wf_strv_has(ev->roles, ev->nroles, role));
}

/* Names into out (up to max); returns how many there are. */
size_t
wf_roles(const struct workflow *wf, const char **out, size_t max)
{
	for (size_t i = 0; i < wf->nroles && i < max; i++)
		out[i] = wf->roles[i];
	return wf->nroles;
}

size_t
wf_groups(const struct workflow *wf, const char **out, size_t max)
{
	for (size_t i = 0; i < wf->ngroups && i < max; i++)
		out[i] = wf->groups[i];
	return wf->ngroups;
}

size_t
wf_rotas(const struct workflow *wf, const struct wf_rota_ref **out)
{
	*out = wf->rotas;
	return wf->nrotas;
}

/* --- the checks ---------------------------------------------------- */

static size_t
state_index(const struct workflow *wf, const char *name)
{
	const struct wf_statedef *s = wf_state(wf, name);

	return s ? (size_t)(s - wf->states) : wf->nstates;
}

/* Where an event can leave a case: its routes, or where it was. */
static int
mark_targets(const struct workflow *wf, const struct wf_eventdef *ev,
    size_t from, char *seen)
{
	int grew = 0;
	size_t t;

	if (ev->nto == 0) {
		if (from < wf->nstates && !seen[from])
			grew = seen[from] = 1;
		return grew;
	}
	for (size_t r = 0; r < ev->nto; r++)
		if (ev->to[r].line > 0 &&
		    (t = state_index(wf, ev->to[r].state)) < wf->nstates &&
		    !seen[t])
			grew = seen[t] = 1;
	return grew;
}

/*
 * Everything reachable from the states marked in seen; with stop, not
 * through final states (a final state cancels what runs).
 */
static void
closure_stop(const struct workflow *wf, char *seen, int stop)
{
	int grew = 1;

	while (grew) {
		grew = 0;
		for (size_t e = 0; e < wf->nevents; e++) {
			const struct wf_eventdef *ev = &wf->events[e];

			for (size_t f = 0; f < ev->nfrom; f++) {
				size_t s = state_index(wf, ev->from[f]);

				if (s >= wf->nstates || !seen[s] ||
				    (stop && wf->states[s].final))
					continue;
				if (mark_targets(wf, ev, s, seen))
					grew = 1;
			}
		}
	}
}

static void
closure(const struct workflow *wf, char *seen)
{
	closure_stop(wf, seen, 0);
}

static void
check_events(const struct workflow *wf, struct diag *dg)
{
	const struct wf_eventdef *open = wf_event(wf, "open");
	const struct wf_eventdef *pause = wf_event(wf, "pause");
	const struct wf_eventdef *resume = wf_event(wf, "resume");

	if (open == NULL)
		diag_add(dg, wf->nstates ? wf->states[0].file : wf->name, 0,
		    "workflow %s has no [event open]: nothing creates a case",
		    wf->name);
	else {
		const struct wf_fielddef *f = NULL;

		if (open->nfrom > 0)
			diag_add(dg, open->file, open->line, "event open "
			    "creates the case: it takes no from");
		if (open->nto == 0)
			diag_add(dg, open->file, open->line, "event open needs "
			    "a to: the state a new case starts in");
		for (size_t i = 0; i < open->nfields; i++)
			if (strcmp(open->fields[i].name, "officer") == 0)
				f = &open->fields[i];
		if (f == NULL || f->type != F_ID || !f->required)
			diag_add(dg, open->file, open->line, "event open must "
			    "declare field officer = required id");
	}
	if ((pause == NULL) != (resume == NULL))
		diag_add(dg, pause ? pause->file : resume->file,
		    pause ? pause->line : resume->line, "events pause and "
		    "resume go together");
	if (pause != NULL && pause->while_paused)
		diag_add(dg, pause->file, pause->line, "event pause cannot be "
		    "allowed while paused");
	for (size_t i = 0; i < wf->nevents; i++) {
		const struct wf_eventdef *ev = &wf->events[i];

		if (ev != open && ev->nfrom == 0)
			diag_add(dg, ev->file, ev->line, "event %s is never "
			    "allowed: it has no from", ev->name);
		if (ev->while_paused && ev->nto > 0 && ev != resume)
			diag_add(dg, ev->file, ev->line, "event %s is allowed "
			    "while paused, so it cannot change the state",
			    ev->name);
		/* A clock the pause stops stays as it was while paused. */
		if (ev->while_paused && ev != resume)
			for (size_t d = 0; d < wf->ndeadlines; d++) {
				const struct wf_deaddef *dd = &wf->deadlines[d];

				if (!dd->pause_runs && (wf_strv_has(
				    dd->starts_on, dd->nstarts_on, ev->name) ||
				    wf_strv_has(dd->met_by, dd->nmet_by,
				    ev->name) || wf_strv_has(dd->cancelled_by,
				    dd->ncancelled_by, ev->name)))
					diag_add(dg, ev->file, ev->line, "event "
					    "%s is allowed while paused, so it "
					    "cannot start, meet or cancel "
					    "deadline %s, which a pause stops "
					    "(pause = runs would let it)",
					    ev->name, dd->name);
			}
		if (ev == resume && ev->nto > 0)
			diag_add(dg, ev->file, ev->line, "event resume cannot "
			    "change the state");
	}
}

static void
check_states(const struct workflow *wf, struct diag *dg)
{
	const struct wf_eventdef *open = wf_event(wf, "open");
	char *reach = xcalloc(wf->nstates + 1, 1);
	char *out = xcalloc(wf->nstates + 1, 1);
	int finals = 0;

	for (size_t i = 0; i < wf->nstates; i++)
		finals += wf->states[i].final;
	if (finals == 0 && wf->nstates > 0)
		diag_add(dg, wf->states[0].file, wf->states[0].line, "no state "
		    "is final = yes: a case could never be closed");
	if (open != NULL)
		mark_targets(wf, open, wf->nstates, reach);
	closure(wf, reach);
	for (size_t i = 0; i < wf->nstates; i++) {
		const struct wf_statedef *s = &wf->states[i];
		char *from;

		if (!reach[i]) {
			diag_add(dg, s->file, s->line, "state %s is unreachable: "
			    "no event leads to it from where a case opens",
			    s->name);
			continue;
		}
		if (s->final || finals == 0)
			continue;
		from = xcalloc(wf->nstates + 1, 1);
		from[i] = 1;
		closure(wf, from);
		for (size_t j = 0; j < wf->nstates; j++)
			if (from[j] && wf->states[j].final)
				out[i] = 1;
		free(from);
		if (!out[i])
			diag_add(dg, s->file, s->line, "state %s has no way out: "
			    "no events lead from it to a final state", s->name);
	}
	free(reach);
	free(out);
}

/* starts-with names a flag one of the events that start d gives. */
static void
check_starts_with(const struct workflow *wf, const struct wf_deaddef *d,
    struct diag *dg)
{
	for (size_t i = 0; i < wf->nevents; i++) {
		const struct wf_eventdef *ev = &wf->events[i];

		if (!wf_strv_has(d->starts_on, d->nstarts_on, ev->name) &&
		    d->nstarts_in == 0)
			continue;
		for (size_t f = 0; f < ev->nfields; f++)
			if (strcmp(ev->fields[f].name, d->starts_with) == 0 &&
			    ev->fields[f].type == F_FLAG)
				return;
	}
	diag_add(dg, d->file, d->line, "deadline %s: starts-with %s is not a "
	    "flag of an event that starts it", d->name, d->starts_with);
}

/* Whether some met-by event of d is allowed where d can be running. */
static void
check_deadline(const struct workflow *wf, const struct wf_deaddef *d,
    struct diag *dg)
{
	char *run = xcalloc(wf->nstates + 1, 1);
	int met = 0;

	if (d->starts_with != NULL)
		check_starts_with(wf, d, dg);
	if (d->nstarts_on == 0 && d->nstarts_in == 0)
		diag_add(dg, d->file, d->line, "deadline %s is never started "
		    "(no starts-on or starts-in)", d->name);
	if (d->nmet_by == 0)
		diag_add(dg, d->file, d->line, "deadline %s is never met (no "
		    "met-by)", d->name);
	/* It runs only in its starts-in states, when it has any. */
	for (size_t i = 0; i < d->nstarts_in; i++) {
		size_t s = state_index(wf, d->starts_in[i]);

		if (s < wf->nstates)
			run[s] = 1;
	}
	for (size_t i = 0; i < d->nstarts_on && d->nstarts_in == 0; i++) {
		const struct wf_eventdef *ev = wf_event(wf, d->starts_on[i]);

		if (ev == NULL)
			continue;
		if (ev->nto > 0)
			mark_targets(wf, ev, wf->nstates, run);
		else
			for (size_t f = 0; f < ev->nfrom; f++) {
				size_t s = state_index(wf, ev->from[f]);

				if (s < wf->nstates)
					run[s] = 1;
			}
	}
	/* Until a final state cancels it (unless it started there). */
	if (d->nstarts_in == 0) {
		char *fin = xcalloc(wf->nstates + 1, 1);

		for (size_t s = 0; s < wf->nstates; s++)
			fin[s] = run[s] && wf->states[s].final;
		closure_stop(wf, run, 1);
		for (size_t s = 0; s < wf->nstates; s++)
			if (wf->states[s].final && !fin[s] && run[s])
				run[s] = 0;
		free(fin);
	}
	for (size_t m = 0; m < d->nmet_by && !met; m++) {
		const struct wf_eventdef *ev = wf_event(wf, d->met_by[m]);

		for (size_t f = 0; ev != NULL && f < ev->nfrom; f++) {
			size_t s = state_index(wf, ev->from[f]);

			if (s < wf->nstates && run[s])
				met = 1;
		}
	}
	if (d->nmet_by > 0 && (d->nstarts_on > 0 || d->nstarts_in > 0) && !met)
		diag_add(dg, d->file, d->line, "deadline %s is never met: none "
		    "of its met-by events is allowed in a state where it runs",
		    d->name);
	free(run);
}

void
wf_check(const struct workflow *wf, struct diag *dg)
{
	check_events(wf, dg);
	check_states(wf, dg);
	for (size_t i = 0; i < wf->ndeadlines; i++)
		check_deadline(wf, &wf->deadlines[i], dg);
}
