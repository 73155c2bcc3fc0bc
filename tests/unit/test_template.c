/*
 * test_template.c: message templates: the shipped defaults, every load
 * error, line dropping, digests, and the 160-character SMS however long
 * the inputs are.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <string.h>

#include "unit.h"
#include "gsm7.h"
#include "template.h"
#include "testutil.h"

/* 2026-03-03T14:00:00Z, a Tuesday in GMT. */
#define T_DUE	1772546400LL

static struct tpl *
parse(const char *text, enum tpl_kind kind, enum tpl_form form,
    struct diag *dg)
{
	return tpl_parse("t", text, strlen(text), kind, form, dg);
}

/* A template that must not parse, and the problem it must show where. */
struct refusal {
	const char	*text;
	enum tpl_kind	 kind;
	enum tpl_form	 form;
	int		 line;
	const char	*needle;
};

/* Parsing each text must fail with its needle at its line. */
static void
refused(const struct refusal *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct diag dg = { 0 };
		struct tpl *t = parse(r[i].text, r[i].kind, r[i].form, &dg);

		ck_assert_msg(t == NULL, "accepted: %s", r[i].text);
		ck_assert_msg(udiag_has(&dg, r[i].line, r[i].needle),
		    "no \"%s\" at line %d for: %s", r[i].needle, r[i].line,
		    r[i].text);
		diag_clear(&dg);
	}
}

static char *
render(const char *text, enum tpl_kind kind, enum tpl_form form,
    const struct tpl_vars *v, char **subject)
{
	struct diag dg = { 0 };
	struct tpl *t = parse(text, kind, form, &dg);
	char *out;

	diag_print(&dg, stderr);
	ck_assert_ptr_nonnull(t);
	out = tpl_render(t, "https://cms.example/case/{ref}", NULL, v, subject);
	tpl_free(t);
	return out;
}

static const struct tpl_item item = {
	.ref = "DA-2026-0042",
	.deadline = "initial contact",
	.due = T_DUE,
	.officer = "Jo Bloggs",
	.action = "Contact the person and record it in the CMS",
	.level = 1,
};

START_TEST(test_errors)
{
#define R	TPL_REMINDER
#define E	TPL_ESCALATION
#define D	TPL_DIGEST
#define A	TPL_ADMIN_ALERT
#define M	TPL_EMAIL
#define S	TPL_SMS
	static const struct refusal r[] = {
		{ "Subject: x\n\nHello {victim_name}\n", R, M,
		    3, "unknown placeholder {victim_name}" },
		{ "# comment\nSubject: {address}\n\nx\n", R, M,
		    2, "unknown placeholder {address}" },
		{ "{ref} {phone}", R, S,
		    1, "unknown placeholder {phone}" },
		{ "Subject: x\n\n{level}\n", R, M,
		    3, "{level} is not available in reminder" },
		{ "Subject: x\n\n{count}\n", E, M,
		    3, "{count} is not available" },
		{ "Subject: x\n\n{error}\n", E, M,
		    3, "{error} is not available" },
		{ "Subject: {ref}\n\n{items}\nx\n{end}\n", D, M,
		    1, "{ref} is about one deadline" },
		{ "Subject: x\n\n{items}\n{ref}\n{end}\n", E, M,
		    3, "only digest and summary templates" },
		{ "Subject: x\n\n{ref}\n", D, M,
		    0, "between {items} and {end}" },
		{ "Subject: x\n\n{items}\n{ref}\n{end}\n"
		    "{items}\n{ref}\n{end}\n", D, M,
		    6, "one {items} ... {end} block" },
		{ "Subject: x\n\n{end}\n", D, M,
		    3, "{end} without {items}" },
		{ "Subject: x\n\n{items}\n{ref}\n", D, M,
		    4, "{items} without {end}" },
		{ "Subject: x\n\n{items}\n{end}\n", D, M,
		    4, "nothing between" },
		{ "Hello\n\nbody\n", R, M,
		    1, "starts with a \"Subject: ...\"" },
		{ "Subject: x\nbody\n", R, M,
		    2, "a blank line must separate" },
		{ "Subject: x\n\n\n\n", R, M,
		    0, "the body is empty" },
		{ "", R, M,
		    0, "empty" },
		{ "# only a comment\n", R, S,
		    0, "the text is empty" },
		{ "Subject:\n\nx\n", R, M,
		    1, "the subject is empty" },
		{ "Subject: x\n\nopen {ref\n", R, M,
		    3, "\"{\" without \"}\"" },
		{ "Subject: x\n\nbad \xff byte\n", R, M,
		    3, "not valid UTF-8" },
		{ "Subject: x\n\nbell \a\n", R, M,
		    3, "control character" },
		{ "{ref} \xf0\x9f\x98\x80", R, S,
		    1, "characters an SMS cannot carry" },
		{ "{ref} aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaaaa", R, S,
		    0, "before any values are filled in" },
		{ "{recipient} {ref}", E, S,
		    1, "{recipient} is not available" },
		{ "{ref} {count}", A, S,
		    1, "{count} is not available" },
	};
#undef R
#undef E
#undef D
#undef A
#undef M
#undef S

	refused(r, nitems(r));
}
END_TEST

START_TEST(test_nul)
{
	static const char text[] = "Subject: x\n\nnul \0 byte\n";
	struct diag dg = { 0 };

	ck_assert_ptr_null(tpl_parse("t", text, sizeof text - 1, TPL_REMINDER,
	    TPL_EMAIL, &dg));
	ck_assert(udiag_has(&dg, 3, "NUL"));
	diag_clear(&dg);
}
END_TEST

START_TEST(test_too_large)
{
	struct diag dg = { 0 };
	size_t n = TPL_FILE_MAX + 1;
	char *big = xmalloc(n);

	memset(big, 'a', n);
	ck_assert_ptr_null(tpl_parse("big", big, n, TPL_REMINDER, TPL_SMS,
	    &dg));
	ck_assert(udiag_has(&dg, 0, "larger than"));
	diag_clear(&dg);
	free(big);
}
END_TEST

START_TEST(test_render_email)
{
	struct tpl_vars v = { .now = T_DUE + 3 * 3600 + 20 * 60,
	    .items = &item, .nitems = 1 };
	char *subject, *body;

	body = render("# c\nSubject: Missed: {deadline} for {ref} ({late})\n\n"
	    "Case {ref} was due {due}.\nOfficer: {officer}\n"
	    "Acknowledged by {acked_by} at {acked_at}.\n"
	    "Repeat {repeat}\n{{literal}} }} {link}\n",
	    TPL_ESCALATION, TPL_EMAIL, &v, &subject);
	ck_assert_str_eq(subject, "Missed: initial contact for DA-2026-0042 "
	    "(3 hours 20 minutes late)");
	ck_assert_str_eq(body, "Case DA-2026-0042 was due Tue 3 Mar 2026 14:00."
	    "\nOfficer: Jo Bloggs\n{literal} } "
	    "https://cms.example/case/DA-2026-0042");
	free(subject);
	free(body);
}
END_TEST

START_TEST(test_optional_lines)
{
	struct tpl_item it = item;
	struct tpl_vars v = { .now = T_DUE, .items = &it, .nitems = 1 };
	const char *text = "Subject: {ref}\n\nA\nby {acked_by} at {acked_at}\n"
	    "Repeat {repeat} of level {level}\n\nB\nOfficer: {officer}\n";
	char *body;

	body = render(text, TPL_ESCALATION, TPL_EMAIL, &v, NULL);
	ck_assert_str_eq(body, "A\nRepeat  of level 1\n\nB\nOfficer: Jo Bloggs");
	free(body);
	it.acked_by = "Sam Patel";
	it.acked_at = T_DUE + 600;
	it.repeat = 2;
	it.officer = NULL;
	body = render(text, TPL_ESCALATION, TPL_EMAIL, &v, NULL);
	ck_assert_str_eq(body, "A\nby Sam Patel at Tue 3 Mar 2026 14:10\n"
	    "Repeat 2 of level 1\n\nB\nOfficer: no officer assigned");
	free(body);
}
END_TEST

START_TEST(test_values_cleaned)
{
	struct tpl_item it = item;
	struct tpl_vars v = { .now = T_DUE, .items = &it, .nitems = 1 };
	char *subject, *body;

	it.deadline = "initial\r\nBcc: x@example.org\tcontact";
	it.ref = "DA/2026 0042?";
	body = render("Subject: {deadline}\n\n{link}\n", TPL_REMINDER,
	    TPL_EMAIL, &v, &subject);
	ck_assert_str_eq(subject, "initial  Bcc: x@example.org contact");
	ck_assert_str_eq(body, "https://cms.example/case/DA%2F2026%200042%3F");
	free(subject);
	free(body);
}
END_TEST

START_TEST(test_digest)
{
	struct tpl_item its[3] = { item, item, item };
	struct tpl_vars v = { .now = T_DUE + 7200, .items = its, .nitems = 3 };
	char *subject, *body;

	its[1].ref = "DA-2026-0043";
	its[1].deadline = "DASH risk assessment";
	its[1].due = T_DUE + 3600;
	its[2].ref = "DA-2026-0044";
	its[2].due = T_DUE + 7200 + 90 * 60;
	body = render("Subject: {count} deadlines\n\nHello\n{items}\n"
	    "- {ref}: {deadline} {late}\n  by {acked_by}\n{end}\nBye\n",
	    TPL_DIGEST, TPL_EMAIL, &v, &subject);
	ck_assert_str_eq(subject, "3 deadlines");
	ck_assert_str_eq(body, "Hello\n"
	    "- DA-2026-0042: initial contact 2 hours late\n"
	    "- DA-2026-0043: DASH risk assessment 1 hour late\n"
	    "- DA-2026-0044: initial contact due in 1 hour 30 minutes\n"
	    "Bye");
	free(subject);
	free(body);
}
END_TEST

START_TEST(test_late_and_when)
{
	struct tz *tz;
	char buf[128], err[128];

	ck_assert_str_eq(tpl_late(T_DUE + 12000, T_DUE, buf, sizeof buf),
	    "3 hours 20 minutes late");
	ck_assert_str_eq(tpl_late(T_DUE - 7200, T_DUE, buf, sizeof buf),
	    "due in 2 hours");
	ck_assert_str_eq(tpl_late(T_DUE + 30, T_DUE, buf, sizeof buf),
	    "due now");
	ck_assert_str_eq(tpl_late(T_DUE + 61, T_DUE, buf, sizeof buf),
	    "1 minute late");
	ck_assert_str_eq(tpl_late(T_DUE + 86400 + 7200 + 60, T_DUE, buf,
	    sizeof buf), "1 day 2 hours late");
	ck_assert_str_eq(tpl_late(T_DUE + 2 * 86400 + 300, T_DUE, buf,
	    sizeof buf), "2 days late");
	ck_assert_str_eq(tpl_late(INT64_MAX, INT64_MIN, buf, sizeof buf),
	    "84006 days late");
	tz = tz_load("Europe/London", err, sizeof err);
	ck_assert_ptr_nonnull(tz);
	ck_assert_str_eq(tpl_when(T_DUE, tz, buf, sizeof buf),
	    "Tue 3 Mar 2026 14:00");
	/* 2026-07-01T12:00Z is 13:00 BST. */
	ck_assert_str_eq(tpl_when(1782907200, tz, buf, sizeof buf),
	    "Wed 1 Jul 2026 13:00");
	ck_assert_str_eq(tpl_when(1782907200, NULL, buf, sizeof buf),
	    "Wed 1 Jul 2026 12:00");
	tz_free(tz);
}
END_TEST

START_TEST(test_gsm7)
{
	char *g;

	ck_assert_uint_eq(gsm7_septets("hello"), 5);
	ck_assert_uint_eq(gsm7_septets("\xe2\x82\xac"), 2);		/* € */
	ck_assert_uint_eq(gsm7_septets("[x]{y}~|^\\"), 18);
	ck_assert_uint_eq(gsm7_septets("\xc3\xa9\xc3\xa8\xc3\x9c"), 3);	/* éèÜ */
	ck_assert_uint_eq(gsm7_septets("\xc3\xaa"), (size_t)-1);	/* ê */
	ck_assert_uint_eq(gsm7_septets("a`b"), (size_t)-1);
	g = gsm7_from_utf8("Siobh\xc3\xa1n \xe2\x80\x9cO\xe2\x80\x99"
	    "Brien\xe2\x80\x9d \xe2\x80\x93 caf\xc3\xaa\xe2\x80\xa6 "
	    "\xf0\x9f\x98\x80 \xff \xc5\xb5 \xe2\x82\xac");
	ck_assert_str_eq(g, "Siobhan \"O'Brien\" - cafe... ? ? w \xe2\x82\xac");
	ck_assert_uint_ne(gsm7_septets(g), (size_t)-1);
	free(g);
	/* A cut never splits an escaped character. */
	ck_assert_uint_eq(gsm7_cut("ab\xe2\x82\xac", 3), 2);
	ck_assert_uint_eq(gsm7_cut("ab\xe2\x82\xac", 4), 5);
}
END_TEST

static char *
longtext(const char *unit, size_t times)
{
	size_t n = strlen(unit);
	char *s = xmalloc(n * times + 1);

	for (size_t i = 0; i < times; i++)
		memcpy(s + i * n, unit, n);
	s[n * times] = '\0';
	return s;
}

static void
check_sms(const char *sms)
{
	size_t n = gsm7_septets(sms);

	ck_assert_msg(n != (size_t)-1, "not GSM-7: %s", sms);
	ck_assert_msg(n <= GSM7_SMS_MAX, "%zu septets: %s", n, sms);
}

START_TEST(test_sms_budget)
{
	static const char *const units[] = {
		"a", "\xe2\x82\xac", "[", "\xf0\x9f\x98\x80", "\xe4\xb8\xad",
		"\xc3\xa9", "\n", "x y ",
	};
	struct tpl_item it = item;
	struct tpl_vars v = { .now = T_DUE + 100000, .items = &it,
	    .nitems = 1 };
	const char *tpl = "vigil L{level}: case {ref} {deadline} {late}. "
	    "Officer {officer}. {action} {link}";
	unsigned seed = 42;

	for (int round = 0; round < 400; round++) {
		char *ref, *dl, *off, *act, *sms;

		seed = seed * 1103515245 + 12345;
		ref = longtext(units[seed % nitems(units)], seed % 300);
		dl = longtext(units[(seed >> 3) % nitems(units)],
		    (seed >> 5) % 700);
		off = longtext(units[(seed >> 8) % nitems(units)],
		    (seed >> 11) % 200);
		act = longtext(units[(seed >> 14) % nitems(units)],
		    (seed >> 17) % 2000);
		it.ref = ref;
		it.deadline = dl;
		it.officer = off;
		it.action = act;
		sms = render(tpl, TPL_ESCALATION, TPL_SMS, &v, NULL);
		check_sms(sms);
		free(sms);
		free(ref);
		free(dl);
		free(off);
		free(act);
	}
}
END_TEST

START_TEST(test_sms_keeps_what_matters)
{
	struct tpl_item it = item;
	struct tpl_vars v = { .now = T_DUE + 12000, .items = &it,
	    .nitems = 1 };
	char *act = longtext("do this next ", 40), *sms;

	it.action = act;
	sms = render("vigil: case {ref} {deadline} {late}. {action} {link}",
	    TPL_ESCALATION, TPL_SMS, &v, NULL);
	check_sms(sms);
	/* The action gives way first: everything else is whole. */
	ck_assert_ptr_nonnull(strstr(sms, "vigil: case DA-2026-0042 initial "
	    "contact 3 hours 20 minutes late. do this next"));
	ck_assert_ptr_nonnull(strstr(sms, ". https://cms.example/case/"
	    "DA-2026-0042"));
	free(sms);
	free(act);

	/* A huge reference is cut last, and keeps its start. */
	act = longtext("R", 400);
	it.ref = act;
	it.action = NULL;
	sms = render("case {ref} {deadline} {late} {link}", TPL_ESCALATION,
	    TPL_SMS, &v, NULL);
	check_sms(sms);
	ck_assert_ptr_nonnull(strstr(sms, "case RRRRRRRRRRRRRRRRRRRR"));
	free(sms);
	free(act);

	/* Short enough: untouched. */
	it.ref = "DA-1";
	sms = render("case {ref}: {deadline}, {late}", TPL_ESCALATION, TPL_SMS,
	    &v, NULL);
	ck_assert_str_eq(sms, "case DA-1: initial contact, 3 hours 20 minutes "
	    "late");
	free(sms);
}
END_TEST

START_TEST(test_sms_digest)
{
	struct tpl_item its[100];
	struct tpl_vars v = { .now = T_DUE + 3600, .items = its,
	    .nitems = 100 };
	char refs[100][16], *sms;

	for (int i = 0; i < 100; i++) {
		its[i] = item;
		snprintf(refs[i], sizeof refs[i], "DA-%04d", i);
		its[i].ref = refs[i];
	}
	sms = render("vigil: {count} deadlines:\n{items}\n{ref} {deadline} "
	    "{late}\n{end}", TPL_DIGEST, TPL_SMS, &v, NULL);
	check_sms(sms);
	ck_assert_ptr_nonnull(strstr(sms, "vigil: 100 deadlines:\n"
	    "DA-0000 initial contact 1 hour late\nDA-0001 "));
	ck_assert_ptr_null(strstr(sms, "DA-0099"));
	/* The entries left out are counted, truthfully. */
	{
		int shown = 0, more = -1;
		const char *p = strstr(sms, "and ");

		for (const char *q = sms; (q = strstr(q, "DA-")) != NULL; q++)
			shown++;
		ck_assert_ptr_nonnull(p);
		ck_assert_int_eq(sscanf(p, "and %d more", &more), 1);
		ck_assert_int_eq(shown + more, 100);
	}
	free(sms);
}
END_TEST

START_TEST(test_case_url)
{
	char err[256];

	ck_assert(tpl_case_url_ok("https://cms.example/case/{ref}", err,
	    sizeof err));
	ck_assert(tpl_case_url_ok("https://cms.example/view?id={ref}&t=1", err,
	    sizeof err));
	ck_assert(!tpl_case_url_ok("ftp://cms.example/{ref}", err, sizeof err));
	ck_assert(!tpl_case_url_ok("https://cms.example/case", err, sizeof err));
	ck_assert(!tpl_case_url_ok("https://cms.example/{ref}/{ref}", err,
	    sizeof err));
	ck_assert(!tpl_case_url_ok("https://cms.example/{ref}?n={name}", err,
	    sizeof err));
	ck_assert(!tpl_case_url_ok("https://cms.example/ {ref}", err,
	    sizeof err));
}
END_TEST

/* A folder with the shipped templates, plus whatever a test adds. */
static char *
template_dir(void)
{
	static const char *const names[] = {
		"reminder", "escalation", "digest", "admin-alert",
		"audit-alert", "ops-alert", "summary",
	};
	char *dir = tu_tmpdir();
	char *src = xasprintf("%s/conf/templates", unit_srcdir());

	for (size_t i = 0; i < nitems(names); i++)
		for (int f = 0; f < 2; f++) {
			char *name, *text;

			/* The summary goes by email alone. */
			if (f && strcmp(names[i], "summary") == 0)
				continue;
			name = xasprintf("%s.%s", names[i], f ? "sms" : "email");
			text = tu_read(src, name);

			ck_assert_ptr_nonnull(text);
			tu_write(dir, name, text);
			free(text);
			free(name);
		}
	free(src);
	return dir;
}

static struct tpl_set *
load_set(const char *dir, const char *extra, struct diag *dg)
{
	char *text = xasprintf("[daemon]\ntemplates = %s\n%s", dir, extra);
	struct conf *c = tu_conf(dir, text);
	struct tpl_set *ts = tpl_load(c, dg);

	conf_free(c);
	free(text);
	return ts;
}

START_TEST(test_shipped)
{
	static const enum tpl_kind kinds[] = {
		TPL_REMINDER, TPL_ESCALATION, TPL_DIGEST, TPL_ADMIN_ALERT,
	};
	struct diag dg = { 0 };
	char *dir = template_dir();
	struct tpl_set *ts = load_set(dir, "[links]\ncase_url = "
	    "https://cms.example/case/{ref}\n", &dg);
	struct tpl_item its[2] = { item, item };
	struct tpl_vars v = { .now = T_DUE + 12000, .items = its, .nitems = 1,
	    .recipient = "Sam Patel", .channel = "email",
	    .error = "550 5.1.1 mailbox unavailable" };
	char *subject, *body, *sms;

	diag_print(&dg, stderr);
	ck_assert_ptr_nonnull(ts);
	its[1].ref = "DA-2026-0050";
	for (size_t k = 0; k < nitems(kinds); k++) {
		v.nitems = kinds[k] == TPL_DIGEST ? 2 : 1;
		ck_assert_int_eq(tpl_render_email(ts, kinds[k], &v, &subject,
		    &body), 0);
		ck_assert_ptr_nonnull(strstr(subject, "DA-2026-00") ?
		    subject : strstr(subject, "2 case deadlines"));
		ck_assert_ptr_nonnull(strstr(body, "DA-2026-0042"));
		ck_assert_ptr_null(strstr(body, "{"));
		if (kinds[k] != TPL_ADMIN_ALERT)
			ck_assert_ptr_nonnull(strstr(body,
			    "https://cms.example/case/DA-2026-0042"));
		sms = tpl_render_sms(ts, kinds[k], &v);
		ck_assert_ptr_nonnull(sms);
		check_sms(sms);
		ck_assert_ptr_nonnull(strstr(sms, "DA-2026-0042"));
		free(subject);
		free(body);
		free(sms);
	}
	/* The audit alert is about the log, not a case: what it found. */
	v.nitems = 1;
	v.error = "at event 2: its hash does not match";
	ck_assert_int_eq(tpl_render_email(ts, TPL_AUDIT_ALERT, &v, &subject,
	    &body), 0);
	ck_assert_str_eq(subject, "vigil: the event log failed its audit");
	ck_assert_ptr_nonnull(strstr(body, "broken at event 2: its hash"));
	ck_assert_ptr_null(strstr(body, "DA-2026"));
	sms = tpl_render_sms(ts, TPL_AUDIT_ALERT, &v);
	ck_assert_ptr_nonnull(sms);
	check_sms(sms);
	ck_assert_ptr_nonnull(strstr(sms, "at event 2"));
	free(subject);
	free(body);
	free(sms);
	v.nitems = 0;
	ck_assert_int_eq(tpl_render_email(ts, TPL_REMINDER, &v, &subject,
	    &body), -1);
	ck_assert_ptr_null(tpl_render_sms(ts, TPL_REMINDER, &v));
	tpl_set_free(ts);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_level_override)
{
	struct diag dg = { 0 };
	char *dir = template_dir();
	struct tpl_set *ts;
	struct tpl_item it = item;
	struct tpl_vars v = { .now = T_DUE, .items = &it, .nitems = 1 };
	char *subject, *body;

	tu_write(dir, "escalation-2.email", "Subject: LEVEL TWO {ref}\n\nx\n");
	tu_write(dir, "escalation-2.sms", "L2 {ref}");
	ts = load_set(dir, "", &dg);
	ck_assert_ptr_nonnull(ts);
	it.level = 2;
	ck_assert_int_eq(tpl_render_email(ts, TPL_ESCALATION, &v, &subject,
	    &body), 0);
	ck_assert_str_eq(subject, "LEVEL TWO DA-2026-0042");
	free(subject);
	free(body);
	body = tpl_render_sms(ts, TPL_ESCALATION, &v);
	ck_assert_str_eq(body, "L2 DA-2026-0042");
	free(body);
	it.level = 1;
	body = tpl_render_sms(ts, TPL_ESCALATION, &v);
	ck_assert_str_ne(body, "L2 DA-2026-0042");
	/* No case_url: {link} is empty and its line disappears. */
	ck_assert_ptr_null(strstr(body, "https://"));
	free(body);
	tpl_set_free(ts);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_load_errors)
{
	struct diag dg = { 0 };
	char *dir = template_dir(), *path;
	struct tpl_set *ts;

	path = xasprintf("%s/reminder.sms", dir);
	remove(path);
	free(path);
	tu_write(dir, "escalation.email", "Subject: {ref}\n\n{victim}\n");
	tu_write(dir, "escalation-3.sms", "{ref} {count}");
	ts = load_set(dir, "[links]\ncase_url = https://cms.example/\n"
	    "colour = blue\n", &dg);
	ck_assert_ptr_null(ts);
	ck_assert(udiag_has(&dg, 0, "missing"));
	ck_assert(udiag_has(&dg, 3, "unknown placeholder {victim}"));
	ck_assert(udiag_has(&dg, 1, "{count} is not available"));
	ck_assert(udiag_has(&dg, 4, "must contain {ref}"));
	ck_assert(udiag_has(&dg, 5, "unknown setting \"colour\" in [links]"));
	diag_clear(&dg);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

static Suite *
template_suite(void)
{
	Suite *s = suite_create("template");
	TCase *tc = tcase_create("template");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_too_large);
	tcase_add_test(tc, test_nul);
	tcase_add_test(tc, test_render_email);
	tcase_add_test(tc, test_optional_lines);
	tcase_add_test(tc, test_values_cleaned);
	tcase_add_test(tc, test_digest);
	tcase_add_test(tc, test_late_and_when);
	tcase_add_test(tc, test_gsm7);
	tcase_add_test(tc, test_sms_budget);
	tcase_add_test(tc, test_sms_keeps_what_matters);
	tcase_add_test(tc, test_sms_digest);
	tcase_add_test(tc, test_case_url);
	tcase_add_test(tc, test_shipped);
	tcase_add_test(tc, test_level_override);
	tcase_add_test(tc, test_load_errors);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(template_suite)
