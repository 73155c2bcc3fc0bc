/*
 * test_outbox.c: the outbox's rules that need no database: the retry
 * backoff, quiet hours for SMS, and the digest rule for when a new
 * message may go; the weekly summary's instant; and the HTTP API's
 * per-token quota, the same kind of rule for what comes in.  The instants
 * are worked out by hand.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include "unit.h"
#include "vigild.h"

#define H	3600
#define JAN12	1768176000	/* 2026-01-12T00:00:00Z, a Monday: GMT */
#define JUL1	1782864000	/* 2026-07-01T00:00:00Z, a Wednesday: BST */

/* The two ends of the jitter: the shortest and the longest wait. */
static uint32_t
draw_lowest(uint32_t n)
{
	(void)n;
	return 0;
}

static uint32_t
draw_highest(uint32_t n)
{
	return n - 1;
}

/* retry_first, doubling per attempt, give or take a fifth. */
START_TEST(test_backoff_doubles)
{
	ck_assert_int_eq(outbox_backoff(60, 1, draw_lowest), 48);
	ck_assert_int_eq(outbox_backoff(60, 1, draw_highest), 72);
	ck_assert_int_eq(outbox_backoff(60, 2, draw_lowest), 96);
	ck_assert_int_eq(outbox_backoff(60, 2, draw_highest), 144);
	ck_assert_int_eq(outbox_backoff(60, 6, draw_lowest), 1536);
	ck_assert_int_eq(outbox_backoff(60, 6, draw_highest), 2304);
}
END_TEST

/* Never more than an hour, give or take a fifth, however many attempts. */
START_TEST(test_backoff_caps)
{
	static const int64_t attempts[] = { 7, 13, 14, 1000, INT64_MAX };

	for (size_t i = 0; i < nitems(attempts); i++) {
		ck_assert_int_eq(outbox_backoff(60, attempts[i], draw_lowest),
		    2880);
		ck_assert_int_eq(outbox_backoff(60, attempts[i], draw_highest),
		    4320);
	}
	/* From one second, twelve doublings pass the hour: 4096 s. */
	ck_assert_int_eq(outbox_backoff(1, 12, draw_lowest), 2048 * 4 / 5);
	ck_assert_int_eq(outbox_backoff(1, 13, draw_lowest), 2880);
	ck_assert_int_eq(outbox_backoff(3600, 1, draw_highest), 4320);
	/* A row that could not be read back (attempts 0) waits as a first
	 * try does, not a negative shift. */
	ck_assert_int_eq(outbox_backoff(60, 0, draw_lowest), 48);
}
END_TEST

/* The calendar of SMS-allowed hours, as vigild builds it from the file. */
static struct calendar *
sms_hours(const char *quiet, struct cfg *cfg)
{
	struct diag dg = { 0 };
	char *text = xasprintf("[calendar default]\ntimezone = Europe/London\n"
	    "[quiet-hours]\nsms = %s\n", quiet);

	memset(cfg, 0, sizeof *cfg);
	cfg->conf = conf_load_buffer("q.conf", text, strlen(text), &dg);
	ck_assert_ptr_nonnull(cfg->conf);
	cfg_read_outbox(cfg, &dg);
	ck_assert_uint_eq(dg.n, 0);
	ck_assert_ptr_nonnull(cfg->ob.sms_hours);
	free(text);
	return cfg->ob.sms_hours;
}

/* When a non-urgent SMS made at "at" may go, under [quiet-hours] sms. */
static const struct {
	const char *quiet;
	int64_t	 at, want;
} quiet_cases[] = {
	/* Over midnight, in winter: London is on UTC. */
	{ "21:00-08:00", JAN12 + 12 * H, JAN12 + 12 * H },
	{ "21:00-08:00", JAN12 + 8 * H, JAN12 + 8 * H },
	{ "21:00-08:00", JAN12 + 21 * H - 1, JAN12 + 21 * H - 1 },
	{ "21:00-08:00", JAN12 + 21 * H, JAN12 + 32 * H },
	{ "21:00-08:00", JAN12 + 23 * H + H / 2, JAN12 + 32 * H },
	{ "21:00-08:00", JAN12 + 26 * H, JAN12 + 32 * H },
	{ "21:00-08:00", JAN12 + 32 * H - 1, JAN12 + 32 * H },
	/* In summer, London's hours: 22:00 BST is 21:00 UTC, and the SMS
	 * goes at 08:00 BST, 07:00 UTC. */
	{ "21:00-08:00", JUL1 + 19 * H, JUL1 + 19 * H },
	{ "21:00-08:00", JUL1 + 21 * H, JUL1 + 31 * H },
	/* Within one day, at its start, and at its end. */
	{ "12:00-14:00", JAN12 + 11 * H, JAN12 + 11 * H },
	{ "12:00-14:00", JAN12 + 13 * H, JAN12 + 14 * H },
	{ "12:00-14:00", JAN12 + 23 * H, JAN12 + 23 * H },
	{ "00:00-07:30", JAN12 + 3 * H, JAN12 + 7 * H + H / 2 },
	{ "00:00-07:30", JAN12 + 23 * H, JAN12 + 23 * H },
	{ "22:00-24:00", JAN12 + 23 * H, JAN12 + 24 * H },
	{ "22:00-24:00", JAN12 + 21 * H, JAN12 + 21 * H },
};

START_TEST(test_quiet_hours)
{
	struct cfg cfg;
	const struct calendar *hours = sms_hours(quiet_cases[_i].quiet, &cfg);
	int64_t at = quiet_cases[_i].at;

	ck_assert_int_eq(outbox_quiet(hours, NOTIFY_SMS, 0, at),
	    quiet_cases[_i].want);
	/* Email and urgent SMS never wait. */
	ck_assert_int_eq(outbox_quiet(hours, NOTIFY_EMAIL, 0, at), at);
	ck_assert_int_eq(outbox_quiet(hours, NOTIFY_SMS, 1, at), at);
	cfg_free_outbox(&cfg.ob);
	conf_free(cfg.conf);
}
END_TEST

/* No [quiet-hours]: nothing waits. */
START_TEST(test_quiet_none)
{
	ck_assert_int_eq(outbox_quiet(NULL, NOTIFY_SMS, 0, JAN12 + 3 * H),
	    JAN12 + 3 * H);
}
END_TEST

START_TEST(test_quiet_refused)
{
	static const char *const bad[] = { "21:00", "21:00-8:00",
	    "25:00-08:00", "21:00-24:30", "08:00-08:00", "00:00-24:00",
	    "21:60-08:00", "21:00 08:00" };

	for (size_t i = 0; i < nitems(bad); i++) {
		struct diag dg = { 0 };
		char *text = xasprintf("[quiet-hours]\nsms = %s\n", bad[i]);
		struct cfg cfg = { .conf = conf_load_buffer("q.conf", text,
		    strlen(text), &dg) };

		ck_assert_ptr_nonnull(cfg.conf);
		cfg_read_outbox(&cfg, &dg);
		ck_assert_msg(udiag_has(&dg, 2, "expected HH:MM-HH:MM"),
		    "%s accepted", bad[i]);
		ck_assert_ptr_null(cfg.ob.sms_hours);
		diag_clear(&dg);
		conf_free(cfg.conf);
		free(text);
	}
}
END_TEST

#define NOW	(JAN12 + 10 * H)
#define WINDOW	120

/* The first message to an address goes at once; so does one sent after
 * the window has passed. */
START_TEST(test_not_before_first)
{
	ck_assert_int_eq(outbox_not_before(NOW, 0, 0, WINDOW, 0), NOW);
	ck_assert_int_eq(outbox_not_before(NOW, NOW - WINDOW, 0, WINDOW, 0),
	    NOW);
	ck_assert_int_eq(outbox_not_before(NOW, NOW - H, 0, WINDOW, 0), NOW);
}
END_TEST

/* Another within the window waits for its end. */
START_TEST(test_not_before_window)
{
	ck_assert_int_eq(outbox_not_before(NOW, NOW - 30, 0, WINDOW, 0),
	    NOW + 90);
	ck_assert_int_eq(outbox_not_before(NOW, NOW, 0, WINDOW, 0),
	    NOW + WINDOW);
	ck_assert_int_eq(outbox_not_before(NOW, NOW - 30, 0, 0, 0), NOW);
}
END_TEST

/* One on its way counts as sent now, whenever the last one went. */
START_TEST(test_not_before_sending)
{
	ck_assert_int_eq(outbox_not_before(NOW, 0, 1, WINDOW, 0),
	    NOW + WINDOW);
	ck_assert_int_eq(outbox_not_before(NOW, NOW - H, 1, WINDOW, 0),
	    NOW + WINDOW);
}
END_TEST

/* Urgent goes at once, whatever was sent. */
START_TEST(test_not_before_urgent)
{
	ck_assert_int_eq(outbox_not_before(NOW, NOW - 30, 0, WINDOW, 1), NOW);
	ck_assert_int_eq(outbox_not_before(NOW, 0, 1, WINDOW, 1), NOW);
}
END_TEST

/* A burst, then the rate; a wait to the whole second; names apart. */
START_TEST(test_quota)
{
	struct quotas qs = { 0 };
	int wait;

	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(quota_take(&qs, "cms", 2, 3, 100, &wait), 0);
	ck_assert_int_eq(quota_take(&qs, "cms", 2, 3, 100, &wait), -1);
	ck_assert_int_eq(wait, 1);		/* half a second, rounded up */
	ck_assert_int_eq(quota_take(&qs, "other", 2, 3, 100, &wait), 0);
	ck_assert_int_eq(quota_take(&qs, "cms", 2, 3, 100.5, &wait), 0);
	ck_assert_int_eq(quota_take(&qs, "cms", 2, 3, 100.5, &wait), -1);
	/* Idle for an hour: the bucket holds the burst, no more. */
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(quota_take(&qs, "cms", 2, 3, 3700, &wait), 0);
	ck_assert_int_eq(quota_take(&qs, "cms", 2, 3, 3700, &wait), -1);
	/* One a minute: the wait says so. */
	ck_assert_int_eq(quota_take(&qs, "slow", 1.0 / 60, 1, 0, &wait), 0);
	ck_assert_int_eq(quota_take(&qs, "slow", 1.0 / 60, 1, 30, &wait), -1);
	ck_assert_int_eq(wait, 30);
	/* Rate 0 is no limit. */
	for (int i = 0; i < 100; i++)
		ck_assert_int_eq(quota_take(&qs, "any", 0, 1, 0, &wait), 0);
	ck_assert_uint_eq(qs.n, 3);
	quotas_free(&qs);
}
END_TEST

/*
 * Monday 08:00, London: the week the clocks go forward (Sunday 29 March
 * 2026) is an hour short.  Before 08:00 on Monday 30 March (07:30 BST is
 * 06:30Z) the last one is Monday 23 March, 08:00 GMT; after it, that
 * day's, 08:00 BST = 07:00Z.
 */
START_TEST(test_summary_instant)
{
	char err[128];
	struct tz *tz = tz_load("Europe/London", err, sizeof err);
	int64_t mar23 = 1774224000 + 8 * H;	/* 2026-03-23T08:00Z */
	int64_t mar30 = 1774828800 + 7 * H;	/* 2026-03-30T07:00Z */

	ck_assert_msg(tz != NULL, "%s", err);
	ck_assert_int_eq(summary_last(tz, 0, 8 * 60, mar30 - 30 * 60), mar23);
	ck_assert_int_eq(summary_last(tz, 0, 8 * 60, mar30), mar30);
	ck_assert_int_eq(summary_last(tz, 0, 8 * 60, mar30 + 5 * 86400),
	    mar30);
	/* The next after 23 March, as summary.c finds it. */
	ck_assert_int_eq(summary_last(tz, 0, 8 * 60, mar23 + 7 * 86400 +
	    2 * H), mar30);
	ck_assert_int_eq(mar30 - mar23, 7 * 86400 - H);
	/* Sunday 23:59 of that week: the Monday just gone. */
	ck_assert_int_eq(summary_last(tz, 6, 23 * 60 + 59, mar30),
	    1774825140);	/* 2026-03-29T23:59+01:00 */
	tz_free(tz);
}
END_TEST

static Suite *
outbox_suite(void)
{
	Suite *s = suite_create("outbox");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_backoff_doubles);
	tcase_add_test(tc, test_backoff_caps);
	tcase_add_loop_test(tc, test_quiet_hours, 0, nitems(quiet_cases));
	tcase_add_test(tc, test_quiet_none);
	tcase_add_test(tc, test_quiet_refused);
	tcase_add_test(tc, test_not_before_first);
	tcase_add_test(tc, test_not_before_window);
	tcase_add_test(tc, test_not_before_sending);
	tcase_add_test(tc, test_not_before_urgent);
	tcase_add_test(tc, test_quota);
	tcase_add_test(tc, test_summary_instant);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(outbox_suite)
