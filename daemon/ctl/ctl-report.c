/*
 * ctl-report.c: vigilctl report, the board's figures by month.  vigild
 * counts (report.c); this prints them as a table for a terminal, CSV for
 * a spreadsheet (one header row), JSON, or the HTML page vigild makes.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"

/* What --format asked for: the printer has only the result. */
static enum { F_TEXT, F_CSV, F_HTML } format;

static const struct figure {
	const char *csv;		/* the CSV column */
	const char *text;		/* the table's, up to 7 wide */
	const char *a, *b;
} figures[] = {
	{ "reported", "new", "reported", NULL },
	{ "open_at_end", "open", "open", NULL },
	{ "first_contact_cases", "fc.n", "first_contact", "cases" },
	{ "first_contact_median_hours", "fc.med", "first_contact",
	    "median_hours" },
	{ "first_contact_p90_hours", "fc.p90", "first_contact", "p90_hours" },
	{ "first_contact_worst_hours", "fc.max", "first_contact",
	    "worst_hours" },
	{ "deadlines_due", "due", "deadlines", "due" },
	{ "met_on_time", "ontime", "deadlines", "on_time" },
	{ "met_late", "late", "deadlines", "late" },
	{ "missed", "missed", "deadlines", "missed" },
	{ "on_time_percent", "ontime%", "deadlines", "on_time_percent" },
	{ "escalations", "escal", "escalations", NULL },
	{ "acknowledged", "acked", "acknowledged", "deadlines" },
	{ "acknowledged_median_hours", "ack.med", "acknowledged",
	    "median_hours" },
};

static void
value(const json_t *cell, const struct figure *f, char *out, size_t len)
{
	const json_t *v = json_object_get(cell, f->a);

	if (f->b != NULL)
		v = json_object_get(v, f->b);
	if (json_is_integer(v))
		snprintf(out, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(out, len, "%.1f", json_real_value(v));
	else
		snprintf(out, len, "%s", format == F_CSV ? "" : "-");
}

/* A CSV field: quoted when it holds a comma, quote or newline. */
static void
csv_field(const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

static void
line(const char *group, const char *month, const json_t *cell)
{
	char v[32];

	if (format == F_CSV) {
		csv_field(group);
		printf(",%s", month);
		for (size_t i = 0; i < nitems(figures); i++) {
			value(cell, &figures[i], v, sizeof v);
			printf(",%s", v);
		}
		printf("\r\n");
		return;
	}
	printf("%-8s", month);
	for (size_t i = 0; i < nitems(figures); i++) {
		value(cell, &figures[i], v, sizeof v);
		printf(" %7s", v);
	}
	printf("\n");
}

/* The text table's last part: each deadline over the whole period. */
static void
deadlines(const json_t *list)
{
	const json_t *d, *pc;
	char pcs[24];
	size_t i;

	printf("%-36s %7s %7s %7s %7s %7s\n", "deadline, whole period", "due",
	    "ontime", "late", "missed", "ontime%");
	json_array_foreach(list, i, d) {
		pc = json_object_get(d, "on_time_percent");
		if (json_is_integer(pc))
			snprintf(pcs, sizeof pcs, "%lld",
			    (long long)json_integer_value(pc));
		else
			snprintf(pcs, sizeof pcs, "-");
		printf("%-36.36s %7lld %7lld %7lld %7lld %7s\n",
		    json_string_value(json_object_get(d, "title")),
		    (long long)json_integer_value(json_object_get(d, "due")),
		    (long long)json_integer_value(json_object_get(d,
		    "on_time")), (long long)json_integer_value(json_object_get(d,
		    "late")), (long long)json_integer_value(json_object_get(d,
		    "missed")), pcs);
	}
}

static void
print_report(json_t *res)
{
	const json_t *months = json_object_get(res, "months"), *g, *c;
	size_t i, m;

	if (format == F_HTML) {
		fputs(json_string_value(json_object_get(res, "html")), stdout);
		return;
	}
	if (format == F_CSV) {
		printf("group,month");
		for (size_t k = 0; k < nitems(figures); k++)
			printf(",%s", figures[k].csv);
		printf("\r\n");
	} else
		printf("from %s to %s; fc: first contact (hours); med: median\n",
		    json_string_value(json_object_get(res, "from")),
		    json_string_value(json_object_get(res, "to")));
	json_array_foreach(json_object_get(res, "groups"), i, g) {
		const char *name = json_string_value(json_object_get(g,
		    "group"));

		if (format == F_TEXT) {
			printf("\n%s\n%-8s", name, "month");
			for (size_t k = 0; k < nitems(figures); k++)
				printf(" %7s", figures[k].text);
			printf("\n");
		}
		json_array_foreach(json_object_get(g, "months"), m, c)
			line(name, json_string_value(json_array_get(months, m)),
			    c);
		line(name, "total", json_object_get(g, "total"));
		if (format == F_TEXT)
			deadlines(json_object_get(g, "deadlines"));
	}
}

static int
cmd_report(const struct ctl_cmd *self, struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "by", required_argument, NULL, 'b' },
		{ "format", required_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 }
	};
	json_t *req = ctl_req(self);
	int ch;

	format = F_TEXT;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			json_object_set_new(req, "from", json_string(optarg));
			break;
		case 't':
			json_object_set_new(req, "to", json_string(optarg));
			break;
		case 'b':
			json_object_set_new(req, "group", json_string(optarg));
			break;
		case 'F':
			if (strcmp(optarg, "csv") == 0)
				format = F_CSV;
			else if (strcmp(optarg, "html") == 0)
				format = F_HTML;
			else if (strcmp(optarg, "json") == 0)
				ctl->json = 1;
			else if (strcmp(optarg, "text") != 0)
				goto usage;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc)
		goto usage;
	if (format == F_HTML)
		json_object_set_new(req, "format", json_string("html"));
	return ctl_call(ctl, req, print_report);
usage:
	json_decref(req);
	return ctl_usage(ctl, self);
}

const struct ctl_cmd ctl_report_cmds[] = {
	{ "report", "--from YYYY-MM --to YYYY-MM [--by all|team|officer|workflow] "
	    "[--format text|csv|json|html]", "report", cmd_report },
	{ NULL, NULL, NULL, NULL }
};
