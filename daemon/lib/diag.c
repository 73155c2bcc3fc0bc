/*
 * diag.c: problems collected while loading configuration, so that one run of
 * "vigild --check" reports all of them, each as file:line: message.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>

#include "vigil.h"

/*
 * An identical problem is recorded once: a broken file that five workflows
 * include is one mistake, not five.
 */
void
diag_vadd(struct diag *d, const char *file, int line, const char *fmt,
    va_list ap)
{
	struct diag_entry *e;
	char *msg = xvasprintf(fmt, ap);

	if (file == NULL)
		file = "-";
	for (size_t i = 0; i < d->n; i++) {
		if (d->v[i].line == line && strcmp(d->v[i].file, file) == 0 &&
		    strcmp(d->v[i].msg, msg) == 0) {
			free(msg);
			return;
		}
	}
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->v = xreallocarray(d->v, d->cap, sizeof *d->v);
	}
	e = &d->v[d->n++];
	e->file = xstrdup(file);
	e->line = line;
	e->msg = msg;
}

void
diag_add(struct diag *d, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(d, file, line, fmt, ap);
	va_end(ap);
}

void
diag_print(const struct diag *d, FILE *fp)
{
	for (size_t i = 0; i < d->n; i++) {
		if (d->v[i].line > 0)
			fprintf(fp, "%s:%d: %s\n", d->v[i].file, d->v[i].line,
			    d->v[i].msg);
		else
			fprintf(fp, "%s: %s\n", d->v[i].file, d->v[i].msg);
	}
}

void
diag_log(const struct diag *d)
{
	for (size_t i = 0; i < d->n; i++) {
		if (d->v[i].line > 0)
			log_err("%s:%d: %s", d->v[i].file, d->v[i].line,
			    d->v[i].msg);
		else
			log_err("%s: %s", d->v[i].file, d->v[i].msg);
	}
}

/* Append to dst what it does not have yet, and empty src. */
void
diag_merge(struct diag *dst, struct diag *src)
{
	for (size_t i = 0; i < src->n; i++)
		diag_add(dst, src->v[i].file, src->v[i].line, "%s",
		    src->v[i].msg);
	diag_clear(src);
}

void
diag_clear(struct diag *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	d->v = NULL;
	d->n = d->cap = 0;
}

/* A message into a caller's err buffer (which may be NULL); returns -1, so
 * that "return seterr(err, len, ...)" refuses in one line. */
int
seterr(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || len == 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}
