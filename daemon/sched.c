/*
 * sched.c: one timer, set to the earliest pending instant of any case, found
 * through the cases.next_at index: never a sweep of every case, never a
 * polling interval.  It is an ev_periodic, which follows the wall clock, so
 * an NTP step or a suspend neither loses nor repeats a firing (each firing
 * is recorded anyway, so a repeat would be harmless).
 *
 * Due cases are handled in batches, each committed before the next, with
 * the loop free to serve vigilctl in between.
 */
#include "vigild.h"

#define SCHED_CASES_PER_BATCH	256
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
 * Handle one batch of due cases inside the loop's transaction.  Returns
 * how many were due: 0 means caught up.
 */
static size_t
sched_batch(struct vigild *vd)
{
	int64_t now = clock_now();
	char **refs;
	size_t n;

	if (store_due_refs(vd->store, now, SCHED_CASES_PER_BATCH, &refs, &n) == -1) {
		log_err("scheduler: %s", store_errmsg(vd->store));
		return 0;
	}
	if (n > 0 && store_write(vd->store) == -1) {
		strv_free(refs, n);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
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
	return n;
}

static void
sched_run(struct vigild *vd)
{
	if (vd->stopping)
		return;
	if (sched_batch(vd) > 0) {
		ev_idle_start(vd->loop, &vd->sched_more);	/* after commit */
		return;
	}
	ev_idle_stop(vd->loop, &vd->sched_more);
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
sched_more_cb(struct ev_loop *loop, ev_idle *w, int revents)
{
	(void)loop;
	(void)revents;
	sched_run(w->data);
}

/* Stopping: fire nothing more. */
void
sched_stop(struct vigild *vd)
{
	ev_periodic_stop(vd->loop, &vd->sched_timer);
	ev_idle_stop(vd->loop, &vd->sched_more);
}

void
sched_init(struct vigild *vd)
{
	ev_periodic_init(&vd->sched_timer, sched_timer_cb, 0, 0, NULL);
	ev_idle_init(&vd->sched_more, sched_more_cb);
	vd->sched_timer.data = vd->sched_more.data = vd;
}

/* Start-up: handle everything that fell due while vigild was stopped. */
int
sched_catch_up(struct vigild *vd)
{
	size_t n, total = 0;

	do {
		n = sched_batch(vd);
		total += n;
		if (store_in_transaction(vd->store) &&
		    store_commit(vd->store) == -1)
			return -1;
	} while (n > 0);
	if (total > 0)
		log_notice("caught up: %zu due case instants handled at start",
		    total);
	sched_rearm(vd);
	return 0;
}
