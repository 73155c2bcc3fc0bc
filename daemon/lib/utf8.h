/*
 * utf8.h: just enough UTF-8 to check text read from files and to walk it one
 * character at a time (the SMS alphabet works on characters, not bytes).
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#ifndef UTF8_H
#define UTF8_H

#include <stddef.h>
#include <stdint.h>

#define UTF8_BAD	0xFFFD		/* what bad bytes decode to */

size_t	 utf8_next(const char *, size_t, uint32_t *);
int	 utf8_valid(const char *, size_t);
int	 utf8_clean_line(const char *);

#endif
