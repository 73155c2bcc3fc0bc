/*
 * bench_ingest.c: events per second into vigild through its control socket,
 * from 1, 8 and 64 concurrent clients that each behave like vigilctl
 * (connect, one request, wait for the durable reply, close), then from as
 * many that each keep one connection, as a case-management system would
 * (one request at a time, each waiting for its reply); then raw
 * SQLite writing the same rows with the same durability (WAL,
 * synchronous=FULL), one event per transaction and batched.
 *
 *	bench_ingest -s SOCKET -d DIR [-t SECONDS]
 *
 * Run through bench/ingest, which starts a vigild for it.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bench-client.h"
#include "store.h"

static double run_seconds = 5;

struct client {
	pthread_t thread;
	int	 clients, id;
	int	 fd;		/* its one connection; -1: one per request */
	long	 done;
	double	 until;
};

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

/*
 * What vigild writes for one "update" of a newly opened case: the event,
 * the case row, its two fields and its one deadline (store_case_save).
 */
static const char *const raw_sql[] = {
	"INSERT INTO events (id, ref, event, at, recorded, by, role, peer, "
	"workflow, version, fields, hash) VALUES (?1, 'RAW/1', 'update', ?2, "
	"?2, NULL, NULL, 'uid=0(root) pid=1', NULL, NULL, "
	"'{\"risk\":\"medium\"}', "
	"'0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef')",
	"INSERT OR REPLACE INTO cases (ref, workflow, version, state, officer, "
	"opened, last_event, paused_at, next_seq, closed, next_at) VALUES "
	"('RAW/1', 'domestic-abuse', '0123456789ab', 'reported', 'jo.bloggs', "
	"?2, ?2, 0, 2, 0, ?2)",
	"DELETE FROM fields WHERE ref = 'RAW/1'",
	"INSERT INTO fields (ref, key, value) VALUES ('RAW/1', 'officer', "
	"'jo.bloggs')",
	"INSERT INTO fields (ref, key, value) VALUES ('RAW/1', 'risk', "
	"'medium')",
	"DELETE FROM deadlines WHERE ref = 'RAW/1'",
	"INSERT INTO deadlines (ref, seq, name, duration, started, due, "
	"status, closed_at, closed_by, acked_at, acked_by, urgent) VALUES "
	"('RAW/1', 1, 'initial-contact', '1 working day', ?2, ?2, 0, 0, NULL, "
	"0, NULL, 0)",
};

static double
raw_rate(const char *dir, int batch, long events)
{
	char *path = xasprintf("%s/raw-%d.db", dir, batch), err[256];
	sqlite3_stmt *st[nitems(raw_sql)];
	struct store *s;
	sqlite3 *db;
	double t0;
	long id = 0;

	unlink(path);
	/* vigild's schema, then a connection of the anchor's own, with the
	 * store's durability (WAL is the file's; synchronous is per link). */
	if ((s = store_open(path, 0, err, sizeof err)) == NULL)
		fatalx("%s", err);
	store_close(s);
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA synchronous = FULL", NULL, NULL,
	    NULL) != SQLITE_OK)
		fatalx("%s: %s", path, sqlite3_errmsg(db));
	for (size_t i = 0; i < nitems(raw_sql); i++)
		if (sqlite3_prepare_v2(db, raw_sql[i], -1, &st[i], NULL) !=
		    SQLITE_OK)
			fatalx("%s", sqlite3_errmsg(db));
	t0 = bench_now();
	while (id < events) {
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
		    SQLITE_OK)
			fatalx("%s", sqlite3_errmsg(db));
		for (int b = 0; b < batch && id < events; b++) {
			id++;
			for (size_t i = 0; i < nitems(raw_sql); i++) {
				sqlite3_bind_int64(st[i], 1, id);
				sqlite3_bind_int64(st[i], 2, 1775037600 + id);
				if (sqlite3_step(st[i]) != SQLITE_DONE)
					fatalx("%s", sqlite3_errmsg(db));
				sqlite3_reset(st[i]);
			}
		}
		if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
			fatalx("commit: %s", sqlite3_errmsg(db));
	}
	t0 = events / (bench_now() - t0);
	for (size_t i = 0; i < nitems(raw_sql); i++)
		sqlite3_finalize(st[i]);
	sqlite3_close(db);
	unlink(path);
	free(path);
	return t0;
}

int
main(int argc, char **argv)
{
	static const int conc[] = { 1, 8, 64 };
	const char *dir = NULL;
	char label[80];
	double rate[nitems(conc)], kept[nitems(conc)], r1, r64, r1000;
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
	r1 = raw_rate(dir, 1, 2000);
	r64 = raw_rate(dir, 64, 40000);
	r1000 = raw_rate(dir, 1000, 100000);
	printf("  %-56s %7.0f\n", "raw SQLite, 1 event per transaction", r1);
	printf("  %-56s %7.0f\n", "raw SQLite, 64 per transaction", r64);
	printf("  %-56s %7.0f\n", "raw SQLite, 1000 per transaction", r1000);
	printf("64 clients / raw batched by 64:   %.2f, keeping connections "
	    "%.2f\n", rate[2] / r64, kept[2] / r64);
	printf("64 clients / raw batched by 1000: %.2f, keeping connections "
	    "%.2f\n", rate[2] / r1000, kept[2] / r1000);
	printf("64 clients / raw one per commit:  %.1f, keeping connections "
	    "%.1f\n", rate[2] / r1, kept[2] / r1);
	return 0;
}
