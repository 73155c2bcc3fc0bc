/*
 * role.c: role names, one spelling each.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <string.h>

#include "role.h"
#include "vigil.h"

static const char *const role_names[] = {
	[ROLE_OFFICER] = "officer",
	[ROLE_MANAGER] = "manager",
	[ROLE_HEAD_OF_SERVICE] = "head-of-service",
	[ROLE_ADMIN] = "admin",
};

const char *
role_name(enum role r)
{
	return (size_t)r < nitems(role_names) ? role_names[r] : "?";
}

int
role_parse(const char *s, enum role *r)
{
	for (size_t i = 0; i < nitems(role_names); i++)
		if (strcmp(s, role_names[i]) == 0) {
			*r = (enum role)i;
			return 0;
		}
	return -1;
}
