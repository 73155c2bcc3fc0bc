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
	[REQ_TOKEN_CREATE] = { req_token_create, REQ_ADMINISTERS, REQ_ADMINS },
	[REQ_TOKEN_REVOKE] = { req_token_revoke, REQ_ADMINISTERS, REQ_ADMINS },
	[REQ_TOKENS] = { req_tokens, REQ_READS, REQ_ADMINS },
	/* Figures of the cases one may see: the access table filters. */
	[REQ_REPORT] = { req_report, REQ_READS, REQ_ANYONE },
	/* Staff data, not a case's: away.c asks access.c who may. */
	[REQ_AWAY] = { req_away, REQ_ADMINISTERS, REQ_ANYONE },
};
_Static_assert(nitems(req_handlers) == REQ_NKINDS,
    "every request kind has a handler");

json_t *
req_ok(json_t *result)
{
	return json_pack("{s:b, s:o}", "ok", 1, "result",
	    result ? result : json_object());
}

static json_t *refuse(const char *, const char *, va_list) VIGIL_PRINTF(2, 0);

static json_t *
refuse(const char *kind, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof msg, fmt, ap);
	return json_pack("{s:b, s:s, s:s*}", "ok", 0, "error", msg, "kind",
	    kind);
}

json_t *
req_refuse(const char *fmt, ...)
{
	json_t *j;
	va_list ap;

	va_start(ap, fmt);
	j = refuse(NULL, fmt, ap);
	va_end(ap);
	return j;
}

/*
 * A refusal of a kind a client may act on without reading the words (the
 * HTTP API's status code): "not_found" (no such case, or not one's to
 * see), "forbidden" (not one's to ask), "conflict" (the workflow does not
 * allow it now), "unavailable" (not stored: try again).
 */
json_t *
req_refuse_kind(const char *kind, const char *fmt, ...)
{
	json_t *j;
	va_list ap;

	va_start(ap, fmt);
	j = refuse(kind, fmt, ap);
	va_end(ap);
	return j;
}

/*
 * A change sent with an idempotency key: the first time it runs and its
 * reply is kept, with a hash of the request, in the same transaction as
 * the change; a repeat from the same client (a CMS whose request timed
 * out) gets that reply again and changes nothing.  The same key with
 * another request is refused.  Keys are kept a day (req-admin.c).
 */
static json_t *
once(struct vigild *vd, const struct req_handler *h, const struct origin *o,
    struct request *r)
{
	const char *who = o->peer->user[0] ? o->peer->user : o->peer->text;
	char hash[STORE_HASH_LEN + 1], *kept, *text;
	json_t *reply, *k;
	int rc;

	text = json_dumps(r->root, JSON_COMPACT | JSON_SORT_KEYS);
	rc = text == NULL || sha256_text(text, hash) == -1;
	free(text);
	if (rc || (rc = store_reply_find(vd->store, who, r->idempotency_key,
	    &kept)) == -1)
		return req_refuse_kind("unavailable", "database error");
	if (rc == 0) {
		k = json_loads(kept, 0, NULL);
		free(kept);
		if (!json_is_string(json_object_get(k, "request")) || strcmp(
		    json_string_value(json_object_get(k, "request")), hash)) {
			json_decref(k);
			return req_refuse_kind("conflict", "idempotency key %s "
			    "was sent before with another request",
			    r->idempotency_key);
		}
		log_info("%s %s from %s: a repeat of key %s, answered as before",
		    r->cmd, r->ref ? r->ref : "", who, r->idempotency_key);
		reply = json_incref(json_object_get(k, "reply"));
		json_decref(k);
		return reply;
	}
	reply = h->fn(vd, o, r);
	if (json_is_true(json_object_get(reply, "ok")) &&
	    store_in_transaction(vd->store)) {
		k = json_pack("{s:s, s:O}", "request", hash, "reply", reply);
		text = json_dumps(k, JSON_COMPACT);
		json_decref(k);
		if (text == NULL || store_reply_add(vd->store, who,
		    r->idempotency_key, text, clock_now()) == -1)
			log_err("%s %s: its idempotency key could not be kept",
			    r->cmd, r->ref ? r->ref : "");
		free(text);
	}
	return reply;
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
		return req_refuse_kind("forbidden", "%s", err);
	}
	with.principal = &pr;
	if (h->class == REQ_CHANGES && r->idempotency_key != NULL)
		return once(vd, h, &with, r);
	if (h->class == REQ_ADMINISTERS)
		log_notice("%s requested by %s (%s)", r->cmd, o->peer->text,
		    access_name(&pr));
	/* Who looked at which case is part of the record too. */
	else if (h->class == REQ_READS && r->kind != REQ_STATUS)
		log_info("%s%s%s by %s (%s)", r->cmd, r->ref ? " " : "",
		    r->ref ? r->ref : "", access_name(&pr), o->peer->text);
	return h->fn(vd, &with, r);
}

/*
 * A request made as a JSON object (taken) rather than a line read from a
 * client: the HTTP API's and the pages' own requests, parsed as the
 * socket's are, then dispatched.
 */
json_t *
req_dispatch_json(struct vigild *vd, const struct origin *o, json_t *obj)
{
	char err[256], *line = json_dumps(obj, JSON_COMPACT);
	struct request r;
	json_t *reply;

	json_decref(obj);
	if (line == NULL)
		fatalx("req_dispatch_json: cannot encode the request");
	if (proto_parse(line, strlen(line), &r, err, sizeof err) == -1)
		reply = req_refuse("%s", err);
	else {
		reply = req_dispatch(vd, o, &r);
		proto_free(&r);
	}
	free(line);
	return reply;
}
