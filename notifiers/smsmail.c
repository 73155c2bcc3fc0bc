/*
 * smsmail.c: SMS through an email-to-SMS gateway: the text is emailed, by
 * whatever [email] uses, to an address made from the number.
 *
 *	[sms]
 *	via = email
 *	email_to = {digits}@sms.example.net	{digits}: 447700900123,
 *						{e164}: +447700900123,
 *						{national}: 07700900123
 *	email_subject = ...			optional; some gateways
 *						want an account code here
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "backend.h"

/* The placeholders, in enum nf_numfmt's order. */
static const char *const forms[] = { "{e164}", "{digits}", "{national}" };

struct smsmail_nf {
	struct notifier *mail;
	char	*to;			/* the email_to template */
	char	*subject;
};

/* The address for a number; NULL when the template does not fit it. */
static char *
address_for(const char *tpl, const char *e164)
{
	const char *at;
	char num[32];

	for (size_t i = 0; i < nitems(forms); i++) {
		if ((at = strstr(tpl, forms[i])) == NULL)
			continue;
		if (nf_number((enum nf_numfmt)i, e164, num, sizeof num) == -1)
			return NULL;
		return xasprintf("%.*s%s%s", (int)(at - tpl), tpl, num,
		    at + strlen(forms[i]));
	}
	return NULL;
}

static void *
smsmail_configure(const struct conf *c, enum notify_channel ch,
    struct diag *dg)
{
	struct smsmail_nf *s = xcalloc(1, sizeof *s);
	struct sec_reader nc;
	const char *v;
	char *sample, err[256];
	int n = 0;

	(void)ch;
	sec_init(&nc, c, "sms", dg);
	if ((v = sec_need(&nc, "email_to")) != NULL) {
		for (size_t i = 0; i < nitems(forms); i++)
			for (const char *p = v; (p = strstr(p, forms[i])); p++)
				n++;
		sample = address_for(v, "+447700900123");
		if (n != 1)
			sec_err(&nc, "email_to", "needs one of {digits}, {e164} "
			    "or {national}, once");
		else if (!addr_email_ok(sample, err, sizeof err))
			sec_err(&nc, "email_to", "%s", err);
		else
			s->to = xstrdup(v);
		free(sample);
	}
	s->subject = xstrdup(sec_str(&nc, "email_subject", ""));
	s->mail = notifier_new(c, NOTIFY_EMAIL, dg);
	return s;
}

static void
smsmail_free(void *p)
{
	struct smsmail_nf *s = p;

	if (s == NULL)
		return;
	notifier_free(s->mail);
	free(s->to);
	free(s->subject);
	free(s);
}

/* Each SMS as an email to the gateway, sent together. */
static int
smsmail_send(void *p, struct message *const *m, size_t n)
{
	const struct smsmail_nf *s = p;
	struct message *mm = xcalloc(n, sizeof *mm);
	struct message **out = xcalloc(n, sizeof *out);
	size_t nout = 0;
	int conns = 0;

	for (size_t i = 0; i < n; i++) {
		char *to = address_for(s->to, m[i]->to);

		if (to == NULL) {
			m[i]->result = NOTIFY_PERMFAIL;
			seterr(m[i]->err, sizeof m[i]->err, "%s cannot be "
			    "written as {national}", m[i]->to);
			continue;
		}
		mm[i] = *m[i];
		mm[i].channel = NOTIFY_EMAIL;
		mm[i].to = to;
		mm[i].to_name = NULL;
		mm[i].subject = s->subject;
		out[nout++] = &mm[i];
	}
	if (nout > 0)
		conns = notifier_send(s->mail, out, nout);
	for (size_t i = 0; i < n; i++) {
		if (mm[i].to == NULL)
			continue;
		m[i]->result = mm[i].result;
		m[i]->wait = mm[i].wait;
		memcpy(m[i]->err, mm[i].err, sizeof m[i]->err);
		free((char *)mm[i].to);
	}
	free(out);
	free(mm);
	return conns;
}

const struct notifier_ops notifier_smsmail = {
	.name = "email",
	.channels = 1u << NOTIFY_SMS,
	.configure = smsmail_configure,
	.send = smsmail_send,
	.free = smsmail_free,
};
