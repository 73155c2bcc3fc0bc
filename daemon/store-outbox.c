/*
 * store-outbox.c: the outbox's rows.  outbox.c decides what they mean and
 * when they go; this file only reads and writes them.
 *
 * Status and kind codes are written into the SQL text, not bound: SQLite
 * matches a partial index's WHERE (store.c's migrations: status = 0, 1 or
 * 4) against the query's own text when it prepares it, before any value
 * is bound, so a bound status would leave those indexes unused.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>

#include "store-int.h"

/* The codes as SQL text.  Old databases keep the schema's partial indexes
 * and the outbox_count trigger (store.c), which spell the same numbers. */
#define Q_QUEUED	"0"
#define Q_SENT		"1"
#define Q_FAILED	"2"
#define Q_CANCELLED	"3"
#define Q_SENDING	"4"
#define Q_ALERT		"3"
_Static_assert(OB_QUEUED == 0, "Q_QUEUED and the outbox_queued indexes");
_Static_assert(OB_SENT == 1, "Q_SENT, outbox_sent_to and outbox_count");
_Static_assert(OB_FAILED == 2, "Q_FAILED and the outbox_count trigger");
_Static_assert(OB_CANCELLED == 3, "Q_CANCELLED");
_Static_assert(OB_SENDING == 4, "Q_SENDING and outbox_sending_to");
_Static_assert(TPL_ADMIN_ALERT == 3 && TPL_AUDIT_ALERT == 4 &&
    TPL_OPS_ALERT == 5 && TPL_SUMMARY == 6 && TPL_NKINDS == 7,
    "Q_ALERT: every kind that goes alone (alerts, summaries) is 3 or more");

/* The columns read_entry() reads, in this order. */
#define ENTRY_COLUMNS "id, kind, key, ref, deadline, title, action, due, " \
	"officer, level, rep, acked_by, acked_at, about, recipient, to_name, " \
	"address, channel, urgent, created, attempts, last_error, seq"

static const char SQL_ADD[] = "INSERT OR IGNORE INTO outbox (key, kind, ref, "
    "seq, level, rep, deadline, title, action, due, officer, acked_by, "
    "acked_at, about, recipient, to_name, address, channel, urgent, status, "
    "created, not_before, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?, ?, ?, ?, ?, ?, ?, ?, " Q_QUEUED ", ?, ?, 0)";
static const char SQL_CANCEL[] = "UPDATE outbox SET status = " Q_CANCELLED
    " WHERE ref = ? AND seq = ? AND status = " Q_QUEUED " AND "
    "(? = 0 OR rep > 0)";
static const char SQL_LAST_TO[] = "SELECT EXISTS (SELECT 1 FROM outbox WHERE "
    "status = " Q_SENDING " AND channel = ?1 AND address = ?2), "
    "(SELECT max(done_at) FROM outbox WHERE status = " Q_SENT " AND "
    "channel = ?1 AND address = ?2)";
static const char SQL_HEAD[] = "SELECT address, kind, message FROM outbox WHERE "
    "status = " Q_QUEUED " AND channel = ? AND not_before <= ? "
    "ORDER BY not_before, id LIMIT 1";
/* Told which index: the planner would walk every due row of the channel
 * by outbox_head instead of the address's few. */
static const char SQL_ROWS[] = "SELECT " ENTRY_COLUMNS " FROM outbox "
    "INDEXED BY outbox_queued_to WHERE "
    "status = " Q_QUEUED " AND channel = ? AND address = ? AND "
    "not_before <= ? AND (kind >= " Q_ALERT ") = ? AND message IS NULL "
    "ORDER BY id LIMIT ?";
/* A message tried before goes again as it was: its rows, its key. */
static const char SQL_GROUP[] = "SELECT " ENTRY_COLUMNS " FROM outbox "
    "INDEXED BY outbox_queued_to WHERE status = " Q_QUEUED " AND "
    "channel = ? AND address = ? AND message = ? ORDER BY id LIMIT ?";
static const char SQL_GET[] = "SELECT " ENTRY_COLUMNS " FROM outbox "
    "WHERE id = ?";
static const char SQL_MARK_SENDING[] = "UPDATE outbox SET status = "
    Q_SENDING ", attempts = attempts + 1, message = ? WHERE id = ?";
static const char SQL_SENT[] = "UPDATE outbox SET status = " Q_SENT ", "
    "done_at = ?, message = ?, last_error = NULL WHERE id = ?";
static const char SQL_RETRY_AT[] = "UPDATE outbox SET status = " Q_QUEUED
    ", not_before = ?, last_error = ? WHERE id = ?";
static const char SQL_FAIL[] = "UPDATE outbox SET status = " Q_FAILED ", "
    "done_at = ?, last_error = ?, reason = ? WHERE id = ? "
    "RETURNING " ENTRY_COLUMNS;
static const char SQL_NEXT_TIME[] = "SELECT min(not_before) FROM outbox "
    "WHERE status = " Q_QUEUED " AND channel = ?";
static const char SQL_RESET_SENDING[] = "UPDATE outbox SET status = "
    Q_QUEUED " WHERE status = " Q_SENDING;
static const char SQL_DEPTH[] = "SELECT n FROM outbox_live";

/*
 * Queue one message, once per key, not to go before not_before: inside
 * the caller's transaction.
 */
int
store_outbox_add(struct store *s, const struct outbox_row *r, const char *key,
    int64_t now, int64_t not_before)
{
	sqlite3_stmt *st;

	if ((st = store_stmt(s, SQL_ADD)) == NULL)
		return -1;
	store_bind_text(st, 1, key);
	sqlite3_bind_int(st, 2, (int)r->kind);
	store_bind_text(st, 3, r->ref);
	if (r->kind < TPL_ADMIN_ALERT) {	/* an alert is no step: NULL */
		sqlite3_bind_int64(st, 4, r->seq);
		sqlite3_bind_int(st, 5, r->level);
		sqlite3_bind_int(st, 6, r->rep);
	}
	store_bind_text(st, 7, r->deadline);
	store_bind_text(st, 8, r->title);
	store_bind_text(st, 9, r->action);
	sqlite3_bind_int64(st, 10, r->due);
	store_bind_text(st, 11, r->officer);
	store_bind_text(st, 12, r->acked_by);
	sqlite3_bind_int64(st, 13, r->acked_at);
	sqlite3_bind_int64(st, 14, r->about);
	store_bind_text(st, 15, r->recipient);
	store_bind_text(st, 16, r->to_name);
	store_bind_text(st, 17, r->address);
	sqlite3_bind_int(st, 18, (int)r->channel);
	sqlite3_bind_int(st, 19, r->urgent);
	sqlite3_bind_int64(st, 20, now);
	sqlite3_bind_int64(st, 21, not_before);
	return store_run(s, st);
}

/* Cancel what is still queued about one deadline, or only its repeats. */
int
store_outbox_cancel(struct store *s, const char *ref, uint32_t seq,
    int repeats_only)
{
	sqlite3_stmt *st;

	if ((st = store_stmt(s, SQL_CANCEL)) == NULL)
		return -1;
	store_bind_text(st, 1, ref);
	sqlite3_bind_int64(st, 2, seq);
	sqlite3_bind_int(st, 3, repeats_only);
	return store_run(s, st);
}

/*
 * For the digest rule: is a message to this address on its way, and when
 * did the last one go (0: never)?  Both 0 when they cannot be read.
 */
void
store_outbox_last_to(struct store *s, enum notify_channel ch,
    const char *address, int *sending, int64_t *last_sent)
{
	sqlite3_stmt *st;

	*sending = 0;
	*last_sent = 0;
	if ((st = store_stmt(s, SQL_LAST_TO)) == NULL)
		return;
	sqlite3_bind_int(st, 1, (int)ch);
	store_bind_text(st, 2, address);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*sending = sqlite3_column_int(st, 0);
		*last_sent = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
}

/*
 * The earliest row due on a channel: 1 found, 0 none, -1 error.  *group
 * is the key of the message it went in before (kept from its first try
 * through retries and restarts), or NULL.
 */
int
store_outbox_head(struct store *s, enum notify_channel ch, int64_t now,
    char **address, enum tpl_kind *kind, char **group)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = store_stmt(s, SQL_HEAD)) == NULL)
		return -1;
	sqlite3_bind_int(st, 1, (int)ch);
	sqlite3_bind_int64(st, 2, now);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*address = store_col_strdup(st, 0);
		*kind = (enum tpl_kind)sqlite3_column_int(st, 1);
		*group = store_col_strdup(st, 2);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static void
read_entry(sqlite3_stmt *st, struct store_outbox_entry *it)
{
	*it = (struct store_outbox_entry){
		.id = sqlite3_column_int64(st, 0),
		.kind = (enum tpl_kind)sqlite3_column_int(st, 1),
		.key = store_col_strdup(st, 2),
		.ref = store_col_strdup(st, 3),
		.deadline = store_col_strdup(st, 4),
		.title = store_col_strdup(st, 5),
		.action = store_col_strdup(st, 6),
		.due = sqlite3_column_int64(st, 7),
		.officer = store_col_strdup(st, 8),
		.level = sqlite3_column_int(st, 9),
		.rep = sqlite3_column_int(st, 10),
		.acked_by = store_col_strdup(st, 11),
		.acked_at = sqlite3_column_int64(st, 12),
		.about = sqlite3_column_int64(st, 13),
		.recipient = store_col_strdup(st, 14),
		.to_name = store_col_strdup(st, 15),
		.address = store_col_strdup(st, 16),
		.channel = (enum notify_channel)sqlite3_column_int(st, 17),
		.urgent = sqlite3_column_int(st, 18),
		.created = sqlite3_column_int64(st, 19),
		.attempts = sqlite3_column_int64(st, 20),
		.last_error = store_col_strdup(st, 21),
		.seq = (uint32_t)sqlite3_column_int64(st, 22),
	};
}

void
store_outbox_entry_clear(struct store_outbox_entry *it)
{
	free(it->key);
	free(it->ref);
	free(it->deadline);
	free(it->title);
	free(it->action);
	free(it->officer);
	free(it->acked_by);
	free(it->recipient);
	free(it->to_name);
	free(it->address);
	free(it->last_error);
	memset(it, 0, sizeof *it);
}

/*
 * Up to max rows due to one address on a channel, oldest first: admin
 * alerts, or everything else.  The number read, or -1.
 */
int
store_outbox_rows(struct store *s, enum notify_channel ch,
    const char *address, const char *group, int64_t now, int alerts,
    struct store_outbox_entry *out, size_t max)
{
	sqlite3_stmt *st;
	int n = 0;

	if ((st = store_stmt(s, group ? SQL_GROUP : SQL_ROWS)) == NULL)
		return -1;
	sqlite3_bind_int(st, 1, (int)ch);
	store_bind_text(st, 2, address);
	if (group != NULL) {
		store_bind_text(st, 3, group);
		sqlite3_bind_int64(st, 4, (sqlite3_int64)max);
	} else {
		sqlite3_bind_int64(st, 3, now);
		sqlite3_bind_int(st, 4, alerts != 0);
		sqlite3_bind_int64(st, 5, (sqlite3_int64)max);
	}
	while ((size_t)n < max && sqlite3_step(st) == SQLITE_ROW)
		read_entry(st, &out[n++]);
	sqlite3_reset(st);
	return n;
}

/* One row by id: 0, or -1 (the entry zeroed) when it cannot be read. */
int
store_outbox_get(struct store *s, int64_t id, struct store_outbox_entry *it)
{
	sqlite3_stmt *st;
	int rc = -1;

	memset(it, 0, sizeof *it);
	if ((st = store_stmt(s, SQL_GET)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		read_entry(st, it);
		rc = 0;
	}
	sqlite3_reset(st);
	return rc;
}

/* Rows handed to a delivery thread: "sending", one attempt more. */
int
store_outbox_mark_sending(struct store *s, const int64_t *ids, size_t n,
    const char *key)
{
	sqlite3_stmt *st;
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		if ((st = store_stmt(s, SQL_MARK_SENDING)) == NULL)
			return -1;
		store_bind_text(st, 1, key);
		sqlite3_bind_int64(st, 2, ids[i]);
		if (store_run(s, st) == -1)
			rc = -1;
	}
	return rc;
}

/* One row's UPDATE whose parameters are an instant, a text and its id. */
static int
update_row(struct store *s, const char *sql, int64_t id, int64_t t,
    const char *text)
{
	sqlite3_stmt *st;

	if ((st = store_stmt(s, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, t);
	store_bind_text(st, 2, text);
	sqlite3_bind_int64(st, 3, id);
	return store_run(s, st);
}

/* Delivered, as the message with this key. */
int
store_outbox_sent(struct store *s, int64_t id, const char *key, int64_t now)
{
	return update_row(s, SQL_SENT, id, now, key);
}

/* Not delivered: queued again, not to go before when. */
int
store_outbox_retry_at(struct store *s, int64_t id, int64_t when,
    const char *err)
{
	return update_row(s, SQL_RETRY_AT, id, when, err);
}

/*
 * Failed for good: 1, with the row as it now is in it; 0 when there is no
 * such row; -1 on error.  The entry is zeroed unless 1.
 */
int
store_outbox_fail(struct store *s, int64_t id, int64_t now, const char *err,
    enum outbox_reason why, struct store_outbox_entry *it)
{
	sqlite3_stmt *st;
	int rc;

	memset(it, 0, sizeof *it);
	if ((st = store_stmt(s, SQL_FAIL)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	store_bind_text(st, 2, err);
	sqlite3_bind_int(st, 3, (int)why);
	sqlite3_bind_int64(st, 4, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		read_entry(st, it);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/*
 * When the earliest queued row of a channel may go (the head index, not a
 * scan); 0 when nothing is queued.
 */
int
store_outbox_next_time(struct store *s, enum notify_channel ch, int64_t *at)
{
	sqlite3_stmt *st;
	int rc;

	*at = 0;
	if ((st = store_stmt(s, SQL_NEXT_TIME)) == NULL)
		return -1;
	sqlite3_bind_int(st, 1, (int)ch);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		*at = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* In flight when vigild stopped: whether they arrived is unknown. */
int
store_outbox_reset_sending(struct store *s)
{
	sqlite3_stmt *st;

	if ((st = store_stmt(s, SQL_RESET_SENDING)) == NULL)
		return -1;
	return store_run(s, st);
}

/* Messages waiting to go or on their way; 0 when it cannot be read. */
int64_t
store_outbox_depth(struct store *s)
{
	sqlite3_stmt *st;
	int64_t depth = 0;

	if ((st = store_stmt(s, SQL_DEPTH)) == NULL)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		depth = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return depth;
}
