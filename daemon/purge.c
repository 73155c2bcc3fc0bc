/*
 * purge.c: retention (UK GDPR storage limitation).  With [daemon] retention
 * set, a closed case is purged that long after its last event: what the
 * board report counts of it is kept (report-keep.c), its rows in the case
 * tables and the outbox go, and its events are emptied of what names
 * anyone, in place, under a stand-in reference, all in one transaction.
 * A purge record appended to the chain names, by a hash over them,
 * exactly the events it emptied: the audit checks it, so a row emptied
 * any other way is found.  Daily, a batch an iteration; "vigilctl purge
 * [--dry-run]" asks now.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <syslog.h>

#include "vigild.h"

#define PURGE_BATCH		500	/* cases a loop iteration */
#define PURGE_FIRST_SECONDS	60.0	/* after start or reload */
#define PURGE_EVERY_SECONDS	(24 * 3600.0)

/* The purge record's fields: how many, up to when, and which rows. */
static char *
record_fields(struct vigild *vd, size_t n, int64_t before, const char *rows)
{
	char when[ISO_LEN], count[32];
	struct buf c = { 0 };

	snprintf(count, sizeof count, "%zu", n);
	canon_open(&c, '{');
	canon_key(&c, "cases");
	canon_str(&c, count);
	canon_key(&c, "closed_before");
	canon_str(&c, conf_time(vd->cfg->conf, before, when, sizeof when));
	canon_key(&c, "rows");
	canon_str(&c, rows);
	canon_close(&c, '}');
	return c.s;
}

/*
 * Purge up to PURGE_BATCH cases closed before now - retention, in the
 * loop's transaction.  How many (0: none due), or -1.
 */
static int
purge_batch(struct vigild *vd, const char *by, const char *peer,
    int64_t *record)
{
	int64_t now = clock_now(), before = now - vd->cfg->conf->retention;
	char **refs, rows[STORE_HASH_LEN + 1], stand_in[64], *fields = NULL;
	char when[ISO_LEN];
	struct store_event ev = { .ref = "", .event = "purge", .at = now,
	    .recorded = now, .by = by, .peer = peer };
	int64_t id;
	size_t n;
	int rc = -1;

	if (store_purge_due(vd->store, before, PURGE_BATCH, &refs, &n) == -1)
		return -1;
	if (n == 0)
		return 0;
	if (store_write(vd->store) == -1 || store_savepoint(vd->store) == -1)
		goto out;
	id = store_event_next_id(vd->store);
	for (size_t i = 0; i < n; i++) {
		snprintf(stand_in, sizeof stand_in, "purged:%lld:%zu",
		    (long long)id, i + 1);
		if (report_keep(vd, refs[i], now) == -1 ||
		    store_purge_case(vd->store, refs[i], stand_in, id) == -1)
			goto undo;
	}
	if (store_purge_rows(vd->store, id, rows) == -1)
		goto undo;
	ev.fields = fields = record_fields(vd, n, before, rows);
	if (store_event_append(vd->store, &ev) == -1 || ev.id != id)
		goto undo;
	store_release(vd->store);
	note_add(vd, LOG_NOTICE, "purge: %zu case%s closed before %s "
	    "purged by %s (purge record %lld)", n, n == 1 ? "" : "s",
	    conf_time(vd->cfg->conf, before, when, sizeof when), peer,
	    (long long)id);
	*record = id;
	rc = (int)n;
	goto out;
undo:
	log_err("purge: %s", store_errmsg(vd->store));
	store_rollback_to(vd->store);
out:
	free(fields);
	strv_free(refs, n);
	return rc;
}

static void
purge_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct vigild *vd = w->data;
	int64_t record;
	int n;

	(void)revents;
	if (vd->stopping)
		return;
	if (commits_paused(vd)) {	/* the disk is full: later */
		w->repeat = 60;
		ev_timer_again(loop, w);
		return;
	}
	n = purge_batch(vd, NULL, "vigild (retention)", &record);
	/* A full batch: more are due, next iteration. */
	w->repeat = n == PURGE_BATCH ? 0.001 : PURGE_EVERY_SECONDS;
	ev_timer_again(loop, w);
}

/* (Re)start the daily purge for the configuration in force. */
void
purge_schedule(struct vigild *vd)
{
	ev_timer_stop(vd->loop, &vd->purge_timer);
	if (vd->cfg->conf->retention == 0)
		return;
	ev_timer_init(&vd->purge_timer, purge_timer_cb, PURGE_FIRST_SECONDS,
	    PURGE_EVERY_SECONDS);
	vd->purge_timer.data = vd;
	ev_timer_start(vd->loop, &vd->purge_timer);
}

void
purge_stop(struct vigild *vd)
{
	ev_timer_stop(vd->loop, &vd->purge_timer);
}

/* "purge": one batch now, or with dry_run what is due, changing nothing. */
json_t *
req_purge(struct vigild *vd, const struct origin *o, struct request *r)
{
	int64_t now = clock_now(), before, cases = 0, oldest = 0, record = 0;
	char when[ISO_LEN], old[ISO_LEN];
	const struct conf *c = vd->cfg->conf;
	int n;

	if (c->retention == 0)
		return req_refuse("no [daemon] retention is set: closed cases "
		    "are kept for ever");
	before = now - c->retention;
	if (r->dry_run) {
		if (store_purge_count(vd->store, before, &cases, &oldest) == -1)
			return req_refuse("purge: %s", store_errmsg(vd->store));
		return req_ok(json_pack("{s:b, s:I, s:s, s:s?}", "dry_run", 1,
		    "cases", (json_int_t)cases, "closed_before",
		    conf_time(c, before, when, sizeof when), "oldest_closed",
		    oldest ? conf_time(c, oldest, old, sizeof old) : NULL));
	}
	if ((n = purge_batch(vd, o->principal && o->principal->by ?
	    o->principal->by->id : NULL, o->peer->text, &record)) == -1)
		return req_refuse("purge: %s", store_errmsg(vd->store));
	if (n == PURGE_BATCH) {		/* the rest, from the next iteration */
		vd->purge_timer.repeat = 0.001;
		ev_timer_again(vd->loop, &vd->purge_timer);
	}
	return req_ok(json_pack("{s:b, s:i, s:s, s:o}", "dry_run", 0,
	    "cases", n, "closed_before", conf_time(c, before, when,
	    sizeof when), "purge_record", record ? json_integer(record) :
	    json_null()));
}
