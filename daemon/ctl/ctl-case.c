/*
 * ctl-case.c: vigilctl open, event, ack and migrate.
 */
#include <getopt.h>
#include <string.h>

#include "ctl.h"
#include "proto.h"

static const struct option case_longopts[] = {
	{ "workflow", required_argument, NULL, 'w' },
	{ "officer", required_argument, NULL, 'o' },
	{ "risk", required_argument, NULL, 'r' },
	{ "flag", required_argument, NULL, 'F' },
	{ "set", required_argument, NULL, 's' },
	{ "at", required_argument, NULL, 'a' },
	{ "by", required_argument, NULL, 'b' },
	{ "all", no_argument, NULL, 'A' },
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
 * The options every case command shares; operands land in ops.  Returns
 * the operand count, or -1 on a usage error.
 */
static int
case_args(int argc, char **argv, json_t *req, char **ops, int max)
{
	json_t *fields = json_object(), *flags = json_array();
	char *eq;
	int ch, n = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "-", case_longopts, NULL)) != -1) {
		switch (ch) {
		case 1:
			if (n == max)
				goto usage;
			ops[n++] = optarg;
			break;
		case 'w':
			json_object_set_new(req, "workflow", json_string(optarg));
			break;
		case 'o':
			json_object_set_new(req, "officer", json_string(optarg));
			break;
		case 'r':
			json_object_set_new(req, "risk", json_string(optarg));
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
		case 'a':
			json_object_set_new(req, "at", json_string(optarg));
			break;
		case 'b':
			json_object_set_new(req, "by", json_string(optarg));
			break;
		case 'A':
			json_object_set_new(req, "all", json_true());
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
	return n;
usage:
	json_decref(fields);
	json_decref(flags);
	return -1;
}

/* Only the options a command documents are passed on. */
static int
only(const struct ctl_cmd *cmd, json_t *req, const char *allowed)
{
	const char *key;
	json_t *v;

	json_object_foreach(req, key, v) {
		char opt[40];

		if (strcmp(key, "cmd") == 0 || strcmp(key, "ref") == 0 ||
		    strcmp(key, "event") == 0)
			continue;
		snprintf(opt, sizeof opt, " %s ", key);
		if (strstr(allowed, opt) == NULL) {
			fprintf(stderr, "vigilctl: %s does not take --%s\n",
			    cmd->name, strcmp(key, "fields") == 0 ? "set" :
			    strcmp(key, "flags") == 0 ? "flag" : key);
			return -1;
		}
	}
	return 0;
}

static int
cmd_open(struct ctl *ctl, int argc, char **argv)
{
	const struct ctl_cmd *cmd = &ctl_case_cmds[0];
	json_t *req = json_pack("{s:s}", "cmd", "open");
	char *ops[1];

	if (case_args(argc, argv, req, ops, 1) != 1 ||
	    only(cmd, req, " workflow officer risk flags fields at by ") ||
	    json_object_get(req, "workflow") == NULL) {
		json_decref(req);
		return ctl_usage(cmd);
	}
	json_object_set_new(req, "ref", json_string(ops[0]));
	return ctl_call(ctl, req, print_change);
}

static int
cmd_event(struct ctl *ctl, int argc, char **argv)
{
	const struct ctl_cmd *cmd = &ctl_case_cmds[1];
	json_t *req = json_pack("{s:s}", "cmd", "event");
	char *ops[2];

	if (case_args(argc, argv, req, ops, 2) != 2 ||
	    only(cmd, req, " fields at by ")) {
		json_decref(req);
		return ctl_usage(cmd);
	}
	json_object_set_new(req, "ref", json_string(ops[0]));
	json_object_set_new(req, "event", json_string(ops[1]));
	return ctl_call(ctl, req, print_change);
}

static int
cmd_ack(struct ctl *ctl, int argc, char **argv)
{
	const struct ctl_cmd *cmd = &ctl_case_cmds[2];
	json_t *req = json_pack("{s:s}", "cmd", "ack");
	char *ops[2];
	int n;

	if ((n = case_args(argc, argv, req, ops, 2)) < 1 ||
	    only(cmd, req, " at by ") || json_object_get(req, "by") == NULL) {
		json_decref(req);
		return ctl_usage(cmd);
	}
	json_object_set_new(req, "ref", json_string(ops[0]));
	if (n == 2)
		json_object_set_new(req, "deadline", json_string(ops[1]));
	return ctl_call(ctl, req, print_change);
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
cmd_migrate(struct ctl *ctl, int argc, char **argv)
{
	const struct ctl_cmd *cmd = &ctl_case_cmds[3];
	json_t *req = json_pack("{s:s}", "cmd", "migrate");
	char *ops[1];
	int n;

	n = case_args(argc, argv, req, ops, 1);
	if (n == -1 || only(cmd, req, " workflow all by ") ||
	    json_object_get(req, "workflow") == NULL ||
	    (n == 1) == (json_object_get(req, "all") != NULL)) {
		json_decref(req);
		return ctl_usage(cmd);
	}
	if (n == 1)
		json_object_set_new(req, "ref", json_string(ops[0]));
	return ctl_call(ctl, req, print_migrated);
}

const struct ctl_cmd ctl_case_cmds[] = {
	{ "open", "REF --workflow NAME [--officer ID] [--risk standard|medium|"
	    "high] [--flag NAME]... [--set KEY=VALUE]... [--at TIME] [--by ID]",
	    cmd_open },
	{ "event", "REF EVENT [--set KEY=VALUE]... [--at TIME] [--by ID]",
	    cmd_event },
	{ "ack", "REF [DEADLINE] --by ID [--at TIME]", cmd_ack },
	{ "migrate", "REF|--all --workflow NAME [--by ID]", cmd_migrate },
	{ NULL, NULL, NULL }
};
