/*
 * secretfile.c: small secret files (keys) beside the database: made new
 * whole or not at all, never over an existing one, and read without
 * stdio, whose buffer would keep a copy in freed memory.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigil.h"

/*
 * Make path, 0600, holding text: written to PATH.tmp, synced, then linked
 * to its name, so a crash leaves the whole file or none.  -1 with err,
 * errno EEXIST when path exists already.
 */
int
secret_file_create(const char *path, const char *text, size_t n, char *err,
    size_t errlen)
{
	char *tmp = xasprintf("%s.tmp", path), *dir;
	int fd, dfd, rc = -1, saved = 0;

	/* A .tmp left by a crash holds nothing anyone relies on. */
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1 || write(fd, text, n) != (ssize_t)n || fsync(fd) == -1) {
		saved = errno;
		seterr(err, errlen, "%s: %s", tmp, strerror(errno));
	} else if (link(tmp, path) == -1) {
		saved = errno;
		seterr(err, errlen, "%s: %s", path, strerror(errno));
	} else
		rc = 0;
	if (fd != -1)
		close(fd);
	unlink(tmp);
	free(tmp);
	/* The new name survives a crash too. */
	dir = xstrdup(path);
	*(strrchr(dir, '/') ? strrchr(dir, '/') : dir) = '\0';
	if (rc == 0 && (dfd = open(*dir ? dir : ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) != -1) {
		fsync(dfd);
		close(dfd);
	}
	free(dir);
	errno = saved;
	return rc;
}

/* Read path ("-": standard input) into buf, NUL-terminated; -1 with errno. */
ssize_t
secret_file_read(const char *path, char *buf, size_t size)
{
	ssize_t n, len = 0;
	int fd;

	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while ((size_t)len < size - 1 &&
	    (n = read(fd, buf + len, size - 1 - (size_t)len)) > 0)
		len += n;
	if (fd != STDIN_FILENO)
		close(fd);
	buf[len] = '\0';
	return len;
}
