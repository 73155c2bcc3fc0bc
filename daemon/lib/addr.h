/*
 * addr.h: the shapes of the addresses vigil sends to, checked once when the
 * staff directory and the configuration are read, so that nothing malformed
 * ever reaches an SMTP envelope, a mail header or an SMS gateway.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#ifndef ADDR_H
#define ADDR_H

#include "vigil.h"

#define ADDR_EMAIL_MAX	254	/* RFC 5321 path, less the brackets */
#define ADDR_E164_MAX	16	/* "+" and at most 15 digits */

int	 addr_email_ok(const char *, char *, size_t);
int	 addr_e164_ok(const char *, char *, size_t);
const char *addr_email_domain(const char *);

#endif
