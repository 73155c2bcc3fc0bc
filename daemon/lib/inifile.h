/*
 * inifile.h: INI files read with inih, with line numbers for every key so that
 * loaders can report problems as file:line.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#ifndef INI_FILE_H
#define INI_FILE_H

#include "vigil.h"

#define INI_MAX_FILE	(1024 * 1024)
#define INI_LINE_MAX	198	/* inih's buffer, less the newline */

/* Called for each "[section]" (key and value NULL) and each "key = value". */
typedef void (*ini_fn)(void *, const char *, const char *, const char *, int);

int	 ini_load(const char *, ini_fn, void *, struct diag *);
int	 ini_load_buffer(const char *, const char *, size_t, ini_fn, void *,
	    struct diag *);

#endif
