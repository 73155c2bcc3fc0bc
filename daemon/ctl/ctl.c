/*
 * ctl.c: what every vigilctl command shares: the table of command tables,
 * usage and failure messages, JSON output and the configuration.  All of
 * vigilctl but main(), with the ctl-*.c files, so the tests link it too.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <unistd.h>

#include "ctl.h"

const struct ctl_cmd *const ctl_tables[] = {
	ctl_case_cmds,
	ctl_query_cmds,
	ctl_admin_cmds,
	ctl_calendar_cmds,
	ctl_report_cmds,
	ctl_away_cmds,
	NULL
};

/* The refusal vigild would send ({"ok": false, "error": msg}), for one
 * vigilctl finds itself.  JSON is UTF-8 only: other bytes of a quoted
 * argument go out as '?'. */
static json_t *
refusal(const char *msg)
{
	json_t *j;
	char *copy;

	if ((j = json_pack("{s:b, s:s}", "ok", 0, "error", msg)) != NULL)
		return j;
	copy = xstrdup(msg);
	for (char *p = copy; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	j = json_pack("{s:b, s:s}", "ok", 0, "error", copy);
	free(copy);
	return j;
}

/*
 * Every failure vigilctl reports ends here, vigild's refusals and its own:
 * the reason on stderr, and with --json the refusal on stdout as well, so
 * a script reads one shape and one exit status whatever went wrong.
 * Consumes reply.
 */
static int
fail(struct ctl *ctl, int rc, const char *prefix, const char *msg,
    json_t *reply)
{
	json_t *problems = json_object_get(reply, "problems"), *p;
	size_t i;

	if (ctl->json)
		ctl_print_json(json_incref(reply));
	fprintf(stderr, "%s%s\n", prefix, msg);
	json_array_foreach(problems, i, p) {
		int line = (int)json_integer_value(json_object_get(p, "line"));

		fprintf(stderr, line > 0 ? "%s:%d: %s\n" : "%s:%.0d %s\n",
		    json_string_value(json_object_get(p, "file")), line,
		    json_string_value(json_object_get(p, "message")));
	}
	if (json_object_get(reply, "broken_id") != NULL)
		fprintf(stderr, "first broken link: event %lld: %s\n",
		    (long long)json_integer_value(json_object_get(reply,
		    "broken_id")), json_string_value(json_object_get(reply,
		    "why")));
	json_decref(reply);
	return rc;
}

/* vigild's refusal, as it sent it. */
int
ctl_fail_reply(struct ctl *ctl, int rc, json_t *reply)
{
	const char *msg = json_string_value(json_object_get(reply, "error"));

	return fail(ctl, rc, "vigilctl: ", msg ? msg : "refused", reply);
}

/* A failure of vigilctl's own: exit status rc, and the reason. */
int
ctl_fail(struct ctl *ctl, int rc, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	rc = fail(ctl, rc, "vigilctl: ", msg, refusal(msg));
	free(msg);
	return rc;
}

/* A usage line speaks for itself: no "vigilctl: " before it. */
int
ctl_usage(struct ctl *ctl, const struct ctl_cmd *cmd)
{
	char *msg = xasprintf("usage: vigilctl %s %s", cmd->name, cmd->usage);
	int rc = fail(ctl, CTL_USAGE, "", msg, refusal(msg));

	free(msg);
	return rc;
}

void
ctl_print_json(json_t *j)
{
	if (j == NULL)
		fatalx("cannot build JSON output");
	json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(j);
}

/* -c, else the installed vigil.conf if there is one, else the defaults. */
struct conf *
ctl_conf(struct ctl *ctl)
{
	struct diag dg = { 0 };
	const char *path = ctl->conf_path;

	if (ctl->conf != NULL)
		return ctl->conf;
	if (path == NULL && access(conf_default_path(), F_OK) == 0)
		path = conf_default_path();
	if ((ctl->conf = conf_load(path, &dg)) == NULL) {
		diag_print(&dg, stderr);
		ctl_fail(ctl, CTL_REFUSED, "configuration has errors");
	}
	diag_clear(&dg);
	return ctl->conf;
}
