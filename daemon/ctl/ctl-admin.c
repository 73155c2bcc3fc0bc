/*
 * ctl-admin.c: vigilctl reload and audit verify.
 */
#include <stdlib.h>
#include <unistd.h>

#include "ctl.h"

static void
print_reloaded(json_t *res)
{
	(void)res;
	printf("reloaded\n");
}

static void
print_audit(json_t *res)
{
	printf("audit chain intact: %lld events, head %s\n",
	    (long long)json_integer_value(json_object_get(res, "events")),
	    json_string_value(json_object_get(res, "head")));
}

static int
cmd_reload(struct ctl *ctl, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return ctl_usage(&ctl_admin_cmds[0]);
	return ctl_call(ctl, json_pack("{s:s}", "cmd", "reload"), print_reloaded);
}

static int
cmd_audit_verify(struct ctl *ctl, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return ctl_usage(&ctl_admin_cmds[1]);
	return ctl_call(ctl, json_pack("{s:s}", "cmd", "audit-verify"),
	    print_audit);
}

static void
print_retried(json_t *res)
{
	printf("message %lld queued again\n",
	    (long long)json_integer_value(json_object_get(res, "id")));
}

static int
cmd_outbox_retry(struct ctl *ctl, int argc, char **argv)
{
	char *end;
	long long id;

	if (argc != 2 || (id = strtoll(argv[1], &end, 10)) < 1 || *end != '\0')
		return ctl_usage(&ctl_admin_cmds[2]);
	return ctl_call(ctl, json_pack("{s:s, s:I}", "cmd", "outbox-retry",
	    "id", (json_int_t)id), print_retried);
}

static void
print_backup(json_t *res)
{
	printf("backup written to %s in %.2f s\n",
	    json_string_value(json_object_get(res, "file")),
	    json_real_value(json_object_get(res, "seconds")));
}

/* The file is written by vigild: make the path absolute from here. */
static int
cmd_backup(struct ctl *ctl, int argc, char **argv)
{
	char *path, cwd[4096];
	int rc;

	if (argc != 2)
		return ctl_usage(&ctl_admin_cmds[3]);
	if (argv[1][0] == '/')
		path = xstrdup(argv[1]);
	else if (getcwd(cwd, sizeof cwd) != NULL)
		path = xasprintf("%s/%s", cwd, argv[1]);
	else
		return ctl_refuse("cannot tell the current folder");
	rc = ctl_call(ctl, json_pack("{s:s, s:s}", "cmd", "backup", "file",
	    path), print_backup);
	free(path);
	return rc;
}

const struct ctl_cmd ctl_admin_cmds[] = {
	{ "reload", "", cmd_reload },
	{ "audit verify", "", cmd_audit_verify },
	{ "outbox retry", "ID", cmd_outbox_retry },
	{ "backup", "FILE", cmd_backup },
	{ NULL, NULL, NULL }
};
