/*
 * role.h: what a member of staff is, as staff.ini and the workflows name it.
 * The workflow engine needs this and nothing else of the staff directory.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#ifndef ROLE_H
#define ROLE_H

enum role {
	ROLE_OFFICER,
	ROLE_MANAGER,
	ROLE_HEAD_OF_SERVICE,
	ROLE_ADMIN
};

const char *role_name(enum role);
int	 role_parse(const char *, enum role *);

#endif
