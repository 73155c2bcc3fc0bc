/*
 * gsm7.c: map any UTF-8 text onto the GSM 03.38 default alphabet and its
 * extension table, counting septets (an escaped character takes two).
 *
 * Characters outside the alphabet are transliterated where a reader would
 * not notice (accents, typographic quotes and dashes, odd spaces) and become
 * "?" otherwise.  The result is UTF-8 that every gateway sends as GSM-7.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <string.h>

#include "gsm7.h"
#include "utf8.h"
#include "vigil.h"

/* The default alphabet by septet; 0x1B, the escape, is no character. */
static const uint16_t gsm7_basic[128] = {
	0x0040, 0x00A3, 0x0024, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC,
	0x00F2, 0x00C7, 0x000A, 0x00D8, 0x00F8, 0x000D, 0x00C5, 0x00E5,
	0x0394, 0x005F, 0x03A6, 0x0393, 0x039B, 0x03A9, 0x03A0, 0x03A8,
	0x03A3, 0x0398, 0x039E, 0x0000, 0x00C6, 0x00E6, 0x00DF, 0x00C9,
	0x0020, 0x0021, 0x0022, 0x0023, 0x00A4, 0x0025, 0x0026, 0x0027,
	0x0028, 0x0029, 0x002A, 0x002B, 0x002C, 0x002D, 0x002E, 0x002F,
	0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037,
	0x0038, 0x0039, 0x003A, 0x003B, 0x003C, 0x003D, 0x003E, 0x003F,
	0x00A1, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047,
	0x0048, 0x0049, 0x004A, 0x004B, 0x004C, 0x004D, 0x004E, 0x004F,
	0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057,
	0x0058, 0x0059, 0x005A, 0x00C4, 0x00D6, 0x00D1, 0x00DC, 0x00A7,
	0x00BF, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067,
	0x0068, 0x0069, 0x006A, 0x006B, 0x006C, 0x006D, 0x006E, 0x006F,
	0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077,
	0x0078, 0x0079, 0x007A, 0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0,
};

/* The extension table: each costs an escape septet as well. */
static const uint16_t gsm7_ext[] = {
	'^', '{', '}', '\\', '[', '~', ']', '|', 0x20AC,
};

/* Near enough, for text a person reads. */
static const struct {
	uint16_t cp;
	const char *to;
} gsm7_translit[] = {
	{ 0x0009, " " }, { 0x000D, "" }, { 0x0060, "'" }, { 0x00A0, " " },
	{ 0x00AB, "\"" }, { 0x00AD, "" }, { 0x00B4, "'" }, { 0x00B7, "-" },
	{ 0x00BB, "\"" }, { 0x00C0, "A" }, { 0x00C1, "A" }, { 0x00C2, "A" },
	{ 0x00C3, "A" }, { 0x00C8, "E" }, { 0x00CA, "E" }, { 0x00CB, "E" },
	{ 0x00CC, "I" }, { 0x00CD, "I" }, { 0x00CE, "I" }, { 0x00CF, "I" },
	{ 0x00D2, "O" }, { 0x00D3, "O" }, { 0x00D4, "O" }, { 0x00D5, "O" },
	{ 0x00D7, "x" }, { 0x00D9, "U" }, { 0x00DA, "U" }, { 0x00DB, "U" },
	{ 0x00DD, "Y" }, { 0x00E1, "a" }, { 0x00E2, "a" }, { 0x00E3, "a" },
	{ 0x00E7, "c" }, { 0x00EA, "e" }, { 0x00EB, "e" }, { 0x00ED, "i" },
	{ 0x00EE, "i" }, { 0x00EF, "i" }, { 0x00F3, "o" }, { 0x00F4, "o" },
	{ 0x00F5, "o" }, { 0x00F7, "/" }, { 0x00FA, "u" }, { 0x00FB, "u" },
	{ 0x00FD, "y" }, { 0x00FF, "y" }, { 0x0100, "A" }, { 0x0101, "a" },
	{ 0x0103, "a" }, { 0x0105, "a" }, { 0x0106, "C" }, { 0x0107, "c" },
	{ 0x010C, "C" }, { 0x010D, "c" }, { 0x010F, "d" }, { 0x0112, "E" },
	{ 0x0113, "e" }, { 0x0118, "E" }, { 0x0119, "e" }, { 0x011A, "E" },
	{ 0x011B, "e" }, { 0x011F, "g" }, { 0x012B, "i" }, { 0x0131, "i" },
	{ 0x0141, "L" }, { 0x0142, "l" }, { 0x0144, "n" }, { 0x0148, "n" },
	{ 0x014D, "o" }, { 0x0151, "o" }, { 0x0152, "OE" }, { 0x0153, "oe" },
	{ 0x0159, "r" }, { 0x015A, "S" }, { 0x015B, "s" }, { 0x015F, "s" },
	{ 0x0160, "S" }, { 0x0161, "s" }, { 0x0165, "t" }, { 0x016B, "u" },
	{ 0x016F, "u" }, { 0x0171, "u" }, { 0x0174, "W" }, { 0x0175, "w" },
	{ 0x0176, "Y" }, { 0x0177, "y" }, { 0x0178, "Y" }, { 0x0179, "Z" },
	{ 0x017A, "z" }, { 0x017B, "Z" }, { 0x017C, "z" }, { 0x017D, "Z" },
	{ 0x017E, "z" }, { 0x2002, " " }, { 0x2003, " " }, { 0x2009, " " },
	{ 0x200A, " " }, { 0x200B, "" }, { 0x200C, "" }, { 0x200D, "" },
	{ 0x2010, "-" }, { 0x2011, "-" }, { 0x2012, "-" }, { 0x2013, "-" },
	{ 0x2014, "-" }, { 0x2018, "'" }, { 0x2019, "'" }, { 0x201A, "'" },
	{ 0x201C, "\"" }, { 0x201D, "\"" }, { 0x201E, "\"" }, { 0x2022, "-" },
	{ 0x2026, "..." }, { 0x2028, "\n" }, { 0x2032, "'" }, { 0x2033, "\"" },
	{ 0x202F, " " }, { 0x2212, "-" }, { 0xFEFF, "" },
};

/* 1 or 2 for a character of the alphabet, 0 for any other. */
int
gsm7_septets_of(uint32_t cp)
{
	if (cp < 0x80) {
		/* ASCII: all of it but controls, DEL and "`". */
		if (cp == '\n')
			return 1;
		if (cp < 0x20 || cp == 0x7F || cp == '`')
			return 0;
		return cp != 0 && strchr("^{}\\[~]|", (int)cp) ? 2 : 1;
	}
	for (size_t i = 0; i < nitems(gsm7_basic); i++)
		if (gsm7_basic[i] == cp && cp != 0x000D)
			return 1;
	for (size_t i = 0; i < nitems(gsm7_ext); i++)
		if (gsm7_ext[i] == cp)
			return 2;
	return 0;
}

/* Septets in s, or (size_t)-1 when s holds anything outside the alphabet. */
size_t
gsm7_septets(const char *s)
{
	size_t len = strlen(s), n = 0, k;
	uint32_t cp;
	int w;

	while (len > 0) {
		k = utf8_next(s, len, &cp);
		if ((w = gsm7_septets_of(cp)) == 0)
			return (size_t)-1;
		n += (size_t)w;
		s += k;
		len -= k;
	}
	return n;
}

/* A copy of s with every character in the alphabet (allocated). */
char *
gsm7_from_utf8(const char *s)
{
	size_t len = strlen(s), k, o = 0;
	char *out = xmalloc(len * 3 + 1);	/* "..." is the longest */
	uint32_t cp;

	while (len > 0) {
		k = utf8_next(s, len, &cp);
		if (gsm7_septets_of(cp) > 0) {
			memcpy(out + o, s, k);
			o += k;
		} else {
			const char *to = "?";

			for (size_t i = 0; i < nitems(gsm7_translit); i++)
				if (gsm7_translit[i].cp == cp) {
					to = gsm7_translit[i].to;
					break;
				}
			memcpy(out + o, to, strlen(to));
			o += strlen(to);
		}
		s += k;
		len -= k;
	}
	out[o] = '\0';
	return out;
}

/*
 * The length in bytes of the longest prefix of s (already in the alphabet)
 * that fits in max septets, never splitting a character.
 */
size_t
gsm7_cut(const char *s, size_t max)
{
	size_t len = strlen(s), used = 0, off = 0, k;
	uint32_t cp;
	int w;

	while (off < len) {
		k = utf8_next(s + off, len - off, &cp);
		w = gsm7_septets_of(cp);
		if (w == 0)
			w = 2;		/* not expected: count it generously */
		if (used + (size_t)w > max)
			break;
		used += (size_t)w;
		off += k;
	}
	return off;
}
