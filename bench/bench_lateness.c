/*
 * bench_lateness.c: how late deadlines fire while vigild is under load.
 *
 *	bench_lateness -s SOCKET -d DIR [-n DEADLINES] [-c CLIENTS] [-w SECONDS]
 *
 * Opens DEADLINES cases at immediate risk whose level-1 escalation falls
 * due spread over a window of SECONDS, then, while they fall due, has
 * CLIENTS clients each send events as fast as vigild takes them over a
 * connection it keeps (as a case-management system would).  The anchor is
 * the same run with no clients, in the same process.  Lateness is when
 * vigild recorded each firing less when it was due, from the firings
 * table (whole seconds: 0 is within the second).  Run through
 * bench/lateness, which starts a vigild for it.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <getopt.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bench-client.h"
#include "vigil.h"

#define DUE_AFTER	5	/* seconds from set-up to the first due */
#define FIRE_WAIT	60	/* seconds to wait for the last firing */

static const char *dir;
static int ndeadlines = 2000, nclients = 64, window = 20;

struct loader {
	pthread_t thread;
	int	 phase, id, fd;
	long	 done;
	double	 until;
};

static void *
loader_run(void *arg)
{
	struct loader *l = arg;
	char line[256];

	while (bench_now() < l->until) {
		snprintf(line, sizeof line, "{\"cmd\":\"event\",\"ref\":"
		    "\"LOAD/%d/%d\",\"event\":\"update\",\"fields\":"
		    "{\"risk\":\"%s\"}}\n", l->phase, l->id,
		    l->done % 2 ? "standard" : "medium");
		if (bench_exchange(l->fd, line) == -1)
			exit(1);
		l->done++;
	}
	return NULL;
}

static int
by_value(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The level-1 firings of a phase's cases: how many, and their lateness. */
static size_t
lateness(int phase, int64_t *late, size_t max)
{
	char *path = xasprintf("%s/vigil.db", dir), like[32];
	sqlite3 *db;
	sqlite3_stmt *st;
	size_t n = 0;

	snprintf(like, sizeof like, "LAT/%d/%%", phase);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK || sqlite3_busy_timeout(db, 5000) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT fired_at - at FROM firings WHERE "
	    "ref LIKE ? AND level = 1", -1, &st, NULL) != SQLITE_OK)
		fatalx("%s: %s", path, sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, like, -1, SQLITE_STATIC);
	while (n < max && sqlite3_step(st) == SQLITE_ROW)
		late[n++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(path);
	return n;
}

/* One run: open the deadlines, load vigild while they fall due, report. */
static void
phase(int id, int clients)
{
	struct loader *l = xcalloc((size_t)clients ? (size_t)clients : 1,
	    sizeof *l);
	int64_t *late = xcalloc((size_t)ndeadlines, sizeof *late);
	time_t base = time(NULL) - 3600 + DUE_AFTER;
	int fd = bench_dial();
	double t0, until, deadline;
	long events = 0;
	char line[320], at[32];
	size_t n = 0;

	for (int i = 0; i < clients; i++) {
		snprintf(line, sizeof line, "{\"cmd\":\"open\",\"ref\":"
		    "\"LOAD/%d/%d\",\"workflow\":\"domestic-abuse\","
		    "\"officer\":\"jo.bloggs\",\"risk\":\"standard\"}\n", id, i);
		if (bench_exchange(fd, line) == -1)
			exit(1);
	}
	/* Opened an hour (less a little) ago: the 1-hour contact deadline
	 * of each falls due in the window ahead. */
	for (int i = 0; i < ndeadlines; i++) {
		time_t t = base + (time_t)((int64_t)i * window / ndeadlines);

		strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
		snprintf(line, sizeof line, "{\"cmd\":\"open\",\"ref\":"
		    "\"LAT/%d/%d\",\"workflow\":\"domestic-abuse\","
		    "\"officer\":\"jo.bloggs\",\"risk\":\"high\","
		    "\"flags\":[\"immediate-risk\"],\"at\":\"%s\"}\n", id, i, at);
		if (bench_exchange(fd, line) == -1)
			exit(1);
	}
	close(fd);
	if (time(NULL) > base + 3600)
		fatalx("set-up took longer than %d s: lower -n", DUE_AFTER);

	t0 = bench_now();
	until = t0 + (double)(base + 3600 - time(NULL)) + window + 2;
	for (int i = 0; i < clients; i++) {
		l[i] = (struct loader){ .phase = id, .id = i,
		    .fd = bench_dial(), .until = until };
		pthread_create(&l[i].thread, NULL, loader_run, &l[i]);
	}
	for (int i = 0; i < clients; i++) {
		pthread_join(l[i].thread, NULL);
		events += l[i].done;
		close(l[i].fd);
	}
	if (clients == 0)
		while (bench_now() < until)
			usleep(100000);
	/* Whatever is still unfired fires now the load has stopped: a
	 * firing that waited for that counts, as late as it was. */
	deadline = bench_now() + FIRE_WAIT;
	while ((n = lateness(id, late, (size_t)ndeadlines)) <
	    (size_t)ndeadlines && bench_now() < deadline)
		usleep(200000);
	if (n < (size_t)ndeadlines)
		fatalx("only %zu of %d deadlines fired", n, ndeadlines);
	qsort(late, n, sizeof *late, by_value);
	if (clients > 0)
		printf("%2d clients, %6.0f events/s: ", clients,
		    events / (until - t0));
	else
		printf("no load (anchor):            ");
	printf("%d deadlines over %d s, lateness p50 %lld s, p99 %lld s, "
	    "max %lld s\n", ndeadlines, window, (long long)late[n / 2],
	    (long long)late[n * 99 / 100], (long long)late[n - 1]);
	free(late);
	free(l);
}

int
main(int argc, char **argv)
{
	int ch;

	log_init("bench_lateness", LOG_TO_STDERR, 6);
	while ((ch = getopt(argc, argv, "s:d:n:c:w:")) != -1) {
		switch (ch) {
		case 's':
			bench_socket = optarg;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'n':
			ndeadlines = atoi(optarg);
			break;
		case 'c':
			nclients = atoi(optarg);
			break;
		case 'w':
			window = atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (bench_socket == NULL || dir == NULL || ndeadlines < 1 ||
	    nclients < 1 || window < 1)
		goto usage;
	phase(0, 0);
	phase(1, nclients);
	return 0;
usage:
	fprintf(stderr, "usage: bench_lateness -s SOCKET -d DIR [-n DEADLINES] "
	    "[-c CLIENTS] [-w SECONDS]\n");
	return 2;
}
