/*
 * fuzz_template.c: template parsing and rendering.  The first byte picks
 * the kind and the form; the rest is the template.  A template that loads
 * is filled in with ordinary values and with values cut from the input
 * itself (any bytes, any length): an SMS must stay within 160 GSM-7
 * septets, an email must be UTF-8 with a one-line subject.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>

#include "gsm7.h"
#include "template.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check(const struct tpl *t, enum tpl_form form, const struct tpl_vars *v)
{
	char *subject = NULL;
	char *body = tpl_render(t, "https://cms.example/case/{ref}", NULL, v,
	    &subject);

	if (form == TPL_SMS) {
		size_t n = gsm7_septets(body);

		if (n == (size_t)-1 || n > GSM7_SMS_MAX)
			abort();
	} else {
		if (!utf8_valid(body, strlen(body)) || strchr(body, '\r') ||
		    subject == NULL || !utf8_valid(subject, strlen(subject)) ||
		    strpbrk(subject, "\r\n") != NULL)
			abort();
	}
	free(subject);
	free(body);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct diag dg = { 0 };
	struct tpl_item items[40];
	struct tpl_vars v = { .now = 1772546400 + 12000, .items = items };
	enum tpl_kind kind;
	enum tpl_form form;
	struct tpl *t;
	char *s, *parts[4];

	if (len < 1)
		return 0;
	kind = (enum tpl_kind)(data[0] % TPL_NKINDS);
	form = (data[0] >> 2) & 1 ? TPL_SMS : TPL_EMAIL;
	t = tpl_parse("fuzz", (const char *)data + 1, len - 1, kind, form, &dg);
	if (t == NULL) {
		diag_clear(&dg);
		return 0;
	}
	/* Ordinary values. */
	for (size_t i = 0; i < nitems(items); i++)
		items[i] = (struct tpl_item){ "DA-2026-0042", "initial contact",
		    1772546400 + (int64_t)i * 3600, "Jo Bloggs",
		    "Contact the person", 1 + (int)i % 3, (int)i % 2,
		    i % 3 ? NULL : "Sam Patel", 1772546400 + 600,
		    i % 2 ? NULL : "https://vigil.example/ack/v1.abc.def" };
	v.nitems = kind == TPL_DIGEST ? nitems(items) : 1;
	v.recipient = "Sam Patel";
	v.channel = "email";
	v.error = "550 5.1.1 mailbox unavailable";
	check(t, form, &v);
	/* Values cut from the input: any bytes, any length. */
	s = malloc(len + 1);
	memcpy(s, data, len);
	s[len] = '\0';
	for (size_t i = 0; i < 4; i++)
		parts[i] = s + (len * i) / 4;
	for (size_t i = 0; i < nitems(items); i++) {
		items[i].ref = parts[0];
		items[i].deadline = parts[1];
		items[i].officer = parts[2];
		items[i].action = parts[3];
		items[i].acked_by = parts[i % 4];
		items[i].due = (int64_t)(data[0]) << (i % 40);
	}
	v.recipient = parts[1];
	v.error = s;
	v.nitems = kind == TPL_DIGEST ? 1 + data[0] % nitems(items) : 1;
	check(t, form, &v);
	free(s);
	tpl_free(t);
	return 0;
}
