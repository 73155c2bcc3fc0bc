/*
 * civil.h: proleptic Gregorian dates as days since 1970-01-01.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#ifndef CIVIL_H
#define CIVIL_H

#include <stdint.h>

int32_t	 civil_days(int, int, int);
void	 civil_from_days(int32_t, int *, int *, int *);
int	 civil_weekday(int32_t);	/* 0 = Monday ... 6 = Sunday */
int	 civil_days_in_month(int, int);
int64_t	 floor_div(int64_t, int64_t);
int32_t	 civil_split(int64_t, int32_t *);
extern const char *const civil_weekday_names[7];	/* "Mon" ... */
extern const char *const civil_month_names[12];	/* "Jan" ... */

#endif
