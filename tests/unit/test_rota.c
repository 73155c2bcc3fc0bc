/*
 * test_rota.c: who is on call, at instants worked out by hand on the
 * default calendar (Europe/London, mon-fri 09:00-17:00, England and Wales
 * bank holidays), and every way a rota.ini can be wrong, at its line.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <string.h>

#include "unit.h"
#include "conf.h"
#include "rota.h"

/* Weekday evenings Sam, weekends Alex, Christmas 2026 Morgan. */
#define ROTA_TEXT \
	"[rota out-of-hours]\n" \
	"calendar = default\n" \
	"hours = outside\n" \
	"on-call = sam.patel from mon 17:00\n" \
	"on-call = alex.okafor from fri 17:00\n" \
	"on-call = hos.morgan from 2026-12-24 17:00 until 2026-12-29 09:00\n"

static struct conf *conf;
static struct staff *staff;

static void
setup(void)
{
	struct diag dg = { 0 };
	char *path = xasprintf("%s/conf/staff.ini", unit_srcdir());

	conf = conf_load_buffer("t.conf", "", 0, &dg);
	staff = staff_load(path, &dg);
	diag_print(&dg, stderr);
	ck_assert_ptr_nonnull(conf);
	ck_assert_ptr_nonnull(staff);
	free(path);
}

static void
teardown(void)
{
	staff_free(staff);
	conf_free(conf);
}

static struct rota_set *
load(const char *text, struct diag *dg)
{
	return rota_load_buffer("rota.ini", text, strlen(text),
	    &conf->calendars, staff, dg);
}

/* Who is on call at an ISO instant: an id, "off" or "nobody". */
static const char *
who(const struct rota_set *set, const char *rota, const char *iso)
{
	const struct rota *r = rota_find(set, rota);
	const char *id;
	char err[128];
	int64_t t;

	ck_assert_ptr_nonnull(r);
	if (iso_parse(iso, conf->default_calendar->tz, &t, err,
	    sizeof err) == -1)
		ck_abort_msg("%s: %s", iso, err);
	switch (rota_on_call(r, t, &id)) {
	case ROTA_OFF:
		return "off";
	case ROTA_NOBODY:
		return "nobody";
	default:
		return id;
	}
}

static struct rota_set *
example(const char *text)
{
	struct diag dg = { 0 };
	struct rota_set *set = load(text, &dg);

	diag_print(&dg, stderr);
	ck_assert_ptr_nonnull(set);
	ck_assert_int_eq(dg.n, 0);
	return set;
}

START_TEST(test_weekday_evening)
{
	struct rota_set *set = example(ROTA_TEXT);

	/* Tue 10 Nov 2026, GMT: open at 14:00; Monday's hand-over holds. */
	ck_assert_str_eq(who(set, "out-of-hours", "2026-11-10T14:00Z"), "off");
	ck_assert_str_eq(who(set, "out-of-hours", "2026-11-10T20:00Z"),
	    "sam.patel");
	ck_assert_str_eq(who(set, "out-of-hours", "2026-11-10T08:59Z"),
	    "sam.patel");
	ck_assert_str_eq(who(set, "out-of-hours", "2026-11-10T09:00Z"), "off");
	/* Mon 9 Nov 2026 08:00: still the weekend's, round the week. */
	ck_assert_str_eq(who(set, "out-of-hours", "2026-11-09T08:00Z"),
	    "alex.okafor");
	/* Sat 7 Nov 2026 11:00, the e2e test's miss. */
	ck_assert_str_eq(who(set, "out-of-hours", "2026-11-07T11:00Z"),
	    "alex.okafor");
	rota_set_free(set);
}
END_TEST

/*
 * BST ends on Sun 25 Oct 2026 at 02:00 BST (01:00 UTC).  The hand-overs
 * are local wall time: Friday's 17:00 is 16:00 UTC, Monday's 17:00 GMT.
 */
START_TEST(test_clock_change)
{
	struct rota_set *set = example(ROTA_TEXT);
	struct rota_set *all = example("[rota all]\nhours = always\n"
	    "on-call = sam.patel from mon 17:00\n"
	    "on-call = alex.okafor from fri 17:00\n");

	/* Fri 23 Oct: 16:30 BST is open; 17:30 BST (16:30 UTC) is Alex's. */
	ck_assert_str_eq(who(set, "out-of-hours", "2026-10-23T15:30Z"), "off");
	ck_assert_str_eq(who(set, "out-of-hours", "2026-10-23T16:30Z"),
	    "alex.okafor");
	/* Both 01:30s of Sunday 25 Oct, BST then GMT. */
	ck_assert_str_eq(who(set, "out-of-hours", "2026-10-25T00:30Z"),
	    "alex.okafor");
	ck_assert_str_eq(who(set, "out-of-hours", "2026-10-25T01:30Z"),
	    "alex.okafor");
	/* Mon 26 Oct, GMT: 08:30 closed, Alex's; 17:30 Sam's. */
	ck_assert_str_eq(who(set, "out-of-hours", "2026-10-26T08:30Z"),
	    "alex.okafor");
	ck_assert_str_eq(who(set, "out-of-hours", "2026-10-26T17:30Z"),
	    "sam.patel");
	/* Always on: the hand-overs at 16:00 UTC on Friday, 17:00 Monday. */
	ck_assert_str_eq(who(all, "all", "2026-10-23T15:59Z"), "sam.patel");
	ck_assert_str_eq(who(all, "all", "2026-10-23T16:00Z"), "alex.okafor");
	ck_assert_str_eq(who(all, "all", "2026-10-26T16:30Z"), "alex.okafor");
	ck_assert_str_eq(who(all, "all", "2026-10-26T17:00Z"), "sam.patel");
	rota_set_free(all);
	rota_set_free(set);
}
END_TEST

/* Mon 31 Aug 2026, the late-summer bank holiday: closed all day. */
START_TEST(test_bank_holiday)
{
	struct rota_set *set = example(ROTA_TEXT);

	/* 11:00 BST: the weekend's hand-over runs on to Monday 17:00. */
	ck_assert_str_eq(who(set, "out-of-hours", "2026-08-31T10:00Z"),
	    "alex.okafor");
	ck_assert_str_eq(who(set, "out-of-hours", "2026-08-31T17:00Z"),
	    "sam.patel");
	/* Tue 1 Sep 11:00 BST: open again. */
	ck_assert_str_eq(who(set, "out-of-hours", "2026-09-01T10:00Z"), "off");
	rota_set_free(set);
}
END_TEST

/* 17:00 Thu 24 Dec to 09:00 Tue 29 Dec 2026 (GMT): Morgan. */
START_TEST(test_christmas_override)
{
	struct rota_set *set = example(ROTA_TEXT);

	ck_assert_str_eq(who(set, "out-of-hours", "2026-12-24T16:59Z"), "off");
	ck_assert_str_eq(who(set, "out-of-hours", "2026-12-24T17:00Z"),
	    "hos.morgan");
	/* Christmas Day, the weekend, and Mon 28 (Boxing Day's stand-in). */
	ck_assert_str_eq(who(set, "out-of-hours", "2026-12-25T12:00Z"),
	    "hos.morgan");
	ck_assert_str_eq(who(set, "out-of-hours", "2026-12-26T12:00Z"),
	    "hos.morgan");
	ck_assert_str_eq(who(set, "out-of-hours", "2026-12-28T12:00Z"),
	    "hos.morgan");
	ck_assert_str_eq(who(set, "out-of-hours", "2026-12-29T08:59Z"),
	    "hos.morgan");
	ck_assert_str_eq(who(set, "out-of-hours", "2026-12-29T09:00Z"), "off");
	ck_assert_str_eq(who(set, "out-of-hours", "2026-12-29T17:00Z"),
	    "sam.patel");
	rota_set_free(set);
}
END_TEST

/* Overrides only: between them nobody, and the caller tells the fallback. */
START_TEST(test_nobody)
{
	struct rota_set *set = example("[rota christmas]\nhours = always\n"
	    "on-call = hos.morgan from 2026-12-24 17:00 until "
	    "2026-12-29 09:00\n");
	struct rota_set *none = rota_set_new();

	ck_assert_str_eq(who(set, "christmas", "2026-12-23T12:00Z"), "nobody");
	ck_assert_str_eq(who(set, "christmas", "2026-12-26T12:00Z"),
	    "hos.morgan");
	/* No rota file: nobody on call out of hours, off in them. */
	rota_add_empty(none, "out-of-hours", conf->default_calendar);
	ck_assert_str_eq(who(none, "out-of-hours", "2026-11-07T11:00Z"),
	    "nobody");
	ck_assert_str_eq(who(none, "out-of-hours", "2026-11-10T14:00Z"), "off");
	ck_assert_ptr_null(rota_find(none, "other"));
	rota_set_free(none);
	rota_set_free(set);
}
END_TEST

START_TEST(test_shipped)
{
	struct diag dg = { 0 };
	char *path = xasprintf("%s/conf/rota.ini", unit_srcdir());
	struct rota_set *set = rota_load(path, &conf->calendars, staff, &dg);

	diag_print(&dg, stderr);
	ck_assert_ptr_nonnull(set);
	ck_assert_str_eq(who(set, "out-of-hours", "2026-11-07T11:00Z"),
	    "alex.okafor");
	rota_set_free(set);
	free(path);
}
END_TEST

/* Each broken file is refused, with the problem at its line. */
static const struct {
	const char *text;
	int	 line;
	const char *says;
} bad[] = {
	{ "[rota a]\non-call = nobody.here from mon 17:00\n", 2,
	    "\"nobody.here\" is not in the staff directory" },
	{ "[rota a]\non-call = sam.patel from mon 25:00\n", 2,
	    "is not a day and a time" },
	{ "[rota a]\non-call = sam.patel from someday 17:00\n", 2,
	    "is not a day and a time" },
	{ "[rota a]\non-call = sam.patel mon 17:00\n", 2,
	    "expected ID from DAY HH:MM" },
	{ "[rota a]\non-call = sam.patel from 2026-12-24 17:00\n", 2,
	    "a dated override needs until" },
	{ "[rota a]\non-call = sam.patel from 2026-12-24 17:00 until "
	    "2026-12-24 09:00\n", 2, "ends before it starts" },
	{ "[rota a]\non-call = sam.patel from 2026-12-24 17:00 until "
	    "2026-12-29 09:00\non-call = hos.morgan from 2026-12-28 17:00 "
	    "until 2027-01-04 09:00\n", 3, "overlaps the one at line 2" },
	{ "[rota a]\non-call = sam.patel from mon 17:00\n"
	    "on-call = alex.okafor from monday 17:00\n", 3,
	    "line 2 hands over at the same time" },
	{ "[rota a]\nhours = weekends\non-call = sam.patel from mon 17:00\n",
	    2, "hours must be outside" },
	{ "[rota a]\ncalendar = nights\non-call = sam.patel from mon 17:00\n",
	    2, "no calendar \"nights\"" },
	{ "[rota a]\nhours = always\nhours = outside\n"
	    "on-call = sam.patel from mon 17:00\n", 3, "set twice" },
	{ "[rota a]\nteam = north\non-call = sam.patel from mon 17:00\n", 2,
	    "unknown setting \"team\"" },
	{ "[rota a]\nhours = always\n", 1, "has nobody on call" },
	{ "[a]\non-call = sam.patel from mon 17:00\n", 1,
	    "expected [rota NAME]" },
	{ "[rota a]\non-call = sam.patel from mon 17:00\n"
	    "[rota a]\non-call = sam.patel from mon 17:00\n", 3,
	    "appears twice" },
	{ "on-call = sam.patel from mon 17:00\n", 1, "outside any section" },
};

START_TEST(test_refused)
{
	struct diag dg = { 0 };

	ck_assert_ptr_null(load(bad[_i].text, &dg));
	ck_assert_msg(udiag_has(&dg, bad[_i].line, bad[_i].says),
	    "case %d: no \"%s\" at line %d", _i, bad[_i].says, bad[_i].line);
	diag_clear(&dg);
}
END_TEST

static Suite *
rota_suite(void)
{
	Suite *s = suite_create("rota");
	TCase *tc = tcase_create("rota");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_weekday_evening);
	tcase_add_test(tc, test_clock_change);
	tcase_add_test(tc, test_bank_holiday);
	tcase_add_test(tc, test_christmas_override);
	tcase_add_test(tc, test_nobody);
	tcase_add_test(tc, test_shipped);
	tcase_add_loop_test(tc, test_refused, 0, (int)nitems(bad));
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(rota_suite)
