/*
 * test_store.c: the store on a real SQLite file: the event log's hash
 * chain, a request's savepoint rolled back, and saving only what changed.
 * Tampering goes through a second connection, behind the store's back.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <sqlite3.h>
#include <unistd.h>

#include "store.h"
#include "unit.h"

struct tmpdb {
	char	 dir[64];
	char	 path[96];
	struct store *s;
};

static void
tmpdb_open(struct tmpdb *t)
{
	char err[256];

	snprintf(t->dir, sizeof t->dir, "/tmp/test_store.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(t->dir));
	snprintf(t->path, sizeof t->path, "%s/vigil.db", t->dir);
	t->s = store_open(t->path, 0, err, sizeof err);
	ck_assert_msg(t->s != NULL, "%s", err);
}

static void
tmpdb_close(struct tmpdb *t)
{
	static const char *const files[] = { "", "-wal", "-shm" };
	char p[128];

	store_close(t->s);
	for (size_t i = 0; i < nitems(files); i++) {
		snprintf(p, sizeof p, "%s%s", t->path, files[i]);
		unlink(p);
	}
	ck_assert_int_eq(rmdir(t->dir), 0);
}

/* Run SQL on a connection of its own, as someone editing the file. */
static void
behind(const struct tmpdb *t, const char *sql)
{
	sqlite3 *db;

	ck_assert_int_eq(sqlite3_open(t->path, &db), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK,
	    "%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_close(db);
}

/* The first column of the first row, from a connection of its own. */
static int64_t
behind_int(const struct tmpdb *t, const char *sql)
{
	sqlite3_stmt *st;
	sqlite3 *db;
	int64_t v;

	ck_assert_int_eq(sqlite3_open(t->path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* Append an event to ref; its hash goes to hash, if given. */
static void
append(struct store *s, const char *ref, int64_t at, char *hash)
{
	struct store_event e = {
		.ref = ref, .event = "note", .at = at, .recorded = at,
		.by = "alice", .role = "officer", .peer = "uid=1000(alice)",
		.fields = "{\"text\":\"called\"}",
	};

	ck_assert_int_eq(store_event_append(s, &e), 0);
	if (hash != NULL)
		memcpy(hash, e.hash, sizeof e.hash);
}

/* n events, committed; the last one's hash to head. */
static void
append_n(struct store *s, int n, char *head)
{
	ck_assert_int_eq(store_begin(s), 0);
	for (int i = 1; i <= n; i++)
		append(s, i % 2 ? "C-1" : "C-2", 1000 + i, head);
	ck_assert_int_eq(store_commit(s), 0);
}

static struct store_audit
audit(struct store *s)
{
	struct store_audit a;

	ck_assert_int_eq(store_audit_verify(s, &a), 0);
	return a;
}

START_TEST(test_chain_intact)
{
	char head[STORE_HASH_LEN + 1];
	struct store_audit a;
	struct tmpdb t;

	tmpdb_open(&t);
	a = audit(t.s);
	ck_assert_int_eq(a.events, 0);
	ck_assert_int_eq(a.broken_id, 0);
	append_n(t.s, 5, head);
	a = audit(t.s);
	ck_assert_int_eq(a.events, 5);
	ck_assert_int_eq(a.broken_id, 0);
	ck_assert_str_eq(a.head, head);
	ck_assert_int_eq(store_event_count(t.s), 5);
	tmpdb_close(&t);
}
END_TEST

START_TEST(test_chain_edited)
{
	char head[STORE_HASH_LEN + 1];
	struct store_audit a;
	struct tmpdb t;

	tmpdb_open(&t);
	append_n(t.s, 2, head);
	append_n(t.s, 3, NULL);
	behind(&t, "UPDATE events SET fields = '{\"text\":\"never called\"}' "
	    "WHERE id = 3");
	a = audit(t.s);
	ck_assert_int_eq(a.broken_id, 3);
	ck_assert_int_eq(a.events, 3);
	ck_assert_str_eq(a.head, head);
	ck_assert_ptr_nonnull(strstr(a.why, "does not match"));
	tmpdb_close(&t);
}
END_TEST

/* A hash stored with more after it must not pass for the right one. */
START_TEST(test_chain_hash_lengthened)
{
	struct tmpdb t;

	tmpdb_open(&t);
	append_n(t.s, 4, NULL);
	behind(&t, "UPDATE events SET hash = hash || '0' WHERE id = 4");
	ck_assert_int_eq(audit(t.s).broken_id, 4);
	tmpdb_close(&t);
}
END_TEST

START_TEST(test_chain_deleted)
{
	struct store_audit a;
	struct tmpdb t;

	tmpdb_open(&t);
	append_n(t.s, 5, NULL);
	behind(&t, "DELETE FROM events WHERE id = 3");
	a = audit(t.s);
	ck_assert_int_eq(a.broken_id, 4);
	ck_assert_str_eq(a.why, "event 3 is missing");
	tmpdb_close(&t);
}
END_TEST

/* A case with two fields and three deadlines. */
static void
case_make(struct wf_case *c, const char *ref)
{
	static const char *const keys[] = { "officer", "title" };
	static const char *const values[] = { "alice", "Leak at 4 Elm St" };

	memset(c, 0, sizeof *c);
	c->ref = xstrdup(ref);
	c->workflow = xstrdup("repairs");
	c->version = xstrdup("0123456789ab");
	c->state = xstrdup("open");
	c->opened = c->last_event = 1000;
	c->next_seq = 4;
	c->nfields = nitems(keys);
	c->fields = xcalloc(c->nfields, sizeof *c->fields);
	for (size_t i = 0; i < c->nfields; i++) {
		c->fields[i].key = xstrdup(keys[i]);
		c->fields[i].value = xstrdup(values[i]);
	}
	c->ndeadlines = 3;
	c->deadlines = xcalloc(c->ndeadlines, sizeof *c->deadlines);
	for (size_t i = 0; i < c->ndeadlines; i++) {
		struct wf_deadline *d = &c->deadlines[i];

		d->seq = (uint32_t)i + 1;
		d->name = xasprintf("step%zu", i + 1);
		d->duration = xstrdup("1 day");
		d->started = 1000;
		d->due = 1000 + 86400 * (int64_t)(i + 1);
	}
}

START_TEST(test_savepoint_rollback)
{
	char head[STORE_HASH_LEN + 1], next[STORE_HASH_LEN + 1];
	struct store_audit a;
	struct wf_case c;
	struct tmpdb t;

	tmpdb_open(&t);
	append_n(t.s, 3, head);
	case_make(&c, "C-9");
	ck_assert_int_eq(store_begin(t.s), 0);
	ck_assert_int_eq(store_savepoint(t.s), 0);
	append(t.s, "C-9", 2000, NULL);
	ck_assert_int_eq(store_case_save(t.s, NULL, &c, 0), 0);
	ck_assert(store_case_exists(t.s, "C-9"));
	store_rollback_to(t.s);
	ck_assert_int_eq(store_commit(t.s), 0);

	ck_assert_int_eq(store_event_count(t.s), 3);
	ck_assert(!store_case_exists(t.s, "C-9"));
	ck_assert_int_eq(behind_int(&t, "SELECT count(*) FROM deadlines"), 0);
	a = audit(t.s);
	ck_assert_int_eq(a.events, 3);
	ck_assert_str_eq(a.head, head);

	/* The next append links to the head as it was before the savepoint. */
	append_n(t.s, 1, next);
	a = audit(t.s);
	ck_assert_int_eq(a.broken_id, 0);
	ck_assert_int_eq(a.events, 4);
	ck_assert_str_eq(a.head, next);
	wf_case_free(&c);
	tmpdb_close(&t);
}
END_TEST

/* Every row written to fields or deadlines, logged by triggers. */
static const char WRITES[] =
    "CREATE TABLE writes (what TEXT NOT NULL);"
    "CREATE TRIGGER wf_i AFTER INSERT ON fields BEGIN "
    "  INSERT INTO writes VALUES ('field ' || NEW.key); END;"
    "CREATE TRIGGER wf_u AFTER UPDATE ON fields BEGIN "
    "  INSERT INTO writes VALUES ('field ' || NEW.key); END;"
    "CREATE TRIGGER wf_d AFTER DELETE ON fields BEGIN "
    "  INSERT INTO writes VALUES ('field ' || OLD.key); END;"
    "CREATE TRIGGER wd_i AFTER INSERT ON deadlines BEGIN "
    "  INSERT INTO writes VALUES ('deadline ' || NEW.seq); END;"
    "CREATE TRIGGER wd_u AFTER UPDATE ON deadlines BEGIN "
    "  INSERT INTO writes VALUES ('deadline ' || NEW.seq); END;"
    "CREATE TRIGGER wd_d AFTER DELETE ON deadlines BEGIN "
    "  INSERT INTO writes VALUES ('deadline ' || OLD.seq); END;";

START_TEST(test_save_only_changes)
{
	struct wf_case c, was, back;
	struct tmpdb t;

	tmpdb_open(&t);
	case_make(&c, "C-1");
	ck_assert_int_eq(store_begin(t.s), 0);
	ck_assert_int_eq(store_case_save(t.s, NULL, &c, 0), 0);
	ck_assert_int_eq(store_commit(t.s), 0);
	behind(&t, WRITES);

	ck_assert_int_eq(store_case_load(t.s, "C-1", &was), 0);
	free(c.fields[1].value);
	c.fields[1].value = xstrdup("Leak at 6 Elm St");
	c.deadlines[1].status = WF_MET;
	c.deadlines[1].closed_at = 5000;
	ck_assert_int_eq(store_begin(t.s), 0);
	ck_assert_int_eq(store_case_save(t.s, &was, &c, 0), 0);
	ck_assert_int_eq(store_commit(t.s), 0);

	ck_assert_int_eq(behind_int(&t, "SELECT count(*) FROM writes"), 2);
	ck_assert_int_eq(behind_int(&t, "SELECT count(*) FROM writes WHERE "
	    "what IN ('field title', 'deadline 2')"), 2);
	ck_assert_int_eq(store_case_load(t.s, "C-1", &back), 0);
	ck_assert_str_eq(back.fields[1].value, "Leak at 6 Elm St");
	ck_assert_int_eq(back.deadlines[1].status, WF_MET);
	ck_assert_int_eq(back.deadlines[2].due, c.deadlines[2].due);
	wf_case_free(&back);
	wf_case_free(&was);
	wf_case_free(&c);
	tmpdb_close(&t);
}
END_TEST

static Suite *
store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store");

	tcase_add_test(tc, test_chain_intact);
	tcase_add_test(tc, test_chain_edited);
	tcase_add_test(tc, test_chain_hash_lengthened);
	tcase_add_test(tc, test_chain_deleted);
	tcase_add_test(tc, test_savepoint_rollback);
	tcase_add_test(tc, test_save_only_changes);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(store_suite)
