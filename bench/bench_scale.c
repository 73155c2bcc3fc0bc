/*
 * bench_scale.c: vigild with a million open cases.
 *
 *	bench_scale -c CONF -v VIGILD [-n CASES] [-b BURST] [-k]
 *
 * Generates the database directly (the real engine and store, no socket):
 * CASES cases opened now, whose steps all lie ahead, and BURST cases at
 * immediate risk whose level-1 escalation falls due in the same second, a
 * little after vigild will have started.  Then starts vigild and reports
 * the time from exec to a served "status", its resident memory, and how
 * late the burst was handled.  -k keeps an existing database of the right
 * size instead of generating it again.  -o makes the burst fall due a
 * minute before vigild starts instead: catch-up after downtime, measured
 * from exec to ready (serving first) and to the last case handled.
 * vigild's log goes beside the database.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "vigild.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Open one case through the engine and store it as vigild would. */
static void
open_case(struct vigild *vd, const struct workflow *wf, const char *ref,
    int64_t at, int urgent, int64_t fired_before)
{
	struct wf_field f[3] = {
		{ "officer", "jo.bloggs" }, { "risk", "standard" },
		{ "immediate-risk", "yes" }
	};
	struct wf_event ev = { .name = "open", .at = at, .by = "jo.bloggs",
	    .by_role = "officer", .fields = f, .nfields = urgent ? 3 : 2 };
	struct store_event se = { .ref = ref, .event = "open", .at = at,
	    .recorded = at, .by = "jo.bloggs", .role = "officer",
	    .peer = "bench", .workflow = wf_name(wf), .version = wf_version(wf),
	    .fields = urgent ? "{\"immediate-risk\":\"yes\",\"officer\":"
	    "\"jo.bloggs\",\"risk\":\"standard\"}" :
	    "{\"officer\":\"jo.bloggs\",\"risk\":\"standard\"}" };
	struct wf_step steps[64];
	struct wf_case c = { 0 };
	char err[256];
	int64_t next;
	size_t n;

	if (wf_open(wf, &vd->cfg->conf->calendars, &c, ref, &ev, err,
	    sizeof err) == -1)
		fatalx("%s: %s", ref, err);
	/* Steps before the burst instant count as handled already. */
	n = wf_steps(wf, &vd->cfg->conf->calendars, &c, steps, nitems(steps));
	for (size_t i = 0; i < n && i < nitems(steps); i++)
		if (steps[i].at < fired_before &&
		    store_fire(vd->store, ref, &steps[i], at, "bench") == -1)
			fatalx("store_fire");
	if (store_event_append(vd->store, &se) == -1 ||
	    case_next_at(vd, wf, &c, &next) == -1 ||
	    store_case_save(vd->store, NULL, &c, next) == -1)
		fatalx("%s: %s", ref, store_errmsg(vd->store));
	wf_case_free(&c);
}

/* Send one request; 1 when vigild answered it as expected. */
static int
answered(const char *path, const char *req, const char *want)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char buf[4096];
	ssize_t n;
	int fd, ok = 0;

	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return 0;
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0 &&
	    write(fd, req, strlen(req)) == (ssize_t)strlen(req) &&
	    (n = read(fd, buf, sizeof buf - 1)) > 0) {
		buf[n] = '\0';
		ok = strstr(buf, want) != NULL;
	}
	close(fd);
	return ok;
}

static long
proc_kb(pid_t pid, const char *key)
{
	char path[64], line[256];
	long kb = -1;
	FILE *fp;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, fp) != NULL)
		if (strncmp(line, key, strlen(key)) == 0)
			kb = atol(line + strlen(key) + 1);
	fclose(fp);
	return kb;
}

static int64_t
count(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

int
main(int argc, char **argv)
{
	const char *conf = NULL, *vigild = NULL;
	long ncases = 1000000, burst = 10000;
	struct vigild vd = { 0 };
	struct diag dg = { 0 };
	const struct workflow *wf;
	char err[256], ref[64];
	int keep = 0, overdue = 0, ch, status;
	double t0, t_exec, t_ready, t_done = 0, limit;
	int64_t due, done = 0, gen_now, existing;
	sqlite3 *raw;
	sqlite3 *ro;
	pid_t pid;

	log_init("bench_scale", LOG_TO_STDERR, 4);
	while ((ch = getopt(argc, argv, "c:v:n:b:ko")) != -1) {
		switch (ch) {
		case 'c': conf = optarg; break;
		case 'v': vigild = optarg; break;
		case 'n': ncases = atol(optarg); break;
		case 'b': burst = atol(optarg); break;
		case 'k': keep = 1; break;
		case 'o': overdue = 1; break;
		default:
			fprintf(stderr, "usage: bench_scale -c CONF -v VIGILD "
			    "[-n CASES] [-b BURST] [-k] [-o]\n");
			return 2;
		}
	}
	if (conf == NULL || vigild == NULL)
		fatalx("usage: bench_scale -c CONF -v VIGILD [-n N] [-b B] [-k]");
	if ((vd.cfg = cfg_load(conf, &dg)) == NULL) {
		diag_print(&dg, stderr);
		return 1;
	}
	if ((vd.store = store_open(vd.cfg->conf->database, 0, err,
	    sizeof err)) == NULL)
		fatalx("%s", err);
	wf = wf_set_find(vd.cfg->workflows, "domestic-abuse");
	store_begin(vd.store);
	case_store_workflows(&vd);
	store_commit(vd.store);

	/* The harness's own SQL goes through a connection of its own. */
	if (sqlite3_open(vd.cfg->conf->database, &raw) != SQLITE_OK)
		fatalx("%s: %s", vd.cfg->conf->database, sqlite3_errmsg(raw));
	existing = count(raw, "SELECT count(*) FROM cases "
	    "WHERE ref LIKE 'S/%'");
	gen_now = (int64_t)now();
	if (!keep || existing != ncases) {
		t0 = now();
		sqlite3_exec(raw, "DELETE FROM cases; DELETE FROM "
		    "fields; DELETE FROM deadlines; DELETE FROM firings; DELETE "
		    "FROM events;", NULL, NULL, NULL);
		store_close(vd.store);
		vd.store = store_open(vd.cfg->conf->database, 0, err, sizeof err);
		for (long i = 0; i < ncases; i++) {
			if (i % 50000 == 0)
				store_begin(vd.store);
			snprintf(ref, sizeof ref, "S/%07ld", i);
			open_case(&vd, wf, ref, gen_now, 0, 0);
			if (i % 50000 == 49999 || i == ncases - 1)
				store_commit(vd.store);
		}
		printf("generated %ld open cases in %.1f s\n", ncases,
		    now() - t0);
	} else
		printf("kept %ld open cases\n", ncases);

	/* The burst: level 1 of a 1-hour deadline, all in one second. */
	due = overdue ? (int64_t)now() - 60 : (int64_t)now() + 8 + burst / 2000;
	/* A rerun's burst sends again: its old messages go too. */
	sqlite3_exec(raw, "DELETE FROM cases WHERE ref LIKE "
	    "'B/%'; DELETE FROM deadlines WHERE ref LIKE 'B/%'; DELETE FROM "
	    "fields WHERE ref LIKE 'B/%'; DELETE FROM firings WHERE ref LIKE "
	    "'B/%'; DELETE FROM outbox WHERE ref LIKE 'B/%'", NULL, NULL, NULL);
	store_begin(vd.store);
	for (long i = 0; i < burst; i++) {
		snprintf(ref, sizeof ref, "B/%05ld", i);
		open_case(&vd, wf, ref, due - 3600, 1, due);
	}
	store_commit(vd.store);
	store_close(vd.store);
	sqlite3_exec(raw, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
	sqlite3_close(raw);

	t_exec = t0 = now();
	if ((pid = fork()) == 0) {
		char *log = xasprintf("%s.log", vd.cfg->conf->database);
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fd != -1)
			dup2(fd, STDERR_FILENO);
		execl(vigild, vigild, "-f", "-c", conf, (char *)NULL);
		_exit(127);
	}
	/* Ready: answering a request (a case lookup, through the index). */
	while (!answered(vd.cfg->conf->socket,
	    "{\"cmd\":\"show\",\"ref\":\"S/0000001\"}\n", "\"ok\":true")) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			fatalx("vigild exited");
		usleep(2000);
	}
	t_ready = now() - t0;
	printf("%ld open cases: start to ready %.3f s (target < 1 s), "
	    "resident %ld KB (target < 65536 KB)\n", ncases + burst, t_ready,
	    proc_kb(pid, "VmRSS:"));
	t0 = now();
	if (!answered(vd.cfg->conf->socket, "{\"cmd\":\"status\"}\n",
	    "\"ok\":true"))
		fatalx("status failed");
	printf("vigilctl status: %.3f s%s\n", now() - t0,
	    overdue ? " (while catching up)" : "");
	t0 = now();
	if (!answered(vd.cfg->conf->socket, "{\"cmd\":\"list\","
	    "\"overdue\":true}\n", "\"ok\":true"))
		fatalx("list --overdue failed");
	printf("vigilctl list --overdue: %.3f s\n", now() - t0);
	if (!overdue && now() > due) {
		kill(pid, SIGTERM);
		waitpid(pid, &status, 0);
		fatalx("vigild was ready after the burst instant; rerun");
	}

	if (sqlite3_open_v2(vd.cfg->conf->database, &ro, SQLITE_OPEN_READONLY,
	    NULL) != SQLITE_OK)
		fatalx("%s", sqlite3_errmsg(ro));
	sqlite3_busy_timeout(ro, 1000);
	/* Catch-up goes at some 5,000 cases a second or better. */
	limit = (overdue ? t_exec : (double)due) + 30 + burst / 2000.0;
	while (now() < limit) {
		done = count(ro, "SELECT count(*) FROM firings WHERE ref LIKE "
		    "'B/%' AND level = 1");
		if (done >= burst) {
			t_done = now();
			break;
		}
		usleep(5000);
	}
	if (overdue)
		printf("%ld cases overdue at the start: serving %.3f s after "
		    "exec, all handled %.3f s after exec\n", burst, t_ready,
		    t_done ? t_done - t_exec : -1.0);
	else
		printf("%ld deadlines due at the same second: all handled "
		    "%.3f s after it (target < 1 s); latest recorded "
		    "fired_at - due = %lld s\n", burst, t_done ? t_done - due :
		    -1.0, (long long)count(ro, "SELECT max(fired_at - at) FROM "
		    "firings WHERE ref LIKE 'B/%' AND level = 1"));
	printf("peak resident %ld KB\n", proc_kb(pid, "VmHWM:"));
	sqlite3_close(ro);
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	cfg_free(vd.cfg);
	return done >= burst ? 0 : 1;
}
