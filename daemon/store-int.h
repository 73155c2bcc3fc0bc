/*
 * store-int.h: what the store-*.c files share, and nothing outside them
 * sees: the connection, the statement cache and the hash chain's head.
 * Only these files hold SQL.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#ifndef STORE_INT_H
#define STORE_INT_H

#include <sqlite3.h>

#include "store.h"

#define STORE_STMT_MAX		128	/* distinct statements, all files */

struct store_stmt {
	const char *sql;		/* the key: a constant's address */
	sqlite3_stmt *st;
};

struct store {
	sqlite3	*db;
	char	*path;
	struct store_stmt stmts[STORE_STMT_MAX];
	int	 in_tx;
	int	 tx_lost;		/* SQLite rolled it back on an error */
	char	 commit_error[256];	/* why the last failed commit failed */
	/* The chain head: committed, and as of the open savepoint. */
	int64_t	 last_id, sp_last_id;
	char	 last_hash[STORE_HASH_LEN + 1], sp_last_hash[STORE_HASH_LEN + 1];
};

/* store.c */
sqlite3_stmt *store_stmt(struct store *, const char *);
int	 store_run(struct store *, sqlite3_stmt *);
void	 store_bind_text(sqlite3_stmt *, int, const char *);
char	*store_col_strdup(sqlite3_stmt *, int);
const char *store_col_str(sqlite3_stmt *, int);
int	 store_row(struct store *, sqlite3_stmt *);
void	 store_bind_named(sqlite3_stmt *, const char *, int64_t);

/* store-event.c */
int	 store_event_head(struct store *);

#endif
