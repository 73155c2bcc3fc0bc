/*
 * rota.h: the on-call rotas (rota.ini, named by [daemon] rota): who hears
 * a workflow's "rota NAME" escalations at a given instant.
 *
 *	[rota out-of-hours]
 *	calendar = default		its zone, working hours, holidays
 *	hours = outside			on call only while that calendar is
 *					closed; or always
 *	on-call = sam.patel from mon 17:00	a weekly hand-over: from
 *	on-call = alex.okafor from fri 17:00	then to the next, round
 *						the week
 *	on-call = hos.morgan from 2026-12-24 17:00 until 2026-12-29 09:00
 *					a dated override: wins while it lasts
 *
 * Times are local to the calendar's zone.  Loading checks everything,
 * staff ids against the directory included, and reports every problem as
 * file:line; a file with any problem is not used (a reload keeps the old).
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#ifndef ROTA_H
#define ROTA_H

#include "calendar.h"
#include "staff.h"

struct rota;
struct rota_set;

enum rota_answer {
	ROTA_OFF,			/* not now: its calendar is open */
	ROTA_NOBODY,			/* on now, with nobody on call */
	ROTA_ON_CALL
};

struct rota_set *rota_load(const char *, const struct cal_set *,
	    const struct staff *, struct diag *);
struct rota_set *rota_load_buffer(const char *, const char *, size_t,
	    const struct cal_set *, const struct staff *, struct diag *);
struct rota_set *rota_set_new(void);
void	 rota_add_empty(struct rota_set *, const char *,
	    const struct calendar *);
void	 rota_set_free(struct rota_set *);
const struct rota *rota_find(const struct rota_set *, const char *);
enum rota_answer rota_on_call(const struct rota *, int64_t, const char **);

#endif
