/*
 * utf8.c: decoding that never reads past the end and never accepts overlong
 * forms, surrogates or values above U+10FFFF.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <string.h>

#include "utf8.h"

/*
 * Decode the character at s (len bytes left, len > 0) into *cp and return its
 * length in bytes; a malformed sequence gives UTF8_BAD and length 1.
 */
size_t
utf8_next(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c, min;
	size_t n;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if ((p[0] & 0xE0) == 0xC0) {
		n = 2;
		c = p[0] & 0x1F;
		min = 0x80;
	} else if ((p[0] & 0xF0) == 0xE0) {
		n = 3;
		c = p[0] & 0x0F;
		min = 0x800;
	} else if ((p[0] & 0xF8) == 0xF0) {
		n = 4;
		c = p[0] & 0x07;
		min = 0x10000;
	} else
		goto bad;
	if (len < n)
		goto bad;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			goto bad;
		c = (c << 6) | (p[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		goto bad;
	*cp = c;
	return n;
bad:
	*cp = UTF8_BAD;
	return 1;
}

int
utf8_valid(const char *s, size_t len)
{
	uint32_t c;
	size_t n;

	while (len > 0) {
		n = utf8_next(s, len, &c);
		if (c == UTF8_BAD && !(n == 3 &&
		    memcmp(s, "\xEF\xBF\xBD", 3) == 0))
			return 0;
		s += n;
		len -= n;
	}
	return 1;
}

/*
 * Valid UTF-8 with no control characters (C0, DEL, C1, line and paragraph
 * separators): fit for a name, a title or a mail header.
 */
int
utf8_clean_line(const char *s)
{
	size_t len = strlen(s), n;
	uint32_t c;

	if (!utf8_valid(s, len))
		return 0;
	while (len > 0) {
		n = utf8_next(s, len, &c);
		if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 ||
		    c == 0x2029)
			return 0;
		s += n;
		len -= n;
	}
	return 1;
}
