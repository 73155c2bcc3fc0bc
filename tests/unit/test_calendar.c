/*
 * test_calendar.c: due dates worked out by hand.  Clock changes used below
 * (last Sunday of March and of October in London; second Sunday of March
 * and first of November in New York; first Sunday of April and of October
 * in Sydney) were found from the weekday of 1 January of each year.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include "unit-cal.h"

static struct calendar *office, *nosun, *always, *lunch;

static void
setup(void)
{
	office = ucal("default", NULL);
	nosun = ucal("no-sundays", "days", "mon-sat", "hours", "00:00-24:00",
	    NULL);
	always = ucal("always", "days", "mon-sun", "hours", "00:00-24:00",
	    "holidays", "none", NULL);
	lunch = ucal("lunch", "hours", "09:00-12:30,13:30-17:00", NULL);
}

static void
teardown(void)
{
	cal_free(office);
	cal_free(nosun);
	cal_free(always);
	cal_free(lunch);
}

/* The five worked examples of issue 2. */
START_TEST(test_issue_examples)
{
	static const struct udue_row r[] = {
		{ &office, "2026-04-01T10:00", "1 working day",
		    "2026-04-02T10:00:00+01:00" },
		/*
		 * After hours on the Thursday before Easter: counting starts
		 * Tue 7 09:00 (Good Friday and Easter Monday closed), one day
		 * on is Wed 09:00, an opening, so the answer is the close
		 * before it.
		 */
		{ &office, "2026-04-02T17:30", "1 working day",
		    "2026-04-07T17:00:00+01:00" },
		/*
		 * Christmas Eve: Fri 25, Sat, Sun, Mon 28 (Boxing Day's
		 * substitute).
		 */
		{ &office, "2026-12-24T15:00", "1 working day",
		    "2026-12-29T15:00:00+00:00" },
		{ &office, "2026-11-20T16:00", "2 working days",
		    "2026-11-24T16:00:00+00:00" },
		/* 24 real hours across the spring change: 13:00 BST. */
		{ &office, "2026-03-28T12:00", "24 hours",
		    "2026-03-29T13:00:00+01:00" },
	};

	udue_rows(r, nitems(r));
}
END_TEST

START_TEST(test_working_days)
{
	static const struct udue_row r[] = {
		/*
		 * From Saturday: counting starts Mon 09:00; Tue 09:00 -> Mon
		 * close.
		 */
		{ &office, "2026-06-13T10:00", "1 working day",
		    "2026-06-15T17:00:00+01:00" },
		/* Exactly at an opening: the same day's close. */
		{ &office, "2026-06-15T09:00", "1 working day",
		    "2026-06-15T17:00:00+01:00" },
		/* Exactly at a close: counts from Tue 09:00, so Tue's close. */
		{ &office, "2026-06-15T17:00", "1 working day",
		    "2026-06-16T17:00:00+01:00" },
		/* Before opening on a working day: that day's close. */
		{ &office, "2026-06-16T07:00", "1 working day",
		    "2026-06-16T17:00:00+01:00" },
		/*
		 * Ten days over the 2022 jubilee (Thu 2 and Fri 3 June closed).
		 */
		{ &office, "2022-05-27T11:00", "10 working days",
		    "2022-06-14T11:00:00+01:00" },
		/*
		 * Across the autumn change the clock time is kept: 10:00 GMT.
		 */
		{ &office, "2026-10-23T10:00", "1 working day",
		    "2026-10-26T10:00:00+00:00" },
		{ &office, "2026-04-01T10:00", "0 working days",
		    "2026-04-01T10:00:00+01:00" },
	};

	udue_rows(r, nitems(r));
}
END_TEST

START_TEST(test_working_hours)
{
	static const struct udue_row r[] = {
		{ &office, "2026-04-01T10:00", "8 working hours",
		    "2026-04-02T10:00:00+01:00" },
		/* One hour on Thursday, then Tue 7 April 09:00 + 1 hour. */
		{ &office, "2026-04-02T16:00", "2 working hours",
		    "2026-04-07T10:00:00+01:00" },
		/* Ending exactly at a close stays at the close. */
		{ &office, "2026-06-15T16:00", "1 working hour",
		    "2026-06-15T17:00:00+01:00" },
	};

	udue_rows(r, nitems(r));
}
END_TEST

START_TEST(test_dst)
{
	static const struct udue_row r[] = {
		/* N days keep the clock time: 23 real hours in spring. */
		{ &office, "2026-03-28T12:00", "1 day",
		    "2026-03-29T12:00:00+01:00" },
		/* 01:30 on 29 March does not exist: the first instant after. */
		{ &office, "2026-03-28T01:30", "1 day",
		    "2026-03-29T02:00:00+01:00" },
		/* 01:30 on 25 October happens twice: the earlier (BST). */
		{ &office, "2026-10-24T01:30", "1 day",
		    "2026-10-25T01:30:00+01:00" },
		/* 24 real hours across the autumn change end at 11:00 GMT. */
		{ &office, "2026-10-24T12:00", "24 hours",
		    "2026-10-25T11:00:00+00:00" },
		{ &office, "2026-03-25T12:00", "1 week",
		    "2026-04-01T12:00:00+01:00" },
		/* 00:30 GMT + 90 minutes = 02:00 UTC = 03:00 BST. */
		{ &office, "2026-03-29T00:30", "90 minutes",
		    "2026-03-29T03:00:00+01:00" },
		/*
		 * Working hours on a 00:00-24:00 calendar count real open
		 * time: Sunday 29 March has 23 hours, 25 October has 25.
		 */
		{ &always, "2026-03-28T12:00", "24 working hours",
		    "2026-03-29T13:00:00+01:00" },
		{ &always, "2026-10-24T12:00", "24 working hours",
		    "2026-10-25T11:00:00+00:00" },
	};
	static const struct uopen_row open[] = {
		{ &always, "2026-03-29T00:00", "2026-03-30T00:00", 23 * 3600 },
		{ &always, "2026-10-25T00:00", "2026-10-26T00:00", 25 * 3600 },
	};

	udue_rows(r, nitems(r));
	uopen_rows(open, nitems(open));
}
END_TEST

START_TEST(test_no_sundays)
{
	static const struct udue_row r[] = {
		/* The DVPO rule: Fri 15:00 -> 9 h Fri, 24 h Sat, 15 h Mon. */
		{ &nosun, "2026-04-10T15:00", "48 working hours",
		    "2026-04-13T15:00:00+01:00" },
		/*
		 * Thu 14 h; Good Friday closed; Sat 24 h; Sun, Easter Mon
		 * closed.
		 */
		{ &nosun, "2026-04-02T10:00", "48 working hours",
		    "2026-04-07T10:00:00+01:00" },
		{ &nosun, "2021-12-24T12:00", "24 working hours",
		    "2021-12-29T12:00:00+00:00" },
		/* Start Sat 00:00, an opening: one day is Saturday's end. */
		{ &nosun, "2026-06-13T00:00", "1 working day",
		    "2026-06-14T00:00:00+01:00" },
	};

	udue_rows(r, nitems(r));
	/*
	 * 2021: Christmas on Saturday closes Sat 25 on a mon-sat calendar
	 * as well as its substitute Mon 27 (and Boxing Day's Tue 28).
	 */
	ck_assert_int_eq(cal_working_day(nosun, civil_days(2021, 12, 25)), 0);
	ck_assert_int_eq(cal_working_day(nosun, civil_days(2021, 12, 27)), 0);
	ck_assert_int_eq(cal_working_day(nosun, civil_days(2021, 12, 28)), 0);
	ck_assert_int_eq(cal_working_day(nosun, civil_days(2021, 12, 18)), 1);
}
END_TEST

START_TEST(test_multi_range)
{
	static const struct udue_row r[] = {
		{ &lunch, "2026-06-17T10:00", "1 working day",
		    "2026-06-18T10:00:00+01:00" },
		/*
		 * In the lunch gap: counting starts 13:30, and Thu 13:30 is an
		 * opening, so the answer is the close before it, Thu 12:30.
		 */
		{ &lunch, "2026-06-17T12:45", "1 working day",
		    "2026-06-18T12:30:00+01:00" },
		/* 30 minutes before lunch, 90 after. */
		{ &lunch, "2026-06-17T12:00", "2 working hours",
		    "2026-06-17T15:00:00+01:00" },
		/* From the gap: 13:30 + 2 h. */
		{ &lunch, "2026-06-17T13:00", "2 working hours",
		    "2026-06-17T15:30:00+01:00" },
		/* 2 h to Wed's close, then 2 h on Thursday morning. */
		{ &lunch, "2026-06-17T15:00", "4 working hours",
		    "2026-06-18T11:00:00+01:00" },
	};
	static const struct uopen_row open[] = {
		{ &lunch, "2026-06-17T12:00", "2026-06-17T14:00", 3600 },
	};

	/* 09:00-12:30,13:30-17:00: 7 open hours a day. */
	ck_assert_int_eq(lunch->day_secs, 7 * 3600);
	udue_rows(r, nitems(r));
	ck_assert_int_eq(cal_is_open(lunch, uat(lunch, "2026-06-17T12:45")), 0);
	ck_assert_int_eq(cal_is_open(lunch, uat(lunch, "2026-06-17T13:30")), 1);
	ck_assert_int_eq(cal_is_open(lunch, uat(lunch, "2026-06-17T12:30")), 0);
	uopen_rows(open, nitems(open));
}
END_TEST

START_TEST(test_sub)
{
	static const struct ubefore_row r[] = {
		/*
		 * A reminder 2 working hours before Tue 7 April 10:00 (Easter).
		 */
		{ &office, "2026-04-07T10:00", DUR_WORKING_HOURS, 2,
		    "2026-04-02T16:00:00+01:00" },
		{ &office, "2026-04-07T10:00", DUR_WORKING_DAYS, 1,
		    "2026-04-02T10:00:00+01:00" },
		/* Before a deadline at a close: the same day. */
		{ &office, "2026-06-16T17:00", DUR_WORKING_HOURS, 2,
		    "2026-06-16T15:00:00+01:00" },
		/* From Saturday: back from Friday's close. */
		{ &office, "2026-06-13T12:00", DUR_WORKING_HOURS, 1,
		    "2026-06-12T16:00:00+01:00" },
		{ &lunch, "2026-06-17T14:00", DUR_WORKING_HOURS, 1,
		    "2026-06-17T12:00:00+01:00" },
		{ &office, "2026-03-29T12:00", DUR_DAYS, 1,
		    "2026-03-28T12:00:00+00:00" },
		{ &office, "2026-03-29T12:00", DUR_HOURS, 24,
		    "2026-03-28T11:00:00+00:00" },
		{ &office, "2026-06-16T12:00", DUR_MINUTES, 30,
		    "2026-06-16T11:30:00+01:00" },
		{ &office, "1970-01-01T10:00", DUR_WORKING_DAYS, 1, "ERROR" },
	};

	ubefore_rows(r, nitems(r));
}
END_TEST

START_TEST(test_measure_extend)
{
	int64_t from, to, out, m;

	/*
	 * A deadline of Tue 16 June 17:00 paused from Mon 15:00 to Tue 11:00:
	 * 2 h on Monday + 2 h on Tuesday of office time, so it moves to Wed
	 * 13:00.
	 */
	from = uat(office, "2026-06-15T15:00");
	to = uat(office, "2026-06-16T11:00");
	m = cal_measure(office, DUR_WORKING_DAYS, from, to);
	ck_assert_int_eq(m, 4 * 3600);
	ck_assert_int_eq(cal_extend(office, DUR_WORKING_DAYS,
	    uat(office, "2026-06-16T17:00"), m, &out), 0);
	ck_assert_str_eq(uiso(office, out), "2026-06-17T13:00:00+01:00");
	/* For elapsed units the pause is elapsed time: 20 h. */
	m = cal_measure(office, DUR_HOURS, from, to);
	ck_assert_int_eq(m, 20 * 3600);
	ck_assert_int_eq(cal_extend(office, DUR_HOURS,
	    uat(office, "2026-06-16T17:00"), m, &out), 0);
	ck_assert_str_eq(uiso(office, out), "2026-06-17T13:00:00+01:00");
	ck_assert_int_eq(cal_measure(office, DUR_HOURS, to, from), 0);
	/* A pause over a weekend costs no working time. */
	ck_assert_int_eq(cal_measure(office, DUR_WORKING_HOURS,
	    uat(office, "2026-06-12T17:00"), uat(office, "2026-06-15T09:00")),
	    0);
	ck_assert_int_eq(cal_extend(office, DUR_WORKING_HOURS,
	    uat(office, "2100-12-31T16:00"), 2 * 3600, &out), -1);
}
END_TEST

START_TEST(test_working_seconds)
{
	static const struct uopen_row r[] = {
		/* Thu 10:00 -> Tue 10:00 over Easter 2026: 7 h + 1 h. */
		{ &office, "2026-04-02T10:00", "2026-04-07T10:00", 8 * 3600 },
		/* A full week of June 2026: 5 x 8 h. */
		{ &office, "2026-06-15T00:00", "2026-06-22T00:00", 40 * 3600 },
		{ &office, "2026-06-15T12:00", "2026-06-15T12:00", 0 },
		{ &office, "2026-06-16T12:00", "2026-06-15T12:00", 0 },
	};

	uopen_rows(r, nitems(r));
}
END_TEST

START_TEST(test_range)
{
	static const struct udue_row r[] = {
		/*
		 * London kept BST all year in 1968-71: 1 January 1970 is
		 * +01:00.
		 */
		{ &office, "1970-01-01T00:00Z", "1 minute",
		    "1970-01-01T01:01:00+01:00" },
		/* Fri 31 Dec 2100: no working day follows inside the range. */
		{ &office, "2100-12-31T10:00", "1 working day", "ERROR" },
		{ &office, "2100-12-31T23:30", "1 hour", "ERROR" },
		{ &office, "2100-12-30T10:00", "1 working day",
		    "2100-12-31T10:00:00+00:00" },
		{ &office, "2199-06-01T10:00", "1 minute", "ERROR" },
	};
	int64_t out;

	udue_rows(r, nitems(r));
	ck_assert_int_eq(cal_add(office, DUR_MINUTES, 1, -1, &out), -1);
	ck_assert_int_eq(cal_add(office, DUR_HOURS, CAL_DUR_MAX + 1,
	    uat(office, "2026-01-01"), &out), -1);
	ck_assert_int_eq(cal_add(office, DUR_HOURS, -1,
	    uat(office, "2026-01-01"), &out), -1);
	ck_assert_int_eq(cal_working_day(office, -1), -1);
	ck_assert_int_eq(cal_working_day(office, CAL_END_DAY), -1);
	ck_assert_int_eq(cal_working_day(office, CAL_END_DAY - 1), 1);
}
END_TEST

START_TEST(test_on_calendar)
{
	struct cal_set set = { 0 };
	struct duration d;
	char err[256];
	int64_t due;

	cal_set_add(&set, office);
	cal_set_add(&set, nosun);
	ck_assert_int_eq(dur_parse("48 working hours on no-sundays", &d, err,
	    sizeof err), 0);
	ck_assert_str_eq(d.calendar, "no-sundays");
	ck_assert_int_eq(cal_due(&set, office, &d,
	    uat(office, "2026-04-10T15:00"), &due, err, sizeof err), 0);
	ck_assert_str_eq(uiso(office, due), "2026-04-13T15:00:00+01:00");
	ck_assert_int_eq(dur_parse("1 working day on nowhere", &d, err,
	    sizeof err), 0);
	ck_assert_int_eq(cal_due(&set, office, &d, 0, &due, err, sizeof err),
	    -1);
	ck_assert_str_eq(err, "unknown calendar \"nowhere\"");
	ck_assert_int_eq(dur_parse("1 day", &d, err, sizeof err), 0);
	ck_assert_int_eq(cal_due(&set, office, &d,
	    uat(office, "2100-12-31T12:00"), &due, err, sizeof err), -1);
	ck_assert_str_eq(err, "1 day from that start falls outside 1970-2100");
	free(set.v);
}
END_TEST

START_TEST(test_other_zones)
{
	struct calendar *ny = ucal("ny", "timezone", "America/New_York",
	    "holidays", "none", NULL);
	struct calendar *syd = ucal("syd", "timezone", "Australia/Sydney",
	    "holidays", "none", NULL);
	const struct udue_row r[] = {
		/* New York: DST from Sun 8 March 2026 (second Sunday). */
		{ &ny, "2026-03-06T10:00", "1 working day",
		    "2026-03-09T10:00:00-04:00" },
		{ &ny, "2026-03-07T12:00", "24 hours",
		    "2026-03-08T13:00:00-04:00" },
		/*
		 * 2040, from the TZif footer rule: second Sunday is 11 March.
		 */
		{ &ny, "2040-03-10T12:00", "24 hours",
		    "2040-03-11T13:00:00-04:00" },
		{ &ny, "2040-03-09T10:00", "1 working day",
		    "2040-03-12T10:00:00-04:00" },
		/* First Sunday of November 2040 is the 4th: back to -05:00. */
		{ &ny, "2040-11-03T12:00", "1 day",
		    "2040-11-04T12:00:00-05:00" },
		/*
		 * Sydney: DST ends Sun 5 April 2026 03:00, starts Sun 4
		 * October.
		 */
		{ &syd, "2026-04-04T12:00", "24 hours",
		    "2026-04-05T11:00:00+10:00" },
		{ &syd, "2026-10-03T12:00", "24 hours",
		    "2026-10-04T13:00:00+11:00" },
		{ &syd, "2026-04-03T10:00", "1 working day",
		    "2026-04-06T10:00:00+10:00" },
		/*
		 * 2050: 1 October is a Saturday, so DST starts Sun 2 October.
		 */
		{ &syd, "2050-10-01T12:00", "24 hours",
		    "2050-10-02T13:00:00+11:00" },
		{ &syd, "2050-10-01T02:30", "1 day",
		    "2050-10-02T03:00:00+11:00" },
		/* London after 2037: last Sunday of March 2040 is the 25th. */
		{ &office, "2040-03-24T12:00", "24 hours",
		    "2040-03-25T13:00:00+01:00" },
	};

	udue_rows(r, nitems(r));
	cal_free(ny);
	cal_free(syd);
}
END_TEST

static Suite *
calendar_suite(void)
{
	Suite *s = suite_create("calendar");
	TCase *tc = tcase_create("due");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_issue_examples);
	tcase_add_test(tc, test_working_days);
	tcase_add_test(tc, test_working_hours);
	tcase_add_test(tc, test_dst);
	tcase_add_test(tc, test_no_sundays);
	tcase_add_test(tc, test_multi_range);
	tcase_add_test(tc, test_sub);
	tcase_add_test(tc, test_measure_extend);
	tcase_add_test(tc, test_working_seconds);
	tcase_add_test(tc, test_range);
	tcase_add_test(tc, test_on_calendar);
	tcase_add_test(tc, test_other_zones);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(calendar_suite)
