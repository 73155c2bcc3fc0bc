/*
 * wf-escalation.c: [escalation NAME] sections: who is told before a
 * deadline is due, at the miss, at each later level and in repeats, by
 * which channels and on which conditions.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "wf-int.h"

/* Each rota named, where it is first named. */
static void
rota_ref(struct workflow *wf, const struct raw_kv *kv, const char *name)
{
	for (size_t i = 0; i < wf->nrotas; i++)
		if (strcmp(wf->rotas[i].name, name) == 0)
			return;
	wf->rotas = xreallocarray(wf->rotas, wf->nrotas + 1,
	    sizeof *wf->rotas);
	wf->rotas[wf->nrotas++] = (struct wf_rota_ref){ xstrdup(name),
	    kv->file ? xstrdup(kv->file) : NULL, kv->line };
}

/*
 * "officer", "line-manager", "line-manager's manager", "manager N",
 * "group NAME", "rota NAME".
 */
static int
target(struct ld *x, const struct raw_kv *kv, const char *t,
    struct wf_recip *r)
{
	struct workflow *wf = x->wf;
	int up;

	memset(r, 0, sizeof *r);
	if (strcmp(t, "officer") == 0)
		r->kind = WF_TO_OFFICER;
	else if (strcmp(t, "line-manager") == 0) {
		r->kind = WF_TO_MANAGER;
		r->up = 1;
	} else if (strcmp(t, "line-manager's manager") == 0) {
		r->kind = WF_TO_MANAGER;
		r->up = 2;
	} else if (sscanf(t, "manager %d", &up) == 1 && up >= 1 && up <= 4) {
		r->kind = WF_TO_MANAGER;
		r->up = up;
	} else if (strncmp(t, "group ", 6) == 0 && wf_name_ok(t + 6)) {
		r->kind = WF_TO_GROUP;
		r->group = xstrdup(t + 6);
		if (!wf_strv_has(wf->groups, wf->ngroups, r->group)) {
			wf->groups = xreallocarray(wf->groups, wf->ngroups + 1,
			    sizeof *wf->groups);
			wf->groups[wf->ngroups++] = xstrdup(r->group);
		}
	} else if (strncmp(t, "rota ", 5) == 0 && wf_name_ok(t + 5)) {
		r->kind = WF_TO_ROTA;
		r->rota = xstrdup(t + 5);
		rota_ref(wf, kv, r->rota);
	} else {
		WF_LD_ERR(x, kv, "unknown recipient \"%s\" (expected officer, "
		    "line-manager, line-manager's manager, manager N, group "
		    "NAME or rota NAME)", t);
		return -1;
	}
	return 0;
}

/* "line-manager: email, sms when risk = high" */
static void
recipient(struct ld *x, const struct raw_kv *kv, struct wf_level *lv)
{
	char *copy = xstrdup(kv->value), *colon, *p, *item;
	struct wf_recip *r;

	if ((colon = strchr(copy, ':')) == NULL) {
		WF_LD_ERR(x, kv, "expected WHO: CHANNELS, as in \"officer: email\"");
		goto done;
	}
	*colon = '\0';
	if (lv->nto == WF_MAX_RECIPIENTS) {
		WF_LD_ERR(x, kv, "at most %d recipients a level", WF_MAX_RECIPIENTS);
		goto done;
	}
	r = &lv->to[lv->nto];
	if (target(x, kv, wf_ld_trim(copy), r) == -1)
		goto done;
	lv->nto++;
	p = colon + 1;
	while ((item = strsep(&p, ",")) != NULL) {
		char *when, *ch = wf_ld_trim(wf_ld_split_when(item, &when));
		unsigned bit = 0;

		if (strcmp(ch, "email") == 0)
			bit = WF_EMAIL;
		else if (strcmp(ch, "sms") == 0)
			bit = WF_SMS;
		else
			WF_LD_ERR(x, kv, "unknown channel \"%s\" (expected email or "
			    "sms)", ch);
		for (size_t i = 0; bit && i < r->nch; i++)
			if (r->ch[i].channel == bit) {
				WF_LD_ERR(x, kv, "channel %s is listed twice", ch);
				bit = 0;
			}
		if (bit) {
			r->ch[r->nch].channel = bit;
			r->ch[r->nch].when = when ? wf_ld_guard(x, kv, when) : NULL;
			r->nch++;
		}
		free(when);
		free(ch);
	}
done:
	free(copy);
}

static int
level_key(const char *key, const char *suffix, int *n)
{
	int used = 0;

	if (sscanf(key, "level-%d%n", n, &used) != 1 || used == 0)
		return 0;
	return strcmp(key + used, suffix) == 0 && key[6] != '0' &&
	    isdigit((unsigned char)key[6]) && used == 7;
}

void
wf_load_escalation(struct ld *x, const struct raw_sec *s)
{
	struct workflow *wf = x->wf;
	struct wf_escdef *e;
	const struct raw_kv *rem = NULL, *remto = NULL, *every = NULL,
	    *max = NULL;
	int n;

	wf->escs = xreallocarray(wf->escs, wf->nescs + 1, sizeof *wf->escs);
	e = &wf->escs[wf->nescs++];
	memset(e, 0, sizeof *e);
	e->name = xstrdup(s->name);
	e->file = s->file;
	e->line = s->line;
	for (size_t k = 0; k < s->nkv; k++) {
		const struct raw_kv *kv = &s->kv[k];

		if (strcmp(kv->key, "reminder-to") == 0) {
			remto = kv;
			e->level[0].defined = 1;
			recipient(x, kv, &e->level[0]);
			continue;
		}
		if (level_key(kv->key, "-to", &n)) {
			e->level[n].defined = 1;
			recipient(x, kv, &e->level[n]);
			if (n > e->nlevels)
				e->nlevels = n;
			continue;
		}
		if (!wf_ld_once(x, s, kv))
			continue;
		if (strcmp(kv->key, "reminder") == 0) {
			rem = kv;
			e->has_reminder = wf_ld_duration(x, kv, kv->value,
			    &e->reminder, 0) == 0;
		} else if (level_key(kv->key, "-after", &n)) {
			if (n == 1)
				WF_LD_ERR(x, kv, "level 1 is at the due time: it "
				    "takes no level-1-after");
			else
				wf_ld_duration(x, kv, kv->value,
				    &e->level[n].after, 0);
		} else if (strcmp(kv->key, "repeat-every") == 0) {
			every = kv;
			e->has_repeat = wf_ld_duration(x, kv, kv->value,
			    &e->repeat, 0) == 0;
			if (e->has_repeat && e->repeat.n == 0) {
				WF_LD_ERR(x, kv, "repeat-every must be longer than 0");
				e->has_repeat = 0;
			}
		} else if (strcmp(kv->key, "repeat-max") == 0) {
			char *end;
			long v = strtol(kv->value, &end, 10);

			max = kv;
			if (*kv->value == '\0' || *end != '\0' || v < 1 ||
			    v > WF_MAX_REPEAT)
				WF_LD_ERR(x, kv, "repeat-max must be a number from 1 "
				    "to %d", WF_MAX_REPEAT);
			else
				e->repeat_max = (int)v;
		} else if (strcmp(kv->key, "urgent-when") == 0) {
			wf_guard_free(e->urgent);
			e->urgent = wf_ld_guard(x, kv, kv->value);
		} else
			WF_LD_ERR(x, kv, "unknown setting \"%s\" in [escalation %s] "
			    "(expected reminder, reminder-to, level-N-to, "
			    "level-N-after, repeat-every, repeat-max or "
			    "urgent-when)", kv->key, s->name);
	}
	if ((rem == NULL) != (remto == NULL))
		diag_add(x->dg, s->file, s->line, "escalation %s: reminder and "
		    "reminder-to go together", s->name);
	if ((every == NULL) != (max == NULL))
		diag_add(x->dg, s->file, s->line, "escalation %s: repeat-every "
		    "and repeat-max go together", s->name);
	if (e->nlevels == 0)
		diag_add(x->dg, s->file, s->line, "escalation %s: nobody is "
		    "told of a miss (add level-1-to)", s->name);
	for (n = 1; n <= e->nlevels; n++) {
		if (!e->level[n].defined)
			diag_add(x->dg, s->file, s->line, "escalation %s: "
			    "level-%d-to is missing (levels go 1, 2, 3...)",
			    s->name, n);
		else if (n == 2 && wf_raw_get(s, "level-2-after") == NULL)
			diag_add(x->dg, s->file, s->line, "escalation %s: "
			    "level-2-after is missing", s->name);
	}
	for (n = 3; n <= e->nlevels; n++) {
		char key[32];

		snprintf(key, sizeof key, "level-%d-after", n);
		if (wf_raw_get(s, key) == NULL)
			diag_add(x->dg, s->file, s->line, "escalation %s: "
			    "%s is missing", s->name, key);
	}
}

void
wf_escdef_free(struct wf_escdef *e)
{
	free(e->name);
	wf_guard_free(e->urgent);
	for (int l = 0; l <= WF_MAX_LEVELS; l++)
		for (size_t r = 0; r < e->level[l].nto; r++) {
			free(e->level[l].to[r].group);
			free(e->level[l].to[r].rota);
			for (size_t c = 0; c < e->level[l].to[r].nch; c++)
				wf_guard_free(e->level[l].to[r].ch[c].when);
		}
}

