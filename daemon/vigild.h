/*
 * vigild.h: the daemon's own modules and the state they share.
 *
 *	cfg.c		everything a reload replaces at once, and reload
 *	cfg-read.c	vigil.conf's sections for the core: outbox, metrics
 *	cfg-reload.c	putting a new configuration in force
 *	loop.c		the libev loop: signals, group commit, shutdown
 *	control.c	the Unix socket and its clients, on the loop
 *	control-io.c	the socket's thread: reading, parsing, serialising
 *	req-*.c		one file per group of control commands
 *	cases.c		events applied to cases, steps fired, next instants
 *	sched.c		the one timer for the earliest pending instant
 *	escalate.c	who hears about an escalation step, and how
 *	away.c		staff away, and who covers for them
 *	outbox.c	messages: queued durably, digested, sent, retried
 *	deliver.c	the delivery threads
 *	notes.c		log lines held until their writes commit
 *	commits.c	whether the database commits; waiting while not
 *	deadman.c	the heartbeat, sent only while all is well
 *	http.c		the HTTP API: requests by the socket's own path
 *	purge.c		retention: closed cases purged after their time
 *	report-keep.c	the report's figures of a purged case, kept
 *	sdnotify.c	what systemd is told
 *	metrics.c	Prometheus figures in a file
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#ifndef VIGILD_H
#define VIGILD_H

#include <ev.h>
#include <jansson.h>
#include <sys/types.h>
#include <regex.h>

#include "conf.h"
#include "deliver.h"
#include "due.h"
#include "notifier.h"
#include "proto.h"
#include "rota.h"
#include "staff.h"
#include "store.h"
#include "template.h"
#include "workflow.h"

struct vigild;
struct MHD_Daemon;
struct hreq;
struct hconn;
/* quota.c: a token bucket per client */
struct quota;
struct quotas {
	struct quota *v;
	size_t	 n;
};

/* outbox.c: [outbox] and [quiet-hours]. */
struct outbox_conf {
	int	 digest_window;		/* seconds */
	int	 retry_first;		/* seconds before the first retry */
	int64_t	 retry_for;		/* seconds */
	int	 workers;		/* delivery threads per channel */
	int	 batch;			/* messages a thread sends at once */
	int64_t	 alarm_after;		/* seconds a channel may fail unheard */
	struct calendar *sms_hours;	/* when SMS may go, or NULL */
};

/* cfg.c: a configuration is used whole or not at all. */
struct cfg {
	struct conf *conf;
	struct wf_set *workflows;
	struct staff *staff;
	struct rota_set *rotas;		/* every rota a workflow names */
	struct notifier *notifiers[NOTIFY_NCHANNELS];	/* by channel */
	struct tpl_set *templates;
	struct outbox_conf ob;
	char	**relays;		/* [access] relay: unix user names */
	size_t	 nrelays;
	regex_t	 reference;		/* [access] reference, if has_reference */
	int	 has_reference;
	struct heartbeat_conf *heartbeat;	/* [heartbeat], or NULL */
	char	*http_listen;		/* [http] listen, or NULL: off */
	int	 http_connections;	/* [http] connections */
	int	 http_per_address;	/* [http] per_address */
	int	 http_rate;		/* [http] rate: requests a second a
					 * token may make (0: any) */
	int	 http_burst;		/* [http] burst: and at once */
	char	*http_cert;		/* PEM: TLS when set, with the key */
	char	*http_key;
	int	 summary_day;		/* [summary] weekly: 0 Monday .. 6, or
					 * -1: none */
	int	 summary_minute;	/* and minutes after midnight */
	char	**web_proxies;		/* [web] proxy: addresses believed */
	size_t	 nweb_proxies;		/* 0: no web view */
	char	*web_user_header;	/* [web] user_header */
	char	*ack_url;		/* [links] ack_url, or NULL: no links */
	int64_t	 ack_valid;		/* [links] ack_valid: seconds */
	char	*metrics_file;		/* [metrics] file, or NULL */
	int	 metrics_interval;	/* seconds */
	int64_t	 loaded_at;
	int	 inflight;		/* deliveries using its notifiers */
	struct cfg *next_retired;
};
struct cfg *cfg_load(const char *, struct diag *);
void	 cfg_free(struct cfg *);
int	 cfg_reload(struct vigild *, struct diag *);
void	 cfg_retire(struct vigild *, struct cfg *);
void	 cfg_release(struct vigild *, struct cfg *);
void	 cfg_free_retired(struct vigild *);

/* cfg-read.c */
void	 cfg_read_outbox(struct cfg *, struct diag *);
void	 cfg_free_outbox(struct outbox_conf *);
void	 cfg_read_metrics(struct cfg *, struct diag *);
void	 cfg_read_http(struct cfg *, struct diag *);
void	 cfg_read_access(struct cfg *, struct diag *);
void	 cfg_read_links(struct cfg *, struct diag *);
void	 cfg_read_web(struct cfg *, struct diag *);
void	 cfg_read_summary(struct cfg *, struct diag *);


/* A workflow version no longer in the files, rebuilt from the store. */
struct wf_old {
	struct workflow *wf;
	struct wf_old *next;
};

/* Who is on the other end of a control connection (SO_PEERCRED). */
struct peer {
	uid_t	 uid;
	pid_t	 pid;
	char	 user[64];
	char	 text[128];		/* "uid=1000(alice) pid=42" */
	const struct store_token *token;	/* HTTP: its bearer token */
};

/* access.c: who is asking, proven by the connection (SO_PEERCRED). */
enum principal_kind {
	PR_HOST,			/* root, or the user vigild runs as */
	PR_RELAY,			/* [access] relay: may say "by" */
	PR_STAFF			/* a member of staff, by unix_user */
};
#define PR_COVERING_MAX	8
struct principal {
	enum principal_kind kind;
	const struct staff_person *person;	/* PR_STAFF */
	const struct staff_person *by;		/* who the request acts for */
	/* PR_STAFF: those away whom the person covers for now (away.c). */
	const struct staff_person *covering[PR_COVERING_MAX];
	size_t	 ncovering;
};

/*
 * Where a request came from: who sent it, and how a reply given later
 * (work done off the loop) reaches that connection, if it is still there.
 * req_dispatch() fills in the principal.
 */
struct origin {
	const struct peer *peer;
	uint64_t id;
	void	(*later)(struct vigild *, uint64_t, json_t *);
	const struct principal *principal;
};
#define ACCESS_ADMINS	0x1		/* only administrators may */
#define ACCESS_CHANGES	0x2		/* it changes a case */
int	 access_known(struct vigild *, const struct peer *, struct principal *,
	    char *, size_t);
int	 access_check(struct vigild *, const struct peer *,
	    const struct request *, int, struct principal *, char *, size_t);
const char *access_name(const struct principal *);
int	 access_may_see(const struct principal *, const struct staff_person *);
int	 access_may_record_for(const struct principal *,
	    const struct staff_person *);

/* away.c */
const struct staff_person *away_cover(struct vigild *,
	    const struct staff_person *, int64_t, int *);
size_t	 away_covering(struct vigild *, const struct staff_person *, int64_t,
	    const struct staff_person **, size_t);
char	*access_visible(const struct cfg *, const struct principal *);

/* notes.c */
struct notes {
	struct note *v;
	size_t	 n, cap;
};

struct vigild {
	struct ev_loop *loop;
	const char *conf_path;		/* NULL: built-in defaults */
	struct cfg *cfg;
	struct store *store;
	struct wf_old *old_workflows;
	int64_t	 started;
	int	 foreground;
	int	 stopping;

	/* loop.c: signals, the group commit, the drain at a stop */
	ev_signal sig_hup, sig_term, sig_int;
	ev_prepare commit_hook;
	ev_idle	 commit_again;		/* a commit's hooks began another */
	ev_timer drain_timer;
	ev_tstamp drain_started;
	struct notes notes;		/* about the open transaction */

	/* commits.c: whether the database commits */
	struct {
		int64_t	 since;		/* failing since; 0 when it commits */
		int64_t	 failures;	/* commits that failed, ever */
		double	 backoff;	/* seconds to the next try */
		char	 error[256];	/* the first failure's reason */
		ev_timer retry;
	} db;

	/* sched.c: its timer */
	ev_periodic sched_timer;
	ev_timer sched_more;		/* the next batch, next iteration */
	int64_t	 sched_armed;		/* 0 when nothing is pending */
	struct {
		int64_t	 total;		/* due at start; 0 once caught up */
		int64_t	 done;
	} catchup;

	/* control.c: the socket and its clients */
	int	 listen_fd;
	ev_io	 listen_io;
	char	*socket_path;
	struct client *clients;
	size_t	 nclients;
	ev_async control_inbox;		/* its thread handed something over */
	struct ctlio *ctlio;		/* control-io.c: that thread */
	uint64_t next_client_id;
	struct peer last_peer;		/* the user name last looked up, */
	ev_tstamp last_peer_at;		/* and when */

	/* http.c: the HTTP API, when [http] listen is set */
	struct {
		struct MHD_Daemon *d;
		ev_io	 io;		/* its epoll descriptor */
		ev_timer timer;		/* its next timeout */
		struct hreq *held;	/* waiting for the commit */
		struct hconn *conns;	/* every connection open */
		ev_timer expiry;	/* the next request's deadline */
		int	 timeout;	/* client_timeout at the start */
		char	*cert, *key;	/* the PEMs it started with */
		struct quotas quotas;	/* each token's requests */
	} http;

	/* link.c: the acknowledgement links' key */
	unsigned char link_key[32];
	int	 link_key_ok;

	/* deadman.c: the heartbeat to an outside monitor */
	ev_timer hb_timer;
	const char *hb_withheld;	/* why pings stopped, or NULL */

	/* metrics.c and sdnotify.c: their timers */
	ev_periodic metrics_timer;
	ev_timer watchdog, sdn_status_timer;

	/* req-admin.c: an audit or backup running off the loop */
	struct offloop_job *offloop;
	ev_async offloop_done;
	ev_timer audit_timer;		/* the scheduled audit */
	ev_timer backup_timer;		/* the scheduled backup */
	ev_timer purge_timer;		/* purge.c: the daily purge */
	ev_periodic summary_timer;	/* summary.c: the weekly summary */

	/* outbox.c */
	struct {
		ev_async wake;		/* a delivery thread finished */
		ev_timer poke;		/* look for due messages soon */
		ev_periodic timer;	/* the next queued message's time */
		struct deliverer deliver[NOTIFY_NCHANNELS];
		struct job *pending;	/* to submit after the commit */
		struct job *unrecorded;	/* outcomes not yet written */
		struct job *recording;	/* written, waiting for the commit */
		int	 npending[NOTIFY_NCHANNELS];
		int64_t	 hold[NOTIFY_NCHANNELS];	/* Retry-After: not
							 * before this */
		int64_t	 sessions[NOTIFY_NCHANNELS];	/* opened, ever */
		int64_t	 last_ok[NOTIFY_NCHANNELS];	/* last delivered */
		int64_t	 messages[NOTIFY_NCHANNELS];	/* delivered */
		/* Delivered, by the highest escalation level each carries. */
		int64_t	 escalations[TPL_LEVELS + 1][NOTIFY_NCHANNELS];
		/* Tries that failed, by channel and why. */
		int64_t	 tries_failed[NOTIFY_NCHANNELS][OB_NREASONS];
		int64_t	 failing_since[NOTIFY_NCHANNELS]; /* 0: it works */
		int	 alarmed[NOTIFY_NCHANNELS];	/* the admins were told */
		int	 alarm_pending[NOTIFY_NCHANNELS]; /* told, not committed */
		char	 last_error[NOTIFY_ERR_MAX];
		int64_t	 last_error_at;
	} ob;
	struct cfg *retired;		/* cfg.c: replaced, deliveries out */

	/* seal.c */
	struct {
		int	 on;
		int	 pending;	/* a seal waits for the commit */
		int64_t	 epoch;		/* of the key held */
		unsigned char key[32];
		int64_t	 events;	/* what the pending seal covers */
		char	 head[STORE_HASH_LEN + 1];
		char	*path;		/* the key file */
		ev_timer timer;
	} seal;
};

/* seal.c */
int	 seal_setup(const char *);
int	 seal_start(struct vigild *, char *, size_t);
void	 seal_now(struct vigild *);
void	 seal_timer_cb(struct ev_loop *, ev_timer *, int);
void	 seal_committed(struct vigild *, int);
void	 seal_stop(struct vigild *);
int	 seal_check_tail(struct store *, const char *, char *, size_t);
int	 seal_verify(struct cfg *, const char *);

/* loop.c */
void	 loop_run(struct vigild *);
void	 loop_stop(struct vigild *);

/* control.c */
int	 control_listen(struct vigild *, char *, size_t);
void	 control_close(struct vigild *);
void	 control_committing(struct vigild *);
void	 control_committed(struct vigild *, int);
void	 control_reply(struct vigild *, uint64_t, json_t *);
void	 control_quiesce(struct vigild *);
int	 control_drained(const struct vigild *);

/*
 * req.c: every request goes through req_dispatch(), which finds its
 * handler in one table (req.c) by kind.  A handler returns the reply, or
 * NULL when the work goes off the loop and the reply will come through
 * the origin's later() to that connection.
 */
json_t	*req_dispatch(struct vigild *, const struct origin *, struct request *);
json_t	*req_dispatch_json(struct vigild *, const struct origin *, json_t *);
typedef json_t *req_fn(struct vigild *, const struct origin *,
	    struct request *);
req_fn	 req_open, req_event, req_migrate;		/* req-case.c */
req_fn	 req_show, req_list, req_status, req_outbox;	/* req-query.c */
req_fn	 req_reload, req_retry, req_backup, req_audit;	/* req-admin.c */
req_fn	 req_report;					/* report.c */
req_fn	 req_away;					/* away.c */
enum report_outcome {
	REPORT_ON_TIME, REPORT_LATE, REPORT_MISSED, REPORT_NOT_OWED,
	REPORT_OUTCOMES
};
extern const char *const report_outcome_name[REPORT_OUTCOMES];
enum report_outcome report_outcome(const struct store_report_deadline *,
	    int64_t);
int64_t	 report_month_start(const struct tz *, int, int);
char	*report_html(struct vigild *, const json_t *, const char *);
void	 req_admin_init(struct vigild *);
void	 req_admin_schedule(struct vigild *);
void	 req_admin_backups(struct vigild *);
void	 req_admin_finish(struct vigild *);
json_t	*req_ok(json_t *);
json_t	*req_refuse(const char *, ...) VIGIL_PRINTF(1, 2);
json_t	*req_refuse_kind(const char *, const char *, ...) VIGIL_PRINTF(2, 3);

/* cases.c */
const struct workflow *case_workflow(struct vigild *, const char *,
	    const char *);
int	 case_next_at(struct vigild *, const struct workflow *,
	    const struct wf_case *, int64_t *);
int	 case_commit(struct vigild *, const struct peer *,
	    const struct wf_case *, const struct wf_case *,
	    const struct workflow *, const struct wf_event *, int, int64_t,
	    int64_t *);
int	 case_fire_due(struct vigild *, const char *, int64_t);
json_t	*case_json(struct vigild *, const struct wf_case *, int64_t);
void	 case_forget_old_workflows(struct vigild *);
int	 case_store_workflows(struct vigild *);
int	 case_rebuild(struct vigild *);

/* hook.c: webhooks to the CMS (notifiers/webhook.c sends them) */
int	 hook_wanted(struct vigild *, enum hook_event);
int	 hook_missed(struct vigild *, const struct wf_case *,
	    const struct workflow *, const struct wf_deadline *, int64_t);
int	 hook_case(struct vigild *, const struct workflow *,
	    const struct wf_case *, const struct wf_case *,
	    const struct wf_event *, int64_t);
int	 hook_delivery(struct vigild *, enum hook_event,
	    const struct store_outbox_entry *, const char *, int64_t);

/* outbox.c (its rows: store.h) */
int	 outbox_init(struct vigild *);
void	 outbox_finish(struct vigild *);
int	 outbox_add(struct vigild *, const struct outbox_row *, int64_t);
int	 outbox_cancel_case(struct vigild *, const struct wf_case *,
	    const struct wf_case *);
void	 outbox_committed(struct vigild *, int);
void	 outbox_quiesce(struct vigild *);
int	 outbox_drained(const struct vigild *);
void	 outbox_undrained(struct vigild *, int);
void	 outbox_admin_alert(struct vigild *, enum tpl_kind, const char *, int,
	    int64_t);
void	 outbox_poke(struct vigild *);
int64_t	 outbox_depth(struct vigild *);
const char *outbox_status_name(int);
const char *outbox_reason_name(int);
/* Its pure parts, for the tests. */
int64_t	 outbox_backoff(int, int64_t, uint32_t (*)(uint32_t));
int64_t	 outbox_quiet(const struct calendar *, enum notify_channel, int,
	    int64_t);
int64_t	 outbox_not_before(int64_t, int64_t, int, int, int);

/* escalate.c */
int	 esc_step(struct vigild *, const struct wf_case *,
	    const struct workflow *, const struct wf_step *, int64_t);

/* metrics.c */
int	 metrics_reach(const char *, char *, size_t);
void	 metrics_start(struct vigild *);
void	 metrics_stop(struct vigild *);

/* notes.c */
void	 note_add(struct vigild *, int, const char *, ...) VIGIL_PRINTF(3, 4);
void	 notes_committed(struct vigild *, int);
void	 notes_free(struct vigild *);

/* commits.c */
void	 commits_init(struct vigild *);
void	 commits_failed(struct vigild *, const char *);
void	 commits_held(struct vigild *);
int	 commits_paused(const struct vigild *);

/* link.c: acknowledgement links */
struct link {
	char	*ref;
	uint32_t seq;			/* the deadline */
	int	 level;			/* of the message it came in */
	char	*staff;			/* whom it acknowledges as */
	int64_t	 expires;
};
enum link_state { LINK_OK, LINK_BAD, LINK_EXPIRED };
int	 link_start(struct vigild *, char *, size_t);
char	*link_make(struct vigild *, const char *, uint32_t, int, const char *,
	    int64_t);
enum link_state link_check(struct vigild *, const char *, struct link *,
	    int64_t);
void	 link_clear(struct link *);
char	*link_form_token(struct vigild *, const char *, int64_t);
int	 link_form_token_ok(struct vigild *, const char *, const char *,
	    int64_t);

/* html.c: pages for people; web-ack.c: the acknowledgement link's */
void	 html_text(struct buf *, const char *);
void	 html_start(struct buf *, const char *);
void	 html_end(struct buf *);
void	 html_term(struct buf *, const char *, const char *);
void	 html_para(struct buf *, const char *, const char *);
json_t	*web_ack(struct vigild *, const char *, int, const char *, int *);
char	*web_ack_page(struct vigild *, const json_t *);
/* web.c: the managers' pages */
struct web_req {
	const char *method;
	const char *path;		/* /web/... */
	const char *from;		/* the client's address */
	const char *user;		/* [web] user_header's value, or NULL */
	const char *body;		/* a form's, or "" */
	const char *from_month;		/* the report's query, or NULL */
	const char *to_month;
	const char *by;
};
json_t	*web_view(struct vigild *, const struct web_req *, int *);
char	*web_view_page(struct vigild *, const json_t *);

/* quota.c: requests a client may make */
int	 quota_take(struct quotas *, const char *, double, double, double,
	    int *);
void	 quotas_free(struct quotas *);

/* http.c */
struct sockaddr_storage;
int	 http_parse_listen(const char *, struct sockaddr_storage *, char *,
	    size_t);
int	 http_start(struct vigild *, char *, size_t);
void	 http_committed(struct vigild *, int);
void	 http_close(struct vigild *);

/* deadman.c */
void	 deadman_start(struct vigild *);
void	 deadman_stop(struct vigild *);
void	 deadman_finish(void);
int64_t	 deadman_last_ok(void);

/* report-keep.c */
int	 report_keep(struct vigild *, const char *, int64_t);

/* purge.c */
void	 purge_schedule(struct vigild *);
void	 purge_stop(struct vigild *);

/* summary.c */
int64_t	 summary_last(const struct tz *, int, int, int64_t);
void	 summary_schedule(struct vigild *);
void	 summary_stop(struct vigild *);
json_t	*req_purge(struct vigild *, const struct origin *, struct request *);

/* req-token.c */
json_t	*req_token_create(struct vigild *, const struct origin *,
	    struct request *);
json_t	*req_token_revoke(struct vigild *, const struct origin *,
	    struct request *);
json_t	*req_tokens(struct vigild *, const struct origin *, struct request *);
int	 sha256_text(const char *, char *);

/* detach.c */
void	 detach_start(void);
void	 detach_ready(void);

/* sdnotify.c */
void	 sdn_ready(struct vigild *);
void	 sdn_status(struct vigild *);
void	 sdn_reloading(void);
void	 sdn_reloaded(struct vigild *);
void	 sdn_stopping(struct vigild *);

/* sched.c */
void	 sched_init(struct vigild *);
void	 sched_consider(struct vigild *, int64_t);
void	 sched_rearm(struct vigild *);
void	 sched_poke(struct vigild *);
void	 sched_stop(struct vigild *);
void	 sched_start(struct vigild *);
int	 sched_behind(struct vigild *);

#endif
