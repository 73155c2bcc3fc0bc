/*
 * control-io.c: the control socket's thread.  It reads each connection,
 * parses the requests it has sent and hands them to the loop, serialises
 * replies held for a commit, and writes what the socket did not take; it
 * times out a client that sends no request or reads no reply, and refuses
 * an oversized one.  It touches nothing of vigild's but the clients handed
 * to it (control.h).
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control.h"

#define CONTROL_OUT_MAX		(1024 * 1024)	/* reply bytes a client may
						 * leave unread */
#define CONTROL_READ		8192	/* bytes read at a time */

struct ctlio {
	pthread_t thread;
	struct ev_loop *loop;		/* the thread's own */
	ev_async wake;			/* on it: something was handed over */
	struct ev_loop *main_loop;
	ev_async *main_wake;		/* on the loop: the same */
	pthread_mutex_t mu;		/* for what follows, to "stop" */
	struct client *to_io, **to_io_tail;
	struct client *to_loop, **to_loop_tail;
	int	 staging;		/* replies handed to serialise */
	pthread_cond_t staged;		/* signalled when that is none */
	int	 quiesce;		/* the loop asks: read no more */
	int	 stop;			/* the loop asks: leave */
	/* The thread's. */
	int	 quiescing;
	struct client *conns;
};

static void conn_process(struct ctlio *, struct client *);

/*
 * Put a client on the queue of the side that takes what (a request or a
 * hang-up goes to the loop, the rest to the thread), and wake that side.
 */
static void
hand(struct ctlio *io, struct client *cl, enum ctl_handed what)
{
	int to_loop = what == CTL_REQUEST || what == CTL_GONE;
	struct client ***tail = to_loop ? &io->to_loop_tail : &io->to_io_tail;

	cl->handed = what;
	cl->qnext = NULL;
	pthread_mutex_lock(&io->mu);
	**tail = cl;
	*tail = &cl->qnext;
	if (what == CTL_STAGE)
		io->staging++;
	pthread_mutex_unlock(&io->mu);
	if (to_loop)
		ev_async_send(io->main_loop, io->main_wake);
	else
		ev_async_send(io->loop, &io->wake);
}

/* Its descriptor and buffers; the struct itself is the loop's to free. */
static void
conn_release(struct ctlio *io, struct client *cl)
{
	ev_io_stop(io->loop, &cl->rio);
	ev_io_stop(io->loop, &cl->wio);
	ev_timer_stop(io->loop, &cl->idle);
	close(cl->fd);
	free(cl->in);
	cl->in = NULL;
	buf_free(&cl->out);
}

/* Hang up and tell the loop, which frees it: the thread is done with it. */
static void
conn_close(struct ctlio *io, struct client *cl)
{
	struct client **pp;

	for (pp = &io->conns; *pp != cl; pp = &(*pp)->io_next)
		;
	*pp = cl->io_next;
	conn_release(io, cl);
	hand(io, cl, CTL_GONE);
}

/* Write what the socket takes: 1 all of it, 0 not yet, -1 it failed. */
static int
conn_flush(struct client *cl)
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

/*
 * Write what is queued if the socket takes it.  Whatever remains, a
 * failure and a hang-up are left to the write watcher: callers still use
 * cl.
 */
static void
conn_write(struct ctlio *io, struct client *cl)
{
	if (conn_flush(cl) != 1 || cl->closing)
		ev_io_start(io->loop, &cl->wio);
}

/* Say why, then hang up once that is written. */
static void
conn_drop(struct ctlio *io, struct client *cl, const char *why)
{
	cl->closing = 1;
	control_serialise(&cl->out, req_refuse("%s", why));
	conn_write(io, cl);
	ev_io_stop(io->loop, &cl->rio);
	ev_timer_stop(io->loop, &cl->idle);
}

static void
write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct client *cl = w->data;
	struct ctlio *io = ev_userdata(loop);
	int rc;

	(void)revents;
	/* Reading its replies is progress: the client has its time again. */
	ev_timer_again(loop, &cl->idle);
	if ((rc = conn_flush(cl)) == 0)
		return;
	ev_io_stop(loop, &cl->wio);
	if (rc == -1) {
		cl->closing = 1;
		cl->outoff = 0;
		buf_reset(&cl->out);
	}
	if (!cl->closing)
		conn_process(io, cl);	/* it read its replies: read on */
	else if (!cl->awaiting)
		conn_close(io, cl);
}

static void
idle_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct client *cl = w->data;
	struct ctlio *io = ev_userdata(loop);

	(void)revents;
	if (cl->awaiting)
		return;		/* waiting for us, not the other way round */
	if (cl->outoff < cl->out.len) {
		log_warnx("control: %s read none of its replies in %.0f "
		    "seconds: dropped", cl->peer.text, cl->timeout);
		conn_close(io, cl);
		return;
	}
	log_info("control: %s sent no complete request in %.0f seconds",
	    cl->peer.text, cl->timeout);
	conn_drop(io, cl, "timed out waiting for a request");
}

/* Replies it has not read: none taken from it past CONTROL_OUT_MAX. */
static int
conn_backlogged(const struct client *cl)
{
	return cl->out.len - cl->outoff >= CONTROL_OUT_MAX;
}

/* Hand every complete line (a batch) to the loop, or read on for one. */
static void
conn_process(struct ctlio *io, struct client *cl)
{
	struct ctl_req *r, **tail = &cl->batch;
	char *nl, err[64];
	size_t len, off = 0;
	int n = 0;

	if (cl->awaiting || cl->closing || io->quiescing ||
	    conn_backlogged(cl)) {
		ev_io_stop(io->loop, &cl->rio);
		return;
	}
	while (n++ < CTL_BATCH_MAX &&
	    (nl = memchr(cl->in + off, '\n', cl->inlen - off)) != NULL) {
		len = (size_t)(nl - (cl->in + off));
		r = xmalloc(sizeof *r);	/* proto_parse() clears req */
		r->next = NULL;
		r->bad = proto_parse(cl->in + off, len, &r->req, r->why,
		    sizeof r->why) == -1;
		*tail = r;
		tail = &r->next;
		off += len + 1;
	}
	if (off > 0) {
		memmove(cl->in, cl->in + off, cl->inlen - off);
		cl->inlen -= off;
		/* The next request has client_timeout from now, however its
		 * bytes dribble in. */
		ev_timer_again(io->loop, &cl->idle);
		cl->awaiting = 1;
		cl->direct = cl->out.len == 0;
		ev_io_stop(io->loop, &cl->rio);
		hand(io, cl, CTL_REQUEST);
	} else if (cl->inlen > PROTO_MAX_LINE) {
		snprintf(err, sizeof err, "request too large (limit %d bytes)",
		    PROTO_MAX_LINE);
		conn_drop(io, cl, err);
	} else
		ev_io_start(io->loop, &cl->rio);
}

/* A batch's requests, freed where they were made (or at a stop). */
void
ctl_batch_free(struct ctl_req *r)
{
	struct ctl_req *next;

	for (; r != NULL; r = next) {
		next = r->next;
		if (!r->bad)
			proto_free(&r->req);
		free(r);
	}
}

static void
read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct client *cl = w->data;
	struct ctlio *io = ev_userdata(loop);
	ssize_t n;

	(void)revents;
	cl->in = xreallocarray(cl->in, cl->inlen + CONTROL_READ, 1);
	n = read(cl->fd, cl->in + cl->inlen, CONTROL_READ);
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		if (cl->out.len == 0 && !cl->awaiting)
			conn_close(io, cl);
		else {
			cl->closing = 1;
			ev_io_stop(loop, &cl->rio);
		}
		return;
	}
	cl->inlen += (size_t)n;
	conn_process(io, cl);
}

/* A new connection: read at once, since a client writes straight away. */
static void
conn_start(struct ctlio *io, struct client *cl)
{
	ev_io_init(&cl->rio, read_cb, cl->fd, EV_READ);
	ev_io_init(&cl->wio, write_cb, cl->fd, EV_WRITE);
	ev_init(&cl->idle, idle_cb);
	cl->idle.repeat = cl->timeout;
	cl->rio.data = cl->wio.data = cl->idle.data = cl;
	cl->io_next = io->conns;
	io->conns = cl;
	if (io->quiescing) {
		conn_close(io, cl);
		return;
	}
	ev_io_start(io->loop, &cl->rio);
	ev_timer_again(io->loop, &cl->idle);
	read_cb(io->loop, &cl->rio, EV_READ);
}

/* The loop answered the batch: write what it left, then on to the next. */
static void
conn_answer(struct ctlio *io, struct client *cl)
{
	cl->awaiting = 0;
	ctl_batch_free(cl->batch);
	cl->batch = NULL;
	ev_timer_again(io->loop, &cl->idle);
	if (cl->textoff < cl->text.len)
		buf_add(&cl->out, cl->text.s + cl->textoff,
		    cl->text.len - cl->textoff);
	conn_write(io, cl);
	if (!cl->closing)
		conn_process(io, cl);
}

/* A held reply, serialised while the loop commits. */
static void
conn_stage(struct ctlio *io, struct client *cl)
{
	json_t *reply = cl->stage;

	cl->stage = NULL;
	control_serialise(&cl->text, reply);
	pthread_mutex_lock(&io->mu);
	if (--io->staging == 0)
		pthread_cond_signal(&io->staged);
	pthread_mutex_unlock(&io->mu);
}

/* Read no further request; hang up on each client once it is answered. */
static void
conns_quiesce(struct ctlio *io)
{
	struct client *cl, *next;

	io->quiescing = 1;
	for (cl = io->conns; cl != NULL; cl = next) {
		next = cl->io_next;
		ev_io_stop(io->loop, &cl->rio);
		ev_timer_stop(io->loop, &cl->idle);
		cl->closing = 1;
		if (!cl->awaiting && cl->out.len == 0)
			conn_close(io, cl);
	}
}

static void
wake_cb(struct ev_loop *loop, ev_async *w, int revents)
{
	struct ctlio *io = w->data;
	struct client *cl, *next;
	int quiesce, stop;

	(void)revents;
	pthread_mutex_lock(&io->mu);
	cl = io->to_io;
	io->to_io = NULL;
	io->to_io_tail = &io->to_io;
	quiesce = io->quiesce;
	stop = io->stop;
	pthread_mutex_unlock(&io->mu);
	for (; cl != NULL; cl = next) {
		next = cl->qnext;
		if (cl->handed == CTL_NEW)
			conn_start(io, cl);
		else if (cl->handed == CTL_STAGE)
			conn_stage(io, cl);
		else
			conn_answer(io, cl);
	}
	if (quiesce && !io->quiescing)
		conns_quiesce(io);
	if (stop)
		ev_break(loop, EVBREAK_ALL);
}

static void *
io_main(void *arg)
{
	struct ctlio *io = arg;

	ev_run(io->loop, 0);
	/* The loop frees every client it still knows. */
	for (struct client *cl = io->conns; cl != NULL; cl = cl->io_next)
		conn_release(io, cl);
	return NULL;
}

void
ctlio_start(struct vigild *vd, ev_async *main_wake)
{
	struct ctlio *io = xcalloc(1, sizeof *io);

	if ((io->loop = ev_loop_new(EVFLAG_AUTO)) == NULL)
		fatalx("control: cannot make the socket thread's loop");
	ev_set_userdata(io->loop, io);
	ev_async_init(&io->wake, wake_cb);
	io->wake.data = io;
	ev_async_start(io->loop, &io->wake);
	io->main_loop = vd->loop;
	io->main_wake = main_wake;
	pthread_mutex_init(&io->mu, NULL);
	pthread_cond_init(&io->staged, NULL);
	io->to_io_tail = &io->to_io;
	io->to_loop_tail = &io->to_loop;
	if (pthread_create(&io->thread, NULL, io_main, io) != 0)
		fatalx("control: cannot start the socket thread");
	vd->ctlio = io;
}

/* A connection accepted, for the thread to serve (loop thread). */
void
ctlio_hand(struct vigild *vd, struct client *cl)
{
	hand(vd->ctlio, cl, CTL_NEW);
}

/*
 * Serialise a held reply into cl->text while the loop commits (loop
 * thread: cl->text and cl->stage are the thread's until ctlio_staged()).
 */
void
ctlio_stage(struct vigild *vd, struct client *cl)
{
	hand(vd->ctlio, cl, CTL_STAGE);
}

/* Wait until every reply handed to ctlio_stage() is serialised. */
void
ctlio_staged(struct vigild *vd)
{
	struct ctlio *io = vd->ctlio;

	if (io == NULL)
		return;		/* stopped: nothing was handed */
	pthread_mutex_lock(&io->mu);
	while (io->staging > 0)
		pthread_cond_wait(&io->staged, &io->mu);
	pthread_mutex_unlock(&io->mu);
}

/* The client's request is answered: the thread reads on (loop thread). */
void
ctlio_answered(struct vigild *vd, struct client *cl)
{
	hand(vd->ctlio, cl, CTL_REPLY);
}

/* Every request and hang-up handed to the loop so far, oldest first. */
struct client *
ctlio_take(struct vigild *vd)
{
	struct ctlio *io = vd->ctlio;
	struct client *list;

	pthread_mutex_lock(&io->mu);
	list = io->to_loop;
	io->to_loop = NULL;
	io->to_loop_tail = &io->to_loop;
	pthread_mutex_unlock(&io->mu);
	return list;
}

static void
ask(struct ctlio *io, int *flag)
{
	pthread_mutex_lock(&io->mu);
	*flag = 1;
	pthread_mutex_unlock(&io->mu);
	ev_async_send(io->loop, &io->wake);
}

void
ctlio_quiesce(struct vigild *vd)
{
	ask(vd->ctlio, &vd->ctlio->quiesce);
}

/*
 * Close every connection and end the thread.  The loop then frees every
 * client it knows, with whatever was handed to it and not taken.
 */
void
ctlio_stop(struct vigild *vd)
{
	struct ctlio *io = vd->ctlio;
	struct client *cl;

	if (io == NULL)
		return;
	ask(io, &io->stop);
	pthread_join(io->thread, NULL);
	for (cl = io->to_io; cl != NULL; cl = cl->qnext) {
		if (cl->handed == CTL_NEW)
			close(cl->fd);
		else if (cl->handed == CTL_STAGE)
			json_decref(cl->stage);
		else {
			ctl_batch_free(cl->batch);
			cl->batch = NULL;
		}
	}
	ev_async_stop(io->loop, &io->wake);
	ev_loop_destroy(io->loop);
	pthread_cond_destroy(&io->staged);
	pthread_mutex_destroy(&io->mu);
	free(io);
	vd->ctlio = NULL;
}
