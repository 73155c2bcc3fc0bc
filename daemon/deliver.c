/*
 * deliver.c: the delivery threads.  They do nothing but send: the loop
 * thread picks the messages, renders them and writes every outcome to the
 * database; a thread blocked on a stalled mail server holds up only itself.
 * Each channel (email, SMS) has its own threads, so a stalled mail server
 * never holds up SMS either.  A thread takes what is waiting, up to a
 * batch, and sends it in one session: one connection and one handshake
 * for many messages when the queue is long, no wait when it is short.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deliver.h"

/*
 * Up to a batch of jobs for one notifier off the queue and into the list
 * of those out (mutex held).
 */
static size_t
take(struct deliverer *d, struct job **batch, size_t max)
{
	struct notifier *nf = d->todo->notifier;
	struct job *j;
	size_t n = 0;

	if ((size_t)d->todo->batch < max)
		max = (size_t)d->todo->batch;
	while (n < max && (j = d->todo) != NULL && j->notifier == nf) {
		d->todo = j->next;
		j->next = d->out;
		d->out = j;
		batch[n++] = j;
	}
	if (d->todo == NULL)
		d->todo_tail = &d->todo;
	return n;
}

/*
 * What was handed over before the next hop asked us to wait is not sent
 * into its limit: it goes back to wait as long (mutex held).
 */
static int
held(const struct deliverer *d, struct job **batch, size_t n)
{
	double left = d->hold - clock_mono();

	if (left <= 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		struct message *m = &batch[i]->msg;

		m->result = NOTIFY_TEMPFAIL;
		m->wait = (int)left + 1;
		seterr(m->err, sizeof m->err, "not tried: asked to wait "
		    "%d s", m->wait);
	}
	return 1;
}

/* Take a job off a list (mutex held). */
static void
unlist(struct job **list, struct job *job)
{
	while (*list != job)
		list = &(*list)->next;
	*list = job->next;
}

static void *
deliver_run(void *arg)
{
	struct deliverer *d = arg;
	struct job *batch[DELIVER_BATCH_MAX];
	struct message *msgs[DELIVER_BATCH_MAX];
	size_t n;
	int sessions, wait, skip;

	for (;;) {
		pthread_mutex_lock(&d->mu);
		while (d->todo == NULL && !d->stopping)
			pthread_cond_wait(&d->cv, &d->mu);
		if (d->todo == NULL) {
			pthread_mutex_unlock(&d->mu);
			return NULL;
		}
		n = take(d, batch, nitems(batch));
		skip = held(d, batch, n);
		pthread_mutex_unlock(&d->mu);

		sessions = wait = 0;
		if (!skip) {
			for (size_t i = 0; i < n; i++)
				msgs[i] = &batch[i]->msg;
			sessions = notifier_send(batch[0]->notifier, msgs, n);
			for (size_t i = 0; i < n; i++)
				if (msgs[i]->wait > wait)
					wait = msgs[i]->wait;
		}

		pthread_mutex_lock(&d->mu);
		if (wait > 0 && clock_mono() + wait > d->hold)
			d->hold = clock_mono() + wait;
		for (size_t i = n; i-- > 0;) {
			unlist(&d->out, batch[i]);
			batch[i]->next = d->done;
			d->done = batch[i];
		}
		d->sessions += sessions;
		pthread_mutex_unlock(&d->mu);
		ev_async_send(d->loop, d->wake);
	}
}

void
deliver_start(struct deliverer *d, struct ev_loop *loop, ev_async *wake,
    int nthreads)
{
	memset(d, 0, sizeof *d);
	pthread_mutex_init(&d->mu, NULL);
	pthread_cond_init(&d->cv, NULL);
	d->todo_tail = &d->todo;
	d->loop = loop;
	d->wake = wake;
	d->threads = xcalloc((size_t)nthreads, sizeof *d->threads);
	for (int i = 0; i < nthreads; i++) {
		if (pthread_create(&d->threads[i], NULL, deliver_run, d) != 0)
			fatalx("cannot start a delivery thread");
		d->nthreads++;
	}
}

/* Hand a job to a thread (loop thread only). */
void
deliver_submit(struct deliverer *d, struct job *job)
{
	job->next = NULL;
	pthread_mutex_lock(&d->mu);
	*d->todo_tail = job;
	d->todo_tail = &job->next;
	d->busy++;
	pthread_cond_signal(&d->cv);
	pthread_mutex_unlock(&d->mu);
}

/*
 * Jobs finished since the last call, and how many
 * sessions were opened meanwhile (loop thread only).
 */
struct job *
deliver_done(struct deliverer *d, int64_t *sessions)
{
	struct job *done;

	pthread_mutex_lock(&d->mu);
	done = d->done;
	d->done = NULL;
	*sessions = d->sessions;
	d->sessions = 0;
	pthread_mutex_unlock(&d->mu);
	for (struct job *j = done; j != NULL; j = j->next)
		d->busy--;
	return done;
}

/*
 * Stopping, first step: nothing more starts.  Jobs not yet taken by a
 * thread come back (loop thread only) and stay "sending" in the database,
 * to go at the next start; jobs on their way finish, and deliver_done()
 * hands in their outcomes, so what was sent is recorded as sent.
 */
struct job *
deliver_quiesce(struct deliverer *d)
{
	struct job *left;

	pthread_mutex_lock(&d->mu);
	d->stopping = 1;
	left = d->todo;
	d->todo = NULL;
	d->todo_tail = &d->todo;
	pthread_cond_broadcast(&d->cv);
	pthread_mutex_unlock(&d->mu);
	for (struct job *j = left; j != NULL; j = j->next)
		d->busy--;
	return left;
}

/*
 * Stopping, when the wait is over: how many messages are still with a
 * server, the keys of the first *room of them added to keys (", "
 * between), and *room less those added.
 */
int
deliver_out(struct deliverer *d, struct buf *keys, int *room)
{
	int n = 0;

	pthread_mutex_lock(&d->mu);
	for (struct job *j = d->out; j != NULL; j = j->next, n++)
		if (*room > 0) {
			buf_puts(keys, keys->len > 0 ? ", " : "");
			buf_puts(keys, j->msg.key);
			--*room;
		}
	pthread_mutex_unlock(&d->mu);
	return n;
}

/*
 * Stopping: let idle threads go and wait briefly for busy ones.  A thread
 * still inside a send (a stalled server) is left to the process exit; its
 * message is still "sending" in the database and is sent again at the next
 * start, which is why every message carries an idempotency key.
 */
void
deliver_stop(struct deliverer *d)
{
	struct timespec until;
	int left = 0;

	pthread_mutex_lock(&d->mu);
	d->stopping = 1;
	pthread_cond_broadcast(&d->cv);
	pthread_mutex_unlock(&d->mu);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 2;
	for (int i = 0; i < d->nthreads; i++)
		if (pthread_timedjoin_np(d->threads[i], NULL, &until) != 0) {
			pthread_detach(d->threads[i]);
			left++;
		}
	if (left > 0)
		log_warnx("delivery: %d thread%s still sending at exit", left,
		    left == 1 ? "" : "s");
	else {
		/* Nothing can touch the queues any more. */
		deliver_free_jobs(d->todo);
		deliver_free_jobs(d->done);
		pthread_mutex_destroy(&d->mu);
		pthread_cond_destroy(&d->cv);
	}
	free(d->threads);
	d->threads = NULL;
	d->nthreads = 0;
}

void
deliver_free_jobs(struct job *j)
{
	struct job *next;

	for (; j != NULL; j = next) {
		next = j->next;
		free((char *)j->msg.to);
		free((char *)j->msg.to_name);
		free((char *)j->msg.subject);
		free((char *)j->msg.body);
		free((char *)j->msg.key);
		free(j->ids);
		free(j);
	}
}
