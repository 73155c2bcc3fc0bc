/*
 * calendar.h: working-time calendars and the durations measured on them.
 *
 * An instant is int64_t seconds since the epoch (UTC).  A calendar says which
 * local days are working days (weekdays, bank holidays, closures) and which
 * hours of them are open; durations turn a start instant into a due instant.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#ifndef CALENDAR_H
#define CALENDAR_H

#include "tz.h"

#define CAL_NAME_MAX	64
#define CAL_MAX_RANGES	8
#define CAL_FIRST_YEAR	1970
#define CAL_LAST_YEAR	2100
#define CAL_END_DAY	47847		/* 2101-01-01 as days since 1970-01-01 */
#define CAL_DUR_MAX	100000		/* largest N in a duration */

/* holidays.c */
enum hol_region {
	HOL_NONE,
	HOL_ENGLAND_WALES,
	HOL_SCOTLAND,
	HOL_NORTHERN_IRELAND
};
struct holiday {
	int32_t	 day;
	const char *name;
	unsigned weekend:1;	/* on a weekend: a substitute follows */
	unsigned substitute:1;	/* the weekday standing in for one */
};
#define HOL_MAX_PER_YEAR 32
int	 hol_region_parse(const char *, enum hol_region *);
const char *hol_region_name(enum hol_region);
int32_t	 hol_easter(int);
size_t	 hol_year(enum hol_region, int, struct holiday *, size_t);

/* iso.c */
#define ISO_LEN	32
int	 iso_parse(const char *, const struct tz *, int64_t *, char *, size_t);
char	*iso_format(int64_t, const struct tz *, char *, size_t);

/* duration.c */
enum dur_unit {
	DUR_MINUTES,
	DUR_HOURS,
	DUR_DAYS,
	DUR_WEEKS,
	DUR_WORKING_HOURS,
	DUR_WORKING_DAYS
};
struct duration {
	int64_t	 n;
	enum dur_unit unit;
	char	 calendar[CAL_NAME_MAX];	/* "on NAME", or "" */
};
#define DUR_TEXT_MAX	(CAL_NAME_MAX + 40)
int	 dur_parse(const char *, struct duration *, char *, size_t);
char	*dur_format(const struct duration *, char *, size_t);
int	 dur_is_working(enum dur_unit);
int64_t	 dur_seconds(const struct duration *);
int	 cal_name_ok(const char *);

/* calendar.c */
struct cal_range {
	int32_t	 start, end;	/* seconds after local midnight; end <= 86400 */
};
struct cal_closure {
	int32_t	 day;
	int	 removed;	/* "not DATE": open on a holiday */
	char	*name;
};
struct calendar {
	char	*name;
	char	*timezone;
	struct tz *tz;
	uint8_t	 days;			/* bit 0 = Monday ... bit 6 = Sunday */
	struct cal_range ranges[CAL_MAX_RANGES];
	int	 nranges;
	enum hol_region holidays;
	char	*closures_path;
	struct cal_closure *closures;
	size_t	 nclosures;
	uint8_t	*closed;		/* one bit per day, 1 = not working */
	int64_t	 day_secs;		/* open seconds in a working day */
	int	 line;			/* of its [calendar] section, or 0 */
	const char *file;		/* its file, when not the main one */
};
struct cal_set {
	struct calendar **v;
	size_t	 n;
};
struct cal_day {			/* one closed day, for listing */
	int32_t	 day;
	char	 name[96];
};

struct calendar *cal_new(const char *);
int	 cal_set_option(struct calendar *, const char *, const char *, char *,
	    size_t);
int	 cal_prepare(struct calendar *, const char *, struct diag *,
	    const char *);
void	 cal_free(struct calendar *);
void	 cal_set_add(struct cal_set *, struct calendar *);
struct calendar *cal_set_find(const struct cal_set *, const char *);
void	 cal_set_free(struct cal_set *);

int	 cal_working_day(const struct calendar *, int32_t);
int	 cal_is_open(const struct calendar *, int64_t);
int	 cal_next_open(const struct calendar *, int64_t, int64_t *);
int	 cal_add(const struct calendar *, enum dur_unit, int64_t, int64_t,
	    int64_t *);
int	 cal_sub(const struct calendar *, enum dur_unit, int64_t, int64_t,
	    int64_t *);
int	 cal_due(const struct cal_set *, const struct calendar *,
	    const struct duration *, int64_t, int64_t *, char *, size_t);
int64_t	 cal_working_seconds(const struct calendar *, int64_t, int64_t);
int64_t	 cal_measure(const struct calendar *, enum dur_unit, int64_t, int64_t);
int	 cal_extend(const struct calendar *, enum dur_unit, int64_t, int64_t,
	    int64_t *);
size_t	 cal_closed_days(const struct calendar *, int, struct cal_day *,
	    size_t);
void	 cal_local(const struct calendar *, int64_t, int32_t *, int32_t *);

#endif
