/*
 * store-kept.c: the board report's figures of purged cases, kept by month
 * (YYYY-MM) when retention empties them (report-keep.c): each a count,
 * never a reference.  kept_cases has a case's month of opening and of
 * closing, which "open at a month's end" needs; kept_figures the rest,
 * each in the month the report counts it in.  An officer of none is ''
 * in the tables (a key cannot be NULL) and NULL to the callers.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include "store-int.h"

#define OFFICERS "(:officers IS NULL OR officer IN " \
	"(SELECT value FROM json_each(:officers)))"

static const char SQL_CASE_ADD[] = "INSERT INTO kept_cases (opened, closed, "
    "officer, workflow, n) VALUES (?, ?, coalesce(?, ''), ?, ?) "
    "ON CONFLICT (opened, closed, officer, workflow) DO "
    "UPDATE SET n = n + excluded.n";
static const char SQL_FIGURE_ADD[] = "INSERT INTO kept_figures (month, "
    "officer, workflow, figure, deadline, tenths, n) "
    "VALUES (?, coalesce(?, ''), ?, ?, coalesce(?, ''), ?, ?) "
    "ON CONFLICT (month, officer, workflow, figure, deadline, tenths) DO "
    "UPDATE SET n = n + excluded.n";
static const char SQL_CASES[] = "SELECT opened, closed, nullif(officer, ''), "
    "workflow, n FROM kept_cases WHERE opened <= :to AND closed >= :from "
    "AND " OFFICERS;
static const char SQL_FIGURES[] = "SELECT month, nullif(officer, ''), "
    "workflow, figure, nullif(deadline, ''), tenths, n FROM kept_figures "
    "WHERE month >= :from AND month <= :to AND " OFFICERS;

int
store_kept_case_add(struct store *s, const struct store_kept_case *k)
{
	sqlite3_stmt *st = store_stmt(s, SQL_CASE_ADD);

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, k->opened);
	store_bind_text(st, 2, k->closed);
	store_bind_text(st, 3, k->officer);
	store_bind_text(st, 4, k->workflow);
	sqlite3_bind_int64(st, 5, k->n);
	return store_run(s, st);
}

int
store_kept_figure_add(struct store *s, const struct store_kept_figure *f)
{
	sqlite3_stmt *st = store_stmt(s, SQL_FIGURE_ADD);

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, f->month);
	store_bind_text(st, 2, f->officer);
	store_bind_text(st, 3, f->workflow);
	store_bind_text(st, 4, f->figure);
	store_bind_text(st, 5, f->deadline);
	sqlite3_bind_int64(st, 6, f->tenths);
	sqlite3_bind_int64(st, 7, f->n);
	return store_run(s, st);
}

static sqlite3_stmt *
prepare(struct store *s, const char *sql, const char *from, const char *to,
    const char *officers)
{
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return NULL;
	store_bind_text(st, sqlite3_bind_parameter_index(st, ":from"), from);
	store_bind_text(st, sqlite3_bind_parameter_index(st, ":to"), to);
	store_bind_text(st, sqlite3_bind_parameter_index(st, ":officers"),
	    officers);
	return st;
}

/* The kept cases open at any time in the months from..to. */
int
store_kept_cases(struct store *s, const char *from, const char *to,
    const char *officers, store_kept_case_fn *fn, void *arg)
{
	sqlite3_stmt *st = prepare(s, SQL_CASES, from, to, officers);
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = store_row(s, st)) == 1)
		fn(arg, &(struct store_kept_case){
		    .opened = store_col_str(st, 0),
		    .closed = store_col_str(st, 1),
		    .officer = store_col_str(st, 2),
		    .workflow = store_col_str(st, 3),
		    .n = sqlite3_column_int64(st, 4) });
	return rc;
}

/* The kept figures of the months from..to. */
int
store_kept_figures(struct store *s, const char *from, const char *to,
    const char *officers, store_kept_figure_fn *fn, void *arg)
{
	sqlite3_stmt *st = prepare(s, SQL_FIGURES, from, to, officers);
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = store_row(s, st)) == 1)
		fn(arg, &(struct store_kept_figure){
		    .month = store_col_str(st, 0),
		    .officer = store_col_str(st, 1),
		    .workflow = store_col_str(st, 2),
		    .figure = store_col_str(st, 3),
		    .deadline = store_col_str(st, 4),
		    .tenths = sqlite3_column_int64(st, 5),
		    .n = sqlite3_column_int64(st, 6) });
	return rc;
}
