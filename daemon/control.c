/*
 * control.c: the control socket, the loop's half (control.h): accepting,
 * proving who connected, running each request and holding its reply.
 * Line-delimited JSON (docs/protocol.md); control-io.c reads and parses.
 *
 * Replies given while the loop's transaction is open are held until it
 * commits (group commit: every request the loop takes in one iteration
 * shares one fsync); the thread reads nothing more from a client until its
 * reply is released, so each client's replies stay in order.  A request
 * whose work runs off the loop (audit verify) is answered later through
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

#include "control.h"

#define CONTROL_MAX_CLIENTS	256	/* connections at once */
#define CONTROL_MAX_PER_UID	32	/* of them from one user (but root
					 * and vigild's own) */
#define CONTROL_BACKLOG		128	/* listen(2) */
#define CONTROL_SOCKET_MODE	0660	/* the vigil group may connect */
#define PEER_NAME_SECONDS	60	/* a looked-up user name is kept */

/* The thread has hung up on it: nothing of it is left but this. */
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
	ctl_batch_free(cl->batch);	/* stopped before it was answered */
	json_decref(cl->held);
	buf_free(&cl->text);
	free(cl);
}

/* One reply line onto buf (either side's), letting go of the reply. */
void
control_serialise(struct buf *buf, json_t *reply)
{
	char *text = json_dumps(reply, JSON_COMPACT);

	json_decref(reply);
	if (text == NULL)
		fatalx("cannot encode a reply");
	buf_puts(buf, text);
	buf_add(buf, "\n", 1);
	free(text);
}

/*
 * Write the replies serialised so far, while the thread has nothing of
 * this client's to write; once the socket takes less, the rest waits for
 * the thread, and so does every later reply of the batch.
 */
static void
client_write(struct client *cl)
{
	ssize_t n;

	while (cl->direct && cl->textoff < cl->text.len) {
		n = write(cl->fd, cl->text.s + cl->textoff,
		    cl->text.len - cl->textoff);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			cl->direct = 0;	/* the thread waits, or finds it gone */
			break;
		}
		cl->textoff += (size_t)n;
	}
}

/*
 * Run the batch's requests in order until one's reply must wait (for the
 * commit, or for work off the loop); once all are answered, the thread
 * writes what is left and reads on.  Once vigild is stopping a request is
 * refused, so that the client hears that nothing was done.
 */
static void
client_run(struct client *cl)
{
	struct vigild *vd = cl->vd;
	struct origin o = { &cl->peer, cl->id, control_reply, NULL };
	struct ctl_req *r;
	json_t *reply;

	while (cl->held == NULL && !cl->staged && !cl->waiting &&
	    (r = cl->run) != NULL) {
		cl->run = r->next;
		if (r->bad)
			reply = req_refuse("%s", r->why);
		else if (vd->stopping)
			reply = req_refuse_kind("unavailable", "vigild is "
			    "stopping; nothing was changed");
		else
			reply = req_dispatch(vd, &o, &r->req);
		if (reply == NULL)
			cl->waiting = 1;
		else if (store_in_transaction(vd->store))
			cl->held = reply;
		else
			control_serialise(&cl->text, reply);
	}
	client_write(cl);
	if (cl->held == NULL && !cl->staged && !cl->waiting && cl->run == NULL)
		ctlio_answered(vd, cl);
}

/*
 * What the thread handed over: batches to run, clients to forget.  What
 * it hands over meanwhile is taken too, so that a burst of requests joins
 * one commit instead of being cut into two by the moment the loop woke.
 * A client has one batch at a time, and its next waits for the commit
 * unless it only read: past CONTROL_MAX_CLIENTS the rest waits for the
 * next iteration, so that firing and sending are not kept waiting.
 */
static void
inbox_cb(struct ev_loop *loop, ev_async *w, int revents)
{
	struct vigild *vd = w->data;
	struct client *cl, *next;
	int n = 0;

	(void)revents;
	while ((cl = ctlio_take(vd)) != NULL) {
		for (; cl != NULL; cl = next, n++) {
			next = cl->qnext;
			if (cl->handed == CTL_GONE)
				client_free(cl);
			else {
				buf_reset(&cl->text);
				cl->textoff = 0;
				cl->run = cl->batch;
				client_run(cl);
			}
		}
		if (n >= CONTROL_MAX_CLIENTS) {
			ev_async_send(loop, w);
			break;
		}
	}
}

/* The transaction commits now: the thread serialises held replies meanwhile. */
void
control_committing(struct vigild *vd)
{
	for (struct client *cl = vd->clients; cl != NULL; cl = cl->next) {
		if (cl->held == NULL)
			continue;
		cl->staged_at = cl->text.len;
		cl->stage = cl->held;
		cl->held = NULL;
		cl->staged = 1;
		ctlio_stage(vd, cl);
	}
}

/*
 * The transaction ended: release held replies (as errors if the commit
 * failed: nothing they describe is on disk) and run on.
 */
void
control_committed(struct vigild *vd, int ok)
{
	struct client *cl, *next;

	ctlio_staged(vd);
	for (cl = vd->clients; cl != NULL; cl = next) {
		next = cl->next;
		if (!cl->staged)
			continue;
		cl->staged = 0;
		if (!ok) {
			cl->text.len = cl->staged_at;
			control_serialise(&cl->text, req_refuse_kind(
			    "unavailable", "not stored: the database could "
			    "not commit; nothing was changed"));
		}
		client_run(cl);
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

/* Take every connection waiting, and hand each to the thread. */
static void
accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct vigild *vd = w->data;
	struct client *cl;
	struct peer peer;
	int fd;

	(void)loop;
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
		cl->timeout = vd->cfg->conf->client_timeout;
		cl->next = vd->clients;
		vd->clients = cl;
		vd->nclients++;
		ctlio_hand(vd, cl);
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
	ev_async_init(&vd->control_inbox, inbox_cb);
	vd->control_inbox.data = vd;
	ev_async_start(vd->loop, &vd->control_inbox);
	ctlio_start(vd, &vd->control_inbox);
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
	control_serialise(&cl->text, reply);
	client_run(cl);
}

/*
 * Stopping: accept nothing more and read no further requests; the thread
 * hangs up on each client once its reply is written.
 */
void
control_quiesce(struct vigild *vd)
{
	ev_io_stop(vd->loop, &vd->listen_io);
	ctlio_quiesce(vd);
}

/* Whether every reply has been written: every client is gone. */
int
control_drained(const struct vigild *vd)
{
	return vd->clients == NULL;
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
	ctlio_stop(vd);
	ev_async_stop(vd->loop, &vd->control_inbox);
	while (vd->clients != NULL)
		client_free(vd->clients);
}
