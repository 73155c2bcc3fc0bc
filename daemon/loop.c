/*
 * loop.c: the event loop and the things that happen to the whole daemon:
 * signals (HUP reloads, TERM and INT stop), the group commit before the loop
 * sleeps, and reload.
 */
#include <math.h>
#include <signal.h>
#include <string.h>

#include "vigild.h"

#define LOOP_DRAIN_SECONDS	5.0

static ev_signal sig_hup, sig_term, sig_int;
static ev_prepare commit_watcher;
static ev_timer drain_timer;
static ev_tstamp drain_started;

int64_t
loop_now(struct vigild *vd)
{
	(void)vd;
	return (int64_t)floor(ev_time());
}

/* Writes join the loop's transaction, committed before the loop sleeps. */
int
loop_write_begin(struct vigild *vd)
{
	if (store_in_transaction(vd->store))
		return 0;
	if (store_begin(vd->store) == -1) {
		log_err("database: cannot begin: %s", store_errmsg(vd->store));
		return -1;
	}
	return 0;
}

static void
commit(struct vigild *vd)
{
	int ok;

	if (!store_in_transaction(vd->store))
		return;
	ok = store_commit(vd->store) == 0;
	if (!ok) {
		log_err("database: commit failed: %s", store_errmsg(vd->store));
		sched_rearm(vd);	/* what it armed was rolled back */
	}
	control_committed(vd, ok);
	outbox_committed(vd, ok);
}

static void
commit_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	(void)loop;
	(void)revents;
	commit(w->data);
}

/* Apply a new configuration only if all of it is good. */
static int
reload(struct vigild *vd, struct diag *dg)
{
	struct cfg *next = cfg_load(vd->conf_path, dg), *old;

	if (next == NULL) {
		log_err("reload: configuration has errors; keeping the one "
		    "loaded before:");
		diag_log(dg);
		return -1;
	}
	if (strcmp(next->conf->database, vd->cfg->conf->database) != 0 ||
	    strcmp(next->conf->socket, vd->cfg->conf->socket) != 0 ||
	    next->ob.workers != vd->cfg->ob.workers)
		log_warn("reload: a new database, socket or [outbox] workers "
		    "takes effect at the next restart");
	old = vd->cfg;
	vd->cfg = next;
	/* A savepoint: other clients' writes may share this transaction. */
	if (loop_write_begin(vd) == -1 || store_savepoint(vd->store) == -1 ||
	    case_store_workflows(vd) == -1) {
		log_err("reload: cannot record the workflows; keeping the "
		    "configuration loaded before");
		if (store_in_transaction(vd->store))
			store_rollback_to(vd->store);
		vd->cfg = old;
		cfg_free(next);
		diag_add(dg, vd->conf_path, 0, "cannot record the workflows in "
		    "the database");
		return -1;
	}
	store_release(vd->store);
	case_forget_old_workflows(vd);
	outbox_retire(vd, old);
	metrics_start(vd);
	log_notice("reload: configuration %s loaded (%zu workflows)",
	    vd->conf_path ? vd->conf_path : "(built-in)",
	    wf_set_count(vd->cfg->workflows));
	sched_rearm(vd);
	return 0;
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
		loop_reload(vd, &dg);
		diag_clear(&dg);
		return;
	}
	log_notice("%s: stopping", w->signum == SIGTERM ? "SIGTERM" : "SIGINT");
	loop_stop(vd);
}

/* SIGHUP and vigilctl reload; systemd hears of it either way. */
int
loop_reload(struct vigild *vd, struct diag *dg)
{
	int rc;

	sdn_reloading();
	rc = reload(vd, dg);
	sdn_reloaded(vd);
	return rc;
}

/* Stopping: leave once every reply is written, or after a few seconds. */
static void
drain_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct vigild *vd = w->data;

	(void)revents;
	if ((!store_in_transaction(vd->store) && control_drained(vd)) ||
	    ev_now(loop) - drain_started > LOOP_DRAIN_SECONDS)
		ev_break(loop, EVBREAK_ALL);
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
	sdn_stopping(vd);
	metrics_stop(vd);
	control_quiesce(vd);
	ev_periodic_stop(vd->loop, &vd->sched_timer);
	ev_idle_stop(vd->loop, &vd->sched_more);
	ev_timer_init(&drain_timer, drain_cb, 0.01, 0.01);
	drain_timer.data = vd;
	drain_started = ev_now(vd->loop);
	ev_timer_start(vd->loop, &drain_timer);
}

void
loop_run(struct vigild *vd)
{
	ev_signal_init(&sig_hup, signal_cb, SIGHUP);
	ev_signal_init(&sig_term, signal_cb, SIGTERM);
	ev_signal_init(&sig_int, signal_cb, SIGINT);
	sig_hup.data = sig_term.data = sig_int.data = vd;
	ev_signal_start(vd->loop, &sig_hup);
	ev_signal_start(vd->loop, &sig_term);
	ev_signal_start(vd->loop, &sig_int);
	ev_prepare_init(&commit_watcher, commit_cb);
	commit_watcher.data = vd;
	ev_prepare_start(vd->loop, &commit_watcher);

	ev_run(vd->loop, 0);

	commit(vd);
	ev_timer_stop(vd->loop, &drain_timer);
	ev_prepare_stop(vd->loop, &commit_watcher);
	ev_signal_stop(vd->loop, &sig_hup);
	ev_signal_stop(vd->loop, &sig_term);
	ev_signal_stop(vd->loop, &sig_int);
}
