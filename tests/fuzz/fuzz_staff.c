/*
 * fuzz_staff.c: staff.ini loading.  Whatever the input, loading either
 * reports problems or gives a directory whose promises hold: every manager
 * and member resolves, and no chain of line managers goes round forever.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>

#include "staff.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct diag dg = { 0 };
	struct staff *st;
	size_t n;

	st = staff_load_buffer("fuzz", (const char *)data, len, &dg);
	if (st != NULL && dg.n != 0)
		abort();
	n = staff_count(st);
	for (size_t i = 0; i < n; i++) {
		const struct staff_person *p = staff_get(st, i), *m = p;
		size_t up = 0;

		if (staff_find(st, p->id) == NULL || p->name == NULL ||
		    p->email == NULL)
			abort();
		if (p->unix_user != NULL && staff_find_unix(st, p->unix_user) !=
		    p)
			abort();
		if ((p->manager_id == NULL) != (p->manager == NULL))
			abort();
		while ((m = m->manager) != NULL)
			if (++up > n)
				abort();	/* a cycle got through */
		if (staff_manager(p, (int)up + 1) != NULL)
			abort();
	}
	for (size_t i = 0; i < staff_group_count(st); i++) {
		const struct staff_group *g = staff_group_get(st, i);

		if (staff_group(st, g->name) != g)
			abort();
		for (size_t k = 0; k < g->nmembers; k++)
			if (staff_find(st, g->members[k]->id) != g->members[k])
				abort();
	}
	if (st != NULL && (staff_group(st, STAFF_FALLBACK) == NULL ||
	    staff_group(st, STAFF_ADMINS) == NULL))
		abort();
	staff_free(st);
	diag_clear(&dg);
	return 0;
}
