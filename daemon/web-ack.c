/*
 * web-ack.c: the page an acknowledgement link (link.c) opens.  A GET
 * shows the case's deadline, when it was due and how late it is, and a
 * button; it changes nothing, because mail scanners fetch every link.
 * Only the POST acknowledges: as the link's recipient, through
 * req_dispatch() like any request, so the access table decides and the
 * event log records who.  A changed, expired or used link gets a page
 * that says so, and what to do instead.
 *
 * web_ack() works out what happened as a small JSON object (held, like
 * any reply, until its commit); web_ack_page() makes the page from it.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>

#include "vigild.h"

/* The page kinds, with their HTTP status and title (and case, if any). */
static const struct {
	const char *page;
	int	 status;
	const char *title;
} pages[] = {
	{ "confirm", 200, "Acknowledge: case " },
	{ "done", 200, "Acknowledged: case " },
	{ "acked", 409, "Already acknowledged: case " },
	{ "closed", 409, "Nothing to acknowledge: case " },
	{ "refused", 409, "Not acknowledged: case " },
	{ "expired", 410, "This link has expired" },
	{ "bad", 400, "This link does not work" },
	{ "gone", 404, "Case not found" },
	{ "unavailable", 503, "Not recorded" },
};

static json_t *
page(const char *name, int *status)
{
	for (size_t i = 0; i < nitems(pages); i++)
		if (strcmp(pages[i].page, name) == 0)
			*status = pages[i].status;
	return json_pack("{s:s}", "page", name);
}

/* What the page shows of the deadline. */
static void
facts(struct vigild *vd, json_t *info, const struct wf_case *c,
    const struct wf_deadline *d, const struct link *l, int64_t now)
{
	const struct workflow *wf = case_workflow(vd, c->workflow, c->version);
	const struct tz *tz = vd->cfg->conf->default_calendar->tz;
	char due[64], late[64], at[64];

	json_object_set_new(info, "ref", json_string(c->ref));
	json_object_set_new(info, "title", json_string(wf ?
	    wf_deadline_title(wf, d->name) : d->name));
	json_object_set_new(info, "due", json_string(tpl_when(d->due, tz, due,
	    sizeof due)));
	json_object_set_new(info, "late", json_string(tpl_late(now, d->due,
	    late, sizeof late)));
	json_object_set_new(info, "level", json_integer(l->level));
	json_object_set_new(info, "to", json_string(staff_name(vd->cfg->staff,
	    l->staff)));
	if (d->acked_at != 0) {
		json_object_set_new(info, "acked_by",
		    json_string(staff_name(vd->cfg->staff, d->acked_by)));
		json_object_set_new(info, "acked_at", json_string(tpl_when(
		    d->acked_at, tz, at, sizeof at)));
	}
	if (d->status != WF_PENDING)
		json_object_set_new(info, "closed_at", json_string(tpl_when(
		    d->closed_at, tz, at, sizeof at)));
}

/* The acknowledgement itself, as the socket would take it: of the one
 * deadline the link names, by its seq (ack takes a name or a seq). */
static json_t *
acknowledge(struct vigild *vd, const struct peer *peer, const char *ref,
    uint32_t seq)
{
	struct origin o = { peer, 0, NULL, NULL };
	char which[16];

	snprintf(which, sizeof which, "%u", seq);
	return req_dispatch_json(vd, &o, json_pack("{s:s, s:s, s:s}", "cmd",
	    "ack", "ref", ref, "deadline", which));
}

/*
 * A link opened (post 0) or its button pressed (post 1) from the client
 * at address from: what happened, with *status.
 */
json_t *
web_ack(struct vigild *vd, const char *token, int post, const char *from,
    int *status)
{
	struct store_token t = { .name = "ack-link", .role = "staff" };
	struct peer peer = { .uid = (uid_t)-1, .token = &t };
	const struct wf_deadline *d;
	struct principal pr;
	struct wf_case c;
	struct link l;
	int64_t now = clock_now();
	json_t *info = NULL, *reply;
	char err[256];

	switch (link_check(vd, token, &l, now)) {
	case LINK_BAD:
		return page("bad", status);
	case LINK_EXPIRED:
		info = page("expired", status);
		json_object_set_new(info, "ref", json_string(l.ref));
		link_clear(&l);
		return info;
	case LINK_OK:
		break;
	}
	t.staff = l.staff;
	snprintf(peer.user, sizeof peer.user, "link:%s", l.staff);
	snprintf(peer.text, sizeof peer.text, "ack link of %s from %s",
	    l.staff, from);
	/* Gone, or not theirs to see any more: as good as not there. */
	if (store_case_load(vd->store, l.ref, &c) != 0) {
		link_clear(&l);
		return page("gone", status);
	}
	if ((d = wf_case_deadline(&c, l.seq)) == NULL ||
	    access_known(vd, &peer, &pr, err, sizeof err) == -1 ||
	    !access_may_see(&pr, staff_find(vd->cfg->staff,
	    wf_case_field(&c, "officer")))) {
		info = page("gone", status);
		goto out;
	}
	if (d->status != WF_PENDING)
		info = page("closed", status);
	else if (d->acked_at != 0)
		info = page("acked", status);
	else if (!post)
		info = page("confirm", status);
	else {
		reply = acknowledge(vd, &peer, c.ref, d->seq);
		if (json_is_true(json_object_get(reply, "ok"))) {
			/* As it is recorded: by the link's person, now. */
			info = page("done", status);
			json_object_set_new(info, "acked_by", json_string(
			    staff_name(vd->cfg->staff, l.staff)));
			json_object_set_new(info, "acked_at", json_string(
			    tpl_when(now, vd->cfg->conf->default_calendar->tz,
			    err, sizeof err)));
		} else {
			info = page("refused", status);
			json_object_set_new(info, "error", json_string(
			    json_string_value(json_object_get(reply, "error"))));
		}
		json_decref(reply);
	}
	facts(vd, info, &c, d, &l, now);
out:
	wf_case_free(&c);
	link_clear(&l);
	return info;
}

/* What each page says under its title. */
static void
body(struct vigild *vd, struct buf *b, const char *kind, const json_t *info)
{
	const char *ref = json_string_value(json_object_get(info, "ref"));
	char text[512], valid[32];
	int64_t v = vd->cfg->ack_valid;

	if (json_object_get(info, "title") != NULL) {
		buf_puts(b, "<dl>\n");
		html_term(b, "Deadline", json_string_value(json_object_get(
		    info, "title")));
		html_term(b, "Due", json_string_value(json_object_get(info,
		    "due")));
		html_term(b, "Now", json_string_value(json_object_get(info,
		    "late")));
		snprintf(text, sizeof text, "an escalation, level %lld",
		    (long long)json_integer_value(json_object_get(info,
		    "level")));
		html_term(b, "Sent with", text);
		html_term(b, "It acknowledges as", json_string_value(
		    json_object_get(info, "to")));
		buf_puts(b, "</dl>\n");
	}
	if (strcmp(kind, "confirm") == 0) {
		buf_puts(b, "<form method=\"post\">\n<button type=\"submit\">"
		    "Acknowledge</button>\n</form>\n");
		html_para(b, NULL, "Acknowledging says you have seen it: the "
		    "repeats of this message stop, and the case's history "
		    "records it as yours.  It does not meet the deadline; "
		    "record what was done in the case-management system.");
	} else if (strcmp(kind, "done") == 0 || strcmp(kind, "acked") == 0) {
		snprintf(text, sizeof text, "%s by %s, %s.", strcmp(kind,
		    "done") == 0 ? "Recorded as acknowledged" :
		    "It was acknowledged", json_string_value(json_object_get(
		    info, "acked_by")), json_string_value(json_object_get(info,
		    "acked_at")));
		html_para(b, "notice", text);
	} else if (strcmp(kind, "closed") == 0) {
		snprintf(text, sizeof text, "The deadline was met or stopped, "
		    "%s: nothing is waiting for it.", json_string_value(
		    json_object_get(info, "closed_at")));
		html_para(b, "notice", text);
	} else if (strcmp(kind, "refused") == 0)
		html_para(b, "warn", json_string_value(json_object_get(info,
		    "error")));
	else if (strcmp(kind, "expired") == 0) {
		if (v % 86400 == 0)
			snprintf(valid, sizeof valid, "%lld day%s", (long long)
			    (v / 86400), v == 86400 ? "" : "s");
		else
			snprintf(valid, sizeof valid, "%lld hour%s", (long long)
			    (v / 3600), v < 7200 ? "" : "s");
		snprintf(text, sizeof text, "A link works for %s.  Use the link "
		    "in a newer message, or ask someone with vigilctl to run: "
		    "vigilctl ack %s", valid, ref ? ref : "REF");
		html_para(b, "warn", text);
	} else if (strcmp(kind, "bad") == 0)
		html_para(b, "warn", "The link may have been cut short or "
		    "changed on its way.  Open it again from the message, "
		    "whole; if it still does not work, the message did not "
		    "come from this vigil.");
	else if (strcmp(kind, "gone") == 0)
		html_para(b, "warn", "The case is not here any more, or not "
		    "yours to see.");
	else
		html_para(b, "warn", "vigil could not record it just now, and "
		    "nothing was changed.  Try again in a minute.");
}

/* The page for what web_ack() said (or a refusal made after it). */
char *
web_ack_page(struct vigild *vd, const json_t *info)
{
	const char *kind = json_string_value(json_object_get(info, "page")),
	    *ref = json_string_value(json_object_get(info, "ref"));
	const char *prefix = NULL;
	struct buf b = { 0 };
	char title[128];

	/* The commit failed after all: the reply was replaced. */
	if (kind == NULL)
		kind = "unavailable";
	for (size_t i = 0; i < nitems(pages); i++)
		if (strcmp(pages[i].page, kind) == 0)
			prefix = pages[i].title;
	if (prefix == NULL)
		fatalx("web_ack_page: no page %s", kind);
	/* A title ending in "case " takes the reference. */
	snprintf(title, sizeof title, "%s%s", prefix, prefix[strlen(prefix) -
	    1] == ' ' && ref ? ref : "");
	html_start(&b, title);
	body(vd, &b, kind, info);
	html_end(&b);
	return b.s;
}
