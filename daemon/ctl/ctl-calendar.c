/*
 * ctl-calendar.c: "vigilctl calendar ...": what a duration means, which days
 * are closed, how much working time lies between two instants.  These read
 * the configuration and need no daemon: an admin tries a rule here before
 * putting it in a workflow.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

static const struct option cal_longopts[] = {
	{ "calendar", required_argument, NULL, 'C' },
	{ NULL, 0, NULL, 0 }
};

/*
 * Gather the operands and --calendar, in any order, and load the calendar.
 * Returns the number of operands, or -1 after reporting a problem in *rc.
 */
static int
cal_args(struct ctl *ctl, const struct ctl_cmd *cmd, int argc, char **argv,
    char **ops, int max, const struct calendar **cal, int *rc)
{
	const char *name = "default";
	struct conf *conf;
	int ch, n = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "-C:", cal_longopts, NULL)) != -1) {
		if (ch == 'C')
			name = optarg;
		else if (ch == 1 && n < max)
			ops[n++] = optarg;
		else {
			*rc = ctl_usage(ctl, cmd);
			return -1;
		}
	}
	if ((conf = ctl_conf(ctl)) == NULL) {
		*rc = CTL_REFUSED;
		return -1;
	}
	if ((*cal = cal_set_find(&conf->calendars, name)) == NULL) {
		*rc = ctl_fail(ctl, CTL_REFUSED, "unknown calendar \"%s\"",
		    name);
		return -1;
	}
	return n;
}

static int
cmd_due(const struct ctl_cmd *self, struct ctl *ctl, int argc, char **argv)
{
	const struct calendar *cal;
	char *ops[16], *text, err[256], from_s[ISO_LEN], due_s[ISO_LEN];
	char dur_s[DUR_TEXT_MAX];
	struct duration d;
	int64_t from, due;
	size_t len = 0;
	int n, rc;

	if ((n = cal_args(ctl, self, argc, argv, ops, nitems(ops), &cal,
	    &rc)) == -1)
		return rc;
	if (n < 2)
		return ctl_usage(ctl, self);
	/* "1 working day" may be one argument or several. */
	for (int i = 1; i < n; i++)
		len += strlen(ops[i]) + 1;
	text = xcalloc(1, len);
	for (int i = 1; i < n; i++) {
		if (i > 1)
			strcat(text, " ");
		strcat(text, ops[i]);
	}
	rc = dur_parse(text, &d, err, sizeof err);
	free(text);
	if (rc == -1 || iso_parse(ops[0], cal->tz, &from, err, sizeof err) == -1)
		return ctl_fail(ctl, CTL_REFUSED, "%s", err);
	if (cal_due(&ctl->conf->calendars, cal, &d, from, &due, err,
	    sizeof err) == -1)
		return ctl_fail(ctl, CTL_REFUSED, "%s", err);
	iso_format(due, cal->tz, due_s, sizeof due_s);
	if (ctl->json) {
		ctl_print_json(json_pack("{s:s, s:s, s:s, s:s}",
		    "from", iso_format(from, cal->tz, from_s, sizeof from_s),
		    "duration", dur_format(&d, dur_s, sizeof dur_s),
		    "calendar", d.calendar[0] ? d.calendar : cal->name,
		    "due", due_s));
	} else
		printf("%s\n", due_s);
	return CTL_OK;
}

static int
cmd_holidays(const struct ctl_cmd *self, struct ctl *ctl, int argc, char **argv)
{
	const struct calendar *cal;
	struct cal_day days[366];	/* closures may close any day */
	char *ops[1], *end;
	json_t *list;
	size_t nd;
	long year;
	int n, rc;

	if ((n = cal_args(ctl, self, argc, argv, ops, nitems(ops), &cal,
	    &rc)) == -1)
		return rc;
	if (n != 1)
		return ctl_usage(ctl, self);
	year = strtol(ops[0], &end, 10);
	if (*end != '\0' || end == ops[0] || year < CAL_FIRST_YEAR ||
	    year > CAL_LAST_YEAR)
		return ctl_fail(ctl, CTL_REFUSED, "bad year \"%s\": expected "
		    "%d-%d", ops[0], CAL_FIRST_YEAR, CAL_LAST_YEAR);
	nd = cal_closed_days(cal, (int)year, days, nitems(days));
	list = json_array();
	for (size_t i = 0; i < nd; i++) {
		int y, m, d;
		char date[16];

		civil_from_days(days[i].day, &y, &m, &d);
		snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, d);
		if (ctl->json)
			json_array_append_new(list, json_pack("{s:s, s:s, s:s}",
			    "date", date,
			    "weekday", civil_weekday_names[civil_weekday(days[i].day)],
			    "name", days[i].name));
		else
			printf("%s %s  %s\n", date,
			    civil_weekday_names[civil_weekday(days[i].day)],
			    days[i].name);
	}
	if (ctl->json)
		ctl_print_json(list);
	else
		json_decref(list);
	return CTL_OK;
}

static void
hm(char *buf, size_t len, int64_t secs)
{
	snprintf(buf, len, "%lld:%02lld", (long long)(secs / 3600),
	    (long long)(secs / 60 % 60));
}

static int
cmd_between(const struct ctl_cmd *self, struct ctl *ctl, int argc, char **argv)
{
	const struct calendar *cal;
	char *ops[2], err[256], work[32], rest[32], elapsed[32];
	int64_t from, to, secs, days;
	int n, rc;

	if ((n = cal_args(ctl, self, argc, argv, ops, nitems(ops), &cal,
	    &rc)) == -1)
		return rc;
	if (n != 2)
		return ctl_usage(ctl, self);
	if (iso_parse(ops[0], cal->tz, &from, err, sizeof err) == -1 ||
	    iso_parse(ops[1], cal->tz, &to, err, sizeof err) == -1)
		return ctl_fail(ctl, CTL_REFUSED, "%s", err);
	if (to < from)
		return ctl_fail(ctl, CTL_REFUSED, "%s is before %s", ops[1],
		    ops[0]);
	secs = cal_working_seconds(cal, from, to);
	days = secs / cal->day_secs;
	hm(work, sizeof work, secs);
	hm(rest, sizeof rest, secs - days * cal->day_secs);
	hm(elapsed, sizeof elapsed, to - from);
	if (ctl->json) {
		ctl_print_json(json_pack("{s:s, s:I, s:I, s:I}",
		    "calendar", cal->name, "working_seconds", (json_int_t)secs,
		    "working_days", (json_int_t)days,
		    "elapsed_seconds", (json_int_t)(to - from)));
	} else {
		printf("working time: %s (%lld working day%s and %s)\n", work,
		    (long long)days, days == 1 ? "" : "s", rest);
		printf("elapsed:      %s\n", elapsed);
	}
	return CTL_OK;
}

/* These need no daemon: they send nothing. */
const struct ctl_cmd ctl_calendar_cmds[] = {
	{ "calendar due", "FROM DURATION [--calendar NAME]", NULL, cmd_due },
	{ "calendar holidays", "YEAR [--calendar NAME]", NULL, cmd_holidays },
	{ "calendar between", "FROM TO [--calendar NAME]", NULL, cmd_between },
	{ NULL, NULL, NULL, NULL }
};
