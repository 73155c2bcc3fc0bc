/*
 * duration.c: the duration language of workflows and "vigilctl calendar":
 *
 *	N minutes | N hours | N days | N weeks
 *	N working hours | N working days
 *
 * each optionally followed by "on CALENDAR".  Singular or plural, any case.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "calendar.h"

static const char *const dur_words[] = {
	[DUR_MINUTES] = "minute",
	[DUR_HOURS] = "hour",
	[DUR_DAYS] = "day",
	[DUR_WEEKS] = "week",
	[DUR_WORKING_HOURS] = "working hour",
	[DUR_WORKING_DAYS] = "working day",
};

#define DUR_EXPECTED "expected a number and then minutes, hours, days, " \
	"weeks, working hours or working days, optionally followed by " \
	"\"on CALENDAR\""

int
dur_is_working(enum dur_unit u)
{
	return u == DUR_WORKING_HOURS || u == DUR_WORKING_DAYS;
}

/*
 * Elapsed time in seconds, a day being 24 hours (no calendar to say
 * otherwise); -1 for working time or a duration on a calendar.
 */
int64_t
dur_seconds(const struct duration *d)
{
	static const int64_t unit[] = {
		[DUR_MINUTES] = 60,
		[DUR_HOURS] = 3600,
		[DUR_DAYS] = 86400,
		[DUR_WEEKS] = 7 * 86400,
	};

	if (dur_is_working(d->unit) || d->calendar[0])
		return -1;
	return d->n * unit[d->unit];
}

/* Next whitespace-separated word of s into w; returns its length. */
static size_t
word(const char **pp, char *w, size_t len)
{
	const char *p = *pp;
	size_t n = 0;

	while (isspace((unsigned char)*p))
		p++;
	while (*p && !isspace((unsigned char)*p)) {
		if (n + 1 < len)
			w[n] = *p;
		n++;
		p++;
	}
	w[n < len ? n : len - 1] = '\0';
	*pp = p;
	return n;
}

/* "hour" or "hours" (the plural s is optional), any case. */
static int
unit_is(const char *w, const char *unit)
{
	size_t n = strlen(unit);

	return strncasecmp(w, unit, n) == 0 &&
	    (w[n] == '\0' || ((w[n] == 's' || w[n] == 'S') && w[n + 1] == '\0'));
}

int
dur_parse(const char *s, struct duration *d, char *err, size_t errlen)
{
	const char *p = s, *why = DUR_EXPECTED;
	char w[CAL_NAME_MAX + 8];
	size_t n;

	memset(d, 0, sizeof *d);
	n = word(&p, w, sizeof w);
	if (n == 0 || n >= sizeof w)
		goto bad;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)w[i]))
			goto bad;
	/* Leading zeros aside, more than six digits is too many. */
	for (size_t i = 0; i < n && d->n <= CAL_DUR_MAX; i++)
		d->n = d->n * 10 + (w[i] - '0');
	if (d->n > CAL_DUR_MAX) {
		why = "the number must be at most 100000";
		goto bad;
	}
	word(&p, w, sizeof w);
	if (strcasecmp(w, "working") == 0) {
		word(&p, w, sizeof w);
		if (unit_is(w, "hour"))
			d->unit = DUR_WORKING_HOURS;
		else if (unit_is(w, "day"))
			d->unit = DUR_WORKING_DAYS;
		else {
			why = "expected \"hours\" or \"days\" after \"working\"";
			goto bad;
		}
	} else if (unit_is(w, "minute"))
		d->unit = DUR_MINUTES;
	else if (unit_is(w, "hour"))
		d->unit = DUR_HOURS;
	else if (unit_is(w, "day"))
		d->unit = DUR_DAYS;
	else if (unit_is(w, "week"))
		d->unit = DUR_WEEKS;
	else
		goto bad;
	if (word(&p, w, sizeof w) == 0)
		return 0;
	if (strcasecmp(w, "on") != 0)
		goto bad;
	n = word(&p, d->calendar, sizeof d->calendar);
	if (!cal_name_ok(d->calendar) || n >= sizeof d->calendar) {
		why = "a calendar name is lower-case letters, digits, - and _";
		goto bad;
	}
	if (word(&p, w, sizeof w) != 0)
		goto bad;
	return 0;
bad:
	snprintf(err, errlen, "bad duration \"%.80s\": %s", s, why);
	return -1;
}

char *
dur_format(const struct duration *d, char *buf, size_t len)
{
	snprintf(buf, len, "%lld %s%s%s%s", (long long)d->n, dur_words[d->unit],
	    d->n == 1 ? "" : "s", d->calendar[0] ? " on " : "", d->calendar);
	return buf;
}
