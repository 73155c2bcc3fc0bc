/*
 * report.c: the figures the procedures promise their boards, by month and
 * by team, officer or workflow, for the cases the asker may see:
 *
 *	reported	cases opened in the month
 *	open		cases open at the month's end
 *	first contact	for the month's new cases whose first deadline (the
 *			initial contact in every shipped workflow) was met:
 *			hours from opening, median, 90th percentile, worst
 *	deadlines	due in the month: met on time, met late, missed (not
 *			met, or stopped once overdue), and the share on time;
 *			and for the whole period, the same for each deadline
 *	escalations	escalation steps (level 1 and up) that sent messages
 *	acknowledged	overdue deadlines acknowledged, and the median hours
 *			from due to acknowledgement
 *
 * Percentiles are nearest-rank.  Months are the default calendar's.  The
 * figures come from the cases, deadlines and escalation steps the event
 * log made, and for cases retention has purged from the figures kept at
 * the purge (report-keep.c), so a past period reads the same whenever it
 * is asked for.  Both go through the same count_*() functions.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vigild.h"

#define REPORT_MONTHS_MAX	24

/* One group's figures for one month. */
struct cell {
	int64_t	 reported, open;
	int64_t	*contact;		/* seconds, one per case */
	size_t	 ncontact;
	int64_t	 due, on_time, late, missed, escalations, acked;
	int64_t	*ack;			/* seconds from due */
	size_t	 nack;
};

/* One deadline's outcomes over the whole period. */
struct owed {
	char	*name;			/* the deadline's */
	char	*workflow;		/* one it was seen in, for its title */
	int64_t	 on_time, late, missed;
};

struct group {
	char	*name;
	struct cell months[REPORT_MONTHS_MAX + 1];	/* the last: total */
	struct owed *owed;		/* by deadline, as met */
	size_t	 nowed;
};

struct report {
	struct vigild *vd;
	const char *by;			/* NULL: one group, "all" */
	int64_t	 start[REPORT_MONTHS_MAX + 1];	/* month i is [start[i],
						 * start[i + 1]) */
	char	 label[REPORT_MONTHS_MAX][8];	/* "2026-01" */
	int	 nmonths;
	struct group *groups;
	size_t	 ngroups;
	int64_t	 now;
};

static void
push(int64_t **v, size_t *n, int64_t x)
{
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = x;
}

/* The group a case belongs to, made on first sight. */
static struct group *
group_of(struct report *r, const char *officer, const char *workflow)
{
	const struct staff_person *p = officer ? staff_find(r->vd->cfg->staff,
	    officer) : NULL;
	const char *name = "all";

	if (r->by != NULL && strcmp(r->by, "team") == 0)
		name = p && p->team ? p->team : "no team";
	else if (r->by != NULL && strcmp(r->by, "officer") == 0)
		name = officer ? officer : "no officer";
	else if (r->by != NULL)
		name = workflow;
	for (size_t i = 0; i < r->ngroups; i++)
		if (strcmp(r->groups[i].name, name) == 0)
			return &r->groups[i];
	r->groups = xreallocarray(r->groups, r->ngroups + 1, sizeof *r->groups);
	memset(&r->groups[r->ngroups], 0, sizeof *r->groups);
	r->groups[r->ngroups].name = xstrdup(name);
	return &r->groups[r->ngroups++];
}

/* "YYYY-MM" into a year and month; -1 if it is not one. */
static int
parse_month(const char *s, int *y, int *m)
{
	char end;

	if (sscanf(s, "%4d-%2d%c", y, m, &end) != 2 || strlen(s) != 7 ||
	    *y < 1970 || *y > 2199 || *m < 1 || *m > 12)
		return -1;
	return 0;
}

/* The month t falls in: -1 before the period, nmonths after it. */
static int
month_of(const struct report *r, int64_t t)
{
	int i = 0;

	if (t < r->start[0])
		return -1;
	while (i < r->nmonths && t >= r->start[i + 1])
		i++;
	return i;
}

/* The same for a month named YYYY-MM. */
static int
month_named(const struct report *r, const char *month)
{
	int y, m, y0, m0, i;

	if (parse_month(month, &y, &m) == -1 ||
	    parse_month(r->label[0], &y0, &m0) == -1)
		return -1;
	i = (y - y0) * 12 + m - m0;
	return i < 0 ? -1 : i > r->nmonths ? r->nmonths : i;
}

static int
in_period(const struct report *r, int m)
{
	return m >= 0 && m < r->nmonths;
}

/* Both the month's cell and the total's. */
#define EACH(g, m, c) \
	for (struct cell *c = &(g)->months[m], *c##_end = \
	    &(g)->months[REPORT_MONTHS_MAX]; c != NULL; \
	    c = c == c##_end ? NULL : c##_end)

/* n cases opened in month opened, closed in month closed (nmonths: open). */
static void
count_case(struct report *r, struct group *g, int opened, int closed,
    int64_t n)
{
	for (int i = 0; i < r->nmonths; i++)
		if (opened <= i && closed > i)
			g->months[i].open += n;
	if (in_period(r, opened))
		EACH(g, opened, c)
			c->reported += n;
}

/* n first contacts made secs after their cases opened, in month m. */
static void
count_contact(struct report *r, struct group *g, int m, int64_t secs,
    int64_t n)
{
	if (in_period(r, m))
		EACH(g, m, c)
			for (int64_t i = 0; i < n; i++)
				push(&c->contact, &c->ncontact, secs);
}

static void
on_case(void *arg, const struct store_report_case *k)
{
	struct report *r = arg;
	struct group *g = group_of(r, k->officer, k->workflow);
	int m = month_of(r, k->opened);

	count_case(r, g, m, k->closed_at == 0 ? r->nmonths :
	    month_of(r, k->closed_at), 1);
	if (k->first_status == WF_MET)
		count_contact(r, g, m, k->first_closed_at - k->opened, 1);
}

/* How kept_figures names each outcome. */
const char *const report_outcome_name[REPORT_OUTCOMES] = {
	[REPORT_ON_TIME] = "on_time", [REPORT_LATE] = "late",
	[REPORT_MISSED] = "missed", [REPORT_NOT_OWED] = "not_owed",
};

/*
 * How a deadline due in a period came out, as of now: met on time, late,
 * missed, or not counted (stopped before it was due: no longer owed; not
 * due yet; or still running when its case was paused, which stops it
 * unless it is one a pause does not stop, as list and status count it).
 */
enum report_outcome
report_outcome(const struct store_report_deadline *d, int64_t now)
{
	if (d->status == WF_CANCELLED && d->closed_at < d->due)
		return REPORT_NOT_OWED;
	if (d->status == WF_MET)
		return d->closed_at <= d->due ? REPORT_ON_TIME : REPORT_LATE;
	if (d->paused_at != 0 && d->due > d->paused_at && !d->pause_runs)
		return REPORT_NOT_OWED;
	return d->due <= now ? REPORT_MISSED : REPORT_NOT_OWED;
}

/*
 * A group's tally for one deadline, made on first sight; its title is
 * that of the first workflow by name it is seen in, whatever the order.
 */
static struct owed *
owed_of(struct group *g, const char *name, const char *workflow)
{
	struct owed *o;

	for (size_t i = 0; i < g->nowed; i++) {
		if (strcmp((o = &g->owed[i])->name, name) != 0)
			continue;
		if (strcmp(workflow, o->workflow) < 0) {
			free(o->workflow);
			o->workflow = xstrdup(workflow);
		}
		return o;
	}
	g->owed = xreallocarray(g->owed, g->nowed + 1, sizeof *g->owed);
	g->owed[g->nowed] = (struct owed){ .name = xstrdup(name),
	    .workflow = xstrdup(workflow) };
	return &g->owed[g->nowed++];
}

/* n deadlines called name, due in month m, come out as out. */
static void
count_deadline(struct report *r, struct group *g, int m, const char *name,
    const char *workflow, enum report_outcome out, int64_t n)
{
	struct owed *o;

	if (!in_period(r, m) || out == REPORT_NOT_OWED)
		return;
	o = owed_of(g, name, workflow);
	o->on_time += out == REPORT_ON_TIME ? n : 0;
	o->late += out == REPORT_LATE ? n : 0;
	o->missed += out == REPORT_MISSED ? n : 0;
	EACH(g, m, c) {
		c->on_time += out == REPORT_ON_TIME ? n : 0;
		c->late += out == REPORT_LATE ? n : 0;
		c->missed += out == REPORT_MISSED ? n : 0;
		c->due += n;
	}
}

/* n of them acknowledged secs after they were due. */
static void
count_ack(struct report *r, struct group *g, int m, int64_t secs, int64_t n)
{
	if (in_period(r, m))
		EACH(g, m, c)
			for (int64_t i = 0; i < n; i++, c->acked++)
				push(&c->ack, &c->nack, secs);
}

static void
count_steps(struct report *r, struct group *g, int m, int64_t n)
{
	if (in_period(r, m))
		EACH(g, m, c)
			c->escalations += n;
}

static void
on_deadline(void *arg, const struct store_report_deadline *d)
{
	struct report *r = arg;
	struct group *g = group_of(r, d->officer, d->workflow);
	int m = month_of(r, d->due);
	enum report_outcome out = report_outcome(d, r->now);

	count_deadline(r, g, m, d->name, d->workflow, out, 1);
	if (out != REPORT_NOT_OWED && d->acked_at != 0)
		count_ack(r, g, m, d->acked_at - d->due, 1);
}

static void
on_step(void *arg, const struct store_report_step *s)
{
	struct report *r = arg;

	count_steps(r, group_of(r, s->officer, s->workflow),
	    month_of(r, s->at), 1);
}

static void
on_kept_case(void *arg, const struct store_kept_case *k)
{
	struct report *r = arg;

	count_case(r, group_of(r, k->officer, k->workflow),
	    month_named(r, k->opened), month_named(r, k->closed), k->n);
}

/* Hours were kept in tenths, as they are printed: the ranks are the same. */
static void
on_kept_figure(void *arg, const struct store_kept_figure *f)
{
	struct report *r = arg;
	struct group *g = group_of(r, f->officer, f->workflow);
	int m = month_named(r, f->month);

	if (strcmp(f->figure, "contact") == 0)
		count_contact(r, g, m, f->tenths * 360, f->n);
	else if (strcmp(f->figure, "acked") == 0)
		count_ack(r, g, m, f->tenths * 360, f->n);
	else if (strcmp(f->figure, "escalation") == 0)
		count_steps(r, g, m, f->n);
	else
		for (int out = 0; out < REPORT_OUTCOMES; out++)
			if (strcmp(f->figure, report_outcome_name[out]) == 0)
				count_deadline(r, g, m, f->deadline,
				    f->workflow, out, f->n);
}

static int
cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest rank p (0 < p <= 1) of n sorted values, in hours; null if none. */
static json_t *
rank_hours(int64_t *v, size_t n, double p)
{
	size_t k;

	if (n == 0)
		return json_null();
	xqsort(v, n, sizeof *v, cmp64);
	k = (size_t)ceil(p * (double)n);
	return json_real(round((double)v[k ? k - 1 : 0] / 360.0) / 10.0);
}

/* A share in percent, or null when there is nothing to share. */
static json_t *
percent(int64_t part, int64_t whole)
{
	return whole ? json_integer((json_int_t)llround(100.0 * (double)part /
	    (double)whole)) : json_null();
}

static int
by_deadline(const void *a, const void *b)
{
	return strcmp(((const struct owed *)a)->name,
	    ((const struct owed *)b)->name);
}

/* Each deadline's outcomes over the period, by name. */
static json_t *
owed_json(struct vigild *vd, struct group *g)
{
	json_t *list = json_array();

	xqsort(g->owed, g->nowed, sizeof *g->owed, by_deadline);
	for (size_t i = 0; i < g->nowed; i++) {
		const struct owed *o = &g->owed[i];
		const struct workflow *wf = wf_set_find(vd->cfg->workflows,
		    o->workflow);
		int64_t due = o->on_time + o->late + o->missed;

		json_array_append_new(list, json_pack("{s:s, s:s, s:I, s:I, "
		    "s:I, s:I, s:o}", "deadline", o->name, "title", wf ?
		    wf_deadline_title(wf, o->name) : o->name,
		    "due", (json_int_t)due, "on_time", (json_int_t)o->on_time,
		    "late", (json_int_t)o->late, "missed", (json_int_t)o->missed,
		    "on_time_percent", percent(o->on_time, due)));
	}
	return list;
}

static json_t *
cell_json(struct cell *c)
{
	int64_t owed = c->on_time + c->late + c->missed;

	return json_pack("{s:I, s:I, s:{s:I, s:o, s:o, s:o}, "
	    "s:{s:I, s:I, s:I, s:I, s:o}, s:I, s:{s:I, s:o}}",
	    "reported", (json_int_t)c->reported, "open", (json_int_t)c->open,
	    "first_contact", "cases", (json_int_t)c->ncontact,
	    "median_hours", rank_hours(c->contact, c->ncontact, 0.5),
	    "p90_hours", rank_hours(c->contact, c->ncontact, 0.9),
	    "worst_hours", rank_hours(c->contact, c->ncontact, 1),
	    "deadlines", "due", (json_int_t)c->due,
	    "on_time", (json_int_t)c->on_time, "late", (json_int_t)c->late,
	    "missed", (json_int_t)c->missed, "on_time_percent",
	    percent(c->on_time, owed),
	    "escalations", (json_int_t)c->escalations,
	    "acknowledged", "deadlines", (json_int_t)c->acked,
	    "median_hours", rank_hours(c->ack, c->nack, 0.5));
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct group *)a)->name,
	    ((const struct group *)b)->name);
}

/* When month m of year y begins in the zone tz: midnight on the 1st. */
int64_t
report_month_start(const struct tz *tz, int y, int m)
{
	return tz_local_to_utc(tz, (int64_t)civil_days(y, m, 1) * 86400);
}

/* The months from..to as instants of the default calendar's zone. */
static int
period(struct report *r, const char *from, const char *to, char *err,
    size_t len)
{
	const struct tz *tz = r->vd->cfg->conf->default_calendar->tz;
	int y, m, ty, tm;

	if (parse_month(from, &y, &m) == -1 || parse_month(to, &ty, &tm) ==
	    -1) {
		snprintf(err, len, "from and to are months: YYYY-MM");
		return -1;
	}
	r->nmonths = (ty - y) * 12 + tm - m + 1;
	if (r->nmonths < 1 || r->nmonths > REPORT_MONTHS_MAX) {
		snprintf(err, len, "from %s to %s: 1 to %d months, the first "
		    "first", from, to, REPORT_MONTHS_MAX);
		return -1;
	}
	for (int i = 0; i <= r->nmonths; i++) {
		if (i < r->nmonths)
			snprintf(r->label[i], sizeof r->label[i], "%04d-%02d",
			    y, m);
		r->start[i] = report_month_start(tz, y, m);
		if (++m > 12) {
			m = 1;
			y++;
		}
	}
	return 0;
}

/* The period's live cases, then those purged, as the officers given see. */
static int
count_period(struct report *r, const char *officers)
{
	struct store *s = r->vd->store;
	int64_t from = r->start[0], to = r->start[r->nmonths];
	const char *first = r->label[0], *last = r->label[r->nmonths - 1];

	return store_report_cases(s, from, to, officers, on_case, r) == -1 ||
	    store_report_deadlines(s, from, to, officers, on_deadline, r) ==
	    -1 || store_report_steps(s, from, to, officers, on_step, r) == -1 ||
	    store_kept_cases(s, first, last, officers, on_kept_case, r) == -1 ||
	    store_kept_figures(s, first, last, officers, on_kept_figure, r) ==
	    -1 ? -1 : 0;
}

static void
report_free(struct report *r)
{
	for (size_t i = 0; i < r->ngroups; i++) {
		for (int m = 0; m <= REPORT_MONTHS_MAX; m++) {
			free(r->groups[i].months[m].contact);
			free(r->groups[i].months[m].ack);
		}
		for (size_t k = 0; k < r->groups[i].nowed; k++) {
			free(r->groups[i].owed[k].name);
			free(r->groups[i].owed[k].workflow);
		}
		free(r->groups[i].owed);
		free(r->groups[i].name);
	}
	free(r->groups);
}

json_t *
req_report(struct vigild *vd, const struct origin *o, struct request *r)
{
	struct report rep = { .vd = vd, .by = r->group, .now = clock_now() };
	json_t *months, *groups, *result, *reply;
	char err[256], *visible;
	int rc;

	if (r->group != NULL && strcmp(r->group, "all") == 0)
		rep.by = NULL;
	else if (r->group != NULL && strcmp(r->group, "team") != 0 &&
	    strcmp(r->group, "officer") != 0 &&
	    strcmp(r->group, "workflow") != 0)
		return req_refuse("group must be all, team, officer or "
		    "workflow");
	if (r->format != NULL && strcmp(r->format, "json") != 0 &&
	    strcmp(r->format, "html") != 0)
		return req_refuse("format must be json or html");
	if (period(&rep, r->from, r->to, err, sizeof err) == -1)
		return req_refuse("%s", err);
	visible = access_visible(vd->cfg, o->principal);
	rc = count_period(&rep, visible);
	free(visible);
	if (rc == -1) {
		report_free(&rep);
		return req_refuse_kind("unavailable", "database error: %s",
		    store_errmsg(vd->store));
	}
	if (rep.ngroups == 0) {	/* nothing at all: still a report, of zeros */
		rep.by = NULL;
		group_of(&rep, NULL, NULL);
	}
	xqsort(rep.groups, rep.ngroups, sizeof *rep.groups, by_name);
	months = json_array();
	for (int i = 0; i < rep.nmonths; i++)
		json_array_append_new(months, json_string(rep.label[i]));
	groups = json_array();
	for (size_t i = 0; i < rep.ngroups; i++) {
		json_t *cells = json_array();

		for (int m = 0; m < rep.nmonths; m++)
			json_array_append_new(cells,
			    cell_json(&rep.groups[i].months[m]));
		/* The total's "open" is at the period's end. */
		rep.groups[i].months[REPORT_MONTHS_MAX].open =
		    rep.groups[i].months[rep.nmonths - 1].open;
		json_array_append_new(groups, json_pack("{s:s, s:o, s:o, s:o}",
		    "group", rep.groups[i].name, "months", cells, "total",
		    cell_json(&rep.groups[i].months[REPORT_MONTHS_MAX]),
		    "deadlines", owed_json(vd, &rep.groups[i])));
	}
	result = json_pack("{s:s, s:s, s:s, s:o, s:o}", "from", r->from, "to",
	    r->to, "by", r->group ? r->group : "all", "months", months,
	    "groups", groups);
	report_free(&rep);
	reply = req_ok(result);
	if (r->format != NULL && strcmp(r->format, "html") == 0) {
		char *html = report_html(vd, result, NULL);

		json_object_set_new(result, "html", json_string(html));
		free(html);
	}
	return reply;
}
