/*
 * deliver.c: the delivery threads.  They do nothing but send: the loop
 * thread picks the messages, renders them and writes every outcome to the
 * database; a thread blocked on a stalled mail server holds up only itself.
 * Each channel (email, SMS) has its own threads, so a stalled mail server
 * never holds up SMS either.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deliver.h"

static void *
deliver_run(void *arg)
{
	struct deliverer *d = arg;
	struct job *job;

	for (;;) {
		pthread_mutex_lock(&d->mu);
		while (d->todo == NULL && !d->stopping)
			pthread_cond_wait(&d->cv, &d->mu);
		if (d->todo == NULL) {
			pthread_mutex_unlock(&d->mu);
			return NULL;
		}
		job = d->todo;
		d->todo = job->next;
		pthread_mutex_unlock(&d->mu);

		job->result = notifier_send(job->notifier, &job->msg, job->err,
		    sizeof job->err);

		pthread_mutex_lock(&d->mu);
		job->next = d->done;
		d->done = job;
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
	if (d->todo == NULL)
		d->todo = job;
	else {
		struct job *j = d->todo;

		while (j->next != NULL)
			j = j->next;
		j->next = job;
	}
	d->busy++;
	pthread_cond_signal(&d->cv);
	pthread_mutex_unlock(&d->mu);
}

/* Jobs finished since the last call (loop thread only). */
struct job *
deliver_done(struct deliverer *d)
{
	struct job *done;

	pthread_mutex_lock(&d->mu);
	done = d->done;
	d->done = NULL;
	pthread_mutex_unlock(&d->mu);
	for (struct job *j = done; j != NULL; j = j->next)
		d->busy--;
	return done;
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
