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
cmd_reload(const struct ctl_cmd *self, struct ctl *ctl, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return ctl_usage(self);
	return ctl_call(ctl, ctl_req(self), print_reloaded);
}

static int
cmd_audit_verify(const struct ctl_cmd *self, struct ctl *ctl, int argc,
    char **argv)
{
	(void)argv;
	if (argc != 1)
		return ctl_usage(self);
	return ctl_call(ctl, ctl_req(self), print_audit);
}

static void
print_retried(json_t *res)
{
	printf("message %lld queued again\n",
	    (long long)json_integer_value(json_object_get(res, "id")));
}

static int
cmd_outbox_retry(const struct ctl_cmd *self, struct ctl *ctl, int argc,
    char **argv)
{
	json_t *req;
	char *end;
	long long id;

	if (argc != 2 || (id = strtoll(argv[1], &end, 10)) < 1 || *end != '\0')
		return ctl_usage(self);
	req = ctl_req(self);
	json_object_set_new(req, "id", json_integer((json_int_t)id));
	return ctl_call(ctl, req, print_retried);
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
cmd_backup(const struct ctl_cmd *self, struct ctl *ctl, int argc, char **argv)
{
	char *path, cwd[4096];
	json_t *req;

	if (argc != 2)
		return ctl_usage(self);
	if (argv[1][0] == '/')
		path = xstrdup(argv[1]);
	else if (getcwd(cwd, sizeof cwd) != NULL)
		path = xasprintf("%s/%s", cwd, argv[1]);
	else
		return ctl_refuse("cannot tell the current folder");
	req = ctl_req(self);
	json_object_set_new(req, "file", json_string(path));
	free(path);
	return ctl_call(ctl, req, print_backup);
}

const struct ctl_cmd ctl_admin_cmds[] = {
	{ "reload", "", "reload", cmd_reload },
	{ "audit verify", "", "audit-verify", cmd_audit_verify },
	{ "outbox retry", "ID", "outbox-retry", cmd_outbox_retry },
	{ "backup", "FILE", "backup", cmd_backup },
	{ NULL, NULL, NULL, NULL }
};
