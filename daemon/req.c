/*
 * req.c: route a checked request to its handler, and the two shapes every
 * reply takes: {"ok": true, "result": ...} or {"ok": false, "error": ...}.
 */
#include "vigild.h"

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

json_t *
req_dispatch(struct vigild *vd, uint64_t client, const struct peer *peer,
    struct request *r)
{
	switch (r->kind) {
	case REQ_OPEN:
	case REQ_EVENT:
	case REQ_ACK:
	case REQ_MIGRATE:
		return req_case(vd, peer, r);
	case REQ_SHOW:
	case REQ_LIST:
	case REQ_STATUS:
	case REQ_OUTBOX:
		return req_query(vd, r);
	case REQ_OUTBOX_RETRY:
	case REQ_BACKUP:
	case REQ_RELOAD:
	case REQ_AUDIT_VERIFY:
		return req_admin(vd, client, r);
	}
	return req_refuse("unknown command");
}
