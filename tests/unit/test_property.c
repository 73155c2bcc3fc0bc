/*
 * test_property.c: properties that must hold for any start, checked over
 * random starts in 2000-2100 from a fixed seed (so a failure replays):
 *
 * - the working time between a start and "N working hours" later is N
 *   hours, on any calendar, and the due instant is the first such one;
 * - "N working days" is N times the day's open time, on calendars whose
 *   hours do not touch a clock change;
 * - a later start never gives an earlier due instant;
 * - cal_sub() goes back exactly as far as cal_add() goes forward;
 * - minute by minute, from the local time alone (no interval arithmetic),
 *   a slow count of open time agrees with cal_working_seconds() and
 *   cal_add().
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include "unit-cal.h"

#define SEED	0x76696769UL	/* "vigi" */
#define NSTART	2000		/* per calendar and property */

struct pcal {
	struct calendar *c;
	int	 dst_safe;	/* no open time near a clock change */
};
static struct pcal cals[6];
static uint64_t rng;

static uint64_t
rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A start in 2000-01-01 .. 2099-12-01, any second of the day. */
static int64_t
rnd_start(void)
{
	int64_t lo = (int64_t)civil_days(2000, 1, 1) * 86400;
	int64_t hi = (int64_t)civil_days(2099, 12, 1) * 86400;

	return lo + (int64_t)(rnd() % (uint64_t)(hi - lo));
}

/* Half the starts fall on a minute, where openings and closes are. */
static int64_t
rnd_start_edgy(void)
{
	int64_t t = rnd_start();

	return rnd() & 1 ? t - t % 60 : t;
}

static void
setup(void)
{
	cals[0] = (struct pcal){ ucal("default", NULL), 1 };
	cals[1] = (struct pcal){ ucal("lunch", "hours",
	    "09:00-12:30,13:30-17:00", "holidays", "scotland", NULL), 1 };
	cals[2] = (struct pcal){ ucal("no-sundays", "days", "mon-sat",
	    "hours", "00:00-24:00", NULL), 0 };
	cals[3] = (struct pcal){ ucal("ny", "timezone", "America/New_York",
	    "hours", "08:00-12:00,12:30-18:00", "holidays", "none", NULL), 1 };
	cals[4] = (struct pcal){ ucal("syd", "timezone", "Australia/Sydney",
	    "days", "mon,wed,fri-sat", "hours", "07:00-19:00",
	    "holidays", "northern-ireland", NULL), 1 };
	cals[5] = (struct pcal){ ucal("night", "days", "mon-sun",
	    "hours", "00:30-03:00,22:00-24:00", "holidays", "none", NULL), 0 };
}

static void
teardown(void)
{
	for (size_t i = 0; i < nitems(cals); i++)
		cal_free(cals[i].c);
}

START_TEST(test_working_hours_exact)
{
	rng = SEED;
	for (size_t k = 0; k < nitems(cals); k++) {
		const struct calendar *c = cals[k].c;

		for (int i = 0; i < NSTART; i++) {
			int64_t t = rnd_start_edgy(), n = rnd() % 120, due;

			ck_assert_int_eq(cal_add(c, DUR_WORKING_HOURS, n, t,
			    &due), 0);
			ck_assert_msg(cal_working_seconds(c, t, due) ==
			    n * 3600, "%s: %s + %lld working hours = %s",
			    c->name, uiso(c, t), (long long)n, uiso(c, due));
			/* The first instant with that much behind it. */
			if (n > 0)
				ck_assert_int_eq(cal_working_seconds(c, t,
				    due - 1), n * 3600 - 1);
		}
	}
}
END_TEST

START_TEST(test_working_days_exact)
{
	rng = SEED + 1;
	for (size_t k = 0; k < nitems(cals); k++) {
		const struct calendar *c = cals[k].c;

		if (!cals[k].dst_safe)
			continue;
		for (int i = 0; i < NSTART; i++) {
			int64_t t = rnd_start_edgy(), n = 1 + rnd() % 30, due;

			ck_assert_int_eq(cal_add(c, DUR_WORKING_DAYS, n, t,
			    &due), 0);
			ck_assert_msg(cal_working_seconds(c, t, due) ==
			    n * c->day_secs, "%s: %s + %lld working days = %s",
			    c->name, uiso(c, t), (long long)n, uiso(c, due));
			/* Never at an opening: "by close of" the day before. */
			ck_assert(!cal_is_open(c, due) ||
			    cal_is_open(c, due - 1));
		}
	}
}
END_TEST

/* A start and one a little later: the later never falls due earlier. */
START_TEST(test_monotonic)
{
	static const enum dur_unit units[] = {
		DUR_MINUTES, DUR_HOURS, DUR_WORKING_HOURS, DUR_WORKING_DAYS
	};

	rng = SEED + 2;
	for (size_t k = 0; k < nitems(cals); k++) {
		const struct calendar *c = cals[k].c;

		for (int i = 0; i < NSTART; i++) {
			enum dur_unit u = units[rnd() % nitems(units)];
			int64_t t = rnd_start_edgy(), n = rnd() % 20;
			int64_t t2 = t + 1 + (int64_t)(rnd() % 7200), a, b;

			/*
			 * Same clock time, later day: on a calendar open at
			 * the autumn change an hour repeats, and 01:10 GMT
			 * is after 01:30 BST but reads earlier.
			 */
			if (u == DUR_WORKING_DAYS && !cals[k].dst_safe)
				continue;
			ck_assert_int_eq(cal_add(c, u, n, t, &a), 0);
			ck_assert_int_eq(cal_add(c, u, n, t2, &b), 0);
			ck_assert_msg(a <= b, "%s: %s and %s + %lld (unit %d):"
			    " %s > %s", c->name, uiso(c, t), uiso(c, t2),
			    (long long)n, u, uiso(c, a), uiso(c, b));
		}
	}
}
END_TEST

START_TEST(test_sub_add)
{
	rng = SEED + 3;
	for (size_t k = 0; k < nitems(cals); k++) {
		const struct calendar *c = cals[k].c;

		for (int i = 0; i < NSTART; i++) {
			int64_t t = rnd_start_edgy(), n = 1 + rnd() % 60;
			int64_t s, back;

			/* Working hours: exactly n hours back... */
			ck_assert_int_eq(cal_sub(c, DUR_WORKING_HOURS, n, t,
			    &s), 0);
			ck_assert_int_eq(cal_working_seconds(c, s, t),
			    n * 3600);
			/*
			 * ... and forward again lands on t when t is open
			 * (and not an opening: then on the close before).
			 */
			ck_assert_int_eq(cal_add(c, DUR_WORKING_HOURS, n, s,
			    &back), 0);
			ck_assert_int_eq(cal_working_seconds(c, back, t), 0);
			if (cal_is_open(c, t) && cal_is_open(c, t - 1))
				ck_assert_msg(back == t, "%s: %s - %lld wh = "
				    "%s, + %lld wh = %s", c->name, uiso(c, t),
				    (long long)n, uiso(c, s), (long long)n,
				    uiso(c, back));
			else
				ck_assert_int_le(back, t);

			if (!cals[k].dst_safe)
				continue;
			n = 1 + n % 10;
			ck_assert_int_eq(cal_sub(c, DUR_WORKING_DAYS, n, t,
			    &s), 0);
			ck_assert_int_eq(cal_working_seconds(c, s, t),
			    n * c->day_secs);
			ck_assert_int_eq(cal_add(c, DUR_WORKING_DAYS, n, s,
			    &back), 0);
			ck_assert_int_eq(cal_working_seconds(c, s, back),
			    n * c->day_secs);
		}
	}
}
END_TEST

START_TEST(test_elapsed_and_days)
{
	rng = SEED + 4;
	for (int i = 0; i < NSTART; i++) {
		const struct calendar *c = cals[0].c;
		int64_t t = rnd_start_edgy(), n = rnd() % 400, due, back;
		int32_t d0, s0, d1, s1;

		ck_assert_int_eq(cal_add(c, DUR_HOURS, n, t, &due), 0);
		ck_assert_int_eq(due - t, n * 3600);
		ck_assert_int_eq(cal_sub(c, DUR_HOURS, n, due, &back), 0);
		ck_assert_int_eq(back, t);
		/*
		 * N days: N days later on the calendar at the same clock
		 * time, unless that is in London's spring gap (01:00-02:00).
		 */
		ck_assert_int_eq(cal_add(c, DUR_DAYS, n, t, &due), 0);
		cal_local(c, t, &d0, &s0);
		cal_local(c, due, &d1, &s1);
		ck_assert_int_eq(d1, d0 + n);
		ck_assert(s1 == s0 || (s0 >= 3600 && s0 < 7200 && s1 == 7200));
		ck_assert_int_eq(cal_add(c, DUR_WEEKS, n % 50, t, &due), 0);
		cal_local(c, due, &d1, &s1);
		ck_assert_int_eq(d1, d0 + 7 * (n % 50));
	}
}
END_TEST

/* Open at t, from its local day and time alone. */
static int
brute_open(const struct calendar *c, int64_t t)
{
	int32_t day, secs;

	cal_local(c, t, &day, &secs);
	if (cal_working_day(c, day) != 1)
		return 0;
	for (int k = 0; k < c->nranges; k++)
		if (secs >= c->ranges[k].start && secs < c->ranges[k].end)
			return 1;
	return 0;
}

START_TEST(test_brute_force)
{
	struct calendar *always = ucal("always", "days", "mon-sun",
	    "hours", "00:00-24:00", "holidays", "none", NULL);

	rng = SEED + 5;
	for (size_t k = 0; k <= nitems(cals); k++) {
		const struct calendar *c = k < nitems(cals) ? cals[k].c : always;

		/* Local times in a repeated hour are open or not by rule. */
		if (k < nitems(cals) && !cals[k].dst_safe)
			continue;
		for (int i = 0; i < 40; i++) {
			int64_t t = rnd_start(), n = 1 + rnd() % 24, open = 0;
			int64_t span = 60 * (int64_t)(rnd() % (4 * 24 * 60)), due;

			t -= t % 60;
			/* Minute steps: ranges and starts are on minutes. */
			for (int64_t u = t; u < t + span; u += 60)
				open += brute_open(c, u) ? 60 : 0;
			ck_assert_msg(open == cal_working_seconds(c, t,
			    t + span), "%s: %s + %lld min", c->name,
			    uiso(c, t), (long long)span / 60);

			ck_assert_int_eq(cal_add(c, DUR_WORKING_HOURS, n, t,
			    &due), 0);
			open = 0;
			for (int64_t u = t; open < n * 3600; u += 60) {
				open += brute_open(c, u) ? 60 : 0;
				if (open == n * 3600)
					ck_assert_msg(due == u + 60, "%s: %s + "
					    "%lld wh = %s, counted %s", c->name,
					    uiso(c, t), (long long)n,
					    uiso(c, due), uiso(c, u + 60));
			}
		}
	}
	cal_free(always);
}
END_TEST

static Suite *
property_suite(void)
{
	Suite *s = suite_create("property");
	TCase *tc = tcase_create("random");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_working_hours_exact);
	tcase_add_test(tc, test_working_days_exact);
	tcase_add_test(tc, test_monotonic);
	tcase_add_test(tc, test_sub_add);
	tcase_add_test(tc, test_elapsed_and_days);
	tcase_add_test(tc, test_brute_force);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(property_suite)
