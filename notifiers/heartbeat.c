/*
 * heartbeat.c: [heartbeat] url = ...: the ping of a dead-man's switch.
 * An outside monitor (healthchecks.io, Uptime Kuma's push monitor, a
 * Prometheus blackbox probe in reverse) expects a GET every interval and
 * alarms when none comes.  vigild decides when it is healthy enough to
 * ping (daemon/deadman.c); this reads the settings and makes one request.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>

#include "backend.h"

#define PING_TIMEOUT	10	/* seconds for the whole request */

/* NULL without a [heartbeat] section, or (with a diag) when it is wrong. */
struct heartbeat_conf *
heartbeat_conf_new(const struct conf *c, struct diag *dg)
{
	static const char *const keys[] = { "url", "interval", "ca_file" };
	struct heartbeat_conf *hb;
	struct sec_reader nc;

	sec_init(&nc, c, "heartbeat", dg);
	if (nc.sec == NULL)
		return NULL;
	sec_keys(&nc, keys, nitems(keys));
	hb = xcalloc(1, sizeof *hb);
	hb->interval = sec_int(&nc, "interval", 300, 1, 86400);
	hb->ca_file = nf_ca_file(&nc, "ca_file");
	if (nf_url(&nc, "url", &hb->url) == 0 && hb->url == NULL)
		sec_need(&nc, "url");
	http_init();		/* before the ping's thread uses curl */
	return hb;
}

void
heartbeat_conf_free(struct heartbeat_conf *hb)
{
	if (hb == NULL)
		return;
	free(hb->url);
	free(hb->ca_file);
	free(hb);
}

/*
 * One GET, blocking (a thread's work): 0 when the monitor answered 2xx,
 * -1 with why.
 */
int
heartbeat_ping(const char *url, const char *ca_file, char *err, size_t len)
{
	struct http_opts o = { .timeout = PING_TIMEOUT,
	    .connect_timeout = PING_TIMEOUT, .ca_file = ca_file };
	struct http_conn *c = http_conn_new();
	struct http_reply r;
	int rc = http_request(c, &o, "GET", url, NULL, NULL, &r);

	http_conn_free(c);
	if (rc == -1)
		seterr(err, len, "%s", r.error);
	else if (r.status < 200 || r.status > 299) {
		seterr(err, len, "the monitor answered HTTP %ld", r.status);
		rc = -1;
	}
	return rc;
}
