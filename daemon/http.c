/*
 * http.c: the HTTP/1.1 JSON API ([http] listen), for a case-management
 * system on another host.  GNU libmicrohttpd runs inside the libev loop:
 * its epoll descriptor is watched like any socket and MHD_run() does the
 * work when it is ready, never blocking.  Each request is turned into the
 * control protocol's JSON and goes through proto_parse() and
 * req_dispatch(), the socket's own path: one set of checks, one set of
 * permissions.  A bearer token says who asks.  As on the socket, a change
 * is answered only once its commit holds: the connection is suspended
 * until then.  As on the socket, a request must arrive whole within
 * client_timeout, however its bytes dribble in: MHD's own timeout only
 * counts silence, which a byte a second never is.
 *
 *	POST /v1/cases			open	(201)
 *	POST /v1/cases/REF/events	event
 *	POST /v1/cases/REF/ack		ack
 *	GET  /v1/cases/REF		show
 *	GET  /v1/cases?overdue=true&...	list
 *	GET  /v1/status			status
 *
 * and, for people rather than programs, the page an acknowledgement link
 * opens (web-ack.c), which needs no token: the link is its own proof; and
 * the managers' pages (web.c), signed in by a single sign-on proxy.
 *
 *	GET  /ack/TOKEN			what it would acknowledge
 *	POST /ack/TOKEN			acknowledge
 *	GET  /web/...			see web.c
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "vigild.h"

#define HTTP_BODY_MAX	(64 * 1024)	/* as a socket request's line */

/* One request, across the calls MHD makes for it. */
struct hreq {
	struct buf body;
	int	 too_large;
	int	 held;			/* suspended until the commit */
	/* A person's page rather than JSON: made from the reply. */
	char	*(*page)(struct vigild *, const json_t *);
	json_t	*reply;			/* ready to send */
	int	 status;
	struct hreq *next;		/* in the list of held ones */
	struct MHD_Connection *conn;
};

/* One connection, for its request's deadline. */
struct hconn {
	struct MHD_Connection *conn;
	double	 deadline;		/* clock_mono() by which the request
					 * on its way must be whole; 0: none */
	struct hconn *prev, *next;	/* in the list of them all */
};

/* The status of a reply; a case opened is 201. */
static int
status_of(int open, json_t *reply)
{
	const char *kind = json_string_value(json_object_get(reply, "kind"));

	if (json_is_true(json_object_get(reply, "ok")))
		return open ? MHD_HTTP_CREATED : MHD_HTTP_OK;
	if (kind == NULL)
		return MHD_HTTP_BAD_REQUEST;
	if (strcmp(kind, "not_found") == 0)
		return MHD_HTTP_NOT_FOUND;
	if (strcmp(kind, "forbidden") == 0)
		return MHD_HTTP_FORBIDDEN;
	if (strcmp(kind, "conflict") == 0)
		return MHD_HTTP_CONFLICT;
	return MHD_HTTP_SERVICE_UNAVAILABLE;
}

/*
 * Queue reply (consumed) as JSON with status; a 401 says how to
 * authenticate, a 405 which methods the path takes (allow), a 429 how
 * many seconds to wait (retry_after).
 */
static enum MHD_Result
respond(struct MHD_Connection *c, int status, json_t *reply,
    const char *allow, int retry_after)
{
	char wait[16];
	char *text = json_dumps(reply, JSON_COMPACT);
	struct MHD_Response *r;
	enum MHD_Result rc;

	json_decref(reply);
	if (text == NULL)
		return MHD_NO;
	r = MHD_create_response_from_buffer(strlen(text), text,
	    MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(r, "Content-Type", "application/json");
	if (status == MHD_HTTP_UNAUTHORIZED)
		MHD_add_response_header(r, "WWW-Authenticate",
		    "Bearer realm=\"vigil\"");
	if (allow != NULL)
		MHD_add_response_header(r, "Allow", allow);
	if (retry_after > 0) {
		snprintf(wait, sizeof wait, "%d", retry_after);
		MHD_add_response_header(r, "Retry-After", wait);
	}
	rc = MHD_queue_response(c, (unsigned)status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result
refuse(struct MHD_Connection *c, int status, const char *msg)
{
	return respond(c, status, json_pack("{s:b, s:s}", "ok", 0, "error",
	    msg), NULL, 0);
}

/* 405, with the methods the path takes. */
static enum MHD_Result
not_allowed(struct MHD_Connection *c, const char *allow)
{
	char *msg = xasprintf("use %s here", allow);
	enum MHD_Result rc = respond(c, MHD_HTTP_METHOD_NOT_ALLOWED,
	    json_pack("{s:b, s:s}", "ok", 0, "error", msg), allow, 0);

	free(msg);
	return rc;
}

/* Is method one of allow's ("GET, POST")? */
static int
allowed(const char *allow, const char *method)
{
	size_t n;

	/* HEAD is GET without the body, which MHD leaves out. */
	if (strcmp(method, "HEAD") == 0)
		method = "GET";
	n = strlen(method);
	for (const char *p = allow; (p = strstr(p, method)) != NULL; p += n)
		if ((p == allow || p[-1] == ' ') &&
		    (p[n] == '\0' || p[n] == ','))
			return 1;
	return 0;
}

/*
 * A page for a person: not cached, not framed, and no Referer, which
 * would carry the link's token to wherever it leads.
 */
static enum MHD_Result
respond_page(struct MHD_Connection *c, int status, char *html,
    const json_t *reply)
{
	const char *allow = json_string_value(json_object_get(reply, "allow"));
	json_int_t wait = json_integer_value(json_object_get(reply,
	    "retry_after"));
	char secs[24];
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(html),
	    html, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result rc;

	MHD_add_response_header(r, "Content-Type", "text/html; charset=utf-8");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Content-Security-Policy", "default-src "
	    "'none'; style-src 'unsafe-inline'; form-action 'self'; "
	    "frame-ancestors 'none'");
	if (allow != NULL)
		MHD_add_response_header(r, "Allow", allow);
	if (wait > 0) {
		snprintf(secs, sizeof secs, "%lld", (long long)wait);
		MHD_add_response_header(r, "Retry-After", secs);
	}
	rc = MHD_queue_response(c, (unsigned)status, r);
	MHD_destroy_response(r);
	return rc;
}

/* After a form's POST: see where it leads (303), not resend it. */
static enum MHD_Result
redirect(struct MHD_Connection *c, const char *location)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(0, NULL,
	    MHD_RESPMEM_PERSISTENT);
	enum MHD_Result rc;

	MHD_add_response_header(r, "Location", location);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	rc = MHD_queue_response(c, MHD_HTTP_SEE_OTHER, r);
	MHD_destroy_response(r);
	return rc;
}

/*
 * The reply of a request, ready: JSON, or the page it stands for, or
 * where the page is (a "location", which a commit that failed takes
 * away with the rest of the reply).
 */
static enum MHD_Result
answer(struct vigild *vd, struct MHD_Connection *c, struct hreq *h)
{
	const char *to = json_string_value(json_object_get(h->reply,
	    "location"));

	if (h->page != NULL && to != NULL)
		return redirect(c, to);
	if (h->page != NULL)
		return respond_page(c, h->status, h->page(vd, h->reply),
		    h->reply);
	return respond(c, h->status, json_incref(h->reply), NULL, 0);
}

/* A change waits for its commit, as on the socket; anything else goes. */
static enum MHD_Result
hold_or_answer(struct vigild *vd, struct MHD_Connection *c, struct hreq *h)
{
	if (store_in_transaction(vd->store)) {
		h->held = 1;
		h->conn = c;
		h->next = vd->http.held;
		vd->http.held = h;
		MHD_suspend_connection(c);
		return MHD_YES;
	}
	return answer(vd, c, h);
}

/* The client's address, for the event log. */
static void
client_address(struct MHD_Connection *c, char *buf, size_t len)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	const struct in6_addr *a6;

	snprintf(buf, len, "?");
	if (sa != NULL && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)
		    sa)->sin_addr, buf, (socklen_t)len);
	else if (sa != NULL && sa->sa_family == AF_INET6) {
		a6 = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
		/* An IPv4 client of a dual-stack listener, as IPv4. */
		if (IN6_IS_ADDR_V4MAPPED(a6))
			inet_ntop(AF_INET, a6->s6_addr + 12, buf,
			    (socklen_t)len);
		else
			inet_ntop(AF_INET6, a6, buf, (socklen_t)len);
	}
}

/* The connection's record, made when it opened. */
static struct hconn *
hconn_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c,
	    MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci != NULL ? ci->socket_context : NULL;
}

/*
 * A request on its way must be whole within client_timeout from now.
 * Every deadline is that far from when it is set, so none comes before
 * the timer's.
 */
static void
deadline_set(struct vigild *vd, struct hconn *hc)
{
	if (hc == NULL)
		return;
	hc->deadline = clock_mono() + vd->http.timeout;
	if (!ev_is_active(&vd->http.expiry)) {
		ev_timer_set(&vd->http.expiry, vd->http.timeout, 0);
		ev_timer_start(vd->loop, &vd->http.expiry);
	}
}

/* Hang up on a client whose request did not arrive whole in time. */
static void
cut(struct vigild *vd, struct hconn *hc)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(hc->conn,
	    MHD_CONNECTION_INFO_CONNECTION_FD);
	char from[INET6_ADDRSTRLEN];

	client_address(hc->conn, from, sizeof from);
	log_info("HTTP: %s sent no complete request in %d seconds", from,
	    vd->http.timeout);
	hc->deadline = 0;
	/* MHD sees the end and closes it itself, its state and all. */
	if (ci != NULL)
		shutdown(ci->connect_fd, SHUT_RDWR);
}

static void
expiry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct vigild *vd = w->data;
	double now = clock_mono(), next = 0;

	(void)revents;
	for (struct hconn *hc = vd->http.conns; hc != NULL; hc = hc->next)
		if (hc->deadline != 0 && hc->deadline <= now)
			cut(vd, hc);
		else if (hc->deadline != 0 && (next == 0 || hc->deadline < next))
			next = hc->deadline;
	if (next != 0) {
		ev_timer_set(w, next - now, 0);
		ev_timer_start(loop, w);
	}
}

/* A connection opens, and its first request is on its way, or closes. */
static void
connection_cb(void *cls, struct MHD_Connection *c, void **ctx,
    enum MHD_ConnectionNotificationCode code)
{
	struct vigild *vd = cls;
	struct hconn *hc = *ctx;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		hc = xcalloc(1, sizeof *hc);
		hc->conn = c;
		if ((hc->next = vd->http.conns) != NULL)
			hc->next->prev = hc;
		vd->http.conns = hc;
		deadline_set(vd, hc);
		*ctx = hc;
		return;
	}
	if (hc->prev != NULL)
		hc->prev->next = hc->next;
	else
		vd->http.conns = hc->next;
	if (hc->next != NULL)
		hc->next->prev = hc->prev;
	free(hc);
	*ctx = NULL;
}

/*
 * A request's first line: the rest has client_timeout from now (a later
 * request on a kept-alive connection had it from the one before).
 */
static void *
request_line_cb(void *cls, const char *uri, struct MHD_Connection *c)
{
	(void)uri;
	deadline_set(cls, hconn_of(c));
	return NULL;		/* its struct hreq comes with the headers */
}

/*
 * The pages for people, which need no token: /ack/TOKEN, an
 * acknowledgement link opened or its button pressed (the link is its own
 * proof), and /web/..., the managers' pages behind the single sign-on
 * proxy.  Their quota is their address's.
 */
static enum MHD_Result
person(struct vigild *vd, struct MHD_Connection *c, struct hreq *h,
    const char *method, const char *url)
{
	char from[INET6_ADDRSTRLEN], who[INET6_ADDRSTRLEN + 16];
	struct web_req w = { .method = method, .path = url, .from = from,
	    .body = h->body.s ? h->body.s : "" };
	int wait;

	if (!allowed("GET, POST", method))
		return not_allowed(c, "GET, POST");
	client_address(c, from, sizeof from);
	snprintf(who, sizeof who, "address %s", from);
	if (quota_take(&vd->http.quotas, who, vd->cfg->http_rate,
	    vd->cfg->http_burst, clock_mono(), &wait) == -1) {
		h->page = web_view_page;
		h->status = MHD_HTTP_TOO_MANY_REQUESTS;
		h->reply = json_pack("{s:s, s:s, s:s, s:i}", "page", "error",
		    "title", "Too many requests", "text", "Too many pages were "
		    "asked for from this address: try again in a moment.",
		    "retry_after", wait);
	} else if (strncmp(url, "/ack/", 5) == 0) {
		h->page = web_ack_page;
		h->reply = web_ack(vd, url + 5, strcmp(method, "POST") == 0,
		    from, &h->status);
	} else {
		w.user = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    vd->cfg->web_user_header);
		w.from_month = MHD_lookup_connection_value(c,
		    MHD_GET_ARGUMENT_KIND, "from");
		w.to_month = MHD_lookup_connection_value(c,
		    MHD_GET_ARGUMENT_KIND, "to");
		w.by = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
		    "by");
		h->page = web_view_page;
		h->reply = web_view(vd, &w, &h->status);
	}
	return hold_or_answer(vd, c, h);
}

/* The bearer token's row in t: 0, or -1 when there is none that works. */
static int
bearer(struct vigild *vd, struct MHD_Connection *c, struct store_token *t)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	char hash[STORE_HASH_LEN + 1];

	memset(t, 0, sizeof *t);
	if (h == NULL || strncmp(h, "Bearer ", 7) != 0 ||
	    sha256_text(h + 7, hash) == -1 ||
	    store_token_find(vd->store, hash, t) != 0)
		return -1;
	if (t->revoked != 0) {
		store_token_clear(t);
		return -1;
	}
	return 0;
}

static enum MHD_Result
add_arg(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	json_t *obj = cls;

	(void)kind;
	if (value == NULL)
		return MHD_YES;
	if (strcmp(key, "overdue") == 0)
		json_object_set_new(obj, key, json_boolean(strcmp(value,
		    "true") == 0));
	else if (strcmp(key, "limit") == 0)
		json_object_set_new(obj, key, json_integer(atoll(value)));
	else
		json_object_set_new(obj, key, json_string(value));
	return MHD_YES;
}

/*
 * The protocol request a method and path stand for, with the body's keys:
 * NULL with *status and *why when there is none.
 */
static json_t *
route(struct MHD_Connection *c, const char *method, const char *url,
    const struct buf *body, int *status, const char **why)
{
	static const char cases[] = "/v1/cases/";
	const char *cmd = NULL, *allow = "GET", *rest;
	char *ref = NULL;
	size_t n;
	json_t *obj;

	*status = MHD_HTTP_NOT_FOUND;
	*why = "no such path: see /usr/share/doc/vigil/http-api.md";
	if (strcmp(url, "/v1/status") == 0)
		cmd = "status";
	else if (strcmp(url, "/v1/cases") == 0) {
		cmd = strcmp(method, "POST") == 0 ? "open" : "list";
		allow = "GET, POST";
	} else if (strncmp(url, cases, sizeof cases - 1) == 0) {
		/* A reference holds '/': take the verb from the end. */
		rest = url + sizeof cases - 1;
		n = strlen(rest);
		if (n > 7 && strcmp(rest + n - 7, "/events") == 0)
			cmd = "event", allow = "POST", n -= 7;
		else if (n > 4 && strcmp(rest + n - 4, "/ack") == 0)
			cmd = "ack", allow = "POST", n -= 4;
		else
			cmd = "show";
		if (n == 0)
			return NULL;
		ref = xstrndup(rest, n);
	}
	if (cmd == NULL)
		return NULL;
	if (!allowed(allow, method)) {
		free(ref);
		*status = MHD_HTTP_METHOD_NOT_ALLOWED;
		*why = allow;
		return NULL;
	}
	/* A read takes its arguments from the query only. */
	if (body->len > 0 && strcmp(method, "POST") == 0) {
		if ((obj = json_loadb(body->s, body->len, JSON_REJECT_DUPLICATES,
		    NULL)) == NULL || !json_is_object(obj)) {
			json_decref(obj);
			free(ref);
			*status = MHD_HTTP_BAD_REQUEST;
			*why = "the body must be a JSON object";
			return NULL;
		}
	} else
		obj = json_object();
	if (strcmp(method, "POST") != 0)
		MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_arg, obj);
	json_object_set_new(obj, "cmd", json_string(cmd));
	if (ref != NULL)
		json_object_set_new(obj, "ref", json_string(ref));
	free(ref);
	return obj;
}

/* The request, whole: who, what, and the socket's path from there. */
static enum MHD_Result
handle(struct vigild *vd, struct MHD_Connection *c, struct hreq *h,
    const char *method, const char *url)
{
	struct store_token t;
	struct peer peer = { .uid = (uid_t)-1 };
	struct origin o = { &peer, 0, NULL, NULL };
	const char *why, *key;
	char err[512];
	json_t *obj;
	int status, wait, opening;

	if (h->too_large)
		return refuse(c, MHD_HTTP_CONTENT_TOO_LARGE, "request too large "
		    "(limit 65536 bytes)");
	if (vd->stopping)
		return refuse(c, MHD_HTTP_SERVICE_UNAVAILABLE, "vigild is "
		    "stopping");
	if (strncmp(url, "/ack/", 5) == 0 || strcmp(url, "/web") == 0 ||
	    strncmp(url, "/web/", 5) == 0)
		return person(vd, c, h, method, url);
	if (bearer(vd, c, &t) == -1)
		return refuse(c, MHD_HTTP_UNAUTHORIZED, "a valid bearer token "
		    "is needed (vigilctl token create)");
	if (quota_take(&vd->http.quotas, t.name, vd->cfg->http_rate,
	    vd->cfg->http_burst, clock_mono(), &wait) == -1) {
		snprintf(err, sizeof err, "too many requests: token %s may make "
		    "%d a second ([http] rate, burst %d); try again in %d s",
		    t.name, vd->cfg->http_rate, vd->cfg->http_burst, wait);
		store_token_clear(&t);
		return respond(c, MHD_HTTP_TOO_MANY_REQUESTS, json_pack(
		    "{s:b, s:s}", "ok", 0, "error", err), NULL, wait);
	}
	snprintf(peer.user, sizeof peer.user, "token:%s", t.name);
	snprintf(peer.text, sizeof peer.text, "token %s (%s)", t.name,
	    t.role);
	peer.token = &t;
	if ((obj = route(c, method, url, &h->body, &status, &why)) == NULL) {
		store_token_clear(&t);
		return status == MHD_HTTP_METHOD_NOT_ALLOWED ?
		    not_allowed(c, why) : refuse(c, status, why);
	}
	/* On a change only: a client may send one with every request. */
	if (strcmp(method, "POST") == 0 && (key = MHD_lookup_connection_value(
	    c, MHD_HEADER_KIND, "Idempotency-Key")) != NULL)
		json_object_set_new(obj, "idempotency_key", json_string(key));
	opening = strcmp(json_string_value(json_object_get(obj, "cmd")),
	    "open") == 0;
	h->reply = req_dispatch_json(vd, &o, obj);
	h->status = status_of(opening, h->reply);
	store_token_clear(&t);
	return hold_or_answer(vd, c, h);
}

static enum MHD_Result
access_cb(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct vigild *vd = cls;
	struct hreq *h = *con_cls;
	struct hconn *hc;

	(void)version;
	if (h == NULL) {		/* the headers: nothing to do yet */
		*con_cls = xcalloc(1, sizeof *h);
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (h->body.len + *upload_size > HTTP_BODY_MAX)
			h->too_large = 1;
		else
			buf_add(&h->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if ((hc = hconn_of(c)) != NULL)
		hc->deadline = 0;	/* here whole: the rest is up to us */
	if (h->reply != NULL)		/* resumed after the commit */
		return answer(vd, c, h);
	return handle(vd, c, h, method, url);
}

static void
completed_cb(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct hreq *h = *con_cls;

	/* Kept alive: the next request is on its way. */
	if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK)
		deadline_set(cls, hconn_of(c));
	if (h == NULL)
		return;
	buf_free(&h->body);
	json_decref(h->reply);
	free(h);
	*con_cls = NULL;
}

/* Let MHD work, then sleep on its epoll fd and its next timeout. */
static void
run(struct vigild *vd)
{
	MHD_UNSIGNED_LONG_LONG ms;

	MHD_run(vd->http.d);
	ev_timer_stop(vd->loop, &vd->http.timer);
	if (MHD_get_timeout(vd->http.d, &ms) == MHD_YES) {
		ev_timer_set(&vd->http.timer, (ev_tstamp)ms / 1000.0, 0);
		ev_timer_start(vd->loop, &vd->http.timer);
	}
}

static void
io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	run(w->data);
}

static void
timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	run(w->data);
}

/* The transaction ended: answer the held requests (not stored if not). */
void
http_committed(struct vigild *vd, int ok)
{
	struct hreq *h, *next;

	if (vd->http.d == NULL || vd->http.held == NULL)
		return;
	for (h = vd->http.held; h != NULL; h = next) {
		next = h->next;
		h->held = 0;
		h->next = NULL;
		if (!ok) {
			json_decref(h->reply);
			h->reply = req_refuse_kind("unavailable", "not stored: "
			    "the database could not commit; nothing was "
			    "changed");
			h->status = MHD_HTTP_SERVICE_UNAVAILABLE;
		}
		MHD_resume_connection(h->conn);
	}
	vd->http.held = NULL;
	run(vd);
}

/* "host:port", an IPv4 or [IPv6] literal: the listener's address. */
int
http_parse_listen(const char *s, struct sockaddr_storage *ss, char *err,
    size_t len)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	const char *colon = strrchr(s, ':');
	char host[64];
	long port;
	char *end;

	memset(ss, 0, sizeof *ss);
	if (colon == NULL || (size_t)(colon - s) >= sizeof host ||
	    (port = strtol(colon + 1, &end, 10)) < 1 || port > 65535 ||
	    *end != '\0') {
		snprintf(err, len, "expected ADDRESS:PORT, e.g. 127.0.0.1:8080");
		return -1;
	}
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	if (inet_pton(AF_INET, host, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		return 0;
	}
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		host[strlen(host) - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &in6->sin6_addr) == 1) {
			in6->sin6_family = AF_INET6;
			in6->sin6_port = htons((uint16_t)port);
			return 0;
		}
	}
	snprintf(err, len, "%s is not an IP address (a name would need a "
	    "lookup at every start)", host);
	return -1;
}

/* Listen when [http] listen is set: 0, or -1 with err. */
int
http_start(struct vigild *vd, char *err, size_t len)
{
	struct MHD_OptionItem tls[] = {
		{ MHD_OPTION_HTTPS_MEM_CERT, 0, NULL },
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, NULL },
		{ MHD_OPTION_END, 0, NULL },
	};
	struct sockaddr_storage ss;
	const union MHD_DaemonInfo *info;

	if (vd->cfg->http_listen == NULL)
		return 0;
	if (http_parse_listen(vd->cfg->http_listen, &ss, err, len) == -1)
		return -1;
	/* Its own copies: a reload frees the configuration's. */
	if (vd->cfg->http_cert != NULL) {
		vd->http.cert = xstrdup(vd->cfg->http_cert);
		vd->http.key = xstrdup(vd->cfg->http_key);
	}
	tls[0].ptr_value = vd->http.cert;
	tls[1].ptr_value = vd->http.key;
	vd->http.timeout = vd->cfg->conf->client_timeout;
	ev_timer_init(&vd->http.expiry, expiry_cb, 0, 0);
	vd->http.expiry.data = vd;
	vd->http.d = MHD_start_daemon(MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
	    (vd->http.cert ? MHD_USE_TLS : 0), 0, NULL, NULL, access_cb, vd,
	    MHD_OPTION_ARRAY, vd->http.cert ? tls : tls + 2,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)vd->cfg->http_connections,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    (unsigned)vd->cfg->http_per_address,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)vd->http.timeout,
	    MHD_OPTION_NOTIFY_CONNECTION, connection_cb, vd,
	    MHD_OPTION_URI_LOG_CALLBACK, request_line_cb, vd,
	    MHD_OPTION_NOTIFY_COMPLETED, completed_cb, vd,
	    MHD_OPTION_END);
	if (vd->http.d == NULL ||
	    (info = MHD_get_daemon_info(vd->http.d,
	    MHD_DAEMON_INFO_EPOLL_FD)) == NULL) {
		snprintf(err, len, "cannot listen on %s",
		    vd->cfg->http_listen);
		return -1;
	}
	ev_io_init(&vd->http.io, io_cb, info->epoll_fd, EV_READ);
	ev_timer_init(&vd->http.timer, timer_cb, 0, 0);
	vd->http.io.data = vd->http.timer.data = vd;
	ev_io_start(vd->loop, &vd->http.io);
	log_notice("HTTP API listening on %s%s", vd->cfg->http_listen,
	    vd->http.cert ? " with TLS" : "");
	return 0;
}

/* Stopping: answer what is held, then close. */
void
http_close(struct vigild *vd)
{
	if (vd->http.d == NULL)
		return;
	ev_io_stop(vd->loop, &vd->http.io);
	ev_timer_stop(vd->loop, &vd->http.timer);
	MHD_stop_daemon(vd->http.d);
	vd->http.d = NULL;
	ev_timer_stop(vd->loop, &vd->http.expiry);	/* armed to the end */
	quotas_free(&vd->http.quotas);
	free(vd->http.cert);
	if (vd->http.key != NULL) {
		explicit_bzero(vd->http.key, strlen(vd->http.key));
		free(vd->http.key);
	}
}
