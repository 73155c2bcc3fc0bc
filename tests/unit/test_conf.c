/*
 * test_conf.c: vigil.conf and closures files, and every problem in them
 * reported as file:line: message.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>

#include "unit-cal.h"

static char *
data(const char *name)
{
	return xasprintf("%s/tests/unit/data/%s", unit_srcdir(), name);
}

/* The closed weekdays of a year with their names, "MM-DD name|...". */
static char *
closed_named(const struct calendar *c, int year)
{
	struct cal_day v[64];
	size_t n = cal_closed_days(c, year, v, nitems(v));
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	for (size_t i = 0; i < n; i++) {
		int y, m, d;

		civil_from_days(v[i].day, &y, &m, &d);
		fprintf(fp, "%s%02d-%02d %s", i ? "|" : "", m, d, v[i].name);
	}
	fclose(fp);
	return buf;
}

START_TEST(test_good_conf)
{
	char *path = data("vigil.conf"), *want, *got;
	struct diag dg = { 0 };
	const struct calendar *office, *ns;
	struct conf *c = conf_load(path, &dg);

	if (c == NULL)
		diag_print(&dg, stderr);
	ck_assert_ptr_nonnull(c);
	want = xasprintf("%s/tests/unit/data/state/vigil.db", unit_srcdir());
	ck_assert_str_eq(c->database, want);
	free(want);
	ck_assert_str_eq(c->socket, "/run/vigil/test.sock");
	ck_assert_ptr_nonnull(cal_set_find(&c->calendars, "default"));
	ck_assert_ptr_eq(c->default_calendar,
	    cal_set_find(&c->calendars, "default"));

	office = cal_set_find(&c->calendars, "office");
	ck_assert_ptr_nonnull(office);
	/* The indented "days" line was a key, not part of "timezone". */
	ck_assert_str_eq(office->timezone, "Europe/London");
	ck_assert_int_eq(office->days, 0x1f);
	ck_assert_int_eq(office->nranges, 2);
	ck_assert_int_eq(office->holidays, HOL_SCOTLAND);
	ck_assert_int_eq(office->line, 6);

	/*
	 * Scotland 2026 with the closures file: early May reopened by
	 * "not", the away day closed and reopened, four days added at
	 * Christmas; Boxing Day (Saturday) moves to Monday 28.
	 */
	got = closed_named(office, 2026);
	ck_assert_str_eq(got, "01-01 New Year's Day|01-02 2nd January|"
	    "04-03 Good Friday|05-25 Spring bank holiday|"
	    "08-03 Summer bank holiday|11-30 St Andrew's Day|"
	    "12-24 Christmas Eve|12-25 Christmas Day|"
	    "12-28 Boxing Day (substitute day)|"
	    "12-29 Between Christmas and New Year|12-30 closure|"
	    "12-31 Hogmanay");
	free(got);
	ck_assert_int_eq(cal_working_day(office, civil_days(2026, 5, 4)), 1);
	ck_assert_int_eq(cal_working_day(office, civil_days(2026, 6, 12)), 1);
	/*
	 * Wed 23 Dec 15:00: 24-31 Dec closed, Fri 1 Jan, and 2 January on
	 * Saturday gives Scotland Monday 4: the next working day is Tue 5.
	 */
	ck_assert_str_eq(udue(office, "2026-12-23T15:00", "1 working day"),
	    "2027-01-05T15:00:00+00:00");
	ck_assert_str_eq(udue(office, "2026-05-01T10:00", "1 working day"),
	    "2026-05-04T10:00:00+01:00");

	/* [calendar no-sundays] replaces the built-in one. */
	ns = cal_set_find(&c->calendars, "no-sundays");
	ck_assert_int_eq(ns->holidays, HOL_NORTHERN_IRELAND);
	ck_assert_int_eq(cal_working_day(ns, civil_days(2026, 3, 17)), 0);

	ck_assert_str_eq(conf_kv(conf_section(c, "email"), "from")->value,
	    "vigil@example.org");
	ck_assert_int_eq(conf_kv(conf_section(c, "email"), "from")->line, 19);
	ck_assert_ptr_null(conf_section(c, "sms"));
	conf_free(c);
	free(path);
	diag_clear(&dg);
}
END_TEST

START_TEST(test_defaults)
{
	struct diag dg = { 0 };
	struct conf *c = conf_load(NULL, &dg);
	const struct calendar *ns;

	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(dg.n, 0);
	ck_assert_str_eq(c->default_calendar->name, "default");
	ns = cal_set_find(&c->calendars, "no-sundays");
	ck_assert_int_eq(ns->days, 0x3f);
	ck_assert_int_eq(ns->day_secs, 86400);
	ck_assert_int_eq(ns->holidays, HOL_ENGLAND_WALES);
	conf_free(c);
	/* An empty buffer is the defaults too. */
	c = conf_load_buffer("empty.conf", "", 0, &dg);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->dir, ".");
	conf_free(c);
}
END_TEST

static const char bad_conf[] =
	"stray = 1\n"				/* 1 */
	"[daemon]\n"
	"database =\n"
	"colour = blue\n"
	"[calendar office]\n"			/* 5 */
	"timezone = Mars/Base\n"
	"days = mon-funday\n"
	"hours = 17:00-09:00\n"
	"holidays = wales\n"
	"colour = red\n"			/* 10 */
	"[calendar office]\n"
	"days = mon-fri\n"
	"[calendar Bad]\n"
	"days = nonsense\n"
	"[nonsense]\n"				/* 15 */
	"key = value\n"
	"[calendar y]\n"
	"closures = no-such-file\n"
	"[calendar x\n"
	"hours = nonsense\n"			/* 20: not given to y */
	"closures = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"aaaa\n"
	"just some words\n"
	"[daemon] trailing\n"
	"= value\n"
	"[email]\n"				/* 25 */
	"from = a\n"
	"from = b\n"
	"[email]\n"
	"from = c\n"
	"[calendar z]\r\n"			/* 30 */
	"days = mon-sat\r\n"
	"[calendar]\n";

START_TEST(test_bad_conf)
{
	struct diag dg = { 0 };
	struct conf *c;
	char *got;

	c = conf_load_buffer("test.conf", bad_conf, sizeof bad_conf - 1, &dg);
	ck_assert_ptr_null(c);
	got = udiag(&dg);
	ck_assert_str_eq(got,
	    "test.conf:1: \"stray\" is outside any section\n"
	    "test.conf:3: database needs a value\n"
	    "test.conf:4: unknown setting \"colour\" in [daemon]\n"
	    "test.conf:7: bad days \"mon-funday\": expected day names or "
	    "ranges such as mon-fri or mon,wed,fri\n"
	    "test.conf:8: bad hours \"17:00-09:00\": each range must end "
	    "after it starts, within one day\n"
	    "test.conf:9: bad holidays \"wales\": expected england-and-wales, "
	    "scotland, northern-ireland or none\n"
	    "test.conf:10: unknown calendar setting \"colour\" (expected "
	    "timezone, days, hours, holidays or closures)\n"
	    "test.conf:11: calendar office is defined twice (first at line "
	    "5)\n"
	    "test.conf:13: bad calendar name \"Bad\": use lower-case letters, "
	    "digits, - and _\n"
	    "test.conf:15: unknown section [nonsense]\n"
	    "test.conf:19: missing ']' after section name\n"
	    "test.conf:21: line too long (more than 198 characters)\n"
	    "test.conf:22: expected \"[section]\" or \"name = value\"\n"
	    "test.conf:23: unexpected text after ']'\n"
	    "test.conf:24: expected \"[section]\" or \"name = value\"\n"
	    "test.conf:27: \"from\" is set twice in [email]\n"
	    "test.conf:28: section [email] appears twice\n"
	    "test.conf:32: bad calendar name \"\": use lower-case letters, "
	    "digits, - and _\n"
	    "test.conf:5: calendar office: unknown time zone \"Mars/Base\" "
	    "(/usr/share/zoneinfo/Mars/Base: No such file or directory)\n"
	    "./no-such-file: cannot open closures file: No such file or "
	    "directory\n");
	free(got);
	diag_clear(&dg);
}
END_TEST

/* A second [daemon] or a key given twice would silently lose the first. */
START_TEST(test_duplicates)
{
	static const char text[] =
	    "[daemon]\n"
	    "socket = a.sock\n"
	    "socket = b.sock\n"
	    "[calendar office]\n"
	    "hours = 09:00-17:00\n"			/* 5 */
	    "hours = 08:00-16:00\n"
	    "[daemon]\n"
	    "database = x.db\n"
	    "[escalation]\n"
	    "anything = 1\n";
	struct diag dg = { 0 };
	char *got;

	ck_assert_ptr_null(conf_load_buffer("d.conf", text, sizeof text - 1,
	    &dg));
	got = udiag(&dg);
	ck_assert_str_eq(got,
	    "d.conf:3: \"socket\" is set twice in [daemon]\n"
	    "d.conf:6: \"hours\" is set twice in [calendar office]\n"
	    "d.conf:7: section [daemon] appears twice (first at line 1)\n"
	    "d.conf:9: unknown section [escalation]\n");
	free(got);
	diag_clear(&dg);
}
END_TEST

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
put(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
	free(path);
}

/*
 * vigil.conf.d/NAME.conf, read in name order after vigil.conf: a later
 * file's setting replaces an earlier one, each problem is reported at its
 * own file, and anything not ending in .conf is left alone.
 */
START_TEST(test_dropins)
{
	char dir[] = "/tmp/vigil-dropins.XXXXXX", *d, *path, *got, *want;
	struct diag dg = { 0 };
	const struct conf_kv *kv;
	struct conf *c;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	d = xasprintf("%s/vigil.conf.d", dir);
	ck_assert_int_eq(mkdir(d, 0700), 0);
	path = xasprintf("%s/vigil.conf", dir);
	put(dir, "vigil.conf", "[daemon]\nclient_timeout = 10\n"
	    "socket = main.sock\n[email]\nfrom = a@example.org\n"
	    "host = smtp.example.org\n");
	put(d, "20-later.conf", "[daemon]\nclient_timeout = 30\n");
	put(d, "10-first.conf", "[daemon]\nclient_timeout = 20\n\n"
	    "[email]\nfrom = b@example.org\n");
	put(d, "notes.txt", "this is not a configuration\n");
	put(d, "old.conf.dpkg-old", "[nonsense\n");

	c = conf_load(path, &dg);
	if (c == NULL)
		diag_print(&dg, stderr);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->client_timeout, 30);
	want = xasprintf("%s/main.sock", dir);
	ck_assert_str_eq(c->socket, want);
	free(want);
	kv = conf_kv(conf_section(c, "email"), "from");
	ck_assert_str_eq(kv->value, "b@example.org");
	ck_assert_int_eq(kv->line, 5);
	want = xasprintf("%s/10-first.conf", d);
	ck_assert_str_eq(conf_file(c, kv->file), want);
	free(want);
	kv = conf_kv(conf_section(c, "email"), "host");
	ck_assert_str_eq(conf_file(c, kv->file), path);
	/* A problem with the section as a whole: where it was last opened. */
	ck_assert_int_eq(conf_section(c, "email")->line, 4);
	ck_assert_str_eq(conf_section(c, "email")->file, c->dropins[0]);
	conf_free(c);

	/* Within one drop-in a setting twice is still a mistake, and every
	 * problem names the drop-in. */
	put(d, "30-bad.conf", "[links]\ncase_url = x\ncase_url = y\n"
	    "[calendar default]\ndays = mon-fri\n[nosuch]\n");
	put(dir, "vigil.conf", "[calendar default]\ndays = mon-sat\n");
	ck_assert_ptr_null(conf_load(path, &dg));
	got = udiag(&dg);
	want = xasprintf(
	    "%s/30-bad.conf:3: \"case_url\" is set twice in [links]\n"
	    "%s/30-bad.conf:4: calendar default is already defined at "
	    "%s:1: a calendar is defined in one file\n"
	    "%s/30-bad.conf:6: unknown section [nosuch]\n", d, d, path, d);
	ck_assert_str_eq(got, want);
	free(want);
	free(got);
	diag_clear(&dg);

	/* A drop-in folder that cannot be read is a problem, not none. */
	put(dir, "other.conf", "[daemon]\n");
	put(dir, "other.conf.d", "not a folder\n");
	free(path);
	path = xasprintf("%s/other.conf", dir);
	ck_assert_ptr_null(conf_load(path, &dg));
	got = udiag(&dg);
	want = xasprintf("%s.d: cannot read drop-in files: Not a directory\n",
	    path);
	ck_assert_str_eq(got, want);
	free(want);
	free(got);
	diag_clear(&dg);
	free(path);
	free(d);
	nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}
END_TEST

START_TEST(test_conf_file_errors)
{
	struct diag dg = { 0 };
	char *got;

	ck_assert_ptr_null(conf_load("/nonexistent/vigil.conf", &dg));
	got = udiag(&dg);
	ck_assert_str_eq(got, "/nonexistent/vigil.conf: cannot read: No such "
	    "file or directory\n");
	free(got);
	diag_clear(&dg);
	/* A NUL byte in a line. */
	ck_assert_ptr_null(conf_load_buffer("nul.conf", "[daemon]\nso\0cket = x\n",
	    21, &dg));
	got = udiag(&dg);
	ck_assert_str_eq(got, "nul.conf:2: line contains a NUL byte\n");
	free(got);
	diag_clear(&dg);
}
END_TEST

START_TEST(test_bad_closures)
{
	struct calendar *c = cal_new("c");
	struct diag dg = { 0 };
	char err[256], *path = data("bad-closures"), *got, *want;

	ck_assert_int_eq(cal_set_option(c, "closures", "tests/unit/data/"
	    "bad-closures", err, sizeof err), 0);
	ck_assert_int_eq(cal_prepare(c, unit_srcdir(), &dg, "test.conf"), -1);
	got = udiag(&dg);
	want = xasprintf(
	    "%s:1: bad date \"2026-13-01\": expected YYYY-MM-DD or "
	    "\"not YYYY-MM-DD\"\n"
	    "%s:2: \"not 2026-06-10\": that day is not a holiday or a closure "
	    "of calendar c\n"
	    "%s:3: bad date \"2026-06-10T10:00\": expected YYYY-MM-DD or "
	    "\"not YYYY-MM-DD\"\n"
	    "%s:4: \"not 2026-12-26\": that day is a Sat, not a working day "
	    "of calendar c\n"
	    "%s:5: 2150-01-01 is outside 1970-2100\n"
	    "%s:6: bad date \"yesterday\": expected YYYY-MM-DD or "
	    "\"not YYYY-MM-DD\"\n", path, path, path, path, path, path);
	ck_assert_str_eq(got, want);
	free(got);
	free(want);
	free(path);
	diag_clear(&dg);

	/* Not a regular file: a directory, a device. */
	ck_assert_int_eq(cal_set_option(c, "closures", "/dev/zero", err,
	    sizeof err), 0);
	ck_assert_int_eq(cal_prepare(c, NULL, &dg, "test.conf"), -1);
	got = udiag(&dg);
	ck_assert_str_eq(got, "/dev/zero: closures file must be a regular "
	    "file of at most 1048576 bytes\n");
	free(got);
	diag_clear(&dg);
	ck_assert_int_eq(cal_set_option(c, "closures", "tests", err,
	    sizeof err), 0);
	ck_assert_int_eq(cal_prepare(c, unit_srcdir(), &dg, "test.conf"), -1);
	diag_clear(&dg);

	/* Prepared twice (a reload): the closures are not doubled. */
	ck_assert_int_eq(cal_set_option(c, "closures", "tests/unit/data/"
	    "closures", err, sizeof err), 0);
	ck_assert_int_eq(cal_prepare(c, unit_srcdir(), &dg, "test.conf"), 0);
	ck_assert_int_eq(cal_prepare(c, unit_srcdir(), &dg, "test.conf"), 0);
	ck_assert_uint_eq(c->nclosures, 7);
	ck_assert_int_eq(cal_working_day(c, civil_days(2026, 5, 4)), 1);
	ck_assert_int_eq(cal_working_day(c, civil_days(2026, 12, 24)), 0);
	cal_free(c);
}
END_TEST

static Suite *
conf_suite(void)
{
	Suite *s = suite_create("conf");
	TCase *tc = tcase_create("load");

	tcase_add_test(tc, test_good_conf);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_bad_conf);
	tcase_add_test(tc, test_duplicates);
	tcase_add_test(tc, test_dropins);
	tcase_add_test(tc, test_conf_file_errors);
	tcase_add_test(tc, test_bad_closures);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(conf_suite)
