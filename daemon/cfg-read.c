/*
 * cfg-read.c: the sections of vigil.conf that the core's own modules use,
 * read into struct cfg with every problem at its line: [outbox] and
 * [quiet-hours] for the outbox, [metrics] for the metrics file, [http] and
 * [access] for requests, [links] and [web] for the pages people open.
 * cfg_load() calls them; the modules only read what they leave in struct
 * cfg.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "vigild.h"

/* "21:00-08:00": the SMS-allowed hours as a calendar, for cal_next_open. */
static struct calendar *
quiet_calendar(const struct conf *c, const char *quiet, struct sec_reader *nc)
{
	const size_t len = sizeof "HH:MM-HH:MM" - 1;
	int h1, m1, h2, m2, a, b;
	struct calendar *cal;
	char hours[64], err[256];
	struct diag dg = { 0 };

	/* HH:MM-HH:MM, with 24:00 only as an end. */
	if (strlen(quiet) != len || quiet[2] != ':' || quiet[5] != '-' ||
	    quiet[8] != ':' || strspn(quiet, "0123456789:-") != len ||
	    sscanf(quiet, "%2d:%2d-%2d:%2d", &h1, &m1, &h2, &m2) != 4 ||
	    h1 > 23 || m1 > 59 || m2 > 59 || h2 > 24 ||
	    (h2 == 24 && m2 != 0) ||
	    (a = h1 * 60 + m1) == (b = h2 * 60 + m2) ||
	    (a == 0 && b == 24 * 60)) {
		sec_err(nc, "sms", "expected HH:MM-HH:MM, e.g. 21:00-08:00");
		return NULL;
	}
	if (a > b)	/* quiet over midnight: allowed in between */
		snprintf(hours, sizeof hours, "%02d:%02d-%02d:%02d", h2, m2,
		    h1, m1);
	else if (a == 0)
		snprintf(hours, sizeof hours, "%02d:%02d-24:00", h2, m2);
	else if (b == 24 * 60)
		snprintf(hours, sizeof hours, "00:00-%02d:%02d", h1, m1);
	else
		snprintf(hours, sizeof hours, "00:00-%02d:%02d,%02d:%02d-24:00",
		    h1, m1, h2, m2);
	cal = cal_new("sms-hours");
	if (cal_set_option(cal, "days", "mon-sun", err, sizeof err) == -1 ||
	    cal_set_option(cal, "hours", hours, err, sizeof err) == -1 ||
	    cal_set_option(cal, "holidays", "none", err, sizeof err) == -1 ||
	    cal_set_option(cal, "timezone", c->default_calendar->timezone, err,
	    sizeof err) == -1 || cal_prepare(cal, NULL, &dg, c->path) == -1) {
		sec_err(nc, "sms", "%s", dg.n ? dg.v[0].msg : err);
		diag_clear(&dg);
		cal_free(cal);
		return NULL;
	}
	return cal;
}

/* A length of elapsed time ("24 hours", or seconds); def when unset. */
static int64_t
elapsed(const struct sec_reader *nc, const char *key, int64_t def)
{
	const char *v = sec_str(nc, key, NULL);
	char err[256];
	int64_t n;

	if (v == NULL)
		return def;
	if (conf_elapsed(v, &n, err, sizeof err) == -1) {
		sec_err(nc, key, "%s", err);
		return def;
	}
	return n;
}

/* [outbox] and [quiet-hours]. */
void
cfg_read_outbox(struct cfg *cfg, struct diag *dg)
{
	static const char *const outbox_keys[] = {
		"digest_window", "retry_first", "retry_for", "workers", "batch",
		"alarm_after"
	};
	static const char *const quiet_keys[] = { "sms" };
	const struct conf *c = cfg->conf;
	struct sec_reader nc;
	const char *v;

	sec_init(&nc, c, "outbox", dg);
	sec_keys(&nc, outbox_keys, nitems(outbox_keys));
	cfg->ob.digest_window = sec_int(&nc, "digest_window", 120, 0, 3600);
	cfg->ob.retry_first = sec_int(&nc, "retry_first", 60, 1, 3600);
	cfg->ob.workers = sec_int(&nc, "workers", 2, 1, 16);
	cfg->ob.batch = sec_int(&nc, "batch", 20, 1, DELIVER_BATCH_MAX);
	cfg->ob.retry_for = elapsed(&nc, "retry_for", 24 * 3600);
	cfg->ob.alarm_after = elapsed(&nc, "alarm_after", 15 * 60);
	sec_init(&nc, c, "quiet-hours", dg);
	sec_keys(&nc, quiet_keys, nitems(quiet_keys));
	if ((v = sec_str(&nc, "sms", NULL)) != NULL)
		cfg->ob.sms_hours = quiet_calendar(c, v, &nc);
}

void
cfg_free_outbox(struct outbox_conf *ob)
{
	cal_free(ob->sms_hours);
}

/* [http] listen = ADDRESS:PORT, connections = N: off unless set. */
void
cfg_read_http(struct cfg *cfg, struct diag *dg)
{
	static const char *const keys[] = { "listen", "connections",
	    "per_address", "certificate_file", "key_file", "rate", "burst" };
	struct sockaddr_storage ss;
	struct sec_reader sr;
	const char *v;
	char err[256];

	sec_init(&sr, cfg->conf, "http", dg);
	sec_keys(&sr, keys, nitems(keys));
	if ((v = sec_str(&sr, "listen", NULL)) != NULL) {
		if (http_parse_listen(v, &ss, err, sizeof err) == -1)
			sec_err(&sr, "listen", "%s", err);
		else
			cfg->http_listen = xstrdup(v);
	}
	cfg->http_connections = sec_int(&sr, "connections", 256, 1, 4096);
	/* Behind a reverse proxy every connection comes from the proxy. */
	cfg->http_per_address = sec_int(&sr, "per_address", 32, 1, 4096);
	cfg->http_rate = sec_int(&sr, "rate", 100, 0, 1000000);
	cfg->http_burst = sec_int(&sr, "burst", 1000, 1, 1000000);
	/* TLS in vigild itself, or none: both files, or neither. */
	if (sec_str(&sr, "certificate_file", NULL) != NULL ||
	    sec_str(&sr, "key_file", NULL) != NULL) {
		cfg->http_cert = nf_secret_pem(&sr, "certificate_file");
		cfg->http_key = nf_secret_pem(&sr, "key_file");
	}
}

/* Whether url is http:// to this machine: its host, whole, is localhost,
 * 127.0.0.0/8 or [::1]. */
static int
http_loopback(const char *url)
{
	const char *host = url + 7, *end;
	struct in_addr a;
	char h[64];

	if (strncmp(url, "http://", 7) != 0)
		return 0;
	end = *host == '[' ? strchr(host, ']') : host + strcspn(host, ":/?#");
	if (end == NULL || (size_t)(end - host) >= sizeof h)
		return 0;
	if (*host == '[')
		return end - host == 4 && strncmp(host, "[::1", 4) == 0;
	snprintf(h, sizeof h, "%.*s", (int)(end - host), host);
	return strcmp(h, "localhost") == 0 || (inet_pton(AF_INET, h, &a) == 1 &&
	    (ntohl(a.s_addr) >> 24) == 127);
}

/*
 * [links] ack_url: where vigild's HTTP listener is reached from a mail
 * client, to put acknowledgement links in messages; ack_valid: how long
 * one works.  (case_url is the templates'.)
 */
void
cfg_read_links(struct cfg *cfg, struct diag *dg)
{
	struct sec_reader sr;
	const char *v;
	char err[256];
	size_t n;

	sec_init(&sr, cfg->conf, "links", dg);
	cfg->ack_valid = 7 * 86400;
	if ((v = sec_str(&sr, "ack_url", NULL)) != NULL) {
		n = strlen(v);
		while (n > 0 && v[n - 1] == '/')
			n--;
		/* The links are keys: plain http only to this machine. */
		if ((strncmp(v, "https://", 8) != 0 && !http_loopback(v)) ||
		    n > 200 || strcspn(v, " \t\"'<>\\{}@") != strlen(v))
			sec_err(&sr, "ack_url", "must be an https:// URL (plain "
			    "http only to this machine) of at most 200 "
			    "characters with nothing to escape, where managers "
			    "reach vigild's [http] listener");
		else
			cfg->ack_url = xstrndup(v, n);
	}
	if ((v = sec_str(&sr, "ack_valid", NULL)) != NULL &&
	    (conf_elapsed(v, &cfg->ack_valid, err, sizeof err) == -1 ||
	    cfg->ack_valid < 3600 || cfg->ack_valid > 90 * 86400))
		sec_err(&sr, "ack_valid", "%s", cfg->ack_valid < 3600 ||
		    cfg->ack_valid > 90 * 86400 ? "between an hour and 90 "
		    "days (e.g. 7 days)" : err);
	if (cfg->ack_url != NULL && cfg->http_listen == NULL)
		sec_err(&sr, "ack_url", "needs [http] listen: the links lead "
		    "to vigild's HTTP listener");
}

/*
 * [web]: the managers' pages, signed in by the organisation's single
 * sign-on at a reverse proxy, which says who in user_header.  Only the
 * proxy's own addresses are believed: anyone else could send the header.
 */
void
cfg_read_web(struct cfg *cfg, struct diag *dg)
{
	static const char *const keys[] = { "proxy", "user_header" };
	struct sec_reader sr;
	unsigned char addr[sizeof(struct in6_addr)];
	char *list, *w, *save = NULL, canon[INET6_ADDRSTRLEN];
	const char *v;

	sec_init(&sr, cfg->conf, "web", dg);
	sec_keys(&sr, keys, nitems(keys));
	v = sec_str(&sr, "user_header", "X-Remote-User");
	if (strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_") != strlen(v) || strlen(v) > 64)
		sec_err(&sr, "user_header", "\"%s\" is not a header name", v);
	cfg->web_user_header = xstrdup(v);
	if ((v = sec_str(&sr, "proxy", NULL)) == NULL)
		return;
	list = xstrdup(v);
	for (w = strtok_r(list, " ,", &save); w != NULL;
	    w = strtok_r(NULL, " ,", &save)) {
		int af = inet_pton(AF_INET, w, addr) == 1 ? AF_INET :
		    inet_pton(AF_INET6, w, addr) == 1 ? AF_INET6 : -1;

		if (af == -1) {
			sec_err(&sr, "proxy", "\"%s\" is not an IP address", w);
			continue;
		}
		/* As the client's address will be written: the same text. */
		inet_ntop(af, addr, canon, sizeof canon);
		cfg->web_proxies = xreallocarray(cfg->web_proxies,
		    cfg->nweb_proxies + 1, sizeof *cfg->web_proxies);
		cfg->web_proxies[cfg->nweb_proxies++] = xstrdup(canon);
	}
	free(list);
	if (cfg->nweb_proxies > 0 && cfg->http_listen == NULL)
		sec_err(&sr, "proxy", "needs [http] listen: the pages are "
		    "served by vigild's HTTP listener");
}

/*
 * [summary] weekly = DAY HH:MM: when each manager's weekly summary goes,
 * in the default calendar's time.
 */
void
cfg_read_summary(struct cfg *cfg, struct diag *dg)
{
	static const char *const keys[] = { "weekly" };
	static const char *const days[] = { "monday", "tuesday", "wednesday",
	    "thursday", "friday", "saturday", "sunday" };
	struct sec_reader sr;
	const char *v;
	char day[16];
	int h, m, n = 0;

	sec_init(&sr, cfg->conf, "summary", dg);
	sec_keys(&sr, keys, nitems(keys));
	cfg->summary_day = -1;
	if ((v = sec_str(&sr, "weekly", NULL)) == NULL)
		return;
	if (sscanf(v, "%15s %2d:%2d%n", day, &h, &m, &n) != 3 ||
	    v[n] != '\0' || h > 23 || m > 59 || h < 0 || m < 0) {
		sec_err(&sr, "weekly", "a day and a time, e.g. monday 08:00");
		return;
	}
	for (size_t i = 0; i < nitems(days); i++)
		if (strcasecmp(day, days[i]) == 0)
			cfg->summary_day = (int)i;
	if (cfg->summary_day == -1)
		sec_err(&sr, "weekly", "\"%s\" is not a day of the week", day);
	cfg->summary_minute = h * 60 + m;
}

/* [metrics] */
void
cfg_read_metrics(struct cfg *cfg, struct diag *dg)
{
	static const char *const keys[] = { "file", "interval" };
	struct sec_reader sr;

	sec_init(&sr, cfg->conf, "metrics", dg);
	sec_keys(&sr, keys, nitems(keys));
	cfg->metrics_file = sec_path(&sr, "file");
	cfg->metrics_interval = sec_int(&sr, "interval", 15, 1, 3600);
}

/*
 * [access] relay = USER ...: the accounts that may say who did a thing.
 * [access] reference = ERE: what a case reference must look like.
 */
void
cfg_read_access(struct cfg *cfg, struct diag *dg)
{
	static const char *const keys[] = { "relay", "reference" };
	struct sec_reader sr;
	const char *v;
	char *list, *w, *save = NULL, why[256];
	int rc;

	sec_init(&sr, cfg->conf, "access", dg);
	sec_keys(&sr, keys, nitems(keys));
	if ((v = sec_str(&sr, "reference", NULL)) != NULL) {
		if ((rc = regcomp(&cfg->reference, v, REG_EXTENDED |
		    REG_NOSUB)) != 0) {
			regerror(rc, &cfg->reference, why, sizeof why);
			sec_err(&sr, "reference", "not an extended regular "
			    "expression: %s", why);
		} else
			cfg->has_reference = 1;
	}
	if ((v = sec_str(&sr, "relay", NULL)) == NULL)
		return;
	list = xstrdup(v);
	for (w = strtok_r(list, " ,", &save); w != NULL;
	    w = strtok_r(NULL, " ,", &save)) {
		if (!valid_unix_user(w)) {
			sec_err(&sr, "relay", "\"%s\" is not a user name", w);
			continue;
		}
		cfg->relays = xreallocarray(cfg->relays, cfg->nrelays + 1,
		    sizeof *cfg->relays);
		cfg->relays[cfg->nrelays++] = xstrdup(w);
	}
	free(list);
}
