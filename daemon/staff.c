/*
 * staff.c: read and check staff.ini.
 *
 * The file is read in two passes: inih hands every section and key to
 * conf_sections_line(), which only keeps them (with their lines); build()
 * then makes people and groups, so that a manager or member may be named
 * before its own section and every problem is found in one run.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "conf.h"
#include "inifile.h"
#include "staff.h"
#include "utf8.h"

/* After a key outside any section. */
#define STAFF_HINT	"start with [ID] for a person or [group NAME]"

struct staff {
	struct staff_person *people;	/* sorted by id */
	size_t	 npeople;
	struct staff_group *groups;	/* sorted by name */
	size_t	 ngroups;
};

static void problem(struct conf_sections *, int, const char *, ...)
	    VIGIL_PRINTF(3, 4);

static const char *const person_keys[] = {
	"name", "role", "email", "mobile", "manager", "team", "unix_user",
};
static const char *const group_keys[] = {
	"email", "mobile", "members",
};

static void
problem(struct conf_sections *p, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(p->dg, p->file, line, fmt, ap);
	va_end(ap);
}

static int
key_known(const char *key, const char *const *keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(key, keys[i]) == 0)
			return 1;
	return 0;
}

static void
unknown_keys(struct conf_sections *p, const struct conf_section *s,
    const char *const *keys, size_t n, const char *what)
{
	for (size_t i = 0; i < s->n; i++) {
		if (key_known(s->kv[i].key, keys, n))
			continue;
		problem(p, s->kv[i].line, "unknown setting \"%s\" "
		    "for %s", s->kv[i].key, what);
	}
}

/* An optional value that must be non-empty when given. */
static const struct conf_kv *
value_of(struct conf_sections *p, const struct conf_section *s, const char *key)
{
	const struct conf_kv *kv = conf_kv(s, key);

	if (kv != NULL && kv->value[0] == '\0') {
		problem(p, kv->line, "%s needs a value", key);
		return NULL;
	}
	return kv;
}

/* An optional address, checked by ok: addr_email_ok or addr_e164_ok. */
static char *
address_of(struct conf_sections *p, const struct conf_section *s,
    const char *key, int (*ok)(const char *, char *, size_t))
{
	const struct conf_kv *kv = value_of(p, s, key);
	char err[256];

	if (kv == NULL)
		return NULL;
	if (!ok(kv->value, err, sizeof err)) {
		problem(p, kv->line, "%s", err);
		return NULL;
	}
	return xstrdup(kv->value);
}

static void
person_from(struct conf_sections *p, const struct conf_section *s,
    struct staff_person *sp)
{
	const struct conf_kv *kv;

	unknown_keys(p, s, person_keys, nitems(person_keys), "a person");
	sp->id = xstrdup(s->name);
	sp->line = s->line;
	if ((kv = value_of(p, s, "name")) == NULL) {
		if (conf_kv(s, "name") == NULL)
			problem(p, s->line, "[%s] has no name "
			    "(the display name used in messages)", s->name);
	} else if (strlen(kv->value) > STAFF_NAME_MAX ||
	    !utf8_clean_line(kv->value))
		problem(p, kv->line, "name must be UTF-8 text of at "
		    "most %d bytes with no control characters", STAFF_NAME_MAX);
	else
		sp->name = xstrdup(kv->value);
	if ((kv = value_of(p, s, "role")) == NULL) {
		if (conf_kv(s, "role") == NULL)
			problem(p, s->line, "[%s] has no role "
			    "(officer, manager, head-of-service or admin)",
			    s->name);
	} else if (role_parse(kv->value, &sp->role) == -1)
		problem(p, kv->line, "unknown role \"%s\": use "
		    "officer, manager, head-of-service or admin", kv->value);
	sp->email = address_of(p, s, "email", addr_email_ok);
	if (sp->email == NULL && conf_kv(s, "email") == NULL)
		problem(p, s->line, "[%s] has no email address",
		    s->name);
	sp->mobile = address_of(p, s, "mobile", addr_e164_ok);
	if ((kv = value_of(p, s, "manager")) != NULL) {
		sp->manager_id = xstrdup(kv->value);
		sp->manager_line = kv->line;
	}
	if ((kv = value_of(p, s, "team")) != NULL) {
		if (strlen(kv->value) > STAFF_NAME_MAX ||
		    !utf8_clean_line(kv->value))
			problem(p, kv->line, "team must be UTF-8 "
			    "text of at most %d bytes", STAFF_NAME_MAX);
		else
			sp->team = xstrdup(kv->value);
	}
	if ((kv = value_of(p, s, "unix_user")) != NULL) {
		if (!valid_unix_user(kv->value))
			problem(p, kv->line, "\"%s\" is not a "
			    "Unix user name", kv->value);
		else
			sp->unix_user = xstrdup(kv->value);
	}
}

static int
person_cmp(const void *a, const void *b)
{
	const struct staff_person *x = a, *y = b;
	int c = strcasecmp(x->id, y->id);

	return c ? c : strcmp(x->id, y->id);
}

static int
group_cmp(const void *a, const void *b)
{
	const struct staff_group *x = a, *y = b;

	return strcmp(x->name, y->name);
}

const struct staff_person *
staff_find(const struct staff *st, const char *id)
{
	struct staff_person key = { .id = (char *)(uintptr_t)id };

	if (st == NULL || id == NULL)
		return NULL;
	return bsearch(&key, st->people, st->npeople, sizeof *st->people,
	    person_cmp);
}

const struct staff_group *
staff_group(const struct staff *st, const char *name)
{
	struct staff_group key = { .name = (char *)(uintptr_t)name };

	if (st == NULL || name == NULL)
		return NULL;
	return bsearch(&key, st->groups, st->ngroups, sizeof *st->groups,
	    group_cmp);
}

const struct staff_person *
staff_find_unix(const struct staff *st, const char *user)
{
	for (size_t i = 0; st != NULL && user != NULL && i < st->npeople; i++)
		if (st->people[i].unix_user != NULL &&
		    strcmp(st->people[i].unix_user, user) == 0)
			return &st->people[i];
	return NULL;
}

/* A member of staff as people know them: their name, else the id itself. */
const char *
staff_name(const struct staff *st, const char *id)
{
	const struct staff_person *p = id ? staff_find(st, id) : NULL;

	return p != NULL ? p->name : id;
}

/* Who has this email address (as single sign-on names people), or NULL. */
const struct staff_person *
staff_find_email(const struct staff *st, const char *email)
{
	for (size_t i = 0; st != NULL && email != NULL && i < st->npeople; i++)
		if (st->people[i].email != NULL &&
		    strcasecmp(st->people[i].email, email) == 0)
			return &st->people[i];
	return NULL;
}

/* The Nth manager up the chain (1 = line manager), or NULL. */
const struct staff_person *
staff_manager(const struct staff_person *sp, int up)
{
	for (; sp != NULL && up > 0; up--)
		sp = sp->manager;
	return up == 0 ? sp : NULL;
}

static struct staff_group *
group_from(struct conf_sections *p, struct staff *st,
    const struct conf_section *s, const char *name, struct staff_group *g)
{
	const struct conf_kv *kv;
	char *list, *tok, *save;

	unknown_keys(p, s, group_keys, nitems(group_keys), "a group");
	g->name = xstrdup(name);
	g->line = s->line;
	g->email = address_of(p, s, "email", addr_email_ok);
	g->mobile = address_of(p, s, "mobile", addr_e164_ok);
	if ((kv = value_of(p, s, "members")) != NULL) {
		list = xstrdup(kv->value);
		for (tok = strtok_r(list, ", \t", &save); tok != NULL;
		    tok = strtok_r(NULL, ", \t", &save)) {
			const struct staff_person *sp = staff_find(st, tok);
			size_t i;

			if (sp == NULL) {
				problem(p, kv->line, "group %s: "
				    "no person \"%s\" in the directory", name,
				    tok);
				continue;
			}
			for (i = 0; i < g->nmembers; i++)
				if (g->members[i] == sp)
					break;
			if (i < g->nmembers) {
				problem(p, kv->line, "group %s: "
				    "%s is listed twice", name, tok);
				continue;
			}
			g->members = xreallocarray(g->members, g->nmembers + 1,
			    sizeof *g->members);
			g->members[g->nmembers++] = sp;
		}
		free(list);
	}
	if (conf_kv(s, "email") == NULL && conf_kv(s, "mobile") == NULL &&
	    conf_kv(s, "members") == NULL)
		problem(p, s->line, "group %s reaches no one: give "
		    "it an email, a mobile or members", name);
	return g;
}

/* "group NAME" gives NAME, anything else NULL. */
static const char *
group_name(const char *section)
{
	if (strncmp(section, "group", 5) != 0 ||
	    (section[5] != ' ' && section[5] != '\t'))
		return NULL;
	section += 5;
	while (*section == ' ' || *section == '\t')
		section++;
	return section;
}

static void
resolve_managers(struct conf_sections *p, struct staff *st)
{
	for (size_t i = 0; i < st->npeople; i++) {
		struct staff_person *sp = &st->people[i];

		if (sp->manager_id == NULL)
			continue;
		if ((sp->manager = staff_find(st, sp->manager_id)) == NULL)
			problem(p, sp->manager_line, "%s: manager "
			    "\"%s\" is not in the directory", sp->id,
			    sp->manager_id);
	}
}

/*
 * Walk every chain of line managers once; a chain that comes back to a
 * person already on it is a cycle, reported once at the line of its first
 * member in the file.
 */
static void
find_cycles(struct conf_sections *p, struct staff *st)
{
	unsigned char *state = xcalloc(st->npeople, 1);	/* 0, 1 on path, 2 */
	size_t *path = xreallocarray(NULL, st->npeople, sizeof *path);

	for (size_t i = 0; i < st->npeople; i++) {
		size_t n = 0, at, first;
		const struct staff_person *sp;
		char *msg;

		for (sp = &st->people[i]; sp != NULL &&
		    state[sp - st->people] == 0; sp = sp->manager) {
			state[sp - st->people] = 1;
			path[n++] = (size_t)(sp - st->people);
		}
		if (sp != NULL && state[sp - st->people] == 1) {
			for (at = 0; &st->people[path[at]] != sp; at++)
				;
			first = at;
			for (size_t k = at; k < n; k++)
				if (st->people[path[k]].line <
				    st->people[path[first]].line)
					first = k;
			msg = xstrdup("");
			for (size_t k = 0; k <= n - at; k++) {
				size_t len = n - at;
				size_t idx = path[at + (first - at + k) % len];
				char *m;

				if (k == 8 && n - at > 12) {
					/* "a -> ... -> x -> y -> z -> a" */
					k = n - at - 3;
					m = xasprintf("%s -> ...", msg);
					free(msg);
					msg = m;
					continue;
				}
				m = xasprintf("%s%s%s", msg, k ? " -> " : "",
				    st->people[idx].id);
				free(msg);
				msg = m;
			}
			problem(p, st->people[path[first]].line,
			    "line managers go round in a circle: %s", msg);
			free(msg);
		}
		for (size_t k = 0; k < n; k++)
			state[path[k]] = 2;
	}
	free(path);
	free(state);
}

static int
unix_cmp(const void *a, const void *b)
{
	const struct staff_person *x = *(const struct staff_person *const *)a;
	const struct staff_person *y = *(const struct staff_person *const *)b;
	int c = strcmp(x->unix_user, y->unix_user);

	return c ? c : x->line - y->line;
}

static void
check_unique(struct conf_sections *p, struct staff *st)
{
	const struct staff_person **u;
	size_t nu = 0;

	for (size_t i = 1; i < st->npeople; i++)
		if (strcasecmp(st->people[i - 1].id, st->people[i].id) == 0) {
			const struct staff_person *a = &st->people[i - 1];
			const struct staff_person *b = &st->people[i];

			if (a->line > b->line) {
				const struct staff_person *t = a;

				a = b;
				b = t;
			}
			problem(p, b->line, "%s is already defined "
			    "at line %d%s", b->id, a->line,
			    strcmp(a->id, b->id) ? " (ids differ only in "
			    "case)" : "");
		}
	for (size_t i = 1; i < st->ngroups; i++)
		if (strcmp(st->groups[i - 1].name, st->groups[i].name) == 0) {
			int a = st->groups[i - 1].line, b = st->groups[i].line;

			problem(p, a > b ? a : b, "group %s is "
			    "already defined at line %d", st->groups[i].name,
			    a < b ? a : b);
		}
	u = xreallocarray(NULL, st->npeople + 1, sizeof *u);
	for (size_t i = 0; i < st->npeople; i++)
		if (st->people[i].unix_user != NULL)
			u[nu++] = &st->people[i];
	xqsort(u, nu, sizeof *u, unix_cmp);
	for (size_t i = 1; i < nu; i++)
		if (strcmp(u[i - 1]->unix_user, u[i]->unix_user) == 0)
			problem(p, u[i]->line, "%s and %s have the "
			    "same unix_user %s", u[i - 1]->id, u[i]->id,
			    u[i]->unix_user);
	free(u);
}

static struct staff *
build(struct conf_sections *p)
{
	struct staff *st = xcalloc(1, sizeof *st);
	size_t np = 0, ng = 0;

	for (size_t i = 0; i < p->n; i++) {
		if (group_name(p->v[i].name) != NULL)
			ng++;
		else
			np++;
	}
	st->people = xcalloc(np, sizeof *st->people);
	st->groups = xcalloc(ng, sizeof *st->groups);
	for (size_t i = 0; i < p->n; i++) {
		const struct conf_section *s = &p->v[i];

		if (group_name(s->name) != NULL)
			continue;
		if (!valid_name(s->name))
			diag_add(p->dg, p->file, s->line, "\"%s\" is not a person "
			    "id (letters, digits, \".\", \"_\" and \"-\", at "
			    "most %d) or \"group NAME\"", s->name, VALID_NAME_MAX);
		person_from(p, s, &st->people[st->npeople++]);
	}
	xqsort(st->people, st->npeople, sizeof *st->people, person_cmp);
	resolve_managers(p, st);
	for (size_t i = 0; i < p->n; i++) {
		const struct conf_section *s = &p->v[i];
		const char *name = group_name(s->name);

		if (name == NULL)
			continue;
		if (!valid_name(name))
			diag_add(p->dg, p->file, s->line, "\"%s\" is not a group "
			    "name (letters, digits, \".\", \"_\" and \"-\")",
			    name);
		group_from(p, st, s, name, &st->groups[st->ngroups++]);
	}
	xqsort(st->groups, st->ngroups, sizeof *st->groups, group_cmp);
	check_unique(p, st);
	find_cycles(p, st);
	if (staff_group(st, STAFF_FALLBACK) == NULL)
		problem(p, 0, "no [group %s]: it receives missed "
		    "deadlines that have no officer or no line manager",
		    STAFF_FALLBACK);
	if (staff_group(st, STAFF_ADMINS) == NULL)
		problem(p, 0, "no [group %s]: it is told when a "
		    "message cannot be delivered", STAFF_ADMINS);
	return st;
}

struct diag_order {
	struct diag_entry e;
	size_t	 seq;
};

static int
order_cmp(const void *a, const void *b)
{
	const struct diag_order *x = a, *y = b;

	if (x->e.line != y->e.line)
		return x->e.line < y->e.line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The second pass finds problems out of order: list them by line. */
static void
sort_diags(struct diag *dg, size_t from)
{
	size_t n = dg->n - from;
	struct diag_order *v = xreallocarray(NULL, n + 1, sizeof *v);

	for (size_t i = 0; i < n; i++)
		v[i] = (struct diag_order){ dg->v[from + i], i };
	xqsort(v, n, sizeof *v, order_cmp);
	for (size_t i = 0; i < n; i++)
		dg->v[from + i] = v[i].e;
	free(v);
}

static struct staff *
finish(struct conf_sections *p, size_t before)
{
	struct staff *st = build(p);

	conf_sections_free(p);
	sort_diags(p->dg, before);
	if (p->dg->n > before) {
		staff_free(st);
		return NULL;
	}
	return st;
}

struct staff *
staff_load(const char *path, struct diag *dg)
{
	struct conf_sections p = { .file = path, .dg = dg, .hint =
	    STAFF_HINT };
	size_t before = dg->n;

	if (ini_load(path, conf_sections_line, &p, dg) == -1) {
		conf_sections_free(&p);
		return NULL;
	}
	return finish(&p, before);
}

struct staff *
staff_load_buffer(const char *name, const char *buf, size_t len,
    struct diag *dg)
{
	struct conf_sections p = { .file = name, .dg = dg, .hint =
	    STAFF_HINT };
	size_t before = dg->n;

	ini_load_buffer(name, buf, len, conf_sections_line, &p, dg);
	return finish(&p, before);
}

size_t
staff_count(const struct staff *st)
{
	return st ? st->npeople : 0;
}

const struct staff_person *
staff_get(const struct staff *st, size_t i)
{
	return st && i < st->npeople ? &st->people[i] : NULL;
}

size_t
staff_group_count(const struct staff *st)
{
	return st ? st->ngroups : 0;
}

const struct staff_group *
staff_group_get(const struct staff *st, size_t i)
{
	return st && i < st->ngroups ? &st->groups[i] : NULL;
}

void
staff_free(struct staff *st)
{
	if (st == NULL)
		return;
	for (size_t i = 0; i < st->npeople; i++) {
		struct staff_person *sp = &st->people[i];

		free(sp->id);
		free(sp->name);
		free(sp->email);
		free(sp->mobile);
		free(sp->manager_id);
		free(sp->team);
		free(sp->unix_user);
	}
	for (size_t i = 0; i < st->ngroups; i++) {
		free(st->groups[i].name);
		free(st->groups[i].email);
		free(st->groups[i].mobile);
		free(st->groups[i].members);
	}
	free(st->people);
	free(st->groups);
	free(st);
}
