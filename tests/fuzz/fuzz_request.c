/*
 * fuzz_request.c: the control protocol's request parser, which sees every
 * byte any local client sends.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>

#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct request r;
	char err[512];

	if (proto_parse((const char *)data, len, &r, err, sizeof err) == 0) {
		/* Whatever is accepted is well-formed. */
		if (r.ref != NULL && !valid_ref(r.ref))
			abort();
		for (size_t i = 0; i < r.nfields; i++)
			if (!valid_name(r.fields[i].key) ||
			    strlen(r.fields[i].value) > PROTO_VALUE_MAX)
				abort();
		proto_free(&r);
	} else if (err[0] == '\0')
		abort();
	return 0;
}
