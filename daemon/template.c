/*
 * template.c: parse message templates and fill them in.
 *
 * A template is lines of text with placeholders, {ref} and so on; "{{" is a
 * literal "{".  A line whose placeholders all come out empty (no officer,
 * not acknowledged, first sending) is left out, so optional facts need no
 * conditionals.  In a digest, the lines between "{items}" and "{end}" are
 * repeated for each deadline.
 *
 * An SMS is filled in, measured in GSM-7 septets and, while it is over 160,
 * shortened in a fixed order: first what the recipient can look up (what to
 * do next, who acknowledged, the officer, the link), then, in a digest, the
 * last deadlines listed (the count still says how many), then what
 * identifies the deadline, longest first, and the case reference last.
 * Whatever is left over is cut at 160.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gsm7.h"
#include "template.h"
#include "utf8.h"

enum ph {
	PH_REF,
	PH_DEADLINE,
	PH_DUE,
	PH_LATE,
	PH_OFFICER,
	PH_ACTION,
	PH_LINK,
	PH_LEVEL,
	PH_REPEAT,
	PH_ACKED_BY,
	PH_ACKED_AT,
	PH_COUNT,
	PH_RECIPIENT,
	PH_CHANNEL,
	PH_ERROR,
	PH_N
};

#define K_R	(1u << TPL_REMINDER)
#define K_E	(1u << TPL_ESCALATION)
#define K_D	(1u << TPL_DIGEST)
#define K_A	(1u << TPL_ADMIN_ALERT)

static const struct ph_def {
	const char *name;
	unsigned kinds;		/* where it may appear */
	unsigned item:1;	/* a fact about one deadline */
	unsigned atomic:1;	/* an SMS shortens it only by leaving it out */
} ph_defs[PH_N] = {
	[PH_REF] =	{ "ref", K_R | K_E | K_D | K_A, 1, 0 },
	[PH_DEADLINE] =	{ "deadline", K_R | K_E | K_D | K_A, 1, 0 },
	[PH_DUE] =	{ "due", K_R | K_E | K_D | K_A, 1, 1 },
	[PH_LATE] =	{ "late", K_R | K_E | K_D | K_A, 1, 1 },
	[PH_OFFICER] =	{ "officer", K_R | K_E | K_D | K_A, 1, 0 },
	[PH_ACTION] =	{ "action", K_R | K_E | K_D | K_A, 1, 0 },
	[PH_LINK] =	{ "link", K_R | K_E | K_D | K_A, 1, 1 },
	[PH_LEVEL] =	{ "level", K_E | K_D | K_A, 1, 1 },
	[PH_REPEAT] =	{ "repeat", K_E | K_D | K_A, 1, 1 },
	[PH_ACKED_BY] =	{ "acked_by", K_E | K_D | K_A, 1, 0 },
	[PH_ACKED_AT] =	{ "acked_at", K_E | K_D | K_A, 1, 1 },
	[PH_COUNT] =	{ "count", K_D, 0, 1 },
	[PH_RECIPIENT] = { "recipient", K_A, 0, 0 },
	[PH_CHANNEL] =	{ "channel", K_A, 0, 1 },
	[PH_ERROR] =	{ "error", K_A, 0, 0 },
};

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
	{ PH_ACTION, 0 }, { PH_ERROR, 0 }, { PH_ACKED_AT, 0 },
	{ PH_ACKED_BY, 0 }, { PH_OFFICER, 0 }, { PH_RECIPIENT, 0 },
	{ PH_LINK, 0 }, { PH_CHANNEL, 0 }, { PH_DEADLINE, 28 },
	{ CUT_ITEMS, 0 }, { PH_REPEAT, 0 }, { PH_DUE, 0 },
	{ PH_DEADLINE, 16 }, { PH_LEVEL, 0 }, { PH_LATE, 0 }, { PH_COUNT, 0 },
	{ PH_REF, 24 },
};

/* What an SMS template may spend on its own words. */
#define TPL_SMS_LITERAL_MAX	120

static const char *const kind_names[TPL_NKINDS] = {
	[TPL_REMINDER] = "reminder",
	[TPL_ESCALATION] = "escalation",
	[TPL_DIGEST] = "digest",
	[TPL_ADMIN_ALERT] = "admin-alert",
};

struct part {
	int	 ph;		/* enum ph, or -1 for literal text */
	char	*text;
};

struct line {
	struct part *v;
	size_t	 n;
	int	 nph;		/* placeholders on it */
	int	 lineno;
};

struct tpl {
	char	*name;
	enum tpl_kind kind;
	enum tpl_form form;
	struct line subject;	/* email only */
	struct line *lines;
	size_t	 nlines;
	size_t	 bstart, bend;	/* digest: lines [bstart, bend) repeat */
	unsigned used;		/* bit per enum ph */
};

struct tpl_set {
	struct tpl *t[TPL_NKINDS][2];
	struct tpl *level[TPL_LEVELS + 1][2];	/* escalation-N */
	char	*case_url;
	struct tz *tz;
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
		if (strlen(ph_defs[i].name) == len &&
		    memcmp(ph_defs[i].name, name, len) == 0)
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
		    "{action} {link} {level} {repeat} {acked_by} {acked_at}",
		[TPL_DIGEST] = "{count}, and between {items} and {end}: {ref} "
		    "{deadline} {due} {late} {officer} {action} {link} "
		    "{level} {repeat} {acked_by} {acked_at}",
		[TPL_ADMIN_ALERT] = "{ref} {deadline} {due} {late} {officer} "
		    "{action} {link} {level} {repeat} {acked_by} {acked_at} "
		    "{recipient} {channel} {error}",
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
			    kind_names[t->kind], ph_list(1u << t->kind));
			return -1;
		}
		if (!(ph_defs[ph].kinds & (1u << t->kind))) {
			diag_add(dg, t->name, lineno, "{%s} is not available in "
			    "%s templates; they may use %s", ph_defs[ph].name,
			    kind_names[t->kind], ph_list(1u << t->kind));
			return -1;
		}
		if (t->kind == TPL_DIGEST && ph_defs[ph].item && !in_block) {
			diag_add(dg, t->name, lineno, "{%s} is about one "
			    "deadline: in a digest it goes between {items} and "
			    "{end}",
			    ph_defs[ph].name);
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

			if (kind != TPL_DIGEST) {
				diag_add(dg, name, lineno, "only digest "
				    "templates repeat lines with {items} ... "
				    "{end}");
				continue;
			}
			if (start && (in_block || blocks > 0)) {
				diag_add(dg, name, lineno, "a digest has one "
				    "{items} ... {end} block");
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
	if (kind == TPL_DIGEST && blocks == 0 && !in_block)
		diag_add(dg, name, 0, "a digest lists its deadlines between "
		    "{items} and {end} lines");
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

/* A case_url: http(s), one {ref}, nothing that needs quoting. */
int
tpl_case_url_ok(const char *url, char *err, size_t errlen)
{
	const char *ref = strstr(url, "{ref}");

	if (strncmp(url, "https://", 8) != 0 &&
	    strncmp(url, "http://", 7) != 0) {
		snprintf(err, errlen, "case_url must start with https:// "
		    "(or http://)");
		return 0;
	}
	if (strlen(url) > 200) {
		snprintf(err, errlen, "case_url is longer than 200 characters");
		return 0;
	}
	if (ref == NULL || strstr(ref + 1, "{ref}") != NULL) {
		snprintf(err, errlen, "case_url must contain {ref} once, where "
		    "the case reference goes");
		return 0;
	}
	for (const char *p = url; *p; p++) {
		if ((p >= ref && p < ref + 5))
			continue;
		if (*p <= ' ' || *p >= 0x7F || *p == '{' || *p == '}' ||
		    *p == '"' || *p == '<' || *p == '>' || *p == '\\') {
			snprintf(err, errlen, "case_url may hold only {ref} "
			    "and URL characters (no spaces, quotes or other "
			    "braces)");
			return 0;
		}
	}
	return 1;
}

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
		if (ph_defs[ph].atomic || r->cap[ph] < 2)
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
		if (t->kind == TPL_DIGEST && i == t->bstart) {
			for (size_t k = 0; k < r->nshow; k++)
				for (size_t j = t->bstart; j < t->bend; j++)
					emit(r, &t->lines[j], &r->v->items[k],
					    &out);
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
			if (t->kind == TPL_DIGEST && r->nshow > 1)
				r->nshow--;
			else
				ci++;
		} else if (!(t->used & (1u << step)) ||
		    r->longest[step] <= floor || r->cap[step] <= floor)
			ci++;
		else if (ph_defs[step].atomic) {
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

static struct tpl *
pick(const struct tpl_set *ts, enum tpl_kind kind, enum tpl_form form,
    const struct tpl_vars *v)
{
	int level = v->nitems ? v->items[0].level : 0;

	if (kind == TPL_ESCALATION && level >= 1 && level <= TPL_LEVELS &&
	    ts->level[level][form] != NULL)
		return ts->level[level][form];
	return ts->t[kind][form];
}

int
tpl_render_email(const struct tpl_set *ts, enum tpl_kind kind,
    const struct tpl_vars *v, char **subject, char **body)
{
	const struct tpl *t;

	if ((unsigned)kind >= TPL_NKINDS || v->nitems == 0 ||
	    (t = pick(ts, kind, TPL_EMAIL, v)) == NULL)
		return -1;
	*body = tpl_render(t, ts->case_url, ts->tz, v, subject);
	return 0;
}

char *
tpl_render_sms(const struct tpl_set *ts, enum tpl_kind kind,
    const struct tpl_vars *v)
{
	const struct tpl *t;

	if ((unsigned)kind >= TPL_NKINDS || v->nitems == 0 ||
	    (t = pick(ts, kind, TPL_SMS, v)) == NULL)
		return NULL;
	return tpl_render(t, ts->case_url, ts->tz, v, NULL);
}

/* Read a template file; NULL with *missing set when it does not exist. */
static char *
slurp(const char *path, size_t *len, int *missing, struct diag *dg)
{
	struct stat st;
	char *buf;
	ssize_t n;
	size_t got = 0;
	int fd;

	*missing = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			*missing = 1;
		else
			diag_add(dg, path, 0, "cannot read: %s",
			    strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		diag_add(dg, path, 0, "not a regular file");
		close(fd);
		return NULL;
	}
	if (st.st_size > TPL_FILE_MAX) {
		diag_add(dg, path, 0, "larger than %d bytes", TPL_FILE_MAX);
		close(fd);
		return NULL;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size &&
	    (n = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	close(fd);
	buf[got] = '\0';
	*len = got;
	return buf;
}

static struct tpl *
load_one(const char *dir, const char *base, enum tpl_kind kind,
    enum tpl_form form, int required, struct diag *dg)
{
	char *path = xasprintf("%s/%s.%s", dir, base,
	    form == TPL_EMAIL ? "email" : "sms");
	struct tpl *t = NULL;
	size_t len = 0;
	int missing;
	char *buf = slurp(path, &len, &missing, dg);

	if (buf != NULL)
		t = tpl_parse(path, buf, len, kind, form, dg);
	else if (missing && required)
		diag_add(dg, path, 0, "missing: vigil needs %s template for "
		    "each kind of message (the defaults are in conf/templates)",
		    form == TPL_EMAIL ? "an email" : "an SMS");
	free(buf);
	free(path);
	return t;
}

static void
load_links(const struct conf *c, struct tpl_set *ts, struct diag *dg)
{
	const struct conf_section *s = conf_section(c, "links");
	char err[256];

	for (size_t i = 0; s != NULL && i < s->n; i++) {
		const struct conf_kv *kv = &s->kv[i];

		if (strcmp(kv->key, "case_url") != 0) {
			diag_add(dg, c->path, kv->line, "unknown setting \"%s\" "
			    "in [links] (it has case_url)", kv->key);
			continue;
		}
		if (!tpl_case_url_ok(kv->value, err, sizeof err))
			diag_add(dg, c->path, kv->line, "%s", err);
		else
			ts->case_url = xstrdup(kv->value);
	}
}

struct tpl_set *
tpl_load(const struct conf *c, struct diag *dg)
{
	struct tpl_set *ts = xcalloc(1, sizeof *ts);
	size_t before = dg->n;
	char err[256];

	load_links(c, ts, dg);
	if (c->default_calendar != NULL &&
	    (ts->tz = tz_load(c->default_calendar->timezone, err,
	    sizeof err)) == NULL)
		diag_add(dg, c->path, 0, "%s", err);
	for (int k = 0; k < TPL_NKINDS; k++)
		for (int f = TPL_EMAIL; f <= TPL_SMS; f++)
			ts->t[k][f] = load_one(c->templates, kind_names[k],
			    (enum tpl_kind)k, (enum tpl_form)f, 1, dg);
	for (int l = 1; l <= TPL_LEVELS; l++)
		for (int f = TPL_EMAIL; f <= TPL_SMS; f++) {
			char base[32];

			snprintf(base, sizeof base, "escalation-%d", l);
			ts->level[l][f] = load_one(c->templates, base,
			    TPL_ESCALATION, (enum tpl_form)f, 0, dg);
		}
	if (dg->n > before) {
		tpl_set_free(ts);
		return NULL;
	}
	return ts;
}

void
tpl_set_free(struct tpl_set *ts)
{
	if (ts == NULL)
		return;
	for (int k = 0; k < TPL_NKINDS; k++)
		for (int f = 0; f < 2; f++)
			tpl_free(ts->t[k][f]);
	for (int l = 0; l <= TPL_LEVELS; l++)
		for (int f = 0; f < 2; f++)
			tpl_free(ts->level[l][f]);
	tz_free(ts->tz);
	free(ts->case_url);
	free(ts);
}
