/*
 * fuzz_workflow.c: arbitrary text as a workflow.  What loads must give the
 * same version when its canonical text is loaded again, and must survive
 * every one of its events applied (with values its fields accept), acks and
 * wf_steps() after each.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "wf-int.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *
sample(const struct wf_fielddef *f, char *buf, size_t len)
{
	switch (f->type) {
	case F_NUMBER:
		snprintf(buf, len, "%lld", (long long)f->max);
		return buf;
	case F_CHOICE:
		return f->nchoices ? f->choices[f->nchoices - 1] : "x";
	case F_FLAG:
		return "yes";
	case F_DURATION:
		return "3 working hours";
	case F_ID:
		return "o1";
	case F_DATE:
		return "2026-04-30";
	case F_TIME:
		break;
	}
	return "x";
}

static void
walk(const struct workflow *wf, const struct cal_set *cals)
{
	static struct wf_step steps[64];
	struct wf_case c = { 0 };
	struct wf_field fields[16];
	char vals[16][32], err[256];
	int64_t at = 1775034000;	/* 2026-04-01T09:00Z */

	for (int round = 0; round < 3; round++) {
		for (size_t e = 0; e < wf->nevents; e++) {
			const struct wf_eventdef *d = &wf->events[e];
			struct wf_event ev = { d->name, at, "m1", "manager",
			    fields, 0 };

			for (size_t f = 0; f < d->nfields && f < 16; f++) {
				fields[f].key = d->fields[f].name;
				fields[f].value = (char *)(uintptr_t)sample(
				    &d->fields[f], vals[f], sizeof vals[f]);
				ev.nfields++;
			}
			if (c.state == NULL)
				wf_open(wf, cals, &c, "DA-1", &ev, err, sizeof err);
			else
				wf_apply(wf, cals, &c, &ev, err, sizeof err);
			wf_steps(wf, cals, &c, steps, nitems(steps));
			at += 5 * 3600;
		}
		if (c.state != NULL) {
			struct wf_event ack = { "ack", at, "m1", "manager",
			    NULL, 0 };

			wf_apply(wf, cals, &c, &ack, err, sizeof err);
		}
		at += 3 * 86400;
	}
	wf_case_free(&c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct conf *conf;
	struct diag dg = { 0 };
	struct workflow *wf, *again;

	if (conf == NULL && (conf = conf_load(NULL, &dg)) == NULL)
		abort();
	wf = wf_load_buffer("fuzz.ini", (const char *)data, len,
	    &conf->calendars, &dg);
	if (wf != NULL) {
		const char *t = wf_text(wf);

		again = wf_load_buffer("text.ini", t, strlen(t),
		    &conf->calendars, &dg);
		if (again == NULL || strcmp(wf_version(wf), wf_version(again)) ||
		    strcmp(t, wf_text(again)))
			abort();
		wf_free(again);
		walk(wf, &conf->calendars);
		wf_free(wf);
	}
	diag_clear(&dg);
	return 0;
}
