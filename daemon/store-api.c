/*
 * store-api.c: what the HTTP API keeps.  Bearer tokens, known only by the
 * SHA-256 of the secret (a stolen database gives no working token); and
 * the reply to each change sent with an idempotency key, per client, so a
 * repeat returns the first reply and changes nothing.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>

#include "store-int.h"

static const char SQL_TOKEN_ADD[] = "INSERT INTO tokens (name, hash, role, "
    "staff, created) VALUES (?, ?, ?, ?, ?)";
static const char SQL_TOKEN_FREE[] = "DELETE FROM tokens WHERE name = ? AND "
    "revoked IS NOT NULL";
static const char SQL_TOKEN_FIND[] = "SELECT name, role, staff, created, "
    "coalesce(revoked, 0) FROM tokens WHERE hash = ?";
static const char SQL_TOKEN_REVOKE[] = "UPDATE tokens SET revoked = ? "
    "WHERE name = ? AND revoked IS NULL";
static const char SQL_TOKENS[] = "SELECT name, role, staff, created, "
    "coalesce(revoked, 0) FROM tokens ORDER BY name";
static const char SQL_REPLY_FIND[] = "SELECT reply FROM replies "
    "WHERE who = ? AND key = ?";
static const char SQL_REPLY_ADD[] = "INSERT INTO replies (who, key, reply, "
    "at) VALUES (?, ?, ?, ?)";
static const char SQL_REPLIES_FORGET[] = "DELETE FROM replies WHERE at < ?";

static char *
dup_col(sqlite3_stmt *st, int i)
{
	const char *t = (const char *)sqlite3_column_text(st, i);

	return t ? xstrdup(t) : NULL;
}

static void
token_row(sqlite3_stmt *st, struct store_token *t)
{
	t->name = dup_col(st, 0);
	t->role = dup_col(st, 1);
	t->staff = dup_col(st, 2);
	t->created = sqlite3_column_int64(st, 3);
	t->revoked = sqlite3_column_int64(st, 4);
}

/* 0, 1 when a working token has the name, -1 on an error.  A revoked
 * token's name may be given again. */
int
store_token_add(struct store *s, const char *name, const char *hash,
    const char *role, const char *staff, int64_t now)
{
	sqlite3_stmt *st = store_stmt(s, SQL_TOKEN_FREE);
	int rc;

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, name);
	if (store_run(s, st) == -1 || (st = store_stmt(s, SQL_TOKEN_ADD)) ==
	    NULL)
		return -1;
	store_bind_text(st, 1, name);
	store_bind_text(st, 2, hash);
	store_bind_text(st, 3, role);
	store_bind_text(st, 4, staff);
	sqlite3_bind_int64(st, 5, now);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT)
		return 1;
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The token whose secret hashes to hash: 0 found, 1 none, -1 error. */
int
store_token_find(struct store *s, const char *hash, struct store_token *t)
{
	sqlite3_stmt *st = store_stmt(s, SQL_TOKEN_FIND);
	int rc;

	memset(t, 0, sizeof *t);
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, hash);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		token_row(st, t);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

/* 0 revoked, 1 no such working token, -1 error. */
int
store_token_revoke(struct store *s, const char *name, int64_t now)
{
	sqlite3_stmt *st = store_stmt(s, SQL_TOKEN_REVOKE);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	store_bind_text(st, 2, name);
	if (store_run(s, st) == -1)
		return -1;
	return sqlite3_changes(s->db) == 1 ? 0 : 1;
}

int
store_tokens(struct store *s, struct store_token **v, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, SQL_TOKENS);
	int rc;

	*v = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*v = xreallocarray(*v, *n + 1, sizeof **v);
		token_row(st, &(*v)[(*n)++]);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

void
store_token_clear(struct store_token *t)
{
	free(t->name);
	free(t->role);
	free(t->staff);
	memset(t, 0, sizeof *t);
}

/* The reply kept for who's key: 0 with *reply, 1 none, -1 error. */
int
store_reply_find(struct store *s, const char *who, const char *key,
    char **reply)
{
	sqlite3_stmt *st = store_stmt(s, SQL_REPLY_FIND);
	int rc;

	*reply = NULL;
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, who);
	store_bind_text(st, 2, key);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*reply = dup_col(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int
store_reply_add(struct store *s, const char *who, const char *key,
    const char *reply, int64_t now)
{
	sqlite3_stmt *st = store_stmt(s, SQL_REPLY_ADD);

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, who);
	store_bind_text(st, 2, key);
	store_bind_text(st, 3, reply);
	sqlite3_bind_int64(st, 4, now);
	return store_run(s, st);
}

/* Keys are kept long enough for any retry, not for ever. */
int
store_replies_forget(struct store *s, int64_t before)
{
	sqlite3_stmt *st = store_stmt(s, SQL_REPLIES_FORGET);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, before);
	return store_run(s, st);
}
