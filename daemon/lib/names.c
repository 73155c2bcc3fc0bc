/*
 * names.c: what a name and a case reference may hold, in one place, so the
 * protocol, the engine and the staff directory agree.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <string.h>

#include "vigil.h"

#define NAME_CHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789._-"

/* Starting with a letter or digit: "-x" would read as an option. */
static int
starts_ok(const char *s)
{
	return (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
	    (*s >= '0' && *s <= '9');
}

/* Events, states, deadlines, fields, flags, staff ids: [A-Za-z0-9._-]. */
int
valid_name(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= VALID_NAME_MAX && starts_ok(s) &&
	    strspn(s, NAME_CHARS) == n;
}

/* Whether s ends with suffix. */
static int
ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/*
 * A CMS case reference: the same, and '/' (HX/2026/0042); not ending in
 * '/', "/events" or "/ack", which the HTTP API's paths put after one.
 */
int
valid_ref(const char *s)
{
	size_t n = strlen(s);

	_Static_assert(VALID_REF_MAX == 64, "VALID_REF_RULE says 64");
	return n > 0 && n <= VALID_REF_MAX && starts_ok(s) &&
	    strspn(s, NAME_CHARS "/") == n && s[n - 1] != '/' &&
	    !ends_with(s, n, "/events") && !ends_with(s, n, "/ack");
}

/* POSIX portable user names, as useradd(8) takes them by default. */
int
valid_unix_user(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 32 || s[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '-' || c == '.' ||
		    (c >= 'A' && c <= 'Z')))
			return 0;
	}
	return 1;
}
