/*
 * wf-set.c: the workflows of a folder, one a file, each by its name.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "wf-int.h"

struct wf_set {
	struct workflow **v;
	size_t	 n;
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.ini of a folder is a workflow (a base included by others, too). */
struct wf_set *
wf_load_dir(const char *dir, const struct cal_set *cals, struct diag *dg)
{
	struct wf_set *set = xcalloc(1, sizeof *set);
	size_t before = dg->n, nnames = 0;
	char **names = NULL;
	struct dirent *de;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		diag_add(dg, dir, 0, "cannot read the workflows folder: %m");
		free(set);
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);

		if (de->d_name[0] == '.' || n < 5 ||
		    strcmp(de->d_name + n - 4, ".ini") != 0)
			continue;
		names = xreallocarray(names, nnames + 1, sizeof *names);
		names[nnames++] = xasprintf("%s/%s", dir, de->d_name);
	}
	closedir(d);
	xqsort(names, nnames, sizeof *names, cmp_str);
	for (size_t i = 0; i < nnames; i++) {
		struct workflow *wf = wf_load_file(names[i], cals, dg);

		if (wf == NULL)
			continue;
		if (wf_set_find(set, wf->name) != NULL) {
			diag_add(dg, names[i], 0, "duplicate name: workflow %s "
			    "is also defined by another file", wf->name);
			wf_free(wf);
			continue;
		}
		set->v = xreallocarray(set->v, set->n + 1, sizeof *set->v);
		set->v[set->n++] = wf;
	}
	strv_free(names, nnames);
	if (nnames == 0)
		diag_add(dg, dir, 0, "no workflows (*.ini) in this folder");
	if (dg->n > before) {
		wf_set_free(set);
		return NULL;
	}
	return set;
}

void
wf_set_free(struct wf_set *set)
{
	if (set == NULL)
		return;
	for (size_t i = 0; i < set->n; i++)
		wf_free(set->v[i]);
	free(set->v);
	free(set);
}

size_t
wf_set_count(const struct wf_set *set)
{
	return set->n;
}

const struct workflow *
wf_set_get(const struct wf_set *set, size_t i)
{
	return i < set->n ? set->v[i] : NULL;
}

const struct workflow *
wf_set_find(const struct wf_set *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->v[i]->name, name) == 0)
			return set->v[i];
	return NULL;
}
