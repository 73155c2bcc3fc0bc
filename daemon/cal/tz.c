/*
 * tz.c: UTC <-> local time for one IANA zone.
 *
 * libc's localtime_r() follows the process-wide TZ, which is neither
 * thread-safe to switch nor fast enough for a million conversions a second,
 * and calendars in one daemon may use different zones.  So each zone's TZif
 * file (RFC 8536) is read once into a table of transitions, extended to
 * TZ_LAST_YEAR with the file's POSIX TZ footer rule.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "tz.h"

#define TZ_MAX_FILE	(1024 * 1024)
#define TZ_MAX_OFFSET	(26 * 3600)	/* RFC 8536: |utoff| < 25 hours */

struct tz_rule {		/* one end of a POSIX TZ rule */
	char	 kind;		/* 'M', 'J' or 'n' */
	int	 m, w, d;	/* month, week (5 = last), weekday (0 = Sun) */
	int	 n;		/* Julian day for 'J' and 'n' */
	int32_t	 secs;		/* local time of the change */
};

struct tz_posix {
	int32_t	 std_off;	/* UTC offset, east positive */
	int32_t	 dst_off;
	int	 has_dst;
	struct tz_rule start, end;
};

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int64_t
be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* [+-]hh[:mm[:ss]], hours up to max. */
static const char *
posix_time(const char *p, int maxh, int32_t *out)
{
	int sign = 1, h = 0, m = 0, s = 0;

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	if (*p < '0' || *p > '9')
		return NULL;
	while (*p >= '0' && *p <= '9' && h <= maxh)
		h = h * 10 + *p++ - '0';
	if (h > maxh)
		return NULL;
	if (*p == ':') {
		p++;
		if (p[0] < '0' || p[0] > '5' || p[1] < '0' || p[1] > '9')
			return NULL;
		m = (p[0] - '0') * 10 + p[1] - '0';
		p += 2;
		if (*p == ':') {
			p++;
			if (p[0] < '0' || p[0] > '5' || p[1] < '0' || p[1] > '9')
				return NULL;
			s = (p[0] - '0') * 10 + p[1] - '0';
			p += 2;
		}
	}
	*out = sign * (h * 3600 + m * 60 + s);
	return p;
}

static const char *
posix_name(const char *p)
{
	const char *q = p;

	if (*p == '<') {
		while (*++q != '>')
			if (*q == '\0')
				return NULL;
		return q - p >= 4 ? q + 1 : NULL;
	}
	while ((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z'))
		q++;
	return q - p >= 3 ? q : NULL;
}

static int
posix_int(const char **pp, int lo, int hi, int *out)
{
	const char *p = *pp;
	int v = 0;

	if (*p < '0' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9' && v <= hi)
		v = v * 10 + *p++ - '0';
	if (v < lo || v > hi)
		return -1;
	*pp = p;
	*out = v;
	return 0;
}

static const char *
posix_rule(const char *p, struct tz_rule *r)
{
	if (*p == 'M') {
		p++;
		r->kind = 'M';
		if (posix_int(&p, 1, 12, &r->m) == -1 || *p++ != '.' ||
		    posix_int(&p, 1, 5, &r->w) == -1 || *p++ != '.' ||
		    posix_int(&p, 0, 6, &r->d) == -1)
			return NULL;
	} else if (*p == 'J') {
		p++;
		r->kind = 'J';
		if (posix_int(&p, 1, 365, &r->n) == -1)
			return NULL;
	} else {
		r->kind = 'n';
		if (posix_int(&p, 0, 365, &r->n) == -1)
			return NULL;
	}
	r->secs = 2 * 3600;
	if (*p == '/' && (p = posix_time(p + 1, 167, &r->secs)) == NULL)
		return NULL;
	return p;
}

/* "GMT0BST,M3.5.0/1,M10.5.0".  POSIX offsets count west as positive. */
static int
posix_parse(const char *s, struct tz_posix *tp)
{
	const char *p;
	int32_t v;

	memset(tp, 0, sizeof *tp);
	if ((p = posix_name(s)) == NULL || (p = posix_time(p, 24, &v)) == NULL)
		return -1;
	tp->std_off = -v;
	if (*p == '\0')
		return 0;
	if ((p = posix_name(p)) == NULL)
		return -1;
	tp->has_dst = 1;
	tp->dst_off = tp->std_off + 3600;
	if (*p != ',' && *p != '\0') {
		if ((p = posix_time(p, 24, &v)) == NULL)
			return -1;
		tp->dst_off = -v;
	}
	if (*p == '\0') {
		/* No rule: POSIX says implementation-defined; use the US one. */
		tp->start = (struct tz_rule){ 'M', 3, 2, 0, 0, 7200 };
		tp->end = (struct tz_rule){ 'M', 11, 1, 0, 0, 7200 };
		return 0;
	}
	if (*p++ != ',' || (p = posix_rule(p, &tp->start)) == NULL ||
	    *p++ != ',' || (p = posix_rule(p, &tp->end)) == NULL)
		return -1;
	return *p == '\0' ? 0 : -1;
}

/* The local day (days since epoch) on which a rule applies in a year. */
static int32_t
rule_day(const struct tz_rule *r, int year)
{
	int32_t first, day;
	int leap = civil_days_in_month(year, 2) == 29;

	switch (r->kind) {
	case 'J':	/* 1-365, February 29 never counted */
		return civil_days(year, 1, 1) + r->n - 1 +
		    (leap && r->n >= 60);
	case 'n':
		return civil_days(year, 1, 1) + r->n;
	default:
		first = civil_days(year, r->m, 1);
		/* civil_weekday: 0 = Monday; POSIX: 0 = Sunday. */
		day = first + (r->d - (civil_weekday(first) + 1) % 7 + 7) % 7;
		day += 7 * (r->w - 1);
		while (day >= first + civil_days_in_month(year, r->m))
			day -= 7;
		return day;
	}
}

static void
tz_push(struct tz *z, size_t *cap, int64_t at, int32_t off)
{
	if (z->n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		z->at = xreallocarray(z->at, *cap, sizeof *z->at);
		z->off = xreallocarray(z->off, *cap, sizeof *z->off);
	}
	z->at[z->n] = at;
	z->off[z->n] = off;
	z->n++;
}

/* Append the footer rule's transitions after the last explicit one. */
static void
tz_extend(struct tz *z, size_t *cap, const struct tz_posix *tp)
{
	int64_t last = z->n ? z->at[z->n - 1] : INT64_MIN;
	int y0, m, d;

	if (!tp->has_dst) {
		if (z->n == 0)
			z->off0 = tp->std_off;
		else if (z->off[z->n - 1] != tp->std_off)
			tz_push(z, cap, last + 1, tp->std_off);
		return;
	}
	civil_from_days((int32_t)floor_div(z->n ? last : 0, 86400), &y0, &m, &d);
	for (int y = y0; y <= TZ_LAST_YEAR; y++) {
		/* The start is given in standard time, the end in DST. */
		int64_t on = (int64_t)rule_day(&tp->start, y) * 86400 +
		    tp->start.secs - tp->std_off;
		int64_t off = (int64_t)rule_day(&tp->end, y) * 86400 +
		    tp->end.secs - tp->dst_off;
		int64_t a = on < off ? on : off, b = on < off ? off : on;
		int32_t oa = on < off ? tp->dst_off : tp->std_off;
		int32_t ob = on < off ? tp->std_off : tp->dst_off;

		if (a > last) {
			tz_push(z, cap, a, oa);
			last = a;
		}
		if (b > last) {
			tz_push(z, cap, b, ob);
			last = b;
		}
	}
}

static int
tz_parse(struct tz *z, const unsigned char *buf, size_t len, char *err,
    size_t errlen)
{
	uint32_t isut, isstd, leap, timecnt, typecnt, charcnt;
	const unsigned char *p = buf, *end = buf + len, *times, *idx, *types;
	size_t tsize = 4, block, cap = 0;
	struct tz_posix tp;
	int version;

	for (int pass = 0; pass < 2; pass++) {
		if ((size_t)(end - p) < 44 || memcmp(p, "TZif", 4) != 0) {
			snprintf(err, errlen, "not a TZif file");
			return -1;
		}
		version = p[4] ? p[4] - '0' : 1;
		isut = be32(p + 20);
		isstd = be32(p + 24);
		leap = be32(p + 28);
		timecnt = be32(p + 32);
		typecnt = be32(p + 36);
		charcnt = be32(p + 40);
		if (timecnt > 100000 || typecnt == 0 || typecnt > 256 ||
		    charcnt > 100000 || leap > 100000 || isut > 256 ||
		    isstd > 256) {
			snprintf(err, errlen, "corrupt TZif header");
			return -1;
		}
		block = timecnt * tsize + timecnt + typecnt * 6 + charcnt +
		    leap * (tsize + 4) + isstd + isut;
		p += 44;
		if ((size_t)(end - p) < block) {
			snprintf(err, errlen, "truncated TZif file");
			return -1;
		}
		if (pass == 0 && version >= 2) {
			p += block;	/* skip the 32-bit data */
			tsize = 8;
			continue;
		}
		break;
	}
	if (leap != 0) {
		snprintf(err, errlen, "zones with leap seconds are not supported");
		return -1;
	}
	times = p;
	idx = times + timecnt * tsize;
	types = idx + timecnt;
	z->off0 = (int32_t)be32(types);
	for (uint32_t i = 0; i < timecnt; i++) {
		int64_t at = tsize == 8 ? be64(times + 8 * i) :
		    (int32_t)be32(times + 4 * i);
		int32_t off;

		if (idx[i] >= typecnt || (z->n && at <= z->at[z->n - 1])) {
			snprintf(err, errlen, "corrupt TZif transitions");
			return -1;
		}
		off = (int32_t)be32(types + 6 * idx[i]);
		if (off <= -TZ_MAX_OFFSET || off >= TZ_MAX_OFFSET) {
			snprintf(err, errlen, "corrupt TZif offset");
			return -1;
		}
		tz_push(z, &cap, at, off);
	}
	p += block;
	if (tsize == 8 && p < end && *p == '\n') {
		const unsigned char *nl = memchr(p + 1, '\n', (size_t)(end - p - 1));
		char footer[128];

		if (nl == NULL || (size_t)(nl - p - 1) >= sizeof footer) {
			snprintf(err, errlen, "corrupt TZif footer");
			return -1;
		}
		memcpy(footer, p + 1, (size_t)(nl - p - 1));
		footer[nl - p - 1] = '\0';
		if (footer[0] != '\0') {
			if (posix_parse(footer, &tp) == -1) {
				snprintf(err, errlen, "unsupported TZ rule \"%s\"",
				    footer);
				return -1;
			}
			tz_extend(z, &cap, &tp);
		}
	}
	return 0;
}

static int
tz_name_ok(const char *name)
{
	if (name[0] == '\0' || name[0] == '/' || name[0] == '.' ||
	    strstr(name, "..") != NULL || strlen(name) > 255)
		return 0;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("/_+-", *p)))
			return 0;
	return 1;
}

struct tz *
tz_load_file(const char *name, const char *path, char *err, size_t errlen)
{
	unsigned char *buf;
	struct tz *z;
	size_t len;
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "unknown time zone \"%s\" (%s: %s)", name,
		    path, strerror(errno));
		return NULL;
	}
	buf = xmalloc(TZ_MAX_FILE);
	len = fread(buf, 1, TZ_MAX_FILE, fp);
	fclose(fp);
	z = xcalloc(1, sizeof *z);
	z->name = xstrdup(name);
	if (tz_parse(z, buf, len, err, errlen) == -1) {
		char why[200];

		snprintf(why, sizeof why, "%s", err);
		snprintf(err, errlen, "time zone \"%s\": %s: %s", name, path, why);
		tz_free(z);
		z = NULL;
	}
	free(buf);
	return z;
}

struct tz *
tz_load(const char *name, char *err, size_t errlen)
{
	const char *dir = getenv("TZDIR");
	struct tz *z;
	char *path;

	if (!tz_name_ok(name)) {
		snprintf(err, errlen, "bad time zone name \"%s\": expected an "
		    "IANA name such as Europe/London", name);
		return NULL;
	}
	path = xasprintf("%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo",
	    name);
	z = tz_load_file(name, path, err, errlen);
	free(path);
	return z;
}

void
tz_free(struct tz *z)
{
	if (z == NULL)
		return;
	free(z->name);
	free(z->at);
	free(z->off);
	free(z);
}

/* Index of the last transition at or before t, or -1. */
static ssize_t
tz_find(const struct tz *z, int64_t t)
{
	size_t lo = 0, hi = z->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (z->at[mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (ssize_t)lo - 1;
}

int32_t
tz_offset(const struct tz *z, int64_t t)
{
	ssize_t i = tz_find(z, t);

	return i < 0 ? z->off0 : z->off[i];
}

/*
 * The instant showing local time "local" (seconds since the epoch as if the
 * zone were UTC).  Ambiguous times (autumn) take the earlier instant; times
 * in a gap (spring) become the first instant after the gap.
 */
int64_t
tz_local_to_utc(const struct tz *z, int64_t local)
{
	ssize_t i = tz_find(z, local - TZ_MAX_OFFSET);

	/* Periods in order; the first that holds a match is the earliest. */
	for (;; i++) {
		int32_t off = i < 0 ? z->off0 : z->off[i];
		int64_t from = i < 0 ? INT64_MIN : z->at[i];
		int64_t to = (size_t)(i + 1) < z->n ? z->at[i + 1] : INT64_MAX;
		int64_t u = local - off;

		if (u >= from && u < to)
			return u;
		if (to == INT64_MAX || to > local + TZ_MAX_OFFSET)
			break;
		/* In the gap before the next period: it starts at "to". */
		if (u >= to && local - z->off[i + 1] < to)
			return to;
	}
	return local - tz_offset(z, local);
}
