/*
 * due.h: a case's steps against its firings (due.c): pure.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#ifndef DUE_H
#define DUE_H

#include "store.h"
#include "workflow.h"

/* The steps of one case (wf_steps()) and those already fired. */
struct case_steps {
	struct wf_step *v;
	size_t	 n;
	struct store_firing *done;
	size_t	 ndone;
};

int	 due_fired(const struct case_steps *, const struct wf_step *);
int64_t	 due_next(const struct case_steps *, int64_t);
const char *due_outcome(const struct case_steps *, const struct wf_step *,
	    int64_t);

#endif
