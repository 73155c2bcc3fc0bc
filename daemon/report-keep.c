/*
 * report-keep.c: before retention empties a case, what the board report
 * (report.c) counts of it goes into the kept figures (store-kept.c), in
 * the purge's transaction: by the month of the default calendar's zone
 * the report counts it in, by officer and workflow, with no reference.
 * A report then reads the same over a period after a purge as before.
 * Each deadline keeps the outcome it has at the purge, and the hours the
 * tenths the report prints.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <math.h>
#include <stdio.h>

#include "vigild.h"

#define MONTH_LEN	24		/* YYYY-MM, and room for any int */

struct keep {
	struct store *store;
	const struct tz *tz;
	int64_t	 now;
	int	 rc;			/* -1 once a write failed */
};

/* Month k, counted from January of year 0, begins. */
static int64_t
start(const struct tz *tz, int k)
{
	return report_month_start(tz, k / 12, k % 12 + 1);
}

/* The month t falls in, YYYY-MM, as the report's months begin. */
static void
month(const struct tz *tz, int64_t t, char out[MONTH_LEN])
{
	int32_t secs, day = civil_split(t + tz_offset(tz, t), &secs);
	int y, m, d, k;

	civil_from_days(day, &y, &m, &d);
	k = y * 12 + m - 1;
	/* The clocks changing at midnight on a 1st: the report decides. */
	if (t < start(tz, k))
		k--;
	else if (t >= start(tz, k + 1))
		k++;
	snprintf(out, MONTH_LEN, "%04d-%02d", k / 12, k % 12 + 1);
}

/* Hours in tenths, rounded as the report rounds them. */
static int64_t
tenths(int64_t secs)
{
	return llround((double)secs / 360.0);
}

/* One more of figure f, in the month of at. */
static void
add(struct keep *k, int64_t at, struct store_kept_figure f)
{
	char m[MONTH_LEN];

	month(k->tz, at, m);
	f.month = m;
	f.n = 1;
	if (k->rc == 0)
		k->rc = store_kept_figure_add(k->store, &f);
}

static void
keep_case(void *arg, const struct store_report_case *c)
{
	struct keep *k = arg;
	char opened[MONTH_LEN], closed[MONTH_LEN];

	month(k->tz, c->opened, opened);
	month(k->tz, c->closed_at, closed);
	if (k->rc == 0)
		k->rc = store_kept_case_add(k->store, &(struct store_kept_case){
		    .opened = opened, .closed = closed, .officer = c->officer,
		    .workflow = c->workflow, .n = 1 });
	if (c->first_status == WF_MET)
		add(k, c->opened, (struct store_kept_figure){
		    .officer = c->officer, .workflow = c->workflow,
		    .figure = "contact",
		    .tenths = tenths(c->first_closed_at - c->opened) });
}

static void
keep_deadline(void *arg, const struct store_report_deadline *d)
{
	struct keep *k = arg;
	enum report_outcome out = report_outcome(d, k->now);

	/* Not owed too: the report shows the group even so. */
	add(k, d->due, (struct store_kept_figure){ .officer = d->officer,
	    .workflow = d->workflow, .figure = report_outcome_name[out],
	    .deadline = d->name });
	if (out != REPORT_NOT_OWED && d->acked_at != 0)
		add(k, d->due, (struct store_kept_figure){
		    .officer = d->officer, .workflow = d->workflow,
		    .figure = "acked",
		    .tenths = tenths(d->acked_at - d->due) });
}

static void
keep_step(void *arg, const struct store_report_step *s)
{
	add(arg, s->at, (struct store_kept_figure){ .officer = s->officer,
	    .workflow = s->workflow, .figure = "escalation" });
}

/* Keep closed case ref's figures as of now, in the caller's transaction. */
int
report_keep(struct vigild *vd, const char *ref, int64_t now)
{
	static const struct store_report_fns fns = { keep_case,
	    keep_deadline, keep_step };
	struct keep k = { vd->store, vd->cfg->conf->default_calendar->tz,
	    now, 0 };

	if (store_report_case_of(vd->store, ref, &fns, &k) == -1)
		return -1;
	return k.rc;
}
