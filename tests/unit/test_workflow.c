/*
 * test_workflow.c: the workflow language, its checks and the engine, with
 * every due instant worked out by hand on the default calendar (Europe/
 * London, mon-fri 09:00-17:00, England and Wales: in April 2026 Good Friday
 * is the 3rd and Easter Monday the 6th, and clocks are at +01:00).
 */
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "inifile.h"
#include "unit-cal.h"
#include "workflow.h"

static struct conf *conf;
static const struct cal_set *cals;
static const struct calendar *defcal;

static void
setup(void)
{
	struct diag dg = { 0 };

	conf = conf_load(NULL, &dg);
	ck_assert_ptr_nonnull(conf);
	cals = &conf->calendars;
	defcal = conf->default_calendar;
}

static void
teardown(void)
{
	conf_free(conf);
}

static char *
path_of(const char *rel)
{
	return xasprintf("%s/%s", unit_srcdir(), rel);
}

static struct workflow *
load(const char *name)
{
	struct diag dg = { 0 };
	char *rel = xasprintf("workflows/%s.ini", name), *p = path_of(rel);
	struct workflow *wf = wf_load_file(p, cals, &dg);

	if (wf == NULL)
		diag_print(&dg, stderr);
	ck_assert_msg(wf != NULL, "%s did not load", p);
	ck_assert_uint_eq(dg.n, 0);
	diag_clear(&dg);
	free(rel);
	free(p);
	return wf;
}

/* An instant from local time on the default calendar. */
static int64_t
T(const char *s)
{
	return uat(defcal, s);
}

/* Local time, as "2026-04-02T10:00:00+01:00". */
static const char *
L(int64_t t)
{
	return uiso(defcal, t);
}

/* An event: name, local time, by, role, then "key=value"..., NULL. */
struct evbuf {
	struct wf_event ev;
	struct wf_field f[8];
	char	 kv[8][128];
};

static const struct wf_event *
E(const char *name, const char *at, const char *by, const char *role, ...)
{
	static struct evbuf b[4];
	static int n;
	struct evbuf *e;
	const char *a;
	va_list ap;

	n = (n + 1) % 4;
	e = &b[n];
	memset(e, 0, sizeof *e);
	e->ev.name = name;
	e->ev.at = T(at);
	e->ev.by = by;
	e->ev.by_role = role;
	e->ev.fields = e->f;
	va_start(ap, role);
	while ((a = va_arg(ap, const char *)) != NULL) {
		size_t i = e->ev.nfields++;
		char *eq;

		snprintf(e->kv[i], sizeof e->kv[i], "%s", a);
		eq = strchr(e->kv[i], '=');
		*eq = '\0';
		e->f[i].key = e->kv[i];
		e->f[i].value = eq + 1;
	}
	va_end(ap);
	return &e->ev;
}

/* Everything about a case, to show a refusal changed nothing. */
static char *
dump(const struct wf_case *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	fprintf(fp, "%s %s %s %s %lld %lld %lld %u %d\n", c->ref, c->workflow,
	    c->version, c->state, (long long)c->opened,
	    (long long)c->last_event, (long long)c->paused_at, c->next_seq,
	    c->closed);
	for (size_t i = 0; i < c->nfields; i++)
		fprintf(fp, "%s=%s\n", c->fields[i].key, c->fields[i].value);
	for (size_t i = 0; i < c->ndeadlines; i++) {
		const struct wf_deadline *d = &c->deadlines[i];

		fprintf(fp, "%u %s %s %lld %lld %d %lld %s %lld %s %d\n", d->seq,
		    d->name, d->duration, (long long)d->started,
		    (long long)d->due, d->status, (long long)d->closed_at,
		    d->closed_by ? d->closed_by : "-", (long long)d->acked_at,
		    d->acked_by ? d->acked_by : "-", d->urgent);
	}
	fclose(fp);
	return buf;
}

#define OPEN(wf, c, ref, ev) do {					\
	char err_[256];							\
	ck_assert_msg(wf_open((wf), cals, (c), (ref), (ev), err_,	\
	    sizeof err_) == 0, "open refused: %s", err_);		\
} while (0)

#define APPLY(wf, c, ev) do {						\
	char err_[256];							\
	const struct wf_event *ev_ = (ev);				\
	ck_assert_msg(wf_apply((wf), cals, (c), ev_, err_,		\
	    sizeof err_) == 0, "%s refused: %s", ev_->name, err_);	\
} while (0)

/* The event is refused, with why containing "why", and c is unchanged. */
#define REFUSED(wf, c, ev, why) do {					\
	char err_[256], *before_ = dump(c), *after_;			\
	ck_assert_int_eq(wf_apply((wf), cals, (c), (ev), err_,		\
	    sizeof err_), -1);						\
	ck_assert_msg(strstr(err_, (why)) != NULL, "\"%s\" lacks \"%s\"", \
	    err_, (why));						\
	after_ = dump(c);						\
	ck_assert_str_eq(before_, after_);				\
	free(before_);							\
	free(after_);							\
} while (0)

static const struct wf_deadline *
DL(const struct wf_case *c, uint32_t seq)
{
	for (size_t i = 0; i < c->ndeadlines; i++)
		if (c->deadlines[i].seq == seq)
			return &c->deadlines[i];
	ck_abort_msg("no deadline %u", seq);
	return NULL;
}

static void
assert_deadline(const struct wf_case *c, uint32_t seq, const char *name,
    const char *duration, const char *due, enum wf_status st)
{
	const struct wf_deadline *d = DL(c, seq);

	ck_assert_str_eq(d->name, name);
	ck_assert_str_eq(d->duration, duration);
	ck_assert_str_eq(L(d->due), due);
	ck_assert_int_eq(d->status, st);
}

static const char *
F(const struct wf_case *c, const char *key)
{
	const char *v = wf_case_field(c, key);

	return v ? v : "(unset)";
}

/* --- loading --------------------------------------------------------- */

static const char *const shipped[] = {
	"domestic-abuse", "havebury", "waltham-forest", "welwyn-hatfield",
	"wiltshire", "wolverhampton"
};

START_TEST(test_shipped_load)
{
	struct diag dg = { 0 };
	char *dir = path_of("workflows");
	struct wf_set *set = wf_load_dir(dir, cals, &dg);
	const char *groups[4];

	diag_print(&dg, stderr);
	ck_assert_ptr_nonnull(set);
	ck_assert_uint_eq(wf_set_count(set), nitems(shipped));
	for (size_t i = 0; i < nitems(shipped); i++) {
		const struct workflow *wf = wf_set_find(set, shipped[i]);

		ck_assert_ptr_nonnull(wf);
		ck_assert_str_eq(wf_name(wf), shipped[i]);
		ck_assert_uint_eq(strlen(wf_version(wf)), WF_VERSION_LEN);
		ck_assert(wf_has_state(wf, "closure-pending"));
		ck_assert(wf_has_event(wf, "ack"));
		ck_assert(!wf_has_event(wf, "clsoure-approved"));
		ck_assert_str_eq(wf_deadline_title(wf, "initial-contact"),
		    "initial contact");
		ck_assert_ptr_nonnull(wf_deadline_action(wf, "dash"));
		ck_assert_uint_eq(wf_groups(wf, groups, 4), 0);
	}
	wf_set_free(set);
	free(dir);
}
END_TEST

START_TEST(test_roles)
{
	struct workflow *wf = load("welwyn-hatfield");
	const char *roles[4];

	ck_assert_uint_eq(wf_roles(wf, roles, 4), 1);
	ck_assert_str_eq(roles[0], "manager");
	wf_free(wf);
}
END_TEST

/* wf_text() reads back to the same workflow and the same version. */
START_TEST(test_text_round_trip)
{
	for (size_t i = 0; i < nitems(shipped); i++) {
		struct workflow *wf = load(shipped[i]), *again;
		struct diag dg = { 0 };
		const char *t = wf_text(wf);

		ck_assert_ptr_null(strstr(t, "include"));
		again = wf_load_buffer("stored", t, strlen(t), cals, &dg);
		diag_print(&dg, stderr);
		ck_assert_ptr_nonnull(again);
		ck_assert_str_eq(wf_name(again), shipped[i]);
		ck_assert_str_eq(wf_version(again), wf_version(wf));
		ck_assert_str_eq(wf_text(again), t);
		wf_free(again);
		wf_free(wf);
	}
}
END_TEST

/* Versions differ between workflows and move with any change. */
START_TEST(test_versions_differ)
{
	struct workflow *a = load("domestic-abuse"), *b = load("wiltshire"),
	    *c;
	struct diag dg = { 0 };
	char *t = xstrdup(wf_text(a)), *p = strstr(t, "dash-threshold = 14");

	ck_assert_str_ne(wf_version(a), wf_version(b));
	ck_assert_ptr_nonnull(p);
	p[strlen("dash-threshold = 1")] = '5';
	c = wf_load_buffer("edited", t, strlen(t), cals, &dg);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_ne(wf_version(a), wf_version(c));
	wf_free(a);
	wf_free(b);
	wf_free(c);
	free(t);
}
END_TEST

START_TEST(test_buffer_refuses_include)
{
	static const char text[] = "[workflow]\ninclude = domestic-abuse.ini\n";
	struct diag dg = { 0 };

	ck_assert_ptr_null(wf_load_buffer("x.ini", text, strlen(text), cals,
	    &dg));
	ck_assert_uint_ge(dg.n, 1);
	ck_assert_str_eq(dg.v[0].file, "x.ini");
	ck_assert_int_eq(dg.v[0].line, 2);
	diag_clear(&dg);
}
END_TEST

/* A stored text over the INI limit is refused as a file would be. */
START_TEST(test_buffer_too_large)
{
	size_t len = INI_MAX_FILE + 1;
	char *text = xmalloc(len);
	struct diag dg = { 0 };

	memset(text, ';', len);
	ck_assert_ptr_null(wf_load_buffer("big", text, len, cals, &dg));
	ck_assert_uint_ge(dg.n, 1);
	ck_assert_str_eq(dg.v[0].file, "big");
	ck_assert_ptr_nonnull(strstr(dg.v[0].msg, "file too large"));
	diag_clear(&dg);
	free(text);
}
END_TEST

/* --- the default workflow, the main path ------------------------------ */

START_TEST(test_default_main_path)
{
	struct workflow *wf = load("domestic-abuse");
	struct wf_case c = { 0 };

	OPEN(wf, &c, "DA-1", E("open", "2026-04-01T10:00", "o1", "officer",
	    "officer=o1", "risk=standard", NULL));
	ck_assert_str_eq(c.state, "reported");
	ck_assert_str_eq(c.workflow, "domestic-abuse");
	ck_assert_str_eq(c.version, wf_version(wf));
	ck_assert_str_eq(F(&c, "officer"), "o1");
	ck_assert_str_eq(F(&c, "risk"), "standard");
	ck_assert_uint_eq(c.ndeadlines, 1);
	/* Wed 10:00 + 1 working day = Thu 10:00. */
	assert_deadline(&c, 1, "initial-contact", "1 working day",
	    "2026-04-02T10:00:00+01:00", WF_PENDING);
	ck_assert_int_eq(DL(&c, 1)->urgent, 0);

	APPLY(wf, &c, E("contact-made", "2026-04-02T09:30", "o1", "officer",
	    NULL));
	ck_assert_str_eq(c.state, "assessment");
	ck_assert_int_eq(DL(&c, 1)->status, WF_MET);
	ck_assert_str_eq(DL(&c, 1)->closed_by, "contact-made");
	ck_assert_str_eq(L(DL(&c, 1)->closed_at), "2026-04-02T09:30:00+01:00");
	/* 24 hours: elapsed time, Good Friday or not. */
	assert_deadline(&c, 2, "dash", "24 hours", "2026-04-03T09:30:00+01:00",
	    WF_PENDING);

	/* 16 of 24: visible high risk. */
	APPLY(wf, &c, E("dash-completed", "2026-04-02T15:00", "o1", "officer",
	    "score=16", "judgement=standard", "police-incidents-12m=0", NULL));
	ck_assert_str_eq(c.state, "marac-referral");
	ck_assert_int_eq(DL(&c, 2)->status, WF_MET);
	ck_assert_str_eq(F(&c, "score"), "16");
	/* Thu 15:00 + 1 working day: Fri and Mon are bank holidays. */
	assert_deadline(&c, 3, "marac-referral", "1 working day",
	    "2026-04-07T15:00:00+01:00", WF_PENDING);

	APPLY(wf, &c, E("marac-referred", "2026-04-07T11:00", "o1", "officer",
	    NULL));
	ck_assert_str_eq(c.state, "marac");
	ck_assert_str_eq(F(&c, "marac-referred-at"), "2026-04-07T10:00:00Z");
	ck_assert_int_eq(DL(&c, 3)->status, WF_MET);
	/* 20 working days from Tue 7 Apr, skipping Mon 4 May: Wed 6 May. */
	assert_deadline(&c, 4, "marac-hearing", "20 working days",
	    "2026-05-06T11:00:00+01:00", WF_PENDING);

	APPLY(wf, &c, E("marac-heard", "2026-04-29T14:00", "o1", "officer",
	    NULL));
	ck_assert_str_eq(c.state, "support");
	ck_assert_int_eq(DL(&c, 4)->status, WF_MET);
	assert_deadline(&c, 5, "review", "4 weeks", "2026-05-27T14:00:00+01:00",
	    WF_PENDING);

	/* The interval agreed with the person. */
	APPLY(wf, &c, E("review-done", "2026-05-20T10:00", "o1", "officer",
	    "review-interval=3 weeks", NULL));
	ck_assert_int_eq(DL(&c, 5)->status, WF_MET);
	assert_deadline(&c, 6, "review", "3 weeks", "2026-06-10T10:00:00+01:00",
	    WF_PENDING);

	APPLY(wf, &c, E("closure-requested", "2026-06-08T10:00", "o1",
	    "officer", "reason=agreed", NULL));
	ck_assert_str_eq(c.state, "closure-pending");
	ck_assert_str_eq(F(&c, "closure-reason"), "agreed");
	/* Leaving support stops the review. */
	ck_assert_int_eq(DL(&c, 6)->status, WF_CANCELLED);
	ck_assert_str_eq(DL(&c, 6)->closed_by, "closure-requested");
	assert_deadline(&c, 7, "closure-approval", "5 working days",
	    "2026-06-15T10:00:00+01:00", WF_PENDING);

	APPLY(wf, &c, E("closure-approved", "2026-06-09T16:00", "m1",
	    "manager", NULL));
	ck_assert_str_eq(c.state, "closed");
	ck_assert_int_eq(c.closed, 1);
	ck_assert_int_eq(DL(&c, 7)->status, WF_MET);
	assert_deadline(&c, 8, "satisfaction-survey", "10 working days",
	    "2026-06-23T16:00:00+01:00", WF_PENDING);

	APPLY(wf, &c, E("survey-done", "2026-06-22T10:00", "s1", "officer",
	    NULL));
	ck_assert_int_eq(DL(&c, 8)->status, WF_MET);
	ck_assert_uint_eq(c.ndeadlines, 8);
	ck_assert_uint_eq(c.next_seq, 9);
	ck_assert_str_eq(L(c.last_event), "2026-06-22T10:00:00+01:00");
	ck_assert_str_eq(L(c.opened), "2026-04-01T10:00:00+01:00");
	wf_case_free(&c);
	wf_free(wf);
}
END_TEST

/*
 * The common path through every shipped workflow, from report to survey,
 * with the due instants their procedures give; nothing is left pending.
 */
START_TEST(test_main_path_all)
{
	static const char *const contact_due[] = {
		"2026-04-02T10:00:00+01:00", "2026-04-02T10:00:00+01:00",
		"2026-04-02T10:00:00+01:00", "2026-04-02T10:00:00+01:00",
		"2026-04-07T10:00:00+01:00",	/* wiltshire: 2 working days */
		"2026-04-02T10:00:00+01:00",
	};
	struct workflow *wf = load(shipped[_i]);
	struct wf_case c = { 0 };
	const struct wf_deadline *d;

	ck_assert_uint_eq(nitems(contact_due), nitems(shipped));
	OPEN(wf, &c, "ALL-1", E("open", "2026-04-01T10:00", "o1", "officer",
	    "officer=o1", "risk=high", NULL));
	assert_deadline(&c, 1, "initial-contact", DL(&c, 1)->duration,
	    contact_due[_i], WF_PENDING);
	APPLY(wf, &c, E("contact-made", "2026-04-01T15:00", "o1", "officer",
	    NULL));
	ck_assert_str_eq(c.state, "assessment");
	d = &c.deadlines[c.ndeadlines - 1];
	if (strcmp(d->name, "audit") == 0)	/* welwyn-hatfield 12.3 */
		d--;
	ck_assert_str_eq(d->name, "dash");
	ck_assert_str_eq(L(d->due), "2026-04-02T15:00:00+01:00");
	APPLY(wf, &c, E("dash-completed", "2026-04-02T11:00", "o1", "officer",
	    "score=17", "judgement=high", "police-incidents-12m=4", NULL));
	ck_assert_str_eq(c.state, "marac-referral");
	APPLY(wf, &c, E("marac-referred", "2026-04-02T16:00", "o1", "officer",
	    NULL));
	APPLY(wf, &c, E("marac-heard", "2026-04-22T14:00", "o1", "officer",
	    NULL));
	ck_assert_str_eq(c.state, "support");
	/* High risk: a review every 2 weeks. */
	d = &c.deadlines[c.ndeadlines - 1];
	ck_assert_str_eq(d->name, "review");
	ck_assert_str_eq(d->duration, "2 weeks");
	ck_assert_str_eq(L(d->due), "2026-05-06T14:00:00+01:00");
	APPLY(wf, &c, E("review-done", "2026-05-05T10:00", "o1", "officer",
	    "review-interval=3 weeks", NULL));
	d = &c.deadlines[c.ndeadlines - 1];
	ck_assert_str_eq(L(d->due), "2026-05-26T10:00:00+01:00");
	APPLY(wf, &c, E("closure-requested", "2026-05-20T10:00", "o1",
	    "officer", "reason=agreed", NULL));
	APPLY(wf, &c, E("closure-approved", "2026-05-21T10:00", "m1",
	    "manager", NULL));
	ck_assert_str_eq(c.state, "closed");
	d = &c.deadlines[c.ndeadlines - 1];
	ck_assert_str_eq(d->name, "satisfaction-survey");
	/* 10 working days from Thu 21 May, past the late May holiday. */
	ck_assert_str_eq(L(d->due), "2026-06-05T10:00:00+01:00");
	APPLY(wf, &c, E("survey-done", "2026-06-01T10:00", "s1", "officer",
	    NULL));
	for (size_t i = 0; i < c.ndeadlines; i++)
		ck_assert_int_ne(c.deadlines[i].status, WF_PENDING);
	wf_case_free(&c);
	wf_free(wf);
}
END_TEST

/* Each SafeLives criterion alone routes to a referral; none, to support. */
START_TEST(test_marac_criteria)
{
	static const struct {
		const char *score, *judgement, *incidents, *state;
	} t[] = {
		{ "score=13", "judgement=standard", "police-incidents-12m=2",
		    "support" },
		{ "score=14", "judgement=standard", "police-incidents-12m=0",
		    "marac-referral" },
		{ "score=0", "judgement=high", "police-incidents-12m=0",
		    "marac-referral" },
		{ "score=2", "judgement=standard", "police-incidents-12m=3",
		    "marac-referral" },
	};
	struct workflow *wf = load("domestic-abuse");

	for (size_t i = 0; i < nitems(t); i++) {
		struct wf_case c = { 0 };

		OPEN(wf, &c, "DA-2", E("open", "2026-04-01T10:00", "o1",
		    "officer", "officer=o1", "risk=medium", NULL));
		APPLY(wf, &c, E("contact-made", "2026-04-01T11:00", "o1",
		    "officer", NULL));
		APPLY(wf, &c, E("dash-completed", "2026-04-01T12:00", "o1",
		    "officer", t[i].score, t[i].judgement, t[i].incidents,
		    NULL));
		ck_assert_str_eq(c.state, t[i].state);
		wf_case_free(&c);
	}
	wf_free(wf);
}
END_TEST

/*
 * SafeLives repeat: an incident within 12 months of the last referral is
 * referred again, whatever the score; one before the referral is not.
 */
START_TEST(test_repeat_marac)
{
	struct workflow *wf = load("domestic-abuse");
	struct wf_case c = { 0 };

	OPEN(wf, &c, "DA-3", E("open", "2026-04-01T10:00", "o1", "officer",
	    "officer=o1", "risk=high", NULL));
	APPLY(wf, &c, E("incident", "2026-04-01T10:30", "o1", "officer", NULL));
	APPLY(wf, &c, E("contact-made", "2026-04-01T11:00", "o1", "officer",
	    NULL));
	APPLY(wf, &c, E("dash-completed", "2026-04-01T12:00", "o1", "officer",
	    "score=20", "judgement=high", "police-incidents-12m=1", NULL));
	APPLY(wf, &c, E("marac-referred", "2026-04-01T13:00", "o1", "officer",
	    NULL));
	APPLY(wf, &c, E("marac-heard", "2026-04-20T13:00", "o1", "officer",
	    NULL));
	ck_assert_str_eq(c.state, "support");
	/* A reassessment with no new incident: the old one came first. */
	APPLY(wf, &c, E("dash-completed", "2026-05-01T12:00", "o1", "officer",
	    "score=3", "judgement=standard", "police-incidents-12m=1", NULL));
	ck_assert_str_eq(c.state, "support");
	/* A new incident 11 months on. */
	APPLY(wf, &c, E("incident", "2027-03-01T09:00", "o1", "officer", NULL));
	APPLY(wf, &c, E("dash-completed", "2027-03-01T12:00", "o1", "officer",
	    "score=3", "judgement=standard", "police-incidents-12m=1", NULL));
	ck_assert_str_eq(c.state, "marac-referral");
	wf_case_free(&c);
	wf_free(wf);
}
END_TEST

/* An incident starts a new DASH anywhere; one in MARAC keeps the hearing. */
START_TEST(test_incident)
{
	struct workflow *wf = load("domestic-abuse");
	struct wf_case c = { 0 };

	OPEN(wf, &c, "DA-4", E("open", "2026-04-01T10:00", "o1", "officer",
	    "officer=o1", "risk=high", NULL));
	APPLY(wf, &c, E("contact-made", "2026-04-01T11:00", "o1", "officer",
	    NULL));
	APPLY(wf, &c, E("dash-completed", "2026-04-01T12:00", "o1", "officer",
	    "score=15", "judgement=standard", "police-incidents-12m=0", NULL));
	APPLY(wf, &c, E("marac-referred", "2026-04-01T13:00", "o1", "officer",
	    NULL));
	APPLY(wf, &c, E("incident", "2026-04-08T20:00", "o1", "officer",
	    "immediate-risk=yes", NULL));
	ck_assert_str_eq(c.state, "marac");
	ck_assert_str_eq(F(&c, "immediate-risk"), "yes");
	assert_deadline(&c, 5, "dash", "24 hours", "2026-04-09T20:00:00+01:00",
	    WF_PENDING);
	ck_assert_int_eq(DL(&c, 5)->urgent, 1);
	APPLY(wf, &c, E("dash-completed", "2026-04-09T10:00", "o1", "officer",
	    "score=5", "judgement=standard", "police-incidents-12m=0", NULL));
	ck_assert_str_eq(c.state, "marac");
	ck_assert_int_eq(DL(&c, 5)->status, WF_MET);
	ck_assert_int_eq(DL(&c, 4)->status, WF_PENDING);
	ck_assert_str_eq(DL(&c, 4)->name, "marac-hearing");
	wf_case_free(&c);
	wf_free(wf);
}
END_TEST

static void
assert_step(const struct wf_step *s, uint32_t seq, int level, int repeat,
    const char *at)
{
	ck_assert_uint_eq(s->seq, seq);
	ck_assert_int_eq(s->level, level);
	ck_assert_int_eq(s->repeat, repeat);
	ck_assert_str_eq(L(s->at), at);
}

/*
 * Reported on a Saturday: 1 working day runs from Monday's opening, and a
 * due time at an opening is the close before it (Mon 17:00, the same
 * working time).  The reminder is 2 working hours before: Mon 15:00.
 */
START_TEST(test_weekend_report)
{
	struct workflow *wf = load("domestic-abuse");
	struct wf_case c = { 0 };
	struct wf_step s[16];

	OPEN(wf, &c, "DA-14", E("open", "2026-04-11T14:00", "o1", "officer",
	    "officer=o1", "risk=standard", NULL));
	assert_deadline(&c, 1, "initial-contact", "1 working day",
	    "2026-04-13T17:00:00+01:00", WF_PENDING);
	ck_assert_uint_eq(wf_steps(wf, cals, &c, s, nitems(s)), 8);
	assert_step(&s[0], 1, 0, 0, "2026-04-13T15:00:00+01:00");
	assert_step(&s[1], 1, 1, 0, "2026-04-13T17:00:00+01:00");
	/* 4 working hours after Monday's close: Tue 13:00. */
	assert_step(&s[2], 1, 2, 0, "2026-04-14T13:00:00+01:00");
	assert_step(&s[3], 1, 2, 1, "2026-04-15T13:00:00+01:00");
	wf_case_free(&c);
	wf_free(wf);
}
END_TEST

START_TEST(test_immediate_risk)
{
	struct workflow *wf = load("domestic-abuse");
	struct wf_case c = { 0 };

	OPEN(wf, &c, "DA-5", E("open", "2026-04-01T10:00", "o1", "officer",
	    "officer=o1", "risk=medium", "immediate-risk=yes", NULL));
	assert_deadline(&c, 1, "initial-contact", "1 hour",
	    "2026-04-01T11:00:00+01:00", WF_PENDING);
	ck_assert_int_eq(DL(&c, 1)->urgent, 1);
	wf_case_free(&c);
	wf_free(wf);
}
END_TEST

/* --- escalation steps ------------------------------------------------- */

START_TEST(test_steps_standard)
{
	struct workflow *wf = load("domestic-abuse");
	struct wf_case c = { 0 };
	struct wf_step s[16];
	size_t n;

	OPEN(wf, &c, "DA-6", E("open", "2026-04-01T10:00", "o1", "officer",
	    "officer=o1", "risk=standard", NULL));
	n = wf_steps(wf, cals, &c, s, nitems(s));
	ck_assert_uint_eq(n, 8);
	/* Thu 10:00 less 2 working hours: Thu 09:00-10:00, Wed 16:00-17:00. */
	assert_step(&s[0], 1, 0, 0, "2026-04-01T16:00:00+01:00");
	ck_assert_uint_eq(s[0].nto, 1);
	ck_assert_int_eq(s[0].to[0].kind, WF_TO_OFFICER);
	ck_assert_uint_eq(s[0].to[0].channels, WF_EMAIL);
	ck_assert_str_eq(s[0].deadline, "initial-contact");
	/* The miss: the line manager, by email only at standard risk. */
	assert_step(&s[1], 1, 1, 0, "2026-04-02T10:00:00+01:00");
	ck_assert_uint_eq(s[1].nto, 1);
	ck_assert_int_eq(s[1].to[0].kind, WF_TO_MANAGER);
	ck_assert_int_eq(s[1].to[0].up, 1);
	ck_assert_uint_eq(s[1].to[0].channels, WF_EMAIL);
	ck_assert_int_eq(s[1].urgent, 0);
	/* 4 working hours on: the line manager's manager, email and SMS. */
	assert_step(&s[2], 1, 2, 0, "2026-04-02T14:00:00+01:00");
	ck_assert_int_eq(s[2].to[0].kind, WF_TO_MANAGER);
	ck_assert_int_eq(s[2].to[0].up, 2);
	ck_assert_uint_eq(s[2].to[0].channels, WF_EMAIL | WF_SMS);
	/* Every working day, 5 times, over the Easter weekend. */
	assert_step(&s[3], 1, 2, 1, "2026-04-07T14:00:00+01:00");
	assert_step(&s[4], 1, 2, 2, "2026-04-08T14:00:00+01:00");
	assert_step(&s[5], 1, 2, 3, "2026-04-09T14:00:00+01:00");
	assert_step(&s[6], 1, 2, 4, "2026-04-10T14:00:00+01:00");
	assert_step(&s[7], 1, 2, 5, "2026-04-13T14:00:00+01:00");
	/* A short buffer gets the earliest, and the count of all. */
	ck_assert_uint_eq(wf_steps(wf, cals, &c, s, 2), 8);
	assert_step(&s[1], 1, 1, 0, "2026-04-02T10:00:00+01:00");
	/* A met deadline has no steps. */
	APPLY(wf, &c, E("contact-made", "2026-04-02T09:30", "o1", "officer",
	    NULL));
	n = wf_steps(wf, cals, &c, s, nitems(s));
	ck_assert_uint_eq(n, 8);
	for (size_t i = 0; i < n; i++)
		ck_assert_uint_eq(s[i].seq, 2);
	/* dash due Fri 3 Apr 09:30 (Good Friday): reminder Thu 15:00. */
	assert_step(&s[0], 2, 0, 0, "2026-04-02T15:00:00+01:00");
	assert_step(&s[1], 2, 1, 0, "2026-04-03T09:30:00+01:00");
	assert_step(&s[2], 2, 2, 0, "2026-04-07T13:00:00+01:00");
	wf_case_free(&c);
	wf_free(wf);
}
END_TEST

/* Immediate risk: SMS at level 1, every step urgent, no reminder. */
START_TEST(test_steps_urgent_and_ack)
{
	struct workflow *wf = load("domestic-abuse");
	struct wf_case c = { 0 };
	struct wf_step s[16];
	size_t n;

	OPEN(wf, &c, "DA-7", E("open", "2026-04-01T10:00", "o1", "officer",
	    "officer=o1", "risk=medium", "immediate-risk=yes", NULL));
	n = wf_steps(wf, cals, &c, s, nitems(s));
	/* 2 working hours before 11:00 is before the case opened. */
	ck_assert_uint_eq(n, 7);
	assert_step(&s[0], 1, 1, 0, "2026-04-01T11:00:00+01:00");
	ck_assert_uint_eq(s[0].to[0].channels, WF_EMAIL | WF_SMS);
	assert_step(&s[1], 1, 2, 0, "2026-04-01T15:00:00+01:00");
	assert_step(&s[2], 1, 2, 1, "2026-04-02T15:00:00+01:00");
	assert_step(&s[3], 1, 2, 2, "2026-04-07T15:00:00+01:00");
	assert_step(&s[6], 1, 2, 5, "2026-04-10T15:00:00+01:00");
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(s[i].urgent, 1);

	/* Not missed yet: nothing to acknowledge. */
	REFUSED(wf, &c, E("ack", "2026-04-01T10:30", "m1", "manager", NULL),
	    "nothing is missed");
	REFUSED(wf, &c, E("ack", "2026-04-01T12:00", "m1", "manager",
	    "deadline=dash", NULL), "not missed");
	REFUSED(wf, &c, E("ack", "2026-04-01T12:00", "m1", "manager",
	    "note=x", NULL), "ack takes one field");
	/* Acknowledged at 14:00: level 2 still comes, its repeats do not. */
	APPLY(wf, &c, E("ack", "2026-04-01T14:00", "m1", "manager",
	    "deadline=initial-contact", NULL));
	ck_assert_str_eq(L(DL(&c, 1)->acked_at), "2026-04-01T14:00:00+01:00");
	ck_assert_str_eq(DL(&c, 1)->acked_by, "m1");
	ck_assert_int_eq(DL(&c, 1)->status, WF_PENDING);
	n = wf_steps(wf, cals, &c, s, nitems(s));
	ck_assert_uint_eq(n, 2);
	assert_step(&s[0], 1, 1, 0, "2026-04-01T11:00:00+01:00");
	assert_step(&s[1], 1, 2, 0, "2026-04-01T15:00:00+01:00");
	REFUSED(wf, &c, E("ack", "2026-04-01T15:00", "m1", "manager", NULL),
	    "already acknowledged");
	wf_case_free(&c);
	wf_free(wf);
}
END_TEST

/* Acked after some repeats: those before the ack stay (keys are stable). */
START_TEST(test_steps_ack_later)
{
	struct workflow *wf = load("domestic-abuse");
	struct wf_case c = { 0 };
	struct wf_step s[16];

	OPEN(wf, &c, "DA-8", E("open", "2026-04-01T10:00", "o1", "officer",
	    "officer=o1", "risk=high", NULL));
	APPLY(wf, &c, E("ack", "2026-04-08T09:00", "m2", "head-of-service",
	    "deadline=1", NULL));
	ck_assert_uint_eq(wf_steps(wf, cals, &c, s, nitems(s)), 4);
	assert_step(&s[0], 1, 0, 0, "2026-04-01T16:00:00+01:00");
	/* High risk: SMS to the line manager at the miss. */
	ck_assert_uint_eq(s[1].to[0].channels, WF_EMAIL | WF_SMS);
	assert_step(&s[3], 1, 2, 1, "2026-04-07T14:00:00+01:00");
	wf_case_free(&c);
	wf_free(wf);
}
END_TEST

/* --- pause and resume ------------------------------------------------- */

START_TEST(test_pause_working_units)
{
	struct workflow *wf = load("domestic-abuse");
	struct wf_case c = { 0 };
	struct wf_step s[16];

	OPEN(wf, &c, "DA-9", E("open", "2026-04-01T10:00", "o1", "officer",
	    "officer=o1", "risk=standard", NULL));
	APPLY(wf, &c, E("pause", "2026-04-01T12:00", "o1", "officer",
	    "reason=unavailable", NULL));
	ck_assert_str_eq(L(c.paused_at), "2026-04-01T12:00:00+01:00");
	ck_assert_str_eq(F(&c, "pause-reason"), "unavailable");
	/* Stopped: no steps, even once its due time has passed. */
	ck_assert_uint_eq(wf_steps(wf, cals, &c, s, nitems(s)), 0);
	REFUSED(wf, &c, E("contact-made", "2026-04-02T12:00", "o1", "officer",
	    NULL), "paused");
	REFUSED(wf, &c, E("pause", "2026-04-02T12:00", "o1", "officer",
	    "reason=other", NULL), "already paused");
	/* Allowed while paused: corrections. */
	APPLY(wf, &c, E("reassign", "2026-04-02T12:00", "m1", "manager",
	    "officer=o2", NULL));
	ck_assert_str_eq(F(&c, "officer"), "o2");
	/*
	 * Paused Wed 12:00 to Tue 7 Apr 12:00: Wed 5h + Thu 8h + Tue 3h = 16
	 * working hours (Fri, Mon holidays).  Due Thu 10:00 + 16 working hours
	 * = Thu 10-17 (7h), Tue (8h), Wed 8 Apr 09-10 (1h).
	 */
	APPLY(wf, &c, E("resume", "2026-04-07T12:00", "o2", "officer", NULL));
	ck_assert_int_eq(c.paused_at, 0);
	assert_deadline(&c, 1, "initial-contact", "1 working day",
	    "2026-04-08T10:00:00+01:00", WF_PENDING);
	ck_assert_uint_eq(wf_steps(wf, cals, &c, s, nitems(s)), 8);
	REFUSED(wf, &c, E("resume", "2026-04-07T13:00", "o2", "officer", NULL),
	    "not paused");
	wf_case_free(&c);
	wf_free(wf);
}
END_TEST

START_TEST(test_pause_elapsed_units)
{
	struct workflow *wf = load("domestic-abuse");
	struct wf_case c = { 0 };

	OPEN(wf, &c, "DA-10", E("open", "2026-04-01T10:00", "o1", "officer",
	    "officer=o1", "risk=standard", NULL));
	APPLY(wf, &c, E("contact-made", "2026-04-01T11:00", "o1", "officer",
	    NULL));
	assert_deadline(&c, 2, "dash", "24 hours", "2026-04-02T11:00:00+01:00",
	    WF_PENDING);
	APPLY(wf, &c, E("pause", "2026-04-01T13:00", "o1", "officer",
	    "reason=in-hospital", NULL));
	/* 20.5 hours paused, elapsed: due moves 20.5 hours. */
	APPLY(wf, &c, E("resume", "2026-04-02T09:30", "o1", "officer", NULL));
	assert_deadline(&c, 2, "dash", "24 hours", "2026-04-03T07:30:00+01:00",
	    WF_PENDING);
	wf_case_free(&c);
	wf_free(wf);
}
END_TEST

/* Missed before the pause: stays missed and keeps escalating. */
START_TEST(test_pause_missed_stays)
{
	struct workflow *wf = load("domestic-abuse");
	struct wf_case c = { 0 };
	struct wf_step s[16];

	OPEN(wf, &c, "DA-11", E("open", "2026-04-01T10:00", "o1", "officer",
	    "officer=o1", "risk=standard", "immediate-risk=yes", NULL));
	APPLY(wf, &c, E("pause", "2026-04-01T12:00", "o1", "officer",
	    "reason=no-safe-contact", NULL));
	ck_assert_uint_eq(wf_steps(wf, cals, &c, s, nitems(s)), 7);
	APPLY(wf, &c, E("ack", "2026-04-01T13:00", "m1", "manager", NULL));
	APPLY(wf, &c, E("resume", "2026-04-01T16:00", "o1", "officer", NULL));
	assert_deadline(&c, 1, "initial-contact", "1 hour",
	    "2026-04-01T11:00:00+01:00", WF_PENDING);
	wf_case_free(&c);
	wf_free(wf);
}
END_TEST

/* --- approvals and refusals ------------------------------------------- */

static void
to_closure_pending(const struct workflow *wf, struct wf_case *c,
    const char *officer)
{
	char o[64];

	snprintf(o, sizeof o, "officer=%s", officer);
	OPEN(wf, c, "DA-12", E("open", "2026-04-01T10:00", officer, "officer",
	    o, "risk=standard", NULL));
	APPLY(wf, c, E("closure-requested", "2026-04-01T11:00", officer,
	    "officer", "reason=not-engaging", NULL));
	ck_assert_str_eq(c->state, "closure-pending");
	ck_assert_int_eq(DL(c, 1)->status, WF_CANCELLED);
}

START_TEST(test_approvals)
{
	struct workflow *wf = load("domestic-abuse");
	struct wf_case c = { 0 };

	to_closure_pending(wf, &c, "o1");
	REFUSED(wf, &c, E("closure-approved", "2026-04-01T12:00", "o1",
	    "officer", NULL), "only by: manager");
	REFUSED(wf, &c, E("closure-approved", "2026-04-01T12:00", "x9",
	    "head-of-service", NULL), "only by: manager");
	REFUSED(wf, &c, E("closure-approved", "2026-04-01T12:00", NULL,
	    "manager", NULL), "staff id");
	REFUSED(wf, &c, E("closure-rejected", "2026-04-01T12:00", "o2",
	    NULL, NULL), "only by: manager");
	APPLY(wf, &c, E("closure-rejected", "2026-04-01T12:00", "m1",
	    "manager", NULL));
	ck_assert_str_eq(c.state, "support");
	ck_assert_int_eq(DL(&c, 2)->status, WF_MET);
	ck_assert_str_eq(DL(&c, 2)->closed_by, "closure-rejected");
	wf_case_free(&c);

	/* A manager who is the case's own officer cannot approve it. */
	to_closure_pending(wf, &c, "m1");
	REFUSED(wf, &c, E("closure-approved", "2026-04-01T12:00", "m1",
	    "manager", NULL), "own officer");
	APPLY(wf, &c, E("closure-approved", "2026-04-01T12:00", "m2",
	    "manager", NULL));
	ck_assert_str_eq(c.state, "closed");
	wf_case_free(&c);
	wf_free(wf);
}
END_TEST

START_TEST(test_refusals)
{
	struct workflow *wf = load("domestic-abuse");
	struct wf_case c = { 0 };
	char err[256];

	/* open: a typo in a flag must never pass as a 1-day case. */
	ck_assert_int_eq(wf_open(wf, cals, &c, "DA-13", E("open",
	    "2026-04-01T10:00", "o1", "officer", "officer=o1", "risk=high",
	    "imediate-risk=yes", NULL), err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "no field \"imediate-risk\""));
	ck_assert_ptr_null(c.state);
	ck_assert_int_eq(wf_open(wf, cals, &c, "DA-13", E("open",
	    "2026-04-01T10:00", "o1", "officer", "officer=o1", "risk=hihg",
	    NULL), err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "one of: standard, medium, high"));
	ck_assert_int_eq(wf_open(wf, cals, &c, "DA-13", E("open",
	    "2026-04-01T10:00", "o1", "officer", "risk=high", NULL), err,
	    sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "needs field officer"));
	ck_assert_int_eq(wf_open(wf, cals, &c, "DA-13", E("open",
	    "2026-04-01T10:00", "o1", "officer", "officer=o1", "risk=high",
	    "immediate-risk=maybe", NULL), err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "flag"));
	ck_assert_int_eq(wf_open(wf, cals, &c, "DA 13", E("open",
	    "2026-04-01T10:00", "o1", "officer", "officer=o1", "risk=high",
	    NULL), err, sizeof err), -1);
	ck_assert_int_eq(wf_open(wf, cals, &c, "DA-13", E("contact-made",
	    "2026-04-01T10:00", "o1", "officer", NULL), err, sizeof err), -1);
	ck_assert_ptr_null(c.state);

	OPEN(wf, &c, "DA-13", E("open", "2026-04-01T10:00", "o1", "officer",
	    "officer=o1", "risk=standard", NULL));
	ck_assert_int_eq(wf_open(wf, cals, &c, "DA-13", E("open",
	    "2026-04-01T10:00", "o1", "officer", "officer=o1", "risk=high",
	    NULL), err, sizeof err), -1);
	REFUSED(wf, &c, E("open", "2026-04-01T11:00", "o1", "officer",
	    "officer=o1", "risk=high", NULL), "already open");
	REFUSED(wf, &c, E("dash-completed", "2026-04-01T11:00", "o1",
	    "officer", "score=3", "judgement=standard",
	    "police-incidents-12m=0", NULL), "not allowed in state reported");
	REFUSED(wf, &c, E("contact-mad", "2026-04-01T11:00", "o1", "officer",
	    NULL), "unknown event");
	REFUSED(wf, &c, E("contact-made", "2026-04-01T09:59", "o1", "officer",
	    NULL), "earlier than the case's last event");
	REFUSED(wf, &c, E("contact-made", "2026-04-01T11:00", "o1", "officer",
	    "note=hello", NULL), "takes no field");
	REFUSED(wf, &c, E("resume", "2026-04-01T11:00", "o1", "officer", NULL),
	    "not paused");
	REFUSED(wf, &c, E("pause", "2026-04-01T11:00", "o1", "officer", NULL),
	    "needs field reason");
	REFUSED(wf, &c, E("closure-requested", "2026-04-01T11:00", "o1",
	    "officer", "reason=bored", NULL), "agreed, not-engaging");
	REFUSED(wf, &c, E("update", "2026-04-01T11:00", "o1", "officer",
	    "review-interval=3 fortnights", NULL), "bad duration");
	REFUSED(wf, &c, E("update", "2026-04-01T11:00", "o1", "officer",
	    "review-interval=0 weeks", NULL), "longer than 0");
	REFUSED(wf, &c, E("update", "2026-04-01T11:00", "o1", "officer",
	    "review-interval=2 weeks on mars", NULL), "unknown calendar");
	REFUSED(wf, &c, E("update", "2026-04-01T11:00", "o1", "officer",
	    "risk=high", "risk=medium", NULL), "twice");
	APPLY(wf, &c, E("contact-made", "2026-04-01T11:00", "o1", "officer",
	    NULL));
	REFUSED(wf, &c, E("dash-completed", "2026-04-01T12:00", "o1",
	    "officer", "score=25", "judgement=standard",
	    "police-incidents-12m=0", NULL), "from 0 to 24");
	REFUSED(wf, &c, E("dash-completed", "2026-04-01T12:00", "o1",
	    "officer", "score=1x", "judgement=standard",
	    "police-incidents-12m=0", NULL), "whole number");
	REFUSED(wf, &c, E("dash-completed", "2026-04-01T12:00", "o1",
	    "officer", "score=12", "police-incidents-12m=0", NULL),
	    "needs field judgement");
	/* An event at the same instant as the last one is fine. */
	APPLY(wf, &c, E("update", "2026-04-01T11:00", "o1", "officer",
	    "risk=high", NULL));
	wf_case_free(&c);
	wf_free(wf);
}
END_TEST

/* Same events, same order, same workflow: the same case (replay). */
START_TEST(test_replay_identical)
{
	struct workflow *wf = load("waltham-forest");
	char *first = NULL;

	for (int round = 0; round < 2; round++) {
		struct wf_case c = { 0 }, copy;
		char *d;

		OPEN(wf, &c, "WF-1", E("open", "2026-04-01T10:00", "o1",
		    "officer", "officer=o1", "risk=high", NULL));
		APPLY(wf, &c, E("dvpn-served", "2026-04-01T18:00", "o1",
		    "officer", NULL));
		APPLY(wf, &c, E("contact-made", "2026-04-02T09:00", "o1",
		    "officer", NULL));
		wf_case_copy(&copy, &c);
		d = dump(&copy);
		if (first == NULL)
			first = d;
		else {
			ck_assert_str_eq(first, d);
			free(d);
		}
		wf_case_free(&copy);
		wf_case_free(&c);
	}
	free(first);
	wf_free(wf);
}
END_TEST

/* --- the organisations ------------------------------------------------ */

/*
 * Waltham Forest s11: DVPN served Thu 2 Apr 2026 18:00; 48 hours not
 * counting Sundays and bank holidays: Thu 18-24 (6h), Fri 3 Good Friday
 * (0), Sat 4 (24h, 30 in all), Sun 5 (0), Mon 6 Easter Monday (0), Tue 7
 * 00:00-18:00 (18h, 48).
 */
START_TEST(test_waltham_forest)
{
	struct workflow *wf = load("waltham-forest");
	struct wf_case c = { 0 };

	OPEN(wf, &c, "WF-2", E("open", "2026-04-01T10:00", "o1", "officer",
	    "officer=o1", "risk=high", "joint-tenancy=yes", NULL));
	assert_deadline(&c, 1, "initial-contact", "1 working day",
	    "2026-04-02T10:00:00+01:00", WF_PENDING);
	APPLY(wf, &c, E("dvpn-served", "2026-04-02T18:00", "o1", "officer",
	    NULL));
	assert_deadline(&c, 2, "dvpo-application",
	    "48 working hours on no-sundays", "2026-04-07T18:00:00+01:00",
	    WF_PENDING);
	ck_assert_str_eq(wf_deadline_title(wf, "dvpo-application"),
	    "DVPO application after a DVPN");
	APPLY(wf, &c, E("dvpo-heard", "2026-04-07T12:00", "o1", "officer",
	    NULL));
	ck_assert_int_eq(DL(&c, 2)->status, WF_MET);
	APPLY(wf, &c, E("contact-made", "2026-04-07T13:00", "o1", "officer",
	    NULL));
	APPLY(wf, &c, E("dash-completed", "2026-04-07T14:00", "o1", "officer",
	    "score=4", "judgement=standard", "police-incidents-12m=0", NULL));
	APPLY(wf, &c, E("closure-requested", "2026-04-08T10:00", "o1",
	    "officer", "reason=agreed", NULL));
	APPLY(wf, &c, E("closure-approved", "2026-04-08T11:00", "m1",
	    "manager", NULL));
	/* s16: the survey by an impartial member of staff. */
	REFUSED(wf, &c, E("survey-done", "2026-04-09T10:00", "o1", "officer",
	    NULL), "own officer");
	APPLY(wf, &c, E("survey-done", "2026-04-09T10:00", "s1", "officer",
	    NULL));
	wf_case_free(&c);
	wf_free(wf);
}
END_TEST

START_TEST(test_welwyn_hatfield)
{
	struct workflow *wf = load("welwyn-hatfield");
	struct wf_case c = { 0 };

	OPEN(wf, &c, "WH-1", E("open", "2026-04-01T10:00", "o1", "officer",
	    "officer=o1", "risk=standard", NULL));
	assert_deadline(&c, 1, "initial-contact", "1 working day",
	    "2026-04-02T10:00:00+01:00", WF_PENDING);
	/* 12.3: audited within 1 working day of the response (Thu 14:00). */
	APPLY(wf, &c, E("contact-made", "2026-04-02T14:00", "o1", "officer",
	    NULL));
	assert_deadline(&c, 2, "dash", "24 hours", "2026-04-03T14:00:00+01:00",
	    WF_PENDING);
	assert_deadline(&c, 3, "audit", "1 working day",
	    "2026-04-07T14:00:00+01:00", WF_PENDING);
	REFUSED(wf, &c, E("case-audited", "2026-04-02T15:00", "o1", "manager",
	    NULL), "own officer");
	APPLY(wf, &c, E("case-audited", "2026-04-02T15:00", "m1", "manager",
	    NULL));
	ck_assert_int_eq(DL(&c, 3)->status, WF_MET);
	/* 6.10: closed as not engaging: the other agencies are told. */
	APPLY(wf, &c, E("closure-requested", "2026-04-08T10:00", "o1",
	    "officer", "reason=not-engaging", NULL));
	ck_assert_int_eq(DL(&c, 2)->status, WF_PENDING);
	APPLY(wf, &c, E("closure-approved", "2026-04-08T11:00", "m1",
	    "manager", NULL));
	ck_assert_int_eq(DL(&c, 2)->status, WF_CANCELLED);
	/* 4 was closure-approval; survey and agencies in the file's order. */
	ck_assert_int_eq(DL(&c, 4)->status, WF_MET);
	assert_deadline(&c, 5, "satisfaction-survey", "10 working days",
	    "2026-04-22T11:00:00+01:00", WF_PENDING);
	assert_deadline(&c, 6, "agencies-told", "1 working day",
	    "2026-04-09T11:00:00+01:00", WF_PENDING);
	APPLY(wf, &c, E("agencies-told", "2026-04-08T15:00", "o1", "officer",
	    NULL));
	ck_assert_int_eq(DL(&c, 6)->status, WF_MET);
	wf_case_free(&c);

	/* Closed by agreement: no such deadline. */
	OPEN(wf, &c, "WH-2", E("open", "2026-04-01T10:00", "o1", "officer",
	    "officer=o1", "risk=standard", NULL));
	APPLY(wf, &c, E("closure-requested", "2026-04-01T11:00", "o1",
	    "officer", "reason=agreed", NULL));
	APPLY(wf, &c, E("closure-approved", "2026-04-01T12:00", "m1",
	    "manager", NULL));
	ck_assert_uint_eq(c.ndeadlines, 3);
	ck_assert_str_eq(DL(&c, 3)->name, "satisfaction-survey");
	wf_case_free(&c);
	wf_free(wf);
}
END_TEST

START_TEST(test_havebury)
{
	struct workflow *wf = load("havebury");
	struct wf_case c = { 0 };

	/* 6.1: immediate threat to life. */
	OPEN(wf, &c, "HH-1", E("open", "2026-04-01T10:00", "o1", "officer",
	    "officer=o1", "risk=high", "immediate-risk=yes", NULL));
	assert_deadline(&c, 1, "initial-contact", "30 minutes",
	    "2026-04-01T10:30:00+01:00", WF_PENDING);
	wf_case_free(&c);
	OPEN(wf, &c, "HH-2", E("open", "2026-04-01T10:00", "o1", "officer",
	    "officer=o1", "risk=standard", NULL));
	assert_deadline(&c, 1, "initial-contact", "1 working day",
	    "2026-04-02T10:00:00+01:00", WF_PENDING);
	APPLY(wf, &c, E("contact-made", "2026-04-01T11:00", "o1", "officer",
	    NULL));
	APPLY(wf, &c, E("dash-completed", "2026-04-01T12:00", "o1", "officer",
	    "score=4", "judgement=standard", "police-incidents-12m=0", NULL));
	assert_deadline(&c, 3, "review", "4 weeks", "2026-04-29T12:00:00+01:00",
	    WF_PENDING);
	/* 4.6: each review records the frequency agreed with the person. */
	REFUSED(wf, &c, E("review-done", "2026-04-20T10:00", "o1", "officer",
	    NULL), "needs field review-interval");
	APPLY(wf, &c, E("review-done", "2026-04-20T10:00", "o1", "officer",
	    "review-interval=10 working days", NULL));
	assert_deadline(&c, 4, "review", "10 working days",
	    "2026-05-05T10:00:00+01:00", WF_PENDING);
	wf_case_free(&c);
	wf_free(wf);
}
END_TEST

START_TEST(test_wolverhampton)
{
	struct workflow *wf = load("wolverhampton");
	struct wf_case c = { 0 };

	OPEN(wf, &c, "WH-3", E("open", "2026-04-01T10:00", "o1", "officer",
	    "officer=o1", "risk=medium", NULL));
	APPLY(wf, &c, E("contact-made", "2026-04-01T11:00", "o1", "officer",
	    NULL));
	/* Below the threshold, with the person's agreement (9.0). */
	APPLY(wf, &c, E("dash-completed", "2026-04-01T12:00", "o1", "officer",
	    "score=9", "judgement=standard", "police-incidents-12m=1",
	    "meeting-agreed=yes", NULL));
	ck_assert_str_eq(c.state, "support");
	assert_deadline(&c, 3, "review", "4 weeks", "2026-04-29T12:00:00+01:00",
	    WF_PENDING);
	/*
	 * 10 working days from Wed 1 Apr, past Easter: Thu 2, Tue 7 ... Fri
	 * 10 (5), Mon 13 ... Fri 17 (10).
	 */
	assert_deadline(&c, 4, "professionals-meeting", "10 working days",
	    "2026-04-17T12:00:00+01:00", WF_PENDING);
	APPLY(wf, &c, E("professionals-meeting-held", "2026-04-15T12:00", "o1",
	    "officer", NULL));
	ck_assert_int_eq(DL(&c, 4)->status, WF_MET);
	wf_case_free(&c);

	/* Above the threshold: MARAC, no professionals' meeting. */
	OPEN(wf, &c, "WH-4", E("open", "2026-04-01T10:00", "o1", "officer",
	    "officer=o1", "risk=high", NULL));
	APPLY(wf, &c, E("contact-made", "2026-04-01T11:00", "o1", "officer",
	    NULL));
	APPLY(wf, &c, E("dash-completed", "2026-04-01T12:00", "o1", "officer",
	    "score=19", "judgement=standard", "police-incidents-12m=1",
	    "meeting-agreed=yes", NULL));
	ck_assert_str_eq(c.state, "marac-referral");
	ck_assert_uint_eq(c.ndeadlines, 3);
	wf_case_free(&c);
	wf_free(wf);
}
END_TEST

START_TEST(test_wiltshire)
{
	struct workflow *wf = load("wiltshire");
	struct wf_case c = { 0 };

	/* 6.1: 2 working days, Wed 1 Apr 10:00: Thu 2, then Tue 7. */
	OPEN(wf, &c, "WI-1", E("open", "2026-04-01T10:00", "o1", "officer",
	    "officer=o1", "risk=standard", NULL));
	assert_deadline(&c, 1, "initial-contact", "2 working days",
	    "2026-04-07T10:00:00+01:00", WF_PENDING);
	/* 6.9: an emergency security repair, 24 elapsed hours. */
	APPLY(wf, &c, E("security-repair-requested", "2026-04-03T16:00", "o1",
	    "officer", NULL));
	assert_deadline(&c, 2, "security-repair", "24 hours",
	    "2026-04-04T16:00:00+01:00", WF_PENDING);
	APPLY(wf, &c, E("contact-made", "2026-04-03T17:00", "o1", "officer",
	    NULL));
	ck_assert_int_eq(DL(&c, 2)->status, WF_PENDING);
	APPLY(wf, &c, E("security-repair-attended", "2026-04-04T09:00", "o1",
	    "officer", NULL));
	ck_assert_int_eq(DL(&c, 2)->status, WF_MET);
	assert_deadline(&c, 3, "dash", "24 hours", "2026-04-04T17:00:00+01:00",
	    WF_PENDING);
	wf_case_free(&c);
	wf_free(wf);
}
END_TEST

/* --- migration -------------------------------------------------------- */

START_TEST(test_migrate)
{
	struct workflow *da = load("domestic-abuse"), *wi = load("wiltshire"),
	    *min;
	struct wf_case c = { 0 };
	struct diag dg = { 0 };
	char err[256], *before, *after, *p;

	p = path_of("tests/data/workflows/minimal.ini");
	min = wf_load_file(p, cals, &dg);
	free(p);
	ck_assert_ptr_nonnull(min);
	OPEN(da, &c, "M-1", E("open", "2026-04-01T10:00", "o1", "officer",
	    "officer=o1", "risk=standard", NULL));
	/* minimal has no state reported. */
	before = dump(&c);
	ck_assert_int_eq(wf_migrate(min, &c, T("2026-04-01T11:00"), err,
	    sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "state reported does not exist"));
	ck_assert_int_eq(wf_migrate(wi, &c, T("2026-04-01T09:00"), err,
	    sizeof err), -1);
	after = dump(&c);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	ck_assert_int_eq(wf_migrate(wi, &c, T("2026-04-01T11:00"), err,
	    sizeof err), 0);
	ck_assert_str_eq(c.workflow, "wiltshire");
	ck_assert_str_eq(c.version, wf_version(wi));
	/* The pending deadline keeps its due time... */
	assert_deadline(&c, 1, "initial-contact", "1 working day",
	    "2026-04-02T10:00:00+01:00", WF_PENDING);
	/* ...and the case goes on under its new rules. */
	APPLY(wi, &c, E("security-repair-requested", "2026-04-01T12:00", "o1",
	    "officer", NULL));
	assert_deadline(&c, 2, "security-repair", "24 hours",
	    "2026-04-02T12:00:00+01:00", WF_PENDING);
	wf_case_free(&c);
	wf_free(da);
	wf_free(wi);
	wf_free(min);
}
END_TEST

static char *
slurp(const char *rel)
{
	char *p = path_of(rel), *buf = NULL;
	size_t cap = 0, len;
	FILE *fp = fopen(p, "r");

	ck_assert_msg(fp != NULL, "cannot read %s", p);
	len = getdelim(&buf, &cap, '\0', fp);
	ck_assert(len > 0);
	fclose(fp);
	free(p);
	return buf;
}

/* The man page's complete example is a fixture, and it works. */
START_TEST(test_man_example)
{
	char *man = slurp("docs/vigil-workflow.5");
	char *ex = slurp("tests/data/workflows/example.ini");
	char *p = path_of("tests/data/workflows/example.ini");
	struct diag dg = { 0 };
	struct workflow *wf = wf_load_file(p, cals, &dg);
	struct wf_case c = { 0 };

	ck_assert_msg(strstr(man, ex) != NULL, "example.ini differs from "
	    "the EXAMPLES of vigil-workflow.5");
	diag_print(&dg, stderr);
	ck_assert_ptr_nonnull(wf);
	OPEN(wf, &c, "EX-1", E("open", "2026-04-01T10:00", "o1", "officer",
	    "officer=o1", "risk=high", NULL));
	assert_deadline(&c, 1, "initial-contact", "1 working day",
	    "2026-04-02T10:00:00+01:00", WF_PENDING);
	APPLY(wf, &c, E("contact-made", "2026-04-01T11:00", "o1", "officer",
	    NULL));
	APPLY(wf, &c, E("dash-completed", "2026-04-01T12:00", "o1", "officer",
	    "score=3", "judgement=high", NULL));
	ck_assert_str_eq(c.state, "referred");
	wf_case_free(&c);
	wf_free(wf);
	free(man);
	free(ex);
	free(p);
}
END_TEST

/* --- load errors: one fixture each, reported as file:line ------------- */

static void
expect_error(const char *fixture, const char *file, int line,
    const char *msg)
{
	char *rel = xasprintf("tests/data/workflows/%s", fixture);
	char *p = path_of(rel);
	struct diag dg = { 0 };
	struct workflow *wf = wf_load_file(p, cals, &dg);
	int found = 0;

	ck_assert_ptr_null(wf);
	for (size_t i = 0; i < dg.n; i++) {
		const char *f = dg.v[i].file;
		size_t fl = strlen(f), l = strlen(file);

		if (fl >= l && strcmp(f + fl - l, file) == 0 &&
		    dg.v[i].line == line && strstr(dg.v[i].msg, msg) != NULL)
			found = 1;
	}
	if (!found)
		diag_print(&dg, stderr);
	ck_assert_msg(found, "%s: no \"%s:%d: ...%s...\"", fixture, file, line,
	    msg);
	diag_clear(&dg);
	free(rel);
	free(p);
}

START_TEST(test_err_unknown_state)
{
	expect_error("bad-unknown-state.ini", "bad-unknown-state.ini", 5,
	    "unknown state \"finished\"");
}
END_TEST

START_TEST(test_err_unknown_event)
{
	expect_error("bad-unknown-event.ini", "bad-unknown-event.ini", 5,
	    "unknown event \"finsh\"");
}
END_TEST

START_TEST(test_err_unreachable)
{
	expect_error("bad-unreachable.ini", "bad-unreachable.ini", 4,
	    "state limbo is unreachable");
}
END_TEST

START_TEST(test_err_no_way_out)
{
	expect_error("bad-no-way-out.ini", "bad-no-way-out.ini", 4,
	    "state stuck has no way out");
}
END_TEST

START_TEST(test_err_never_met)
{
	expect_error("bad-never-met.ini", "bad-never-met.ini", 7,
	    "deadline task is never met");
}
END_TEST

START_TEST(test_err_bad_duration)
{
	expect_error("bad-duration.ini", "bad-duration.ini", 5,
	    "bad duration \"2 fortnights\"");
}
END_TEST

START_TEST(test_err_unknown_calendar)
{
	expect_error("bad-calendar.ini", "bad-calendar.ini", 5,
	    "unknown calendar \"mars\"");
}
END_TEST

START_TEST(test_err_unknown_role)
{
	expect_error("bad-role.ini", "bad-role.ini", 5,
	    "unknown role \"team-leader\"");
}
END_TEST

START_TEST(test_err_include_cycle)
{
	expect_error("bad-cycle-a.ini", "bad-cycle-b.ini", 2,
	    "include cycle: ");
}
END_TEST

START_TEST(test_err_duplicate)
{
	expect_error("bad-duplicate.ini", "bad-duplicate.ini", 7,
	    "duplicate name: [state start] is already defined at line 4");
}
END_TEST

START_TEST(test_err_condition)
{
	expect_error("bad-condition.ini", "bad-condition.ini", 5,
	    "\"hihg\" is not one of the values of risk");
}
END_TEST

START_TEST(test_err_unknown_field)
{
	expect_error("bad-field-typo.ini", "bad-field-typo.ini", 5,
	    "unknown field or condition \"immediate-risk\"");
}
END_TEST

START_TEST(test_err_setting_typo)
{
	expect_error("bad-setting-typo.ini", "bad-setting-typo.ini", 5,
	    "setting contact-whithin is not used");
}
END_TEST

/* Every problem of a file, not just the first. */
START_TEST(test_err_all_collected)
{
	expect_error("bad-many.ini", "bad-many.ini", 3,
	    "unknown calendar \"nowhere\"");
	expect_error("bad-many.ini", "bad-many.ini", 6, "unknown role \"boss\"");
	expect_error("bad-many.ini", "bad-many.ini", 9,
	    "unknown recipient \"ceo\"");
	expect_error("bad-many.ini", "bad-many.ini", 8,
	    "repeat-every and repeat-max go together");
}
END_TEST

/* A folder: every file's problems, and a workflow named twice. */
START_TEST(test_err_dir)
{
	char *dir = path_of("tests/data/workflows");
	struct diag dg = { 0 };
	int role = 0, limbo = 0, dup = 0;
	char *dupdir = path_of("tests/data/workflows/dup");

	ck_assert_ptr_null(wf_load_dir(dir, cals, &dg));
	for (size_t i = 0; i < dg.n; i++) {
		const char *f = strrchr(dg.v[i].file, '/');

		f = f ? f + 1 : dg.v[i].file;
		if (strcmp(f, "bad-role.ini") == 0 && dg.v[i].line == 5)
			role = 1;
		if (strcmp(f, "bad-unreachable.ini") == 0 &&
		    dg.v[i].line == 4)
			limbo = 1;
	}
	ck_assert(role && limbo);
	diag_clear(&dg);
	ck_assert_ptr_null(wf_load_dir(dupdir, cals, &dg));
	for (size_t i = 0; i < dg.n; i++)
		if (strstr(dg.v[i].file, "two.ini") &&
		    strstr(dg.v[i].msg, "duplicate name: workflow same"))
			dup = 1;
	ck_assert(dup);
	diag_clear(&dg);
	free(dir);
	free(dupdir);
}
END_TEST

/* Mistakes in a text, each at its line. */
START_TEST(test_err_text)
{
	static const struct {
		const char *text;
		int line;
		const char *msg;
	} t[] = {
		{ "[workflow]\n[event ack]\n", 2, "built in" },
		{ "[workflow]\n[state a]\nfinal = maybe\n", 3, "yes or no" },
		{ "[workflow]\n[state a]\ncolour = red\n", 3, "unknown setting" },
		{ "[state a]\n[state A]\n", 2, "bad state name" },
		{ "[event x]\nfield n = number 5 to 1\n", 2, "bad number range" },
		{ "[event x]\nfield n = text\n", 2, "bad field type" },
		{ "[event x]\nfrom = a, a\n", 2, "listed twice" },
		{ "[settings]\na = 1\n[conditions]\na = b\n", 4, "duplicate" },
		{ "[conditions]\na = b\nb = a\n", 2, "refers to itself" },
		{ "[event o]\nfield f = flag\n[conditions]\n"
		  "a = b or b or b or b or b or b or b or b\n"
		  "b = c or c or c or c or c or c or c or c\n"
		  "c = d or d or d or d or d or d or d or d\n"
		  "d = e or e or e or e or e or e or e or e\n"
		  "e = f or f or f or f or f or f or f or f\n", 4,
		  "too complex" },
		{ "[escalation e]\nlevel-1-after = 1 hour\n", 2, "level 1" },
		{ "[escalation e]\nlevel-1-to = officer email\n", 2, "WHO:" },
		{ "[escalation e]\nrepeat-max = 500\n", 2, "repeat-max" },
		{ "[deadline d]\nduration = 1 hour when x\n", 2, "unknown field" },
		{ "[event x]\nfrom = a\n[event y]\nfrom = a\nfield x = flag\n"
		  "[event z]\nfrom = a\nfield x = id\n", 6, "declares it" },
		{ "[workflow]\nname = Bad Name\n", 2, "bad workflow name" },
		{ "key = value\n", 1, "outside any section" },
	};

	for (size_t i = 0; i < nitems(t); i++) {
		struct diag dg = { 0 };
		int found = 0;

		ck_assert_ptr_null(wf_load_buffer("t.ini", t[i].text,
		    strlen(t[i].text), cals, &dg));
		for (size_t k = 0; k < dg.n; k++)
			if (dg.v[k].line == t[i].line &&
			    strcmp(dg.v[k].file, "t.ini") == 0 &&
			    strstr(dg.v[k].msg, t[i].msg) != NULL)
				found = 1;
		if (!found)
			diag_print(&dg, stderr);
		ck_assert_msg(found, "case %zu: no line %d \"%s\"", i,
		    t[i].line, t[i].msg);
		diag_clear(&dg);
	}
}
END_TEST

/* The daemon asks for every case's steps each sweep: keep it cheap. */
START_TEST(test_steps_fast)
{
	struct workflow *wf = load("domestic-abuse");
	struct wf_case c = { 0 };
	struct wf_step s[32];
	struct timespec a, b;
	size_t total = 0;
	double us;

	OPEN(wf, &c, "P-1", E("open", "2026-04-01T10:00", "o1", "officer",
	    "officer=o1", "risk=high", NULL));
	APPLY(wf, &c, E("incident", "2026-04-01T11:00", "o1", "officer", NULL));
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < 10000; i++)
		total += wf_steps(wf, cals, &c, s, nitems(s));
	clock_gettime(CLOCK_MONOTONIC, &b);
	us = ((b.tv_sec - a.tv_sec) * 1e6 + (b.tv_nsec - a.tv_nsec) / 1e3) /
	    10000;
	ck_assert_uint_eq(total, 10000 * 16);
	/* Generous for sanitizers and valgrind: the figure is printed. */
	fprintf(stderr, "wf_steps: %.1f us a case (2 deadlines)\n", us);
	ck_assert_msg(us < 5000, "wf_steps took %.1f us", us);
	wf_case_free(&c);
	wf_free(wf);
}
END_TEST

static Suite *
workflow_suite(void)
{
	Suite *s = suite_create("workflow");
	TCase *tc;

	tc = tcase_create("load");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_shipped_load);
	tcase_add_test(tc, test_roles);
	tcase_add_test(tc, test_text_round_trip);
	tcase_add_test(tc, test_versions_differ);
	tcase_add_test(tc, test_buffer_refuses_include);
	tcase_add_test(tc, test_buffer_too_large);
	tcase_add_test(tc, test_man_example);
	suite_add_tcase(s, tc);

	tc = tcase_create("engine");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_default_main_path);
	tcase_add_loop_test(tc, test_main_path_all, 0, nitems(shipped));
	tcase_add_test(tc, test_marac_criteria);
	tcase_add_test(tc, test_repeat_marac);
	tcase_add_test(tc, test_incident);
	tcase_add_test(tc, test_immediate_risk);
	tcase_add_test(tc, test_weekend_report);
	tcase_add_test(tc, test_steps_standard);
	tcase_add_test(tc, test_steps_urgent_and_ack);
	tcase_add_test(tc, test_steps_ack_later);
	tcase_add_test(tc, test_pause_working_units);
	tcase_add_test(tc, test_pause_elapsed_units);
	tcase_add_test(tc, test_pause_missed_stays);
	tcase_add_test(tc, test_approvals);
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_replay_identical);
	tcase_add_test(tc, test_migrate);
	tcase_add_test(tc, test_steps_fast);
	suite_add_tcase(s, tc);

	tc = tcase_create("organisations");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_waltham_forest);
	tcase_add_test(tc, test_welwyn_hatfield);
	tcase_add_test(tc, test_havebury);
	tcase_add_test(tc, test_wolverhampton);
	tcase_add_test(tc, test_wiltshire);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_err_unknown_state);
	tcase_add_test(tc, test_err_unknown_event);
	tcase_add_test(tc, test_err_unreachable);
	tcase_add_test(tc, test_err_no_way_out);
	tcase_add_test(tc, test_err_never_met);
	tcase_add_test(tc, test_err_bad_duration);
	tcase_add_test(tc, test_err_unknown_calendar);
	tcase_add_test(tc, test_err_unknown_role);
	tcase_add_test(tc, test_err_include_cycle);
	tcase_add_test(tc, test_err_duplicate);
	tcase_add_test(tc, test_err_condition);
	tcase_add_test(tc, test_err_unknown_field);
	tcase_add_test(tc, test_err_setting_typo);
	tcase_add_test(tc, test_err_all_collected);
	tcase_add_test(tc, test_err_text);
	tcase_add_test(tc, test_err_dir);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(workflow_suite)
