/*
 * test_calendar.c: placeholder until the hand-worked suite lands.
 */
#include "unit.h"
#include "calendar.h"

START_TEST(test_epoch)
{
	ck_assert_int_eq(civil_days(1970, 1, 1), 0);
	ck_assert_int_eq(civil_days(2101, 1, 1), CAL_END_DAY);
}
END_TEST

static Suite *
calendar_suite(void)
{
	Suite *s = suite_create("calendar");
	TCase *tc = tcase_create("civil");

	tcase_add_test(tc, test_epoch);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(calendar_suite)
