/*
 * test_workflow.c: the workflow language, its checks and the engine, with
 * every due instant worked out by hand on the default calendar (Europe/
 * London, mon-fri 09:00-17:00, England and Wales: in April 2026 Good Friday
 * is the 3rd and Easter Monday the 6th, and clocks are at +01:00).  Each
 * organisation's own procedures are test_workflow_orgs.c.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <string.h>
#include <time.h>

#include "inifile.h"
#include "unit-wf.h"

/* --- loading --------------------------------------------------------- */

START_TEST(test_shipped_load)
{
	struct diag dg = { 0 };
	char *dir = path_of("workflows");
	struct wf_set *set = wf_load_dir(dir, cals, &dg);
	const char *groups[4];
	const struct wf_rota_ref *rotas;

	diag_print(&dg, stderr);
	ck_assert_ptr_nonnull(set);
	ck_assert_uint_eq(wf_set_count(set), nitems(shipped));
	for (size_t i = 0; i < nitems(shipped); i++) {
		const struct workflow *w = wf_set_find(set, shipped[i]);

		ck_assert_ptr_nonnull(w);
		ck_assert_str_eq(wf_name(w), shipped[i]);
		ck_assert_uint_eq(strlen(wf_version(w)), WF_VERSION_LEN);
		ck_assert(wf_has_state(w, "closure-pending"));
		ck_assert(wf_has_event(w, "ack"));
		ck_assert(!wf_has_event(w, "clsoure-approved"));
		ck_assert_str_eq(wf_deadline_title(w, "initial-contact"),
		    "initial contact");
		ck_assert_ptr_nonnull(wf_deadline_action(w, "dash"));
		ck_assert_uint_eq(wf_groups(w, groups, 4), 0);
		/* Named where the default escalation names it, for --check. */
		ck_assert_uint_eq(wf_rotas(w, &rotas), 1);
		ck_assert_str_eq(rotas[0].name, "out-of-hours");
		ck_assert_ptr_nonnull(strstr(rotas[0].file,
		    "/domestic-abuse.ini"));
		ck_assert_int_gt(rotas[0].line, 0);
	}
	wf_set_free(set);
	free(dir);
}
END_TEST

START_TEST(test_roles)
{
	const char *roles[4];

	wf = load("welwyn-hatfield");
	ck_assert_uint_eq(wf_roles(wf, roles, 4), 2);
	ck_assert_str_eq(roles[0], "manager");
	ck_assert_str_eq(roles[1], "head-of-service");
}
END_TEST

/* wf_text() reads back to the same workflow and the same version. */
START_TEST(test_text_round_trip)
{
	for (size_t i = 0; i < nitems(shipped); i++) {
		struct workflow *w = load(shipped[i]), *again;
		struct diag dg = { 0 };
		const char *t = wf_text(w);

		ck_assert_ptr_null(strstr(t, "include"));
		again = wf_load_buffer("stored", t, strlen(t), cals, &dg);
		diag_print(&dg, stderr);
		ck_assert_ptr_nonnull(again);
		ck_assert_str_eq(wf_name(again), shipped[i]);
		ck_assert_str_eq(wf_version(again), wf_version(w));
		ck_assert_str_eq(wf_text(again), t);
		wf_free(again);
		wf_free(w);
	}
}
END_TEST

/* Versions differ between workflows and move with any change. */
START_TEST(test_versions_differ)
{
	struct workflow *a = load("domestic-abuse"), *b = load("wiltshire"),
	    *edited;
	struct diag dg = { 0 };
	char *t = xstrdup(wf_text(a)), *p = strstr(t, "dash-threshold = 14");

	ck_assert_str_ne(wf_version(a), wf_version(b));
	ck_assert_ptr_nonnull(p);
	p[strlen("dash-threshold = 1")] = '5';
	edited = wf_load_buffer("edited", t, strlen(t), cals, &dg);
	ck_assert_ptr_nonnull(edited);
	ck_assert_str_ne(wf_version(a), wf_version(edited));
	wf_free(a);
	wf_free(b);
	wf_free(edited);
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

/* --- escalation steps ------------------------------------------------- */

static void
assert_step(const struct wf_step *s, uint32_t seq, int level, int repeat,
    const char *at)
{
	ck_assert_uint_eq(s->seq, seq);
	ck_assert_int_eq(s->level, level);
	ck_assert_int_eq(s->repeat, repeat);
	ck_assert_str_eq(L(s->at), at);
}

/* Step i is deadline seq's escalation level, its repeat, at local time. */
struct step_row {
	size_t		 i;
	uint32_t	 seq;
	int		 level, repeat;
	const char	*at;
};

#define STEPS(s, ...) do {						\
	static const struct step_row r_[] = { __VA_ARGS__ };		\
	for (size_t k_ = 0; k_ < nitems(r_); k_++)			\
		assert_step(&(s)[r_[k_].i], r_[k_].seq, r_[k_].level,	\
		    r_[k_].repeat, r_[k_].at);				\
} while (0)

/*
 * Reported on a Saturday: 1 working day runs from Monday's opening, and a
 * due time at an opening is the close before it (Mon 17:00, the same
 * working time).  The reminder is 2 working hours before: Mon 15:00.
 */
START_TEST(test_weekend_report)
{
	struct wf_step s[16];

	wf = load("domestic-abuse");
	OPEN(wf, &c, "DA-14", E("open", "2026-04-11T14:00", "o1", "officer",
	    "officer=o1", "risk=standard", NULL));
	assert_deadline(&c, 1, "initial-contact", "1 working day",
	    "2026-04-13T17:00:00+01:00", WF_PENDING);
	ck_assert_uint_eq(wf_steps(wf, cals, &c, s, nitems(s)), 8);
	STEPS(s, { 0, 1, 0, 0, "2026-04-13T15:00:00+01:00" },
	    { 1, 1, 1, 0, "2026-04-13T17:00:00+01:00" },
	    /* 4 working hours after Monday's close: Tue 13:00. */
	    { 2, 1, 2, 0, "2026-04-14T13:00:00+01:00" },
	    { 3, 1, 2, 1, "2026-04-15T13:00:00+01:00" });
}
END_TEST

START_TEST(test_steps_standard)
{
	struct wf_step s[16];
	size_t n;

	wf = load("domestic-abuse");
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
	STEPS(s, { 3, 1, 2, 1, "2026-04-07T14:00:00+01:00" },
	    { 4, 1, 2, 2, "2026-04-08T14:00:00+01:00" },
	    { 5, 1, 2, 3, "2026-04-09T14:00:00+01:00" },
	    { 6, 1, 2, 4, "2026-04-10T14:00:00+01:00" },
	    { 7, 1, 2, 5, "2026-04-13T14:00:00+01:00" });
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
	STEPS(s, { 0, 2, 0, 0, "2026-04-02T15:00:00+01:00" },
	    { 1, 2, 1, 0, "2026-04-03T09:30:00+01:00" },
	    { 2, 2, 2, 0, "2026-04-07T13:00:00+01:00" });
}
END_TEST

/* Immediate risk: SMS at level 1, every step urgent, no reminder. */
START_TEST(test_steps_urgent_and_ack)
{
	struct wf_step s[16];
	size_t n;

	wf = load("domestic-abuse");
	OPEN(wf, &c, "DA-7", E("open", "2026-04-01T10:00", "o1", "officer",
	    "officer=o1", "risk=medium", "immediate-risk=yes", NULL));
	n = wf_steps(wf, cals, &c, s, nitems(s));
	/* 2 working hours before 11:00 is before the case opened. */
	ck_assert_uint_eq(n, 7);
	assert_step(&s[0], 1, 1, 0, "2026-04-01T11:00:00+01:00");
	ck_assert_uint_eq(s[0].to[0].channels, WF_EMAIL | WF_SMS);
	/* And whoever is on call, should the rota apply then (Havebury 6.1). */
	ck_assert_uint_eq(s[0].nto, 2);
	ck_assert_int_eq(s[0].to[1].kind, WF_TO_ROTA);
	ck_assert_str_eq(s[0].to[1].rota, "out-of-hours");
	ck_assert_uint_eq(s[0].to[1].channels, WF_EMAIL | WF_SMS);
	STEPS(s, { 1, 1, 2, 0, "2026-04-01T15:00:00+01:00" },
	    { 2, 1, 2, 1, "2026-04-02T15:00:00+01:00" },
	    { 3, 1, 2, 2, "2026-04-07T15:00:00+01:00" },
	    { 6, 1, 2, 5, "2026-04-10T15:00:00+01:00" });
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
}
END_TEST

/* Acked after some repeats: those before the ack stay (keys are stable). */
START_TEST(test_steps_ack_later)
{
	struct wf_step s[16];

	wf = load("domestic-abuse");
	OPEN(wf, &c, "DA-8", E("open", "2026-04-01T10:00", "o1", "officer",
	    "officer=o1", "risk=high", NULL));
	APPLY(wf, &c, E("ack", "2026-04-08T09:00", "m2", "head-of-service",
	    "deadline=1", NULL));
	ck_assert_uint_eq(wf_steps(wf, cals, &c, s, nitems(s)), 4);
	assert_step(&s[0], 1, 0, 0, "2026-04-01T16:00:00+01:00");
	/* High risk: SMS to the line manager at the miss. */
	ck_assert_uint_eq(s[1].to[0].channels, WF_EMAIL | WF_SMS);
	assert_step(&s[3], 1, 2, 1, "2026-04-07T14:00:00+01:00");
}
END_TEST

/* --- pause and resume ------------------------------------------------- */

START_TEST(test_pause_working_units)
{
	struct wf_step s[16];

	wf = load("domestic-abuse");
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
}
END_TEST

START_TEST(test_pause_elapsed_units)
{
	wf = load("domestic-abuse");
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
}
END_TEST

/* Missed before the pause: stays missed and keeps escalating. */
START_TEST(test_pause_missed_stays)
{
	struct wf_step s[16];

	wf = load("domestic-abuse");
	OPEN(wf, &c, "DA-11", E("open", "2026-04-01T10:00", "o1", "officer",
	    "officer=o1", "risk=standard", "immediate-risk=yes", NULL));
	APPLY(wf, &c, E("pause", "2026-04-01T12:00", "o1", "officer",
	    "reason=no-safe-contact", NULL));
	ck_assert_uint_eq(wf_steps(wf, cals, &c, s, nitems(s)), 7);
	APPLY(wf, &c, E("ack", "2026-04-01T13:00", "m1", "manager", NULL));
	APPLY(wf, &c, E("resume", "2026-04-01T16:00", "o1", "officer", NULL));
	assert_deadline(&c, 1, "initial-contact", "1 hour",
	    "2026-04-01T11:00:00+01:00", WF_PENDING);
}
END_TEST

/* --- approvals and refusals ------------------------------------------- */

/* The fixture's case, opened by officer and waiting for approval. */
static void
to_closure_pending(const char *officer)
{
	char o[64];

	snprintf(o, sizeof o, "officer=%s", officer);
	OPEN(wf, &c, "DA-12", E("open", "2026-04-01T10:00", officer, "officer",
	    o, "risk=standard", NULL));
	APPLY(wf, &c, E("closure-requested", "2026-04-01T11:00", officer,
	    "officer", "reason=not-engaging", NULL));
	ck_assert_str_eq(c.state, "closure-pending");
	ck_assert_int_eq(DL(&c, 1)->status, WF_CANCELLED);
}

START_TEST(test_approvals)
{
	wf = load("domestic-abuse");
	to_closure_pending("o1");
	REFUSED(wf, &c, E("closure-approved", "2026-04-01T12:00", "o1",
	    "officer", NULL), "only by: manager");
	REFUSED(wf, &c, E("closure-approved", "2026-04-01T12:00", "x9",
	    "head-of-service", NULL), "only by: manager");
	REFUSED(wf, &c, E("closure-approved", "2026-04-01T12:00", NULL,
	    "manager", NULL), "staff id");
	REFUSED(wf, &c, E("closure-rejected", "2026-04-01T12:00", "o2",
	    NULL, NULL), "only by: manager");
	/* Closure was asked before any contact: back to reported, with a
	 * new contact deadline (seq 3), 1 working day from Wed 1 Apr 12:00. */
	APPLY(wf, &c, E("closure-rejected", "2026-04-01T12:00", "m1",
	    "manager", NULL));
	ck_assert_str_eq(c.state, "reported");
	ck_assert_str_eq(DL(&c, 3)->name, "initial-contact");
	ck_assert_str_eq(L(DL(&c, 3)->due), "2026-04-02T12:00:00+01:00");
	ck_assert_int_eq(DL(&c, 2)->status, WF_MET);
	ck_assert_str_eq(DL(&c, 2)->closed_by, "closure-rejected");
	wf_case_free(&c);

	/* A manager who is the case's own officer cannot approve it. */
	to_closure_pending("m1");
	REFUSED(wf, &c, E("closure-approved", "2026-04-01T12:00", "m1",
	    "manager", NULL), "own officer");
	APPLY(wf, &c, E("closure-approved", "2026-04-01T12:00", "m2",
	    "manager", NULL));
	ck_assert_str_eq(c.state, "closed");
}
END_TEST

START_TEST(test_refusals)
{
	char err[256];

	wf = load("domestic-abuse");
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
}
END_TEST

/* Same events, same order, same workflow: the same case (replay). */
START_TEST(test_replay_identical)
{
	char *first = NULL;

	wf = load("waltham-forest");
	for (int round = 0; round < 2; round++) {
		struct wf_case copy;
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
}
END_TEST

/* --- migration -------------------------------------------------------- */

START_TEST(test_migrate)
{
	struct workflow *da = load("domestic-abuse"), *wi = load("wiltshire"),
	    *min;
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

	wf = wf_load_file(p, cals, &dg);
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
	int found = 0;

	ck_assert_ptr_null(wf_load_file(p, cals, &dg));
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

START_TEST(test_err_starts_with)
{
	expect_error("bad-starts-with.ini", "bad-starts-with.ini", 8,
	    "starts-with count is not a flag of an event that starts it");
}
END_TEST

/* A typo in the file checked is reported; the base's unused settings
 * (minimal.ini's, say, under a replaced rule) would not be. */
START_TEST(test_err_unused_setting)
{
	expect_error("bad-unused-setting.ini", "bad-unused-setting.ini", 6,
	    "setting taks-within is not used by any rule");
}
END_TEST

START_TEST(test_err_due_at)
{
	expect_error("bad-due-at.ini", "bad-due-at.ini", 11,
	    "due-at needs a date field, not \"count\"");
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
		{ "[workflow]\n[deadline d]\npause = sometimes\n", 3,
		  "pause must be moves" },
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
	struct wf_step s[32];
	struct timespec a, b;
	size_t total = 0;
	double us;

	wf = load("domestic-abuse");
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
}
END_TEST

static Suite *
workflow_suite(void)
{
	Suite *s = suite_create("workflow");
	TCase *tc;

	tc = tcase_create("load");
	tcase_add_checked_fixture(tc, setup, story_teardown);
	tcase_add_test(tc, test_shipped_load);
	tcase_add_test(tc, test_roles);
	tcase_add_test(tc, test_text_round_trip);
	tcase_add_test(tc, test_versions_differ);
	tcase_add_test(tc, test_buffer_refuses_include);
	tcase_add_test(tc, test_buffer_too_large);
	tcase_add_test(tc, test_man_example);
	suite_add_tcase(s, tc);

	tc = tcase_create("engine");
	tcase_add_checked_fixture(tc, setup, story_teardown);
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

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, story_teardown);
	tcase_add_test(tc, test_err_unknown_state);
	tcase_add_test(tc, test_err_unknown_event);
	tcase_add_test(tc, test_err_unreachable);
	tcase_add_test(tc, test_err_no_way_out);
	tcase_add_test(tc, test_err_never_met);
	tcase_add_test(tc, test_err_starts_with);
	tcase_add_test(tc, test_err_unused_setting);
	tcase_add_test(tc, test_err_due_at);
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
