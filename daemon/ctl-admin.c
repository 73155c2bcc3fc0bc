/*
 * ctl-admin.c: vigilctl reload and audit verify.
 */
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

const struct ctl_cmd ctl_admin_cmds[] = {
	{ "reload", "", cmd_reload },
	{ "audit verify", "", cmd_audit_verify },
	{ NULL, NULL, NULL }
};
