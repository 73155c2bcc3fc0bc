/*
 * ctl-away.c: vigilctl away, who is away and who covers for them.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"

static const struct option away_longopts[] = {
	{ "from", required_argument, NULL, 0 },
	{ "until", required_argument, NULL, 0 },
	{ "cover", required_argument, NULL, 0 },
	{ "by", required_argument, NULL, 0 },
	{ "back", no_argument, NULL, 'b' },
	{ NULL, 0, NULL, 0 }
};

static const char *
str(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "-";
}

static void
print_one(json_t *a)
{
	printf("%-16s %-25s %-25s %s\n", str(a, "staff"), str(a, "from"),
	    str(a, "until"), str(a, "cover"));
}

static void
print_away(json_t *res)
{
	json_t *list = json_object_get(res, "away"), *a;
	size_t i;

	if (list == NULL && json_object_get(res, "until") == NULL) {
		printf("%s is back\n", str(res, "staff"));
		return;
	}
	printf("%-16s %-25s %-25s %s\n", "STAFF", "FROM", "UNTIL", "COVER");
	if (list == NULL)
		print_one(res);
	json_array_foreach(list, i, a)
		print_one(a);
}

static int
cmd_away(const struct ctl_cmd *self, struct ctl *ctl, int argc, char **argv)
{
	json_t *req = ctl_req(self);
	int ch, li;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "-", away_longopts, &li)) != -1) {
		if (ch == 1 && json_object_get(req, "staff") == NULL)
			json_object_set_new(req, "staff", json_string(optarg));
		else if (ch == 'b')
			json_object_set_new(req, "back", json_true());
		else if (ch == 0)
			json_object_set_new(req, away_longopts[li].name,
			    json_string(optarg));
		else {
			json_decref(req);
			return ctl_usage(ctl, self);
		}
	}
	return ctl_call(ctl, req, print_away);
}

const struct ctl_cmd ctl_away_cmds[] = {
	{ "away", "[STAFF --until TIME --cover ID [--from TIME] | STAFF --back] "
	    "[--by ID]", "away", cmd_away },
	{ NULL, NULL, NULL, NULL }
};
