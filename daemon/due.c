/*
 * due.c: which of a case's steps is next, and whether one still worth
 * sending: pure functions of the steps the engine computed and the
 * firings the store recorded, so the scheduler's choices are unit-tested.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include "due.h"

/* Whether the step was handled already. */
int
due_fired(const struct case_steps *cs, const struct wf_step *s)
{
	for (size_t i = 0; i < cs->ndone; i++)
		if (cs->done[i].seq == s->seq && cs->done[i].level == s->level &&
		    cs->done[i].rep == s->repeat)
			return 1;
	return 0;
}

/*
 * The earliest step not yet handled, or 0.  Steps at instant handled (0:
 * none) count as handled too: they were fired after cs was loaded.
 */
int64_t
due_next(const struct case_steps *cs, int64_t handled)
{
	int64_t next = 0;

	for (size_t i = 0; i < cs->n; i++)
		if (cs->v[i].at != handled && !due_fired(cs, &cs->v[i]) &&
		    (next == 0 || cs->v[i].at < next))
			next = cs->v[i].at;
	return next;
}

/*
 * After downtime a deadline may have several steps due at once.  A reminder
 * or a repeat is only worth sending if nothing later of the same deadline is
 * due too (no flood of stale repeats); a level is always sent, because each
 * level tells someone new.
 */
static int
superseded(const struct case_steps *cs, const struct wf_step *s, int64_t now)
{
	if (s->level != 0 && s->repeat == 0)
		return 0;
	for (size_t i = 0; i < cs->n; i++) {
		const struct wf_step *t = &cs->v[i];

		if (t->seq == s->seq && t->at > s->at && t->at <= now &&
		    (s->level == 0 || t->level == s->level))
			return 1;
	}
	return 0;
}

/* What firing the step at now does: "queued" (its messages) or
 * "superseded" (recorded, nothing sent). */
const char *
due_outcome(const struct case_steps *cs, const struct wf_step *s, int64_t now)
{
	return superseded(cs, s, now) ? "superseded" : "queued";
}
