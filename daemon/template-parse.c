/*
 * template-parse.c: read a template's text into a struct tpl.
 *
 * A template is lines of text with placeholders, {ref} and so on; "{{" is a
 * literal "{".  A placeholder a kind of message cannot fill is refused here,
 * at load, rather than rendered empty.  In a digest, the lines between
 * "{items}" and "{end}" are repeated for each deadline.  An SMS's own words
 * must be sendable as GSM-7 and leave room for the values.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gsm7.h"
#include "template-int.h"
#include "utf8.h"

#define K_R	(1u << TPL_REMINDER)
#define K_E	(1u << TPL_ESCALATION)
#define K_D	(1u << TPL_DIGEST)
#define K_A	(1u << TPL_ADMIN_ALERT)
#define K_U	(1u << TPL_AUDIT_ALERT)
#define K_O	(1u << TPL_OPS_ALERT)
#define K_S	(1u << TPL_SUMMARY)

const struct ph_def tpl_ph_defs[PH_N] = {
	[PH_REF] =	{ "ref", K_R | K_E | K_D | K_A | K_S, 1, 0 },
	[PH_DEADLINE] =	{ "deadline", K_R | K_E | K_D | K_A | K_S, 1, 0 },
	[PH_DUE] =	{ "due", K_R | K_E | K_D | K_A | K_S, 1, 1 },
	[PH_LATE] =	{ "late", K_R | K_E | K_D | K_A | K_S, 1, 1 },
	[PH_OFFICER] =	{ "officer", K_R | K_E | K_D | K_A | K_S, 1, 0 },
	[PH_ACTION] =	{ "action", K_R | K_E | K_D | K_A, 1, 0 },
	[PH_LINK] =	{ "link", K_R | K_E | K_D | K_A | K_S, 1, 1 },
	[PH_LEVEL] =	{ "level", K_E | K_D | K_A, 1, 1 },
	[PH_REPEAT] =	{ "repeat", K_E | K_D | K_A, 1, 1 },
	[PH_ACKED_BY] =	{ "acked_by", K_E | K_D | K_A, 1, 0 },
	[PH_ACKED_AT] =	{ "acked_at", K_E | K_D | K_A, 1, 1 },
	[PH_COUNT] =	{ "count", K_D | K_S, 0, 1 },
	[PH_RECIPIENT] = { "recipient", K_A, 0, 0 },
	[PH_CHANNEL] =	{ "channel", K_A, 0, 1 },
	[PH_ERROR] =	{ "error", K_A | K_U | K_O, 0, 0 },
	[PH_ACK_LINK] =	{ "ack_link", K_E | K_D, 1, 1 },
	[PH_ON_TIME] =	{ "on_time", K_S, 0, 0 },
	[PH_WEB] =	{ "web", K_S, 0, 1 },
};

/* What an SMS template may spend on its own words. */
#define TPL_SMS_LITERAL_MAX	120

const char *const tpl_kind_names[TPL_NKINDS] = {
	[TPL_REMINDER] = "reminder",
	[TPL_ESCALATION] = "escalation",
	[TPL_DIGEST] = "digest",
	[TPL_ADMIN_ALERT] = "admin-alert",
	[TPL_AUDIT_ALERT] = "audit-alert",
	[TPL_OPS_ALERT] = "ops-alert",
	[TPL_SUMMARY] = "summary",
};

static void
line_free(struct line *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].text);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void
tpl_free(struct tpl *t)
{
	if (t == NULL)
		return;
	line_free(&t->subject);
	for (size_t i = 0; i < t->nlines; i++)
		line_free(&t->lines[i]);
	free(t->lines);
	free(t->name);
	free(t);
}

static void
add_part(struct line *l, int ph, const char *text, size_t len)
{
	if (ph < 0 && l->n > 0 && l->v[l->n - 1].ph < 0) {
		struct part *p = &l->v[l->n - 1];
		size_t old = strlen(p->text);

		p->text = xreallocarray(p->text, old + len + 1, 1);
		memcpy(p->text + old, text, len);
		p->text[old + len] = '\0';
		return;
	}
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n].ph = ph;
	l->v[l->n].text = ph < 0 ? xstrndup(text, len) : NULL;
	l->n++;
	if (ph >= 0)
		l->nph++;
}

static int
ph_lookup(const char *name, size_t len)
{
	for (int i = 0; i < PH_N; i++)
		if (strlen(tpl_ph_defs[i].name) == len &&
		    memcmp(tpl_ph_defs[i].name, name, len) == 0)
			return i;
	return -1;
}

static const char *
ph_list(unsigned kinds)
{
	static const char *const lists[TPL_NKINDS] = {
		[TPL_REMINDER] = "{ref} {deadline} {due} {late} {officer} "
		    "{action} {link}",
		[TPL_ESCALATION] = "{ref} {deadline} {due} {late} {officer} "
		    "{action} {link} {ack_link} {level} {repeat} {acked_by} "
		    "{acked_at}",
		[TPL_DIGEST] = "{count}, and between {items} and {end}: {ref} "
		    "{deadline} {due} {late} {officer} {action} {link} "
		    "{ack_link} {level} {repeat} {acked_by} {acked_at}",
		[TPL_ADMIN_ALERT] = "{ref} {deadline} {due} {late} {officer} "
		    "{action} {link} {level} {repeat} {acked_by} {acked_at} "
		    "{recipient} {channel} {error}",
		[TPL_AUDIT_ALERT] = "{error}",
		[TPL_OPS_ALERT] = "{error}",
		[TPL_SUMMARY] = "{count} {on_time} {web}, and between {items} "
		    "and {end}: {ref} {deadline} {due} {late} {officer} {link}",
	};

	for (int k = 0; k < TPL_NKINDS; k++)
		if (kinds == (1u << k))
			return lists[k];
	return "";
}

/* Parse one line of template text into l; 0, or -1 with a diag. */
static int
parse_line(struct tpl *t, const char *s, size_t len, int lineno, int in_block,
    struct line *l, struct diag *dg)
{
	size_t i = 0, lit = 0, namelen;

	l->lineno = lineno;
	while (i < len) {
		const char *close;
		int ph;

		if (s[i] == '}' && i + 1 < len && s[i + 1] == '}') {
			add_part(l, -1, s + lit, i - lit);
			add_part(l, -1, "}", 1);
			lit = i += 2;
			continue;
		}
		if (s[i] != '{') {
			i++;
			continue;
		}
		add_part(l, -1, s + lit, i - lit);
		if (i + 1 < len && s[i + 1] == '{') {
			add_part(l, -1, "{", 1);
			lit = i += 2;
			continue;
		}
		if ((close = memchr(s + i, '}', len - i)) == NULL) {
			diag_add(dg, t->name, lineno, "\"{\" without \"}\" "
			    "(write \"{{\" for a literal brace)");
			return -1;
		}
		namelen = (size_t)(close - s - i - 1);
		if ((ph = ph_lookup(s + i + 1, namelen)) == -1) {
			diag_add(dg, t->name, lineno, "unknown placeholder "
			    "{%.*s}; %s templates may use %s",
			    (int)(namelen > 40 ? 40 : namelen), s + i + 1,
			    tpl_kind_names[t->kind], ph_list(1u << t->kind));
			return -1;
		}
		if (!(tpl_ph_defs[ph].kinds & (1u << t->kind))) {
			diag_add(dg, t->name, lineno, "{%s} is not available "
			    "in %s templates; they may use %s",
			    tpl_ph_defs[ph].name, tpl_kind_names[t->kind],
			    ph_list(1u << t->kind));
			return -1;
		}
		if (TPL_HAS_ITEMS(t->kind) && tpl_ph_defs[ph].item &&
		    !in_block) {
			diag_add(dg, t->name, lineno, "{%s} is about one "
			    "deadline: in a %s it goes between {items} and "
			    "{end}", tpl_ph_defs[ph].name,
			    tpl_kind_names[t->kind]);
			return -1;
		}
		add_part(l, ph, NULL, 0);
		t->used |= 1u << ph;
		lit = i = (size_t)(close - s) + 1;
	}
	add_part(l, -1, s + lit, len - lit);
	return 0;
}

/* Text of a line a template may hold: UTF-8, no control characters. */
static int
text_ok(struct tpl *t, const char *s, size_t len, int lineno,
    struct diag *dg)
{
	if (memchr(s, '\0', len) != NULL) {
		diag_add(dg, t->name, lineno, "line contains a NUL byte");
		return 0;
	}
	if (!utf8_valid(s, len)) {
		diag_add(dg, t->name, lineno, "line is not valid UTF-8");
		return 0;
	}
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t') ||
		    s[i] == 0x7F) {
			diag_add(dg, t->name, lineno, "line contains a control "
			    "character");
			return 0;
		}
	return 1;
}

static int
marker(const char *s, size_t len, const char *word)
{
	size_t n = strlen(word);

	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return len == n && memcmp(s, word, n) == 0;
}

static size_t
count_char(const char *s, int c)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == c;
	return n;
}

/* SMS: literal text must be sendable as GSM-7 and leave room for values. */
static int
sms_literals(struct tpl *t, struct diag *dg)
{
	size_t total = 0;
	int bad = 0;

	for (size_t i = 0; i < t->nlines; i++) {
		struct line *l = &t->lines[i];

		for (size_t k = 0; k < l->n; k++) {
			char *g;

			if (l->v[k].ph >= 0)
				continue;
			g = gsm7_from_utf8(l->v[k].text);
			if (count_char(g, '?') > count_char(l->v[k].text, '?') &&
			    !bad) {
				diag_add(dg, t->name, l->lineno, "this text has "
				    "characters an SMS cannot carry "
				    "(GSM 03.38)");
				bad = 1;
			}
			free(l->v[k].text);
			l->v[k].text = g;
			total += gsm7_septets(g);
		}
		total += i + 1 < t->nlines;
	}
	if (total > TPL_SMS_LITERAL_MAX) {
		diag_add(dg, t->name, 0, "the SMS text is %zu characters before "
		    "any values are filled in; keep it within %d so that the "
		    "values fit in %d", total, TPL_SMS_LITERAL_MAX,
		    GSM7_SMS_MAX);
		return -1;
	}
	return bad ? -1 : 0;
}

struct tpl *
tpl_parse(const char *name, const char *buf, size_t len, enum tpl_kind kind,
    enum tpl_form form, struct diag *dg)
{
	struct tpl *t = xcalloc(1, sizeof *t);
	size_t before = dg->n, off = 0;
	int lineno = 0, top = 1, subject = form == TPL_EMAIL, blank = 0;
	int blocks = 0, in_block = 0;

	t->name = xstrdup(name);
	t->kind = kind;
	t->form = form;
	if (len > TPL_FILE_MAX) {
		diag_add(dg, name, 0, "larger than %d bytes", TPL_FILE_MAX);
		goto fail;
	}
	while (off < len) {
		const char *s = buf + off, *nl = memchr(s, '\n', len - off);
		size_t n = nl ? (size_t)(nl - s) : len - off;

		off += n + (nl != NULL);
		lineno++;
		if (n > 0 && s[n - 1] == '\r')
			n--;
		if (!text_ok(t, s, n, lineno, dg))
			continue;
		if (top && n > 0 && s[0] == '#')
			continue;	/* comments open the file */
		top = 0;
		if (subject) {
			if (n < 8 || strncasecmp(s, "Subject:", 8) != 0) {
				diag_add(dg, name, lineno, "an email template "
				    "starts with a \"Subject: ...\" line");
				goto fail;
			}
			for (s += 8, n -= 8; n > 0 && (*s == ' ' || *s == '\t');
			    s++, n--)
				;
			if (n == 0)
				diag_add(dg, name, lineno, "the subject is "
				    "empty");
			parse_line(t, s, n, lineno, 0, &t->subject, dg);
			subject = 0;
			blank = 1;
			continue;
		}
		if (blank) {
			blank = 0;
			if (n != 0) {
				diag_add(dg, name, lineno, "a blank line must "
				    "separate the Subject line from the body");
				goto fail;
			}
			continue;
		}
		if (marker(s, n, "{items}") || marker(s, n, "{end}")) {
			int start = marker(s, n, "{items}");

			if (!TPL_HAS_ITEMS(kind)) {
				diag_add(dg, name, lineno, "only digest and "
				    "summary templates repeat lines with "
				    "{items} ... {end}");
				continue;
			}
			if (start && (in_block || blocks > 0)) {
				diag_add(dg, name, lineno, "a %s has one "
				    "{items} ... {end} block",
				    tpl_kind_names[kind]);
				continue;
			}
			if (!start && !in_block) {
				diag_add(dg, name, lineno, "{end} without "
				    "{items}");
				continue;
			}
			if (start)
				t->bstart = t->nlines;
			else {
				t->bend = t->nlines;
				if (t->bend == t->bstart)
					diag_add(dg, name, lineno, "nothing "
					    "between {items} and {end}");
				blocks++;
			}
			in_block = start;
			continue;
		}
		t->lines = xreallocarray(t->lines, t->nlines + 1,
		    sizeof *t->lines);
		memset(&t->lines[t->nlines], 0, sizeof *t->lines);
		parse_line(t, s, n, lineno, in_block, &t->lines[t->nlines++],
		    dg);
	}
	if (subject) {
		diag_add(dg, name, 0, "empty: an email template is a "
		    "\"Subject: ...\" line, a blank line and the body");
		goto fail;
	}
	/* Trailing blank lines are layout, not text. */
	while (t->nlines > 0 && t->nlines > t->bend &&
	    t->lines[t->nlines - 1].n == 1 &&
	    t->lines[t->nlines - 1].v[0].text[0] == '\0')
		line_free(&t->lines[--t->nlines]);
	if (in_block)
		diag_add(dg, name, lineno, "{items} without {end}");
	if (TPL_HAS_ITEMS(kind) && blocks == 0 && !in_block)
		diag_add(dg, name, 0, "a %s lists its deadlines between "
		    "{items} and {end} lines", tpl_kind_names[kind]);
	if (t->nlines == 0 && dg->n == before)
		diag_add(dg, name, 0, "the %s is empty",
		    form == TPL_EMAIL ? "body" : "text");
	if (dg->n == before && form == TPL_SMS)
		sms_literals(t, dg);
	if (dg->n == before)
		return t;
fail:
	tpl_free(t);
	return NULL;
}
