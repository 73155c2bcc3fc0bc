/*
 * vigil.h: what every part of vigil shares: logging, allocation, collected
 * diagnostics, buffers.  Each subsystem has its own header
 * (calendar.h, conf.h, ...) that includes this one.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#ifndef VIGIL_H
#define VIGIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define VIGIL_PRINTF(f, a)	__attribute__((format(printf, f, a)))
#define VIGIL_NORETURN		__attribute__((noreturn))
#define nitems(a)		(sizeof(a) / sizeof((a)[0]))

/* log.c */
enum log_dest {
	LOG_TO_STDERR,		/* plain "vigild: message" lines */
	LOG_TO_JOURNAL,		/* "<3>message": stderr read by systemd-journald */
	LOG_TO_SYSLOG
};
void	 log_init(const char *, enum log_dest, int);
enum log_dest log_dest_for_stderr(void);
void	 log_echo_stderr(int);
int	 log_wanted(int);
void	 log_crit(const char *, ...) VIGIL_PRINTF(1, 2);
void	 log_err(const char *, ...) VIGIL_PRINTF(1, 2);
void	 log_warn(const char *, ...) VIGIL_PRINTF(1, 2);
void	 log_warnx(const char *, ...) VIGIL_PRINTF(1, 2);
void	 log_notice(const char *, ...) VIGIL_PRINTF(1, 2);
void	 log_info(const char *, ...) VIGIL_PRINTF(1, 2);
void	 log_debug(const char *, ...) VIGIL_PRINTF(1, 2);
void	 fatal(const char *, ...) VIGIL_PRINTF(1, 2) VIGIL_NORETURN;
void	 fatalx(const char *, ...) VIGIL_PRINTF(1, 2) VIGIL_NORETURN;

/* clock.c */
int64_t	 clock_now(void);
double	 clock_mono(void);

/* xmalloc.c */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...) VIGIL_PRINTF(1, 2);
char	*xvasprintf(const char *, va_list) VIGIL_PRINTF(1, 0);
void	 xqsort(void *, size_t, size_t, int (*)(const void *, const void *));

/* diag.c: problems found while loading files, reported as file:line. */
struct diag_entry {
	char	*file;
	int	 line;		/* 0 when the problem is the whole file */
	char	*msg;
};
struct diag {
	struct diag_entry *v;
	size_t	 n;
	size_t	 cap;
};
void	 diag_add(struct diag *, const char *, int, const char *, ...)
	    VIGIL_PRINTF(4, 5);
void	 diag_vadd(struct diag *, const char *, int, const char *, va_list)
	    VIGIL_PRINTF(4, 0);
void	 diag_print(const struct diag *, FILE *);
void	 diag_log(const struct diag *);
void	 diag_merge(struct diag *, struct diag *);
void	 diag_clear(struct diag *);
int	 seterr(char *, size_t, const char *, ...) VIGIL_PRINTF(3, 4);

/* buf.c */
struct buf {
	char	*s;			/* NUL-terminated once anything is in */
	size_t	 len, cap;
};
void	 buf_add(struct buf *, const char *, size_t);
void	 buf_puts(struct buf *, const char *);
void	 buf_reset(struct buf *);
void	 buf_free(struct buf *);
int	 write_all(int, const void *, size_t);
void	 strv_free(char **, size_t);
int	 same_str(const char *, const char *);
void	 hex_encode(const unsigned char *, size_t, char *);

/* canon.c: canonical JSON text, written directly (hashing, logging). */
void	 canon_open(struct buf *, char);
void	 canon_close(struct buf *, char);
void	 canon_str(struct buf *, const char *);
void	 canon_key(struct buf *, const char *);
void	 canon_int(struct buf *, int64_t);

/* secretfile.c */
int	 secret_file_create(const char *, const char *, size_t, char *, size_t);
ssize_t	 secret_file_read(const char *, char *, size_t);

/* names.c */
#define VALID_NAME_MAX	64
#define VALID_REF_MAX	64
/* valid_ref()'s rule, as refusals say it. */
#define VALID_REF_RULE	"1-64 characters of A-Z a-z 0-9 . _ / -, not " \
	"ending in /, /events or /ack"
int	 valid_name(const char *);
int	 valid_ref(const char *);
int	 valid_unix_user(const char *);

#endif
