/*
 * conf.h: vigil.conf, the daemon's configuration.
 */
#ifndef CONF_H
#define CONF_H

#include "calendar.h"

struct conf {
	char	*path;		/* the file read, or NULL for the defaults */
	char	*dir;		/* relative paths are relative to this */
	char	*database;
	char	*socket;
	char	*workflows;
	char	*staff;
	struct cal_set calendars;
	struct calendar *default_calendar;
};

struct conf *conf_load(const char *, struct diag *);
void	 conf_free(struct conf *);
const char *conf_default_path(void);

#endif
