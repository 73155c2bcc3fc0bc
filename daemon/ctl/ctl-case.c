/*
 * ctl-case.c: vigilctl open, event, ack and migrate.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <getopt.h>
#include <string.h>

#include "ctl.h"
#include "proto.h"

/*
 * The options with val 0 set the request key of their own name.  Each
 * command takes those whose keys its protocol command takes.
 */
static const struct option case_longopts[] = {
	{ "workflow", required_argument, NULL, 0 },
	{ "officer", required_argument, NULL, 0 },
	{ "risk", required_argument, NULL, 0 },
	{ "flag", required_argument, NULL, 'F' },
	{ "set", required_argument, NULL, 's' },
	{ "at", required_argument, NULL, 0 },
	{ "by", required_argument, NULL, 0 },
	{ "all", no_argument, NULL, 0 },
	{ NULL, 0, NULL, 0 }
};

/* Print what a case looks like after a change. */
static void
print_change(json_t *res)
{
	json_t *pending = json_object_get(res, "pending");

	printf("%s: %s at %s -> %s\n",
	    json_string_value(json_object_get(res, "ref")),
	    json_string_value(json_object_get(res, "event")),
	    json_string_value(json_object_get(res, "at")),
	    json_string_value(json_object_get(res, "state")));
	for (size_t i = 0; i < json_array_size(pending); i++) {
		json_t *d = json_array_get(pending, i);

		printf("  %s due %s\n", json_string_value(json_object_get(d,
		    "name")), json_string_value(json_object_get(d, "due")));
	}
}

/*
 * Refuse an option whose key the protocol command does not take, and a
 * request that lacks a key it requires.
 */
static int
case_check(const struct ctl_cmd *self, json_t *req)
{
	const struct proto_cmd *c = ctl_proto(self);
	const char *key;

	if ((key = proto_cmd_stray(c, req)) != NULL) {
		fprintf(stderr, "vigilctl: %s does not take --%s\n", self->name,
		    strcmp(key, "fields") == 0 ? "set" :
		    strcmp(key, "flags") == 0 ? "flag" : key);
		return -1;
	}
	return proto_cmd_lacks(c, req) == NULL ? 0 : -1;
}

/*
 * The options every case command shares, then the operands as the keys
 * named in ops (NULL-terminated), at least min of them.  Returns the
 * operand count, or -1 on a usage error.
 */
static int
case_args(const struct ctl_cmd *self, int argc, char **argv, json_t *req,
    const char *const *ops, int min)
{
	json_t *fields = json_object(), *flags = json_array();
	char *arg[2], *eq;
	int ch, li, n = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "-", case_longopts, &li)) != -1) {
		switch (ch) {
		case 0:
			json_object_set_new(req, case_longopts[li].name,
			    case_longopts[li].has_arg ? json_string(optarg) :
			    json_true());
			break;
		case 1:
			if (n == (int)nitems(arg) || ops[n] == NULL)
				goto usage;
			arg[n++] = optarg;
			break;
		case 'F':
			json_array_append_new(flags, json_string(optarg));
			break;
		case 's':
			if ((eq = strchr(optarg, '=')) == NULL || eq == optarg) {
				fprintf(stderr, "vigilctl: --set needs KEY=VALUE\n");
				goto usage;
			}
			*eq = '\0';
			json_object_set_new(fields, optarg, json_string(eq + 1));
			*eq = '=';
			break;
		default:
			goto usage;
		}
	}
	if (json_object_size(fields) > 0)
		json_object_set(req, "fields", fields);
	if (json_array_size(flags) > 0)
		json_object_set(req, "flags", flags);
	json_decref(fields);
	json_decref(flags);
	if (n < min)
		return -1;
	for (int i = 0; i < n; i++)
		json_object_set_new(req, ops[i], json_string(arg[i]));
	return case_check(self, req) == -1 ? -1 : n;
usage:
	json_decref(fields);
	json_decref(flags);
	return -1;
}

/* Build the request from argv, as case_args() does, and send it. */
static int
case_send(const struct ctl_cmd *self, struct ctl *ctl, int argc, char **argv,
    const char *const *ops, int min)
{
	json_t *req = ctl_req(self);

	if (case_args(self, argc, argv, req, ops, min) == -1) {
		json_decref(req);
		return ctl_usage(ctl, self);
	}
	return ctl_call(ctl, req, print_change);
}

static int
cmd_open(const struct ctl_cmd *self, struct ctl *ctl, int argc, char **argv)
{
	static const char *const ops[] = { "ref", NULL };

	return case_send(self, ctl, argc, argv, ops, 1);
}

static int
cmd_event(const struct ctl_cmd *self, struct ctl *ctl, int argc, char **argv)
{
	static const char *const ops[] = { "ref", "event", NULL };

	return case_send(self, ctl, argc, argv, ops, 2);
}

static int
cmd_ack(const struct ctl_cmd *self, struct ctl *ctl, int argc, char **argv)
{
	static const char *const ops[] = { "ref", "deadline", NULL };

	return case_send(self, ctl, argc, argv, ops, 1);
}

static void
print_migrated(json_t *res)
{
	json_t *done = json_object_get(res, "migrated");
	json_t *failed = json_object_get(res, "failed");

	printf("migrated %zu case%s to %s %s\n", json_array_size(done),
	    json_array_size(done) == 1 ? "" : "s",
	    json_string_value(json_object_get(res, "workflow")),
	    json_string_value(json_object_get(res, "version")));
	for (size_t i = 0; i < json_array_size(failed); i++) {
		json_t *f = json_array_get(failed, i);

		printf("  not migrated: %s: %s\n",
		    json_string_value(json_object_get(f, "ref")),
		    json_string_value(json_object_get(f, "error")));
	}
}

static int
cmd_migrate(const struct ctl_cmd *self, struct ctl *ctl, int argc, char **argv)
{
	static const char *const ops[] = { "ref", NULL };
	json_t *req = ctl_req(self);
	int n;

	/* A case reference or --all, not both. */
	if ((n = case_args(self, argc, argv, req, ops, 0)) == -1 ||
	    (n == 1) == (json_object_get(req, "all") != NULL)) {
		json_decref(req);
		return ctl_usage(ctl, self);
	}
	return ctl_call(ctl, req, print_migrated);
}

const struct ctl_cmd ctl_case_cmds[] = {
	{ "open", "REF --workflow NAME [--officer ID] [--risk standard|medium|"
	    "high] [--flag NAME]... [--set KEY=VALUE]... [--at TIME] [--by ID]",
	    "open", cmd_open },
	{ "event", "REF EVENT [--set KEY=VALUE]... [--at TIME] [--by ID]",
	    "event", cmd_event },
	{ "ack", "REF [DEADLINE] [--by ID] [--at TIME]", "ack", cmd_ack },
	{ "migrate", "REF|--all --workflow NAME [--by ID]", "migrate",
	    cmd_migrate },
	{ NULL, NULL, NULL, NULL }
};
