/*
 * holidays.c: UK bank holidays by rule, for England and Wales, Scotland and
 * Northern Ireland, as published in the GOV.UK bank-holidays feed.
 *
 * A holiday that falls on a weekend gives a substitute: the next weekday that
 * is not already a holiday (Christmas on a Saturday: Monday 27 and Tuesday
 * 28).  One-off changes are listed in a table.  Years before 2000 follow
 * today's rules plus the one-offs listed (so New Year's Day before 1974 and
 * the early May holiday before 1978 are closed too: no open case reaches
 * back that far, and one rule is easier to check than a history); the dates
 * that matter to open cases (2012 on) are checked against the feed in
 * tests/unit/test_holidays.c.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>

#include "calendar.h"

#define EW	(1 << HOL_ENGLAND_WALES)
#define SC	(1 << HOL_SCOTLAND)
#define NI	(1 << HOL_NORTHERN_IRELAND)
#define UK	(EW | SC | NI)

/* Extra days, and regular holidays moved to another date. */
static const struct {
	int	 y, m, d;
	int	 regions;
	int	 moves;		/* 0: extra day; else the month of the one moved */
	const char *name;
} hol_oneoffs[] = {
	{ 1973, 11, 14, UK, 0, "Wedding of Princess Anne" },
	{ 1977, 6, 7, UK, 0, "Silver Jubilee of Elizabeth II" },
	{ 1981, 7, 29, UK, 0, "Wedding of the Prince of Wales" },
	{ 1995, 5, 8, UK, 5, "Early May bank holiday (VE day)" },
	{ 1999, 12, 31, UK, 0, "Millennium celebrations" },
	{ 2002, 6, 3, UK, 0, "Golden Jubilee bank holiday" },
	{ 2002, 6, 4, UK, 6, "Spring bank holiday" },
	{ 2011, 4, 29, UK, 0, "Wedding of Prince William and Catherine Middleton" },
	{ 2012, 6, 4, UK, 6, "Spring bank holiday" },
	{ 2012, 6, 5, UK, 0, "Queen's Diamond Jubilee" },
	{ 2020, 5, 8, UK, 5, "Early May bank holiday (VE day)" },
	{ 2022, 6, 2, UK, 6, "Spring bank holiday" },
	{ 2022, 6, 3, UK, 0, "Platinum Jubilee bank holiday" },
	{ 2022, 9, 19, UK, 0, "Bank Holiday for the State Funeral of Queen Elizabeth II" },
	{ 2023, 5, 8, UK, 0, "Bank holiday for the coronation of King Charles III" },
};

static const char *const hol_region_names[] = {
	[HOL_NONE] = "none",
	[HOL_ENGLAND_WALES] = "england-and-wales",
	[HOL_SCOTLAND] = "scotland",
	[HOL_NORTHERN_IRELAND] = "northern-ireland",
};

int
hol_region_parse(const char *s, enum hol_region *out)
{
	for (size_t i = 0; i < nitems(hol_region_names); i++) {
		if (strcmp(s, hol_region_names[i]) == 0) {
			*out = (enum hol_region)i;
			return 0;
		}
	}
	return -1;
}

const char *
hol_region_name(enum hol_region r)
{
	return hol_region_names[r];
}

/* Easter Sunday by the anonymous Gregorian computus. */
int32_t
hol_easter(int y)
{
	int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
	int f = (b + 8) / 25, g = (b - f + 1) / 3;
	int h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4;
	int l = (32 + 2 * e + 2 * i - h - k) % 7;
	int m = (a + 11 * h + 22 * l) / 451;
	int month = (h + l - 7 * m + 114) / 31;
	int day = (h + l - 7 * m + 114) % 31 + 1;

	return civil_days(y, month, day);
}

/* The first (n = 1) or last (n = -1) Monday of a month. */
static int32_t
monday(int y, int m, int n)
{
	int32_t d;

	if (n > 0) {
		d = civil_days(y, m, 1);
		return d + (7 - civil_weekday(d)) % 7;
	}
	d = civil_days(y, m, civil_days_in_month(y, m));
	return d - civil_weekday(d);
}

struct hol_list {
	struct holiday *v;
	size_t	 n, max;
};

static void
add(struct hol_list *l, int32_t day, const char *name)
{
	if (l->n < l->max)
		l->v[l->n++] = (struct holiday){ day, name,
		    civil_weekday(day) >= 5, 0 };
}

static int
taken(const struct hol_list *l, int32_t day)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].day == day)
			return 1;
	return 0;
}

static int
by_day(const void *a, const void *b)
{
	const struct holiday *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return x->substitute - y->substitute;
}

/* A regular holiday, unless a one-off moved it this year. */
static void
add_moveable(struct hol_list *l, enum hol_region r, int y, int m, int32_t day,
    const char *name)
{
	for (size_t i = 0; i < nitems(hol_oneoffs); i++)
		if (hol_oneoffs[i].y == y && hol_oneoffs[i].moves == m &&
		    (hol_oneoffs[i].regions & (1 << r)))
			return;
	add(l, day, name);
}

/*
 * Fill out[] with the holidays of a year in date order and return how many.
 * A weekend holiday is listed on its own date (with .weekend set) and again
 * on its substitute day (with .substitute set).
 */
size_t
hol_year(enum hol_region r, int y, struct holiday *out, size_t max)
{
	struct hol_list l = { out, 0, max };
	int32_t easter = hol_easter(y);
	size_t nfixed;

	if (r == HOL_NONE)
		return 0;
	add(&l, civil_days(y, 1, 1), "New Year's Day");
	if (r == HOL_SCOTLAND)
		add(&l, civil_days(y, 1, 2), "2nd January");
	if (r == HOL_NORTHERN_IRELAND)
		add(&l, civil_days(y, 3, 17), "St Patrick's Day");
	add(&l, easter - 2, "Good Friday");
	if (r != HOL_SCOTLAND)
		add(&l, easter + 1, "Easter Monday");
	add_moveable(&l, r, y, 5, monday(y, 5, 1), "Early May bank holiday");
	add_moveable(&l, r, y, 6, monday(y, 5, -1), "Spring bank holiday");
	if (r == HOL_NORTHERN_IRELAND)
		add(&l, civil_days(y, 7, 12), "Battle of the Boyne (Orangemen's Day)");
	if (r == HOL_SCOTLAND)
		add(&l, monday(y, 8, 1), "Summer bank holiday");
	else
		add(&l, monday(y, 8, -1), "Summer bank holiday");
	/* A bank holiday since 2007; before 2000, today's rules. */
	if (r == HOL_SCOTLAND && (y < 2000 || y >= 2007))
		add(&l, civil_days(y, 11, 30), "St Andrew's Day");
	add(&l, civil_days(y, 12, 25), "Christmas Day");
	add(&l, civil_days(y, 12, 26), "Boxing Day");
	for (size_t i = 0; i < nitems(hol_oneoffs); i++)
		if (hol_oneoffs[i].y == y && (hol_oneoffs[i].regions & (1 << r)))
			add(&l, civil_days(y, hol_oneoffs[i].m, hol_oneoffs[i].d),
			    hol_oneoffs[i].name);
	xqsort(l.v, l.n, sizeof *l.v, by_day);

	/* Substitutes, in date order, each on the next free weekday. */
	nfixed = l.n;
	for (size_t i = 0; i < nfixed; i++) {
		int32_t d;

		if (!l.v[i].weekend)
			continue;
		for (d = l.v[i].day + 1; civil_weekday(d) >= 5 || taken(&l, d); d++)
			;
		if (l.n < l.max)
			l.v[l.n++] = (struct holiday){ d, l.v[i].name, 0, 1 };
	}
	xqsort(l.v, l.n, sizeof *l.v, by_day);
	return l.n;
}
