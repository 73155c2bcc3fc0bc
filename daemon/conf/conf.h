/*
 * conf.h: vigil.conf, the daemon's configuration.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#ifndef CONF_H
#define CONF_H

#include "calendar.h"

/*
 * A section kept as written: one another module reads ([email], [sms],
 * ...), or a person or group of staff.ini.
 */
struct conf_kv {
	char	*key;
	char	*value;
	int	 line;
	const char *file;	/* a drop-in's name, NULL for the main file */
};
struct conf_section {
	char	*name;
	int	 line;
	struct conf_kv *kv;
	size_t	 n;
	const char *file;	/* where it was last opened, as in conf_kv */
};

/*
 * An INI file read whole into its sections (staff.ini, rota.ini):
 * conf_sections_line() is the ini_load() handler (sections.c).
 */
struct conf_sections {
	const char *file;
	struct diag *dg;
	const char *hint;		/* after a key outside any section:
					 * "start with [rota NAME]" */
	const char *repeats;		/* a key that may repeat, or NULL */
	struct conf_section *v;
	size_t	 n;
	int	 skip;			/* keys before any section, reported */
};

struct conf {
	char	*path;		/* the file read, or NULL for the defaults */
	char	*dir;		/* relative paths are relative to this */
	char	*database;
	char	*socket;
	char	*workflows;
	char	*staff;
	char	*rota;		/* the on-call rotas, or NULL: none */
	char	*templates;	/* folder of message templates */
	int	 client_timeout;	/* seconds a client may stay silent */
	char	*backups;	/* the folder vigilctl backup writes to */
	int	 backups_keep;	/* how many copies it keeps */
	int64_t	 backup_every;	/* seconds between scheduled backups; 0 off */
	int64_t	 retention;	/* seconds a closed case is kept; 0 for ever */
	struct cal_set calendars;
	struct calendar *default_calendar;
	struct conf_section *sections;
	size_t	 nsections;
	char	**dropins;	/* PATH.d/NAME.conf read after it, in order */
	size_t	 ndropins;
};

/* confsec.c: a module section read with each problem at its line. */
struct sec_reader {
	const struct conf *conf;
	const struct conf_section *sec;	/* may be NULL: all defaults */
	const char *name;		/* "email", "outbox", ... */
	struct diag *dg;
};
void	 sec_init(struct sec_reader *, const struct conf *, const char *,
	    struct diag *);
void	 sec_err(const struct sec_reader *, const char *, const char *, ...)
	    VIGIL_PRINTF(3, 4);
void	 sec_keys(const struct sec_reader *, const char *const *, size_t);
const char *sec_str(const struct sec_reader *, const char *, const char *);
const char *sec_need(const struct sec_reader *, const char *);
int	 sec_int(const struct sec_reader *, const char *, int, int, int);
int	 sec_choice(const struct sec_reader *, const char *, const char *const *,
	    size_t, int);
char	*sec_path(const struct sec_reader *, const char *);

struct conf *conf_load(const char *, struct diag *);
struct conf *conf_load_buffer(const char *, const char *, size_t,
	    struct diag *);
void	 conf_free(struct conf *);
const char *conf_default_path(void);
const struct conf_section *conf_section(const struct conf *, const char *);
const struct conf_kv *conf_kv(const struct conf_section *, const char *);
const char *conf_file(const struct conf *, const char *);
int	 conf_elapsed(const char *, int64_t *, char *, size_t);
void	 conf_section_add(struct conf_section *, const char *, const char *,
	    int);
void	 conf_section_free(struct conf_section *);
void	 conf_sections_line(void *, const char *, const char *, const char *,
	    int);
void	 conf_sections_free(struct conf_sections *);
char	*conf_resolve(const struct conf *, const char *);
char	*conf_time(const struct conf *, int64_t, char *, size_t);

#endif
