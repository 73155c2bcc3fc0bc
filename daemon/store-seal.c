/*
 * store-seal.c: the seals table (seal.c makes and checks the seals), and
 * reading one event's hash by its id.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <string.h>

#include "store-int.h"

static const char SQL_SEAL_ADD[] = "INSERT INTO seals (epoch, at, events, "
    "head, mac) VALUES (?, ?, ?, ?, ?)";
static const char SQL_SEAL_LAST[] = "SELECT epoch, at, events, head, mac "
    "FROM seals ORDER BY epoch DESC LIMIT 1";
static const char SQL_SEALS[] = "SELECT epoch, at, events, head, mac "
    "FROM seals ORDER BY epoch";
static const char SQL_EVENT_HASH[] = "SELECT hash FROM events WHERE id = ?";

int
store_seal_add(struct store *s, const struct store_seal *seal)
{
	sqlite3_stmt *st;

	if ((st = store_stmt(s, SQL_SEAL_ADD)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, seal->epoch);
	sqlite3_bind_int64(st, 2, seal->at);
	sqlite3_bind_int64(st, 3, seal->events);
	store_bind_text(st, 4, seal->head);
	store_bind_text(st, 5, seal->mac);
	return store_run(s, st);
}

/* A seal row, its text columns cut to the hash length. */
static void
seal_row(sqlite3_stmt *st, struct store_seal *seal)
{
	memset(seal, 0, sizeof *seal);
	seal->epoch = sqlite3_column_int64(st, 0);
	seal->at = sqlite3_column_int64(st, 1);
	seal->events = sqlite3_column_int64(st, 2);
	snprintf(seal->head, sizeof seal->head, "%s",
	    (const char *)sqlite3_column_text(st, 3));
	snprintf(seal->mac, sizeof seal->mac, "%s",
	    (const char *)sqlite3_column_text(st, 4));
}

/* The newest seal: 1, 0 when there is none, -1 on an error. */
int
store_seal_last(struct store *s, struct store_seal *seal)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = store_stmt(s, SQL_SEAL_LAST)) == NULL)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		seal_row(st, seal);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Every seal, by epoch (the caller frees *out). */
int
store_seals(struct store *s, struct store_seal **out, size_t *n)
{
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	*n = 0;
	if ((st = store_stmt(s, SQL_SEALS)) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = xreallocarray(*out, *n + 1, sizeof **out);
		seal_row(st, &(*out)[(*n)++]);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Event id's hash into out (STORE_HASH_LEN + 1): 1, 0 if no such, -1. */
int
store_event_hash_at(struct store *s, int64_t id, char *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = store_stmt(s, SQL_EVENT_HASH)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		snprintf(out, STORE_HASH_LEN + 1, "%s",
		    (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}
