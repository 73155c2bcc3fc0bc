/*
 * staff.h: the staff directory (staff.ini): who is who, who manages whom,
 * where to reach them, and the groups that catch what has no one else.
 *
 *	[jo.bloggs]			one section per person, named by id
 *	name = Jo Bloggs
 *	role = officer			officer, manager, head-of-service, admin
 *	email = jo.bloggs@example.org
 *	mobile = +447700900123		E.164, optional
 *	manager = sam.patel		line manager's id, optional
 *	team = north			optional
 *	unix_user = jbloggs		the login vigilctl runs as, optional
 *
 *	[group fallback]		required: missed deadlines with no one
 *	email = duty-managers@example.org   to tell go here, never nowhere
 *	members = sam.patel, alex.okafor
 *	[group admins]			required: delivery that failed for good
 *
 * Loading checks everything and reports every problem as file:line; a
 * directory with any problem is not used (a reload keeps the old one).
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#ifndef STAFF_H
#define STAFF_H

#include "role.h"
#include "vigil.h"

#define STAFF_NAME_MAX		100
#define STAFF_FALLBACK		"fallback"
#define STAFF_ADMINS		"admins"

struct staff_person {
	char	*id;
	char	*name;			/* display name */
	enum role role;
	char	*email;
	char	*mobile;		/* E.164, or NULL */
	char	*manager_id;		/* as written, or NULL */
	int	 manager_line;
	const struct staff_person *manager;	/* resolved, or NULL */
	char	*team;			/* or NULL */
	char	*unix_user;		/* or NULL */
	int	 line;			/* of its section */
};

struct staff_group {
	char	*name;
	char	*email;			/* a shared address (a rota), or NULL */
	char	*mobile;		/* a duty phone, or NULL */
	const struct staff_person **members;
	size_t	 nmembers;
	int	 line;
};

struct staff;

struct staff *staff_load(const char *, struct diag *);
struct staff *staff_load_buffer(const char *, const char *, size_t,
	    struct diag *);
void	 staff_free(struct staff *);

const struct staff_person *staff_find(const struct staff *, const char *);
const struct staff_person *staff_find_unix(const struct staff *, const char *);
const struct staff_person *staff_find_email(const struct staff *, const char *);
const char *staff_name(const struct staff *, const char *);
const struct staff_person *staff_manager(const struct staff_person *, int);
const struct staff_group *staff_group(const struct staff *, const char *);
size_t	 staff_count(const struct staff *);
const struct staff_person *staff_get(const struct staff *, size_t);
size_t	 staff_group_count(const struct staff *);
const struct staff_group *staff_group_get(const struct staff *, size_t);


#endif
