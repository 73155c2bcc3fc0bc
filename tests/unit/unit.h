/*
 * unit.h: what every unit-test program shares.  Each tests/unit/test_X.c
 * builds one Suite and ends with UNIT_MAIN(X_suite).
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#ifndef UNIT_H
#define UNIT_H

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "vigil.h"

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

/* Is there a problem at this line whose message contains needle? */
static inline int
udiag_has(const struct diag *dg, int line, const char *needle)
{
	for (size_t i = 0; i < dg->n; i++)
		if (dg->v[i].line == line && strstr(dg->v[i].msg, needle))
			return 1;
	diag_print(dg, stderr);
	return 0;
}

/* Everything diag_print() would show, one "file:line: message" a line. */
static inline char *
udiag(const struct diag *dg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(fp);
	diag_print(dg, fp);
	fclose(fp);
	return buf;
}

#endif
