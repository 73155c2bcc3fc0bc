/*
 * store.c: vigil's SQLite database.
 *
 * Durability: WAL with synchronous=FULL, so a COMMIT that returned is on
 * disk; the daemon acknowledges an event only after that.  The file is made
 * 0600 before SQLite opens it (SQLite gives -wal and -shm the same mode).
 * Every statement is prepared once and kept.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store-int.h"

enum stmt {
	S_CASE_GET,
	S_CASE_EXISTS,
	S_CASE_PUT,
	S_CASE_NEXT,
	S_FIELDS_GET,
	S_FIELD_PUT,
	S_FIELD_DEL,
	S_DEADLINES_GET,
	S_DEADLINE_PUT,
	S_DEADLINE_DEL,
	S_FIRINGS_GET,
	S_FIRING_PUT,
	S_NEXT_AT,
	S_DUE_REFS,
	S_DUE_COUNT,
	S_MIGRATE_REFS,
	S_WORKFLOW_PUT,
	S_WORKFLOW_GET,
	S_SAVEPOINT,
	S_RELEASE,
	S_ROLLBACK_TO,
	S_COUNT
};

static const char *const stmt_sql[S_COUNT] = {
	[S_CASE_GET] = "SELECT workflow, version, state, opened, last_event, "
	    "paused_at, next_seq, closed, closed_at, next_at FROM cases "
	    "WHERE ref = ?",
	[S_CASE_EXISTS] = "SELECT 1 FROM cases WHERE ref = ?",
	[S_CASE_PUT] = "INSERT INTO cases (ref, workflow, version, state, "
	    "officer, opened, last_event, paused_at, next_seq, closed, next_at, "
	    "closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
	    "ON CONFLICT (ref) DO "
	    "UPDATE SET workflow = excluded.workflow, version = "
	    "excluded.version, state = excluded.state, officer = "
	    "excluded.officer, opened = excluded.opened, last_event = "
	    "excluded.last_event, paused_at = excluded.paused_at, next_seq = "
	    "excluded.next_seq, closed = excluded.closed, next_at = "
	    "excluded.next_at, closed_at = excluded.closed_at",
	[S_CASE_NEXT] = "UPDATE cases SET next_at = ? WHERE ref = ?",
	[S_FIELDS_GET] = "SELECT key, value FROM fields WHERE ref = ? "
	    "ORDER BY key",
	[S_FIELD_PUT] = "INSERT INTO fields (ref, key, value) VALUES (?, ?, ?) "
	    "ON CONFLICT (ref, key) DO UPDATE SET value = excluded.value",
	[S_FIELD_DEL] = "DELETE FROM fields WHERE ref = ? AND key = ?",
	[S_DEADLINES_GET] = "SELECT seq, name, duration, started, due, status, "
	    "closed_at, closed_by, acked_at, acked_by, urgent, pause_runs "
	    "FROM deadlines WHERE ref = ? ORDER BY seq",
	[S_DEADLINE_DEL] = "DELETE FROM deadlines WHERE ref = ? AND seq = ?",
	[S_DEADLINE_PUT] = "INSERT OR REPLACE INTO deadlines (ref, seq, name, "
	    "duration, "
	    "started, due, status, closed_at, closed_by, acked_at, acked_by, "
	    "urgent, pause_runs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[S_FIRINGS_GET] = "SELECT seq, level, rep FROM firings WHERE ref = ?",
	[S_FIRING_PUT] = "INSERT INTO firings (ref, seq, level, rep, deadline, "
	    "at, fired_at, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	[S_NEXT_AT] = "SELECT min(next_at) FROM cases WHERE next_at IS NOT NULL",
	[S_DUE_COUNT] = "SELECT count(*) FROM cases WHERE next_at IS NOT NULL "
	    "AND next_at <= ?",
	[S_DUE_REFS] = "SELECT ref FROM cases WHERE next_at IS NOT NULL AND "
	    "next_at <= ? ORDER BY next_at LIMIT ?",
	[S_MIGRATE_REFS] = "SELECT ref FROM cases WHERE workflow = ? AND "
	    "version != ? AND closed = 0 ORDER BY ref",
	[S_WORKFLOW_PUT] = "INSERT OR IGNORE INTO workflows (name, version, "
	    "text, first_loaded) VALUES (?, ?, ?, ?)",
	[S_WORKFLOW_GET] = "SELECT text FROM workflows WHERE name = ? AND "
	    "version = ?",
	[S_SAVEPOINT] = "SAVEPOINT request",
	[S_RELEASE] = "RELEASE request",
	[S_ROLLBACK_TO] = "ROLLBACK TO request",
};

/*
 * Forward migrations: migrations[i] takes a database from schema version i
 * to i + 1.  A database newer than STORE_SCHEMA_VERSION is refused.
 */
static const char *const migrations[STORE_SCHEMA_VERSION] = {
	/* 0 -> 1: the first schema. */
	"CREATE TABLE workflows ("
	"  name TEXT NOT NULL, version TEXT NOT NULL, text TEXT NOT NULL,"
	"  first_loaded INTEGER NOT NULL,"
	"  PRIMARY KEY (name, version)) WITHOUT ROWID;"
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY, ref TEXT NOT NULL, event TEXT NOT NULL,"
	"  at INTEGER NOT NULL, recorded INTEGER NOT NULL, by TEXT, role TEXT,"
	"  peer TEXT NOT NULL, workflow TEXT, version TEXT,"
	"  fields TEXT NOT NULL, hash TEXT NOT NULL);"
	"CREATE INDEX events_by_ref ON events (ref, id);"
	"CREATE TABLE cases ("
	"  ref TEXT PRIMARY KEY, workflow TEXT NOT NULL, version TEXT NOT NULL,"
	"  state TEXT NOT NULL, officer TEXT, opened INTEGER NOT NULL,"
	"  last_event INTEGER NOT NULL, paused_at INTEGER NOT NULL,"
	"  next_seq INTEGER NOT NULL, closed INTEGER NOT NULL,"
	"  next_at INTEGER) WITHOUT ROWID;"
	"CREATE INDEX cases_next_at ON cases (next_at) WHERE next_at IS NOT NULL;"
	/* Open cases by state, kept exact by triggers: status stays O(1). */
	"CREATE TABLE open_counts ("
	"  state TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TRIGGER open_count_insert AFTER INSERT ON cases"
	"  WHEN NEW.closed = 0 BEGIN"
	"  INSERT INTO open_counts (state, n) VALUES (NEW.state, 1)"
	"  ON CONFLICT (state) DO UPDATE SET n = n + 1; END;"
	"CREATE TRIGGER open_count_delete AFTER DELETE ON cases"
	"  WHEN OLD.closed = 0 BEGIN"
	"  UPDATE open_counts SET n = n - 1 WHERE state = OLD.state; END;"
	"CREATE TRIGGER open_count_update AFTER UPDATE OF state, closed ON cases"
	"  WHEN OLD.state != NEW.state OR OLD.closed != NEW.closed BEGIN"
	"  UPDATE open_counts SET n = n - 1"
	"    WHERE state = OLD.state AND OLD.closed = 0;"
	"  INSERT INTO open_counts (state, n) SELECT NEW.state, 1"
	"    WHERE NEW.closed = 0 ON CONFLICT (state) DO UPDATE SET n = n + 1;"
	"  END;"
	"CREATE INDEX cases_officer ON cases (officer);"
	"CREATE INDEX cases_state ON cases (state);"
	"CREATE TABLE fields ("
	"  ref TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
	"  PRIMARY KEY (ref, key)) WITHOUT ROWID;"
	"CREATE TABLE deadlines ("
	"  ref TEXT NOT NULL, seq INTEGER NOT NULL, name TEXT NOT NULL,"
	"  duration TEXT NOT NULL, started INTEGER NOT NULL,"
	"  due INTEGER NOT NULL, status INTEGER NOT NULL,"
	"  closed_at INTEGER NOT NULL, closed_by TEXT,"
	"  acked_at INTEGER NOT NULL, acked_by TEXT, urgent INTEGER NOT NULL,"
	"  PRIMARY KEY (ref, seq)) WITHOUT ROWID;"
	"CREATE INDEX deadlines_pending ON deadlines (due) WHERE status = 0;"
	"CREATE TABLE firings ("
	"  ref TEXT NOT NULL, seq INTEGER NOT NULL, level INTEGER NOT NULL,"
	"  rep INTEGER NOT NULL, deadline TEXT NOT NULL, at INTEGER NOT NULL,"
	"  fired_at INTEGER NOT NULL, outcome TEXT NOT NULL,"
	"  PRIMARY KEY (ref, seq, level, rep)) WITHOUT ROWID;",

	/*
	 * 1 -> 2: the outbox.  A row per message to one recipient on one
	 * channel, holding the facts it is about (never rendered text, which
	 * is made at sending, so a digest can combine rows and "how late" is
	 * true when read); key is its idempotency key.
	 */
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE,"
	"  kind INTEGER NOT NULL, ref TEXT, seq INTEGER, level INTEGER,"
	"  rep INTEGER, deadline TEXT, title TEXT, action TEXT, due INTEGER,"
	"  officer TEXT, acked_by TEXT, acked_at INTEGER, about INTEGER,"
	"  recipient TEXT NOT NULL, to_name TEXT, address TEXT NOT NULL,"
	"  channel INTEGER NOT NULL, urgent INTEGER NOT NULL,"
	"  status INTEGER NOT NULL, created INTEGER NOT NULL,"
	"  not_before INTEGER NOT NULL, attempts INTEGER NOT NULL,"
	"  last_error TEXT, done_at INTEGER, message TEXT);"
	"CREATE INDEX outbox_queued ON outbox (not_before) WHERE status = 0;"
	"CREATE INDEX outbox_queued_to ON outbox (channel, address)"
	"  WHERE status = 0;"
	"CREATE INDEX outbox_sent_to ON outbox (channel, address, done_at)"
	"  WHERE status = 1;"
	"CREATE INDEX outbox_sending_to ON outbox (channel, address)"
	"  WHERE status = 4;"
	"CREATE INDEX outbox_by_case ON outbox (ref, seq);"
	/* Messages sent and failed for good, by level and channel (level -1:
	 * admin alerts), kept by a trigger for the metrics. */
	"CREATE TABLE outbox_counts ("
	"  status INTEGER NOT NULL, level INTEGER NOT NULL,"
	"  channel INTEGER NOT NULL, n INTEGER NOT NULL,"
	"  PRIMARY KEY (status, level, channel)) WITHOUT ROWID;"
	"CREATE TRIGGER outbox_count AFTER UPDATE OF status ON outbox"
	"  WHEN NEW.status IN (1, 2) AND OLD.status != NEW.status BEGIN"
	"  INSERT INTO outbox_counts (status, level, channel, n)"
	"    VALUES (NEW.status, coalesce(NEW.level, -1), NEW.channel, 1)"
	"    ON CONFLICT (status, level, channel) DO UPDATE SET n = n + 1;"
	"  END;",

	/*
	 * 2 -> 3: the hot paths stay O(log n) however large the outbox
	 * grows.  The head of a channel's queue in the order it is sent, and
	 * the number of messages waiting or on their way (status and the
	 * metrics) kept by triggers instead of counted.
	 */
	"CREATE INDEX outbox_head ON outbox (channel, not_before, id)"
	"  WHERE status = 0;"
	"CREATE TABLE outbox_live ("
	"  one INTEGER PRIMARY KEY CHECK (one = 1), n INTEGER NOT NULL);"
	"INSERT INTO outbox_live SELECT 1, count(*) FROM outbox"
	"  WHERE status IN (0, 4);"
	"CREATE TRIGGER outbox_live_insert AFTER INSERT ON outbox"
	"  WHEN NEW.status IN (0, 4) BEGIN"
	"  UPDATE outbox_live SET n = n + 1; END;"
	"CREATE TRIGGER outbox_live_update AFTER UPDATE OF status ON outbox"
	"  WHEN (OLD.status IN (0, 4)) != (NEW.status IN (0, 4)) BEGIN"
	"  UPDATE outbox_live SET n = n + (CASE WHEN NEW.status IN (0, 4)"
	"    THEN 1 ELSE -1 END); END;"
	"CREATE TRIGGER outbox_live_delete AFTER DELETE ON outbox"
	"  WHEN OLD.status IN (0, 4) BEGIN"
	"  UPDATE outbox_live SET n = n - 1; END;",

	/*
	 * 3 -> 4: seals over the event log (seal.c): the log's length and
	 * head at each epoch, authenticated with that epoch's key.
	 */
	"CREATE TABLE seals ("
	"  epoch INTEGER PRIMARY KEY, at INTEGER NOT NULL,"
	"  events INTEGER NOT NULL, head TEXT NOT NULL, mac TEXT NOT NULL);",

	/*
	 * 4 -> 5: retention.  A purged case's events keep their place and
	 * hash in the chain but lose what named anyone; purged is the id of
	 * the purge record that emptied them, which the audit checks.
	 * Closed cases by closing time, for finding the ones due to go.
	 */
	"ALTER TABLE events ADD COLUMN purged INTEGER;"
	"CREATE INDEX events_purged ON events (purged, id)"
	"  WHERE purged IS NOT NULL;"
	"CREATE INDEX cases_closed ON cases (last_event) WHERE closed != 0;",

	/*
	 * 5 -> 6: the HTTP API.  Bearer tokens, stored only as their SHA-256;
	 * and the replies to changes sent with an idempotency key, so that a
	 * client that timed out can send the same change again safely.
	 */
	"CREATE TABLE tokens ("
	"  name TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE,"
	"  role TEXT NOT NULL, staff TEXT, created INTEGER NOT NULL,"
	"  revoked INTEGER) WITHOUT ROWID;"
	"CREATE TABLE replies ("
	"  who TEXT NOT NULL, key TEXT NOT NULL, reply TEXT NOT NULL,"
	"  at INTEGER NOT NULL, PRIMARY KEY (who, key)) WITHOUT ROWID;"
	"CREATE INDEX replies_at ON replies (at);",

	/*
	 * 6 -> 7: reports.  When a case closed (a case closed before this
	 * version is taken as closed at its last event), and the indexes
	 * that find a period's cases, deadlines and escalations.
	 */
	"ALTER TABLE cases ADD COLUMN closed_at INTEGER NOT NULL DEFAULT 0;"
	"UPDATE cases SET closed_at = last_event WHERE closed != 0;"
	"CREATE INDEX cases_opened ON cases (opened);"
	"CREATE INDEX deadlines_due ON deadlines (due);"
	"CREATE INDEX firings_at ON firings (at);",

	/*
	 * 7 -> 8: a deadline whose clock a pause of its case does not stop
	 * (a court's limit, the landlord's own duty).
	 */
	"ALTER TABLE deadlines ADD COLUMN pause_runs INTEGER NOT NULL "
	"DEFAULT 0;",

	/*
	 * 8 -> 9: why a message failed for good (enum outbox_reason), and
	 * failures counted by it.  Failures counted before cannot be told
	 * apart, so they go: a counter reset, as at any restart.
	 */
	"ALTER TABLE outbox ADD COLUMN reason INTEGER;"
	"DROP TRIGGER outbox_count;"
	"ALTER TABLE outbox_counts RENAME TO outbox_counts_8;"
	"CREATE TABLE outbox_counts ("
	"  status INTEGER NOT NULL, level INTEGER NOT NULL,"
	"  channel INTEGER NOT NULL, reason INTEGER NOT NULL,"
	"  n INTEGER NOT NULL,"
	"  PRIMARY KEY (status, level, channel, reason)) WITHOUT ROWID;"
	"INSERT INTO outbox_counts SELECT status, level, channel, 0, n"
	"  FROM outbox_counts_8 WHERE status = 1;"
	"DROP TABLE outbox_counts_8;"
	"CREATE TRIGGER outbox_count AFTER UPDATE OF status ON outbox"
	"  WHEN NEW.status IN (1, 2) AND OLD.status != NEW.status BEGIN"
	"  INSERT INTO outbox_counts (status, level, channel, reason, n)"
	"    VALUES (NEW.status, coalesce(NEW.level, -1), NEW.channel,"
	"    CASE NEW.status WHEN 2 THEN coalesce(NEW.reason, 0) ELSE 0 END,"
	"    1)"
	"    ON CONFLICT (status, level, channel, reason) DO UPDATE"
	"    SET n = n + 1;"
	"  END;",

	/*
	 * 9 -> 10: the report's figures of purged cases (store-kept.c),
	 * counted by month when retention empties them, without a
	 * reference.  Not derived from the log: a rebuild keeps them.
	 */
	"CREATE TABLE kept_cases ("
	"  opened TEXT NOT NULL, closed TEXT NOT NULL, officer TEXT NOT NULL,"
	"  workflow TEXT NOT NULL, n INTEGER NOT NULL,"
	"  PRIMARY KEY (opened, closed, officer, workflow)) WITHOUT ROWID;"
	"CREATE TABLE kept_figures ("
	"  month TEXT NOT NULL, officer TEXT NOT NULL, workflow TEXT NOT NULL,"
	"  figure TEXT NOT NULL, deadline TEXT NOT NULL,"
	"  tenths INTEGER NOT NULL, n INTEGER NOT NULL,"
	"  PRIMARY KEY (month, officer, workflow, figure, deadline, tenths))"
	"  WITHOUT ROWID;",

	/*
	 * 10 -> 11: staff away and who covers for them (store-away.c), one
	 * absence a person at a time.
	 */
	"CREATE TABLE absences ("
	"  staff TEXT PRIMARY KEY, from_at INTEGER NOT NULL,"
	"  until_at INTEGER NOT NULL, cover TEXT NOT NULL, by TEXT,"
	"  at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX absences_cover ON absences (cover);",
};

const char *
store_errmsg(struct store *s)
{
	return sqlite3_errmsg(s->db);
}

const char *
store_path(const struct store *s)
{
	return s->path;
}

static int
exec(struct store *s, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_err("database %s: %s", s->path, msg ? msg : "error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/*
 * Every statement is prepared once, on first use, and kept: the cache is
 * keyed by the address of the SQL text, which is always a constant.
 */
sqlite3_stmt *
store_stmt(struct store *s, const char *sql)
{
	size_t h = ((uintptr_t)sql >> 3) % STORE_STMT_MAX;
	struct store_stmt *e;

	for (size_t i = 0; i < STORE_STMT_MAX; i++) {
		e = &s->stmts[(h + i) % STORE_STMT_MAX];
		if (e->sql == sql) {
			sqlite3_reset(e->st);
			sqlite3_clear_bindings(e->st);
			return e->st;
		}
		if (e->sql != NULL)
			continue;
		if (sqlite3_prepare_v3(s->db, sql, -1,
		    SQLITE_PREPARE_PERSISTENT, &e->st, NULL) != SQLITE_OK) {
			log_err("database %s: %s", s->path,
			    sqlite3_errmsg(s->db));
			return NULL;
		}
		e->sql = sql;
		return e->st;
	}
	fatalx("store: more than %d statements", STORE_STMT_MAX);
}

static sqlite3_stmt *
stmt(struct store *s, enum stmt id)
{
	return store_stmt(s, stmt_sql[id]);
}

/* Bind helpers: NULL strings bind SQL NULL. */
void
store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

char *
store_col_strdup(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	return v ? xstrdup((const char *)v) : NULL;
}

/* Step a statement that returns no rows. */
int
store_run(struct store *s, sqlite3_stmt *st)
{
	int rc;

	/* The transaction is gone: nothing may run on as if it were not. */
	if (s->tx_lost)
		return -1;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		log_err("database %s: %s", s->path, sqlite3_errmsg(s->db));
		/*
		 * SQLite rolls a whole transaction back on some errors (a
		 * full disk among them): later statements would each commit
		 * alone.  Keep why for the commit, which must fail.
		 */
		if (s->in_tx && sqlite3_get_autocommit(s->db)) {
			s->tx_lost = 1;
			snprintf(s->commit_error, sizeof s->commit_error, "%s",
			    sqlite3_errmsg(s->db));
		}
		return -1;
	}
	return 0;
}

static int
migrate(struct store *s, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int version;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st,
	    NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		snprintf(err, errlen, "%s: %s", s->path, sqlite3_errmsg(s->db));
		sqlite3_finalize(st);
		return -1;
	}
	version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version > STORE_SCHEMA_VERSION) {
		snprintf(err, errlen, "%s: database schema version %d is newer "
		    "than this vigild understands (%d): run the newer vigild, "
		    "or restore a backup taken before the upgrade", s->path,
		    version, STORE_SCHEMA_VERSION);
		return -1;
	}
	for (; version < STORE_SCHEMA_VERSION; version++) {
		char *sql = xasprintf("BEGIN IMMEDIATE; %s PRAGMA user_version "
		    "= %d; COMMIT;", migrations[version], version + 1);
		int rc = exec(s, sql);

		free(sql);
		if (rc == -1) {
			/* Say why before ROLLBACK replaces the message. */
			snprintf(err, errlen, "%s: cannot migrate the schema from "
			    "version %d: %s", s->path, version,
			    sqlite3_errmsg(s->db));
			exec(s, "ROLLBACK");
			return -1;
		}
		log_notice("database %s: schema migrated to version %d",
		    s->path, version + 1);
	}
	return 0;
}

/*
 * Open (creating if need be) the database.  readonly is for tools that only
 * look; vigild opens it read-write and runs any forward migration.
 */
struct store *
store_open(const char *path, int readonly, char *err, size_t errlen)
{
	struct store *s = xcalloc(1, sizeof *s);
	int fd, flags = readonly ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;

	s->path = xstrdup(path);
	if (!readonly) {
		if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto fail;
		}
		close(fd);
	}
	if (sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX,
	    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, s->db ?
		    sqlite3_errmsg(s->db) : "cannot open");
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 5000);
	/* What retention purges is overwritten, not left in free pages. */
	if (!readonly && (exec(s, "PRAGMA secure_delete = ON") == -1 ||
	    exec(s, "PRAGMA journal_mode = WAL") == -1 ||
	    exec(s, "PRAGMA synchronous = FULL") == -1)) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(s->db));
		goto fail;
	}
	/*
	 * Temporary data in memory: each request and each firing is a
	 * savepoint, whose undo pages would otherwise go to a temporary file
	 * with a pwrite(2) each (a third of the loop's time in a burst).
	 * It is bounded by one loop iteration's changes.
	 */
	if (exec(s, "PRAGMA foreign_keys = ON") == -1 ||
	    exec(s, "PRAGMA temp_store = MEMORY") == -1 ||
	    (!readonly && migrate(s, err, errlen) == -1))
		goto fail;
	for (int i = 0; i < S_COUNT; i++) {
		if (stmt(s, (enum stmt)i) == NULL) {
			snprintf(err, errlen, "%s: %s (is this a vigil "
			    "database?)", path, sqlite3_errmsg(s->db));
			goto fail;
		}
	}
	if (store_event_head(s) == -1) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(s->db));
		goto fail;
	}
	return s;
fail:
	store_close(s);
	return NULL;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < STORE_STMT_MAX; i++)
		sqlite3_finalize(s->stmts[i].st);
	if (s->db != NULL && sqlite3_close(s->db) != SQLITE_OK)
		log_err("database %s: close: %s", s->path, sqlite3_errmsg(s->db));
	free(s->path);
	free(s);
}

/*
 * Copy the database at path to dest, a new file (0600), through SQLite's
 * online backup; on failure dest is removed.  It opens connections of its
 * own, so any thread may run it.
 */
int
store_backup(const char *path, const char *dest, char *err, size_t errlen)
{
	sqlite3 *src = NULL, *dst = NULL;
	sqlite3_backup *b;
	int fd, rc = SQLITE_ERROR;

	if ((fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1) {
		snprintf(err, errlen, "%s: %s", dest, strerror(errno));
		return -1;
	}
	close(fd);
	if (sqlite3_open_v2(path, &src, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK || sqlite3_open_v2(dest, &dst, SQLITE_OPEN_READWRITE,
	    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(dst ? dst : src));
		goto out;
	}
	sqlite3_busy_timeout(src, 5000);
	if ((b = sqlite3_backup_init(dst, "main", src, "main")) == NULL) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(dst));
		goto out;
	}
	/* One step: a single read transaction gives one consistent copy. */
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	/* A file on its own: no -wal or -shm beside it, even when read. */
	if (rc == SQLITE_DONE && sqlite3_exec(dst, "PRAGMA journal_mode = "
	    "DELETE", NULL, NULL, NULL) != SQLITE_OK)
		rc = SQLITE_ERROR;
	if (rc != SQLITE_DONE)
		snprintf(err, errlen, "%s", rc == SQLITE_ERROR ?
		    sqlite3_errmsg(dst) : sqlite3_errstr(rc));
out:
	sqlite3_close(src);
	sqlite3_close(dst);
	if (rc != SQLITE_DONE)
		unlink(dest);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* A write of nothing much, for a commit that tests the disk. */
int
store_touch(struct store *s)
{
	return exec(s, "UPDATE outbox_live SET n = n");
}

/* SQLite's own check of every page and index: 0 when it says "ok". */
int
store_integrity(struct store *s, char *why, size_t len)
{
	sqlite3_stmt *st;
	int rc = -1;

	if (sqlite3_prepare_v2(s->db, "PRAGMA integrity_check(1)", -1, &st,
	    NULL) != SQLITE_OK) {
		snprintf(why, len, "%s", sqlite3_errmsg(s->db));
		return -1;
	}
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *r = (const char *)sqlite3_column_text(st, 0);

		if (r != NULL && strcmp(r, "ok") == 0)
			rc = 0;
		else
			snprintf(why, len, "integrity check: %s", r ? r : "?");
	} else
		snprintf(why, len, "%s", sqlite3_errmsg(s->db));
	sqlite3_finalize(st);
	return rc;
}

int
store_begin(struct store *s)
{
	if (exec(s, "BEGIN IMMEDIATE") == -1)
		return -1;
	s->in_tx = 1;
	return 0;
}

/*
 * Join the transaction in hand, or begin one: writes made while the loop
 * runs share one commit, made before it sleeps (group commit).
 */
int
store_write(struct store *s)
{
	if (s->in_tx)
		return 0;
	if (store_begin(s) == -1) {
		log_err("database %s: cannot begin a transaction: %s", s->path,
		    sqlite3_errmsg(s->db));
		return -1;
	}
	return 0;
}

/*
 * A commit that fails (a full disk) is rolled back whole; why is kept for
 * the caller, which says it once however often it happens.
 */
int
store_commit(struct store *s)
{
	if (s->tx_lost) {
		store_rollback(s);
		return -1;
	}
	if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(s->commit_error, sizeof s->commit_error, "%s",
		    sqlite3_errmsg(s->db));
		store_rollback(s);
		return -1;
	}
	s->in_tx = 0;
	return 0;
}

const char *
store_commit_error(const struct store *s)
{
	return s->commit_error;
}

void
store_rollback(struct store *s)
{
	if (sqlite3_get_autocommit(s->db) == 0)
		exec(s, "ROLLBACK");
	s->in_tx = 0;
	s->tx_lost = 0;
	store_event_head(s);
}

int
store_in_transaction(const struct store *s)
{
	return s->in_tx;
}

/* A savepoint per request: one refused request leaves the batch intact. */
int
store_savepoint(struct store *s)
{
	if (store_run(s, stmt(s, S_SAVEPOINT)) == -1)
		return -1;
	s->sp_last_id = s->last_id;
	memcpy(s->sp_last_hash, s->last_hash, sizeof s->last_hash);
	return 0;
}

int
store_release(struct store *s)
{
	return store_run(s, stmt(s, S_RELEASE));
}

void
store_rollback_to(struct store *s)
{
	store_run(s, stmt(s, S_ROLLBACK_TO));
	store_run(s, stmt(s, S_RELEASE));
	s->last_id = s->sp_last_id;
	memcpy(s->last_hash, s->sp_last_hash, sizeof s->last_hash);
}

int
store_case_exists(struct store *s, const char *ref)
{
	sqlite3_stmt *st = stmt(s, S_CASE_EXISTS);
	int rc;

	store_bind_text(st, 1, ref);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_ROW;
}

/* 0 loaded, 1 no such case, -1 database error. */
int
store_case_load(struct store *s, const char *ref, struct wf_case *c)
{
	sqlite3_stmt *st = stmt(s, S_CASE_GET);
	size_t cap;
	int rc;

	memset(c, 0, sizeof *c);
	store_bind_text(st, 1, ref);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? 1 : -1;
	}
	c->ref = xstrdup(ref);
	c->workflow = store_col_strdup(st, 0);
	c->version = store_col_strdup(st, 1);
	c->state = store_col_strdup(st, 2);
	c->opened = sqlite3_column_int64(st, 3);
	c->last_event = sqlite3_column_int64(st, 4);
	c->paused_at = sqlite3_column_int64(st, 5);
	c->next_seq = (uint32_t)sqlite3_column_int64(st, 6);
	c->closed = sqlite3_column_int(st, 7);
	c->closed_at = sqlite3_column_int64(st, 8);
	c->next_at = sqlite3_column_int64(st, 9);
	sqlite3_reset(st);

	st = stmt(s, S_FIELDS_GET);
	store_bind_text(st, 1, ref);
	for (cap = 0; (rc = sqlite3_step(st)) == SQLITE_ROW;) {
		if (c->nfields == cap) {
			cap = cap ? cap * 2 : 8;
			c->fields = xreallocarray(c->fields, cap,
			    sizeof *c->fields);
		}
		c->fields[c->nfields].key = store_col_strdup(st, 0);
		c->fields[c->nfields++].value = store_col_strdup(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return -1;

	st = stmt(s, S_DEADLINES_GET);
	store_bind_text(st, 1, ref);
	for (cap = 0; (rc = sqlite3_step(st)) == SQLITE_ROW;) {
		struct wf_deadline *d;

		if (c->ndeadlines == cap) {
			cap = cap ? cap * 2 : 8;
			c->deadlines = xreallocarray(c->deadlines, cap,
			    sizeof *c->deadlines);
		}
		d = &c->deadlines[c->ndeadlines++];
		d->seq = (uint32_t)sqlite3_column_int64(st, 0);
		d->name = store_col_strdup(st, 1);
		d->duration = store_col_strdup(st, 2);
		d->started = sqlite3_column_int64(st, 3);
		d->due = sqlite3_column_int64(st, 4);
		d->status = (enum wf_status)sqlite3_column_int(st, 5);
		d->closed_at = sqlite3_column_int64(st, 6);
		d->closed_by = store_col_strdup(st, 7);
		d->acked_at = sqlite3_column_int64(st, 8);
		d->acked_by = store_col_strdup(st, 9);
		d->urgent = sqlite3_column_int(st, 10);
		d->pause_runs = sqlite3_column_int(st, 11);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static const struct wf_field *
field_in(const struct wf_case *c, const char *key)
{
	for (size_t i = 0; c != NULL && i < c->nfields; i++)
		if (strcmp(c->fields[i].key, key) == 0)
			return &c->fields[i];
	return NULL;
}

static int
put_deadline(struct store *s, const char *ref, const struct wf_deadline *d)
{
	sqlite3_stmt *st = stmt(s, S_DEADLINE_PUT);

	store_bind_text(st, 1, ref);
	sqlite3_bind_int64(st, 2, d->seq);
	store_bind_text(st, 3, d->name);
	store_bind_text(st, 4, d->duration);
	sqlite3_bind_int64(st, 5, d->started);
	sqlite3_bind_int64(st, 6, d->due);
	sqlite3_bind_int(st, 7, (int)d->status);
	sqlite3_bind_int64(st, 8, d->closed_at);
	store_bind_text(st, 9, d->closed_by);
	sqlite3_bind_int64(st, 10, d->acked_at);
	store_bind_text(st, 11, d->acked_by);
	sqlite3_bind_int(st, 12, d->urgent);
	sqlite3_bind_int(st, 13, d->pause_runs);
	return store_run(s, st);
}

/*
 * Write a case's current state; next_at is its next step, or 0.  was is
 * the case as it was loaded (NULL for a new one): only the fields and
 * deadlines that differ from it are written, one row each.
 */
int
store_case_save(struct store *s, const struct wf_case *was,
    const struct wf_case *c, int64_t next_at)
{
	sqlite3_stmt *st = stmt(s, S_CASE_PUT);

	store_bind_text(st, 1, c->ref);
	store_bind_text(st, 2, c->workflow);
	store_bind_text(st, 3, c->version);
	store_bind_text(st, 4, c->state);
	store_bind_text(st, 5, wf_case_field(c, "officer"));
	sqlite3_bind_int64(st, 6, c->opened);
	sqlite3_bind_int64(st, 7, c->last_event);
	sqlite3_bind_int64(st, 8, c->paused_at);
	sqlite3_bind_int64(st, 9, c->next_seq);
	sqlite3_bind_int(st, 10, c->closed);
	if (next_at > 0)
		sqlite3_bind_int64(st, 11, next_at);
	sqlite3_bind_int64(st, 12, c->closed_at);
	if (store_run(s, st) == -1)
		return -1;

	for (size_t i = 0; i < c->nfields; i++) {
		const struct wf_field *f = &c->fields[i], *old;

		if ((old = field_in(was, f->key)) != NULL &&
		    strcmp(old->value, f->value) == 0)
			continue;
		st = stmt(s, S_FIELD_PUT);
		store_bind_text(st, 1, c->ref);
		store_bind_text(st, 2, f->key);
		store_bind_text(st, 3, f->value);
		if (store_run(s, st) == -1)
			return -1;
	}
	for (size_t i = 0; was != NULL && i < was->nfields; i++) {
		if (field_in(c, was->fields[i].key) != NULL)
			continue;
		st = stmt(s, S_FIELD_DEL);
		store_bind_text(st, 1, c->ref);
		store_bind_text(st, 2, was->fields[i].key);
		if (store_run(s, st) == -1)
			return -1;
	}

	for (size_t i = 0; i < c->ndeadlines; i++) {
		const struct wf_deadline *d = &c->deadlines[i], *old;

		if ((old = wf_case_deadline(was, d->seq)) != NULL &&
		    wf_deadline_same(old, d))
			continue;
		if (put_deadline(s, c->ref, d) == -1)
			return -1;
	}
	for (size_t i = 0; was != NULL && i < was->ndeadlines; i++) {
		if (wf_case_deadline(c, was->deadlines[i].seq) != NULL)
			continue;
		st = stmt(s, S_DEADLINE_DEL);
		store_bind_text(st, 1, c->ref);
		sqlite3_bind_int64(st, 2, was->deadlines[i].seq);
		if (store_run(s, st) == -1)
			return -1;
	}
	return 0;
}

int
store_case_set_next(struct store *s, const char *ref, int64_t next_at)
{
	sqlite3_stmt *st = stmt(s, S_CASE_NEXT);

	if (next_at > 0)
		sqlite3_bind_int64(st, 1, next_at);
	store_bind_text(st, 2, ref);
	return store_run(s, st);
}

int
store_firings(struct store *s, const char *ref, struct store_firing **out,
    size_t *n)
{
	sqlite3_stmt *st = stmt(s, S_FIRINGS_GET);
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	store_bind_text(st, 1, ref);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*out = xreallocarray(*out, cap, sizeof **out);
		}
		(*out)[(*n)++] = (struct store_firing){
		    (uint32_t)sqlite3_column_int64(st, 0),
		    sqlite3_column_int(st, 1), sqlite3_column_int(st, 2) };
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Record that a step was handled; the primary key makes it once only. */
int
store_fire(struct store *s, const char *ref, const struct wf_step *step,
    int64_t fired_at, const char *outcome)
{
	sqlite3_stmt *st = stmt(s, S_FIRING_PUT);

	store_bind_text(st, 1, ref);
	sqlite3_bind_int64(st, 2, step->seq);
	sqlite3_bind_int(st, 3, step->level);
	sqlite3_bind_int(st, 4, step->repeat);
	store_bind_text(st, 5, step->deadline);
	sqlite3_bind_int64(st, 6, step->at);
	sqlite3_bind_int64(st, 7, fired_at);
	store_bind_text(st, 8, outcome);
	return store_run(s, st);
}

/* The earliest pending step of any case, through the partial index. */
int
store_next_at(struct store *s, int64_t *at)
{
	sqlite3_stmt *st = stmt(s, S_NEXT_AT);
	int rc = sqlite3_step(st);

	*at = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL ?
	    sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* How many cases have a step due at now: O(those), through the index. */
int
store_due_count(struct store *s, int64_t now, int64_t *n)
{
	sqlite3_stmt *st = stmt(s, S_DUE_COUNT);
	int rc;

	sqlite3_bind_int64(st, 1, now);
	rc = sqlite3_step(st);
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* The first column of each row, up to limit rows; none on an error. */
static int
refs_collect(sqlite3_stmt *st, size_t limit, char ***refs, size_t *n)
{
	size_t cap = 0;
	int rc = SQLITE_DONE;

	*refs = NULL;
	*n = 0;
	while (*n < limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*refs = xreallocarray(*refs, cap, sizeof **refs);
		}
		(*refs)[(*n)++] = store_col_strdup(st, 0);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return 0;
	strv_free(*refs, *n);
	*refs = NULL;
	*n = 0;
	return -1;
}

int
store_due_refs(struct store *s, int64_t now, size_t limit, char ***refs,
    size_t *n)
{
	sqlite3_stmt *st = stmt(s, S_DUE_REFS);

	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
	return refs_collect(st, limit, refs, n);
}

/* The open cases of a workflow on another version than this one. */
int
store_refs_to_migrate(struct store *s, const char *workflow,
    const char *version, char ***refs, size_t *n)
{
	sqlite3_stmt *st = stmt(s, S_MIGRATE_REFS);

	store_bind_text(st, 1, workflow);
	store_bind_text(st, 2, version);
	return refs_collect(st, SIZE_MAX, refs, n);
}

int
store_workflow_put(struct store *s, const char *name, const char *version,
    const char *text, int64_t now)
{
	sqlite3_stmt *st = stmt(s, S_WORKFLOW_PUT);

	store_bind_text(st, 1, name);
	store_bind_text(st, 2, version);
	store_bind_text(st, 3, text);
	sqlite3_bind_int64(st, 4, now);
	return store_run(s, st);
}

char *
store_workflow_text(struct store *s, const char *name, const char *version)
{
	sqlite3_stmt *st = stmt(s, S_WORKFLOW_GET);
	char *text = NULL;

	store_bind_text(st, 1, name);
	store_bind_text(st, 2, version);
	if (sqlite3_step(st) == SQLITE_ROW)
		text = store_col_strdup(st, 0);
	sqlite3_reset(st);
	return text;
}

/*
 * Empty the derived tables, inside the caller's transaction.  The kept
 * figures of purged cases are not derived from the log, whose events of
 * them are emptied: they stay.
 */
int
store_rebuild_begin(struct store *s)
{
	return exec(s, "DELETE FROM cases; DELETE FROM fields; "
	    "DELETE FROM deadlines;");
}

/*
 * The case tables of s (rebuilt from the log) against those of the
 * database at other: 0 when they hold the same rows, 1 with why naming
 * the first case that differs, -1 on an error.
 */
int
store_derived_differ(struct store *s, const char *other, char *why,
    size_t len)
{
	static const char *const tables[] = { "cases", "fields",
	    "deadlines" };
	char *sql = xasprintf("ATTACH DATABASE '%s' AS o", other);
	sqlite3_stmt *st;
	int rc = 0;

	if (strchr(other, '\'') != NULL || exec(s, sql) == -1) {
		free(sql);
		snprintf(why, len, "cannot open %s", other);
		return -1;
	}
	free(sql);
	for (size_t i = 0; i < nitems(tables) && rc == 0; i++) {
		sql = xasprintf("SELECT ref FROM (SELECT * FROM main.%s EXCEPT "
		    "SELECT * FROM o.%s) UNION SELECT ref FROM (SELECT * FROM "
		    "o.%s EXCEPT SELECT * FROM main.%s) LIMIT 1", tables[i],
		    tables[i], tables[i], tables[i]);
		if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
			rc = -1;
		else if (sqlite3_step(st) == SQLITE_ROW) {
			snprintf(why, len, "case %s: its %s differ from what "
			    "its events make", sqlite3_column_text(st, 0),
			    tables[i]);
			rc = 1;
		}
		sqlite3_finalize(st);
		free(sql);
	}
	if (rc == -1)
		snprintf(why, len, "%s", sqlite3_errmsg(s->db));
	exec(s, "DETACH DATABASE o");
	return rc;
}

/*
 * One vigild per database: an flock on a file beside it, held for the life
 * of the process.  (Not on the database itself: closing any descriptor of
 * that file would drop SQLite's own POSIX locks.)
 */
int
store_lock(const char *dbpath, char *err, size_t errlen)
{
	char *path = xasprintf("%s.lock", dbpath);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		snprintf(err, errlen, "%s is in use by another vigild (%s)",
		    dbpath, errno == EWOULDBLOCK ? "locked" : strerror(errno));
		close(fd);
		free(path);
		return -1;
	}
	free(path);
	return fd;
}

const char *
store_col_str(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* Step: 1 a row, 0 the end, -1 a database error (logged). */
int
store_row(struct store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return 1;
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return 0;
	log_err("database %s: %s", s->path, sqlite3_errmsg(s->db));
	return -1;
}

void
store_bind_named(sqlite3_stmt *st, const char *name, int64_t v)
{
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, name), v);
}
