/*
 * store.h: the durable store, one SQLite file in WAL mode.
 *
 * The event log is the truth: every accepted event, append-only, each row
 * carrying a SHA-256 chained over the one before.  The case, field and
 * deadline tables are the current state derived from it (rebuildable), and
 * the firings table records each escalation step handled, so that a step is
 * handled exactly once across crashes and restarts.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#ifndef STORE_H
#define STORE_H

#include "notifier.h"
#include "template.h"
#include "workflow.h"

#define STORE_SCHEMA_VERSION	11
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
	int64_t	 purged;		/* emptied by this purge record, or 0 */
};

/* An escalation step already handled: (ref, seq, level, rep) is its key. */
struct store_firing {
	uint32_t seq;
	int	 level;
	int	 rep;
};

/* A seal over the event log (seal.c): its length and head at an epoch. */
struct store_seal {
	int64_t	 epoch;
	int64_t	 at;
	int64_t	 events;
	char	 head[STORE_HASH_LEN + 1];
	char	 mac[STORE_HASH_LEN + 1];
};

struct store_audit {
	int64_t	 events;		/* rows checked */
	int64_t	 broken_id;		/* first row whose hash is wrong, or 0 */
	char	 head[STORE_HASH_LEN + 1];
	char	 why[160];		/* set when anything is wrong */
	struct store_seal *seals;	/* every seal, by epoch */
	size_t	 nseals;
	size_t	 next_seal;		/* the first not yet matched */
	struct {			/* purge records not yet reached */
		int64_t	 id;
		char	 rows[STORE_HASH_LEN + 1];
	} *pending;
	size_t	 npending;
};

int	 store_lock(const char *, char *, size_t);
struct store *store_open(const char *, int, char *, size_t);
void	 store_close(struct store *);
int	 store_backup(const char *, const char *, char *, size_t);
const char *store_path(const struct store *);

int	 store_begin(struct store *);
int	 store_write(struct store *);
int	 store_integrity(struct store *, char *, size_t);
int	 store_touch(struct store *);
int	 store_commit(struct store *);
const char *store_commit_error(const struct store *);
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
int	 store_due_count(struct store *, int64_t, int64_t *);
int	 store_refs_to_migrate(struct store *, const char *, const char *,
	    char ***, size_t *);

int	 store_workflow_put(struct store *, const char *, const char *,
	    const char *, int64_t);
char	*store_workflow_text(struct store *, const char *, const char *);

int	 store_rebuild_begin(struct store *);
int	 store_derived_differ(struct store *, const char *, char *, size_t);

/* store-outbox.c: the outbox's rows, for outbox.c. */
enum outbox_status {
	OB_QUEUED,
	OB_SENT,
	OB_FAILED,
	OB_CANCELLED,
	OB_SENDING
};

/* Why a message failed: the outbox's reason column (failed for good), and
 * a label of the failure metrics. */
enum outbox_reason {
	OB_PERMFAIL = 1,		/* the next hop refused it */
	OB_EXPIRED,			/* still failing when retry_for ran out */
	OB_RENDER,			/* its template could not be filled in */
	OB_TEMPFAIL,			/* a try only: it goes again */
	OB_NREASONS
};

/* A message to queue: the facts it is about, never rendered text. */
struct outbox_row {
	enum tpl_kind kind;
	const char *ref;
	uint32_t seq;
	int	 level, rep;
	const char *deadline;
	const char *title;
	const char *action;		/* a webhook: its JSON body */
	int64_t	 due;
	const char *officer;		/* display name */
	const char *acked_by;		/* display name */
	int64_t	 acked_at;
	int64_t	 about;			/* admin alert: the failed row */
	int64_t	 created;		/* admin alert: that row's creation */
	const char *recipient;		/* staff id, or "group NAME" */
	const char *to_name;
	const char *address;
	enum notify_channel channel;
	int	 urgent;
	const char *event;		/* a webhook or a summary: which event
					 * or week, which its key is made of */
};

/* A queued row read back, to send, retry or report it; strings owned. */
struct store_outbox_entry {
	int64_t	 id;
	enum tpl_kind kind;
	char	*key;
	char	*ref, *deadline, *title, *action, *officer, *acked_by;
	int64_t	 due, acked_at;
	uint32_t seq;
	int	 level, rep;
	int64_t	 about;
	char	*recipient, *to_name, *address;
	enum notify_channel channel;
	int	 urgent;
	int64_t	 created, attempts;
	char	*last_error;
};

int	 store_outbox_add(struct store *, const struct outbox_row *,
	    const char *, int64_t, int64_t);
int	 store_outbox_cancel(struct store *, const char *, uint32_t, int);
void	 store_outbox_last_to(struct store *, enum notify_channel,
	    const char *, int *, int64_t *);
int	 store_outbox_head(struct store *, enum notify_channel, int64_t,
	    char **, enum tpl_kind *, char **);
int	 store_outbox_rows(struct store *, enum notify_channel, const char *,
	    const char *, int64_t, int, struct store_outbox_entry *, size_t);
int	 store_outbox_get(struct store *, int64_t,
	    struct store_outbox_entry *);
void	 store_outbox_entry_clear(struct store_outbox_entry *);
int	 store_outbox_mark_sending(struct store *, const int64_t *, size_t,
	    const char *);
int	 store_outbox_sent(struct store *, int64_t, const char *, int64_t);
int	 store_outbox_retry_at(struct store *, int64_t, int64_t, const char *);
int	 store_outbox_fail(struct store *, int64_t, int64_t, const char *,
	    enum outbox_reason, struct store_outbox_entry *);
int	 store_outbox_next_time(struct store *, enum notify_channel,
	    int64_t *);
int	 store_outbox_reset_sending(struct store *);
int64_t	 store_outbox_depth(struct store *);

const char *store_errmsg(struct store *);

/* store-event.c */
typedef int store_event_fn(void *, const struct store_event *);

int	 store_event_append(struct store *, struct store_event *);
void	 store_purge_fold(char *, const struct store_event *, const char *);
void	 store_zero_hash(char *);
int	 store_is_purge_record(const struct store_event *);
int64_t	 store_event_count(const struct store *);
int	 store_event_foreach(struct store *, store_event_fn *, void *);
int	 store_case_events(struct store *, const char *, store_event_fn *,
	    void *);
int	 store_audit_verify(struct store *, struct store_audit *);
void	 store_audit_clear(struct store_audit *);
void	 store_event_position(const struct store *, int64_t *, char *);

/* store-seal.c */
int	 store_seal_add(struct store *, const struct store_seal *);
int	 store_seal_last(struct store *, struct store_seal *);
int	 store_seals(struct store *, struct store_seal **, size_t *);
int	 store_event_hash_at(struct store *, int64_t, char *);

/* store-api.c: tokens and idempotent replies */
struct store_token {
	char	*name;
	char	*role;			/* relay, admin or staff */
	char	*staff;			/* for staff: who; else NULL */
	int64_t	 created;
	int64_t	 revoked;		/* 0 while it works */
};
int	 store_token_add(struct store *, const char *, const char *,
	    const char *, const char *, int64_t);
int	 store_token_find(struct store *, const char *, struct store_token *);
int	 store_token_revoke(struct store *, const char *, int64_t);
int	 store_tokens(struct store *, struct store_token **, size_t *);
void	 store_token_clear(struct store_token *);
int	 store_reply_find(struct store *, const char *, const char *, char **);
int	 store_reply_add(struct store *, const char *, const char *,
	    const char *, int64_t);
int	 store_replies_forget(struct store *, int64_t);

/* store-purge.c */
int	 store_purge_due(struct store *, int64_t, size_t, char ***, size_t *);
int	 store_purge_count(struct store *, int64_t, int64_t *, int64_t *);
int	 store_purge_case(struct store *, const char *, const char *, int64_t);
int	 store_purge_rows(struct store *, int64_t, char *);
int64_t	 store_event_next_id(const struct store *);

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
	const char *officers;		/* a JSON array of ids, or NULL: any */
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
	enum notify_channel channel;
	enum outbox_status status;
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
	enum notify_channel channel;
	enum outbox_status status;
	int	 attempts;
	int64_t	 not_before;
	const char *last_error;
	int64_t	 created;
};

typedef void store_case_row_fn(void *, const struct store_case_row *);
typedef void store_escalation_fn(void *, const struct store_escalation *);
typedef void store_count_fn(void *, const char *, int64_t);
typedef void store_outbox_item_fn(void *, const struct store_outbox_item *);
/* level (-1: alerts to the admins), channel, reason (0 for those sent),
 * count */
typedef void store_outbox_count_fn(void *, int, enum notify_channel, int,
    int64_t);

int	 store_case_list(struct store *, const struct store_list *,
	    store_case_row_fn *, void *);

/* store-report.c: a period's cases, deadlines and escalation steps. */
struct store_report_case {
	const char *ref, *officer, *workflow;
	int64_t	 opened, closed_at;	/* closed_at 0: open */
	int	 first_status;		/* of its first deadline; -1: none */
	int64_t	 first_due, first_closed_at;
};
struct store_report_deadline {
	const char *ref, *officer, *workflow, *name;
	int64_t	 due, closed_at, acked_at;
	int	 status;		/* enum wf_status */
	int64_t	 paused_at;		/* its case's pause, or 0 */
	int	 pause_runs;		/* which does not stop it */
};
struct store_report_step {
	const char *ref, *officer, *workflow, *deadline;
	int	 level;
	int64_t	 at;
};
typedef void store_report_case_fn(void *, const struct store_report_case *);
typedef void store_report_deadline_fn(void *,
    const struct store_report_deadline *);
typedef void store_report_step_fn(void *, const struct store_report_step *);
int	 store_report_cases(struct store *, int64_t, int64_t, const char *,
	    store_report_case_fn *, void *);
int	 store_report_deadlines(struct store *, int64_t, int64_t, const char *,
	    store_report_deadline_fn *, void *);
int	 store_report_steps(struct store *, int64_t, int64_t, const char *,
	    store_report_step_fn *, void *);
struct store_report_fns {
	store_report_case_fn *on_case;
	store_report_deadline_fn *on_deadline;
	store_report_step_fn *on_step;
};
int	 store_report_case_of(struct store *, const char *,
	    const struct store_report_fns *, void *);

/* store-away.c: staff away, and who covers for them. */
struct store_away {
	char	*staff;
	int64_t	 from, until;		/* away from, back at */
	char	*cover;			/* who stands in */
	char	*by;			/* who recorded it, or NULL */
	int64_t	 at;			/* when */
};
int	 store_away_put(struct store *, const struct store_away *);
int	 store_away_del(struct store *, const char *);
int	 store_aways(struct store *, int64_t, struct store_away **, size_t *);
int	 store_away_of(struct store *, const char *, int64_t,
	    struct store_away *);
int	 store_aways_covered(struct store *, const char *, int64_t,
	    struct store_away **, size_t *);
void	 store_away_clear(struct store_away *);

/* store-kept.c: the report's figures of purged cases, by month. */
struct store_kept_case {
	const char *opened, *closed;	/* months, YYYY-MM */
	const char *officer, *workflow;	/* officer NULL: none */
	int64_t	 n;			/* cases */
};
struct store_kept_figure {
	const char *month, *officer, *workflow;
	const char *figure;		/* "contact", "acked", "escalation" or
					 * a deadline's outcome */
	const char *deadline;		/* an outcome's, else NULL */
	int64_t	 tenths;		/* of hours: to contact, to an ack */
	int64_t	 n;
};
typedef void store_kept_case_fn(void *, const struct store_kept_case *);
typedef void store_kept_figure_fn(void *, const struct store_kept_figure *);
int	 store_kept_case_add(struct store *, const struct store_kept_case *);
int	 store_kept_figure_add(struct store *,
	    const struct store_kept_figure *);
int	 store_kept_cases(struct store *, const char *, const char *,
	    const char *, store_kept_case_fn *, void *);
int	 store_kept_figures(struct store *, const char *, const char *,
	    const char *, store_kept_figure_fn *, void *);
int	 store_case_escalations(struct store *, const char *,
	    store_escalation_fn *, void *);
int64_t	 store_open_cases(struct store *, store_count_fn *, void *);
int64_t	 store_missed_deadlines(struct store *, int64_t, store_count_fn *,
	    void *);
int	 store_outbox_list(struct store *, int, int64_t,
	    store_outbox_item_fn *, void *);
int	 store_outbox_counts(struct store *, enum outbox_status,
	    store_outbox_count_fn *, void *);
int	 store_outbox_retry(struct store *, int64_t, int64_t);

#endif
