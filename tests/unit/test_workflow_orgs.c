/*
 * test_workflow_orgs.c: the shipped workflows, walked organisation by
 * organisation through the procedures they encode, with every due instant
 * worked out by hand on the default calendar (Europe/London, mon-fri
 * 09:00-17:00, England and Wales: in April 2026 Good Friday is the 3rd and
 * Easter Monday the 6th, and clocks are at +01:00).  The language and the
 * engine are test_workflow.c.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <string.h>

#include "unit-wf.h"

/* --- domestic-abuse, the default workflow ---------------------------- */

START_TEST(test_default_main_path)
{
	wf = load("domestic-abuse");
	PLAY(wf, &c,
	    { "open", "2026-04-01T10:00", "o1", "officer",
	      { "officer=o1", "risk=standard" }, .ref = "DA-1",
	      .state = "reported", .field = "officer=o1" },
	    { .field = "risk=standard" },
	    /* Wed 10:00 + 1 working day = Thu 10:00. */
	    { .seq = 1, .st = WF_PENDING, .name = "initial-contact",
	      .duration = "1 working day", .due = "2026-04-02T10:00:00+01:00" });
	ck_assert_str_eq(c.workflow, "domestic-abuse");
	ck_assert_str_eq(c.version, wf_version(wf));
	ck_assert_uint_eq(c.ndeadlines, 1);
	ck_assert_int_eq(DL(&c, 1)->urgent, 0);

	PLAY(wf, &c,
	    { "contact-made", "2026-04-02T09:30", "o1", "officer",
	      .state = "assessment", .seq = 1, .st = WF_MET },
	    /* 24 hours: elapsed time, Good Friday or not. */
	    { .seq = 2, .st = WF_PENDING, .name = "dash",
	      .duration = "24 hours", .due = "2026-04-03T09:30:00+01:00" });
	ck_assert_str_eq(DL(&c, 1)->closed_by, "contact-made");
	ck_assert_str_eq(L(DL(&c, 1)->closed_at), "2026-04-02T09:30:00+01:00");

	PLAY(wf, &c,
	    /* 16 of 24: visible high risk. */
	    { "dash-completed", "2026-04-02T15:00", "o1", "officer",
	      { "score=16", "judgement=standard", "police-incidents-12m=0" },
	      .state = "marac-referral", .field = "score=16", .seq = 2,
	      .st = WF_MET },
	    /* Thu 15:00 + 1 working day: Fri and Mon are bank holidays. */
	    { .seq = 3, .st = WF_PENDING, .name = "marac-referral",
	      .duration = "1 working day", .due = "2026-04-07T15:00:00+01:00" },
	    { "marac-referred", "2026-04-07T11:00", "o1", "officer",
	      .state = "marac", .field = "marac-referred-at=2026-04-07T10:00:00Z",
	      .seq = 3, .st = WF_MET },
	    /* 20 working days from Tue 7 Apr, skipping Mon 4 May: Wed 6 May. */
	    { .seq = 4, .st = WF_PENDING, .name = "marac-hearing",
	      .duration = "20 working days",
	      .due = "2026-05-06T11:00:00+01:00" },
	    { "marac-heard", "2026-04-29T14:00", "o1", "officer",
	      .state = "support", .seq = 4, .st = WF_MET },
	    { .seq = 5, .st = WF_PENDING, .name = "review",
	      .duration = "4 weeks", .due = "2026-05-27T14:00:00+01:00" },
	    /* The interval agreed with the person. */
	    { "review-done", "2026-05-20T10:00", "o1", "officer",
	      { "review-interval=3 weeks" }, .seq = 5, .st = WF_MET },
	    { .seq = 6, .st = WF_PENDING, .name = "review",
	      .duration = "3 weeks", .due = "2026-06-10T10:00:00+01:00" },
	    { "closure-requested", "2026-06-08T10:00", "o1", "officer",
	      { "reason=agreed" }, .state = "closure-pending",
	      .field = "closure-reason=agreed" },
	    /* Leaving support stops the review. */
	    { .seq = 6, .st = WF_CANCELLED });
	ck_assert_str_eq(DL(&c, 6)->closed_by, "closure-requested");

	PLAY(wf, &c,
	    { .seq = 7, .st = WF_PENDING, .name = "closure-approval",
	      .duration = "5 working days",
	      .due = "2026-06-15T10:00:00+01:00" },
	    { "closure-approved", "2026-06-09T16:00", "m1", "manager",
	      .state = "closed", .seq = 7, .st = WF_MET });
	ck_assert_int_eq(c.closed, 1);
	PLAY(wf, &c,
	    { .seq = 8, .st = WF_PENDING, .name = "satisfaction-survey",
	      .duration = "10 working days",
	      .due = "2026-06-23T16:00:00+01:00" },
	    { "survey-done", "2026-06-22T10:00", "s1", "officer", .seq = 8,
	      .st = WF_MET });
	ck_assert_uint_eq(c.ndeadlines, 8);
	ck_assert_uint_eq(c.next_seq, 9);
	ck_assert_str_eq(L(c.last_event), "2026-06-22T10:00:00+01:00");
	ck_assert_str_eq(L(c.opened), "2026-04-01T10:00:00+01:00");
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
	wf = load("domestic-abuse");

	for (size_t i = 0; i < nitems(t); i++) {
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
}
END_TEST

/*
 * SafeLives repeat: an incident within 12 months of the last referral is
 * referred again, whatever the score; one before the referral is not.
 */
START_TEST(test_repeat_marac)
{
	wf = load("domestic-abuse");
	PLAY(wf, &c,
	    { "open", "2026-04-01T10:00", "o1", "officer",
	      { "officer=o1", "risk=high" }, .ref = "DA-3" },
	    { "incident", "2026-04-01T10:30", "o1", "officer" },
	    { "contact-made", "2026-04-01T11:00", "o1", "officer" },
	    { "dash-completed", "2026-04-01T12:00", "o1", "officer",
	      { "score=20", "judgement=high", "police-incidents-12m=1" } },
	    { "marac-referred", "2026-04-01T13:00", "o1", "officer" },
	    { "marac-heard", "2026-04-20T13:00", "o1", "officer",
	      .state = "support" },
	    /* A reassessment with no new incident: the old one came first. */
	    { "dash-completed", "2026-05-01T12:00", "o1", "officer",
	      { "score=3", "judgement=standard", "police-incidents-12m=1" },
	      .state = "support" },
	    /* A new incident 11 months on. */
	    { "incident", "2027-03-01T09:00", "o1", "officer" },
	    { "dash-completed", "2027-03-01T12:00", "o1", "officer",
	      { "score=3", "judgement=standard", "police-incidents-12m=1" },
	      .state = "marac-referral" });
}
END_TEST

/*
 * A repeat after closure (SafeLives' repeat MARAC): referred on Thu 2
 * April 2026 10:00 and closed; a new incident reopens the case, and within
 * 365 days of the referral (to Fri 2 April 2027 10:00) the DASH refers it
 * again whatever the score; after, a low score goes to support.  The
 * closed case's survey stops; the reopening starts a DASH, 24 hours.
 */
static void
referred_and_closed(const char *ref)
{
	OPEN(wf, &c, ref, E("open", "2026-04-01T10:00", "o1", "officer",
	    "officer=o1", "risk=high", NULL));
	PLAY(wf, &c,
	    { "contact-made", "2026-04-01T11:00", "o1", "officer" },
	    { "dash-completed", "2026-04-01T15:00", "o1", "officer",
	      { "score=15", "judgement=standard", "police-incidents-12m=0" },
	      .state = "marac-referral" },
	    { "marac-referred", "2026-04-02T10:00", "o1", "officer" },
	    { "marac-heard", "2026-04-20T10:00", "o1", "officer",
	      .state = "support" },
	    { "closure-requested", "2026-05-01T10:00", "o1", "officer",
	      { "reason=agreed" } },
	    { "closure-approved", "2026-05-01T11:00", "m1", "manager",
	      .state = "closed" },
	    /* An incident is not recorded on a closed case: it reopens. */
	    { "incident", "2026-10-01T10:00", "o1", "officer",
	      .refused = "not allowed in state closed" });
}

START_TEST(test_repeat_after_closure)
{
	const struct wf_deadline *d;

	wf = load("domestic-abuse");
	referred_and_closed("DA-8");
	ck_assert_int_eq(c.closed, 1);
	PLAY(wf, &c,
	    { "reopened", "2027-04-02T09:00", "o1", "officer",
	      .state = "assessment" });
	ck_assert_int_eq(c.closed, 0);
	ck_assert_int_eq(c.closed_at, 0);
	d = &c.deadlines[c.ndeadlines - 1];
	ck_assert_str_eq(d->name, "dash");
	ck_assert_str_eq(L(d->due), "2027-04-03T09:00:00+01:00");
	for (size_t i = 0; i < c.ndeadlines; i++)
		if (strcmp(c.deadlines[i].name, "satisfaction-survey") == 0)
			ck_assert_int_eq(c.deadlines[i].status, WF_CANCELLED);
	PLAY(wf, &c,
	    { "dash-completed", "2027-04-02T12:00", "o1", "officer",
	      { "score=3", "judgement=standard", "police-incidents-12m=0" },
	      .state = "marac-referral" });

	wf_case_free(&c);
	referred_and_closed("DA-9");
	PLAY(wf, &c,
	    { "reopened", "2027-04-02T11:00", "o1", "officer",
	      .state = "assessment" },
	    { "dash-completed", "2027-04-02T12:00", "o1", "officer",
	      { "score=3", "judgement=standard", "police-incidents-12m=0" },
	      .state = "support" });
}
END_TEST

/* An incident starts a new DASH anywhere; one in MARAC keeps the hearing. */
START_TEST(test_incident)
{
	wf = load("domestic-abuse");
	PLAY(wf, &c,
	    { "open", "2026-04-01T10:00", "o1", "officer",
	      { "officer=o1", "risk=high" }, .ref = "DA-4" },
	    { "contact-made", "2026-04-01T11:00", "o1", "officer" },
	    { "dash-completed", "2026-04-01T12:00", "o1", "officer",
	      { "score=15", "judgement=standard", "police-incidents-12m=0" } },
	    { "marac-referred", "2026-04-01T13:00", "o1", "officer" },
	    { "incident", "2026-04-08T20:00", "o1", "officer",
	      { "immediate-risk=yes" }, .state = "marac",
	      .field = "immediate-risk=yes", .seq = 5, .st = WF_PENDING,
	      .name = "dash", .duration = "24 hours",
	      .due = "2026-04-09T20:00:00+01:00" });
	ck_assert_int_eq(DL(&c, 5)->urgent, 1);
	/* Havebury 6.1, on the default's clock: an immediate threat to life
	 * in the new incident, a response within the hour, by SMS too. */
	PLAY(wf, &c,
	    { .seq = 6, .st = WF_PENDING, .name = "urgent-response",
	      .duration = "1 hour", .due = "2026-04-08T21:00:00+01:00" },
	    { "responded", "2026-04-08T20:40", "o1", "officer", .seq = 6,
	      .st = WF_MET });
	ck_assert_int_eq(DL(&c, 6)->urgent, 1);
	PLAY(wf, &c,
	    { "dash-completed", "2026-04-09T10:00", "o1", "officer",
	      { "score=5", "judgement=standard", "police-incidents-12m=0" },
	      .state = "marac", .seq = 5, .st = WF_MET },
	    { .seq = 4, .st = WF_PENDING });
	ck_assert_str_eq(DL(&c, 4)->name, "marac-hearing");
	/* The case is still flagged, but this incident gives no threat to
	 * life: a DASH, no urgent response. */
	PLAY(wf, &c,
	    { "incident", "2026-04-10T09:00", "o1", "officer",
	      .field = "immediate-risk=yes", .seq = 7, .st = WF_PENDING,
	      .name = "dash", .duration = "24 hours",
	      .due = "2026-04-11T09:00:00+01:00" });
	ck_assert_uint_eq(c.ndeadlines, 7);
}
END_TEST

START_TEST(test_immediate_risk)
{
	wf = load("domestic-abuse");
	PLAY(wf, &c,
	    { "open", "2026-04-01T10:00", "o1", "officer",
	      { "officer=o1", "risk=medium", "immediate-risk=yes" },
	      .ref = "DA-5", .seq = 1, .st = WF_PENDING,
	      .name = "initial-contact", .duration = "1 hour",
	      .due = "2026-04-01T11:00:00+01:00" });
	ck_assert_int_eq(DL(&c, 1)->urgent, 1);
}
END_TEST

/*
 * Reported by a third party, and not domestic abuse (Waltham Forest s5,
 * Wiltshire 6.12): closed with its reason; the initial contact stops; the
 * reporter is to be told why within 5 working days of Thu 2 Apr 11:00,
 * across Easter: Good Friday 3 and Easter Monday 6 April are holidays, so
 * Tue 7, Wed 8, Thu 9, Fri 10, and Mon 13 April at 11:00.
 */
START_TEST(test_no_further_action)
{
	struct wf_case x = { 0 };
	char err[256];

	wf = load("domestic-abuse");
	/* Reported by a neighbour (Welwyn Hatfield 5.6): coded, not named. */
	ck_assert_int_eq(wf_open(wf, cals, &x, "DA-7", E("open",
	    "2026-04-01T10:00", "o1", "officer", "officer=o1", "risk=standard",
	    "source=neighbour", NULL), err, sizeof err), -1);
	ck_assert_msg(strstr(err, "source") != NULL, "%s", err);
	wf_case_free(&x);
	PLAY(wf, &c,
	    { "open", "2026-04-01T10:00", "o1", "officer",
	      { "officer=o1", "risk=standard", "source=third-party" },
	      .ref = "DA-6", .field = "source=third-party" },
	    { "no-further-action", "2026-04-02T11:00", "o1", "officer",
	      .refused = "needs field reason" },
	    { "no-further-action", "2026-04-02T11:00", "o1", "officer",
	      { "reason=not-domestic-abuse" }, .state = "closed",
	      .field = "nfa-reason=not-domestic-abuse", .seq = 1,
	      .st = WF_CANCELLED },
	    { .seq = 2, .st = WF_PENDING, .name = "reporter-told",
	      .duration = "5 working days",
	      .due = "2026-04-13T11:00:00+01:00" },
	    { "reporter-told", "2026-04-09T15:00", "o1", "officer", .seq = 2,
	      .st = WF_MET });
	ck_assert_int_eq(c.closed, 1);
}
END_TEST

/* --- every shipped workflow ------------------------------------------ */

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
	const struct wf_deadline *d;

	wf = load(shipped[_i]);
	ck_assert_uint_eq(nitems(contact_due), nitems(shipped));
	OPEN(wf, &c, "ALL-1", E("open", "2026-04-01T10:00", "o1", "officer",
	    "officer=o1", "risk=high", NULL));
	assert_deadline(&c, 1, "initial-contact", DL(&c, 1)->duration,
	    contact_due[_i], WF_PENDING);
	PLAY(wf, &c, { "contact-made", "2026-04-01T15:00", "o1", "officer" });
	ck_assert_str_eq(c.state, "assessment");
	d = &c.deadlines[c.ndeadlines - 1];
	if (strcmp(d->name, "audit") == 0)	/* welwyn-hatfield 12.3 */
		d--;
	ck_assert_str_eq(d->name, "dash");
	ck_assert_str_eq(L(d->due), "2026-04-02T15:00:00+01:00");
	/* Waltham Forest s7 asks for consent at every DASH. */
	if (strcmp(shipped[_i], "waltham-forest") == 0)
		PLAY(wf, &c, { "dash-completed", "2026-04-02T11:00", "o1",
		    "officer", { "score=17", "judgement=high",
		    "police-incidents-12m=4", "consent=no" },
		    .state = "marac-referral" });
	else
		PLAY(wf, &c, { "dash-completed", "2026-04-02T11:00", "o1",
		    "officer", { "score=17", "judgement=high",
		    "police-incidents-12m=4" }, .state = "marac-referral" });
	PLAY(wf, &c,
	    { "marac-referred", "2026-04-02T16:00", "o1", "officer" },
	    { "marac-heard", "2026-04-22T14:00", "o1", "officer",
	      { "review-interval=2 weeks" }, .state = "support" });
	/* Reviews as agreed with the person at the action plan, which
	 * Havebury (4.6) requires: every 2 weeks. */
	d = &c.deadlines[c.ndeadlines - 1];
	ck_assert_str_eq(d->name, "review");
	ck_assert_str_eq(d->duration, "2 weeks");
	ck_assert_str_eq(L(d->due), "2026-05-06T14:00:00+01:00");
	PLAY(wf, &c, { "review-done", "2026-05-05T10:00", "o1", "officer",
	    { "review-interval=3 weeks" } });
	d = &c.deadlines[c.ndeadlines - 1];
	ck_assert_str_eq(L(d->due), "2026-05-26T10:00:00+01:00");
	PLAY(wf, &c,
	    { "closure-requested", "2026-05-20T10:00", "o1", "officer",
	      { "reason=agreed" } });
	if (wf_event_takes(wf, "closure-approved", "manager"))
		PLAY(wf, &c, { "closure-approved", "2026-05-21T10:00", "m1",
		    "manager" });
	else	/* Waltham Forest s16: the officer's own line manager. */
		PLAY(wf, &c, { "closure-approved", "2026-05-21T10:00", "m1",
		    "line-manager" });
	ck_assert_str_eq(c.state, "closed");
	d = &c.deadlines[c.ndeadlines - 1];
	ck_assert_str_eq(d->name, "satisfaction-survey");
	/* 10 working days from Thu 21 May, past the late May holiday. */
	ck_assert_str_eq(L(d->due), "2026-06-05T10:00:00+01:00");
	PLAY(wf, &c, { "survey-done", "2026-06-01T10:00", "s1", "officer" });
	for (size_t i = 0; i < c.ndeadlines; i++)
		ck_assert_int_ne(c.deadlines[i].status, WF_PENDING);
}
END_TEST

/* --- Waltham Forest -------------------------------------------------- */

/*
 * Waltham Forest s11: DVPN served Thu 2 Apr 2026 18:00; 48 hours not
 * counting Sundays and bank holidays: Thu 18-24 (6h), Fri 3 Good Friday
 * (0), Sat 4 (24h, 30 in all), Sun 5 (0), Mon 6 Easter Monday (0), Tue 7
 * 00:00-18:00 (18h, 48).
 */
START_TEST(test_waltham_forest)
{
	wf = load("waltham-forest");
	PLAY(wf, &c,
	    { "open", "2026-04-01T10:00", "o1", "officer",
	      { "officer=o1", "risk=high", "joint-tenancy=yes" },
	      .ref = "WF-2", .seq = 1, .st = WF_PENDING,
	      .name = "initial-contact", .duration = "1 working day",
	      .due = "2026-04-02T10:00:00+01:00" },
	    { "dvpn-served", "2026-04-02T18:00", "o1", "officer", .seq = 2,
	      .st = WF_PENDING, .name = "dvpo-application",
	      .duration = "48 working hours on no-sundays",
	      .due = "2026-04-07T18:00:00+01:00" });
	ck_assert_str_eq(wf_deadline_title(wf, "dvpo-application"),
	    "DVPO application after a DVPN");
	PLAY(wf, &c,
	    { "dvpo-heard", "2026-04-07T12:00", "o1", "officer", .seq = 2,
	      .st = WF_MET },
	    { "contact-made", "2026-04-07T13:00", "o1", "officer" },
	    { "dash-completed", "2026-04-07T14:00", "o1", "officer",
	      { "score=4", "judgement=standard", "police-incidents-12m=0",
	        "consent=yes" } },
	    { "closure-requested", "2026-04-08T10:00", "o1", "officer",
	      { "reason=agreed" } },
	    /* s16: authorised by the officer's line manager, not any manager
	     * (the core says which the recorder is: tests/e2e/closure.test). */
	    { "closure-approved", "2026-04-08T11:00", "m1", "manager",
	      .refused = "only by: line-manager, manager-above" },
	    { "closure-approved", "2026-04-08T11:00", "m1", "line-manager" },
	    /* s16: the survey by an impartial member of staff. */
	    { "survey-done", "2026-04-09T10:00", "o1", "officer",
	      .refused = "own officer" },
	    { "survey-done", "2026-04-09T10:00", "s1", "officer" });
}
END_TEST

/* The case's last deadline of that name, or NULL. */
static const struct wf_deadline *
named(const struct wf_case *wc, const char *name)
{
	const struct wf_deadline *d = NULL;

	for (size_t i = 0; i < wc->ndeadlines; i++)
		if (strcmp(wc->deadlines[i].name, name) == 0)
			d = &wc->deadlines[i];
	return d;
}

/*
 * s7 below the threshold, DASH done on Tue 14 April 2026 10:00: a meeting
 * with other agencies within 10 working days (15, 16, 17, 20, 21, 22, 23,
 * 24, 27, 28 April: Tue 28 April 10:00); referred on professional
 * judgement without the person's consent, the Information Sharing Without
 * Consent form within the referral's 1 working day (Wed 15 April 10:00).
 */
START_TEST(test_waltham_forest_below_threshold)
{
	const struct wf_deadline *d;
	uint32_t seq;

	wf = load("waltham-forest");
	PLAY(wf, &c,
	    { "open", "2026-04-13T10:00", "o1", "officer",
	      { "officer=o1", "risk=standard" }, .ref = "WF-3" },
	    { "contact-made", "2026-04-13T11:00", "o1", "officer" },
	    { "dash-completed", "2026-04-14T10:00", "o1", "officer",
	      { "score=5", "judgement=standard", "police-incidents-12m=0",
	        "consent=yes" }, .state = "support" });
	d = &c.deadlines[c.ndeadlines - 1];
	ck_assert_str_eq(d->name, "multi-agency-meeting");
	ck_assert_str_eq(L(d->due), "2026-04-28T10:00:00+01:00");
	seq = d->seq;
	PLAY(wf, &c, { "multi-agency-meeting-held", "2026-04-20T10:00", "o1",
	    "officer" });
	ck_assert_int_eq(DL(&c, seq)->status, WF_MET);

	wf_case_free(&c);
	PLAY(wf, &c,
	    { "open", "2026-04-13T10:00", "o1", "officer",
	      { "officer=o1", "risk=standard" }, .ref = "WF-4" },
	    { "contact-made", "2026-04-13T11:00", "o1", "officer" },
	    { "dash-completed", "2026-04-14T10:00", "o1", "officer",
	      { "score=5", "judgement=high", "police-incidents-12m=0",
	        "consent=no" }, .state = "marac-referral" });
	ck_assert_ptr_null(named(&c, "multi-agency-meeting"));
	ck_assert_ptr_nonnull(d = named(&c, "iswc"));
	ck_assert_str_eq(L(d->due), "2026-04-15T10:00:00+01:00");

	/* Consent is asked at every DASH: one without it is refused. */
	wf_case_free(&c);
	PLAY(wf, &c,
	    { "open", "2026-04-13T10:00", "o1", "officer",
	      { "officer=o1", "risk=standard" }, .ref = "WF-5" },
	    { "contact-made", "2026-04-13T11:00", "o1", "officer" },
	    { "dash-completed", "2026-04-14T10:00", "o1", "officer",
	      { "score=5", "judgement=high", "police-incidents-12m=0" },
	      .refused = "consent" });

	/* Three police incidents meet the criteria: not judgement alone. */
	wf_case_free(&c);
	PLAY(wf, &c,
	    { "open", "2026-04-13T10:00", "o1", "officer",
	      { "officer=o1", "risk=standard" }, .ref = "WF-6" },
	    { "contact-made", "2026-04-13T11:00", "o1", "officer" },
	    { "dash-completed", "2026-04-14T10:00", "o1", "officer",
	      { "score=5", "judgement=high", "police-incidents-12m=3",
	        "consent=no" }, .state = "marac-referral" });
	ck_assert_ptr_null(named(&c, "iswc"));
}
END_TEST

/* --- Welwyn Hatfield ------------------------------------------------- */

START_TEST(test_welwyn_hatfield)
{
	wf = load("welwyn-hatfield");
	PLAY(wf, &c,
	    { "open", "2026-04-01T10:00", "o1", "officer",
	      { "officer=o1", "risk=standard" }, .ref = "WH-1", .seq = 1,
	      .st = WF_PENDING, .name = "initial-contact",
	      .duration = "1 working day", .due = "2026-04-02T10:00:00+01:00" },
	    /* 12.3: audited within 1 working day of the response (Thu 14:00). */
	    { "contact-made", "2026-04-02T14:00", "o1", "officer", .seq = 2,
	      .st = WF_PENDING, .name = "dash", .duration = "24 hours",
	      .due = "2026-04-03T14:00:00+01:00" },
	    { .seq = 3, .st = WF_PENDING, .name = "audit",
	      .duration = "1 working day", .due = "2026-04-07T14:00:00+01:00" },
	    { "case-audited", "2026-04-02T15:00", "o1", "manager",
	      .refused = "own officer" },
	    { "case-audited", "2026-04-02T15:00", "m1", "manager", .seq = 3,
	      .st = WF_MET },
	    /* 6.10: closed as not engaging: the other agencies are told. */
	    { "closure-requested", "2026-04-08T10:00", "o1", "officer",
	      { "reason=not-engaging" }, .seq = 2, .st = WF_PENDING },
	    { "closure-approved", "2026-04-08T11:00", "m1", "manager", .seq = 2,
	      .st = WF_CANCELLED },
	    /* 4 was closure-approval; survey and agencies in the file's order. */
	    { .seq = 4, .st = WF_MET },
	    { .seq = 5, .st = WF_PENDING, .name = "satisfaction-survey",
	      .duration = "10 working days",
	      .due = "2026-04-22T11:00:00+01:00" },
	    { .seq = 6, .st = WF_PENDING, .name = "agencies-told",
	      .duration = "1 working day", .due = "2026-04-09T11:00:00+01:00" },
	    { "agencies-told", "2026-04-08T15:00", "o1", "officer", .seq = 6,
	      .st = WF_MET });
	wf_case_free(&c);

	/* Closed by agreement: no such deadline. */
	PLAY(wf, &c,
	    { "open", "2026-04-01T10:00", "o1", "officer",
	      { "officer=o1", "risk=standard" }, .ref = "WH-2" },
	    { "closure-requested", "2026-04-01T11:00", "o1", "officer",
	      { "reason=agreed" } },
	    { "closure-approved", "2026-04-01T12:00", "m1", "manager" });
	ck_assert_uint_eq(c.ndeadlines, 3);
	ck_assert_str_eq(DL(&c, 3)->name, "satisfaction-survey");
}
END_TEST

/* --- Havebury -------------------------------------------------------- */

START_TEST(test_havebury)
{
	wf = load("havebury");
	/* 6.1: immediate threat to life. */
	PLAY(wf, &c,
	    { "open", "2026-04-01T10:00", "o1", "officer",
	      { "officer=o1", "risk=high", "immediate-risk=yes" },
	      .ref = "HH-1", .seq = 1, .st = WF_PENDING,
	      .name = "initial-contact", .duration = "30 minutes",
	      .due = "2026-04-01T10:30:00+01:00" });
	wf_case_free(&c);
	PLAY(wf, &c,
	    { "open", "2026-04-01T10:00", "o1", "officer",
	      { "officer=o1", "risk=standard" }, .ref = "HH-2", .seq = 1,
	      .st = WF_PENDING, .name = "initial-contact",
	      .duration = "1 working day", .due = "2026-04-02T10:00:00+01:00" },
	    { "contact-made", "2026-04-01T11:00", "o1", "officer" },
	    /* 4.6: the action plan's first review at the frequency agreed
	     * with the person, never a default. */
	    { "dash-completed", "2026-04-01T12:00", "o1", "officer",
	      { "score=4", "judgement=standard", "police-incidents-12m=0" },
	      .refused = "deadline review starts now and needs field "
	      "review-interval" },
	    { "dash-completed", "2026-04-01T12:00", "o1", "officer",
	      { "score=4", "judgement=standard", "police-incidents-12m=0",
	        "review-interval=3 weeks" }, .state = "support",
	      .seq = 3, .st = WF_PENDING, .name = "review",
	      .duration = "3 weeks", .due = "2026-04-22T12:00:00+01:00" },
	    /* 4.6: each review records the frequency agreed with the person. */
	    { "review-done", "2026-04-20T10:00", "o1", "officer",
	      .refused = "needs field review-interval" },
	    { "review-done", "2026-04-20T10:00", "o1", "officer",
	      { "review-interval=10 working days" }, .seq = 4,
	      .st = WF_PENDING, .name = "review",
	      .duration = "10 working days",
	      .due = "2026-05-05T10:00:00+01:00" });
}
END_TEST

/* --- Wolverhampton --------------------------------------------------- */

START_TEST(test_wolverhampton)
{
	wf = load("wolverhampton");
	PLAY(wf, &c,
	    { "open", "2026-04-01T10:00", "o1", "officer",
	      { "officer=o1", "risk=medium" }, .ref = "WH-3" },
	    { "contact-made", "2026-04-01T11:00", "o1", "officer" },
	    /* Below the threshold, with the person's agreement (9.0). */
	    { "dash-completed", "2026-04-01T12:00", "o1", "officer",
	      { "score=9", "judgement=standard", "police-incidents-12m=1",
		"meeting-agreed=yes" },
	      .state = "support", .seq = 3, .st = WF_PENDING,
	      .name = "review", .duration = "4 weeks",
	      .due = "2026-04-29T12:00:00+01:00" },
	    /*
	     * 10 working days from Wed 1 Apr, past Easter: Thu 2, Tue 7 ...
	     * Fri 10 (5), Mon 13 ... Fri 17 (10).
	     */
	    { .seq = 4, .st = WF_PENDING, .name = "professionals-meeting",
	      .duration = "10 working days",
	      .due = "2026-04-17T12:00:00+01:00" },
	    { "professionals-meeting-held", "2026-04-15T12:00", "o1",
	      "officer", .seq = 4, .st = WF_MET });
	wf_case_free(&c);

	/* Above the threshold: MARAC, no professionals' meeting. */
	PLAY(wf, &c,
	    { "open", "2026-04-01T10:00", "o1", "officer",
	      { "officer=o1", "risk=high" }, .ref = "WH-4" },
	    { "contact-made", "2026-04-01T11:00", "o1", "officer" },
	    { "dash-completed", "2026-04-01T12:00", "o1", "officer",
	      { "score=19", "judgement=standard", "police-incidents-12m=1",
		"meeting-agreed=yes" },
	      .state = "marac-referral" });
	ck_assert_uint_eq(c.ndeadlines, 3);
}
END_TEST

/* --- Wiltshire ------------------------------------------------------- */

START_TEST(test_wiltshire)
{
	wf = load("wiltshire");
	PLAY(wf, &c,
	    /* 6.1: 2 working days, Wed 1 Apr 10:00: Thu 2, then Tue 7. */
	    { "open", "2026-04-01T10:00", "o1", "officer",
	      { "officer=o1", "risk=standard" }, .ref = "WI-1", .seq = 1,
	      .st = WF_PENDING, .name = "initial-contact",
	      .duration = "2 working days",
	      .due = "2026-04-07T10:00:00+01:00" },
	    /* 6.9: an emergency security repair, 24 elapsed hours. */
	    { "security-repair-requested", "2026-04-03T16:00", "o1",
	      "officer", .seq = 2, .st = WF_PENDING,
	      .name = "security-repair", .duration = "24 hours",
	      .due = "2026-04-04T16:00:00+01:00" },
	    { "contact-made", "2026-04-03T17:00", "o1", "officer", .seq = 2,
	      .st = WF_PENDING },
	    { "security-repair-attended", "2026-04-04T09:00", "o1",
	      "officer", .seq = 2, .st = WF_MET },
	    /* 6.3 and 6.5: the DASH in the service's hours, 1 working day.
	     * Contact on Good Friday at 17:00 counts from the next opening,
	     * Tue 7 Apr 09:00 (Easter Monday is a holiday); a day later is
	     * Wed 09:00, an opening, so due by the close of Tuesday. */
	    { .seq = 3, .st = WF_PENDING, .name = "dash",
	      .duration = "1 working day",
	      .due = "2026-04-07T17:00:00+01:00" });
	/* A Friday contact in hours: due the next Monday, same time. */
	wf_case_free(&c);
	PLAY(wf, &c,
	    { "open", "2026-04-09T10:00", "o1", "officer",
	      { "officer=o1", "risk=standard" }, .ref = "WI-2" },
	    { "contact-made", "2026-04-10T15:00", "o1", "officer" },
	    { .seq = 2, .st = WF_PENDING, .name = "dash",
	      .duration = "1 working day",
	      .due = "2026-04-13T15:00:00+01:00" });
}
END_TEST

/*
 * Wiltshire 5.3 and 6.5: an immediate risk goes to 999, and the service
 * runs in business hours, so the urgent contact is 1 working hour, not
 * the default's elapsed hour.  Opened Thu 2 Apr 16:30: half an hour that
 * day; Good Friday, the weekend and Easter Monday are closed; the other
 * half is Tue 7 Apr 09:00-09:30.  In hours it is the default's hour: Wed
 * 8 Apr 10:00 is due 11:00.  A new incident at Sat 11 Apr 20:00 (the
 * default would want 21:00) counts from Mon 13 Apr 09:00: the response is
 * due 10:00; its DASH, a working day on, reaches Tue 09:00, an opening, so
 * is due by the close of Monday.
 */
START_TEST(test_wiltshire_immediate)
{
	wf = load("wiltshire");
	PLAY(wf, &c,
	    { "open", "2026-04-02T16:30", "o1", "officer",
	      { "officer=o1", "risk=high", "immediate-risk=yes" },
	      .ref = "WI-4", .seq = 1, .st = WF_PENDING,
	      .name = "initial-contact", .duration = "1 working hour",
	      .due = "2026-04-07T09:30:00+01:00" });
	ck_assert_int_eq(DL(&c, 1)->urgent, 1);
	wf_case_free(&c);
	PLAY(wf, &c,
	    { "open", "2026-04-08T10:00", "o1", "officer",
	      { "officer=o1", "risk=high", "immediate-risk=yes" },
	      .ref = "WI-5", .seq = 1, .st = WF_PENDING,
	      .name = "initial-contact", .duration = "1 working hour",
	      .due = "2026-04-08T11:00:00+01:00" },
	    { "contact-made", "2026-04-08T10:30", "o1", "officer", .seq = 1,
	      .st = WF_MET },
	    { "dash-completed", "2026-04-08T15:00", "o1", "officer",
	      { "score=5", "judgement=standard", "police-incidents-12m=0" },
	      .state = "support" },
	    { "incident", "2026-04-11T20:00", "o1", "officer",
	      { "immediate-risk=yes" }, .seq = 4, .st = WF_PENDING,
	      .name = "dash", .duration = "1 working day",
	      .due = "2026-04-13T17:00:00+01:00" },
	    { .seq = 5, .st = WF_PENDING, .name = "urgent-response",
	      .duration = "1 working hour",
	      .due = "2026-04-13T10:00:00+01:00" });
	ck_assert_int_eq(DL(&c, 5)->urgent, 1);
}
END_TEST

/*
 * A pause does not stop a clock that is not the person's.  Waltham Forest
 * s11: DVPN served Thu 2 Apr 08:00, 48 hours not counting Sundays and bank
 * holidays: Thu 08-24 (16h), Good Friday (0), Sat 4 (40), Sun 5 and Easter
 * Monday (0), Tue 7 00:00-08:00 (48).  The case pauses on Thu at 09:00
 * (the person goes into a refuge) and resumes Wed 8 Apr 09:00: the DVPO
 * window stays where it was and may be met while paused; the initial
 * contact, due Thu 10:00, moves out by the paused working time: Thu 09:00
 * to Wed 09:00 is 2 working days (Tue and Wed; Fri and Mon are bank
 * holidays), so Thu 10:00 + 2 working days = Wed 8 Apr 10:00.
 */
START_TEST(test_pause_runs_waltham_forest)
{
	wf = load("waltham-forest");
	PLAY(wf, &c,
	    { "open", "2026-04-01T10:00", "o1", "officer",
	      { "officer=o1", "risk=standard" }, .ref = "WF-3", .seq = 1,
	      .st = WF_PENDING, .name = "initial-contact",
	      .duration = "1 working day",
	      .due = "2026-04-02T10:00:00+01:00" },
	    { "dvpn-served", "2026-04-02T08:00", "o1", "officer", .seq = 2,
	      .st = WF_PENDING, .name = "dvpo-application",
	      .duration = "48 working hours on no-sundays",
	      .due = "2026-04-07T08:00:00+01:00" },
	    { "pause", "2026-04-02T09:00", "o1", "officer",
	      { "reason=in-refuge" } },
	    { "contact-made", "2026-04-02T09:30", "o1", "officer",
	      .refused = "the case is paused" },
	    /* Recorded while paused, on time. */
	    { "dvpo-heard", "2026-04-06T12:00", "o1", "officer", .seq = 2,
	      .st = WF_MET },
	    { "resume", "2026-04-08T09:00", "o1", "officer", .seq = 1,
	      .st = WF_PENDING, .due = "2026-04-08T10:00:00+01:00" });
	ck_assert_int_eq(DL(&c, 2)->pause_runs, 1);
	ck_assert_int_eq(DL(&c, 1)->pause_runs, 0);
	ck_assert_str_eq(L(DL(&c, 2)->closed_at), "2026-04-06T12:00:00+01:00");
}
END_TEST

/*
 * Wiltshire 6.9: the security repair, 24 elapsed hours, runs through a
 * pause and its steps are due while the case is paused; the initial
 * contact's are not.
 */
START_TEST(test_pause_runs_wiltshire)
{
	struct wf_step st[8];
	size_t n;

	wf = load("wiltshire");
	PLAY(wf, &c,
	    { "open", "2026-04-01T10:00", "o1", "officer",
	      { "officer=o1", "risk=standard" }, .ref = "WI-3" },
	    { "pause", "2026-04-01T11:00", "o1", "officer",
	      { "reason=unavailable" } },
	    { "security-repair-requested", "2026-04-01T12:00", "o1",
	      "officer", .seq = 2, .st = WF_PENDING,
	      .name = "security-repair", .duration = "24 hours",
	      .due = "2026-04-02T12:00:00+01:00" });
	n = wf_steps(wf, cals, &c, st, nitems(st));
	ck_assert_uint_gt(n, 0);
	for (size_t i = 0; i < n && i < nitems(st); i++)
		ck_assert_uint_eq(st[i].seq, 2);
	/* Its miss, a day after the request. */
	ck_assert_str_eq(L(st[n > 1 ? 1 : 0].at), "2026-04-02T12:00:00+01:00");
}
END_TEST

/*
 * Waltham Forest s11-12: a court's order ends on a day the officer records;
 * due at the start of that day, in the calendar's zone.  The restraining
 * order signed Wed 1 Apr 2026 runs a year, to Wed 31 Mar 2027 (BST from
 * Sun 28 Mar 2027); renewed, it starts again with the new end.  The DVPO
 * made on Thu 2 Apr ends Thu 30 Apr; recorded while the case is paused,
 * it runs through the pause.
 */
START_TEST(test_orders_end)
{
	struct wf_step st[8];
	size_t n;

	wf = load("waltham-forest");
	PLAY(wf, &c,
	    { "open", "2026-04-01T10:00", "o1", "officer",
	      { "officer=o1", "risk=standard" }, .ref = "WF-4" },
	    { "restraining-order-made", "2026-04-01T12:00", "o1", "officer",
	      { "ends=31 March 2027" }, .refused = "must be a date" },
	    { "restraining-order-made", "2026-04-01T12:00", "o1", "officer",
	      { "ends=2027-03-31" }, .field = "restraining-order-ends=2027-03-31",
	      .seq = 2, .st = WF_PENDING, .name = "restraining-order-ends",
	      .duration = "until 2027-03-31",
	      .due = "2027-03-31T00:00:00+01:00" },
	    { "pause", "2026-04-02T09:00", "o1", "officer",
	      { "reason=in-refuge" } },
	    { "dvpo-made", "2026-04-02T15:00", "o1", "officer",
	      { "ends=2026-04-30" }, .seq = 3, .st = WF_PENDING,
	      .name = "dvpo-ends", .duration = "until 2026-04-30",
	      .due = "2026-04-30T00:00:00+01:00" });
	ck_assert_int_eq(DL(&c, 3)->pause_runs, 1);
	/*
	 * Reminders: 2 working days before Thu 30 Apr is the close of Mon
	 * 27 Apr (Tue and Wed to go); 10 before Wed 31 Mar 2027 is the close
	 * of Fri 12 Mar (GMT): Tue 30, Thu 25 to Mon 22, Fri 19 to Mon 15,
	 * with Good Friday 26 and Easter Monday 29 March 2027 holidays.
	 */
	n = wf_steps(wf, cals, &c, st, nitems(st));
	ck_assert_uint_eq(n, 4);
	ck_assert_uint_eq(st[0].seq, 3);
	ck_assert_int_eq(st[0].level, 0);
	ck_assert_str_eq(L(st[0].at), "2026-04-27T17:00:00+01:00");
	ck_assert_int_eq(st[1].level, 1);
	ck_assert_str_eq(L(st[1].at), "2026-04-30T00:00:00+01:00");
	ck_assert_uint_eq(st[2].seq, 2);
	ck_assert_str_eq(L(st[2].at), "2027-03-12T17:00:00+00:00");
	PLAY(wf, &c,
	    { "resume", "2026-04-06T10:00", "o1", "officer", .seq = 3,
	      .st = WF_PENDING, .due = "2026-04-30T00:00:00+01:00" },
	    { "dvpo-reviewed", "2026-04-28T10:00", "o1", "officer", .seq = 3,
	      .st = WF_MET },
	    /* Renewed for a year: the reminder starts again. */
	    { "restraining-order-made", "2027-03-20T10:00", "o1", "officer",
	      { "ends=2028-03-31" }, .seq = 2, .st = WF_MET },
	    { .seq = 4, .st = WF_PENDING, .name = "restraining-order-ends",
	      .duration = "until 2028-03-31",
	      .due = "2028-03-31T00:00:00+01:00" });
}
END_TEST

/* The reminder and the miss of a case's deadline seq, as planned now. */
static void
planned(const struct wf_case *wc, uint32_t seq, int64_t *reminder,
    int64_t *miss)
{
	struct wf_step st[8];
	size_t n;

	*reminder = *miss = 0;
	n = wf_steps(wf, cals, wc, st, nitems(st));
	for (size_t i = 0; i < n && i < nitems(st); i++)
		if (st[i].seq == seq && st[i].level == 0)
			*reminder = st[i].at;
		else if (st[i].seq == seq && st[i].level == 1)
			*miss = st[i].at;
}

/*
 * A DVPO recorded inside its notice, ending Thu 30 Apr 2026, whose
 * reminder (the close of Mon 27 Apr) would come before it was recorded:
 * made Wed 29 Apr 10:00, in hours, it is reminded at once, not never; made
 * Tue 28 Apr 20:00, at the next working moment, Wed 09:00; made Wed 29 Apr
 * 20:00, whose next working moment (Thu 09:00) is past the end, at once.
 * The miss stays at the end, Thu 30 Apr 00:00.
 */
START_TEST(test_order_inside_notice)
{
	static const char *const reminders[] = { "2026-04-29T10:00:00+01:00",
	    "2026-04-29T09:00:00+01:00", "2026-04-29T20:00:00+01:00" };
	int64_t reminder, miss;

	wf = load("waltham-forest");
	for (size_t i = 0; i < nitems(reminders); i++) {
		wf_case_free(&c);
		PLAY(wf, &c, { "open", "2026-04-27T10:00", "o1", "officer",
		    { "officer=o1", "risk=standard" }, .ref = "WF-7" });
#define MADE(when)	PLAY(wf, &c, { "dvpo-made", when, "o1", "officer", \
		    { "ends=2026-04-30" }, .seq = 2, .st = WF_PENDING, \
		    .name = "dvpo-ends", .duration = "until 2026-04-30", \
		    .due = "2026-04-30T00:00:00+01:00" })
		if (i == 0)
			MADE("2026-04-29T10:00");
		else if (i == 1)
			MADE("2026-04-28T20:00");
		else
			MADE("2026-04-29T20:00");
#undef MADE
		planned(&c, 2, &reminder, &miss);
		ck_assert_str_eq(L(reminder), reminders[i]);
		ck_assert_str_eq(L(miss), "2026-04-30T00:00:00+01:00");
	}
}
END_TEST

/* One TCase an organisation, each with the fixture. */
static TCase *
org_tcase(Suite *s, const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, setup, story_teardown);
	suite_add_tcase(s, tc);
	return tc;
}

static Suite *
workflow_orgs_suite(void)
{
	Suite *s = suite_create("workflow-orgs");
	TCase *tc;

	tc = org_tcase(s, "domestic-abuse");
	tcase_add_test(tc, test_default_main_path);
	tcase_add_test(tc, test_marac_criteria);
	tcase_add_test(tc, test_repeat_marac);
	tcase_add_test(tc, test_incident);
	tcase_add_test(tc, test_immediate_risk);
	tcase_add_test(tc, test_no_further_action);
	tcase_add_test(tc, test_repeat_after_closure);
	tcase_add_test(tc, test_waltham_forest_below_threshold);
	tcase_add_loop_test(org_tcase(s, "main-path"), test_main_path_all, 0,
	    nitems(shipped));
	tc = org_tcase(s, "waltham-forest");
	tcase_add_test(tc, test_waltham_forest);
	tcase_add_test(tc, test_pause_runs_waltham_forest);
	tcase_add_test(tc, test_orders_end);
	tcase_add_test(tc, test_order_inside_notice);
	tcase_add_test(org_tcase(s, "welwyn-hatfield"), test_welwyn_hatfield);
	tcase_add_test(org_tcase(s, "havebury"), test_havebury);
	tcase_add_test(org_tcase(s, "wolverhampton"), test_wolverhampton);
	tc = org_tcase(s, "wiltshire");
	tcase_add_test(tc, test_wiltshire);
	tcase_add_test(tc, test_wiltshire_immediate);
	tcase_add_test(tc, test_pause_runs_wiltshire);
	return s;
}

UNIT_MAIN(workflow_orgs_suite)
