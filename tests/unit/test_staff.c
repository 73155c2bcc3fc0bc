/*
 * test_staff.c: the staff directory, the shipped example and every way a
 * staff.ini can be wrong (each reported at its line).
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <string.h>

#include "unit.h"
#include "addr.h"
#include "staff.h"

/* The groups every valid directory needs, to append to a fixture. */
#define GROUPS \
	"[group fallback]\nemail = duty@example.org\n" \
	"[group admins]\nemail = admins@example.org\n"

static struct staff *
load(const char *text, struct diag *dg)
{
	return staff_load_buffer("staff.ini", text, strlen(text), dg);
}

static void
dump(const struct diag *dg)
{
	diag_print(dg, stderr);
}

START_TEST(test_example)
{
	struct diag dg = { 0 };
	char *path = xasprintf("%s/conf/staff.ini", unit_srcdir());
	struct staff *st = staff_load(path, &dg);
	const struct staff_person *jo, *sam;
	const struct staff_group *g;

	dump(&dg);
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(dg.n, 0);
	jo = staff_find(st, "jo.bloggs");
	ck_assert_ptr_nonnull(jo);
	ck_assert_str_eq(jo->name, "Jo Bloggs");
	ck_assert_int_eq(jo->role, ROLE_OFFICER);
	ck_assert_str_eq(jo->mobile, "+447700900123");
	sam = staff_manager(jo, 1);
	ck_assert_ptr_nonnull(sam);
	ck_assert_str_eq(sam->id, "sam.patel");
	ck_assert_str_eq(staff_manager(jo, 2)->id, "hos.morgan");
	ck_assert_ptr_null(staff_manager(jo, 3));
	ck_assert_ptr_eq(staff_manager(jo, 0), jo);
	ck_assert_ptr_eq(staff_find_unix(st, "jbloggs"), jo);
	ck_assert_ptr_null(staff_find_unix(st, "nobody"));
	ck_assert_ptr_null(staff_find(st, "nobody"));
	ck_assert_ptr_null(staff_find(st, "JO.BLOGGS"));
	g = staff_group(st, STAFF_FALLBACK);
	ck_assert_ptr_nonnull(g);
	ck_assert_str_eq(g->email, "duty-managers@example.org");
	ck_assert_int_eq(g->nmembers, 2);
	ck_assert_str_eq(g->members[0]->id, "sam.patel");
	ck_assert_ptr_nonnull(staff_group(st, STAFF_ADMINS));
	ck_assert_ptr_null(staff_group(st, "nobody"));
	ck_assert_int_eq(staff_count(st), 6);
	ck_assert_int_eq(staff_group_count(st), 2);
	/* Fictional: example.org and Ofcom's drama range only. */
	for (size_t i = 0; i < staff_count(st); i++) {
		const struct staff_person *sp = staff_get(st, i);

		ck_assert_ptr_nonnull(strstr(sp->email, "@example.org"));
		ck_assert(sp->mobile == NULL ||
		    strncmp(sp->mobile, "+447700900", 10) == 0);
	}
	staff_free(st);
	free(path);
}
END_TEST

START_TEST(test_forward_references)
{
	struct diag dg = { 0 };
	struct staff *st = load(
	    "[a]\nname = A\nrole = officer\nemail = a@example.org\n"
	    "manager = b\n"
	    "[b]\nname = B\nrole = manager\nemail = b@example.org\n"
	    GROUPS, &dg);

	dump(&dg);
	ck_assert_ptr_nonnull(st);
	ck_assert_str_eq(staff_find(st, "a")->manager->id, "b");
	ck_assert_int_eq(staff_find(st, "a")->manager_line, 5);
	staff_free(st);
}
END_TEST

START_TEST(test_errors)
{
	struct diag dg = { 0 };
	struct staff *st = load(
	    "orphan = 1\n"					/* 1 */
	    "[a]\n"						/* 2 */
	    "name = A\nrole = boss\nemail = not-an-address\n"	/* 3-5 */
	    "mobile = 07700900123\nmanager = nobody\n"		/* 6-7 */
	    "colour = blue\nname = again\n"			/* 8-9 */
	    "[b]\n"						/* 10 */
	    "role = officer\n"					/* 11 */
	    "[a]\nname = A2\nrole = officer\nemail = a2@example.org\n" /* 12 */
	    "[bad id!]\nname = X\nrole = officer\nemail = x@example.org\n" /* 16 */
	    "[c]\nname = C\nrole = officer\nemail = c@example.org\n" /* 20 */
	    "unix_user = shared\n"				/* 24 */
	    "[d]\nname = D\nrole = officer\nemail = d@example.org\n" /* 25 */
	    "unix_user = shared\n"				/* 29 */
	    "[e]\nname = E\nrole = officer\nemail = e@example.org\n" /* 30 */
	    "unix_user = Bad User\nmobile =\n"			/* 34-35 */
	    "[group fallback]\n"				/* 36 */
	    "[group admins]\nmembers = e, nobody, e\n"		/* 37-38 */
	    "email = a..b@example.org\n"			/* 39 */
	    "[group fallback]\nemail = f@example.org\n",	/* 40 */
	    &dg);

	dump(&dg);
	ck_assert_ptr_null(st);
	ck_assert(udiag_has(&dg, 1, "outside any section"));
	ck_assert(udiag_has(&dg, 4, "unknown role \"boss\""));
	ck_assert(udiag_has(&dg, 5, "not an email address"));
	ck_assert(udiag_has(&dg, 6, "E.164"));
	ck_assert(udiag_has(&dg, 7,
	    "manager \"nobody\" is not in the directory"));
	ck_assert(udiag_has(&dg, 8, "unknown setting \"colour\""));
	ck_assert(udiag_has(&dg, 9, "set twice"));
	ck_assert(udiag_has(&dg, 10, "has no name"));
	ck_assert(udiag_has(&dg, 10, "has no email"));
	ck_assert(udiag_has(&dg, 12, "a is already defined at line 2"));
	ck_assert(udiag_has(&dg, 16, "not a person id"));
	ck_assert(udiag_has(&dg, 25, "same unix_user shared"));
	ck_assert(udiag_has(&dg, 34, "not a Unix user name"));
	ck_assert(udiag_has(&dg, 35, "needs a value"));
	ck_assert(udiag_has(&dg, 36, "reaches no one"));
	ck_assert(udiag_has(&dg, 38, "no person \"nobody\""));
	ck_assert(udiag_has(&dg, 38, "e is listed twice"));
	ck_assert(udiag_has(&dg, 39, "not an email address"));
	ck_assert(udiag_has(&dg, 40,
	    "group fallback is already defined at line 36"));
	diag_clear(&dg);
}
END_TEST

START_TEST(test_case_only_duplicate)
{
	struct diag dg = { 0 };
	struct staff *st = load(
	    "[Jo]\nname = A\nrole = officer\nemail = a@example.org\n"
	    "[jo]\nname = B\nrole = officer\nemail = b@example.org\n"
	    GROUPS, &dg);

	ck_assert_ptr_null(st);
	ck_assert(udiag_has(&dg, 5, "differ only in case"));
	diag_clear(&dg);
}
END_TEST

START_TEST(test_cycles)
{
	struct diag dg = { 0 };
	struct staff *st = load(
	    "[self]\nname = S\nrole = manager\nemail = s@example.org\n"
	    "manager = self\n"					/* 1-5 */
	    "[x]\nname = X\nrole = manager\nemail = x@example.org\n"
	    "manager = y\n"					/* 6-10 */
	    "[y]\nname = Y\nrole = manager\nemail = y@example.org\n"
	    "manager = z\n"					/* 11-15 */
	    "[z]\nname = Z\nrole = manager\nemail = z@example.org\n"
	    "manager = x\n"					/* 16-20 */
	    "[w]\nname = W\nrole = officer\nemail = w@example.org\n"
	    "manager = x\n"					/* into the cycle */
	    GROUPS, &dg);

	dump(&dg);
	ck_assert_ptr_null(st);
	ck_assert_int_eq(dg.n, 2);
	ck_assert(udiag_has(&dg, 1, "circle: self -> self"));
	ck_assert(udiag_has(&dg, 6, "circle: x -> y -> z -> x"));
	diag_clear(&dg);
}
END_TEST

START_TEST(test_long_cycle)
{
	struct diag dg = { 0 };
	char *text = xstrdup(GROUPS), *t;
	struct staff *st;

	for (int i = 0; i < 50; i++) {
		t = xasprintf("%s[p%d]\nname = P\nrole = manager\n"
		    "email = p%d@example.org\nmanager = p%d\n", text, i, i,
		    (i + 1) % 50);
		free(text);
		text = t;
	}
	st = load(text, &dg);
	ck_assert_ptr_null(st);
	ck_assert_int_eq(dg.n, 1);
	ck_assert(udiag_has(&dg, 5, "p0 -> p1 -> "));
	ck_assert(udiag_has(&dg, 5, "-> ... -> p48 -> p49 -> p0"));
	diag_clear(&dg);
	free(text);
}
END_TEST

START_TEST(test_required_groups)
{
	struct diag dg = { 0 };
	struct staff *st = load(
	    "[a]\nname = A\nrole = officer\nemail = a@example.org\n", &dg);

	ck_assert_ptr_null(st);
	ck_assert(udiag_has(&dg, 0, "no [group fallback]"));
	ck_assert(udiag_has(&dg, 0, "no [group admins]"));
	diag_clear(&dg);
	st = staff_load("/nonexistent/staff.ini", &dg);
	ck_assert_ptr_null(st);
	ck_assert(udiag_has(&dg, 0, "cannot read"));
	diag_clear(&dg);
}
END_TEST

START_TEST(test_roles)
{
	enum role r;

	for (int i = ROLE_OFFICER; i <= ROLE_ADMIN; i++) {
		ck_assert_int_eq(role_parse(role_name(i), &r), 0);
		ck_assert_int_eq(r, i);
	}
	ck_assert_int_eq(role_parse("Officer", &r), -1);
	ck_assert_str_eq(role_name(ROLE_HEAD_OF_SERVICE),
	    "head-of-service");
}
END_TEST

START_TEST(test_addresses)
{
	static const char *const good[] = {
		"jo@example.org", "jo.bloggs+da@mail.example.org",
		"o'brien@example.co.uk", "a@b-c.example",
	};
	static const char *const bad[] = {
		"", "jo", "@example.org", "jo@", "jo@example", ".jo@example.org",
		"jo.@example.org", "j..o@example.org", "jo@-example.org",
		"jo@example-.org", "jo@exa mple.org", "jo bloggs@example.org",
		"\"jo\"@example.org", "jo@[127.0.0.1]", "jo@example..org",
		"j\xc3\xb6@example.org", "jo@example.org\r\nBcc: x@example.org",
		"<jo@example.org>", "jo@example.org,x@example.org",
	};
	static const char *const good_tel[] = {
		"+447700900123", "+12025550123", "+35312345678",
	};
	static const char *const bad_tel[] = {
		"", "447700900123", "07700900123", "+4477009001234567",
		"+44 7700 900123", "+0447700900123", "+4477", "+44770090012a",
	};
	char err[256];

	for (size_t i = 0; i < nitems(good); i++)
		ck_assert_msg(addr_email_ok(good[i], err, sizeof err), "%s",
		    good[i]);
	for (size_t i = 0; i < nitems(bad); i++)
		ck_assert_msg(!addr_email_ok(bad[i], err, sizeof err), "%s",
		    bad[i]);
	for (size_t i = 0; i < nitems(good_tel); i++)
		ck_assert_msg(addr_e164_ok(good_tel[i], err, sizeof err), "%s",
		    good_tel[i]);
	for (size_t i = 0; i < nitems(bad_tel); i++)
		ck_assert_msg(!addr_e164_ok(bad_tel[i], err, sizeof err), "%s",
		    bad_tel[i]);
	ck_assert_str_eq(addr_email_domain("jo@example.org"), "example.org");
}
END_TEST

static Suite *
staff_suite(void)
{
	Suite *s = suite_create("staff");
	TCase *tc = tcase_create("staff");

	tcase_add_test(tc, test_example);
	tcase_add_test(tc, test_forward_references);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_case_only_duplicate);
	tcase_add_test(tc, test_cycles);
	tcase_add_test(tc, test_long_cycle);
	tcase_add_test(tc, test_required_groups);
	tcase_add_test(tc, test_roles);
	tcase_add_test(tc, test_addresses);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(staff_suite)
