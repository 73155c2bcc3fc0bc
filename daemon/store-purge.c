/*
 * store-purge.c: retention.  A closed case past its time loses its rows in
 * the case tables and the outbox; its events stay in the chain, emptied of
 * everything that names anyone (reference, who, fields), under a stand-in
 * reference so the log can still be counted per case.  (The report's own
 * figures of the case are kept first: report-keep.c.)
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>

#include "store-int.h"

static const char SQL_DUE[] = "SELECT ref FROM cases WHERE closed != 0 AND "
    "last_event <= ? ORDER BY last_event LIMIT ?";
static const char SQL_COUNT[] = "SELECT count(*), min(last_event) FROM cases "
    "WHERE closed != 0 AND last_event <= ?";
static const char SQL_EMPTY[] = "UPDATE events SET ref = ?, by = NULL, "
    "role = NULL, peer = '-', fields = '{}', purged = ? WHERE ref = ?";
static const char SQL_ROWS[] = "SELECT e.id, e.ref, e.event, e.at, "
    "e.recorded, e.workflow, e.version, e.hash, p.hash FROM events e "
    "LEFT JOIN events p ON p.id = e.id - 1 WHERE e.purged = ? ORDER BY e.id";
static const char *const SQL_FORGET[] = {
	"DELETE FROM cases WHERE ref = ?",
	"DELETE FROM fields WHERE ref = ?",
	"DELETE FROM deadlines WHERE ref = ?",
	"DELETE FROM firings WHERE ref = ?",
	"DELETE FROM outbox WHERE ref = ?",
};

/* Closed cases whose last event is at or before closed_before, oldest
 * first, at most limit. */
int
store_purge_due(struct store *s, int64_t closed_before, size_t limit,
    char ***refs, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, SQL_DUE);
	int rc;

	*refs = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, closed_before);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*refs = xreallocarray(*refs, *n + 1, sizeof **refs);
		(*refs)[(*n)++] = xstrdup((const char *)sqlite3_column_text(st,
		    0));
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* How many are due, and when the oldest closed (0 when none): dry run. */
int
store_purge_count(struct store *s, int64_t closed_before, int64_t *cases,
    int64_t *oldest)
{
	sqlite3_stmt *st = store_stmt(s, SQL_COUNT);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, closed_before);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*cases = sqlite3_column_int64(st, 0);
		*oldest = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Empty one case's events under stand-in, for purge record purge_id, and
 * forget it everywhere else. */
int
store_purge_case(struct store *s, const char *ref, const char *stand_in,
    int64_t purge_id)
{
	sqlite3_stmt *st = store_stmt(s, SQL_EMPTY);

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, stand_in);
	sqlite3_bind_int64(st, 2, purge_id);
	store_bind_text(st, 3, ref);
	if (store_run(s, st) == -1)
		return -1;
	for (size_t i = 0; i < nitems(SQL_FORGET); i++) {
		if ((st = store_stmt(s, SQL_FORGET[i])) == NULL)
			return -1;
		store_bind_text(st, 1, ref);
		if (store_run(s, st) == -1)
			return -1;
	}
	return 0;
}

/* What purge record purge_id must say it emptied (store_purge_fold). */
int
store_purge_rows(struct store *s, int64_t purge_id, char *rows)
{
	sqlite3_stmt *st = store_stmt(s, SQL_ROWS);
	char zero[STORE_HASH_LEN + 1];
	int rc;

	store_zero_hash(rows);
	if (st == NULL)
		return -1;
	store_zero_hash(zero);
	sqlite3_bind_int64(st, 1, purge_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_event e = {
			.id = sqlite3_column_int64(st, 0),
			.ref = (const char *)sqlite3_column_text(st, 1),
			.event = (const char *)sqlite3_column_text(st, 2),
			.at = sqlite3_column_int64(st, 3),
			.recorded = sqlite3_column_int64(st, 4),
			.workflow = (const char *)sqlite3_column_text(st, 5),
			.version = (const char *)sqlite3_column_text(st, 6),
		};
		const char *prev = (const char *)sqlite3_column_text(st, 8);

		/* A hash stored short would be read past its end. */
		if (sqlite3_column_bytes(st, 7) != STORE_HASH_LEN ||
		    (prev != NULL && sqlite3_column_bytes(st, 8) !=
		    STORE_HASH_LEN)) {
			rc = SQLITE_CORRUPT;
			break;
		}
		memcpy(e.hash, sqlite3_column_text(st, 7), sizeof e.hash);
		store_purge_fold(rows, &e, prev ? prev : zero);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The id the next event appended will have. */
int64_t
store_event_next_id(const struct store *s)
{
	return s->last_id + 1;
}
