/*
 * fuzz_rota.c: rota.ini loading.  Whatever the text, loading ends with
 * rotas and no problems or with none and at least one; every rota it
 * gives answers who is on call at any instant, with an id exactly when it
 * says someone is.  Staff ids go unchecked here (no directory), so the
 * fuzzer reaches the hand-overs with any id.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "rota.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct conf *conf;		/* the default calendar, loaded once */

/* Ask every rota named in the text across a fortnight with a clock change. */
static void
ask(const struct rota_set *set, const char *text, size_t len)
{
	static const char open[] = "[rota ";
	const char *p = text, *end = text + len, *close;

	while ((p = memmem(p, (size_t)(end - p), open, sizeof open - 1)) !=
	    NULL) {
		char name[64];
		const struct rota *r;
		size_t n;

		p += sizeof open - 1;
		if ((close = memchr(p, ']', (size_t)(end - p))) == NULL ||
		    (n = (size_t)(close - p)) >= sizeof name)
			continue;
		memcpy(name, p, n);
		name[n] = '\0';
		if ((r = rota_find(set, name)) == NULL)
			continue;
		/* 2026-10-19 to 2026-11-02 (BST ends 10-25), every 97 min. */
		for (int64_t t = 1792368000; t < 1793577600; t += 97 * 60) {
			const char *who;
			enum rota_answer a = rota_on_call(r, t, &who);

			if ((a == ROTA_ON_CALL) != (who != NULL) ||
			    (who != NULL && who[0] == '\0'))
				abort();
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct diag dg = { 0 };
	struct rota_set *set;

	if (conf == NULL && (conf = conf_load_buffer("t.conf", "", 0,
	    &dg)) == NULL)
		abort();
	set = rota_load_buffer("fuzz", (const char *)data, len,
	    &conf->calendars, NULL, &dg);
	if ((set == NULL) != (dg.n > 0))
		abort();
	for (size_t i = 0; i < dg.n; i++)
		if (dg.v[i].msg[0] == '\0' || dg.v[i].line < 0)
			abort();
	if (set != NULL)
		ask(set, (const char *)data, len);
	rota_set_free(set);
	diag_clear(&dg);
	return 0;
}
