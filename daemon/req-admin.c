/*
 * req-admin.c: reload, outbox retry, audit verify and backup.  Verifying
 * the audit chain and copying the database read all of it, seconds for
 * millions of events, so they run on a thread with their own connection
 * (WAL gives it a consistent snapshot) while the loop goes on firing
 * deadlines.
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "vigild.h"

json_t *
req_reload(struct vigild *vd, const struct origin *o, struct request *r)
{
	struct diag dg = { 0 };
	json_t *problems;

	(void)o;
	(void)r;
	if (cfg_reload(vd, &dg) == 0) {
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

/* Send a failed (or waiting) message again, now. */
json_t *
req_retry(struct vigild *vd, const struct origin *o, struct request *r)
{
	json_int_t id = r->id;
	int changed;

	(void)o;
	if (store_write(vd->store) == -1 ||
	    (changed = store_outbox_retry(vd->store, id, clock_now())) == -1)
		return req_refuse("database error");
	if (!changed)
		return req_refuse("no failed or queued message %lld in the outbox",
		    (long long)id);
	log_notice("outbox: message %lld queued again by request",
	    (long long)id);
	outbox_poke(vd);
	return req_ok(json_pack("{s:I}", "id", id));
}

/*
 * Work that reads the whole database (audit verify, backup) runs on a
 * thread with its own connection, one at a time; its reply comes back to
 * the client through its origin's later().
 */
struct offloop_job {
	pthread_t thread;
	char	*path;			/* the database */
	char	*arg;
	struct origin origin;		/* whom to answer; its peer is gone */
	json_t	*(*run)(const char *, const char *);
	json_t	*reply;
};

static void
offloop_free(struct offloop_job *job)
{
	free(job->path);
	free(job->arg);
	free(job);
}

static void *
offloop_thread(void *arg)
{
	struct vigild *vd = arg;
	struct offloop_job *job = vd->offloop;

	job->reply = job->run(job->path, job->arg);
	ev_async_send(vd->loop, &vd->offloop_done);
	return NULL;
}

/* The thread finished: join it (which also makes its reply visible). */
static void
offloop_done_cb(struct ev_loop *loop, ev_async *w, int revents)
{
	struct vigild *vd = w->data;
	struct offloop_job *job = vd->offloop;

	(void)loop;
	(void)revents;
	if (job == NULL)
		return;
	pthread_join(job->thread, NULL);
	vd->offloop = NULL;
	job->origin.later(vd, job->origin.id, job->reply);
	offloop_free(job);
}

static json_t *
offloop_start(struct vigild *vd, const struct origin *o,
    json_t *(*run)(const char *, const char *), const char *arg)
{
	struct offloop_job *job;

	if (vd->offloop != NULL)
		return req_refuse("an audit or a backup is already running");
	job = xcalloc(1, sizeof *job);
	job->path = xstrdup(store_path(vd->store));
	job->arg = arg ? xstrdup(arg) : NULL;
	/* Only the way back: the peer and principal are gone by then. */
	job->origin = (struct origin){ NULL, o->id, o->later, NULL };
	job->run = run;
	vd->offloop = job;
	if (pthread_create(&job->thread, NULL, offloop_thread, vd) != 0) {
		vd->offloop = NULL;
		offloop_free(job);
		return req_refuse("cannot start a thread");
	}
	return NULL;
}

/* Audit verify: recompute the hash chain over the whole log. */
static json_t *
audit_run(const char *path, const char *unused)
{
	struct store_audit a;
	struct store *s;
	char err[256];
	json_t *reply;

	(void)unused;
	if ((s = store_open(path, 1, err, sizeof err)) == NULL)
		return req_refuse("audit: %s", err);
	if (store_audit_verify(s, &a) == -1)
		reply = req_refuse("audit: %s", store_errmsg(s));
	else if (a.broken_id != 0)
		reply = json_pack("{s:b, s:s, s:I, s:I, s:s}", "ok", 0,
		    "error", "the audit chain is broken", "events",
		    (json_int_t)a.events, "broken_id", (json_int_t)a.broken_id,
		    "why", a.why);
	else {
		log_info("audit: chain intact, %lld events, head %s",
		    (long long)a.events, a.head);
		reply = req_ok(json_pack("{s:I, s:s}", "events",
		    (json_int_t)a.events, "head", a.head));
	}
	store_close(s);
	return reply;
}

/* Backup: a consistent copy through SQLite's online backup, to a new file. */
static json_t *
backup_run(const char *path, const char *dest)
{
	struct timespec t0, t1;
	char err[256];

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (store_backup(path, dest, err, sizeof err) == -1)
		return req_refuse("backup: %s", err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	log_notice("backup: %s written", dest);
	return req_ok(json_pack("{s:s, s:f}", "file", dest, "seconds",
	    (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9));
}

json_t *
req_backup(struct vigild *vd, const struct origin *o, struct request *r)
{
	if (r->file[0] != '/')
		return req_refuse("backup: give an absolute path (vigild writes "
		    "the file, from its own folder)");
	return offloop_start(vd, o, backup_run, r->file);
}

json_t *
req_audit(struct vigild *vd, const struct origin *o, struct request *r)
{
	(void)r;
	return offloop_start(vd, o, audit_run, NULL);
}

void
req_admin_init(struct vigild *vd)
{
	ev_async_init(&vd->offloop_done, offloop_done_cb);
	vd->offloop_done.data = vd;
	ev_async_start(vd->loop, &vd->offloop_done);
}

/* On the way out: let a running audit or backup finish; drop its reply. */
void
req_admin_finish(struct vigild *vd)
{
	if (vd->offloop != NULL) {
		pthread_join(vd->offloop->thread, NULL);
		json_decref(vd->offloop->reply);
		offloop_free(vd->offloop);
		vd->offloop = NULL;
	}
	ev_async_stop(vd->loop, &vd->offloop_done);
}
