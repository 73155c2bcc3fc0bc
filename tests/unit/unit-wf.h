/*
 * unit-wf.h: what the workflow tests share (test_workflow.c, the engine;
 * test_workflow_orgs.c, the shipped workflows): the built-in configuration
 * as the fixture, events and instants written as local time on its default
 * calendar, and checks that say what a case holds.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#ifndef UNIT_WF_H
#define UNIT_WF_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "unit-cal.h"
#include "workflow.h"

/* The fixture: the built-in configuration and its calendars. */
static struct conf *conf;
static const struct cal_set *cals;
static const struct calendar *defcal;

static inline void
setup(void)
{
	struct diag dg = { 0 };

	conf = conf_load(NULL, &dg);
	ck_assert_ptr_nonnull(conf);
	cals = &conf->calendars;
	defcal = conf->default_calendar;
}

static inline void
teardown(void)
{
	conf_free(conf);
}

static inline char *
path_of(const char *rel)
{
	return xasprintf("%s/%s", unit_srcdir(), rel);
}

static inline struct workflow *
load(const char *name)
{
	struct diag dg = { 0 };
	char *rel = xasprintf("workflows/%s.ini", name), *p = path_of(rel);
	struct workflow *wf = wf_load_file(p, cals, &dg);

	if (wf == NULL)
		diag_print(&dg, stderr);
	ck_assert_msg(wf != NULL, "%s did not load", p);
	ck_assert_uint_eq(dg.n, 0);
	diag_clear(&dg);
	free(rel);
	free(p);
	return wf;
}

/* An instant from local time on the default calendar. */
static inline int64_t
T(const char *s)
{
	return uat(defcal, s);
}

/* Local time, as "2026-04-02T10:00:00+01:00". */
static inline const char *
L(int64_t t)
{
	return uiso(defcal, t);
}

/* An event: name, local time, by, role, then "key=value"..., NULL. */
struct evbuf {
	struct wf_event ev;
	struct wf_field f[8];
	char	 kv[8][128];
};

static inline struct evbuf *
ev_begin(const char *name, const char *at, const char *by, const char *role)
{
	static struct evbuf b[4];
	static int n;
	struct evbuf *e;

	n = (n + 1) % 4;
	e = &b[n];
	memset(e, 0, sizeof *e);
	e->ev.name = name;
	e->ev.at = T(at);
	e->ev.by = by;
	e->ev.by_role = role;
	e->ev.fields = e->f;
	return e;
}

static inline void
ev_field(struct evbuf *e, const char *a)
{
	size_t i = e->ev.nfields++;
	char *eq;

	snprintf(e->kv[i], sizeof e->kv[i], "%s", a);
	eq = strchr(e->kv[i], '=');
	*eq = '\0';
	e->f[i].key = e->kv[i];
	e->f[i].value = eq + 1;
}

static inline const struct wf_event *
E(const char *name, const char *at, const char *by, const char *role, ...)
{
	struct evbuf *e = ev_begin(name, at, by, role);
	const char *a;
	va_list ap;

	va_start(ap, role);
	while ((a = va_arg(ap, const char *)) != NULL)
		ev_field(e, a);
	va_end(ap);
	return &e->ev;
}

/* Everything about a case, to show a refusal changed nothing. */
static inline char *
dump(const struct wf_case *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	fprintf(fp, "%s %s %s %s %lld %lld %lld %u %d\n", c->ref, c->workflow,
	    c->version, c->state, (long long)c->opened,
	    (long long)c->last_event, (long long)c->paused_at, c->next_seq,
	    c->closed);
	for (size_t i = 0; i < c->nfields; i++)
		fprintf(fp, "%s=%s\n", c->fields[i].key, c->fields[i].value);
	for (size_t i = 0; i < c->ndeadlines; i++) {
		const struct wf_deadline *d = &c->deadlines[i];

		fprintf(fp, "%u %s %s %lld %lld %d %lld %s %lld %s %d\n", d->seq,
		    d->name, d->duration, (long long)d->started,
		    (long long)d->due, d->status, (long long)d->closed_at,
		    d->closed_by ? d->closed_by : "-", (long long)d->acked_at,
		    d->acked_by ? d->acked_by : "-", d->urgent);
	}
	fclose(fp);
	return buf;
}

#define OPEN(wf, c, ref, ev) do {					\
	char err_[256];							\
	ck_assert_msg(wf_open((wf), cals, (c), (ref), (ev), err_,	\
	    sizeof err_) == 0, "open refused: %s", err_);		\
} while (0)

#define APPLY(wf, c, ev) do {						\
	char err_[256];							\
	const struct wf_event *ev_ = (ev);				\
	ck_assert_msg(wf_apply((wf), cals, (c), ev_, err_,		\
	    sizeof err_) == 0, "%s refused: %s", ev_->name, err_);	\
} while (0)

/* The event is refused, with why containing "why", and c is unchanged. */
#define REFUSED(wf, c, ev, why) do {					\
	char err_[256], *before_ = dump(c), *after_;			\
	ck_assert_int_eq(wf_apply((wf), cals, (c), (ev), err_,		\
	    sizeof err_), -1);						\
	ck_assert_msg(strstr(err_, (why)) != NULL, "\"%s\" lacks \"%s\"", \
	    err_, (why));						\
	after_ = dump(c);						\
	ck_assert_str_eq(before_, after_);				\
	free(before_);							\
	free(after_);							\
} while (0)

static inline const struct wf_deadline *
DL(const struct wf_case *c, uint32_t seq)
{
	for (size_t i = 0; i < c->ndeadlines; i++)
		if (c->deadlines[i].seq == seq)
			return &c->deadlines[i];
	ck_abort_msg("no deadline %u", seq);
	return NULL;
}

static inline void
assert_deadline(const struct wf_case *c, uint32_t seq, const char *name,
    const char *duration, const char *due, enum wf_status st)
{
	const struct wf_deadline *d = DL(c, seq);

	ck_assert_str_eq(d->name, name);
	ck_assert_str_eq(d->duration, duration);
	ck_assert_str_eq(L(d->due), due);
	ck_assert_int_eq(d->status, st);
}

static inline const char *
F(const struct wf_case *c, const char *key)
{
	const char *v = wf_case_field(c, key);

	return v ? v : "(unset)";
}

/*
 * A case's story as a table of rows, played in order.  A row's event (if
 * ev is set) opens the case as ref, or is refused with a reason containing
 * refused and leaves the case unchanged, or else is applied; then the case
 * is in state (if set) and holds field (if set), and deadline seq (if not
 * 0) has status st and, if name is set, that name, duration and due.
 */
struct wf_row {
	const char	*ev, *at, *by, *role;
	const char	*kv[5];		/* "key=value", up to 4 */
	const char	*ref;
	const char	*refused;
	const char	*state;
	const char	*field;		/* "key=value" the case holds */
	uint32_t	 seq;
	enum wf_status	 st;
	const char	*name, *duration, *due;
};

static inline void
play(const struct workflow *wf, struct wf_case *c, const struct wf_row *r,
    size_t n)
{
	for (size_t i = 0; i < n; i++, r++) {
		const struct wf_event *ev = NULL;

		if (r->ev != NULL) {
			struct evbuf *e = ev_begin(r->ev, r->at, r->by,
			    r->role);

			for (size_t k = 0; r->kv[k] != NULL; k++)
				ev_field(e, r->kv[k]);
			ev = &e->ev;
		}
		if (r->ref != NULL)
			OPEN(wf, c, r->ref, ev);
		else if (r->refused != NULL)
			REFUSED(wf, c, ev, r->refused);
		else if (ev != NULL)
			APPLY(wf, c, ev);
		if (r->state != NULL)
			ck_assert_msg(strcmp(c->state, r->state) == 0,
			    "row %zu (%s %s): state %s, not %s", i,
			    r->ev ? r->ev : "-", r->at ? r->at : "-",
			    c->state, r->state);
		if (r->field != NULL) {
			const char *eq = strchr(r->field, '=');
			char key[64];

			snprintf(key, sizeof key, "%.*s", (int)(eq - r->field),
			    r->field);
			ck_assert_str_eq(F(c, key), eq + 1);
		}
		if (r->seq != 0 && r->name != NULL)
			assert_deadline(c, r->seq, r->name, r->duration,
			    r->due, r->st);
		else if (r->seq != 0)
			ck_assert_msg(DL(c, r->seq)->status == r->st,
			    "row %zu: deadline %u status %d, not %d", i,
			    r->seq, DL(c, r->seq)->status, r->st);
	}
}

/*
 * The rows of a story, in place: PLAY(wf, c, { row }, { row }...).  A row
 * names only what it sets; the rest is zero, as C says.
 */
#define PLAY(wf, c, ...) do {						\
	_Pragma("GCC diagnostic push")					\
	_Pragma("GCC diagnostic ignored \"-Wmissing-field-initializers\"") \
	static const struct wf_row rows_[] = { __VA_ARGS__ };		\
	_Pragma("GCC diagnostic pop")					\
	play((wf), (c), rows_, nitems(rows_));				\
} while (0)

/* The shipped workflows, workflows/NAME.ini. */
static const char *const shipped[] = {
	"domestic-abuse", "havebury", "waltham-forest", "welwyn-hatfield",
	"wiltshire", "wolverhampton"
};

/*
 * The workflow and case a test works on: story_teardown(), the fixture's
 * teardown, frees them, so a test holds only its story.
 */
static struct workflow *wf;
static struct wf_case c;

static inline void
story_teardown(void)
{
	wf_case_free(&c);
	wf_free(wf);
	wf = NULL;
	teardown();
}

#endif
