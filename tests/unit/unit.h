/*
 * unit.h: what every unit-test program shares.  Each tests/unit/test_X.c
 * builds one Suite and ends with UNIT_MAIN(X_suite).
 */
#ifndef UNIT_H
#define UNIT_H

#include <check.h>
#include <stdlib.h>

#define UNIT_MAIN(suite_fn)						\
int									\
main(void)								\
{									\
	SRunner *sr = srunner_create(suite_fn());			\
	int failed;							\
									\
	srunner_run_all(sr, CK_ENV);					\
	failed = srunner_ntests_failed(sr);				\
	srunner_free(sr);						\
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;		\
}

/* The source tree, for fixtures (set by the Makefile's test environment). */
static inline const char *
unit_srcdir(void)
{
	const char *d = getenv("top_srcdir");

	return d && *d ? d : ".";
}

#endif
