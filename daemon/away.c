/*
 * away.c: staff away, and who covers for them (vigilctl away).  A reminder
 * or an escalation meant for someone away goes to their cover, or the
 * cover's cover when the cover is away too; while covering, the cover sees
 * and acts on the absent person's cases (access.c asks away_covering).
 * An absence is recorded by the person, a manager above them or an
 * administrator (access.c); it is kept in the database (store-away.c) and
 * read where it matters, so a restart or a reload changes nothing.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "vigild.h"

#define AWAY_HOPS	8	/* covers of covers followed at most */
#define AWAY_LONGEST	(366 * 86400)	/* an absence, at most */

/*
 * Who hears what is meant for p at instant at: p, or whoever covers for
 * them; *away is set when that is not p.  A cover no longer in the staff
 * directory, or a circle of covers, stops at the last one found.
 */
const struct staff_person *
away_cover(struct vigild *vd, const struct staff_person *p, int64_t at,
    int *away)
{
	const struct staff_person *to = p, *next;
	struct store_away a;

	*away = 0;
	for (int hop = 0; hop < AWAY_HOPS; hop++) {
		if (store_away_of(vd->store, to->id, at, &a) != 0)
			break;
		next = staff_find(vd->cfg->staff, a.cover);
		store_away_clear(&a);
		if (next == NULL || next == p)
			break;
		to = next;
		*away = 1;
	}
	return to;
}

/* Those me covers for at instant at: up to max, how many in all. */
size_t
away_covering(struct vigild *vd, const struct staff_person *me, int64_t at,
    const struct staff_person **out, size_t max)
{
	struct store_away *v;
	size_t n, found = 0;

	if (store_aways_covered(vd->store, me->id, at, &v, &n) == -1)
		return 0;
	for (size_t i = 0; i < n; i++) {
		const struct staff_person *p = staff_find(vd->cfg->staff,
		    v[i].staff);

		if (p != NULL && found < max)
			out[found++] = p;
		store_away_clear(&v[i]);
	}
	free(v);
	return found;
}

static json_t *
away_json(struct vigild *vd, const struct store_away *a)
{
	char from[ISO_LEN], until[ISO_LEN];

	return json_pack("{s:s, s:s?, s:s, s:s, s:s, s:s?, s:s?}",
	    "staff", a->staff, "name", staff_name(vd->cfg->staff, a->staff),
	    "from", conf_time(vd->cfg->conf, a->from, from, sizeof from),
	    "until", conf_time(vd->cfg->conf, a->until, until, sizeof until),
	    "cover", a->cover, "cover_name", staff_name(vd->cfg->staff,
	    a->cover), "by", a->by);
}

/* The absences not over yet, of those the asker may record them for. */
static json_t *
away_list(struct vigild *vd, const struct origin *o, int64_t now)
{
	json_t *list = json_array();
	struct store_away *v;
	size_t n;

	if (store_aways(vd->store, now, &v, &n) == -1)
		return req_refuse_kind("unavailable", "database error");
	for (size_t i = 0; i < n; i++) {
		if (access_may_record_for(o->principal, staff_find(
		    vd->cfg->staff, v[i].staff)))
			json_array_append_new(list, away_json(vd, &v[i]));
		store_away_clear(&v[i]);
	}
	free(v);
	return req_ok(json_pack("{s:o}", "away", list));
}

static int
away_time(struct vigild *vd, const char *text, int64_t dflt, int64_t *t,
    char *err, size_t len)
{
	if (text == NULL) {
		*t = dflt;
		return 0;
	}
	return iso_parse(text, vd->cfg->conf->default_calendar->tz, t, err,
	    len);
}

/*
 * vigilctl away: with no one named, the list; with back, the absence ends;
 * else one from (now by default) until a time, with a cover.
 */
json_t *
req_away(struct vigild *vd, const struct origin *o, struct request *r)
{
	const struct staff *st = vd->cfg->staff;
	const struct staff_person *p, *cover = NULL;
	const struct staff_person *by = o->principal->by;
	struct store_away a = { 0 };
	int64_t now = clock_now();
	char err[256];
	int rc;

	if (r->staff == NULL)
		return away_list(vd, o, now);
	if ((p = staff_find(st, r->staff)) == NULL)
		return req_refuse("%s is not in the staff directory", r->staff);
	if (!access_may_record_for(o->principal, p))
		return req_refuse_kind("forbidden", "only %s, a manager above "
		    "them or an administrator may say when %s is away",
		    p->id, p->id);
	if (r->back) {
		if (store_write(vd->store) == -1 ||
		    (rc = store_away_del(vd->store, p->id)) == -1)
			return req_refuse_kind("unavailable", "database error");
		if (rc == 1)
			return req_refuse_kind("not_found", "%s is not recorded "
			    "as away", p->id);
		note_add(vd, LOG_NOTICE, "staff %s: back (recorded by %s)",
		    p->id, access_name(o->principal));
		return req_ok(json_pack("{s:s}", "staff", p->id));
	}
	if ((cover = staff_find(st, r->cover)) == NULL)
		return req_refuse("%s is not in the staff directory", r->cover);
	if (cover == p)
		return req_refuse("%s cannot cover for themselves", p->id);
	a.staff = p->id;
	a.cover = cover->id;
	a.by = by ? by->id : NULL;
	a.at = now;
	if (away_time(vd, r->from, now, &a.from, err, sizeof err) == -1 ||
	    away_time(vd, r->until, now, &a.until, err, sizeof err) == -1)
		return req_refuse("%s", err);
	if (a.until <= a.from || a.until <= now)
		return req_refuse("%s must be later than %s and than now",
		    r->until, r->from ? r->from : "the start");
	if (a.until - a.from > AWAY_LONGEST)
		return req_refuse("an absence is at most a year: record the "
		    "next one when it comes");
	if (store_write(vd->store) == -1 || store_away_put(vd->store, &a) == -1)
		return req_refuse_kind("unavailable", "database error");
	note_add(vd, LOG_NOTICE, "staff %s: away until %s, covered by %s "
	    "(recorded by %s)", p->id, r->until, cover->id,
	    access_name(o->principal));
	return req_ok(away_json(vd, &a));
}
