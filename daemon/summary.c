/*
 * summary.c: the weekly summary ([summary] weekly = DAY HH:MM, in the
 * default calendar's time) to each manager and head of service with an
 * email address: the deadlines of the cases they may see that are
 * overdue, then those due in the next 7 days (each case's earliest), and
 * how many of last week's were met on time.  The facts go into the outbox
 * as one row each, keyed by the week, so each manager gets each week's
 * once: a vigild that was down at the time sends it when it starts, within
 * the week.  The template (summary.email) renders them when it goes.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>

#include "vigild.h"

#define SUMMARY_ITEMS	50		/* deadlines one summary lists */
#define WEEK		(7 * 86400)

/*
 * The latest weekly instant at or before now (day 0 = Monday, minute of
 * the day), in the zone tz.  From the local date, so a change of the
 * clocks moves nothing.
 */
int64_t
summary_last(const struct tz *tz, int day, int minute, int64_t now)
{
	int32_t secs, days = civil_split(now + tz_offset(tz, now), &secs);
	int64_t t;

	days -= (civil_weekday(days) - day + 7) % 7;
	for (int back = 0; back < 2; back++, days -= 7)
		if ((t = tz_local_to_utc(tz, (int64_t)days * 86400 +
		    minute * 60)) <= now)
			return t;
	return 0;
}

struct items {
	struct vigild *vd;
	json_t	*list;
	int64_t	 now;
	int	 overdue;		/* which list: the overdue one */
};

static void
item(void *arg, const struct store_case_row *c)
{
	struct items *x = arg;
	const struct workflow *wf = wf_set_find(x->vd->cfg->workflows,
	    c->workflow);

	/* The week's list leaves out what the overdue one has. */
	if (c->next_deadline == NULL || (!x->overdue &&
	    c->next_due <= x->now) || json_array_size(x->list) >= SUMMARY_ITEMS)
		return;
	json_array_append_new(x->list, json_pack("{s:s, s:s, s:I, s:s?}",
	    "ref", c->ref, "deadline", wf ? wf_deadline_title(wf,
	    c->next_deadline) : c->next_deadline, "due", (json_int_t)c->next_due,
	    "officer", staff_name(x->vd->cfg->staff, c->officer)));
}

struct week {
	int64_t	 now;
	int64_t	 on_time, owed;
};

static void
counted(void *arg, const struct store_report_deadline *d)
{
	struct week *w = arg;
	enum report_outcome out = report_outcome(d, w->now);

	w->owed += out != REPORT_NOT_OWED;
	w->on_time += out == REPORT_ON_TIME;
}

/* One manager's summary, as the facts its template shows. */
static char *
facts(struct vigild *vd, const struct staff_person *p, int64_t now)
{
	struct principal pr = { .kind = PR_STAFF, .person = p, .by = p };
	struct items x = { vd, json_array(), now, 1 };
	struct week w = { now, 0, 0 };
	struct store_list l = { .now = now, .by_due = 1, .until = now,
	    .overdue = 1, .limit = SUMMARY_ITEMS };
	char *visible = access_visible(vd->cfg, &pr), *text, line[128];
	json_t *j;

	l.officers = visible;
	store_case_list(vd->store, &l, item, &x);
	l.until = now + WEEK;
	l.overdue = 0;
	x.overdue = 0;
	store_case_list(vd->store, &l, item, &x);
	store_report_deadlines(vd->store, now - WEEK, now, visible, counted,
	    &w);
	free(visible);
	if (w.owed == 0)
		snprintf(line, sizeof line, "no deadlines were due");
	else
		snprintf(line, sizeof line, "%lld of %lld deadlines met on "
		    "time (%lld%%)", (long long)w.on_time, (long long)w.owed,
		    (long long)((200 * w.on_time + w.owed) / (2 * w.owed)));
	j = json_pack("{s:o, s:s}", "items", x.list, "on_time", line);
	text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return text;
}

/* Queue the summaries of the week that began at week, once each. */
static void
queue(struct vigild *vd, int64_t week)
{
	int64_t now = clock_now();
	char id[32];
	size_t n = 0;

	if (store_write(vd->store) == -1)
		return;
	snprintf(id, sizeof id, "summary %lld", (long long)week);
	for (size_t i = 0; i < staff_count(vd->cfg->staff); i++) {
		const struct staff_person *p = staff_get(vd->cfg->staff, i);
		char *text;

		if ((p->role != ROLE_MANAGER &&
		    p->role != ROLE_HEAD_OF_SERVICE) || p->email == NULL)
			continue;
		text = facts(vd, p, now);
		if (outbox_add(vd, &(struct outbox_row){ .kind = TPL_SUMMARY,
		    .action = text, .recipient = p->id, .to_name = p->name,
		    .address = p->email, .channel = NOTIFY_EMAIL, .urgent = 1,
		    .event = id }, now) == 0)
			n++;
		free(text);
	}
	log_info("summary: the week's summaries queued for %zu managers", n);
}

static void
arm(struct vigild *vd)
{
	const struct cfg *cfg = vd->cfg;
	int64_t last;

	if (cfg->summary_day < 0 || (last = summary_last(
	    cfg->conf->default_calendar->tz, cfg->summary_day,
	    cfg->summary_minute, clock_now())) == 0)
		return;
	/* This week's, if not yet (its key says); then wake for the next. */
	queue(vd, last);
	last = summary_last(cfg->conf->default_calendar->tz, cfg->summary_day,
	    cfg->summary_minute, last + WEEK + 7200);
	ev_periodic_set(&vd->summary_timer, (ev_tstamp)last, 0, NULL);
	ev_periodic_start(vd->loop, &vd->summary_timer);
}

static void
summary_cb(struct ev_loop *loop, ev_periodic *w, int revents)
{
	(void)revents;
	ev_periodic_stop(loop, w);
	arm(w->data);
}

/* At start and at a reload: send what is due, and wake for the next. */
void
summary_schedule(struct vigild *vd)
{
	ev_periodic_stop(vd->loop, &vd->summary_timer);
	ev_periodic_init(&vd->summary_timer, summary_cb, 0, 0, NULL);
	vd->summary_timer.data = vd;
	arm(vd);
}

void
summary_stop(struct vigild *vd)
{
	ev_periodic_stop(vd->loop, &vd->summary_timer);
}
