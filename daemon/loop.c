/*
 * loop.c: the event loop and what happens to the whole daemon: signals
 * (HUP reloads, TERM and INT stop), the group commit before the loop
 * sleeps, and a stop that lets every reply out first.  It calls the
 * modules' hooks; no module calls into it but vigild.c.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <signal.h>
#include <syslog.h>

#include "vigild.h"

#define LOOP_DRAIN_SECONDS	20.0	/* a stop waits this long for replies
					 * and for messages on their way (the
					 * unit gives it 30) */
#define LOOP_DRAIN_POLL		0.01	/* and looks this often */

/*
 * The group commit: every write made in this loop iteration (requests,
 * firings, delivery outcomes) is made durable by one COMMIT, then each
 * module hears whether it held.
 */
static void
commit(struct vigild *vd)
{
	int ok;

	if (!store_in_transaction(vd->store))
		return;
	control_committing(vd);
	ok = store_commit(vd->store) == 0;
	notes_committed(vd, ok);
	if (!ok) {
		commits_failed(vd, store_commit_error(vd->store));
		sched_rearm(vd);	/* what it armed was rolled back */
	} else
		commits_held(vd);
	control_committed(vd, ok);
	http_committed(vd, ok);
	outbox_committed(vd, ok);
	seal_committed(vd, ok);
	/*
	 * Releasing replies reads on: a client's next pipelined request may
	 * have opened another transaction.  The loop must not sleep on it.
	 */
	if (store_in_transaction(vd->store))
		ev_idle_start(vd->loop, &vd->commit_again);
}

static void
commit_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	(void)loop;
	(void)revents;
	commit(w->data);
}

/* Only there to keep the loop awake until the next prepare commits. */
static void
commit_again_cb(struct ev_loop *loop, ev_idle *w, int revents)
{
	(void)revents;
	ev_idle_stop(loop, w);
}

static void
signal_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct vigild *vd = w->data;
	struct diag dg = { 0 };

	(void)loop;
	(void)revents;
	if (w->signum == SIGHUP) {
		log_notice("SIGHUP: reloading");
		cfg_reload(vd, &dg);
		diag_clear(&dg);
		return;
	}
	log_notice("%s: stopping", w->signum == SIGTERM ? "SIGTERM" : "SIGINT");
	loop_stop(vd);
}

/*
 * Stopping: leave once every reply is written and every message that was
 * on its way has its outcome on disk (else it would go again at the next
 * start), or after LOOP_DRAIN_SECONDS.
 */
static void
drain_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct vigild *vd = w->data;

	(void)revents;
	if (!store_in_transaction(vd->store) && control_drained(vd) &&
	    outbox_drained(vd))
		ev_break(loop, EVBREAK_ALL);
	else if (ev_now(loop) - vd->drain_started > LOOP_DRAIN_SECONDS) {
		outbox_undrained(vd, (int)LOOP_DRAIN_SECONDS);
		ev_break(loop, EVBREAK_ALL);
	}
}

/*
 * Stop taking requests.  The transaction in hand commits as usual and its
 * replies are written, so a client is never left wondering whether an event
 * it sent was stored.
 */
void
loop_stop(struct vigild *vd)
{
	if (vd->stopping)
		return;
	vd->stopping = 1;
	seal_now(vd);		/* the last seal goes with the last commit */
	sdn_stopping(vd);
	metrics_stop(vd);
	deadman_stop(vd);
	purge_stop(vd);
	summary_stop(vd);
	control_quiesce(vd);
	outbox_quiesce(vd);
	sched_stop(vd);
	ev_timer_init(&vd->drain_timer, drain_cb, LOOP_DRAIN_POLL,
	    LOOP_DRAIN_POLL);
	vd->drain_timer.data = vd;
	vd->drain_started = ev_now(vd->loop);
	ev_timer_start(vd->loop, &vd->drain_timer);
}

void
loop_run(struct vigild *vd)
{
	ev_signal_init(&vd->sig_hup, signal_cb, SIGHUP);
	ev_signal_init(&vd->sig_term, signal_cb, SIGTERM);
	ev_signal_init(&vd->sig_int, signal_cb, SIGINT);
	vd->sig_hup.data = vd->sig_term.data = vd->sig_int.data = vd;
	ev_signal_start(vd->loop, &vd->sig_hup);
	ev_signal_start(vd->loop, &vd->sig_term);
	ev_signal_start(vd->loop, &vd->sig_int);
	ev_prepare_init(&vd->commit_hook, commit_cb);
	ev_idle_init(&vd->commit_again, commit_again_cb);
	vd->commit_hook.data = vd->commit_again.data = vd;
	ev_prepare_start(vd->loop, &vd->commit_hook);

	ev_run(vd->loop, 0);

	commit(vd);
	ev_timer_stop(vd->loop, &vd->drain_timer);
	ev_prepare_stop(vd->loop, &vd->commit_hook);
	ev_idle_stop(vd->loop, &vd->commit_again);
	ev_signal_stop(vd->loop, &vd->sig_hup);
	ev_signal_stop(vd->loop, &vd->sig_term);
	ev_signal_stop(vd->loop, &vd->sig_int);
}
