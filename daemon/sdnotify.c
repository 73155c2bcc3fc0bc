/*
 * sdnotify.c: telling systemd how vigild is (Type=notify): READY=1 once the
 * database is open and the socket listening, RELOADING=1 and READY=1
 * around a reload, STATUS= with the open cases and the next due instant,
 * WATCHDOG=1 at half of WatchdogSec, STOPPING=1.  libsystemd's sd_notify()
 * does nothing without NOTIFY_SOCKET, so neither does this outside systemd.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <systemd/sd-daemon.h>
#include <time.h>

#include "vigild.h"

#define STATUS_EVERY	30.0	/* seconds between STATUS= updates */

static void
watchdog_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	sd_notify(0, "WATCHDOG=1");
}

/* "STATUS=12 open cases; next due 2026-11-23T09:00:00+00:00", and while
 * catching up after a start "; catching up: 500 of 4000 cases". */
void
sdn_status(struct vigild *vd)
{
	char next[ISO_LEN], progress[64] = "";
	int64_t open = store_open_cases(vd->store, NULL, NULL), at = 0;

	store_next_at(vd->store, &at);
	if (vd->catchup.total > 0)
		snprintf(progress, sizeof progress, "; catching up: %lld of %lld "
		    "cases", (long long)vd->catchup.done,
		    (long long)vd->catchup.total);
	sd_notifyf(0, "STATUS=%lld open case%s; next due %s%s", (long long)open,
	    open == 1 ? "" : "s", at ? conf_time(vd->cfg->conf, at, next,
	    sizeof next) : "none", progress);
}

static void
status_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	sdn_status(w->data);
}

/* Serving: the database is open and the socket listening; catch-up, if
 * any, goes on in the loop (STATUS= says how far). */
void
sdn_ready(struct vigild *vd)
{
	uint64_t usec;

	sdn_status(vd);
	sd_notify(0, "READY=1");
	if (sd_watchdog_enabled(0, &usec) > 0) {
		ev_timer_init(&vd->watchdog, watchdog_cb, 0, usec / 2e6);
		ev_timer_again(vd->loop, &vd->watchdog);
		log_info("systemd watchdog: pinging every %.1f s", usec / 2e6);
	}
	ev_timer_init(&vd->sdn_status_timer, status_cb, STATUS_EVERY, STATUS_EVERY);
	vd->sdn_status_timer.data = vd;
	if (getenv("NOTIFY_SOCKET") != NULL)
		ev_timer_start(vd->loop, &vd->sdn_status_timer);
}

void
sdn_reloading(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

void
sdn_reloaded(struct vigild *vd)
{
	sdn_status(vd);
	sd_notify(0, "READY=1");
}

void
sdn_stopping(struct vigild *vd)
{
	sd_notify(0, "STOPPING=1");
	ev_timer_stop(vd->loop, &vd->watchdog);
	ev_timer_stop(vd->loop, &vd->sdn_status_timer);
}
