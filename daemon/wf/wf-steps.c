/*
 * wf-steps.c: every message-worthy moment of a case's pending deadlines,
 * past ones included, so the daemon can fire what is due and sleep until
 * the next.  Keys (seq, level, repeat) depend only on the case, never on
 * the time asked, so the daemon can tell what it already sent.
 *
 * Per deadline: the reminder (level 0) before the due instant, level 1 at
 * it, each further level a duration after the one before, then repeats of
 * the last level, every repeat-every, at most repeat-max times.  A reminder
 * that would fall at or before the deadline's start is left out (but for
 * one due at a date given inside its notice: inside_notice()); repeats
 * after an acknowledgement are left out; while a case is paused, deadlines
 * not yet due when it paused have no steps, but for those a pause does not
 * stop.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>

#include "wf-int.h"

struct gen {
	const struct workflow *wf;
	const struct cal_set *cals;
	const struct wf_case *c;
	struct wf_step *out;
	size_t	 max;
	size_t	 n;
};

static void
emit(struct gen *g, const struct wf_deadline *d, const struct wf_level *lv,
    int level, int repeat, int64_t at)
{
	struct wf_step s;

	memset(&s, 0, sizeof s);
	s.seq = d->seq;
	s.deadline = d->name;
	s.level = level;
	s.repeat = repeat;
	s.at = at;
	s.urgent = d->urgent;
	for (size_t i = 0; i < lv->nto; i++) {
		const struct wf_recip *r = &lv->to[i];
		unsigned ch = 0;

		for (size_t k = 0; k < r->nch; k++)
			if (wf_guard_eval(r->ch[k].when, g->c->fields,
			    g->c->nfields, g->c->state))
				ch |= r->ch[k].channel;
		if (ch == 0)
			continue;
		s.to[s.nto].kind = r->kind;
		s.to[s.nto].up = r->up;
		s.to[s.nto].group = r->group;
		s.to[s.nto].rota = r->rota;
		s.to[s.nto].channels = ch;
		s.nto++;
	}
	if (s.nto == 0)
		return;		/* nobody to tell, as the case stands */
	if (g->n < g->max)
		g->out[g->n] = s;
	g->n++;
}

static int
step_at(struct gen *g, const struct duration *dur, int64_t from, int64_t *at,
    int back)
{
	const struct calendar *cal = wf_calendar(g->wf, g->cals, dur);

	if (cal == NULL)
		return -1;
	if (back)
		return cal_sub(cal, dur->unit, dur->n, from, at);
	return cal_add(cal, dur->unit, dur->n, from, at);
}

/*
 * The reminder of a date given inside its notice (an order ending the
 * day after tomorrow), which would otherwise never come: at the next
 * working moment of a working-time reminder, or at once when that is
 * not before the date.  A duration too short for its reminder goes
 * without one.
 */
static int64_t
inside_notice(struct gen *g, const struct wf_deadline *d,
    const struct duration *reminder)
{
	const struct calendar *cal = wf_calendar(g->wf, g->cals, reminder);
	int64_t at;

	if (cal == NULL || !dur_is_working(reminder->unit) ||
	    cal_next_open(cal, d->started, &at) == -1 || at >= d->due)
		return d->started;
	return at;
}

static void
deadline_steps(struct gen *g, const struct wf_deadline *d)
{
	const struct wf_deaddef *def = wf_deaddef(g->wf, d->name);
	const struct wf_escdef *e;
	int64_t at, prev;
	int l;

	if (def == NULL || (e = def->esc) == NULL)
		return;
	if (e->has_reminder && step_at(g, &e->reminder, d->due, &at, 1) == 0) {
		if (at > d->started)
			emit(g, d, &e->level[0], 0, 0, at);
		else if (def->due_at != NULL && d->started < d->due)
			emit(g, d, &e->level[0], 0, 0, inside_notice(g, d,
			    &e->reminder));
	}
	prev = d->due;
	for (l = 1; l <= e->nlevels; l++) {
		if (l > 1 && step_at(g, &e->level[l].after, prev, &prev, 0) == -1)
			return;
		emit(g, d, &e->level[l], l, 0, prev);
	}
	if (!e->has_repeat || e->nlevels == 0)
		return;
	for (int r = 1; r <= e->repeat_max; r++) {
		if (step_at(g, &e->repeat, prev, &prev, 0) == -1)
			return;
		if (d->acked_at != 0 && prev > d->acked_at)
			return;
		emit(g, d, &e->level[e->nlevels], e->nlevels, r, prev);
	}
}

static int
cmp_step(const void *a, const void *b)
{
	const struct wf_step *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	if (x->level != y->level)
		return x->level < y->level ? -1 : 1;
	return x->repeat < y->repeat ? -1 : x->repeat > y->repeat;
}

static size_t
generate(struct gen *g)
{
	const struct wf_case *c = g->c;

	g->n = 0;
	for (size_t i = 0; i < c->ndeadlines; i++) {
		const struct wf_deadline *d = &c->deadlines[i];

		if (d->status != WF_PENDING)
			continue;
		if (c->paused_at != 0 && d->due > c->paused_at &&
		    !d->pause_runs)
			continue;	/* stopped by the pause */
		deadline_steps(g, d);
	}
	return g->n;
}

/*
 * Stores the earliest max steps, sorted by time, and returns how many
 * there are in all.
 */
size_t
wf_steps(const struct workflow *wf, const struct cal_set *cals,
    const struct wf_case *c, struct wf_step *out, size_t max)
{
	struct gen g = { wf, cals, c, out, max, 0 };
	size_t n = generate(&g);

	if (n > max) {
		g.out = xreallocarray(NULL, n, sizeof *g.out);
		g.max = n;
		generate(&g);
		xqsort(g.out, n, sizeof *g.out, cmp_step);
		if (max > 0)
			memcpy(out, g.out, max * sizeof *out);
		free(g.out);
		return n;
	}
	xqsort(out, n, sizeof *out, cmp_step);
	return n;
}
