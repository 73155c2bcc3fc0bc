/*
 * gsm7.h: the GSM 03.38 alphabet that an SMS must stay within to be sent as
 * one 160-character part.  A single character outside it makes gateways
 * switch the whole message to UCS-2, where the limit is 70.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#ifndef GSM7_H
#define GSM7_H

#include <stddef.h>
#include <stdint.h>

#define GSM7_SMS_MAX	160	/* septets in a single-part SMS */

int	 gsm7_septets_of(uint32_t);
size_t	 gsm7_septets(const char *);
char	*gsm7_from_utf8(const char *);
size_t	 gsm7_cut(const char *, size_t);

#endif
