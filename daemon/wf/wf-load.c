/*
 * wf-load.c: turn the raw sections of a workflow (wf-raw.c) into the
 * compiled form the engine runs: every name resolved, every duration and
 * condition parsed, so nothing is parsed again per event or per step.
 * Every problem goes to the diag with its file and line, and loading goes
 * on, so that one "vigild --check" shows them all.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "wf-int.h"

/* In place, so the result can still be freed. */
char *
wf_ld_trim(char *s)
{
	char *b = s, *e;

	while (isspace((unsigned char)*b))
		b++;
	memmove(s, b, strlen(b) + 1);
	for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]);)
		*--e = '\0';
	return s;
}

/* "a, b, c" into names; an empty value is an empty list. */
void
wf_ld_name_list(struct ld *x, const struct raw_kv *kv, char ***v, size_t *n,
    const char *what)
{
	char *copy = xstrdup(kv->value), *p = copy, *item;

	strv_free(*v, *n);
	*v = NULL;
	*n = 0;
	while ((item = strsep(&p, ",")) != NULL) {
		item = wf_ld_trim(item);
		if (*item == '\0') {
			if (p != NULL || *n > 0)
				WF_LD_ERR(x, kv, "empty name in the list of %s", what);
			continue;
		}
		if (!wf_name_ok(item)) {
			WF_LD_ERR(x, kv, "bad %s name \"%s\"", what, item);
			continue;
		}
		if (wf_strv_has(*v, *n, item)) {
			WF_LD_ERR(x, kv, "%s \"%s\" is listed twice", what, item);
			continue;
		}
		*v = xreallocarray(*v, *n + 1, sizeof **v);
		(*v)[(*n)++] = xstrdup(item);
	}
	free(copy);
}

int
wf_ld_yes_no(struct ld *x, const struct raw_kv *kv)
{
	if (strcmp(kv->value, "yes") == 0)
		return 1;
	if (strcmp(kv->value, "no") != 0)
		WF_LD_ERR(x, kv, "%s must be yes or no", kv->key);
	return 0;
}

/* Single-valued keys may appear once per section. */
int
wf_ld_once(struct ld *x, const struct raw_sec *s, const struct raw_kv *kv)
{
	for (const struct raw_kv *p = s->kv; p < kv; p++) {
		if (strcmp(p->key, kv->key) == 0) {
			WF_LD_ERR(x, kv, "%s is set twice in [%s %s] (first at %s:%d)",
			    kv->key, s->kind, s->name, p->file, p->line);
			return 0;
		}
	}
	return 1;
}

/* Split "TEXT when GUARD"; *when is NULL without one. */
char *
wf_ld_split_when(const char *value, char **when)
{
	const char *w = strstr(value, " when ");
	char *head;

	if (w == NULL) {
		*when = NULL;
		return xstrdup(value);
	}
	head = xstrndup(value, (size_t)(w - value));
	*when = wf_ld_trim(xstrdup(w + 6));
	return head;
}

struct wf_guard *
wf_ld_guard(struct ld *x, const struct raw_kv *kv, const char *text)
{
	struct g_names nm = { x->wf, kv->file, kv->line, x->dg };

	return wf_guard_compile(text, &nm);
}

/*
 * A duration written out, or a setting holding one; a problem with a
 * setting is reported where the setting is.
 */
int
wf_ld_duration(struct ld *x, const struct raw_kv *kv, const char *text,
    struct duration *d, int quiet)
{
	const struct wf_setting *s;
	char err[200], *t = wf_ld_trim(xstrdup(text)), *free_me = t;
	const char *file = kv->file;
	int rc, line = kv->line;

	if ((s = wf_setting_use(x->wf, t)) != NULL) {
		t = s->value;
		file = s->file;
		line = s->line;
	}
	/* Once per file:line (diag_add's rule), however many rules read a
	 * broken setting. */
	if ((rc = dur_parse(t, d, err, sizeof err)) == -1 && !quiet) {
		if (s != NULL)
			diag_add(x->dg, file, line, "setting %s: %s", s->name,
			    err);
		else
			diag_add(x->dg, file, line, "%s", err);
	}
	if (rc == 0 && d->calendar[0] && x->cals &&
	    !cal_set_find(x->cals, d->calendar))
		diag_add(x->dg, file, line, "unknown calendar \"%s\"",
		    d->calendar);
	free(free_me);
	return rc;
}

/* --- whole workflow ------------------------------------------------ */

static void
check_fields(struct ld *x)
{
	struct workflow *wf = x->wf;

	/* One name, one type, wherever it is declared. */
	for (size_t i = 0; i < wf->nevents; i++) {
		const struct wf_eventdef *ev = &wf->events[i];

		for (size_t f = 0; f < ev->nfields; f++) {
			int done = 0;

			for (size_t j = 0; j < i && !done; j++)
				for (size_t g = 0; g < wf->events[j].nfields; g++) {
					const struct wf_fielddef *o =
					    &wf->events[j].fields[g];

					if (strcmp(o->store, ev->fields[f].store)
					    || o->type == ev->fields[f].type)
						continue;
					diag_add(x->dg, ev->file, ev->line,
					    "field %s of event %s is %s, but "
					    "event %s declares it %s",
					    o->store, ev->name,
					    wf_type_name(ev->fields[f].type),
					    wf->events[j].name,
					    wf_type_name(o->type));
					done = 1;
					break;
				}
			if (wf_setting(wf, ev->fields[f].store) ||
			    wf_cond(wf, ev->fields[f].store))
				diag_add(x->dg, ev->file, ev->line, "duplicate "
				    "name: %s is a field and a setting or "
				    "condition", ev->fields[f].store);
		}
		for (size_t s = 0; s < ev->nstamps; s++)
			for (size_t j = 0; j < wf->nevents; j++)
				for (size_t g = 0; g < wf->events[j].nfields; g++)
					if (strcmp(wf->events[j].fields[g].store,
					    ev->stamps[s]) == 0)
						diag_add(x->dg, ev->file,
						    ev->line, "stamp %s is also "
						    "a field of event %s",
						    ev->stamps[s],
						    wf->events[j].name);
	}
}

static void
resolve_from(struct ld *x, const struct raw_sec *s, struct wf_eventdef *ev)
{
	struct workflow *wf = x->wf;
	const struct raw_kv *kv = wf_raw_get(s, "from");

	if (kv == NULL)
		return;
	if (ev->nfrom == 1 && strcmp(ev->from[0], "any") == 0 &&
	    wf_state(wf, "any") == NULL) {
		strv_free(ev->from, ev->nfrom);
		ev->from = NULL;
		ev->nfrom = 0;
		for (size_t i = 0; i < wf->nstates; i++) {
			if (wf->states[i].final)
				continue;
			ev->from = xreallocarray(ev->from, ev->nfrom + 1,
			    sizeof *ev->from);
			ev->from[ev->nfrom++] = xstrdup(wf->states[i].name);
		}
		return;
	}
	for (size_t i = 0; i < ev->nfrom; i++)
		if (wf_state(wf, ev->from[i]) == NULL)
			WF_LD_ERR(x, kv, "unknown state \"%s\"", ev->from[i]);
}

static void
collect_roles(struct workflow *wf)
{
	for (size_t i = 0; i < wf->nevents; i++)
		for (size_t r = 0; r < wf->events[i].nroles; r++) {
			const char *role = wf->events[i].roles[r];

			if (wf_strv_has(wf->roles, wf->nroles, role))
				continue;
			wf->roles = xreallocarray(wf->roles, wf->nroles + 1,
			    sizeof *wf->roles);
			wf->roles[wf->nroles++] = xstrdup(role);
		}
}

static void
digest(struct workflow *wf)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (EVP_Digest(wf->text, strlen(wf->text), md, &n, EVP_sha256(),
	    NULL) != 1)
		fatalx("SHA-256 failed");
	hex_encode(md, WF_VERSION_LEN / 2, wf->version);
}

/*
 * from_file: an admin's file, where a setting or condition of the top file
 * that nothing reads is a typo; a stored text (wf_text) is the flattened
 * files, whose included settings a replaced rule may leave unread.
 */
static struct workflow *
compile(const struct raw *raw, const struct cal_set *cals, struct diag *dg,
    size_t before, int from_file)
{
	struct workflow *wf = xcalloc(1, sizeof *wf);
	struct ld x = { wf, raw, cals, dg };
	const struct raw_sec *s;

	wf->name = xstrdup(raw->name);
	wf->calendar = xstrdup("default");
	for (size_t i = 0; i < raw->nsec; i++) {
		s = &raw->sec[i];
		if (strcmp(s->kind, "workflow") == 0)
			wf_load_workflow(&x, s);
		else if (strcmp(s->kind, "settings") == 0)
			wf_load_settings(&x, s);
	}
	for (size_t i = 0; i < raw->nsec; i++) {
		s = &raw->sec[i];
		if (strcmp(s->kind, "conditions") == 0)
			wf_load_conditions(&x, s);
		else if (strcmp(s->kind, "state") == 0)
			wf_load_state(&x, s);
		else if (strcmp(s->kind, "event") == 0)
			wf_load_event(&x, s);
	}
	check_fields(&x);
	for (size_t i = 0, e = 0; i < raw->nsec; i++) {
		s = &raw->sec[i];
		if (strcmp(s->kind, "event") != 0 || strcmp(s->name, "ack") == 0)
			continue;
		resolve_from(&x, s, &wf->events[e]);
		wf_load_routes(&x, s, &wf->events[e]);
		e++;
	}
	/* Conditions on their own, so each problem shows at its line. */
	for (size_t i = 0; i < wf->nconds; i++) {
		struct raw_kv kv = { NULL, NULL, wf->conds[i].file,
		    wf->conds[i].line };

		wf_guard_free(wf_ld_guard(&x, &kv, wf->conds[i].expr));
	}
	for (size_t i = 0; i < raw->nsec; i++)
		if (strcmp(raw->sec[i].kind, "escalation") == 0)
			wf_load_escalation(&x, &raw->sec[i]);
	for (size_t i = 0; i < raw->nsec; i++)
		if (strcmp(raw->sec[i].kind, "deadline") == 0)
			wf_load_deadline(&x, &raw->sec[i]);
	collect_roles(wf);
	/* The whole-graph checks only mean something once names resolve. */
	if (dg->n == before)
		wf_check(wf, dg);
	/*
	 * A setting nothing reads is most likely a misspelt override; one of
	 * an included file's may be left unread by a rule this file replaced.
	 */
	for (size_t i = 0; from_file && i < wf->nsettings; i++)
		if (!wf->settings[i].used && wf->settings[i].file ==
		    raw->files[0])
			diag_add(dg, wf->settings[i].file, wf->settings[i].line,
			    "setting %s is not used by any rule (misspelt?)",
			    wf->settings[i].name);
	for (size_t i = 0; from_file && i < wf->nconds; i++)
		if (!wf->conds[i].used && wf->conds[i].file == raw->files[0])
			diag_add(dg, wf->conds[i].file, wf->conds[i].line,
			    "condition %s is not used by any rule (misspelt?)",
			    wf->conds[i].name);
	if (dg->n > before) {
		wf_free(wf);
		return NULL;
	}
	wf->text = wf_raw_text(raw, NULL);
	digest(wf);
	return wf;
}

/* One workflow file and what it includes. */
struct workflow *
wf_load_file(const char *path, const struct cal_set *cals, struct diag *dg)
{
	struct raw raw = { 0 };
	struct workflow *wf = NULL;
	size_t before = dg->n;

	/* Go on after problems in the text, to report the rest too. */
	if (wf_raw_load_file(&raw, path, dg) != -2)
		wf = compile(&raw, cals, dg, before, 1);
	wf_raw_free(&raw);
	return wf;
}

/* A self-contained text (no include), such as wf_text() gives. */
struct workflow *
wf_load_buffer(const char *name, const char *buf, size_t len,
    const struct cal_set *cals, struct diag *dg)
{
	struct raw raw = { 0 };
	struct workflow *wf = NULL;
	size_t before = dg->n;

	wf_raw_load_buffer(&raw, name, buf, len, dg);
	wf = compile(&raw, cals, dg, before, 0);
	wf_raw_free(&raw);
	return wf;
}

void
wf_free(struct workflow *wf)
{
	if (wf == NULL)
		return;
	free(wf->name);
	free(wf->title);
	free(wf->calendar);
	free(wf->text);
	for (size_t i = 0; i < wf->nsettings; i++) {
		free(wf->settings[i].name);
		free(wf->settings[i].value);
	}
	free(wf->settings);
	for (size_t i = 0; i < wf->nconds; i++) {
		free(wf->conds[i].name);
		free(wf->conds[i].expr);
	}
	free(wf->conds);
	for (size_t i = 0; i < wf->nstates; i++) {
		free(wf->states[i].name);
		free(wf->states[i].title);
	}
	free(wf->states);
	for (size_t i = 0; i < wf->nevents; i++) {
		struct wf_eventdef *ev = &wf->events[i];

		free(ev->name);
		free(ev->title);
		strv_free(ev->from, ev->nfrom);
		for (size_t r = 0; r < ev->nto; r++) {
			free(ev->to[r].state);
			wf_guard_free(ev->to[r].when);
		}
		free(ev->to);
		for (size_t f = 0; f < ev->nfields; f++) {
			free(ev->fields[f].name);
			free(ev->fields[f].store);
			strv_free(ev->fields[f].choices, ev->fields[f].nchoices);
		}
		free(ev->fields);
		strv_free(ev->roles, ev->nroles);
		strv_free(ev->stamps, ev->nstamps);
	}
	free(wf->events);
	for (size_t i = 0; i < wf->ndeadlines; i++) {
		struct wf_deaddef *d = &wf->deadlines[i];

		free(d->name);
		free(d->title);
		free(d->action);
		for (size_t r = 0; r < d->ndur; r++) {
			free(d->dur[r].field);
			wf_guard_free(d->dur[r].when);
		}
		free(d->dur);
		strv_free(d->starts_on, d->nstarts_on);
		strv_free(d->starts_in, d->nstarts_in);
		wf_guard_free(d->starts_when);
		free(d->starts_with);
		free(d->due_at);
		strv_free(d->met_by, d->nmet_by);
		strv_free(d->cancelled_by, d->ncancelled_by);
	}
	free(wf->deadlines);
	for (size_t i = 0; i < wf->nescs; i++)
		wf_escdef_free(&wf->escs[i]);
	free(wf->escs);
	strv_free(wf->roles, wf->nroles);
	strv_free(wf->groups, wf->ngroups);
	for (size_t i = 0; i < wf->nrotas; i++) {
		free(wf->rotas[i].name);
		free(wf->rotas[i].file);
	}
	free(wf->rotas);
	free(wf);
}

