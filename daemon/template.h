/*
 * template.h: the texts of vigil's messages, as files admins can edit.
 *
 * A folder (vigil.conf [daemon] templates) holds, for each kind of message,
 * KIND.email ("Subject: ..." line, blank line, body) and KIND.sms:
 *
 *	reminder	before a deadline
 *	escalation	a missed deadline, level 1 at the miss, then 2, 3...
 *			(escalation-N.email / .sms, when present, for level N)
 *	digest		several of the above for one person, in one message
 *	admin-alert	a message that could not be delivered, for good
 *
 * Placeholders such as {ref} stand for the only facts vigil holds (see
 * template.c); naming anything else is a load error, so a template cannot
 * ask for data vigil does not have.  An SMS always renders within 160
 * GSM-7 septets, whatever the inputs.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#ifndef TEMPLATE_H
#define TEMPLATE_H

#include "conf.h"

#define TPL_FILE_MAX		(64 * 1024)
#define TPL_SUBJECT_MAX		200	/* characters of a rendered subject */
#define TPL_VALUE_MAX		500	/* bytes of one value in an email */
#define TPL_LEVELS		9	/* escalation-1 ... escalation-9 */

enum tpl_kind {
	TPL_REMINDER,
	TPL_ESCALATION,
	TPL_DIGEST,
	TPL_ADMIN_ALERT,
	TPL_AUDIT_ALERT,		/* the event log failed its audit */
	TPL_OPS_ALERT,			/* vigil itself failed for a while */
	TPL_SUMMARY,			/* a manager's week (summary.c) */
	TPL_NKINDS,
	/* An outbox row no template renders: a webhook, its JSON body made
	 * when its event happened (hook.c). */
	TPL_WEBHOOK = TPL_NKINDS
};

enum tpl_form {
	TPL_EMAIL,
	TPL_SMS
};

/* One deadline a message is about. */
struct tpl_item {
	const char *ref;		/* case reference */
	const char *deadline;		/* in plain words: "initial contact" */
	int64_t	 due;
	const char *officer;		/* NULL: "no officer assigned" */
	const char *action;		/* what to do next, or NULL */
	int	 level;			/* 0 for a reminder, then 1, 2... */
	int	 repeat;		/* 0, then 1, 2... for repeats */
	const char *acked_by;		/* display name, or NULL */
	int64_t	 acked_at;
	const char *ack_link;		/* the recipient's own, or NULL */
};

struct tpl_vars {
	int64_t	 now;
	const struct tpl_item *items;	/* one, or several for a digest */
	size_t	 nitems;
	const char *recipient;		/* admin alert: whom it was for */
	const char *channel;		/* admin alert: "email" or "SMS" */
	const char *error;		/* admin alert: why it failed */
	const char *on_time;		/* summary: last week's share */
	const char *web;		/* summary: the managers' pages */
};

/* Whether a kind lists its deadlines between {items} and {end}. */
#define TPL_HAS_ITEMS(kind)	((kind) == TPL_DIGEST || (kind) == TPL_SUMMARY)

struct tpl;
struct tpl_set;

struct tpl_set *tpl_load(const struct conf *, struct diag *);
void	 tpl_set_free(struct tpl_set *);
int	 tpl_render_email(const struct tpl_set *, enum tpl_kind,
	    const struct tpl_vars *, char **, char **);
char	*tpl_render_sms(const struct tpl_set *, enum tpl_kind,
	    const struct tpl_vars *);

/* One template on its own: for tests, fuzzing and "vigild --check". */
struct tpl *tpl_parse(const char *, const char *, size_t, enum tpl_kind,
	    enum tpl_form, struct diag *);
void	 tpl_free(struct tpl *);
char	*tpl_render(const struct tpl *, const char *, const struct tz *,
	    const struct tpl_vars *, char **);

/* The pieces, exposed for the tests. */
int	 tpl_case_url_ok(const char *, char *, size_t);
char	*tpl_late(int64_t, int64_t, char *, size_t);
char	*tpl_when(int64_t, const struct tz *, char *, size_t);

#endif
