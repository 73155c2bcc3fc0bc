/*
 * req-admin.c: reload and audit verify.  Verifying the audit chain reads
 * the whole event log, seconds for millions of events, so it runs on a
 * thread with its own read-only connection (WAL gives it a consistent
 * snapshot) while the loop goes on firing deadlines.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "vigild.h"

struct audit_job {
	pthread_t thread;
	char	*path;
	uint64_t client;
	int	 rc;
	char	 err[256];
	struct store_audit result;
};

static json_t *
do_reload(struct vigild *vd)
{
	struct diag dg = { 0 };
	json_t *problems;

	if (loop_reload(vd, &dg) == 0) {
		diag_clear(&dg);
		return req_ok(NULL);
	}
	problems = json_array();
	for (size_t i = 0; i < dg.n; i++)
		json_array_append_new(problems, json_pack("{s:s, s:i, s:s}",
		    "file", dg.v[i].file, "line", dg.v[i].line,
		    "message", dg.v[i].msg));
	diag_clear(&dg);
	return json_pack("{s:b, s:s, s:o}", "ok", 0, "error",
	    "configuration has errors; the previous one is still in use",
	    "problems", problems);
}

static void *
audit_run(void *arg)
{
	struct audit_job *job = arg;
	struct store *s;

	job->rc = -1;
	if ((s = store_open(job->path, 1, job->err, sizeof job->err)) == NULL)
		return NULL;
	if ((job->rc = store_audit_verify(s, &job->result)) == -1)
		snprintf(job->err, sizeof job->err, "%s", store_errmsg(s));
	store_close(s);
	return NULL;
}

static json_t *
audit_reply(const struct audit_job *job)
{
	const struct store_audit *a = &job->result;

	if (job->rc == -1)
		return req_refuse("audit: %s", job->err);
	if (a->broken_id != 0)
		return json_pack("{s:b, s:s, s:I, s:I, s:s}", "ok", 0,
		    "error", "the audit chain is broken", "events",
		    (json_int_t)a->events, "broken_id",
		    (json_int_t)a->broken_id, "why", a->why);
	log_info("audit: chain intact, %lld events, head %s",
	    (long long)a->events, a->head);
	return req_ok(json_pack("{s:I, s:s}", "events", (json_int_t)a->events,
	    "head", a->head));
}

/* The thread finished: join it (which also makes its result visible). */
static void
audit_done_cb(struct ev_loop *loop, ev_async *w, int revents)
{
	struct vigild *vd = w->data;
	struct audit_job *job = vd->audit;

	(void)loop;
	(void)revents;
	if (job == NULL)
		return;
	pthread_join(job->thread, NULL);
	vd->audit = NULL;
	control_reply(vd, job->client, audit_reply(job));
	free(job->path);
	free(job);
}

static void *
audit_thread(void *arg)
{
	struct vigild *vd = arg;

	audit_run(vd->audit);
	ev_async_send(vd->loop, &vd->audit_done);
	return NULL;
}

static json_t *
do_audit(struct vigild *vd, uint64_t client)
{
	struct audit_job *job;

	if (vd->audit != NULL)
		return req_refuse("an audit is already running");
	job = xcalloc(1, sizeof *job);
	job->path = xstrdup(store_path(vd->store));
	job->client = client;
	vd->audit = job;
	if (pthread_create(&job->thread, NULL, audit_thread, vd) != 0) {
		vd->audit = NULL;
		free(job->path);
		free(job);
		return req_refuse("audit: cannot start a thread");
	}
	return NULL;
}

void
req_admin_init(struct vigild *vd)
{
	ev_async_init(&vd->audit_done, audit_done_cb);
	vd->audit_done.data = vd;
	ev_async_start(vd->loop, &vd->audit_done);
}

/* On the way out: let a running audit finish, and drop its reply. */
void
req_admin_finish(struct vigild *vd)
{
	if (vd->audit != NULL) {
		pthread_join(vd->audit->thread, NULL);
		free(vd->audit->path);
		free(vd->audit);
		vd->audit = NULL;
	}
	ev_async_stop(vd->loop, &vd->audit_done);
}

/* Send a failed (or waiting) message again, now. */
static json_t *
do_retry(struct vigild *vd, json_int_t id)
{
	sqlite3_stmt *st;
	int changed;

	if (loop_write_begin(vd) == -1 || sqlite3_prepare_v2(store_db(vd->store),
	    "UPDATE outbox SET status = 0, not_before = ?, attempts = 0, "
	    "created = ? WHERE id = ? AND status IN (0, 2)", -1, &st, NULL) !=
	    SQLITE_OK)
		return req_refuse("database error");
	sqlite3_bind_int64(st, 1, loop_now(vd));
	sqlite3_bind_int64(st, 2, loop_now(vd));
	sqlite3_bind_int64(st, 3, id);
	changed = sqlite3_step(st) == SQLITE_DONE &&
	    sqlite3_changes(store_db(vd->store)) == 1;
	sqlite3_finalize(st);
	if (!changed)
		return req_refuse("no failed or queued message %lld in the outbox",
		    (long long)id);
	log_notice("outbox: message %lld queued again by request",
	    (long long)id);
	outbox_poke(vd);
	return req_ok(json_pack("{s:I}", "id", id));
}

json_t *
req_admin(struct vigild *vd, uint64_t client, struct request *r)
{
	switch (r->kind) {
	case REQ_RELOAD:
		return do_reload(vd);
	case REQ_OUTBOX_RETRY:
		return do_retry(vd, r->id);
	default:
		return do_audit(vd, client);
	}
}
