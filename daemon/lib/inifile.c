/*
 * inifile.c: inih with line numbers and stricter syntax.
 *
 * inih's handler is not told the line, so this file feeds inih through its
 * own reader, which counts lines, reports each syntax error itself (inih
 * returns only the first), rejects over-long lines instead of letting inih
 * split them, and strips indentation, which inih would otherwise take as the
 * continuation of the previous value.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "inifile.h"

struct ini_ctx {
	FILE	*fp;
	const char *name;
	struct diag *dg;
	ini_fn	 fn;
	void	*user;
	int	 line;
	char	*buf;
	size_t	 cap;
	int	 skip;		/* after a broken "[section" line */
	char	 section[INI_LINE_MAX + 1];
};

static int
syntax_ok(struct ini_ctx *x, const char *p)
{
	const char *close;

	if (*p == '\0' || *p == ';' || *p == '#')
		return 1;
	if (*p == '[') {
		if ((close = strchr(p, ']')) == NULL) {
			diag_add(x->dg, x->name, x->line, "missing ']' after "
			    "section name");
			return 0;
		}
		for (close++; isspace((unsigned char)*close); close++)
			;
		if (*close != '\0' && *close != ';' && *close != '#') {
			diag_add(x->dg, x->name, x->line, "unexpected text "
			    "after ']'");
			return 0;
		}
		return 1;
	}
	if (strpbrk(p, "=:") == NULL || *p == '=' || *p == ':') {
		diag_add(x->dg, x->name, x->line, "expected \"[section]\" or "
		    "\"name = value\"");
		return 0;
	}
	return 1;
}

static char *
line_reader(char *str, int num, void *stream)
{
	struct ini_ctx *x = stream;
	ssize_t len;
	char *p;

	if ((len = getline(&x->buf, &x->cap, x->fp)) == -1)
		return NULL;
	x->line++;
	str[0] = '\0';
	if ((size_t)len != strlen(x->buf)) {
		diag_add(x->dg, x->name, x->line, "line contains a NUL byte");
		return str;
	}
	while (len > 0 && (x->buf[len - 1] == '\n' || x->buf[len - 1] == '\r'))
		x->buf[--len] = '\0';
	for (p = x->buf; isspace((unsigned char)*p); p++)
		;
	if (strlen(p) > (size_t)num - 2) {
		diag_add(x->dg, x->name, x->line, "line too long (more than %d "
		    "characters)", num - 2);
		if (*p == '[')
			x->skip = 1;
		return str;
	}
	if (!syntax_ok(x, p)) {
		/*
		 * Keys after a broken section line belong to no section we
		 * know: skip them rather than give them to the one before.
		 */
		if (*p == '[')
			x->skip = 1;
	} else {
		if (*p == '[') {
			/* Tell the loader about each section, even empty ones. */
			size_t n = (size_t)(strchr(p, ']') - p - 1);
			char *s = x->section, *e;

			x->skip = 0;
			memcpy(s, p + 1, n);
			s[n] = '\0';
			while (isspace((unsigned char)*s))
				s++;
			for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]);)
				*--e = '\0';
			memmove(x->section, s, strlen(s) + 1);
			x->fn(x->user, x->section, NULL, NULL, x->line);
		}
		snprintf(str, (size_t)num, "%s\n", p);
	}
	return str;
}

static int
line_handler(void *user, const char *section, const char *key,
    const char *value)
{
	struct ini_ctx *x = user;

	(void)section;
	if (!x->skip)
		x->fn(x->user, x->section, key, value, x->line);
	return 1;
}

static int
ini_run(struct ini_ctx *x)
{
	int rc = ini_parse_stream(line_reader, x, line_handler, x);

	free(x->buf);
	if (rc == -2)
		fatalx("out of memory");
	/* Any other error was a line the reader already reported. */
	return 0;
}

int
ini_load(const char *path, ini_fn fn, void *user, struct diag *dg)
{
	struct ini_ctx x = { .name = path, .dg = dg, .fn = fn, .user = user };
	int rc;

	if ((x.fp = fopen(path, "r")) == NULL) {
		diag_add(dg, path, 0, "cannot read: %s", strerror(errno));
		return -1;
	}
	if (fseek(x.fp, 0, SEEK_END) == 0 && ftell(x.fp) > INI_MAX_FILE) {
		diag_add(dg, path, 0, "file too large (more than %d bytes)",
		    INI_MAX_FILE);
		fclose(x.fp);
		return -1;
	}
	rewind(x.fp);
	rc = ini_run(&x);
	fclose(x.fp);
	return rc;
}

int
ini_load_buffer(const char *name, const char *buf, size_t len, ini_fn fn,
    void *user, struct diag *dg)
{
	struct ini_ctx x = { .name = name, .dg = dg, .fn = fn, .user = user };
	int rc;

	if (len == 0)
		return 0;
	if (len > INI_MAX_FILE) {
		diag_add(dg, name, 0, "file too large (more than %d bytes)",
		    INI_MAX_FILE);
		return -1;
	}
	if ((x.fp = fmemopen((void *)(uintptr_t)buf, len, "r")) == NULL)
		fatal("fmemopen");
	rc = ini_run(&x);
	fclose(x.fp);
	return rc;
}
