/*
 * store-query.c: what vigilctl and the monitoring read (show, list,
 * status, outbox, metrics, sd_notify), and outbox retry.  Every query is
 * driven by an index or a counter table and limited, so it stays quick
 * with a million open cases.  Rows go to a callback as plain values, which
 * last until it returns.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include "store-int.h"

/* Deadline status 0 in the SQL below is pending: the partial index
 * deadlines_pending needs the literal. */
_Static_assert(WF_PENDING == 0, "status = 0 is WF_PENDING");

/*
 * A deadline missed: pending and due, unless its case is paused and it was
 * not yet due at the pause (then it is stopped), and it is one a pause
 * stops.
 */
#define MISSED	"d.status = 0 AND d.due <= :now AND " \
	"(c.paused_at = 0 OR d.due <= c.paused_at OR d.pause_runs != 0)"

/* One row per case: its earliest pending deadline and how many missed. */
#define LIST_COLUMNS \
	"SELECT c.ref, c.workflow, c.state, c.officer, c.paused_at, " \
	"(SELECT d.name FROM deadlines d WHERE d.ref = c.ref AND " \
	"  d.status = 0 ORDER BY d.due LIMIT 1), " \
	"(SELECT min(d.due) FROM deadlines d WHERE d.ref = c.ref AND " \
	"  d.status = 0), " \
	"(SELECT count(*) FROM deadlines d WHERE d.ref = c.ref AND " MISSED ") " \
	"FROM cases c "
#define LIST_FILTERS \
	"AND (:officer IS NULL OR c.officer = :officer) " \
	"AND (:officers IS NULL OR c.officer IN " \
	"  (SELECT value FROM json_each(:officers))) " \
	"AND (:state IS NULL OR c.state = :state) "

/* From the pending-deadline index, soonest first. */
static const char SQL_LIST_DUE[] = LIST_COLUMNS
    "JOIN (SELECT ref, min(due) AS first, max(pause_runs) AS runs "
    "FROM deadlines INDEXED BY deadlines_pending "
    "WHERE status = 0 AND due <= :until GROUP BY ref) p ON p.ref = c.ref "
    "WHERE (c.paused_at = 0 OR p.first <= c.paused_at OR p.runs != 0 OR "
    ":overdue = 0) "
    LIST_FILTERS "ORDER BY p.first, c.ref LIMIT :limit";
static const char SQL_LIST[] = LIST_COLUMNS
    "WHERE (c.closed = 0 OR EXISTS (SELECT 1 FROM deadlines d "
    "WHERE d.ref = c.ref AND d.status = 0)) "
    LIST_FILTERS "ORDER BY c.ref LIMIT :limit";

static const char SQL_ESCALATIONS[] = "SELECT f.deadline, f.seq, f.level, "
    "f.rep, f.at, f.fired_at, f.outcome, o.recipient, o.channel, o.status, "
    "o.done_at FROM firings f LEFT JOIN outbox o ON o.ref = f.ref AND "
    "o.seq = f.seq AND o.level = f.level AND o.rep = f.rep "
    "WHERE f.ref = ? ORDER BY f.at, f.seq, f.level, f.rep, o.id";

static const char SQL_OPEN_COUNTS[] = "SELECT state, n FROM open_counts "
    "WHERE n > 0 ORDER BY state";
static const char SQL_MISSED[] = "SELECT d.name, count(*) FROM deadlines d "
    "JOIN cases c ON c.ref = d.ref WHERE " MISSED " GROUP BY d.name "
    "ORDER BY d.name";

/* Outbox statuses as the SQL below spells them, for its partial indexes. */
_Static_assert(OB_QUEUED == 0 && OB_FAILED == 2 && OB_SENDING == 4,
    "the outbox SQL's status literals");
#define OUTBOX_COLUMNS	"SELECT id, ref, deadline, coalesce(level, -1), " \
	"coalesce(rep, -1), recipient, channel, status, attempts, " \
	"not_before, last_error, created FROM outbox "

/* Waiting and sending, and the last hundred whatever they became. */
static const char SQL_OUTBOX[] = OUTBOX_COLUMNS "WHERE status IN (0, 4) OR "
    "id > (SELECT max(id) FROM outbox) - 100 ORDER BY id DESC LIMIT ?";
static const char SQL_OUTBOX_FAILED[] = OUTBOX_COLUMNS "WHERE status = 2 "
    "ORDER BY id DESC LIMIT ?";
static const char SQL_OUTBOX_COUNTS[] = "SELECT level, channel, reason, n "
    "FROM outbox_counts WHERE status = ? ORDER BY level, channel, reason";
static const char SQL_OUTBOX_RETRY[] = "UPDATE outbox SET status = 0, "
    "not_before = ?1, attempts = 0, created = ?1, last_error = NULL "
    "WHERE id = ?2 AND status IN (0, 2)";

/* The cases vigilctl list asks for, with a row each to fn. */
int
store_case_list(struct store *s, const struct store_list *q,
    store_case_row_fn *fn, void *arg)
{
	sqlite3_stmt *st = store_stmt(s, q->by_due ? SQL_LIST_DUE : SQL_LIST);
	int rc;

	if (st == NULL)
		return -1;
	store_bind_named(st, ":now", q->now);
	if (q->by_due) {
		store_bind_named(st, ":until", q->until);
		store_bind_named(st, ":overdue", q->overdue);
	}
	store_bind_text(st, sqlite3_bind_parameter_index(st, ":officer"),
	    q->officer);
	store_bind_text(st, sqlite3_bind_parameter_index(st, ":officers"),
	    q->officers);
	store_bind_text(st, sqlite3_bind_parameter_index(st, ":state"),
	    q->state);
	store_bind_named(st, ":limit", q->limit);
	while ((rc = store_row(s, st)) == 1)
		fn(arg, &(struct store_case_row){
		    .ref = store_col_str(st, 0), .workflow = store_col_str(st, 1),
		    .state = store_col_str(st, 2), .officer = store_col_str(st, 3),
		    .paused_at = sqlite3_column_int64(st, 4),
		    .next_deadline = store_col_str(st, 5),
		    .next_due = sqlite3_column_int64(st, 6),
		    .missed = sqlite3_column_int(st, 7) });
	return rc;
}

/* A case's escalation steps handled, a row per message each made. */
int
store_case_escalations(struct store *s, const char *ref,
    store_escalation_fn *fn, void *arg)
{
	sqlite3_stmt *st = store_stmt(s, SQL_ESCALATIONS);
	int rc;

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, ref);
	while ((rc = store_row(s, st)) == 1)
		fn(arg, &(struct store_escalation){
		    .deadline = store_col_str(st, 0),
		    .seq = (uint32_t)sqlite3_column_int64(st, 1),
		    .level = sqlite3_column_int(st, 2),
		    .rep = sqlite3_column_int(st, 3),
		    .at = sqlite3_column_int64(st, 4),
		    .fired_at = sqlite3_column_int64(st, 5),
		    .outcome = store_col_str(st, 6), .recipient = store_col_str(st, 7),
		    .channel = (enum notify_channel)sqlite3_column_int(st, 8),
		    .status = (enum outbox_status)sqlite3_column_int(st, 9),
		    .done_at = sqlite3_column_int64(st, 10) });
	return rc;
}

/* Rows of (name, count) to fn, if given; their sum, as far as it got. */
static int64_t
counts(struct store *s, sqlite3_stmt *st, store_count_fn *fn, void *arg)
{
	int64_t sum = 0;

	while (st != NULL && store_row(s, st) == 1) {
		if (fn != NULL)
			fn(arg, store_col_str(st, 0), sqlite3_column_int64(st, 1));
		sum += sqlite3_column_int64(st, 1);
	}
	return sum;
}

/* Open cases by state, from the counter table. */
int64_t
store_open_cases(struct store *s, store_count_fn *fn, void *arg)
{
	return counts(s, store_stmt(s, SQL_OPEN_COUNTS), fn, arg);
}

/* Missed deadlines by deadline name. */
int64_t
store_missed_deadlines(struct store *s, int64_t now, store_count_fn *fn,
    void *arg)
{
	sqlite3_stmt *st = store_stmt(s, SQL_MISSED);

	if (st != NULL)
		store_bind_named(st, ":now", now);
	return counts(s, st, fn, arg);
}

/* What the outbox holds, newest first: waiting and recent, or failed. */
int
store_outbox_list(struct store *s, int failed, int64_t limit,
    store_outbox_item_fn *fn, void *arg)
{
	sqlite3_stmt *st = store_stmt(s, failed ? SQL_OUTBOX_FAILED :
	    SQL_OUTBOX);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, limit);
	while ((rc = store_row(s, st)) == 1)
		fn(arg, &(struct store_outbox_item){
		    .id = sqlite3_column_int64(st, 0),
		    .ref = store_col_str(st, 1), .deadline = store_col_str(st, 2),
		    .level = sqlite3_column_int(st, 3),
		    .rep = sqlite3_column_int(st, 4),
		    .recipient = store_col_str(st, 5),
		    .channel = (enum notify_channel)sqlite3_column_int(st, 6),
		    .status = (enum outbox_status)sqlite3_column_int(st, 7),
		    .attempts = sqlite3_column_int(st, 8),
		    .not_before = sqlite3_column_int64(st, 9),
		    .last_error = store_col_str(st, 10),
		    .created = sqlite3_column_int64(st, 11) });
	return rc;
}

/* Messages sent or failed for good (status), by level, channel and
 * reason. */
int
store_outbox_counts(struct store *s, enum outbox_status status,
    store_outbox_count_fn *fn, void *arg)
{
	sqlite3_stmt *st = store_stmt(s, SQL_OUTBOX_COUNTS);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int(st, 1, (int)status);
	while ((rc = store_row(s, st)) == 1)
		fn(arg, sqlite3_column_int(st, 0),
		    (enum notify_channel)sqlite3_column_int(st, 1),
		    sqlite3_column_int(st, 2), sqlite3_column_int64(st, 3));
	return rc;
}

/*
 * Queue a failed or waiting message again, to go now, in the transaction
 * in hand: 1 done, 0 no such message, -1 a database error.
 */
int
store_outbox_retry(struct store *s, int64_t id, int64_t now)
{
	sqlite3_stmt *st = store_stmt(s, SQL_OUTBOX_RETRY);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, id);
	if (store_run(s, st) == -1)
		return -1;
	return sqlite3_changes(s->db) == 1;
}
