/*
 * metrics.c: Prometheus text-format metrics written to a file on a timer,
 * for node_exporter's textfile collector ([metrics] file, interval).  The
 * file is replaced whole (write, then rename), so the collector never
 * reads half of one.  Every figure comes from an index or a counter table,
 * so a write costs the same with ten cases or a million.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vigild.h"

/* Label values are names vigil checked, but escape as the format says. */
static void
label(FILE *fp, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', fp);
		if (*v == '\n')
			fputs("\\n", fp);
		else
			fputc(*v, fp);
	}
}

static void
help(FILE *fp, const char *name, const char *type, const char *text)
{
	fprintf(fp, "# HELP %s %s\n# TYPE %s %s\n", name, text, name, type);
}

/* A labelled figure: the metric and label names it is written under. */
struct metric_line {
	FILE	*fp;
	const char *metric;
	const char *label;
};

static void
by_name(void *arg, const char *name, int64_t n)
{
	struct metric_line *m = arg;

	fprintf(m->fp, "%s{%s=\"", m->metric, m->label);
	label(m->fp, name);
	fprintf(m->fp, "\"} %lld\n", (long long)n);
}

/*
 * Counts by level (-1: an alert to the admins, 0: a reminder, 1 to
 * TPL_LEVELS: escalations), channel and, for failures, reason.  Every
 * series is written, zero or not, from the start: a counter that appears
 * only at its first failure cannot be alerted on with increase().
 */
struct counts {
	int64_t	 n[TPL_LEVELS + 2][NOTIFY_NCHANNELS][OB_NREASONS];
};

/* Why a message fails for good, and why a try fails. */
static const enum outbox_reason failed_why[] = {
	OB_PERMFAIL, OB_EXPIRED, OB_RENDER
};
static const enum outbox_reason try_why[] = {
	OB_TEMPFAIL, OB_PERMFAIL, OB_RENDER
};

static void
outbox_count(void *arg, int level, enum notify_channel channel, int reason,
    int64_t n)
{
	struct counts *c = arg;

	if (level >= -1 && level <= TPL_LEVELS && (int)channel >= 0 &&
	    channel < NOTIFY_NCHANNELS && reason >= 0 && reason < OB_NREASONS)
		c->n[level + 1][channel][reason] += n;
}

/* One line of a series by level, channel and reason (-1: none). */
static void
level_line(FILE *fp, const char *metric, int level, int ch, int reason,
    int64_t n)
{
	if (level < 0)
		fprintf(fp, "%s{level=\"alert\"", metric);
	else
		fprintf(fp, "%s{level=\"%d\"", metric, level);
	fprintf(fp, ",channel=\"%s\"", notify_channel_name(ch));
	if (reason >= 0)
		fprintf(fp, ",reason=\"%s\"", outbox_reason_name(reason));
	fprintf(fp, "} %lld\n", (long long)n);
}

/* Escalation items delivered, and messages that failed for good, as the
 * database counts them: the figures survive a restart. */
static void
outbox_counts(struct vigild *vd, FILE *fp)
{
	struct counts c = { 0 };

	help(fp, "vigil_escalation_items_sent_total", "counter", "Reminders "
	    "and escalations delivered, counted per item (a digest of three "
	    "counts three), by level (0: reminder) and channel.");
	store_outbox_counts(vd->store, OB_SENT, outbox_count, &c);
	for (int lv = 0; lv <= TPL_LEVELS; lv++)
		for (int ch = 0; ch < NOTIFY_NCHANNELS; ch++)
			level_line(fp, "vigil_escalation_items_sent_total", lv,
			    ch, -1, c.n[lv + 1][ch][0]);
	help(fp, "vigil_delivery_failures_total", "counter", "Items that "
	    "failed for good, by level (alert: a word to the admins), channel "
	    "and reason (permfail: refused; expired: retry_for ran out; "
	    "render: the template failed).");
	memset(&c, 0, sizeof c);
	store_outbox_counts(vd->store, OB_FAILED, outbox_count, &c);
	for (int lv = -1; lv <= TPL_LEVELS; lv++)
		for (int ch = 0; ch < NOTIFY_NCHANNELS; ch++)
			for (size_t r = 0; r < nitems(failed_why); r++)
				level_line(fp, "vigil_delivery_failures_total",
				    lv, ch, failed_why[r],
				    c.n[lv + 1][ch][failed_why[r]]);
}

/* Counted since vigild started: escalation messages and failed tries. */
static void
outbox_messages(struct vigild *vd, FILE *fp)
{
	help(fp, "vigil_escalation_messages_sent_total", "counter", "Reminder "
	    "and escalation messages delivered since vigild started, by "
	    "channel and the highest level each carries: a digest is one.");
	for (int lv = 0; lv <= TPL_LEVELS; lv++)
		for (int ch = 0; ch < NOTIFY_NCHANNELS; ch++)
			level_line(fp, "vigil_escalation_messages_sent_total",
			    lv, ch, -1, vd->ob.escalations[lv][ch]);
	help(fp, "vigil_delivery_attempt_failures_total", "counter", "Tries "
	    "to deliver a message that failed since vigild started, by "
	    "channel and reason (tempfail: tried again later; permfail: "
	    "refused; render: the template failed).");
	for (int ch = 0; ch < NOTIFY_NCHANNELS; ch++)
		for (size_t r = 0; r < nitems(try_why); r++)
			fprintf(fp, "vigil_delivery_attempt_failures_total{"
			    "channel=\"%s\",reason=\"%s\"} %lld\n",
			    notify_channel_name(ch),
			    outbox_reason_name(try_why[r]),
			    (long long)vd->ob.tries_failed[ch][try_why[r]]);
}

/* A series by channel, one line each. */
static void
by_channel(FILE *fp, const char *metric, const int64_t *v)
{
	for (int ch = 0; ch < NOTIFY_NCHANNELS; ch++)
		fprintf(fp, "%s{channel=\"%s\"} %lld\n", metric,
		    notify_channel_name(ch), (long long)v[ch]);
}

static int
write_file(struct vigild *vd, const char *path, double lag)
{
	int64_t failing[NOTIFY_NCHANNELS];
	int64_t now = clock_now();
	char *tmp = xasprintf("%s.tmp", path), *buf = NULL;
	size_t len = 0;
	FILE *fp;
	int fd, ok, rc = 0;

	if ((fp = open_memstream(&buf, &len)) == NULL)
		fatal("open_memstream");
	help(fp, "vigil_open_cases", "gauge", "Open cases by workflow state.");
	store_open_cases(vd->store, by_name, &(struct metric_line){ fp,
	    "vigil_open_cases", "state" });
	help(fp, "vigil_missed_deadlines", "gauge",
	    "Deadlines past due and not met, by deadline name.");
	store_missed_deadlines(vd->store, now, by_name, &(struct metric_line){
	    fp, "vigil_missed_deadlines", "deadline" });
	outbox_counts(vd, fp);
	help(fp, "vigil_outbox_depth", "gauge", "Messages waiting to be sent.");
	fprintf(fp, "vigil_outbox_depth %lld\n", (long long)outbox_depth(vd));
	help(fp, "vigil_outbox_sessions_total", "counter", "Connections opened "
	    "to send messages (SMTP sessions, HTTP connections), by channel; "
	    "one carries a batch when the queue is long.");
	by_channel(fp, "vigil_outbox_sessions_total", vd->ob.sessions);
	help(fp, "vigil_messages_sent_total", "counter", "Messages delivered "
	    "since vigild started, by channel: one per email or SMS, however "
	    "many items it carries.");
	by_channel(fp, "vigil_messages_sent_total", vd->ob.messages);
	outbox_messages(vd, fp);
	help(fp, "vigil_outbox_last_success_timestamp_seconds", "gauge",
	    "When a channel last delivered a message (0: not since start).");
	by_channel(fp, "vigil_outbox_last_success_timestamp_seconds",
	    vd->ob.last_ok);
	help(fp, "vigil_channel_failing_seconds", "gauge", "How long a "
	    "channel has failed to deliver (0: it works).");
	for (int ch = 0; ch < NOTIFY_NCHANNELS; ch++)
		failing[ch] = vd->ob.failing_since[ch] ?
		    now - vd->ob.failing_since[ch] : 0;
	by_channel(fp, "vigil_channel_failing_seconds", failing);
	help(fp, "vigil_heartbeat_last_ok_timestamp_seconds", "gauge", "When "
	    "the [heartbeat] monitor last answered a ping (0: not yet).");
	fprintf(fp, "vigil_heartbeat_last_ok_timestamp_seconds %lld\n",
	    (long long)deadman_last_ok());
	help(fp, "vigil_database_commits", "gauge", "1 while the database "
	    "commits, 0 while it cannot (a full disk): nothing fires then.");
	fprintf(fp, "vigil_database_commits %d\n", vd->db.since == 0);
	help(fp, "vigil_database_commit_failures_total", "counter",
	    "Commits that failed.");
	fprintf(fp, "vigil_database_commit_failures_total %lld\n",
	    (long long)vd->db.failures);
	help(fp, "vigil_event_loop_lag_seconds", "gauge", "How late this "
	    "write's timer ran: what any timer may lag by.");
	fprintf(fp, "vigil_event_loop_lag_seconds %.6f\n", lag);
	help(fp, "vigil_build_info", "gauge", "The version running.");
	fprintf(fp, "vigil_build_info{version=\"%s\"} 1\n", PACKAGE_VERSION);
	help(fp, "vigil_metrics_written_timestamp_seconds", "gauge",
	    "When vigild wrote this file: a stale one means vigild is stuck.");
	fprintf(fp, "vigil_metrics_written_timestamp_seconds %lld\n",
	    (long long)now);
	fclose(fp);

	/* 0644 despite the umask: counts only, and node_exporter runs as
	 * another user. */
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ok = fd != -1 && fchmod(fd, 0644) == 0 && write_all(fd, buf, len) == 0;
	if (fd != -1 && close(fd) == -1)	/* closed whatever failed */
		ok = 0;
	if (!ok || rename(tmp, path) == -1) {
		log_warn("metrics: %s", path);
		if (fd != -1)
			unlink(tmp);
		rc = -1;
	}
	free(tmp);
	free(buf);
	return rc;
}

static void
metrics_cb(struct ev_loop *loop, ev_periodic *w, int revents)
{
	struct vigild *vd = w->data;
	int interval = vd->cfg->metrics_interval;
	double t = ev_time();

	(void)loop;
	(void)revents;
	/* It was due at the last multiple of the interval. */
	if (vd->cfg->metrics_file != NULL)
		write_file(vd, vd->cfg->metrics_file, fmod(t, interval));
}

/* The file's own folder, made readable by others if missing. */
static void
make_folder(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');

	if (slash != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) == 0 && chmod(dir, 0755) == -1)
			log_warn("metrics: chmod %s", dir);
	}
	free(dir);
}

/*
 * Can node_exporter, another user, read the file?  Every folder above it
 * must let others through, and its own folder list.  The folder itself
 * may be missing (vigild makes it), its parent not.  Returns 0, or -1 with
 * the folder that is missing, or 1 with the one that shuts others out.
 */
int
metrics_reach(const char *path, char *why, size_t len)
{
	char *dir = xstrdup(path), *slash;
	struct stat st;
	int rc = 0, own = 1;

	/* From the file's folder up to /: cut at the last '/' each time. */
	while (rc == 0 && (slash = strrchr(dir, '/')) != NULL) {
		slash[slash == dir] = '\0';
		if (stat(dir, &st) == -1) {
			if (!own || errno != ENOENT) {
				snprintf(why, len, "folder %s: %s", dir,
				    strerror(errno));
				rc = -1;
			}
		} else if ((st.st_mode & (own ? S_IROTH | S_IXOTH : S_IXOTH)) !=
		    (own ? S_IROTH | S_IXOTH : S_IXOTH)) {
			snprintf(why, len, "folder %s is mode %04o: node_exporter "
			    "(another user) cannot %s it", dir,
			    (unsigned)st.st_mode & 07777, own ? "list" : "pass through");
			rc = 1;
		}
		own = 0;
		if (strcmp(dir, "/") == 0)
			break;
	}
	free(dir);
	return rc;
}

/* (Re)start the timer for the configuration in force. */
void
metrics_start(struct vigild *vd)
{
	char why[PATH_MAX + 128];

	ev_periodic_stop(vd->loop, &vd->metrics_timer);
	if (vd->cfg->metrics_file == NULL)
		return;
	make_folder(vd->cfg->metrics_file);
	if (metrics_reach(vd->cfg->metrics_file, why, sizeof why) != 0)
		log_warnx("metrics: %s", why);
	ev_periodic_init(&vd->metrics_timer, metrics_cb, 0,
	    vd->cfg->metrics_interval, NULL);
	vd->metrics_timer.data = vd;
	ev_periodic_start(vd->loop, &vd->metrics_timer);
	write_file(vd, vd->cfg->metrics_file, 0);
}

void
metrics_stop(struct vigild *vd)
{
	ev_periodic_stop(vd->loop, &vd->metrics_timer);
}
