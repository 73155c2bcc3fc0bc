/*
 * deliver.h: delivery threads, one small pool per channel.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#ifndef DELIVER_H
#define DELIVER_H

#include <ev.h>
#include <pthread.h>

#include "notifier.h"

struct cfg;

#define DELIVER_BATCH_MAX	100	/* messages in one session, at most */

/* One message on its way: the outbox rows it carries (a digest has more). */
struct job {
	struct message msg;		/* strings owned by the job; outcome */
	struct notifier *notifier;
	struct cfg *cfg;		/* kept alive while the job is out */
	int	 batch;			/* [outbox] batch of that cfg */
	int64_t	*ids;
	size_t	 nids;
	int	 level;			/* the highest escalation level it
					 * carries (0: reminders); -1: none */
	int	 unrendered;		/* its template failed: not sent */
	struct job *next;		/* in todo, out or done */
};

struct deliverer {
	pthread_t *threads;
	int	 nthreads;
	int	 busy;			/* jobs out (loop thread only) */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job *todo;		/* FIFO */
	struct job **todo_tail;
	struct job *out;		/* taken by threads, being sent */
	struct job *done;
	int64_t	 sessions;		/* opened since the last deliver_done() */
	double	 hold;			/* clock_mono() before which nothing is
					 * sent: a Retry-After */
	int	 stopping;
	struct ev_loop *loop;
	ev_async *wake;
};

void	 deliver_start(struct deliverer *, struct ev_loop *, ev_async *, int);
void	 deliver_submit(struct deliverer *, struct job *);
struct job *deliver_done(struct deliverer *, int64_t *);
struct job *deliver_quiesce(struct deliverer *);
int	 deliver_out(struct deliverer *, struct buf *, int *);
void	 deliver_stop(struct deliverer *);
void	 deliver_free_jobs(struct job *);

#endif
