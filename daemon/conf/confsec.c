/*
 * confsec.c: reading a module's section of vigil.conf ([email], [outbox],
 * ...), each problem reported at the setting's line (or the section's, for
 * one that is missing), so "vigild --check" shows them all.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

void
sec_init(struct sec_reader *nc, const struct conf *c, const char *name,
    struct diag *dg)
{
	nc->conf = c;
	nc->sec = conf_section(c, name);
	nc->name = name;
	nc->dg = dg;
}

/* A problem with key (or with the section when key is NULL or unset). */
void
sec_err(const struct sec_reader *nc, const char *key, const char *fmt, ...)
{
	const struct conf_kv *kv = key ? conf_kv(nc->sec, key) : NULL;
	int line = kv ? kv->line : nc->sec ? nc->sec->line : 0;
	const char *file = conf_file(nc->conf, kv ? kv->file : nc->sec ?
	    nc->sec->file : NULL);
	char *msg;
	va_list ap;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (key != NULL)
		diag_add(nc->dg, file, line, "[%s] %s: %s", nc->name,
		    key, msg);
	else
		diag_add(nc->dg, file, line, "[%s]: %s", nc->name,
		    msg);
	free(msg);
}

/* Every key must be one of keys; "header.*" style prefixes end in ".". */
void
sec_keys(const struct sec_reader *nc, const char *const *keys, size_t n)
{
	for (size_t i = 0; nc->sec != NULL && i < nc->sec->n; i++) {
		const char *k = nc->sec->kv[i].key;
		size_t j;

		for (j = 0; j < n; j++) {
			size_t len = strlen(keys[j]);
			int prefix = keys[j][len - 1] == '.';

			if (prefix ? strncmp(k, keys[j], len) == 0 &&
			    k[len] != '\0' : strcmp(k, keys[j]) == 0)
				break;
		}
		if (j == n)
			diag_add(nc->dg, conf_file(nc->conf, nc->sec->kv[i].file),
			    nc->sec->kv[i].line,
			    "unknown setting \"%s\" in [%s]", k, nc->name);
	}
}

const char *
sec_str(const struct sec_reader *nc, const char *key, const char *def)
{
	const struct conf_kv *kv = conf_kv(nc->sec, key);

	if (kv == NULL)
		return def;
	if (kv->value[0] == '\0') {
		sec_err(nc, key, "needs a value");
		return def;
	}
	return kv->value;
}

/* A setting that must be there. */
const char *
sec_need(const struct sec_reader *nc, const char *key)
{
	const char *v = sec_str(nc, key, NULL);

	if (v == NULL && conf_kv(nc->sec, key) == NULL)
		sec_err(nc, NULL, "%s is required", key);
	return v;
}

int
sec_int(const struct sec_reader *nc, const char *key, int def, int min, int max)
{
	const char *v = sec_str(nc, key, NULL);
	char *end;
	long n;

	if (v == NULL)
		return def;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || end == v || n < min || n > max) {
		sec_err(nc, key, "expected a whole number from %d to %d", min,
		    max);
		return def;
	}
	return (int)n;
}

/* One of words; returns its index, or def. */
int
sec_choice(const struct sec_reader *nc, const char *key, const char *const *words,
    size_t n, int def)
{
	const char *v = sec_str(nc, key, NULL);
	char list[256];
	size_t o = 0;

	if (v == NULL)
		return def;
	list[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v, words[i]) == 0)
			return (int)i;
		o += (size_t)snprintf(list + o, sizeof list - o, "%s%s",
		    i ? (i + 1 == n ? " or " : ", ") : "", words[i]);
		if (o >= sizeof list)
			break;
	}
	sec_err(nc, key, "\"%s\" is not %s", v, list);
	return def;
}

/* A path, resolved against the configuration's folder; NULL when unset. */
char *
sec_path(const struct sec_reader *nc, const char *key)
{
	const char *v = sec_str(nc, key, NULL);

	return v ? conf_resolve(nc->conf, v) : NULL;
}

