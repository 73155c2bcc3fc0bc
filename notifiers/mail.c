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
 */
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "addr.h"
#include "backend.h"
#include "utf8.h"

struct out {
	char	*s;
	size_t	 len, cap;
};

static void
put(struct out *o, const char *s, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		o->cap = (o->len + n + 1) * 2;
		o->s = xreallocarray(o->s, o->cap, 1);
	}
	memcpy(o->s + o->len, s, n);
	o->len += n;
	o->s[o->len] = '\0';
}

static void
puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

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
	struct out o = { 0 };
	size_t len = strlen(s), off = 0;

	put(&o, "", 0);
	if (plain_ascii(s) && len <= 66) {
		puts_(&o, s);
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
			puts_(&o, "\r\n ");
		puts_(&o, "=?UTF-8?B?");
		puts_(&o, (const char *)b64);
		puts_(&o, "?=");
		off += n;
	}
	return o.s;
}

/* "Name" <addr>, with the name quoted or encoded as it needs. */
static void
put_mailbox(struct out *o, const char *name, const char *addr)
{
	if (name != NULL && *name != '\0') {
		if (plain_ascii(name) && strlen(name) <= 200) {
			put(o, "\"", 1);
			for (const char *p = name; *p; p++) {
				if (*p == '"' || *p == '\\')
					put(o, "\\", 1);
				put(o, p, 1);
			}
			put(o, "\" ", 2);
		} else {
			char *w = mail_header_words(name);

			puts_(o, w);
			puts_(o, " ");
			free(w);
		}
	}
	puts_(o, "<");
	puts_(o, addr);
	puts_(o, ">");
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
	struct out o = { 0 };
	size_t col = 0;

	put(&o, "", 0);
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		char enc[4];
		size_t n;
		int at_eol;

		if (*p == '\r' && p[1] == '\n')
			continue;
		if (*p == '\n') {
			puts_(&o, "\r\n");
			col = 0;
			continue;
		}
		at_eol = p[1] == '\0' || p[1] == '\n' ||
		    (p[1] == '\r' && p[2] == '\n');
		if ((*p >= 33 && *p <= 126 && *p != '=' &&
		    !(col == 0 && (*p == '.' || *p == 'F'))) ||
		    ((*p == ' ' || *p == '\t') && !at_eol)) {
			enc[0] = (char)*p;
			n = 1;
		} else {
			enc[0] = '=';
			enc[1] = hex[*p >> 4];
			enc[2] = hex[*p & 15];
			n = 3;
		}
		/* Leave room for the "=" of a soft break. */
		if (col + n > 75) {
			puts_(&o, "=\r\n");
			col = 0;
			if (enc[0] == '.' || enc[0] == 'F') {
				enc[0] = '=';
				enc[1] = hex[*p >> 4];
				enc[2] = hex[*p & 15];
				n = 3;
			}
		}
		put(&o, enc, n);
		col += n;
	}
	if (col > 0)
		puts_(&o, "\r\n");
	return o.s;
}

static void
put_date(struct out *o, int64_t now)
{
	static const char *const days[] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
	};
	static const char *const months[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
		"Oct", "Nov", "Dec",
	};
	time_t t = (time_t)now;
	struct tm tm;
	char buf[64];

	gmtime_r(&t, &tm);
	snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	puts_(o, buf);
}

/* The whole message; *len gets its length.  Allocated. */
char *
mail_format(const struct mail_from *from, const struct message *m,
    int64_t now, size_t *len)
{
	struct out o = { 0 };
	char *w, *body;

	put(&o, "", 0);
	puts_(&o, "Date: ");
	put_date(&o, now);
	puts_(&o, "\r\nFrom: ");
	put_mailbox(&o, from->name, from->addr);
	puts_(&o, "\r\nTo: ");
	put_mailbox(&o, m->to_name, m->to);
	w = mail_header_words(m->subject ? m->subject : "");
	puts_(&o, "\r\nSubject: ");
	puts_(&o, w);
	free(w);
	puts_(&o, "\r\nMessage-ID: <");
	puts_(&o, m->key);
	puts_(&o, "@");
	puts_(&o, addr_email_domain(from->addr));
	puts_(&o, ">\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "Auto-Submitted: auto-generated\r\n"
	    "X-Auto-Response-Suppress: All\r\n"
	    "\r\n");
	body = mail_quoted_printable(m->body);
	puts_(&o, body);
	free(body);
	*len = o.len;
	return o.s;
}
