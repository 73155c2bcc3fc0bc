/*
 * sections.c: an INI file read whole into its sections (staff.ini,
 * rota.ini), so that its loader can check each section at once, every
 * problem at its line.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>

#include "conf.h"

/*
 * The ini_load() handler: a "[section]" opens one; a key before any is
 * reported once, with the file's hint; a key set twice in a section is
 * reported, but for the one key that may repeat.
 */
void
conf_sections_line(void *user, const char *section, const char *key,
    const char *value, int line)
{
	struct conf_sections *p = user;
	struct conf_section *s;
	const struct conf_kv *kv;

	if (key == NULL) {
		p->v = xreallocarray(p->v, p->n + 1, sizeof *p->v);
		p->v[p->n++] = (struct conf_section){ .name = xstrdup(section),
		    .line = line };
		return;
	}
	if (p->n == 0) {
		if (!p->skip)
			diag_add(p->dg, p->file, line, "\"%s\" is outside any "
			    "section: %s", key, p->hint);
		p->skip = 1;
		return;
	}
	s = &p->v[p->n - 1];
	if ((p->repeats == NULL || strcmp(key, p->repeats) != 0) &&
	    (kv = conf_kv(s, key)) != NULL)
		diag_add(p->dg, p->file, line, "\"%s\" is set twice in [%s] "
		    "(first at line %d)", key, s->name, kv->line);
	else
		conf_section_add(s, key, value, line);
}

void
conf_sections_free(struct conf_sections *p)
{
	for (size_t i = 0; i < p->n; i++)
		conf_section_free(&p->v[i]);
	free(p->v);
	p->v = NULL;
	p->n = 0;
}
