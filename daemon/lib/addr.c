/*
 * addr.c: email addresses and phone numbers as vigil accepts them.
 *
 * Deliberately narrower than RFC 5322: a dot-atom local part and a host name
 * with at least one dot, ASCII only.  Quoted local parts, comments, address
 * literals and internationalised addresses are refused: a staff directory
 * never needs them, and refusing them means an address can go into a header
 * or an SMTP command without any quoting.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <string.h>

#include "addr.h"

/* RFC 5322 atext, less nothing: the characters of a dot-atom. */
static int
atext(int c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

static int
ldh(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-';
}

int
addr_email_ok(const char *s, char *err, size_t errlen)
{
	const char *at = strrchr(s, '@'), *p, *label;
	size_t n = strlen(s);

	if (n == 0 || n > ADDR_EMAIL_MAX) {
		snprintf(err, errlen, "an email address has 3 to %d characters",
		    ADDR_EMAIL_MAX);
		return 0;
	}
	if (at == NULL || at == s || at[1] == '\0') {
		snprintf(err, errlen, "\"%s\" is not an email address "
		    "(expected name@example.org)", s);
		return 0;
	}
	if (at - s > 64) {
		snprintf(err, errlen, "the part before @ in \"%s\" is longer "
		    "than 64 characters", s);
		return 0;
	}
	for (p = s; p < at; p++) {
		if (*p == '.' && (p == s || p[1] == '.' || p + 1 == at))
			goto bad;
		if (*p != '.' && !atext((unsigned char)*p))
			goto bad;
	}
	if (strchr(at + 1, '.') == NULL) {
		snprintf(err, errlen, "the domain of \"%s\" has no dot", s);
		return 0;
	}
	for (label = p = at + 1;; p++) {
		if (*p == '.' || *p == '\0') {
			if (p == label || p - label > 63 || label[0] == '-' ||
			    p[-1] == '-')
				goto bad;
			if (*p == '\0')
				break;
			label = p + 1;
		} else if (!ldh((unsigned char)*p))
			goto bad;
	}
	return 1;
bad:
	snprintf(err, errlen, "\"%.*s\" is not an email address vigil accepts "
	    "(letters, digits and !#$%%&'*+-/=?^_`{|}~. before the @, a host "
	    "name after it)", 80, s);
	return 0;
}

/* The domain part, for Message-IDs. */
const char *
addr_email_domain(const char *s)
{
	const char *at = strrchr(s, '@');

	return at ? at + 1 : s;
}

/* E.164: "+", a country code that does not start with 0, 8 to 15 digits. */
int
addr_e164_ok(const char *s, char *err, size_t errlen)
{
	size_t n = 0;

	if (s[0] != '+' || s[1] < '1' || s[1] > '9')
		goto bad;
	for (const char *p = s + 1; *p; p++, n++)
		if (*p < '0' || *p > '9')
			goto bad;
	if (n >= 8 && n <= 15)
		return 1;
bad:
	snprintf(err, errlen, "\"%.*s\" is not a phone number in E.164 form "
	    "(expected + and the country code, e.g. +447700900123)", 40, s);
	return 0;
}
