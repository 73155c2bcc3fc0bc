/*
 * ctl-query.c: vigilctl show, list and status.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <getopt.h>
#include <string.h>

#include "ctl.h"

static const char *
str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "-";
}

static void
print_fields(json_t *fields)
{
	const char *k;
	json_t *v;

	json_object_foreach(fields, k, v)
		printf(" %s=%s", k, json_string_value(v));
}

/* "reminder", "level 1", "level 2 repeat 3". */
static const char *
step_name(json_t *x)
{
	static char buf[64];
	json_int_t level = json_integer_value(json_object_get(x, "level"));
	json_int_t rep = json_integer_value(json_object_get(x, "repeat"));

	if (level == 0)
		return "reminder";
	if (rep == 0)
		snprintf(buf, sizeof buf, "level %lld", (long long)level);
	else
		snprintf(buf, sizeof buf, "level %lld repeat %lld",
		    (long long)level, (long long)rep);
	return buf;
}

/*
 * A step, and what came of it: the time first is the step's own, so a
 * message sent says when it went (a back-dated case's steps go long after).
 */
static void
print_escalation(json_t *x)
{
	printf("  %s %-20s %-18s %s", str(x, "at"), str(x, "deadline"),
	    step_name(x), str(x, "status"));
	if (json_is_string(json_object_get(x, "to")))
		printf(" to %s by %s", str(x, "to"),
		    strcmp(str(x, "channel"), "sms") == 0 ? "SMS" : "email");
	if (json_is_string(json_object_get(x, "sent_at")))
		printf(" at %s", str(x, "sent_at"));
	printf("\n");
}

static void
print_case(json_t *c)
{
	json_t *a;
	size_t i;
	json_t *x;

	printf("case %s: %s %s, state %s%s%s\n", str(c, "ref"),
	    str(c, "workflow"), str(c, "version"), str(c, "state"),
	    json_is_true(json_object_get(c, "paused")) ? ", paused since " : "",
	    json_is_true(json_object_get(c, "paused")) ? str(c, "paused_at") :
	    "");
	printf("fields:");
	print_fields(json_object_get(c, "fields"));
	printf("\ndeadlines:\n");
	a = json_object_get(c, "deadlines");
	json_array_foreach(a, i, x) {
		printf("  %-20s %-9s due %s", str(x, "name"), str(x, "status"),
		    str(x, "due"));
		if (json_is_string(json_object_get(x, "default_without")))
			printf(", %s by default: no %s agreed", str(x,
			    "duration"), str(x, "default_without"));
		if (json_is_string(json_object_get(x, "met_at")))
			printf(", met %s", str(x, "met_at"));
		if (json_is_string(json_object_get(x, "acked_by")))
			printf(", acknowledged by %s at %s", str(x, "acked_by"),
			    str(x, "acked_at"));
		printf("\n");
	}
	a = json_object_get(c, "escalations");
	if (json_array_size(a) > 0)
		printf("escalations:\n");
	json_array_foreach(a, i, x)
		print_escalation(x);
	printf("history:\n");
	a = json_object_get(c, "history");
	json_array_foreach(a, i, x) {
		printf("  %s %-18s by %s", str(x, "at"), str(x, "event"),
		    str(x, "by"));
		print_fields(json_object_get(x, "fields"));
		printf("\n");
	}
}

static int
cmd_show(const struct ctl_cmd *self, struct ctl *ctl, int argc, char **argv)
{
	json_t *req;

	if (argc != 2)
		return ctl_usage(ctl, self);
	req = ctl_req(self);
	json_object_set_new(req, "ref", json_string(argv[1]));
	return ctl_call(ctl, req, print_case);
}

static void
print_list(json_t *res)
{
	json_t *cases = json_object_get(res, "cases"), *x;
	size_t i;

	if (json_array_size(cases) == 0) {
		printf("no cases\n");
		return;
	}
	printf("%-20s %-16s %-12s %-20s %-25s %s\n", "REF", "STATE", "OFFICER",
	    "NEXT DEADLINE", "DUE", "MISSED");
	json_array_foreach(cases, i, x)
		printf("%-20s %-16s %-12s %-20s %-25s %lld%s\n", str(x, "ref"),
		    str(x, "state"), str(x, "officer"), str(x, "next_deadline"),
		    str(x, "next_due"),
		    (long long)json_integer_value(json_object_get(x, "missed")),
		    json_is_true(json_object_get(x, "paused")) ? " (paused)" :
		    "");
}

static int
cmd_list(const struct ctl_cmd *self, struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "overdue", no_argument, NULL, 'o' },
		{ "due-before", required_argument, NULL, 'd' },
		{ "officer", required_argument, NULL, 'O' },
		{ "state", required_argument, NULL, 's' },
		{ "limit", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	json_t *req = ctl_req(self);
	char *end;
	long n;
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			json_object_set_new(req, "overdue", json_true());
			break;
		case 'd':
			json_object_set_new(req, "due_before", json_string(optarg));
			break;
		case 'O':
			json_object_set_new(req, "officer", json_string(optarg));
			break;
		case 's':
			json_object_set_new(req, "state", json_string(optarg));
			break;
		case 'l':
			n = strtol(optarg, &end, 10);
			if (*end != '\0' || n < 1) {
				json_decref(req);
				return ctl_usage(ctl, self);
			}
			json_object_set_new(req, "limit", json_integer(n));
			break;
		default:
			json_decref(req);
			return ctl_usage(ctl, self);
		}
	}
	if (optind != argc) {
		json_decref(req);
		return ctl_usage(ctl, self);
	}
	return ctl_call(ctl, req, print_list);
}

static void
print_status(json_t *s)
{
	const char *k;
	json_t *v;

	printf("vigild %s, up %lld seconds (since %s)\n", str(s, "version"),
	    (long long)json_integer_value(json_object_get(s, "uptime_seconds")),
	    str(s, "started"));
	printf("configuration loaded: %s\n", str(s, "config_loaded"));
	printf("open cases by state:");
	json_object_foreach(json_object_get(s, "open_cases"), k, v)
		printf(" %s=%lld", k, (long long)json_integer_value(v));
	printf("\nmissed deadlines now: %lld\n",
	    (long long)json_integer_value(json_object_get(s,
	    "missed_deadlines")));
	printf("next due: %s\n", str(s, "next_due"));
	printf("events logged: %lld\n",
	    (long long)json_integer_value(json_object_get(s, "events")));
	printf("outbox: %lld waiting\n",
	    (long long)json_integer_value(json_object_get(s, "outbox_depth")));
	if (json_is_string(json_object_get(s, "last_delivery_error")))
		printf("last delivery error: %s: %s\n",
		    str(s, "last_delivery_error_at"),
		    str(s, "last_delivery_error"));
	if ((v = json_object_get(s, "database_failing")) != NULL &&
	    json_is_object(v))
		printf("DATABASE CANNOT COMMIT since %s: %s; firing and sending "
		    "wait\n", str(v, "since"), str(v, "error"));
	if ((v = json_object_get(s, "catching_up")) != NULL && json_is_object(v))
		printf("catching up since the start: %lld of %lld cases\n",
		    (long long)json_integer_value(json_object_get(v, "done")),
		    (long long)json_integer_value(json_object_get(v, "total")));
}

static int
cmd_status(const struct ctl_cmd *self, struct ctl *ctl, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return ctl_usage(ctl, self);
	return ctl_call(ctl, ctl_req(self), print_status);
}

static void
print_outbox(json_t *res)
{
	json_t *msgs = json_object_get(res, "messages"), *x;
	size_t i;

	if (json_array_size(msgs) == 0) {
		printf("no messages\n");
		return;
	}
	printf("%-6s %-9s %-16s %-20s %-5s %-14s %-7s %s\n", "ID", "STATUS",
	    "CASE", "DEADLINE", "STEP", "TO", "BY", "NEXT TRY / ERROR");
	json_array_foreach(msgs, i, x) {
		json_t *level = json_object_get(x, "level");
		json_int_t rep = json_integer_value(json_object_get(x,
		    "repeat"));
		char step[24];

		/*
		 * "rem", "1", "2r3" (level 2, repeat 3), "alert" (to admins),
		 * "hook" (to the CMS).
		 */
		if (strcmp(str(x, "channel"), "webhook") == 0)
			snprintf(step, sizeof step, "hook");
		else if (!json_is_integer(level))
			snprintf(step, sizeof step, "alert");
		else if (json_integer_value(level) == 0)
			snprintf(step, sizeof step, "rem");
		else if (rep == 0)
			snprintf(step, sizeof step, "%lld",
			    (long long)json_integer_value(level));
		else
			snprintf(step, sizeof step, "%lldr%lld",
			    (long long)json_integer_value(level), (long long)rep);
		printf("%-6lld %-9s %-16s %-20s %-5s %-14s %-7s %s\n",
		    (long long)json_integer_value(json_object_get(x, "id")),
		    str(x, "status"), str(x, "ref"), str(x, "deadline"), step,
		    str(x, "to"), str(x, "channel"),
		    json_is_string(json_object_get(x, "last_error")) ?
		    str(x, "last_error") : str(x, "next_try"));
	}
}

static int
cmd_outbox(const struct ctl_cmd *self, struct ctl *ctl, int argc, char **argv)
{
	json_t *req = ctl_req(self);

	if (argc == 2 && strcmp(argv[1], "--failed") == 0)
		json_object_set_new(req, "failed", json_true());
	else if (argc != 1) {
		json_decref(req);
		return ctl_usage(ctl, self);
	}
	return ctl_call(ctl, req, print_outbox);
}

const struct ctl_cmd ctl_query_cmds[] = {
	{ "show", "REF", "show", cmd_show },
	{ "list", "[--overdue] [--due-before TIME] [--officer ID] [--state S] "
	    "[--limit N]", "list", cmd_list },
	{ "status", "", "status", cmd_status },
	{ "outbox", "[--failed]", "outbox", cmd_outbox },
	{ NULL, NULL, NULL, NULL }
};
