/*
 * vigilctl.c: the one client a person needs.  Global options, then a command
 * looked up in the tables of the ctl-*.c files (ctl.c lists them).
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <getopt.h>
#include <signal.h>
#include <string.h>

#include "ctl.h"

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: vigilctl [-c CONF | -s SOCKET] [--json] COMMAND "
	    "[ARG...]\n\n"
	    "commands:\n");
	for (const struct ctl_cmd *const *t = ctl_tables; *t; t++)
		for (const struct ctl_cmd *c = *t; c->name; c++)
			fprintf(fp, "  %s%s%s\n", c->name, *c->usage ? " " : "",
			    c->usage);
	fprintf(fp, "\nSee vigilctl(1).\n");
}

/* The longest command name matching the leading words of argv. */
static const struct ctl_cmd *
lookup(int argc, char **argv, int *words)
{
	const struct ctl_cmd *best = NULL;

	for (const struct ctl_cmd *const *t = ctl_tables; *t; t++) {
		for (const struct ctl_cmd *c = *t; c->name; c++) {
			const char *p = c->name;
			int w = 0;

			while (w < argc) {
				size_t n = strlen(argv[w]);

				if (strncmp(p, argv[w], n) != 0 ||
				    (p[n] != ' ' && p[n] != '\0'))
					break;
				w++;
				p += n;
				if (*p == '\0') {
					if (best == NULL || w > *words) {
						best = c;
						*words = w;
					}
					break;
				}
				p++;
			}
		}
	}
	return best;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct ctl ctl = { 0 };
	const struct ctl_cmd *cmd;
	int ch, words = 0, rc;
	char opt[3];

	log_init("vigilctl", LOG_TO_STDERR, 6);
	/* vigild hanging up is an error to report (exit 3), not a death. */
	signal(SIGPIPE, SIG_IGN);
	/* Its complaints go through ctl_fail(), to honour --json. */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:c:s:jhV", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'c':
			ctl.conf_path = optarg;
			break;
		case 's':
			ctl.socket_path = optarg;
			break;
		case 'j':
			ctl.json = 1;
			break;
		case 'h':
			usage(stdout);
			return CTL_OK;
		case 'V':
			printf("vigilctl %s\n", PACKAGE_VERSION);
			return CTL_OK;
		default:
			/* A short option may be one of a group: name it alone. */
			if (optopt != 0)
				snprintf(opt, sizeof opt, "-%c", optopt);
			rc = ctl_fail(&ctl, CTL_USAGE, ch == ':' ?
			    "%s needs an argument" : "bad option \"%s\"",
			    optopt != 0 ? opt : argv[optind - 1]);
			usage(stderr);
			return rc;
		}
	}
	opterr = 1;
	argc -= optind;
	argv += optind;
	if (argc == 0 || (cmd = lookup(argc, argv, &words)) == NULL) {
		rc = argc > 0 ? ctl_fail(&ctl, CTL_USAGE, "unknown command "
		    "\"%s\"", argv[0]) : ctl_fail(&ctl, CTL_USAGE, "no command");
		usage(stderr);
		return rc;
	}
	/* The command sees its last name word as argv[0]. */
	rc = cmd->exec(cmd, &ctl, argc - words + 1, argv + words - 1);
	conf_free(ctl.conf);
	return rc;
}
