/*
 * store-report.c: what a report reads for a period [from, to): the cases
 * open at any time in it, the deadlines due in it and the escalation
 * steps fired in it, each with its case's officer and workflow, only of
 * the officers given (NULL: every case).  The deadlines and steps come
 * by their time indexes; the cases by a pass over the cases table, as a
 * case opened long ago may still be open.  Rows go to a callback as plain
 * values, which last until it returns.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include "store-int.h"

#define OFFICERS "(:officers IS NULL OR c.officer IN " \
	"(SELECT value FROM json_each(:officers)))"

/* With its first deadline (seq 1): the first obligation, the contact. */
static const char SQL_CASES[] = "SELECT c.ref, c.officer, c.workflow, "
    "c.opened, c.closed_at, d.status, d.due, d.closed_at FROM cases c "
    "LEFT JOIN deadlines d ON d.ref = c.ref AND d.seq = 1 "
    "WHERE c.opened < :to AND (c.closed = 0 OR c.closed_at >= :from) AND "
    OFFICERS;
static const char SQL_DEADLINES[] = "SELECT d.ref, c.officer, c.workflow, "
    "d.name, d.due, d.status, d.closed_at, d.acked_at, c.paused_at, "
    "d.pause_runs "
    "FROM deadlines d "
    "INDEXED BY deadlines_due JOIN cases c ON c.ref = d.ref "
    "WHERE d.due >= :from AND d.due < :to AND " OFFICERS;
static const char SQL_STEPS[] = "SELECT f.ref, c.officer, c.workflow, "
    "f.deadline, f.level, f.at FROM firings f INDEXED BY firings_at "
    "JOIN cases c ON c.ref = f.ref WHERE f.at >= :from AND f.at < :to AND "
    "f.level >= 1 AND f.outcome = 'queued' AND " OFFICERS;

static sqlite3_stmt *
prepare(struct store *s, const char *sql, int64_t from, int64_t to,
    const char *officers)
{
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return NULL;
	store_bind_named(st, ":from", from);
	store_bind_named(st, ":to", to);
	store_bind_text(st, sqlite3_bind_parameter_index(st, ":officers"),
	    officers);
	return st;
}

int
store_report_cases(struct store *s, int64_t from, int64_t to,
    const char *officers, store_report_case_fn *fn, void *arg)
{
	sqlite3_stmt *st = prepare(s, SQL_CASES, from, to, officers);
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = store_row(s, st)) == 1)
		fn(arg, &(struct store_report_case){
		    .ref = store_col_str(st, 0), .officer = store_col_str(st, 1),
		    .workflow = store_col_str(st, 2),
		    .opened = sqlite3_column_int64(st, 3),
		    .closed_at = sqlite3_column_int64(st, 4),
		    .first_status = sqlite3_column_type(st, 5) == SQLITE_NULL ?
		    -1 : sqlite3_column_int(st, 5),
		    .first_due = sqlite3_column_int64(st, 6),
		    .first_closed_at = sqlite3_column_int64(st, 7) });
	return rc;
}

int
store_report_deadlines(struct store *s, int64_t from, int64_t to,
    const char *officers, store_report_deadline_fn *fn, void *arg)
{
	sqlite3_stmt *st = prepare(s, SQL_DEADLINES, from, to, officers);
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = store_row(s, st)) == 1)
		fn(arg, &(struct store_report_deadline){
		    .ref = store_col_str(st, 0), .officer = store_col_str(st, 1),
		    .workflow = store_col_str(st, 2),
		    .name = store_col_str(st, 3),
		    .due = sqlite3_column_int64(st, 4),
		    .status = sqlite3_column_int(st, 5),
		    .closed_at = sqlite3_column_int64(st, 6),
		    .acked_at = sqlite3_column_int64(st, 7),
		    .paused_at = sqlite3_column_int64(st, 8),
		    .pause_runs = sqlite3_column_int(st, 9) });
	return rc;
}

int
store_report_steps(struct store *s, int64_t from, int64_t to,
    const char *officers, store_report_step_fn *fn, void *arg)
{
	sqlite3_stmt *st = prepare(s, SQL_STEPS, from, to, officers);
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = store_row(s, st)) == 1)
		fn(arg, &(struct store_report_step){
		    .ref = store_col_str(st, 0), .officer = store_col_str(st, 1),
		    .workflow = store_col_str(st, 2),
		    .deadline = store_col_str(st, 3),
		    .level = sqlite3_column_int(st, 4),
		    .at = sqlite3_column_int64(st, 5) });
	return rc;
}
