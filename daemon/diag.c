/*
 * diag.c: problems collected while loading configuration, so that one run of
 * "vigild --check" reports all of them, each as file:line: message.
 */
#include <stdlib.h>
#include <string.h>

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

/*
 * Append to dst what it does not have yet, and empty src: two readers of one
 * section (both channels read [file]) report a problem once.
 */
void
diag_merge(struct diag *dst, struct diag *src)
{
	for (size_t i = 0; i < src->n; i++) {
		const struct diag_entry *e = &src->v[i];
		size_t j;

		for (j = 0; j < dst->n; j++)
			if (dst->v[j].line == e->line &&
			    strcmp(dst->v[j].file, e->file) == 0 &&
			    strcmp(dst->v[j].msg, e->msg) == 0)
				break;
		if (j == dst->n)
			diag_add(dst, e->file, e->line, "%s", e->msg);
	}
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
