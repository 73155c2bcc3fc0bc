/*
 * unit-notify.h: one message through a notifier, as the notifier tests
 * mostly send them: its outcome, with the reason copied into err.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#ifndef UNIT_NOTIFY_H
#define UNIT_NOTIFY_H

#include <stdio.h>

#include "notifier.h"

static inline enum notify_result
send_one(struct notifier *n, const struct message *m, char *err,
    size_t errlen)
{
	struct message copy = *m, *one[] = { &copy };

	notifier_send(n, one, 1);
	snprintf(err, errlen, "%s", copy.err);
	return copy.result;
}

#endif
