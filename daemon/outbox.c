/*
 * outbox.c: the durable outbox.
 *
 * A firing writes its messages here in the same transaction that records
 * it, as facts (which case, which deadline, who, by which channel), never
 * as rendered text.  The loop thread picks what is due, renders it (several
 * messages to one address become one digest), marks the rows "sending" and,
 * once that is committed, hands the message to a delivery thread; the
 * outcome comes back to the loop thread, which alone writes it down.
 * Temporary failures retry after [outbox] retry_first, doubling each time
 * up to an hour, with jitter, until [outbox] retry_for has passed since
 * the message was made; then, or at a
 * permanent failure, the row fails and the admins group is told.  Rows
 * "sending" when vigild stopped are sent again at the next start: every
 * message carries an idempotency key (the email Message-ID).
 *
 * Digests: the first message to an address goes at once; another to the
 * same address within [outbox] digest_window waits for the end of the
 * window, and everything waiting for an address then goes as one message.
 * Quiet hours: an SMS outside [quiet-hours] sms waits for the next allowed
 * time.  Urgent deadlines (immediate risk) wait for neither.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "deliver.h"
#include "vigild.h"

#define DIGEST_MAX	30
#define BACKOFF_MAX	3600
#define OUTBOX_KEY_BYTES 16	/* of SHA-256 in a key: 128 bits */

static void record(struct vigild *, const struct job *, int64_t);

static const char *const status_names[] = {
	[OB_QUEUED] = "queued", [OB_SENT] = "sent", [OB_FAILED] = "failed",
	[OB_CANCELLED] = "cancelled", [OB_SENDING] = "sending",
};

/* "21:00-08:00": the SMS-allowed hours as a calendar, for cal_next_open. */
static struct calendar *
quiet_calendar(const struct conf *c, const char *quiet, struct sec_reader *nc)
{
	int h1, m1, h2, m2, a, b;
	struct calendar *cal;
	char hours[64], err[256];
	struct diag dg = { 0 };

	/* HH:MM-HH:MM, with 24:00 only as an end. */
	if (strlen(quiet) != 11 || quiet[2] != ':' || quiet[5] != '-' ||
	    quiet[8] != ':' || strspn(quiet, "0123456789:-") != 11 ||
	    sscanf(quiet, "%2d:%2d-%2d:%2d", &h1, &m1, &h2, &m2) != 4 ||
	    h1 > 23 || m1 > 59 || m2 > 59 || h2 > 24 ||
	    (h2 == 24 && m2 != 0) ||
	    (a = h1 * 60 + m1) == (b = h2 * 60 + m2) || (a == 0 && b == 1440)) {
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

/* [outbox] and [quiet-hours]. */
void
outbox_configure(struct cfg *cfg, struct diag *dg)
{
	static const char *const outbox_keys[] = {
		"digest_window", "retry_first", "retry_for", "workers"
	};
	static const char *const quiet_keys[] = { "sms" };
	const struct conf *c = cfg->conf;
	struct sec_reader nc;
	struct duration d;
	const char *v;
	char err[256];

	sec_init(&nc, c, "outbox", dg);
	sec_keys(&nc, outbox_keys, nitems(outbox_keys));
	cfg->ob.digest_window = sec_int(&nc, "digest_window", 120, 0, 3600);
	cfg->ob.retry_first = sec_int(&nc, "retry_first", 60, 1, 3600);
	cfg->ob.workers = sec_int(&nc, "workers", 2, 1, 16);
	cfg->ob.retry_for = 24 * 3600;
	if ((v = sec_str(&nc, "retry_for", NULL)) != NULL) {
		if (dur_parse(v, &d, err, sizeof err) == -1)
			sec_err(&nc, "retry_for", "%s", err);
		else if (dur_seconds(&d) <= 0)
			sec_err(&nc, "retry_for", "expected minutes, hours, days "
			    "or weeks of elapsed time");
		else
			cfg->ob.retry_for = dur_seconds(&d);
	}
	sec_init(&nc, c, "quiet-hours", dg);
	sec_keys(&nc, quiet_keys, nitems(quiet_keys));
	if ((v = sec_str(&nc, "sms", NULL)) != NULL)
		cfg->ob.sms_hours = quiet_calendar(c, v, &nc);
}

void
outbox_conf_free(struct outbox_conf *ob)
{
	cal_free(ob->sms_hours);
}

/* An opaque, stable key: no case data leaves in a Message-ID. */
static void
make_key(const char *prefix, const char *text, char *out, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen;
	size_t o = strlen(prefix);

	if (EVP_Digest(text, strlen(text), md, &mdlen, EVP_sha256(), NULL) != 1)
		fatalx("SHA-256 failed");
	if (o + 2 * OUTBOX_KEY_BYTES >= len)
		fatalx("make_key: no room for the key");
	memcpy(out, prefix, o);
	hex_encode(md, OUTBOX_KEY_BYTES, out + o);
}

static int64_t
one_int(struct vigild *vd, const char *sql, int ch, const char *address)
{
	sqlite3_stmt *st;
	int64_t v = 0;

	if (sqlite3_prepare_v2(store_db(vd->store), sql, -1, &st, NULL) !=
	    SQLITE_OK)
		return 0;
	sqlite3_bind_int(st, 1, ch);
	sqlite3_bind_text(st, 2, address, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* SMS outside quiet hours, unless urgent. */
static int64_t
quiet(struct vigild *vd, enum notify_channel ch, int urgent, int64_t nb)
{
	const struct calendar *hours = vd->cfg->ob.sms_hours;
	int64_t t;

	if (ch == NOTIFY_SMS && !urgent && hours != NULL &&
	    cal_next_open(hours, nb, &t) == 0)
		return t;
	return nb;
}

/* When a new message to this address may go: see the digest rule above. */
static int64_t
not_before(struct vigild *vd, const struct outbox_row *r, int64_t now)
{
	const struct outbox_conf *ob = &vd->cfg->ob;
	int64_t nb = now, last;

	if (r->urgent)
		return now;
	/* One on its way right now counts as sent now. */
	if (one_int(vd, "SELECT count(*) FROM outbox WHERE status = 4 AND "
	    "channel = ? AND address = ?", r->channel, r->address) > 0)
		last = now;
	else
		last = one_int(vd, "SELECT max(done_at) FROM outbox WHERE "
		    "status = 1 AND channel = ? AND address = ?", r->channel,
		    r->address);
	if (last != 0 && last + ob->digest_window > nb)
		nb = last + ob->digest_window;
	return quiet(vd, r->channel, r->urgent, nb);
}

/*
 * Queue one message, inside the caller's transaction.  Once per key.  -1
 * when it could not be written: the caller must not go on as if it were.
 */
int
outbox_add(struct vigild *vd, const struct outbox_row *r, int64_t now)
{
	sqlite3_stmt *st;
	char key[64], *text;
	int rc;

	if (r->about != 0)	/* again after a retry: created was reset */
		text = xasprintf("alert\n%lld\n%lld\n%s", (long long)r->about,
		    (long long)r->created, r->address);
	else
		text = xasprintf("%s\n%u\n%d\n%d\n%s\n%d", r->ref, r->seq,
		    r->level, r->rep, r->recipient, (int)r->channel);
	make_key("vigil-", text, key, sizeof key);
	free(text);
	if (sqlite3_prepare_v2(store_db(vd->store), "INSERT OR IGNORE INTO "
	    "outbox (key, kind, ref, seq, level, rep, deadline, title, action, "
	    "due, officer, acked_by, acked_at, about, recipient, to_name, "
	    "address, channel, urgent, status, created, not_before, attempts) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, "
	    "?, ?, 0)", -1, &st, NULL) != SQLITE_OK) {
		log_err("outbox: %s", store_errmsg(vd->store));
		return -1;
	}
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, (int)r->kind);
	sqlite3_bind_text(st, 3, r->ref, -1, SQLITE_STATIC);
	if (r->kind != TPL_ADMIN_ALERT) {	/* an alert is no step: NULL */
		sqlite3_bind_int64(st, 4, r->seq);
		sqlite3_bind_int(st, 5, r->level);
		sqlite3_bind_int(st, 6, r->rep);
	}
	sqlite3_bind_text(st, 7, r->deadline, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, r->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, r->action, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 10, r->due);
	sqlite3_bind_text(st, 11, r->officer, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, r->acked_by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 13, r->acked_at);
	sqlite3_bind_int64(st, 14, r->about);
	sqlite3_bind_text(st, 15, r->recipient, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 16, r->to_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 17, r->address, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 18, (int)r->channel);
	sqlite3_bind_int(st, 19, r->urgent);
	sqlite3_bind_int64(st, 20, now);
	sqlite3_bind_int64(st, 21, not_before(vd, r, now));
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	if (rc == -1)
		log_err("outbox: cannot queue a message for case %s: %s",
		    r->ref ? r->ref : "-", store_errmsg(vd->store));
	sqlite3_finalize(st);
	if (rc == 0)
		outbox_poke(vd);
	return rc;
}

static int
exec_ref(struct vigild *vd, const char *sql, const char *ref, uint32_t seq)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(store_db(vd->store), sql, -1, &st, NULL) !=
	    SQLITE_OK) {
		log_err("outbox: %s", store_errmsg(vd->store));
		return -1;
	}
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, seq);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	if (rc == -1)
		log_err("outbox: %s", store_errmsg(vd->store));
	sqlite3_finalize(st);
	return rc;
}

/*
 * After an event: nothing still queued about a deadline it met or
 * cancelled goes out, nor a repeat of one it acknowledged.  Only what the
 * event changed is looked at: a case's old deadlines cost nothing.
 */
int
outbox_cancel_case(struct vigild *vd, const struct wf_case *was,
    const struct wf_case *c)
{
	for (size_t i = 0; i < c->ndeadlines; i++) {
		const struct wf_deadline *d = &c->deadlines[i], *old = NULL;

		for (size_t j = 0; was != NULL && j < was->ndeadlines; j++)
			if (was->deadlines[j].seq == d->seq)
				old = &was->deadlines[j];
		if (d->status != WF_PENDING &&
		    (old == NULL || old->status == WF_PENDING)) {
			if (exec_ref(vd, "UPDATE outbox SET status = 3 WHERE "
			    "ref = ? AND seq = ? AND status = 0", c->ref,
			    d->seq) == -1)
				return -1;
		} else if (d->status == WF_PENDING && d->acked_at != 0 &&
		    (old == NULL || old->acked_at == 0)) {
			if (exec_ref(vd, "UPDATE outbox SET status = 3 WHERE "
			    "ref = ? AND seq = ? AND status = 0 AND rep > 0",
			    c->ref, d->seq) == -1)
				return -1;
		}
	}
	return 0;
}

/* The columns render() reads, in this order. */
#define ROW_COLUMNS "id, kind, ref, title, due, officer, action, level, rep, " \
	"acked_by, acked_at, to_name, about, key, urgent"

static const char *
col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* A failed row, for the admin alert about it: the item it was about. */
static int
alert_vars(struct vigild *vd, int64_t about, struct tpl_item *item,
    struct tpl_vars *v, char **strs)
{
	sqlite3_stmt *st;
	int rc = -1;

	if (sqlite3_prepare_v2(store_db(vd->store), "SELECT ref, title, due, "
	    "officer, action, level, rep, acked_by, acked_at, recipient, "
	    "channel, last_error FROM outbox WHERE id = ?", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, about);
	if (sqlite3_step(st) == SQLITE_ROW) {
		static const int c[6] = { 0, 1, 3, 4, 7, 9 };

		for (int i = 0; i < 6; i++)
			strs[i] = col(st, c[i]) ? xstrdup(col(st, c[i])) : NULL;
		strs[6] = xstrdup(col(st, 11) ? col(st, 11) : "unknown error");
		*item = (struct tpl_item){ .ref = strs[0], .deadline = strs[1],
		    .due = sqlite3_column_int64(st, 2), .officer = strs[2],
		    .action = strs[3], .level = sqlite3_column_int(st, 5),
		    .repeat = sqlite3_column_int(st, 6), .acked_by = strs[4],
		    .acked_at = sqlite3_column_int64(st, 8) };
		v->recipient = strs[5];
		v->channel = sqlite3_column_int(st, 10) == NOTIFY_SMS ? "SMS" :
		    "email";
		v->error = strs[6];
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

/*
 * The next message due on a channel: the earliest due row and everything
 * else due to the same address (one digest), rendered, its rows marked
 * "sending" in the loop's transaction.  NULL when nothing is due.
 */
static struct job *
next_job(struct vigild *vd, enum notify_channel ch, int64_t now)
{
	struct tpl_item items[DIGEST_MAX];
	char *strs[DIGEST_MAX][6], *astrs[7] = { 0 }, *address = NULL;
	struct tpl_vars v = { .now = now, .items = items };
	sqlite3 *db = store_db(vd->store);
	struct job *job = NULL;
	sqlite3_stmt *st = NULL;
	int64_t about = 0;
	enum tpl_kind kind = TPL_ESCALATION;
	char keys[DIGEST_MAX * 40] = "", key[64];
	size_t n = 0;

	memset(strs, 0, sizeof strs);
	if (sqlite3_prepare_v2(db, "SELECT address, kind, id FROM outbox "
	    "WHERE status = 0 AND channel = ? AND not_before <= ? "
	    "ORDER BY not_before, id LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int(st, 1, (int)ch);
	sqlite3_bind_int64(st, 2, now);
	if (sqlite3_step(st) != SQLITE_ROW)
		goto out;
	address = xstrdup(col(st, 0));
	kind = (enum tpl_kind)sqlite3_column_int(st, 1);
	sqlite3_finalize(st);
	/* Alerts go alone; the rest of an address's due rows go together. */
	if (sqlite3_prepare_v2(db, kind == TPL_ADMIN_ALERT ?
	    "SELECT " ROW_COLUMNS " FROM outbox WHERE status = 0 AND channel = ? "
	    "AND address = ? AND not_before <= ? AND kind = 3 ORDER BY id "
	    "LIMIT 1" :
	    "SELECT " ROW_COLUMNS " FROM outbox WHERE status = 0 AND channel = ? "
	    "AND address = ? AND not_before <= ? AND kind != 3 ORDER BY id "
	    "LIMIT 30", -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int(st, 1, (int)ch);
	sqlite3_bind_text(st, 2, address, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	job = xcalloc(1, sizeof *job);
	job->ids = xcalloc(DIGEST_MAX, sizeof *job->ids);
	while (n < DIGEST_MAX && sqlite3_step(st) == SQLITE_ROW) {
		job->ids[n] = sqlite3_column_int64(st, 0);
		kind = (enum tpl_kind)sqlite3_column_int(st, 1);
		for (int i = 0; i < 6; i++) {
			static const int c[6] = { 2, 3, 5, 6, 9, 11 };

			strs[n][i] = col(st, c[i]) ? xstrdup(col(st, c[i])) :
			    NULL;
		}
		items[n] = (struct tpl_item){ .ref = strs[n][0],
		    .deadline = strs[n][1], .due = sqlite3_column_int64(st, 4),
		    .officer = strs[n][2], .action = strs[n][3],
		    .level = sqlite3_column_int(st, 7),
		    .repeat = sqlite3_column_int(st, 8),
		    .acked_by = strs[n][4],
		    .acked_at = sqlite3_column_int64(st, 10) };
		about = sqlite3_column_int64(st, 12);
		if (n == 0) {
			job->msg.to_name = col(st, 11) ?
			    xstrdup(col(st, 11)) : NULL;
			snprintf(key, sizeof key, "%s", col(st, 13));
		}
		strncat(keys, col(st, 13), sizeof keys - strlen(keys) - 1);
		n++;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (n == 0) {
		deliver_free_jobs(job);
		job = NULL;
		goto out;
	}
	job->nids = n;
	v.nitems = n;
	if (n > 1) {
		kind = TPL_DIGEST;
		make_key("vigil-d-", keys, key, sizeof key);
	}
	if (kind == TPL_ADMIN_ALERT &&
	    alert_vars(vd, about, &items[0], &v, astrs) == -1) {
		log_err("outbox: admin alert %lld: the row it is about is gone",
		    (long long)job->ids[0]);
		v.recipient = "?";
		v.channel = "?";
		v.error = "?";
	}
	job->msg.id = job->ids[0];
	job->msg.channel = ch;
	job->msg.to = xstrdup(address);
	job->msg.key = xstrdup(key);
	if (ch == NOTIFY_EMAIL) {
		char *subject = NULL, *body = NULL;

		if (tpl_render_email(vd->cfg->templates, kind, &v, &subject,
		    &body) == 0) {
			job->msg.subject = subject;
			job->msg.body = body;
		}
	} else
		job->msg.body = tpl_render_sms(vd->cfg->templates, kind, &v);
	/* Not sent, not lost: retried as a failed delivery would be, so a
	 * template fixed by a reload still gets it out. */
	if (job->msg.body == NULL) {
		job->result = NOTIFY_TEMPFAIL;
		snprintf(job->err, sizeof job->err, "the %s template for this "
		    "message cannot be rendered", notify_channel_name(ch));
		log_err("outbox: message %lld: %s", (long long)job->ids[0],
		    job->err);
	}
	for (size_t i = 0; i < n; i++) {
		char sql[96];

		snprintf(sql, sizeof sql, "UPDATE outbox SET status = 4, "
		    "attempts = attempts + 1 WHERE id = %lld",
		    (long long)job->ids[i]);
		if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
			log_err("outbox: %s", sqlite3_errmsg(db));
	}
	job->cfg = vd->cfg;
	job->notifier = vd->cfg->notifiers[ch];
	vd->cfg->inflight++;
out:
	sqlite3_finalize(st);
	for (size_t i = 0; i < DIGEST_MAX; i++)
		for (int j = 0; j < 6; j++)
			free(strs[i][j]);
	for (size_t i = 0; i < nitems(astrs); i++)
		free(astrs[i]);
	free(address);
	return job;
}

static void
outbox_arm(struct vigild *vd)
{
	sqlite3_stmt *st;
	int64_t at = 0;

	if (sqlite3_prepare_v2(store_db(vd->store), "SELECT min(not_before) "
	    "FROM outbox WHERE status = 0", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_type(st, 0) != SQLITE_NULL)
			at = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	ev_periodic_stop(vd->loop, &vd->ob.timer);
	if (at == 0)
		return;
	ev_periodic_set(&vd->ob.timer, (ev_tstamp)at, 0, NULL);
	ev_periodic_start(vd->loop, &vd->ob.timer);
}

/* Give each idle delivery thread a message; they leave after the commit. */
static void
pump(struct vigild *vd)
{
	int64_t now = clock_now();

	if (vd->stopping)
		return;
	for (int ch = 0; ch < 2; ch++) {
		struct deliverer *d = &vd->ob.deliver[ch];
		struct job *job;

		while (d->busy + vd->ob.npending[ch] < d->nthreads) {
			if (store_write(vd->store) == -1 ||
			    (job = next_job(vd, (enum notify_channel)ch,
			    now)) == NULL)
				break;
			if (job->result != NOTIFY_OK) {
				record(vd, job, now);
				cfg_release(vd, job->cfg);
				deliver_free_jobs(job);
				continue;
			}
			job->next = vd->ob.pending;
			vd->ob.pending = job;
			vd->ob.npending[ch]++;
		}
	}
	outbox_arm(vd);
}

/* The "sending" marks are on disk (or not): send, or forget. */
void
outbox_committed(struct vigild *vd, int ok)
{
	struct job *job, *next;

	for (job = vd->ob.pending; job != NULL; job = next) {
		next = job->next;
		vd->ob.npending[job->msg.channel]--;
		if (ok)
			deliver_submit(&vd->ob.deliver[job->msg.channel], job);
		else {
			cfg_release(vd, job->cfg);
			job->next = NULL;
			deliver_free_jobs(job);
		}
	}
	vd->ob.pending = NULL;
	if (!ok)
		outbox_poke(vd);
}

/* An alert about row id to the admins: their shared address and phone,
 * or else each member by email. */
static void
alert(struct vigild *vd, const struct staff_group *g, int64_t id,
    int64_t created, const char *ref, const char *deadline, int64_t now)
{
	struct outbox_row row = { .kind = TPL_ADMIN_ALERT, .about = id,
	    .created = created, .ref = ref, .deadline = deadline,
	    .recipient = "group admins", .to_name = g->name, .urgent = 1 };

	if (g->email != NULL) {
		row.address = g->email;
		row.channel = NOTIFY_EMAIL;
		outbox_add(vd, &row, now);
	}
	if (g->mobile != NULL) {
		row.address = g->mobile;
		row.channel = NOTIFY_SMS;
		outbox_add(vd, &row, now);
	}
	for (size_t i = 0; g->email == NULL && g->mobile == NULL &&
	    i < g->nmembers; i++) {
		row.recipient = g->members[i]->id;
		row.to_name = g->members[i]->name;
		row.address = g->members[i]->email;
		row.channel = NOTIFY_EMAIL;
		outbox_add(vd, &row, now);
	}
}

static void
fail_row(struct vigild *vd, int64_t id, const char *err, int64_t now)
{
	const struct staff_group *admins = staff_group(vd->cfg->staff,
	    STAFF_ADMINS);
	char *ref = NULL, *deadline = NULL;
	int64_t created = 0;
	sqlite3_stmt *st;
	int tell = 0;

	if (sqlite3_prepare_v2(store_db(vd->store), "UPDATE outbox SET status "
	    "= 2, done_at = ?, last_error = ? WHERE id = ? RETURNING kind, "
	    "recipient, channel, created, ref, deadline", -1, &st, NULL) !=
	    SQLITE_OK)
		return;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_text(st, 2, err, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		log_err("outbox: message %lld to %s by %s failed for good: %s",
		    (long long)id, col(st, 1),
		    notify_channel_name(sqlite3_column_int(st, 2)), err);
		/* Tell the admins, unless this was already a word to them. */
		tell = sqlite3_column_int(st, 0) != TPL_ADMIN_ALERT &&
		    admins != NULL;
		created = sqlite3_column_int64(st, 3);
		ref = col(st, 4) ? xstrdup(col(st, 4)) : NULL;
		deadline = col(st, 5) ? xstrdup(col(st, 5)) : NULL;
	}
	sqlite3_finalize(st);
	if (tell)
		alert(vd, admins, id, created, ref, deadline, now);
	free(ref);
	free(deadline);
}

/* A delivery thread came back: write down what happened to each row. */
static void
record(struct vigild *vd, const struct job *job, int64_t now)
{
	sqlite3 *db = store_db(vd->store);

	for (size_t i = 0; i < job->nids; i++) {
		sqlite3_stmt *st;
		int64_t created = 0, attempts = 1, delay;
		int urgent = 0;

		if (job->result == NOTIFY_OK) {
			if (sqlite3_prepare_v2(db, "UPDATE outbox SET status = 1, "
			    "done_at = ?, message = ?, last_error = NULL WHERE "
			    "id = ?", -1, &st, NULL) != SQLITE_OK)
				continue;
			sqlite3_bind_int64(st, 1, now);
			sqlite3_bind_text(st, 2, job->msg.key, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 3, job->ids[i]);
			sqlite3_step(st);
			sqlite3_finalize(st);
			continue;
		}
		if (sqlite3_prepare_v2(db, "SELECT created, attempts, urgent "
		    "FROM outbox WHERE id = ?", -1, &st, NULL) == SQLITE_OK) {
			sqlite3_bind_int64(st, 1, job->ids[i]);
			if (sqlite3_step(st) == SQLITE_ROW) {
				created = sqlite3_column_int64(st, 0);
				attempts = sqlite3_column_int64(st, 1);
				urgent = sqlite3_column_int(st, 2);
			}
			sqlite3_finalize(st);
		}
		if (job->result == NOTIFY_PERMFAIL ||
		    now - created >= vd->cfg->ob.retry_for) {
			fail_row(vd, job->ids[i], job->err, now);
			continue;
		}
		/* retry_first, doubling, up to an hour, give or take a fifth. */
		delay = (int64_t)vd->cfg->ob.retry_first <<
		    (attempts > 13 ? 12 : attempts - 1);
		if (delay > BACKOFF_MAX)
			delay = BACKOFF_MAX;
		delay = delay * 4 / 5 + (int64_t)arc4random_uniform(
		    (uint32_t)(delay * 2 / 5 + 1));
		if (sqlite3_prepare_v2(db, "UPDATE outbox SET status = 0, "
		    "not_before = ?, last_error = ? WHERE id = ?", -1, &st,
		    NULL) != SQLITE_OK)
			continue;
		sqlite3_bind_int64(st, 1, quiet(vd, job->msg.channel, urgent,
		    now + delay));
		sqlite3_bind_text(st, 2, job->err, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, job->ids[i]);
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
	if (job->result == NOTIFY_OK)
		log_info("outbox: %s to %s sent (%zu item%s, key %s)",
		    notify_channel_name(job->msg.channel), job->msg.to_name ?
		    job->msg.to_name : "?", job->nids, job->nids == 1 ? "" : "s",
		    job->msg.key);
	else {
		log_warnx("outbox: %s to %s: %s (%s)",
		    notify_channel_name(job->msg.channel), job->msg.to_name ?
		    job->msg.to_name : "?", job->err,
		    notifier_result_name(job->result));
		snprintf(vd->ob.last_error, sizeof vd->ob.last_error, "%s",
		    job->err);
		vd->ob.last_error_at = now;
	}
}

static void
done_cb(struct ev_loop *loop, ev_async *w, int revents)
{
	struct vigild *vd = w->data;
	int64_t now = clock_now();
	struct job *done, *next;

	(void)loop;
	(void)revents;
	for (int ch = 0; ch < 2; ch++) {
		done = deliver_done(&vd->ob.deliver[ch]);
		if (done != NULL && store_write(vd->store) == -1)
			fatalx("outbox: cannot write delivery results");
		for (; done != NULL; done = next) {
			next = done->next;
			record(vd, done, now);
			cfg_release(vd, done->cfg);
			done->next = NULL;
			deliver_free_jobs(done);
		}
	}
	pump(vd);
}

static void
poke_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	pump(w->data);
}

static void
timer_cb(struct ev_loop *loop, ev_periodic *w, int revents)
{
	(void)loop;
	(void)revents;
	pump(w->data);
}

/* Something may be due: look in the next loop iteration. */
void
outbox_poke(struct vigild *vd)
{
	if (!ev_is_active(&vd->ob.poke))
		ev_timer_start(vd->loop, &vd->ob.poke);
}

int
outbox_init(struct vigild *vd)
{
	ev_async_init(&vd->ob.wake, done_cb);
	ev_timer_init(&vd->ob.poke, poke_cb, 0, 0);
	ev_periodic_init(&vd->ob.timer, timer_cb, 0, 0, NULL);
	vd->ob.wake.data = vd->ob.poke.data = vd->ob.timer.data = vd;
	ev_async_start(vd->loop, &vd->ob.wake);
	for (int ch = 0; ch < 2; ch++)
		deliver_start(&vd->ob.deliver[ch], vd->loop, &vd->ob.wake,
		    vd->cfg->ob.workers);
	/* In flight when vigild stopped: whether they arrived is unknown. */
	if (sqlite3_exec(store_db(vd->store), "UPDATE outbox SET status = 0 "
	    "WHERE status = 4", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	outbox_poke(vd);
	return 0;
}

void
outbox_finish(struct vigild *vd)
{
	for (int ch = 0; ch < 2; ch++)
		deliver_stop(&vd->ob.deliver[ch]);
	ev_async_stop(vd->loop, &vd->ob.wake);
	ev_timer_stop(vd->loop, &vd->ob.poke);
	ev_periodic_stop(vd->loop, &vd->ob.timer);
}

/* Messages waiting to go or on their way (status and the metrics). */
int64_t
outbox_depth(struct vigild *vd)
{
	sqlite3_stmt *st;
	int64_t depth = 0;

	if (sqlite3_prepare_v2(store_db(vd->store), "SELECT count(*) FROM "
	    "outbox WHERE status IN (0, 4)", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			depth = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	return depth;
}

const char *
outbox_status_name(int status)
{
	return status >= 0 && status < (int)nitems(status_names) ?
	    status_names[status] : "?";
}
