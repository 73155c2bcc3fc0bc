/*
 * calendar.c: working-time arithmetic.
 *
 * A calendar's working days are kept as a bitmap over 1970-2100, so finding
 * the Nth working day is a short scan and a due date costs well under a
 * microsecond.  Open hours are local clock times; each day's open intervals
 * are turned into instants through the zone, so clock changes are exact.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "calendar.h"

#define CAL_CLOSURES_MAX	(1024 * 1024)

static const char *const day_names[7] = {
	"mon", "tue", "wed", "thu", "fri", "sat", "sun"
};

/* A calendar name: lower-case letters, digits, - and _. */
int
cal_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= CAL_NAME_MAX)
		return 0;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) &&
		    *s != '-' && *s != '_')
			return 0;
	return 1;
}

struct calendar *
cal_new(const char *name)
{
	struct calendar *c = xcalloc(1, sizeof *c);

	c->name = xstrdup(name);
	c->timezone = xstrdup("Europe/London");
	c->days = 0x1f;				/* mon-fri */
	c->ranges[0] = (struct cal_range){ 9 * 3600, 17 * 3600 };
	c->nranges = 1;
	c->holidays = HOL_ENGLAND_WALES;
	return c;
}

static void
closures_free(struct calendar *c)
{
	for (size_t i = 0; i < c->nclosures; i++)
		free(c->closures[i].name);
	free(c->closures);
	c->closures = NULL;
	c->nclosures = 0;
}

void
cal_free(struct calendar *c)
{
	if (c == NULL)
		return;
	free(c->name);
	free(c->timezone);
	tz_free(c->tz);
	free(c->closures_path);
	closures_free(c);
	free(c->closed);
	free(c);
}

static int
parse_day(const char **pp)
{
	for (int i = 0; i < 7; i++) {
		if (strncasecmp(*pp, day_names[i], 3) == 0) {
			*pp += 3;
			return i;
		}
	}
	return -1;
}

/* "mon-fri", "mon,wed,fri", "mon-sat", "fri-mon". */
static int
parse_days(const char *s, uint8_t *out)
{
	const char *p = s;
	uint8_t mask = 0;
	int a, b;

	for (;;) {
		while (*p == ' ')
			p++;
		if ((a = parse_day(&p)) == -1)
			return -1;
		b = a;
		if (*p == '-') {
			p++;
			if ((b = parse_day(&p)) == -1)
				return -1;
		}
		for (int i = a;; i = (i + 1) % 7) {
			mask |= 1 << i;
			if (i == b)
				break;
		}
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		if (*p++ != ',')
			return -1;
	}
	*out = mask;
	return 0;
}

/* HH:MM, 00:00-24:00. */
static int
parse_clock(const char **pp, int32_t *out)
{
	const char *p = *pp;
	int h, m;

	if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]) ||
	    p[2] != ':' || !isdigit((unsigned char)p[3]) ||
	    !isdigit((unsigned char)p[4]))
		return -1;
	h = (p[0] - '0') * 10 + p[1] - '0';
	m = (p[3] - '0') * 10 + p[4] - '0';
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	*pp = p + 5;
	*out = h * 3600 + m * 60;
	return 0;
}

/* "09:00-12:30,13:30-17:00": ascending, not overlapping. */
static int
parse_hours(const char *s, struct calendar *c, char *err, size_t errlen)
{
	const char *p = s;
	int n = 0;

	for (;;) {
		struct cal_range r;

		while (*p == ' ')
			p++;
		if (parse_clock(&p, &r.start) == -1 || *p++ != '-' ||
		    parse_clock(&p, &r.end) == -1) {
			snprintf(err, errlen, "bad hours \"%s\": expected "
			    "HH:MM-HH:MM[,HH:MM-HH:MM...]", s);
			return -1;
		}
		if (r.end <= r.start || r.start == 86400) {
			snprintf(err, errlen, "bad hours \"%s\": each range must "
			    "end after it starts, within one day", s);
			return -1;
		}
		if (n > 0 && r.start < c->ranges[n - 1].end) {
			snprintf(err, errlen, "bad hours \"%s\": ranges must be "
			    "in order and must not overlap", s);
			return -1;
		}
		if (n == CAL_MAX_RANGES) {
			snprintf(err, errlen, "bad hours \"%s\": at most %d ranges",
			    s, CAL_MAX_RANGES);
			return -1;
		}
		c->ranges[n++] = r;
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		if (*p++ != ',') {
			snprintf(err, errlen, "bad hours \"%s\": expected a comma "
			    "between ranges", s);
			return -1;
		}
	}
	c->nranges = n;
	return 0;
}

int
cal_set_option(struct calendar *c, const char *key, const char *value,
    char *err, size_t errlen)
{
	if (strcmp(key, "timezone") == 0) {
		free(c->timezone);
		c->timezone = xstrdup(value);
	} else if (strcmp(key, "days") == 0) {
		if (parse_days(value, &c->days) == -1) {
			snprintf(err, errlen, "bad days \"%s\": expected day names "
			    "or ranges such as mon-fri or mon,wed,fri", value);
			return -1;
		}
	} else if (strcmp(key, "hours") == 0) {
		return parse_hours(value, c, err, errlen);
	} else if (strcmp(key, "holidays") == 0) {
		if (hol_region_parse(value, &c->holidays) == -1) {
			snprintf(err, errlen, "bad holidays \"%s\": expected "
			    "england-and-wales, scotland, northern-ireland or none",
			    value);
			return -1;
		}
	} else if (strcmp(key, "closures") == 0) {
		free(c->closures_path);
		c->closures_path = *value ? xstrdup(value) : NULL;
	} else {
		snprintf(err, errlen, "unknown calendar setting \"%s\" (expected "
		    "timezone, days, hours, holidays or closures)", key);
		return -1;
	}
	return 0;
}

static void
closure_add(struct calendar *c, int32_t day, int removed, const char *name)
{
	if ((c->nclosures & (c->nclosures - 1)) == 0)
		c->closures = xreallocarray(c->closures,
		    c->nclosures ? c->nclosures * 2 : 8, sizeof *c->closures);
	c->closures[c->nclosures++] = (struct cal_closure){ day, removed,
	    name && *name ? xstrdup(name) : NULL };
}

static int
is_holiday(const struct calendar *c, int32_t day)
{
	struct holiday h[HOL_MAX_PER_YEAR];
	int y, m, d;
	size_t n;

	civil_from_days(day, &y, &m, &d);
	n = hol_year(c->holidays, y, h, nitems(h));
	for (size_t i = 0; i < n; i++)
		if (h[i].day == day)
			return 1;
	return 0;
}

/* Whether the closures read so far leave this day closed. */
static int
is_closure(const struct calendar *c, int32_t day)
{
	int closed = 0;

	for (size_t i = 0; i < c->nclosures; i++)
		if (c->closures[i].day == day)
			closed = !c->closures[i].removed;
	return closed;
}

/*
 * One date a line, optionally followed by a name, or "not DATE" to work on a
 * holiday; '#' starts a comment.
 */
static int
read_closures(struct calendar *c, const char *path, struct diag *dg)
{
	char *line = NULL, err[160];
	size_t cap = 0;
	int lineno = 0, bad = 0;
	struct stat st;
	ssize_t len;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		diag_add(dg, path, 0, "cannot open closures file: %s",
		    strerror(errno));
		return -1;
	}
	/* Not a device or a pipe: a typo must not hang or eat the daemon. */
	if (fstat(fileno(fp), &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > CAL_CLOSURES_MAX) {
		diag_add(dg, path, 0, "closures file must be a regular file of "
		    "at most %d bytes", CAL_CLOSURES_MAX);
		fclose(fp);
		return -1;
	}
	while ((len = getline(&line, &cap, fp)) != -1) {
		char *p = line, *hash, *name;
		int removed = 0;
		int32_t day;
		int64_t t;

		lineno++;
		if ((hash = strchr(p, '#')) != NULL)
			*hash = '\0';
		while (isspace((unsigned char)*p))
			p++;
		for (char *e = p + strlen(p); e > p && isspace((unsigned char)e[-1]);)
			*--e = '\0';
		if (*p == '\0')
			continue;
		if (strncmp(p, "not", 3) == 0 && isspace((unsigned char)p[3])) {
			removed = 1;
			for (p += 3; isspace((unsigned char)*p); p++)
				;
		}
		for (name = p; *name && !isspace((unsigned char)*name); name++)
			;
		if (*name) {
			*name++ = '\0';
			while (isspace((unsigned char)*name))
				name++;
		}
		if (strlen(p) != 10 || iso_parse(p, c->tz, &t, err, sizeof err) == -1) {
			diag_add(dg, path, lineno, "bad date \"%s\": expected "
			    "YYYY-MM-DD or \"not YYYY-MM-DD\"", p);
			bad = 1;
			continue;
		}
		day = (int32_t)floor_div(t + tz_offset(c->tz, t), 86400);
		if (day < 0 || day >= CAL_END_DAY) {
			diag_add(dg, path, lineno, "%s is outside %d-%d", p,
			    CAL_FIRST_YEAR, CAL_LAST_YEAR);
			bad = 1;
			continue;
		}
		/* A "not" that changes nothing is a mistake worth a word. */
		if (removed && !(c->days & (1 << civil_weekday(day)))) {
			diag_add(dg, path, lineno, "\"not %s\": that day is a "
			    "%s, not a working day of calendar %s", p,
			    civil_weekday_names[civil_weekday(day)], c->name);
			bad = 1;
			continue;
		}
		if (removed && !is_holiday(c, day) && !is_closure(c, day)) {
			diag_add(dg, path, lineno, "\"not %s\": that day is not "
			    "a holiday or a closure of calendar %s", p, c->name);
			bad = 1;
			continue;
		}
		closure_add(c, day, removed, name);
	}
	free(line);
	fclose(fp);
	return bad ? -1 : 0;
}

static void
set_closed(struct calendar *c, int32_t day, int closed)
{
	if (day < 0 || day >= CAL_END_DAY)
		return;
	if (closed)
		c->closed[day / 8] |= 1 << (day % 8);
	else
		c->closed[day / 8] &= ~(1 << (day % 8));
}

/*
 * Load the zone and closures and build the working-day bitmap.  A holiday on
 * a day the calendar works (a Saturday for a mon-sat calendar) closes that day
 * as well as its substitute.  Problems go to dg against file:line, the place
 * the calendar was defined.
 */
int
cal_prepare(struct calendar *c, const char *basedir, struct diag *dg,
    const char *file)
{
	int line = c->line;
	char err[256];
	int ok = 0;

	c->day_secs = 0;
	for (int i = 0; i < c->nranges; i++)
		c->day_secs += c->ranges[i].end - c->ranges[i].start;
	if (c->days == 0 || c->nranges == 0) {
		diag_add(dg, file, line, "calendar %s has no working time", c->name);
		ok = -1;
	}
	/* Prepared again (a reload): read the closures afresh. */
	closures_free(c);
	tz_free(c->tz);
	if ((c->tz = tz_load(c->timezone, err, sizeof err)) == NULL) {
		diag_add(dg, file, line, "calendar %s: %s", c->name, err);
		return -1;
	}
	if (c->closures_path != NULL) {
		char *path = c->closures_path[0] == '/' || basedir == NULL ?
		    xstrdup(c->closures_path) :
		    xasprintf("%s/%s", basedir, c->closures_path);

		if (read_closures(c, path, dg) == -1)
			ok = -1;
		free(path);
	}
	free(c->closed);
	c->closed = xcalloc(CAL_END_DAY / 8 + 1, 1);
	/* A running weekday: civil_weekday() per day was most of a load. */
	for (int32_t day = 0, wd = civil_weekday(0); day < CAL_END_DAY; day++) {
		if (!(c->days & (1 << wd)))
			set_closed(c, day, 1);
		if (++wd == 7)
			wd = 0;
	}
	for (int y = CAL_FIRST_YEAR; y <= CAL_LAST_YEAR; y++) {
		struct holiday h[HOL_MAX_PER_YEAR];
		size_t n = hol_year(c->holidays, y, h, nitems(h));

		for (size_t i = 0; i < n; i++)
			set_closed(c, h[i].day, 1);
	}
	for (size_t i = 0; i < c->nclosures; i++) {
		const struct cal_closure *cl = &c->closures[i];

		/*
		 * "not" reopens a holiday or undoes an earlier closure;
		 * read_closures() keeps one only on a working weekday.
		 */
		set_closed(c, cl->day, !cl->removed);
	}
	return ok;
}

void
cal_set_add(struct cal_set *s, struct calendar *c)
{
	s->v = xreallocarray(s->v, s->n + 1, sizeof *s->v);
	s->v[s->n++] = c;
}

struct calendar *
cal_set_find(const struct cal_set *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i]->name, name) == 0)
			return s->v[i];
	return NULL;
}

void
cal_set_free(struct cal_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		cal_free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

/* 1 for a working day, 0 for a closed one, -1 outside 1970-2100. */
int
cal_working_day(const struct calendar *c, int32_t day)
{
	if (day < 0 || day >= CAL_END_DAY)
		return -1;
	return !(c->closed[day / 8] & (1 << (day % 8)));
}

void
cal_local(const struct calendar *c, int64_t t, int32_t *day, int32_t *secs)
{
	*day = civil_split(t + tz_offset(c->tz, t), secs);
}

static int64_t
instant(const struct calendar *c, int32_t day, int32_t secs)
{
	return tz_local_to_utc(c->tz, (int64_t)day * 86400 + secs);
}

/*
 * The open interval [*a, *b) that contains t, or else the first one after t.
 * -1 when there is none before 2101.
 */
static int
interval_from(const struct calendar *c, int64_t t, int64_t *a, int64_t *b)
{
	int32_t day, secs;
	int w;

	cal_local(c, t, &day, &secs);
	for (; (w = cal_working_day(c, day)) != -1; day++) {
		if (!w)
			continue;
		for (int k = 0; k < c->nranges; k++) {
			int64_t ra = instant(c, day, c->ranges[k].start);
			int64_t rb = instant(c, day, c->ranges[k].end);

			if (rb > t && rb > ra) {
				*a = ra;
				*b = rb;
				return 0;
			}
		}
	}
	return -1;
}

int
cal_is_open(const struct calendar *c, int64_t t)
{
	int64_t a, b;

	return interval_from(c, t, &a, &b) == 0 && a <= t;
}

/* t itself when open, else the next opening. */
int
cal_next_open(const struct calendar *c, int64_t t, int64_t *out)
{
	int64_t a, b;

	if (interval_from(c, t, &a, &b) == -1)
		return -1;
	*out = a > t ? a : t;
	return 0;
}

/* The earliest instant by which "secs" of open time after t have passed. */
static int
add_working_seconds(const struct calendar *c, int64_t t, int64_t secs,
    int64_t *out)
{
	int64_t a, b;

	if (secs <= 0) {
		*out = t;
		return 0;
	}
	for (;;) {
		if (interval_from(c, t, &a, &b) == -1)
			return -1;
		if (a < t)
			a = t;
		if (b - a >= secs) {
			*out = a + secs;
			return 0;
		}
		secs -= b - a;
		t = b;
	}
}

/*
 * The same local clock time on the Nth following working day, counted from
 * the start or, when the start is outside hours, from the next opening.  A
 * result at an opening is the same amount of working time as the close
 * before it, and "by close of Tuesday" is what people mean, so that close is
 * the answer.
 */
static int
add_working_days(const struct calendar *c, int64_t start, int64_t n,
    int64_t *out)
{
	int32_t day, secs, prev;
	int64_t s;
	int w;

	if (n <= 0) {
		*out = start;
		return 0;
	}
	if (cal_next_open(c, start, &s) == -1)
		return -1;
	cal_local(c, s, &day, &secs);
	prev = day;
	while (n > 0) {
		if ((w = cal_working_day(c, ++day)) == -1)
			return -1;
		if (w && --n > 0)
			prev = day;
	}
	for (int k = 0; k < c->nranges; k++) {
		if (secs != c->ranges[k].start)
			continue;
		if (k > 0)
			*out = instant(c, day, c->ranges[k - 1].end);
		else
			*out = instant(c, prev, c->ranges[c->nranges - 1].end);
		return 0;
	}
	*out = instant(c, day, secs);
	return 0;
}

/* The open interval (a, b] that holds t, or else the last one before t. */
static int
interval_before(const struct calendar *c, int64_t t, int64_t *a, int64_t *b)
{
	int32_t day, secs;
	int w;

	cal_local(c, t, &day, &secs);
	for (; (w = cal_working_day(c, day)) != -1; day--) {
		if (!w)
			continue;
		for (int k = c->nranges - 1; k >= 0; k--) {
			int64_t ra = instant(c, day, c->ranges[k].start);
			int64_t rb = instant(c, day, c->ranges[k].end);

			if (ra < t && rb > ra) {
				*a = ra;
				*b = rb;
				return 0;
			}
		}
	}
	return -1;
}

/* The latest instant from which "secs" of open time lead up to t. */
static int
sub_working_seconds(const struct calendar *c, int64_t t, int64_t secs,
    int64_t *out)
{
	int64_t a, b;

	if (secs <= 0) {
		*out = t;
		return 0;
	}
	for (;;) {
		if (interval_before(c, t, &a, &b) == -1)
			return -1;
		if (b > t)
			b = t;
		if (b - a >= secs) {
			*out = b - secs;
			return 0;
		}
		secs -= b - a;
		t = a;
	}
}

/* The same clock time N working days earlier, from t or the close before. */
static int
sub_working_days(const struct calendar *c, int64_t t, int64_t n, int64_t *out)
{
	int32_t day, secs;
	int64_t a, b;
	int w;

	if (n <= 0) {
		*out = t;
		return 0;
	}
	if (interval_before(c, t, &a, &b) == -1)
		return -1;
	cal_local(c, b < t ? b : t, &day, &secs);
	while (n > 0) {
		if ((w = cal_working_day(c, --day)) == -1)
			return -1;
		n -= w;
	}
	*out = instant(c, day, secs);
	return 0;
}

static int
in_range(int64_t t)
{
	return t >= 0 && t < (int64_t)CAL_END_DAY * 86400;
}

/*
 * t moved by n units, later (dir 1) or earlier (dir -1: how reminders
 * ahead of a deadline are placed); -1 when the answer falls outside
 * 1970-2100.
 */
static int
shift(const struct calendar *c, enum dur_unit u, int64_t n, int64_t t,
    int dir, int64_t *out)
{
	int32_t day, secs;
	int rc = 0;

	if (!in_range(t) || n < 0 || n > CAL_DUR_MAX)
		return -1;
	switch (u) {
	case DUR_MINUTES:
		*out = t + dir * n * 60;
		break;
	case DUR_HOURS:
		*out = t + dir * n * 3600;
		break;
	case DUR_DAYS:
	case DUR_WEEKS:
		cal_local(c, t, &day, &secs);
		*out = instant(c, day + dir * (int32_t)(u == DUR_WEEKS ? 7 * n :
		    n), secs);
		break;
	case DUR_WORKING_HOURS:
		rc = dir > 0 ? add_working_seconds(c, t, n * 3600, out) :
		    sub_working_seconds(c, t, n * 3600, out);
		break;
	case DUR_WORKING_DAYS:
		rc = dir > 0 ? add_working_days(c, t, n, out) :
		    sub_working_days(c, t, n, out);
		break;
	}
	return rc == 0 && in_range(*out) ? 0 : -1;
}

int
cal_add(const struct calendar *c, enum dur_unit u, int64_t n, int64_t start,
    int64_t *due)
{
	return shift(c, u, n, start, 1, due);
}

int
cal_sub(const struct calendar *c, enum dur_unit u, int64_t n, int64_t t,
    int64_t *out)
{
	return shift(c, u, n, t, -1, out);
}

/* A duration from start, on its own calendar ("on NAME") or on deflt. */
int
cal_due(const struct cal_set *set, const struct calendar *deflt,
    const struct duration *d, int64_t start, int64_t *due, char *err,
    size_t errlen)
{
	const struct calendar *c = deflt;
	char text[DUR_TEXT_MAX];

	if (d->calendar[0] && (c = cal_set_find(set, d->calendar)) == NULL) {
		snprintf(err, errlen, "unknown calendar \"%s\"", d->calendar);
		return -1;
	}
	if (cal_add(c, d->unit, d->n, start, due) == -1) {
		snprintf(err, errlen, "%s from that start falls outside "
		    "%d-%d", dur_format(d, text, sizeof text), CAL_FIRST_YEAR,
		    CAL_LAST_YEAR);
		return -1;
	}
	return 0;
}

/* Open seconds in [from, to). */
int64_t
cal_working_seconds(const struct calendar *c, int64_t from, int64_t to)
{
	int64_t a, b, sum = 0;

	while (from < to && interval_from(c, from, &a, &b) == 0 && a < to) {
		if (a < from)
			a = from;
		sum += (b < to ? b : to) - a;
		from = b;
	}
	return sum;
}

/*
 * How much of a unit's kind of time lies in [from, to): open seconds for the
 * working units, elapsed seconds for the others.  With cal_extend() this
 * moves a deadline out by a pause "in its own units".
 */
int64_t
cal_measure(const struct calendar *c, enum dur_unit u, int64_t from, int64_t to)
{
	if (to <= from)
		return 0;
	return dur_is_working(u) ? cal_working_seconds(c, from, to) : to - from;
}

int
cal_extend(const struct calendar *c, enum dur_unit u, int64_t t,
    int64_t amount, int64_t *out)
{
	if (!in_range(t))
		return -1;
	if (dur_is_working(u)) {
		if (add_working_seconds(c, t, amount, out) == -1)
			return -1;
	} else
		*out = t + amount;
	return in_range(*out) ? 0 : -1;
}

static void
day_add(struct cal_day *out, size_t *n, size_t max, int32_t day,
    const char *name, int substitute)
{
	if (*n < max) {
		out[*n].day = day;
		snprintf(out[*n].name, sizeof out[*n].name, "%s%s", name,
		    substitute ? " (substitute day)" : "");
		(*n)++;
	}
}

/* The closed days of a year other than the calendar's weekly days off. */
size_t
cal_closed_days(const struct calendar *c, int year, struct cal_day *out,
    size_t max)
{
	struct holiday h[HOL_MAX_PER_YEAR];
	size_t nh = hol_year(c->holidays, year, h, nitems(h)), n = 0;
	int32_t first = civil_days(year, 1, 1), last = civil_days(year + 1, 1, 1);

	for (int32_t day = first; day < last; day++) {
		int listed = 0;

		if (!(c->days & (1 << civil_weekday(day))) ||
		    cal_working_day(c, day) != 0)
			continue;
		for (size_t i = 0; i < nh; i++) {
			if (h[i].day != day)
				continue;
			day_add(out, &n, max, day, h[i].name, h[i].substitute);
			listed = 1;
		}
		for (size_t i = 0; i < c->nclosures && !listed; i++) {
			if (c->closures[i].day != day || c->closures[i].removed)
				continue;
			day_add(out, &n, max, day, c->closures[i].name ?
			    c->closures[i].name : "closure", 0);
			listed = 1;
		}
	}
	return n;
}
