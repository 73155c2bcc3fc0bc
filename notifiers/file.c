/*
 * file.c: messages written to a folder instead of sent, the default when no
 * notifier is configured.
 *
 *	[file]
 *	directory = /var/lib/vigil/outbox-files
 *
 * Email: one KEY.eml per message, written to a temporary file and renamed,
 * so a reader never sees half a message and sending the same message again
 * replaces it instead of adding a second.  SMS: one JSON object per line
 * appended to sms.jsonl in a single write(2) with O_APPEND, so lines from
 * concurrent senders never interleave.  A batch is made durable by one
 * syncfs(2) before any of it counts as written: a crash before that sends
 * it again, which replaces the files.  Folder 0700, files 0600: these are
 * escalations about domestic-abuse cases.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "backend.h"

#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR	"/var"
#endif

#define FILE_SMS_LOG	"sms.jsonl"

struct file_nf {
	char	*dir;
	char	*from;
	char	*from_name;
};

static const char *const file_keys[] = { "directory" };

static void *
file_configure(const struct conf *c, enum notify_channel ch, struct diag *dg)
{
	struct sec_reader nc, ec;
	struct file_nf *f = xcalloc(1, sizeof *f);

	sec_init(&nc, c, "file", dg);
	sec_keys(&nc, file_keys, nitems(file_keys));
	if ((f->dir = sec_path(&nc, "directory")) == NULL)
		f->dir = xstrdup(LOCALSTATEDIR "/lib/vigil/outbox-files");
	if (ch == NOTIFY_EMAIL) {
		sec_init(&ec, c, "email", dg);
		f->from = nf_email(&ec, "from", "vigil@vigil.invalid", 0);
		f->from_name = xstrdup(sec_str(&ec, "from_name", "vigil"));
	}
	return f;
}

static void
file_free(void *p)
{
	struct file_nf *f = p;

	if (f == NULL)
		return;
	free(f->dir);
	free(f->from);
	free(f->from_name);
	free(f);
}

/* The folder, created 0700 if need be, as an open descriptor. */
static int
open_dir(const struct file_nf *f, char *err, size_t errlen)
{
	struct stat st;
	int fd;

	if (mkdir(f->dir, 0700) == -1 && errno != EEXIST) {
		seterr(err, errlen, "cannot create %s: %s", f->dir,
		    strerror(errno));
		return -1;
	}
	if ((fd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		seterr(err, errlen, "cannot open %s: %s", f->dir,
		    strerror(errno));
		return -1;
	}
	/* An existing folder that others can read is closed up. */
	if (fstat(fd, &st) == 0 && (st.st_mode & 077) != 0 &&
	    fchmod(fd, st.st_mode & 0700) == -1) {
		seterr(err, errlen, "%s is readable by others and cannot "
		    "be changed: %s", f->dir, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static enum notify_result
file_email(const struct file_nf *f, int dfd, const struct message *m,
    char *err, size_t errlen)
{
	struct mail_from from = { f->from, f->from_name };
	char *name = xasprintf("%s.eml", m->key);
	char *tmp = xasprintf(".%s.eml.XXXXXX", m->key), *path, *text;
	enum notify_result r = NOTIFY_TEMPFAIL;
	size_t len;
	int fd;

	text = mail_format(&from, m, (int64_t)time(NULL), &len);
	path = xasprintf("%s/%s", f->dir, tmp);
	if ((fd = mkostemp(path, O_CLOEXEC)) == -1) {
		seterr(err, errlen, "cannot create a file in %s: %s",
		    f->dir, strerror(errno));
		goto done;
	}
	free(tmp);
	tmp = xstrdup(strrchr(path, '/') + 1);
	if (fchmod(fd, 0600) == -1 || write_all(fd, text, len) == -1) {
		seterr(err, errlen, "cannot write %s: %s", path,
		    strerror(errno));
		close(fd);
		unlinkat(dfd, tmp, 0);
		goto done;
	}
	close(fd);
	if (renameat(dfd, tmp, dfd, name) == -1) {
		seterr(err, errlen, "cannot rename %s: %s", path,
		    strerror(errno));
		unlinkat(dfd, tmp, 0);
		goto done;
	}
	r = NOTIFY_OK;
done:
	free(text);
	free(path);
	free(tmp);
	free(name);
	return r;
}

static enum notify_result
file_sms(int dfd, const struct message *m, char *err, size_t errlen)
{
	char when[32], *line, *full;
	struct stat st;
	struct tm tm;
	time_t now = time(NULL);
	json_t *j;
	int fd, rc;

	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	j = json_pack("{s:s, s:s, s:s, s:s}", "time", when, "key", m->key,
	    "to", m->to, "text", m->body);
	if (j == NULL || (line = json_dumps(j, JSON_COMPACT)) == NULL) {
		json_decref(j);
		seterr(err, errlen, "the text is not valid UTF-8");
		return NOTIFY_PERMFAIL;
	}
	json_decref(j);
	full = xasprintf("%s\n", line);
	free(line);
	fd = openat(dfd, FILE_SMS_LOG, O_WRONLY | O_APPEND | O_CREAT |
	    O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd == -1) {
		seterr(err, errlen, "cannot open %s: %s", FILE_SMS_LOG,
		    strerror(errno));
		free(full);
		return NOTIFY_TEMPFAIL;
	}
	/* One write, so that concurrent lines never mix. */
	rc = fstat(fd, &st) == 0 && ((st.st_mode & 077) == 0 ||
	    fchmod(fd, 0600) == 0) &&
	    write(fd, full, strlen(full)) == (ssize_t)strlen(full) ? 0 : -1;
	if (rc == -1)
		seterr(err, errlen, "cannot write %s: %s", FILE_SMS_LOG,
		    strerror(errno));
	close(fd);
	free(full);
	return rc == 0 ? NOTIFY_OK : NOTIFY_TEMPFAIL;
}

static int
file_send(void *p, struct message *const *msgs, size_t n)
{
	const struct file_nf *f = p;
	char err[NOTIFY_ERR_MAX];
	int dfd = open_dir(f, err, sizeof err);

	for (size_t i = 0; i < n; i++) {
		struct message *m = msgs[i];

		if (dfd == -1) {
			m->result = NOTIFY_TEMPFAIL;
			seterr(m->err, sizeof m->err, "%s", err);
		} else if (m->channel == NOTIFY_EMAIL)
			m->result = file_email(f, dfd, m, m->err,
			    sizeof m->err);
		else
			m->result = file_sms(dfd, m, m->err, sizeof m->err);
	}
	if (dfd == -1)
		return 0;
	/* Files, renames and lines on disk, for the whole batch at once. */
	if (syncfs(dfd) == -1) {
		seterr(err, sizeof err, "cannot flush %s: %s", f->dir,
		    strerror(errno));
		for (size_t i = 0; i < n; i++)
			if (msgs[i]->result == NOTIFY_OK) {
				msgs[i]->result = NOTIFY_TEMPFAIL;
				seterr(msgs[i]->err, sizeof msgs[i]->err, "%s",
				    err);
			}
	}
	close(dfd);
	return 0;
}

const struct notifier_ops notifier_file = {
	.name = "file",
	.channels = (1u << NOTIFY_EMAIL) | (1u << NOTIFY_SMS),
	.configure = file_configure,
	.send = file_send,
	.free = file_free,
};
