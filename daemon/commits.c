/*
 * commits.c: whether the database commits.  A commit can fail for long
 * (the disk is full): then firing and new deliveries wait, retried after
 * 1, 2, 4 ... 60 seconds, instead of failing again every loop iteration at
 * a full core; reads are served meanwhile, since nothing holds their
 * replies; the outcomes of deliveries already made are kept in memory and
 * written when a commit holds again.  One line at crit when commits stop,
 * one notice when they hold again, and the admins are told then, by the
 * outbox, for how long and why (status, the metrics and the heartbeat's
 * silence say it meanwhile).
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include "vigild.h"

#define COMMITS_BACKOFF_MAX	60.0	/* seconds between tries, at most */

/*
 * Try again: firing and sending run now, so that their writes are what
 * this iteration's commit tests.  With nothing of theirs to write, a
 * write of nothing much tests the disk instead (else an idle vigild would
 * stay "failing" for ever).
 */
static void
retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct vigild *vd = w->data;

	(void)revents;
	ev_invoke(loop, &vd->sched_more, EV_TIMER);
	ev_invoke(loop, &vd->ob.poke, EV_TIMER);
	if (!store_in_transaction(vd->store) && (store_write(vd->store) ==
	    -1 || store_touch(vd->store) == -1))
		commits_failed(vd, store_errmsg(vd->store));
}

void
commits_init(struct vigild *vd)
{
	ev_timer_init(&vd->db.retry, retry_cb, 0, 0);
	vd->db.retry.data = vd;
}

/* A commit failed: say so once, and wait before trying again. */
void
commits_failed(struct vigild *vd, const char *err)
{
	vd->db.failures++;
	if (vd->db.since == 0) {
		vd->db.since = clock_now();
		vd->db.backoff = 1;
		snprintf(vd->db.error, sizeof vd->db.error, "%s", err);
		log_crit("database %s cannot commit: %s; firing and sending "
		    "wait, retried every %.0f s at most; reads are served",
		    store_path(vd->store), err, COMMITS_BACKOFF_MAX);
	} else if (vd->db.backoff < COMMITS_BACKOFF_MAX)
		vd->db.backoff = vd->db.backoff * 2 > COMMITS_BACKOFF_MAX ?
		    COMMITS_BACKOFF_MAX : vd->db.backoff * 2;
	ev_timer_stop(vd->loop, &vd->db.retry);
	ev_timer_set(&vd->db.retry, vd->db.backoff, 0);
	ev_timer_start(vd->loop, &vd->db.retry);
}

/* A commit held: if they had been failing, that is over. */
void
commits_held(struct vigild *vd)
{
	char why[sizeof vd->db.error + 96];
	int64_t now;

	if (vd->db.since == 0)
		return;
	now = clock_now();
	log_notice("database %s commits again after %lld s", store_path(
	    vd->store), (long long)(now - vd->db.since));
	snprintf(why, sizeof why, "the database could not commit for %lld s "
	    "(%s): deadlines fired and messages went late",
	    (long long)(now - vd->db.since), vd->db.error);
	vd->db.since = 0;
	vd->db.error[0] = '\0';
	ev_timer_stop(vd->loop, &vd->db.retry);
	/* What waited goes now, whoever's commit held first. */
	sched_rearm(vd);
	sched_poke(vd);
	outbox_poke(vd);
	outbox_admin_alert(vd, TPL_OPS_ALERT, why, -1, now);
}

/* Should firing and sending wait for the next try? */
int
commits_paused(const struct vigild *vd)
{
	return ev_is_active(&vd->db.retry);
}
