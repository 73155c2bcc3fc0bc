/*
 * fuzz_time.c: iso_parse() against a time zone chosen by the first byte,
 * with three oracles: a parsed instant prints and parses back to itself;
 * without an offset, the instant shows the local time typed, or is the
 * first instant after a clock-change gap; an ambiguous time takes the
 * earlier instant.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>

#include "calendar.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const zones[] = {
	"Europe/London", "America/New_York", "Australia/Sydney",
	"Australia/Lord_Howe", "Europe/Dublin", "America/St_Johns",
	"Pacific/Chatham", "Asia/Kolkata", "UTC"
};
#define NPICK	(nitems(zones) - 2)	/* the last two are oracles */

static struct tz *
zone(size_t i)
{
	static struct tz *z[nitems(zones)];
	char err[256];

	if (z[i] == NULL && (z[i] = tz_load(zones[i], err, sizeof err)) == NULL)
		abort();
	return z[i];
}

/* Whether local time "local" is shown by instant u. */
static int
shows(const struct tz *z, int64_t u, int64_t local)
{
	return u + tz_offset(z, u) == local;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const struct tz *z, *utc, *kol;
	char *s, err[256], buf[ISO_LEN];
	int64_t t, t_utc, t_kol, back;

	if (len == 0)
		return 0;
	z = zone(data[0] % NPICK);
	kol = zone(nitems(zones) - 2);
	utc = zone(nitems(zones) - 1);
	s = malloc(len);
	memcpy(s, data + 1, len - 1);
	s[len - 1] = '\0';
	if (iso_parse(s, z, &t, err, sizeof err) == -1) {
		if (strncmp(err, "bad time \"", 10) != 0)
			abort();
		free(s);
		return 0;
	}
	/* Printed with its offset, it parses back to itself. */
	iso_format(t, z, buf, sizeof buf);
	if (iso_parse(buf, z, &back, err, sizeof err) == 0 && back != t)
		abort();

	/*
	 * Kolkata (+05:30 since 1945) reads a time without an offset 5 h 30
	 * earlier than UTC does; a time with one, the same.
	 */
	if (iso_parse(s, kol, &t_kol, err, sizeof err) == -1 ||
	    iso_parse(s, utc, &t_utc, err, sizeof err) == -1)
		abort();
	if (t_utc - t_kol == 19800) {
		int64_t local = t_utc;

		if (!shows(z, t, local)) {
			/* A gap: t is the change, and local fell inside. */
			if (tz_offset(z, t) == tz_offset(z, t - 1) ||
			    t - 1 + tz_offset(z, t - 1) >= local ||
			    t + tz_offset(z, t) <= local)
				abort();
		}
		/* No earlier instant shows it (ambiguity: the earlier). */
		for (int64_t o = -26 * 3600; o <= 26 * 3600; o += 900)
			if (local - o < t && shows(z, local - o, local))
				abort();
	} else if (t_utc != t_kol || t_utc != t)
		abort();
	free(s);
	return 0;
}
