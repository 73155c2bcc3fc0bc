/*
 * wf-raw.c: a workflow file as sections of "key = value" lines, each with
 * its file and line, with includes merged in.  Meaning comes later
 * (wf-load.c); this file only knows the shape, so that the canonical text
 * (wf_text()) is a function of what was read and reads back the same.
 *
 * Merging: a section of the including file that the base also has keeps the
 * base's lines except for the keys the including file sets, whose every
 * line it replaces; other sections are added after the base's.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "inifile.h"
#include "wf-int.h"

static const char *const kinds[] = {
	"workflow", "settings", "conditions", "state", "event", "deadline",
	"escalation"
};

struct raw_ctx {
	struct raw *r;			/* this file's sections only */
	struct diag *dg;
	const char *file;
	struct raw_sec *cur;		/* NULL: ignoring lines */
	int	 any;			/* seen a section */
};

static int
kind_named(const char *kind)
{
	return strcmp(kind, "workflow") != 0 && strcmp(kind, "settings") != 0 &&
	    strcmp(kind, "conditions") != 0;
}

/* Lower-case letters, digits and '-', starting with a letter or digit. */
int
wf_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= WF_NAME_MAX || s[0] == '-')
		return 0;
	for (; *s; s++)
		if (!(*s >= 'a' && *s <= 'z') && !(*s >= '0' && *s <= '9') &&
		    *s != '-')
			return 0;
	return 1;
}

static const char *
intern(struct raw *r, const char *file)
{
	for (size_t i = 0; i < r->nfiles; i++)
		if (strcmp(r->files[i], file) == 0)
			return r->files[i];
	r->files = xreallocarray(r->files, r->nfiles + 1, sizeof *r->files);
	return r->files[r->nfiles++] = xstrdup(file);
}

static struct raw_sec *
sec_find(struct raw *r, const char *kind, const char *name)
{
	for (size_t i = 0; i < r->nsec; i++)
		if (strcmp(r->sec[i].kind, kind) == 0 &&
		    strcmp(r->sec[i].name, name) == 0)
			return &r->sec[i];
	return NULL;
}

static struct raw_sec *
sec_add(struct raw *r, const char *kind, const char *name, const char *file,
    int line)
{
	struct raw_sec *s;

	r->sec = xreallocarray(r->sec, r->nsec + 1, sizeof *r->sec);
	s = &r->sec[r->nsec++];
	*s = (struct raw_sec){ xstrdup(kind), xstrdup(name), file, line,
	    NULL, 0 };
	return s;
}

static void
kv_add(struct raw_sec *s, const char *key, const char *value,
    const char *file, int line)
{
	s->kv = xreallocarray(s->kv, s->nkv + 1, sizeof *s->kv);
	s->kv[s->nkv++] = (struct raw_kv){ xstrdup(key), xstrdup(value), file,
	    line };
}

const struct raw_kv *
wf_raw_get(const struct raw_sec *s, const char *key)
{
	for (size_t i = 0; i < s->nkv; i++)
		if (strcmp(s->kv[i].key, key) == 0)
			return &s->kv[i];
	return NULL;
}

static void
on_section(struct raw_ctx *x, const char *header, int line)
{
	char kind[INI_LINE_MAX + 1], *name;
	struct raw_sec *dup;
	size_t i;

	x->any = 1;
	x->cur = NULL;
	snprintf(kind, sizeof kind, "%s", header);
	if ((name = strchr(kind, ' ')) != NULL) {
		*name++ = '\0';
		while (*name == ' ')
			name++;
	} else
		name = kind + strlen(kind);
	for (i = 0; i < nitems(kinds); i++)
		if (strcmp(kind, kinds[i]) == 0)
			break;
	if (i == nitems(kinds)) {
		diag_add(x->dg, x->file, line, "unknown section [%s] (expected "
		    "workflow, settings, conditions, state, event, deadline or "
		    "escalation)", header);
		return;
	}
	if (kind_named(kind) && *name == '\0') {
		diag_add(x->dg, x->file, line, "[%s] needs a name, as in "
		    "[%s NAME]", kind, kind);
		return;
	}
	if (!kind_named(kind) && *name != '\0') {
		diag_add(x->dg, x->file, line, "[%s] takes no name", kind);
		return;
	}
	if (kind_named(kind) && !wf_name_ok(name)) {
		diag_add(x->dg, x->file, line, "bad %s name \"%s\": use "
		    "lower-case letters, digits and -", kind, name);
		return;
	}
	if ((dup = sec_find(x->r, kind, name)) != NULL) {
		diag_add(x->dg, x->file, line, "duplicate name: [%s] is already "
		    "defined at line %d", header, dup->line);
		return;
	}
	x->cur = sec_add(x->r, kind, name, x->file, line);
}

static void
on_line(void *user, const char *section, const char *key, const char *value,
    int line)
{
	struct raw_ctx *x = user;

	if (key == NULL) {
		on_section(x, section, line);
		return;
	}
	if (!x->any) {
		diag_add(x->dg, x->file, line, "\"%s\" is outside any section",
		    key);
		return;
	}
	if (x->cur != NULL)
		kv_add(x->cur, key, value, x->file, line);
}

static void
sec_free(struct raw_sec *s)
{
	for (size_t k = 0; k < s->nkv; k++) {
		free(s->kv[k].key);
		free(s->kv[k].value);
	}
	free(s->kv);
	free(s->kind);
	free(s->name);
}

void
wf_raw_free(struct raw *r)
{
	for (size_t i = 0; i < r->nsec; i++)
		sec_free(&r->sec[i]);
	free(r->sec);
	for (size_t i = 0; i < r->nfiles; i++)
		free(r->files[i]);
	free(r->files);
	free(r->name);
	memset(r, 0, sizeof *r);
}

/* Lay the sections of one file (src) over what it includes (dst). */
static void
merge(struct raw *dst, const struct raw *src)
{
	for (size_t i = 0; i < src->nsec; i++) {
		const struct raw_sec *s = &src->sec[i];
		struct raw_sec *d = sec_find(dst, s->kind, s->name);
		size_t w;

		if (d == NULL) {
			d = sec_add(dst, s->kind, s->name, s->file, s->line);
		} else {
			d->file = s->file;
			d->line = s->line;
		}
		/* A workflow's name is its own, never its base's. */
		if (strcmp(s->kind, "workflow") == 0)
			for (size_t k = 0; k < d->nkv; k++)
				if (strcmp(d->kv[k].key, "name") == 0)
					d->kv[k].key[0] = '\0';
		for (size_t k = 0; k < s->nkv; k++)
			for (size_t j = 0; j < d->nkv; j++)
				if (strcmp(d->kv[j].key, s->kv[k].key) == 0)
					d->kv[j].key[0] = '\0';
		/* Drop what was replaced (keys emptied above). */
		w = 0;
		for (size_t j = 0; j < d->nkv; j++) {
			if (d->kv[j].key[0] == '\0') {
				free(d->kv[j].key);
				free(d->kv[j].value);
			} else
				d->kv[w++] = d->kv[j];
		}
		d->nkv = w;
		for (size_t k = 0; k < s->nkv; k++) {
			if (strcmp(s->kind, "workflow") == 0 &&
			    strcmp(s->kv[k].key, "include") == 0)
				continue;
			kv_add(d, s->kv[k].key, s->kv[k].value, s->kv[k].file,
			    s->kv[k].line);
		}
	}
}

struct inc_stack {
	char	*path[WF_MAX_INCLUDE + 1];
	char	*shown[WF_MAX_INCLUDE + 1];
	int	 n;
};

static int load_into(struct raw *, const char *, struct inc_stack *,
    struct diag *);

static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	return xstrndup(path, slash == path ? 1 : (size_t)(slash - path));
}

/*
 * Read one file, then what it includes, into r (which owns file names).
 * -2 when the file cannot be read at all, -1 for any other problem.
 */
static int
load_into(struct raw *r, const char *path, struct inc_stack *st,
    struct diag *dg)
{
	struct raw mine = { 0 }, base = { 0 };
	struct raw_ctx x = { .r = &mine, .dg = dg };
	const struct raw_sec *w;
	char *real, *dir;
	size_t before = dg->n;

	x.file = intern(r, path);
	if (ini_load(path, on_line, &x, dg) == -1)
		return -2;
	if ((real = realpath(path, NULL)) == NULL)
		real = xstrdup(path);
	st->path[st->n] = real;
	st->shown[st->n] = (char *)x.file;
	st->n++;
	dir = dir_of(path);
	if ((w = sec_find(&mine, "workflow", "")) != NULL) {
		for (size_t k = 0; k < w->nkv; k++) {
			const struct raw_kv *kv = &w->kv[k];
			char *inc, *ireal;
			int cycle = 0;

			if (strcmp(kv->key, "include") != 0)
				continue;
			if (kv->value[0] == '\0') {
				diag_add(dg, kv->file, kv->line, "include needs "
				    "a file name");
				continue;
			}
			inc = kv->value[0] == '/' || strchr(path, '/') == NULL ?
			    xstrdup(kv->value) : xasprintf("%s/%s", dir, kv->value);
			if ((ireal = realpath(inc, NULL)) == NULL) {
				diag_add(dg, kv->file, kv->line, "cannot include "
				    "%s: %s", kv->value, strerror(errno));
				free(inc);
				continue;
			}
			for (int i = 0; i < st->n; i++)
				if (strcmp(st->path[i], ireal) == 0)
					cycle = 1;
			if (cycle) {
				char *chain = xstrdup("");

				for (int i = 0; i < st->n; i++) {
					char *c = xasprintf("%s%s -> ", chain,
					    st->shown[i]);
					free(chain);
					chain = c;
				}
				diag_add(dg, kv->file, kv->line, "include cycle: "
				    "%s%s", chain, inc);
				free(chain);
			} else if (st->n > WF_MAX_INCLUDE) {
				diag_add(dg, kv->file, kv->line, "includes nest "
				    "more than %d deep", WF_MAX_INCLUDE);
			} else
				load_into(&base, inc, st, dg);
			free(ireal);
			free(inc);
		}
	}
	free(dir);
	st->n--;
	free(st->path[st->n]);
	/* File names belong to r; base and mine point into their own. */
	for (size_t i = 0; i < base.nsec; i++) {
		base.sec[i].file = intern(r, base.sec[i].file);
		for (size_t k = 0; k < base.sec[i].nkv; k++)
			base.sec[i].kv[k].file = intern(r, base.sec[i].kv[k].file);
	}
	merge(r, &base);
	merge(r, &mine);
	wf_raw_free(&base);
	/* mine's file names were interned in r already. */
	for (size_t i = 0; i < mine.nsec; i++)
		sec_free(&mine.sec[i]);
	free(mine.sec);
	return dg->n > before ? -1 : 0;
}

/* The top file names the workflow: [workflow] name, or its file name. */
static void
set_name(struct raw *r, const char *path)
{
	struct raw_sec *w = sec_find(r, "workflow", "");
	const struct raw_kv *kv;
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n > 4 && strcmp(base + n - 4, ".ini") == 0)
		n -= 4;
	if (w == NULL)
		w = sec_add(r, "workflow", "", r->nfiles ? r->files[0] : "-", 0);
	if ((kv = wf_raw_get(w, "name")) != NULL)
		r->name = xstrdup(kv->value);
	else {
		r->name = xstrndup(base, n);
		w->kv = xreallocarray(w->kv, w->nkv + 1, sizeof *w->kv);
		memmove(w->kv + 1, w->kv, w->nkv * sizeof *w->kv);
		w->kv[0] = (struct raw_kv){ xstrdup("name"), xstrdup(r->name),
		    w->file, w->line };
		w->nkv++;
	}
	/* [workflow] first, so the text reads from the top. */
	if (w != &r->sec[0]) {
		struct raw_sec tmp = *w;
		size_t i = (size_t)(w - r->sec);

		memmove(r->sec + 1, r->sec, i * sizeof *r->sec);
		r->sec[0] = tmp;
	}
}

int
wf_raw_load_file(struct raw *r, const char *path, struct diag *dg)
{
	struct inc_stack st = { .n = 0 };
	int rc;

	rc = load_into(r, path, &st, dg);
	set_name(r, path);
	return rc;
}

int
wf_raw_load_buffer(struct raw *r, const char *name, const char *buf, size_t len,
    struct diag *dg)
{
	struct raw_ctx x = { .r = r, .dg = dg };
	const struct raw_sec *w;
	size_t before = dg->n;

	x.file = intern(r, name);
	ini_load_buffer(name, buf, len, on_line, &x, dg);
	if ((w = sec_find(r, "workflow", "")) != NULL) {
		const struct raw_kv *kv = wf_raw_get(w, "include");

		/* A stored text stands alone: it has its includes merged. */
		if (kv != NULL)
			diag_add(dg, kv->file, kv->line, "include is not "
			    "allowed here: the text must be self-contained");
	}
	set_name(r, name);
	return dg->n > before ? -1 : 0;
}

/*
 * The canonical text: sections in merged order, "key = value" lines, no
 * comments.  Reading it back gives the same raw, so the same text.
 */
char *
wf_raw_text(const struct raw *r, const char *header)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	if ((fp = open_memstream(&buf, &len)) == NULL)
		fatal("open_memstream");
	if (header != NULL)
		fprintf(fp, "# %s\n", header);
	for (size_t i = 0; i < r->nsec; i++) {
		const struct raw_sec *s = &r->sec[i];

		fprintf(fp, "%s[%s%s%s]\n", i ? "\n" : "", s->kind,
		    *s->name ? " " : "", s->name);
		for (size_t k = 0; k < s->nkv; k++) {
			const struct raw_kv *kv = &s->kv[k];
			size_t n = strlen(kv->key) + strlen(kv->value);

			/* Spaces only where they keep within the line limit. */
			if (n + 3 <= INI_LINE_MAX)
				fprintf(fp, "%s = %s\n", kv->key, kv->value);
			else
				fprintf(fp, "%s=%s\n", kv->key, kv->value);
		}
	}
	if (fclose(fp) != 0)
		fatal("open_memstream");
	return buf;
}
