/*
 * store.h: the durable store, one SQLite file in WAL mode.
 *
 * The event log is the truth: every accepted event, append-only, each row
 * carrying a SHA-256 chained over the one before.  The case, field and
 * deadline tables are the current state derived from it (rebuildable), and
 * the firings table records each escalation step handled, so that a step is
 * handled exactly once across crashes and restarts.
 */
#ifndef STORE_H
#define STORE_H

#include <sqlite3.h>

#include "workflow.h"

#define STORE_SCHEMA_VERSION	2
#define STORE_HASH_LEN		64	/* hex SHA-256 */

struct store;

/* One row of the event log. */
struct store_event {
	int64_t	 id;			/* assigned on append */
	const char *ref;
	const char *event;
	int64_t	 at;			/* when it happened */
	int64_t	 recorded;		/* when vigild accepted it */
	const char *by;			/* --by, or NULL */
	const char *role;		/* by's role when it was accepted */
	const char *peer;		/* "uid=1000(alice) pid=42" */
	const char *workflow;		/* set on open and migrate */
	const char *version;
	const char *fields;		/* canonical JSON object */
	char	 hash[STORE_HASH_LEN + 1];
};

/* An escalation step already handled: (ref, seq, level, rep) is its key. */
struct store_firing {
	uint32_t seq;
	int	 level;
	int	 rep;
};

struct store_audit {
	int64_t	 events;		/* rows checked */
	int64_t	 broken_id;		/* first row whose hash is wrong, or 0 */
	char	 head[STORE_HASH_LEN + 1];
	char	 why[128];
};

int	 store_lock(const char *, char *, size_t);
struct store *store_open(const char *, int, char *, size_t);
void	 store_close(struct store *);
int	 store_backup(const char *, const char *, char *, size_t);
sqlite3	*store_db(struct store *);
const char *store_path(const struct store *);

int	 store_begin(struct store *);
int	 store_write(struct store *);
int	 store_commit(struct store *);
void	 store_rollback(struct store *);
int	 store_savepoint(struct store *);
int	 store_release(struct store *);
void	 store_rollback_to(struct store *);
int	 store_in_transaction(const struct store *);

int	 store_case_load(struct store *, const char *, struct wf_case *);
int	 store_case_exists(struct store *, const char *);
int	 store_case_save(struct store *, const struct wf_case *,
	    const struct wf_case *, int64_t);
int	 store_case_set_next(struct store *, const char *, int64_t);

int	 store_firings(struct store *, const char *, struct store_firing **,
	    size_t *);
int	 store_fire(struct store *, const char *, const struct wf_step *,
	    int64_t, const char *);
int	 store_next_at(struct store *, int64_t *);
int	 store_due_refs(struct store *, int64_t, size_t, char ***, size_t *);
int	 store_refs_to_migrate(struct store *, const char *, const char *,
	    char ***, size_t *);

int	 store_workflow_put(struct store *, const char *, const char *,
	    const char *, int64_t);
char	*store_workflow_text(struct store *, const char *, const char *);

int	 store_rebuild_begin(struct store *);

const char *store_errmsg(struct store *);

/* store-event.c */
typedef int store_event_fn(void *, const struct store_event *);

int	 store_event_append(struct store *, struct store_event *);
int64_t	 store_event_count(const struct store *);
int	 store_event_foreach(struct store *, store_event_fn *, void *);
int	 store_case_events(struct store *, const char *, store_event_fn *,
	    void *);
int	 store_audit_verify(struct store *, struct store_audit *);

/* store-query.c */
/* A case as vigilctl list shows it. */
struct store_case_row {
	const char *ref;
	const char *workflow;
	const char *state;
	const char *officer;		/* or NULL */
	int64_t	 paused_at;		/* or 0 */
	const char *next_deadline;	/* earliest pending, or NULL: none */
	int64_t	 next_due;		/* its due instant */
	int	 missed;
};

/* Which cases: open ones, or by_due those with a deadline pending by
 * until (and, if overdue, not stopped by a pause). */
struct store_list {
	int64_t	 now;
	int	 by_due;
	int64_t	 until;
	int	 overdue;
	const char *officer;		/* or NULL: any */
	const char *state;		/* or NULL: any */
	int64_t	 limit;
};

/* An escalation step handled, with a message it made. */
struct store_escalation {
	const char *deadline;
	uint32_t seq;
	int	 level;
	int	 rep;
	int64_t	 at;
	int64_t	 fired_at;
	const char *outcome;
	const char *recipient;		/* NULL: it made no message */
	int	 channel;		/* enum notify_channel */
	int	 status;		/* enum outbox_status */
	int64_t	 done_at;
};

/* A message in the outbox. */
struct store_outbox_item {
	int64_t	 id;
	const char *ref;		/* NULL for an alert to the admins */
	const char *deadline;
	int	 level;			/* -1 for an alert to the admins */
	int	 rep;
	const char *recipient;
	int	 channel;
	int	 status;
	int	 attempts;
	int64_t	 not_before;
	const char *last_error;
	int64_t	 created;
};

typedef void store_case_row_fn(void *, const struct store_case_row *);
typedef void store_escalation_fn(void *, const struct store_escalation *);
typedef void store_count_fn(void *, const char *, int64_t);
typedef void store_outbox_item_fn(void *, const struct store_outbox_item *);
typedef void store_outbox_count_fn(void *, int, int, int64_t);

int	 store_case_list(struct store *, const struct store_list *,
	    store_case_row_fn *, void *);
int	 store_case_escalations(struct store *, const char *,
	    store_escalation_fn *, void *);
int64_t	 store_open_cases(struct store *, store_count_fn *, void *);
int64_t	 store_missed_deadlines(struct store *, int64_t, store_count_fn *,
	    void *);
int	 store_outbox_list(struct store *, int, int64_t,
	    store_outbox_item_fn *, void *);
int	 store_outbox_counts(struct store *, int, store_outbox_count_fn *,
	    void *);
int	 store_outbox_retry(struct store *, int64_t, int64_t);

#endif
