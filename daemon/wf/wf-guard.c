/*
 * wf-guard.c: conditions on case fields, compiled once at load time so that
 * evaluating one (wf_steps() does, for every channel of every step) is a walk
 * over a few nodes.
 *
 *	expr	= and { "or" and }
 *	and	= unary { "and" unary }
 *	unary	= "not" unary | "(" expr ")" | test
 *	test	= FLAG | CONDITION
 *		| FIELD "is" ["not"] "set"
 *		| FIELD ("=" | "!=" | "<" | "<=" | ">" | ">=") VALUE
 *		| TIME-FIELD "within" DURATION "after" TIME-FIELD
 *
 * A VALUE or DURATION that names a setting is that setting's value.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "wf-int.h"

#define G_MAX_TOKENS	128
#define G_MAX_DEPTH	8
#define G_MAX_NODES	2048	/* named conditions can multiply */

struct gparse {
	const struct g_names *nm;
	struct wf_guard *g;
	char	*tok[G_MAX_TOKENS];
	int	 ntok;
	int	 pos;
	int	 failed;
	int	 limit;			/* failed on depth or size: pass it up */
	int	 depth;			/* of condition expansion */
	const char *text;
};

static void
gerr(struct gparse *p, const char *fmt, ...) VIGIL_PRINTF(2, 3);

static void
gerr(struct gparse *p, const char *fmt, ...)
{
	va_list ap;
	char *m;

	if (p->failed++)
		return;		/* the first problem is the useful one */
	va_start(ap, fmt);
	m = xvasprintf(fmt, ap);
	va_end(ap);
	diag_add(p->nm->dg, p->nm->file, p->nm->line, "condition \"%.80s\": %s",
	    p->text, m);
	free(m);
}

static int
is_word_char(int c)
{
	return isalnum(c) || c == '-' || c == '_' || c == '.' || c == '\'';
}

static int
tokenize(struct gparse *p, const char *s)
{
	while (*s) {
		const char *b = s;

		if (isspace((unsigned char)*s)) {
			s++;
			continue;
		}
		if (p->ntok == G_MAX_TOKENS) {
			gerr(p, "too long");
			return -1;
		}
		if (is_word_char((unsigned char)*s)) {
			while (is_word_char((unsigned char)*s))
				s++;
		} else if (*s == '(' || *s == ')') {
			s++;
		} else if (strchr("=!<>", *s) != NULL) {
			s++;
			if (*s == '=')
				s++;
			if (s - b == 1 && *b == '!') {
				gerr(p, "\"!\" must be \"!=\"");
				return -1;
			}
		} else {
			gerr(p, "unexpected \"%c\"", *s);
			return -1;
		}
		p->tok[p->ntok++] = xstrndup(b, (size_t)(s - b));
	}
	return 0;
}

static const char *
peek(struct gparse *p)
{
	return p->pos < p->ntok ? p->tok[p->pos] : NULL;
}

static int
accept(struct gparse *p, const char *w)
{
	if (peek(p) != NULL && strcmp(peek(p), w) == 0) {
		p->pos++;
		return 1;
	}
	return 0;
}

static int
node(struct gparse *p, enum g_op op)
{
	struct wf_guard *g = p->g;

	g->n = xreallocarray(g->n, g->nn + 1, sizeof *g->n);
	memset(&g->n[g->nn], 0, sizeof g->n[g->nn]);
	g->n[g->nn].op = op;
	return (int)g->nn++;
}

static int
is_keyword(const char *w)
{
	static const char *const kw[] = { "and", "or", "not", "is", "set",
	    "within", "after", "(", ")" };

	for (size_t i = 0; i < nitems(kw); i++)
		if (strcmp(w, kw[i]) == 0)
			return 1;
	return 0;
}

static int
is_number(const char *s, int64_t *out)
{
	int64_t v = 0;
	int neg = 0;

	if (*s == '-') {
		neg = 1;
		s++;
	}
	if (*s == '\0' || strlen(s) > 12)
		return 0;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return 0;
		v = v * 10 + (*s - '0');
	}
	*out = neg ? -v : v;
	return 1;
}

static int parse_expr(struct gparse *);

/* The nodes of a named condition, parsed in place. */
static int
expand(struct gparse *p, const struct wf_cond *c)
{
	struct gparse sub = { 0 };
	struct diag scratch = { 0 };
	struct g_names nm = *p->nm;
	int root;

	if (p->g->nn > G_MAX_NODES) {
		gerr(p, "too complex (more than %d tests once named conditions "
		    "are expanded)", G_MAX_NODES);
		p->limit = 1;
		return -1;
	}
	if (p->depth >= G_MAX_DEPTH) {
		gerr(p, "condition %s refers to itself (directly or through "
		    "others)", c->name);
		p->limit = 1;
		return -1;
	}
	/* Its own problems are reported at its own line, once. */
	nm.dg = &scratch;
	sub.nm = &nm;
	sub.g = p->g;
	sub.text = c->expr;
	sub.depth = p->depth + 1;
	if (tokenize(&sub, c->expr) == 0 && (root = parse_expr(&sub)) != -1 &&
	    sub.pos == sub.ntok && !sub.failed) {
		for (int i = 0; i < sub.ntok; i++)
			free(sub.tok[i]);
		diag_clear(&scratch);
		return root;
	}
	for (int i = 0; i < sub.ntok; i++)
		free(sub.tok[i]);
	/* Other problems show at the condition's own line. */
	if (sub.limit && scratch.n > 0) {
		const char *m = strstr(scratch.v[0].msg, "\": ");

		gerr(p, "%s", m ? m + 3 : scratch.v[0].msg);
		p->limit = 1;
	} else
		p->failed++;
	diag_clear(&scratch);
	return -1;
}

/* A VALUE: a setting's value, or the word itself. */
static const char *
value_of(struct gparse *p, const char *w)
{
	const struct wf_setting *s = wf_setting_use(p->nm->wf, w);

	return s ? s->value : w;
}

static int
parse_within(struct gparse *p, int n)
{
	char text[DUR_TEXT_MAX + 1] = "", err[160];
	struct duration d;
	enum f_type t;
	const char *w;

	while ((w = peek(p)) != NULL && strcmp(w, "after") != 0) {
		const char *v = value_of(p, w);
		size_t l = strlen(text);

		/* Too long to be a duration: dur_parse will say so. */
		snprintf(text + l, sizeof text - l, "%s%s", l ? " " : "", v);
		p->pos++;
	}
	if (!accept(p, "after") || (w = peek(p)) == NULL || is_keyword(w)) {
		gerr(p, "expected FIELD within DURATION after FIELD");
		return -1;
	}
	p->pos++;
	if (dur_parse(text, &d, err, sizeof err) == -1) {
		gerr(p, "%s", err);
		return -1;
	}
	if (dur_seconds(&d) == -1) {
		gerr(p, "within takes minutes, hours, days or weeks");
		return -1;
	}
	if (wf_field_type(p->nm->wf, w, &t) == -1 || t != F_TIME) {
		gerr(p, "%s is not a time (a field named by an event's stamp)",
		    w);
		return -1;
	}
	p->g->n[n].field2 = xstrdup(w);
	p->g->n[n].num = dur_seconds(&d);
	return n;
}

static int
parse_compare(struct gparse *p, const char *field, enum f_type t,
    const char *op)
{
	static const struct { const char *s; enum g_op op; } ops[] = {
		{ "=", G_EQ }, { "==", G_EQ }, { "!=", G_NE }, { "<", G_LT },
		{ "<=", G_LE }, { ">", G_GT }, { ">=", G_GE },
	};
	const char *w, *v;
	int n = -1;
	int64_t num;

	for (size_t i = 0; i < nitems(ops); i++)
		if (strcmp(op, ops[i].s) == 0)
			n = node(p, ops[i].op);
	if ((w = peek(p)) == NULL || is_keyword(w) || strchr("=!<>", *w)) {
		gerr(p, "expected a value after %s %s", field, op);
		return -1;
	}
	p->pos++;
	v = value_of(p, w);
	p->g->n[n].field = xstrdup(field);
	p->g->n[n].str = xstrdup(v);
	if (t == F_NUMBER) {
		if (!is_number(v, &num)) {
			gerr(p, "%s is a number: \"%s\" is neither a number nor "
			    "a setting", field, w);
			return -1;
		}
		p->g->n[n].numeric = 1;
		p->g->n[n].num = num;
		return n;
	}
	if (p->g->n[n].op != G_EQ && p->g->n[n].op != G_NE) {
		gerr(p, "%s is not a number: use = or !=", field);
		return -1;
	}
	if (t == F_FLAG && strcmp(v, "yes") != 0 && strcmp(v, "no") != 0) {
		gerr(p, "%s is a flag: compare it with yes or no", field);
		return -1;
	}
	if (t == F_CHOICE && !wf_choice_known(p->nm->wf, field, v)) {
		gerr(p, "\"%s\" is not one of the values of %s", v, field);
		return -1;
	}
	if (t == F_TIME) {
		gerr(p, "%s is a time: use within", field);
		return -1;
	}
	return n;
}

static int
parse_test(struct gparse *p)
{
	const struct wf_cond *c;
	const char *w = peek(p), *op;
	enum f_type t;
	int n;

	if (w == NULL || is_keyword(w) || strchr("=!<>", *w)) {
		gerr(p, w ? "unexpected \"%s\"" : "incomplete%s", w ? w : "");
		return -1;
	}
	p->pos++;
	if ((c = wf_cond(p->nm->wf, w)) != NULL) {
		p->nm->wf->conds[c - p->nm->wf->conds].used = 1;
		return expand(p, c);
	}
	if (wf_field_type(p->nm->wf, w, &t) == -1) {
		gerr(p, "unknown field or condition \"%s\"", w);
		return -1;
	}
	if (accept(p, "is")) {
		int neg = accept(p, "not");

		if (!accept(p, "set")) {
			gerr(p, "expected \"is set\" or \"is not set\"");
			return -1;
		}
		n = node(p, G_SET);
		p->g->n[n].field = xstrdup(w);
		if (neg) {
			int m = node(p, G_NOT);

			p->g->n[m].a = n;
			return m;
		}
		return n;
	}
	if (accept(p, "within")) {
		if (t != F_TIME) {
			gerr(p, "%s is not a time (a field named by an event's "
			    "stamp)", w);
			return -1;
		}
		n = node(p, G_WITHIN);
		p->g->n[n].field = xstrdup(w);
		return parse_within(p, n);
	}
	if ((op = peek(p)) != NULL && strchr("=!<>", *op)) {
		p->pos++;
		return parse_compare(p, w, t, op);
	}
	if (t != F_FLAG) {
		gerr(p, "%s is not a flag: compare it, as in %s = VALUE", w, w);
		return -1;
	}
	n = node(p, G_FLAG);
	p->g->n[n].field = xstrdup(w);
	return n;
}

static int
parse_unary(struct gparse *p)
{
	int n, a;

	if (accept(p, "not")) {
		if ((a = parse_unary(p)) == -1)
			return -1;
		n = node(p, G_NOT);
		p->g->n[n].a = a;
		return n;
	}
	if (accept(p, "(")) {
		if ((a = parse_expr(p)) == -1)
			return -1;
		if (!accept(p, ")")) {
			gerr(p, "missing \")\"");
			return -1;
		}
		return a;
	}
	return parse_test(p);
}

static int
parse_and(struct gparse *p)
{
	int a, b, n;

	if ((a = parse_unary(p)) == -1)
		return -1;
	while (accept(p, "and")) {
		if ((b = parse_unary(p)) == -1)
			return -1;
		n = node(p, G_AND);
		p->g->n[n].a = a;
		p->g->n[n].b = b;
		a = n;
	}
	return a;
}

static int
parse_expr(struct gparse *p)
{
	int a, b, n;

	if ((a = parse_and(p)) == -1)
		return -1;
	while (accept(p, "or")) {
		if ((b = parse_and(p)) == -1)
			return -1;
		n = node(p, G_OR);
		p->g->n[n].a = a;
		p->g->n[n].b = b;
		a = n;
	}
	return a;
}

struct wf_guard *
wf_guard_compile(const char *text, const struct g_names *nm)
{
	struct gparse p = { .nm = nm, .text = text };
	struct wf_guard *g = xcalloc(1, sizeof *g);

	p.g = g;
	g->text = xstrdup(text);
	if (tokenize(&p, text) == 0) {
		if (p.ntok == 0)
			gerr(&p, "empty");
		else if ((g->root = parse_expr(&p)) != -1 && p.pos < p.ntok)
			gerr(&p, "unexpected \"%s\"", p.tok[p.pos]);
	}
	for (int i = 0; i < p.ntok; i++)
		free(p.tok[i]);
	if (p.failed) {
		wf_guard_free(g);
		return NULL;
	}
	return g;
}

void
wf_guard_free(struct wf_guard *g)
{
	if (g == NULL)
		return;
	for (size_t i = 0; i < g->nn; i++) {
		free(g->n[i].field);
		free(g->n[i].field2);
		free(g->n[i].str);
	}
	free(g->n);
	free(g->text);
	free(g);
}

static const char *
lookup(const struct wf_field *f, size_t n, const char *key, const char *state)
{
	if (state != NULL && strcmp(key, "state") == 0)
		return state;
	return wf_field_get(f, n, key);
}

static int
eval(const struct wf_guard *g, int i, const struct wf_field *f, size_t nf,
    const char *state)
{
	const struct g_node *n = &g->n[i];
	const char *v, *v2;
	int64_t a, b;

	switch (n->op) {
	case G_AND:
		return eval(g, n->a, f, nf, state) && eval(g, n->b, f, nf, state);
	case G_OR:
		return eval(g, n->a, f, nf, state) || eval(g, n->b, f, nf, state);
	case G_NOT:
		return !eval(g, n->a, f, nf, state);
	case G_FLAG:
		v = lookup(f, nf, n->field, state);
		return v != NULL && strcmp(v, "yes") == 0;
	case G_SET:
		return lookup(f, nf, n->field, state) != NULL;
	case G_WITHIN:
		v = lookup(f, nf, n->field, state);
		v2 = lookup(f, nf, n->field2, state);
		if (v == NULL || v2 == NULL || wf_stamp_parse(v, &a) == -1 ||
		    wf_stamp_parse(v2, &b) == -1)
			return 0;
		return a >= b && a - b <= n->num;
	default:
		break;
	}
	v = lookup(f, nf, n->field, state);
	if (n->numeric) {
		if (v == NULL || !is_number(v, &a))
			return n->op == G_NE;
		b = n->num;
		switch (n->op) {
		case G_EQ: return a == b;
		case G_NE: return a != b;
		case G_LT: return a < b;
		case G_LE: return a <= b;
		case G_GT: return a > b;
		case G_GE: return a >= b;
		default: return 0;
		}
	}
	if (v == NULL)
		return n->op == G_NE;
	return (strcmp(v, n->str) == 0) == (n->op == G_EQ);
}

/* True when the case's fields (sorted by key) and state satisfy g. */
int
wf_guard_eval(const struct wf_guard *g, const struct wf_field *f, size_t nf,
    const char *state)
{
	if (g == NULL)
		return 1;
	return eval(g, g->root, f, nf, state);
}
