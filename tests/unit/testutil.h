/*
 * testutil.h: temporary folders and files for the unit tests, and the real
 * servers (tests/servers/) some of them talk to on loopback.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <sys/types.h>
#include <time.h>

#include "conf.h"

char	*tu_tmpdir(void);
void	 tu_rmtree(const char *);
void	 tu_write(const char *, const char *, const char *);
char	*tu_read(const char *, const char *);
struct conf *tu_conf(const char *, const char *);

/* A server process: started, polled until it listens, always stopped. */
struct tu_server {
	pid_t	 pid;
	int	 in;		/* its stdin: closing it stops the server */
	int	 port;
	char	*dir;		/* its own folder (port file, spool, certs) */
};
int	 tu_server_start(struct tu_server *, const char *, const char *const *);
void	 tu_server_stop(struct tu_server *);
int	 tu_free_port(void);
int	 tu_silent_listener(int *);
double	 tu_seconds_since(const struct timespec *);

/* Reading back a mail message (CRLF lines). */
char	*tu_header(const char *, const char *);
char	*tu_header_names(const char *);
char	*tu_body(const char *);
char	*tu_unwords(const char *);
int	 tu_seven_bit(const char *);

/* The headers mail_format() writes, in their order (tu_header_names()). */
#define TU_MAIL_HEADERS	"Date,From,To,Subject,Message-ID,MIME-Version," \
	"Content-Type,Content-Transfer-Encoding,Auto-Submitted," \
	"X-Auto-Response-Suppress"

/* Asserting on a mail message: a header as sent, decoded, or the body. */
void	 tu_check_header(const char *, const char *, const char *);
void	 tu_check_words(const char *, const char *, const char *);
void	 tu_check_body(const char *, const char *);

#endif
