/*
 * bench_notify.c: how fast vigild's outbox drains to real servers on
 * loopback.
 *
 *	bench_notify -c CONF -v VIGILD -t THREADS [-n EMAILS] [-s SMS]
 *	    [-l HTTPLOG]
 *
 * The anchor, run first in this process: the email notifier configured
 * from the same file, called directly from one thread in batches of
 * [outbox] batch: the transport's own pace, with no outbox, database or
 * event loop.  Then EMAILS urgent escalations to as many managers (no
 * digest can merge them) are queued in a fresh database, vigild starts,
 * and the drain is timed from ready to an empty outbox; then SMS the same
 * way.  Sessions per message come from vigild's metrics, TLS handshakes
 * per message from the HTTPS server's log (-l), which numbers its
 * connections.  CONF must set [metrics] file = metrics.prom, interval = 1.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "bench-client.h"
#include "vigild.h"

static const char *conf_path, *vigild_path;

/* The anchor: n messages through the notifier alone, in batches. */
static double
anchor(struct cfg *cfg, long n)
{
	struct message *m = xcalloc((size_t)cfg->ob.batch, sizeof *m);
	struct message **p = xcalloc((size_t)cfg->ob.batch, sizeof *p);
	char to[64], key[64];
	double t0 = bench_now();

	for (long i = 0; i < n; i += cfg->ob.batch) {
		size_t k = 0;

		for (; k < (size_t)cfg->ob.batch && i + (long)k < n; k++) {
			snprintf(to, sizeof to, "a%ld@example.org", i + (long)k);
			snprintf(key, sizeof key, "anchor-%ld", i + (long)k);
			m[k] = (struct message){ .channel = NOTIFY_EMAIL,
			    .to = xstrdup(to), .to_name = "A Manager",
			    .subject = "Missed deadline: initial contact for "
			    "case Q/000001 (3 hours late)", .body = "Case "
			    "Q/000001: initial contact was due and is late.\n"
			    "https://cms.example/case/Q%2F000001\n",
			    .key = xstrdup(key) };
			p[k] = &m[k];
		}
		notifier_send(cfg->notifiers[NOTIFY_EMAIL], p, k);
		for (size_t j = 0; j < k; j++) {
			if (m[j].result != NOTIFY_OK)
				fatalx("anchor: %s", m[j].err);
			free((char *)m[j].to);
			free((char *)m[j].key);
		}
	}
	free(p);
	free(m);
	return n / (bench_now() - t0);
}

/* n urgent level-1 escalations on a channel, each to its own manager. */
static void
queue(struct cfg *cfg, enum notify_channel ch, long n)
{
	char err[256], ref[32], who[32], name[32], addr[64], key[64];
	int64_t now = (int64_t)time(NULL);
	struct store *s;

	unlink(cfg->conf->database);
	if ((s = store_open(cfg->conf->database, 0, err, sizeof err)) == NULL)
		fatalx("%s", err);
	store_begin(s);
	for (long i = 0; i < n; i++) {
		snprintf(ref, sizeof ref, "Q/%06ld", i);
		snprintf(who, sizeof who, "m%ld", i);
		snprintf(name, sizeof name, "Manager %ld", i);
		if (ch == NOTIFY_EMAIL)
			snprintf(addr, sizeof addr, "m%ld@example.org", i);
		else
			snprintf(addr, sizeof addr, "+4477009%05ld", i);
		snprintf(key, sizeof key, "bench-%s-%ld",
		    notify_channel_name(ch), i);
		struct outbox_row r = { .kind = TPL_ESCALATION, .ref = ref,
		    .seq = 1, .level = 1, .deadline = "initial-contact",
		    .title = "initial contact", .action = "Make first contact "
		    "with the person by the agreed safe method.",
		    .due = now - 3 * 3600, .officer = "Jo Bloggs",
		    .recipient = who, .to_name = name, .address = addr,
		    .channel = ch, .urgent = 1 };

		if (store_outbox_add(s, &r, key, now, now) == -1)
			fatalx("%s", store_errmsg(s));
	}
	if (store_commit(s) == -1)
		fatalx("%s", store_errmsg(s));
	store_close(s);
}

static long
field(const char *text, const char *name)
{
	const char *p = strstr(text, name);

	return p == NULL ? -1 : atol(p + strlen(name));
}

/* A metric's value from the metrics file, once it shows an empty outbox. */
static long
final_metric(const char *path, const char *name)
{
	char buf[8192];
	long v = -1;

	for (int tries = 0; tries < 100 && v == -1; tries++) {
		int fd = open(path, O_RDONLY);
		ssize_t n = fd == -1 ? -1 : read(fd, buf, sizeof buf - 1);

		if (fd != -1)
			close(fd);
		buf[n > 0 ? n : 0] = '\0';
		if (strstr(buf, "\nvigil_outbox_depth 0\n") != NULL)
			v = field(buf, name);
		else
			usleep(100000);
	}
	return v;
}

static long
cpu_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	FILE *fp;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	p = fgets(buf, sizeof buf, fp);
	fclose(fp);
	if (p == NULL || (p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
	    "%lu %lu", &ut, &st) != 2)
		return -1;
	return (long)(ut + st);
}

/* Start vigild on the queued database and time the drain. */
static double
drain(struct cfg *cfg, enum notify_channel ch, long n, int threads,
    double anchor_rate)
{
	char buf[4096], *metrics = xasprintf("%s/metrics.prom",
	    cfg->conf->dir), *name;
	double t0, rate;
	long depth = -1, ticks, sessions;
	pid_t pid;
	int fd, status;

	unlink(metrics);
	if ((pid = fork()) == 0) {
		char *log = xasprintf("%s.log", cfg->conf->database);

		if ((fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600)) != -1)
			dup2(fd, STDERR_FILENO);
		execl(vigild_path, vigild_path, "-f", "-c", conf_path,
		    (char *)NULL);
		_exit(127);
	}
	bench_socket = cfg->conf->socket;
	while (access(bench_socket, F_OK) == -1) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			fatalx("vigild exited");
		usleep(2000);
	}
	t0 = bench_now();
	fd = bench_dial();
	while (depth != 0) {
		if (bench_ask(fd, "{\"cmd\":\"status\"}\n", buf,
		    sizeof buf) == -1)
			fatalx("status: %s", buf);
		if ((depth = field(buf, "\"outbox_depth\":")) != 0)
			usleep(20000);
	}
	rate = n / (bench_now() - t0);
	close(fd);
	ticks = cpu_ticks(pid);
	name = xasprintf("vigil_outbox_sessions_total{channel=\"%s\"} ",
	    notify_channel_name(ch));
	sessions = final_metric(metrics, name);
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	printf("%ld %s, %d delivery thread%s: %.0f messages/s, %.0f per "
	    "thread", n, ch == NOTIFY_EMAIL ? "emails" : "SMS", threads,
	    threads == 1 ? "" : "s", rate, rate / threads);
	if (anchor_rate > 0)
		printf(" (%.2f of the anchor)", rate / threads / anchor_rate);
	printf(";\n  vigild CPU %.3f ms a message, %.3f sessions a message\n",
	    ticks * 1000.0 / sysconf(_SC_CLK_TCK) / n, (double)sessions / n);
	free(name);
	free(metrics);
	return rate;
}

/* TLS handshakes per request, from the HTTPS server's own log. */
static void
handshakes(const char *log)
{
	json_error_t je;
	char line[8192];
	long requests = 0, conns = 0;
	FILE *fp = fopen(log, "r");

	if (fp == NULL)
		fatal("%s", log);
	while (fgets(line, sizeof line, fp) != NULL) {
		json_t *j = json_loads(line, 0, &je);
		long c = (long)json_integer_value(json_object_get(j,
		    "connection"));

		requests++;
		if (c > conns)
			conns = c;
		json_decref(j);
	}
	fclose(fp);
	printf("  the HTTPS server: %ld requests on %ld connections: %.3f TLS "
	    "handshakes a message\n", requests, conns,
	    requests ? (double)conns / requests : 0.0);
}

int
main(int argc, char **argv)
{
	const char *httplog = NULL;
	long nemail = 200000, nsms = 5000, nanchor;
	struct diag dg = { 0 };
	struct cfg *cfg;
	double a;
	int ch, threads = 1;

	log_init("bench_notify", LOG_TO_STDERR, 4);
	while ((ch = getopt(argc, argv, "c:v:t:n:s:l:")) != -1) {
		switch (ch) {
		case 'c': conf_path = optarg; break;
		case 'v': vigild_path = optarg; break;
		case 't': threads = atoi(optarg); break;
		case 'n': nemail = atol(optarg); break;
		case 's': nsms = atol(optarg); break;
		case 'l': httplog = optarg; break;
		default:
			fatalx("usage: bench_notify -c CONF -v VIGILD -t THREADS "
			    "[-n EMAILS] [-s SMS] [-l HTTPLOG]");
		}
	}
	if (conf_path == NULL || vigild_path == NULL)
		fatalx("usage: bench_notify -c CONF -v VIGILD -t THREADS ...");
	signal(SIGPIPE, SIG_IGN);
	if ((cfg = cfg_load(conf_path, &dg)) == NULL) {
		diag_print(&dg, stderr);
		return 1;
	}
	nanchor = nemail < 20000 ? nemail : 20000;
	a = anchor(cfg, nanchor);
	printf("anchor: the email notifier alone, one thread, batches of %d: "
	    "%.0f messages/s\n", cfg->ob.batch, a);
	if (nemail > 0) {
		queue(cfg, NOTIFY_EMAIL, nemail);
		drain(cfg, NOTIFY_EMAIL, nemail, threads, a);
	}
	if (nsms > 0) {
		queue(cfg, NOTIFY_SMS, nsms);
		drain(cfg, NOTIFY_SMS, nsms, threads, 0);
		if (httplog != NULL)
			handshakes(httplog);
	}
	cfg_free(cfg);
	return 0;
}
