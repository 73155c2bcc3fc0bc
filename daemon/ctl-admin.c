/*
 * ctl-admin.c: vigilctl reload and audit verify.
 */
#include <stdlib.h>
#include <unistd.h>

#include "ctl.h"

static int
simple(struct ctl *ctl, const char *cmd, const char *done)
{
	json_t *res;
	int rc = ctl_request(ctl, json_pack("{s:s}", "cmd", cmd), &res);

	if (rc != CTL_OK)
		return rc;
	if (ctl->json)
		ctl_print_json(res);
	else {
		if (json_object_get(res, "events") != NULL)
			printf("%s: %lld events, head %s\n", done,
			    (long long)json_integer_value(json_object_get(res,
			    "events")), json_string_value(json_object_get(res,
			    "head")));
		else
			printf("%s\n", done);
		json_decref(res);
	}
	return CTL_OK;
}

static int
cmd_reload(struct ctl *ctl, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return ctl_usage(&ctl_admin_cmds[0]);
	return simple(ctl, "reload", "reloaded");
}

static int
cmd_audit_verify(struct ctl *ctl, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return ctl_usage(&ctl_admin_cmds[1]);
	return simple(ctl, "audit-verify", "audit chain intact");
}

static int
cmd_outbox_retry(struct ctl *ctl, int argc, char **argv)
{
	json_t *res;
	char *end;
	long long id;
	int rc;

	if (argc != 2 || (id = strtoll(argv[1], &end, 10)) < 1 || *end != '\0')
		return ctl_usage(&ctl_admin_cmds[2]);
	rc = ctl_request(ctl, json_pack("{s:s, s:I}", "cmd", "outbox-retry",
	    "id", (json_int_t)id), &res);
	if (rc != CTL_OK)
		return rc;
	if (ctl->json)
		ctl_print_json(res);
	else {
		printf("message %lld queued again\n", id);
		json_decref(res);
	}
	return CTL_OK;
}

/* The file is written by vigild: make the path absolute from here. */
static int
cmd_backup(struct ctl *ctl, int argc, char **argv)
{
	char *path, cwd[4096];
	json_t *res;
	int rc;

	if (argc != 2)
		return ctl_usage(&ctl_admin_cmds[3]);
	if (argv[1][0] == '/')
		path = xstrdup(argv[1]);
	else if (getcwd(cwd, sizeof cwd) != NULL)
		path = xasprintf("%s/%s", cwd, argv[1]);
	else
		return ctl_refuse("cannot tell the current folder");
	rc = ctl_request(ctl, json_pack("{s:s, s:s}", "cmd", "backup", "file",
	    path), &res);
	free(path);
	if (rc != CTL_OK)
		return rc;
	if (ctl->json)
		ctl_print_json(res);
	else {
		printf("backup written to %s in %.2f s\n",
		    json_string_value(json_object_get(res, "file")),
		    json_real_value(json_object_get(res, "seconds")));
		json_decref(res);
	}
	return CTL_OK;
}

const struct ctl_cmd ctl_admin_cmds[] = {
	{ "reload", "", cmd_reload },
	{ "audit verify", "", cmd_audit_verify },
	{ "outbox retry", "ID", cmd_outbox_retry },
	{ "backup", "FILE", cmd_backup },
	{ NULL, NULL, NULL }
};
