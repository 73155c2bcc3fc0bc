/*
 * req.c: every request, from whichever connection, goes through
 * req_dispatch(): one table says for each kind which handler serves it and
 * what kind of thing it does (the keys each kind takes are proto.c's
 * table), and the two shapes every reply takes are made here:
 * {"ok": true, "result": ...} or {"ok": false, "error": ...}.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include "vigild.h"

/* What a request does: read, change a case, or run the service. */
enum req_class {
	REQ_READS,
	REQ_CHANGES,
	REQ_ADMINISTERS
};

/* Who may make it: anyone vigil knows (access.c), or administrators. */
enum req_who {
	REQ_ANYONE,
	REQ_ADMINS
};

static const struct req_handler {
	req_fn	*fn;
	enum req_class class;
	enum req_who who;
} req_handlers[] = {
	[REQ_OPEN] = { req_open, REQ_CHANGES, REQ_ANYONE },
	[REQ_EVENT] = { req_event, REQ_CHANGES, REQ_ANYONE },
	[REQ_ACK] = { req_event, REQ_CHANGES, REQ_ANYONE },
	[REQ_MIGRATE] = { req_migrate, REQ_CHANGES, REQ_ADMINS },
	[REQ_SHOW] = { req_show, REQ_READS, REQ_ANYONE },
	[REQ_LIST] = { req_list, REQ_READS, REQ_ANYONE },
	[REQ_STATUS] = { req_status, REQ_READS, REQ_ANYONE },
	/* Recipients' addresses and numbers. */
	[REQ_OUTBOX] = { req_outbox, REQ_READS, REQ_ADMINS },
	[REQ_RELOAD] = { req_reload, REQ_ADMINISTERS, REQ_ADMINS },
	[REQ_AUDIT_VERIFY] = { req_audit, REQ_ADMINISTERS, REQ_ADMINS },
	[REQ_OUTBOX_RETRY] = { req_retry, REQ_ADMINISTERS, REQ_ADMINS },
	[REQ_BACKUP] = { req_backup, REQ_ADMINISTERS, REQ_ADMINS },
	[REQ_PURGE] = { req_purge, REQ_ADMINISTERS, REQ_ADMINS },
};
_Static_assert(nitems(req_handlers) == REQ_NKINDS,
    "every request kind has a handler");

json_t *
req_ok(json_t *result)
{
	return json_pack("{s:b, s:o}", "ok", 1, "result",
	    result ? result : json_object());
}

json_t *
req_refuse(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return json_pack("{s:b, s:s}", "ok", 0, "error", msg);
}

/*
 * Who asks, and may they (access.c), before anything else.  A refusal is
 * logged with who was refused; running the service and reading cases are
 * logged with who asked; a change is logged by its handler once it is on
 * disk; status, which names no case, is not logged.
 */
json_t *
req_dispatch(struct vigild *vd, const struct origin *o, struct request *r)
{
	const struct req_handler *h = &req_handlers[r->kind];
	struct origin with = *o;
	struct principal pr;
	char err[512];

	if (h->fn == NULL)
		fatalx("request %s has no handler", r->cmd);
	if (access_check(vd, o->peer, r, (h->who == REQ_ADMINS ?
	    ACCESS_ADMINS : 0) | (h->class == REQ_CHANGES ? ACCESS_CHANGES :
	    0), &pr, err, sizeof err) == -1) {
		log_warnx("refused %s from %s: %s", r->cmd, o->peer->text, err);
		return req_refuse("%s", err);
	}
	with.principal = &pr;
	if (h->class == REQ_ADMINISTERS)
		log_notice("%s requested by %s (%s)", r->cmd, o->peer->text,
		    access_name(&pr));
	/* Who looked at which case is part of the record too. */
	else if (h->class == REQ_READS && r->kind != REQ_STATUS)
		log_info("%s%s%s by %s (%s)", r->cmd, r->ref ? " " : "",
		    r->ref ? r->ref : "", access_name(&pr), o->peer->text);
	return h->fn(vd, &with, r);
}
