/*
 * detach.c: become a classic daemon without lying about it.  daemon(3)
 * returns to the shell before the database is opened, so a locked database
 * or a socket in use exited 0 with the error only in syslog.  Here the
 * parent waits until the child is ready (exit 0) or has died (its status,
 * its error already on the terminal they share).
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "vigild.h"

static int ready_fd = -1;	/* the child's end: one byte means "ready" */

static void VIGIL_NORETURN
parent_wait(pid_t child, int fd)
{
	char c;
	ssize_t n;
	int status = 0;

	while ((n = read(fd, &c, 1)) == -1 && errno == EINTR)
		;
	if (n == 1)
		_exit(0);
	/* EOF without the byte: the child exited, with its error said. */
	while (waitpid(child, &status, 0) == -1 && errno == EINTR)
		;
	_exit(WIFEXITED(status) && WEXITSTATUS(status) != 0 ?
	    WEXITSTATUS(status) : 1);
}

void
detach_start(void)
{
	int fds[2];
	pid_t pid;

	log_echo_stderr(1);
	signal(SIGCHLD, SIG_DFL);	/* an inherited SIG_IGN would reap it */
	if (pipe2(fds, O_CLOEXEC) == -1)
		fatal("pipe");
	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid != 0) {
		close(fds[1]);
		parent_wait(pid, fds[0]);
	}
	close(fds[0]);
	ready_fd = fds[1];
	if (setsid() == -1)
		fatal("setsid");
	if (chdir("/") == -1)
		fatal("chdir /");
}

/* Ready: let the parent go, and let go of its terminal. */
void
detach_ready(void)
{
	int null;

	if (ready_fd == -1)
		return;
	log_echo_stderr(0);
	if (write(ready_fd, "R", 1) != 1)
		log_warn("telling the starting shell we are ready");
	close(ready_fd);
	ready_fd = -1;
	if ((null = open("/dev/null", O_RDWR)) == -1)
		fatal("/dev/null");
	dup2(null, STDIN_FILENO);
	dup2(null, STDOUT_FILENO);
	dup2(null, STDERR_FILENO);
	if (null > STDERR_FILENO)
		close(null);
}
