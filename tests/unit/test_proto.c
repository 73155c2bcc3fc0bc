/*
 * test_proto.c: the control protocol's request parser: what it accepts, and
 * that every kind of bad request is refused with a message saying why.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <string.h>

#include "unit.h"
#include "ctl.h"
#include "proto.h"

static int
parse(const char *line, struct request *r, char *err, size_t errlen)
{
	return proto_parse(line, strlen(line), r, err, errlen);
}

/* The request is refused and the message mentions want. */
static void
refused(const char *line, const char *want)
{
	struct request r;
	char err[512];

	ck_assert_msg(parse(line, &r, err, sizeof err) == -1,
	    "accepted: %s", line);
	ck_assert_msg(strstr(err, want) != NULL, "%s: error \"%s\" lacks \"%s\"",
	    line, err, want);
	ck_assert_ptr_null(r.root);
}

START_TEST(test_open_full)
{
	struct request r;
	char err[256];

	ck_assert_int_eq(parse("{\"cmd\":\"open\",\"ref\":\"HX/2026/0042\","
	    "\"workflow\":\"domestic-abuse\",\"officer\":\"jsmith\","
	    "\"risk\":\"high\",\"flags\":[\"immediate-risk\",\"joint-tenancy\"],"
	    "\"fields\":{\"team\":\"north\"},\"at\":\"2026-04-01T09:00\","
	    "\"by\":\"jsmith\"}", &r, err, sizeof err), 0);
	ck_assert_int_eq(r.kind, REQ_OPEN);
	ck_assert_str_eq(r.ref, "HX/2026/0042");
	ck_assert_str_eq(r.workflow, "domestic-abuse");
	ck_assert_str_eq(r.officer, "jsmith");
	ck_assert_str_eq(r.risk, "high");
	ck_assert_uint_eq(r.nflags, 2);
	ck_assert_str_eq(r.flags[1], "joint-tenancy");
	ck_assert_uint_eq(r.nfields, 1);
	ck_assert_str_eq(r.fields[0].key, "team");
	ck_assert_str_eq(r.fields[0].value, "north");
	ck_assert_str_eq(r.at, "2026-04-01T09:00");
	proto_free(&r);
}
END_TEST

START_TEST(test_each_command)
{
	static const char *const ok[] = {
		"{\"cmd\":\"event\",\"ref\":\"A\",\"event\":\"contact-made\"}",
		"{\"cmd\":\"ack\",\"ref\":\"A\",\"by\":\"mgr1\"}",
		"{\"cmd\":\"ack\",\"ref\":\"A\",\"deadline\":\"dash\",\"by\":\"m\"}",
		"{\"cmd\":\"migrate\",\"ref\":\"A\",\"workflow\":\"w\"}",
		"{\"cmd\":\"migrate\",\"all\":true,\"workflow\":\"w\"}",
		"{\"cmd\":\"show\",\"ref\":\"A\"}",
		"{\"cmd\":\"list\"}",
		"{\"cmd\":\"list\",\"overdue\":true,\"officer\":\"x\",\"limit\":5}",
		"{\"cmd\":\"status\"}",
		"{\"cmd\":\"reload\"}",
		"{\"cmd\":\"audit-verify\"}",
	};
	struct request r;
	char err[256];

	for (size_t i = 0; i < nitems(ok); i++) {
		ck_assert_msg(parse(ok[i], &r, err, sizeof err) == 0, "%s: %s",
		    ok[i], err);
		proto_free(&r);
	}
}
END_TEST

START_TEST(test_malformed)
{
	refused("", "malformed");
	refused("{", "malformed");
	refused("[1,2]", "expected an object");
	refused("{\"ref\":\"A\"}", "expected an object with \"cmd\"");
	refused("{\"cmd\":42}", "\"cmd\"");
	refused("{\"cmd\":\"delete-everything\"}", "unknown command");
	refused("{\"cmd\":\"show\",\"ref\":\"A\",\"ref\":\"B\"}", "malformed");
}
END_TEST

START_TEST(test_keys)
{
	refused("{\"cmd\":\"show\"}", "show needs \"ref\"");
	refused("{\"cmd\":\"open\",\"ref\":\"A\"}", "open needs \"workflow\"");
	refused("{\"cmd\":\"event\",\"ref\":\"A\"}", "event needs \"event\"");
	refused("{\"cmd\":\"ack\",\"deadline\":\"d\"}", "ack needs \"ref\"");
	/* Several missing: the first in the command's own order. */
	refused("{\"cmd\":\"open\"}", "open needs \"ref\"");
	refused("{\"cmd\":\"event\"}", "event needs \"ref\"");
	refused("{\"cmd\":\"show\",\"ref\":\"A\",\"officer\":\"x\"}",
	    "show does not take \"officer\"");
	refused("{\"cmd\":\"show\",\"ref\":\"A\",\"name\":\"x\"}",
	    "does not take \"name\"");
	refused("{\"cmd\":\"status\",\"all\":true}", "does not take");
	refused("{\"cmd\":\"migrate\",\"workflow\":\"w\"}", "not both");
	refused("{\"cmd\":\"migrate\",\"ref\":\"A\",\"all\":true,"
	    "\"workflow\":\"w\"}", "not both");
}
END_TEST

START_TEST(test_values)
{
	refused("{\"cmd\":\"show\",\"ref\":\"\"}", "bad case reference");
	refused("{\"cmd\":\"show\",\"ref\":\"A B\"}", "bad case reference");
	refused("{\"cmd\":\"show\",\"ref\":\"Mrs Smith's case\"}",
	    "bad case reference");
	refused("{\"cmd\":\"show\",\"ref\":\"0123456789012345678901234567890"
	    "12345678901234567890123456789012345\"}", "bad case reference");
	refused("{\"cmd\":\"show\",\"ref\":\"HX/1/\"}", "bad case reference");
	refused("{\"cmd\":\"show\",\"ref\":\"HX/events\"}",
	    "not ending in /, /events or /ack");
	refused("{\"cmd\":\"show\",\"ref\":\"HX/1/ack\"}",
	    "bad case reference");
	refused("{\"cmd\":\"show\",\"ref\":7}", "wrong type");
	refused("{\"cmd\":\"event\",\"ref\":\"A\",\"event\":\"x;y\"}",
	    "bad event");
	refused("{\"cmd\":\"event\",\"ref\":\"A\",\"event\":\"e\","
	    "\"fields\":[1]}", "\"fields\" must be an object");
	refused("{\"cmd\":\"event\",\"ref\":\"A\",\"event\":\"e\","
	    "\"fields\":{\"score\":14}}", "field score");
	refused("{\"cmd\":\"event\",\"ref\":\"A\",\"event\":\"e\","
	    "\"fields\":{\"a b\":\"1\"}}", "bad field name");
	refused("{\"cmd\":\"event\",\"ref\":\"A\",\"event\":\"e\","
	    "\"fields\":{\"x\":\"line\\nbreak\"}}", "printable");
	refused("{\"cmd\":\"event\",\"ref\":\"A\",\"event\":\"e\","
	    "\"fields\":{\"x\":\"\"}}", "field x");
	refused("{\"cmd\":\"open\",\"ref\":\"A\",\"workflow\":\"w\","
	    "\"flags\":\"one\"}", "\"flags\" must be an array");
	refused("{\"cmd\":\"open\",\"ref\":\"A\",\"workflow\":\"w\","
	    "\"flags\":[\"has space\"]}", "bad flag");
	refused("{\"cmd\":\"list\",\"overdue\":\"yes\"}", "wrong type");
	refused("{\"cmd\":\"list\",\"limit\":0}", "limit");
	refused("{\"cmd\":\"event\",\"ref\":\"A\",\"event\":\"e\",\"at\":\"\"}",
	    "ISO 8601");
}
END_TEST

START_TEST(test_too_large)
{
	size_t n = PROTO_MAX_LINE + 100;
	char *big = malloc(n + 1), err[256];
	struct request r;

	memset(big, ' ', n);
	memcpy(big, "{\"cmd\":\"status\"}", 16);
	big[n] = '\0';
	ck_assert_int_eq(proto_parse(big, n, &r, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "too large"));
	free(big);
}
END_TEST

START_TEST(test_too_many_fields)
{
	char line[8192], *p = line;
	struct request r;
	char err[256];

	p += sprintf(p, "{\"cmd\":\"event\",\"ref\":\"A\",\"event\":\"e\","
	    "\"fields\":{");
	for (int i = 0; i <= PROTO_MAX_FIELDS; i++)
		p += sprintf(p, "%s\"f%d\":\"v\"", i ? "," : "", i);
	sprintf(p, "}}");
	ck_assert_int_eq(parse(line, &r, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "too many fields"));
}
END_TEST

/*
 * vigilctl builds its requests from the protocol's tables.  Each command
 * that talks to vigild runs here with every option it has, against a
 * socket that is not there: ctl_request() stops the program on a key the
 * protocol command does not take, before it tries to connect.
 */
static const struct {
	const char *name;	/* the vigilctl command */
	const char *argv[20];	/* argv[0] is the last word of the name */
} ctl_runs[] = {
	{ "open", { "open", "A", "--workflow", "w", "--officer", "o",
	    "--risk", "high", "--flag", "f", "--set", "k=v", "--at", "t",
	    "--by", "b" } },
	{ "event", { "event", "A", "e", "--set", "k=v", "--at", "t",
	    "--by", "b" } },
	{ "ack", { "ack", "A", "d", "--by", "b", "--at", "t" } },
	{ "migrate", { "migrate", "A", "--workflow", "w", "--by", "b" } },
	{ "migrate", { "migrate", "--all", "--workflow", "w" } },
	{ "show", { "show", "A" } },
	{ "list", { "list", "--overdue", "--due-before", "t", "--officer",
	    "o", "--state", "s", "--limit", "5" } },
	{ "status", { "status" } },
	{ "outbox", { "outbox", "--failed" } },
	{ "reload", { "reload" } },
	{ "audit verify", { "verify" } },
	{ "outbox retry", { "retry", "5" } },
	{ "backup", { "backup", "b.db" } },
	{ "purge", { "purge", "--dry-run" } },
	{ "token create", { "create", "cms", "--role", "relay" } },
	{ "token revoke", { "revoke", "cms" } },
	{ "tokens", { "tokens" } },
	{ "report", { "report", "--from", "2026-01", "--to", "2026-02",
	    "--by", "team", "--format", "html" } },
	{ "away", { "away", "jo", "--until", "t", "--cover", "sam", "--from",
	    "f", "--by", "b" } },
	{ "away", { "away", "jo", "--back" } },
	{ "away", { "away" } },
};

static const struct ctl_cmd *
ctl_row(const char *name)
{
	for (const struct ctl_cmd *const *t = ctl_tables; *t; t++)
		for (const struct ctl_cmd *c = *t; c->name; c++)
			if (strcmp(c->name, name) == 0)
				return c;
	return NULL;
}

START_TEST(test_ctl_commands)
{
	for (const struct ctl_cmd *const *t = ctl_tables; *t; t++) {
		for (const struct ctl_cmd *c = *t; c->name; c++) {
			size_t i;

			if (c->proto == NULL)
				continue;
			ck_assert_msg(proto_cmd_find(c->proto) != NULL,
			    "vigilctl %s sends \"%s\", not a protocol command",
			    c->name, c->proto);
			for (i = 0; i < nitems(ctl_runs); i++)
				if (strcmp(ctl_runs[i].name, c->name) == 0)
					break;
			ck_assert_msg(i < nitems(ctl_runs),
			    "vigilctl %s: no run in ctl_runs", c->name);
		}
	}
}
END_TEST

START_TEST(test_ctl_keys)
{
	const struct ctl_cmd *c = ctl_row(ctl_runs[_i].name);
	struct ctl ctl = { .socket_path = "/nonexistent/vigil.sock" };
	char *argv[nitems(ctl_runs[0].argv)];
	int argc;

	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_nonnull(c->proto);
	/* getopt reorders argv and --set edits its argument. */
	for (argc = 0; ctl_runs[_i].argv[argc] != NULL; argc++)
		argv[argc] = xstrdup(ctl_runs[_i].argv[argc]);
	argv[argc] = NULL;
	ck_assert_int_eq(c->exec(c, &ctl, argc, argv), CTL_UNREACHABLE);
	while (argc > 0)
		free(argv[--argc]);
}
END_TEST

START_TEST(test_cmd_takes)
{
	const struct proto_cmd *ack = proto_cmd_find("ack");
	int required;

	ck_assert_ptr_null(proto_cmd_find("delete-everything"));
	ck_assert_ptr_nonnull(ack);
	ck_assert(proto_cmd_takes(ack, "ref", &required) && required);
	ck_assert(proto_cmd_takes(ack, "by", &required) && !required);
	ck_assert(proto_cmd_takes(ack, "deadline", &required) && !required);
	ck_assert(!proto_cmd_takes(ack, "dead", NULL));
	ck_assert(!proto_cmd_takes(ack, "workflow", NULL));
}
END_TEST

static Suite *
proto_suite(void)
{
	Suite *s = suite_create("proto");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_open_full);
	tcase_add_test(tc, test_each_command);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_keys);
	tcase_add_test(tc, test_values);
	tcase_add_test(tc, test_too_large);
	tcase_add_test(tc, test_too_many_fields);
	tcase_add_test(tc, test_cmd_takes);
	suite_add_tcase(s, tc);
	tc = tcase_create("vigilctl");
	tcase_add_test(tc, test_ctl_commands);
	tcase_add_loop_test(tc, test_ctl_keys, 0, nitems(ctl_runs));
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(proto_suite)
