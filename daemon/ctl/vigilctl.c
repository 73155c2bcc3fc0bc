/*
 * vigilctl.c: the one client a person needs.  Global options, then a command
 * looked up in the tables of the ctl-*.c files.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"

static const struct ctl_cmd *const ctl_tables[] = {
	ctl_case_cmds,
	ctl_query_cmds,
	ctl_admin_cmds,
	ctl_calendar_cmds,
};

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: vigilctl [-c CONF | -s SOCKET] [--json] COMMAND "
	    "[ARG...]\n\n"
	    "commands:\n");
	for (size_t t = 0; t < nitems(ctl_tables); t++)
		for (const struct ctl_cmd *c = ctl_tables[t]; c->name; c++)
			fprintf(fp, "  %s%s%s\n", c->name, *c->usage ? " " : "",
			    c->usage);
	fprintf(fp, "\nSee vigilctl(1).\n");
}

int
ctl_usage(const struct ctl_cmd *cmd)
{
	fprintf(stderr, "usage: vigilctl %s %s\n", cmd->name, cmd->usage);
	return CTL_USAGE;
}

int
ctl_refuse(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vigilctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	return CTL_REFUSED;
}

void
ctl_print_json(json_t *j)
{
	if (j == NULL)
		fatalx("cannot build JSON output");
	json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(j);
}

/* -c, else the installed vigil.conf if there is one, else the defaults. */
struct conf *
ctl_conf(struct ctl *ctl)
{
	struct diag dg = { 0 };
	const char *path = ctl->conf_path;

	if (ctl->conf != NULL)
		return ctl->conf;
	if (path == NULL && access(conf_default_path(), F_OK) == 0)
		path = conf_default_path();
	if ((ctl->conf = conf_load(path, &dg)) == NULL) {
		diag_print(&dg, stderr);
		fprintf(stderr, "vigilctl: configuration has errors\n");
	}
	diag_clear(&dg);
	return ctl->conf;
}

/* The longest command name matching the leading words of argv. */
static const struct ctl_cmd *
lookup(int argc, char **argv, int *words)
{
	const struct ctl_cmd *best = NULL;

	for (size_t t = 0; t < nitems(ctl_tables); t++) {
		for (const struct ctl_cmd *c = ctl_tables[t]; c->name; c++) {
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

	log_init("vigilctl", LOG_TO_STDERR, 6);
	while ((ch = getopt_long(argc, argv, "+c:s:jhV", longopts, NULL)) != -1) {
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
			usage(stderr);
			return CTL_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0 || (cmd = lookup(argc, argv, &words)) == NULL) {
		if (argc > 0)
			fprintf(stderr, "vigilctl: unknown command \"%s\"\n",
			    argv[0]);
		usage(stderr);
		return CTL_USAGE;
	}
	/* The command sees its last name word as argv[0]. */
	rc = cmd->exec(&ctl, argc - words + 1, argv + words - 1);
	conf_free(ctl.conf);
	return rc;
}
