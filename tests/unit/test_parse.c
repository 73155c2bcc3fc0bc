/*
 * test_parse.c: the text people type: durations, ISO 8601 instants, time
 * zones and calendar settings, with every error message.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <stdio.h>
#include <unistd.h>

#include "unit-cal.h"

#define DUR_WANT "expected a number and then minutes, hours, days, " \
	"weeks, working hours or working days, optionally followed by " \
	"\"on CALENDAR\""
#define ISO_WANT "expected YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM]"

/* Text as typed, and what parsing it must say ("ok" when it is good). */
struct typed {
	const char	*text;
	const char	*want;
};

static void
typed_rows(const char *(*parse)(const char *), const struct typed *r,
    size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *got = parse(r[i].text);

		ck_assert_msg(strcmp(got, r[i].want) == 0,
		    "\"%s\": \"%s\", not \"%s\"", r[i].text, got, r[i].want);
	}
}

static const char *
dur_err(const char *s)
{
	static char err[256];
	struct duration d;

	if (dur_parse(s, &d, err, sizeof err) == 0)
		return "ok";
	return err;
}

START_TEST(test_dur_ok)
{
	struct duration d;
	char err[256], buf[DUR_TEXT_MAX];

	ck_assert_int_eq(dur_parse("1 Working Days", &d, err, sizeof err), 0);
	ck_assert_int_eq(d.n, 1);
	ck_assert_int_eq(d.unit, DUR_WORKING_DAYS);
	ck_assert_str_eq(dur_format(&d, buf, sizeof buf), "1 working day");
	ck_assert_int_eq(dur_parse("  48   WORKING hour  on  no-sundays ", &d,
	    err, sizeof err), 0);
	ck_assert_int_eq(d.unit, DUR_WORKING_HOURS);
	ck_assert_str_eq(dur_format(&d, buf, sizeof buf),
	    "48 working hours on no-sundays");
	ck_assert_int_eq(dur_parse("100000 minutes", &d, err, sizeof err), 0);
	ck_assert_int_eq(d.n, 100000);
	ck_assert_int_eq(dur_parse("0000002 weeks", &d, err, sizeof err), 0);
	ck_assert_int_eq(d.n, 2);
	ck_assert_int_eq(d.unit, DUR_WEEKS);
	ck_assert_int_eq(dur_parse("0 days", &d, err, sizeof err), 0);
	ck_assert_int_eq(d.unit, DUR_DAYS);
	ck_assert_int_eq(dur_parse("1 hour", &d, err, sizeof err), 0);
	ck_assert_int_eq(d.unit, DUR_HOURS);
	ck_assert_int_eq(dur_is_working(DUR_HOURS), 0);
	ck_assert_int_eq(dur_is_working(DUR_WORKING_HOURS), 1);
}
END_TEST

/* Elapsed durations in seconds: what retry_for and "within" count in. */
START_TEST(test_dur_seconds)
{
	static const struct {
		const char *text;
		int64_t	 secs;
	} t[] = {
		{ "90 minutes", 5400 },
		{ "24 hours", 86400 },
		{ "2 days", 172800 },
		{ "365 days", 31536000 },
		{ "1 week", 604800 },
		{ "0 hours", 0 },
		{ "1 working day", -1 },
		{ "8 working hours", -1 },
		{ "3 days on no-sundays", -1 },
	};
	struct duration d;
	char err[256];

	for (size_t i = 0; i < nitems(t); i++) {
		ck_assert_int_eq(dur_parse(t[i].text, &d, err, sizeof err), 0);
		ck_assert_msg(dur_seconds(&d) == t[i].secs, "%s: %lld",
		    t[i].text, (long long)dur_seconds(&d));
	}
}
END_TEST

START_TEST(test_dur_errors)
{
	static const struct typed r[] = {
		{ "", "bad duration \"\": " DUR_WANT },
		{ "hours", "bad duration \"hours\": " DUR_WANT },
		{ "1", "bad duration \"1\": " DUR_WANT },
		{ "1.5 hours", "bad duration \"1.5 hours\": " DUR_WANT },
		{ "-1 hours", "bad duration \"-1 hours\": " DUR_WANT },
		{ "1 fortnight", "bad duration \"1 fortnight\": " DUR_WANT },
		{ "1 hourss", "bad duration \"1 hourss\": " DUR_WANT },
		{ "100001 hours", "bad duration \"100001 hours\": the number "
		    "must be at most 100000" },
		/*
		 * Found by this test: seven digits used to get the generic
		 * text.
		 */
		{ "1000000 hours", "bad duration \"1000000 hours\": the number "
		    "must be at most 100000" },
		{ "99999999999999999999999 hours", "bad duration "
		    "\"99999999999999999999999 hours\": the number must be at "
		    "most 100000" },
		{ "1 working weeks", "bad duration \"1 working weeks\": "
		    "expected \"hours\" or \"days\" after \"working\"" },
		{ "1 working", "bad duration \"1 working\": expected \"hours\" "
		    "or \"days\" after \"working\"" },
		{ "1 day tomorrow", "bad duration \"1 day tomorrow\": "
		    DUR_WANT },
		{ "1 day on", "bad duration \"1 day on\": a calendar name is "
		    "lower-case letters, digits, - and _" },
		{ "1 day on Office", "bad duration \"1 day on Office\": a "
		    "calendar name is lower-case letters, digits, - and _" },
		{ "1 day on office hours", "bad duration \"1 day on office "
		    "hours\": " DUR_WANT },
	};
	char name[CAL_NAME_MAX + 1], text[128], want[256];

	typed_rows(dur_err, r, nitems(r));
	/* A name of CAL_NAME_MAX letters is one too long. */
	memset(name, 'a', CAL_NAME_MAX);
	name[CAL_NAME_MAX] = '\0';
	snprintf(text, sizeof text, "1 day on %s", name);
	snprintf(want, sizeof want, "bad duration \"%.80s\": a calendar name "
	    "is lower-case letters, digits, - and _", text);
	ck_assert_str_eq(dur_err(text), want);
	name[CAL_NAME_MAX - 1] = '\0';
	snprintf(text, sizeof text, "1 day on %s", name);
	ck_assert_str_eq(dur_err(text), "ok");
}
END_TEST

static const char *
iso_err(const char *s)
{
	static char err[256];
	struct tz *z = tz_load("Europe/London", err, sizeof err);
	int64_t t;
	int rc;

	ck_assert_ptr_nonnull(z);
	rc = iso_parse(s, z, &t, err, sizeof err);
	tz_free(z);
	return rc == 0 ? "ok" : err;
}

START_TEST(test_iso_errors)
{
	static const struct typed r[] = {
		{ "2026-04-01", "ok" },
		{ "2024-02-29T23:59:59", "ok" },
		{ "2026-04-01T10", "bad time \"2026-04-01T10\": " ISO_WANT },
		{ "2026-4-01", "bad time \"2026-4-01\": " ISO_WANT },
		{ "", "bad time \"\": " ISO_WANT },
		{ "2026-04-01x", "bad time \"2026-04-01x\": " ISO_WANT },
		{ "2026-04-01T10:00 ", "bad time \"2026-04-01T10:00 \": "
		    ISO_WANT },
		{ "2026-04-01T10:00:0", "bad time \"2026-04-01T10:00:0\": "
		    ISO_WANT },
		{ "1969-12-31", "bad time \"1969-12-31\": year must be "
		    "1970-2199" },
		{ "2200-01-01", "bad time \"2200-01-01\": year must be "
		    "1970-2199" },
		{ "2026-13-01", "bad time \"2026-13-01\": month must be "
		    "01-12" },
		{ "2026-00-01", "bad time \"2026-00-01\": month must be "
		    "01-12" },
		{ "2026-02-29", "bad time \"2026-02-29\": no such day in that "
		    "month" },
		{ "2026-04-31", "bad time \"2026-04-31\": no such day in that "
		    "month" },
		{ "2026-04-01T24:00", "bad time \"2026-04-01T24:00\": time "
		    "must be 00:00:00-23:59:59" },
		{ "2026-04-01T10:60", "bad time \"2026-04-01T10:60\": time "
		    "must be 00:00:00-23:59:59" },
		{ "2026-04-01T10:00:60", "bad time \"2026-04-01T10:00:60\": "
		    "time must be 00:00:00-23:59:59" },
		{ "2026-04-01T10:00+24:00", "bad time "
		    "\"2026-04-01T10:00+24:00\": offset must be at most "
		    "23:59" },
		{ "2026-04-01T10:00+01:60", "bad time "
		    "\"2026-04-01T10:00+01:60\": offset must be at most "
		    "23:59" },
		/* Found by this test: "+01:" used to pass as +01:00. */
		{ "2026-04-01T10:00+01:", "bad time \"2026-04-01T10:00+01:\": "
		    ISO_WANT },
		{ "2026-04-01T10:00+1", "bad time \"2026-04-01T10:00+1\": "
		    ISO_WANT },
		{ "2026-04-01T10:00+01:0", "bad time "
		    "\"2026-04-01T10:00+01:0\": " ISO_WANT },
	};

	typed_rows(iso_err, r, nitems(r));
}
END_TEST

START_TEST(test_iso_forms)
{
	struct calendar *c = ucal("c", NULL);

	/* 1775037600 = 2026-04-01T10:00Z, counted from civil_days(). */
	ck_assert_int_eq((int64_t)civil_days(2026, 4, 1) * 86400 + 36000,
	    1775037600);
	ck_assert_int_eq(uat(c, "2026-04-01T10:00Z"), 1775037600);
	ck_assert_int_eq(uat(c, "2026-04-01t10:00z"), 1775037600);
	ck_assert_int_eq(uat(c, "2026-04-01 11:00"), 1775037600);
	ck_assert_int_eq(uat(c, "2026-04-01T11:00:00+01:00"), 1775037600);
	ck_assert_int_eq(uat(c, "2026-04-01T15:30+0530"), 1775037600);
	ck_assert_int_eq(uat(c, "2026-04-01T05:00-05"), 1775037600);
	/* A date alone is local midnight. */
	ck_assert_str_eq(uiso(c, uat(c, "2026-07-01")),
	    "2026-07-01T00:00:00+01:00");
	cal_free(c);
}
END_TEST

static int32_t
offset_at(const char *zone, const char *utc)
{
	char err[256];
	struct tz *z = tz_load(zone, err, sizeof err);
	int32_t off;
	int64_t t;

	ck_assert_msg(z != NULL, "%s", err);
	ck_assert_int_eq(iso_parse(utc, z, &t, err, sizeof err), 0);
	off = tz_offset(z, t);
	tz_free(z);
	return off;
}

START_TEST(test_tz)
{
	char err[256], buf[ISO_LEN];
	struct tz *z;

	ck_assert_int_eq(offset_at("Europe/London", "2026-07-01T12:00Z"), 3600);
	ck_assert_int_eq(offset_at("Europe/London", "2026-12-01T12:00Z"), 0);
	/* Spring 2026: 01:00 UTC on 29 March. */
	ck_assert_int_eq(offset_at("Europe/London", "2026-03-29T00:59:59Z"), 0);
	ck_assert_int_eq(offset_at("Europe/London", "2026-03-29T01:00Z"), 3600);
	/* Southern summer in January, past 2037 (footer rule). */
	ck_assert_int_eq(offset_at("Australia/Sydney", "2100-01-15T00:00Z"),
	    11 * 3600);
	ck_assert_int_eq(offset_at("Australia/Sydney", "2100-07-15T00:00Z"),
	    10 * 3600);
	ck_assert_int_eq(offset_at("America/New_York", "2100-07-01T00:00Z"),
	    -4 * 3600);
	ck_assert_int_eq(offset_at("America/New_York", "2100-12-01T00:00Z"),
	    -5 * 3600);
	/* Lord Howe moves by half an hour. */
	ck_assert_int_eq(offset_at("Australia/Lord_Howe", "2060-01-15T00:00Z"),
	    11 * 3600);
	ck_assert_int_eq(offset_at("Australia/Lord_Howe", "2060-07-15T00:00Z"),
	    10 * 3600 + 1800);
	/* Dublin's "negative DST": GMT in winter, IST in summer. */
	ck_assert_int_eq(offset_at("Europe/Dublin", "2060-01-15T00:00Z"), 0);
	ck_assert_int_eq(offset_at("Europe/Dublin", "2060-07-15T00:00Z"), 3600);
	ck_assert_int_eq(offset_at("Asia/Kolkata", "2060-07-15T00:00Z"), 19800);
	ck_assert_int_eq(offset_at("UTC", "2060-07-15T00:00Z"), 0);

	z = tz_load("America/St_Johns", err, sizeof err);
	ck_assert_ptr_nonnull(z);
	ck_assert_str_eq(iso_format(1775037600, z, buf, sizeof buf),
	    "2026-04-01T07:30:00-02:30");
	/* The gap and the ambiguous hour, London 2026. */
	tz_free(z);
	z = tz_load("Europe/London", err, sizeof err);
	ck_assert_int_eq(tz_local_to_utc(z, (int64_t)civil_days(2026, 3, 29) *
	    86400 + 5400), (int64_t)civil_days(2026, 3, 29) * 86400 + 3600);
	ck_assert_int_eq(tz_local_to_utc(z, (int64_t)civil_days(2026, 10, 25) *
	    86400 + 5400), (int64_t)civil_days(2026, 10, 25) * 86400 + 1800);
	tz_free(z);
}
END_TEST

START_TEST(test_tz_errors)
{
	char err[256], path[] = "/tmp/vigil-tz-XXXXXX", *bad;
	unsigned char buf[100];
	FILE *fp;
	int fd;

	ck_assert_ptr_null(tz_load("", err, sizeof err));
	ck_assert_str_eq(err, "bad time zone name \"\": expected an IANA name "
	    "such as Europe/London");
	ck_assert_ptr_null(tz_load("../../etc/passwd", err, sizeof err));
	ck_assert_str_eq(err, "bad time zone name \"../../etc/passwd\": "
	    "expected an IANA name such as Europe/London");
	ck_assert_ptr_null(tz_load("/etc/localtime", err, sizeof err));
	ck_assert_ptr_null(tz_load("Europe/London time", err, sizeof err));
	ck_assert_ptr_null(tz_load("Mars/Olympus_Mons", err, sizeof err));
	ck_assert_msg(strncmp(err, "unknown time zone \"Mars/Olympus_Mons\" (",
	    39) == 0, "%s", err);
	bad = xasprintf("%s/tests/unit/data/closures", unit_srcdir());
	ck_assert_ptr_null(tz_load_file("x", bad, err, sizeof err));
	ck_assert_msg(strstr(err, ": not a TZif file") != NULL, "%s", err);
	free(bad);

	/* The first 100 bytes of a real zone: a truncated file. */
	fp = fopen("/usr/share/zoneinfo/Europe/London", "rb");
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fread(buf, 1, sizeof buf, fp), sizeof buf);
	fclose(fp);
	fd = mkstemp(path);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, buf, sizeof buf), (ssize_t)sizeof buf);
	close(fd);
	ck_assert_ptr_null(tz_load_file("x", path, err, sizeof err));
	unlink(path);
	ck_assert_msg(strstr(err, ": truncated TZif file") != NULL, "%s", err);
}
END_TEST

static const char *
opt_err(const char *key, const char *value)
{
	static char err[256];
	struct calendar *c = cal_new("c");
	int rc = cal_set_option(c, key, value, err, sizeof err);

	cal_free(c);
	return rc == 0 ? "ok" : err;
}

#define DAYS_WANT	"expected day names or ranges such as mon-fri or " \
	"mon,wed,fri"
#define HOURS_WANT	"expected HH:MM-HH:MM[,HH:MM-HH:MM...]"
#define HOURS_ORDER	"each range must end after it starts, within one day"

START_TEST(test_options)
{
	static const struct {
		const char	*key;
		const char	*value;
		const char	*want;
	} r[] = {
		{ "days", "monday", "bad days \"monday\": " DAYS_WANT },
		{ "days", "", "bad days \"\": " DAYS_WANT },
		{ "days", "mon-", "bad days \"mon-\": " DAYS_WANT },
		{ "hours", "9:00-17:00", "bad hours \"9:00-17:00\": "
		    HOURS_WANT },
		{ "hours", "09:00-17:00,", "bad hours \"09:00-17:00,\": "
		    HOURS_WANT },
		{ "hours", "09:00-24:01", "bad hours \"09:00-24:01\": "
		    HOURS_WANT },
		{ "hours", "09:60-17:00", "bad hours \"09:60-17:00\": "
		    HOURS_WANT },
		{ "hours", "17:00-09:00", "bad hours \"17:00-09:00\": "
		    HOURS_ORDER },
		{ "hours", "24:00-24:00", "bad hours \"24:00-24:00\": "
		    HOURS_ORDER },
		{ "hours", "09:00-12:00,11:00-13:00", "bad hours "
		    "\"09:00-12:00,11:00-13:00\": ranges must be in order and "
		    "must not overlap" },
		{ "hours", "09:00-17:00;18:00-19:00", "bad hours "
		    "\"09:00-17:00;18:00-19:00\": expected a comma between "
		    "ranges" },
		{ "hours", "01:00-02:00,03:00-04:00,05:00-06:00,07:00-08:00,"
		    "09:00-10:00,11:00-12:00,13:00-14:00,15:00-16:00,"
		    "17:00-18:00", "bad hours \"01:00-02:00,03:00-04:00,"
		    "05:00-06:00,07:00-08:00,09:00-10:00,11:00-12:00,"
		    "13:00-14:00,15:00-16:00,17:00-18:00\": at most 8 ranges" },
		{ "holidays", "wales", "bad holidays \"wales\": expected "
		    "england-and-wales, scotland, northern-ireland or none" },
		{ "colour", "red", "unknown calendar setting \"colour\" "
		    "(expected timezone, days, hours, holidays or closures)" },
		{ "timezone", "Mars/Base", "ok" },
		{ "closures", "", "ok" },
	};
	struct calendar *c = cal_new("c");
	char err[256];

	ck_assert_int_eq(cal_set_option(c, "days", "Fri-Mon", err,
	    sizeof err), 0);
	ck_assert_int_eq(c->days, 0x71);		/* fri sat sun mon */
	ck_assert_int_eq(cal_set_option(c, "days", "mon, wed ,fri", err,
	    sizeof err), 0);
	ck_assert_int_eq(c->days, 0x15);
	ck_assert_int_eq(cal_set_option(c, "hours", "00:00-24:00", err,
	    sizeof err), 0);
	ck_assert_int_eq(c->ranges[0].end, 86400);
	cal_free(c);

	for (size_t i = 0; i < nitems(r); i++) {
		const char *got = opt_err(r[i].key, r[i].value);

		ck_assert_msg(strcmp(got, r[i].want) == 0,
		    "%s = \"%s\": \"%s\", not \"%s\"", r[i].key, r[i].value,
		    got, r[i].want);
	}
	ck_assert_int_eq(cal_name_ok("no-sundays_2"), 1);
	ck_assert_int_eq(cal_name_ok("Office"), 0);
	ck_assert_int_eq(cal_name_ok(""), 0);
}
END_TEST

static Suite *
parse_suite(void)
{
	Suite *s = suite_create("parse");
	TCase *tc = tcase_create("text");

	tcase_add_test(tc, test_dur_ok);
	tcase_add_test(tc, test_dur_seconds);
	tcase_add_test(tc, test_dur_errors);
	tcase_add_test(tc, test_iso_errors);
	tcase_add_test(tc, test_iso_forms);
	tcase_add_test(tc, test_tz);
	tcase_add_test(tc, test_tz_errors);
	tcase_add_test(tc, test_options);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(parse_suite)
