/*
 * proto.h: the control protocol between vigilctl and vigild (docs/protocol.md):
 * one JSON object per line each way over a Unix stream socket.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#ifndef PROTO_H
#define PROTO_H

#include <jansson.h>

#include "vigil.h"

#define PROTO_MAX_LINE		65536	/* bytes in one request */
#define PROTO_VALUE_MAX		128	/* a field value */
#define PROTO_MAX_FIELDS	64

enum req_kind {
	REQ_OPEN,
	REQ_EVENT,
	REQ_ACK,
	REQ_MIGRATE,
	REQ_SHOW,
	REQ_LIST,
	REQ_STATUS,
	REQ_RELOAD,
	REQ_AUDIT_VERIFY,
	REQ_OUTBOX,
	REQ_OUTBOX_RETRY,
	REQ_BACKUP,
	REQ_PURGE,
	REQ_TOKEN_CREATE,
	REQ_TOKEN_REVOKE,
	REQ_TOKENS,
	REQ_REPORT,
	REQ_AWAY,
	REQ_NKINDS
};

/* A field of an event: a name and a short printable value. */
struct proto_field {
	char	*key;
	char	*value;
};

/* A parsed, checked request.  Strings point into root. */
struct request {
	json_t	*root;
	enum req_kind kind;
	const char *cmd;
	const char *ref;
	const char *event;
	const char *workflow;
	const char *officer;
	const char *risk;
	const char *deadline;
	const char *state;
	const char *by;
	const char *at;
	const char *due_before;
	const char *from;		/* report: first month, YYYY-MM */
	const char *to;			/* report: last month */
	const char *group;		/* report: team, officer or workflow */
	const char *format;		/* report: json or html */
	const char *file;
	const char *idempotency_key;	/* a change sent again: the same reply */
	const char *name;		/* a token's */
	const char *role;
	const char *staff;
	const char *until;		/* away: back at */
	const char *cover;		/* away: who stands in */
	int	 back;			/* away: the absence ends now */
	int	 overdue;
	int	 all;
	int	 failed;
	int	 dry_run;
	json_int_t limit;
	json_int_t id;
	struct proto_field fields[PROTO_MAX_FIELDS];
	size_t	 nfields;
	const char *flags[PROTO_MAX_FIELDS];
	size_t	 nflags;
};

/*
 * A command and the keys it takes, "ref! event! at by": a '!' marks a
 * required one.  vigilctl builds its requests from these lists too.
 */
struct proto_cmd {
	const char *name;
	enum req_kind kind;
	const char *keys;
};

int	 proto_parse(const char *, size_t, struct request *, char *, size_t);
void	 proto_free(struct request *);
const struct proto_cmd *proto_cmd_find(const char *);
int	 proto_cmd_takes(const struct proto_cmd *, const char *, int *);
const char *proto_cmd_stray(const struct proto_cmd *, json_t *);
const char *proto_cmd_lacks(const struct proto_cmd *, json_t *);

#endif
