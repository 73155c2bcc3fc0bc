/*
 * rota.c: read and check rota.ini, and say who is on call at an instant.
 *
 * Read as staff.ini is: inih hands every line to conf_sections_line(), which
 * keeps it, then build() checks each section whole, so that a calendar named
 * after the hand-overs still gives them their zone.  "on-call" is the one
 * key that may repeat.  A hand-over is a value, not a key ("mon 17:00 =
 * ..."), because inih ends a key at its first ':'.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "inifile.h"
#include "rota.h"

struct slot {				/* a weekly hand-over */
	int32_t	 at;			/* seconds into the local week (Mon) */
	char	*who;
	int	 line;
};
struct override {			/* a dated one: [from, until) */
	int64_t	 from, until;
	char	*who;
	int	 line;
};
struct rota {
	char	*name;
	const struct calendar *cal;
	int	 always;		/* hours = always */
	struct slot *slots;		/* by at */
	size_t	 nslots;
	struct override *overrides;
	size_t	 noverrides;
};
struct rota_set {
	struct rota *v;
	size_t	 n;
};

struct rota_parse {
	struct conf_sections in;	/* the file's sections, as read */
	const struct cal_set *cals;
	const struct staff *staff;
};

/* After a key outside any section. */
#define ROTA_HINT	"start with [rota NAME]"

static void problem(struct rota_parse *, int, const char *, ...)
	    VIGIL_PRINTF(3, 4);

static void
problem(struct rota_parse *p, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(p->in.dg, p->in.file, line, fmt, ap);
	va_end(ap);
}

/* "mon 17:00" (or "monday 17:00") into seconds from Monday 00:00. */
static int
weekly(const char *v, int32_t *at)
{
	static const char *const days[] = { "monday", "tuesday", "wednesday",
	    "thursday", "friday", "saturday", "sunday" };
	char day[16];
	int h, m, n = 0;

	if (sscanf(v, "%15s %2d:%2d%n", day, &h, &m, &n) != 3 ||
	    v[n] != '\0' || h < 0 || h > 23 || m < 0 || m > 59)
		return -1;
	for (int i = 0; i < 7; i++)
		if (strcasecmp(day, days[i]) == 0 ||
		    (strlen(day) == 3 && strncasecmp(day, days[i], 3) == 0)) {
			*at = i * 86400 + h * 3600 + m * 60;
			return 0;
		}
	return -1;
}

static int
slot_cmp(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	return x->at < y->at ? -1 : x->at > y->at;
}

/* A dated override: both ends local to the rota's zone, and no overlap. */
static void
dated(struct rota_parse *p, struct rota *r, const struct conf_kv *kv,
    const char *who, const char *from, const char *until)
{
	struct override c = { .line = kv->line };
	char err[128];

	if (iso_parse(from, r->cal->tz, &c.from, err, sizeof err) == -1 ||
	    iso_parse(until, r->cal->tz, &c.until, err, sizeof err) == -1) {
		problem(p, kv->line, "on-call: %s", err);
		return;
	}
	if (c.until <= c.from) {
		problem(p, kv->line, "on-call: the override ends before it "
		    "starts");
		return;
	}
	for (size_t i = 0; i < r->noverrides; i++)
		if (c.from < r->overrides[i].until &&
		    r->overrides[i].from < c.until) {
			problem(p, kv->line, "on-call: this override overlaps "
			    "the one at line %d", r->overrides[i].line);
			return;
		}
	c.who = xstrdup(who);
	r->overrides = xreallocarray(r->overrides, r->noverrides + 1,
	    sizeof *r->overrides);
	r->overrides[r->noverrides++] = c;
}

/* "ID from DAY HH:MM" or "ID from DATE HH:MM until DATE HH:MM". */
static void
on_call(struct rota_parse *p, struct rota *r, const struct conf_kv *kv)
{
	char *v = xstrdup(kv->value), *from, *until;
	struct slot s = { .line = kv->line };

	if ((from = strstr(v, " from ")) == NULL) {
		problem(p, kv->line, "on-call: expected ID from DAY HH:MM, or "
		    "ID from YYYY-MM-DD HH:MM until YYYY-MM-DD HH:MM");
		goto done;
	}
	*from = '\0';
	from += 6;
	if (p->staff != NULL && staff_find(p->staff, v) == NULL)
		problem(p, kv->line, "on-call: \"%s\" is not in the staff "
		    "directory", v);
	if ((until = strstr(from, " until ")) != NULL) {
		*until = '\0';
		if (r->cal != NULL)
			dated(p, r, kv, v, from, until + 7);
		goto done;
	}
	if (weekly(from, &s.at) == -1) {
		problem(p, kv->line, "on-call: \"%s\" is not a day and a time, "
		    "as in mon 17:00 (a dated override needs until)", from);
		goto done;
	}
	for (size_t i = 0; i < r->nslots; i++)
		if (r->slots[i].at == s.at) {
			problem(p, kv->line, "on-call: line %d hands over at "
			    "the same time", r->slots[i].line);
			goto done;
		}
	s.who = xstrdup(v);
	r->slots = xreallocarray(r->slots, r->nslots + 1, sizeof *r->slots);
	r->slots[r->nslots++] = s;
done:
	free(v);
}

static void
rota_free_one(struct rota *r)
{
	free(r->name);
	for (size_t i = 0; i < r->nslots; i++)
		free(r->slots[i].who);
	free(r->slots);
	for (size_t i = 0; i < r->noverrides; i++)
		free(r->overrides[i].who);
	free(r->overrides);
}

static void
section(struct rota_parse *p, const struct conf_section *s, struct rota *r)
{
	const struct conf_kv *kv;
	const char *cal = "default";

	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->kv[i].key, "calendar") != 0 &&
		    strcmp(s->kv[i].key, "hours") != 0 &&
		    strcmp(s->kv[i].key, "on-call") != 0)
			problem(p, s->kv[i].line, "unknown setting \"%s\" "
			    "(expected calendar, hours or on-call)",
			    s->kv[i].key);
	if ((kv = conf_kv(s, "calendar")) != NULL)
		cal = kv->value;
	if ((r->cal = cal_set_find(p->cals, cal)) == NULL)
		problem(p, kv ? kv->line : s->line, "no calendar \"%s\" in "
		    "vigil.conf", cal);
	if ((kv = conf_kv(s, "hours")) != NULL) {
		if (strcmp(kv->value, "always") == 0)
			r->always = 1;
		else if (strcmp(kv->value, "outside") != 0)
			problem(p, kv->line, "hours must be outside (while "
			    "the calendar is closed) or always");
	}
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->kv[i].key, "on-call") == 0)
			on_call(p, r, &s->kv[i]);
	if (conf_kv(s, "on-call") == NULL)
		problem(p, s->line, "[%s] has nobody on call (add on-call = "
		    "ID from DAY HH:MM)", s->name);
	xqsort(r->slots, r->nslots, sizeof *r->slots, slot_cmp);
}

static struct rota_set *
build(struct rota_parse *p, size_t before)
{
	struct rota_set *set = rota_set_new();

	for (size_t i = 0; i < p->in.n; i++) {
		const struct conf_section *s = &p->in.v[i];
		const char *name = s->name + 5;
		struct rota r = { 0 };

		if (strncmp(s->name, "rota ", 5) != 0 || !valid_name(name)) {
			problem(p, s->line, "expected [rota NAME], not [%s]",
			    s->name);
			continue;
		}
		if (rota_find(set, name) != NULL) {
			problem(p, s->line, "[%s] appears twice", s->name);
			continue;
		}
		r.name = xstrdup(name);
		section(p, s, &r);
		set->v = xreallocarray(set->v, set->n + 1, sizeof *set->v);
		set->v[set->n++] = r;
	}
	conf_sections_free(&p->in);
	if (p->in.dg->n > before) {
		rota_set_free(set);
		return NULL;
	}
	return set;
}

struct rota_set *
rota_load(const char *path, const struct cal_set *cals,
    const struct staff *staff, struct diag *dg)
{
	struct rota_parse p = { { .file = path, .dg = dg, .hint = ROTA_HINT,
	    .repeats = "on-call" }, cals, staff };
	size_t before = dg->n;

	ini_load(path, conf_sections_line, &p.in, dg);
	return build(&p, before);
}

/* The same from memory (tests): name stands for the file in messages. */
struct rota_set *
rota_load_buffer(const char *name, const char *buf, size_t len,
    const struct cal_set *cals, const struct staff *staff, struct diag *dg)
{
	struct rota_parse p = { { .file = name, .dg = dg, .hint = ROTA_HINT,
	    .repeats = "on-call" }, cals, staff };
	size_t before = dg->n;

	ini_load_buffer(name, buf, len, conf_sections_line, &p.in, dg);
	return build(&p, before);
}

struct rota_set *
rota_set_new(void)
{
	return xcalloc(1, sizeof(struct rota_set));
}

/* A rota with nobody on call outside cal's hours: when there is no file. */
void
rota_add_empty(struct rota_set *set, const char *name,
    const struct calendar *cal)
{
	set->v = xreallocarray(set->v, set->n + 1, sizeof *set->v);
	set->v[set->n++] = (struct rota){ .name = xstrdup(name), .cal = cal };
}

void
rota_set_free(struct rota_set *set)
{
	if (set == NULL)
		return;
	for (size_t i = 0; i < set->n; i++)
		rota_free_one(&set->v[i]);
	free(set->v);
	free(set);
}

const struct rota *
rota_find(const struct rota_set *set, const char *name)
{
	for (size_t i = 0; set != NULL && i < set->n; i++)
		if (strcmp(set->v[i].name, name) == 0)
			return &set->v[i];
	return NULL;
}

/*
 * Who is on call at t: a dated override if one holds, else the last weekly
 * hand-over at or before t's local time, round the week.  Local wall time,
 * so "fri 17:00" stays 17:00 across a clock change.
 */
enum rota_answer
rota_on_call(const struct rota *r, int64_t t, const char **who)
{
	int32_t day, secs, pos;
	size_t k;

	*who = NULL;
	if (!r->always && cal_is_open(r->cal, t))
		return ROTA_OFF;
	for (size_t i = 0; i < r->noverrides; i++)
		if (r->overrides[i].from <= t && t < r->overrides[i].until) {
			*who = r->overrides[i].who;
			return ROTA_ON_CALL;
		}
	if (r->nslots == 0)
		return ROTA_NOBODY;
	cal_local(r->cal, t, &day, &secs);
	pos = civil_weekday(day) * 86400 + secs;
	k = r->nslots - 1;
	for (size_t i = 0; i < r->nslots && r->slots[i].at <= pos; i++)
		k = i;
	*who = r->slots[k].who;
	return ROTA_ON_CALL;
}
