/*
 * req-query.c: show, list and status: reading only.  Lists are driven by an
 * index (pending deadlines by due, cases by reference) and limited, so they
 * stay quick with a million open cases.
 */
#include <string.h>

#include "config.h"
#include "vigild.h"

#define LIST_DEFAULT_LIMIT	1000

static json_t *
rows_json(struct vigild *vd, const char *sql, const char *ref,
    json_t *(*row)(struct vigild *, sqlite3_stmt *))
{
	json_t *a = json_array();
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(store_db(vd->store), sql, -1, &st, NULL) !=
	    SQLITE_OK) {
		log_err("query: %s", sqlite3_errmsg(store_db(vd->store)));
		return a;
	}
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(a, row(vd, st));
	sqlite3_finalize(st);
	return a;
}

static const char *
col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static json_t *
history_row(struct vigild *vd, sqlite3_stmt *st)
{
	char at[ISO_LEN], rec[ISO_LEN];

	return json_pack("{s:I, s:s, s:s, s:s, s:s?, s:s?, s:s, s:o}",
	    "id", (json_int_t)sqlite3_column_int64(st, 0), "event", col(st, 1),
	    "at", conf_time(vd->cfg->conf, sqlite3_column_int64(st, 2), at, sizeof at),
	    "recorded", conf_time(vd->cfg->conf, sqlite3_column_int64(st, 3), rec,
	    sizeof rec), "by", col(st, 4), "role", col(st, 5),
	    "peer", col(st, 6), "fields", json_loads(col(st, 7), 0, NULL));
}

/* A step handled, and each message it made (none when superseded). */
static json_t *
firing_row(struct vigild *vd, sqlite3_stmt *st)
{
	char at[ISO_LEN], fired[ISO_LEN], sent[ISO_LEN];
	int has_msg = sqlite3_column_type(st, 8) != SQLITE_NULL;

	return json_pack("{s:s, s:I, s:i, s:i, s:s, s:s, s:s?, s:s?, s:s, "
	    "s:s?}",
	    "deadline", col(st, 0), "seq", (json_int_t)sqlite3_column_int64(st, 1),
	    "level", sqlite3_column_int(st, 2), "repeat",
	    sqlite3_column_int(st, 3),
	    "at", conf_time(vd->cfg->conf, sqlite3_column_int64(st, 4), at, sizeof at),
	    "fired_at", conf_time(vd->cfg->conf, sqlite3_column_int64(st, 5), fired,
	    sizeof fired),
	    "to", col(st, 7),
	    "channel", has_msg ?
	    notify_channel_name(sqlite3_column_int(st, 8)) : NULL,
	    "status", has_msg ? outbox_status_name(sqlite3_column_int(st, 9)) :
	    col(st, 6),
	    "sent_at", has_msg && sqlite3_column_int(st, 9) == OB_SENT ?
	    conf_time(vd->cfg->conf, sqlite3_column_int64(st, 10), sent, sizeof sent) :
	    NULL);
}

json_t *
req_show(struct vigild *vd, const struct origin *o, struct request *r)
{
	struct wf_case c;
	json_t *j;
	int rc;

	(void)o;
	if ((rc = store_case_load(vd->store, r->ref, &c)) != 0)
		return req_refuse(rc == 1 ? "no case %s" :
		    "case %s: database error", r->ref);
	j = case_json(vd, &c, clock_now());
	wf_case_free(&c);
	json_object_set_new(j, "escalations", rows_json(vd,
	    "SELECT f.deadline, f.seq, f.level, f.rep, f.at, f.fired_at, "
	    "f.outcome, o.recipient, o.channel, o.status, o.done_at "
	    "FROM firings f LEFT JOIN outbox o ON o.ref = f.ref AND "
	    "o.seq = f.seq AND o.level = f.level AND o.rep = f.rep "
	    "WHERE f.ref = ? ORDER BY f.at, f.seq, f.level, f.rep, o.id",
	    r->ref, firing_row));
	json_object_set_new(j, "history", rows_json(vd,
	    "SELECT id, event, at, recorded, by, role, peer, fields "
	    "FROM events WHERE ref = ? ORDER BY id", r->ref, history_row));
	return req_ok(j);
}

/*
 * One row per case: its earliest pending deadline and how many are missed.
 * A deadline of a paused case that was not yet due at the pause is stopped,
 * not missed.
 */
#define LIST_COLUMNS \
	"SELECT c.ref, c.workflow, c.state, c.officer, c.paused_at, " \
	"(SELECT d.name FROM deadlines d WHERE d.ref = c.ref AND " \
	"  d.status = 0 ORDER BY d.due LIMIT 1), " \
	"(SELECT min(d.due) FROM deadlines d WHERE d.ref = c.ref AND " \
	"  d.status = 0), " \
	"(SELECT count(*) FROM deadlines d WHERE d.ref = c.ref AND " \
	"  d.status = 0 AND d.due <= :now AND " \
	"  (c.paused_at = 0 OR d.due <= c.paused_at)) " \
	"FROM cases c "
#define LIST_FILTERS \
	"AND (:officer IS NULL OR c.officer = :officer) " \
	"AND (:state IS NULL OR c.state = :state) "

json_t *
req_list(struct vigild *vd, const struct origin *o, struct request *r)
{
	int64_t now = clock_now(), before = 0;
	json_t *rows = json_array();
	const char *sql;
	sqlite3_stmt *st;
	char err[256];

	(void)o;
	if (r->due_before && iso_parse(r->due_before,
	    vd->cfg->conf->default_calendar->tz, &before, err, sizeof err) == -1) {
		json_decref(rows);
		return req_refuse("%s", err);
	}
	if (r->overdue || r->due_before) {
		/* From the pending-deadline index, soonest first. */
		sql = LIST_COLUMNS "JOIN (SELECT ref, min(due) AS first "
		    "FROM deadlines WHERE status = 0 AND due <= :until "
		    "GROUP BY ref) p ON p.ref = c.ref "
		    "WHERE (c.paused_at = 0 OR p.first <= c.paused_at "
		    "  OR :overdue = 0) " LIST_FILTERS
		    "ORDER BY p.first, c.ref LIMIT :limit";
	} else
		sql = LIST_COLUMNS "WHERE (c.closed = 0 OR EXISTS (SELECT 1 "
		    "FROM deadlines d WHERE d.ref = c.ref AND d.status = 0)) "
		    LIST_FILTERS "ORDER BY c.ref LIMIT :limit";
	if (sqlite3_prepare_v2(store_db(vd->store), sql, -1, &st, NULL) !=
	    SQLITE_OK) {
		json_decref(rows);
		return req_refuse("database error: %s",
		    sqlite3_errmsg(store_db(vd->store)));
	}
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":now"), now);
	if (sqlite3_bind_parameter_index(st, ":until")) {
		int64_t until = r->overdue ? now : before - 1;

		if (r->overdue && r->due_before && before - 1 < now)
			until = before - 1;
		sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st,
		    ":until"), until);
		sqlite3_bind_int(st, sqlite3_bind_parameter_index(st,
		    ":overdue"), r->overdue);
	}
	if (r->officer)
		sqlite3_bind_text(st, sqlite3_bind_parameter_index(st,
		    ":officer"), r->officer, -1, SQLITE_STATIC);
	if (r->state)
		sqlite3_bind_text(st, sqlite3_bind_parameter_index(st,
		    ":state"), r->state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":limit"),
	    r->limit ? r->limit : LIST_DEFAULT_LIMIT);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char due[ISO_LEN];
		int has_due = sqlite3_column_type(st, 6) != SQLITE_NULL;

		json_array_append_new(rows, json_pack(
		    "{s:s, s:s, s:s, s:s?, s:b, s:s?, s:s?, s:i}",
		    "ref", col(st, 0), "workflow", col(st, 1),
		    "state", col(st, 2), "officer", col(st, 3),
		    "paused", sqlite3_column_int64(st, 4) != 0,
		    "next_deadline", col(st, 5),
		    "next_due", has_due ? conf_time(vd->cfg->conf,
		    sqlite3_column_int64(st, 6), due, sizeof due) : NULL,
		    "missed", sqlite3_column_int(st, 7)));
	}
	sqlite3_finalize(st);
	return req_ok(json_pack("{s:o}", "cases", rows));
}

json_t *
req_status(struct vigild *vd, const struct origin *o, struct request *r)
{
	json_t *states = json_object();
	char started[ISO_LEN], loaded[ISO_LEN], next[ISO_LEN];
	int64_t now = clock_now(), missed = 0, next_at = 0;
	char errat[ISO_LEN];
	sqlite3_stmt *st;

	(void)o;
	(void)r;
	if (sqlite3_prepare_v2(store_db(vd->store), "SELECT state, n FROM "
	    "open_counts WHERE n > 0 ORDER BY state", -1, &st, NULL) ==
	    SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW)
			json_object_set_new(states, col(st, 0),
			    json_integer(sqlite3_column_int64(st, 1)));
		sqlite3_finalize(st);
	}
	if (sqlite3_prepare_v2(store_db(vd->store), "SELECT count(*) FROM "
	    "deadlines d JOIN cases c ON c.ref = d.ref WHERE d.status = 0 "
	    "AND d.due <= ? AND (c.paused_at = 0 OR d.due <= c.paused_at)",
	    -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, now);
		if (sqlite3_step(st) == SQLITE_ROW)
			missed = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	store_next_at(vd->store, &next_at);
	return req_ok(json_pack("{s:s, s:s, s:I, s:s, s:o, s:I, s:I, s:s?, "
	    "s:I, s:s?, s:s?}",
	    "version", PACKAGE_VERSION,
	    "started", conf_time(vd->cfg->conf, vd->started, started, sizeof started),
	    "uptime_seconds", (json_int_t)(now - vd->started),
	    "config_loaded", conf_time(vd->cfg->conf, vd->cfg->loaded_at, loaded,
	    sizeof loaded),
	    "open_cases", states, "missed_deadlines", (json_int_t)missed,
	    "events", (json_int_t)store_event_count(vd->store),
	    "next_due", next_at ? conf_time(vd->cfg->conf, next_at, next, sizeof next) :
	    NULL,
	    "outbox_depth", (json_int_t)outbox_depth(vd),
	    "last_delivery_error", vd->ob.last_error_at ? vd->ob.last_error :
	    NULL,
	    "last_delivery_error_at", vd->ob.last_error_at ? conf_time(vd->cfg->conf,
	    vd->ob.last_error_at, errat, sizeof errat) : NULL));
}

/* What the outbox holds: waiting and recent messages, or the failed. */
json_t *
req_outbox(struct vigild *vd, const struct origin *o, struct request *r)
{
	json_t *rows = json_array();
	sqlite3_stmt *st;

	(void)o;
	if (sqlite3_prepare_v2(store_db(vd->store), r->failed ?
	    "SELECT id, ref, deadline, level, rep, recipient, channel, status, "
	    "attempts, not_before, last_error, created FROM outbox WHERE "
	    "status = 2 ORDER BY id DESC LIMIT ?" :
	    "SELECT id, ref, deadline, level, rep, recipient, channel, status, "
	    "attempts, not_before, last_error, created FROM outbox WHERE "
	    "status IN (0, 4) OR id > (SELECT max(id) FROM outbox) - 100 "
	    "ORDER BY id DESC LIMIT ?", -1, &st, NULL) != SQLITE_OK) {
		json_decref(rows);
		return req_refuse("database error");
	}
	sqlite3_bind_int64(st, 1, r->limit ? r->limit : LIST_DEFAULT_LIMIT);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char next[ISO_LEN], made[ISO_LEN];
		int status = sqlite3_column_int(st, 7);

		int step = sqlite3_column_type(st, 3) != SQLITE_NULL;

		json_array_append_new(rows, json_pack("{s:I, s:s?, s:s?, s:o, "
		    "s:o, s:s, s:s, s:s, s:i, s:s?, s:s?, s:s}",
		    "id", (json_int_t)sqlite3_column_int64(st, 0),
		    "ref", col(st, 1), "deadline", col(st, 2),
		    "level", step ? json_integer(sqlite3_column_int(st, 3)) :
		    json_null(),
		    "repeat", step ? json_integer(sqlite3_column_int(st, 4)) :
		    json_null(),
		    "to", col(st, 5),
		    "channel", notify_channel_name(sqlite3_column_int(st, 6)),
		    "status", outbox_status_name(status),
		    "attempts", sqlite3_column_int(st, 8),
		    "next_try", status == OB_QUEUED ? conf_time(vd->cfg->conf,
		    sqlite3_column_int64(st, 9), next, sizeof next) : NULL,
		    "last_error", col(st, 10),
		    "created", conf_time(vd->cfg->conf, sqlite3_column_int64(st, 11), made,
		    sizeof made)));
	}
	sqlite3_finalize(st);
	return req_ok(json_pack("{s:o}", "messages", rows));
}
