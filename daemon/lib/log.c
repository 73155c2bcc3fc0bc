/*
 * log.c: one line per message, with a priority.  Under systemd the lines go
 * to stderr with "<N>" prefixes that journald turns into priorities; as a
 * classic daemon they go to syslog; on a terminal they are plain.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vigil.h"

static const char *log_ident = "vigil";
static enum log_dest log_to = LOG_TO_STDERR;
static int log_max = LOG_INFO;
static _Atomic int log_echo;	/* also on stderr: warnings and worse */

void
log_init(const char *ident, enum log_dest dest, int max_priority)
{
	log_ident = ident;
	log_to = dest;
	log_max = max_priority;
	if (dest == LOG_TO_SYSLOG)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

/*
 * While a classic daemon starts, its terminal is still there: whoever ran
 * vigild sees why it did not start, as well as syslog.
 */
void
log_echo_stderr(int on)
{
	log_echo = on;
}

/* journald sets JOURNAL_STREAM to the device:inode of the stream it reads. */
enum log_dest
log_dest_for_stderr(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (js == NULL || sscanf(js, "%llu:%llu", &dev, &ino) != 2)
		return LOG_TO_STDERR;
	if (fstat(STDERR_FILENO, &st) == -1)
		return LOG_TO_STDERR;
	if ((unsigned long long)st.st_dev != dev ||
	    (unsigned long long)st.st_ino != ino)
		return LOG_TO_STDERR;
	return LOG_TO_JOURNAL;
}

static void log_vwrite(int, const char *, va_list) VIGIL_PRINTF(2, 0);

static void
log_vwrite(int pri, const char *fmt, va_list ap)
{
	static const char *const label[] = {
		"emergency: ", "alert: ", "critical: ", "error: ",
		"warning: ", "", "", "debug: "
	};
	char buf[2048];

	if (pri > log_max)
		return;
	vsnprintf(buf, sizeof buf, fmt, ap);
	switch (log_to) {
	case LOG_TO_SYSLOG:
		syslog(pri, "%s", buf);
		if (log_echo && pri <= LOG_WARNING)
			fprintf(stderr, "%s: %s%s\n", log_ident, label[pri], buf);
		break;
	case LOG_TO_JOURNAL:
		fprintf(stderr, "<%d>%s\n", pri, buf);
		break;
	case LOG_TO_STDERR:
		fprintf(stderr, "%s: %s%s\n", log_ident, label[pri], buf);
		break;
	}
}

/* Whether a line at pri would be written: then it is worth formatting. */
int
log_wanted(int pri)
{
	return pri <= log_max;
}

static void log_line(int, const char *, ...) VIGIL_PRINTF(2, 3);

static void
log_line(int pri, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(pri, fmt, ap);
	va_end(ap);
}

static void log_verrno(int, const char *, va_list) VIGIL_PRINTF(2, 0);

/* The message with errno's text appended, as OpenBSD's log_warn() does. */
static void
log_verrno(int pri, const char *fmt, va_list ap)
{
	char buf[1024];
	int saved = errno;

	vsnprintf(buf, sizeof buf, fmt, ap);
	log_line(pri, "%s: %s", buf, strerror(saved));
}

/* Each log function: its priority, its writer, and what follows. */
#define LOG_FN(name, pri, write, then)			\
void							\
name(const char *fmt, ...)				\
{							\
	va_list ap;					\
	va_start(ap, fmt);				\
	write(pri, fmt, ap);				\
	va_end(ap);					\
	then;						\
}
LOG_FN(log_crit, LOG_CRIT, log_vwrite, )
LOG_FN(log_err, LOG_ERR, log_vwrite, )
LOG_FN(log_warn, LOG_WARNING, log_verrno, )
LOG_FN(log_warnx, LOG_WARNING, log_vwrite, )
LOG_FN(log_notice, LOG_NOTICE, log_vwrite, )
LOG_FN(log_info, LOG_INFO, log_vwrite, )
LOG_FN(log_debug, LOG_DEBUG, log_vwrite, )
LOG_FN(fatal, LOG_ERR, log_verrno, exit(1))
LOG_FN(fatalx, LOG_ERR, log_vwrite, exit(1))
