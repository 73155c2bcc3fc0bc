/*
 * req-admin.c: reload, outbox retry, audit verify and backup.  Verifying
 * the audit chain and copying the database read all of it, seconds for
 * millions of events, so they run on a thread with their own connection
 * (WAL gives it a consistent snapshot) while the loop goes on firing
 * deadlines.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "vigild.h"

#define AUDIT_FIRST_SECONDS	1.0		/* after start */
#define AUDIT_EVERY_SECONDS	(24 * 3600.0)
#define AUDIT_RETRY_SECONDS	60.0		/* when busy */
#define BACKUP_RETRY_SECONDS	5.0		/* when busy */

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
		return req_refuse_kind("unavailable", "database error");
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
/* A copy in the backups folder, for rotation. */
struct backup_file {
	char	*name;
	time_t	 mtime;
};

struct offloop_job {
	pthread_t thread;
	char	*path;			/* the database */
	char	*arg;
	int	 keep;			/* backup: copies the folder keeps */
	struct origin origin;		/* whom to answer; its peer is gone */
	json_t	*(*run)(const struct offloop_job *);
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

	job->reply = job->run(job);
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
    json_t *(*run)(const struct offloop_job *), const char *arg, int keep)
{
	struct offloop_job *job;

	if (vd->offloop != NULL)
		return req_refuse("an audit or a backup is already running");
	job = xcalloc(1, sizeof *job);
	job->path = xstrdup(store_path(vd->store));
	job->arg = arg ? xstrdup(arg) : NULL;
	job->keep = keep;
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
audit_run(const struct offloop_job *job)
{
	const char *path = job->path;
	struct store_audit a;
	struct store *s;
	char err[256];
	json_t *reply;

	if ((s = store_open(path, 1, err, sizeof err)) == NULL)
		return req_refuse("audit: %s", err);
	if (store_audit_verify(s, &a) == -1)
		reply = req_refuse("audit: %s", store_errmsg(s));
	else if (a.why[0] != '\0') {
		log_crit("audit: the event log is broken at event %lld: %s",
		    (long long)a.broken_id, a.why);
		reply = json_pack("{s:b, s:s, s:I, s:I, s:s}", "ok", 0,
		    "error", "the audit chain is broken", "events",
		    (json_int_t)a.events, "broken_id", (json_int_t)a.broken_id,
		    "why", a.why);
	} else {
		log_info("audit: chain intact, %lld events, head %s, %zu "
		    "seals", (long long)a.events, a.head, a.nseals);
		reply = req_ok(json_pack("{s:I, s:s, s:I}", "events",
		    (json_int_t)a.events, "head", a.head, "seals",
		    (json_int_t)a.nseals));
	}
	store_audit_clear(&a);
	store_close(s);
	return reply;
}

static int
by_age(const void *a, const void *b)
{
	const struct backup_file *x = a, *y = b;

	return x->mtime < y->mtime ? -1 : x->mtime > y->mtime ? 1 :
	    strcmp(x->name, y->name);
}

/*
 * The copies named by the time in an open folder whose names end in
 * suffix ("Z.db", or "Z.db.bad" for those set aside), oldest first: the
 * ones vigild made, never an administrator's own or the database itself.
 */
static struct backup_file *
timed_copies(DIR *d, const char *suffix, size_t *np)
{
	size_t slen = strlen(suffix);
	struct backup_file *f = NULL;
	struct dirent *de;
	struct stat st;
	size_t n = 0, len;
	int dfd = dirfd(d);

	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (strncmp(de->d_name, "vigil-", 6) != 0 || len < 6 + slen ||
		    strcmp(de->d_name + len - slen, suffix) != 0 ||
		    fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    !S_ISREG(st.st_mode))
			continue;
		f = xreallocarray(f, n + 1, sizeof *f);
		f[n].name = xstrdup(de->d_name);
		f[n++].mtime = st.st_mtim.tv_sec;
	}
	xqsort(f, n, sizeof *f, by_age);
	*np = n;
	return f;
}

static void
copies_free(struct backup_file *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(f[i].name);
	free(f);
}

/*
 * The folder keeps the newest keep copies ending in suffix (by
 * modification time): backups taken every night never fill the disk, nor
 * copies set aside as .bad when the log fails its audit day after day.
 * How many went.
 */
static int
rotate(const char *dir, const char *suffix, int keep)
{
	struct backup_file *f;
	size_t n;
	int removed = 0;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return 0;
	f = timed_copies(d, suffix, &n);
	for (size_t i = 0; i + (size_t)keep < n; i++) {
		if (unlinkat(dirfd(d), f[i].name, 0) == 0) {
			log_notice("backup: %s/%s removed (keeping %d)", dir,
			    f[i].name, keep);
			removed++;
		} else
			log_warn("backup: %s/%s", dir, f[i].name);
	}
	copies_free(f, n);
	closedir(d);
	return removed;
}

/* When the newest timed copy was made, or 0. */
static time_t
newest_copy(const char *dir)
{
	struct backup_file *f;
	time_t t = 0;
	size_t n;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return 0;
	f = timed_copies(d, "Z.db", &n);
	if (n > 0)
		t = f[n - 1].mtime;
	copies_free(f, n);
	closedir(d);
	return t;
}

/*
 * A copy is only a backup once it has been read back: every page (SQLite's
 * integrity check) and the event log's hash chain and seals.
 */
static int
backup_check(const char *path, char *why, size_t len)
{
	struct store_audit a;
	struct store *s;
	int rc;

	if ((s = store_open(path, 1, why, len)) == NULL)
		return -1;
	memset(&a, 0, sizeof a);
	if ((rc = store_integrity(s, why, len)) == 0 &&
	    (rc = store_audit_verify(s, &a)) == 0 && a.why[0] != '\0') {
		snprintf(why, len, "event log broken at event %lld: %s",
		    (long long)a.broken_id, a.why);
		rc = -1;
	} else if (rc == -1 && why[0] == '\0')
		snprintf(why, len, "%s", store_errmsg(s));
	store_audit_clear(&a);
	store_close(s);
	return rc;
}

/*
 * Backup: a consistent copy through SQLite's online backup, to a new
 * file, checked; one that fails its check is kept aside as NAME.bad and
 * the older copies are left alone.
 */
static json_t *
backup_run(const struct offloop_job *job)
{
	struct timespec t0, t1;
	char err[256] = "", *dir, *bad;
	json_t *reply;
	int removed;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (store_backup(job->path, job->arg, err, sizeof err) == -1) {
		log_crit("backup: %s", err);
		return req_refuse("backup: %s", err);
	}
	dir = xstrndup(job->arg, (size_t)(strrchr(job->arg, '/') - job->arg));
	if (backup_check(job->arg, err, sizeof err) == -1) {
		bad = xasprintf("%s.bad", job->arg);
		if (rename(job->arg, bad) == -1) {
			log_warn("backup: %s", bad);
			free(bad);
			bad = xstrdup(job->arg);
		}
		log_crit("backup: %s failed its check: %s", bad, err);
		rotate(dir, "Z.db.bad", 1);	/* one is enough to look into */
		reply = req_refuse("backup: %s failed its check: %s", bad, err);
		free(bad);
		free(dir);
		return reply;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	log_notice("backup: %s written and checked", job->arg);
	removed = rotate(dir, "Z.db", job->keep);
	free(dir);
	return req_ok(json_pack("{s:s, s:f, s:i}", "file", job->arg, "seconds",
	    (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	    "removed", removed));
}

/*
 * Only into [daemon] backups, under a plain name (or one made from the
 * time): an administrator's request must not write wherever vigild can.
 */
static json_t *
backup_start(struct vigild *vd, const struct origin *o, const char *file)
{
	const struct conf *c = vd->cfg->conf;
	char name[64], *dest;
	json_t *reply;
	struct tm tm;
	time_t now = time(NULL);

	char *dbdir = xstrndup(c->database, strrchr(c->database, '/') ?
	    (size_t)(strrchr(c->database, '/') - c->database) : 0);
	int same = strcmp(dbdir, c->backups) == 0;

	free(dbdir);
	if (same)
		return req_refuse("backup: [daemon] backups is the database's "
		    "own folder: give it a folder of its own");
	if (file != NULL && (!valid_name(file) || strlen(file) < 4 ||
	    strcmp(file + strlen(file) - 3, ".db") != 0))
		return req_refuse("backup: give a file name ending in .db, not "
		    "a path: backups go to %s ([daemon] backups)", c->backups);
	if (file == NULL) {
		gmtime_r(&now, &tm);
		strftime(name, sizeof name, "vigil-%Y%m%dT%H%M%SZ.db", &tm);
	}
	if (mkdir(c->backups, 0700) == -1 && errno != EEXIST)
		return req_refuse("backup: cannot create %s: %s", c->backups,
		    strerror(errno));
	dest = xasprintf("%s/%s", c->backups, file ? file : name);
	reply = offloop_start(vd, o, backup_run, dest, c->backups_keep);
	free(dest);
	return reply;
}

json_t *
req_backup(struct vigild *vd, const struct origin *o, struct request *r)
{
	return backup_start(vd, o, r->file);
}

/* A scheduled backup's reply: one that failed is the admins' to hear of. */
static void
backup_logged(struct vigild *vd, uint64_t id, json_t *reply)
{
	const char *err = json_string_value(json_object_get(reply, "error"));
	char *why;

	(void)id;
	/* backup_run() has logged it at crit. */
	if (!json_is_true(json_object_get(reply, "ok"))) {
		why = xasprintf("the scheduled %s", err ? err : "backup failed");
		outbox_admin_alert(vd, TPL_OPS_ALERT, why, -1, clock_now());
		free(why);
	}
	json_decref(reply);
}

/*
 * [daemon] backup_every: a checked copy that often, counted from the newest
 * one in the folder, so restarts neither skip nor repeat one.
 */
static void
backup_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct vigild *vd = w->data;
	struct origin o = { NULL, 0, backup_logged, NULL };
	json_t *busy;

	(void)revents;
	if (vd->stopping)
		return;
	if ((busy = backup_start(vd, &o, NULL)) != NULL) {
		/* another audit or backup: soon; a refusal: said */
		if (vd->offloop == NULL) {
			log_crit("%s", json_string_value(json_object_get(busy,
			    "error")));
			backup_logged(vd, 0, busy);
		} else
			json_decref(busy);
		w->repeat = vd->offloop ? BACKUP_RETRY_SECONDS :
		    (ev_tstamp)vd->cfg->conf->backup_every;
	} else
		w->repeat = (ev_tstamp)vd->cfg->conf->backup_every;
	ev_timer_again(loop, w);
}

/* (Re)start the schedule for the configuration in force. */
void
req_admin_backups(struct vigild *vd)
{
	const struct conf *c = vd->cfg->conf;
	ev_tstamp first;

	ev_timer_stop(vd->loop, &vd->backup_timer);
	if (c->backup_every == 0)
		return;
	first = (ev_tstamp)(newest_copy(c->backups) + c->backup_every) -
	    (ev_tstamp)clock_now();
	/* Not in the same breath as start-up: a minute, or sooner if due. */
	if (first < (c->backup_every < 60 ? c->backup_every : 60))
		first = c->backup_every < 60 ? c->backup_every : 60;
	ev_timer_init(&vd->backup_timer, backup_timer_cb, first,
	    (ev_tstamp)c->backup_every);
	vd->backup_timer.data = vd;
	ev_timer_start(vd->loop, &vd->backup_timer);
}

json_t *
req_audit(struct vigild *vd, const struct origin *o, struct request *r)
{
	(void)r;
	return offloop_start(vd, o, audit_run, NULL, 0);
}

/*
 * A scheduled audit's reply: audit_run() has logged it (at crit if
 * broken); a broken log is also the admins' to hear of.
 */
static void
audit_logged(struct vigild *vd, uint64_t id, json_t *reply)
{
	const char *why = json_string_value(json_object_get(reply, "why"));
	json_int_t at = json_integer_value(json_object_get(reply,
	    "broken_id"));
	char *text;

	(void)id;
	if (why != NULL) {
		text = xasprintf("at event %lld: %s", (long long)at, why);
		outbox_admin_alert(vd, TPL_AUDIT_ALERT, text, -1, clock_now());
		free(text);
	}
	json_decref(reply);
}

/*
 * The whole chain and its seals, checked off the loop soon after start and
 * then every day, not only when someone asks: the start-up check reads the
 * newest seal only.
 */
static void
audit_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct vigild *vd = w->data;
	struct origin o = { NULL, 0, audit_logged, NULL };
	json_t *busy;

	(void)revents;
	if (vd->stopping)
		return;
	/* Idempotency keys outlive any retry by then; their replies name
	 * cases, which retention may purge. */
	if (store_write(vd->store) == 0)
		store_replies_forget(vd->store, clock_now() - 24 * 3600);
	if ((busy = offloop_start(vd, &o, audit_run, NULL, 0)) != NULL) {
		json_decref(busy);	/* another audit or a backup: soon */
		w->repeat = AUDIT_RETRY_SECONDS;
	} else
		w->repeat = AUDIT_EVERY_SECONDS;
	ev_timer_again(loop, w);
}

void
req_admin_schedule(struct vigild *vd)
{
	ev_timer_init(&vd->audit_timer, audit_timer_cb, AUDIT_FIRST_SECONDS,
	    AUDIT_EVERY_SECONDS);
	vd->audit_timer.data = vd;
	ev_timer_start(vd->loop, &vd->audit_timer);
	req_admin_backups(vd);
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
	ev_timer_stop(vd->loop, &vd->audit_timer);
	ev_timer_stop(vd->loop, &vd->backup_timer);
	if (vd->offloop != NULL) {
		pthread_join(vd->offloop->thread, NULL);
		json_decref(vd->offloop->reply);
		offloop_free(vd->offloop);
		vd->offloop = NULL;
	}
	ev_async_stop(vd->loop, &vd->offloop_done);
}
