/*
 * ctl-admin.c: vigilctl reload, audit verify, outbox retry, backup and
 * purge: the administrators' commands.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"

static void
print_reloaded(json_t *res)
{
	(void)res;
	printf("reloaded\n");
}

static void
print_audit(json_t *res)
{
	printf("audit chain intact: %lld events, head %s\n",
	    (long long)json_integer_value(json_object_get(res, "events")),
	    json_string_value(json_object_get(res, "head")));
}

static int
cmd_reload(const struct ctl_cmd *self, struct ctl *ctl, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return ctl_usage(ctl, self);
	return ctl_call(ctl, ctl_req(self), print_reloaded);
}

static int
cmd_audit_verify(const struct ctl_cmd *self, struct ctl *ctl, int argc,
    char **argv)
{
	(void)argv;
	if (argc != 1)
		return ctl_usage(ctl, self);
	return ctl_call(ctl, ctl_req(self), print_audit);
}

static void
print_retried(json_t *res)
{
	printf("message %lld queued again\n",
	    (long long)json_integer_value(json_object_get(res, "id")));
}

static int
cmd_outbox_retry(const struct ctl_cmd *self, struct ctl *ctl, int argc,
    char **argv)
{
	json_t *req;
	char *end;
	long long id;

	if (argc != 2 || (id = strtoll(argv[1], &end, 10)) < 1 || *end != '\0')
		return ctl_usage(ctl, self);
	req = ctl_req(self);
	json_object_set_new(req, "id", json_integer((json_int_t)id));
	return ctl_call(ctl, req, print_retried);
}

static void
print_backup(json_t *res)
{
	json_int_t removed = json_integer_value(json_object_get(res,
	    "removed"));

	printf("backup written to %s in %.2f s",
	    json_string_value(json_object_get(res, "file")),
	    json_real_value(json_object_get(res, "seconds")));
	if (removed > 0)
		printf("; %lld older removed", (long long)removed);
	printf("\n");
}

/* A name in vigild's backups folder, or one made from the time. */
static int
cmd_backup(const struct ctl_cmd *self, struct ctl *ctl, int argc, char **argv)
{
	json_t *req;

	if (argc > 2)
		return ctl_usage(ctl, self);
	req = ctl_req(self);
	if (argc == 2)
		json_object_set_new(req, "file", json_string(argv[1]));
	return ctl_call(ctl, req, print_backup);
}

static void
print_purge(json_t *res)
{
	json_int_t n = json_integer_value(json_object_get(res, "cases"));
	const char *oldest = json_string_value(json_object_get(res,
	    "oldest_closed"));

	if (json_is_true(json_object_get(res, "dry_run"))) {
		printf("%lld closed case%s would be purged (closed before %s)",
		    (long long)n, n == 1 ? "" : "s", json_string_value(
		    json_object_get(res, "closed_before")));
		if (oldest != NULL)
			printf("; the oldest closed %s", oldest);
		printf("\n");
	} else
		printf("%lld closed case%s purged (closed before %s)%s\n",
		    (long long)n, n == 1 ? "" : "s", json_string_value(
		    json_object_get(res, "closed_before")), n > 0 ?
		    ", recorded in the event log" : "");
}

/* Closed cases past [daemon] retention; --dry-run only counts them. */
static int
cmd_purge(const struct ctl_cmd *self, struct ctl *ctl, int argc, char **argv)
{
	json_t *req;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "--dry-run") != 0))
		return ctl_usage(ctl, self);
	req = ctl_req(self);
	if (argc == 2)
		json_object_set_new(req, "dry_run", json_true());
	return ctl_call(ctl, req, print_purge);
}

static void
print_token(json_t *res)
{
	printf("token %s (%s%s%s): %s\n"
	    "It is shown only now: give it to its client, which sends it as\n"
	    "\"Authorization: Bearer TOKEN\".  vigil keeps only its hash.\n",
	    json_string_value(json_object_get(res, "name")),
	    json_string_value(json_object_get(res, "role")),
	    json_is_string(json_object_get(res, "staff")) ? " " : "",
	    json_is_string(json_object_get(res, "staff")) ?
	    json_string_value(json_object_get(res, "staff")) : "",
	    json_string_value(json_object_get(res, "token")));
}

/* token create NAME --role relay|admin|staff [--staff ID] */
static int
cmd_token_create(const struct ctl_cmd *self, struct ctl *ctl, int argc,
    char **argv)
{
	const char *role = NULL, *staff = NULL;
	json_t *req;
	int i;

	if (argc < 2 || argv[1][0] == '-')
		return ctl_usage(ctl, self);
	for (i = 2; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--role") == 0)
			role = argv[i + 1];
		else if (strcmp(argv[i], "--staff") == 0)
			staff = argv[i + 1];
		else
			break;
	}
	if (i != argc || role == NULL)
		return ctl_usage(ctl, self);
	req = ctl_req(self);
	json_object_set_new(req, "name", json_string(argv[1]));
	json_object_set_new(req, "role", json_string(role));
	if (staff != NULL)
		json_object_set_new(req, "staff", json_string(staff));
	return ctl_call(ctl, req, print_token);
}

static void
print_revoked(json_t *res)
{
	printf("token %s revoked\n", json_string_value(json_object_get(res,
	    "name")));
}

static int
cmd_token_revoke(const struct ctl_cmd *self, struct ctl *ctl, int argc,
    char **argv)
{
	json_t *req;

	if (argc != 2)
		return ctl_usage(ctl, self);
	req = ctl_req(self);
	json_object_set_new(req, "name", json_string(argv[1]));
	return ctl_call(ctl, req, print_revoked);
}

static void
print_tokens(json_t *res)
{
	json_t *t;
	size_t i;

	printf("%-20s %-6s %-16s %-25s %s\n", "NAME", "ROLE", "STAFF",
	    "CREATED", "REVOKED");
	json_array_foreach(json_object_get(res, "tokens"), i, t)
		printf("%-20s %-6s %-16s %-25s %s\n",
		    json_string_value(json_object_get(t, "name")),
		    json_string_value(json_object_get(t, "role")),
		    json_is_string(json_object_get(t, "staff")) ?
		    json_string_value(json_object_get(t, "staff")) : "-",
		    json_string_value(json_object_get(t, "created")),
		    json_is_string(json_object_get(t, "revoked")) ?
		    json_string_value(json_object_get(t, "revoked")) : "-");
}

static int
cmd_tokens(const struct ctl_cmd *self, struct ctl *ctl, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return ctl_usage(ctl, self);
	return ctl_call(ctl, ctl_req(self), print_tokens);
}

const struct ctl_cmd ctl_admin_cmds[] = {
	{ "reload", "", "reload", cmd_reload },
	{ "audit verify", "", "audit-verify", cmd_audit_verify },
	{ "outbox retry", "ID", "outbox-retry", cmd_outbox_retry },
	{ "backup", "[NAME]", "backup", cmd_backup },
	{ "purge", "[--dry-run]", "purge", cmd_purge },
	{ "token create", "NAME --role relay|admin|staff [--staff ID]",
	    "token-create", cmd_token_create },
	{ "token revoke", "NAME", "token-revoke", cmd_token_revoke },
	{ "tokens", "", "tokens", cmd_tokens },
	{ NULL, NULL, NULL, NULL }
};
