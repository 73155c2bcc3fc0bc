/*
 * template-int.h: what the template*.c files share and nothing else sees:
 * the placeholders and a parsed template.  template-parse.c reads a file's
 * text into a struct tpl, template-render.c fills one in and template.c
 * keeps the folder of them.  The contract is template.h.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#ifndef TEMPLATE_INT_H
#define TEMPLATE_INT_H

#include "template.h"

enum ph {
	PH_REF,
	PH_DEADLINE,
	PH_DUE,
	PH_LATE,
	PH_OFFICER,
	PH_ACTION,
	PH_LINK,
	PH_LEVEL,
	PH_REPEAT,
	PH_ACKED_BY,
	PH_ACKED_AT,
	PH_COUNT,
	PH_RECIPIENT,
	PH_CHANNEL,
	PH_ERROR,
	PH_ACK_LINK,
	PH_ON_TIME,
	PH_WEB,
	PH_N
};

struct ph_def {
	const char *name;
	unsigned kinds;		/* where it may appear */
	unsigned item:1;	/* a fact about one deadline */
	unsigned atomic:1;	/* an SMS shortens it only by leaving it out */
};

struct part {
	int	 ph;		/* enum ph, or -1 for literal text */
	char	*text;
};

struct line {
	struct part *v;
	size_t	 n;
	int	 nph;		/* placeholders on it */
	int	 lineno;
};

struct tpl {
	char	*name;
	enum tpl_kind kind;
	enum tpl_form form;
	struct line subject;	/* email only */
	struct line *lines;
	size_t	 nlines;
	size_t	 bstart, bend;	/* digest: lines [bstart, bend) repeat */
	unsigned used;		/* bit per enum ph */
};

/* template-parse.c: the placeholders, and the kinds as files name them. */
extern const struct ph_def tpl_ph_defs[PH_N];
extern const char *const tpl_kind_names[TPL_NKINDS];

#endif
