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

int	 store_event_append(struct store *, struct store_event *);
int64_t	 store_event_count(const struct store *);
int	 store_audit_verify(struct store *, struct store_audit *);

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

int	 store_workflow_put(struct store *, const char *, const char *,
	    const char *, int64_t);
char	*store_workflow_text(struct store *, const char *, const char *);

int	 store_rebuild_begin(struct store *);

const char *store_errmsg(struct store *);

#endif
