/*
 * template-render.c: fill a parsed template in.
 *
 * A line whose placeholders all come out empty (no officer, not
 * acknowledged, first sending) is left out, so optional facts need no
 * conditionals.  A digest repeats its {items} ... {end} lines for each
 * deadline.
 *
 * An SMS is filled in, measured in GSM-7 septets and, while it is over 160,
 * shortened in a fixed order: first the acknowledgement link and what the
 * recipient can look up (what to do next, who acknowledged, the officer,
 * the case's link), then, in a digest, the
 * last deadlines listed (the count still says how many), then what
 * identifies the deadline, longest first, and the case reference last.
 * Whatever is left over is cut at 160.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>

#include "gsm7.h"
#include "template-int.h"
#include "utf8.h"

/*
 * The order an SMS gives things up in: each step shortens one placeholder
 * down to a floor (0 leaves it out); CUT_ITEMS drops digest entries, after
 * long deadline names have been trimmed so that more entries fit.
 */
#define CUT_ITEMS	(-1)
static const struct cut_step {
	int	 ph;
	size_t	 floor;
} sms_cut_order[] = {
	{ PH_ACK_LINK, 0 }, { PH_ACTION, 0 }, { PH_ERROR, 0 }, { PH_ACKED_AT, 0 },
	{ PH_ACKED_BY, 0 }, { PH_OFFICER, 0 }, { PH_RECIPIENT, 0 },
	{ PH_LINK, 0 }, { PH_CHANNEL, 0 }, { PH_DEADLINE, 28 },
	{ CUT_ITEMS, 0 }, { PH_REPEAT, 0 }, { PH_DUE, 0 },
	{ PH_DEADLINE, 16 }, { PH_LEVEL, 0 }, { PH_LATE, 0 }, { PH_COUNT, 0 },
	{ PH_REF, 24 },
};

/* Instants between 1970 and 2200: nothing real lies outside. */
static int64_t
clamp_time(int64_t t)
{
	if (t < 0)
		return 0;
	return t > 7258118400LL ? 7258118400LL : t;
}

static void
plural(char *buf, size_t len, int64_t n, const char *unit)
{
	size_t o = strlen(buf);

	snprintf(buf + o, len - o, "%s%lld %s%s", o ? " " : "", (long long)n,
	    unit, n == 1 ? "" : "s");
}

/* "3 hours 20 minutes late", "due in 2 days 1 hour", "due now". */
char *
tpl_late(int64_t now, int64_t due, char *buf, size_t len)
{
	int64_t d, a, m;
	int64_t v[3];
	static const char *const units[3] = { "day", "hour", "minute" };
	int shown = 0;

	d = clamp_time(now) - clamp_time(due);
	a = d < 0 ? -d : d;
	buf[0] = '\0';
	if (a < 60) {
		snprintf(buf, len, "due now");
		return buf;
	}
	m = a / 60;
	v[0] = m / 1440;
	v[1] = m / 60 % 24;
	v[2] = m % 60;
	if (d < 0)
		snprintf(buf, len, "due in");
	for (int i = 0; i < 3 && shown < 2; i++) {
		if (v[i] == 0) {
			if (shown)
				break;	/* "2 days", not "2 days 5 minutes" */
			continue;
		}
		plural(buf, len, v[i], units[i]);
		shown++;
	}
	if (d > 0) {
		size_t o = strlen(buf);

		snprintf(buf + o, len - o, " late");
	}
	return buf;
}

/* "Tue 3 Mar 2026 14:00", local to tz (UTC without one). */
char *
tpl_when(int64_t t, const struct tz *tz, char *buf, size_t len)
{
	int32_t day, secs;
	int y, m, d;

	t = clamp_time(t);
	day = civil_split(t + (tz ? tz_offset(tz, t) : 0), &secs);
	civil_from_days(day, &y, &m, &d);
	snprintf(buf, len, "%s %d %s %d %02d:%02d",
	    civil_weekday_names[civil_weekday(day)], d, civil_month_names[m - 1], y,
	    secs / 3600, secs / 60 % 60);
	return buf;
}

static char *
link_for(const char *case_url, const char *ref)
{
	const char *at;
	char *out, *o;

	if (case_url == NULL || ref == NULL || *ref == '\0' ||
	    (at = strstr(case_url, "{ref}")) == NULL)
		return xstrdup("");
	out = o = xmalloc(strlen(case_url) + strlen(ref) * 3 + 1);
	memcpy(o, case_url, (size_t)(at - case_url));
	o += at - case_url;
	for (const unsigned char *p = (const unsigned char *)ref; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		    *p == '_' || *p == '~')
			*o++ = (char)*p;
		else
			o += sprintf(o, "%%%02X", *p);
	}
	strcpy(o, at + 5);
	return out;
}

/* Text fit for one line: UTF-8, controls as spaces, at most max bytes. */
static char *
clean(const char *s, size_t max)
{
	size_t len = strlen(s), o = 0, k, n;
	char *out = xmalloc(len * 3 + 1);
	const char *from;
	uint32_t cp;

	while (len > 0) {
		k = utf8_next(s, len, &cp);
		from = s;
		n = k;
		if (cp == UTF8_BAD && k == 1) {
			from = "\xEF\xBF\xBD";
			n = 3;
		} else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) ||
		    cp == 0x2028 || cp == 0x2029) {
			from = " ";
			n = 1;
		}
		if (o + n > max)
			break;
		memcpy(out + o, from, n);
		o += n;
		s += k;
		len -= k;
	}
	out[o] = '\0';
	return out;
}

struct render {
	const struct tpl *t;
	const char *case_url;
	const struct tz *tz;
	const struct tpl_vars *v;
	size_t	 cap[PH_N];	/* SMS: septets a value may keep */
	size_t	 longest[PH_N];	/* SMS: the longest value, as last rendered */
	size_t	 nshow;		/* digest entries shown */
	size_t	 emitted;	/* lines in the body so far */
};

static char *
raw_value(const struct render *r, int ph, const struct tpl_item *it)
{
	char buf[128];

	switch (ph) {
	case PH_REF:
		return xstrdup(it->ref ? it->ref : "");
	case PH_DEADLINE:
		return xstrdup(it->deadline ? it->deadline : "");
	case PH_DUE:
		return xstrdup(tpl_when(it->due, r->tz, buf, sizeof buf));
	case PH_LATE:
		return xstrdup(tpl_late(r->v->now, it->due, buf, sizeof buf));
	case PH_OFFICER:
		return xstrdup(it->officer ? it->officer :
		    "no officer assigned");
	case PH_ACTION:
		return xstrdup(it->action ? it->action : "");
	case PH_LINK:
		return link_for(r->case_url, it->ref);
	case PH_ACK_LINK:
		return xstrdup(it->ack_link ? it->ack_link : "");
	case PH_ON_TIME:
		return xstrdup(r->v->on_time ? r->v->on_time : "");
	case PH_WEB:
		return xstrdup(r->v->web ? r->v->web : "");
	case PH_LEVEL:
		return xasprintf("%d", it->level);
	case PH_REPEAT:
		if (it->repeat <= 0)
			return xstrdup("");
		return xasprintf("%d", it->repeat);
	case PH_ACKED_BY:
		return xstrdup(it->acked_by ? it->acked_by : "");
	case PH_ACKED_AT:
		if (it->acked_by == NULL || it->acked_at == 0)
			return xstrdup("");
		return xstrdup(tpl_when(it->acked_at, r->tz, buf, sizeof buf));
	case PH_COUNT:
		return xasprintf("%zu", r->v->nitems);
	case PH_RECIPIENT:
		return xstrdup(r->v->recipient ? r->v->recipient : "");
	case PH_CHANNEL:
		return xstrdup(r->v->channel ? r->v->channel : "");
	case PH_ERROR:
		return xstrdup(r->v->error ? r->v->error : "");
	}
	return xstrdup("");
}

static char *
value(struct render *r, int ph, const struct tpl_item *it)
{
	static const struct tpl_item none;
	char *raw = raw_value(r, ph, it ? it : &none), *v, *g;
	size_t n, cut;

	v = clean(raw, TPL_VALUE_MAX);
	free(raw);
	if (r->t->form == TPL_EMAIL)
		return v;
	g = gsm7_from_utf8(v);
	free(v);
	if ((n = gsm7_septets(g)) > r->cap[ph]) {
		if (tpl_ph_defs[ph].atomic || r->cap[ph] < 2)
			g[0] = '\0';
		else {
			cut = gsm7_cut(g, r->cap[ph] - 1);
			g[cut] = '.';	/* shows it was shortened */
			g[cut + 1] = '\0';
		}
		n = gsm7_septets(g);
	}
	if (n > r->longest[ph])
		r->longest[ph] = n;
	return g;
}

/* One line filled in; 0 when it is left out. */
static int
render_line(struct render *r, const struct line *l,
    const struct tpl_item *it, struct buf *out)
{
	char **vals = xcalloc(l->n, sizeof *vals);
	int any = l->nph == 0;

	for (size_t i = 0; i < l->n; i++) {
		if (l->v[i].ph < 0)
			continue;
		vals[i] = value(r, l->v[i].ph, it);
		if (vals[i][0] != '\0')
			any = 1;
	}
	for (size_t i = 0; any && i < l->n; i++) {
		const char *s = l->v[i].ph < 0 ? l->v[i].text : vals[i];

		buf_add(out, s, strlen(s));
	}
	for (size_t i = 0; i < l->n; i++)
		free(vals[i]);
	free(vals);
	return any;
}

static void
emit(struct render *r, const struct line *l, const struct tpl_item *it,
    struct buf *out)
{
	size_t mark = out->len;

	if (r->emitted > 0)
		buf_add(out, "\n", 1);
	if (render_line(r, l, it, out))
		r->emitted++;
	else {
		out->len = mark;
		out->s[mark] = '\0';
	}
}

static char *
render_body(struct render *r)
{
	const struct tpl *t = r->t;
	const struct tpl_item *first = r->v->nitems ? &r->v->items[0] : NULL;
	struct buf out = { 0 };
	size_t i = 0;

	r->emitted = 0;
	buf_add(&out, "", 0);
	while (i < t->nlines) {
		if (TPL_HAS_ITEMS(t->kind) && i == t->bstart) {
			for (size_t k = 0; k < r->nshow; k++)
				for (size_t j = t->bstart; j < t->bend; j++)
					emit(r, &t->lines[j], &r->v->items[k],
					    &out);
			/* An SMS cut short says so, and how many it left out:
			 * {count} alone would read as the whole list. */
			if (r->nshow < r->v->nitems) {
				char more[48];

				snprintf(more, sizeof more, "and %zu more\n",
				    r->v->nitems - r->nshow);
				buf_puts(&out, more);
			}
			i = t->bend;
			continue;
		}
		emit(r, &t->lines[i++], first, &out);
	}
	return out.s;
}

/* Keep the first max characters of a UTF-8 string, marking the cut. */
static void
cut_chars(char *s, size_t max)
{
	size_t len = strlen(s), off = 0, n = 0, k;
	uint32_t cp;

	while (off < len && n < max) {
		k = utf8_next(s + off, len - off, &cp);
		off += k;
		n++;
	}
	if (off < len) {
		while (n > max - 3 && off > 0) {
			do
				off--;
			while (off > 0 &&
			    ((unsigned char)s[off] & 0xC0) == 0x80);
			n--;
		}
		strcpy(s + off, "...");
	}
}

/* Septets of the SMS as it would be with only n digest entries shown. */
static size_t
septets_showing(struct render *r, size_t n)
{
	size_t keep = r->nshow, septets;
	char *text;

	r->nshow = n;
	memset(r->longest, 0, sizeof r->longest);
	text = render_body(r);
	septets = gsm7_septets(text);
	free(text);
	r->nshow = keep;
	return septets;
}

/*
 * The most digest entries that fit, found by halving rather than dropping
 * one entry a rendering (fewer entries never make a longer text); 1 when
 * none does, and the cutting goes on.
 */
static size_t
entries_that_fit(struct render *r)
{
	size_t lo = 1, hi = r->nshow - 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;

		if (septets_showing(r, mid) <= GSM7_SMS_MAX)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

static char *
render_sms(struct render *r)
{
	const struct tpl *t = r->t;
	size_t ci = 0, n, floor;
	char *text;

	for (;;) {
		int step;

		memset(r->longest, 0, sizeof r->longest);
		text = render_body(r);
		if ((n = gsm7_septets(text)) <= GSM7_SMS_MAX || ci ==
		    nitems(sms_cut_order))
			break;
		step = sms_cut_order[ci].ph;
		floor = sms_cut_order[ci].floor;
		if (step == CUT_ITEMS) {
			if (TPL_HAS_ITEMS(t->kind) && r->nshow > 1)
				r->nshow = entries_that_fit(r);
			else
				ci++;
		} else if (!(t->used & (1u << step)) ||
		    r->longest[step] <= floor || r->cap[step] <= floor)
			ci++;
		else if (tpl_ph_defs[step].atomic) {
			r->cap[step] = 0;
			ci++;
		} else {
			size_t excess = n - GSM7_SMS_MAX;

			r->cap[step] = r->longest[step] > excess + floor ?
			    r->longest[step] - excess : floor;
			if (r->cap[step] == floor)
				ci++;
		}
		free(text);
	}
	if (n > GSM7_SMS_MAX)
		text[gsm7_cut(text, GSM7_SMS_MAX)] = '\0';
	return text;
}

/*
 * Fill in t.  Returns the body (the text of an SMS), allocated; an email's
 * subject goes to *subject when it is not NULL.
 */
char *
tpl_render(const struct tpl *t, const char *case_url, const struct tz *tz,
    const struct tpl_vars *v, char **subject)
{
	struct render r = { .t = t, .case_url = case_url, .tz = tz, .v = v };

	for (int i = 0; i < PH_N; i++)
		r.cap[i] = (size_t)-1;
	r.nshow = v->nitems;
	if (t->form == TPL_SMS && r.nshow > GSM7_SMS_MAX)
		r.nshow = GSM7_SMS_MAX;
	if (subject != NULL) {
		*subject = NULL;
		if (t->form == TPL_EMAIL) {
			struct buf out = { 0 };
			const struct tpl_item *it = v->nitems ? &v->items[0] :
			    NULL;

			buf_add(&out, "", 0);
			render_line(&r, &t->subject, it, &out);
			cut_chars(out.s, TPL_SUBJECT_MAX);
			*subject = out.s;
		}
	}
	if (t->form == TPL_SMS)
		return render_sms(&r);
	return render_body(&r);
}
