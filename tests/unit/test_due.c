/*
 * test_due.c: the scheduler's choices (due.c): which of a case's steps is
 * next, and which due steps are still worth sending after downtime.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include "due.h"
#include "unit.h"

#define H	3600

/* Deadline 1: reminder at 10:00, level 1 at 11:00, repeats at 12 and 13;
 * deadline 2: level 1 at 10:30. */
static struct wf_step steps[] = {
	{ .seq = 1, .deadline = "contact", .level = 0, .at = 10 * H },
	{ .seq = 1, .deadline = "contact", .level = 1, .at = 11 * H },
	{ .seq = 1, .deadline = "contact", .level = 1, .repeat = 1,
	    .at = 12 * H },
	{ .seq = 1, .deadline = "contact", .level = 1, .repeat = 2,
	    .at = 13 * H },
	{ .seq = 2, .deadline = "dash", .level = 1, .at = 10 * H + H / 2 },
};

static struct case_steps
case_with(struct store_firing *done, size_t ndone)
{
	return (struct case_steps){ steps, nitems(steps), done, ndone };
}

START_TEST(test_next_is_earliest_unfired)
{
	struct store_firing done[] = { { 1, 0, 0 }, { 2, 1, 0 } };
	struct case_steps none = case_with(NULL, 0), some = case_with(done, 2);

	ck_assert_int_eq(due_next(&none, 0), 10 * H);
	/* The reminder and deadline 2 fired: level 1 of deadline 1 is next. */
	ck_assert_int_eq(due_next(&some, 0), 11 * H);
	ck_assert(due_fired(&some, &steps[0]));
	ck_assert(!due_fired(&some, &steps[1]));
}
END_TEST

/* Steps at the instant just handled count as fired, though cs predates it. */
START_TEST(test_next_skips_handled_instant)
{
	struct case_steps cs = case_with(NULL, 0);

	ck_assert_int_eq(due_next(&cs, 10 * H), 10 * H + H / 2);
}
END_TEST

START_TEST(test_next_none_left)
{
	struct store_firing done[] = { { 1, 0, 0 }, { 1, 1, 0 }, { 1, 1, 1 },
	    { 1, 1, 2 }, { 2, 1, 0 } };
	struct case_steps cs = case_with(done, nitems(done));

	ck_assert_int_eq(due_next(&cs, 0), 0);
}
END_TEST

/* Back after downtime at 12:30: the reminder and the first repeat are
 * stale; level 1 itself tells someone and always goes. */
START_TEST(test_outcome_after_downtime)
{
	struct case_steps cs = case_with(NULL, 0);
	int64_t now = 12 * H + H / 2;

	ck_assert_str_eq(due_outcome(&cs, &steps[0], now), "superseded");
	ck_assert_str_eq(due_outcome(&cs, &steps[1], now), "queued");
	ck_assert_str_eq(due_outcome(&cs, &steps[2], now), "queued");
	ck_assert_str_eq(due_outcome(&cs, &steps[4], now), "queued");
	/* At 13:00 the 12:00 repeat is superseded by the 13:00 one. */
	ck_assert_str_eq(due_outcome(&cs, &steps[2], 13 * H), "superseded");
}
END_TEST

/* On time, nothing later is due yet: the reminder goes. */
START_TEST(test_outcome_on_time)
{
	struct case_steps cs = case_with(NULL, 0);

	ck_assert_str_eq(due_outcome(&cs, &steps[0], 10 * H), "queued");
	ck_assert_str_eq(due_outcome(&cs, &steps[0], 11 * H - 1), "queued");
	ck_assert_str_eq(due_outcome(&cs, &steps[0], 11 * H), "superseded");
}
END_TEST

static Suite *
due_suite(void)
{
	Suite *s = suite_create("due");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_next_is_earliest_unfired);
	tcase_add_test(tc, test_next_skips_handled_instant);
	tcase_add_test(tc, test_next_none_left);
	tcase_add_test(tc, test_outcome_after_downtime);
	tcase_add_test(tc, test_outcome_on_time);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(due_suite)
