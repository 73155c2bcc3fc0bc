/*
 * mail.c: the one way vigil writes an email, for SMTP and for .eml files.
 *
 * The message is 7-bit clean whatever the text (quoted-printable body,
 * RFC 2047 words in headers), so it passes any relay unchanged, and a line
 * never starts with "." or "From ", so neither SMTP dot-stuffing nor mbox
 * quoting can alter it.  The headers are exactly these:
 *
 *	Date, From, To, Subject, Message-ID (<KEY@domain of From>),
 *	MIME-Version, Content-Type, Content-Transfer-Encoding,
 *	Auto-Submitted (RFC 3834: no out-of-office replies) and
 *	X-Auto-Response-Suppress (the same, for Exchange).
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <string.h>

#include <openssl/evp.h>

#include "addr.h"
#include "backend.h"
#include "utf8.h"

static int
plain_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7E)
			return 0;
	return 1;
}

/*
 * A header value as RFC 2047 encoded words: base64 UTF-8 in pieces of at
 * most 36 bytes (never splitting a character), folded one per line, so
 * that even the first line, after "Subject: ", stays within 76.  Short
 * plain ASCII stays as it is.
 */
char *
mail_header_words(const char *s)
{
	struct buf o = { 0 };
	size_t len = strlen(s), off = 0;

	buf_add(&o, "", 0);
	if (plain_ascii(s) && len <= 66) {
		buf_puts(&o, s);
		return o.s;
	}
	while (off < len) {
		unsigned char b64[64 + 1];
		size_t n = 0, k;
		uint32_t cp;

		while (off + n < len) {
			k = utf8_next(s + off + n, len - off - n, &cp);
			if (n + k > 36)
				break;
			n += k;
		}
		EVP_EncodeBlock(b64, (const unsigned char *)s + off, (int)n);
		if (off > 0)
			buf_puts(&o, "\r\n ");
		buf_puts(&o, "=?UTF-8?B?");
		buf_puts(&o, (const char *)b64);
		buf_puts(&o, "?=");
		off += n;
	}
	return o.s;
}

/* "Name" <addr>, with the name quoted or encoded as it needs. */
static void
put_mailbox(struct buf *o, const char *name, const char *addr)
{
	if (name != NULL && *name != '\0') {
		if (plain_ascii(name) && strlen(name) <= 200) {
			buf_add(o, "\"", 1);
			for (const char *p = name; *p; p++) {
				if (*p == '"' || *p == '\\')
					buf_add(o, "\\", 1);
				buf_add(o, p, 1);
			}
			buf_add(o, "\" ", 2);
		} else {
			char *w = mail_header_words(name);

			buf_puts(o, w);
			buf_puts(o, " ");
			free(w);
		}
	}
	buf_puts(o, "<");
	buf_puts(o, addr);
	buf_puts(o, ">");
}

/*
 * Text (LF or CRLF lines) as quoted-printable with CRLF lines of at most 76
 * characters.  Besides what RFC 2045 requires, "." and "F" at the start of
 * a line are encoded (see the top of this file).
 */
char *
mail_quoted_printable(const char *text)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf o = { 0 };
	size_t col = 0;

	buf_add(&o, "", 0);
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		char enc[3] = { '=', hex[*p >> 4], hex[*p & 15] };
		size_t n;
		int at_eol;

		if (*p == '\r' && p[1] == '\n')
			continue;
		if (*p == '\n') {
			buf_puts(&o, "\r\n");
			col = 0;
			continue;
		}
		at_eol = p[1] == '\0' || p[1] == '\n' ||
		    (p[1] == '\r' && p[2] == '\n');
		n = (*p >= 33 && *p <= 126 && *p != '=') ||
		    ((*p == ' ' || *p == '\t') && !at_eol) ? 1 : 3;
		/* Leave room for the "=" of a soft break. */
		if (col + n > 75) {
			buf_puts(&o, "=\r\n");
			col = 0;
		}
		/* At a line's start, also after a soft break. */
		if (col == 0 && (*p == '.' || *p == 'F'))
			n = 3;
		if (n == 1)
			enc[0] = (char)*p;
		buf_add(&o, enc, n);
		col += n;
	}
	if (col > 0)
		buf_puts(&o, "\r\n");
	return o.s;
}

static void
put_date(struct buf *o, int64_t now)
{
	int32_t secs, day = civil_split(now, &secs);
	int y, m, d;
	char buf[64];

	civil_from_days(day, &y, &m, &d);
	snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000",
	    civil_weekday_names[civil_weekday(day)], d, civil_month_names[m - 1],
	    y, secs / 3600, secs / 60 % 60, secs % 60);
	buf_puts(o, buf);
}

/* The whole message; *len gets its length.  Allocated. */
char *
mail_format(const struct mail_from *from, const struct message *m,
    int64_t now, size_t *len)
{
	struct buf o = { 0 };
	char *w, *body;

	buf_add(&o, "", 0);
	buf_puts(&o, "Date: ");
	put_date(&o, now);
	buf_puts(&o, "\r\nFrom: ");
	put_mailbox(&o, from->name, from->addr);
	buf_puts(&o, "\r\nTo: ");
	put_mailbox(&o, m->to_name, m->to);
	w = mail_header_words(m->subject ? m->subject : "");
	buf_puts(&o, "\r\nSubject: ");
	buf_puts(&o, w);
	free(w);
	buf_puts(&o, "\r\nMessage-ID: <");
	buf_puts(&o, m->key);
	buf_puts(&o, "@");
	buf_puts(&o, addr_email_domain(from->addr));
	buf_puts(&o, ">\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "Auto-Submitted: auto-generated\r\n"
	    "X-Auto-Response-Suppress: All\r\n"
	    "\r\n");
	body = mail_quoted_printable(m->body);
	buf_puts(&o, body);
	free(body);
	*len = o.len;
	return o.s;
}
