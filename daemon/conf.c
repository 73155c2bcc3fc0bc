/*
 * conf.c: read vigil.conf.  Every problem is collected with its line, so one
 * "vigild --check" shows them all; a configuration with any problem is not
 * used (a reload keeps the old one).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
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
	int	 path;		/* resolved against the config's folder */
} conf_opts[] = {
	{ "daemon", "database", offsetof(struct conf, database), 1 },
	{ "daemon", "socket", offsetof(struct conf, socket), 1 },
	{ "daemon", "workflows", offsetof(struct conf, workflows), 1 },
	{ "daemon", "staff", offsetof(struct conf, staff), 1 },
};

struct conf_parse {
	struct conf *conf;
	struct diag *dg;
	struct calendar *cal;	/* the [calendar NAME] being read */
	int	 known;		/* in a section we know */
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

static char *
resolve(const struct conf *c, const char *value)
{
	if (value[0] == '/' || c->dir == NULL)
		return xstrdup(value);
	return xasprintf("%s/%s", c->dir, value);
}

static void
on_section(struct conf_parse *p, const char *section, int line)
{
	const char *name;

	p->cal = NULL;
	p->known = 1;
	if (strncmp(section, "calendar", 8) == 0 &&
	    (section[8] == ' ' || section[8] == '\0')) {
		for (name = section + 8; *name == ' '; name++)
			;
		if (!cal_name_ok(name)) {
			diag_add(p->dg, p->conf->path, line, "bad calendar name "
			    "\"%s\": use lower-case letters, digits, - and _",
			    name);
			p->known = 0;
			return;
		}
		if (cal_set_find(&p->conf->calendars, name) != NULL) {
			diag_add(p->dg, p->conf->path, line, "calendar %s is "
			    "defined twice", name);
			p->known = 0;
			return;
		}
		p->cal = cal_new(name);
		p->cal->line = line;
		cal_set_add(&p->conf->calendars, p->cal);
		return;
	}
	for (size_t i = 0; i < nitems(conf_opts); i++)
		if (strcmp(section, conf_opts[i].section) == 0)
			return;
	diag_add(p->dg, p->conf->path, line, "unknown section [%s]", section);
	p->known = 0;
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
	if (!p->known)
		return;		/* the section was already reported */
	if (section[0] == '\0') {
		diag_add(p->dg, p->conf->path, line, "\"%s\" is outside any "
		    "section", key);
		return;
	}
	if (p->cal != NULL) {
		if (cal_set_option(p->cal, key, value, err, sizeof err) == -1)
			diag_add(p->dg, p->conf->path, line, "%s", err);
		return;
	}
	for (size_t i = 0; i < nitems(conf_opts); i++) {
		const struct conf_opt *o = &conf_opts[i];
		char **f = field(p->conf, o);

		if (strcmp(section, o->section) != 0 || strcmp(key, o->key) != 0)
			continue;
		if (*value == '\0') {
			diag_add(p->dg, p->conf->path, line, "%s needs a value",
			    key);
			return;
		}
		free(*f);
		*f = o->path ? resolve(p->conf, value) : xstrdup(value);
		return;
	}
	diag_add(p->dg, p->conf->path, line, "unknown setting \"%s\" in [%s]",
	    key, section);
}

/*
 * Read a configuration, or the built-in defaults when path is NULL.  Returns
 * NULL, with every problem in dg, when anything is wrong.
 */
struct conf *
conf_load(const char *path, struct diag *dg)
{
	struct conf_parse p = { .dg = dg };
	struct conf *c = xcalloc(1, sizeof *c);
	size_t before = dg->n;
	const char *slash;

	p.conf = c;
	c->database = xstrdup(LOCALSTATEDIR "/lib/vigil/vigil.db");
	c->socket = xstrdup(RUNSTATEDIR "/vigil/vigil.sock");
	c->workflows = xstrdup(SYSCONFDIR "/vigil/workflows");
	c->staff = xstrdup(SYSCONFDIR "/vigil/staff.ini");
	if (path != NULL) {
		c->path = xstrdup(path);
		if ((slash = strrchr(path, '/')) == NULL)
			c->dir = xstrdup(".");
		else
			c->dir = xstrndup(path, slash == path ? 1 :
			    (size_t)(slash - path));
		ini_load(path, on_line, &p, dg);
	}
	if ((c->default_calendar = cal_set_find(&c->calendars, "default")) == NULL) {
		c->default_calendar = cal_new("default");
		cal_set_add(&c->calendars, c->default_calendar);
	}
	for (size_t i = 0; i < c->calendars.n; i++)
		cal_prepare(c->calendars.v[i], c->dir, dg, c->path);
	if (dg->n > before) {
		conf_free(c);
		return NULL;
	}
	return c;
}

void
conf_free(struct conf *c)
{
	if (c == NULL)
		return;
	free(c->path);
	free(c->dir);
	for (size_t i = 0; i < nitems(conf_opts); i++)
		free(*field(c, &conf_opts[i]));
	cal_set_free(&c->calendars);
	free(c);
}
