/*
 * test_holidays.c: bank holidays by rule and by one-off, for England and
 * Wales, Scotland and Northern Ireland.  Every list below was worked out by
 * hand (weekday of 1 January, then the month offsets) and checked against
 * the GOV.UK bank-holidays feed for 2012-2026; none was copied from the
 * engine's output.  Lists hold the closed weekdays of a mon-fri calendar.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdio.h>

#include "unit-cal.h"

static struct calendar *ew, *sc, *ni;

static void
setup(void)
{
	ew = ucal("ew", "holidays", "england-and-wales", NULL);
	sc = ucal("sc", "holidays", "scotland", NULL);
	ni = ucal("ni", "holidays", "northern-ireland", NULL);
}

static void
teardown(void)
{
	cal_free(ew);
	cal_free(sc);
	cal_free(ni);
}

/* "MM-DD MM-DD ..." of the closed weekdays of a year. */
static const char *
closed(const struct calendar *c, int year)
{
	static char buf[512];
	struct cal_day v[64];
	size_t n = cal_closed_days(c, year, v, nitems(v)), len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		int y, m, d;

		civil_from_days(v[i].day, &y, &m, &d);
		ck_assert_int_eq(y, year);
		/* The bitmap the arithmetic uses must agree with the list. */
		ck_assert_int_eq(cal_working_day(c, v[i].day), 0);
		len += snprintf(buf + len, sizeof buf - len, "%s%02d-%02d",
		    i ? " " : "", m, d);
	}
	return buf;
}

/* The name listed for one date, or "" when it is open. */
static const char *
name_of(const struct calendar *c, int y, int m, int d)
{
	static struct cal_day v[64];
	size_t n = cal_closed_days(c, y, v, nitems(v));

	for (size_t i = 0; i < n; i++)
		if (v[i].day == civil_days(y, m, d))
			return v[i].name;
	return "";
}

/* The closed weekdays of a year, as closed() lists them. */
struct closed_row {
	struct calendar *const	*cal;
	int			 year;
	const char		*want;
};

static void
closed_rows(const struct closed_row *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *got = closed(*r[i].cal, r[i].year);

		ck_assert_msg(strcmp(got, r[i].want) == 0,
		    "%s %d: \"%s\", not \"%s\"", (*r[i].cal)->name,
		    r[i].year, got, r[i].want);
	}
}

/* The name listed for one date ("" when it is open). */
struct name_row {
	struct calendar *const	*cal;
	int			 y, m, d;
	const char		*want;
};

static void
name_rows(const struct name_row *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *got = name_of(*r[i].cal, r[i].y, r[i].m, r[i].d);

		ck_assert_msg(strcmp(got, r[i].want) == 0,
		    "%s %04d-%02d-%02d: \"%s\", not \"%s\"", (*r[i].cal)->name,
		    r[i].y, r[i].m, r[i].d, got, r[i].want);
	}
}

START_TEST(test_easter)
{
	/* Known dates, and 1970/2100 by the computus worked on paper. */
	static const struct {
		int	 y, m, d;
	} r[] = {
		{ 1970, 3, 29 },
		{ 2000, 4, 23 },
		{ 2008, 3, 23 },	/* early */
		{ 2019, 4, 21 },
		{ 2024, 3, 31 },
		{ 2038, 4, 25 },	/* late */
		{ 2100, 3, 28 },
	};

	for (size_t i = 0; i < nitems(r); i++)
		ck_assert_int_eq(hol_easter(r[i].y),
		    civil_days(r[i].y, r[i].m, r[i].d));
	for (int y = 1970; y <= 2100; y++) {
		int32_t e = hol_easter(y);

		ck_assert_int_eq(civil_weekday(e), 6);
		ck_assert_int_ge(e, civil_days(y, 3, 22));
		ck_assert_int_le(e, civil_days(y, 4, 25));
	}
}
END_TEST

START_TEST(test_england_wales)
{
	static const struct closed_row r[] = {
		/* 2026: domain.md's list. */
		{ &ew, 2026, "01-01 04-03 04-06 05-04 05-25 08-31 12-25 "
		    "12-28" },
		/* 2027: Christmas on Saturday -> Mon 27 and Tue 28. */
		{ &ew, 2027, "01-01 03-26 03-29 05-03 05-31 08-30 12-27 "
		    "12-28" },
		/* 2023: New Year on Sunday -> Mon 2; coronation Mon 8 May. */
		{ &ew, 2023, "01-02 04-07 04-10 05-01 05-08 05-29 08-28 12-25 "
		    "12-26" },
		/*
		 * 2022: New Year on Saturday -> Mon 3; spring moved to Thu 2
		 * June with the jubilee Fri 3; state funeral Mon 19 Sep;
		 * Christmas on Sunday -> Boxing Day Mon 26 and Christmas'
		 * substitute Tue 27.
		 */
		{ &ew, 2022, "01-03 04-15 04-18 05-02 06-02 06-03 08-29 09-19 "
		    "12-26 12-27" },
		/* 2020: early May moved from Mon 4 to Fri 8 (VE day). */
		{ &ew, 2020, "01-01 04-10 04-13 05-08 05-25 08-31 12-25 "
		    "12-28" },
		/* 2012: spring moved to Mon 4 June, diamond jubilee Tue 5. */
		{ &ew, 2012, "01-02 04-06 04-09 05-07 06-04 06-05 08-27 12-25 "
		    "12-26" },
		/* 2008: the earliest Easter in range: Good Friday 21 March. */
		{ &ew, 2008, "01-01 03-21 03-24 05-05 05-26 08-25 12-25 "
		    "12-26" },
		/* 2038: the latest: Easter Monday 26 April. */
		{ &ew, 2038, "01-01 04-23 04-26 05-03 05-31 08-30 12-27 "
		    "12-28" },
		/* 2100, the last year: Friday 1 January, Easter 28 March. */
		{ &ew, 2100, "01-01 03-26 03-29 05-03 05-31 08-30 12-27 "
		    "12-28" },
	};

	closed_rows(r, nitems(r));
}
END_TEST

START_TEST(test_scotland)
{
	static const struct closed_row r[] = {
		/* 2022: 1 and 2 Jan on a weekend -> Mon 3 and Tue 4. */
		{ &sc, 2022, "01-03 01-04 04-15 05-02 06-02 06-03 08-01 09-19 "
		    "11-30 12-26 12-27" },
		/* 2023: 2 Jan is Monday, so New Year's substitute is Tue 3. */
		{ &sc, 2023, "01-02 01-03 04-07 05-01 05-08 05-29 08-07 11-30 "
		    "12-25 12-26" },
		/* 2024: St Andrew's Day on Saturday -> Mon 2 December. */
		{ &sc, 2024, "01-01 01-02 03-29 05-06 05-27 08-05 12-02 12-25 "
		    "12-26" },
		/* 2025: on Sunday -> Mon 1 December.  No Easter Monday. */
		{ &sc, 2025, "01-01 01-02 04-18 05-05 05-26 08-04 12-01 12-25 "
		    "12-26" },
	};
	static const struct name_row names[] = {
		/* 2021: 2 January on Saturday -> Mon 4. */
		{ &sc, 2021, 1, 4, "2nd January (substitute day)" },
		{ &sc, 2024, 12, 2, "St Andrew's Day (substitute day)" },
		/*
		 * Scotland's summer holiday is the first Monday of August only.
		 */
		{ &sc, 2026, 8, 31, "" },
		{ &sc, 2026, 8, 3, "Summer bank holiday" },
	};

	closed_rows(r, nitems(r));
	name_rows(names, nitems(names));
}
END_TEST

START_TEST(test_northern_ireland)
{
	static const struct closed_row r[] = {
		/* 2024: St Patrick's Day on Sunday -> Mon 18 March. */
		{ &ni, 2024, "01-01 03-18 03-29 04-01 05-06 05-27 07-12 08-26 "
		    "12-25 12-26" },
		/* 2025: 12 July on Saturday -> Mon 14 July. */
		{ &ni, 2025, "01-01 03-17 04-18 04-21 05-05 05-26 07-14 08-25 "
		    "12-25 12-26" },
		/*
		 * 2020: 12 July on Sunday -> Mon 13; the VE-day move applies
		 * too.
		 */
		{ &ni, 2020, "01-01 03-17 04-10 04-13 05-08 05-25 07-13 08-31 "
		    "12-25 12-28" },
	};
	static const struct name_row names[] = {
		{ &ni, 2025, 7, 14,
		    "Battle of the Boyne (Orangemen's Day) (substitute day)" },
		/* The UK-wide one-offs reach Northern Ireland as well. */
		{ &ni, 2023, 5, 8,
		    "Bank holiday for the coronation of King Charles III" },
		{ &ni, 2022, 9, 19,
		    "Bank Holiday for the State Funeral of Queen Elizabeth "
		    "II" },
	};

	closed_rows(r, nitems(r));
	name_rows(names, nitems(names));
}
END_TEST

START_TEST(test_names)
{
	static const struct name_row r[] = {
		{ &ew, 2027, 12, 27, "Christmas Day (substitute day)" },
		{ &ew, 2027, 12, 28, "Boxing Day (substitute day)" },
		{ &ew, 2022, 12, 27, "Christmas Day (substitute day)" },
		{ &ew, 2022, 6, 3, "Platinum Jubilee bank holiday" },
		{ &ew, 2020, 5, 8, "Early May bank holiday (VE day)" },
		/* The early May Monday of 2020 is an ordinary working day. */
		{ &ew, 2020, 5, 4, "" },
		{ &ew, 2022, 5, 30, "" },
		{ &ew, 2012, 5, 28, "" },
	};

	name_rows(r, nitems(r));
}
END_TEST

START_TEST(test_before_2012)
{
	static const struct closed_row r[] = {
		/* 2011: royal wedding Fri 29 April, a week after Easter. */
		{ &ew, 2011, "01-03 04-22 04-25 04-29 05-02 05-30 08-29 12-26 "
		    "12-27" },
		/* 2002: golden jubilee Mon 3 June, spring moved to Tue 4. */
		{ &ew, 2002, "01-01 03-29 04-01 05-06 06-03 06-04 08-26 12-25 "
		    "12-26" },
		/*
		 * 1999: Christmas on Saturday, and the millennium Fri 31 Dec.
		 */
		{ &ew, 1999, "01-01 04-02 04-05 05-03 05-31 08-30 12-27 12-28 "
		    "12-31" },
		/* 1970, the first year: today's rules, so 1 January too. */
		{ &ew, 1970, "01-01 03-27 03-30 05-04 05-25 08-31 12-25 "
		    "12-28" },
	};
	static const struct name_row names[] = {
		/* 1995: early May moved from Mon 1 to Mon 8 (VE day). */
		{ &ew, 1995, 5, 1, "" },
		{ &ew, 1995, 5, 8, "Early May bank holiday (VE day)" },
		{ &ew, 1981, 7, 29, "Wedding of the Prince of Wales" },
		{ &ew, 1973, 11, 14, "Wedding of Princess Anne" },
		/*
		 * 1977 under today's rules (early May included, though it
		 * began in 1978), with the silver jubilee Tue 7 June;
		 * Christmas on Sunday.  Whether that year's spring holiday
		 * moved to 6 June is not asserted: sources disagree
		 * (python3-workalendar says it did).
		 */
		{ &ew, 1977, 1, 3, "New Year's Day (substitute day)" },
		{ &ew, 1977, 4, 8, "Good Friday" },
		{ &ew, 1977, 4, 11, "Easter Monday" },
		{ &ew, 1977, 5, 2, "Early May bank holiday" },
		{ &ew, 1977, 6, 7, "Silver Jubilee of Elizabeth II" },
		{ &ew, 1977, 8, 29, "Summer bank holiday" },
		{ &ew, 1977, 12, 26, "Boxing Day" },
		{ &ew, 1977, 12, 27, "Christmas Day (substitute day)" },
		/*
		 * St Andrew's Day: not in 2000-2006, a bank holiday since 2007.
		 */
		{ &sc, 2006, 11, 30, "" },
		{ &sc, 2007, 11, 30, "St Andrew's Day" },
	};

	closed_rows(r, nitems(r));
	name_rows(names, nitems(names));
}
END_TEST

START_TEST(test_regions)
{
	enum hol_region r;
	struct holiday h[HOL_MAX_PER_YEAR];

	ck_assert_int_eq(hol_region_parse("scotland", &r), 0);
	ck_assert_int_eq(r, HOL_SCOTLAND);
	ck_assert_int_eq(hol_region_parse("Scotland", &r), -1);
	ck_assert_int_eq(hol_region_parse("wales", &r), -1);
	ck_assert_str_eq(hol_region_name(HOL_NORTHERN_IRELAND),
	    "northern-ireland");
	ck_assert_uint_eq(hol_year(HOL_NONE, 2026, h, nitems(h)), 0);
	/* A weekend holiday is listed on its own date and its substitute. */
	ck_assert_uint_eq(hol_year(HOL_ENGLAND_WALES, 2027, h, nitems(h)), 10);
	ck_assert_int_eq(h[7].day, civil_days(2027, 12, 26));
	ck_assert_int_eq(h[7].weekend, 1);
	ck_assert_int_eq(h[9].day, civil_days(2027, 12, 28));
	ck_assert_int_eq(h[9].substitute, 1);
	/* Never more than the room given. */
	ck_assert_uint_eq(hol_year(HOL_ENGLAND_WALES, 2027, h, 3), 3);
}
END_TEST

static Suite *
holidays_suite(void)
{
	Suite *s = suite_create("holidays");
	TCase *tc = tcase_create("rules");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_easter);
	tcase_add_test(tc, test_england_wales);
	tcase_add_test(tc, test_scotland);
	tcase_add_test(tc, test_northern_ireland);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_before_2012);
	tcase_add_test(tc, test_regions);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(holidays_suite)
