/*
 * web.c: the managers' pages ([web]), server-rendered, no JavaScript.
 *
 *	GET  /web/			my cases: overdue first, then due
 *					within a week, then the other open
 *	GET  /web/case/REF		a case: deadlines, escalations, history
 *	POST /web/case/REF/ack		acknowledge one of its deadlines
 *	GET  /web/report?from=&to=&by=	the board's report (report.c)
 *
 * Who is signed in is the organisation's single sign-on's word, passed by
 * a reverse proxy in [web] user_header, and believed only from the
 * addresses in [web] proxy; it must name a member of staff (by id or
 * email).  Every page is made from the replies of ordinary requests (list,
 * show, ack) made as that person through req_dispatch(), so the access
 * table decides what they see and may do, here as on the socket.  A POST
 * carries a form token of theirs (link.c), so another site cannot make
 * their browser post one.
 *
 * web_view() works out what to show as JSON (held, like any reply, until
 * its commit); web_view_page() makes the page from it.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>

#include "vigild.h"

#define WEB_LIST_MAX	500	/* cases on one list */
#define WEB_SOON	(7 * 86400)

/* Who is signed in, and as what the requests are made. */
struct signin {
	const struct staff_person *p;
	struct store_token t;
	struct peer peer;
};

static json_t *
error_page(int *status, int code, const char *title, const char *text)
{
	*status = code;
	return json_pack("{s:s, s:s, s:s}", "page", "error", "title", title,
	    "text", text);
}

/* The person the proxy says, if it is the proxy: NULL with *err page. */
static const struct staff_person *
signed_in(struct vigild *vd, const struct web_req *w, json_t **err,
    int *status)
{
	const struct staff_person *p;
	int proxy = 0;

	if (vd->cfg->nweb_proxies == 0) {
		*err = error_page(status, 404, "Page not found", "The managers' "
		    "pages are not set up here ([web] proxy in vigil.conf).");
		return NULL;
	}
	for (size_t i = 0; i < vd->cfg->nweb_proxies; i++)
		proxy |= strcmp(vd->cfg->web_proxies[i], w->from) == 0;
	if (!proxy) {
		*err = error_page(status, 403, "Sign in first", "These pages "
		    "are reached through your organisation's sign-in page, "
		    "not directly.");
		return NULL;
	}
	/* Not 401: there is no challenge vigild could make. */
	if (w->user == NULL || *w->user == '\0') {
		*err = error_page(status, 403, "Sign in first", "The sign-in "
		    "service did not say who you are.");
		return NULL;
	}
	if ((p = staff_find(vd->cfg->staff, w->user)) == NULL)
		p = staff_find_email(vd->cfg->staff, w->user);
	if (p == NULL)
		*err = error_page(status, 403, "Not a vigil user", "You are "
		    "signed in, but not in vigil's staff directory: ask an "
		    "administrator to add you.");
	return p;
}

/* A request as the person signed in, the socket's way. */
static json_t *
ask(struct vigild *vd, const struct signin *s, json_t *obj)
{
	struct origin o = { &s->peer, 0, NULL, NULL };

	return req_dispatch_json(vd, &o, obj);
}

/* The value of name in an application/x-www-form-urlencoded body. */
static char *
form_value(const char *body, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = body; p != NULL && *p; p = strchr(p, '&') ?
	    strchr(p, '&') + 1 : NULL) {
		const char *end = p + strcspn(p, "&");
		char *out, *o;
		unsigned v;

		if (strncmp(p, name, n) != 0 || p[n] != '=')
			continue;
		out = o = xmalloc((size_t)(end - p) + 1);
		for (p += n + 1; p < end; p++) {
			if (*p == '+')
				*o++ = ' ';
			else if (*p == '%' && end - p > 2 &&
			    sscanf(p + 1, "%2x", &v) == 1) {
				*o++ = (char)v;
				p += 2;
			} else
				*o++ = *p;
		}
		*o = '\0';
		return out;
	}
	return NULL;
}

/*
 * The lists of the team page: overdue, due within a week, and every other
 * open case (by reference).
 */
static json_t *
team(struct vigild *vd, const struct signin *s, int64_t now, int *status)
{
	static const char *const keys[] = { "overdue", "due", "open" };
	char soon[ISO_LEN];
	json_t *lists[3], *info;
	int ok = 1;

	lists[0] = ask(vd, s, json_pack("{s:s, s:b, s:i}", "cmd", "list",
	    "overdue", 1, "limit", WEB_LIST_MAX));
	lists[1] = ask(vd, s, json_pack("{s:s, s:s, s:i}", "cmd", "list",
	    "due_before", conf_time(vd->cfg->conf, now + WEB_SOON, soon,
	    sizeof soon), "limit", WEB_LIST_MAX));
	lists[2] = ask(vd, s, json_pack("{s:s, s:i}", "cmd", "list", "limit",
	    WEB_LIST_MAX));
	info = json_pack("{s:s}", "page", "team");
	for (size_t i = 0; i < nitems(lists); i++) {
		ok &= json_is_true(json_object_get(lists[i], "ok"));
		json_object_set(info, keys[i], json_object_get(json_object_get(
		    lists[i], "result"), "cases"));
		json_decref(lists[i]);
	}
	if (!ok) {
		json_decref(info);
		return error_page(status, 503, "Not available", "vigil could "
		    "not read the cases just now.  Try again in a minute.");
	}
	*status = 200;
	return info;
}

/*
 * Where a case's page is, the reference percent-encoded ('/' and '.'
 * too, so that a browser takes no "A/../B" for a path to tidy up).
 */
static void
case_href(struct buf *b, const char *ref)
{
	char hex[4];

	buf_puts(b, "/web/case/");
	for (const unsigned char *p = (const unsigned char *)ref; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_')
			buf_add(b, (const char *)p, 1);
		else {
			snprintf(hex, sizeof hex, "%%%02X", *p);
			buf_puts(b, hex);
		}
	}
}

/* A case: show's reply; or acknowledging one of its deadlines. */
static json_t *
one_case(struct vigild *vd, const struct signin *s, const struct web_req *w,
    const char *ref, int ack, int64_t now, int *status)
{
	json_t *reply, *info;
	char *deadline, *token;

	if (ack) {
		token = form_value(w->body, "form");
		deadline = form_value(w->body, "deadline");
		if (!link_form_token_ok(vd, s->p->id, token, now) ||
		    deadline == NULL) {
			free(token);
			free(deadline);
			return error_page(status, 400, "Not acknowledged",
			    "The form was out of date or not from vigil.  Go "
			    "back, reload the page and try again.");
		}
		reply = ask(vd, s, json_pack("{s:s, s:s, s:s}", "cmd", "ack",
		    "ref", ref, "deadline", deadline));
		free(token);
		free(deadline);
		if (json_is_true(json_object_get(reply, "ok"))) {
			/* See the case as it is now, once it is on disk. */
			struct buf to = { 0 };

			json_decref(reply);
			case_href(&to, ref);
			*status = 303;
			info = json_pack("{s:s, s:s}", "page", "redirect",
			    "location", to.s);
			buf_free(&to);
			return info;
		}
		info = error_page(status, 409, "Not acknowledged",
		    json_string_value(json_object_get(reply, "error")));
		json_decref(reply);
		return info;
	}
	reply = ask(vd, s, json_pack("{s:s, s:s}", "cmd", "show", "ref", ref));
	if (!json_is_true(json_object_get(reply, "ok"))) {
		json_decref(reply);
		return error_page(status, 404, "Case not found", "The case is "
		    "not here, or not yours to see.");
	}
	*status = 200;
	info = json_pack("{s:s, s:O}", "page", "case", "case",
	    json_object_get(reply, "result"));
	json_decref(reply);
	return info;
}

/* The report: the last three months unless the form says otherwise. */
static json_t *
report(struct vigild *vd, const struct signin *s, const struct web_req *w,
    int64_t now, int *status)
{
	const struct tz *tz = vd->cfg->conf->default_calendar->tz;
	char from[32], to[32];
	json_t *reply, *info;
	int32_t secs;
	int y, m, d;

	civil_from_days(civil_split(now + tz_offset(tz, now), &secs), &y, &m,
	    &d);
	snprintf(to, sizeof to, "%04d-%02d", y, m);
	m -= 2;
	if (m < 1) {
		m += 12;
		y--;
	}
	snprintf(from, sizeof from, "%04d-%02d", y, m);
	reply = ask(vd, s, json_pack("{s:s, s:s, s:s, s:s*}", "cmd", "report",
	    "from", w->from_month && *w->from_month ? w->from_month : from,
	    "to", w->to_month && *w->to_month ? w->to_month : to, "group",
	    w->by && *w->by && strcmp(w->by, "all") != 0 ? w->by : NULL));
	if (!json_is_true(json_object_get(reply, "ok"))) {
		info = error_page(status, 400, "No report", json_string_value(
		    json_object_get(reply, "error")));
		json_decref(reply);
		return info;
	}
	*status = 200;
	info = json_pack("{s:s, s:O}", "page", "report", "report",
	    json_object_get(reply, "result"));
	json_decref(reply);
	return info;
}

/* A request for one of the pages: what to show, with *status. */
json_t *
web_view(struct vigild *vd, const struct web_req *w, int *status)
{
	struct signin s = { .t = { .name = "web", .role = "staff" },
	    .peer = { .uid = (uid_t)-1 } };
	const char *path = w->path, *ref;
	int64_t now = clock_now();
	json_t *info = NULL;
	size_t n;
	char *form;

	if ((s.p = signed_in(vd, w, &info, status)) == NULL)
		return info;
	s.t.staff = s.p->id;
	s.peer.token = &s.t;
	snprintf(s.peer.user, sizeof s.peer.user, "web:%s", s.p->id);
	snprintf(s.peer.text, sizeof s.peer.text, "web, signed in as %s "
	    "through %s", s.p->id, w->from);
	ref = strncmp(path, "/web/case/", 10) == 0 ? path + 10 : NULL;
	n = ref ? strlen(ref) : 0;
	/* Only a case's acknowledgement takes a POST; pages, a GET. */
	if ((ref != NULL && n > 4 && strcmp(ref + n - 4, "/ack") == 0) !=
	    (strcmp(w->method, "POST") == 0)) {
		info = error_page(status, 405, "Not here", "Nothing is sent "
		    "to this page; acknowledge from a case's page.");
		json_object_set_new(info, "allow", json_string(strcmp(w->method,
		    "POST") == 0 ? "GET" : "POST"));
	} else if (strcmp(path, "/web") == 0 || strcmp(path, "/web/") == 0)
		info = team(vd, &s, now, status);
	else if (strcmp(path, "/web/report") == 0)
		info = report(vd, &s, w, now, status);
	else if (ref != NULL && strcmp(w->method, "POST") == 0) {
		char *r = xstrndup(ref, n - 4);

		info = one_case(vd, &s, w, r, 1, now, status);
		free(r);
	} else if (ref != NULL)
		info = one_case(vd, &s, w, ref, 0, now, status);
	else
		info = error_page(status, 404, "Page not found", "There is no "
		    "such page: start from the list of your cases.");
	json_object_set_new(info, "user", json_string(s.p->name));
	json_object_set_new(info, "staff", json_string(s.p->id));
	if ((form = link_form_token(vd, s.p->id, now)) != NULL)
		json_object_set_new(info, "form", json_string(form));
	free(form);
	return info;
}

/* An ISO time of a reply, as people read it ("Tue 24 Nov 2026 17:00"). */
static const char *
when(struct vigild *vd, const char *iso, char *buf, size_t len)
{
	const struct tz *tz = vd->cfg->conf->default_calendar->tz;
	char err[128];
	int64_t t;

	if (iso == NULL || iso_parse(iso, tz, &t, err, sizeof err) == -1)
		return iso ? iso : "";
	return tpl_when(t, tz, buf, len);
}

/* A case's row: its next deadline due at t (0: none). */
static void
deadline_row(struct vigild *vd, struct buf *b, const json_t *c, int64_t t,
    int64_t now, int overdue)
{
	const char *ref = json_string_value(json_object_get(c, "ref")),
	    *officer = json_string_value(json_object_get(c, "officer"));
	const struct staff_person *p = officer ? staff_find(vd->cfg->staff,
	    officer) : NULL;
	const struct tz *tz = vd->cfg->conf->default_calendar->tz;
	const struct workflow *wf;
	const char *deadline;
	char at[64], late[64], missed[48];

	buf_puts(b, "<tr><th scope=\"row\"><a href=\"");
	case_href(b, ref);
	buf_puts(b, "\">");
	html_text(b, ref);
	buf_puts(b, "</a></th><td>");
	html_text(b, p ? p->name : officer ? officer : "no officer");
	buf_puts(b, "</td><td>");
	html_text(b, p && p->team ? p->team : "");
	buf_puts(b, "</td><td>");
	html_text(b, json_string_value(json_object_get(c, "state")));
	buf_puts(b, "</td><td>");
	wf = wf_set_find(vd->cfg->workflows, json_string_value(
	    json_object_get(c, "workflow")));
	deadline = json_string_value(json_object_get(c, "next_deadline"));
	html_text(b, wf && deadline ? wf_deadline_title(wf, deadline) :
	    deadline);
	buf_puts(b, "</td><td>");
	html_text(b, t ? tpl_when(t, tz, at, sizeof at) : "");
	buf_puts(b, "</td><td>");
	html_text(b, t ? tpl_late(now, t, late, sizeof late) : "");
	if (overdue && json_integer_value(json_object_get(c, "missed")) > 1) {
		snprintf(missed, sizeof missed, " (%lld missed)", (long long)
		    json_integer_value(json_object_get(c, "missed")));
		html_text(b, missed);
	}
	buf_puts(b, "</td></tr>\n");
}

/* A table of cases, or a sentence when there are none. */
/* Which of a list's cases a table shows: by when their next is due. */
enum which { OVERDUE, THIS_WEEK, LATER };

static void
case_table(struct vigild *vd, struct buf *b, const char *caption,
    const json_t *cases, enum which which, int64_t now)
{
	size_t i, shown = 0;
	const json_t *c;
	char text[128];

	json_array_foreach(cases, i, c) {
		const char *due = json_string_value(json_object_get(c,
		    "next_due"));
		int64_t t = 0;

		if (due != NULL)
			iso_parse(due, vd->cfg->conf->default_calendar->tz, &t,
			    text, sizeof text);
		/* Each table leaves out what the one before shows. */
		if ((which == THIS_WEEK && (t == 0 || t <= now)) ||
		    (which == LATER && t != 0 && t <= now + WEB_SOON))
			continue;
		if (shown++ == 0) {
			buf_puts(b, "<table>\n<caption>");
			html_text(b, caption);
			buf_puts(b, "</caption>\n<thead><tr><th scope=\"col\">"
			    "Case</th><th scope=\"col\">Officer</th>"
			    "<th scope=\"col\">Team</th><th scope=\"col\">"
			    "State</th><th scope=\"col\">Deadline</th>"
			    "<th scope=\"col\">Due</th><th scope=\"col\">"
			    "Now</th></tr></thead>\n<tbody>\n");
		}
		deadline_row(vd, b, c, t, now, which == OVERDUE);
	}
	if (shown > 0) {
		buf_puts(b, "</tbody>\n</table>\n");
		return;
	}
	snprintf(text, sizeof text, "%s: none.", caption);
	html_para(b, NULL, text);
}

static void
team_page(struct vigild *vd, struct buf *b, const json_t *info)
{
	int64_t now = clock_now();

	case_table(vd, b, "Overdue", json_object_get(info, "overdue"), OVERDUE,
	    now);
	case_table(vd, b, "Due in the next 7 days", json_object_get(info,
	    "due"), THIS_WEEK, now);
	case_table(vd, b, "Other open cases", json_object_get(info, "open"),
	    LATER, now);
}

/* An Acknowledge button for a missed deadline nobody acknowledged. */
static void
ack_form(struct buf *b, const char *ref, json_int_t seq, const char *title,
    const char *form)
{
	char which[24];

	buf_puts(b, "<form method=\"post\" action=\"");
	case_href(b, ref);
	buf_puts(b, "/ack\"><input type=\"hidden\" name=\"deadline\" "
	    "value=\"");
	snprintf(which, sizeof which, "%lld", (long long)seq);
	html_text(b, which);
	buf_puts(b, "\"><input type=\"hidden\" name=\"form\" value=\"");
	html_text(b, form);
	buf_puts(b, "\"><button type=\"submit\">Acknowledge<span "
	    "class=\"visually-hidden\"> ");
	html_text(b, title);
	buf_puts(b, "</span></button></form>");
}

/* A cell of a table row: text, escaped. */
static void
cell(struct buf *b, const char *text)
{
	buf_puts(b, "<td>");
	html_text(b, text ? text : "");
	buf_puts(b, "</td>");
}

static void
case_page(struct vigild *vd, struct buf *b, const json_t *info)
{
	const json_t *c = json_object_get(info, "case"), *v;
	const char *ref = json_string_value(json_object_get(c, "ref")),
	    *officer = json_string_value(json_object_get(json_object_get(c,
	    "fields"), "officer")), *form = json_string_value(
	    json_object_get(info, "form"));
	const struct workflow *wf = case_workflow(vd, json_string_value(
	    json_object_get(c, "workflow")), json_string_value(
	    json_object_get(c, "version")));
	const struct staff_person *p = officer ? staff_find(vd->cfg->staff,
	    officer) : NULL;
	size_t i;

	buf_puts(b, "<dl>\n");
	html_term(b, "State", json_string_value(json_object_get(c, "state")));
	html_term(b, "Officer", p ? p->name : officer ? officer : "none");
	html_term(b, "Workflow", json_string_value(json_object_get(c,
	    "workflow")));
	if (json_is_true(json_object_get(c, "paused")))
		html_term(b, "Paused since", json_string_value(json_object_get(
		    c, "paused_at")));
	buf_puts(b, "</dl>\n<table>\n<caption>Deadlines</caption>\n<thead><tr>"
	    "<th scope=\"col\">Deadline</th><th scope=\"col\">Due</th>"
	    "<th scope=\"col\">Status</th><th scope=\"col\">Acknowledged"
	    "</th></tr></thead>\n<tbody>\n");
	json_array_foreach(json_object_get(c, "deadlines"), i, v) {
		const char *name = json_string_value(json_object_get(v,
		    "name")), *status = json_string_value(json_object_get(v,
		    "status")), *by = json_string_value(json_object_get(v,
		    "acked_by")), *title = wf ? wf_deadline_title(wf, name) :
		    name, *dflt = json_string_value(json_object_get(v,
		    "default_without"));
		char at[64], due[256];
		const char *shown;

		buf_puts(b, "<tr><th scope=\"row\">");
		html_text(b, title);
		buf_puts(b, "</th>");
		shown = when(vd, json_string_value(json_object_get(v, "due")),
		    at, sizeof at);
		if (dflt != NULL) {	/* as vigilctl show says it */
			snprintf(due, sizeof due, "%s (%s by default: no %s "
			    "agreed)", shown, json_string_value(
			    json_object_get(v, "duration")), dflt);
			shown = due;
		}
		cell(b, shown);
		cell(b, status);
		buf_puts(b, "<td>");
		if (by != NULL) {
			html_text(b, staff_name(vd->cfg->staff, by));
			html_text(b, ", ");
			html_text(b, when(vd, json_string_value(json_object_get(
			    v, "acked_at")), at, sizeof at));
		} else if (strcmp(status, "missed") == 0 && form != NULL)
			ack_form(b, ref, json_integer_value(json_object_get(v,
			    "seq")), title, form);
		buf_puts(b, "</td></tr>\n");
	}
	buf_puts(b, "</tbody>\n</table>\n<table>\n<caption>Escalations"
	    "</caption>\n<thead><tr><th scope=\"col\">When</th>"
	    "<th scope=\"col\">Deadline</th><th scope=\"col\">Level</th>"
	    "<th scope=\"col\">To</th><th scope=\"col\">By</th>"
	    "<th scope=\"col\">Status</th></tr></thead>\n<tbody>\n");
	json_array_foreach(json_object_get(c, "escalations"), i, v) {
		json_int_t lv = json_integer_value(json_object_get(v, "level")),
		    rep = json_integer_value(json_object_get(v, "repeat"));
		const char *dl = json_string_value(json_object_get(v,
		    "deadline"));
		char level[48], at[64];

		if (lv == 0)
			snprintf(level, sizeof level, "reminder");
		else if (rep == 0)
			snprintf(level, sizeof level, "%lld", (long long)lv);
		else
			snprintf(level, sizeof level, "%lld, repeat %lld",
			    (long long)lv, (long long)rep);
		buf_puts(b, "<tr>");
		cell(b, when(vd, json_string_value(json_object_get(v,
		    "fired_at")), at, sizeof at));
		cell(b, wf && dl ? wf_deadline_title(wf, dl) : dl);
		cell(b, level);
		cell(b, staff_name(vd->cfg->staff, json_string_value(
		    json_object_get(v, "to"))));
		cell(b, json_string_value(json_object_get(v, "channel")));
		cell(b, json_string_value(json_object_get(v, "status")));
		buf_puts(b, "</tr>\n");
	}
	buf_puts(b, "</tbody>\n</table>\n<table>\n<caption>History</caption>\n"
	    "<thead><tr><th scope=\"col\">When</th><th scope=\"col\">Event"
	    "</th><th scope=\"col\">By</th></tr></thead>\n<tbody>\n");
	json_array_foreach(json_object_get(c, "history"), i, v) {
		char at[64];

		buf_puts(b, "<tr>");
		cell(b, when(vd, json_string_value(json_object_get(v, "at")),
		    at, sizeof at));
		cell(b, json_string_value(json_object_get(v, "event")));
		cell(b, staff_name(vd->cfg->staff, json_string_value(
		    json_object_get(v, "by"))));
		buf_puts(b, "</tr>\n");
	}
	buf_puts(b, "</tbody>\n</table>\n");
}

/* Where a signed-in person is, and where they can go. */
static void
nav(struct buf *b, const char *user)
{
	buf_puts(b, "<nav aria-label=\"vigil\"><p><a href=\"/web/\">My "
	    "cases</a> &middot; <a href=\"/web/report\">Report</a> &middot; "
	    "signed in as ");
	html_text(b, user);
	buf_puts(b, "</p></nav>\n");
}

/* The report's page: how to ask for another period, then the figures. */
static char *
report_page(struct vigild *vd, const json_t *info, const char *user)
{
	const json_t *rep = json_object_get(info, "report");
	const char *by = json_string_value(json_object_get(rep, "by"));
	static const char *const groups[] = { "all", "team", "officer",
	    "workflow" };
	struct buf f = { 0 };
	char *page;

	nav(&f, user);
	buf_puts(&f, "<form method=\"get\" action=\"/web/report\">\n"
	    "<p><label for=\"from\">From (month)</label> <input id=\"from\" "
	    "name=\"from\" type=\"month\" value=\"");
	html_text(&f, json_string_value(json_object_get(rep, "from")));
	buf_puts(&f, "\"> <label for=\"to\">to</label> <input id=\"to\" "
	    "name=\"to\" type=\"month\" value=\"");
	html_text(&f, json_string_value(json_object_get(rep, "to")));
	buf_puts(&f, "\"> <label for=\"by\">by</label> <select id=\"by\" "
	    "name=\"by\">");
	for (size_t i = 0; i < nitems(groups); i++) {
		buf_puts(&f, "<option");
		if (by != NULL && strcmp(by, groups[i]) == 0)
			buf_puts(&f, " selected");
		buf_puts(&f, ">");
		html_text(&f, groups[i]);
		buf_puts(&f, "</option>");
	}
	buf_puts(&f, "</select> <button type=\"submit\">Show</button></p>\n"
	    "</form>\n");
	page = report_html(vd, rep, f.s);
	buf_free(&f);
	return page;
}

/* The page for what web_view() said (or a refusal made after it). */
char *
web_view_page(struct vigild *vd, const json_t *info)
{
	const char *kind = json_string_value(json_object_get(info, "page")),
	    *user = json_string_value(json_object_get(info, "user"));
	struct buf b = { 0 };
	char title[160];

	if (kind == NULL)	/* the commit failed: the reply was replaced */
		info = NULL;
	else if (strcmp(kind, "report") == 0)
		return report_page(vd, info, user);
	if (kind != NULL && strcmp(kind, "team") == 0)
		snprintf(title, sizeof title, "Cases for %s", user);
	else if (kind != NULL && strcmp(kind, "case") == 0)
		snprintf(title, sizeof title, "Case %s", json_string_value(
		    json_object_get(json_object_get(info, "case"), "ref")));
	else
		snprintf(title, sizeof title, "%s", kind ? json_string_value(
		    json_object_get(info, "title")) : "Not recorded");
	html_start(&b, title);
	if (user != NULL)
		nav(&b, user);
	if (kind == NULL)
		html_para(&b, "warn", "vigil could not record it just now, and "
		    "nothing was changed.  Try again in a minute.");
	else if (strcmp(kind, "team") == 0)
		team_page(vd, &b, info);
	else if (strcmp(kind, "case") == 0)
		case_page(vd, &b, info);
	else
		html_para(&b, "warn", json_string_value(json_object_get(info,
		    "text")));
	html_end(&b);
	return b.s;
}
