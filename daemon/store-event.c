/*
 * store-event.c: the event log.  Append-only, each row carrying a SHA-256
 * chained over the one before; read back in id order, whole (rebuild,
 * audit) or one case's (show).
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "store-int.h"

#define EVENT_COLUMNS	"SELECT id, ref, event, at, recorded, by, role, " \
	"peer, workflow, version, fields, hash, purged FROM events "

static const char SQL_EVENT_INSERT[] = "INSERT INTO events (id, ref, event, "
    "at, recorded, by, role, peer, workflow, version, fields, hash) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_EVENT_HEAD[] = "SELECT id, hash FROM events "
    "ORDER BY id DESC LIMIT 1";
static const char SQL_EVENTS[] = EVENT_COLUMNS "ORDER BY id";
static const char SQL_EVENTS_OF[] = EVENT_COLUMNS "WHERE ref = ? ORDER BY id";

static const char zero_hash[STORE_HASH_LEN + 1] =
    "0000000000000000000000000000000000000000000000000000000000000000";

/* The chain's head as the log has it: at open, and after a rollback. */
int
store_event_head(struct store *s)
{
	sqlite3_stmt *st = store_stmt(s, SQL_EVENT_HEAD);
	int rc;

	s->last_id = 0;
	memcpy(s->last_hash, zero_hash, sizeof zero_hash);
	if (st == NULL)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		s->last_id = sqlite3_column_int64(st, 0);
		snprintf(s->last_hash, sizeof s->last_hash, "%s",
		    (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* SHA-256(prev, newline, c) in hex into out (which may be prev); frees c. */
static void
link_hash(const char *prev, struct buf *c, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen;
	EVP_MD_CTX *ctx;

	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, prev, STORE_HASH_LEN) != 1 ||
	    EVP_DigestUpdate(ctx, "\n", 1) != 1 ||
	    EVP_DigestUpdate(ctx, c->s, c->len) != 1 ||
	    EVP_DigestFinal_ex(ctx, md, &mdlen) != 1)
		fatalx("SHA-256 failed");
	EVP_MD_CTX_free(ctx);
	buf_free(c);
	hex_encode(md, mdlen, out);
}

/*
 * hash = SHA-256(previous hash, newline, the row as a canonical JSON array:
 * canon.c), so the encoding is unambiguous whatever the fields contain.
 */
static void
event_hash(const char *prev, const struct store_event *e, char *out)
{
	struct buf c = { 0 };

	canon_open(&c, '[');
	canon_int(&c, e->id);
	canon_str(&c, e->ref);
	canon_str(&c, e->event);
	canon_int(&c, e->at);
	canon_int(&c, e->recorded);
	canon_str(&c, e->by);
	canon_str(&c, e->role);
	canon_str(&c, e->peer);
	canon_str(&c, e->workflow);
	canon_str(&c, e->version);
	canon_str(&c, e->fields);
	canon_close(&c, ']');
	link_hash(prev, &c, out);
}

/*
 * What a purge record says it emptied: SHA-256 folded, from the zero hash,
 * over each emptied row in id order: its id, the hash of the row before
 * it (so the link into it is vouched for, though it cannot be hashed
 * again), its own hash, and what is left of it (stand-in reference,
 * event, times, workflow), so none of that can be changed afterwards.
 */
void
store_purge_fold(char *rows, const struct store_event *e, const char *prev)
{
	struct buf c = { 0 };

	canon_open(&c, '[');
	canon_int(&c, e->id);
	canon_str(&c, prev);
	canon_str(&c, e->hash);
	canon_str(&c, e->ref);
	canon_str(&c, e->event);
	canon_int(&c, e->at);
	canon_int(&c, e->recorded);
	canon_str(&c, e->workflow);
	canon_str(&c, e->version);
	canon_close(&c, ']');
	link_hash(rows, &c, rows);
}

void
store_zero_hash(char *out)
{
	memcpy(out, zero_hash, sizeof zero_hash);
}

int
store_event_append(struct store *s, struct store_event *e)
{
	sqlite3_stmt *st = store_stmt(s, SQL_EVENT_INSERT);

	if (st == NULL)
		return -1;
	e->id = s->last_id + 1;
	event_hash(s->last_hash, e, e->hash);
	sqlite3_bind_int64(st, 1, e->id);
	store_bind_text(st, 2, e->ref);
	store_bind_text(st, 3, e->event);
	sqlite3_bind_int64(st, 4, e->at);
	sqlite3_bind_int64(st, 5, e->recorded);
	store_bind_text(st, 6, e->by);
	store_bind_text(st, 7, e->role);
	store_bind_text(st, 8, e->peer);
	store_bind_text(st, 9, e->workflow);
	store_bind_text(st, 10, e->version);
	store_bind_text(st, 11, e->fields);
	store_bind_text(st, 12, e->hash);
	if (store_run(s, st) == -1)
		return -1;
	s->last_id = e->id;
	memcpy(s->last_hash, e->hash, sizeof e->hash);
	return 0;
}

/* Ids run from 1 with no gap (audit verify checks it): the head's is the
 * count, without reading the log. */
int64_t
store_event_count(const struct store *s)
{
	return s->last_id;
}

/* A row of EVENT_COLUMNS; its strings last until the next step. */
static void
event_row(sqlite3_stmt *st, struct store_event *e)
{
	const char *hash = (const char *)sqlite3_column_text(st, 11);

	*e = (struct store_event){
		.id = sqlite3_column_int64(st, 0),
		.ref = (const char *)sqlite3_column_text(st, 1),
		.event = (const char *)sqlite3_column_text(st, 2),
		.at = sqlite3_column_int64(st, 3),
		.recorded = sqlite3_column_int64(st, 4),
		.by = (const char *)sqlite3_column_text(st, 5),
		.role = (const char *)sqlite3_column_text(st, 6),
		.peer = (const char *)sqlite3_column_text(st, 7),
		.workflow = (const char *)sqlite3_column_text(st, 8),
		.version = (const char *)sqlite3_column_text(st, 9),
		.fields = (const char *)sqlite3_column_text(st, 10),
		.purged = sqlite3_column_int64(st, 12),
	};
	/* Stored longer, it must not match by being cut short. */
	if (hash != NULL && sqlite3_column_bytes(st, 11) == STORE_HASH_LEN)
		memcpy(e->hash, hash, sizeof e->hash);
}

static int
events_each(struct store *s, sqlite3_stmt *st, store_event_fn *fn, void *arg)
{
	struct store_event e;
	int rc = SQLITE_DONE, stop = 0;

	if (st == NULL)
		return -1;
	while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		event_row(st, &e);
		stop = fn(arg, &e);
	}
	sqlite3_reset(st);
	if (stop != 0)
		return stop;
	if (rc != SQLITE_DONE) {
		log_err("database %s: %s", s->path, sqlite3_errmsg(s->db));
		return -1;
	}
	return 0;
}

/*
 * Call fn with every event in id order until it returns nonzero, which is
 * then returned; -1 on a database error.  fn may write, but must not read
 * the log itself (the walk holds its statement).
 */
int
store_event_foreach(struct store *s, store_event_fn *fn, void *arg)
{
	return events_each(s, store_stmt(s, SQL_EVENTS), fn, arg);
}

/* The same, for one case's events. */
int
store_case_events(struct store *s, const char *ref, store_event_fn *fn,
    void *arg)
{
	sqlite3_stmt *st = store_stmt(s, SQL_EVENTS_OF);

	if (st != NULL)
		store_bind_text(st, 1, ref);
	return events_each(s, st, fn, arg);
}

/*
 * The seals that end at event id (or, for id 0, at the empty log) must
 * name its hash: else the log was rewritten, even with a chain recomputed
 * to look intact.  0, or 1 with a->why set.
 */
static int
audit_seals_at(struct store_audit *a, int64_t id, const char *hash)
{
	for (; a->next_seal < a->nseals &&
	    a->seals[a->next_seal].events == id; a->next_seal++) {
		const struct store_seal *seal = &a->seals[a->next_seal];

		if (strcmp(seal->head, hash) == 0)
			continue;
		snprintf(a->why, sizeof a->why, "seal %lld says event %lld "
		    "had another hash: the log was rewritten",
		    (long long)seal->epoch, (long long)id);
		return 1;
	}
	return 0;
}

/* A purge record (purge.c): no case's, so its reference is empty. */
int
store_is_purge_record(const struct store_event *e)
{
	return e->ref[0] == '\0' && strcmp(e->event, "purge") == 0;
}

/* The rows folded so far for purge record id, made on first use. */
static char *
audit_pending(struct store_audit *a, int64_t id)
{
	for (size_t i = 0; i < a->npending; i++)
		if (a->pending[i].id == id)
			return a->pending[i].rows;
	a->pending = xreallocarray(a->pending, a->npending + 1,
	    sizeof *a->pending);
	a->pending[a->npending].id = id;
	memcpy(a->pending[a->npending].rows, zero_hash, sizeof zero_hash);
	return a->pending[a->npending++].rows;
}

/*
 * A row a purge emptied cannot be hashed again: its stored hash carries
 * the chain on (the next row proves it), and the purge record after it
 * must name it.  A purge record must name exactly the rows it emptied.
 * 0, or 1 with a->why set.
 */
static int
audit_purge(struct store_audit *a, const struct store_event *e)
{
	json_t *root;
	const char *said;
	char *rows;
	int bad;

	if (e->purged != 0) {
		if (e->purged <= e->id) {
			snprintf(a->why, sizeof a->why, "it was emptied by "
			    "purge record %lld, which comes before it",
			    (long long)e->purged);
			return 1;
		}
		/* a->head is still the row before's hash. */
		store_purge_fold(audit_pending(a, e->purged), e, a->head);
		return 0;
	}
	if (!store_is_purge_record(e))
		return 0;
	rows = audit_pending(a, e->id);
	root = json_loads(e->fields, 0, NULL);
	said = json_string_value(json_object_get(root, "rows"));
	bad = said == NULL || strcmp(said, rows) != 0;
	json_decref(root);
	for (size_t i = 0; i < a->npending; i++)	/* done with it */
		if (a->pending[i].id == e->id)
			a->pending[i] = a->pending[--a->npending];
	if (bad)
		snprintf(a->why, sizeof a->why, "this purge record does not "
		    "name the events it emptied");
	return bad;
}

/* One link of the chain; a->head is the hash verified so far. */
static int
audit_event(void *arg, const struct store_event *e)
{
	struct store_audit *a = arg;
	char want[STORE_HASH_LEN + 1];

	a->events++;
	if (e->ref == NULL || e->event == NULL || e->peer == NULL ||
	    e->fields == NULL)
		snprintf(a->why, sizeof a->why, "a required column is empty");
	else if (e->id != a->events)
		snprintf(a->why, sizeof a->why, "event %lld is missing",
		    (long long)a->events);
	else if (e->purged != 0) {
		if (audit_purge(a, e) == 0) {
			memcpy(a->head, e->hash, sizeof a->head);
			if (audit_seals_at(a, e->id, e->hash) == 0)
				return 0;
		}
	} else {
		event_hash(a->head, e, want);
		if (strcmp(want, e->hash) != 0)
			snprintf(a->why, sizeof a->why, "its hash does not "
			    "match its contents and the event before it");
		else if (audit_purge(a, e) == 0) {
			memcpy(a->head, want, sizeof want);
			if (audit_seals_at(a, e->id, want) == 0)
				return 0;
		}
	}
	a->broken_id = e->id;
	return 1;
}

/* The seals themselves: one for every epoch from 0, never shrinking. */
static int
audit_seal_order(struct store_audit *a)
{
	for (size_t i = 0; i < a->nseals; i++) {
		if (a->seals[i].epoch != (int64_t)i) {
			snprintf(a->why, sizeof a->why, "seal %zu is missing",
			    i);
			return 1;
		}
		if (i > 0 && a->seals[i].events < a->seals[i - 1].events) {
			snprintf(a->why, sizeof a->why, "seal %zu covers fewer "
			    "events than the one before", i);
			return 1;
		}
	}
	return 0;
}

/*
 * Walk the whole log and report the first row whose link is broken, and
 * whether it still holds everything the seals say it held.
 */
int
store_audit_verify(struct store *s, struct store_audit *a)
{
	int rc;

	memset(a, 0, sizeof *a);
	memcpy(a->head, zero_hash, sizeof zero_hash);
	if (store_seals(s, &a->seals, &a->nseals) == -1)
		return -1;
	if (audit_seal_order(a) || audit_seals_at(a, 0, zero_hash))
		return 0;
	if ((rc = store_event_foreach(s, audit_event, a)) == -1)
		return -1;
	if (rc == 0 && a->npending > 0) {
		snprintf(a->why, sizeof a->why, "events were emptied for purge "
		    "record %lld, which is not in the log",
		    (long long)a->pending[0].id);
		a->broken_id = a->pending[0].id;
	} else if (rc == 0 && a->next_seal < a->nseals) {
		const struct store_seal *seal = &a->seals[a->next_seal];

		snprintf(a->why, sizeof a->why, "seal %lld covers %lld events "
		    "but the log has %lld: events were deleted",
		    (long long)seal->epoch, (long long)seal->events,
		    (long long)a->events);
		a->broken_id = a->events + 1;
	}
	return 0;
}

void
store_audit_clear(struct store_audit *a)
{
	free(a->seals);
	a->seals = NULL;
	a->nseals = 0;
	free(a->pending);
	a->pending = NULL;
	a->npending = 0;
}

/* The log's length and head hash, as this connection has it. */
void
store_event_position(const struct store *s, int64_t *id, char *hash)
{
	*id = s->last_id;
	memcpy(hash, s->last_hash, STORE_HASH_LEN + 1);
}
