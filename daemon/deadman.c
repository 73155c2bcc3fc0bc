/*
 * deadman.c: the dead-man's switch.  Every [heartbeat] interval, while
 * vigild is healthy (its loop runs this timer, the database commits, no
 * channel is failing), a thread pings the outside monitor.  When vigild is
 * not healthy, or not running at all, the pings stop and the monitor's
 * silence is the alarm, as with Alertmanager's always-firing Watchdog:
 * nothing inside vigil has to work for it to be heard.  Why pings are
 * withheld is logged once per change.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "vigild.h"

struct ping {
	char	*url;
	char	*ca_file;
};

static _Atomic int busy;		/* a ping is on its way */
static pthread_t pinger;		/* its thread, joined before the next */
static int pinger_started;
static _Atomic int64_t last_ok;		/* when the monitor last answered */
static _Atomic int failing;		/* the last ping failed */

static void *
ping_main(void *arg)
{
	struct ping *p = arg;
	char err[256];

	if (heartbeat_ping(p->url, p->ca_file, err, sizeof err) == 0) {
		last_ok = clock_now();
		if (failing)
			log_notice("heartbeat: the monitor answers again");
		failing = 0;
	} else if (!failing) {
		failing = 1;
		log_warnx("heartbeat: %s", err);
	}
	free(p->url);
	free(p->ca_file);
	free(p);
	busy = 0;
	return NULL;
}

/* Why vigild should not say it is well, or NULL. */
static const char *
unwell(const struct vigild *vd)
{
	if (vd->db.since != 0)
		return "the database cannot commit";
	/* Failing for [outbox] alarm_after: one greylisted address is not.
	 * A CMS that takes no webhooks is the admins' to hear of, not a
	 * reason to say vigil cannot reach people. */
	for (int ch = 0; ch < NOTIFY_PEOPLE; ch++)
		if (vd->ob.alarmed[ch])
			return ch == NOTIFY_EMAIL ? "email is failing" :
			    "SMS is failing";
	return NULL;
}

static void
beat_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct vigild *vd = w->data;
	const struct heartbeat_conf *hb = vd->cfg->heartbeat;
	const char *why = unwell(vd);
	struct ping *p;

	(void)loop;
	(void)revents;
	if (why != vd->hb_withheld) {
		if (why != NULL)
			log_err("heartbeat withheld: %s", why);
		else if (vd->hb_withheld != NULL)
			log_notice("heartbeat resumed");
		vd->hb_withheld = why;
	}
	if (why != NULL || busy)
		return;
	if (pinger_started)	/* finished: busy is 0 */
		pthread_join(pinger, NULL);
	pinger_started = 0;
	p = xcalloc(1, sizeof *p);
	p->url = xstrdup(hb->url);
	p->ca_file = hb->ca_file ? xstrdup(hb->ca_file) : NULL;
	busy = 1;
	if (pthread_create(&pinger, NULL, ping_main, p) != 0) {
		log_warnx("heartbeat: cannot start a thread");
		free(p->url);
		free(p->ca_file);
		free(p);
		busy = 0;
		return;
	}
	pinger_started = 1;
}

/* (Re)start for the configuration in force: a first ping now. */
void
deadman_start(struct vigild *vd)
{
	const struct heartbeat_conf *hb = vd->cfg->heartbeat;

	ev_timer_stop(vd->loop, &vd->hb_timer);
	if (hb == NULL)
		return;
	ev_timer_init(&vd->hb_timer, beat_cb, 0, hb->interval);
	vd->hb_timer.data = vd;
	ev_timer_start(vd->loop, &vd->hb_timer);
}

void
deadman_stop(struct vigild *vd)
{
	ev_timer_stop(vd->loop, &vd->hb_timer);
}

/*
 * On the way out: a ping on its way (10 s at most) is waited for, so that
 * curl and OpenSSL are not torn down under it.
 */
void
deadman_finish(void)
{
	struct timespec until;

	if (!pinger_started)
		return;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 11;
	if (pthread_timedjoin_np(pinger, NULL, &until) == 0)
		pinger_started = 0;
}

/* When the monitor last answered a ping, or 0. */
int64_t
deadman_last_ok(void)
{
	return last_ok;
}
