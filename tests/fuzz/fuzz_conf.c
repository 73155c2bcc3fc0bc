/*
 * fuzz_conf.c: vigil.conf from a buffer.  Whatever the text, loading ends
 * with a configuration and no problems or with no configuration and at
 * least one, every problem names the file; each calendar of a good one
 * answers a due date and lists a year's closed days.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>

#include "conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct diag dg = { 0 };
	struct cal_day days[64];
	struct conf *c;
	int64_t due;

	c = conf_load_buffer("fuzz.conf", (const char *)data, len, &dg);
	if ((c == NULL) != (dg.n > 0))
		abort();
	for (size_t i = 0; i < dg.n; i++)
		if (dg.v[i].msg[0] == '\0' || dg.v[i].line < 0)
			abort();
	for (size_t i = 0; c != NULL && i < c->calendars.n; i++) {
		const struct calendar *cal = c->calendars.v[i];

		/* 2026-04-01T10:00Z: one working day on, never before. */
		if (cal_add(cal, DUR_WORKING_DAYS, 1, 1775037600, &due) == 0 &&
		    due < 1775037600)
			abort();
		if (cal_closed_days(cal, 2026, days, nitems(days)) >
		    nitems(days))
			abort();
	}
	conf_free(c);
	diag_clear(&dg);
	return 0;
}
