/*
 * proto.c: parse and check one request line.  Everything from the socket
 * passes through here before it reaches a case, so the checks are strict:
 * unknown commands and keys, wrong types, bad names and oversized values
 * are all refused with a message saying which.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stddef.h>
#include <string.h>

#include "proto.h"

enum key_type {
	K_REF,			/* a CMS case reference */
	K_NAME,			/* event, workflow, state, deadline, staff id */
	K_TIME,			/* ISO 8601, parsed by the handler */
	K_PATH,			/* a file path */
	K_BOOL,
	K_LIMIT,
	K_ID,			/* a row number */
	K_FIELDS,		/* object of name -> short string */
	K_FLAGS			/* array of names */
};

static const struct proto_key {
	const char *name;
	enum key_type type;
	size_t	 off;
} proto_keys[] = {
	{ "ref", K_REF, offsetof(struct request, ref) },
	{ "event", K_NAME, offsetof(struct request, event) },
	{ "workflow", K_NAME, offsetof(struct request, workflow) },
	{ "officer", K_NAME, offsetof(struct request, officer) },
	{ "risk", K_NAME, offsetof(struct request, risk) },
	{ "deadline", K_NAME, offsetof(struct request, deadline) },
	{ "state", K_NAME, offsetof(struct request, state) },
	{ "by", K_NAME, offsetof(struct request, by) },
	{ "at", K_TIME, offsetof(struct request, at) },
	{ "due_before", K_TIME, offsetof(struct request, due_before) },
	{ "from", K_TIME, offsetof(struct request, from) },
	{ "to", K_TIME, offsetof(struct request, to) },
	{ "group", K_NAME, offsetof(struct request, group) },
	{ "format", K_NAME, offsetof(struct request, format) },
	{ "file", K_PATH, offsetof(struct request, file) },
	{ "overdue", K_BOOL, offsetof(struct request, overdue) },
	{ "all", K_BOOL, offsetof(struct request, all) },
	{ "limit", K_LIMIT, offsetof(struct request, limit) },
	{ "failed", K_BOOL, offsetof(struct request, failed) },
	{ "dry_run", K_BOOL, offsetof(struct request, dry_run) },
	{ "idempotency_key", K_NAME,
	    offsetof(struct request, idempotency_key) },
	{ "name", K_NAME, offsetof(struct request, name) },
	{ "role", K_NAME, offsetof(struct request, role) },
	{ "staff", K_NAME, offsetof(struct request, staff) },
	{ "until", K_TIME, offsetof(struct request, until) },
	{ "cover", K_NAME, offsetof(struct request, cover) },
	{ "back", K_BOOL, offsetof(struct request, back) },
	{ "id", K_ID, offsetof(struct request, id) },
	{ "fields", K_FIELDS, 0 },
	{ "flags", K_FLAGS, 0 },
};

/* Each command's keys; a trailing '!' marks a required one. */
static const struct proto_cmd proto_cmds[] = {
	{ "open", REQ_OPEN,
	    "ref! workflow! officer risk flags fields at by idempotency_key" },
	{ "event", REQ_EVENT, "ref! event! fields at by idempotency_key" },
	{ "ack", REQ_ACK, "ref! deadline at by idempotency_key" },
	{ "migrate", REQ_MIGRATE, "ref all workflow! by idempotency_key" },
	{ "show", REQ_SHOW, "ref!" },
	{ "list", REQ_LIST, "overdue due_before officer state limit" },
	{ "status", REQ_STATUS, "" },
	{ "reload", REQ_RELOAD, "" },
	{ "audit-verify", REQ_AUDIT_VERIFY, "" },
	{ "outbox", REQ_OUTBOX, "failed limit" },
	{ "outbox-retry", REQ_OUTBOX_RETRY, "id!" },
	{ "backup", REQ_BACKUP, "file" },
	{ "purge", REQ_PURGE, "dry_run" },
	{ "token-create", REQ_TOKEN_CREATE, "name! role! staff" },
	{ "token-revoke", REQ_TOKEN_REVOKE, "name!" },
	{ "tokens", REQ_TOKENS, "" },
	{ "report", REQ_REPORT, "from! to! group format" },
	{ "away", REQ_AWAY, "staff from until cover back by" },
};

/* A field value: short, printable, no control characters. */
static int
value_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > PROTO_VALUE_MAX)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

const struct proto_cmd *
proto_cmd_find(const char *name)
{
	for (size_t i = 0; i < nitems(proto_cmds); i++)
		if (strcmp(name, proto_cmds[i].name) == 0)
			return &proto_cmds[i];
	return NULL;
}

/*
 * Whether key is in the command's list and, if required is not NULL,
 * whether it is required.
 */
int
proto_cmd_takes(const struct proto_cmd *c, const char *key, int *required)
{
	size_t n = strlen(key);

	for (const char *p = c->keys; (p = strstr(p, key)) != NULL; p += n) {
		if ((p == c->keys || p[-1] == ' ') &&
		    (p[n] == ' ' || p[n] == '\0' || p[n] == '!')) {
			if (required != NULL)
				*required = p[n] == '!';
			return 1;
		}
	}
	return 0;
}

/* The first key of obj but "cmd" that the command does not take, or NULL. */
const char *
proto_cmd_stray(const struct proto_cmd *c, json_t *obj)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v)
		if (strcmp(key, "cmd") != 0 && !proto_cmd_takes(c, key, NULL))
			return key;
	return NULL;
}

/*
 * The first key the command requires that obj lacks, or NULL.  It walks
 * the command's own keys, not every key there is: this runs per request.
 */
const char *
proto_cmd_lacks(const struct proto_cmd *c, json_t *obj)
{
	for (const char *p = c->keys, *end; *p != '\0'; p = end) {
		size_t n;

		p += strspn(p, " ");
		end = p + strcspn(p, " ");
		if (end == p || end[-1] != '!')
			continue;
		n = (size_t)(end - p) - 1;
		for (size_t i = 0; i < nitems(proto_keys); i++) {
			const char *name = proto_keys[i].name;

			if (strncmp(name, p, n) == 0 && name[n] == '\0' &&
			    json_object_get(obj, name) == NULL)
				return name;
		}
	}
	return NULL;
}

static int
take_fields(struct request *r, json_t *v, char *err, size_t errlen)
{
	const char *k;
	json_t *x;

	if (!json_is_object(v)) {
		snprintf(err, errlen, "\"fields\" must be an object");
		return -1;
	}
	json_object_foreach(v, k, x) {
		if (!valid_name(k)) {
			snprintf(err, errlen, "bad field name \"%.64s\"", k);
			return -1;
		}
		if (!json_is_string(x) || !value_ok(json_string_value(x))) {
			snprintf(err, errlen, "field %s: the value must be 1-%d "
			    "printable characters", k, PROTO_VALUE_MAX);
			return -1;
		}
		if (r->nfields == PROTO_MAX_FIELDS) {
			snprintf(err, errlen, "too many fields (at most %d)",
			    PROTO_MAX_FIELDS);
			return -1;
		}
		r->fields[r->nfields].key = (char *)(uintptr_t)k;
		r->fields[r->nfields++].value =
		    (char *)(uintptr_t)json_string_value(x);
	}
	return 0;
}

static int
take_flags(struct request *r, json_t *v, char *err, size_t errlen)
{
	size_t i;
	json_t *x;

	if (!json_is_array(v)) {
		snprintf(err, errlen, "\"flags\" must be an array");
		return -1;
	}
	json_array_foreach(v, i, x) {
		if (!json_is_string(x) || !valid_name(json_string_value(x))) {
			snprintf(err, errlen, "bad flag: use letters, digits, "
			    "'.', '_' and '-'");
			return -1;
		}
		if (r->nflags == PROTO_MAX_FIELDS) {
			snprintf(err, errlen, "too many flags");
			return -1;
		}
		r->flags[r->nflags++] = json_string_value(x);
	}
	return 0;
}

static int
take(struct request *r, const struct proto_key *k, json_t *v, char *err,
    size_t errlen)
{
	void *dst = (char *)r + k->off;
	const char *s;

	switch (k->type) {
	case K_FIELDS:
		return take_fields(r, v, err, errlen);
	case K_FLAGS:
		return take_flags(r, v, err, errlen);
	case K_BOOL:
		if (!json_is_boolean(v))
			goto type;
		*(int *)dst = json_is_true(v);
		return 0;
	case K_LIMIT:
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > 100000) {
			snprintf(err, errlen, "\"limit\" must be 1-100000");
			return -1;
		}
		*(json_int_t *)dst = json_integer_value(v);
		return 0;
	case K_ID:
		if (!json_is_integer(v) || json_integer_value(v) < 1) {
			snprintf(err, errlen, "\"%s\" must be a positive whole "
			    "number", k->name);
			return -1;
		}
		*(json_int_t *)dst = json_integer_value(v);
		return 0;
	default:
		break;
	}
	if (!json_is_string(v))
		goto type;
	s = json_string_value(v);
	if ((k->type == K_REF && !valid_ref(s)) ||
	    (k->type == K_NAME && !valid_name(s)) ||
	    (k->type == K_TIME && (strlen(s) == 0 || strlen(s) > 40)) ||
	    (k->type == K_PATH && !value_ok(s))) {
		if (k->type == K_REF)
			snprintf(err, errlen, "bad case reference \"%.64s\": "
			    VALID_REF_RULE, s);
		else if (k->type == K_NAME)
			snprintf(err, errlen, "bad %s \"%.64s\": 1-%d characters "
			    "of A-Z a-z 0-9 . _ -", k->name, s, VALID_NAME_MAX);
		else if (k->type == K_PATH)
			snprintf(err, errlen, "bad %s: 1-%d printable characters",
			    k->name, PROTO_VALUE_MAX);
		else
			snprintf(err, errlen, "bad %s: expected an ISO 8601 time",
			    k->name);
		return -1;
	}
	*(const char **)dst = s;
	return 0;
type:
	snprintf(err, errlen, "\"%s\" has the wrong type", k->name);
	return -1;
}

int
proto_parse(const char *line, size_t len, struct request *r, char *err,
    size_t errlen)
{
	const struct proto_cmd *c;
	json_error_t jerr;
	const char *key, *cmd;
	json_t *v;

	memset(r, 0, sizeof *r);
	if (len > PROTO_MAX_LINE) {
		snprintf(err, errlen, "request too large (limit %d bytes)",
		    PROTO_MAX_LINE);
		return -1;
	}
	r->root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (r->root == NULL) {
		snprintf(err, errlen, "malformed request: %s", jerr.text);
		return -1;
	}
	if (!json_is_object(r->root) ||
	    !json_is_string(json_object_get(r->root, "cmd"))) {
		snprintf(err, errlen, "malformed request: expected an object "
		    "with \"cmd\"");
		goto fail;
	}
	cmd = json_string_value(json_object_get(r->root, "cmd"));
	if ((c = proto_cmd_find(cmd)) == NULL) {
		snprintf(err, errlen, "unknown command \"%.32s\"", cmd);
		goto fail;
	}
	r->kind = c->kind;
	r->cmd = c->name;
	json_object_foreach(r->root, key, v) {
		const struct proto_key *k = NULL;

		if (strcmp(key, "cmd") == 0)
			continue;
		for (size_t i = 0; i < nitems(proto_keys); i++)
			if (strcmp(key, proto_keys[i].name) == 0)
				k = &proto_keys[i];
		if (k == NULL || !proto_cmd_takes(c, key, NULL)) {
			snprintf(err, errlen, "%s does not take \"%.32s\"",
			    c->name, key);
			goto fail;
		}
		if (take(r, k, v, err, errlen) == -1)
			goto fail;
	}
	if ((key = proto_cmd_lacks(c, r->root)) != NULL) {
		snprintf(err, errlen, "%s needs \"%s\"", c->name, key);
		goto fail;
	}
	if (r->kind == REQ_MIGRATE && (r->ref == NULL) == (r->all == 0)) {
		snprintf(err, errlen, "migrate needs a case reference or "
		    "\"all\", not both");
		goto fail;
	}
	/* Listing, a return, or an absence: its end and cover, not both. */
	if (r->kind == REQ_AWAY && (r->staff == NULL ? r->until || r->cover ||
	    r->from || r->back : r->back ? r->until || r->cover || r->from :
	    !r->until || !r->cover)) {
		snprintf(err, errlen, "away takes nothing (a list), staff and "
		    "back, or staff, until and cover (and from)");
		goto fail;
	}
	return 0;
fail:
	proto_free(r);
	return -1;
}

void
proto_free(struct request *r)
{
	json_decref(r->root);
	r->root = NULL;
}
