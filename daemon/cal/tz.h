/*
 * tz.h: IANA time zones read from the system's TZif files, with the POSIX
 * footer rule expanded so that conversions stay right until TZ_LAST_YEAR.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#ifndef TZ_H
#define TZ_H

#include "civil.h"
#include "vigil.h"

#define TZ_LAST_YEAR	2200

struct tz {
	char	*name;
	int64_t	*at;		/* transition instants (UTC), ascending */
	int32_t	*off;		/* UTC offset in force from at[i] on */
	size_t	 n;
	int32_t	 off0;		/* offset before the first transition */
};

struct tz *tz_load(const char *, char *, size_t);
struct tz *tz_load_file(const char *, const char *, char *, size_t);
void	 tz_free(struct tz *);
int32_t	 tz_offset(const struct tz *, int64_t);
int64_t	 tz_local_to_utc(const struct tz *, int64_t);

#endif
