/*
 * sched.c: one timer, set to the earliest pending instant of any case, found
 * through the cases.next_at index: never a sweep of every case, never a
 * polling interval.  It is an ev_periodic, which follows the wall clock, so
 * an NTP step or a suspend neither loses nor repeats a firing (each firing
 * is recorded anyway, so a repeat would be harmless).
 *
 * Due cases are handled oldest first in batches of at most SCHED_BUDGET
 * of loop time, each committed with whatever else the iteration did.  The
 * next batch runs from a zero-second timer, that is in the very next
 * iteration, after the clients' requests and the outbox's work of that
 * iteration: firing never waits for the load to stop, and the load never
 * waits for a long run of firings.  Start-up catch-up is the same batches,
 * after vigild has told systemd it is ready and is serving.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include "vigild.h"

#define SCHED_CASES_PER_BATCH	1024
#define SCHED_BUDGET		0.100	/* seconds of loop time a batch */
#define SCHED_RETRY_SECONDS	60	/* a case that failed to fire waits */

static void
sched_arm(struct vigild *vd, int64_t at)
{
	ev_periodic_stop(vd->loop, &vd->sched_timer);
	vd->sched_armed = at;
	if (at == 0)
		return;
	ev_periodic_set(&vd->sched_timer, (ev_tstamp)at, 0, NULL);
	ev_periodic_start(vd->loop, &vd->sched_timer);
}

/* A case's next instant changed: fire earlier if it is the earliest. */
void
sched_consider(struct vigild *vd, int64_t at)
{
	if (at > 0 && (vd->sched_armed == 0 || at < vd->sched_armed))
		sched_arm(vd, at);
}

void
sched_rearm(struct vigild *vd)
{
	int64_t at;

	if (store_next_at(vd->store, &at) == -1) {
		log_err("scheduler: %s", store_errmsg(vd->store));
		at = clock_now() + SCHED_RETRY_SECONDS;
	}
	sched_arm(vd, at);
}

/*
 * Handle due cases, oldest first, inside the loop's transaction, until
 * none is left or the batch has had its time.  Returns how many were
 * handled: 0 means caught up.
 */
static size_t
sched_batch(struct vigild *vd)
{
	double until = clock_mono() + SCHED_BUDGET;
	int64_t now = clock_now();
	char **refs;
	size_t n, i;

	if (store_due_refs(vd->store, now, SCHED_CASES_PER_BATCH, &refs,
	    &n) == -1) {
		log_err("scheduler: %s", store_errmsg(vd->store));
		return 0;
	}
	if (n > 0 && store_write(vd->store) == -1) {
		strv_free(refs, n);
		return 0;
	}
	for (i = 0; i < n && (i == 0 || clock_mono() < until); i++) {
		if (store_savepoint(vd->store) == -1)
			break;
		if (case_fire_due(vd, refs[i], now) == 0) {
			store_release(vd->store);
			continue;
		}
		/* Leave it a while rather than spin on it. */
		store_rollback_to(vd->store);
		log_err("case %s: cannot handle its due steps; retrying in %d "
		    "seconds", refs[i], SCHED_RETRY_SECONDS);
		if (store_case_set_next(vd->store, refs[i],
		    now + SCHED_RETRY_SECONDS) == -1)
			log_err("case %s: %s", refs[i], store_errmsg(vd->store));
	}
	strv_free(refs, n);
	return i;
}

static void
sched_run(struct vigild *vd)
{
	size_t n;

	/* The database cannot commit: its retry timer pokes us again. */
	if (vd->stopping || commits_paused(vd))
		return;
	if ((n = sched_batch(vd)) > 0) {
		vd->catchup.done += vd->catchup.total ? n : 0;
		ev_timer_start(vd->loop, &vd->sched_more);
		return;
	}
	if (vd->catchup.total > 0) {
		log_notice("caught up: %lld due case instants handled since "
		    "start", (long long)vd->catchup.done);
		vd->catchup.total = vd->catchup.done = 0;
	}
	sched_rearm(vd);
}

static void
sched_timer_cb(struct ev_loop *loop, ev_periodic *w, int revents)
{
	(void)loop;
	(void)revents;
	sched_run(w->data);
}

static void
sched_more_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	sched_run(w->data);
}

/* Look for due cases in the next iteration. */
void
sched_poke(struct vigild *vd)
{
	ev_timer_start(vd->loop, &vd->sched_more);
}

/*
 * Due cases are waiting for the next batch: firing is behind.  In the
 * iteration it runs the timer is pending, no longer active.
 */
int
sched_behind(struct vigild *vd)
{
	return ev_is_active(&vd->sched_more) || ev_is_pending(&vd->sched_more);
}

/* Stopping: fire nothing more. */
void
sched_stop(struct vigild *vd)
{
	ev_periodic_stop(vd->loop, &vd->sched_timer);
	ev_timer_stop(vd->loop, &vd->sched_more);
}

void
sched_init(struct vigild *vd)
{
	ev_periodic_init(&vd->sched_timer, sched_timer_cb, 0, 0, NULL);
	ev_timer_init(&vd->sched_more, sched_more_cb, 0, 0);
	vd->sched_timer.data = vd->sched_more.data = vd;
}

/*
 * Serving: handle what fell due while vigild was stopped, in the loop's
 * batches, and then each instant as it comes.  How far catch-up has got
 * is in status and STATUS=.
 */
void
sched_start(struct vigild *vd)
{
	if (store_due_count(vd->store, clock_now(), &vd->catchup.total) == -1)
		log_err("scheduler: %s", store_errmsg(vd->store));
	if (vd->catchup.total > 0)
		log_notice("catching up: %lld cases have steps that fell due "
		    "while vigild was stopped", (long long)vd->catchup.total);
	ev_timer_start(vd->loop, &vd->sched_more);
}
