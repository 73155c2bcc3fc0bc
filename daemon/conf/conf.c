/*
 * conf.c: read vigil.conf, then its drop-ins (vigil.conf.d/NAME.conf, by
 * name), as systemd reads its drop-ins: a setting in a later file
 * replaces an earlier one, so a package can ship vigil.conf while the admin
 * keeps local settings apart.  Within one file a setting given twice is
 * still a mistake.  Every problem is collected with its file and line, so
 * one "vigild --check" shows them all; a configuration with any problem is
 * not used (a reload keeps the old one).
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "conf.h"
#include "inifile.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/etc"
#endif
#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR	"/var"
#endif
#ifndef RUNSTATEDIR
#define RUNSTATEDIR	"/run"
#endif

/* Settings that are a single string, as rows: section, key, field. */
static const struct conf_opt {
	const char *section;
	const char *key;
	size_t	 off;
	enum {
		OPT_PATH,	/* resolved against the config's folder */
		OPT_NUMBER,	/* a whole number of units, 1 to max */
		OPT_ELAPSED	/* seconds, or "N minutes" ... "N years", at
			 * least max seconds */
	} type;
	int	 max;
	const char *units;
} conf_opts[] = {
	{ "daemon", "database", offsetof(struct conf, database), OPT_PATH, 0,
	    NULL },
	{ "daemon", "socket", offsetof(struct conf, socket), OPT_PATH, 0, NULL },
	{ "daemon", "workflows", offsetof(struct conf, workflows), OPT_PATH, 0,
	    NULL },
	{ "daemon", "staff", offsetof(struct conf, staff), OPT_PATH, 0, NULL },
	{ "daemon", "rota", offsetof(struct conf, rota), OPT_PATH, 0, NULL },
	{ "daemon", "templates", offsetof(struct conf, templates), OPT_PATH, 0,
	    NULL },
	{ "daemon", "client_timeout", offsetof(struct conf, client_timeout),
	    OPT_NUMBER, 3600, "seconds" },
	{ "daemon", "backups", offsetof(struct conf, backups), OPT_PATH, 0,
	    NULL },
	{ "daemon", "backups_keep", offsetof(struct conf, backups_keep),
	    OPT_NUMBER, 1000, "copies" },
	{ "daemon", "backup_every", offsetof(struct conf, backup_every),
	    OPT_ELAPSED, 1, NULL },
	/* A day at least: "retention = 30" must not purge after 30 s. */
	{ "daemon", "retention", offsetof(struct conf, retention),
	    OPT_ELAPSED, 86400, "a day (give a unit: retention = 6 years)" },
};

/*
 * Sections whose keys belong to another module: conf keeps them as written
 * and that module checks them (with their lines) when it is configured.
 */
static const char *const conf_module_sections[] = {
	"email", "sms", "file", "notify", "http-sms", "quiet-hours", "links",
	"outbox", "metrics", "access", "heartbeat", "http", "web", "summary",
};

struct conf_parse {
	struct conf *conf;
	struct diag *dg;
	const char *file;	/* the drop-in being read, NULL for the main */
	struct calendar *cal;	/* the [calendar NAME] being read */
	struct conf_section *sec; /* the module section being read */
	int	 known;		/* in a section we know */
	unsigned opts_set;	/* conf_opts[i] set: bit i */
	unsigned cal_set;	/* keys of this [calendar] set */
	int	 daemon_line;	/* where [daemon] began in this file, or 0 */
};

/* Problems are reported at the file being read. */
#define PROBLEM(p, line, ...) \
	diag_add((p)->dg, conf_file((p)->conf, (p)->file), line, __VA_ARGS__)

/* A key twice in one section is a mistake: the first would be ignored. */
static const char *const cal_keys[] = {
	"timezone", "days", "hours", "holidays", "closures"
};

const char *
conf_default_path(void)
{
	return SYSCONFDIR "/vigil/vigil.conf";
}

static char **
field(struct conf *c, const struct conf_opt *o)
{
	return (char **)(void *)((char *)c + o->off);
}

char *
conf_resolve(const struct conf *c, const char *value)
{
	if (value[0] == '/' || c->dir == NULL)
		return xstrdup(value);
	return xasprintf("%s/%s", c->dir, value);
}

/* A section another module reads, kept as written. */
static void
module_section(struct conf_parse *p, const char *section, int line)
{
	struct conf *c = p->conf;

	/* Again in a later file: that file's keys replace these. */
	if ((p->sec = (struct conf_section *)conf_section(c, section)) !=
	    NULL) {
		if (p->sec->file == p->file) {
			PROBLEM(p, line, "section [%s] appears twice", section);
			p->sec = NULL;
			p->known = 0;
			return;
		}
		p->sec->file = p->file;
		p->sec->line = line;
		return;
	}
	c->sections = xreallocarray(c->sections, c->nsections + 1,
	    sizeof *c->sections);
	p->sec = &c->sections[c->nsections++];
	*p->sec = (struct conf_section){ .name = xstrdup(section),
	    .line = line, .file = p->file };
}

static void
on_section(struct conf_parse *p, const char *section, int line)
{
	char webhook[VALID_NAME_MAX + 16];
	const char *name;
	int module = 0;

	p->cal = NULL;
	p->sec = NULL;
	p->known = 1;
	p->cal_set = 0;
	if (strcmp(section, "daemon") == 0) {
		if (p->daemon_line != 0) {
			PROBLEM(p, line, "section [daemon] "
			    "appears twice (first at line %d)", p->daemon_line);
			p->known = 0;
			return;
		}
		p->daemon_line = line;
	}
	if (strncmp(section, "calendar", 8) == 0 &&
	    (section[8] == ' ' || section[8] == '\0')) {
		for (name = section + 8; *name == ' '; name++)
			;
		if (!cal_name_ok(name)) {
			PROBLEM(p, line, "bad calendar name "
			    "\"%s\": use lower-case letters, digits, - and _",
			    name);
			p->known = 0;
			return;
		}
		if ((p->cal = cal_set_find(&p->conf->calendars, name)) != NULL) {
			if (p->cal->file == p->file)
				PROBLEM(p, line, "calendar %s is defined twice "
				    "(first at line %d)", name, p->cal->line);
			else
				PROBLEM(p, line, "calendar %s is already defined "
				    "at %s:%d: a calendar is defined in one file",
				    name, conf_file(p->conf, p->cal->file),
				    p->cal->line);
			p->cal = NULL;
			p->known = 0;
			return;
		}
		p->cal = cal_new(name);
		p->cal->line = line;
		p->cal->file = p->file;
		cal_set_add(&p->conf->calendars, p->cal);
		return;
	}
	for (size_t i = 0; i < nitems(conf_opts); i++)
		if (strcmp(section, conf_opts[i].section) == 0)
			return;
	if (strncmp(section, "webhook", 7) == 0 &&
	    (section[7] == ' ' || section[7] == '\0')) {
		for (name = section + 7; *name == ' '; name++)
			;
		if (!valid_name(name)) {
			PROBLEM(p, line, "[webhook NAME] needs a name of letters, "
			    "digits, ., - and _");
			p->known = 0;
			return;
		}
		snprintf(webhook, sizeof webhook, "webhook %s", name);
		section = webhook;
		module = 1;
	}
	for (size_t i = 0; i < nitems(conf_module_sections); i++)
		module |= strcmp(section, conf_module_sections[i]) == 0;
	if (!module) {
		PROBLEM(p, line, "unknown section [%s]", section);
		p->known = 0;
		return;
	}
	module_section(p, section, line);
}

static void
on_line(void *user, const char *section, const char *key, const char *value,
    int line)
{
	struct conf_parse *p = user;
	char err[256];

	if (key == NULL) {
		on_section(p, section, line);
		return;
	}
	/* Before any section "known" is still 0: check for that first. */
	if (section[0] == '\0') {
		PROBLEM(p, line, "\"%s\" is outside any "
		    "section", key);
		return;
	}
	if (!p->known)
		return;		/* the section was already reported */
	if (p->cal != NULL) {
		for (size_t i = 0; i < nitems(cal_keys); i++) {
			if (strcmp(key, cal_keys[i]) != 0)
				continue;
			if (p->cal_set & (1u << i)) {
				PROBLEM(p, line, "\"%s\" is "
				    "set twice in [%s]", key, section);
				return;
			}
			p->cal_set |= 1u << i;
		}
		if (cal_set_option(p->cal, key, value, err, sizeof err) == -1)
			PROBLEM(p, line, "%s", err);
		return;
	}
	if (p->sec != NULL) {
		struct conf_section *sec = p->sec;
		struct conf_kv *kv = (struct conf_kv *)conf_kv(sec, key);

		if (kv != NULL && kv->file == p->file) {
			PROBLEM(p, line, "\"%s\" is set twice in [%s]", key,
			    sec->name);
		} else if (kv != NULL) {
			free(kv->value);
			kv->value = xstrdup(value);
			kv->line = line;
			kv->file = p->file;
		} else {
			conf_section_add(sec, key, value, line);
			sec->kv[sec->n - 1].file = p->file;
		}
		return;
	}
	for (size_t i = 0; i < nitems(conf_opts); i++) {
		const struct conf_opt *o = &conf_opts[i];
		char *end;
		long n;

		if (strcmp(section, o->section) != 0 || strcmp(key, o->key) != 0)
			continue;
		if (p->opts_set & (1u << i)) {
			PROBLEM(p, line, "\"%s\" is set twice "
			    "in [%s]", key, section);
			return;
		}
		p->opts_set |= 1u << i;
		if (*value == '\0') {
			PROBLEM(p, line, "%s needs a value",
			    key);
			return;
		}
		if (o->type == OPT_PATH) {
			free(*field(p->conf, o));
			*field(p->conf, o) = conf_resolve(p->conf, value);
			return;
		}
		if (o->type == OPT_ELAPSED) {
			int64_t *t = (int64_t *)(void *)((char *)p->conf + o->off);

			if (conf_elapsed(value, t, err, sizeof err) == -1)
				PROBLEM(p, line, "%s: %s", key, err);
			else if (*t < o->max) {
				PROBLEM(p, line, "%s must be at least %s", key,
				    o->units);
				*t = 0;
			}
			return;
		}
		n = strtol(value, &end, 10);
		if (*end != '\0' || n < 1 || n > o->max) {
			PROBLEM(p, line, "%s must be a whole "
			    "number of %s, 1 to %d", key, o->units, o->max);
			return;
		}
		*(int *)(void *)((char *)p->conf + o->off) = (int)n;
		return;
	}
	PROBLEM(p, line, "unknown setting \"%s\" in [%s]",
	    key, section);
}

/* The defaults, and the file's name and folder when there is one. */
static struct conf *
conf_new(const char *path)
{
	struct conf *c = xcalloc(1, sizeof *c);
	const char *slash;

	c->database = xstrdup(LOCALSTATEDIR "/lib/vigil/vigil.db");
	c->socket = xstrdup(RUNSTATEDIR "/vigil/vigil.sock");
	c->workflows = xstrdup(SYSCONFDIR "/vigil/workflows");
	c->staff = xstrdup(SYSCONFDIR "/vigil/staff.ini");
	c->client_timeout = 10;
	c->backups = xstrdup(LOCALSTATEDIR "/lib/vigil/backups");
	c->backups_keep = 7;
	c->templates = xstrdup(SYSCONFDIR "/vigil/templates");
	if (path != NULL) {
		c->path = xstrdup(path);
		if ((slash = strrchr(path, '/')) == NULL)
			c->dir = xstrdup(".");
		else
			c->dir = xstrndup(path, slash == path ? 1 :
			    (size_t)(slash - path));
	}
	return c;
}

/* Add the built-in calendars and prepare every calendar. */
static struct conf *
conf_finish(struct conf *c, struct diag *dg, size_t before)
{
	if ((c->default_calendar = cal_set_find(&c->calendars, "default")) == NULL) {
		c->default_calendar = cal_new("default");
		cal_set_add(&c->calendars, c->default_calendar);
	}
	/*
	 * The DVPN -> DVPO rule (Crime and Security Act 2010, s.27: 48 hours
	 * excluding Sundays and public holidays) is national, so its calendar
	 * is built in for the shipped workflows; a [calendar no-sundays]
	 * section replaces it.
	 */
	if (cal_set_find(&c->calendars, "no-sundays") == NULL) {
		struct calendar *ns = cal_new("no-sundays");
		char err[128];

		if (cal_set_option(ns, "days", "mon-sat", err, sizeof err) == -1 ||
		    cal_set_option(ns, "hours", "00:00-24:00", err, sizeof err) == -1)
			fatalx("built-in calendar: %s", err);
		cal_set_add(&c->calendars, ns);
	}
	for (size_t i = 0; i < c->calendars.n; i++)
		cal_prepare(c->calendars.v[i], c->dir, dg,
		    conf_file(c, c->calendars.v[i]->file));
	if (dg->n > before) {
		conf_free(c);
		return NULL;
	}
	return c;
}

static int
is_dropin(const struct dirent *d)
{
	size_t len = strlen(d->d_name);

	return d->d_name[0] != '.' && len > 5 &&
	    strcmp(d->d_name + len - 5, ".conf") == 0;
}

/*
 * PATH.d/NAME.conf, in name order, each as a fresh file.  A folder that
 * cannot be read is a problem, not an absence: vigild and an admin's
 * --check must not see different configurations.
 */
static void
read_dropins(struct conf_parse *p, const char *path)
{
	struct conf *c = p->conf;
	char *dir = xasprintf("%s.d", path);
	struct dirent **names;
	int n;

	if ((n = scandir(dir, &names, is_dropin, alphasort)) == -1) {
		if (errno != ENOENT)
			diag_add(p->dg, dir, 0, "cannot read drop-in files: %s",
			    strerror(errno));
		free(dir);
		return;
	}
	c->dropins = xreallocarray(NULL, (size_t)n, sizeof *c->dropins);
	for (int i = 0; i < n; i++) {
		c->dropins[c->ndropins++] = xasprintf("%s/%s", dir,
		    names[i]->d_name);
		free(names[i]);
		p->file = c->dropins[i];
		p->sec = NULL;
		p->cal = NULL;
		p->known = 0;
		p->opts_set = 0;
		p->daemon_line = 0;
		ini_load(p->file, on_line, p, p->dg);
	}
	free(names);
	free(dir);
}

/*
 * Read a configuration, or the built-in defaults when path is NULL.  Returns
 * NULL, with every problem in dg, when anything is wrong.
 */
struct conf *
conf_load(const char *path, struct diag *dg)
{
	struct conf *c = conf_new(path);
	struct conf_parse p = { .conf = c, .dg = dg };
	size_t before = dg->n;

	if (path != NULL) {
		ini_load(path, on_line, &p, dg);
		read_dropins(&p, path);
	}
	return conf_finish(c, dg, before);
}

/*
 * The same from memory (tests, fuzzing): name stands for the file in
 * messages, and relative paths are resolved against its folder.
 */
struct conf *
conf_load_buffer(const char *name, const char *buf, size_t len,
    struct diag *dg)
{
	struct conf *c = conf_new(name);
	struct conf_parse p = { .conf = c, .dg = dg };
	size_t before = dg->n;

	ini_load_buffer(name, buf, len, on_line, &p, dg);
	return conf_finish(c, dg, before);
}

const struct conf_section *
conf_section(const struct conf *c, const char *name)
{
	for (size_t i = 0; i < c->nsections; i++)
		if (strcmp(c->sections[i].name, name) == 0)
			return &c->sections[i];
	return NULL;
}

/*
 * A length of elapsed time: a bare number of seconds, a duration of
 * minutes, hours, days or weeks ("24 hours"), or of years.
 */
int
conf_elapsed(const char *v, int64_t *out, char *err, size_t len)
{
	struct duration d;
	char *end;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno == ERANGE || n > 100LL * 366 * 86400) {
		snprintf(err, len, "at most 100 years");
		return -1;
	}
	if (end != v && *end == '\0') {
		if (n > 0) {
			*out = n;
			return 0;
		}
		snprintf(err, len, "must be more than 0 seconds");
		return -1;
	}
	/* Years, for retention: 366 days each, so nothing goes early. */
	if (end != v && n > 0 && n <= 100 && (strcasecmp(end, " year") == 0 ||
	    strcasecmp(end, " years") == 0)) {
		*out = n * 366 * 86400;
		return 0;
	}
	if (dur_parse(v, &d, err, len) == -1)
		return -1;
	if (dur_seconds(&d) <= 0) {
		snprintf(err, len, "expected seconds, or minutes, hours, days "
		    "or weeks of elapsed time");
		return -1;
	}
	*out = dur_seconds(&d);
	return 0;
}

/* The file a setting came from: a drop-in's name, or the main file's. */
const char *
conf_file(const struct conf *c, const char *file)
{
	return file != NULL ? file : c->path;
}

const struct conf_kv *
conf_kv(const struct conf_section *s, const char *key)
{
	for (size_t i = 0; s != NULL && i < s->n; i++)
		if (strcmp(s->kv[i].key, key) == 0)
			return &s->kv[i];
	return NULL;
}

/* Keep key = value at its line; the caller has refused a second one. */
void
conf_section_add(struct conf_section *s, const char *key, const char *value,
    int line)
{
	s->kv = xreallocarray(s->kv, s->n + 1, sizeof *s->kv);
	s->kv[s->n++] = (struct conf_kv){ .key = xstrdup(key),
	    .value = xstrdup(value), .line = line };
}

void
conf_section_free(struct conf_section *s)
{
	for (size_t k = 0; k < s->n; k++) {
		free(s->kv[k].key);
		free(s->kv[k].value);
	}
	free(s->kv);
	free(s->name);
}

void
conf_free(struct conf *c)
{
	if (c == NULL)
		return;
	free(c->path);
	free(c->dir);
	for (size_t i = 0; i < nitems(conf_opts); i++)
		if (conf_opts[i].type == OPT_PATH)
			free(*field(c, &conf_opts[i]));
	cal_set_free(&c->calendars);
	for (size_t i = 0; i < c->nsections; i++)
		conf_section_free(&c->sections[i]);
	free(c->sections);
	for (size_t i = 0; i < c->ndropins; i++)
		free(c->dropins[i]);
	free(c->dropins);
	free(c);
}

/* An instant as ISO 8601 in the default calendar's zone: every time vigild
 * shows, logs or replies with. */
char *
conf_time(const struct conf *c, int64_t t, char *buf, size_t len)
{
	return iso_format(t, c->default_calendar->tz, buf, len);
}
