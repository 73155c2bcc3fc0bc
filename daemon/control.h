/*
 * control.h: the control socket's two halves.  control.c, on the loop,
 * accepts, proves who connected, runs each request and holds its reply
 * for the commit.  control-io.c, on a thread of its own, reads and parses
 * requests and serialises and writes replies: the loop's time goes to the
 * requests and the database, not to the sockets.
 *
 * A client is handed between them, never shared: each field below
 * belongs to one side, and a client is on at most one of the two queues
 * at a time, taken off it by the side that then answers it.  The thread
 * hands over every complete request the client has sent (a batch: a
 * client may pipeline), and reads nothing more from it until it hears the
 * batch was answered, so replies stay in order and a client the loop
 * knows is never closed under it.  The loop runs the batch's requests in
 * order, as far as a reply held for the commit lets it, and writes the
 * replies itself while the thread has nothing of that client's left to
 * write (the usual case: no hop between the commit and the client); the
 * thread writes what the socket did not take.  Replies held for a commit
 * are serialised by the thread while the commit waits for the disk.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#ifndef CONTROL_H
#define CONTROL_H

#include "vigild.h"

enum ctl_handed {
	CTL_NEW,			/* to the thread: a connection */
	CTL_STAGE,			/* to the thread: serialise stage */
	CTL_REPLY,			/* to the thread: it was answered */
	CTL_REQUEST,			/* to the loop: a batch */
	CTL_GONE			/* to the loop: closed; free it */
};

#define CTL_BATCH_MAX	64		/* requests handed over at once */

/* One request of a batch, as the thread parsed it. */
struct ctl_req {
	struct request req;
	int	 bad;			/* no req: why it is refused */
	char	 why[512];
	struct ctl_req *next;
};

struct client {
	/* Set by the loop before the thread has it; read-only after. */
	struct vigild *vd;
	uint64_t id;			/* for replies given later */
	int	 fd;
	struct peer peer;
	double	 timeout;		/* client_timeout when it connected */

	/* The loop's. */
	json_t	*held;			/* reply waiting for the commit */
	int	 staged;		/* it is in text, for after the commit */
	size_t	 staged_at;		/* where in text */
	int	 waiting;		/* its request runs off the loop */
	struct ctl_req *run;		/* the batch's next request to run */
	struct client *next;		/* every client the loop knows */

	/* Whichever side's queue it is on. */
	enum ctl_handed handed;
	struct client *qnext;
	struct ctl_req *batch;		/* CTL_REQUEST, freed with CTL_REPLY */
	int	 direct;		/* nothing of it is left to write: the
					 * loop may write the replies itself */
	json_t	*stage;			/* CTL_STAGE: a held reply */
	struct buf text;		/* the batch's replies, serialised */
	size_t	 textoff;		/* how much of it the loop wrote */

	/* The thread's. */
	ev_io	 rio, wio;
	ev_timer idle;
	char	*in;			/* bytes read, not yet a full line */
	size_t	 inlen;
	struct buf out;			/* replies not yet written */
	size_t	 outoff;		/* how much of out is written */
	int	 awaiting;		/* a request is with the loop */
	int	 closing;		/* close once out is written */
	struct client *io_next;		/* every connection it serves */
};

void	 control_serialise(struct buf *, json_t *);
void	 ctl_batch_free(struct ctl_req *);

void	 ctlio_start(struct vigild *, ev_async *);
void	 ctlio_hand(struct vigild *, struct client *);
void	 ctlio_stage(struct vigild *, struct client *);
void	 ctlio_staged(struct vigild *);
void	 ctlio_answered(struct vigild *, struct client *);
struct client *ctlio_take(struct vigild *);
void	 ctlio_quiesce(struct vigild *);
void	 ctlio_stop(struct vigild *);

#endif
