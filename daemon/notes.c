/*
 * notes.c: log lines about writes, held until the transaction that makes
 * them durable commits.  "case X: opened" is logged only once it is true;
 * if the commit fails, the lines go and one error says how many.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <syslog.h>

#include "vigild.h"

struct note {
	int	 pri;			/* LOG_NOTICE, LOG_INFO or LOG_DEBUG */
	char	*text;
};

void
note_add(struct vigild *vd, int pri, const char *fmt, ...)
{
	struct notes *n = &vd->notes;
	va_list ap;

	if (!log_wanted(pri))
		return;
	if (n->n == n->cap) {
		n->cap = n->cap ? n->cap * 2 : 16;
		n->v = xreallocarray(n->v, n->cap, sizeof *n->v);
	}
	va_start(ap, fmt);
	n->v[n->n].pri = pri;
	n->v[n->n++].text = xvasprintf(fmt, ap);
	va_end(ap);
}

/* The transaction ended: log what it did, or say that none of it holds. */
void
notes_committed(struct vigild *vd, int ok)
{
	struct notes *n = &vd->notes;

	/* Once while commits keep failing: commits.c says the rest. */
	if (!ok && n->n > 0 && vd->db.since == 0)
		log_err("database: %zu logged change%s not stored", n->n,
		    n->n == 1 ? "" : "s");
	for (size_t i = 0; i < n->n; i++) {
		if (ok && n->v[i].pri == LOG_NOTICE)
			log_notice("%s", n->v[i].text);
		else if (ok && n->v[i].pri == LOG_INFO)
			log_info("%s", n->v[i].text);
		else if (ok)
			log_debug("%s", n->v[i].text);
		free(n->v[i].text);
	}
	n->n = 0;
}

void
notes_free(struct vigild *vd)
{
	notes_committed(vd, 0);
	free(vd->notes.v);
}
