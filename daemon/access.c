/*
 * access.c: who is asking, and whether they may.  The one place a
 * request's principal is worked out and its permission checked, for every
 * request from every connection (req_dispatch() calls it first).
 *
 * The principal comes from the connection (SO_PEERCRED on the control
 * socket), never from what the client says:
 *  - root and the user vigild runs as administer the host: they can read
 *    and write the database file anyway, so they may do anything and act
 *    for anyone;
 *  - a user named in [access] relay (the case-management system's
 *    account) may say who did a thing ("by"), which must then be a member
 *    of staff, and may do what any member of staff may;
 *  - a member of staff whose unix_user is the peer acts as themselves,
 *    with the role staff.ini gives them: a "by" naming anyone else is
 *    refused;
 *  - anyone else is refused.
 * Running the service (reload, migrate, backup, outbox retry, audit) and
 * reading the outbox are for the host's administrators and staff with the
 * admin role.  Members of staff see the cases of their own team, and a
 * manager also those of everyone below them; a head of service, an admin,
 * a relay and the host see every case.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <string.h>
#include <unistd.h>

#include "vigild.h"

static int
is_relay(const struct cfg *cfg, const char *user)
{
	for (size_t i = 0; user[0] != '\0' && i < cfg->nrelays; i++)
		if (strcmp(cfg->relays[i], user) == 0)
			return 1;
	return 0;
}

/* A member of staff, and whom they cover for while others are away. */
static void
staff_principal(struct vigild *vd, struct principal *pr)
{
	pr->kind = PR_STAFF;
	pr->ncovering = away_covering(vd, pr->person, clock_now(),
	    pr->covering, PR_COVERING_MAX);
}

/* Who the peer is: 0, or -1 with err saying why nobody. */
int
access_known(struct vigild *vd, const struct peer *peer, struct principal *pr,
    char *err, size_t errlen)
{
	memset(pr, 0, sizeof *pr);
	/* Over HTTP, the bearer token says who: its role, or its person. */
	if (peer->token != NULL) {
		const struct store_token *t = peer->token;

		if (strcmp(t->role, "admin") == 0)
			pr->kind = PR_HOST;
		else if (strcmp(t->role, "relay") == 0)
			pr->kind = PR_RELAY;
		else if ((pr->person = staff_find(vd->cfg->staff, t->staff)) !=
		    NULL)
			staff_principal(vd, pr);
		else {
			snprintf(err, errlen, "token %s is for %s, who is no "
			    "longer in the staff directory", t->name,
			    t->staff ? t->staff : "nobody");
			return -1;
		}
		return 0;
	}
	if (peer->uid == 0 || peer->uid == geteuid()) {
		pr->kind = PR_HOST;
		return 0;
	}
	if (is_relay(vd->cfg, peer->user)) {
		pr->kind = PR_RELAY;
		return 0;
	}
	if (peer->user[0] != '\0' &&
	    (pr->person = staff_find_unix(vd->cfg->staff, peer->user)) !=
	    NULL) {
		staff_principal(vd, pr);
		return 0;
	}
	snprintf(err, errlen, "%s is not a vigil user: give them a unix_user "
	    "in the staff directory, or name the account in [access] relay",
	    peer->user[0] != '\0' ? peer->user : "this peer");
	return -1;
}

/*
 * A case reference as [access] reference allows it, so that a reference
 * cannot carry a person's name or number; any when none is set.
 */
static int
reference_ok(const struct cfg *cfg, const char *ref)
{
	return !cfg->has_reference ||
	    regexec(&cfg->reference, ref, 0, NULL, 0) == 0;
}

/*
 * Work out the principal of a request and check it may be made as it
 * stands, as req.c's table says what it is (flags: ACCESS_ADMINS, only
 * administrators may make it; ACCESS_CHANGES, it changes a case): 0, or
 * -1 with err saying why not.  On success pr->by is who the
 * request acts for: the member of staff named, the peer's own person, or
 * NULL when the host's administrator names nobody.
 */
int
access_check(struct vigild *vd, const struct peer *peer,
    const struct request *r, int flags, struct principal *pr, char *err,
    size_t errlen)
{
	const struct staff_person *by = NULL;
	int admin = flags & ACCESS_ADMINS;

	if (access_known(vd, peer, pr, err, errlen) == -1)
		return -1;
	if (r->by != NULL && (by = staff_find(vd->cfg->staff, r->by)) == NULL) {
		snprintf(err, errlen, "%s is not in the staff directory", r->by);
		return -1;
	}
	switch (pr->kind) {
	case PR_HOST:
		pr->by = by;
		break;
	case PR_RELAY:
		if (admin) {
			snprintf(err, errlen, "%s is for administrators, not "
			    "for the relay %s", r->cmd, peer->user);
			return -1;
		}
		if (by == NULL && (flags & ACCESS_CHANGES)) {
			snprintf(err, errlen, "the relay %s must say who did "
			    "it (by)", peer->user);
			return -1;
		}
		pr->by = by;
		break;
	case PR_STAFF:
		if (by != NULL && by != pr->person) {
			snprintf(err, errlen, "%s acts as %s and cannot record "
			    "for %s", peer->user, pr->person->id, by->id);
			return -1;
		}
		if (admin && pr->person->role != ROLE_ADMIN) {
			snprintf(err, errlen, "%s is for administrators; %s is "
			    "%s", r->cmd, pr->person->id,
			    role_name(pr->person->role));
			return -1;
		}
		pr->by = pr->person;
		break;
	}
	if (r->ref != NULL && !reference_ok(vd->cfg, r->ref)) {
		snprintf(err, errlen, "the case reference does not have the "
		    "form [access] reference sets");
		return -1;
	}
	return 0;
}

/* The principal as the log names it. */
const char *
access_name(const struct principal *pr)
{
	switch (pr->kind) {
	case PR_HOST:
		return "host administrator";
	case PR_RELAY:
		return "relay";
	case PR_STAFF:
		return pr->person->id;
	}
	return "?";
}


/* Whether pr may see the cases whose officer is officer (NULL: nobody). */
int
access_may_see(const struct principal *pr, const struct staff_person *officer)
{
	const struct staff_person *me = pr->person;

	if (pr->kind != PR_STAFF || me->role == ROLE_ADMIN ||
	    me->role == ROLE_HEAD_OF_SERVICE)
		return 1;
	if (officer == NULL)
		return 0;
	if (officer == me || (me->team != NULL && officer->team != NULL &&
	    strcmp(me->team, officer->team) == 0))
		return 1;
	/* Covering for someone away: their cases, while it lasts. */
	for (size_t i = 0; i < pr->ncovering; i++)
		if (pr->covering[i] == officer)
			return 1;
	for (const struct staff_person *m = officer->manager; m != NULL;
	    m = m->manager)
		if (m == me)
			return 1;
	return 0;
}

/*
 * Whether pr may say when p is away: p, a manager above p, or an
 * administrator (the host's, an admin token, staff with role admin); a
 * relay for whoever it says did it.
 */
int
access_may_record_for(const struct principal *pr,
    const struct staff_person *p)
{
	const struct staff_person *me;

	if (p == NULL)
		return 0;
	if (pr->kind == PR_HOST)
		return 1;
	if ((me = pr->kind == PR_STAFF ? pr->person : pr->by) == NULL)
		return 0;
	if (me == p || me->role == ROLE_ADMIN)
		return 1;
	for (const struct staff_person *m = p->manager; m != NULL;
	    m = m->manager)
		if (m == me)
			return 1;
	return 0;
}

/*
 * The staff ids whose cases pr may see, as a JSON array for the store to
 * filter a list by; NULL when pr sees every case.
 */
char *
access_visible(const struct cfg *cfg, const struct principal *pr)
{
	const struct staff_person *sp;
	json_t *ids;
	char *text;

	if (access_may_see(pr, NULL))
		return NULL;
	ids = json_array();
	for (size_t i = 0; i < staff_count(cfg->staff); i++)
		if (access_may_see(pr, sp = staff_get(cfg->staff, i)))
			json_array_append_new(ids, json_string(sp->id));
	if ((text = json_dumps(ids, JSON_COMPACT)) == NULL)
		fatalx("cannot encode the visible officers");
	json_decref(ids);
	return text;
}
