/*
 * ctl.c: what every vigilctl command shares: the table of command tables,
 * usage and refusal messages, JSON output and the configuration.  All of
 * vigilctl but main(), with the ctl-*.c files, so the tests link it too.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <unistd.h>

#include "ctl.h"

const struct ctl_cmd *const ctl_tables[] = {
	ctl_case_cmds,
	ctl_query_cmds,
	ctl_admin_cmds,
	ctl_calendar_cmds,
	NULL
};

int
ctl_usage(const struct ctl_cmd *cmd)
{
	fprintf(stderr, "usage: vigilctl %s %s\n", cmd->name, cmd->usage);
	return CTL_USAGE;
}

int
ctl_refuse(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vigilctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	return CTL_REFUSED;
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
		fprintf(stderr, "vigilctl: configuration has errors\n");
	}
	diag_clear(&dg);
	return ctl->conf;
}
