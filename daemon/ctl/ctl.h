/*
 * ctl.h: vigilctl, the command-line client.  One file per command group
 * (ctl-calendar.c, ...), each contributing rows to the command table.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#ifndef CTL_H
#define CTL_H

#include <jansson.h>

#include "conf.h"

/* Exit statuses, as documented in vigilctl(1). */
#define CTL_OK		0
#define CTL_REFUSED	1
#define CTL_USAGE	2
#define CTL_UNREACHABLE	3

struct proto_cmd;

struct ctl {
	const char *conf_path;	/* -c, or NULL */
	const char *socket_path;	/* -s, or NULL */
	int	 json;		/* --json */
	struct conf *conf;	/* loaded on first use */
};

/*
 * A command.  exec gets its own row, to print its usage and build its
 * request.  The keys a request may carry are the protocol's (proto.c):
 * vigilctl keeps no list of its own.
 */
struct ctl_cmd {
	const char *name;	/* "calendar due" */
	const char *usage;	/* what follows the name */
	const char *proto;	/* the protocol command it sends, or NULL */
	int	(*exec)(const struct ctl_cmd *, struct ctl *, int, char **);
};

/* ctl.c */
extern const struct ctl_cmd *const ctl_tables[];
struct conf *ctl_conf(struct ctl *);
int	 ctl_usage(struct ctl *, const struct ctl_cmd *);
int	 ctl_fail(struct ctl *, int, const char *, ...) VIGIL_PRINTF(3, 4);
int	 ctl_fail_reply(struct ctl *, int, json_t *);
void	 ctl_print_json(json_t *);

/* ctl-client.c */
const struct proto_cmd *ctl_proto(const struct ctl_cmd *);
json_t	*ctl_req(const struct ctl_cmd *);
int	 ctl_request(struct ctl *, json_t *, json_t **);
int	 ctl_call(struct ctl *, json_t *, void (*)(json_t *));

/* ctl-case.c, ctl-query.c, ctl-admin.c, ctl-calendar.c, ctl-report.c,
 * ctl-away.c */
extern const struct ctl_cmd ctl_case_cmds[];
extern const struct ctl_cmd ctl_query_cmds[];
extern const struct ctl_cmd ctl_admin_cmds[];
extern const struct ctl_cmd ctl_calendar_cmds[];
extern const struct ctl_cmd ctl_report_cmds[];
extern const struct ctl_cmd ctl_away_cmds[];

#endif
