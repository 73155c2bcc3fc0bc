/*
 * escalate.c: who hears about an escalation step, and how.
 *
 * The workflow names roles relative to the case (officer, line manager,
 * the manager above, a group); the staff directory says who they are and
 * how to reach them.  A role with nobody behind it (no officer, no line
 * manager, nobody on call on a rota that applies) goes to the fallback
 * group: a missed deadline never goes nowhere.  Someone away is covered
 * for (away.c).  An SMS to someone with no mobile number goes by email
 * instead.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <string.h>
#include <syslog.h>

#include "vigild.h"

struct esc_ctx {
	struct vigild *vd;
	const struct wf_case *c;
	const struct workflow *wf;
	const struct wf_step *s;
	const struct wf_deadline *d;
	const struct staff_person *officer;
	int64_t	 now;
};

static int
enqueue(struct esc_ctx *x, const char *recipient, const char *to_name,
    const char *address, enum notify_channel ch)
{
	const struct staff_person *acker = x->d->acked_by ?
	    staff_find(x->vd->cfg->staff, x->d->acked_by) : NULL;
	struct outbox_row row = {
		.kind = x->s->level == 0 ? TPL_REMINDER : TPL_ESCALATION,
		.ref = x->c->ref,
		.seq = x->s->seq,
		.level = x->s->level,
		.rep = x->s->repeat,
		.deadline = x->d->name,
		.title = wf_deadline_title(x->wf, x->d->name),
		.action = wf_deadline_action(x->wf, x->d->name),
		.due = x->d->due,
		.officer = x->officer ? x->officer->name : NULL,
		.acked_by = acker ? acker->name : x->d->acked_by,
		.acked_at = x->d->acked_at,
		.recipient = recipient,
		.to_name = to_name,
		.address = address,
		.channel = ch,
		.urgent = x->s->urgent,
	};

	return outbox_add(x->vd, &row, x->now);
}

/*
 * One person, or their cover, on the channels asked for; SMS without a
 * mobile is email.
 */
static int
to_person(struct esc_ctx *x, const struct staff_person *p, unsigned channels)
{
	const struct staff_person *meant = p;
	int away;

	p = away_cover(x->vd, meant, x->now, &away);
	if (away)
		note_add(x->vd, LOG_INFO, "case %s: %s is away; telling %s, "
		    "who covers", x->c->ref, meant->id, p->id);
	if ((channels & WF_SMS) && p->mobile == NULL) {
		log_notice("case %s: %s has no mobile number; telling them by "
		    "email", x->c->ref, p->id);
		channels = (channels & ~WF_SMS) | WF_EMAIL;
	}
	if ((channels & WF_EMAIL) &&
	    enqueue(x, p->id, p->name, p->email, NOTIFY_EMAIL) == -1)
		return -1;
	if ((channels & WF_SMS) &&
	    enqueue(x, p->id, p->name, p->mobile, NOTIFY_SMS) == -1)
		return -1;
	return 0;
}

/* A group's shared address or phone, else each of its members. */
static int
to_group(struct esc_ctx *x, const struct staff_group *g, unsigned channels)
{
	char recipient[VALID_NAME_MAX + 8];
	unsigned left = channels;

	snprintf(recipient, sizeof recipient, "group %s", g->name);
	if ((channels & WF_EMAIL) && g->email != NULL) {
		if (enqueue(x, recipient, g->name, g->email, NOTIFY_EMAIL) == -1)
			return -1;
		left &= ~WF_EMAIL;
	}
	if ((channels & WF_SMS) && g->mobile != NULL) {
		if (enqueue(x, recipient, g->name, g->mobile, NOTIFY_SMS) == -1)
			return -1;
		left &= ~WF_SMS;
	}
	for (size_t i = 0; left && i < g->nmembers; i++)
		if (to_person(x, g->members[i], left) == -1)
			return -1;
	return 0;
}

/*
 * Whoever a rota has on call at the step's own instant, so that a step
 * fired late (after a restart) goes where it should have gone then.  NULL
 * when nobody is; *off when the rota does not apply (its calendar is open).
 */
static const struct staff_person *
on_call(struct esc_ctx *x, const char *name, int *off)
{
	const struct rota *r = rota_find(x->vd->cfg->rotas, name);
	const char *id;

	*off = 0;
	if (r == NULL)		/* only an old workflow version names it */
		return NULL;
	switch (rota_on_call(r, x->s->at, &id)) {
	case ROTA_OFF:
		*off = 1;
		return NULL;
	case ROTA_ON_CALL:
		return staff_find(x->vd->cfg->staff, id);
	default:
		return NULL;
	}
}

/*
 * The outbox rows for one step, in the firing's transaction.  The outbox's
 * unique keys make a step's message to one recipient on one channel exist
 * at most once.  -1 when a row could not be written: the caller rolls the
 * firing back, so that a step never counts as fired without its messages.
 */
int
esc_step(struct vigild *vd, const struct wf_case *c, const struct workflow *wf,
    const struct wf_step *s, int64_t now)
{
	const struct staff *st = vd->cfg->staff;
	const char *officer = wf_case_field(c, "officer");
	struct esc_ctx x = { vd, c, wf, s, NULL, NULL, now };

	if ((x.d = wf_case_deadline(c, s->seq)) == NULL)
		return 0;
	x.officer = officer ? staff_find(st, officer) : NULL;
	for (size_t i = 0; i < s->nto; i++) {
		const struct wf_recipient *r = &s->to[i];
		const struct staff_person *p = NULL;
		const struct staff_group *g = NULL;
		int off;

		switch (r->kind) {
		case WF_TO_OFFICER:
			p = x.officer;
			break;
		case WF_TO_MANAGER:
			p = x.officer ? staff_manager(x.officer, r->up) : NULL;
			break;
		case WF_TO_GROUP:
			g = staff_group(st, r->group);
			break;
		case WF_TO_ROTA:
			if ((p = on_call(&x, r->rota, &off)) == NULL && off)
				continue;
			break;
		}
		if (p == NULL && g == NULL) {
			g = staff_group(st, STAFF_FALLBACK);
			if (r->kind == WF_TO_ROTA)
				log_notice("case %s: %s: nobody on call on "
				    "rota %s; telling group %s", c->ref,
				    s->deadline, r->rota, STAFF_FALLBACK);
			else
				log_notice("case %s: %s: no %s to tell; "
				    "telling group %s", c->ref, s->deadline,
				    r->kind == WF_TO_OFFICER ? "officer" :
				    r->kind == WF_TO_MANAGER ? "line manager" :
				    r->group, STAFF_FALLBACK);
		}
		if (p != NULL && to_person(&x, p, r->channels) == -1)
			return -1;
		if (p == NULL && g != NULL && to_group(&x, g, r->channels) == -1)
			return -1;
	}
	return 0;
}
