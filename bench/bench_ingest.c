/*
 * bench_ingest.c: events per second into vigild through its control socket,
 * from 1, 8 and 64 concurrent clients that each behave like vigilctl
 * (connect, one request, wait for the durable reply, close), then from as
 * many that each keep one connection, as a case-management system would
 * (one request at a time, each waiting for its reply); then the anchor:
 * vigild's own statements through its store alone, over 64 cases, with
 * the same durability (WAL, synchronous=FULL), one event per transaction
 * and 64 to a transaction.  The one-thread run and the batched anchor
 * alternate over five rounds, and their ratio is the median round's.
 *
 *	bench_ingest -s SOCKET -d DIR [-t SECONDS]
 *
 * Run through bench/ingest, which starts a vigild for it.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "bench-client.h"
#include "vigild.h"

#define ROUNDS	5		/* of the one-thread run and its anchor */

static double run_seconds = 5;

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of ROUNDS figures (sorting a copy). */
static double
median(const double *v)
{
	double s[ROUNDS];

	memcpy(s, v, sizeof s);
	qsort(s, ROUNDS, sizeof *s, cmp_double);
	return s[ROUNDS / 2];
}

struct client {
	pthread_t thread;
	int	 clients, id;
	int	 fd;		/* its one connection; -1: one per request */
	long	 done;
	double	 until;
};

static void
send_update(int fd, char kind, int clients, int id, long n)
{
	char line[256];
	size_t len;

	len = (size_t)snprintf(line, sizeof line, "{\"cmd\":\"event\","
	    "\"ref\":\"ING/%c%d/%d\",\"event\":\"update\",\"fields\":"
	    "{\"risk\":\"%s\"}}\n", kind, clients, id,
	    n % 2 ? "standard" : "medium");
	if (write(fd, line, len) != (ssize_t)len)
		fatal("write");
}

static void *
client_run(void *arg)
{
	struct client *c = arg;
	char line[256];

	while (bench_now() < c->until) {
		snprintf(line, sizeof line, "{\"cmd\":\"event\",\"ref\":"
		    "\"ING/%c%d/%d\",\"event\":\"update\",\"fields\":"
		    "{\"risk\":\"%s\"}}\n", c->fd == -1 ? 'C' : 'K',
		    c->clients, c->id, c->done % 2 ? "standard" : "medium");
		if ((c->fd == -1 ? bench_request(line) : bench_exchange(c->fd, line)) == -1)
			exit(1);
		c->done++;
	}
	return NULL;
}

/* Events a second from so many clients, each keeping its connection. */
static double
vigild_rate(int clients, int keep)
{
	struct client *c = xcalloc((size_t)clients, sizeof *c);
	char line[256];
	double t0, until;
	long total = 0;

	for (int i = 0; i < clients; i++) {
		snprintf(line, sizeof line, "{\"cmd\":\"open\",\"ref\":"
		    "\"ING/%c%d/%d\",\"workflow\":\"domestic-abuse\","
		    "\"officer\":\"jo.bloggs\",\"risk\":\"standard\"}\n",
		    keep ? 'K' : 'C', clients, i);
		if (bench_request(line) == -1)
			exit(1);
	}
	t0 = bench_now();
	until = t0 + run_seconds;
	for (int i = 0; i < clients; i++) {
		c[i] = (struct client){ .clients = clients, .id = i,
		    .fd = keep ? bench_dial() : -1, .until = until };
		pthread_create(&c[i].thread, NULL, client_run, &c[i]);
	}
	for (int i = 0; i < clients; i++) {
		pthread_join(c[i].thread, NULL);
		total += c[i].done;
		if (c[i].fd != -1)
			close(c[i].fd);
	}
	free(c);
	return total / (bench_now() - t0);
}

static void
send_polled(int fd, int i, long n)
{
	send_update(fd, 'P', 64, i, n);
}

/* Events a second from 64 connections driven by one polling thread. */
static double
vigild_rate_one_thread(int conns)
{
	static const struct bench_proto socket_proto = { bench_dial,
	    send_polled, bench_line_complete };
	static int opened;	/* the cases, by the first round */
	char line[256];

	for (int i = 0; i < conns && !opened; i++) {
		snprintf(line, sizeof line, "{\"cmd\":\"open\",\"ref\":"
		    "\"ING/P%d/%d\",\"workflow\":\"domestic-abuse\","
		    "\"officer\":\"jo.bloggs\",\"risk\":\"standard\"}\n",
		    conns, i);
		if (bench_request(line) == -1)
			exit(1);
	}
	opened = 1;
	return bench_poll_rate(&socket_proto, conns, run_seconds);
}

/*
 * The anchor: vigild's own statements for an "update" event, through its
 * store, with nothing else of vigild (no socket, parsing, workflow engine
 * or reply): load the case, append the event to the hash chain, save the
 * case with its fields and deadlines, each event in a savepoint as
 * case_commit() makes it, over 64 cases, batch events to a transaction.
 */
static double
store_rate(const char *dir, int batch, long events)
{
	char *conf = xasprintf("%s/vigil.conf", dir), err[256], ref[32];
	char *path = xasprintf("%s/anchor-%d.db", dir, batch);
	struct wf_field f[2] = { { "officer", "jo.bloggs" },
	    { "risk", "standard" } };
	struct wf_event ev = { .name = "open", .by = "jo.bloggs",
	    .by_role = "officer", .fields = f, .nfields = 2 };
	struct store_event se = { .event = "update", .peer =
	    "uid=0(root) pid=1", .fields = "{\"risk\":\"medium\"}" };
	struct diag dg = { 0 };
	const struct workflow *wf;
	struct wf_case c, was;
	struct store *s;
	struct cfg *cfg;
	double t0;

	if ((cfg = cfg_load(conf, &dg)) == NULL) {
		diag_print(&dg, stderr);
		exit(1);
	}
	wf = wf_set_find(cfg->workflows, "domestic-abuse");
	unlink(path);
	if ((s = store_open(path, 0, err, sizeof err)) == NULL)
		fatalx("%s", err);
	ev.at = (int64_t)time(NULL);
	store_begin(s);
	for (int i = 0; i < 64; i++) {
		memset(&c, 0, sizeof c);
		snprintf(ref, sizeof ref, "RAW/%d", i);
		if (wf_open(wf, &cfg->conf->calendars, &c, ref, &ev, err,
		    sizeof err) == -1 ||
		    store_case_save(s, NULL, &c, ev.at + 3600) == -1)
			fatalx("%s: %s", ref, err);
		wf_case_free(&c);
	}
	store_commit(s);
	t0 = bench_now();
	for (long i = 0; i < events; i++) {
		if (i % batch == 0)
			store_begin(s);
		snprintf(ref, sizeof ref, "RAW/%ld", i % 64);
		se.ref = ref;
		se.at = se.recorded = ev.at + i;
		if (store_savepoint(s) == -1 ||
		    store_case_load(s, ref, &c) != 0)
			fatalx("load %s: %s", ref, store_errmsg(s));
		wf_case_copy(&was, &c);
		/* risk is the second field, by key; like each connection's
		 * events, each case's alternate, so every one writes it */
		free(c.fields[1].value);
		c.fields[1].value = xstrdup(i / 64 % 2 ? "standard" :
		    "medium");
		c.last_event = se.at;
		if (store_event_append(s, &se) == -1 ||
		    store_case_save(s, &was, &c, ev.at + 3600) == -1 ||
		    store_release(s) == -1)
			fatalx("%s: %s", ref, store_errmsg(s));
		wf_case_free(&was);
		wf_case_free(&c);
		if (i % batch == batch - 1 || i == events - 1)
			if (store_commit(s) == -1)
				fatalx("commit: %s", store_errmsg(s));
	}
	t0 = events / (bench_now() - t0);
	store_close(s);
	cfg_free(cfg);
	unlink(path);
	free(path);
	free(conf);
	return t0;
}

int
main(int argc, char **argv)
{
	static const int conc[] = { 1, 8, 64 };
	const char *dir = NULL;
	char label[80];
	double rate[nitems(conc)], kept[nitems(conc)], polled, r1, r64;
	double round_polled[ROUNDS], round_r64[ROUNDS], ratio[ROUNDS];
	int ch;

	log_init("bench_ingest", LOG_TO_STDERR, 4);
	while ((ch = getopt(argc, argv, "s:d:t:")) != -1) {
		switch (ch) {
		case 's':
			bench_socket = optarg;
			break;
		case 'd':
			dir = optarg;
			break;
		case 't':
			run_seconds = atof(optarg);
			break;
		default:
			fprintf(stderr, "usage: bench_ingest -s SOCKET -d DIR "
			    "[-t SECONDS]\n");
			return 2;
		}
	}
	if (bench_socket == NULL || dir == NULL) {
		fprintf(stderr, "usage: bench_ingest -s SOCKET -d DIR [-t SECONDS]\n");
		return 2;
	}
	printf("durable events per second (WAL, synchronous=FULL), %.0f s each\n",
	    run_seconds);
	for (size_t i = 0; i < nitems(conc); i++) {
		rate[i] = vigild_rate(conc[i], 0);
		snprintf(label, sizeof label, "vigild, %d client%s, a connection "
		    "per request (vigilctl)", conc[i], conc[i] == 1 ? "" : "s");
		printf("  %-56s %7.0f\n", label, rate[i]);
	}
	for (size_t i = 0; i < nitems(conc); i++) {
		kept[i] = vigild_rate(conc[i], 1);
		snprintf(label, sizeof label, "vigild, %d client%s, each keeping "
		    "its connection", conc[i], conc[i] == 1 ? "" : "s");
		printf("  %-56s %7.0f\n", label, kept[i]);
	}
	/*
	 * The disk's pace drifts from minute to minute on a shared machine:
	 * the one-thread run and the anchor alternate, and the ratio is the
	 * median of each round's own.
	 */
	for (int i = 0; i < ROUNDS; i++) {
		round_polled[i] = vigild_rate_one_thread(64);
		round_r64[i] = store_rate(dir, 64, 40000);
		ratio[i] = round_polled[i] / round_r64[i];
		printf("  round %d: vigild from one thread %.0f, anchor 64 per "
		    "commit %.0f, ratio %.2f\n", i + 1, round_polled[i],
		    round_r64[i], ratio[i]);
	}
	polled = median(round_polled);
	r64 = median(round_r64);
	r1 = store_rate(dir, 1, 2000);
	printf("  %-56s %7.0f\n", "vigild, 64 connections from one polling "
	    "thread (median)", polled);
	printf("  %-56s %7.0f\n", "anchor: vigild's statements alone, 1 per "
	    "commit", r1);
	printf("  %-56s %7.0f\n", "anchor: vigild's statements alone, 64 per "
	    "commit (median)", r64);
	printf("against the anchor batched by 64: 64 clients %.2f, keeping "
	    "connections %.2f, from one thread %.2f (the median of %d "
	    "rounds' own)\n", rate[2] / r64, kept[2] / r64, median(ratio),
	    ROUNDS);
	printf("against the anchor one per commit: 64 clients %.1f, keeping "
	    "connections %.1f, from one thread %.1f\n", rate[2] / r1,
	    kept[2] / r1, polled / r1);
	return 0;
}
