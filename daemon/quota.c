/*
 * quota.c: how many requests a client may make, as a token bucket per
 * client name ([http] rate and burst): a client may send burst requests
 * at once, then rate a second; one over gets 429 and how long to wait.
 * Buckets are found by a linear search: there is one per API token that
 * has been used, and tokens are made by hand (vigilctl token create).
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vigild.h"

struct quota {
	char	*name;
	double	 level;			/* requests it may still make */
	double	 at;			/* when level was last worked out */
};

/*
 * Take one request from name's bucket at now (a monotonic clock, in
 * seconds).  0 when it may go; else -1 with *wait, the whole seconds
 * until it may.  rate 0: no limit.
 */
int
quota_take(struct quotas *qs, const char *name, double rate, double burst,
    double now, int *wait)
{
	struct quota *q = NULL;

	*wait = 0;
	if (rate <= 0)
		return 0;
	for (size_t i = 0; i < qs->n && q == NULL; i++)
		if (strcmp(qs->v[i].name, name) == 0)
			q = &qs->v[i];
	if (q == NULL) {
		qs->v = xreallocarray(qs->v, qs->n + 1, sizeof *qs->v);
		q = &qs->v[qs->n++];
		*q = (struct quota){ xstrdup(name), burst, now };
	}
	q->level += (now - q->at) * rate;
	if (q->level > burst)
		q->level = burst;
	q->at = now;
	if (q->level >= 1) {
		q->level -= 1;
		return 0;
	}
	*wait = (int)ceil((1 - q->level) / rate);
	return -1;
}

void
quotas_free(struct quotas *qs)
{
	for (size_t i = 0; i < qs->n; i++)
		free(qs->v[i].name);
	free(qs->v);
	memset(qs, 0, sizeof *qs);
}
