/*
 * bench_calendar.c: due dates per second for "N working days" on the
 * default calendar, from random starts over 2000-2100.
 *
 *	bench_calendar [-n COUNT] [-s SEED] [-o FILE] [-H FILE]
 *
 * Starts are a random date and a random minute inside office hours (so that
 * the due date is the same date a date-only library would give), N is 1-5.
 * Prints the rate; with -o, writes "START-DATE N DUE-DATE" lines for
 * bench/wcompare.py to compare; with -H, the closed weekdays of
 * 2000-2100 as "DATE NAME" lines, to explain any difference.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "calendar.h"

struct sample {
	int64_t	 start;
	int64_t	 n;
	int64_t	 due;
};

/* splitmix64: a fixed seed gives the same starts on every machine. */
static uint64_t
next_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
date(const struct calendar *c, int64_t t, char *buf, size_t len)
{
	int32_t day, secs;
	int y, m, d;

	cal_local(c, t, &day, &secs);
	civil_from_days(day, &y, &m, &d);
	snprintf(buf, len, "%04d-%02d-%02d", y, m, d);
}

int
main(int argc, char **argv)
{
	struct diag dg = { 0 };
	struct calendar *c;
	struct sample *v;
	const char *out = NULL, *hols = NULL;
	uint64_t seed = 20260401;
	size_t count = 200000, rounds = 0, done = 0;
	int32_t first = civil_days(2000, 1, 1), last = civil_days(2100, 12, 1);
	double t0, t1;
	int ch;

	while ((ch = getopt(argc, argv, "H:n:o:s:")) != -1) {
		switch (ch) {
		case 'H':
			hols = optarg;
			break;
		case 'n':
			count = strtoul(optarg, NULL, 10);
			break;
		case 'o':
			out = optarg;
			break;
		case 's':
			seed = strtoull(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: bench_calendar [-n COUNT] "
			    "[-s SEED] [-o FILE] [-H FILE]\n");
			return 2;
		}
	}
	if (count == 0)
		return 2;
	log_init("bench_calendar", LOG_TO_STDERR, 6);
	c = cal_new("default");
	if (cal_prepare(c, NULL, &dg, "bench") == -1) {
		diag_print(&dg, stderr);
		return 1;
	}
	v = xcalloc(count, sizeof *v);
	for (size_t i = 0; i < count; i++) {
		int32_t day = first + (int32_t)(next_rand(&seed) %
		    (uint64_t)(last - first));
		int32_t secs = 9 * 3600 + 60 + (int32_t)(next_rand(&seed) %
		    (8 * 60 - 1)) * 60;

		v[i].start = tz_local_to_utc(c->tz, (int64_t)day * 86400 + secs);
		v[i].n = 1 + (int64_t)(next_rand(&seed) % 5);
	}

	/* Whole passes over the set until at least a second has gone by. */
	t0 = now();
	do {
		for (size_t i = 0; i < count; i++)
			if (cal_add(c, DUR_WORKING_DAYS, v[i].n, v[i].start,
			    &v[i].due) == -1)
				fatalx("sample %zu out of range", i);
		done += count;
		rounds++;
		t1 = now();
	} while (t1 - t0 < 1.0);
	printf("vigil: %zu due dates in %.3f s: %.0f per second\n", done,
	    t1 - t0, done / (t1 - t0));

	if (out != NULL) {
		FILE *fp = fopen(out, "w");
		char a[16], b[16];

		if (fp == NULL)
			fatal("%s", out);
		for (size_t i = 0; i < count; i++) {
			date(c, v[i].start, a, sizeof a);
			date(c, v[i].due, b, sizeof b);
			fprintf(fp, "%s %lld %s\n", a, (long long)v[i].n, b);
		}
		if (fclose(fp) == EOF)
			fatal("%s", out);
	}
	if (hols != NULL) {
		FILE *fp = fopen(hols, "w");
		struct cal_day days[HOL_MAX_PER_YEAR];

		if (fp == NULL)
			fatal("%s", hols);
		for (int y = 2000; y <= 2100; y++) {
			size_t n = cal_closed_days(c, y, days, nitems(days));

			for (size_t i = 0; i < n; i++) {
				int yy, m, d;

				civil_from_days(days[i].day, &yy, &m, &d);
				fprintf(fp, "%04d-%02d-%02d %s\n", yy, m, d,
				    days[i].name);
			}
		}
		if (fclose(fp) == EOF)
			fatal("%s", hols);
	}
	free(v);
	cal_free(c);
	diag_clear(&dg);
	return 0;
}
