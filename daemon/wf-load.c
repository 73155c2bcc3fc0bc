/*
 * wf-load.c: turn the raw sections of a workflow (wf-raw.c) into the
 * compiled form the engine runs: every name resolved, every duration and
 * condition parsed, so nothing is parsed again per event or per step.
 * Every problem goes to the diag with its file and line, and loading goes
 * on, so that one "vigild --check" shows them all.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "wf-int.h"

static const char *const wf_role_names[] = {
	"officer", "manager", "head-of-service", "admin"
};

struct ld {
	struct workflow *wf;
	const struct raw *raw;
	const struct cal_set *cals;
	struct diag *dg;
};

#define ERR(x, kv, ...)	diag_add((x)->dg, (kv)->file, (kv)->line, __VA_ARGS__)

/* In place, so the result can still be freed. */
static char *
trim(char *s)
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
static void
name_list(struct ld *x, const struct raw_kv *kv, char ***v, size_t *n,
    const char *what)
{
	char *copy = xstrdup(kv->value), *p = copy, *item;

	strv_free(*v, *n);
	*v = NULL;
	*n = 0;
	while ((item = strsep(&p, ",")) != NULL) {
		item = trim(item);
		if (*item == '\0') {
			if (p != NULL || *n > 0)
				ERR(x, kv, "empty name in the list of %s", what);
			continue;
		}
		if (!wf_name_ok(item)) {
			ERR(x, kv, "bad %s name \"%s\"", what, item);
			continue;
		}
		if (strv_has(*v, *n, item)) {
			ERR(x, kv, "%s \"%s\" is listed twice", what, item);
			continue;
		}
		*v = xreallocarray(*v, *n + 1, sizeof **v);
		(*v)[(*n)++] = xstrdup(item);
	}
	free(copy);
}

static int
yes_no(struct ld *x, const struct raw_kv *kv)
{
	if (strcmp(kv->value, "yes") == 0)
		return 1;
	if (strcmp(kv->value, "no") != 0)
		ERR(x, kv, "%s must be yes or no", kv->key);
	return 0;
}

/* Single-valued keys may appear once per section. */
static int
once(struct ld *x, const struct raw_sec *s, const struct raw_kv *kv)
{
	for (const struct raw_kv *p = s->kv; p < kv; p++) {
		if (strcmp(p->key, kv->key) == 0) {
			ERR(x, kv, "%s is set twice in [%s %s] (first at %s:%d)",
			    kv->key, s->kind, s->name, p->file, p->line);
			return 0;
		}
	}
	return 1;
}

/* Split "TEXT when GUARD"; *when is NULL without one. */
static char *
split_when(const char *value, char **when)
{
	const char *w = strstr(value, " when ");
	char *head;

	if (w == NULL) {
		*when = NULL;
		return xstrdup(value);
	}
	head = xstrndup(value, (size_t)(w - value));
	*when = trim(xstrdup(w + 6));
	return head;
}

static struct wf_guard *
guard(struct ld *x, const struct raw_kv *kv, const char *text)
{
	struct g_names nm = { x->wf, kv->file, kv->line, x->dg };

	return guard_compile(text, &nm);
}

/* Once per file:line, however many rules read a broken setting. */
static void
diag_once(struct diag *dg, const char *file, int line, const char *fmt, ...)
    VIGIL_PRINTF(4, 5);

static void
diag_once(struct diag *dg, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	char *m;

	va_start(ap, fmt);
	m = xvasprintf(fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < dg->n; i++)
		if (dg->v[i].line == line && strcmp(dg->v[i].file, file) == 0 &&
		    strcmp(dg->v[i].msg, m) == 0) {
			free(m);
			return;
		}
	diag_add(dg, file, line, "%s", m);
	free(m);
}

/*
 * A duration written out, or a setting holding one; a problem with a
 * setting is reported where the setting is.
 */
static int
duration_of(struct ld *x, const struct raw_kv *kv, const char *text,
    struct duration *d, int quiet)
{
	const struct wf_setting *s;
	char err[200], *t = trim(xstrdup(text)), *free_me = t;
	const char *file = kv->file;
	int rc, line = kv->line;

	if ((s = wf_setting_use(x->wf, t)) != NULL) {
		t = s->value;
		file = s->file;
		line = s->line;
	}
	if ((rc = dur_parse(t, d, err, sizeof err)) == -1 && !quiet) {
		if (s != NULL)
			diag_once(x->dg, file, line, "setting %s: %s", s->name,
			    err);
		else
			diag_once(x->dg, file, line, "%s", err);
	}
	if (rc == 0 && d->calendar[0] && x->cals &&
	    !cal_set_find(x->cals, d->calendar))
		diag_once(x->dg, file, line, "unknown calendar \"%s\"",
		    d->calendar);
	free(free_me);
	return rc;
}

/* --- sections ------------------------------------------------------ */

static void
load_workflow(struct ld *x, const struct raw_sec *s)
{
	struct workflow *wf = x->wf;

	for (size_t k = 0; k < s->nkv; k++) {
		const struct raw_kv *kv = &s->kv[k];

		if (!once(x, s, kv))
			continue;
		if (strcmp(kv->key, "name") == 0) {
			if (!wf_name_ok(kv->value))
				ERR(x, kv, "bad workflow name \"%s\": use "
				    "lower-case letters, digits and -", kv->value);
		} else if (strcmp(kv->key, "title") == 0) {
			free(wf->title);
			wf->title = xstrdup(kv->value);
		} else if (strcmp(kv->key, "calendar") == 0) {
			free(wf->calendar);
			wf->calendar = xstrdup(kv->value);
			if (!cal_name_ok(kv->value))
				ERR(x, kv, "bad calendar name \"%s\"", kv->value);
			else if (x->cals && !cal_set_find(x->cals, kv->value))
				ERR(x, kv, "unknown calendar \"%s\"", kv->value);
		} else if (strcmp(kv->key, "include") != 0)
			ERR(x, kv, "unknown setting \"%s\" in [workflow] "
			    "(expected name, title, calendar or include)",
			    kv->key);
	}
}

static void
load_settings(struct ld *x, const struct raw_sec *s)
{
	struct workflow *wf = x->wf;

	for (size_t k = 0; k < s->nkv; k++) {
		const struct raw_kv *kv = &s->kv[k];

		if (!once(x, s, kv))
			continue;
		if (!wf_name_ok(kv->key)) {
			ERR(x, kv, "bad setting name \"%s\"", kv->key);
			continue;
		}
		if (*kv->value == '\0') {
			ERR(x, kv, "setting %s needs a value", kv->key);
			continue;
		}
		wf->settings = xreallocarray(wf->settings, wf->nsettings + 1,
		    sizeof *wf->settings);
		wf->settings[wf->nsettings++] = (struct wf_setting){
		    xstrdup(kv->key), xstrdup(kv->value), kv->file, kv->line, 0 };
	}
}

static void
load_conditions(struct ld *x, const struct raw_sec *s)
{
	struct workflow *wf = x->wf;

	for (size_t k = 0; k < s->nkv; k++) {
		const struct raw_kv *kv = &s->kv[k];

		if (!once(x, s, kv))
			continue;
		if (!wf_name_ok(kv->key)) {
			ERR(x, kv, "bad condition name \"%s\"", kv->key);
			continue;
		}
		if (wf_setting(wf, kv->key) != NULL) {
			ERR(x, kv, "duplicate name: %s is both a setting and a "
			    "condition", kv->key);
			continue;
		}
		wf->conds = xreallocarray(wf->conds, wf->nconds + 1,
		    sizeof *wf->conds);
		wf->conds[wf->nconds++] = (struct wf_cond){ xstrdup(kv->key),
		    xstrdup(kv->value), kv->file, kv->line, 0 };
	}
}

static void
load_state(struct ld *x, const struct raw_sec *s)
{
	struct workflow *wf = x->wf;
	struct wf_statedef *st;

	wf->states = xreallocarray(wf->states, wf->nstates + 1,
	    sizeof *wf->states);
	st = &wf->states[wf->nstates++];
	*st = (struct wf_statedef){ xstrdup(s->name), s->file, s->line, NULL,
	    0 };
	for (size_t k = 0; k < s->nkv; k++) {
		const struct raw_kv *kv = &s->kv[k];

		if (!once(x, s, kv))
			continue;
		if (strcmp(kv->key, "title") == 0) {
			free(st->title);
			st->title = xstrdup(kv->value);
		} else if (strcmp(kv->key, "final") == 0)
			st->final = yes_no(x, kv);
		else
			ERR(x, kv, "unknown setting \"%s\" in [state %s] "
			    "(expected title or final)", kv->key, s->name);
	}
}

/* "required one of a, b", "number 0 to 24", "flag", "duration", "id". */
static void
field_type(struct ld *x, const struct raw_kv *kv, struct wf_fielddef *f)
{
	char *copy = xstrdup(kv->value), *p = trim(copy);
	long long lo, hi;
	int used;

	f->min = 0;
	f->max = 1000000;
	f->store = NULL;
	for (char *as = strstr(p, " as "); as != NULL; as = strstr(as + 1, " as "))
		if (strstr(as + 1, " as ") == NULL) {
			char *name = trim(as + 4);

			if (!wf_name_ok(name) || strcmp(name, "state") == 0)
				ERR(x, kv, "bad field name \"%s\" after as", name);
			else
				f->store = xstrdup(name);
			*as = '\0';
			break;
		}
	if (f->store == NULL)
		f->store = xstrdup(f->name);
	if (strncmp(p, "required ", 9) == 0) {
		f->required = 1;
		p = trim(p + 9);
	}
	if (strcmp(p, "flag") == 0)
		f->type = F_FLAG;
	else if (strcmp(p, "duration") == 0)
		f->type = F_DURATION;
	else if (strcmp(p, "id") == 0)
		f->type = F_ID;
	else if (strcmp(p, "number") == 0)
		f->type = F_NUMBER;
	else if (strncmp(p, "number ", 7) == 0) {
		f->type = F_NUMBER;
		p = trim(p + 7);
		if (strncmp(p, "from ", 5) == 0)
			p = trim(p + 5);
		if (sscanf(p, "%lld to %lld%n", &lo, &hi, &used) != 2 ||
		    p[used] != '\0' || lo < 0 || hi < lo || hi > 1000000000LL)
			ERR(x, kv, "bad number range \"%s\": expected number "
			    "MIN to MAX, 0 <= MIN <= MAX <= 1000000000", p);
		else {
			f->min = lo;
			f->max = hi;
		}
	} else if (strncmp(p, "one of ", 7) == 0) {
		struct raw_kv tmp = *kv;

		f->type = F_CHOICE;
		tmp.value = p + 7;
		name_list(x, &tmp, &f->choices, &f->nchoices, "value");
		if (f->nchoices == 0)
			ERR(x, kv, "one of needs at least one value");
	} else
		ERR(x, kv, "bad field type \"%s\": expected [required] flag, "
		    "number [MIN to MAX], one of A, B, ..., duration or id", p);
	free(copy);
}

static const char *
type_name(enum f_type t)
{
	static const char *const n[] = { "number", "one of", "flag",
	    "duration", "id", "time" };

	return n[t];
}

static void
load_event(struct ld *x, const struct raw_sec *s)
{
	struct workflow *wf = x->wf;
	struct wf_eventdef *ev;

	if (strcmp(s->name, "ack") == 0) {
		diag_add(x->dg, s->file, s->line, "event ack is built in and "
		    "cannot be defined");
		return;
	}
	wf->events = xreallocarray(wf->events, wf->nevents + 1,
	    sizeof *wf->events);
	ev = &wf->events[wf->nevents++];
	memset(ev, 0, sizeof *ev);
	ev->name = xstrdup(s->name);
	ev->file = s->file;
	ev->line = s->line;
	/* Resuming is the one thing a paused case is for. */
	ev->while_paused = strcmp(s->name, "resume") == 0;
	for (size_t k = 0; k < s->nkv; k++) {
		const struct raw_kv *kv = &s->kv[k];
		const char *fname;

		if (strncmp(kv->key, "field ", 6) == 0) {
			struct wf_fielddef *f;

			fname = kv->key + 6;
			while (*fname == ' ')
				fname++;
			if (!wf_name_ok(fname) || strcmp(fname, "state") == 0) {
				ERR(x, kv, "bad field name \"%s\"", fname);
				continue;
			}
			if (!once(x, s, kv))
				continue;
			ev->fields = xreallocarray(ev->fields, ev->nfields + 1,
			    sizeof *ev->fields);
			f = &ev->fields[ev->nfields++];
			memset(f, 0, sizeof *f);
			f->name = xstrdup(fname);
			field_type(x, kv, f);
			continue;
		}
		if (strcmp(kv->key, "to") != 0 && !once(x, s, kv))
			continue;
		if (strcmp(kv->key, "title") == 0) {
			free(ev->title);
			ev->title = xstrdup(kv->value);
		} else if (strcmp(kv->key, "from") == 0) {
			name_list(x, kv, &ev->from, &ev->nfrom, "state");
		} else if (strcmp(kv->key, "to") == 0) {
			/* Routes are compiled once every field is known. */
		} else if (strcmp(kv->key, "role") == 0) {
			name_list(x, kv, &ev->roles, &ev->nroles, "role");
			for (size_t i = 0; i < ev->nroles; i++) {
				size_t r;

				for (r = 0; r < nitems(wf_role_names); r++)
					if (strcmp(ev->roles[i],
					    wf_role_names[r]) == 0)
						break;
				if (r == nitems(wf_role_names))
					ERR(x, kv, "unknown role \"%s\" "
					    "(expected officer, manager, "
					    "head-of-service or admin)",
					    ev->roles[i]);
			}
		} else if (strcmp(kv->key, "not-by-officer") == 0) {
			ev->not_by_officer = yes_no(x, kv);
		} else if (strcmp(kv->key, "while-paused") == 0) {
			ev->while_paused = yes_no(x, kv);
		} else if (strcmp(kv->key, "stamp") == 0) {
			name_list(x, kv, &ev->stamps, &ev->nstamps, "field");
		} else
			ERR(x, kv, "unknown setting \"%s\" in [event %s] "
			    "(expected title, from, to, field NAME, role, "
			    "not-by-officer, while-paused or stamp)", kv->key,
			    s->name);
	}
}

static void
load_routes(struct ld *x, const struct raw_sec *s, struct wf_eventdef *ev)
{
	const struct raw_kv *last = NULL;

	for (size_t k = 0; k < s->nkv; k++) {
		const struct raw_kv *kv = &s->kv[k];
		struct wf_route *r;
		char *when, *state;

		if (strcmp(kv->key, "to") != 0)
			continue;
		state = trim(split_when(kv->value, &when));
		if (*state == '\0' && when == NULL && s->nkv) {
			/* "to =": stays in its state (clears a base's). */
			free(state);
			continue;
		}
		last = kv;
		ev->to = xreallocarray(ev->to, ev->nto + 1, sizeof *ev->to);
		r = &ev->to[ev->nto++];
		r->state = xstrdup(state);
		r->line = kv->line;
		r->when = NULL;
		if (wf_state(x->wf, r->state) == NULL)
			ERR(x, kv, "unknown state \"%s\"", r->state);
		if (when != NULL && (r->when = guard(x, kv, when)) == NULL)
			r->when = NULL;
		if (when != NULL && r->when == NULL)
			r->line = -kv->line;	/* broken: never taken */
		free(when);
		free(state);
	}
	if (last != NULL && strstr(last->value, " when ") != NULL)
		ERR(x, last, "the last \"to\" of event %s needs no \"when\": it "
		    "is where the event leads when no condition holds",
		    ev->name);
}

/* "officer", "line-manager", "line-manager's manager", "group NAME". */
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
		if (!strv_has(wf->groups, wf->ngroups, r->group)) {
			wf->groups = xreallocarray(wf->groups, wf->ngroups + 1,
			    sizeof *wf->groups);
			wf->groups[wf->ngroups++] = xstrdup(r->group);
		}
	} else {
		ERR(x, kv, "unknown recipient \"%s\" (expected officer, "
		    "line-manager, line-manager's manager, manager N or group "
		    "NAME)", t);
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
		ERR(x, kv, "expected WHO: CHANNELS, as in \"officer: email\"");
		goto done;
	}
	*colon = '\0';
	if (lv->nto == WF_MAX_RECIPIENTS) {
		ERR(x, kv, "at most %d recipients a level", WF_MAX_RECIPIENTS);
		goto done;
	}
	r = &lv->to[lv->nto];
	if (target(x, kv, trim(copy), r) == -1)
		goto done;
	lv->nto++;
	p = colon + 1;
	while ((item = strsep(&p, ",")) != NULL) {
		char *when, *ch = trim(split_when(item, &when));
		unsigned bit = 0;

		if (strcmp(ch, "email") == 0)
			bit = WF_EMAIL;
		else if (strcmp(ch, "sms") == 0)
			bit = WF_SMS;
		else
			ERR(x, kv, "unknown channel \"%s\" (expected email or "
			    "sms)", ch);
		for (size_t i = 0; bit && i < r->nch; i++)
			if (r->ch[i].channel == bit) {
				ERR(x, kv, "channel %s is listed twice", ch);
				bit = 0;
			}
		if (bit) {
			r->ch[r->nch].channel = bit;
			r->ch[r->nch].when = when ? guard(x, kv, when) : NULL;
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

static void
load_escalation(struct ld *x, const struct raw_sec *s)
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
		if (!once(x, s, kv))
			continue;
		if (strcmp(kv->key, "reminder") == 0) {
			rem = kv;
			e->has_reminder = duration_of(x, kv, kv->value,
			    &e->reminder, 0) == 0;
		} else if (level_key(kv->key, "-after", &n)) {
			if (n == 1)
				ERR(x, kv, "level 1 is at the due time: it "
				    "takes no level-1-after");
			else
				duration_of(x, kv, kv->value,
				    &e->level[n].after, 0);
		} else if (strcmp(kv->key, "repeat-every") == 0) {
			every = kv;
			e->has_repeat = duration_of(x, kv, kv->value,
			    &e->repeat, 0) == 0;
			if (e->has_repeat && e->repeat.n == 0) {
				ERR(x, kv, "repeat-every must be longer than 0");
				e->has_repeat = 0;
			}
		} else if (strcmp(kv->key, "repeat-max") == 0) {
			char *end;
			long v = strtol(kv->value, &end, 10);

			max = kv;
			if (*kv->value == '\0' || *end != '\0' || v < 1 ||
			    v > WF_MAX_REPEAT)
				ERR(x, kv, "repeat-max must be a number from 1 "
				    "to %d", WF_MAX_REPEAT);
			else
				e->repeat_max = (int)v;
		} else if (strcmp(kv->key, "urgent-when") == 0) {
			guard_free(e->urgent);
			e->urgent = guard(x, kv, kv->value);
		} else
			ERR(x, kv, "unknown setting \"%s\" in [escalation %s] "
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
		else if (n >= 2 && raw_get(s, "level-2-after") == NULL &&
		    n == 2)
			diag_add(x->dg, s->file, s->line, "escalation %s: "
			    "level-2-after is missing", s->name);
	}
	for (n = 3; n <= e->nlevels; n++) {
		char key[32];

		snprintf(key, sizeof key, "level-%d-after", n);
		if (raw_get(s, key) == NULL)
			diag_add(x->dg, s->file, s->line, "escalation %s: "
			    "%s is missing", s->name, key);
	}
}

static void
load_deadline(struct ld *x, const struct raw_sec *s)
{
	struct workflow *wf = x->wf;
	struct wf_deaddef *d;
	const struct raw_kv *esc = NULL, *lastdur = NULL;

	wf->deadlines = xreallocarray(wf->deadlines, wf->ndeadlines + 1,
	    sizeof *wf->deadlines);
	d = &wf->deadlines[wf->ndeadlines++];
	memset(d, 0, sizeof *d);
	d->name = xstrdup(s->name);
	d->file = s->file;
	d->line = s->line;
	for (size_t k = 0; k < s->nkv; k++) {
		const struct raw_kv *kv = &s->kv[k];

		if (strcmp(kv->key, "duration") == 0) {
			struct wf_durrule *r;
			char *when, *text = split_when(kv->value, &when);
			enum f_type t;

			lastdur = kv;
			d->dur = xreallocarray(d->dur, d->ndur + 1,
			    sizeof *d->dur);
			r = &d->dur[d->ndur++];
			memset(r, 0, sizeof *r);
			r->line = kv->line;
			trim(text);
			if (wf_setting(wf, text) == NULL &&
			    wf_field_type(wf, text, &t) == 0) {
				if (t != F_DURATION)
					ERR(x, kv, "field %s is not a duration",
					    text);
				r->src = D_FIELD;
				r->field = xstrdup(text);
			} else {
				r->src = D_FIXED;
				duration_of(x, kv, text, &r->d, 0);
			}
			if (when != NULL)
				r->when = guard(x, kv, when);
			free(when);
			free(text);
			continue;
		}
		if (!once(x, s, kv))
			continue;
		if (strcmp(kv->key, "title") == 0) {
			free(d->title);
			d->title = xstrdup(kv->value);
		} else if (strcmp(kv->key, "action") == 0) {
			free(d->action);
			d->action = xstrdup(kv->value);
		} else if (strcmp(kv->key, "starts-on") == 0) {
			name_list(x, kv, &d->starts_on, &d->nstarts_on, "event");
			for (size_t i = 0; i < d->nstarts_on; i++)
				if (wf_event(wf, d->starts_on[i]) == NULL)
					ERR(x, kv, "unknown event \"%s\"",
					    d->starts_on[i]);
		} else if (strcmp(kv->key, "starts-in") == 0) {
			name_list(x, kv, &d->starts_in, &d->nstarts_in, "state");
			for (size_t i = 0; i < d->nstarts_in; i++)
				if (wf_state(wf, d->starts_in[i]) == NULL)
					ERR(x, kv, "unknown state \"%s\"",
					    d->starts_in[i]);
		} else if (strcmp(kv->key, "starts-when") == 0) {
			d->starts_when = guard(x, kv, kv->value);
		} else if (strcmp(kv->key, "met-by") == 0) {
			name_list(x, kv, &d->met_by, &d->nmet_by, "event");
			for (size_t i = 0; i < d->nmet_by; i++)
				if (wf_event(wf, d->met_by[i]) == NULL)
					ERR(x, kv, "unknown event \"%s\"",
					    d->met_by[i]);
		} else if (strcmp(kv->key, "cancelled-by") == 0) {
			name_list(x, kv, &d->cancelled_by, &d->ncancelled_by,
			    "event");
			for (size_t i = 0; i < d->ncancelled_by; i++)
				if (wf_event(wf, d->cancelled_by[i]) == NULL)
					ERR(x, kv, "unknown event \"%s\"",
					    d->cancelled_by[i]);
		} else if (strcmp(kv->key, "escalation") == 0) {
			esc = kv;
		} else
			ERR(x, kv, "unknown setting \"%s\" in [deadline %s] "
			    "(expected title, action, duration, starts-on, "
			    "starts-in, starts-when, met-by, cancelled-by or "
			    "escalation)", kv->key, s->name);
	}
	if (d->ndur == 0)
		diag_add(x->dg, s->file, s->line, "deadline %s has no duration",
		    s->name);
	else if (d->dur[d->ndur - 1].when != NULL ||
	    d->dur[d->ndur - 1].src != D_FIXED ||
	    strstr(lastdur->value, " when ") != NULL)
		ERR(x, lastdur, "the last duration of deadline %s must hold "
		    "always: no \"when\", and not a field that may be unset",
		    s->name);
	if (d->action == NULL || *d->action == '\0')
		diag_add(x->dg, s->file, s->line, "deadline %s has no action "
		    "(what the officer must do, for its messages)", s->name);
	if (d->title == NULL) {
		d->title = xstrdup(s->name);
		for (char *p = d->title; *p; p++)
			if (*p == '-')
				*p = ' ';
	}
	for (size_t i = 0; i < wf->nescs; i++)
		if (strcmp(wf->escs[i].name, esc ? esc->value : "default") == 0)
			d->esc = &wf->escs[i];
	if (d->esc == NULL && esc != NULL)
		ERR(x, esc, "unknown escalation \"%s\"", esc->value);
	else if (d->esc == NULL)
		diag_add(x->dg, s->file, s->line, "deadline %s has no "
		    "escalation: add escalation = NAME or an [escalation "
		    "default]", s->name);
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
					    type_name(ev->fields[f].type),
					    wf->events[j].name,
					    type_name(o->type));
					done = 1;
					break;
				}
			if (wf_setting(wf, ev->fields[f].store) ||
			    wf_cond(wf, ev->fields[f].store))
				diag_add(x->dg, ev->file, ev->line, "duplicate "
				    "name: %s is a field and a setting or "
				    "condition", ev->fields[f].store);
		}
		for (size_t s = 0; s < ev->nstamps; s++) {
			enum f_type t;

			for (size_t j = 0; j < wf->nevents; j++)
				for (size_t g = 0; g < wf->events[j].nfields; g++)
					if (strcmp(wf->events[j].fields[g].store,
					    ev->stamps[s]) == 0)
						diag_add(x->dg, ev->file,
						    ev->line, "stamp %s is also "
						    "a field of event %s",
						    ev->stamps[s],
						    wf->events[j].name);
			(void)t;
		}
	}
}

static void
resolve_from(struct ld *x, const struct raw_sec *s, struct wf_eventdef *ev)
{
	struct workflow *wf = x->wf;
	const struct raw_kv *kv = raw_get(s, "from");

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
			ERR(x, kv, "unknown state \"%s\"", ev->from[i]);
}

static void
collect_roles(struct workflow *wf)
{
	for (size_t i = 0; i < wf->nevents; i++)
		for (size_t r = 0; r < wf->events[i].nroles; r++) {
			const char *role = wf->events[i].roles[r];

			if (strv_has(wf->roles, wf->nroles, role))
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
	for (int i = 0; i < WF_VERSION_LEN / 2; i++)
		snprintf(wf->version + 2 * i, 3, "%02x", md[i]);
}

static struct workflow *
compile(const struct raw *raw, const struct cal_set *cals, struct diag *dg,
    size_t before)
{
	struct workflow *wf = xcalloc(1, sizeof *wf);
	struct ld x = { wf, raw, cals, dg };
	const struct raw_sec *s;

	wf->name = xstrdup(raw->name);
	wf->calendar = xstrdup("default");
	for (size_t i = 0; i < raw->nsec; i++) {
		s = &raw->sec[i];
		if (strcmp(s->kind, "workflow") == 0)
			load_workflow(&x, s);
		else if (strcmp(s->kind, "settings") == 0)
			load_settings(&x, s);
	}
	for (size_t i = 0; i < raw->nsec; i++) {
		s = &raw->sec[i];
		if (strcmp(s->kind, "conditions") == 0)
			load_conditions(&x, s);
		else if (strcmp(s->kind, "state") == 0)
			load_state(&x, s);
		else if (strcmp(s->kind, "event") == 0)
			load_event(&x, s);
	}
	check_fields(&x);
	for (size_t i = 0, e = 0; i < raw->nsec; i++) {
		s = &raw->sec[i];
		if (strcmp(s->kind, "event") != 0 || strcmp(s->name, "ack") == 0)
			continue;
		resolve_from(&x, s, &wf->events[e]);
		load_routes(&x, s, &wf->events[e]);
		e++;
	}
	/* Conditions on their own, so each problem shows at its line. */
	for (size_t i = 0; i < wf->nconds; i++) {
		struct raw_kv kv = { NULL, NULL, wf->conds[i].file,
		    wf->conds[i].line };

		guard_free(guard(&x, &kv, wf->conds[i].expr));
	}
	for (size_t i = 0; i < raw->nsec; i++)
		if (strcmp(raw->sec[i].kind, "escalation") == 0)
			load_escalation(&x, &raw->sec[i]);
	for (size_t i = 0; i < raw->nsec; i++)
		if (strcmp(raw->sec[i].kind, "deadline") == 0)
			load_deadline(&x, &raw->sec[i]);
	collect_roles(wf);
	/* The whole-graph checks only mean something once names resolve. */
	if (dg->n == before)
		wf_check(wf, dg);
	/* A setting nothing reads is most likely a misspelt override. */
	for (size_t i = 0; i < wf->nsettings; i++)
		if (!wf->settings[i].used)
			diag_add(dg, wf->settings[i].file, wf->settings[i].line,
			    "setting %s is not used by any rule (misspelt?)",
			    wf->settings[i].name);
	for (size_t i = 0; i < wf->nconds; i++)
		if (!wf->conds[i].used)
			diag_add(dg, wf->conds[i].file, wf->conds[i].line,
			    "condition %s is not used by any rule (misspelt?)",
			    wf->conds[i].name);
	if (dg->n > before) {
		wf_free(wf);
		return NULL;
	}
	wf->text = raw_text(raw, NULL);
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
	if (raw_load_file(&raw, path, dg) != -2)
		wf = compile(&raw, cals, dg, before);
	raw_free(&raw);
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

	raw_load_buffer(&raw, name, buf, len, dg);
	wf = compile(&raw, cals, dg, before);
	raw_free(&raw);
	return wf;
}

static void
escdef_free(struct wf_escdef *e)
{
	free(e->name);
	guard_free(e->urgent);
	for (int l = 0; l <= WF_MAX_LEVELS; l++)
		for (size_t r = 0; r < e->level[l].nto; r++) {
			free(e->level[l].to[r].group);
			for (size_t c = 0; c < e->level[l].to[r].nch; c++)
				guard_free(e->level[l].to[r].ch[c].when);
		}
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
			guard_free(ev->to[r].when);
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
			guard_free(d->dur[r].when);
		}
		free(d->dur);
		strv_free(d->starts_on, d->nstarts_on);
		strv_free(d->starts_in, d->nstarts_in);
		guard_free(d->starts_when);
		strv_free(d->met_by, d->nmet_by);
		strv_free(d->cancelled_by, d->ncancelled_by);
	}
	free(wf->deadlines);
	for (size_t i = 0; i < wf->nescs; i++)
		escdef_free(&wf->escs[i]);
	free(wf->escs);
	strv_free(wf->roles, wf->nroles);
	strv_free(wf->groups, wf->ngroups);
	free(wf);
}

/* --- sets ---------------------------------------------------------- */

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
	qsort(names, nnames, sizeof *names, cmp_str);
	for (size_t i = 0; i < nnames; i++) {
		struct workflow *wf = wf_load_file(names[i], cals, dg);
		const struct workflow *dup;

		if (wf == NULL)
			continue;
		if ((dup = wf_set_find(set, wf->name)) != NULL) {
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
