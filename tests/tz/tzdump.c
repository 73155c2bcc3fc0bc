/*
 * tzdump.c: what tz.c answers for each zone named, for zoneinfo.test to
 * compare with Python's zoneinfo (an independent reader of the same
 * files).  Prints "off ZONE UTC OFFSET" for instants spread over 1970-2100
 * and "l2u ZONE LOCAL UTC" for local times around every clock change.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include "tz.h"

static uint64_t
next(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 16;
}

int
main(int argc, char **argv)
{
	const int64_t end = 4133980800LL;	/* 2101-01-01 */
	uint64_t s = 20260401;
	char err[256];

	for (int a = 1; a < argc; a++) {
		struct tz *z = tz_load(argv[a], err, sizeof err);

		if (z == NULL) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		for (int i = 0; i < 2000; i++) {
			int64_t t = (int64_t)(next(&s) % (uint64_t)end);

			printf("off %s %lld %d\n", argv[a], (long long)t,
			    tz_offset(z, t));
		}
		/* Gaps and folds: local times from 2 h before to 2 h after. */
		for (size_t k = 0; k < z->n; k++) {
			if (z->at[k] < 86400 || z->at[k] >= end)
				continue;
			for (int d = -4; d <= 4; d++) {
				int64_t local = z->at[k] + z->off[k] + d * 1800 +
				    (int64_t)(next(&s) % 30) * 60 - 3600;

				printf("l2u %s %lld %lld\n", argv[a],
				    (long long)local,
				    (long long)tz_local_to_utc(z, local));
			}
		}
		tz_free(z);
	}
	return 0;
}
