/*
 * ctl-client.c: one request to vigild and its reply, over the control
 * socket: -s SOCKET, or the socket named by the configuration.  Requests
 * are built and checked against the protocol's own tables (proto.c).
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <errno.h>
#include <poll.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "proto.h"

#define CTL_REPLY_TIMEOUT_MS	60000
#define CTL_LONG_TIMEOUT_MS	(6 * 3600 * 1000)	/* audit, backup */
#define CTL_REPLY_MAX		(256 * 1024 * 1024)

/* The group of the control socket (mode 0660): systemd/sysusers.d. */
#define CTL_GROUP	"vigil"

/* The login to name in advice, or a placeholder. */
static const char *
login_name(void)
{
	struct passwd *pw = getpwuid(getuid());

	return pw != NULL ? pw->pw_name : "LOGIN";
}

/*
 * vigild out of reach.  A failed connect (err, else 0) also says what to
 * do: the socket is its group's, and no one listening is no vigild.
 */
static int
unreachable(struct ctl *ctl, const char *path, const char *what, int err)
{
	char hint[160] = "";

	if (err == EACCES || err == EPERM)
		snprintf(hint, sizeof hint, ": add your login to group "
		    CTL_GROUP " (usermod -aG " CTL_GROUP " %s) and log in "
		    "again", login_name());
	else if (err == ENOENT || err == ECONNREFUSED)
		snprintf(hint, sizeof hint,
		    ": is vigild running? systemctl status vigil");
	return ctl_fail(ctl, CTL_UNREACHABLE, "cannot reach vigild at %s: %s%s",
	    path, what, hint);
}

static const char *
socket_path(struct ctl *ctl)
{
	struct conf *conf;

	if (ctl->socket_path != NULL)
		return ctl->socket_path;
	if ((conf = ctl_conf(ctl)) == NULL)
		return NULL;
	return conf->socket;
}

/* Read up to the first newline, with one overall deadline. */
static char *
read_line(int fd, long timeout_ms, const char **why)
{
	size_t len = 0, cap = 0;
	char *buf = NULL, *nl;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct timespec start, now;
	ssize_t n;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		long spent;

		clock_gettime(CLOCK_MONOTONIC, &now);
		spent = (now.tv_sec - start.tv_sec) * 1000 +
		    (now.tv_nsec - start.tv_nsec) / 1000000;
		if (spent >= timeout_ms ||
		    poll(&pfd, 1, (int)(timeout_ms - spent)) == 0) {
			*why = "no reply in time";
			break;
		}
		if (len + 65536 > cap) {
			cap = cap ? cap * 2 : 65536 * 2;
			if (cap > CTL_REPLY_MAX) {
				*why = "reply too large";
				break;
			}
			buf = xreallocarray(buf, cap, 1);
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			*why = n == 0 ? "vigild closed the connection" :
			    strerror(errno);
			break;
		}
		len += (size_t)n;
		buf[len] = '\0';
		if ((nl = memchr(buf, '\n', len)) != NULL) {
			*nl = '\0';
			return buf;
		}
	}
	free(buf);
	return NULL;
}

/* The protocol command a row sends. */
const struct proto_cmd *
ctl_proto(const struct ctl_cmd *self)
{
	const struct proto_cmd *c;

	if (self->proto == NULL || (c = proto_cmd_find(self->proto)) == NULL)
		fatalx("%s: no protocol command \"%s\"", self->name,
		    self->proto ? self->proto : "");
	return c;
}

/* A request for it, to which the command adds its keys. */
json_t *
ctl_req(const struct ctl_cmd *self)
{
	return json_pack("{s:s}", "cmd", ctl_proto(self)->name);
}

/*
 * The keys of a request are the protocol's: one its command does not take
 * is vigilctl's mistake, so it stops here rather than being refused.
 */
static void
check_keys(json_t *req)
{
	const char *cmd = json_string_value(json_object_get(req, "cmd"));
	const struct proto_cmd *c;
	const char *key;

	if (cmd == NULL || (c = proto_cmd_find(cmd)) == NULL)
		fatalx("no protocol command \"%s\"", cmd ? cmd : "");
	if ((key = proto_cmd_stray(c, req)) != NULL)
		fatalx("%s does not take \"%s\"", cmd, key);
}

/*
 * Send req (consumed) and wait for the reply.  On success *result is the
 * reply's "result" (the caller owns it); a refusal is printed.
 */
int
ctl_request(struct ctl *ctl, json_t *req, json_t **result)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const char *path = socket_path(ctl), *why = NULL;
	const char *cmd = json_string_value(json_object_get(req, "cmd"));
	json_t *reply;
	char *text, *line;
	long timeout;
	int fd, rc, err;

	check_keys(req);
	/* These read the whole database: they may take minutes. */
	timeout = cmd && (strcmp(cmd, "audit-verify") == 0 ||
	    strcmp(cmd, "backup") == 0) ? CTL_LONG_TIMEOUT_MS :
	    CTL_REPLY_TIMEOUT_MS;

	*result = NULL;
	if (path == NULL) {
		json_decref(req);
		return CTL_REFUSED;
	}
	if (strlen(path) >= sizeof sun.sun_path) {
		json_decref(req);
		return unreachable(ctl, path, "socket path too long", 0);
	}
	strcpy(sun.sun_path, path);
	if ((line = json_dumps(req, JSON_COMPACT)) == NULL)
		fatalx("cannot encode the request");
	json_decref(req);
	text = xasprintf("%s\n", line);	/* one write: one read for vigild */
	free(line);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		err = errno;
		free(text);
		if (fd != -1)
			close(fd);
		return unreachable(ctl, path, strerror(err), err);
	}
	/* A refusal may come before vigild hangs up on the request: read
	 * it even when the write met the closed socket. */
	rc = write_all(fd, text, strlen(text)) == -1 ? errno : 0;
	free(text);
	if ((rc != 0 && rc != EPIPE) ||
	    (line = read_line(fd, timeout, &why)) == NULL) {
		close(fd);
		return unreachable(ctl, path, rc != 0 ? strerror(rc) : why ?
		    why : strerror(errno), 0);
	}
	close(fd);
	reply = json_loads(line, 0, NULL);
	free(line);
	if (reply == NULL || !json_is_object(reply)) {
		json_decref(reply);
		return unreachable(ctl, path, "unreadable reply", 0);
	}
	if (json_is_true(json_object_get(reply, "ok"))) {
		*result = json_incref(json_object_get(reply, "result"));
		json_decref(reply);
		return CTL_OK;
	}
	return ctl_fail_reply(ctl, CTL_REFUSED, reply);
}

/* Send req (consumed); print the result as JSON with --json, else print(). */
int
ctl_call(struct ctl *ctl, json_t *req, void (*print)(json_t *))
{
	json_t *res;
	int rc = ctl_request(ctl, req, &res);

	if (rc != CTL_OK)
		return rc;
	if (ctl->json)
		ctl_print_json(res);
	else {
		print(res);
		json_decref(res);
	}
	return CTL_OK;
}
