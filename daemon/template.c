/*
 * template.c: the folder of templates (template.h), with what every message
 * shares (the [links] case_url, the default calendar's zone), and picking
 * one for a message.  Reading one file is template-parse.c, with the
 * placeholders and their grammar; filling one in is template-render.c.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "template-int.h"

struct tpl_set {
	struct tpl *t[TPL_NKINDS][2];
	struct tpl *level[TPL_LEVELS + 1][2];	/* escalation-N */
	char	*case_url;
	struct tz *tz;
};

/* A case_url: http(s), one {ref}, nothing that needs quoting. */
int
tpl_case_url_ok(const char *url, char *err, size_t errlen)
{
	const char *ref = strstr(url, "{ref}");

	if (strncmp(url, "https://", 8) != 0 &&
	    strncmp(url, "http://", 7) != 0) {
		snprintf(err, errlen, "case_url must start with https:// "
		    "(or http://)");
		return 0;
	}
	if (strlen(url) > 200) {
		snprintf(err, errlen, "case_url is longer than 200 characters");
		return 0;
	}
	if (ref == NULL || strstr(ref + 1, "{ref}") != NULL) {
		snprintf(err, errlen, "case_url must contain {ref} once, where "
		    "the case reference goes");
		return 0;
	}
	for (const char *p = url; *p; p++) {
		if ((p >= ref && p < ref + 5))
			continue;
		if (*p <= ' ' || *p >= 0x7F || *p == '{' || *p == '}' ||
		    *p == '"' || *p == '<' || *p == '>' || *p == '\\') {
			snprintf(err, errlen, "case_url may hold only {ref} "
			    "and URL characters (no spaces, quotes or other "
			    "braces)");
			return 0;
		}
	}
	return 1;
}

static struct tpl *
pick(const struct tpl_set *ts, enum tpl_kind kind, enum tpl_form form,
    const struct tpl_vars *v)
{
	int level = v->nitems ? v->items[0].level : 0;

	if (kind == TPL_ESCALATION && level >= 1 && level <= TPL_LEVELS &&
	    ts->level[level][form] != NULL)
		return ts->level[level][form];
	return ts->t[kind][form];
}

int
tpl_render_email(const struct tpl_set *ts, enum tpl_kind kind,
    const struct tpl_vars *v, char **subject, char **body)
{
	const struct tpl *t;

	/* A summary may list nothing: then it says so. */
	if ((unsigned)kind >= TPL_NKINDS || (v->nitems == 0 &&
	    kind != TPL_SUMMARY) || (t = pick(ts, kind, TPL_EMAIL, v)) == NULL)
		return -1;
	*body = tpl_render(t, ts->case_url, ts->tz, v, subject);
	return 0;
}

char *
tpl_render_sms(const struct tpl_set *ts, enum tpl_kind kind,
    const struct tpl_vars *v)
{
	const struct tpl *t;

	if ((unsigned)kind >= TPL_NKINDS || v->nitems == 0 ||
	    (t = pick(ts, kind, TPL_SMS, v)) == NULL)
		return NULL;
	return tpl_render(t, ts->case_url, ts->tz, v, NULL);
}

/* Read a template file; NULL with *missing set when it does not exist. */
static char *
slurp(const char *path, size_t *len, int *missing, struct diag *dg)
{
	struct stat st;
	char *buf;
	ssize_t n;
	size_t got = 0;
	int fd;

	*missing = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			*missing = 1;
		else
			diag_add(dg, path, 0, "cannot read: %s",
			    strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		diag_add(dg, path, 0, "not a regular file");
		close(fd);
		return NULL;
	}
	if (st.st_size > TPL_FILE_MAX) {
		diag_add(dg, path, 0, "larger than %d bytes", TPL_FILE_MAX);
		close(fd);
		return NULL;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size &&
	    (n = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	close(fd);
	buf[got] = '\0';
	*len = got;
	return buf;
}

static struct tpl *
load_one(const char *dir, const char *base, enum tpl_kind kind,
    enum tpl_form form, int required, struct diag *dg)
{
	char *path = xasprintf("%s/%s.%s", dir, base,
	    form == TPL_EMAIL ? "email" : "sms");
	struct tpl *t = NULL;
	size_t len = 0;
	int missing;
	char *buf = slurp(path, &len, &missing, dg);

	if (buf != NULL)
		t = tpl_parse(path, buf, len, kind, form, dg);
	else if (missing && required)
		diag_add(dg, path, 0, "missing: vigil needs %s template for "
		    "each kind of message (the defaults are in conf/templates)",
		    form == TPL_EMAIL ? "an email" : "an SMS");
	free(buf);
	free(path);
	return t;
}

static void
load_links(const struct conf *c, struct tpl_set *ts, struct diag *dg)
{
	const struct conf_section *s = conf_section(c, "links");
	char err[256];

	for (size_t i = 0; s != NULL && i < s->n; i++) {
		const struct conf_kv *kv = &s->kv[i];

		/* The acknowledgement links are cfg-read.c's. */
		if (strcmp(kv->key, "ack_url") == 0 ||
		    strcmp(kv->key, "ack_valid") == 0)
			continue;
		if (strcmp(kv->key, "case_url") != 0) {
			diag_add(dg, conf_file(c, kv->file), kv->line, "unknown "
			    "setting \"%s\" in [links] (it has case_url, "
			    "ack_url and ack_valid)", kv->key);
			continue;
		}
		if (!tpl_case_url_ok(kv->value, err, sizeof err))
			diag_add(dg, conf_file(c, kv->file), kv->line, "%s", err);
		else
			ts->case_url = xstrdup(kv->value);
	}
}

struct tpl_set *
tpl_load(const struct conf *c, struct diag *dg)
{
	struct tpl_set *ts = xcalloc(1, sizeof *ts);
	size_t before = dg->n;
	char err[256];

	load_links(c, ts, dg);
	if (c->default_calendar != NULL &&
	    (ts->tz = tz_load(c->default_calendar->timezone, err,
	    sizeof err)) == NULL)
		diag_add(dg, c->path, 0, "%s", err);
	for (int k = 0; k < TPL_NKINDS; k++)
		for (int f = TPL_EMAIL; f <= TPL_SMS; f++)
			/* A summary goes by email alone. */
			ts->t[k][f] = load_one(c->templates, tpl_kind_names[k],
			    (enum tpl_kind)k, (enum tpl_form)f, k != TPL_SUMMARY ||
			    f == TPL_EMAIL, dg);
	for (int l = 1; l <= TPL_LEVELS; l++)
		for (int f = TPL_EMAIL; f <= TPL_SMS; f++) {
			char base[32];

			snprintf(base, sizeof base, "escalation-%d", l);
			ts->level[l][f] = load_one(c->templates, base,
			    TPL_ESCALATION, (enum tpl_form)f, 0, dg);
		}
	if (dg->n > before) {
		tpl_set_free(ts);
		return NULL;
	}
	return ts;
}

void
tpl_set_free(struct tpl_set *ts)
{
	if (ts == NULL)
		return;
	for (int k = 0; k < TPL_NKINDS; k++)
		for (int f = 0; f < 2; f++)
			tpl_free(ts->t[k][f]);
	for (int l = 0; l <= TPL_LEVELS; l++)
		for (int f = 0; f < 2; f++)
			tpl_free(ts->level[l][f]);
	tz_free(ts->tz);
	free(ts->case_url);
	free(ts);
}
