/*
 * report-html.c: a report (report.c's JSON) as a page that prints and
 * attaches to board papers: for each group, a table of the months and
 * two charts drawn by the daemon as inline SVG (no script, no image
 * files): cases reported, and the share of deadlines met on time.  Each
 * chart has a title and description for screen readers; the table beside
 * it holds the same numbers.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>

#include "vigild.h"

#define CHART_W		480
#define CHART_H		160
#define CHART_PAD	28

static void
num(struct buf *b, const json_t *v)
{
	char text[32];

	if (json_is_integer(v))
		snprintf(text, sizeof text, "%lld", (long long)
		    json_integer_value(v));
	else if (json_is_real(v))
		snprintf(text, sizeof text, "%.1f", json_real_value(v));
	else
		snprintf(text, sizeof text, "-");
	buf_puts(b, text);
}

/* The value at "a.b" of a month's figures. */
static const json_t *
at(const json_t *cell, const char *a, const char *b)
{
	const json_t *v = json_object_get(cell, a);

	return b != NULL ? json_object_get(v, b) : v;
}

static const struct column {
	const char *title;
	const char *a, *b;
} columns[] = {
	{ "Reported", "reported", NULL },
	{ "Open at the end", "open", NULL },
	{ "First contact: median hours", "first_contact", "median_hours" },
	{ "90th percentile", "first_contact", "p90_hours" },
	{ "Worst", "first_contact", "worst_hours" },
	{ "Deadlines due", "deadlines", "due" },
	{ "Met on time", "deadlines", "on_time" },
	{ "Met late", "deadlines", "late" },
	{ "Missed", "deadlines", "missed" },
	{ "On time %", "deadlines", "on_time_percent" },
	{ "Escalations", "escalations", NULL },
	{ "Acknowledged", "acknowledged", "deadlines" },
	{ "Hours to acknowledge (median)", "acknowledged", "median_hours" },
};

static void
row(struct buf *b, const char *label, const json_t *cell, int total)
{
	buf_puts(b, total ? "<tr class=\"total\"><th scope=\"row\">" :
	    "<tr><th scope=\"row\">");
	html_text(b, label);
	buf_puts(b, "</th>");
	for (size_t i = 0; i < nitems(columns); i++) {
		buf_puts(b, "<td>");
		num(b, at(cell, columns[i].a, columns[i].b));
		buf_puts(b, "</td>");
	}
	buf_puts(b, "</tr>\n");
}

/* A bar chart of one figure by month; max 0: the figures' own. */
static void
chart(struct buf *b, const char *title, const json_t *months,
    const json_t *cells, const char *a, const char *key, double max)
{
	size_t n = json_array_size(cells), i;
	double w = (double)(CHART_W - CHART_PAD) / (double)(n ? n : 1);
	char text[256];
	const json_t *c;

	json_array_foreach(cells, i, c)
		if (json_number_value(at(c, a, key)) > max)
			max = json_number_value(at(c, a, key));
	/* The first <title> names it for a screen reader, <desc> reads it. */
	snprintf(text, sizeof text, "<svg role=\"img\" width=\"%d\" "
	    "height=\"%d\" viewBox=\"0 0 %d %d\"><title>", CHART_W,
	    CHART_H + 2 * CHART_PAD, CHART_W, CHART_H + 2 * CHART_PAD);
	buf_puts(b, text);
	html_text(b, title);
	buf_puts(b, "</title>\n<desc>");
	json_array_foreach(cells, i, c) {
		html_text(b, json_string_value(json_array_get(months, i)));
		buf_puts(b, ": ");
		num(b, at(c, a, key));
		buf_puts(b, i + 1 < n ? "; " : ".");
	}
	buf_puts(b, "</desc>\n<text x=\"0\" y=\"16\" font-size=\"14\" "
	    "font-weight=\"bold\" fill=\"#0b0c0c\">");
	html_text(b, title);
	buf_puts(b, "</text>\n");
	snprintf(text, sizeof text, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" "
	    "y2=\"%d\" stroke=\"#0b0c0c\"/>\n", CHART_PAD, CHART_PAD + CHART_H,
	    CHART_W, CHART_PAD + CHART_H);
	buf_puts(b, text);
	json_array_foreach(cells, i, c) {
		double v = json_number_value(at(c, a, key)),
		    h = max > 0 ? v / max * (CHART_H - 16) : 0;
		double x = CHART_PAD + (double)i * w;

		snprintf(text, sizeof text, "<rect x=\"%.1f\" y=\"%.1f\" "
		    "width=\"%.1f\" height=\"%.1f\" fill=\"#1d70b8\"/>\n",
		    x + w * 0.15, CHART_PAD + CHART_H - h, w * 0.7, h);
		buf_puts(b, text);
		snprintf(text, sizeof text, "<text x=\"%.1f\" y=\"%.1f\" "
		    "font-size=\"12\" text-anchor=\"middle\" fill=\"#0b0c0c\">",
		    x + w / 2, CHART_PAD + CHART_H - h - 4);
		buf_puts(b, text);
		num(b, at(c, a, key));
		snprintf(text, sizeof text, "</text>\n<text x=\"%.1f\" "
		    "y=\"%d\" font-size=\"12\" text-anchor=\"middle\" "
		    "fill=\"#0b0c0c\">", x + w / 2, CHART_PAD + CHART_H + 16);
		buf_puts(b, text);
		html_text(b, json_string_value(json_array_get(months, i)));
		buf_puts(b, "</text>\n");
	}
	buf_puts(b, "</svg>\n");
}

/* Each deadline's share met on time, over the whole period. */
static void
by_deadline(struct buf *b, const json_t *list)
{
	static const char *const keys[] = { "due", "on_time", "late",
	    "missed", "on_time_percent" };
	const json_t *d;
	size_t i;

	if (json_array_size(list) == 0)
		return;
	buf_puts(b, "<table>\n<caption>Each deadline, the whole period"
	    "</caption>\n<thead><tr><th scope=\"col\">Deadline</th>"
	    "<th scope=\"col\">Due</th><th scope=\"col\">Met on time</th>"
	    "<th scope=\"col\">Met late</th><th scope=\"col\">Missed</th>"
	    "<th scope=\"col\">On time %</th></tr></thead>\n<tbody>\n");
	json_array_foreach(list, i, d) {
		buf_puts(b, "<tr><th scope=\"row\">");
		html_text(b, json_string_value(json_object_get(d, "title")));
		buf_puts(b, "</th>");
		for (size_t k = 0; k < nitems(keys); k++) {
			buf_puts(b, "<td>");
			num(b, json_object_get(d, keys[k]));
			buf_puts(b, "</td>");
		}
		buf_puts(b, "</tr>\n");
	}
	buf_puts(b, "</tbody>\n</table>\n");
}

/*
 * The report as a whole page; form, if not NULL, is markup (a form to ask
 * for another period) put after the title.
 */
char *
report_html(struct vigild *vd, const json_t *rep, const char *form)
{
	const json_t *months = json_object_get(rep, "months"), *g;
	struct buf b = { 0 };
	char title[128];
	size_t i;

	(void)vd;
	snprintf(title, sizeof title, "Report: %s to %s",
	    json_string_value(json_object_get(rep, "from")),
	    json_string_value(json_object_get(rep, "to")));
	html_start(&b, title);
	if (form != NULL)
		buf_puts(&b, form);
	json_array_foreach(json_object_get(rep, "groups"), i, g) {
		const json_t *cells = json_object_get(g, "months"), *c;
		size_t m;

		buf_puts(&b, "<section>\n<h2>");
		html_text(&b, strcmp(json_string_value(json_object_get(rep,
		    "by")), "all") == 0 ? "All cases" : json_string_value(
		    json_object_get(g, "group")));
		buf_puts(&b, "</h2>\n");
		chart(&b, "Cases reported", months, cells, "reported", NULL, 0);
		chart(&b, "Deadlines met on time (%)", months, cells,
		    "deadlines", "on_time_percent", 100);
		buf_puts(&b, "<table>\n<caption>By month</caption>\n<thead>"
		    "<tr><th scope=\"col\">Month</th>");
		for (size_t k = 0; k < nitems(columns); k++) {
			buf_puts(&b, "<th scope=\"col\">");
			html_text(&b, columns[k].title);
			buf_puts(&b, "</th>");
		}
		buf_puts(&b, "</tr></thead>\n<tbody>\n");
		json_array_foreach(cells, m, c)
			row(&b, json_string_value(json_array_get(months, m)), c,
			    0);
		row(&b, "Whole period", json_object_get(g, "total"), 1);
		buf_puts(&b, "</tbody>\n</table>\n");
		by_deadline(&b, json_object_get(g, "deadlines"));
		buf_puts(&b, "</section>\n");
	}
	html_para(&b, NULL, "Deadlines due in a month are counted in it; one "
	    "not yet due is not counted.  First contact is from the case "
	    "being opened to its first deadline being met.  Percentiles are "
	    "nearest-rank.");
	html_end(&b);
	return b.s;
}
