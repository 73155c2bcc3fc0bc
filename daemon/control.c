/*
 * control.c: the control socket.  Line-delimited JSON (docs/protocol.md).
 *
 * Replies given while the loop's transaction is open are held until it
 * commits (group commit: every client served in one loop iteration shares
 * one fsync), and a client with a held reply is not read from again until
 * it is released, so each client's replies stay in order.  A request whose
 * work runs off the loop (audit verify) is answered later through
 * control_reply(), by client id: the client may have gone by then.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "vigild.h"

#define CONTROL_MAX_CLIENTS	256	/* connections at once */
#define CONTROL_MAX_PER_UID	32	/* of them from one user (but root
					 * and vigild's own) */
#define CONTROL_OUT_MAX		(1024 * 1024)	/* reply bytes a client may
						 * leave unread */
#define CONTROL_READ		8192	/* bytes read at a time */
#define CONTROL_BACKLOG		128	/* listen(2) */
#define CONTROL_SOCKET_MODE	0660	/* the vigil group may connect */
#define PEER_NAME_SECONDS	60	/* a looked-up user name is kept */

struct client {
	struct vigild *vd;
	int	 fd;
	ev_io	 rio, wio;
	ev_timer idle;
	struct peer peer;
	char	*in;			/* bytes read, not yet a full line */
	size_t	 inlen;
	struct buf out;			/* replies not yet written */
	size_t	 outoff;		/* how much of out is written */
	json_t	*held;			/* reply waiting for the commit */
	uint64_t id;			/* for replies given later */
	int	 waiting;		/* its request runs off the loop */
	int	 closing;		/* close once out is written */
	struct client *next;
};

static void client_read_cb(struct ev_loop *, ev_io *, int);
static void client_process(struct client *);

/* Answering something already: read no further request yet. */
static int
client_busy(const struct client *cl)
{
	return cl->held != NULL || cl->waiting;
}

/* Replies it has not read: none taken from it past CONTROL_OUT_MAX. */
static int
client_backlogged(const struct client *cl)
{
	return cl->out.len - cl->outoff >= CONTROL_OUT_MAX;
}

static void
client_free(struct client *cl)
{
	struct vigild *vd = cl->vd;
	struct client **pp;

	for (pp = &vd->clients; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == cl) {
			*pp = cl->next;
			break;
		}
	}
	vd->nclients--;
	ev_io_stop(vd->loop, &cl->rio);
	ev_io_stop(vd->loop, &cl->wio);
	ev_timer_stop(vd->loop, &cl->idle);
	close(cl->fd);
	json_decref(cl->held);
	free(cl->in);
	buf_free(&cl->out);
	free(cl);
}

/* Write what the socket takes: 1 all of it, 0 not yet, -1 it failed. */
static int
client_flush(struct client *cl)
{
	ssize_t n;

	while (cl->outoff < cl->out.len) {
		n = write(cl->fd, cl->out.s + cl->outoff,
		    cl->out.len - cl->outoff);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0)
			return -1;
		cl->outoff += (size_t)n;
	}
	cl->outoff = 0;
	buf_reset(&cl->out);
	return 1;
}

static void
client_write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct client *cl = w->data;
	int rc;

	(void)revents;
	/* Reading its replies is progress: the client has its time again. */
	ev_timer_again(loop, &cl->idle);
	if ((rc = client_flush(cl)) == 0)
		return;
	ev_io_stop(loop, &cl->wio);
	if (rc == -1 || cl->closing)
		client_free(cl);
	else
		client_process(cl);	/* it read its replies: read on */
}

/*
 * Queue one reply line and write it now if the socket takes it (the
 * usual case, saving a loop iteration).  Whatever remains, a failure and
 * a hang-up are left to the write watcher: callers still use cl.
 */
static void
client_send(struct client *cl, json_t *reply)
{
	char *text = json_dumps(reply, JSON_COMPACT);

	json_decref(reply);
	if (text == NULL)
		fatalx("cannot encode a reply");
	buf_puts(&cl->out, text);
	buf_add(&cl->out, "\n", 1);
	free(text);
	if (client_flush(cl) != 1 || cl->closing)
		ev_io_start(cl->vd->loop, &cl->wio);
}

/* Say why, then hang up once that is written. */
static void
client_drop(struct client *cl, const char *why)
{
	cl->closing = 1;
	client_send(cl, req_refuse("%s", why));
	ev_io_stop(cl->vd->loop, &cl->rio);
	ev_timer_stop(cl->vd->loop, &cl->idle);
}

static void
client_idle_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct client *cl = w->data;

	(void)loop;
	(void)revents;
	if (client_busy(cl))
		return;		/* waiting for us, not the other way round */
	if (cl->outoff < cl->out.len) {
		log_warnx("control: %s read none of its replies in %d seconds: "
		    "dropped", cl->peer.text, cl->vd->cfg->conf->client_timeout);
		client_free(cl);
		return;
	}
	log_info("control: %s sent no complete request in %d seconds",
	    cl->peer.text, cl->vd->cfg->conf->client_timeout);
	client_drop(cl, "timed out waiting for a request");
}

/* Handle each complete line, until one's reply must wait for a commit. */
static void
client_process(struct client *cl)
{
	struct vigild *vd = cl->vd;
	char *nl, err[512];
	struct request r;
	json_t *reply;
	size_t len;

	while (!client_busy(cl) && !client_backlogged(cl) && !cl->closing &&
	    !vd->stopping && (nl = memchr(cl->in, '\n', cl->inlen)) != NULL) {
		len = (size_t)(nl - cl->in);
		if (proto_parse(cl->in, len, &r, err, sizeof err) == -1)
			reply = req_refuse("%s", err);
		else {
			struct origin o = { &cl->peer, cl->id, control_reply,
			    NULL };

			reply = req_dispatch(vd, &o, &r);
			proto_free(&r);
		}
		memmove(cl->in, nl + 1, cl->inlen - len - 1);
		cl->inlen -= len + 1;
		/* The next request has client_timeout from now, however
		 * its bytes dribble in. */
		ev_timer_again(vd->loop, &cl->idle);
		if (reply == NULL)
			cl->waiting = 1;
		else if (store_in_transaction(vd->store))
			cl->held = reply;
		else
			client_send(cl, reply);
	}
	if (cl->inlen > PROTO_MAX_LINE) {
		snprintf(err, sizeof err, "request too large (limit %d bytes)",
		    PROTO_MAX_LINE);
		client_drop(cl, err);
	}
	else if (!client_busy(cl) && !client_backlogged(cl) && !cl->closing &&
	    !vd->stopping)
		ev_io_start(vd->loop, &cl->rio);
	else
		ev_io_stop(vd->loop, &cl->rio);
}

static void
client_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct client *cl = w->data;
	ssize_t n;

	(void)loop;
	(void)revents;
	cl->in = xreallocarray(cl->in, cl->inlen + CONTROL_READ, 1);
	n = read(cl->fd, cl->in + cl->inlen, CONTROL_READ);
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		if (cl->out.len == 0 && !client_busy(cl))
			client_free(cl);
		else {
			cl->closing = 1;
			ev_io_stop(cl->vd->loop, &cl->rio);
		}
		return;
	}
	cl->inlen += (size_t)n;
	client_process(cl);
}

/*
 * The transaction ended: release held replies (as errors if the commit
 * failed: nothing they describe is on disk) and read on.
 */
void
control_committed(struct vigild *vd, int ok)
{
	struct client *cl, *next;

	for (cl = vd->clients; cl != NULL; cl = next) {
		next = cl->next;
		if (cl->held == NULL)
			continue;
		ev_timer_again(vd->loop, &cl->idle);
		if (ok)
			client_send(cl, cl->held);
		else {
			json_decref(cl->held);
			client_send(cl, req_refuse_kind("unavailable",
			    "not stored: the database could not commit; "
			    "nothing was changed"));
		}
		cl->held = NULL;
		client_process(cl);
	}
}

/*
 * The last user name looked up serves the same uid for a minute: getpwuid
 * reads /etc/passwd, and one case-management system sends most requests.
 */
static void
peer_identify(struct vigild *vd, int fd, struct peer *p)
{
	struct ucred cred;
	socklen_t len = sizeof cred;
	struct passwd pw, *res = NULL;
	char buf[1024];

	memset(p, 0, sizeof *p);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1) {
		p->uid = (uid_t)-1;	/* nobody: never root by default */
		snprintf(p->text, sizeof p->text, "unknown peer");
		return;
	}
	if (vd->last_peer_at > 0 && vd->last_peer.uid == cred.uid &&
	    ev_now(vd->loop) - vd->last_peer_at < PEER_NAME_SECONDS)
		memcpy(p->user, vd->last_peer.user, sizeof p->user);
	else {
		if (getpwuid_r(cred.uid, &pw, buf, sizeof buf, &res) == 0 &&
		    res)
			snprintf(p->user, sizeof p->user, "%s", pw.pw_name);
		vd->last_peer.uid = cred.uid;
		memcpy(vd->last_peer.user, p->user, sizeof p->user);
		vd->last_peer_at = ev_now(vd->loop);
	}
	p->uid = cred.uid;
	p->pid = cred.pid;
	snprintf(p->text, sizeof p->text, "uid=%u(%s) pid=%d",
	    (unsigned)cred.uid, p->user[0] ? p->user : "?", (int)cred.pid);
}

/*
 * One user may not hold every connection: the case-management system
 * must get in however many another opens.  root and vigild's own user
 * could stop vigild anyway.
 */
static int
over_quota(struct vigild *vd, const struct peer *p)
{
	int n = 0;

	if (p->uid == 0 || p->uid == geteuid())
		return 0;
	for (const struct client *cl = vd->clients; cl != NULL; cl = cl->next)
		n += cl->peer.uid == p->uid;
	return n >= CONTROL_MAX_PER_UID;
}

/*
 * Whom to turn away at once, told why: anyone while vigild is full or
 * stopping, a peer vigil does not know (so that strangers hold no
 * connection the CMS may need), or one over its quota.
 */
static int
turned_away(struct vigild *vd, int fd, const struct peer *p)
{
	struct principal pr;
	char why[512];
	json_t *j;
	char *text;

	if (vd->stopping || vd->nclients >= CONTROL_MAX_CLIENTS)
		snprintf(why, sizeof why, "too many clients, or shutting down");
	else if (access_known(vd, p, &pr, why, sizeof why) == -1)
		log_warnx("control: refused a connection from %s: %s",
		    p->text, why);
	else if (over_quota(vd, p)) {
		snprintf(why, sizeof why, "too many connections from this "
		    "user");
		log_warnx("control: %s: more than %d connections at once",
		    p->text, CONTROL_MAX_PER_UID);
	} else
		return 0;
	j = req_refuse("%s", why);
	if ((text = json_dumps(j, JSON_COMPACT)) != NULL &&
	    (write(fd, text, strlen(text)) == -1 || write(fd, "\n", 1) == -1))
		log_debug("control: write: %s", strerror(errno));
	free(text);
	json_decref(j);
	return 1;
}

/*
 * Take every connection waiting, and read each at once: a client writes
 * its request straight after connecting, so all of them join the same
 * commit instead of one per loop iteration.
 */
static void
accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct vigild *vd = w->data;
	struct client *cl;
	struct peer peer;
	int fd;

	(void)revents;
	for (;;) {
		if ((fd = accept4(vd->listen_fd, NULL, NULL,
		    SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("control: accept");
			return;
		}
		peer_identify(vd, fd, &peer);
		if (turned_away(vd, fd, &peer)) {
			close(fd);
			continue;
		}
		cl = xcalloc(1, sizeof *cl);
		cl->vd = vd;
		cl->fd = fd;
		cl->id = ++vd->next_client_id;
		cl->peer = peer;
		ev_io_init(&cl->rio, client_read_cb, fd, EV_READ);
		ev_io_init(&cl->wio, client_write_cb, fd, EV_WRITE);
		ev_init(&cl->idle, client_idle_cb);
		cl->idle.repeat = vd->cfg->conf->client_timeout;
		cl->rio.data = cl->wio.data = cl->idle.data = cl;
		cl->next = vd->clients;
		vd->clients = cl;
		vd->nclients++;
		ev_io_start(loop, &cl->rio);
		ev_timer_again(loop, &cl->idle);
		client_read_cb(loop, &cl->rio, EV_READ);
	}
}

/* Bind the socket, 0660: the vigil group may drive vigild, nobody else. */
int
control_listen(struct vigild *vd, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const char *path = vd->cfg->conf->socket;
	mode_t old;
	int fd;

	if (strlen(path) >= sizeof sun.sun_path) {
		snprintf(err, errlen, "socket path too long: %s", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	/* A socket file left by a crash; the database lock proves it stale. */
	if (unlink(path) == -1 && errno != ENOENT) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	old = umask(0117);
	if (bind(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		umask(old);
		close(fd);
		return -1;
	}
	umask(old);
	if (chmod(path, CONTROL_SOCKET_MODE) == -1 ||
	    listen(fd, CONTROL_BACKLOG) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	vd->listen_fd = fd;
	vd->socket_path = xstrdup(path);
	ev_io_init(&vd->listen_io, accept_cb, fd, EV_READ);
	vd->listen_io.data = vd;
	ev_io_start(vd->loop, &vd->listen_io);
	return 0;
}

/* The reply to a request that was worked on off the loop. */
void
control_reply(struct vigild *vd, uint64_t id, json_t *reply)
{
	struct client *cl;

	for (cl = vd->clients; cl != NULL && cl->id != id; cl = cl->next)
		;
	if (cl == NULL) {
		json_decref(reply);	/* it hung up meanwhile */
		return;
	}
	cl->waiting = 0;
	client_send(cl, reply);
	client_process(cl);
}

/* Stopping: accept nothing more and read no further requests. */
void
control_quiesce(struct vigild *vd)
{
	ev_io_stop(vd->loop, &vd->listen_io);
	for (struct client *cl = vd->clients; cl != NULL; cl = cl->next) {
		ev_io_stop(vd->loop, &cl->rio);
		ev_timer_stop(vd->loop, &cl->idle);
		cl->closing = 1;
	}
}

/* Whether every reply has been written. */
int
control_drained(const struct vigild *vd)
{
	for (const struct client *cl = vd->clients; cl != NULL; cl = cl->next)
		if (client_busy(cl) || cl->out.len > 0)
			return 0;
	return 1;
}

/* Stop accepting; drop clients (their held replies were released first). */
void
control_close(struct vigild *vd)
{
	if (vd->socket_path == NULL)
		return;
	ev_io_stop(vd->loop, &vd->listen_io);
	close(vd->listen_fd);
	unlink(vd->socket_path);
	free(vd->socket_path);
	vd->socket_path = NULL;
	while (vd->clients != NULL)
		client_free(vd->clients);
}
