/*
 * req-admin.c: reload and audit verify.
 */
#include <string.h>

#include "vigild.h"

static json_t *
do_reload(struct vigild *vd)
{
	struct diag dg = { 0 };
	json_t *problems;

	if (loop_reload(vd, &dg) == 0) {
		diag_clear(&dg);
		return req_ok(NULL);
	}
	problems = json_array();
	for (size_t i = 0; i < dg.n; i++)
		json_array_append_new(problems, json_pack("{s:s, s:i, s:s}",
		    "file", dg.v[i].file, "line", dg.v[i].line,
		    "message", dg.v[i].msg));
	diag_clear(&dg);
	return json_pack("{s:b, s:s, s:o}", "ok", 0, "error",
	    "configuration has errors; the previous one is still in use",
	    "problems", problems);
}

static json_t *
do_audit(struct vigild *vd)
{
	struct store_audit a;

	if (store_audit_verify(vd->store, &a) == -1)
		return req_refuse("audit: database error");
	if (a.broken_id != 0)
		return json_pack("{s:b, s:s, s:I, s:I, s:s}", "ok", 0,
		    "error", "the audit chain is broken", "events",
		    (json_int_t)a.events, "broken_id", (json_int_t)a.broken_id,
		    "why", a.why);
	return req_ok(json_pack("{s:I, s:s}", "events", (json_int_t)a.events,
	    "head", a.head));
}

json_t *
req_admin(struct vigild *vd, struct request *r)
{
	return r->kind == REQ_RELOAD ? do_reload(vd) : do_audit(vd);
}
