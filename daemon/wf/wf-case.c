/*
 * wf-case.c: a case's fields and deadlines as plain data (copy, free, look
 * up), and the checks every field value passes before it is stored.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "wf-int.h"

int
wf_strv_has(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

/* "a, b, c" into buf, cut short if it must be. */
void
wf_strv_join(char *buf, size_t len, char *const *v, size_t n)
{
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(buf);

		snprintf(buf + l, len - l, "%s%s", i ? ", " : "", v[i]);
	}
}

/* Whether value suits the field; why not in err. */
int
wf_field_check(const struct wf_fielddef *f, const char *v,
    const struct cal_set *cals, char *err, size_t errlen)
{
	struct duration d;
	char derr[160];
	int64_t n = 0;
	size_t len = strlen(v);

	switch (f->type) {
	case F_NUMBER:
		if (len == 0 || len > 12)
			goto number;
		for (const char *p = v; *p; p++) {
			if (!isdigit((unsigned char)*p))
				goto number;
			n = n * 10 + (*p - '0');
		}
		if (n < f->min || n > f->max)
			goto number;
		return 0;
	number:
		snprintf(err, errlen, "%s must be a whole number from %lld to "
		    "%lld", f->name, (long long)f->min, (long long)f->max);
		return -1;
	case F_CHOICE:
		for (size_t i = 0; i < f->nchoices; i++)
			if (strcmp(v, f->choices[i]) == 0)
				return 0;
		snprintf(err, errlen, "%s must be one of: ", f->name);
		wf_strv_join(err + strlen(err), errlen - strlen(err),
		    f->choices, f->nchoices);
		return -1;
	case F_FLAG:
		if (strcmp(v, "yes") == 0 || strcmp(v, "no") == 0)
			return 0;
		snprintf(err, errlen, "%s is a flag: yes or no", f->name);
		return -1;
	case F_DURATION:
		if (dur_parse(v, &d, derr, sizeof derr) == -1) {
			snprintf(err, errlen, "%s: %s", f->name, derr);
			return -1;
		}
		if (d.n == 0) {
			snprintf(err, errlen, "%s must be longer than 0",
			    f->name);
			return -1;
		}
		if (d.calendar[0] && cals && !cal_set_find(cals, d.calendar)) {
			snprintf(err, errlen, "%s: unknown calendar \"%s\"",
			    f->name, d.calendar);
			return -1;
		}
		return 0;
	case F_ID:
		if (valid_name(v))
			return 0;
		snprintf(err, errlen, "%s must be an id: 1-%d characters of "
		    "A-Z a-z 0-9 . _ -", f->name, VALID_NAME_MAX);
		return -1;
	case F_DATE:
		/* A day, whatever the zone: checked as one in UTC. */
		snprintf(derr, sizeof derr, "%.10sZ", v);
		if (len == 10 && iso_parse(derr, NULL, &n, err, errlen) == 0)
			return 0;
		snprintf(err, errlen, "%s must be a date, YYYY-MM-DD", f->name);
		return -1;
	case F_TIME:
		break;
	}
	snprintf(err, errlen, "%s is set by vigil, not by hand", f->name);
	return -1;
}

/* Set key to value, keeping the fields sorted. */
void
wf_case_set_field(struct wf_case *c, const char *key, const char *value)
{
	size_t i;

	for (i = 0; i < c->nfields; i++) {
		int cmp = strcmp(key, c->fields[i].key);

		if (cmp == 0) {
			free(c->fields[i].value);
			c->fields[i].value = xstrdup(value);
			return;
		}
		if (cmp < 0)
			break;
	}
	c->fields = xreallocarray(c->fields, c->nfields + 1, sizeof *c->fields);
	memmove(c->fields + i + 1, c->fields + i,
	    (c->nfields - i) * sizeof *c->fields);
	c->fields[i].key = xstrdup(key);
	c->fields[i].value = xstrdup(value);
	c->nfields++;
}

/* The value of key in fields sorted by key, or NULL. */
const char *
wf_field_get(const struct wf_field *f, size_t n, const char *key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(key, f[mid].key);

		if (c == 0)
			return f[mid].value;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const char *
wf_case_field(const struct wf_case *c, const char *key)
{
	return wf_field_get(c->fields, c->nfields, key);
}

/* A case's deadline by its seq, or NULL (c may be NULL: a new case). */
const struct wf_deadline *
wf_case_deadline(const struct wf_case *c, uint32_t seq)
{
	for (size_t i = 0; c != NULL && i < c->ndeadlines; i++)
		if (c->deadlines[i].seq == seq)
			return &c->deadlines[i];
	return NULL;
}

/* Stamps are UTC, "2026-04-01T09:00:00Z", readable and exact. */
void
wf_stamp_format(int64_t t, char *buf, size_t len)
{
	int32_t secs;
	int y, m, d;

	civil_from_days(civil_split(t, &secs), &y, &m, &d);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d,
	    secs / 3600, secs / 60 % 60, secs % 60);
}

int
wf_stamp_parse(const char *s, int64_t *t)
{
	char err[128];

	if (strlen(s) != 20 || s[19] != 'Z')
		return -1;
	return iso_parse(s, NULL, t, err, sizeof err);
}

/* Whether two deadline instances are the same in every respect. */
int
wf_deadline_same(const struct wf_deadline *a, const struct wf_deadline *b)
{
	return a->due == b->due && a->status == b->status &&
	    a->started == b->started && a->closed_at == b->closed_at &&
	    a->acked_at == b->acked_at && a->urgent == b->urgent &&
	    a->pause_runs == b->pause_runs &&
	    same_str(a->name, b->name) && same_str(a->duration, b->duration) &&
	    same_str(a->closed_by, b->closed_by) &&
	    same_str(a->acked_by, b->acked_by);
}

/* The calendar a duration is measured on, or NULL if it is not there. */
const struct calendar *
wf_calendar(const struct workflow *wf, const struct cal_set *cals,
    const struct duration *d)
{
	return cal_set_find(cals, d->calendar[0] ? d->calendar : wf->calendar);
}

static void
deadline_free(struct wf_deadline *d)
{
	free(d->name);
	free(d->duration);
	free(d->closed_by);
	free(d->acked_by);
}

void
wf_case_free(struct wf_case *c)
{
	if (c == NULL)
		return;
	free(c->ref);
	free(c->workflow);
	free(c->version);
	free(c->state);
	for (size_t i = 0; i < c->nfields; i++) {
		free(c->fields[i].key);
		free(c->fields[i].value);
	}
	free(c->fields);
	for (size_t i = 0; i < c->ndeadlines; i++)
		deadline_free(&c->deadlines[i]);
	free(c->deadlines);
	memset(c, 0, sizeof *c);
}

static char *
dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* dst becomes an independent copy of src (dst's old contents are not freed). */
void
wf_case_copy(struct wf_case *dst, const struct wf_case *src)
{
	*dst = *src;
	dst->ref = dup_or_null(src->ref);
	dst->workflow = dup_or_null(src->workflow);
	dst->version = dup_or_null(src->version);
	dst->state = dup_or_null(src->state);
	dst->fields = src->nfields ?
	    xreallocarray(NULL, src->nfields, sizeof *dst->fields) : NULL;
	for (size_t i = 0; i < src->nfields; i++) {
		dst->fields[i].key = xstrdup(src->fields[i].key);
		dst->fields[i].value = xstrdup(src->fields[i].value);
	}
	dst->deadlines = src->ndeadlines ?
	    xreallocarray(NULL, src->ndeadlines, sizeof *dst->deadlines) : NULL;
	for (size_t i = 0; i < src->ndeadlines; i++) {
		struct wf_deadline *d = &dst->deadlines[i];

		*d = src->deadlines[i];
		d->name = dup_or_null(d->name);
		d->duration = dup_or_null(d->duration);
		d->closed_by = dup_or_null(d->closed_by);
		d->acked_by = dup_or_null(d->acked_by);
	}
}
