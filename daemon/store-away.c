/*
 * store-away.c: staff away and who covers for them.  One absence a person
 * at a time: a new one replaces it, a return deletes it.  Read where they
 * matter (away.c), by the person and by the cover, each indexed.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>

#include "store-int.h"

static const char SQL_AWAY_PUT[] = "INSERT OR REPLACE INTO absences (staff, "
    "from_at, until_at, cover, by, at) VALUES (?, ?, ?, ?, ?, ?)";
static const char SQL_AWAY_DEL[] = "DELETE FROM absences WHERE staff = ?";
#define AWAY_COLUMNS "SELECT staff, from_at, until_at, cover, by, at " \
	"FROM absences "
static const char SQL_AWAY_ALL[] = AWAY_COLUMNS "WHERE until_at > ? "
    "ORDER BY from_at, staff";
static const char SQL_AWAY_OF[] = AWAY_COLUMNS "WHERE staff = ? AND "
    "from_at <= ? AND until_at > ?";
static const char SQL_AWAY_COVERED[] = AWAY_COLUMNS "WHERE cover = ? AND "
    "from_at <= ? AND until_at > ? ORDER BY staff";

static void
away_row(sqlite3_stmt *st, struct store_away *a)
{
	a->staff = store_col_strdup(st, 0);
	a->from = sqlite3_column_int64(st, 1);
	a->until = sqlite3_column_int64(st, 2);
	a->cover = store_col_strdup(st, 3);
	a->by = store_col_strdup(st, 4);
	a->at = sqlite3_column_int64(st, 5);
}

/* The rows of a bound statement. */
static int
away_rows(struct store *s, sqlite3_stmt *st, struct store_away **v,
    size_t *n)
{
	int rc;

	*v = NULL;
	*n = 0;
	while ((rc = store_row(s, st)) == 1) {
		*v = xreallocarray(*v, *n + 1, sizeof **v);
		away_row(st, &(*v)[(*n)++]);
	}
	return rc;
}

int
store_away_put(struct store *s, const struct store_away *a)
{
	sqlite3_stmt *st = store_stmt(s, SQL_AWAY_PUT);

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, a->staff);
	sqlite3_bind_int64(st, 2, a->from);
	sqlite3_bind_int64(st, 3, a->until);
	store_bind_text(st, 4, a->cover);
	store_bind_text(st, 5, a->by);
	sqlite3_bind_int64(st, 6, a->at);
	return store_run(s, st);
}

/* 0 when an absence ended, 1 when there was none. */
int
store_away_del(struct store *s, const char *staff)
{
	sqlite3_stmt *st = store_stmt(s, SQL_AWAY_DEL);

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, staff);
	if (store_run(s, st) == -1)
		return -1;
	return sqlite3_changes(s->db) > 0 ? 0 : 1;
}

/* Every absence not over by now, soonest first. */
int
store_aways(struct store *s, int64_t now, struct store_away **v, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, SQL_AWAY_ALL);

	*v = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	return away_rows(s, st, v, n);
}

/* Whether staff is away at: 0 with *a, 1 not, -1 error. */
int
store_away_of(struct store *s, const char *staff, int64_t at,
    struct store_away *a)
{
	sqlite3_stmt *st = store_stmt(s, SQL_AWAY_OF);
	int rc;

	memset(a, 0, sizeof *a);
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, staff);
	sqlite3_bind_int64(st, 2, at);
	sqlite3_bind_int64(st, 3, at);
	if ((rc = store_row(s, st)) == 1) {
		away_row(st, a);
		sqlite3_reset(st);
		return 0;
	}
	return rc == 0 ? 1 : -1;
}

/* The absences cover stands in for at. */
int
store_aways_covered(struct store *s, const char *cover, int64_t at,
    struct store_away **v, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, SQL_AWAY_COVERED);

	*v = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, cover);
	sqlite3_bind_int64(st, 2, at);
	sqlite3_bind_int64(st, 3, at);
	return away_rows(s, st, v, n);
}

void
store_away_clear(struct store_away *a)
{
	free(a->staff);
	free(a->cover);
	free(a->by);
	memset(a, 0, sizeof *a);
}
