/*
 * iso.c: ISO 8601 instants as people type them and as vigil prints them.
 * A time without an offset is local to the given zone.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <string.h>

#include "calendar.h"

static int
digits(const char **pp, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if ((*pp)[i] < '0' || (*pp)[i] > '9')
			return -1;
		v = v * 10 + (*pp)[i] - '0';
	}
	*pp += n;
	*out = v;
	return 0;
}

#define ISO_EXPECTED	"expected YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM]"

int
iso_parse(const char *s, const struct tz *tz, int64_t *out, char *err,
    size_t errlen)
{
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, se = 0, oh, om = 0, sign = 0;
	const char *why = ISO_EXPECTED;
	int64_t local;

	if (digits(&p, 4, &y) == -1 || *p++ != '-' ||
	    digits(&p, 2, &mo) == -1 || *p++ != '-' || digits(&p, 2, &d) == -1)
		goto bad;
	if (y < 1970 || y > 2199) {
		why = "year must be 1970-2199";
		goto bad;
	}
	if (mo < 1 || mo > 12) {
		why = "month must be 01-12";
		goto bad;
	}
	if (d < 1 || d > civil_days_in_month(y, mo)) {
		why = "no such day in that month";
		goto bad;
	}
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (digits(&p, 2, &h) == -1 || *p++ != ':' ||
		    digits(&p, 2, &mi) == -1)
			goto bad;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &se) == -1)
				goto bad;
		}
		if (h > 23 || mi > 59 || se > 59) {
			why = "time must be 00:00:00-23:59:59";
			goto bad;
		}
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
		sign = 1;
		oh = 0;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (digits(&p, 2, &oh) == -1)
			goto bad;
		/* +HH, +HHMM or +HH:MM: a colon needs its minutes. */
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &om) == -1)
				goto bad;
		} else if (*p != '\0' && digits(&p, 2, &om) == -1)
			goto bad;
		if (oh > 23 || om > 59) {
			why = "offset must be at most 23:59";
			goto bad;
		}
	}
	if (*p != '\0')
		goto bad;
	local = (int64_t)civil_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	if (sign != 0)
		*out = local - sign * (oh * 3600 + om * 60);
	else
		*out = tz_local_to_utc(tz, local);
	return 0;
bad:
	snprintf(err, errlen, "bad time \"%.64s\": %s", s, why);
	return -1;
}

char *
iso_format(int64_t t, const struct tz *tz, char *buf, size_t len)
{
	int32_t off = tz_offset(tz, t);
	int32_t secs, aoff = off < 0 ? -off : off;
	int y, m, d;

	civil_from_days(civil_split(t + off, &secs), &y, &m, &d);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", y, m, d,
	    secs / 3600, secs / 60 % 60, secs % 60, off < 0 ? '-' : '+',
	    aoff / 3600, aoff / 60 % 60);
	return buf;
}
