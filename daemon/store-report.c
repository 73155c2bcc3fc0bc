/*
 * store-report.c: what a report reads for a period [from, to): the cases
 * open at any time in it, the deadlines due in it and the escalation
 * steps fired in it, each with its case's officer and workflow, only of
 * the officers given (NULL: every case).  The deadlines and steps come
 * by their time indexes; the cases by a pass over the cases table, as a
 * case opened long ago may still be open.  The same rows of one case
 * come by its reference, for retention to keep its figures.  Rows go to
 * a callback as plain values, which last until it returns.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include "store-int.h"

#define OFFICERS "(:officers IS NULL OR c.officer IN " \
	"(SELECT value FROM json_each(:officers)))"

/* With its first deadline (seq 1): the first obligation, the contact. */
#define CASES "SELECT c.ref, c.officer, c.workflow, c.opened, " \
	"c.closed_at, d.status, d.due, d.closed_at FROM cases c " \
	"LEFT JOIN deadlines d ON d.ref = c.ref AND d.seq = 1 WHERE "
#define DEADLINES "SELECT d.ref, c.officer, c.workflow, d.name, d.due, " \
	"d.status, d.closed_at, d.acked_at, c.paused_at, d.pause_runs " \
	"FROM deadlines d "
#define STEPS "SELECT f.ref, c.officer, c.workflow, f.deadline, " \
	"f.level, f.at FROM firings f "
#define STEPS_SENT "f.level >= 1 AND f.outcome = 'queued'"

static const char SQL_CASES[] = CASES "c.opened < :to AND "
    "(c.closed = 0 OR c.closed_at >= :from) AND " OFFICERS;
static const char SQL_DEADLINES[] = DEADLINES "INDEXED BY deadlines_due "
    "JOIN cases c ON c.ref = d.ref "
    "WHERE d.due >= :from AND d.due < :to AND " OFFICERS;
static const char SQL_STEPS[] = STEPS "INDEXED BY firings_at "
    "JOIN cases c ON c.ref = f.ref WHERE f.at >= :from AND f.at < :to AND "
    STEPS_SENT " AND " OFFICERS;
static const char SQL_CASE_OF[] = CASES "c.ref = :ref";
static const char SQL_DEADLINES_OF[] = DEADLINES
    "JOIN cases c ON c.ref = d.ref WHERE d.ref = :ref";
static const char SQL_STEPS_OF[] = STEPS
    "JOIN cases c ON c.ref = f.ref WHERE f.ref = :ref AND " STEPS_SENT;

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

static sqlite3_stmt *
prepare_of(struct store *s, const char *sql, const char *ref)
{
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st != NULL)
		store_bind_text(st, sqlite3_bind_parameter_index(st, ":ref"),
		    ref);
	return st;
}

static int
cases(struct store *s, sqlite3_stmt *st, store_report_case_fn *fn,
    void *arg)
{
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

static int
deadlines(struct store *s, sqlite3_stmt *st, store_report_deadline_fn *fn,
    void *arg)
{
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

static int
steps(struct store *s, sqlite3_stmt *st, store_report_step_fn *fn,
    void *arg)
{
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

int
store_report_cases(struct store *s, int64_t from, int64_t to,
    const char *officers, store_report_case_fn *fn, void *arg)
{
	return cases(s, prepare(s, SQL_CASES, from, to, officers), fn, arg);
}

int
store_report_deadlines(struct store *s, int64_t from, int64_t to,
    const char *officers, store_report_deadline_fn *fn, void *arg)
{
	return deadlines(s, prepare(s, SQL_DEADLINES, from, to, officers), fn,
	    arg);
}

int
store_report_steps(struct store *s, int64_t from, int64_t to,
    const char *officers, store_report_step_fn *fn, void *arg)
{
	return steps(s, prepare(s, SQL_STEPS, from, to, officers), fn, arg);
}

/* One case's rows, whenever they fall: what a report would count of it. */
int
store_report_case_of(struct store *s, const char *ref,
    const struct store_report_fns *fns, void *arg)
{
	return cases(s, prepare_of(s, SQL_CASE_OF, ref), fns->on_case,
	    arg) == -1 || deadlines(s, prepare_of(s, SQL_DEADLINES_OF, ref),
	    fns->on_deadline, arg) == -1 || steps(s, prepare_of(s,
	    SQL_STEPS_OF, ref), fns->on_step, arg) == -1 ? -1 : 0;
}
