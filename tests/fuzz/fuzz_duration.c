/*
 * fuzz_duration.c: the duration parser, and every parsed duration applied
 * to a calendar from a fixed start.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>

#include "calendar.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct calendar *cal;
	struct diag dg = { 0 };
	struct duration d;
	char *s, err[256];
	int64_t due;

	if (cal == NULL) {
		cal = cal_new("default");
		if (cal_prepare(cal, NULL, &dg, "fuzz") == -1)
			abort();
	}
	s = malloc(len + 1);
	memcpy(s, data, len);
	s[len] = '\0';
	if (dur_parse(s, &d, err, sizeof err) == 0 && !d.calendar[0]) {
		/* 2026-04-01T10:00Z, and the same duration backwards. */
		if (cal_add(cal, d.unit, d.n, 1775037600, &due) == 0 &&
		    due < 1775037600)
			abort();
		if (cal_sub(cal, d.unit, d.n, 1775037600, &due) == 0 &&
		    due > 1775037600)
			abort();
	}
	free(s);
	return 0;
}
