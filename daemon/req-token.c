/*
 * req-token.c: the HTTP API's bearer tokens, made and revoked by
 * administrators.  A token is shown once, when it is made; vigild keeps
 * only its SHA-256, so neither the database nor a backup holds a working
 * token.  Each maps to a principal of access.c: a relay (the CMS, which
 * says who did each change), an administrator, or one member of staff.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <openssl/evp.h>

#include "vigild.h"

#define TOKEN_BYTES	32		/* of randomness, shown as hex */

/* The SHA-256 of a text, in hex: what the database keeps of a token, and
 * of a request sent with an idempotency key. */
int
sha256_text(const char *token, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len;

	if (EVP_Digest(token, strlen(token), md, &len, EVP_sha256(), NULL) !=
	    1)
		return -1;
	hex_encode(md, len, out);
	return 0;
}

json_t *
req_token_create(struct vigild *vd, const struct origin *o, struct request *r)
{
	unsigned char raw[TOKEN_BYTES];
	char token[4 + 2 * TOKEN_BYTES + 1], hash[STORE_HASH_LEN + 1];
	int staff = strcmp(r->role, "staff") == 0, rc;

	if (!staff && strcmp(r->role, "relay") != 0 &&
	    strcmp(r->role, "admin") != 0)
		return req_refuse("role must be relay, admin or staff");
	if (staff != (r->staff != NULL))
		return req_refuse(staff ? "a staff token names its member of "
		    "staff (staff)" : "only a staff token names a member of "
		    "staff");
	if (staff && staff_find(vd->cfg->staff, r->staff) == NULL)
		return req_refuse("%s is not in the staff directory", r->staff);
	arc4random_buf(raw, sizeof raw);
	memcpy(token, "vgl_", 4);
	hex_encode(raw, sizeof raw, token + 4);
	if (sha256_text(token, hash) == -1 || store_write(vd->store) == -1)
		return req_refuse_kind("unavailable", "database error");
	if ((rc = store_token_add(vd->store, r->name, hash, r->role, r->staff,
	    clock_now())) != 0)
		return rc == 1 ? req_refuse_kind("conflict", "a working token "
		    "is named %s: revoke it first, or choose another name",
		    r->name) : req_refuse_kind("unavailable", "database error");
	explicit_bzero(raw, sizeof raw);
	note_add(vd, LOG_NOTICE, "token %s made for %s%s%s by %s", r->name,
	    r->role, staff ? " " : "", staff ? r->staff : "", o->peer->text);
	return req_ok(json_pack("{s:s, s:s, s:s?, s:s}", "name", r->name,
	    "role", r->role, "staff", r->staff, "token", token));
}

json_t *
req_token_revoke(struct vigild *vd, const struct origin *o, struct request *r)
{
	int rc;

	if (store_write(vd->store) == -1 ||
	    (rc = store_token_revoke(vd->store, r->name, clock_now())) == -1)
		return req_refuse_kind("unavailable", "database error");
	if (rc == 1)
		return req_refuse_kind("not_found", "no working token named %s",
		    r->name);
	note_add(vd, LOG_NOTICE, "token %s revoked by %s", r->name,
	    o->peer->text);
	return req_ok(json_pack("{s:s}", "name", r->name));
}

json_t *
req_tokens(struct vigild *vd, const struct origin *o, struct request *r)
{
	char made[ISO_LEN], gone[ISO_LEN];
	struct store_token *v;
	json_t *rows;
	size_t n;

	(void)o;
	(void)r;
	if (store_tokens(vd->store, &v, &n) == -1)
		return req_refuse_kind("unavailable", "database error");
	rows = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(rows, json_pack("{s:s, s:s, s:s?, s:s, "
		    "s:s?}", "name", v[i].name, "role", v[i].role, "staff",
		    v[i].staff, "created", conf_time(vd->cfg->conf,
		    v[i].created, made, sizeof made), "revoked", v[i].revoked ?
		    conf_time(vd->cfg->conf, v[i].revoked, gone, sizeof gone) :
		    NULL));
		store_token_clear(&v[i]);
	}
	free(v);
	return req_ok(json_pack("{s:o}", "tokens", rows));
}
