/*
 * diag.c: problems collected while loading configuration, so that one run of
 * "vigild --check" reports all of them, each as file:line: message.
 */
#include <stdlib.h>

#include "vigil.h"

void
diag_vadd(struct diag *d, const char *file, int line, const char *fmt,
    va_list ap)
{
	struct diag_entry *e;

	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->v = xreallocarray(d->v, d->cap, sizeof *d->v);
	}
	e = &d->v[d->n++];
	e->file = xstrdup(file ? file : "-");
	e->line = line;
	e->msg = xvasprintf(fmt, ap);
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

/* Append everything in src to dst and empty src. */
void
diag_move(struct diag *dst, struct diag *src)
{
	for (size_t i = 0; i < src->n; i++) {
		if (dst->n == dst->cap) {
			dst->cap = dst->cap ? dst->cap * 2 : 8;
			dst->v = xreallocarray(dst->v, dst->cap, sizeof *dst->v);
		}
		dst->v[dst->n++] = src->v[i];
	}
	free(src->v);
	src->v = NULL;
	src->n = src->cap = 0;
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
