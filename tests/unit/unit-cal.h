/*
 * unit-cal.h: helpers for the calendar tests, so that each case reads as
 * the date worked out by hand: a calendar from key/value pairs, instants
 * from ISO text, results compared as ISO text with their offset.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#ifndef UNIT_CAL_H
#define UNIT_CAL_H

#include <string.h>

#include "unit.h"
#include "conf.h"

/* A prepared calendar from "key", "value", ..., NULL; aborts on a problem. */
static inline struct calendar *
ucal(const char *name, ...)
{
	struct calendar *c = cal_new(name);
	struct diag dg = { 0 };
	const char *k, *v;
	char err[256];
	va_list ap;

	va_start(ap, name);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		if (cal_set_option(c, k, v, err, sizeof err) == -1)
			ck_abort_msg("%s", err);
	}
	va_end(ap);
	if (cal_prepare(c, unit_srcdir(), &dg, "test") == -1) {
		diag_print(&dg, stderr);
		ck_abort_msg("cannot prepare calendar %s", name);
	}
	diag_clear(&dg);
	return c;
}

/* An instant from ISO text, local to the calendar without an offset. */
static inline int64_t
uat(const struct calendar *c, const char *s)
{
	char err[256];
	int64_t t;

	if (iso_parse(s, c->tz, &t, err, sizeof err) == -1)
		ck_abort_msg("%s", err);
	return t;
}

/* ISO text of an instant in the calendar's zone (a static buffer). */
static inline const char *
uiso(const struct calendar *c, int64_t t)
{
	static char buf[8][ISO_LEN];
	static int i;

	i = (i + 1) % 8;
	return iso_format(t, c->tz, buf[i], sizeof buf[i]);
}

/* cal_add from "from" by "duration" text, as ISO text (or "ERROR"). */
static inline const char *
udue(const struct calendar *c, const char *from, const char *duration)
{
	struct cal_set set = { 0 };
	struct duration d;
	char err[256];
	int64_t due;

	if (dur_parse(duration, &d, err, sizeof err) == -1)
		ck_abort_msg("%s", err);
	cal_set_add(&set, (struct calendar *)c);
	if (cal_due(&set, c, &d, uat(c, from), &due, err, sizeof err) == -1) {
		free(set.v);
		return "ERROR";
	}
	free(set.v);
	return uiso(c, due);
}

/* cal_sub of "n unit" before "t", as ISO text (or "ERROR"). */
static inline const char *
ubefore(const struct calendar *c, const char *t, enum dur_unit u, int64_t n)
{
	int64_t out;

	if (cal_sub(c, u, n, uat(c, t), &out) == -1)
		return "ERROR";
	return uiso(c, out);
}

/*
 * Cases worked out by hand, as tables: each row names the calendar by the
 * address of the variable that holds it, so that a table can be static
 * while the calendars are made by a fixture.
 */

/* On *cal, "duration" from "from" is due at want (or "ERROR"). */
struct udue_row {
	struct calendar *const	*cal;
	const char		*from;
	const char		*duration;
	const char		*want;
};

static inline void
udue_rows(const struct udue_row *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *got = udue(*r[i].cal, r[i].from, r[i].duration);

		ck_assert_msg(strcmp(got, r[i].want) == 0,
		    "%s + %s on %s: %s, not %s", r[i].from, r[i].duration,
		    (*r[i].cal)->name, got, r[i].want);
	}
}

/* On *cal, n units before t is want (or "ERROR"). */
struct ubefore_row {
	struct calendar *const	*cal;
	const char		*t;
	enum dur_unit		 u;
	int64_t			 n;
	const char		*want;
};

static inline void
ubefore_rows(const struct ubefore_row *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *got = ubefore(*r[i].cal, r[i].t, r[i].u, r[i].n);

		ck_assert_msg(strcmp(got, r[i].want) == 0,
		    "%lld of unit %d before %s on %s: %s, not %s",
		    (long long)r[i].n, (int)r[i].u, r[i].t, (*r[i].cal)->name,
		    got, r[i].want);
	}
}

/* On *cal, the working seconds from "from" to "to" are secs. */
struct uopen_row {
	struct calendar *const	*cal;
	const char		*from;
	const char		*to;
	int64_t			 secs;
};

static inline void
uopen_rows(const struct uopen_row *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct calendar *c = *r[i].cal;
		int64_t got = cal_working_seconds(c, uat(c, r[i].from),
		    uat(c, r[i].to));

		ck_assert_msg(got == r[i].secs, "%s to %s on %s: %lld s, "
		    "not %lld", r[i].from, r[i].to, c->name, (long long)got,
		    (long long)r[i].secs);
	}
}

#endif
